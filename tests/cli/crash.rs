//! Crash consistency: every command that writes is killed with SIGKILL at seeded random
//! moments, many times. After each kill every record file holds its old bytes or its new
//! ones (never a mix, never a leftover temporary file taken for a record), `kith check` says
//! what it said before, and running the command again finishes the job: the files end up
//! exactly as after an uninterrupted run.
//!
//! `KITH_CRASH_RUNS` sets the kills per command (default 10) and `KITH_CRASH_SEED` the seed
//! (default fixed, printed on failure), e.g. `KITH_CRASH_RUNS=200 cargo test --test cli crash`.

use crate::harness::{copy_dir, git, init_and_commit, kith_in, pinned_clock, status};
use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const KITH: &str = env!("CARGO_BIN_EXE_kith");

fn runs() -> usize {
    std::env::var("KITH_CRASH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10)
}

fn seed() -> u64 {
    std::env::var("KITH_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x6b69_7468)
}

/// SplitMix64: enough randomness for kill times, and the same every run for one seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Files under some folders, by path relative to the workspace.
type Files = BTreeMap<String, Vec<u8>>;

/// Every file under `dirs` of `root` (recursively).
fn snapshot(root: &Path, dirs: &[&str]) -> Files {
    fn walk(root: &Path, dir: &Path, out: &mut Files) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            // The cache's bytes hold each copy's own file stamps, so they equal no other
            // copy's; [`assert_cache_sound`] checks what matters about it.
            if path.ends_with(".kith/cache") {
                continue;
            }
            if e.file_type().unwrap().is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = Files::new();
    for d in dirs {
        walk(root, &root.join(d), &mut out);
    }
    out
}

/// Whether a path names one of kith's temporary files (`.NAME.XXXXXX.kith-tmp`): a write
/// killed half-way leaves one, and nothing reads or commits them.
fn temporary(rel: &str) -> bool {
    rel.rsplit('/')
        .next()
        .is_some_and(|n| n.starts_with('.') && n.ends_with(".kith-tmp"))
}

/// `files` without temporary files.
fn visible(files: &Files) -> Files {
    files
        .iter()
        .filter(|(k, _)| !temporary(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// `kith` with today pinned, as the harness runs it, but not waited for.
fn command(cwd: &Path, args: &[String]) -> Command {
    let mut cmd = Command::new(KITH);
    cmd.args(args)
        .current_dir(cwd)
        .envs(pinned_clock())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// Runs to the end; panics unless it succeeds.
#[track_caller]
fn finish(cwd: &Path, args: &[String]) -> Duration {
    let start = Instant::now();
    let out = command(cwd, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "kith {args:?} failed\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    start.elapsed()
}

/// `kith check`'s exit code in `cwd`.
fn check_code(cwd: &Path) -> i32 {
    kith_in(cwd, &["check"]).code
}

/// Whatever a kill left of the cache changes no answer: `kith check` and a listing with
/// scores say the same with it and without it.
#[track_caller]
fn assert_cache_sound(cwd: &Path, context: &str) {
    for args in [&["check"][..], &["list", "--format", "json"]] {
        let cached = kith_in(cwd, args);
        let mut plain = vec!["--no-cache"];
        plain.extend_from_slice(args);
        let plain = kith_in(cwd, &plain);
        assert_eq!(
            (cached.code, &cached.stdout, &cached.stderr),
            (plain.code, &plain.stdout, &plain.stderr),
            "{context}: `kith {}` differs with the cache the kill left",
            args.join(" ")
        );
    }
}

/// One command to kill.
struct Scenario {
    name: &'static str,
    /// The prepared state every run starts from (copied for each run).
    template: tempfile::TempDir,
    /// Where kith runs, relative to the template (the workspace).
    cwd: &'static str,
    args: Vec<String>,
    /// Folders of the workspace whose files are compared.
    watched: &'static [&'static str],
    /// Whether a finished run may be repeated (`log` would log twice, `merge` finds the
    /// duplicate gone): if not, the command is run again only when the job is unfinished.
    repeatable: bool,
    /// What else must hold once the job is done (for `sync`: git's side).
    settled: fn(&Path, &Path),
}

const RECORDS: &[&str] = &["contacts", "companies", "deals"];

/// How the kills landed.
#[derive(Default, Debug)]
struct Landed {
    before: usize,
    between: usize,
    after: usize,
    temp_files_left: usize,
}

fn run_scenario(s: Scenario) {
    let seed = seed()
        ^ s.name
            .bytes()
            .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    let mut rng = Rng(seed);
    let context = format!("{} (KITH_CRASH_SEED={})", s.name, self::seed());
    let work = || -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(s.template.path(), dir.path());
        let cwd = dir.path().join(s.cwd);
        (dir, cwd)
    };
    // The uninterrupted run: how long it takes, and what it leaves.
    let (reference_dir, reference) = work();
    let old = snapshot(&reference, s.watched);
    let check_before = check_code(&reference);
    let took = finish(&reference, &s.args);
    let new = visible(&snapshot(&reference, s.watched));
    assert_ne!(visible(&old), new, "{context}: the command changed nothing");
    let mut landed = Landed::default();
    // Kills land anywhere from the start to a little past the usual end; most of them in
    // the part of that window not yet known to fall before the first write or after the
    // last, which narrows as kills land, so that many land while files are being written.
    let full = (took.as_micros() as u64 * 11 / 10).max(2);
    let (mut lo, mut hi) = (0, full);
    for i in 0..runs() {
        let (_dir, cwd) = work();
        let micros = if rng.next().is_multiple_of(4) {
            rng.next() % full
        } else {
            lo + rng.next() % (hi - lo).max(1)
        };
        let delay = Duration::from_micros(micros);
        // In a process group of its own, so that the kill takes the `git` it may be running
        // too, as a crash of the machine would (an orphaned `git fetch` would race the next
        // run for its locks).
        let mut child = command(&cwd, &s.args).process_group(0).spawn().unwrap();
        std::thread::sleep(delay);
        // SAFETY: signals the group just made; the result does not matter (it may be gone).
        unsafe { libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL) };
        child.wait().unwrap();
        let mid = snapshot(&cwd, s.watched);
        let mut changed = 0;
        let mut unchanged = 0;
        let paths: BTreeSet<&String> = old.keys().chain(new.keys()).chain(mid.keys()).collect();
        for path in paths {
            if temporary(path) {
                landed.temp_files_left += 1;
                continue;
            }
            let now = mid.get(path);
            if now == old.get(path) && now == new.get(path) {
                continue;
            }
            if now == old.get(path) {
                unchanged += 1;
            } else if now == new.get(path) {
                changed += 1;
            } else {
                panic!(
                    "{context}: run {i} killed after {delay:?} left {path} neither old nor new:\n{}",
                    now.map(|b| String::from_utf8_lossy(b).into_owned())
                        .unwrap_or_else(|| "(absent)".into())
                );
            }
        }
        assert_cache_sound(&cwd, &format!("{context}: run {i}"));
        match (unchanged, changed) {
            (_, 0) => {
                landed.before += 1;
                lo = lo.max(micros.min(hi));
            }
            (0, _) => {
                landed.after += 1;
                hi = hi.min(micros.max(lo));
            }
            _ => landed.between += 1,
        }
        // Timing is noisy: when the bounds meet, open them around where they met.
        if hi <= lo + 1 {
            (lo, hi) = (lo * 8 / 10, (hi * 12 / 10 + 2).min(full));
        }
        let temporaries: Vec<&String> = mid.keys().filter(|k| temporary(k)).collect();
        let check = kith_in(&cwd, &["check"]);
        assert_eq!(
            check.code, check_before,
            "{context}: `kith check` changed its mind after run {i} killed after {delay:?}:\n{}{}",
            check.stdout, check.stderr
        );
        // A leftover temporary file in a record folder is pointed out, never loaded.
        for t in temporaries
            .iter()
            .filter(|t| RECORDS.iter().any(|d| t.starts_with(d)))
        {
            let name = t.rsplit('/').next().unwrap();
            assert!(
                format!("{}{}", check.stdout, check.stderr).contains(name),
                "{context}: `kith check` does not mention {t}"
            );
        }
        if s.repeatable || visible(&snapshot(&cwd, s.watched)) != new {
            finish(&cwd, &s.args);
        }
        assert!(
            visible(&snapshot(&cwd, s.watched)) == new,
            "{context}: run {i} killed after {delay:?}, then run again, did not end as an uninterrupted run"
        );
        (s.settled)(&reference, &cwd);
    }
    eprintln!(
        "{context}: {} kills in runs of {took:?}: {landed:?}",
        runs()
    );
    drop(reference_dir);
}

/// Nothing more to compare.
fn nothing(_: &Path, _: &Path) {}

/// A generated workspace of `n` records in git, made once per test.
fn generated(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = kith_in(dir.path(), &["gen", "ws", "-n", &n.to_string(), "--git"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    dir
}

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

#[test]
fn crash_during_bulk_set() {
    run_scenario(Scenario {
        name: "set",
        template: generated(150),
        cwd: "ws",
        args: args(&[
            "set",
            "--where",
            "lifecycle in [lead, mql]",
            "owner=crash-test",
            "--force",
        ]),
        watched: RECORDS,
        repeatable: true,
        settled: nothing,
    });
}

#[test]
fn crash_during_log() {
    let template = generated(100);
    let id = first_person(&template.path().join("ws"));
    run_scenario(Scenario {
        name: "log",
        template,
        cwd: "ws",
        args: args(&[
            "log",
            &id,
            "call",
            "talked about the renewal",
            "--date",
            "2026-11-24",
        ]),
        watched: RECORDS,
        repeatable: false,
        settled: nothing,
    });
}

/// The first person's id, in file name order.
fn first_person(ws: &Path) -> String {
    let mut names: Vec<String> = std::fs::read_dir(ws.join("contacts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".md").map(str::to_string))
        .collect();
    names.sort();
    names.remove(0)
}

#[test]
fn crash_during_qualify_apply() {
    let template = generated(200);
    let ws = template.path().join("ws");
    let planned = kith_in(&ws, &["qualify", "--format", "json"]).json();
    assert!(
        planned.as_array().is_some_and(|m| m.len() > 3),
        "the generated workspace should have people to qualify: {planned}"
    );
    run_scenario(Scenario {
        name: "qualify --apply",
        template,
        cwd: "ws",
        args: args(&["qualify", "--apply"]),
        watched: RECORDS,
        repeatable: true,
        settled: nothing,
    });
}

#[test]
fn crash_during_import() {
    let template = generated(100);
    let mut csv = String::from("First Name,Last Name,Email,Company,Job Title,Phone\n");
    for i in 0..200 {
        csv.push_str(&format!(
            "Crash{i},Tester,crash{i}@firm{}.example,Firm {},Engineer,+44 20 7946 {i:04}\n",
            i % 40,
            i % 40
        ));
    }
    std::fs::write(template.path().join("people.csv"), csv).unwrap();
    run_scenario(Scenario {
        name: "import",
        template,
        cwd: "ws",
        args: args(&["import", "../people.csv"]),
        watched: RECORDS,
        repeatable: true,
        settled: nothing,
    });
}

#[test]
fn crash_during_merge() {
    let template = generated(100);
    let ws = template.path().join("ws");
    std::fs::write(
        ws.join("contacts/ada-lovelace.md"),
        "---\nname: Ada Lovelace\nemail: ada@analytical.example\nphone: \"+44 20 7946 0000\"\nlifecycle: lead\n---\n\n## Activity\n\n- 2026-11-01 call: first call\n",
    )
    .unwrap();
    std::fs::write(
        ws.join("contacts/ada-king.md"),
        "---\nname: Ada King\nemail: ada.king@analytical.example\nphone: \"020 7946 0000\"\ntitle: CTO\nlifecycle: mql\ntags: [vip]\n---\n\nMet at the fair.\n\n## Activity\n\n- 2026-11-10 meeting: demo\n- 2026-11-12 email: sent the proposal\n",
    )
    .unwrap();
    for i in 0..6 {
        std::fs::write(
            ws.join(format!("deals/ada-pilot-{i}.md")),
            format!(
                "---\nname: Pilot {i}\ncontacts: [ada-king]\nstage: proposal\namount: 1000\n---\n"
            ),
        )
        .unwrap();
    }
    git(&ws, &["add", "-A"]);
    git(&ws, &["commit", "-q", "-m", "duplicates"]);
    run_scenario(Scenario {
        name: "merge",
        template,
        cwd: "ws",
        args: args(&["merge", "ada-lovelace", "ada-king"]),
        watched: RECORDS,
        repeatable: false,
        settled: nothing,
    });
}

#[test]
fn crash_during_report() {
    let template = generated(100);
    run_scenario(Scenario {
        name: "report",
        template,
        cwd: "ws",
        args: args(&["report"]),
        watched: &["contacts", "companies", "deals", "public", ".kith"],
        repeatable: true,
        settled: nothing,
    });
}

/// Alice's and the remote's trees are the uninterrupted run's; nothing is left uncommitted
/// and git finds nothing wrong.
fn synced(reference: &Path, ws: &Path) {
    let tree = |dir: &Path, rev: &str| git(dir, &["rev-parse", &format!("{rev}^{{tree}}")]);
    assert_eq!(tree(ws, "HEAD"), tree(reference, "HEAD"));
    assert_eq!(
        tree(&ws.join("../remote.git"), "main"),
        tree(&reference.join("../remote.git"), "main")
    );
    assert_eq!(status(ws), "");
    git(ws, &["fsck", "--no-progress"]);
}

#[test]
fn crash_during_sync() {
    // A remote, Alice's clone with edits of her own, and an edit of Bob's already pushed.
    let template = tempfile::tempdir().unwrap();
    let root = template.path();
    let seed = root.join("seed");
    copy_dir(&crate::harness::repo_path("example-workspace"), &seed);
    init_and_commit(&seed, "example");
    git(root, &["clone", "-q", "--bare", "seed", "remote.git"]);
    for who in ["alice", "bob"] {
        git(root, &["clone", "-q", "remote.git", who]);
        let dir = root.join(who);
        git(&dir, &["remote", "set-url", "origin", "../remote.git"]);
        git(&dir, &["config", "user.name", who]);
        git(
            &dir,
            &["config", "user.email", &format!("{who}@example.com")],
        );
    }
    let bob = root.join("bob");
    kith_in(&bob, &["set", "ahmed-el-sayed", "phone=+49 30 1234567"]).ok();
    kith_in(&bob, &["tag", "ben-carver", "+enterprise"]).ok();
    git(&bob, &["commit", "-q", "-am", "bob's edits"]);
    git(&bob, &["push", "-q", "origin", "main"]);
    let alice = root.join("alice");
    kith_in(&alice, &["promote", "ahmed-el-sayed"]).ok();
    kith_in(
        &alice,
        &[
            "set",
            "--where",
            "lifecycle = lead",
            "owner=alice",
            "--force",
        ],
    )
    .ok();
    run_scenario(Scenario {
        name: "sync",
        template,
        cwd: "alice",
        args: args(&["sync"]),
        watched: RECORDS,
        repeatable: true,
        settled: synced,
    });
}
