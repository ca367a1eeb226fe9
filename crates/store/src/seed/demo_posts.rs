//! `seed --demo-posts N`: approved listings across the seeded brands and models, so a fresh
//! install shows a live feed and the feed benchmark has data.
//!
//! Post number `i` (0-based) always has the same uuid and the same values, so a run with the
//! same N finds its posts and adds nothing, and a larger N adds only the missing ones. A smaller
//! N deletes nothing. The posts belong to one demo seller (a user without a phone, so no real
//! login can ever own them) and show pictures from a small pool of demo photo rows, which the
//! caller draws and stores through the image service ([`missing_pictures`],
//! [`record_picture`]) before [`run`] links them; posts sharing a photo is how the
//! `photo_posts` join table works, and deleting one post keeps a photo others still show.

use diesel::QueryableByName;
use diesel::sql_types::{Array, Bool, Float8, Int4, Nullable, Text, Uuid as SqlUuid};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;
use uuid::Uuid;

use super::demo::{database, demo_uuid};
use super::error::SeedError;

/// How many distinct pictures the demo posts share.
pub const PICTURE_POOL: usize = 12;
/// Posts written per statement: bounded binds, and progress a reader of the log can follow.
const BATCH: usize = 5_000;
/// Demo posts are spread over this many days before the run.
const SPREAD_DAYS: f64 = 90.0;

/// A pool picture without its photo row yet: a gradient between two colours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPostPicture {
    pub uuid: Uuid,
    pub from: [u8; 3],
    pub to: [u8; 3],
}

/// The demo seller's uuid (fixed, so every run finds it).
pub fn seller_uuid() -> Uuid {
    demo_uuid("post-seller")
}

/// The uuid of demo post `i`.
pub fn post_uuid(i: usize) -> Uuid {
    demo_uuid(&format!("post:{i}"))
}

fn picture_uuid(k: usize) -> Uuid {
    demo_uuid(&format!("post-picture:{k}"))
}

/// The pool pictures that have no photo row yet.
///
/// Errors: [`SeedError::Database`].
pub async fn missing_pictures(
    conn: &mut AsyncPgConnection,
) -> Result<Vec<DemoPostPicture>, SeedError> {
    let pool: Vec<Uuid> = (0..PICTURE_POOL).map(picture_uuid).collect();
    let present: Vec<UuidRow> =
        diesel::sql_query("SELECT uuid FROM photo WHERE uuid = ANY($1) AND path IS NOT NULL")
            .bind::<Array<SqlUuid>, _>(&pool)
            .load(conn)
            .await
            .map_err(database("finding the demo post pictures"))?;
    Ok((0..PICTURE_POOL)
        .filter(|k| !present.iter().any(|p| p.uuid == picture_uuid(*k)))
        .map(|k| {
            let mut rng = Mix::new(k as u64 ^ 0xD3A0);
            DemoPostPicture {
                uuid: picture_uuid(k),
                from: rng.colour(),
                to: rng.colour(),
            }
        })
        .collect())
}

/// Records a stored pool picture. `false` when its row already exists (another run stored it
/// meanwhile): the caller then discards the files it wrote.
///
/// Errors: [`SeedError::Database`].
pub async fn record_picture(
    conn: &mut AsyncPgConnection,
    uuid: Uuid,
    paths: &serde_json::Value,
    original_path: &str,
) -> Result<bool, SeedError> {
    let inserted = diesel::sql_query(
        "INSERT INTO photo (uuid, path, \"originalPath\") VALUES ($1, $2, $3) \
         ON CONFLICT (uuid) DO NOTHING",
    )
    .bind::<SqlUuid, _>(uuid)
    .bind::<diesel::sql_types::Jsonb, _>(paths)
    .bind::<Text, _>(original_path)
    .execute(conn)
    .await
    .map_err(database("recording a demo post picture"))?;
    Ok(inserted == 1)
}

/// What [`run`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoPostsReport {
    /// Posts this run inserted.
    pub inserted: usize,
    /// Demo posts that exist after the run (of the `0..n` asked for).
    pub total: usize,
}

