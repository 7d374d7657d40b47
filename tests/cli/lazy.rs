//! The cache's lazy paths (`load::cache::query`) print what a cold load prints: `list --where`,
//! `--segment` and a kind's whole list, decoding only what the filter reads, and `show` and
//! `score` of one record, decoding only it and its neighbours. Checked after random edits,
//! additions, deletions and renames, including edits of the same size within the same second,
//! and edits that keep the size and put the old modification time back (only the change time
//! and the content hash can tell).

use crate::harness::*;

/// The queries compared with `--no-cache` after every round.
const QUERIES: &[&[&str]] = &[
    &[
        "list",
        "--where",
        "lifecycle = customer",
        "--format",
        "json",
    ],
    &[
        "list",
        "--where",
        "lifecycle in [lead, mql] and score >= 20",
        "--format",
        "json",
    ],
    &[
        "list",
        "--where",
        "name contains \"a\" and not exists phone",
        "--format",
        "csv",
    ],
    &["list", "--where", "email_domain ends_with example"],
    &["list", "--where", "segment.hot-leads or tags has vip"],
    &[
        "list",
        "--where",
        "last_activity within 30d",
        "--sort",
        "score",
    ],
    &["list", "--segment", "hot-leads", "--format", "json"],
    &[
        "list",
        "companies",
        "--where",
        "country = DE",
        "--format",
        "json",
    ],
    &[
        "list",
        "deals",
        "--where",
        "stage >= proposal",
        "--format",
        "json",
    ],
    &[
        "list",
        "--where",
        "company.country = DE",
        "--format",
        "json",
    ],
    &["list", "--where", "lifecycle = bogus-stage"],
    &["list", "--where", "score >="],
];

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

/// Rewrites a file with text of the same size and puts its old modification time back: the
/// size and mtime a stamp compares are those of the old content.
fn write_keeping_mtime(path: &std::path::Path, text: &str) {
    let mtime = std::fs::metadata(path).unwrap().modified().unwrap();
    std::fs::write(path, text).unwrap();
    let file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    file.set_modified(mtime).unwrap();
}

/// Swaps `a` and `e`: another content of the same size.
fn swap_vowels(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'a' => 'e',
            'e' => 'a',
            c => c,
        })
        .collect()
}

