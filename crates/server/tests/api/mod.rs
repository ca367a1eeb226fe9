//! The real application in-process (same wiring as `alpha-motors serve`) on a test database.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test;
use alpha_http_api::{HttpOptions, build_app};
use alpha_server::config::{Settings, load_from};
use alpha_store::pool::{PoolSettings, build_pool};
use alpha_testkit::TestDb;
use serde_json::Value;

/// Test-profile settings with `overrides` as environment variables.
pub fn settings(overrides: &[(&str, &str)]) -> Settings {
    let mut env = BTreeMap::new();
    env.insert("APP_ENV".to_owned(), "test".to_owned());
    for (k, v) in overrides {
        env.insert((*k).to_owned(), (*v).to_owned());
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config");
    load_from(&dir, &env).unwrap()
}

/// Test numbers on, codes echoed, limits as configured by default.
pub fn test_mode() -> Vec<(&'static str, &'static str)> {
    vec![
        ("OTP_TEST_MODE", "true"),
        ("OTP_TEST_CODE_RESPONSE", "true"),
    ]
}

pub async fn app(
    db: &TestDb,
    settings: &Settings,
) -> impl Service<
    Request,
    Response = ServiceResponse<impl MessageBody + use<>>,
    Error = actix_web::Error,
> + use<> {
    let pool = build_pool(
        db.url(),
        PoolSettings {
            max_size: 8,
            wait_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(10),
        },
    )
    .unwrap();
    let state = alpha_server::wire::app_state(
        settings,
        pool,
        std::sync::Arc::new(alpha_sms_dispatch::NoSmsDevice),
    )
    .unwrap();
    let options = HttpOptions {
        body_limit_bytes: settings.http.body_limit_bytes,
        cors_allowed_origins: settings.http.cors_allowed_origins.clone(),
    };
    test::init_service(build_app(state, &options)).await
}

pub const CLIENT: &str = "198.51.100.20:40000";

/// A JSON request from a client address (the per-IP limits key on it).
pub fn post_json(uri: &str, body: &Value, from: &str) -> Request {
    test::TestRequest::post()
        .uri(uri)
        .peer_addr(from.parse::<SocketAddr>().unwrap())
        .set_json(body)
        .to_request()
}

pub fn with_bearer(method: actix_web::http::Method, uri: &str, token: &str) -> test::TestRequest {
    test::TestRequest::default()
        .method(method)
        .uri(uri)
        .peer_addr(CLIENT.parse::<SocketAddr>().unwrap())
        .insert_header(("authorization", format!("Bearer {token}")))
}

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

/// Logs a test number in and returns (access, refresh).
pub async fn login<S, B>(app: &S, phone: &str) -> (String, String)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let (status, body, _) = call(
        app,
        post_json(
            "/api/v1/otp/send",
            &serde_json::json!({"phone": phone}),
            CLIENT,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body, _) = call(
        app,
        post_json(
            "/api/v1/otp/verify",
            &serde_json::json!({"phone": phone, "otp": "12345"}),
            CLIENT,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (
        body["accessToken"].as_str().unwrap().to_owned(),
        body["refreshToken"].as_str().unwrap().to_owned(),
    )
}

/// The SMS device gateway of `settings` on 127.0.0.1 (a free port), run on its own multi-thread
/// runtime as in production, plus the dispatcher the OTP service sends through.
pub struct SmsServer {
    pub url: String,
    pub dispatcher: std::sync::Arc<alpha_sms_dispatch::Dispatcher>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for SmsServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The application with the real SMS stack: `/otp/send` goes through the dispatcher to devices
/// connected to the returned gateway.
pub async fn app_with_sms(
    db: &TestDb,
    settings: &Settings,
) -> (
    impl Service<
        Request,
        Response = ServiceResponse<impl MessageBody + use<>>,
        Error = actix_web::Error,
    > + use<>,
    SmsServer,
) {
    let pool = build_pool(
        db.url(),
        PoolSettings {
            max_size: 8,
            wait_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(10),
        },
    )
    .unwrap();
    let stack = alpha_server::wire::sms_stack(settings, &pool);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let gateway = stack.gateway.clone();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let _ = gateway
                .serve(listener, async move {
                    let _ = stopped.await;
                })
                .await;
        });
    });
    let state = alpha_server::wire::app_state(settings, pool, stack.dispatcher.clone()).unwrap();
    let options = HttpOptions {
        body_limit_bytes: settings.http.body_limit_bytes,
        cors_allowed_origins: settings.http.cors_allowed_origins.clone(),
    };
    let app = test::init_service(build_app(state, &options)).await;
    let server = SmsServer {
        url,
        dispatcher: stack.dispatcher,
        stop: Some(stop),
        thread: Some(thread),
    };
    (app, server)
}