/// Makes sure demo posts `0..n` exist, inserting the missing ones (approved, with one to three
/// pool pictures each) in batches, each batch one transaction.
///
/// Errors: [`SeedError::NoModels`] when no model with a brand is seeded;
/// [`SeedError::Database`].
pub async fn run(conn: &mut AsyncPgConnection, n: usize) -> Result<DemoPostsReport, SeedError> {
    let models: Vec<ModelRow> = diesel::sql_query(
        "SELECT m.uuid AS model, b.uuid AS brand, b.name AS brand_name, m.name AS model_name \
         FROM models m JOIN brands b ON b.uuid = m.\"brandId\" \
         WHERE b.name IS NOT NULL AND m.name IS NOT NULL ORDER BY b.name, m.name, m.uuid",
    )
    .load(conn)
    .await
    .map_err(database("reading the models for demo posts"))?;
    if models.is_empty() {
        return Err(SeedError::NoModels);
    }
    let plans = uuids(
        conn,
        "SELECT uuid FROM subscriptions ORDER BY priority, uuid",
    )
    .await?;
    let categories = uuids(conn, "SELECT uuid FROM categories ORDER BY priority, uuid").await?;
    let pictures = uuids(
        conn,
        "SELECT uuid FROM photo WHERE path IS NOT NULL AND uuid = ANY(ARRAY[{POOL}]) ORDER BY uuid",
    )
    .await?;
    diesel::sql_query(
        "INSERT INTO users (uuid, name, status, location) \
         VALUES ($1, 'Alpha Motors demo', true, 'Ashgabat') ON CONFLICT (uuid) DO NOTHING",
    )
    .bind::<SqlUuid, _>(seller_uuid())
    .execute(conn)
    .await
    .map_err(database("adding the demo seller"))?;

    let context = Context {
        models: &models,
        plans: &plans,
        categories: &categories,
        pictures: &pictures,
        n,
    };
    let mut report = DemoPostsReport::default();
    for start in (0..n).step_by(BATCH) {
        let batch: Vec<DemoPost> = (start..n.min(start + BATCH))
            .map(|i| context.post(i))
            .collect();
        report.inserted += insert_batch(conn, &batch).await?;
        if n > BATCH {
            tracing::info!(done = n.min(start + BATCH), of = n, "demo posts");
        }
    }
    if report.inserted > 0 {
        // Fresh statistics and visibility map, so the feed's plans fit the new rows, and its
        // index-only scans skip the table, at once rather than after autovacuum gets round to
        // them. VACUUM cannot run in a transaction: the batches above are committed.
        diesel::sql_query("VACUUM (ANALYZE) posts, photo_posts")
            .execute(conn)
            .await
            .map_err(database("analysing the posts"))?;
    }
    let all: Vec<Uuid> = (0..n).map(post_uuid).collect();
    let existing: Vec<CountRow> =
        diesel::sql_query("SELECT count(*) AS n FROM posts WHERE uuid = ANY($1)")
            .bind::<Array<SqlUuid>, _>(&all)
            .load(conn)
            .await
            .map_err(database("counting the demo posts"))?;
    report.total = existing
        .iter()
        .map(|c| usize::try_from(c.n).unwrap_or(0))
        .sum();
    Ok(report)
}

async fn uuids(conn: &mut AsyncPgConnection, sql: &str) -> Result<Vec<Uuid>, SeedError> {
    let pool: Vec<String> = (0..PICTURE_POOL)
        .map(|k| format!("'{}'::uuid", picture_uuid(k)))
        .collect();
    // The pool is our own fixed uuids, never input: safe to inline.
    let sql = sql.replace("{POOL}", &pool.join(","));
    let rows: Vec<UuidRow> = diesel::sql_query(sql)
        .load(conn)
        .await
        .map_err(database("reading the demo post references"))?;
    Ok(rows.into_iter().map(|r| r.uuid).collect())
}

