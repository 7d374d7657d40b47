//! The figures a live session keeps ([`Tally::update`]) equal those of a fresh report
//! ([`build`]) after any sequence of creates, edits, renames and deletes (proptest): each batch
//! goes through the watcher's [`Live::apply`], the tally works out again the parts of the
//! records the batch reached, and the whole page must then equal, value for value, the one
//! built from scratch on a freshly loaded index of the same files. Records touch every figure:
//! stages, sources, owners, hot leads (a segment of scores), stale leads and deals, overdue
//! tasks, activities by teammates, logged stage moves, deals in every state, currency and
//! close month; history moves some of them.

use super::*;
use crate::git::commits::Changed;
use crate::git::history::{Commit, Event, RecordEvent};
use crate::record::config::Config;
use crate::watch::apply::{Live, Reread};
use jiff::civil::Date;
use proptest::prelude::*;
use std::collections::BTreeMap;

const CFG: &str = r#"
name: Test CRM
timezone: Europe/London
currency: EUR
teammates:
  sam: { name: Sam Okafor, emails: [sam@x.example] }
  priya: { name: Priya Raman, emails: [priya@x.example] }
report:
  stale_after: 30d
  hot_leads: 2
scoring:
  engagement:
    activities:
      visit: 10
  thresholds: {lead: 10, mql: 30, sql: 50}
segments:
  hot-leads: "score >= 20"
"#;

const TODAY: Date = Date::constant(2026, 11, 25);
const IDS: usize = 4;
const STAGES: [&str; 7] = ["", "subscriber", "lead", "mql", "sql", "customer", "other"];
const DEAL_STAGES: [&str; 5] = [
    "qualified-to-buy",
    "contract-sent",
    "closed-won",
    "closed-lost",
    "nowhere",
];
const OWNERS: [&str; 3] = ["", "sam", "priya"];

fn id(kind: Kind, n: usize) -> String {
    format!("{}{n}", &kind.noun()[..1])
}

/// A record file's text, from a few numbers.
#[derive(Debug, Clone)]
enum Text {
    Person {
        stage: usize,
        owner: usize,
        source: usize,
        visits: usize,
        /// Last active long ago (stale) or this week, by Sam.
        recent: bool,
        /// A stage entry in the log.
        logged_move: bool,
        overdue: usize,
        unqualified: bool,
        do_not_contact: bool,
        spam: bool,
    },
    Company,
    Deal {
        stage: usize,
        owner: usize,
        amount: usize,
        usd: bool,
        close: usize,
        logged_win: bool,
    },
}

impl Text {
    fn kind(&self) -> Kind {
        match self {
            Text::Person { .. } => Kind::Person,
            Text::Company => Kind::Company,
            Text::Deal { .. } => Kind::Deal,
        }
    }

    fn render(&self) -> String {
        match self {
            Text::Person {
                stage,
                owner,
                source,
                visits,
                recent,
                logged_move,
                overdue,
                unqualified,
                do_not_contact,
                spam,
            } => {
                let mut t = "---\nname: Some One\ncreated: 2026-08-01\n".to_string();
                if *stage > 0 {
                    t += &format!("lifecycle: {}\n", STAGES[*stage]);
                }
                if *owner > 0 {
                    t += &format!("owner: {}\n", OWNERS[*owner]);
                }
                if *source > 0 {
                    t += &format!("source: {}\n", ["", "webinar", "Referral"][*source]);
                }
                if *unqualified {
                    t += "lead_status: unqualified\nunqualified_reason: student\n";
                }
                if *do_not_contact {
                    t += "do_not_contact: true\n";
                }
                if *spam {
                    t += "tags: [spam]\n";
                }
                t += "---\n## Activity\n";
                if *logged_move {
                    t += "- 2026-10-01 stage: lead → mql\n";
                }
                for _ in 0..*visits {
                    t += if *recent {
                        "- 2026-11-24 visit: /pricing\n"
                    } else {
                        "- 2026-09-01 visit: /pricing\n"
                    };
                }
                if *recent {
                    t += "- 2026-11-23 call @sam: intro\n";
                }
                if *overdue > 0 {
                    t += "## Tasks\n";
                    for k in 0..*overdue {
                        t += &format!("- [ ] 2026-11-{:02} call @priya: follow up {k}\n", 10 + k);
                    }
                }
                t
            }
            Text::Company => "---\nname: Firm\n---\n".to_string(),
            Text::Deal {
                stage,
                owner,
                amount,
                usd,
                close,
                logged_win,
            } => {
                let mut t = format!(
                    "---\nname: Deal\nstage: {}\ncreated: 2026-09-01\n",
                    DEAL_STAGES[*stage]
                );
                if *owner > 0 {
                    t += &format!("owner: {}\n", OWNERS[*owner]);
                }
                if *amount > 0 {
                    t += &format!("amount: {}\n", [0.0, 1000.0, 333.33][*amount]);
                }
                if *usd {
                    t += "currency: USD\n";
                }
                if *close > 0 {
                    t += &format!(
                        "close_date: {}\n",
                        ["", "2026-11-28", "2026-12-15", "2027-08-01"][*close]
                    );
                }
                t += "---\n## Activity\n";
                if *logged_win {
                    t += "- 2026-10-31 stage: contract-sent → closed-won\n";
                }
                t
            }
        }
    }
}

