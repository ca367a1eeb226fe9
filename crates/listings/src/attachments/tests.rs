#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use alpha_kernel::{RepoError, UserId};
use alpha_media::{PendingUpload, StorageError, UploadError, UploadPath, UploadSink};
use mockall::predicate::eq;
use uuid::Uuid;

use super::*;
use crate::ports::{MockMediaCleanup, MockPostRepo};
use crate::service::Actor;
use crate::types::{Moderation, PostId, PostMedia};
use crate::views::PostSnapshot;

const OWNER: UserId = UserId(Uuid::from_u128(1));
const STRANGER: UserId = UserId(Uuid::from_u128(2));
const ADMIN: UserId = UserId(Uuid::from_u128(3));
const POST: PostId = PostId(Uuid::from_u128(10));
const STRANGERS_POST: PostId = PostId(Uuid::from_u128(11));
const GONE: PostId = PostId(Uuid::from_u128(12));

fn actor(user: UserId) -> Actor {
    Actor {
        user,
        admin: user == ADMIN,
    }
}

/// The start of an MP4 (an `ftyp` box with the `mp42` brand), padded to `len`.
fn mp4(len: usize) -> Vec<u8> {
    let mut bytes = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom".to_vec();
    bytes.resize(len.max(bytes.len()), 0);
    bytes
}

/// `POST` is `OWNER`'s, `STRANGERS_POST` is `STRANGER`'s, `GONE` does not exist.
fn posts() -> MockPostRepo {
    let mut posts = MockPostRepo::new();
    posts.expect_snapshot().returning(|id| {
        let owner = match id {
            POST => OWNER,
            STRANGERS_POST => STRANGER,
            _ => return Ok(None),
        };
        Ok(Some(PostSnapshot {
            id,
            owner: Some(owner),
            moderation: Moderation::Approved,
            original_price: None,
            original_currency: None,
            personal_info: None,
        }))
    });
    posts
}

/// An upload folder that records what happens to its files.
#[derive(Clone, Default)]
struct Disk {
    log: Arc<Mutex<Vec<String>>>,
    fail_commit: bool,
}

impl Disk {
    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    fn note(&self, line: String) {
        self.log.lock().unwrap().push(line);
    }
}

struct Pending {
    disk: Disk,
    path: UploadPath,
    max_bytes: u64,
    written: u64,
    committed: bool,
}

#[async_trait::async_trait]
impl UploadSink for Disk {
    async fn begin(
        &self,
        path: &UploadPath,
        max_bytes: u64,
    ) -> Result<Box<dyn PendingUpload>, UploadError> {
        self.note(format!("begin {path}"));
        Ok(Box::new(Pending {
            disk: self.clone(),
            path: path.clone(),
            max_bytes,
            written: 0,
            committed: false,
        }))
    }
}

#[async_trait::async_trait]
impl PendingUpload for Pending {
    async fn write(&mut self, chunk: &[u8]) -> Result<(), UploadError> {
        let len = chunk.len() as u64;
        if self.written + len > self.max_bytes {
            return Err(UploadError::TooLarge {
                max_bytes: self.max_bytes,
            });
        }
        self.written += len;
        Ok(())
    }

    fn written(&self) -> u64 {
        self.written
    }

    async fn commit(mut self: Box<Self>) -> Result<(), UploadError> {
        if self.disk.fail_commit {
            return Err(StorageError::write(&self.path, std::io::Error::other("disk full")).into());
        }
        self.committed = true;
        self.disk
            .note(format!("commit {} {}", self.path, self.written));
        Ok(())
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if !self.committed {
            self.disk.note(format!("discard {}", self.path));
        }
    }
}

/// A cleanup that expects nothing to be removed.
fn no_cleanup() -> MockMediaCleanup {
    let mut media = MockMediaCleanup::new();
    media.expect_remove().never();
    media
}

