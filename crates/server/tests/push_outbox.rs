//! Push delivery through the outbox, against a local FCM stub (a real HTTP server answering as
//! Google's token endpoint and FCM HTTP v1 do) and the real PostgreSQL: the token exchange and
//! its caching, topic and token sends, retries on 429/503 honouring `Retry-After`, token cleanup
//! on `UNREGISTERED`, a restart mid-send with no recipient sent twice, scheduled sends, the
//! server without credentials, and the new-listing push on approval with its daily cap.
#![allow(clippy::unwrap_used)]

mod api;
mod fcm;

use std::collections::HashMap;
use std::time::Duration;

use actix_web::http::{Method, StatusCode};
use alpha_kernel::{DomainEvent, UserId};
use alpha_testkit::{TestApp, TestDb, TestSocket};
use api::{authed, call, settings, test_mode, v5};
use diesel::QueryableByName;
use diesel::sql_types::{Nullable, Text};
use diesel_async::RunQueryDsl;
use fcm::{Answer, FcmStub};
use serde_json::{Value, json};
use uuid::Uuid;

const ADMIN: &str = "99361999999";
const SEND: &str = "/api/v1/notifications/admin/send";

/// The application pointed at `stub` (or at nothing), the fixture catalogue seeded.
async fn app(stub: Option<&FcmStub>, extra: &[(&str, &str)]) -> TestApp {
    let mut owned: Vec<(String, String)> = stub.map(FcmStub::settings).unwrap_or_default();
    owned.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    let mut overrides = test_mode();
    overrides.extend(owned.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let t = TestApp::on(TestDb::new().await, settings(&overrides)).await;
    let mut conn = t.db().conn().await;
    let fixture = alpha_store::seed::CatalogSource::File(alpha_testkit::catalogue_fixture());
    alpha_store::seed::run(&mut conn, &fixture).await.unwrap();
    t
}

fn bmw() -> Uuid {
    Uuid::parse_str(&v5("brand:bmw")).unwrap()
}

/// A send to the subscribers of BMW.
fn to_bmw_subscribers() -> Value {
    json!({"title": "T", "body": "B", "type": "brand_subscribers", "targetData": {"brandId": bmw()}})
}

/// A user (no login) with `token` as push token, subscribed to `brand`; returns its uuid.
async fn subscriber(t: &TestApp, phone: &str, token: Option<&str>, brand: Uuid) -> Uuid {
    let user = Uuid::new_v4();
    let token = token.map_or("NULL".to_owned(), |t| format!("'{t}'"));
    api::community::sql(
        t,
        &format!(
            "INSERT INTO users (uuid, name, phone, \"firebaseToken\") \
             VALUES ('{user}', 'Subscriber', '+{phone}', {token}); \
             INSERT INTO brands_user (\"userId\", \"brandId\") VALUES ('{user}', '{brand}');"
        ),
    )
    .await;
    user
}

#[derive(QueryableByName)]
struct Token {
    #[diesel(sql_type = Nullable<Text>)]
    token: Option<String>,
}

async fn push_token(t: &TestApp, user: Uuid) -> Option<String> {
    let mut conn = t.db().conn().await;
    let rows: Vec<Token> = diesel::sql_query(format!(
        "SELECT \"firebaseToken\" AS token FROM users WHERE uuid = '{user}'"
    ))
    .load(&mut conn)
    .await
    .unwrap();
    rows.into_iter().next().and_then(|r| r.token)
}

#[derive(QueryableByName)]
struct Status {
    #[diesel(sql_type = Text)]
    status: String,
}

async fn outbox_statuses(t: &TestApp) -> Vec<String> {
    let mut conn = t.db().conn().await;
    let rows: Vec<Status> = diesel::sql_query("SELECT status FROM notification_outbox ORDER BY id")
        .load(&mut conn)
        .await
        .unwrap();
    rows.into_iter().map(|r| r.status).collect()
}

/// Sends as `admin`; returns the notification's uuid.
async fn send<S, B>(app: &S, admin: &str, body: Value) -> String
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let (status, sent, _) = call(app, authed(Method::POST, SEND, admin, Some(body))).await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    sent["notificationId"].as_str().unwrap().to_owned()
}

