//! Who did what, and when: the replay's events (a record created, an entry logged), each
//! credited to a teammate or to the marketing automation, gathered into one commit per day and
//! author at a plausible time of day.

use super::timeline::{Item, Timeline};
use crate::record::config::Config;
use jiff::civil::{Date, DateTime, Time};

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Who {
    /// A teammate of kith.yaml, by id.
    Teammate(String),
    /// The marketing automation: web visits, e-mail opens, form fills, workflow moves.
    Automation,
}

/// Entry types the marketing automation logs by itself. A `stage` entry without `@teammate` is
/// a workflow's move (`workflow: lead score crossed 60, lifecycle set to mql`).
const AUTOMATED: [&str; 9] = [
    "visit",
    "email-open",
    "download",
    "webinar",
    "form",
    "demo-request",
    "workflow",
    "import",
    "stage",
];

/// One change of the replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    /// The record (by index) appears, with every entry up to its creation day.
    Create(usize),
    /// An entry (record index, item index) is logged, and its stage move made.
    Log(usize, usize),
}

/// The changes one author made on one day: one commit.
#[derive(Debug, Clone)]
pub struct Group {
    pub at: DateTime,
    pub who: Who,
    pub changes: Vec<What>,
}

/// Who logged an entry: its `@teammate`; else the automation for what it tracks; else the
/// record's owner, who keeps its log (a reply lands in their inbox); else the automation.
pub fn author(cfg: &Config, record: &Timeline, item: &Item) -> Who {
    if let Some(by) = item.by.as_deref().filter(|by| cfg.teammate(by).is_some()) {
        return Who::Teammate(by.to_string());
    }
    if AUTOMATED.contains(&item.kind.as_str()) {
        return Who::Automation;
    }
    owner(cfg, record)
}

/// Who created a record: whoever logged its first entry on its creation day (the form fill
/// that brought a lead in, the outreach that started a contact); else its owner.
pub fn creator(cfg: &Config, record: &Timeline, day: Date) -> Who {
    match record.items.iter().find(|it| it.date == day) {
        Some(item) => author(cfg, record, item),
        None => owner(cfg, record),
    }
}

fn owner(cfg: &Config, record: &Timeline) -> Who {
    match record
        .owner
        .as_deref()
        .filter(|o| cfg.teammate(o).is_some())
    {
        Some(o) => Who::Teammate(o.to_string()),
        None => Who::Automation,
    }
}

/// Groups dated changes into commits, one per day and author, in time order, at distinct
/// minutes after `after`. A group's time is just after its latest timed entry (a 16:00 call is
/// committed at 16:05), else a time of day fixed by the day and author: teammates between 08:30
/// and 18:00, the automation between 07:00 and 21:00.
pub fn groups(
    changes: Vec<(Date, Who, What)>,
    records: &[Timeline],
    after: DateTime,
) -> Vec<Group> {
    let mut by_key: std::collections::BTreeMap<(Date, Who), Vec<What>> = Default::default();
    for (date, who, what) in changes {
        by_key.entry((date, who)).or_default().push(what);
    }
    let mut out: Vec<Group> = by_key
        .into_iter()
        .map(|((date, who), changes)| {
            let name = match &who {
                Who::Teammate(id) => id.as_str(),
                Who::Automation => "automation",
            };
            let seed = hash(&format!("{date} {name}"));
            let latest = changes.iter().flat_map(|w| timed(records, *w, date)).max();
            let minutes = match (latest, &who) {
                (Some((h, m)), _) => (u32::from(h) * 60 + u32::from(m) + 2 + seed % 12).min(1439),
                (None, Who::Teammate(_)) => 8 * 60 + 30 + seed % (9 * 60 + 30),
                (None, Who::Automation) => 7 * 60 + seed % (14 * 60),
            };
            let time = Time::new((minutes / 60) as i8, (minutes % 60) as i8, 0, 0)
                .unwrap_or(Time::midnight());
            Group {
                at: date.to_datetime(time),
                who,
                changes,
            }
        })
        .collect();
    out.sort_by(|a, b| (a.at, &a.who).cmp(&(b.at, &b.who)));
    let mut last = after;
    for g in &mut out {
        if g.at <= last {
            g.at = last.saturating_add(jiff::Span::new().minutes(1));
        }
        last = g.at;
    }
    out
}

/// Moves the latest commits back so that none is later than `now` (the demo is made today,
/// and what it replays of today has happened by now), keeping them a minute apart.
pub fn not_after(groups: &mut [Group], now: DateTime) {
    let mut limit = now;
    for g in groups.iter_mut().rev() {
        if g.at <= limit {
            break;
        }
        g.at = limit;
        limit = limit.saturating_sub(jiff::Span::new().minutes(1));
    }
}

/// The times of day of the entries a change brings in on `date`.
fn timed(records: &[Timeline], what: What, date: Date) -> Vec<(u8, u8)> {
    match what {
        What::Log(r, i) => records[r].items[i].time.into_iter().collect(),
        What::Create(r) => records[r]
            .items
            .iter()
            .filter(|it| it.date == date)
            .filter_map(|it| it.time)
            .collect(),
    }
}

/// FNV-1a: a stable spread of times (the same demo every run).
fn hash(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime {
        s.parse().unwrap()
    }

    fn group(s: &str) -> Group {
        Group {
            at: at(s),
            who: Who::Automation,
            changes: Vec::new(),
        }
    }

    #[test]
    fn nothing_is_later_than_now() {
        let mut gs = vec![
            group("2026-11-24T10:00"),
            group("2026-11-25T09:00"),
            group("2026-11-25T09:01"),
            group("2026-11-25T16:00"),
        ];
        not_after(&mut gs, at("2026-11-25T09:00"));
        let times: Vec<String> = gs.iter().map(|g| g.at.to_string()).collect();
        assert_eq!(
            times,
            [
                "2026-11-24T10:00:00",
                "2026-11-25T08:58:00",
                "2026-11-25T08:59:00",
                "2026-11-25T09:00:00"
            ]
        );
    }
}
