//! This week in money: the pipeline created (new deals' amounts), won and lost this week, each
//! with the week before beside it, per currency and converted where `report.rates` allow.
//! Pure: sums of what moved ([`super::moved`]) in the two weeks.

use super::headline::Delta;
use super::moved::{Item, Moved};
use super::{Ctx, Sums, money};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct WeekMoney {
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Row {
    /// `pipeline created`, `won`, `lost`
    pub label: String,
    /// How many deals, and their amounts (`€54,000`, or `€4,800 + $52,000` without rates).
    pub count: usize,
    pub amount: String,
    /// The same for the week before (none without history of it).
    pub previous_count: Option<usize>,
    pub previous_amount: Option<String>,
    /// The change of the amount, when both weeks are in one currency (or converted).
    pub change: Option<Delta>,
}

/// `now`: this week's moves; `before`: the week before's.
pub(super) fn build(ctx: &Ctx, now: Option<&Moved>, before: Option<&Moved>) -> WeekMoney {
    let Some(now) = now else {
        return WeekMoney::default();
    };
    let cfg = ctx.cfg;
    let locale = cfg.report.locale.as_str();
    let sums = |items: &[Item]| -> Sums {
        let mut s = Sums::new();
        for a in items.iter().filter_map(|i| i.amount.as_ref()) {
            *s.entry(a.currency.clone()).or_default() += a.amount;
        }
        s
    };
    // One amount in the workspace currency when it can be, else one per currency.
    let total = |s: &Sums| -> Option<f64> {
        if s.is_empty() {
            return Some(0.0);
        }
        super::convert(cfg, s)
    };
    let text = |s: &Sums| -> String {
        match total(s) {
            Some(t) => money::amount(locale, &cfg.currency, t),
            None => s
                .iter()
                .map(|(c, a)| money::amount(locale, c, *a))
                .collect::<Vec<_>>()
                .join(" + "),
        }
    };
    let lists = |m: &Moved| -> [(&'static str, Vec<Item>); 3] {
        [
            ("pipeline created", m.new_deals.clone()),
            ("won", m.deals_won.clone()),
            ("lost", m.deals_lost.clone()),
        ]
    };
    let previous = before.map(lists);
    let rows = lists(now)
        .into_iter()
        .enumerate()
        .map(|(k, (label, items))| {
            let s = sums(&items);
            let p = previous.as_ref().map(|p| &p[k].1);
            let ps = p.map(|p| sums(p));
            let change = ps.as_ref().and_then(|ps| {
                let (a, b) = (total(&s)?, total(ps)?);
                Some(Delta::of(a - b, |x| {
                    money::amount(locale, &cfg.currency, x)
                }))
            });
            Row {
                label: label.into(),
                count: items.len(),
                amount: text(&s),
                previous_count: p.map(Vec::len),
                previous_amount: ps.as_ref().map(text),
                change,
            }
        })
        .collect();
    WeekMoney { rows }
}
