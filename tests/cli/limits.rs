//! Input built to stall or crash kith: nesting deep enough to overflow the stack, records with
//! as many keys or as deep a body as the size limit admits, bulk writes over more files than
//! the open-file limit, and the temporary files a killed writer leaves. Hostile inputs are
//! generated here, not kept as fixtures; every run has a deadline.

use crate::harness::{Ws, within};
use std::time::Duration;

/// Far above what a fixed kith takes in a debug build on a busy machine (a few seconds at
/// most), far below what the quadratic versions took (minutes).
const DEADLINE: Duration = Duration::from_secs(40);

/// `depth` parentheses around `inner`.
fn nested(depth: usize, inner: &str) -> String {
    format!("{}{inner}{}", "(".repeat(depth), ")".repeat(depth))
}

#[test]
fn a_segment_nested_eight_thousand_levels_deep_is_reported_not_a_crash() {
    let ws = Ws::example();
    let config = ws.read("kith.yaml").replace(
        "segments:\n",
        &format!(
            "segments:\n  deep:\n    filter: \"{}\"\n",
            nested(8_000, "score >= 1")
        ),
    );
    ws.write("kith.yaml", &config);
    let (check, _) = within(DEADLINE, ws.path(), &["check"]);
    assert_eq!(check.code, 1, "{}{}", check.stdout, check.stderr);
    let text = format!("{}{}", check.stdout, check.stderr);
    assert!(
        text.contains("segment `deep`: parentheses and `not` nest more than 64 levels deep here"),
        "{text}"
    );
    // At the 65th `(`, 64 columns after the first (`    filter: "(` puts it in column 14).
    let line = config.lines().position(|l| l.contains("((")).unwrap() + 1;
    assert!(
        text.contains(&format!("kith.yaml:{line}:{}:", 14 + 64)),
        "{text}"
    );
    assert!(
        !text.contains(&"(".repeat(200)),
        "the help shows a window, not 8,000 `(`"
    );
    // Commands that do not need segments go on; those that do refuse with the same message.
    let (list, _) = within(DEADLINE, ws.path(), &["list"]);
    list.ok();
    let (report, _) = within(DEADLINE, ws.path(), &["report"]);
    assert!(
        report.fails(1).contains("segment `deep`: parentheses"),
        "{}",
        report.stderr
    );
}

#[test]
fn a_where_nested_ten_thousand_levels_deep_is_an_error_not_an_abort() {
    let ws = Ws::example();
    let deep = nested(10_000, "score >= 1");
    let (run, _) = within(DEADLINE, ws.path(), &["list", "--where", &deep]);
    let stderr = run.fails(1);
    assert!(
        stderr.contains("parentheses and `not` nest more than 64 levels deep here"),
        "{stderr}"
    );
    let nots = format!("{}exists email", "not ".repeat(10_000));
    let (run, _) = within(DEADLINE, ws.path(), &["list", "--where", &nots]);
    assert!(run.fails(1).contains("nest more than 64 levels"));
    ws.assert_untouched();
}

