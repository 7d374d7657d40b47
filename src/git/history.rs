//! The history engine: what changed in which record, field by field, in every commit.
//!
//! Semantics (the weekly reports rely on them too):
//! - only paths under the workspace count (it may be a subfolder of a larger repository);
//! - each change belongs to the non-merge commit that introduced it, compared with its first
//!   parent, never to whoever merged it;
//! - dates are author dates; renames are followed (git's similarity detection).

use super::diff::diff_texts;
use crate::record::Kind;
use crate::record::activity::Activity;
use crate::record::config::Config;
use crate::record::value::Value;
use anyhow::Result;
use git2::{Delta, DiffFindOptions, DiffOptions, Oid, Repository, Sort};
use jiff::Timestamp;
use std::path::{Path, PathBuf};

/// A commit, as history shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Commit {
    pub id: String,
    pub author: String,
    pub email: String,
    pub time: Timestamp,
    pub summary: String,
}

impl Commit {
    pub fn short(&self) -> &str {
        &self.id[..self.id.len().min(8)]
    }
}

/// One change to one record.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Created,
    Deleted,
    /// The record was renamed from this id (its file moved).
    Renamed {
        from: String,
    },
    /// A field was added (`old` None), removed (`new` None) or changed.
    Field {
        key: String,
        old: Option<Value>,
        new: Option<Value>,
    },
    /// An activity entry was added to the log.
    Logged(Activity),
}

/// Raw folder (tree) objects recently read, by id.
#[derive(Default)]
pub struct Folders {
    recent: std::collections::VecDeque<(Oid, std::rc::Rc<[u8]>)>,
}

impl Folders {
    /// The raw tree object `oid` (empty for none).
    fn read(&mut self, odb: &git2::Odb, oid: Option<Oid>) -> Result<std::rc::Rc<[u8]>> {
        let Some(oid) = oid else {
            return Ok(std::rc::Rc::from(&[][..]));
        };
        if let Some((_, data)) = self.recent.iter().find(|(o, _)| *o == oid) {
            return Ok(data.clone());
        }
        let data: std::rc::Rc<[u8]> = std::rc::Rc::from(odb.read(oid)?.data());
        // Three record folders, before and after.
        if self.recent.len() == 6 {
            self.recent.pop_front();
        }
        self.recent.push_back((oid, data.clone()));
        Ok(data)
    }
}

/// The entries of a raw git tree object, `<octal mode> <name>\0<20-byte id>` each, as (mode,
/// name, id) in the tree's order; a truncated entry ends them.
fn tree_entries(raw: &[u8]) -> impl Iterator<Item = (&[u8], &[u8], &[u8])> {
    let mut rest = raw;
    std::iter::from_fn(move || {
        let space = memchr::memchr(b' ', rest)?;
        let nul = space + memchr::memchr(0, &rest[space..])?;
        if rest.len() < nul + 21 {
            return None;
        }
        let entry = (
            &rest[..space],
            &rest[space + 1..nul],
            &rest[nul + 1..nul + 21],
        );
        rest = &rest[nul + 21..];
        Some(entry)
    })
}

/// The files (not folders or submodules) of a raw git tree object, as (name, 20-byte id), in
/// the tree's order, which for files alone is byte order.
fn tree_files(raw: &[u8]) -> Vec<(&[u8], &[u8])> {
    tree_entries(raw)
        .filter(|(mode, _, _)| mode.first() == Some(&b'1') && *mode != b"160000")
        .map(|(_, name, id)| (name, id))
        .collect()
}

/// The files that differ between two versions of the record folder `dir` (raw tree objects),
/// in name order; folders inside are not looked at.
fn diff_folder(dir: &Path, old: &[u8], new: &[u8], out: &mut Vec<FileChange>) {
    let (old, new) = (tree_files(old), tree_files(new));
    let at = |name: &[u8], oid: &[u8]| -> Option<(PathBuf, Oid)> {
        let name = std::str::from_utf8(name).ok()?;
        Some((dir.join(name), Oid::from_bytes(oid).ok()?))
    };
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        let order = match (old.get(i), new.get(j)) {
            (Some(a), Some(b)) => a.0.cmp(b.0),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        let change = match order {
            std::cmp::Ordering::Less => {
                i += 1;
                (at(old[i - 1].0, old[i - 1].1), None)
            }
            std::cmp::Ordering::Greater => {
                j += 1;
                (None, at(new[j - 1].0, new[j - 1].1))
            }
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
                if old[i - 1].1 == new[j - 1].1 {
                    continue;
                }
                (
                    at(old[i - 1].0, old[i - 1].1),
                    at(new[j - 1].0, new[j - 1].1),
                )
            }
        };
        if change.0.is_some() || change.1.is_some() {
            out.push(FileChange {
                old: change.0,
                new: change.1,
                renamed: false,
            });
        }
    }
}

