//! `kith watch`: load the index once, then follow the workspace and print one line per change
//! and what it caused.

use crate::cli::WatchArgs;
use crate::record::Kind;
use crate::util::output;
use crate::watch::apply::Live;
use crate::watch::live::{Rendered, Session};
use crate::watch::serve::Renders;
use crate::watch::source::{Source, Waited};
use crate::watch::summary;
use crate::workspace::Workspace;
use anyhow::{Context, Result};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

pub fn run(ws: Workspace, args: WatchArgs) -> Result<ExitCode> {
    run_with(ws, args, &Renders::default())
}

/// The watch loop; `renders` hears of each render and of the record pages still to render
/// (`kith serve` reloads its pages, and serves a page only once it is rendered).
pub(super) fn run_with(mut ws: Workspace, args: WatchArgs, renders: &Renders) -> Result<ExitCode> {
    // Other commands in this workspace trust the cache on the monitor's word meanwhile; not
    // when polling, where native notification is said to miss changes.
    let mut monitor = (!args.once && !args.poll)
        .then(|| crate::watch::monitor::start(&ws))
        .flatten();
    let mut live = Live::new(crate::load::load(&ws), ws.today()?);
    let mut batches = 0usize;
    dump(&live, args.dump_state.as_deref(), batches)?;
    if args.once {
        return Ok(ExitCode::SUCCESS);
    }
    let mut report = open_report(&ws, &live);
    renders.started(report.as_mut().and_then(Session::take_deferred));
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
    loop {
        // While record pages are still to render, a few at a time between batches.
        let filling = report.as_ref().is_some_and(Session::filling);
        let wait = if filling {
            Duration::ZERO
        } else {
            Duration::MAX
        };
        let (batch, watch_errors) = match source.batch_within(&ws, debounce, wait) {
            Waited::Batch(batch, errors) => (batch, errors),
            Waited::Stopped => break,
            Waited::Nothing => {
                if let Some(session) = report.as_mut() {
                    fill(&ws, &live, session, renders);
                }
                continue;
            }
        };
        for e in watch_errors {
            output::eprint(&format!("{e}\n"));
        }
        if batch.is_empty() {
            continue;
        }
        if !args.poll {
            crate::watch::monitor::keep(&mut monitor, &ws);
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
        let arrived = Instant::now();
        let stepped = crate::watch::step(&mut ws, &mut live, batch);
        let indexed = arrived.elapsed();
        let mut text = String::new();
        for l in stepped.lines {
            text.push_str(&l);
            text.push('\n');
        }
        output::print(&text);
        match stepped.pages {
            // New settings or templates: a new session renders everything.
            None => report = open_report(&ws, &live),
            Some(pages) => {
                if let Some(session) = report.as_mut() {
                    refresh_report(&ws, &live, session, &pages);
                    let rels: Vec<String> = pages
                        .iter()
                        .map(|(kind, id)| format!("{}/{id}.html", kind.dir()))
                        .collect();
                    renders.rendered(rels.iter().map(String::as_str));
                }
            }
        }
        if let Some(pending) = report.as_mut().and_then(Session::take_deferred) {
            renders.started(Some(pending));
        }
        renders.bump();
        timings(arrived, indexed);
        batches += 1;
        dump(&live, args.dump_state.as_deref(), batches)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Renders the record pages a request waits for, and a few more of those still to render;
/// says so when the last is written.
fn fill(ws: &Workspace, live: &Live, session: &mut Session, renders: &Renders) {
    match session.fill(live, &renders.take_wanted()) {
        Ok(done) => renders.rendered(done.iter().map(String::as_str)),
        Err(e) => output::print(&format!(
            "{}: record pages were not rendered: {}\n",
            ws.rel(session.out()),
            crate::util::hint::as_lines(&e)
        )),
    }
    if !session.filling() {
        output::print(&format!(
            "{}: every record page rendered\n",
            ws.rel(session.out())
        ));
    }
}

/// Opens the workspace's report, when it has one (its folder holds `kith report`'s marker),
/// and renders every page; says why when it cannot.
fn open_report(ws: &Workspace, live: &Live) -> Option<Session> {
    let opened = Session::open(ws, live).and_then(|s| match s {
        Some(mut s) => {
            let r = s.render(ws, live, None)?;
            say_rendered(ws, &s, &r);
            Ok(Some(s))
        }
        None => Ok(None),
    });
    opened.unwrap_or_else(|e| {
        output::print(&format!(
            "the report was not rendered: {}\n",
            crate::util::hint::as_lines(&e)
        ));
        None
    })
}

/// Renders again the pages that depend on a batch: the week's, the segments' that changed
/// and those of the records it reached. Pages whose contents did not change are not written.
fn refresh_report(ws: &Workspace, live: &Live, session: &mut Session, pages: &[(Kind, String)]) {
    match session.render(ws, live, Some(pages)) {
        Ok(r) => say_rendered(ws, session, &r),
        Err(e) => output::print(&format!(
            "{}: the report was not re-rendered: {}\n",
            ws.rel(session.out()),
            crate::util::hint::as_lines(&e)
        )),
    }
}

fn say_rendered(ws: &Workspace, session: &Session, r: &Rendered) {
    output::print(&format!(
        "{}: weekly report for {} ({} file{} written, {} unchanged)\n",
        ws.rel(&session.out().join("index.html")),
        session.week(),
        r.written,
        if r.written == 1 { "" } else { "s" },
        r.unchanged
    ));
}

/// With KITH_TRACE set: when the batch arrived (seconds since the epoch, to compare with the
/// time a file was saved), and how long the index and the pages took after it.
fn timings(arrived: Instant, indexed: Duration) {
    if std::env::var_os("KITH_TRACE").is_none() {
        return;
    }
    let since_arrival = arrived.elapsed();
    let at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .saturating_sub(since_arrival);
    output::eprint(&format!(
        "watch timings: batch at {:.6} index {:.3} ms pages {:.3} ms\n",
        at.as_secs_f64(),
        indexed.as_secs_f64() * 1000.0,
        since_arrival.as_secs_f64() * 1000.0
    ));
}

/// With `--dump-state FILE`: writes the state's canonical summary, then prints `batch N: HASH`.
fn dump(live: &Live, file: Option<&Path>, n: usize) -> Result<()> {
    let Some(file) = file else { return Ok(()) };
    let text = summary::summary(live);
    std::fs::write(file, &text).with_context(|| format!("cannot write {}", file.display()))?;
    output::print(&format!("batch {n}: {}\n", summary::hash(&text)));
    Ok(())
}
