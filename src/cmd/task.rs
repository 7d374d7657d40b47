//! `kith task`, `kith done`, `kith snooze` and `kith due`: follow-ups in records' `## Tasks`.

use super::{date_arg, done as print_done, load, stamp_parts, usage};
use crate::cli::{DoneArgs, DueArgs, DueFormat, SnoozeArgs, TaskArgs};
use crate::edit::Change;
use crate::edit::store;
use crate::index::resolve::resolve;
use crate::plan::ics;
use crate::record::task::{self, Origin, Task, numbered, pick};
use crate::util::intern::Sym;
use crate::util::output::{self, Table, paint};
use crate::workspace::Workspace;
use anstyle::Style;
use anyhow::{Result, bail};
use serde_json::json;
use std::process::ExitCode;

pub fn add(ws: &Workspace, args: TaskArgs) -> Result<ExitCode> {
    let index = load(ws);
    let record = resolve(index, &args.id, None)?;
    let cfg = &ws.config;
    let (today, me) = stamp_parts(ws)?;
    let kind = super::activity_type(&args.kind, "a task type")?;
    let text = args.text.trim().replace("\r\n", "\n");
    if text.is_empty() {
        return Err(usage("the task's text is empty"));
    }
    let owner = match args.owner {
        Some(o) => {
            super::require_teammate(cfg, "--owner", &o, args.force)?;
            Some(o)
        }
        // The record's owner as it stands: a stranger there is `kith check`'s to report.
        None => {
            let o = record.text("owner").map(str::to_string).or(me.clone());
            if let Some(o) = &o {
                super::warn_unknown_teammate(cfg, o);
            }
            o
        }
    };
    if let Some(d) = &args.deal {
        super::require_deal(index, d)?;
    }
    let origin = match &me {
        Some(m) if owner.as_deref() != Some(m.as_str()) => Origin::Teammate(Sym::new(m)),
        _ => Origin::Unknown,
    };
    let t = Task {
        done: false,
        due: match &args.due {
            Some(d) => date_arg(d, today)?,
            None => today,
        },
        time: args.time.as_deref().map(super::parse_time).transpose()?,
        kind: Sym::new(&kind),
        owner: owner.as_deref().map(Sym::new),
        deal: args.deal.as_deref().map(Sym::new),
        text: text.into(),
        origin,
        done_on: None,
        line: 0,
    };
    store::update(ws, record.kind, &record.id, &[Change::AddTask(t.clone())])?;
    print_done(&record.path(), &format!("added {}", task::format(&t, "\n")));
    Ok(ExitCode::SUCCESS)
}

pub fn done(ws: &Workspace, args: DoneArgs) -> Result<ExitCode> {
    let index = load(ws);
    let record = resolve(index, &args.id, None)?;
    let (_, t) = pick(record, args.n, args.matching.as_deref(), "done")?;
    let (today, _) = stamp_parts(ws)?;
    let on = match &args.on {
        Some(d) => date_arg(d, today)?,
        None => today,
    };
    let mut changes = vec![Change::TickTask(t.clone(), on)];
    if args.log {
        let mut a = t.as_activity();
        a.date = on;
        a.time = None;
        changes.push(Change::Log(a));
    }
    store::update(ws, record.kind, &record.id, &changes)?;
    print_done(
        &record.path(),
        &format!("done: {} {} (due {})", t.kind, t.text, t.due),
    );
    Ok(ExitCode::SUCCESS)
}

