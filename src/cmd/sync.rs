//! `kith sync`, `kith status`, `kith clone`, `kith install-merge-driver`, `kith merge-driver`.

use super::{done, load, warn};
use crate::cli::{CloneArgs, MergeDriverArgs, SyncArgs};
use crate::git::history;
use crate::record::Kind;
use crate::sync::{self, Options};
use crate::util::output::{self, paint};
use crate::workspace::Workspace;
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::ExitCode;

pub fn sync(ws: &Workspace, args: SyncArgs) -> Result<ExitCode> {
    crate::util::output::trace("start");
    let check = |records: &[(Kind, String)]| check_records(ws, records);
    let report = sync::sync(
        &ws.root,
        &ws.config,
        &Options {
            remote: args.remote,
            retries: 5,
            check: Some(&check),
        },
    )?;
    crate::util::output::trace("synced");
    if report.resumed {
        done(
            "sync",
            "finished the checkout and moved the branch, where an interrupted sync stopped",
        );
    }
    if !report.kept.is_empty() {
        done(
            "sync",
            &format!(
                "undid the checkout an interrupted sync left half-done (its commits are kept) and kept your edits made since: {}",
                report.kept.join(", ")
            ),
        );
    }
    if let Some(message) = &report.committed {
        done("committed", message);
    }
    for line in &report.integration {
        done("sync", line);
    }
    for m in &report.merged {
        let mut what = if m.conflicts.is_empty() {
            "merged field by field".to_string()
        } else {
            format!(
                "merged field by field; conflicts kept in the file: {}",
                m.conflicts.join(", ")
            )
        };
        for n in &m.notes {
            what.push_str(&format!("; {n}"));
        }
        done(&m.path, &what);
    }
    match &report.pushed {
        Some(p) => done("sync", p),
        None if report.up_to_date
            && report.committed.is_none()
            && report.integration.is_empty() =>
        {
            done("sync", "already up to date")
        }
        None => {}
    }
    // What arrived: its errors and conflicts, and the duplicates that only concurrent work
    // creates. Only the records that changed are read, unless new people arrived.
    let (mut errors, mut conflicts) = (0, 0);
    for (kind, id, _) in &report.arrived {
        let parsed = crate::load::load_one(ws, &crate::load::Found::named(*kind, id));
        errors += parsed.diags.iter().filter(|d| d.is_error()).count();
        conflicts += usize::from(parsed.record.get("conflicts").is_some());
    }
    if errors > 0 {
        warn(&format!(
            "the records that arrived have {errors} error{}; `kith check` shows them",
            if errors == 1 { "" } else { "s" }
        ));
    }
    if conflicts > 0 {
        warn(&format!(
            "{conflicts} record{} unresolved conflicts; `kith conflicts` lists them",
            if conflicts == 1 { " has" } else { "s have" }
        ));
    }
    let new_people: Vec<&str> = report
        .arrived
        .iter()
        .filter(|(kind, _, new)| *new && *kind == Kind::Person)
        .map(|(_, id, _)| id.as_str())
        .collect();
    if !new_people.is_empty() {
        report_new_duplicates(&new_people, load(ws));
    }
    crate::util::output::trace("reported");
    Ok(ExitCode::SUCCESS)
}

/// The errors in these records as they are on disk, rendered like `kith check` does.
fn check_records(ws: &Workspace, records: &[(Kind, String)]) -> Result<()> {
    let mut errors: Vec<String> = Vec::new();
    for (kind, id) in records {
        let found = crate::load::Found::named(*kind, id);
        let parsed = crate::load::load_one(ws, &found);
        errors.extend(
            parsed
                .diags
                .iter()
                .filter(|d| d.is_error())
                .map(|d| d.render(true)),
        );
    }
    if errors.is_empty() {
        return Ok(());
    }
    output::eprint(&format!("{}\n", errors.join("\n")));
    bail!(
        "{} error{} in the records to sync (above)",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    )
}

/// New people that arrived with the sync and share an e-mail address or phone number with
/// someone else (as [`crate::analysis::duplicates`] normalizes them): the duplicates only concurrent
/// work creates. Each pair once, with the command that merges it.
fn report_new_duplicates(new_people: &[&str], after: &crate::index::Index) {
    for pair in crate::analysis::duplicates::find_high(after) {
        let new = |id: &str| pair.kind == Kind::Person && new_people.contains(&id);
        let (keep_path, drop_path) = pair.paths();
        let (arrived, other) = match (new(&pair.keep), new(&pair.drop)) {
            (_, true) => (drop_path, keep_path),
            (true, false) => (keep_path, drop_path),
            (false, false) => continue,
        };
        let shared: Vec<String> = pair.shared().map(ToString::to_string).collect();
        let how = if pair.names_differ() {
            "shares an e-mail address under another name with"
        } else {
            "is likely the same person as"
        };
        warn(&format!(
            "{arrived} arrived with the sync and {how} {other} ({}); if both are one person, `{}` merges them",
            shared.join("; "),
            pair.merge_command()
        ));
    }
}

