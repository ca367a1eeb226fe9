//! `alpha-motors`: the Alpha Motors backend server and its maintenance commands.

mod cli;
mod commands;
mod config;
mod database;
mod logging;
mod shutdown;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

#[tokio::main]
async fn main() -> ExitCode {
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
