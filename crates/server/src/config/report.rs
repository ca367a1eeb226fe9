//! What the server says about its configuration at startup: warnings, and a summary that is
//! safe to log because it only says whether each secret is set.

use std::fmt;

use serde_json::Value;

use super::secrets::{is_dev_default, is_short};
use super::settings::Settings;

impl Settings {
    /// Conditions that are allowed but an operator should see in the startup log.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        for (var, secret) in [
            ("ACCESS_TOKEN_SECRET_KEY", &self.auth.access_secret),
            ("REFRESH_TOKEN_SECRET_KEY", &self.auth.refresh_secret),
            ("OTP_PEPPER", &self.otp.pepper),
        ] {
            if is_dev_default(secret) {
                warnings.push(format!(
                    "{var} is not set: using an INSECURE built-in development secret"
                ));
            } else if is_short(secret) {
                warnings.push(format!(
                    "{var} is shorter than 32 bytes: production would refuse it"
                ));
            }
        }
        if self.otp.test_mode {
            let where_ = if self.profile.is_production() {
                " (allowed in production by OTP_TEST_ALLOW_IN_PROD)"
            } else {
                ""
            };
            warnings.push(format!(
                "OTP test mode is ON{where_}: test numbers log in with a fixed code"
            ));
            if self.otp.test_code_response {
                warnings.push(
                    "OTP_TEST_CODE_RESPONSE is ON: send responses for test numbers include the code"
                        .to_owned(),
                );
            }
        }
        if self.http.cors_allowed_origins.iter().any(|o| o == "*") {
            warnings.push("CORS allows any origin (*)".to_owned());
        }
        if self.profile.is_production() && self.database.url.is_none() {
            warnings.push(
                "no DATABASE_URL in production: running an embedded PostgreSQL cluster".to_owned(),
            );
        }
        warnings
    }

    /// One line describing the effective configuration, `section.key=value` for every setting,
    /// with secrets reduced to set/unset/dev-default (their `Serialize`).
    pub fn redacted_summary(&self) -> String {
        let mut parts = Vec::new();
        flatten(
            "",
            &serde_json::to_value(self).unwrap_or_default(),
            &mut parts,
        );
        parts.join(" ")
    }
}

fn flatten(prefix: &str, value: &Value, parts: &mut Vec<String>) {
    match value {
        Value::Object(fields) if !fields.is_empty() => {
            for (name, value) in fields {
                let key = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}.{name}")
                };
                flatten(&key, value, parts);
            }
        }
        // Escaped, so that a newline in a value cannot split the line.
        Value::String(text) => parts.push(format!("{prefix}={}", text.escape_debug())),
        other => parts.push(format!("{prefix}={other}")),
    }
}

impl fmt::Display for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted_summary())
    }
}
