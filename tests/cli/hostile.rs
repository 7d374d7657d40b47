//! Hostile workspaces: links out of the workspace, pipes and devices, huge records, deep
//! YAML, NUL bytes and names that collide on other file systems. Each is reported with a
//! diagnostic, nothing outside the workspace is read or written, and kith never hangs: every
//! run here has a deadline.

use crate::harness::{Run, Ws, within};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Long enough for a debug build on a busy machine; a hang never finishes.
const SOON: Duration = Duration::from_secs(30);

/// `kith check`'s report (stdout and stderr) within the deadline.
#[track_caller]
fn check(ws: &Ws) -> (Run, String) {
    let (run, _) = within(SOON, ws.path(), &["check"]);
    let text = format!("{}{}", run.stdout, run.stderr);
    (run, text)
}

const PERSON: &str = "---\nname: Ada Lovelace\nemail: ada@analytical.example\n---\n";

fn workspace() -> Ws {
    let ws = Ws::with_config("name: hostile\n");
    ws.write("contacts/ada-lovelace.md", PERSON);
    ws
}

/// A folder outside the workspace holding a record with a name nobody should ever see.
fn outside() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("secret.md"),
        "---\nname: Outside Secret\nemail: secret@outside.example\n---\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_record_linking_out_of_the_workspace_is_not_followed() {
    let ws = workspace();
    let out = outside();
    std::os::unix::fs::symlink(out.path().join("secret.md"), ws.file("contacts/secret.md"))
        .unwrap();
    let (run, text) = check(&ws);
    assert_eq!(run.code, 1, "{text}");
    assert!(text.contains("contacts/secret.md"), "{text}");
    assert!(text.contains("symlink-outside"), "{text}");
    let (list, _) = within(SOON, ws.path(), &["list", "--format", "json"]);
    assert!(!list.stdout.contains("Outside Secret"), "{}", list.stdout);
    let (set, _) = within(SOON, ws.path(), &["set", "secret", "title=CEO"]);
    assert_ne!(set.code, 0);
    assert!(
        set.stderr.contains("outside the workspace"),
        "{}",
        set.stderr
    );
    assert!(
        std::fs::read_to_string(out.path().join("secret.md"))
            .unwrap()
            .ends_with("---\n")
    );
}

#[test]
fn a_record_folder_linking_out_of_the_workspace_is_not_read_or_written() {
    let ws = Ws::with_config("name: hostile\n");
    std::fs::remove_dir(ws.file("contacts")).unwrap();
    let out = outside();
    std::os::unix::fs::symlink(out.path(), ws.file("contacts")).unwrap();
    let (run, text) = check(&ws);
    assert_eq!(run.code, 1, "{text}");
    assert!(text.contains("folder-outside"), "{text}");
    assert!(text.contains("contacts/"), "{text}");
    let (list, _) = within(SOON, ws.path(), &["list", "--format", "json"]);
    assert!(!list.stdout.contains("Outside Secret"), "{}", list.stdout);
    let (new, _) = within(SOON, ws.path(), &["new", "person", "Grace Hopper"]);
    assert_ne!(new.code, 0);
    assert!(
        new.stderr.contains("contacts/ is a symlink to")
            && new.stderr.contains("outside the workspace"),
        "{}",
        new.stderr
    );
    let names: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["secret.md"], "nothing is written outside");
}

/// `mkfifo`, through the tool every system has.
fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo {}", path.display());
}

