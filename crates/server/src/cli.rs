//! Command-line interface.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "alpha-motors", version, about = "Alpha Motors backend")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Default, Subcommand)]
pub enum Command {
    /// Serve the HTTP API (the default). Without DATABASE_URL, runs an embedded PostgreSQL.
    #[default]
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load currencies, car brands and models (idempotent).
    Seed(SeedArgs),
    /// Manage the phones that send OTP SMS.
    Device(DeviceArgs),
}

#[derive(Debug, Default, Args)]
pub struct SeedArgs {
    /// Brands/models JSON to load (e.g. ../shared/data/brands-models.json). Without it (and
    /// without SEED_DATA_FILE) a small built-in catalogue is loaded.
    #[arg(long, value_name = "PATH")]
    pub data_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DeviceArgs {
    #[command(subcommand)]
    pub command: DeviceCommand,
}

#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// Register a device and print its token. The token is shown this once: only its hash is
    /// stored.
    Add(DeviceAddArgs),
}

#[derive(Debug, Args)]
pub struct DeviceAddArgs {
    /// Region whose codes the device sends (e.g. tm); at most 50 characters.
    #[arg(long)]
    pub region: String,
    /// Label for operators (e.g. "Pixel 7, office"); at most 255 characters.
    #[arg(long)]
    pub name: String,
}
