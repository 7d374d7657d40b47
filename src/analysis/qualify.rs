//! Qualification: who has earned a later lifecycle stage by score. It only moves people
//! forward, and never touches customers (or anyone past the lead stages), unqualified leads,
//! people outside the funnel (`other`), staff or spam.

use crate::analysis::derive::Derived;
use crate::index::Index;
use crate::record::{Kind, Record};

/// One suggested move.
#[derive(Debug, Clone, PartialEq)]
pub struct Move<'a> {
    pub person: &'a Record,
    pub score: f64,
    pub grade: String,
    pub from: Option<String>,
    pub to: String,
}

/// The stage one person's score qualifies them for, if they would move (`kith watch` asks
/// for the people a change reached only).
pub fn suggestion<'d>(derived: &'d Derived, slot: usize, r: &Record) -> Option<&'d str> {
    if r.kind != Kind::Person || r.broken {
        return None;
    }
    target(derived, ceiling(derived), r, derived.score(slot)?.total)
}

/// What a person's score means for their lifecycle stage, from the stage they are at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outlook<'d> {
    /// The score earns this later stage; `kith qualify --apply` moves them there.
    Moves(&'d str),
    /// They are at the stage whose threshold the score reaches, or past it.
    Reached(&'d str),
    /// The score reaches this stage's threshold, but scoring never moves them: see [`Held`].
    Held(&'d str, Held),
    /// The score is below every threshold.
    Below,
}

/// Why scoring leaves someone where they are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Held {
    /// At an opportunity stage or later (a customer, say).
    PastLeads,
    /// At a stage outside the funnel (`other`) or one kith.yaml does not list.
    OutsideFunnel,
    /// A lead marked `lead_status: unqualified`.
    Unqualified,
    /// The threshold reached names a stage past the lead stages, which scoring never gives.
    NotByScore,
}

/// What `score` means for this person, from their current stage (as [`plan`] decides it).
pub fn outlook<'d>(derived: &'d Derived, r: &Record, score: f64) -> Outlook<'d> {
    let Some(reached) = derived.model.qualifies_for(score) else {
        return Outlook::Below;
    };
    let ceiling = ceiling(derived);
    if let Some(to) = target(derived, ceiling, r, score) {
        return Outlook::Moves(to);
    }
    let lc = &derived.cfg.lifecycle;
    let reached_rank = lc.rank(reached).unwrap_or(usize::MAX);
    let held = |why| Outlook::Held(reached, why);
    match r.lifecycle().as_deref().map(|s| lc.rank(s)) {
        Some(None) => held(Held::OutsideFunnel),
        Some(Some(at)) if at >= ceiling => held(Held::PastLeads),
        Some(Some(at)) if at >= reached_rank => Outlook::Reached(reached),
        _ if reached_rank >= ceiling => held(Held::NotByScore),
        _ => held(Held::Unqualified),
    }
}

/// The first stage past the lead stages (opportunity, customer, ...): nobody there moves.
fn ceiling(derived: &Derived) -> usize {
    let lc = &derived.cfg.lifecycle;
    lc.opportunity_stage()
        .and_then(|s| lc.rank(s))
        .unwrap_or(usize::MAX)
}

fn target<'d>(derived: &'d Derived, ceiling: usize, r: &Record, score: f64) -> Option<&'d str> {
    let lc = &derived.cfg.lifecycle;
    let to = derived.model.qualifies_for(score)?;
    let to_rank = lc.rank(to)?;
    let from_rank = match r.lifecycle().as_deref() {
        None => None,
        Some(s) => Some(lc.rank(s)?), // outside the funnel or unknown: never moved
    };
    let unqualified = r
        .text("lead_status")
        .is_some_and(|s| s.trim().eq_ignore_ascii_case("unqualified"));
    let moves =
        from_rank.is_none_or(|f| f < to_rank && f < ceiling) && to_rank < ceiling && !unqualified;
    moves.then_some(to)
}

/// Every person whose score qualifies them for a later stage than theirs, by id.
pub fn plan<'a>(index: &'a Index, derived: &Derived) -> Vec<Move<'a>> {
    let ceiling = ceiling(derived);
    let mut out: Vec<Move> = index
        .entries()
        .filter(|(_, r)| r.kind == Kind::Person && !r.broken)
        .filter_map(|(slot, r)| {
            let score = derived.score(slot)?;
            let to = target(derived, ceiling, r, score.total)?;
            Some(Move {
                person: r,
                score: score.total,
                grade: score.grade(),
                from: r.lifecycle(),
                to: to.to_string(),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.person.id.cmp(&b.person.id))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::config::Config;
    use jiff::civil::Date;

    #[test]
    fn moves_only_forward_and_only_leads() {
        let (cfg, d) = Config::parse(
            "internal_domains: [us.example]\nscoring:\n  engagement:\n    activities:\n      visit: 10\n    cap: 100\n  total_cap: 100\n  signals:\n    rules: []\n  thresholds: {lead: 10, mql: 30, sql: 50}\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let visits = |n: usize| -> String {
            (0..n)
                .map(|i| format!("- 2026-11-2{} visit: /x\n", i % 5))
                .collect::<String>()
        };
        let people = [
            ("plain", String::new(), 2),
            ("subscriber", "lifecycle: subscriber\n".to_string(), 4),
            ("mql-high", "lifecycle: mql\n".to_string(), 6),
            ("sql-high", "lifecycle: sql\n".to_string(), 9),
            ("customer", "lifecycle: customer\n".to_string(), 9),
            (
                "unqualified",
                "lifecycle: lead\nlead_status: unqualified\n".to_string(),
                9,
            ),
            ("other", "lifecycle: other\n".to_string(), 9),
            ("staff", "email: s@us.example\n".to_string(), 9),
            ("cold", "lifecycle: mql\n".to_string(), 0),
        ];
        let texts: Vec<(String, String)> = people
            .iter()
            .map(|(id, fm, n)| {
                (
                    id.to_string(),
                    format!("---\nname: {id}\n{fm}---\n## Activity\n{}", visits(*n)),
                )
            })
            .collect();
        let index = Index::from_texts(
            cfg,
            texts
                .iter()
                .map(|(id, t)| (Kind::Person, id.as_str(), t.as_str())),
        );
        let (derived, _) = Derived::compute(&index, Date::constant(2026, 11, 25));
        let moves: Vec<(String, Option<String>, String)> = plan(&index, &derived)
            .into_iter()
            .map(|m| (m.person.id.to_string(), m.from, m.to))
            .collect();
        assert_eq!(
            moves,
            [
                (
                    "mql-high".to_string(),
                    Some("mql".to_string()),
                    "sql".to_string()
                ),
                (
                    "subscriber".to_string(),
                    Some("subscriber".to_string()),
                    "mql".to_string()
                ),
                ("plain".to_string(), None, "lead".to_string()),
            ]
        );
    }
}
