//! The funnel: people per lifecycle stage, how many move on, and how long they stay.
//!
//! Counts are of people as they stand at the end of the week, staff and spam left out (they
//! are counted apart). Someone at a stage has passed every earlier one, so "reached" a stage
//! means standing at it or beyond; the next-step rate of a stage is reached(next) /
//! reached(stage), the cumulative rate reached(stage) / reached(first stage).

use super::{Ctx, median, percent, timeline};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Funnel {
    pub stages: Vec<StageRow>,
    /// People without a lifecycle stage (plain contacts).
    pub contacts_without_stage: usize,
    /// People at stages outside the funnel (`other`: suppliers, partners).
    pub outside: usize,
    /// Staff and spam, left out of everything else.
    pub excluded: usize,
    /// People who asked not to be contacted ([`crate::record::Record::do_not_contact`]),
    /// counted in the stages too; exports, workflows and hot leads leave them out.
    pub do_not_contact: usize,
    pub total: usize,
    /// Leads who became customers: reached(customer) / reached(first lead stage).
    pub leads_to_customers: Option<f64>,
    /// The commonly quoted benchmarks, for comparison.
    pub benchmarks: Vec<Benchmark>,
    pub chart: super::chart::Bars,
}

#[derive(Debug, Serialize)]
pub struct StageRow {
    pub stage: String,
    pub count: usize,
    pub reached: usize,
    /// Share of those who reached this stage who reached the next one, in percent.
    pub next_rate: Option<f64>,
    /// Share of those who reached the first stage who reached this one, in percent.
    pub cumulative_rate: Option<f64>,
    /// Median days people stayed at this stage before moving on (from their stage moves).
    pub median_days: Option<f64>,
    /// How many completed stays the median is of.
    pub moved_on: usize,
    pub is_lead: bool,
}

#[derive(Debug, Serialize)]
pub struct Benchmark {
    pub label: String,
    pub low: f64,
    pub high: f64,
    /// Ours, when the CRM can tell.
    pub ours: Option<f64>,
}

pub(super) fn build(ctx: &Ctx) -> Funnel {
    let lc = &ctx.cfg.lifecycle;
    let n = lc.stages.len();
    let mut counts = vec![0usize; n];
    let (mut without, mut outside, mut total, mut dnc) = (0, 0, 0, 0);
    for (_, r) in ctx.people() {
        total += 1;
        dnc += usize::from(r.do_not_contact());
        match r.stage() {
            None => without += 1,
            Some(l) => match lc.rank(&l) {
                Some(i) => counts[i] += 1,
                None => outside += 1,
            },
        }
    }
    let excluded = ctx
        .index
        .entries()
        .filter(|(slot, r)| r.kind == crate::record::Kind::Person && ctx.derived.excluded(*slot))
        .count();
    let reached: Vec<usize> = (0..n).map(|i| counts[i..].iter().sum()).collect();
    // Completed stays per stage, from every person's moves.
    let mut stays: Vec<Vec<i64>> = vec![Vec::new(); n];
    for (_, r) in ctx.people() {
        let Some(moves) = ctx.timelines.get(&(r.kind, r.id.to_string())) else {
            continue;
        };
        let list = timeline::stays(r, moves);
        for pair in list.windows(2) {
            let ((stage, entered), (_, left)) = (&pair[0], &pair[1]);
            if let (Some(i), Some(entered), Some(left)) = (lc.rank(stage), entered, left) {
                let days = (*left - *entered).get_days() as i64;
                if days >= 0 {
                    stays[i].push(days);
                }
            }
        }
    }
    let stages: Vec<StageRow> = lc
        .stages
        .iter()
        .enumerate()
        .map(|(i, stage)| StageRow {
            stage: stage.clone(),
            count: counts[i],
            reached: reached[i],
            next_rate: (i + 1 < n)
                .then(|| percent(reached[i + 1], reached[i]))
                .flatten(),
            cumulative_rate: percent(reached[i], reached[0]),
            moved_on: stays[i].len(),
            median_days: median(stays[i].clone()),
            is_lead: lc.is_lead(stage),
        })
        .collect();
    let leads_to_customers = match (ctx.lead_rank(), ctx.customer_rank()) {
        (Some(l), Some(c)) => percent(reached[c], reached[l]),
        _ => None,
    };
    let chart = super::chart::Bars::horizontal(
        stages
            .iter()
            .map(|s| (s.stage.clone(), s.count as f64, s.count.to_string()))
            .collect(),
    );
    Funnel {
        stages,
        contacts_without_stage: without,
        outside,
        excluded,
        do_not_contact: dnc,
        total,
        leads_to_customers,
        benchmarks: vec![
            Benchmark {
                label: "website visitors → leads".into(),
                low: 2.0,
                high: 5.0,
                ours: None,
            },
            Benchmark {
                label: "leads → customers".into(),
                low: 5.0,
                high: 10.0,
                ours: leads_to_customers,
            },
        ],
        chart,
    }
}
