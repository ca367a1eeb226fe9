//! Command-line flags of the `device-sim` binary.

use std::time::Duration;

use clap::Parser;

use crate::config::{AckPolicy, DEFAULT_URL, SimConfig};

/// Simulates an Android SMS device on the gateway's `/sms` namespace: registers, prints every SMS
/// it is asked to send, and acknowledges it as the flags say.
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(name = "device-sim", version)]
pub struct Cli {
    /// Gateway base URL (the Socket.IO path `/socket.io/` and namespace `/sms` are added).
    #[arg(long, default_value = DEFAULT_URL)]
    pub url: String,

    /// Region to serve.
    #[arg(long, default_value = "tm")]
    pub region: String,

    /// Per-device token `<device id>.<secret>` (from `alpha-motors device add`) or the shared
    /// SMS_DEVICE_AUTH_TOKEN. Without one only a development server accepts the device.
    #[arg(long, env = "SMS_DEVICE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// Device id to register as (a per-device token decides the id by itself).
    #[arg(long)]
    pub device_id: Option<String>,

    /// Probability (0.0 to 1.0) of acknowledging a message as failed.
    #[arg(long, default_value_t = 0.0, value_parser = parse_fail_rate)]
    pub fail_rate: f64,

    /// Error text of a failed ack.
    #[arg(long, default_value = "simulated failure")]
    pub fail_error: String,

    /// Wait this many milliseconds before acknowledging.
    #[arg(long, default_value_t = 0)]
    pub ack_delay_ms: u64,

    /// Never acknowledge (the server then retries on another device after its ack timeout).
    #[arg(long, conflicts_with_all = ["fail_rate", "deliver", "ack_delay_ms"])]
    pub never_ack: bool,

    /// After the `sent` ack, also acknowledge `delivered`.
    #[arg(long)]
    pub deliver: bool,

    /// Milliseconds between the `sent` and the `delivered` ack.
    #[arg(long, default_value_t = 200, requires = "deliver")]
    pub deliver_delay_ms: u64,

    /// Send an `sms:status` heartbeat this often; 0 sends none on a timer.
    #[arg(long, default_value_t = 30)]
    pub status_every_secs: u64,

    /// Do not answer `sms:ping` with `sms:pong`, like old device apps. The server still chooses
    /// the device while its socket is connected: the Engine.IO heartbeat, which the Socket.IO
    /// client answers by itself, is what keeps it eligible, not pongs or `sms:status`.
    #[arg(long)]
    pub no_pong: bool,

    /// Seconds to wait for the registration result.
    #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..))]
    pub register_timeout_secs: u64,

    /// Do not reconnect after a network error (by default it reconnects and registers again).
    #[arg(long)]
    pub no_reconnect: bool,
}

/// Parses `--fail-rate`: a number from 0.0 to 1.0.
pub fn parse_fail_rate(raw: &str) -> Result<f64, String> {
    let rate: f64 = raw
        .trim()
        .parse()
        .map_err(|_| format!("`{raw}` is not a number"))?;
    if (0.0..=1.0).contains(&rate) {
        Ok(rate)
    } else {
        Err(format!("{rate} is outside 0.0..=1.0"))
    }
}

impl Cli {
    /// The simulator configuration these flags describe.
    pub fn into_config(self) -> SimConfig {
        let mut config = SimConfig::new(self.url);
        config.region = self.region;
        config.token = self.token.filter(|t| !t.trim().is_empty());
        config.device_id = self.device_id;
        config.ack = AckPolicy {
            never_ack: self.never_ack,
            fail_rate: self.fail_rate,
            fail_error: self.fail_error,
            ack_delay: Duration::from_millis(self.ack_delay_ms),
            deliver: self.deliver,
            deliver_delay: Duration::from_millis(self.deliver_delay_ms),
        };
        config.status_every =
            (self.status_every_secs > 0).then(|| Duration::from_secs(self.status_every_secs));
        config.pong_on_ping = !self.no_pong;
        config.register_timeout = Duration::from_secs(self.register_timeout_secs);
        config.reconnect = !self.no_reconnect;
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{AckPlan, decide_ack};

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("device-sim").chain(args.iter().copied()))
    }

    #[test]
    fn defaults() {
        let config = parse(&[]).expect("parses").into_config();
        assert_eq!(config.url, "http://127.0.0.1:3091");
        assert_eq!(config.region, "tm");
        assert_eq!(config.device_id, None);
        assert_eq!(config.ack, AckPolicy::default());
        assert_eq!(config.status_every, Some(Duration::from_secs(30)));
        assert!(config.pong_on_ping);
        assert_eq!(config.register_timeout, Duration::from_secs(15));
        assert!(config.reconnect);
    }

    #[test]
    fn all_flags() {
        let cli = parse(&[
            "--url",
            "http://example.test:4000",
            "--region",
            "kz",
            "--token",
            "dev-7.s3cret",
            "--device-id",
            "dev-7",
            "--fail-rate",
            "0.25",
            "--fail-error",
            "no credit",
            "--ack-delay-ms",
            "1500",
            "--deliver",
            "--deliver-delay-ms",
            "50",
            "--status-every-secs",
            "0",
            "--no-pong",
            "--register-timeout-secs",
            "3",
            "--no-reconnect",
        ])
        .expect("parses");
        let config = cli.into_config();
        assert_eq!(config.url, "http://example.test:4000");
        assert_eq!(config.region, "kz");
        assert_eq!(config.token.as_deref(), Some("dev-7.s3cret"));
        assert_eq!(config.device_id.as_deref(), Some("dev-7"));
        assert_eq!(config.ack.fail_rate, 0.25);
        assert_eq!(config.ack.fail_error, "no credit");
        assert_eq!(config.ack.ack_delay, Duration::from_millis(1500));
        assert!(config.ack.deliver);
        assert_eq!(config.ack.deliver_delay, Duration::from_millis(50));
        assert_eq!(config.status_every, None);
        assert!(!config.pong_on_ping);
        assert_eq!(config.register_timeout, Duration::from_secs(3));
        assert!(!config.reconnect);
        assert_eq!(
            decide_ack(&config.ack, 0.1),
            AckPlan::Failed {
                error: "no credit".to_owned()
            }
        );
    }

    #[test]
    fn fail_rate_must_be_a_probability() {
        assert_eq!(parse_fail_rate("0"), Ok(0.0));
        assert_eq!(parse_fail_rate("1.0"), Ok(1.0));
        assert_eq!(parse_fail_rate(" 0.5 "), Ok(0.5));
        assert!(parse_fail_rate("1.01").is_err());
        assert!(parse_fail_rate("-0.1").is_err());
        assert!(parse_fail_rate("NaN").is_err());
        assert!(parse_fail_rate("often").is_err());
        assert!(parse(&["--fail-rate", "2"]).is_err());
    }

    #[test]
    fn never_ack_excludes_other_ack_flags() {
        let config = parse(&["--never-ack"]).expect("parses").into_config();
        assert_eq!(decide_ack(&config.ack, 0.0), AckPlan::Never);
        assert!(parse(&["--never-ack", "--deliver"]).is_err());
        assert!(parse(&["--never-ack", "--fail-rate", "0.5"]).is_err());
        assert!(parse(&["--never-ack", "--ack-delay-ms", "10"]).is_err());
    }

    #[test]
    fn blank_token_counts_as_none() {
        let config = parse(&["--token", "  "]).expect("parses").into_config();
        assert_eq!(config.token, None);
    }

    #[test]
    fn register_timeout_zero_is_refused() {
        assert!(parse(&["--register-timeout-secs", "0"]).is_err());
    }
}
