//! The chat use cases.

use std::sync::Arc;

use alpha_kernel::{Clock, Paged, UserId};

use crate::errors::{ChatError, SendError};
use crate::ports::ChatRepo;
use crate::types::{ChatMessage, ChatText, MessageId, Page};

pub struct ChatService {
    repo: Arc<dyn ChatRepo>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for ChatService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatService").finish_non_exhaustive()
    }
}

impl ChatService {
    pub fn new(repo: Arc<dyn ChatRepo>, clock: Arc<dyn Clock>) -> Self {
        Self { repo, clock }
    }

    /// Validates and stores a message; the caller delivers the returned message.
    ///
    /// Errors: [`SendError::Text`], [`SendError::ToSelf`], [`SendError::UnknownRecipient`],
    /// [`SendError::Infrastructure`].
    pub async fn send(
        &self,
        from: UserId,
        to: UserId,
        text: &str,
    ) -> Result<ChatMessage, SendError> {
        let text = ChatText::parse(text)?;
        if from == to {
            return Err(SendError::ToSelf);
        }
        self.repo
            .insert(from, to, &text, self.clock.now())
            .await?
            .ok_or(SendError::UnknownRecipient)
    }

    /// A page of the conversation between `me` and `peer`, newest first. Only the two
    /// participants' messages are ever read: the query is keyed by the pair.
    ///
    /// Errors: [`ChatError::Infrastructure`].
    pub async fn history(
        &self,
        me: UserId,
        peer: UserId,
        page: Page,
    ) -> Result<Paged<ChatMessage>, ChatError> {
        let rows = self.repo.conversation(me, peer, page.probe()).await?;
        Ok(Paged::from_probe(rows, page.limit))
    }

    /// What `me` received after `since`, oldest first, for a reconnecting client.
    ///
    /// Errors: [`ChatError::Infrastructure`].
    pub async fn missed(
        &self,
        me: UserId,
        since: MessageId,
        limit: Option<u32>,
    ) -> Result<Paged<ChatMessage>, ChatError> {
        let page = Page::new(Some(since), limit);
        let rows = self.repo.received_after(me, page.probe()).await?;
        Ok(Paged::from_probe(rows, page.limit))
    }
}

#[cfg(test)]
mod tests;
