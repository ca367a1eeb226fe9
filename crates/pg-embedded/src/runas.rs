//! Which OS user the PostgreSQL processes run as, and launching programs as that user.
//!
//! initdb and postgres refuse to run as root, and this machine has no sudo, so as root every
//! PostgreSQL program is started through `setpriv` as the `postgres` user.

use std::ffi::CString;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use nix::unistd::{Gid, Uid, User};

use super::EmbeddedError;

const SERVICE_USER: &str = "postgres";

#[derive(Debug, Clone)]
pub(crate) enum RunAs {
    /// Not root: PostgreSQL runs as this process's own user.
    Current { setpriv: Option<PathBuf> },
    /// Root: PostgreSQL runs as the service user.
    Service {
        uid: Uid,
        gid: Gid,
        groups: Vec<Gid>,
        setpriv: PathBuf,
    },
}

impl RunAs {
    pub(crate) fn detect() -> Result<Self, EmbeddedError> {
        let setpriv = find_setpriv();
        if !Uid::effective().is_root() {
            return Ok(Self::Current { setpriv });
        }
        let refuse = |reason: String| EmbeddedError::CannotDropRoot { reason };
        let setpriv = setpriv.ok_or_else(|| refuse("`setpriv` was not found".to_owned()))?;
        let user = User::from_name(SERVICE_USER)
            .map_err(|e| refuse(format!("looking up the `{SERVICE_USER}` user failed: {e}")))?
            .ok_or_else(|| refuse(format!("there is no `{SERVICE_USER}` OS user")))?;
        let name = CString::new(SERVICE_USER).map_err(|e| refuse(e.to_string()))?;
        let groups = nix::unistd::getgrouplist(&name, user.gid).map_err(|e| {
            refuse(format!(
                "listing the groups of `{SERVICE_USER}` failed: {e}"
            ))
        })?;
        Ok(Self::Service {
            uid: user.uid,
            gid: user.gid,
            groups,
            setpriv,
        })
    }

    pub(crate) fn user_name(&self) -> String {
        match self {
            Self::Current { .. } => User::from_uid(Uid::effective())
                .ok()
                .flatten()
                .map_or_else(|| Uid::effective().to_string(), |u| u.name),
            Self::Service { .. } => SERVICE_USER.to_owned(),
        }
    }

    pub(crate) fn uid(&self) -> Uid {
        match self {
            Self::Current { .. } => Uid::effective(),
            Self::Service { uid, .. } => *uid,
        }
    }

    /// A command running `program` as the PostgreSQL user. With `die_with_parent`, the program
    /// gets SIGINT (PostgreSQL's fast shutdown) when the thread that spawned it exits.
    pub(crate) fn command(&self, program: &Path, die_with_parent: bool) -> Command {
        let mut cmd = match self {
            Self::Service { setpriv, .. } => {
                let mut cmd = Command::new(setpriv);
                cmd.args([
                    &format!("--reuid={SERVICE_USER}"),
                    &format!("--regid={SERVICE_USER}"),
                    "--init-groups",
                ]);
                if die_with_parent {
                    cmd.args(["--pdeathsig", "SIGINT"]);
                }
                cmd.arg(program);
                cmd
            }
            Self::Current {
                setpriv: Some(setpriv),
            } if die_with_parent => {
                let mut cmd = Command::new(setpriv);
                cmd.args(["--pdeathsig", "SIGINT"]).arg(program);
                cmd
            }
            Self::Current { .. } => {
                if die_with_parent {
                    tracing::warn!(
                        "setpriv not found: the embedded PostgreSQL will outlive this process if \
                         it crashes"
                    );
                }
                Command::new(program)
            }
        };
        // PGPORT, PGDATA and friends in our environment would silently change what the server
        // does; everything it needs is passed as arguments.
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("PG") {
                cmd.env_remove(key);
            }
        }
        cmd
    }

    /// Hands `path` to the PostgreSQL user; nothing to do when that is us.
    pub(crate) fn give(&self, path: &Path) -> Result<(), EmbeddedError> {
        if let Self::Service { uid, gid, .. } = self {
            nix::unistd::chown(path, Some(*uid), Some(*gid)).map_err(|e| {
                EmbeddedError::io(
                    format!("chown {} to {SERVICE_USER}", path.display()),
                    e.into(),
                )
            })?;
        }
        Ok(())
    }

    /// Every folder above `data_dir` must be enterable by the PostgreSQL user, or the server
    /// fails later with a far less helpful "permission denied".
    pub(crate) fn check_reachable(&self, data_dir: &Path) -> Result<(), EmbeddedError> {
        let Self::Service { uid, groups, .. } = self else {
            return Ok(());
        };
        for dir in data_dir.ancestors().skip(1) {
            let meta = std::fs::metadata(dir)
                .map_err(|e| EmbeddedError::io(format!("stat {}", dir.display()), e))?;
            let bit = if meta.uid() == uid.as_raw() {
                0o100
            } else if groups.iter().any(|g| g.as_raw() == meta.gid()) {
                0o010
            } else {
                0o001
            };
            if meta.mode() & bit == 0 {
                return Err(EmbeddedError::NotReachable {
                    user: SERVICE_USER.to_owned(),
                    data_dir: data_dir.to_path_buf(),
                    blocked: dir.to_path_buf(),
                    owner: meta.uid(),
                    mode: meta.mode() & 0o7777,
                });
            }
        }
        Ok(())
    }
}

fn find_setpriv() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    on_path
        .into_iter()
        .chain([PathBuf::from("/usr/bin"), PathBuf::from("/bin")])
        .map(|dir| dir.join("setpriv"))
        .find(|p| p.is_file())
}
