//! kith in plain git: the merge driver (`git pull` merges records field by field too), its
//! registration, and the pre-commit hook that checks staged records.

use crate::config::Config;
use crate::merge::{self, Side};
use crate::record::Kind;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// The `.gitattributes` lines that send record files to the driver.
pub const ATTRIBUTES: [&str; 3] = [
    "contacts/*.md merge=kith",
    "companies/*.md merge=kith",
    "deals/*.md merge=kith",
];

const HOOK_MARK: &str = "# Installed by kith";

/// What `install` did.
#[derive(Debug, Default)]
pub struct Installed {
    pub attributes: bool,
    pub hook: Option<String>,
}

/// Registers the merge driver in the repository's config and `.gitattributes` (at the workspace
/// root), and a pre-commit hook running `kith check --staged`. Safe to run again.
pub fn install(ws_root: &Path) -> Result<Installed> {
    let repo =
        git2::Repository::discover(ws_root).context("the workspace is not in a git repository")?;
    let exe = std::env::current_exe().context("cannot tell where the kith executable is")?;
    let exe = shell_quote(&exe.display().to_string());
    let mut config = repo.config()?;
    config.set_str("merge.kith.name", "kith: merge records field by field")?;
    config.set_str(
        "merge.kith.driver",
        &format!("{exe} merge-driver %O %A %B %P"),
    )?;
    let mut done = Installed::default();
    let attributes = ws_root.join(".gitattributes");
    let mut text = std::fs::read_to_string(&attributes).unwrap_or_default();
    for line in ATTRIBUTES {
        if !text.lines().any(|l| l.trim() == line) {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(line);
            text.push('\n');
            done.attributes = true;
        }
    }
    if done.attributes {
        std::fs::write(&attributes, text)
            .with_context(|| format!("cannot write {}", attributes.display()))?;
    }
    let hooks = match config.get_path("core.hooksPath") {
        Ok(p) if p.is_absolute() => p,
        Ok(p) => repo.workdir().unwrap_or(repo.path()).join(p),
        Err(_) => repo.path().join("hooks"),
    };
    std::fs::create_dir_all(&hooks)
        .with_context(|| format!("cannot create {}", hooks.display()))?;
    let hook = hooks.join("pre-commit");
    let root = shell_quote(&ws_root.canonicalize()?.display().to_string());
    let script = format!(
        "#!/bin/sh\n{HOOK_MARK}: checks the staged records before each commit.\nexec {exe} -C {root} check --staged\n"
    );
    match std::fs::read_to_string(&hook) {
        Ok(existing) if !existing.contains(HOOK_MARK) => {
            done.hook = Some(format!(
                "{} exists and is not kith's; add `{exe} -C {root} check --staged` to it yourself",
                hook.display()
            ));
        }
        _ => {
            std::fs::write(&hook, script)
                .with_context(|| format!("cannot write {}", hook.display()))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755))?;
            }
        }
    }
    Ok(done)
}

fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// What the driver did with one file.
#[derive(Debug)]
pub enum Driven {
    /// Merged (conflicts, if any, are recorded in the file's `conflicts:` block).
    Merged {
        conflicts: Vec<String>,
        notes: Vec<String>,
    },
    /// Not a record kith can merge: git's own line merge was applied.
    LineMerged { clean: bool },
}

/// `kith merge-driver BASE OURS THEIRS PATH`: merges into OURS, as git expects.
pub fn run(base: &Path, ours: &Path, theirs: &Path, repo_path: &str) -> Result<Driven> {
    let cwd = std::env::current_dir()?;
    let file = cwd.join(repo_path);
    let record = record_location(&file);
    let read = |p: &Path| {
        std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))
    };
    let (base_text, ours_text, theirs_text) = (read(base)?, read(ours)?, read(theirs)?);
    if let Some((ws_root, kind)) = record {
        let cfg = std::fs::read_to_string(ws_root.join(crate::config::FILE))
            .map(|t| Config::parse(&t).0)
            .unwrap_or_default();
        let side = their_side(&cwd, &cfg);
        let base = (!base_text.is_empty()).then_some(base_text.as_str());
        if let Ok(out) = merge::merge(&cfg, kind, base, &ours_text, &theirs_text, &side) {
            crate::fsutil::write_atomic(
                ours,
                out.text.as_bytes(),
                crate::fsutil::Expect::Unchanged(ours_text.as_bytes()),
            )?;
            return Ok(Driven::Merged {
                conflicts: out.conflicts.into_iter().map(|c| c.field).collect(),
                notes: out.notes,
            });
        }
    }
    // Anything else: git's own three-way line merge, with its conflict markers.
    let status = std::process::Command::new("git")
        .args(["merge-file", "-L", "ours", "-L", "base", "-L", "theirs"])
        .arg(ours)
        .arg(base)
        .arg(theirs)
        .status()
        .context("cannot run `git merge-file`")?;
    match status.code() {
        Some(0) => Ok(Driven::LineMerged { clean: true }),
        Some(n) if n > 0 => Ok(Driven::LineMerged { clean: false }),
        _ => bail!("`git merge-file` failed"),
    }
}

/// The workspace and kind of a record file (`<root>/contacts/x.md` with `<root>/kith.yaml`).
fn record_location(file: &Path) -> Option<(PathBuf, Kind)> {
    let dir = file.parent()?;
    let kind = Kind::from_dir(dir.file_name()?.to_str()?)?;
    let root = dir.parent()?;
    root.join(crate::config::FILE)
        .is_file()
        .then(|| (root.to_path_buf(), kind))
}

/// The author of the branch being merged in (MERGE_HEAD), for conflict notes.
fn their_side(cwd: &Path, cfg: &Config) -> Side {
    let from_merge_head = || -> Option<Side> {
        let repo = git2::Repository::discover(cwd).ok()?;
        let id = repo.refname_to_id("MERGE_HEAD").ok()?;
        let commit = repo.find_commit(id).ok()?;
        let author = commit.author();
        let when = jiff::Timestamp::from_second(author.when().seconds())
            .ok()?
            .to_zoned_datetime(cfg.tz.clone())
            .date();
        let who = cfg
            .teammate_by_email(author.email().unwrap_or(""))
            .map_or_else(
                || author.name().unwrap_or("theirs").to_string(),
                |t| t.id.clone(),
            );
        Some(Side { who, when })
    };
    from_merge_head().unwrap_or_else(|| Side {
        who: "theirs".into(),
        when: crate::workspace::today(cfg).unwrap_or(jiff::civil::Date::constant(1970, 1, 1)),
    })
}
