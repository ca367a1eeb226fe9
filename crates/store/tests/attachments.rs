//! `PgListings` as the attachments' repo against a real database: inserts only onto existing
//! posts, the later upload wins a post, moves replace the target's row in one transaction, and
//! every delete hands back the stored paths.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use alpha_listings::{AttachmentRepo, FileId, Moved, Page, PostId, PostRepo, VideoId};
use alpha_store::pool::{PoolSettings, build_pool};
use alpha_store::repos::PgListings;
use alpha_testkit::TestDb;
use diesel_async::SimpleAsyncConnection;
use support::count;
use uuid::Uuid;

const OWNER: Uuid = Uuid::from_u128(0x1111_1111_1111_4111_8111_1111_1111_1111);
const POST: PostId = PostId(Uuid::from_u128(0xa1));
const OTHER: PostId = PostId(Uuid::from_u128(0xa2));
const GONE: PostId = PostId(Uuid::from_u128(0xa3));

async fn setup() -> (TestDb, PgListings) {
    let db = TestDb::new().await;
    let pool = build_pool(
        db.url(),
        PoolSettings {
            max_size: 4,
            wait_timeout: Duration::from_secs(10),
            statement_timeout: Duration::from_secs(10),
        },
    )
    .unwrap();
    let mut conn = db.conn().await;
    conn.batch_execute(&format!(
        "INSERT INTO users (uuid, phone) VALUES ('{OWNER}', '+99361234567');
         INSERT INTO posts (uuid, \"userId\", price, \"personalInfo\")
           VALUES ('{}', '{OWNER}', 100, '{{\"phone\": \"+99361234567\"}}'),
                  ('{}', '{OWNER}', 200, NULL);",
        POST.0, OTHER.0
    ))
    .await
    .unwrap();
    (db, PgListings::new(pool))
}

#[tokio::test]
async fn a_video_goes_only_onto_an_existing_post_and_the_later_one_wins() {
    let (db, repo) = setup().await;
    assert_eq!(repo.insert_video(GONE, "video/x.mp4").await.unwrap(), None);

    let first = repo
        .insert_video(POST, "video/a.mp4")
        .await
        .unwrap()
        .unwrap();
    let second = repo
        .insert_video(POST, "video/b.mp4")
        .await
        .unwrap()
        .unwrap();
    assert!(second.id > first.id);
    assert_eq!(second.post, Some(POST));
    assert_eq!(second.url.as_deref(), Some("video/b.mp4"));
    // Pruning for the earlier upload touches nothing newer.
    assert!(repo.prune_videos(POST, first.id).await.unwrap().is_empty());
    assert_eq!(
        repo.prune_videos(POST, second.id).await.unwrap(),
        ["video/a.mp4"]
    );
    assert_eq!(repo.video(first.id).await.unwrap(), None);

    let mut conn = db.conn().await;
    assert_eq!(count(&mut conn, "SELECT count(*) AS n FROM video").await, 1);
}

#[tokio::test]
async fn video_reads_carry_the_public_post_without_its_owner() {
    let (_db, repo) = setup().await;
    let video = repo
        .insert_video(POST, "video/a.mp4")
        .await
        .unwrap()
        .unwrap();
    let read = repo.video_view(video.id).await.unwrap().unwrap();
    let json = serde_json::to_value(&read).unwrap();
    assert_eq!(json["id"], video.id.0.to_string());
    assert_eq!(json["publicUrl"], "/media/video/a.mp4");
    assert_eq!(json["post"]["uuid"], POST.0.to_string());
    assert_eq!(json["post"]["personalInfo"]["phone"], "+99361234567");
    assert!(json["post"].get("userId").is_none(), "{json}");

    assert_eq!(
        repo.video_views_of(POST).await.unwrap(),
        std::slice::from_ref(&read)
    );
    assert!(repo.video_views_of(OTHER).await.unwrap().is_empty());
    let all = repo.video_views(Page::default()).await.unwrap();
    assert_eq!(all, [read]);
    let none = repo
        .video_views(Page {
            offset: 1,
            limit: 10,
        })
        .await
        .unwrap();
    assert!(none.is_empty());
    assert_eq!(repo.video_view(VideoId(999)).await.unwrap(), None);
}

#[tokio::test]
async fn moving_a_video_replaces_the_targets_and_deletes_hand_back_urls() {
    let (_db, repo) = setup().await;
    let mine = repo
        .insert_video(POST, "video/a.mp4")
        .await
        .unwrap()
        .unwrap();
    let theirs = repo
        .insert_video(OTHER, "video/b.mp4")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        repo.move_video(mine.id, GONE).await.unwrap(),
        Moved::PostGone
    );
    assert_eq!(
        repo.move_video(VideoId(999), OTHER).await.unwrap(),
        Moved::RowGone
    );
    let Moved::Done { row, replaced } = repo.move_video(mine.id, OTHER).await.unwrap() else {
        panic!("not moved");
    };
    assert_eq!(row.post, Some(OTHER));
    assert_eq!(replaced, ["video/b.mp4"]);
    assert_eq!(repo.video(theirs.id).await.unwrap(), None);

    assert_eq!(
        repo.delete_video(mine.id).await.unwrap(),
        Some(Some("video/a.mp4".to_owned()))
    );
    assert_eq!(repo.delete_video(mine.id).await.unwrap(), None);

    repo.insert_video(POST, "video/c.mp4")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(repo.delete_videos_of(POST).await.unwrap(), ["video/c.mp4"]);
    assert!(repo.delete_videos_of(POST).await.unwrap().is_empty());
}

