//! What handlers share across requests.

use std::sync::Arc;
use std::time::Duration;

use alpha_auth::{AuthService, AvatarService, UserAdmin};
use alpha_catalog::{
    BrandSubscriptions, CatalogAdmin, CatalogPhotoService, CatalogReads, SearchIndex,
};
use alpha_chat::ChatService;
use alpha_community::blog::{BlogPhotoService, BlogService};
use alpha_community::comments::CommentService;
use alpha_kernel::{AuditLog, Health, PhonePolicy, RateLimiter};
use alpha_listings::{AttachmentService, ListingService, PostPhotoService};
use alpha_media::ImageService;
use alpha_notifications::NotificationService;
use alpha_otp::OtpService;
use alpha_sms_dispatch::DeviceDirectory;
use alpha_subscriptions::OrderService;
use ipnet::IpNet;

/// A per-IP request budget for one route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpLimit {
    pub limit: u32,
    pub window: Duration,
}

/// Rules the edge applies before a request reaches a service.
#[derive(Debug, Clone)]
pub struct EdgePolicy {
    pub phone: PhonePolicy,
    pub otp_send_per_ip: IpLimit,
    pub otp_verify_per_ip: IpLimit,
    /// Peers whose `X-Forwarded-For` is believed; everyone else is the client themself.
    pub trusted_proxies: Vec<IpNet>,
}

/// Cheap to clone: every field is a handle.
#[derive(Clone)]
pub struct AppState {
    /// What `/readyz` reports.
    pub health: Arc<dyn Health>,
    pub otp: Arc<OtpService>,
    pub auth: Arc<AuthService>,
    pub limiter: Arc<dyn RateLimiter>,
    pub edge: Arc<EdgePolicy>,
    pub chat: Arc<ChatService>,
    /// SMS devices, for the operators' listing.
    pub sms_devices: Arc<dyn DeviceDirectory>,
    /// The catalog's public reads.
    pub catalog: Arc<dyn CatalogReads>,
    pub catalog_admin: Arc<CatalogAdmin>,
    pub subscriptions: Arc<BrandSubscriptions>,
    pub search: Arc<SearchIndex>,
    /// Rendered public catalog answers.
    pub catalog_cache: Arc<crate::ResponseCache>,
    /// Uploaded images: checked, re-encoded and stored with their variants.
    pub images: Arc<ImageService>,
    /// The photos of brands, models, categories, banners and plans.
    pub catalog_photos: Arc<CatalogPhotoService>,
    /// The marketplace's posts.
    pub listings: Arc<ListingService>,
    /// The posts' photos.
    pub post_photos: Arc<PostPhotoService>,
    /// Rendered feed pages and post pages.
    pub listings_cache: Arc<crate::ResponseCache>,
    /// The posts' videos and PDF documents.
    pub attachments: Arc<AttachmentService>,
    /// Comments on posts.
    pub comments: Arc<CommentService>,
    /// The blog's entries.
    pub blog: Arc<BlogService>,
    /// The blog's images.
    pub blog_photos: Arc<BlogPhotoService>,
    /// Users' avatars.
    pub avatars: Arc<AvatarService>,
    /// Premium orders.
    pub orders: Arc<OrderService>,
    /// The back office's user administration.
    pub users: Arc<UserAdmin>,
    /// The trail of admin writes.
    pub audit: Arc<dyn AuditLog>,
    /// Push sends, drafts and their history.
    pub notifications: Arc<NotificationService>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}
