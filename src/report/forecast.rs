//! The forecast a sales manager reads beside the pipeline: this month's and this quarter's deals
//! by forecast category and owner, each owner's quota attainment and coverage, and pipeline
//! velocity with last week's value beside it. Pure.
//!
//! - **Categories**, as HubSpot and Salesforce have them: `closed` (won in the period),
//!   `commit`, `best-case` and `pipeline` (open deals whose close date falls in the period, by
//!   their stage's win probability: 80 % or more is commit, 50 % or more best case, the rest
//!   pipeline; a deal's own `forecast:` overrides it) and `omitted` (lost, or set so by hand;
//!   counted, never summed).
//! - **Quotas** (`quotas:` in kith.yaml): attainment is what was won in the period so far over
//!   the quota; coverage is the open pipeline closing in the period (omitted deals left out)
//!   over what remains of the quota.
//! - **Velocity** = open deals × win rate × average won amount ÷ average sales cycle (days from
//!   creation to win): the money the pipeline is expected to bring in per day. Worked out as of
//!   the report's day and as of seven days before, from the deals' dates (created, won or lost
//!   on), so both figures follow one rule.
//!
//! Amounts are in the workspace currency; deals in a currency without a rate in
//! `report.rates` are left out of the sums, and counted.

use super::parts::{Basis, closed_on};
use super::{Ctx, money, percent};
use crate::record::config::{Closed, Config};
use crate::record::{Kind, Record};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

/// Open deals at or above this win probability (in percent) are `commit` by default.
pub const COMMIT_FROM: f64 = 80.0;
/// And `best-case` at or above this one.
pub const BEST_CASE_FROM: f64 = 50.0;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Forecast {
    /// This month, then this quarter.
    pub periods: Vec<Period>,
    /// As of the report's day, and as of seven days before.
    pub velocity: Velocity,
    pub velocity_before: Velocity,
    /// The change in velocity per day since seven days before.
    pub velocity_change: Option<super::headline::Delta>,
    /// Deals left out of the sums: their currency has no rate.
    pub unconverted: usize,
    pub has_quotas: bool,
    /// The default categories' thresholds, in percent.
    pub commit_from: f64,
    pub best_case_from: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Period {
    /// `December 2026`, `Q4 2026`
    pub label: String,
    /// `month` or `quarter`
    pub kind: &'static str,
    pub start: String,
    pub end: String,
    /// Teammates with a quota or a deal in the period, then the unassigned row if any.
    pub rows: Vec<OwnerRow>,
    pub total: OwnerRow,
}

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct OwnerRow {
    pub owner: String,
    pub closed: Amount,
    pub commit: Amount,
    pub best_case: Amount,
    pub pipeline: Amount,
    /// Lost in the period, or set `omitted` by hand: counted, not summed.
    pub omitted: usize,
    /// Closed and commit: what the owner stands behind.
    pub forecast: Amount,
    /// Closed, and each open deal times its win probability.
    pub weighted: Amount,
    pub quota: Option<Amount>,
    /// Closed over the quota, in percent.
    pub attainment: Option<f64>,
    /// Open (commit, best case and pipeline) over what remains of the quota, e.g. 2.5 (×);
    /// none once the quota is met.
    pub coverage: Option<f64>,
}

/// A sum in the workspace currency, with how many deals make it.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Amount {
    pub value: f64,
    pub deals: usize,
    /// As `report.locale` writes it.
    pub text: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Velocity {
    pub as_of: String,
    pub open: usize,
    pub won: usize,
    pub lost: usize,
    /// Percent.
    pub win_rate: Option<f64>,
    pub average_won: Option<f64>,
    pub average_won_text: Option<String>,
    /// Mean days from creation to win.
    pub cycle_days: Option<f64>,
    /// Expected won per day; none when a factor is unknown (no won deal yet, say).
    pub per_day: Option<f64>,
    pub per_day_text: Option<String>,
    /// The same over 30 days.
    pub per_month_text: Option<String>,
}

/// A deal's forecast category at `ctx.as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Closed,
    Commit,
    BestCase,
    Pipeline,
    Omitted,
}

/// An open deal's category: its own `forecast:`, else its stage's win probability.
pub fn category(r: &Record, probability: f64) -> Category {
    match r.text("forecast").map(|s| s.trim().to_ascii_lowercase()) {
        Some(s) if s == "commit" => Category::Commit,
        Some(s) if s == "best-case" => Category::BestCase,
        Some(s) if s == "pipeline" => Category::Pipeline,
        Some(s) if s == "omitted" => Category::Omitted,
        _ if probability >= COMMIT_FROM => Category::Commit,
        _ if probability >= BEST_CASE_FROM => Category::BestCase,
        _ => Category::Pipeline,
    }
}

/// One deal as the forecast sees it.
struct Deal<'a> {
    record: &'a Record,
    /// Its amount in the workspace currency (none without an amount or a rate).
    value: Option<f64>,
    probability: f64,
    closed: Option<Closed>,
    /// When it was won or lost (none: not known).
    closed_on: Option<Date>,
    created: Option<Date>,
    owner: Option<usize>,
}

