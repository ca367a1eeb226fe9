//! The admin's changes to the catalog, with the rules the old API lacked: required fields,
//! bounded text, unique priorities answered as such, and unknown ids reported (B10).

use std::sync::Arc;

use uuid::Uuid;

use crate::errors::{CatalogError, Entity};
use crate::inputs::{
    BrandInput, BrandPatch, CategoryInput, CategoryPatch, Creator, Localized, ModelInput,
    ModelPatch, PlanInput, PlanPatch,
};
use crate::ports::{CatalogWrites, WriteOutcome};
use crate::version::CatalogVersion;

/// `varchar(255)` columns, and the texts of the language objects.
const MAX_TEXT: usize = 255;
/// The first car was built in 1886; anything far in the future is a typo.
const YEARS: std::ops::RangeInclusive<i32> = 1886..=2100;
/// `numeric(14,2)`: twelve digits before the point.
const MAX_PRICE: f64 = 999_999_999_999.99;

pub struct CatalogAdmin {
    repo: Arc<dyn CatalogWrites>,
    version: CatalogVersion,
}

impl CatalogAdmin {
    pub fn new(repo: Arc<dyn CatalogWrites>, version: CatalogVersion) -> Self {
        Self { repo, version }
    }

    /// Errors: `Invalid` for a blank or overlong name or location; `Repo`.
    pub async fn create_brand(&self, input: BrandInput) -> Result<Uuid, CatalogError> {
        let input = BrandInput {
            name: required_text("name", &input.name)?,
            location: optional_text("location", input.location.as_deref())?,
        };
        let uuid = Uuid::new_v4();
        self.repo.insert_brand(uuid, &input).await?;
        self.changed();
        Ok(uuid)
    }

    /// Errors: `NotFound`, `Invalid`, `Repo`.
    pub async fn update_brand(&self, uuid: Uuid, patch: BrandPatch) -> Result<(), CatalogError> {
        let patch = BrandPatch {
            name: patch
                .name
                .as_deref()
                .map(|n| required_text("name", n))
                .transpose()?,
            location: optional_text("location", patch.location.as_deref())?,
        };
        let found = self.repo.update_brand(uuid, &patch).await?;
        self.found(found, Entity::Brand)
    }

    /// Its models and listings keep existing without a brand; subscriptions to it go.
    ///
    /// Errors: `NotFound`, `Repo`.
    pub async fn delete_brand(&self, uuid: Uuid) -> Result<(), CatalogError> {
        let found = self.repo.delete_brand(uuid).await?;
        self.found(found, Entity::Brand)
    }

    /// Errors: `Invalid`; `NotFound(Brand)` for an unknown `brandId`; `Repo`.
    pub async fn create_model(&self, input: ModelInput) -> Result<Uuid, CatalogError> {
        let input = ModelInput {
            name: required_text("name", &input.name)?,
            brand_id: input.brand_id,
            yearstart: year("yearstart", input.yearstart)?,
            yearend: year("yearend", input.yearend)?,
        };
        let uuid = Uuid::new_v4();
        let outcome = self.repo.insert_model(uuid, &input).await?;
        self.outcome(outcome, Entity::Model, None)?;
        Ok(uuid)
    }

    /// Errors: `NotFound(Model)`, `NotFound(Brand)` for an unknown `brandId`, `Invalid`, `Repo`.
    pub async fn update_model(&self, uuid: Uuid, patch: ModelPatch) -> Result<(), CatalogError> {
        let patch = ModelPatch {
            name: patch
                .name
                .as_deref()
                .map(|n| required_text("name", n))
                .transpose()?,
            brand_id: patch.brand_id,
            yearstart: year("yearstart", patch.yearstart)?,
            yearend: year("yearend", patch.yearend)?,
        };
        let outcome = self.repo.update_model(uuid, &patch).await?;
        self.outcome(outcome, Entity::Model, None)
    }

    /// Errors: `NotFound`, `Repo`.
    pub async fn delete_model(&self, uuid: Uuid) -> Result<(), CatalogError> {
        let found = self.repo.delete_model(uuid).await?;
        self.found(found, Entity::Model)
    }

    /// Errors: `Invalid` for a name with no text in any language; `PriorityTaken`; `Repo`.
    pub async fn create_category(
        &self,
        name: Localized,
        priority: Option<i32>,
        creator: Creator,
    ) -> Result<Uuid, CatalogError> {
        let input = CategoryInput {
            name: localized("name", &name, true)?,
            priority,
            creator,
        };
        let uuid = Uuid::new_v4();
        let outcome = self.repo.insert_category(uuid, &input).await?;
        self.outcome(outcome, Entity::Category, priority)?;
        Ok(uuid)
    }

