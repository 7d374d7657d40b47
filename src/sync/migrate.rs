//! `kith migrate --layout`: moves every record file to where another layout keeps it
//! (`contacts/ada.md` ↔ `contacts/3f/a/ada.md`) and sets `layout:` in kith.yaml, in one commit
//! of renames only: each moved file keeps its blob, so `git log --follow` and kith's history
//! cross the migration, and a round trip flat → sharded → flat gives back the same trees.
//!
//! The commit is made from the index (the moved entries renamed, nothing re-read or re-hashed),
//! so it holds exactly the moves and kith.yaml; a tree with uncommitted changes is refused
//! first, so that nothing of the user's slips into it.

use crate::record::Kind;
use crate::record::layout::{self, Layout};
use crate::sync::driver::{ATTRIBUTES, SHARDED_ATTRIBUTES};
use crate::util::hint::hint;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// What a migration does (or, in a dry run, would do).
#[derive(Debug, Default)]
pub struct Migration {
    /// Record files moved, from → to, relative to the workspace.
    pub moves: Vec<(String, String)>,
    /// kith.yaml's text after the migration, when it changes.
    pub config: Option<String>,
    /// .gitattributes' text after the migration, when it changes (the merge driver's lines
    /// for shard folders).
    pub attributes: Option<String>,
    /// The commit made, if the workspace is in a git repository and something changed.
    pub commit: Option<String>,
}

/// Plans the migration of the workspace at `root` (whose kith.yaml text is `config`) to `to`,
/// and unless `dry_run`, does it.
pub fn migrate(root: &Path, config: &str, to: Layout, dry_run: bool) -> Result<Migration> {
    let repo = crate::git::history::Repo::open(root)?;
    if let Some(repo) = &repo {
        refuse_dirty(repo)?;
    }
    let mut m = Migration {
        moves: plan_moves(root, to)?,
        ..Migration::default()
    };
    let new_config = with_layout(config, to);
    m.config = (new_config != config).then_some(new_config);
    let attributes_path = root.join(".gitattributes");
    let old_attributes = std::fs::read_to_string(&attributes_path).unwrap_or_default();
    if !old_attributes.is_empty() {
        let new = with_attributes(&old_attributes, to);
        m.attributes = (new != old_attributes).then_some(new);
    }
    if dry_run || (m.moves.is_empty() && m.config.is_none() && m.attributes.is_none()) {
        return Ok(m);
    }
    for (from, to) in &m.moves {
        let (from, to) = (root.join(from), root.join(to));
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        std::fs::rename(&from, &to)
            .with_context(|| format!("cannot move {} to {}", from.display(), to.display()))?;
        // A shard left empty goes, and its first-level folder once that is empty too: git
        // keeps no empty folders either. (Removing a folder that is not empty fails.)
        let name = |d: &Path| d.file_name().and_then(|n| n.to_str()).map(str::to_string);
        if let Some(dir) = from.parent() {
            if name(dir).is_some_and(|n| layout::is_subshard_name(&n))
                && dir
                    .parent()
                    .and_then(name)
                    .is_some_and(|n| layout::is_shard_name(&n))
            {
                let _ = std::fs::remove_dir(dir);
                if let Some(top) = dir.parent() {
                    let _ = std::fs::remove_dir(top);
                }
            } else if name(dir).is_some_and(|n| layout::is_shard_name(&n)) {
                let _ = std::fs::remove_dir(dir);
            }
        }
    }
    let write = |path: PathBuf, text: &str, old: &str| -> Result<()> {
        crate::util::files::write_atomic(
            &path,
            text.as_bytes(),
            crate::util::files::Expect::Unchanged(old.as_bytes()),
        )
    };
    if let Some(text) = &m.config {
        write(root.join(crate::record::config::FILE), text, config)?;
    }
    if let Some(text) = &m.attributes {
        write(attributes_path, text, &old_attributes)?;
    }
    if let Some(repo) = &repo {
        m.commit = Some(commit(repo, &m, to)?);
    }
    Ok(m)
}

