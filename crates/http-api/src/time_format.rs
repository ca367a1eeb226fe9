//! Timestamps as the old API emitted them: ISO-8601 UTC with milliseconds (`...12:00:00.000Z`).

use chrono::{DateTime, SecondsFormat, Utc};

pub(crate) fn iso_millis(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}
