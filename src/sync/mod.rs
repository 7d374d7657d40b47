//! `kith sync`: commit, fetch, integrate (fast-forward, or a merge commit where records merge
//! field by field), check, push; again if someone pushed meanwhile.
//!
//! Everything local goes through git2; the network goes through the user's own `git`
//! executable (as Cargo's `net.git-fetch-with-cli` and jj do), so every remote their `git push`
//! reaches works, with their ssh agent, `~/.ssh/config` and credential helpers.
//!
//! Safety: never a force-push, never a rewrite of published history, never a discarded commit
//! or uncommitted change. Each step leaves the repository consistent: local changes are
//! committed before anything else; a merge is built in memory, checked out into the working
//! tree under a journal ([`crate::sync::checkout`]), and only then does the branch move, so an
//! interruption at any point leaves a state that the next `kith sync` finishes or rolls back
//! before it commits anything.

pub mod checkout;
pub mod clone;
pub mod conflicts;
pub mod driver;
pub mod lock;
pub mod merge;
pub mod migrate;

use crate::git::history::{self, Event, Repo};
use crate::record::Kind;
use crate::record::config::Config;
use anyhow::{Context, Result, bail};
use git2::{BranchType, MergeOptions, Oid, Repository};
use merge::Side;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Checks records (kind, id) as they are in the working tree; an error stops the sync.
pub type Check<'a> = &'a dyn Fn(&[(Kind, String)]) -> Result<()>;

/// What the user asked for.
#[derive(Clone, Default)]
pub struct Options<'a> {
    /// The remote to publish to when the branch has no upstream yet.
    pub remote: Option<String>,
    /// How many times to fetch and merge again when a push is rejected.
    pub retries: usize,
    /// Run on the records about to be committed, and on those a merge wrote before they are
    /// pushed: nothing with errors is committed or published.
    pub check: Option<Check<'a>>,
}

/// What `kith sync` did, step by step, for its report.
#[derive(Debug, Default)]
pub struct Report {
    /// The message of the commit of local changes, if there were any.
    pub committed: Option<String>,
    pub integration: Vec<String>,
    /// Records merged field by field, with their conflicts and notes.
    pub merged: Vec<MergedRecord>,
    pub pushed: Option<String>,
    pub up_to_date: bool,
    /// An interrupted sync's checkout was finished (and the branch moved) first.
    pub resumed: bool,
    /// An interrupted sync's checkout was rolled back first, because these files were edited
    /// since; they are committed as local changes and merged again.
    pub kept: Vec<String>,
    /// Records the sync changed in the working tree (fast-forward or merge), with whether
    /// they are new.
    pub arrived: Vec<(Kind, String, bool)>,
}

#[derive(Debug)]
pub struct MergedRecord {
    pub path: String,
    pub conflicts: Vec<String>,
    pub notes: Vec<String>,
}

/// The remote and branch a sync talks to.
#[derive(Debug, Clone)]
struct Target {
    remote: String,
    branch: String,
    /// Whether the branch already tracks the remote branch.
    tracking: bool,
}

/// Runs the user's `git` in the repository, passing its output through; fails with its
/// message.
fn git_cli(workdir: &Path, args: &[&str]) -> Result<std::process::Output> {
    // git's automatic housekeeping runs in the background after a fetch; it must not pack and
    // prune objects while kith writes the merge next to it.
    let out = Command::new("git")
        .arg("-C")
        .arg(workdir)
        .args([
            "-c",
            "gc.autoDetach=false",
            "-c",
            "maintenance.autoDetach=false",
        ])
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .context("cannot run `git`; is it installed?")?;
    Ok(out)
}

/// Testing hook: `KITH_FAILPOINT=<name>` kills the process at that step (as a power cut or
/// `kill -9` would), so the integration tests can prove that every step is safe to interrupt.
pub(crate) fn failpoint(name: &str) {
    if std::env::var_os("KITH_FAILPOINT").is_some_and(|v| v == name) {
        std::process::abort();
    }
}

pub fn sync(ws_root: &Path, cfg: &Config, opts: &Options) -> Result<Report> {
    let repo = history::require(ws_root)?;
    let git = &repo.git;
    let workdir = git
        .workdir()
        .context("the repository has no working tree")?
        .to_path_buf();
    let _lock = crate::sync::lock::take(git.path())?;
    for lock in &_lock.cleared {
        crate::util::output::eprint(&format!(
            "note: removed .git/{lock}, left by a kith sync that was interrupted\n"
        ));
    }
    match git.state() {
        git2::RepositoryState::Clean => {}
        state => bail!(
            "the repository is in the middle of a git operation ({state:?}); finish or abort it first (`git status` says how)"
        ),
    }
    // Before anything is committed: a checkout a killed sync left half-done is finished or
    // rolled back, never committed as the user's change.
    let recovered = crate::sync::checkout::recover(git)?;
    crate::util::output::trace("resumed?");
    let committed = commit_local(&repo, opts.check)?;
    // As `git commit` does, the branch moves before the index is replaced: killed in between,
    // the index is behind HEAD and the next sync stages the same files again, for no commit.
    failpoint("committed");
    crate::util::output::trace("committed");
    let mut index = IndexWrite::start(committed.index, git.path(), committed.built);
    let mut report = Report {
        resumed: recovered.finished,
        kept: recovered.kept,
        committed: committed.message,
        ..Report::default()
    };
    let start = git
        .head()
        .ok()
        .and_then(|h| h.peel_to_commit().ok())
        .map(|c| c.id());
    integrate(&repo, cfg, opts, &workdir, &mut report, &mut index)?;
    index.settle()?;
    crate::util::output::trace("index written");
    // Nothing arrives when the branch did not move (libgit2's diff would still read every
    // folder of both trees, 0.8 s at 1,000,000 records).
    if let (Some(start), Ok(head)) = (start, git.head().and_then(|h| h.peel_to_commit()))
        && start != head.id()
    {
        report.arrived = arrived(&repo, start, head.id())?;
    }
    Ok(report)
}

