#![allow(clippy::unwrap_used)]

use std::fs;

use super::*;

fn path(relative: &str) -> UploadPath {
    UploadPath::parse(relative).unwrap()
}

/// Every file name in `dir` (temporary ones included), sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut out: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn a_committed_file_appears_only_at_the_rename() {
    let root = tempfile::tempdir().unwrap();
    let disk = LocalDisk::new(root.path().to_path_buf());
    let mut pending = disk.begin(&path("video/x.mp4"), 1024).await.unwrap();
    pending.write_chunk(b"hello ").await.unwrap();
    pending.write_chunk(b"world").await.unwrap();
    assert_eq!(pending.written(), 11);
    let target = root.path().join("video/x.mp4");
    assert!(!target.exists(), "visible before commit");
    let in_folder = names(&root.path().join("video"));
    assert_eq!(in_folder.len(), 1);
    assert!(
        in_folder[0].starts_with(".x.mp4.") && in_folder[0].ends_with(".tmp"),
        "a hidden temporary name: {in_folder:?}"
    );
    pending.commit().await.unwrap();
    assert_eq!(fs::read(&target).unwrap(), b"hello world");
    assert_eq!(names(&root.path().join("video")), ["x.mp4"]);
}

#[tokio::test]
async fn dropping_an_uncommitted_file_leaves_nothing() {
    let root = tempfile::tempdir().unwrap();
    let disk = LocalDisk::new(root.path().to_path_buf());
    let mut pending = disk.begin(&path("files/x.pdf"), 1024).await.unwrap();
    pending.write_chunk(b"%PDF-1.7 half a docu").await.unwrap();
    drop(pending);
    assert!(names(&root.path().join("files")).is_empty());
}

#[tokio::test]
async fn passing_the_cap_is_refused_and_leaves_no_file() {
    let root = tempfile::tempdir().unwrap();
    let disk = LocalDisk::new(root.path().to_path_buf());
    let mut pending = disk.begin(&path("video/x.mp4"), 10).await.unwrap();
    pending.write_chunk(b"0123456789").await.unwrap();
    let error = pending.write_chunk(b"a").await.unwrap_err();
    assert!(
        matches!(error, PendingFileError::TooLarge { max_bytes: 10 }),
        "{error:?}"
    );
    assert_eq!(error.to_string(), "the file is larger than 10 bytes");
    // Refused for good, even for an empty chunk, and it cannot be committed.
    assert!(matches!(
        pending.write_chunk(b"").await,
        Err(PendingFileError::TooLarge { .. })
    ));
    assert!(matches!(
        pending.commit().await,
        Err(PendingFileError::TooLarge { .. })
    ));
    assert!(names(&root.path().join("video")).is_empty());
}

#[tokio::test]
async fn commit_replaces_an_existing_file() {
    let root = tempfile::tempdir().unwrap();
    let disk = LocalDisk::new(root.path().to_path_buf());
    disk.begin(&path("x.webm"), 10)
        .await
        .unwrap()
        .commit()
        .await
        .unwrap();
    let mut pending = disk.begin(&path("x.webm"), 10).await.unwrap();
    pending.write_chunk(b"new").await.unwrap();
    pending.commit().await.unwrap();
    assert_eq!(fs::read(root.path().join("x.webm")).unwrap(), b"new");
    assert_eq!(names(root.path()), ["x.webm"]);
}

#[tokio::test]
async fn a_failed_commit_leaves_no_temporary_file() {
    let root = tempfile::tempdir().unwrap();
    // A folder where the file should go: the rename fails.
    fs::create_dir_all(root.path().join("video/x.mp4/inside")).unwrap();
    let disk = LocalDisk::new(root.path().to_path_buf());
    let mut pending = disk.begin(&path("video/x.mp4"), 10).await.unwrap();
    pending.write_chunk(b"abc").await.unwrap();
    let error = pending.commit().await.unwrap_err();
    assert!(error.to_string().contains("video/x.mp4"), "{error}");
    assert_eq!(names(&root.path().join("video")), ["x.mp4"]);
}

#[tokio::test]
async fn begin_under_a_root_that_is_a_file_fails() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_folder = dir.path().join("uploads");
    fs::write(&not_a_folder, b"").unwrap();
    let disk = LocalDisk::new(not_a_folder);
    let error = disk.begin(&path("video/x.mp4"), 10).await.unwrap_err();
    assert!(matches!(error, PendingFileError::Io { .. }), "{error:?}");
}
