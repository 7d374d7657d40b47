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
    let excluded: rustc_hash::FxHashSet<&str> = ctx
        .index
        .entries()
        .filter(|(slot, r)| r.kind == Kind::Person && ctx.derived.excluded(*slot))
        .map(|(_, r)| &*r.id)
        .collect();
    // What a stage adds to the counts: (leads, customers).
    let weight = |stage: &Option<String>| -> (isize, isize) {
        stage.as_deref().map_or((0, 0), |s| {
            (
                isize::from(lc.is_lead(s)),
                isize::from(customer.is_some_and(|c| lc.rank(s).is_some_and(|r| r >= c))),
            )
        })
    };
    // The counts, kept up to date as changes are undone.
    let (leads, customers) = state.values().fold((0, 0), |(l, c), s| {
        let (dl, dc) = weight(s);
        (l + dl, c + dc)
    });
    let (leads, customers) = (std::cell::Cell::new(leads), std::cell::Cell::new(customers));
    let undo = |state: &mut FxHashMap<String, Option<String>>, c: &Change| {
        if c.kind != Kind::Person || excluded.contains(c.id.as_str()) {
            return;
        }
        let set = |state: &mut FxHashMap<String, Option<String>>,
                   id: &str,
                   to: Option<Option<String>>| {
            let before = match to {
                Some(stage) => state.insert(id.to_string(), stage),
                None => state.remove(id),
            };
            let after = state.get(id);
            let (bl, bc) = before.as_ref().map_or((0, 0), weight);
            let (al, ac) = after.map_or((0, 0), weight);
            leads.set(leads.get() + al - bl);
            customers.set(customers.get() + ac - bc);
        };
        match &c.event {
            Event::Field { key, old, .. } if key == "lifecycle" => {
                let old = old.as_ref().map(|v| v.to_text().trim().to_lowercase());
                set(state, &c.id, Some(old.filter(|s| !s.is_empty())));
            }
            Event::Created => set(state, &c.id, None),
            Event::Deleted => {
                let now = state.get(&c.id).cloned().flatten();
                set(state, &c.id, Some(now));
            }
            Event::Renamed { from } => {
                let now = state.get(&c.id).cloned().flatten();
                set(state, &c.id, None);
                set(state, from, Some(now));
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
        rows.push(TrendWeek {
            week: week.to_string(),
            leads: leads.get().max(0) as usize,
            customers: customers.get().max(0) as usize,
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
