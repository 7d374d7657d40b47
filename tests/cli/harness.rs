//! Test harness: temporary workspaces and a runner for the real binary.

#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The date every test runs on, so outputs are reproducible.
pub const TODAY: &str = "2026-11-25";

/// When the commits a test makes without naming a date are made: noon of [`TODAY`].
pub const NOW: &str = "2026-11-25T12:00:00Z";

/// The environment that pins every clock a test depends on: kith's today, and the author and
/// committer dates of every commit that git or kith makes. Every command a test runs gets it
/// (a test that needs another date names it, as [`git_as`] does), so that the suite passes on
/// any day of the year; `.ci/run` proves it by running the suite a year ahead under faketime.
pub fn pinned_clock() -> [(&'static str, &'static str); 3] {
    [
        ("KITH_TODAY", TODAY),
        ("GIT_AUTHOR_DATE", NOW),
        ("GIT_COMMITTER_DATE", NOW),
    ]
}

/// A temporary workspace (deleted on drop).
pub struct Ws {
    pub dir: tempfile::TempDir,
}

impl Ws {
    /// A copy of `example-workspace/` as its own git repository with one commit.
    pub fn example() -> Ws {
        let ws = Ws {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        copy_dir(&repo_path("example-workspace"), ws.path());
        init_and_commit(ws.path(), "example");
        ws
    }

    /// An empty folder (no workspace yet).
    pub fn empty() -> Ws {
        Ws {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A workspace with the given kith.yaml and no records.
    pub fn with_config(config: &str) -> Ws {
        let ws = Ws::empty();
        std::fs::write(ws.path().join("kith.yaml"), config).unwrap();
        for d in ["contacts", "companies", "deals"] {
            std::fs::create_dir_all(ws.path().join(d)).unwrap();
        }
        ws
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, rel: &str) -> PathBuf {
        self.path().join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.file(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.file(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Runs kith in the workspace.
    pub fn kith(&self, args: &[&str]) -> Run {
        kith_in(self.path(), args)
    }

    /// The added and removed lines of `git diff -U0`, without the file headers.
    pub fn changes(&self) -> Vec<String> {
        self.diff()
            .lines()
            .filter(|l| !l.starts_with("--- a/") && !l.starts_with("+++ b/"))
            .filter(|l| l.starts_with('+') || l.starts_with('-'))
            .map(str::to_string)
            .collect()
    }

    /// `git status --porcelain` with every untracked file listed.
    pub fn status(&self) -> String {
        status(self.path())
    }

    /// Asserts that nothing in the workspace changed.
    #[track_caller]
    pub fn assert_untouched(&self) {
        assert_eq!(self.status(), "", "the workspace changed");
    }

    /// `git diff` of the working tree against HEAD.
    pub fn diff(&self) -> String {
        let out = Command::new("git")
            .args(["diff", "--no-color", "-U0"])
            .current_dir(self.path())
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    }
}

/// Runs kith with `cwd` as the current directory, today pinned, colour off.
pub fn kith_in(cwd: &Path, args: &[&str]) -> Run {
    kith_env(cwd, &[("NO_COLOR", "1")], args)
}

/// Runs kith like [`kith_in`], with exactly these colour and editor variables (output is a
/// pipe, never a terminal).
pub fn kith_env(cwd: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kith"));
    cmd.args(args)
        .current_dir(cwd)
        .envs(pinned_clock())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", cwd);
    for var in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "VISUAL", "EDITOR"] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    Run::from(cmd.output().expect("run kith"))
}

/// The outcome of one run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Asserts success and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        &self.stdout
    }

    /// Asserts failure with this exit code and returns stderr.
    #[track_caller]
    pub fn fails(&self, code: i32) -> &str {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        &self.stderr
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", self.stdout))
    }
}

/// `git status --porcelain` of a folder, with every untracked file listed.
pub fn status(dir: &Path) -> String {
    git(dir, &["status", "--porcelain", "--untracked-files=all"])
}

/// The last line of a `kith list` table (`72 contacts`).
pub fn count_line(table: &str) -> &str {
    table.lines().last().unwrap_or("")
}

pub fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// `git init` (branch `main`) and a first commit of everything in `dir`.
pub fn init_and_commit(dir: &Path, message: &str) {
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .envs(pinned_clock())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[derive(Clone, Copy)]
/// Who makes a commit in a test.
pub struct Author {
    pub name: &'static str,
    pub email: &'static str,
}

/// Runs git as `who` at `date` (author and committer), with `KITH_TODAY` pinned for the merge
/// driver and hook it may run. Does not assert success.
pub fn git_as(dir: &Path, who: Author, date: &str, args: &[&str]) -> Run {
    let out = Command::new("git")
        .args(["-c", "commit.gpgsign=false", "-c", "core.editor=true"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("GIT_AUTHOR_NAME", who.name)
        .env("GIT_AUTHOR_EMAIL", who.email)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_NAME", who.name)
        .env("GIT_COMMITTER_EMAIL", who.email)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_MERGE_AUTOEDIT", "no")
        .env("KITH_TODAY", TODAY)
        .env("NO_COLOR", "1")
        .env("LC_ALL", "C")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("run git");
    Run::from(out)
}

/// [`git_as`], asserting success; returns stdout.
#[track_caller]
pub fn git_ok(dir: &Path, who: Author, date: &str, args: &[&str]) -> String {
    let run = git_as(dir, who, date, args);
    assert_eq!(
        run.code, 0,
        "git {args:?} failed\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    run.stdout
}

/// Stages everything and commits it (the pre-commit hook, if installed, runs).
#[track_caller]
pub fn commit_all(dir: &Path, who: Author, date: &str, message: &str) {
    git_ok(dir, who, date, &["add", "-A"]);
    git_ok(dir, who, date, &["commit", "-q", "-m", message]);
}

/// Starts a long-running kith (`watch`, `serve`) in `cwd` with today pinned and colour off;
/// its stdout arrives line by line on the receiver.
pub fn spawn_kith(
    cwd: &Path,
    args: &[&std::ffi::OsStr],
) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_kith"))
        .args(args)
        .current_dir(cwd)
        .envs(pinned_clock())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("start kith");
    let out = child.stdout.take().expect("piped stdout");
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, lines)
}

/// Runs kith in `cwd` and fails the test if it has not finished within `limit`.
#[track_caller]
pub fn within(limit: Duration, cwd: &Path, args: &[&str]) -> (Run, Duration) {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kith"))
        .args(args)
        .current_dir(cwd)
        .envs(pinned_clock())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = r.read_to_end(&mut s);
            String::from_utf8_lossy(&s).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("kith {args:?} still running after {limit:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let run = Run {
        code: status.code().unwrap_or(-1),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    (run, start.elapsed())
}

/// A small deterministic generator (xorshift) for tests of random changes, so that a failure
/// can be replayed from its seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}
