//! The [`PushSender`] port over the FCM HTTP v1 API.
//!
//! - [`ServiceAccount`]: the service-account JSON that `GOOGLE_APPLICATION_CREDENTIALS` names;
//!   its `token_uri` is where access tokens come from, its `project_id` goes into the send URL.
//! - [`FcmSender`]: the OAuth2 JWT-bearer grant (an RS256 assertion signed with the account's
//!   key), the access token cached until shortly before it expires, and
//!   `POST {base}/v1/projects/<id>/messages:send` to a device token or a topic, each answer
//!   mapped to a [`PushOutcome`].
//! - [`Unconfigured`]: what the server uses without credentials; every push is rejected with a
//!   reason saying so, and nothing else breaks.
//!
//! Hand-written on `jsonwebtoken` and `reqwest` rather than `gcp_auth`/`yup-oauth2`: the one
//! flow needed is a signed JWT and one form POST, while those crates bring their own HTTP
//! stacks, credential discovery (metadata server, gcloud) we must not probe, and more TLS code.
//! Nothing here logs a token, a key or a message's text.

mod account;
mod answer;
mod sender;
mod token;

pub use account::{AccountError, ServiceAccount};
pub use answer::outcome_of;
pub use sender::{FcmConfig, FcmSender, Unconfigured};

use alpha_notifications::{PushOutcome, PushSender};
