//! `kith sync`, `kith clone`, `kith status`, `kith conflicts` and `kith resolve` between real
//! clones of one shared repository: a bare remote on local disk, or a `git daemon` on
//! 127.0.0.1 serving `git://`.
//!
//! Every scenario ends with the same audit ([`Team::assert_converged`]): all clones hold the
//! same tree and the same files, nothing is left uncommitted, every commit any clone ever had
//! is in the remote's history, the remote's branch only ever moved forward (no force-push) and
//! `git fsck --full` is clean everywhere.

use crate::harness::*;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const KITH: &str = env!("CARGO_BIN_EXE_kith");

const ALICE: usize = 0;
const BOB: usize = 1;
const CAROL: usize = 2;

/// Folder name, git `user.name` and `user.email` of each teammate.
const PEOPLE: [(&str, &str, &str); 3] = [
    ("alice", "Alice", "alice@example.com"),
    ("bob", "Bob", "bob@example.com"),
    ("carol", "Carol", "carol@example.com"),
];

/// Teammate `i`'s folder name.
fn name(i: usize) -> &'static str {
    PEOPLE[i].0
}

/// Runs git in `dir` (no identity forced, unlike [`git`]) and returns its whole output, failing
/// or not.
fn git_out(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .envs(pinned_clock())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("run git")
}

fn rev(dir: &Path, spec: &str) -> String {
    git(dir, &["rev-parse", spec]).trim().to_string()
}

fn upstream(dir: &Path) -> String {
    let out = git_out(dir, &["rev-parse", "--abbrev-ref", "main@{upstream}"]);
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn is_ancestor(dir: &Path, commit: &str, of: &str) -> bool {
    git_out(dir, &["merge-base", "--is-ancestor", commit, of])
        .status
        .success()
}

/// `git fsck --full` reports nothing wrong (dangling objects are not damage).
#[track_caller]
fn assert_fsck_clean(dir: &Path) {
    let out = git_out(dir, &["fsck", "--full", "--no-dangling", "--no-progress"]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && text.trim().is_empty(),
        "git fsck --full in {} is not clean:\n{text}",
        dir.display()
    );
}

/// Every file of a clone outside `.git`, by relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            // git's and kith's own per-clone state (kith's cache holds each clone's file stamps).
            if entry.file_name() == ".git" || entry.file_name() == ".kith" {
                continue;
            }
            if entry.file_type().unwrap().is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// A frontmatter value as written (quotes removed), from the first `key:` line.
fn field(text: &str, key: &str) -> Option<String> {
    let fm = text.strip_prefix("---\n")?.split("\n---\n").next()?;
    fm.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}:")))
        .map(|v| v.trim().trim_matches('"').to_string())
}

/// The entries of the `## Activity` list, one line each (continuation lines dropped).
fn activities(text: &str) -> Vec<String> {
    text.split("\n## Activity\n")
        .nth(1)
        .unwrap_or("")
        .lines()
        .filter(|l| l.starts_with("- "))
        .map(str::to_string)
        .collect()
}

/// The lines of kith's output that talk about one path (`contacts/x.md: ...`).
fn lines_about<'a>(output: &'a str, path: &str) -> Vec<&'a str> {
    output
        .lines()
        .filter(|l| l.starts_with(&format!("{path}:")))
        .collect()
}

/// `kith show ID --format json`'s `fields.tags`, as a set.
fn tags(dir: &Path, id: &str) -> BTreeSet<String> {
    let run = kith_in(dir, &["show", id, "--format", "json"]);
    run.ok();
    run.json()["fields"]["tags"]
        .as_array()
        .unwrap_or_else(|| panic!("{id} has no tags:\n{}", run.stdout))
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect()
}

