//! Which files of the working tree may differ from the index: what `git status` compares, on
//! every core.
//!
//! libgit2's status stats the working tree on one thread: 4.2 s of a 6.8 s `kith sync` at
//! 1,000,000 records. Git itself stats the index's files on several threads first
//! (`core.preloadIndex`). This does the same: the folders are read and their files stat'd in
//! parallel ([`walk`], while the caller reads the index: libgit2 takes 1.3 s to read one of a
//! million entries), the result is joined with the index ([`candidates`]), and only the files
//! whose stat differs, new files that are not ignored, and the index's missing files are left
//! for the caller to stage (`Index::add_path` then hashes them as libgit2's status would have).
//!
//! The comparison is libgit2's own (`maybe_modified`): mode, size, modification and change
//! times to the nanosecond, inode, owner; a file modified in the second the index was written,
//! or later, is "racily clean" and always a candidate. So a candidate may turn out unchanged
//! (its stat is then refreshed by the caller's `add_path`), but a changed file is never missed
//! that libgit2's status would have found.

use crate::git::indexfile::Entry;
use crate::util::stamp::FileStat;
use anyhow::Result;
use rayon::prelude::*;
use std::collections::HashSet;
use std::ffi::OsStr;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What the working tree holds that the index may not: paths relative to the repository's
/// root, in git's order.
#[derive(Debug, Default)]
pub struct Candidates {
    /// Files to stage: changed or maybe changed (present), deleted (absent), new and not
    /// ignored, or in conflict.
    pub paths: Vec<PathBuf>,
    /// Folders that are git repositories of their own, untracked and not ignored: git would
    /// commit them as a bare link to a commit.
    pub nested: Vec<PathBuf>,
}

/// A file's stat, as the index keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stat {
    mode: u32,
    size: u32,
    mtime: (i32, u32),
    ctime: (i32, u32),
    ino: u32,
    uid: u32,
    gid: u32,
}

impl Stat {
    fn of(m: &std::fs::Metadata) -> Option<Stat> {
        Stat::of_file(&FileStat::of(m))
    }

    /// A file's stat as the index keeps it (times in seconds and nanoseconds, the rest cut to
    /// 32 bits); `None` for what git does not track as a file (a folder, a device).
    fn of_file(m: &FileStat) -> Option<Stat> {
        let mode = if m.is_symlink() {
            0o120000
        } else if m.is_file() {
            // git keeps two modes for a file: executable by its owner or not.
            if m.mode & 0o100 != 0 {
                0o100755
            } else {
                0o100644
            }
        } else {
            return None;
        };
        let split = |ns: i64| {
            (
                ns.div_euclid(1_000_000_000) as i32,
                ns.rem_euclid(1_000_000_000) as u32,
            )
        };
        Some(Stat {
            mode,
            size: m.size as u32,
            mtime: split(m.mtime),
            ctime: split(m.ctime),
            ino: m.ino as u32,
            uid: m.uid,
            gid: m.gid,
        })
    }

    fn of_entry(e: &Entry) -> Stat {
        Stat {
            mode: e.mode,
            size: e.size,
            mtime: e.mtime,
            ctime: e.ctime,
            ino: e.ino,
            uid: e.uid,
            gid: e.gid,
        }
    }
}

/// An index entry under the walked folder.
struct Tracked {
    path: Vec<u8>,
    stat: Stat,
    /// In conflict (entries of stages 1 to 3): staged whatever its stat.
    always: bool,
    /// Flagged for git to leave alone (assume-unchanged, skip-worktree): never staged.
    skip: bool,
}

const GITLINK: u32 = 0o160000;

/// The working tree's files under a folder, with their stat, as [`walk`] found them.
pub struct Walked {
    root: PathBuf,
    prefix: Vec<u8>,
    /// Sorted by path.
    files: Vec<Found>,
    /// Folders not looked into: ignored ones (named to [`walk`]) and repositories of their own.
    unseen: Vec<Vec<u8>>,
    /// What could not be read: its files would look deleted.
    errors: Vec<String>,
    /// Only the paths it holds were looked at ([`listed`]); the index's other entries are not
    /// compared. Every path, for a walk.
    scope: Option<Scope>,
}