/// The history row once it is final (not `sending`), at most 15 s later.
async fn settled<S, B>(app: &S, admin: &str, uuid: &str) -> Value
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let uri = format!("/api/v1/notifications/admin/history/{uuid}");
    for _ in 0..1500 {
        let (status, row, _) = call(app, authed(Method::GET, &uri, admin, None)).await;
        assert_eq!(status, StatusCode::OK, "{row}");
        if row["status"] != "sending" {
            return row;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("notification {uuid} never settled");
}

fn to(target: &str) -> impl Fn(&fcm::Received) -> bool + '_ {
    move |r| r.target == target
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_and_topic_sends_go_out_on_one_cached_access_token() {
    let stub = FcmStub::start();
    let t = app(Some(&stub), &[]).await;
    let worker = t.app.start_push_worker();
    let http = t.http().await;
    let admin = t.admin(&http, ADMIN).await;
    for (i, token) in ["tok-a", "tok-b", "tok-c"].iter().enumerate() {
        subscriber(&t, &format!("9936500000{i}"), Some(token), bmw()).await;
    }
    // Subscribed without a token: not a recipient.
    subscriber(&t, "99365000009", None, bmw()).await;

    let brand = send(
        &http,
        &admin,
        json!({"title": "BMW week", "body": "Offers", "type": "brand_subscribers",
               "targetData": {"brandId": bmw()}, "additionalData": {"screen": "offers", "n": 2}}),
    )
    .await;
    let all = send(
        &http,
        &admin,
        json!({"title": "Hello", "body": "All", "type": "all_users"}),
    )
    .await;
    let topic = send(
        &http,
        &admin,
        json!({"title": "Deals", "body": "Topic", "type": "topic", "topic": "offers"}),
    )
    .await;

    let row = settled(&http, &admin, &brand).await;
    assert_eq!(row["status"], "sent", "{row}");
    assert_eq!(
        (
            row["totalRecipients"].as_i64(),
            row["successfulDeliveries"].as_i64(),
            row["failedDeliveries"].as_i64()
        ),
        (Some(3), Some(3), Some(0))
    );
    for uuid in [&all, &topic] {
        let row = settled(&http, &admin, uuid).await;
        assert_eq!(
            (row["status"].as_str(), row["successfulDeliveries"].as_i64()),
            (Some("sent"), Some(1))
        );
    }

    let received = stub.received();
    let mut targets: Vec<&str> = received.iter().map(|r| r.target.as_str()).collect();
    targets.sort_unstable();
    assert_eq!(
        targets,
        [
            "token:tok-a",
            "token:tok-b",
            "token:tok-c",
            "topic:all",
            "topic:offers"
        ]
    );
    // Five sends, one token exchange, every send carrying it.
    assert_eq!(stub.token_requests(), 1);
    assert_eq!(stub.refused_auth(), 0);
    let brand_push = received.iter().find(|r| r.target == "token:tok-a").unwrap();
    assert_eq!(
        (brand_push.title.as_str(), brand_push.body.as_str()),
        ("BMW week", "Offers")
    );
    assert_eq!(brand_push.data["screen"], "offers");
    assert_eq!(brand_push.data["n"], "2");
    assert_eq!(brand_push.data["notificationId"], brand);
    let keys: std::collections::HashSet<&str> = received.iter().map(fcm::Received::key).collect();
    assert_eq!(keys.len(), 5, "every recipient has its own idempotency key");
    worker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_access_token_is_renewed_before_it_expires_and_after_a_401() {
    let stub = FcmStub::start();
    let t = app(Some(&stub), &[("ALPHA__PUSH__BACKOFF_BASE_MS", "50")]).await;
    let worker = t.app.start_push_worker();
    let http = t.http().await;
    let admin = t.admin(&http, ADMIN).await;
    let topic = |name: &str| json!({"title": "T", "body": "B", "type": "topic", "topic": name});
    // Renewed two minutes before it expires: a 123 s token is good for three seconds.
    stub.token_lifetime(123);
    send(&http, &admin, topic("first")).await;
    stub.wait_for("the first send", |r| r.len() == 1).await;
    send(&http, &admin, topic("second")).await;
    stub.wait_for("the second send", |r| r.len() == 2).await;
    assert_eq!(
        stub.token_requests(),
        1,
        "still cached within its three seconds"
    );
    tokio::time::sleep(Duration::from_millis(3200)).await;
    send(&http, &admin, topic("third")).await;
    stub.wait_for("the third send", |r| r.len() == 3).await;
    assert_eq!(stub.token_requests(), 2, "renewed once it was due");

    // Revoked early: FCM answers 401, the token is dropped and the retry gets a new one.
    stub.token_lifetime(3599);
    stub.revoke_tokens();
    let uuid = send(&http, &admin, topic("fourth")).await;
    let row = settled(&http, &admin, &uuid).await;
    assert_eq!(row["status"], "sent", "{row}");
    assert_eq!(stub.refused_auth(), 1);
    assert_eq!(stub.token_requests(), 3);
    worker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_and_unavailable_sends_are_retried_with_backoff_then_given_up() {
    let stub = FcmStub::start();
    let t = app(
        Some(&stub),
        &[
            ("ALPHA__PUSH__BACKOFF_BASE_MS", "50"),
            ("ALPHA__PUSH__MAX_ATTEMPTS", "3"),
        ],
    )
    .await;
    let worker = t.app.start_push_worker();
    let http = t.http().await;
    let admin = t.admin(&http, ADMIN).await;
    subscriber(&t, "99365000001", Some("tok-busy"), bmw()).await;
    subscriber(&t, "99365000002", Some("tok-down"), bmw()).await;
    stub.script(
        "token:tok-busy",
        &[Answer::Throttled(1), Answer::Unavailable, Answer::Ok],
    );
    stub.script("token:tok-down", &[Answer::Unavailable; 5]);

    let uuid = send(&http, &admin, to_bmw_subscribers()).await;
    let row = settled(&http, &admin, &uuid).await;
    assert_eq!(row["status"], "partial", "{row}");
    assert_eq!(
        (
            row["successfulDeliveries"].as_i64(),
            row["failedDeliveries"].as_i64()
        ),
        (Some(1), Some(1))
    );
    assert!(
        row["errorMessage"].as_str().unwrap().contains("503"),
        "{row}"
    );

    let received = stub.received();
    let busy: Vec<_> = received
        .iter()
        .filter(|r| to("token:tok-busy")(r))
        .collect();
    assert_eq!(
        busy.iter().map(|r| r.answer).collect::<Vec<_>>(),
        [Answer::Throttled(1), Answer::Unavailable, Answer::Ok]
    );
    // Retry-After: 1 outweighs the 50 ms backoff.
    assert!(
        busy[1].at - busy[0].at >= Duration::from_millis(950),
        "{:?}",
        busy[1].at - busy[0].at
    );
    // The same message each time: one idempotency key.
    assert!(busy.iter().all(|r| r.key() == busy[0].key()));
    // Three attempts in all, then failed for good.
    assert_eq!(
        received.iter().filter(|r| to("token:tok-down")(r)).count(),
        3
    );
    worker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unregistered_token_is_cleared_from_its_user_and_not_retried() {
    let stub = FcmStub::start();
    let t = app(Some(&stub), &[]).await;
    let worker = t.app.start_push_worker();
    let http = t.http().await;
    let admin = t.admin(&http, ADMIN).await;
    let gone = subscriber(&t, "99365000001", Some("tok-gone"), bmw()).await;
    let kept = subscriber(&t, "99365000002", Some("tok-kept"), bmw()).await;
    stub.script("token:tok-gone", &[Answer::Unregistered]);

    let uuid = send(&http, &admin, to_bmw_subscribers()).await;
    let row = settled(&http, &admin, &uuid).await;
    assert_eq!(row["status"], "partial", "{row}");
    assert!(
        row["errorMessage"]
            .as_str()
            .unwrap()
            .contains("UNREGISTERED"),
        "{row}"
    );
    assert_eq!(push_token(&t, gone).await, None);
    assert_eq!(push_token(&t, kept).await.as_deref(), Some("tok-kept"));
    assert_eq!(
        stub.received()
            .iter()
            .filter(|r| to("token:tok-gone")(r))
            .count(),
        1
    );

    // The next send to that user is refused up front: they have no token now.
    let (status, body, _) = call(
        &http,
        authed(
            Method::POST,
            SEND,
            &admin,
            Some(json!({"title": "T", "body": "B", "type": "specific_user", "targetData": {"userId": gone}})),
        ),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("USER_HAS_NO_PUSH_TOKEN"))
    );
    worker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_mid_send_resumes_without_sending_anyone_twice() {
    let stub = FcmStub::start();
    let t = app(
        Some(&stub),
        &[
            ("ALPHA__PUSH__CONCURRENCY", "2"),
            ("ALPHA__PUSH__LEASE_SECS", "30"),
        ],
    )
    .await;
    let http = t.http().await;
    let admin = t.admin(&http, ADMIN).await;
    for i in 0..6 {
        subscriber(
            &t,
            &format!("9936500000{i}"),
            Some(&format!("tok-{i}")),
            bmw(),
        )
        .await;
    }
    let uuid = send(&http, &admin, to_bmw_subscribers()).await;

    // The first server answers two sends, then dies with two more in flight.
    stub.hang_after(Some(2));
    let first = t.another_application();
    let worker = first.start_push_worker();
    stub.wait_for("two answered and two in flight", |r| r.len() >= 4)
        .await;
    // `push.concurrency` 2: the other two rows of the batch wait their turn, never sent.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(stub.received().len(), 4, "{:#?}", stub.received());
    drop(worker);
    drop(first);
    let before: Vec<fcm::Received> = stub.received();
    let answered_before: Vec<String> = before
        .iter()
        .filter(|r| r.answer == Answer::Ok)
        .map(|r| r.key().to_owned())
        .collect();
    assert_eq!(answered_before.len(), 2);
    let statuses = outbox_statuses(&t).await;
    assert_eq!(
        statuses.iter().filter(|s| *s == "sent").count(),
        2,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| *s == "sending").count(),
        4,
        "{statuses:?}"
    );

    // The restarted server takes the dead one's rows once their lease has run out.
    stub.hang_after(None);
    t.clock().advance(Duration::from_secs(31));
    let second = t.another_application();
    let worker = second.start_push_worker();
    let row = settled(&http, &admin, &uuid).await;
    assert_eq!(row["status"], "sent", "{row}");
    assert_eq!(row["successfulDeliveries"], 6);
    tokio::time::sleep(Duration::from_millis(200)).await;

    let received = stub.received();
    let mut accepted: HashMap<String, usize> = HashMap::new();
    for r in received.iter().filter(|r| r.answer == Answer::Ok) {
        *accepted.entry(r.key().to_owned()).or_default() += 1;
    }
    assert_eq!(accepted.len(), 6, "every recipient delivered: {accepted:?}");
    assert!(
        accepted.values().all(|n| *n == 1),
        "a recipient was delivered twice: {accepted:?}"
    );
    for key in &answered_before {
        let times = received.iter().filter(|r| r.key() == key).count();
        assert_eq!(
            times, 1,
            "{key} was done before the restart and was sent again"
        );
    }
    worker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_send_goes_out_at_its_time_and_not_before() {
    let stub = FcmStub::start();
    let t = app(Some(&stub), &[]).await;
    let worker = t.app.start_push_worker();
    let http = t.http().await;
    let admin = t.admin(&http, ADMIN).await;
    let at = chrono::Utc::now() + chrono::TimeDelta::hours(1);
    let uuid = send(
        &http,
        &admin,
        json!({"title": "Later", "body": "B", "type": "topic", "topic": "offers",
               "scheduledFor": at.to_rfc3339()}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(stub.received().is_empty());
    let (_, row, _) = call(
        &http,
        authed(
            Method::GET,
            &format!("/api/v1/notifications/admin/history/{uuid}"),
            &admin,
            None,
        ),
    )
    .await;
    assert_eq!(
        (row["status"].as_str(), row["isScheduled"].as_bool()),
        (Some("sending"), Some(true))
    );

    t.clock().advance(Duration::from_secs(3601));
    let row = settled(&http, &admin, &uuid).await;
    assert_eq!(row["status"], "sent", "{row}");
    assert_eq!(stub.received().len(), 1);
    worker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_credentials_the_server_runs_and_pushes_are_recorded_failed() {
    let t = app(None, &[]).await;
    assert!(
        t.settings
            .warnings()
            .iter()
            .any(|w| w.contains("GOOGLE_APPLICATION_CREDENTIALS")),
        "{:?}",
        t.settings.warnings()
    );
    let worker = t.app.start_push_worker();
    let http = t.http().await;
    let admin = t.admin(&http, ADMIN).await;
    let uuid = send(
        &http,
        &admin,
        json!({"title": "T", "body": "B", "type": "all_users"}),
    )
    .await;
    let row = settled(&http, &admin, &uuid).await;
    assert_eq!(row["status"], "failed", "{row}");
    assert_eq!(row["failedDeliveries"], 1);
    assert!(
        row["errorMessage"]
            .as_str()
            .unwrap()
            .contains("GOOGLE_APPLICATION_CREDENTIALS"),
        "{row}"
    );
    worker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approval_tells_the_brand_subscribers_but_not_the_owner_up_to_the_daily_cap() {
    let stub = FcmStub::start();
    let t = app(Some(&stub), &[("ALPHA__PUSH__APPROVAL_DAILY_CAP", "2")]).await;
    let worker = t.app.start_push_worker();
    let http = t.http().await;
    // A subscriber who is logged in, with a push token and an open client socket.
    let (access, _) = t.login(&http, "99361999991").await;
    let (status, _, _) = call(
        &http,
        authed(
            Method::PUT,
            "/api/v1/auth/setFirebase",
            &access,
            Some(json!({"token": "tok-live"})),
        ),
    )
    .await;
    assert!(status.is_success());
    let (_, me, _) = call(&http, authed(Method::GET, "/api/v1/auth/me", &access, None)).await;
    let live = me["uuid"].as_str().unwrap().to_owned();
    api::community::sql(
        &t,
        &format!(
            "INSERT INTO brands_user (\"userId\", \"brandId\") VALUES ('{live}', '{}')",
            bmw()
        ),
    )
    .await;
    let mut socket = TestSocket::client(&t.clients_url, &access).await;
    let owner = subscriber(&t, "99365000001", Some("tok-owner"), bmw()).await;
    let toyota = Uuid::parse_str(&v5("brand:toyota")).unwrap();
    subscriber(&t, "99365000002", Some("tok-toyota"), toyota).await;

    let approve = |post: Uuid| DomainEvent::PostApproved {
        post,
        owner: Some(UserId(owner)),
        brand: Some(bmw()),
        brand_name: Some("BMW".into()),
        model_name: Some("X5".into()),
    };
    let posts = [Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4()];
    let told = async |socket: &mut TestSocket, post: Uuid, pushes: usize| {
        let event = socket.next("notification").await;
        assert_eq!(event["title"], "New BMW X5 listed");
        assert_eq!(event["data"]["postUuid"], post.to_string());
        stub.wait_for("the listing push", |r| r.len() >= pushes)
            .await;
    };
    t.app.events.publish(approve(posts[0]));
    told(&mut socket, posts[0], 1).await;
    // The same approval again (declined and approved anew, or published twice): nobody is told
    // again, and nobody's quota is used up by it.
    t.app.events.publish(approve(posts[0]));
    socket
        .never_within("notification", Duration::from_millis(500))
        .await;
    t.app.events.publish(approve(posts[1]));
    told(&mut socket, posts[1], 2).await;
    // The third approval of the day is over the cap: no push, no socket event.
    t.app.events.publish(approve(posts[2]));
    socket
        .never_within("notification", Duration::from_millis(500))
        .await;

    let received = stub.received();
    assert_eq!(received.len(), 2, "{received:#?}");
    assert!(received.iter().all(|r| r.target == "token:tok-live"));
    assert_eq!(received[0].title, "New BMW X5 listed");
    let told: Vec<&str> = received
        .iter()
        .map(|r| r.data["postUuid"].as_str())
        .collect();
    assert_eq!(told, [posts[0].to_string(), posts[1].to_string()]);
    socket.close().await;
    worker.stop().await;
}

#[actix_web::test]
async fn an_admins_approval_in_the_moderation_queue_reaches_the_brands_subscribers() {
    let stub = FcmStub::start();
    let t = app(Some(&stub), &[]).await;
    let worker = t.app.start_push_worker();
    let http = t.http().await;
    subscriber(&t, "99365000002", Some("tok-fan"), bmw()).await;
    let (seller, _) = t.login(&http, "99361999991").await;
    let model = v5("model:bmw:x5");
    let (status, created, _) = call(
        &http,
        authed(
            Method::POST,
            "/api/v1/posts",
            &seller,
            Some(json!({"brandsId": bmw(), "modelsId": model, "price": 1000, "currency": "TMT"})),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let post = created["uuid"].as_str().unwrap().to_owned();
    let admin = t.admin(&http, "99361999999").await;
    // Declining tells nobody; the approval does.
    for decision in ["declined", "approved"] {
        let (status, body, _) = call(
            &http,
            authed(
                Method::POST,
                &format!("/api/v1/admin/posts/{post}/moderation"),
                &admin,
                Some(json!({"status": decision})),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    stub.wait_for("the approval push", |r| !r.is_empty()).await;
    let received = stub.received();
    assert_eq!(received.len(), 1, "{received:#?}");
    assert_eq!(received[0].target, "token:tok-fan");
    assert_eq!(received[0].data["postUuid"], post.as_str());
    assert!(
        received[0].title.to_lowercase().contains("bmw"),
        "{}",
        received[0].title
    );
    worker.stop().await;
}