/// The index after a commit, written on a thread of its own while the remote is fetched from
/// and pushed to (at 1,000,000 records, 0.5 s to write, and 0.6 s before that to rebuild its
/// cache-tree when kith built the commit's tree itself). Whatever touches the index next
/// (a fast-forward, a merge) settles it first; so does the end of the sync, and dropping it.
struct IndexWrite(Option<std::thread::JoinHandle<Result<()>>>);

/// A `git2::Index` on its way to another thread.
struct Moved(git2::Index);

// SAFETY: a libgit2 object may move between threads as long as one thread at a time uses it
// (libgit2's threading rules). The main thread hands this index over and touches the
// repository's index again only after `IndexWrite::settle` has joined the writer.
unsafe impl Send for Moved {}

impl Moved {
    /// The index, on the thread that now has it (a method, so that the closure that calls
    /// it takes the whole `Moved`, not the field it holds).
    fn into_inner(self) -> git2::Index {
        self.0
    }
}

impl IndexWrite {
    /// Writes `index` to disk. When kith built the tree `built` itself, the index's cache-tree
    /// is rebuilt first (libgit2's `write_tree`), so that the next sync finds the index valid
    /// at the root and builds its tree the quick way again; the tree it finds is checked
    /// against the one committed.
    fn start(index: git2::Index, git_dir: &Path, built: Option<Oid>) -> IndexWrite {
        let index = Moved(index);
        let git_dir = git_dir.to_path_buf();
        IndexWrite(Some(std::thread::spawn(move || {
            let mut index = index.into_inner();
            let Some(built) = built else {
                index.write()?;
                return Ok(());
            };
            let repo = Repository::open(&git_dir)?;
            let found = crate::git::write_index_with_tree(&repo, &mut index)?;
            if found != built {
                // Never seen; the next sync would find the index's tree differing from
                // HEAD's and commit the difference, so nothing is lost either way.
                crate::util::output::warn(&format!(
                    "the commit's tree ({built}) differs from the index's ({found}); run `kith sync` again to commit the difference"
                ));
            }
            Ok(())
        })))
    }

    /// Waits for the index to be written.
    fn settle(&mut self) -> Result<()> {
        match self.0.take().map(|writer| writer.join()) {
            None => Ok(()),
            Some(Ok(written)) => written.map_err(|e| {
                crate::util::hint::hint(
                    format!("cannot write the git index: {e:#}"),
                    "your changes are committed; run `kith sync` again",
                )
            }),
            Some(Err(_)) => bail!("writing the git index failed; run `kith sync` again"),
        }
    }
}

impl Drop for IndexWrite {
    fn drop(&mut self) {
        let _ = self.settle();
    }
}

