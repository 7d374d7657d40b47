//! `kith report`: the weekly pipeline report as a static site, on a small workspace whose git
//! history was made by hand (backdated commits by several authors in weeks 46, 47 and 48 of
//! 2026), with every figure worked out by hand. Today is Wednesday 25 November 2026 (W48),
//! Europe/London (GMT in November, so UTC dates are London dates).

use crate::harness::*;
use scraper::{ElementRef, Html, Selector};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const CONFIG: &str = r#"name: Test CRM
timezone: Europe/London
currency: EUR
teammates:
  sam: { name: Sam Okafor, emails: [sam@team.example] }
  priya: { name: Priya Raman, emails: [priya@team.example] }
internal_domains: [team.example]
report:
  trend_weeks: 4
scoring:
  fit:
    rules:
      - { name: came from a webinar, when: "source = webinar", points: 20 }
      - { name: has an owner, when: "exists owner", points: 10 }
  engagement:
    activities:
      call: { points: 10, timeframe: 90d }
  signals:
    rules: []
segments:
  hot-leads:
    description: Leads worth a call this week
    filter: "lifecycle in [lead, mql, sql] and score >= 20"
  unowned:
    description: Leads nobody owns
    filter: "lifecycle in [lead, mql, sql] and not exists owner"
  website:
    description: Came through the website
    filter: "source = website"
"#;

/// Commit authors: (name, e-mail). The names differ from kith.yaml's on purpose: teammates
/// are recognised by address.
const SAM: Author = Author {
    name: "Sam O.",
    email: "sam@team.example",
};
const PRIYA: Author = Author {
    name: "Priya R",
    email: "priya@team.example",
};
const BOT: Author = Author {
    name: "Marketing Bot",
    email: "bot@automation.example",
};

/// A person: (id, name, email, phone, notes sentence).
struct Person {
    id: &'static str,
    name: &'static str,
    email: &'static str,
    phone: &'static str,
    notes: &'static str,
}

/// Every person of the fixture with the personal data a public report must not show.
const PEOPLE: [Person; 9] = [
    Person {
        id: "ada-lovelace",
        name: "Ada Lovelace",
        email: "ada@analytical.example",
        phone: "+44 20 7946 0001",
        notes: "Wants a pilot for forty seats before the spring budget.",
    },
    Person {
        id: "grace-hopper",
        name: "Grace Hopper",
        email: "grace@navy.example",
        phone: "+1 202 555 0102",
        notes: "Prefers a call on Tuesday mornings about the compiler team.",
    },
    Person {
        id: "linus-torvalds",
        name: "Linus Torvalds",
        email: "linus@kernel.example",
        phone: "+358 40 123 4567",
        notes: "Signed up for the newsletter from the kernel mailing list.",
    },
    Person {
        id: "barbara-liskov",
        name: "Barbara Liskov",
        email: "barbara@clu.example",
        phone: "+1 617 555 0199",
        notes: "Renewal champion who likes the substitution report.",
    },
    Person {
        id: "edsger-dijkstra",
        name: "Edsger Dijkstra",
        email: "edsger@eindhoven.example",
        phone: "+31 40 247 9111",
        notes: "Considers goto harmful and our onboarding too long.",
    },
    Person {
        id: "margaret-hamilton",
        name: "Margaret Hamilton",
        email: "margaret@apollo.example",
        phone: "+1 617 555 0142",
        notes: "Asked for the security review pack after the webinar.",
    },
    Person {
        id: "charles-babbage",
        name: "Charles Babbage",
        email: "charles@engines.example",
        phone: "+44 20 7946 0999",
        notes: "Met him at the museum gala with no project yet.",
    },
    Person {
        id: "sam-okafor",
        name: "Sam Okafor",
        email: "sam@team.example",
        phone: "+44 20 7946 0500",
        notes: "Our own account manager for the northern region.",
    },
    Person {
        id: "alan-turing",
        name: "Alan Turing",
        email: "alan@bletchley.example",
        phone: "+44 1908 640404",
        notes: "Stopped by the booth to ask about decrypting old reports.",
    },
];

fn person(id: &str) -> &'static Person {
    PEOPLE
        .iter()
        .find(|p| p.id == id)
        .expect("a fixture person")
}

/// A person's file: frontmatter fields after name, e-mail and phone, then notes, then an
/// activity log if given.
fn person_md(id: &str, fields: &str, activity: &str) -> String {
    let p = person(id);
    let mut s = format!(
        "---\nname: {}\nemail: {}\nphone: \"{}\"\n{fields}---\n{}\n",
        p.name, p.email, p.phone, p.notes
    );
    if !activity.is_empty() {
        s.push_str("\n## Activity\n");
        s.push_str(activity);
    }
    s
}

/// Replaces one piece of a workspace file, which must be there.
fn edit(ws: &Ws, rel: &str, from: &str, to: &str) {
    let text = ws.read(rel);
    assert!(text.contains(from), "{rel} has no {from:?}");
    ws.write(rel, &text.replacen(from, to, 1));
}

/// The workspace of most tests. Its history:
///
/// - W46: 2026-11-10 sam creates every record but Alan Turing; 2026-11-12 priya logs a call
///   with Barbara.
/// - W47: 2026-11-23 00:30 +01:00 (2026-11-22 23:30 in London, still W47) sam moves Linus
///   subscriber → lead.
/// - W48: 11-23 sam moves Grace mql → lead; 11-24 the marketing bot creates Alan Turing (a
///   lead); 11-24 priya moves Ada lead → mql and logs a call; 11-24 sam wins the Acme pilot
///   and logs a meeting on Initech; 11-25 priya loses the Globex rollout.
/// - Not committed: Margaret Hamilton lead → sql.
pub(crate) fn fixture() -> Ws {
    let ws = Ws::with_config(CONFIG);
    let dir = ws.path();
    git(dir, &["init", "-q", "-b", "main"]);
    ws.write(".gitignore", "/public/\n/.kith/\n");
    let p = |id: &str, fields: &str, activity: &str| {
        ws.write(
            &format!("contacts/{id}.md"),
            &person_md(id, fields, activity),
        );
    };
    p(
        "ada-lovelace",
        "lifecycle: lead\nsource: webinar\nowner: sam\ncreated: 2026-11-10\n",
        "",
    );
    p(
        "grace-hopper",
        "lifecycle: mql\nsource: referral\nowner: priya\ncreated: 2026-10-01\n",
        "",
    );
    p(
        "linus-torvalds",
        "lifecycle: subscriber\nsource: website\nowner: sam\ncreated: 2026-11-10\n",
        "",
    );
    p(
        "barbara-liskov",
        "lifecycle: customer\nsource: referral\nowner: sam\ncreated: 2026-09-01\n",
        "",
    );
    p(
        "edsger-dijkstra",
        "lifecycle: lead\nsource: website\nowner: priya\ncreated: 2026-08-01\n",
        "",
    );
    p(
        "margaret-hamilton",
        "lifecycle: lead\nsource: webinar\nowner: priya\ncreated: 2026-11-10\n",
        "",
    );
    p("charles-babbage", "created: 2026-11-10\n", "");
    p("sam-okafor", "lifecycle: other\nother_reason: staff\n", "");
    ws.write(
        "companies/acme.md",
        "---\nname: Acme Corp\nindustry: software\n---\n",
    );
    ws.write(
        "deals/acme-pilot.md",
        "---\nname: Acme pilot\namount: 10000\nstage: contract-sent\nclose_date: 2026-11-30\ncompany: acme\ncontacts: [ada-lovelace]\nowner: sam\ncreated: 2026-10-01\n---\n",
    );
    ws.write(
        "deals/globex-rollout.md",
        "---\nname: Globex rollout\namount: 4000\nstage: presentation-scheduled\nclose_date: 2026-12-10\nowner: priya\ncreated: 2026-10-15\n---\n",
    );
    ws.write(
        "deals/initech-expansion.md",
        "---\nname: Initech expansion\namount: 20000\nstage: qualified-to-buy\nclose_date: 2026-11-30\nowner: sam\ncreated: 2026-11-10\n---\n",
    );
    ws.write(
        "deals/umbrella-renewal.md",
        "---\nname: Umbrella renewal\namount: 8000\nstage: appointment-scheduled\nclose_date: 2027-01-15\nowner: sam\ncreated: 2026-09-01\n---\n",
    );
    commit_all(dir, SAM, "2026-11-10T10:00:00+00:00", "Records");
    p(
        "barbara-liskov",
        "lifecycle: customer\nsource: referral\nowner: sam\ncreated: 2026-09-01\n",
        "- 2026-11-12 call @priya: quarterly check-in\n",
    );
    commit_all(dir, PRIYA, "2026-11-12T11:00:00+00:00", "Barbara check-in");
    edit(
        &ws,
        "contacts/linus-torvalds.md",
        "lifecycle: subscriber",
        "lifecycle: lead",
    );
    commit_all(dir, SAM, "2026-11-23T00:30:00+01:00", "Linus is a lead");
    edit(
        &ws,
        "contacts/grace-hopper.md",
        "lifecycle: mql",
        "lifecycle: lead",
    );
    commit_all(dir, SAM, "2026-11-23T09:00:00+00:00", "Grace back to lead");
    p(
        "alan-turing",
        "lifecycle: lead\nsource: event\ncreated: 2026-11-24\n",
        "",
    );
    commit_all(
        dir,
        BOT,
        "2026-11-24T10:00:00+00:00",
        "New lead from the event",
    );
    p(
        "ada-lovelace",
        "lifecycle: mql\nsource: webinar\nowner: sam\ncreated: 2026-11-10\n",
        "- 2026-11-24 call @priya: discovery call\n",
    );
    commit_all(dir, PRIYA, "2026-11-24T15:00:00+00:00", "Ada is an MQL");
    edit(
        &ws,
        "deals/acme-pilot.md",
        "stage: contract-sent",
        "stage: closed-won",
    );
    ws.write(
        "deals/initech-expansion.md",
        &format!(
            "{}## Activity\n- 2026-11-23 meeting @sam: scoping workshop\n",
            ws.read("deals/initech-expansion.md")
        ),
    );
    commit_all(dir, SAM, "2026-11-24T16:00:00+00:00", "Acme pilot won");
    edit(
        &ws,
        "deals/globex-rollout.md",
        "stage: presentation-scheduled",
        "stage: closed-lost\nlost_reason: budget",
    );
    commit_all(dir, PRIYA, "2026-11-25T09:00:00+00:00", "Globex lost");
    edit(
        &ws,
        "contacts/margaret-hamilton.md",
        "lifecycle: lead",
        "lifecycle: sql",
    );
    ws
}

