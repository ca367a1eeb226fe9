//! The service against mockall mocks of the repositories (programmed as small in-memory stores
//! where state matters), the real HS256 signer and a fake clock.

use std::collections::HashMap;
use std::sync::Mutex;

use super::*;
use crate::jwt::JwtTokenSigner;
use crate::ports::{MockSessionRepo, MockUserRepo};
use crate::types::{AuthRecord, LegacyRefresh, Role, UserRecord};

const ACCESS_SECRET: &[u8] = b"test-access-secret-0123456789abcdef";
const REFRESH_SECRET: &[u8] = b"test-refresh-secret-fedcba9876543210";
/// Start time; the 0.4 s fraction checks that issued times are truncated to whole seconds.
const T0: i64 = 1_800_000_000;
const START_NANOS: u32 = 400_000_000;
const ACCESS_TTL: i64 = 900;
const REFRESH_TTL: i64 = 604_800;
const GRACE: i64 = 10;
const PHONE: &str = "+99361999999";

fn user_id() -> UserId {
    UserId(Uuid::from_u128(0x1111_2222_3333_4444_5555_6666_7777_8888))
}

fn secs(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).unwrap()
}

struct FakeClock(Mutex<DateTime<Utc>>);

impl FakeClock {
    fn advance(&self, secs: i64) {
        let mut now = self.0.lock().unwrap();
        *now += TimeDelta::seconds(secs);
    }
}

impl Clock for FakeClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

/// What the mocked repositories remember.
struct World {
    sessions: HashMap<SessionId, SessionRecord>,
    created: Vec<NewSession>,
    revocations: Vec<(SessionId, String)>,
    user_exists: bool,
    phone: Option<String>,
    new_names: Vec<String>,
    legacy_phone: Option<String>,
    legacy_hash: Option<String>,
}

type Shared = Arc<Mutex<World>>;

fn world() -> Shared {
    Arc::new(Mutex::new(World {
        sessions: HashMap::new(),
        created: Vec::new(),
        revocations: Vec::new(),
        user_exists: true,
        phone: Some(PHONE.to_owned()),
        new_names: Vec::new(),
        legacy_phone: Some("99361999999".to_owned()),
        legacy_hash: None,
    }))
}

/// A user repository backed by `world` (one user).
fn users(world: &Shared) -> MockUserRepo {
    let mut users = MockUserRepo::new();
    let w = world.clone();
    users
        .expect_login_by_phone()
        .returning(move |phone: &Phone, name: &str, _now| {
            w.lock().unwrap().new_names.push(name.to_owned());
            Ok(UserRecord {
                id: user_id(),
                phone: phone.clone(),
            })
        });
    let w = world.clone();
    users
        .expect_auth_record()
        .returning(move |user, session, now| {
            let w = w.lock().unwrap();
            if !w.user_exists || user != user_id() {
                return Ok(None);
            }
            let session_active = session.map(|sid| {
                w.sessions.get(&sid).is_some_and(|s| {
                    s.user_id == user && s.revoked_at.is_none() && s.expires_at > now
                })
            });
            Ok(Some(AuthRecord {
                id: user,
                phone: w.phone.clone(),
                role: Role::User,
                session_active,
            }))
        });
    let w = world.clone();
    users.expect_legacy_refresh().returning(move |user| {
        let w = w.lock().unwrap();
        Ok((w.user_exists && user == user_id()).then(|| LegacyRefresh {
            phone: w.legacy_phone.clone(),
            hash: w.legacy_hash.clone(),
        }))
    });
    let w = world.clone();
    users
        .expect_take_legacy_refresh()
        .returning(move |_user, expected: &str| {
            let mut w = w.lock().unwrap();
            if w.legacy_hash.as_deref() == Some(expected) {
                w.legacy_hash = None;
                Ok(true)
            } else {
                Ok(false)
            }
        });
    users
}