/// One random change, described for the failure message.
fn random_edit(ws: &Ws, rng: &mut Rng, n: usize) -> String {
    let ids = contacts(ws);
    let id = rng.pick(&ids).clone();
    let rel = format!("contacts/{id}.md");
    let text = std::fs::read_to_string(ws.file(&rel)).unwrap_or_default();
    match rng.below(8) {
        0 => {
            let stage = rng.pick(&["lead", "mql", "sql", "customer", "churned"]);
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
            // Twice in the same second, the same size: only the content hash can tell.
            ws.write(&rel, &swap_vowels(&text));
            ws.write(&rel, &text.replace("customer", "lead----"));
            format!("rewrote {rel} twice at once, the same size")
        }
        2 => {
            write_keeping_mtime(&ws.file(&rel), &swap_vowels(&text));
            format!("swapped vowels in {rel}, same size and mtime")
        }
        3 => {
            let new = format!("contacts/new-person-{n}.md");
            let stage = rng.pick(&["lead", "customer"]);
            ws.write(
                &new,
                &format!(
                    "---\nname: New Person {n}\nemail: new{n}@example.com\nlifecycle: {stage}\n\
                     country: DE\ncompany: acme-logistics\n---\n\n## Activity\n\n\
                     - 2026-11-20 call: round {n}\n"
                ),
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
            let sep = if text.contains("## Activity") {
                ""
            } else {
                "\n## Activity\n\n"
            };
            ws.write(
                &rel,
                &format!("{text}{sep}- 2026-11-2{} visit: round {n}\n", rng.below(5)),
            );
            format!("logged a visit on {rel}")
        }
        _ => {
            ws.write(&rel, &text.replacen("---\n", "---\ntags: [vip]\n", 1));
            format!("tagged {rel} vip")
        }
    }
}

/// Cards of records other than people, each of which reads others: a company (its people
/// and deals), a deal (its company and contacts), by id and by path, and a name (which only
/// a load resolves).
const CARDS: &[&[&str]] = &[
    &["show", "calder-mutual"],
    &["show", "companies/calder-mutual.md", "--format", "json"],
    &["show", "deal:calder-mutual-renewal-2027"],
    &["show", "calder-mutual-renewal-2027", "--format", "json"],
    &["show", "Calder Mutual"],
    &["score", "contacts/ben-carver", "--format", "json"],
];

/// How many of the runs with the cache each path answered.
#[derive(Default)]
struct Answered {
    /// Queries answered lazily, with the cache current.
    lazy: usize,
    /// Cards and scores answered from the cache, with the cache current.
    cards: usize,
    /// Runs of either kind that took a running watcher's word that no file changed.
    vouched: usize,
    /// Loads that took it, decoding the cached records without a stamp of their files.
    loads_vouched: usize,
}

impl Answered {
    /// Six rounds' worth of lazy answers.
    #[track_caller]
    fn assert_mostly_lazy(&self) {
        // Most queries of every round are for the lazy path (the filter on another record's
        // field, `company.country`, and the mistakes are for the load).
        let lazy = self.lazy;
        assert!(lazy >= 7 * 6, "the lazy path answered only {lazy} times");
        // So are most cards and scores (a name is for the load, and so is a person the random
        // edits deleted or a score that scoring leaves out).
        let cards = self.cards;
        assert!(
            cards >= 8 * 6,
            "the cache answered only {cards} cards and scores"
        );
    }
}

/// Each query, `show` and `score` of a few people and [`CARDS`] without the cache, then twice
/// with it (the first run may rebuild it, the second finds it current): the same exit code
/// and output.
#[track_caller]
fn assert_lazy_equals_cold(ws: &Ws, people: &[String], when: &str, n: &mut Answered) {
    let shown: Vec<Vec<String>> = people
        .iter()
        .flat_map(|id| {
            [
                vec!["show".to_string(), id.clone()],
                vec!["show".into(), id.clone(), "--format".into(), "json".into()],
                vec!["score".into(), id.clone()],
            ]
        })
        .chain(
            CARDS
                .iter()
                .map(|c| c.iter().map(|s| s.to_string()).collect()),
        )
        .collect();
    let queries = QUERIES
        .iter()
        .map(|q| q.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        .chain(shown);
    for args in queries {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut plain = vec!["--no-cache"];
        plain.extend_from_slice(&args);
        let expected = ws.kith(&plain);
        for attempt in ["rebuilding", "current"] {
            let got = kith_env(ws.path(), &[("KITH_TRACE", "1")], &args);
            let what = format!("`kith {}` {when}, cache {attempt}", args.join(" "));
            assert_eq!(got.code, expected.code, "{what}: exit code");
            assert_eq!(got.stdout, expected.stdout, "{what}: stdout");
            let stderr: String = got
                .stderr
                .lines()
                .filter(|l| !l.starts_with('['))
                .map(|l| format!("{l}\n"))
                .collect();
            assert_eq!(stderr, expected.stderr, "{what}: stderr");
            let current = attempt == "current";
            n.lazy += (current && got.stderr.contains("(lazily)")) as usize;
            n.cards += (current && got.stderr.contains("its neighbours")) as usize;
            n.vouched += got.stderr.contains("the monitor vouches") as usize;
            let load = "the monitor vouches for the cached records";
            n.loads_vouched += got.stderr.contains(load) as usize;
        }
    }
}

/// Rounds of random edits, each followed by [`assert_lazy_equals_cold`].
fn edit_and_compare(ws: &Ws, rounds: usize) -> Answered {
    let mut rng = Rng(0x1a27_5eed_0b5e_55ed);
    let mut log = Vec::new();
    let mut n = Answered::default();
    assert_lazy_equals_cold(ws, &["ben-carver".to_string()], "on the example", &mut n);
    for round in 0..rounds {
        for _ in 0..=rng.below(3) {
            log.push(random_edit(ws, &mut rng, round));
        }
        let ids = contacts(ws);
        let people = [rng.pick(&ids).clone(), rng.pick(&ids).clone()];
        let when = format!("after: {}", log.join("; "));
        assert_lazy_equals_cold(ws, &people, &when, &mut n);
    }
    n
}

#[test]
fn lazy_queries_answer_as_a_cold_load_after_random_edits() {
    let ws = Ws::example();
    // Older than the cache's racy window, so that stamps alone vouch for the files.
    std::thread::sleep(std::time::Duration::from_millis(3100));
    let n = edit_and_compare(&ws, 6);
    n.assert_mostly_lazy();
    assert_eq!(n.vouched, 0, "no watcher runs, yet a monitor vouched");
    assert_eq!(n.loads_vouched, 0);
}

/// With `kith watch` running, commands take its monitor's word that no record file changed
/// instead of stamping every file: the same random edits, every one made right before a
/// command with no pause, must still be seen, and the answers be a cold load's.
#[test]
fn with_a_watcher_running_the_cache_is_vouched_for_and_edits_are_still_seen() {
    let ws = Ws::example();
    std::thread::sleep(std::time::Duration::from_millis(3100));
    let (mut watcher, _lines) = start_watch(&ws);
    let n = edit_and_compare(&ws, 6);
    let status = ws.kith(&["cache", "status"]);
    // A watcher that stopped answering (suspended, as by Ctrl-Z): commands wait for it a
    // moment, then stamp every file, and see an edit it did not count.
    let signal = |sig: &str| {
        let pid = watcher.id().to_string();
        let ok = std::process::Command::new("kill")
            .args([sig, &pid])
            .status();
        assert!(ok.unwrap().success(), "kill {sig}");
    };
    signal("-STOP");
    let ben = ws.read("contacts/ben-carver.md");
    ws.write("contacts/ben-carver.md", &ben.replace("Ben", "Benedict"));
    let got = kith_env(ws.path(), &[("KITH_TRACE", "1")], &["show", "ben-carver"]);
    signal("-CONT");
    assert!(got.stdout.contains("Benedict"), "{}", got.stdout);
    assert!(
        !got.stderr.contains("the monitor vouches"),
        "{}",
        got.stderr
    );
    watcher.kill().unwrap();
    watcher.wait().unwrap();
    n.assert_mostly_lazy();
    // After each round's edits the first command loads and vouches for what it loaded;
    // every later one takes the monitor's word: all but about 7 of 330 runs.
    assert!(
        n.vouched >= 300,
        "the monitor vouched only {} times",
        n.vouched
    );
    // The queries and cards the cache cannot answer lazily (`company.country`, the mistakes,
    // a card by name) load the workspace: from the cached records with no stamp of their
    // files, but the first run after each round's edits (78 of the runs when written).
    assert!(
        n.loads_vouched >= 60,
        "loads took the monitor's word only {} times",
        n.loads_vouched
    );
    assert!(
        status
            .ok()
            .contains("a watcher (kith watch, serve or lsp) follows the record files"),
        "{}",
        status.stdout
    );
    // Gone with it: commands stamp every file again, and still answer as a cold load.
    let got = kith_env(ws.path(), &[("KITH_TRACE", "1")], &["check"]);
    assert!(
        !got.stderr.contains("the monitor vouches"),
        "{}",
        got.stderr
    );
    assert!(
        got.stderr.contains("every record file is as cached"),
        "{}",
        got.stderr
    );
}

/// Two watchers in one workspace (two editors' language servers, or `kith watch` beside
/// one): the first runs the monitor. Killed without a chance to tidy up, it leaves its
/// socket behind; the second takes over at its next batch, and commands take its word.
#[test]
fn a_second_watcher_takes_over_the_monitor_when_the_first_is_gone() {
    let ws = Ws::example();
    let vouched = |ws: &Ws| {
        ws.kith(&["check"]);
        let got = kith_env(ws.path(), &[("KITH_TRACE", "1")], &["check"]);
        got.stderr.contains("the monitor vouches")
    };
    let (mut first, _) = start_watch(&ws);
    let (mut second, lines) = start_watch(&ws);
    assert!(vouched(&ws), "the first watcher's monitor does not answer");
    first.kill().unwrap();
    first.wait().unwrap();
    assert!(
        ws.file(".kith/monitor/socket").exists(),
        "killed, it left its socket"
    );
    assert!(!vouched(&ws), "a dead monitor vouched");
    // A save: the second watcher's batch, after which it runs the monitor.
    let ben = ws.read("contacts/ben-carver.md");
    ws.write("contacts/ben-carver.md", &ben.replace("Ben", "Benedict"));
    wait_for(&lines, "the second watcher saw the save", |l| {
        l.contains("ben-carver")
    });
    assert!(vouched(&ws), "the second watcher did not take over");
    let shown = ws.kith(&["show", "ben-carver"]);
    assert!(shown.ok().contains("Benedict"), "{}", shown.stdout);
    second.kill().unwrap();
    second.wait().unwrap();
}

/// Starts `kith watch` in the workspace and waits until it watches.
fn start_watch(ws: &Ws) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    let (child, lines) = spawn_kith(ws.path(), &["watch".as_ref()]);
    wait_for(&lines, "kith watch started", |l| l.starts_with("watching "));
    (child, lines)
}

/// Reads lines until one that `done` accepts, for at most 30 s (else fails with `what`).
#[track_caller]
fn wait_for(lines: &std::sync::mpsc::Receiver<String>, what: &str, done: impl Fn(&str) -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if done(&lines.recv_timeout(left).expect(what)) {
            return;
        }
    }
}
