//! The weekly pipeline report as data: every number a weekly page shows, computed from a
//! snapshot of the workspace (as it was at the end of the week), its scores and segments, and
//! the record changes git history holds. Pure: no I/O, so every figure is tested on
//! hand-built inputs. [`crate::report::site`] renders it with tera; the structs here are the
//! templates' context (docs/src/reports.md documents them).

pub mod chart;
mod deals;
pub mod deals_depth;
pub mod digest;
pub mod feed;
mod figures;
mod followups;
pub mod forecast;
mod funnel;
pub mod headline;
pub mod lists;
pub mod markdown;
pub mod members;
pub mod money;
mod moved;
pub mod pages;
mod parts;
mod people;
pub mod site;
pub mod timeline;
mod trend;
pub mod week;
pub mod week_money;
pub mod write;

use crate::analysis::derive::Derived;
use crate::git::commits::Changed;
use crate::git::history::RecordEvent;
use crate::index::Index;
use crate::record::config::{Config, PublicNames};
use crate::record::diag::Diagnostic;
use crate::record::{Kind, Record};
use jiff::civil::Date;
use serde::Serialize;
pub use week::Week;

/// What the report is made from.
pub struct Input<'a> {
    pub index: &'a Index,
    pub derived: &'a Derived,
    pub week: Week,
    /// The day the numbers are as of: the week's Sunday, or today in the current week.
    pub as_of: Date,
    pub history: &'a History,
    /// Record changes not committed yet (the current week only).
    pub uncommitted: &'a [RecordEvent],
    pub diagnostics: &'a [Diagnostic],
    /// Likely duplicate pairs, most likely first.
    pub duplicates: &'a [crate::analysis::duplicates::Pair],
    /// Aggregate pages only, names reduced.
    pub public: bool,
}

/// What git history could tell.
pub enum History {
    /// Every non-merge commit since the start of the trend window, oldest first.
    Available(Vec<Changed>),
    /// No history: why, and what to do about it.
    Unavailable(String),
}

/// A record as pages mention it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RecordRef {
    pub kind: &'static str,
    pub id: String,
    pub name: String,
    /// The record's page, relative to the site root (none in public reports).
    pub href: Option<String>,
}

/// An amount of money in one currency.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Money {
    pub currency: String,
    pub amount: f64,
    /// `64,000 EUR`
    pub text: String,
    /// For a sum converted from several currencies, what it was: `64,000 EUR + 141,000 USD`.
    pub from: Option<String>,
}

impl Money {
    pub fn new(currency: &str, amount: f64) -> Money {
        Money {
            currency: currency.to_string(),
            amount,
            text: format!("{} {currency}", crate::util::output::amount(amount.round())),
            from: None,
        }
    }
}

/// Amounts by currency.
pub type Sums = std::collections::BTreeMap<String, f64>;

/// `sums` as the report shows them: one amount in the workspace currency when kith.yaml's
/// `report.rates` convert every currency in it, else one amount per currency.
pub fn money(cfg: &crate::record::config::Config, sums: &Sums) -> Vec<Money> {
    match convert(cfg, sums) {
        Some(total) if sums.keys().any(|c| *c != cfg.currency) => {
            let mut m = Money::new(&cfg.currency, total);
            m.from = Some(
                sums.iter()
                    .map(|(c, a)| Money::new(c, *a).text)
                    .collect::<Vec<_>>()
                    .join(" + "),
            );
            vec![m]
        }
        _ => sums.iter().map(|(c, a)| Money::new(c, *a)).collect(),
    }
}

/// The sum in the workspace currency, if every currency in it has a rate.
pub fn convert(cfg: &crate::record::config::Config, sums: &Sums) -> Option<f64> {
    let mut total = 0.0;
    for (c, a) in sums {
        let rate = if *c == cfg.currency {
            1.0
        } else {
            cfg.report.rates.iter().find(|(k, _)| k == c)?.1
        };
        total += a * rate;
    }
    Some(total)
}

