//! `kith edit ID`: opens the record in the user's editor, then checks it.

use super::{display_path, load};
use crate::cli::EditArgs;
use crate::index::resolve::resolve;
use crate::util::output;
use crate::workspace::Workspace;
use anyhow::{Context, Result, bail};
use std::process::{Command, ExitCode};

pub fn run(ws: &Workspace, args: EditArgs) -> Result<ExitCode> {
    let index = load(ws);
    let record = resolve(index, &args.id, None)?;
    let rel = record.path();
    let path = ws.write_target(&ws.record_path(record.kind, &record.id)?)?;
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_string());
    // Through the shell, as git does, so that `EDITOR="code --wait"` works.
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(&path)
        .status()
        .with_context(|| format!("cannot start the editor `{editor}`"))?;
    if !status.success() {
        let how = status.code().map_or_else(
            || "was interrupted".to_string(),
            |c| format!("failed (exit code {c})"),
        );
        bail!(
            "the editor `{editor}` {how}; {} is as the editor left it",
            display_path(&path)
        );
    }
    let after = load(ws);
    let diags: Vec<_> = crate::analysis::diagnostics(after)
        .into_iter()
        .filter(|d| d.path == rel)
        .collect();
    for d in &diags {
        output::eprint(&format!("{}\n", d.render(true)));
    }
    if diags.iter().any(|d| d.is_error()) {
        output::eprint(&format!(
            "the file was saved as it is; run `kith edit {}` again to fix it\n",
            record.id
        ));
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