fn text() -> impl Strategy<Value = Text> {
    let person = (
        (0..STAGES.len(), 0..OWNERS.len(), 0usize..3, 0usize..4),
        (
            any::<bool>(),
            any::<bool>(),
            0usize..3,
            prop::bool::weighted(0.2),
            prop::bool::weighted(0.2),
            prop::bool::weighted(0.1),
        ),
    )
        .prop_map(
            |(
                (stage, owner, source, visits),
                (recent, logged_move, overdue, unqualified, do_not_contact, spam),
            )| Text::Person {
                stage,
                owner,
                source,
                visits,
                recent,
                logged_move,
                overdue,
                unqualified,
                do_not_contact,
                spam,
            },
        );
    let deal = (
        0..DEAL_STAGES.len(),
        0..OWNERS.len(),
        0usize..3,
        any::<bool>(),
        0usize..4,
        any::<bool>(),
    )
        .prop_map(
            |(stage, owner, amount, usd, close, logged_win)| Text::Deal {
                stage,
                owner,
                amount,
                usd,
                close,
                logged_win,
            },
        );
    prop_oneof![4 => person, 1 => Just(Text::Company), 3 => deal]
}

/// One change to the files.
#[derive(Debug, Clone)]
enum Op {
    Write(usize, Text),
    Delete(Kind, usize),
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

type Files = BTreeMap<(Kind, String), String>;

fn parsed(cfg: &Config, kind: Kind, id: &str, text: &str) -> crate::record::parse::Parsed {
    let path = format!("{}/{id}.md", kind.dir());
    crate::record::parse::parse(kind, id, &path, text.as_bytes(), cfg)
}

/// Applies an operation to the files; returns the paths it touched.
fn run(files: &mut Files, op: &Op) -> Vec<(Kind, String)> {
    match op {
        Op::Write(n, t) => {
            let key = (t.kind(), id(t.kind(), *n));
            files.insert(key.clone(), t.render());
            vec![key]
        }
        Op::Delete(k, n) => {
            let key = (*k, id(*k, *n));
            files.remove(&key);
            vec![key]
        }
        Op::Rename(k, a, b) => {
            let from = (*k, id(*k, *a));
            let to = (*k, id(*k, *b));
            if let Some(t) = files.remove(&from) {
                files.insert(to.clone(), t);
            }
            vec![from, to]
        }
    }
}

/// Some history: stage moves, a creation and a hand-off this week, a move last week.
fn history() -> Vec<Changed> {
    let field = |kind, n, key: &str, old: Option<&str>, new: Option<&str>| RecordEvent {
        kind,
        id: id(kind, n),
        event: Event::Field {
            key: key.into(),
            old: old.map(crate::record::value::Value::str),
            new: new.map(crate::record::value::Value::str),
        },
    };
    let commit = |day: &str, changes| Changed {
        commit: Commit {
            id: format!("{:0>40}", day.replace('-', "")),
            author: "sam".into(),
            email: "sam@x.example".into(),
            time: format!("{day}T10:00:00Z").parse().unwrap(),
            summary: String::new(),
        },
        changes,
    };
    vec![
        commit(
            "2026-11-18",
            vec![field(
                Kind::Person,
                0,
                "lifecycle",
                Some("lead"),
                Some("mql"),
            )],
        ),
        commit(
            "2026-11-23",
            vec![
                RecordEvent {
                    kind: Kind::Person,
                    id: id(Kind::Person, 1),
                    event: Event::Created,
                },
                field(Kind::Person, 1, "lifecycle", None, Some("lead")),
                field(Kind::Person, 2, "lifecycle", Some("mql"), Some("sql")),
                field(Kind::Person, 3, "owner", Some("sam"), Some("priya")),
                field(
                    Kind::Deal,
                    0,
                    "stage",
                    Some("contract-sent"),
                    Some("closed-won"),
                ),
            ],
        ),
    ]
}

fn input<'a>(live: &'a Live, history: &'a History, uncommitted: &'a [RecordEvent]) -> Input<'a> {
    Input {
        index: &live.index,
        derived: &live.derived,
        week: Week::of(TODAY),
        as_of: TODAY,
        history,
        uncommitted,
        diagnostics: live.diagnostics(),
        duplicates: &live.duplicates.pairs,
        public: false,
    }
}

