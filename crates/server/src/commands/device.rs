//! `alpha-motors device add|list|disable|enable|rotate-token`: the SMS phones, without SQL.

use std::io::Write;

use alpha_sms_dispatch::device_token::{IssuedToken, new_device_id, new_device_token};
use alpha_sms_dispatch::{DeviceDirectory, DeviceKey, DeviceView};
use alpha_store::repos::PgDeviceDirectory;
use anyhow::{Context, bail};

use super::with_pool;
use crate::cli::{DeviceAddArgs, DeviceArgs, DeviceCommand};
use crate::config::Settings;

/// Widths of `sms_devices.region` and `.name`; checked here so the operator gets a plain message
/// instead of a database error.
const REGION_MAX_CHARS: usize = 50;
const NAME_MAX_CHARS: usize = 255;

/// Errors: invalid arguments, an unknown device id, or any failure to open, migrate or write
/// the database.
pub async fn run(settings: &Settings, args: &DeviceArgs) -> anyhow::Result<()> {
    match &args.command {
        DeviceCommand::Add(add) => run_add(settings, add).await,
        DeviceCommand::List => {
            let devices = with_pool(settings, async |pool| {
                PgDeviceDirectory::new(pool)
                    .list()
                    .await
                    .context("listing the devices")
            })
            .await?;
            print_lines(&listing(&devices))
        }
        DeviceCommand::Disable(id) => set_enabled(settings, &id.id, false).await,
        DeviceCommand::Enable(id) => set_enabled(settings, &id.id, true).await,
        DeviceCommand::RotateToken(id) => rotate(settings, &id.id).await,
    }
}

async fn run_add(settings: &Settings, args: &DeviceAddArgs) -> anyhow::Result<()> {
    let region = args.region.trim();
    let name = args.name.trim();
    validate(region, name)?;
    let id = DeviceKey(new_device_id());
    // argon2 takes a fraction of a second of CPU; nothing else runs on this runtime meanwhile.
    let issued = new_device_token(&id.0).context("making the device token")?;
    with_pool(settings, async |pool| {
        PgDeviceDirectory::new(pool)
            .create_with_id(&id, name, region, &issued.token_hash)
            .await
            .context("storing the device")
    })
    .await?;
    // The id is no secret; the token never goes to the log.
    tracing::info!(device = %id.0, region, "SMS device created");
    show_token(
        &id,
        &format!("Device {} ({name}, region {region}) created.", id.0),
        &issued,
    )
}

async fn set_enabled(settings: &Settings, id: &str, enabled: bool) -> anyhow::Result<()> {
    let key = DeviceKey(id.trim().to_owned());
    let found = with_pool(settings, async |pool| {
        PgDeviceDirectory::new(pool)
            .set_enabled(&key, enabled)
            .await
            .context("updating the device")
    })
    .await?;
    if !found {
        bail!(
            "no device with id {:?} (see `alpha-motors device list`)",
            key.0
        );
    }
    let state = if enabled { "enabled" } else { "disabled" };
    tracing::info!(device = %key.0, state, "SMS device changed");
    let note = if enabled {
        "it may register again"
    } else {
        "a connected phone is dropped within one ping interval and refused from now on"
    };
    print_lines(&[format!("Device {} {state}: {note}.", key.0)])
}

async fn rotate(settings: &Settings, id: &str) -> anyhow::Result<()> {
    let key = DeviceKey(id.trim().to_owned());
    let issued = new_device_token(&key.0).context("making the device token")?;
    let found = with_pool(settings, async |pool| {
        PgDeviceDirectory::new(pool)
            .set_token_hash(&key, &issued.token_hash)
            .await
            .context("storing the new token")
    })
    .await?;
    if !found {
        bail!(
            "no device with id {:?} (see `alpha-motors device list`)",
            key.0
        );
    }
    tracing::info!(device = %key.0, "SMS device token rotated");
    show_token(
        &key,
        &format!(
            "Device {}: new token issued; the old one no longer works.",
            key.0
        ),
        &issued,
    )
}

fn validate(region: &str, name: &str) -> anyhow::Result<()> {
    if region.is_empty() || region.chars().count() > REGION_MAX_CHARS {
        bail!("--region must be 1 to {REGION_MAX_CHARS} characters");
    }
    if name.is_empty() || name.chars().count() > NAME_MAX_CHARS {
        bail!("--name must be 1 to {NAME_MAX_CHARS} characters");
    }
    Ok(())
}

/// One line per device: what an operator needs to find a lost phone.
fn listing(devices: &[DeviceView]) -> Vec<String> {
    if devices.is_empty() {
        return vec!["No devices.".to_owned()];
    }
    let mut lines =
        vec!["ID\tREGION\tNAME\tENABLED\tCONNECTED\tLAST SEEN\tBATTERY\tSENT\tFAILED".to_owned()];
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "-".to_owned());
    lines.extend(devices.iter().map(|d| {
        format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            d.key.0,
            d.region,
            or_dash(d.name.clone()),
            if d.enabled { "yes" } else { "no" },
            if d.connected { "yes" } else { "no" },
            or_dash(d.last_seen.map(|t| t.to_rfc3339())),
            or_dash(d.battery_level.map(|b| format!("{b}%"))),
            d.sent_count,
            d.failed_count,
        )
    }));
    lines
}

/// Command output goes to stdout, not through tracing: it is for the operator.
fn print_lines(lines: &[String]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for line in lines {
        writeln!(out, "{line}").context("writing to stdout")?;
    }
    out.flush().context("writing to stdout")
}

/// The token goes to stdout only (not through tracing), so it reaches the operator and no log
/// collector.
fn show_token(id: &DeviceKey, headline: &str, issued: &IssuedToken) -> anyhow::Result<()> {
    print_lines(&[
        headline.to_owned(),
        "Its token follows; store it in the device app, it cannot be shown again:".to_owned(),
        issued.token.clone(),
    ])
    .with_context(|| {
        format!(
            "printing the token failed; device {} has a token nobody knows: \
             run `alpha-motors device rotate-token {}`",
            id.0, id.0
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_and_name_must_fit_their_columns() {
        assert!(validate("tm", "Pixel").is_ok());
        assert!(validate("", "Pixel").is_err());
        assert!(validate("tm", "").is_err());
        assert!(validate(&"r".repeat(REGION_MAX_CHARS), &"n".repeat(NAME_MAX_CHARS)).is_ok());
        assert!(validate(&"r".repeat(REGION_MAX_CHARS + 1), "Pixel").is_err());
        assert!(validate("tm", &"n".repeat(NAME_MAX_CHARS + 1)).is_err());
    }
}
