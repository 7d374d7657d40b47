//! The documents' examples, run: every command shown with its output in README.md and in
//! `docs/` runs here through the real binary, so the guide cannot drift from kith.
//!
//! An example is a fenced block marked `console`. In it, a line starting with `$ kith ` is a
//! command (quoted as a POSIX shell would: `'...'`, `"..."`, backslashes; no pipes,
//! redirections or `&&`), and the lines after it, up to the next `$ ` line, are what it prints:
//! its standard output, then its standard error. Two wildcards keep examples readable where
//! output varies or is long:
//!
//! - a line `...` stands for any number of lines, none included;
//! - `[..]` inside a line stands for any text within that line.
//!
//! A last line `[exit N]` says the command exits with code N; without it, it must exit 0.
//! Spaces at the end of lines and blank lines at the end of the output are not compared.
//!
//! Each block runs in a fresh temporary folder that holds `example-workspace/` (a copy of the
//! repository's example as a git repository with one commit, as [`Ws::example`] makes) and
//! `mail/` (the fixtures of `kith ingest`'s tests) and `hubspot/` (a small HubSpot export), with today and git's dates pinned; the
//! commands of one block run in order in that folder, so a later one sees what an earlier one
//! wrote. Other fenced blocks (`sh`, `yaml`, `text`) are not run.

use std::path::{Path, PathBuf};

use crate::harness::*;

/// One command of an example, where it is written and what it must print.
#[derive(Debug)]
struct Example {
    /// The file, relative to the repository.
    file: String,
    /// The line of the `$ kith` command (1-based).
    line: usize,
    /// The command as written, without `$ `.
    command: String,
    /// The expected output lines (wildcards included, `[exit N]` taken out).
    expected: Vec<String>,
    /// The expected exit code.
    code: i32,
}

/// The examples of one markdown file, a list per `console` block.
fn examples(file: &str, text: &str) -> Vec<Vec<Example>> {
    let mut blocks = Vec::new();
    // The console block being read, if any; `other` is true inside another kind of block.
    let mut block: Option<Vec<Example>> = None;
    let mut other = false;
    for (n, line) in text.lines().enumerate() {
        if let Some(info) = line.trim_start().strip_prefix("```") {
            if let Some(done) = block.take() {
                blocks.push(done);
            } else if other {
                other = false;
            } else if info.trim() == "console" {
                block = Some(Vec::new());
            } else {
                other = true;
            }
            continue;
        }
        let Some(current) = block.as_mut() else {
            continue;
        };
        if let Some(command) = line.strip_prefix("$ ") {
            current.push(Example {
                file: file.to_string(),
                line: n + 1,
                command: command.to_string(),
                expected: Vec::new(),
                code: 0,
            });
        } else if let Some(last) = current.last_mut() {
            last.expected.push(line.to_string());
        } else if !line.trim().is_empty() {
            panic!(
                "{file}:{}: a console block must begin with a `$ kith ...` line",
                n + 1
            );
        }
    }
    for example in blocks.iter_mut().flatten() {
        while example.expected.last().is_some_and(|l| l.trim().is_empty()) {
            example.expected.pop();
        }
        if let Some(code) = example
            .expected
            .last()
            .and_then(|l| l.trim().strip_prefix("[exit "))
            .and_then(|rest| rest.strip_suffix(']'))
        {
            example.code = code.parse().unwrap_or_else(|_| {
                panic!(
                    "{}:{}: `[exit N]` needs a number",
                    example.file, example.line
                )
            });
            example.expected.pop();
        }
    }
    blocks.retain(|b| !b.is_empty());
    blocks
}