pub fn status(ws: &Workspace) -> Result<ExitCode> {
    let repo = history::require(&ws.root)?;
    let git = &repo.git;
    let mut out = String::new();
    match git.head() {
        Ok(head) if head.is_branch() => {
            let name = head.shorthand().unwrap_or("?").to_string();
            let branch = git.find_branch(&name, git2::BranchType::Local)?;
            match branch.upstream() {
                Ok(up) => {
                    let (ahead, behind) = git.graph_ahead_behind(
                        head.peel_to_commit()?.id(),
                        up.get().peel_to_commit()?.id(),
                    )?;
                    let up_name = up.name().ok().flatten().unwrap_or("upstream").to_string();
                    out.push_str(&format!("On branch {name}, tracking {up_name}: {ahead} ahead, {behind} behind (as of the last fetch)\n"));
                }
                Err(_) => out.push_str(&format!(
                    "On branch {name}, not published yet (`kith sync` publishes it)\n"
                )),
            }
        }
        Ok(_) => out.push_str("HEAD is detached\n"),
        Err(_) => out.push_str("No commit yet\n"),
    }
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true).recurse_untracked_dirs(true);
    if !repo.prefix.as_os_str().is_empty() {
        opts.pathspec(&repo.prefix);
    }
    let statuses = git.statuses(Some(&mut opts))?;
    let mut changes = Vec::new();
    for s in statuses.iter() {
        let Ok(path) = s.path() else { continue };
        let st = s.status();
        let mark = if st.intersects(git2::Status::WT_NEW | git2::Status::INDEX_NEW) {
            "new"
        } else if st.intersects(git2::Status::WT_DELETED | git2::Status::INDEX_DELETED) {
            "deleted"
        } else if st.intersects(git2::Status::CONFLICTED) {
            "in conflict (git)"
        } else if st.intersects(git2::Status::IGNORED) {
            continue;
        } else {
            "changed"
        };
        let rel = Path::new(path)
            .strip_prefix(&repo.prefix)
            .unwrap_or(Path::new(path))
            .display()
            .to_string();
        changes.push(format!("  {:<9} {rel}", mark));
    }
    if changes.is_empty() {
        out.push_str("No uncommitted changes in the workspace\n");
    } else {
        out.push_str(&format!(
            "Uncommitted changes ({}; `kith sync` commits them):\n",
            changes.len()
        ));
        for c in changes {
            out.push_str(&c);
            out.push('\n');
        }
    }
    let index = load(ws);
    let conflicted: Vec<String> = index
        .records()
        .filter(|r| r.get("conflicts").is_some())
        .map(|r| r.path())
        .collect();
    if !conflicted.is_empty() {
        out.push_str(&format!(
            "Unresolved conflicts in {} record(s) (`kith conflicts`):\n",
            conflicted.len()
        ));
        for c in conflicted {
            out.push_str(&format!("  {c}\n"));
        }
    }
    output::print(&out);
    Ok(ExitCode::SUCCESS)
}

/// `kith clone URL [DIR] [--branch NAME]`: git's clone, the branch that holds the workspace
/// checked out, the merge driver and hook installed. It never succeeds without a workspace:
/// when it fails after git made the folder, the folder goes (nothing in it was the user's).
pub fn clone(dir: Option<&Path>, args: CloneArgs) -> Result<ExitCode> {
    let base = dir.unwrap_or(Path::new("."));
    let name = match &args.dir {
        Some(d) => d.clone(),
        None => {
            let last = args
                .url
                .trim_end_matches('/')
                .rsplit(['/', ':'])
                .next()
                .unwrap_or("repo");
            last.trim_end_matches(".git").into()
        }
    };
    let root = base.join(&name);
    // git clones into an empty folder that exists; kith then empties it rather than removing it.
    let existed = root.exists();
    let mut cmd = std::process::Command::new("git");
    cmd.arg("-C").arg(base).args(["clone", "--quiet"]);
    if let Some(b) = &args.branch {
        cmd.args(["--branch", b]);
    }
    cmd.args(["--", &args.url]).arg(&name);
    let out = cmd
        .stdout(std::process::Stdio::inherit())
        .output()
        .context("cannot run `git`; is it installed?")?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        bail!("`git clone {}` failed: {}", args.url, stderr.trim());
    }
    // kith deals with a remote HEAD that names no branch itself, below.
    for line in stderr
        .lines()
        .filter(|l| !l.contains("remote HEAD refers to nonexistent ref"))
    {
        output::eprint(&format!("{line}\n"));
    }
    match set_up_clone(&root, &args) {
        Ok(code) => Ok(code),
        Err(e) => {
            let gone = crate::sync::clone::discard(&root, existed);
            let left = match gone {
                Ok(()) => "nothing was left behind".to_string(),
                Err(why) => format!(
                    "{} could not be removed ({why}); delete it before trying again",
                    super::display_path(&root)
                ),
            };
            Err(crate::util::hint::flatten(&e, |m| {
                format!("{m}\n  note: {left}")
            }))
        }
    }
}

