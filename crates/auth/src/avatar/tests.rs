#![allow(clippy::unwrap_used)]

use alpha_media::fakes::{FakeProcessor, MemoryStore};
use alpha_media::{MediaStore, UploadPath};

use super::*;

fn service(repo: MockAvatars) -> (AvatarService, Arc<MemoryStore>) {
    let store = Arc::new(MemoryStore::default());
    let images = Arc::new(ImageService::new(store.clone(), Arc::new(FakeProcessor)));
    (AvatarService::new(images, Arc::new(repo)), store)
}

fn user() -> UserId {
    UserId(Uuid::from_u128(5))
}

async fn put(store: &MemoryStore, public: &str) {
    store
        .put(&UploadPath::from_public(public).unwrap(), vec![])
        .await
        .unwrap();
}

#[tokio::test]
async fn a_first_avatar_is_created_in_the_avatars_folder() {
    let mut repo = MockAvatars::new();
    repo.expect_replace_avatar()
        .withf(|u, avatar| {
            *u == user()
                && avatar.paths.small.starts_with("uploads/avatars/small_")
                && avatar.original_path.starts_with("uploads/avatars/")
        })
        .times(1)
        .returning(|_, _| Ok(AvatarWrite::Written { replaced: None }));
    let (service, store) = service(repo);

    let change = service.upload(user(), b"IMG".to_vec()).await.unwrap();

    assert!(change.cleanup.is_none());
    assert!(!change.value.replaced);
    assert_eq!(store.files().len(), 4);
    let uuid = change.value.uuid.to_string();
    assert!(
        change.value.paths.medium.contains(&uuid),
        "files named after the row"
    );
}

#[tokio::test]
async fn a_new_avatar_replaces_the_old_one_and_its_files() {
    let old = ["uploads/avatars/small_old.jpg", "uploads/avatars/old.jpg"];
    let mut repo = MockAvatars::new();
    repo.expect_replace_avatar().returning(move |_, _| {
        Ok(AvatarWrite::Written {
            replaced: Some(old.iter().map(|p| (*p).to_owned()).collect()),
        })
    });
    let (service, store) = service(repo);
    for path in old {
        put(&store, path).await;
    }

    let change = service.upload(user(), b"IMG".to_vec()).await.unwrap();

    assert!(change.value.replaced);
    let files = store.files();
    assert_eq!(files.len(), 4, "{files:?}");
    assert!(!files.contains("avatars/old.jpg"));
}

#[tokio::test]
async fn a_failed_write_keeps_the_old_avatar_and_leaves_no_new_file() {
    let mut repo = MockAvatars::new();
    repo.expect_replace_avatar()
        .returning(|_, _| Err(RepoError::Unavailable("down".into())));
    let (service, store) = service(repo);
    put(&store, "uploads/avatars/old.jpg").await;

    let err = service.upload(user(), b"IMG".to_vec()).await.unwrap_err();

    assert!(matches!(err, AvatarError::Repo(_)), "{err:?}");
    assert_eq!(
        store.files().into_iter().collect::<Vec<_>>(),
        ["avatars/old.jpg"]
    );
}

#[tokio::test]
async fn an_upload_for_a_deleted_user_leaves_no_file() {
    let mut repo = MockAvatars::new();
    repo.expect_replace_avatar()
        .returning(|_, _| Ok(AvatarWrite::UserGone));
    let (service, store) = service(repo);

    let err = service.upload(user(), b"IMG".to_vec()).await.unwrap_err();

    assert!(matches!(err, AvatarError::UserGone), "{err:?}");
    assert!(store.files().is_empty());
}

#[tokio::test]
async fn a_refused_upload_writes_no_row() {
    // No expectation: the store must not be asked.
    let (service, store) = service(MockAvatars::new());

    let err = service.upload(user(), Vec::new()).await.unwrap_err();

    assert!(matches!(err, AvatarError::Media(_)), "{err:?}");
    assert!(store.files().is_empty());
}

#[tokio::test]
async fn deleting_removes_the_files_the_rows_named() {
    let mut repo = MockAvatars::new();
    repo.expect_delete_avatar_of()
        .returning(|_| Ok(Some(vec!["uploads/avatars/a.jpg".to_owned()])));
    repo.expect_delete_avatar()
        .returning(|_| Ok(Some(vec!["uploads/avatars/b.jpg".to_owned()])));
    let (service, store) = service(repo);
    put(&store, "uploads/avatars/a.jpg").await;
    put(&store, "uploads/avatars/b.jpg").await;

    service.delete_own(user()).await.unwrap();
    service.delete_photo(Uuid::from_u128(9)).await.unwrap();

    assert!(store.files().is_empty());
}

#[tokio::test]
async fn deleting_what_is_not_there_says_which_is_missing() {
    let mut repo = MockAvatars::new();
    repo.expect_delete_avatar_of().returning(|_| Ok(None));
    repo.expect_delete_avatar().returning(|_| Ok(None));
    let (service, _) = service(repo);

    let own = service.delete_own(user()).await.unwrap_err();
    let other = service.delete_photo(Uuid::from_u128(9)).await.unwrap_err();

    assert!(matches!(own, AvatarError::NoAvatar), "{own:?}");
    assert!(matches!(other, AvatarError::PhotoNotFound), "{other:?}");
}
