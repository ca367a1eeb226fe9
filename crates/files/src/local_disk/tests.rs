#![allow(clippy::unwrap_used)]

use std::fs;

use super::*;

fn path(relative: &str) -> UploadPath {
    UploadPath::parse(relative).unwrap()
}

/// Every entry under `dir`, relative, sorted: shows stray temporary files too.
fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in fs::read_dir(next).unwrap() {
            let entry = entry.unwrap().path();
            out.push(entry.strip_prefix(dir).unwrap().display().to_string());
            if entry.is_dir() {
                pending.push(entry);
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn put_creates_folders_and_leaves_only_the_file() {
    let root = tempfile::tempdir().unwrap();
    let disk = LocalDisk::new(root.path().to_path_buf());
    disk.put(&path("brand/x.jpg"), b"abc".to_vec())
        .await
        .unwrap();
    assert_eq!(fs::read(root.path().join("brand/x.jpg")).unwrap(), b"abc");
    assert_eq!(listing(root.path()), ["brand", "brand/x.jpg"]);
}

#[tokio::test]
async fn put_replaces_an_existing_file() {
    let root = tempfile::tempdir().unwrap();
    let disk = LocalDisk::new(root.path().to_path_buf());
    disk.put(&path("a/b/x.png"), b"old".to_vec()).await.unwrap();
    disk.put(&path("a/b/x.png"), b"new".to_vec()).await.unwrap();
    assert_eq!(fs::read(root.path().join("a/b/x.png")).unwrap(), b"new");
    assert_eq!(listing(root.path()), ["a", "a/b", "a/b/x.png"]);
}

#[tokio::test]
async fn failed_put_leaves_no_temporary_file() {
    let root = tempfile::tempdir().unwrap();
    // A folder where the file should go: the final rename fails.
    fs::create_dir_all(root.path().join("brand/x.jpg")).unwrap();
    let disk = LocalDisk::new(root.path().to_path_buf());
    let error = disk
        .put(&path("brand/x.jpg"), b"abc".to_vec())
        .await
        .unwrap_err();
    assert!(error.to_string().contains("brand/x.jpg"), "{error}");
    assert_eq!(listing(root.path()), ["brand", "brand/x.jpg"]);
}

#[tokio::test]
async fn put_under_a_root_that_is_a_file_fails() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_folder = dir.path().join("uploads");
    fs::write(&not_a_folder, b"").unwrap();
    let disk = LocalDisk::new(not_a_folder);
    assert!(
        disk.put(&path("brand/x.jpg"), b"abc".to_vec())
            .await
            .is_err()
    );
}

#[tokio::test]
async fn delete_removes_the_file_and_a_missing_file_is_fine() {
    let root = tempfile::tempdir().unwrap();
    let disk = LocalDisk::new(root.path().to_path_buf());
    disk.put(&path("brand/x.jpg"), b"abc".to_vec())
        .await
        .unwrap();
    disk.delete(&path("brand/x.jpg")).await.unwrap();
    assert!(!root.path().join("brand/x.jpg").exists());
    disk.delete(&path("brand/x.jpg")).await.unwrap();
    disk.delete(&path("nowhere/y.jpg")).await.unwrap();
}

#[tokio::test]
async fn delete_of_a_folder_is_an_error_not_a_removal() {
    let root = tempfile::tempdir().unwrap();
    fs::create_dir_all(root.path().join("brand/sub")).unwrap();
    let disk = LocalDisk::new(root.path().to_path_buf());
    assert!(disk.delete(&path("brand/sub")).await.is_err());
    assert!(root.path().join("brand/sub").is_dir());
}

#[test]
fn paths_escaping_the_root_never_reach_the_disk() {
    // The store takes only an UploadPath, and none can be made of these.
    for escaping in ["../x", "/abs", "brand/../../x", "brand/\0x"] {
        assert!(UploadPath::parse(escaping).is_err(), "{escaping:?}");
    }
    let disk = LocalDisk::new(PathBuf::from("/srv/uploads"));
    assert_eq!(
        disk.file_path(&path("brand/x.jpg")),
        Path::new("/srv/uploads/brand/x.jpg")
    );
}