/// The folders of a raw git tree object whose names `is_shard` accepts (`3f` in a record
/// folder, `a` in a shard folder, `layout: sharded`), by name; other folders hold no records.
fn tree_folders(raw: &[u8], is_shard: fn(&str) -> bool) -> std::collections::HashMap<&[u8], Oid> {
    tree_entries(raw)
        .filter(|(mode, name, _)| {
            *mode == b"40000" && std::str::from_utf8(name).is_ok_and(is_shard)
        })
        .filter_map(|(_, name, id)| Some((name, Oid::from_bytes(id).ok()?)))
        .collect()
}

/// The folders named as `is_shard` accepts whose tree differs between two versions of a raw
/// tree object, in name order: (name, tree before, tree after).
fn changed_folders(
    old: &[u8],
    new: &[u8],
    is_shard: fn(&str) -> bool,
) -> Vec<(String, Option<Oid>, Option<Oid>)> {
    let (old, new) = (tree_folders(old, is_shard), tree_folders(new, is_shard));
    let names: std::collections::BTreeSet<&[u8]> = old.keys().chain(new.keys()).copied().collect();
    names
        .into_iter()
        .filter_map(|name| {
            let (a, b) = (old.get(name).copied(), new.get(name).copied());
            let name = std::str::from_utf8(name).ok()?;
            (a != b).then(|| (name.to_string(), a, b))
        })
        .collect()
}

/// A commit and the files it changed.
pub type CommitFiles = (Oid, Vec<FileChange>);

/// One file a commit changed: its path and blob before and after (`None`: not there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub old: Option<(PathBuf, Oid)>,
    pub new: Option<(PathBuf, Oid)>,
    /// git's similarity detection paired `old` and `new` as one file moved.
    pub renamed: bool,
}

/// Past this many paths, a diff limited to them is made over the record folders and its
/// files are kept by a set: libgit2 matches each file against each pathspec.
const MANY_PATHS: usize = 256;

/// An event of history with the record it happened to.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordEvent {
    pub kind: Kind,
    pub id: String,
    pub event: Event,
}

/// The repository that holds a workspace.
pub struct Repo {
    pub git: Repository,
    /// The workspace's folder relative to the repository's root (empty at the root).
    pub prefix: PathBuf,
}

impl Repo {
    /// The repository holding the workspace at `root`, or `None` when it is not in one.
    pub fn open(root: &Path) -> Result<Option<Repo>> {
        let git = match Repository::discover(root) {
            Ok(r) => r,
            Err(_) => return Ok(None),
        };
        let Some(workdir) = git.workdir() else {
            return Ok(None);
        };
        let prefix = root
            .canonicalize()?
            .strip_prefix(workdir.canonicalize()?)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        Ok(Some(Repo { git, prefix }))
    }

    pub fn is_shallow(&self) -> bool {
        self.git.is_shallow()
    }

    /// The record a repository path belongs to, if it is one.
    pub fn record_of(&self, path: &Path) -> Option<(Kind, String)> {
        let (kind, id) = Repo::record_at(&self.prefix, path)?;
        Some((kind, id.to_string()))
    }