/// A migration commits only its own moves: uncommitted changes in the workspace would be
/// committed with them, or lost track of, so they are refused first.
fn refuse_dirty(repo: &crate::git::history::Repo) -> Result<()> {
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true).exclude_submodules(true);
    if !repo.prefix.as_os_str().is_empty() {
        opts.pathspec(&repo.prefix);
    }
    let statuses = repo.git.statuses(Some(&mut opts))?;
    let dirty: Vec<String> = statuses
        .iter()
        .filter(|s| !s.status().is_ignored())
        .filter_map(|s| s.path().ok().map(str::to_string))
        .filter(|p| !p.ends_with(".kith-tmp"))
        .collect();
    if dirty.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = dirty.iter().take(3).map(String::as_str).collect();
    let more = if dirty.len() > 3 {
        format!(" and {} more", dirty.len() - 3)
    } else {
        String::new()
    };
    Err(hint(
        format!(
            "the workspace has uncommitted changes ({}{more}); the migration commits its moves alone",
            shown.join(", ")
        ),
        "commit them first (`kith sync`, or `git commit`), then run `kith migrate` again",
    ))
}

/// Every record file not where `to` keeps it, from → to, in kind and id order. Files of the
/// other layout are found whatever kith.yaml says now (a migration killed half-way is finished
/// by running it again); a record in two places is refused.
fn plan_moves(root: &Path, to: Layout) -> Result<Vec<(String, String)>> {
    let mut moves = Vec::new();
    for kind in Kind::ALL {
        let dir = root.join(kind.dir());
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut found: Vec<(String, String)> = Vec::new();
        for entry in entries.flatten() {
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir && layout::is_shard_name(&name) {
                // A shard folder: the files in its shards (`3f/a/ada.md`), and any right in it
                // (`3f/ada.md`, one level short), which go into place like the rest.
                let at = format!("{}/{name}", kind.dir());
                files_in(&entry.path(), &at, &mut found);
                for sub in std::fs::read_dir(entry.path())
                    .into_iter()
                    .flatten()
                    .flatten()
                {
                    if let Ok(sub_name) = sub.file_name().into_string()
                        && layout::is_subshard_name(&sub_name)
                        && sub.file_type().is_ok_and(|t| t.is_dir())
                    {
                        files_in(&sub.path(), &format!("{at}/{sub_name}"), &mut found);
                    }
                }
            } else if let Some(id) = record_id(&name)
                && entry.file_type().is_ok_and(|t| t.is_file())
            {
                found.push((id.to_string(), format!("{}/{name}", kind.dir())));
            }
        }
        found.sort();
        for pair in found.windows(2) {
            if pair[0].0 == pair[1].0 {
                return Err(hint(
                    format!(
                        "the {} `{}` is in two places: {} and {}",
                        kind.noun(),
                        pair[0].0,
                        pair[0].1,
                        pair[1].1
                    ),
                    "keep one of them (`kith merge` folds one record into another), then run `kith migrate` again",
                ));
            }
        }
        for (id, at) in found {
            let want = to.rel(kind, &id);
            if at != want {
                if root.join(&want).exists() {
                    bail!("cannot move {at} to {want}: something is there already");
                }
                moves.push((at, want));
            }
        }
    }
    Ok(moves)
}

/// The record files in the folder `dir` (at `rel` in the workspace): (id, path).
fn files_in(dir: &Path, rel: &str, found: &mut Vec<(String, String)>) {
    for f in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if let Ok(file) = f.file_name().into_string()
            && let Some(id) = record_id(&file)
            && f.file_type().is_ok_and(|t| t.is_file())
        {
            found.push((id.to_string(), format!("{rel}/{file}")));
        }
    }
}

/// The id of a record file's name (`ada.md` → `ada`); hidden and other files are none.
fn record_id(name: &str) -> Option<&str> {
    let id = name.strip_suffix(".md")?;
    (!id.is_empty() && !id.starts_with('.')).then_some(id)
}

/// kith.yaml with `layout:` saying `to`: the value replaced in place (comments and all else
/// kept), appended when missing, and for flat (the default) the line removed, so a round trip
/// gives back the same bytes.
pub fn with_layout(config: &str, to: Layout) -> String {
    let mut out = String::with_capacity(config.len() + 20);
    let mut found = false;
    for line in config.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("layout:") {
            found = true;
            if to == Layout::Flat {
                continue;
            }
            // Keep a comment after the value.
            let comment = rest.find(" #").map(|at| &rest[at..]).unwrap_or("");
            let comment = comment.trim_end_matches(['\n', '\r']);
            let end = if line.ends_with("\r\n") {
                "\r\n"
            } else if line.ends_with('\n') {
                "\n"
            } else {
                ""
            };
            out.push_str(&format!("layout: {}{comment}{end}", to.name()));
            continue;
        }
        out.push_str(line);
    }
    if !found && to != Layout::Flat {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&format!("layout: {}\n", to.name()));
    }
    out
}

