//! The application as `serve` builds it ([`Application::build`]), on a test database, with a
//! settable clock, the HTTP app in-process and both Socket.IO gateways on port 0.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::test;
use alpha_http_api::build_app;
use alpha_kernel::FakeClock;
use alpha_server::application::Application;
use alpha_server::config::{Settings, load_from};
use alpha_store::pool::{PgPool, PoolSettings, build_pool};
use serde_json::{Value, json};

use crate::TestDb;

/// The peer address of requests made through the helpers (the per-IP limits key on it).
pub const CLIENT: &str = "198.51.100.20:40000";

/// Test-profile settings with `overrides` as environment variables (the built-in config files,
/// so nothing around the checkout matters).
///
/// # Panics
/// When the overrides make an invalid configuration.
pub fn test_settings(overrides: &[(&str, &str)]) -> Settings {
    let mut env = BTreeMap::new();
    env.insert("APP_ENV".to_owned(), "test".to_owned());
    // The default `uploads` is relative to the working directory, which for tests is the crate
    // folder: `Application::build` would create it there. Tests that upload pass a folder of
    // their own.
    env.insert(
        "ALPHA__UPLOADS__DIR".to_owned(),
        default_uploads_dir().display().to_string(),
    );
    for (k, v) in overrides {
        env.insert((*k).to_owned(), (*v).to_owned());
    }
    let no_files = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("no-config-files");
    match load_from(&no_files, &env) {
        Ok(settings) => settings,
        Err(e) => panic!("alpha-testkit: test settings: {e}"),
    }
}

/// The upload folder of tests that do not choose one: shared, and never written to (only the
/// upload tests write files, each in its own temporary folder).
pub fn default_uploads_dir() -> std::path::PathBuf {
    std::env::temp_dir().join("alpha-testkit").join("uploads")
}

/// Test numbers on and their codes echoed, as most API tests want.
pub const TEST_MODE: [(&str, &str); 2] = [
    ("OTP_TEST_MODE", "true"),
    ("OTP_TEST_CODE_RESPONSE", "true"),
];

/// One application on its own database. Dropping it stops the gateways.
pub struct TestApp {
    pub app: Application,
    pub settings: Settings,
    clock: Arc<FakeClock>,
    /// Shared with the instances of [`TestApp::another_served_instance`]; dropped with the last.
    db: Arc<TestDb>,
    /// `http://127.0.0.1:<port>` of the SMS-device gateway (namespace `/sms`).
    pub sms_url: String,
    /// `http://127.0.0.1:<port>` of the client gateway (namespace `/`).
    pub clients_url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl TestApp {
    /// Test mode on (see [`TEST_MODE`]).
    pub async fn spawn() -> TestApp {
        Self::with(&TEST_MODE).await
    }

    /// With `overrides` as environment variables over the test profile.
    ///
    /// # Panics
    /// When there is no test database or the application cannot be built.
    pub async fn with(overrides: &[(&str, &str)]) -> TestApp {
        Self::on(TestDb::new().await, test_settings(overrides)).await
    }

    /// On a database of the caller's (say, one prepared before the app starts).
    ///
    /// # Panics
    /// When the application cannot be built or a port cannot be bound.
    pub async fn on(db: TestDb, settings: Settings) -> TestApp {
        Self::start(Arc::new(db), settings, Arc::new(FakeClock::new())).await
    }

    /// A second application on the same database, settings and clock, served like this one (its
    /// own HTTP state and both gateways on ports of their own), as a second server process would
    /// be. With `REDIS_URL` in the settings, the two share client-socket broadcasts.
    ///
    /// # Panics
    /// When the application cannot be built or a port cannot be bound.
    pub async fn another_served_instance(&self) -> TestApp {
        Self::start(self.db.clone(), self.settings.clone(), self.clock.clone()).await
    }

    async fn start(db: Arc<TestDb>, settings: Settings, clock: Arc<FakeClock>) -> TestApp {
        let pool = test_pool(db.url(), 8);
        let app = Application::build(&settings, pool, clock.clone())
            .unwrap_or_else(|e| panic!("alpha-testkit: Application::build: {e:#}"));

        let bind = || {
            let listener = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap_or_else(|e| panic!("alpha-testkit: bind: {e}"));
            let _ = listener.set_nonblocking(true);
            let url = listener
                .local_addr()
                .map(|a| format!("http://{a}"))
                .unwrap_or_default();
            (listener, url)
        };
        let (sms_listener, sms_url) = bind();
        let (client_listener, clients_url) = bind();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let sms = app.sms_gateway.clone();
        let clients = app.client_gateway.clone();
        let sms_queue = app.sms_queue.clone();
        // The gateways run on a multi-thread runtime of their own, as in production, whatever
        // flavour of runtime the test uses.
        let thread = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                let (Ok(sms_listener), Ok(client_listener)) = (
                    tokio::net::TcpListener::from_std(sms_listener),
                    tokio::net::TcpListener::from_std(client_listener),
                ) else {
                    return;
                };
                let sms_queue = sms_queue.start();
                let (stop_sms, sms_stopped) = tokio::sync::oneshot::channel::<()>();
                let sms = tokio::spawn(sms.serve(sms_listener, async move {
                    let _ = sms_stopped.await;
                }));
                let (stop_clients, clients_stopped) = tokio::sync::oneshot::channel::<()>();
                let clients = tokio::spawn(clients.serve(client_listener, async move {
                    let _ = clients_stopped.await;
                }));
                let _ = stopped.await;
                drop(sms_queue);
                let _ = stop_sms.send(());
                let _ = stop_clients.send(());
                let _ = tokio::time::timeout(Duration::from_secs(5), sms).await;
                let _ = tokio::time::timeout(Duration::from_secs(5), clients).await;
            });
        });
        TestApp {
            app,
            settings,
            clock,
            db,
            sms_url,
            clients_url,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// Stops the gateways and waits for them (at most a few seconds), without blocking the
    /// calling runtime; dropping the app does the same, blocking.
    ///
    /// # Panics
    /// When the gateways' thread panicked.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let joined = tokio::task::spawn_blocking(move || thread.join()).await;
            assert!(
                matches!(joined, Ok(Ok(()))),
                "alpha-testkit: the gateways' thread failed"
            );
        }
    }

    pub fn pool(&self) -> &PgPool {
        &self.app.pool
    }

    pub fn db(&self) -> &TestDb {
        &self.db
    }

    /// Every service's clock: move it past a window instead of sleeping.
    pub fn clock(&self) -> &FakeClock {
        &self.clock
    }

    /// The HTTP app in-process, on this application's state.
    pub async fn http(
        &self,
    ) -> impl Service<
        Request,
        Response = ServiceResponse<impl MessageBody + use<>>,
        Error = actix_web::Error,
    > + use<> {
        test::init_service(build_app(self.app.state.clone(), &self.app.http)).await
    }

    /// A second instance on the same database (as a second server process would be), its HTTP
    /// app in-process; its gateways are not served.
    ///
    /// # Panics
    /// When the application cannot be built.
    pub async fn another_instance(
        &self,
    ) -> impl Service<
        Request,
        Response = ServiceResponse<impl MessageBody + use<>>,
        Error = actix_web::Error,
    > + use<> {
        let pool = test_pool(self.db.url(), 4);
        let other = Application::build(&self.settings, pool, self.clock.clone())
            .unwrap_or_else(|e| panic!("alpha-testkit: Application::build: {e:#}"));
        test::init_service(build_app(other.state.clone(), &other.http)).await
    }

    /// A second application on the same database, settings and clock (as a second server
    /// process, or this one restarted, would be), nothing of it started: tests start and drop
    /// its background work (the push worker) themselves.
    ///
    /// # Panics
    /// When the application cannot be built.
    pub fn another_application(&self) -> Application {
        let pool = test_pool(self.db.url(), 4);
        Application::build(&self.settings, pool, self.clock.clone())
            .unwrap_or_else(|e| panic!("alpha-testkit: Application::build: {e:#}"))
    }

    /// Logs a test number in (test mode must be on) and returns (access, refresh).
    ///
    /// # Panics
    /// When the login fails.
    pub async fn login<S, B>(&self, http: &S, phone: &str) -> (String, String)
    where
        S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        login(http, phone).await
    }

    /// A logged-in user with the admin role; returns its access token.
    ///
    /// # Panics
    /// When the login or the role change fails.
    pub async fn admin<S, B>(&self, http: &S, phone: &str) -> String
    where
        S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        let (access, _) = login(http, phone).await;
        let e164 = format!("+{}", phone.trim_start_matches('+'));
        let users = alpha_store::repos::PgUserRepo::new(self.app.pool.clone());
        match users
            .set_role_by_phone(&e164, alpha_auth::Role::Admin)
            .await
        {
            Ok(true) => access,
            other => panic!("alpha-testkit: admin role for {phone}: {other:?}"),
        }
    }
}