/// Which paths (relative to the repository's root) a [`listed`] set of files covers.
pub type Scope = Box<dyn Fn(&[u8]) -> bool + Send + Sync>;

/// A [`Walked`] from files the caller has already listed and `lstat`'d (a load of the records
/// does, in the pass that reads their folders): `files` are every file under `prefix` of the
/// working tree whose path `scope` holds, and only those, by their path relative to the
/// repository's `root`. The index's entries outside `scope` are left out of the comparison,
/// so a second walk of every folder is saved when only some files matter.
pub fn listed(
    root: &Path,
    prefix: &Path,
    files: impl IntoIterator<Item = (Vec<u8>, FileStat)>,
    scope: Scope,
) -> Walked {
    let mut files: Vec<Found> = files
        .into_iter()
        .filter_map(|(path, seen)| Some((path, Stat::of_file(&seen)?)))
        .collect();
    files.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Walked {
        root: root.to_path_buf(),
        prefix: prefix.as_os_str().as_bytes().to_vec(),
        files,
        unseen: Vec::new(),
        errors: Vec::new(),
        scope: Some(scope),
    }
}

/// A file found in the working tree: its path relative to the repository's root, its stat.
type Found = (Vec<u8>, Stat);

/// A path that [`walk`] never looks at (kith's own files); relative to the repository's root.
pub type Skip<'a> = &'a (dyn Fn(&Path) -> bool + Sync);

/// What kith never commits in the workspace at `prefix`: a temporary file a killed write left
/// (`.NAME.XXXXXX.kith-tmp`), and anything in its `.kith/` (caches, the watcher's socket),
/// should the workspace's .gitignore not name them.
pub fn kiths_own(prefix: &Path) -> impl Fn(&Path) -> bool + Sync + use<> {
    let own = prefix.join(".kith");
    move |path: &Path| path.extension().is_some_and(|e| e == "kith-tmp") || path.starts_with(&own)
}

/// What comparing the working tree with git's index starts from, read at once: the files under
/// `prefix` walked and stat'd on every core while libgit2 reads the index (1.3 s at 1,000,000
/// entries, on one thread), and the tree the index holds exactly, per its cache-tree (`None`
/// when something is staged, or when the file changed between the two reads of it).
pub struct Look {
    pub index: std::result::Result<git2::Index, git2::Error>,
    pub walked: std::thread::Result<Walked>,
    pub tree: Option<git2::Oid>,
}

/// Reads [`Look`] for the workspace at `prefix` of `git`'s working tree `root`.
pub fn look(git: &git2::Repository, root: &Path, prefix: &Path, skip: Skip) -> Look {
    let index_file = git.path().join("index");
    let ((index, tree), walked) = beside_walk(git, root, prefix, skip, || {
        // git and libgit2 replace the index by renaming a new file into place: the same stamp
        // before and after means the file libgit2 read is the one whose cache-tree was read.
        let stamp = || crate::util::stamp::Stamp::of_path(&index_file);
        let before = stamp();
        let tree = crate::git::indexfile::tree_of(&index_file);
        let index = git.index();
        let same = before.is_some() && before == stamp();
        (index, tree.filter(|_| same))
    });
    Look {
        index,
        walked,
        tree,
    }
}

/// [`Look`] for a reader that does not stage: the index file is read by kith
/// (`indexfile::read`, about a fifth of libgit2's time) while the working tree is walked; its
/// tree comes from the same read.
pub struct LookFile {
    pub index: Option<crate::git::indexfile::IndexFile>,
    pub walked: std::thread::Result<Walked>,
}

