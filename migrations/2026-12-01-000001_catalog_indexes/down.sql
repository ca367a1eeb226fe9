DROP INDEX IF EXISTS photo_brands_id;
DROP INDEX IF EXISTS photo_models_id;
DROP INDEX IF EXISTS photo_category_id;
DROP INDEX IF EXISTS photo_banner_id;
DROP INDEX IF EXISTS photo_subscription_id;
DROP INDEX IF EXISTS brands_user_user_id;
