//! Leads and customers at the end of each of the last weeks, from the snapshot and git
//! history: start from the records as they are now and undo, week by week going back, the
//! lifecycle changes commits made.

use super::Ctx;
use crate::commits::Changed;
use crate::history::{Change, Event};
use crate::record::Kind;
use rustc_hash::FxHashMap;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Trend {
    pub weeks: Vec<TrendWeek>,
    pub chart: super::chart::Lines,
}

#[derive(Debug, Serialize)]
pub struct TrendWeek {
    pub week: String,
    pub leads: usize,
    pub customers: usize,
}

pub(super) fn build(ctx: &Ctx, history: &[Changed], uncommitted: &[Change]) -> Trend {
    let lc = &ctx.cfg.lifecycle;
    let customer = ctx.customer_rank();
    // Everyone who counts, with their stage now.
    let mut state: FxHashMap<String, Option<String>> = ctx
        .people()
        .map(|(_, r)| (r.id.to_string(), r.lifecycle()))
        .collect();
    let excluded: Vec<String> = ctx
        .index
        .entries()
        .filter(|(slot, r)| r.kind == Kind::Person && ctx.derived.excluded(*slot))
        .map(|(_, r)| r.id.to_string())
        .collect();
    let count = |state: &FxHashMap<String, Option<String>>| {
        let (mut leads, mut customers) = (0, 0);
        for stage in state.values().flatten() {
            if lc.is_lead(stage) {
                leads += 1;
            }
            if customer.is_some_and(|c| lc.rank(stage).is_some_and(|r| r >= c)) {
                customers += 1;
            }
        }
        (leads, customers)
    };
    let undo = |state: &mut FxHashMap<String, Option<String>>, c: &Change| {
        if c.kind != Kind::Person || excluded.contains(&c.id) {
            return;
        }
        match &c.event {
            Event::Field { key, old, .. } if key == "lifecycle" => {
                let old = old.as_ref().map(|v| v.to_text().trim().to_lowercase());
                state.insert(c.id.clone(), old.filter(|s| !s.is_empty()));
            }
            Event::Created => {
                state.remove(&c.id);
            }
            Event::Deleted => {
                state.entry(c.id.clone()).or_insert(None);
            }
            Event::Renamed { from } => {
                let v = state.remove(&c.id).flatten();
                state.insert(from.clone(), v);
            }
            _ => {}
        }
    };
    let mut weeks = ctx.week.last(ctx.cfg.report.trend_weeks);
    weeks.reverse();
    let mut rows = Vec::new();
    let mut pending: Vec<&Changed> = history.iter().collect();
    // Undo newest first; `Created` of a record comes after its fields in a commit's list, so
    // each commit's changes are undone in reverse too.
    pending.sort_by_key(|c| std::cmp::Reverse(c.commit.time));
    let mut next = 0;
    let tz = &ctx.cfg.tz;
    for (k, week) in weeks.iter().enumerate() {
        if k == 1 {
            // Changes not committed yet belong to the report's own week only.
            for c in uncommitted.iter().rev() {
                undo(&mut state, c);
            }
        }
        let end = week.end_instant(tz);
        while next < pending.len() && pending[next].commit.time >= end {
            for c in pending[next].changes.iter().rev() {
                undo(&mut state, c);
            }
            next += 1;
        }
        let (leads, customers) = count(&state);
        rows.push(TrendWeek {
            week: week.to_string(),
            leads,
            customers,
        });
    }
    rows.reverse();
    let labels = rows.iter().map(|r| format!("W{}", &r.week[6..])).collect();
    let chart = super::chart::Lines::new(
        labels,
        vec![
            (
                "leads".into(),
                rows.iter().map(|r| r.leads as f64).collect(),
            ),
            (
                "customers".into(),
                rows.iter().map(|r| r.customers as f64).collect(),
            ),
        ],
    );
    Trend { weeks: rows, chart }
}
