//! Socket.IO gateways, each on its own hyper listener in the server process (DESIGN §1).
//!
//! - [`client`]: the client gateway, namespace `/` (DESIGN §7): authenticated app sockets.
//! - [`sms`]: the SMS-device gateway, namespace `/sms` (DESIGN §6).

pub mod client;
mod listener;
pub mod sms;

pub use client::{ClientGateway, ClientGatewayConfig, ClientNotifier, ClusterError};
pub use sms::{SmsDevices, SmsGateway, SmsGatewayConfig};
