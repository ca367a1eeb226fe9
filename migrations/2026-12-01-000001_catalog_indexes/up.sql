-- The catalog reads each entity's image by its owner column, and brand subscriptions by user.
CREATE INDEX IF NOT EXISTS photo_brands_id ON photo ("brandsId") WHERE "brandsId" IS NOT NULL;
CREATE INDEX IF NOT EXISTS photo_models_id ON photo ("modelsId") WHERE "modelsId" IS NOT NULL;
CREATE INDEX IF NOT EXISTS photo_category_id ON photo ("categoryId") WHERE "categoryId" IS NOT NULL;
CREATE INDEX IF NOT EXISTS photo_banner_id ON photo ("bannerId") WHERE "bannerId" IS NOT NULL;
CREATE INDEX IF NOT EXISTS photo_subscription_id ON photo ("subscriptionId")
    WHERE "subscriptionId" IS NOT NULL;
CREATE INDEX IF NOT EXISTS brands_user_user_id ON brands_user ("userId");