/// Checks out the workspace's branch of a fresh clone if git did not, finds the workspace
/// and installs the merge driver and hook.
fn set_up_clone(root: &Path, args: &CloneArgs) -> Result<ExitCode> {
    let git = git2::Repository::open(root)
        .with_context(|| format!("cannot open the clone in {}", root.display()))?;
    // An unborn HEAD: the remote's HEAD names a branch nobody pushed (a bare repository made
    // where git's default branch is `master`, then `main` published to it).
    if let Some(unborn) = crate::sync::clone::unborn_head(&git)? {
        let branch = crate::sync::clone::check_out_workspace_branch(root, &unborn, &args.url)?;
        done(
            &super::display_path(root),
            &format!(
                "checked out `{branch}`, the branch that holds the workspace (the remote's HEAD names `{}`, which was never pushed)",
                unborn.named
            ),
        );
    }
    let ws_root = if root.join(crate::record::config::FILE).is_file() {
        root.to_path_buf()
    } else {
        // The workspace may be a subfolder of the repository.
        match crate::sync::clone::find_workspace(root) {
            Some(p) => p,
            None => {
                let branch = git
                    .head()
                    .ok()
                    .and_then(|h| h.shorthand().ok().map(str::to_string))
                    .unwrap_or_default();
                return Err(crate::util::hint::hint(
                    format!(
                        "{} has no kith.yaml on branch `{branch}`: it is not a kith workspace",
                        args.url
                    ),
                    format!(
                        "if another branch holds the workspace, `kith clone {} --branch NAME` checks it out",
                        args.url
                    ),
                ));
            }
        }
    };
    let installed = crate::sync::driver::install(&ws_root)?;
    done(
        &super::display_path(&ws_root),
        "cloned; merge driver and pre-commit check installed",
    );
    if let Some(note) = installed.hook {
        warn(&note);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn install_merge_driver(ws: &Workspace) -> Result<ExitCode> {
    let installed = crate::sync::driver::install(&ws.root)?;
    done(
        "git",
        &format!(
            "merge driver registered{}; `git pull` and `git merge` now merge records field by field",
            if installed.attributes {
                " (.gitattributes updated: commit it so teammates get it)"
            } else {
                ""
            }
        ),
    );
    match installed.hook {
        Some(note) => warn(&note),
        None => done(
            "git",
            "pre-commit hook installed: `kith check --staged` before every commit",
        ),
    }
    Ok(ExitCode::SUCCESS)
}

pub fn merge_driver(args: MergeDriverArgs) -> Result<ExitCode> {
    match crate::sync::driver::run(&args.base, &args.ours, &args.theirs, &args.path)? {
        crate::sync::driver::Driven::Merged { conflicts, notes } => {
            for n in notes {
                output::eprint(&format!("kith: {}: {n}\n", args.path));
            }
            if conflicts
                .iter()
                .any(|c| c == crate::record::parse::WHOLE_RECORD)
            {
                output::eprint(&format!(
                    "kith: {}: both sides created it for different records, or theirs does not parse; kept ours, theirs is whole in its conflicts: block (`kith check` says how to keep both)\n",
                    args.path
                ));
            } else if !conflicts.is_empty() {
                output::eprint(&format!(
                    "kith: {}: {} set differently on both sides; kept ours, both values are in its conflicts: block\n",
                    args.path,
                    conflicts.join(", ")
                ));
            }
            Ok(ExitCode::SUCCESS)
        }
        crate::sync::driver::Driven::LineMerged { clean: true } => Ok(ExitCode::SUCCESS),
        crate::sync::driver::Driven::LineMerged { clean: false } => {
            output::eprint(&format!(
                "kith: {}: not mergeable field by field; {}\n",
                args.path,
                paint(output::WARN, "git's conflict markers are in the file")
            ));
            Ok(ExitCode::FAILURE)
        }
    }
}