#[test]
fn kith_yaml_nested_a_hundred_thousand_levels_deep_is_reported_at_once() {
    let ws = Ws::example();
    let config = format!("{}deep: {}\n", ws.read("kith.yaml"), "[".repeat(100_000));
    let line = config.lines().count();
    ws.write("kith.yaml", &config);
    let (check, took) = within(DEADLINE, ws.path(), &["check"]);
    let text = format!("{}{}", check.stdout, check.stderr);
    assert_eq!(check.code, 1, "{text}");
    // The 129th `[`, after `deep: `.
    assert!(
        text.contains(&format!(
            "kith.yaml:{line}:135: error: kith.yaml is invalid: values are nested more than 128 levels deep"
        )),
        "{text}"
    );
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[test]
fn an_imported_map_nested_sixteen_thousand_levels_deep_is_an_invalid_row() {
    let ws = Ws::example();
    let outside = tempfile::tempdir().unwrap();
    let csv = outside.path().join("deep.csv");
    std::fs::write(
        &csv,
        format!(
            "Name,Email,consent\nDeep Map,deep@x.example,\"{}\"\n",
            "{a: ".repeat(16_000)
        ),
    )
    .unwrap();
    let (run, _) = within(DEADLINE, ws.path(), &["import", csv.to_str().unwrap()]);
    let stderr = run.fails(1);
    assert!(
        stderr.contains("`consent` nests values more than 128 levels deep"),
        "{stderr}"
    );
    ws.assert_untouched();
}

/// A letter, a digit and two characters from `[a-z0-9]`: `key:` lines of these make 156,564
/// keys fit under 1 MiB, and none is a word YAML reads as something else (`true`, `null`) or one
/// of kith's own fields (`name`).
fn short_key(i: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let n = ALPHABET.len();
    let (letter, digit) = ((b'a' + (i % 26) as u8) as char, (i / 26) % 10);
    let rest = i / 260;
    format!(
        "{letter}{digit}{}{}",
        ALPHABET[rest % n] as char,
        ALPHABET[(rest / n) % n] as char
    )
}

#[test]
fn a_record_of_156_564_keys_is_checked_and_reported_in_time() {
    let ws = Ws::with_config("name: limits\n");
    let keys: String = (0..156_564)
        .map(|i| format!("{}:\n", short_key(i)))
        .collect();
    let simple = format!("---\nname: Many Keys\nemail: many@x.example\n{keys}---\n");
    // The same keys read by serde_yaml_ng (a folded scalar takes them off the fast path).
    let folded =
        format!("---\nname: Folded Keys\nemail: folded@x.example\nnote: >\n  hi\n{keys}---\n");
    assert!(folded.len() < 1024 * 1024, "{}", folded.len());
    ws.write("contacts/many-keys.md", &simple);
    ws.write("contacts/folded-keys.md", &folded);
    let (check, _) = within(DEADLINE, ws.path(), &["check", "--no-cache"]);
    let text = format!("{}{}", check.stdout, check.stderr);
    assert_eq!(check.code, 1, "{text}");
    assert!(
        text.contains(
            "contacts/folded-keys.md:2:1: error: the frontmatter holds more than 10000 values"
        ),
        "{text}"
    );
    assert!(!text.contains("many-keys"), "{text}");
    let (report, _) = within(DEADLINE, ws.path(), &["report"]);
    report.ok();
}

#[test]
fn a_body_of_100_000_quotes_or_html_tags_is_reported_in_time() {
    let ws = Ws::with_config("name: limits\n");
    let person = |name: &str, body: &str| {
        format!(
            "---\nname: {name}\nemail: {}@x.example\n---\n{body}\n",
            name.replace(' ', ".")
        )
    };
    ws.write(
        "contacts/quotes.md",
        &person("Deep Quotes", &">".repeat(100_000)),
    );
    ws.write(
        "contacts/tags.md",
        &person("Deep Tags", &"<div>".repeat(20_000)),
    );
    let (report, _) = within(DEADLINE, ws.path(), &["report"]);
    report.ok();
    let pages: Vec<String> = walk(&ws.file("public"))
        .into_iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .filter(|t| t.contains("Deep Quotes") && t.contains("<blockquote>"))
        .collect();
    assert!(!pages.is_empty(), "the record's page shows its quotes");
    for page in pages {
        assert!(page.matches("<blockquote>").count() <= 32);
    }
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Runs kith in `ws` under `ulimit -n 256`, a quarter of the usual soft limit of open files.
fn kith_few_files(ws: &Ws, args: &str) -> crate::harness::Run {
    let script = format!("ulimit -n 256 && exec \"$0\" {args}");
    let out = std::process::Command::new("sh")
        .args(["-c", &script, env!("CARGO_BIN_EXE_kith")])
        .current_dir(ws.path())
        .envs(crate::harness::pinned_clock())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", ws.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    crate::harness::Run::from(out)
}

/// Files in `dir` whose name ends in `.kith-tmp`.
fn temporaries(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    walk(dir)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".kith-tmp"))
        .collect()
}

