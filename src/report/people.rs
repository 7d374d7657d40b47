//! The people parts of the report: hot leads ready for sales, stale leads and deals, lead
//! sources, and a row per teammate.

use super::{Ctx, Money, RecordRef, moved::Moved, percent};
use crate::record::{Kind, Record};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize)]
pub struct HotLead {
    pub record: RecordRef,
    pub lifecycle: String,
    pub score: f64,
    pub grade: String,
    pub owner: Option<String>,
    pub last_activity: Option<String>,
    /// The rules that made the score, largest first.
    pub rules: Vec<Rule>,
}

#[derive(Debug, Serialize)]
pub struct Rule {
    pub points: String,
    pub why: String,
}

/// The leads to hand to sales: the hot segment's members (or every open lead), by score;
/// never someone who asked not to be contacted.
pub(super) fn hot_leads(ctx: &Ctx) -> Vec<HotLead> {
    let settings = &ctx.cfg.report;
    let segment = settings.hot_segment.clone().or_else(|| {
        ctx.derived
            .segment("hot-leads")
            .map(|_| "hot-leads".to_string())
    });
    let mut leads: Vec<(usize, &Record, f64)> = ctx
        .people()
        .filter(|(slot, r)| {
            ctx.is_open_lead(r)
                && !r.do_not_contact()
                && segment
                    .as_deref()
                    .is_none_or(|s| ctx.derived.member(s, *slot))
        })
        .map(|(slot, r)| {
            let score = ctx.derived.score(slot).map_or(0.0, |s| s.total);
            (slot, r, score)
        })
        .collect();
    leads.sort_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.1.id.cmp(&b.1.id)));
    leads
        .into_iter()
        .take(settings.hot_leads)
        .map(|(slot, r, score)| {
            let (s, lines) = ctx.derived.explain(ctx.index, slot, r);
            let mut lines: Vec<_> = lines.into_iter().filter(|l| l.points != 0.0).collect();
            lines.sort_by(|a, b| b.points.abs().total_cmp(&a.points.abs()));
            HotLead {
                record: ctx.names.of(r),
                lifecycle: r.lifecycle().unwrap_or_default(),
                score: (score * 10.0).round() / 10.0,
                grade: s.grade(),
                owner: ctx.owner(r),
                last_activity: r.last_activity().map(|d| d.to_string()),
                rules: lines
                    .into_iter()
                    .map(|l| Rule {
                        points: format!(
                            "{}{}",
                            if l.points > 0.0 { "+" } else { "" },
                            crate::score::num(l.points)
                        ),
                        why: if ctx.names.public {
                            l.group.to_string()
                        } else {
                            format!("{}: {}", l.group, l.why)
                        },
                    })
                    .collect(),
            }
        })
        .collect()
}

#[derive(Debug, Serialize)]
pub struct Stale {
    pub days: i64,
    pub leads: usize,
    pub deals: usize,
    /// Per owner (unowned last), the stale leads and deals, quietest first.
    pub owners: Vec<StaleOwner>,
}

#[derive(Debug, Serialize)]
pub struct StaleOwner {
    pub owner: String,
    pub items: Vec<StaleItem>,
}

