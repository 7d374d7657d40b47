//! The report's figures on small hand-built workspaces and histories, checked against
//! numbers worked out by hand.

use super::*;
use crate::git::commits::Changed;
use crate::git::history::{Commit, Event, RecordEvent};
use crate::record::value::Value;
use jiff::civil::date;

const CONFIG: &str = "name: Test CRM
timezone: Europe/London
currency: EUR
teammates:
  sam: { name: Sam Okafor, emails: [sam@x.example] }
  priya: { name: Priya Raman, emails: [priya@x.example] }
internal_domains: [x.example]
report:
  stale_after: 30d
  hot_leads: 2
  rates: { USD: 0.5 }
";

fn person(name: &str, extra: &str, body: &str) -> String {
    format!("---\nname: {name}\n{extra}---\n{body}")
}

struct Fixture {
    texts: Vec<(Kind, String, String)>,
}

impl Fixture {
    fn new() -> Fixture {
        let p = |id: &str, text: String| (Kind::Person, id.to_string(), text);
        let d = |id: &str, text: String| (Kind::Deal, id.to_string(), text);
        Fixture {
            texts: vec![
                // Funnel: 1 subscriber, 3 leads (one unqualified), 2 mql, 1 sql, 1 customer.
                p("sub", person("Sub Scriber", "lifecycle: subscriber\nsource: website\ncreated: 2026-09-01\n", "")),
                p("l1", person("Lea One", "lifecycle: lead\nsource: webinar\nowner: sam\ncreated: 2026-10-01\n", "## Activity\n- 2026-11-24 call @sam: intro\n")),
                p("l2", person("Lea Two", "lifecycle: lead\nsource: webinar\ncreated: 2026-08-01\n", "## Activity\n- 2026-09-01 visit: /\n")),
                p("l3", person("Lea Three", "lifecycle: lead\nlead_status: unqualified\nunqualified_reason: student\ncreated: 2026-08-01\n", "")),
                p("m1", person("Em One", "lifecycle: mql\nsource: website\nowner: priya\ncreated: 2026-10-01\n", "## Activity\n- 2026-10-01 stage: lead → mql\n- 2026-11-20 visit: /pricing\n")),
                p("m2", person("Em Two", "lifecycle: mql\nsource: referral\nowner: sam\ncreated: 2026-10-10\n", "## Activity\n- 2026-10-20 stage: lead → mql\n- 2026-11-23 email @sam: follow-up\n")),
                p("s1", person("Es One", "lifecycle: sql\nsource: webinar\nowner: Sam\ncreated: 2026-09-01\n", "## Activity\n- 2026-09-11 stage: lead → mql\n- 2026-10-11 stage: mql → sql\n- 2026-11-25 meeting @priya: demo\n")),
                p("c1", person("Cu One", "lifecycle: customer\nsource: referral\ncreated: 2026-06-01\n", "## Activity\n- 2026-11-01 call @priya: check-in\n")),
                // Staff: left out of everything.
                p("staff", person("Sam Okafor", "email: sam@x.example\nlifecycle: other\nother_reason: staff\n", "")),
                d("open-eur", "---\nname: Open EUR\namount: 10000\nstage: qualified-to-buy\nclose_date: 2026-11-30\nowner: sam\ncreated: 2026-10-01\n---\n## Activity\n- 2026-11-20 call @sam: pricing\n".into()),
                d("open-usd", "---\nname: Open USD\namount: 4000\ncurrency: USD\nstage: contract-sent\nclose_date: 2026-12-15\ncreated: 2026-09-01\n---\n".into()),
                d("won", "---\nname: Won\namount: 6000\nstage: closed-won\ncreated: 2026-09-01\nclose_date: 2026-10-31\n---\n## Activity\n- 2026-10-31 stage: contract-sent → closed-won\n".into()),
                d("lost", "---\nname: Lost\namount: 3000\nstage: closed-lost\nlost_reason: budget\ncreated: 2026-09-01\n---\n".into()),
            ],
        }
    }

    fn index(&self) -> Index {
        let (cfg, diags) = Config::parse(CONFIG);
        assert!(diags.is_empty(), "{diags:?}");
        Index::from_texts(
            cfg,
            self.texts
                .iter()
                .map(|(k, id, t)| (*k, id.as_str(), t.as_str())),
        )
    }
}