fn cleanup_of(paths: &[&str]) -> MockMediaCleanup {
    let mut media = MockMediaCleanup::new();
    let want = PostMedia {
        paths: paths.iter().map(|p| (*p).to_owned()).collect(),
    };
    media
        .expect_remove()
        .withf(move |m| *m == want)
        .times(1)
        .return_const(());
    media
}

fn service(
    rows: MockAttachmentRepo,
    disk: &Disk,
    media: MockMediaCleanup,
    max_video_bytes: u64,
) -> AttachmentService {
    AttachmentService::new(
        Arc::new(posts()),
        Arc::new(rows),
        Arc::new(disk.clone()),
        Arc::new(media),
        max_video_bytes,
    )
}

fn video(id: i64, url: &str, post: Option<PostId>) -> Video {
    Video {
        id: VideoId(id),
        url: Some(url.to_owned()),
        post,
        created_at: "2026-01-01T00:00:00.000Z".into(),
        updated_at: "2026-01-01T00:00:00.000Z".into(),
    }
}

fn file(id: Uuid, post: PostId) -> PostFile {
    PostFile {
        uuid: id,
        path: Some(format!("uploads/files/{id}.pdf")),
        post_id: Some(post.0),
        created_at: "2026-01-01T00:00:00.000Z".into(),
        updated_at: "2026-01-01T00:00:00.000Z".into(),
    }
}

async fn upload_video(
    svc: &AttachmentService,
    who: UserId,
    chunks: &[Vec<u8>],
) -> Result<Video, AttachmentError> {
    let mut upload = svc.start_video(actor(who), POST).await?;
    for chunk in chunks {
        upload.write(chunk).await?;
    }
    upload.finish().await
}

// ---- uploads ----

#[tokio::test]
async fn the_owners_video_gets_the_sniffed_name_a_row_then_its_file_and_replaces_the_old_one() {
    let disk = Disk::default();
    let url = Arc::new(Mutex::new(String::new()));
    let seen = url.clone();
    let mut rows = MockAttachmentRepo::new();
    rows.expect_insert_video()
        .withf(|post, _| *post == POST)
        .times(1)
        .returning(move |post, url| {
            *seen.lock().unwrap() = url.to_owned();
            Ok(Some(video(7, url, Some(post))))
        });
    rows.expect_prune_videos()
        .with(eq(POST), eq(VideoId(7)))
        .times(1)
        .returning(|_, _| Ok(vec!["video/old.mov".into()]));
    let svc = service(rows, &disk, cleanup_of(&["video/old.mov"]), 1 << 20);

    // Chunks smaller than the sniffing window, so the head is assembled first.
    let bytes = mp4(10_000);
    let chunks: Vec<Vec<u8>> = bytes.chunks(1000).map(<[u8]>::to_vec).collect();
    let stored = upload_video(&svc, OWNER, &chunks).await.unwrap();

    let url = url.lock().unwrap().clone();
    assert!(url.starts_with("video/") && url.ends_with(".mp4"), "{url}");
    assert_eq!(stored.url.as_deref(), Some(url.as_str()));
    assert_eq!(stored.public_url(), Some(format!("/media/{url}")));
    assert_eq!(
        disk.log(),
        [format!("begin {url}"), format!("commit {url} 10000")]
    );
}

#[tokio::test]
async fn an_admin_may_upload_to_any_post() {
    let disk = Disk::default();
    let mut rows = MockAttachmentRepo::new();
    rows.expect_insert_video()
        .returning(|post, url| Ok(Some(video(1, url, Some(post)))));
    rows.expect_prune_videos().returning(|_, _| Ok(vec![]));
    let svc = service(rows, &disk, no_cleanup(), 1 << 20);
    upload_video(&svc, ADMIN, &[mp4(100)]).await.unwrap();
}

