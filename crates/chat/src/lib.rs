//! Chat domain: direct messages between two users. Messages are stored, so a recipient who was
//! offline gets them later ("missed since id N"), and a conversation can be paged back. Delivery
//! to sockets is the client gateway's job; this crate decides what is a valid message and what a
//! user may read. Port: [`ChatRepo`], plus the kernel's `Clock`.

mod errors;
mod ports;
mod service;
mod types;

pub use errors::{ChatError, SendError};
pub use ports::ChatRepo;
pub use service::ChatService;
pub use types::{ChatMessage, ChatText, ChatTextError, MessageId, Page};
