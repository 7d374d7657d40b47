//! One `kith sync` at a time in a clone, and clearing what a killed one left behind.
//!
//! git takes a lock file (`index.lock`, `refs/heads/main.lock`, ...) for each thing it
//! changes and refuses to go on while one exists, since another git may be at work. A sync
//! killed while it held one (a crash, a `kill -9`, a laptop lid) leaves it, and every later
//! sync would stop at it. So a sync holds a lock of its own, `.git/kith-sync.lock`, naming its
//! process: when the next sync finds it and that process is gone, the git locks made since it
//! was taken are that sync's leftovers, and are removed (and said so) before going on.

use anyhow::{Result, bail};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

const FILE: &str = "kith-sync.lock";

/// Held for the length of a sync; released when dropped.
pub struct SyncLock {
    path: PathBuf,
    /// The leftovers of a killed sync that were removed, relative to the git folder.
    pub cleared: Vec<String>,
}

impl Drop for SyncLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Takes the sync lock of the repository whose git folder is `git_dir`.
pub fn take(git_dir: &Path) -> Result<SyncLock> {
    let path = git_dir.join(FILE);
    let mut cleared = Vec::new();
    for _ in 0..2 {
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                writeln!(f, "{}", std::process::id())?;
                return Ok(SyncLock { path, cleared });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let pid: Option<u32> = text.trim().parse().ok();
                if let Some(pid) = pid.filter(|&p| alive(p)) {
                    return Err(crate::util::hint::hint(
                        format!(
                            "another kith sync is running in this clone (process {pid}); wait for it to finish"
                        ),
                        format!("if no kith is running, delete {}", path.display()),
                    ));
                }
                let since = std::fs::metadata(&path)
                    .and_then(|m| m.modified())
                    .unwrap_or(SystemTime::UNIX_EPOCH);
                cleared = clear_leftovers(git_dir, since);
                let _ = std::fs::remove_file(&path);
            }
            Err(e) => return Err(e.into()),
        }
    }
    bail!(
        "cannot take {}: another kith sync keeps taking it",
        path.display()
    )
}

/// Whether a process is running (Unix; elsewhere every process counts as running, so a
/// stale lock is reported, never broken).
fn alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = i32::try_from(pid) else {
            return true;
        };
        // SAFETY: signal 0 only asks whether the process exists.
        let rc = unsafe { libc::kill(pid, 0) };
        rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Removes git's lock files made at or after `since` (when the killed sync began), in the
/// git folder and under `refs/`.
fn clear_leftovers(git_dir: &Path, since: SystemTime) -> Vec<String> {
    let mut found = Vec::new();
    locks(git_dir, git_dir, false, &mut found);
    locks(git_dir, &git_dir.join("refs"), true, &mut found);
    let mut cleared = Vec::new();
    for (path, rel) in found {
        let made = std::fs::metadata(&path).and_then(|m| m.modified());
        if made.is_ok_and(|t| t >= since) && std::fs::remove_file(&path).is_ok() {
            cleared.push(rel);
        }
    }
    cleared.sort();
    cleared
}

fn locks(git_dir: &Path, dir: &Path, deep: bool, out: &mut Vec<(PathBuf, String)>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() && deep {
            locks(git_dir, &path, deep, out);
        } else if ft.is_file()
            && path.extension().is_some_and(|x| x == "lock")
            && e.file_name() != FILE
        {
            let rel = path
                .strip_prefix(git_dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .into_owned();
            out.push((path, rel));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_killed_syncs_git_locks_are_cleared_and_a_running_sync_is_waited_for() {
        let git = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(git.path().join("refs/heads")).unwrap();
        // An old lock of someone else's, made before the killed sync began: kept.
        std::fs::write(git.path().join("packed-refs.lock"), "").unwrap();
        let old = SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(git.path().join("packed-refs.lock"))
            .unwrap()
            .set_modified(old)
            .unwrap();
        // A sync by a process that no longer exists (Linux's process ids stay below 2^22),
        // and the locks it left.
        std::fs::write(git.path().join(FILE), "4194304\n").unwrap();
        std::fs::write(git.path().join("index.lock"), "").unwrap();
        std::fs::write(git.path().join("refs/heads/main.lock"), "").unwrap();
        let lock = take(git.path()).unwrap();
        assert_eq!(lock.cleared, ["index.lock", "refs/heads/main.lock"]);
        assert!(git.path().join("packed-refs.lock").exists());
        // While it is held (by this very process, which is running), a second sync refuses.
        let err = take(git.path()).err().unwrap().to_string();
        assert!(err.contains("another kith sync is running"), "{err}");
        drop(lock);
        assert!(!git.path().join(FILE).exists());
        assert!(take(git.path()).unwrap().cleared.is_empty());
    }
}
