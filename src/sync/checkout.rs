//! Moving a clone's working tree and branch to another commit (a sync's fast-forward or merge)
//! so that a process killed at any moment loses nothing: the checkout and its journal.
//!
//! # The journal
//!
//! By the time a sync touches the working tree, every state it needs is a commit: the local
//! snapshot (the user's edits, committed on the branch by the sync: `from`) and the commit
//! it moves to (the merge result, or the remote's head for a fast-forward: `to`). Before the
//! first file changes, the sync writes the journal, `.git/kith-sync-pending`, whole (a
//! temporary file, flushed, renamed): `to` on the first line, `from` on the second. `from`
//! names the tree the working tree held, `to` the tree being checked out. The journal is
//! removed only after the branch has moved to `to`.
//!
//! The checkout changes only the files `from` and `to` differ in, after checking that each
//! still holds `from`'s version (a file changed and not committed, outside the workspace or
//! saved during the sync, stops it before anything is written). Each file is written whole:
//! every new version goes to a temporary file beside its target (`.NAME.kith-sync.kith-tmp`),
//! all are flushed to disk together, and only then is each renamed over its target (removals
//! come first). So at every moment every file holds `from`'s bytes or `to`'s, never a mix and
//! never an empty file; then the index is set to `to` and the branch moves.
//!
//! # The next sync
//!
//! Before it commits anything, the next sync reads the journal ([`recover`]):
//!
//! - The branch is at `to`: the kill came after the branch moved; only the journal is left.
//! - The branch is at neither: someone moved it with git since; the working tree is theirs to
//!   commit, as usual.
//! - The branch is at `from`: every file `from` and `to` differ in is compared with both
//!   versions. When each holds one of them, nothing happened since the kill but the kill
//!   itself, and the checkout is **finished**: the files still at `from` are written as above,
//!   the index and the branch move to `to`. When a file holds neither (edited since the kill),
//!   the checkout is **rolled back**: the files at `to` get `from`'s version back, the edited
//!   ones stay as they are, and the index goes back to `from`; the sync then commits those
//!   edits on top of `from` and merges again, as if the interrupted sync had never run.
//!
//! Either way a half-written tree is never committed as the user's change: the working tree
//! is committed only after this step, when it is `to` or `from` plus what the user edited.
//! Temporary files a kill left beside the records are removed on the way.

use anyhow::{Context, Result};
use git2::{Oid, Repository};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The journal's file name in the git folder.
const JOURNAL: &str = "kith-sync-pending";

/// A regular file's mode in a tree; executables and symbolic links have their own.
const FILE: u32 = 0o100644;
const EXECUTABLE: u32 = 0o100755;
const LINK: u32 = 0o120000;

fn journal(git: &Repository) -> PathBuf {
    git.path().join(JOURNAL)
}

/// One file `from` and `to` differ in: its path in the working tree, and its blob and mode on
/// each side (`None`: not a file there).
#[derive(Debug)]
struct Change {
    path: PathBuf,
    from: Option<(Oid, u32)>,
    to: Option<(Oid, u32)>,
}

/// Which version a working tree file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    From,
    To,
    /// Neither: changed by someone else.
    Other,
}

/// What [`recover`] found and did.
#[derive(Debug, Default)]
pub struct Recovered {
    /// An interrupted checkout was finished and the branch moved.
    pub finished: bool,
    /// An interrupted checkout was rolled back, keeping these files edited since (relative to
    /// the working tree).
    pub kept: Vec<String>,
}

/// The files two commits differ in (submodules are left alone).
fn changes(git: &Repository, from: Oid, to: Oid) -> Result<Vec<Change>> {
    let (a, b) = (git.find_commit(from)?.tree()?, git.find_commit(to)?.tree()?);
    let diff = git.diff_tree_to_tree(Some(&a), Some(&b), None)?;
    let side = |f: git2::DiffFile| {
        let mode = u32::from(f.mode());
        (!f.id().is_zero() && [FILE, EXECUTABLE, LINK].contains(&mode)).then(|| (f.id(), mode))
    };
    Ok(diff
        .deltas()
        .filter_map(|d| {
            let path = d.new_file().path().or(d.old_file().path())?.to_path_buf();
            let c = Change {
                path,
                from: side(d.old_file()),
                to: side(d.new_file()),
            };
            (c.from.is_some() || c.to.is_some()).then_some(c)
        })
        .collect())
}

