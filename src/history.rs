//! The history engine: what changed in which record, field by field, in every commit.
//!
//! Semantics (the weekly reports rely on them too):
//! - only paths under the workspace count (it may be a subfolder of a larger repository);
//! - each change belongs to the non-merge commit that introduced it, compared with its first
//!   parent, never to whoever merged it;
//! - dates are author dates; renames are followed (git's similarity detection).

use crate::activity::Activity;
use crate::config::Config;
use crate::frontmatter;
use crate::record::Kind;
use crate::value::Value;
use crate::yaml;
use anyhow::{Context, Result};
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

/// One file a commit changed: its path and blob before and after (`None`: not there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub old: Option<(PathBuf, Oid)>,
    pub new: Option<(PathBuf, Oid)>,
    /// git's similarity detection paired `old` and `new` as one file moved.
    pub renamed: bool,
}

/// A change with the record it applies to.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
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
        let rel = path.strip_prefix(&self.prefix).ok()?;
        let mut parts = rel.components();
        let dir = parts.next()?.as_os_str().to_str()?;
        let file = parts.next()?.as_os_str().to_str()?;
        if parts.next().is_some() {
            return None;
        }
        let kind = Kind::from_dir(dir)?;
        let id = file.strip_suffix(".md")?;
        (!id.starts_with('.')).then(|| (kind, id.to_string()))
    }

    /// The repository path of a record.
    pub fn path_of(&self, kind: Kind, id: &str) -> PathBuf {
        self.prefix.join(kind.dir()).join(format!("{id}.md"))
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
    pub fn changes(
        &self,
        cfg: &Config,
        oid: Oid,
        only: &[PathBuf],
    ) -> Result<(Commit, Vec<Change>)> {
        let commit = self.git.find_commit(oid)?;
        let files = self.file_changes(&commit, only)?;
        Ok((Repo::commit_info(&commit), self.events(cfg, &files)))
    }

    /// The files under the workspace's record folders that a commit changed against its first
    /// parent, renames detected (unless `only` names a single path). Facts about the
    /// repository that never change, so [`crate::commits`] caches them.
    pub fn file_changes(&self, commit: &git2::Commit, only: &[PathBuf]) -> Result<Vec<FileChange>> {
        let new_tree = commit.tree()?;
        let old_tree = match commit.parent(0) {
            Ok(p) => Some(p.tree()?),
            Err(_) => None,
        };
        let mut opts = DiffOptions::new();
        if only.is_empty() {
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
        Ok(diff
            .deltas()
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

    /// The record changes that file changes amount to.
    pub fn events(&self, cfg: &Config, files: &[FileChange]) -> Vec<Change> {
        let text = |oid: Oid| -> Option<String> {
            let blob = self.git.find_blob(oid).ok()?;
            Some(String::from_utf8_lossy(blob.content()).into_owned())
        };
        let mut out = Vec::new();
        for f in files {
            let old_rec = f.old.as_ref().and_then(|(p, _)| self.record_of(p));
            let new_rec = f.new.as_ref().and_then(|(p, _)| self.record_of(p));
            let old_text = f.old.as_ref().and_then(|(_, id)| text(*id));
            let new_text = f.new.as_ref().and_then(|(_, id)| text(*id));
            match (old_rec, new_rec) {
                (Some((_, from)), Some((kind, id))) if f.renamed && from != id => {
                    out.push(Change {
                        kind,
                        id: id.clone(),
                        event: Event::Renamed { from },
                    });
                    out.extend(diff_texts(
                        cfg,
                        kind,
                        &id,
                        old_text.as_deref(),
                        new_text.as_deref(),
                    ));
                }
                (Some(_), Some((kind, id))) => out.extend(diff_texts(
                    cfg,
                    kind,
                    &id,
                    old_text.as_deref(),
                    new_text.as_deref(),
                )),
                (None, Some((kind, id))) => {
                    out.extend(diff_texts(cfg, kind, &id, None, new_text.as_deref()))
                }
                (Some((kind, id)), None) => {
                    out.extend(diff_texts(cfg, kind, &id, old_text.as_deref(), None))
                }
                (None, None) => {}
            }
        }
        out
    }

    /// Every change to one record, oldest first, following renames back in time.
    pub fn record_history(
        &self,
        cfg: &Config,
        kind: Kind,
        id: &str,
    ) -> Result<Vec<(Commit, Vec<Event>)>> {
        let mut current = id.to_string();
        let mut out = Vec::new();
        for oid in self.commits()? {
            let path = self.path_of(kind, &current);
            // Find renames to this path: a full diff only for commits that touch it.
            let (commit, changes) = self.changes(cfg, oid, std::slice::from_ref(&path))?;
            if changes.is_empty() {
                continue;
            }
            // Created here, or renamed from another file? Only a rename search says.
            let created = changes.iter().any(|c| c.event == Event::Created);
            let (commit, changes) = match created.then(|| self.renamed_to(oid, &path)) {
                Some(Some(from)) => self.changes(cfg, oid, &[from, path])?,
                _ => (commit, changes),
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
                out.push((commit, mine));
            }
            if let Some(from) = renamed_from {
                current = from;
            }
        }
        out.reverse();
        Ok(out)
    }

    /// The file a commit renamed to `path`, if it did (compared with its first parent).
    fn renamed_to(&self, oid: Oid, path: &Path) -> Option<PathBuf> {
        let commit = self.git.find_commit(oid).ok()?;
        let old_tree = commit.parent(0).ok()?.tree().ok()?;
        let mut opts = DiffOptions::new();
        for kind in Kind::ALL {
            opts.pathspec(self.prefix.join(kind.dir()));
        }
        let mut diff = self
            .git
            .diff_tree_to_tree(Some(&old_tree), Some(&commit.tree().ok()?), Some(&mut opts))
            .ok()?;
        let mut find = DiffFindOptions::new();
        find.renames(true);
        diff.find_similar(Some(&mut find)).ok()?;
        diff.deltas()
            .find(|d| d.status() == Delta::Renamed && d.new_file().path() == Some(path))
            .and_then(|d| d.old_file().path().map(Path::to_path_buf))
    }

    /// The text of a file at HEAD (for `kith sync`'s messages), `None` if it is not there.
    pub fn head_text(&self, path: &Path) -> Option<String> {
        let tree = self.git.head().ok()?.peel_to_tree().ok()?;
        let entry = tree.get_path(path).ok()?;
        let blob = self.git.find_blob(entry.id()).ok()?;
        Some(String::from_utf8_lossy(blob.content()).into_owned())
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

/// The events between two versions of a record (`None`: not there).
pub fn diff_texts(
    cfg: &Config,
    kind: Kind,
    id: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> Vec<Change> {
    let change = |event| Change {
        kind,
        id: id.to_string(),
        event,
    };
    let mut out = Vec::new();
    match (old, new) {
        (None, None) => return out,
        (None, Some(_)) => out.push(change(Event::Created)),
        (Some(_), None) => {
            out.push(change(Event::Deleted));
            return out;
        }
        _ => {}
    }
    let (of, nf) = (fields(old), fields(new));
    for (k, v) in &nf {
        let before = of.iter().find(|(ok, _)| ok == k).map(|(_, v)| v);
        if before != Some(v) {
            out.push(change(Event::Field {
                key: k.clone(),
                old: before.cloned(),
                new: Some(v.clone()),
            }));
        }
    }
    for (k, v) in &of {
        if !nf.iter().any(|(nk, _)| nk == k) {
            out.push(change(Event::Field {
                key: k.clone(),
                old: Some(v.clone()),
                new: None,
            }));
        }
    }
    let (oa, na) = (activities(cfg, old), activities(cfg, new));
    for a in na {
        if !oa.iter().any(|b| same_entry(b, &a)) {
            out.push(change(Event::Logged(a)));
        }
    }
    out
}

fn same_entry(a: &Activity, b: &Activity) -> bool {
    a.date == b.date
        && a.time == b.time
        && a.kind == b.kind
        && a.by == b.by
        && a.deal == b.deal
        && a.text == b.text
}

/// The frontmatter fields of a version (none when it cannot be read), nulls left out.
fn fields(text: Option<&str>) -> Vec<(String, Value)> {
    let Some(text) = text else { return Vec::new() };
    let Ok(split) = frontmatter::split(text) else {
        return Vec::new();
    };
    yaml::parse(split.frontmatter(text))
        .fields
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

fn activities(_cfg: &Config, text: Option<&str>) -> Vec<Activity> {
    let Some(text) = text else { return Vec::new() };
    let Ok(split) = frontmatter::split(text) else {
        return Vec::new();
    };
    crate::body::activities(split.body(text), split.body_line(text)).0
}

/// A field value for one line of text (`lead → mql`): lists joined, empty shown as `-`.
pub fn show(v: &Option<Value>) -> String {
    match v {
        None => "-".to_string(),
        Some(v) => {
            let t = v.to_text();
            if t.is_empty() { "\"\"".to_string() } else { t }
        }
    }
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
    Repo::open(root)?.context("this workspace is not in a git repository, so it has no history\n  help: `git init` and commit the records (kith sync does both)")
}
