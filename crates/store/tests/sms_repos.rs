//! The SMS adapters (`PgDispatchRepo`, `PgDeviceDirectory`, and the settling side of
//! `PgSmsQueue`) against a real database: every method, and races for the invariants concurrent
//! events could break.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use alpha_kernel::{Phone, RepoError};
use alpha_otp::{DispatchStatus, NewOtp, OtpId, OtpPurpose, OtpRepo};
use alpha_sms_dispatch::{
    AttemptOutcome, AttemptRecord, CorrelationId, DeviceDirectory, DeviceKey, DeviceStatus,
    DispatchRepo, MessageId, QueuedSms, SmsQueue,
};
use alpha_store::pool::{PgPool, PoolSettings, build_pool};
use alpha_store::repos::{PgDeviceDirectory, PgDispatchRepo, PgOtpRepo, PgSmsQueue};
use alpha_testkit::TestDb;
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use futures_util::future::join_all;
use support::{count, text};
use uuid::Uuid;

/// Callers racing in each concurrency test.
const RACERS: usize = 20;

// ---------------------------------------------------------------------------------------------
// helpers

fn pool(db: &TestDb) -> PgPool {
    build_pool(
        db.url(),
        PoolSettings {
            max_size: RACERS + 4,
            wait_timeout: Duration::from_secs(10),
            statement_timeout: Duration::from_secs(10),
        },
    )
    .unwrap()
}

/// The current time at PostgreSQL's precision (microseconds), so values read back compare equal.
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn key(id: &str) -> DeviceKey {
    DeviceKey(id.to_owned())
}

/// A live OTP row, for the attempt log's foreign key and the status tests.
async fn one_otp(pool: &PgPool) -> OtpId {
    let created_at = now();
    let id = OtpId(Uuid::new_v4());
    PgOtpRepo::new(pool.clone())
        .replace_live(NewOtp {
            id,
            phone: Phone::from_stored(format!("+9936{:07}", Uuid::new_v4().as_u128() % 10_000_000)),
            purpose: OtpPurpose::Login,
            code_hash: "hash".to_owned(),
            created_at,
            expires_at: created_at + TimeDelta::seconds(300),
            max_attempts: 5,
            ip_address: None,
            user_agent: None,
        })
        .await
        .unwrap();
    id
}

fn attempt(
    correlation_id: Uuid,
    otp_id: OtpId,
    outcome: AttemptOutcome,
    at: DateTime<Utc>,
) -> AttemptRecord {
    AttemptRecord {
        correlation_id: CorrelationId(correlation_id),
        otp_id,
        device: key("dev-1"),
        attempt: 1,
        outcome,
        error: None,
        at,
    }
}

async fn otp_status(conn: &mut AsyncPgConnection, id: OtpId) -> String {
    text(
        conn,
        &format!(
            "SELECT \"dispatchStatus\"::text AS snapshot FROM otp_codes WHERE id = '{}'",
            id.0
        ),
    )
    .await
}

#[derive(QueryableByName, Debug, PartialEq)]
struct MessageRow {
    #[diesel(sql_type = Text)]
    device_id: String,
    #[diesel(sql_type = Integer)]
    attempt: i32,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Nullable<Text>)]
    error: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    updated_at: DateTime<Utc>,
}

async fn message(conn: &mut AsyncPgConnection, correlation_id: Uuid) -> MessageRow {
    let mut rows: Vec<MessageRow> = diesel::sql_query(format!(
        "SELECT device_id, attempt, status, error, created_at, updated_at \
         FROM sms_messages WHERE correlation_id = '{correlation_id}'"
    ))
    .load(conn)
    .await
    .unwrap();
    assert_eq!(rows.len(), 1);
    rows.remove(0)
}

// ---------------------------------------------------------------------------------------------
// PgDispatchRepo

