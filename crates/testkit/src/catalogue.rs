//! The brand/model catalogue the seed tests load.
//!
//! The full catalogue (130 brands, 2,432 models once duplicate slugs are merged) is third-party
//! data that is not in this repository. Tests load it when `SEED_DATA_FILE` names it (CI does),
//! and otherwise a small fixture written here in the same JSON shape, with duplicates to merge.

use std::path::{Path, PathBuf};

const SEED_DATA_FILE: &str = "SEED_DATA_FILE";

/// A catalogue file and the rows it must yield.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub path: PathBuf,
    /// Distinct brand slugs.
    pub brands: i64,
    /// Distinct (brand, model) slugs.
    pub models: i64,
}

/// `SEED_DATA_FILE` when set (it must be the full catalogue), else the fixture. Says which on
/// stderr, so a run without the full file is never mistaken for the exact-count check.
///
/// # Panics
/// When `SEED_DATA_FILE` names no file.
#[allow(clippy::print_stderr)]
pub fn catalogue() -> Catalogue {
    if let Some(path) = std::env::var_os(SEED_DATA_FILE).filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "{SEED_DATA_FILE}={} is not a file",
            path.display()
        );
        eprintln!(
            "catalogue: the full file {} from {SEED_DATA_FILE}: expecting 130 brands, 2,432 models",
            path.display()
        );
        return Catalogue {
            path,
            brands: 130,
            models: 2432,
        };
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/catalogue.json");
    eprintln!(
        "catalogue: the fixture {} ({SEED_DATA_FILE} is not set, so the 130/2,432 check against \
         the full catalogue does not run here)",
        path.display()
    );
    Catalogue {
        path,
        brands: 4,
        models: 8,
    }
}

/// The small fixture catalogue, whatever `SEED_DATA_FILE` says: for tests that assert on its
/// names (toyota, bmw, lada, mercedes-benz and their eight models).
pub fn catalogue_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/catalogue.json")
}
