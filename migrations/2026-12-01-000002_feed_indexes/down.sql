DROP INDEX IF EXISTS posts_status_created_at;
DROP INDEX IF EXISTS posts_created_at;
DROP INDEX IF EXISTS posts_price;
DROP INDEX IF EXISTS posts_year;
DROP INDEX IF EXISTS posts_milleage;
DROP INDEX IF EXISTS posts_subscription_id;
DROP INDEX IF EXISTS photo_posts_photo_uuid;