    /// Errors: `NotFound`, `Invalid`, `PriorityTaken`, `Repo`.
    pub async fn update_category(
        &self,
        uuid: Uuid,
        patch: CategoryPatch,
    ) -> Result<(), CatalogError> {
        let patch = CategoryPatch {
            name: patch
                .name
                .as_ref()
                .map(|n| localized("name", n, true))
                .transpose()?,
            priority: patch.priority,
        };
        let outcome = self.repo.update_category(uuid, &patch).await?;
        self.outcome(outcome, Entity::Category, patch.priority)
    }

    /// Errors: `NotFound`, `Repo`.
    pub async fn delete_category(&self, uuid: Uuid) -> Result<(), CatalogError> {
        let found = self.repo.delete_category(uuid).await?;
        self.found(found, Entity::Category)
    }

    /// A banner is only an image slot; its picture is uploaded afterwards.
    ///
    /// Errors: `Repo`.
    pub async fn create_banner(&self, creator: Creator) -> Result<Uuid, CatalogError> {
        let uuid = Uuid::new_v4();
        self.repo.insert_banner(uuid, &creator).await?;
        self.changed();
        Ok(uuid)
    }

    /// Errors: `NotFound`, `Repo`.
    pub async fn delete_banner(&self, uuid: Uuid) -> Result<(), CatalogError> {
        let found = self.repo.delete_banner(uuid).await?;
        self.found(found, Entity::Banner)
    }

    /// Errors: `Invalid` (blank name, negative or overlong price, overlong colour);
    /// `PriorityTaken`; `Repo`.
    pub async fn create_plan(&self, input: PlanInput) -> Result<Uuid, CatalogError> {
        let input = PlanInput {
            name: localized("name", &input.name, true)?,
            description: localized("description", &input.description, false)?,
            priority: input.priority,
            price: price(input.price)?,
            color: optional_text("color", input.color.as_deref())?,
        };
        let uuid = Uuid::new_v4();
        let outcome = self.repo.insert_plan(uuid, &input).await?;
        self.outcome(outcome, Entity::Plan, input.priority)?;
        Ok(uuid)
    }

    /// Errors: `NotFound`, `Invalid`, `PriorityTaken`, `Repo`.
    pub async fn update_plan(&self, uuid: Uuid, patch: PlanPatch) -> Result<(), CatalogError> {
        let patch = PlanPatch {
            name: patch
                .name
                .as_ref()
                .map(|n| localized("name", n, true))
                .transpose()?,
            description: patch
                .description
                .as_ref()
                .map(|d| localized("description", d, false))
                .transpose()?,
            priority: patch.priority,
            price: price(patch.price)?,
            color: optional_text("color", patch.color.as_deref())?,
        };
        let outcome = self.repo.update_plan(uuid, &patch).await?;
        self.outcome(outcome, Entity::Plan, patch.priority)
    }

    /// Errors: `NotFound`, `Repo`.
    pub async fn delete_plan(&self, uuid: Uuid) -> Result<(), CatalogError> {
        let found = self.repo.delete_plan(uuid).await?;
        self.found(found, Entity::Plan)
    }

    /// Tells readers the catalog changed; for writes made outside this service (photos).
    pub fn changed(&self) {
        self.version.bump();
    }

    fn found(&self, found: bool, entity: Entity) -> Result<(), CatalogError> {
        if !found {
            return Err(CatalogError::NotFound(entity));
        }
        self.changed();
        Ok(())
    }

    fn outcome(
        &self,
        outcome: WriteOutcome,
        entity: Entity,
        priority: Option<i32>,
    ) -> Result<(), CatalogError> {
        match outcome {
            WriteOutcome::Done => {
                self.changed();
                Ok(())
            }
            WriteOutcome::NotFound => Err(CatalogError::NotFound(entity)),
            WriteOutcome::UnknownBrand => Err(CatalogError::NotFound(Entity::Brand)),
            WriteOutcome::PriorityTaken => {
                Err(CatalogError::PriorityTaken(priority.unwrap_or_default()))
            }
        }
    }
}

fn required_text(field: &'static str, text: &str) -> Result<String, CatalogError> {
    checked(field, text)?;
    let text = text.trim();
    if text.is_empty() {
        return Err(CatalogError::invalid(field, "is required"));
    }
    Ok(text.to_owned())
}

