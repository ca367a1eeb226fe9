//! End-to-end tests of `load_from`: real files in a temp dir or the workspace `config/`, and a
//! map standing in for the environment (the process environment is never touched).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use secrecy::ExposeSecret;

use secrecy::SecretString;

use super::checks::{flat, is_ip_or_cidr};
use super::load::{env_names, merge_dotenv, url_from_parts, url_host};
use super::settings::{
    DEV_ACCESS_SECRET, DEV_OTP_PEPPER, DEV_REFRESH_SECRET, DEV_SECRETS, is_dev_default, is_short,
};
use super::{
    ConfigError, DEFAULT_TEST_NUMBERS, LogFormat, Profile, Settings, StorageBackend, load_from,
};

const STRONG_ACCESS: &str = "access-0123456789abcdef0123456789abcdef";
const STRONG_REFRESH: &str = "refresh-0123456789abcdef0123456789abcdef";
const STRONG_PEPPER: &str = "pepper-0123456789abcdef0123456789abcdef";

fn real_config_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config")
}

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A config dir with the given files; an empty default.toml when none is given.
fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("default.toml"), "").unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn prod_env(extra: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut e = env(&[
        ("APP_ENV", "production"),
        ("ACCESS_TOKEN_SECRET_KEY", STRONG_ACCESS),
        ("REFRESH_TOKEN_SECRET_KEY", STRONG_REFRESH),
        ("OTP_PEPPER", STRONG_PEPPER),
    ]);
    e.extend(env(extra));
    e
}

/// Every setting's `section.field` key with its default, read off the serialized settings (what
/// the startup summary prints).
fn known_keys() -> BTreeMap<String, serde_json::Value> {
    let s = load_real(&env(&[])).unwrap();
    flat(&s)
        .into_iter()
        .filter(|(key, _)| key.contains('.'))
        .collect()
}

fn load_real(e: &BTreeMap<String, String>) -> Result<Settings, ConfigError> {
    load_from(&real_config_dir(), e)
}

#[test]
fn defaults_load_with_nothing_set() {
    let s = load_real(&env(&[])).unwrap();
    assert_eq!(s.profile, Profile::Development);
    assert_eq!((s.http.host.as_str(), s.http.port), ("0.0.0.0", 3080));
    assert_eq!(s.http.body_limit_bytes, 102_400);
    assert!(s.database.url.is_none(), "no URL means embedded mode");
    assert_eq!(s.database.embedded_dir, PathBuf::from(".data/postgres"));
    assert!(s.database.seed_on_start);
    assert_eq!(s.auth.access_ttl_secs, 900);
    assert_eq!(s.auth.refresh_ttl_secs, 604_800);
    assert_eq!(s.otp.code_length, 5);
    assert_eq!(s.otp.test_prefix, "9936199999");
    assert_eq!(s.otp.test_numbers.len(), 4);
    assert!(!s.otp.test_mode);
    assert_eq!(s.sms.default_region, "tm");
    assert_eq!((s.gateways.client_port, s.gateways.sms_port), (3090, 3091));
    assert_eq!(s.log.format, LogFormat::Pretty);
    assert_eq!(s.auth.access_secret.expose_secret(), DEV_ACCESS_SECRET);
    assert_eq!(s.auth.refresh_secret.expose_secret(), DEV_REFRESH_SECRET);
    assert_eq!(s.otp.pepper.expose_secret(), DEV_OTP_PEPPER);
}

#[test]
fn dev_default_secrets_are_announced_as_insecure() {
    let warnings = load_real(&env(&[])).unwrap().warnings();
    let insecure = warnings.iter().filter(|w| w.contains("INSECURE")).count();
    assert_eq!(insecure, 3, "{warnings:?}");
}

/// The settings' fields as `section.field` (`section.sub.field` in nested sections), read off
/// the derived `Debug`, which lists every field (secrets as `[REDACTED]`) four spaces deeper than
/// its section.
fn settings_fields(s: &Settings) -> BTreeSet<String> {
    let mut fields = BTreeSet::new();
    let mut sections: Vec<&str> = Vec::new();
    let debug = format!("{s:#?}");
    for line in debug.lines() {
        let depth = (line.len() - line.trim_start().len()) / 4;
        let Some((name, value)) = line.trim_start().split_once(": ") else {
            continue;
        };
        // Deeper than a field of the open sections: inside a value (a list, an `Option`).
        if depth == 0 || depth > sections.len() + 1 {
            continue;
        }
        sections.truncate(depth - 1);
        if value.ends_with("Settings {") {
            sections.push(name);
        } else if !sections.is_empty() {
            fields.insert(format!("{}.{name}", sections.join(".")));
        }
    }
    fields
}

/// The keys the summary prints and the docs list are exactly the settings' fields: a field left
/// out of them would be neither reported nor documented.
#[test]
fn known_keys_are_exactly_the_settings_fields() {
    let s = load_real(&env(&[])).unwrap();
    let keys: BTreeSet<String> = known_keys().into_keys().collect();
    assert!(keys.len() > 40, "{keys:?}");
    assert_eq!(settings_fields(&s), keys);
}

