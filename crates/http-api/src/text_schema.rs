//! Patterns the OpenAPI document gives text fields built in code (attributes need literals,
//! which repeat these), so that it states exactly what the server
//! accepts: PostgreSQL cannot store NUL, blank means only what `str::trim` removes (Unicode
//! White_Space), and a uuid is any form `uuid::Uuid::parse_str` reads.

use serde::{Deserialize, Deserializer};

/// Text without NUL and with at least one character `str::trim` keeps.
pub(crate) const NON_BLANK: &str = r"^[^\u0000]*[^\u0000\t\n\u000B\f\r\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000]*$";

/// Hyphenated, simple (32 digits), braced or `urn:uuid:` form, any case.
pub(crate) const UUID: &str = r"^([0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}|urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$";

/// A field that may be left out but not sent as `null` (its schema is a plain string).
pub(crate) fn not_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}