#[tokio::test]
async fn record_attempt_inserts_once_then_updates_the_same_row() {
    let db = TestDb::new().await;
    let pool = pool(&db);
    let repo = PgDispatchRepo::new(pool.clone());
    let otp = one_otp(&pool).await;
    let cid = Uuid::new_v4();
    let t0 = now();

    repo.record_attempt(AttemptRecord {
        attempt: 2,
        ..attempt(cid, otp, AttemptOutcome::Pending, t0)
    })
    .await
    .unwrap();
    let mut conn = db.conn().await;
    assert_eq!(
        message(&mut conn, cid).await,
        MessageRow {
            device_id: "dev-1".to_owned(),
            attempt: 2,
            status: "pending".to_owned(),
            error: None,
            created_at: t0,
            updated_at: t0,
        }
    );

    let t1 = t0 + TimeDelta::seconds(3);
    repo.record_attempt(AttemptRecord {
        attempt: 2,
        error: Some("RESULT_ERROR_NO_SERVICE".to_owned()),
        ..attempt(cid, otp, AttemptOutcome::Failed, t1)
    })
    .await
    .unwrap();
    let row = message(&mut conn, cid).await;
    assert_eq!(row.status, "failed");
    assert_eq!(row.error.as_deref(), Some("RESULT_ERROR_NO_SERVICE"));
    assert_eq!(row.created_at, t0, "created_at is the first write's");
    assert_eq!(row.updated_at, t1);
    assert_eq!(
        count(&mut conn, "SELECT count(*) AS n FROM sms_messages").await,
        1
    );
}

#[tokio::test]
async fn record_attempt_ignores_a_write_older_than_the_stored_one() {
    let db = TestDb::new().await;
    let pool = pool(&db);
    let repo = PgDispatchRepo::new(pool.clone());
    let otp = one_otp(&pool).await;
    let cid = Uuid::new_v4();
    let t0 = now();
    let t1 = t0 + TimeDelta::seconds(2);

    // The later outcome lands first, as it can when writes run on separate tasks.
    repo.record_attempt(attempt(cid, otp, AttemptOutcome::Delivered, t1))
        .await
        .unwrap();
    repo.record_attempt(attempt(cid, otp, AttemptOutcome::Pending, t0))
        .await
        .unwrap();
    let mut conn = db.conn().await;
    let row = message(&mut conn, cid).await;
    assert_eq!(row.status, "delivered");
    assert_eq!(row.updated_at, t1);
}

#[tokio::test]
async fn record_attempt_stores_every_outcome_label_and_bounds_the_error() {
    let db = TestDb::new().await;
    let pool = pool(&db);
    let repo = PgDispatchRepo::new(pool.clone());
    let otp = one_otp(&pool).await;
    let mut conn = db.conn().await;
    for outcome in [
        AttemptOutcome::Pending,
        AttemptOutcome::Sent,
        AttemptOutcome::Delivered,
        AttemptOutcome::Failed,
        AttemptOutcome::TimedOut,
        AttemptOutcome::Disconnected,
    ] {
        let cid = Uuid::new_v4();
        repo.record_attempt(AttemptRecord {
            error: Some("x".repeat(10_000)),
            ..attempt(cid, otp, outcome, now())
        })
        .await
        .unwrap();
        let row = message(&mut conn, cid).await;
        assert_eq!(row.status, outcome.as_str());
        assert_eq!(row.error.unwrap().len(), 500);
    }
}

#[tokio::test]
async fn attempts_need_their_code_and_go_with_it() {
    let db = TestDb::new().await;
    let pool = pool(&db);
    let repo = PgDispatchRepo::new(pool.clone());

    let unknown = repo
        .record_attempt(attempt(
            Uuid::new_v4(),
            OtpId(Uuid::new_v4()),
            AttemptOutcome::Pending,
            now(),
        ))
        .await;
    assert!(matches!(unknown, Err(RepoError::Other(_))), "{unknown:?}");

    let otp = one_otp(&pool).await;
    repo.record_attempt(attempt(Uuid::new_v4(), otp, AttemptOutcome::Sent, now()))
        .await
        .unwrap();
    let mut conn = db.conn().await;
    diesel::sql_query(format!("DELETE FROM otp_codes WHERE id = '{}'", otp.0))
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        count(&mut conn, "SELECT count(*) AS n FROM sms_messages").await,
        0
    );
}

