//! The service-account JSON Google issues (only the fields the JWT-bearer grant needs).

use std::path::Path;

use jsonwebtoken::EncodingKey;
use serde::Deserialize;

/// Why the credentials cannot be used. Never quotes the key.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a service-account JSON: {reason}")]
    Format { path: String, reason: String },
    #[error("{path}: private_key is not an RSA private key in PEM")]
    Key { path: String },
}

#[derive(Deserialize)]
struct Raw {
    #[serde(rename = "type")]
    kind: Option<String>,
    project_id: String,
    private_key_id: Option<String>,
    private_key: String,
    client_email: String,
    token_uri: String,
}

/// A usable service account: its identity, its signing key, its token endpoint and project.
pub struct ServiceAccount {
    pub(crate) client_email: String,
    pub(crate) key_id: Option<String>,
    pub(crate) key: EncodingKey,
    pub(crate) token_uri: String,
    pub(crate) project_id: String,
}

impl std::fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("client_email", &self.client_email)
            .field("project_id", &self.project_id)
            .field("token_uri", &self.token_uri)
            .finish_non_exhaustive()
    }
}

impl ServiceAccount {
    /// Reads and checks the JSON at `path`.
    ///
    /// Errors: the file cannot be read, is not a service account (missing fields, another
    /// `type`, a `token_uri` that is not http(s)), or its key does not parse.
    pub fn from_file(path: &Path) -> Result<Self, AccountError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| AccountError::Read {
            path: shown.clone(),
            source,
        })?;
        Self::from_json(&text, &shown)
    }

    /// As [`ServiceAccount::from_file`], from the JSON text; `name` is used in errors.
    ///
    /// Errors: as `from_file`, but for reading.
    pub fn from_json(text: &str, name: &str) -> Result<Self, AccountError> {
        let format = |reason: String| AccountError::Format {
            path: name.to_owned(),
            reason,
        };
        // serde_json's message names the field, never a value.
        let raw: Raw = serde_json::from_str(text).map_err(|e| format(e.to_string()))?;
        if raw.kind.as_deref().is_some_and(|k| k != "service_account") {
            return Err(format("`type` is not \"service_account\"".to_owned()));
        }
        let uri = raw.token_uri.trim();
        if !(uri.starts_with("https://") || uri.starts_with("http://")) {
            return Err(format("`token_uri` is not an http(s) URL".to_owned()));
        }
        if raw.project_id.trim().is_empty() || raw.client_email.trim().is_empty() {
            return Err(format("`project_id` or `client_email` is empty".to_owned()));
        }
        let key = EncodingKey::from_rsa_pem(raw.private_key.as_bytes()).map_err(|_| {
            AccountError::Key {
                path: name.to_owned(),
            }
        })?;
        Ok(Self {
            client_email: raw.client_email.trim().to_owned(),
            key_id: raw.private_key_id,
            key,
            token_uri: uri.to_owned(),
            project_id: raw.project_id.trim().to_owned(),
        })
    }

    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    pub fn client_email(&self) -> &str {
        &self.client_email
    }
}
