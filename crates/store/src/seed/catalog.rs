//! The brand/model catalogue: reading it, checking it, merging duplicate slugs, deriving UUIDs.
//! Pure apart from [`load`] reading the file, so it is tested without a database.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::Path;

use serde::Deserialize;
use uuid::Uuid;

use super::error::{ContentError, SeedError, SlugProblem};
use super::{CatalogSource, builtin};

/// The UUID of a seeded brand: v5 in the URL namespace of `brand:<slug>`, as the old seeds made it.
pub fn brand_uuid(brand_slug: &str) -> Uuid {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        format!("brand:{brand_slug}").as_bytes(),
    )
}

/// The UUID of a seeded model: v5 in the URL namespace of `model:<brandSlug>:<modelSlug>`.
pub fn model_uuid(brand_slug: &str, model_slug: &str) -> Uuid {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        format!("model:{brand_slug}:{model_slug}").as_bytes(),
    )
}

/// One brand object of the catalogue file. Only the fields that end up in the database are read;
/// `id`, `name`, `imgUrl` and `sortOrder` are ignored, as the old seed ignored them.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawBrand {
    pub(super) category_slug: String,
    #[serde(default)]
    pub(super) models: Vec<RawModel>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawModel {
    pub(super) category_slug: String,
    pub(super) name: String,
    pub(super) year_start: Option<i32>,
    pub(super) year_end: Option<i32>,
}

/// A `brands` row. `name` holds the slug, not the display name, because the old seed stored it
/// so and rows it wrote must compare equal (CONTRACT §7.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct BrandRow {
    pub(super) uuid: Uuid,
    pub(super) name: String,
}

/// A `models` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ModelRow {
    pub(super) uuid: Uuid,
    pub(super) brand_uuid: Uuid,
    pub(super) name: String,
    pub(super) year_start: Option<i32>,
    pub(super) year_end: Option<i32>,
}

/// Rows ready to upsert: one per distinct UUID, in first-seen order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Catalog {
    pub(super) brands: Vec<BrandRow>,
    pub(super) models: Vec<ModelRow>,
}

pub(super) async fn load(source: &CatalogSource) -> Result<Catalog, SeedError> {
    match source {
        CatalogSource::BuiltIn => {
            build(builtin::brands()).map_err(|problem| SeedError::InvalidContent {
                origin: "built-in catalogue".to_owned(),
                problem,
            })
        }
        CatalogSource::File(path) => {
            let bytes = read(path).await?;
            let raw = parse(&bytes).map_err(|reason| SeedError::InvalidJson {
                path: path.clone(),
                reason,
            })?;
            build(raw).map_err(|problem| SeedError::InvalidContent {
                origin: path.display().to_string(),
                problem,
            })
        }
    }
}

async fn read(path: &Path) -> Result<Vec<u8>, SeedError> {
    tokio::fs::read(path).await.map_err(|reason| {
        if reason.kind() == std::io::ErrorKind::NotFound {
            SeedError::FileNotFound {
                path: path.to_path_buf(),
            }
        } else {
            SeedError::FileUnreadable {
                path: path.to_path_buf(),
                reason,
            }
        }
    })
}

pub(super) fn parse(bytes: &[u8]) -> Result<Vec<RawBrand>, serde_json::Error> {
    serde_json::from_slice(bytes)
}

/// Checks every slug and merges duplicates.
///
/// A brand slug that appears twice is one brand whose model lists are joined. A model that
/// appears twice under the same brand slug is one row: later occurrences win field by field where
/// they have a value, so a later entry can correct a display name without erasing known years.
/// Merging here is also what makes one multi-row upsert possible: PostgreSQL refuses an
/// `ON CONFLICT DO UPDATE` that touches the same row twice in one statement.
pub(super) fn build(raw: Vec<RawBrand>) -> Result<Catalog, ContentError> {
    let mut catalog = Catalog::default();
    let mut brand_index: HashMap<Uuid, usize> = HashMap::new();
    let mut model_index: HashMap<Uuid, usize> = HashMap::new();

    for (brand_pos, brand) in raw.into_iter().enumerate() {
        check_slug(&brand.category_slug).map_err(|why| ContentError::BadBrandSlug {
            brand: brand_pos + 1,
            slug: brand.category_slug.clone(),
            why,
        })?;
        let brand_id = brand_uuid(&brand.category_slug);
        if let Entry::Vacant(slot) = brand_index.entry(brand_id) {
            slot.insert(catalog.brands.len());
            catalog.brands.push(BrandRow {
                uuid: brand_id,
                name: brand.category_slug.clone(),
            });
        }

        for (model_pos, model) in brand.models.into_iter().enumerate() {
            let row = model_row(&brand.category_slug, brand_id, model_pos + 1, model)?;
            match model_index.entry(row.uuid) {
                Entry::Vacant(slot) => {
                    slot.insert(catalog.models.len());
                    catalog.models.push(row);
                }
                Entry::Occupied(slot) => {
                    if let Some(existing) = catalog.models.get_mut(*slot.get()) {
                        merge_model(existing, row);
                    }
                }
            }
        }
    }
    Ok(catalog)
}

