//! `kith workflows` and `kith advance [--apply]`.

use super::done;
use crate::analysis::workflow::{self, Workflow};
use crate::cli::{AdvanceArgs, ShowFormat, WorkflowsArgs};
use crate::edit::store;
use crate::index::Index;
use crate::plan::workflow::plan::{self, Action, What};
use crate::plan::workflow::settle::{self, Settled};
use crate::util::output::{self, Table, paint};
use crate::workspace::Workspace;
use anstyle::Style;
use anyhow::{Context, Result, bail};
use jiff::civil::Date;
use serde_json::json;
use std::process::ExitCode;

fn compiled(ws: &Workspace) -> Result<Vec<Workflow>> {
    let (workflows, diags) = workflow::from_config(&ws.config);
    if let Some(d) = diags.iter().find(|d| d.is_error()) {
        bail!(
            "kith.yaml's workflows have errors; fix them first:\n{}",
            d.render(false)
        );
    }
    Ok(workflows)
}

/// The compiled workflows, the day, and the workspace loaded.
fn start(ws: &Workspace, as_of: Option<&str>) -> Result<(Vec<Workflow>, Date, Index)> {
    let workflows = compiled(ws)?;
    crate::analysis::require_valid(ws)?;
    let as_of = super::date_or_today(ws, as_of)?;
    let index = crate::load::load(ws);
    crate::load::summarize(ws, &index);
    output::trace("records loaded");
    Ok((workflows, as_of, index))
}

/// Settles the workflows on `as_of` in memory.
fn run(ws: &Workspace, workflows: &[Workflow], as_of: Date, mut index: Index) -> Result<Settled> {
    let settled = settle::settle(&mut index, workflows, as_of, |kind, id| {
        let path = ws.record_path(kind, id)?;
        std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}/{id}.md", kind.dir()))
    })?;
    if settled.unsettled {
        super::warn(&format!(
            "the workflows were still changing records after {} rounds (do two of them set the same field back and forth?); run `kith advance` again to see what is left",
            settle::MAX_ROUNDS
        ));
    }
    crate::util::free::until_exit(index);
    Ok(settled)
}