/// A session repository backed by `world`, with the adapter's compare-and-swap semantics.
fn sessions(world: &Shared) -> MockSessionRepo {
    let mut sessions = MockSessionRepo::new();
    let w = world.clone();
    sessions.expect_create().returning(move |new: NewSession| {
        let mut w = w.lock().unwrap();
        w.sessions.insert(
            new.id,
            SessionRecord {
                id: new.id,
                user_id: new.user_id,
                refresh_token_hash: new.refresh_token_hash.clone(),
                previous_token_hash: None,
                rotated_at: None,
                revoked_at: None,
                expires_at: new.expires_at,
            },
        );
        w.created.push(new);
        Ok(())
    });
    let w = world.clone();
    sessions
        .expect_get()
        .returning(move |id| Ok(w.lock().unwrap().sessions.get(&id).cloned()));
    let w = world.clone();
    sessions.expect_rotate().returning(
        move |id, expected: &str, new: &str, rotated_at, expires_at| {
            let mut w = w.lock().unwrap();
            match w.sessions.get_mut(&id) {
                Some(s) if s.revoked_at.is_none() && s.refresh_token_hash == expected => {
                    s.previous_token_hash =
                        Some(std::mem::replace(&mut s.refresh_token_hash, new.to_owned()));
                    s.rotated_at = Some(rotated_at);
                    s.expires_at = expires_at;
                    Ok(true)
                }
                _ => Ok(false),
            }
        },
    );
    let w = world.clone();
    sessions
        .expect_revoke()
        .returning(move |id, reason: &str, now| {
            let mut w = w.lock().unwrap();
            w.revocations.push((id, reason.to_owned()));
            match w.sessions.get_mut(&id) {
                Some(s) if s.revoked_at.is_none() => {
                    s.revoked_at = Some(now);
                    Ok(true)
                }
                _ => Ok(false),
            }
        });
    sessions
}

struct Env {
    world: Shared,
    clock: Arc<FakeClock>,
    signer: Arc<JwtTokenSigner>,
    events: Arc<Published>,
    svc: AuthService,
}

/// What the service published, in order.
#[derive(Default)]
struct Published(Mutex<Vec<DomainEvent>>);

impl EventPublisher for Published {
    fn publish(&self, event: DomainEvent) {
        self.0.lock().unwrap().push(event);
    }
}

impl Published {
    fn all(&self) -> Vec<DomainEvent> {
        self.0.lock().unwrap().clone()
    }
}

fn config() -> AuthConfig {
    AuthConfig {
        access_ttl: Duration::from_secs(ACCESS_TTL as u64),
        refresh_ttl: Duration::from_secs(REFRESH_TTL as u64),
        reuse_grace: Duration::from_secs(GRACE as u64),
    }
}

fn clock() -> Arc<FakeClock> {
    Arc::new(FakeClock(Mutex::new(
        DateTime::from_timestamp(T0, START_NANOS).unwrap(),
    )))
}

fn signer(clock: &Arc<FakeClock>) -> Arc<JwtTokenSigner> {
    Arc::new(JwtTokenSigner::with_clock(
        ACCESS_SECRET,
        REFRESH_SECRET,
        clock.clone(),
    ))
}

fn service_with(
    users: MockUserRepo,
    sessions: MockSessionRepo,
    clock: &Arc<FakeClock>,
    signer: &Arc<JwtTokenSigner>,
    events: &Arc<Published>,
) -> AuthService {
    AuthService::new(
        Arc::new(users),
        Arc::new(sessions),
        signer.clone(),
        clock.clone(),
        events.clone(),
        config(),
    )
}

/// The service over the stateful mocks.
fn env() -> Env {
    let world = world();
    let clock = clock();
    let signer = signer(&clock);
    let events = Arc::new(Published::default());
    let svc = service_with(users(&world), sessions(&world), &clock, &signer, &events);
    Env {
        world,
        clock,
        signer,
        events,
        svc,
    }
}

/// The service with hand-programmed mocks.
fn env_with(users: MockUserRepo, sessions: MockSessionRepo) -> Env {
    let world = world();
    let clock = clock();
    let signer = signer(&clock);
    let events = Arc::new(Published::default());
    let svc = service_with(users, sessions, &clock, &signer, &events);
    Env {
        world,
        clock,
        signer,
        events,
        svc,
    }
}

impl Env {
    async fn login(&self) -> TokenPair {
        self.svc
            .login(
                &Phone::from_stored(PHONE),
                Some("app/1.0".into()),
                Some("10.0.0.1".into()),
            )
            .await
            .unwrap()
    }

    fn access_claims(&self, token: &str) -> Claims {
        self.signer.verify(TokenKind::Access, token).unwrap()
    }

    fn refresh_claims(&self, token: &str) -> Claims {
        self.signer.verify(TokenKind::Refresh, token).unwrap()
    }

    fn session(&self, sid: SessionId) -> SessionRecord {
        self.world.lock().unwrap().sessions[&sid].clone()
    }

    fn sid_of(&self, pair: &TokenPair) -> SessionId {
        SessionId(self.refresh_claims(&pair.refresh_token).sid.unwrap())
    }