fn set_of(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// A `git daemon` serving a folder on 127.0.0.1, killed on drop.
///
/// `git daemon` is a wrapper that starts `git-daemon` and waits for it: killing the wrapper
/// would leave `git-daemon` listening after the tests end. So `git-daemon` itself is
/// started, from `git --exec-path`, and is the process killed.
struct Daemon {
    child: Child,
    port: u16,
}

impl Daemon {
    fn start(base: &Path) -> Daemon {
        for _ in 0..5 {
            // A free port: bind to port 0, note the port, let it go.
            let port = TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let exec_path = git(base, &["--exec-path"]);
            let mut child = Command::new(Path::new(exec_path.trim()).join("git-daemon"))
                .arg("--reuseaddr")
                .arg(format!("--base-path={}", base.display()))
                .arg("--export-all")
                .arg("--enable=receive-pack")
                .arg("--listen=127.0.0.1")
                .arg(format!("--port={port}"))
                .arg(base)
                .current_dir(base)
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("HOME", base)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start git daemon");
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if child.try_wait().unwrap().is_some() {
                    break; // the port was taken meanwhile: try another
                }
                if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                    return Daemon { child, port };
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("git daemon did not start");
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether something accepts connections on 127.0.0.1:`port`.
fn listening(port: u16) -> bool {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
}

#[test]
fn the_git_daemon_stops_listening_when_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let daemon = Daemon::start(dir.path());
    let port = daemon.port;
    assert!(listening(port));
    drop(daemon);
    // A killed process's socket closes with it; allow the kernel a moment.
    let deadline = Instant::now() + Duration::from_secs(5);
    while listening(port) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        !listening(port),
        "something still listens on port {port} after the daemon was dropped"
    );
}

#[derive(Clone, Copy)]
enum Transport {
    /// The remote is a bare repository's path on local disk.
    Disk,
    /// The remote is `git://127.0.0.1:PORT/crm.git`, served by `git daemon`.
    GitDaemon,
}

/// A shared bare repository and one clone per teammate, every one of them audited.
struct Team {
    /// Declared first so it is dropped (killed) before its folder is deleted.
    _daemon: Option<Daemon>,
    root: tempfile::TempDir,
    remote: PathBuf,
    url: String,
    clones: Vec<PathBuf>,
    /// Every commit seen in any clone (all refs and reflogs), checked against the final head.
    seen: BTreeSet<String>,
    /// The remote's head after every sync.
    remote_heads: Vec<String>,
}

impl Team {
    /// Alice publishes the example workspace to an empty bare remote with `git remote add` and
    /// `kith sync`; the next `size - 1` teammates join it with `kith clone`.
    fn new(transport: Transport, size: usize) -> Team {
        let root = tempfile::tempdir().expect("temp dir");
        let served = root.path().join("served");
        std::fs::create_dir_all(&served).unwrap();
        git(&served, &["init", "-q", "--bare", "-b", "main", "crm.git"]);
        let remote = served.join("crm.git");
        // A reflog in the bare repository: every head the remote ever had.
        git(&remote, &["config", "core.logAllRefUpdates", "always"]);
        git(&remote, &["config", "receive.autogc", "false"]);
        let (daemon, url) = match transport {
            Transport::Disk => (None, remote.display().to_string()),
            Transport::GitDaemon => {
                let d = Daemon::start(&served);
                let url = format!("git://127.0.0.1:{}/crm.git", d.port);
                (Some(d), url)
            }
        };
        let mut team = Team {
            _daemon: daemon,
            root,
            remote,
            url,
            clones: Vec::new(),
            seen: BTreeSet::new(),
            remote_heads: Vec::new(),
        };
        team.found();
        for i in 1..size {
            team.join(i);
        }
        team
    }

    fn found(&mut self) {
        let dir = alice_with_origin(self.root.path(), &self.url);
        self.clones.push(dir.clone());
        let out = self.sync(ALICE);
        assert!(
            out.contains("published `main` to `origin` and set it as upstream"),
            "{out}"
        );
        assert_eq!(upstream(&dir), "origin/main");
        assert_eq!(rev(&self.remote, "main"), rev(&dir, "HEAD"));
    }

    /// Teammate `i` joins with `kith clone URL DIR`.
    fn join(&mut self, i: usize) {
        let name = name(i);
        let run = kith_in(self.root.path(), &["clone", &self.url, name]);
        run.ok();
        assert!(
            run.stdout
                .contains("cloned; merge driver and pre-commit check installed"),
            "{run:?}"
        );
        let dir = self.root.path().join(name);
        identify(&dir, i);
        assert_merge_driver_registered(&dir);
        assert_eq!(status(&dir), "", "a fresh clone has nothing to commit");
        assert_eq!(upstream(&dir), "origin/main");
        assert_eq!(rev(&dir, "HEAD"), rev(&self.remote, "main"));
        self.clones.push(dir);
    }

    fn dir(&self, i: usize) -> &Path {
        &self.clones[i]
    }

    fn file(&self, i: usize, rel: &str) -> PathBuf {
        self.clones[i].join(rel)
    }

    fn read(&self, i: usize, rel: &str) -> String {
        std::fs::read_to_string(self.file(i, rel))
            .unwrap_or_else(|e| panic!("{}: reading {rel}: {e}", name(i)))
    }

    /// Runs kith in clone `i` and asserts it succeeded.
    #[track_caller]
    fn kith(&self, i: usize, args: &[&str]) -> Run {
        let run = kith_in(self.dir(i), args);
        assert_eq!(
            run.code,
            0,
            "{}: `kith {}` failed\nstdout:\n{}\nstderr:\n{}",
            name(i),
            args.join(" "),
            run.stdout,
            run.stderr
        );
        run
    }

    /// `kith sync` in clone `i`, which must succeed; returns stdout and stderr together.
    #[track_caller]
    fn sync(&mut self, i: usize) -> String {
        let run = kith_in(self.dir(i), &["sync"]);
        self.record_clone(i);
        self.record_remote();
        assert_eq!(
            run.code,
            0,
            "{}: `kith sync` failed\nstdout:\n{}\nstderr:\n{}",
            name(i),
            run.stdout,
            run.stderr
        );
        format!("{}{}", run.stdout, run.stderr)
    }

    /// Notes every commit any clone can reach from a ref or a reflog, and the remote's head.
    fn record(&mut self) {
        for i in 0..self.clones.len() {
            self.record_clone(i);
        }
        self.record_remote();
    }

    /// Notes every commit clone `i` can reach from a ref or a reflog.
    fn record_clone(&mut self, i: usize) {
        let out = git(&self.clones[i], &["rev-list", "--all", "--reflog"]);
        self.seen.extend(out.lines().map(str::to_string));
    }

    /// Notes the remote's head.
    fn record_remote(&mut self) {
        let head = git_out(&self.remote, &["rev-parse", "--verify", "-q", "main"]);
        if head.status.success() {
            let head = String::from_utf8_lossy(&head.stdout).trim().to_string();
            if self.remote_heads.last() != Some(&head) {
                self.remote_heads.push(head);
            }
        }
    }

    /// Syncs Alice, Carol, then Bob (the order every scenario below is written for) and
    /// returns what each sync said.
    fn first_round(&mut self) -> Round {
        let alice = self.sync(ALICE);
        let carol = self.sync(CAROL);
        let bob = self.sync(BOB);
        Round { alice, bob, carol }
    }

    /// Syncs every clone, round after round, until a whole round has nothing to do.
    #[track_caller]
    fn settle(&mut self) {
        let mut said = Vec::new();
        for _ in 0..5 {
            said.clear();
            for i in 0..self.clones.len() {
                let out = self.sync(i);
                said.push(format!("{}:\n{out}", name(i)));
            }
            // "already up to date" is said only when nothing was committed, fetched or
            // pushed (warnings about the workspace may follow it).
            if said
                .iter()
                .all(|out| out.lines().any(|l| l == "sync: already up to date"))
            {
                return;
            }
        }
        panic!(
            "the clones were still changing after five rounds of `kith sync`; the last round:\n{}",
            said.join("\n")
        );
    }

    /// The audit every scenario ends with.
    #[track_caller]
    fn assert_converged(&mut self) {
        self.record();
        let head = rev(&self.remote, "main");
        let tree = rev(&self.remote, "main^{tree}");
        let reference = files(self.dir(0));
        for (i, dir) in self.clones.iter().enumerate() {
            let who = name(i);
            assert_eq!(
                rev(dir, "HEAD"),
                head,
                "{who}'s HEAD is not the remote's head"
            );
            assert_eq!(rev(dir, "HEAD^{tree}"), tree, "{who}'s tree differs");
            // The index as kith left it, before `git status` refreshes it.
            assert_index_knows_its_tree(dir, who);
            assert_eq!(status(dir), "", "{who} has uncommitted changes");
            let mine = files(dir);
            let differing: Vec<&String> = reference
                .keys()
                .chain(mine.keys())
                .filter(|k| reference.get(*k) != mine.get(*k))
                .collect();
            assert!(
                differing.is_empty(),
                "{who}'s files differ from alice's: {differing:?}"
            );
            assert_fsck_clean(dir);
        }
        assert_fsck_clean(&self.remote);
        // No commit lost: everything any clone ever had is in the published history.
        let history = git(&self.remote, &["rev-list", "main"]);
        let history: BTreeSet<&str> = history.lines().collect();
        let lost: Vec<&String> = self
            .seen
            .iter()
            .filter(|c| !history.contains(c.as_str()))
            .collect();
        assert!(
            lost.is_empty(),
            "commits not in the remote's history: {lost:?}"
        );
        // Never a force-push: every head the remote ever had is an ancestor of its head now.
        let reflog = git(&self.remote, &["reflog", "show", "--format=%H", "main"]);
        let earlier: BTreeSet<&str> = reflog
            .lines()
            .chain(self.remote_heads.iter().map(String::as_str))
            .collect();
        assert!(!earlier.is_empty(), "the remote's reflog is empty");
        for c in earlier {
            assert!(
                history.contains(c),
                "the remote's head {c} was overwritten: a force-push"
            );
        }
    }
}

/// What each teammate's first sync said.
struct Round {
    alice: String,
    bob: String,
    carol: String,
}

/// The teammate's git identity, in the clone's own config; and no background `git
/// maintenance` (it only costs time here, and could still be writing when the test ends).
fn identify(dir: &Path, i: usize) {
    git(dir, &["config", "user.name", PEOPLE[i].1]);
    git(dir, &["config", "user.email", PEOPLE[i].2]);
    git(dir, &["config", "maintenance.auto", "false"]);
    git(dir, &["config", "gc.auto", "0"]);
}

#[track_caller]
fn assert_merge_driver_registered(dir: &Path) {
    let driver = git_out(dir, &["config", "--get", "merge.kith.driver"]);
    assert!(
        driver.status.success() && !driver.stdout.trim_ascii().is_empty(),
        "merge.kith.driver is not set in {}",
        dir.display()
    );
    let attributes = std::fs::read_to_string(dir.join(".gitattributes"))
        .expect("the clone has a .gitattributes");
    for kind in ["contacts", "companies", "deals"] {
        assert!(
            attributes
                .lines()
                .any(|l| l.trim() == format!("{kind}/*.md merge=kith")),
            "{attributes}"
        );
    }
    let attr = git(
        dir,
        &["check-attr", "merge", "--", "contacts/ben-carver.md"],
    );
    assert_eq!(attr.trim(), "contacts/ben-carver.md: merge: kith");
}

// --- The scenarios: edits made in the clones before anyone syncs, then what must hold. ---

/// One record, different fields: Alice promotes, Bob sets the phone and logs a call, Carol
/// sets the title and logs a meeting.
fn edit_different_fields(team: &Team) {
    team.kith(ALICE, &["promote", "ahmed-el-sayed"]);
    team.kith(BOB, &["set", "ahmed-el-sayed", "phone=+49 30 1234567"]);
    team.kith(
        BOB,
        &[
            "log",
            "ahmed-el-sayed",
            "call",
            "talked about the renewal",
            "--date",
            "2026-11-20",
            "--by",
            "sam",
        ],
    );
    team.kith(CAROL, &["set", "ahmed-el-sayed", "title=Head of Data"]);
    team.kith(
        CAROL,
        &[
            "log",
            "ahmed-el-sayed",
            "meeting",
            "met at the insurance summit",
            "--date",
            "2026-11-10",
            "--by",
            "jonas",
        ],
    );
}

fn check_different_fields(team: &Team, round: &Round) {
    let path = "contacts/ahmed-el-sayed.md";
    for out in [&round.carol, &round.bob] {
        assert_eq!(
            lines_about(out, path),
            [format!("{path}: merged field by field")],
            "{out}"
        );
    }
    let text = team.read(ALICE, path);
    assert_eq!(field(&text, "lifecycle").as_deref(), Some("mql"), "{text}");
    assert_eq!(field(&text, "lifecycle_changed").as_deref(), Some(TODAY));
    assert_eq!(field(&text, "phone").as_deref(), Some("+49 30 1234567"));
    assert_eq!(field(&text, "title").as_deref(), Some("Head of Data"));
    assert_eq!(
        field(&text, "email").as_deref(),
        Some("ahmed.elsayed@rheintal-versicherung.example")
    );
    assert!(!text.contains("conflicts:"), "{text}");
    assert_eq!(
        activities(&text),
        [
            "- 2026-09-30 email @jonas: quarterly nurture, \"Reporting for insurers\"",
            "- 2026-10-01 visit: /blog/pipelines-without-tears",
            "- 2026-11-10 meeting @jonas: met at the insurance summit",
            "- 2026-11-20 call @sam: talked about the renewal",
            "- 2026-11-25 stage: lead → mql",
        ],
        "{text}"
    );
}

/// One field, two values: Alice and Carol set Charlotte's title differently; Bob logs an
/// e-mail to her meanwhile.
fn edit_same_field(team: &Team) {
    team.kith(ALICE, &["set", "charlotte-dubois", "title=Head of BI"]);
    team.kith(CAROL, &["set", "charlotte-dubois", "title=Directrice Data"]);
    team.kith(
        BOB,
        &[
            "log",
            "charlotte-dubois",
            "email",
            "sent the pharmacy case study",
            "--date",
            "2026-11-20",
            "--by",
            "jonas",
        ],
    );
}

/// The conflict is listed everywhere, `kith check` warns but passes, and `kith resolve` in
/// one clone ends it for everyone.
fn check_same_field(team: &mut Team, round: &Round) {
    let path = "contacts/charlotte-dubois.md";
    assert_eq!(
        lines_about(&round.carol, path),
        [format!(
            "{path}: merged field by field; conflicts kept in the file: title"
        )],
        "{}",
        round.carol
    );
    assert!(
        round
            .carol
            .contains("unresolved conflicts; `kith conflicts` lists them"),
        "{}",
        round.carol
    );
    for i in 0..team.clones.len() {
        let who = name(i);
        let text = team.read(i, path);
        // Ours (Carol's, who merged) stays in place; the e-mail Bob logged is there too.
        assert_eq!(
            field(&text, "title").as_deref(),
            Some("Directrice Data"),
            "{text}"
        );
        assert!(
            activities(&text)
                .contains(&"- 2026-11-20 email @jonas: sent the pharmacy case study".to_string()),
            "{text}"
        );
        let list = team.kith(i, &["conflicts", "--format", "json"]).json();
        let list = list.as_array().expect("a JSON array");
        let mine: Vec<&serde_json::Value> = list
            .iter()
            .filter(|c| c["id"] == "charlotte-dubois")
            .collect();
        assert_eq!(mine.len(), 1, "{who}: {list:?}");
        let c = mine[0];
        assert_eq!(c["path"], path);
        assert_eq!(c["field"], "title");
        assert_eq!(c["ours"], "Directrice Data");
        assert_eq!(c["theirs"], "Head of BI");
        assert_eq!(c["who"], "Alice", "their side is Alice's commit: {c}");
        assert!(c["when"].as_str().is_some_and(|w| w.len() == 10), "{c}");
    }
    // The other views, in a clone that got the conflict by fast-forward.
    {
        let i = ALICE;
        let table = team.kith(i, &["conflicts"]).stdout;
        assert!(
            table
                .lines()
                .any(|l| l.contains(path) && l.contains("title")),
            "{table}"
        );
        let st = team.kith(i, &["status"]).stdout;
        assert!(st.contains("Unresolved conflicts in"), "{st}");
        assert!(st.contains(&format!("  {path}\n")), "{st}");
        // A warning, not an error: the workspace still passes.
        let check = kith_in(team.dir(i), &["check"]);
        assert_eq!(check.code, 0, "{check:?}");
        let said = format!("{}{}", check.stdout, check.stderr);
        assert!(
            said.lines().any(|l| l.starts_with(path)
                && l.contains("warning")
                && l.contains("[unresolved-conflict]")),
            "{said}"
        );
    }
    let run = team.kith(
        BOB,
        &[
            "resolve",
            "charlotte-dubois",
            "--field",
            "title",
            "--take",
            "theirs",
        ],
    );
    assert!(run.stdout.contains("`title` resolved"), "{run:?}");
    let text = team.read(BOB, path);
    assert_eq!(
        field(&text, "title").as_deref(),
        Some("Head of BI"),
        "{text}"
    );
    assert!(!text.contains("conflicts:"), "{text}");
    team.settle();
    team.assert_converged();
    for i in 0..team.clones.len() {
        let text = team.read(i, path);
        assert_eq!(
            field(&text, "title").as_deref(),
            Some("Head of BI"),
            "{text}"
        );
        let list = team.kith(i, &["conflicts", "--format", "json"]).json();
        assert!(
            !list
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == "charlotte-dubois"),
            "{list}"
        );
    }
    let check = kith_in(team.dir(CAROL), &["check"]);
    assert!(
        !format!("{}{}", check.stdout, check.stderr).contains(path),
        "{check:?}"
    );
}

/// Delete against edit, both ways round: Alice deletes the spam bot and edits Jessica; Carol
/// tags the spam bot and deletes Jessica.
fn edit_delete_vs_edit(team: &Team) {
    std::fs::remove_file(team.file(ALICE, "contacts/asdfgh-qwerty.md")).unwrap();
    team.kith(ALICE, &["set", "jessica-moreno", "country=PT"]);
    team.kith(CAROL, &["tag", "asdfgh-qwerty", "+bot"]);
    std::fs::remove_file(team.file(CAROL, "contacts/jessica-moreno.md")).unwrap();
}

fn check_delete_vs_edit(team: &Team, round: &Round) {
    for id in ["asdfgh-qwerty", "jessica-moreno"] {
        assert!(
            round.carol.contains(&format!(
                "{id} was deleted on one side and edited on the other; kept the edited record"
            )),
            "{id}: {}",
            round.carol
        );
    }
    for i in 0..team.clones.len() {
        let bot = team.read(i, "contacts/asdfgh-qwerty.md");
        assert_eq!(field(&bot, "tags").as_deref(), Some("[spam, bot]"), "{bot}");
        let jessica = team.read(i, "contacts/jessica-moreno.md");
        assert_eq!(
            field(&jessica, "country").as_deref(),
            Some("PT"),
            "{jessica}"
        );
    }
}

/// Alice and Bob both add Grace Hopper, with the same e-mail and different other fields.
fn edit_same_new_person(team: &Team) {
    let email = "email=grace.hopper@navy.example";
    team.kith(
        ALICE,
        &[
            "new",
            "contact",
            "Grace Hopper",
            "--set",
            email,
            "--set",
            "title=Rear Admiral",
        ],
    );
    team.kith(
        BOB,
        &[
            "new",
            "contact",
            "Grace Hopper",
            "--set",
            email,
            "--set",
            "phone=+1 202 555 0199",
        ],
    );
}

fn check_same_new_person(team: &Team, round: &Round) {
    let path = "contacts/grace-hopper.md";
    assert_eq!(
        lines_about(&round.bob, path),
        [format!("{path}: merged field by field")],
        "{}",
        round.bob
    );
    for i in 0..team.clones.len() {
        let text = team.read(i, path);
        assert_eq!(field(&text, "name").as_deref(), Some("Grace Hopper"));
        assert_eq!(
            field(&text, "email").as_deref(),
            Some("grace.hopper@navy.example")
        );
        assert_eq!(
            field(&text, "title").as_deref(),
            Some("Rear Admiral"),
            "{text}"
        );
        assert_eq!(
            field(&text, "phone").as_deref(),
            Some("+1 202 555 0199"),
            "{text}"
        );
        assert!(!text.contains("conflicts:"), "{text}");
        assert!(!team.file(i, "contacts/grace-hopper-2.md").exists());
        let holders: Vec<String> = files(team.dir(i))
            .into_iter()
            .filter(|(_, bytes)| {
                String::from_utf8_lossy(bytes).contains("grace.hopper@navy.example")
            })
            .map(|(p, _)| p)
            .collect();
        assert_eq!(holders, [path], "one record for one person");
    }
}

/// Carol and Bob each add a different Alan Turing.
fn edit_same_new_id_different_people(team: &Team) {
    team.kith(
        CAROL,
        &[
            "new",
            "contact",
            "Alan Turing",
            "--set",
            "email=turing@manchester.example",
        ],
    );
    team.kith(
        BOB,
        &[
            "new",
            "contact",
            "Alan Turing",
            "--set",
            "email=alan@bletchley.example",
        ],
    );
}

fn check_same_new_id_different_people(team: &Team, round: &Round) {
    // Bob merged: his Alan keeps the id, Carol's (theirs) gets a new one and is flagged.
    let notes = lines_about(&round.bob, "contacts/alan-turing-2.md");
    assert!(
        notes.len() == 1 && notes[0].contains("possible duplicate"),
        "{}",
        round.bob
    );
    for i in 0..team.clones.len() {
        let first = team.read(i, "contacts/alan-turing.md");
        let second = team.read(i, "contacts/alan-turing-2.md");
        assert_eq!(field(&first, "name").as_deref(), Some("Alan Turing"));
        assert_eq!(field(&second, "name").as_deref(), Some("Alan Turing"));
        assert_eq!(
            field(&first, "email").as_deref(),
            Some("alan@bletchley.example")
        );
        assert_eq!(
            field(&second, "email").as_deref(),
            Some("turing@manchester.example")
        );
        assert!(!team.file(i, "contacts/alan-turing-3.md").exists());
    }
}

/// Tags: Alice adds one, Carol another, Bob removes one.
fn edit_tags(team: &Team) {
    team.kith(ALICE, &["tag", "ben-carver", "+enterprise"]);
    team.kith(CAROL, &["tag", "ben-carver", "+q1-target"]);
    team.kith(BOB, &["tag", "ben-carver", "-north-america"]);
}

fn check_tags(team: &Team) {
    for i in 0..team.clones.len() {
        assert_eq!(
            tags(team.dir(i), "ben-carver"),
            set_of(&["retail", "enterprise", "q1-target"]),
            "{}",
            name(i)
        );
        assert!(
            !team
                .read(i, "contacts/ben-carver.md")
                .contains("conflicts:")
        );
    }
}

/// One lifecycle, two moves: Alice promotes Noor to MQL, Carol straight to SQL.
fn edit_lifecycle_both_sides(team: &Team) {
    team.kith(ALICE, &["promote", "noor-hassan"]);
    team.kith(CAROL, &["promote", "noor-hassan", "sql"]);
}

fn check_lifecycle_both_sides(team: &Team, round: &Round) {
    let path = "contacts/noor-hassan.md";
    assert_eq!(
        lines_about(&round.carol, path),
        [format!(
            "{path}: merged field by field; lifecycle: kept the more advanced `sql`, not `mql`"
        )],
        "{}",
        round.carol
    );
    let text = team.read(ALICE, path);
    assert_eq!(field(&text, "lifecycle").as_deref(), Some("sql"), "{text}");
    assert_eq!(field(&text, "lifecycle_changed").as_deref(), Some(TODAY));
    assert!(!text.contains("conflicts:"), "{text}");
    let entries = activities(&text);
    for stage in ["lead → mql", "lead → sql"] {
        let entry = format!("- {TODAY} stage: {stage}");
        assert_eq!(
            entries.iter().filter(|e| **e == entry).count(),
            1,
            "{entry}: {text}"
        );
    }
}

const DANA: &str = "contacts/dana-whitfield.md";
const DANA_LINE: &str = "call with Fiona Gallagher on 17 November settled most of the rest.";

/// The same line of Dana's notes, rewritten by Bob and by Carol.
fn edit_body_both_sides(team: &Team) {
    for (i, line) in [
        (
            BOB,
            "call with Fiona Gallagher on 17 November settled most of the rest; security review due 3 December.",
        ),
        (
            CAROL,
            "call with Fiona Gallagher on 17 November settled the rest; legal next.",
        ),
    ] {
        let text = team.read(i, DANA);
        assert!(text.contains(DANA_LINE));
        std::fs::write(team.file(i, DANA), text.replace(DANA_LINE, line)).unwrap();
    }
}

/// Bob merged: his line stays, Carol's follows in a quote that names her; nothing else in the
/// record moves.
fn check_body_both_sides(team: &Team, round: &Round) {
    assert_eq!(
        lines_about(&round.bob, DANA),
        [format!("{DANA}: merged field by field")],
        "{}",
        round.bob
    );
    let text = team.read(ALICE, DANA);
    assert!(
        !text.contains("<<<<<<<") && !text.contains(">>>>>>>"),
        "{text}"
    );
    let lines: Vec<&str> = text.lines().collect();
    let ours = lines
        .iter()
        .position(|l| {
            *l == "call with Fiona Gallagher on 17 November settled most of the rest; security review due 3 December."
        })
        .unwrap_or_else(|| panic!("our line is gone:\n{text}"));
    assert_eq!(lines[ours + 1], "", "{text}");
    assert!(
        lines[ours + 2].starts_with("> **Their version** (Carol, ")
            && lines[ours + 2].ends_with("):"),
        "{text}"
    );
    assert_eq!(
        lines[ours + 3],
        "> call with Fiona Gallagher on 17 November settled the rest; legal next.",
        "{text}"
    );
    let original = std::fs::read_to_string(repo_path("example-workspace").join(DANA)).unwrap();
    assert_eq!(
        text.split("\n## Activity\n").nth(1),
        original.split("\n## Activity\n").nth(1),
        "the activity log is untouched"
    );
    assert!(
        text.starts_with(original.split("\ncall with").next().unwrap()),
        "{text}"
    );
}

/// Three teammates make edits, sync Alice, Carol, Bob, then until quiet, and are audited.
fn concurrently(transport: Transport, edit: fn(&Team)) -> (Team, Round) {
    let mut team = Team::new(transport, 3);
    edit(&team);
    let round = team.first_round();
    team.settle();
    team.assert_converged();
    (team, round)
}

// --- Starting ---

#[test]
fn sync_publishes_to_an_empty_bare_remote_and_kith_clone_gives_a_working_clone() {
    let root = Ws::empty();
    let remote = root.path().join("crm.git");
    git(
        root.path(),
        &["init", "-q", "--bare", "-b", "main", "crm.git"],
    );
    let alice = root.path().join("alice");
    copy_dir(&repo_path("example-workspace"), &alice);
    git(&alice, &["init", "-q", "-b", "main"]);
    identify(&alice, ALICE);
    git(&alice, &["add", "-A"]);
    git(&alice, &["commit", "-q", "-m", "example"]);
    // No remote yet: sync says how to add one.
    let run = kith_in(&alice, &["sync"]);
    assert!(
        run.fails(1).contains("git remote add origin URL"),
        "{run:?}"
    );
    let url = remote.display().to_string();
    git(&alice, &["remote", "add", "origin", &url]);
    let out = kith_in(&alice, &["sync"]).ok().to_string();
    assert_eq!(
        out,
        "sync: published `main` to `origin` and set it as upstream\n"
    );
    assert_eq!(upstream(&alice), "origin/main");
    assert_eq!(rev(&remote, "main"), rev(&alice, "HEAD"));

    let run = kith_in(root.path(), &["clone", &url, "bob"]);
    run.ok();
    let bob = root.path().join("bob");
    assert_a_working_clone(&bob, &remote, &alice);
    assert_eq!(rev(&alice, "HEAD"), rev(&bob, "HEAD"));
    let text = std::fs::read_to_string(alice.join("contacts/ahmed-el-sayed.md")).unwrap();
    assert_eq!(field(&text, "lifecycle").as_deref(), Some("mql"));
    assert_eq!(status(&alice), "");
    assert_eq!(status(&bob), "");
    assert_fsck_clean(&remote);
}

/// A bare `crm.git` in `dir` made where git's default branch is `master` (its HEAD names
/// `master`, which nobody will push), and Alice's workspace beside it
/// ([`alice_with_origin`]).
fn master_remote_and_alice(dir: &Path, url: &str) -> PathBuf {
    git(
        dir,
        &[
            "-c",
            "init.defaultBranch=master",
            "init",
            "-q",
            "--bare",
            "crm.git",
        ],
    );
    alice_with_origin(dir, url)
}

/// Alice's folder in `dir`: the example workspace committed on `main` with the merge driver
/// installed, and `url` as its `origin`.
/// A bare repository `crm.git` in `dir`, on `main`: its path, as a remote's URL.
fn bare_remote(dir: &Path) -> String {
    git(dir, &["init", "-q", "--bare", "-b", "main", "crm.git"]);
    dir.join("crm.git").display().to_string()
}

fn alice_with_origin(dir: &Path, url: &str) -> PathBuf {
    let alice = dir.join(name(ALICE));
    copy_dir(&repo_path("example-workspace"), &alice);
    git(&alice, &["init", "-q", "-b", "main"]);
    identify(&alice, ALICE);
    kith_in(&alice, &["install-merge-driver"]).ok();
    git(&alice, &["add", "-A"]);
    git(&alice, &["commit", "-q", "-m", "example"]);
    git(&alice, &["remote", "add", "origin", url]);
    alice
}

/// The branch the remote's HEAD names.
fn remote_head(remote: &Path) -> String {
    git(remote, &["symbolic-ref", "HEAD"]).trim().to_string()
}

#[test]
fn clone_checks_out_main_when_the_remote_head_names_a_branch_never_pushed() {
    let root = Ws::empty();
    let served = root.path().join("served");
    std::fs::create_dir_all(&served).unwrap();
    let daemon = Daemon::start(&served);
    let url = format!("git://127.0.0.1:{}/crm.git", daemon.port);
    let alice = master_remote_and_alice(&served, &url);
    let remote = served.join("crm.git");
    let out = kith_in(&alice, &["sync"]).ok().to_string();
    assert_eq!(
        out,
        "sync: published `main` to `origin` and set it as upstream\n"
    );
    // Over the network the remote's HEAD is the server's business: still `master`.
    assert_eq!(remote_head(&remote), "refs/heads/master");

    let run = kith_in(root.path(), &["clone", &url, "bob"]);
    assert_eq!(
        run.ok(),
        "bob: checked out `main`, the branch that holds the workspace (the remote's HEAD names \
         `master`, which was never pushed)\n\
         bob: cloned; merge driver and pre-commit check installed\n"
    );
    assert_eq!(run.stderr, "");
    let bob = root.path().join("bob");
    assert_eq!(status(&bob), "", "a fresh clone has nothing to commit");
    assert_a_working_clone(&bob, &remote, &alice);
}

/// Bob's fresh clone of `remote` is a working one: the workspace on `main`, tracking the
/// remote's, the merge driver registered; his change reaches Alice.
#[track_caller]
fn assert_a_working_clone(bob: &Path, remote: &Path, alice: &Path) {
    identify(bob, BOB);
    assert!(bob.join("kith.yaml").is_file());
    assert_merge_driver_registered(bob);
    assert_eq!(rev(bob, "HEAD"), rev(remote, "main"));
    assert_eq!(upstream(bob), "origin/main");
    kith_in(bob, &["promote", "ahmed-el-sayed"]).ok();
    let out = kith_in(bob, &["sync"]).ok().to_string();
    assert!(out.contains("sync: pushed to origin/main"), "{out}");
    let out = kith_in(alice, &["sync"]).ok().to_string();
    assert!(out.contains("fast-forwarded to origin/main"), "{out}");
    assert_eq!(rev(alice, "HEAD"), rev(bob, "HEAD"));
}

#[test]
fn the_first_sync_to_a_bare_remote_on_disk_points_its_head_at_the_published_branch() {
    let root = Ws::empty();
    let remote = root.path().join("crm.git");
    let url = remote.display().to_string();
    let alice = master_remote_and_alice(root.path(), &url);
    let out = kith_in(&alice, &["sync"]).ok().to_string();
    assert_eq!(
        out,
        "sync: published `main` to `origin` and set it as upstream; the remote's HEAD now names \
         `main`, so a clone checks it out\n"
    );
    assert_eq!(remote_head(&remote), "refs/heads/main");
    // Plain git clones it too now.
    git(root.path(), &["clone", "-q", &url, "plain"]);
    assert!(root.path().join("plain/kith.yaml").is_file());
    let run = kith_in(root.path(), &["clone", &url, "bob"]);
    assert_eq!(
        run.ok(),
        "bob: cloned; merge driver and pre-commit check installed\n"
    );
    assert_eq!(upstream(&root.path().join("bob")), "origin/main");
    // A HEAD that names a branch which exists is the owner's choice: never moved.
    git(&alice, &["push", "-q", "origin", "main:refs/heads/archive"]);
    git(&remote, &["symbolic-ref", "HEAD", "refs/heads/archive"]);
    git(&alice, &["switch", "-q", "-c", "other"]);
    git(&alice, &["commit", "-q", "--allow-empty", "-m", "other"]);
    let out = kith_in(&alice, &["sync"]).ok().to_string();
    assert_eq!(
        out,
        "sync: published `other` to `origin` and set it as upstream\n"
    );
    assert_eq!(remote_head(&remote), "refs/heads/archive");
}

#[test]
fn clone_of_a_remote_whose_head_names_no_branch_takes_the_only_one_or_asks_for_branch() {
    let root = Ws::empty();
    let remote = root.path().join("crm.git");
    let url = remote.display().to_string();
    // Published with plain git: the remote's HEAD still names `master`.
    let alice = master_remote_and_alice(root.path(), &url);
    git(&alice, &["push", "-q", "origin", "main:refs/heads/crm-a"]);
    assert_eq!(remote_head(&remote), "refs/heads/master");

    // The only branch.
    let run = kith_in(root.path(), &["clone", &url, "carol"]);
    assert!(
        run.ok()
            .starts_with("carol: checked out `crm-a`, the branch that holds the workspace"),
        "{run:?}"
    );
    let carol = root.path().join("carol");
    assert!(carol.join("kith.yaml").is_file());
    assert_eq!(
        git(&carol, &["rev-parse", "--abbrev-ref", "crm-a@{upstream}"]).trim(),
        "origin/crm-a"
    );

    // Several branches, none of them `main`: kith asks, and leaves no folder behind.
    git(&alice, &["push", "-q", "origin", "main:refs/heads/crm-b"]);
    let run = kith_in(root.path(), &["clone", &url, "bob"]);
    let err = run.fails(1);
    assert!(
        err.contains("several branches (crm-a, crm-b)")
            && err.contains(&format!("kith clone {url} --branch NAME"))
            && err.contains("nothing was left behind"),
        "{err}"
    );
    assert_eq!(run.stdout, "");
    assert!(!root.path().join("bob").exists());
    // An empty folder given as the destination stays, empty.
    std::fs::create_dir(root.path().join("empty")).unwrap();
    kith_in(root.path(), &["clone", &url, "empty"]).fails(1);
    assert_eq!(
        std::fs::read_dir(root.path().join("empty"))
            .unwrap()
            .count(),
        0
    );

    // --branch says which.
    let run = kith_in(root.path(), &["clone", &url, "bob", "--branch", "crm-b"]);
    assert_eq!(
        run.ok(),
        "bob: cloned; merge driver and pre-commit check installed\n"
    );
    let bob = root.path().join("bob");
    assert_eq!(
        git(&bob, &["rev-parse", "--abbrev-ref", "HEAD"]).trim(),
        "crm-b"
    );
    assert_eq!(
        git(&bob, &["rev-parse", "--abbrev-ref", "crm-b@{upstream}"]).trim(),
        "origin/crm-b"
    );
    assert_eq!(status(&bob), "");
    // A branch that is not there: git's error, and no folder.
    let run = kith_in(root.path(), &["clone", &url, "dave", "--branch", "nope"]);
    assert!(run.fails(1).contains("nope"), "{run:?}");
    assert!(!root.path().join("dave").exists());
}

#[test]
fn clone_of_a_repository_without_a_workspace_fails_and_leaves_nothing() {
    let root = Ws::empty();
    let other = root.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("README.md"), "Not a CRM.\n").unwrap();
    init_and_commit(&other, "readme");
    let url = other.display().to_string();
    let run = kith_in(root.path(), &["clone", &url, "bob"]);
    let err = run.fails(1);
    assert!(
        err.contains("has no kith.yaml on branch `main`")
            && err.contains("--branch NAME")
            && err.contains("nothing was left behind"),
        "{err}"
    );
    assert!(!root.path().join("bob").exists());
    // An empty remote: nothing to clone yet, and how to publish one.
    git(
        root.path(),
        &["init", "-q", "--bare", "-b", "main", "empty.git"],
    );
    let url = root.path().join("empty.git").display().to_string();
    let run = kith_in(root.path(), &["clone", &url, "carol"]);
    assert!(run.fails(1).contains("is empty"), "{run:?}");
    assert!(!root.path().join("carol").exists());
}

