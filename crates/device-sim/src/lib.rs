//! An SMS device simulator for the `/sms` Socket.IO gateway (port 3091).
//!
//! It behaves like the Android SMS app described in `docs/SMS_DEVICE_PROTOCOL.md`: it connects,
//! waits for `sms:hello`, registers with `sms:register`, and answers every `sms:send` with
//! `sms:ack` events chosen by its [`AckPolicy`] (sent, optionally delivered, failed, or nothing).
//! It can also send `sms:status` heartbeats.
//!
//! The binary `device-sim` is a thin command-line front end over this library. Tests start a
//! [`Simulator`] in-process:
//!
//! ```no_run
//! # async fn demo() -> Result<(), alpha_device_sim::SimError> {
//! use alpha_device_sim::{SimConfig, Simulator};
//! use std::time::Duration;
//!
//! let mut config = SimConfig::new("http://127.0.0.1:3091");
//! config.token = Some("dev-1.secret".to_owned());
//! let mut sim = Simulator::start(config).await?;
//! if let Some(sms) = sim.next_sms_within(Duration::from_secs(5)).await {
//!     assert!(sms.text.contains("code"));
//! }
//! sim.stop().await?;
//! # Ok(())
//! # }
//! ```
//!
//! This crate is the only place (besides dev-dependencies) where the `rust_socketio` client may
//! appear; server crates must not depend on it.

mod cli;
mod config;
mod protocol;
mod simulator;

pub use cli::{Cli, parse_fail_rate};
pub use config::{AckPlan, AckPolicy, DEFAULT_URL, SimConfig, decide_ack};
pub use protocol::{AckStatus, NAMESPACE, ReceivedSms, Registration, StatusReport, event};
pub use simulator::{SimError, SimEvent, Simulator};