/// The page built from scratch on a fresh index of the records `live` holds (a save that
/// does not parse leaves the last good version there, as the watcher does), inserted in order
/// of kind and id as a load inserts them.
fn fresh(live: &Live, history: &History) -> String {
    let mut keys: Vec<(Kind, String)> = live
        .index
        .records()
        .map(|r| (r.kind, r.id.to_string()))
        .collect();
    keys.sort();
    let mut index = crate::index::Index::new(live.index.config.clone());
    for (k, id) in &keys {
        index.insert(live.index.parsed(*k, id).unwrap().clone());
    }
    let cold = Live::new(index, TODAY);
    // The same problems: a save that does not parse leaves its file's diagnostics.
    let weekly = build(&Input {
        index: &cold.index,
        derived: &cold.derived,
        ..input(live, history, &[])
    });
    serde_json::to_string_pretty(&weekly).unwrap()
}

/// A fresh index of the files.
fn load(cfg: &Config, files: &Files) -> Live {
    let mut index = crate::index::Index::new(cfg.clone());
    for ((k, id), t) in files {
        index.insert(parsed(cfg, *k, id, t));
    }
    Live::new(index, TODAY)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn the_live_figures_equal_a_fresh_report(
        start in prop::collection::vec(op(), 0..14),
        batches in prop::collection::vec(prop::collection::vec(op(), 1..4), 1..8),
        with_history in any::<bool>(),
    ) {
        let (cfg, d) = Config::parse(CFG);
        prop_assert!(d.is_empty(), "{d:?}");
        let history = if with_history {
            History::Available(history())
        } else {
            History::Unavailable("no git".into())
        };
        let mut files = Files::new();
        for op in &start {
            run(&mut files, op);
        }
        let mut live = load(&cfg, &files);
        let mut tally = Tally::new(&input(&live, &history, &[]), true);
        for batch in &batches {
            let mut keys: Vec<(Kind, String)> = batch.iter().flat_map(|op| run(&mut files, op)).collect();
            keys.sort();
            keys.dedup();
            let changes: Vec<Reread> = keys
                .into_iter()
                .map(|(k, id)| {
                    let now = files.get(&(k, id.clone())).map(|t| parsed(&cfg, k, &id, t));
                    (k, id, now)
                })
                .collect();
            let out = live.apply(changes);
            let input = input(&live, &history, &[]);
            tally.update(&input, &out.pages);
            let got = serde_json::to_string_pretty(&tally.weekly(&input)).unwrap();
            prop_assert_eq!(got, fresh(&live, &history), "after {:?}", batch);
        }
    }
}

#[test]
fn the_sample_records_touch_every_figure() {
    // The generator's records are worth comparing only if they make the figures non-trivial.
    let (cfg, _) = Config::parse(CFG);
    let mut files = Files::new();
    let person = |stage, recent, overdue| Text::Person {
        stage,
        owner: 1,
        source: 1,
        visits: 3,
        recent,
        logged_move: true,
        overdue,
        unqualified: false,
        do_not_contact: false,
        spam: false,
    };
    run(&mut files, &Op::Write(0, person(2, true, 1)));
    run(&mut files, &Op::Write(1, person(2, false, 0)));
    run(&mut files, &Op::Write(2, person(5, true, 0)));
    for (n, stage) in [(0, 0), (1, 2), (2, 1)] {
        let deal = Text::Deal {
            stage,
            owner: 2,
            amount: 2,
            usd: n == 1,
            close: 1,
            logged_win: true,
        };
        run(&mut files, &Op::Write(n, deal));
    }
    let page = fresh(&load(&cfg, &files), &History::Available(history()));
    let w: serde_json::Value = serde_json::from_str(&page).unwrap();
    assert!(!w["hot_leads"].as_array().unwrap().is_empty(), "{page}");
    assert_eq!(w["stale"]["leads"], 1);
    assert_eq!(w["followups"]["overdue_total"], 1);
    assert_eq!(w["deals"]["won"], 1);
    assert_eq!(
        w["deals"]["closing_this_month"].as_array().unwrap().len(),
        2
    );
    assert!(w["funnel"]["stages"][1]["moved_on"].as_u64().unwrap() > 0);
    assert_eq!(w["customers"], 1);
    assert!(
        w["owners"][0]["activities_this_week"].as_u64().unwrap() > 0,
        "{page}"
    );
}