    /// [`Repo::record_of`] for the workspace at `prefix` of a repository, without a copy of
    /// the id: for a caller that asks of every path.
    pub fn record_at<'p>(prefix: &Path, path: &'p Path) -> Option<(Kind, &'p str)> {
        Kind::of_path(path.strip_prefix(prefix).ok()?.to_str()?)
    }

    /// The repository paths of a record in the flat and the sharded layout.
    pub fn paths_of(&self, kind: Kind, id: &str) -> [PathBuf; 2] {
        use crate::record::layout::Layout;
        [Layout::Flat, Layout::Sharded].map(|l| self.prefix.join(l.rel(kind, id)))
    }

    /// The path a record file has in the other layout (flat ↔ sharded).
    pub fn in_other_layout(&self, path: &Path) -> Option<PathBuf> {
        let (kind, id) = self.record_of(path)?;
        self.paths_of(kind, &id).into_iter().find(|p| p != path)
    }

    /// The repository path of a record.
    pub fn path_of(&self, kind: Kind, id: &str) -> PathBuf {
        self.prefix.join(crate::record::layout::rel(kind, id))
    }

    pub fn commit_info(c: &git2::Commit) -> Commit {
        let author = c.author();
        Commit {
            id: c.id().to_string(),
            author: author.name().unwrap_or("unknown").to_string(),
            email: author.email().unwrap_or("").to_string(),
            time: Timestamp::from_second(author.when().seconds()).unwrap_or(Timestamp::UNIX_EPOCH),
            summary: c.summary().ok().flatten().unwrap_or("").to_string(),
        }
    }

    /// Non-merge commits reachable from HEAD, newest first.
    pub fn commits(&self) -> Result<Vec<Oid>> {
        let mut walk = self.git.revwalk()?;
        if walk.push_head().is_err() {
            return Ok(Vec::new()); // no commit yet
        }
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)?;
        let mut out = Vec::new();
        for oid in walk {
            let oid = oid?;
            if self.git.find_commit(oid)?.parent_count() <= 1 {
                out.push(oid);
            }
        }
        Ok(out)
    }

    /// The record changes a commit introduced, against its first parent. `only` limits the
    /// diff to these repository paths (faster when following one record).
    pub fn changes(&self, oid: Oid, only: &[PathBuf]) -> Result<(Commit, Vec<RecordEvent>)> {
        let commit = self.git.find_commit(oid)?;
        let files = self.git_diff(&commit, only)?;
        Ok((Repo::commit_info(&commit), self.events(&files)))
    }

    /// The files in the workspace's record folders that a commit changed against its first
    /// parent, renames detected: facts about the repository that never change, so
    /// [`crate::git::commits`] caches them. The folders' tree objects are compared entry by
    /// entry, which is what makes history of a 100,000-record repository fast (git's own diff
    /// matches every entry of a large folder against the path filter). Additions and
    /// deletions in one commit go to git's diff, which pairs them into renames.
    ///
    /// `folders` keeps the folder objects last read: walking history, a commit's parent has
    /// the folders the next commit compares with.
    pub fn record_file_changes(
        &self,
        commit: &git2::Commit,
        folders: &mut Folders,
    ) -> Result<Vec<FileChange>> {
        let new_tree = commit.tree()?;
        let old_tree = match commit.parent(0) {
            Ok(p) => Some(p.tree()?),
            Err(_) => None,
        };
        let odb = self.git.odb()?;
        let mut out = Vec::new();
        for kind in Kind::ALL {
            let dir = self.prefix.join(kind.dir());
            let folder = |t: &git2::Tree| {
                t.get_path(&dir)
                    .ok()
                    .filter(|e| e.kind() == Some(git2::ObjectType::Tree))
                    .map(|e| e.id())
            };
            let (old, new) = (old_tree.as_ref().and_then(folder), folder(&new_tree));
            if old == new {
                continue;
            }
            let (old, new) = (folders.read(&odb, old)?, folders.read(&odb, new)?);
            diff_folder(&dir, &old, &new, &mut out);
            // A sharded folder (`contacts/3f/a/ada.md`, `layout: sharded`): its shards, two
            // levels down, each compared the same way when its tree changed.
            let read = |id: Option<&Oid>| -> Result<Vec<u8>> {
                Ok(match id {
                    Some(id) => odb.read(*id)?.data().to_vec(),
                    None => Vec::new(),
                })
            };
            use crate::record::layout::{is_shard_name, is_subshard_name};
            for (top, old_top, new_top) in changed_folders(&old, &new, is_shard_name) {
                let (old_top, new_top) = (read(old_top.as_ref())?, read(new_top.as_ref())?);
                for (sub, a, b) in changed_folders(&old_top, &new_top, is_subshard_name) {
                    diff_folder(
                        &dir.join(&top).join(sub),
                        &read(a.as_ref())?,
                        &read(b.as_ref())?,
                        &mut out,
                    );
                }
            }
        }
        self.pair_renames(commit, out)
    }

    /// A commit's file changes with additions and deletions that are one file moved paired
    /// as renames: first a record's file deleted at one path and added at another of the same
    /// kind and id (`kith migrate --layout` moving every file between the flat and the sharded
    /// layout), then by git's diff comparing only the files left.
    pub fn pair_renames(
        &self,
        commit: &git2::Commit,
        mut files: Vec<FileChange>,
    ) -> Result<Vec<FileChange>> {
        let added = files.iter().any(|f| f.old.is_none());
        let deleted = files.iter().any(|f| f.new.is_none());
        if !(added && deleted) {
            return Ok(files);
        }
        files = self.pair_moved_records(files);
        let paths: Vec<PathBuf> = files
            .iter()
            .filter(|f| f.old.is_none() || f.new.is_none())
            .filter_map(|f| f.new.as_ref().or(f.old.as_ref()).map(|(p, _)| p.clone()))
            .collect();
        let added = files.iter().any(|f| f.old.is_none());
        let deleted = files.iter().any(|f| f.new.is_none());
        if !(added && deleted) {
            return Ok(files);
        }
        files.retain(|f| f.old.is_some() && f.new.is_some());
        files.extend(self.git_diff(commit, &paths)?);
        Ok(files)
    }

    /// Pairs each record file added with the file of the same record (kind and id) deleted
    /// at another path, as a rename: the same record moved, whatever git's similarity would
    /// say (two records with the same text are not each other).
    fn pair_moved_records(&self, files: Vec<FileChange>) -> Vec<FileChange> {
        use std::collections::HashMap;
        let mut deleted: HashMap<(Kind, String), (PathBuf, Oid)> = HashMap::new();
        let mut out = Vec::with_capacity(files.len());
        for f in files {
            match (&f.old, &f.new) {
                (Some((path, _)), None) => match self.record_of(path) {
                    Some(key) if !deleted.contains_key(&key) => {
                        deleted.insert(key, f.old.expect("matched"));
                    }
                    _ => out.push(f),
                },
                _ => out.push(f),
            }
        }
        for f in &mut out {
            if let (None, Some((path, _))) = (&f.old, &f.new)
                && let Some(old) = self.record_of(path).and_then(|key| deleted.remove(&key))
            {
                f.old = Some(old);
                f.renamed = true;
            }
        }
        out.extend(deleted.into_values().map(|old| FileChange {
            old: Some(old),
            new: None,
            renamed: false,
        }));
        out
    }

    /// git's diff of a commit against its first parent, limited to the paths `only`; renames
    /// detected unless `only` names one path.
    fn git_diff(&self, commit: &git2::Commit, only: &[PathBuf]) -> Result<Vec<FileChange>> {
        let new_tree = commit.tree()?;
        let old_tree = match commit.parent(0) {
            Ok(p) => Some(p.tree()?),
            Err(_) => None,
        };
        let mut opts = DiffOptions::new();
        // libgit2 matches every file against every pathspec: past a few hundred paths, the
        // record folders are the pathspecs and the diff's files are kept by a set instead.
        let many = only.len() > MANY_PATHS;
        if many {
            for kind in Kind::ALL {
                opts.pathspec(self.prefix.join(kind.dir()));
            }
        } else {
            for p in only {
                opts.pathspec(p);
            }
        }
        let mut diff =
            self.git
                .diff_tree_to_tree(old_tree.as_ref(), Some(&new_tree), Some(&mut opts))?;
        if only.len() != 1 {
            let mut find = DiffFindOptions::new();
            find.renames(true);
            diff.find_similar(Some(&mut find))?;
        }
        let side = |f: git2::DiffFile| {
            (!f.id().is_zero())
                .then(|| f.path().map(|p| (p.to_path_buf(), f.id())))
                .flatten()
        };
        let wanted: std::collections::HashSet<&Path> = if many {
            only.iter().map(PathBuf::as_path).collect()
        } else {
            Default::default()
        };
        let named = |f: git2::DiffFile| f.path().is_some_and(|p| wanted.contains(p));
        Ok(diff
            .deltas()
            .filter(|d| !many || named(d.old_file()) || named(d.new_file()))
            .map(|d| FileChange {
                renamed: d.status() == Delta::Renamed,
                old: if d.status() == Delta::Added {
                    None
                } else {
                    side(d.old_file())
                },
                new: if d.status() == Delta::Deleted {
                    None
                } else {
                    side(d.new_file())
                },
            })
            .collect())
    }

    /// Opens another handle on the same repository, for another thread (a handle is not
    /// shared between threads).
    pub fn opener(&self) -> impl Fn() -> Result<Repo> + Send + Sync + use<> {
        let (path, prefix) = (self.git.path().to_path_buf(), self.prefix.clone());
        move || {
            Ok(Repo {
                git: Repository::open(&path)?,
                prefix: prefix.clone(),
            })
        }
    }

    /// The record changes that file changes amount to. A commit of thousands of files (an
    /// import) is read by every core, each with its own handle on the repository.
    pub fn events(&self, files: &[FileChange]) -> Vec<RecordEvent> {
        self.events_then(files, |events| events)
    }

    /// [`Repo::events`], each run of files' events passed through `then` as soon as they are
    /// made (a file's events are all in one run): an import of a million records is then
    /// never a million records' every field in memory at once.
    pub fn events_then(
        &self,
        files: &[FileChange],
        then: impl Fn(Vec<RecordEvent>) -> Vec<RecordEvent> + Sync,
    ) -> Vec<RecordEvent> {
        use rayon::prelude::*;
        const CHUNK: usize = 512;
        if files.len() <= CHUNK {
            return then(self.events_of(files));
        }
        let open = self.opener();
        let parts: Vec<Option<Vec<RecordEvent>>> = files
            .par_chunks(CHUNK)
            .map_init(
                || open().ok(),
                |repo, chunk| repo.as_ref().map(|r| then(r.events_of(chunk))),
            )
            .collect();
        let mut out = Vec::new();
        for (part, chunk) in parts.into_iter().zip(files.chunks(CHUNK)) {
            // A thread that could not open the repository leaves its part to this one.
            out.extend(part.unwrap_or_else(|| then(self.events_of(chunk))));
        }
        out
    }

    fn events_of(&self, files: &[FileChange]) -> Vec<RecordEvent> {
        let text = |oid: Oid| crate::git::blob_text(&self.git, oid);
        let mut out = Vec::new();
        for f in files {
            let old_rec = f.old.as_ref().and_then(|(p, _)| self.record_of(p));
            let new_rec = f.new.as_ref().and_then(|(p, _)| self.record_of(p));
            // A record moved as it was (every file of a layout migration): nothing to read.
            if let (Some((_, a)), Some((_, b))) = (&f.old, &f.new)
                && a == b
                && old_rec.is_some()
                && old_rec == new_rec
            {
                continue;
            }
            let old_text = f.old.as_ref().and_then(|(_, id)| text(*id));
            let new_text = f.new.as_ref().and_then(|(_, id)| text(*id));
            match (old_rec, new_rec) {
                (Some((_, from)), Some((kind, id))) if f.renamed && from != id => {
                    out.push(RecordEvent {
                        kind,
                        id: id.clone(),
                        event: Event::Renamed { from },
                    });
                    out.extend(diff_texts(
                        kind,
                        &id,
                        old_text.as_deref(),
                        new_text.as_deref(),
                    ));
                }
                (Some(_), Some((kind, id))) => out.extend(diff_texts(
                    kind,
                    &id,
                    old_text.as_deref(),
                    new_text.as_deref(),
                )),
                (None, Some((kind, id))) => {
                    out.extend(diff_texts(kind, &id, None, new_text.as_deref()))
                }
                (Some((kind, id)), None) => {
                    out.extend(diff_texts(kind, &id, old_text.as_deref(), None))
                }
                (None, None) => {}
            }
        }
        out
    }

    /// Every change to one record, oldest first, following renames back in time, and into
    /// branches that still used an old name when the rename happened (their edits are merged
    /// into the renamed file, so they are its history too).
    pub fn record_history(&self, kind: Kind, id: &str) -> Result<Vec<(Commit, Vec<Event>)>> {
        let mut current = id.to_string();
        // (position in the walk, commit, events); renames as (old id, where in the walk, commit).
        let mut found: Vec<(usize, Commit, Vec<Event>)> = Vec::new();
        let mut renames: Vec<(String, usize, Oid)> = Vec::new();
        let commits = self.commits()?;
        for (at, &oid) in commits.iter().enumerate() {
            // Its path in either layout: `kith migrate` moves it from one to the other (a
            // rename to the same id, which makes no event).
            let paths = self.paths_of(kind, &current);
            // Most commits leave the record alone: its entry is looked up in the two trees
            // (a few small trees in the sharded layout) rather than diffed.
            if !self.touches(oid, &paths)? {
                continue;
            }
            // Find renames to this path: a full diff only for commits that touch it.
            let (commit, changes) = self.changes(oid, &paths)?;
            if changes.is_empty() {
                continue;
            }
            // Created here, or renamed from another file? Only a rename search says.
            let created = changes.iter().any(|c| c.event == Event::Created);
            let renamed = created
                .then(|| {
                    paths
                        .iter()
                        .find_map(|p| self.renamed_to(oid, p).map(|from| (from, p.clone())))
                })
                .flatten();
            let (commit, changes) = match renamed {
                Some((from, path)) => self.changes(oid, &[from, path])?,
                None => (commit, changes),
            };
            let mine: Vec<Event> = changes
                .into_iter()
                .filter(|c| c.kind == kind && c.id == current)
                .map(|c| c.event)
                .collect();
            let renamed_from = mine.iter().find_map(|e| match e {
                Event::Renamed { from } => Some(from.clone()),
                _ => None,
            });
            if !mine.is_empty() {
                found.push((at, commit, mine));
            }
            if let Some(from) = renamed_from {
                renames.push((from.clone(), at, oid));
                current = from;
            }
        }
        // The walk meets a branch's commits in date order: one that edited the old name after
        // the rename (by the clock) came before it, when the name followed was still the new
        // one. Such a commit is not a descendant of the rename (a descendant with the old
        // name would be another record, created after it).
        for (old, rename_at, rename) in &renames {
            let paths = self.paths_of(kind, old);
            for (at, &oid) in commits.iter().enumerate().take(*rename_at) {
                if found.iter().any(|(a, _, _)| *a == at) || !self.touches(oid, &paths)? {
                    continue;
                }
                let (commit, changes) = self.changes(oid, &paths)?;
                if changes.is_empty() || self.git.graph_descendant_of(oid, *rename)? {
                    continue;
                }
                let theirs: Vec<Event> = changes
                    .into_iter()
                    .filter(|c| c.kind == kind && c.id == *old)
                    .map(|c| c.event)
                    .filter(|e| !matches!(e, Event::Created | Event::Deleted))
                    .collect();
                if !theirs.is_empty() {
                    found.push((at, commit, theirs));
                }
            }
        }
        found.sort_by_key(|(at, _, _)| std::cmp::Reverse(*at));
        Ok(found.into_iter().map(|(_, c, e)| (c, e)).collect())
    }

    /// Whether a commit changed what is at any of `paths` (its blob or mode, or whether it is
    /// there at all) against its first parent: what a diff limited to those paths would list.
    fn touches(&self, oid: Oid, paths: &[PathBuf]) -> Result<bool> {
        let commit = self.git.find_commit(oid)?;
        let tree = commit.tree()?;
        let parent = match commit.parent(0) {
            Ok(p) => Some(p.tree()?),
            Err(_) => None,
        };
        let at = |t: Option<&git2::Tree>, p: &Path| {
            t.and_then(|t| t.get_path(p).ok())
                .map(|e| (e.id(), e.filemode()))
        };
        Ok(paths
            .iter()
            .any(|p| at(Some(&tree), p) != at(parent.as_ref(), p)))
    }

    /// The file a commit renamed to `path`, if it did (compared with its first parent).
    fn renamed_to(&self, oid: Oid, path: &Path) -> Option<PathBuf> {
        let commit = self.git.find_commit(oid).ok()?;
        let old_tree = commit.parent(0).ok()?.tree().ok()?;
        self.renamed_between(&old_tree, &commit.tree().ok()?, path)
    }

    /// The record file of `old_tree` that is `path` in `new_tree`, moved (git's similarity
    /// detection), if one is.
    pub(super) fn renamed_between(
        &self,
        old_tree: &git2::Tree,
        new_tree: &git2::Tree,
        path: &Path,
    ) -> Option<PathBuf> {
        let mut opts = DiffOptions::new();
        for kind in Kind::ALL {
            opts.pathspec(self.prefix.join(kind.dir()));
        }
        let mut diff = self
            .git
            .diff_tree_to_tree(Some(old_tree), Some(new_tree), Some(&mut opts))
            .ok()?;
        let mut find = DiffFindOptions::new();
        find.renames(true);
        diff.find_similar(Some(&mut find)).ok()?;
        diff.deltas()
            .find(|d| d.status() == Delta::Renamed && d.new_file().path() == Some(path))
            .and_then(|d| d.old_file().path().map(Path::to_path_buf))
    }
}

