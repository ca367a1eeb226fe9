//! What goes with a deleted account (`alpha_auth::UserContent`): its avatar and the pushes
//! waiting for its devices always, and, when
//! `users.deleted_content` is `remove`, its listings (through the listings service, so their
//! photos, videos and files leave the disk too), comments and blog entries.

use std::sync::Arc;

use alpha_auth::{AvatarError, AvatarService, UserContent};
use alpha_kernel::{Clock, RepoError, UserId, Version};
use alpha_listings::{Actor, ListingError, ListingService, PostId};
use alpha_store::repos::{PgBlog, PgComments, PgNotifications};

pub struct RemoveUserContent {
    pub avatars: Arc<AvatarService>,
    pub listings: Arc<ListingService>,
    pub comments: PgComments,
    pub blog: PgBlog,
    /// Post pages show their comments: removing some makes rendered pages stale.
    pub listings_version: Version,
    pub pushes: PgNotifications,
    pub clock: Arc<dyn Clock>,
}

fn repo<E: std::error::Error + Send + Sync + 'static>(err: E) -> RepoError {
    RepoError::Other(Box::new(err))
}

#[async_trait::async_trait]
impl UserContent for RemoveUserContent {
    async fn remove_personal(&self, user: UserId) -> Result<(), RepoError> {
        match self.avatars.delete_own(user).await {
            Ok(_) | Err(AvatarError::NoAvatar) => {}
            Err(err) => return Err(repo(err)),
        }
        // Its devices must not hear from the marketplace once the account is gone.
        let cancelled = self.pushes.cancel_pushes_to(user, self.clock.now()).await?;
        if cancelled > 0 {
            tracing::info!(
                pushes = cancelled,
                "deleted account: its waiting pushes are cancelled"
            );
        }
        Ok(())
    }

    async fn remove_all(&self, user: UserId) -> Result<(), RepoError> {
        let admin = Actor { user, admin: true };
        for post in self.listings.mine(user).await.map_err(repo)? {
            match self.listings.delete(admin, PostId(post.uuid)).await {
                Ok(()) | Err(ListingError::NotFound) => {}
                Err(err) => return Err(repo(err)),
            }
        }
        if self.comments.delete_by_author(user).await? > 0 {
            self.listings_version.bump();
        }
        self.blog.delete_by_author(user).await?;
        Ok(())
    }
}