fn commit(day: &str, email: &str, changes: Vec<RecordEvent>) -> Changed {
    Changed {
        commit: Commit {
            id: format!("{:0>40}", day.replace('-', "")),
            author: email.split('@').next().unwrap().to_string(),
            email: email.to_string(),
            time: format!("{day}T10:00:00Z").parse().unwrap(),
            summary: String::new(),
        },
        changes,
    }
}

fn field(kind: Kind, id: &str, key: &str, old: Option<&str>, new: Option<&str>) -> RecordEvent {
    RecordEvent {
        kind,
        id: id.into(),
        event: Event::Field {
            key: key.into(),
            old: old.map(Value::str),
            new: new.map(Value::str),
        },
    }
}

fn created(kind: Kind, id: &str) -> RecordEvent {
    RecordEvent {
        kind,
        id: id.into(),
        event: Event::Created,
    }
}

fn weekly(
    index: &Index,
    history: Vec<Changed>,
    uncommitted: Vec<RecordEvent>,
    public: bool,
) -> Weekly {
    let as_of = date(2026, 11, 25);
    let (derived, _) = Derived::compute(index, as_of);
    let diags = crate::analysis::diagnostics(index);
    build(&Input {
        index,
        derived: &derived,
        week: Week::of(as_of),
        as_of,
        history: &History::Available(history),
        uncommitted: &uncommitted,
        diagnostics: &diags,
        duplicates: &[],
        public,
    })
}

#[test]
fn the_funnel_counts_stages_rates_and_median_stays() {
    let f = Fixture::new();
    let index = f.index();
    let w = weekly(&index, Vec::new(), Vec::new(), false);
    let row = |s: &str| w.funnel.stages.iter().find(|r| r.stage == s).unwrap();
    assert_eq!(w.funnel.total, 8, "staff left out");
    assert_eq!(w.funnel.excluded, 1);
    assert_eq!(
        w.funnel.stages.iter().map(|s| s.count).collect::<Vec<_>>(),
        [1, 3, 2, 1, 0, 1, 0]
    );
    // reached: subscriber 8, lead 7, mql 4, sql 2, opportunity 1, customer 1.
    assert_eq!(row("lead").reached, 7);
    assert_eq!(row("lead").next_rate, Some(57.1)); // 4 / 7
    assert_eq!(row("mql").next_rate, Some(50.0)); // 2 / 4
    assert_eq!(row("sql").cumulative_rate, Some(25.0)); // 2 / 8
    assert_eq!(w.funnel.leads_to_customers, Some(14.3)); // 1 / 7
    // Stays at lead before mql: m1 0 days (created 10-01, moved 10-01), m2 10, s1 10 → 10.
    assert_eq!(row("lead").median_days, Some(10.0));
    assert_eq!(row("lead").moved_on, 3);
    // s1 stayed 30 days at mql.
    assert_eq!(row("mql").median_days, Some(30.0));
}

#[test]
fn moved_this_week_comes_from_commits_of_the_week_and_uncommitted_changes() {
    let f = Fixture::new();
    let index = f.index();
    let history = vec![
        // Last week: not this week's.
        commit(
            "2026-11-20",
            "sam@x.example",
            vec![field(
                Kind::Person,
                "m1",
                "lifecycle",
                Some("lead"),
                Some("mql"),
            )],
        ),
        // This week (Monday 23 November onwards).
        commit(
            "2026-11-23",
            "sam@x.example",
            vec![
                created(Kind::Person, "l1"),
                field(Kind::Person, "l1", "name", None, Some("Lea One")),
                field(Kind::Person, "l1", "lifecycle", None, Some("lead")),
                field(Kind::Person, "s1", "lifecycle", Some("mql"), Some("sql")),
            ],
        ),
        commit(
            "2026-11-24",
            "priya@x.example",
            vec![
                field(Kind::Person, "m2", "lifecycle", Some("sql"), Some("mql")),
                field(
                    Kind::Deal,
                    "won",
                    "stage",
                    Some("contract-sent"),
                    Some("closed-won"),
                ),
                field(
                    Kind::Deal,
                    "lost",
                    "stage",
                    Some("qualified-to-buy"),
                    Some("closed-lost"),
                ),
                // Staff changes are not the pipeline's.
                field(
                    Kind::Person,
                    "staff",
                    "lifecycle",
                    Some("lead"),
                    Some("other"),
                ),
            ],
        ),
    ];
    let pending = vec![field(
        Kind::Person,
        "sub",
        "lifecycle",
        Some("subscriber"),
        Some("lead"),
    )];
    let w = weekly(&index, history, pending, false);
    let m = w.moved.as_ref().unwrap();
    assert_eq!(m.commits, 2);
    let ids = |items: &[moved::Item]| {
        items
            .iter()
            .map(|i| i.record.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&m.new_contacts), ["l1"]);
    assert_eq!(ids(&m.new_leads), ["l1", "sub"]);
    assert_eq!(ids(&m.advanced), ["s1", "sub"]);
    assert_eq!(ids(&m.regressed), ["m2"]);
    assert_eq!(ids(&m.deals_won), ["won"]);
    assert_eq!(ids(&m.deals_lost), ["lost"]);
    assert_eq!(m.advanced[0].who, "sam");
    assert_eq!(m.advanced[0].date, "2026-11-23");
    assert_eq!(m.regressed[0].who, "priya");
    assert_eq!(m.advanced[1].commit, None, "not yet committed");
    assert_eq!(m.deals_won[0].amount.as_ref().unwrap().text, "6,000 EUR");
    assert_eq!(w.history.uncommitted, 1);
    // Sources: new leads this week by source.
    // Webinar: l1, l2 and s1 (l3 has no source).
    let webinar = w.sources.iter().find(|s| s.source == "webinar").unwrap();
    assert_eq!(
        (webinar.leads_this_week, webinar.leads, webinar.customers),
        (1, 3, 0)
    );
    let referral = w.sources.iter().find(|s| s.source == "referral").unwrap();
    assert_eq!(
        (referral.leads, referral.customers, referral.conversion),
        (2, 1, Some(50.0))
    );
}

