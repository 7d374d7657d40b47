//! `kith import A.csv B.csv …` (or a folder): a HubSpot, Salesforce or Pipedrive export
//! migrated as one ([`crate::plan::vendor`]). Every file is read and recognised, the whole
//! migration planned and checked, then written in one batch, or nothing is.

use crate::cli::{ImportArgs, ShowFormat};
use crate::edit::store;
use crate::plan::vendor::{self, Export, File, Options, Plan, Problem, table};
use crate::record::Kind;
use crate::util::output::{self, display_path, paint};
use crate::workspace::Workspace;
use anyhow::{Context, Result};
use rayon::prelude::*;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// At most this many rows of each list are shown one by one.
const LISTED: usize = 50;

/// Whether a single file is a vendor export that `kith import` of people cannot take
/// (companies, deals, activities, notes): such a file is migrated instead.
pub fn claims(bytes: &[u8]) -> bool {
    table::header(bytes).is_ok_and(|t| {
        vendor::recognise(&t)
            .is_some_and(|(_, part)| !matches!(part, vendor::Part::People | vendor::Part::Leads))
    })
}

/// Whether the files given are a vendor export to migrate: one file [`claims`], or several
/// files (or a folder) of which one is a HubSpot, Salesforce or Pipedrive file.
pub fn wanted(given: &[PathBuf]) -> bool {
    let Ok(paths) = files(given) else {
        return false;
    };
    let single = given.len() == 1 && !given[0].is_dir();
    paths.iter().any(|p| {
        head(p).is_ok_and(|bytes| {
            if single {
                claims(&bytes)
            } else {
                table::header(&bytes).is_ok_and(|t| vendor::recognise(&t).is_some())
            }
        })
    })
}