/// Inserts the posts of `batch` that are missing, and links the new ones to their pictures, in
/// one transaction. Returns how many posts were inserted.
async fn insert_batch(
    conn: &mut AsyncPgConnection,
    batch: &[DemoPost],
) -> Result<usize, SeedError> {
    let col = |f: fn(&DemoPost) -> Option<Uuid>| batch.iter().map(f).collect::<Vec<_>>();
    let uuid: Vec<Uuid> = batch.iter().map(|p| p.uuid).collect();
    let brand = col(|p| Some(p.brand));
    let model = col(|p| Some(p.model));
    let category = col(|p| p.category);
    let plan = col(|p| p.plan);
    let texts = |f: fn(&DemoPost) -> String| batch.iter().map(f).collect::<Vec<_>>();
    let floats = |f: fn(&DemoPost) -> f64| batch.iter().map(f).collect::<Vec<_>>();
    conn.transaction::<_, SeedError, _>(async |conn| {
        let inserted: Vec<UuidRow> = diesel::sql_query(
            "INSERT INTO posts (uuid, \"brandsId\", \"modelsId\", \"categoryId\", \
               \"subscriptionId\", \"userId\", condition, transmission, \"engineType\", \
               \"enginePower\", year, milleage, \"originalPrice\", price, \"originalCurrency\", \
               currency, \"personalInfo\", description, location, status, credit, exchange, \
               color, \"createdAt\", \"updatedAt\") \
             SELECT u, b, m, c, s, $6, cond, tr, en, pw, y, km, pr, pr, 'TMT', 'TMT', \
               pi::json, d, loc, true, cr, ex, col, \
               now() - make_interval(secs => age), now() - make_interval(secs => age) \
             FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], \
               $7::text[], $8::text[], $9::text[], $10::float8[], $11::int4[], $12::float8[], \
               $13::float8[], $14::text[], $15::text[], $16::text[], $17::bool[], $18::bool[], \
               $19::text[], $20::float8[]) \
               AS t(u, b, m, c, s, cond, tr, en, pw, y, km, pr, pi, d, loc, cr, ex, col, age) \
             ON CONFLICT (uuid) DO NOTHING RETURNING uuid",
        )
        .bind::<Array<SqlUuid>, _>(&uuid)
        .bind::<Array<Nullable<SqlUuid>>, _>(&brand)
        .bind::<Array<Nullable<SqlUuid>>, _>(&model)
        .bind::<Array<Nullable<SqlUuid>>, _>(&category)
        .bind::<Array<Nullable<SqlUuid>>, _>(&plan)
        .bind::<SqlUuid, _>(seller_uuid())
        .bind::<Array<Text>, _>(texts(|p| p.condition.to_owned()))
        .bind::<Array<Text>, _>(texts(|p| p.transmission.to_owned()))
        .bind::<Array<Text>, _>(texts(|p| p.engine_type.to_owned()))
        .bind::<Array<Float8>, _>(floats(|p| p.engine_power))
        .bind::<Array<Int4>, _>(batch.iter().map(|p| p.year).collect::<Vec<_>>())
        .bind::<Array<Float8>, _>(floats(|p| p.milleage))
        .bind::<Array<Float8>, _>(floats(|p| p.price))
        .bind::<Array<Text>, _>(texts(|p| p.personal_info.to_string()))
        .bind::<Array<Text>, _>(texts(|p| p.description.clone()))
        .bind::<Array<Text>, _>(texts(|p| p.location.to_owned()))
        .bind::<Array<Bool>, _>(batch.iter().map(|p| p.credit).collect::<Vec<_>>())
        .bind::<Array<Bool>, _>(batch.iter().map(|p| p.exchange).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(texts(|p| p.color.to_owned()))
        .bind::<Array<Float8>, _>(floats(|p| p.age_secs))
        .load(conn)
        .await
        .map_err(database("inserting demo posts"))?;

        let (mut posts, mut photos) = (Vec::new(), Vec::new());
        for post in batch
            .iter()
            .filter(|p| inserted.iter().any(|r| r.uuid == p.uuid))
        {
            for photo in &post.pictures {
                posts.push(post.uuid);
                photos.push(*photo);
            }
        }
        diesel::sql_query(
            "INSERT INTO photo_posts (\"postId\", \"photoUuid\") \
             SELECT * FROM unnest($1::uuid[], $2::uuid[])",
        )
        .bind::<Array<SqlUuid>, _>(&posts)
        .bind::<Array<SqlUuid>, _>(&photos)
        .execute(conn)
        .await
        .map_err(database("linking demo posts to their pictures"))?;
        Ok(inserted.len())
    })
    .await
}

/// What the posts are drawn from.
struct Context<'a> {
    models: &'a [ModelRow],
    plans: &'a [Uuid],
    categories: &'a [Uuid],
    pictures: &'a [Uuid],
    n: usize,
}

struct DemoPost {
    uuid: Uuid,
    brand: Uuid,
    model: Uuid,
    category: Option<Uuid>,
    plan: Option<Uuid>,
    condition: &'static str,
    transmission: &'static str,
    engine_type: &'static str,
    engine_power: f64,
    year: i32,
    milleage: f64,
    price: f64,
    personal_info: serde_json::Value,
    description: String,
    location: &'static str,
    credit: bool,
    exchange: bool,
    color: &'static str,
    age_secs: f64,
    pictures: Vec<Uuid>,
}