pub fn list(ws: &Workspace, args: WorkflowsArgs) -> Result<ExitCode> {
    let (workflows, as_of, index) = start(ws, args.as_of.as_deref())?;
    let standings = plan::standings(&index, &workflows, as_of);
    output::trace("standings counted");
    let settled = run(ws, &workflows, as_of, index)?;
    let actions = settled.actions;
    // Records with something due in each workflow.
    let due_now = |i: usize| {
        let mut ids: Vec<&str> = actions
            .iter()
            .filter(|a| a.workflow == i)
            .map(|a| a.id.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    };
    if args.format == ShowFormat::Json {
        let rows: Vec<_> = workflows
            .iter()
            .zip(&standings)
            .enumerate()
            .map(|(i, (w, s))| {
                json!({
                    "name": w.name,
                    "description": w.description,
                    "trigger": w.trigger,
                    "steps": w.steps.iter().map(describe_step).collect::<Vec<_>>(),
                    "active": s.active,
                    "completed": s.completed,
                    "left": s.left,
                    "entered": s.entered,
                    "converted": s.converted,
                    "due_now": due_now(i),
                    "next": s.next.map(|(d, n)| json!({"date": d.to_string(), "steps": n})),
                })
            })
            .collect();
        output::print_json(&rows)?;
        return Ok(ExitCode::SUCCESS);
    }
    if workflows.is_empty() {
        output::print(&paint(
            output::DIM,
            "no workflows in kith.yaml; the guide's chapter \"Tasks and workflows\" (docs/src/workflows.md) shows how to write one\n",
        ));
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = Table::new([
        "WORKFLOW",
        "IN",
        "DONE",
        "LEFT",
        "CONVERTED",
        "DUE NOW",
        "NEXT",
    ]);
    for c in 1..=5 {
        t.align_right(c);
    }
    for (i, (w, s)) in workflows.iter().zip(&standings).enumerate() {
        t.row(vec![
            (w.name.clone(), output::ACCENT),
            (s.active.to_string(), Style::new()),
            (s.completed.to_string(), Style::new()),
            (s.left.to_string(), Style::new()),
            (s.converted.to_string(), Style::new()),
            (
                due_now(i).to_string(),
                if due_now(i) > 0 {
                    output::WARN
                } else {
                    Style::new()
                },
            ),
            (
                s.next
                    .map(|(d, n)| format!("{d} ({n})"))
                    .unwrap_or_default(),
                Style::new(),
            ),
        ]);
    }
    let mut text = t.render();
    for w in &workflows {
        text.push_str(&format!("\n{}", paint(output::BOLD, &w.name)));
        if !w.description.is_empty() {
            text.push_str(&format!(": {}", w.description));
        }
        text.push_str(&format!("\n  when {}\n", w.trigger));
        for s in &w.steps {
            text.push_str(&format!("  {}\n", describe_step(s)));
        }
    }
    let n = actions.len();
    text.push_str(&paint(
        output::DIM,
        &format!(
            "\n{n} change{} due as of {}{}\n",
            if n == 1 { "" } else { "s" },
            as_of,
            if n > 0 {
                "; `kith advance` shows them, `kith advance --apply` makes them"
            } else {
                ""
            }
        ),
    ));
    output::print(&text);
    Ok(ExitCode::SUCCESS)
}

fn describe_step(s: &workflow::Step) -> String {
    let mut parts = Vec::new();
    if let Some(a) = &s.assign {
        let mut p = String::from("assign an owner");
        if !a.territories.is_empty() {
            p.push_str(" by territory");
        }
        if !a.team.is_empty() {
            p.push_str(&format!(", round robin among {}", a.team.join(", ")));
        }
        parts.push(p);
    }
    for (k, v) in &s.set {
        parts.push(format!("set {k} = {v}"));
    }
    if let Some(t) = &s.task {
        let mut p = format!("task {} \"{}\"", t.kind, t.text);
        if t.due > 0 {
            p.push_str(&format!(" due {} days later", t.due));
        }
        if let Some(o) = &t.owner {
            p.push_str(&format!(" for @{o}"));
        }
        parts.push(p);
    }
    format!("day {}: {}", s.day, parts.join("; "))
}

pub fn advance(ws: &Workspace, args: AdvanceArgs) -> Result<ExitCode> {
    let (workflows, as_of, index) = start(ws, args.as_of.as_deref())?;
    let settled = run(ws, &workflows, as_of, index)?;
    let actions = &settled.actions;
    if args.format == ShowFormat::Json && !args.apply {
        let rows: Vec<_> = actions.iter().map(|a| action_json(&workflows, a)).collect();
        output::print_json(&rows)?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.apply {
        // Every record's changes are made and checked first, so one refusal writes nothing.
        let prepared = settled
            .records
            .iter()
            .map(|((kind, id), changes)| store::prepare(ws, *kind, id, changes))
            .collect::<Result<Vec<_>>>()?;
        output::trace("changes prepared");
        let prepared: Vec<_> = prepared.into_iter().flatten().collect();
        store::write_many(&prepared)?;
        output::trace("records written");
        for a in actions {
            done(&a.path(), &line(&workflows, a));
        }
        let n = prepared.len();
        output::eprint(&format!(
            "{} step{} {} to {n} record{}\n",
            actions.len(),
            if actions.len() == 1 { "" } else { "s" },
            if store::is_dry_run() {
                "would be written"
            } else {
                "written"
            },
            if n == 1 { "" } else { "s" }
        ));
        return Ok(ExitCode::SUCCESS);
    }
    let mut text = String::new();
    for a in actions {
        text.push_str(&format!(
            "{}: {}\n",
            paint(output::BOLD, &a.path()),
            line(&workflows, a)
        ));
    }
    let n = actions.len();
    text.push_str(&paint(
        output::DIM,
        &format!(
            "{n} change{} due as of {as_of}{}\n",
            if n == 1 { "" } else { "s" },
            if n > 0 {
                "; nothing written (add --apply to write them)"
            } else {
                ""
            }
        ),
    ));
    output::print(&text);
    Ok(ExitCode::SUCCESS)
}

/// `new-lead-nurture step 2/3 (2026-11-09): task email "send case study" for @priya`.
fn line(workflows: &[Workflow], a: &Action) -> String {
    let w = &workflows[a.workflow];
    let mut out = format!("{} {} ({})", w.name, a.what.describe(), a.on);
    let mut parts: Vec<String> = a.sets().map(|(k, v)| format!("{k} = {v}")).collect();
    for t in a.tasks() {
        let mut p = format!("task {} \"{}\"", t.kind, t.text);
        if let Some(o) = t.owner {
            p.push_str(&format!(" for @{o}"));
        }
        p.push_str(&format!(" due {}", t.due));
        parts.push(p);
    }
    parts.extend(a.notes.iter().cloned());
    if !parts.is_empty() {
        out.push_str(": ");
        out.push_str(&parts.join("; "));
    }
    out
}

fn action_json(workflows: &[Workflow], a: &Action) -> serde_json::Value {
    let (what, step) = match &a.what {
        What::Enter => ("enter", None),
        What::Step(n, _) => ("step", Some(*n)),
        What::Leave(_) => ("leave", None),
    };
    json!({
        "workflow": workflows[a.workflow].name,
        "record": a.id,
        "path": a.path(),
        "action": what,
        "step": step,
        "reason": match &a.what { What::Leave(why) => Some(why.as_str()), _ => None },
        "date": a.on.to_string(),
        "set": a.sets().map(|(k, v)| (k.to_string(), json!(v.to_text()))).collect::<serde_json::Map<_, _>>(),
        "tasks": a.tasks().map(|t| json!({
            "type": t.kind.as_str(),
            "text": t.text.as_str(),
            "owner": t.owner.map(|o| o.as_str()),
            "due": t.due.to_string(),
        })).collect::<Vec<_>>(),
        "kept": a.notes,
    })
}
