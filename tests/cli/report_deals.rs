//! Deal depth on the demo workspace: each open deal's days in its stage, the stuck flag past
//! its stage's limit (kith.yaml's, else twice the median stay of won deals in that stage) and
//! close dates in the past, every figure worked out by hand from example-workspace/deals/.
//! Today is 2026-11-25.

use crate::harness::*;
use crate::report::{page, sel, text, texts};
use std::path::{Path, PathBuf};

fn demo() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    kith_in(tmp.path(), &["demo", "crm", "--today", TODAY]).ok();
    let crm = tmp.path().join("crm");
    (tmp, crm)
}

/// The rows of the "open deals by days in stage" table: deal, stage, days, close date, stuck.
fn ages(path: &Path) -> Vec<[String; 5]> {
    let doc = page(path);
    let td = sel("td");
    let stuck = sel(".pill.bad");
    doc.select(&sel("#deals h3#deal-ages + p + table tbody tr"))
        .map(|tr| {
            let cells: Vec<String> = tr.select(&td).map(text).collect();
            let flags: Vec<String> = tr.select(&stuck).map(text).collect();
            [
                cells[0].clone(),
                cells[1].clone(),
                cells[2].clone(),
                cells[3].clone(),
                flags.join(" "),
            ]
        })
        .collect()
}

fn row(deal: &str, stage: &str, days: &str, close: &str, flags: &str) -> [String; 5] {
    [deal, stage, days, close, flags].map(String::from)
}

#[test]
fn each_open_deal_shows_its_days_in_stage_and_the_stage_limits() {
    let (_tmp, crm) = demo();
    kith_in(&crm, &["report"]).ok();
    let index = crm.join("public/index.html");
    // Days since the last `stage` entry into the current stage (Alpenrose: contract-sent on
    // 11-19, 6 days; Kestrel: 11-23, 2), else since `created:` (Brunner: 11-16, 9 days).
    assert_eq!(
        ages(&index),
        [
            row(
                "Van Dijk Logistics route insights",
                "qualified-to-buy",
                "30 days",
                "2027-02-10",
                ""
            ),
            row(
                "Oakridge plant telemetry",
                "presentation-scheduled",
                "15 days",
                "2027-01-29",
                ""
            ),
            row(
                "Larkspur Media audience analytics",
                "presentation-scheduled",
                "13 days",
                "2027-01-15",
                ""
            ),
            row(
                "Brunner Feinmechanik pilot",
                "appointment-scheduled",
                "9 days",
                "2027-02-26",
                ""
            ),
            row(
                "Alpenrose Finanz reporting hub",
                "contract-sent",
                "6 days",
                "2026-12-04",
                ""
            ),
            row(
                "Kestrel Health data platform",
                "contract-sent",
                "2 days",
                "2026-12-18",
                ""
            ),
        ]
    );
    // The limits: twice the median stay of the five won deals in each stage. contract-sent:
    // stays of 8 (Calder), 20 (Maison Verdier), 3 (Nordlys), 2 (Ostwind) days, median 5.5;
    // appointment-scheduled: 15 (Calder, from its creation) and 4 (Lumio), median 9.5;
    // presentation-scheduled: 17, 7, 27 and 53 (Nordlys and Ostwind from their creation),
    // median 22; decision-maker-bought-in: 19, 22, 8, 17, median 18; qualified-to-buy: 90
    // (Maison Verdier, 07-02 to 09-30).
    let doc = page(&index);
    let note = doc.select(&sel("#deal-ages + p")).next().map(text).unwrap();
    assert_eq!(
        note,
        "0 stuck (longer in their stage than its limit) and 0 past their close date. Limits: \
         appointment-scheduled 19 days, qualified-to-buy 180 days, presentation-scheduled 44 \
         days, decision-maker-bought-in 36 days, contract-sent 11 days."
    );
}

