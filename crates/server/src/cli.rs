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
    /// Load currencies, car brands and models; with --demo a demo catalogue, with --demo-posts N
    /// demo listings (idempotent).
    Seed(SeedArgs),
    /// Manage the phones that send OTP SMS.
    Device(DeviceArgs),
    /// Give or take the admin role.
    Admin(AdminArgs),
    /// Exit 0 when the server's /healthz answers 200 (for container health checks).
    Healthcheck(HealthcheckArgs),
}

#[derive(Debug, Default, Args)]
pub struct SeedArgs {
    /// Brands/models JSON to load: the full catalogue (`brands-models.json`, 130 brands) ships
    /// apart from this repository. Without it (and without SEED_DATA_FILE) a small built-in
    /// catalogue is loaded.
    #[arg(long, value_name = "PATH")]
    pub data_file: Option<PathBuf>,
    /// Also add demo categories, banners and premium plans with generated pictures (stored with
    /// the other media, in `uploads.dir` or the S3 bucket); only missing demo rows are added, real rows are never changed.
    #[arg(long)]
    pub demo: bool,
    /// Also make sure demo posts number 0..N exist: approved listings across the seeded brands
    /// and models, sharing a pool of generated pictures. Running again with the same N adds
    /// nothing; a larger N adds the missing ones; a smaller N removes nothing.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub demo_posts: Option<u32>,
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
    /// List the devices with their state (no tokens).
    List,
    /// Shut a device out: it is disconnected within one ping interval and refused from then on.
    Disable(DeviceIdArg),
    /// Let a disabled device register again.
    Enable(DeviceIdArg),
    /// Issue a new token and print it once; the old one stops working (the device is
    /// disconnected within one ping interval).
    RotateToken(DeviceIdArg),
}

#[derive(Debug, Args)]
pub struct DeviceIdArg {
    /// The device id (the part of its token before the dot; `device list` shows it).
    pub id: String,
}

#[derive(Debug, Args)]
pub struct AdminArgs {
    #[command(subcommand)]
    pub command: AdminCommand,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Give the admin role to the user with this phone (they must have logged in once).
    Grant(PhoneArg),
    /// Take the admin role away (back to `user`).
    Revoke(PhoneArg),
    /// List the admins (phones masked).
    List,
}

#[derive(Debug, Args)]
pub struct PhoneArg {
    /// Any common spelling: +99361999999, 99361999999, 8 61 999999.
    pub phone: String,
}

#[derive(Debug, Default, Args)]
pub struct HealthcheckArgs {
    /// Probe this URL instead of http://127.0.0.1:<http.port>/healthz (http:// only).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 3)]
    pub timeout_secs: u64,
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
