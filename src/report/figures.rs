//! The weekly figures as sums of the records' parts ([`super::parts`]): counts, amounts, day
//! counts for medians and the sorted lists, each kept in a form a part can be added to and
//! taken out of again. A fresh report adds every record's part; a live session takes out the
//! old part of each record a batch reaches and adds its new one, so its cost follows the batch,
//! not the workspace.
//!
//! Lists keep the order a sort of the whole would give: their keys end with the record's kind
//! and id, the order of a freshly loaded index (ties in a sort stay in that order). Amounts
//! are summed in that order too, as a fresh report adds them, so the sums come out the same to
//! the last bit.

use super::Sums;
use super::deals::DealRow;
use super::followups::{OverdueItem, OwnerMove};
use super::parts::{Outcome, Part, Stage, WorkflowPart};
use super::people::StaleItem;
use crate::record::Kind;
use compact_str::CompactString;
use std::cell::Cell;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

/// A record's key, in the order of a freshly loaded index.
pub type Key = (Kind, CompactString);

/// An f64 ordered by [`f64::total_cmp`].
#[derive(Debug, Clone, Copy)]
pub struct Total(pub f64);

impl PartialEq for Total {
    fn eq(&self, other: &Self) -> bool {
        self.0.total_cmp(&other.0).is_eq()
    }
}
impl Eq for Total {}
impl PartialOrd for Total {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Total {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Amounts of one currency by record, and their sum (worked out again only after a change).
#[derive(Debug, Default)]
pub struct Group {
    items: BTreeMap<Key, f64>,
    sum: Cell<Option<f64>>,
}

impl Group {
    fn put(&mut self, key: &Key, amount: f64, add: bool) {
        if add {
            self.items.insert(key.clone(), amount);
        } else {
            self.items.remove(key);
        }
        self.sum.set(None);
    }

    fn sum(&self) -> f64 {
        if let Some(s) = self.sum.get() {
            return s;
        }
        let mut s = 0.0;
        for a in self.items.values() {
            s += a;
        }
        self.sum.set(Some(s));
        s
    }
}

/// Amounts by currency.
#[derive(Debug, Default)]
pub struct Amounts(BTreeMap<String, Group>);

impl Amounts {
    fn put(&mut self, key: &Key, currency: &str, amount: f64, add: bool) {
        if add {
            self.0
                .entry(currency.to_string())
                .or_default()
                .put(key, amount, true);
        } else if let Some(g) = self.0.get_mut(currency) {
            g.put(key, amount, false);
            if g.items.is_empty() {
                self.0.remove(currency);
            }
        }
    }