pub(crate) fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e:?}"))
}

/// An element's text, whitespace collapsed.
pub(crate) fn text(el: ElementRef) -> String {
    el.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text of every element `css` selects.
pub(crate) fn texts(doc: &Html, css: &str) -> Vec<String> {
    doc.select(&sel(css)).map(text).collect()
}

/// The cells of every row `css` selects.
fn rows(doc: &Html, css: &str) -> Vec<Vec<String>> {
    let cell = sel("td, th");
    doc.select(&sel(css))
        .map(|tr| tr.select(&cell).map(text).collect())
        .collect()
}

pub(crate) fn page(path: &Path) -> Html {
    let html = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Html::parse_document(&html)
}

/// "Moved this week": each group's heading and its items.
fn moves(doc: &Html) -> Vec<(String, Vec<String>)> {
    let (h3, li) = (sel("h3"), sel("li"));
    doc.select(&sel("#moved .moves-group"))
        .map(|g| {
            let title = g.select(&h3).next().map(text).unwrap_or_default();
            (title, g.select(&li).map(text).collect())
        })
        .collect()
}

/// The value of the stat box with this label.
pub(crate) fn stat(doc: &Html, css_scope: &str, label: &str) -> String {
    let (value, lab) = (sel(".value"), sel(".label"));
    doc.select(&sel(&format!("{css_scope} .stat")))
        .find(|s| s.select(&lab).next().map(text).as_deref() == Some(label))
        .and_then(|s| s.select(&value).next().map(text))
        .unwrap_or_else(|| panic!("no stat {label:?} in {css_scope}"))
}

/// Every file under a folder, relative, sorted.
fn files(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap();
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    files(dir)
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .map(|f| dir.join(f))
        .collect()
}

const W48: &str = "public/weeks/2026-W48/index.html";
const W47: &str = "public/weeks/2026-W47/index.html";

/// What is not yet committed reads the same whether git's index says nothing is staged (the
/// record files as the load listed and looked at them, joined with the index) or something is
/// (libgit2's diff): a changed, a new and a deleted record, and one written again with the same bytes.
#[test]
fn uncommitted_changes_read_the_same_either_way() {
    let ws = fixture();
    let dir = ws.path();
    ws.write(
        "contacts/niklaus-wirth.md",
        "---\nname: Niklaus Wirth\nlifecycle: lead\nsource: website\ncreated: 2026-11-25\n---\n",
    );
    std::fs::remove_file(dir.join("contacts/charles-babbage.md")).unwrap();
    let same = ws.read("contacts/ada-lovelace.md");
    ws.write("contacts/ada-lovelace.md", &same);
    let report = |way: &str| {
        let run = kith_env(dir, &[("NO_COLOR", "1"), ("KITH_TRACE", "1")], &["report"]);
        run.ok();
        assert!(run.stderr.contains(way), "{}", run.stderr);
        let doc = page(&ws.file(W48));
        (moves(&doc), texts(&doc, "main p.note"))
    };
    let quick = report("uncommitted changes: from the listing");
    // Staged: git's index no longer holds the last commit's tree.
    git(dir, &["add", "contacts/margaret-hamilton.md"]);
    let slow = report("uncommitted changes: libgit2's diff");
    assert_eq!(quick, slow);
    let pending: Vec<&String> = quick
        .0
        .iter()
        .flat_map(|(_, items)| items)
        .filter(|i| i.ends_with("not yet committed"))
        .collect();
    assert!(
        pending
            .iter()
            .any(|i| i.starts_with("Margaret Hamilton lead→sql"))
            && pending.iter().any(|i| i.starts_with("Niklaus Wirth")),
        "{quick:?}"
    );
    assert!(
        !pending.iter().any(|i| i.starts_with("Ada Lovelace")),
        "{quick:?}"
    );
}

/// A damaged git index stops the report with the way to rebuild it, not libgit2's bare
/// message; rebuilt, the report runs.
#[test]
fn a_damaged_index_stops_the_report_and_says_how_to_rebuild_it() {
    let ws = fixture();
    let dir = ws.path();
    let index = dir.join(".git/index");
    let bytes = std::fs::read(&index).unwrap();
    std::fs::write(&index, &bytes[..100]).unwrap();
    let run = ws.kith(&["report"]);
    let err = run.fails(1);
    assert!(err.contains("cannot read git's index"), "{err}");
    assert!(err.contains("rm .git/index && git reset"), "{err}");
    assert!(err.contains("then run `kith report` again"), "{err}");
    std::fs::remove_file(&index).unwrap();
    git(dir, &["reset", "-q"]);
    ws.kith(&["report"]).ok();
}

/// The events of a commit that changes many files (here a generated workspace of 300
/// people, companies and deals) are cached once: the next report reads them back and shows
/// the same page; a damaged cache file is computed again; `kith forget` removes it with the
/// other caches.
#[test]
fn a_large_commits_events_are_cached_and_read_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    kith_in(dir.path(), &["gen", "ws", "-n", "300", "--git"]).ok();
    let ws = dir.path().join("ws");
    let head = git(&ws, &["rev-parse", "HEAD"]).trim().to_string();
    let cached = ws.join(".kith/history-events").join(&head);
    let report = |from_cache: bool| {
        let run = kith_env(&ws, &[("KITH_TRACE", "1")], &["report", "--no-records"]);
        run.ok();
        assert_eq!(
            run.stderr
                .contains("history: the events of 1 large commit from the cache"),
            from_cache,
            "{}",
            run.stderr
        );
        page(&ws.join(W48))
    };
    let first = report(false);
    let moved = moves(&first);
    assert!(
        moved.iter().map(|(_, items)| items.len()).sum::<usize>() > 0,
        "{moved:?}"
    );
    let whole = std::fs::read(&cached).unwrap();
    let second = report(true);
    assert_eq!(moves(&second), moved);
    assert_eq!(
        texts(&second, "main table td"),
        texts(&first, "main table td")
    );
    std::fs::write(&cached, &whole[..whole.len() / 2]).unwrap();
    let third = report(false);
    assert_eq!(moves(&third), moved);
    assert_eq!(std::fs::read(&cached).unwrap(), whole);
    // Field values and notes of past commits: `kith forget` removes the file.
    let someone = std::fs::read_dir(ws.join("contacts"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find_map(|n| n.strip_suffix(".md").map(str::to_string))
        .unwrap();
    let plan = kith_in(&ws, &["forget", &someone, "--dry-run"]);
    let plan = plan.ok();
    assert!(
        plan.contains(&format!(".kith/history-events/{head}: would be removed")),
        "{plan}"
    );
}

#[test]
fn the_week_page_shows_what_moved_the_funnel_people_deals_and_the_trend() {
    let ws = fixture();
    let out = ws.kith(&["report"]);
    let stdout = out.ok();
    assert!(
        stdout.starts_with("public/index.html: weekly report for 2026-W48 ("),
        "{stdout}"
    );
    let doc = page(&ws.file(W48));
    assert_eq!(texts(&doc, "h1"), ["Pipeline report, week 2026-W48"]);
    assert_eq!(
        texts(&doc, "p.subtitle"),
        ["2026-11-23 to 2026-11-29 · figures as of 2026-11-25 · latest week"]
    );
    assert_eq!(
        texts(&doc, "main p.note"),
        ["Includes 1 record change not committed yet, marked not yet committed."]
    );

    // The figures at the top. Contacts: 8 people, the staff member left out. Open leads:
    // Grace, Alan, Linus, Edsger (lead), Ada (mql), Margaret (sql).
    for (label, value) in [
        ("contacts", "8"),
        ("open leads", "6"),
        ("customers", "1"),
        ("new leads this week", "1"),
        ("open deals", "2"),
        ("weighted pipeline", "€9,600"),
    ] {
        assert_eq!(stat(&doc, "main > .stats", label), value, "{label}");
    }

    // Moved this week: the five commits of W48, authors mapped to teammates by address, the
    // bot by its name; Linus's move (W47 in London, although 2026-11-23 in its own offset) is
    // not among them; Margaret's uncommitted move is.
    assert_eq!(
        texts(&doc, "#moved > p.small"),
        ["5 commits this week; each change is credited to the teammate who made it."]
    );
    let expected: Vec<(String, Vec<String>)> = [
        (
            "Became leads (1)",
            vec!["Alan Turing lead · Marketing Bot, 2026-11-24"],
        ),
        (
            "Moved forward (2)",
            vec![
                "Ada Lovelace lead→mql · priya, 2026-11-24",
                "Margaret Hamilton lead→sql · not yet committed",
            ],
        ),
        (
            "Moved back (1)",
            vec!["Grace Hopper mql→lead · sam, 2026-11-23"],
        ),
        (
            "Deals won (1)",
            vec!["Acme pilot contract-sent→closed-won 10,000 EUR · sam, 2026-11-24"],
        ),
        (
            "Deals lost (1)",
            vec!["Globex rollout presentation-scheduled→closed-lost 4,000 EUR · priya, 2026-11-25"],
        ),
        (
            "New contacts (1)",
            vec!["Alan Turing lead · Marketing Bot, 2026-11-24"],
        ),
    ]
    .into_iter()
    .map(|(t, items)| {
        (
            t.to_string(),
            items.into_iter().map(str::to_string).collect(),
        )
    })
    .collect();
    assert_eq!(moves(&doc), expected);
    assert!(
        !doc.root_element()
            .html()
            .contains("Linus Torvalds subscriber")
    );
    assert_eq!(
        texts(&doc, "#moved .pending"),
        ["not yet committed"],
        "only Margaret's move is pending"
    );
    let hrefs: Vec<String> = doc
        .select(&sel("#moved a"))
        .map(|a| a.value().attr("href").unwrap_or("").to_string())
        .collect();
    assert_eq!(
        hrefs,
        [
            "../../contacts/alan-turing.html",
            "../../contacts/ada-lovelace.html",
            "../../contacts/margaret-hamilton.html",
            "../../contacts/grace-hopper.html",
            "../../deals/acme-pilot.html",
            "../../deals/globex-rollout.html",
            "../../contacts/alan-turing.html",
        ]
    );

    // The funnel. People at each stage: lead 4, mql 1, sql 1, customer 1; reached: 7 7 3 2 1
    // 1 0. Median stays from the commits: Linus 12 days a subscriber (11-10 → 11-22), Ada 14
    // days a lead (11-10 → 11-24), Grace 53 days an mql (created 10-01 → 11-23).
    assert_eq!(
        rows(&doc, "#funnel table:first-of-type tbody tr"),
        [
            ["subscriber", "0", "100 %", "100 %", "12 days (1)"],
            ["lead lead", "4", "42.9 %", "100 %", "14 days (1)"],
            ["mql lead", "1", "66.7 %", "42.9 %", "53 days (1)"],
            ["sql lead", "1", "50 %", "28.6 %", "–"],
            ["opportunity", "0", "100 %", "14.3 %", "–"],
            ["customer", "1", "0 %", "14.3 %", "–"],
            ["evangelist", "0", "–", "0 %", "–"],
        ]
    );
    assert_eq!(
        texts(&doc, "#funnel > p.small")[0],
        "Also 1 contact without a stage and 0 outside the funnel (suppliers, partners); 1 staff and spam left out. \"Next step\": of those who reached a stage, the share who reached the next. \"Median stay\": days at the stage before moving on (how many moves it is of)."
    );
    let benchmarks = rows(&doc, "#funnel table:nth-of-type(2) tbody tr");
    assert_eq!(
        [&benchmarks[1][0], &benchmarks[1][2]],
        ["leads → customers", "14.3 %"]
    );
    // The bars: one per stage, with the count as its text.
    assert_eq!(
        texts(&doc, "#funnel svg text.value"),
        ["0", "4", "1", "1", "0", "1", "0"]
    );

    // Lead sources: leads to date are people at lead or beyond; Alan (event) is this week's.
    assert_eq!(
        rows(&doc, "#sources tbody tr"),
        [
            ["referral", "0", "2", "1", "50 %"],
            ["webinar", "0", "2", "0", "0 %"],
            ["website", "0", "2", "0", "0 %"],
            ["event", "1", "1", "0", "0 %"],
        ]
    );

    // Hot leads: the hot-leads segment (score >= 20) by score. Ada: webinar 20 + owner 10 +
    // a call 10 = 40; Margaret: 20 + 10 = 30. Fit 30 is grade A, engagement under 15 is 3.
    let hot = rows(&doc, "#hot-leads tbody > tr");
    let hot_cells: Vec<[&str; 4]> = hot
        .iter()
        .map(|r| [&*r[0], &*r[1], &*r[3], &*r[4]])
        .collect();
    assert_eq!(
        hot_cells,
        [
            ["Ada Lovelace", "mql", "Sam Okafor", "2026-11-24"],
            ["Margaret Hamilton", "sql", "Priya Raman", "–"],
        ]
    );
    assert_eq!(texts(&doc, "#hot-leads td .pill"), ["A3", "A3"]);
    assert_eq!(texts(&doc, "#hot-leads summary"), ["3 rules", "2 rules"]);
    assert_eq!(
        texts(&doc, "#hot-leads details li"),
        [
            "+20 fit: came from a webinar",
            "+10 fit: has an owner",
            "+10 engagement: 1 call in the last 90d",
            "+20 fit: came from a webinar",
            "+10 fit: has an owner",
        ]
    );

    // Stale: open leads and open deals quiet for more than 30 days, by owner, quietest first.
    assert_eq!(
        texts(&doc, "#stale h2, #stale p.small, #stale h3"),
        [
            "Stale: no activity for 30 days",
            "2 leads and 1 open deal, by owner.",
            "Priya Raman (2)",
            "Sam Okafor (1)",
        ]
    );
    assert_eq!(
        rows(&doc, "#stale tr"),
        [
            ["Edsger Dijkstra", "lead", "116 days quiet"],
            ["Grace Hopper", "lead", "55 days quiet"],
            ["Umbrella renewal", "appointment-scheduled", "85 days quiet"],
        ]
    );

    // Owners: open leads, open deals and their amounts, activities logged this week.
    assert_eq!(
        rows(&doc, "#owners tbody tr"),
        [
            ["Sam Okafor", "2", "2", "28,000 EUR", "1"],
            ["Priya Raman", "3", "0", "–", "1"],
            ["unassigned", "1", "0", "–", "0"],
        ]
    );

    // Deals: open Initech 20,000 at 40 % and Umbrella 8,000 at 20 %; Acme won (created 10-01,
    // won 11-24: 54 days), Globex lost.
    for (label, value) in [
        ("open, 2 deals", "28,000 EUR"),
        ("win rate (1 won, 1 lost)", "50 %"),
        ("average won deal", "10,000 EUR"),
        ("median sales cycle (1 won)", "54 days"),
    ] {
        assert_eq!(stat(&doc, "#deals", label), value, "{label}");
    }
    let stages = rows(&doc, "#deals .grid table tbody tr");
    let stage_cells: Vec<[&str; 4]> = stages
        .iter()
        .map(|r| [&*r[0], &*r[2], &*r[3], &*r[4]])
        .collect();
    assert_eq!(
        stage_cells,
        [
            ["appointment-scheduled", "1", "8,000 EUR", "1,600 EUR"],
            ["qualified-to-buy", "1", "20,000 EUR", "8,000 EUR"],
            ["presentation-scheduled", "0", "–", "–"],
            ["decision-maker-bought-in", "0", "–", "–"],
            ["contract-sent", "0", "–", "–"],
        ]
    );
    assert_eq!(
        texts(&doc, "#deals svg text.label"),
        [
            "2026-11", "2026-12", "2027-01", "2027-02", "2027-03", "2027-04"
        ]
    );
    assert_eq!(
        texts(&doc, "#deals svg text.value"),
        ["8,000", "0", "1,600", "0", "0", "0"]
    );
    assert_eq!(
        rows(&doc, "#deals > table tbody tr"),
        [[
            "Initech expansion",
            "qualified-to-buy",
            "20,000 EUR",
            "2026-11-30",
            "Sam Okafor"
        ]]
    );

    // The trend, week by week: W45 before any commit, so no data (not 0); W46 Ada, Grace,
    // Edsger, Margaret; W47 Linus too; W48 Alan too. Barbara is the one customer throughout.
    assert_eq!(
        texts(&doc, "#trend h2"),
        ["Leads and customers, last 4 weeks"]
    );
    assert_eq!(
        texts(&doc, "#trend circle title"),
        [
            "leads, W46: 4",
            "leads, W47: 5",
            "leads, W48: 6",
            "customers, W46: 1",
            "customers, W47: 1",
            "customers, W48: 1",
        ]
    );
    assert_eq!(texts(&doc, "#trend text.nodata"), ["no data"]);

    // Data health and segments.
    assert_eq!(
        texts(&doc, "#health p"),
        ["0 errors and 0 warnings in the records (kith check lists them)."]
    );
    let segments = rows(&doc, "#segments tr");
    let seg = |name: &str| {
        segments
            .iter()
            .find(|r| r[0] == name)
            .unwrap_or_else(|| panic!("no segment {name}: {segments:?}"))[1]
            .clone()
    };
    assert_eq!(
        [
            seg("hot-leads"),
            seg("unowned"),
            seg("website"),
            seg("internal"),
            seg("spam")
        ],
        ["2", "1", "2", "1", "0"]
    );

    // The index shows the same week, with links from the site root.
    let index = page(&ws.file("public/index.html"));
    assert_eq!(moves(&index), expected);
    assert_eq!(
        index
            .select(&sel("#moved a"))
            .next()
            .and_then(|a| a.value().attr("href")),
        Some("./contacts/alan-turing.html")
    );
    assert_eq!(texts(&index, "#archive li"), ["2026-W48"]);

    // Last, how whole numbers read: as everywhere else in kith (`50 %`, `54 days`, `kith
    // score`'s `40`), without a decimal point: the hot leads' scores, the stages' win
    // probabilities, the benchmarks' ranges.
    let scores: Vec<&str> = hot.iter().map(|r| &*r[2]).collect();
    let probabilities: Vec<&str> = stages.iter().map(|r| &*r[1]).collect();
    let ranges: Vec<&str> = benchmarks.iter().map(|r| &*r[1]).collect();
    assert_eq!(
        (scores, probabilities, ranges),
        (
            vec!["40 A3", "30 A3"],
            vec!["20", "40", "60", "80", "90"],
            vec!["2–5 %", "5–10 %"]
        ),
        "(hot leads' scores, deal stages' win probabilities, benchmarks)"
    );
}

#[test]
fn a_past_week_is_rendered_from_git_as_it_was_and_always_the_same() {
    let ws = fixture();
    let out = ws.kith(&["report", "--week", "2026-W47"]);
    assert!(
        out.ok()
            .starts_with("public/weeks/2026-W47/index.html: weekly report for 2026-W47 ("),
        "{}",
        out.stdout
    );
    let html = ws.read(W47);
    let doc = Html::parse_document(&html);
    assert_eq!(texts(&doc, "h1"), ["Pipeline report, week 2026-W47"]);
    assert_eq!(
        texts(&doc, "p.subtitle"),
        ["2026-11-16 to 2026-11-22 · figures as of 2026-11-22 · latest week"]
    );
    // The records of the last commit before Monday 23 November 00:00 in London: no Alan
    // (created in W48), Ada still a lead, Grace still an mql, every deal still open, and no
    // uncommitted change (those belong to the current week).
    assert!(!html.contains("Alan Turing") && !html.contains("alan-turing"));
    assert!(!html.contains("not yet committed"));
    for (label, value) in [
        ("contacts", "7"),
        ("open leads", "5"),
        ("customers", "1"),
        ("new leads this week", "1"),
        ("open deals", "4"),
        // 10,000 × 90 % + 4,000 × 60 % + 20,000 × 40 % + 8,000 × 20 %
        ("weighted pipeline", "€21,000"),
    ] {
        assert_eq!(stat(&doc, "main > .stats", label), value, "{label}");
    }
    // W47's one commit: sam's, authored 2026-11-23 00:30 +01:00, which is 2026-11-22 in London.
    assert_eq!(
        texts(&doc, "#moved > p.small"),
        ["1 commit this week; each change is credited to the teammate who made it."]
    );
    assert_eq!(
        moves(&doc),
        [
            (
                "Became leads (1)".to_string(),
                vec!["Linus Torvalds subscriber→lead · sam, 2026-11-22".to_string()]
            ),
            (
                "Moved forward (1)".to_string(),
                vec!["Linus Torvalds subscriber→lead · sam, 2026-11-22".to_string()]
            ),
        ]
    );
    assert_eq!(
        rows(&doc, "#funnel table:first-of-type tbody tr")[1..3],
        [
            ["lead lead", "4", "33.3 %", "100 %", "–"],
            ["mql lead", "1", "50 %", "33.3 %", "–"],
        ]
    );
    assert_eq!(
        texts(&doc, "#stale p.small"),
        ["2 leads and 3 open deals, by owner."]
    );
    assert_eq!(
        texts(&doc, "#trend circle title"),
        [
            "leads, W46: 4",
            "leads, W47: 5",
            "customers, W46: 1",
            "customers, W47: 1",
        ]
    );
    // W44 and W45 end before the first commit: no data, not 0.
    assert_eq!(texts(&doc, "#trend text.nodata"), ["no data", "no data"]);

    // Later commits do not change a past week.
    edit(
        &ws,
        "contacts/charles-babbage.md",
        "created:",
        "lifecycle: lead\ncreated:",
    );
    commit_all(
        ws.path(),
        PRIYA,
        "2026-11-25T12:00:00+00:00",
        "Charles is a lead",
    );
    let again = ws.kith(&["report", "--week", "2026-W47"]);
    assert!(
        again.ok().contains("(0 files written, "),
        "{}",
        again.stdout
    );
    assert!(ws.read(W47) == html, "the W47 page changed");

    // Backfill: the two weeks before, each as it was, linked from the index's archive.
    let out = ws.kith(&["report", "--out", "site", "--backfill", "2"]);
    assert!(
        out.ok()
            .starts_with("site/index.html: weekly report for 2026-W48, 2026-W47, 2026-W46 ("),
        "{}",
        out.stdout
    );
    let w46 = page(&ws.file("site/weeks/2026-W46/index.html"));
    assert_eq!(
        texts(&w46, "p.subtitle")[0],
        "2026-11-09 to 2026-11-15 · figures as of 2026-11-15 · latest week"
    );
    // W46: the first commit created seven people (the staff member left out), four of them
    // at lead stages, and four deals.
    let titles: Vec<String> = moves(&w46).into_iter().map(|(t, _)| t).collect();
    assert_eq!(
        titles,
        ["Became leads (4)", "New deals (4)", "New contacts (7)"]
    );
    assert!(ws.file("site/weeks/2026-W47/index.html").is_file());
    // The index's archive links every week in the folder, and each week links the one
    // before it, now that its page exists.
    let index = page(&ws.file("site/index.html"));
    let archive: Vec<(String, String)> = index
        .select(&sel("#archive a"))
        .map(|a| (text(a), a.value().attr("href").unwrap_or("").to_string()))
        .collect();
    let previous: Vec<Option<String>> = ["2026-W48", "2026-W47"]
        .iter()
        .map(|week| {
            page(&ws.file(&format!("site/weeks/{week}/index.html")))
                .select(&sel("p.subtitle a"))
                .find(|a| text(*a).starts_with("previous week"))
                .map(|a| format!("{} {}", text(a), a.value().attr("href").unwrap_or("")))
        })
        .collect();
    assert_eq!(
        (archive, previous),
        (
            [
                ("2026-W48", "./weeks/2026-W48/index.html"),
                ("2026-W47", "./weeks/2026-W47/index.html"),
                ("2026-W46", "./weeks/2026-W46/index.html"),
            ]
            .map(|(w, h)| (w.to_string(), h.to_string()))
            .to_vec(),
            vec![
                Some("previous week (2026-W47) ../../weeks/2026-W47/index.html".to_string()),
                Some("previous week (2026-W46) ../../weeks/2026-W46/index.html".to_string()),
            ]
        ),
        "(the index's archive, the W48 and W47 pages' links to the week before)"
    );
}

#[test]
fn a_past_week_writes_its_archive_page_only_and_leaves_the_live_site_alone() {
    let ws = fixture();
    ws.kith(&["report"]).ok();
    let site = ws.file("public");
    let read_all = || -> BTreeMap<String, Vec<u8>> {
        files(&site)
            .into_iter()
            .map(|f| {
                let bytes = std::fs::read(site.join(&f)).unwrap();
                (f, bytes)
            })
            .collect()
    };
    let live = read_all();
    // Alan Turing was created in W48, after the week about to be rendered.
    assert!(live.contains_key("contacts/alan-turing.html"));

    let out = ws.kith(&["report", "--week", "2026-W47"]);
    assert_eq!(
        out.ok(),
        "public/weeks/2026-W47/index.html: weekly report for 2026-W47 (2 files written, 1 \
         unchanged); a past week, so index.html and the record pages were left showing the \
         latest state (`kith report` renders them)\n"
    );
    // Every page of the live site is as it was, Alan's included; W47's page and its feed entry are new.
    let after = read_all();
    let added: Vec<&String> = after.keys().filter(|f| !live.contains_key(*f)).collect();
    assert_eq!(
        added,
        ["weeks/2026-W47/headline.json", "weeks/2026-W47/index.html"]
    );
    for (f, bytes) in &live {
        assert!(after.get(f) == Some(bytes), "{f} changed or went");
    }
    let w47 = page(&ws.file(W47));
    assert_eq!(texts(&w47, "h1"), ["Pipeline report, week 2026-W47"]);

    // The next report of the live week links the archived week from the index.
    ws.kith(&["report"]).ok();
    let index = page(&ws.file("public/index.html"));
    assert_eq!(texts(&index, "#archive li"), ["2026-W48", "2026-W47"]);
    assert!(ws.file("public/contacts/alan-turing.html").is_file());

    // An earlier day of this week is not the latest state either.
    let index_before = ws.read("public/index.html");
    let out = ws.kith(&["report", "--as-of", "2026-11-23"]);
    assert!(
        out.ok().starts_with("public/weeks/2026-W48/index.html: "),
        "{}",
        out.stdout
    );
    assert_eq!(ws.read("public/index.html"), index_before);
}

/// Sets every file's modification time to 1 January 2000.
fn age(dir: &Path) {
    let old = std::time::UNIX_EPOCH + std::time::Duration::from_secs(946_684_800);
    for f in files(dir) {
        std::fs::File::options()
            .write(true)
            .open(dir.join(&f))
            .and_then(|file| file.set_modified(old))
            .unwrap_or_else(|e| panic!("{f}: {e}"));
    }
}

/// The files modified since [`age`].
fn touched(dir: &Path) -> BTreeSet<String> {
    let old = std::time::UNIX_EPOCH + std::time::Duration::from_secs(946_684_800);
    files(dir)
        .into_iter()
        .filter(|f| std::fs::metadata(dir.join(f)).unwrap().modified().unwrap() != old)
        .collect()
}

#[test]
fn running_the_report_again_writes_nothing() {
    let ws = fixture();
    ws.kith(&["report"]).ok();
    let before: BTreeMap<String, Vec<u8>> = files(&ws.file("public"))
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(ws.file("public").join(&f)).unwrap();
            (f, bytes)
        })
        .collect();
    age(&ws.file("public"));
    let out = ws.kith(&["report"]);
    // 21 pages (index, week, 5 segments, 9 people, 1 company, 4 deals) the stylesheet, the feed and the week's feed entry.
    assert_eq!(
        out.ok(),
        "public/index.html: weekly report for 2026-W48 (0 files written, 24 unchanged)\n"
    );
    let after: BTreeMap<String, Vec<u8>> = files(&ws.file("public"))
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(ws.file("public").join(&f)).unwrap();
            (f, bytes)
        })
        .collect();
    assert!(before == after, "the site's files changed");
    assert_eq!(
        touched(&ws.file("public")),
        BTreeSet::new(),
        "files rewritten by a run that changed nothing"
    );
}