#[test]
fn with_several_remotes_sync_asks_which_and_remote_publishes_there() {
    let root = Ws::empty();
    for name in ["crm.git", "backup.git"] {
        git(root.path(), &["init", "-q", "--bare", "-b", "main", name]);
    }
    let alice = root.path().join("alice");
    copy_dir(&repo_path("example-workspace"), &alice);
    git(&alice, &["init", "-q", "-b", "main"]);
    identify(&alice, ALICE);
    git(&alice, &["add", "-A"]);
    git(&alice, &["commit", "-q", "-m", "example"]);
    for (name, dir) in [("origin", "crm.git"), ("backup", "backup.git")] {
        let url = root.path().join(dir).display().to_string();
        git(&alice, &["remote", "add", name, &url]);
    }
    let run = kith_in(&alice, &["sync"]);
    assert!(run.fails(1).contains("kith sync --remote NAME"), "{run:?}");
    let run = kith_in(&alice, &["sync", "--remote", "nowhere"]);
    assert!(
        run.fails(1).contains("there is no remote `nowhere`"),
        "{run:?}"
    );
    let out = kith_in(&alice, &["sync", "--remote", "backup"])
        .ok()
        .to_string();
    assert!(out.contains("published `main` to `backup`"), "{out}");
    assert_eq!(upstream(&alice), "backup/main");
    assert_eq!(
        rev(&root.path().join("backup.git"), "main"),
        rev(&alice, "HEAD")
    );
    let origin = git_out(
        &root.path().join("crm.git"),
        &["rev-parse", "--verify", "-q", "main"],
    );
    assert!(!origin.status.success(), "nothing was pushed to origin");
    // From now on the upstream decides: no --remote needed.
    let out = kith_in(&alice, &["sync"]).ok().to_string();
    assert_eq!(out, "sync: already up to date\n");
}