/// These defaults come from default.toml alone; the constants the code exports must agree.
#[test]
fn default_toml_matches_the_named_defaults() {
    let s = load_real(&env(&[])).unwrap();
    assert_eq!(s.otp.test_numbers, DEFAULT_TEST_NUMBERS);
    assert_eq!(
        s.phone.extra_mobile_prefixes,
        alpha_kernel::DEFAULT_EXTRA_MOBILE_PREFIXES
    );
}

#[test]
fn every_real_profile_file_loads() {
    assert_eq!(
        load_real(&env(&[("APP_ENV", "test")])).unwrap().log.filter,
        "warn"
    );
    let prod = load_real(&prod_env(&[])).unwrap();
    assert_eq!(prod.log.format, LogFormat::Json);
    assert!(!prod.database.seed_on_start);
    assert!(prod.http.cors_allowed_origins.is_empty());
}

#[test]
fn profile_file_overrides_default_file() {
    let dir = dir_with(&[
        (
            "default.toml",
            "[http]\nport = 4000\nhost = \"127.0.0.1\"\n",
        ),
        ("test.toml", "[http]\nport = 4001\n"),
    ]);
    let s = load_from(dir.path(), &env(&[("APP_ENV", "test")])).unwrap();
    assert_eq!(s.http.port, 4001);
    assert_eq!(
        s.http.host, "127.0.0.1",
        "keys the profile does not set keep the default"
    );
    let dev = load_from(dir.path(), &env(&[])).unwrap();
    assert_eq!(dev.http.port, 4000, "another profile's file is not read");
}

#[test]
fn env_overrides_files_and_structured_beats_legacy() {
    let dir = dir_with(&[("default.toml", "[http]\nport = 4000\n")]);
    let legacy = load_from(dir.path(), &env(&[("PORT", "5000")])).unwrap();
    assert_eq!(legacy.http.port, 5000);
    let both = load_from(
        dir.path(),
        &env(&[("PORT", "5000"), ("ALPHA__HTTP__PORT", "6000")]),
    )
    .unwrap();
    assert_eq!(both.http.port, 6000);
}

#[test]
fn structured_names_reach_every_section() {
    let s = load_real(&env(&[
        ("ALPHA__DATABASE__POOL_SIZE", "4"),
        ("ALPHA__OTP__CODE_LENGTH", "6"),
        ("ALPHA__SMS__ALLOW_ANY_REGION_FALLBACK", "1"),
        ("ALPHA__GATEWAYS__SMS_PORT", "4091"),
        (
            "ALPHA__HTTP__CORS_ALLOWED_ORIGINS",
            "https://a.tm,https://b.tm",
        ),
        ("ALPHA__AUTH__ACCESS_SECRET", STRONG_ACCESS),
    ]))
    .unwrap();
    assert_eq!(s.database.pool_size, 4);
    assert_eq!(s.otp.code_length, 6);
    assert!(s.sms.allow_any_region_fallback);
    assert_eq!(s.gateways.sms_port, 4091);
    assert_eq!(
        s.http.cors_allowed_origins,
        ["https://a.tm", "https://b.tm"]
    );
    assert_eq!(s.auth.access_secret.expose_secret(), STRONG_ACCESS);
}