#[tokio::test]
async fn a_stranger_or_an_unknown_post_is_refused_before_any_byte_is_written() {
    let disk = Disk::default();
    let svc = service(MockAttachmentRepo::new(), &disk, no_cleanup(), 1 << 20);
    let err = upload_video(&svc, STRANGER, &[mp4(100)]).await.unwrap_err();
    assert!(matches!(err, AttachmentError::Forbidden), "{err:?}");
    let err = svc.start_file(actor(OWNER), GONE).await.unwrap_err();
    assert!(matches!(err, AttachmentError::PostNotFound), "{err:?}");
    let err = svc.start_video(actor(ADMIN), GONE).await.unwrap_err();
    assert!(matches!(err, AttachmentError::PostNotFound), "{err:?}");
    assert!(disk.log().is_empty(), "{:?}", disk.log());
}

#[tokio::test]
async fn what_is_not_a_video_or_is_empty_is_refused_and_never_stored() {
    let disk = Disk::default();
    let svc = service(MockAttachmentRepo::new(), &disk, no_cleanup(), 1 << 20);
    let png = b"\x89PNG\r\n\x1a\n....".repeat(600);
    let err = upload_video(&svc, OWNER, &[png]).await.unwrap_err();
    assert!(matches!(err, AttachmentError::NotAVideo), "{err:?}");
    let err = upload_video(&svc, OWNER, &[b"short text".to_vec()])
        .await
        .unwrap_err();
    assert!(matches!(err, AttachmentError::NotAVideo), "{err:?}");
    let err = upload_video(&svc, OWNER, &[]).await.unwrap_err();
    assert!(matches!(err, AttachmentError::Empty), "{err:?}");
    assert!(disk.log().is_empty(), "{:?}", disk.log());
}

#[tokio::test]
async fn an_upload_over_the_cap_is_refused_and_its_partial_file_discarded() {
    let disk = Disk::default();
    let svc = service(MockAttachmentRepo::new(), &disk, no_cleanup(), 8000);
    let err = upload_video(&svc, OWNER, &[mp4(5000), vec![0; 5000]])
        .await
        .unwrap_err();
    assert!(
        matches!(err, AttachmentError::TooLarge { max_bytes: 8000 }),
        "{err:?}"
    );
    let log = disk.log();
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(log[1].starts_with("discard video/"), "{log:?}");

    // Over the cap while the first bytes are still held: nothing was begun.
    let disk = Disk::default();
    let svc = service(MockAttachmentRepo::new(), &disk, no_cleanup(), 100);
    let err = upload_video(&svc, OWNER, &[mp4(101)]).await.unwrap_err();
    assert!(
        matches!(err, AttachmentError::TooLarge { max_bytes: 100 }),
        "{err:?}"
    );
    assert!(disk.log().is_empty());
}

#[tokio::test]
async fn a_post_deleted_during_the_upload_leaves_no_file() {
    let disk = Disk::default();
    let mut rows = MockAttachmentRepo::new();
    rows.expect_insert_video().returning(|_, _| Ok(None));
    let svc = service(rows, &disk, no_cleanup(), 1 << 20);
    let err = upload_video(&svc, OWNER, &[mp4(100)]).await.unwrap_err();
    assert!(matches!(err, AttachmentError::PostNotFound), "{err:?}");
    let log = disk.log();
    assert!(log[1].starts_with("discard video/"), "{log:?}");
}

#[tokio::test]
async fn a_failed_row_insert_discards_the_file() {
    let disk = Disk::default();
    let mut rows = MockAttachmentRepo::new();
    rows.expect_insert_file()
        .returning(|_, _, _| Err(RepoError::Unavailable("down".into())));
    let svc = service(rows, &disk, no_cleanup(), 1 << 20);
    let mut upload = svc.start_file(actor(OWNER), POST).await.unwrap();
    upload.write(b"%PDF-1.7 a document").await.unwrap();
    let err = upload.finish().await.unwrap_err();
    assert!(matches!(err, AttachmentError::Repo(_)), "{err:?}");
    let log = disk.log();
    assert!(log[1].starts_with("discard files/"), "{log:?}");
}

