//! `kith demo`: the example CRM as a git repository with weeks of history ending this week.

use crate::harness::*;
use std::collections::BTreeSet;
use std::path::Path;

/// `git log` of a repository, oldest first: (date, author, subject).
fn log(dir: &Path) -> Vec<(String, String, String)> {
    git(
        dir,
        &["log", "--reverse", "--format=%ad|%an|%s", "--date=short"],
    )
    .lines()
    .map(|l| {
        let mut parts = l.splitn(3, '|');
        let mut next = || parts.next().unwrap_or_default().to_string();
        (next(), next(), next())
    })
    .collect()
}

/// `kith check` finds nothing to report.
#[track_caller]
fn assert_clean(dir: &Path) {
    let out = kith_in(dir, &["check"]);
    out.ok();
    assert_eq!(out.stderr, "0 errors, 0 warnings in 104 records\n");
}

/// Every file of a folder (not `.git`), relative, sorted.
fn files(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().unwrap() == ".git" {
                continue;
            }
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

#[test]
fn demo_replays_the_example_as_weeks_of_commits_by_several_authors() {
    let tmp = Ws::empty();
    let out = kith_in(tmp.path(), &["demo", "crm", "--today", "2026-11-25"]);
    let stdout = out.ok();
    assert!(
        stdout.starts_with(
            "crm: demo workspace `Brightwave CRM`: 72 contacts, 18 companies, 14 deals; "
        ),
        "{stdout}"
    );
    assert!(stdout.contains("\nthis week: 1 new contact, 2 lifecycle moves (1 became a lead), 2 deals moved (1 won, 0 lost)"), "{stdout}");
    assert!(stdout.contains("\n  kith -C crm report\n"), "{stdout}");
    let crm = tmp.file("crm");
    // git's index says it holds the last commit's tree (libgit2's checkout writes it without
    // saying so), so that the first report and sync need not compare every file.
    assert_eq!(
        kith::git::indexfile::tree_of(&crm.join(".git/index")).map(|t| t.to_string()),
        Some(git(&crm, &["rev-parse", "HEAD^{tree}"]).trim().to_string())
    );
    assert_eq!(status(&crm), "", "a clean working tree");
    assert_eq!(git(&crm, &["branch", "--show-current"]).trim(), "main");

    // The last commit holds the example byte for byte, plus what `kith init` adds.
    let example = repo_path("example-workspace");
    let mut expected = files(&example);
    expected.extend([".gitignore".to_string(), ".gitattributes".to_string()]);
    assert_eq!(files(&crm), expected);
    for rel in files(&example) {
        assert_eq!(
            std::fs::read(crm.join(&rel)).unwrap(),
            std::fs::read(example.join(&rel)).unwrap(),
            "{rel}"
        );
    }

    let log = log(&crm);
    assert!(log.len() > 60, "{} commits", log.len());
    let authors: BTreeSet<&str> = log.iter().map(|(_, a, _)| a.as_str()).collect();
    for name in [
        "Sam Okafor",
        "Priya Raman",
        "Jonas Weber",
        "Mei Tanaka",
        "Alex Moreau",
        "Brightwave Marketing",
    ] {
        assert!(authors.contains(name), "{authors:?}");
    }
    assert_eq!(log[0].0, "2026-09-28", "eight weeks of history");
    assert!(log.windows(2).all(|w| w[0].0 <= w[1].0), "dates go forward");
    let last = &log.last().unwrap().0;
    assert!(
        ("2026-11-23".."2026-11-26").contains(&last.as_str()),
        "{last}"
    );
    let months: BTreeSet<&str> = log.iter().map(|(d, _, _)| &d[..7]).collect();
    assert_eq!(months.len(), 3, "{months:?}");
    assert!(
        log.iter().any(|(d, a, s)| d == "2026-11-23"
            && a == "Priya Raman"
            && s.contains("lumio-learning-team-plan stage appointment-scheduled→closed-won")),
        "a deal won this week"
    );

    assert_clean(&crm);
    // The merge driver and the pre-commit check, as `kith init` installs them.
    assert!(git(&crm, &["config", "merge.kith.driver"]).contains("merge-driver %O %A %B %P"));
    assert!(crm.join(".git/hooks/pre-commit").is_file());
}

#[test]
fn demo_history_shows_who_moved_whom_and_when() {
    let tmp = Ws::empty();
    kith_in(tmp.path(), &["demo", "crm", "--today", "2026-11-25"]).ok();
    let crm = tmp.file("crm");
    let out = kith_in(&crm, &["history", "ben-carver"]);
    let moved: Vec<String> = out
        .ok()
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| l.contains("lifecycle lead → sql"))
        .collect();
    assert_eq!(moved.len(), 1, "{}", out.stdout);
    assert!(moved[0].starts_with("2026-10-28 sam "), "{}", moved[0]);
    let created = out.stdout.lines().nth(1).unwrap();
    assert!(created.starts_with("2026-10-15  sam "), "{}", out.stdout);
    assert!(created.ends_with("created"), "{}", out.stdout);
}

