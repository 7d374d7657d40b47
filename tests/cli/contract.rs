//! The promises every command keeps: a dry run writes nothing, kith's options are options
//! wherever they stand, one exit-code contract (0 success, 1 user error or diagnostics, 2 usage
//! error), a failed write to stdout is an error, and other commands than `kith check` sum up
//! the records' problems in one line.

use crate::harness::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every file under `dir` but `.git/`, with its bytes: the workspace as a dry run must leave it
/// (the cache in `.kith/cache/` included).
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_path_buf();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Asserts that two trees hold the same files with the same bytes, naming those that differ.
#[track_caller]
fn assert_same_tree(
    before: &BTreeMap<PathBuf, Vec<u8>>,
    after: &BTreeMap<PathBuf, Vec<u8>>,
    what: &str,
) {
    let differ: Vec<&PathBuf> = before
        .keys()
        .chain(after.keys())
        .filter(|p| before.get(*p) != after.get(*p))
        .collect();
    assert!(differ.is_empty(), "{what} changed {differ:?}");
}

/// `args` with `--dry-run` first (before the command), in the middle (before the first value
/// that follows the command and is not an option's) and last.
fn dry_run_placements<'a>(args: &[&'a str]) -> Vec<Vec<&'a str>> {
    let mut first = vec!["--dry-run"];
    first.extend(args);
    let mut middle = args.to_vec();
    let at = (2..args.len())
        .find(|&i| !args[i].starts_with('-') && !args[i - 1].starts_with('-'))
        .unwrap_or(1);
    middle.insert(at, "--dry-run");
    let mut last = args.to_vec();
    last.push("--dry-run");
    vec![first, middle, last]
}

/// Every command that writes records, each as a command line that writes when run for real.
const WRITING: &[&[&str]] = &[
    &["new", "contact", "Zed Quist", "--set", "title=CTO"],
    &["set", "ben-carver", "phone=+1 617 555 0100", "title=CTO"],
    &["set", "--where", "lifecycle = customer", "owner=sam"],
    &["unset", "ben-carver", "phone"],
    &["tag", "ben-carver", "+x", "-north-america"],
    &["tag", "--where", "lifecycle = customer", "+t"],
    &[
        "tag",
        "--segment",
        "decision-makers",
        "+p",
        "--as-of",
        "2026-11-25",
    ],
    &[
        "log",
        "ben-carver",
        "call",
        "talked pricing",
        "--date",
        "2026-11-24",
    ],
    &["promote", "clara-albrecht"],
    &["convert", "felix-hoffmann"],
    &["qualify", "--apply"],
    &["advance", "--apply"],
    &["merge", "ahmed-el-sayed", "charlotte-dubois"],
    &["forget", "katharina-gruber", "--yes"],
    &[
        "task",
        "ben-carver",
        "send the quote",
        "--due",
        "2026-11-30",
    ],
    &["done", "ben-carver", "1", "--log"],
    &["snooze", "ben-carver", "1", "--to", "2026-12-10"],
];

#[test]
fn every_writing_command_with_dry_run_anywhere_leaves_every_byte() {
    let ws = Ws::example();
    // A cache as a real run leaves it, so that a dry run that rewrote it would show.
    ws.kith(&["list"]).ok();
    let before = tree(ws.path());
    for args in WRITING {
        for line in dry_run_placements(args) {
            let run = ws.kith(&line);
            run.ok();
            assert!(
                !run.stdout.is_empty() || !run.stderr.is_empty(),
                "{line:?} says nothing"
            );
            assert_same_tree(&before, &tree(ws.path()), &format!("{line:?}"));
        }
    }
    ws.assert_untouched();
    // Each of them writes when run for real (else the matrix above proves nothing).
    for args in WRITING {
        let ws = Ws::example();
        let before = tree(ws.path());
        ws.kith(args).ok();
        assert_ne!(before, tree(ws.path()), "{args:?} wrote nothing for real");
    }
}

