#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use alpha_kernel::{RepoError, UserId};
use alpha_media::ImageService;
use alpha_media::fakes::{FakeProcessor, MemoryStore};
use mockall::predicate::eq;
use uuid::Uuid;

use super::inputs::derive_title;
use super::ports::{MockBlogPhotos, MockVlogRepo};
use super::*;
use crate::actor::Actor;
use crate::author::ImagePaths;

const AUTHOR: UserId = UserId(Uuid::from_u128(1));
const STRANGER: UserId = UserId(Uuid::from_u128(2));
const ADMIN: UserId = UserId(Uuid::from_u128(3));
const VLOG: VlogId = VlogId(Uuid::from_u128(30));

fn actor(user: UserId) -> Actor {
    Actor {
        user,
        admin: user == ADMIN,
    }
}

fn view(id: Uuid, status: VlogStatus) -> VlogView {
    VlogView {
        uuid: id,
        title: "t".into(),
        description: None,
        tag: None,
        video_url: None,
        is_active: false,
        thumbnail: None,
        user_id: Some(AUTHOR.0),
        status: status.as_str(),
        decline_message: None,
        created_at: "2026-02-02T12:00:00.000Z".into(),
        updated_at: "2026-02-02T12:00:00.000Z".into(),
        user: None,
    }
}

/// A repo holding `VLOG` by `AUTHOR` in `status`, recording the patch an update writes.
fn holding(status: VlogStatus) -> (MockVlogRepo, Arc<Mutex<Option<VlogPatch>>>) {
    let seen = Arc::new(Mutex::new(None));
    let sink = seen.clone();
    let mut repo = MockVlogRepo::new();
    repo.expect_snapshot().with(eq(VLOG)).returning(move |_| {
        Ok(Some(VlogSnapshot {
            id: VLOG,
            author: Some(AUTHOR),
            status,
        }))
    });
    repo.expect_find()
        .returning(move |id| Ok(Some(view(id.0, status))));
    repo.expect_update().returning(move |_, patch| {
        *sink.lock().unwrap() = Some(patch.clone());
        Ok(true)
    });
    (repo, seen)
}

fn description(text: &str) -> VlogFields {
    VlogFields {
        description: Some(text.into()),
        ..VlogFields::default()
    }
}

fn changes(fields: VlogFields, status: Option<VlogStatus>, decline: Option<&str>) -> VlogChanges {
    VlogChanges::new(fields, status, decline.map(str::to_owned)).unwrap()
}

fn title(t: &str) -> VlogFields {
    VlogFields {
        title: Some(t.into()),
        ..VlogFields::default()
    }
}

// ---- inputs ----

#[test]
fn a_title_is_derived_from_the_first_words_of_the_description() {
    let vlog = NewVlog::new(description(
        "  My first   drive in the new Toyota\nwas great ",
    ))
    .unwrap();
    assert_eq!(vlog.title(), "My first drive in the new Toyota was great");
    let long = "word ".repeat(40);
    let derived = derive_title(&long).unwrap();
    assert!(derived.chars().count() <= 60, "{derived}");
    assert!(derived.ends_with("word"), "whole words only: {derived}");
    assert_eq!(derive_title(&"x".repeat(100)).unwrap(), "x".repeat(60));
    assert_eq!(derive_title(" \n\t "), None);
    // A given title wins.
    let given = NewVlog::new(VlogFields {
        title: Some("Mine".into()),
        ..description("other words")
    })
    .unwrap();
    assert_eq!(given.title(), "Mine");
}

#[test]
fn an_entry_needs_a_description_with_a_word_in_it() {
    for fields in [
        VlogFields::default(),
        description(" \t\n\u{a0}\u{3000}"),
        title("Only a title"),
    ] {
        let err = NewVlog::new(fields).unwrap_err();
        assert!(
            matches!(
                err,
                BlogError::Invalid {
                    field: "description",
                    ..
                }
            ),
            "{err}"
        );
    }
    // Any other character is a word, as the schema's pattern says.
    assert_eq!(
        NewVlog::new(description("\u{feff}")).unwrap().title(),
        "\u{feff}"
    );
}

