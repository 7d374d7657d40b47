//! The other pages of the report site: one per segment and one per record (its card, notes,
//! activity timeline, score breakdown and field history).

use super::{Names, RecordRef};
use crate::analysis::derive::Derived;
use crate::git::commits::Changed;
use crate::git::history::Event;
use crate::index::Index;
use crate::record::config::Config;
use crate::record::{Kind, Record};
use rustc_hash::FxHashMap;
use serde::Serialize;

#[derive(Debug, Serialize, PartialEq)]
pub struct SegmentPage {
    pub name: String,
    pub description: String,
    /// `people`, `companies` or `deals`
    pub of: &'static str,
    pub filter: String,
    pub members: Vec<Member>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Member {
    pub record: RecordRef,
    pub stage: Option<String>,
    pub score: Option<f64>,
    pub grade: Option<String>,
    pub owner: Option<String>,
    pub last_activity: Option<String>,
}

/// Every segment's page, members by score (highest first), then name.
pub fn segments(index: &Index, derived: &Derived, public: bool) -> Vec<SegmentPage> {
    super::members::Members::new(index, derived, public, false).into_pages()
}

/// The page of segment `i` (in [`Derived::segments`] order), without listing the others:
/// a page holds a copy of every member's name, stage and owner, and `kith report` makes them
/// one at a time.
pub fn segment(index: &Index, derived: &Derived, public: bool, i: usize) -> SegmentPage {
    super::members::Members::one_page(index, derived, public, i)
}

/// How many records each segment's page lists, without making the pages.
pub fn segment_sizes(index: &Index, derived: &Derived) -> Vec<usize> {
    derived
        .segments
        .iter()
        .map(|s| {
            derived
                .members(&s.name)
                .into_iter()
                .filter(|&slot| index.at_slot(slot).is_some())
                .count()
        })
        .collect()
}

#[derive(Debug, Serialize)]
pub struct RecordPage {
    pub kind: &'static str,
    pub id: String,
    pub name: String,
    pub path: String,
    pub fields: Vec<Field>,
    pub notes_html: String,
    pub activities: Vec<Activity>,
    /// The `## Tasks` items, open ones first (by due date), then done ones.
    pub tasks: Vec<TaskRow>,
    pub score: Option<ScorePart>,
    pub segments: Vec<String>,
    pub related: Vec<RecordRef>,
    pub history: Vec<HistoryRow>,
}

#[derive(Debug, Serialize)]
pub struct Field {
    pub key: String,
    pub value: String,
    /// The record a reference field points at.
    pub link: Option<RecordRef>,
    /// The records a list of references points at (a deal's contacts), by name.
    pub links: Vec<RecordRef>,
}

#[derive(Debug, Serialize)]
pub struct Activity {
    pub date: String,
    pub time: Option<String>,
    pub kind: String,
    pub by: Option<String>,
    pub text: String,
    /// The text in pieces, wiki links (`[[calder-mutual|Calder]]`) as links to their pages.
    pub parts: Vec<TextPart>,
}

/// A piece of an activity's text: plain, or a wiki link's label and where it leads.
#[derive(Debug, Serialize)]
pub struct TextPart {
    pub text: String,
    pub href: Option<String>,
}

/// `text` in pieces: each wiki link becomes its label (else its target), with the URL `link`
/// gives it, if any.
fn text_parts(text: &str, link: &dyn Fn(&str) -> Option<String>) -> Vec<TextPart> {
    let mut out = Vec::new();
    let mut at = 0;
    for (start, end, inner) in crate::record::mention::links(text) {
        if start > at {
            out.push(TextPart {
                text: text[at..start].to_string(),
                href: None,
            });
        }
        let (target, label) = inner.split_once('|').unwrap_or((inner, inner));
        let label = if label.trim().is_empty() {
            target
        } else {
            label
        };
        out.push(TextPart {
            text: label.trim().to_string(),
            href: link(target.trim()),
        });
        at = end;
    }
    if at < text.len() {
        out.push(TextPart {
            text: text[at..].to_string(),
            href: None,
        });
    }
    out
}

#[derive(Debug, Serialize)]
pub struct TaskRow {
    pub done: bool,
    pub due: String,
    pub kind: String,
    pub owner: Option<String>,
    pub text: String,
    pub reason: String,
    /// Days past due (open tasks only).
    pub late_days: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct ScorePart {
    pub total: String,
    pub fit: String,
    pub engagement: String,
    pub grade: String,
    pub rules: Vec<super::people::Rule>,
}

#[derive(Debug, Serialize, Clone)]
pub struct HistoryRow {
    pub date: String,
    pub who: String,
    pub change: String,
}

/// Each record's committed changes, newest first.
pub fn histories(cfg: &Config, history: &[Changed]) -> FxHashMap<(Kind, String), Vec<HistoryRow>> {
    let mut out: FxHashMap<(Kind, String), Vec<HistoryRow>> = FxHashMap::default();
    for c in history.iter().rev() {
        let who = crate::git::history::who(cfg, &c.commit);
        let date = crate::git::history::date(cfg, &c.commit).to_string();
        // A record's creation is one row, not one per field it was created with.
        let created: rustc_hash::FxHashSet<(Kind, &str)> = c
            .changes
            .iter()
            .filter(|ch| matches!(ch.event, Event::Created))
            .map(|ch| (ch.kind, ch.id.as_str()))
            .collect();
        for change in &c.changes {
            if matches!(change.event, Event::Field { .. })
                && created.contains(&(change.kind, change.id.as_str()))
            {
                continue;
            }
            let text = match &change.event {
                Event::Created => "created".to_string(),
                Event::Deleted => "deleted".to_string(),
                Event::Renamed { from } => format!("renamed from {from}"),
                Event::Field { key, old, new } => format!(
                    "{key}: {} → {}",
                    crate::git::diff::show(old),
                    crate::git::diff::show(new)
                ),
                Event::Logged(a) => format!("logged {}: {}", a.kind.as_str(), a.text),
            };
            out.entry((change.kind, change.id.clone()))
                .or_default()
                .push(HistoryRow {
                    date: date.clone(),
                    who: who.clone(),
                    change: text,
                });
        }
    }
    out
}

/// A record's page.
pub fn record(
    index: &Index,
    derived: &Derived,
    slot: usize,
    r: &Record,
    history: Vec<HistoryRow>,
) -> RecordPage {
    let cfg = &index.config;
    let names = Names {
        index,
        public: false,
        style: cfg.report.public_names,
    };
    let fields = r
        .fields
        .iter()
        .map(|(k, v)| {
            let key = k.as_str();
            let link = match (r.kind, key) {
                (Kind::Person | Kind::Deal, "company") => v
                    .as_str()
                    .and_then(|id| index.get(Kind::Company, id.trim()))
                    .map(|c| names.of(c)),
                _ => None,
            };
            let links = match (r.kind, key) {
                (Kind::Deal | Kind::Company, "contacts") => r
                    .list("contacts")
                    .filter_map(|id| index.get(Kind::Person, id.trim()))
                    .map(|p| names.of(p))
                    .collect(),
                _ => Vec::new(),
            };
            // Owners by name, as everywhere else in the report; a deal's amount as money.
            let value = match key {
                "owner" => super::owner_name(cfg, r).unwrap_or_else(|| v.to_text()),
                "amount" if r.kind == Kind::Deal => v.as_f64().map_or_else(
                    || v.to_text(),
                    |a| super::money::amount(&cfg.report.locale, &r.currency(cfg), a),
                ),
                _ => v.to_text(),
            };
            Field {
                key: key.to_string(),
                value,
                link,
                links,
            }
        })
        .collect();
    let mut related: Vec<RecordRef> = Vec::new();
    match r.kind {
        Kind::Company => {
            related.extend(
                index
                    .people_of_company(&r.id)
                    .into_iter()
                    .map(|p| names.of(p)),
            );
            related.extend(
                index
                    .deals_of_company(&r.id)
                    .into_iter()
                    .map(|d| names.of(d)),
            );
        }
        Kind::Person => {
            related.extend(
                index
                    .deals_of_contact(&r.id)
                    .into_iter()
                    .map(|d| names.of(d)),
            );
        }
        Kind::Deal => {
            for p in r.list("contacts") {
                if let Some(p) = index.get(Kind::Person, p.trim()) {
                    related.push(names.of(p));
                }
            }
        }
    }
    let score = (r.kind == Kind::Person)
        .then(|| derived.score(slot).map(|_| derived.explain(index, slot, r)))
        .flatten()
        .map(|(s, lines)| ScorePart {
            total: crate::analysis::score::num(s.total),
            fit: crate::analysis::score::num(s.fit),
            engagement: crate::analysis::score::num(s.engagement),
            grade: s.grade(),
            rules: lines
                .into_iter()
                .filter(|l| l.points != 0.0)
                .map(|l| super::people::Rule {
                    points: format!(
                        "{}{}",
                        if l.points > 0.0 { "+" } else { "" },
                        crate::analysis::score::num(l.points)
                    ),
                    why: format!("{}: {}", l.group, l.why),
                })
                .collect(),
        });
    // From a record's page (`contacts/ada.html`) to another's.
    let link = |target: &str| {
        let (kind, id) = crate::record::mention::target(target)?;
        let found = *index.mention_kinds(kind, id).first()?;
        Some(format!("../{}/{id}.html", found.dir()))
    };
    let mut activities: Vec<Activity> = r
        .activities
        .iter()
        .map(|a| Activity {
            parts: text_parts(&a.text, &link),
            date: a.date.to_string(),
            time: a.time.map(|(h, m)| format!("{h:02}:{m:02}")),
            kind: a.kind.as_str().to_string(),
            by: a.by.map(|b| {
                cfg.teammate(b.as_str())
                    .map_or_else(|| b.as_str().to_string(), |t| t.name.clone())
            }),
            text: a.text.to_string(),
        })
        .collect();
    activities.reverse();
    let as_of = derived.as_of;
    let mut tasks: Vec<&crate::record::task::Task> = crate::record::task::open_tasks(&r.tasks);
    tasks.extend(r.tasks.iter().filter(|t| t.done));
    let tasks = tasks
        .into_iter()
        .map(|t| TaskRow {
            done: t.done,
            due: t.due.to_string(),
            kind: t.kind.as_str().to_string(),
            owner: t.owner.map(|o| {
                cfg.teammate(o.as_str())
                    .map_or_else(|| o.as_str().to_string(), |m| m.name.clone())
            }),
            text: t.text.to_string(),
            reason: t.origin.describe(),
            late_days: (!t.done && t.due < as_of).then(|| (as_of - t.due).get_days() as i64),
        })
        .collect();
    RecordPage {
        kind: r.kind.noun(),
        id: r.id.to_string(),
        name: r.name().to_string(),
        path: r.path(),
        fields,
        notes_html: crate::report::markdown::to_html_linked(&r.notes, &link),
        activities,
        tasks,
        score,
        segments: derived
            .segments_of(slot)
            .into_iter()
            .map(str::to_string)
            .collect(),
        related,
        history,
    }
}