#[test]
fn legacy_names_map_to_settings() {
    let s = load_real(&env(&[
        ("PORT", "8080"),
        ("OTP_TTL_SECONDS", "120"),
        ("OTP_MAX_ATTEMPTS", "7"),
        ("OTP_PHONE_RATE_LIMIT_WINDOW_MS", "30000"),
        ("OTP_PHONE_RATE_LIMIT_MAX", "9"),
        ("OTP_TEST_MODE", "TRUE"),
        ("OTP_TEST_CODE_RESPONSE", "1"),
        ("TEST_OTP_NUMBERS", "+99365000000, 99365000001"),
        ("TEST_OTP_NUMBERS_PROD", "99365000002"),
        ("TEST_OTP_PREFIX", "99365"),
        ("SMS_DEVICE_AUTH_TOKEN", "device-token"),
        ("SMS_DEFAULT_REGION", "TM"),
        ("SMS_OTP_TEMPLATE", "code {code}"),
        ("SMS_ACK_TIMEOUT_SECONDS", "20"),
        ("SMS_MAX_ATTEMPTS", "2"),
        ("REFRESH_REUSE_GRACE_SECONDS", "0"),
        ("UPLOAD_DIR", "/srv/uploads"),
        ("SEED_DATA_FILE", "/srv/brands.json"),
        ("LOG_FORMAT", "JSON"),
        ("RUST_LOG", "debug"),
        ("TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1"),
        ("PG_DATA_DIR", "/var/lib/alpha/pg"),
    ]))
    .unwrap();
    assert_eq!(s.http.port, 8080);
    assert_eq!(s.otp.ttl_secs, 120);
    assert_eq!(s.otp.max_attempts, 7);
    assert_eq!(s.otp.phone_rate_limit_window_ms, 30_000);
    assert_eq!(s.otp.phone_rate_limit_max, 9);
    assert!(s.otp.test_mode && s.otp.test_code_response);
    assert_eq!(
        s.otp.test_numbers.len(),
        6,
        "old TEST_OTP_NUMBERS adds to the built-in four"
    );
    assert!(
        s.otp.test_numbers.contains(&"99365000000".to_string()),
        "+ is stripped"
    );
    assert_eq!(s.otp.test_numbers_prod, ["99365000002"]);
    assert_eq!(s.otp.test_prefix, "99365");
    assert_eq!(
        s.sms
            .device_auth_token
            .as_ref()
            .map(|t| t.expose_secret().to_owned()),
        Some("device-token".into())
    );
    assert_eq!(s.sms.default_region, "tm");
    assert_eq!(s.sms.otp_template, "code {code}");
    assert_eq!((s.sms.ack_timeout_secs, s.sms.max_attempts), (20, 2));
    assert_eq!(s.auth.reuse_grace_secs, 0);
    assert_eq!(s.uploads.dir, PathBuf::from("/srv/uploads"));
    assert_eq!(s.seed.data_file, Some(PathBuf::from("/srv/brands.json")));
    assert_eq!(s.log.format, LogFormat::Json);
    assert_eq!(s.log.filter, "debug");
    assert_eq!(s.http.trusted_proxies, ["10.0.0.0/8", "127.0.0.1"]);
    assert_eq!(s.database.embedded_dir, PathBuf::from("/var/lib/alpha/pg"));
    assert!(
        s.warnings()
            .iter()
            .any(|w| w.contains("OTP test mode is ON"))
    );
}

#[test]
fn database_parts_build_url_and_database_url_wins() {
    let parts = env(&[
        ("DATABASE_HOST", "db"),
        ("DATABASE_PORT", "6543"),
        ("DATABASE_USERNAME", "app"),
        ("DATABASE_PASSWORD", "pw"),
        ("DATABASE", "cars"),
    ]);
    let s = load_real(&parts).unwrap();
    let url = s
        .database
        .url
        .as_ref()
        .map(|u| u.expose_secret().to_owned());
    assert_eq!(url.as_deref(), Some("postgres://app:pw@db:6543/cars"));

    let mut with_url = parts;
    with_url.insert("DATABASE_URL".into(), "postgres://x@y/z".into());
    let s = load_real(&with_url).unwrap();
    let url = s
        .database
        .url
        .as_ref()
        .map(|u| u.expose_secret().to_owned());
    assert_eq!(url.as_deref(), Some("postgres://x@y/z"));
}

#[test]
fn empty_legacy_values_count_as_unset() {
    let s = load_real(&env(&[
        ("DATABASE_URL", ""),
        ("PORT", ""),
        ("SMS_DEVICE_AUTH_TOKEN", ""),
    ]))
    .unwrap();
    assert!(s.database.url.is_none());
    assert_eq!(s.http.port, 3080);
    assert!(s.sms.device_auth_token.is_none());
}

fn err_of(e: &[(&str, &str)]) -> String {
    load_real(&env(e)).unwrap_err().to_string()
}

#[test]
fn unparsable_number_names_key_and_variable() {
    let shown = err_of(&[("OTP_TTL_SECONDS", "5m")]);
    assert!(shown.contains("`otp.ttl_secs`"), "{shown}");
    assert!(
        shown.contains("OTP_TTL_SECONDS") && shown.contains("ALPHA__OTP__TTL_SECS"),
        "{shown}"
    );
}

#[test]
fn unparsable_bool_names_key_and_variable() {
    let shown = err_of(&[("ALPHA__DATABASE__MIGRATE_ON_START", "maybe")]);
    assert!(
        shown.contains("`database.migrate_on_start`") && shown.contains("\"maybe\""),
        "{shown}"
    );
}

#[test]
fn port_zero_is_refused() {
    let shown = err_of(&[("PORT", "0")]);
    assert!(
        shown.contains("`http.port`") && shown.contains("greater than 0"),
        "{shown}"
    );
}

#[test]
fn zero_ttls_are_refused() {
    for (var, key) in [
        ("OTP_TTL_SECONDS", "`otp.ttl_secs`"),
        ("ALPHA__AUTH__ACCESS_TTL_SECS", "`auth.access_ttl_secs`"),
        ("ALPHA__AUTH__REFRESH_TTL_SECS", "`auth.refresh_ttl_secs`"),
    ] {
        let shown = err_of(&[(var, "0")]);
        assert!(shown.contains(key), "{shown}");
    }
}

#[test]
fn code_length_outside_4_to_8_is_refused() {
    assert!(err_of(&[("ALPHA__OTP__CODE_LENGTH", "3")]).contains("`otp.code_length`"));
    assert!(err_of(&[("ALPHA__OTP__CODE_LENGTH", "9")]).contains("between 4 and 8"));
    assert_eq!(
        load_real(&env(&[("ALPHA__OTP__CODE_LENGTH", "8")]))
            .unwrap()
            .otp
            .code_length,
        8
    );
}

