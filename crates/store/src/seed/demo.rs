//! `seed --demo`: a few categories, banners and premium plans so a fresh install shows its home
//! and premium screens. Each row has a fixed v5 uuid and is inserted only when missing; a row
//! that would collide with a real one (same uuid or a taken priority) is skipped, so real rows
//! are never overwritten. The pictures are the caller's to draw and store: this returns the demo
//! rows that exist and have no photo yet.

use alpha_catalog::{Creator, Localized, PhotoOwner};
use diesel::QueryableByName;
use diesel::sql_types::{Array, Float8, Int4, Jsonb, Uuid as SqlUuid};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::error::SeedError;

/// A demo row whose picture is still to be made: a gradient between two colours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPicture {
    pub owner: PhotoOwner,
    pub uuid: Uuid,
    pub from: [u8; 3],
    pub to: [u8; 3],
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoReport {
    /// Rows this run inserted.
    pub inserted: usize,
    /// Demo rows without a photo (new ones, or ones whose picture an earlier run could not store).
    pub pictures: Vec<DemoPicture>,
}

/// The uuid of a demo row: fixed, so a second run finds the first one's rows.
pub fn demo_uuid(key: &str) -> Uuid {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        format!("alpha-motors:demo:{key}").as_bytes(),
    )
}

/// The two colours of a picture's gradient, top left to bottom right.
type Gradient = ([u8; 3], [u8; 3]);

fn text(tm: &str, ru: &str, en: &str) -> Localized {
    Localized {
        tm: Some(tm.to_owned()),
        ru: Some(ru.to_owned()),
        en: Some(en.to_owned()),
    }
}

struct Category {
    key: &'static str,
    name: Localized,
    priority: i32,
    colours: Gradient,
}

struct Plan {
    key: &'static str,
    name: Localized,
    description: Localized,
    priority: i32,
    price: f64,
    colour: &'static str,
    colours: Gradient,
}

fn categories() -> [Category; 3] {
    [
        Category {
            key: "category:cars",
            name: text("Ýeňil awtoulaglar", "Легковые", "Cars"),
            priority: 1,
            colours: ([30, 136, 229], [13, 71, 161]),
        },
        Category {
            key: "category:trucks",
            name: text("Ýük awtoulaglary", "Грузовые", "Trucks"),
            priority: 2,
            colours: ([255, 167, 38], [230, 81, 0]),
        },
        Category {
            key: "category:motorcycles",
            name: text("Motosikller", "Мотоциклы", "Motorcycles"),
            priority: 3,
            colours: ([102, 187, 106], [27, 94, 32]),
        },
    ]
}

const BANNERS: [(&str, Gradient); 2] = [
    ("banner:1", ([171, 71, 188], [74, 20, 140])),
    ("banner:2", ([239, 83, 80], [183, 28, 28])),
];

fn plans() -> [Plan; 3] {
    [
        Plan {
            key: "plan:silver",
            name: text("Kümüş", "Серебряный", "Silver"),
            description: text(
                "Bildirişiňiz 3 günläp sanawyň başynda",
                "Объявление 3 дня в начале списка",
                "Your listing at the top of the list for 3 days",
            ),
            priority: 1,
            price: 100.0,
            colour: "#C0C0C0",
            colours: ([224, 224, 224], [158, 158, 158]),
        },
        Plan {
            key: "plan:gold",
            name: text("Altyn", "Золотой", "Gold"),
            description: text(
                "Bildirişiňiz 7 günläp sanawyň başynda",
                "Объявление 7 дней в начале списка",
                "Your listing at the top of the list for 7 days",
            ),
            priority: 2,
            price: 250.0,
            colour: "#FFD700",
            colours: ([255, 236, 130], [255, 193, 7]),
        },
        Plan {
            key: "plan:platinum",
            name: text("Platina", "Платиновый", "Platinum"),
            description: text(
                "Bildirişiňiz 14 günläp sanawyň başynda we saýlanan bölümde",
                "Объявление 14 дней в начале списка и в избранном разделе",
                "Your listing at the top of the list and featured for 14 days",
            ),
            priority: 3,
            price: 500.0,
            colour: "#E5E4E2",
            colours: ([245, 245, 245], [120, 144, 156]),
        },
    ]
}

