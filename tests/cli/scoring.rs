//! Lead scoring, segments and the filter language, end to end: `kith list --where`, `kith score`
//! (explanations, `--as-of`, `--compare REV`), `kith segments`, `kith list --segment`,
//! `kith qualify [--apply]`, bulk `kith set/tag --where/--segment`, and `kith find`.
//!
//! Most tests run on small workspaces written here, so that every expected record and every
//! number can be checked by hand; the last section pins the example workspace's segments.

use crate::harness::*;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Helpers

/// Makes the workspace a git repository with everything committed (for `changes()`,
/// `assert_untouched()` and `--compare`).
fn commit(ws: &Ws) {
    init_and_commit(ws.path(), "test");
}

/// The `id`s of a JSON array of records.
fn ids_of(json: &Value) -> Vec<String> {
    json.as_array()
        .unwrap_or_else(|| panic!("not an array: {json}"))
        .iter()
        .map(|r| r["id"].as_str().expect("an id").to_string())
        .collect()
}

/// The ids of the contacts `kith list --where EXPR` selects.
#[track_caller]
fn select(ws: &Ws, expr: &str) -> Vec<String> {
    let out = ws.kith(&["list", "--where", expr, "--format", "json"]);
    out.ok();
    ids_of(&out.json())
}

/// Asserts that each expression selects exactly these contacts.
#[track_caller]
fn assert_selects(ws: &Ws, cases: &[(&str, &[&str])]) {
    for (expr, want) in cases {
        assert_eq!(select(ws, expr), *want, "`{expr}`");
    }
}

/// The record of this id in a JSON array.
fn record<'a>(json: &'a Value, id: &str) -> &'a Value {
    json.as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no `{id}` in {json}"))
}

#[track_caller]
fn assert_close(got: &Value, want: f64) {
    let got = got
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {got}"));
    assert!((got - want).abs() < 1e-9, "{got} != {want}");
}

/// Rounded to one decimal, as scores are.
fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// `points × 0.5^(age / half_life)`.
fn decayed(points: f64, age_days: f64, half_life: f64) -> f64 {
    points * 0.5f64.powf(age_days / half_life)
}

// ---------------------------------------------------------------------------------------------
// The filter language

/// Five people, two companies, three deals. Scores: only demo requests count (30 points each,
/// for a year), so Ada has 60, Bob 30 and everyone else 0.
const FILTER_CONFIG: &str = r#"name: Filters
internal_domains: [us.example]
teammates:
  sam: { name: Sam Okafor, emails: [sam@us.example] }
  priya: { name: Priya Raman, emails: [priya@us.example] }
fields:
  contacts:
    seats: integer
    renewal: date
lists:
  dach: [DE, AT, CH]
scoring:
  fit: { rules: [] }
  engagement:
    cap: 100
    activities:
      demo-request: { points: 30, timeframe: 1y }
  signals: { rules: [] }
  thresholds: { lead: 10, mql: 40, sql: 70 }
segments:
  dach-leads: { description: Leads in DACH, filter: "country in $dach and lifecycle in [lead, mql, sql]" }
"#;

fn filter_ws() -> Ws {
    let ws = Ws::with_config(FILTER_CONFIG);
    ws.write(
        "companies/acme.md",
        "---\nname: Acme Software\nindustry: software\nsize: 120\n---\n",
    );
    ws.write(
        "companies/tiny.md",
        "---\nname: Tiny Shop\nindustry: retail\nsize: 8\n---\n",
    );
    // Three pricing visits in the last 14 days (one to /pricing/teams, one written /Pricing),
    // two demo requests, an open deal of 25,000.
    ws.write(
        "contacts/ada.md",
        "---\nname: Ada Lovelace\nemail: ada@acme.example\nphone: \"+44 20 7946 0018\"\n\
         title: Head of Data\ncompany: acme\nlifecycle: lead\nowner: sam\ntags: [webinar-2026]\n\
         country: DE\nseats: 40\nrenewal: 2027-01-15\ncreated: 2026-09-15\n---\n\
         ## Activity\n\
         - 2026-11-12 visit: /pricing\n\
         - 2026-11-20 visit: /pricing/teams\n\
         - 2026-11-20 demo-request: wants a demo\n\
         - 2026-11-21 demo-request: asked again\n\
         - 2026-11-24 visit: /Pricing\n",
    );
    // Three pricing visits too, but 22 to 26 days ago; unsubscribed; a Gmail address.
    ws.write(
        "contacts/bob.md",
        "---\nname: Bob Stone\nemail: bob@gmail.com\ncompany: tiny\ntitle: Store manager\n\
         lifecycle: lead\nowner: priya\ntags: [webinar-2026, unsubscribed]\ncountry: FR\n\
         created: 2025-01-02\n---\n\
         ## Activity\n\
         - 2026-10-01 visit: /blog\n\
         - 2026-10-30 visit: /pricing\n\
         - 2026-11-01 demo-request: via the form\n\
         - 2026-11-02 visit: /pricing\n\
         - 2026-11-03 visit: /pricing\n",
    );
    ws.write(
        "contacts/cy.md",
        "---\nname: Cy Young\nemail: cy@tiny.example\ncompany: tiny\ntitle: VP Sales\n\
         lifecycle: mql\nowner: sam\ncountry: AT\nseats: 9\ncreated: 2026-10-10\n---\n",
    );
    // An open deal of only 5,000 and a won one of 50,000.
    ws.write(
        "contacts/dee.md",
        "---\nname: Dee Park\nemail: dee@acme.example\ncompany: acme\ntitle: Analyst\n\
         lifecycle: sql\nowner: priya\ntags: [webinar-2026]\ncountry: CH\nseats: 12\n\
         renewal: 2027-03-01\ncreated: 2026-11-01\n---\n\
         ## Activity\n\
         - 2026-11-15 call @priya: intro\n",
    );
    // A plain contact: no lifecycle, no owner, no company, an upper-case Gmail domain.
    ws.write(
        "contacts/eve.md",
        "---\nname: Eve Adams\nemail: eve@GMAIL.com\ntitle: Chief of Staff\ncountry: US\n\
         created: 2026-09-30\n---\n\
         ## Activity\n\
         - 2026-09-01 note: met at a meetup\n",
    );
    ws.write(
        "deals/acme-rollout.md",
        "---\nname: Acme rollout\ncompany: acme\ncontacts: [ada]\nstage: contract-sent\namount: 25000\n---\n",
    );
    ws.write(
        "deals/acme-pilot.md",
        "---\nname: Acme pilot\ncompany: acme\ncontacts: [dee]\nstage: qualified-to-buy\namount: 5000\n---\n",
    );
    ws.write(
        "deals/acme-2025.md",
        "---\nname: Acme 2025\ncompany: acme\ncontacts: [dee]\nstage: closed-won\namount: 50000\n---\n",
    );
    ws
}

#[test]
fn the_filter_workspace_is_clean() {
    let ws = filter_ws();
    let out = ws.kith(&["check"]);
    assert_eq!(out.ok(), "");
    assert_eq!(out.stderr, "0 errors, 0 warnings in 10 records\n");
}

#[test]
fn documented_filter_examples_select_exactly_the_right_people() {
    let ws = filter_ws();
    assert_selects(
        &ws,
        &[
            // Bob is a lead too, but scores 30.
            ("lifecycle = lead and score >= 60", &["ada"]),
            // Dee is at sql but owned by Priya.
            ("lifecycle in [mql, sql] and owner = sam", &["cy"]),
            // Bob signed up too, but unsubscribed.
            (
                "tags has webinar-2026 and not tags has unsubscribed",
                &["ada", "dee"],
            ),
            // Bob and Eve (GMAIL.com) by address, Ada and Dee by their company; not Cy (retail).
            (
                "email ends_with \"@gmail.com\" or company.industry = software",
                &["ada", "bob", "dee", "eve"],
            ),
            // Cy is in Austria, but at an 8-person shop.
            (
                "country in [DE, AT, CH] and company.size >= 50",
                &["ada", "dee"],
            ),
            // Since 2026-11-11: Ada (24 Nov) and Dee (15 Nov); Bob's last was 3 Nov.
            ("last_activity within 14d", &["ada", "dee"]),
            ("created before 2026-10-01", &["ada", "bob", "eve"]),
            // Since 2026-10-26: Ada 3 visits, Bob 3 (30 Oct, 2 and 3 Nov).
            ("activity.visit.count(30d) >= 3", &["ada", "bob"]),
            // Bob's pricing visits are older than 14 days.
            ("activity.visit(\"/pricing\").count(14d) >= 3", &["ada"]),
            (
                "activity.visit(\"/pricing\").count(30d) >= 3",
                &["ada", "bob"],
            ),
            // Dee's open deal is 5,000 (her 50,000 one is won).
            (
                "deals.open.count >= 1 and deals.open.amount > 10000",
                &["ada"],
            ),
            (
                "title matches \"(?i)head|vp|director|chief\"",
                &["ada", "cy", "eve"],
            ),
            ("exists phone", &["ada"]),
            ("not exists owner", &["eve"]),
        ],
    );
}

