//! What moved this week, from git history: new contacts, people who became leads, lifecycle
//! advances and regressions, deals won and lost, with who made each change and when.
//!
//! A change belongs to the week its commit was authored in (time zone from kith.yaml); record
//! changes not committed yet count in the current week, marked as such. Staff and spam are
//! left out.

use super::{Ctx, RecordRef, field_in, text};
use crate::git::commits::Changed;
use crate::git::history::{Event, RecordEvent};
use crate::record::Kind;
use crate::record::LIFECYCLE;
use crate::record::config::Closed;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Moved {
    pub new_contacts: Vec<Item>,
    pub new_leads: Vec<Item>,
    pub advanced: Vec<Item>,
    pub regressed: Vec<Item>,
    pub deals_won: Vec<Item>,
    pub deals_lost: Vec<Item>,
    /// Deals that moved between open stages.
    pub deals_moved: Vec<Item>,
    pub new_deals: Vec<Item>,
    /// How many commits the week has.
    pub commits: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Item {
    pub record: RecordRef,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The teammate (or author name) who made the change.
    pub who: String,
    pub date: String,
    /// The commit, or none for a change not committed yet.
    pub commit: Option<String>,
    pub amount: Option<super::Money>,
}

/// What the week's commits moved: the part of [`Moved`] a live session keeps while no batch
/// reaches a record they changed (see [`committed_keys`]).
pub(super) fn committed(ctx: &Ctx, history: &[Changed]) -> Moved {
    let tz = &ctx.cfg.tz;
    let (start, end) = (ctx.week.start_instant(tz), ctx.week.end_instant(tz));
    let mut out = Moved::default();
    for c in history
        .iter()
        .filter(|c| c.commit.time >= start && c.commit.time < end)
    {
        out.commits += 1;
        let who = crate::git::history::who(ctx.cfg, &c.commit);
        let date = crate::git::history::date(ctx.cfg, &c.commit).to_string();
        for i in 0..c.changes.len() {
            classify(
                ctx,
                i,
                &c.changes,
                &who,
                &date,
                Some(c.commit.short()),
                &mut out,
            );
        }
    }
    out
}

/// The records whose state [`committed`] read: those the week's commits changed.
pub(super) fn committed_keys(
    ctx: &Ctx,
    history: &[Changed],
) -> rustc_hash::FxHashSet<(Kind, String)> {
    let tz = &ctx.cfg.tz;
    let (start, end) = (ctx.week.start_instant(tz), ctx.week.end_instant(tz));
    history
        .iter()
        .filter(|c| c.commit.time >= start && c.commit.time < end)
        .flat_map(|c| c.changes.iter().map(|ch| (ch.kind, ch.id.clone())))
        .collect()
}

/// Adds the record changes not committed yet (in the current week only).
pub(super) fn add_uncommitted(ctx: &Ctx, out: &mut Moved, uncommitted: &[RecordEvent]) {
    let current = super::Week::of(ctx.as_of) == ctx.week;
    if current {
        let me = "not yet committed".to_string();
        let date = ctx.as_of.to_string();
        for i in 0..uncommitted.len() {
            classify(ctx, i, uncommitted, &me, &date, None, out);
        }
    }
}

fn classify(
    ctx: &Ctx,
    at: usize,
    all: &[RecordEvent],
    who: &str,
    date: &str,
    commit: Option<&str>,
    out: &mut Moved,
) {
    let change = &all[at];
    // Staff and spam are not part of the pipeline.
    if let Some(slot) = ctx.index.slot(change.kind, &change.id)
        && ctx.derived.excluded(slot)
    {
        return;
    }
    let lc = &ctx.cfg.lifecycle;
    let item = |from: Option<String>, to: Option<String>| Item {
        record: ctx.names.of_id(change.kind, &change.id),
        from,
        to,
        who: who.to_string(),
        date: date.to_string(),
        commit: commit.map(str::to_string),
        amount: None,
    };
    let is_lead = |s: &Option<String>| s.as_deref().is_some_and(|s| lc.is_lead(s));
    match (&change.event, change.kind) {
        (Event::Created, Kind::Person) => {
            let stage = field_in(all, at, LIFECYCLE);
            out.new_contacts.push(item(None, stage.clone()));
            if is_lead(&stage) {
                out.new_leads.push(item(None, stage));
            }
        }
        (Event::Created, Kind::Deal) => {
            let stage = field_in(all, at, "stage");
            let mut i = item(None, stage);
            i.amount = deal_amount(ctx, &change.id);
            out.new_deals.push(i);
        }
        (Event::Field { key, old, new }, Kind::Person) if key == LIFECYCLE && old.is_some() => {
            let (from, to) = (text(old), text(new));
            if !is_lead(&from) && is_lead(&to) {
                out.new_leads.push(item(from.clone(), to.clone()));
            }
            let rank = |s: &Option<String>| s.as_deref().and_then(|s| lc.rank(s));
            match (rank(&from), rank(&to)) {
                (Some(a), Some(b)) if b > a => out.advanced.push(item(from, to)),
                (Some(a), Some(b)) if b < a => out.regressed.push(item(from, to)),
                // Into or out of the funnel (`other`, no stage): shown with the advances.
                (a, b) if a != b => out.advanced.push(item(from, to)),
                _ => {}
            }
        }
        (Event::Field { key, old, new }, Kind::Deal) if key == "stage" && old.is_some() => {
            let (from, to) = (text(old), text(new));
            let pipeline = ctx
                .index
                .get(Kind::Deal, &change.id)
                .and_then(|r| r.text("pipeline"));
            let stages = ctx.cfg.pipeline(pipeline);
            let closed = to
                .as_deref()
                .and_then(|s| stages.and_then(|p| p.stage(s)))
                .and_then(|s| s.closed);
            let mut i = item(from, to);
            i.amount = deal_amount(ctx, &change.id);
            match closed {
                Some(Closed::Won) => out.deals_won.push(i),
                Some(Closed::Lost) => out.deals_lost.push(i),
                None => out.deals_moved.push(i),
            }
        }
        _ => {}
    }
}

fn deal_amount(ctx: &Ctx, id: &str) -> Option<super::Money> {
    let r = ctx.index.get(Kind::Deal, id)?;
    let amount = r.number("amount")?;
    Some(super::Money::new(&r.currency(ctx.cfg), amount))
}
