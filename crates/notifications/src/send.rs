//! What a valid send is: checked field by field before anything is read or written.

use std::collections::BTreeMap;

use alpha_kernel::UserId;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::errors::InvalidSend;
use crate::types::{NotificationType, Topic};

const MAX_TITLE: usize = 255;
/// FCM refuses a message over 4096 bytes; the body is most of it.
const MAX_BODY: usize = 4000;
const MAX_TOKEN: usize = 4096;
const MAX_DATA_KEYS: usize = 50;
const MAX_DATA_BYTES: usize = 3000;
/// Keys FCM refuses in `data`, and the two the worker adds to every message.
const RESERVED_KEYS: [&str; 6] = [
    "from",
    "notification",
    "message_type",
    "collapse_key",
    "notificationId",
    "idempotencyKey",
];
const RESERVED_PREFIXES: [&str; 2] = ["google.", "gcm."];

/// A send or draft as an admin wrote it (`POST /notifications/admin/send` and `/create`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SendInput {
    pub title: String,
    pub body: String,
    /// `all_users`, `brand_subscribers`, `specific_user` or `topic`.
    pub kind: String,
    /// `{brandId}` or `{userId}`, by kind.
    pub target_data: Option<Value>,
    /// Handed to the app with the push.
    pub additional_data: Option<Value>,
    pub topic: Option<String>,
    /// Not before this time (now when absent or past).
    pub scheduled_for: Option<DateTime<Utc>>,
    pub is_scheduled: Option<bool>,
}

/// Who a checked send goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// The topic `all`.
    AllUsers,
    /// The device tokens of this brand's subscribers.
    Brand(Uuid),
    /// This user's device token.
    User(UserId),
    Topic(Topic),
}

/// A send whose fields are valid. Whether its brand or user exists is the service's next check.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedSend {
    pub title: String,
    pub body: String,
    pub kind: NotificationType,
    pub audience: Audience,
    pub target_data: Option<Value>,
    pub additional_data: Option<Value>,
    /// Stored in the `topic` column: the topic sent to, for the two topic kinds.
    pub topic: Option<String>,
    pub scheduled_for: Option<DateTime<Utc>>,
    pub is_scheduled: bool,
}

impl CheckedSend {
    /// Checks every field of `input` for its kind.
    ///
    /// Errors: the first [`InvalidSend`] found.
    pub fn parse(input: SendInput) -> Result<Self, InvalidSend> {
        let title = text(&input.title, MAX_TITLE).ok_or(InvalidSend::Title)?;
        let body = text(&input.body, MAX_BODY).ok_or(InvalidSend::Body)?;
        let kind = NotificationType::parse(input.kind.trim())?;
        // Kept in the history whatever the type, so held to the column's size even when unused.
        if input
            .topic
            .as_deref()
            .is_some_and(|t| t.chars().count() > crate::types::MAX_TOPIC)
        {
            return Err(InvalidSend::Topic);
        }
        let target = match &input.target_data {
            None | Some(Value::Null) => None,
            Some(Value::Object(map)) => Some(map),
            Some(_) => return Err(InvalidSend::TargetData),
        };
        if let Some(data) = &input.additional_data {
            push_data(data)?;
        }
        let (audience, topic) = match kind {
            NotificationType::AllUsers => (Audience::AllUsers, Some(crate::ALL_USERS_TOPIC.into())),
            NotificationType::BrandSubscribers => {
                let brand = uuid_in(target, "brandId").ok_or(InvalidSend::BrandIdRequired)?;
                (Audience::Brand(brand), None)
            }
            NotificationType::SpecificUser => {
                let user = uuid_in(target, "userId").ok_or(InvalidSend::UserIdRequired)?;
                (Audience::User(UserId(user)), None)
            }
            NotificationType::Topic => {
                let name = input.topic.as_deref().filter(|t| !t.trim().is_empty());
                let topic = Topic::parse(name.ok_or(InvalidSend::TopicRequired)?)?;
                let stored = topic.as_str().to_owned();
                (Audience::Topic(topic), Some(stored))
            }
        };
        Ok(Self {
            title,
            body,
            kind,
            audience,
            target_data: input.target_data.filter(|v| !v.is_null()),
            additional_data: input.additional_data.filter(|v| !v.is_null()),
            topic,
            is_scheduled: input.is_scheduled.unwrap_or(input.scheduled_for.is_some()),
            scheduled_for: input.scheduled_for,
        })
    }
}

