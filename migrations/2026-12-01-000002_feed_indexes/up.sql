-- The feed filters on status and sorts by createdAt, price, year or milleage (uuid breaks ties);
-- it filters by plan; a post's delete looks for other posts sharing each photo.
CREATE INDEX IF NOT EXISTS posts_status_created_at ON posts (status, "createdAt" DESC, uuid);
CREATE INDEX IF NOT EXISTS posts_created_at ON posts ("createdAt" DESC, uuid);
CREATE INDEX IF NOT EXISTS posts_price ON posts (price, uuid);
CREATE INDEX IF NOT EXISTS posts_year ON posts (year, uuid);
CREATE INDEX IF NOT EXISTS posts_milleage ON posts (milleage, uuid);
CREATE INDEX IF NOT EXISTS posts_subscription_id ON posts ("subscriptionId")
    WHERE "subscriptionId" IS NOT NULL;
CREATE INDEX IF NOT EXISTS photo_posts_photo_uuid ON photo_posts ("photoUuid");