#[test]
fn pipes_and_devices_are_reported_without_being_opened() {
    let ws = workspace();
    mkfifo(&ws.file("contacts/pipe.md"));
    // A device needs root; a character device for /dev/null where allowed.
    let device = Command::new("mknod")
        .arg(ws.file("contacts/device.md"))
        .args(["c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    // A link to a pipe inside the workspace, too.
    mkfifo(&ws.file("inner-pipe"));
    std::os::unix::fs::symlink(ws.file("inner-pipe"), ws.file("contacts/linked-pipe.md")).unwrap();
    let (run, text) = check(&ws);
    assert_eq!(run.code, 1, "{text}");
    for name in ["pipe", "linked-pipe"]
        .into_iter()
        .chain(device.then_some("device"))
    {
        assert!(
            text.lines()
                .any(|l| l.contains(&format!("contacts/{name}.md")) && l.contains("not-a-file")),
            "{name}: {text}"
        );
    }
    // Commands that read one record, or every record's text, do not open them either; nor
    // does the report open a pipe among the templates.
    crate::harness::init_and_commit(ws.path(), "hostile");
    std::fs::create_dir(ws.file("templates")).unwrap();
    mkfifo(&ws.file("templates/week.html"));
    for args in [
        &["set", "pipe", "title=CEO"][..],
        &["log", "pipe", "call", "hello"],
        &["forget", "ada-lovelace", "--dry-run"],
        &["report", "--no-records"],
        &["report"],
        &["list"],
        &["find", "ada"],
    ] {
        let (run, took) = within(SOON, ws.path(), args);
        if args[0] == "set" || args[0] == "log" {
            assert_ne!(run.code, 0, "{args:?}");
            assert!(
                run.stderr.contains("contacts/pipe.md"),
                "{args:?}: {}",
                run.stderr
            );
        }
        assert!(took < SOON, "{args:?}");
    }
}

#[test]
fn a_fifty_megabyte_record_is_refused_quickly() {
    let ws = workspace();
    let mut big = String::from("---\nname: Big\n---\n\n");
    let line = "All work and no play makes Jack a dull boy. ".repeat(2) + "\n";
    while big.len() < 50 * 1024 * 1024 {
        big.push_str(&line);
    }
    ws.write("contacts/big.md", &big);
    let (run, took) = within(SOON, ws.path(), &["check"]);
    let text = format!("{}{}", run.stdout, run.stderr);
    assert!(text.contains("too-large"), "{text}");
    assert!(text.contains("contacts/big.md"), "{text}");
    assert!(text.contains("50 MiB"), "{text}");
    assert!(took < Duration::from_secs(5), "check took {took:?}");
    let (set, took) = within(SOON, ws.path(), &["set", "big", "title=CEO"]);
    assert_ne!(set.code, 0);
    assert!(set.stderr.contains("contacts/big.md"), "{}", set.stderr);
    assert!(took < Duration::from_secs(5), "set took {took:?}");
}

#[test]
fn a_hundred_thousand_line_activity_log_loads_and_edits_in_bounded_time() {
    let ws = Ws::with_config("name: hostile\nmax_record_bytes: 20000000\n");
    let mut text = String::from(PERSON);
    text.push_str("\n## Activity\n\n");
    for i in 0..100_000 {
        let day = 1 + i % 28;
        text.push_str(&format!("- 2025-10-{day:02} call: call number {i}\n"));
    }
    ws.write("contacts/ada-lovelace.md", &text);
    let (run, took) = within(SOON, ws.path(), &["check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // Time grows linearly with the log (measured in a debug build: 0.3 s, 0.6 s and 1.2 s
    // for 25,000, 50,000 and 100,000 lines; `log`, which parses the file three times, 1.2 s,
    // 2.2 s and 4.7 s). The bounds leave room for a busy machine, not for a quadratic step.
    eprintln!("check of a 100,000-line log: {took:?}");
    assert!(took < Duration::from_secs(10), "check took {took:?}");
    let (show, took) = within(SOON, ws.path(), &["show", "ada-lovelace"]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    eprintln!("show: {took:?}");
    let (log, took) = within(
        SOON,
        ws.path(),
        &["log", "ada-lovelace", "call", "one more"],
    );
    assert_eq!(log.code, 0, "{}", log.stderr);
    eprintln!("log: {took:?}");
    assert!(took < Duration::from_secs(20), "log took {took:?}");
    assert!(
        ws.read("contacts/ada-lovelace.md")
            .contains("call: one more")
    );
}

#[test]
fn deeply_nested_yaml_is_diagnosed_in_bounded_time() {
    let ws = workspace();
    let depth = 100_000;
    ws.write(
        "contacts/flow.md",
        &format!(
            "---\nname: Flow\nnested: {}{}\n---\n",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
    );
    // Indentation makes block nesting grow as the square of its depth: 1,000 levels are
    // half a megabyte.
    let mut block = String::from("---\nname: Block\nnested:\n");
    for level in 1..1_000 {
        block.push_str(&" ".repeat(level));
        block.push_str("a:\n");
    }
    block.push_str("---\n");
    ws.write("contacts/block.md", &block);
    ws.write(
        "contacts/braces.md",
        &format!(
            "---\nname: Braces\nnested: {}1{}\n---\n",
            "{a: ".repeat(depth),
            "}".repeat(depth)
        ),
    );
    let (run, took) = within(SOON, ws.path(), &["check"]);
    let text = format!("{}{}", run.stdout, run.stderr);
    eprintln!("check of deeply nested YAML: {took:?}\n{text}");
    for name in ["flow", "block", "braces"] {
        assert!(
            text.lines()
                .any(|l| l.contains(&format!("contacts/{name}.md"))
                    && l.contains("yaml-too-deep")
                    && l.contains("nested more than 128 levels deep")),
            "{name}: {text}"
        );
    }
    assert!(took < Duration::from_secs(5), "check took {took:?}");
}

#[test]
fn nul_bytes_are_diagnosed() {
    let ws = workspace();
    ws.write(
        "contacts/nul-field.md",
        "---\nname: Ada\0Lovelace\nemail: nul@example.com\n---\n",
    );
    ws.write(
        "contacts/nul-body.md",
        "---\nname: Nul Body\nemail: body@example.com\n---\n\nnotes\0here\n",
    );
    let (_, text) = check(&ws);
    for (name, code) in [("nul-field", "yaml-syntax"), ("nul-body", "nul-byte")] {
        assert!(
            text.lines()
                .any(|l| l.contains(&format!("contacts/{name}.md"))
                    && l.contains(code)
                    && l.contains("U+0000")),
            "{name}: {text}"
        );
    }
}

#[test]
fn a_file_name_with_spaces_is_a_record_with_a_warning() {
    let ws = workspace();
    ws.write(
        "contacts/grace hopper.md",
        "---\nname: Grace Hopper\nemail: grace@navy.example\n---\n",
    );
    let (_, text) = check(&ws);
    assert!(
        text.lines()
            .any(|l| l.contains("contacts/grace hopper.md") && l.contains("bad-id")),
        "{text}"
    );
    let (show, _) = within(SOON, ws.path(), &["show", "grace@navy.example"]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(show.stdout.contains("Grace Hopper"), "{}", show.stdout);
}

#[test]
fn names_that_collide_on_other_file_systems_are_warned_about() {
    let ws = workspace();
    let zoe = "---\nname: Zoë\n---\n";
    ws.write("contacts/zo\u{eb}.md", zoe);
    ws.write("contacts/zoe\u{308}.md", zoe);
    ws.write("contacts/Ada-Lovelace.md", PERSON);
    let (_, text) = check(&ws);
    let collisions: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("name-collision"))
        .collect();
    assert_eq!(collisions.len(), 2, "{text}");
    assert!(
        collisions
            .iter()
            .any(|l| l.contains("contacts/ada-lovelace.md") && l.contains("letter case")),
        "{text}"
    );
    assert!(
        collisions.iter().any(|l| l.contains("Unicode forms")),
        "{text}"
    );
}
