//! kith in plain git: the field-by-field merge driver under real `git merge` and `git pull`,
//! its registration (`kith install-merge-driver`, `kith init`, `kith clone`), the pre-commit
//! hook (`kith check --staged`), conflicts recorded in the file (`kith conflicts`,
//! `kith resolve`), and a record's history from git (`kith history`, `kith blame`).

use crate::harness::*;
use std::path::Path;

// ---------------------------------------------------------------------------------------------
// Fixtures and helpers

const CONFIG: &str = "name: Merge test
timezone: Europe/London
teammates:
  sam: { name: Sam Okafor, emails: [sam@brightwave.example] }
  priya: { name: Priya Raman, emails: [priya@brightwave.example] }
  mei: { name: Mei Tanaka, emails: [mei@brightwave.example] }
";

/// A contact written by hand: a comment, odd key order, both quote styles, a trailing comment,
/// a flow list, a string that looks like a number, a body and an activity log.
const ADA: &str = "---
# Met at the Lisbon meetup; ask Sam before changing the owner.
name: \"Ada Lovelace\"
title: 'Head of Engineering'   # since March
email: ada@analytical.example
phone: \"+44 20 7946 0000\"
company: analytical-engines
lifecycle: lead
lead_status: working
owner: sam
tags: [saas, webinar-2026]
zip: '0123'
created: 2026-10-02
---
Met at the Q4 webinar; wants a pilot for 40 seats.
Prefers e-mail to calls.

## Activity
- 2026-11-15 email-open: November newsletter
- 2026-11-18 visit: /pricing
- 2026-11-20 14:05 call @sam: discussed pricing for 40 seats
";
const ADA_PATH: &str = "contacts/ada-lovelace.md";

const COMPANY: &str = "---
name: Analytical Engines
domain: analytical.example
---
";

const DEAL: &str = "---
name: Analytical pilot
amount: 24000
currency: EUR
stage: qualified-to-buy
company: analytical-engines
contacts: [ada-lovelace]
owner: sam
---
Pilot for 40 seats.
";
const DEAL_PATH: &str = "deals/analytical-pilot.md";

/// The `.gitattributes` kith writes into a workspace that has none.
const ATTRIBUTES: &str =
    "contacts/*.md merge=kith\ncompanies/*.md merge=kith\ndeals/*.md merge=kith\n";

/// Author and committer dates, so history, conflict notes and quotes are reproducible.
const BASE_DATE: &str = "2026-11-01T09:00:00+00:00";
const THEIR_DATE: &str = "2026-11-24T10:00:00+00:00";
const OUR_DATE: &str = "2026-11-24T11:00:00+00:00";
const MERGE_DATE: &str = "2026-11-25T09:00:00+00:00";

const SAM: Author = Author {
    name: "Sam Okafor",
    email: "sam@brightwave.example",
};
const PRIYA: Author = Author {
    name: "Priya Raman",
    email: "priya@brightwave.example",
};

/// `text` with each `(from, to)` applied; each `from` must occur exactly once.
#[track_caller]
fn apply(text: &str, edits: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (from, to) in edits {
        assert_eq!(
            out.matches(from).count(),
            1,
            "`{from}` should occur exactly once in:\n{out}"
        );
        out = out.replacen(from, to, 1);
    }
    out
}

/// Applies [`apply`] to a file of the workspace.
#[track_caller]
fn edit(ws: &Ws, rel: &str, edits: &[(&str, &str)]) {
    let text = apply(&ws.read(rel), edits);
    ws.write(rel, &text);
}

/// A small person record.
fn person(name: &str, fields: &str) -> String {
    format!("---\nname: {name}\n{fields}---\nNotes.\n")
}

/// A git repository whose root is the workspace: kith.yaml, Ada, her company and a deal, the
/// merge driver installed (`.gitattributes` committed), one commit on `main` by Sam.
fn repo() -> Ws {
    repo_with(&[])
}

/// [`repo`] with these extra files in the first commit.
fn repo_with(files: &[(&str, &str)]) -> Ws {
    let ws = Ws::with_config(CONFIG);
    ws.write(ADA_PATH, ADA);
    ws.write("companies/analytical-engines.md", COMPANY);
    ws.write(DEAL_PATH, DEAL);
    for (rel, text) in files {
        ws.write(rel, text);
    }
    git(ws.path(), &["init", "-q", "-b", "main"]);
    ws.kith(&["install-merge-driver"]).ok();
    commit_all(ws.path(), SAM, BASE_DATE, "base");
    ws
}

/// Priya edits on branch `theirs`, Sam on `main`, then Sam runs `git merge theirs` on `main`.
/// Returns the merge's outcome (git's output includes the driver's messages).
fn merge_branches(ws: &Ws, theirs: impl FnOnce(&Ws), ours: impl FnOnce(&Ws)) -> Run {
    merge_branches_in(ws, ws.path(), theirs, ours)
}

/// [`merge_branches`] in a repository whose top folder is `top` (the workspace may be inside).
fn merge_branches_in(ws: &Ws, top: &Path, theirs: impl FnOnce(&Ws), ours: impl FnOnce(&Ws)) -> Run {
    git_ok(top, SAM, BASE_DATE, &["checkout", "-q", "-b", "theirs"]);
    theirs(ws);
    commit_all(top, PRIYA, THEIR_DATE, "their edit");
    git_ok(top, SAM, BASE_DATE, &["checkout", "-q", "main"]);
    ours(ws);
    commit_all(top, SAM, OUR_DATE, "our edit");
    git_as(top, SAM, MERGE_DATE, &["merge", "--no-edit", "theirs"])
}