/// Blank means not given.
fn optional_text(field: &'static str, text: Option<&str>) -> Result<Option<String>, CatalogError> {
    let Some(text) = text else { return Ok(None) };
    checked(field, text)?;
    let text = text.trim();
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// The length counts the text as sent, spaces included, as the published schema does; NUL
/// cannot be stored by PostgreSQL.
fn checked(field: &'static str, text: &str) -> Result<(), CatalogError> {
    if text.contains('\0') {
        return Err(CatalogError::invalid(field, "must not contain NUL"));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(CatalogError::invalid(
            field,
            format!("is longer than {MAX_TEXT} characters"),
        ));
    }
    Ok(())
}

/// Each language given must have text; a required one needs at least one language.
fn localized(
    field: &'static str,
    text: &Localized,
    required: bool,
) -> Result<Localized, CatalogError> {
    let mut out = Localized::default();
    for (given, slot) in [
        (&text.tm, &mut out.tm),
        (&text.ru, &mut out.ru),
        (&text.en, &mut out.en),
    ] {
        if let Some(given) = given {
            *slot = Some(required_text(field, given)?);
        }
    }
    if required && out.is_blank() {
        return Err(CatalogError::invalid(
            field,
            "needs a text in at least one of tm, ru, en",
        ));
    }
    Ok(out)
}

fn year(field: &'static str, year: Option<i32>) -> Result<Option<i32>, CatalogError> {
    match year {
        Some(y) if !YEARS.contains(&y) => Err(CatalogError::invalid(
            field,
            format!("must be between {} and {}", YEARS.start(), YEARS.end()),
        )),
        other => Ok(other),
    }
}

fn price(price: Option<f64>) -> Result<Option<f64>, CatalogError> {
    match price {
        Some(p) if !p.is_finite() || p < 0.0 => Err(CatalogError::invalid(
            "price",
            "must be a number of at least 0",
        )),
        Some(p) if p > MAX_PRICE => Err(CatalogError::invalid(
            "price",
            format!("must be at most {MAX_PRICE}"),
        )),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use mockall::predicate::eq;

    use super::*;
    use crate::ports::MockCatalogWrites;

    fn admin(repo: MockCatalogWrites) -> (CatalogAdmin, CatalogVersion) {
        let version = CatalogVersion::new();
        (CatalogAdmin::new(Arc::new(repo), version.clone()), version)
    }

    fn invalid_field(err: CatalogError) -> &'static str {
        match err {
            CatalogError::Invalid { field, .. } => field,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_brand_is_stored_trimmed_and_the_catalog_moves_on() {
        let mut repo = MockCatalogWrites::new();
        repo.expect_insert_brand()
            .withf(|_, input| input.name == "lada" && input.location.is_none())
            .times(1)
            .returning(|_, _| Ok(()));
        let (admin, version) = admin(repo);
        admin
            .create_brand(BrandInput {
                name: "  lada ".into(),
                location: Some("   ".into()),
            })
            .await
            .unwrap();
        assert_eq!(version.current(), 1);
    }

    #[tokio::test]
    async fn blank_or_overlong_names_are_refused_before_storage() {
        let (admin, version) = admin(MockCatalogWrites::new());
        let blank = admin
            .create_brand(BrandInput {
                name: " \t".into(),
                location: None,
            })
            .await
            .unwrap_err();
        assert_eq!(invalid_field(blank), "name");
        let long = admin
            .update_brand(
                Uuid::nil(),
                BrandPatch {
                    name: None,
                    location: Some("x".repeat(256)),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(invalid_field(long), "location");
        let no_language = admin
            .create_category(Localized::default(), None, Creator::default())
            .await
            .unwrap_err();
        assert_eq!(invalid_field(no_language), "name");
        let blank_language = admin
            .create_category(
                Localized {
                    tm: Some("Ýeňil".into()),
                    ru: Some(" ".into()),
                    en: None,
                },
                None,
                Creator::default(),
            )
            .await
            .unwrap_err();
        assert_eq!(invalid_field(blank_language), "name");
        let nul = admin
            .create_brand(BrandInput {
                name: "a\0b".into(),
                location: None,
            })
            .await
            .unwrap_err();
        assert_eq!(invalid_field(nul), "name");
        let padded = admin
            .create_brand(BrandInput {
                name: format!(" {} ", "x".repeat(254)),
                location: None,
            })
            .await
            .unwrap_err();
        assert_eq!(
            invalid_field(padded),
            "name",
            "the length counts the spaces sent"
        );
        assert_eq!(version.current(), 0);
    }

    #[tokio::test]
    async fn unknown_ids_are_not_found_and_change_nothing() {
        let id = Uuid::from_u128(7);
        let mut repo = MockCatalogWrites::new();
        repo.expect_update_brand().returning(|_, _| Ok(false));
        repo.expect_delete_model()
            .with(eq(id))
            .returning(|_| Ok(false));
        repo.expect_delete_banner().returning(|_| Ok(false));
        repo.expect_update_plan()
            .returning(|_, _| Ok(WriteOutcome::NotFound));
        let (admin, version) = admin(repo);
        let err = admin
            .update_brand(id, BrandPatch::default())
            .await
            .unwrap_err();
        assert!(
            matches!(err, CatalogError::NotFound(Entity::Brand)),
            "{err:?}"
        );
        let err = admin.delete_model(id).await.unwrap_err();
        assert!(
            matches!(err, CatalogError::NotFound(Entity::Model)),
            "{err:?}"
        );
        let err = admin.delete_banner(id).await.unwrap_err();
        assert!(
            matches!(err, CatalogError::NotFound(Entity::Banner)),
            "{err:?}"
        );
        let err = admin
            .update_plan(id, PlanPatch::default())
            .await
            .unwrap_err();
        assert!(
            matches!(err, CatalogError::NotFound(Entity::Plan)),
            "{err:?}"
        );
        assert_eq!(version.current(), 0);
    }

    #[tokio::test]
    async fn a_model_of_an_unknown_brand_is_refused() {
        let mut repo = MockCatalogWrites::new();
        repo.expect_insert_model()
            .returning(|_, _| Ok(WriteOutcome::UnknownBrand));
        let (admin, _) = admin(repo);
        let err = admin
            .create_model(ModelInput {
                name: "X".into(),
                brand_id: Some(Uuid::from_u128(1)),
                yearstart: None,
                yearend: None,
            })
            .await
            .unwrap_err();
        assert!(
            matches!(err, CatalogError::NotFound(Entity::Brand)),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn model_years_must_be_plausible() {
        let (admin, _) = admin(MockCatalogWrites::new());
        let model = |start, end| ModelInput {
            name: "X".into(),
            brand_id: None,
            yearstart: start,
            yearend: end,
        };
        let err = admin
            .create_model(model(Some(1700), None))
            .await
            .unwrap_err();
        assert_eq!(invalid_field(err), "yearstart");
        let err = admin
            .create_model(model(None, Some(2101)))
            .await
            .unwrap_err();
        assert_eq!(invalid_field(err), "yearend");
    }

    #[tokio::test]
    async fn a_taken_priority_is_a_conflict_naming_it() {
        let mut repo = MockCatalogWrites::new();
        repo.expect_insert_category()
            .returning(|_, _| Ok(WriteOutcome::PriorityTaken));
        let (admin, version) = admin(repo);
        let name = Localized {
            en: Some("SUV".into()),
            ..Localized::default()
        };
        let err = admin
            .create_category(name, Some(3), Creator::default())
            .await
            .unwrap_err();
        assert!(matches!(err, CatalogError::PriorityTaken(3)), "{err:?}");
        assert_eq!(version.current(), 0);
    }

    #[tokio::test]
    async fn plan_prices_are_checked() {
        let (admin, _) = admin(MockCatalogWrites::new());
        let plan = |price| PlanInput {
            name: Localized {
                tm: Some("Gold".into()),
                ..Localized::default()
            },
            description: Localized::default(),
            priority: None,
            price: Some(price),
            color: None,
        };
        for bad in [-1.0, f64::NAN, f64::INFINITY, 1e13] {
            let err = admin.create_plan(plan(bad)).await.unwrap_err();
            assert_eq!(invalid_field(err), "price", "{bad}");
        }
    }

    #[tokio::test]
    async fn a_plan_is_stored_with_trimmed_texts() {
        let mut repo = MockCatalogWrites::new();
        repo.expect_insert_plan()
            .withf(|_, p| {
                p.name.tm.as_deref() == Some("Gold")
                    && p.name.ru.is_none()
                    && p.price == Some(100.5)
                    && p.color.as_deref() == Some("#FFD700")
            })
            .times(1)
            .returning(|_, _| Ok(WriteOutcome::Done));
        let (admin, version) = admin(repo);
        admin
            .create_plan(PlanInput {
                name: Localized {
                    tm: Some(" Gold ".into()),
                    ru: None,
                    en: None,
                },
                description: Localized::default(),
                priority: Some(1),
                price: Some(100.5),
                color: Some("#FFD700".into()),
            })
            .await
            .unwrap();
        assert_eq!(version.current(), 1);
    }
}
