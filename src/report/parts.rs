//! One record's part in the weekly figures: everything the report counts, sums or lists about
//! it, worked out from the record and its derived values alone. The figures are sums of these
//! parts ([`super::figures`]), so a live session that keeps them works out again only the parts
//! of the records a batch reaches.

use super::deals::DealRow;
use super::followups::OverdueItem;
use super::people::StaleItem;
use super::{Ctx, Money, timeline};
use crate::analysis::workflow;
use crate::plan::workflow::state;
use crate::record::config::Closed;
use crate::record::{Kind, Record};
use compact_str::CompactString;
use jiff::ToSpan;
use jiff::civil::Date;

/// What every part is worked out with besides the record: fixed for one week's report.
pub struct Basis {
    /// The segment hot leads come from, if any.
    pub hot_segment: Option<String>,
    pub workflows: Vec<workflow::Workflow>,
    /// Stage moves from git history.
    pub moves: timeline::FromHistory,
    /// Whether hand-offs come from the workflows' log entries (no history to read them from).
    pub handoffs_from_logs: bool,
    pub lead_rank: Option<usize>,
    pub customer_rank: Option<usize>,
    /// The forecast's months: this month and the next five.
    pub months: Vec<(i16, i8)>,
}

impl Basis {
    /// A record's stage moves from history.
    pub fn moves_of(&self, r: &Record) -> Option<&Vec<(timeline::Move, Date)>> {
        if self.moves.is_empty() {
            return None;
        }
        self.moves.get(&(r.kind, r.id.clone()))
    }

    pub fn new(ctx: &Ctx, history: Option<&[crate::git::commits::Changed]>) -> Basis {
        let segment = ctx.cfg.report.hot_segment.clone().or_else(|| {
            ctx.derived
                .segment("hot-leads")
                .map(|_| "hot-leads".to_string())
        });
        Basis {
            hot_segment: segment,
            workflows: workflow::from_config(ctx.cfg).0,
            moves: history.map_or_else(Default::default, |h| timeline::from_history(ctx.cfg, h)),
            handoffs_from_logs: history.is_none(),
            lead_rank: ctx.lead_rank(),
            customer_rank: ctx.customer_rank(),
            months: (0..6)
                .map(|k| {
                    let d = ctx.as_of.first_of_month() + k.months();
                    (d.year(), d.month())
                })
                .collect(),
        }
    }
}

/// One record's part.
#[derive(Debug, Clone)]
pub struct Part {
    pub kind: Kind,
    pub id: CompactString,
    /// A person who counts (not broken, not staff or spam).
    pub person: Option<PersonPart>,
    /// A person left out as staff or spam.
    pub excluded: bool,
    /// A deal (not broken). (Boxed, as is the rest that few records have: a fresh report
    /// holds every record's part at once.)
    pub deal: Option<Box<DealPart>>,
    /// A stale open lead or open deal.
    pub stale: Option<Box<StalePart>>,
    /// The teammates (by position) who logged each of the record's activities this week.
    pub activities_by: Vec<usize>,
    pub overdue: Vec<OverduePart>,
    /// What a person adds to each workflow's standing (empty: nothing).
    pub workflows: Vec<WorkflowPart>,
}