/// The newest commit reachable from `tip` but not from `hide` that changed the file at
/// `path` (its version differs from every parent's, as `git log` counts it): on a branch
/// being merged in, who made the change, rather than who merged it.
pub fn last_change<'r>(
    git: &'r Repository,
    tip: git2::Oid,
    hide: git2::Oid,
    path: &Path,
) -> Option<git2::Commit<'r>> {
    let version = |c: &git2::Commit| c.tree().ok()?.get_path(path).ok().map(|e| e.id());
    let mut walk = git.revwalk().ok()?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME)
        .ok()?;
    walk.push(tip).ok()?;
    walk.hide(hide).ok()?;
    for oid in walk.flatten() {
        let commit = git.find_commit(oid).ok()?;
        let mine = version(&commit);
        if commit.parents().all(|p| version(&p) != mine) {
            return Some(commit);
        }
    }
    None
}

/// Who a commit author is: the teammate id when kith.yaml knows the address, else the name.
pub fn who(cfg: &Config, c: &Commit) -> String {
    cfg.teammate_by_email(&c.email)
        .map_or_else(|| c.author.clone(), |t| t.id.clone())
}

/// The author date of a commit in the workspace's time zone.
pub fn date(cfg: &Config, c: &Commit) -> jiff::civil::Date {
    c.time.to_zoned_datetime(cfg.tz.clone()).date()
}

