//! The few git operations the foundation needs, through git2 (no network).

use anyhow::{Context, Result};
use std::path::Path;

/// Whether `dir` is inside a git work tree.
pub fn is_in_repo(dir: &Path) -> bool {
    git2::Repository::discover(dir).is_ok()
}

/// `git init` with `main` as the initial branch.
pub fn init(dir: &Path) -> Result<()> {
    let mut opts = git2::RepositoryInitOptions::new();
    opts.initial_head("main");
    git2::Repository::init_opts(dir, &opts)
        .with_context(|| format!("cannot create a git repository in {}", dir.display()))?;
    Ok(())
}

/// The user's git e-mail (`user.email`) as the repository at `dir` sees it.
pub fn user_email(dir: &Path) -> Option<String> {
    let config = match git2::Repository::discover(dir) {
        Ok(repo) => repo.config().ok()?,
        Err(_) => git2::Config::open_default().ok()?,
    };
    config
        .get_string("user.email")
        .ok()
        .filter(|s| !s.trim().is_empty())
}
