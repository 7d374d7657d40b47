//! The funnel: people per lifecycle stage, how many move on, and how long they stay.
//!
//! Counts are of people as they stand at the end of the week, staff and spam left out (they
//! are counted apart). Someone at a stage has passed every earlier one, so "reached" a stage
//! means standing at it or beyond; the next-step rate of a stage is reached(next) /
//! reached(stage), the cumulative rate reached(stage) / reached(first stage).

use super::figures::Figures;
use super::{Ctx, percent};
use serde::Serialize;

#[derive(Debug, Serialize, PartialEq)]
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

#[derive(Debug, Serialize, PartialEq)]
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

#[derive(Debug, Serialize, PartialEq)]
pub struct Benchmark {
    pub label: String,
    pub low: f64,
    pub high: f64,
    /// Ours, when the CRM can tell.
    pub ours: Option<f64>,
}

pub(super) fn build(ctx: &Ctx, f: &Figures) -> Funnel {
    let lc = &ctx.cfg.lifecycle;
    let n = lc.stages.len();
    let counts = &f.stage_counts;
    let reached: Vec<usize> = (0..n).map(|i| counts[i..].iter().sum()).collect();
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
            moved_on: f.stays[i].len(),
            median_days: f.stays[i].median(),
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
        contacts_without_stage: f.without_stage,
        outside: f.outside,
        excluded: f.excluded,
        do_not_contact: f.do_not_contact,
        total: f.total,
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
