//! Query values as the app and the old API send them: booleans as `true/false/1/0`, empty
//! values meaning "not given", sort directions in either case. Anything else is a 400.

use actix_web::guard::GuardContext;
use alpha_catalog::SortDir;
use serde::{Deserialize, Deserializer, de};
use utoipa::ToSchema;
use uuid::Uuid;

/// `true`, `false`, `1` or `0`, exactly as the schema states; empty means not given.
pub(crate) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let text = Option::<String>::deserialize(d)?;
    match text.as_deref() {
        None | Some("") => Ok(None),
        Some("true" | "1") => Ok(Some(true)),
        Some("false" | "0") => Ok(Some(false)),
        Some(t) => Err(de::Error::custom(format!(
            "expected true, false, 1 or 0, got {t:?}"
        ))),
    }
}

/// A uuid; empty means not given (the app sends `models?filter=`).
pub(crate) fn optional_uuid<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Uuid>, D::Error> {
    let text = Option::<String>::deserialize(d)?;
    match text.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => Uuid::parse_str(t)
            .map(Some)
            .map_err(|_| de::Error::custom(format!("expected a uuid, got {t:?}"))),
    }
}

/// A text filter; blank means not given. NUL cannot be sent to PostgreSQL.
pub(crate) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let text = Option::<String>::deserialize(d)?;
    if text.as_deref().is_some_and(|t| t.contains('\0')) {
        return Err(de::Error::custom("text must not contain NUL"));
    }
    Ok(text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()))
}

/// `asc` or `desc`, any case.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
pub(crate) enum Direction {
    #[serde(alias = "ASC", alias = "Asc")]
    #[serde(rename = "asc")]
    Asc,
    #[serde(alias = "DESC", alias = "Desc")]
    #[serde(rename = "desc")]
    Desc,
}

impl From<Direction> for SortDir {
    fn from(d: Direction) -> Self {
        match d {
            Direction::Asc => SortDir::Asc,
            Direction::Desc => SortDir::Desc,
        }
    }
}

pub(crate) fn sort(d: Option<Direction>) -> SortDir {
    d.map(SortDir::from).unwrap_or_default()
}

/// `/brands/{uuid}` must not answer for the fixed paths beside it (`/brands/list`, ...): a method
/// those paths do not have gets 405 from the fallback, not a malformed-uuid 400.
pub(crate) fn not_a_fixed_brand_path(ctx: &GuardContext<'_>) -> bool {
    !["list", "history", "search", "subscribe", "unsubscribe"].contains(&last_segment(ctx))
}

/// `/subscription/{uuid}` must not answer for the premium orders' fixed paths beside it
/// (`/subscription/order`, `/subscription/orders`): 405 for a method those do not have.
pub(crate) fn not_a_fixed_plan_path(ctx: &GuardContext<'_>) -> bool {
    !["order", "orders"].contains(&last_segment(ctx))
}

fn last_segment<'a>(ctx: &'a GuardContext<'_>) -> &'a str {
    ctx.head().uri.path().rsplit('/').next().unwrap_or_default()
}

/// A whole number in range, also when JSON writes it as `2001.0` (the schema's `integer` allows
/// that).
pub(crate) fn whole<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    let Some(n) = Option::<f64>::deserialize(d)? else {
        return Ok(None);
    };
    if n.fract() != 0.0 || n < f64::from(i32::MIN) || n > f64::from(i32::MAX) {
        return Err(de::Error::custom(format!(
            "expected a whole number, got {n}"
        )));
    }
    // In range and whole, so the cast is exact.
    #[allow(clippy::cast_possible_truncation)]
    Ok(Some(n as i32))
}
