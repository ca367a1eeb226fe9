//! `GET /posts` (CONTRACT §2.7 #40): every query parameter parsed and checked here, so the store
//! builds its query from a value that cannot hold junk. The old API passed the strings to
//! Sequelize: a letter in `limit`, an unknown `sortBy` column or a malformed uuid became a 500.
//!
//! The edge hands over the query pairs as they came ([`RawFeedQuery::from_pairs`]); arrays are
//! repeated keys, with or without the `[]` suffix the app's query builder may add
//! (`brandFilter[]=a&brandFilter[]=b`). An empty value counts as absent.

use uuid::Uuid;

use crate::errors::ListingError;
use crate::inputs::MAX_TEXT;
use crate::types::Moderation;

/// The query as strings, keys already routed to fields. Unknown keys are ignored, as before.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawFeedQuery {
    pub offset: Option<String>,
    pub limit: Option<String>,
    pub brand: Option<String>,
    pub model: Option<String>,
    pub photo: Option<String>,
    pub category: Option<String>,
    pub subscription: Option<String>,
    pub sub_filter: Vec<String>,
    pub status: Option<String>,
    pub min_year: Option<String>,
    pub max_year: Option<String>,
    pub min_price: Option<String>,
    pub max_price: Option<String>,
    pub engine_power: Option<String>,
    pub milleage: Option<String>,
    pub credit: Option<String>,
    pub exchange: Option<String>,
    pub transmission: Option<String>,
    pub condition: Option<String>,
    pub engine_type: Option<String>,
    pub brand_filter: Vec<String>,
    pub model_filter: Vec<String>,
    pub category_filter: Option<String>,
    pub color: Vec<String>,
    pub location: Option<String>,
    pub region: Option<String>,
    pub search: Option<String>,
    pub sort_by: Option<String>,
    pub sort_as: Option<String>,
    pub count_only: Option<String>,
}

impl RawFeedQuery {
    /// Routes decoded `(key, value)` pairs to fields. A scalar given twice is an error, as the
    /// old API could not have meant either value (qs made it an array, then `NaN`).
    ///
    /// Errors: `Invalid { field }` for a repeated scalar.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, ListingError> {
        let mut q = Self::default();
        for (key, value) in pairs {
            let key = key.strip_suffix("[]").unwrap_or(key);
            let value = value.to_owned();
            let (field, slot): (&'static str, &mut Option<String>) = match key {
                "subFilter" => {
                    q.sub_filter.push(value);
                    continue;
                }
                "brandFilter" => {
                    q.brand_filter.push(value);
                    continue;
                }
                "modelFilter" => {
                    q.model_filter.push(value);
                    continue;
                }
                "color" => {
                    q.color.push(value);
                    continue;
                }
                "offset" => ("offset", &mut q.offset),
                "limit" => ("limit", &mut q.limit),
                "brand" => ("brand", &mut q.brand),
                "model" => ("model", &mut q.model),
                "photo" => ("photo", &mut q.photo),
                "category" => ("category", &mut q.category),
                "subscription" => ("subscription", &mut q.subscription),
                "status" => ("status", &mut q.status),
                "minYear" => ("minYear", &mut q.min_year),
                "maxYear" => ("maxYear", &mut q.max_year),
                "minPrice" => ("minPrice", &mut q.min_price),
                "maxPrice" => ("maxPrice", &mut q.max_price),
                "enginePower" => ("enginePower", &mut q.engine_power),
                "milleage" => ("milleage", &mut q.milleage),
                "credit" => ("credit", &mut q.credit),
                "exchange" => ("exchange", &mut q.exchange),
                "transmission" => ("transmission", &mut q.transmission),
                "condition" => ("condition", &mut q.condition),
                "engineType" => ("engineType", &mut q.engine_type),
                "categoryFilter" => ("categoryFilter", &mut q.category_filter),
                "location" => ("location", &mut q.location),
                "region" => ("region", &mut q.region),
                "search" => ("search", &mut q.search),
                "sortBy" => ("sortBy", &mut q.sort_by),
                "sortAs" => ("sortAs", &mut q.sort_as),
                "countOnly" => ("countOnly", &mut q.count_only),
                _ => continue,
            };
            if slot.replace(value).is_some() {
                return Err(ListingError::invalid(field, "given more than once"));
            }
        }
        Ok(q)
    }
}

