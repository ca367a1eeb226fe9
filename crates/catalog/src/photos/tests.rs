#![allow(clippy::unwrap_used)]

use alpha_media::fakes::{FakeProcessor, MemoryStore};
use alpha_media::{MediaStore, UploadPath};

use super::*;

fn service(repo: MockCatalogPhotos) -> (CatalogPhotoService, Arc<MemoryStore>, CatalogVersion) {
    let store = Arc::new(MemoryStore::default());
    let images = Arc::new(ImageService::new(store.clone(), Arc::new(FakeProcessor)));
    let version = CatalogVersion::new();
    let service = CatalogPhotoService::new(images, Arc::new(repo), version.clone());
    (service, store, version)
}

fn view(photo: &NewPhoto) -> PhotoView {
    PhotoView {
        uuid: photo.uuid,
        path: Some(photo.paths.clone()),
        original_path: Some(photo.original_path.clone()),
        banner_id: None,
        category_id: None,
        subscription_id: None,
        brands_id: Some(Uuid::nil()),
        models_id: None,
        created_at: "2026-01-01T00:00:00.000Z".into(),
        updated_at: "2026-01-01T00:00:00.000Z".into(),
    }
}

#[tokio::test]
async fn upload_records_the_files_it_wrote_and_removes_the_replaced_ones() {
    let old = "uploads/brand/old.jpg".to_owned();
    let mut repo = MockCatalogPhotos::new();
    let recorded = old.clone();
    repo.expect_replace_photo()
        .withf(|owner, uuid, _| *owner == PhotoOwner::Brand && uuid.is_nil())
        .returning(move |_, _, photo| {
            assert!(photo.paths.small.starts_with("uploads/brand/small_"));
            assert!(photo.original_path.starts_with("uploads/brand/"));
            Ok(Some(PhotoReplaced {
                photo: view(photo),
                old_paths: vec![recorded.clone()],
            }))
        });
    let (service, store, version) = service(repo);
    store
        .put(&UploadPath::from_public(&old).unwrap(), vec![])
        .await
        .unwrap();

    let change = service
        .upload(PhotoOwner::Brand, Uuid::nil(), b"IMG".to_vec())
        .await
        .unwrap();

    assert!(change.cleanup.is_none());
    let files = store.files();
    assert_eq!(files.len(), 4, "{files:?}");
    assert!(!files.contains("brand/old.jpg"));
    let original = change.value.original_path.unwrap();
    assert!(files.contains(original.trim_start_matches("uploads/")));
    assert_eq!(version.current(), 1);
}

#[tokio::test]
async fn upload_for_an_unknown_owner_leaves_no_file() {
    let mut repo = MockCatalogPhotos::new();
    repo.expect_replace_photo().returning(|_, _, _| Ok(None));
    let (service, store, version) = service(repo);

    let err = service
        .upload(PhotoOwner::Plan, Uuid::nil(), b"IMG".to_vec())
        .await
        .unwrap_err();

    assert!(matches!(err, PhotoError::NotFound(Entity::Plan)), "{err:?}");
    assert!(store.files().is_empty());
    assert_eq!(version.current(), 0);
}

#[tokio::test]
async fn upload_whose_row_fails_discards_its_files() {
    let mut repo = MockCatalogPhotos::new();
    repo.expect_replace_photo()
        .returning(|_, _, _| Err(RepoError::Unavailable("down".into())));
    let (service, store, _) = service(repo);

    let err = service
        .upload(PhotoOwner::Model, Uuid::nil(), b"IMG".to_vec())
        .await
        .unwrap_err();

    assert!(matches!(err, PhotoError::Repo(_)), "{err:?}");
    assert!(store.files().is_empty());
}

#[tokio::test]
async fn a_refused_upload_never_reaches_the_store() {
    let repo = MockCatalogPhotos::new();
    let (service, store, _) = service(repo);

    let err = service
        .upload(PhotoOwner::Banner, Uuid::nil(), b"<svg/>".to_vec())
        .await
        .unwrap_err();

    assert!(matches!(err, PhotoError::Media(MediaError::NotAnImage)));
    assert!(store.files().is_empty());
}

#[tokio::test]
async fn delete_removes_the_rows_files_and_reports_an_unknown_photo() {
    let mut repo = MockCatalogPhotos::new();
    repo.expect_delete_photo()
        .withf(|owner, uuid| *owner == PhotoOwner::Category && uuid.is_nil())
        .returning(|_, _| Ok(Some(vec!["uploads/categories/a.jpg".into()])));
    repo.expect_delete_photos_of().returning(|_, _| Ok(None));
    let (service, store, version) = service(repo);
    store
        .put(&UploadPath::parse("categories/a.jpg").unwrap(), vec![])
        .await
        .unwrap();

    service
        .delete(PhotoOwner::Category, Uuid::nil())
        .await
        .unwrap();
    assert!(store.files().is_empty());
    assert_eq!(version.current(), 1);

    let err = service
        .delete_of(PhotoOwner::Model, Uuid::nil())
        .await
        .unwrap_err();
    assert!(
        matches!(err, PhotoError::NotFound(Entity::Photo)),
        "{err:?}"
    );
    assert_eq!(version.current(), 1);
}