// --- Three clones editing concurrently, over a bare remote on disk ---

#[test]
fn same_record_different_fields_merge_field_by_field() {
    let (team, round) = concurrently(Transport::Disk, edit_different_fields);
    check_different_fields(&team, &round);
}

#[test]
fn same_field_different_values_is_a_conflict_listed_warned_and_resolved() {
    let (mut team, round) = concurrently(Transport::Disk, edit_same_field);
    check_same_field(&mut team, &round);
}

#[test]
fn delete_vs_edit_keeps_the_edit_and_says_so() {
    let (team, round) = concurrently(Transport::Disk, edit_delete_vs_edit);
    // Alice's commit says she deleted someone.
    assert!(
        round
            .alice
            .contains("committed: kith: jessica-moreno country ES→PT; -1 contact\n"),
        "{}",
        round.alice
    );
    check_delete_vs_edit(&team, &round);
}

#[test]
fn same_new_id_with_the_same_email_merges_into_one_record() {
    let (team, round) = concurrently(Transport::Disk, edit_same_new_person);
    check_same_new_person(&team, &round);
}

#[test]
fn same_new_id_for_different_people_keeps_both_and_flags_a_possible_duplicate() {
    let (team, round) = concurrently(Transport::Disk, edit_same_new_id_different_people);
    check_same_new_id_different_people(&team, &round);
}

#[test]
fn tags_added_and_removed_on_different_sides_merge_as_sets() {
    let (team, _) = concurrently(Transport::Disk, edit_tags);
    check_tags(&team);
}

#[test]
fn lifecycle_moved_on_both_sides_takes_the_more_advanced_stage() {
    let (team, round) = concurrently(Transport::Disk, edit_lifecycle_both_sides);
    check_lifecycle_both_sides(&team, &round);
}

#[test]
fn notes_changed_on_both_sides_keep_ours_and_quote_theirs() {
    let (team, round) = concurrently(Transport::Disk, edit_body_both_sides);
    check_body_both_sides(&team, &round);
}

fn every_edit(team: &Team) {
    edit_different_fields(team);
    edit_same_field(team);
    edit_delete_vs_edit(team);
    edit_same_new_person(team);
    edit_same_new_id_different_people(team);
    edit_tags(team);
    edit_lifecycle_both_sides(team);
    edit_body_both_sides(team);
}

fn check_every_edit(transport: Transport) {
    let (mut team, round) = concurrently(transport, every_edit);
    check_different_fields(&team, &round);
    check_delete_vs_edit(&team, &round);
    check_same_new_person(&team, &round);
    check_same_new_id_different_people(&team, &round);
    check_tags(&team);
    check_lifecycle_both_sides(&team, &round);
    check_body_both_sides(&team, &round);
    check_same_field(&mut team, &round);
}

#[test]
fn three_clones_with_every_kind_of_concurrent_edit_converge_over_a_bare_remote_on_disk() {
    check_every_edit(Transport::Disk);
}

#[test]
fn three_clones_with_every_kind_of_concurrent_edit_converge_over_git_daemon() {
    check_every_edit(Transport::GitDaemon);
}

// --- Push races ---

#[test]
fn blame_after_a_field_by_field_merge_names_the_commit_and_author_of_every_value() {
    let mut team = Team::new(Transport::Disk, 2);
    let example = rev(team.dir(ALICE), "HEAD");
    // Both add a tag to Ben, Alice changes his title: the merge unites the tags, a value
    // neither side committed.
    team.kith(ALICE, &["tag", "ben-carver", "+enterprise"]);
    team.kith(ALICE, &["set", "ben-carver", "title=VP of BI"]);
    team.kith(BOB, &["tag", "ben-carver", "+q1-target"]);
    team.sync(ALICE);
    let alices = rev(team.dir(ALICE), "HEAD");
    let out = team.sync(BOB);
    assert!(out.contains("merged field by field"), "{out}");
    let merge = rev(team.dir(BOB), "HEAD");
    assert_eq!(
        rev(team.dir(BOB), "HEAD^2"),
        alices,
        "Bob's sync made a merge commit"
    );
    team.sync(ALICE);
    assert_eq!(
        tags(team.dir(BOB), "ben-carver"),
        set_of(&["retail", "north-america", "enterprise", "q1-target"])
    );
    for i in [ALICE, BOB] {
        assert_eq!(status(team.dir(i)), "", "{}", name(i));
        let json = team
            .kith(i, &["blame", "ben-carver", "--format", "json"])
            .json();
        let row = |field: &str| -> (String, String) {
            let r = json
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["field"] == field)
                .unwrap_or_else(|| panic!("no {field} in {json}"));
            (
                r["who"].as_str().unwrap().to_string(),
                r["commit"].as_str().unwrap().to_string(),
            )
        };
        // Nothing is "not committed yet" on a clean tree.
        for r in json.as_array().unwrap() {
            assert_ne!(r["who"], "not committed yet", "{}: {r}", name(i));
            assert_ne!(r["commit"], "", "{}: {r}", name(i));
        }
        assert_eq!(
            row("tags"),
            ("Bob".to_string(), merge.clone()),
            "{}",
            name(i)
        );
        assert_eq!(
            row("title"),
            ("Alice".to_string(), alices.clone()),
            "{}",
            name(i)
        );
        assert_eq!(
            row("name"),
            ("Test".to_string(), example.clone()),
            "{}",
            name(i)
        );
        // The table names the commit too.
        let text = team.kith(i, &["blame", "ben-carver"]).stdout;
        let tags_line = text.lines().find(|l| l.starts_with("tags ")).unwrap();
        assert!(
            tags_line.contains(" Bob ") && tags_line.ends_with(&merge[..8]),
            "{tags_line}"
        );
    }
    team.assert_converged();
}

#[test]
fn a_push_rejected_because_someone_pushed_meanwhile_is_retried_after_merging() {
    let mut team = Team::new(Transport::Disk, 2);
    team.kith(ALICE, &["promote", "ahmed-el-sayed"]);
    team.kith(BOB, &["set", "ahmed-el-sayed", "phone=+49 30 1234567"]);
    // Between Alice's fetch and her push, Bob syncs (once): her push is then stale.
    let mark = team.root.path().join("bob-synced");
    let hook = team.dir(ALICE).join(".git/hooks/pre-push");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\nif [ ! -e '{mark}' ]; then\n  unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX\n  cd '{bob}' && '{KITH}' sync > '{mark}' 2>&1 || exit 1\nfi\nexit 0\n",
            mark = mark.display(),
            bob = team.dir(BOB).display(),
        ),
    )
    .unwrap();
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let out = team.sync(ALICE);
    let bob_said = std::fs::read_to_string(&mark).expect("the hook ran Bob's sync");
    assert!(
        bob_said.contains("sync: pushed to origin/main"),
        "{bob_said}"
    );
    assert!(
        out.contains("someone pushed meanwhile; fetching again"),
        "{out}"
    );
    assert!(out.contains("merged origin/main"), "{out}");
    assert!(out.contains("sync: pushed to origin/main"), "{out}");
    // The remote has both edits right after Alice's sync.
    let text = git(&team.remote, &["show", "main:contacts/ahmed-el-sayed.md"]);
    assert_eq!(field(&text, "lifecycle").as_deref(), Some("mql"), "{text}");
    assert_eq!(
        field(&text, "phone").as_deref(),
        Some("+49 30 1234567"),
        "{text}"
    );
    team.settle();
    team.assert_converged();
    let text = team.read(BOB, "contacts/ahmed-el-sayed.md");
    assert_eq!(field(&text, "lifecycle").as_deref(), Some("mql"), "{text}");
    assert_eq!(
        field(&text, "phone").as_deref(),
        Some("+49 30 1234567"),
        "{text}"
    );
}

#[test]
fn syncs_running_at_the_same_time_in_two_clones_all_succeed_and_lose_nothing() {
    let mut team = Team::new(Transport::Disk, 2);
    let rounds = 4;
    for n in 0..rounds {
        for i in [ALICE, BOB] {
            let text = format!("{} note {n}", name(i));
            team.kith(i, &["log", "ben-carver", "note", &text]);
        }
        let (a, b) = (team.dir(ALICE).to_path_buf(), team.dir(BOB).to_path_buf());
        let alice = std::thread::spawn(move || kith_in(&a, &["sync"]));
        let bob = std::thread::spawn(move || kith_in(&b, &["sync"]));
        let (alice, bob) = (alice.join().unwrap(), bob.join().unwrap());
        team.record();
        alice.ok();
        bob.ok();
    }
    team.settle();
    team.assert_converged();
    let entries = activities(&team.read(ALICE, "contacts/ben-carver.md"));
    for n in 0..rounds {
        for who in ["alice", "bob"] {
            let entry = format!("- {TODAY} note: {who} note {n}");
            assert_eq!(
                entries.iter().filter(|e| **e == entry).count(),
                1,
                "{entry} in {entries:#?}"
            );
        }
    }
}

// --- What sync says and records ---

#[test]
fn commit_messages_say_what_changed_and_are_authored_by_the_clones_identity() {
    let mut team = Team::new(Transport::Disk, 2);
    team.kith(ALICE, &["promote", "ahmed-el-sayed"]);
    team.kith(
        ALICE,
        &["set", "alpenrose-finanz-reporting-hub", "amount=70000"],
    );
    team.kith(
        ALICE,
        &[
            "new",
            "contact",
            "Grace Hopper",
            "--set",
            "email=grace.hopper@navy.example",
        ],
    );
    team.kith(
        ALICE,
        &[
            "new",
            "contact",
            "Alan Turing",
            "--set",
            "email=alan@bletchley.example",
        ],
    );
    let out = team.sync(ALICE);
    let alice = team.dir(ALICE);
    let subject = git(alice, &["log", "-1", "--format=%s"]).trim().to_string();
    assert!(subject.starts_with("kith: "), "{subject}");
    for part in [
        "ahmed-el-sayed lifecycle lead→mql",
        "alpenrose-finanz-reporting-hub amount 64000→70000",
        "+2 contacts",
    ] {
        assert!(subject.contains(part), "{part:?} not in {subject:?}");
    }
    assert!(out.contains(&format!("committed: {subject}\n")), "{out}");
    assert_eq!(
        git(alice, &["log", "-1", "--format=%an <%ae>|%cn <%ce>"]).trim(),
        "Alice <alice@example.com>|Alice <alice@example.com>"
    );

    // Bob works without Alice's commit: his own commit and the merge are his.
    team.kith(BOB, &["set", "ben-carver", "lifecycle=opportunity"]);
    let out = team.sync(BOB);
    let bob = team.dir(BOB);
    let own = git(bob, &["log", "-1", "--format=%s", "HEAD^1"]);
    assert!(
        own.starts_with("kith: ben-carver lifecycle sql→opportunity"),
        "{own}"
    );
    assert!(out.contains(&format!("committed: {}", own.trim())), "{out}");
    let merge = git(bob, &["log", "-1", "--format=%P|%s|%an <%ae>|%cn <%ce>"]);
    let parts: Vec<&str> = merge.trim().split('|').collect();
    assert_eq!(parts[0].split(' ').count(), 2, "a merge commit: {merge}");
    assert!(parts[1].starts_with("kith: merge origin/main"), "{merge}");
    assert_eq!(parts[2], "Bob <bob@example.com>");
    assert_eq!(parts[3], "Bob <bob@example.com>");
    team.settle();
    team.assert_converged();
    // Every commit since the example one is Alice's or Bob's.
    let example = git(team.dir(ALICE), &["rev-list", "--max-parents=0", "HEAD"]);
    let range = format!("{}..HEAD", example.trim());
    let authors = git(team.dir(ALICE), &["log", "--format=%an <%ae>", &range]);
    for author in authors.lines() {
        assert!(
            ["Alice <alice@example.com>", "Bob <bob@example.com>"].contains(&author),
            "{authors}"
        );
    }
}

#[test]
fn a_sync_with_nothing_to_do_says_already_up_to_date_and_changes_nothing() {
    let mut team = Team::new(Transport::Disk, 2);
    for i in [ALICE, BOB] {
        let dir = team.dir(i).to_path_buf();
        let head = rev(&dir, "HEAD");
        let remote = rev(&team.remote, "main");
        let reflog = git(&dir, &["reflog"]);
        let out = team.sync(i);
        assert_eq!(out, "sync: already up to date\n", "{}", name(i));
        assert_eq!(rev(&dir, "HEAD"), head);
        assert_eq!(rev(&team.remote, "main"), remote);
        assert_eq!(git(&dir, &["reflog"]), reflog, "no ref moved");
        assert_eq!(status(&dir), "");
    }
    team.assert_converged();
}

