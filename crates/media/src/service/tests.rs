#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::sync::Mutex;

use mockall::predicate::{always, eq};

use super::*;
use crate::errors::StorageError;
use crate::ports::{MockImageProcessor, MockMediaStore};
use crate::process::process;
use crate::test_images::{jpeg, transparent_png};

/// Processes in place with the real [`process`]: what an adapter does, without its pool.
struct InlineProcessor;

#[async_trait::async_trait]
impl ImageProcessor for InlineProcessor {
    async fn process(&self, bytes: Vec<u8>) -> Result<ProcessedImage, MediaError> {
        process(&bytes)
    }
}

/// Files in memory, by their path under the upload folder.
#[derive(Default)]
struct MemoryStore(Mutex<BTreeMap<String, Vec<u8>>>);

impl MemoryStore {
    fn file(&self, path: &str) -> Option<Vec<u8>> {
        self.0.lock().unwrap().get(path).cloned()
    }

    /// The entries of `dir` ("" for the root): files and folders, sorted.
    fn files_in(&self, dir: &str) -> Vec<String> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let names: BTreeSet<String> = self
            .0
            .lock()
            .unwrap()
            .keys()
            .filter_map(|path| path.strip_prefix(&prefix))
            .map(|rest| rest.split('/').next().unwrap_or(rest).to_owned())
            .collect();
        names.into_iter().collect()
    }
}

#[async_trait::async_trait]
impl MediaStore for MemoryStore {
    async fn put(&self, path: &UploadPath, bytes: Vec<u8>) -> Result<(), StorageError> {
        self.0.lock().unwrap().insert(path.to_string(), bytes);
        Ok(())
    }

    async fn delete(&self, path: &UploadPath) -> Result<(), StorageError> {
        self.0.lock().unwrap().remove(path.as_str());
        Ok(())
    }
}

fn service(store: impl MediaStore + 'static) -> ImageService {
    ImageService::new(Arc::new(store), Arc::new(InlineProcessor))
}

fn in_memory() -> (Arc<MemoryStore>, ImageService) {
    let store = Arc::new(MemoryStore::default());
    let images = ImageService::new(Arc::<MemoryStore>::clone(&store), Arc::new(InlineProcessor));
    (store, images)
}

#[tokio::test]
async fn store_writes_the_original_and_three_variants_in_the_kind_folder() {
    let (root, images) = in_memory();
    let image = images
        .store(ImageKind::Brand, jpeg(600, 300))
        .await
        .unwrap();

    let id = image.id();
    assert_eq!(image.extension(), "jpg");
    assert_eq!((image.width(), image.height()), (600, 300));
    assert_eq!(image.original_path(), format!("uploads/brand/{id}.jpg"));
    assert_eq!(image.paths().small, format!("uploads/brand/small_{id}.jpg"));
    assert_eq!(
        image.paths().medium,
        format!("uploads/brand/medium_{id}.jpg")
    );
    assert_eq!(image.paths().large, format!("uploads/brand/large_{id}.jpg"));

    assert_eq!(root.files_in(""), ["brand"]);
    let mut expected = vec![
        format!("{id}.jpg"),
        format!("large_{id}.jpg"),
        format!("medium_{id}.jpg"),
        format!("small_{id}.jpg"),
    ];
    expected.sort();
    assert_eq!(root.files_in("brand"), expected);
    let small =
        image::load_from_memory(&root.file(&format!("brand/small_{id}.jpg")).unwrap()).unwrap();
    assert_eq!((small.width(), small.height()), (256, 128));

    images.discard(&image).await.unwrap();
    assert!(root.files_in("brand").is_empty());
}

#[tokio::test]
async fn transparent_uploads_are_stored_as_png() {
    let (root, images) = in_memory();
    let image = images
        .store(ImageKind::Plan, transparent_png(64, 64))
        .await
        .unwrap();
    assert_eq!(image.extension(), "png");
    assert!(image.original_path().starts_with("uploads/subscription/"));
    assert!(root.file(image.original().as_str()).is_some());
}

#[tokio::test]
async fn an_upload_that_is_not_an_image_writes_nothing() {
    // No expectations: any call to the store fails the test.
    let images = service(MockMediaStore::new());
    let result = images
        .store(
            ImageKind::Avatar,
            b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
        )
        .await;
    assert!(matches!(result, Err(MediaError::NotAnImage)), "{result:?}");
}

