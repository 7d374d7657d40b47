//! The headline figures at the top of a week's page (contacts, open leads, customers, new
//! leads, open deals, weighted pipeline), each beside its value at the end of the week before:
//! what the page, the digest and the feed all show. Pure.
//!
//! The week before is worked out from this week's figures and git history, not by loading the
//! workspace again: the records this week's commits (and the changes not committed yet)
//! touched are taken back to how they were by undoing each field change, and their parts
//! ([`super::parts`]) are taken out of the figures and their old parts put in. A record
//! deleted this week left no fields in history to count it by, so the week before leaves it
//! out.

use super::figures::Figures;
use super::parts::{self, Basis, Outcome, Part};
use super::{Ctx, Input, Sums, money};
use crate::git::history::{Event, RecordEvent};
use crate::record::{Kind, Record};
use crate::util::intern::Sym;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// The headline figures of a week, with the week before beside each.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Headline {
    /// The week the figures are compared with (`2026-W47`).
    pub previous_week: String,
    pub figures: Vec<Figure>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Figure {
    /// `contacts`, `open_leads`, `customers`, `new_leads`, `open_deals`, `weighted_pipeline`
    pub key: String,
    /// As the page labels it: `open leads`.
    pub label: String,
    /// `8`, `€9,600`; `–` when it cannot be told (new leads without history).
    pub text: String,
    /// The change since the week before; none when the week before cannot be told.
    pub change: Option<Delta>,
}

/// A change against the week before.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Delta {
    /// `up`, `down` or `same`.
    pub direction: String,
    /// `▲`, `▼`, or nothing for no change.
    pub arrow: String,
    /// `+1`, `-€11,400`, `no change`.
    pub text: String,
}

impl Delta {
    pub(super) fn of(change: f64, text: impl Fn(f64) -> String) -> Delta {
        let change = if change.abs() < 0.5 { 0.0 } else { change };
        let (direction, arrow) = match change.partial_cmp(&0.0) {
            Some(std::cmp::Ordering::Greater) => ("up", "▲"),
            Some(std::cmp::Ordering::Less) => ("down", "▼"),
            _ => ("same", ""),
        };
        Delta {
            direction: direction.into(),
            arrow: arrow.into(),
            text: if direction == "same" {
                "no change".into()
            } else if change > 0.0 {
                format!("+{}", text(change))
            } else {
                text(change)
            },
        }
    }

    /// `▲ +1`, `▼ -€11,400`, `no change`: as the digest and the feed write it.
    pub fn line(&self) -> String {
        if self.arrow.is_empty() {
            self.text.clone()
        } else {
            format!("{} {}", self.arrow, self.text)
        }
    }
}

impl Figure {
    /// `open leads: 6 (▲ +1)`, as the digest and the feed write it.
    pub fn line(&self) -> String {
        match &self.change {
            Some(c) => format!("{}: {} ({})", self.label, self.text, c.line()),
            None => format!("{}: {}", self.label, self.text),
        }
    }
}

/// What the headline counts of a set of records add up to.
#[derive(Debug, Default, Clone, PartialEq)]
struct Counts {
    /// Records of any kind: none before the first commit that added one.
    records: isize,
    contacts: isize,
    open_leads: isize,
    customers: isize,
    open_deals: isize,
    weighted: Sums,
}

impl Counts {
    /// What one record's part adds, `sign` 1 or -1.
    fn put(&mut self, p: &Part, sign: isize) {
        self.records += sign;
        if let Some(person) = &p.person {
            self.contacts += sign;
            self.open_leads += sign * isize::from(person.open_lead);
            self.customers += sign * isize::from(person.customer);
        }
        if let Some(d) = &p.deal
            && let Outcome::Open { amount, .. } = &d.outcome
        {
            self.open_deals += sign;
            if let Some((c, _, w)) = amount {
                *self.weighted.entry(c.clone()).or_default() += sign as f64 * w;
            }
        }
    }
}