/// The whole weekly page.
#[derive(Debug, Serialize, PartialEq)]
pub struct Weekly {
    pub workspace: String,
    /// `2026-W48`
    pub week: String,
    pub week_start: String,
    pub week_end: String,
    pub as_of: String,
    pub previous_week: String,
    pub public: bool,
    pub currency: String,
    /// Whether "moved this week" and the trend could be computed, and if not, why.
    pub history: HistoryNote,
    /// Open leads (at a lead stage, not unqualified) and customers (at the customer stage or
    /// later), staff and spam left out: the headline figures.
    pub open_leads: usize,
    pub customers: usize,
    /// The headline figures, each with its change since the week before.
    pub headline: headline::Headline,
    pub funnel: funnel::Funnel,
    pub moved: Option<moved::Moved>,
    pub hot_leads: Vec<people::HotLead>,
    pub stale: people::Stale,
    pub sources: Vec<people::SourceRow>,
    pub owners: Vec<people::OwnerRow>,
    /// Hand-offs, overdue follow-ups and workflow funnels.
    pub followups: followups::FollowUps,
    pub deals: deals::Deals,
    /// Open deals' days in their stage, stuck and overdue ones.
    pub deal_depth: deals_depth::Depth,
    /// This month's and quarter's forecast by category and owner, quotas, pipeline velocity.
    pub forecast: forecast::Forecast,
    /// Pipeline created, won and lost this week, beside the week before.
    pub week_money: week_money::WeekMoney,
    pub trend: Option<trend::Trend>,
    pub health: Health,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct HistoryNote {
    pub available: bool,
    pub note: Option<String>,
    /// Record changes not committed yet that the page includes.
    pub uncommitted: usize,
}

/// Problems in the data.
#[derive(Debug, Serialize, PartialEq)]
pub struct Health {
    pub errors: usize,
    pub warnings: usize,
    /// The first problems, with the record they are in.
    pub problems: Vec<Problem>,
    /// How many likely duplicate pairs there are, and the most likely of them.
    pub duplicate_count: usize,
    pub duplicates: Vec<Duplicate>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Problem {
    pub severity: &'static str,
    pub path: String,
    pub line: u32,
    pub message: String,
    pub record: Option<RecordRef>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Duplicate {
    /// The record to keep, and the one to merge into it.
    pub keep: RecordRef,
    pub drop: RecordRef,
    /// How likely they are one, in percent.
    pub confidence: f64,
    /// What they share (and what speaks against).
    pub why: String,
    /// The command that merges them.
    pub merge: String,
}

/// Builds the page.
pub fn build(input: &Input) -> Weekly {
    Tally::new(input, false).weekly(input)
}

/// The figures of a week's report as sums of every record's part ([`parts`], [`figures`]):
/// what a live session keeps, so that after a batch only the parts of the records it reached
/// are worked out again.
pub struct Tally {
    basis: parts::Basis,
    figures: figures::Figures,
    /// Every record's part (kept by a live session only).
    parts: rustc_hash::FxHashMap<figures::Key, parts::Part>,
    /// What the week's commits moved, and the records it read (a live session works it out
    /// again only when a batch reaches one of them).
    moved: Option<(moved::Moved, rustc_hash::FxHashSet<(Kind, String)>)>,
    /// What undoing the commits does to the trend, and the people it read (the same).
    trend: Option<(trend::Undone, rustc_hash::FxHashSet<String>)>,
    /// A live session's: the records each part of the page read are worth knowing (a one-off
    /// report does not collect them, a million ids when an import is in the trend).
    live: bool,
}

impl Tally {
    /// Adds up every record's part (worked out in parallel); `keep`: keep the parts, to update
    /// them later.
    pub fn new(input: &Input, keep: bool) -> Tally {
        use rayon::prelude::*;
        let names = Names::new(input);
        let ctx = Ctx::new(input, &names);
        let basis = parts::Basis::new(&ctx, input.history());
        let slots: Vec<usize> = input.index.entries().map(|(slot, _)| slot).collect();
        let mut figures = figures::Figures::new(ctx.cfg, basis.workflows.len(), basis.months.len());
        let mut parts = rustc_hash::FxHashMap::default();
        // A run of records at a time, added up in slot order: only one run's parts are in
        // memory when they are not kept (all 100,000 at once were 20 MB of a cold report's
        // peak), and the sums are the same, as amounts are added in the same order.
        for run in slots.chunks(8192) {
            let done: Vec<parts::Part> = run
                .par_iter()
                .with_min_len(256)
                .map(|&slot| {
                    let r = input.index.at_slot(slot).expect("a slot holds its record");
                    parts::of(&ctx, &basis, slot, r)
                })
                .collect();
            for p in &done {
                figures.add(p);
            }
            if keep {
                parts.extend(done.into_iter().map(|p| ((p.kind, p.id.clone()), p)));
            }
        }
        crate::util::output::trace("report: parts added up");
        Tally {
            basis,
            figures,
            parts,
            moved: None,
            trend: None,
            live: keep,
        }
    }

    /// Works out again the parts of the records `keys` name (gone ones too), after a change
    /// that reached no others. `input` must be of the same week, history and configuration.
    pub fn update(&mut self, input: &Input, keys: &[(Kind, String)]) {
        let names = Names::new(input);
        let ctx = Ctx::new(input, &names);
        if self
            .moved
            .as_ref()
            .is_some_and(|(_, read)| keys.iter().any(|k| read.contains(k)))
        {
            self.moved = None;
        }
        if self.trend.as_ref().is_some_and(|(_, read)| {
            keys.iter()
                .any(|(k, id)| *k == Kind::Person && read.contains(id))
        }) {
            self.trend = None;
        }
        for (kind, id) in keys {
            let key: figures::Key = (*kind, id.as_str().into());
            if let Some(old) = self.parts.remove(&key) {
                self.figures.remove(&old);
            }
            if let Some(slot) = input.index.slot(*kind, id) {
                let r = input.index.at_slot(slot).expect("a slot holds its record");
                let part = parts::of(&ctx, &self.basis, slot, r);
                self.figures.add(&part);
                self.parts.insert(key, part);
            }
        }
    }

    /// The page.
    pub fn weekly(&mut self, input: &Input) -> Weekly {
        let names = Names::new(input);
        let ctx = Ctx::new(input, &names);
        let live = self.live;
        let moved = input.history().map(|h| {
            let (committed, _) = self.moved.get_or_insert_with(|| {
                let read = if live {
                    moved::committed_keys(&ctx, h)
                } else {
                    Default::default()
                };
                (moved::committed(&ctx, h), read)
            });
            let mut m = committed.clone();
            moved::add_uncommitted(&ctx, &mut m, input.uncommitted);
            m
        });
        crate::util::output::trace("report: what moved");
        let f = &self.figures;
        let trend = input.history().map(|h| {
            let (undone, _) = self.trend.get_or_insert_with(|| {
                let read = if live {
                    trend::read_by_undoing(h)
                } else {
                    Default::default()
                };
                (Vec::new(), read)
            });
            // An empty list: not worked out yet (a trend always has a week).
            let mut known = (!undone.is_empty()).then(|| std::mem::take(undone));
            let t = trend::build(
                &ctx,
                (f.at_lead_stage, f.customers),
                h,
                input.uncommitted,
                &mut known,
            );
            *undone = known.unwrap_or_default();
            t
        });
        crate::util::output::trace("report: trend");
        weekly(input, &ctx, &self.basis, f, moved, trend)
    }
}

impl Input<'_> {
    fn history(&self) -> Option<&[Changed]> {
        match self.history {
            History::Available(h) => Some(h.as_slice()),
            History::Unavailable(_) => None,
        }
    }
}

fn weekly(
    input: &Input,
    ctx: &Ctx,
    basis: &parts::Basis,
    f: &figures::Figures,
    moved: Option<moved::Moved>,
    trend: Option<trend::Trend>,
) -> Weekly {
    let cfg = ctx.cfg;
    let names = ctx.names;
    let history = input.history();
    let errors = input.diagnostics.iter().filter(|d| d.is_error()).count();
    let funnel = funnel::build(ctx, f);
    let sources = people::sources(ctx, f, moved.as_ref());
    let hot_leads = people::hot_leads(ctx, f);
    let stale = people::stale(ctx, f);
    let owners = people::owners(ctx, f);
    let followups = followups::build(ctx, f, &basis.workflows, history, input.uncommitted);
    let (open_leads, customers) = (f.open_leads, f.customers);
    // What the week before moved, from its own commits (as its own page has it).
    let previous_moved = history.map(|h| {
        let week = input.week.previous();
        let before = Ctx {
            week,
            as_of: week.end(),
            ..*ctx
        };
        moved::committed(&before, h)
    });
    let headline = headline::build(
        input,
        ctx,
        basis,
        f,
        moved.as_ref().map(|m| m.new_leads.len()),
        previous_moved.as_ref(),
    );
    let week_money = week_money::build(ctx, moved.as_ref(), previous_moved.as_ref());
    Weekly {
        workspace: cfg.name.clone(),
        week: input.week.to_string(),
        week_start: input.week.start().to_string(),
        week_end: input.week.end().to_string(),
        as_of: input.as_of.to_string(),
        previous_week: input.week.previous().to_string(),
        public: input.public,
        currency: cfg.currency.clone(),
        history: HistoryNote {
            available: matches!(input.history, History::Available(_)),
            note: match input.history {
                History::Available(_) => None,
                History::Unavailable(why) => Some(why.clone()),
            },
            uncommitted: input.uncommitted.len(),
        },
        open_leads,
        customers,
        headline,
        funnel,
        sources,
        moved,
        hot_leads,
        stale,
        owners,
        followups,
        deals: deals::build(ctx, f, &basis.months),
        deal_depth: deals_depth::build(ctx, basis, history, input.uncommitted),
        forecast: forecast::build(ctx, basis),
        week_money,
        trend,
        health: Health {
            errors,
            warnings: input.diagnostics.len() - errors,
            // Messages quote records (addresses, names): none in public pages.
            problems: input
                .diagnostics
                .iter()
                .filter(|_| !input.public)
                .take(25)
                .map(|d| Problem {
                    severity: if d.is_error() { "error" } else { "warning" },
                    path: d.path.clone(),
                    line: d.line,
                    message: d.message.clone(),
                    record: record_of_path(input.index, &d.path).map(|r| names.of(r)),
                })
                .collect(),
            duplicate_count: input.duplicates.len(),
            duplicates: input
                .duplicates
                .iter()
                .filter(|_| !input.public)
                .take(25)
                .filter_map(|p| {
                    Some(Duplicate {
                        keep: names.of(input.index.get(p.kind, &p.keep)?),
                        drop: names.of(input.index.get(p.kind, &p.drop)?),
                        confidence: (p.confidence * 100.0).round(),
                        why: p
                            .reasons
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join("; "),
                        merge: p.merge_command(),
                    })
                })
                .collect(),
        },
    }
}

fn record_of_path<'a>(index: &'a Index, path: &str) -> Option<&'a Record> {
    let (kind, id) = Kind::of_path(path)?;
    index.get(kind, id)
}

