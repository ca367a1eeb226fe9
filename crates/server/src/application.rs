//! The composition root: every adapter and service, built once, in dependency order. `serve`
//! and the tests (through `alpha_testkit::TestApp`) build the application here and nowhere else.
//!
//! Order: the clock; the outbound halves of the socket adapters (client notifier, SMS devices);
//! the event bus with every reaction across contexts; the services; the inbound halves of the
//! socket adapters, which hold the services. Nothing is set after construction, so a half-wired
//! application cannot exist.

use std::sync::Arc;
use std::time::Duration;

use alpha_auth::{
    AuthConfig, AuthService, AvatarService, DeletedContent, JwtTokenSigner, TellUserCodeDelivered,
    UserAdmin,
};
use alpha_catalog::{
    BrandSubscriptions, CatalogAdmin, CatalogPhotoService, CatalogVersion, SearchIndex,
};
use alpha_chat::ChatService;
use alpha_community::blog::{BlogPhotoService, BlogService};
use alpha_community::comments::CommentService;
use alpha_gateways::{
    ClientGateway, ClientGatewayConfig, ClientNotifier, SmsDevices, SmsGateway, SmsGatewayConfig,
};
use alpha_http_api::{AppState, CachePolicy, EdgePolicy, HttpOptions, IpLimit, ResponseCache};
use alpha_kernel::{
    Clock, DisconnectEndedSessions, EventPublisher, EventSubscriber, PhonePolicy, RateLimiter,
    Version,
};
use alpha_listings::{AttachmentService, ListingService, PostPhotoService};
use alpha_media::ImageService;
use alpha_notifications::{NotificationService, OutboxWorker, PushNewListings};
use alpha_otp::{HmacCodeHasher, OsRngCodes, OtpConfig, OtpService, TestNumbers};
use alpha_sms_dispatch::{DispatchConfig, Dispatcher};
use alpha_store::pool::PgPool;
use alpha_store::repos::{
    PgAuditLog, PgBlog, PgCatalog, PgChatRepo, PgComments, PgDeviceDirectory, PgDispatchRepo,
    PgHealth, PgListings, PgNotifications, PgOrders, PgOtpRepo, PgRateLimiter, PgSessionRepo,
    PgSmsQueue, PgUserRepo,
};
use alpha_subscriptions::OrderService;
use anyhow::Context;
use secrecy::ExposeSecret;

use crate::config::{DeletedContentSetting, Settings};
use crate::media_cleanup::ImageCleanup;
use crate::metrics::Metrics;
use crate::push::PushWorker;
use crate::sms_queue::{RunningSmsQueue, SmsQueueWorker};
use crate::storage::MediaStorage;
use crate::user_content::RemoveUserContent;

/// Bounds how long another instance's catalog edits stay out of this instance's search index.
const CATALOG_INDEX_MAX_AGE: Duration = Duration::from_secs(30);
use crate::events::EventBus;

/// A device not heard from for this long is not given messages (pings go out every 20 s).
const DEVICE_STALE_AFTER: Duration = Duration::from_secs(60);

/// Everything `serve` runs: the HTTP state and both Socket.IO gateways, wired together.
pub struct Application {
    /// What the HTTP handlers share.
    pub state: AppState,
    pub http: HttpOptions,
    /// The SMS-device gateway (`/sms`) and the dispatcher behind the OTP service.
    pub sms_gateway: Arc<SmsGateway>,
    pub dispatcher: Arc<Dispatcher>,
    /// The client gateway (`/`) and its outbound half, which services push through.
    pub client_gateway: Arc<ClientGateway>,
    pub notifier: Arc<ClientNotifier>,
    pub pool: PgPool,
    pub clock: Arc<dyn Clock>,
    /// What `/metrics` samples and renders.
    pub metrics: Arc<Metrics>,
    /// Where contexts publish domain events (the reactions are registered in `build`).
    pub events: Arc<dyn EventPublisher>,
    /// Delivers the push outbox; not running until [`Application::start_push_worker`].
    pub push_worker: Arc<OutboxWorker>,
    /// The worker's pause between looks when the outbox has nothing due.
    pub push_poll: Duration,
    /// Sends from the SMS queue shared by the instances; not running until
    /// [`Application::start_sms_queue`].
    pub sms_queue: Arc<SmsQueueWorker>,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application").finish_non_exhaustive()
    }
}

