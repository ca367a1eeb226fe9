//! The wire format of the `/sms` namespace, as the device sees it.

use std::fmt;
use std::time::Instant;

use rust_socketio::Payload;
use serde_json::{Map, Value, json};

use crate::config::AckPlan;

/// The Socket.IO namespace of the SMS-device gateway.
pub const NAMESPACE: &str = "/sms";

/// Event names.
pub mod event {
    /// Server → device, right after connect: `{registerWithinSeconds}`.
    pub const HELLO: &str = "sms:hello";
    /// Device → server: `{authToken?, region?, deviceId?}`.
    pub const REGISTER: &str = "sms:register";
    /// Server → device: `{success, message, deviceId?, region?}`.
    pub const REGISTERED: &str = "sms:registered";
    /// Server → device: `{correlationId, phone, text}`.
    pub const SEND: &str = "sms:send";
    /// Device → server: `{correlationId, status, error?}`.
    pub const ACK: &str = "sms:ack";
    /// Device → server: `{batteryLevel?, signalStrength?, pendingSms?}`.
    pub const STATUS: &str = "sms:status";
    /// Server → device: `{timestamp}`.
    pub const PING: &str = "sms:ping";
    /// Device → server, the answer to a ping: `{timestamp}` (echoed).
    pub const PONG: &str = "sms:pong";
}

/// `status` of an `sms:ack`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AckStatus {
    Sent,
    Delivered,
    Failed,
}

impl AckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }
}

impl fmt::Display for AckStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The server's answer to `sms:register` (`sms:registered`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Registration {
    pub success: bool,
    pub message: String,
    pub device_id: Option<String>,
    pub region: Option<String>,
}

/// One `sms:send` the simulator received, with what it decided to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedSms {
    pub correlation_id: String,
    /// The message through every attempt (`messageId`); absent from servers that do not send it.
    pub message_id: Option<String>,
    /// This simulator already got this message (same `messageId`) earlier: a real device
    /// acknowledges it again without sending a second SMS.
    pub repeat: bool,
    pub phone: String,
    pub text: String,
    pub plan: AckPlan,
    pub received_at: Instant,
}

/// One `sms:status` heartbeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatusReport {
    /// Percent, 0–100.
    pub battery_level: Option<i32>,
    /// Signal level in bars, 0–4.
    pub signal_strength: Option<i32>,
    /// Messages received and not yet acknowledged.
    pub pending_sms: Option<i32>,
}

/// The object an event carries. rust_socketio hands event data as `Text([obj])`, and ack data one
/// level deeper (`Text([[obj]])`); both are accepted.
pub(crate) fn payload_object(payload: &Payload) -> Option<&Map<String, Value>> {
    let Payload::Text(values) = payload else {
        return None;
    };
    let mut value = values.first()?;
    if let Value::Array(inner) = value {
        value = inner.first()?;
    }
    value.as_object()
}

fn string_field(obj: &Map<String, Value>, key: &str) -> Option<String> {
    obj.get(key).and_then(Value::as_str).map(str::to_owned)
}

pub(crate) fn parse_hello(payload: &Payload) -> Option<u64> {
    payload_object(payload)?
        .get("registerWithinSeconds")
        .and_then(Value::as_u64)
}

pub(crate) fn parse_registered(payload: &Payload) -> Registration {
    let Some(obj) = payload_object(payload) else {
        return Registration {
            success: false,
            message: "malformed sms:registered payload".to_owned(),
            ..Registration::default()
        };
    };
    Registration {
        success: obj.get("success").and_then(Value::as_bool).unwrap_or(false),
        message: string_field(obj, "message").unwrap_or_default(),
        device_id: string_field(obj, "deviceId"),
        region: string_field(obj, "region"),
    }
}

/// What an `sms:send` carries.
pub(crate) struct SendPayload {
    pub correlation_id: String,
    pub message_id: Option<String>,
    pub phone: String,
    pub text: String,
}

/// The fields of an `sms:send`; `None` when a required one is missing.
pub(crate) fn parse_send(payload: &Payload) -> Option<SendPayload> {
    let obj = payload_object(payload)?;
    Some(SendPayload {
        correlation_id: string_field(obj, "correlationId")?,
        message_id: string_field(obj, "messageId"),
        phone: string_field(obj, "phone")?,
        text: string_field(obj, "text")?,
    })
}

