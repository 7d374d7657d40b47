//! `kith watch`: a real watcher (the binary, native notification) on a temporary workspace.
//! Each test changes files the way editors and git do, waits for the watcher's batch, and
//! checks that its state equals a cold load of the same files (`--dump-state` writes a
//! canonical summary and prints its hash after every batch; `--once` does the same for a
//! cold load).

use crate::harness::{Ws, git, kith_in, spawn_kith};
use std::path::PathBuf;
use std::process::Child;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

const PATIENCE: Duration = Duration::from_secs(20);

/// A running `kith watch`, killed on drop.
struct Watch {
    child: Child,
    lines: Receiver<String>,
    /// The state file the watcher rewrites after every batch.
    state: PathBuf,
    /// The hash of the last `batch N: HASH` line read.
    last: String,
    dir: tempfile::TempDir,
}

impl Watch {
    fn start(ws: &Ws, debounce_ms: u64) -> Watch {
        Watch::start_with(ws, debounce_ms, &[])
    }

    fn start_with(ws: &Ws, debounce_ms: u64, extra: &[&str]) -> Watch {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("watched.txt");
        let debounce = debounce_ms.to_string();
        let mut args: Vec<&std::ffi::OsStr> = ["watch", "--debounce-ms", &debounce, "--dump-state"]
            .map(std::ffi::OsStr::new)
            .to_vec();
        args.push(state.as_os_str());
        args.extend(extra.iter().map(std::ffi::OsStr::new));
        let (child, lines) = spawn_kith(ws.path(), &args);
        let mut w = Watch {
            child,
            lines,
            state,
            last: String::new(),
            dir,
        };
        let ready = w.until(|l| l.starts_with("watching "));
        w.last = ready
            .iter()
            .find_map(|l| l.strip_prefix("batch 0: "))
            .expect("the state before any batch")
            .to_string();
        assert!(ready.last().unwrap().contains(" records"), "{ready:?}");
        w
    }

    /// Lines up to and including the first that `stop` accepts.
    fn until(&mut self, stop: impl Fn(&str) -> bool) -> Vec<String> {
        let deadline = Instant::now() + PATIENCE;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let done = stop(&line);
                    seen.push(line);
                    if done {
                        return seen;
                    }
                }
                Err(RecvTimeoutError::Timeout) => panic!("timed out; saw {seen:#?}"),
                Err(RecvTimeoutError::Disconnected) => panic!("kith watch exited; saw {seen:#?}"),
            }
        }
    }

    /// The lines of the next batch (without its `batch N:` line).
    fn next_batch(&mut self) -> Vec<String> {
        let mut lines = self.until(|l| l.starts_with("batch "));
        let batch = lines.pop().unwrap();
        self.last = batch.rsplit(' ').next().unwrap().to_string();
        lines
    }

    /// Waits until the watcher's state equals a cold load of the files on disk; returns the
    /// lines printed meanwhile (without `batch` lines) and how many batches it took.
    fn settle(&mut self, ws: &Ws) -> (Vec<String>, usize) {
        let (cold_hash, cold) = cold(ws, self.dir.path());
        // Nothing the watcher follows changed (a commit touches only .git/): no batch comes.
        // (The state file may equal the cold load already while the batch's lines are still
        // on their way: then they are read below.)
        if self.last == cold_hash {
            return (Vec::new(), 0);
        }
        let deadline = Instant::now() + PATIENCE;
        let (mut lines, mut batches) = (Vec::new(), 0);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => match line.strip_prefix("batch ") {
                    Some(rest) => {
                        batches += 1;
                        self.last = rest.rsplit(' ').next().unwrap().to_string();
                        if rest.ends_with(&cold_hash) {
                            return (lines, batches);
                        }
                    }
                    None => lines.push(line),
                },
                Err(_) => {
                    let watched = std::fs::read_to_string(&self.state).unwrap_or_default();
                    panic!(
                        "the watcher's state never equalled a cold load\nlines: {lines:#?}\nfirst difference: {}",
                        first_difference(&watched, &cold)
                    );
                }
            }
        }
    }

    fn state(&self) -> String {
        std::fs::read_to_string(&self.state).unwrap()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The hash and summary of a cold load.
fn cold(ws: &Ws, dir: &std::path::Path) -> (String, String) {
    let file = dir.join("cold.txt");
    let run = kith_in(
        ws.path(),
        &["watch", "--once", "--dump-state", file.to_str().unwrap()],
    );
    let hash = run.ok().trim().rsplit(' ').next().unwrap().to_string();
    (hash, std::fs::read_to_string(file).unwrap())
}

fn first_difference(a: &str, b: &str) -> String {
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {}:\n  watched: {x}\n  cold:    {y}", i + 1);
        }
    }
    format!(
        "lengths {} and {} lines",
        a.lines().count(),
        b.lines().count()
    )
}

