//! `kith check`: every diagnostic, compiler-style or as JSON; exit 1 if any error.

use crate::cli::{CheckArgs, CheckFormat};
use crate::output;
use crate::workspace::Workspace;
use anyhow::Result;
use std::path::Path;
use std::process::ExitCode;

pub fn run(dir: Option<&Path>, args: CheckArgs) -> Result<ExitCode> {
    // Unlike other commands, check runs with a broken kith.yaml: it reports its errors and
    // checks the records against the defaults.
    let ws = Workspace::discover(dir.unwrap_or(Path::new(".")))?;
    let index = if args.staged {
        crate::load::load_staged(&ws)?
    } else {
        crate::load::load(&ws)
    };
    let diags = index.diagnostics();
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
                plural(index.len(), "record")
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
