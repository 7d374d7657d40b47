//! `kith forget`: erasing a person from the example workspace (file, deal references, mentions
//! in other records, derived caches), and the history purge the guide documents
//! (docs/src/consent.md), run on a clone.

use crate::harness::*;
use std::path::Path;

const NAME: &str = "Katharina Gruber";
const EMAIL: &str = "k.gruber@alpenrose.example";

/// The example workspace with Katharina Gruber (a contact of the Alpenrose deal, whose notes
/// name her) mentioned in two more records: by name and e-mail in Stefan Huber's activity log,
/// by name in the company's notes and in a frontmatter comment. Committed, with the report's
/// output and cache ignored.
fn setup() -> Ws {
    let ws = Ws::example();
    ws.write(".gitignore", "/public/\n/.kith/\n");
    let stefan = ws.read("contacts/stefan-huber.md");
    ws.write(
        "contacts/stefan-huber.md",
        &format!("{stefan}- 2026-11-20 call @sam: {NAME} is on leave; write to {EMAIL}\n"),
    );
    let company = ws.read("companies/alpenrose-finanz.md");
    let company = company.replacen("---\n", &format!("---\n# contact: {NAME}\n"), 1);
    ws.write(
        "companies/alpenrose-finanz.md",
        &format!("{company}\n{NAME}'s team (not Katharina Grubers of Linz) builds the pack.\n"),
    );
    git(ws.path(), &["add", "-A"]);
    git(ws.path(), &["commit", "-q", "-m", "Mentions"]);
    ws
}

#[test]
fn forgetting_a_person_removes_the_file_references_mentions_and_caches() {
    let ws = setup();
    ws.kith(&["report"]).ok();
    let cache = ws.file(".kith/history-cache.jsonl");
    let page = ws.file("public/contacts/katharina-gruber.html");
    assert!(cache.is_file() && page.is_file());
    let before_check = ws.kith(&["check"]);
    before_check.ok();

    // --dry-run shows each change as a diff and writes nothing.
    let dry = ws.kith(&["forget", "katharina-gruber", "--dry-run"]);
    let shown = dry.ok();
    for line in [
        "--- a/contacts/katharina-gruber.md\n+++ /dev/null\n",
        "-contacts: [katharina-gruber, stefan-huber]\n+contacts: [stefan-huber]\n",
        "public/contacts/katharina-gruber.html: would be removed (their page in the report)\n",
        ".kith/history-cache.jsonl: would be removed",
        ".kith/cache/records.bin: would be removed (kith's cache of parsed records",
    ] {
        assert!(shown.contains(line), "{line:?} not in\n{shown}");
    }
    assert!(
        dry.stderr.contains("dry run: 4 files would change"),
        "{}",
        dry.stderr
    );
    ws.assert_untouched();
    assert!(cache.is_file() && page.is_file());

    // Without --yes and without a terminal to ask on: the plan, worded as a plan exactly as
    // --dry-run words it, a refusal, nothing written.
    let refused = ws.kith(&["forget", "katharina-gruber"]);
    let err = refused.fails(1);
    assert!(err.contains("pass --yes"), "{err}");
    let plan = refused.stdout.as_str();
    assert!(
        shown.starts_with(plan),
        "the plan differs from --dry-run's:\n{plan}"
    );
    for line in [
        "--- a/contacts/katharina-gruber.md\n+++ /dev/null\n",
        "public/contacts/katharina-gruber.html: would be removed (their page in the report)\n",
        ".kith/history-cache.jsonl: would be removed",
    ] {
        assert!(plan.contains(line), "{line:?} not in\n{plan}");
    }
    assert!(
        !plan
            .lines()
            .any(|l| l.ends_with(": removed") || l.contains(": removed (")),
        "a plan says what would happen, not what happened:\n{plan}"
    );
    ws.assert_untouched();
    assert!(cache.is_file() && page.is_file());

    let out = ws.kith(&["forget", "katharina-gruber", "--yes"]);
    let stdout = out.ok();
    assert_eq!(
        ws.status(),
        " M companies/alpenrose-finanz.md\n D contacts/katharina-gruber.md\n M contacts/stefan-huber.md\n M deals/alpenrose-finanz-reporting-hub.md\n"
    );
    // The removal staged, `git diff` shows the edits: each a minimal one, frontmatter
    // comments, other names and longer words untouched.
    git(ws.path(), &["add", "contacts/katharina-gruber.md"]);
    assert_eq!(
        ws.changes(),
        [
            "-Katharina Gruber's team (not Katharina Grubers of Linz) builds the pack.",
            "+[removed]'s team (not Katharina Grubers of Linz) builds the pack.",
            "-- 2026-11-20 call @sam: Katharina Gruber is on leave; write to k.gruber@alpenrose.example",
            "+- 2026-11-20 call @sam: [removed] is on leave; write to [removed]",
            "-contacts: [katharina-gruber, stefan-huber]",
            "+contacts: [stefan-huber]",
            "-- Champion: Katharina Gruber (controlling). Economic buyer: Stefan Huber (CFO).",
            "+- Champion: [removed] (controlling). Economic buyer: Stefan Huber (CFO).",
        ]
    );
    assert!(
        out.stderr
            .contains("edit them by hand: companies/alpenrose-finanz.md:2"),
        "{}",
        out.stderr
    );
    for line in [
        "deals/alpenrose-finanz-reporting-hub.md: contacts -katharina-gruber, 1 mention replaced with [removed]\n",
        "contacts/katharina-gruber.md: removed\n",
        ".kith/history-cache.jsonl: removed",
        ".kith/cache/records.bin: removed",
        ".kith/cache/results.bin: removed",
        "public/contacts/katharina-gruber.html: removed",
        "git history still holds Katharina Gruber's data",
        "  git filter-branch --force --index-filter 'git rm -q --cached --ignore-unmatch -- \"contacts/katharina-gruber.md\"' --prune-empty -- --all\n",
        "every teammate must re-clone",
    ] {
        assert!(stdout.contains(line), "{line:?} not in\n{stdout}");
    }
    assert!(!cache.exists() && !page.exists());
    assert!(!ws.file(".kith/cache/records.bin").exists());
    // No page of the report that named her is left.
    assert!(!ws.file("public/index.html").exists());

    // The workspace checks as it did, and no record holds her address or her full name
    // outside the frontmatter comment left for a person to edit.
    let after_check = ws.kith(&["check"]);
    after_check.ok();
    assert_eq!(after_check.stdout, before_check.stdout);
    for dir in ["contacts", "companies", "deals"] {
        for e in std::fs::read_dir(ws.file(dir)).unwrap() {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
            assert!(!text.contains(EMAIL));
            assert!(
                !text
                    .replace(&format!("# contact: {NAME}"), "")
                    .contains(&format!("{NAME} "))
            );
        }
    }
    // The report renders again, without her.
    ws.kith(&["report"]).ok();
    assert!(!ws.file("public/contacts/katharina-gruber.html").exists());
    assert!(!ws.read("public/index.html").contains(NAME));
    // She is gone: a second run finds nobody.
    ws.kith(&["forget", "katharina-gruber", "--yes"]).fails(1);
}