fn json(value: &impl serde::Serialize) -> serde_json::Value {
    // Plain structs of strings: serialising them cannot fail.
    serde_json::to_value(value).unwrap_or_default()
}

pub(super) fn database(step: &'static str) -> impl FnOnce(diesel::result::Error) -> SeedError {
    move |source| SeedError::Database { step, source }
}

#[derive(QueryableByName)]
struct Bare {
    #[diesel(sql_type = SqlUuid)]
    uuid: Uuid,
}

/// Inserts the missing demo rows in one transaction and lists the demo rows without a photo.
///
/// Errors: [`SeedError::Database`].
pub async fn run(conn: &mut AsyncPgConnection) -> Result<DemoReport, SeedError> {
    conn.transaction::<_, SeedError, _>(async |conn| {
        let creator = json(&Creator {
            name: Some("Alpha Motors".to_owned()),
        });
        let mut report = DemoReport::default();
        let mut wanted = Vec::new();
        for c in categories() {
            let uuid = demo_uuid(c.key);
            // No conflict target: a taken uuid *or* priority means a real row is there.
            report.inserted += diesel::sql_query(
                "INSERT INTO categories (uuid, name, creator, priority) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT DO NOTHING",
            )
            .bind::<SqlUuid, _>(uuid)
            .bind::<Jsonb, _>(json(&c.name))
            .bind::<Jsonb, _>(&creator)
            .bind::<Int4, _>(c.priority)
            .execute(conn)
            .await
            .map_err(database("inserting demo categories"))?;
            wanted.push((PhotoOwner::Category, uuid, c.colours));
        }
        for (key, colours) in BANNERS {
            let uuid = demo_uuid(key);
            report.inserted += diesel::sql_query(
                "INSERT INTO banners (uuid, creator) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind::<SqlUuid, _>(uuid)
            .bind::<Jsonb, _>(&creator)
            .execute(conn)
            .await
            .map_err(database("inserting demo banners"))?;
            wanted.push((PhotoOwner::Banner, uuid, colours));
        }
        for p in plans() {
            let uuid = demo_uuid(p.key);
            report.inserted += diesel::sql_query(
                "INSERT INTO subscriptions (uuid, name, description, priority, price, color) \
                 VALUES ($1, $2, $3, $4, $5::numeric(14,2), $6) ON CONFLICT DO NOTHING",
            )
            .bind::<SqlUuid, _>(uuid)
            .bind::<Jsonb, _>(json(&p.name))
            .bind::<Jsonb, _>(json(&p.description))
            .bind::<Int4, _>(p.priority)
            .bind::<Float8, _>(p.price)
            .bind::<diesel::sql_types::Text, _>(p.colour)
            .execute(conn)
            .await
            .map_err(database("inserting demo plans"))?;
            wanted.push((PhotoOwner::Plan, uuid, p.colours));
        }

        let uuids: Vec<Uuid> = wanted.iter().map(|(_, uuid, _)| *uuid).collect();
        let bare: Vec<Bare> = diesel::sql_query(
            "SELECT uuid FROM ( \
               SELECT uuid FROM categories UNION ALL SELECT uuid FROM banners \
               UNION ALL SELECT uuid FROM subscriptions) demo \
             WHERE uuid = ANY($1) AND NOT EXISTS ( \
               SELECT 1 FROM photo p WHERE p.path IS NOT NULL AND demo.uuid IN \
                 (p.\"categoryId\", p.\"bannerId\", p.\"subscriptionId\"))",
        )
        .bind::<Array<SqlUuid>, _>(&uuids)
        .load(conn)
        .await
        .map_err(database("finding demo rows without a photo"))?;
        report.pictures = wanted
            .into_iter()
            .filter(|(_, uuid, _)| bare.iter().any(|b| b.uuid == *uuid))
            .map(|(owner, uuid, (from, to))| DemoPicture {
                owner,
                uuid,
                from,
                to,
            })
            .collect();
        Ok(report)
    })
    .await
}
