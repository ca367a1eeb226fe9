//! The PostgreSQL adapters of the domain ports against a real database: every method, and races
//! for each invariant that concurrent requests could break.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use alpha_auth::{
    NewSession, ProfileChanges, Role, SessionRepo, UpdateOutcome, UserRecord, UserRepo,
};
use alpha_kernel::{Phone, RateDecision, RateLimiter, RepoError, SessionId, UserId};
use alpha_otp::{AttemptRecord, DispatchStatus, NewOtp, OtpId, OtpPurpose, OtpRepo};
use alpha_store::pool::{PgPool, PoolSettings, build_pool};
use alpha_store::repos::{PgOtpRepo, PgRateLimiter, PgSessionRepo, PgUserRepo};
use alpha_store::schema::{otp_codes, sessions, users};
use alpha_testkit::TestDb;
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use futures_util::future::join_all;
use support::{count, text};
use tokio::sync::Barrier;
use uuid::Uuid;

/// Callers racing in each concurrency test.
const RACERS: usize = 20;

// ---------------------------------------------------------------------------------------------
// helpers

/// A pool large enough that every racer holds its own connection at the same time.
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

/// Opens `n` connections up front, so racers do not queue behind connection set-up and really
/// run their statements at the same time.
async fn warm(pool: &PgPool, n: usize) {
    let conns: Vec<_> = join_all((0..n).map(|_| pool.get()))
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    // Returned to the pool here, open and idle.
    drop(conns);
}

/// The current time at PostgreSQL's precision (microseconds), so values read back compare equal.
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn phone(n: u32) -> Phone {
    Phone::from_stored(format!("+9936{n:07}"))
}

fn new_otp(phone: &Phone, created_at: DateTime<Utc>, max_attempts: i32) -> NewOtp {
    NewOtp {
        id: OtpId(Uuid::new_v4()),
        phone: phone.clone(),
        purpose: OtpPurpose::Login,
        code_hash: format!("hash-{}", Uuid::new_v4()),
        created_at,
        expires_at: created_at + TimeDelta::seconds(300),
        max_attempts,
        ip_address: Some("203.0.113.7".to_owned()),
        user_agent: Some("test-agent".to_owned()),
    }
}

async fn one_otp(repo: &PgOtpRepo, max_attempts: i32) -> NewOtp {
    let otp = new_otp(&phone(1), now(), max_attempts);
    repo.replace_live(otp.clone()).await.unwrap();
    otp
}

async fn attempts_of(conn: &mut AsyncPgConnection, id: OtpId) -> i32 {
    otp_codes::table
        .find(id.0)
        .select(otp_codes::attempts)
        .first(conn)
        .await
        .unwrap()
}

async fn consumed_at_of(conn: &mut AsyncPgConnection, id: OtpId) -> Option<DateTime<Utc>> {
    otp_codes::table
        .find(id.0)
        .select(otp_codes::consumedAt)
        .first(conn)
        .await
        .unwrap()
}

async fn live_count(conn: &mut AsyncPgConnection, phone: &Phone) -> i64 {
    count(
        conn,
        &format!(
            "SELECT count(*) AS n FROM otp_codes WHERE phone = '{}' \
             AND \"consumedAt\" IS NULL AND \"expiresAt\" > now()",
            phone.as_str()
        ),
    )
    .await
}

async fn new_user(repo: &PgUserRepo, n: u32) -> UserRecord {
    repo.login_by_phone(&phone(n), &format!("user_{n}"), now())
        .await
        .unwrap()
}

fn new_session(user: UserId, hash: &str, created_at: DateTime<Utc>) -> NewSession {
    NewSession {
        id: SessionId(Uuid::new_v4()),
        user_id: user,
        refresh_token_hash: hash.to_owned(),
        created_at,
        expires_at: created_at + TimeDelta::days(7),
        user_agent: Some("okhttp/4".to_owned()),
        ip_address: Some("198.51.100.1".to_owned()),
    }
}