pub(crate) fn parse_ping(payload: &Payload) -> Option<i64> {
    payload_object(payload)?
        .get("timestamp")
        .and_then(Value::as_i64)
}

pub(crate) fn register_payload(
    token: Option<&str>,
    region: &str,
    device_id: Option<&str>,
) -> Value {
    let mut obj = Map::new();
    if let Some(token) = token {
        obj.insert("authToken".to_owned(), Value::from(token));
    }
    obj.insert("region".to_owned(), Value::from(region));
    if let Some(id) = device_id {
        obj.insert("deviceId".to_owned(), Value::from(id));
    }
    Value::Object(obj)
}

pub(crate) fn ack_payload(correlation_id: &str, status: AckStatus, error: Option<&str>) -> Value {
    match error {
        Some(error) => {
            json!({"correlationId": correlation_id, "status": status.as_str(), "error": error})
        }
        None => json!({"correlationId": correlation_id, "status": status.as_str()}),
    }
}

pub(crate) fn pong_payload(timestamp: Option<i64>) -> Value {
    match timestamp {
        Some(timestamp) => json!({ "timestamp": timestamp }),
        None => json!({}),
    }
}

pub(crate) fn status_payload(report: StatusReport) -> Value {
    let mut obj = Map::new();
    let fields = [
        ("batteryLevel", report.battery_level),
        ("signalStrength", report.signal_strength),
        ("pendingSms", report.pending_sms),
    ];
    for (key, value) in fields {
        if let Some(value) = value {
            obj.insert(key.to_owned(), Value::from(value));
        }
    }
    Value::Object(obj)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: Value) -> Payload {
        Payload::Text(vec![value])
    }

    #[test]
    fn reads_event_and_nested_ack_shapes() {
        let obj = json!({"registerWithinSeconds": 10});
        assert_eq!(parse_hello(&text(obj.clone())), Some(10));
        assert_eq!(parse_hello(&text(Value::Array(vec![obj]))), Some(10));
        assert_eq!(parse_hello(&Payload::Text(vec![])), None);
    }

    #[test]
    fn parses_registered() {
        let reg = parse_registered(&text(json!({
            "success": true, "message": "Registered", "deviceId": "dev-1", "region": "tm"
        })));
        assert!(reg.success);
        assert_eq!(reg.device_id.as_deref(), Some("dev-1"));
        assert_eq!(reg.region.as_deref(), Some("tm"));

        let refused = parse_registered(&text(
            json!({"success": false, "message": "Invalid auth token"}),
        ));
        assert!(!refused.success);
        assert_eq!(refused.message, "Invalid auth token");
        assert_eq!(refused.device_id, None);

        assert!(!parse_registered(&text(json!("nonsense"))).success);
    }

    #[test]
    fn parses_send_and_rejects_incomplete() {
        let full = json!({"correlationId": "c-1", "messageId": "m-1", "phone": "+99365000000", "text": "hi"});
        let parsed = parse_send(&text(full)).unwrap();
        assert_eq!(
            (
                parsed.correlation_id,
                parsed.message_id,
                parsed.phone,
                parsed.text
            ),
            (
                "c-1".to_owned(),
                Some("m-1".to_owned()),
                "+99365000000".to_owned(),
                "hi".to_owned()
            )
        );
        let old = json!({"correlationId": "c-1", "phone": "+99365000000", "text": "hi"});
        assert_eq!(parse_send(&text(old)).unwrap().message_id, None);
        assert!(
            parse_send(&text(
                json!({"correlationId": "c-1", "phone": "+99365000000"})
            ))
            .is_none()
        );
    }

    #[test]
    fn builds_payloads_without_absent_fields() {
        assert_eq!(register_payload(None, "tm", None), json!({"region": "tm"}));
        assert_eq!(
            register_payload(Some("d.s"), "tm", Some("d")),
            json!({"authToken": "d.s", "region": "tm", "deviceId": "d"})
        );
        assert_eq!(
            ack_payload("c", AckStatus::Sent, None),
            json!({"correlationId": "c", "status": "sent"})
        );
        assert_eq!(
            ack_payload("c", AckStatus::Failed, Some("boom")),
            json!({"correlationId": "c", "status": "failed", "error": "boom"})
        );
        assert_eq!(
            status_payload(StatusReport {
                battery_level: Some(80),
                signal_strength: None,
                pending_sms: Some(0),
            }),
            json!({"batteryLevel": 80, "pendingSms": 0})
        );
    }
}