/// The trend's last `n` weeks: (week, leads, customers).
fn last_weeks(w: &Weekly, n: usize) -> Vec<(String, usize, usize)> {
    let weeks = &w.trend.as_ref().expect("history is available").weeks;
    weeks[weeks.len() - n..]
        .iter()
        .map(|w| (w.week.clone(), w.leads, w.customers))
        .collect()
}

#[test]
fn the_trend_undoes_each_weeks_lifecycle_changes() {
    let f = Fixture::new();
    let index = f.index();
    // Now: 6 open leads (l1 l2 l3 m1 m2 s1; l3 is unqualified but still at a lead stage),
    // 1 customer.
    let history = vec![
        commit(
            "2026-11-10",
            "sam@x.example",
            vec![field(
                Kind::Person,
                "c1",
                "lifecycle",
                Some("sql"),
                Some("customer"),
            )],
        ),
        commit(
            "2026-11-17",
            "sam@x.example",
            vec![
                created(Kind::Person, "l1"),
                field(Kind::Person, "l1", "lifecycle", None, Some("lead")),
            ],
        ),
        commit(
            "2026-11-24",
            "sam@x.example",
            vec![field(
                Kind::Person,
                "m2",
                "lifecycle",
                Some("subscriber"),
                Some("mql"),
            )],
        ),
    ];
    let w = weekly(&index, history, Vec::new(), false);
    assert_eq!(w.trend.as_ref().unwrap().weeks.len(), 12);
    let last4 = last_weeks(&w, 4);
    assert_eq!(
        last4,
        [
            ("2026-W45".to_string(), 5, 0), // before c1 became a customer (it was an sql lead)
            ("2026-W46".to_string(), 4, 1), // c1 a customer; l1 not created yet; m2 a subscriber
            ("2026-W47".to_string(), 5, 1), // l1 created
            ("2026-W48".to_string(), 6, 1), // m2 back to a lead stage
        ]
    );
}

/// A change of this kind (deleted, renamed from `from`) to a record.
fn event(kind: Kind, id: &str, event: Event) -> RecordEvent {
    RecordEvent {
        kind,
        id: id.into(),
        event,
    }
}

