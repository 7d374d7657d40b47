//! The few git operations the foundation needs, through git2 (no network).

pub mod blame;
pub mod commits;
pub mod diff;
pub mod eventcache;
pub mod folderdiff;
pub mod history;
pub mod indexfile;
pub mod treediff;
pub mod worktree;

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
    let crate::git::history::Repo { git: repo, prefix } = crate::git::history::Repo::open(root)?
        .context("the workspace is not in a git repository")?;
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

/// git's index of `git` could not be read (`e`): what to say, and how to rebuild it. `done`
/// says what the command left undone, `again` the command to run once it is rebuilt.
pub fn index_unreadable(
    git: &git2::Repository,
    e: &git2::Error,
    done: &str,
    again: &str,
) -> anyhow::Error {
    let file = crate::util::output::display_path(&git.path().join("index"));
    crate::util::hint::hint(
        format!("cannot read git's index ({file}): {}", e.message()),
        format!(
            "{done}; `rm {file} && git reset` rebuilds it from the last commit (your files stay as they are), then run `{again}` again"
        ),
    )
}

/// Writes `index` to disk with its cache-tree built first (libgit2's `write_tree`), and
/// returns the tree its entries make: the index file then says which tree it holds, so that
/// the next sync and report see at once that nothing is staged instead of comparing every
/// file. An index written without it (libgit2's checkout, an index written before its tree)
/// says nothing until a sync commits.
pub fn write_index_with_tree(
    repo: &git2::Repository,
    index: &mut git2::Index,
) -> Result<git2::Oid, git2::Error> {
    let tree = index.write_tree_to(repo)?;
    index.write()?;
    Ok(tree)
}

/// Commits `tree` on top of HEAD (or as the first commit) and moves HEAD's branch to it.
pub fn commit_on_head(
    git: &git2::Repository,
    who: &Identity,
    message: &str,
    tree: &git2::Tree,
) -> Result<git2::Oid> {
    let parent = git.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    Ok(git.commit(
        Some("HEAD"),
        &who.author,
        &who.committer,
        message,
        tree,
        &parents,
    )?)
}

/// Who makes a commit and when, as `git commit` would name them.
pub struct Identity {
    pub author: git2::Signature<'static>,
    pub committer: git2::Signature<'static>,
}

/// The author and committer of a commit kith makes in `git`, chosen as `git commit` chooses
/// them: `GIT_AUTHOR_NAME`, `GIT_AUTHOR_EMAIL` and `GIT_AUTHOR_DATE` (and the `GIT_COMMITTER_`
/// ones) win over `user.name` and `user.email` in git's configuration (then `EMAIL`), and the
/// time is now unless a date variable pins it.
pub fn identity(git: &git2::Repository) -> Result<Identity> {
    identity_from(git, |name| {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    })
}

fn identity_from(git: &git2::Repository, env: impl Fn(&str) -> Option<String>) -> Result<Identity> {
    let config = git.config().ok().and_then(|mut c| c.snapshot().ok());
    let configured = |key: &str| config.as_ref().and_then(|c| c.get_string(key).ok());
    let one = |role: &str| -> Result<git2::Signature<'static>> {
        let var = |what: &str| env(&format!("GIT_{role}_{what}"));
        let name = var("NAME").or_else(|| configured("user.name"));
        let email = var("EMAIL")
            .or_else(|| configured("user.email"))
            .or_else(|| env("EMAIL"));
        let (Some(name), Some(email)) = (name, email) else {
            return Err(crate::util::hint::hint(
                "git does not know who you are",
                "set it with `git config --global user.name \"Your Name\"` and `git config --global user.email you@example.com`",
            ));
        };
        Ok(git2::Signature::new(
            &name,
            &email,
            &commit_time(role, &env)?,
        )?)
    };
    Ok(Identity {
        author: one("AUTHOR")?,
        committer: one("COMMITTER")?,
    })
}

/// An identity of kith's own (`kith gen`'s), dated as [`identity`] dates commits.
pub fn identity_as(name: &str, email: &str) -> Result<Identity> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    Ok(Identity {
        author: git2::Signature::new(name, email, &commit_time("AUTHOR", &env)?)?,
        committer: git2::Signature::new(name, email, &commit_time("COMMITTER", &env)?)?,
    })
}

