//! The composition root: configuration, wiring of adapters into services, and the commands of
//! the `alpha-motors` binary. A library so tests can build the very same application.

pub mod application;
pub mod cli;
pub mod commands;
pub mod config;
pub mod database;
pub mod events;
pub mod logging;
pub mod media_cleanup;
pub mod metrics;
pub mod push;
pub mod shutdown;
pub mod sms_queue;
pub mod storage;
pub mod user_content;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

/// Everything `main` does: parse arguments, load configuration, run the chosen command.
pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    let settings = match config::load() {
        Ok(settings) => settings,
        Err(err) => {
            // Logging is configured from the settings, so this one goes straight to stderr.
            #[allow(clippy::print_stderr)]
            {
                eprintln!("alpha-motors: configuration error: {err}");
            }
            return ExitCode::from(2);
        }
    };
    logging::init(&settings.log);
    for warning in settings.warnings() {
        tracing::warn!("{warning}");
    }

    let result = match cli.command.unwrap_or_default() {
        Command::Serve => commands::serve::run(&settings).await,
        Command::Migrate => commands::migrate::run(&settings).await,
        Command::Seed(args) => commands::seed::run(&settings, &args).await,
        Command::Device(args) => commands::device::run(&settings, &args).await,
        Command::Admin(args) => commands::admin::run(&settings, &args).await,
        Command::Healthcheck(args) => commands::healthcheck::run(&settings, &args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(
                error = format!("{err:#}"),
                "alpha-motors stopped with an error"
            );
            ExitCode::FAILURE
        }
    }
}
