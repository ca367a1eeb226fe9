//! The create and update bodies (CONTRACT §2.7 #43, #48). The edge deserialises JSON into the
//! `*Input` structs (types only); [`NewPost::new`] and [`PostChanges::new`] apply the value
//! rules, so a `NewPost` or `PostChanges` in hand is valid.

use crate::errors::ListingError;
use crate::types::{CurrencyCode, Moderation, PersonalInfo, PostRefs};

/// `varchar(255)` columns.
pub(crate) const MAX_TEXT: usize = 255;
/// `description` is `text`; a bound keeps one post from being megabytes.
pub(crate) const MAX_DESCRIPTION: usize = 10_000;
/// The first car was built in 1886; anything past 2100 is a typo (the feed's own upper bound).
pub(crate) const YEARS: std::ops::RangeInclusive<i32> = 1886..=2100;
/// Prices, mileages and engine powers above this are typos, and stay exact in `f64`.
pub(crate) const MAX_AMOUNT: f64 = 1e12;

/// The fields a create and an update share, `None` meaning "not given" (an update leaves them
/// as they are; the old API skipped undefined fields too).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostFields {
    /// `brandsId`, `modelsId`, `categoryId` (B8: now settable), `subscriptionId`.
    pub refs: PostRefs,
    pub condition: Option<String>,
    pub transmission: Option<String>,
    pub engine_type: Option<String>,
    pub engine_power: Option<f64>,
    pub year: Option<i32>,
    pub milleage: Option<f64>,
    pub vin: Option<String>,
    pub description: Option<String>,
    pub location: Option<String>,
    pub color: Option<String>,
    pub credit: Option<bool>,
    pub exchange: Option<bool>,
}

impl PostFields {
    fn validated(self) -> Result<Self, ListingError> {
        Ok(Self {
            refs: self.refs,
            condition: text("condition", self.condition)?,
            transmission: text("transmission", self.transmission)?,
            engine_type: text("engineType", self.engine_type)?,
            engine_power: amount("enginePower", self.engine_power)?,
            year: year(self.year)?,
            milleage: amount("milleage", self.milleage)?,
            vin: text("vin", self.vin)?,
            description: bounded("description", self.description, MAX_DESCRIPTION)?,
            location: text("location", self.location)?,
            color: text("color", self.color)?,
            credit: self.credit,
            exchange: self.exchange,
        })
    }

    fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// `POST /posts` as the edge parsed it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewPostInput {
    pub fields: PostFields,
    /// Required, in `currency`.
    pub price: Option<f64>,
    /// Default TMT.
    pub currency: Option<String>,
    /// The top-level `phone`, copied into `personalInfo.phone`.
    pub phone: Option<String>,
    pub personal_info: Option<PersonalInfo>,
}

/// A valid post to create. Its price is converted by the service, which knows the rates.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPost {
    fields: PostFields,
    price: f64,
    currency: CurrencyCode,
    personal_info: Option<PersonalInfo>,
}

impl NewPost {
    /// Errors: `Invalid` naming the field (missing or negative price, year out of range,
    /// negative mileage or power, text too long or holding NUL, malformed currency).
    pub fn new(input: NewPostInput) -> Result<Self, ListingError> {
        let price = amount("price", input.price)?
            .ok_or_else(|| ListingError::invalid("price", "is required"))?;
        let currency = match input.currency.as_deref() {
            Some(raw) => CurrencyCode::parse(raw)?,
            None => CurrencyCode::tmt(),
        };
        Ok(Self {
            fields: input.fields.validated()?,
            price,
            currency,
            personal_info: personal_info(input.personal_info, input.phone)?,
        })
    }

    pub fn fields(&self) -> &PostFields {
        &self.fields
    }

    /// In [`Self::currency`].
    pub fn price(&self) -> f64 {
        self.price
    }

    pub fn currency(&self) -> &CurrencyCode {
        &self.currency
    }

    pub fn personal_info(&self) -> Option<&PersonalInfo> {
        self.personal_info.as_ref()
    }
}

/// `PUT /posts/:uuid` as the edge parsed it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostChangesInput {
    pub fields: PostFields,
    pub price: Option<f64>,
    pub currency: Option<String>,
    pub phone: Option<String>,
    /// Merged into the stored object, key by key.
    pub personal_info: Option<PersonalInfo>,
    /// Admins only.
    pub status: Option<Moderation>,
}

