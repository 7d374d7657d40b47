//! `kith import FILE`: people, companies or deals from a CSV file, or people from vCards.
//! Everything is planned and checked before the first write; the summary counts rows created,
//! updated, unchanged and invalid, and lists what `kith check` would say about the records.

use super::{display_path, stamp_parts, usage};
use crate::analysis::duplicates::Pair;
use crate::cli::{ImportArgs, ImportKind, ShowFormat};
use crate::edit::store;
use crate::plan::import::{self, Action, Options, Plan};
use crate::record::Kind;
use crate::util::output::{self, paint};
use crate::workspace::Workspace;
use anyhow::{Context, Result, bail};
use serde_json::json;
use std::process::ExitCode;

/// At most this many invalid rows are listed one by one.
const LISTED: usize = 50;

pub fn run(ws: &Workspace, args: ImportArgs) -> Result<ExitCode> {
    // A CRM's export is migrated (its ids kept for the next import) unless --kind says what
    // one file holds; its activities only come in that way.
    let activities = args.kind == Some(ImportKind::Activities);
    if (args.kind.is_none() || activities) && super::vendor::wanted(&args.files) {
        return super::vendor::run(ws, args);
    }
    if let Some(code) = super::import_files::run(ws, &args)? {
        return Ok(code);
    }
    let map = parse_map(args.map.as_deref())?;
    let path = &args.files[0];
    let shown = display_path(path);
    if activities {
        return Err(crate::util::hint::hint(
            format!("{shown} is not a file of activities kith can read"),
            "kith reads activities from its own activities.csv (`kith export --kind all --format csv -o DIR/` writes it, with the columns id, kind, date, time, type, by, deal, text) and from a HubSpot, Salesforce or Pipedrive export of engagements, tasks or activities",
        ));
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {shown}"))?;
    let kind = args.kind.map(|k| match k {
        ImportKind::People => Kind::Person,
        ImportKind::Companies => Kind::Company,
        ImportKind::Deals => Kind::Deal,
        ImportKind::Activities => unreachable!("activities were taken above"),
    });
    let input =
        import::read_kind(&bytes, &map, kind).with_context(|| format!("cannot import {shown}"))?;
    if let Some(d) = input.detected.as_ref().filter(|d| d.kind != Kind::Person) {
        output::eprint(&format!(
            "Importing {} ({}); say --kind to choose.\n",
            d.kind.dir(),
            d.why
        ));
    }
    if let Some(note) = &input.note {
        super::warn_hint(&crate::util::hint::Hint {
            message: format!("{shown}: {}", note.message),
            help: note.help.clone(),
        });
    }
    let file = path
        .file_name()
        .map_or_else(|| shown.clone(), |n| n.to_string_lossy().into_owned());
    let index = crate::load::load(ws);
    crate::load::summarize(ws, &index);
    output::trace("loaded");
    let (today, by) = stamp_parts(ws)?;
    let opts = Options {
        overwrite: args.overwrite,
        today,
        by: by.as_deref(),
        file: &file,
    };
    let mut plan = import::plan_input(&index, &input, &opts)?;
    output::trace("planned");
    let invalid = plan.count(Action::Invalid);
    if invalid > 0 && !args.skip_invalid {
        let valid = plan.rows.len() - invalid;
        bail!(
            "{invalid} of {} rows of {shown} {} invalid, so nothing {} imported:\n{}  help: correct {}, or pass --skip-invalid to import the other {valid}",
            plan.rows.len(),
            if invalid == 1 { "is" } else { "are" },
            if args.dry_run { "would be" } else { "was" },
            invalid_list(&plan),
            if invalid == 1 { "it" } else { "them" },
        );
    }
    // Check every new record and prepare every change before the first write.
    let creates: Vec<(Kind, &str, &str)> = plan
        .creates
        .iter()
        .map(|n| (n.kind, n.id.as_str(), n.text.as_str()))
        .collect();
    let diags = store::check_new_diagnostics(ws, &creates)?;
    let mut prepared = Vec::new();
    for u in &plan.updates {
        prepared.extend(store::prepare(ws, u.kind, &u.id, &u.changes)?);
    }
    // What `kith check` will say of the records written, given to the rows that wrote them.
    let changed: Vec<import::flag::Written> = prepared
        .iter()
        .map(|p| {
            let new = p.new.as_deref().unwrap_or_default();
            (p.kind, p.id.as_str(), p.old.as_str(), new)
        })
        .collect();
    let mut found = import::flag::of_new(&creates, diags);
    found.extend(import::flag::of_changes(&ws.config, &changed));
    import::flag::attach(plan.kind, &mut plan.rows, found);
    output::trace("checked");
    let duplicates = import::duplicates(index, &plan);
    output::trace("duplicates");
    if !args.dry_run {
        write(ws, &plan, &prepared)?;
        output::trace("written");
    }
    match args.format {
        ShowFormat::Json => {
            output::print_json(&summary_json(&file, &plan, &duplicates, args.dry_run))?
        }
        ShowFormat::Text => output::print(&summary_text(&shown, &plan, &duplicates, args.dry_run)),
    }
    Ok(ExitCode::SUCCESS)
}

/// `--map "Email Address=email,Company Name=company"`.
pub fn parse_map(map: Option<&str>) -> Result<Vec<(String, String)>> {
    let Some(map) = map else {
        return Ok(Vec::new());
    };
    map.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|pair| {
            let Some((header, field)) = pair.rsplit_once('=') else {
                return Err(usage(format!(
                    "--map takes \"Header=field,...\", not `{pair}`"
                )));
            };
            let field = field.trim();
            let ok = matches!(field, "" | "-" | "skip")
                || field
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
            if !ok {
                return Err(usage(format!(
                    "--map: `{field}` is not a valid field name (letters, digits, `_`, `-`)"
                )));
            }
            Ok((header.trim().to_string(), field.to_string()))
        })
        .collect()
}

