//! The catalog's [`Version`](alpha_kernel::Version): it moves whenever an admin changes the
//! catalog, which makes rendered answers and the search index stale.

/// Moves on every catalog write made through this instance.
pub type CatalogVersion = alpha_kernel::Version;