/// Everything `serve` runs: the app, the SMS gateway and the client gateway (both on their own
/// multi-thread runtime), with logout/reuse closing sockets and `otp:delivered` wired.
pub struct FullStack {
    pub sms_url: String,
    pub clients_url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for FullStack {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

pub async fn full_stack(
    db: &TestDb,
    settings: &Settings,
) -> (
    impl Service<
        Request,
        Response = ServiceResponse<impl MessageBody + use<>>,
        Error = actix_web::Error,
    > + use<>,
    FullStack,
) {
    use std::sync::Arc;
    let pool = build_pool(
        db.url(),
        PoolSettings {
            max_size: 8,
            wait_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(10),
        },
    )
    .unwrap();
    let stack = alpha_server::wire::sms_stack(settings, &pool);
    let state =
        alpha_server::wire::app_state(settings, pool.clone(), stack.dispatcher.clone()).unwrap();
    let clients = alpha_gateways::ClientGateway::new(
        alpha_gateways::ClientGatewayConfig {
            cors_allowed_origins: settings.http.cors_allowed_origins.clone(),
            // Short, so tests see a deletion's effect quickly.
            revalidate_every: Duration::from_millis(300),
            ..alpha_gateways::ClientGatewayConfig::default()
        },
        state.auth.clone(),
    );
    state.auth.set_session_listener(clients.clone());
    clients.attach_chat(state.chat.clone());

    let sms_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let client_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    sms_listener.set_nonblocking(true).unwrap();
    client_listener.set_nonblocking(true).unwrap();
    let sms_url = format!("http://{}", sms_listener.local_addr().unwrap());
    let clients_url = format!("http://{}", client_listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let gateway = stack.gateway.clone();
    let dispatcher = stack.dispatcher.clone();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            // Created on this runtime, as `serve` does on its own.
            dispatcher.set_delivery_listener(Arc::new(
                alpha_server::otp_delivered::OtpDeliveredToUser::new(
                    alpha_store::repos::PgUserRepo::new(pool),
                    clients.clone(),
                ),
            ));
            ready_tx.send(()).unwrap();
            let (stop_sms, sms_stopped) = tokio::sync::oneshot::channel::<()>();
            let sms = tokio::spawn(gateway.serve(
                tokio::net::TcpListener::from_std(sms_listener).unwrap(),
                async move {
                    let _ = sms_stopped.await;
                },
            ));
            let (stop_clients, clients_stopped) = tokio::sync::oneshot::channel::<()>();
            let client_task = tokio::spawn(clients.serve(
                tokio::net::TcpListener::from_std(client_listener).unwrap(),
                async move {
                    let _ = clients_stopped.await;
                },
            ));
            let _ = stopped.await;
            let _ = stop_sms.send(());
            let _ = stop_clients.send(());
            let _ = tokio::time::timeout(Duration::from_secs(5), sms).await;
            let _ = tokio::time::timeout(Duration::from_secs(5), client_task).await;
        });
    });
    ready_rx.recv_timeout(Duration::from_secs(10)).unwrap();
    let options = HttpOptions {
        body_limit_bytes: settings.http.body_limit_bytes,
        cors_allowed_origins: settings.http.cors_allowed_origins.clone(),
    };
    let app = test::init_service(build_app(state, &options)).await;
    (
        app,
        FullStack {
            sms_url,
            clients_url,
            stop: Some(stop),
            thread: Some(thread),
        },
    )
}