    fn revocations(&self) -> Vec<(SessionId, String)> {
        self.world.lock().unwrap().revocations.clone()
    }

    /// A token as the old NestJS backend made it: `{uuid, phone, iat, exp}` only.
    fn old_backend_token(&self, kind: TokenKind, ttl: i64) -> String {
        let iat = self.clock.now().timestamp();
        let claims = Claims {
            uuid: user_id().0,
            phone: Some("99361999999".into()),
            sub: None,
            sid: None,
            jti: None,
            typ: None,
            iat,
            exp: iat + ttl,
        };
        self.signer.sign(kind, &claims).unwrap()
    }
}

fn hash(token: &str) -> String {
    refresh_token_hash(token)
}

// ---------------------------------------------------------------- login

#[tokio::test]
async fn login_issues_typed_tokens_and_stores_the_refresh_hash() {
    let env = env();
    let pair = env.login().await;

    let access = env.access_claims(&pair.access_token);
    let refresh = env.refresh_claims(&pair.refresh_token);
    assert_eq!(access.typ, Some(TokenKind::Access));
    assert_eq!(refresh.typ, Some(TokenKind::Refresh));
    assert_eq!(access.uuid, user_id().0);
    assert_eq!(
        access.sub.as_deref(),
        Some(user_id().0.to_string().as_str())
    );
    assert_eq!(access.phone.as_deref(), Some(PHONE));
    assert!(access.sid.is_some());
    assert_eq!(access.sid, refresh.sid);
    assert!(access.jti.is_some() && refresh.jti.is_some());
    assert_ne!(access.jti, refresh.jti);
    assert_eq!((access.iat, access.exp), (T0, T0 + ACCESS_TTL));
    assert_eq!((refresh.iat, refresh.exp), (T0, T0 + REFRESH_TTL));

    let w = env.world.lock().unwrap();
    assert_eq!(w.created.len(), 1);
    let created = &w.created[0];
    assert_eq!(created.id.0, refresh.sid.unwrap());
    assert_eq!(created.user_id, user_id());
    assert_eq!(created.refresh_token_hash, hash(&pair.refresh_token));
    assert_eq!(created.expires_at, secs(T0 + REFRESH_TTL));
    assert_eq!(created.user_agent.as_deref(), Some("app/1.0"));
    assert_eq!(created.ip_address.as_deref(), Some("10.0.0.1"));
}

#[tokio::test]
async fn login_offers_a_random_base36_name_for_new_users() {
    let env = env();
    env.login().await;
    env.login().await;
    let names = env.world.lock().unwrap().new_names.clone();
    for name in &names {
        let suffix = name.strip_prefix("user_").unwrap();
        assert_eq!(suffix.len(), 5, "{name}");
        assert!(
            suffix
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
            "{name}"
        );
    }
    // 36^5 possibilities: equal names here would mean the generator is not random.
    assert_ne!(names[0], names[1]);
}

#[tokio::test]
async fn each_login_is_its_own_session() {
    let env = env();
    let first = env.login().await;
    let second = env.login().await;
    assert_ne!(env.sid_of(&first), env.sid_of(&second));
    // Logging in on a second device leaves the first device's tokens working.
    assert!(env.svc.authenticate(&first.access_token).await.is_ok());
    assert!(
        env.svc
            .refresh(&first.refresh_token, None, None)
            .await
            .is_ok()
    );
}

// ---------------------------------------------------------------- authenticate

#[tokio::test]
async fn authenticate_accepts_a_live_session() {
    let env = env();
    let pair = env.login().await;
    let user = env.svc.authenticate(&pair.access_token).await.unwrap();
    assert_eq!(
        user,
        AuthUser {
            id: user_id(),
            phone: Some(PHONE.into()),
            role: Role::User,
            session: Some(env.sid_of(&pair)),
        }
    );
}

#[tokio::test]
async fn authenticate_reports_an_expired_access_token() {
    let env = env();
    let pair = env.login().await;
    env.clock.advance(ACCESS_TTL - 1);
    assert!(env.svc.authenticate(&pair.access_token).await.is_ok());
    env.clock.advance(1);
    assert!(matches!(
        env.svc.authenticate(&pair.access_token).await,
        Err(AuthError::Expired)
    ));
}

