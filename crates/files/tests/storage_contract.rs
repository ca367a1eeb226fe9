//! One contract for every storage adapter, run against each: `LocalDisk` on a temporary folder
//! and `S3Store` against an S3-compatible server in the test's process (`alpha-test-s3`). What
//! the rest of the server relies on (a file appears whole or not at all, a refused or abandoned
//! upload leaves nothing, reads and ranges give back what was stored) holds whichever is
//! configured.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use alpha_files::{LocalDisk, S3Config, S3Store};
use alpha_media::{MediaReader, MediaStore, UploadError, UploadPath, UploadSink};
use alpha_test_s3::TestS3;

/// What a test needs of one adapter, and a look behind it.
struct Backend {
    name: &'static str,
    store: Arc<dyn MediaStore>,
    sink: Arc<dyn UploadSink>,
    reader: Arc<dyn MediaReader>,
    place: Place,
}

enum Place {
    Folder(tempfile::TempDir),
    Bucket(TestS3),
}

impl Backend {
    fn local() -> Self {
        let root = tempfile::tempdir().unwrap();
        let disk = Arc::new(LocalDisk::new(root.path().to_path_buf()));
        Self {
            name: "local",
            store: disk.clone(),
            sink: disk.clone(),
            reader: disk,
            place: Place::Folder(root),
        }
    }

    fn s3(prefix: &str) -> Self {
        let server = TestS3::start();
        let s3 = Arc::new(
            S3Store::new(&S3Config {
                bucket: alpha_test_s3::BUCKET.into(),
                region: alpha_test_s3::REGION.into(),
                endpoint: Some(server.endpoint.clone()),
                access_key_id: Some(alpha_test_s3::ACCESS_KEY_ID.into()),
                secret_access_key: Some(alpha_test_s3::SECRET_ACCESS_KEY.into()),
                allow_http: true,
                prefix: prefix.into(),
            })
            .unwrap(),
        );
        Self {
            name: "s3",
            store: s3.clone(),
            sink: s3.clone(),
            reader: s3,
            place: Place::Bucket(server),
        }
    }

    fn all() -> [Self; 2] {
        [Self::local(), Self::s3("")]
    }

    /// Every stored file, as a path under the root (a folder or the bucket).
    fn files(&self) -> Vec<String> {
        match &self.place {
            Place::Folder(root) => {
                let mut files = Vec::new();
                walk(root.path(), root.path(), &mut files);
                files.sort();
                files
            }
            Place::Bucket(server) => server.objects(),
        }
    }

    /// Partly written uploads: temporary files, or multipart uploads S3 still holds parts of.
    fn unfinished(&self) -> usize {
        match &self.place {
            Place::Folder(_) => (self.files().iter())
                .filter(|f| f.rsplit('/').next().is_some_and(|n| n.starts_with('.')))
                .count(),
            Place::Bucket(server) => server.unfinished_uploads(),
        }
    }

    /// Waits (a bounded while) for what a drop tidies in the background.
    async fn settle(&self) {
        for _ in 0..200 {
            if self.unfinished() == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

fn walk(root: &Path, dir: &Path, files: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, files);
        } else {
            let relative = path.strip_prefix(root).unwrap();
            files.push(relative.to_string_lossy().into_owned());
        }
    }
}

fn path(relative: &str) -> UploadPath {
    UploadPath::parse(relative).unwrap()
}

/// `n` bytes that differ from position to position, so a shifted range shows.
fn bytes(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8).collect()
}

async fn read_all(
    reader: &dyn MediaReader,
    at: &UploadPath,
    range: Option<std::ops::Range<u64>>,
) -> Option<Vec<u8>> {
    let (_, mut chunks) = reader.read(at, range).await.unwrap()?;
    let mut all = Vec::new();
    while let Some(chunk) = chunks.next_chunk().await.unwrap() {
        all.extend_from_slice(&chunk);
    }
    Some(all)
}

/// Bigger than one S3 part, so the S3 adapter goes multipart.
const BIG: usize = 5 * 1024 * 1024 + 300_001;

#[tokio::test]
async fn a_stored_file_reads_back_whole_and_by_range_with_a_stable_validator() {
    for b in Backend::all() {
        let at = path("brand/x.jpg");
        let content = bytes(10_000);
        b.store.put(&at, content.clone()).await.unwrap();

        let stat = b.reader.stat(&at).await.unwrap().expect(b.name);
        assert_eq!(stat.size, 10_000, "{}", b.name);
        let etag = stat.etag.clone().expect(b.name);
        assert!(
            etag.starts_with('"') && etag.ends_with('"'),
            "{}: {etag}",
            b.name
        );
        assert!(stat.last_modified.is_some(), "{}", b.name);
        assert_eq!(
            b.reader.stat(&at).await.unwrap(),
            Some(stat.clone()),
            "{}",
            b.name
        );

        assert_eq!(
            read_all(&*b.reader, &at, None).await.unwrap(),
            content,
            "{}",
            b.name
        );
        for range in [0..1, 0..10, 5000..5100, 9990..10_000] {
            let part = read_all(&*b.reader, &at, Some(range.clone()))
                .await
                .unwrap();
            let (from, to) = (range.start as usize, range.end as usize);
            assert_eq!(part, content[from..to], "{} {range:?}", b.name);
        }
        let (read_stat, _) = b.reader.read(&at, Some(0..1)).await.unwrap().unwrap();
        assert_eq!(
            read_stat.size, 10_000,
            "{}: the whole size, not the range's",
            b.name
        );
        assert_eq!(read_stat.etag, stat.etag, "{}", b.name);
        assert_eq!(b.files(), ["brand/x.jpg"], "{}", b.name);
    }
}

