//! The deals pipeline: open deals per stage with amounts and probability-weighted values, what
//! closes this month, a forecast by close month, win rate, average deal size and sales-cycle
//! length. Amounts are summed per currency; with `report.rates` in kith.yaml they are also
//! converted into the workspace currency.

use super::{Ctx, Money, RecordRef, Sums, median, percent};
use crate::config::Closed;
use crate::record::Record;
use jiff::ToSpan;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize)]
pub struct Deals {
    pub stages: Vec<StageRow>,
    pub open: usize,
    /// Sums are in the workspace currency when `report.rates` converts every currency, else
    /// one per currency.
    pub open_amount: Vec<Money>,
    pub weighted: Vec<Money>,
    pub closing_this_month: Vec<DealRow>,
    /// Weighted value by expected close month, this month and the next five.
    pub forecast: Vec<ForecastRow>,
    pub forecast_chart: super::chart::Bars,
    pub won: usize,
    pub lost: usize,
    /// won / (won + lost), in percent.
    pub win_rate: Option<f64>,
    pub average_won: Vec<Money>,
    /// Median days from a won deal's creation to its win.
    pub median_cycle_days: Option<f64>,
    pub cycles: usize,
}

#[derive(Debug, Serialize)]
pub struct StageRow {
    pub pipeline: String,
    pub stage: String,
    pub probability: f64,
    pub count: usize,
    pub amount: Vec<Money>,
    pub weighted: Vec<Money>,
}

