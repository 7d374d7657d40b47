//! The replay of the example: its invariants, and the history it tells.

use super::*;
use crate::index::Index;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn plan_for(today: &str, now: Option<&str>) -> Plan {
    plan(
        Source::example(),
        &Options {
            today: d(today),
            now: now.map(|n| n.parse().unwrap()),
        },
    )
    .unwrap()
}

fn config() -> Config {
    Config::parse(crate::demo::example::get("kith.yaml").unwrap()).0
}

/// Every commit's records, as an index would see them, have no problem at all: no error and
/// no warning, cross-record checks (references, duplicate e-mails) included.
fn assert_every_commit_is_clean(plan: &Plan) {
    let mut index = Index::new(config());
    for (n, c) in plan.commits.iter().enumerate() {
        for (path, text) in &c.files {
            let Some((kind, id)) = Kind::of_path(path) else {
                continue;
            };
            let text = text.as_deref().expect("the demo deletes nothing");
            index.insert(crate::record::parse::parse(
                kind,
                id,
                path,
                text.as_bytes(),
                &index.config,
            ));
        }
        let problems: Vec<String> = crate::analysis::diagnostics(&index)
            .iter()
            .map(|d| d.render(false))
            .collect();
        assert!(
            problems.is_empty(),
            "commit {n} ({}, {}) leaves problems:\n{}",
            c.time,
            c.message,
            problems.join("\n")
        );
    }
}

#[test]
fn unshifted_it_ends_with_the_example_byte_for_byte() {
    let plan = plan_for("2026-11-25", None);
    assert_eq!(plan.weeks, 0);
    let files = plan.files();
    for (path, text) in crate::demo::example::FILES {
        assert_eq!(files.get(path), Some(text), "{path}");
    }
    assert_eq!(files.len(), crate::demo::example::FILES.len() + 2);
    assert_eq!(files[".gitignore"], "/public/\n/.kith/\n*.kith-tmp\n");
    assert!(files[".gitattributes"].starts_with("contacts/*.md merge=kith\n"));
}

#[test]
fn every_commit_passes_kith_check() {
    assert_every_commit_is_clean(&plan_for("2026-11-25", None));
    // Made on a Monday: the example's Tuesday and Wednesday are left out.
    assert_every_commit_is_clean(&plan_for("2026-11-23", None));
    assert_every_commit_is_clean(&plan_for("2027-03-08", None));
}

#[test]
fn commits_go_forward_in_time_over_weeks_by_several_authors() {
    let plan = plan_for("2026-11-25", None);
    assert!(plan.commits.len() > 60, "{} commits", plan.commits.len());
    assert!(
        plan.commits
            .windows(2)
            .all(|w| w[0].time.timestamp() < w[1].time.timestamp()),
        "commit times go forward"
    );
    let first = plan.commits[0].time.date();
    let last = plan.commits.last().unwrap().time.date();
    assert_eq!(
        first,
        d("2026-09-28"),
        "eight weeks before the example's week"
    );
    assert!(last <= d("2026-11-25") && last >= d("2026-11-23"), "{last}");
    let authors: Vec<&str> = plan.authors().iter().map(|a| a.name.as_str()).collect();
    for name in [
        "Sam Okafor",
        "Priya Raman",
        "Mei Tanaka",
        "Brightwave Marketing",
    ] {
        assert!(authors.contains(&name), "{authors:?}");
    }
    for c in &plan.commits {
        assert!(!c.files.is_empty(), "{}", c.message);
        let hour = c.time.hour();
        assert!(
            c.author.name == AUTOMATION.0 || (8..=18).contains(&hour),
            "{} at {}",
            c.author.name,
            c.time
        );
        assert_eq!(c.time.time_zone().iana_name(), Some("Europe/London"));
    }
    assert!(
        plan.commits[1..]
            .iter()
            .all(|c| c.message.starts_with("kith: "))
    );
}

#[test]
fn stage_moves_happen_on_their_day_by_their_author() {
    let plan = plan_for("2026-11-25", None);
    let ben = plan
        .commits
        .iter()
        .find(|c| c.message.contains("ben-carver lifecycle lead→sql"))
        .expect("Ben's move");
    assert_eq!(ben.time.date(), d("2026-10-28"));
    assert_eq!(ben.author.name, "Sam Okafor");
    assert_eq!(ben.author.email, "sam@brightwave.example");
    // Created on 15 October as a lead, by Sam's outreach.
    let created = plan
        .commits
        .iter()
        .find(|c| c.files.iter().any(|(p, _)| p == "contacts/ben-carver.md"))
        .unwrap();
    assert_eq!(created.time.date(), d("2026-10-15"));
    assert_eq!(created.author.name, "Sam Okafor");
    let (_, text) = &created
        .files
        .iter()
        .find(|(p, _)| p == "contacts/ben-carver.md")
        .unwrap();
    let text = text.as_deref().unwrap();
    assert!(text.contains("lifecycle: lead\n"), "{text}");
    assert!(!text.contains("lifecycle_changed"), "{text}");
    assert!(text.ends_with("## Activity\n- 2026-10-15 email @sam: cold outreach, Shopify + NetSuite reporting angle\n"), "{text}");
    // A deal lost: its reason arrives with the move.
    let lost = plan
        .commits
        .iter()
        .find(|c| {
            c.message
                .contains("bergmann-medtech-compliance-reporting stage")
        })
        .unwrap();
    assert_eq!(lost.time.date(), d("2026-10-30"));
    assert!(
        lost.message.contains("presentation-scheduled→closed-lost"),
        "{}",
        lost.message
    );
    assert!(lost.message.contains("lost_reason"), "{}", lost.message);
    // Web visits and workflow moves are the automation's.
    let tobias = plan
        .commits
        .iter()
        .find(|c| c.message.contains("tobias-reinhardt lifecycle lead→mql"))
        .unwrap();
    assert_eq!(tobias.author.name, AUTOMATION.0);
    assert_eq!(tobias.time.date(), d("2026-11-18"));
}