/// A file's first bytes, as many as recognising it needs ([`table::HEAD`]).
fn head(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(table::HEAD as u64)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

pub fn run(ws: &Workspace, args: ImportArgs) -> Result<ExitCode> {
    let map = super::import::parse_map(args.map.as_deref())?;
    for (from, to) in &map {
        if !vendor::stages::is_target(&ws.config, to) {
            return Err(crate::util::hint::hint(
                format!(
                    "--map '{from}={to}': `{to}` is not a deal stage or lifecycle stage of this workspace"
                ),
                format!(
                    "deal stages: {}; lifecycle stages: {}",
                    deal_stages(ws),
                    ws.config.lifecycle.all().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    let paths = files(&args.files)?;
    let bar = output::progress(0, "{msg:10} {bar:40} {pos}/{len} records {eta}");
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar.set_message("reading");
    let export = read(&paths)?;
    output::trace("read");
    let index = crate::load::load(ws);
    crate::load::summarize(ws, &index);
    output::trace("loaded");
    bar.set_message("planning");
    let opts = Options {
        overwrite: args.overwrite,
        today: ws.today()?,
        map: &map,
    };
    let plan = vendor::plan(&index, &export, &opts)?;
    output::trace("planned");
    if plan.has_invalid() && !args.skip_invalid {
        bar.finish_and_clear();
        return Err(refusal(ws, &export, &plan, args.dry_run));
    }
    bar.set_message("checking");
    let creates: Vec<(Kind, &str, &str)> = plan
        .creates
        .iter()
        .map(|n| (n.kind, n.id.as_str(), n.text.as_str()))
        .collect();
    store::check_new(ws, &creates)?;
    let prepared: Vec<store::Prepared> = plan
        .updates
        .par_iter()
        .map(|u| store::prepare(ws, u.kind, &u.id, &u.changes))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    output::trace("checked");
    if !args.dry_run {
        bar.set_message("writing");
        bar.set_length((creates.len() + prepared.len()) as u64);
        for kind in [Kind::Company, Kind::Person, Kind::Deal] {
            if creates.iter().any(|(k, _, _)| *k == kind) {
                let dir = ws.dir(kind);
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
        }
        store::create_many(ws, &creates, || bar.inc(1))?;
        store::write_many(&prepared)?;
        bar.inc(prepared.len() as u64);
        output::trace("written");
    }
    bar.finish_and_clear();
    match args.format {
        ShowFormat::Json => output::print_json(&summary_json(&export, &plan, args.dry_run))?,
        ShowFormat::Text => output::print(&summary_text(&export, &plan, args.dry_run)),
    }
    Ok(ExitCode::SUCCESS)
}

/// The files given: folders stand for the `.csv` files in them, in name order.
fn files(given: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in given {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("cannot read {}", display_path(p)))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.is_file() && f.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv"))
                })
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(crate::util::hint::hint(
                    format!("{} holds no .csv file", display_path(p)),
                    "give the folder the CRM's export was unpacked into, or the files themselves",
                ));
            }
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Reads and recognises every file (in parallel), and puts them together.
fn read(paths: &[PathBuf]) -> Result<Export> {
    let reads: Vec<Result<(File, vendor::Read)>> = paths
        .par_iter()
        .enumerate()
        .map(|(n, path)| read_one(n, path))
        .collect();
    let mut files = Vec::new();
    let mut contents = Vec::new();
    for r in reads {
        let (f, c) = r?;
        files.push(f);
        contents.push(c);
    }
    vendor::assemble(files, contents)
}

fn read_one(n: usize, path: &Path) -> Result<(File, vendor::Read)> {
    let shown = display_path(path);
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {shown}"))?;
    let t = table::read(&bytes).with_context(|| format!("cannot import {shown}"))?;
    if let Some(note) = &t.note {
        super::warn_hint(&crate::util::hint::Hint {
            message: format!("{shown}: {}", note.message),
            help: note.help.clone(),
        });
    }
    let Some((v, part)) = vendor::recognise(&t) else {
        return Err(crate::util::hint::hint(
            format!(
                "{shown} is not an export kith knows (its columns: {})",
                t.header
                    .iter()
                    .take(8)
                    .map(|h| format!("`{h}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "a migration reads HubSpot (`Record ID`, `Associated Company IDs`), Salesforce (`Id`, `AccountId`, `WhoId`) and Pipedrive (`Deal - Title`) exports; import a plain list of people on its own: `kith import FILE`",
        ));
    };
    let read = vendor::read_table(&t, n, v, part);
    Ok((
        File {
            name: shown,
            vendor: v,
            part,
            rows: t.rows.len(),
        },
        read,
    ))
}

fn deal_stages(ws: &Workspace) -> String {
    ws.config
        .pipeline(None)
        .map(|p| {
            p.stages
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// The error when rows are invalid: every row listed (up to [`LISTED`]), and how to map
/// the stages no mapping knows.
fn refusal(ws: &Workspace, export: &Export, plan: &Plan, dry_run: bool) -> anyhow::Error {
    let n = plan.invalid.len();
    let mut message = format!(
        "{n} {} of the {} export cannot be imported, so nothing {} imported:\n{}",
        if n == 1 { "row" } else { "rows" },
        export.vendor.name(),
        if dry_run { "would be" } else { "was" },
        list(export, &plan.invalid),
    );
    let mut help = String::new();
    if !plan.unmapped.is_empty() {
        message.push_str("stages kith has no mapping for:\n");
        for (what, raw, rows) in &plan.unmapped {
            message.push_str(&format!(
                "  {what} `{raw}` ({rows} {})\n",
                if *rows == 1 { "row" } else { "rows" }
            ));
        }
        let example = &plan.unmapped[0];
        help.push_str(&format!(
            "map them, e.g. --map '{}=STAGE' (deal stages: {}; lifecycle stages: {}); ",
            example.1,
            deal_stages(ws),
            ws.config.lifecycle.all().collect::<Vec<_>>().join(", ")
        ));
    }
    help.push_str(&format!(
        "correct the rows, or pass --skip-invalid to import the rest without {}",
        if n == 1 { "it" } else { "them" }
    ));
    crate::util::hint::hint(message.trim_end().to_string(), help)
}

fn list(export: &Export, rows: &[Problem]) -> String {
    let mut out = String::new();
    for p in rows.iter().take(LISTED) {
        out.push_str(&format!("  {}: {}\n", export.place(p.at), p.reason));
    }
    if rows.len() > LISTED {
        out.push_str(&format!("  … and {} more\n", rows.len() - LISTED));
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn summary_text(export: &Export, plan: &Plan, dry_run: bool) -> String {
    let mut out = String::new();
    for f in &export.files {
        out.push_str(&format!(
            "{}: {} {}, {}\n",
            f.name,
            f.vendor.name(),
            f.part.describe(),
            plural(f.rows, "row", "rows")
        ));
    }
    for (kind, label) in [
        (Kind::Company, "companies"),
        (Kind::Person, "contacts"),
        (Kind::Deal, "deals"),
    ] {
        let c = plan.counts[vendor::slot(kind)];
        out.push_str(&format!(
            "{}: {} created, {} updated, {} unchanged\n",
            paint(output::BOLD, label),
            c.created,
            c.updated,
            c.unchanged
        ));
    }
    out.push_str(&format!(
        "{}: {} logged, {} added, {} already there\n",
        paint(output::BOLD, "activities"),
        plural(plan.logged, "entry", "entries"),
        plural(plan.tasks, "open task", "open tasks"),
        plan.known
    ));
    if !plan.invalid.is_empty() {
        out.push_str(&format!(
            "invalid rows, left out (--skip-invalid):\n{}",
            list(export, &plan.invalid)
        ));
    }
    if !plan.skipped.is_empty() {
        out.push_str(&format!("skipped:\n{}", list(export, &plan.skipped)));
    }
    if !plan.unresolved.is_empty() {
        out.push_str(&format!(
            "unresolved associations (imported without them):\n{}",
            list(export, &plan.unresolved)
        ));
    }
    if dry_run {
        out.push_str(&paint(output::DIM, "dry run: nothing was written\n"));
    }
    out
}

fn summary_json(export: &Export, plan: &Plan, dry_run: bool) -> serde_json::Value {
    let rows = |rows: &[Problem]| {
        rows.iter()
            .map(|p| {
                json!({
                    "file": export.files.get(p.at.file).map(|f| f.name.as_str()),
                    "line": p.at.line,
                    "reason": p.reason,
                })
            })
            .collect::<Vec<_>>()
    };
    let counts = |kind| {
        let c = plan.counts[vendor::slot(kind)];
        json!({"created": c.created, "updated": c.updated, "unchanged": c.unchanged})
    };
    json!({
        "vendor": export.vendor.name(),
        "dry_run": dry_run,
        "files": export.files.iter().map(|f| json!({
            "file": f.name,
            "part": f.part.describe(),
            "rows": f.rows,
        })).collect::<Vec<_>>(),
        "companies": counts(Kind::Company),
        "contacts": counts(Kind::Person),
        "deals": counts(Kind::Deal),
        "activities_logged": plan.logged,
        "tasks_added": plan.tasks,
        "activities_known": plan.known,
        "invalid": rows(&plan.invalid),
        "skipped": rows(&plan.skipped),
        "unresolved": rows(&plan.unresolved),
        "unmapped": plan.unmapped.iter().map(|(what, raw, n)| json!({"what": what, "value": raw, "rows": n})).collect::<Vec<_>>(),
    })
}