impl Application {
    /// Builds the whole application on `pool`, with `clock` as every service's time.
    ///
    /// Must run inside a tokio runtime (the socket adapters spawn their timers on it).
    ///
    /// Errors: an unparsable trusted-proxy entry (configuration validates these, so only a
    /// programming error gets here); an upload folder that cannot be created; a `redis.url`
    /// the Redis client cannot parse.
    pub fn build(settings: &Settings, pool: PgPool, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        // Outbound halves of the socket adapters.
        let gateways = &settings.gateways;
        let client_config = ClientGatewayConfig {
            cors_allowed_origins: settings.http.cors_allowed_origins.clone(),
            revalidate_every: Duration::from_millis(gateways.client_revalidate_ms),
            ..ClientGatewayConfig::default()
        };
        // With Redis, a user's sockets on every instance; connected lazily, so Redis being down
        // at start stops nothing (docs/OPERATIONS.md, "Running more than one instance").
        let notifier = match &settings.redis.url {
            Some(url) => ClientNotifier::over_redis(&client_config, url.expose_secret())?,
            None => ClientNotifier::new(&client_config),
        };
        let devices = SmsDevices::new(clock.clone());
        let devices_for_metrics = devices.clone();

        // Reactions across contexts, all registered here.
        let users = Arc::new(PgUserRepo::new(pool.clone()));
        let pushes = Arc::new(PgNotifications::new(pool.clone()));
        let reactions: Vec<Arc<dyn EventSubscriber>> = vec![
            Arc::new(DisconnectEndedSessions(notifier.clone())),
            Arc::new(TellUserCodeDelivered::new(users.clone(), notifier.clone())),
            Arc::new(PushNewListings::new(
                pushes.clone(),
                notifier.clone(),
                clock.clone(),
                settings.push.approval_daily_cap,
            )),
        ];
        let events: Arc<dyn EventPublisher> = Arc::new(EventBus::new(reactions));

        // Services.
        let sms = &settings.sms;
        let dispatcher = Arc::new(Dispatcher::new(
            devices.clone(),
            devices.clone(),
            Arc::new(PgDispatchRepo::new(pool.clone())),
            Arc::new(PgSmsQueue::new(pool.clone())),
            clock.clone(),
            events.clone(),
            DispatchConfig {
                template: sms.otp_template.clone(),
                default_region: sms.default_region.clone(),
                ack_timeout: Duration::from_secs(sms.ack_timeout_secs),
                max_attempts: sms.max_attempts,
                device_stale_after: DEVICE_STALE_AFTER,
                any_region_fallback: sms.allow_any_region_fallback,
                lease_grace: Duration::from_secs(sms.lease_grace_secs),
            },
        ));
        let limiter: Arc<dyn RateLimiter> = Arc::new(PgRateLimiter::new(pool.clone()));
        let otp = Arc::new(otp_service(
            settings,
            &pool,
            dispatcher.clone(),
            &limiter,
            &clock,
        ));
        let auth = Arc::new(auth_service(
            settings,
            users.clone(),
            &pool,
            &clock,
            events.clone(),
        ));
        let push_worker = Arc::new(OutboxWorker::new(
            pushes.clone(),
            crate::push::sender(&settings.push),
            clock.clone(),
            crate::push::worker_config(&settings.push),
        ));
        let chat = Arc::new(ChatService::new(
            Arc::new(PgChatRepo::new(pool.clone())),
            clock.clone(),
        ));
        let directory = Arc::new(PgDeviceDirectory::new(pool.clone()));

        // Inbound halves, holding the services.
        let sms_gateway = SmsGateway::new(
            SmsGatewayConfig {
                shared_token: sms
                    .device_auth_token
                    .as_ref()
                    .map(|t| t.expose_secret().to_owned()),
                allow_unauthenticated: settings.profile.is_development(),
                default_region: sms.default_region.clone(),
                register_timeout: Duration::from_millis(gateways.sms_register_timeout_ms),
                ping_interval: Duration::from_millis(gateways.sms_ping_interval_ms),
            },
            directory.clone(),
            clock.clone(),
            devices.clone(),
            dispatcher.clone(),
        );
        let sms_queue = Arc::new(SmsQueueWorker {
            dispatcher: dispatcher.clone(),
            devices,
            directory: directory.clone(),
            pool: pool.clone(),
            clock: clock.clone(),
            poll: Duration::from_millis(sms.queue_poll_ms),
        });
        let client_gateway =
            ClientGateway::new(client_config, notifier.clone(), auth.clone(), chat.clone());

        let storage = MediaStorage::from_settings(settings)?;
        let images = Arc::new(storage.image_service());
        let catalog = Arc::new(PgCatalog::new(pool.clone()));
        let catalog_version = CatalogVersion::new();
        let posts = Arc::new(PgListings::new(pool.clone()));
        // Every listings write moves this on, so rendered feed and post pages go stale at once.
        let listings_version = Version::new();
        let cleanup = Arc::new(ImageCleanup(images.clone()));
        let listings = Arc::new(
            ListingService::new(posts.clone(), posts.clone(), cleanup.clone())
                .with_version(listings_version.clone())
                .with_events(events.clone()),
        );
        let post_photos = Arc::new(
            PostPhotoService::new(posts.clone(), posts.clone(), images.clone())
                .with_version(listings_version.clone()),
        );
        let attachments = Arc::new(
            AttachmentService::new(
                posts.clone(),
                posts,
                storage.uploads.clone(),
                cleanup,
                settings.uploads.max_video_bytes,
            )
            .with_version(listings_version.clone()),
        );
        // The post page shows its comments: a comment moves the listings version too.
        let comments = Arc::new(CommentService::new(
            Arc::new(PgComments::new(pool.clone())),
            listings_version.clone(),
        ));
        let blog_store = Arc::new(PgBlog::new(pool.clone()));
        let avatars = Arc::new(AvatarService::new(images.clone(), users.clone()));
        let user_admin = Arc::new(UserAdmin::new(
            users,
            Arc::new(RemoveUserContent {
                avatars: avatars.clone(),
                listings: listings.clone(),
                comments: PgComments::new(pool.clone()),
                blog: PgBlog::new(pool.clone()),
                listings_version: listings_version.clone(),
                pushes: PgNotifications::new(pool.clone()),
                clock: clock.clone(),
            }),
            events.clone(),
            clock.clone(),
            match settings.users.deleted_content {
                DeletedContentSetting::Keep => DeletedContent::Keep,
                DeletedContentSetting::Remove => DeletedContent::Remove,
            },
        ));
        let orders = Arc::new(OrderService::new(
            Arc::new(PgOrders::new(pool.clone())),
            clock.clone(),
            phone_policy(settings),
        ));
        let state = AppState {
            comments,
            blog: Arc::new(BlogService::new(blog_store.clone())),
            blog_photos: Arc::new(BlogPhotoService::new(blog_store, images.clone())),
            avatars,
            orders,
            users: user_admin,
            audit: Arc::new(PgAuditLog::new(pool.clone())),
            notifications: Arc::new(NotificationService::new(pushes, clock.clone())),
            listings,
            post_photos,
            attachments,
            listings_cache: Arc::new(ResponseCache::new(listings_version, CachePolicy::LISTINGS)),
            catalog_photos: Arc::new(CatalogPhotoService::new(
                images.clone(),
                catalog.clone(),
                catalog_version.clone(),
            )),
            images,
            catalog: catalog.clone(),
            catalog_admin: Arc::new(CatalogAdmin::new(catalog.clone(), catalog_version.clone())),
            subscriptions: Arc::new(BrandSubscriptions::new(catalog.clone())),
            search: Arc::new(SearchIndex::new(
                catalog,
                catalog_version.clone(),
                clock.clone(),
                CATALOG_INDEX_MAX_AGE,
            )),
            catalog_cache: Arc::new(ResponseCache::new(catalog_version, CachePolicy::CATALOG)),
            chat,
            sms_devices: directory,
            health: Arc::new(PgHealth::new(pool.clone())),
            otp,
            auth,
            limiter,
            edge: Arc::new(edge_policy(settings)?),
        };
        Ok(Self {
            state,
            http: HttpOptions {
                body_limit_bytes: settings.http.body_limit_bytes,
                cors_allowed_origins: settings.http.cors_allowed_origins.clone(),
                uploads: storage.served,
            },
            metrics: Arc::new(Metrics::new(
                pool.clone(),
                dispatcher.clone(),
                devices_for_metrics,
                notifier.clone(),
                clock.clone(),
            )),
            sms_gateway,
            dispatcher,
            client_gateway,
            notifier,
            pool,
            clock,
            events,
            push_worker,
            push_poll: Duration::from_millis(settings.push.poll_interval_ms),
            sms_queue,
        })
    }

