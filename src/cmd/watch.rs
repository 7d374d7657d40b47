//! `kith watch`: load the index once, then follow the workspace and print one line per change
//! and what it caused.

use crate::cli::{ReportArgs, WatchArgs};
use crate::output;
use crate::watch::apply::Live;
use crate::watch::source::Source;
use crate::watch::summary;
use crate::workspace::Workspace;
use anyhow::{Context, Result};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

pub fn run(ws: Workspace, args: WatchArgs) -> Result<ExitCode> {
    run_with(ws, args, || {})
}

/// The watch loop; `rendered` is called after each batch (`kith serve` reloads its pages).
pub(super) fn run_with(
    mut ws: Workspace,
    args: WatchArgs,
    mut rendered: impl FnMut(),
) -> Result<ExitCode> {
    let mut live = Live::new(crate::load::load(&ws), ws.today()?);
    let mut batches = 0usize;
    dump(&live, args.dump_state.as_deref(), batches)?;
    if args.once {
        return Ok(ExitCode::SUCCESS);
    }
    let debounce = Duration::from_millis(args.debounce_ms);
    let mut source = Source::start(&ws.root, args.poll, debounce)?;
    let errors = live.diagnostics().iter().filter(|d| d.is_error()).count();
    output::print(&format!(
        "watching {} records ({} errors) with {}; Ctrl-C to stop\n",
        live.index.len(),
        errors,
        if args.poll {
            "polling"
        } else {
            "native notification"
        }
    ));
    while let Some((batch, watch_errors)) = source.next_batch(&ws, debounce) {
        for e in watch_errors {
            output::eprint(&format!("{e}\n"));
        }
        if batch.is_empty() {
            continue;
        }
        // A folder that was created or replaced is watched again before it is listed.
        for kind in &batch.folders {
            source.follow(&ws.dir(*kind));
        }
        if batch.rescan || batch.templates.contains("templates") {
            for dir in crate::watch::source::FOLDERS {
                source.follow(&ws.root.join(dir));
            }
        }
        // Scores fade with time: a watcher running past midnight scores as of the new day.
        live.as_of = ws.today()?;
        let lines = crate::watch::step(&mut ws, &mut live, batch);
        let mut text = String::new();
        for l in lines {
            text.push_str(&l);
            text.push('\n');
        }
        output::print(&text);
        refresh_report(&ws);
        rendered();
        batches += 1;
        dump(&live, args.dump_state.as_deref(), batches)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Re-renders the report when the workspace has one (its folder holds `kith report`'s
/// marker), through `kith report`'s own pipeline: pages whose contents did not change are not
/// written, so only the pages that depend on the changed records (and the aggregates) are.
fn refresh_report(ws: &Workspace) {
    let out = ws.root.join(&ws.config.report.out);
    let Ok(mode) = std::fs::read_to_string(out.join(super::report::MARKER)) else {
        return;
    };
    let args = ReportArgs {
        public: mode.trim() == "public",
        ..ReportArgs::default()
    };
    if let Err(e) = super::report::run(ws, None, args) {
        output::print(&format!(
            "{}: the report was not re-rendered: {e:#}\n",
            ws.rel(&out)
        ));
    }
}

/// With `--dump-state FILE`: writes the state's canonical summary, then prints `batch N: HASH`.
fn dump(live: &Live, file: Option<&Path>, n: usize) -> Result<()> {
    let Some(file) = file else { return Ok(()) };
    let text = summary::summary(live);
    std::fs::write(file, &text).with_context(|| format!("cannot write {}", file.display()))?;
    output::print(&format!("batch {n}: {}\n", summary::hash(&text)));
    Ok(())
}
