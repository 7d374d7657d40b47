//! The few git operations the foundation needs, through git2 (no network).

use anyhow::{Context, Result};
use std::path::Path;

/// Process-wide libgit2 settings; call first thing, before any thread exists.
///
/// libgit2 caches trees of at most 4 KB by default. A workspace's `contacts/` tree holds an
/// entry per person (4 MB at 100,000 records), so without this every lookup of a record in a
/// commit, and every step of a history walk, parses that tree again.
pub fn configure() {
    // SAFETY: called at the start of `main`, before any other thread exists or any other
    // libgit2 call is made, as `set_cache_object_limit` requires.
    unsafe {
        let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Tree, 64 << 20);
    }
}

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

/// The text of `name` (a path relative to the workspace root `root`) at revision `rev`.
/// Works when the workspace is a subfolder of a larger repository.
pub fn file_at(root: &Path, rev: &str, name: &str) -> Result<String> {
    let crate::history::Repo { git: repo, prefix } =
        crate::history::Repo::open(root)?.context("the workspace is not in a git repository")?;
    let rel = prefix.join(name);
    let commit = repo
        .revparse_single(rev)
        .with_context(|| format!("git does not know the revision `{rev}`"))?
        .peel_to_commit()
        .with_context(|| format!("`{rev}` is not a commit"))?;
    let entry = commit
        .tree()?
        .get_path(&rel)
        .with_context(|| format!("{} does not exist at `{rev}`", rel.display()))?;
    let blob = entry.to_object(&repo)?.peel_to_blob()?;
    String::from_utf8(blob.content().to_vec())
        .with_context(|| format!("{} at `{rev}` is not UTF-8", rel.display()))
}

/// An index entry for a regular file with these contents (`id`, `len` bytes), for writing a
/// tree without touching the working tree.
pub fn index_entry(path: &[u8], id: git2::Oid, len: usize) -> git2::IndexEntry {
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
        path: path.to_vec(),
    }
}

/// The text of a blob (lossy UTF-8), `None` for the zero id or a missing object.
pub fn blob_text(git: &git2::Repository, oid: git2::Oid) -> Option<String> {
    if oid.is_zero() {
        return None;
    }
    let blob = git.find_blob(oid).ok()?;
    Some(String::from_utf8_lossy(blob.content()).into_owned())
}

/// Commits `tree` on top of HEAD (or as the first commit) and moves HEAD's branch to it.
pub fn commit_on_head(
    git: &git2::Repository,
    sig: &git2::Signature,
    message: &str,
    tree: &git2::Tree,
) -> Result<git2::Oid> {
    let parent = git.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    Ok(git.commit(Some("HEAD"), sig, sig, message, tree, &parents)?)
}
