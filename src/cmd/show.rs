//! `kith show ID`: a readable card with fields, company, deals, people and recent activity.

use super::load;
use crate::analysis::score::Score;
use crate::analysis::score::num;
use crate::cli::{ShowArgs, ShowFormat};
use crate::index::Index;
use crate::index::resolve::resolve;
use crate::load::cache;
use crate::record::LIFECYCLE;
use crate::record::body;
use crate::record::diag::Diagnostic;
use crate::record::value::Value;
use crate::record::{Kind, Record};
use crate::util::output::{self, Table, paint};
use crate::workspace::Workspace;
use anstyle::Style;
use anyhow::Result;
use serde_json::json;
use std::fmt::Write as _;
use std::process::ExitCode;

pub fn run(ws: &Workspace, args: ShowArgs) -> Result<ExitCode> {
    // From the cache when no record file changed since a load stored the scores, segments
    // and problems: the record and its neighbours are decoded, the rest stays on disk.
    if let Ok(today) = super::date_or_today(ws, None)
        && let Some(around) = cache::query::around(ws, &args.id, None, today)
    {
        let r = around.record();
        let d = &around.derived;
        let shown = Shown {
            index: &around.index,
            r,
            score: d.scores.get(around.pos).copied().flatten(),
            segments: d.segments_of(around.pos),
            diags: around.diags.iter().filter(|d| d.path == r.path()).collect(),
        };
        return print(ws, &args, &shown);
    }
    let index = load(ws);
    let r = resolve(index, &args.id, None)?;
    // Scores and segments, when kith.yaml's scoring and segments are sound (the card still
    // shows without them).
    let slot = index.slot(r.kind, &r.id).unwrap_or(usize::MAX);
    let derived = super::derive(ws, index, None).ok();
    let all = crate::analysis::diagnostics(index);
    // Remembered as `kith check` remembers them, so that the next card comes from the cache.
    cache::remember_check(ws, index, &all);
    let shown = Shown {
        index,
        r,
        score: derived.and_then(|d| d.score(slot)),
        segments: derived.map(|d| d.segments_of(slot)).unwrap_or_default(),
        diags: all.iter().filter(|d| d.path == r.path()).collect(),
    };
    print(ws, &args, &shown)
}

/// What a card shows beside the record's own text.
struct Shown<'a> {
    /// The record and at least every record it names or that names it.
    index: &'a Index,
    r: &'a Record,
    score: Option<Score>,
    segments: Vec<&'a str>,
    /// The record's problems.
    diags: Vec<&'a Diagnostic>,
}

