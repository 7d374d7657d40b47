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
//! tree, and only then does the branch move, so an interruption at any point leaves a state
//! that the next `kith sync` completes.

use crate::config::Config;
use crate::history::{self, Event, Repo};
use crate::merge::{self, Side};
use crate::record::Kind;
use anyhow::{Context, Result, bail};
use git2::{BranchType, IndexAddOption, MergeOptions, Oid, Repository, Signature};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The remote to publish to when the branch has no upstream yet.
    pub remote: Option<String>,
    /// How many times to fetch and merge again when a push is rejected.
    pub retries: usize,
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
    let out = Command::new("git")
        .arg("-C")
        .arg(workdir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .context("cannot run `git`; is it installed?")?;
    Ok(out)
}

pub fn sync(ws_root: &Path, cfg: &Config, opts: &Options) -> Result<Report> {
    let repo = history::require(ws_root)?;
    let git = &repo.git;
    let workdir = git
        .workdir()
        .context("the repository has no working tree")?
        .to_path_buf();
    match git.state() {
        git2::RepositoryState::Clean => {}
        state => bail!(
            "the repository is in the middle of a git operation ({state:?}); finish or abort it first (`git status` says how)"
        ),
    }
    let mut report = Report {
        committed: commit_local(&repo, cfg)?,
        ..Report::default()
    };
    let target = target(git, opts)?;
    for attempt in 0..=opts.retries {
        fetch(&workdir, &target)?;
        let remote_ref = format!("refs/remotes/{}/{}", target.remote, target.branch);
        match git.refname_to_id(&remote_ref) {
            Err(_) => {
                // An empty remote, or one without this branch: publish it.
                push(&workdir, &target, true)?;
                report.pushed = Some(format!(
                    "published `{}` to `{}` and set it as upstream",
                    target.branch, target.remote
                ));
                return Ok(report);
            }
            Ok(remote) => {
                let local = git.head()?.peel_to_commit()?.id();
                if local == remote || git.graph_descendant_of(local, remote)? {
                    if local == remote {
                        report.up_to_date = true;
                        if !target.tracking {
                            set_upstream(git, &target)?;
                        }
                        return Ok(report);
                    }
                } else if git.graph_descendant_of(remote, local)? {
                    fast_forward(git, remote)?;
                    report.integration.push(format!(
                        "fast-forwarded to {}/{}",
                        target.remote, target.branch
                    ));
                    report.up_to_date = true;
                    if !target.tracking {
                        set_upstream(git, &target)?;
                    }
                    return Ok(report);
                } else {
                    let merged = merge_commit(&repo, cfg, local, remote, &target)?;
                    report.integration.push(format!(
                        "merged {}/{} (merge commit)",
                        target.remote, target.branch
                    ));
                    report.merged.extend(merged);
                }
                match push(&workdir, &target, !target.tracking) {
                    Ok(()) => {
                        report.pushed =
                            Some(format!("pushed to {}/{}", target.remote, target.branch));
                        return Ok(report);
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

fn is_rejection(e: &anyhow::Error) -> bool {
    let text = format!("{e:#}");
    text.contains("rejected") || text.contains("non-fast-forward") || text.contains("fetch first")
}

/// Commits every change under the workspace (records, kith.yaml, templates) with a message
/// that says what changed. `None` when there was nothing to commit.
fn commit_local(repo: &Repo, cfg: &Config) -> Result<Option<String>> {
    let git = &repo.git;
    let mut index = git.index()?;
    let head_tree = git.head().ok().and_then(|h| h.peel_to_tree().ok());
    // Staged changes outside the workspace are the user's business; kith does not commit them.
    if let Some(tree) = &head_tree {
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
    let spec = if repo.prefix.as_os_str().is_empty() {
        "*".to_string()
    } else {
        format!("{}/*", repo.prefix.display())
    };
    index.add_all([spec.as_str()], IndexAddOption::DEFAULT, None)?;
    index.update_all([spec.as_str()], None)?;
    index.write()?;
    let tree_id = index.write_tree()?;
    if head_tree.as_ref().is_some_and(|t| t.id() == tree_id) {
        return Ok(None);
    }
    let tree = git.find_tree(tree_id)?;
    let message = commit_message(repo, cfg, head_tree.as_ref(), &tree)?;
    let sig = signature(git)?;
    let parents: Vec<git2::Commit> = git
        .head()
        .ok()
        .and_then(|h| h.peel_to_commit().ok())
        .into_iter()
        .collect();
    let parent_refs: Vec<&git2::Commit> = parents.iter().collect();
    git.commit(Some("HEAD"), &sig, &sig, &message, &tree, &parent_refs)?;
    Ok(Some(message))
}

fn signature(git: &Repository) -> Result<Signature<'static>> {
    git.signature().context(
        "git does not know who you are; set it with `git config --global user.name \"Your Name\"` and `git config --global user.email you@example.com`",
    )
}

/// `kith: ada-lovelace lifecycle lead→mql; +2 contacts; acme-renewal amount 12000→15000`
fn commit_message(
    repo: &Repo,
    cfg: &Config,
    old: Option<&git2::Tree>,
    new: &git2::Tree,
) -> Result<String> {
    let mut opts = git2::DiffOptions::new();
    opts.pathspec(&repo.prefix);
    let diff = repo
        .git
        .diff_tree_to_tree(old, Some(new), Some(&mut opts))?;
    let mut parts: Vec<String> = Vec::new();
    let mut created = [0usize; 3];
    let mut deleted = [0usize; 3];
    let mut other = 0;
    for delta in diff.deltas() {
        let path = delta
            .new_file()
            .path()
            .or(delta.old_file().path())
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let Some((kind, id)) = repo.record_of(&path) else {
            other += 1;
            continue;
        };
        let blob_text = |oid: Oid| {
            (!oid.is_zero())
                .then(|| {
                    repo.git
                        .find_blob(oid)
                        .ok()
                        .map(|b| String::from_utf8_lossy(b.content()).into_owned())
                })
                .flatten()
        };
        let (o, n) = (
            blob_text(delta.old_file().id()),
            blob_text(delta.new_file().id()),
        );
        let events = history::diff_texts(cfg, kind, &id, o.as_deref(), n.as_deref());
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
                    let (o, n) = (history::show(&old), history::show(&new));
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
        if !fields.is_empty() {
            parts.push(format!("{id} {}", fields.join(", ")));
        }
    }
    for kind in Kind::ALL {
        let noun = |n: usize| {
            if n == 1 {
                kind.noun().to_string()
            } else {
                kind.dir().to_string()
            }
        };
        if created[kind as usize] > 0 {
            parts.push(format!(
                "+{} {}",
                created[kind as usize],
                noun(created[kind as usize])
            ));
        }
        if deleted[kind as usize] > 0 {
            parts.push(format!(
                "-{} {}",
                deleted[kind as usize],
                noun(deleted[kind as usize])
            ));
        }
    }
    if other > 0 {
        parts.push(format!(
            "{other} other file{}",
            if other == 1 { "" } else { "s" }
        ));
    }
    let mut message = format!("kith: {}", parts.join("; "));
    if message.chars().count() > 200 {
        let cut: String = message.chars().take(197).collect();
        message = format!("{cut}…");
    }
    Ok(message)
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
        (None, []) => bail!(
            "the repository has no remote to sync with\n  help: add one with `git remote add origin URL`, then run `kith sync` again"
        ),
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
    let out = git_cli(workdir, &args)?;
    if !out.status.success() {
        bail!(
            "`git push {} {refspec}` was rejected or failed: {}",
            t.remote,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

fn set_upstream(git: &Repository, t: &Target) -> Result<()> {
    let mut branch = git.find_branch(&t.branch, BranchType::Local)?;
    branch.set_upstream(Some(&format!("{}/{}", t.remote, t.branch)))?;
    Ok(())
}

/// Moves the branch to `to` (a descendant of HEAD): working tree first, then the branch.
fn fast_forward(git: &Repository, to: Oid) -> Result<()> {
    let commit = git.find_commit(to)?;
    git.checkout_tree(commit.as_object(), Some(git2::build::CheckoutBuilder::new().safe()))
        .context("cannot update the working tree (a file changed meanwhile?); nothing was lost, run `kith sync` again")?;
    let head = git.head()?;
    let name = head.name().context("HEAD has no name")?.to_string();
    git.reference(&name, to, true, "kith sync: fast-forward")?;
    Ok(())
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
    let (base_tree, our_tree, their_tree) = (base.tree()?, ours.tree()?, theirs.tree()?);
    let ours_changed = changes(git, &base_tree, &our_tree)?;
    let theirs_changed = changes(git, &base_tree, &their_tree)?;
    let side = Side {
        who: theirs.author().name().unwrap_or("their side").to_string(),
        when: jiff::Timestamp::from_second(theirs.author().when().seconds())
            .map(|t| t.to_zoned_datetime(cfg.tz.clone()).date())
            .unwrap_or(jiff::civil::Date::constant(1970, 1, 1)),
    };
    let blob = |tree: &git2::Tree, path: &Path| -> Option<String> {
        let entry = tree.get_path(path).ok()?;
        git.find_blob(entry.id())
            .ok()
            .map(|b| String::from_utf8_lossy(b.content()).into_owned())
    };
    let mut merged = Vec::new();
    let mut writes: Vec<(PathBuf, Option<String>)> = Vec::new();
    let record = |p: &Path| repo.record_of(p);
    // Records changed on both sides since the common version (followed through renames).
    for (old, our_new) in &ours_changed {
        let Some(old) = old else { continue };
        let Some((_, their_new)) = theirs_changed.iter().find(|(o, _)| o.as_ref() == Some(old))
        else {
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
                &side,
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
        if !theirs_changed
            .iter()
            .any(|(o, n)| o.is_none() && n.as_ref() == Some(path))
        {
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
                &side,
                &path.display().to_string(),
                &mut merged,
            );
            writes.push((path.clone(), Some(text)));
        } else {
            let taken = |candidate: &str| {
                let p = repo.path_of(kind, candidate);
                our_tree.get_path(&p).is_ok() || their_tree.get_path(&p).is_ok()
            };
            let new_id = crate::slug::unique(&id, taken);
            let new_path = repo.path_of(kind, &new_id);
            merged.push(MergedRecord {
                path: new_path.display().to_string(),
                conflicts: Vec::new(),
                notes: vec![format!(
                    "both sides created {}/{id}.md for different records; theirs is now {new_id} (a possible duplicate: check it)",
                    kind.dir()
                )],
            });
            writes.push((path.clone(), Some(o)));
            writes.push((new_path, Some(th)));
        }
    }
    // Removals first, then the merged texts.
    writes.sort_by_key(|(_, text)| text.is_some());
    for (path, text) in writes {
        let _ = index.conflict_remove(&path);
        let _ = index.remove_path(&path);
        if let Some(text) = text {
            let oid = git.blob(text.as_bytes())?;
            index.add(&index_entry(&path, oid, text.len()))?;
        }
    }
    let mut unresolved: Vec<String> = Vec::new();
    if index.has_conflicts() {
        let paths: Vec<String> = index
            .conflicts()?
            .flatten()
            .filter_map(|c| {
                c.our
                    .or(c.their)
                    .map(|e| String::from_utf8_lossy(&e.path).into_owned())
            })
            .collect();
        unresolved.extend(paths);
        unresolved.sort();
        unresolved.dedup();
    }
    if !unresolved.is_empty() {
        bail!(
            "these files changed on both sides and are not records kith can merge: {}\n  help: merge them with git (`git pull`), then run `kith sync` again; your commits are safe",
            unresolved.join(", ")
        );
    }
    let tree_id = index.write_tree_to(git)?;
    let tree = git.find_tree(tree_id)?;
    let sig = signature(git)?;
    let n = merged.len();
    let message = format!(
        "kith: merge {}/{}{}",
        t.remote,
        t.branch,
        if n > 0 {
            format!(
                " ({n} record{} merged field by field)",
                if n == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        }
    );
    let commit_id = git.commit(None, &sig, &sig, &message, &tree, &[&ours, &theirs])?;
    // Working tree first, then the branch: an interruption in between leaves the merged files
    // as local changes, which the next sync commits (nothing lost).
    let commit = git.find_commit(commit_id)?;
    git.checkout_tree(commit.as_object(), Some(git2::build::CheckoutBuilder::new().safe()))
        .context("cannot update the working tree (a file changed meanwhile?); nothing was lost, run `kith sync` again")?;
    let head = git.head()?;
    let name = head.name().context("HEAD has no name")?.to_string();
    git.reference(&name, commit_id, true, "kith sync: merge")?;
    Ok(merged)
}

/// Paths changed between two trees, as (before, after), renames detected.
fn changes(
    git: &Repository,
    from: &git2::Tree,
    to: &git2::Tree,
) -> Result<Vec<(Option<PathBuf>, Option<PathBuf>)>> {
    let mut diff = git.diff_tree_to_tree(Some(from), Some(to), None)?;
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

/// Whether two new records with the same id describe the same person (same e-mail, or the
/// same name when neither has one).
fn same_record(a: &str, b: &str) -> bool {
    let field = |text: &str, key: &str| -> Option<String> {
        let split = crate::frontmatter::split(text).ok()?;
        let fm = crate::yaml::parse(split.frontmatter(text));
        fm.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.to_text().trim().to_lowercase())
            .filter(|s| !s.is_empty())
    };
    match (field(a, "email"), field(b, "email")) {
        (Some(x), Some(y)) => x == y,
        (None, None) => field(a, "name") == field(b, "name"),
        _ => false,
    }
}

/// Merges one record field by field; a record that cannot be merged keeps ours.
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
    match merge::merge(cfg, kind, base, ours, theirs, side) {
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

fn index_entry(path: &Path, id: Oid, len: usize) -> git2::IndexEntry {
    git2::IndexEntry {
        ctime: git2::IndexTime::new(0, 0),
        mtime: git2::IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: 0o100644,
        uid: 0,
        gid: 0,
        file_size: len as u32,
        id,
        flags: 0,
        flags_extended: 0,
        path: path.to_string_lossy().as_bytes().to_vec(),
    }
}