    /// The sums, as a fresh report adds them up.
    pub fn sums(&self) -> Sums {
        self.0.iter().map(|(c, g)| (c.clone(), g.sum())).collect()
    }
}

/// Day counts, for a median.
#[derive(Debug, Default)]
pub struct Days {
    counts: BTreeMap<i64, usize>,
    len: usize,
}

impl Days {
    fn put(&mut self, days: i64, add: bool) {
        if add {
            *self.counts.entry(days).or_default() += 1;
            self.len += 1;
        } else if let Some(n) = self.counts.get_mut(&days) {
            *n -= 1;
            self.len -= 1;
            if *n == 0 {
                self.counts.remove(&days);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// The median, as [`super::median`] works it out.
    pub fn median(&self) -> Option<f64> {
        let n = self.len;
        if n == 0 {
            return None;
        }
        let nth = |k: usize| {
            let mut seen = 0;
            for (d, c) in &self.counts {
                seen += c;
                if seen > k {
                    return *d;
                }
            }
            unreachable!("k < len")
        };
        Some(if n % 2 == 1 {
            nth(n / 2) as f64
        } else {
            (nth(n / 2 - 1) + nth(n / 2)) as f64 / 2.0
        })
    }
}

fn bump(n: &mut usize, add: bool) {
    if add {
        *n += 1;
    } else {
        *n -= 1;
    }
}

/// Items sorted by a key; `add` puts one in, or takes it out.
fn put<K: Ord, V>(map: &mut BTreeMap<K, V>, key: K, value: impl FnOnce() -> V, add: bool) {
    if add {
        map.insert(key, value());
    } else {
        map.remove(&key);
    }
}

/// The sums of the parts.
#[derive(Debug, Default)]
pub struct Figures {
    // The funnel.
    pub stage_counts: Vec<usize>,
    pub without_stage: usize,
    pub outside: usize,
    pub total: usize,
    pub do_not_contact: usize,
    pub excluded: usize,
    pub stays: Vec<Days>,
    // The headline and the trend's starting point.
    pub open_leads: usize,
    pub customers: usize,
    pub at_lead_stage: usize,
    /// Per source: (leads, customers).
    pub sources: BTreeMap<String, (usize, usize)>,
    /// Hot lead candidates, hottest first.
    pub hot: BTreeSet<(Reverse<Total>, CompactString)>,
    // Stale leads and deals, per (unowned, owner), quietest first.
    pub stale_leads: usize,
    pub stale_deals: usize,
    #[allow(clippy::type_complexity)]
    pub stale:
        BTreeMap<(bool, String), BTreeMap<(Reverse<Option<i64>>, Kind, CompactString), StaleItem>>,
    // Owners, by teammate position, then the unassigned row.
    pub owner_leads: Vec<usize>,
    pub owner_deals: Vec<usize>,
    pub owner_pipeline: Vec<Amounts>,
    pub owner_activities: Vec<usize>,
    // Follow-ups.
    pub overdue_total: usize,
    /// Per owner, the most overdue first (then by name).
    #[allow(clippy::type_complexity)]
    pub overdue: BTreeMap<String, BTreeMap<(Reverse<i64>, String, Key, usize), OverdueItem>>,
    pub workflows: Vec<WorkflowPart>,
    /// Hand-offs from workflow log entries, by person.
    pub handoffs: BTreeMap<Key, Vec<OwnerMove>>,
    // Deals.
    /// Open deals per (pipeline, stage): count, amounts, weighted amounts.
    pub deal_rows: BTreeMap<(usize, usize), (usize, Amounts, Amounts)>,
    pub open: usize,
    pub won: usize,
    pub lost: usize,
    pub open_amount: Amounts,
    pub weighted: Amounts,
    pub won_amount: Amounts,
    pub won_counts: BTreeMap<String, usize>,
    pub closing: BTreeMap<(Option<String>, CompactString), DealRow>,
    /// Per forecast month: weighted amounts and how many deals.
    pub forecast: Vec<(Amounts, usize)>,
    pub cycles: Days,
}

impl Figures {
    /// No parts yet, shaped for the configuration.
    pub fn new(cfg: &crate::record::config::Config, workflows: usize, months: usize) -> Figures {
        let stages = cfg.lifecycle.stages.len();
        let rows = cfg.teammates.len() + 1;
        Figures {
            stage_counts: vec![0; stages],
            stays: (0..stages).map(|_| Days::default()).collect(),
            owner_leads: vec![0; rows],
            owner_deals: vec![0; rows],
            owner_pipeline: (0..rows).map(|_| Amounts::default()).collect(),
            owner_activities: vec![0; rows],
            workflows: vec![WorkflowPart::default(); workflows],
            forecast: (0..months).map(|_| Default::default()).collect(),
            ..Default::default()
        }
    }

    pub fn add(&mut self, part: &Part) {
        self.put(part, true);
    }

    pub fn remove(&mut self, part: &Part) {
        self.put(part, false);
    }

    fn put(&mut self, part: &Part, add: bool) {
        let key: Key = (part.kind, part.id.clone());
        if part.excluded {
            bump(&mut self.excluded, add);
        }
        for &i in &part.activities_by {
            bump(&mut self.owner_activities[i], add);
        }
        for (n, o) in part.overdue.iter().enumerate() {
            bump(&mut self.overdue_total, add);
            let items = self.overdue.entry(o.owner.clone()).or_default();
            let k = (
                Reverse(o.item.days_late),
                o.item.record.name.clone(),
                key.clone(),
                n,
            );
            put(items, k, || o.item.clone(), add);
            if items.is_empty() {
                self.overdue.remove(&o.owner);
            }
        }
        for (w, p) in self.workflows.iter_mut().zip(&part.workflows) {
            let sign = |a: &mut usize, b: usize| {
                if add {
                    *a += b;
                } else {
                    *a -= b;
                }
            };
            sign(&mut w.entered_this_week, p.entered_this_week);
            sign(&mut w.entered, p.entered);
            sign(&mut w.active, p.active);
            sign(&mut w.completed, p.completed);
            sign(&mut w.left, p.left);
            sign(&mut w.converted, p.converted);
        }
        if let Some(s) = &part.stale {
            if part.kind == Kind::Person {
                bump(&mut self.stale_leads, add);
            } else {
                bump(&mut self.stale_deals, add);
            }
            let items = self.stale.entry(s.owner.clone()).or_default();
            let k = (Reverse(s.item.quiet_days), part.kind, part.id.clone());
            put(items, k, || s.item.clone(), add);
            if items.is_empty() {
                self.stale.remove(&s.owner);
            }
        }
        if let Some(p) = &part.person {
            bump(&mut self.total, add);
            if p.do_not_contact {
                bump(&mut self.do_not_contact, add);
            }
            match p.stage {
                Stage::None => bump(&mut self.without_stage, add),
                Stage::Outside => bump(&mut self.outside, add),
                Stage::Rank(i) => bump(&mut self.stage_counts[i], add),
            }
            for &(i, days) in &p.stays {
                self.stays[i].put(days, add);
            }
            if p.open_lead {
                bump(&mut self.open_leads, add);
                bump(&mut self.owner_leads[p.owner_row], add);
            }
            if p.customer {
                bump(&mut self.customers, add);
            }
            if p.lead_stage {
                bump(&mut self.at_lead_stage, add);
            }
            if let Some(source) = &p.source {
                if !self.sources.contains_key(source) {
                    self.sources.insert(source.clone(), (0, 0));
                }
                let row = self.sources.get_mut(source).expect("just added");
                bump(&mut row.0, add);
                if p.customer {
                    bump(&mut row.1, add);
                }
                if row.0 == 0 {
                    self.sources.remove(source);
                }
            }
            if let Some(score) = p.hot {
                let k = (Reverse(Total(score)), part.id.clone());
                if add {
                    self.hot.insert(k);
                } else {
                    self.hot.remove(&k);
                }
            }
            if !p.handoffs.is_empty() {
                put(&mut self.handoffs, key.clone(), || p.handoffs.clone(), add);
            }
        }
        if let Some(d) = &part.deal {
            if let Some((row, amount)) = &d.owner_open {
                bump(&mut self.owner_deals[*row], add);
                if let Some((c, a)) = amount {
                    self.owner_pipeline[*row].put(&key, c, *a, add);
                }
            }
            match &d.outcome {
                Outcome::Unknown => {}
                Outcome::Lost => bump(&mut self.lost, add),
                Outcome::Won { amount, cycle } => {
                    bump(&mut self.won, add);
                    if let Some((c, a)) = amount {
                        self.won_amount.put(&key, c, *a, add);
                        let n = self.won_counts.entry(c.clone()).or_default();
                        bump(n, add);
                        if *n == 0 {
                            self.won_counts.remove(c);
                        }
                    }
                    if let Some(days) = cycle {
                        self.cycles.put(*days, add);
                    }
                }
                Outcome::Open {
                    row,
                    amount,
                    month,
                    closing,
                } => {
                    bump(&mut self.open, add);
                    let entry = self.deal_rows.entry(*row).or_default();
                    bump(&mut entry.0, add);
                    if let Some((c, a, w)) = amount {
                        entry.1.put(&key, c, *a, add);
                        entry.2.put(&key, c, *w, add);
                        self.open_amount.put(&key, c, *a, add);
                        self.weighted.put(&key, c, *w, add);
                        if let Some(m) = month {
                            self.forecast[*m].0.put(&key, c, *w, add);
                            bump(&mut self.forecast[*m].1, add);
                        }
                    }
                    if entry.0 == 0 {
                        self.deal_rows.remove(row);
                    }
                    if let Some(row) = closing {
                        let k = (row.close_date.clone(), part.id.clone());
                        put(&mut self.closing, k, || (**row).clone(), add);
                    }
                }
            }
        }
    }
}