#[tokio::test]
async fn set_otp_status_follows_the_dispatch_but_never_leaves_delivered() {
    let db = TestDb::new().await;
    let pool = pool(&db);
    let repo = PgDispatchRepo::new(pool.clone());
    let otp = one_otp(&pool).await;
    let mut conn = db.conn().await;
    assert_eq!(otp_status(&mut conn, otp).await, "pending");

    repo.set_otp_status(otp, DispatchStatus::Sent)
        .await
        .unwrap();
    assert_eq!(otp_status(&mut conn, otp).await, "sent");
    repo.set_otp_status(otp, DispatchStatus::Failed)
        .await
        .unwrap();
    assert_eq!(otp_status(&mut conn, otp).await, "failed");
    repo.set_otp_status(otp, DispatchStatus::Delivered)
        .await
        .unwrap();
    assert_eq!(otp_status(&mut conn, otp).await, "delivered");

    for later in [
        DispatchStatus::Sent,
        DispatchStatus::Failed,
        DispatchStatus::Pending,
    ] {
        repo.set_otp_status(otp, later).await.unwrap();
        assert_eq!(otp_status(&mut conn, otp).await, "delivered");
    }

    // A code deleted meanwhile is not an error.
    repo.set_otp_status(OtpId(Uuid::new_v4()), DispatchStatus::Sent)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn delivered_survives_concurrent_sent_updates() {
    let db = TestDb::new().await;
    let pool = pool(&db);
    let repo = Arc::new(PgDispatchRepo::new(pool.clone()));
    let otp = one_otp(&pool).await;
    let writes = (0..RACERS).map(|i| {
        let repo = Arc::clone(&repo);
        let status = if i == RACERS / 2 {
            DispatchStatus::Delivered
        } else {
            DispatchStatus::Sent
        };
        tokio::spawn(async move { repo.set_otp_status(otp, status).await })
    });
    for done in join_all(writes).await {
        done.unwrap().unwrap();
    }
    let mut conn = db.conn().await;
    assert_eq!(otp_status(&mut conn, otp).await, "delivered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn count_device_outcome_counts_every_outcome_of_a_known_device() {
    let db = TestDb::new().await;
    let pool = pool(&db);
    let repo = Arc::new(PgDispatchRepo::new(pool.clone()));
    let devices = PgDeviceDirectory::new(pool.clone());
    devices
        .mark_connected(&key("dev-1"), "tm", true, now())
        .await
        .unwrap();

    let writes = (0..RACERS).map(|i| {
        let repo = Arc::clone(&repo);
        tokio::spawn(async move { repo.count_device_outcome(&key("dev-1"), i % 4 != 0).await })
    });
    for done in join_all(writes).await {
        done.unwrap().unwrap();
    }
    // No row, nothing to count and nothing created.
    repo.count_device_outcome(&key("ghost"), true)
        .await
        .unwrap();

    let listed = devices.list().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].key, key("dev-1"));
    assert_eq!(listed[0].sent_count, 15);
    assert_eq!(listed[0].failed_count, 5);
}

// ---------------------------------------------------------------------------------------------
// PgDeviceDirectory

#[tokio::test]
async fn create_makes_a_uuid_device_whose_credential_can_be_read() {
    let db = TestDb::new().await;
    let devices = PgDeviceDirectory::new(pool(&db));
    let id = devices
        .create(
            "Pixel 7",
            "tm",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
        )
        .await
        .unwrap();
    assert!(Uuid::parse_str(&id.0).is_ok(), "{id:?}");

    let credential = devices.credential(&id).await.unwrap().unwrap();
    assert_eq!(credential.key, id);
    assert_eq!(credential.name, "Pixel 7");
    assert_eq!(credential.region, "tm");
    assert_eq!(
        credential.token_hash,
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"
    );
    assert!(credential.enabled);

    let view = devices.list().await.unwrap();
    assert_eq!(view.len(), 1);
    assert_eq!(view[0].name.as_deref(), Some("Pixel 7"));
    assert!(!view[0].connected, "created, not yet connected");
    assert_eq!(view[0].last_seen, None);
    assert_eq!((view[0].sent_count, view[0].failed_count), (0, 0));

    assert!(devices.credential(&key("unknown")).await.unwrap().is_none());
}