#[test]
fn changing_one_record_rewrites_only_the_pages_that_show_it() {
    let ws = fixture();
    ws.kith(&["report"]).ok();
    age(&ws.file("public"));
    // Edsger is a stale lead (week page and index) in the `website` segment.
    edit(
        &ws,
        "contacts/edsger-dijkstra.md",
        "name: Edsger Dijkstra",
        "name: Edsger W. Dijkstra",
    );
    let out = ws.kith(&["report"]);
    assert_eq!(
        out.ok(),
        "public/index.html: weekly report for 2026-W48 (4 files written, 20 unchanged)\n"
    );
    // The output folder's marker is `running_the_report_again_writes_nothing`'s business.
    let mut rewritten = touched(&ws.file("public"));
    rewritten.remove(".kith-report");
    assert_eq!(
        rewritten,
        BTreeSet::from(
            [
                "contacts/edsger-dijkstra.html",
                "index.html",
                "segments/website.html",
                "weeks/2026-W48/index.html",
            ]
            .map(str::to_string)
        )
    );
    for rel in [
        "contacts/edsger-dijkstra.html",
        "index.html",
        "segments/website.html",
        "weeks/2026-W48/index.html",
    ] {
        assert!(
            ws.read(&format!("public/{rel}"))
                .contains("Edsger W. Dijkstra"),
            "{rel}"
        );
    }
}

