//! Values of the chat domain.

use alpha_kernel::UserId;
use chrono::{DateTime, Utc};

/// `chat_messages.id`: increases with time, so it doubles as a cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MessageId(pub i64);

/// A message body: trimmed, 1 to [`ChatText::MAX_CHARS`] characters, no NUL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatText(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChatTextError {
    #[error("the message is empty")]
    Empty,
    #[error("the message is longer than {max} characters", max = ChatText::MAX_CHARS)]
    TooLong,
    #[error("the message contains a NUL character")]
    Nul,
}

impl ChatText {
    /// Matches the `chat_messages_body_length` check of the table.
    pub const MAX_CHARS: usize = 2000;

    /// Errors: [`ChatTextError`].
    pub fn parse(input: &str) -> Result<Self, ChatTextError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(ChatTextError::Empty);
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(ChatTextError::TooLong);
        }
        if text.contains('\0') {
            return Err(ChatTextError::Nul);
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A stored message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatMessage {
    pub id: MessageId,
    pub from: UserId,
    pub to: UserId,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

/// How much of a list to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Exclusive cursor: for history, older than this id; for missed messages, newer than it.
    pub cursor: Option<MessageId>,
    pub limit: u32,
}

impl Page {
    pub const DEFAULT_LIMIT: u32 = 50;
    pub const MAX_LIMIT: u32 = 100;

    /// Clamps the limit to 1..=[`Page::MAX_LIMIT`] so no request can ask for everything.
    pub fn new(cursor: Option<MessageId>, limit: Option<u32>) -> Self {
        Self {
            cursor,
            limit: limit
                .unwrap_or(Self::DEFAULT_LIMIT)
                .clamp(1, Self::MAX_LIMIT),
        }
    }
}
