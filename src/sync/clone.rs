//! What `kith clone` does beyond `git clone`: choosing the branch that holds the workspace
//! when the remote's HEAD names one nobody pushed, finding the workspace in the clone, and
//! removing what a failed clone made.

use crate::util::hint::hint;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// A clone whose HEAD names a branch that was never pushed (a bare repository made where
/// git's default branch is `master`, then `main` published to it).
pub struct Unborn {
    /// The remote the clone came from.
    pub remote: String,
    /// The branch the remote's HEAD names.
    pub named: String,
    /// The remote's branches, sorted.
    pub branches: Vec<String>,
}

/// `None` when git checked out the branch the remote's HEAD names.
pub fn unborn_head(git: &git2::Repository) -> Result<Option<Unborn>> {
    if git.head().is_ok() {
        return Ok(None);
    }
    let remote = git
        .remotes()?
        .iter()
        .flatten()
        .flatten()
        .next()
        .map(str::to_string)
        .context("the clone has no remote")?;
    let prefix = format!("{remote}/");
    let mut branches: Vec<String> = git
        .branches(Some(git2::BranchType::Remote))?
        .flatten()
        .filter_map(|(b, _)| b.name().ok().flatten().map(str::to_string))
        .filter_map(|n| n.strip_prefix(&prefix).map(str::to_string))
        .filter(|n| n != "HEAD")
        .collect();
    branches.sort();
    let named = git
        .find_reference("HEAD")
        .ok()
        .and_then(|h| h.symbolic_target().ok().flatten().map(str::to_string))
        .map(|t| t.trim_start_matches("refs/heads/").to_string())
        .unwrap_or_else(|| "?".into());
    Ok(Some(Unborn {
        remote,
        named,
        branches,
    }))
}

/// Checks out the branch that holds the workspace in the clone at `root`: the remote's only
/// branch, or `main` among several; otherwise fails saying how to choose (`url` as the user
/// typed it). Returns the branch checked out.
pub fn check_out_workspace_branch(root: &Path, unborn: &Unborn, url: &str) -> Result<String> {
    let branch = match unborn.branches.as_slice() {
        [] => {
            return Err(hint(
                format!("{url} is empty: there is no workspace to clone yet"),
                format!(
                    "in the workspace, `git remote add origin {url}` and `kith sync` publish it"
                ),
            ));
        }
        [only] => only.clone(),
        many if many.iter().any(|b| b == "main") => "main".to_string(),
        many => {
            return Err(hint(
                format!(
                    "the remote's HEAD names `{}`, which was never pushed, and it has several branches ({}): kith cannot tell which holds the workspace",
                    unborn.named,
                    many.join(", ")
                ),
                format!("say which with `kith clone {url} --branch NAME`"),
            ));
        }
    };
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["checkout", "--quiet", "-b", &branch, "--track"])
        .arg(format!("{}/{branch}", unborn.remote))
        .output()
        .context("cannot run `git`; is it installed?")?;
    if !out.status.success() {
        bail!(
            "cannot check out `{branch}`: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(branch)
}

/// The folder of the clone that holds `kith.yaml`: the root, or the first subfolder found.
pub fn find_workspace(root: &Path) -> Option<PathBuf> {
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        if dir.join(crate::record::config::FILE).is_file() {
            return Some(dir);
        }
        for e in std::fs::read_dir(&dir).ok()?.flatten() {
            let p = e.path();
            if p.is_dir() && p.file_name().is_some_and(|n| n != ".git") {
                stack.push(p);
            }
        }
    }
    None
}

/// Removes what a failed clone made: the folder, or its contents when the folder was there
/// before (empty, or git would not have cloned into it).
pub fn discard(root: &Path, existed: bool) -> std::io::Result<()> {
    if !existed {
        return std::fs::remove_dir_all(root);
    }
    for e in std::fs::read_dir(root)? {
        let p = e?.path();
        if p.is_dir() && !p.is_symlink() {
            std::fs::remove_dir_all(&p)?;
        } else {
            std::fs::remove_file(&p)?;
        }
    }
    Ok(())
}