#[test]
fn the_page_of_a_record_that_is_gone_goes_too() {
    let ws = fixture();
    ws.kith(&["report"]).ok();
    assert!(ws.file("public/contacts/charles-babbage.html").is_file());
    std::fs::remove_file(ws.file("contacts/charles-babbage.md")).unwrap();
    ws.kith(&["report"]).ok();
    assert!(!ws.file("public/contacts/charles-babbage.html").exists());
    assert!(ws.file("public/contacts/ada-lovelace.html").is_file());
    // Other files in the folder are not kith's pages, and stay.
    ws.write("public/contacts/notes.txt", "mine");
    ws.kith(&["report"]).ok();
    assert_eq!(ws.read("public/contacts/notes.txt"), "mine");
}

const HOSTILE_NAME: &str = "<script>alert(1)</script> Mallory <img src=x onerror=alert(1)>";
const HOSTILE_TITLE: &str = "\"><svg onload=alert(1)>";
const HOSTILE_LINK: &str = "[x](javascript:alert(1))";
const HOSTILE_IMG: &str = "<img src=x onerror=alert(1)>";

/// A workspace whose records try every way into a page's markup.
fn hostile() -> Ws {
    let ws = Ws::with_config(&format!("{CONFIG}fields:\n  contacts:\n    website: url\n"));
    let dir = ws.path();
    git(dir, &["init", "-q", "-b", "main"]);
    ws.write(
        "contacts/mallory.md",
        r#"---
name: "<script>alert(1)</script> Mallory <img src=x onerror=alert(1)>"
email: mallory@evil.example
title: "\"><svg onload=alert(1)>"
website: "javascript:alert(1)"
lifecycle: subscriber
source: "<img src=x onerror=alert(1)>"
owner: sam
company: evil-co
tags: ["<script>alert(1)</script>", "\"><svg onload=alert(1)>"]
nickname: "[x](javascript:alert(1))"
created: 2026-11-10
---
Hello <script>alert(1)</script> and <img src=x onerror=alert(1)>.

Click [x](javascript:alert(1)) or "><svg onload=alert(1)> now.

<a href="JaVaScRiPt:alert(1)">y</a> <iframe src="https://evil.example"></iframe>
"#,
    );
    ws.write(
        "companies/evil-co.md",
        "---\nname: \"<script>alert(1)</script> Evil Co\"\nindustry: \"\\\"><svg onload=alert(1)>\"\n---\n[x](javascript:alert(1))\n",
    );
    ws.write(
        "deals/evil-deal.md",
        "---\nname: \"<img src=x onerror=alert(1)> deal\"\namount: 5000\nstage: appointment-scheduled\ncompany: evil-co\ncontacts: [mallory]\nowner: sam\ncreated: 2026-11-10\n---\n",
    );
    commit_all(dir, SAM, "2026-11-10T10:00:00+00:00", "Records");
    edit(
        &ws,
        "contacts/mallory.md",
        "lifecycle: subscriber",
        "lifecycle: lead",
    );
    ws.write(
        "contacts/mallory.md",
        &format!(
            "{}\n## Activity\n- 2026-11-24 call @sam: <script>alert(1)</script> \"><svg onload=alert(1)> [x](javascript:alert(1))\n",
            ws.read("contacts/mallory.md")
        ),
    );
    edit(
        &ws,
        "deals/evil-deal.md",
        "stage: appointment-scheduled",
        "stage: contract-sent",
    );
    commit_all(dir, SAM, "2026-11-24T10:00:00+00:00", "Mallory is a lead");
    ws
}