/// Everything the parts of the report read.
pub(crate) struct Ctx<'a> {
    pub index: &'a Index,
    pub derived: &'a Derived,
    pub cfg: &'a Config,
    pub week: Week,
    pub as_of: Date,
    pub names: &'a Names<'a>,
}

impl<'a> Ctx<'a> {
    fn new(input: &Input<'a>, names: &'a Names<'a>) -> Ctx<'a> {
        Ctx {
            index: input.index,
            derived: input.derived,
            cfg: &input.index.config,
            week: input.week,
            as_of: input.as_of,
            names,
        }
    }

    /// The first stage that makes someone a customer (`customer`, else the stage after the
    /// opportunity stage).
    pub fn customer_rank(&self) -> Option<usize> {
        let lc = &self.cfg.lifecycle;
        lc.rank("customer").or_else(|| {
            let opp = lc.rank(lc.opportunity_stage()?)?;
            (opp + 1 < lc.stages.len()).then_some(opp + 1)
        })
    }

    /// The first lead stage's position.
    pub fn lead_rank(&self) -> Option<usize> {
        let lc = &self.cfg.lifecycle;
        lc.lead_stages.iter().filter_map(|s| lc.rank(s)).min()
    }

    pub fn is_open_lead(&self, r: &Record) -> bool {
        r.stage().is_some_and(|l| self.cfg.lifecycle.is_lead(&l))
            && !r
                .text("lead_status")
                .is_some_and(|s| s.eq_ignore_ascii_case("unqualified"))
    }

    /// A deal's stage settings.
    pub fn deal_stage(&self, r: &Record) -> Option<&crate::record::config::DealStage> {
        self.cfg
            .pipeline(r.text("pipeline"))?
            .stage(r.text("stage")?)
    }

    /// The owner's display name (teammate name), if any.
    pub fn owner(&self, r: &Record) -> Option<String> {
        owner_name(self.cfg, r)
    }
}

/// A record's owner: the teammate's name, or the value as written for someone else.
pub fn owner_name(cfg: &crate::record::config::Config, r: &Record) -> Option<String> {
    let o = r.text("owner")?.trim();
    (!o.is_empty()).then(|| {
        cfg.teammate(o)
            .map_or_else(|| o.to_string(), |t| t.name.clone())
    })
}

/// How record names appear: in full with links, or reduced for public pages.
pub(crate) struct Names<'a> {
    pub index: &'a Index,
    pub public: bool,
    pub style: PublicNames,
}

