//! The cache of parsed records (`.kith/cache/`): it never changes what a command prints, after
//! any edit, and a damaged cache is rebuilt.

use crate::harness::*;
use std::path::Path;

/// The commands compared with and without the cache (their outputs cover every record, the
/// diagnostics, scores and segments).
const COMMANDS: &[&[&str]] = &[
    &["check"],
    &["check", "--format", "json"],
    &["list", "--format", "json"],
    &["list", "--segment", "hot-leads", "--format", "json"],
    &["list", "--segment", "hot-leads"],
    &["list", "companies", "--format", "csv"],
    &["list", "deals", "--sort", "amount"],
    &["show", "ben-carver"],
    &["segments"],
    &["duplicates"],
];

/// Runs every command without the cache, then twice with it (the first run may rebuild it,
/// the second finds it current), and asserts the same exit code, stdout and stderr.
#[track_caller]
fn assert_cache_changes_nothing(ws: &Ws, when: &str) {
    assert_cache_changes_nothing_in(ws, COMMANDS, when)
}

#[track_caller]
fn assert_cache_changes_nothing_in(ws: &Ws, commands: &[&[&str]], when: &str) {
    for args in commands {
        let mut plain = vec!["--no-cache"];
        plain.extend_from_slice(args);
        let expected = ws.kith(&plain);
        for attempt in ["rebuilding", "current"] {
            let got = ws.kith(args);
            let what = format!("`kith {}` {when}, cache {attempt}", args.join(" "));
            assert_eq!(got.code, expected.code, "{what}: exit code");
            assert_eq!(got.stdout, expected.stdout, "{what}: stdout");
            assert_eq!(got.stderr, expected.stderr, "{what}: stderr");
        }
    }
}

fn contacts(ws: &Ws) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(ws.file("contacts"))
        .unwrap()
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".md")
                .map(str::to_string)
        })
        .collect();
    ids.sort();
    ids
}

/// One random change to the workspace, described for the failure message.
fn random_edit(ws: &Ws, rng: &mut Rng, n: usize) -> String {
    let ids = contacts(ws);
    let id = rng.pick(&ids).clone();
    let rel = format!("contacts/{id}.md");
    let text = std::fs::read_to_string(ws.file(&rel)).unwrap_or_default();
    match rng.below(9) {
        0 => {
            let stage = rng.pick(&["lead", "mql", "sql", "customer", "other"]);
            let edited = match text.find("lifecycle:") {
                Some(at) => {
                    let end = text[at..].find('\n').map_or(text.len(), |e| at + e);
                    format!("{}lifecycle: {stage}{}", &text[..at], &text[end..])
                }
                None => text.replacen("---\n", &format!("---\nlifecycle: {stage}\n"), 1),
            };
            ws.write(&rel, &edited);
            format!("set {rel} lifecycle to {stage}")
        }
        1 => {
            let kind = rng.pick(&["call", "visit", "email", "demo", "reply"]);
            let sep = if text.contains("## Activity") {
                ""
            } else {
                "\n## Activity\n\n"
            };
            ws.write(
                &rel,
                &format!("{text}{sep}- 2026-11-2{} {kind}: round {n}\n", rng.below(5)),
            );
            format!("logged a {kind} on {rel}")
        }
        2 => {
            // Same size, same second: only the content hash can tell.
            let flipped: String = text
                .chars()
                .map(|c| {
                    if c == 'a' {
                        'e'
                    } else if c == 'e' {
                        'a'
                    } else {
                        c
                    }
                })
                .collect();
            ws.write(&rel, &flipped);
            format!("swapped vowels in {rel} (same size)")
        }
        3 => {
            let new = format!("contacts/new-person-{n}.md");
            let email = if rng.below(2) == 0 {
                // A duplicate address of someone else.
                text.lines()
                    .find_map(|l| l.strip_prefix("email: "))
                    .unwrap_or("nobody@example.com")
                    .to_string()
            } else {
                format!("new{n}@example.com")
            };
            ws.write(
                &new,
                &format!("---\nname: New Person {n}\nemail: {email}\nlifecycle: lead\ncompany: acme-logistics\n---\n"),
            );
            format!("created {new}")
        }
        4 => {
            std::fs::remove_file(ws.file(&rel)).unwrap();
            format!("deleted {rel}")
        }
        5 => {
            let to = format!("contacts/{id}-moved.md");
            std::fs::rename(ws.file(&rel), ws.file(&to)).unwrap();
            format!("renamed {rel} to {to}")
        }
        6 => {
            ws.write(&rel, &text);
            format!("rewrote {rel} unchanged")
        }
        7 => {
            ws.write(&rel, &text.replacen("---\n", "---\nname: [unclosed\n", 1));
            format!("broke {rel}'s frontmatter")
        }
        _ => {
            let cfg = ws.read("kith.yaml");
            ws.write("kith.yaml", &format!("{cfg}\n# edited in round {n}\n"));
            "edited kith.yaml".to_string()
        }
    }
}

#[test]
fn commands_print_the_same_with_and_without_the_cache_after_random_edits() {
    let ws = Ws::example();
    settle();
    assert_cache_changes_nothing(&ws, "on the example");
    assert!(ws.file(".kith/cache/records.bin").is_file());
    let mut rng = Rng(0x5eed_cafe_f00d);
    let mut log = Vec::new();
    let mut answered = 0;
    for round in 0..8 {
        for _ in 0..=rng.below(3) {
            log.push(random_edit(&ws, &mut rng, round));
        }
        assert_cache_changes_nothing(&ws, &format!("after: {}", log.join("; ")));
        // The runs above left the cache current: the next ones answer from it (reading again
        // only the files just edited, which are too recent for their stamps to vouch for them).
        for args in [
            &["check"][..],
            &["list", "--segment", "hot-leads", "--format", "json"],
        ] {
            let trace = kith_env(ws.path(), &[("KITH_TRACE", "1")], args).stderr;
            answered += trace.contains("from the cache") as usize;
        }
    }
    assert!(
        answered >= 8,
        "the cache answered only {answered} of 16 times"
    );
}

