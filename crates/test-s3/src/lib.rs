//! An S3-compatible server for tests: `s3s` over `s3s-fs` (objects as files in a temporary
//! folder), on `127.0.0.1:<free port>`, checking SigV4 signatures against one fixed key pair.
//! It runs on a thread and runtime of its own, so it keeps answering whatever the test's own
//! runtime is doing (blocked in a `block_on`, or a current-thread actix test waiting on it).
//!
//! Nothing external is needed: no Docker, no MinIO. Test support only; never a dependency of a
//! server crate.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use hyper_util::rt::TokioIo;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use tokio::sync::oneshot;

/// The bucket every server starts with.
pub const BUCKET: &str = "alpha-test";
/// The key pair requests must be signed with.
pub const ACCESS_KEY_ID: &str = "alpha-test-access-key";
pub const SECRET_ACCESS_KEY: &str = "alpha-test-secret-key-not-a-real-one";
/// Any region works: s3s-fs has one.
pub const REGION: &str = "us-east-1";

/// A running server; dropping it stops the server and removes its folder.
pub struct TestS3 {
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
    root: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl TestS3 {
    /// Starts a server with an empty [`BUCKET`].
    ///
    /// # Panics
    /// When the folder, the runtime or the listener cannot be made: the test cannot run.
    #[allow(clippy::expect_used)]
    pub fn start() -> Self {
        let root = tempfile::tempdir().expect("alpha-test-s3: a temporary folder");
        std::fs::create_dir(root.path().join(BUCKET)).expect("alpha-test-s3: the bucket folder");
        let fs =
            s3s_fs::FileSystem::new(root.path()).expect("alpha-test-s3: s3s-fs over the folder");
        let (stop, stopped) = oneshot::channel::<()>();
        let (bound, address) = std::sync::mpsc::channel::<SocketAddr>();
        let thread = std::thread::Builder::new()
            .name("alpha-test-s3".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                    .expect("alpha-test-s3: a runtime");
                runtime.block_on(serve(fs, bound, stopped));
            })
            .expect("alpha-test-s3: a thread");
        let address = address
            .recv()
            .expect("alpha-test-s3: the listener's address");
        Self {
            endpoint: format!("http://{address}"),
            root,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// The keys of the stored objects, sorted (`video/x.mp4`, `prefix/brand/y.jpg`).
    pub fn objects(&self) -> Vec<String> {
        let bucket = self.root.path().join(BUCKET);
        let mut keys = Vec::new();
        collect_files(&bucket, &bucket, &mut keys);
        keys.sort();
        keys
    }

    /// The bytes of the object at `key`, if there is one.
    pub fn object(&self, key: &str) -> Option<Vec<u8>> {
        std::fs::read(self.root.path().join(BUCKET).join(key)).ok()
    }

    /// Multipart uploads started and neither completed nor aborted, with the parts they hold.
    pub fn unfinished_uploads(&self) -> usize {
        let Ok(entries) = std::fs::read_dir(self.root.path()) else {
            return 0;
        };
        entries
            .filter_map(Result::ok)
            .filter(|entry| {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                name.starts_with(".upload-") || name.starts_with(".upload_id-")
            })
            .count()
    }

    /// The folder the objects are kept in.
    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// This server as `ALPHA__...` settings overrides (`storage.backend = "s3"` and the rest).
    pub fn settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("ALPHA__STORAGE__BACKEND", "s3".to_owned()),
            ("ALPHA__STORAGE__S3__BUCKET", BUCKET.to_owned()),
            ("ALPHA__STORAGE__S3__ENDPOINT", self.endpoint.clone()),
            ("ALPHA__STORAGE__S3__REGION", REGION.to_owned()),
            ("ALPHA__STORAGE__S3__ALLOW_HTTP", "true".to_owned()),
            (
                "ALPHA__STORAGE__S3__ACCESS_KEY_ID",
                ACCESS_KEY_ID.to_owned(),
            ),
            (
                "ALPHA__STORAGE__S3__SECRET_ACCESS_KEY",
                SECRET_ACCESS_KEY.to_owned(),
            ),
        ]
    }
}

impl Drop for TestS3 {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn serve(
    fs: s3s_fs::FileSystem,
    bound: std::sync::mpsc::Sender<SocketAddr>,
    mut stopped: oneshot::Receiver<()>,
) {
    let service = {
        let mut builder = S3ServiceBuilder::new(fs);
        builder.set_auth(SimpleAuth::from_single(ACCESS_KEY_ID, SECRET_ACCESS_KEY));
        builder.build()
    };
    let Ok(listener) = tokio::net::TcpListener::bind("127.0.0.1:0").await else {
        return;
    };
    let Ok(address) = listener.local_addr() else {
        return;
    };
    if bound.send(address).is_err() {
        return;
    }
    loop {
        let socket = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((socket, _)) => socket,
                Err(_) => continue,
            },
            _ = &mut stopped => return,
        };
        let service = service.clone();
        tokio::spawn(async move {
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(socket), service)
                .await;
        });
    }
}

fn collect_files(bucket: &Path, dir: &Path, keys: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path: PathBuf = entry.path();
        if path.is_dir() {
            collect_files(bucket, &path, keys);
        } else if let Ok(key) = path.strip_prefix(bucket) {
            keys.push(key.to_string_lossy().replace('\\', "/"));
        }
    }
}