#[tokio::test]
async fn authenticate_refuses_refresh_tokens() {
    let env = env();
    let pair = env.login().await;
    // Signed with the refresh secret.
    assert!(matches!(
        env.svc.authenticate(&pair.refresh_token).await,
        Err(AuthError::Invalid)
    ));
    // Even signed with the access secret (say both secrets were equal), `typ` refuses it.
    let mut claims = env.refresh_claims(&pair.refresh_token);
    claims.typ = Some(TokenKind::Refresh);
    let forged = env.signer.sign(TokenKind::Access, &claims).unwrap();
    assert!(matches!(
        env.svc.authenticate(&forged).await,
        Err(AuthError::Invalid)
    ));
}

#[tokio::test]
async fn authenticate_refuses_a_typed_access_token_without_session() {
    let env = env();
    let pair = env.login().await;
    let mut claims = env.access_claims(&pair.access_token);
    claims.sid = None;
    let token = env.signer.sign(TokenKind::Access, &claims).unwrap();
    assert!(matches!(
        env.svc.authenticate(&token).await,
        Err(AuthError::Invalid)
    ));
}

#[tokio::test]
async fn authenticate_refuses_a_revoked_session_at_once() {
    let env = env();
    let pair = env.login().await;
    let user = env.svc.authenticate(&pair.access_token).await.unwrap();
    env.svc.logout(&user).await.unwrap();
    assert!(matches!(
        env.svc.authenticate(&pair.access_token).await,
        Err(AuthError::SessionRevoked)
    ));
}

#[tokio::test]
async fn authenticate_reports_a_deleted_user() {
    let env = env();
    let pair = env.login().await;
    env.world.lock().unwrap().user_exists = false;
    assert!(matches!(
        env.svc.authenticate(&pair.access_token).await,
        Err(AuthError::UserDeleted)
    ));
}

#[tokio::test]
async fn authenticate_accepts_an_old_backend_token_without_session_check() {
    let mut users = MockUserRepo::new();
    users
        .expect_auth_record()
        .withf(|user, session, _| *user == user_id() && session.is_none())
        .times(1)
        .returning(|user, _, _| {
            Ok(Some(AuthRecord {
                id: user,
                phone: Some(PHONE.into()),
                role: Role::Admin,
                session_active: None,
            }))
        });
    let env = env_with(users, MockSessionRepo::new());
    let token = env.old_backend_token(TokenKind::Access, ACCESS_TTL);
    let user = env.svc.authenticate(&token).await.unwrap();
    assert_eq!(user.id, user_id());
    assert_eq!(user.role, Role::Admin);
    assert_eq!(user.session, None);
}

// ---------------------------------------------------------------- refresh

#[tokio::test]
async fn refresh_rotates_the_session_once() {
    let env = env();
    let first = env.login().await;
    let sid = env.sid_of(&first);
    env.clock.advance(60);

    let second = env
        .svc
        .refresh(&first.refresh_token, None, None)
        .await
        .unwrap();
    assert_ne!(second.refresh_token, first.refresh_token);
    let session = env.session(sid);
    assert_eq!(session.refresh_token_hash, hash(&second.refresh_token));
    assert_eq!(
        session.previous_token_hash.as_deref(),
        Some(hash(&first.refresh_token).as_str())
    );
    assert_eq!(session.rotated_at, Some(secs(T0 + 60)));
    assert_eq!(session.expires_at, secs(T0 + 60 + REFRESH_TTL));

    let child = env.refresh_claims(&second.refresh_token);
    assert_eq!(child.typ, Some(TokenKind::Refresh));
    assert_eq!(child.sid, Some(sid.0));
    assert_eq!((child.iat, child.exp), (T0 + 60, T0 + 60 + REFRESH_TTL));
    assert_eq!(child.jti.as_deref().map(str::len), Some(32));
    assert_eq!(child.phone.as_deref(), Some(PHONE));
    let access = env.access_claims(&second.access_token);
    assert_eq!(access.typ, Some(TokenKind::Access));
    assert_eq!(access.exp, T0 + 60 + ACCESS_TTL);
    assert!(env.svc.authenticate(&second.access_token).await.is_ok());

    // The chain goes on with the child.
    env.clock.advance(60);
    let third = env
        .svc
        .refresh(&second.refresh_token, None, None)
        .await
        .unwrap();
    assert_eq!(
        env.session(sid).refresh_token_hash,
        hash(&third.refresh_token)
    );
    assert!(env.revocations().is_empty());
}

