#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use alpha_kernel::{Clock, UserId};
use chrono::{DateTime, TimeZone, Utc};
use mockall::predicate::eq;

use super::*;
use crate::ports::MockChatRepo;
use crate::types::ChatTextError;

/// Distinct, readable user ids.
fn user(n: u8) -> UserId {
    let mut bytes = [0u8; 16];
    bytes[15] = n;
    UserId(uuid::Uuid::from_bytes(bytes))
}

struct FixedClock(DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap()
}

fn service(repo: MockChatRepo) -> ChatService {
    ChatService::new(Arc::new(repo), Arc::new(FixedClock(at())))
}

fn message(id: i64, from: UserId, to: UserId, text: &str) -> ChatMessage {
    ChatMessage {
        id: MessageId(id),
        from,
        to,
        text: text.to_owned(),
        created_at: at(),
    }
}

#[tokio::test]
async fn send_stores_the_trimmed_text_at_the_clock_time() {
    let mut repo = MockChatRepo::new();
    repo.expect_insert()
        .withf(|from, to, text, when| {
            *from == user(1) && *to == user(2) && text.as_str() == "salam" && *when == at()
        })
        .times(1)
        .returning(|from, to, text, _| Ok(Some(message(7, from, to, text.as_str()))));
    let sent = service(repo)
        .send(user(1), user(2), "  salam \n")
        .await
        .unwrap();
    assert_eq!(sent.id, MessageId(7));
    assert_eq!(sent.text, "salam");
}

#[tokio::test]
async fn send_refuses_empty_long_nul_and_self_messages_without_storing() {
    let svc = service(MockChatRepo::new()); // no insert expected: any call would panic
    assert!(matches!(
        svc.send(user(1), user(2), "   ").await,
        Err(SendError::Text(ChatTextError::Empty))
    ));
    let long = "x".repeat(ChatText::MAX_CHARS + 1);
    assert!(matches!(
        svc.send(user(1), user(2), &long).await,
        Err(SendError::Text(ChatTextError::TooLong))
    ));
    assert!(matches!(
        svc.send(user(1), user(2), "a\0b").await,
        Err(SendError::Text(ChatTextError::Nul))
    ));
    assert!(matches!(
        svc.send(user(1), user(1), "hi").await,
        Err(SendError::ToSelf)
    ));
}

#[tokio::test]
async fn the_longest_allowed_message_is_accepted() {
    let mut repo = MockChatRepo::new();
    repo.expect_insert()
        .returning(|from, to, text, _| Ok(Some(message(1, from, to, text.as_str()))));
    let text = "ý".repeat(ChatText::MAX_CHARS);
    assert!(
        service(repo).send(user(1), user(2), &text).await.is_ok(),
        "counted in characters, not bytes"
    );
}

#[tokio::test]
async fn send_to_an_unknown_user_is_an_error() {
    let mut repo = MockChatRepo::new();
    repo.expect_insert().returning(|_, _, _, _| Ok(None));
    assert!(matches!(
        service(repo).send(user(1), user(9), "hi").await,
        Err(SendError::UnknownRecipient)
    ));
}

#[tokio::test]
async fn missed_reads_after_the_cursor_with_a_clamped_limit() {
    let mut repo = MockChatRepo::new();
    repo.expect_received_after()
        .with(
            eq(user(2)),
            // One more than the clamped limit: the extra row only says more follow.
            eq(Page {
                cursor: Some(MessageId(10)),
                limit: Page::MAX_LIMIT + 1,
            }),
        )
        .times(1)
        .returning(|_, _| Ok(vec![message(11, user(1), user(2), "a")]));
    let missed = service(repo)
        .missed(user(2), MessageId(10), Some(10_000))
        .await
        .unwrap();
    assert_eq!(missed.items.len(), 1);
    assert!(!missed.has_more);
}

#[tokio::test]
async fn a_full_page_says_more_follow_without_returning_the_extra_row() {
    let mut repo = MockChatRepo::new();
    repo.expect_conversation()
        .with(
            eq(user(1)),
            eq(user(2)),
            eq(Page::new(None, Some(2)).probe()),
        )
        .times(1)
        .returning(|_, _, _| {
            Ok(vec![
                message(3, user(2), user(1), "c"),
                message(2, user(1), user(2), "b"),
                message(1, user(2), user(1), "a"),
            ])
        });
    let page = service(repo)
        .history(user(1), user(2), Page::new(None, Some(2)))
        .await
        .unwrap();
    assert!(page.has_more);
    assert_eq!(
        page.items.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![MessageId(3), MessageId(2)]
    );
}

#[test]
fn page_limits_are_clamped() {
    assert_eq!(Page::new(None, None).limit, Page::DEFAULT_LIMIT);
    assert_eq!(Page::new(None, Some(0)).limit, 1);
    assert_eq!(Page::new(None, Some(500)).limit, Page::MAX_LIMIT);
}
