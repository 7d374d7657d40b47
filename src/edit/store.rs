//! Writing records: the I/O edge of every command that changes files. Each write re-parses the
//! result, refuses to introduce a new error, and replaces the file atomically only if nobody
//! changed it since it was read.

use crate::edit::{self, Change};
use crate::record::Kind;
use crate::record::config::Config;
use crate::record::parse;
use crate::record::schema;
use crate::util::files::{self, Expect};
use crate::workspace::Workspace;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set by `--dry-run`: every change is still read, made and checked in memory, so a dry run
/// fails where the real run would, but no file is written, created or removed.
static DRY_RUN: AtomicBool = AtomicBool::new(false);

/// Makes this process a dry run (`--dry-run`): nothing below writes from now on.
pub fn dry_run() {
    DRY_RUN.store(true, Ordering::Relaxed);
}

/// Whether this process is a dry run.
pub fn is_dry_run() -> bool {
    DRY_RUN.load(Ordering::Relaxed)
}

/// Applies changes to the record `kind/id` on disk. Returns whether the file changed.
pub fn update(ws: &Workspace, kind: Kind, id: &str, changes: &[Change]) -> Result<bool> {
    match prepare(ws, kind, id, changes)? {
        Some(p) => write(&p).map(|_| true),
        None => Ok(false),
    }
}

/// A change to one record file, made and checked in memory but not written yet: commands that
/// change several files prepare them all first, so that one refusal writes nothing.
#[derive(Debug)]
pub struct Prepared {
    pub kind: Kind,
    pub id: String,
    /// Workspace-relative path.
    pub rel: String,
    /// The file's text as read.
    pub old: String,
    /// Its new text; `None` to remove the file.
    pub new: Option<String>,
    path: PathBuf,
    original: Vec<u8>,
}

/// Reads the record `kind/id`, applies changes and checks the result (no new error), writing
/// nothing. `None` when the changes change nothing.
pub fn prepare(
    ws: &Workspace,
    kind: Kind,
    id: &str,
    changes: &[Change],
) -> Result<Option<Prepared>> {
    let path = ws.write_target(&ws.record_path(kind, id)?)?;
    let (rel, original, old) = read(ws, kind, id, &path)?;
    let cfg = &ws.config;
    let new = edit::apply(&old, changes, |k| schema::field_type(cfg, kind, k))
        .with_context(|| format!("cannot edit {rel}"))?;
    if new == old {
        return Ok(None);
    }
    refuse_new_errors(cfg, kind, id, &rel, &old, &new)?;
    Ok(Some(Prepared {
        kind,
        id: id.to_string(),
        rel,
        old,
        new: Some(new),
        path,
        original,
    }))
}

/// Prepares removing the record `kind/id` (the file, not what a symlink points to).
pub fn prepare_removal(ws: &Workspace, kind: Kind, id: &str) -> Result<Prepared> {
    let path = ws.record_path(kind, id)?;
    let (rel, original, old) = read(ws, kind, id, &path)?;
    Ok(Prepared {
        kind,
        id: id.to_string(),
        rel,
        old,
        new: None,
        path,
        original,
    })
}

/// Writes (or removes) a prepared file, atomically, unless someone changed it since it was
/// read.
pub fn write(p: &Prepared) -> Result<()> {
    if is_dry_run() {
        return Ok(());
    }
    match &p.new {
        Some(new) => files::write_atomic(&p.path, new.as_bytes(), Expect::Unchanged(&p.original)),
        None => {
            let current =
                std::fs::read(&p.path).with_context(|| format!("cannot re-read {}", p.rel))?;
            if current != p.original {
                bail!(
                    "{} changed on disk while kith was working (saved in an editor?); it was not removed, run the command again",
                    p.rel
                );
            }
            std::fs::remove_file(&p.path).with_context(|| format!("cannot remove {}", p.rel))?;
            // Make the removal durable (best effort, as for writes).
            if let Some(dir) = p.path.parent()
                && let Ok(d) = std::fs::File::open(dir)
            {
                let _ = d.sync_all();
            }
            Ok(())
        }
    }
}

/// Writes many prepared changes, waiting for the disk once rather than once per file (see
/// [`files::replace_many`]); removals are made one by one after the writes.
pub fn write_many(prepared: &[Prepared]) -> Result<()> {
    if is_dry_run() {
        return Ok(());
    }
    let writes: Vec<(&Path, &[u8], &[u8])> = prepared
        .iter()
        .filter_map(|p| {
            p.new
                .as_ref()
                .map(|new| (p.path.as_path(), new.as_bytes(), p.original.as_slice()))
        })
        .collect();
    files::replace_many(&writes)?;
    for p in prepared.iter().filter(|p| p.new.is_none()) {
        write(p)?;
    }
    Ok(())
}

/// The text of the record `kind/id`, read as [`prepare`] reads it.
pub fn read_text(ws: &Workspace, kind: Kind, id: &str) -> Result<String> {
    let path = ws.record_path(kind, id)?;
    read(ws, kind, id, &path).map(|(_, _, text)| text)
}

