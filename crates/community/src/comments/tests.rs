#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use alpha_kernel::{UserId, Version};
use mockall::predicate::eq;
use uuid::Uuid;

use super::*;
use crate::actor::Actor;

const AUTHOR: UserId = UserId(Uuid::from_u128(1));
const STRANGER: UserId = UserId(Uuid::from_u128(2));
const ADMIN: UserId = UserId(Uuid::from_u128(3));
const POST: Uuid = Uuid::from_u128(10);
const OTHER_POST: Uuid = Uuid::from_u128(11);
const COMMENT: CommentId = CommentId(Uuid::from_u128(20));

fn actor(user: UserId) -> Actor {
    Actor {
        user,
        admin: user == ADMIN,
    }
}

fn view(id: Uuid) -> CommentView {
    CommentView {
        uuid: id,
        message: "hi".into(),
        status: None,
        user_id: Some(AUTHOR.0),
        sender: Some("Aman".into()),
        post_id: Some(POST),
        reply_to: None,
        created_at: "2026-02-02T12:00:00.000Z".into(),
        updated_at: "2026-02-02T12:00:00.000Z".into(),
        user: None,
        parent: None,
        personal_info: PersonalInfoView::of(None, Some("Aman")),
    }
}

fn stored(post: Uuid) -> Option<CommentSnapshot> {
    Some(CommentSnapshot {
        id: COMMENT,
        post: Some(post),
        author: Some(AUTHOR),
    })
}

fn text(s: &str) -> CommentText {
    CommentText::new(s.to_owned()).unwrap()
}

fn new_comment(reply_to: Option<CommentId>) -> NewComment {
    NewComment {
        post: POST,
        message: text("Nice car"),
        reply_to,
    }
}

/// A repo whose post exists, whose comment `COMMENT` is on `parent_post`, and that finds any id.
fn repo(post_exists: bool, parent_post: Uuid) -> MockCommentRepo {
    let mut repo = MockCommentRepo::new();
    repo.expect_post_exists()
        .with(eq(POST))
        .returning(move |_| Ok(post_exists));
    repo.expect_snapshot()
        .with(eq(COMMENT))
        .returning(move |_| Ok(stored(parent_post)));
    repo.expect_find().returning(|id| Ok(Some(view(id.0))));
    repo
}

fn service(repo: MockCommentRepo) -> (CommentService, Version) {
    let version = Version::new();
    (
        CommentService::new(Arc::new(repo), version.clone()),
        version,
    )
}

#[test]
fn a_message_has_1_to_1000_characters() {
    assert!(CommentText::new(String::new()).is_err());
    assert!(CommentText::new("é".repeat(1000)).is_ok());
    let err = CommentText::new("a".repeat(1001)).unwrap_err();
    assert!(matches!(
        err,
        CommentError::Invalid {
            field: "message",
            ..
        }
    ));
    assert!(CommentText::new("a\0b".into()).is_err());
}

#[tokio::test]
async fn a_comment_is_the_callers_and_moves_the_listings_version() {
    let seen = Arc::new(Mutex::new(None));
    let sink = seen.clone();
    let mut repo = repo(true, POST);
    repo.expect_insert().times(1).returning(move |r| {
        *sink.lock().unwrap() = Some(r.clone());
        Ok(Inserted::Done)
    });
    let (service, version) = service(repo);
    let created = service
        .create(actor(STRANGER), new_comment(Some(COMMENT)))
        .await
        .unwrap();
    let record = seen.lock().unwrap().clone().unwrap();
    assert_eq!(record.author, STRANGER);
    assert_eq!(record.post, POST);
    assert_eq!(record.reply_to, Some(COMMENT));
    assert_eq!(created.uuid, record.id.0);
    assert_eq!(version.current(), 1);
}

#[tokio::test]
async fn an_unknown_post_is_not_found_and_nothing_is_written() {
    let mut repo = repo(false, POST);
    repo.expect_insert().never();
    let (service, version) = service(repo);
    let err = service
        .create(actor(AUTHOR), new_comment(None))
        .await
        .unwrap_err();
    assert!(matches!(err, CommentError::PostNotFound));
    assert_eq!(version.current(), 0);
}