/// Every way markup could run script, in one page: `<script>` elements, event-handler
/// attributes, `javascript:` URLs, and any SVG kith did not draw.
fn active_content(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut found = Vec::new();
    let lower = html.to_lowercase();
    for raw in ["<script", "<svg onload", "<img src=x", "<iframe"] {
        if lower.contains(raw) {
            found.push(format!("raw `{raw}`"));
        }
    }
    for el in doc.select(&sel("*")) {
        let name = el.value().name();
        if matches!(name, "script" | "iframe" | "object" | "embed") {
            found.push(format!("<{name}>"));
        }
        if name == "svg" && el.value().attr("class") != Some("chart") {
            found.push("an <svg> kith did not draw".into());
        }
        for (attr, value) in el.value().attrs() {
            let squashed: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_lowercase();
            if attr.to_lowercase().starts_with("on") {
                found.push(format!("<{name} {attr}={value:?}>"));
            }
            if squashed.contains("javascript:") {
                found.push(format!("<{name} {attr}={value:?}>"));
            }
        }
    }
    found
}

#[test]
fn hostile_records_reach_the_pages_as_text_never_as_markup() {
    let ws = hostile();
    ws.kith(&["report"]).ok();
    let out = ws.file("public");
    let pages = html_files(&out);
    assert!(pages.len() >= 8, "{pages:?}");
    for path in &pages {
        let html = std::fs::read_to_string(path).unwrap();
        assert_eq!(
            active_content(&html),
            Vec::<String>::new(),
            "{}",
            path.display()
        );
    }
    // The text is there, escaped: what a reader sees is what the record says.
    let card = page(&ws.file("public/contacts/mallory.html"));
    assert_eq!(texts(&card, "h1"), [HOSTILE_NAME]);
    let field = |key: &str| {
        card.select(&sel(".card-fields tr"))
            .find(|tr| tr.select(&sel("th")).next().map(text).as_deref() == Some(key))
            .and_then(|tr| tr.select(&sel("td")).next().map(text))
            .unwrap_or_else(|| panic!("no field {key}"))
    };
    assert_eq!(field("title"), HOSTILE_TITLE);
    assert_eq!(field("website"), "javascript:alert(1)");
    assert_eq!(field("nickname"), HOSTILE_LINK);
    assert_eq!(field("source"), HOSTILE_IMG);
    assert_eq!(
        texts(&card, "ol.timeline > li > span:last-child"),
        ["<script>alert(1)</script> \"><svg onload=alert(1)> [x](javascript:alert(1))"]
    );
    let notes = texts(&card, ".notes");
    assert!(
        notes[0].starts_with("Hello and . Click x or \"> now."),
        "{notes:?}"
    );
    let week = page(&ws.file(W48));
    assert_eq!(
        moves(&week)[0],
        (
            "Became leads (1)".to_string(),
            vec![format!("{HOSTILE_NAME} subscriber→lead · sam, 2026-11-24")]
        )
    );
    assert_eq!(rows(&week, "#sources tbody tr")[0][0], HOSTILE_IMG);
    let deal = page(&ws.file("public/deals/evil-deal.html"));
    assert_eq!(texts(&deal, "h1"), ["<img src=x onerror=alert(1)> deal"]);
    assert_eq!(
        texts(&deal, ".card ul.moves a"),
        [HOSTILE_NAME],
        "the deal's contact"
    );
}