/// Reads [`LookFile`] for the workspace at `prefix` of `git`'s working tree `root`.
pub fn look_file(git: &git2::Repository, root: &Path, prefix: &Path, skip: Skip) -> LookFile {
    let index_file = git.path().join("index");
    let (index, walked) = beside_walk(git, root, prefix, skip, || {
        crate::git::indexfile::read(&index_file)
    });
    LookFile { index, walked }
}

/// Runs `read` (the caller's reading of the index) on this thread while the files under
/// `prefix` are walked and stat'd on every core.
fn beside_walk<T>(
    git: &git2::Repository,
    root: &Path,
    prefix: &Path,
    skip: Skip,
    read: impl FnOnce() -> T,
) -> (T, std::thread::Result<Walked>) {
    let ignored = ignored_folders(git, prefix);
    std::thread::scope(|s| {
        let walking = s.spawn(|| walk(root, prefix, &ignored, skip));
        let read = read();
        (read, walking.join())
    })
}

/// The first-level folders under `prefix` that the ignore rules leave out: [`walk`] does not
/// look into them (a report's `out/`, `node_modules/`), unless the index holds files there.
pub fn ignored_folders(git: &git2::Repository, prefix: &Path) -> Vec<Vec<u8>> {
    let Some(root) = git.workdir() else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(root.join(prefix)) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| e.file_name() != ".git" && e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| prefix.join(e.file_name()))
        .filter(|rel| git.is_path_ignored(rel).unwrap_or(false))
        .map(|rel| rel.into_os_string().into_vec())
        .collect()
}

/// Reads every folder under `prefix` (relative to the repository's `root`) and stats its files,
/// on every core; `ignored` folders (from [`ignored_folders`]) and repositories of their own are
/// not looked into. Needs no repository, so that it can run while the index is read.
pub fn walk(root: &Path, prefix: &Path, ignored: &[Vec<u8>], skip: Skip) -> Walked {
    let prefix = prefix.as_os_str().as_bytes().to_vec();
    let walk = Walk {
        root,
        start: prefix.clone(),
        ignored,
        skip,
        files: Mutex::new(Vec::new()),
        unseen: Mutex::new(Vec::new()),
        errors: Mutex::new(Vec::new()),
    };
    rayon::scope(|s| walk.folder(s, prefix.clone()));
    let Walk {
        files,
        unseen,
        errors,
        ..
    } = walk;
    let mut files: Vec<Found> = files
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .flatten()
        .collect();
    files.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Walked {
        root: root.to_path_buf(),
        prefix,
        files,
        unseen: unseen.into_inner().unwrap_or_else(|e| e.into_inner()),
        errors: errors.into_inner().unwrap_or_else(|e| e.into_inner()),
        scope: None,
    }
}