/// The blob id of what is at `path` in the working tree (`None`: nothing; the zero id: a
/// folder or something else that is not a file).
fn found(path: &Path) -> Result<Option<Oid>> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let id = if meta.is_symlink() {
        let target =
            std::fs::read_link(path).with_context(|| format!("cannot read {}", path.display()))?;
        Oid::hash_object(
            git2::ObjectType::Blob,
            target.as_os_str().as_encoded_bytes(),
        )?
    } else if meta.is_file() {
        Oid::hash_file(git2::ObjectType::Blob, path)
            .with_context(|| format!("cannot read {}", path.display()))?
    } else {
        Oid::ZERO_SHA1
    };
    Ok(Some(id))
}

/// Which version of `c` the working tree holds.
fn state(workdir: &Path, c: &Change) -> Result<At> {
    let now = found(&workdir.join(&c.path))?;
    Ok(if now == c.from.map(|s| s.0) {
        At::From
    } else if now == c.to.map(|s| s.0) {
        At::To
    } else {
        At::Other
    })
}

/// The temporary file a checkout writes `path`'s new version to. One name per file: only a
/// sync writes it, under the sync lock, so one a killed sync left can be taken back.
fn temp_of(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.kith-sync.kith-tmp"))
}

/// Removes the temporary files a killed checkout left beside these files.
fn clear_temps(workdir: &Path, changes: &[Change]) {
    for c in changes {
        let _ = std::fs::remove_file(temp_of(&workdir.join(&c.path)));
    }
}

/// Writes the journal whole: the commit being checked out and the one the branch is at.
fn write_journal(git: &Repository, to: Oid, from: Oid) -> Result<()> {
    let path = journal(git);
    let _ = std::fs::remove_file(&path);
    crate::util::files::write_atomic(
        &path,
        format!("{to}\n{from}\n").as_bytes(),
        crate::util::files::Expect::Absent,
    )
    .context("cannot write the sync's journal in the .git folder")
}

/// Reads the journal: (to, from); `None` when there is none (or it is unreadable, and then it
/// cannot have been complete: it is written whole).
fn read_journal(git: &Repository) -> Option<(Oid, Oid)> {
    let text = std::fs::read_to_string(journal(git)).ok()?;
    let mut ids = text.lines().filter_map(|l| Oid::from_str(l.trim()).ok());
    Some((ids.next()?, ids.next()?))
}