impl<'a> Names<'a> {
    fn new(input: &Input<'a>) -> Names<'a> {
        Names {
            index: input.index,
            public: input.public,
            style: input.index.config.report.public_names,
        }
    }

    pub fn of(&self, r: &Record) -> RecordRef {
        RecordRef {
            kind: r.kind.noun(),
            id: if self.public && r.kind == Kind::Person {
                String::new()
            } else {
                r.id.to_string()
            },
            name: self.name(r.kind, r.name()),
            href: (!self.public).then(|| format!("{}/{}.html", r.kind.dir(), r.id)),
        }
    }

    /// A record that may no longer exist (deleted since), by id.
    pub fn of_id(&self, kind: Kind, id: &str) -> RecordRef {
        match self.index.get(kind, id) {
            Some(r) => self.of(r),
            None => RecordRef {
                kind: kind.noun(),
                id: if self.public && kind == Kind::Person {
                    String::new()
                } else {
                    id.to_string()
                },
                name: self.name(kind, id),
                href: None,
            },
        }
    }

    /// People's names in public pages: initials, or nothing.
    pub fn name(&self, kind: Kind, name: &str) -> String {
        if !self.public || kind != Kind::Person {
            return name.to_string();
        }
        match self.style {
            PublicNames::None => String::new(),
            PublicNames::Initials => name
                .split(|c: char| c.is_whitespace() || c == '-')
                .filter_map(|w| w.chars().next())
                .filter(|c| c.is_alphabetic())
                .flat_map(char::to_uppercase)
                .map(|c| format!("{c}."))
                .collect(),
        }
    }
}

/// A share as a percentage with one decimal, `None` when there is nothing to divide by.
pub(crate) fn percent(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// The median of some day counts.
pub(crate) fn median(mut days: Vec<i64>) -> Option<f64> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let n = days.len();
    Some(if n % 2 == 1 {
        days[n / 2] as f64
    } else {
        (days[n / 2 - 1] + days[n / 2]) as f64 / 2.0
    })
}

#[cfg(test)]
mod tally_tests;
#[cfg(test)]
mod tests;

/// A stage or other value as the report compares it: trimmed, lowercase, none when empty.
fn text(v: &Option<crate::record::value::Value>) -> Option<String> {
    v.as_ref()
        .map(|v| v.to_text().trim().to_lowercase())
        .filter(|s| !s.is_empty())
}

/// The value a change set gave a field of the record of `changes[at]` (created or changed in
/// it). A record's changes are next to each other, so only its neighbours are looked at.
fn field_in(changes: &[RecordEvent], at: usize, key: &str) -> Option<String> {
    let c = &changes[at];
    let same = |o: &&RecordEvent| o.kind == c.kind && o.id == c.id;
    let before = changes[..at].iter().rev().take_while(same);
    let after = changes[at..].iter().take_while(same);
    before.chain(after).find_map(|o| match &o.event {
        crate::git::history::Event::Field { key: k, new, .. } if k == key => text(new),
        _ => None,
    })
}
