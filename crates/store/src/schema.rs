// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::query_builder::QueryId, Clone, diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "enum_notification_history_status"))]
    pub struct EnumNotificationHistoryStatus;

    #[derive(diesel::query_builder::QueryId, Clone, diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "enum_notification_history_type"))]
    pub struct EnumNotificationHistoryType;

    #[derive(diesel::query_builder::QueryId, Clone, diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "enum_otp_codes_dispatchStatus"))]
    pub struct EnumOtpCodesDispatchStatus;

    #[derive(diesel::query_builder::QueryId, Clone, diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "enum_otp_codes_purpose"))]
    pub struct EnumOtpCodesPurpose;

    #[derive(diesel::query_builder::QueryId, Clone, diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "enum_users_role"))]
    pub struct EnumUsersRole;

    #[derive(diesel::query_builder::QueryId, Clone, diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "enum_vlogs_status"))]
    pub struct EnumVlogsStatus;
}

diesel::table! {
    audit_log (id) {
        id -> Int8,
        at -> Timestamptz,
        actorId -> Uuid,
        action -> Text,
        target -> Nullable<Text>,
        status -> Int2,
    }
}

diesel::table! {
    banners (uuid) {
        uuid -> Uuid,
        creator -> Jsonb,
        createdAt -> Timestamptz,
        updatedAt -> Timestamptz,
    }
}

diesel::table! {
    brands (uuid) {
        uuid -> Uuid,
        #[max_length = 255]
        name -> Nullable<Varchar>,
        #[max_length = 255]
        location -> Nullable<Varchar>,
        createdAt -> Timestamptz,
        updatedAt -> Timestamptz,
    }
}

diesel::table! {
    brands_user (id) {
        id -> Int8,
        userId -> Nullable<Uuid>,
        brandId -> Nullable<Uuid>,
    }
}

diesel::table! {
    categories (uuid) {
        uuid -> Uuid,
        name -> Jsonb,
        creator -> Jsonb,
        priority -> Nullable<Int4>,
        createdAt -> Timestamptz,
        updatedAt -> Timestamptz,
    }
}