#[tokio::test]
async fn refresh_that_loses_the_race_gets_the_winners_token() {
    // The winner rotates against the stateful store first.
    let env = env();
    let first = env.login().await;
    let sid = env.sid_of(&first);
    env.clock.advance(30);
    let before = env.session(sid);
    let winner = env
        .svc
        .refresh(&first.refresh_token, None, None)
        .await
        .unwrap();
    let after_rotation = env.session(sid);

    // The loser read the session before the winner's rotation, then lost the CAS.
    let mut sessions = MockSessionRepo::new();
    let reads = Arc::new(Mutex::new(vec![after_rotation, before]));
    sessions
        .expect_get()
        .times(2)
        .returning(move |_| Ok(reads.lock().unwrap().pop()));
    sessions
        .expect_rotate()
        .times(1)
        .returning(|_, _, _, _, _| Ok(false));
    sessions.expect_revoke().never();
    let loser_svc = service_with(
        users(&env.world),
        sessions,
        &env.clock,
        &env.signer,
        &env.events,
    );

    let loser = loser_svc
        .refresh(&first.refresh_token, None, None)
        .await
        .unwrap();
    assert_eq!(loser.refresh_token, winner.refresh_token);
    // The access token is fresh (its own jti) but just as valid.
    assert_ne!(loser.access_token, winner.access_token);
    assert!(env.svc.authenticate(&loser.access_token).await.is_ok());
}

