//! The values the listing rules are written in: ids, moderation, currencies and prices, the
//! seller's contact details, the files a post owns.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::errors::ListingError;

/// `posts.uuid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PostId(pub Uuid);

impl std::fmt::Display for PostId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Where a post stands in moderation. The column is a nullable boolean and the app reads it as
/// such: `null` pending, `true` approved (the feed asks `status=true`), `false` declined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Moderation {
    #[default]
    Pending,
    Approved,
    Declined,
}

impl Moderation {
    pub fn from_status(status: Option<bool>) -> Self {
        match status {
            None => Self::Pending,
            Some(true) => Self::Approved,
            Some(false) => Self::Declined,
        }
    }

    /// The `status` column and wire value.
    pub fn status(self) -> Option<bool> {
        match self {
            Self::Pending => None,
            Self::Approved => Some(true),
            Self::Declined => Some(false),
        }
    }
}

/// A currency label as `convert_prices.label` holds it (`TMT`, `USD`, `CNY`): ASCII letters,
/// upper case. The app's currency picker shows `$` for dollars and `D` for dirhams (CONTRACT
/// §7.1), so those symbols are read as `USD` and `AED`; whether a label can be used is the
/// [`crate::Rates`] port's answer, not this type's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CurrencyCode(String);

impl CurrencyCode {
    /// The base currency: every `price` is in manat.
    pub fn tmt() -> Self {
        Self("TMT".to_owned())
    }

    /// Trims, maps the app's symbols, upper-cases; 2 to 8 ASCII letters.
    ///
    /// Errors: `Invalid { field: "currency" }`.
    pub fn parse(raw: &str) -> Result<Self, ListingError> {
        let raw = raw.trim();
        let code = match raw {
            "$" => "USD".to_owned(),
            "D" | "d" => "AED".to_owned(),
            "" => return Err(ListingError::invalid("currency", "must not be empty")),
            other => other.to_ascii_uppercase(),
        };
        if !(2..=8).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(ListingError::invalid(
                "currency",
                "must be a currency label such as TMT or USD",
            ));
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CurrencyCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Manat per unit of a currency (`convert_prices.rate`): finite and positive.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Rate(f64);

impl Rate {
    /// Above this a stored rate is a typo (the rates are around 1–20 manat per unit).
    pub const MAX: f64 = 1_000_000.0;
    /// The base currency's.
    pub const ONE: Self = Self(1.0);

    /// `None` for zero, negative, non-finite or absurd rates: such a row cannot convert.
    pub fn new(tmt_per_unit: f64) -> Option<Self> {
        (tmt_per_unit.is_finite() && tmt_per_unit > 0.0 && tmt_per_unit <= Self::MAX)
            .then_some(Self(tmt_per_unit))
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

/// A price as stored: what the seller typed in their currency, and the manat price the feed
/// filters and sorts on.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvertedPrice {
    /// `originalPrice`.
    pub original_price: f64,
    /// `originalCurrency`.
    pub original_currency: CurrencyCode,
    /// `price`, in TMT: `ceil(original × rate)`, as the old create did.
    pub price: f64,
    /// `currency`: always TMT.
    pub currency: CurrencyCode,
}

impl ConvertedPrice {
    pub fn convert(original_price: f64, original_currency: CurrencyCode, rate: Rate) -> Self {
        let product = original_price * rate.get();
        // `ceil` as the old API, but not of a floating-point error: 10 CNY at 2.7 is 27 manat,
        // not 28 (10 × 2.7 = 27.000000000000004 in binary floating point).
        let nearest = product.round();
        let price = if (product - nearest).abs() <= 1e-9 * nearest.abs().max(1.0) {
            nearest
        } else {
            product.ceil()
        };
        Self {
            original_price,
            original_currency,
            price,
            currency: CurrencyCode::tmt(),
        }
    }
}

/// The seller's contact details shown with a post (`posts.personalInfo`, a JSON object). Absent
/// keys stay absent in the stored object, as the old API's `JSON.stringify` left them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

impl PersonalInfo {
    /// `self` with every key `patch` carries replaced; keys it lacks are kept (an edit of the
    /// region does not erase the phone, B9).
    #[must_use]
    pub fn merged(self, patch: &Self) -> Self {
        Self {
            name: patch.name.clone().or(self.name),
            location: patch.location.clone().or(self.location),
            phone: patch.phone.clone().or(self.phone),
            region: patch.region.clone().or(self.region),
        }
    }

    pub(crate) fn validated(self) -> Result<Self, ListingError> {
        Ok(Self {
            name: crate::inputs::text("personalInfo.name", self.name)?,
            location: crate::inputs::text("personalInfo.location", self.location)?,
            phone: crate::inputs::text("personalInfo.phone", self.phone)?,
            region: crate::inputs::text("personalInfo.region", self.region)?,
        })
    }
}

/// Rows another context owns that a post points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reference {
    Brand,
    Model,
    Category,
    Subscription,
}

impl Reference {
    /// The body field that carries the id.
    pub fn field(self) -> &'static str {
        match self {
            Self::Brand => "brandsId",
            Self::Model => "modelsId",
            Self::Category => "categoryId",
            Self::Subscription => "subscriptionId",
        }
    }
}

/// The referenced ids a create or update sets; `None` is "not given".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PostRefs {
    pub brand: Option<Uuid>,
    pub model: Option<Uuid>,
    pub category: Option<Uuid>,
    pub subscription: Option<Uuid>,
}

