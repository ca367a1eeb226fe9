#![allow(clippy::unwrap_used)]

use std::sync::Mutex;

use alpha_media::MediaError;
use alpha_media::fakes::{FakeProcessor, MemoryStore};
use alpha_media::{MediaStore, UploadPath};
use mockall::predicate::eq;

use super::*;
use crate::ports::MockPostRepo;
use crate::test_support::*;

const PHOTO: Uuid = Uuid::from_u128(20);

fn service(posts: MockPostRepo, photos: MockPostPhotos) -> (PostPhotoService, Arc<MemoryStore>) {
    let store = Arc::new(MemoryStore::default());
    let images = Arc::new(ImageService::new(store.clone(), Arc::new(FakeProcessor)));
    (
        PostPhotoService::new(Arc::new(posts), Arc::new(photos), images),
        store,
    )
}

/// Photo rows that record what they are asked to attach and answer `outcome`.
fn recording_photos(outcome: Attached) -> (MockPostPhotos, Arc<Mutex<Vec<NewPostPhoto>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let mut photos = MockPostPhotos::new();
    photos
        .expect_attach_photos()
        .withf(|post, _, max| *post == POST && *max == PostPhotoService::MAX_PER_POST)
        .returning(move |_, rows, _| {
            sink.lock().unwrap().extend_from_slice(rows);
            Ok(outcome)
        });
    (photos, seen)
}

fn images(n: usize) -> Vec<Vec<u8>> {
    (0..n).map(|i| format!("IMG{i}").into_bytes()).collect()
}

#[tokio::test]
async fn the_owner_adds_photos_whose_rows_name_the_files_written() {
    let (photos, seen) = recording_photos(Attached::Done);
    let (svc, store) = service(repo_with(Some(snapshot(Moderation::Pending))), photos);

    let ids = svc.add(owner(), POST, images(2)).await.unwrap();

    let rows = seen.lock().unwrap().clone();
    assert_eq!(ids, rows.iter().map(|r| r.uuid).collect::<Vec<_>>());
    assert_eq!(rows.len(), 2);
    let row = &rows[0];
    assert_eq!(row.small, format!("uploads/posts/small_{}.jpg", row.uuid));
    assert_eq!(row.large, format!("uploads/posts/large_{}.jpg", row.uuid));
    assert_eq!(row.original_path, format!("uploads/posts/{}.jpg", row.uuid));
    assert_eq!(
        store.files().len(),
        8,
        "an original and three variants each"
    );
    assert!(
        store
            .files()
            .contains(&format!("posts/medium_{}.jpg", row.uuid))
    );
}

#[tokio::test]
async fn a_stranger_may_not_add_photos_and_nothing_is_written() {
    let (svc, store) = service(
        repo_with(Some(snapshot(Moderation::Pending))),
        MockPostPhotos::new(),
    );
    let err = svc.add(stranger(), POST, images(1)).await.unwrap_err();
    assert!(matches!(err, ListingError::Forbidden), "{err:?}");
    assert!(store.files().is_empty());
}

