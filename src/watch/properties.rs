//! The watcher's incremental index equals a cold load after any sequence of creates, edits,
//! renames and deletes (proptest): each batch goes through [`Live::apply`], which re-scores only
//! the records a change reaches, and after every batch the canonical summary (records, scores,
//! segments, lifecycle suggestions, diagnostics) must equal that of [`Live::new`] on the same
//! files. The settings make records read each other every way the filter language allows:
//! scoring and segments through `company.X`, `company.segment.X` and `deals.*`.

use super::apply::{Live, Reread};
use super::summary::summary;
use crate::index::Index;
use crate::record::Kind;
use crate::record::config::Config;
use crate::record::parse::parse;
use jiff::civil::Date;
use proptest::prelude::*;
use std::collections::BTreeMap;

const CFG: &str = r#"
scoring:
  fit:
    rules:
      - { name: big company, when: "company.size >= 100", points: 20 }
      - { name: open deal, when: "deals.open.count >= 1", points: 10 }
  engagement:
    activities:
      visit: 10
  thresholds: {lead: 10, mql: 30, sql: 50}
segments:
  big: {of: companies, filter: "size >= 100 and deals.count >= 1"}
  at-big: "company.segment.big"
  hot: "segment.at-big and score >= 30"
  rich: "deals.won.amount > 1000"
  big-deals: {of: deals, filter: "company.segment.big and amount >= 500"}
  won-at-big: {of: deals, filter: "segment.big-deals and stage = closed-won"}
"#;

const TODAY: Date = Date::constant(2026, 11, 25);

/// A record file's text, from a few numbers.
#[derive(Debug, Clone)]
enum Text {
    Person {
        company: usize,
        /// One of two addresses, or none: people sharing one are likely duplicates.
        email: usize,
        visits: usize,
        lead: bool,
        spam: bool,
    },
    Company {
        size: usize,
    },
    Deal {
        company: usize,
        contacts: Vec<usize>,
        won: bool,
        amount: usize,
    },
}

/// Ids of each kind; `company: 3` names a company that never exists.
const IDS: usize = 4;

fn id(kind: Kind, n: usize) -> String {
    format!("{}{n}", &kind.noun()[..1])
}

impl Text {
    fn kind(&self) -> Kind {
        match self {
            Text::Person { .. } => Kind::Person,
            Text::Company { .. } => Kind::Company,
            Text::Deal { .. } => Kind::Deal,
        }
    }

    fn render(&self) -> String {
        match self {
            Text::Person {
                company,
                email,
                visits,
                lead,
                spam,
            } => {
                let mut t = "---\nname: Someone\n".to_string();
                if *email < 2 {
                    t += &format!("email: someone{email}@x.example\n");
                }
                if *company < IDS {
                    t += &format!("company: {}\n", id(Kind::Company, *company));
                }
                if *lead {
                    t += "lifecycle: lead\n";
                }
                if *spam {
                    t += "tags: [spam]\n";
                }
                t += "---\n## Activity\n";
                for _ in 0..*visits {
                    t += "- 2026-11-24 visit: /pricing\n";
                }
                t
            }
            Text::Company { size } => format!("---\nname: Firm\nsize: {size}\n---\n"),
            Text::Deal {
                company,
                contacts,
                won,
                amount,
            } => {
                let contacts: Vec<String> = contacts.iter().map(|c| id(Kind::Person, *c)).collect();
                format!(
                    "---\nname: Deal\ncompany: {}\ncontacts: [{}]\nstage: {}\namount: {amount}\n{}---\n",
                    id(Kind::Company, *company),
                    contacts.join(", "),
                    if *won { "closed-won" } else { "contract-sent" },
                    if *won { "close_date: 2026-11-20\n" } else { "" },
                )
            }
        }
    }
}

