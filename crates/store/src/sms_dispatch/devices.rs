//! [`DeviceDirectory`] over `sms_devices` (ours, snake_case).

use alpha_kernel::RepoError;
use alpha_sms_dispatch::{DeviceCredential, DeviceDirectory, DeviceKey, DeviceStatus, DeviceView};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer, Nullable, Text, Timestamptz};
use diesel_async::RunQueryDsl;

use crate::error::{connection, db_error};
use crate::pool::PgPool;
use crate::schema::sms_devices;
use alpha_sms_dispatch::device_token::new_device_id;

/// Connect or disconnect in one statement: the row lock of ON CONFLICT DO UPDATE makes a
/// shared-token device's first two connects (say, on two instances) end in one row, never a
/// duplicate-key error. `last_seen_at` only moves forward (GREATEST skips NULL), so an event
/// written late cannot make the device look older than it is.
const MARK_CONNECTED_SQL: &str = "\
INSERT INTO sms_devices AS d (id, region, connected, last_seen_at, created_at, updated_at)
VALUES ($1, $2, $3, $4, $4, $4)
ON CONFLICT (id) DO UPDATE SET
    connected = excluded.connected,
    last_seen_at = GREATEST(d.last_seen_at, excluded.last_seen_at),
    region = excluded.region,
    updated_at = excluded.updated_at";

/// A heartbeat replaces the previous one as a whole: a value the device did not report is
/// unknown now, not what it was minutes ago.
const RECORD_STATUS_SQL: &str = "\
UPDATE sms_devices SET
    battery_level = $2,
    signal_strength = $3,
    pending_sms = $4,
    last_seen_at = GREATEST(last_seen_at, $5),
    updated_at = $5
WHERE id = $1";

/// `DeviceDirectory` on PostgreSQL.
#[derive(Clone)]
pub struct PgDeviceDirectory {
    pool: PgPool,
}

impl PgDeviceDirectory {
    /// Never fails: connections are taken from `pool` per call.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// Creates a device under an id chosen by the caller. `device add` needs this: the token it
    /// prints embeds the id, so the id exists before the token's hash does.
    ///
    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the insert fails (the id is taken or longer than 64
    /// characters, the name longer than 255 or the region longer than 50).
    pub async fn create_with_id(
        &self,
        id: &DeviceKey,
        name: &str,
        region: &str,
        token_hash: &str,
    ) -> Result<(), RepoError> {
        let mut conn = connection(&self.pool).await?;
        diesel::insert_into(sms_devices::table)
            .values((
                sms_devices::id.eq(&id.0),
                sms_devices::name.eq(name),
                sms_devices::region.eq(region),
                sms_devices::token_hash.eq(token_hash),
            ))
            .execute(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(())
    }
}

/// Operator changes (`alpha-motors device ...`). Each returns whether a device with that id
/// exists. A connected device notices within one ping interval (the gateway re-checks tokens).
impl PgDeviceDirectory {
    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the statement fails.
    pub async fn set_enabled(&self, id: &DeviceKey, enabled: bool) -> Result<bool, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let changed = diesel::update(sms_devices::table.find(&id.0))
            .set((
                sms_devices::enabled.eq(enabled),
                sms_devices::updated_at.eq(diesel::dsl::now),
            ))
            .execute(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(changed == 1)
    }

    /// Replaces the device's token hash: the old token stops working at once.
    ///
    /// Errors: as [`PgDeviceDirectory::set_enabled`].
    pub async fn set_token_hash(
        &self,
        id: &DeviceKey,
        token_hash: &str,
    ) -> Result<bool, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let changed = diesel::update(sms_devices::table.find(&id.0))
            .set((
                sms_devices::token_hash.eq(token_hash),
                sms_devices::updated_at.eq(diesel::dsl::now),
            ))
            .execute(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(changed == 1)
    }
}

impl std::fmt::Debug for PgDeviceDirectory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgDeviceDirectory").finish_non_exhaustive()
    }
}

#[derive(Queryable)]
struct CredentialRow {
    id: String,
    name: Option<String>,
    region: String,
    token_hash: String,
    enabled: bool,
}

#[derive(Queryable)]
struct ViewRow {
    id: String,
    name: Option<String>,
    region: String,
    enabled: bool,
    connected: bool,
    last_seen_at: Option<DateTime<Utc>>,
    battery_level: Option<i32>,
    signal_strength: Option<i32>,
    pending_sms: Option<i32>,
    sent_count: i64,
    failed_count: i64,
}

