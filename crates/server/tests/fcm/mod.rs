//! A local stand-in for Google's OAuth2 token endpoint and the FCM HTTP v1 send API: a real
//! HTTP server on 127.0.0.1:0 that checks what a real one checks (the RS256 assertion, the
//! bearer token, the message's shape), answers as FCM does (including scripted 429, 503 and
//! 404 `UNREGISTERED`), and records everything it received.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::{HashMap, VecDeque};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Value, json};

pub const PROJECT: &str = "alpha-test";
const KEY: &str = include_str!("../fixtures/fcm-test-key.pem");
const PUBLIC_KEY: &str = include_str!("../fixtures/fcm-test-key.pub.pem");
const CLIENT_EMAIL: &str = "push@alpha-test.iam.gserviceaccount.com";

/// One scripted answer to a send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Ok,
    /// 429 `QUOTA_EXCEEDED` with this `Retry-After` (seconds).
    Throttled(u64),
    /// 503 `UNAVAILABLE`.
    Unavailable,
    /// 404 `UNREGISTERED`.
    Unregistered,
    /// Never answers (a send in flight when the sending server dies).
    Hang,
}

/// One `messages:send` the stub received.
#[derive(Debug, Clone)]
pub struct Received {
    /// `token:<t>` or `topic:<t>`.
    pub target: String,
    pub title: String,
    pub body: String,
    pub data: HashMap<String, String>,
    pub answer: Answer,
    pub at: std::time::Instant,
}

impl Received {
    pub fn key(&self) -> &str {
        self.data.get("idempotencyKey").map_or("", String::as_str)
    }
}

#[derive(Default)]
struct State {
    token_requests: usize,
    issued: Vec<String>,
    received: Vec<Received>,
    /// Answers per target, in order; then `default`.
    scripts: HashMap<String, VecDeque<Answer>>,
    /// Sends answered Ok before every later one hangs (the crash test).
    hang_after: Option<usize>,
    refused_auth: usize,
    /// `expires_in` of the tokens issued (Google's: 3599).
    expires_in: Option<u64>,
}

#[derive(Clone)]
pub struct FcmStub {
    state: Arc<Mutex<State>>,
    pub url: String,
    credentials: Arc<tempfile::TempPath>,
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: String,
    assertion: String,
}

#[derive(Deserialize)]
struct Assertion {
    iss: String,
    scope: String,
}

async fn token(
    state: web::Data<Arc<Mutex<State>>>,
    url: web::Data<String>,
    form: web::Form<TokenForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[format!("{}/token", url.get_ref())]);
    let key = DecodingKey::from_rsa_pem(PUBLIC_KEY.as_bytes()).unwrap();
    let claims = jsonwebtoken::decode::<Assertion>(&form.assertion, &key, &validation);
    let valid = form.grant_type == "urn:ietf:params:oauth:grant-type:jwt-bearer"
        && claims.as_ref().is_ok_and(|c| {
            c.claims.iss == CLIENT_EMAIL
                && c.claims.scope == "https://www.googleapis.com/auth/firebase.messaging"
        });
    if !valid {
        return HttpResponse::BadRequest().json(json!({"error": "invalid_grant"}));
    }
    let mut state = state.lock().unwrap();
    state.token_requests += 1;
    let issued = format!("ya29.stub-{}", state.token_requests);
    state.issued.push(issued.clone());
    let expires_in = state.expires_in.unwrap_or(3599);
    HttpResponse::Ok()
        .json(json!({"access_token": issued, "expires_in": expires_in, "token_type": "Bearer"}))
}