#[test]
fn status_shows_ahead_behind_and_uncommitted_changes() {
    let mut team = Team::new(Transport::Disk, 2);
    let st = team.kith(ALICE, &["status"]).stdout;
    assert_eq!(
        st,
        "On branch main, tracking origin/main: 0 ahead, 0 behind (as of the last fetch)\nNo uncommitted changes in the workspace\n"
    );
    // One commit of Alice's not pushed; two of Bob's pushed and fetched.
    team.kith(ALICE, &["promote", "ahmed-el-sayed"]);
    git(team.dir(ALICE), &["commit", "-q", "-am", "promote ahmed"]);
    team.kith(BOB, &["tag", "ben-carver", "+enterprise"]);
    team.sync(BOB);
    team.kith(BOB, &["tag", "ben-carver", "+q1-target"]);
    team.sync(BOB);
    git(team.dir(ALICE), &["fetch", "-q"]);
    // And uncommitted work: a changed, a new and a deleted record.
    team.kith(ALICE, &["set", "charlotte-dubois", "title=Head of BI"]);
    std::fs::write(
        team.file(ALICE, "contacts/zoe-muller.md"),
        "---\nname: Zoë Müller\nemail: zoe@example.com\n---\n",
    )
    .unwrap();
    std::fs::remove_file(team.file(ALICE, "contacts/asdfgh-qwerty.md")).unwrap();
    let st = team.kith(ALICE, &["status"]).stdout;
    assert!(
        st.starts_with(
            "On branch main, tracking origin/main: 1 ahead, 2 behind (as of the last fetch)\n"
        ),
        "{st}"
    );
    assert!(
        st.contains("Uncommitted changes (3; `kith sync` commits them):\n"),
        "{st}"
    );
    let words: Vec<Vec<&str>> = st.lines().map(|l| l.split_whitespace().collect()).collect();
    for line in [
        ["changed", "contacts/charlotte-dubois.md"],
        ["new", "contacts/zoe-muller.md"],
        ["deleted", "contacts/asdfgh-qwerty.md"],
    ] {
        assert!(words.contains(&line.to_vec()), "{line:?} not in:\n{st}");
    }
    let out = team.sync(ALICE);
    assert!(out.contains("merged origin/main"), "{out}");
    let st = team.kith(ALICE, &["status"]).stdout;
    assert_eq!(
        st,
        "On branch main, tracking origin/main: 0 ahead, 0 behind (as of the last fetch)\nNo uncommitted changes in the workspace\n"
    );
    team.settle();
    team.assert_converged();
    let text = team.read(BOB, "contacts/charlotte-dubois.md");
    assert_eq!(field(&text, "title").as_deref(), Some("Head of BI"));
    assert!(team.file(BOB, "contacts/zoe-muller.md").is_file());
    assert!(!team.file(BOB, "contacts/asdfgh-qwerty.md").exists());
    assert_eq!(
        tags(team.dir(ALICE), "ben-carver"),
        set_of(&["retail", "north-america", "enterprise", "q1-target"])
    );
}

// --- Local changes are never lost ---

#[test]
fn uncommitted_edits_are_committed_and_merged_with_what_came_in() {
    let mut team = Team::new(Transport::Disk, 2);
    team.kith(BOB, &["set", "ben-carver", "phone=+1 617 555 0199"]);
    team.sync(BOB);
    // Alice edits by hand, in a text editor: the same record's notes, and a new person.
    let path = "contacts/ben-carver.md";
    let text = team.read(ALICE, path);
    let edited = text.replace(
        "Wants to pick things up after Thanksgiving.",
        "Wants to pick things up after Thanksgiving; call him on 2 December.",
    );
    assert_ne!(edited, text);
    std::fs::write(team.file(ALICE, path), &edited).unwrap();
    let zoe = "---\nname: Zoë Müller\nemail: zoe@example.com\nlifecycle: lead\n---\nMet at the Berlin meetup.\n";
    std::fs::write(team.file(ALICE, "contacts/zoe-muller.md"), zoe).unwrap();
    let out = team.sync(ALICE);
    assert!(out.contains("committed: kith: "), "{out}");
    assert!(out.contains("+1 contact"), "{out}");
    assert!(out.contains("merged origin/main"), "{out}");
    team.settle();
    team.assert_converged();
    for i in [ALICE, BOB] {
        let text = team.read(i, path);
        assert!(text.contains("call him on 2 December."), "{text}");
        assert_eq!(
            field(&text, "phone").as_deref(),
            Some("+1 617 555 0199"),
            "{text}"
        );
        assert_eq!(team.read(i, "contacts/zoe-muller.md"), zoe);
    }
}

/// git's index in `dir` as kith should leave it: its cache-tree valid for HEAD's tree, so
/// that the next sync and report know at once that nothing is staged.
#[track_caller]
fn assert_index_knows_its_tree(dir: &Path, who: &str) {
    assert_eq!(
        kith::git::indexfile::tree_of(&dir.join(".git/index")).map(|t| t.to_string()),
        Some(rev(dir, "HEAD^{tree}")),
        "{who}: the index does not say it holds HEAD's tree"
    );
}

/// What a sync that brought changes in leaves in git's index: the working tree's file details
/// for every file it wrote (git sees them unchanged without reading them), and a cache-tree
/// that says the index holds HEAD's tree, so that the next sync and report know at once that
/// nothing is staged (without it, a report at 1,000,000 records diffs every file).
#[test]
fn a_sync_that_brought_changes_in_leaves_the_index_fresh_and_its_tree_known() {
    let mut team = Team::new(Transport::Disk, 2);
    // The files the sync wrote keep the details it gave them: git sees them unchanged
    // without reading them.
    let index_after = |team: &Team, i: usize, how: &str| {
        let dir = team.dir(i);
        assert_eq!(
            git(
                dir,
                &["diff-files", "--name-only", "--", "contacts/ben-carver.md"]
            ),
            "",
            "{how}: the index holds stale file details for what the sync wrote"
        );
        assert_index_knows_its_tree(dir, how);
    };
    team.kith(BOB, &["set", "ben-carver", "phone=+1 617 555 0199"]);
    team.sync(BOB);
    let out = team.sync(ALICE);
    assert!(out.contains("fast-forwarded"), "{out}");
    index_after(&team, ALICE, "a fast-forward");
    team.kith(BOB, &["set", "ben-carver", "city=Boston"]);
    team.sync(BOB);
    team.kith(ALICE, &["promote", "ahmed-el-sayed"]);
    let out = team.sync(ALICE);
    assert!(out.contains("merged origin/main"), "{out}");
    index_after(&team, ALICE, "a merge");
    team.settle();
    team.assert_converged();
}

#[test]
fn a_sync_that_cannot_reach_the_remote_keeps_local_changes_and_the_next_publishes_them() {
    let mut team = Team::new(Transport::Disk, 2);
    team.kith(ALICE, &["promote", "ahmed-el-sayed"]);
    let away = team.remote.with_extension("away");
    std::fs::rename(&team.remote, &away).unwrap();
    let run = kith_in(team.dir(ALICE), &["sync"]);
    let err = run.fails(1);
    assert!(err.contains("git fetch origin"), "{err}");
    let text = team.read(ALICE, "contacts/ahmed-el-sayed.md");
    assert_eq!(field(&text, "lifecycle").as_deref(), Some("mql"), "{text}");
    let st = team.kith(ALICE, &["status"]).stdout;
    assert!(st.contains("1 ahead, 0 behind"), "committed locally: {st}");
    assert!(st.contains("No uncommitted changes"), "{st}");
    std::fs::rename(&away, &team.remote).unwrap();
    let out = team.sync(ALICE);
    assert!(out.contains("sync: pushed to origin/main"), "{out}");
    team.settle();
    team.assert_converged();
    let text = team.read(BOB, "contacts/ahmed-el-sayed.md");
    assert_eq!(field(&text, "lifecycle").as_deref(), Some("mql"), "{text}");
}

#[test]
fn a_file_kith_cannot_merge_stops_the_sync_and_loses_nothing() {
    let mut team = Team::new(Transport::Disk, 2);
    let config = team.read(BOB, "kith.yaml");
    let bobs = config.replace("name: Brightwave CRM", "name: Brightwave Team CRM");
    std::fs::write(team.file(BOB, "kith.yaml"), &bobs).unwrap();
    team.sync(BOB);
    let remote_head = rev(&team.remote, "main");
    let alices = config.replace("name: Brightwave CRM", "name: Brightwave CRM (Alice)");
    std::fs::write(team.file(ALICE, "kith.yaml"), &alices).unwrap();
    team.kith(ALICE, &["promote", "ahmed-el-sayed"]);
    let run = kith_in(team.dir(ALICE), &["sync"]);
    team.record();
    let err = run.fails(1);
    assert!(
        err.contains("changed on both sides and are not records kith can merge: kith.yaml"),
        "{err}"
    );
    // Alice's work is committed and in place; nothing half-done is left behind.
    let alice = team.dir(ALICE);
    assert_eq!(team.read(ALICE, "kith.yaml"), alices);
    let text = team.read(ALICE, "contacts/ahmed-el-sayed.md");
    assert_eq!(field(&text, "lifecycle").as_deref(), Some("mql"), "{text}");
    assert_eq!(status(alice), "");
    assert!(!alice.join(".git/MERGE_HEAD").exists());
    let committed = git(alice, &["show", "HEAD:kith.yaml"]);
    assert_eq!(committed, alices);
    assert_eq!(rev(&team.remote, "main"), remote_head, "nothing was pushed");
    let st = team.kith(ALICE, &["status"]).stdout;
    assert!(st.contains("1 ahead, 1 behind"), "{st}");
    assert_fsck_clean(alice);
}

// --- Never a force-push ---

#[test]
fn sync_never_force_pushes_even_after_local_history_was_rewritten() {
    let mut team = Team::new(Transport::Disk, 2);
    team.kith(ALICE, &["promote", "ahmed-el-sayed"]);
    team.sync(ALICE);
    let published = rev(&team.remote, "main");
    // Alice rewrites her published commit; Bob pushes meanwhile.
    git(
        team.dir(ALICE),
        &["commit", "-q", "--amend", "-m", "promote ahmed (reworded)"],
    );
    team.kith(BOB, &["set", "ben-carver", "phone=+1 617 555 0199"]);
    team.sync(BOB);
    let bobs = rev(&team.remote, "main");
    let out = team.sync(ALICE);
    assert!(out.contains("merged origin/main"), "{out}");
    let head = rev(&team.remote, "main");
    assert!(is_ancestor(&team.remote, &published, &head));
    assert!(is_ancestor(&team.remote, &bobs, &head));
    // Alice drops her last two commits locally: sync brings them back, the remote stays.
    git(team.dir(ALICE), &["reset", "-q", "--hard", "HEAD~2"]);
    let out = team.sync(ALICE);
    assert!(out.contains("fast-forwarded to origin/main"), "{out}");
    assert_eq!(rev(&team.remote, "main"), head);
    assert_eq!(rev(team.dir(ALICE), "HEAD"), head);
    team.settle();
    team.assert_converged();
}

// --- Killed at any step, the next sync finishes the job ---