/// Sets the version of each of `changes` that `side` picks in the working tree, each file
/// whole: removals, then every new version written to its temporary file, all flushed, then
/// renamed one by one. The failpoint `checkout:N` kills the process when `N` files are done.
fn apply(
    git: &Repository,
    workdir: &Path,
    changes: &[&Change],
    side: fn(&Change) -> Option<(Oid, u32)>,
) -> Result<()> {
    let mut done = 0;
    let point = |done: usize| crate::sync::failpoint(&format!("checkout:{done}"));
    for c in changes.iter().filter(|c| side(c).is_none()) {
        point(done);
        let path = workdir.join(&c.path);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot remove {}", path.display())),
        }
        // An emptied folder goes, as git would remove it.
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| *d != workdir && d.starts_with(workdir)) {
            if std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
        done += 1;
    }
    let writes: Vec<(PathBuf, PathBuf, Oid, u32)> = changes
        .iter()
        .filter_map(|c| {
            let (id, mode) = side(c)?;
            let path = workdir.join(&c.path);
            Some((temp_of(&path), path, id, mode))
        })
        .collect();
    for (tmp, path, id, mode) in &writes {
        let blob = git.find_blob(*id)?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let _ = std::fs::remove_file(tmp);
        write_temp(tmp, blob.content(), *mode)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    flush(&writes)?;
    let mut dirs: Vec<&Path> = Vec::new();
    for (tmp, path, _, _) in &writes {
        point(done);
        std::fs::rename(tmp, path).with_context(|| format!("cannot replace {}", path.display()))?;
        if let Some(dir) = path.parent()
            && !dirs.contains(&dir)
        {
            dirs.push(dir);
        }
        done += 1;
    }
    point(done);
    for dir in dirs {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// A new file holding `content`: a regular file, an executable, or a symbolic link.
fn write_temp(tmp: &Path, content: &[u8], mode: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    if mode == LINK {
        use std::os::unix::ffi::OsStrExt;
        return std::os::unix::fs::symlink(std::ffi::OsStr::from_bytes(content), tmp);
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if mode == EXECUTABLE { 0o777 } else { 0o666 });
    }
    let mut f = options.open(tmp)?;
    f.write_all(content)
}

/// Flushes the temporary files to disk before the first rename: on Linux one `syncfs` of
/// their file system (a checkout can write thousands of files, and a `fsync` each would cost
/// seconds), elsewhere each file, many at once (the disk, not the CPU, is the wait).
fn flush(writes: &[(PathBuf, PathBuf, Oid, u32)]) -> Result<()> {
    #[cfg(target_os = "linux")]
    if let Some((tmp, path, _, _)) = writes.iter().find(|w| w.3 != LINK) {
        use std::os::fd::AsRawFd;
        let f =
            std::fs::File::open(tmp).with_context(|| format!("cannot write {}", path.display()))?;
        // SAFETY: `syncfs` takes an open file descriptor, which `f` holds until it is dropped.
        if unsafe { libc::syncfs(f.as_raw_fd()) } == 0 {
            return Ok(());
        }
    }
    use rayon::prelude::*;
    writes
        .par_iter()
        .filter(|(_, _, _, mode)| *mode != LINK)
        .try_for_each(|(tmp, path, _, _)| {
            std::fs::File::open(tmp)
                .and_then(|f| f.sync_all())
                .with_context(|| format!("cannot write {}", path.display()))
        })
}

/// Sets the index to `commit`'s tree, with the working tree's file details for `written`
/// (so that git sees them unchanged without reading them again).
fn set_index(
    git: &Repository,
    workdir: &Path,
    commit: Oid,
    written: &[&Change],
    to: bool,
) -> Result<()> {
    let mut index = git.index()?;
    for c in written {
        let Some((id, mode)) = (if to { c.to } else { c.from }) else {
            continue;
        };
        let Ok(meta) = std::fs::symlink_metadata(workdir.join(&c.path)) else {
            continue;
        };
        index.add(&entry(&c.path, id, mode, &meta))?;
    }
    // The tree last: libgit2's `read_tree` keeps the file details of every entry whose path,
    // mode and id stay (those just added among them), and leaves the index's cache-tree valid
    // for the tree, so that the next sync and report see at once that nothing is staged.
    // Added after it, each entry would mark its folders (and the root) as changed.
    index.read_tree(&git.find_commit(commit)?.tree()?)?;
    index.write()?;
    Ok(())
}

/// An index entry for a file the checkout wrote, with its details on disk.
fn entry(path: &Path, id: Oid, mode: u32, meta: &std::fs::Metadata) -> git2::IndexEntry {
    let mut e = crate::git::index_entry(path.to_string_lossy().as_bytes(), id, meta.len() as usize);
    e.mode = mode;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // The index holds 32-bit seconds and nanoseconds, as git does.
        e.ctime = git2::IndexTime::new(meta.ctime() as i32, meta.ctime_nsec() as u32);
        e.mtime = git2::IndexTime::new(meta.mtime() as i32, meta.mtime_nsec() as u32);
        e.dev = meta.dev() as u32;
        e.ino = meta.ino() as u32;
        e.uid = meta.uid();
        e.gid = meta.gid();
    }
    e
}

