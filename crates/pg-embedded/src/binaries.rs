//! Finding the PostgreSQL server programs installed on this machine.

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::EmbeddedError;

/// Debian and Ubuntu install each major version side by side under here.
const DEBIAN_LIB_ROOT: &str = "/usr/lib/postgresql";

/// The server programs the embedded cluster runs, from one installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgBinaries {
    pub initdb: PathBuf,
    pub postgres: PathBuf,
}

impl PgBinaries {
    /// Looks in `explicit` when given, else in `PG_BIN_DIR` when set (only there: the user chose
    /// it), else in the newest `/usr/lib/postgresql/<version>/bin`, else on `PATH`.
    ///
    /// Errors: [`EmbeddedError::MissingBinaries`] naming what is missing and where it looked.
    pub fn locate(explicit: Option<&Path>) -> Result<Self, EmbeddedError> {
        let chosen = explicit
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("PG_BIN_DIR").map(PathBuf::from));
        locate_in(
            chosen.as_deref(),
            Path::new(DEBIAN_LIB_ROOT),
            std::env::var_os("PATH"),
        )
    }
}

fn locate_in(
    chosen: Option<&Path>,
    lib_root: &Path,
    path_var: Option<OsString>,
) -> Result<PgBinaries, EmbeddedError> {
    if let Some(dir) = chosen {
        return from_dirs(&[dir.to_path_buf()]);
    }
    let mut searched = Vec::new();
    if let Some(bin) = newest_versioned_bin(lib_root) {
        // One installation's initdb and postgres must match, so prefer a folder holding both.
        match from_dirs(std::slice::from_ref(&bin)) {
            Ok(found) => return Ok(found),
            Err(_) => searched.push(bin),
        }
    } else {
        searched.push(lib_root.join("<version>/bin"));
    }
    let path_dirs: Vec<PathBuf> = path_var
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    from_dirs(&path_dirs).map_err(|err| match err {
        EmbeddedError::MissingBinaries { missing, .. } => {
            searched.push(PathBuf::from("PATH"));
            EmbeddedError::MissingBinaries {
                missing,
                searched: describe(&searched),
            }
        }
        other => other,
    })
}

/// Takes each program from the first folder that has it.
fn from_dirs(dirs: &[PathBuf]) -> Result<PgBinaries, EmbeddedError> {
    let find = |name: &str| dirs.iter().map(|d| d.join(name)).find(|p| is_executable(p));
    match (find("initdb"), find("postgres")) {
        (Some(initdb), Some(postgres)) => Ok(PgBinaries { initdb, postgres }),
        (initdb, postgres) => {
            let missing: Vec<&str> = [
                ("initdb", initdb.is_none()),
                ("postgres", postgres.is_none()),
            ]
            .into_iter()
            .filter_map(|(name, gone)| gone.then_some(name))
            .collect();
            Err(EmbeddedError::MissingBinaries {
                missing: missing.join(" and "),
                searched: describe(dirs),
            })
        }
    }
}

fn newest_versioned_bin(lib_root: &Path) -> Option<PathBuf> {
    let entries = std::fs::read_dir(lib_root).ok()?;
    entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let version = parse_version(e.file_name().to_str()?)?;
            let bin = e.path().join("bin");
            bin.is_dir().then_some((version, bin))
        })
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, bin)| bin)
}

/// "16" and "9.6" style folder names; anything else is not an installation.
fn parse_version(name: &str) -> Option<Vec<u32>> {
    name.split('.').map(|part| part.parse().ok()).collect()
}

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn describe(dirs: &[PathBuf]) -> String {
    if dirs.is_empty() {
        return "nowhere (PATH is empty)".to_owned();
    }
    dirs.iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn fake_program(dir: &Path, name: &str) {
        std::fs::create_dir_all(dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn newest_version_wins_numerically() {
        let root = tempfile::tempdir().unwrap();
        for v in ["9.6", "15", "16"] {
            fake_program(&root.path().join(v).join("bin"), "initdb");
            fake_program(&root.path().join(v).join("bin"), "postgres");
        }
        std::fs::create_dir_all(root.path().join("not-a-version/bin")).unwrap();
        let found = locate_in(None, root.path(), None).unwrap();
        assert_eq!(found.postgres, root.path().join("16/bin/postgres"));
    }

    #[test]
    fn falls_back_to_path() {
        let root = tempfile::tempdir().unwrap();
        let a = root.path().join("a");
        let b = root.path().join("b");
        fake_program(&a, "initdb");
        fake_program(&b, "postgres");
        let path = std::env::join_paths([&a, &b]).unwrap();
        let found = locate_in(None, &root.path().join("none"), Some(path)).unwrap();
        assert_eq!(found.initdb, a.join("initdb"));
        assert_eq!(found.postgres, b.join("postgres"));
    }

    #[test]
    fn chosen_folder_is_the_only_place_searched() {
        let root = tempfile::tempdir().unwrap();
        fake_program(&root.path().join("15/bin"), "initdb");
        fake_program(&root.path().join("15/bin"), "postgres");
        let empty = root.path().join("empty");
        std::fs::create_dir_all(&empty).unwrap();
        let err = locate_in(Some(&empty), root.path(), None).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("missing initdb and postgres"), "{msg}");
        assert!(msg.contains(&empty.display().to_string()), "{msg}");
        assert!(msg.contains("apt-get install postgresql"), "{msg}");
    }

    #[test]
    fn nothing_anywhere_lists_every_place() {
        let root = tempfile::tempdir().unwrap();
        let err = locate_in(None, root.path(), Some(OsString::new())).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("<version>/bin"), "{msg}");
        assert!(msg.contains("PATH"), "{msg}");
        assert!(msg.contains("DATABASE_URL"), "{msg}");
    }
}