#[tokio::test]
async fn create_with_id_uses_the_given_id_and_refuses_a_taken_one() {
    let db = TestDb::new().await;
    let devices = PgDeviceDirectory::new(pool(&db));
    devices
        .create_with_id(&key("chosen"), "A", "tm", "hash-a")
        .await
        .unwrap();
    assert_eq!(
        devices
            .credential(&key("chosen"))
            .await
            .unwrap()
            .unwrap()
            .token_hash,
        "hash-a"
    );
    let again = devices
        .create_with_id(&key("chosen"), "B", "tm", "hash-b")
        .await;
    assert!(matches!(again, Err(RepoError::Other(_))), "{again:?}");
    let too_long = devices
        .create_with_id(&key(&"x".repeat(65)), "C", "tm", "hash-c")
        .await;
    assert!(matches!(too_long, Err(RepoError::Other(_))), "{too_long:?}");
}

#[tokio::test]
async fn shared_token_devices_get_a_row_on_connect_but_no_credential() {
    let db = TestDb::new().await;
    let devices = PgDeviceDirectory::new(pool(&db));
    let t0 = now();
    devices
        .mark_connected(&key("android-42"), "tm", true, t0)
        .await
        .unwrap();

    assert!(
        devices
            .credential(&key("android-42"))
            .await
            .unwrap()
            .is_none()
    );
    let view = devices.list().await.unwrap();
    assert_eq!(view.len(), 1);
    assert_eq!(view[0].key, key("android-42"));
    assert_eq!(view[0].name, None);
    assert_eq!(view[0].region, "tm");
    assert!(view[0].enabled);
    assert!(view[0].connected);
    assert_eq!(view[0].last_seen, Some(t0));
}