#[tokio::test]
async fn an_admin_adds_photos_to_anyones_post_without_sending_it_back_to_review() {
    let (photos, seen) = recording_photos(Attached::Done);
    // No `update` expectation: a moderation change would panic the mock.
    let (svc, _) = service(repo_with(Some(snapshot(Moderation::Approved))), photos);
    svc.add(admin(), POST, images(1)).await.unwrap();
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn an_owners_new_photo_sends_an_approved_post_back_to_review() {
    let (photos, _) = recording_photos(Attached::Done);
    let mut posts = repo_with(Some(snapshot(Moderation::Approved)));
    posts
        .expect_update()
        .withf(|id, patch| {
            *id == POST
                && patch.moderation == Some(Moderation::Pending)
                && patch.price.is_none()
                && patch.personal_info.is_none()
        })
        .times(1)
        .returning(|_, _| Ok(true));
    let (svc, _) = service(posts, photos);
    svc.add(owner(), POST, images(1)).await.unwrap();
}

#[tokio::test]
async fn an_unknown_post_is_not_found_before_any_file_is_processed() {
    let (svc, store) = service(repo_with(None), MockPostPhotos::new());
    let err = svc.add(admin(), POST, images(1)).await.unwrap_err();
    assert!(matches!(err, ListingError::NotFound), "{err:?}");
    assert!(store.files().is_empty());
}

#[tokio::test]
async fn one_refused_file_refuses_all_and_removes_the_files_already_written() {
    let (svc, store) = service(
        repo_with(Some(snapshot(Moderation::Pending))),
        MockPostPhotos::new(),
    );
    let files = vec![b"IMG ok".to_vec(), b"<svg/>".to_vec()];
    let err = svc.add(owner(), POST, files).await.unwrap_err();
    assert!(
        matches!(err, ListingError::Media(MediaError::NotAnImage)),
        "{err:?}"
    );
    assert!(store.files().is_empty(), "{:?}", store.files());
}

#[tokio::test]
async fn rows_that_cannot_be_written_take_their_files_with_them() {
    for (outcome, expected) in [
        (Attached::PostGone, "not found"),
        (Attached::Full, "too many"),
    ] {
        let (photos, _) = recording_photos(outcome);
        let (svc, store) = service(repo_with(Some(snapshot(Moderation::Pending))), photos);
        let err = svc.add(owner(), POST, images(2)).await.unwrap_err();
        match expected {
            "not found" => assert!(matches!(err, ListingError::NotFound), "{err:?}"),
            _ => assert!(
                matches!(err, ListingError::TooManyPhotos { max: 30 }),
                "{err:?}"
            ),
        }
        assert!(store.files().is_empty(), "{:?}", store.files());
    }

    let mut photos = MockPostPhotos::new();
    photos
        .expect_attach_photos()
        .returning(|_, _, _| Err(RepoError::Unavailable("down".into())));
    let (svc, store) = service(repo_with(Some(snapshot(Moderation::Pending))), photos);
    let err = svc.add(owner(), POST, images(1)).await.unwrap_err();
    assert!(matches!(err, ListingError::Repo(_)), "{err:?}");
    assert!(store.files().is_empty());
}

#[tokio::test]
async fn more_files_than_a_post_may_hold_are_refused_up_front() {
    let (svc, store) = service(
        repo_with(Some(snapshot(Moderation::Pending))),
        MockPostPhotos::new(),
    );
    let err = svc
        .add(owner(), POST, images(PostPhotoService::MAX_PER_POST + 1))
        .await
        .unwrap_err();
    assert!(matches!(err, ListingError::TooManyPhotos { .. }), "{err:?}");
    assert!(store.files().is_empty());
}

fn photo_of_post() -> MockPostPhotos {
    let mut photos = MockPostPhotos::new();
    photos
        .expect_post_of_photo()
        .with(eq(PHOTO))
        .returning(|_| Ok(Some(POST)));
    photos
}

#[tokio::test]
async fn the_owner_deletes_a_photo_with_its_files() {
    let mut photos = photo_of_post();
    photos
        .expect_delete_photo()
        .with(eq(PHOTO))
        .times(1)
        .returning(|_| {
            Ok(Some(vec![
                "uploads/posts/p.jpg".into(),
                "uploads/posts/small_p.jpg".into(),
            ]))
        });
    let (svc, store) = service(repo_with(Some(snapshot(Moderation::Approved))), photos);
    for file in ["posts/p.jpg", "posts/small_p.jpg", "posts/other.jpg"] {
        store
            .put(&UploadPath::parse(file).unwrap(), vec![])
            .await
            .unwrap();
    }

    let change = svc.delete(owner(), PHOTO).await.unwrap();

    assert!(change.cleanup.is_none());
    assert_eq!(
        store.files().into_iter().collect::<Vec<_>>(),
        ["posts/other.jpg"]
    );
}

#[tokio::test]
async fn a_stranger_may_not_delete_a_photo() {
    // No `delete` expectation: reaching it would panic the mock.
    let (svc, _) = service(
        repo_with(Some(snapshot(Moderation::Pending))),
        photo_of_post(),
    );
    let err = svc.delete(stranger(), PHOTO).await.unwrap_err();
    assert!(matches!(err, ListingError::Forbidden), "{err:?}");
}

#[tokio::test]
async fn a_photo_that_is_no_posts_is_not_found() {
    let mut photos = MockPostPhotos::new();
    photos.expect_post_of_photo().returning(|_| Ok(None));
    let (svc, _) = service(MockPostRepo::new(), photos);
    let err = svc.delete(admin(), PHOTO).await.unwrap_err();
    assert!(matches!(err, ListingError::PhotoNotFound), "{err:?}");
}