/// Now, or the date `GIT_{role}_DATE` pins.
fn commit_time(role: &str, env: &impl Fn(&str) -> Option<String>) -> Result<git2::Time> {
    let Some(date) = env(&format!("GIT_{role}_DATE")) else {
        return Ok(git2::Time::new(jiff::Timestamp::now().as_second(), 0));
    };
    parse_git_date(&date).with_context(|| {
        crate::util::hint::Hint::new(
            format!("GIT_{role}_DATE={date:?} is not a date git reads"),
            "use ISO 8601 (`2026-11-25T12:00:00Z`), RFC 2822 or `@SECONDS +HHMM`, or unset it",
        )
    })
}

/// A date in one of the forms git takes in `GIT_AUTHOR_DATE`: its own `[@]SECONDS [+-]HHMM`,
/// RFC 2822 (`Wed, 25 Nov 2026 12:00:00 +0100`) or ISO 8601 with an offset or `Z`; an ISO
/// date and time without one is taken as UTC.
fn parse_git_date(text: &str) -> Option<git2::Time> {
    let text = text.trim();
    let raw = text.strip_prefix('@').unwrap_or(text);
    let mut parts = raw.split_whitespace();
    if let Some(Ok(secs)) = parts.next().map(str::parse::<i64>) {
        let offset = match parts.next() {
            None => 0,
            Some(tz) => {
                let (sign, digits) = match tz.as_bytes().first()? {
                    b'+' => (1, &tz[1..]),
                    b'-' => (-1, &tz[1..]),
                    _ => return None,
                };
                if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let hhmm: i32 = digits.parse().ok()?;
                sign * (hhmm / 100 * 60 + hhmm % 100)
            }
        };
        return parts
            .next()
            .is_none()
            .then(|| git2::Time::new(secs, offset));
    }
    if let Ok(z) = jiff::fmt::rfc2822::parse(text) {
        return Some(git2::Time::new(
            z.timestamp().as_second(),
            z.offset().seconds() / 60,
        ));
    }
    if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        let offset = jiff::fmt::temporal::Pieces::parse(text)
            .ok()
            .and_then(|p| p.offset())
            .map_or(0, |o| o.to_numeric_offset().seconds() / 60);
        return Some(git2::Time::new(ts.as_second(), offset));
    }
    let civil = text.parse::<jiff::civil::DateTime>().ok()?;
    Some(git2::Time::new(
        civil
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .ok()?
            .timestamp()
            .as_second(),
        0,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<(i64, i32)> {
        parse_git_date(text).map(|t| (t.seconds(), t.offset_minutes()))
    }

    #[test]
    fn reads_the_date_forms_git_reads() {
        let noon = 1_795_608_000; // 2026-11-25T12:00:00Z
        assert_eq!(at("2026-11-25T12:00:00Z"), Some((noon, 0)));
        assert_eq!(at("2026-11-25T13:00:00+01:00"), Some((noon, 60)));
        assert_eq!(at("2026-11-25T12:00:00"), Some((noon, 0)));
        assert_eq!(at("Wed, 25 Nov 2026 07:00:00 -0500"), Some((noon, -300)));
        assert_eq!(at("@1795608000 +0130"), Some((noon, 90)));
        assert_eq!(at("1795608000"), Some((noon, 0)));
        for bad in [
            "",
            "yesterday",
            "2026-13-01T00:00:00Z",
            "@12 +1",
            "12 +0100 x",
        ] {
            assert_eq!(at(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_environment_wins_over_the_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let mut config = repo.config().unwrap();
        config.set_str("user.name", "Configured").unwrap();
        config
            .set_str("user.email", "configured@example.com")
            .unwrap();
        let env = |name: &str| {
            match name {
                "GIT_AUTHOR_NAME" => Some("Ada"),
                "GIT_AUTHOR_DATE" => Some("2026-11-25T12:00:00Z"),
                "GIT_COMMITTER_EMAIL" => Some("bot@example.com"),
                _ => None,
            }
            .map(str::to_string)
        };
        let who = identity_from(&repo, env).unwrap();
        assert_eq!(who.author.name().ok(), Some("Ada"));
        assert_eq!(who.author.email().ok(), Some("configured@example.com"));
        assert_eq!(who.author.when().seconds(), 1_795_608_000);
        assert_eq!(who.committer.name().ok(), Some("Configured"));
        assert_eq!(who.committer.email().ok(), Some("bot@example.com"));

        let bad = |name: &str| (name == "GIT_COMMITTER_DATE").then(|| "soon".to_string());
        let err = format!("{:#}", identity_from(&repo, bad).err().unwrap());
        assert!(err.contains("GIT_COMMITTER_DATE=\"soon\""), "{err}");
    }
}
