//! `kith ingest PATH...`: e-mail and calendar events logged as activities; website form
//! submissions become leads. Everything is planned and checked before the first write.

use super::{display_path, say, warn};
use crate::cli::IngestArgs;
use crate::edit::store;
use crate::ingest::{self, Plan, Settings, source};
use crate::util::output::{self, paint};
use crate::workspace::Workspace;
use anyhow::Result;
use std::process::ExitCode;

/// At most this many unreadable messages are listed one by one.
const LISTED: usize = 50;

pub fn run(ws: &Workspace, args: IngestArgs) -> Result<ExitCode> {
    let settings = Settings::of(&ws.config)?;
    let create = args.create || settings.create;
    let files = source::files(&args.paths, display_path)?;
    let index = crate::load::load(ws);
    crate::load::summarize(ws, &index);
    output::trace("loaded");
    let today = ws.today()?;
    let bar = output::progress(
        files.iter().map(|f| f.size).sum(),
        "{bar:40} {bytes}/{total_bytes} read {eta}",
    );
    let read = source::read(&files, &settings, &ws.config.tz, &|n| bar.inc(n));
    bar.finish_and_clear();
    output::trace("read");
    for p in read.problems.iter().take(LISTED) {
        warn(&format!("{}: {}", p.at, p.message));
    }
    if read.problems.len() > LISTED {
        warn(&format!(
            "… and {} more messages could not be read",
            read.problems.len() - LISTED
        ));
    }
    let plan = ingest::plan(&index, &read.items, &settings, create, today);
    output::trace("planned");
    let prepared = ingest::write::prepare(ws, &plan, today)?;
    output::trace("checked");
    let creates: Vec<(crate::record::Kind, &str, &str)> = prepared
        .creates
        .iter()
        .map(|(k, id, t)| (*k, id.as_str(), t.as_str()))
        .collect();
    let duplicates = if creates.is_empty() {
        Vec::new()
    } else {
        crate::plan::import::duplicates_of(index, &creates)
    };
    if args.dry_run {
        list(&plan);
    } else {
        let bar = output::progress(
            (creates.len() + prepared.updates.len()) as u64,
            "{bar:40} {pos}/{len} records {eta}",
        );
        ingest::write::commit(ws, &prepared, || bar.inc(1))?;
        bar.finish_and_clear();
        output::trace("written");
        for n in &plan.creates {
            say(
                &crate::record::layout::rel(n.kind, &n.id),
                &format!("created ({})", n.why),
            );
        }
    }
    output::print(&summary(&plan, read.problems.len()));
    if !duplicates.is_empty() {
        output::print("likely duplicates (`kith merge KEEP DROP` merges a pair):\n");
        for p in &duplicates {
            let (keep, drop) = p.paths();
            let why: Vec<String> = p.reasons.iter().map(ToString::to_string).collect();
            output::print(&format!(
                "  {drop} and {keep} ({:.0}%): {}\n",
                p.confidence * 100.0,
                why.join("; ")
            ));
        }
    }
    if args.dry_run {
        output::print(&paint(output::DIM, "dry run: nothing was written\n"));
    }
    if read.problems.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    let n = read.problems.len();
    Err(crate::util::hint::hint(
        format!(
            "{n} {} could not be read (listed above); everything else was {}",
            if n == 1 {
                "message or file"
            } else {
                "messages or files"
            },
            if args.dry_run { "planned" } else { "ingested" },
        ),
        "ingesting again adds only what is not logged yet, so fix or leave out those files and \
         run it again",
    ))
}

/// A dry run's list: each new record, then each entry, with the file it would go to.
fn list(plan: &Plan) {
    for n in &plan.creates {
        say(
            &crate::record::layout::rel(n.kind, &n.id),
            &format!("would create ({})", n.why),
        );
    }
    for e in &plan.entries {
        let line = crate::record::activity::format_entry(&e.activity, "\n");
        let first = line.lines().next().unwrap_or_default();
        say(
            &crate::record::layout::rel(e.kind, &e.id),
            &format!("would log {}", first.trim_start_matches("- ")),
        );
    }
}

fn summary(plan: &Plan, unreadable: usize) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut read = vec![plural(plan.messages, "message", "messages")];
    if plan.events > 0 {
        read.push(plural(plan.events, "event", "events"));
    }
    let mut out = format!(
        "{} read, {} matched: {} {}, {}",
        read.join(" and "),
        plan.matched,
        plural(plan.entries.len(), "entry", "entries"),
        if store::is_dry_run() {
            "to log"
        } else {
            "logged"
        },
        plural(plan.new_people(), "new contact", "new contacts"),
    );
    if unreadable > 0 {
        out.push_str(&format!(", {unreadable} unreadable"));
    }
    out.push('\n');
    if !plan.skipped.is_empty() {
        let parts: Vec<String> = plan
            .skipped
            .iter()
            .map(|(why, n)| format!("{n} {}", why.label()))
            .collect();
        out.push_str(&format!("skipped: {}\n", parts.join(", ")));
    }
    out
}