#[test]
fn a_deal_past_its_limit_is_stuck_and_a_past_close_date_is_flagged() {
    let (_tmp, crm) = demo();
    // A limit of kith.yaml's own for presentation-scheduled: Oakridge (15 days) is stuck,
    // Larkspur (13) is not.
    let cfg = std::fs::read_to_string(crm.join("kith.yaml")).unwrap();
    assert!(cfg.contains("\nreport:\n"));
    let cfg = cfg.replace(
        "\nreport:\n",
        "\nreport:\n  stuck_after: { presentation-scheduled: 2w }\n",
    );
    std::fs::write(crm.join("kith.yaml"), cfg).unwrap();
    // Alpenrose's close date moves into the past: overdue.
    let path = crm.join("deals/alpenrose-finanz-reporting-hub.md");
    let deal = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        deal.replace("close_date: 2026-12-04", "close_date: 2026-11-20"),
    )
    .unwrap();
    kith_in(&crm, &["report"]).ok();
    let rows = ages(&crm.join("public/index.html"));
    assert_eq!(
        rows[1],
        row(
            "Oakridge plant telemetry",
            "presentation-scheduled",
            "15 days stuck",
            "2027-01-29",
            "stuck"
        )
    );
    assert_eq!(rows[2][4], "");
    assert_eq!(
        rows[4],
        row(
            "Alpenrose Finanz reporting hub",
            "contract-sent",
            "6 days",
            "2026-11-20",
            "2026-11-20"
        )
    );
    let doc = page(&crm.join("public/index.html"));
    let note = texts(&doc, "#deal-ages + p");
    assert!(
        note[0].starts_with("1 stuck (longer in their stage than its limit) and 1 past their close date. Limits: appointment-scheduled 19 days, qualified-to-buy 180 days, presentation-scheduled 14 days,"),
        "{note:?}"
    );
    // A limit that is not a duration is refused.
    let cfg = std::fs::read_to_string(crm.join("kith.yaml")).unwrap();
    std::fs::write(
        crm.join("kith.yaml"),
        cfg.replace("presentation-scheduled: 2w", "presentation-scheduled: soon"),
    )
    .unwrap();
    let run = kith_in(&crm, &["check"]);
    run.fails(1);
    let out = format!("{}{}", run.stdout, run.stderr);
    assert!(
        out.contains("report.stuck_after.presentation-scheduled `soon` is not a duration"),
        "{out}"
    );
}

const SAM: Author = Author {
    name: "Sam Okafor",
    email: "sam@brightwave.example",
};

#[test]
fn close_dates_moved_later_this_week_are_listed_as_slipped() {
    let (_tmp, crm) = demo();
    let set = |file: &str, from: &str, to: &str| {
        let path = crm.join(format!("deals/{file}.md"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from));
        std::fs::write(&path, text.replace(from, to)).unwrap();
    };
    // Committed on Wednesday: Kestrel out by four weeks; Larkspur earlier, which is no slip.
    set(
        "kestrel-health-data-platform",
        "close_date: 2026-12-18",
        "close_date: 2027-01-15",
    );
    set(
        "larkspur-media-audience-analytics",
        "close_date: 2027-01-15",
        "close_date: 2027-01-08",
    );
    commit_all(&crm, SAM, "2026-11-25T10:00:00+00:00", "Close dates");
    // Not committed yet: Alpenrose out by a week.
    set(
        "alpenrose-finanz-reporting-hub",
        "close_date: 2026-12-04",
        "close_date: 2026-12-11",
    );
    kith_in(&crm, &["report"]).ok();
    let doc = page(&crm.join("public/index.html"));
    assert_eq!(
        texts(&doc, "#slipped"),
        ["Close dates that slipped this week (2)"]
    );
    let rows: Vec<Vec<String>> = doc
        .select(&sel("#slipped + table tbody tr"))
        .map(|tr| tr.select(&sel("td")).map(text).collect())
        .collect();
    assert_eq!(
        rows,
        [
            [
                "Alpenrose Finanz reporting hub",
                "2026-12-04→2026-12-11",
                "7 days",
                "not yet committed"
            ],
            [
                "Kestrel Health data platform",
                "2026-12-18→2027-01-15",
                "28 days",
                "sam, 2026-11-25"
            ],
        ]
    );
}

