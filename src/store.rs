//! Writing records: the I/O edge of every command that changes files. Each write re-parses the
//! result, refuses to introduce a new error, and replaces the file atomically only if nobody
//! changed it since it was read.

use crate::config::Config;
use crate::edit::{self, Change};
use crate::fsutil::{self, Expect};
use crate::parse;
use crate::record::Kind;
use crate::schema;
use crate::workspace::Workspace;
use anyhow::{Context, Result, bail};

/// Applies changes to the record `kind/id` on disk. Returns whether the file changed.
pub fn update(ws: &Workspace, kind: Kind, id: &str, changes: &[Change]) -> Result<bool> {
    let path = ws.write_target(&ws.record_path(kind, id)?)?;
    let rel = format!("{}/{id}.md", kind.dir());
    let original = std::fs::read(&path).with_context(|| format!("cannot read {rel}"))?;
    let text = std::str::from_utf8(&original)
        .with_context(|| format!("{rel} is not valid UTF-8; fix it first"))?;
    let cfg = &ws.config;
    let new = edit::apply(text, changes, |k| schema::field_type(cfg, kind, k))
        .with_context(|| format!("cannot edit {rel}"))?;
    if new == text {
        return Ok(false);
    }
    refuse_new_errors(cfg, kind, id, &rel, text, &new)?;
    fsutil::write_atomic(&path, new.as_bytes(), Expect::Unchanged(&original))?;
    Ok(true)
}

/// Writes a new record file; fails if it exists.
pub fn create(ws: &Workspace, kind: Kind, id: &str, text: &str) -> Result<std::path::PathBuf> {
    let path = ws.record_path(kind, id)?;
    let dir = ws.dir(kind);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let rel = format!("{}/{id}.md", kind.dir());
    refuse_new_errors(&ws.config, kind, id, &rel, "", text)?;
    fsutil::write_atomic(&path, text.as_bytes(), Expect::Absent)?;
    Ok(path)
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