/// A valid edit: every field optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostChanges {
    fields: PostFields,
    price: Option<f64>,
    currency: Option<CurrencyCode>,
    personal_info: Option<PersonalInfo>,
    status: Option<Moderation>,
}

impl PostChanges {
    /// Errors: `Invalid` naming the field, as [`NewPost::new`].
    pub fn new(input: PostChangesInput) -> Result<Self, ListingError> {
        Ok(Self {
            fields: input.fields.validated()?,
            price: amount("price", input.price)?,
            currency: input
                .currency
                .as_deref()
                .map(CurrencyCode::parse)
                .transpose()?,
            personal_info: personal_info(input.personal_info, input.phone)?,
            status: input.status,
        })
    }

    pub fn fields(&self) -> &PostFields {
        &self.fields
    }

    pub fn price(&self) -> Option<f64> {
        self.price
    }

    pub fn currency(&self) -> Option<&CurrencyCode> {
        self.currency.as_ref()
    }

    /// The keys to change in the stored contact details.
    pub fn personal_info(&self) -> Option<&PersonalInfo> {
        self.personal_info.as_ref()
    }

    pub fn status(&self) -> Option<Moderation> {
        self.status
    }

    /// True when the edit changes what the post says (anything but its status).
    pub fn touches_content(&self) -> bool {
        !self.fields.is_empty()
            || self.price.is_some()
            || self.currency.is_some()
            || self.personal_info.is_some()
    }
}

/// The top-level `phone` wins over `personalInfo.phone` (the old create stored the top-level
/// one; the app sends both, equal). Either alone makes an object.
fn personal_info(
    info: Option<PersonalInfo>,
    phone: Option<String>,
) -> Result<Option<PersonalInfo>, ListingError> {
    let phone = text("phone", phone)?;
    let info = match (info, phone) {
        (None, None) => return Ok(None),
        (info, phone) => {
            let mut info = info.unwrap_or_default();
            if phone.is_some() {
                info.phone = phone;
            }
            info
        }
    };
    info.validated().map(Some)
}

/// A `varchar(255)` value: at most 255 characters, no NUL (PostgreSQL refuses it in text).
pub(crate) fn text(field: &'static str, v: Option<String>) -> Result<Option<String>, ListingError> {
    bounded(field, v, MAX_TEXT)
}

