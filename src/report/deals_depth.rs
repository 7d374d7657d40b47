//! How long each open deal has sat in its stage, and which are stuck or past their close date:
//! what a sales manager asks of the pipeline on Monday morning. Pure.
//!
//! A deal entered its stage on the day of its last move into it: from its log's `stage`
//! entries and from git history ([`super::timeline`]), else `stage_changed:`, else `created:`
//! (no move known: it has been there since it was made). It is stuck past its stage's limit:
//! `report.stuck_after` in kith.yaml, else twice the median stay of won deals in that stage.

use super::parts::Basis;
use super::{Ctx, Money, RecordRef, median, timeline};
use crate::config::Closed;
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

/// The open deals' stays and flags at `ctx.as_of`.
pub(super) fn build(ctx: &Ctx, basis: &Basis) -> Depth {
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
    }
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