/// The working tree, the branch HEAD names, and the commit it is at.
fn where_at(git: &Repository) -> Result<(PathBuf, String, Oid)> {
    let workdir = git
        .workdir()
        .context("the repository has no working tree")?
        .to_path_buf();
    let head = git.head()?;
    let name = head.name().context("HEAD has no name")?.to_string();
    Ok((workdir, name, head.peel_to_commit()?.id()))
}

/// Checks `to` out and moves the current branch to it, journalled (see the module's
/// documentation): the working tree first, then the branch, so the branch never points at a
/// commit whose files are not in the working tree (the next commit would undo them).
pub fn move_to(git: &Repository, to: Oid, why: &str) -> Result<()> {
    let (workdir, name, from) = where_at(git)?;
    let changes = changes(git, from, to)?;
    let mut blocked = Vec::new();
    for c in &changes {
        if state(&workdir, c)? == At::Other {
            blocked.push(c.path.display().to_string());
        }
    }
    if !blocked.is_empty() {
        return Err(crate::util::hint::hint(
            format!(
                "the sync changes {}, which you changed too and did not commit (kith commits only the workspace)",
                blocked.join(", ")
            ),
            "commit or stash your change (`git stash`), run `kith sync` again, then `git stash pop`; nothing was lost",
        ));
    }
    write_journal(git, to, from)?;
    crate::util::output::trace("journal written");
    let all: Vec<&Change> = changes.iter().collect();
    let result = apply(git, &workdir, &all, |c| c.to)
        .and_then(|()| set_index(git, &workdir, to, &all, true));
    if let Err(e) = result {
        // Left for the next sync to finish or roll back: the journal says what was under way.
        return Err(e.context(
            "cannot update the working tree; nothing was lost, run `kith sync` again to finish",
        ));
    }
    crate::sync::failpoint("checked-out");
    crate::util::output::trace("checked out");
    git.reference_matching(&name, to, true, from, why).context(
        "the branch moved while kith was syncing; nothing was lost, run `kith sync` again",
    )?;
    let _ = std::fs::remove_file(journal(git));
    Ok(())
}

/// Finishes or rolls back a checkout an earlier sync was killed in (see the module's
/// documentation). Does nothing when there is no journal.
pub fn recover(git: &Repository) -> Result<Recovered> {
    let mut out = Recovered::default();
    let Some((to, from)) = read_journal(git) else {
        let _ = std::fs::remove_file(journal(git));
        return Ok(out);
    };
    let (workdir, name, at) = where_at(git)?;
    let Ok(changes) = changes(git, from, to) else {
        // `to` is gone (only `git gc` of a long-forgotten journal could do that): nothing to
        // finish, and `from` is the branch's own history.
        let _ = std::fs::remove_file(journal(git));
        return Ok(out);
    };
    if at != from {
        // Moved on (to `to` by the killed sync itself, or elsewhere by the user's git).
        clear_temps(&workdir, &changes);
        let _ = std::fs::remove_file(journal(git));
        return Ok(out);
    }
    let mut states = Vec::with_capacity(changes.len());
    for c in &changes {
        states.push(state(&workdir, c)?);
    }
    let pick = |want: At| -> Vec<&Change> {
        changes
            .iter()
            .zip(&states)
            .filter(|(_, s)| **s == want)
            .map(|(c, _)| c)
            .collect()
    };
    clear_temps(&workdir, &changes);
    let kept = pick(At::Other);
    if kept.is_empty() {
        let rest = pick(At::From);
        apply(git, &workdir, &rest, |c| c.to)?;
        set_index(git, &workdir, to, &rest, true)?;
        git.reference_matching(
            &name,
            to,
            true,
            from,
            "kith sync: finish an interrupted sync",
        )?;
        out.finished = true;
    } else {
        let back = pick(At::To);
        apply(git, &workdir, &back, |c| c.from)?;
        set_index(git, &workdir, from, &back, false)?;
        out.kept = kept.iter().map(|c| c.path.display().to_string()).collect();
    }
    let _ = std::fs::remove_file(journal(git));
    Ok(out)
}
