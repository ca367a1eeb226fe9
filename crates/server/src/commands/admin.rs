//! `alpha-motors admin grant|revoke|list`: the admin role, without SQL.

use std::io::Write;

use alpha_auth::Role;
use alpha_kernel::Phone;
use alpha_store::repos::PgUserRepo;
use anyhow::{Context, bail};

use super::with_pool;
use crate::cli::{AdminArgs, AdminCommand};
use crate::config::Settings;

/// Errors: an invalid phone, no user with that phone, or a database failure.
pub async fn run(settings: &Settings, args: &AdminArgs) -> anyhow::Result<()> {
    let line = match &args.command {
        AdminCommand::Grant(p) => set_role(settings, &p.phone, Role::Admin).await?,
        AdminCommand::Revoke(p) => set_role(settings, &p.phone, Role::User).await?,
        AdminCommand::List => {
            let admins = with_pool(settings, async |pool| {
                PgUserRepo::new(pool)
                    .admins()
                    .await
                    .context("listing the admins")
            })
            .await?;
            if admins.is_empty() {
                "No admins.".to_owned()
            } else {
                admins
                    .iter()
                    .map(|a| {
                        // Masked like everywhere else: the uuid identifies the account.
                        let phone = a
                            .phone
                            .clone()
                            .map_or_else(|| "-".to_owned(), |p| Phone::from_stored(p).to_string());
                        let name = a.name.clone().unwrap_or_else(|| "-".to_owned());
                        format!("{}\t{phone}\t{name}", a.id.0)
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        }
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .context("writing to stdout")
}

async fn set_role(settings: &Settings, input: &str, role: Role) -> anyhow::Result<String> {
    let phone = Phone::parse(input, &crate::application::phone_policy(settings))
        .map_err(|e| anyhow::anyhow!("{input:?} is not an accepted phone number: {e}"))?;
    let found = with_pool(settings, async |pool| {
        PgUserRepo::new(pool)
            .set_role_by_phone(phone.as_str(), role)
            .await
            .context("updating the user")
    })
    .await?;
    if !found {
        bail!("no user has the phone {phone}; they must log in once before they can be an admin");
    }
    tracing::info!(%phone, role = role.as_str(), "user role changed");
    Ok(format!(
        "{phone} now has the role {}. Their next request sees it.",
        role.as_str()
    ))
}
