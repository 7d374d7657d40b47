//! Follow-ups in the weekly report: hand-offs this week (who, to whom, how fast the first
//! touch came), overdue tasks by owner, and each workflow's funnel.

use super::figures::Figures;
use super::{Ctx, RecordRef, median, percent};
use crate::analysis::workflow;
use crate::git::commits::Changed;
use crate::git::history::{Event, RecordEvent};
use crate::plan::workflow::state;
use crate::record::{Kind, Record};
use jiff::civil::Date;
use serde::Serialize;

#[derive(Debug, Serialize, PartialEq, Default)]
pub struct FollowUps {
    pub handoffs: Vec<Handoff>,
    /// Median days from hand-off to the new owner's first touch, over those touched.
    pub median_first_touch_days: Option<f64>,
    /// Hand-offs this week still waiting for their first touch.
    pub untouched: usize,
    pub overdue: Vec<OverdueOwner>,
    pub overdue_total: usize,
    pub workflows: Vec<WorkflowRow>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Handoff {
    pub record: RecordRef,
    pub date: String,
    pub from: Option<String>,
    pub to: String,
    /// The workflow that made it, or who did it by hand.
    pub via: String,
    /// Days until the new owner first logged an activity with the person.
    pub first_touch_days: Option<i64>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct OverdueOwner {
    pub owner: String,
    pub count: usize,
    /// Days the oldest is late.
    pub oldest_days: i64,
    /// The tasks (none in public reports).
    pub items: Vec<OverdueItem>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OverdueItem {
    pub record: RecordRef,
    pub task: String,
    pub due: String,
    pub days_late: i64,
    pub reason: String,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct WorkflowRow {
    pub name: String,
    pub description: String,
    pub entered_this_week: usize,
    pub entered: usize,
    pub active: usize,
    pub completed: usize,
    pub left: usize,
    pub converted: usize,
    /// converted / entered, in percent.
    pub conversion: Option<f64>,
}

pub(super) fn build(
    ctx: &Ctx,
    f: &Figures,
    workflows: &[workflow::Workflow],
    history: Option<&[Changed]>,
    uncommitted: &[RecordEvent],
) -> FollowUps {
    let handoffs = handoffs(ctx, f, workflows, history, uncommitted);
    let touched: Vec<i64> = handoffs.iter().filter_map(|h| h.first_touch_days).collect();
    let (overdue, overdue_total) = overdue(ctx, f);
    let rows = workflows
        .iter()
        .zip(&f.workflows)
        .map(|(w, s)| WorkflowRow {
            name: w.name.clone(),
            description: w.description.clone(),
            entered_this_week: s.entered_this_week,
            entered: s.entered,
            active: s.active,
            completed: s.completed,
            left: s.left,
            converted: s.converted,
            conversion: percent(s.converted, s.entered),
        })
        .collect();
    FollowUps {
        untouched: handoffs.len() - touched.len(),
        median_first_touch_days: median(touched),
        handoffs,
        overdue,
        overdue_total,
        workflows: rows,
    }
}

/// Owner changes of people this week: from git history when there is one (hand-offs made by
/// hand count too), else from the workflows' own log entries.
fn handoffs(
    ctx: &Ctx,
    f: &Figures,
    workflows: &[workflow::Workflow],
    history: Option<&[Changed]>,
    uncommitted: &[RecordEvent],
) -> Vec<Handoff> {
    let mut found: Vec<OwnerMove> = Vec::new();
    match history {
        Some(history) => {
            let tz = &ctx.cfg.tz;
            let (start, end) = (ctx.week.start_instant(tz), ctx.week.end_instant(tz));
            for c in history
                .iter()
                .filter(|c| c.commit.time >= start && c.commit.time < end)
            {
                let who = crate::git::history::who(ctx.cfg, &c.commit);
                let date = crate::git::history::date(ctx.cfg, &c.commit);
                for ch in &c.changes {
                    if let Some((from, to)) = owner_change(ch) {
                        found.push(OwnerMove {
                            kind: ch.kind,
                            id: ch.id.clone(),
                            date,
                            from,
                            to,
                            who: Some(who.clone()),
                        });
                    }
                }
            }
            if super::Week::of(ctx.as_of) == ctx.week {
                for ch in uncommitted {
                    if let Some((from, to)) = owner_change(ch) {
                        found.push(OwnerMove {
                            kind: ch.kind,
                            id: ch.id.clone(),
                            date: ctx.as_of,
                            from,
                            to,
                            who: None,
                        });
                    }
                }
            }
        }
        None => found.extend(f.handoffs.values().flatten().cloned()),
    }
    let mut out = Vec::new();
    for OwnerMove {
        kind,
        id,
        date,
        from,
        to,
        who,
    } in found
    {
        let Some(slot) = ctx.index.slot(kind, &id) else {
            continue;
        };
        let Some(r) = ctx.index.at_slot(slot) else {
            continue;
        };
        if kind != Kind::Person || ctx.derived.excluded(slot) {
            continue;
        }
        let via = via_workflow(r, workflows, date, &to)
            .or(who)
            .unwrap_or_else(|| "not yet committed".into());
        let first_touch_days = r
            .activities
            .iter()
            .filter(|a| a.date >= date && a.date <= ctx.as_of)
            .filter(|a| !matches!(a.kind.as_str(), "workflow" | "stage" | "import"))
            .find(|a| a.by.is_some_and(|b| b.eq_ignore_ascii_case(&to)))
            .map(|a| (a.date - date).get_days() as i64);
        out.push(Handoff {
            record: ctx.names.of(r),
            date: date.to_string(),
            from: from.map(|f| teammate_name(ctx, &f)),
            to: teammate_name(ctx, &to),
            via,
            first_touch_days,
        });
    }
    out.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then_with(|| a.record.name.cmp(&b.record.name))
    });
    out
}

/// The hand-offs this week that a person's workflow log entries record.
pub(super) fn logged_handoffs(
    ctx: &Ctx,
    workflows: &[workflow::Workflow],
    r: &Record,
) -> Vec<OwnerMove> {
    let mut found = Vec::new();
    for w in workflows {
        for p in state::read(r, &w.name) {
            let mut from = p.known_at_entry("owner");
            for (k, v, d) in &p.writes {
                if k != "owner" {
                    continue;
                }
                if d >= &ctx.week.start() && d <= &ctx.as_of {
                    found.push(OwnerMove {
                        kind: r.kind,
                        id: r.id.to_string(),
                        date: *d,
                        from: from.clone(),
                        to: v.clone(),
                        who: None,
                    });
                }
                from = Some(v.clone());
            }
        }
    }
    found
}

/// A person's owner changed: on which day, from whom to whom, and who did it (from git).
#[derive(Debug, Clone)]
pub struct OwnerMove {
    kind: Kind,
    id: String,
    date: Date,
    from: Option<String>,
    to: String,
    who: Option<String>,
}

fn owner_change(ch: &RecordEvent) -> Option<(Option<String>, String)> {
    match &ch.event {
        Event::Field {
            key,
            old,
            new: Some(new),
        } if key == "owner" && ch.kind == Kind::Person => {
            Some((old.as_ref().map(|v| v.to_text()), new.to_text()))
        }
        _ => None,
    }
}

/// The workflow whose step wrote `owner=to` on `date`, if one did.
fn via_workflow(
    r: &Record,
    workflows: &[workflow::Workflow],
    date: Date,
    to: &str,
) -> Option<String> {
    workflows.iter().find_map(|w| {
        state::read(r, &w.name)
            .iter()
            .any(|p| {
                p.writes
                    .iter()
                    .any(|(k, v, d)| k == "owner" && v == to && *d <= date)
            })
            .then(|| format!("workflow {}", w.name))
    })
}

pub(super) fn teammate_name(ctx: &Ctx, id: &str) -> String {
    ctx.cfg
        .teammate(id)
        .map_or_else(|| id.to_string(), |t| t.name.clone())
}

/// Open tasks past their due day, by owner (the most overdue owner first).
fn overdue(ctx: &Ctx, f: &Figures) -> (Vec<OverdueOwner>, usize) {
    let mut out: Vec<OverdueOwner> = f
        .overdue
        .iter()
        .map(|(owner, items)| OverdueOwner {
            owner: owner.clone(),
            count: items.len(),
            oldest_days: items.keys().next().map_or(0, |k| k.0.0),
            items: if ctx.names.public {
                Vec::new()
            } else {
                items.values().cloned().collect()
            },
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.owner.cmp(&b.owner)));
    (out, f.overdue_total)
}
