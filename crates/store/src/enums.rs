//! The PostgreSQL enum types of the old schema, mapped to the domain enums by their labels.
//!
//! Wrappers rather than impls on the domain types: the domain crates know nothing of diesel.

use std::io::Write;

use alpha_auth::Role;
use alpha_otp::{DispatchStatus, OtpPurpose};
use diesel::deserialize::{self, FromSql};
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, IsNull, Output, ToSql};

use crate::schema::sql_types::{EnumOtpCodesDispatchStatus, EnumOtpCodesPurpose, EnumUsersRole};

/// `enum_users_role`, read and written.
#[derive(Debug, Clone, Copy, diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
#[diesel(sql_type = EnumUsersRole)]
pub(crate) struct RoleLabel(pub Role);

impl ToSql<EnumUsersRole, Pg> for RoleLabel {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        out.write_all(self.0.as_str().as_bytes())?;
        Ok(IsNull::No)
    }
}

impl FromSql<EnumUsersRole, Pg> for RoleLabel {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        // Enum values travel as their label text in the binary protocol.
        let label = std::str::from_utf8(bytes.as_bytes())?;
        Ok(Self(Role::from_label(label)))
    }
}

/// `enum_otp_codes_purpose`; only ever written (rows are found by id or by phone + purpose).
#[derive(Debug, Clone, Copy, diesel::expression::AsExpression)]
#[diesel(sql_type = EnumOtpCodesPurpose)]
pub(crate) struct PurposeLabel(pub OtpPurpose);

impl ToSql<EnumOtpCodesPurpose, Pg> for PurposeLabel {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        out.write_all(self.0.as_str().as_bytes())?;
        Ok(IsNull::No)
    }
}

/// `enum_otp_codes_dispatchStatus`; only ever written.
#[derive(Debug, Clone, Copy, diesel::expression::AsExpression)]
#[diesel(sql_type = EnumOtpCodesDispatchStatus)]
pub(crate) struct DispatchLabel(pub DispatchStatus);

impl ToSql<EnumOtpCodesDispatchStatus, Pg> for DispatchLabel {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        out.write_all(self.0.as_str().as_bytes())?;
        Ok(IsNull::No)
    }
}