#[derive(Debug, Clone)]
pub struct PersonPart {
    pub do_not_contact: bool,
    pub stage: Stage,
    pub open_lead: bool,
    /// At a lead stage (unqualified or not): what the trend counts.
    pub lead_stage: bool,
    /// At the customer stage or later.
    pub customer: bool,
    /// The lead source, for someone who reached the first lead stage.
    pub source: Option<String>,
    /// The owner's row (teammate position, or the unassigned row after them).
    pub owner_row: usize,
    /// The score of a hot lead candidate.
    pub hot: Option<f64>,
    /// Completed stays: (stage position, days).
    pub stays: Vec<(usize, i64)>,
    /// Hand-offs this week from the workflows' log entries (when there is no history).
    pub handoffs: Vec<super::followups::OwnerMove>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stage {
    None,
    Rank(usize),
    Outside,
}

#[derive(Debug, Clone)]
pub struct DealPart {
    pub outcome: Outcome,
    /// Open by its stage's settings: the owner's row and the amount in its currency.
    pub owner_open: Option<(usize, Option<(String, f64)>)>,
}

#[derive(Debug, Clone)]
pub enum Outcome {
    /// Not in a known pipeline and stage.
    Unknown,
    Won {
        amount: Option<(String, f64)>,
        cycle: Option<i64>,
    },
    Lost,
    Open {
        /// (pipeline, stage) positions.
        row: (usize, usize),
        /// (currency, amount, weighted).
        amount: Option<(String, f64, f64)>,
        /// The forecast month it falls in, with an amount.
        month: Option<usize>,
        /// Expected to close this month.
        closing: Option<Box<DealRow>>,
    },
}

#[derive(Debug, Clone)]
pub struct StalePart {
    /// (unowned, owner name).
    pub owner: (bool, String),
    pub item: StaleItem,
}

#[derive(Debug, Clone)]
pub struct OverduePart {
    pub owner: String,
    pub item: OverdueItem,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkflowPart {
    pub entered_this_week: usize,
    pub entered: usize,
    pub active: usize,
    pub completed: usize,
    pub left: usize,
    pub converted: usize,
}

/// The owner row of a record: the teammate's position, or `unassigned`.
fn owner_row(ctx: &Ctx, r: &Record) -> usize {
    r.text("owner")
        .and_then(|o| {
            ctx.cfg
                .teammates
                .iter()
                .position(|t| t.id.eq_ignore_ascii_case(o.trim()))
        })
        .unwrap_or(ctx.cfg.teammates.len())
}

/// Works out a record's part.
pub fn of(ctx: &Ctx, basis: &Basis, slot: usize, r: &Record) -> Part {
    let excluded = r.kind == Kind::Person && ctx.derived.excluded(slot);
    let mut part = Part {
        kind: r.kind,
        id: r.id.clone(),
        person: None,
        excluded,
        deal: None,
        stale: None,
        activities_by: activities_by(ctx, r),
        overdue: if r.broken || excluded {
            Vec::new()
        } else {
            overdue(ctx, r)
        },
        workflows: Vec::new(),
    };
    if r.kind == Kind::Person {
        part.workflows = workflows(ctx, basis, r, !r.broken && !excluded);
    }
    if r.broken {
        return part;
    }
    match r.kind {
        Kind::Person if !excluded => {
            let p = person(ctx, basis, slot, r);
            if p.open_lead {
                part.stale = stale(ctx, r, r.lifecycle().unwrap_or_default()).map(Box::new);
            }
            part.person = Some(p);
        }
        Kind::Deal => {
            let open = ctx.deal_stage(r).is_some_and(|s| s.closed.is_none());
            if open {
                part.stale = stale(ctx, r, r.text("stage").unwrap_or("").to_string()).map(Box::new);
            }
            part.deal = Some(Box::new(DealPart {
                outcome: deal(ctx, basis, r),
                owner_open: open.then(|| {
                    let amount = r.number("amount").map(|a| (r.currency(ctx.cfg), a));
                    (owner_row(ctx, r), amount)
                }),
            }));
        }
        _ => {}
    }
    part
}

fn person(ctx: &Ctx, basis: &Basis, slot: usize, r: &Record) -> PersonPart {
    let lc = &ctx.cfg.lifecycle;
    let stage_text = r.stage();
    let rank = stage_text.as_deref().and_then(|s| lc.rank(s));
    let stage = match (&stage_text, rank) {
        (None, _) => Stage::None,
        (Some(_), Some(i)) => Stage::Rank(i),
        (Some(_), None) => Stage::Outside,
    };
    let open_lead = ctx.is_open_lead(r);
    let dnc = r.do_not_contact();
    let customer = rank.zip(basis.customer_rank).is_some_and(|(a, c)| a >= c);
    let source = match (rank, basis.lead_rank) {
        (Some(rank), Some(lead)) if rank >= lead => Some(
            r.text("source")
                .map(|s| s.trim().to_lowercase())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "unknown".into()),
        ),
        _ => None,
    };
    let hot = (open_lead
        && !dnc
        && basis
            .hot_segment
            .as_deref()
            .is_none_or(|s| ctx.derived.member(s, slot)))
    .then(|| ctx.derived.score(slot).map_or(0.0, |s| s.total));
    let moves = timeline::of(r, basis.moves_of(r));
    let mut stays = Vec::new();
    for pair in timeline::stays(r, &moves).windows(2) {
        let ((stage, entered), (_, left)) = (&pair[0], &pair[1]);
        if let (Some(i), Some(entered), Some(left)) = (lc.rank(stage), entered, left) {
            let days = (*left - *entered).get_days() as i64;
            if days >= 0 {
                stays.push((i, days));
            }
        }
    }
    PersonPart {
        do_not_contact: dnc,
        stage,
        open_lead,
        lead_stage: stage_text.as_deref().is_some_and(|s| lc.is_lead(s)),
        customer,
        source,
        owner_row: owner_row(ctx, r),
        hot,
        stays,
        handoffs: if basis.handoffs_from_logs {
            super::followups::logged_handoffs(ctx, &basis.workflows, r)
        } else {
            Vec::new()
        },
    }
}

/// Days since a record last saw activity, or since it was created.
fn quiet_days(r: &Record, as_of: Date) -> Option<i64> {
    let last = r
        .activities
        .iter()
        .map(|a| a.date)
        .filter(|d| *d <= as_of)
        .max()
        .or_else(|| r.date("created"))?;
    Some((as_of - last).get_days() as i64)
}

fn stale(ctx: &Ctx, r: &Record, stage: String) -> Option<StalePart> {
    let quiet = quiet_days(r, ctx.as_of);
    if quiet.is_some_and(|q| q <= ctx.cfg.report.stale_days) {
        return None;
    }
    let owner = ctx.owner(r);
    Some(StalePart {
        owner: (
            owner.is_none(),
            owner.unwrap_or_else(|| "unassigned".into()),
        ),
        item: StaleItem {
            record: ctx.names.of(r),
            stage,
            last_activity: r.last_activity().map(|d| d.to_string()),
            quiet_days: quiet,
        },
    })
}

fn activities_by(ctx: &Ctx, r: &Record) -> Vec<usize> {
    r.activities
        .iter()
        .filter(|a| ctx.week.contains(a.date) && a.date <= ctx.as_of)
        .filter_map(|a| {
            let by = a.by?;
            ctx.cfg
                .teammates
                .iter()
                .position(|t| t.id.eq_ignore_ascii_case(&by))
        })
        .collect()
}

fn overdue(ctx: &Ctx, r: &Record) -> Vec<OverduePart> {
    r.tasks
        .iter()
        .filter(|t| !t.done && t.due < ctx.as_of)
        .map(|t| {
            let late = (ctx.as_of - t.due).get_days() as i64;
            OverduePart {
                owner: t.owner.map_or_else(
                    || "nobody".to_string(),
                    |o| super::followups::teammate_name(ctx, &o),
                ),
                item: OverdueItem {
                    record: ctx.names.of(r),
                    task: format!("{} {}", t.kind, t.text),
                    due: t.due.to_string(),
                    days_late: late,
                    reason: t.origin.describe(),
                },
            }
        })
        .collect()
}

/// What a person adds to each workflow's standing on the report's day; `counts`: whether
/// they count in "entered this week" (not staff or spam).
fn workflows(ctx: &Ctx, basis: &Basis, r: &Record, counts: bool) -> Vec<WorkflowPart> {
    let lc = &ctx.cfg.lifecycle;
    let week_start = ctx.week.start();
    let mut out = Vec::new();
    for (k, w) in basis.workflows.iter().enumerate() {
        let mut s = WorkflowPart::default();
        for p in state::read(r, &w.name) {
            if counts && p.entered.is_some_and(|d| d >= week_start && d <= ctx.as_of) {
                s.entered_this_week += 1;
            }
            let Some(entered) = p.entered else { continue };
            if entered > ctx.as_of {
                continue;
            }
            s.entered += 1;
            match p.status(w.steps.len()) {
                state::Status::Left => s.left += 1,
                state::Status::Completed => s.completed += 1,
                state::Status::Active => s.active += 1,
            }
            s.converted += usize::from(p.converted(r, lc));
        }
        if s != WorkflowPart::default() {
            // Most people are in no workflow: nothing is allocated for them.
            out.resize(k, WorkflowPart::default());
            out.push(s);
        }
    }
    out
}

fn deal(ctx: &Ctx, basis: &Basis, r: &Record) -> Outcome {
    let cfg = ctx.cfg;
    let Some(pipeline) = cfg.pipeline(r.text("pipeline")) else {
        return Outcome::Unknown;
    };
    let Some((si, stage)) = r.text("stage").and_then(|s| {
        pipeline
            .stages
            .iter()
            .enumerate()
            .find(|(_, x)| x.id.eq_ignore_ascii_case(s))
    }) else {
        return Outcome::Unknown;
    };
    let pi = cfg
        .pipelines
        .iter()
        .position(|p| p.id == pipeline.id)
        .unwrap_or(0);
    let amount = r.number("amount");
    match stage.closed {
        Some(Closed::Won) => Outcome::Won {
            amount: amount.map(|a| (r.currency(cfg), a)),
            cycle: cycle_days(ctx, basis, r),
        },
        Some(Closed::Lost) => Outcome::Lost,
        None => {
            let close = r.date("close_date");
            let amount = amount.map(|a| (r.currency(cfg), a, a * stage.probability / 100.0));
            let month = close.filter(|_| amount.is_some()).and_then(|d| {
                basis
                    .months
                    .iter()
                    .position(|m| *m == (d.year(), d.month()))
            });
            let this_month = (ctx.as_of.year(), ctx.as_of.month());
            let closing = close
                .is_some_and(|d| (d.year(), d.month()) == this_month)
                .then(|| {
                    Box::new(DealRow {
                        record: ctx.names.of(r),
                        stage: stage.id.clone(),
                        amount: amount.as_ref().map(|(c, a, _)| Money::new(c, *a)),
                        close_date: close.map(|d| d.to_string()),
                        owner: ctx.owner(r),
                    })
                });
            Outcome::Open {
                row: (pi, si),
                amount,
                month,
                closing,
            }
        }
    }
}

/// Days from a won deal's creation to its win: the move into its won stage, else its close
/// date.
fn cycle_days(ctx: &Ctx, basis: &Basis, r: &Record) -> Option<i64> {
    let created = r.date("created")?;
    let won_on = closed_on(ctx, basis, r, Closed::Won)?;
    let days = (won_on - created).get_days() as i64;
    (days >= 0).then_some(days)
}

/// The day a deal was won (or lost): its last move into such a stage, from its log or history,
/// else its `close_date`.
pub(super) fn closed_on(ctx: &Ctx, basis: &Basis, r: &Record, how: Closed) -> Option<Date> {
    let moves = timeline::of(r, basis.moves_of(r));
    moves
        .iter()
        .rev()
        .find(|m| {
            m.to.as_deref()
                .and_then(|s| ctx.cfg.pipeline(r.text("pipeline"))?.stage(s))
                .is_some_and(|s| s.closed == Some(how))
        })
        .map(|m| m.date)
        .or_else(|| r.date("close_date"))
}
