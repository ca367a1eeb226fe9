//! What a simulated device is and how it answers `sms:send`.

use std::time::Duration;

/// Where the gateway listens in development.
pub const DEFAULT_URL: &str = "http://127.0.0.1:3091";

/// How the simulator acknowledges each `sms:send`.
#[derive(Debug, Clone, PartialEq)]
pub struct AckPolicy {
    /// Never acknowledge (the server's ack timeout then moves the message to another device).
    /// Wins over every other field. Tests can still ack by hand with [`crate::Simulator::ack`].
    pub never_ack: bool,
    /// Probability in `0.0..=1.0` of acknowledging `failed` instead of `sent`.
    pub fail_rate: f64,
    /// The `error` text of a `failed` ack.
    pub fail_error: String,
    /// Wait this long after `sms:send` before the first ack.
    pub ack_delay: Duration,
    /// After a `sent` ack, also send `delivered` (as a delivery report would).
    pub deliver: bool,
    /// Gap between the `sent` and the `delivered` ack.
    pub deliver_delay: Duration,
}

impl Default for AckPolicy {
    fn default() -> Self {
        Self {
            never_ack: false,
            fail_rate: 0.0,
            fail_error: "simulated failure".to_owned(),
            ack_delay: Duration::ZERO,
            deliver: false,
            deliver_delay: Duration::from_millis(200),
        }
    }
}

/// What the simulator will do with one message, decided when it arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AckPlan {
    /// Send no ack at all.
    Never,
    /// Ack `sent`, then `delivered` too when `then_delivered`.
    Sent { then_delivered: bool },
    /// Ack `failed` with this error.
    Failed { error: String },
}

/// Decides the ack for one message. `roll` is a uniform random number in `0.0..1.0`; the message
/// fails when `roll < fail_rate` (so `fail_rate` 0 never fails and 1 always does).
pub fn decide_ack(policy: &AckPolicy, roll: f64) -> AckPlan {
    if policy.never_ack {
        AckPlan::Never
    } else if roll < policy.fail_rate {
        AckPlan::Failed {
            error: policy.fail_error.clone(),
        }
    } else {
        AckPlan::Sent {
            then_delivered: policy.deliver,
        }
    }
}

/// Everything needed to start a [`crate::Simulator`].
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// Server base URL, e.g. `http://127.0.0.1:3091` (the path `/socket.io/` is added).
    pub url: String,
    /// `region` sent in `sms:register`.
    pub region: String,
    /// `authToken` sent in `sms:register`: a per-device token `<device id>.<secret>` or the shared
    /// `SMS_DEVICE_AUTH_TOKEN`. `None` sends no token (accepted only by a development server).
    pub token: Option<String>,
    /// `deviceId` sent in `sms:register`. With a per-device token the server takes the id from the
    /// token.
    pub device_id: Option<String>,
    pub ack: AckPolicy,
    /// Send `sms:status` this often once registered; `None` sends none on a timer.
    pub status_every: Option<Duration>,
    /// Answer every `sms:ping` with an `sms:pong`. Without it (and without status heartbeats) the
    /// server stops choosing the device once it has been silent too long (60 s).
    pub pong_on_ping: bool,
    /// How long [`crate::Simulator::start`] waits for the registration result.
    pub register_timeout: Duration,
    /// Reconnect (and register again) after a network error. A server-side disconnect is final.
    pub reconnect: bool,
}

impl SimConfig {
    /// Defaults: region `tm`, no token, no device id, ack `sent` at once, a status every 30 s, a pong
    /// for each ping, 15 s to register, reconnect on network errors.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            region: "tm".to_owned(),
            token: None,
            device_id: None,
            ack: AckPolicy::default(),
            status_every: Some(Duration::from_secs(30)),
            pong_on_ping: true,
            register_timeout: Duration::from_secs(15),
            reconnect: true,
        }
    }
}

impl Default for SimConfig {
    fn default() -> Self {
        Self::new(DEFAULT_URL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acks_sent_by_default() {
        let policy = AckPolicy::default();
        assert_eq!(
            decide_ack(&policy, 0.0),
            AckPlan::Sent {
                then_delivered: false
            }
        );
        assert_eq!(
            decide_ack(&policy, 0.999),
            AckPlan::Sent {
                then_delivered: false
            }
        );
    }

    #[test]
    fn deliver_adds_a_delivered_ack() {
        let policy = AckPolicy {
            deliver: true,
            ..AckPolicy::default()
        };
        assert_eq!(
            decide_ack(&policy, 0.5),
            AckPlan::Sent {
                then_delivered: true
            }
        );
    }

    #[test]
    fn fail_rate_splits_on_the_roll() {
        let policy = AckPolicy {
            fail_rate: 0.3,
            fail_error: "no signal".to_owned(),
            deliver: true,
            ..AckPolicy::default()
        };
        let failed = AckPlan::Failed {
            error: "no signal".to_owned(),
        };
        assert_eq!(decide_ack(&policy, 0.0), failed);
        assert_eq!(decide_ack(&policy, 0.299), failed);
        assert_eq!(
            decide_ack(&policy, 0.3),
            AckPlan::Sent {
                then_delivered: true
            }
        );
    }

    #[test]
    fn fail_rate_one_always_fails() {
        let policy = AckPolicy {
            fail_rate: 1.0,
            ..AckPolicy::default()
        };
        for roll in [0.0, 0.5, 0.999_999] {
            assert!(matches!(decide_ack(&policy, roll), AckPlan::Failed { .. }));
        }
    }

    #[test]
    fn never_ack_wins() {
        let policy = AckPolicy {
            never_ack: true,
            fail_rate: 1.0,
            deliver: true,
            ..AckPolicy::default()
        };
        assert_eq!(decide_ack(&policy, 0.0), AckPlan::Never);
        assert_eq!(decide_ack(&policy, 0.9), AckPlan::Never);
    }
}
