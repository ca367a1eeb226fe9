//! The logged-in caller as an extractor: handlers that take [`CurrentUser`] are guarded.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use alpha_auth::AuthUser;

use crate::audit::recorder::Caller;
use crate::auth::errors::{forbidden, missing_token};
use crate::bearer::bearer_token;
use crate::error::ApiError;
use crate::state::AppState;

/// An authenticated user whose session is live (checked against the database on every request,
/// so a logout takes effect at once).
#[derive(Debug, Clone)]
pub struct CurrentUser(pub AuthUser);

impl FromRequest for CurrentUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let token = bearer_token(req).map(str::to_owned);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let req = req.clone();
        Box::pin(async move {
            let state = state.ok_or_else(|| {
                ApiError::internal(&std::io::Error::other("AppState missing from the app"))
            })?;
            let token = token.ok_or_else(missing_token)?;
            let user = state.auth.authenticate(&token).await?;
            // For the audit trail, which records admins' writes once the answer is known.
            req.extensions_mut().insert(Caller {
                id: user.id,
                admin: user.role == alpha_auth::Role::Admin,
            });
            Ok(CurrentUser(user))
        })
    }
}

/// A logged-in user with the `admin` role (CONTRACT §1.8 AdminGuard: 403 `FORBIDDEN` otherwise).
#[derive(Debug, Clone)]
pub struct AdminUser(pub AuthUser);

impl FromRequest for AdminUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user = CurrentUser::from_request(req, payload);
        Box::pin(async move {
            let CurrentUser(user) = user.await?;
            if user.role != alpha_auth::Role::Admin {
                return Err(forbidden());
            }
            Ok(AdminUser(user))
        })
    }
}

/// The caller when the request carries a valid access token, else nobody: a public read answers
/// an anonymous or stale-token caller the same way instead of failing.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<AuthUser>);

impl FromRequest for MaybeUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let has_token = bearer_token(req).is_some();
        let user = CurrentUser::from_request(req, payload);
        Box::pin(async move {
            if !has_token {
                return Ok(MaybeUser(None));
            }
            Ok(MaybeUser(user.await.ok().map(|CurrentUser(user)| user)))
        })
    }
}