#[tokio::test]
async fn mark_connected_updates_the_row_and_last_seen_never_goes_back() {
    let db = TestDb::new().await;
    let devices = PgDeviceDirectory::new(pool(&db));
    let id = devices.create("Pixel", "tm", "hash").await.unwrap();
    let t0 = now();

    devices.mark_connected(&id, "tm", true, t0).await.unwrap();
    let t1 = t0 + TimeDelta::seconds(30);
    devices.mark_connected(&id, "ru", false, t1).await.unwrap();
    let view = devices.list().await.unwrap();
    assert_eq!(view.len(), 1);
    assert!(!view[0].connected);
    assert_eq!(view[0].region, "ru");
    assert_eq!(view[0].last_seen, Some(t1));
    assert_eq!(view[0].name.as_deref(), Some("Pixel"), "name kept");
    assert!(
        devices.credential(&id).await.unwrap().is_some(),
        "hash kept"
    );

    // An event stamped earlier than the last one seen does not rewind last_seen.
    devices.mark_connected(&id, "tm", true, t0).await.unwrap();
    let view = devices.list().await.unwrap();
    assert!(view[0].connected);
    assert_eq!(view[0].last_seen, Some(t1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_first_connects_make_one_row() {
    let db = TestDb::new().await;
    let devices = Arc::new(PgDeviceDirectory::new(pool(&db)));
    let t = now();
    let connects = (0..RACERS).map(|_| {
        let devices = Arc::clone(&devices);
        tokio::spawn(async move {
            devices
                .mark_connected(&key("android-1"), "tm", true, t)
                .await
        })
    });
    for done in join_all(connects).await {
        done.unwrap().unwrap();
    }
    let mut conn = db.conn().await;
    assert_eq!(
        count(&mut conn, "SELECT count(*) AS n FROM sms_devices").await,
        1
    );
}

#[tokio::test]
async fn record_status_stores_the_latest_heartbeat() {
    let db = TestDb::new().await;
    let devices = PgDeviceDirectory::new(pool(&db));
    let t0 = now();
    devices
        .mark_connected(&key("dev-1"), "tm", true, t0)
        .await
        .unwrap();

    let t1 = t0 + TimeDelta::seconds(10);
    let full = DeviceStatus {
        battery_level: Some(87),
        signal_strength: Some(-71),
        pending_sms: Some(2),
    };
    devices
        .record_status(&key("dev-1"), full, t1)
        .await
        .unwrap();
    let view = devices.list().await.unwrap();
    assert_eq!(view[0].battery_level, Some(87));
    assert_eq!(view[0].signal_strength, Some(-71));
    assert_eq!(view[0].pending_sms, Some(2));
    assert_eq!(view[0].last_seen, Some(t1));

    // The next heartbeat replaces the whole snapshot.
    let t2 = t1 + TimeDelta::seconds(10);
    let partial = DeviceStatus {
        battery_level: Some(86),
        ..DeviceStatus::default()
    };
    devices
        .record_status(&key("dev-1"), partial, t2)
        .await
        .unwrap();
    let view = devices.list().await.unwrap();
    assert_eq!(view[0].battery_level, Some(86));
    assert_eq!(view[0].signal_strength, None);
    assert_eq!(view[0].pending_sms, None);
    assert_eq!(view[0].last_seen, Some(t2));

    // Unknown device: nothing to update and no row made.
    devices
        .record_status(&key("ghost"), full, t2)
        .await
        .unwrap();
    assert_eq!(devices.list().await.unwrap().len(), 1);
}

#[tokio::test]
async fn list_orders_by_region_then_id() {
    let db = TestDb::new().await;
    let devices = PgDeviceDirectory::new(pool(&db));
    let t = now();
    for (id, region) in [("b", "tm"), ("z", "kz"), ("a", "tm"), ("c", "kz")] {
        devices
            .mark_connected(&key(id), region, true, t)
            .await
            .unwrap();
    }
    let order: Vec<(String, String)> = devices
        .list()
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.region, d.key.0))
        .collect();
    assert_eq!(
        order,
        [("kz", "c"), ("kz", "z"), ("tm", "a"), ("tm", "b")]
            .map(|(r, i)| (r.to_owned(), i.to_owned()))
    );
    assert!(
        PgDeviceDirectory::new(pool(&TestDb::new().await))
            .list()
            .await
            .unwrap()
            .is_empty()
    );
}

// ---------------------------------------------------------------------------------------------
// PgSmsQueue: settling a message and expiring messages move the code's status in the same
// transaction

/// A fresh database with the queue on it, and a connection for looking at the tables.
struct QueueDb {
    _db: TestDb,
    pool: PgPool,
    queue: PgSmsQueue,
    conn: AsyncPgConnection,
}

impl QueueDb {
    async fn new() -> Self {
        let db = TestDb::new().await;
        let pool = pool(&db);
        let conn = db.conn().await;
        Self {
            queue: PgSmsQueue::new(pool.clone()),
            pool,
            conn,
            _db: db,
        }
    }
}

/// Queues a waiting message for `otp`, expiring at `expires_at`.
async fn queued(queue: &PgSmsQueue, otp: OtpId, expires_at: DateTime<Utc>) -> MessageId {
    let id = MessageId(Uuid::new_v4());
    let sms = QueuedSms {
        id,
        otp_id: otp,
        phone: "+99365000000".to_owned(),
        text: "code".to_owned(),
        expires_at,
        attempts: 0,
        tried: Vec::new(),
        abandoned: None,
    };
    queue.enqueue(&sms, None).await.unwrap();
    id
}

async fn in_queue(conn: &mut AsyncPgConnection, id: MessageId) -> i64 {
    count(
        conn,
        &format!("SELECT count(*) AS n FROM sms_queue WHERE id = '{}'", id.0),
    )
    .await
}

/// Makes every later status write on `otp_codes` fail, as a lost connection or a crash would
/// halfway through a settle.
async fn break_status_writes(conn: &mut AsyncPgConnection) {
    for statement in [
        "CREATE FUNCTION refuse_status() RETURNS trigger LANGUAGE plpgsql AS \
         $$ BEGIN RAISE EXCEPTION 'status writes are down'; END $$",
        "CREATE TRIGGER refuse_status BEFORE UPDATE ON otp_codes \
         FOR EACH ROW EXECUTE FUNCTION refuse_status()",
    ] {
        diesel::sql_query(statement).execute(conn).await.unwrap();
    }
}

#[tokio::test]
async fn settle_removes_the_message_and_sets_its_status_together() {
    let mut q = QueueDb::new().await;
    let otp = one_otp(&q.pool).await;
    let id = queued(&q.queue, otp, now() + TimeDelta::seconds(300)).await;

    q.queue.settle(id, otp, DispatchStatus::Sent).await.unwrap();
    assert_eq!(in_queue(&mut q.conn, id).await, 0);
    assert_eq!(otp_status(&mut q.conn, otp).await, "sent");

    // `delivered` is final here too: a later settle removes its message but keeps the status.
    PgDispatchRepo::new(q.pool.clone())
        .set_otp_status(otp, DispatchStatus::Delivered)
        .await
        .unwrap();
    let again = queued(&q.queue, otp, now() + TimeDelta::seconds(300)).await;
    q.queue
        .settle(again, otp, DispatchStatus::Failed)
        .await
        .unwrap();
    assert_eq!(in_queue(&mut q.conn, again).await, 0);
    assert_eq!(otp_status(&mut q.conn, otp).await, "delivered");
}

#[tokio::test]
async fn a_settle_whose_status_write_fails_leaves_the_message_queued() {
    let mut q = QueueDb::new().await;
    let otp = one_otp(&q.pool).await;
    let id = queued(&q.queue, otp, now() + TimeDelta::seconds(300)).await;
    break_status_writes(&mut q.conn).await;

    let refused = q.queue.settle(id, otp, DispatchStatus::Sent).await;
    assert!(refused.is_err(), "{refused:?}");
    // Neither half happened: the message will be offered again, never lost.
    assert_eq!(in_queue(&mut q.conn, id).await, 1);
    assert_eq!(otp_status(&mut q.conn, otp).await, "pending");
}

#[tokio::test]
async fn expire_removes_expired_waiting_messages_and_fails_their_codes() {
    let mut q = QueueDb::new().await;
    let t = now();
    let (old, live) = (one_otp(&q.pool).await, one_otp(&q.pool).await);
    let old_message = queued(&q.queue, old, t - TimeDelta::seconds(1)).await;
    let live_message = queued(&q.queue, live, t + TimeDelta::seconds(300)).await;

    assert_eq!(q.queue.expire(t).await.unwrap(), vec![old]);
    assert_eq!(in_queue(&mut q.conn, old_message).await, 0);
    assert_eq!(otp_status(&mut q.conn, old).await, "failed");
    assert_eq!(in_queue(&mut q.conn, live_message).await, 1);
    assert_eq!(otp_status(&mut q.conn, live).await, "pending");
    assert!(
        q.queue.expire(t).await.unwrap().is_empty(),
        "nothing left to expire"
    );
}

#[tokio::test]
async fn an_expire_whose_status_write_fails_removes_nothing() {
    let mut q = QueueDb::new().await;
    let t = now();
    let otp = one_otp(&q.pool).await;
    let id = queued(&q.queue, otp, t - TimeDelta::seconds(1)).await;
    break_status_writes(&mut q.conn).await;

    assert!(q.queue.expire(t).await.is_err());
    assert_eq!(in_queue(&mut q.conn, id).await, 1);
}
