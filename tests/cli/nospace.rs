//! Writes the system refuses: a full disk and a read-only file system. Every command that
//! writes fails with a plain error that names the file and says what to do, and no record
//! changes (no temporary file is left behind either).
//!
//! The tests run as root in CI, where permissions stop nothing, so the refusals are real:
//! a small tmpfs filled up, a read-only bind mount, and a file-size limit (RLIMIT_FSIZE,
//! which needs no privilege and so runs everywhere). Where mounting is not allowed, the
//! read-only case falls back to `chmod` (not root) or `chattr +i` (root), and says so.

use crate::harness::{Ws, copy_dir, pinned_clock, repo_path};
use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A mount made for a test, undone when dropped.
struct Mount(PathBuf);

impl Mount {
    fn run(args: &[&std::ffi::OsStr]) -> bool {
        Command::new(args[0])
            .args(&args[1..])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// A tmpfs of `size` at `at`, if this machine lets us mount one.
    fn tmpfs(at: &Path, size: &str) -> Option<Mount> {
        let opts = format!("size={size}");
        Mount::run(&[
            "mount".as_ref(),
            "-t".as_ref(),
            "tmpfs".as_ref(),
            "-o".as_ref(),
            opts.as_ref(),
            "tmpfs".as_ref(),
            at.as_os_str(),
        ])
        .then(|| Mount(at.to_path_buf()))
    }

    /// `at` mounted over itself, read-only, if this machine lets us.
    fn read_only(at: &Path) -> Option<Mount> {
        let bound = Mount::run(&[
            "mount".as_ref(),
            "--bind".as_ref(),
            at.as_os_str(),
            at.as_os_str(),
        ]);
        if !bound {
            return None;
        }
        let mount = Mount(at.to_path_buf());
        Mount::run(&[
            "mount".as_ref(),
            "-o".as_ref(),
            "remount,ro,bind".as_ref(),
            at.as_os_str(),
        ])
        .then_some(mount)
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        Mount::run(&["umount".as_ref(), "-l".as_ref(), self.0.as_os_str()]);
    }
}

/// Every command that writes records, and the file its error must name.
fn writes(csv: &Path) -> Vec<(Vec<String>, &'static str)> {
    let csv = csv.to_string_lossy().into_owned();
    [
        (
            vec!["set", "ahmed-el-sayed", "phone=+49 30 1234567"],
            "contacts/ahmed-el-sayed.md",
        ),
        (
            vec!["log", "ahmed-el-sayed", "call", "talked about the renewal"],
            "contacts/ahmed-el-sayed.md",
        ),
        (
            vec![
                "new",
                "person",
                "Grace Hopper",
                "--set",
                "email=grace@navy.example",
            ],
            "contacts/grace-hopper.md",
        ),
        (vec!["import", &csv], "companies/analytical-engines.md"),
        (
            vec!["set", "--where", "lifecycle = lead", "owner=priya"],
            "contacts/",
        ),
        (vec!["qualify", "--apply"], "contacts/"),
        (
            vec!["task", "ahmed-el-sayed", "call back", "--due", "2026-12-01"],
            "contacts/ahmed-el-sayed.md",
        ),
    ]
    .into_iter()
    .map(|(a, name)| (a.into_iter().map(String::from).collect(), name))
    .collect()
}

fn records(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for dir in ["contacts", "companies", "deals"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let e = e.unwrap();
            out.insert(
                format!("{dir}/{}", e.file_name().to_string_lossy()),
                std::fs::read(e.path()).unwrap(),
            );
        }
    }
    out
}

/// Runs each writing command in `ws` (prepared by `refuse`, which makes writing fail and
/// returns what undoes it), and checks the refusal. `pre_exec` runs in the child.
fn assert_refused(ws: &Path, why: &[&str], limit: Option<libc::rlim_t>, mut undo: impl FnMut()) {
    let csv = repo_path("tests/fixtures/import/hubspot-contacts.csv");
    let before = records(ws);
    let mut failures = Vec::new();
    for (args, name) in writes(&csv) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kith"));
        cmd.args(&args)
            .current_dir(ws)
            .envs(pinned_clock())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", std::env::temp_dir())
            .env("NO_COLOR", "1");
        if let Some(limit) = limit {
            // SAFETY: only async-signal-safe calls between fork and exec.
            unsafe {
                cmd.pre_exec(move || {
                    let l = libc::rlimit {
                        rlim_cur: limit,
                        rlim_max: limit,
                    };
                    if libc::setrlimit(libc::RLIMIT_FSIZE, &l) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    // Ignored, the signal becomes the error EFBIG that kith reports.
                    libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                    Ok(())
                });
            }
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.success()
            || !why.iter().any(|w| stderr.contains(w))
            || !stderr.starts_with("error: cannot ")
            || !stderr.lines().next().is_some_and(|l| l.contains(name))
            || !stderr.contains("help: ")
        {
            failures.push(format!("kith {args:?} ({}):\n{stderr}", out.status));
        }
        if records(ws) != before {
            failures.push(format!("kith {args:?} changed records:\n{stderr}"));
        }
    }
    undo();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A copy of the example workspace (no git) in `dir`.
fn example_in(dir: &Path) {
    copy_dir(&repo_path("example-workspace"), dir);
}

#[test]
fn a_full_disk_changes_nothing_and_says_so() {
    let base = Ws::empty();
    let at = base.path().join("disk");
    std::fs::create_dir(&at).unwrap();
    let Some(_mount) = Mount::tmpfs(&at, "2m") else {
        eprintln!(
            "a_full_disk: mounting a tmpfs is not allowed here; the file-size limit test covers a refused write"
        );
        return;
    };
    example_in(&at);
    // Fill what is left.
    let filler = at.join("filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let block = vec![0u8; 4096];
    while std::io::Write::write_all(&mut f, &block).is_ok() {}
    drop(f);
    assert_refused(&at, &["No space left on device"], None, || {});
}

#[test]
fn a_file_size_limit_changes_nothing_and_says_so() {
    // Needs no privilege: runs on every machine.
    let ws = Ws::empty();
    example_in(ws.path());
    assert_refused(ws.path(), &["File too large"], Some(16), || {});
}

#[test]
fn a_read_only_workspace_changes_nothing_and_says_so() {
    let ws = Ws::empty();
    example_in(ws.path());
    if let Some(mount) = Mount::read_only(ws.path()) {
        assert_refused(ws.path(), &["Read-only file system"], None, || {});
        drop(mount);
        return;
    }
    // No mounting here: make the record folders themselves unwritable.
    let dirs: Vec<PathBuf> = ["contacts", "companies", "deals"]
        .iter()
        .map(|d| ws.path().join(d))
        .collect();
    let root = unsafe { libc::geteuid() } == 0;
    let (tool, on, off): (&str, &[&str], &[&str]) = if root {
        ("chattr", &["+i"], &["-i"])
    } else {
        ("chmod", &["a-w"], &["u+w"])
    };
    let set = |args: &[&str]| {
        Command::new(tool)
            .args(args)
            .args(&dirs)
            .status()
            .is_ok_and(|s| s.success())
    };
    if !set(on) {
        eprintln!(
            "a_read_only_workspace: neither a read-only mount nor `{tool}` works here; the file-size limit test covers a refused write"
        );
        return;
    }
    eprintln!(
        "a_read_only_workspace: no mount allowed, the folders are made unwritable with {tool}"
    );
    assert_refused(
        ws.path(),
        &["Permission denied", "Operation not permitted"],
        None,
        || {
            set(off);
        },
    );
}