fn fcm_error(status: u16, grpc: &str, code: &str) -> Value {
    json!({"error": {"code": status, "message": "stub", "status": grpc, "details": [
        {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": code}
    ]}})
}

async fn send(
    state: web::Data<Arc<Mutex<State>>>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<Value>,
) -> HttpResponse {
    let bearer = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let message = &body["message"];
    let target = match (message["token"].as_str(), message["topic"].as_str()) {
        (Some(token), None) => format!("token:{token}"),
        (None, Some(topic)) => format!("topic:{topic}"),
        _ => {
            return HttpResponse::BadRequest().json(fcm_error(
                400,
                "INVALID_ARGUMENT",
                "INVALID_ARGUMENT",
            ));
        }
    };
    let answer = {
        let mut state = state.lock().unwrap();
        if path.as_str() != PROJECT || !bearer.is_some_and(|b| state.issued.contains(&b)) {
            state.refused_auth += 1;
            return HttpResponse::Unauthorized()
                .json(json!({"error": {"code": 401, "status": "UNAUTHENTICATED"}}));
        }
        let answered = state
            .received
            .iter()
            .filter(|r| r.answer != Answer::Hang)
            .count();
        let scripted = state.scripts.get_mut(&target).and_then(VecDeque::pop_front);
        let answer = match (state.hang_after, scripted) {
            (Some(limit), _) if answered >= limit => Answer::Hang,
            (_, Some(answer)) => answer,
            _ => Answer::Ok,
        };
        let data = message["data"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        state.received.push(Received {
            target,
            title: message["notification"]["title"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            body: message["notification"]["body"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            data,
            answer,
            at: std::time::Instant::now(),
        });
        answer
    };
    match answer {
        Answer::Ok => HttpResponse::Ok()
            .json(json!({"name": format!("projects/{PROJECT}/messages/{}", uuid::Uuid::new_v4())})),
        Answer::Throttled(secs) => HttpResponse::TooManyRequests()
            .insert_header(("Retry-After", secs.to_string()))
            .json(fcm_error(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED")),
        Answer::Unavailable => {
            HttpResponse::ServiceUnavailable().json(fcm_error(503, "UNAVAILABLE", "UNAVAILABLE"))
        }
        Answer::Unregistered => {
            HttpResponse::NotFound().json(fcm_error(404, "NOT_FOUND", "UNREGISTERED"))
        }
        Answer::Hang => {
            std::future::pending::<()>().await;
            HttpResponse::Ok().finish()
        }
    }
}

impl FcmStub {
    /// Starts the stub on the current tokio runtime and writes a service-account JSON whose
    /// `token_uri` points at it.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State::default()));
        let (data, base) = (state.clone(), url.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(data.clone()))
                .app_data(web::Data::new(base.clone()))
                .route("/token", web::post().to(token))
                .route("/v1/projects/{project}/messages:send", web::post().to(send))
        })
        .workers(1)
        .disable_signals()
        .shutdown_timeout(0)
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        let account = json!({
            "type": "service_account",
            "project_id": PROJECT,
            "private_key_id": "stub-key-1",
            "private_key": KEY,
            "client_email": CLIENT_EMAIL,
            "client_id": "1",
            "token_uri": format!("{url}/token"),
        });
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, account.to_string().as_bytes()).unwrap();
        Self {
            state,
            url,
            credentials: Arc::new(file.into_temp_path()),
        }
    }

    pub fn credentials_path(&self) -> PathBuf {
        self.credentials.to_path_buf()
    }

    /// Settings overrides that point the server at this stub, with a quick worker.
    pub fn settings(&self) -> Vec<(String, String)> {
        vec![
            (
                "GOOGLE_APPLICATION_CREDENTIALS".into(),
                self.credentials_path().display().to_string(),
            ),
            ("FCM_BASE_URL".into(), self.url.clone()),
            ("ALPHA__PUSH__POLL_INTERVAL_MS".into(), "20".into()),
            ("ALPHA__PUSH__REQUEST_TIMEOUT_SECS".into(), "5".into()),
        ]
    }

    /// The next answers to sends to `target` (`token:<t>` or `topic:<t>`).
    pub fn script(&self, target: &str, answers: &[Answer]) {
        let mut state = self.state.lock().unwrap();
        state
            .scripts
            .entry(target.to_owned())
            .or_default()
            .extend(answers.iter().cloned());
    }

    /// Answers `n` sends Ok, then leaves every later one unanswered; `None` answers all again.
    pub fn hang_after(&self, n: Option<usize>) {
        self.state.lock().unwrap().hang_after = n;
    }

    /// Issues tokens that expire after `secs` from now on.
    pub fn token_lifetime(&self, secs: u64) {
        self.state.lock().unwrap().expires_in = Some(secs);
    }

    /// Forgets every token issued so far (a revoked token): sends with one get 401.
    pub fn revoke_tokens(&self) {
        self.state.lock().unwrap().issued.clear();
    }

    pub fn token_requests(&self) -> usize {
        self.state.lock().unwrap().token_requests
    }

    pub fn refused_auth(&self) -> usize {
        self.state.lock().unwrap().refused_auth
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    /// Waits until `done` holds for what was received (at most 15 s).
    pub async fn wait_for(&self, what: &str, done: impl Fn(&[Received]) -> bool) {
        for _ in 0..1500 {
            if done(&self.received()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!(
            "FCM stub: timed out waiting for {what}; received {:#?}",
            self.received()
        );
    }
}
