//! Socket.IO gateways, each on its own hyper listener in the server process (DESIGN §1).
//!
//! - [`sms`]: the SMS-device gateway, namespace `/sms` (DESIGN §6).

pub mod sms;

pub use sms::{SmsGateway, SmsGatewayConfig};
