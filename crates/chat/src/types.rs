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

/// How much of a conversation to read; the cursor is a message id.
pub type Page = alpha_kernel::PageRequest<MessageId>;