const AHMED: &str = "contacts/ahmed-el-sayed.md";

fn append(ws: &Ws, rel: &str, text: &str) {
    let mut t = ws.read(rel);
    t.push_str(text);
    ws.write(rel, &t);
}

#[test]
fn an_edit_prints_what_it_caused() {
    let ws = Ws::example();
    let mut w = Watch::start(&ws, 100);
    append(
        &ws,
        AHMED,
        "- 2026-11-24 visit: /pricing\n- 2026-11-24 visit: /pricing\n",
    );
    let (lines, _) = w.settle(&ws);
    assert_eq!(
        lines,
        ["contacts/ahmed-el-sayed.md: score 30.6 → 39.5 (+visit ×2); left stale-leads"]
    );
}

#[test]
fn editor_saves_by_rename_are_one_change_and_their_temporaries_are_ignored() {
    let ws = Ws::example();
    let mut w = Watch::start(&ws, 100);
    let new = ws.read(AHMED).replace("country: DE", "country: AT");
    // vim: a probe file, a swap file, the original renamed to a backup, the new file written,
    // the backup removed.
    let c = ws.path().join("contacts");
    std::fs::write(c.join("4913"), "").unwrap();
    std::fs::remove_file(c.join("4913")).unwrap();
    std::fs::write(c.join(".ahmed-el-sayed.md.swp"), "swap").unwrap();
    std::fs::rename(ws.file(AHMED), c.join("ahmed-el-sayed.md~")).unwrap();
    ws.write(AHMED, &new);
    std::fs::remove_file(c.join("ahmed-el-sayed.md~")).unwrap();
    std::fs::remove_file(c.join(".ahmed-el-sayed.md.swp")).unwrap();
    let (lines, _) = w.settle(&ws);
    assert_eq!(lines, ["contacts/ahmed-el-sayed.md: changed (country)"]);
    // VS Code, emacs, kith itself: a temporary beside the file, renamed over it; an emacs lock.
    std::fs::write(c.join(".#ahmed-el-sayed.md"), "lock").unwrap();
    let tmp = c.join(".ahmed-el-sayed.md.kith-tmp");
    std::fs::write(&tmp, new.replace("country: AT", "country: CH")).unwrap();
    std::fs::rename(&tmp, ws.file(AHMED)).unwrap();
    std::fs::remove_file(c.join(".#ahmed-el-sayed.md")).unwrap();
    let (lines, _) = w.settle(&ws);
    assert_eq!(lines, ["contacts/ahmed-el-sayed.md: changed (country)"]);
}

#[test]
fn deletes_and_renames_recheck_references() {
    let ws = Ws::example();
    let mut w = Watch::start(&ws, 100);
    // A person that a deal lists: the deal's reference breaks, then the file comes back.
    std::fs::remove_file(ws.file("contacts/clara-albrecht.md")).unwrap();
    let (lines, _) = w.settle(&ws);
    assert!(
        lines[0].starts_with("contacts/clara-albrecht.md: removed; left "),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(
            |l| l.starts_with("deals/bergmann-medtech-compliance-reporting.md:")
                && l.contains("[missing-reference]")
        ),
        "{lines:#?}"
    );
    git(
        ws.path(),
        &["checkout", "-q", "--", "contacts/clara-albrecht.md"],
    );
    let (lines, _) = w.settle(&ws);
    assert!(
        lines[0].starts_with("contacts/clara-albrecht.md: added"),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("fixed: deals/")),
        "{lines:#?}"
    );
    // A rename (git mv): one line, and the deal's reference is reported.
    git(
        ws.path(),
        &["mv", "contacts/clara-albrecht.md", "contacts/clara-a.md"],
    );
    let (lines, _) = w.settle(&ws);
    assert_eq!(
        lines[0], "contacts/clara-albrecht.md → contacts/clara-a.md: renamed",
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("[missing-reference]")),
        "{lines:#?}"
    );
}