diesel::table! {
    chat_messages (id) {
        id -> Int8,
        sender_id -> Uuid,
        recipient_id -> Uuid,
        body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    comments (uuid) {
        uuid -> Uuid,
        #[max_length = 1000]
        message -> Varchar,
        status -> Nullable<Bool>,
        userId -> Nullable<Uuid>,
        #[max_length = 255]
        sender -> Nullable<Varchar>,
        postId -> Nullable<Uuid>,
        replyTo -> Nullable<Uuid>,
        createdAt -> Timestamptz,
        updatedAt -> Timestamptz,
    }
}

diesel::table! {
    convert_prices (id) {
        id -> Int8,
        #[max_length = 255]
        label -> Varchar,
        rate -> Numeric,
    }
}

diesel::table! {
    file (uuid) {
        uuid -> Uuid,
        #[max_length = 255]
        path -> Nullable<Varchar>,
        postId -> Nullable<Uuid>,
        createdAt -> Timestamptz,
        updatedAt -> Timestamptz,
    }
}

diesel::table! {
    models (uuid) {
        uuid -> Uuid,
        #[max_length = 255]
        name -> Nullable<Varchar>,
        brandId -> Nullable<Uuid>,
        yearstart -> Nullable<Int4>,
        yearend -> Nullable<Int4>,
        createdAt -> Timestamptz,
        updatedAt -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::EnumNotificationHistoryType;
    use super::sql_types::EnumNotificationHistoryStatus;

    notification_history (uuid) {
        uuid -> Uuid,
        #[max_length = 255]
        title -> Varchar,
        body -> Text,
        #[sql_name = "type"]
        type_ -> EnumNotificationHistoryType,
        status -> EnumNotificationHistoryStatus,
        targetData -> Nullable<Json>,
        totalRecipients -> Nullable<Int4>,
        successfulDeliveries -> Nullable<Int4>,
        failedDeliveries -> Nullable<Int4>,
        deliveryDetails -> Nullable<Json>,
        additionalData -> Nullable<Json>,
        sentBy -> Nullable<Uuid>,
        scheduledFor -> Nullable<Timestamptz>,
        isScheduled -> Nullable<Bool>,
        #[max_length = 255]
        topic -> Nullable<Varchar>,
        errorMessage -> Nullable<Text>,
        createdAt -> Timestamptz,
        updatedAt -> Timestamptz,
    }
}

diesel::table! {
    notification_outbox (id) {
        id -> Int8,
        notification_id -> Uuid,
        idempotency_key -> Uuid,
        user_id -> Nullable<Uuid>,
        token -> Nullable<Text>,
        #[max_length = 900]
        topic -> Nullable<Varchar>,
        status -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        claim -> Nullable<Uuid>,
        locked_until -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        fcm_message_id -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::EnumOtpCodesPurpose;
    use super::sql_types::EnumOtpCodesDispatchStatus;

    otp_codes (id) {
        id -> Uuid,
        #[max_length = 20]
        phone -> Varchar,
        purpose -> EnumOtpCodesPurpose,
        #[max_length = 255]
        codeHash -> Varchar,
        expiresAt -> Timestamptz,
        consumedAt -> Nullable<Timestamptz>,
        attempts -> Int4,
        maxAttempts -> Int4,
        #[max_length = 50]
        region -> Nullable<Varchar>,
        #[max_length = 20]
        channel -> Varchar,
        #[max_length = 255]
        providerMessageId -> Nullable<Varchar>,
        dispatchStatus -> EnumOtpCodesDispatchStatus,
        #[max_length = 45]
        ipAddress -> Nullable<Varchar>,
        userAgent -> Nullable<Text>,
        createdAt -> Timestamptz,
        updatedAt -> Timestamptz,
    }
}

diesel::table! {
    photo (uuid) {
        uuid -> Uuid,
        path -> Nullable<Jsonb>,
        #[max_length = 255]
        originalPath -> Nullable<Varchar>,
        bannerId -> Nullable<Uuid>,
        categoryId -> Nullable<Uuid>,
        subscriptionId -> Nullable<Uuid>,
        brandsId -> Nullable<Uuid>,
        modelsId -> Nullable<Uuid>,
        userId -> Nullable<Uuid>,
        createdAt -> Timestamptz,
        updatedAt -> Timestamptz,
    }
}

diesel::table! {
    photo_posts (id) {
        id -> Int8,
        postId -> Nullable<Uuid>,
        photoUuid -> Nullable<Uuid>,
    }
}

diesel::table! {
    photo_vlogs (id) {
        id -> Int8,
        vlogId -> Nullable<Uuid>,
        photoUuid -> Nullable<Uuid>,
    }
}

diesel::table! {
    post_moderations (id) {
        id -> Int8,
        postId -> Uuid,
        status -> Nullable<Bool>,
        reason -> Nullable<Text>,
        moderatorId -> Nullable<Uuid>,
        createdAt -> Timestamptz,
    }
}

diesel::table! {
    posts (uuid) {
        uuid -> Uuid,
        brandsId -> Nullable<Uuid>,
        modelsId -> Nullable<Uuid>,
        categoryId -> Nullable<Uuid>,
        subscriptionId -> Nullable<Uuid>,
        userId -> Nullable<Uuid>,
        #[max_length = 255]
        condition -> Nullable<Varchar>,
        #[max_length = 255]
        transmission -> Nullable<Varchar>,
        #[max_length = 255]
        engineType -> Nullable<Varchar>,
        enginePower -> Nullable<Float8>,
        year -> Nullable<Int4>,
        milleage -> Nullable<Float8>,
        #[max_length = 255]
        vin -> Nullable<Varchar>,
        originalPrice -> Nullable<Float8>,
        price -> Nullable<Float8>,
        #[max_length = 255]
        originalCurrency -> Nullable<Varchar>,
        #[max_length = 255]
        currency -> Nullable<Varchar>,
        personalInfo -> Nullable<Json>,
        description -> Nullable<Text>,
        #[max_length = 255]
        location -> Nullable<Varchar>,
        status -> Nullable<Bool>,
        credit -> Nullable<Bool>,
        exchange -> Nullable<Bool>,
        createdAt -> Timestamptz,
        updatedAt -> Timestamptz,
        #[max_length = 255]
        color -> Nullable<Varchar>,
    }
}

diesel::table! {
    push_daily_quota (user_id, day) {
        user_id -> Uuid,
        day -> Date,
        count -> Int4,
    }
}

diesel::table! {
    rate_limits (key) {
        key -> Text,
        window_start -> Timestamptz,
        hits -> Int4,
    }
}

diesel::table! {
    sessions (id) {
        id -> Uuid,
        user_id -> Uuid,
        refresh_token_hash -> Text,
        previous_token_hash -> Nullable<Text>,
        rotated_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
        #[max_length = 32]
        revoked_reason -> Nullable<Varchar>,
        user_agent -> Nullable<Text>,
        #[max_length = 45]
        ip_address -> Nullable<Varchar>,
        expires_at -> Timestamptz,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    sms_devices (id) {
        #[max_length = 64]
        id -> Varchar,
        #[max_length = 255]
        name -> Nullable<Varchar>,
        #[max_length = 50]
        region -> Varchar,
        token_hash -> Nullable<Text>,
        enabled -> Bool,
        connected -> Bool,
        last_seen_at -> Nullable<Timestamptz>,
        battery_level -> Nullable<Int4>,
        signal_strength -> Nullable<Int4>,
        pending_sms -> Nullable<Int4>,
        sent_count -> Int8,
        failed_count -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    sms_messages (correlation_id) {
        correlation_id -> Uuid,
        otp_id -> Uuid,
        #[max_length = 64]
        device_id -> Varchar,
        attempt -> Int4,
        #[max_length = 20]
        status -> Varchar,
        error -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    sms_queue (id) {
        id -> Uuid,
        otp_id -> Uuid,
        #[max_length = 20]
        phone -> Varchar,
        body -> Text,
        expires_at -> Timestamptz,
        attempts -> Int4,
        tried -> Array<Nullable<Text>>,
        leased_by -> Nullable<Uuid>,
        lease_until -> Nullable<Timestamptz>,
        correlation_id -> Nullable<Uuid>,
        device_id -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    subscription_order (uuid) {
        uuid -> Uuid,
        #[max_length = 255]
        location -> Nullable<Varchar>,
        #[max_length = 255]
        phone -> Nullable<Varchar>,
        #[max_length = 255]
        status -> Nullable<Varchar>,
        subscriptionId -> Nullable<Uuid>,
        createdAt -> Timestamptz,
        updatedAt -> Timestamptz,
    }
}

diesel::table! {
    subscriptions (uuid) {
        uuid -> Uuid,
        name -> Jsonb,
        priority -> Nullable<Int4>,
        price -> Nullable<Numeric>,
        #[max_length = 255]
        color -> Nullable<Varchar>,
        description -> Jsonb,
        createdAt -> Timestamptz,
        updatedAt -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::EnumUsersRole;

    users (uuid) {
        uuid -> Uuid,
        #[max_length = 255]
        name -> Nullable<Varchar>,
        #[max_length = 255]
        email -> Nullable<Varchar>,
        #[max_length = 255]
        password -> Nullable<Varchar>,
        #[max_length = 20]
        phone -> Nullable<Varchar>,
        status -> Nullable<Bool>,
        role -> EnumUsersRole,
        #[max_length = 255]
        location -> Nullable<Varchar>,
        access -> Nullable<Array<Nullable<Varchar>>>,
        #[max_length = 255]
        firebaseToken -> Nullable<Varchar>,
        createdAt -> Timestamptz,
        updatedAt -> Timestamptz,
        refreshTokenHash -> Nullable<Text>,
    }
}

diesel::table! {
    video (id) {
        id -> Int8,
        #[max_length = 255]
        url -> Nullable<Varchar>,
        postId -> Nullable<Uuid>,
        createdAt -> Timestamptz,
        updatedAt -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::EnumVlogsStatus;

    vlogs (uuid) {
        uuid -> Uuid,
        #[max_length = 255]
        title -> Varchar,
        description -> Nullable<Text>,
        #[max_length = 255]
        tag -> Nullable<Varchar>,
        #[max_length = 255]
        videoUrl -> Nullable<Varchar>,
        isActive -> Bool,
        thumbnail -> Nullable<Json>,
        userId -> Nullable<Uuid>,
        status -> EnumVlogsStatus,
        #[max_length = 255]
        declineMessage -> Nullable<Varchar>,
        createdAt -> Timestamptz,
        updatedAt -> Timestamptz,
    }
}

diesel::joinable!(brands_user -> brands (brandId));
diesel::joinable!(brands_user -> users (userId));
diesel::joinable!(comments -> posts (postId));
diesel::joinable!(comments -> users (userId));
diesel::joinable!(file -> posts (postId));
diesel::joinable!(models -> brands (brandId));
diesel::joinable!(notification_history -> users (sentBy));
diesel::joinable!(notification_outbox -> notification_history (notification_id));
diesel::joinable!(notification_outbox -> users (user_id));
diesel::joinable!(photo -> banners (bannerId));
diesel::joinable!(photo -> brands (brandsId));
diesel::joinable!(photo -> categories (categoryId));
diesel::joinable!(photo -> models (modelsId));
diesel::joinable!(photo -> subscriptions (subscriptionId));
diesel::joinable!(photo -> users (userId));
diesel::joinable!(photo_posts -> photo (photoUuid));
diesel::joinable!(photo_posts -> posts (postId));
diesel::joinable!(photo_vlogs -> photo (photoUuid));
diesel::joinable!(photo_vlogs -> vlogs (vlogId));
diesel::joinable!(post_moderations -> posts (postId));
diesel::joinable!(post_moderations -> users (moderatorId));
diesel::joinable!(posts -> brands (brandsId));
diesel::joinable!(posts -> categories (categoryId));
diesel::joinable!(posts -> models (modelsId));
diesel::joinable!(posts -> subscriptions (subscriptionId));
diesel::joinable!(posts -> users (userId));
diesel::joinable!(push_daily_quota -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(sms_messages -> otp_codes (otp_id));
diesel::joinable!(sms_queue -> otp_codes (otp_id));
diesel::joinable!(subscription_order -> subscriptions (subscriptionId));
diesel::joinable!(video -> posts (postId));
diesel::joinable!(vlogs -> users (userId));

diesel::allow_tables_to_appear_in_same_query!(
    audit_log,
    banners,
    brands,
    brands_user,
    categories,
    chat_messages,
    comments,
    convert_prices,
    file,
    models,
    notification_history,
    notification_outbox,
    otp_codes,
    photo,
    photo_posts,
    photo_vlogs,
    post_moderations,
    posts,
    push_daily_quota,
    rate_limits,
    sessions,
    sms_devices,
    sms_messages,
    sms_queue,
    subscription_order,
    subscriptions,
    users,
    video,
    vlogs,
);
