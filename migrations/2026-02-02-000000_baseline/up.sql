-- Baseline: the schema exactly as the old backend's five Sequelize migrations leave it
-- (CONTRACT §6). A database already migrated by the old backend is adopted instead of running
-- this file, so every name, type, default and constraint here must match that database; do not
-- "improve" anything in this file. Fixes belong in later migrations.
--
-- Quirks kept on purpose:
--   * camelCase column names (Sequelize attributes), except models.yearstart/yearend;
--   * UUID primary keys without a DB default (the old app generates them);
--   * index names follow Sequelize's `<table>_<snake_case fields>`;
--   * foreign keys are named `fk_<table>_<column>_<refTable>` as migration 4 re-created them.

CREATE TYPE "enum_users_role" AS ENUM ('admin', 'owner', 'user');
CREATE TYPE "enum_otp_codes_purpose" AS ENUM (
    'login', 'register', 'verify_phone', 'reset_password', 'sensitive_action'
);
CREATE TYPE "enum_otp_codes_dispatchStatus" AS ENUM ('pending', 'sent', 'delivered', 'failed');
CREATE TYPE "enum_vlogs_status" AS ENUM ('Pending', 'Accepted', 'Declined');
CREATE TYPE "enum_notification_history_type" AS ENUM (
    'all_users', 'brand_subscribers', 'specific_user', 'topic'
);
CREATE TYPE "enum_notification_history_status" AS ENUM ('pending', 'sent', 'failed', 'partial');

CREATE TABLE "users" (
    "uuid" uuid NOT NULL,
    "name" varchar(255),
    "email" varchar(255) UNIQUE,
    -- Legacy column, never written by either backend; kept so the schema matches.
    "password" varchar(255),
    "phone" varchar(20) UNIQUE,
    "status" boolean DEFAULT false,
    "role" "enum_users_role" NOT NULL DEFAULT 'user',
    "location" varchar(255),
    "access" varchar(255)[],
    "firebaseToken" varchar(255),
    "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
    "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
    -- bcrypt of the SHA-256 of the old backend's refresh token (its migration 3); read once to
    -- turn an old login into a session.
    "refreshTokenHash" text,
    PRIMARY KEY ("uuid")
);
-- Redundant with the unique constraints, but the old schema has them.
CREATE INDEX "users_phone" ON "users" ("phone");
CREATE INDEX "users_email" ON "users" ("email");

CREATE TABLE "otp_codes" (
    "id" uuid NOT NULL,
    "phone" varchar(20) NOT NULL,
    "purpose" "enum_otp_codes_purpose" NOT NULL,
    "codeHash" varchar(255) NOT NULL,
    "expiresAt" timestamp with time zone NOT NULL,
    "consumedAt" timestamp with time zone,
    "attempts" integer NOT NULL DEFAULT 0,
    "maxAttempts" integer NOT NULL DEFAULT 5,
    "region" varchar(50),
    "channel" varchar(20) NOT NULL DEFAULT 'sms',
    "providerMessageId" varchar(255),
    "dispatchStatus" "enum_otp_codes_dispatchStatus" NOT NULL DEFAULT 'pending',
    "ipAddress" varchar(45),
    "userAgent" text,
    "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
    "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
    PRIMARY KEY ("id")
);
CREATE INDEX "otp_codes_phone_purpose" ON "otp_codes" ("phone", "purpose");
CREATE INDEX "otp_codes_expires_at" ON "otp_codes" ("expiresAt");
CREATE INDEX "otp_codes_created_at" ON "otp_codes" ("createdAt");

CREATE TABLE "brands" (
    "uuid" uuid NOT NULL,
    -- Seeds store the lower-case slug here, not the display name (CONTRACT §7.2).
    "name" varchar(255),
    "location" varchar(255),
    "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
    "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
    PRIMARY KEY ("uuid")
);

CREATE TABLE "models" (
    "uuid" uuid NOT NULL,
    "name" varchar(255),
    "brandId" uuid,
    "yearstart" integer,
    "yearend" integer,
    "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
    "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
    PRIMARY KEY ("uuid"),
    CONSTRAINT "fk_models_brandId_brands" FOREIGN KEY ("brandId")
        REFERENCES "brands" ("uuid") ON UPDATE CASCADE ON DELETE SET NULL
);
CREATE INDEX "models_brand_id" ON "models" ("brandId");