/// Opens the repository of a workspace, or explains why there is no history.
pub fn require(root: &Path) -> Result<Repo> {
    Repo::open(root)?.ok_or_else(|| {
        crate::util::hint::hint(
            "this workspace is not in a git repository, so it has no history",
            "`git init` and commit the records (kith sync does both)",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Commits `files` (path, text; `None` removes) on top of HEAD.
    fn commit(git: &Repository, files: &[(&str, Option<&str>)]) -> Oid {
        let root = git.workdir().unwrap().to_path_buf();
        let mut index = git.index().unwrap();
        for (path, text) in files {
            let abs = root.join(path);
            match text {
                Some(t) => {
                    std::fs::create_dir_all(abs.parent().unwrap()).unwrap();
                    std::fs::write(&abs, t).unwrap();
                    index.add_path(Path::new(path)).unwrap();
                }
                None => {
                    std::fs::remove_file(&abs).unwrap();
                    index.remove_path(Path::new(path)).unwrap();
                }
            }
        }
        index.write().unwrap();
        let tree = git.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::now("T", "t@example.com").unwrap();
        let parent = git.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        git.commit(Some("HEAD"), &sig, &sig, "c", &tree, &parents)
            .unwrap()
    }

    fn sorted(mut v: Vec<FileChange>) -> Vec<FileChange> {
        let key = |f: &FileChange| f.new.as_ref().or(f.old.as_ref()).map(|(p, _)| p.clone());
        v.sort_by_key(key);
        v
    }

    /// `kith migrate --layout`'s commit moves every record: each is paired with itself by kind
    /// and id, two records with the same text included; and hundreds of additions and
    /// deletions that are not moves are paired as git's diff over the record folders pairs
    /// them (the pathspecs are then the folders, not each path).
    #[test]
    fn moved_records_pair_by_id_and_many_files_as_gits_diff() {
        use crate::record::layout::Layout;
        let dir = tempfile::tempdir().unwrap();
        let git = Repository::init(dir.path()).unwrap();
        let text = |i: usize| {
            format!(
                "---\nname: Person {i}\nemail: p{i}@example.com\n---\nNotes on person {i}, long enough to be recognised when moved.\n"
            )
        };
        let mut people: Vec<(String, String)> =
            (0..300).map(|i| (format!("p{i}"), text(i))).collect();
        people.push(("twin-a".into(), "---\nname: Twin\n---\n".into()));
        people.push(("twin-b".into(), "---\nname: Twin\n---\n".into()));
        let flat = |id: &str| Layout::Flat.rel(Kind::Person, id);
        let sharded = |id: &str| Layout::Sharded.rel(Kind::Person, id);
        let commit_owned = |git: &Repository, v: &[(String, Option<String>)]| {
            let files: Vec<(&str, Option<&str>)> =
                v.iter().map(|(p, t)| (p.as_str(), t.as_deref())).collect();
            commit(git, &files)
        };
        let added: Vec<(String, Option<String>)> = people
            .iter()
            .map(|(id, t)| (flat(id), Some(t.clone())))
            .collect();
        commit_owned(&git, &added);
        let mut moves: Vec<(String, Option<String>)> = Vec::new();
        for (id, t) in &people {
            moves.push((flat(id), None));
            moves.push((sharded(id), Some(t.clone())));
        }
        let migrated = commit_owned(&git, &moves);
        let repo = Repo {
            git,
            prefix: PathBuf::new(),
        };
        let c = repo.git.find_commit(migrated).unwrap();
        let changes = repo
            .record_file_changes(&c, &mut Folders::default())
            .unwrap();
        assert_eq!(changes.len(), people.len());
        for f in &changes {
            let (old, new) = (f.old.as_ref().unwrap(), f.new.as_ref().unwrap());
            assert!(f.renamed, "{f:?}");
            assert_eq!(repo.record_of(&old.0), repo.record_of(&new.0), "{f:?}");
            assert_eq!(old.1, new.1);
        }
        // 300 people deleted and 300 others added with nearly the same text.
        let mut swap: Vec<(String, Option<String>)> = Vec::new();
        for i in 0..300 {
            swap.push((sharded(&format!("p{i}")), None));
            swap.push((
                sharded(&format!("q{i}")),
                Some(text(i).replace("long", "LONG")),
            ));
        }
        let swapped = commit_owned(&repo.git, &swap);
        let c = repo.git.find_commit(swapped).unwrap();
        let fast = sorted(
            repo.record_file_changes(&c, &mut Folders::default())
                .unwrap(),
        );
        let folders: Vec<PathBuf> = Kind::ALL.iter().map(|k| PathBuf::from(k.dir())).collect();
        let slow = sorted(repo.git_diff(&c, &folders).unwrap());
        assert_eq!(fast.len(), 300);
        assert!(fast.iter().all(|f| f.renamed));
        assert_eq!(fast, slow);
    }

    /// Comparing tree objects finds what git's diff finds: edits, additions, deletions and
    /// renames of records (git pairs even a small deleted contact with a small new company), in
    /// a workspace inside a larger repository; nothing outside the record folders or in a
    /// folder within them.
    #[test]
    fn record_changes_match_gits_diff() {
        let dir = tempfile::tempdir().unwrap();
        let git = Repository::init(dir.path()).unwrap();
        let body = "---\nname: Someone With A Long Name\nemail: someone@example.com\nphone: \"+44 20 7946 0000\"\n---\nNotes that make renames recognisable.\n";
        let first = commit(
            &git,
            &[
                ("crm/contacts/a.md", Some(body)),
                ("crm/contacts/b.md", Some(&body.replace("Someone", "Other"))),
                ("crm/contacts/z.md", Some("---\nname: Z\n---\n")),
                ("crm/deals/x.md", Some("---\nname: X\n---\n")),
                ("crm/notes.txt", Some("x")),
                ("other/contacts/q.md", Some("---\nname: Q\n---\n")),
            ],
        );
        let second = commit(
            &git,
            &[
                ("crm/contacts/a.md", Some(&body.replace("Long", "Longer"))),
                ("crm/contacts/b.md", None),
                (
                    "crm/contacts/b2.md",
                    Some(&body.replace("Someone", "Othér")),
                ),
                ("crm/contacts/c.md", Some("---\nname: C\n---\n")),
                ("crm/contacts/z.md", None),
                ("crm/contacts/sub/d.md", Some("---\nname: D\n---\n")),
                ("crm/deals/x.md", Some("---\nname: X2\n---\n")),
                ("crm/companies/n.md", Some("---\nname: N\n---\n")),
                ("crm/notes.txt", Some("y")),
                ("other/contacts/q.md", Some("---\nname: Q2\n---\n")),
            ],
        );
        let repo = Repo {
            git,
            prefix: PathBuf::from("crm"),
        };
        for oid in [first, second] {
            let c = repo.git.find_commit(oid).unwrap();
            let fast = sorted(
                repo.record_file_changes(&c, &mut Folders::default())
                    .unwrap(),
            );
            // Folders read by git and compared as bytes, as `kith report` reads commits it
            // has not seen.
            let cli = crate::git::folderdiff::file_changes(&repo, &[oid])
                .expect("git is installed")
                .unwrap()
                .remove(0)
                .1;
            let cli = sorted(repo.pair_renames(&c, cli).unwrap());
            assert_eq!(fast, cli);
            let folders: Vec<PathBuf> = Kind::ALL
                .iter()
                .map(|k| repo.prefix.join(k.dir()))
                .collect();
            let mut slow = sorted(repo.git_diff(&c, &folders).unwrap());
            // git's diff also lists files in folders within the record folders, which are not
            // records.
            slow.retain(|f| {
                let rec = |s: &Option<(PathBuf, Oid)>| {
                    s.as_ref().is_some_and(|(p, _)| repo.record_of(p).is_some())
                };
                rec(&f.old) || rec(&f.new)
            });
            assert_eq!(fast, slow);
        }
        let c = repo.git.find_commit(second).unwrap();
        let changes = sorted(
            repo.record_file_changes(&c, &mut Folders::default())
                .unwrap(),
        );
        let summary: Vec<(Option<PathBuf>, Option<PathBuf>, bool)> = changes
            .iter()
            .map(|f| {
                (
                    f.old.as_ref().map(|(p, _)| p.clone()),
                    f.new.as_ref().map(|(p, _)| p.clone()),
                    f.renamed,
                )
            })
            .collect();
        let p = |s: &str| Some(PathBuf::from(s));
        assert_eq!(
            summary,
            [
                (p("crm/contacts/z.md"), p("crm/companies/n.md"), true),
                (p("crm/contacts/a.md"), p("crm/contacts/a.md"), false),
                (p("crm/contacts/b.md"), p("crm/contacts/b2.md"), true),
                (None, p("crm/contacts/c.md"), false),
                (p("crm/deals/x.md"), p("crm/deals/x.md"), false),
            ]
        );
    }

    #[test]
    fn raw_trees_list_files_not_folders_or_submodules() {
        let id = [7u8; 20];
        let mut raw = Vec::new();
        for (mode, name) in [
            ("100644", "a.md"),
            ("40000", "sub"),
            ("100755", "b.md"),
            ("160000", "mod"),
            ("120000", "link.md"),
        ] {
            raw.extend_from_slice(format!("{mode} {name}\0").as_bytes());
            raw.extend_from_slice(&id);
        }
        let names: Vec<&[u8]> = tree_files(&raw).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, [&b"a.md"[..], b"b.md", b"link.md"]);
        // A truncated object ends the list instead of reading past it.
        assert_eq!(tree_files(&raw[..raw.len() - 5]).len(), 2);
    }
}