#[test]
fn demo_dates_move_by_whole_weeks_to_the_week_of_today() {
    let tmp = Ws::empty();
    kith_in(tmp.path(), &["demo", "crm", "--today", "2027-03-10"]).ok();
    let crm = tmp.file("crm");
    assert_eq!(status(&crm), "");
    // 2026-11-25 → 2027-03-10 is 15 weeks: every date moves 105 days, weekdays stay.
    let ben = std::fs::read_to_string(crm.join("contacts/ben-carver.md")).unwrap();
    assert!(ben.contains("\ncreated: 2027-01-28\n"), "{ben}");
    assert!(ben.contains("\nlifecycle_changed: 2027-02-10\n"), "{ben}");
    assert!(
        ben.contains("\n- 2027-02-10 stage @sam: lead → sql\n"),
        "{ben}"
    );
    let log = log(&crm);
    assert_eq!(log[0].0, "2027-01-11");
    let last = &log.last().unwrap().0;
    assert!(
        ("2027-03-08".."2027-03-15").contains(&last.as_str()),
        "{last}"
    );
    let history = kith_in(&crm, &["history", "ben-carver"]);
    assert!(
        history
            .ok()
            .lines()
            .any(|l| l.starts_with("2027-02-10  sam ") && l.contains("lead → sql")),
        "{}",
        history.stdout
    );
    assert_clean(&crm);
}

#[test]
fn demo_without_today_ends_in_the_current_week() {
    // The harness pins today to 2026-11-25 (KITH_TODAY); the demo follows it.
    let tmp = Ws::empty();
    kith_in(
        tmp.path(),
        &["-C", tmp.path().to_str().unwrap(), "demo", "crm"],
    )
    .ok();
    let last = log(&tmp.file("crm")).pop().unwrap().0;
    assert!(
        ("2026-11-23".."2026-11-26").contains(&last.as_str()),
        "{last}"
    );
    // Made on a Monday, the demo stops on that Monday.
    kith_in(tmp.path(), &["demo", "monday", "--today", "2026-11-23"]).ok();
    let log = log(&tmp.file("monday"));
    assert_eq!(log.last().unwrap().0, "2026-11-23");
    assert_clean(&tmp.file("monday"));
}

#[test]
fn demo_refuses_a_folder_that_is_not_empty() {
    let tmp = Ws::empty();
    tmp.write("crm/notes.txt", "mine\n");
    let err = kith_in(tmp.path(), &["demo", "crm"]).fails(1).to_string();
    assert_eq!(
        err,
        "error: crm is not empty\n  help: kith demo makes a new workspace; give it a new or empty folder\n"
    );
    assert_eq!(
        files(&tmp.file("crm")),
        BTreeSet::from(["notes.txt".to_string()])
    );
    let err = kith_in(tmp.path(), &["demo", "crm/notes.txt"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("crm/notes.txt is a file, not a folder"),
        "{err}"
    );
    let err = kith_in(tmp.path(), &["demo", "new", "--today", "2026-13-01"])
        .fails(2)
        .to_string();
    assert!(
        err.contains("`2026-13-01` is not a valid date (write YYYY-MM-DD, today,"),
        "{err}"
    );
    assert!(!tmp.file("new").exists());
    // An empty folder is fine.
    std::fs::create_dir(tmp.file("empty")).unwrap();
    kith_in(tmp.path(), &["demo", "empty"]).ok();
    assert_eq!(status(&tmp.file("empty")), "");
}