/// The headline figures of the week `f` adds up, compared with the week before.
/// `moved`: this week's moves (none without history).
pub(super) fn build(
    input: &Input,
    ctx: &Ctx,
    basis: &Basis,
    f: &Figures,
    new_leads: Option<usize>,
    previous_moved: Option<&super::moved::Moved>,
) -> Headline {
    let now = Counts {
        records: ctx.index.len() as isize,
        contacts: f.total as isize,
        open_leads: f.open_leads as isize,
        customers: f.customers as isize,
        open_deals: f.open as isize,
        weighted: f.weighted.sums(),
    };
    let previous = input.history().map(|h| {
        let since = ctx.week.start_instant(&ctx.cfg.tz);
        let changes: Vec<&RecordEvent> = h
            .iter()
            .filter(|c| c.commit.time >= since)
            .flat_map(|c| &c.changes)
            .chain(input.uncommitted)
            .collect();
        let before = undo(ctx, basis, &now, &changes);
        // Who became a lead the week before: the same count as its own page's.
        let leads = previous_moved.map_or(0, |m| m.new_leads.len());
        (before, leads)
    });
    // Before the first record was committed there is nothing to compare with: no data, not 0.
    let previous = previous.filter(|(b, _)| b.records > 0);
    let locale = ctx.cfg.report.locale.as_str();
    let count = |n: f64| money::number(locale, n);
    let count_figure = |key: &str, label: &str, now: isize, before: Option<isize>| Figure {
        key: key.into(),
        label: label.into(),
        text: count(now as f64),
        change: before.map(|b| Delta::of((now - b) as f64, count)),
    };
    let p = previous.as_ref();
    let mut figures = vec![
        count_figure(
            "contacts",
            "contacts",
            now.contacts,
            p.map(|(b, _)| b.contacts),
        ),
        count_figure(
            "open_leads",
            "open leads",
            now.open_leads,
            p.map(|(b, _)| b.open_leads),
        ),
        count_figure(
            "customers",
            "customers",
            now.customers,
            p.map(|(b, _)| b.customers),
        ),
    ];
    figures.push(match new_leads {
        Some(n) => count_figure(
            "new_leads",
            "new leads this week",
            n as isize,
            p.map(|(_, l)| *l as isize),
        ),
        None => Figure {
            key: "new_leads".into(),
            label: "new leads this week".into(),
            text: "–".into(),
            change: None,
        },
    });
    figures.push(count_figure(
        "open_deals",
        "open deals",
        now.open_deals,
        p.map(|(b, _)| b.open_deals),
    ));
    figures.push(weighted(ctx, &now.weighted, p.map(|(b, _)| &b.weighted)));
    Headline {
        previous_week: ctx.week.previous().to_string(),
        figures,
    }
}