/// What the feed sorts by: the columns the app uses, nothing else.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortBy {
    #[default]
    CreatedAt,
    Price,
    Year,
    Milleage,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortDir {
    Asc,
    #[default]
    Desc,
}

/// An inclusive range; each end defaults to the old API's bound when only the other is given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range<T> {
    pub min: T,
    pub max: T,
}

/// Which related rows each post carries (`brand=true` …).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeedIncludes {
    pub brand: bool,
    pub model: bool,
    pub photo: bool,
    pub category: bool,
    pub subscription: bool,
}

/// A valid feed query, built by [`FeedQuery::parse`] (the fields are public for the store to
/// read; [`Default`] is the query with no parameter). Text filters are the user's text: the
/// store escapes `%` and `_` before using them in `ILIKE`.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedQuery {
    pub offset: u32,
    pub limit: u32,
    pub includes: FeedIncludes,
    /// `None`: every status (the old API did the same when `status` was absent).
    pub status: Option<Moderation>,
    /// Posts with one of these plans (an inner join in the old API).
    pub subscriptions: Vec<Uuid>,
    pub brands: Vec<Uuid>,
    pub models: Vec<Uuid>,
    pub category: Option<Uuid>,
    pub colors: Vec<String>,
    pub year: Option<Range<i32>>,
    /// On the TMT price.
    pub price: Option<Range<f64>>,
    /// `enginePower >= value`.
    pub min_engine_power: Option<f64>,
    /// `milleage <= value`.
    pub max_milleage: Option<f64>,
    pub credit: Option<bool>,
    pub exchange: Option<bool>,
    /// Exact matches.
    pub transmission: Option<String>,
    pub condition: Option<String>,
    pub engine_type: Option<String>,
    /// Case-insensitive substring of the post's location.
    pub location: Option<String>,
    /// Case-insensitive substring of `personalInfo.region`.
    pub region: Option<String>,
    /// Case-insensitive substring of the description, brand name or model name.
    pub search: Option<String>,
    pub sort_by: SortBy,
    pub sort_dir: SortDir,
    /// Answer `{count}` only.
    pub count_only: bool,
}

impl FeedQuery {
    pub const DEFAULT_LIMIT: u32 = 50;
    /// The app asks 20 at a time; no request reads more than this.
    pub const MAX_LIMIT: u32 = 100;
    /// Items of one array filter.
    pub const MAX_ITEMS: usize = 100;
    /// The old API's defaults for a range given at one end only.
    pub const YEAR_BOUNDS: (i32, i32) = (0, 2100);
    pub const PRICE_BOUNDS: (f64, f64) = (0.0, 2_000_000_000.0);

