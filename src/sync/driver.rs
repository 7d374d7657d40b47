//! kith in plain git: the merge driver (`git pull` merges records field by field too), its
//! registration, and the pre-commit hook that checks staged records.

use crate::record::Kind;
use crate::record::config::Config;
use crate::sync::merge::{self, Side};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// The `.gitattributes` lines that send record files to the driver.
pub const ATTRIBUTES: [&str; 3] = [
    "contacts/*.md merge=kith",
    "companies/*.md merge=kith",
    "deals/*.md merge=kith",
];

/// The lines that send record files of the sharded layout (`contacts/3f/a/ada.md`) to the
/// driver: added to [`ATTRIBUTES`] when the workspace is sharded.
pub const SHARDED_ATTRIBUTES: [&str; 3] = [
    "contacts/*/*/*.md merge=kith",
    "companies/*/*/*.md merge=kith",
    "deals/*/*/*.md merge=kith",
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
    let crate::git::history::Repo { git: repo, prefix } = crate::git::history::Repo::open(ws_root)?
        .context("the workspace is not in a git repository")?;
    let exe = std::env::current_exe().context("cannot tell where the kith executable is")?;
    let exe = shell_quote(&exe.display().to_string());
    // This kith, or the one on PATH if this one has moved since (an upgrade, a rebuilt tree).
    let kith = format!("k={exe}; [ -x \"$k\" ] || k=kith; \"$k\"");
    let mut config = repo.config()?;
    config.set_str("merge.kith.name", "kith: merge records field by field")?;
    config.set_str(
        "merge.kith.driver",
        &format!("{kith} merge-driver %O %A %B %P"),
    )?;
    let mut done = Installed::default();
    let attributes = ws_root.join(".gitattributes");
    let mut text = std::fs::read_to_string(&attributes).unwrap_or_default();
    // The layout kith.yaml sets (a clone has not opened the workspace yet).
    let sharded = std::fs::read_to_string(ws_root.join(crate::record::config::FILE))
        .is_ok_and(|t| Config::parse(&t).0.layout == crate::record::layout::Layout::Sharded);
    let extra: &[&str] = if sharded { &SHARDED_ATTRIBUTES } else { &[] };
    for line in ATTRIBUTES.iter().chain(extra) {
        if !text.lines().any(|l| l.trim() == *line) {
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
    // Hooks run at the top of the working tree; the workspace may be a folder inside it.
    let root = if prefix.as_os_str().is_empty() {
        ".".to_string()
    } else {
        shell_quote(&prefix.display().to_string())
    };
    let script = format!(
        "#!/bin/sh\n{HOOK_MARK}: checks the staged records before each commit.\n{kith} -C {root} check --staged\n"
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
        let cfg = std::fs::read_to_string(ws_root.join(crate::record::config::FILE))
            .map(|t| Config::parse(&t).0)
            .unwrap_or_default();
        let side = their_side(&cwd, repo_path, &cfg);
        let base = (!base_text.is_empty()).then_some(base_text.as_str());
        // Both sides created this id: two different people are never fused into one record.
        // Ours stays, theirs is kept whole beside it for `kith resolve --take both`.
        let merged = if base.is_none() && !crate::sync::same_record(&ours_text, &theirs_text) {
            merge::set_aside(
                &cfg,
                kind,
                &ours_text,
                &theirs_text,
                "both sides created this id for different records",
                &side,
            )
        } else {
            merge::merge(&cfg, kind, base, &ours_text, &theirs_text, &side)
        };
        if let Ok(out) = merged {
            crate::util::files::write_atomic(
                ours,
                out.text.as_bytes(),
                crate::util::files::Expect::Unchanged(ours_text.as_bytes()),
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
/// In the sharded layout the file is two folders deeper (`<root>/contacts/3f/a/x.md`).
fn record_location(file: &Path) -> Option<(PathBuf, Kind)> {
    let mut dir = file.parent()?;
    let name = |d: &Path| d.file_name().and_then(|n| n.to_str()).map(str::to_string);
    if name(dir).is_some_and(|n| crate::record::layout::is_subshard_name(&n))
        && let Some(top) = dir.parent()
        && name(top).is_some_and(|n| crate::record::layout::is_shard_name(&n))
    {
        dir = top.parent()?;
    }
    let kind = Kind::from_dir(dir.file_name()?.to_str()?)?;
    let root = dir.parent()?;
    root.join(crate::record::config::FILE)
        .is_file()
        .then(|| (root.to_path_buf(), kind))
}

/// Who made their version of the file, for conflict notes: the newest commit on the branch
/// being merged in that changed it. git names that branch's head in a `GITHEAD_<id>`
/// variable while the merge runs (MERGE_HEAD is written only afterwards).
fn their_side(cwd: &Path, repo_path: &str, cfg: &Config) -> Side {
    let from_merge_head = || -> Option<Side> {
        let repo = git2::Repository::discover(cwd).ok()?;
        let id = std::env::vars_os()
            .filter_map(|(k, _)| {
                let k = k.into_string().ok()?;
                git2::Oid::from_str(k.strip_prefix("GITHEAD_")?).ok()
            })
            .next()
            .or_else(|| repo.refname_to_id("MERGE_HEAD").ok())?;
        let theirs = repo.find_commit(id).ok()?;
        let changed = repo.refname_to_id("HEAD").ok().and_then(|ours| {
            crate::git::history::last_change(&repo, id, ours, Path::new(repo_path))
        });
        Some(side_of(changed.as_ref().unwrap_or(&theirs), cfg))
    };
    from_merge_head().unwrap_or_else(|| Side {
        who: "theirs".into(),
        when: crate::workspace::today(cfg).unwrap_or(jiff::civil::Date::constant(1970, 1, 1)),
    })
}

/// Who made a commit (their teammate id when kith.yaml lists their e-mail) and on which day.
pub fn side_of(commit: &git2::Commit, cfg: &Config) -> Side {
    let author = commit.author();
    let when = jiff::Timestamp::from_second(author.when().seconds())
        .map(|t| t.to_zoned_datetime(cfg.tz.clone()).date())
        .unwrap_or(jiff::civil::Date::constant(1970, 1, 1));
    let who = cfg
        .teammate_by_email(author.email().unwrap_or(""))
        .map_or_else(
            || author.name().unwrap_or("theirs").to_string(),
            |t| t.id.clone(),
        );
    Side { who, when }
}