/// Splits a command line into words as a POSIX shell would, for the quoting the docs use.
/// Refuses shell operators, which the examples do not run.
fn words(command: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if let Some(w) = word.take() {
                    words.push(w);
                }
            }
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => w.push(c),
                        None => return Err("a `'` is never closed".into()),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => w.push(c),
                            Some(c) => {
                                w.push('\\');
                                w.push(c);
                            }
                            None => return Err("a `\"` is never closed".into()),
                        },
                        Some(c) => w.push(c),
                        None => return Err("a `\"` is never closed".into()),
                    }
                }
            }
            '\\' => {
                if let Some(c) = chars.next() {
                    word.get_or_insert_with(String::new).push(c);
                }
            }
            '|' | '>' | '<' | '&' | ';' | '`' | '$' | '#' | '*' => {
                return Err(format!(
                    "`{c}` is shell syntax; an example runs one kith command"
                ));
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    Ok(words)
}

/// Whether one line of output matches one expected line, where `[..]` is any text.
fn line_matches(pattern: &str, line: &str) -> bool {
    let pattern = pattern.trim_end();
    let line = line.trim_end();
    let mut parts = pattern.split("[..]");
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = line.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// Whether the output lines match the expected ones, where a line `...` is any lines.
fn lines_match(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first.trim() == "..." => {
            (0..=actual.len()).any(|skip| lines_match(rest, &actual[skip..]))
        }
        Some((first, rest)) => actual
            .split_first()
            .is_some_and(|(line, more)| line_matches(first, line) && lines_match(rest, more)),
    }
}

/// A fresh folder holding `example-workspace/` as its own git repository.
fn example_root() -> Ws {
    let root = Ws::empty();
    let ws = root.file("example-workspace");
    copy_dir(&repo_path("example-workspace"), &ws);
    init_and_commit(&ws, "example");
    // The mail and calendars the `kith ingest` examples read (tests/fixtures/ingest/make.py).
    copy_dir(&repo_path("tests/fixtures/ingest"), &root.file("mail"));
    // The HubSpot export the migration chapter imports.
    copy_dir(
        &repo_path("tests/fixtures/vendor/hubspot"),
        &root.file("hubspot"),
    );
    root
}

/// Runs one block's commands in order in a fresh folder; returns what drifted.
fn run_block(block: &[Example]) -> Vec<String> {
    let root = example_root();
    let mut failures = Vec::new();
    for example in block {
        let here = format!("{}:{}", example.file, example.line);
        let args = match words(&example.command) {
            Ok(words) if words.first().map(String::as_str) == Some("kith") => words,
            Ok(_) => {
                failures.push(format!(
                    "{here}: `{}` is not a kith command; console examples run kith only (use a `sh` block for others)",
                    example.command
                ));
                continue;
            }
            Err(why) => {
                failures.push(format!("{here}: `{}`: {why}", example.command));
                continue;
            }
        };
        let args: Vec<&str> = args[1..].iter().map(String::as_str).collect();
        let run = kith_in(root.path(), &args);
        let output = format!("{}{}", run.stdout, run.stderr);
        let mut actual: Vec<&str> = output.lines().map(str::trim_end).collect();
        while actual.last().is_some_and(|l| l.is_empty()) {
            actual.pop();
        }
        if run.code != example.code || !lines_match(&example.expected, &actual) {
            let expected = example.expected.join("\n") + "\n";
            let actual = actual.join("\n") + "\n";
            let diff = similar::TextDiff::from_lines(&expected, &actual)
                .unified_diff()
                .header("expected (the docs)", "actual (kith)")
                .to_string();
            failures.push(format!(
                "{here}: the example `{}` drifted from kith (exit {}, the docs say {}):\n{diff}",
                example.command, run.code, example.code
            ));
        }
    }
    failures
}

/// README.md and every markdown file under `docs/`, relative to the repository.
fn documents() -> Vec<String> {
    fn walk(dir: &Path, rel: &str, out: &mut Vec<String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .map(|e| e.unwrap())
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = format!("{rel}/{name}");
            if entry.file_type().unwrap().is_dir() {
                walk(&entry.path(), &rel, out);
            } else if name.ends_with(".md") {
                out.push(rel);
            }
        }
    }
    let mut files = vec!["README.md".to_string()];
    walk(&repo_path("docs"), "docs", &mut files);
    files
}