#[test]
fn a_burst_of_5000_files_and_a_git_checkout_are_one_batch_each() {
    let ws = Ws::example();
    let mut w = Watch::start(&ws, 400);
    for i in 0..5000 {
        ws.write(
            &format!("contacts/gen-{i:04}.md"),
            &format!(
                "---\nname: Person {i}\nemail: p{i}@gen{}.example\ncompany: alpenrose-finanz\n---\n## Activity\n- 2026-11-2{} visit: /pricing\n",
                i % 50,
                i % 5
            ),
        );
    }
    let (lines, batches) = w.settle(&ws);
    assert_eq!(batches, 1, "{lines:#?}");
    assert!(
        lines[0].starts_with("5000 records changed: 5000 added, 0 updated, 0 removed"),
        "{lines:#?}"
    );
    // git: commit them, go back to the commit before (5,000 deletions), and forward again.
    git(ws.path(), &["add", "-A"]);
    git(ws.path(), &["commit", "-q", "-m", "generated"]);
    let (_, _) = w.settle(&ws);
    git(ws.path(), &["checkout", "-q", "HEAD~1"]);
    let (lines, batches) = w.settle(&ws);
    assert_eq!(batches, 1, "{lines:#?}");
    assert!(lines[0].contains("5000 removed"), "{lines:#?}");
    git(ws.path(), &["checkout", "-q", "main"]);
    let (lines, batches) = w.settle(&ws);
    assert_eq!(batches, 1, "{lines:#?}");
    assert!(lines[0].contains("5000 added"), "{lines:#?}");
}

#[test]
fn a_malformed_save_keeps_the_last_good_version_until_fixed() {
    let ws = Ws::example();
    let mut w = Watch::start(&ws, 100);
    let good = ws.read(AHMED);
    ws.write(
        AHMED,
        &good.replace("tags: [insurance, dach]", "tags: [insurance, dach"),
    );
    let lines = w.next_batch();
    assert_eq!(
        lines[0],
        "contacts/ahmed-el-sayed.md: does not parse; the last good version stays in the index"
    );
    assert!(
        lines[1].starts_with("contacts/ahmed-el-sayed.md:9:7: error:"),
        "{lines:#?}"
    );
    let state = w.state();
    assert!(state.contains("stale: the file does not parse"), "{state}");
    assert!(
        state.contains("\"Ahmed El-Sayed\""),
        "the record is still indexed"
    );
    // The watcher keeps going: another file changes, then the fix.
    append(
        &ws,
        "contacts/aisha-rahman.md",
        "- 2026-11-24 call: follow-up\n",
    );
    let lines = w.next_batch();
    assert!(
        lines[0].starts_with("contacts/aisha-rahman.md: "),
        "{lines:#?}"
    );
    ws.write(AHMED, &good);
    let (lines, _) = w.settle(&ws);
    assert_eq!(
        lines[0], "contacts/ahmed-el-sayed.md: parses again",
        "{lines:#?}"
    );
    assert!(lines[1].starts_with("fixed: contacts/ahmed-el-sayed.md:9:7: error:"));
}

#[test]
fn a_config_change_reloads_and_a_bad_one_is_refused() {
    let ws = Ws::example();
    let mut w = Watch::start(&ws, 100);
    let cfg = ws.read("kith.yaml");
    ws.write(
        "kith.yaml",
        &cfg.replace(
            "visit: { points: 2, cap: 12 }",
            "visit: { points: 4, cap: 12 }",
        ),
    );
    let (lines, _) = w.settle(&ws);
    assert!(lines[0].starts_with("kith.yaml: reloaded; "), "{lines:#?}");
    assert!(!lines[0].contains(" 0 scores changed"), "{lines:#?}");
    // A bad config: the old one stays, the watcher says why and keeps going.
    let before = w.state();
    ws.write(
        "kith.yaml",
        &format!("{cfg}\nsegments:\n  broken: \"score >>> 3\"\n"),
    );
    let lines = w.next_batch();
    assert!(
        lines[0].starts_with("kith.yaml: not reloaded, keeping the previous settings: "),
        "{lines:#?}"
    );
    assert!(lines[1].starts_with("kith.yaml:"), "{lines:#?}");
    assert_eq!(w.state(), before);
    ws.write("kith.yaml", &cfg);
    let (lines, _) = w.settle(&ws);
    assert!(lines[0].starts_with("kith.yaml: reloaded; "), "{lines:#?}");
}

