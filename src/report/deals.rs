//! The deals pipeline: open deals per stage with amounts and probability-weighted values, what
//! closes this month, a forecast by close month, win rate, average deal size and sales-cycle
//! length. Amounts are summed per currency; with `report.rates` in kith.yaml they are also
//! converted into the workspace currency.

use super::figures::Figures;
use super::{Ctx, Money, RecordRef, Sums, percent};
use serde::Serialize;

#[derive(Debug, Serialize, PartialEq)]
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

#[derive(Debug, Serialize, PartialEq)]
pub struct StageRow {
    pub pipeline: String,
    pub stage: String,
    pub probability: f64,
    pub count: usize,
    pub amount: Vec<Money>,
    pub weighted: Vec<Money>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DealRow {
    pub record: RecordRef,
    pub stage: String,
    pub amount: Option<Money>,
    pub close_date: Option<String>,
    pub owner: Option<String>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct ForecastRow {
    /// `2026-12`
    pub month: String,
    pub weighted: Vec<Money>,
    pub count: usize,
    #[serde(skip)]
    value: f64,
}

pub(super) fn build(ctx: &Ctx, f: &Figures, months: &[(i16, i8)]) -> Deals {
    let cfg = ctx.cfg;
    let money = |sums: &Sums| super::money(cfg, sums);
    let mut stages: Vec<StageRow> = Vec::new();
    // Every open stage of every pipeline, empty ones too: the shape of the pipeline.
    for (pi, p) in cfg.pipelines.iter().enumerate() {
        for (si, s) in p.stages.iter().enumerate() {
            if s.closed.is_some() {
                continue;
            }
            let (count, amount, weighted) = f
                .deal_rows
                .get(&(pi, si))
                .map_or_else(Default::default, |(n, a, w)| (*n, a.sums(), w.sums()));
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
    let forecast_rows: Vec<ForecastRow> = months
        .iter()
        .zip(&f.forecast)
        .map(|((y, m), (sums, count))| (format!("{y:04}-{m:02}"), sums.sums(), *count))
        .map(|(month, sums, count)| ForecastRow {
            month,
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
                    crate::util::output::amount(f.value.round()),
                )
            })
            .collect(),
    );
    let (won_sums, won_counts) = (f.won_amount.sums(), &f.won_counts);
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
        open: f.open,
        open_amount: money(&f.open_amount.sums()),
        weighted: money(&f.weighted.sums()),
        closing_this_month: f.closing.values().cloned().collect(),
        forecast: forecast_rows,
        forecast_chart,
        won: f.won,
        lost: f.lost,
        win_rate: percent(f.won, f.won + f.lost),
        average_won,
        cycles: f.cycles.len(),
        median_cycle_days: f.cycles.median(),
    }
}