CREATE TABLE "banners" (
    "uuid" uuid NOT NULL,
    "creator" jsonb NOT NULL,
    "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
    "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
    PRIMARY KEY ("uuid")
);

CREATE TABLE "categories" (
    "uuid" uuid NOT NULL,
    "name" jsonb NOT NULL,
    "creator" jsonb NOT NULL,
    "priority" integer UNIQUE,
    "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
    "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
    PRIMARY KEY ("uuid")
);

CREATE TABLE "subscriptions" (
    "uuid" uuid NOT NULL,
    "name" jsonb NOT NULL,
    "priority" integer UNIQUE,
    "price" numeric(14, 2),
    "color" varchar(255),
    "description" jsonb NOT NULL,
    "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
    "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
    PRIMARY KEY ("uuid")
);

CREATE TABLE "posts" (
    "uuid" uuid NOT NULL,
    "brandsId" uuid,
    "modelsId" uuid,
    "categoryId" uuid,
    "subscriptionId" uuid,
    "userId" uuid,
    "condition" varchar(255),
    "transmission" varchar(255),
    "engineType" varchar(255),
    "enginePower" double precision,
    "year" integer,
    -- Sic: the old schema's spelling.
    "milleage" double precision,
    "vin" varchar(255),
    "originalPrice" double precision,
    "price" double precision,
    "originalCurrency" varchar(255),
    "currency" varchar(255),
    "personalInfo" json,
    "description" text,
    "location" varchar(255),
    -- No default on purpose: NULL means "pending moderation", distinct from rejected (false).
    "status" boolean,
    "credit" boolean DEFAULT false,
    "exchange" boolean DEFAULT true,
    "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
    "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
    "color" varchar(255),
    PRIMARY KEY ("uuid"),
    CONSTRAINT "fk_posts_brandsId_brands" FOREIGN KEY ("brandsId")
        REFERENCES "brands" ("uuid") ON UPDATE CASCADE ON DELETE SET NULL,
    CONSTRAINT "fk_posts_modelsId_models" FOREIGN KEY ("modelsId")
        REFERENCES "models" ("uuid") ON UPDATE CASCADE ON DELETE SET NULL,
    CONSTRAINT "fk_posts_categoryId_categories" FOREIGN KEY ("categoryId")
        REFERENCES "categories" ("uuid") ON UPDATE CASCADE ON DELETE SET NULL,
    CONSTRAINT "fk_posts_subscriptionId_subscriptions" FOREIGN KEY ("subscriptionId")
        REFERENCES "subscriptions" ("uuid") ON UPDATE CASCADE ON DELETE SET NULL,
    CONSTRAINT "fk_posts_userId_users" FOREIGN KEY ("userId")
        REFERENCES "users" ("uuid") ON UPDATE CASCADE ON DELETE SET NULL
);
CREATE INDEX "posts_brands_id" ON "posts" ("brandsId");
CREATE INDEX "posts_models_id" ON "posts" ("modelsId");
CREATE INDEX "posts_user_id" ON "posts" ("userId");
CREATE INDEX "posts_category_id" ON "posts" ("categoryId");

CREATE TABLE "vlogs" (
    "uuid" uuid NOT NULL,
    "title" varchar(255) NOT NULL,
    "description" text,
    "tag" varchar(255),
    "videoUrl" varchar(255),
    "isActive" boolean NOT NULL DEFAULT false,
    "thumbnail" json,
    "userId" uuid,
    "status" "enum_vlogs_status" NOT NULL DEFAULT 'Pending',
    "declineMessage" varchar(255),
    "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
    "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
    PRIMARY KEY ("uuid"),
    CONSTRAINT "fk_vlogs_userId_users" FOREIGN KEY ("userId")
        REFERENCES "users" ("uuid") ON UPDATE CASCADE ON DELETE SET NULL
);
CREATE INDEX "vlogs_user_id" ON "vlogs" ("userId");