#[test]
fn bulk_writers_hold_a_bounded_number_of_files_open() {
    // 2,000 to update, as in the report; 1,000 new ones to create, tag and advance (four times
    // the limit, and quicker than 2,000 more).
    const PEOPLE: usize = 2_000;
    let ws = Ws::with_config(
        "name: limits\nworkflows:\n  welcome:\n    when: \"tags has bulk\"\n    steps:\n      - { day: 0, task: send the welcome pack, type: email }\n",
    );
    let mut update = String::from("Email,Job Title\n");
    let mut new = String::from("Name,Email\n");
    for i in 0..PEOPLE {
        ws.write(
            &format!("contacts/p{i:04}.md"),
            &format!("---\nname: Person {i:04}\nemail: p{i}@x.example\ntitle: Old\n---\n"),
        );
        update.push_str(&format!("p{i}@x.example,New\n"));
    }
    for i in 0..PEOPLE / 2 {
        new.push_str(&format!("New {i:04},n{i}@x.example\n"));
    }
    ws.write("update.csv", &update);
    ws.write("new.csv", &new);

    let run = kith_few_files(&ws, "import update.csv --overwrite");
    assert!(
        run.ok().contains("0 created, 2000 updated"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert!(ws.read("contacts/p1234.md").contains("title: New\n"));

    let run = kith_few_files(&ws, "import new.csv");
    assert!(
        run.ok().contains("1000 created, 0 updated"),
        "{}",
        run.stdout
    );
    assert!(ws.read("contacts/new-0999.md").contains("name: New 0999\n"));

    let run = kith_few_files(&ws, "tag --where 'name starts_with New' +bulk");
    run.ok();
    assert!(
        run.stderr.contains("1000 of 1000 records changed"),
        "{}",
        run.stderr
    );

    let run = kith_few_files(&ws, "advance --apply");
    run.ok();
    assert!(
        run.stderr.contains("2000 steps written to 1000 records"),
        "{}",
        run.stderr
    );
    assert!(
        ws.read("contacts/new-0000.md")
            .contains("send the welcome pack")
    );
    assert_eq!(temporaries(ws.path()), Vec::<std::path::PathBuf>::new());
}

const WHEN: &str = "2026-11-24T10:00:00Z";
const SAM: crate::harness::Author = crate::harness::Author {
    name: "Sam",
    email: "sam@brightwave.example",
};

/// A file named like one of kith's temporaries, last written `age` ago.
fn leftover(ws: &Ws, rel: &str, age: Duration) {
    ws.write(rel, "---\nname: half written\n");
    let f = std::fs::File::options()
        .write(true)
        .open(ws.file(rel))
        .unwrap();
    f.set_modified(std::time::SystemTime::now() - age).unwrap();
}

#[test]
fn the_gitignore_of_kith_init_ignores_kith_temporaries() {
    let ws = Ws::empty();
    ws.kith(&["init", "--timezone", "UTC"]).ok();
    leftover(&ws, "contacts/.ada.md.Ab12Cd.kith-tmp", Duration::ZERO);
    leftover(&ws, "contacts/.grace.md.kith-tmp", Duration::ZERO);
    crate::harness::git_ok(ws.path(), SAM, WHEN, &["add", "-A"]);
    let staged = crate::harness::git(ws.path(), &["diff", "--cached", "--name-only"]);
    assert!(!staged.contains("kith-tmp"), "{staged}");
    assert!(staged.contains("kith.yaml"), "{staged}");
}

#[test]
fn the_pre_commit_check_refuses_a_staged_temporary() {
    let ws = Ws::example();
    ws.kith(&["install-merge-driver"]).ok();
    crate::harness::commit_all(ws.path(), SAM, WHEN, "merge driver");
    leftover(&ws, "contacts/.ada.md.Ab12Cd.kith-tmp", Duration::ZERO);
    // Forced past any .gitignore, as an older workspace's `git add -A` would.
    crate::harness::git_ok(
        ws.path(),
        SAM,
        WHEN,
        &["add", "-f", "contacts/.ada.md.Ab12Cd.kith-tmp"],
    );
    let commit = crate::harness::git_as(ws.path(), SAM, WHEN, &["commit", "-q", "-m", "oops"]);
    assert_ne!(commit.code, 0, "{}{}", commit.stdout, commit.stderr);
    let text = format!("{}{}", commit.stdout, commit.stderr);
    assert!(
        text.contains("contacts/.ada.md.Ab12Cd.kith-tmp:1:1: error: a temporary file left by an interrupted kith command is staged for commit"),
        "{text}"
    );
    assert!(
        text.contains("git rm --cached -q 'contacts/.ada.md.Ab12Cd.kith-tmp'"),
        "{text}"
    );
    let log = crate::harness::git(ws.path(), &["log", "--oneline"]);
    assert!(!log.contains("oops"), "{log}");
}

#[test]
fn the_next_writing_command_removes_old_temporaries_of_kith_only() {
    let ws = Ws::example();
    let hour = Duration::from_secs(3600);
    leftover(&ws, "contacts/.ada-lovelace.md.Ab12Cd.kith-tmp", hour);
    leftover(&ws, "contacts/.new-person.md.kith-tmp", hour);
    // A concurrent writer's, seconds old; and files that only look alike.
    leftover(
        &ws,
        "contacts/.grace.md.Xy34Zw.kith-tmp",
        Duration::from_secs(5),
    );
    leftover(&ws, "contacts/notes.kith-tmp", hour);
    leftover(&ws, "contacts/.ada.md.kith-tmp.bak", hour);
    let before = ws.status();

    // A dry run writes nothing, and removes nothing either.
    let dry = ws.kith(&["tag", "--dry-run", "--where", "lifecycle = lead", "+q4"]);
    dry.ok();
    assert_eq!(ws.status(), before);

    ws.kith(&["set", "elodie-garnier", "title=CFO"]).ok();
    let mut left: Vec<String> = std::fs::read_dir(ws.file("contacts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("kith-tmp"))
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            ".ada.md.kith-tmp.bak",
            ".grace.md.Xy34Zw.kith-tmp",
            "notes.kith-tmp"
        ]
    );
}
