//! Leads and customers at the end of each of the last weeks, from the snapshot and git
//! history: start from the records as they are now and undo, week by week going back, the
//! lifecycle changes commits made.

use super::Ctx;
use crate::git::commits::Changed;
use crate::git::history::{Event, RecordEvent};
use crate::record::Kind;
use crate::record::LIFECYCLE;
use rustc_hash::FxHashMap;
use serde::Serialize;

#[derive(Debug, Serialize, PartialEq)]
pub struct Trend {
    pub weeks: Vec<TrendWeek>,
    pub chart: super::chart::Lines,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct TrendWeek {
    pub week: String,
    pub leads: usize,
    pub customers: usize,
    /// Whether any record existed at the week's end: not before the first commit that added
    /// one, where the chart shows "no data" rather than 0.
    pub data: bool,
}

/// What undoing the commits changes in each week's counts, after the changes not committed
/// yet are undone: (leads, customers, records of any kind) per week, newest first (see
/// [`build`]).
pub(super) type Undone = Vec<(isize, isize, isize)>;

/// The people whose stages undoing the commits reads: a live session keeps [`Undone`] while no
/// batch reaches one of them (a change not committed yet is a batch's record too).
pub(super) fn read_by_undoing(history: &[Changed]) -> rustc_hash::FxHashSet<String> {
    history
        .iter()
        .flat_map(|c| &c.changes)
        .filter(|c| c.kind == Kind::Person)
        .flat_map(|c| match &c.event {
            Event::Renamed { from } => vec![c.id.clone(), from.clone()],
            _ => vec![c.id.clone()],
        })
        .collect()
}

/// Someone the changes name, as the changes are undone.
struct Person {
    /// Left out of the counts now (staff, spam): the changes made under this id are passed
    /// over.
    excluded: bool,
    /// `None`: not counted (no such person, or left out); `Some(stage)`: counted, at that
    /// stage.
    stage: Option<Option<String>>,
}

/// `now`: (people at a lead stage, customers) who count now; `undone`: what undoing the
/// commits does, when known (worked out and kept otherwise).
pub(super) fn build<'h>(
    ctx: &Ctx,
    now: (usize, usize),
    history: &'h [Changed],
    uncommitted: &'h [RecordEvent],
    undone: &mut Option<Undone>,
) -> Trend {
    let lc = &ctx.cfg.lifecycle;
    let customer = ctx.customer_rank();
    // The stages of the people the changes name, as they are undone: read from the records
    // the first time a change names someone (everyone else keeps the stage they have now).
    // Keyed by the id as the change names it (no copy: an import in the trend names a million
    // people), each looked up in the index once.
    let mut state: FxHashMap<&str, Person> = FxHashMap::default();
    let first = |id: &str| -> Person {
        let Some(slot) = ctx.index.slot(Kind::Person, id) else {
            return Person {
                excluded: false,
                stage: None,
            };
        };
        let excluded = ctx.derived.excluded(slot);
        let r = ctx.index.at_slot(slot).filter(|r| !r.broken && !excluded);
        Person {
            excluded,
            stage: r.map(|r| r.lifecycle()),
        }
    };
    // What a stage adds to the counts: (leads, customers).
    let weight = |stage: &Option<String>| -> (isize, isize) {
        stage.as_deref().map_or((0, 0), |s| {
            (
                isize::from(lc.is_lead(s)),
                isize::from(customer.is_some_and(|c| lc.rank(s).is_some_and(|r| r >= c))),
            )
        })
    };
    // How the counts move as changes are undone.
    let (leads, customers) = (std::cell::Cell::new(0isize), std::cell::Cell::new(0isize));
    let records = std::cell::Cell::new(0isize);
    // Sets someone's stage (`None`: not counted), and the counts with it.
    let set = |who: &mut Option<Option<String>>, to: Option<Option<String>>| {
        let (al, ac) = to.as_ref().map_or((0, 0), weight);
        let before = std::mem::replace(who, to);
        let (bl, bc) = before.as_ref().map_or((0, 0), weight);
        leads.set(leads.get() + al - bl);
        customers.set(customers.get() + ac - bc);
    };
    let undo = |state: &mut FxHashMap<&'h str, Person>, c: &'h RecordEvent| {
        match c.event {
            Event::Created => records.set(records.get() - 1),
            Event::Deleted => records.set(records.get() + 1),
            _ => {}
        }
        if c.kind != Kind::Person {
            return;
        }
        let who = state.entry(c.id.as_str()).or_insert_with(|| first(&c.id));
        if who.excluded {
            return;
        }
        let who = &mut who.stage;
        match &c.event {
            Event::Field { key, old, .. } if key == LIFECYCLE => {
                let old = old.as_ref().map(|v| v.to_text().trim().to_lowercase());
                set(who, Some(old.filter(|s| !s.is_empty())));
            }
            Event::Created => set(who, None),
            Event::Deleted => {
                let now = who.clone().flatten();
                set(who, Some(now));
            }
            Event::Renamed { from } => {
                let now = who.clone().flatten();
                set(who, None);
                let old = state.entry(from.as_str()).or_insert_with(|| first(from));
                set(&mut old.stage, Some(now));
            }
            _ => {}
        }
    };
    let mut weeks = ctx.week.last(ctx.cfg.report.trend_weeks);
    weeks.reverse();
    // Changes not committed yet belong to the report's own week only: undone first.
    for c in uncommitted.iter().rev() {
        undo(&mut state, c);
    }
    let pending_by_uncommitted = (leads.get(), customers.get(), records.get());
    let undone = undone.get_or_insert_with(|| {
        let mut out = Vec::new();
        let mut pending: Vec<&Changed> = history.iter().collect();
        // Undo newest first; `Created` of a record comes after its fields in a commit's list,
        // so each commit's changes are undone in reverse too.
        pending.sort_by_key(|c| std::cmp::Reverse(c.commit.time));
        let mut next = 0;
        let tz = &ctx.cfg.tz;
        for week in weeks.iter().skip(1) {
            let end = week.end_instant(tz);
            while next < pending.len() && pending[next].commit.time >= end {
                for c in pending[next].changes.iter().rev() {
                    undo(&mut state, c);
                }
                next += 1;
            }
            out.push((
                leads.get() - pending_by_uncommitted.0,
                customers.get() - pending_by_uncommitted.1,
                records.get() - pending_by_uncommitted.2,
            ));
        }
        out
    });
    let mut rows = Vec::new();
    for (k, week) in weeks.iter().enumerate() {
        let (mut l, mut c) = (now.0 as isize, now.1 as isize);
        let mut n = ctx.index.len() as isize;
        if k >= 1 {
            l += pending_by_uncommitted.0 + undone[k - 1].0;
            c += pending_by_uncommitted.1 + undone[k - 1].1;
            n += pending_by_uncommitted.2 + undone[k - 1].2;
        }
        rows.push(TrendWeek {
            week: week.to_string(),
            leads: l.max(0) as usize,
            customers: c.max(0) as usize,
            // The report's own week always has its figures, 0 or not.
            data: k == 0 || n > 0,
        });
    }
    rows.reverse();
    let labels = rows.iter().map(|r| format!("W{}", &r.week[6..])).collect();
    let known = |r: &TrendWeek, v: usize| r.data.then_some(v as f64);
    let chart = super::chart::Lines::with_gaps(
        labels,
        vec![
            (
                "leads".into(),
                rows.iter().map(|r| known(r, r.leads)).collect(),
            ),
            (
                "customers".into(),
                rows.iter().map(|r| known(r, r.customers)).collect(),
            ),
        ],
    );
    Trend { weeks: rows, chart }
}