pub(super) fn build(ctx: &Ctx, basis: &Basis) -> Forecast {
    let cfg = ctx.cfg;
    let mut unconverted = 0;
    let deals: Vec<Deal> = ctx
        .index
        .entries()
        .map(|(_, r)| r)
        .filter(|r| r.kind == Kind::Deal && !r.broken)
        .filter_map(|r| {
            let stage = ctx.deal_stage(r)?;
            let value = r.number("amount").and_then(|a| {
                let v = to_workspace(cfg, &r.currency(cfg), a);
                if v.is_none() {
                    unconverted += 1;
                }
                v
            });
            Some(Deal {
                record: r,
                value,
                probability: stage.probability,
                closed: stage.closed,
                closed_on: stage.closed.and_then(|how| closed_on(ctx, basis, r, how)),
                created: r.date("created"),
                owner: r.text("owner").and_then(|o| {
                    cfg.teammates
                        .iter()
                        .position(|t| t.id.eq_ignore_ascii_case(o.trim()))
                }),
            })
        })
        .collect();
    let (y, m) = (ctx.as_of.year(), ctx.as_of.month());
    let month_start = Date::new(y, m, 1).expect("the first of a month");
    let quarter_start = Date::new(y, (m - 1) / 3 * 3 + 1, 1).expect("the first of a quarter");
    let periods = vec![
        period(
            ctx,
            &deals,
            "month",
            month_label(ctx.as_of),
            month_start,
            month_start + 1.month() - 1.day(),
        ),
        period(
            ctx,
            &deals,
            "quarter",
            format!("Q{} {y}", (m - 1) / 3 + 1),
            quarter_start,
            quarter_start + 3.months() - 1.day(),
        ),
    ];
    let (velocity, velocity_before) = (
        velocity_at(cfg, &deals, ctx.as_of),
        velocity_at(cfg, &deals, ctx.as_of - 7.days()),
    );
    let locale = cfg.report.locale.as_str();
    let velocity_change = match (velocity.per_day, velocity_before.per_day) {
        (Some(now), Some(before)) => Some(super::headline::Delta::of(now - before, |x| {
            money::amount(locale, &cfg.currency, x)
        })),
        _ => None,
    };
    Forecast {
        periods,
        velocity,
        velocity_before,
        velocity_change,
        unconverted,
        has_quotas: !cfg.quotas.is_empty(),
        commit_from: COMMIT_FROM,
        best_case_from: BEST_CASE_FROM,
    }
}

fn month_label(d: Date) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    format!("{} {}", MONTHS[d.month() as usize - 1], d.year())
}

/// `amount` of `currency` in the workspace currency, by `report.rates`.
fn to_workspace(cfg: &Config, currency: &str, amount: f64) -> Option<f64> {
    if currency.eq_ignore_ascii_case(&cfg.currency) {
        return Some(amount);
    }
    let rate = cfg
        .report
        .rates
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(currency))?
        .1;
    Some(amount * rate)
}

fn period(
    ctx: &Ctx,
    deals: &[Deal],
    kind: &'static str,
    label: String,
    start: Date,
    end: Date,
) -> Period {
    let cfg = ctx.cfg;
    let n = cfg.teammates.len();
    // One row per teammate, then the unassigned row.
    let mut rows: Vec<Sums> = vec![Sums::default(); n + 1];
    let mut any = vec![false; n + 1];
    // Won so far: the period's days up to the report's.
    let to_date = end.min(ctx.as_of);
    for d in deals {
        let row = d.owner.unwrap_or(n);
        let s = &mut rows[row];
        match d.closed {
            Some(Closed::Won) => {
                if d.closed_on.is_some_and(|on| on >= start && on <= to_date) {
                    s.add(Category::Closed, d.value, 1.0);
                    any[row] = true;
                }
            }
            Some(Closed::Lost) => {
                if d.closed_on.is_some_and(|on| on >= start && on <= to_date) {
                    s.omitted += 1;
                    any[row] = true;
                }
            }
            None => {
                let closes = d.record.date("close_date");
                if closes.is_some_and(|c| c >= start && c <= end) {
                    match category(d.record, d.probability) {
                        Category::Omitted => s.omitted += 1,
                        c => s.add(c, d.value, d.probability / 100.0),
                    }
                    any[row] = true;
                }
            }
        }
    }
    let locale = cfg.report.locale.as_str();
    let quota = |i: usize| -> Option<f64> {
        let t = cfg.teammates.get(i)?;
        let q = cfg
            .quotas
            .iter()
            .find(|q| q.teammate.eq_ignore_ascii_case(&t.id))?;
        if kind == "month" {
            q.monthly()
        } else {
            q.quarterly()
        }
    };
    let mut total = Sums::default();
    let mut total_quota: Option<f64> = None;
    let mut out = Vec::new();
    for (i, s) in rows.iter().enumerate() {
        let q = quota(i);
        if !any[i] && q.is_none() {
            continue;
        }
        total.merge(s);
        if let Some(q) = q {
            *total_quota.get_or_insert(0.0) += q;
        }
        let owner = match cfg.teammates.get(i) {
            Some(t) => t.name.clone(),
            None => "unassigned".into(),
        };
        out.push(s.row(cfg, locale, owner, q));
    }
    Period {
        label,
        kind,
        start: start.to_string(),
        end: end.to_string(),
        rows: out,
        total: total.row(cfg, locale, "Total".into(), total_quota),
    }
}