    /// Starts claiming from the shared SMS queue on the current tokio runtime.
    pub fn start_sms_queue(&self) -> RunningSmsQueue {
        self.sms_queue.clone().start()
    }

    /// Starts delivering the push outbox on the current tokio runtime.
    pub fn start_push_worker(&self) -> PushWorker {
        PushWorker::start(self.push_worker.clone(), self.push_poll)
    }
}

/// Images stored where `storage.backend` says ([`MediaStorage`]), processed on the blocking pool.
///
/// Errors: those of [`MediaStorage::from_settings`].
pub fn image_service(settings: &Settings) -> anyhow::Result<ImageService> {
    Ok(MediaStorage::from_settings(settings)?.image_service())
}

fn otp_service(
    settings: &Settings,
    pool: &PgPool,
    sms: Arc<Dispatcher>,
    limiter: &Arc<dyn RateLimiter>,
    clock: &Arc<dyn Clock>,
) -> OtpService {
    let otp = &settings.otp;
    OtpService::new(
        Arc::new(PgOtpRepo::new(pool.clone())),
        Arc::new(HmacCodeHasher::new(otp.pepper.expose_secret().as_bytes())),
        Arc::new(OsRngCodes),
        sms,
        limiter.clone(),
        clock.clone(),
        OtpConfig {
            ttl: Duration::from_secs(otp.ttl_secs),
            code_length: otp.code_length,
            max_attempts: otp.max_attempts,
            phone_limit: otp.phone_rate_limit_max,
            phone_window: Duration::from_millis(otp.phone_rate_limit_window_ms),
            test_numbers: TestNumbers {
                enabled: otp.test_mode,
                production: settings.profile.is_production(),
                allow_in_production: otp.test_allow_in_prod,
                numbers: otp.test_numbers.clone(),
                production_numbers: otp.test_numbers_prod.clone(),
                prefix: otp.test_prefix.clone(),
                expose_code: otp.test_code_response,
            },
        },
    )
}