#[test]
fn invalid_profile_is_refused() {
    let shown = err_of(&[("APP_ENV", "staging")]);
    assert!(
        shown.contains("APP_ENV") && shown.contains("staging"),
        "{shown}"
    );
}

#[test]
fn unknown_settings_are_refused() {
    let shown = err_of(&[("ALPHA__HTTP__PROT", "1")]);
    assert!(
        shown.contains("ALPHA__HTTP__PROT") && shown.contains("unknown"),
        "{shown}"
    );
    let dir = dir_with(&[("default.toml", "[otp]\nttl = 5\n")]);
    let shown = load_from(dir.path(), &env(&[])).unwrap_err().to_string();
    assert!(
        shown.contains("`otp.ttl`") && shown.contains("default.toml"),
        "{shown}"
    );
}

#[test]
fn bad_file_value_names_the_file() {
    let dir = dir_with(&[("development.toml", "[http]\nport = \"eighty\"\n")]);
    let shown = load_from(dir.path(), &env(&[])).unwrap_err().to_string();
    assert!(
        shown.contains("`http.port`") && shown.contains("development.toml"),
        "{shown}"
    );
}

#[test]
fn without_config_files_the_built_in_copies_apply() {
    let empty = tempfile::tempdir().unwrap();
    let missing = empty.path().join("no-such-dir");
    for profile in ["development", "test"] {
        let vars = env(&[("APP_ENV", profile)]);
        let built_in = load_from(&missing, &vars).unwrap();
        let on_disk = load_from(&real_config_dir(), &vars).unwrap();
        assert_eq!(format!("{built_in:?}"), format!("{on_disk:?}"), "{profile}");
    }
    // The development file's values, not only the code's defaults.
    let dev = load_from(&missing, &env(&[("APP_ENV", "development")])).unwrap();
    assert!(dev.database.seed_on_start);
    assert_eq!(dev.http.cors_allowed_origins, vec!["*".to_owned()]);
}

#[test]
fn malformed_lists_are_refused() {
    assert!(err_of(&[("TRUSTED_PROXIES", "10.0.0.1,nope")]).contains("`http.trusted_proxies`"));
    assert!(
        err_of(&[("CORS_ALLOWED_ORIGINS", "https://a.tm/")])
            .contains("`http.cors_allowed_origins`")
    );
    assert!(err_of(&[("TEST_OTP_NUMBERS", "9936x")]).contains("`otp.test_numbers`"));
}

#[test]
fn other_format_checks_name_their_key() {
    assert!(err_of(&[("SMS_OTP_TEMPLATE", "no code here")]).contains("`sms.otp_template`"));
    assert!(err_of(&[("LOG_FORMAT", "xml")]).contains("`log.format`"));
    assert!(err_of(&[("RUST_LOG", "info,[[")]).contains("`log.filter`"));
    assert!(err_of(&[("ALPHA__OTP__TEST_PREFIX", "99a")]).contains("`otp.test_prefix`"));
}

