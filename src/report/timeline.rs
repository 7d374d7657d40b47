//! Each record's moves between stages (a person's lifecycle, a deal's stage), dated: from the
//! `stage` entries kith writes in a record's activity log, and from git history for moves made
//! by hand (a `lifecycle:` edited in an editor leaves no log entry, but leaves a commit).

use crate::git::commits::Changed;
use crate::git::history::Event;
use crate::record::LIFECYCLE;
use crate::record::config::Config;
use crate::record::{Kind, Record};
use compact_str::CompactString;
use jiff::civil::Date;
use rustc_hash::FxHashMap;

/// One move between stages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub date: Date,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The field that holds a record's stage.
pub fn stage_field(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Person => Some(LIFECYCLE),
        Kind::Deal => Some("stage"),
        Kind::Company => None,
    }
}

/// A `stage` log entry's text, `lead → sql` (or `lead -> sql`), as (from, to).
pub fn parse_stage_entry(text: &str) -> Option<(String, String)> {
    let (from, to) = text.split_once('→').or_else(|| text.split_once("->"))?;
    let clean = |s: &str| {
        s.trim()
            .trim_end_matches(['.', ';'])
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_lowercase()
    };
    let (from, to) = (clean(from), clean(to));
    (!from.is_empty() && !to.is_empty()).then_some((from, to))
}

/// The stage moves git history holds, per record in history's order, each with the day of
/// its commit: what [`of`] adds to a record's own log. Read once per history.
pub type FromHistory = FxHashMap<(Kind, CompactString), Vec<(Move, Date)>>;

/// The stage changes in `history`, by record (a record's first stage is where it starts, not a
/// move).
pub fn from_history(cfg: &Config, history: &[Changed]) -> FromHistory {
    let mut out: FromHistory = FxHashMap::default();
    for c in history {
        let committed = crate::git::history::date(cfg, &c.commit);
        for (at, change) in c.changes.iter().enumerate() {
            let Some(field) = stage_field(change.kind) else {
                continue;
            };
            let Event::Field { key, old, new } = &change.event else {
                continue;
            };
            if key != field || old.is_none() {
                continue;
            }
            // The date the move was made, when the same commit says it.
            let date = super::field_in(&c.changes, at, "lifecycle_changed")
                .and_then(|d| crate::record::activity::parse_date(&d))
                .unwrap_or(committed);
            let text = super::text;
            let m = Move {
                date,
                from: text(old),
                to: text(new),
            };
            out.entry((change.kind, change.id.as_str().into()))
                .or_default()
                .push((m, committed));
        }
    }
    out
}

/// One record's moves, oldest first: its log's `stage` entries, plus its moves from history
/// (see [`from_history`]) that no log entry records.
pub fn of(r: &Record, history: Option<&Vec<(Move, Date)>>) -> Vec<Move> {
    if stage_field(r.kind).is_none() {
        return history.map_or_else(Vec::new, |h| merge(Vec::new(), h));
    }
    let moves: Vec<Move> = r
        .activities
        .iter()
        .filter(|a| a.kind == "stage")
        .filter_map(|a| {
            let (from, to) = parse_stage_entry(&a.text)?;
            Some(Move {
                date: a.date,
                from: Some(from),
                to: Some(to),
            })
        })
        .collect();
    match history {
        Some(h) => merge(moves, h),
        None => moves,
    }
}

/// A log's moves with history's moves that the log (or an earlier one from history) does not
/// record already, sorted by date.
fn merge(mut list: Vec<Move>, history: &[(Move, Date)]) -> Vec<Move> {
    for (m, committed) in history {
        let logged = list.iter().any(|l| {
            l.to == m.to && (m.date - l.date).get_days().abs() <= 7 && l.date <= *committed
        });
        if !logged {
            list.push(m.clone());
        }
    }
    list.sort_by_key(|m| m.date);
    list
}

/// The stages a record went through, each with the date it entered it: its starting stage
/// from its `created` date, then every move.
pub fn stays(r: &Record, moves: &[Move]) -> Vec<(String, Option<Date>)> {
    let mut out = Vec::new();
    if let Some(first) = moves.first()
        && let Some(from) = &first.from
    {
        out.push((from.clone(), r.date("created")));
    }
    for m in moves {
        if let Some(to) = &m.to {
            out.push((to.clone(), Some(m.date)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_entries_read_both_arrows_and_ignore_what_follows() {
        assert_eq!(
            parse_stage_entry("lead → sql"),
            Some(("lead".into(), "sql".into()))
        );
        assert_eq!(
            parse_stage_entry("MQL -> SQL (score 71)"),
            Some(("mql".into(), "sql".into()))
        );
        assert_eq!(parse_stage_entry("moved to sql"), None);
    }
}