#[tokio::test]
async fn refresh_with_the_parent_within_grace_returns_the_same_child() {
    let env = env();
    let first = env.login().await;
    let sid = env.sid_of(&first);
    env.clock.advance(60);
    let second = env
        .svc
        .refresh(&first.refresh_token, None, None)
        .await
        .unwrap();
    let rotated = env.session(sid);

    env.clock.advance(GRACE - 1);
    let again = env
        .svc
        .refresh(&first.refresh_token, None, None)
        .await
        .unwrap();
    assert_eq!(again.refresh_token, second.refresh_token);
    // Tolerated: no second rotation, no revocation.
    assert_eq!(env.session(sid), rotated);
    assert!(env.revocations().is_empty());
    assert!(
        env.svc
            .refresh(&second.refresh_token, None, None)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn refresh_with_the_parent_after_grace_revokes_the_session() {
    let env = env();
    let first = env.login().await;
    let sid = env.sid_of(&first);
    env.clock.advance(60);
    let second = env
        .svc
        .refresh(&first.refresh_token, None, None)
        .await
        .unwrap();

    env.clock.advance(GRACE + 1);
    assert!(matches!(
        env.svc.refresh(&first.refresh_token, None, None).await,
        Err(RefreshError::Reuse)
    ));
    assert_eq!(env.revocations(), vec![(sid, "reuse".to_owned())]);
    // Whoever holds the live token is logged out too.
    assert!(matches!(
        env.svc.refresh(&second.refresh_token, None, None).await,
        Err(RefreshError::SessionRevoked)
    ));
    assert!(matches!(
        env.svc.authenticate(&second.access_token).await,
        Err(AuthError::SessionRevoked)
    ));
}

#[tokio::test]
async fn refresh_with_a_grandparent_revokes_the_session_even_within_grace() {
    let env = env();
    let first = env.login().await;
    let sid = env.sid_of(&first);
    env.clock.advance(1);
    let second = env
        .svc
        .refresh(&first.refresh_token, None, None)
        .await
        .unwrap();
    env.clock.advance(1);
    let third = env
        .svc
        .refresh(&second.refresh_token, None, None)
        .await
        .unwrap();

    assert!(matches!(
        env.svc.refresh(&first.refresh_token, None, None).await,
        Err(RefreshError::Reuse)
    ));
    assert_eq!(env.revocations(), vec![(sid, "reuse".to_owned())]);
    assert_eq!(
        env.events.all(),
        vec![DomainEvent::SessionRevoked { session: sid }]
    );
    assert!(env.session(sid).revoked_at.is_some());
    assert!(matches!(
        env.svc.refresh(&third.refresh_token, None, None).await,
        Err(RefreshError::SessionRevoked)
    ));
}

#[tokio::test]
async fn refresh_with_the_parent_whose_child_is_no_longer_current_is_reuse() {
    let env = env();
    let first = env.login().await;
    let sid = env.sid_of(&first);
    env.clock.advance(1);
    let second = env
        .svc
        .refresh(&first.refresh_token, None, None)
        .await
        .unwrap();
    env.clock.advance(1);
    env.svc
        .refresh(&second.refresh_token, None, None)
        .await
        .unwrap();
    // `second` is now the parent, within grace, and its child is current: tolerated.
    assert!(
        env.svc
            .refresh(&second.refresh_token, None, None)
            .await
            .is_ok()
    );
    assert!(env.revocations().is_empty());
    // Simulate the child having moved on without `second` being the previous token.
    {
        let mut w = env.world.lock().unwrap();
        let s = w.sessions.get_mut(&sid).unwrap();
        s.refresh_token_hash = "0".repeat(64);
    }
    assert!(matches!(
        env.svc.refresh(&second.refresh_token, None, None).await,
        Err(RefreshError::Reuse)
    ));
    assert_eq!(env.revocations(), vec![(sid, "reuse".to_owned())]);
}

#[tokio::test]
async fn refresh_refuses_access_tokens() {
    let env = env();
    let pair = env.login().await;
    let sid = env.sid_of(&pair);
    let stored = env.session(sid);
    // Signed with the access secret.
    assert!(matches!(
        env.svc.refresh(&pair.access_token, None, None).await,
        Err(RefreshError::Invalid)
    ));
    // Even signed with the refresh secret, `typ: access` refuses it.
    let claims = env.access_claims(&pair.access_token);
    let forged = env.signer.sign(TokenKind::Refresh, &claims).unwrap();
    assert!(matches!(
        env.svc.refresh(&forged, None, None).await,
        Err(RefreshError::Invalid)
    ));
    assert_eq!(env.session(sid), stored);
    assert!(env.revocations().is_empty());
}

#[tokio::test]
async fn refresh_refuses_empty_and_garbage_tokens() {
    let env = env();
    for token in ["", "   ", "not-a-jwt"] {
        assert!(
            matches!(
                env.svc.refresh(token, None, None).await,
                Err(RefreshError::Invalid)
            ),
            "{token:?}"
        );
    }
}

#[tokio::test]
async fn refresh_reports_an_expired_refresh_token() {
    let env = env();
    let pair = env.login().await;
    env.clock.advance(REFRESH_TTL);
    assert!(matches!(
        env.svc.refresh(&pair.refresh_token, None, None).await,
        Err(RefreshError::Expired)
    ));
}

#[tokio::test]
async fn refresh_of_a_logged_out_session_is_session_revoked() {
    let env = env();
    let pair = env.login().await;
    let user = env.svc.authenticate(&pair.access_token).await.unwrap();
    env.svc.logout(&user).await.unwrap();
    assert!(matches!(
        env.svc.refresh(&pair.refresh_token, None, None).await,
        Err(RefreshError::SessionRevoked)
    ));
    // Not treated as theft: the only revocation is the logout.
    assert_eq!(
        env.revocations(),
        vec![(env.sid_of(&pair), "logout".to_owned())]
    );
}

#[tokio::test]
async fn refresh_of_an_expired_session_is_session_revoked() {
    let env = env();
    let pair = env.login().await;
    let sid = env.sid_of(&pair);
    env.world
        .lock()
        .unwrap()
        .sessions
        .get_mut(&sid)
        .unwrap()
        .expires_at = secs(T0);
    assert!(matches!(
        env.svc.refresh(&pair.refresh_token, None, None).await,
        Err(RefreshError::SessionRevoked)
    ));
}

#[tokio::test]
async fn refresh_of_a_missing_session_tells_deleted_users_apart() {
    let env = env();
    let pair = env.login().await;
    let sid = env.sid_of(&pair);
    env.world.lock().unwrap().sessions.remove(&sid);
    assert!(matches!(
        env.svc.refresh(&pair.refresh_token, None, None).await,
        Err(RefreshError::SessionRevoked)
    ));
    env.world.lock().unwrap().user_exists = false;
    assert!(matches!(
        env.svc.refresh(&pair.refresh_token, None, None).await,
        Err(RefreshError::UserDeleted)
    ));
}

#[tokio::test]
async fn refresh_of_a_deleted_user_with_a_live_session_is_user_deleted() {
    let env = env();
    let pair = env.login().await;
    env.world.lock().unwrap().user_exists = false;
    assert!(matches!(
        env.svc.refresh(&pair.refresh_token, None, None).await,
        Err(RefreshError::UserDeleted)
    ));
}

#[tokio::test]
async fn refresh_naming_another_users_session_is_invalid() {
    let env = env();
    let pair = env.login().await;
    let mut claims = env.refresh_claims(&pair.refresh_token);
    claims.uuid = Uuid::new_v4();
    let token = env.signer.sign(TokenKind::Refresh, &claims).unwrap();
    assert!(matches!(
        env.svc.refresh(&token, None, None).await,
        Err(RefreshError::Invalid)
    ));
    assert!(env.revocations().is_empty());
}

#[tokio::test]
async fn refresh_puts_the_current_phone_in_new_tokens() {
    let env = env();
    let pair = env.login().await;
    env.world.lock().unwrap().phone = Some("+99365000000".into());
    let next = env
        .svc
        .refresh(&pair.refresh_token, None, None)
        .await
        .unwrap();
    assert_eq!(
        env.refresh_claims(&next.refresh_token).phone.as_deref(),
        Some("+99365000000")
    );
    assert_eq!(
        env.access_claims(&next.access_token).phone.as_deref(),
        Some("+99365000000")
    );
}

// ---------------------------------------------------------------- legacy refresh tokens

/// bcrypt's minimum cost keeps the test fast; production rows use cost 10.
fn legacy_hash_of(token: &str) -> String {
    bcrypt::hash(hash(token), 4).unwrap()
}

#[tokio::test]
async fn legacy_refresh_token_is_adopted_once() {
    let env = env();
    let legacy = env.old_backend_token(TokenKind::Refresh, REFRESH_TTL);
    env.world.lock().unwrap().legacy_hash = Some(legacy_hash_of(&legacy));

    let pair = env
        .svc
        .refresh(&legacy, Some("app/1.0".into()), None)
        .await
        .unwrap();
    let claims = env.refresh_claims(&pair.refresh_token);
    assert_eq!(claims.typ, Some(TokenKind::Refresh));
    assert_eq!(claims.phone.as_deref(), Some("99361999999"));
    let sid = SessionId(claims.sid.unwrap());
    assert_eq!(
        env.session(sid).refresh_token_hash,
        hash(&pair.refresh_token)
    );
    assert_eq!(env.session(sid).user_id, user_id());
    assert_eq!(env.world.lock().unwrap().legacy_hash, None);
    assert!(env.svc.authenticate(&pair.access_token).await.is_ok());

    assert!(matches!(
        env.svc.refresh(&legacy, None, None).await,
        Err(RefreshError::SessionRevoked)
    ));
    assert_eq!(env.world.lock().unwrap().created.len(), 1);
}

#[tokio::test]
async fn legacy_refresh_token_that_does_not_match_clears_the_hash() {
    let env = env();
    let legacy = env.old_backend_token(TokenKind::Refresh, REFRESH_TTL);
    env.world.lock().unwrap().legacy_hash = Some(legacy_hash_of("some newer token"));

    assert!(matches!(
        env.svc.refresh(&legacy, None, None).await,
        Err(RefreshError::Reuse)
    ));
    let w = env.world.lock().unwrap();
    assert_eq!(w.legacy_hash, None);
    assert!(w.created.is_empty());
}

#[tokio::test]
async fn legacy_refresh_token_adopted_concurrently_is_session_revoked() {
    let legacy_token = Arc::new(Mutex::new(String::new()));
    let mut users = MockUserRepo::new();
    let t = legacy_token.clone();
    users.expect_legacy_refresh().returning(move |_| {
        Ok(Some(LegacyRefresh {
            phone: None,
            hash: Some(legacy_hash_of(&t.lock().unwrap())),
        }))
    });
    // Someone else cleared the hash between our read and our compare-and-swap.
    users
        .expect_take_legacy_refresh()
        .times(1)
        .returning(|_, _| Ok(false));
    let mut sessions = MockSessionRepo::new();
    sessions.expect_create().never();
    let env = env_with(users, sessions);
    let legacy = env.old_backend_token(TokenKind::Refresh, REFRESH_TTL);
    *legacy_token.lock().unwrap() = legacy.clone();

    assert!(matches!(
        env.svc.refresh(&legacy, None, None).await,
        Err(RefreshError::SessionRevoked)
    ));
}

#[tokio::test]
async fn legacy_refresh_of_a_deleted_user_is_user_deleted() {
    let env = env();
    let legacy = env.old_backend_token(TokenKind::Refresh, REFRESH_TTL);
    env.world.lock().unwrap().user_exists = false;
    assert!(matches!(
        env.svc.refresh(&legacy, None, None).await,
        Err(RefreshError::UserDeleted)
    ));
}

// ---------------------------------------------------------------- logout

fn auth_user(session: Option<SessionId>) -> AuthUser {
    AuthUser {
        id: user_id(),
        phone: Some(PHONE.into()),
        role: Role::User,
        session,
    }
}

#[tokio::test]
async fn logout_revokes_the_session() {
    let sid = SessionId(Uuid::new_v4());
    let mut sessions = MockSessionRepo::new();
    sessions
        .expect_revoke()
        .withf(move |id, reason, now| *id == sid && reason == "logout" && now.timestamp() == T0)
        .times(1)
        .returning(|_, _, _| Ok(true));
    let env = env_with(MockUserRepo::new(), sessions);
    env.svc.logout(&auth_user(Some(sid))).await.unwrap();
    assert_eq!(
        env.events.all(),
        vec![DomainEvent::SessionRevoked { session: sid }]
    );
}

#[tokio::test]
async fn logout_with_an_old_backend_token_revokes_nothing() {
    let mut sessions = MockSessionRepo::new();
    sessions.expect_revoke().never();
    let env = env_with(MockUserRepo::new(), sessions);
    assert!(env.svc.logout(&auth_user(None)).await.is_ok());
    assert!(env.events.all().is_empty());
}

// ---------------------------------------------------------------- profile

#[tokio::test]
async fn profile_of_a_vanished_user_is_not_found() {
    let mut users = MockUserRepo::new();
    users.expect_profile().times(1).returning(|_| Ok(None));
    let env = env_with(users, MockSessionRepo::new());
    assert!(matches!(
        env.svc.profile(&auth_user(None)).await,
        Err(ProfileError::NotFound)
    ));
}

#[tokio::test]
async fn update_profile_trims_names_and_clears_blank_ones() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut users = MockUserRepo::new();
    let s = seen.clone();
    users
        .expect_update_profile()
        .returning(move |_, changes, _| {
            s.lock().unwrap().push(changes);
            Ok(UpdateOutcome::Updated)
        });
    let env = env_with(users, MockSessionRepo::new());
    let user = auth_user(None);
    let location = Some(Some("Mary".to_owned()));
    for name in [
        Some(Some("  Aman  ".to_owned())),
        Some(Some("   ".to_owned())),
        Some(None),
        None,
    ] {
        env.svc
            .update_profile(
                &user,
                ProfileChanges {
                    name,
                    location: location.clone(),
                    email: None,
                },
            )
            .await
            .unwrap();
    }
    let names: Vec<_> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|c| c.name.clone())
        .collect();
    assert_eq!(
        names,
        vec![Some(Some("Aman".to_owned())), Some(None), Some(None), None]
    );
    assert!(seen.lock().unwrap().iter().all(|c| c.location == location));
}