#[tokio::test]
async fn a_failed_write_deletes_the_files_already_written() {
    let written = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut store = MockMediaStore::new();
    let log = Arc::clone(&written);
    store.expect_put().times(3).returning(move |path, _| {
        let mut log = log.lock().unwrap();
        if log.len() == 2 {
            return Err(StorageError::write(path, io::Error::other("disk full")));
        }
        log.push(path.to_string());
        Ok(())
    });
    let deleted = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = Arc::clone(&deleted);
    store.expect_delete().times(2).returning(move |path| {
        log.lock().unwrap().push(path.to_string());
        Ok(())
    });

    let result = service(store).store(ImageKind::Post, jpeg(64, 64)).await;

    assert!(matches!(result, Err(MediaError::Storage(_))), "{result:?}");
    let written = written.lock().unwrap().clone();
    assert_eq!(written.len(), 2);
    assert!(written.iter().all(|p| p.starts_with("posts/")));
    assert_eq!(*deleted.lock().unwrap(), written);
}

#[tokio::test]
async fn discard_tries_every_file_and_reports_the_failure() {
    let image = StoredImage::new(ImageKind::Blog, Uuid::new_v4(), "jpg", (10, 10));
    let mut store = MockMediaStore::new();
    let failing = image.variant(Variant::Small);
    store.expect_delete().times(4).returning(move |path| {
        if *path == failing {
            Err(StorageError::delete(path, io::Error::other("read-only")))
        } else {
            Ok(())
        }
    });
    let result = service(store).discard(&image).await;
    assert!(matches!(result, Err(MediaError::Storage(_))), "{result:?}");
}

#[tokio::test]
async fn remove_public_paths_deletes_only_files_under_uploads() {
    let mut store = MockMediaStore::new();
    let deleted = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = Arc::clone(&deleted);
    store.expect_delete().with(always()).returning(move |path| {
        log.lock().unwrap().push(path.to_string());
        Ok(())
    });
    service(store)
        .remove_public_paths(&[
            "uploads/models/o.jpg",
            "uploads/models/small_o.jpg",
            "uploads/../config/default.toml",
            "/etc/passwd",
            "models/x.jpg",
            "uploads/",
            "",
        ])
        .await
        .unwrap();
    assert_eq!(
        *deleted.lock().unwrap(),
        ["models/o.jpg", "models/small_o.jpg"]
    );
}

#[tokio::test]
async fn the_processor_gets_the_upload_and_its_failure_writes_nothing() {
    let upload = jpeg(16, 16);
    let mut processor = MockImageProcessor::new();
    processor
        .expect_process()
        .with(eq(upload.clone()))
        .times(1)
        .returning(|_| Err(MediaError::Processing("pool shut down".into())));
    // No expectations: any call to the store fails the test.
    let images = ImageService::new(Arc::new(MockMediaStore::new()), Arc::new(processor));
    let result = images.store(ImageKind::Model, upload).await;
    assert!(
        matches!(result, Err(MediaError::Processing(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn store_writes_what_the_processor_made() {
    let made = ProcessedImage {
        extension: "png",
        original: b"original".to_vec(),
        small: b"small".to_vec(),
        medium: b"medium".to_vec(),
        large: b"large".to_vec(),
        width: 3000,
        height: 2000,
    };
    let mut processor = MockImageProcessor::new();
    let returned = made.clone();
    processor
        .expect_process()
        .times(1)
        .returning(move |_| Ok(returned.clone()));
    let store = Arc::new(MemoryStore::default());
    let images = ImageService::new(Arc::<MemoryStore>::clone(&store), Arc::new(processor));

    let image = images
        .store(ImageKind::Banner, b"anything".to_vec())
        .await
        .unwrap();

    assert_eq!(image.extension(), "png");
    assert_eq!((image.width(), image.height()), (3000, 2000));
    assert_eq!(
        store.file(image.original().as_str()).unwrap(),
        made.original
    );
    for variant in Variant::ALL {
        let path = image.variant(variant);
        assert_eq!(store.file(path.as_str()).unwrap(), made.variant(variant));
    }
}