#[test]
fn this_week_in_money_sits_beside_the_week_before() {
    let (_tmp, crm) = demo();
    kith_in(&crm, &["report"]).ok();
    let doc = page(&crm.join("public/index.html"));
    let rows: Vec<Vec<String>> = doc
        .select(&sel("#week-money + table tbody tr"))
        .map(|tr| tr.select(&sel("td")).map(text).collect())
        .collect();
    // W48: Lumio (4,800 EUR) won on Monday 23 November; no deal created or lost. W47: Brunner
    // (9,000 EUR, created on the 16th) and Lumio (4,800, the 19th) created, Maison Verdier
    // (36,000) won on the 18th; none lost.
    assert_eq!(
        rows,
        [
            ["pipeline created", "€0 (0)", "€13,800 (2)", "▼ -€13,800"],
            ["won", "€4,800 (1)", "€36,000 (1)", "▼ -€31,200"],
            ["lost", "€0 (0)", "€0 (0)", "no change"],
        ]
    );
}

#[test]
fn a_deal_page_names_its_company_and_contacts_with_links_and_its_amount_as_money() {
    let (_tmp, crm) = demo();
    kith_in(&crm, &["report"]).ok();
    let doc = page(&crm.join("public/deals/alpenrose-finanz-reporting-hub.html"));
    let field = |key: &str| -> (String, Vec<String>) {
        let tr = doc
            .select(&sel(".card-fields tr"))
            .find(|tr| tr.select(&sel("th")).next().map(text).as_deref() == Some(key))
            .unwrap_or_else(|| panic!("no field {key}"));
        let td = tr.select(&sel("td")).next().unwrap();
        let hrefs = td
            .select(&sel("a"))
            .filter_map(|a| a.value().attr("href").map(str::to_string))
            .collect();
        (text(td), hrefs)
    };
    assert_eq!(field("amount"), ("€64,000".to_string(), vec![]));
    assert_eq!(
        field("company"),
        (
            "Alpenrose Finanz".to_string(),
            vec!["../companies/alpenrose-finanz.html".to_string()]
        )
    );
    assert_eq!(
        field("contacts"),
        (
            "Katharina Gruber, Stefan Huber".to_string(),
            vec![
                "../contacts/katharina-gruber.html".to_string(),
                "../contacts/stefan-huber.html".to_string()
            ]
        )
    );
}

#[test]
fn deals_without_a_next_step_or_past_it_are_listed() {
    let (_tmp, crm) = demo();
    kith_in(&crm, &["report"]).ok();
    let doc = page(&crm.join("public/index.html"));
    let td = sel("td");
    let rows: Vec<Vec<String>> = doc
        .select(&sel("#deals h3#next-steps + p + table tbody tr"))
        .map(|tr| tr.select(&td).map(text).collect())
        .collect();
    // Kestrel's next step was due 2026-11-24, a day before today: first. Alpenrose's is on
    // 12-02, still ahead: not listed. The four other open deals have none, by name.
    let none = |deal: &str, stage: &str, owner: &str| {
        [deal, stage, "none", "–", owner].map(String::from).to_vec()
    };
    assert_eq!(
        rows,
        [
            [
                "Kestrel Health data platform",
                "contract-sent",
                "order form countersigned by Dana",
                "2026-11-24",
                "Sam Okafor"
            ]
            .map(String::from)
            .to_vec(),
            none(
                "Brunner Feinmechanik pilot",
                "appointment-scheduled",
                "Priya Raman"
            ),
            none(
                "Larkspur Media audience analytics",
                "presentation-scheduled",
                "Priya Raman"
            ),
            none(
                "Oakridge plant telemetry",
                "presentation-scheduled",
                "Sam Okafor"
            ),
            none(
                "Van Dijk Logistics route insights",
                "qualified-to-buy",
                "Priya Raman"
            ),
        ]
    );
    let note = doc
        .select(&sel("#next-steps + p"))
        .next()
        .map(text)
        .unwrap();
    assert_eq!(
        note,
        "1 open deal with a next step whose date is past, and 4 without one (next_step, \
         next_step_date)."
    );
    // `kith set` knows the fields' types.
    let run = kith_in(
        &crm,
        &["set", "oakridge-plant-telemetry", "next_step_date=soon"],
    );
    let err = run.fails(1);
    assert!(err.contains("next_step_date"), "{err}");
}