/// The files of `walked` that may differ from `index`: joined entry by entry, new files asked
/// against the ignore rules (once a folder the index knows nothing of), folders left unseen
/// walked now if the index holds files in them.
pub fn candidates(
    git: &git2::Repository,
    entries: impl IntoIterator<Item = Entry>,
    mut walked: Walked,
    skip: Skip,
) -> Result<Candidates> {
    let prefix = walked.prefix.clone();
    let under = |p: &[u8]| {
        prefix.is_empty()
            || (p.len() > prefix.len() && p.starts_with(&prefix) && p[prefix.len()] == b'/')
    };

    // The index: its entries under the prefix, the folders that hold them, the submodules.
    let mut tracked: Vec<Tracked> = Vec::new();
    let mut gitlinks: HashSet<Vec<u8>> = HashSet::new();
    let scope = walked.scope.take();
    for e in entries {
        if !under(&e.path) || scope.as_ref().is_some_and(|holds| !holds(&e.path)) {
            continue;
        }
        if e.mode == GITLINK {
            gitlinks.insert(e.path);
            continue;
        }
        tracked.push(Tracked {
            stat: Stat::of_entry(&e),
            always: e.in_conflict(),
            skip: e.left_alone(),
            path: e.path,
        });
    }
    // Git's order is the bytes' order; an index that says otherwise (core.ignorecase) is sorted
    // here so that the join below holds. A file in conflict has an entry per side: one is kept.
    tracked.par_sort_by(|a, b| a.path.cmp(&b.path));
    tracked.dedup_by(|later, kept| later.path == kept.path);
    let mut folders: HashSet<&[u8]> = HashSet::new();
    for t in &tracked {
        let mut p: &[u8] = &t.path;
        while let Some(slash) = p.iter().rposition(|&c| c == b'/') {
            p = &p[..slash];
            if !folders.insert(p) {
                break;
            }
        }
    }
    let mut out = Candidates::default();

    // Folders the walk did not look into: walked now if the index holds files there (a
    // tracked page in an ignored `out/`); otherwise a repository of its own is reported.
    let mut late = Vec::new();
    for dir in std::mem::take(&mut walked.unseen) {
        if folders.contains(dir.as_slice()) {
            late.push(dir);
        } else if !gitlinks.contains(&dir)
            && walked.root.join(path_of(&dir)).join(".git").exists()
            && !git.is_path_ignored(path_of(&dir)).unwrap_or(false)
        {
            out.nested.push(path_of(&dir).to_path_buf());
        }
    }
    for dir in &late {
        let more = walk(&walked.root, path_of(dir), &[], skip);
        walked.files.extend(more.files);
        walked.errors.extend(more.errors);
    }
    if !late.is_empty() {
        walked.files.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    }
    // A folder or file that could not be read would have its files staged as deleted.
    if let Some(first) = walked.errors.first() {
        anyhow::bail!(
            "cannot read {first}{}; nothing was committed: fix its permissions (or name it in .gitignore), then sync again",
            match walked.errors.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            }
        );
    }
    // Files that are gitlinks' (a submodule's checkout) are not the index's business here.
    let files: Vec<&Found> = walked
        .files
        .iter()
        .filter(|(p, _)| gitlinks.is_empty() || !inside_any(p, &gitlinks))
        .collect();

    // The racy-git rule: a file modified in the index's own second, or after, may have changed
    // without its stat showing it.
    let index_time = std::fs::metadata(git.path().join("index"))
        .map(|m| (m.mtime() as i32, m.mtime_nsec() as u32))
        .unwrap_or((0, 0));
    let mut new: Vec<&[u8]> = Vec::new();
    // Both lists sorted: one pass pairs each file with its entry.
    let (mut i, mut j) = (0, 0);
    while i < tracked.len() || j < files.len() {
        let order = match (tracked.get(i), files.get(j)) {
            (Some(t), Some(f)) => t.path.cmp(&f.0),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Less => {
                // In the index, not in the working tree: deleted.
                let t = &tracked[i];
                if !t.skip && !skip(path_of(&t.path)) {
                    out.paths.push(path_of(&t.path).to_path_buf());
                }
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                new.push(&files[j].0);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                let (t, f) = (&tracked[i], &files[j].1);
                let racy = index_time != (0, 0) && f.mtime >= index_time;
                if t.always || (!t.skip && (t.stat != *f || racy)) {
                    out.paths.push(path_of(&t.path).to_path_buf());
                }
                i += 1;
                j += 1;
            }
        }
    }

    // New files: each under a folder the index knows is asked alone; under one it does not,
    // that folder is asked first (and a repository of its own is reported, not committed).
    let mut verdicts: std::collections::HashMap<&[u8], bool> = std::collections::HashMap::new();
    for path in new {
        let outer = outermost_unknown(path, prefix.len(), &folders);
        if let Some(dir) = outer {
            let keep = *verdicts.entry(dir).or_insert_with(|| {
                let rel = path_of(dir);
                if git.is_path_ignored(rel).unwrap_or(false) {
                    false
                } else if walked.root.join(rel).join(".git").exists() {
                    out.nested.push(rel.to_path_buf());
                    false
                } else {
                    true
                }
            });
            if !keep {
                continue;
            }
        }
        let rel = path_of(path);
        if !git.is_path_ignored(rel).unwrap_or(false) {
            out.paths.push(rel.to_path_buf());
        }
    }
    out.paths.sort();
    out.nested.sort();
    out.nested.dedup();
    Ok(out)
}

