//! kith installed like a command-line tool: shell completion loaded in a real bash, the manual
//! page rendered by a real `man`, and `--version` naming the commit.

use crate::harness::{Ws, git, kith_in, repo_path};
use std::path::Path;
use std::process::Command;

/// Runs `script` in a bash without rc files, in `cwd`, with kith's folder first on the PATH
/// (the completion script calls `kith` as the shell finds it) and today pinned.
fn bash(cwd: &Path, script: &str) -> (i32, String, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_kith"))
        .parent()
        .expect("the binary's folder");
    let path = std::env::join_paths(std::iter::once(bin.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", script])
        .current_dir(cwd)
        .env("PATH", path)
        .envs(crate::harness::pinned_clock())
        .env("NO_COLOR", "1")
        .env_remove("KITH_COMPLETE")
        .output()
        .expect("run bash");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// What bash offers for the command line `words` (the last word is the one being completed),
/// after sourcing `kith completions bash`.
fn complete(cwd: &Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        "source <(kith completions bash) || exit 9\n\
         COMP_WORDS=({words})\n\
         COMP_CWORD={cword}\n\
         _clap_complete_kith kith '{cur}' '{prev}'\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        words = quoted.join(" "),
        cword = words.len() - 1,
        cur = words[words.len() - 1],
        prev = words[words.len() - 2],
    );
    let (code, stdout, stderr) = bash(cwd, &script);
    assert_eq!(code, 0, "bash failed\nstdout:\n{stdout}\nstderr:\n{stderr}");
    assert_eq!(stderr, "", "{words:?}");
    stdout
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.trim_end().to_string())
        .collect()
}

#[test]
fn the_bash_completion_loads_in_a_real_bash() {
    let ws = Ws::example();
    let (code, stdout, stderr) = bash(
        ws.path(),
        "source <(kith completions bash) && complete -p kith",
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout.trim_end(),
        "complete -o bashdefault -o nosort -o nospace -F _clap_complete_kith kith"
    );
}

#[test]
fn bash_completes_commands_options_and_the_workspaces_ids_segments_and_teammates() {
    let ws = Ws::example();
    let dir = ws.path();
    assert_eq!(complete(dir, &["kith", "compl"]), ["completions"]);
    assert_eq!(complete(dir, &["kith", "show", "ahm"]), ["ahmed-el-sayed"]);
    // Record ids of every kind, for a command that takes any record.
    assert_eq!(
        complete(dir, &["kith", "history", "alpen"]),
        ["alpenrose-finanz", "alpenrose-finanz-reporting-hub"]
    );
    // Only people, for a command that only takes a person.
    assert_eq!(
        complete(dir, &["kith", "promote", "alpen"]),
        Vec::<String>::new()
    );
    assert_eq!(
        complete(dir, &["kith", "list", "--segment", "hot"]),
        ["hot-leads"]
    );
    assert_eq!(
        complete(
            dir,
            &["kith", "task", "ben-carver", "call", "--owner", "pr"]
        ),
        ["priya"]
    );
    assert_eq!(
        complete(
            dir,
            &[
                "kith",
                "log",
                "ben-carver",
                "call",
                "x",
                "--deal",
                "ostwind"
            ]
        ),
        ["ostwind-software-team-plan"]
    );
    assert_eq!(complete(dir, &["kith", "due", "--for"]), ["--format"]);
    // Completing never writes (no cache, no lock, nothing).
    ws.assert_untouched();
}

#[test]
fn outside_a_workspace_completion_offers_commands_and_no_ids() {
    let tmp = Ws::empty();
    assert_eq!(
        complete(tmp.path(), &["kith", "show", "a"]),
        Vec::<String>::new()
    );
    assert_eq!(complete(tmp.path(), &["kith", "ma"]), ["man"]);
}

#[test]
fn every_shell_gets_a_script_that_calls_kith_back() {
    let tmp = Ws::empty();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = kith_in(tmp.path(), &["completions", shell]);
        assert!(
            out.ok().contains("KITH_COMPLETE"),
            "{shell}:\n{}",
            out.stdout
        );
    }
    let err = kith_in(tmp.path(), &["completions", "tcsh"])
        .fails(2)
        .to_string();
    assert!(
        err.contains("[possible values: bash, elvish, fish, powershell, zsh]"),
        "{err}"
    );
}

/// `man -l FILE` rendered as plain text, 80 columns wide, each line's blanks collapsed.
fn man(page: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("kith.1");
    std::fs::write(&file, page).unwrap();
    // man-db drops privileges to run its filters, and libfaketime (the year-ahead CI run)
    // cannot open its semaphore there: the renderer runs on the real clock, kith does not.
    let out = Command::new("man")
        .arg("-l")
        .arg(&file)
        .env_remove("LD_PRELOAD")
        .env_remove("FAKETIME")
        .env("MANWIDTH", "80")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("MAN_KEEP_FORMATTING", "0")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .expect("run man (apt-get install man-db)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "man -l failed: {stderr}");
    // Some man builds still embolden with backspaces when not on a terminal.
    let text = String::from_utf8_lossy(&out.stdout);
    let mut plain = String::new();
    for c in text.chars() {
        if c == '\u{8}' {
            plain.pop();
        } else {
            plain.push(c);
        }
    }
    // Justified lines stretch the spaces between words.
    plain
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_manual_page_renders_with_man() {
    let tmp = Ws::empty();
    let page = kith_in(tmp.path(), &["man"]).ok().to_string();
    assert!(page.starts_with(".ie \\n(.g"), "not roff:\n{page}");
    let text = man(&page);
    assert!(text.contains("NAME"), "{text}");
    assert!(
        text.contains("kith - A local-first CRM: people, companies and deals as markdown files"),
        "{text}"
    );
    // Every visible subcommand is listed; the hidden ones are not.
    for listed in [
        "kith-task(1)",
        "kith-completions(1)",
        "kith-man(1)",
        "kith-report(1)",
    ] {
        assert!(text.contains(listed), "{listed} missing:\n{text}");
    }
    assert!(!text.contains("kith-merge-driver(1)"), "{text}");
    // One command's page, with its options.
    let text = man(kith_in(tmp.path(), &["man", "task"]).ok());
    assert!(text.contains("kith-task - Add a follow-up task"), "{text}");
    assert!(text.contains("--due <DATE>"), "{text}");
    let err = kith_in(tmp.path(), &["man", "tassk"]).fails(1).to_string();
    assert!(
        err.starts_with("error: kith has no command `tassk`\n  help: did you mean `task`?"),
        "{err}"
    );
}

#[test]
fn the_version_names_the_commit_it_was_built_from() {
    let tmp = Ws::empty();
    let version = kith_in(tmp.path(), &["--version"])
        .ok()
        .trim_end()
        .to_string();
    let pkg = env!("CARGO_PKG_VERSION");
    let root = repo_path("");
    let is_checkout = Command::new("git")
        .args(["rev-parse", "--show-toplevel"])
        .current_dir(&root)
        .output()
        .is_ok_and(|o| {
            o.status.success()
                && Path::new(String::from_utf8_lossy(&o.stdout).trim())
                    .canonicalize()
                    .ok()
                    == root.canonicalize().ok()
        });
    if !is_checkout {
        assert_eq!(version, format!("kith {pkg}"));
        return;
    }
    let hash = git(&root, &["rev-parse", "--short=12", "HEAD"]);
    let date = git(&root, &["log", "-1", "--format=%cs", "HEAD"]);
    assert_eq!(
        version,
        format!("kith {pkg} (commit {}, {})", hash.trim(), date.trim())
    );
}
