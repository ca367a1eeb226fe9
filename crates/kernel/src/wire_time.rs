//! Timestamps on the wire, as the old API emitted them: ISO-8601 UTC with milliseconds
//! (`2026-02-02T12:00:00.000Z`). REST bodies, socket events and stored profile times all use it.

use chrono::{DateTime, SecondsFormat, Utc};

pub fn iso_millis(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_and_a_z() {
        let at = DateTime::from_timestamp(1_770_033_600, 5_000_000).unwrap_or_default();
        assert_eq!(iso_millis(at), "2026-02-02T12:00:00.005Z");
    }
}
