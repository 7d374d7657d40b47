//! The people parts of the report: hot leads ready for sales, stale leads and deals, lead
//! sources, and a row per teammate.

use super::figures::Figures;
use super::{Ctx, Money, RecordRef, moved::Moved, percent};
use crate::record::{Kind, Record};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize, PartialEq)]
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

#[derive(Debug, Serialize, PartialEq)]
pub struct Rule {
    pub points: String,
    pub why: String,
}

/// The leads to hand to sales: the hot segment's members (or every open lead), by score;
/// never someone who asked not to be contacted.
pub(super) fn hot_leads(ctx: &Ctx, f: &Figures) -> Vec<HotLead> {
    let settings = &ctx.cfg.report;
    let leads = f.hot.iter().filter_map(|(score, id)| {
        let slot = ctx.index.slot(Kind::Person, id)?;
        Some((slot, ctx.index.at_slot(slot)?, score.0.0))
    });
    leads
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
                            crate::analysis::score::num(l.points)
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

#[derive(Debug, Serialize, PartialEq)]
pub struct Stale {
    pub days: i64,
    pub leads: usize,
    pub deals: usize,
    /// Per owner (unowned last), the stale leads and deals, quietest first.
    pub owners: Vec<StaleOwner>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct StaleOwner {
    pub owner: String,
    pub items: Vec<StaleItem>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StaleItem {
    pub record: RecordRef,
    pub stage: String,
    pub last_activity: Option<String>,
    /// Days since the last activity (or since the record was created, if it has none).
    pub quiet_days: Option<i64>,
}

pub(super) fn stale(ctx: &Ctx, f: &Figures) -> Stale {
    Stale {
        days: ctx.cfg.report.stale_days,
        leads: f.stale_leads,
        deals: f.stale_deals,
        owners: f
            .stale
            .iter()
            .map(|((_, owner), items)| StaleOwner {
                owner: owner.clone(),
                items: items.values().cloned().collect(),
            })
            .collect(),
    }
}

#[derive(Debug, Serialize, PartialEq)]
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

pub(super) fn sources(ctx: &Ctx, f: &Figures, moved: Option<&Moved>) -> Vec<SourceRow> {
    if ctx.lead_rank().is_none() {
        return Vec::new();
    }
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
    let mut rows: BTreeMap<String, SourceRow> = BTreeMap::new();
    for (source, (leads, customers)) in &f.sources {
        let entry = row(&mut rows, source.clone());
        entry.leads = *leads;
        entry.customers = *customers;
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

#[derive(Debug, Serialize, PartialEq)]
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

pub(super) fn owners(ctx: &Ctx, f: &Figures) -> Vec<OwnerRow> {
    let names = ctx
        .cfg
        .teammates
        .iter()
        .map(|t| (t.id.clone(), t.name.clone()))
        .chain([(String::new(), "unassigned".to_string())]);
    let mut rows: Vec<OwnerRow> = names
        .enumerate()
        .map(|(i, (id, name))| OwnerRow {
            id,
            name,
            leads: f.owner_leads[i],
            open_deals: f.owner_deals[i],
            pipeline: super::money(ctx.cfg, &f.owner_pipeline[i].sums()),
            activities_this_week: f.owner_activities[i],
        })
        .collect();
    // The unassigned row only when something is unassigned.
    let unassigned = rows.len() - 1;
    if rows[unassigned].leads == 0 && rows[unassigned].open_deals == 0 {
        rows.pop();
    }
    rows
}