/// Runs `kith sync` in `dir` with `KITH_FAILPOINT` set, and asserts that it died there.
fn sync_killed_at(dir: &Path, failpoint: &str) {
    // Through `sh` only to turn core dumps off: a core file would land in the workspace.
    let out = Command::new("sh")
        .args(["-c", "ulimit -c 0; exec \"$0\" sync", KITH])
        .current_dir(dir)
        .envs(pinned_clock())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("NO_COLOR", "1")
        .env("KITH_FAILPOINT", failpoint)
        .output()
        .expect("run kith");
    const SIGABRT: i32 = 6;
    assert_eq!(
        out.status.signal(),
        Some(SIGABRT),
        "`kith sync` did not stop at `{failpoint}` ({:?})\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Bob has pushed an edit; Alice has local edits too when `diverged`. Alice's sync is killed
/// at `failpoint`; her next sync must finish the job with nothing lost.
fn interrupted_sync_is_finished_by_the_next(failpoint: &str, diverged: bool) {
    let mut team = Team::new(Transport::Disk, 2);
    let path = "contacts/ahmed-el-sayed.md";
    let call = "- 2026-11-20 call @sam: talked about the renewal";
    team.kith(BOB, &["set", "ahmed-el-sayed", "phone=+49 30 1234567"]);
    team.kith(
        BOB,
        &[
            "log",
            "ahmed-el-sayed",
            "call",
            "talked about the renewal",
            "--date",
            "2026-11-20",
            "--by",
            "sam",
        ],
    );
    team.sync(BOB);
    if diverged {
        team.kith(ALICE, &["promote", "ahmed-el-sayed"]);
        team.kith(ALICE, &["tag", "ben-carver", "+enterprise"]);
    }
    sync_killed_at(team.dir(ALICE), failpoint);
    team.record();
    let out = team.sync(ALICE);
    let alice = team.dir(ALICE).to_path_buf();
    assert_eq!(status(&alice), "", "after the second sync: {out}");
    for leftover in [
        "MERGE_HEAD",
        "index.lock",
        "HEAD.lock",
        "refs/heads/main.lock",
    ] {
        assert!(!alice.join(".git").join(leftover).exists(), "{leftover}");
    }
    assert_fsck_clean(&alice);
    team.settle();
    team.assert_converged();
    for i in [ALICE, BOB] {
        let text = team.read(i, path);
        assert_eq!(
            field(&text, "phone").as_deref(),
            Some("+49 30 1234567"),
            "{text}"
        );
        assert_eq!(
            activities(&text).iter().filter(|e| *e == call).count(),
            1,
            "{text}"
        );
        if diverged {
            assert_eq!(field(&text, "lifecycle").as_deref(), Some("mql"), "{text}");
            assert!(!text.contains("conflicts:"), "{text}");
            assert_eq!(
                tags(team.dir(i), "ben-carver"),
                set_of(&["retail", "north-america", "enterprise"])
            );
        }
    }
}

#[test]
fn sync_killed_after_committing_local_changes_is_finished_by_the_next() {
    interrupted_sync_is_finished_by_the_next("committed", true);
}

#[test]
fn sync_killed_after_fetching_is_finished_by_the_next() {
    interrupted_sync_is_finished_by_the_next("fetched", true);
}

#[test]
fn sync_killed_after_writing_the_merge_commit_is_finished_by_the_next() {
    interrupted_sync_is_finished_by_the_next("merge-written", true);
}

#[test]
fn sync_killed_after_checking_out_the_merge_is_finished_by_the_next() {
    interrupted_sync_is_finished_by_the_next("checked-out", true);
}

#[test]
fn sync_killed_after_pushing_is_finished_by_the_next() {
    interrupted_sync_is_finished_by_the_next("pushed", true);
}

#[test]
fn sync_killed_after_fetching_before_a_fast_forward_is_finished_by_the_next() {
    interrupted_sync_is_finished_by_the_next("fetched", false);
}

#[test]
fn sync_killed_in_a_fast_forward_after_checking_out_is_finished_by_the_next() {
    interrupted_sync_is_finished_by_the_next("checked-out", false);
}

// --- Conflicts over time ---

#[test]
fn a_resolved_conflict_stays_resolved_when_someone_edits_the_record_meanwhile() {
    let mut team = Team::new(Transport::Disk, 2);
    let path = "contacts/charlotte-dubois.md";
    team.kith(ALICE, &["set", "charlotte-dubois", "title=Head of BI"]);
    team.kith(BOB, &["set", "charlotte-dubois", "title=Directrice Data"]);
    team.sync(ALICE);
    let out = team.sync(BOB);
    assert!(out.contains("conflicts kept in the file: title"), "{out}");
    team.settle();
    // Bob ends the conflict and syncs; Alice, who has not synced since, logs a call to her.
    team.kith(
        BOB,
        &[
            "resolve",
            "charlotte-dubois",
            "--field",
            "title",
            "--take",
            "theirs",
        ],
    );
    team.sync(BOB);
    team.kith(
        ALICE,
        &[
            "log",
            "charlotte-dubois",
            "call",
            "asked about the 2027 budget",
            "--date",
            "2026-11-24",
        ],
    );
    team.sync(ALICE);
    team.settle();
    team.assert_converged();
    let text = team.read(ALICE, path);
    assert_eq!(
        field(&text, "title").as_deref(),
        Some("Head of BI"),
        "{text}"
    );
    assert!(
        activities(&text).contains(&"- 2026-11-24 call: asked about the 2027 budget".to_string()),
        "{text}"
    );
    assert!(
        !text.contains("conflicts:"),
        "the resolved conflict came back:\n{text}"
    );
    for i in [ALICE, BOB] {
        let list = team.kith(i, &["conflicts", "--format", "json"]).json();
        assert_eq!(list, serde_json::json!([]), "{}", name(i));
    }
}

#[test]
fn conflicts_and_quotes_name_who_made_their_change_not_who_merged_it() {
    let mut team = Team::new(Transport::Disk, 3);
    // Alice changes the title and Dana's notes; Carol only tags Ben; Bob changes both too.
    team.kith(ALICE, &["set", "charlotte-dubois", "title=Head of BI"]);
    let text = team.read(ALICE, DANA);
    std::fs::write(
        team.file(ALICE, DANA),
        text.replace(DANA_LINE, "call with Fiona Gallagher settled it."),
    )
    .unwrap();
    team.kith(CAROL, &["tag", "ben-carver", "+q1-target"]);
    team.kith(BOB, &["set", "charlotte-dubois", "title=Directrice Data"]);
    let text = team.read(BOB, DANA);
    std::fs::write(
        team.file(BOB, DANA),
        text.replace(DANA_LINE, "call with Fiona Gallagher went well."),
    )
    .unwrap();
    // Carol merges Alice's commit, so Bob's merge sees Carol's merge commit on top; the
    // values Bob's conflicts with are still Alice's.
    team.first_round();
    team.settle();
    team.assert_converged();
    let list = team.kith(CAROL, &["conflicts", "--format", "json"]).json();
    assert_eq!(list[0]["field"], "title", "{list}");
    assert_eq!(list[0]["theirs"], "Head of BI", "{list}");
    assert_eq!(
        list[0]["who"], "Alice",
        "Carol never touched the title: {list}"
    );
    let check = kith_in(team.dir(CAROL), &["check"]);
    assert!(
        check.stdout.contains("to `Head of BI` by Alice on "),
        "{}{}",
        check.stdout,
        check.stderr
    );
    let text = team.read(CAROL, DANA);
    assert!(
        text.contains("\n> **Their version** (Alice, "),
        "Carol never touched Dana's notes:\n{text}"
    );
    assert!(
        text.contains("\n> call with Fiona Gallagher settled it.\n"),
        "{text}"
    );
}

// --- A workspace inside a larger repository ---

#[test]
fn uncommitted_changes_outside_the_workspace_are_never_overwritten() {
    let root = Ws::empty();
    let url = bare_remote(root.path());
    let alice = root.path().join("alice");
    copy_dir(&repo_path("example-workspace"), &alice.join("crm"));
    std::fs::write(alice.join("README.md"), "Our team's repository.\n").unwrap();
    git(&alice, &["init", "-q", "-b", "main"]);
    identify(&alice, ALICE);
    git(&alice, &["add", "-A"]);
    git(&alice, &["commit", "-q", "-m", "example"]);
    git(&alice, &["remote", "add", "origin", &url]);
    let alice_ws = alice.join("crm");
    kith_in(&alice_ws, &["sync"]).ok();
    kith_in(root.path(), &["clone", &url, "bob"]).ok();
    let bob = root.path().join("bob");
    identify(&bob, BOB);
    assert_merge_driver_registered(&bob.join("crm"));
    // Bob changes the README (committed with git) and a record (synced with kith).
    std::fs::write(bob.join("README.md"), "Bob's repository.\n").unwrap();
    git(&bob, &["commit", "-q", "-am", "README"]);
    kith_in(&bob.join("crm"), &["promote", "ahmed-el-sayed"]).ok();
    kith_in(&bob.join("crm"), &["sync"]).ok();
    // Alice has the README open with unsaved-to-git work, and edits a record too.
    std::fs::write(alice.join("README.md"), "Alice's notes, not committed.\n").unwrap();
    kith_in(&alice_ws, &["tag", "ben-carver", "+enterprise"]).ok();
    let run = kith_in(&alice_ws, &["sync"]);
    assert_eq!(
        std::fs::read_to_string(alice.join("README.md")).unwrap(),
        "Alice's notes, not committed.\n",
        "Alice's README was overwritten: {run:?}"
    );
    // Her record edit is committed whatever happened; nothing is half-applied.
    let head = git(&alice, &["show", "HEAD:crm/contacts/ben-carver.md"]);
    assert!(head.contains("enterprise"), "{head}");
    assert_eq!(status(&alice), " M README.md\n", "{run:?}");
    assert!(!alice.join(".git/index.lock").exists());
    assert_fsck_clean(&alice);
    // If the sync cannot go on, it says which file is in the way: running it again, as the
    // message suggests, cannot help while README.md stays modified.
    if run.code != 0 {
        assert!(
            run.stderr.contains("README.md"),
            "the error should name the file that blocks the sync: {run:?}"
        );
    }
}

#[test]
fn a_record_with_errors_is_neither_committed_nor_pushed() {
    let mut team = Team::new(Transport::Disk, 2);
    let path = "contacts/ahmed-el-sayed.md";
    let good = team.read(ALICE, path);
    let broken = good.replacen("lifecycle: ", "lifecycle: @", 1);
    std::fs::write(team.file(ALICE, path), &broken).unwrap();
    let head = rev(team.dir(ALICE), "HEAD");
    let run = kith_in(team.dir(ALICE), &["sync"]);
    let err = run.fails(1);
    assert!(
        err.contains("contacts/ahmed-el-sayed.md:") && err.contains("error:"),
        "the error points at the file: {err}"
    );
    assert!(err.contains("nothing was committed or pushed"), "{err}");
    assert_eq!(rev(team.dir(ALICE), "HEAD"), head, "nothing was committed");
    assert_eq!(rev(&team.remote, "main"), head, "nothing was pushed");
    assert_eq!(
        team.read(ALICE, path),
        broken,
        "the file is as the user left it"
    );
    // Fixed, it goes through.
    std::fs::write(
        team.file(ALICE, path),
        good.replacen("lifecycle: lead", "lifecycle: mql", 1),
    )
    .unwrap();
    let out = team.sync(ALICE);
    assert!(out.contains("sync: pushed to origin/main"), "{out}");
    team.settle();
    team.assert_converged();
}

#[test]
fn rename_against_edit_follows_the_rename() {
    let (team, _round) = concurrently(Transport::Disk, |team| {
        // Alice renames a record by hand (and fixes the name to match); Bob edits the old file.
        git(
            team.dir(ALICE),
            &[
                "mv",
                "contacts/jessica-moreno.md",
                "contacts/jessica-moreno-garcia.md",
            ],
        );
        let path = team.file(ALICE, "contacts/jessica-moreno-garcia.md");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replacen("name: Jessica Moreno", "name: Jessica Moreno García", 1),
        )
        .unwrap();
        team.kith(BOB, &["set", "jessica-moreno", "country=PT"]);
    });
    for i in [ALICE, BOB, CAROL] {
        assert!(
            !team.file(i, "contacts/jessica-moreno.md").exists(),
            "{}: the old name is gone",
            name(i)
        );
        let text = team.read(i, "contacts/jessica-moreno-garcia.md");
        assert_eq!(
            field(&text, "name").as_deref(),
            Some("Jessica Moreno García"),
            "{text}"
        );
        assert_eq!(field(&text, "country").as_deref(), Some("PT"), "{text}");
    }
}

// --- Killed inside the checkout, at every file ---

/// The tag Alice adds to every person, and the note she adds to the people Bob renames or
/// deletes.
const KILL_TAG: &str = "kill-test";
const KILL_NOTE: &str = "Alice's note, written before the sync.";

/// A remote, Alice's clone of a generated workspace with a tag added to every person (and a
/// note on some), and Bob's renames, deletes and edits of those people already pushed; the
/// remote is `../remote.git` from each clone, so a copy of the folder is a world of its own.
struct KillWorld {
    template: tempfile::TempDir,
    /// Bob's renames (old id, new id), deletes, and people whose phone he set.
    renamed: Vec<(String, String)>,
    deleted: Vec<String>,
    phoned: Vec<String>,
    /// Every person Alice had, by id.
    people: Vec<String>,
}

/// `text` with `tag` added to its frontmatter's tags.
fn with_tag(text: &str, tag: &str) -> String {
    in_lf(text, |text| {
        if text.contains("\ntags: [") {
            text.replacen("\ntags: [", &format!("\ntags: [{tag}, "), 1)
        } else if text.contains("\ntags:\n") {
            text.replacen("\ntags:\n", &format!("\ntags:\n  - {tag}\n"), 1)
        } else {
            text.replacen("\n---\n", &format!("\ntags: [{tag}]\n---\n"), 1)
        }
    })
}

/// `edit` applied to `text` with LF line ends, then given back the line ends it had (some
/// generated records end their lines with CRLF).
fn in_lf(text: &str, edit: impl Fn(&str) -> String) -> String {
    if text.contains("\r\n") {
        edit(&text.replace("\r\n", "\n")).replace('\n', "\r\n")
    } else {
        edit(text)
    }
}

impl KillWorld {
    fn new(records: usize) -> KillWorld {
        let template = tempfile::tempdir().unwrap();
        let root = template.path();
        kith_in(root, &["gen", "seed", "-n", &records.to_string(), "--git"]).ok();
        git(root, &["clone", "-q", "--bare", "seed", "remote.git"]);
        git(
            &root.join("remote.git"),
            &["config", "receive.autogc", "false"],
        );
        for (i, who) in [(ALICE, "alice"), (BOB, "bob")] {
            git(root, &["clone", "-q", "remote.git", who]);
            let dir = root.join(who);
            git(&dir, &["remote", "set-url", "origin", "../remote.git"]);
            identify(&dir, i);
        }
        let (alice, bob) = (root.join("alice"), root.join("bob"));
        // The people nothing refers to, so that renaming or deleting them breaks no link.
        let mut refs = String::new();
        for dir in ["companies", "deals"] {
            for e in std::fs::read_dir(alice.join(dir)).unwrap() {
                refs.push_str(&std::fs::read_to_string(e.unwrap().path()).unwrap());
            }
        }
        let mut people: Vec<String> = std::fs::read_dir(alice.join("contacts"))
            .unwrap()
            .map(|e| {
                let name = e.unwrap().file_name().into_string().unwrap();
                name.strip_suffix(".md").unwrap().to_string()
            })
            .collect();
        people.sort();
        let free: Vec<&String> = people.iter().filter(|id| !refs.contains(*id)).collect();
        let n = people.len() / 20;
        let renamed: Vec<(String, String)> = free
            .iter()
            .step_by(3)
            .take(n)
            .map(|id| (id.to_string(), format!("{id}-renamed")))
            .collect();
        let deleted: Vec<String> = free
            .iter()
            .skip(1)
            .step_by(3)
            .take(n)
            .map(|id| id.to_string())
            .collect();
        let phoned: Vec<String> = free
            .iter()
            .skip(2)
            .step_by(3)
            .map(|id| id.to_string())
            .collect();
        // Bob renames, deletes and edits with plain git, and pushes.
        for (old, new) in &renamed {
            git(
                &bob,
                &[
                    "mv",
                    &format!("contacts/{old}.md"),
                    &format!("contacts/{new}.md"),
                ],
            );
        }
        for id in &deleted {
            std::fs::remove_file(bob.join(format!("contacts/{id}.md"))).unwrap();
        }
        for id in &phoned {
            let path = bob.join(format!("contacts/{id}.md"));
            let text = in_lf(&std::fs::read_to_string(&path).unwrap(), |text| {
                if text.contains("\nphone: ") {
                    let start = text.find("\nphone: ").unwrap() + 1;
                    let end = start + text[start..].find('\n').unwrap();
                    format!("{}phone: \"+49 30 999\"{}", &text[..start], &text[end..])
                } else {
                    text.replacen("\n---\n", "\nphone: \"+49 30 999\"\n---\n", 1)
                }
            });
            std::fs::write(&path, text).unwrap();
        }
        let who = Author {
            name: "Bob",
            email: "bob@example.com",
        };
        commit_all(
            &bob,
            who,
            "2026-11-24T10:00:00Z",
            "bob's renames, deletes, phones",
        );
        git_ok(
            &bob,
            who,
            "2026-11-24T10:00:00Z",
            &["push", "-q", "origin", "main"],
        );
        // Alice tags everyone, and writes a note on the people Bob renamed or deleted: not
        // committed.
        let noted: BTreeSet<&str> = renamed
            .iter()
            .map(|(old, _)| old.as_str())
            .chain(deleted.iter().map(String::as_str))
            .collect();
        for id in &people {
            let path = alice.join(format!("contacts/{id}.md"));
            let mut text = with_tag(&std::fs::read_to_string(&path).unwrap(), KILL_TAG);
            if noted.contains(id.as_str()) {
                text = in_lf(&text, |t| {
                    t.replacen("\n---\n", &format!("\n---\n\n{KILL_NOTE}\n"), 1)
                });
            }
            std::fs::write(&path, text).unwrap();
        }
        KillWorld {
            template,
            renamed,
            deleted,
            phoned,
            people,
        }
    }

    /// A fresh copy of the world; Alice's clone in it.
    fn copy(&self) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(self.template.path(), dir.path());
        let alice = dir.path().join("alice");
        (dir, alice)
    }

    /// Where each of Alice's people lives after the sync, and whether it carries her note.
    fn expected(&self) -> Vec<(String, bool)> {
        let renamed: BTreeMap<&str, &str> = self
            .renamed
            .iter()
            .map(|(o, n)| (o.as_str(), n.as_str()))
            .collect();
        self.people
            .iter()
            .map(|id| match renamed.get(id.as_str()) {
                Some(new) => (new.to_string(), true),
                None => (id.clone(), self.deleted.contains(id)),
            })
            .collect()
    }

    /// Nothing lost from either side: every person of Alice's is there, under Bob's new name
    /// when he renamed it, with her tag (and her note where she wrote one), and Bob's phone
    /// numbers; the old names are gone; the remote has exactly Alice's tree, and nothing is
    /// left uncommitted or half-written.
    #[track_caller]
    fn assert_nothing_lost(&self, alice: &Path, context: &str) {
        for (id, noted) in self.expected() {
            let path = alice.join(format!("contacts/{id}.md"));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{context}: {id} is gone ({e})"))
                .replace("\r\n", "\n");
            let fm = text.split("\n---\n").next().unwrap();
            assert!(
                fm.lines()
                    .any(|l| l.starts_with("tags:") || l.starts_with("  - "))
                    && fm.contains(KILL_TAG),
                "{context}: {id} lost Alice's tag:\n{text}"
            );
            assert_eq!(
                text.contains(KILL_NOTE),
                noted,
                "{context}: {id}'s note:\n{text}"
            );
        }
        for id in &self.phoned {
            let text = std::fs::read_to_string(alice.join(format!("contacts/{id}.md")))
                .unwrap()
                .replace("\r\n", "\n");
            assert_eq!(
                field(&text, "phone").as_deref(),
                Some("+49 30 999"),
                "{context}: {id} lost Bob's phone:\n{text}"
            );
        }
        for (old, _) in &self.renamed {
            assert!(
                !alice.join(format!("contacts/{old}.md")).exists(),
                "{context}: {old} is still there under its old name"
            );
        }
        assert_eq!(status(alice), "", "{context}: left uncommitted");
        let remote = alice.join("../remote.git");
        assert_eq!(
            rev(alice, "HEAD"),
            rev(&remote, "main"),
            "{context}: not published"
        );
        assert_fsck_clean(alice);
    }
}

