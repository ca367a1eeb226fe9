//! Texts in the app's three languages as the admin sends them: each language optional, none
//! `null`, each given one non-blank, and a required one with at least one language.

use alpha_catalog::Localized;
use serde::Deserialize;
use utoipa::openapi::schema::{AllOfBuilder, AnyOfBuilder, ObjectBuilder, Schema, Type};

use crate::text_schema::{NON_BLANK, not_null};

const LANGUAGES: [&str; 3] = ["tm", "ru", "en"];
const MAX_LEN: usize = 255;

#[derive(Debug, Deserialize)]
pub struct LocalizedInput {
    #[serde(default, deserialize_with = "not_null")]
    pub tm: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    pub ru: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    pub en: Option<String>,
}

impl From<LocalizedInput> for Localized {
    fn from(input: LocalizedInput) -> Self {
        Localized {
            tm: input.tm,
            ru: input.ru,
            en: input.en,
        }
    }
}

fn text() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(MAX_LEN))
        .pattern(Some(NON_BLANK))
}

fn languages() -> ObjectBuilder {
    LANGUAGES
        .iter()
        .fold(ObjectBuilder::new().schema_type(Type::Object), |o, lang| {
            o.property(*lang, text())
        })
}

/// Any of `tm`, `ru`, `en`.
pub(crate) fn optional_schema() -> Schema {
    languages()
        .description(Some(
            "Text per language (tm, ru, en); each one given must not be blank.",
        ))
        .build()
        .into()
}

/// At least one of `tm`, `ru`, `en`.
pub(crate) fn required_schema() -> Schema {
    let one_of_them = LANGUAGES.iter().fold(AnyOfBuilder::new(), |any, lang| {
        any.item(
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .required(*lang),
        )
    });
    AllOfBuilder::new()
        .item(languages())
        .item(one_of_them)
        .description(Some(
            "Text per language (tm, ru, en): at least one, and each one given must not be blank.",
        ))
        .build()
        .into()
}
