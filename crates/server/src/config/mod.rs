//! Typed configuration of the `alpha-motors` server.
//!
//! Layers, later winning: the compiled-in `config/default.toml` (the built-in defaults), a
//! `default.toml` in the config folder, `<profile>.toml` (profile from `APP_ENV`, else `NODE_ENV`,
//! else development; the folder's file, else the compiled-in one), the old backend's flat
//! variable names (`PORT`, `DATABASE_URL`, `OTP_TTL_SECONDS`, ...), then `ALPHA__SECTION__KEY`
//! variables. The `config` crate merges them into the serde [`Settings`]. [`load`] also reads
//! `./.env` without overriding real variables. Every setting is listed in
//! `docs/CONFIGURATION.md`.

mod error;
mod legacy_env;
mod load;
mod profile;
// The summary is public API for the lead to log; nothing in this crate calls it yet.
#[allow(dead_code)]
mod report;
mod secrets;
// Services read these fields as they are wired in; until then a binary crate calls them unused.
#[allow(dead_code)]
mod settings;
mod sources;
mod validate;

#[cfg(test)]
mod tests;

#[allow(unused_imports)] // public API; the lead uses what it needs
pub use error::ConfigError;
#[allow(unused_imports)]
pub use load::{load, load_from};
#[allow(unused_imports)]
pub use settings::{
    AuthSettings, DEFAULT_TEST_NUMBERS, DatabaseSettings, GatewaySettings, HttpSettings, LogFormat,
    LogSettings, OtpSettings, PhoneSettings, Profile, SeedSettings, Settings, SmsSettings,
    UploadSettings,
};