#[tokio::test]
async fn update_profile_maps_outcomes() {
    for (outcome, expected) in [
        (UpdateOutcome::UserNotFound, "not found"),
        (UpdateOutcome::EmailTaken, "email taken"),
    ] {
        let mut users = MockUserRepo::new();
        users
            .expect_update_profile()
            .times(1)
            .returning(move |_, _, _| Ok(outcome));
        let env = env_with(users, MockSessionRepo::new());
        let result = env
            .svc
            .update_profile(&auth_user(None), ProfileChanges::default())
            .await;
        let got = match result {
            Err(ProfileError::NotFound) => "not found",
            Err(ProfileError::EmailTaken) => "email taken",
            other => panic!("unexpected {other:?}"),
        };
        assert_eq!(got, expected);
    }
}

#[tokio::test]
async fn set_firebase_token_for_a_vanished_user_is_not_found() {
    let mut users = MockUserRepo::new();
    users
        .expect_set_firebase_token()
        .withf(|user, token, _| *user == user_id() && token == "fcm-1")
        .times(2)
        .returning({
            let calls = Arc::new(Mutex::new(0));
            move |_, _, _| {
                let mut calls = calls.lock().unwrap();
                *calls += 1;
                Ok(*calls == 1)
            }
        });
    let env = env_with(users, MockSessionRepo::new());
    let user = auth_user(None);
    assert!(env.svc.set_firebase_token(&user, "fcm-1").await.is_ok());
    assert!(matches!(
        env.svc.set_firebase_token(&user, "fcm-1").await,
        Err(ProfileError::NotFound)
    ));
}

#[test]
fn debug_output_carries_no_tokens() {
    let pair = TokenPair {
        access_token: "secret-access".into(),
        refresh_token: "secret-refresh".into(),
    };
    assert!(!format!("{pair:?}").contains("secret"));
    let env = env_with(MockUserRepo::new(), MockSessionRepo::new());
    let shown = format!("{:?}", env.svc);
    assert!(!shown.contains("test-access-secret"), "{shown}");
}