#[tokio::test]
async fn a_file_that_cannot_be_put_in_place_takes_its_row_back() {
    let disk = Disk {
        fail_commit: true,
        ..Disk::default()
    };
    let mut rows = MockAttachmentRepo::new();
    rows.expect_insert_video()
        .returning(|post, url| Ok(Some(video(9, url, Some(post)))));
    rows.expect_delete_video()
        .with(eq(VideoId(9)))
        .times(1)
        .returning(|_| Ok(Some(None)));
    rows.expect_prune_videos().never();
    let svc = service(rows, &disk, no_cleanup(), 1 << 20);
    let err = upload_video(&svc, OWNER, &[mp4(100)]).await.unwrap_err();
    assert!(matches!(err, AttachmentError::Storage(_)), "{err:?}");
}

#[tokio::test]
async fn a_pdf_is_proved_by_its_first_bytes_capped_at_5_mb_and_stored_under_files() {
    let disk = Disk::default();
    let mut rows = MockAttachmentRepo::new();
    rows.expect_insert_file()
        .withf(|id, post, path| *post == POST && *path == format!("uploads/files/{id}.pdf"))
        .times(1)
        .returning(|id, post, _| Ok(Some(file(id.0, post))));
    rows.expect_prune_files()
        .times(1)
        .returning(|_, _| Ok(vec!["uploads/files/old.pdf".into()]));
    let svc = service(rows, &disk, cleanup_of(&["uploads/files/old.pdf"]), 1 << 20);

    let mut upload = svc.start_file(actor(OWNER), POST).await.unwrap();
    upload.write(b"%PDF-1.4\n").await.unwrap();
    upload.write(b"rest").await.unwrap();
    let stored = upload.finish().await.unwrap();
    assert_eq!(stored.post(), Some(POST));

    let mut upload = svc.start_file(actor(OWNER), POST).await.unwrap();
    upload.write(b"GIF89a not a document").await.unwrap();
    assert!(matches!(
        upload.finish().await,
        Err(AttachmentError::NotAPdf)
    ));

    let mut upload = svc.start_file(actor(OWNER), POST).await.unwrap();
    upload.write(b"%PDF-1.4\n").await.unwrap();
    let big = vec![b' '; AttachmentService::MAX_PDF_BYTES as usize];
    let err = async {
        upload.write(&big).await?;
        upload.finish().await
    }
    .await
    .unwrap_err();
    assert!(matches!(err, AttachmentError::TooLarge { .. }), "{err:?}");
}

// ---- changes ----

#[tokio::test]
async fn moving_a_video_needs_both_posts_and_replaces_the_targets_video() {
    let disk = Disk::default();
    let mut rows = MockAttachmentRepo::new();
    rows.expect_video()
        .with(eq(VideoId(5)))
        .returning(|_| Ok(Some(video(5, "video/a.mp4", Some(POST)))));
    rows.expect_move_video()
        .with(eq(VideoId(5)), eq(STRANGERS_POST))
        .times(1)
        .returning(|_, to| {
            Ok(Moved::Done {
                row: video(5, "video/a.mp4", Some(to)),
                replaced: vec!["video/theirs.mp4".into()],
            })
        });
    let svc = service(rows, &disk, cleanup_of(&["video/theirs.mp4"]), 1 << 20);

    // The owner of the video's post does not own the target.
    let err = svc
        .update_video(actor(OWNER), VideoId(5), Some(STRANGERS_POST))
        .await
        .unwrap_err();
    assert!(matches!(err, AttachmentError::Forbidden), "{err:?}");
    // Nor does the target's owner own the video.
    let err = svc
        .update_video(actor(STRANGER), VideoId(5), Some(STRANGERS_POST))
        .await
        .unwrap_err();
    assert!(matches!(err, AttachmentError::Forbidden), "{err:?}");
    let err = svc
        .update_video(actor(OWNER), VideoId(5), Some(GONE))
        .await
        .unwrap_err();
    assert!(matches!(err, AttachmentError::PostNotFound), "{err:?}");
    // No target, or its own post: nothing to do.
    let same = svc
        .update_video(actor(OWNER), VideoId(5), None)
        .await
        .unwrap();
    assert_eq!(same.post, Some(POST));
    svc.update_video(actor(OWNER), VideoId(5), Some(POST))
        .await
        .unwrap();
    // An admin may.
    let moved = svc
        .update_video(actor(ADMIN), VideoId(5), Some(STRANGERS_POST))
        .await
        .unwrap();
    assert_eq!(moved.post, Some(STRANGERS_POST));
}

