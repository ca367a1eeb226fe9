//! `alpha-motors seed [--demo] [--demo-posts N]`.

use std::io::Cursor;
use std::sync::Arc;
use std::time::Duration;

use alpha_catalog::{CatalogPhotoService, CatalogVersion, PhotoOwner};
use alpha_media::{ImageKind, VariantPaths};
use alpha_store::pool::{PoolSettings, build_pool};
use alpha_store::repos::PgCatalog;
use alpha_store::seed::CatalogSource;
use alpha_store::seed::demo::DemoPicture;
use alpha_store::seed::demo_posts as posts_seed;
use anyhow::Context;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};

use crate::application::image_service;
use crate::cli::SeedArgs;
use crate::config::Settings;
use crate::database::Database;

pub async fn run(settings: &Settings, args: &SeedArgs) -> anyhow::Result<()> {
    let db = Database::open_shared(settings).await?;
    let result = async {
        super::migrate::apply(db.url()).await?;
        let file = args
            .data_file
            .clone()
            .or_else(|| settings.seed.data_file.clone());
        load(
            db.url(),
            file.map_or(CatalogSource::BuiltIn, CatalogSource::File),
        )
        .await?;
        if args.demo {
            demo(settings, db.url()).await?;
        }
        if let Some(n) = args.demo_posts {
            demo_posts(settings, db.url(), n as usize).await?;
        }
        Ok(())
    }
    .await;
    db.close().await?;
    result
}

/// Runs the idempotent seed and logs its counts; shared with `serve` in development.
pub async fn load(url: &str, source: CatalogSource) -> anyhow::Result<()> {
    let mut conn = AsyncPgConnection::establish(url)
        .await
        .context("connecting to the database for seeding")?;
    let report = alpha_store::seed::run(&mut conn, &source)
        .await
        .context("seeding")?;
    tracing::info!(
        currencies = report.currencies,
        brands = report.brands,
        models = report.models,
        brands_changed = report.brands_changed,
        models_changed = report.models_changed,
        "seed finished"
    );
    Ok(())
}

/// Adds the missing demo rows, then draws and stores a picture for each demo row without one,
/// through the same service as the upload routes (variants, files and row kept together).
///
/// Errors: the database, or an image that could not be stored.
pub async fn demo(settings: &Settings, url: &str) -> anyhow::Result<()> {
    let mut conn = AsyncPgConnection::establish(url)
        .await
        .context("connecting to the database for the demo seed")?;
    let report = alpha_store::seed::demo::run(&mut conn)
        .await
        .context("seeding the demo catalogue")?;
    let pool = build_pool(
        url,
        PoolSettings {
            max_size: 1,
            wait_timeout: Duration::from_secs(settings.database.pool_timeout_secs),
            statement_timeout: Duration::from_millis(settings.database.statement_timeout_ms),
        },
    )
    .context("building the connection pool")?;
    let photos = CatalogPhotoService::new(
        Arc::new(image_service(settings)?),
        Arc::new(PgCatalog::new(pool)),
        CatalogVersion::new(),
    );
    for picture in &report.pictures {
        let bytes = draw(picture).context("drawing a demo picture")?;
        let change = photos
            .upload(picture.owner, picture.uuid, bytes)
            .await
            .with_context(|| format!("storing the picture of demo row {}", picture.uuid))?;
        if let Some(error) = change.cleanup {
            tracing::warn!(error = %error, "unused photo files could not all be removed");
        }
    }
    tracing::info!(
        rows_added = report.inserted,
        pictures_added = report.pictures.len(),
        "demo seed finished"
    );
    Ok(())
}

/// Makes sure demo posts `0..n` exist. The pool pictures they share are drawn and stored first,
/// through the same image service as uploads; a picture whose row another run recorded
/// meanwhile has its files discarded.
///
/// Errors: no catalogue seeded, the database, or an image that could not be stored.
pub async fn demo_posts(settings: &Settings, url: &str, n: usize) -> anyhow::Result<()> {
    let mut conn = AsyncPgConnection::establish(url)
        .await
        .context("connecting to the database for the demo posts")?;
    let images = image_service(settings)?;
    for picture in posts_seed::missing_pictures(&mut conn).await? {
        let bytes = gradient((800, 600), picture.from, picture.to)
            .context("drawing a demo post picture")?;
        let stored = images
            .store(ImageKind::Post, bytes)
            .await
            .context("storing a demo post picture")?;
        let VariantPaths {
            small,
            medium,
            large,
        } = stored.paths();
        let paths = serde_json::json!({"small": small, "medium": medium, "large": large});
        if !posts_seed::record_picture(&mut conn, picture.uuid, &paths, &stored.original_path())
            .await?
        {
            images.discard(&stored).await?;
        }
    }
    let report = posts_seed::run(&mut conn, n)
        .await
        .context("seeding the demo posts")?;
    tracing::info!(
        inserted = report.inserted,
        total = report.total,
        "demo posts finished"
    );
    Ok(())
}

/// A diagonal gradient as a JPEG: wide for banners (the home carousel), square otherwise.
fn draw(picture: &DemoPicture) -> anyhow::Result<Vec<u8>> {
    let size = match picture.owner {
        PhotoOwner::Banner => (1200, 500),
        _ => (512, 512),
    };
    gradient(size, picture.from, picture.to)
}

fn gradient((width, height): (u32, u32), from: [u8; 3], to: [u8; 3]) -> anyhow::Result<Vec<u8>> {
    let span = f64::from(width + height - 2);
    let pixels = RgbImage::from_fn(width, height, |x, y| {
        let t = f64::from(x + y) / span;
        let mix = |i: usize| {
            let (a, b) = (f64::from(from[i]), f64::from(to[i]));
            // In 0..=255 by construction: a blend of two bytes.
            (a + (b - a) * t).round().clamp(0.0, 255.0) as u8
        };
        Rgb([mix(0), mix(1), mix(2)])
    });
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(pixels).write_to(&mut out, ImageFormat::Jpeg)?;
    Ok(out.into_inner())
}
