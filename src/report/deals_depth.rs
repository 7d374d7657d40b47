//! How long each open deal has sat in its stage, and which are stuck or past their close date:
//! what a sales manager asks of the pipeline on Monday morning. Pure.
//!
//! A deal entered its stage on the day of its last move into it: from its log's `stage`
//! entries and from git history ([`super::timeline`]), else `stage_changed:`, else `created:`
//! (no move known: it has been there since it was made). It is stuck past its stage's limit:
//! `report.stuck_after` in kith.yaml, else twice the median stay of won deals in that stage.

use super::parts::Basis;
use super::{Ctx, Money, RecordRef, median, timeline};
use crate::git::commits::Changed;
use crate::git::history::{Event, RecordEvent};
use crate::record::config::Closed;
use crate::record::{Kind, Record};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Depth {
    /// Open deals, longest in their stage first.
    pub deals: Vec<OpenDeal>,
    /// How many are stuck, and how many have a close date in the past.
    pub stuck: usize,
    pub overdue: usize,
    /// Each open stage's limit in days, and where it comes from.
    pub limits: Vec<StageLimit>,
    /// Deals whose close date moved later this week, by deal.
    pub slipped: Vec<Slip>,
    /// Open deals without a next step, or whose next step's date is past: those with a past
    /// date first (the longest past first), then those without one, by name.
    pub next_steps: Vec<NextStep>,
    pub no_next_step: usize,
    pub next_step_past: usize,
}

/// An open deal whose next step is missing or late (`next_step`, `next_step_date`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NextStep {
    pub record: RecordRef,
    pub stage: String,
    pub next_step: Option<String>,
    pub date: Option<String>,
    /// Days since its date, when it is past.
    pub days_late: Option<i64>,
    pub amount: Option<Money>,
    pub owner: Option<String>,
}

/// A close date moved later this week (from its first value this week to its last).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Slip {
    pub record: RecordRef,
    pub from: String,
    pub to: String,
    /// Days it moved out.
    pub days: i64,
    /// Who moved it last, and when (`not yet committed` for a change in the working tree).
    pub who: String,
    pub date: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OpenDeal {
    pub record: RecordRef,
    pub stage: String,
    /// Days since it entered its stage; none when nothing tells.
    pub days_in_stage: Option<i64>,
    /// The day it entered its stage.
    pub since: Option<String>,
    /// `moved` (its log or history), `stage_changed` or `created`.
    pub since_from: Option<&'static str>,
    pub stuck: bool,
    pub close_date: Option<String>,
    /// Its close date is past and it is still open.
    pub overdue: bool,
    pub amount: Option<Money>,
    pub owner: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StageLimit {
    pub stage: String,
    pub days: f64,
    /// `kith.yaml`, or `won deals` (twice their median stay, with how many stays it is of).
    pub from: String,
}

/// The open deals' stays and flags at `ctx.as_of`; `history`: the commits of the trend
/// window (none without history), `uncommitted`: changes in the working tree.
pub(super) fn build(
    ctx: &Ctx,
    basis: &Basis,
    history: Option<&[Changed]>,
    uncommitted: &[RecordEvent],
) -> Depth {
    let cfg = ctx.cfg;
    // Completed stays of won deals, by stage: the default limits.
    let mut won_stays: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let mut open: Vec<(&Record, String)> = Vec::new();
    for (_, r) in ctx.index.entries() {
        if r.kind != Kind::Deal || r.broken {
            continue;
        }
        let Some(stage) = ctx.deal_stage(r) else {
            continue;
        };
        match stage.closed {
            Some(Closed::Won) => {
                let moves = timeline::of(r, basis.moves_of(r));
                let stays = timeline::stays(r, &moves);
                for pair in stays.windows(2) {
                    if let ((s, Some(from)), (_, Some(to))) = (&pair[0], &pair[1]) {
                        let days = (*to - *from).get_days() as i64;
                        if days >= 0 {
                            won_stays.entry(s.clone()).or_default().push(days);
                        }
                    }
                }
            }
            Some(Closed::Lost) => {}
            None => open.push((r, stage.id.clone())),
        }
    }
    let limit = |stage: &str| -> Option<StageLimit> {
        if let Some((_, days)) = cfg
            .report
            .stuck_after
            .iter()
            .find(|(s, _)| s.eq_ignore_ascii_case(stage))
        {
            return Some(StageLimit {
                stage: stage.to_string(),
                days: *days as f64,
                from: "kith.yaml".into(),
            });
        }
        let stays = won_stays.get(stage)?;
        let m = median(stays.clone())?;
        Some(StageLimit {
            stage: stage.to_string(),
            days: 2.0 * m,
            from: format!(
                "twice the median of {} won deal{}",
                stays.len(),
                if stays.len() == 1 { "" } else { "s" }
            ),
        })
    };
    let mut limits: Vec<StageLimit> = Vec::new();
    for p in &cfg.pipelines {
        for s in p.stages.iter().filter(|s| s.closed.is_none()) {
            if !limits.iter().any(|l| l.stage == s.id)
                && let Some(l) = limit(&s.id)
            {
                limits.push(l);
            }
        }
    }
    let mut next_steps: Vec<NextStep> = open
        .iter()
        .filter_map(|(r, stage)| {
            let step = r
                .text("next_step")
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from);
            let date = r.date("next_step_date");
            let late = date
                .map(|d| (ctx.as_of - d).get_days() as i64)
                .filter(|d| *d > 0);
            (late.is_some() || (step.is_none() && date.is_none())).then(|| NextStep {
                record: ctx.names.of(r),
                stage: stage.clone(),
                next_step: step,
                date: date.map(|d| d.to_string()),
                days_late: late,
                amount: r.number("amount").map(|a| Money::new(&r.currency(cfg), a)),
                owner: ctx.owner(r),
            })
        })
        .collect();
    next_steps.sort_by(|a, b| {
        b.days_late
            .cmp(&a.days_late)
            .then_with(|| a.record.name.cmp(&b.record.name))
            .then_with(|| a.record.id.cmp(&b.record.id))
    });
    let mut deals: Vec<OpenDeal> = open
        .into_iter()
        .map(|(r, stage)| {
            let (since, from) = entered(ctx, basis, r, &stage);
            let days = since
                .map(|d| (ctx.as_of - d).get_days() as i64)
                .filter(|d| *d >= 0);
            let stuck = match (days, limits.iter().find(|l| l.stage == stage)) {
                (Some(d), Some(l)) => d as f64 > l.days,
                _ => false,
            };
            let close = r.date("close_date");
            OpenDeal {
                record: ctx.names.of(r),
                stage,
                days_in_stage: days,
                since: since.map(|d| d.to_string()),
                since_from: from,
                stuck,
                close_date: close.map(|d| d.to_string()),
                overdue: close.is_some_and(|d| d < ctx.as_of),
                amount: r.number("amount").map(|a| Money::new(&r.currency(cfg), a)),
                owner: ctx.owner(r),
            }
        })
        .collect();
    deals.sort_by(|a, b| {
        b.days_in_stage
            .cmp(&a.days_in_stage)
            .then_with(|| a.record.name.cmp(&b.record.name))
            .then_with(|| a.record.id.cmp(&b.record.id))
    });
    Depth {
        stuck: deals.iter().filter(|d| d.stuck).count(),
        overdue: deals.iter().filter(|d| d.overdue).count(),
        deals,
        limits,
        slipped: history.map_or_else(Vec::new, |h| slipped(ctx, h, uncommitted)),
        no_next_step: next_steps.iter().filter(|n| n.days_late.is_none()).count(),
        next_step_past: next_steps.iter().filter(|n| n.days_late.is_some()).count(),
        next_steps,
    }
}

