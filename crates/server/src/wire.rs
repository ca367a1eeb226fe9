//! Wiring: concrete adapters into the domain services, as configured.

use std::sync::Arc;
use std::time::Duration;

use alpha_auth::{AuthConfig, AuthService, JwtTokenSigner};
use alpha_chat::ChatService;
use alpha_gateways::{SmsGateway, SmsGatewayConfig};
use alpha_http_api::{AppState, EdgePolicy, IpLimit};
use alpha_kernel::{Clock, PhonePolicy, RateLimiter, SystemClock};
use alpha_otp::SmsSender;
use alpha_otp::{HmacCodeHasher, OsRngCodes, OtpConfig, OtpService, TestNumbers};
use alpha_sms_dispatch::{DispatchConfig, Dispatcher};
use alpha_store::pool::PgPool;
use alpha_store::repos::{
    PgChatRepo, PgDeviceDirectory, PgDispatchRepo, PgHealth, PgOtpRepo, PgRateLimiter,
    PgSessionRepo, PgUserRepo,
};
use anyhow::Context;
use secrecy::ExposeSecret;

use crate::config::Settings;

/// The SMS-device gateway and the dispatcher behind the OTP service's `SmsSender` port.
pub struct SmsStack {
    pub gateway: Arc<SmsGateway>,
    pub dispatcher: Arc<Dispatcher>,
}

/// A device not heard from for this long is not given messages (pings go out every 20 s).
const DEVICE_STALE_AFTER: Duration = Duration::from_secs(60);

/// Builds the gateway and the dispatcher and ties them together (each calls the other).
pub fn sms_stack(settings: &Settings, pool: &PgPool) -> SmsStack {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let sms = &settings.sms;
    let gateway = SmsGateway::new(
        SmsGatewayConfig {
            shared_token: sms
                .device_auth_token
                .as_ref()
                .map(|t| t.expose_secret().to_owned()),
            allow_unauthenticated: settings.profile.is_development(),
            default_region: sms.default_region.clone(),
            register_timeout: Duration::from_secs(10),
            ping_interval: Duration::from_secs(20),
        },
        Arc::new(PgDeviceDirectory::new(pool.clone())),
        clock.clone(),
    );
    let dispatcher = Arc::new(Dispatcher::new(
        gateway.clone(),
        gateway.clone(),
        Arc::new(PgDispatchRepo::new(pool.clone())),
        clock,
        DispatchConfig {
            template: sms.otp_template.clone(),
            default_region: sms.default_region.clone(),
            ack_timeout: Duration::from_secs(sms.ack_timeout_secs),
            max_attempts: sms.max_attempts,
            device_stale_after: DEVICE_STALE_AFTER,
            any_region_fallback: sms.allow_any_region_fallback,
        },
    ));
    gateway.attach_dispatcher(dispatcher.clone());
    SmsStack {
        gateway,
        dispatcher,
    }
}

/// Builds everything the HTTP edge needs from `settings`, a pool, and the SMS sender (the
/// dispatcher when the device gateway runs).
///
/// Errors: an unparsable trusted-proxy entry (configuration validates these, so only a
/// programming error gets here).
pub fn app_state(
    settings: &Settings,
    pool: PgPool,
    sms: Arc<dyn SmsSender>,
) -> anyhow::Result<AppState> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let limiter: Arc<dyn RateLimiter> = Arc::new(PgRateLimiter::new(pool.clone()));

    let otp = &settings.otp;
    let otp_service = OtpService::new(
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
    );

    let auth = &settings.auth;
    let auth_service = AuthService::new(
        Arc::new(PgUserRepo::new(pool.clone())),
        Arc::new(PgSessionRepo::new(pool.clone())),
        Arc::new(JwtTokenSigner::new(
            auth.access_secret.expose_secret().as_bytes(),
            auth.refresh_secret.expose_secret().as_bytes(),
        )),
        clock,
        AuthConfig {
            access_ttl: Duration::from_secs(auth.access_ttl_secs),
            refresh_ttl: Duration::from_secs(auth.refresh_ttl_secs),
            reuse_grace: Duration::from_secs(auth.reuse_grace_secs),
        },
    );

    let trusted_proxies = settings
        .http
        .trusted_proxies
        .iter()
        .map(|entry| parse_net(entry))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let edge = EdgePolicy {
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
    };

    Ok(AppState {
        chat: Arc::new(ChatService::new(
            Arc::new(PgChatRepo::new(pool.clone())),
            Arc::new(SystemClock),
        )),
        sms_devices: Arc::new(PgDeviceDirectory::new(pool.clone())),
        health: Arc::new(PgHealth::new(pool)),
        otp: Arc::new(otp_service),
        auth: Arc::new(auth_service),
        limiter,
        edge: Arc::new(edge),
    })
}

/// A bare address counts as a single-host network.
/// Which phone numbers log in: Turkmen mobiles, with the configured extra ranges.
pub fn phone_policy(settings: &Settings) -> PhonePolicy {
    PhonePolicy {
        extra_mobile_prefixes: settings.phone.extra_mobile_prefixes.clone(),
        ..PhonePolicy::default()
    }
}

fn parse_net(entry: &str) -> anyhow::Result<ipnet::IpNet> {
    entry
        .parse::<ipnet::IpNet>()
        .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .with_context(|| format!("http.trusted_proxies: `{entry}` is not an IP or CIDR"))
}