/// Checks one page of the site: well-formed, titled, one h1, every chart titled, every link
/// to a file of the site that exists, relative to the page.
fn check_page(out: &Path, path: &Path) -> Vec<String> {
    let html = std::fs::read_to_string(path).unwrap();
    let doc = Html::parse_document(&html);
    let mut problems: Vec<String> = doc.errors.iter().map(|e| format!("HTML: {e}")).collect();
    let lang = doc
        .select(&sel("html"))
        .next()
        .and_then(|h| h.value().attr("lang"));
    if lang.is_none_or(|l| l.trim().is_empty()) {
        problems.push("no <html lang>".into());
    }
    let titles = texts(&doc, "head > title");
    if titles.len() != 1 || titles[0].is_empty() {
        problems.push(format!("<title>: {titles:?}"));
    }
    let h1 = texts(&doc, "h1");
    if h1.len() != 1 {
        problems.push(format!("<h1>: {h1:?}"));
    }
    for svg in doc.select(&sel("svg")) {
        let titled = svg
            .children()
            .filter_map(ElementRef::wrap)
            .any(|c| c.value().name() == "title" && !text(c).is_empty());
        if !titled {
            problems.push("an <svg> without a <title>".into());
        }
    }
    let dir = path.parent().unwrap();
    for el in doc.select(&sel("a[href], link[href], img[src]")) {
        let href = el
            .value()
            .attr("href")
            .or_else(|| el.value().attr("src"))
            .unwrap();
        if href.starts_with("http://") || href.starts_with("https://") {
            continue;
        }
        if href.starts_with('/') || href.contains("://") || href.is_empty() {
            problems.push(format!("link {href:?} is not relative"));
            continue;
        }
        let (file, fragment) = href.split_once('#').unwrap_or((href, ""));
        let target = if file.is_empty() {
            path.to_path_buf()
        } else {
            dir.join(file)
        };
        // The target must be inside the site, and exist.
        let inside = target
            .canonicalize()
            .is_ok_and(|t| t.starts_with(out.canonicalize().unwrap()));
        if !target.is_file() || !inside {
            problems.push(format!("link {href:?} leads nowhere"));
            continue;
        }
        if !fragment.is_empty() {
            let text = std::fs::read_to_string(&target).unwrap();
            let target_doc = Html::parse_document(&text);
            if target_doc
                .select(&sel(&format!("[id=\"{fragment}\"]")))
                .next()
                .is_none()
            {
                problems.push(format!("link {href:?}: no #{fragment} there"));
            }
        }
    }
    problems
}

