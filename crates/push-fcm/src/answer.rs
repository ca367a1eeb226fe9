//! FCM's answers to `messages:send`, as outcomes the outbox acts on.

use std::time::Duration;

use alpha_notifications::PushOutcome;
use serde::Deserialize;

#[derive(Deserialize)]
struct Sent {
    name: Option<String>,
}

#[derive(Deserialize)]
struct Failure {
    error: Option<FailureBody>,
}

#[derive(Deserialize)]
struct FailureBody {
    status: Option<String>,
    #[serde(default)]
    details: Vec<Detail>,
}

#[derive(Deserialize)]
struct Detail {
    #[serde(rename = "errorCode")]
    error_code: Option<String>,
}

/// The outcome of an answer with HTTP `status`, `Retry-After` header `retry_after` and `body`,
/// for a send to a device token (`to_token`) or a topic.
///
/// FCM's documented cases: 200 with the message name; 404 / `UNREGISTERED` for a token the
/// device dropped; 429 / `QUOTA_EXCEEDED` and 5xx / `UNAVAILABLE` / `INTERNAL` to retry with
/// backoff, honouring `Retry-After`; 400 / 403 never going through as sent.
pub fn outcome_of(
    status: u16,
    retry_after: Option<&str>,
    body: &[u8],
    to_token: bool,
) -> PushOutcome {
    if (200..300).contains(&status) {
        let name = serde_json::from_slice::<Sent>(body)
            .ok()
            .and_then(|s| s.name)
            .unwrap_or_default();
        return PushOutcome::Delivered { message_id: name };
    }
    let failure = serde_json::from_slice::<Failure>(body)
        .ok()
        .and_then(|f| f.error);
    let fcm_code = failure
        .as_ref()
        .and_then(|f| f.details.iter().find_map(|d| d.error_code.clone()));
    let grpc_status = failure.and_then(|f| f.status);
    let unregistered = fcm_code.as_deref() == Some("UNREGISTERED") || status == 404;
    if to_token && unregistered {
        return PushOutcome::Unregistered;
    }
    let reason = match (&fcm_code, &grpc_status) {
        (Some(code), _) | (None, Some(code)) => format!("FCM HTTP {status} {code}"),
        (None, None) => format!("FCM HTTP {status}"),
    };
    if status == 429 || status >= 500 {
        return PushOutcome::Retryable {
            reason,
            retry_after: retry_after.and_then(parse_retry_after),
        };
    }
    PushOutcome::Rejected { reason }
}

/// `Retry-After` in seconds (FCM sends seconds; an HTTP date is ignored and backoff applies).
fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNREGISTERED: &str = r#"{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}}"#;

    #[test]
    fn a_sent_message_keeps_its_name() {
        assert_eq!(
            outcome_of(200, None, br#"{"name":"projects/p/messages/1"}"#, true),
            PushOutcome::Delivered {
                message_id: "projects/p/messages/1".into()
            }
        );
    }

    #[test]
    fn unregistered_tokens_are_reported_as_such() {
        assert_eq!(
            outcome_of(404, None, UNREGISTERED.as_bytes(), true),
            PushOutcome::Unregistered
        );
        // A 400 naming UNREGISTERED is the same case.
        let body = UNREGISTERED.replace("404", "400");
        assert_eq!(
            outcome_of(400, None, body.as_bytes(), true),
            PushOutcome::Unregistered
        );
        // A topic is never "unregistered".
        assert!(matches!(
            outcome_of(404, None, UNREGISTERED.as_bytes(), false),
            PushOutcome::Rejected { .. }
        ));
    }

    #[test]
    fn throttling_and_server_errors_are_retried_after_retry_after() {
        assert_eq!(
            outcome_of(429, Some("7"), br#"{"error":{"status":"RESOURCE_EXHAUSTED","details":[{"errorCode":"QUOTA_EXCEEDED"}]}}"#, true),
            PushOutcome::Retryable {
                reason: "FCM HTTP 429 QUOTA_EXCEEDED".into(),
                retry_after: Some(Duration::from_secs(7))
            }
        );
        assert_eq!(
            outcome_of(503, Some("Wed, 21 Oct 2026 07:28:00 GMT"), b"oops", false),
            PushOutcome::Retryable {
                reason: "FCM HTTP 503".into(),
                retry_after: None
            }
        );
    }

    #[test]
    fn bad_requests_are_final() {
        assert_eq!(
            outcome_of(
                400,
                None,
                br#"{"error":{"status":"INVALID_ARGUMENT"}}"#,
                true
            ),
            PushOutcome::Rejected {
                reason: "FCM HTTP 400 INVALID_ARGUMENT".into()
            }
        );
    }
}