#[test]
fn companies_and_deals_are_not_forgotten() {
    let ws = setup();
    for id in ["alpenrose-finanz", "alpenrose-finanz-reporting-hub"] {
        let err = ws.kith(&["forget", id, "--yes"]);
        assert!(
            err.fails(1)
                .contains("`kith forget` erases a person (a contact)"),
            "{}",
            err.stderr
        );
    }
    ws.assert_untouched();
}

/// Runs one documented shell command in a repository, as a person would.
fn sh(dir: &Path, command: &str) {
    let out = std::process::Command::new("sh")
        .args(["-c", command])
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("FILTER_BRANCH_SQUELCH_WARNING", "1")
        .env("LC_ALL", "C")
        .output()
        .expect("run sh");
    assert!(
        out.status.success(),
        "{command} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every object in a repository (reachable or not), as text.
fn all_objects(dir: &Path) -> String {
    let out = std::process::Command::new("git")
        .args(["cat-file", "--batch-all-objects", "--batch"])
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("run git");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_documented_history_purge_leaves_no_trace() {
    let ws = setup();
    let out = ws.kith(&["forget", "katharina-gruber", "--yes"]);
    let stdout = out.ok().to_string();
    git(ws.path(), &["add", "-A"]);
    git(
        ws.path(),
        &[
            "commit",
            "-q",
            "-m",
            "Forget Katharina Gruber, as she asked",
        ],
    );
    let history = git(ws.path(), &["log", "--all", "-p"]);
    assert!(history.contains(NAME) && history.contains(EMAIL));

    // A teammate's clone, purged with the commands kith printed (all but the push).
    let tmp = tempfile::tempdir().unwrap();
    let purged = tmp.path().join("purged");
    git(
        tmp.path(),
        &[
            "clone",
            "-q",
            "--no-local",
            ws.path().to_str().unwrap(),
            "purged",
        ],
    );
    let commands: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("  git "))
        .filter(|c| !c.starts_with("push"))
        .collect();
    assert_eq!(commands.len(), 5, "{stdout}");
    for c in &commands {
        sh(&purged, &format!("git {c}"));
    }
    let history = git(&purged, &["log", "--all", "-p"]);
    for trace in [NAME, EMAIL, "katharina-gruber"] {
        assert!(!history.contains(trace), "{trace} still in history");
        assert!(
            !all_objects(&purged).contains(trace),
            "{trace} still in an object"
        );
    }
    // Everything else is still there, and the current records are as the forget left them.
    assert!(history.contains("Forget [removed], as she asked"));
    assert!(history.contains("Stefan Huber"));
    assert_eq!(
        std::fs::read_to_string(purged.join("deals/alpenrose-finanz-reporting-hub.md")).unwrap(),
        ws.read("deals/alpenrose-finanz-reporting-hub.md")
    );
    // A fresh clone of the purged repository has no trace either.
    git(
        tmp.path(),
        &[
            "clone",
            "-q",
            "--no-local",
            purged.to_str().unwrap(),
            "fresh",
        ],
    );
    let fresh = tmp.path().join("fresh");
    let history = git(&fresh, &["log", "--all", "-p"]);
    for trace in [NAME, EMAIL, "katharina-gruber"] {
        assert!(!history.contains(trace), "{trace} in the fresh clone");
        assert!(
            !all_objects(&fresh).contains(trace),
            "{trace} in a fresh object"
        );
    }
    kith_in(&fresh, &["check"]).ok();
}