#[test]
fn custom_fields_compare_by_their_declared_type() {
    let ws = filter_ws();
    assert_selects(
        &ws,
        &[
            // `seats: integer`: 9 < 10 as numbers (as text "9" > "10").
            ("seats < 10", &["cy"]),
            ("seats > 12", &["ada"]),
            ("seats = 12", &["dee"]),
            ("seats >= 9 and seats <= 12", &["cy", "dee"]),
            // `renewal: date`.
            ("renewal before 2027-02-01", &["ada"]),
            ("renewal after 2027-02-01", &["dee"]),
            ("renewal < 2027-02-01", &["ada"]),
            ("renewal = 2027-03-01", &["dee"]),
        ],
    );
    let err = ws
        .kith(&["list", "--where", "seats > many"])
        .fails(1)
        .to_string();
    assert_eq!(
        err,
        filter_error("seats > many", 9, "`seats` is a number; `many` is not")
    );
    let err = ws
        .kith(&["list", "--where", "renewal = soon"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("`renewal` is a date written YYYY-MM-DD; `soon` is not"),
        "{err}"
    );
}

#[test]
fn lists_from_kith_yaml_work_as_values() {
    let ws = filter_ws();
    assert_selects(
        &ws,
        &[
            ("country in $dach", &["ada", "cy", "dee"]),
            ("country not in $dach", &["bob", "eve"]),
        ],
    );
    let err = ws
        .kith(&["list", "--where", "country in $nope"])
        .fails(1)
        .to_string();
    let message =
        "no list named `$nope`; lists: dach, internal_domains (add it under `lists:` in kith.yaml)";
    assert_eq!(err, filter_error("country in $nope", 12, message));
}

#[test]
fn keywords_and_text_comparisons_are_case_insensitive() {
    let ws = filter_ws();
    assert_selects(
        &ws,
        &[
            ("lifecycle = LEAD AND NOT tags HAS unsubscribed", &["ada"]),
            (
                "country IN [de, at] Or owner = PRIYA",
                &["ada", "bob", "cy", "dee"],
            ),
            ("name = \"ada LOVELACE\"", &["ada"]),
            ("email ends_with \"@GMAIL.COM\"", &["bob", "eve"]),
            ("title contains CHIEF", &["eve"]),
            ("tags has WEBINAR-2026", &["ada", "bob", "dee"]),
        ],
    );
}

#[test]
fn text_equality_ignores_case_beyond_ascii() {
    // Repro: a contact `name: Élodie Garnier`; `kith list --where 'name = "Élodie Garnier"'`
    // selects nobody, even written exactly as in the file (the value is lowercased to
    // `élodie garnier`, then compared with `eq_ignore_ascii_case`).
    let ws = filter_ws();
    ws.write(
        "contacts/elodie.md",
        "---\nname: Élodie Garnier\ncity: Zürich\ntags: [Öko]\n---\n",
    );
    // These work: the differing letters are ASCII, or the operator folds case fully.
    assert_eq!(select(&ws, "city = ZÜRICH"), ["elodie"]);
    assert_eq!(select(&ws, "name contains ÉLODIE"), ["elodie"]);
    assert_eq!(select(&ws, "name starts_with élodie"), ["elodie"]);
    // These do not.
    assert_eq!(select(&ws, "name = \"Élodie Garnier\""), ["elodie"]);
    assert_eq!(select(&ws, "name = \"élodie garnier\""), ["elodie"]);
    assert_eq!(select(&ws, "name in [\"Élodie Garnier\", x]"), ["elodie"]);
    assert_eq!(select(&ws, "tags has Öko"), ["elodie"]);
}

#[test]
fn a_missing_field_compares_false_and_not_makes_it_true() {
    let ws = filter_ws();
    assert_selects(
        &ws,
        &[
            // Eve has no owner: neither `= sam` nor `!= sam` holds for her...
            ("owner = sam", &["ada", "cy"]),
            ("owner != sam", &["bob", "dee"]),
            // ...but `not` of a comparison that was false is true.
            ("not owner = sam", &["bob", "dee", "eve"]),
            ("seats < 100", &["ada", "cy", "dee"]),
            ("not seats < 100", &["bob", "eve"]),
            ("company.size < 1000", &["ada", "bob", "cy", "dee"]),
            ("not company.size < 1000", &["eve"]),
        ],
    );
}

#[test]
fn not_binds_tighter_than_and_which_binds_tighter_than_or() {
    let ws = filter_ws();
    assert_selects(
        &ws,
        &[
            // sam's people, or (Priya's and in France).
            (
                "owner = sam or owner = priya and country = FR",
                &["ada", "bob", "cy"],
            ),
            ("(owner = sam or owner = priya) and country = FR", &["bob"]),
            // (not sam's) and in Switzerland.
            ("not owner = sam and country = CH", &["dee"]),
            (
                "not (owner = sam and country = DE)",
                &["bob", "cy", "dee", "eve"],
            ),
            ("not not exists phone", &["ada"]),
        ],
    );
}

/// The stderr of `kith list --where EXPR` for an invalid expression.
fn filter_error(expr: &str, caret_col: usize, message: &str) -> String {
    format!(
        "error: the filter expression is not valid: {message}\n  {expr}\n  {}^ {message}\n",
        " ".repeat(caret_col - 1)
    )
}

#[test]
fn parse_errors_put_a_caret_under_the_column() {
    let ws = filter_ws();
    let cases: &[(&str, usize, &str)] = &[
        ("score >=", 9, "expected a value after `>=`"),
        (
            "lifecycle in [lead, mql",
            24,
            "expected `,` or `]` to close the list opened at column 14",
        ),
        (
            "(owner = sam or country = DE",
            29,
            "expected `)` to close the `(` at column 1",
        ),
        (
            "owner = sam country = DE",
            13,
            "expected `and`, `or` or the end of the expression",
        ),
        // Columns count characters, not bytes: `ë` is one.
        (
            "name = \"Zoë\" and and",
            18,
            "expected a field name, found the keyword `and`",
        ),
    ];
    for (expr, col, message) in cases {
        let out = ws.kith(&["list", "--where", expr]);
        assert_eq!(out.fails(1), filter_error(expr, *col, message), "`{expr}`");
        assert_eq!(out.stdout, "");
    }
}

#[test]
fn numbers_with_leading_zeros_compare_as_written() {
    // Repro: a contact with `postcode: "08001"`; `kith list --where 'postcode = 08001'` selects
    // nobody (`postcode = "08001"` does).
    let ws = filter_ws();
    ws.write(
        "contacts/zed.md",
        "---\nname: Zed\npostcode: \"08001\"\n---\n",
    );
    assert_eq!(select(&ws, "postcode = \"08001\""), ["zed"]);
    assert_eq!(select(&ws, "postcode = 08001"), ["zed"]);
    assert_eq!(select(&ws, "postcode in [08001, 10115]"), ["zed"]);
    assert_eq!(select(&ws, "postcode starts_with 080"), ["zed"]);
}

#[test]
fn value_errors_point_at_the_value_whatever_the_spacing() {
    // Repro: `kith list --where 'seats>many'` puts the caret one column right of `many`;
    // `'seats >  many'` one column left of it.
    let ws = filter_ws();
    let message = "`seats` is a number; `many` is not";
    for (expr, col) in [
        ("seats > many", 9),
        ("seats>many", 7),
        ("seats >  many", 10),
    ] {
        let err = ws.kith(&["list", "--where", expr]).fails(1).to_string();
        assert_eq!(err, filter_error(expr, col, message), "`{expr}`");
    }
}

// ---------------------------------------------------------------------------------------------
// Scoring

/// A model small enough to compute by hand: fit capped at 30; engagement with a 10-day
/// half-life (visits capped at 10 per person; demo requests count fully for 14 days, then not
/// at all), capped at 50; signals (one negative) capped at 20; the total capped at 90.
const SCORING_CONFIG: &str = r#"name: Scoring
internal_domains: [us.example]
lists:
  competitors: [rival.example]
scoring:
  total_cap: 90
  fit:
    cap: 30
    rules:
      - { name: software company, when: "company.industry = software", points: 20 }
      - { name: senior title, when: 'title matches "(?i)head|vp|chief"', points: 15 }
  engagement:
    cap: 50
    half_life: 10d
    activities:
      visit: { points: 4, cap: 10 }
      reply: 6
      demo-request: { points: 20, timeframe: 14d }
  signals:
    cap: 20
    rules:
      - { name: pricing page twice in 14 days, when: 'activity.visit("/pricing").count(14d) >= 2', points: 15 }
      - { name: competitor, when: "email_domain in $competitors", points: -30 }
  thresholds: { lead: 10, mql: 30, sql: 60 }
  grades:
    fit: { A: 30, B: 15 }
    engagement: { 1: 30, 2: 10 }
segments:
  hot:
    description: Leads scoring 50 or more
    filter: "lifecycle in [lead, mql, sql] and score >= 50"
  scored: "score >= 0"
  hot-seniors: 'segment.hot and title matches "(?i)chief"'
  software-firms: { of: companies, description: Software companies, filter: "industry = software" }
"#;

/// Six reply entries and a demo request today: 56 points of engagement.
const BUSY_TODAY: &str = "## Activity\n\
    - 2026-11-25 reply: one\n- 2026-11-25 reply: two\n- 2026-11-25 reply: three\n\
    - 2026-11-25 reply: four\n- 2026-11-25 reply: five\n- 2026-11-25 reply: six\n\
    - 2026-11-25 demo-request: now\n";

fn scoring_ws() -> Ws {
    let ws = Ws::with_config(SCORING_CONFIG);
    ws.write(
        "companies/acme.md",
        "---\nname: Acme Software\nindustry: software\nsize: 120\n---\n",
    );
    ws.write(
        "contacts/ada.md",
        "---\nname: Ada Lovelace\nemail: ada@acme.example\ntitle: Head of Data\ncompany: acme\n\
         lifecycle: lead\n---\n\
         ## Activity\n\
         - 2026-10-01 demo-request: first ask\n\
         - 2026-11-05 visit: /blog\n\
         - 2026-11-15 visit: /pricing\n\
         - 2026-11-15 demo-request: second ask\n\
         - 2026-11-20 reply: sounds good\n\
         - 2026-11-25 visit: /pricing\n",
    );
    ws.write(
        "contacts/rita.md",
        "---\nname: Rita Rival\nemail: rita@rival.example\ntitle: Engineer\nlifecycle: lead\n---\n\
         ## Activity\n\
         - 2026-11-20 visit: /pricing\n\
         - 2026-11-22 demo-request: curious\n\
         - 2026-11-24 visit: /pricing\n",
    );
    ws.write(
        "contacts/vic.md",
        &format!(
            "---\nname: Vic Chief\nemail: vic@acme.example\ntitle: Chief Data Officer\n\
             company: acme\nlifecycle: mql\n---\n{BUSY_TODAY}\
             - 2026-11-25 visit: /pricing\n- 2026-11-25 visit: /pricing\n\
             - 2026-11-25 visit: /docs\n- 2026-11-25 visit: /docs\n- 2026-11-25 visit: /docs\n"
        ),
    );
    ws.write(
        "contacts/nia.md",
        "---\nname: Nia Quiet\nemail: nia@quiet.example\n---\n",
    );
    // Staff and spam, as active as anyone: scored, they would be hot leads.
    ws.write(
        "contacts/sam.md",
        &format!(
            "---\nname: Sam Okafor\nemail: sam@us.example\nlifecycle: lead\n---\n{BUSY_TODAY}"
        ),
    );
    ws.write(
        "contacts/bot.md",
        &format!(
            "---\nname: Bot Signup\nemail: bot@spam.example\nlifecycle: lead\ntags: [spam]\n---\n\
             {BUSY_TODAY}"
        ),
    );
    ws
}

#[test]
fn score_json_has_exact_parts_grade_and_every_rule() {
    let ws = scoring_ws();
    let json = ws.kith(&["score", "ada", "--format", "json"]).json();
    // Fit: 20 + 15 = 35, capped at 30.
    // Visits (half-life 10d): 4 × (0.5^0 + 0.5^1 + 0.5^2) = 7 (25 Nov, 15 Nov, 5 Nov).
    // Reply of 20 Nov: 6 × 0.5^(5/10) = 4.243. Demo requests: 15 Nov (10 days) counts fully,
    // 1 Oct (55 days) not at all. Signal: pricing visits on 15 and 25 Nov, +15.
    // Engagement 7 + 4.243 + 20 + 15 = 46.243 → 46.2; total 30 + 46.243 = 76.243 → 76.2.
    let reply = decayed(6.0, 5.0, 10.0);
    let engagement = 7.0 + reply + 20.0 + 15.0;
    assert_eq!(json["id"], "ada");
    assert_eq!(json["as_of"], "2026-11-25");
    assert_eq!(json["fit_score"], 30.0);
    assert_eq!(json["engagement_score"], round1(engagement));
    assert_eq!(json["engagement_score"], 46.2);
    assert_eq!(json["score"], round1(30.0 + engagement));
    assert_eq!(json["score"], 76.2);
    assert_eq!(json["grade"], "A1");
    assert_eq!(json["qualifies_for"], "sql");
    let rules = json["rules"].as_array().unwrap();
    let lines: Vec<(String, String)> = rules
        .iter()
        .map(|r| {
            (
                r["group"].as_str().unwrap().into(),
                r["why"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expected = [
        ("fit", "software company"),
        ("fit", "senior title"),
        ("cap", "fit capped at 30"),
        ("engagement", "3 visits, decayed (half-life 10d)"),
        ("engagement", "1 reply, decayed (half-life 10d)"),
        ("engagement", "1 demo-request in the last 14d"),
        ("signal", "pricing page twice in 14 days"),
    ];
    assert_eq!(lines, expected.map(|(g, w)| (g.to_string(), w.to_string())));
    for (rule, points) in rules.iter().zip([20.0, 15.0, -5.0, 7.0, reply, 20.0, 15.0]) {
        assert_close(&rule["points"], points);
    }
}

#[test]
fn score_text_lists_every_rule_with_signed_points() {
    let ws = scoring_ws();
    assert_eq!(
        ws.kith(&["score", "ada"]).ok(),
        "Ada Lovelace  score 76.2 · fit 30 · engagement 46.2 · grade A1 · qualifies for sql \
         (now lead) · as of 2026-11-25\n\
         \x20 +20.0  fit         software company\n\
         \x20 +15.0  fit         senior title\n\
         \x20  -5.0  cap         fit capped at 30\n\
         \x20  +7.0  engagement  3 visits, decayed (half-life 10d)\n\
         \x20  +4.2  engagement  1 reply, decayed (half-life 10d)\n\
         \x20 +20.0  engagement  1 demo-request in the last 14d\n\
         \x20 +15.0  signal      pricing page twice in 14 days\n\
         \x20  76.2  total\n"
    );
    // Every cap at work: visits 5 × 4 = 20 → 10; engagement 10 + 36 + 20 = 66 → 50; with the
    // pricing signal 30 + 50 + 15 = 95 → 90.
    assert_eq!(
        ws.kith(&["score", "vic"]).ok(),
        "Vic Chief  score 90 · fit 30 · engagement 65 · grade A1 · qualifies for sql (now mql) · \
         as of 2026-11-25\n\
         \x20 +20.0  fit         software company\n\
         \x20 +15.0  fit         senior title\n\
         \x20  -5.0  cap         fit capped at 30\n\
         \x20 +10.0  engagement  5 visits, decayed (half-life 10d), capped at 10\n\
         \x20 +36.0  engagement  6 replies, decayed (half-life 10d)\n\
         \x20 +20.0  engagement  1 demo-request in the last 14d\n\
         \x20 -16.0  cap         engagement capped at 50\n\
         \x20 +15.0  signal      pricing page twice in 14 days\n\
         \x20  -5.0  cap         total capped at 90\n\
         \x20  90.0  total\n"
    );
    assert_eq!(
        ws.kith(&["score", "nia"]).ok(),
        "Nia Quiet  score 0 · fit 0 · engagement 0 · grade C3 · as of 2026-11-25\n\
         \x20 no rule gives this person points yet\n\
         \x20 0.0  total\n"
    );
}

#[test]
fn negative_signals_subtract_from_engagement() {
    let ws = scoring_ws();
    let json = ws.kith(&["score", "rita", "--format", "json"]).json();
    // Visits 1 and 5 days old: 4 × 0.5^0.1 + 4 × 0.5^0.5 = 6.561; the demo request of
    // 22 Nov (+20); the pricing signal (+15) and the competitor (−30).
    let visits = decayed(4.0, 1.0, 10.0) + decayed(4.0, 5.0, 10.0);
    let engagement = visits + 20.0 + 15.0 - 30.0;
    assert_eq!(round1(engagement), 11.6);
    assert_eq!(json["fit_score"], 0.0);
    assert_eq!(json["engagement_score"], 11.6);
    assert_eq!(json["score"], 11.6);
    assert_eq!(json["grade"], "C2");
    assert_eq!(json["qualifies_for"], "lead");
    let rules = json["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 4, "{rules:?}");
    assert_eq!(rules[0]["why"], "2 visits, decayed (half-life 10d)");
    assert_close(&rules[0]["points"], visits);
    assert_eq!(rules[3]["group"], "signal");
    assert_eq!(rules[3]["why"], "competitor");
    assert_eq!(rules[3]["points"], -30.0);
    let text = ws.kith(&["score", "rita"]).ok().to_string();
    assert!(
        text.contains("\n  -30.0  signal      competitor\n"),
        "{text}"
    );
    assert!(text.contains("\n   +6.6  engagement  2 visits"), "{text}");
}

#[test]
fn score_as_of_an_earlier_day_ignores_what_came_later() {
    let ws = scoring_ws();
    // On 15 Nov: visits of 15 Nov (4) and 5 Nov (2); the demo request of 15 Nov (20); the reply
    // and the second pricing visit have not happened; the 1 Oct request is 45 days old.
    let expected = "Ada Lovelace  score 56 · fit 30 · engagement 26 · grade A2 · qualifies for mql \
                    (now lead) · as of 2026-11-15\n\
                    \x20 +20.0  fit         software company\n\
                    \x20 +15.0  fit         senior title\n\
                    \x20  -5.0  cap         fit capped at 30\n\
                    \x20  +6.0  engagement  2 visits, decayed (half-life 10d)\n\
                    \x20 +20.0  engagement  1 demo-request in the last 14d\n\
                    \x20  56.0  total\n";
    assert_eq!(
        ws.kith(&["score", "ada", "--as-of", "2026-11-15"]).ok(),
        expected
    );
    assert_eq!(
        ws.kith(&["score", "ada", "--as-of", "2026-11-15"]).ok(),
        expected
    );
    // A month later everything has faded: visits 4 × (0.5^3 + 0.5^4 + 0.5^5) = 0.875, the
    // reply 6 × 0.5^3.5, no demo request within 14 days, no pricing signal.
    let json = ws
        .kith(&["score", "ada", "--as-of", "2026-12-25", "--format", "json"])
        .json();
    let engagement = 0.875 + decayed(6.0, 35.0, 10.0);
    assert_eq!(json["engagement_score"], round1(engagement));
    assert_eq!(json["score"], round1(30.0 + engagement));
    assert_eq!(json["grade"], "A3");
    assert_eq!(json["qualifies_for"], "mql");
    let err = ws
        .kith(&["score", "ada", "--as-of", "someday"])
        .fails(2)
        .to_string();
    assert_eq!(
        err,
        "error: `someday` is not a valid date (write YYYY-MM-DD, today, yesterday, tomorrow, +3d, -2w, +1m, +1y or a weekday such as fri)\n"
    );
}

#[test]
fn staff_and_spam_are_not_scored() {
    let ws = scoring_ws();
    let out = ws.kith(&["score", "sam"]);
    assert_eq!(
        out.fails(1),
        "error: Sam Okafor is in the `internal` segment, which scoring leaves out\n"
    );
    assert_eq!(out.stdout, "");
    let out = ws.kith(&["score", "bot@spam.example"]);
    assert_eq!(
        out.fails(1),
        "error: Bot Signup is in the `spam` segment, which scoring leaves out\n"
    );
    // Neither has a score in listings, so segments built on scores leave them out.
    let json = ws.kith(&["list", "--format", "json"]).json();
    for (id, segment) in [("sam", "internal"), ("bot", "spam")] {
        let r = record(&json, id);
        for key in ["score", "fit_score", "engagement_score", "grade"] {
            assert!(r.get(key).is_none(), "{id} has {key}: {r}");
        }
        assert_eq!(r["segments"], serde_json::json!([segment]));
    }
    assert_eq!(select(&ws, "score >= 0"), ["ada", "nia", "rita", "vic"]);
    assert_eq!(select(&ws, "segment.scored"), ["ada", "nia", "rita", "vic"]);
    assert_eq!(select(&ws, "segment.hot"), ["ada", "vic"]);
    assert_eq!(select(&ws, "not exists score"), ["bot", "sam"]);
}

// ---------------------------------------------------------------------------------------------
// Segments

#[test]
fn segments_lists_every_segment_with_its_size() {
    let ws = scoring_ws();
    assert_eq!(
        ws.kith(&["segments"]).ok(),
        "SEGMENT         SIZE  OF         DESCRIPTION\n\
         internal           1  contacts   Staff: internal e-mail domains, and people at `other` \
         with other_reason staff (built-in; …\n\
         spam               1  contacts   Spam sign-ups (people tagged `spam`) (built-in; left \
         out of lead counts and scores)\n\
         hot                2  contacts   Leads scoring 50 or more\n\
         scored             4  contacts   score >= 0\n\
         hot-seniors        1  contacts   segment.hot and title matches \"(?i)chief\"\n\
         software-firms     1  companies  Software companies\n\
         as of 2026-11-25\n"
    );
    let json = ws.kith(&["segments", "--format", "json"]).json();
    let rows: Vec<(String, String, u64, String, bool)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["of"].as_str().unwrap().to_string(),
                s["size"].as_u64().unwrap(),
                s["description"].as_str().unwrap().to_string(),
                s["builtin"].as_bool().unwrap(),
            )
        })
        .collect();
    let expected = [
        (
            "internal",
            "contacts",
            1,
            "Staff: internal e-mail domains, and people at `other` with other_reason staff",
            true,
        ),
        (
            "spam",
            "contacts",
            1,
            "Spam sign-ups (people tagged `spam`)",
            true,
        ),
        ("hot", "contacts", 2, "Leads scoring 50 or more", false),
        ("scored", "contacts", 4, "", false),
        ("hot-seniors", "contacts", 1, "", false),
        (
            "software-firms",
            "companies",
            1,
            "Software companies",
            false,
        ),
    ];
    assert_eq!(
        rows,
        expected.map(|(n, o, s, d, b)| (n.to_string(), o.to_string(), s, d.to_string(), b))
    );
    assert_eq!(
        json[2]["filter"],
        "lifecycle in [lead, mql, sql] and score >= 50"
    );
}

#[test]
fn list_segment_shows_scores_and_grades() {
    let ws = scoring_ws();
    assert_eq!(
        ws.kith(&["list", "--segment", "hot"]).ok(),
        "ID   NAME          EMAIL             COMPANY  LIFECYCLE  STATUS  OWNER  SCORE  GRADE\n\
         ada  Ada Lovelace  ada@acme.example  acme     lead                       76.2  A1\n\
         vic  Vic Chief     vic@acme.example  acme     mql                          90  A1\n\
         2 contacts\n"
    );
    let json = ws
        .kith(&["list", "--segment", "hot", "--format", "json"])
        .json();
    assert_eq!(ids_of(&json), ["ada", "vic"]);
    let ada = record(&json, "ada");
    assert_eq!(ada["score"], 76.2);
    assert_eq!(ada["fit_score"], 30.0);
    assert_eq!(ada["engagement_score"], 46.2);
    assert_eq!(ada["grade"], "A1");
    assert_eq!(ada["segments"], serde_json::json!(["hot", "scored"]));
    // A segment using another: the hot leads with a chief's title.
    let vic = record(&json, "vic");
    assert_eq!(
        vic["segments"],
        serde_json::json!(["hot", "scored", "hot-seniors"])
    );
    let json = ws
        .kith(&["list", "--segment", "hot-seniors", "--format", "json"])
        .json();
    assert_eq!(ids_of(&json), ["vic"]);
}

#[test]
fn list_sorts_by_score_with_unscored_people_last() {
    let ws = scoring_ws();
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["list", "--format", "json"];
        all.extend_from_slice(args);
        ids_of(&ws.kith(&all).json())
    };
    assert_eq!(
        ids(&["--sort", "score"]),
        ["nia", "rita", "ada", "vic", "bot", "sam"]
    );
    assert_eq!(
        ids(&["--sort", "score", "-r"]),
        ["vic", "ada", "rita", "nia", "bot", "sam"]
    );
    assert_eq!(
        ids(&["--segment", "scored", "--sort", "score", "-r"]),
        ["vic", "ada", "rita", "nia"]
    );
    assert_eq!(
        ws.kith(&[
            "list",
            "--segment",
            "scored",
            "--sort",
            "score",
            "-r",
            "--fields",
            "score,fit_score,engagement_score,grade,segments"
        ])
        .ok(),
        "ID    SCORE  FIT_SCORE  ENGAGEMENT_SCORE  GRADE  SEGMENTS\n\
         vic      90         30                65  A1     hot; scored; hot-seniors\n\
         ada    76.2         30              46.2  A1     hot; scored\n\
         rita   11.6          0              11.6  C2     scored\n\
         nia       0          0                 0  C3     scored\n\
         4 contacts\n"
    );
}

#[test]
fn a_segment_of_companies() {
    let ws = scoring_ws();
    let json = ws
        .kith(&[
            "list",
            "companies",
            "--segment",
            "software-firms",
            "--format",
            "json",
        ])
        .json();
    assert_eq!(ids_of(&json), ["acme"]);
    assert_eq!(json[0]["segments"], serde_json::json!(["software-firms"]));
    assert!(json[0].get("score").is_none(), "{json}");
    let err = ws
        .kith(&["list", "--segment", "software-firms"])
        .fails(1)
        .to_string();
    assert_eq!(
        err,
        "error: segment `software-firms` holds companies; use `kith list companies --segment \
         software-firms`\n"
    );
}

#[test]
fn an_unknown_segment_names_the_segments() {
    let ws = scoring_ws();
    let all = "internal, spam, hot, scored, hot-seniors, software-firms";
    let err = ws.kith(&["list", "--segment", "nope"]).fails(1).to_string();
    assert_eq!(
        err,
        format!("error: no segment named `nope`\n  help: segments: {all}\n")
    );
    let err = ws.kith(&["list", "--segment", "hott"]).fails(1).to_string();
    assert_eq!(
        err,
        format!("error: no segment named `hott`\n  help: did you mean `hot`? segments: {all}\n")
    );
    let err = ws
        .kith(&["list", "--where", "segment.nope"])
        .fails(1)
        .to_string();
    assert!(
        err.contains(&format!("no segment named `nope`; segments: {all}")),
        "{err}"
    );
}

#[test]
fn a_segment_cycle_is_a_check_error_and_plain_listing_still_works() {
    let ws = scoring_ws();
    let config = format!(
        "{SCORING_CONFIG}  loop-a: \"segment.loop-b and score > 1\"\n  \
         loop-b: {{ description: B, filter: \"segment.loop-a\" }}\n"
    );
    ws.write("kith.yaml", &config);
    let line = config.lines().position(|l| l.contains("loop-a:")).unwrap() + 1;
    let out = ws.kith(&["check"]);
    assert_eq!(
        out.stdout,
        format!(
            "kith.yaml:{line}:3: error: segments `loop-a` and `loop-b` refer to each other \
             [config]\n  help: a segment may use another only if that one does not (directly \
             or not) use it back\n"
        )
    );
    assert_eq!(out.fails(1), "1 error, 0 warnings in 7 records\n");
    // Listing without scores or segments does not need them.
    let table = ws.kith(&["list"]).ok().to_string();
    assert_eq!(count_line(&table), "6 contacts");
    assert!(!table.contains("SCORE"), "{table}");
    // Anything that needs them says why it cannot run.
    for args in [
        &["segments"][..],
        &["list", "--segment", "hot"],
        &["list", "--where", "lifecycle = lead"],
        &["score", "ada"],
    ] {
        let err = ws.kith(args).fails(1).to_string();
        assert!(
            err.starts_with(
                "error: kith.yaml's scoring or segments have errors; fix them first:\n"
            ) && err.contains("segments `loop-a` and `loop-b` refer to each other"),
            "{args:?}: {err}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Qualification

/// Every visit is worth 10 points for a year, nothing else counts; lead at 10, mql at 30,
/// sql at 50.
const QUALIFY_CONFIG: &str = r#"name: Qualify
internal_domains: [us.example]
scoring:
  engagement:
    cap: 100
    activities:
      visit: { points: 10, timeframe: 1y }
  signals: { rules: [] }
  thresholds: { lead: 10, mql: 30, sql: 50 }
"#;

/// A workspace of people with `visits` visits each, committed.
fn qualify_ws() -> Ws {
    let ws = Ws::with_config(QUALIFY_CONFIG);
    let people: &[(&str, &str, usize)] = &[
        ("plain", "", 2),
        ("sub", "lifecycle: subscriber\n", 1),
        (
            "subhi",
            "lifecycle: subscriber\nlifecycle_changed: 2026-09-01\n",
            4,
        ),
        (
            "mqlhi",
            "lifecycle: mql\nlifecycle_changed: 2026-10-01\nlead_status: working\n",
            6,
        ),
        // Already where their score puts them, or past it: never moved back.
        ("sqlhi", "lifecycle: sql\nlead_status: working\n", 9),
        ("back", "lifecycle: sql\nlead_status: working\n", 3),
        // Past the lead stages, disqualified, outside the funnel, staff, spam, or cold.
        ("cust", "lifecycle: customer\n", 9),
        ("opp", "lifecycle: opportunity\n", 9),
        (
            "unq",
            "lifecycle: lead\nlead_status: unqualified\nunqualified_reason: student\n",
            9,
        ),
        ("oth", "lifecycle: other\nother_reason: partner\n", 9),
        ("staff", "email: staff@us.example\n", 9),
        ("junk", "tags: [spam]\n", 9),
        ("cold", "lifecycle: lead\nlead_status: new\n", 0),
    ];
    for (id, fields, visits) in people {
        let mut text = format!(
            "---\nname: {} Person\n{fields}---\n## Activity\n",
            title(id)
        );
        for i in 0..*visits {
            text.push_str(&format!("- 2026-11-{} visit: /page-{i}\n", 16 + i));
        }
        ws.write(&format!("contacts/{id}.md"), &text);
    }
    commit(&ws);
    ws
}

fn title(id: &str) -> String {
    let mut chars = id.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[test]
fn qualify_lists_forward_moves_of_people_in_the_funnel_only() {
    let ws = qualify_ws();
    assert_eq!(
        ws.kith(&["qualify"]).ok(),
        "ID     NAME          SCORE  GRADE  MOVE\n\
         mqlhi  Mqlhi Person     60  C1     mql → sql\n\
         subhi  Subhi Person     40  C1     subscriber → mql\n\
         plain  Plain Person     20  C2     contact → lead\n\
         sub    Sub Person       10  C3     subscriber → lead\n\
         4 people qualify for a later stage as of 2026-11-25; `kith qualify --apply` makes them\n"
    );
    let json = ws.kith(&["qualify", "--format", "json"]).json();
    assert_eq!(
        json,
        serde_json::json!([
            {"id": "mqlhi", "score": 60.0, "grade": "C1", "from": "mql", "to": "sql"},
            {"id": "subhi", "score": 40.0, "grade": "C1", "from": "subscriber", "to": "mql"},
            {"id": "plain", "score": 20.0, "grade": "C2", "from": null, "to": "lead"},
            {"id": "sub", "score": 10.0, "grade": "C3", "from": "subscriber", "to": "lead"},
        ])
    );
    ws.assert_untouched();
}

#[test]
fn qualify_apply_writes_exactly_the_stage_lines_and_a_second_run_changes_nothing() {
    let ws = qualify_ws();
    let out = ws.kith(&["qualify", "--apply"]);
    assert_eq!(
        out.ok(),
        "contacts/mqlhi.md: lifecycle mql → sql (score 60)\n\
         contacts/subhi.md: lifecycle subscriber → mql (score 40)\n\
         contacts/plain.md: lifecycle contact → lead (score 20)\n\
         contacts/sub.md: lifecycle subscriber → lead (score 10)\n"
    );
    assert_eq!(out.stderr, "4 people moved\n");
    assert_eq!(
        ws.changes(),
        [
            // mqlhi keeps its lead status.
            "-lifecycle: mql",
            "-lifecycle_changed: 2026-10-01",
            "+lifecycle: sql",
            "+lifecycle_changed: 2026-11-25",
            "+- 2026-11-25 stage: mql → sql (score 60)",
            // A plain contact becomes a new lead.
            "+lifecycle: lead",
            "+lifecycle_changed: 2026-11-25",
            "+lead_status: new",
            "+- 2026-11-25 stage: contact → lead (score 20)",
            "-lifecycle: subscriber",
            "+lifecycle: lead",
            "+lifecycle_changed: 2026-11-25",
            "+lead_status: new",
            "+- 2026-11-25 stage: subscriber → lead (score 10)",
            "-lifecycle: subscriber",
            "-lifecycle_changed: 2026-09-01",
            "+lifecycle: mql",
            "+lifecycle_changed: 2026-11-25",
            "+lead_status: new",
            "+- 2026-11-25 stage: subscriber → mql (score 40)",
        ]
    );
    assert_eq!(
        status(ws.path()),
        " M contacts/mqlhi.md\n M contacts/plain.md\n M contacts/sub.md\n M contacts/subhi.md\n"
    );
    // The entry goes at the end of the activity log.
    assert!(
        ws.read("contacts/plain.md").ends_with(
            "- 2026-11-17 visit: /page-1\n- 2026-11-25 stage: contact → lead (score 20)\n"
        ),
        "{}",
        ws.read("contacts/plain.md")
    );
    let out = ws.kith(&["check"]);
    assert_eq!(out.stderr, "0 errors, 0 warnings in 13 records\n");

    commit(&ws);
    assert_eq!(
        ws.kith(&["qualify"]).ok(),
        "0 people qualify for a later stage as of 2026-11-25\n"
    );
    let out = ws.kith(&["qualify", "--apply"]);
    assert_eq!(out.ok(), "");
    assert_eq!(out.stderr, "0 people moved\n");
    ws.assert_untouched();
}

// ---------------------------------------------------------------------------------------------
// Comparing scoring changes: `kith score --compare REV`

/// Replaces text in kith.yaml (which must contain it).
fn edit_config(ws: &Ws, dir: &str, from: &str, to: &str) {
    let path = format!("{dir}kith.yaml");
    let text = ws.read(&path);
    assert!(text.contains(from), "{from}");
    ws.write(&path, &text.replacen(from, to, 1));
}

#[test]
fn compare_lists_only_people_whose_grade_or_qualification_changes() {
    let ws = scoring_ws();
    commit(&ws);
    let nobody = "0 people change grade or qualification between HEAD and now (as of 2026-11-25)\n";
    assert_eq!(ws.kith(&["score", "--compare", "HEAD"]).ok(), nobody);

    // Raising the sql threshold to 80 moves Ada (76.2) back to mql; Vic (90) stays.
    edit_config(&ws, "", "sql: 60 }", "sql: 80 }");
    assert_eq!(
        ws.kith(&["score", "--compare", "HEAD"]).ok(),
        "ID   NAME          SCORE        GRADE    STAGE  QUALIFIES FOR\n\
         ada  Ada Lovelace  76.2 → 76.2  A1 → A1  lead   sql → mql\n\
         1 person changes grade or qualification between HEAD and now (as of 2026-11-25)\n"
    );
    let json = ws
        .kith(&["score", "--compare", "HEAD", "--format", "json"])
        .json();
    assert_eq!(
        json,
        serde_json::json!([{
            "id": "ada", "stage": "lead", "score_before": 76.2, "score_after": 76.2,
            "grade_before": "A1", "grade_after": "A1",
            "qualifies_before": "sql", "qualifies_after": "mql",
        }])
    );
    git(ws.path(), &["checkout", "-q", "kith.yaml"]);

    // Visits worth 5 instead of 4 change scores (Ada 76.2 → 78.0, Rita 11.6 → 13.2) but nobody's
    // grade or qualification.
    edit_config(&ws, "", "visit: { points: 4,", "visit: { points: 5,");
    assert_eq!(
        ws.kith(&["score", "ada", "--format", "json"]).json()["score"],
        78.0
    );
    assert_eq!(ws.kith(&["score", "--compare", "HEAD"]).ok(), nobody);
    git(ws.path(), &["checkout", "-q", "kith.yaml"]);

    // A milder competitor penalty (−10): Rita's engagement 31.6 earns grade 1 and mql.
    edit_config(&ws, "", "points: -30", "points: -10");
    assert_eq!(
        ws.kith(&["score", "--compare", "HEAD"]).ok(),
        "ID    NAME        SCORE        GRADE    STAGE  QUALIFIES FOR\n\
         rita  Rita Rival  11.6 → 31.6  C2 → C1  lead   - → mql\n\
         1 person changes grade or qualification between HEAD and now (as of 2026-11-25)\n"
    );
    // Comparing never writes anything.
    assert_eq!(status(ws.path()), " M kith.yaml\n");
}

/// The lines of a table with each run of spaces made one.
fn squeezed(table: &str) -> Vec<String> {
    table
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn score_and_compare_say_what_changes_from_the_persons_current_stage() {
    let ws = scoring_ws();
    // As active as Vic (90 points), at sql and as a customer; and as Rita (11.6), at sql.
    for (id, like, name, stage) in [
        ("cy", "vic", "Cy Client", "customer"),
        ("sid", "vic", "Sid Sequel", "sql"),
        ("ria", "rita", "Ria Ahead", "sql"),
    ] {
        let text = ws.read(&format!("contacts/{like}.md"));
        let fm_end = text[4..].find("---\n").unwrap() + 4;
        let fields: String = text[4..fm_end]
            .lines()
            .map(|l| match l.split_once(": ").map(|(k, _)| k) {
                Some("name") => format!("name: {name}\n"),
                Some("email") => format!("email: {id}@{}\n", l.split('@').nth(1).unwrap()),
                Some("lifecycle") => format!("lifecycle: {stage}\n"),
                _ => format!("{l}\n"),
            })
            .collect();
        ws.write(
            &format!("contacts/{id}.md"),
            &format!("---\n{fields}{}", &text[fm_end..]),
        );
    }
    let heading = |id: &str| {
        ws.kith(&["score", id])
            .ok()
            .lines()
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        heading("cy"),
        "Cy Client  score 90 · fit 30 · engagement 65 · grade A1 · at customer, past the lead \
         stages: scoring does not move them · as of 2026-11-25"
    );
    assert_eq!(
        heading("sid"),
        "Sid Sequel  score 90 · fit 30 · engagement 65 · grade A1 · at sql, the stage the score \
         reaches · as of 2026-11-25"
    );
    assert_eq!(
        heading("ria"),
        "Ria Ahead  score 11.6 · fit 0 · engagement 11.6 · grade C2 · at sql, already past the \
         lead threshold · as of 2026-11-25"
    );
    let json = ws.kith(&["score", "cy", "--format", "json"]).json();
    assert_eq!(
        (&json["stage"], &json["moves_to"], &json["qualifies_for"]),
        (&json!("customer"), &json!(null), &json!("sql"))
    );
    let json = ws.kith(&["score", "ada", "--format", "json"]).json();
    assert_eq!(
        (&json["stage"], &json["moves_to"]),
        (&json!("lead"), &json!("sql"))
    );

    // An sql threshold of 95: Cy and Sid reach only mql now, which changes nothing for them;
    // Vic (mql) would no longer move to sql, Ada (lead) would move to mql instead.
    commit(&ws);
    edit_config(&ws, "", "sql: 60 }", "sql: 95 }");
    assert_eq!(
        squeezed(ws.kith(&["score", "--compare", "HEAD"]).ok()),
        [
            "ID NAME SCORE GRADE STAGE QUALIFIES FOR",
            "ada Ada Lovelace 76.2 → 76.2 A1 → A1 lead sql → mql",
            "vic Vic Chief 90 → 90 A1 → A1 mql sql → -",
            "2 people change grade or qualification between HEAD and now (as of 2026-11-25)",
        ]
    );
    assert_eq!(status(ws.path()), " M kith.yaml\n");
}

#[test]
fn compare_with_a_bad_revision_is_a_clear_error() {
    let ws = scoring_ws();
    commit(&ws);
    let out = ws.kith(&["score", "--compare", "nope"]);
    let err = out.fails(1);
    assert!(
        err.starts_with(
            "error: cannot read kith.yaml at `nope`\n  caused by: git does not know the revision `nope`\n"
        ),
        "{err}"
    );
    assert_eq!(out.stdout, "");
    let err = ws
        .kith(&["score", "--compare", "HEAD~1"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("git does not know the revision `HEAD~1`"),
        "{err}"
    );
    // Outside git altogether.
    let loose = scoring_ws();
    let err = loose
        .kith(&["score", "--compare", "HEAD"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("the workspace is not in a git repository"),
        "{err}"
    );
}

#[test]
fn compare_refuses_a_revision_whose_scoring_has_errors() {
    // Repro: commit kith.yaml with the competitor rule using an unknown list `$competitorz`
    // (kith refuses to score with it), fix the list name, run `kith score --compare HEAD`: it
    // reports Rita 41.6 → 11.6 as if HEAD had scored her without the broken rule.
    let ws = scoring_ws();
    edit_config(&ws, "", "$competitors\"", "$competitorz\"");
    commit(&ws);
    let err = ws.kith(&["score", "rita"]).fails(1).to_string();
    assert!(err.contains("no list named `$competitorz`"), "{err}");
    edit_config(&ws, "", "$competitorz\"", "$competitors\"");
    let out = ws.kith(&["score", "--compare", "HEAD"]);
    let err = out.fails(1);
    assert!(err.contains("kith.yaml at `HEAD` has errors"), "{err}");
    assert!(err.contains("no list named `$competitorz`"), "{err}");
}

#[test]
fn compare_works_when_the_workspace_is_a_subfolder_of_a_larger_repository() {
    let ws = scoring_ws();
    let repo = Ws::empty();
    copy_dir(ws.path(), &repo.file("sales/crm"));
    repo.write("README.md", "Company wiki\n");
    repo.write("kith.yaml.txt", "not the workspace\n");
    commit(&repo);
    edit_config(&repo, "sales/crm/", "sql: 60 }", "sql: 80 }");
    let expected = "ID   NAME          SCORE        GRADE    STAGE  QUALIFIES FOR\n\
                    ada  Ada Lovelace  76.2 → 76.2  A1 → A1  lead   sql → mql\n\
                    1 person changes grade or qualification between HEAD and now (as of \
                    2026-11-25)\n";
    // From inside the workspace, from a folder in it, and with -C from the repository root.
    assert_eq!(
        kith_in(&repo.file("sales/crm"), &["score", "--compare", "HEAD"]).ok(),
        expected
    );
    assert_eq!(
        kith_in(
            &repo.file("sales/crm/contacts"),
            &["score", "--compare", "HEAD"]
        )
        .ok(),
        expected
    );
    assert_eq!(
        repo.kith(&["-C", "sales/crm", "score", "--compare", "HEAD"])
            .ok(),
        expected
    );
}

// ---------------------------------------------------------------------------------------------
// Bulk edits: `kith set/tag --where/--segment`

#[test]
fn set_where_dry_run_writes_nothing_then_the_real_run_changes_one_line_each() {
    let ws = filter_ws();
    commit(&ws);
    let args = ["set", "--where", "lifecycle in [lead, mql]", "owner=priya"];
    let out = ws.kith(&[&args[..], &["--dry-run"][..]].concat());
    // Bob is Priya's already.
    assert_eq!(
        out.ok(),
        "contacts/ada.md: would change: owner sam → priya\n\
         contacts/cy.md: would change: owner sam → priya\n"
    );
    assert_eq!(out.stderr, "2 of 3 records would change\n");
    ws.assert_untouched();

    let out = ws.kith(&args);
    assert_eq!(
        out.ok(),
        "contacts/ada.md: owner sam → priya\ncontacts/cy.md: owner sam → priya\n"
    );
    assert_eq!(out.stderr, "2 of 3 records changed\n");
    assert_eq!(
        ws.diff()
            .lines()
            .filter(|l| l.starts_with("diff --git") || l.starts_with("@@"))
            .count(),
        4,
        "one hunk per file:\n{}",
        ws.diff()
    );
    assert_eq!(
        ws.changes(),
        [
            "-owner: sam",
            "+owner: priya",
            "-owner: sam",
            "+owner: priya"
        ]
    );
}

#[test]
fn tag_a_whole_segment() {
    let ws = filter_ws();
    commit(&ws);
    let out = ws.kith(&["tag", "--segment", "dach-leads", "+dach", "-webinar-2026"]);
    assert_eq!(
        out.ok(),
        "contacts/ada.md: tags +dach -webinar-2026\n\
         contacts/cy.md: tags +dach\n\
         contacts/dee.md: tags +dach -webinar-2026\n"
    );
    assert_eq!(out.stderr, "3 of 3 records changed\n");
    assert_eq!(
        ws.changes(),
        [
            "-tags: [webinar-2026]",
            "+tags: [dach]",
            "+tags: [dach]",
            "-tags: [webinar-2026]",
            "+tags: [dach]"
        ]
    );
    assert_eq!(select(&ws, "tags has dach"), ["ada", "cy", "dee"]);
}

#[test]
fn a_bulk_move_backwards_writes_nothing_and_names_every_refused_record() {
    let ws = filter_ws();
    commit(&ws);
    // Eve could become a lead, but Cy (mql) and Dee (sql) would move backwards.
    let out = ws.kith(&["set", "--where", "exists email", "lifecycle=lead"]);
    assert_eq!(
        out.fails(1),
        "error: 2 of 5 records cannot be changed, so nothing was written:\n\
         \x20 contacts/cy.md: moving Cy Young backwards from `mql` to `lead` needs --force\n\
         \x20 contacts/dee.md: moving Dee Park backwards from `sql` to `lead` needs --force\n"
    );
    assert_eq!(out.stdout, "");
    ws.assert_untouched();
    // Forward moves only: Ada and Bob (lead → mql) and Eve (contact → mql).
    let out = ws.kith(&[
        "set",
        "--where",
        "lifecycle < mql or not exists lifecycle",
        "lifecycle=mql",
    ]);
    assert_eq!(
        out.ok(),
        "contacts/ada.md: lifecycle lead → mql\n\
         contacts/bob.md: lifecycle lead → mql\n\
         contacts/eve.md: lifecycle = mql\n"
    );
    let eve = ws.read("contacts/eve.md");
    assert!(
        eve.contains("lifecycle: mql\nlifecycle_changed: 2026-11-25\nlead_status: new\n---\n"),
        "{eve}"
    );
    assert!(
        eve.ends_with("- 2026-11-25 stage: contact → mql\n"),
        "{eve}"
    );
}

#[test]
fn a_bulk_edit_that_matches_nothing_is_an_error() {
    let ws = filter_ws();
    commit(&ws);
    let out = ws.kith(&["set", "--where", "country = JP", "owner=sam"]);
    assert_eq!(
        out.fails(1),
        "error: no record matches, so nothing changes\n"
    );
    let out = ws.kith(&["tag", "--where", "country = JP", "+asia", "--dry-run"]);
    assert_eq!(
        out.fails(1),
        "error: no record matches, so nothing changes\n"
    );
    let err = ws
        .kith(&["tag", "--segment", "nope", "+x"])
        .fails(1)
        .to_string();
    assert!(err.starts_with("error: no segment named `nope`\n"), "{err}");
    let err = ws
        .kith(&["set", "--where", "country =", "owner=sam"])
        .fails(1)
        .to_string();
    assert_eq!(
        err,
        filter_error("country =", 10, "expected a value after `=`")
    );
    ws.assert_untouched();
}

// ---------------------------------------------------------------------------------------------
// Search: `kith find`

fn find_ws() -> Ws {
    let ws = Ws::with_config("name: Find\n");
    ws.write("companies/acme.md", "---\nname: Acme Analytics\n---\n");
    ws.write(
        "contacts/ada-lovelace.md",
        "---\nname: Ada Lovelace\nemail: ada@acme.example\nphone: \"+44 20 7946 0018\"\n\
         company: acme\n---\nLoves pipelines and Snowflake.\n",
    );
    ws.write(
        "contacts/adam-smith.md",
        "---\nname: Adam Smith\nemail: adam@smith.example\n---\n\
         Met Ada Lovelace at the Berlin conference; she introduced us to the data team.\n",
    );
    ws.write(
        "contacts/zoe-muller.md",
        "---\nname: Zoë Müller\nemail: zoe@mueller.example\n---\n\
         ## Activity\n- 2026-11-20 call: talked about the Berlin office\n",
    );
    ws
}

/// The ids `kith find` returns, best first.
fn found(ws: &Ws, words: &[&str]) -> Vec<String> {
    let mut args = vec!["find"];
    args.extend_from_slice(words);
    args.extend(["--format", "json"]);
    ids_of(&ws.kith(&args).json())
}

#[test]
fn find_ranks_a_name_match_before_a_notes_match() {
    let ws = find_ws();
    assert_eq!(
        ws.kith(&["find", "lovelace"]).ok(),
        "ID            KIND     NAME          MATCHED  WHERE\n\
         ada-lovelace  contact  Ada Lovelace  name\n\
         adam-smith    contact  Adam Smith    notes    Met Ada Lovelace at the Berlin conference; she \
         introduced u…\n\
         2 found for `lovelace`\n"
    );
    // A note beats an activity.
    assert_eq!(found(&ws, &["berlin"]), ["adam-smith", "zoe-muller"]);
    // The company's own name before a person whose e-mail has it.
    assert_eq!(found(&ws, &["acme"]), ["acme", "ada-lovelace"]);
}

#[test]
fn find_folds_accents_in_names() {
    let ws = find_ws();
    assert_eq!(found(&ws, &["zoe", "muller"]), ["zoe-muller"]);
    assert_eq!(found(&ws, &["ZOË", "MÜLLER"]), ["zoe-muller"]);
    assert_eq!(found(&ws, &["Müller"]), ["zoe-muller"]);
}

#[test]
fn find_matches_phone_digits_however_they_are_grouped() {
    let ws = find_ws();
    for query in [&["7946", "0018"][..], &["79460018"], &["2079460018"]] {
        let json = ws
            .kith(&[&["find"][..], query, &["--format", "json"][..]].concat())
            .json();
        assert_eq!(ids_of(&json), ["ada-lovelace"], "{query:?}");
        assert_eq!(
            json[0]["matched"],
            serde_json::json!(["phone"]),
            "{query:?}"
        );
    }
}

#[test]
fn find_needs_every_word_to_match() {
    let ws = find_ws();
    assert_eq!(found(&ws, &["ada", "berlin"]), ["adam-smith"]);
    assert_eq!(found(&ws, &["ada", "snowflake"]), ["ada-lovelace"]);
    assert_eq!(found(&ws, &["zoe", "snowflake"]), Vec::<String>::new());
    let out = ws.kith(&["find", "nothing-like-this"]);
    assert_eq!(out.ok(), "0 found for `nothing-like-this`\n");
}

#[test]
fn find_json_has_the_documented_fields() {
    let ws = find_ws();
    let json = ws.kith(&["find", "berlin", "--format", "json"]).json();
    assert_eq!(
        json,
        serde_json::json!([
            {
                "id": "adam-smith", "kind": "contact", "path": "contacts/adam-smith.md",
                "name": "Adam Smith", "rank": 10, "matched": ["notes"],
                "excerpt": "Met Ada Lovelace at the Berlin conference; she introduced us to the da…"
            },
            {
                "id": "zoe-muller", "kind": "contact", "path": "contacts/zoe-muller.md",
                "name": "Zoë Müller", "rank": 8, "matched": ["activity"],
                "excerpt": "2026-11-20 call: talked about the Berlin office"
            }
        ])
    );
    let json = ws
        .kith(&["find", "ada", "lovelace", "--format", "json"])
        .json();
    assert_eq!(ids_of(&json), ["ada-lovelace", "adam-smith"]);
    assert_eq!(json[0]["matched"], serde_json::json!(["name"]));
    assert_eq!(json[0]["excerpt"], Value::Null);
    assert_eq!(json[1]["matched"], serde_json::json!(["name", "notes"]));
    assert!(
        json[0]["rank"].as_u64() > json[1]["rank"].as_u64(),
        "{json}"
    );
}

// ---------------------------------------------------------------------------------------------
// The example workspace

#[test]
fn example_segments_are_stable_for_the_pinned_date() {
    let ws = Ws::example();
    let elsewhere = Ws::empty();
    let dir = ws.path().to_str().unwrap();
    let json = kith_in(
        elsewhere.path(),
        &["-C", dir, "segments", "--format", "json"],
    )
    .json();
    let sizes: Vec<(String, u64)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().into(),
                s["size"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("internal", 7),
        ("spam", 1),
        ("hot-leads", 4),
        ("warming-up", 6),
        ("unassigned-leads", 0),
        ("stale-leads", 3),
        ("quiet-customers", 0),
        ("decision-makers", 10),
        ("webinar-2026", 11),
        ("big-open-accounts", 4),
    ];
    assert_eq!(sizes, expected.map(|(n, s)| (n.to_string(), s)));
    // The hot leads, checked by hand with `kith score`: Samuel asked for a demo on 20 Nov after a
    // pricing visit; Marta asked for one on 2 Nov, replied, visited pricing on 20 Nov; Ben
    // replied on 18 Nov and visited pricing; Tobias fits best (40) and visited pricing twice.
    let out = kith_in(
        elsewhere.path(),
        &[
            "-C",
            dir,
            "list",
            "--segment",
            "hot-leads",
            "--sort",
            "score",
            "-r",
            "--fields",
            "lifecycle,score,grade",
        ],
    );
    assert_eq!(
        out.ok(),
        "ID                LIFECYCLE  SCORE  GRADE\n\
         samuel-brooks     mql         64.6  A2\n\
         marta-kowalczyk   sql           59  B2\n\
         ben-carver        sql         57.5  A2\n\
         tobias-reinhardt  mql         54.9  A3\n\
         4 contacts\n"
    );
    // A leader by score but outside the lead stages is not a hot lead.
    let score = ws
        .kith(&["score", "siobhan-kearney", "--format", "json"])
        .json();
    assert_eq!(score["score"], 77.2);
    ws.assert_untouched();
}