/// Writes the new records (without waiting for the disk after each, then once for all), then
/// the changes, with a progress bar on a terminal.
fn write(ws: &Workspace, plan: &Plan, prepared: &[store::Prepared]) -> Result<()> {
    let total = (plan.creates.len() + prepared.len()) as u64;
    let bar = output::progress(total, "{bar:40} {pos}/{len} records {eta}");
    for kind in [Kind::Company, Kind::Deal, Kind::Person] {
        if plan.creates.iter().any(|n| n.kind == kind) {
            let dir = ws.dir(kind);
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
    }
    // Each new file is complete or absent even if the machine stops, and companies are named
    // before the people who refer to them.
    let creates: Vec<(Kind, &str, &str)> = plan
        .creates
        .iter()
        .map(|n| (n.kind, n.id.as_str(), n.text.as_str()))
        .collect();
    store::create_many(ws, &creates, || bar.inc(1))?;
    output::trace("files written");
    store::write_many(prepared)?;
    bar.inc(prepared.len() as u64);
    bar.finish_and_clear();
    Ok(())
}

fn invalid_list(plan: &Plan) -> String {
    let mut out = String::new();
    for o in plan.invalid().take(LISTED) {
        out.push_str(&format!(
            "  line {}: {}\n",
            o.line,
            o.reason.as_deref().unwrap_or_default()
        ));
    }
    let more = plan.count(Action::Invalid).saturating_sub(LISTED);
    if more > 0 {
        out.push_str(&format!("  … and {more} more\n"));
    }
    out
}

fn summary_text(file: &str, plan: &Plan, duplicates: &[Pair], dry_run: bool) -> String {
    let n = |a| plan.count(a);
    let companies = plan.companies_created();
    let mut out = format!(
        "{}: {} created, {} updated, {} unchanged, {} invalid{}\n",
        paint(output::BOLD, file),
        n(Action::Created),
        n(Action::Updated),
        n(Action::Unchanged),
        n(Action::Invalid),
        match companies {
            0 => String::new(),
            1 => "; 1 company created".to_string(),
            c => format!("; {c} companies created"),
        }
    );
    if n(Action::Invalid) > 0 {
        out.push_str("invalid rows, left out:\n");
        out.push_str(&invalid_list(plan));
    }
    let warned = plan.warned().count();
    if warned > 0 {
        out.push_str(&format!(
            "{warned} {} with warnings:\n",
            if warned == 1 { "row" } else { "rows" }
        ));
        for o in plan.warned().take(LISTED) {
            for w in &o.warnings {
                out.push_str(&format!("  line {}: {w}\n", o.line));
            }
        }
        if warned > LISTED {
            out.push_str(&format!("  … and {} more\n", warned - LISTED));
        }
    }
    if !duplicates.is_empty() {
        out.push_str("likely duplicates (`kith merge KEEP DROP` merges a pair):\n");
        for p in duplicates {
            let (keep, drop) = p.paths();
            let why: Vec<String> = p.reasons.iter().map(ToString::to_string).collect();
            out.push_str(&format!(
                "  {drop} and {keep} ({:.0}%): {}\n",
                p.confidence * 100.0,
                why.join("; ")
            ));
        }
    }
    if dry_run {
        out.push_str(&paint(output::DIM, "dry run: nothing was written\n"));
    }
    out
}

fn summary_json(file: &str, plan: &Plan, duplicates: &[Pair], dry_run: bool) -> serde_json::Value {
    let n = |a| plan.count(a);
    json!({
        "file": file,
        "dry_run": dry_run,
        "created": n(Action::Created),
        "updated": n(Action::Updated),
        "unchanged": n(Action::Unchanged),
        "invalid": n(Action::Invalid),
        "kind": plan.kind.noun(),
        "companies_created": plan.companies_created(),
        "warnings": plan.warned().count(),
        "rows": plan.rows.iter().map(|o| json!({
            "line": o.line,
            "action": o.action.as_str(),
            "path": o.id.as_ref().map(|id| crate::record::layout::rel(plan.kind, id)),
            "reason": o.reason,
            "warnings": o.warnings,
        })).collect::<Vec<_>>(),
        "duplicates": duplicates.iter().map(|p| {
            let (keep_path, drop_path) = p.paths();
            json!({
                "kind": p.kind.noun(),
                "keep_path": keep_path,
                "drop_path": drop_path,
                "confidence": p.confidence,
                "reasons": p.reasons.iter().map(|r| json!({"code": r.code(), "message": r.to_string()})).collect::<Vec<_>>(),
                "merge": p.merge_command(),
            })
        }).collect::<Vec<_>>(),
    })
}
