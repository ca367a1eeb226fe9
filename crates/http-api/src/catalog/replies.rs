//! The confirmation bodies of the admin writes, worded as the old API worded them.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// `{message, uuid}`: what was created or changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Saved {
    pub message: &'static str,
    pub uuid: Uuid,
}

/// `{message}` alone.
#[derive(Debug, Serialize, ToSchema)]
pub struct Done {
    pub message: &'static str,
}