fn model_row(
    brand_slug: &str,
    brand_id: Uuid,
    position: usize,
    model: RawModel,
) -> Result<ModelRow, ContentError> {
    check_slug(&model.category_slug).map_err(|why| ContentError::BadModelSlug {
        brand_slug: brand_slug.to_owned(),
        model: position,
        slug: model.category_slug.clone(),
        why,
    })?;
    if model.name.trim().is_empty() {
        return Err(ContentError::EmptyModelName {
            brand_slug: brand_slug.to_owned(),
            model_slug: model.category_slug,
        });
    }
    Ok(ModelRow {
        uuid: model_uuid(brand_slug, &model.category_slug),
        brand_uuid: brand_id,
        name: model.name,
        year_start: model.year_start,
        year_end: model.year_end,
    })
}

fn merge_model(existing: &mut ModelRow, later: ModelRow) {
    existing.name = later.name;
    existing.year_start = later.year_start.or(existing.year_start);
    existing.year_end = later.year_end.or(existing.year_end);
}

/// Slugs are used byte for byte (the real catalogue has non-ASCII and even zero-width characters
/// in some, and the old UUIDs were computed from them as they are), so only what would make a
/// key ambiguous or is plainly a typo is refused.
fn check_slug(slug: &str) -> Result<(), SlugProblem> {
    if slug.trim().is_empty() {
        Err(SlugProblem::Empty)
    } else if slug.contains(':') {
        Err(SlugProblem::ContainsColon)
    } else if slug.trim() != slug {
        Err(SlugProblem::SurroundingWhitespace)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(slug: &str, name: &str, start: Option<i32>, end: Option<i32>) -> RawModel {
        RawModel {
            category_slug: slug.to_owned(),
            name: name.to_owned(),
            year_start: start,
            year_end: end,
        }
    }

    fn brand(slug: &str, models: Vec<RawModel>) -> RawBrand {
        RawBrand {
            category_slug: slug.to_owned(),
            models,
        }
    }

    #[test]
    fn brand_uuid_matches_v5_url_namespace() {
        // Computed independently with Python: uuid.uuid5(uuid.NAMESPACE_URL, "brand:toyota").
        let expected: Uuid = "982dd1bd-d8ed-518b-a7db-032709e68fc0".parse().unwrap();
        assert_eq!(brand_uuid("toyota"), expected);
        assert_eq!(brand_uuid("toyota").get_version_num(), 5);
    }

    #[test]
    fn model_uuid_matches_v5_url_namespace() {
        // uuid.uuid5(uuid.NAMESPACE_URL, "model:toyota:camry")
        let expected: Uuid = "fe62c56a-e1f2-5277-a242-82580abdff39".parse().unwrap();
        assert_eq!(model_uuid("toyota", "camry"), expected);
    }

    #[test]
    fn parse_reads_the_catalogue_shape_and_ignores_unused_fields() {
        let json = br#"[{"categorySlug":"toyota","id":12,"imgUrl":null,"name":"Toyota",
            "sortOrder":1,"models":[{"categorySlug":"4runner","id":13,"name":"4Runner",
            "yearEnd":null,"yearStart":1989}]}]"#;
        let catalog = build(parse(json).unwrap()).unwrap();
        assert_eq!(
            catalog.brands,
            vec![BrandRow {
                uuid: brand_uuid("toyota"),
                name: "toyota".to_owned()
            }]
        );
        assert_eq!(
            catalog.models,
            vec![ModelRow {
                uuid: model_uuid("toyota", "4runner"),
                brand_uuid: brand_uuid("toyota"),
                name: "4Runner".to_owned(),
                year_start: Some(1989),
                year_end: None,
            }]
        );
    }

    #[test]
    fn parse_rejects_a_model_without_name() {
        let json = br#"[{"categorySlug":"bmw","models":[{"categorySlug":"x5"}]}]"#;
        let err = parse(json).unwrap_err();
        assert!(err.to_string().contains("name"), "{err}");
    }

    #[test]
    fn duplicate_brand_slugs_merge_their_models() {
        let catalog = build(vec![
            brand("raf", vec![model("2203", "2203", None, None)]),
            brand("toyota", vec![model("camry", "Camry", Some(1982), None)]),
            brand("raf", vec![model("2203", "2203", Some(1976), None)]),
            brand("raf", vec![model("22038", "22038", None, None)]),
        ])
        .unwrap();
        let names: Vec<&str> = catalog.brands.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["raf", "toyota"]);
        assert_eq!(catalog.models.len(), 3);
        let raf = brand_uuid("raf");
        assert_eq!(
            catalog
                .models
                .iter()
                .filter(|m| m.brand_uuid == raf)
                .count(),
            2
        );
    }

    #[test]
    fn duplicate_model_slugs_merge_later_values_over_earlier() {
        let catalog = build(vec![brand(
            "lexus",
            vec![
                model("is-f", "IS F", Some(2007), Some(2014)),
                model("rx", "RX", None, None),
                model("is-f", "IS-F", None, None),
            ],
        )])
        .unwrap();
        assert_eq!(catalog.models.len(), 2);
        let is_f = &catalog.models[0];
        assert_eq!(is_f.uuid, model_uuid("lexus", "is-f"));
        assert_eq!(is_f.name, "IS-F");
        assert_eq!((is_f.year_start, is_f.year_end), (Some(2007), Some(2014)));
    }

    #[test]
    fn same_model_slug_under_different_brands_stays_distinct() {
        let catalog = build(vec![
            brand("kia", vec![model("rio", "Rio", None, None)]),
            brand("other", vec![model("rio", "Rio", None, None)]),
        ])
        .unwrap();
        assert_eq!(catalog.models.len(), 2);
    }

    #[test]
    fn slugs_are_used_as_they_are() {
        // The real catalogue has slugs such as "fabia\u{200b}"; the old UUIDs were made from them.
        let catalog = build(vec![brand(
            "skoda",
            vec![model("fabia\u{200b}", "Fabia", None, None)],
        )])
        .unwrap();
        assert_eq!(catalog.models[0].uuid, model_uuid("skoda", "fabia\u{200b}"));
        assert_ne!(catalog.models[0].uuid, model_uuid("skoda", "fabia"));
    }

    #[test]
    fn empty_brand_slug_is_invalid_content() {
        let err = build(vec![brand("toyota", vec![]), brand("  ", vec![])]).unwrap_err();
        assert_eq!(
            err,
            ContentError::BadBrandSlug {
                brand: 2,
                slug: "  ".to_owned(),
                why: SlugProblem::Empty
            }
        );
    }

    #[test]
    fn bad_model_slugs_are_invalid_content() {
        let colon = build(vec![brand("a", vec![model("b:c", "B", None, None)])]).unwrap_err();
        assert!(matches!(
            colon,
            ContentError::BadModelSlug {
                model: 1,
                why: SlugProblem::ContainsColon,
                ..
            }
        ));
        let padded = build(vec![brand("a", vec![model(" b", "B", None, None)])]).unwrap_err();
        assert!(matches!(
            padded,
            ContentError::BadModelSlug {
                why: SlugProblem::SurroundingWhitespace,
                ..
            }
        ));
        let unnamed = build(vec![brand("a", vec![model("b", " ", None, None)])]).unwrap_err();
        assert!(matches!(unnamed, ContentError::EmptyModelName { .. }));
    }

    #[tokio::test]
    async fn missing_file_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope.json");
        let err = load(&CatalogSource::File(path.clone())).await.unwrap_err();
        assert!(matches!(&err, SeedError::FileNotFound { path: p } if *p == path));
        assert!(err.to_string().contains("nope.json"), "{err}");
    }

    #[tokio::test]
    async fn malformed_file_is_invalid_json_with_path_and_position() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("brands.json");
        std::fs::write(&path, b"[{\"categorySlug\": \"toyota\",\n  \"models\": [}]").unwrap();
        let err = load(&CatalogSource::File(path.clone())).await.unwrap_err();
        assert!(matches!(&err, SeedError::InvalidJson { path: p, .. } if *p == path));
        let text = err.to_string();
        assert!(
            text.contains("brands.json") && text.contains("line 2"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn wrong_shape_is_invalid_json() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("brands.json");
        std::fs::write(&path, br#"{"brands": []}"#).unwrap();
        let err = load(&CatalogSource::File(path)).await.unwrap_err();
        assert!(matches!(err, SeedError::InvalidJson { .. }), "{err}");
    }

    #[tokio::test]
    async fn invalid_content_in_a_file_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("brands.json");
        std::fs::write(&path, br#"[{"categorySlug": "", "models": []}]"#).unwrap();
        let err = load(&CatalogSource::File(path)).await.unwrap_err();
        assert!(matches!(err, SeedError::InvalidContent { .. }), "{err}");
        assert!(err.to_string().contains("brands.json"), "{err}");
    }
}