/// Fetch, fast-forward or merge, push; again when the push is rejected.
fn integrate(
    repo: &Repo,
    cfg: &Config,
    opts: &Options,
    workdir: &Path,
    report: &mut Report,
    index: &mut IndexWrite,
) -> Result<()> {
    let git = &repo.git;
    let target = target(git, opts)?;
    for attempt in 0..=opts.retries {
        fetch(workdir, &target).map_err(|e| {
            let saved = if report.committed.is_some() {
                "your changes are committed locally, nothing is lost"
            } else {
                "nothing is lost"
            };
            crate::util::hint::hint(
                format!("{e}"),
                format!("{saved}; run `kith sync` again when the remote is reachable"),
            )
        })?;
        failpoint("fetched");
        crate::util::output::trace("fetched");
        let remote_ref = format!("refs/remotes/{}/{}", target.remote, target.branch);
        match git.refname_to_id(&remote_ref) {
            Err(_) => {
                // An empty remote, or one without this branch: publish it.
                push(workdir, &target, true)?;
                failpoint("pushed");
                // Only a note: the branch is published either way, and `kith clone` finds it
                // even when the remote's HEAD names no branch.
                let head = point_remote_head(git, workdir, &target).unwrap_or(false);
                report.pushed = Some(format!(
                    "published `{}` to `{}` and set it as upstream{}",
                    target.branch,
                    target.remote,
                    if head {
                        format!(
                            "; the remote's HEAD now names `{}`, so a clone checks it out",
                            target.branch
                        )
                    } else {
                        String::new()
                    }
                ));
                return Ok(());
            }
            Ok(remote) => {
                let local = git.head()?.peel_to_commit()?.id();
                if local == remote || git.graph_descendant_of(local, remote)? {
                    if local == remote {
                        report.up_to_date = true;
                        if !target.tracking {
                            set_upstream(git, &target)?;
                        }
                        return Ok(());
                    }
                } else if git.graph_descendant_of(remote, local)? {
                    index.settle()?;
                    fast_forward(git, remote)?;
                    report.integration.push(format!(
                        "fast-forwarded to {}/{}",
                        target.remote, target.branch
                    ));
                    report.up_to_date = true;
                    if !target.tracking {
                        set_upstream(git, &target)?;
                    }
                    return Ok(());
                } else {
                    index.settle()?;
                    let merged = merge_commit(repo, cfg, local, remote, &target)?;
                    if let Some(check) = opts.check {
                        let written: Vec<(Kind, String)> = merged
                            .iter()
                            .filter_map(|m| repo.record_of(Path::new(&m.path)))
                            .collect();
                        check(&written).map_err(|e| {
                            crate::util::hint::hint(format!("{e}"), "the merge is committed locally but not pushed; fix the records, then run `kith sync` again")
                        })?;
                    }
                    report.integration.push(format!(
                        "merged {}/{} (merge commit)",
                        target.remote, target.branch
                    ));
                    report.merged.extend(merged);
                }
                match push(workdir, &target, !target.tracking) {
                    Ok(()) => {
                        failpoint("pushed");
                        report.pushed =
                            Some(format!("pushed to {}/{}", target.remote, target.branch));
                        return Ok(());
                    }
                    Err(e) if attempt < opts.retries && is_rejection(&e) => {
                        report
                            .integration
                            .push("someone pushed meanwhile; fetching again".to_string());
                        continue;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
    }
    bail!("the remote kept changing while kith tried to push; run `kith sync` again")
}

/// The records that differ between two commits, with whether they are new in `to`.
fn arrived(repo: &Repo, from: Oid, to: Oid) -> Result<Vec<(Kind, String, bool)>> {
    let git = &repo.git;
    let (a, b) = (git.find_commit(from)?.tree()?, git.find_commit(to)?.tree()?);
    let mut opts = git2::DiffOptions::new();
    opts.pathspec(&repo.prefix);
    let diff = git.diff_tree_to_tree(Some(&a), Some(&b), Some(&mut opts))?;
    Ok(diff
        .deltas()
        .filter(|d| d.status() != git2::Delta::Deleted)
        .filter_map(|d| {
            let (kind, id) = repo.record_of(d.new_file().path()?)?;
            Some((kind, id, d.status() == git2::Delta::Added))
        })
        .collect())
}

fn is_rejection(e: &anyhow::Error) -> bool {
    let text = format!("{e:#}");
    text.contains("rejected") || text.contains("non-fast-forward") || text.contains("fetch first")
}

/// What committing the local changes did, and left to do.
struct Committed {
    /// The commit's message; `None` when there was nothing to commit.
    message: Option<String>,
    /// The index with the changes staged, not yet written (see [`IndexWrite`]).
    index: git2::Index,
    /// The tree kith built itself from HEAD's, if it did.
    built: Option<Oid>,
}

/// Commits every change under the workspace (records, kith.yaml, templates) with a message
/// that says what changed.
fn commit_local(repo: &Repo, check: Option<Check>) -> Result<Committed> {
    let git = &repo.git;
    let root = git
        .workdir()
        .context("the repository has no working tree")?
        .to_path_buf();
    // The working tree is read and stat'd on every core while libgit2 reads the index (1.3 s
    // at 1,000,000 records, on one thread).
    let skip = crate::git::worktree::kiths_own(&repo.prefix);
    let crate::git::worktree::Look {
        index,
        walked,
        tree: indexed,
    } = crate::git::worktree::look(git, &root, &repo.prefix, &skip);
    let mut index = index
        .map_err(|e| crate::git::index_unreadable(git, &e, "nothing was committed", "kith sync"))?;
    let walked = walked.map_err(|_| anyhow::anyhow!("reading the working tree failed"))?;
    let head_tree = git.head().ok().and_then(|h| h.peel_to_tree().ok());
    // Whether nothing is staged: the index's entries are HEAD's tree (git's cache-tree says so).
    let clean = head_tree
        .as_ref()
        .filter(|t| indexed == Some(t.id()) && !index.has_conflicts());
    // Staged changes outside the workspace are the user's business; kith does not commit them.
    // (A workspace at the repository's root has no outside.)
    if let Some(tree) = &head_tree
        && clean.is_none()
        && !repo.prefix.as_os_str().is_empty()
    {
        let diff = git.diff_tree_to_index(Some(tree), Some(&index), None)?;
        let outside: Vec<String> = diff
            .deltas()
            .filter_map(|d| {
                d.new_file()
                    .path()
                    .or(d.old_file().path())
                    .map(Path::to_path_buf)
            })
            .filter(|p| !p.starts_with(&repo.prefix))
            .map(|p| p.display().to_string())
            .collect();
        if !outside.is_empty() {
            bail!(
                "files outside the workspace are staged ({}); commit or unstage them first, kith commits only the workspace",
                outside.join(", ")
            );
        }
    }
    crate::util::output::trace("index read, working tree walked");
    let staged = stage_all(repo, &mut index, &root, walked, &skip)?;
    crate::util::output::trace("staged");
    // With nothing staged before, the commit's tree is HEAD's with the staged files: only
    // their folders are written. libgit2's `write_tree` would also read every tree of the
    // workspace back to rebuild the index's cache-tree (0.6 s at 1,000,000 records), which
    // is left to the thread that writes the index. Anything the quick way cannot do (a file
    // turned into a folder, say) goes the whole way.
    let built = clean.and_then(|base| updated_tree(git, &index, base, &staged).ok());
    let tree_id = match built {
        Some(id) => id,
        None => index.write_tree()?,
    };
    crate::util::output::trace(if built.is_some() {
        "tree built from HEAD's"
    } else {
        "tree written from the index"
    });
    if head_tree.as_ref().is_some_and(|t| t.id() == tree_id) {
        return Ok(Committed {
            message: None,
            index,
            built,
        });
    }
    let tree = git.find_tree(tree_id)?;
    // One list of changes for the check and the message (each of a thousand records' at a
    // million). Built the quick way, the staged files are the only candidates: a diff of the
    // two trees would read every folder of the workspace.
    let changes = match (built, &head_tree) {
        (Some(_), Some(base)) => staged_changes(base, &index, &staged),
        _ => {
            let mut opts = git2::DiffOptions::new();
            opts.pathspec(&repo.prefix);
            let diff = git.diff_tree_to_tree(head_tree.as_ref(), Some(&tree), Some(&mut opts))?;
            diff.deltas()
                .map(|d| {
                    let id = |f: git2::DiffFile| Some(f.id()).filter(|id| !id.is_zero());
                    Change {
                        path: d
                            .new_file()
                            .path()
                            .or(d.old_file().path())
                            .map(Path::to_path_buf)
                            .unwrap_or_default(),
                        old: id(d.old_file()),
                        new: id(d.new_file()),
                    }
                })
                .collect()
        }
    };
    if let Some(check) = check {
        let changed: Vec<(Kind, String)> = changes
            .iter()
            .filter(|c| c.new.is_some())
            .filter_map(|c| repo.record_of(&c.path))
            .collect();
        check(&changed).map_err(|e| {
            crate::util::hint::hint(format!("{e}"), "nothing was committed or pushed; fix the records (`kith check`), then run `kith sync` again")
        })?;
    }
    crate::util::output::trace("checked");
    let message = commit_message(repo, &changes);
    crate::util::output::trace("message");
    let who = crate::git::identity(git)?;
    crate::git::commit_on_head(git, &who, &message, &tree)?;
    Ok(Committed {
        message: Some(message),
        index,
        built,
    })
}

/// A file a commit changes: its blob before and after (`None`: not there).
struct Change {
    path: PathBuf,
    old: Option<Oid>,
    new: Option<Oid>,
}

/// The files at `paths` whose blob or mode differs between `base` and the index.
fn staged_changes(base: &git2::Tree, index: &git2::Index, paths: &[PathBuf]) -> Vec<Change> {
    paths
        .iter()
        .filter_map(|path| {
            let old = base
                .get_path(path)
                .ok()
                .map(|e| (e.id(), e.filemode() as u32));
            let new = index.get_path(path, 0).map(|e| (e.id, e.mode));
            (old != new).then(|| Change {
                path: path.clone(),
                old: old.map(|(id, _)| id),
                new: new.map(|(id, _)| id),
            })
        })
        .collect()
}

/// `base` with the files at `paths` as the index has them (or without them, when the index
/// has none): HEAD's tree plus what was just staged, when nothing else was.
fn updated_tree(
    git: &Repository,
    index: &git2::Index,
    base: &git2::Tree,
    paths: &[PathBuf],
) -> Result<Oid> {
    let mut updates = git2::build::TreeUpdateBuilder::new();
    for path in paths {
        match index.get_path(path, 0) {
            Some(entry) => {
                let mode = match entry.mode {
                    0o100644 => git2::FileMode::Blob,
                    0o100755 => git2::FileMode::BlobExecutable,
                    0o120000 => git2::FileMode::Link,
                    0o160000 => git2::FileMode::Commit,
                    other => bail!("an index entry of mode {other:o}"),
                };
                updates.upsert(path.as_path(), entry.id, mode);
            }
            None => {
                updates.remove(path.as_path());
            }
        }
    }
    Ok(updates.create_updated(git, base)?)
}

/// Stages every change under the workspace: new, changed and deleted files, whatever their
/// name (records, kith.yaml, templates, notes), ignored files apart. Never staged: a
/// temporary file a killed write left (`.NAME.XXXXXX.kith-tmp`), anything in `.kith/`,
/// kith's own state (caches, the watcher's socket), should the workspace's .gitignore not
/// name it, and a git repository of its own inside the workspace (said, once a sync: git
/// would commit it as a bare link to a commit, which a teammate cannot check out). The
/// working tree (`walked`, with `skip` left out) is compared with the index on every core
/// (`git::worktree`); libgit2's own status, on one thread, took 4.2 of the 6.8 s of a sync at
/// 1,000,000 records.
fn stage_all(
    repo: &Repo,
    index: &mut git2::Index,
    root: &Path,
    walked: crate::git::worktree::Walked,
    skip: crate::git::worktree::Skip,
) -> Result<Vec<PathBuf>> {
    let entries = index.iter().map(crate::git::indexfile::Entry::from);
    let found = crate::git::worktree::candidates(&repo.git, entries, walked, skip)?;
    for path in &found.nested {
        crate::util::output::warn(&format!(
            "{}/ is a git repository of its own; kith sync does not commit it (name it in .gitignore to say so)",
            path.display()
        ));
    }
    // One by one: hashing on several threads needs a repository handle each, and each reads
    // the whole index again for the attributes (1.6 s instead of 0.5 s for 1,000 files).
    // About 4,500 files a second: the first sync after a large import says how far it is.
    let bar = crate::util::output::progress(
        found.paths.len() as u64,
        "staging {bar:40} {pos}/{len} files {eta}",
    );
    for path in &found.paths {
        // Whatever git says of it (changed, new, deleted, in conflict), the file as it is now.
        match root.join(path).symlink_metadata() {
            Ok(m) if !m.is_dir() => index.add_path(path)?,
            _ => index.remove_path(path)?,
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(found.paths)
}

/// `kith: ada-lovelace lifecycle lead→mql; +2 contacts; acme-renewal amount 12000→15000`
fn commit_message(repo: &Repo, changes: &[Change]) -> String {
    let mut records: Vec<(Kind, String, Option<String>, Option<String>)> = Vec::new();
    let mut other = 0;
    for change in changes {
        let Some((kind, id)) = repo.record_of(&change.path) else {
            other += 1;
            continue;
        };
        let blob_text = |oid: Option<Oid>| crate::git::blob_text(&repo.git, oid?);
        records.push((kind, id, blob_text(change.old), blob_text(change.new)));
    }
    let changed: Vec<Changed> = records
        .iter()
        .map(|(kind, id, old, new)| Changed {
            kind: *kind,
            id,
            old: old.as_deref(),
            new: new.as_deref(),
        })
        .collect();
    message(&changed, other)
}

/// A record file a commit changes: its text before and after (`None`: not there).
#[derive(Debug, Clone, Copy)]
pub struct Changed<'a> {
    pub kind: Kind,
    pub id: &'a str,
    pub old: Option<&'a str>,
    pub new: Option<&'a str>,
}

/// The message `kith sync` gives a commit of these record changes and `other` other files:
/// `kith: ada-lovelace lifecycle lead→mql, +1 activity; +2 contacts; -1 deal`.
pub fn message(changed: &[Changed], other: usize) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut created = [0usize; 3];
    let mut deleted = [0usize; 3];
    for c in changed {
        let (kind, id) = (c.kind, c.id);
        let events = crate::git::diff::diff_texts(kind, id, c.old, c.new);
        if events.iter().any(|c| c.event == Event::Created) {
            created[kind as usize] += 1;
            continue;
        }
        if events.iter().any(|c| c.event == Event::Deleted) {
            deleted[kind as usize] += 1;
            continue;
        }
        let mut fields: Vec<String> = Vec::new();
        let mut logged = 0;
        for c in events {
            match c.event {
                Event::Field { key, old, new } if key != "lifecycle_changed" => {
                    let (o, n) = (crate::git::diff::show(&old), crate::git::diff::show(&new));
                    if o.len() + n.len() <= 40 {
                        fields.push(format!("{key} {o}→{n}"));
                    } else {
                        fields.push(key);
                    }
                }
                Event::Logged(_) => logged += 1,
                _ => {}
            }
        }
        if logged > 0 {
            fields.push(format!(
                "+{logged} activit{}",
                if logged == 1 { "y" } else { "ies" }
            ));
        }
        if fields.is_empty() {
            // Notes, tasks or the layout of the file: no field or activity to name, but the
            // commit still says whose record it touched.
            parts.push(format!("{id} edited"));
        } else {
            parts.push(format!("{id} {}", fields.join(", ")));
        }
    }
    let mut counts: Vec<String> = Vec::new();
    for kind in Kind::ALL {
        let noun = |n: usize| {
            if n == 1 {
                kind.noun().to_string()
            } else {
                kind.dir().to_string()
            }
        };
        if created[kind as usize] > 0 {
            counts.push(format!(
                "+{} {}",
                created[kind as usize],
                noun(created[kind as usize])
            ));
        }
        if deleted[kind as usize] > 0 {
            counts.push(format!(
                "-{} {}",
                deleted[kind as usize],
                noun(deleted[kind as usize])
            ));
        }
    }
    if other > 0 {
        counts.push(format!(
            "{other} other file{}",
            if other == 1 { "" } else { "s" }
        ));
    }
    summarize(&parts, &counts)
}

/// The commit message: every change on one line when it fits in 200 characters; else as many
/// record changes as fit, how many more, and the counts, with every change listed below.
fn summarize(changes: &[String], counts: &[String]) -> String {
    const MAX: usize = 200;
    let all: Vec<&str> = changes.iter().chain(counts).map(String::as_str).collect();
    let line = format!("kith: {}", all.join("; "));
    if line.chars().count() <= MAX {
        return line;
    }
    let tail = counts.join("; ");
    let budget = MAX.saturating_sub(tail.chars().count() + 40);
    let mut head: Vec<&str> = Vec::new();
    let mut used = 0;
    for c in changes {
        let n = c.chars().count() + 2;
        if used + n > budget {
            break;
        }
        used += n;
        head.push(c);
    }
    let more = changes.len() - head.len();
    let mut subject: Vec<String> = head.iter().map(|s| s.to_string()).collect();
    if more > 0 {
        subject.push(format!(
            "{more} more record{}",
            if more == 1 { "" } else { "s" }
        ));
    }
    subject.extend(counts.iter().cloned());
    let mut message = format!("kith: {}\n\n", subject.join("; "));
    for c in changes {
        message.push_str(&format!("- {c}\n"));
    }
    message
}

/// The remote and branch: the branch's upstream, or the only remote (or `--remote`).
fn target(git: &Repository, opts: &Options) -> Result<Target> {
    let head = git
        .head()
        .context("the repository has no commit yet; create a record first")?;
    if !head.is_branch() {
        bail!("HEAD is detached; check out a branch first (`git switch main`)");
    }
    let branch_name = head
        .shorthand()
        .context("the branch name is not UTF-8")?
        .to_string();
    let branch = git.find_branch(&branch_name, BranchType::Local)?;
    if let Ok(upstream) = branch.upstream() {
        let full = upstream.get().name().unwrap_or_default().to_string();
        if let Some(rest) = full.strip_prefix("refs/remotes/") {
            let remote = git.branch_upstream_remote(branch.get().name().unwrap_or_default())?;
            let remote = remote.as_str().unwrap_or_default().to_string();
            let upstream_branch = rest
                .strip_prefix(&format!("{remote}/"))
                .unwrap_or(rest)
                .to_string();
            return Ok(Target {
                remote,
                branch: upstream_branch,
                tracking: true,
            });
        }
    }
    let remotes = git.remotes()?;
    let names: Vec<&str> = remotes.iter().flatten().flatten().collect();
    let remote = match (&opts.remote, names.as_slice()) {
        (Some(r), _) if names.contains(&r.as_str()) => r.clone(),
        (Some(r), _) => bail!(
            "there is no remote `{r}`; remotes: {}",
            if names.is_empty() {
                "none".into()
            } else {
                names.join(", ")
            }
        ),
        (None, [only]) => only.to_string(),
        (None, []) => {
            return Err(crate::util::hint::hint(
                "the repository has no remote to sync with",
                "add one with `git remote add origin URL`, then run `kith sync` again",
            ));
        }
        (None, many) => bail!(
            "the repository has several remotes ({}); say which with `kith sync --remote NAME`",
            many.join(", ")
        ),
    };
    Ok(Target {
        remote,
        branch: branch_name,
        tracking: false,
    })
}

fn fetch(workdir: &Path, t: &Target) -> Result<()> {
    let out = git_cli(workdir, &["fetch", "--quiet", &t.remote])?;
    if !out.status.success() {
        bail!(
            "`git fetch {}` failed: {}",
            t.remote,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

fn push(workdir: &Path, t: &Target, set_upstream: bool) -> Result<()> {
    let refspec = format!("HEAD:refs/heads/{}", t.branch);
    let mut args = vec!["push", "--quiet"];
    if set_upstream {
        args.push("--set-upstream");
    }
    args.push(&t.remote);
    args.push(&refspec);
    // Another push holds the remote branch's lock for a moment (a teammate's, or one of a
    // `kith sync` that was killed and whose git is still finishing): wait for it, a few
    // seconds at most, rather than fail a sync that would then succeed.
    let mut wait = std::time::Duration::from_millis(100);
    loop {
        let out = git_cli(workdir, &args)?;
        if out.status.success() {
            return Ok(());
        }
        let err = String::from_utf8_lossy(&out.stderr);
        if err.contains("cannot lock ref") && wait < std::time::Duration::from_secs(4) {
            std::thread::sleep(wait);
            wait *= 2;
            continue;
        }
        bail!(
            "`git push {} {refspec}` was rejected or failed: {}",
            t.remote,
            err.trim()
        );
    }
}

/// Points the HEAD of a bare repository on local disk at the branch just published, when it
/// names a branch that does not exist (`git init --bare` where git's default branch is
/// `master`, then `main` published): otherwise `git clone` leaves an empty folder. Whether it
/// did; remotes reached over a network are left alone (their HEAD is the server's to set).
fn point_remote_head(git: &Repository, workdir: &Path, t: &Target) -> Result<bool> {
    let remote = git.find_remote(&t.remote)?;
    let Ok(url) = remote.url() else {
        return Ok(false);
    };
    let path = match url.strip_prefix("file://") {
        Some(p) => PathBuf::from(p),
        // `host:path` (scp-like) and `scheme://` are not local paths.
        None if url.contains("://") => return Ok(false),
        None if url
            .split_once(':')
            .is_some_and(|(host, _)| !host.contains('/')) =>
        {
            return Ok(false);
        }
        None => workdir.join(url),
    };
    let bare = Repository::open_bare(&path)?;
    let head = bare.find_reference("HEAD")?;
    let Some(target) = head.symbolic_target()? else {
        return Ok(false);
    };
    if bare.find_reference(target).is_ok() {
        return Ok(false);
    }
    bare.set_head(&format!("refs/heads/{}", t.branch))?;
    Ok(true)
}

fn set_upstream(git: &Repository, t: &Target) -> Result<()> {
    let mut branch = git.find_branch(&t.branch, BranchType::Local)?;
    branch.set_upstream(Some(&format!("{}/{}", t.remote, t.branch)))?;
    Ok(())
}

/// Moves the branch to `to` (a descendant of HEAD): working tree first, then the branch.
fn fast_forward(git: &Repository, to: Oid) -> Result<()> {
    crate::sync::checkout::move_to(git, to, "kith sync: fast-forward")
}

/// Merges `remote` into `local`: git's merge for everything, then every record changed on
/// both sides merged again field by field. Writes the merge commit, the working tree, then
/// moves the branch.
fn merge_commit(
    repo: &Repo,
    cfg: &Config,
    local: Oid,
    remote: Oid,
    t: &Target,
) -> Result<Vec<MergedRecord>> {
    let git = &repo.git;
    let ours = git.find_commit(local)?;
    let theirs = git.find_commit(remote)?;
    let base_id = git
        .merge_base(local, remote)
        .context("the local branch and the remote share no history")?;
    let base = git.find_commit(base_id)?;
    let mut mopts = MergeOptions::new();
    mopts.find_renames(true);
    let mut index = git.merge_commits(&ours, &theirs, Some(&mopts))?;
    crate::util::output::trace("git merge");
    let (base_tree, our_tree, their_tree) = (base.tree()?, ours.tree()?, theirs.tree()?);
    let ours_changed = changes(repo, &base_tree, &our_tree)?;
    let theirs_changed = changes(repo, &base_tree, &their_tree)?;
    // Their changes by the path they started from, and the paths they created.
    let theirs_by_old: rustc_hash::FxHashMap<&Path, &Option<PathBuf>> = theirs_changed
        .iter()
        .filter_map(|(o, n)| Some((o.as_deref()?, n)))
        .collect();
    let theirs_created: rustc_hash::FxHashSet<&Path> = theirs_changed
        .iter()
        .filter(|(o, _)| o.is_none())
        .filter_map(|(_, n)| n.as_deref())
        .collect();
    crate::util::output::trace("changes");
    // Who made their version of a record: the newest commit on their side that changed it.
    let side = |path: &Path| {
        let changed = history::last_change(git, remote, local, path);
        crate::sync::driver::side_of(changed.as_ref().unwrap_or(&theirs), cfg)
    };
    let blob = |tree: &git2::Tree, path: &Path| -> Option<String> {
        crate::git::blob_text(git, tree.get_path(path).ok()?.id())
    };
    let mut merged = Vec::new();
    let mut writes: Vec<(PathBuf, Option<String>)> = Vec::new();
    let record = |p: &Path| repo.record_of(p);
    // Records changed on both sides since the common version (followed through renames).
    for (old, our_new) in &ours_changed {
        let Some(old) = old else { continue };
        let Some(&their_new) = theirs_by_old.get(old.as_path()) else {
            continue;
        };
        let Some((kind, id)) = record(old) else {
            continue;
        };
        let b = blob(&base_tree, old);
        let o = our_new.as_ref().and_then(|p| blob(&our_tree, p));
        let th = their_new.as_ref().and_then(|p| blob(&their_tree, p));
        // Where the record lives now: a rename on either side moves it (ours wins a tie).
        let dest = our_new
            .as_ref()
            .filter(|p| *p != old)
            .or(their_new.as_ref())
            .or(our_new.as_ref())
            .cloned();
        for p in [Some(old), our_new.as_ref(), their_new.as_ref()]
            .into_iter()
            .flatten()
        {
            writes.push((p.clone(), None));
        }
        let path_text = dest
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let text = match (o, th) {
            (Some(o), Some(th)) => Some(merge_or_keep(
                cfg,
                kind,
                b.as_deref(),
                &o,
                &th,
                &side(their_new.as_deref().unwrap_or(old)),
                &path_text,
                &mut merged,
            )),
            (Some(text), None) | (None, Some(text)) => {
                merged.push(MergedRecord {
                    path: path_text.clone(),
                    conflicts: Vec::new(),
                    notes: vec![format!("{id} was deleted on one side and edited on the other; kept the edited record")],
                });
                Some(text)
            }
            (None, None) => None,
        };
        if let (Some(dest), Some(text)) = (dest, text) {
            writes.push((dest, Some(text)));
        }
    }
    // New records with the same id on both sides: one person merges, two people both stay.
    for (old, our_new) in &ours_changed {
        let (None, Some(path)) = (old, our_new) else {
            continue;
        };
        if !theirs_created.contains(path.as_path()) {
            continue;
        }
        let Some((kind, id)) = record(path) else {
            continue;
        };
        let (Some(o), Some(th)) = (blob(&our_tree, path), blob(&their_tree, path)) else {
            continue;
        };
        if o == th {
            continue;
        }
        if same_record(&o, &th) {
            let text = merge_or_keep(
                cfg,
                kind,
                None,
                &o,
                &th,
                &side(path),
                &path.display().to_string(),
                &mut merged,
            );
            writes.push((path.clone(), Some(text)));
        } else {
            let taken = |candidate: &str| {
                let p = repo.path_of(kind, candidate);
                our_tree.get_path(&p).is_ok() || their_tree.get_path(&p).is_ok()
            };
            let new_id = crate::util::slug::unique(&id, taken);
            let new_path = repo.path_of(kind, &new_id);
            merged.push(MergedRecord {
                path: new_path.display().to_string(),
                conflicts: Vec::new(),
                notes: vec![format!(
                    "both sides created {} for different records; theirs is now {new_id} (a possible duplicate: check it)",
                    crate::record::layout::rel(kind, &id)
                )],
            });
            writes.push((path.clone(), Some(o)));
            writes.push((new_path, Some(th)));
        }
    }
    crate::util::output::trace("merged texts");
    stage(git, &mut index, writes)?;
    crate::util::output::trace("index updated");
    refuse_unmerged(&index)?;
    crate::util::output::trace("records merged");
    let tree_id = index.write_tree_to(git)?;
    let tree = git.find_tree(tree_id)?;
    let who = crate::git::identity(git)?;
    let commit_id = git.commit(
        None,
        &who.author,
        &who.committer,
        &merge_message(t, merged.len()),
        &tree,
        &[&ours, &theirs],
    )?;
    failpoint("merge-written");
    crate::util::output::trace("merge written");
    crate::sync::checkout::move_to(git, commit_id, "kith sync: merge")?;
    Ok(merged)
}

/// Puts the merged texts in git's merge index: the removals first, then the texts (`None` removes
/// the path), each replacing whatever conflict git recorded there.
fn stage(
    git: &Repository,
    index: &mut git2::Index,
    mut writes: Vec<(PathBuf, Option<String>)>,
) -> Result<()> {
    writes.sort_by_key(|(_, text)| text.is_some());
    for (path, text) in writes {
        let _ = index.conflict_remove(&path);
        let _ = index.remove_path(&path);
        if let Some(text) = text {
            let oid = git.blob(text.as_bytes())?;
            index.add(&crate::git::index_entry(
                path.to_string_lossy().as_bytes(),
                oid,
                text.len(),
            ))?;
        }
    }
    Ok(())
}

/// Fails naming the files git could not merge and kith does not merge (not records).
fn refuse_unmerged(index: &git2::Index) -> Result<()> {
    if !index.has_conflicts() {
        return Ok(());
    }
    let mut unresolved: Vec<String> = index
        .conflicts()?
        .flatten()
        .filter_map(|c| {
            c.our
                .or(c.their)
                .map(|e| String::from_utf8_lossy(&e.path).into_owned())
        })
        .collect();
    unresolved.sort();
    unresolved.dedup();
    if unresolved.is_empty() {
        return Ok(());
    }
    Err(crate::util::hint::hint(
        format!(
            "these files changed on both sides and are not records kith can merge: {}",
            unresolved.join(", ")
        ),
        "merge them with git (`git pull`), then run `kith sync` again; your commits are safe",
    ))
}

/// `kith: merge origin/main (3 records merged field by field)`.
fn merge_message(t: &Target, merged: usize) -> String {
    let detail = match merged {
        0 => String::new(),
        1 => " (1 record merged field by field)".to_string(),
        n => format!(" ({n} records merged field by field)"),
    };
    format!("kith: merge {}/{}{detail}", t.remote, t.branch)
}

/// Paths changed between two trees, as (before, after), renames detected.
fn changes(
    repo: &history::Repo,
    from: &git2::Tree,
    to: &git2::Tree,
) -> Result<Vec<(Option<PathBuf>, Option<PathBuf>)>> {
    // No path filter: git skips unchanged folders by their ids anyway, and a filter is matched
    // against every entry of a large one; `record_of` picks the records afterwards.
    let mut diff = repo.git.diff_tree_to_tree(Some(from), Some(to), None)?;
    let mut find = git2::DiffFindOptions::new();
    find.renames(true);
    diff.find_similar(Some(&mut find))?;
    Ok(diff
        .deltas()
        .map(|d| {
            let old = (d.status() != git2::Delta::Added)
                .then(|| d.old_file().path().map(Path::to_path_buf))
                .flatten();
            let new = (d.status() != git2::Delta::Deleted)
                .then(|| d.new_file().path().map(Path::to_path_buf))
                .flatten();
            (old, new)
        })
        .collect())
}

/// Whether two new records with the same id describe the same person: the same e-mail
/// address, or the same name when neither has one, compared as `kith duplicates` compares them.
pub fn same_record(a: &str, b: &str) -> bool {
    use crate::record::normalize;
    // (e-mail, name) of a record's text, each read once.
    let identity = |text: &str| -> (Option<String>, Option<String>) {
        let Ok(split) = crate::record::frontmatter::split(text) else {
            return (None, None);
        };
        let fm = crate::record::yaml::parse(split.frontmatter(text));
        let field = |key: &str| {
            fm.fields
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.to_text())
                .filter(|s| !s.trim().is_empty())
        };
        (
            field("email").map(|e| normalize::email(&e).unwrap_or_else(|| e.trim().to_lowercase())),
            field("name").map(|n| normalize::person_name(&n)),
        )
    };
    let ((email_a, name_a), (email_b, name_b)) = (identity(a), identity(b));
    match (email_a, email_b) {
        (Some(x), Some(y)) => x == y,
        (None, None) => name_a == name_b,
        _ => false,
    }
}

/// Merges one record field by field. A record whose other side cannot be merged (it does not
/// parse) keeps ours, with their whole text recorded as a conflict in ours
/// ([`merge::set_aside`]): their edit stays in the working tree until someone resolves it.
#[allow(clippy::too_many_arguments)]
fn merge_or_keep(
    cfg: &Config,
    kind: Kind,
    base: Option<&str>,
    ours: &str,
    theirs: &str,
    side: &Side,
    path: &str,
    report: &mut Vec<MergedRecord>,
) -> String {
    let out = merge::merge(cfg, kind, base, ours, theirs, side).or_else(|e| {
        merge::set_aside(cfg, kind, ours, theirs, &e.to_string(), side).map(|mut out| {
            out.conflicts[0].field = format!(
                "{} (could not merge field by field: {e}; their whole version is kept in the `conflicts:` block, `kith conflicts` shows it)",
                crate::record::parse::WHOLE_RECORD
            );
            out
        })
    });
    match out {
        Ok(out) => {
            report.push(MergedRecord {
                path: path.to_string(),
                conflicts: out.conflicts.iter().map(|c| c.field.clone()).collect(),
                notes: out.notes,
            });
            out.text
        }
        Err(e) => {
            report.push(MergedRecord {
                path: path.to_string(),
                conflicts: vec![format!(
                    "could not merge field by field ({e}); kept ours, theirs is in git history"
                )],
                notes: Vec::new(),
            });
            ours.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Changed, message, summarize};
    use crate::record::Kind;

    #[test]
    fn a_change_to_the_notes_alone_still_names_the_record() {
        let old = "---\nname: Ada Lovelace\n---\nMet at the webinar.\n";
        let new = "---\nname: Ada Lovelace\n---\nMet at the webinar; wants a pilot.\n";
        let changed = [Changed {
            kind: Kind::Person,
            id: "ada-lovelace",
            old: Some(old),
            new: Some(new),
        }];
        assert_eq!(message(&changed, 0), "kith: ada-lovelace edited");
    }

    #[test]
    fn a_long_commit_message_keeps_the_counts_in_its_subject_and_lists_every_change() {
        let changes: Vec<String> = (0..30)
            .map(|i| format!("person-{i} lifecycle lead→mql"))
            .collect();
        let counts = vec!["+2 contacts".to_string(), "-1 deal".to_string()];
        let message = summarize(&changes, &counts);
        let subject = message.lines().next().unwrap();
        assert!(subject.chars().count() <= 200, "{subject}");
        assert!(subject.starts_with("kith: person-0 lifecycle lead→mql; "));
        assert!(
            subject.ends_with(" more records; +2 contacts; -1 deal"),
            "{subject}"
        );
        assert_eq!(
            message
                .lines()
                .filter(|l| l.starts_with("- person-"))
                .count(),
            30
        );
        let short = summarize(&changes[..1], &counts);
        assert_eq!(
            short,
            "kith: person-0 lifecycle lead→mql; +2 contacts; -1 deal"
        );
    }
}
