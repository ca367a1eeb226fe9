#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use alpha_kernel::{FakeClock, NoEvents};
use chrono::TimeZone;
use uuid::Uuid;

use super::*;

fn user(id: UserId, role: Role) -> ManagedUser {
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    ManagedUser {
        id,
        name: Some("Aman".into()),
        email: None,
        phone: Some("+99361000001".into()),
        location: None,
        access: vec![],
        role,
        status: true,
        push_enabled: false,
        avatar: None,
        created_at: at,
        updated_at: at,
    }
}

fn id() -> UserId {
    UserId(Uuid::new_v4())
}

#[derive(Default)]
struct Recorded(Mutex<Vec<DomainEvent>>);

impl EventPublisher for Recorded {
    fn publish(&self, event: DomainEvent) {
        self.0.lock().unwrap().push(event);
    }
}

fn admin_with(
    users: MockUserDirectory,
    content: MockUserContent,
    events: Arc<dyn EventPublisher>,
    policy: DeletedContent,
) -> UserAdmin {
    UserAdmin::new(
        Arc::new(users),
        Arc::new(content),
        events,
        Arc::new(FakeClock::default()),
        policy,
    )
}

fn admin(users: MockUserDirectory) -> UserAdmin {
    admin_with(
        users,
        MockUserContent::new(),
        Arc::new(NoEvents),
        DeletedContent::Keep,
    )
}

#[tokio::test]
async fn an_admin_cannot_drop_their_own_admin_role() {
    let me = id();
    let mut users = MockUserDirectory::new();
    users.expect_edit().never();
    let edit = UserEdit {
        role: Some(Role::User),
        ..UserEdit::default()
    };
    let err = admin(users).edit(me, me, &edit).await.unwrap_err();
    assert!(matches!(err, UserAdminError::OwnRole), "{err:?}");
}

#[tokio::test]
async fn an_admin_may_edit_their_own_name_and_keep_the_role() {
    let me = id();
    let mut users = MockUserDirectory::new();
    users
        .expect_edit()
        .times(1)
        .returning(|_, _, _| Ok(EditOutcome::Updated));
    users
        .expect_get()
        .returning(move |id| Ok(Some(user(id, Role::Admin))));
    let edit = UserEdit {
        name: Some(Some("New".into())),
        role: Some(Role::Admin),
        ..UserEdit::default()
    };
    let view = admin(users).edit(me, me, &edit).await.unwrap();
    assert_eq!(view.id, me);
}

#[tokio::test]
async fn the_stores_answers_become_the_errors_operators_see() {
    for (outcome, expected) in [
        (EditOutcome::NotFound, "user not found"),
        (EditOutcome::EmailTaken, "email taken"),
        (EditOutcome::PhoneTaken, "phone taken"),
        (
            EditOutcome::LastAdmin,
            "the last admin keeps the admin role",
        ),
    ] {
        let mut users = MockUserDirectory::new();
        users.expect_edit().returning(move |_, _, _| Ok(outcome));
        users.expect_get().never();
        let edit = UserEdit {
            status: Some(true),
            ..UserEdit::default()
        };
        let err = admin(users).edit(id(), id(), &edit).await.unwrap_err();
        assert_eq!(err.to_string(), expected);
    }
}

#[tokio::test]
async fn an_access_list_too_long_is_refused_before_the_store() {
    let mut users = MockUserDirectory::new();
    users.expect_edit().never();
    let edit = UserEdit {
        access: Some(vec!["posts".into(); UserEdit::MAX_ACCESS + 1]),
        ..UserEdit::default()
    };
    let err = admin(users).edit(id(), id(), &edit).await.unwrap_err();
    assert!(
        matches!(
            err,
            UserAdminError::Invalid {
                field: "access",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn only_admins_are_found_as_admins() {
    let mut users = MockUserDirectory::new();
    users
        .expect_get()
        .returning(|id| Ok(Some(user(id, Role::User))));
    let err = admin(users).get_admin(id()).await.unwrap_err();
    assert!(matches!(err, UserAdminError::NotFound), "{err:?}");
}

#[tokio::test]
async fn an_admin_cannot_delete_their_own_account() {
    let me = id();
    let mut users = MockUserDirectory::new();
    users.expect_delete().never();
    let err = admin(users).delete(me, me).await.unwrap_err();
    assert!(matches!(err, UserAdminError::OwnAccount), "{err:?}");
}

#[tokio::test]
async fn a_deletion_closes_the_users_connections_and_keeps_content_by_default() {
    let target = id();
    let mut users = MockUserDirectory::new();
    users
        .expect_get()
        .returning(|id| Ok(Some(user(id, Role::User))));
    users.expect_delete().times(1).returning(|_| Ok(true));
    let mut content = MockUserContent::new();
    content
        .expect_remove_personal()
        .times(1)
        .returning(|_| Ok(()));
    content.expect_remove_all().never();
    let events = Arc::new(Recorded::default());
    admin_with(users, content, events.clone(), DeletedContent::Keep)
        .delete(id(), target)
        .await
        .unwrap();
    assert_eq!(
        *events.0.lock().unwrap(),
        vec![DomainEvent::UserDeleted { user: target }]
    );
}

#[tokio::test]
async fn removal_policy_removes_content_first_and_a_failure_keeps_the_account() {
    let mut users = MockUserDirectory::new();
    users
        .expect_get()
        .returning(|id| Ok(Some(user(id, Role::User))));
    users.expect_delete().never();
    let mut content = MockUserContent::new();
    content.expect_remove_personal().returning(|_| Ok(()));
    content
        .expect_remove_all()
        .times(1)
        .returning(|_| Err(RepoError::Unavailable("down".into())));
    let events = Arc::new(Recorded::default());
    let err = admin_with(users, content, events.clone(), DeletedContent::Remove)
        .delete(id(), id())
        .await
        .unwrap_err();
    assert!(matches!(err, UserAdminError::Repo(_)), "{err:?}");
    assert!(events.0.lock().unwrap().is_empty());
}

#[tokio::test]
async fn deleting_someone_already_gone_is_not_found_and_publishes_nothing() {
    let mut users = MockUserDirectory::new();
    users.expect_get().returning(|_| Ok(None));
    users.expect_delete().never();
    let events = Arc::new(Recorded::default());
    let err = admin_with(
        users,
        MockUserContent::new(),
        events.clone(),
        DeletedContent::Keep,
    )
    .delete(id(), id())
    .await
    .unwrap_err();
    assert!(matches!(err, UserAdminError::NotFound), "{err:?}");
    assert!(events.0.lock().unwrap().is_empty());
}

#[test]
fn a_query_limit_outside_the_range_is_refused_and_a_blank_search_lists_all() {
    assert!(UserQuery::new(None, None, None, Some(0)).is_err());
    assert!(UserQuery::new(None, None, None, Some(101)).is_err());
    let q = UserQuery::new(Some("  "), None, None, None).unwrap();
    assert_eq!((q.search, q.limit, q.offset), (None, 20, 0));
    assert!(UserQuery::new(Some("a\0b"), None, None, None).is_err());
}