/// A legacy single-device send's token (`POST /notifications`).
///
/// Errors: [`InvalidSend::Token`].
pub fn device_token(token: &str) -> Result<String, InvalidSend> {
    // As sent: the schema's pattern allows no whitespace anywhere, so none is trimmed away.
    // Control characters are refused too: no FCM token has one, and PostgreSQL text cannot
    // hold NUL (the outbox row would fail as a 500).
    let refused = |c: char| c.is_whitespace() || c.is_control();
    if token.is_empty() || token.len() > MAX_TOKEN || token.chars().any(refused) {
        return Err(InvalidSend::Token);
    }
    Ok(token.to_owned())
}

/// Title and body as a legacy route sends them: the same limits as a send's.
///
/// Errors: [`InvalidSend::Title`], [`InvalidSend::Body`].
pub fn title_and_body(title: &str, body: &str) -> Result<(String, String), InvalidSend> {
    Ok((
        text(title, MAX_TITLE).ok_or(InvalidSend::Title)?,
        text(body, MAX_BODY).ok_or(InvalidSend::Body)?,
    ))
}

/// `additionalData` as FCM's `data`: every value a string (others as their JSON text).
///
/// Errors: [`InvalidSend::AdditionalData`] for a non-object, a reserved key, or too much.
pub fn push_data(data: &Value) -> Result<BTreeMap<String, String>, InvalidSend> {
    let map: &Map<String, Value> = match data {
        Value::Null => return Ok(BTreeMap::new()),
        Value::Object(map) => map,
        _ => return Err(InvalidSend::AdditionalData),
    };
    let reserved = |key: &str| {
        RESERVED_KEYS.contains(&key) || RESERVED_PREFIXES.iter().any(|p| key.starts_with(p))
    };
    if map.len() > MAX_DATA_KEYS || map.keys().any(|k| k.is_empty() || reserved(k)) {
        return Err(InvalidSend::AdditionalData);
    }
    let data: BTreeMap<String, String> = map
        .iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect();
    let size: usize = data.iter().map(|(k, v)| k.len() + v.len()).sum();
    if size > MAX_DATA_BYTES {
        return Err(InvalidSend::AdditionalData);
    }
    Ok(data)
}

/// Trimmed, 1 to `max` characters, no NUL (PostgreSQL refuses it in text).
/// The length is that of the text as sent, as the schema's `maxLength` counts it; the stored
/// text is trimmed.
fn text(value: &str, max: usize) -> Option<String> {
    let fits = value.chars().count() <= max && !value.contains('\0');
    let value = value.trim();
    (fits && !value.is_empty()).then(|| value.to_owned())
}