#[test]
fn fields_are_bounded() {
    let cases = [
        (title(&"t".repeat(256)), "title"),
        (title(""), "title"),
        (description(&"d".repeat(10_001)), "description"),
        (
            VlogFields {
                tag: Some("a\0".into()),
                ..description("x")
            },
            "tag",
        ),
        (
            VlogFields {
                thumbnail: Some(serde_json::json!([1])),
                ..description("x")
            },
            "thumbnail",
        ),
    ];
    for (fields, field) in cases {
        match NewVlog::new(fields) {
            Err(BlogError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert!(VlogChanges::new(VlogFields::default(), None, Some("r".repeat(256))).is_err());
}

// ---- query ----

fn query(raw: RawVlogQuery) -> Result<VlogQuery, BlogError> {
    VlogQuery::new(raw)
}

#[test]
fn offset_pages_as_the_app_sends_it_and_page_for_old_callers() {
    let q = query(RawVlogQuery {
        offset: Some(20),
        limit: Some(10),
        page: Some(7),
        ..RawVlogQuery::default()
    })
    .unwrap();
    assert_eq!((q.offset, q.limit, q.page()), (20, 10, 3));
    let q = query(RawVlogQuery {
        page: Some(3),
        limit: Some(5),
        ..RawVlogQuery::default()
    })
    .unwrap();
    assert_eq!((q.offset, q.page()), (10, 3));
    let q = query(RawVlogQuery::default()).unwrap();
    assert_eq!((q.offset, q.limit, q.page()), (0, 10, 1));
    assert_eq!((q.sort, q.dir), (VlogSort::CreatedAt, SortDir::Desc));
}

#[test]
fn out_of_range_paging_names_its_field() {
    for (raw, field) in [
        (
            RawVlogQuery {
                limit: Some(0),
                ..RawVlogQuery::default()
            },
            "limit",
        ),
        (
            RawVlogQuery {
                limit: Some(101),
                ..RawVlogQuery::default()
            },
            "limit",
        ),
        (
            RawVlogQuery {
                page: Some(0),
                ..RawVlogQuery::default()
            },
            "page",
        ),
        (
            RawVlogQuery {
                offset: Some(VlogQuery::MAX_OFFSET + 1),
                ..RawVlogQuery::default()
            },
            "offset",
        ),
        (
            RawVlogQuery {
                search: Some("s".repeat(256)),
                ..RawVlogQuery::default()
            },
            "search",
        ),
    ] {
        match query(raw) {
            Err(BlogError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
}

// ---- create and read ----

#[tokio::test]
async fn an_entry_is_the_callers_and_starts_pending() {
    let seen = Arc::new(Mutex::new(None));
    let sink = seen.clone();
    let mut repo = MockVlogRepo::new();
    repo.expect_insert().times(1).returning(move |r| {
        *sink.lock().unwrap() = Some(r.clone());
        Ok(())
    });
    repo.expect_find()
        .returning(|id| Ok(Some(view(id.0, VlogStatus::Pending))));
    let service = BlogService::new(Arc::new(repo));
    let created = service
        .create(
            actor(STRANGER),
            NewVlog::new(description("Road trip")).unwrap(),
        )
        .await
        .unwrap();
    let record = seen.lock().unwrap().clone().unwrap();
    assert_eq!(record.author, STRANGER);
    assert_eq!(record.status, VlogStatus::Pending);
    assert_eq!(record.title, "Road trip");
    assert!(!record.is_active);
    assert_eq!(created.uuid, record.id.0);
}

#[tokio::test]
async fn the_public_lists_accepted_entries_and_their_own() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let mut repo = MockVlogRepo::new();
    repo.expect_list().returning(move |_, visible| {
        sink.lock().unwrap().push(visible);
        Ok(VlogPage {
            total: 0,
            rows: vec![],
        })
    });
    let service = BlogService::new(Arc::new(repo));
    let q = query(RawVlogQuery::default()).unwrap();
    for viewer in [None, Some(actor(AUTHOR)), Some(actor(ADMIN))] {
        service.list(viewer, &q).await.unwrap();
    }
    assert_eq!(
        *seen.lock().unwrap(),
        [
            Visibility::AcceptedOr(None),
            Visibility::AcceptedOr(Some(AUTHOR)),
            Visibility::All
        ]
    );
}

#[tokio::test]
async fn an_entry_under_review_opens_for_its_author_and_admins_only() {
    let (repo, _) = holding(VlogStatus::Pending);
    let service = BlogService::new(Arc::new(repo));
    for viewer in [None, Some(actor(STRANGER))] {
        assert!(matches!(
            service.get(viewer, VLOG).await.unwrap_err(),
            BlogError::NotFound
        ));
    }
    for viewer in [actor(AUTHOR), actor(ADMIN)] {
        service.get(Some(viewer), VLOG).await.unwrap();
    }
    let (accepted, _) = holding(VlogStatus::Accepted);
    let service = BlogService::new(Arc::new(accepted));
    service.get(None, VLOG).await.unwrap();
}

// ---- update and delete ----

#[tokio::test]
async fn a_stranger_may_neither_edit_nor_delete() {
    let (mut repo, seen) = holding(VlogStatus::Accepted);
    repo.expect_delete().never();
    let service = BlogService::new(Arc::new(repo));
    let err = service
        .update(actor(STRANGER), VLOG, changes(title("mine"), None, None))
        .await
        .unwrap_err();
    assert!(matches!(err, BlogError::Forbidden));
    assert!(seen.lock().unwrap().is_none());
    let err = service.delete(actor(STRANGER), VLOG).await.unwrap_err();
    assert!(matches!(err, BlogError::Forbidden));
}

#[tokio::test]
async fn only_an_admin_moderates() {
    let (repo, seen) = holding(VlogStatus::Pending);
    let service = BlogService::new(Arc::new(repo));
    for (status, decline) in [(Some(VlogStatus::Accepted), None), (None, Some("spam"))] {
        let err = service
            .update(
                actor(AUTHOR),
                VLOG,
                changes(VlogFields::default(), status, decline),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, BlogError::Forbidden));
    }
    assert!(seen.lock().unwrap().is_none());

    service
        .update(
            actor(ADMIN),
            VLOG,
            changes(
                VlogFields::default(),
                Some(VlogStatus::Declined),
                Some("Off topic"),
            ),
        )
        .await
        .unwrap();
    let patch = seen.lock().unwrap().take().unwrap();
    assert_eq!(patch.status, Some(VlogStatus::Declined));
    assert_eq!(patch.decline_message, Some(Some("Off topic".into())));

    // Accepting clears an earlier reason.
    service
        .update(
            actor(ADMIN),
            VLOG,
            changes(VlogFields::default(), Some(VlogStatus::Accepted), None),
        )
        .await
        .unwrap();
    let patch = seen.lock().unwrap().take().unwrap();
    assert_eq!(patch.status, Some(VlogStatus::Accepted));
    assert_eq!(patch.decline_message, Some(None));
}

#[tokio::test]
async fn an_authors_edit_of_a_moderated_entry_goes_back_to_review() {
    let (repo, seen) = holding(VlogStatus::Accepted);
    let service = BlogService::new(Arc::new(repo));
    service
        .update(actor(AUTHOR), VLOG, changes(title("New title"), None, None))
        .await
        .unwrap();
    let patch = seen.lock().unwrap().take().unwrap();
    assert_eq!(patch.title.as_deref(), Some("New title"));
    assert_eq!(patch.status, Some(VlogStatus::Pending));

    // An admin's edit keeps the status.
    service
        .update(actor(ADMIN), VLOG, changes(title("Fixed"), None, None))
        .await
        .unwrap();
    let patch = seen.lock().unwrap().take().unwrap();
    assert_eq!(patch.status, None);
}

#[tokio::test]
async fn the_author_or_an_admin_deletes() {
    for who in [AUTHOR, ADMIN] {
        let (mut repo, _) = holding(VlogStatus::Pending);
        repo.expect_delete()
            .with(eq(VLOG))
            .times(1)
            .returning(|_| Ok(true));
        BlogService::new(Arc::new(repo))
            .delete(actor(who), VLOG)
            .await
            .unwrap();
    }
    let mut gone = MockVlogRepo::new();
    gone.expect_snapshot().returning(|_| Ok(None));
    let err = BlogService::new(Arc::new(gone))
        .delete(actor(ADMIN), VLOG)
        .await
        .unwrap_err();
    assert!(matches!(err, BlogError::NotFound));
}

// ---- images ----

fn images() -> (Arc<ImageService>, Arc<MemoryStore>) {
    let store = Arc::new(MemoryStore::default());
    let service = ImageService::new(store.clone(), Arc::new(FakeProcessor));
    (Arc::new(service), store)
}

fn photo_view(photo: &NewBlogPhoto) -> BlogPhotoView {
    BlogPhotoView::of(photo, String::new(), String::new())
}

#[tokio::test]
async fn an_image_is_stored_under_vlog_with_its_row() {
    let (images, store) = images();
    let mut photos = MockBlogPhotos::new();
    photos
        .expect_insert_photo()
        .times(1)
        .returning(|p| Ok(photo_view(p)));
    let service = BlogPhotoService::new(Arc::new(photos), images);
    let photo = service.upload(b"IMG-1".to_vec()).await.unwrap();
    let id = photo.uuid;
    assert_eq!(
        photo.path,
        ImagePaths {
            small: format!("uploads/vlog/small_{id}.jpg"),
            medium: format!("uploads/vlog/medium_{id}.jpg"),
            large: format!("uploads/vlog/large_{id}.jpg"),
        }
    );
    assert_eq!(store.files().len(), 4);
}

#[tokio::test]
async fn a_refused_upload_or_a_failed_row_leaves_no_file() {
    let (images, store) = images();
    let mut photos = MockBlogPhotos::new();
    photos
        .expect_insert_photo()
        .returning(|_| Err(RepoError::Unavailable("down".into())));
    let service = BlogPhotoService::new(Arc::new(photos), images);
    assert!(matches!(
        service.upload(b"not an image".to_vec()).await.unwrap_err(),
        BlogError::Media(_)
    ));
    assert!(matches!(
        service.upload(b"IMG-2".to_vec()).await.unwrap_err(),
        BlogError::Repo(_)
    ));
    assert!(store.files().is_empty(), "{:?}", store.files());
}

#[tokio::test]
async fn deleting_an_image_removes_its_files_and_an_unknown_one_is_not_found() {
    let (images, store) = images();
    let mut photos = MockBlogPhotos::new();
    photos
        .expect_insert_photo()
        .returning(|p| Ok(photo_view(p)));
    let paths = Arc::new(Mutex::new(Vec::new()));
    let sink = paths.clone();
    let known = Arc::new(Mutex::new(None));
    let known_in = known.clone();
    photos.expect_delete_photo().returning(move |id| {
        Ok((Some(id) == *known_in.lock().unwrap()).then(|| sink.lock().unwrap().clone()))
    });
    let service = BlogPhotoService::new(Arc::new(photos), images);
    let photo = service.upload(b"IMG-3".to_vec()).await.unwrap();
    *known.lock().unwrap() = Some(photo.uuid);
    *paths.lock().unwrap() = vec![
        photo.original_path.clone(),
        photo.path.small.clone(),
        photo.path.medium.clone(),
        photo.path.large.clone(),
    ];
    let change = service.delete(photo.uuid).await.unwrap();
    assert!(change.cleanup.is_none());
    assert!(store.files().is_empty(), "{:?}", store.files());
    assert!(matches!(
        service.delete(Uuid::from_u128(99)).await.unwrap_err(),
        BlogError::PhotoNotFound
    ));
}
