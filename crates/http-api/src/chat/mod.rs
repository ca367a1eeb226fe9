//! Chat history over REST; live messages go through the client gateway (docs/CLIENT_GATEWAY.md).

pub(crate) mod history;