#[test]
fn a_dry_run_on_a_workspace_without_a_cache_makes_none() {
    let ws = Ws::example();
    let before = tree(ws.path());
    let out = ws.kith(&["tag", "ben-carver", "+x", "--dry-run"]);
    assert_eq!(out.ok(), "contacts/ben-carver.md: would change: tags +x\n");
    ws.kith(&["--dry-run", "new", "company", "Umbra Labs"]).ok();
    // What the commands sum up says so too.
    let out = ws.kith(&["qualify", "--apply", "--dry-run"]);
    assert!(
        out.ok().contains(": would change: lifecycle lead → mql"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.ends_with("people would move\n"),
        "{}",
        out.stderr
    );
    let out = ws.kith(&["advance", "--apply", "--dry-run"]);
    assert!(out.stderr.contains("would be written to"), "{}", out.stderr);
    assert_same_tree(&before, &tree(ws.path()), "the dry runs");
    assert!(!ws.file(".kith").exists());
}

#[test]
fn a_dry_run_fails_where_the_real_run_would() {
    let ws = Ws::example();
    // The change is made and checked in memory: what the real run refuses, a dry run does.
    let err = ws
        .kith(&["set", "ben-carver", "email=nope", "--dry-run"])
        .fails(1)
        .to_string();
    assert!(err.contains("is not a valid e-mail address"), "{err}");
    let err = ws
        .kith(&["promote", "aisha-rahman", "lead", "--dry-run"])
        .fails(1)
        .to_string();
    assert!(err.contains("--force"), "{err}");
    let err = ws
        .kith(&[
            "new",
            "contact",
            "Dup",
            "--set",
            "email=ben.carver@tidewaterretail.example",
            "--dry-run",
        ])
        .fails(1)
        .to_string();
    assert!(err.contains("already has the e-mail address"), "{err}");
    ws.assert_untouched();
}

#[test]
fn commands_that_write_more_than_records_refuse_a_dry_run() {
    let ws = Ws::example();
    let before = tree(ws.path());
    for (args, name) in [
        (&["init", "new-crm"][..], "init"),
        (&["demo", "demo-crm"], "demo"),
        (&["edit", "ben-carver"], "edit"),
        (&["sync"], "sync"),
        (&["clone", "../x", "copy"], "clone"),
        (&["install-merge-driver"], "install-merge-driver"),
        (&["report"], "report"),
        (&["watch", "--once"], "watch"),
        (&["serve"], "serve"),
        (&["cache", "clear"], "cache clear"),
        (
            &["export", "--format", "csv", "-o", "out.csv"],
            "export --output",
        ),
    ] {
        for line in dry_run_placements(args) {
            let err = ws.kith(&line).fails(2).to_string();
            assert!(
                err.starts_with(&format!("error: `kith {name}` has no dry run")),
                "{line:?}: {err}"
            );
        }
    }
    assert_same_tree(&before, &tree(ws.path()), "refused dry runs");
}

#[test]
fn options_among_tag_values_are_options_wherever_they_stand() {
    let ws = Ws::example();
    let before = tree(ws.path());
    for line in [
        &["tag", "ben-carver", "+x", "--dry-run"][..],
        &["tag", "--where", "lifecycle = customer", "+t", "--dry-run"],
        &[
            "tag",
            "--segment",
            "decision-makers",
            "+p",
            "--dry-run",
            "--as-of",
            "2026-11-25",
        ],
        &[
            "tag",
            "ben-carver",
            "-north-america",
            "--dry-run",
            "-C",
            ".",
        ],
        &[
            "tag",
            "ben-carver",
            "--no-cache",
            "+x",
            "--color=never",
            "--dry-run",
        ],
    ] {
        let out = ws.kith(line);
        assert!(
            out.ok().contains("would change: tags"),
            "{line:?}: {}",
            out.stdout
        );
        assert!(
            !out.stdout.contains("2026-11-25"),
            "{line:?}: {}",
            out.stdout
        );
    }
    assert_same_tree(&before, &tree(ws.path()), "dry runs of tag");

    // `--color never` is the colour option, not the tag `never`.
    let out = ws.kith(&[
        "tag",
        "ben-carver",
        "--color",
        "never",
        "+b",
        "-north-america",
    ]);
    assert_eq!(out.ok(), "contacts/ben-carver.md: tags +b -north-america\n");
    assert!(!ws.read("contacts/ben-carver.md").contains("never"));
    // A help option is help, wherever it stands.
    let help = ws.kith(&["tag", "ben-carver", "+y", "-h"]);
    assert!(
        help.ok().starts_with("Add or remove tags"),
        "{}",
        help.stdout
    );
}

#[test]
fn a_value_that_looks_like_an_option_is_refused_not_stored() {
    let ws = Ws::example();
    let before = tree(ws.path());
    let err = ws
        .kith(&["tag", "ben-carver", "+x", "--dryrun"])
        .fails(2)
        .to_string();
    assert!(
        err.starts_with("error: `--dryrun` is not an option of `kith tag`\n"),
        "{err}"
    );
    assert!(err.contains("tip: did you mean `--dry-run`?"), "{err}");
    assert!(
        err.contains("goes after `--`: `kith tag ... -- --dryrun`"),
        "{err}"
    );
    for line in [
        &[
            "tag",
            "--segment",
            "decision-makers",
            "+p",
            "--as-off",
            "2026-11-25",
        ][..],
        &["set", "ben-carver", "title=CTO", "--dryrun"],
        &["unset", "ben-carver", "phone", "--force"],
        &["log", "ben-carver", "call", "hello", "--dat", "2026-11-24"],
        &["task", "ben-carver", "call back", "--dry"],
    ] {
        let out = ws.kith(line);
        out.fails(2);
        assert_eq!(out.stdout, "", "{line:?}");
    }
    assert_same_tree(&before, &tree(ws.path()), "refused command lines");

    // After `--`, a value is a value: `+--odd` adds the tag `--odd`.
    let out = ws.kith(&["tag", "ben-carver", "--", "+--odd"]);
    assert_eq!(out.ok(), "contacts/ben-carver.md: tags +--odd\n");
}

/// The exit code and the start of stderr for each command's error paths: 1 for a user error
/// (the records or kith.yaml say no), 2 for a command line of the wrong form.
#[test]
fn every_commands_error_paths_follow_the_exit_code_contract() {
    let ws = Ws::example();
    let csv = tempfile::tempdir().unwrap();
    let csv_path = csv.path().join("people.csv");
    std::fs::write(&csv_path, "Email,Name\n").unwrap();
    let csv_path = csv_path.to_str().unwrap();
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["frobnicate"],
            2,
            "error: unrecognized subcommand 'frobnicate'",
        ),
        (&["init", "kith.yaml"], 1, "error: cannot create"),
        (&["demo", "contacts"], 1, "error: contacts is not empty"),
        (&["new", "contact", ""], 2, "error: the name is empty"),
        (&["new", "widget", "X"], 2, "error: invalid value 'widget'"),
        (
            &["new", "contact", "Bo", "--set", "title"],
            2,
            "error: `title` is not KEY=VALUE",
        ),
        (
            &["new", "contact", "Bo", "--set", "seats=many"],
            1,
            "error: `seats` must be a whole number",
        ),
        (&["show", "nobody"], 1, "error: no record matches `nobody`"),
        (&["show"], 2, "error: the following required arguments"),
        (&["list", "--sort", "nam"], 1, "error: cannot sort by `nam`"),
        (&["list", "widgets"], 2, "error: invalid value 'widgets'"),
        (
            &["list", "--lifecycle", "banana"],
            1,
            "error: unknown lifecycle stage `banana`",
        ),
        (
            &["list", "--as-of", "someday", "--sort", "score"],
            2,
            "error: `someday` is not a valid date",
        ),
        (
            &["set", "ben-carver", "nokey"],
            2,
            "error: `nokey` is not KEY=VALUE",
        ),
        (
            &["set", "ben-carver", "=x"],
            2,
            "error: `` is not a valid field name",
        ),
        (
            &["set", "ben-carver", "title="],
            2,
            "error: no value for `title`",
        ),
        (&["set", "ben-carver"], 2, "error: nothing to set"),
        (
            &["set", "nobody", "title=CTO"],
            1,
            "error: no record matches `nobody`",
        ),
        (
            &["set", "ben-carver", "seats=many"],
            1,
            "error: `seats` must be a whole number",
        ),
        (
            &["set", "--where", "country = JP", "owner=sam"],
            1,
            "error: no record matches, so nothing changes",
        ),
        (
            &["unset", "nobody", "phone"],
            1,
            "error: no record matches `nobody`",
        ),
        (
            &["unset", "ben-carver"],
            2,
            "error: the following required arguments",
        ),
        (
            &["tag", "ben-carver", "+a,b"],
            2,
            "error: `+a,b` is not a tag",
        ),
        (&["tag", "ben-carver"], 2, "error: no tags given"),
        (
            &["tag", "nobody", "+x"],
            1,
            "error: no record matches `nobody`",
        ),
        (
            &["tag", "--segment", "nope", "+x"],
            1,
            "error: no segment named `nope`",
        ),
        (
            &["log", "ben-carver", "call", "hi", "--date", "2026-02-30"],
            2,
            "error: `2026-02-30` is not a valid date",
        ),
        (
            &["log", "ben-carver", "call", "hi", "--time", "25:00"],
            2,
            "error: `25:00` is not a time",
        ),
        (
            &["log", "ben-carver", "phone call", "hi"],
            2,
            "error: `phone call` is not an activity type",
        ),
        (
            &["log", "ben-carver", "call", " "],
            2,
            "error: the activity text is empty",
        ),
        (
            &["log", "nobody", "call", "hi"],
            1,
            "error: no record matches `nobody`",
        ),
        (
            &["log", "ben-carver", "call", "hi", "--deal", "nodeal"],
            1,
            "error: there is no deal `nodeal`",
        ),
        (&["promote", "ben-carver", "banana"], 1, "error:"),
        (
            &["promote", "nobody"],
            1,
            "error: no contact matches `nobody`",
        ),
        (
            &["convert", "nobody"],
            1,
            "error: no contact matches `nobody`",
        ),
        (
            &["convert", "ben-carver", "--amount", "lots"],
            2,
            "error: invalid value 'lots'",
        ),
        (&["edit", "nobody"], 1, "error: no record matches `nobody`"),
        (
            &["check", "--format", "xml"],
            2,
            "error: invalid value 'xml'",
        ),
        (
            &["segments", "--as-of", "someday"],
            2,
            "error: `someday` is not a valid date",
        ),
        (
            &["score", "nobody"],
            1,
            "error: no contact matches `nobody`",
        ),
        (&["score"], 2, "error: the following required arguments"),
        (
            &["qualify", "--as-of", "x"],
            2,
            "error: `x` is not a valid date",
        ),
        (&["find"], 2, "error: the following required arguments"),
        (
            &["duplicates", "--format", "xml"],
            2,
            "error: invalid value 'xml'",
        ),
        (
            &["merge", "nobody", "ben-carver"],
            1,
            "error: no record matches `nobody`",
        ),
        (
            &["forget", "nobody", "--yes"],
            1,
            "error: no record matches `nobody`",
        ),
        (
            &["task", "ben-carver", " "],
            2,
            "error: the task's text is empty",
        ),
        (
            &["task", "ben-carver", "x", "--due", "soon"],
            2,
            "error: `soon` is not a valid date",
        ),
        (
            &["task", "ben-carver", "x", "--type", "a b"],
            2,
            "error: `a b` is not a task type",
        ),
        (
            &["task", "nobody", "x"],
            1,
            "error: no record matches `nobody`",
        ),
        (
            &["done", "ben-carver", "9"],
            1,
            "error: contacts/ben-carver.md has 2 open tasks; there is no task 9",
        ),
        (
            &["done", "ben-carver", "0"],
            1,
            "error: contacts/ben-carver.md has 2 open tasks; there is no task 0",
        ),
        (
            &["done", "ben-carver"],
            1,
            "error: contacts/ben-carver.md has 2 open tasks; say which",
        ),
        (
            &["done", "alex-moreau"],
            1,
            "error: contacts/alex-moreau.md has no open tasks",
        ),
        (
            &["done", "ben-carver", "one"],
            2,
            "error: invalid value 'one'",
        ),
        (
            &["snooze", "ben-carver", "1"],
            2,
            "error: the following required arguments",
        ),
        (
            &["snooze", "ben-carver", "9", "--to", "2026-12-01"],
            1,
            "error: contacts/ben-carver.md has 2 open tasks; there is no task 9",
        ),
        (
            &["snooze", "ben-carver", "1", "--to", "soon"],
            2,
            "error: `soon` is not a valid date",
        ),
        (&["due", "--format", "xml"], 2, "error: invalid value 'xml'"),
        (
            &["due", "--as-of", "x"],
            2,
            "error: `x` is not a valid date",
        ),
        (
            &["workflows", "--as-of", "x"],
            2,
            "error: `x` is not a valid date",
        ),
        (
            &["advance", "--as-of", "x"],
            2,
            "error: `x` is not a valid date",
        ),
        // No remote, and no git identity here: a user error either way.
        (&["sync"], 1, "error: "),
        (
            &["history", "nobody"],
            1,
            "error: no record matches `nobody`",
        ),
        (&["blame", "nobody"], 1, "error: no record matches `nobody`"),
        (
            &["conflicts", "--format", "xml"],
            2,
            "error: invalid value 'xml'",
        ),
        (
            &[
                "resolve",
                "ben-carver",
                "--field",
                "phone",
                "--take",
                "theirs",
            ],
            1,
            "error: contacts/ben-carver.md has no conflict on `phone`",
        ),
        (
            &["resolve", "ben-carver", "--field", "phone"],
            2,
            "error: the following required arguments",
        ),
        (
            &["import", "nofile.csv"],
            1,
            "error: cannot read nofile.csv",
        ),
        (
            &["import", csv_path, "--map", "nonsense"],
            2,
            "error: --map takes",
        ),
        (&["export"], 2, "error: the following required arguments"),
        (
            &["export", "--format", "vcf", "--kind", "companies"],
            2,
            "error: vCards hold people",
        ),
        (
            &["export", "--format", "csv", "--segment", "nope"],
            1,
            "error: no segment named `nope`",
        ),
        (
            &["export", "--format", "csv", "--as-of", "x"],
            2,
            "error: `x` is not a valid date",
        ),
        (
            &["report", "--week", "48"],
            2,
            "error: `48` is not an ISO week",
        ),
        (
            &["report", "--as-of", "x"],
            2,
            "error: `x` is not a valid date",
        ),
        (&["serve", "--port", "x"], 2, "error: invalid value 'x'"),
        (
            &["cache", "frob"],
            2,
            "error: unrecognized subcommand 'frob'",
        ),
    ];
    // Outside any workspace, and commands with no other error path of their own.
    let elsewhere = tempfile::tempdir().unwrap();
    let outside = elsewhere.path().to_str().unwrap();
    let more: &[(&[&str], i32, &str)] = &[
        (
            &["-C", outside, "status"],
            1,
            "error: not in a kith workspace",
        ),
        (
            &["-C", outside, "install-merge-driver"],
            1,
            "error: not in a kith workspace",
        ),
        (
            &["-C", "no-such-folder", "list"],
            1,
            "error: no such folder",
        ),
        (
            &["status", "extra"],
            2,
            "error: unexpected argument 'extra'",
        ),
        (
            &["install-merge-driver", "--x"],
            2,
            "error: unexpected argument '--x'",
        ),
        (
            &["watch", "--debounce-ms", "x"],
            2,
            "error: invalid value 'x'",
        ),
        (
            &["merge-driver", "a", "b"],
            2,
            "error: the following required arguments",
        ),
        (
            &["merge", "ben-carver"],
            2,
            "error: the following required arguments",
        ),
        (&["history"], 2, "error: the following required arguments"),
        (&["gen"], 2, "error: the following required arguments"),
    ];
    let wrong: Vec<String> = cases
        .iter()
        .chain(more)
        .filter_map(|(args, code, start)| {
            let out = ws.kith(args);
            (out.code != *code || !out.stderr.starts_with(start) || !out.stdout.is_empty()).then(
                || {
                    format!(
                        "{args:?} exits {}, expected {code}:\n{}{}",
                        out.code, out.stdout, out.stderr
                    )
                },
            )
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // git says what went wrong first, then kith.
    let err = kith_in(elsewhere.path(), &["clone", "/no/such/repository"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("error: `git clone /no/such/repository` failed"),
        "{err}"
    );
    // (A command that fails after loading may still have cached the records it read.)
    ws.assert_untouched();
}

#[test]
fn the_exit_code_contract_is_in_the_help() {
    let ws = Ws::example();
    let help = ws.kith(&["--help"]);
    let help = help.ok();
    assert!(
        help.contains("Exit codes (every command):\n  0  success"),
        "{help}"
    );
    assert!(help.contains("\n  2  a command-line usage error"), "{help}");
    // The README and the guide's command reference.
    for doc in ["README.md", "docs/src/commands.md"] {
        let text = std::fs::read_to_string(repo_path(doc)).unwrap();
        assert!(
            text.contains("**Exit codes**, the same for every command"),
            "{doc} does not state the exit-code contract"
        );
    }
}

/// Runs kith through `sh -c`, so that the redirection is the shell's.
fn kith_sh(ws: &Ws, script: &str) -> Run {
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .env("KITH", env!("CARGO_BIN_EXE_kith"))
        .envs(pinned_clock())
        .env("NO_COLOR", "1")
        .env("HOME", ws.path())
        .current_dir(ws.path())
        .output()
        .expect("run sh");
    Run::from(out)
}

#[test]
fn a_failed_write_to_stdout_is_an_error() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let ws = Ws::example();
    for args in [
        "export --format csv",
        "export --format json",
        "list",
        "list --format csv",
        "check --format json",
        "due --format ics",
        "show ben-carver",
    ] {
        let out = kith_sh(&ws, &format!("\"$KITH\" {args} > /dev/full"));
        let err = out.fails(1);
        assert!(
            err.contains(
                "error: cannot write to standard output\n  caused by: No space left on device"
            ),
            "{args}: {err}"
        );
        assert!(err.contains("help: the disk is full"), "{args}: {err}");
    }
}

#[test]
fn a_closed_pipe_is_a_quiet_success() {
    // Enough records that the output overflows the pipe's buffer after `head` is gone.
    let dir = tempfile::tempdir().unwrap();
    let ws = Ws { dir };
    kith_in(ws.path(), &["gen", ".", "-n", "2000"]).ok();
    for args in [
        "list",
        "export --format csv",
        "list --format json",
        "due --format ics",
    ] {
        // kith's own exit code and stderr, not head's.
        let out = kith_sh(
            &ws,
            &format!(
                "{{ \"$KITH\" {args} 2>err; echo $? >code; }} | head -c 1 >/dev/null; cat code err"
            ),
        );
        assert_eq!(out.ok(), "0\n", "{args}");
    }
}

#[test]
fn list_sort_by_an_unknown_field_is_an_error_with_a_did_you_mean() {
    let ws = Ws::example();
    let err = ws
        .kith(&["list", "--sort", "nosuchfield"])
        .fails(1)
        .to_string();
    assert!(
        err.starts_with("error: cannot sort by `nosuchfield`: no contact has that field\n  help: fields: id, name,"),
        "{err}"
    );
    let err = ws
        .kith(&["list", "deals", "--sort", "amout"])
        .fails(1)
        .to_string();
    assert!(err.contains("help: did you mean `amount`?"), "{err}");
    // Built-in, computed, declared and undeclared fields all sort.
    for (kind, field) in [
        ("contacts", "name"),
        ("contacts", "score"),
        ("contacts", "seats"),
        ("contacts", "linkedin"),
        ("deals", "close_date"),
        ("companies", "size"),
    ] {
        ws.kith(&["list", kind, "--sort", field]).ok();
    }
}

#[test]
fn other_commands_than_check_sum_up_the_problems_in_one_line() {
    let ws = Ws::example();
    ws.write(
        "contacts/zz-bad.md",
        "---\nname: Zed\nemail: nope\nlifecycle: banana\n---\n",
    );
    ws.write(
        "contacts/zz-odd.md",
        "---\nname: Zoe\ncreated: 2026-13-01\n---\n",
    );
    let check = ws.kith(&["check"]);
    check.fails(1);
    assert!(check.stdout.contains("[invalid-email]"), "{}", check.stdout);
    let summary = "3 errors in 106 records; `kith check` lists them\n";
    for args in [
        &["list"][..],
        &["list"], // from the cache this time: the same line
        &["list", "--no-cache"],
        &["show", "ben-carver"],
        &["due"],
        &["set", "ben-carver", "title=CTO"],
        &["report", "--no-records"],
    ] {
        let out = ws.kith(args);
        out.ok();
        assert_eq!(
            out.stderr
                .lines()
                .filter(|l| l.contains("kith check"))
                .count(),
            1,
            "{args:?}"
        );
        assert!(
            out.stderr.starts_with(summary) || out.stderr.contains(&format!("\n{summary}")),
            "{args:?}: {}",
            out.stderr
        );
        assert!(
            !out.stderr.contains("invalid-email"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(
            !out.stdout.contains("invalid-email"),
            "{args:?}: {}",
            out.stdout
        );
    }
    std::fs::remove_file(ws.file("contacts/zz-bad.md")).unwrap();
    std::fs::remove_file(ws.file("contacts/zz-odd.md")).unwrap();
    let out = ws.kith(&["list"]);
    out.ok();
    assert_eq!(out.stderr, "");
}