#[test]
fn bad_database_url_is_refused_without_printing_it() {
    let shown = err_of(&[("DATABASE_URL", "mysql://root:hunter2@db/x")]);
    assert!(shown.contains("`database.url`"), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
}

#[test]
fn redis_is_off_by_default_and_its_url_is_a_secret() {
    let s = load_real(&env(&[])).unwrap();
    assert!(s.redis.url.is_none(), "one instance unless REDIS_URL");
    let url = "redis://:hunter2@cache:6379";
    let s = load_real(&env(&[("REDIS_URL", url)])).unwrap();
    assert_eq!(s.redis.url.as_ref().map(|u| u.expose_secret()), Some(url));
    assert!(!s.redacted_summary().contains("hunter2"));
    let shown = err_of(&[("REDIS_URL", "rediss://:hunter2@cache:6379")]);
    assert!(shown.contains("`redis.url`"), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
}

#[test]
fn production_requires_secrets() {
    let mut e = prod_env(&[]);
    e.remove("OTP_PEPPER");
    let err = load_real(&e).unwrap_err();
    assert!(matches!(err, ConfigError::Missing { .. }), "{err}");
    assert!(err.to_string().contains("OTP_PEPPER") && err.to_string().contains("`otp.pepper`"));
}

#[test]
fn production_refuses_default_secrets() {
    // Any development default is refused, even one meant for another setting.
    let err = load_real(&prod_env(&[("REFRESH_TOKEN_SECRET_KEY", DEV_OTP_PEPPER)])).unwrap_err();
    assert!(matches!(err, ConfigError::Insecure { .. }), "{err}");
    let shown = err.to_string();
    assert!(shown.contains("`auth.refresh_secret`") && shown.contains("development default"));
    assert!(!shown.contains(DEV_OTP_PEPPER), "{shown}");
}

#[test]
fn production_refuses_short_secrets_without_printing_them() {
    let err = load_real(&prod_env(&[("ACCESS_TOKEN_SECRET_KEY", "tooshort-secret")])).unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains("`auth.access_secret`") && shown.contains("32 bytes"),
        "{shown}"
    );
    assert!(!shown.contains("tooshort-secret"), "{shown}");
    let err = load_real(&prod_env(&[("OTP_PEPPER", "short")])).unwrap_err();
    assert!(err.to_string().contains("`otp.pepper`"), "{err}");
}

#[test]
fn production_refuses_equal_jwt_secrets() {
    let err = load_real(&prod_env(&[("REFRESH_TOKEN_SECRET_KEY", STRONG_ACCESS)])).unwrap_err();
    assert!(matches!(err, ConfigError::Insecure { .. }), "{err}");
    assert!(err.to_string().contains("must differ"), "{err}");
}

#[test]
fn production_refuses_wildcard_cors_but_development_allows_it() {
    let err = load_real(&prod_env(&[("CORS_ALLOWED_ORIGINS", "*")])).unwrap_err();
    assert!(
        err.to_string().contains("`http.cors_allowed_origins`"),
        "{err}"
    );
    let dev = load_real(&env(&[("CORS_ALLOWED_ORIGINS", "*")])).unwrap();
    assert_eq!(dev.http.cors_allowed_origins, ["*"]);
}

#[test]
fn production_refuses_test_mode_unless_allowed() {
    let err = load_real(&prod_env(&[("OTP_TEST_MODE", "true")])).unwrap_err();
    assert!(err.to_string().contains("`otp.test_mode`"), "{err}");
    let allowed = load_real(&prod_env(&[
        ("OTP_TEST_MODE", "true"),
        ("OTP_TEST_ALLOW_IN_PROD", "true"),
    ]))
    .unwrap();
    assert!(allowed.otp.test_mode);
    assert!(
        allowed
            .warnings()
            .iter()
            .any(|w| w.contains("allowed in production"))
    );
}

#[test]
fn production_accepts_strong_distinct_secrets() {
    let s = load_real(&prod_env(&[
        ("DATABASE_URL", "postgres://u:p@db/alpha"),
        ("GOOGLE_APPLICATION_CREDENTIALS", "/etc/alpha/fcm.json"),
    ]))
    .unwrap();
    assert!(s.profile.is_production());
    assert!(s.warnings().is_empty(), "{:?}", s.warnings());
}

#[test]
fn push_reads_the_google_variables_and_warns_without_credentials() {
    let s = load_real(&env(&[
        ("GOOGLE_APPLICATION_CREDENTIALS", "/etc/alpha/fcm.json"),
        ("FCM_BASE_URL", "http://127.0.0.1:9"),
    ]))
    .unwrap();
    assert_eq!(
        s.push.credentials_file.as_deref(),
        Some(Path::new("/etc/alpha/fcm.json"))
    );
    assert_eq!(s.push.fcm_base_url, "http://127.0.0.1:9");
    assert!(
        !s.warnings()
            .iter()
            .any(|w| w.contains("GOOGLE_APPLICATION_CREDENTIALS"))
    );
    let without = load_real(&env(&[])).unwrap();
    assert_eq!(without.push.fcm_base_url, "https://fcm.googleapis.com");
    let warned = without.warnings();
    assert_eq!(
        warned
            .iter()
            .filter(|w| w.contains("GOOGLE_APPLICATION_CREDENTIALS"))
            .count(),
        1,
        "{warned:?}"
    );
    let err = err_of(&[("FCM_BASE_URL", "fcm.googleapis.com/v1")]);
    assert!(err.contains("`push.fcm_base_url`"), "{err}");
    let err = err_of(&[("ALPHA__PUSH__LEASE_SECS", "5")]);
    assert!(err.contains("`push.lease_secs`"), "{err}");
}

#[test]
fn storage_is_local_by_default_and_s3_reads_the_aws_names() {
    let s = load_real(&env(&[])).unwrap();
    assert_eq!(s.storage.backend, StorageBackend::Local);
    let s = load_real(&env(&[
        ("STORAGE_BACKEND", "S3"),
        ("S3_BUCKET", " media "),
        ("S3_ENDPOINT", "https://minio.internal:9000"),
        ("S3_PREFIX", "alpha"),
        ("AWS_REGION", "eu-central-1"),
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "s3-secret-value"),
    ]))
    .unwrap();
    let s3 = &s.storage.s3;
    assert_eq!(s.storage.backend, StorageBackend::S3);
    assert_eq!(
        (s3.bucket.as_str(), s3.endpoint.as_str(), s3.prefix.as_str()),
        ("media", "https://minio.internal:9000", "alpha")
    );
    assert_eq!(s3.region, "eu-central-1");
    assert!(!s3.allow_http);
    let key = s3
        .access_key_id
        .as_ref()
        .map(|k| k.expose_secret().to_owned());
    assert_eq!(key.as_deref(), Some("AKIDEXAMPLE"));
    let summary = s.redacted_summary();
    for hidden in ["s3-secret-value", "AKIDEXAMPLE"] {
        assert!(!summary.contains(hidden), "{summary}");
        assert!(!format!("{s:?}").contains(hidden));
    }
    assert!(
        summary.contains("storage.s3.secret_access_key=set"),
        "{summary}"
    );
    assert!(summary.contains("storage.backend=s3"), "{summary}");
    let structured = load_real(&env(&[
        ("ALPHA__STORAGE__BACKEND", "s3"),
        ("ALPHA__STORAGE__S3__BUCKET", "b"),
        ("ALPHA__STORAGE__S3__ENDPOINT", "http://127.0.0.1:9000"),
        ("ALPHA__STORAGE__S3__ALLOW_HTTP", "true"),
    ]))
    .unwrap();
    assert!(structured.storage.s3.allow_http);
    assert!(structured.storage.s3.access_key_id.is_none());
}