fn bounded(
    field: &'static str,
    v: Option<String>,
    max: usize,
) -> Result<Option<String>, ListingError> {
    let Some(v) = v else { return Ok(None) };
    if v.contains('\0') {
        return Err(ListingError::invalid(field, "must not contain NUL"));
    }
    if v.chars().count() > max {
        return Err(ListingError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(Some(v))
}

fn amount(field: &'static str, v: Option<f64>) -> Result<Option<f64>, ListingError> {
    match v {
        Some(v) if !v.is_finite() || v < 0.0 => {
            Err(ListingError::invalid(field, "must be a number ≥ 0"))
        }
        Some(v) if v > MAX_AMOUNT => Err(ListingError::invalid(field, "is too large")),
        // -0.0 is stored as 0.
        v => Ok(v.map(|v| v + 0.0)),
    }
}

fn year(v: Option<i32>) -> Result<Option<i32>, ListingError> {
    match v {
        Some(y) if !YEARS.contains(&y) => Err(ListingError::invalid(
            "year",
            format!("must be between {} and {}", YEARS.start(), YEARS.end()),
        )),
        v => Ok(v),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn input(price: f64) -> NewPostInput {
        NewPostInput {
            price: Some(price),
            ..NewPostInput::default()
        }
    }

    fn field_of(err: &ListingError) -> &'static str {
        err.field().unwrap_or("-")
    }

    #[test]
    fn a_new_post_needs_a_non_negative_price_and_defaults_to_tmt() {
        let post = NewPost::new(input(100.0)).unwrap();
        assert_eq!(post.price(), 100.0);
        assert_eq!(post.currency(), &CurrencyCode::tmt());
        for bad in [
            NewPostInput::default(),
            input(-1.0),
            input(f64::NAN),
            input(1e13),
        ] {
            let err = NewPost::new(bad).unwrap_err();
            assert_eq!(field_of(&err), "price");
        }
    }

    #[test]
    fn years_outside_the_car_era_are_invalid() {
        for (y, ok) in [
            (1885, false),
            (1886, true),
            (2024, true),
            (2100, true),
            (2101, false),
        ] {
            let mut i = input(1.0);
            i.fields.year = Some(y);
            assert_eq!(NewPost::new(i).is_ok(), ok, "{y}");
        }
    }

    #[test]
    fn negative_mileage_and_engine_power_are_invalid() {
        let mut i = input(1.0);
        i.fields.milleage = Some(-5.0);
        assert_eq!(field_of(&NewPost::new(i).unwrap_err()), "milleage");
        let mut i = input(1.0);
        i.fields.engine_power = Some(-0.5);
        assert_eq!(field_of(&NewPost::new(i).unwrap_err()), "enginePower");
        let mut i = input(1.0);
        i.fields.milleage = Some(0.0);
        assert!(NewPost::new(i).is_ok());
    }

    #[test]
    fn texts_are_bounded_and_free_of_nul() {
        let mut i = input(1.0);
        i.fields.vin = Some("x".repeat(256));
        assert_eq!(field_of(&NewPost::new(i).unwrap_err()), "vin");
        let mut i = input(1.0);
        i.fields.color = Some("red\0".into());
        assert_eq!(field_of(&NewPost::new(i).unwrap_err()), "color");
        let mut i = input(1.0);
        i.fields.description = Some("ü".repeat(10_000));
        assert!(NewPost::new(i).is_ok(), "the bound counts characters");
        let mut i = input(1.0);
        i.fields.description = Some("a".repeat(10_001));
        assert_eq!(field_of(&NewPost::new(i).unwrap_err()), "description");
        let mut i = input(1.0);
        i.personal_info = Some(PersonalInfo {
            name: Some("n".repeat(300)),
            ..PersonalInfo::default()
        });
        assert_eq!(field_of(&NewPost::new(i).unwrap_err()), "personalInfo.name");
    }

    #[test]
    fn the_top_level_phone_lands_in_personal_info() {
        let mut i = input(1.0);
        i.phone = Some("+99365000001".into());
        i.personal_info = Some(PersonalInfo {
            name: Some("Aman".into()),
            phone: Some("+99365999999".into()),
            region: Some("Local".into()),
            ..PersonalInfo::default()
        });
        let post = NewPost::new(i).unwrap();
        let info = post.personal_info().unwrap();
        assert_eq!(info.phone.as_deref(), Some("+99365000001"));
        assert_eq!(info.name.as_deref(), Some("Aman"));
        assert_eq!(info.region.as_deref(), Some("Local"));

        let mut only_phone = input(1.0);
        only_phone.phone = Some("+99365000001".into());
        let post = NewPost::new(only_phone).unwrap();
        assert_eq!(
            post.personal_info().unwrap().phone.as_deref(),
            Some("+99365000001")
        );
        assert!(NewPost::new(input(1.0)).unwrap().personal_info().is_none());
    }

    #[test]
    fn changes_validate_like_a_create_but_nothing_is_required() {
        let none = PostChanges::new(PostChangesInput::default()).unwrap();
        assert!(!none.touches_content());
        let bad = PostChangesInput {
            price: Some(-3.0),
            ..PostChangesInput::default()
        };
        assert_eq!(field_of(&PostChanges::new(bad).unwrap_err()), "price");
        let bad = PostChangesInput {
            currency: Some("€".into()),
            ..PostChangesInput::default()
        };
        assert_eq!(field_of(&PostChanges::new(bad).unwrap_err()), "currency");
        let status_only = PostChanges::new(PostChangesInput {
            status: Some(Moderation::Approved),
            ..PostChangesInput::default()
        })
        .unwrap();
        assert!(!status_only.touches_content());
        let color = PostChanges::new(PostChangesInput {
            fields: PostFields {
                color: Some("red".into()),
                ..PostFields::default()
            },
            ..PostChangesInput::default()
        })
        .unwrap();
        assert!(color.touches_content());
    }
}