pub fn snooze(ws: &Workspace, args: SnoozeArgs) -> Result<ExitCode> {
    let index = load(ws);
    let record = resolve(index, &args.id, None)?;
    let (n, t) = pick(record, args.n, args.matching.as_deref(), "snooze")?;
    let to = date_arg(&args.to, ws.today()?)?;
    if to == t.due {
        bail!("task {n} is already due on {to}");
    }
    store::update(
        ws,
        record.kind,
        &record.id,
        &[Change::MoveTask(t.clone(), to)],
    )?;
    print_done(
        &record.path(),
        &format!("{} {}: due {} → {to}", t.kind, t.text, t.due),
    );
    // The numbers `kith done ID N` takes follow the due dates: say so when they moved.
    let before = task::open_tasks(&record.tasks);
    let mut moved = record.tasks.clone();
    if let Some(i) = record.tasks.iter().position(|x| std::ptr::eq(x, t)) {
        moved[i].due = to;
    }
    let after = task::open_tasks(&moved);
    let same = |a: &Task, b: &Task| (a.kind, &a.text, a.line) == (b.kind, &b.text, b.line);
    if before.iter().zip(&after).any(|(b, a)| !same(b, a)) {
        output::print(&format!(
            "the open tasks are numbered anew:\n{}\n",
            numbered(after.iter().enumerate().map(|(i, t)| (i + 1, *t)))
        ));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn due(ws: &Workspace, args: DueArgs) -> Result<ExitCode> {
    let index = load(ws);
    let as_of = super::date_or_today(ws, args.as_of.as_deref())?;
    let owner = args
        .owner
        .as_deref()
        .map(|o| (!o.eq_ignore_ascii_case("none")).then_some(o));
    if let Some(Some(o)) = owner {
        super::warn_unknown_teammate(&ws.config, o);
    }
    // A calendar holds every open task; the agenda what is due.
    let until = match args.format {
        DueFormat::Ics => None,
        _ => Some(as_of.checked_add(jiff::Span::new().days(args.days.max(0)))?),
    };
    let items = task::agenda(index.records(), until, owner);
    match args.format {
        DueFormat::Ics => {
            let events: Vec<ics::Event> = items
                .iter()
                .map(|d| ics::Event {
                    key: format!(
                        "{}|{}|{}|{}",
                        d.record.path(),
                        d.task.kind,
                        d.task.text,
                        d.task.origin.describe()
                    ),
                    day: d.task.due,
                    time: d.task.time,
                    summary: format!("{} {}: {}", d.task.kind, d.record.name(), d.task.text),
                    description: description(d),
                    category: d.task.kind.to_string(),
                })
                .collect();
            let name = match owner {
                Some(Some(o)) => format!("{} follow-ups: {o}", ws.config.name),
                _ => format!("{} follow-ups", ws.config.name),
            };
            output::print(&ics::calendar(&name, &ws.config.tz, as_of, &events));
        }
        DueFormat::Json => output::print_json(
            &items
                .iter()
                .map(|d| {
                    json!({
                        "record": d.record.id.as_str(),
                        "path": d.record.path(),
                        "name": d.record.name(),
                        "n": d.n,
                        "due": d.task.due.to_string(),
                        "time": d.task.time.map(|(h, m)| format!("{h:02}:{m:02}")),
                        "overdue_days": (as_of - d.task.due).get_days().max(0),
                        "type": d.task.kind.as_str(),
                        "owner": d.task.owner.map(|o| o.as_str()),
                        "deal": d.task.deal.map(|o| o.as_str()),
                        "text": d.task.text.as_str(),
                        "reason": d.task.origin.describe(),
                    })
                })
                .collect::<Vec<_>>(),
        )?,
        DueFormat::Table => {
            let mut t = Table::new(["DUE", "OWNER", "RECORD", "#", "TASK", "WHY"]);
            for d in &items {
                let late = (as_of - d.task.due).get_days();
                let (due, style) = if late > 0 {
                    (format!("{} ({late}d late)", d.task.due), output::BAD)
                } else {
                    (d.task.due.to_string(), Style::new())
                };
                t.row(vec![
                    (due, style),
                    (
                        d.task.owner.map(|o| o.to_string()).unwrap_or_default(),
                        Style::new(),
                    ),
                    (d.record.id.to_string(), output::ACCENT),
                    (d.n.to_string(), Style::new()),
                    (
                        output::clip(&format!("{} {}", d.task.kind, d.task.text), 60),
                        Style::new(),
                    ),
                    (d.task.origin.describe(), output::DIM),
                ]);
            }
            let mut text = if t.is_empty() {
                String::new()
            } else {
                t.render()
            };
            let n = items.len();
            text.push_str(&paint(
                output::DIM,
                &format!(
                    "{n} open task{} due by {}{}\n",
                    if n == 1 { "" } else { "s" },
                    until.unwrap_or(as_of),
                    if n > 0 {
                        "; `kith done ID N` ticks one"
                    } else {
                        ""
                    }
                ),
            ));
            output::print(&text);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn description(d: &task::Due) -> String {
    let mut out = format!("{} ({})", d.record.name(), d.record.path());
    if let Some(o) = d.task.owner {
        out.push_str(&format!("\nowner: {o}"));
    }
    let why = d.task.origin.describe();
    if !why.is_empty() {
        out.push_str(&format!("\n{why}"));
    }
    out.push_str(&format!("\nkith done {} {}", d.record.id, d.n));
    out
}
