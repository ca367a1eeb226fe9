//! What the server says about its configuration at startup: warnings, and a summary that is
//! safe to log because it only says whether each secret is set.

use std::fmt;

use secrecy::SecretString;

use super::secrets::{is_dev_default, is_short};
use super::settings::{LogFormat, Settings};

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

    /// One line describing the effective configuration, with secrets reduced to set/unset.
    pub fn redacted_summary(&self) -> String {
        self.to_string()
    }
}

fn secret_state(secret: &SecretString) -> &'static str {
    if is_dev_default(secret) {
        "dev-default"
    } else {
        "set"
    }
}

impl fmt::Display for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self;
        let database = match &s.database.url {
            Some(_) => "external (url set)".to_owned(),
            None => format!(
                "embedded ({}, db {})",
                s.database.embedded_dir.display(),
                s.database.embedded_db_name
            ),
        };
        let log_format = match s.log.format {
            LogFormat::Pretty => "pretty",
            LogFormat::Json => "json",
        };
        write!(
            f,
            "profile={} http={}:{} cors={:?} trusted_proxies={:?} database={database} \
             pool={} migrate_on_start={} seed_on_start={} gateways=client {}:{}, sms {}:{} \
             access_ttl={}s refresh_ttl={}s access_secret={} refresh_secret={} \
             otp_ttl={}s otp_code_length={} otp_test_mode={} otp_pepper={} \
             sms_region={} sms_device_token={} log={log_format}/{} uploads={}",
            s.profile,
            s.http.host,
            s.http.port,
            s.http.cors_allowed_origins,
            s.http.trusted_proxies,
            s.database.pool_size,
            s.database.migrate_on_start,
            s.database.seed_on_start,
            s.gateways.client_host,
            s.gateways.client_port,
            s.gateways.sms_host,
            s.gateways.sms_port,
            s.auth.access_ttl_secs,
            s.auth.refresh_ttl_secs,
            secret_state(&s.auth.access_secret),
            secret_state(&s.auth.refresh_secret),
            s.otp.ttl_secs,
            s.otp.code_length,
            s.otp.test_mode,
            secret_state(&s.otp.pepper),
            s.sms.default_region,
            if s.sms.device_auth_token.is_some() {
                "set"
            } else {
                "unset"
            },
            s.log.filter,
            s.uploads.dir.display(),
        )
    }
}