/// Waits until files written so far are older than the cache's racy window, so their stamps
/// alone vouch for them.
fn settle() {
    std::thread::sleep(std::time::Duration::from_millis(3100));
}

/// A way to damage a cache file's bytes.
type Damage = Box<dyn Fn(&mut Vec<u8>)>;

#[test]
fn a_damaged_or_foreign_cache_is_rebuilt_and_changes_nothing() {
    let ws = Ws::example();
    settle();
    ws.kith(&["list", "--segment", "hot-leads"]).ok();
    ws.kith(&["check"]);
    let records = ws.file(".kith/cache/records.bin");
    let results = ws.file(".kith/cache/results.bin");
    let good_records = std::fs::read(&records).unwrap();
    let good_results = std::fs::read(&results).unwrap();
    let damages: Vec<(&str, Damage)> = vec![
        (
            "truncated to nothing",
            Box::new(|b: &mut Vec<u8>| b.clear()),
        ),
        (
            "cut in half",
            Box::new(|b: &mut Vec<u8>| b.truncate(b.len() / 2)),
        ),
        (
            "cut by one byte",
            Box::new(|b: &mut Vec<u8>| {
                b.pop();
            }),
        ),
        ("another format", Box::new(|b: &mut Vec<u8>| b[8] ^= 0xff)),
        ("another kith.yaml", Box::new(|b: &mut Vec<u8>| b[20] ^= 1)),
        (
            "a byte flipped in the table",
            Box::new(|b: &mut Vec<u8>| b[70] ^= 0x10),
        ),
        (
            "a byte flipped at the end",
            Box::new(|b: &mut Vec<u8>| {
                let n = b.len();
                b[n - 3] ^= 0x04
            }),
        ),
        (
            "garbage",
            Box::new(|b: &mut Vec<u8>| *b = b"not a cache at all".repeat(100)),
        ),
    ];
    for (what, damage) in &damages {
        for (path, good) in [(&records, &good_records), (&results, &good_results)] {
            let mut bytes = good.clone();
            damage(&mut bytes);
            std::fs::write(path, &bytes).unwrap();
            assert_cache_changes_nothing_in(
                &ws,
                &COMMANDS[..4],
                &format!("with {} {what}", path.display()),
            );
            let status = ws.kith(&["cache", "status"]).ok().to_string();
            assert!(
                status.contains("up to date with every record file"),
                "{what}: {status}"
            );
        }
    }
}

#[test]
fn no_cache_writes_nothing_and_clear_removes_it() {
    let ws = Ws::example();
    ws.kith(&["--no-cache", "check"]);
    ws.kith(&["--no-cache", "list", "--segment", "hot-leads"])
        .ok();
    assert!(!ws.file(".kith").exists(), "--no-cache wrote the cache");
    crate::harness::kith_env(ws.path(), &[("KITH_NO_CACHE", "1")], &["check"]);
    assert!(
        !ws.file(".kith").exists(),
        "KITH_NO_CACHE=1 wrote the cache"
    );

    ws.kith(&["check"]);
    assert!(ws.file(".kith/cache/records.bin").is_file());
    assert!(
        ws.kith(&["cache", "status"]).ok().contains("parsed"),
        "status names what the cache holds"
    );
    let out = ws.kith(&["cache", "clear"]).ok().to_string();
    assert!(out.starts_with("cleared .kith/cache"), "{out}");
    assert!(!ws.file(".kith/cache").exists());
    assert!(
        ws.kith(&["cache", "status"])
            .ok()
            .contains("no usable cache")
    );
    // The cache is git-ignored: it never shows as a change to commit.
    ws.kith(&["check"]);
    assert_eq!(ws.status(), "", "the cache shows in git status");
}

#[test]
fn a_cache_that_cannot_be_written_only_makes_kith_slower() {
    let ws = Ws::example();
    // A file where the cache folder would be: nothing can be written under it.
    ws.write(".kith", "in the way");
    let plain = ws.kith(&["--no-cache", "list", "--segment", "hot-leads"]);
    let cached = ws.kith(&["list", "--segment", "hot-leads"]);
    assert_eq!(cached.stdout, plain.stdout);
    assert_eq!(cached.stderr, plain.stderr);
    assert_eq!(cached.code, 0);
    assert!(Path::new(&ws.file(".kith")).is_file());
}

/// The example has no .gitignore: whatever kith keeps in `.kith/` (the records cache, the
/// history cache, the watcher's socket) stays out of `git status` all the same.
#[test]
fn kiths_own_folder_stays_out_of_git_status_whatever_gitignore_says() {
    let ws = Ws::example();
    assert!(!ws.file(".gitignore").exists());
    ws.kith(&["check"]).ok();
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("site");
    ws.kith(&["report", "--no-records", "--out", out.to_str().unwrap()])
        .ok();
    assert!(ws.file(".kith/cache/records.bin").exists());
    assert!(ws.file(".kith/history-cache.jsonl").exists());
    assert_eq!(ws.status(), "");
}