fn test_pool(url: &str, max_size: usize) -> PgPool {
    build_pool(
        url,
        PoolSettings {
            max_size,
            wait_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(10),
        },
    )
    .unwrap_or_else(|e| panic!("alpha-testkit: pool: {e}"))
}

/// A JSON request from [`CLIENT`].
///
/// # Panics
/// Never for the constant address.
pub fn post_json(uri: &str, body: &Value) -> Request {
    test::TestRequest::post()
        .uri(uri)
        .peer_addr(client_addr())
        .set_json(body)
        .to_request()
}

/// A request with `Authorization: Bearer <token>`, from [`CLIENT`].
pub fn with_bearer(method: Method, uri: &str, token: &str) -> test::TestRequest {
    test::TestRequest::default()
        .method(method)
        .uri(uri)
        .peer_addr(client_addr())
        .insert_header(("authorization", format!("Bearer {token}")))
}

fn client_addr() -> SocketAddr {
    CLIENT
        .parse()
        .unwrap_or_else(|e| panic!("alpha-testkit: {CLIENT}: {e}"))
}

/// Calls the app; returns status, the body as JSON (a string when it is not JSON, null when
/// empty) and the headers.
pub async fn call<S, B>(
    app: &S,
    req: Request,
) -> (StatusCode, Value, actix_web::http::header::HeaderMap)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let res = test::call_service(app, req).await;
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = test::read_body(res).await;
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
    };
    (status, body, headers)
}

/// Logs a test number in through `/otp/send` and `/otp/verify`; returns (access, refresh).
///
/// # Panics
/// When either step fails.
pub async fn login<S, B>(app: &S, phone: &str) -> (String, String)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let (status, body, _) =
        call(app, post_json("/api/v1/otp/send", &json!({"phone": phone}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body, _) = call(
        app,
        post_json(
            "/api/v1/otp/verify",
            &json!({"phone": phone, "otp": "12345"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = |name: &str| {
        body[name]
            .as_str()
            .unwrap_or_else(|| panic!("alpha-testkit: no {name} in {body}"))
            .to_owned()
    };
    (token("accessToken"), token("refreshToken"))
}