#[test]
fn every_page_is_valid_html_titled_and_linked_within_the_folder() {
    let ws = fixture();
    ws.kith(&["report", "--backfill", "1"]).ok();
    let out = ws.file("public");
    let pages = html_files(&out);
    // The index, two weeks, 5 segments, 9 people, 1 company and 4 deals.
    assert_eq!(pages.len(), 22, "{pages:?}");
    let mut problems = Vec::new();
    for path in &pages {
        for p in check_page(&out, path) {
            problems.push(format!(
                "{}: {p}",
                path.strip_prefix(&out).unwrap().display()
            ));
        }
    }
    assert_eq!(problems, Vec::<String>::new());
    // The stylesheet every page links is there.
    assert!(ws.read("public/style.css").len() > 100);
}

#[test]
fn a_public_report_has_no_personal_data_and_replaces_a_private_one() {
    let ws = fixture();
    ws.kith(&["report"]).ok();
    assert!(ws.file("public/contacts/ada-lovelace.html").is_file());
    let out = ws.kith(&["report", "--public"]);
    assert_eq!(
        out.ok(),
        "public/index.html: public report for 2026-W48, aggregate figures only (10 files written, 0 unchanged)\n"
    );
    assert!(
        out.stderr
            .contains("public held a private report; cleared it before writing the public one"),
        "{}",
        out.stderr
    );
    let site = ws.file("public");
    for dir in ["contacts", "companies", "deals"] {
        assert!(!site.join(dir).exists(), "{dir}/ is still there");
    }
    assert_no_personal_data(&site);
    // People's names are initials, with no link to a record page.
    let doc = page(&ws.file(W48));
    assert_eq!(
        moves(&doc),
        [
            ("Became leads (1)", vec!["A.T. lead · Marketing Bot, 2026-11-24"]),
            (
                "Moved forward (2)",
                vec![
                    "A.L. lead→mql · priya, 2026-11-24",
                    "M.H. lead→sql · not yet committed",
                ]
            ),
            ("Moved back (1)", vec!["G.H. mql→lead · sam, 2026-11-23"]),
            (
                "Deals won (1)",
                vec!["Acme pilot contract-sent→closed-won 10,000 EUR · sam, 2026-11-24"]
            ),
            (
                "Deals lost (1)",
                vec![
                    "Globex rollout presentation-scheduled→closed-lost 4,000 EUR · priya, 2026-11-25"
                ]
            ),
            ("New contacts (1)", vec!["A.T. lead · Marketing Bot, 2026-11-24"]),
        ]
        .map(|(t, items)| (t.to_string(), items.into_iter().map(str::to_string).collect::<Vec<_>>()))
    );
    let first_cells: Vec<String> = rows(&doc, "#stale tr")
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(first_cells, ["E.D.", "G.H.", "Umbrella renewal"]);
    for path in html_files(&site) {
        let html = std::fs::read_to_string(&path).unwrap();
        let doc = Html::parse_document(&html);
        for a in doc.select(&sel("a[href]")) {
            let href = a.value().attr("href").unwrap();
            assert!(
                !["contacts/", "companies/", "deals/"]
                    .iter()
                    .any(|d| href.contains(d)),
                "{}: a link to {href}",
                path.display()
            );
        }
    }

    // `report: {public: true}` makes every report public.
    edit(&ws, "kith.yaml", "report:\n", "report:\n  public: true\n");
    let out = ws.kith(&["report", "--out", "site"]);
    assert!(
        out.ok()
            .starts_with("site/index.html: public report for 2026-W48, aggregate figures only ("),
        "{}",
        out.stdout
    );
    let site = ws.file("site");
    for dir in ["contacts", "companies", "deals"] {
        assert!(!site.join(dir).exists(), "{dir}/ in a public report");
    }
    assert_no_personal_data(&site);
}

/// No file of a site holds a person's e-mail address, phone number, full name or notes. The
/// teammates' names are the exception: they are the owners the report is about (the staff
/// record of a teammate bears the same name).
fn assert_no_personal_data(site: &Path) {
    let teammates = ["Sam Okafor", "Priya Raman"];
    let mut leaks = Vec::new();
    for rel in files(site) {
        let text = std::fs::read_to_string(site.join(&rel)).unwrap();
        for p in &PEOPLE {
            let mut private = vec![p.email, p.phone, p.notes];
            if !teammates.contains(&p.name) {
                private.push(p.name);
            }
            // Digits of the phone number, however they are spaced.
            let digits: String = p.phone.chars().filter(char::is_ascii_digit).collect();
            let text_digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            if text_digits.contains(&digits) {
                leaks.push(format!("{rel}: {}'s phone number", p.id));
            }
            for s in private {
                if text.contains(s) {
                    leaks.push(format!("{rel}: {s:?}"));
                }
            }
        }
    }
    assert_eq!(leaks, Vec::<String>::new());
}

#[test]
fn a_workspace_template_replaces_the_built_in_one_and_its_mistakes_are_located() {
    let ws = fixture();
    ws.write(
        "templates/week.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>Custom week {{ report.week }}</h1>\n<p id=\"marker\">CUSTOM-MARKER {{ report.funnel.total }} contacts, {{ lead_count }} leads</p>\n{% endblock content %}\n",
    );
    ws.kith(&["report"]).ok();
    for rel in [W48, "public/index.html"] {
        let doc = page(&ws.file(rel));
        assert_eq!(texts(&doc, "h1"), ["Custom week 2026-W48"], "{rel}");
        assert_eq!(
            texts(&doc, "#marker"),
            ["CUSTOM-MARKER 8 contacts, 6 leads"],
            "{rel}"
        );
        assert_eq!(
            texts(&doc, "head > title"),
            ["Test CRM"],
            "{rel}: base.html's title"
        );
        assert!(doc.select(&sel("#funnel")).next().is_none());
    }

    // A syntax error: `{{` never closed on line 3, found out at column 27.
    ws.write(
        "templates/week.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>Custom {{ report.week </h1>\n{% endblock content %}\n",
    );
    let out = ws.kith(&["report"]);
    let stderr = out.fails(1);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.starts_with("error: templates/week.html:3:27: "),
        "{stderr}"
    );
}

#[test]
fn without_git_or_with_a_shallow_clone_the_page_says_history_is_missing() {
    let ws = fixture();
    // A shallow clone of the history.
    let clone = Ws::empty();
    let url = format!("file://{}", ws.path().display());
    git(clone.path(), &["clone", "-q", "--depth", "1", &url, "crm"]);
    let crm = clone.file("crm");
    kith_in(&crm, &["report"]).ok();
    let doc = page(&crm.join(W48));
    let shallow = "this is a shallow clone, so history is incomplete; fetch all of it with `git fetch --unshallow` (in CI: fetch-depth 0)";
    assert_eq!(texts(&doc, "main > p.note"), [shallow]);
    assert_eq!(
        texts(&doc, "#moved p.muted, #trend p.muted"),
        [
            format!("Not available: {shallow}"),
            format!("Not available: {shallow}")
        ]
    );
    assert_eq!(stat(&doc, "main > .stats", "contacts"), "8");

    // No repository at all.
    std::fs::remove_dir_all(ws.file(".git")).unwrap();
    ws.kith(&["report"]).ok();
    let doc = page(&ws.file(W48));
    let none = "this workspace is not in a git repository, so what moved cannot be told; `git init` and commit the records (`kith sync` does both)";
    assert_eq!(texts(&doc, "main > p.note"), [none]);
    assert_eq!(
        texts(&doc, "#moved p.muted, #trend p.muted"),
        [
            format!("Not available: {none}"),
            format!("Not available: {none}")
        ]
    );
    assert_eq!(stat(&doc, "main > .stats", "new leads this week"), "–");
    // The rest of the report does not need history.
    assert_eq!(stat(&doc, "main > .stats", "open leads"), "6");
    assert_eq!(rows(&doc, "#funnel table:first-of-type tbody tr").len(), 7);
    assert!(ws.file("public/contacts/ada-lovelace.html").is_file());
}