/// Every record file holds whole text: the bytes of the branch's commit or of the commit the
/// journal says is being checked out, never a mix, an empty file or a stray version.
#[track_caller]
fn assert_records_whole(dir: &Path, context: &str) {
    let journal = std::fs::read_to_string(dir.join(".git/kith-sync-pending")).unwrap_or_default();
    let mut known: BTreeSet<String> = BTreeSet::new();
    for rev in ["HEAD", journal.lines().next().unwrap_or("HEAD")] {
        let tree = git(dir, &["ls-tree", "-r", rev, "contacts"]);
        known.extend(
            tree.lines()
                .map(|l| l.split_whitespace().nth(2).unwrap().to_string()),
        );
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.join("contacts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".kith-tmp"))
        .map(|n| format!("contacts/{n}\n"))
        .collect();
    names.sort();
    let mut hash = Command::new("git")
        .args(["hash-object", "--stdin-paths"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write as _;
        let mut stdin = hash.stdin.take().unwrap();
        stdin.write_all(names.concat().as_bytes()).unwrap();
    }
    let out = hash.wait_with_output().unwrap();
    let ids = String::from_utf8(out.stdout).unwrap();
    for (name, id) in names.iter().zip(ids.lines()) {
        assert!(
            known.contains(id),
            "{context}: {} holds neither the branch's version nor the checkout's",
            name.trim()
        );
    }
}

/// How many files the uninterrupted sync's checkout changes, and the tree it ends with.
fn uninterrupted(world: &KillWorld) -> (usize, String) {
    let (_dir, alice) = world.copy();
    let run = kith_in(&alice, &["sync"]);
    run.ok();
    world.assert_nothing_lost(&alice, "uninterrupted");
    let changed = git(
        &alice,
        &["diff", "--no-renames", "--name-only", "HEAD^1", "HEAD"],
    );
    (changed.lines().count(), rev(&alice, "HEAD^{tree}"))
}

#[test]
fn a_sync_killed_at_any_file_of_its_checkout_is_finished_by_the_next() {
    // 300 records by default; `KITH_CHECKOUT_RECORDS=3000` for thousands of local edits.
    let records = std::env::var("KITH_CHECKOUT_RECORDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300);
    let world = KillWorld::new(records);
    let (files, tree) = uninterrupted(&world);
    assert!(files > 80, "the checkout changes {files} files");
    // The boundaries (before the first file, after the last), the first removal, the first
    // write and a write half-way; `checked-out` comes after the index is written. With
    // `KITH_CHECKOUT_KILLS=all`, every point (about 15 minutes on a shared 2-core machine; it passed).
    let removals = world.renamed.len() + world.deleted.len();
    let sample = vec![0, 1, removals, files / 2, files];
    let every = std::env::var("KITH_CHECKOUT_KILLS").is_ok_and(|v| v == "all");
    let mut points: Vec<String> = if every { (0..=files).collect() } else { sample }
        .iter()
        .map(|n| format!("checkout:{n}"))
        .collect();
    points.push("checked-out".to_string());
    for point in points {
        let (_dir, alice) = world.copy();
        sync_killed_at(&alice, &point);
        assert_records_whole(&alice, &point);
        let run = kith_in(&alice, &["sync"]);
        let out = run.ok();
        world.assert_nothing_lost(&alice, &point);
        // Exactly what the uninterrupted sync made.
        assert_eq!(rev(&alice, "HEAD^{tree}"), tree, "{point}: {out}");
        if point.starts_with("checkout:") || point == "checked-out" {
            assert!(
                out.contains("finished the checkout and moved the branch"),
                "{point}: {out}"
            );
        }
        let left: Vec<String> = std::fs::read_dir(alice.join("contacts"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".kith-tmp"))
            .collect();
        assert!(left.is_empty(), "{point}: temporary files left: {left:?}");
    }
}

#[test]
fn a_sync_killed_in_its_checkout_then_edits_rolls_back_and_merges_again() {
    let world = KillWorld::new(250);
    let (files, _) = uninterrupted(&world);
    let (_dir, alice) = world.copy();
    sync_killed_at(&alice, &format!("checkout:{}", files / 2));
    // Alice edits two people Bob changed, after the kill: one the checkout had written
    // (first in its order), one it had not reached yet (last).
    let first = &world.phoned[0];
    let last = world.phoned.last().unwrap();
    let written = std::fs::read_to_string(alice.join(format!("contacts/{first}.md"))).unwrap();
    let pending = std::fs::read_to_string(alice.join(format!("contacts/{last}.md"))).unwrap();
    for (id, text) in [(first, &written), (last, &pending)] {
        std::fs::write(
            alice.join(format!("contacts/{id}.md")),
            format!("{text}- 2026-11-25 call: edited after the kill\n"),
        )
        .unwrap();
    }
    let run = kith_in(&alice, &["sync"]);
    let out = run.ok();
    assert!(
        out.contains("undid the checkout an interrupted sync left half-done")
            && out.contains(&format!("contacts/{first}.md"))
            && out.contains(&format!("contacts/{last}.md")),
        "{out}"
    );
    world.assert_nothing_lost(&alice, "rolled back");
    for id in [first, last] {
        let text = std::fs::read_to_string(alice.join(format!("contacts/{id}.md"))).unwrap();
        assert!(text.contains("edited after the kill"), "{id}:\n{text}");
    }
}

// --- Their version does not parse ---

/// Bob writes `text` to `path` and pushes it with plain git, past the pre-commit check.
fn bob_pushes_unverified(team: &Team, path: &str, text: &str, message: &str) {
    std::fs::write(team.file(BOB, path), text).unwrap();
    let bob = Author {
        name: "Bob",
        email: "bob@example.com",
    };
    let date = "2026-11-24T10:00:00Z";
    let dir = team.dir(BOB);
    git_ok(
        dir,
        bob,
        date,
        &["commit", "-q", "--no-verify", "-am", message],
    );
    git_ok(dir, bob, date, &["push", "-q", "origin", "main"]);
}

#[test]
fn a_version_that_does_not_parse_is_kept_as_a_conflict_until_resolved() {
    let mut team = Team::new(Transport::Disk, 2);
    let path = "contacts/ahmed-el-sayed.md";
    // Bob adds a phone number and breaks the tags, with plain git and no check.
    let text = team.read(BOB, path);
    let broken = text.replacen(
        "tags: [insurance, dach]\n",
        "phone: \"+49 30 1234567\"\ntags: [insurance, dach, broken\n",
        1,
    );
    assert_ne!(broken, text);
    bob_pushes_unverified(&team, path, &broken, "phone");
    // Alice edits the same record.
    team.kith(ALICE, &["promote", "ahmed-el-sayed"]);
    let run = kith_in(team.dir(ALICE), &["sync"]);
    let out = format!("{}{}", run.stdout, run.stderr);
    // Nothing with an error is published: the merge waits, committed locally, and the error
    // says what happened and how to end it.
    assert_ne!(run.code, 0, "{out}");
    assert!(
        out.contains("contacts/ahmed-el-sayed.md:")
            && out.contains(
                "Bob's version of this record (2026-11-24) could not be merged field by field"
            )
            && out.contains("kept whole in the `conflicts:` block")
            && out.contains("the merge is committed locally but not pushed"),
        "{out}"
    );
    assert_eq!(status(team.dir(ALICE)), "");
    // Their version is in Alice's file, listed and reported until resolved.
    let mine = team.read(ALICE, path);
    assert!(mine.contains("+49 30 1234567"), "{mine}");
    assert_eq!(field(&mine, "lifecycle").as_deref(), Some("mql"), "{mine}");
    let listed = team.kith(ALICE, &["conflicts", "--format", "json"]).json();
    let entry = &listed[0];
    assert_eq!(entry["field"], "record", "{listed}");
    assert_eq!(entry["theirs"].as_str(), Some(broken.as_str()), "{listed}");
    let check = kith_in(team.dir(ALICE), &["check"]);
    check.fails(1);
    let said = format!("{}{}", check.stdout, check.stderr);
    assert!(
        said.contains("unresolved-record-conflict")
            && said.contains("kith resolve ahmed-el-sayed --field record --take theirs"),
        "{said}"
    );
    // A value is not a whole record.
    let err = kith_in(
        team.dir(ALICE),
        &[
            "resolve",
            "ahmed-el-sayed",
            "--field",
            "record",
            "--take",
            "x",
        ],
    );
    assert!(err.fails(1).contains("--take ours"), "{err:?}");
    // Alice takes their version, fixes its tags and promotes again; it all goes through.
    let took = team.kith(
        ALICE,
        &[
            "resolve",
            "ahmed-el-sayed",
            "--field",
            "record",
            "--take",
            "theirs",
        ],
    );
    assert!(
        took.stdout.contains("replaced by the version of"),
        "{took:?}"
    );
    assert_eq!(team.read(ALICE, path), broken);
    std::fs::write(
        team.file(ALICE, path),
        broken.replacen("dach, broken\n", "dach, fixed]\n", 1),
    )
    .unwrap();
    team.kith(ALICE, &["promote", "ahmed-el-sayed"]);
    team.sync(ALICE);
    team.settle();
    team.assert_converged();
    for i in [ALICE, BOB] {
        let text = team.read(i, path);
        assert_eq!(
            field(&text, "phone").as_deref(),
            Some("+49 30 1234567"),
            "{text}"
        );
        assert_eq!(
            field(&text, "tags").as_deref(),
            Some("[insurance, dach, fixed]"),
            "{text}"
        );
        assert!(!text.contains("conflicts:"), "{text}");
    }
}

#[test]
fn a_version_that_does_not_parse_can_be_dropped_with_take_ours() {
    let mut team = Team::new(Transport::Disk, 2);
    let path = "contacts/ahmed-el-sayed.md";
    let text = team.read(BOB, path);
    let broken = text.replacen("\n---\n", "\nnickname: [broken\n---\n", 1);
    bob_pushes_unverified(&team, path, &broken, "nickname");
    team.kith(ALICE, &["promote", "ahmed-el-sayed"]);
    kith_in(team.dir(ALICE), &["sync"]).fails(1);
    let kept = team.kith(
        ALICE,
        &[
            "resolve",
            "ahmed-el-sayed",
            "--field",
            "record",
            "--take",
            "ours",
        ],
    );
    assert!(kept.stdout.contains("kept this file"), "{kept:?}");
    let mine = team.read(ALICE, path);
    assert!(
        !mine.contains("conflicts:") && !mine.contains("nickname"),
        "{mine}"
    );
    assert_eq!(field(&mine, "lifecycle").as_deref(), Some("mql"), "{mine}");
    team.kith(ALICE, &["check"]);
    team.sync(ALICE);
}

/// One lead, two decisions: Alice unqualifies Noor, Carol promotes her to SQL.
fn edit_unqualify_vs_promote(team: &Team) {
    team.kith(
        ALICE,
        &[
            "set",
            "noor-hassan",
            "lead_status=unqualified",
            "unqualified_reason=no budget",
        ],
    );
    team.kith(CAROL, &["promote", "noor-hassan", "sql"]);
}

#[test]
fn unqualify_against_promote_is_a_recorded_conflict_never_sql_and_unqualified() {
    let (team, round) = concurrently(Transport::Disk, edit_unqualify_vs_promote);
    let path = "contacts/noor-hassan.md";
    // Carol merged Alice's change into hers: the coupled fields keep Carol's (ours) values.
    assert_eq!(
        lines_about(&round.carol, path),
        [format!(
            "{path}: merged field by field; conflicts kept in the file: lifecycle, lead_status; \
             lifecycle and lead_status kept together: an unqualified lead cannot be sales-qualified or further on"
        )],
        "{}",
        round.carol
    );
    for i in [ALICE, BOB, CAROL] {
        let text = team.read(i, path);
        assert_eq!(field(&text, "lifecycle").as_deref(), Some("sql"), "{text}");
        assert_eq!(
            field(&text, "lead_status").as_deref(),
            Some("new"),
            "{text}"
        );
        assert!(
            text.contains(
                "conflicts:\n  - field: lifecycle\n    ours: sql\n    theirs: lead\n    who: Alice\n"
            ) && text.contains("  - field: lead_status\n    ours: new\n    theirs: unqualified\n"),
            "{text}"
        );
    }
    let list = kith_in(team.dir(ALICE), &["conflicts", "--format", "json"]);
    list.ok();
    let rows = list.json();
    let fields: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["lifecycle", "lead_status"]);
    // Taking Alice's side for both gives the record she wrote, coherent.
    for field_name in ["lifecycle", "lead_status"] {
        team.kith(
            ALICE,
            &[
                "resolve",
                "noor-hassan",
                "--field",
                field_name,
                "--take",
                "theirs",
            ],
        );
    }
    let text = team.read(ALICE, path);
    assert_eq!(field(&text, "lifecycle").as_deref(), Some("lead"), "{text}");
    assert_eq!(
        field(&text, "lead_status").as_deref(),
        Some("unqualified"),
        "{text}"
    );
    assert!(!text.contains("conflicts:"), "{text}");
}

/// What `kith sync` commits: every change in the workspace (an edited record, a new one, a
/// deleted one, a new note that is not a record, one in a new folder), ignored files apart,
/// and never a temporary file a killed write left or anything in kith's own `.kith/`, even
/// where .gitignore does not name them.
#[test]
fn sync_commits_every_change_but_kiths_own_files() {
    let root = Ws::empty();
    let url = bare_remote(root.path());
    let alice = alice_with_origin(root.path(), &url);
    // The example has no .gitignore: one that names none of kith's files.
    std::fs::write(alice.join(".gitignore"), "*.bak\n").unwrap();
    git(&alice, &["add", ".gitignore"]);
    git(&alice, &["commit", "-q", "-m", "ignore backups"]);
    let ben = alice.join("contacts/ben-carver.md");
    let text = std::fs::read_to_string(&ben).unwrap();
    std::fs::write(&ben, text.replace("Ben Carver", "Benjamin Carver")).unwrap();
    std::fs::remove_file(alice.join("contacts/nadia-haddad.md")).unwrap();
    std::fs::write(
        alice.join("contacts/zoe-new.md"),
        "---\nname: Zoe New\nemail: zoe@new.example\n---\n",
    )
    .unwrap();
    std::fs::write(alice.join("NOTES.txt"), "who to call\n").unwrap();
    std::fs::create_dir_all(alice.join("playbooks/q1")).unwrap();
    std::fs::write(alice.join("playbooks/q1/intro.md"), "Say hello.\n").unwrap();
    std::fs::write(alice.join("old.bak"), "ignored\n").unwrap();
    std::fs::write(
        alice.join("contacts/.ben-carver.md.Ab12Cd.kith-tmp"),
        "half\n",
    )
    .unwrap();
    std::fs::create_dir_all(alice.join(".kith/monitor")).unwrap();
    std::fs::write(alice.join(".kith/history-cache.jsonl"), "{}\n").unwrap();
    std::fs::write(alice.join(".kith/monitor/cookie-1-0"), "").unwrap();
    // A repository of its own inside the workspace: said, and left out.
    let nested = alice.join("scripts");
    std::fs::create_dir_all(&nested).unwrap();
    git(&nested, &["init", "-q"]);
    std::fs::write(nested.join("export.sh"), "echo\n").unwrap();
    let run = kith_in(&alice, &["sync"]);
    run.ok();
    assert!(
        run.stderr
            .contains("scripts/ is a git repository of its own; kith sync does not commit it"),
        "{}",
        run.stderr
    );
    let changed = git(&alice, &["show", "--name-status", "--format=", "HEAD"]);
    let mut lines: Vec<&str> = changed.lines().collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            "A\tNOTES.txt",
            "A\tcontacts/zoe-new.md",
            "A\tplaybooks/q1/intro.md",
            "D\tcontacts/nadia-haddad.md",
            "M\tcontacts/ben-carver.md",
        ],
        "{changed}"
    );
    // Left as they were: untracked, not staged.
    let left = git(&alice, &["status", "--porcelain", "--untracked-files=all"]);
    assert!(left.contains("?? .kith/history-cache.jsonl"), "{left}");
    assert!(
        left.contains("?? contacts/.ben-carver.md.Ab12Cd.kith-tmp"),
        "{left}"
    );
    assert!(!left.contains("old.bak"), "{left}");
    assert!(left.contains("?? scripts/"), "{left}");
    assert_eq!(
        rev(&alice, "HEAD"),
        rev(&root.path().join("crm.git"), "main")
    );
}

/// Sync compares the working tree with git's index itself, on every core: it must see every
/// change `git status` sees, including those a look at modification times alone would miss.
#[test]
fn sync_stages_every_change_git_status_sees() {
    use std::os::unix::fs::PermissionsExt;
    let root = Ws::empty();
    let url = bare_remote(root.path());
    let alice = alice_with_origin(root.path(), &url);
    // A report's folder is ignored, but one page in it was committed on purpose.
    std::fs::write(alice.join(".gitignore"), "out/\n*.bak\n").unwrap();
    std::fs::create_dir_all(alice.join("out")).unwrap();
    std::fs::write(alice.join("out/index.html"), "<p>week 47</p>\n").unwrap();
    std::fs::write(alice.join("run.sh"), "echo report\n").unwrap();
    std::fs::write(alice.join("brief.md"), "Call them.\n").unwrap();
    git(&alice, &["add", ".gitignore", "run.sh", "brief.md"]);
    git(&alice, &["add", "-f", "out/index.html"]);
    git(&alice, &["commit", "-q", "-m", "report page"]);

    // The same size and the same modification time as before: only the change time and the
    // bytes say it changed.
    let ben = alice.join("contacts/ben-carver.md");
    let mtime = std::fs::metadata(&ben).unwrap().modified().unwrap();
    let text = std::fs::read_to_string(&ben).unwrap();
    std::fs::write(&ben, text.replace("Ben Carver", "Bob Carver")).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&ben)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    // Made executable; a file turned into a link; a file turned into a folder.
    let mut perms = std::fs::metadata(alice.join("run.sh"))
        .unwrap()
        .permissions();
    perms.set_mode(0o755);
    std::fs::set_permissions(alice.join("run.sh"), perms).unwrap();
    std::fs::remove_file(alice.join("brief.md")).unwrap();
    std::os::unix::fs::symlink("contacts/ben-carver.md", alice.join("brief.md")).unwrap();
    std::fs::remove_file(alice.join("out/index.html")).unwrap();
    std::fs::create_dir_all(alice.join("out/index.html")).unwrap();
    std::fs::write(alice.join("out/index.html/page.html"), "ignored\n").unwrap();
    std::fs::write(alice.join("out/week-48.html"), "ignored\n").unwrap();
    // New folders: what the ignore rules leave out stays out, deep or not.
    std::fs::create_dir_all(alice.join("playbooks/q2/drafts")).unwrap();
    std::fs::write(alice.join("playbooks/q2/plan.md"), "Plan.\n").unwrap();
    std::fs::write(alice.join("playbooks/q2/drafts/old.bak"), "ignored\n").unwrap();
    std::fs::write(alice.join("contacts/ben-carver.md.bak"), "ignored\n").unwrap();
    // Git's filters apply: a text file's line endings are stored as git would store them.
    let mut attributes = std::fs::read_to_string(alice.join(".gitattributes")).unwrap_or_default();
    attributes.push_str("*.txt text\n");
    std::fs::write(alice.join(".gitattributes"), attributes).unwrap();
    std::fs::write(alice.join("playbooks/q2/script.txt"), "Hello,\r\nbye.\r\n").unwrap();
    // Enough files that sync hashes them on every core rather than one by one.
    for n in 0..80 {
        std::fs::write(
            alice.join(format!("playbooks/q2/step-{n:02}.md")),
            format!("Step {n}.\n"),
        )
        .unwrap();
    }

    // Nothing was staged (the last commit was git's own): sync builds the commit's tree from
    // HEAD's, updating only the changed files' folders.
    sync_by_way(&alice, "tree built from HEAD's");
    let changed = git(&alice, &["show", "--name-status", "--format=", "HEAD"]);
    let (steps, mut lines): (Vec<&str>, Vec<&str>) = changed
        .lines()
        .partition(|l| l.starts_with("A\tplaybooks/q2/step-"));
    assert_eq!(steps.len(), 80, "{changed}");
    assert_eq!(
        git(&alice, &["show", "HEAD:playbooks/q2/script.txt"]),
        "Hello,\nbye.\n"
    );
    assert_eq!(
        git(&alice, &["show", "HEAD:playbooks/q2/step-42.md"]),
        "Step 42.\n"
    );
    lines.sort();
    assert_eq!(
        lines,
        [
            "A\tplaybooks/q2/plan.md",
            "A\tplaybooks/q2/script.txt",
            "D\tout/index.html",
            "M\t.gitattributes",
            "M\tcontacts/ben-carver.md",
            "M\trun.sh",
            "T\tbrief.md",
        ],
        "{changed}"
    );
    let mode = git(&alice, &["ls-tree", "HEAD", "run.sh", "brief.md"]);
    assert!(mode.contains("100755 blob"), "{mode}");
    assert!(mode.contains("120000 blob"), "{mode}");
    assert!(
        git(&alice, &["show", "HEAD:contacts/ben-carver.md"]).contains("Bob Carver"),
        "the same-size edit was committed"
    );
    // Nothing left that git would stage, and the index is fresh: a second sync has nothing to
    // commit.
    let left = git(&alice, &["status", "--porcelain", "--untracked-files=all"]);
    assert_eq!(left, "", "{left}");
    let head = rev(&alice, "HEAD");
    kith_in(&alice, &["sync"]).ok();
    assert_eq!(rev(&alice, "HEAD"), head);
}