#[async_trait::async_trait]
impl DeviceDirectory for PgDeviceDirectory {
    /// `None` as well for a device that has a row but no token hash (it registered with the
    /// shared token): it has no per-device credential to check.
    ///
    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the query fails.
    async fn credential(&self, id: &DeviceKey) -> Result<Option<DeviceCredential>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let row = sms_devices::table
            .filter(sms_devices::id.eq(&id.0))
            .filter(sms_devices::token_hash.is_not_null())
            .select((
                sms_devices::id,
                sms_devices::name,
                sms_devices::region,
                sms_devices::token_hash.assume_not_null(),
                sms_devices::enabled,
            ))
            .first::<CredentialRow>(&mut conn)
            .await
            .optional()
            .map_err(db_error)?;
        Ok(row.map(|r| DeviceCredential {
            key: DeviceKey(r.id),
            // `device add` always sets a name; an operator may have cleared it by hand.
            name: r.name.unwrap_or_default(),
            region: r.region,
            token_hash: r.token_hash,
            enabled: r.enabled,
        }))
    }

    /// The id is a fresh v4 uuid.
    ///
    /// Errors: as [`PgDeviceDirectory::create_with_id`].
    async fn create(
        &self,
        name: &str,
        region: &str,
        token_hash: &str,
    ) -> Result<DeviceKey, RepoError> {
        let id = DeviceKey(new_device_id());
        self.create_with_id(&id, name, region, token_hash).await?;
        Ok(id)
    }

    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the statement fails (e.g. an id longer than 64 characters or a
    /// region longer than 50).
    async fn mark_connected(
        &self,
        id: &DeviceKey,
        region: &str,
        connected: bool,
        at: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let mut conn = connection(&self.pool).await?;
        diesel::sql_query(MARK_CONNECTED_SQL)
            .bind::<Text, _>(&id.0)
            .bind::<Text, _>(region)
            .bind::<Bool, _>(connected)
            .bind::<Timestamptz, _>(at)
            .execute(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    /// Only moves `last_seen_at` forward, and only of rows still marked connected: a beat that
    /// races a disconnect must not make the device look up.
    ///
    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the statement fails.
    async fn touch(&self, ids: &[DeviceKey], at: DateTime<Utc>) -> Result<(), RepoError> {
        if ids.is_empty() {
            return Ok(());
        }
        let keys: Vec<&str> = ids.iter().map(|d| d.0.as_str()).collect();
        let mut conn = connection(&self.pool).await?;
        diesel::sql_query(
            "UPDATE sms_devices SET last_seen_at = GREATEST(last_seen_at, $2) \
             WHERE id = ANY ($1) AND connected",
        )
        .bind::<diesel::sql_types::Array<Text>, _>(keys)
        .bind::<Timestamptz, _>(at)
        .execute(&mut conn)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    /// A device without a row is left alone: every device gets one when it connects.
    ///
    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the statement fails.
    async fn record_status(
        &self,
        id: &DeviceKey,
        status: DeviceStatus,
        at: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let mut conn = connection(&self.pool).await?;
        diesel::sql_query(RECORD_STATUS_SQL)
            .bind::<Text, _>(&id.0)
            .bind::<Nullable<Integer>, _>(status.battery_level)
            .bind::<Nullable<Integer>, _>(status.signal_strength)
            .bind::<Nullable<Integer>, _>(status.pending_sms)
            .bind::<Timestamptz, _>(at)
            .execute(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    /// Ordered by region, then id, so the listing is stable.
    ///
    /// Errors: [`RepoError::Unavailable`] when no connection can be had or it is lost,
    /// [`RepoError::Other`] when the query fails.
    async fn list(&self) -> Result<Vec<DeviceView>, RepoError> {
        let mut conn = connection(&self.pool).await?;
        let rows = sms_devices::table
            .order((sms_devices::region, sms_devices::id))
            .select((
                sms_devices::id,
                sms_devices::name,
                sms_devices::region,
                sms_devices::enabled,
                sms_devices::connected,
                sms_devices::last_seen_at,
                sms_devices::battery_level,
                sms_devices::signal_strength,
                sms_devices::pending_sms,
                sms_devices::sent_count,
                sms_devices::failed_count,
            ))
            .load::<ViewRow>(&mut conn)
            .await
            .map_err(db_error)?;
        Ok(rows
            .into_iter()
            .map(|r| DeviceView {
                key: DeviceKey(r.id),
                name: r.name,
                region: r.region,
                enabled: r.enabled,
                connected: r.connected,
                last_seen: r.last_seen_at,
                battery_level: r.battery_level,
                signal_strength: r.signal_strength,
                pending_sms: r.pending_sms,
                sent_count: r.sent_count,
                failed_count: r.failed_count,
            })
            .collect())
    }
}