/// .gitattributes with the merge driver's lines for shard folders when `to` is sharded (if the
/// driver's flat lines are there, i.e. it is installed), and without them when flat.
fn with_attributes(text: &str, to: Layout) -> String {
    let installed = ATTRIBUTES
        .iter()
        .all(|a| text.lines().any(|l| l.trim() == *a));
    let mut out: String = text
        .split_inclusive('\n')
        .filter(|l| !SHARDED_ATTRIBUTES.contains(&l.trim()))
        .collect();
    if to == Layout::Sharded && installed {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        for line in SHARDED_ATTRIBUTES {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The migration's commit, made from the index: each moved entry renamed (same blob, same
/// mode, same stat data), kith.yaml and .gitattributes added as written.
fn commit(repo: &crate::git::history::Repo, m: &Migration, to: Layout) -> Result<String> {
    let git = &repo.git;
    let mut index = git.index()?;
    // Every entry, renamed where it moved, added back in path order: removing and adding
    // entries one by one shifts libgit2's sorted list each time, quadratic at 1,000,000.
    let bytes = |p: &str| {
        repo.prefix
            .join(p)
            .to_string_lossy()
            .replace('\\', "/")
            .into_bytes()
    };
    let moved: std::collections::HashMap<Vec<u8>, Vec<u8>> = m
        .moves
        .iter()
        .map(|(from, dest)| (bytes(from), bytes(dest)))
        .collect();
    let mut entries: Vec<git2::IndexEntry> = index.iter().collect();
    let mut renamed = 0;
    for e in &mut entries {
        if let Some(dest) = moved.get(&e.path) {
            e.path = dest.clone();
            renamed += 1;
        }
    }
    if renamed != moved.len() {
        bail!(
            "{} of the files to move are not in git's index; commit them first (`kith sync`)",
            moved.len() - renamed
        );
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    index.clear()?;
    for e in &entries {
        index.add(e)?;
    }
    let workdir = git
        .workdir()
        .context("the repository has no working tree")?;
    for (changed, file) in [
        (m.config.is_some(), crate::record::config::FILE),
        (m.attributes.is_some(), ".gitattributes"),
    ] {
        if changed {
            let path = repo.prefix.join(file);
            if workdir.join(&path).exists() {
                index.add_path(&path)?;
            }
        }
    }
    let tree = git.find_tree(crate::git::write_index_with_tree(git, &mut index)?)?;
    // The user's identity; a migration is mechanical, so without one it is kith's own.
    let who = crate::git::identity(git)
        .or_else(|_| crate::git::identity_as("kith migrate", "kith@localhost"))?;
    let message = format!(
        "kith: move {} records to the {} layout\n\nkith migrate --layout {}: renames only, each file's content unchanged.",
        m.moves.len(),
        to.name(),
        to.name()
    );
    let oid = crate::git::commit_on_head(git, &who, &message, &tree)?;
    Ok(oid.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_line_round_trips() {
        let base = "name: Acme\n# layout comes later\ncurrency: EUR\n";
        let sharded = with_layout(base, Layout::Sharded);
        assert_eq!(sharded, format!("{base}layout: sharded\n"));
        assert_eq!(with_layout(&sharded, Layout::Flat), base);
        assert_eq!(with_layout(&sharded, Layout::Sharded), sharded);
        assert_eq!(with_layout(base, Layout::Flat), base);
        assert_eq!(
            with_layout("layout: flat # small team\r\nname: A\r\n", Layout::Sharded),
            "layout: sharded # small team\r\nname: A\r\n"
        );
        assert_eq!(
            with_layout("name: A", Layout::Sharded),
            "name: A\nlayout: sharded\n"
        );
    }

    #[test]
    fn attributes_follow_the_layout() {
        let flat = format!("*.png binary\n{}\n", ATTRIBUTES.join("\n"));
        let sharded = with_attributes(&flat, Layout::Sharded);
        assert!(
            sharded.ends_with("deals/*/*/*.md merge=kith\n"),
            "{sharded}"
        );
        assert_eq!(with_attributes(&sharded, Layout::Flat), flat);
        // Without the driver, nothing is added.
        assert_eq!(
            with_attributes("*.png binary\n", Layout::Sharded),
            "*.png binary\n"
        );
    }
}