/// A record file's path for messages, bytes and text. Read as the loader reads it: a pipe,
/// device or folder, a file over `max_record_bytes` or a symlink out of the workspace is
/// refused, never opened or read whole.
fn read(ws: &Workspace, kind: Kind, id: &str, path: &Path) -> Result<(String, Vec<u8>, String)> {
    let rel = crate::record::layout::rel(kind, id);
    let original = crate::load::read_record(ws, path, None).map_err(|d| {
        anyhow::Error::new(crate::util::hint::Hint {
            message: format!("cannot read {rel}: {}", d.message),
            help: d.help,
        })
    })?;
    let text = std::str::from_utf8(&original)
        .with_context(|| format!("{rel} is not valid UTF-8; fix it first"))?
        .to_string();
    Ok((rel, original, text))
}

/// Writes a new record file; fails if it exists.
pub fn create(ws: &Workspace, kind: Kind, id: &str, text: &str) -> Result<std::path::PathBuf> {
    let path = ws.record_path(kind, id)?;
    let rel = crate::record::layout::rel(kind, id);
    refuse_new_errors(&ws.config, kind, id, &rel, "", text)?;
    if is_dry_run() {
        if path.exists() {
            bail!("{rel} exists already");
        }
        return Ok(path);
    }
    // The kind's folder, or its shard (`contacts/3f/a/`) in the sharded layout.
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    files::write_atomic(&path, text.as_bytes(), Expect::Absent)?;
    Ok(path)
}

/// Checks many new records at once, writing nothing: fails on the first that would be
/// invalid. Imports check everything before writing anything.
pub fn check_new(ws: &Workspace, records: &[(Kind, &str, &str)]) -> Result<()> {
    use rayon::prelude::*;
    records.par_iter().try_for_each(|(kind, id, text)| {
        ws.record_path(*kind, id)?;
        let rel = crate::record::layout::rel(*kind, id);
        refuse_new_errors(&ws.config, *kind, id, &rel, "", text)
    })
}

/// [`check_new`], returning each new record's diagnostics in order (warnings: an error refuses
/// them all), which `kith check` will show once they are written. One parse per record.
pub fn check_new_diagnostics(
    ws: &Workspace,
    records: &[(Kind, &str, &str)],
) -> Result<Vec<Vec<crate::record::diag::Diagnostic>>> {
    use rayon::prelude::*;
    records
        .par_iter()
        .map(|(kind, id, text)| {
            ws.record_path(*kind, id)?;
            let rel = crate::record::layout::rel(*kind, id);
            let parsed = parse::parse(*kind, id, &rel, text.as_bytes(), &ws.config);
            if let Some(d) = parsed.diags.iter().find(|d| d.is_error()) {
                bail!(
                    "the change would make {rel} invalid, so nothing was written:\n{}",
                    d.render(false)
                );
            }
            Ok(parsed.diags)
        })
        .collect()
}

/// Writes new record files that [`check_new`] accepted, each complete or absent whatever
/// happens, with two waits for the disk in all ([`files::create_many`]); fails if a file
/// exists. `done` is called once per record written.
pub fn create_many(
    ws: &Workspace,
    records: &[(Kind, &str, &str)],
    done: impl Fn() + Sync,
) -> Result<()> {
    if is_dry_run() {
        return Ok(());
    }
    let paths: Vec<PathBuf> = records
        .iter()
        .map(|(kind, id, _)| ws.record_path(*kind, id))
        .collect::<Result<_>>()?;
    // The folders they go in: the kinds' own, or their shards (`contacts/3f/a/`).
    let dirs: std::collections::BTreeSet<&Path> = paths.iter().filter_map(|p| p.parent()).collect();
    for dir in dirs {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    // Companies, then deals, then people: what is referred to is named first.
    let groups: Vec<Vec<(&Path, &[u8])>> = [Kind::Company, Kind::Deal, Kind::Person]
        .into_iter()
        .map(|k| {
            paths
                .iter()
                .zip(records)
                .filter(|(_, (kind, _, _))| *kind == k)
                .map(|(p, (_, _, text))| (p.as_path(), text.as_bytes()))
                .collect()
        })
        .collect();
    files::create_many(&groups, done)
}

/// Fails if `new` has an error diagnostic that `old` did not have.
fn refuse_new_errors(
    cfg: &Config,
    kind: Kind,
    id: &str,
    rel: &str,
    old: &str,
    new: &str,
) -> Result<()> {
    let errors = |text: &str| -> Vec<(String, String)> {
        if text.is_empty() {
            return Vec::new();
        }
        parse::parse(kind, id, rel, text.as_bytes(), cfg)
            .diags
            .into_iter()
            .filter(|d| d.is_error())
            .map(|d| (d.code.to_string(), d.message))
            .collect()
    };
    let before = errors(old);
    let after = parse::parse(kind, id, rel, new.as_bytes(), cfg);
    if let Some(d) = after
        .diags
        .iter()
        .find(|d| d.is_error() && !before.contains(&(d.code.to_string(), d.message.clone())))
    {
        bail!(
            "the change would make {rel} invalid, so nothing was written:\n{}",
            d.render(false)
        );
    }
    Ok(())
}