/// Runs `kith sync` and asserts, from its phases traced on stderr, which way it built the
/// commit's tree: "tree built from HEAD's" or "tree written from the index".
#[track_caller]
fn sync_by_way(dir: &Path, way: &str) {
    let run = kith_env(dir, &[("NO_COLOR", "1"), ("KITH_TRACE", "1")], &["sync"]);
    run.ok();
    assert!(run.stderr.contains(way), "{}", run.stderr);
}

/// Sync builds its commit's tree from HEAD's only when git's index says nothing is staged;
/// whatever else the index holds (a `git add` of the user's, a file turned into a folder)
/// is committed too, the whole way.
#[test]
fn sync_commits_what_was_staged_and_what_the_quick_way_cannot_build() {
    let root = Ws::empty();
    let url = bare_remote(root.path());
    let alice = alice_with_origin(root.path(), &url);
    kith_in(&alice, &["sync"]).ok();
    let edit = |file: &str, from: &str, to: &str| {
        let path = alice.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    let clean = |when: &str| {
        let left = git(&alice, &["status", "--porcelain", "--untracked-files=all"]);
        assert_eq!(left, "", "{when}: {left}");
    };

    // Staged by the user with `git add` (the working tree and the index agree on it), and
    // changed without staging.
    edit("contacts/charlotte-dubois.md", "Charlotte", "Charlie");
    git(&alice, &["add", "contacts/charlotte-dubois.md"]);
    edit("contacts/ben-carver.md", "Ben Carver", "Bob Carver");
    sync_by_way(&alice, "tree written from the index");
    let changed = git(&alice, &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(
        changed, "contacts/ben-carver.md\ncontacts/charlotte-dubois.md\n",
        "{changed}"
    );
    clean("after a git add");

    // A file turned into a folder of the same name.
    std::fs::write(alice.join("plan.md"), "Plan.\n").unwrap();
    kith_in(&alice, &["sync"]).ok();
    std::fs::remove_file(alice.join("plan.md")).unwrap();
    std::fs::create_dir(alice.join("plan.md")).unwrap();
    std::fs::write(alice.join("plan.md/q1.md"), "Q1.\n").unwrap();
    sync_by_way(&alice, "tree written from the index");
    assert_eq!(git(&alice, &["show", "HEAD:plan.md/q1.md"]), "Q1.\n");
    clean("after a file became a folder");

    // And the quick way again: the index written after the last sync is valid at the root.
    edit("contacts/ben-carver.md", "Bob Carver", "Robert Carver");
    std::fs::remove_file(alice.join("plan.md/q1.md")).unwrap();
    sync_by_way(&alice, "tree built from HEAD's");
    let changed = git(&alice, &["show", "--name-status", "--format=", "HEAD"]);
    assert_eq!(
        changed, "M\tcontacts/ben-carver.md\nD\tplan.md/q1.md\n",
        "{changed}"
    );
    assert!(git(&alice, &["show", "HEAD:contacts/ben-carver.md"]).contains("Robert Carver"));
    clean("after the quick way");
    assert_eq!(rev(&alice, "HEAD"), rev(&alice, "origin/main"));
}

/// A damaged git index stops the sync before it commits anything, with the way to rebuild it;
/// done so, the next sync commits the change.
#[test]
fn a_damaged_index_stops_the_sync_and_says_how_to_rebuild_it() {
    let root = Ws::empty();
    let url = bare_remote(root.path());
    let alice = alice_with_origin(root.path(), &url);
    kith_in(&alice, &["sync"]).ok();
    let head = rev(&alice, "HEAD");
    let ben = alice.join("contacts/ben-carver.md");
    let text = std::fs::read_to_string(&ben).unwrap();
    std::fs::write(&ben, text.replace("Ben Carver", "Bob Carver")).unwrap();
    let index = alice.join(".git/index");
    let bytes = std::fs::read(&index).unwrap();
    std::fs::write(&index, &bytes[..100]).unwrap();

    let run = kith_in(&alice, &["sync"]);
    let err = run.fails(1);
    assert!(err.contains("cannot read git's index"), "{err}");
    assert!(err.contains("rm .git/index && git reset"), "{err}");
    assert_eq!(rev(&alice, "HEAD"), head);

    std::fs::remove_file(&index).unwrap();
    git(&alice, &["reset", "-q"]);
    kith_in(&alice, &["sync"]).ok();
    assert!(git(&alice, &["show", "HEAD:contacts/ben-carver.md"]).contains("Bob Carver"));
    assert_eq!(rev(&alice, "HEAD"), rev(&alice, "origin/main"));
}