#[derive(Debug, Serialize)]
pub struct StaleItem {
    pub record: RecordRef,
    pub stage: String,
    pub last_activity: Option<String>,
    /// Days since the last activity (or since the record was created, if it has none).
    pub quiet_days: Option<i64>,
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

pub(super) fn stale(ctx: &Ctx) -> Stale {
    let days = ctx.cfg.report.stale_days;
    let mut by_owner: BTreeMap<(bool, String), Vec<StaleItem>> = BTreeMap::new();
    let (mut leads, mut deals) = (0, 0);
    let mut add = |r: &Record, stage: String| {
        let quiet = quiet_days(r, ctx.as_of);
        if quiet.is_some_and(|q| q <= days) {
            return false;
        }
        let owner = ctx.owner(r);
        by_owner
            .entry((
                owner.is_none(),
                owner.unwrap_or_else(|| "unassigned".into()),
            ))
            .or_default()
            .push(StaleItem {
                record: ctx.names.of(r),
                stage,
                last_activity: r.last_activity().map(|d| d.to_string()),
                quiet_days: quiet,
            });
        true
    };
    for (_, r) in ctx.people() {
        if ctx.is_open_lead(r) && add(r, r.lifecycle().unwrap_or_default()) {
            leads += 1;
        }
    }
    for r in ctx.deals() {
        let open = ctx.deal_stage(r).is_some_and(|s| s.closed.is_none());
        if open && add(r, r.text("stage").unwrap_or("").to_string()) {
            deals += 1;
        }
    }
    let owners = by_owner
        .into_iter()
        .map(|((_, owner), mut items)| {
            items.sort_by_key(|i| std::cmp::Reverse(i.quiet_days));
            StaleOwner { owner, items }
        })
        .collect();
    Stale {
        days,
        leads,
        deals,
        owners,
    }
}

#[derive(Debug, Serialize)]
pub struct SourceRow {
    pub source: String,
    /// People who became leads this week.
    pub leads_this_week: usize,
    /// People who are leads or further along now.
    pub leads: usize,
    pub customers: usize,
    /// customers / leads, in percent.
    pub conversion: Option<f64>,
}

pub(super) fn sources(ctx: &Ctx, moved: Option<&Moved>) -> Vec<SourceRow> {
    let (Some(lead), customer) = (ctx.lead_rank(), ctx.customer_rank()) else {
        return Vec::new();
    };
    let mut rows: BTreeMap<String, SourceRow> = BTreeMap::new();
    let source_of = |r: &Record| {
        r.text("source")
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "unknown".into())
    };
    fn row(rows: &mut BTreeMap<String, SourceRow>, s: String) -> &mut SourceRow {
        rows.entry(s.clone()).or_insert(SourceRow {
            source: s,
            leads_this_week: 0,
            leads: 0,
            customers: 0,
            conversion: None,
        })
    }
    for (_, r) in ctx.people() {
        let Some(rank) = ctx.rank(r) else { continue };
        if rank < lead {
            continue;
        }
        let entry = row(&mut rows, source_of(r));
        entry.leads += 1;
        if customer.is_some_and(|c| rank >= c) {
            entry.customers += 1;
        }
    }
    if let Some(m) = moved {
        let mut seen = std::collections::HashSet::new();
        for item in &m.new_leads {
            if !seen.insert(item.record.id.clone()) {
                continue;
            }
            if let Some(r) = ctx.index.get(Kind::Person, &item.record.id) {
                row(&mut rows, source_of(r)).leads_this_week += 1;
            }
        }
    }
    let mut out: Vec<SourceRow> = rows
        .into_values()
        .map(|mut r| {
            r.conversion = percent(r.customers, r.leads);
            r
        })
        .collect();
    out.sort_by(|a, b| b.leads.cmp(&a.leads).then_with(|| a.source.cmp(&b.source)));
    out
}

#[derive(Debug, Serialize)]
pub struct OwnerRow {
    pub id: String,
    pub name: String,
    pub leads: usize,
    pub open_deals: usize,
    /// Open deal amounts per currency.
    pub pipeline: Vec<Money>,
    /// Activity entries they logged (`@them`) dated this week.
    pub activities_this_week: usize,
}

pub(super) fn owners(ctx: &Ctx) -> Vec<OwnerRow> {
    let mut rows: Vec<OwnerRow> = ctx
        .cfg
        .teammates
        .iter()
        .map(|t| OwnerRow {
            id: t.id.clone(),
            name: t.name.clone(),
            leads: 0,
            open_deals: 0,
            pipeline: Vec::new(),
            activities_this_week: 0,
        })
        .collect();
    let unassigned = rows.len();
    rows.push(OwnerRow {
        id: String::new(),
        name: "unassigned".into(),
        leads: 0,
        open_deals: 0,
        pipeline: Vec::new(),
        activities_this_week: 0,
    });
    let row_of = |r: &Record| {
        r.text("owner")
            .and_then(|o| {
                ctx.cfg
                    .teammates
                    .iter()
                    .position(|t| t.id.eq_ignore_ascii_case(o.trim()))
            })
            .unwrap_or(unassigned)
    };
    let mut amounts: Vec<BTreeMap<String, f64>> = vec![BTreeMap::new(); rows.len()];
    for (_, r) in ctx.people() {
        if ctx.is_open_lead(r) {
            rows[row_of(r)].leads += 1;
        }
    }
    for r in ctx.deals() {
        if ctx.deal_stage(r).is_some_and(|s| s.closed.is_none()) {
            let i = row_of(r);
            rows[i].open_deals += 1;
            if let Some(a) = r.number("amount") {
                *amounts[i].entry(r.currency(ctx.cfg)).or_default() += a;
            }
        }
    }
    for r in ctx.index.records() {
        for a in &r.activities {
            if ctx.week.contains(a.date)
                && a.date <= ctx.as_of
                && let Some(by) = a.by
                && let Some(i) = ctx
                    .cfg
                    .teammates
                    .iter()
                    .position(|t| t.id.eq_ignore_ascii_case(&by))
            {
                rows[i].activities_this_week += 1;
            }
        }
    }
    for (row, amounts) in rows.iter_mut().zip(amounts) {
        row.pipeline = super::money(ctx.cfg, &amounts);
    }
    // The unassigned row only when something is unassigned.
    if rows[unassigned].leads == 0 && rows[unassigned].open_deals == 0 {
        rows.pop();
    }
    rows
}