fn read(rel: &str) -> String {
    let path: PathBuf = repo_path(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
}

#[test]
fn every_example_in_the_docs_prints_what_the_docs_say() {
    let blocks: Vec<Vec<Example>> = documents()
        .iter()
        .flat_map(|file| examples(file, &read(file)))
        .collect();
    let count: usize = blocks.iter().map(Vec::len).sum();
    // The blocks are independent (each has a folder of its own): run them a few at a time.
    let mut failures = Vec::new();
    for chunk in blocks.chunks(4) {
        std::thread::scope(|scope| {
            let runs: Vec<_> = chunk
                .iter()
                .map(|block| scope.spawn(|| run_block(block)))
                .collect();
            for run in runs {
                failures.extend(run.join().expect("a block's thread panicked"));
            }
        });
    }
    assert!(
        count >= 20,
        "only {count} examples found: is the convention still ```console?"
    );
    assert!(
        failures.is_empty(),
        "{} of {count} examples drifted:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_chapter_is_in_the_summary_and_has_a_tested_example() {
    let summary = read("docs/src/SUMMARY.md");
    for file in documents() {
        let Some(chapter) = file.strip_prefix("docs/src/") else {
            continue;
        };
        if chapter == "SUMMARY.md" {
            continue;
        }
        assert!(
            summary.contains(&format!("({chapter})")),
            "docs/src/SUMMARY.md does not list {chapter}"
        );
        if chapter != "README.md" {
            assert!(
                !examples(&file, &read(&file)).is_empty(),
                "{file} has no ```console example"
            );
        }
    }
}

#[test]
fn the_summary_links_only_chapters_that_exist() {
    let summary = read("docs/src/SUMMARY.md");
    for link in summary.split("](").skip(1) {
        let target = link.split(')').next().unwrap_or("");
        assert!(
            repo_path("docs/src").join(target).is_file(),
            "docs/src/SUMMARY.md links {target}, which does not exist"
        );
    }
}

#[test]
fn examples_are_read_from_console_blocks_only() {
    let text = "text\n```sh\n$ kith check\n```\n```console\n$ kith list --where 'a = \"b c\"'\nID\n...\n[exit 1]\n\n$ kith check\n0 errors[..]\n```\n";
    let blocks = examples("x.md", text);
    assert_eq!(blocks.len(), 1);
    let [first, second] = &blocks[0][..] else {
        panic!("{blocks:?}")
    };
    assert_eq!((first.line, first.code), (6, 1));
    assert_eq!(first.expected, ["ID", "..."]);
    assert_eq!(
        words(&first.command).unwrap(),
        ["kith", "list", "--where", "a = \"b c\""]
    );
    assert_eq!((second.line, second.code), (11, 0));
    assert!(words("kith check | head").is_err());
    assert!(words("kith list --where 'open").is_err());
}

#[test]
fn wildcards_match_a_line_part_or_any_lines() {
    let expected = |lines: &[&str]| lines.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    assert!(line_matches("a [..] c", "a b b c"));
    assert!(line_matches("[..]", "anything"));
    assert!(line_matches("a[..]", "a"));
    assert!(!line_matches("a [..] c", "a b d"));
    assert!(!line_matches("ab[..]ba", "aba"));
    assert!(line_matches("x  ", "x"));
    assert!(lines_match(&expected(&["a", "...", "z"]), &["a", "z"]));
    assert!(lines_match(
        &expected(&["a", "...", "z"]),
        &["a", "b", "c", "z"]
    ));
    assert!(lines_match(&expected(&["..."]), &[]));
    assert!(!lines_match(&expected(&["a", "...", "z"]), &["a", "b"]));
    assert!(!lines_match(&expected(&["a"]), &["a", "b"]));
}