#[tokio::test]
async fn deleting_a_video_is_for_its_posts_owner_and_removes_the_file() {
    let disk = Disk::default();
    let mut rows = MockAttachmentRepo::new();
    rows.expect_video()
        .with(eq(VideoId(5)))
        .returning(|_| Ok(Some(video(5, "video/a.mp4", Some(POST)))));
    rows.expect_video()
        .with(eq(VideoId(6)))
        .returning(|_| Ok(None));
    rows.expect_delete_video()
        .with(eq(VideoId(5)))
        .times(1)
        .returning(|_| Ok(Some(Some("video/a.mp4".into()))));
    let svc = service(rows, &disk, cleanup_of(&["video/a.mp4"]), 1 << 20);
    let err = svc
        .delete_video(actor(STRANGER), VideoId(5))
        .await
        .unwrap_err();
    assert!(matches!(err, AttachmentError::Forbidden), "{err:?}");
    let err = svc
        .delete_video(actor(OWNER), VideoId(6))
        .await
        .unwrap_err();
    assert!(matches!(err, AttachmentError::VideoNotFound), "{err:?}");
    svc.delete_video(actor(OWNER), VideoId(5)).await.unwrap();
}

#[tokio::test]
async fn a_row_without_a_post_is_the_admins_only() {
    let disk = Disk::default();
    let orphan = Uuid::from_u128(99);
    let mut rows = MockAttachmentRepo::new();
    rows.expect_file().returning(move |_| {
        Ok(Some(PostFile {
            post_id: None,
            ..file(orphan, POST)
        }))
    });
    rows.expect_delete_file()
        .times(1)
        .returning(|_| Ok(Some(None)));
    let svc = service(rows, &disk, no_cleanup(), 1 << 20);
    let err = svc
        .delete_file(actor(OWNER), FileId(orphan))
        .await
        .unwrap_err();
    assert!(matches!(err, AttachmentError::Forbidden), "{err:?}");
    svc.delete_file(actor(ADMIN), FileId(orphan)).await.unwrap();
}

#[tokio::test]
async fn deleting_by_post_needs_the_post_and_its_owner() {
    let disk = Disk::default();
    let mut rows = MockAttachmentRepo::new();
    rows.expect_delete_files_of()
        .with(eq(POST))
        .times(1)
        .returning(|_| Ok(vec!["uploads/files/a.pdf".into()]));
    rows.expect_delete_videos_of()
        .with(eq(POST))
        .times(1)
        .returning(|_| Ok(vec![]));
    let svc = service(rows, &disk, cleanup_of(&["uploads/files/a.pdf"]), 1 << 20);
    let err = svc
        .delete_files_of(actor(STRANGER), POST)
        .await
        .unwrap_err();
    assert!(matches!(err, AttachmentError::Forbidden), "{err:?}");
    let err = svc.delete_videos_of(actor(OWNER), GONE).await.unwrap_err();
    assert!(matches!(err, AttachmentError::PostNotFound), "{err:?}");
    svc.delete_files_of(actor(OWNER), POST).await.unwrap();
    svc.delete_videos_of(actor(OWNER), POST).await.unwrap();
}

#[test]
fn a_video_is_sent_with_a_string_id_and_a_media_url_whatever_prefix_it_was_stored_with() {
    for stored in ["video/a.mp4", "uploads/video/a.mp4", "/uploads/video/a.mp4"] {
        let v = video(42, stored, Some(POST));
        let json = serde_json::to_value(v.view()).unwrap();
        assert_eq!(json["id"], "42");
        assert_eq!(json["url"], "video/a.mp4");
        assert_eq!(json["publicUrl"], "/media/video/a.mp4");
        assert_eq!(json["postId"], POST.0.to_string());
    }
}