fn auth_service(
    settings: &Settings,
    users: Arc<PgUserRepo>,
    pool: &PgPool,
    clock: &Arc<dyn Clock>,
    events: Arc<dyn EventPublisher>,
) -> AuthService {
    let auth = &settings.auth;
    AuthService::new(
        users,
        Arc::new(PgSessionRepo::new(pool.clone())),
        Arc::new(JwtTokenSigner::new(
            auth.access_secret.expose_secret().as_bytes(),
            auth.refresh_secret.expose_secret().as_bytes(),
        )),
        clock.clone(),
        events,
        AuthConfig {
            access_ttl: Duration::from_secs(auth.access_ttl_secs),
            refresh_ttl: Duration::from_secs(auth.refresh_ttl_secs),
            reuse_grace: Duration::from_secs(auth.reuse_grace_secs),
        },
    )
}

fn edge_policy(settings: &Settings) -> anyhow::Result<EdgePolicy> {
    let otp = &settings.otp;
    let trusted_proxies = settings
        .http
        .trusted_proxies
        .iter()
        .map(|entry| parse_net(entry))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(EdgePolicy {
        phone: phone_policy(settings),
        otp_send_per_ip: IpLimit {
            limit: otp.ip_send_limit,
            window: Duration::from_secs(otp.ip_send_window_secs),
        },
        otp_verify_per_ip: IpLimit {
            limit: otp.ip_verify_limit,
            window: Duration::from_secs(otp.ip_verify_window_secs),
        },
        trusted_proxies,
    })
}

/// Which phone numbers log in: Turkmen mobiles, with the configured extra ranges.
pub fn phone_policy(settings: &Settings) -> PhonePolicy {
    PhonePolicy {
        extra_mobile_prefixes: settings.phone.extra_mobile_prefixes.clone(),
        ..PhonePolicy::default()
    }
}

/// A bare address counts as a single-host network.
fn parse_net(entry: &str) -> anyhow::Result<ipnet::IpNet> {
    entry
        .parse::<ipnet::IpNet>()
        .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .with_context(|| format!("http.trusted_proxies: `{entry}` is not an IP or CIDR"))
}
