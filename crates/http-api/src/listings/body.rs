//! The fields `POST /posts` and `PUT /posts/{uuid}` share, as JSON. Types only: the values are
//! checked by `alpha_listings::NewPost` and `PostChanges`, which name the field in a 400.

use alpha_listings::{PersonalInfo, PostFields, PostRefs};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::schema::PersonalInfoDoc;
use crate::catalog::params;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostFieldsBody {
    #[schema(value_type = Option<String>, format = Uuid, pattern = r"^([0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}|urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$")]
    pub brands_id: Option<Uuid>,
    #[schema(value_type = Option<String>, format = Uuid, pattern = r"^([0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}|urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$")]
    pub models_id: Option<Uuid>,
    #[schema(value_type = Option<String>, format = Uuid, pattern = r"^([0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}|urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$")]
    pub category_id: Option<Uuid>,
    /// A premium plan.
    #[schema(value_type = Option<String>, format = Uuid, pattern = r"^([0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}|urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$")]
    pub subscription_id: Option<Uuid>,
    #[schema(max_length = 255, pattern = r"^[^\u0000]*$")]
    pub condition: Option<String>,
    #[schema(max_length = 255, pattern = r"^[^\u0000]*$")]
    pub transmission: Option<String>,
    #[schema(max_length = 255, pattern = r"^[^\u0000]*$")]
    pub engine_type: Option<String>,
    #[schema(minimum = 0, maximum = 1_000_000_000_000_f64)]
    pub engine_power: Option<f64>,
    #[serde(default, deserialize_with = "params::whole")]
    #[schema(minimum = 1886, maximum = 2100)]
    pub year: Option<i32>,
    #[schema(minimum = 0, maximum = 1_000_000_000_000_f64)]
    pub milleage: Option<f64>,
    #[schema(max_length = 255, pattern = r"^[^\u0000]*$")]
    pub vin: Option<String>,
    #[schema(max_length = 10000, pattern = r"^[^\u0000]*$")]
    pub description: Option<String>,
    #[schema(max_length = 255, pattern = r"^[^\u0000]*$")]
    pub location: Option<String>,
    #[schema(max_length = 255, pattern = r"^[^\u0000]*$")]
    pub color: Option<String>,
    pub credit: Option<bool>,
    pub exchange: Option<bool>,
    /// In `currency`.
    #[schema(minimum = 0, maximum = 1_000_000_000_000_f64)]
    pub price: Option<f64>,
    /// A label with a rate (`TMT`, `USD`, ...; `$` is `USD`); default `TMT`.
    #[schema(pattern = r"^\s*(\$|[Dd]|[A-Za-z]{2,8})\s*$")]
    pub currency: Option<String>,
    /// Stored as `personalInfo.phone`.
    #[schema(max_length = 255, pattern = r"^[^\u0000]*$")]
    pub phone: Option<String>,
    #[schema(value_type = Option<PersonalInfoDoc>)]
    pub personal_info: Option<PersonalInfo>,
}

impl PostFieldsBody {
    pub(crate) fn fields(&self) -> PostFields {
        PostFields {
            refs: PostRefs {
                brand: self.brands_id,
                model: self.models_id,
                category: self.category_id,
                subscription: self.subscription_id,
            },
            condition: self.condition.clone(),
            transmission: self.transmission.clone(),
            engine_type: self.engine_type.clone(),
            engine_power: self.engine_power,
            year: self.year,
            milleage: self.milleage,
            vin: self.vin.clone(),
            description: self.description.clone(),
            location: self.location.clone(),
            color: self.color.clone(),
            credit: self.credit,
            exchange: self.exchange,
        }
    }
}