/// Undoing a deletion brings the person back at the stage its fields had; undoing a rename
/// moves the stage back to the old name, even when that name is now someone left out of the
/// counts (staff); that someone's own changes are passed over.
#[test]
fn the_trend_undoes_deletions_renames_and_passes_over_people_left_out() {
    let f = Fixture::new();
    let index = f.index();
    let renamed = |id: &str, from: &str| {
        event(
            Kind::Person,
            id,
            Event::Renamed {
                from: from.to_string(),
            },
        )
    };
    let history = vec![
        // W46: a customer deleted (its fields first, as git's diff lists them).
        commit(
            "2026-11-10",
            "sam@x.example",
            vec![
                field(Kind::Person, "gone", "lifecycle", Some("customer"), None),
                event(Kind::Person, "gone", Event::Deleted),
            ],
        ),
        // W47: l2 renamed from old-l2; staff (left out) was a lead before.
        commit("2026-11-17", "sam@x.example", vec![renamed("l2", "old-l2")]),
        commit(
            "2026-11-18",
            "sam@x.example",
            vec![field(
                Kind::Person,
                "staff",
                "lifecycle",
                Some("lead"),
                Some("other"),
            )],
        ),
        // W48: l3 renamed from the id staff has now.
        commit("2026-11-24", "sam@x.example", vec![renamed("l3", "staff")]),
    ];
    let w = weekly(&index, history, Vec::new(), false);
    let last4 = last_weeks(&w, 4);
    assert_eq!(
        last4,
        [
            ("2026-W45".to_string(), 6, 2), // the deleted customer still there
            ("2026-W46".to_string(), 6, 1), // l2 as old-l2, l3 under staff's id: a lead each
            ("2026-W47".to_string(), 6, 1), // l3 under staff's id, counted as the lead it was
            ("2026-W48".to_string(), 6, 1),
        ]
    );
}

#[test]
fn deals_sum_per_currency_weight_by_probability_and_convert_with_rates() {
    let f = Fixture::new();
    let index = f.index();
    let w = weekly(&index, Vec::new(), Vec::new(), false);
    let d = &w.deals;
    assert_eq!((d.open, d.won, d.lost), (2, 1, 1));
    assert_eq!(d.win_rate, Some(50.0));
    let texts = |m: &[Money]| m.iter().map(|m| m.text.clone()).collect::<Vec<_>>();
    // 10,000 EUR + 4,000 USD at 0.5; qualified-to-buy 40 %, contract-sent 90 %.
    assert_eq!(texts(&d.open_amount), ["12,000 EUR"]);
    assert_eq!(
        d.open_amount[0].from.as_deref(),
        Some("10,000 EUR + 4,000 USD")
    );
    assert_eq!(texts(&d.weighted), ["5,800 EUR"]);
    assert_eq!(d.closing_this_month.len(), 1);
    assert_eq!(d.closing_this_month[0].record.id, "open-eur");
    assert_eq!(d.forecast[0].month, "2026-11");
    assert_eq!(texts(&d.forecast[1].weighted), ["1,800 EUR"]);
    // Won: created 09-01, won 10-31 → 60 days.
    assert_eq!(d.median_cycle_days, Some(60.0));
    assert_eq!(texts(&d.average_won), ["6,000 EUR"]);
}

#[test]
fn hot_stale_and_owners() {
    let f = Fixture::new();
    let index = f.index();
    let w = weekly(&index, Vec::new(), Vec::new(), false);
    // No scoring model: every open lead scores 0; two shown, by id.
    assert_eq!(w.hot_leads.len(), 2);
    // Stale (30 days): l2 (last active 09-01; l3 is unqualified, not an open lead) and the
    // open-usd deal (created 09-01, never active).
    assert_eq!((w.stale.leads, w.stale.deals), (1, 1));
    let sam = w.owners.iter().find(|o| o.id == "sam").unwrap();
    // Open leads of sam: l1, m2, s1 (`owner: Sam`: teammate ids ignore case, as `kith check`
    // does); deal open-eur; activities this week by @sam: l1 call
    // (11-24), m2 email (11-23).
    assert_eq!(
        (sam.leads, sam.open_deals, sam.activities_this_week),
        (3, 1, 2)
    );
    let priya = w.owners.iter().find(|o| o.id == "priya").unwrap();
    assert_eq!((priya.leads, priya.activities_this_week), (1, 1));
    assert_eq!(w.owners.last().unwrap().name, "unassigned");
}

#[test]
fn public_reports_reduce_names_and_link_nothing() {
    let f = Fixture::new();
    let index = f.index();
    let history = vec![commit(
        "2026-11-24",
        "sam@x.example",
        vec![field(
            Kind::Person,
            "s1",
            "lifecycle",
            Some("mql"),
            Some("sql"),
        )],
    )];
    let w = weekly(&index, history, Vec::new(), true);
    let item = &w.moved.as_ref().unwrap().advanced[0];
    assert_eq!(item.record.name, "E.O.");
    assert_eq!(item.record.id, "");
    assert_eq!(item.record.href, None);
    assert!(w.hot_leads.iter().all(|h| h.record.href.is_none()));
    assert!(w.health.problems.is_empty());
}
