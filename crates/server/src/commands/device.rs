//! `alpha-motors device add`: registers an SMS gateway device and prints its token once.

use std::io::Write;
use std::time::Duration;

use alpha_sms_dispatch::DeviceKey;
use alpha_store::device_token::{IssuedToken, new_device_id, new_device_token};
use alpha_store::pool::{PoolSettings, build_pool};
use alpha_store::repos::PgDeviceDirectory;
use anyhow::{Context, bail};

use crate::cli::{DeviceAddArgs, DeviceArgs, DeviceCommand};
use crate::config::Settings;
use crate::database::Database;

/// Widths of `sms_devices.region` and `.name`; checked here so the operator gets a plain message
/// instead of a database error.
const REGION_MAX_CHARS: usize = 50;
const NAME_MAX_CHARS: usize = 255;

/// Errors: invalid arguments, or any failure to open, migrate or write the database.
pub async fn run(settings: &Settings, args: &DeviceArgs) -> anyhow::Result<()> {
    match &args.command {
        DeviceCommand::Add(add) => run_add(settings, add).await,
    }
}

async fn run_add(settings: &Settings, args: &DeviceAddArgs) -> anyhow::Result<()> {
    let region = args.region.trim();
    let name = args.name.trim();
    validate(region, name)?;

    let db = Database::open(settings).await?;
    let created = async {
        // Same as `seed`: a fresh database gets its schema first, so `device add` works on it.
        super::migrate::apply(db.url()).await?;
        create(db.url(), settings, region, name).await
    }
    .await;
    // Shown before the embedded cluster stops: if stopping failed after the row was written,
    // the token would otherwise be lost while the device exists.
    let shown = created.and_then(|(id, issued)| show(&id, region, name, &issued));
    db.close().await?;
    shown
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

/// Picks the id, makes the token (which embeds the id) and stores the device with its hash.
async fn create(
    url: &str,
    settings: &Settings,
    region: &str,
    name: &str,
) -> anyhow::Result<(DeviceKey, IssuedToken)> {
    let id = DeviceKey(new_device_id());
    // argon2 takes a fraction of a second of CPU; nothing else runs on this runtime meanwhile.
    let issued = new_device_token(&id.0).context("making the device token")?;
    let pool = build_pool(
        url,
        PoolSettings {
            // One statement: a single connection is all this command needs.
            max_size: 1,
            wait_timeout: Duration::from_secs(settings.database.pool_timeout_secs),
            statement_timeout: Duration::from_millis(settings.database.statement_timeout_ms),
        },
    )
    .context("building the connection pool")?;
    PgDeviceDirectory::new(pool)
        .create_with_id(&id, name, region, &issued.token_hash)
        .await
        .context("storing the device")?;
    // The id is no secret; the token never goes to the log.
    tracing::info!(device = %id.0, region, "SMS device created");
    Ok((id, issued))
}

/// The token goes to stdout only (not through tracing), so it reaches the operator and no log
/// collector.
fn show(id: &DeviceKey, region: &str, name: &str, issued: &IssuedToken) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "Device {} ({name}, region {region}) created.", id.0)
        .and_then(|()| {
            writeln!(
                out,
                "Its token follows; store it in the device app, it cannot be shown again:"
            )
        })
        .and_then(|()| writeln!(out, "{}", issued.token))
        .and_then(|()| out.flush())
        .with_context(|| {
            format!(
                "printing the token failed; device {} is stored but nobody has its token: \
                 delete its sms_devices row and add it again",
                id.0
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
