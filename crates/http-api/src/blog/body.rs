//! The fields `POST /vlog` and `PATCH /vlog/{id}` share, as JSON. Types only: the values are
//! checked by `alpha_community::blog::{NewVlog, VlogChanges}`, which name the field in a 400.

use alpha_community::blog::VlogFields;
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VlogFieldsBody {
    #[schema(min_length = 1, max_length = 255, pattern = r"^[^\u0000]*$")]
    pub title: Option<String>,
    #[schema(max_length = 255, pattern = r"^[^\u0000]*$")]
    pub tag: Option<String>,
    #[schema(max_length = 255, pattern = r"^[^\u0000]*$")]
    pub video_url: Option<String>,
    pub is_active: Option<bool>,
    #[schema(value_type = Option<Object>)]
    pub thumbnail: Option<Map<String, Value>>,
}

impl VlogFieldsBody {
    pub(crate) fn fields(self, description: Option<String>) -> VlogFields {
        VlogFields {
            title: self.title,
            description,
            tag: self.tag,
            video_url: self.video_url,
            is_active: self.is_active,
            thumbnail: self.thumbnail.map(Value::Object),
        }
    }
}