/// Asserts that `git merge` succeeded and committed: HEAD is a merge with two parents and
/// nothing is left uncommitted.
#[track_caller]
fn assert_merged(dir: &Path, run: &Run) {
    assert_eq!(
        run.code, 0,
        "git merge failed\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let parents = git(dir, &["rev-list", "--parents", "-n", "1", "HEAD"]);
    assert_eq!(
        parents.split_whitespace().count(),
        3,
        "HEAD is not a merge commit: {parents}"
    );
    assert_eq!(status(dir), "", "the merge left changes behind");
}

/// The short (8-digit) id of a revision, as kith history shows it.
fn short(dir: &Path, rev: &str) -> String {
    git(dir, &["rev-parse", "--short=8", rev])
        .trim()
        .to_string()
}

/// The text with git's conflict-marker labels dropped (`<<<<<<< ours` → `<<<<<<<`), so a
/// comparison is exact about the content and indifferent to how the sides are labelled.
fn unlabel_markers(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|l| {
            if l.starts_with("<<<<<<< ") {
                "<<<<<<<\n".to_string()
            } else if l.starts_with(">>>>>>> ") {
                ">>>>>>>\n".to_string()
            } else {
                l.to_string()
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// install-merge-driver

#[test]
fn install_merge_driver_registers_the_driver_attributes_and_hook_once() {
    let ws = Ws::with_config(CONFIG);
    ws.write(ADA_PATH, ADA);
    git(ws.path(), &["init", "-q", "-b", "main"]);
    let out = ws.kith(&["install-merge-driver"]);
    let stdout = out.ok();
    assert!(
        stdout.contains("merge driver registered")
            && stdout.contains(".gitattributes updated")
            && stdout.contains("pre-commit hook installed"),
        "{stdout}"
    );

    // git config: the driver runs this kith with git's placeholders.
    let driver = git(ws.path(), &["config", "--get-all", "merge.kith.driver"]);
    assert_eq!(driver.lines().count(), 1, "{driver}");
    assert!(
        driver.trim_end().ends_with(" merge-driver %O %A %B %P"),
        "{driver}"
    );
    assert!(driver.contains(env!("CARGO_BIN_EXE_kith")), "{driver}");
    assert_eq!(
        git(ws.path(), &["config", "--get", "merge.kith.name"]),
        "kith: merge records field by field\n"
    );

    // .gitattributes: records go to the driver, nothing else does.
    assert_eq!(ws.read(".gitattributes"), ATTRIBUTES);
    assert_eq!(
        git(
            ws.path(),
            &[
                "check-attr",
                "merge",
                "--",
                "contacts/x.md",
                "companies/y.md",
                "deals/z.md",
                "kith.yaml",
                "README.md",
                "contacts/notes.txt",
            ],
        ),
        "contacts/x.md: merge: kith\ncompanies/y.md: merge: kith\ndeals/z.md: merge: kith\n\
         kith.yaml: merge: unspecified\nREADME.md: merge: unspecified\n\
         contacts/notes.txt: merge: unspecified\n"
    );

    // The pre-commit hook: executable, kith's, checking what is staged.
    let hook_path = ws.file(".git/hooks/pre-commit");
    let hook = std::fs::read_to_string(&hook_path).unwrap();
    assert!(hook.starts_with("#!/bin/sh\n"), "{hook}");
    assert!(hook.contains("check --staged"), "{hook}");
    assert!(hook.contains(env!("CARGO_BIN_EXE_kith")), "{hook}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&hook_path).unwrap().permissions().mode();
        assert_eq!(mode & 0o111, 0o111, "the hook is not executable: {mode:o}");
    }

    // A second run changes nothing.
    let config_before = ws.read(".git/config");
    let status_before = ws.status();
    let out = ws.kith(&["install-merge-driver"]);
    let stdout = out.ok();
    assert!(stdout.contains("merge driver registered"), "{stdout}");
    assert!(!stdout.contains(".gitattributes updated"), "{stdout}");
    assert_eq!(ws.read(".git/config"), config_before);
    assert_eq!(ws.read(".gitattributes"), ATTRIBUTES);
    assert_eq!(std::fs::read_to_string(&hook_path).unwrap(), hook);
    assert_eq!(ws.status(), status_before);
    assert_eq!(
        git(ws.path(), &["config", "--get-all", "merge.kith.driver"]),
        driver
    );
}

#[test]
fn install_merge_driver_keeps_existing_attributes_and_adds_only_missing_lines() {
    let ws = Ws::with_config(CONFIG);
    git(ws.path(), &["init", "-q", "-b", "main"]);
    // No newline at the end, and one of kith's lines already there.
    ws.write(".gitattributes", "*.png binary\ncompanies/*.md merge=kith");
    ws.kith(&["install-merge-driver"]).ok();
    assert_eq!(
        ws.read(".gitattributes"),
        "*.png binary\ncompanies/*.md merge=kith\ncontacts/*.md merge=kith\ndeals/*.md merge=kith\n"
    );
}

#[test]
fn install_merge_driver_leaves_a_foreign_pre_commit_hook_alone_and_says_what_to_add() {
    let ws = Ws::with_config(CONFIG);
    git(ws.path(), &["init", "-q", "-b", "main"]);
    let mine = "#!/bin/sh\necho 'my own checks'\n";
    ws.write(".git/hooks/pre-commit", mine);
    let out = ws.kith(&["install-merge-driver"]);
    out.ok();
    assert_eq!(
        ws.read(".git/hooks/pre-commit"),
        mine,
        "the hook was overwritten"
    );
    assert!(
        out.stderr.contains("warning: ")
            && out
                .stderr
                .contains(".git/hooks/pre-commit exists and is not kith's")
            && out.stderr.contains("check --staged` to it yourself"),
        "{}",
        out.stderr
    );
    // The driver is registered all the same.
    assert!(
        git(ws.path(), &["config", "--get", "merge.kith.driver"]).contains("merge-driver"),
        "driver not registered"
    );
    assert_eq!(ws.read(".gitattributes"), ATTRIBUTES);
    // And a second run still leaves it alone.
    ws.kith(&["install-merge-driver"]).ok();
    assert_eq!(ws.read(".git/hooks/pre-commit"), mine);
}

// ---------------------------------------------------------------------------------------------
// The driver under `git merge`

#[test]
fn git_merge_combines_edits_to_different_fields_and_the_activity_log_byte_for_byte() {
    let ws = repo();
    let run = merge_branches(
        &ws,
        |ws| {
            edit(
                ws,
                ADA_PATH,
                &[
                    ("\"+44 20 7946 0000\"", "\"+44 20 7946 0001\""),
                    (
                        "discussed pricing for 40 seats\n",
                        "discussed pricing for 40 seats\n- 2026-11-24 call @priya: agreed the pilot scope\n",
                    ),
                ],
            )
        },
        |ws| edit(ws, ADA_PATH, &[("lifecycle: lead\n", "lifecycle: mql\n")]),
    );
    assert_merged(ws.path(), &run);
    let expected = apply(
        ADA,
        &[
            ("lifecycle: lead\n", "lifecycle: mql\n"),
            ("\"+44 20 7946 0000\"", "\"+44 20 7946 0001\""),
            (
                "discussed pricing for 40 seats\n",
                "discussed pricing for 40 seats\n- 2026-11-24 call @priya: agreed the pilot scope\n",
            ),
        ],
    );
    assert_eq!(ws.read(ADA_PATH), expected);
    assert!(!run.stdout.contains("CONFLICT") && !run.stderr.contains("CONFLICT"));
    // The merged workspace is clean.
    let check = ws.kith(&["check"]);
    check.ok();
    assert_eq!(check.stderr, "0 errors, 0 warnings in 3 records\n");
}

#[test]
fn git_merge_records_a_field_set_differently_on_both_sides_in_a_conflicts_block() {
    let ws = repo();
    let run = merge_branches(
        &ws,
        |ws| edit(ws, ADA_PATH, &[("7946 0000", "7946 0003")]),
        |ws| edit(ws, ADA_PATH, &[("7946 0000", "7946 0002")]),
    );
    assert_merged(ws.path(), &run);
    assert!(
        run.stderr
            .contains("phone set differently on both sides; kept ours"),
        "{}",
        run.stderr
    );
    // Ours stays in place; both values, who made theirs and when, in the frontmatter.
    let expected = apply(
        ADA,
        &[
            ("7946 0000", "7946 0002"),
            (
                "created: 2026-10-02\n---\n",
                "created: 2026-10-02\nconflicts:\n  - field: phone\n    ours: \"+44 20 7946 0002\"\n    theirs: \"+44 20 7946 0003\"\n    who: priya\n    when: \"2026-11-24\"\n---\n",
            ),
        ],
    );
    assert_eq!(ws.read(ADA_PATH), expected);
}

#[test]
fn recorded_conflicts_are_listed_warned_about_and_resolved_with_theirs() {
    let ws = repo();
    let run = merge_branches(
        &ws,
        |ws| edit(ws, ADA_PATH, &[("7946 0000", "7946 0003")]),
        |ws| edit(ws, ADA_PATH, &[("7946 0000", "7946 0002")]),
    );
    assert_merged(ws.path(), &run);
    let merged = ws.read(ADA_PATH);
    assert!(
        merged.contains(
            "conflicts:\n  - field: phone\n    ours: \"+44 20 7946 0002\"\n    theirs: \"+44 20 7946 0003\"\n"
        ),
        "{merged}"
    );

    // kith conflicts lists it.
    let list = ws.kith(&["conflicts", "--format", "json"]);
    list.ok();
    let rows = list.json();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["id"], "ada-lovelace");
    assert_eq!(rows[0]["path"], ADA_PATH);
    assert_eq!(rows[0]["field"], "phone");
    assert_eq!(rows[0]["ours"], "+44 20 7946 0002");
    assert_eq!(rows[0]["theirs"], "+44 20 7946 0003");
    let table = ws.kith(&["conflicts"]);
    let table = table.ok();
    assert!(
        table.starts_with("RECORD ") && table.contains(ADA_PATH) && table.contains("phone"),
        "{table}"
    );
    assert!(
        table.ends_with(
            "1 unresolved; end one with `kith resolve ID --field F --take ours|theirs|VALUE`\n"
        ),
        "{table}"
    );

    // kith check warns, with the command that ends it, and exits 0.
    let check = ws.kith(&["check"]);
    let stdout = check.ok();
    assert!(
        stdout.starts_with("contacts/ada-lovelace.md:")
            && stdout.contains(
                ": warning: `phone` was set to `+44 20 7946 0002` here and to `+44 20 7946 0003` by "
            )
            && stdout.contains("[unresolved-conflict]\n")
            && stdout.contains(
                "  help: keep one with `kith resolve ada-lovelace --field phone --take ours|theirs|VALUE`\n"
            ),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert_eq!(check.stderr, "0 errors, 1 warning in 3 records\n");

    // Take theirs: their value, in the field's quote style, and the block is gone.
    let out = ws.kith(&["resolve", "ada", "--field", "phone", "--take", "theirs"]);
    let stdout = out.ok();
    assert!(stdout.contains("`phone` resolved"), "{stdout}");
    assert_eq!(ws.read(ADA_PATH), apply(ADA, &[("7946 0000", "7946 0003")]));
    assert_eq!(
        ws.kith(&["conflicts"]).ok(),
        "0 unresolved\n",
        "no conflict is left"
    );
    let check = ws.kith(&["check"]);
    assert_eq!(check.ok(), "");
    assert_eq!(check.stderr, "0 errors, 0 warnings in 3 records\n");
}

#[test]
fn resolve_takes_ours_theirs_or_a_new_value_one_field_at_a_time() {
    let ws = repo();
    let run = merge_branches(
        &ws,
        |ws| {
            edit(
                ws,
                ADA_PATH,
                &[
                    ("'Head of Engineering'", "'CTO'"),
                    ("7946 0000", "7946 0003"),
                    ("owner: sam", "owner: mei"),
                ],
            )
        },
        |ws| {
            edit(
                ws,
                ADA_PATH,
                &[
                    ("'Head of Engineering'", "'VP Engineering'"),
                    ("7946 0000", "7946 0002"),
                    ("owner: sam", "owner: priya"),
                ],
            )
        },
    );
    assert_merged(ws.path(), &run);
    let fields = |ws: &Ws| -> Vec<(String, String, String)> {
        let out = ws.kith(&["conflicts", "--format", "json"]);
        out.ok();
        out.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["field"].as_str().unwrap().to_string(),
                    r["ours"].as_str().unwrap().to_string(),
                    r["theirs"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let t = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        fields(&ws),
        [
            t("title", "VP Engineering", "CTO"),
            t("phone", "+44 20 7946 0002", "+44 20 7946 0003"),
            t("owner", "priya", "mei"),
        ]
    );
    // Ours was kept in place meanwhile.
    let merged = ws.read(ADA_PATH);
    assert!(
        merged.contains("title: 'VP Engineering'   # since March\n")
            && merged.contains("phone: \"+44 20 7946 0002\"\n")
            && merged.contains("owner: priya\n"),
        "{merged}"
    );

    // A new value, typed like the field (a phone stays quoted).
    ws.kith(&[
        "resolve",
        "ada",
        "--field",
        "phone",
        "--take",
        "+44 20 7946 0009",
    ])
    .ok();
    assert_eq!(
        fields(&ws),
        [
            t("title", "VP Engineering", "CTO"),
            t("owner", "priya", "mei"),
        ]
    );
    // Theirs, in the original quote style, the comment kept.
    ws.kith(&["resolve", "ada", "--field", "title", "--take", "theirs"])
        .ok();
    assert_eq!(fields(&ws), [t("owner", "priya", "mei")]);
    // Ours: the value in place stays, the last entry and the block go.
    let out = ws.kith(&["resolve", "ada", "--field", "owner", "--take", "ours"]);
    assert!(out.ok().contains("kept ours (priya)"), "{}", out.stdout);
    assert_eq!(fields(&ws), []);
    assert_eq!(
        ws.read(ADA_PATH),
        apply(
            ADA,
            &[
                ("'Head of Engineering'", "'CTO'"),
                ("7946 0000", "7946 0009"),
                ("owner: sam", "owner: priya"),
            ],
        )
    );
    // A field that is not in conflict is refused, and nothing changes.
    let before = ws.read(ADA_PATH);
    let err = ws.kith(&["resolve", "ada", "--field", "email", "--take", "theirs"]);
    let stderr = err.fails(1);
    assert!(
        stderr.contains("contacts/ada-lovelace.md has no conflict on `email`"),
        "{stderr}"
    );
    assert_eq!(ws.read(ADA_PATH), before);
}

#[test]
fn git_merge_merges_tags_as_sets_additions_from_both_sides_and_removals() {
    let bob = person(
        "Bob Babbage",
        "email: bob@analytical.example\ntags:\n  - retail\n  - webinar-2026\n  - cold\n",
    );
    let ws = repo_with(&[("contacts/bob-babbage.md", &bob)]);
    let run = merge_branches(
        &ws,
        |ws| {
            edit(
                ws,
                ADA_PATH,
                &[(
                    "tags: [saas, webinar-2026]",
                    "tags: [saas, webinar-2026, pilot]",
                )],
            );
            edit(
                ws,
                "contacts/bob-babbage.md",
                &[("  - cold\n", "  - cold\n  - pilot\n")],
            );
        },
        |ws| {
            edit(
                ws,
                ADA_PATH,
                &[(
                    "tags: [saas, webinar-2026]",
                    "tags: [saas, webinar-2026, vip]",
                )],
            );
            edit(ws, "contacts/bob-babbage.md", &[("  - cold\n", "")]);
        },
    );
    assert_merged(ws.path(), &run);
    // Both additions kept (ours first, then theirs), in the list's own style.
    assert_eq!(
        ws.read(ADA_PATH),
        apply(
            ADA,
            &[(
                "tags: [saas, webinar-2026]",
                "tags: [saas, webinar-2026, vip, pilot]"
            )]
        )
    );
    // Removed on our side, an addition on theirs: removed, and theirs added.
    assert_eq!(
        ws.read("contacts/bob-babbage.md"),
        person(
            "Bob Babbage",
            "email: bob@analytical.example\ntags:\n  - retail\n  - webinar-2026\n  - pilot\n",
        )
    );
}

#[test]
fn git_merge_keeps_the_more_advanced_lifecycle_and_explicit_ends_win() {
    let base = |name: &str, email: &str| {
        person(
            name,
            &format!("email: {email}\nlifecycle: lead\nlead_status: working\nowner: sam\n"),
        )
    };
    let files = [
        (
            "contacts/bob-babbage.md",
            base("Bob Babbage", "bob@b.example"),
        ),
        ("contacts/cleo-chen.md", base("Cleo Chen", "cleo@c.example")),
        (
            "contacts/dan-dorsey.md",
            base("Dan Dorsey", "dan@d.example"),
        ),
        ("contacts/eve-evans.md", base("Eve Evans", "eve@e.example")),
    ];
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let ws = repo_with(&refs);
    let run = merge_branches(
        &ws,
        |ws| {
            // Theirs further along the funnel.
            edit(
                ws,
                ADA_PATH,
                &[("lifecycle: lead\n", "lifecycle: customer\n")],
            );
            // Theirs less far.
            edit(
                ws,
                "contacts/bob-babbage.md",
                &[("lifecycle: lead\n", "lifecycle: mql\n")],
            );
            // Theirs leaves the funnel: `other` wins over any stage.
            edit(
                ws,
                "contacts/cleo-chen.md",
                &[(
                    "lifecycle: lead\n",
                    "lifecycle: other\nother_reason: supplier\n",
                )],
            );
            // Theirs nurturing, ours unqualified.
            edit(
                ws,
                "contacts/dan-dorsey.md",
                &[("lead_status: working\n", "lead_status: nurturing\n")],
            );
            // Theirs unqualified, ours nurturing.
            edit(
                ws,
                "contacts/eve-evans.md",
                &[(
                    "lead_status: working\n",
                    "lead_status: unqualified\nunqualified_reason: no budget\n",
                )],
            );
        },
        |ws| {
            edit(ws, ADA_PATH, &[("lifecycle: lead\n", "lifecycle: mql\n")]);
            edit(
                ws,
                "contacts/bob-babbage.md",
                &[("lifecycle: lead\n", "lifecycle: sql\n")],
            );
            edit(
                ws,
                "contacts/cleo-chen.md",
                &[("lifecycle: lead\n", "lifecycle: opportunity\n")],
            );
            edit(
                ws,
                "contacts/dan-dorsey.md",
                &[(
                    "lead_status: working\n",
                    "lead_status: unqualified\nunqualified_reason: went with a competitor\n",
                )],
            );
            edit(
                ws,
                "contacts/eve-evans.md",
                &[("lead_status: working\n", "lead_status: nurturing\n")],
            );
        },
    );
    assert_merged(ws.path(), &run);
    assert_eq!(
        ws.read(ADA_PATH),
        apply(ADA, &[("lifecycle: lead\n", "lifecycle: customer\n")])
    );
    let fields =
        |name: &str, email: &str, rest: &str| person(name, &format!("email: {email}\n{rest}"));
    assert_eq!(
        ws.read("contacts/bob-babbage.md"),
        fields(
            "Bob Babbage",
            "bob@b.example",
            "lifecycle: sql\nlead_status: working\nowner: sam\n"
        )
    );
    assert_eq!(
        ws.read("contacts/cleo-chen.md"),
        fields(
            "Cleo Chen",
            "cleo@c.example",
            "lifecycle: other\nlead_status: working\nowner: sam\nother_reason: supplier\n"
        )
    );
    assert_eq!(
        ws.read("contacts/dan-dorsey.md"),
        fields(
            "Dan Dorsey",
            "dan@d.example",
            "lifecycle: lead\nlead_status: unqualified\nunqualified_reason: went with a competitor\nowner: sam\n"
        )
    );
    assert_eq!(
        ws.read("contacts/eve-evans.md"),
        fields(
            "Eve Evans",
            "eve@e.example",
            "lifecycle: lead\nlead_status: unqualified\nowner: sam\nunqualified_reason: no budget\n"
        )
    );
    // The driver says what it decided.
    assert!(
        run.stderr.contains(
            "kith: contacts/ada-lovelace.md: lifecycle: kept the more advanced `customer`, not `mql`"
        ) && run.stderr.contains(
            "kith: contacts/bob-babbage.md: lifecycle: kept the more advanced `sql`, not `mql`"
        ),
        "{}",
        run.stderr
    );
    // No conflicts were recorded.
    assert_eq!(ws.kith(&["conflicts"]).ok(), "0 unresolved\n");
}

#[test]
fn git_merge_keeps_the_more_advanced_deal_stage_and_closed_lost_wins() {
    let lost = apply(
        DEAL,
        &[
            ("name: Analytical pilot", "name: Analytical renewal"),
            ("contacts: [ada-lovelace]\n", ""),
        ],
    );
    let ws = repo_with(&[("deals/analytical-renewal.md", &lost)]);
    let run = merge_branches(
        &ws,
        |ws| {
            edit(
                ws,
                DEAL_PATH,
                &[("stage: qualified-to-buy", "stage: contract-sent")],
            );
            edit(
                ws,
                "deals/analytical-renewal.md",
                &[("stage: qualified-to-buy", "stage: closed-won")],
            );
        },
        |ws| {
            edit(
                ws,
                DEAL_PATH,
                &[("stage: qualified-to-buy", "stage: presentation-scheduled")],
            );
            edit(
                ws,
                "deals/analytical-renewal.md",
                &[(
                    "stage: qualified-to-buy",
                    "stage: closed-lost\nlost_reason: chose a competitor",
                )],
            );
        },
    );
    assert_merged(ws.path(), &run);
    assert_eq!(
        ws.read(DEAL_PATH),
        apply(DEAL, &[("stage: qualified-to-buy", "stage: contract-sent")])
    );
    assert_eq!(
        ws.read("deals/analytical-renewal.md"),
        apply(
            &lost,
            &[(
                "stage: qualified-to-buy",
                "stage: closed-lost\nlost_reason: chose a competitor",
            )]
        )
    );
    assert_eq!(ws.kith(&["conflicts"]).ok(), "0 unresolved\n");
}

#[test]
fn git_merge_quotes_their_body_lines_under_ours_when_both_changed_them() {
    let ws = repo();
    let run = merge_branches(
        &ws,
        |ws| {
            edit(
                ws,
                ADA_PATH,
                &[(
                    "Prefers e-mail to calls.",
                    "Prefers e-mail; calls only on Fridays.",
                )],
            )
        },
        |ws| {
            edit(
                ws,
                ADA_PATH,
                &[("Prefers e-mail to calls.", "Prefers calls since November.")],
            )
        },
    );
    assert_merged(ws.path(), &run);
    let text = ws.read(ADA_PATH);
    assert!(
        !text.contains("<<<<<<<") && !text.contains(">>>>>>>"),
        "{text}"
    );
    assert_eq!(
        text,
        apply(
            ADA,
            &[(
                "Prefers e-mail to calls.\n",
                "Prefers calls since November.\n\n> **Their version** (priya, 2026-11-24):\n> Prefers e-mail; calls only on Fridays.\n",
            )]
        )
    );
}

#[test]
fn git_merge_keeps_activities_from_both_sides_in_date_order() {
    let ws = repo();
    let proposal = "- 2026-11-21 email @sam: sent the proposal\n";
    let run = merge_branches(
        &ws,
        |ws| {
            edit(
                ws,
                ADA_PATH,
                &[
                    (
                        "- 2026-11-20 14:05",
                        "- 2026-11-19 meeting @priya: demo for the data team\n- 2026-11-20 14:05",
                    ),
                    (
                        "for 40 seats\n",
                        &format!(
                            "for 40 seats\n{proposal}- 2026-11-23 note @priya: legal wants the DPA\n"
                        ),
                    ),
                ],
            )
        },
        |ws| {
            edit(
                ws,
                ADA_PATH,
                &[(
                    "for 40 seats\n",
                    &format!("for 40 seats\n{proposal}- 2026-11-22 call @sam: pricing questions\n"),
                )],
            )
        },
    );
    assert_merged(ws.path(), &run);
    assert_eq!(
        ws.read(ADA_PATH),
        apply(
            ADA,
            &[(
                "- 2026-11-20 14:05 call @sam: discussed pricing for 40 seats\n",
                "- 2026-11-19 meeting @priya: demo for the data team\n\
                 - 2026-11-20 14:05 call @sam: discussed pricing for 40 seats\n\
                 - 2026-11-21 email @sam: sent the proposal\n\
                 - 2026-11-22 call @sam: pricing questions\n\
                 - 2026-11-23 note @priya: legal wants the DPA\n",
            )]
        )
    );
}

#[test]
fn a_record_created_on_both_branches_merges_from_an_empty_base() {
    let ws = repo();
    let zoe = "---\nname: Zoë Müller\nemail: zoe@muller.example\nlifecycle: lead\n---\nMet at the Berlin meetup.\n";
    let run = merge_branches(
        &ws,
        |ws| {
            ws.write(
                "contacts/zoe-muller.md",
                &apply(
                    zoe,
                    &[(
                        "lifecycle: lead\n",
                        "lifecycle: lead\nphone: \"+49 30 1234567\"\n",
                    )],
                ),
            )
        },
        |ws| {
            ws.write(
                "contacts/zoe-muller.md",
                &apply(
                    zoe,
                    &[("lifecycle: lead\n", "lifecycle: lead\ntags: [berlin]\n")],
                ),
            )
        },
    );
    assert_merged(ws.path(), &run);
    assert_eq!(
        ws.read("contacts/zoe-muller.md"),
        apply(
            zoe,
            &[(
                "lifecycle: lead\n",
                "lifecycle: lead\ntags: [berlin]\nphone: \"+49 30 1234567\"\n"
            )]
        )
    );
}

#[test]
fn git_pull_in_a_kith_clone_merges_records_field_by_field() {
    let origin = repo();
    let parent = Ws::empty();
    let origin_s = origin.path().display().to_string();
    let out = kith_in(parent.path(), &["clone", &origin_s, "team"]);
    let stdout = out.ok();
    assert!(
        stdout.contains("merge driver and pre-commit check installed"),
        "{stdout}"
    );
    let clone = parent.path().join("team");
    assert_eq!(
        std::fs::read_to_string(clone.join(".gitattributes")).unwrap(),
        ATTRIBUTES
    );
    assert!(
        git(&clone, &["config", "--get", "merge.kith.driver"]).contains("merge-driver %O %A %B %P")
    );
    assert!(clone.join(".git/hooks/pre-commit").is_file());

    // Priya pushes to the team repository (here: commits in it); Sam works in his clone.
    edit(
        &origin,
        ADA_PATH,
        &[
            ("7946 0000", "7946 0001"),
            (
                "for 40 seats\n",
                "for 40 seats\n- 2026-11-24 call @priya: agreed the pilot scope\n",
            ),
        ],
    );
    commit_all(origin.path(), PRIYA, THEIR_DATE, "their edit");
    let file = clone.join(ADA_PATH);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        apply(&text, &[("lifecycle: lead\n", "lifecycle: mql\n")]),
    )
    .unwrap();
    commit_all(&clone, SAM, OUR_DATE, "our edit");

    let run = git_as(
        &clone,
        SAM,
        MERGE_DATE,
        &["pull", "--no-rebase", "--no-edit", "origin", "main"],
    );
    assert_merged(&clone, &run);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        apply(
            ADA,
            &[
                ("lifecycle: lead\n", "lifecycle: mql\n"),
                ("7946 0000", "7946 0001"),
                (
                    "for 40 seats\n",
                    "for 40 seats\n- 2026-11-24 call @priya: agreed the pilot scope\n",
                ),
            ],
        )
    );
}

#[test]
fn git_merge_uses_the_driver_when_the_workspace_is_a_subfolder() {
    let top = Ws::empty();
    let crm = top.path().join("crm");
    copy_ws_into(&crm);
    top.write("README.md", "The company repository.\n");
    git(top.path(), &["init", "-q", "-b", "main"]);
    kith_in(&crm, &["install-merge-driver"]).ok();
    assert_eq!(top.read("crm/.gitattributes"), ATTRIBUTES);
    assert!(!top.file(".gitattributes").exists());
    commit_all(top.path(), SAM, BASE_DATE, "base");
    let rel = format!("crm/{ADA_PATH}");
    let run = merge_branches_in(
        &top,
        top.path(),
        |ws| edit(ws, &rel, &[("7946 0000", "7946 0001")]),
        |ws| edit(ws, &rel, &[("lifecycle: lead\n", "lifecycle: mql\n")]),
    );
    assert_merged(top.path(), &run);
    assert_eq!(
        top.read(&rel),
        apply(
            ADA,
            &[
                ("lifecycle: lead\n", "lifecycle: mql\n"),
                ("7946 0000", "7946 0001")
            ]
        )
    );
}

/// Writes the fixture workspace (kith.yaml, Ada, her company, the deal) into `dir`.
fn copy_ws_into(dir: &Path) {
    for (rel, text) in [
        ("kith.yaml", CONFIG),
        (ADA_PATH, ADA),
        ("companies/analytical-engines.md", COMPANY),
        (DEAL_PATH, DEAL),
    ] {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// What the driver leaves to git

#[test]
fn non_record_files_keep_gits_line_merge_with_conflict_markers() {
    let ws = repo_with(&[("README.md", "# Our CRM\n\nAsk Sam for access.\n")]);
    let run = merge_branches(
        &ws,
        |ws| {
            edit(
                ws,
                "kith.yaml",
                &[("name: Merge test", "name: Brightwave CRM")],
            );
            edit(ws, "README.md", &[("Ask Sam", "Ask Priya")]);
            edit(ws, ADA_PATH, &[("7946 0000", "7946 0001")]);
        },
        |ws| {
            edit(
                ws,
                "kith.yaml",
                &[("name: Merge test", "name: Brightwave Sales")],
            );
            edit(ws, "README.md", &[("Ask Sam", "Ask Mei")]);
            edit(ws, ADA_PATH, &[("lifecycle: lead\n", "lifecycle: mql\n")]);
        },
    );
    assert_eq!(
        run.code, 1,
        "the merge should stop\n{}\n{}",
        run.stdout, run.stderr
    );
    assert!(
        run.stdout
            .contains("CONFLICT (content): Merge conflict in kith.yaml")
            && run
                .stdout
                .contains("CONFLICT (content): Merge conflict in README.md"),
        "{}",
        run.stdout
    );
    assert_eq!(
        ws.read("kith.yaml"),
        apply(
            CONFIG,
            &[(
                "name: Merge test\n",
                "<<<<<<< HEAD\nname: Brightwave Sales\n=======\nname: Brightwave CRM\n>>>>>>> theirs\n"
            )]
        )
    );
    assert_eq!(
        ws.read("README.md"),
        "# Our CRM\n\n<<<<<<< HEAD\nAsk Mei for access.\n=======\nAsk Priya for access.\n>>>>>>> theirs\n"
    );
    // The record in the same merge went through the driver and is merged and staged.
    assert_eq!(
        ws.read(ADA_PATH),
        apply(
            ADA,
            &[
                ("lifecycle: lead\n", "lifecycle: mql\n"),
                ("7946 0000", "7946 0001")
            ]
        )
    );
    assert_eq!(
        ws.status(),
        "UU README.md\nM  contacts/ada-lovelace.md\nUU kith.yaml\n"
    );
}

#[test]
fn a_malformed_record_falls_back_to_line_merge_and_loses_nothing() {
    let bob = person(
        "Bob Babbage",
        "email: bob@b.example\nlifecycle: lead\nsource: webinar\ncountry: GB\nowner: sam\n",
    );
    let ws = repo_with(&[("contacts/bob-babbage.md", &bob)]);
    git_ok(
        ws.path(),
        SAM,
        BASE_DATE,
        &["checkout", "-q", "-b", "theirs"],
    );
    // Theirs breaks Ada's phone (an unclosed quote) on the line ours changes too.
    edit(
        &ws,
        ADA_PATH,
        &[("\"+44 20 7946 0000\"", "\"+44 20 7946 0003")],
    );
    // Theirs changes Bob's lifecycle; ours breaks another line of Bob's.
    edit(
        &ws,
        "contacts/bob-babbage.md",
        &[("lifecycle: lead", "lifecycle: mql")],
    );
    git_ok(
        ws.path(),
        PRIYA,
        THEIR_DATE,
        &["commit", "-q", "--no-verify", "-a", "-m", "theirs"],
    );
    git_ok(ws.path(), SAM, BASE_DATE, &["checkout", "-q", "main"]);
    edit(&ws, ADA_PATH, &[("7946 0000", "7946 0002")]);
    edit(
        &ws,
        "contacts/bob-babbage.md",
        &[("owner: sam", "owner: @sam")],
    );
    git_ok(
        ws.path(),
        SAM,
        OUR_DATE,
        &["commit", "-q", "--no-verify", "-a", "-m", "ours"],
    );
    let run = git_as(
        ws.path(),
        SAM,
        MERGE_DATE,
        &["merge", "--no-edit", "theirs"],
    );

    assert_eq!(
        run.code, 1,
        "the merge should stop\n{}\n{}",
        run.stdout, run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(
        run.stdout
            .contains("CONFLICT (content): Merge conflict in contacts/ada-lovelace.md"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("kith: contacts/ada-lovelace.md: not mergeable field by field"),
        "{}",
        run.stderr
    );
    // Both versions of the line, between git's markers; every other byte as it was.
    assert_eq!(
        unlabel_markers(&ws.read(ADA_PATH)),
        apply(
            ADA,
            &[(
                "phone: \"+44 20 7946 0000\"\n",
                "<<<<<<<\nphone: \"+44 20 7946 0002\"\n=======\nphone: \"+44 20 7946 0003\n>>>>>>>\n"
            )]
        )
    );
    // Bob's lines did not overlap: git's line merge took both, the broken line included.
    assert_eq!(
        ws.read("contacts/bob-babbage.md"),
        person(
            "Bob Babbage",
            "email: bob@b.example\nlifecycle: mql\nsource: webinar\ncountry: GB\nowner: @sam\n"
        )
    );
    assert_eq!(
        ws.status(),
        "UU contacts/ada-lovelace.md\nM  contacts/bob-babbage.md\n"
    );
}

// ---------------------------------------------------------------------------------------------
// The pre-commit hook and `kith check --staged`

const BROKEN_BOB: &str = "---\nname: Bob Babbage\nowner: @sam\n---\n";
const GOOD_BOB: &str = "---\nname: Bob Babbage\nowner: sam\n---\n";

#[test]
fn the_pre_commit_hook_refuses_a_broken_record_and_lets_a_good_one_through() {
    let ws = repo();
    let head = git(ws.path(), &["rev-parse", "HEAD"]);
    ws.write("contacts/bob-babbage.md", BROKEN_BOB);
    git_ok(ws.path(), SAM, OUR_DATE, &["add", "-A"]);
    let run = git_as(ws.path(), SAM, OUR_DATE, &["commit", "-q", "-m", "add bob"]);
    assert_ne!(
        run.code, 0,
        "the commit went through:\n{}\n{}",
        run.stdout, run.stderr
    );
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(
        said.contains(
            "contacts/bob-babbage.md:3:8: error: a value cannot start with `@` [yaml-syntax]"
        ),
        "{said}"
    );
    assert_eq!(
        git(ws.path(), &["rev-parse", "HEAD"]),
        head,
        "nothing was committed"
    );

    ws.write("contacts/bob-babbage.md", GOOD_BOB);
    git_ok(ws.path(), SAM, OUR_DATE, &["add", "-A"]);
    git_ok(ws.path(), SAM, OUR_DATE, &["commit", "-q", "-m", "add bob"]);
    assert_ne!(git(ws.path(), &["rev-parse", "HEAD"]), head);
    assert_eq!(ws.status(), "");
}

#[test]
fn check_staged_checks_the_index_not_the_working_tree() {
    let ws = repo();
    // Staged good, broken in the working tree: the commit would be fine.
    ws.write("contacts/bob-babbage.md", GOOD_BOB);
    git_ok(ws.path(), SAM, OUR_DATE, &["add", "-A"]);
    ws.write("contacts/bob-babbage.md", BROKEN_BOB);
    let staged = ws.kith(&["check", "--staged"]);
    assert_eq!(staged.ok(), "", "{}", staged.stderr);
    assert_eq!(staged.stderr, "0 errors, 0 warnings in 4 records\n");
    let tree = ws.kith(&["check"]);
    let stdout = tree.stdout.clone();
    tree.fails(1);
    assert!(
        stdout.contains("contacts/bob-babbage.md:3:8: error: a value cannot start with `@`"),
        "{stdout}"
    );
    // So the hook lets the commit through.
    git_ok(ws.path(), SAM, OUR_DATE, &["commit", "-q", "-m", "add bob"]);
    assert_eq!(
        git(ws.path(), &["show", "HEAD:contacts/bob-babbage.md"]),
        GOOD_BOB
    );

    // Staged broken, fixed in the working tree: the commit would be broken.
    git_ok(ws.path(), SAM, OUR_DATE, &["add", "-A"]);
    ws.write("contacts/bob-babbage.md", GOOD_BOB);
    ws.kith(&["check"]).ok();
    let staged = ws.kith(&["check", "--staged"]);
    assert!(
        staged.stdout.contains(
            "contacts/bob-babbage.md:3:8: error: a value cannot start with `@` [yaml-syntax]"
        ),
        "{}",
        staged.stdout
    );
    staged.fails(1);
    let run = git_as(
        ws.path(),
        SAM,
        OUR_DATE,
        &["commit", "-q", "-m", "break bob"],
    );
    assert_ne!(run.code, 0, "the broken staged record was committed");
    assert_eq!(
        git(ws.path(), &["show", "HEAD:contacts/bob-babbage.md"]),
        GOOD_BOB
    );
}

#[test]
fn the_pre_commit_hook_checks_a_workspace_in_a_subfolder() {
    let top = Ws::empty();
    let crm = top.path().join("crm");
    copy_ws_into(&crm);
    git(top.path(), &["init", "-q", "-b", "main"]);
    kith_in(&crm, &["install-merge-driver"]).ok();
    commit_all(top.path(), SAM, BASE_DATE, "base");
    top.write("crm/contacts/bob-babbage.md", BROKEN_BOB);
    git_ok(top.path(), SAM, OUR_DATE, &["add", "-A"]);
    let run = git_as(
        top.path(),
        SAM,
        OUR_DATE,
        &["commit", "-q", "-m", "add bob"],
    );
    assert_ne!(run.code, 0, "the broken record was committed");
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(
        said.contains("contacts/bob-babbage.md:3:8: error: a value cannot start with `@`"),
        "{said}"
    );
    top.write("crm/contacts/bob-babbage.md", GOOD_BOB);
    git_ok(top.path(), SAM, OUR_DATE, &["add", "-A"]);
    git_ok(
        top.path(),
        SAM,
        OUR_DATE,
        &["commit", "-q", "-m", "add bob"],
    );
    assert_eq!(top.status(), "");
}

// ---------------------------------------------------------------------------------------------
// History and blame

const H1: &str = "2026-11-01T09:00:00+00:00";
const H2: &str = "2026-11-05T09:00:00+00:00";
const H3: &str = "2026-11-10T09:00:00+00:00";
const H4: &str = "2026-11-12T09:00:00+00:00";
const H5: &str = "2026-11-15T09:00:00+00:00";

const HIST_V1: &str = "---
name: Ada Lovelace
lifecycle: lead
tags: [saas]
---
Notes.

## Activity
- 2026-11-01 visit: /pricing
";

/// Five commits to Ada (created, promoted and called, phone and tag, renamed with a title,
/// promoted again)
/// and one to Bob, in the workspace at `root` inside the repository at `top`. Returns the
/// short ids of the five commits to Ada.
fn write_history(top: &Path, root: &Path) -> Vec<String> {
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).unwrap();
    let mut ids = Vec::new();
    write("contacts/ada.md", HIST_V1);
    commit_all(top, SAM, H1, "Ada");
    ids.push(short(top, "HEAD"));

    let v2 = apply(
        HIST_V1,
        &[
            ("lifecycle: lead", "lifecycle: mql"),
            (
                "/pricing\n",
                "/pricing\n- 2026-11-05 call @priya: intro call\n",
            ),
        ],
    );
    write("contacts/ada.md", &v2);
    commit_all(top, PRIYA, H2, "Ada: mql");
    ids.push(short(top, "HEAD"));

    let v3 = apply(
        &v2,
        &[(
            "tags: [saas]\n",
            "phone: \"+44 20 7946 0000\"\ntags: [saas, vip]\n",
        )],
    );
    write("contacts/ada.md", &v3);
    commit_all(top, SAM, H3, "Ada: phone");
    ids.push(short(top, "HEAD"));

    // Another record: not in Ada's history.
    write("contacts/bob.md", "---\nname: Bob\n---\n");
    commit_all(top, PRIYA, H3, "Bob");

    let ws_rel = root.strip_prefix(top).unwrap();
    let from = ws_rel.join("contacts/ada.md").display().to_string();
    let to = ws_rel
        .join("contacts/ada-lovelace.md")
        .display()
        .to_string();
    // Renamed and edited in the same commit.
    git_ok(top, PRIYA, H4, &["mv", &from, &to]);
    let v4 = apply(
        &read("contacts/ada-lovelace.md"),
        &[("name: Ada Lovelace\n", "name: Ada Lovelace\ntitle: CTO\n")],
    );
    write("contacts/ada-lovelace.md", &v4);
    commit_all(top, PRIYA, H4, "rename Ada");
    ids.push(short(top, "HEAD"));

    let v5 = apply(
        &read("contacts/ada-lovelace.md"),
        &[("lifecycle: mql", "lifecycle: sql")],
    );
    write("contacts/ada-lovelace.md", &v5);
    commit_all(top, SAM, H5, "Ada: sql");
    ids.push(short(top, "HEAD"));
    ids
}

/// The expected `kith history ada-lovelace` rows: (date, who, commit index, change, detail).
fn expected_history() -> Vec<(
    &'static str,
    &'static str,
    usize,
    &'static str,
    &'static str,
)> {
    vec![
        ("2026-11-01", "sam", 0, "created", ""),
        ("2026-11-01", "sam", 0, "name", "- → Ada Lovelace"),
        ("2026-11-01", "sam", 0, "lifecycle", "- → lead"),
        ("2026-11-01", "sam", 0, "tags", "- → saas"),
        (
            "2026-11-01",
            "sam",
            0,
            "activity",
            "+ 2026-11-01 visit: /pricing",
        ),
        ("2026-11-05", "priya", 1, "lifecycle", "lead → mql"),
        (
            "2026-11-05",
            "priya",
            1,
            "activity",
            "+ 2026-11-05 call: intro call",
        ),
        ("2026-11-10", "sam", 2, "phone", "- → +44 20 7946 0000"),
        ("2026-11-10", "sam", 2, "tags", "saas → saas, vip"),
        ("2026-11-12", "priya", 3, "renamed", "from ada"),
        ("2026-11-12", "priya", 3, "title", "- → CTO"),
        ("2026-11-15", "sam", 4, "lifecycle", "mql → sql"),
    ]
}

/// Asserts the text and JSON history of Ada in the workspace at `root`.
#[track_caller]
fn assert_history(root: &Path, ids: &[String]) {
    let rows = expected_history();
    let full_ids: Vec<String> = ids
        .iter()
        .map(|s| git(root, &["rev-parse", s]).trim().to_string())
        .collect();

    let out = kith_in(root, &["history", "ada-lovelace", "--format", "json"]);
    out.ok();
    let expected_json: Vec<serde_json::Value> = rows
        .iter()
        .map(|(date, who, i, change, detail)| {
            serde_json::json!({"date": date, "who": who, "commit": full_ids[*i], "change": change, "detail": detail})
        })
        .collect();
    assert_eq!(out.json(), serde_json::Value::Array(expected_json));

    let out = kith_in(root, &["history", "ada-lovelace"]);
    let stdout = out.ok();
    // Rebuild the expected table with the same column widths as kith's renderer.
    let mut table: Vec<[String; 5]> = vec![[
        "DATE".into(),
        "WHO".into(),
        "COMMIT".into(),
        "CHANGE".into(),
        String::new(),
    ]];
    for (date, who, i, change, detail) in &rows {
        table.push([
            date.to_string(),
            who.to_string(),
            ids[*i].clone(),
            change.to_string(),
            detail.to_string(),
        ]);
    }
    assert_eq!(stdout, render(&table));
}

/// A table the way kith renders one: columns padded to their widest cell, two spaces between,
/// trailing spaces trimmed.
fn render<const N: usize>(rows: &[[String; N]]) -> String {
    let mut widths = [0usize; N];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < N {
                line.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn history_shows_every_change_with_author_date_and_commit_across_a_rename() {
    let ws = Ws::with_config(CONFIG);
    git(ws.path(), &["init", "-q", "-b", "main"]);
    commit_all(ws.path(), SAM, BASE_DATE, "workspace");
    let ids = write_history(ws.path(), ws.path());
    assert_history(ws.path(), &ids);
    // Any way of naming her gives the same history.
    let by_name = ws.kith(&["history", "Ada Lovelace"]);
    assert_eq!(by_name.ok(), ws.kith(&["history", "ada-lovelace"]).ok());
}

#[test]
fn blame_shows_who_last_set_each_field_and_when() {
    let ws = Ws::with_config(CONFIG);
    git(ws.path(), &["init", "-q", "-b", "main"]);
    commit_all(ws.path(), SAM, BASE_DATE, "workspace");
    let ids = write_history(ws.path(), ws.path());
    // An uncommitted change: nobody has committed this value yet.
    edit(
        &ws,
        "contacts/ada-lovelace.md",
        &[("name: Ada Lovelace", "name: Ada King")],
    );
    let row = |f: &str, v: &str, w: &str, d: &str, c: &str| [f, v, w, d, c].map(String::from);
    let table = [
        row("FIELD", "VALUE", "WHO", "DATE", "COMMIT"),
        row("name", "Ada King", "not committed yet", "", ""),
        row("title", "CTO", "priya", "2026-11-12", &ids[3]),
        row("lifecycle", "sql", "sam", "2026-11-15", &ids[4]),
        row("phone", "+44 20 7946 0000", "sam", "2026-11-10", &ids[2]),
        row("tags", "saas, vip", "sam", "2026-11-10", &ids[2]),
    ];
    let out = ws.kith(&["blame", "ada-lovelace", "--format", "json"]);
    out.ok();
    // JSON has the full commit ids.
    let full = |c: &str| {
        if c.is_empty() {
            String::new()
        } else {
            git(ws.path(), &["rev-parse", c]).trim().to_string()
        }
    };
    let json: Vec<serde_json::Value> = table[1..]
        .iter()
        .map(|[f, v, w, d, c]| {
            serde_json::json!({"field": f, "value": v, "who": w, "date": d, "commit": full(c)})
        })
        .collect();
    assert_eq!(out.json(), serde_json::Value::Array(json));
    let out = ws.kith(&["blame", "ada-lovelace"]);
    assert_eq!(out.ok(), render(&table));
}

#[test]
fn history_and_blame_work_in_a_subfolder_workspace_and_ignore_the_rest_of_the_repository() {
    let top = Ws::empty();
    let crm = top.path().join("crm");
    std::fs::create_dir_all(&crm).unwrap();
    std::fs::write(crm.join("kith.yaml"), CONFIG).unwrap();
    // Outside the workspace: a folder that looks like a workspace's, and a README.
    top.write("contacts/ada-lovelace.md", HIST_V1);
    top.write("README.md", "Company repository.\n");
    git(top.path(), &["init", "-q", "-b", "main"]);
    commit_all(top.path(), SAM, BASE_DATE, "repository");
    let ids = write_history(top.path(), &crm);
    // A change outside the workspace to a file with the same name: not Ada's history.
    top.write(
        "contacts/ada-lovelace.md",
        &HIST_V1.replace("lifecycle: lead", "lifecycle: customer"),
    );
    commit_all(top.path(), PRIYA, H5, "outside");
    // Blame, run from the repository's top with -C.
    let out = kith_in(top.path(), &["-C", "crm", "blame", "ada-lovelace"]);
    let row = |f: &str, v: &str, w: &str, d: &str, i: usize| {
        [f, v, w, d, ids[i].as_str()].map(String::from)
    };
    let header = ["FIELD", "VALUE", "WHO", "DATE", "COMMIT"].map(String::from);
    assert_eq!(
        out.ok(),
        render(&[
            header,
            row("name", "Ada Lovelace", "sam", "2026-11-01", 0),
            row("title", "CTO", "priya", "2026-11-12", 3),
            row("lifecycle", "sql", "sam", "2026-11-15", 4),
            row("phone", "+44 20 7946 0000", "sam", "2026-11-10", 2),
            row("tags", "saas, vip", "sam", "2026-11-10", 2),
        ])
    );
    // History, run inside the workspace.
    assert_history(&crm, &ids);
}

// ---------------------------------------------------------------------------------------------
// kith init

#[test]
fn init_registers_the_merge_driver_in_a_new_repository() {
    let tmp = Ws::empty();
    let out = kith_in(tmp.path(), &["init", "crm", "--timezone", "Europe/London"]);
    out.ok();
    let root = tmp.path().join("crm");
    assert!(root.join(".git").is_dir());
    let driver = git(&root, &["config", "--get", "merge.kith.driver"]);
    assert!(
        driver.trim_end().ends_with(" merge-driver %O %A %B %P")
            && driver.contains(env!("CARGO_BIN_EXE_kith")),
        "{driver}"
    );
    assert_eq!(
        std::fs::read_to_string(root.join(".gitattributes")).unwrap(),
        ATTRIBUTES
    );
    assert_eq!(
        git(&root, &["check-attr", "merge", "--", "contacts/ada.md"]),
        "contacts/ada.md: merge: kith\n"
    );
    let hook = std::fs::read_to_string(root.join(".git/hooks/pre-commit")).unwrap();
    assert!(hook.contains("check --staged"), "{hook}");
}

#[test]
fn init_inside_an_existing_repository_registers_the_driver_there() {
    let top = Ws::empty();
    git(top.path(), &["init", "-q", "-b", "main"]);
    kith_in(top.path(), &["init", "crm", "--timezone", "Europe/London"]).ok();
    assert!(
        !top.file("crm/.git").exists(),
        "a nested repository was created"
    );
    let driver = git(top.path(), &["config", "--get", "merge.kith.driver"]);
    assert!(driver.contains("merge-driver %O %A %B %P"), "{driver}");
    assert_eq!(top.read("crm/.gitattributes"), ATTRIBUTES);
    assert_eq!(
        git(
            top.path(),
            &[
                "check-attr",
                "merge",
                "--",
                "crm/contacts/ada.md",
                "contacts/ada.md"
            ]
        ),
        "crm/contacts/ada.md: merge: kith\ncontacts/ada.md: merge: unspecified\n"
    );
}

#[test]
fn stacked_conflicts_list_every_value_and_a_resolution_names_the_one_it_takes() {
    // Three clones set the title to CEO, CFO and CTO: two merges recorded two entries, and
    // the file holds CEO.
    let path = "contacts/zoe-stack.md";
    let zoe = person(
        "Zoe Stack",
        "title: CEO\nconflicts:\n  - field: title\n    ours: CEO\n    theirs: CFO\n    who: bob\n    when: \"2026-11-20\"\n  - field: title\n    ours: CFO\n    theirs: CTO\n    who: carol\n    when: \"2026-11-21\"\n",
    );
    let ws = repo_with(&[(path, &zoe)]);
    let rows: Vec<(String, String, String)> = ws
        .kith(&["conflicts", "--format", "json"])
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_string();
            (s("ours"), s("theirs"), s("who"))
        })
        .collect();
    let t = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    // Ours is the value in the file; every other value is listed, once.
    assert_eq!(rows, [t("CEO", "CFO", "bob"), t("CEO", "CTO", "carol")]);
    let table = ws.kith(&["conflicts"]).ok().to_string();
    assert!(table.contains("CFO") && table.contains("CTO"), "{table}");
    // `theirs` is not one value: refused, nothing changes, the choices are named.
    let err = ws.kith(&[
        "resolve",
        "zoe-stack",
        "--field",
        "title",
        "--take",
        "theirs",
    ]);
    let said = err.fails(1);
    assert!(
        said.contains("2 other values: CFO (bob on 2026-11-20), CTO (carol on 2026-11-21)")
            && said.contains("--take CTO"),
        "{said}"
    );
    assert_eq!(ws.read(path), zoe);
    let out = ws.kith(&["resolve", "zoe-stack", "--field", "title", "--take", "CTO"]);
    assert!(out.ok().contains("set to CTO"), "{}", out.stdout);
    let text = ws.read(path);
    assert!(
        text.contains("title: CTO\n") && !text.contains("conflicts"),
        "{text}"
    );
}

#[test]
fn git_merge_never_fuses_two_different_people_created_under_one_id() {
    let ws = repo();
    let path = "contacts/zed-zulu.md";
    let theirs = "---\nname: Zed Zulu\nemail: zed@zulu-shipping.example\nphone: \"+49 30 1234567\"\n---\nMet at the port.\n";
    let ours = "---\nname: Zed Zulu\nemail: zed.zulu@gmail.example\ntitle: Student\n---\nMet at the library.\n";
    let run = merge_branches(&ws, |ws| ws.write(path, theirs), |ws| ws.write(path, ours));
    assert_merged(ws.path(), &run);
    assert!(
        run.stderr
            .contains("both sides created it for different records"),
        "{}",
        run.stderr
    );
    // Ours in place, untouched but for the conflict; theirs whole in it, not fused.
    let text = ws.read(path);
    assert!(
        text.starts_with(
            "---\nname: Zed Zulu\nemail: zed.zulu@gmail.example\ntitle: Student\nconflicts:\n"
        ),
        "{text}"
    );
    assert!(!text.contains("\nphone:"), "{text}");
    let listed = ws.kith(&["conflicts", "--format", "json"]).json();
    assert_eq!(listed[0]["field"], "record", "{listed}");
    assert_eq!(listed[0]["theirs"].as_str(), Some(theirs), "{listed}");
    let check = ws.kith(&["check"]);
    check.fails(1);
    let said = format!("{}{}", check.stdout, check.stderr);
    assert!(
        said.contains("unresolved-record-conflict")
            && said.contains("both sides created this id for different records")
            && said.contains("--take both"),
        "{said}"
    );
    // Keeping both: theirs becomes a record of its own.
    let out = ws.kith(&["resolve", "zed-zulu", "--field", "record", "--take", "both"]);
    assert!(
        out.ok().contains("is now contacts/zed-zulu-2.md"),
        "{}",
        out.stdout
    );
    assert_eq!(ws.read("contacts/zed-zulu-2.md"), theirs);
    assert_eq!(ws.read(path), ours);
    ws.kith(&["check"]).ok();
}

#[test]
fn history_follows_a_rename_into_a_branch_that_edited_the_old_name_later() {
    let ws = repo();
    let top = ws.path();
    git_ok(top, SAM, BASE_DATE, &["branch", "theirs"]);
    // Sam renames Ada on main; later by the clock, Priya edits her under the old name on a
    // branch, which is then merged (git follows the rename).
    git_ok(
        top,
        SAM,
        THEIR_DATE,
        &["mv", ADA_PATH, "contacts/ada-byron.md"],
    );
    ws.write(
        DEAL_PATH,
        &ws.read(DEAL_PATH).replace("ada-lovelace", "ada-byron"),
    );
    commit_all(top, SAM, THEIR_DATE, "rename");
    git_ok(top, SAM, OUR_DATE, &["checkout", "-q", "theirs"]);
    ws.write(ADA_PATH, &ADA.replace("7946 0000", "7946 0005"));
    commit_all(top, PRIYA, OUR_DATE, "phone");
    git_ok(top, SAM, OUR_DATE, &["checkout", "-q", "main"]);
    let run = git_as(top, SAM, MERGE_DATE, &["merge", "--no-edit", "theirs"]);
    assert_merged(top, &run);
    assert!(ws.read("contacts/ada-byron.md").contains("7946 0005"));
    let out = ws.kith(&["history", "ada-byron", "--format", "json"]);
    let rows: Vec<(String, String)> = out
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["who"].as_str().unwrap().to_string(),
                r["change"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        rows.iter()
            .any(|(who, change)| who == "priya" && change == "phone"),
        "{rows:?}"
    );
    assert!(
        rows.iter().any(|(_, change)| change.contains("renamed")),
        "{rows:?}"
    );
}

#[test]
fn git_merge_of_an_unqualify_and_a_promote_records_a_conflict_never_sql_and_unqualified() {
    let path = "contacts/bob-babbage.md";
    let bob = person(
        "Bob Babbage",
        "email: bob@b.example\nlifecycle: lead\nlead_status: working\nowner: sam\n",
    );
    let ws = repo_with(&[(path, &bob)]);
    let run = merge_branches(
        &ws,
        // Theirs unqualifies him.
        |ws| {
            edit(
                ws,
                path,
                &[(
                    "lead_status: working\n",
                    "lead_status: unqualified\nunqualified_reason: no budget\n",
                )],
            )
        },
        // Ours promotes him to SQL.
        |ws| {
            ws.kith(&["promote", "bob-babbage", "sql"]).ok();
        },
    );
    assert_merged(ws.path(), &run);
    assert!(
        run.stderr.contains(
            "lifecycle and lead_status kept together: an unqualified lead cannot be sales-qualified or further on"
        ),
        "{}",
        run.stderr
    );
    let text = ws.read(path);
    assert!(
        text.contains("lifecycle: sql\n") && text.contains("lead_status: working\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "conflicts:\n  - field: lifecycle\n    ours: sql\n    theirs: lead\n    who: priya\n    when: \"2026-11-24\"\n  - field: lead_status\n    ours: working\n    theirs: unqualified\n"
        ),
        "{text}"
    );
    // What only one side changed merges as usual: their reason, our stage entry.
    assert!(text.contains("unqualified_reason: no budget\n"), "{text}");
    assert!(text.contains("stage: lead → sql"), "{text}");
    let list = ws.kith(&["conflicts", "--format", "json"]).json();
    let fields: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["lifecycle", "lead_status"]);
}