#[test]
fn a_deal_names_its_contacts_once_they_exist() {
    let plan = plan_for("2026-11-25", None);
    let path = "deals/oakridge-plant-telemetry.md";
    let versions: Vec<(Date, &str)> = plan
        .commits
        .iter()
        .flat_map(|c| {
            c.files
                .iter()
                .filter(|(p, _)| p == path)
                .map(move |(_, t)| (c.time.date(), t.as_deref().unwrap()))
        })
        .collect();
    assert_eq!(versions[0].0, d("2026-09-29"));
    assert!(
        versions[0].1.contains("contacts: [ryan-macleod]\n"),
        "{}",
        versions[0].1
    );
    let both = versions
        .iter()
        .find(|(_, t)| t.contains("contacts: [ryan-macleod, genevieve-tremblay]\n"))
        .unwrap();
    assert_eq!(both.0, d("2026-10-13"), "the day Geneviève was added");
}

#[test]
fn the_current_week_has_movement() {
    let week = plan_for("2026-11-25", None).this_week;
    assert_eq!(week.monday, d("2026-11-23"));
    assert!(week.new[Kind::Person as usize] >= 1, "{week:?}");
    assert!(week.became_leads >= 1, "{week:?}");
    assert!(week.lifecycle_moves >= 2, "{week:?}");
    assert!(week.deal_moves >= 2, "{week:?}");
    assert!(week.won + week.lost >= 1, "{week:?}");
    // Made on the Monday, the week still has its moves.
    let monday = plan_for("2026-11-23", None).this_week;
    assert!(
        monday.became_leads >= 1 && monday.won + monday.lost >= 1,
        "{monday:?}"
    );
}

#[test]
fn shifted_by_whole_weeks_into_the_week_of_today() {
    let plan = plan_for("2027-03-10", None);
    assert_eq!(plan.weeks, 15);
    let files = plan.files();
    for (path, text) in crate::demo::example::FILES {
        assert_eq!(
            files.get(path).copied(),
            Some(shift_text(text, 15 * 7).as_str()),
            "{path}"
        );
    }
    let last = plan.commits.last().unwrap().time.date();
    assert_eq!(monday(last), d("2027-03-08"));
    assert_eq!(plan.commits[0].time.date(), d("2027-01-11"));
    let ben = plan
        .commits
        .iter()
        .find(|c| c.message.contains("ben-carver lifecycle lead→sql"))
        .unwrap();
    assert_eq!(ben.time.date(), d("2027-02-10"));
    assert_eq!(ben.time.date().weekday(), d("2026-10-28").weekday());
}

#[test]
fn nothing_happens_after_today() {
    let plan = plan_for("2026-11-23", Some("2026-11-23T10:30"));
    let last = plan.commits.last().unwrap();
    assert!(
        last.time.datetime() <= "2026-11-23T10:30".parse().unwrap(),
        "{}",
        last.time
    );
    for (path, text) in plan.files() {
        if Kind::of_path(path).is_none() {
            continue;
        }
        for line in text.lines() {
            if let Some(date) = line
                .strip_prefix("- ")
                .and_then(|l| l.get(..10))
                .filter(|l| l.starts_with("20"))
            {
                assert!(date <= "2026-11-23", "{path}: {line}");
            }
        }
        let created = text.lines().find_map(|l| l.strip_prefix("created: "));
        assert!(
            created.is_none_or(|c| c.trim_matches('"') <= "2026-11-23"),
            "{path}"
        );
    }
}

#[test]
fn the_same_day_gives_the_same_demo() {
    let a = plan_for("2027-03-10", None);
    let b = plan_for("2027-03-10", None);
    assert_eq!(a.commits.len(), b.commits.len());
    for (x, y) in a.commits.iter().zip(&b.commits) {
        assert_eq!(
            (&x.time, &x.message, &x.files),
            (&y.time, &y.message, &y.files)
        );
    }
}