    /// Errors: `Invalid { field }` with the query parameter's name for any value that does not
    /// parse, is out of range, or makes an empty range (min > max).
    pub fn parse(raw: RawFeedQuery) -> Result<Self, ListingError> {
        let year = range(
            "minYear",
            int("minYear", raw.min_year, Self::YEAR_BOUNDS)?,
            int("maxYear", raw.max_year, Self::YEAR_BOUNDS)?,
            Self::YEAR_BOUNDS,
        )?;
        let price = range(
            "minPrice",
            number("minPrice", raw.min_price)?,
            number("maxPrice", raw.max_price)?,
            Self::PRICE_BOUNDS,
        )?;
        Ok(Self {
            offset: uint("offset", raw.offset)?.unwrap_or(0),
            limit: uint("limit", raw.limit)?
                .unwrap_or(Self::DEFAULT_LIMIT)
                .clamp(1, Self::MAX_LIMIT),
            includes: FeedIncludes {
                brand: flag("brand", raw.brand)?.unwrap_or(false),
                model: flag("model", raw.model)?.unwrap_or(false),
                photo: flag("photo", raw.photo)?.unwrap_or(false),
                category: flag("category", raw.category)?.unwrap_or(false),
                subscription: flag("subscription", raw.subscription)?.unwrap_or(false),
            },
            status: flag("status", raw.status)?.map(|s| Moderation::from_status(Some(s))),
            subscriptions: uuids("subFilter", raw.sub_filter)?,
            brands: uuids("brandFilter", raw.brand_filter)?,
            models: uuids("modelFilter", raw.model_filter)?,
            category: uuid("categoryFilter", raw.category_filter)?,
            colors: texts("color", raw.color)?,
            year,
            price,
            min_engine_power: number("enginePower", raw.engine_power)?,
            max_milleage: number("milleage", raw.milleage)?,
            credit: flag("credit", raw.credit)?,
            exchange: flag("exchange", raw.exchange)?,
            transmission: text("transmission", raw.transmission)?,
            condition: text("condition", raw.condition)?,
            engine_type: text("engineType", raw.engine_type)?,
            location: text("location", raw.location)?,
            region: text("region", raw.region)?,
            search: text("search", raw.search)?,
            sort_by: match present(raw.sort_by).as_deref() {
                None | Some("createdAt") => SortBy::CreatedAt,
                Some("price") => SortBy::Price,
                Some("year") => SortBy::Year,
                Some("milleage") => SortBy::Milleage,
                Some(_) => {
                    return Err(ListingError::invalid(
                        "sortBy",
                        "must be one of createdAt, price, year, milleage",
                    ));
                }
            },
            sort_dir: match present(raw.sort_as)
                .map(|s| s.to_ascii_lowercase())
                .as_deref()
            {
                None | Some("desc") => SortDir::Desc,
                Some("asc") => SortDir::Asc,
                Some(_) => return Err(ListingError::invalid("sortAs", "must be asc or desc")),
            },
            count_only: flag("countOnly", raw.count_only)?.unwrap_or(false),
        })
    }
}

impl Default for FeedQuery {
    fn default() -> Self {
        Self {
            offset: 0,
            limit: Self::DEFAULT_LIMIT,
            includes: FeedIncludes::default(),
            status: None,
            subscriptions: Vec::new(),
            brands: Vec::new(),
            models: Vec::new(),
            category: None,
            colors: Vec::new(),
            year: None,
            price: None,
            min_engine_power: None,
            max_milleage: None,
            credit: None,
            exchange: None,
            transmission: None,
            condition: None,
            engine_type: None,
            location: None,
            region: None,
            search: None,
            sort_by: SortBy::default(),
            sort_dir: SortDir::default(),
            count_only: false,
        }
    }
}