#[derive(Debug, Serialize)]
pub struct DealRow {
    pub record: RecordRef,
    pub stage: String,
    pub amount: Option<Money>,
    pub close_date: Option<String>,
    pub owner: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ForecastRow {
    /// `2026-12`
    pub month: String,
    pub weighted: Vec<Money>,
    pub count: usize,
    #[serde(skip)]
    value: f64,
}

pub(super) fn build(ctx: &Ctx) -> Deals {
    let cfg = ctx.cfg;
    let currency = |r: &Record| r.currency(cfg);
    let money = |sums: &Sums| super::money(cfg, sums);
    let mut stages: Vec<StageRow> = Vec::new();
    let mut rows: BTreeMap<(usize, usize), (Sums, Sums, usize)> = BTreeMap::new();
    let (mut open_sum, mut weighted_sum) = (Sums::new(), Sums::new());
    let (mut won, mut lost, mut open) = (0, 0, 0);
    let mut won_sums: Sums = Sums::new();
    let mut won_counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut closing = Vec::new();
    let this_month = (ctx.as_of.year(), ctx.as_of.month());
    let months: Vec<(i16, i8)> = (0..6)
        .map(|k| {
            let d = ctx.as_of.first_of_month() + k.months();
            (d.year(), d.month())
        })
        .collect();
    let mut forecast: Vec<(Sums, usize)> = vec![(Sums::new(), 0); months.len()];
    let mut cycles = Vec::new();
    for r in ctx.deals() {
        let Some(pipeline) = cfg.pipeline(r.text("pipeline")) else {
            continue;
        };
        let Some((si, stage)) = r.text("stage").and_then(|s| {
            pipeline
                .stages
                .iter()
                .enumerate()
                .find(|(_, x)| x.id.eq_ignore_ascii_case(s))
        }) else {
            continue;
        };
        let pi = cfg
            .pipelines
            .iter()
            .position(|p| p.id == pipeline.id)
            .unwrap_or(0);
        let amount = r.number("amount");
        match stage.closed {
            Some(Closed::Won) => {
                won += 1;
                if let Some(a) = amount {
                    *won_sums.entry(currency(r)).or_default() += a;
                    *won_counts.entry(currency(r)).or_default() += 1;
                }
                if let Some(days) = cycle_days(ctx, r) {
                    cycles.push(days);
                }
            }
            Some(Closed::Lost) => lost += 1,
            None => {
                open += 1;
                let row = rows.entry((pi, si)).or_default();
                row.2 += 1;
                if let Some(a) = amount {
                    let c = currency(r);
                    let w = a * stage.probability / 100.0;
                    *row.0.entry(c.clone()).or_default() += a;
                    *row.1.entry(c.clone()).or_default() += w;
                    *open_sum.entry(c.clone()).or_default() += a;
                    *weighted_sum.entry(c.clone()).or_default() += w;
                    if let Some(d) = r.date("close_date")
                        && let Some(m) = months.iter().position(|m| *m == (d.year(), d.month()))
                    {
                        *forecast[m].0.entry(c).or_default() += w;
                        forecast[m].1 += 1;
                    }
                }
                if r.date("close_date")
                    .is_some_and(|d| (d.year(), d.month()) == this_month)
                {
                    closing.push(DealRow {
                        record: ctx.names.of(r),
                        stage: stage.id.clone(),
                        amount: amount.map(|a| Money::new(&currency(r), a)),
                        close_date: r.date("close_date").map(|d| d.to_string()),
                        owner: ctx.owner(r),
                    });
                }
            }
        }
    }
    // Every open stage of every pipeline, empty ones too: the shape of the pipeline.
    for (pi, p) in cfg.pipelines.iter().enumerate() {
        for (si, s) in p.stages.iter().enumerate() {
            if s.closed.is_some() {
                continue;
            }
            let (amount, weighted, count) = rows.remove(&(pi, si)).unwrap_or_default();
            stages.push(StageRow {
                pipeline: p.id.clone(),
                stage: s.id.clone(),
                probability: s.probability,
                count,
                amount: money(&amount),
                weighted: money(&weighted),
            });
        }
    }
    closing.sort_by(|a, b| a.close_date.cmp(&b.close_date));
    let forecast_rows: Vec<ForecastRow> = months
        .iter()
        .zip(forecast)
        .map(|((y, m), (sums, count))| ForecastRow {
            month: format!("{y:04}-{m:02}"),
            weighted: money(&sums),
            count,
            // The chart needs one number per month: the converted total, else the workspace
            // currency's.
            value: super::convert(cfg, &sums)
                .unwrap_or_else(|| sums.get(&cfg.currency).copied().unwrap_or(0.0)),
        })
        .collect();
    let forecast_chart = super::chart::Bars::vertical(
        forecast_rows
            .iter()
            .map(|f| {
                (
                    f.month.clone(),
                    f.value,
                    crate::output::amount(f.value.round()),
                )
            })
            .collect(),
    );
    let won_with_amount: usize = won_counts.values().sum();
    let average_won = match super::convert(cfg, &won_sums) {
        Some(total) if won_with_amount > 0 => {
            vec![Money::new(&cfg.currency, total / won_with_amount as f64)]
        }
        _ => won_sums
            .iter()
            .map(|(c, a)| Money::new(c, a / won_counts[c] as f64))
            .collect(),
    };
    Deals {
        stages,
        open,
        open_amount: money(&open_sum),
        weighted: money(&weighted_sum),
        closing_this_month: closing,
        forecast: forecast_rows,
        forecast_chart,
        won,
        lost,
        win_rate: percent(won, won + lost),
        average_won,
        cycles: cycles.len(),
        median_cycle_days: median(cycles),
    }
}

/// Days from a won deal's creation to its win: the move into its won stage, else its close
/// date.
fn cycle_days(ctx: &Ctx, r: &Record) -> Option<i64> {
    let created = r.date("created")?;
    let moves = ctx.timelines.get(&(r.kind, r.id.to_string()));
    let won_on = moves
        .and_then(|m| {
            m.iter()
                .rev()
                .find(|m| {
                    m.to.as_deref()
                        .and_then(|s| ctx.cfg.pipeline(r.text("pipeline"))?.stage(s))
                        .is_some_and(|s| s.closed == Some(Closed::Won))
                })
                .map(|m| m.date)
        })
        .or_else(|| r.date("close_date"))?;
    let days = (won_on - created).get_days() as i64;
    (days >= 0).then_some(days)
}