fn uuid_in(target: Option<&Map<String, Value>>, key: &str) -> Option<Uuid> {
    let value = target?.get(key)?.as_str()?;
    Uuid::parse_str(value.trim()).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    fn input(kind: &str) -> SendInput {
        SendInput {
            title: " Hello ".into(),
            body: "World".into(),
            kind: kind.into(),
            ..SendInput::default()
        }
    }

    #[test]
    fn all_users_goes_to_the_all_topic() {
        let send = CheckedSend::parse(input("all_users")).unwrap();
        assert_eq!(send.audience, Audience::AllUsers);
        assert_eq!(send.topic.as_deref(), Some("all"));
        assert_eq!(send.title, "Hello");
        assert!(!send.is_scheduled);
    }

    #[test]
    fn a_title_is_measured_as_sent_not_as_trimmed() {
        let mut padded = input("all_users");
        padded.title = format!(" {}", "t".repeat(255));
        assert_eq!(CheckedSend::parse(padded).unwrap_err(), InvalidSend::Title);
        let mut fits = input("all_users");
        fits.title = format!(" {} ", "t".repeat(253));
        assert_eq!(CheckedSend::parse(fits).unwrap().title, "t".repeat(253));
    }

    #[test]
    fn a_topic_longer_than_the_history_keeps_is_refused_whatever_the_type() {
        for kind in ["topic", "all_users"] {
            let mut long = input(kind);
            long.topic = Some("a".repeat(256));
            assert_eq!(CheckedSend::parse(long).unwrap_err(), InvalidSend::Topic);
        }
        let mut longest = input("topic");
        longest.topic = Some("a".repeat(255));
        assert!(CheckedSend::parse(longest).is_ok());
    }

    #[test]
    fn each_kind_needs_its_target() {
        let refused = |i| CheckedSend::parse(i).unwrap_err();
        assert_eq!(refused(input("everyone")), InvalidSend::Type);
        assert_eq!(
            refused(input("brand_subscribers")),
            InvalidSend::BrandIdRequired
        );
        assert_eq!(refused(input("specific_user")), InvalidSend::UserIdRequired);
        assert_eq!(refused(input("topic")), InvalidSend::TopicRequired);
        let mut bad_brand = input("brand_subscribers");
        bad_brand.target_data = Some(json!({"brandId": "not-a-uuid"}));
        assert_eq!(refused(bad_brand), InvalidSend::BrandIdRequired);
        let mut bad_topic = input("topic");
        bad_topic.topic = Some("news and offers".into());
        assert_eq!(refused(bad_topic), InvalidSend::Topic);
        let mut not_object = input("all_users");
        not_object.target_data = Some(json!([1]));
        assert_eq!(refused(not_object), InvalidSend::TargetData);
        let mut blank = input("all_users");
        blank.title = "  ".into();
        assert_eq!(refused(blank), InvalidSend::Title);
    }

    #[test]
    fn targets_are_read_from_target_data() {
        let brand = Uuid::new_v4();
        let mut i = input("brand_subscribers");
        i.target_data = Some(json!({"brandId": brand.to_string()}));
        assert_eq!(
            CheckedSend::parse(i).unwrap().audience,
            Audience::Brand(brand)
        );
        let mut t = input("topic");
        t.topic = Some("offers-2026".into());
        let send = CheckedSend::parse(t).unwrap();
        assert_eq!(send.topic.as_deref(), Some("offers-2026"));
    }

    #[test]
    fn additional_data_becomes_strings_and_reserved_keys_are_refused() {
        let data = push_data(&json!({"postUuid": "p", "n": 3, "ok": true})).unwrap();
        assert_eq!(data["postUuid"], "p");
        assert_eq!(data["n"], "3");
        assert_eq!(data["ok"], "true");
        for bad in [
            json!({"from": "x"}),
            json!({"google.x": "y"}),
            json!({"idempotencyKey": "k"}),
            json!("text"),
            json!({"big": "x".repeat(3001)}),
        ] {
            assert_eq!(push_data(&bad), Err(InvalidSend::AdditionalData), "{bad}");
        }
    }

    #[test]
    fn a_scheduled_time_marks_the_send_scheduled() {
        let mut i = input("all_users");
        i.scheduled_for = Some(Utc::now());
        assert!(CheckedSend::parse(i).unwrap().is_scheduled);
    }

    #[test]
    fn tokens_have_no_spaces() {
        assert_eq!(device_token("abc:DEF"), Ok("abc:DEF".into()));
        assert_eq!(
            device_token(" abc:DEF "),
            Err(InvalidSend::Token),
            "as sent, not trimmed"
        );
        assert_eq!(device_token("a b"), Err(InvalidSend::Token));
        assert_eq!(device_token(""), Err(InvalidSend::Token));
        for control in ["a\0b", "a\u{1c}b", "a\u{7f}b", "a\u{9e}b"] {
            assert_eq!(
                device_token(control),
                Err(InvalidSend::Token),
                "{control:?}"
            );
        }
    }
}