CREATE TABLE "comments" (
    "uuid" uuid NOT NULL,
    "message" varchar(1000) NOT NULL,
    "status" boolean,
    "userId" uuid,
    "sender" varchar(255),
    "postId" uuid,
    "replyTo" uuid,
    "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
    "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
    PRIMARY KEY ("uuid"),
    CONSTRAINT "fk_comments_userId_users" FOREIGN KEY ("userId")
        REFERENCES "users" ("uuid") ON UPDATE CASCADE ON DELETE SET NULL,
    CONSTRAINT "fk_comments_postId_posts" FOREIGN KEY ("postId")
        REFERENCES "posts" ("uuid") ON UPDATE CASCADE ON DELETE CASCADE,
    CONSTRAINT "fk_comments_replyTo_comments" FOREIGN KEY ("replyTo")
        REFERENCES "comments" ("uuid") ON UPDATE CASCADE ON DELETE SET NULL
);
CREATE INDEX "comments_post_id" ON "comments" ("postId");
CREATE INDEX "comments_user_id" ON "comments" ("userId");

-- No user column: the old API never recorded who ordered.
CREATE TABLE "subscription_order" (
    "uuid" uuid NOT NULL,
    "location" varchar(255),
    "phone" varchar(255),
    "status" varchar(255),
    "subscriptionId" uuid,
    "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
    "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
    PRIMARY KEY ("uuid"),
    CONSTRAINT "fk_subscription_order_subscriptionId_subscriptions" FOREIGN KEY ("subscriptionId")
        REFERENCES "subscriptions" ("uuid") ON UPDATE CASCADE ON DELETE SET NULL
);
CREATE INDEX "subscription_order_subscription_id" ON "subscription_order" ("subscriptionId");

-- One table for every image: post photos (via photo_posts), avatars, brand/model icons, banner,
-- category, subscription and vlog images; the owner is whichever FK column is set.
CREATE TABLE "photo" (
    "uuid" uuid NOT NULL,
    -- {small, medium, large} relative paths of the resized variants.
    "path" jsonb,
    "originalPath" varchar(255),
    "bannerId" uuid,
    "categoryId" uuid,
    "subscriptionId" uuid,
    "brandsId" uuid,
    "modelsId" uuid,
    "userId" uuid,
    "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
    "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
    PRIMARY KEY ("uuid"),
    CONSTRAINT "fk_photo_bannerId_banners" FOREIGN KEY ("bannerId")
        REFERENCES "banners" ("uuid") ON UPDATE CASCADE ON DELETE SET NULL,
    CONSTRAINT "fk_photo_categoryId_categories" FOREIGN KEY ("categoryId")
        REFERENCES "categories" ("uuid") ON UPDATE CASCADE ON DELETE SET NULL,
    CONSTRAINT "fk_photo_subscriptionId_subscriptions" FOREIGN KEY ("subscriptionId")
        REFERENCES "subscriptions" ("uuid") ON UPDATE CASCADE ON DELETE SET NULL,
    CONSTRAINT "fk_photo_brandsId_brands" FOREIGN KEY ("brandsId")
        REFERENCES "brands" ("uuid") ON UPDATE CASCADE ON DELETE SET NULL,
    CONSTRAINT "fk_photo_modelsId_models" FOREIGN KEY ("modelsId")
        REFERENCES "models" ("uuid") ON UPDATE CASCADE ON DELETE SET NULL,
    CONSTRAINT "fk_photo_userId_users" FOREIGN KEY ("userId")
        REFERENCES "users" ("uuid") ON UPDATE CASCADE ON DELETE SET NULL
);
CREATE INDEX "photo_user_id" ON "photo" ("userId");