/// A row's sums before they are written out.
#[derive(Debug, Clone, Default)]
struct Sums {
    closed: (f64, usize),
    commit: (f64, usize),
    best_case: (f64, usize),
    pipeline: (f64, usize),
    weighted: f64,
    omitted: usize,
}

impl Sums {
    fn add(&mut self, c: Category, value: Option<f64>, weight: f64) {
        let slot = match c {
            Category::Closed => &mut self.closed,
            Category::Commit => &mut self.commit,
            Category::BestCase => &mut self.best_case,
            Category::Pipeline => &mut self.pipeline,
            Category::Omitted => return,
        };
        slot.1 += 1;
        if let Some(v) = value {
            slot.0 += v;
            self.weighted += v * weight;
        }
    }

    fn merge(&mut self, o: &Sums) {
        for (a, b) in [
            (&mut self.closed, o.closed),
            (&mut self.commit, o.commit),
            (&mut self.best_case, o.best_case),
            (&mut self.pipeline, o.pipeline),
        ] {
            a.0 += b.0;
            a.1 += b.1;
        }
        self.weighted += o.weighted;
        self.omitted += o.omitted;
    }

    fn row(&self, cfg: &Config, locale: &str, owner: String, quota: Option<f64>) -> OwnerRow {
        let amount = |(value, deals): (f64, usize)| Amount {
            value,
            deals,
            text: money::amount(locale, &cfg.currency, value),
        };
        let won = self.closed.0;
        let open = self.commit.0 + self.best_case.0 + self.pipeline.0;
        OwnerRow {
            owner,
            closed: amount(self.closed),
            commit: amount(self.commit),
            best_case: amount(self.best_case),
            pipeline: amount(self.pipeline),
            omitted: self.omitted,
            forecast: amount((won + self.commit.0, self.closed.1 + self.commit.1)),
            weighted: amount((
                self.weighted,
                self.closed.1 + self.commit.1 + self.best_case.1 + self.pipeline.1,
            )),
            quota: quota.map(|q| amount((q, 0))),
            attainment: quota.map(|q| tenth(won / q * 100.0)),
            coverage: quota.and_then(|q| {
                let remaining = q - won;
                (remaining > 0.0).then(|| tenth(open / remaining))
            }),
        }
    }
}

/// `x` to one decimal, as the page shows it.
fn tenth(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Pipeline velocity as of `day`, from the deals' dates: open then (created by `day`, not won
/// or lost by it), the win rate and average won amount of the deals closed by then, and their
/// mean cycle. A closed deal without a date for its close counts as closed long before.
fn velocity_at(cfg: &Config, deals: &[Deal], day: Date) -> Velocity {
    let closed_by = |d: &Deal| d.closed.is_some() && d.closed_on.is_none_or(|on| on <= day);
    let exists = |d: &Deal| d.created.is_none_or(|c| c <= day);
    let open = deals.iter().filter(|d| exists(d) && !closed_by(d)).count();
    let won: Vec<&Deal> = deals
        .iter()
        .filter(|d| d.closed == Some(Closed::Won) && closed_by(d))
        .collect();
    let lost = deals
        .iter()
        .filter(|d| d.closed == Some(Closed::Lost) && closed_by(d))
        .count();
    let win_rate = percent(won.len(), won.len() + lost);
    let rate = (won.len() + lost > 0).then(|| won.len() as f64 / (won.len() + lost) as f64);
    let amounts: Vec<f64> = won.iter().filter_map(|d| d.value).collect();
    let average_won =
        (!amounts.is_empty()).then(|| amounts.iter().sum::<f64>() / amounts.len() as f64);
    let cycles: Vec<f64> = won
        .iter()
        .filter_map(|d| {
            let days = (d.closed_on? - d.created?).get_days();
            (days >= 0).then_some(days as f64)
        })
        .collect();
    let cycle_days = (!cycles.is_empty()).then(|| cycles.iter().sum::<f64>() / cycles.len() as f64);
    let per_day = match (rate, average_won, cycle_days) {
        (Some(rate), Some(avg), Some(cycle)) if cycle > 0.0 => {
            Some(open as f64 * rate * avg / cycle)
        }
        _ => None,
    };
    let locale = cfg.report.locale.as_str();
    let text = |x: f64| money::amount(locale, &cfg.currency, x);
    Velocity {
        as_of: day.to_string(),
        open,
        won: won.len(),
        lost,
        win_rate,
        average_won,
        average_won_text: average_won.map(text),
        cycle_days,
        per_day,
        per_day_text: per_day.map(text),
        per_month_text: per_day.map(|v| text(v * 30.0)),
    }
}
