//! `kith check`: every diagnostic, compiler-style or as JSON; exit 1 if any error.

use crate::cli::{CheckArgs, CheckFormat};
use crate::load::cache;
use crate::record::diag::Diagnostic;
use crate::util::output;
use crate::workspace::Workspace;
use anyhow::Result;
use std::path::Path;
use std::process::ExitCode;

pub fn run(dir: Option<&Path>, args: CheckArgs) -> Result<ExitCode> {
    // Unlike other commands, check runs with a broken kith.yaml: it reports its errors and
    // checks the records against the defaults.
    let ws = Workspace::discover(dir.unwrap_or(Path::new(".")))?;
    let (diags, records) = if args.staged {
        let index = crate::load::load_staged(&ws)?;
        (crate::analysis::diagnostics(&index), index.len())
    } else {
        diagnostics(&ws)
    };
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    match args.format {
        CheckFormat::Json => output::print_json(&diags)?,
        CheckFormat::Text => {
            let mut text = String::new();
            for d in &diags {
                text.push_str(&d.render(true));
                text.push('\n');
            }
            output::print(&text);
            let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
            let summary = format!(
                "{}, {} in {}\n",
                plural(errors, "error"),
                plural(warnings, "warning"),
                plural(records, "record")
            );
            let style = if errors > 0 {
                output::BAD
            } else if warnings > 0 {
                output::WARN
            } else {
                output::GOOD
            };
            output::eprint(&output::paint(style, &summary));
        }
    }
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Every diagnostic of the working tree and the number of records: from the cache when no
/// record file changed since they were found, else from a load (and then remembered).
fn diagnostics(ws: &Workspace) -> (Vec<Diagnostic>, usize) {
    if let Some((key, ..)) = cache::fresh_key(ws)
        && let Some(check) = cache::results(ws, key).and_then(|r| r.check)
    {
        cache::trace("diagnostics from the cache");
        return (check.diags, check.records);
    }
    let index = super::load_quiet(ws);
    let diags = crate::analysis::diagnostics(index);
    output::trace("diagnosed");
    cache::remember_check(ws, index, &diags);
    (diags, index.len())
}