#[test]
fn s3_settings_that_cannot_work_stop_the_start() {
    let s3 = [("STORAGE_BACKEND", "s3"), ("S3_BUCKET", "media")];
    let err = err_of(&s3[..1]);
    assert!(
        err.contains("`storage.s3.bucket`") && err.contains("must be set"),
        "{err}"
    );
    for (extra, key, says) in [
        (
            ("S3_ENDPOINT", "minio:9000"),
            "storage.s3.endpoint",
            "must look like",
        ),
        (
            ("S3_ENDPOINT", "https://minio/bucket"),
            "storage.s3.endpoint",
            "no path",
        ),
        (
            ("S3_ENDPOINT", "http://minio:9000"),
            "storage.s3.endpoint",
            "allow_http",
        ),
        (("S3_PREFIX", "a/../b"), "storage.s3.prefix", "plain names"),
        (
            ("AWS_ACCESS_KEY_ID", "AKID"),
            "storage.s3.secret_access_key",
            "together",
        ),
        (
            ("AWS_SECRET_ACCESS_KEY", "s3-secret-value"),
            "storage.s3.secret_access_key",
            "together",
        ),
        (("STORAGE_BACKEND", "gcs"), "storage.backend", ""),
    ] {
        let mut vars = s3.to_vec();
        vars.push(extra);
        let err = err_of(&vars);
        assert!(err.contains(&format!("`{key}`")), "{err}");
        assert!(err.contains(says), "{err}");
        assert!(!err.contains("s3-secret-value"), "{err}");
    }
    // Without s3, its settings are not looked at: a leftover AWS variable breaks nothing.
    let s = load_real(&env(&[
        ("S3_ENDPOINT", "junk"),
        ("AWS_ACCESS_KEY_ID", "AKID"),
    ]))
    .unwrap();
    assert_eq!(s.storage.backend, StorageBackend::Local);
}

#[test]
fn debug_and_summary_print_no_secret() {
    let secrets = [
        STRONG_ACCESS,
        STRONG_REFRESH,
        STRONG_PEPPER,
        "device-tok",
        "dbpass",
    ];
    let s = load_real(&prod_env(&[
        ("SMS_DEVICE_AUTH_TOKEN", "device-tok"),
        ("DATABASE_HOST", "db"),
        ("DATABASE_PASSWORD", "dbpass"),
    ]))
    .unwrap();
    let debug = format!("{s:?}");
    let summary = s.redacted_summary();
    for secret in secrets {
        assert!(!debug.contains(secret), "Debug leaks {secret}");
        assert!(!summary.contains(secret), "summary leaks {secret}");
    }
    assert!(debug.contains("REDACTED"));
    assert!(summary.contains("profile=production") && summary.contains("external"));
    assert!(!summary.contains('\n'));
}

#[test]
fn every_setting_is_documented() {
    let docs_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/CONFIGURATION.md");
    let docs = std::fs::read_to_string(docs_path).unwrap();
    let keys = known_keys();
    assert!(keys.len() > 40, "every key should be known");
    for key in keys.keys() {
        assert!(
            docs.contains(&format!("| `{key}`")),
            "{key} missing from CONFIGURATION.md"
        );
    }
}

#[test]
fn words_are_not_numbers() {
    for word in ["yes", "true", "on"] {
        let shown = err_of(&[("PORT", word)]);
        assert!(
            shown.contains("`http.port`") && shown.contains("env PORT"),
            "{shown}"
        );
        assert!(shown.contains(&format!("\"{word}\"")), "{shown}");
    }
}

#[test]
fn decimals_are_not_rounded() {
    let dir = dir_with(&[("development.toml", "[http]\nport = 80.7\n")]);
    let shown = load_from(dir.path(), &env(&[])).unwrap_err().to_string();
    assert!(
        shown.contains("`http.port`") && shown.contains("development.toml"),
        "{shown}"
    );
    let shown = err_of(&[("PORT", "80.7")]);
    assert!(
        shown.contains("`http.port`") && shown.contains("env PORT"),
        "{shown}"
    );
}