fn text() -> impl Strategy<Value = Text> {
    prop_oneof![
        (
            0..IDS + 1,
            0usize..4,
            0usize..3,
            any::<bool>(),
            prop::bool::weighted(0.1)
        )
            .prop_map(|(company, visits, email, lead, spam)| Text::Person {
                company,
                email,
                visits,
                lead,
                spam
            }),
        prop_oneof![Just(10usize), Just(500)].prop_map(|size| Text::Company { size }),
        (
            0..IDS,
            prop::collection::vec(0..IDS, 0..3),
            any::<bool>(),
            prop_oneof![Just(100usize), Just(5000)]
        )
            .prop_map(|(company, contacts, won, amount)| Text::Deal {
                company,
                contacts,
                won,
                amount
            }),
    ]
}

/// One change to the files.
#[derive(Debug, Clone)]
enum Op {
    /// Creates or overwrites a file.
    Write(usize, Text),
    Delete(Kind, usize),
    /// Moves a file to another id of its kind (over whatever was there).
    Rename(Kind, usize, usize),
}

fn op() -> impl Strategy<Value = Op> {
    let kind = prop_oneof![Just(Kind::Person), Just(Kind::Company), Just(Kind::Deal)];
    prop_oneof![
        4 => (0..IDS, text()).prop_map(|(n, t)| Op::Write(n, t)),
        1 => (kind.clone(), 0..IDS).prop_map(|(k, n)| Op::Delete(k, n)),
        1 => (kind, 0..IDS, 0..IDS).prop_map(|(k, a, b)| Op::Rename(k, a, b)),
    ]
}

/// The files, by kind and id.
type Files = BTreeMap<(Kind, String), String>;

fn parsed(cfg: &Config, kind: Kind, id: &str, text: &str) -> crate::record::parse::Parsed {
    let path = format!("{}/{id}.md", kind.dir());
    parse(kind, id, &path, text.as_bytes(), cfg)
}

/// Applies an operation to the files and returns the changes the watcher would read.
fn run(cfg: &Config, files: &mut Files, op: &Op) -> Vec<Reread> {
    let mut changed: Vec<(Kind, String)> = Vec::new();
    match op {
        Op::Write(n, t) => {
            let key = (t.kind(), id(t.kind(), *n));
            files.insert(key.clone(), t.render());
            changed.push(key);
        }
        Op::Delete(k, n) => {
            let key = (*k, id(*k, *n));
            files.remove(&key);
            changed.push(key);
        }
        Op::Rename(k, a, b) => {
            let from = (*k, id(*k, *a));
            if let Some(t) = files.remove(&from) {
                let to = (*k, id(*k, *b));
                files.insert(to.clone(), t);
                changed.push(to);
            }
            changed.push(from);
        }
    }
    changed.sort();
    changed.dedup();
    changed
        .into_iter()
        .map(|(k, id)| {
            let now = files.get(&(k, id.clone())).map(|t| parsed(cfg, k, &id, t));
            (k, id, now)
        })
        .collect()
}

fn cold(cfg: &Config, files: &Files) -> Live {
    let mut index = Index::new(cfg.clone());
    for ((k, id), t) in files {
        index.insert(parsed(cfg, *k, id, t));
    }
    Live::new(index, TODAY)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn the_incremental_index_equals_a_cold_load(
        start in prop::collection::vec(op(), 0..12),
        batches in prop::collection::vec(prop::collection::vec(op(), 1..4), 1..8),
    ) {
        let (cfg, d) = Config::parse(CFG);
        prop_assert!(d.is_empty(), "{d:?}");
        let mut files = Files::new();
        for op in &start {
            run(&cfg, &mut files, op);
        }
        let mut live = cold(&cfg, &files);
        for batch in &batches {
            // The watcher reads each path once per batch, as it is at the end of the batch.
            let mut keys: Vec<(Kind, String)> = Vec::new();
            for op in batch {
                keys.extend(run(&cfg, &mut files, op).into_iter().map(|(k, id, _)| (k, id)));
            }
            keys.sort();
            keys.dedup();
            let changes: Vec<Reread> = keys
                .into_iter()
                .map(|(k, id)| {
                    let now = files.get(&(k, id.clone())).map(|t| parsed(&cfg, k, &id, t));
                    (k, id, now)
                })
                .collect();
            live.apply(changes);
            let expected = summary(&cold(&cfg, &files));
            prop_assert_eq!(summary(&live), expected, "after {:?}", batch);
        }
    }
}
