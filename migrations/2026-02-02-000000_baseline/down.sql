-- Reverse of up.sql: tables in reverse dependency order, then the enum types they used.
-- Indexes, constraints and the bigserial sequences go with their tables.

DROP TABLE "photo_vlogs";
DROP TABLE "photo_posts";
DROP TABLE "brands_user";
DROP TABLE "notification_history";
DROP TABLE "convert_prices";
DROP TABLE "file";
DROP TABLE "video";
DROP TABLE "photo";
DROP TABLE "subscription_order";
DROP TABLE "comments";
DROP TABLE "vlogs";
DROP TABLE "posts";
DROP TABLE "subscriptions";
DROP TABLE "categories";
DROP TABLE "banners";
DROP TABLE "models";
DROP TABLE "brands";
DROP TABLE "otp_codes";
DROP TABLE "users";

DROP TYPE "enum_notification_history_status";
DROP TYPE "enum_notification_history_type";
DROP TYPE "enum_vlogs_status";
DROP TYPE "enum_otp_codes_dispatchStatus";
DROP TYPE "enum_otp_codes_purpose";
DROP TYPE "enum_users_role";
