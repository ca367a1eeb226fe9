//! Files a successful change could not remove.

use alpha_media::PhotoChange;

/// The change's value. Files it could not remove are only logged: the rows no longer name
/// them, and the request did what it was asked.
pub(crate) fn settled<T>(change: PhotoChange<T>) -> T {
    if let Some(error) = change.cleanup {
        tracing::warn!(error = %error, "unused photo files could not all be removed");
    }
    change.value
}
