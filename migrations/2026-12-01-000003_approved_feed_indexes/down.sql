DROP INDEX IF EXISTS posts_approved_created_at;
DROP INDEX IF EXISTS posts_approved_brand;
DROP INDEX IF EXISTS posts_approved_model;