/// (name, email, location, updatedAt) of a user.
async fn user_fields(
    conn: &mut AsyncPgConnection,
    id: UserId,
) -> (
    Option<String>,
    Option<String>,
    Option<String>,
    DateTime<Utc>,
) {
    users::table
        .find(id.0)
        .select((users::name, users::email, users::location, users::updatedAt))
        .first(conn)
        .await
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// PgOtpRepo

#[tokio::test]
async fn replace_live_inserts_the_row_and_invalidates_only_the_same_phone_and_purpose() {
    let db = TestDb::new().await;
    let repo = PgOtpRepo::new(pool(&db));
    let mut conn = db.conn().await;
    let t0 = now();
    let first = new_otp(&phone(1), t0, 5);
    repo.replace_live(first.clone()).await.unwrap();
    let other_phone = new_otp(&phone(2), t0, 5);
    repo.replace_live(other_phone.clone()).await.unwrap();
    let other_purpose = NewOtp {
        purpose: OtpPurpose::VerifyPhone,
        ..new_otp(&phone(1), t0, 5)
    };
    repo.replace_live(other_purpose.clone()).await.unwrap();

    let t1 = t0 + TimeDelta::seconds(30);
    let second = new_otp(&phone(1), t1, 3);
    repo.replace_live(second.clone()).await.unwrap();

    assert_eq!(consumed_at_of(&mut conn, first.id).await, Some(t1));
    assert_eq!(consumed_at_of(&mut conn, second.id).await, None);
    assert_eq!(consumed_at_of(&mut conn, other_phone.id).await, None);
    assert_eq!(consumed_at_of(&mut conn, other_purpose.id).await, None);

    let row = text(
        &mut conn,
        &format!(
            "SELECT concat_ws('|', phone, purpose, \"codeHash\", \"maxAttempts\", attempts, \
             channel, \"dispatchStatus\", \"ipAddress\", \"userAgent\", \
             \"expiresAt\" = '{}'::timestamptz, \"createdAt\" = '{}'::timestamptz) AS snapshot \
             FROM otp_codes WHERE id = '{}'",
            second.expires_at.to_rfc3339(),
            t1.to_rfc3339(),
            second.id.0
        ),
    )
    .await;
    assert_eq!(
        row,
        format!(
            "+99360000001|login|{}|3|0|sms|pending|203.0.113.7|test-agent|t|t",
            second.code_hash
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_replace_live_leaves_exactly_one_live_code() {
    let db = TestDb::new().await;
    let pool = pool(&db);
    warm(&pool, RACERS).await;
    let repo = PgOtpRepo::new(pool);
    let barrier = Arc::new(Barrier::new(RACERS));
    let tasks = (0..RACERS).map(|_| {
        let (repo, barrier) = (repo.clone(), barrier.clone());
        tokio::spawn(async move {
            barrier.wait().await;
            repo.replace_live(new_otp(&phone(1), now(), 5)).await
        })
    });
    for outcome in join_all(tasks).await {
        outcome.unwrap().unwrap();
    }
    let mut conn = db.conn().await;
    assert_eq!(
        count(&mut conn, "SELECT count(*) AS n FROM otp_codes").await,
        RACERS as i64
    );
    assert_eq!(live_count(&mut conn, &phone(1)).await, 1);
}

#[tokio::test]
async fn find_live_returns_the_newest_unconsumed_unexpired_code_of_the_purpose() {
    let db = TestDb::new().await;
    let repo = PgOtpRepo::new(pool(&db));
    let t0 = now();
    let otp = new_otp(&phone(1), t0, 5);
    repo.replace_live(otp.clone()).await.unwrap();

    let found = repo
        .find_live(&phone(1), OtpPurpose::Login, t0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, otp.id);
    assert_eq!(found.code_hash, otp.code_hash);
    assert_eq!((found.attempts, found.max_attempts), (0, 5));
    assert_eq!(found.expires_at, otp.expires_at);

    // An older live row written outside `replace_live` (as the old backend's races could leave)
    // loses to the newer one.
    let mut conn = db.conn().await;
    conn.batch_execute(&format!(
        "INSERT INTO otp_codes (id, phone, purpose, \"codeHash\", \"expiresAt\", \"createdAt\", \"updatedAt\") \
         VALUES ('{}', '+99360000001', 'login', 'old', now() + interval '1 hour', \
                 '{}'::timestamptz - interval '1 minute', now())",
        Uuid::new_v4(),
        t0.to_rfc3339()
    ))
    .await
    .unwrap();
    let found = repo
        .find_live(&phone(1), OtpPurpose::Login, t0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, otp.id);

    assert!(
        repo.find_live(&phone(1), OtpPurpose::Register, t0)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        repo.find_live(&phone(2), OtpPurpose::Login, t0)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn find_live_ignores_expired_and_consumed_codes() {
    let db = TestDb::new().await;
    let repo = PgOtpRepo::new(pool(&db));
    let otp = one_otp(&repo, 5).await;
    let after_expiry = otp.expires_at + TimeDelta::seconds(1);
    assert!(
        repo.find_live(&phone(1), OtpPurpose::Login, after_expiry)
            .await
            .unwrap()
            .is_none()
    );
    assert!(repo.consume(otp.id, otp.created_at).await.unwrap());
    assert!(
        repo.find_live(&phone(1), OtpPurpose::Login, otp.created_at)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn record_attempt_counts_up_to_the_maximum_then_reports_exhausted() {
    let db = TestDb::new().await;
    let repo = PgOtpRepo::new(pool(&db));
    let otp = one_otp(&repo, 2).await;
    let t = otp.created_at;
    assert_eq!(
        repo.record_attempt(otp.id, t).await.unwrap(),
        AttemptRecord::Counted {
            attempts: 1,
            max_attempts: 2
        }
    );
    assert_eq!(
        repo.record_attempt(otp.id, t).await.unwrap(),
        AttemptRecord::Counted {
            attempts: 2,
            max_attempts: 2
        }
    );
    assert_eq!(
        repo.record_attempt(otp.id, t).await.unwrap(),
        AttemptRecord::Exhausted
    );
    let mut conn = db.conn().await;
    assert_eq!(attempts_of(&mut conn, otp.id).await, 2);
}

#[tokio::test]
async fn record_attempt_on_a_dead_code_is_gone_and_not_counted() {
    let db = TestDb::new().await;
    let repo = PgOtpRepo::new(pool(&db));
    let mut conn = db.conn().await;

    let expired = one_otp(&repo, 5).await;
    let later = expired.expires_at + TimeDelta::seconds(1);
    assert_eq!(
        repo.record_attempt(expired.id, later).await.unwrap(),
        AttemptRecord::Gone
    );
    assert_eq!(attempts_of(&mut conn, expired.id).await, 0);

    let consumed = one_otp(&repo, 5).await;
    assert!(
        repo.consume(consumed.id, consumed.created_at)
            .await
            .unwrap()
    );
    assert_eq!(
        repo.record_attempt(consumed.id, consumed.created_at)
            .await
            .unwrap(),
        AttemptRecord::Gone
    );
    assert_eq!(attempts_of(&mut conn, consumed.id).await, 0);

    assert_eq!(
        repo.record_attempt(OtpId(Uuid::new_v4()), now())
            .await
            .unwrap(),
        AttemptRecord::Gone
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_attempts_never_count_past_the_maximum() {
    let db = TestDb::new().await;
    let pool = pool(&db);
    warm(&pool, RACERS).await;
    let repo = PgOtpRepo::new(pool);
    let otp = one_otp(&repo, 5).await;
    let barrier = Arc::new(Barrier::new(RACERS));
    let tasks = (0..RACERS).map(|_| {
        let (repo, barrier) = (repo.clone(), barrier.clone());
        let (id, t) = (otp.id, otp.created_at);
        tokio::spawn(async move {
            barrier.wait().await;
            repo.record_attempt(id, t).await.unwrap()
        })
    });
    let outcomes: Vec<AttemptRecord> = join_all(tasks)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let mut counted: Vec<i32> = outcomes
        .iter()
        .filter_map(|o| match o {
            AttemptRecord::Counted { attempts, .. } => Some(*attempts),
            _ => None,
        })
        .collect();
    counted.sort_unstable();
    assert_eq!(counted, vec![1, 2, 3, 4, 5]);
    let exhausted = outcomes
        .iter()
        .filter(|o| **o == AttemptRecord::Exhausted)
        .count();
    assert_eq!(exhausted, RACERS - 5);
    let mut conn = db.conn().await;
    assert_eq!(attempts_of(&mut conn, otp.id).await, 5);
}

#[tokio::test]
async fn consume_succeeds_once() {
    let db = TestDb::new().await;
    let repo = PgOtpRepo::new(pool(&db));
    let otp = one_otp(&repo, 5).await;
    let t = otp.created_at + TimeDelta::seconds(5);
    assert!(repo.consume(otp.id, t).await.unwrap());
    assert!(
        !repo
            .consume(otp.id, t + TimeDelta::seconds(1))
            .await
            .unwrap()
    );
    let mut conn = db.conn().await;
    assert_eq!(consumed_at_of(&mut conn, otp.id).await, Some(t));
    assert!(!repo.consume(OtpId(Uuid::new_v4()), t).await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_consumes_have_exactly_one_winner() {
    let db = TestDb::new().await;
    let pool = pool(&db);
    warm(&pool, RACERS).await;
    let repo = PgOtpRepo::new(pool);
    let otp = one_otp(&repo, 5).await;
    let barrier = Arc::new(Barrier::new(RACERS));
    let tasks = (0..RACERS).map(|_| {
        let (repo, barrier) = (repo.clone(), barrier.clone());
        let id = otp.id;
        tokio::spawn(async move {
            barrier.wait().await;
            repo.consume(id, now()).await.unwrap()
        })
    });
    let winners = join_all(tasks)
        .await
        .into_iter()
        .filter(|won| *won.as_ref().unwrap())
        .count();
    assert_eq!(winners, 1);
}

#[tokio::test]
async fn set_dispatch_status_writes_each_enum_label() {
    let db = TestDb::new().await;
    let repo = PgOtpRepo::new(pool(&db));
    let otp = one_otp(&repo, 5).await;
    let mut conn = db.conn().await;
    for (status, label) in [
        (DispatchStatus::Sent, "sent"),
        (DispatchStatus::Delivered, "delivered"),
        (DispatchStatus::Failed, "failed"),
        (DispatchStatus::Pending, "pending"),
    ] {
        repo.set_dispatch_status(otp.id, status).await.unwrap();
        let stored = text(
            &mut conn,
            &format!(
                "SELECT \"dispatchStatus\"::text AS snapshot FROM otp_codes WHERE id = '{}'",
                otp.id.0
            ),
        )
        .await;
        assert_eq!(stored, label);
    }
    // A code deleted meanwhile is not an error.
    repo.set_dispatch_status(OtpId(Uuid::new_v4()), DispatchStatus::Sent)
        .await
        .unwrap();
}

// ---------------------------------------------------------------------------------------------
// PgUserRepo

#[tokio::test]
async fn login_by_phone_creates_an_active_user_in_ashgabat() {
    let db = TestDb::new().await;
    let repo = PgUserRepo::new(pool(&db));
    let t = now();
    let user = repo
        .login_by_phone(&phone(7), "user_ab12c", t)
        .await
        .unwrap();
    assert_eq!(user.phone, phone(7));
    let mut conn = db.conn().await;
    let row = text(
        &mut conn,
        &format!(
            "SELECT concat_ws('|', name, phone, location, status, role, \
             \"createdAt\" = '{0}'::timestamptz, \"updatedAt\" = '{0}'::timestamptz) AS snapshot \
             FROM users WHERE uuid = '{1}'",
            t.to_rfc3339(),
            user.id
        ),
    )
    .await;
    assert_eq!(row, "user_ab12c|+99360000007|Aşgabat|t|user|t|t");
}

#[tokio::test]
async fn login_by_phone_reuses_and_reactivates_an_existing_user() {
    let db = TestDb::new().await;
    let repo = PgUserRepo::new(pool(&db));
    let first = new_user(&repo, 7).await;
    let mut conn = db.conn().await;
    conn.batch_execute(&format!(
        "UPDATE users SET status = false WHERE uuid = '{}'",
        first.id
    ))
    .await
    .unwrap();
    let later = now() + TimeDelta::seconds(10);
    let again = repo
        .login_by_phone(&phone(7), "user_other", later)
        .await
        .unwrap();
    assert_eq!(again, first);
    assert_eq!(count(&mut conn, "SELECT count(*) AS n FROM users").await, 1);
    let (name, _, _, updated_at) = user_fields(&mut conn, first.id).await;
    assert_eq!(name.as_deref(), Some("user_7"), "the name is kept");
    assert_eq!(updated_at, later);
    assert_eq!(
        text(
            &mut conn,
            &format!(
                "SELECT status::text AS snapshot FROM users WHERE uuid = '{}'",
                first.id
            )
        )
        .await,
        "true"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_first_logins_of_one_phone_create_one_user() {
    let db = TestDb::new().await;
    let pool = pool(&db);
    warm(&pool, RACERS).await;
    let repo = PgUserRepo::new(pool);
    let barrier = Arc::new(Barrier::new(RACERS));
    let tasks = (0..RACERS).map(|i| {
        let (repo, barrier) = (repo.clone(), barrier.clone());
        tokio::spawn(async move {
            barrier.wait().await;
            repo.login_by_phone(&phone(9), &format!("user_{i}"), now())
                .await
                .unwrap()
        })
    });
    let users: Vec<UserRecord> = join_all(tasks)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert!(users.iter().all(|u| u.id == users[0].id));
    let mut conn = db.conn().await;
    assert_eq!(count(&mut conn, "SELECT count(*) AS n FROM users").await, 1);
}

#[tokio::test]
async fn auth_record_without_a_session_reads_the_user_and_its_role() {
    let db = TestDb::new().await;
    let repo = PgUserRepo::new(pool(&db));
    let user = new_user(&repo, 1).await;
    let record = repo
        .auth_record(user.id, None, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.id, user.id);
    assert_eq!(record.phone.as_deref(), Some("+99360000001"));
    assert_eq!(record.role, Role::User);
    assert_eq!(record.session_active, None);

    let mut conn = db.conn().await;
    for (label, role) in [("admin", Role::Admin), ("owner", Role::Owner)] {
        conn.batch_execute(&format!(
            "UPDATE users SET role = '{label}' WHERE uuid = '{}'",
            user.id
        ))
        .await
        .unwrap();
        let record = repo
            .auth_record(user.id, None, now())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(record.role, role);
    }
}

#[tokio::test]
async fn auth_record_of_an_unknown_user_is_none() {
    let db = TestDb::new().await;
    let pool = pool(&db);
    let users = PgUserRepo::new(pool.clone());
    let sessions = PgSessionRepo::new(pool);
    let owner = new_user(&users, 1).await;
    let session = new_session(owner.id, "h1", now());
    sessions.create(session.clone()).await.unwrap();
    let ghost = UserId(Uuid::new_v4());
    assert_eq!(users.auth_record(ghost, None, now()).await.unwrap(), None);
    assert_eq!(
        users
            .auth_record(ghost, Some(session.id), now())
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn auth_record_reports_an_active_session_only_when_live_and_owned() {
    let db = TestDb::new().await;
    let pool = pool(&db);
    let users = PgUserRepo::new(pool.clone());
    let sessions = PgSessionRepo::new(pool);
    let alice = new_user(&users, 1).await;
    let bob = new_user(&users, 2).await;
    let t = now();

    let live = new_session(alice.id, "live", t);
    sessions.create(live.clone()).await.unwrap();
    let revoked = new_session(alice.id, "revoked", t);
    sessions.create(revoked.clone()).await.unwrap();
    assert!(sessions.revoke(revoked.id, "logout", t).await.unwrap());
    let expired = NewSession {
        expires_at: t - TimeDelta::seconds(1),
        ..new_session(alice.id, "expired", t - TimeDelta::days(8))
    };
    sessions.create(expired.clone()).await.unwrap();
    let bobs = new_session(bob.id, "bobs", t);
    sessions.create(bobs.clone()).await.unwrap();

    let active = |session: SessionId| {
        let users = users.clone();
        async move {
            let record = users
                .auth_record(alice.id, Some(session), t)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(record.id, alice.id);
            record.session_active
        }
    };
    assert_eq!(active(live.id).await, Some(true));
    assert_eq!(active(revoked.id).await, Some(false));
    assert_eq!(active(expired.id).await, Some(false));
    assert_eq!(active(bobs.id).await, Some(false), "another user's session");
    assert_eq!(active(SessionId(Uuid::new_v4())).await, Some(false));

    // Expiry is judged at the `now` passed in.
    let record = users
        .auth_record(alice.id, Some(live.id), live.expires_at)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.session_active, Some(false));
}

#[tokio::test]
async fn profile_of_a_user_without_photo_or_access() {
    let db = TestDb::new().await;
    let repo = PgUserRepo::new(pool(&db));
    let t = now();
    let user = repo.login_by_phone(&phone(3), "user_x", t).await.unwrap();
    let profile = repo.profile(user.id).await.unwrap().unwrap();
    assert_eq!(profile.id, user.id);
    assert_eq!(profile.name.as_deref(), Some("user_x"));
    assert_eq!(profile.email, None);
    assert_eq!(profile.phone.as_deref(), Some("+99360000003"));
    assert_eq!(profile.location.as_deref(), Some("Aşgabat"));
    assert_eq!(profile.access, Vec::<String>::new());
    assert_eq!(profile.role, Role::User);
    assert_eq!(profile.avatar, None);
    assert_eq!(profile.created_at, t);

    assert!(
        repo.profile(UserId(Uuid::new_v4()))
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn profile_renders_the_newest_photo_as_the_old_api_did() {
    let db = TestDb::new().await;
    let repo = PgUserRepo::new(pool(&db));
    let user = new_user(&repo, 4).await;
    let (old_photo, new_photo) = (Uuid::new_v4(), Uuid::new_v4());
    let mut conn = db.conn().await;
    conn.batch_execute(&format!(
        r#"
        UPDATE users SET access = ARRAY['posts', 'banners']::varchar[], role = 'owner',
                         email = 'a@example.com' WHERE uuid = '{user}';
        INSERT INTO photo (uuid, path, "originalPath", "userId", "createdAt", "updatedAt")
        VALUES ('{old_photo}', '{{"small": "uploads/avatars/old-s.webp"}}', 'uploads/avatars/old.jpg', '{user}',
                '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
               ('{new_photo}',
                '{{"small": "uploads/avatars/s.webp", "medium": "uploads/avatars/m.webp", "large": "uploads/avatars/l.webp"}}',
                'uploads/avatars/o.jpg', '{user}',
                '2026-02-02T12:00:00.123456Z', '2026-02-02T12:00:00Z');
        "#,
        user = user.id
    ))
    .await
    .unwrap();

    let profile = repo.profile(user.id).await.unwrap().unwrap();
    assert_eq!(profile.access, vec!["posts", "banners"]);
    assert_eq!(profile.role, Role::Owner);
    assert_eq!(profile.email.as_deref(), Some("a@example.com"));
    let avatar = profile.avatar.unwrap();
    let keys: std::collections::BTreeSet<&str> = avatar
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "uuid",
            "path",
            "originalPath",
            "bannerId",
            "categoryId",
            "subscriptionId",
            "brandsId",
            "modelsId",
            "userId",
            "createdAt",
            "updatedAt",
        ]
        .into_iter()
        .collect()
    );
    assert_eq!(
        avatar,
        serde_json::json!({
            "uuid": new_photo.to_string(),
            "path": {"small": "uploads/avatars/s.webp", "medium": "uploads/avatars/m.webp", "large": "uploads/avatars/l.webp"},
            "originalPath": "uploads/avatars/o.jpg",
            "bannerId": null,
            "categoryId": null,
            "subscriptionId": null,
            "brandsId": null,
            "modelsId": null,
            "userId": user.id.to_string(),
            "createdAt": "2026-02-02T12:00:00.123Z",
            "updatedAt": "2026-02-02T12:00:00.000Z",
        })
    );
}

#[tokio::test]
async fn update_profile_sets_clears_and_leaves_fields() {
    let db = TestDb::new().await;
    let repo = PgUserRepo::new(pool(&db));
    let user = new_user(&repo, 1).await;
    let t = now() + TimeDelta::seconds(5);
    let outcome = repo
        .update_profile(
            user.id,
            ProfileChanges {
                name: Some(Some("Aman".to_owned())),
                location: Some(None),
                email: Some(Some(
                    alpha_kernel::Email::parse("aman@example.com").unwrap(),
                )),
            },
            t,
        )
        .await
        .unwrap();
    assert_eq!(outcome, UpdateOutcome::Updated);
    let mut conn = db.conn().await;
    assert_eq!(
        user_fields(&mut conn, user.id).await,
        (
            Some("Aman".to_owned()),
            Some("aman@example.com".to_owned()),
            None,
            t
        )
    );

    // `None` leaves a field as it is; the timestamp still moves.
    let t2 = t + TimeDelta::seconds(5);
    let outcome = repo
        .update_profile(user.id, ProfileChanges::default(), t2)
        .await
        .unwrap();
    assert_eq!(outcome, UpdateOutcome::Updated);
    assert_eq!(
        user_fields(&mut conn, user.id).await,
        (
            Some("Aman".to_owned()),
            Some("aman@example.com".to_owned()),
            None,
            t2
        )
    );

    let missing = repo
        .update_profile(UserId(Uuid::new_v4()), ProfileChanges::default(), t2)
        .await
        .unwrap();
    assert_eq!(missing, UpdateOutcome::UserNotFound);
}

#[tokio::test]
async fn update_profile_with_another_users_email_is_email_taken_and_changes_nothing() {
    let db = TestDb::new().await;
    let repo = PgUserRepo::new(pool(&db));
    let alice = new_user(&repo, 1).await;
    let bob = new_user(&repo, 2).await;
    let taken = ProfileChanges {
        email: Some(Some(
            alpha_kernel::Email::parse("shared@example.com").unwrap(),
        )),
        ..ProfileChanges::default()
    };
    assert_eq!(
        repo.update_profile(alice.id, taken, now()).await.unwrap(),
        UpdateOutcome::Updated
    );
    let mut conn = db.conn().await;
    let before = user_fields(&mut conn, bob.id).await;

    let clash = ProfileChanges {
        name: Some(Some("Bob".to_owned())),
        location: Some(None),
        email: Some(Some(
            alpha_kernel::Email::parse("shared@example.com").unwrap(),
        )),
    };
    let outcome = repo
        .update_profile(bob.id, clash, now() + TimeDelta::seconds(5))
        .await
        .unwrap();
    assert_eq!(outcome, UpdateOutcome::EmailTaken);
    assert_eq!(user_fields(&mut conn, bob.id).await, before);
}

#[tokio::test]
async fn set_firebase_token_stores_it_for_existing_users_only() {
    let db = TestDb::new().await;
    let repo = PgUserRepo::new(pool(&db));
    let user = new_user(&repo, 1).await;
    assert!(
        repo.set_firebase_token(user.id, "fcm-token-1", now())
            .await
            .unwrap()
    );
    let mut conn = db.conn().await;
    let stored: Option<String> = users::table
        .find(user.id.0)
        .select(users::firebaseToken)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(stored.as_deref(), Some("fcm-token-1"));
    assert!(
        !repo
            .set_firebase_token(UserId(Uuid::new_v4()), "x", now())
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn legacy_refresh_reads_and_take_clears_only_the_expected_hash() {
    let db = TestDb::new().await;
    let repo = PgUserRepo::new(pool(&db));
    let user = new_user(&repo, 1).await;
    let fresh = repo.legacy_refresh(user.id).await.unwrap().unwrap();
    assert_eq!(fresh.hash, None);
    assert_eq!(fresh.phone.as_deref(), Some("+99360000001"));

    let mut conn = db.conn().await;
    conn.batch_execute(&format!(
        "UPDATE users SET \"refreshTokenHash\" = '$2b$10$legacy' WHERE uuid = '{}'",
        user.id
    ))
    .await
    .unwrap();
    let legacy = repo.legacy_refresh(user.id).await.unwrap().unwrap();
    assert_eq!(legacy.hash.as_deref(), Some("$2b$10$legacy"));

    assert!(
        !repo
            .take_legacy_refresh(user.id, "$2b$10$other")
            .await
            .unwrap()
    );
    assert_eq!(
        repo.legacy_refresh(user.id)
            .await
            .unwrap()
            .unwrap()
            .hash
            .as_deref(),
        Some("$2b$10$legacy"),
        "a wrong expected hash leaves it alone"
    );
    assert!(
        repo.take_legacy_refresh(user.id, "$2b$10$legacy")
            .await
            .unwrap()
    );
    assert_eq!(
        repo.legacy_refresh(user.id).await.unwrap().unwrap().hash,
        None
    );
    assert!(
        !repo
            .take_legacy_refresh(user.id, "$2b$10$legacy")
            .await
            .unwrap()
    );

    assert!(
        repo.legacy_refresh(UserId(Uuid::new_v4()))
            .await
            .unwrap()
            .is_none()
    );
}

// ---------------------------------------------------------------------------------------------
// PgSessionRepo

#[tokio::test]
async fn created_session_reads_back() {
    let db = TestDb::new().await;
    let pool = pool(&db);
    let user = new_user(&PgUserRepo::new(pool.clone()), 1).await;
    let repo = PgSessionRepo::new(pool);
    let session = new_session(user.id, "hash-a", now());
    repo.create(session.clone()).await.unwrap();
    let record = repo.get(session.id).await.unwrap().unwrap();
    assert_eq!(record.id, session.id);
    assert_eq!(record.user_id, user.id);
    assert_eq!(record.refresh_token_hash, "hash-a");
    assert_eq!(record.previous_token_hash, None);
    assert_eq!(record.rotated_at, None);
    assert_eq!(record.revoked_at, None);
    assert_eq!(record.expires_at, session.expires_at);

    let mut conn = db.conn().await;
    let (agent, ip): (Option<String>, Option<String>) = sessions::table
        .find(session.id.0)
        .select((sessions::user_agent, sessions::ip_address))
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(agent.as_deref(), Some("okhttp/4"));
    assert_eq!(ip.as_deref(), Some("198.51.100.1"));

    assert!(repo.get(SessionId(Uuid::new_v4())).await.unwrap().is_none());
}

#[tokio::test]
async fn rotate_swaps_the_hash_only_when_it_matches_and_the_session_is_live() {
    let db = TestDb::new().await;
    let pool = pool(&db);
    let user = new_user(&PgUserRepo::new(pool.clone()), 1).await;
    let repo = PgSessionRepo::new(pool);
    let t = now().trunc_subsecs(0);
    let session = new_session(user.id, "h1", t);
    repo.create(session.clone()).await.unwrap();

    let rotated_at = t + TimeDelta::seconds(60);
    let expires_at = rotated_at + TimeDelta::days(7);
    assert!(
        !repo
            .rotate(session.id, "not-current", "h2", rotated_at, expires_at)
            .await
            .unwrap()
    );
    assert!(
        repo.rotate(session.id, "h1", "h2", rotated_at, expires_at)
            .await
            .unwrap()
    );
    let record = repo.get(session.id).await.unwrap().unwrap();
    assert_eq!(record.refresh_token_hash, "h2");
    assert_eq!(record.previous_token_hash.as_deref(), Some("h1"));
    assert_eq!(record.rotated_at, Some(rotated_at));
    assert_eq!(record.expires_at, expires_at);

    // The replaced token cannot rotate again.
    assert!(
        !repo
            .rotate(session.id, "h1", "h3", rotated_at, expires_at)
            .await
            .unwrap()
    );
    // Nor can the current one once the session is revoked.
    assert!(repo.revoke(session.id, "logout", rotated_at).await.unwrap());
    assert!(
        !repo
            .rotate(session.id, "h2", "h3", rotated_at, expires_at)
            .await
            .unwrap()
    );
    assert_eq!(
        repo.get(session.id)
            .await
            .unwrap()
            .unwrap()
            .refresh_token_hash,
        "h2"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_rotations_with_one_token_have_exactly_one_winner() {
    let db = TestDb::new().await;
    let pool = pool(&db);
    warm(&pool, 4).await;
    let user = new_user(&PgUserRepo::new(pool.clone()), 1).await;
    let repo = PgSessionRepo::new(pool);
    // Several rounds, each on a fresh session, so a lucky interleaving cannot hide a bug.
    for round in 0..10 {
        let session = new_session(user.id, &format!("start-{round}"), now());
        repo.create(session.clone()).await.unwrap();
        let barrier = Arc::new(Barrier::new(2));
        let tasks = (0..2).map(|i| {
            let (repo, barrier) = (repo.clone(), barrier.clone());
            let expected = format!("start-{round}");
            let new_hash = format!("next-{round}-{i}");
            tokio::spawn(async move {
                barrier.wait().await;
                let t = now();
                repo.rotate(session.id, &expected, &new_hash, t, t + TimeDelta::days(7))
                    .await
                    .unwrap()
            })
        });
        let winners = join_all(tasks)
            .await
            .into_iter()
            .filter(|won| *won.as_ref().unwrap())
            .count();
        assert_eq!(winners, 1, "round {round}");
        let record = repo.get(session.id).await.unwrap().unwrap();
        assert_eq!(
            record.previous_token_hash.as_deref(),
            Some(format!("start-{round}").as_str())
        );
    }
}

#[tokio::test]
async fn revoke_marks_the_session_once_with_its_reason() {
    let db = TestDb::new().await;
    let pool = pool(&db);
    let user = new_user(&PgUserRepo::new(pool.clone()), 1).await;
    let repo = PgSessionRepo::new(pool);
    let session = new_session(user.id, "h1", now());
    repo.create(session.clone()).await.unwrap();
    let t = now() + TimeDelta::seconds(3);
    assert!(repo.revoke(session.id, "TOKEN_REUSE", t).await.unwrap());
    assert!(
        !repo
            .revoke(session.id, "logout", t + TimeDelta::seconds(1))
            .await
            .unwrap()
    );
    assert_eq!(
        repo.get(session.id).await.unwrap().unwrap().revoked_at,
        Some(t)
    );
    let mut conn = db.conn().await;
    let reason: Option<String> = sessions::table
        .find(session.id.0)
        .select(sessions::revoked_reason)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        reason.as_deref(),
        Some("TOKEN_REUSE"),
        "the first reason stays"
    );

    // A label longer than the column is cut rather than losing the revocation.
    let other = new_session(user.id, "h2", now());
    repo.create(other.clone()).await.unwrap();
    assert!(repo.revoke(other.id, &"x".repeat(40), t).await.unwrap());
    let reason: Option<String> = sessions::table
        .find(other.id.0)
        .select(sessions::revoked_reason)
        .first(&mut conn)
        .await
        .unwrap();
    assert_eq!(reason.unwrap().len(), 32);

    assert!(
        !repo
            .revoke(SessionId(Uuid::new_v4()), "logout", t)
            .await
            .unwrap()
    );
}

// ---------------------------------------------------------------------------------------------
// PgRateLimiter

const MINUTE: Duration = Duration::from_secs(60);

#[tokio::test]
async fn hit_allows_up_to_the_limit_then_limits_until_the_window_ends() {
    let db = TestDb::new().await;
    let limiter = PgRateLimiter::new(pool(&db));
    for _ in 0..3 {
        assert_eq!(
            limiter.hit("otp:send:ip:a", 3, MINUTE).await.unwrap(),
            RateDecision::Allowed
        );
    }
    match limiter.hit("otp:send:ip:a", 3, MINUTE).await.unwrap() {
        RateDecision::Limited { retry_after_secs } => {
            assert!((59..=60).contains(&retry_after_secs), "{retry_after_secs}");
        }
        RateDecision::Allowed => panic!("the fourth hit must be limited"),
    }
    // Other keys count on their own.
    assert_eq!(
        limiter.hit("otp:send:ip:b", 3, MINUTE).await.unwrap(),
        RateDecision::Allowed
    );
}

#[tokio::test]
async fn hit_reports_the_time_left_in_the_window_and_reopens_it_afterwards() {
    let db = TestDb::new().await;
    let limiter = PgRateLimiter::new(pool(&db));
    let mut conn = db.conn().await;
    assert_eq!(
        limiter.hit("k", 1, MINUTE).await.unwrap(),
        RateDecision::Allowed
    );
    // Move the window's start into the past instead of sleeping.
    conn.batch_execute("UPDATE rate_limits SET window_start = now() - interval '50 seconds'")
        .await
        .unwrap();
    match limiter.hit("k", 1, MINUTE).await.unwrap() {
        RateDecision::Limited { retry_after_secs } => {
            assert!((9..=10).contains(&retry_after_secs), "{retry_after_secs}");
        }
        RateDecision::Allowed => panic!("still inside the window"),
    }
    // Under a second left: rounded up to one, never zero.
    conn.batch_execute("UPDATE rate_limits SET window_start = now() - interval '59.5 seconds'")
        .await
        .unwrap();
    assert_eq!(
        limiter.hit("k", 1, MINUTE).await.unwrap(),
        RateDecision::Limited {
            retry_after_secs: 1
        }
    );
    conn.batch_execute("UPDATE rate_limits SET window_start = now() - interval '61 seconds'")
        .await
        .unwrap();
    assert_eq!(
        limiter.hit("k", 1, MINUTE).await.unwrap(),
        RateDecision::Allowed
    );
    assert_eq!(
        count(
            &mut conn,
            "SELECT hits::bigint AS n FROM rate_limits WHERE key = 'k'"
        )
        .await,
        1,
        "a new window starts counting from one"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_hits_allow_exactly_the_limit() {
    let db = TestDb::new().await;
    let pool = pool(&db);
    warm(&pool, RACERS).await;
    let limiter = PgRateLimiter::new(pool);
    let barrier = Arc::new(Barrier::new(RACERS));
    let tasks = (0..RACERS).map(|_| {
        let (limiter, barrier) = (limiter.clone(), barrier.clone());
        tokio::spawn(async move {
            barrier.wait().await;
            limiter.hit("otp:verify:phone:x", 3, MINUTE).await.unwrap()
        })
    });
    let allowed = join_all(tasks)
        .await
        .into_iter()
        .filter(|d| *d.as_ref().unwrap() == RateDecision::Allowed)
        .count();
    assert_eq!(allowed, 3);
    let mut conn = db.conn().await;
    assert_eq!(
        count(&mut conn, "SELECT hits::bigint AS n FROM rate_limits").await,
        RACERS as i64
    );
}

#[tokio::test]
async fn purge_expired_deletes_only_old_windows() {
    let db = TestDb::new().await;
    let limiter = PgRateLimiter::new(pool(&db));
    for key in ["old-1", "old-2", "fresh"] {
        limiter.hit(key, 5, MINUTE).await.unwrap();
    }
    let mut conn = db.conn().await;
    conn.batch_execute(
        "UPDATE rate_limits SET window_start = now() - interval '2 hours' WHERE key LIKE 'old-%'",
    )
    .await
    .unwrap();
    assert_eq!(
        limiter
            .purge_expired(Duration::from_secs(3600))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        text(
            &mut conn,
            "SELECT string_agg(key, ',') AS snapshot FROM rate_limits"
        )
        .await,
        "fresh"
    );
}

// ---------------------------------------------------------------------------------------------
// errors

#[tokio::test]
async fn an_unreachable_database_is_unavailable() {
    // Port 1 on loopback refuses at once; nothing listens there.
    let pool = build_pool(
        "postgres://alpha@127.0.0.1:1/alpha",
        PoolSettings {
            max_size: 2,
            wait_timeout: Duration::from_secs(2),
            statement_timeout: Duration::from_secs(2),
        },
    )
    .unwrap();
    let limiter = PgRateLimiter::new(pool.clone());
    assert!(matches!(
        limiter.hit("k", 1, MINUTE).await,
        Err(RepoError::Unavailable(_))
    ));
    let users = PgUserRepo::new(pool);
    assert!(matches!(
        users.auth_record(UserId(Uuid::new_v4()), None, now()).await,
        Err(RepoError::Unavailable(_))
    ));
}

#[tokio::test]
async fn profile_with_session_agrees_with_auth_record_and_profile_in_one_read() {
    let db = TestDb::new().await;
    let pool = pool(&db);
    let users = PgUserRepo::new(pool.clone());
    let sessions = PgSessionRepo::new(pool);
    let alice = new_user(&users, 1).await;
    let bob = new_user(&users, 2).await;
    let t = now();
    let live = new_session(alice.id, "live", t);
    sessions.create(live.clone()).await.unwrap();
    let revoked = new_session(alice.id, "revoked", t);
    sessions.create(revoked.clone()).await.unwrap();
    sessions.revoke(revoked.id, "logout", t).await.unwrap();
    let bobs = new_session(bob.id, "bobs", t);
    sessions.create(bobs.clone()).await.unwrap();

    // Two photos: the newest is the avatar, and the join must not duplicate the user.
    let mut conn = db.conn().await;
    diesel_async::SimpleAsyncConnection::batch_execute(
        &mut conn,
        &format!(
            r#"INSERT INTO photo (uuid, "originalPath", "userId", "createdAt") VALUES
               ('{}', 'uploads/avatars/old.jpg', '{}', now() - interval '1 day'),
               ('{}', 'uploads/avatars/new.jpg', '{}', now())"#,
            Uuid::new_v4(),
            alice.id,
            Uuid::new_v4(),
            alice.id
        ),
    )
    .await
    .unwrap();

    let read = |session: Option<SessionId>| {
        let users = users.clone();
        async move {
            users
                .profile_with_session(alice.id, session, t)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let checked = read(Some(live.id)).await;
    assert_eq!(checked.session_active, Some(true));
    assert_eq!(
        checked.profile,
        users.profile(alice.id).await.unwrap().unwrap()
    );
    assert_eq!(
        checked.profile.avatar.as_ref().unwrap()["originalPath"],
        "uploads/avatars/new.jpg"
    );
    assert_eq!(read(Some(revoked.id)).await.session_active, Some(false));
    assert_eq!(
        read(Some(bobs.id)).await.session_active,
        Some(false),
        "another user's session"
    );
    assert_eq!(
        read(None).await.session_active,
        None,
        "no session asked about"
    );
    let ghost = UserId(Uuid::new_v4());
    assert!(
        users
            .profile_with_session(ghost, Some(live.id), t)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn text_with_nul_is_unstorable_not_a_store_failure() {
    let db = TestDb::new().await;
    let repo = PgUserRepo::new(pool(&db));
    let user = new_user(&repo, 8).await;
    let err = repo
        .set_firebase_token(user.id, "fcm\0token", now())
        .await
        .unwrap_err();
    assert!(matches!(err, RepoError::Unstorable(_)), "{err:?}");
    assert!(!err.to_string().contains("fcm"), "no value in {err}");
    let mut conn = db.conn().await;
    let stored = text(
        &mut conn,
        &format!(
            "SELECT coalesce(\"firebaseToken\", 'none') AS snapshot FROM users WHERE uuid = '{}'",
            user.id
        ),
    )
    .await;
    assert_eq!(stored, "none", "nothing written");
}