/// Trimmed; empty means absent.
fn present(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// `true`/`1` and `false`/`0`, any case; what the old `stringToBoolean` was given by the app.
fn flag(field: &'static str, v: Option<String>) -> Result<Option<bool>, ListingError> {
    match present(v).map(|s| s.to_ascii_lowercase()).as_deref() {
        None => Ok(None),
        Some("true" | "1") => Ok(Some(true)),
        Some("false" | "0") => Ok(Some(false)),
        Some(_) => Err(ListingError::invalid(field, "must be true or false")),
    }
}

fn uint(field: &'static str, v: Option<String>) -> Result<Option<u32>, ListingError> {
    present(v)
        .map(|s| {
            s.parse::<u32>()
                .map_err(|_| ListingError::invalid(field, "must be a whole number ≥ 0"))
        })
        .transpose()
}

fn int(
    field: &'static str,
    v: Option<String>,
    (lo, hi): (i32, i32),
) -> Result<Option<i32>, ListingError> {
    let Some(s) = present(v) else { return Ok(None) };
    match s.parse::<i32>() {
        Ok(n) if (lo..=hi).contains(&n) => Ok(Some(n)),
        _ => Err(ListingError::invalid(
            field,
            format!("must be a whole number between {lo} and {hi}"),
        )),
    }
}

/// A finite number ≥ 0 (the app may send `15000.0`).
fn number(field: &'static str, v: Option<String>) -> Result<Option<f64>, ListingError> {
    let Some(s) = present(v) else { return Ok(None) };
    match s.parse::<f64>() {
        Ok(n) if n.is_finite() && n >= 0.0 => Ok(Some(n + 0.0)),
        _ => Err(ListingError::invalid(field, "must be a number ≥ 0")),
    }
}

fn range<T: PartialOrd + Copy>(
    min_field: &'static str,
    min: Option<T>,
    max: Option<T>,
    (lo, hi): (T, T),
) -> Result<Option<Range<T>>, ListingError> {
    if min.is_none() && max.is_none() {
        return Ok(None);
    }
    let r = Range {
        min: min.unwrap_or(lo),
        max: max.unwrap_or(hi),
    };
    if r.min > r.max {
        return Err(ListingError::invalid(
            min_field,
            "must not exceed the maximum",
        ));
    }
    Ok(Some(r))
}

fn uuid(field: &'static str, v: Option<String>) -> Result<Option<Uuid>, ListingError> {
    present(v)
        .map(|s| Uuid::parse_str(&s).map_err(|_| ListingError::invalid(field, "must be a uuid")))
        .transpose()
}

fn uuids(field: &'static str, values: Vec<String>) -> Result<Vec<Uuid>, ListingError> {
    let values = items(field, values)?;
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        let id = Uuid::parse_str(&v).map_err(|_| ListingError::invalid(field, "must be uuids"))?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

fn texts(field: &'static str, values: Vec<String>) -> Result<Vec<String>, ListingError> {
    let mut out: Vec<String> = Vec::new();
    for v in items(field, values)? {
        let v = text(field, Some(v))?.unwrap_or_default();
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Ok(out)
}

/// The non-empty values. The cap of [`FeedQuery::MAX_ITEMS`] counts the blank ones too, as the
/// published schema's `maxItems` does.
fn items(field: &'static str, values: Vec<String>) -> Result<Vec<String>, ListingError> {
    if values.len() > FeedQuery::MAX_ITEMS {
        return Err(ListingError::invalid(
            field,
            format!("at most {} values", FeedQuery::MAX_ITEMS),
        ));
    }
    Ok(values
        .into_iter()
        .filter_map(|v| present(Some(v)))
        .collect())
}

fn text(field: &'static str, v: Option<String>) -> Result<Option<String>, ListingError> {
    let Some(s) = present(v) else { return Ok(None) };
    if s.contains('\0') {
        return Err(ListingError::invalid(field, "must not contain NUL"));
    }
    if s.chars().count() > MAX_TEXT {
        return Err(ListingError::invalid(
            field,
            format!("must be at most {MAX_TEXT} characters"),
        ));
    }
    Ok(Some(s))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn parse(query: &str) -> Result<FeedQuery, ListingError> {
        let pairs: Vec<(&str, &str)> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once('=').unwrap_or((p, "")))
            .collect();
        FeedQuery::parse(RawFeedQuery::from_pairs(pairs)?)
    }

    fn rejected_field(query: &str) -> &'static str {
        match parse(query) {
            Err(ListingError::Invalid { field, .. }) => field,
            other => panic!("{query}: expected Invalid, got {other:?}"),
        }
    }

    const A: &str = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";
    const B: &str = "0f3c1c36-2b0e-4a45-9f11-7d4c1b0a2e55";

    #[test]
    fn no_parameters_give_the_old_defaults_and_every_status() {
        let q = parse("").unwrap();
        assert_eq!(q, FeedQuery::default());
        assert_eq!(q.offset, 0);
        assert_eq!(q.limit, 50);
        assert_eq!(q.status, None);
        assert_eq!(q.sort_by, SortBy::CreatedAt);
        assert_eq!(q.sort_dir, SortDir::Desc);
        assert!(!q.count_only);
        assert_eq!(q.includes, FeedIncludes::default());
        assert_eq!(q.year, None);
        assert_eq!(q.price, None);
    }

    #[test]
    fn the_apps_feed_request_parses() {
        let q = parse(
            "offset=20&limit=20&brand=true&model=true&photo=true&subscription=true&status=true",
        )
        .unwrap();
        assert_eq!((q.offset, q.limit), (20, 20));
        assert!(q.includes.brand && q.includes.model && q.includes.photo);
        assert!(q.includes.subscription && !q.includes.category);
        assert_eq!(q.status, Some(Moderation::Approved));
    }

    #[test]
    fn status_false_asks_for_declined_posts() {
        assert_eq!(
            parse("status=false").unwrap().status,
            Some(Moderation::Declined)
        );
        assert_eq!(
            parse("status=0").unwrap().status,
            Some(Moderation::Declined)
        );
        assert_eq!(
            parse("status=TRUE").unwrap().status,
            Some(Moderation::Approved)
        );
    }

    #[test]
    fn limits_are_capped_and_junk_numbers_refused() {
        assert_eq!(parse("limit=100000").unwrap().limit, FeedQuery::MAX_LIMIT);
        assert_eq!(parse("limit=0").unwrap().limit, 1);
        assert_eq!(rejected_field("limit=abc"), "limit");
        assert_eq!(rejected_field("offset=-1"), "offset");
        assert_eq!(rejected_field("offset=1.5"), "offset");
        assert_eq!(rejected_field("enginePower=lots"), "enginePower");
        assert_eq!(rejected_field("milleage=-3"), "milleage");
        assert_eq!(rejected_field("minPrice=NaN"), "minPrice");
        assert_eq!(rejected_field("maxPrice=inf"), "maxPrice");
        assert_eq!(rejected_field("minYear=19x"), "minYear");
        assert_eq!(rejected_field("maxYear=3000"), "maxYear");
    }

    #[test]
    fn junk_booleans_are_refused_by_name() {
        for field in [
            "brand",
            "model",
            "photo",
            "category",
            "subscription",
            "status",
            "credit",
            "exchange",
            "countOnly",
        ] {
            assert_eq!(rejected_field(&format!("{field}=yes")), field);
        }
        let q = parse("credit=true&exchange=0&countOnly=1").unwrap();
        assert_eq!(
            (q.credit, q.exchange, q.count_only),
            (Some(true), Some(false), true)
        );
    }

    #[test]
    fn a_range_given_at_one_end_takes_the_old_bound_at_the_other() {
        let q = parse("minYear=2010").unwrap();
        assert_eq!(
            q.year,
            Some(Range {
                min: 2010,
                max: 2100
            })
        );
        let q = parse("maxPrice=150000").unwrap();
        assert_eq!(
            q.price,
            Some(Range {
                min: 0.0,
                max: 150_000.0
            })
        );
        let q = parse("minPrice=1000.5&maxPrice=2000").unwrap();
        assert_eq!(
            q.price,
            Some(Range {
                min: 1000.5,
                max: 2000.0
            })
        );
    }

    #[test]
    fn min_above_max_is_refused() {
        assert_eq!(rejected_field("minYear=2020&maxYear=2010"), "minYear");
        assert_eq!(rejected_field("minPrice=5&maxPrice=4"), "minPrice");
        assert!(parse("minYear=2010&maxYear=2010").is_ok());
    }

    #[test]
    fn arrays_come_as_repeated_keys_with_or_without_brackets() {
        let q = parse(&format!("brandFilter={A}&brandFilter[]={B}&modelFilter={A}&subFilter[]={B}&color=red&color=black"))
            .unwrap();
        assert_eq!(
            q.brands,
            vec![Uuid::parse_str(A).unwrap(), Uuid::parse_str(B).unwrap()]
        );
        assert_eq!(q.models, vec![Uuid::parse_str(A).unwrap()]);
        assert_eq!(q.subscriptions, vec![Uuid::parse_str(B).unwrap()]);
        assert_eq!(q.colors, vec!["red".to_owned(), "black".to_owned()]);
        let q = parse(&format!("brandFilter={A}&brandFilter={A}")).unwrap();
        assert_eq!(q.brands.len(), 1, "duplicates collapse");
    }

    #[test]
    fn malformed_uuids_are_refused_by_name() {
        assert_eq!(rejected_field("brandFilter=nope"), "brandFilter");
        assert_eq!(
            rejected_field(&format!("modelFilter={A}&modelFilter=1")),
            "modelFilter"
        );
        assert_eq!(rejected_field("subFilter=x"), "subFilter");
        assert_eq!(rejected_field("categoryFilter=x"), "categoryFilter");
        let q = parse(&format!("categoryFilter={A}")).unwrap();
        assert_eq!(q.category, Some(Uuid::parse_str(A).unwrap()));
    }

    #[test]
    fn too_many_array_items_are_refused() {
        let many: Vec<String> = (0..=FeedQuery::MAX_ITEMS)
            .map(|i| format!("color=c{i}"))
            .collect();
        assert_eq!(rejected_field(&many.join("&")), "color");
        let ok: Vec<String> = (0..FeedQuery::MAX_ITEMS)
            .map(|i| format!("color=c{i}"))
            .collect();
        assert_eq!(
            parse(&ok.join("&")).unwrap().colors.len(),
            FeedQuery::MAX_ITEMS
        );
        let blanks = vec!["color[]="; FeedQuery::MAX_ITEMS + 1].join("&");
        assert_eq!(rejected_field(&blanks), "color");
    }

    #[test]
    fn sort_by_is_a_whitelist() {
        assert_eq!(parse("sortBy=price").unwrap().sort_by, SortBy::Price);
        assert_eq!(parse("sortBy=year").unwrap().sort_by, SortBy::Year);
        assert_eq!(parse("sortBy=milleage").unwrap().sort_by, SortBy::Milleage);
        assert_eq!(
            parse("sortBy=createdAt").unwrap().sort_by,
            SortBy::CreatedAt
        );
        for bad in ["uuid", "userId", "price;drop", "PRICE", "vin"] {
            assert_eq!(rejected_field(&format!("sortBy={bad}")), "sortBy");
        }
        assert_eq!(parse("sortAs=ASC").unwrap().sort_dir, SortDir::Asc);
        assert_eq!(rejected_field("sortAs=up"), "sortAs");
    }

    #[test]
    fn text_filters_are_trimmed_and_bounded() {
        let q = parse("location= Mary &transmission=auto&condition=new&engineType=petrol&region=Local&search=bmw")
            .unwrap();
        assert_eq!(q.transmission.as_deref(), Some("auto"));
        assert_eq!(q.condition.as_deref(), Some("new"));
        assert_eq!(q.engine_type.as_deref(), Some("petrol"));
        assert_eq!(q.region.as_deref(), Some("Local"));
        assert_eq!(q.search.as_deref(), Some("bmw"));
        let long = "x".repeat(256);
        assert_eq!(rejected_field(&format!("search={long}")), "search");
        let raw = RawFeedQuery {
            location: Some("a\0b".into()),
            ..RawFeedQuery::default()
        };
        assert!(matches!(
            FeedQuery::parse(raw),
            Err(ListingError::Invalid {
                field: "location",
                ..
            })
        ));
    }

    #[test]
    fn empty_values_count_as_absent() {
        let q = parse("status=&minYear=&brandFilter=&sortBy=").unwrap();
        assert_eq!(q.status, None);
        assert_eq!(q.year, None);
        assert!(q.brands.is_empty());
        assert_eq!(q.sort_by, SortBy::CreatedAt);
    }

    #[test]
    fn a_scalar_given_twice_is_refused_and_unknown_keys_ignored() {
        assert_eq!(rejected_field("limit=1&limit=2"), "limit");
        assert!(parse("comment=true&whatever=1").is_ok());
    }
}