impl PostRefs {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The files a post owns, as paths relative to the upload folder (`uploads/posts/…`,
/// `video/…`, `uploads/files/…`): every photo's original and variants, its video, its PDF.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostMedia {
    pub paths: Vec<String>,
}

impl PostMedia {
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn moderation_maps_to_the_nullable_status_and_back() {
        for (m, s) in [
            (Moderation::Pending, None),
            (Moderation::Approved, Some(true)),
            (Moderation::Declined, Some(false)),
        ] {
            assert_eq!(m.status(), s);
            assert_eq!(Moderation::from_status(s), m);
        }
    }

    #[test]
    fn currency_labels_are_upper_cased_and_the_apps_symbols_mapped() {
        assert_eq!(CurrencyCode::parse(" usd ").unwrap().as_str(), "USD");
        assert_eq!(CurrencyCode::parse("TMT").unwrap(), CurrencyCode::tmt());
        assert_eq!(CurrencyCode::parse("$").unwrap().as_str(), "USD");
        assert_eq!(CurrencyCode::parse("D").unwrap().as_str(), "AED");
    }

    #[test]
    fn malformed_currency_labels_are_invalid() {
        for raw in [
            "",
            "  ",
            "€",
            "U",
            "US DOLLAR",
            "USD1",
            "ABCDEFGHI",
            "TM\0T",
        ] {
            let err = CurrencyCode::parse(raw).unwrap_err();
            assert_eq!(err.field(), Some("currency"), "{raw:?}");
        }
    }

    #[test]
    fn rates_must_be_positive_and_finite() {
        assert!(Rate::new(19.5).is_some());
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 2_000_000.0] {
            assert!(Rate::new(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn conversion_rounds_up_to_whole_manat_without_float_noise() {
        let usd = CurrencyCode::parse("USD").unwrap();
        let p = ConvertedPrice::convert(1000.0, usd.clone(), Rate::new(19.5).unwrap());
        assert_eq!(p.price, 19_500.0);
        assert_eq!(p.original_price, 1000.0);
        assert_eq!(p.original_currency, usd);
        assert_eq!(p.currency, CurrencyCode::tmt());
        let p = ConvertedPrice::convert(10.5, CurrencyCode::tmt(), Rate::new(1.0).unwrap());
        assert_eq!(p.price, 11.0);
        let cny = CurrencyCode::parse("CNY").unwrap();
        let p = ConvertedPrice::convert(10.0, cny, Rate::new(2.7).unwrap());
        assert_eq!(p.price, 27.0);
        let p = ConvertedPrice::convert(0.0, CurrencyCode::tmt(), Rate::new(1.0).unwrap());
        assert_eq!(p.price, 0.0);
    }

    #[test]
    fn merging_personal_info_keeps_what_the_patch_does_not_carry() {
        let stored = PersonalInfo {
            name: Some("Aman".into()),
            location: Some("Ashgabat".into()),
            phone: Some("+99361000000".into()),
            region: Some("Local".into()),
        };
        let patch = PersonalInfo {
            region: Some("Mary".into()),
            ..PersonalInfo::default()
        };
        let merged = stored.clone().merged(&patch);
        assert_eq!(merged.region.as_deref(), Some("Mary"));
        assert_eq!(merged.phone, stored.phone);
        assert_eq!(merged.name, stored.name);
        assert_eq!(merged.location, stored.location);
    }

    #[test]
    fn personal_info_serialises_without_absent_keys() {
        let info = PersonalInfo {
            name: Some("A".into()),
            ..PersonalInfo::default()
        };
        assert_eq!(serde_json::to_string(&info).unwrap(), r#"{"name":"A"}"#);
    }
}