#[tokio::test]
async fn documents_follow_the_same_rules_by_creation_order() {
    let (db, repo) = setup().await;
    let a = FileId(Uuid::new_v4());
    let b = FileId(Uuid::new_v4());
    assert_eq!(
        repo.insert_file(a, GONE, "uploads/files/a.pdf")
            .await
            .unwrap(),
        None
    );
    let first = repo
        .insert_file(a, POST, "uploads/files/a.pdf")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.uuid, a.0);
    assert_eq!(first.path.as_deref(), Some("uploads/files/a.pdf"));
    // Separate statements, so a later creation time.
    repo.insert_file(b, POST, "uploads/files/b.pdf")
        .await
        .unwrap()
        .unwrap();
    assert!(repo.prune_files(POST, a).await.unwrap().is_empty());
    assert_eq!(
        repo.prune_files(POST, b).await.unwrap(),
        ["uploads/files/a.pdf"]
    );
    assert_eq!(repo.files_of(POST).await.unwrap().len(), 1);
    assert_eq!(repo.files(Page::default()).await.unwrap().len(), 1);
    assert_eq!(repo.file(a).await.unwrap(), None);

    let c = FileId(Uuid::new_v4());
    repo.insert_file(c, OTHER, "uploads/files/c.pdf")
        .await
        .unwrap()
        .unwrap();
    let Moved::Done { row, replaced } = repo.move_file(b, OTHER).await.unwrap() else {
        panic!("not moved");
    };
    assert_eq!(row.post_id, Some(OTHER.0));
    assert_eq!(replaced, ["uploads/files/c.pdf"]);
    assert_eq!(repo.move_file(c, OTHER).await.unwrap(), Moved::RowGone);
    assert_eq!(repo.move_file(b, GONE).await.unwrap(), Moved::PostGone);

    assert_eq!(
        repo.delete_file(b).await.unwrap(),
        Some(Some("uploads/files/b.pdf".to_owned()))
    );
    assert_eq!(repo.delete_file(b).await.unwrap(), None);
    let mut conn = db.conn().await;
    assert_eq!(count(&mut conn, "SELECT count(*) AS n FROM file").await, 0);
}

#[tokio::test]
async fn deleting_the_post_returns_its_video_and_document_paths() {
    let (db, repo) = setup().await;
    repo.insert_video(POST, "video/a.mp4")
        .await
        .unwrap()
        .unwrap();
    repo.insert_file(FileId(Uuid::new_v4()), POST, "uploads/files/a.pdf")
        .await
        .unwrap()
        .unwrap();
    let media = repo.delete(POST).await.unwrap().unwrap();
    let mut paths = media.paths;
    paths.sort();
    assert_eq!(paths, ["uploads/files/a.pdf", "video/a.mp4"]);
    let mut conn = db.conn().await;
    assert_eq!(count(&mut conn, "SELECT count(*) AS n FROM video").await, 0);
    assert_eq!(count(&mut conn, "SELECT count(*) AS n FROM file").await, 0);
}