#[test]
fn an_existing_report_is_rendered_again() {
    let ws = Ws::example();
    kith_in(ws.path(), &["report"]).ok();
    let mut w = Watch::start(&ws, 100);
    let text = ws
        .read(AHMED)
        .replace("name: Ahmed El-Sayed", "name: Ahmed Elsayed");
    ws.write(AHMED, &text);
    let lines = w.next_batch();
    assert_eq!(lines[0], "contacts/ahmed-el-sayed.md: changed (name)");
    assert!(
        lines[1].starts_with("public/index.html: weekly report for 2026-W48 ("),
        "{lines:#?}"
    );
    assert!(!lines[1].contains("(0 files written"), "{lines:#?}");
    assert!(
        ws.read("public/contacts/ahmed-el-sayed.html")
            .contains("Ahmed Elsayed")
    );
}

/// Every file of a folder, by relative path.
fn files(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// The watcher's report folder equals what a fresh `kith report` writes for the same files.
fn assert_report_is_fresh(ws: &Ws, step: &str) {
    let fresh = tempfile::tempdir().unwrap();
    let out = fresh.path().join("public");
    kith_in(ws.path(), &["report", "--out", out.to_str().unwrap()]).ok();
    let (watched, cold) = (files(&ws.file("public")), files(&out));
    let names =
        |m: &std::collections::BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&watched), names(&cold), "{step}: the same pages");
    for (rel, bytes) in &cold {
        assert!(
            watched[rel] == *bytes,
            "{step}: {rel} differs\n{}",
            first_difference(
                &String::from_utf8_lossy(&watched[rel]),
                &String::from_utf8_lossy(bytes)
            )
        );
    }
}

#[test]
fn pages_rendered_again_after_each_change_are_those_of_a_fresh_report() {
    let ws = Ws::example();
    kith_in(ws.path(), &["report"]).ok();
    let mut w = Watch::start(&ws, 100);
    assert_report_is_fresh(&ws, "start");
    // An edit that moves a score and a segment membership.
    append(
        &ws,
        AHMED,
        "- 2026-11-24 visit: /pricing\n- 2026-11-24 demo-request: please\n",
    );
    w.settle(&ws);
    assert_report_is_fresh(&ws, "edit");
    // A company renamed away: its people and deals lose their link and scores.
    let company = "companies/alpenrose-finanz.md";
    let text = ws.read(company);
    std::fs::rename(ws.file(company), ws.file("companies/alpenrose.md")).unwrap();
    w.settle(&ws);
    assert_report_is_fresh(&ws, "company renamed");
    // Back, then a deal moves stage and a person is deleted.
    std::fs::remove_file(ws.file("companies/alpenrose.md")).unwrap();
    ws.write(company, &text);
    w.settle(&ws);
    let deal = "deals/brunner-feinmechanik-pilot.md";
    let d = ws.read(deal);
    let stage = d
        .lines()
        .find(|l| l.starts_with("stage: "))
        .unwrap()
        .to_string();
    ws.write(deal, &d.replace(&stage, "stage: contract-sent"));
    std::fs::remove_file(ws.file("contacts/aisha-rahman.md")).unwrap();
    w.settle(&ws);
    assert_report_is_fresh(&ws, "deal moved, person deleted");
    // New records take free slots or the last ones in the live index, where a fresh load puts
    // them in order of id: lists with ties (stale leads, overdue tasks, deals closing this
    // month, segment members) and sums of amounts must still come out the same.
    ws.write(
        "contacts/aaron-abbott.md",
        "---\nname: Aaron Abbott\nlifecycle: lead\nsource: webinar\ncreated: 2026-01-05\n---\n## Tasks\n- [ ] 2026-11-01 call: check in\n",
    );
    ws.write(
        "deals/aaa-pilot.md",
        "---\nname: AAA pilot\nstage: contract-sent\namount: 1234.56\nclose_date: 2026-11-28\ncreated: 2026-09-01\n---\n",
    );
    w.settle(&ws);
    assert_report_is_fresh(&ws, "records added");
    // A commit: history moves, every page is rendered again.
    git(ws.path(), &["add", "-A"]);
    git(ws.path(), &["commit", "-q", "-m", "changes"]);
    append(&ws, AHMED, "- 2026-11-25 call: follow-up\n");
    w.settle(&ws);
    assert_report_is_fresh(&ws, "after a commit");
}