#[test]
fn numbers_are_not_booleans() {
    let dir = dir_with(&[("development.toml", "[otp]\ntest_mode = 2\n")]);
    let shown = load_from(dir.path(), &env(&[])).unwrap_err().to_string();
    assert!(
        shown.contains("`otp.test_mode`") && shown.contains("development.toml"),
        "{shown}"
    );
    let dir = dir_with(&[("development.toml", "[otp]\ntest_mode = 0\n")]);
    assert!(load_from(dir.path(), &env(&[])).is_err());
}

#[test]
fn spaces_around_numbers_and_booleans_are_dropped_but_not_around_secrets() {
    let s = load_real(&env(&[
        ("PORT", " 8080"),
        ("ALPHA__OTP__TTL_SECS", "120 "),
        ("OTP_TEST_MODE", " yes "),
        ("ALPHA__DATABASE__MIGRATE_ON_START", " Off"),
        ("OTP_PEPPER", " pepper with spaces "),
    ]))
    .unwrap();
    assert_eq!((s.http.port, s.otp.ttl_secs), (8080, 120));
    assert!(s.otp.test_mode && !s.database.migrate_on_start);
    assert_eq!(s.otp.pepper.expose_secret(), " pepper with spaces ");
}

// Unit tests of the parts.

#[test]
fn profile_defaults_to_development() {
    assert_eq!(Profile::from_env(&env(&[])).unwrap(), Profile::Development);
}

#[test]
fn app_env_wins_over_node_env() {
    let e = env(&[("APP_ENV", "test"), ("NODE_ENV", "production")]);
    assert_eq!(Profile::from_env(&e).unwrap(), Profile::Test);
}

#[test]
fn node_env_is_case_insensitive() {
    let e = env(&[("NODE_ENV", "Production")]);
    assert!(Profile::from_env(&e).unwrap().is_production());
}

#[test]
fn empty_app_env_falls_through_to_node_env() {
    let e = env(&[("APP_ENV", ""), ("NODE_ENV", "test")]);
    assert_eq!(Profile::from_env(&e).unwrap(), Profile::Test);
}

#[test]
fn unknown_profile_is_refused_with_its_name_and_variable() {
    let err = Profile::from_env(&env(&[("NODE_ENV", "staging")])).unwrap_err();
    let shown = err.to_string();
    assert!(shown.contains("\"staging\""), "{shown}");
    assert!(shown.contains("NODE_ENV"), "{shown}");
}

#[test]
fn dev_defaults_are_long_enough_not_to_warn_and_all_distinct() {
    for (_, default) in DEV_SECRETS {
        assert!(!is_short(&SecretString::from(default)), "{default}");
        assert!(default.starts_with("insecure-"), "{default}");
    }
    assert_ne!(DEV_ACCESS_SECRET, DEV_REFRESH_SECRET);
}

#[test]
fn any_dev_default_is_recognised() {
    assert!(is_dev_default(&SecretString::from(DEV_OTP_PEPPER)));
    assert!(!is_dev_default(&SecretString::from("something-else")));
}

#[test]
fn parts_build_an_encoded_url_with_defaults() {
    let parts = env(&[("DATABASE_HOST", "db"), ("DATABASE_PASSWORD", "p@ss/w:rd")]);
    let (url, vars) = url_from_parts(&parts).unwrap().unwrap();
    assert_eq!(
        url,
        "postgres://postgres:p%40ss%2Fw%3Ard@db:5432/alpha_motors"
    );
    assert_eq!(vars, "DATABASE_HOST+DATABASE_PASSWORD");
    assert!(url_from_parts(&env(&[])).unwrap().is_none());
}

#[test]
fn socket_dir_and_ipv6_hosts_are_made_url_safe() {
    assert_eq!(url_host("/var/run/postgresql"), "%2Fvar%2Frun%2Fpostgresql");
    assert_eq!(url_host("::1"), "[::1]");
    assert_eq!(url_host("db.internal"), "db.internal");
}

#[test]
fn bad_database_port_names_the_variable() {
    let shown = err_of(&[("DATABASE_PORT", "x")]);
    assert!(
        shown.contains("DATABASE_PORT") && shown.contains("database.url"),
        "{shown}"
    );
}

#[test]
fn test_otp_numbers_extend_the_files_list() {
    let s = load_real(&env(&[("TEST_OTP_NUMBERS", "1, 2,")])).unwrap();
    assert_eq!(s.otp.test_numbers.len(), 6, "{:?}", s.otp.test_numbers);
    assert_eq!(s.otp.test_numbers[4..], ["1", "2"]);
}

#[test]
fn env_names_list_structured_then_legacy() {
    assert_eq!(env_names("http.port"), "ALPHA__HTTP__PORT or PORT");
    assert!(env_names("database.url").contains("DATABASE_HOST/DATABASE_PORT"));
}

#[test]
fn dotenv_adds_variables_but_never_overrides_real_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    std::fs::write(&path, "PORT=9999\nOTP_PEPPER=\"from file\"\n# comment\n").unwrap();
    let mut env = BTreeMap::from([("PORT".to_string(), "3000".to_string())]);
    merge_dotenv(&path, &mut env).unwrap();
    assert_eq!(env["PORT"], "3000");
    assert_eq!(env["OTP_PEPPER"], "from file");
}