-- The old model declared no primary key, so Sequelize gave it an implicit bigserial id.
CREATE TABLE "video" (
    "id" bigserial NOT NULL,
    "url" varchar(255),
    "postId" uuid,
    "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
    "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
    PRIMARY KEY ("id"),
    CONSTRAINT "fk_video_postId_posts" FOREIGN KEY ("postId")
        REFERENCES "posts" ("uuid") ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX "video_post_id" ON "video" ("postId");

CREATE TABLE "file" (
    "uuid" uuid NOT NULL,
    "path" varchar(255),
    "postId" uuid,
    "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
    "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
    PRIMARY KEY ("uuid"),
    CONSTRAINT "fk_file_postId_posts" FOREIGN KEY ("postId")
        REFERENCES "posts" ("uuid") ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX "file_post_id" ON "file" ("postId");

-- Exchange rates into TMT; no timestamps (the old model set `timestamps: false`).
CREATE TABLE "convert_prices" (
    "id" bigserial NOT NULL,
    "label" varchar(255) NOT NULL UNIQUE,
    "rate" numeric(18, 6) NOT NULL,
    PRIMARY KEY ("id")
);
-- Redundant with the UNIQUE constraint, but the old schema has both (its migration 2 adds it).
CREATE UNIQUE INDEX "convert_prices_label_unique" ON "convert_prices" ("label");

CREATE TABLE "notification_history" (
    "uuid" uuid NOT NULL,
    "title" varchar(255) NOT NULL,
    "body" text NOT NULL,
    "type" "enum_notification_history_type" NOT NULL,
    "status" "enum_notification_history_status" NOT NULL DEFAULT 'pending',
    "targetData" json,
    "totalRecipients" integer DEFAULT 0,
    "successfulDeliveries" integer DEFAULT 0,
    "failedDeliveries" integer DEFAULT 0,
    "deliveryDetails" json,
    "additionalData" json,
    "sentBy" uuid,
    "scheduledFor" timestamp with time zone,
    "isScheduled" boolean DEFAULT false,
    "topic" varchar(255),
    "errorMessage" text,
    "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
    "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
    PRIMARY KEY ("uuid"),
    CONSTRAINT "fk_notification_history_sentBy_users" FOREIGN KEY ("sentBy")
        REFERENCES "users" ("uuid") ON UPDATE CASCADE ON DELETE SET NULL
);
CREATE INDEX "notification_history_type" ON "notification_history" ("type");
CREATE INDEX "notification_history_status" ON "notification_history" ("status");
CREATE INDEX "notification_history_sent_by" ON "notification_history" ("sentBy");
CREATE INDEX "notification_history_created_at" ON "notification_history" ("createdAt");

-- A user's brand subscriptions. The old ORM model expects a `uuid` column instead of `brandId`
-- (CONTRACT §9.B1); the database has `brandId`, and that is what we keep.
CREATE TABLE "brands_user" (
    "id" bigserial NOT NULL,
    "userId" uuid,
    "brandId" uuid,
    PRIMARY KEY ("id"),
    CONSTRAINT "uq_brands_user_brand_user" UNIQUE ("brandId", "userId"),
    CONSTRAINT "fk_brands_user_userId_users" FOREIGN KEY ("userId")
        REFERENCES "users" ("uuid") ON UPDATE CASCADE ON DELETE CASCADE,
    CONSTRAINT "fk_brands_user_brandId_brands" FOREIGN KEY ("brandId")
        REFERENCES "brands" ("uuid") ON UPDATE CASCADE ON DELETE CASCADE
);

CREATE TABLE "photo_posts" (
    "id" bigserial NOT NULL,
    "postId" uuid,
    "photoUuid" uuid,
    PRIMARY KEY ("id"),
    CONSTRAINT "fk_photo_posts_postId_posts" FOREIGN KEY ("postId")
        REFERENCES "posts" ("uuid") ON UPDATE CASCADE ON DELETE CASCADE,
    CONSTRAINT "fk_photo_posts_photoUuid_photo" FOREIGN KEY ("photoUuid")
        REFERENCES "photo" ("uuid") ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX "photo_posts_post_id" ON "photo_posts" ("postId");

-- Unused by the old backend (its model was never registered), kept for schema parity.
CREATE TABLE "photo_vlogs" (
    "id" bigserial NOT NULL,
    "vlogId" uuid,
    "photoUuid" uuid,
    PRIMARY KEY ("id"),
    CONSTRAINT "fk_photo_vlogs_vlogId_vlogs" FOREIGN KEY ("vlogId")
        REFERENCES "vlogs" ("uuid") ON UPDATE CASCADE ON DELETE CASCADE,
    CONSTRAINT "fk_photo_vlogs_photoUuid_photo" FOREIGN KEY ("photoUuid")
        REFERENCES "photo" ("uuid") ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX "photo_vlogs_vlog_id" ON "photo_vlogs" ("vlogId");
