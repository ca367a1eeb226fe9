//! A user's brand subscriptions: the brands whose new listings they follow.

use std::sync::Arc;

use alpha_kernel::UserId;
use uuid::Uuid;

use crate::errors::{CatalogError, Entity};
use crate::ports::CatalogWrites;

pub struct BrandSubscriptions {
    repo: Arc<dyn CatalogWrites>,
}

impl BrandSubscriptions {
    pub fn new(repo: Arc<dyn CatalogWrites>) -> Self {
        Self { repo }
    }

    /// Idempotent: subscribing twice keeps one subscription.
    ///
    /// Errors: `NotFound(Brand)`, `Repo`.
    pub async fn subscribe(&self, user: UserId, brand: Uuid) -> Result<(), CatalogError> {
        if self.repo.subscribe(user, brand).await? {
            Ok(())
        } else {
            Err(CatalogError::NotFound(Entity::Brand))
        }
    }

    /// Removes only the caller's own subscription (the old API removed everyone's, B1).
    /// Unsubscribing from a brand one does not follow is not an error.
    ///
    /// Errors: `NotFound(Brand)`, `Repo`.
    pub async fn unsubscribe(&self, user: UserId, brand: Uuid) -> Result<(), CatalogError> {
        if self.repo.unsubscribe(user, brand).await? {
            Ok(())
        } else {
            Err(CatalogError::NotFound(Entity::Brand))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use mockall::predicate::eq;

    use super::*;
    use crate::ports::MockCatalogWrites;

    #[tokio::test]
    async fn the_caller_and_brand_reach_storage_and_unknown_brands_are_not_found() {
        let user = UserId(Uuid::from_u128(1));
        let known = Uuid::from_u128(2);
        let unknown = Uuid::from_u128(3);
        let mut repo = MockCatalogWrites::new();
        repo.expect_subscribe()
            .with(eq(user), eq(known))
            .returning(|_, _| Ok(true));
        repo.expect_subscribe()
            .with(eq(user), eq(unknown))
            .returning(|_, _| Ok(false));
        repo.expect_unsubscribe()
            .with(eq(user), eq(known))
            .returning(|_, _| Ok(true));
        let subs = BrandSubscriptions::new(Arc::new(repo));
        subs.subscribe(user, known).await.unwrap();
        subs.unsubscribe(user, known).await.unwrap();
        let err = subs.subscribe(user, unknown).await.unwrap_err();
        assert!(
            matches!(err, CatalogError::NotFound(Entity::Brand)),
            "{err:?}"
        );
    }
}