#[test]
fn the_example_workspace_reports_every_stage_and_mistakes_are_refused() {
    let ws = Ws::example();
    let elsewhere = Ws::empty();
    let root = ws.path().to_str().unwrap();
    kith_in(elsewhere.path(), &["-C", root, "report"]).ok();
    let index = page(&ws.file("public/index.html"));
    let cell = sel("td");
    let funnel: Vec<(String, String)> = index
        .select(&sel("#funnel table:first-of-type tbody tr"))
        .map(|tr| {
            let mut cells = tr.select(&cell);
            let stage = cells
                .next()
                .and_then(|td| td.text().next())
                .unwrap_or_default()
                .trim()
                .to_string();
            (stage, cells.next().map(text).unwrap_or_default())
        })
        .collect();
    let stages: Vec<&str> = funnel.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        stages,
        [
            "subscriber",
            "lead",
            "mql",
            "sql",
            "opportunity",
            "customer",
            "evangelist"
        ]
    );
    // Each count is the people `kith list` has at that stage, staff and spam left out.
    for (stage, count) in &funnel {
        let list = kith_in(
            ws.path(),
            &["list", "--lifecycle", stage, "--format", "json"],
        )
        .json();
        let expected = list
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| {
                let segments = r["segments"].as_array().unwrap();
                !segments.iter().any(|s| s == "internal" || s == "spam")
            })
            .count();
        assert_eq!(count, &expected.to_string(), "{stage}");
    }

    let future = ws.kith(&["report", "--week", "2027-W10"]);
    assert_eq!(
        future.fails(1),
        "error: 2027-W10 has not started yet (today is 2026-11-25)\n"
    );
    assert!(!ws.file("public/weeks/2027-W10").exists());

    let foreign = elsewhere.file("mine");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "my notes\n").unwrap();
    let out = kith_in(
        elsewhere.path(),
        &["-C", root, "report", "--out", foreign.to_str().unwrap()],
    );
    let stderr = out.fails(1);
    assert!(
        stderr.contains("exists and was not made by `kith report`; choose another folder with --out, or empty it"),
        "{stderr}"
    );
    assert_eq!(files(&foreign), BTreeSet::from(["notes.txt".to_string()]));

    // A relative --out is relative to -C's folder, as every path given to kith is.
    kith_in(
        elsewhere.path(),
        &["-C", root, "report", "--out", "site", "--no-records"],
    )
    .ok();
    assert!(ws.file("site/index.html").is_file());
    assert!(!elsewhere.file("site").exists());
}

#[test]
fn likely_duplicates_are_listed_with_the_merge_command_in_private_pages_only() {
    let ws = fixture();
    // Ada again, as a form wrote her: another case of the same address, no history.
    ws.write(
        "contacts/ada-l.md",
        "---\nname: Ada L.\nemail: ADA@analytical.example\ncreated: 2026-11-25\n---\n",
    );
    ws.kith(&["report"]).ok();
    let doc = page(&ws.file(W48));
    let health = texts(&doc, "#health > p");
    assert_eq!(
        health,
        ["0 errors and 1 warning in the records (kith check lists them); 1 likely duplicate."]
    );
    let table = rows(&doc, "#health table.duplicates tbody tr");
    assert_eq!(
        table,
        [[
            "95 %",
            "Ada Lovelace",
            "Ada L.",
            "same e-mail address ADA@analytical.examplekith merge ada-lovelace ada-l"
        ]]
    );
    let links: Vec<&str> = doc
        .select(&sel("#health table.duplicates a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(
        links,
        [
            "../../contacts/ada-lovelace.html",
            "../../contacts/ada-l.html"
        ]
    );

    ws.kith(&["report", "--public"]).ok();
    let doc = page(&ws.file(W48));
    assert_eq!(
        texts(&doc, "#health > p"),
        ["0 errors and 1 warning in the records (kith check lists them); 1 likely duplicate."]
    );
    assert!(doc.select(&sel("#health table")).next().is_none());
}

#[test]
fn a_record_page_has_its_card_notes_timeline_score_and_field_history() {
    let ws = fixture();
    ws.kith(&["report"]).ok();
    let doc = page(&ws.file("public/contacts/ada-lovelace.html"));
    assert_eq!(texts(&doc, "h1"), ["Ada Lovelace"]);
    assert_eq!(texts(&doc, "head > title"), ["Ada Lovelace · Test CRM"]);
    assert_eq!(
        texts(&doc, "p.subtitle"),
        ["contact · contacts/ada-lovelace.md hot-leads"]
    );
    // The card: fields as written, the owner by name; the notes rendered from markdown.
    assert_eq!(
        rows(&doc, "table.card-fields tr"),
        [
            ["name", "Ada Lovelace"],
            ["email", "ada@analytical.example"],
            ["phone", "+44 20 7946 0001"],
            ["lifecycle", "mql"],
            ["source", "webinar"],
            ["owner", "Sam Okafor"],
            ["created", "2026-11-10"],
        ]
    );
    assert_eq!(
        texts(&doc, ".notes p"),
        ["Wants a pilot for forty seats before the spring budget."]
    );
    // The score, rule by rule: 20 + 10 fit, one call 10 engagement.
    assert_eq!(
        texts(&doc, "h2"),
        [
            "Details",
            "Score 40 A3",
            "Related",
            "Activity",
            "Field history"
        ]
    );
    let section = |title: &str| -> ElementRef {
        doc.select(&sel("section"))
            .find(|s| {
                s.select(&sel("h2"))
                    .next()
                    .is_some_and(|h| text(h).starts_with(title))
            })
            .unwrap_or_else(|| panic!("no section {title}"))
    };
    let score_rows: Vec<Vec<String>> = section("Score")
        .select(&sel("tr"))
        .map(|tr| tr.select(&sel("td")).map(text).collect())
        .collect();
    assert_eq!(
        score_rows,
        [
            ["+20", "fit: came from a webinar"],
            ["+10", "fit: has an owner"],
            ["+10", "engagement: 1 call in the last 90d"],
        ]
    );
    // Her deal, linked.
    let related: Vec<(String, String)> = section("Related")
        .select(&sel("a"))
        .map(|a| (text(a), a.value().attr("href").unwrap_or("").to_string()))
        .collect();
    assert_eq!(
        related,
        [(
            "Acme pilot".to_string(),
            "../deals/acme-pilot.html".to_string()
        )]
    );
    assert_eq!(
        texts(&doc, "ol.timeline li"),
        ["2026-11-24call Priya Ramandiscovery call"]
    );
    // The field history from git: the creation in one row, then priya's commit.
    let history: Vec<Vec<String>> = section("Field history")
        .select(&sel("tbody tr"))
        .map(|tr| tr.select(&sel("td")).map(text).collect())
        .collect();
    assert_eq!(
        history,
        [
            ["2026-11-24", "priya", "lifecycle: lead → mql"],
            ["2026-11-24", "priya", "logged call: discovery call"],
            ["2026-11-10", "sam", "created"],
        ]
    );
}

#[test]
fn people_who_asked_not_to_be_contacted_are_counted_apart_and_are_no_hot_leads() {
    let ws = fixture();
    let doc = {
        ws.kith(&["report"]).ok();
        page(&ws.file(W48))
    };
    assert_eq!(
        texts(&doc, "#do-not-contact"),
        ["Nobody asked not to be contacted (do_not_contact: true, or a consent with withdrawn)."]
    );
    // Ada (a hot lead) opts out; Edsger withdraws his consent; Sam is staff, left out of
    // every figure, and Charles's consent holds no withdrawal.
    edit(
        &ws,
        "contacts/ada-lovelace.md",
        "owner: sam\n",
        "owner: sam\ndo_not_contact: true\n",
    );
    edit(
        &ws,
        "contacts/edsger-dijkstra.md",
        "owner: priya\n",
        "owner: priya\nconsent: {marketing: 2026-03-01, withdrawn: 2026-06-01}\n",
    );
    edit(
        &ws,
        "contacts/sam-okafor.md",
        "lifecycle: other\n",
        "lifecycle: other\ndo_not_contact: true\n",
    );
    edit(
        &ws,
        "contacts/charles-babbage.md",
        "created: 2026-11-10\n",
        "created: 2026-11-10\nconsent: {marketing: 2026-03-01}\n",
    );
    ws.kith(&["report"]).ok();
    let doc = page(&ws.file(W48));
    assert_eq!(
        texts(&doc, "#do-not-contact"),
        [
            "2 people asked not to be contacted; they are counted in the stages above, and left out of exports, workflows and hot leads (do_not_contact: true, or a consent with withdrawn)."
        ]
    );
    let hot: Vec<String> = rows(&doc, "#hot-leads tbody > tr")
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(hot, ["Margaret Hamilton"]);
    // The same rule as exports, which leave out staff who opted out too.
    let out = ws.kith(&["export", "--format", "json"]);
    assert!(
        out.stderr
            .contains("left out 3 people marked do_not_contact"),
        "{}",
        out.stderr
    );
}