/// The outermost folder of `path` (below the first `from` bytes, the walked folder) that holds
/// no tracked file, if any.
fn outermost_unknown<'p>(
    path: &'p [u8],
    from: usize,
    folders: &HashSet<&[u8]>,
) -> Option<&'p [u8]> {
    let mut at = if from == 0 { 0 } else { from + 1 };
    while let Some(slash) = path[at..].iter().position(|&c| c == b'/') {
        let dir = &path[..at + slash];
        if !folders.contains(dir) {
            return Some(dir);
        }
        at += slash + 1;
    }
    None
}

/// Whether `path` is inside one of `dirs`.
fn inside_any(path: &[u8], dirs: &HashSet<Vec<u8>>) -> bool {
    let mut p = path;
    while let Some(slash) = p.iter().rposition(|&c| c == b'/') {
        p = &p[..slash];
        if dirs.contains(p) {
            return true;
        }
    }
    false
}

fn path_of(bytes: &[u8]) -> &Path {
    Path::new(OsStr::from_bytes(bytes))
}

struct Walk<'a> {
    root: &'a Path,
    /// The folder the walk starts from.
    start: Vec<u8>,
    ignored: &'a [Vec<u8>],
    skip: Skip<'a>,
    /// Each folder's files with their stat.
    files: Mutex<Vec<Vec<Found>>>,
    /// Folders not looked into.
    unseen: Mutex<Vec<Vec<u8>>>,
    /// Folders and files that could not be read, and why.
    errors: Mutex<Vec<String>>,
}

impl<'a> Walk<'a> {
    fn folder<'s>(&'s self, s: &rayon::Scope<'s>, rel: Vec<u8>) {
        let dir = self.root.join(path_of(&rel));
        // A folder gone since its parent was read was deleted, files and all; any other
        // failure is said, not taken for a deletion.
        let fail = |e: std::io::Error, what: &Path| {
            if e.kind() != std::io::ErrorKind::NotFound {
                self.errors
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(format!("{}: {e}", what.display()));
            }
        };
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => return fail(e, &dir),
        };
        let mut listed: Vec<std::fs::DirEntry> = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => listed.push(entry),
                Err(e) => return fail(e, &dir),
            }
        }
        let entries = listed;
        // A repository of its own inside the walked folder (its `.git`, a folder or a
        // submodule's file): not looked into; `candidates` walks it if the index holds files
        // there. Git's own `.git`, at the start, is only passed over.
        if rel != self.start && entries.iter().any(|e| e.file_name() == ".git") {
            self.unseen
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(rel);
            return;
        }
        let mut files = Vec::new();
        let mut unseen = Vec::new();
        for entry in entries {
            let name = entry.file_name();
            let name = name.as_bytes();
            if name == b".git" {
                continue;
            }
            let mut child = Vec::with_capacity(rel.len() + 1 + name.len());
            if !rel.is_empty() {
                child.extend_from_slice(&rel);
                child.push(b'/');
            }
            child.extend_from_slice(name);
            if (self.skip)(path_of(&child)) {
                continue;
            }
            let kind = match entry.file_type() {
                Ok(kind) => kind,
                Err(e) => {
                    fail(e, &entry.path());
                    continue;
                }
            };
            if kind.is_dir() {
                if self.ignored.contains(&child) {
                    unseen.push(child);
                } else {
                    s.spawn(move |s| self.folder(s, child));
                }
                continue;
            }
            match entry.metadata() {
                Ok(m) => {
                    if let Some(stat) = Stat::of(&m) {
                        files.push((child, stat));
                    }
                }
                Err(e) => fail(e, &entry.path()),
            }
        }
        if !files.is_empty() {
            self.files
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(files);
        }
        if !unseen.is_empty() {
            self.unseen
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend(unseen);
        }
    }
}