#[test]
fn missing_dotenv_is_fine_and_malformed_one_is_a_file_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut env = BTreeMap::new();
    merge_dotenv(&dir.path().join(".env"), &mut env).unwrap();
    assert!(env.is_empty());
    let path = dir.path().join("bad.env");
    std::fs::write(&path, "NOT A LINE\n").unwrap();
    let err = merge_dotenv(&path, &mut env).unwrap_err();
    assert!(matches!(err, ConfigError::File { .. }), "{err}");
}

#[test]
fn file_error_display_is_one_line() {
    let err = ConfigError::file(
        "config/x.toml",
        "TOML parse error at line 1\n  |\n1 | a = \n  |    ^\n",
    );
    let shown = err.to_string();
    assert!(!shown.contains('\n'), "{shown}");
    assert!(shown.starts_with("configuration file config/x.toml: TOML parse error"));
}

#[test]
fn invalid_display_names_key_and_env() {
    let err = ConfigError::invalid("http.port", "must not be 0");
    assert_eq!(
        err.to_string(),
        "invalid configuration `http.port` (env ALPHA__HTTP__PORT or PORT): must not be 0"
    );
}

#[test]
fn structured_variables_set_dotted_keys_and_errors_name_them() {
    let s = load_real(&env(&[
        ("ALPHA__HTTP__BODY_LIMIT_BYTES", "7"),
        ("ALPHA__HTTP__PORT", " "),
    ]))
    .unwrap();
    assert_eq!(s.http.body_limit_bytes, 7);
    assert_eq!(s.http.port, 3080, "blank counts as unset");
    let shown = err_of(&[("ALPHA__HTTP__BODY_LIMIT_BYTES", "x")]);
    assert!(
        shown.contains("(from env ALPHA__HTTP__BODY_LIMIT_BYTES)"),
        "{shown}"
    );
}

#[test]
fn list_variables_are_split_and_trimmed() {
    let s = load_real(&env(&[(
        "ALPHA__HTTP__CORS_ALLOWED_ORIGINS",
        " https://a.tm , https://b.tm,",
    )]))
    .unwrap();
    assert_eq!(
        s.http.cors_allowed_origins,
        ["https://a.tm", "https://b.tm"]
    );
}

#[test]
fn numbers_and_flags_are_read_strictly() {
    for (var, text) in [
        ("PORT", "+80"),
        ("PORT", "-1"),
        ("PORT", "99999"),
        ("ALPHA__OTP__TTL_SECS", "1e3"),
    ] {
        let shown = err_of(&[(var, text)]);
        assert!(shown.contains("`") && shown.contains(var), "{shown}");
    }
    let s = load_real(&env(&[("OTP_TEST_MODE", " ON"), ("SEED_ON_START", "No")])).unwrap();
    assert!(s.otp.test_mode && !s.database.seed_on_start);
    for text in ["1", "true"] {
        let dir = dir_with(&[("development.toml", &format!("[http]\nport = {text:?}\n"))]);
        assert!(
            load_from(dir.path(), &env(&[])).is_err(),
            "a TOML string is not a number"
        );
    }
}

#[test]
fn a_file_on_disk_replaces_its_built_in_copy() {
    let dir = dir_with(&[("development.toml", "[http]\nport = 83\n")]);
    let s = load_from(dir.path(), &env(&[])).unwrap();
    assert_eq!(s.http.port, 83);
    assert!(
        s.http.cors_allowed_origins.is_empty(),
        "the built-in development.toml is not read"
    );
    assert!(s.database.seed_on_start, "the profile's own default stays");
}

#[test]
fn a_value_outside_a_section_is_an_unknown_setting() {
    let dir = dir_with(&[("default.toml", "port = 81\n")]);
    let shown = load_from(dir.path(), &env(&[])).unwrap_err().to_string();
    assert!(
        shown.contains("`port`") && shown.contains("unknown setting"),
        "{shown}"
    );
}

#[test]
fn toml_syntax_error_is_one_line_and_names_the_file() {
    let dir = dir_with(&[("development.toml", "[http\nport = \n")]);
    let shown = load_from(dir.path(), &env(&[])).unwrap_err().to_string();
    assert!(shown.contains("development.toml"), "{shown}");
    assert!(!shown.contains('\n'), "{shown}");
}

#[test]
fn ip_and_cidr_forms() {
    assert!(is_ip_or_cidr("10.0.0.1"));
    assert!(is_ip_or_cidr("10.0.0.0/8"));
    assert!(is_ip_or_cidr("::1"));
    assert!(is_ip_or_cidr("fd00::/8"));
    assert!(!is_ip_or_cidr("10.0.0.0/33"));
    assert!(!is_ip_or_cidr("proxy.local"));
    assert!(!is_ip_or_cidr("10.0.0.1/"));
}