/// The weighted pipeline: one amount in the workspace currency when the rates convert every
/// currency, else an amount per currency.
fn weighted(ctx: &Ctx, now: &Sums, before: Option<&Sums>) -> Figure {
    let cfg = ctx.cfg;
    let locale = cfg.report.locale.as_str();
    let one = |s: &Sums| super::convert(cfg, s);
    let (text, change) = match (one(now), before.map(|b| (b, one(b)))) {
        (Some(n), None) => (money::amount(locale, &cfg.currency, n), None),
        (Some(n), Some((_, Some(b)))) => (
            money::amount(locale, &cfg.currency, n),
            Some(Delta::of(n - b, |x| {
                money::amount(locale, &cfg.currency, x)
            })),
        ),
        _ => {
            // Per currency, each with its own change.
            let currencies: std::collections::BTreeSet<&String> = now
                .keys()
                .chain(before.into_iter().flat_map(|b| b.keys()))
                .collect();
            let text = currencies
                .iter()
                .filter(|c| now.get(**c).is_some_and(|a| a.round() != 0.0))
                .map(|c| money::amount(locale, c, now[*c]))
                .collect::<Vec<_>>();
            let change = before.map(|b| {
                let moved: Vec<(String, f64)> = currencies
                    .iter()
                    .map(|c| {
                        let d =
                            now.get(*c).copied().unwrap_or(0.0) - b.get(*c).copied().unwrap_or(0.0);
                        ((*c).clone(), d)
                    })
                    .filter(|(_, d)| d.abs() >= 0.5)
                    .collect();
                let total: f64 = moved.iter().map(|(_, d)| d.signum()).sum();
                let mut delta = Delta::of(total, |_| String::new());
                if moved.is_empty() {
                    return delta;
                }
                if moved.iter().any(|(_, d)| d.signum() != total.signum()) || total == 0.0 {
                    delta.direction = "mixed".into();
                    delta.arrow = String::new();
                }
                delta.text = moved
                    .iter()
                    .map(|(c, d)| {
                        let a = money::amount(locale, c, *d);
                        if *d > 0.0 { format!("+{a}") } else { a }
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                delta
            });
            (
                if text.is_empty() {
                    money::amount(locale, &cfg.currency, 0.0)
                } else {
                    text.join(" + ")
                },
                change,
            )
        }
    };
    Figure {
        key: "weighted_pipeline".into(),
        label: "weighted pipeline".into(),
        text,
        change,
    }
}

/// The counts at the end of the week before: `now` with every record `changes` touched taken
/// back to how it was before them.
fn undo(ctx: &Ctx, basis: &Basis, now: &Counts, changes: &[&RecordEvent]) -> Counts {
    /// A record as the changes are undone: its slot now (for its derived values) and its
    /// fields then; `None` when it did not exist; `Unknown` for one deleted since.
    enum Then {
        Was(usize, Box<Record>),
        Absent,
        Unknown,
    }
    let current = |kind: Kind, id: &str| -> Then {
        match ctx.index.slot(kind, id) {
            Some(slot) => match ctx.index.at_slot(slot) {
                Some(r) => Then::Was(slot, Box::new(r.clone())),
                None => Then::Absent,
            },
            None => Then::Absent,
        }
    };
    let mut then: FxHashMap<(Kind, String), Then> = FxHashMap::default();
    // A record whose first change this week made it did not exist before: nothing of it to
    // take back (in the week of a large import, most of them: no copy of each is made).
    let mut first: FxHashMap<(Kind, &str), bool> = FxHashMap::default();
    for c in changes {
        first
            .entry((c.kind, c.id.as_str()))
            .or_insert(matches!(c.event, Event::Created));
    }
    for (key, created) in &first {
        if *created {
            then.insert((key.0, key.1.to_string()), Then::Absent);
        }
    }
    for c in changes.iter().rev() {
        if first.get(&(c.kind, c.id.as_str())) == Some(&true) {
            continue;
        }
        let key = (c.kind, c.id.clone());
        if !then.contains_key(&key) {
            then.insert(key.clone(), current(c.kind, &c.id));
        }
        match &c.event {
            Event::Field {
                key: field, old, ..
            } => {
                if let Some(Then::Was(_, r)) = then.get_mut(&key) {
                    set(r, field, old.clone());
                }
            }
            Event::Created => {
                then.insert(key, Then::Absent);
            }
            Event::Deleted => {
                then.insert(key, Then::Unknown);
            }
            Event::Renamed { from } => {
                let was = then.insert(key, Then::Absent).unwrap_or(Then::Absent);
                let was = match was {
                    Then::Was(slot, mut r) => {
                        r.id = from.as_str().into();
                        Then::Was(slot, r)
                    }
                    other => other,
                };
                then.insert((c.kind, from.clone()), was);
            }
            Event::Logged(_) => {}
        }
    }
    // Every record touched, as it is now, out; as it was, in (on every core: a large import
    // touches thousands).
    use rayon::prelude::*;
    let touched: Vec<(&(Kind, String), &Then)> = then.iter().collect();
    let parts: Vec<Counts> = touched
        .par_iter()
        .with_min_len(256)
        .map(|((kind, id), was)| {
            let mut c = Counts::default();
            if let Some(slot) = ctx.index.slot(*kind, id)
                && let Some(r) = ctx.index.at_slot(slot)
            {
                c.put(&parts::of(ctx, basis, slot, r), -1);
            }
            match was {
                Then::Was(slot, r) => c.put(&parts::of(ctx, basis, *slot, r), 1),
                // It existed, as what history cannot tell.
                Then::Unknown => c.records += 1,
                Then::Absent => {}
            }
            c
        })
        .collect();
    // Added up in one order (the keys'), so the sums do not depend on the threads.
    let mut order: Vec<usize> = (0..touched.len()).collect();
    order.sort_by(|a, b| touched[*a].0.cmp(touched[*b].0));
    let mut out = now.clone();
    for i in order {
        let c = &parts[i];
        out.records += c.records;
        out.contacts += c.contacts;
        out.open_leads += c.open_leads;
        out.customers += c.customers;
        out.open_deals += c.open_deals;
        for (cur, a) in &c.weighted {
            *out.weighted.entry(cur.clone()).or_default() += a;
        }
    }
    out
}

/// Sets a field of a record taken back in time (`None`: it had none).
fn set(r: &mut Record, key: &str, value: Option<crate::record::value::Value>) {
    let at = r.fields.iter().position(|(k, _)| *k == key);
    match (at, value) {
        (Some(i), Some(v)) => r.fields[i].1 = v,
        (Some(i), None) => {
            r.fields.remove(i);
        }
        (None, Some(v)) => r.fields.push((Sym::new(key), v)),
        (None, None) => {}
    }
}