#[test]
fn polling_sees_the_same_changes() {
    let ws = Ws::example();
    let mut w = Watch::start_with(&ws, 150, &["--poll"]);
    append(&ws, AHMED, "- 2026-11-24 visit: /pricing\n");
    let (lines, _) = w.settle(&ws);
    assert_eq!(
        lines,
        ["contacts/ahmed-el-sayed.md: score 30.6 → 37.5 (+visit); left stale-leads"]
    );
    std::fs::remove_file(ws.file("contacts/aisha-rahman.md")).unwrap();
    let (lines, _) = w.settle(&ws);
    assert_eq!(lines, ["contacts/aisha-rahman.md: removed"]);
}

#[test]
fn a_record_folder_moved_away_and_back_is_followed_again() {
    let ws = Ws::example();
    let mut w = Watch::start(&ws, 150);
    std::fs::rename(ws.file("deals"), ws.file("old-deals")).unwrap();
    let (lines, _) = w.settle(&ws);
    assert!(
        lines.iter().any(|l| l.contains("[missing-reference]")),
        "{lines:#?}"
    );
    std::fs::rename(ws.file("old-deals"), ws.file("deals")).unwrap();
    let (lines, _) = w.settle(&ws);
    assert!(lines.iter().any(|l| l.starts_with("fixed: ")), "{lines:#?}");
    let deal = "deals/brunner-feinmechanik-pilot.md";
    append(&ws, deal, "- 2026-11-24 call: pricing questions\n");
    let (lines, _) = w.settle(&ws);
    assert!(lines[0].starts_with(&format!("{deal}: ")), "{lines:#?}");
}

#[test]
fn an_error_whose_help_alone_changes_with_the_config_is_not_reported_fixed() {
    let ws = Ws::example();
    let deal = "deals/alpenrose-finanz-reporting-hub.md";
    let text = ws.read(deal);
    let start = text.find("\nstage: ").unwrap() + 1;
    let end = start + text[start..].find('\n').unwrap();
    ws.write(
        deal,
        &format!("{}stage: bogus{}", &text[..start], &text[end..]),
    );
    git(ws.path(), &["commit", "-qam", "a bad stage"]);
    let mut w = Watch::start(&ws, 100);
    // A new stage: the error's help lists it, the error itself stays.
    let cfg = ws.read("kith.yaml");
    ws.write(
        "kith.yaml",
        &format!(
            "{cfg}\ndeal_stages: [appointment-scheduled, qualified-to-buy, presentation-scheduled, decision-maker-bought-in, contract-sent, renewal, closed-won, closed-lost]\n"
        ),
    );
    let (lines, _) = w.settle(&ws);
    assert!(lines[0].starts_with("kith.yaml: reloaded; "), "{lines:#?}");
    assert!(
        !lines.iter().any(|l| l.contains(deal)),
        "the unchanged error was reported again: {lines:#?}"
    );
}

#[test]
fn in_the_sharded_layout_records_in_new_shard_folders_are_followed() {
    let ws = Ws::example();
    ws.kith(&["migrate", "--layout", "sharded"]).ok();
    let shard = |id: &str| {
        let mut h: u32 = 0x811c_9dc5;
        for b in id.bytes() {
            h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
        }
        format!("{:02x}/{:x}", h >> 24, (h >> 20) & 0xf)
    };
    let mut w = Watch::start(&ws, 150);
    let ahmed = format!("contacts/{}/ahmed-el-sayed.md", shard("ahmed-el-sayed"));
    append(&ws, &ahmed, "- 2026-11-24 visit: /pricing\n");
    let (lines, _) = w.settle(&ws);
    assert!(
        lines[0].starts_with(&format!("{ahmed}: score")),
        "{lines:#?}"
    );
    // A record whose first-level shard folder does not exist yet: both folders are made,
    // the record is read, and an edit to it afterwards is seen (the new folders are watched).
    let id = (0..)
        .map(|i| format!("new-person-{i}"))
        .find(|id| !ws.file(&format!("contacts/{}", &shard(id)[..2])).exists())
        .unwrap();
    let rel = format!("contacts/{}/{id}.md", shard(&id));
    ws.write(&rel, "---\nname: New Person\nlifecycle: lead\n---\n");
    w.settle(&ws);
    assert!(w.state().contains(&id), "{}", w.state());
    append(&ws, &rel, "- 2026-11-24 visit: /pricing\n");
    let (lines, _) = w.settle(&ws);
    assert!(
        lines.iter().any(|l| l.starts_with(&format!("{rel}: "))),
        "{lines:#?}"
    );
}