/// The deals whose `close_date` this week's commits (and the working tree, in the current
/// week) moved later: first value this week → last, latest first, then by name.
fn slipped(ctx: &Ctx, history: &[Changed], uncommitted: &[RecordEvent]) -> Vec<Slip> {
    let tz = &ctx.cfg.tz;
    let (start, end) = (ctx.week.start_instant(tz), ctx.week.end_instant(tz));
    let current = super::Week::of(ctx.as_of) == ctx.week;
    let committed = history
        .iter()
        .filter(|c| c.commit.time >= start && c.commit.time < end)
        .flat_map(|c| {
            let who = crate::git::history::who(ctx.cfg, &c.commit);
            let date = crate::git::history::date(ctx.cfg, &c.commit).to_string();
            c.changes
                .iter()
                .map(move |x| (x, who.clone(), date.clone()))
        });
    let pending = uncommitted
        .iter()
        .filter(|_| current)
        .map(|x| (x, "not yet committed".to_string(), ctx.as_of.to_string()));
    // Per deal: the close date before this week's first change, after the last, and who.
    let mut by_deal: BTreeMap<String, (Option<Date>, Option<Date>, String, String)> =
        BTreeMap::new();
    for (c, who, date) in committed.chain(pending) {
        let (Kind::Deal, Event::Field { key, old, new }) = (c.kind, &c.event) else {
            continue;
        };
        if key != "close_date" {
            continue;
        }
        let day = |v: &Option<crate::record::value::Value>| {
            v.as_ref()
                .and_then(|v| crate::record::activity::parse_date(v.to_text().trim()))
        };
        let e = by_deal
            .entry(c.id.clone())
            .or_insert_with(|| (day(old), None, String::new(), String::new()));
        e.1 = day(new);
        e.2 = who;
        e.3 = date;
    }
    let mut out: Vec<Slip> = by_deal
        .into_iter()
        .filter_map(|(id, (from, to, who, date))| {
            let (from, to) = (from?, to?);
            (to > from).then(|| Slip {
                record: ctx.names.of_id(Kind::Deal, &id),
                from: from.to_string(),
                to: to.to_string(),
                days: (to - from).get_days() as i64,
                who,
                date,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then_with(|| a.record.name.cmp(&b.record.name))
    });
    out
}

/// The day a deal entered its stage `stage`, and what says so.
fn entered(
    ctx: &Ctx,
    basis: &Basis,
    r: &Record,
    stage: &str,
) -> (Option<Date>, Option<&'static str>) {
    let moves = timeline::of(r, basis.moves_of(r));
    let moved = moves
        .iter()
        .rev()
        .find(|m| {
            m.to.as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case(stage))
        })
        .map(|m| m.date)
        .filter(|d| *d <= ctx.as_of);
    if let Some(d) = moved {
        return (Some(d), Some("moved"));
    }
    if let Some(d) = r.date("stage_changed") {
        return (Some(d), Some("stage_changed"));
    }
    match r.date("created") {
        Some(d) => (Some(d), Some("created")),
        None => (None, None),
    }
}