fn print(ws: &Workspace, args: &ShowArgs, shown: &Shown) -> Result<ExitCode> {
    let Shown {
        index,
        r,
        score,
        ref segments,
        ref diags,
    } = *shown;
    let notes = read_notes(ws, r);
    match args.format {
        ShowFormat::Json => {
            let activities: Vec<_> = r
                .activities
                .iter()
                .map(|a| {
                    json!({
                        "date": a.date.to_string(),
                        "time": a.time.map(|(h, m)| format!("{h:02}:{m:02}")),
                        "type": a.kind.as_str(),
                        "by": a.by.as_deref(),
                        "deal": a.deal.as_deref(),
                        "text": a.text.as_str(),
                    })
                })
                .collect();
            let fields: serde_json::Map<String, serde_json::Value> = r
                .fields
                .iter()
                .map(|(k, v)| (k.to_string(), serde_json::to_value(v).unwrap_or_default()))
                .collect();
            let ids = |rs: Vec<&Record>| rs.iter().map(|r| r.id.to_string()).collect::<Vec<_>>();
            let (people, deals) = related(index, r);
            output::print_json(&json!({
                "id": r.id.as_str(),
                "kind": r.kind.noun(),
                "path": r.path(),
                "fields": fields,
                "people": ids(people),
                "deals": ids(deals),
                "activities": activities,
                "tasks": r.tasks.iter().map(|t| json!({
                    "done": t.done,
                    "due": t.due.to_string(),
                    "time": t.time.map(|(h, m)| format!("{h:02}:{m:02}")),
                    "type": t.kind.as_str(),
                    "owner": t.owner.as_deref(),
                    "deal": t.deal.as_deref(),
                    "text": t.text.as_str(),
                    "reason": t.origin.describe(),
                    "done_on": t.done_on.map(|d| d.to_string()),
                })).collect::<Vec<_>>(),
                "notes": notes,
                "diagnostics": diags,
                "score": score.map(|s| json!({"score": s.total, "fit_score": s.fit, "engagement_score": s.engagement, "grade": s.grade()})),
                "segments": segments,
            }))?;
        }
        ShowFormat::Text => {
            let mut computed = Vec::new();
            if let Some(s) = score {
                let text = format!(
                    "{} ({}; fit {}, engagement {})",
                    num(s.total),
                    s.grade(),
                    num(s.fit),
                    num(s.engagement)
                );
                computed.push(("score", text));
            }
            if !segments.is_empty() {
                computed.push(("segments", segments.join(", ")));
            }
            let mut out = card(index, r, args.activities, &computed);
            if !notes.trim().is_empty() {
                let _ = writeln!(out, "\n{}", paint(output::HEADER, "Notes"));
                let lines: Vec<&str> = notes.trim().lines().collect();
                for line in lines.iter().take(20) {
                    let _ = writeln!(out, "  {line}");
                }
                if lines.len() > 20 {
                    let _ = writeln!(
                        out,
                        "  {}",
                        paint(
                            output::DIM,
                            &format!("… {} more lines (kith edit {})", lines.len() - 20, r.id)
                        )
                    );
                }
            }
            if !diags.is_empty() {
                let _ = writeln!(out, "\n{}", paint(output::HEADER, "Problems"));
                for d in diags {
                    let _ = writeln!(out, "  {}", d.render(true).replace('\n', "\n  "));
                }
            }
            output::print(&out);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// People and deals related to a record.
fn related<'a>(index: &'a Index, r: &Record) -> (Vec<&'a Record>, Vec<&'a Record>) {
    match r.kind {
        Kind::Person => (Vec::new(), index.deals_of_contact(&r.id)),
        Kind::Company => (
            index.people_of_company(&r.id),
            index.deals_of_company(&r.id),
        ),
        Kind::Deal => (
            r.list("contacts")
                .filter_map(|id| index.get(Kind::Person, &id))
                .collect(),
            Vec::new(),
        ),
    }
}

/// The body without its activity log and tasks.
fn read_notes(ws: &Workspace, r: &Record) -> String {
    let Ok(path) = ws.record_path(r.kind, &r.id) else {
        return String::new();
    };
    let Ok(text) = std::fs::read_to_string(path) else {
        return String::new();
    };
    let Ok(split) = crate::record::frontmatter::split(&text) else {
        return String::new();
    };
    let mut b = split.body(&text).to_string();
    for title in ["Activity", crate::record::task::SECTION] {
        if let Some(s) = body::find_section(&b, title) {
            b = format!("{}{}", &b[..s.heading.start], &b[s.content.end..]);
        }
    }
    b
}

/// The card: title, path, fields (then `computed` values such as the score, in the same
/// columns), people, deals and recent activity.
fn card(index: &Index, r: &Record, max_activities: usize, computed: &[(&str, String)]) -> String {
    let cfg = &index.config;
    let mut out = String::new();
    let mut badges = vec![r.kind.noun().to_string()];
    if let Some(stage) = r.lifecycle() {
        badges.push(stage);
    } else if r.kind == Kind::Person {
        badges.push("plain contact".into());
    }
    if let Some(s) = r.text("lead_status") {
        badges.push(s.to_string());
    }
    if r.kind == Kind::Deal
        && let Some(stage) = r.text("stage")
    {
        let p = cfg
            .pipeline(r.text("pipeline"))
            .and_then(|p| p.stage(stage))
            .map(|s| s.probability);
        badges.push(match p {
            Some(p) => format!("{stage} ({p}%)"),
            None => stage.to_string(),
        });
    }
    let _ = writeln!(
        out,
        "{}  {}",
        paint(output::BOLD, r.name()),
        paint(output::DIM, &badges.join(" · "))
    );
    let _ = writeln!(out, "{}", paint(output::DIM, &r.path()));
    let width = r
        .fields
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        .max(8);
    for (k, v) in &r.fields {
        if k == "name" || v.is_null() {
            continue;
        }
        // Continuation lines of multi-line values stay in the value column.
        let shown = field_text(index, r, k, v)
            .trim_end()
            .replace('\n', &format!("\n  {:width$}  ", ""));
        let _ = writeln!(
            out,
            "  {}  {}",
            paint(output::DIM, &format!("{k:<width$}")),
            shown
        );
    }
    for (k, v) in computed {
        let _ = writeln!(
            out,
            "  {}  {}",
            paint(output::DIM, &format!("{k:<width$}")),
            paint(output::ACCENT, v)
        );
    }
    let (people, deals) = related(index, r);
    if !people.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint(output::HEADER, &format!("People ({})", people.len()))
        );
        let mut t = Table::new(["id", "name", "title", LIFECYCLE, "email"]);
        for p in &people {
            t.row(vec![
                (p.id.to_string(), output::ACCENT),
                (p.name().to_string(), Style::new()),
                (p.text("title").unwrap_or_default().to_string(), output::DIM),
                (p.lifecycle().unwrap_or_default(), output::DIM),
                (p.email().unwrap_or_default(), output::DIM),
            ]);
        }
        out.push_str(&t.render_rows("  "));
    }
    if !deals.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint(output::HEADER, &format!("Deals ({})", deals.len()))
        );
        let mut t = Table::new(["id", "name", "stage", "amount", "close"]);
        t.align_right(3);
        for d in &deals {
            let amount = d
                .number("amount")
                .map(|a| format!("{} {}", d.currency(cfg), output::amount(a)))
                .unwrap_or_default();
            let close = d
                .text("close_date")
                .map(|c| format!("closes {c}"))
                .unwrap_or_default();
            t.row(vec![
                (d.id.to_string(), output::ACCENT),
                (d.name().to_string(), Style::new()),
                (d.text("stage").unwrap_or_default().to_string(), output::DIM),
                (amount, Style::new()),
                (close, output::DIM),
            ]);
        }
        out.push_str(&t.render_rows("  "));
    }
    let open = crate::record::task::open_tasks(&r.tasks);
    if !open.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint(output::HEADER, &format!("Open tasks ({})", open.len()))
        );
        let mut t = Table::new(["#", "due", "type", "who", "text"]);
        for (i, task) in open.iter().enumerate() {
            let when = match task.time {
                Some((h, m)) => format!("{} {h:02}:{m:02}", task.due),
                None => task.due.to_string(),
            };
            let why = task.origin.describe();
            let text = if why.is_empty() {
                task.text.replace('\n', " ")
            } else {
                format!("{} ({why})", task.text.replace('\n', " "))
            };
            t.row(vec![
                ((i + 1).to_string(), output::DIM),
                (when, output::DIM),
                (task.kind.to_string(), Style::new()),
                (
                    task.owner.map(|o| format!("@{o}")).unwrap_or_default(),
                    output::ACCENT,
                ),
                (output::clip(&text, 80), Style::new()),
            ]);
        }
        out.push_str(&t.render_rows("  "));
    }
    if !r.activities.is_empty() {
        let last = r
            .last_activity()
            .map(|d| format!(", last {d}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "\n{}",
            paint(
                output::HEADER,
                &format!("Activity ({}{last})", r.activities.len())
            )
        );
        let mut recent: Vec<_> = r.activities.iter().collect();
        recent.sort_by_key(|a| (a.date, a.time));
        let skip = recent.len().saturating_sub(max_activities);
        if skip > 0 {
            let _ = writeln!(
                out,
                "  {}",
                paint(
                    output::DIM,
                    &format!(
                        "… {skip} earlier (kith show {} --activities {})",
                        r.id,
                        recent.len()
                    )
                )
            );
        }
        let mut t = Table::new(["when", "type", "who", "text"]);
        for a in &recent[skip..] {
            let when = match a.time {
                Some((h, m)) => format!("{} {h:02}:{m:02}", a.date),
                None => a.date.to_string(),
            };
            let who = [
                a.by.map(|b| format!("@{b}")),
                a.deal.as_deref().map(|d| format!("#{d}")),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
            t.row(vec![
                (when, output::DIM),
                (a.kind.to_string(), Style::new()),
                (who, output::ACCENT),
                (output::clip(&a.text.replace('\n', " "), 80), Style::new()),
            ]);
        }
        out.push_str(&t.render_rows("  "));
    }
    out
}

/// A field's value for the card: references show the record's name.
fn field_text(index: &Index, r: &Record, key: &str, v: &Value) -> String {
    let target = match crate::record::schema::field_type(&index.config, r.kind, key) {
        Some(
            crate::record::schema::FieldType::Ref(k) | crate::record::schema::FieldType::Refs(k),
        ) => k,
        _ => return v.to_text(),
    };
    v.items()
        .iter()
        .map(|item| {
            let id = item.to_text();
            match index.get(target, &id) {
                Some(t) => format!("{} ({id})", t.name()),
                None => format!("{id} {}", paint(output::BAD, "(missing)")),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