#[tokio::test]
async fn a_put_replaces_the_file_and_its_validator() {
    for b in Backend::all() {
        let at = path("banners/x.jpg");
        b.store.put(&at, b"first".to_vec()).await.unwrap();
        let first = b.reader.stat(&at).await.unwrap().unwrap();
        b.store.put(&at, b"second, longer".to_vec()).await.unwrap();
        let second = b.reader.stat(&at).await.unwrap().unwrap();
        assert_eq!(second.size, 14, "{}", b.name);
        assert_ne!(first.etag, second.etag, "{}", b.name);
        assert_eq!(
            read_all(&*b.reader, &at, None).await.unwrap(),
            b"second, longer",
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn a_deleted_file_is_gone_and_deleting_a_missing_one_is_fine() {
    for b in Backend::all() {
        let at = path("posts/x.webp");
        b.store.put(&at, b"webp".to_vec()).await.unwrap();
        b.store.delete(&at).await.unwrap();
        assert_eq!(b.reader.stat(&at).await.unwrap(), None, "{}", b.name);
        assert!(
            b.reader.read(&at, None).await.unwrap().is_none(),
            "{}",
            b.name
        );
        b.store.delete(&at).await.unwrap();
        b.store.delete(&path("never/was.jpg")).await.unwrap();
        assert!(b.files().is_empty(), "{}: {:?}", b.name, b.files());
    }
}

#[tokio::test]
async fn nothing_is_found_where_nothing_was_stored() {
    for b in Backend::all() {
        b.store
            .put(&path("video/x.mp4"), b"x".to_vec())
            .await
            .unwrap();
        // Not "video" itself: s3s-fs keeps objects as files, and answers 500 for a folder
        // where S3 would say there is no such key.
        for missing in ["video/y.mp4", "x.mp4", "brand/x.mp4"] {
            assert_eq!(
                b.reader.stat(&path(missing)).await.unwrap(),
                None,
                "{} {missing}",
                b.name
            );
            assert!(
                b.reader.read(&path(missing), None).await.unwrap().is_none(),
                "{} {missing}",
                b.name
            );
        }
    }
}

#[tokio::test]
async fn a_streamed_upload_appears_whole_only_when_committed() {
    for size in [3, BIG] {
        for b in Backend::all() {
            let at = path("video/x.mp4");
            let content = bytes(size);
            let mut upload = b.sink.begin(&at, 600 * 1024 * 1024).await.unwrap();
            for chunk in content.chunks(64 * 1024) {
                upload.write(chunk).await.unwrap();
            }
            assert_eq!(upload.written(), size as u64, "{}", b.name);
            assert_eq!(
                b.reader.stat(&at).await.unwrap(),
                None,
                "{} {size}: visible before commit",
                b.name
            );
            upload.commit().await.unwrap();
            assert_eq!(
                b.reader.stat(&at).await.unwrap().unwrap().size,
                size as u64,
                "{}",
                b.name
            );
            assert!(
                read_all(&*b.reader, &at, None).await.unwrap() == content,
                "{} {size}",
                b.name
            );
            assert_eq!(b.files(), ["video/x.mp4"], "{} {size}", b.name);
            assert_eq!(b.unfinished(), 0, "{} {size}", b.name);
        }
    }
}

#[tokio::test]
async fn an_upload_past_its_cap_is_refused_and_leaves_nothing() {
    for (size, cap, chunk_size) in [(100, 50, 40), (BIG + 10, BIG as u64, 64 * 1024)] {
        for b in Backend::all() {
            let at = path("video/x.mp4");
            let mut upload = b.sink.begin(&at, cap).await.unwrap();
            let content = bytes(size);
            let mut refused = None;
            for chunk in content.chunks(chunk_size) {
                if let Err(e) = upload.write(chunk).await {
                    refused = Some(e);
                    break;
                }
            }
            assert!(
                matches!(refused, Some(UploadError::TooLarge { max_bytes }) if max_bytes == cap),
                "{} {size}",
                b.name
            );
            assert!(upload.written() <= cap, "{}", b.name);
            assert!(
                matches!(upload.write(b"x").await, Err(UploadError::TooLarge { .. })),
                "{}",
                b.name
            );
            assert!(
                matches!(upload.commit().await, Err(UploadError::TooLarge { .. })),
                "{}",
                b.name
            );
            b.settle().await;
            assert!(b.files().is_empty(), "{} {size}: {:?}", b.name, b.files());
            assert_eq!(b.unfinished(), 0, "{} {size}", b.name);
        }
    }
}

#[tokio::test]
async fn an_abandoned_upload_leaves_nothing() {
    for size in [3, BIG] {
        for b in Backend::all() {
            let at = path("files/x.pdf");
            let mut upload = b.sink.begin(&at, u64::MAX).await.unwrap();
            for chunk in bytes(size).chunks(64 * 1024) {
                upload.write(chunk).await.unwrap();
            }
            if size == BIG && b.name == "s3" {
                assert_eq!(b.unfinished(), 1, "the parts are in S3 before the drop");
            }
            drop(upload);
            b.settle().await;
            assert!(b.files().is_empty(), "{} {size}: {:?}", b.name, b.files());
            assert_eq!(b.unfinished(), 0, "{} {size}", b.name);
            assert_eq!(b.reader.stat(&at).await.unwrap(), None, "{}", b.name);
        }
    }
}

#[tokio::test]
async fn a_committed_upload_replaces_the_file_at_its_path() {
    for b in Backend::all() {
        let at = path("files/x.pdf");
        b.store.put(&at, b"old".to_vec()).await.unwrap();
        let mut upload = b.sink.begin(&at, 100).await.unwrap();
        upload.write(b"%PDF-1.7 new").await.unwrap();
        assert_eq!(
            read_all(&*b.reader, &at, None).await.unwrap(),
            b"old",
            "{}",
            b.name
        );
        upload.commit().await.unwrap();
        assert_eq!(
            read_all(&*b.reader, &at, None).await.unwrap(),
            b"%PDF-1.7 new",
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn s3_keys_are_the_upload_paths_under_the_prefix() {
    let b = Backend::s3("/media/v1/");
    b.store
        .put(&path("brand/x.jpg"), b"x".to_vec())
        .await
        .unwrap();
    assert_eq!(b.files(), ["media/v1/brand/x.jpg"]);
    assert_eq!(
        read_all(&*b.reader, &path("brand/x.jpg"), None)
            .await
            .unwrap(),
        b"x"
    );
    b.store.delete(&path("brand/x.jpg")).await.unwrap();
    assert!(b.files().is_empty());
}

#[tokio::test]
async fn s3_with_a_wrong_secret_fails_as_a_storage_error() {
    let server = TestS3::start();
    let s3 = S3Store::new(&S3Config {
        bucket: alpha_test_s3::BUCKET.into(),
        region: alpha_test_s3::REGION.into(),
        endpoint: Some(server.endpoint.clone()),
        access_key_id: Some(alpha_test_s3::ACCESS_KEY_ID.into()),
        secret_access_key: Some("wrong".into()),
        allow_http: true,
        prefix: String::new(),
    })
    .unwrap();
    let error = s3
        .put(&path("brand/x.jpg"), b"x".to_vec())
        .await
        .unwrap_err();
    let chain = format!("{error}");
    assert!(chain.contains("brand/x.jpg"), "{chain}");
    assert!(
        !format!("{error:?}").contains("wrong\""),
        "the secret stays out of errors"
    );
    assert!(server.objects().is_empty());
}

#[tokio::test]
async fn s3_objects_carry_the_content_type_of_their_extension() {
    use object_store::aws::AmazonS3Builder;
    use object_store::{Attribute, ObjectStoreExt};

    let b = Backend::s3("");
    let Place::Bucket(server) = &b.place else {
        unreachable!()
    };
    b.store
        .put(&path("brand/x.jpg"), b"x".to_vec())
        .await
        .unwrap();
    let mut upload = b
        .sink
        .begin(&path("video/x.mp4"), BIG as u64)
        .await
        .unwrap();
    for chunk in bytes(BIG).chunks(64 * 1024) {
        upload.write(chunk).await.unwrap();
    }
    upload.commit().await.unwrap();
    let raw = AmazonS3Builder::new()
        .with_bucket_name(alpha_test_s3::BUCKET)
        .with_region(alpha_test_s3::REGION)
        .with_endpoint(&server.endpoint)
        .with_allow_http(true)
        .with_access_key_id(alpha_test_s3::ACCESS_KEY_ID)
        .with_secret_access_key(alpha_test_s3::SECRET_ACCESS_KEY)
        .build()
        .unwrap();
    for (key, expected) in [("brand/x.jpg", "image/jpeg"), ("video/x.mp4", "video/mp4")] {
        let got = raw.get(&key.into()).await.unwrap();
        let content_type = got.attributes.get(&Attribute::ContentType);
        assert_eq!(content_type.map(|v| v.as_ref()), Some(expected), "{key}");
    }
}