#[tokio::test]
async fn a_reply_stays_in_its_post() {
    // The parent belongs to another post.
    let mut other = repo(true, OTHER_POST);
    other.expect_insert().never();
    let err = service(other)
        .0
        .create(actor(AUTHOR), new_comment(Some(COMMENT)))
        .await
        .unwrap_err();
    assert!(matches!(err, CommentError::InvalidReply));

    // The parent does not exist.
    let mut missing = MockCommentRepo::new();
    missing.expect_post_exists().returning(|_| Ok(true));
    missing.expect_snapshot().returning(|_| Ok(None));
    missing.expect_insert().never();
    let err = service(missing)
        .0
        .create(actor(AUTHOR), new_comment(Some(COMMENT)))
        .await
        .unwrap_err();
    assert!(matches!(err, CommentError::InvalidReply));
}

#[tokio::test]
async fn rows_deleted_meanwhile_are_typed_outcomes() {
    for (outcome, expected) in [
        (Inserted::PostGone, "Post Not Found"),
        (
            Inserted::ParentGone,
            "replyTo must be a comment of the same post",
        ),
    ] {
        let mut repo = repo(true, POST);
        repo.expect_insert().returning(move |_| Ok(outcome));
        let (service, version) = service(repo);
        let err = service
            .create(actor(AUTHOR), new_comment(Some(COMMENT)))
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), expected);
        assert_eq!(version.current(), 0);
    }
}

#[tokio::test]
async fn only_the_author_or_an_admin_edits_the_message() {
    let mut refused = repo(true, POST);
    refused.expect_update_message().never();
    let err = service(refused)
        .0
        .update(actor(STRANGER), COMMENT, text("mine now"))
        .await
        .unwrap_err();
    assert!(matches!(err, CommentError::Forbidden));

    for who in [AUTHOR, ADMIN] {
        let mut repo = repo(true, POST);
        repo.expect_update_message()
            .with(eq(COMMENT), eq(text("edited")))
            .times(1)
            .returning(|_, _| Ok(true));
        let (service, version) = service(repo);
        service
            .update(actor(who), COMMENT, text("edited"))
            .await
            .unwrap();
        assert_eq!(version.current(), 1);
    }
}

#[tokio::test]
async fn only_the_author_or_an_admin_deletes() {
    let mut refused = repo(true, POST);
    refused.expect_delete().never();
    let err = service(refused)
        .0
        .delete(actor(STRANGER), COMMENT)
        .await
        .unwrap_err();
    assert!(matches!(err, CommentError::Forbidden));

    for who in [AUTHOR, ADMIN] {
        let mut repo = repo(true, POST);
        repo.expect_delete().times(1).returning(|_| Ok(true));
        let (service, version) = service(repo);
        service.delete(actor(who), COMMENT).await.unwrap();
        assert_eq!(version.current(), 1);
    }
}

#[tokio::test]
async fn an_unknown_comment_is_not_found() {
    let mut repo = MockCommentRepo::new();
    repo.expect_snapshot().returning(|_| Ok(None));
    repo.expect_find().returning(|_| Ok(None));
    let (service, _) = service(repo);
    assert!(matches!(
        service.get(COMMENT).await.unwrap_err(),
        CommentError::NotFound
    ));
    assert!(matches!(
        service.delete(actor(ADMIN), COMMENT).await.unwrap_err(),
        CommentError::NotFound
    ));
    assert!(matches!(
        service
            .update(actor(ADMIN), COMMENT, text("x"))
            .await
            .unwrap_err(),
        CommentError::NotFound
    ));
}

#[test]
fn personal_info_prefers_the_current_name_and_shows_the_medium_avatar() {
    use crate::author::{AuthorView, AvatarView, ImagePaths};
    let author = AuthorView {
        uuid: AUTHOR.0,
        name: Some("Merdan".into()),
        avatar: Some(AvatarView {
            uuid: Uuid::from_u128(5),
            path: Some(ImagePaths {
                small: "uploads/avatars/small_a.jpg".into(),
                medium: "uploads/avatars/medium_a.jpg".into(),
                large: "uploads/avatars/large_a.jpg".into(),
            }),
            original_path: None,
        }),
    };
    let info = PersonalInfoView::of(Some(&author), Some("old"));
    assert_eq!(info.name.as_deref(), Some("Merdan"));
    assert_eq!(info.avatar.as_deref(), Some("uploads/avatars/medium_a.jpg"));
    let gone = PersonalInfoView::of(None, Some("old"));
    assert_eq!(gone.name.as_deref(), Some("old"));
    assert_eq!(gone.avatar, None);
}