const CITIES: [(&str, &str); 6] = [
    ("Ashgabat", "Ashgabat"),
    ("Mary", "Mary"),
    ("Turkmenabat", "Lebap"),
    ("Dashoguz", "Dashoguz"),
    ("Balkanabat", "Balkan"),
    ("Anew", "Ahal"),
];
const COLOURS: [&str; 8] = [
    "white", "black", "silver", "grey", "red", "blue", "beige", "green",
];
const ENGINES: [&str; 4] = ["petrol", "petrol", "diesel", "hybrid"];
const SELLERS: [&str; 6] = ["Aman", "Merdan", "Jeren", "Dowlet", "Maral", "Batyr"];

impl Context<'_> {
    fn post(&self, i: usize) -> DemoPost {
        let mut rng = Mix::new(i as u64);
        let model = &self.models[rng.below(self.models.len())];
        let year = 2000 + rng.below(26) as i32;
        let age = (2026 - year).max(0) as f64;
        let milleage = if year >= 2025 {
            0.0
        } else {
            age * 14_000.0 + (rng.below(30) * 1000) as f64
        };
        let price = ((60_000.0 + f64::from(year - 2000) * 18_000.0 + rng.below(200_000) as f64)
            / 1000.0)
            .round()
            * 1000.0;
        let (city, region) = CITIES[rng.below(CITIES.len())];
        let color = COLOURS[rng.below(COLOURS.len())];
        let engine_type = ENGINES[rng.below(ENGINES.len())];
        let engine_power = (12 + rng.below(34)) as f64 / 10.0;
        let transmission = if rng.below(3) == 0 {
            "manual"
        } else {
            "automatic"
        };
        let name = SELLERS[rng.below(SELLERS.len())];
        let pictures = if self.pictures.is_empty() {
            Vec::new()
        } else {
            let first = rng.below(self.pictures.len());
            (0..1 + rng.below(3).min(self.pictures.len() - 1))
                .map(|k| self.pictures[(first + k) % self.pictures.len()])
                .collect()
        };
        DemoPost {
            uuid: post_uuid(i),
            brand: model.brand,
            model: model.model,
            category: (!self.categories.is_empty() && i.is_multiple_of(4))
                .then(|| self.categories[(i / 4) % self.categories.len()]),
            plan: (!self.plans.is_empty() && i.is_multiple_of(10))
                .then(|| self.plans[(i / 10) % self.plans.len()]),
            condition: if year >= 2025 { "new" } else { "used" },
            transmission,
            engine_type,
            engine_power,
            year,
            milleage,
            price,
            personal_info: json!({"name": name, "location": city, "region": region}),
            description: format!(
                "{year} {} {}, {engine_power:.1} {engine_type}, {transmission}, {color}. \
                 {} km. Demo listing.",
                model.brand_name, model.model_name, milleage as u64
            ),
            location: city,
            credit: i % 4 == 1,
            exchange: i.is_multiple_of(3),
            color,
            // Post 0 is the newest; the rest spread evenly over the last SPREAD_DAYS.
            age_secs: SPREAD_DAYS * 86_400.0 * i as f64 / self.n.max(1) as f64,
            pictures,
        }
    }
}

/// A small deterministic generator (splitmix64): post `i` is the same on every run and machine.
struct Mix(u64);

impl Mix {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xA076_1D64_78BD_642F)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// In `0..n`; `n` is one of our small constants or a non-empty list's length.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn colour(&mut self) -> [u8; 3] {
        let v = self.next().to_le_bytes();
        [v[0], v[1], v[2]]
    }
}

#[derive(QueryableByName)]
struct UuidRow {
    #[diesel(sql_type = SqlUuid)]
    uuid: Uuid,
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct ModelRow {
    #[diesel(sql_type = SqlUuid)]
    model: Uuid,
    #[diesel(sql_type = SqlUuid)]
    brand: Uuid,
    #[diesel(sql_type = Text)]
    brand_name: String,
    #[diesel(sql_type = Text)]
    model_name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic_and_in_range() {
        let mut a = Mix::new(7);
        let mut b = Mix::new(7);
        for _ in 0..100 {
            assert_eq!(a.next(), b.next());
        }
        let mut c = Mix::new(8);
        assert!((0..1000).all(|_| c.below(6) < 6));
        assert_ne!(Mix::new(1).next(), Mix::new(2).next());
    }

    #[test]
    fn post_uuids_are_fixed_and_distinct() {
        assert_eq!(post_uuid(3), post_uuid(3));
        assert_ne!(post_uuid(3), post_uuid(4));
        assert_ne!(post_uuid(0), seller_uuid());
    }
}
