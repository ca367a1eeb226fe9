#![allow(clippy::unwrap_used)]

use alpha_kernel::FakeClock;
use chrono::TimeDelta;
use serde_json::json;

use super::*;
use crate::ports::{MockNotificationRepo, StoredDraft};

fn view(uuid: Uuid, status: NotificationStatus) -> NotificationView {
    NotificationView {
        uuid,
        title: "t".into(),
        body: "b".into(),
        kind: NotificationType::AllUsers,
        status,
        target_data: None,
        total_recipients: 0,
        successful_deliveries: 0,
        failed_deliveries: 0,
        delivery_details: None,
        additional_data: None,
        sent_by: None,
        scheduled_for: None,
        is_scheduled: false,
        topic: None,
        error_message: None,
        created_at: String::new(),
        updated_at: String::new(),
        sender: None,
    }
}

fn input(kind: &str, target: Option<Value>) -> SendInput {
    SendInput {
        title: "Sale".into(),
        body: "Today only".into(),
        kind: kind.into(),
        target_data: target,
        ..SendInput::default()
    }
}

fn service(repo: MockNotificationRepo) -> NotificationService {
    NotificationService::new(Arc::new(repo), Arc::new(FakeClock::new()))
}

#[tokio::test]
async fn a_bad_send_writes_nothing() {
    let mut repo = MockNotificationRepo::new();
    repo.expect_enqueue().never();
    repo.expect_brand_exists().returning(|_| Ok(false));
    repo.expect_push_token().returning(|_| Ok(Some(None)));
    let service = service(repo);
    let brand = json!({"brandId": Uuid::new_v4().to_string()});
    let user = json!({"userId": Uuid::new_v4().to_string()});
    for (send, expected) in [
        (input("nobody", None), InvalidSend::Type),
        (
            input("brand_subscribers", None),
            InvalidSend::BrandIdRequired,
        ),
        (
            input("brand_subscribers", Some(brand)),
            InvalidSend::BrandNotFound,
        ),
        (
            input("specific_user", Some(user)),
            InvalidSend::UserHasNoToken,
        ),
        (input("topic", None), InvalidSend::TopicRequired),
    ] {
        match service.send(send, None).await {
            Err(NotificationError::Invalid(got)) => assert_eq!(got, expected),
            other => panic!("expected {expected:?}, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_user_send_goes_to_their_token_and_a_scheduled_one_waits() {
    let user = UserId(Uuid::new_v4());
    let at = Utc::now() + TimeDelta::hours(2);
    let mut repo = MockNotificationRepo::new();
    repo.expect_push_token()
        .returning(|_| Ok(Some(Some("tok-1".into()))));
    repo.expect_enqueue()
        .withf(move |row, outbox| {
            row.status == NotificationStatus::Sending
                && row.is_scheduled
                && outbox.due == at
                && outbox.recipients
                    == vec![Recipient {
                        user: Some(user),
                        target: PushTarget::Token("tok-1".into()),
                    }]
        })
        .times(1)
        .returning(|row, _| Ok(view(row.uuid, row.status)));
    let mut send = input("specific_user", Some(json!({"userId": user.0.to_string()})));
    send.scheduled_for = Some(at);
    service(repo).send(send, None).await.unwrap();
}

#[tokio::test]
async fn a_brand_nobody_can_be_reached_in_is_recorded_failed() {
    let mut repo = MockNotificationRepo::new();
    repo.expect_brand_exists().returning(|_| Ok(true));
    repo.expect_subscriber_tokens().returning(|_| Ok(vec![]));
    repo.expect_enqueue()
        .withf(|row, outbox| {
            row.status == NotificationStatus::Failed
                && row.error_message.as_deref() == Some(NO_SUBSCRIBER_TOKENS)
                && outbox.recipients.is_empty()
        })
        .times(1)
        .returning(|row, _| Ok(view(row.uuid, row.status)));
    let brand = json!({"brandId": Uuid::new_v4().to_string()});
    let sent = service(repo)
        .send(input("brand_subscribers", Some(brand)), None)
        .await
        .unwrap();
    assert_eq!(sent.status, NotificationStatus::Failed);
}

#[tokio::test]
async fn only_drafts_are_sent_edited_or_deleted() {
    let sent = Uuid::new_v4();
    let mut repo = MockNotificationRepo::new();
    repo.expect_draft().returning(|_| {
        Ok(Some(StoredDraft {
            status: NotificationStatus::Sent,
            input: input("all_users", None),
            sent_by: None,
        }))
    });
    repo.expect_enqueue_draft().never();
    repo.expect_update_draft().never();
    repo.expect_delete_draft().returning(|_| Ok(false));
    repo.expect_get()
        .returning(|uuid| Ok(Some(view(uuid, NotificationStatus::Sent))));
    let service = service(repo);
    assert!(matches!(
        service.send_draft(sent).await,
        Err(NotificationError::AlreadySent)
    ));
    assert!(matches!(
        service.update_draft(sent, DraftPatch::default()).await,
        Err(NotificationError::AlreadySent)
    ));
    assert!(matches!(
        service.delete_draft(sent).await,
        Err(NotificationError::AlreadySent)
    ));
}

#[tokio::test]
async fn a_draft_is_sent_itself() {
    let draft = Uuid::new_v4();
    let mut repo = MockNotificationRepo::new();
    repo.expect_draft().returning(|_| {
        Ok(Some(StoredDraft {
            status: NotificationStatus::Pending,
            input: SendInput {
                topic: Some("offers".into()),
                ..input("topic", None)
            },
            sent_by: None,
        }))
    });
    repo.expect_enqueue().never();
    repo.expect_enqueue_draft()
        .withf(move |uuid, outbox, _| {
            *uuid == draft
                && outbox.recipients
                    == vec![Recipient {
                        user: None,
                        target: PushTarget::Topic("offers".into()),
                    }]
        })
        .times(1)
        .returning(|uuid, _, _| Ok(Some(view(uuid, NotificationStatus::Sending))));
    let sent = service(repo).send_draft(draft).await.unwrap();
    assert_eq!(sent.uuid, draft);
}

#[tokio::test]
async fn a_draft_edit_is_checked_like_a_send() {
    let mut repo = MockNotificationRepo::new();
    repo.expect_draft().returning(|_| {
        Ok(Some(StoredDraft {
            status: NotificationStatus::Pending,
            input: input("all_users", None),
            sent_by: None,
        }))
    });
    repo.expect_update_draft().never();
    let patch = DraftPatch {
        kind: Some("topic".into()),
        ..DraftPatch::default()
    };
    assert!(matches!(
        service(repo).update_draft(Uuid::new_v4(), patch).await,
        Err(NotificationError::Invalid(InvalidSend::TopicRequired))
    ));
}
