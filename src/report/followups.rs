//! Follow-ups in the weekly report: hand-offs this week (who, to whom, how fast the first
//! touch came), overdue tasks by owner, and each workflow's funnel.

use super::{Ctx, RecordRef, median, percent};
use crate::commits::Changed;
use crate::history::{Change, Event};
use crate::record::{Kind, Record};
use crate::workflow::{self, plan, state};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize, Default)]
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

#[derive(Debug, Serialize)]
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

#[derive(Debug, Serialize)]
pub struct OverdueOwner {
    pub owner: String,
    pub count: usize,
    /// Days the oldest is late.
    pub oldest_days: i64,
    /// The tasks (none in public reports).
    pub items: Vec<OverdueItem>,
}

#[derive(Debug, Serialize)]
pub struct OverdueItem {
    pub record: RecordRef,
    pub task: String,
    pub due: String,
    pub days_late: i64,
    pub reason: String,
}

#[derive(Debug, Serialize)]
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

pub(super) fn build(ctx: &Ctx, history: Option<&[Changed]>, uncommitted: &[Change]) -> FollowUps {
    let (workflows, _) = workflow::from_config(ctx.cfg);
    let handoffs = handoffs(ctx, &workflows, history, uncommitted);
    let touched: Vec<i64> = handoffs.iter().filter_map(|h| h.first_touch_days).collect();
    let (overdue, overdue_total) = overdue(ctx);
    let standings = plan::standings(ctx.index, &workflows, ctx.as_of);
    let week_start = ctx.week.start();
    let rows = workflows
        .iter()
        .zip(standings)
        .map(|(w, s)| {
            let entered_this_week = ctx
                .people()
                .flat_map(|(_, r)| state::read(r, &w.name))
                .filter(|p| p.entered.is_some_and(|d| d >= week_start && d <= ctx.as_of))
                .count();
            WorkflowRow {
                name: w.name.clone(),
                description: w.description.clone(),
                entered_this_week,
                entered: s.entered,
                active: s.active,
                completed: s.completed,
                left: s.left,
                converted: s.converted,
                conversion: percent(s.converted, s.entered),
            }
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
    workflows: &[workflow::Workflow],
    history: Option<&[Changed]>,
    uncommitted: &[Change],
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
                let who = crate::history::who(ctx.cfg, &c.commit);
                let date = crate::history::date(ctx.cfg, &c.commit);
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
        None => {
            for (_, r) in ctx.people() {
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
            }
        }
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

/// A person's owner changed: on which day, from whom to whom, and who did it (from git).
struct OwnerMove {
    kind: Kind,
    id: String,
    date: Date,
    from: Option<String>,
    to: String,
    who: Option<String>,
}

fn owner_change(ch: &Change) -> Option<(Option<String>, String)> {
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

fn teammate_name(ctx: &Ctx, id: &str) -> String {
    ctx.cfg
        .teammate(id)
        .map_or_else(|| id.to_string(), |t| t.name.clone())
}

/// Open tasks past their due day, by owner (the most overdue owner first).
fn overdue(ctx: &Ctx) -> (Vec<OverdueOwner>, usize) {
    let mut by_owner: BTreeMap<String, Vec<(i64, OverdueItem)>> = BTreeMap::new();
    let mut total = 0;
    for (slot, r) in ctx.index.entries() {
        if r.tasks.is_empty() || r.broken || (r.kind == Kind::Person && ctx.derived.excluded(slot))
        {
            continue;
        }
        for t in r.tasks.iter().filter(|t| !t.done && t.due < ctx.as_of) {
            total += 1;
            let late = (ctx.as_of - t.due).get_days() as i64;
            let owner = t
                .owner
                .map_or_else(|| "nobody".to_string(), |o| teammate_name(ctx, &o));
            by_owner.entry(owner).or_default().push((
                late,
                OverdueItem {
                    record: ctx.names.of(r),
                    task: format!("{} {}", t.kind, t.text),
                    due: t.due.to_string(),
                    days_late: late,
                    reason: t.origin.describe(),
                },
            ));
        }
    }
    let mut out: Vec<OverdueOwner> = by_owner
        .into_iter()
        .map(|(owner, mut items)| {
            items.sort_by(|a, b| {
                b.0.cmp(&a.0)
                    .then_with(|| a.1.record.name.cmp(&b.1.record.name))
            });
            OverdueOwner {
                owner,
                count: items.len(),
                oldest_days: items.first().map_or(0, |i| i.0),
                items: if ctx.names.public {
                    Vec::new()
                } else {
                    items.into_iter().map(|(_, i)| i).collect()
                },
            }
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.owner.cmp(&b.owner)));
    (out, total)
}
