//! `PgChatRepo` against a real PostgreSQL: storing, a conversation's pages, missed messages.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use alpha_auth::UserRepo;
use alpha_chat::{ChatRepo, ChatText, MessageId, Page};
use alpha_kernel::{Phone, PhonePolicy, UserId};
use alpha_store::pool::{PoolSettings, build_pool};
use alpha_store::repos::{PgChatRepo, PgUserRepo};
use alpha_testkit::TestDb;
use chrono::Utc;

async fn setup() -> (TestDb, PgChatRepo, [UserId; 3]) {
    let db = TestDb::new().await;
    let pool = build_pool(
        db.url(),
        PoolSettings {
            max_size: 4,
            wait_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(10),
        },
    )
    .unwrap();
    let users = PgUserRepo::new(pool.clone());
    let mut ids = Vec::new();
    for n in 1..=3 {
        let phone = Phone::parse(&format!("+9936500000{n}"), &PhonePolicy::default()).unwrap();
        ids.push(
            users
                .login_by_phone(&phone, "u", Utc::now())
                .await
                .unwrap()
                .id,
        );
    }
    (db, PgChatRepo::new(pool), [ids[0], ids[1], ids[2]])
}

fn text(s: &str) -> ChatText {
    ChatText::parse(s).unwrap()
}

#[tokio::test]
async fn a_conversation_pages_back_newest_first_and_holds_only_its_two_users() {
    let (_db, repo, [a, b, c]) = setup().await;
    let now = Utc::now();
    for i in 0..5 {
        let (from, to) = if i % 2 == 0 { (a, b) } else { (b, a) };
        repo.insert(from, to, &text(&format!("m{i}")), now)
            .await
            .unwrap()
            .unwrap();
    }
    repo.insert(c, a, &text("not in a-b"), now)
        .await
        .unwrap()
        .unwrap();

    let first = repo
        .conversation(a, b, Page::new(None, Some(3)))
        .await
        .unwrap();
    let texts: Vec<&str> = first.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, ["m4", "m3", "m2"]);
    let older = repo
        .conversation(b, a, Page::new(Some(first[2].id), Some(3)))
        .await
        .unwrap();
    let texts: Vec<&str> = older.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(
        texts,
        ["m1", "m0"],
        "same conversation from the other side, older page"
    );
    assert_eq!(older[1].from, a);
    assert_eq!(older[1].to, b);
}

#[tokio::test]
async fn missed_messages_are_the_received_ones_after_the_cursor_oldest_first() {
    let (_db, repo, [a, b, c]) = setup().await;
    let now = Utc::now();
    let seen = repo
        .insert(a, b, &text("seen"), now)
        .await
        .unwrap()
        .unwrap();
    repo.insert(b, a, &text("sent by b"), now)
        .await
        .unwrap()
        .unwrap();
    repo.insert(a, b, &text("one"), now).await.unwrap().unwrap();
    repo.insert(c, b, &text("two"), now).await.unwrap().unwrap();

    let missed = repo
        .received_after(b, Page::new(Some(seen.id), None))
        .await
        .unwrap();
    let texts: Vec<&str> = missed.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(
        texts,
        ["one", "two"],
        "exactly the missed ones, in order, once"
    );
    assert!(
        repo.received_after(b, Page::new(Some(missed[1].id), None))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(repo.latest_id().await.unwrap(), Some(missed[1].id));
}

#[tokio::test]
async fn a_message_to_an_unknown_user_is_not_stored() {
    let (_db, repo, [a, _, _]) = setup().await;
    let ghost = UserId(uuid::Uuid::new_v4());
    assert!(
        repo.insert(a, ghost, &text("hello?"), Utc::now())
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(repo.latest_id().await.unwrap(), None::<MessageId>);
}
