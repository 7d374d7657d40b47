//! Input a user types: dates in every form kith takes (`fri`, `+3d`, `tomorrow`, ISO), teammates
//! checked against kith.yaml before anything is written, a warning for a second record with a
//! person's name, and tasks addressed by number or by text.

use crate::harness::Ws;

/// The open-task lines of a record's `## Tasks`, in file order.
fn open_tasks(ws: &Ws, rel: &str) -> Vec<String> {
    ws.read(rel)
        .lines()
        .filter(|l| l.starts_with("- [ ] "))
        .map(str::to_string)
        .collect()
}

#[test]
fn relative_dates_count_from_kiths_today_wherever_a_date_is_taken() {
    // The harness pins today to Wednesday 2026-11-25.
    let ws = Ws::example();
    let rel = "contacts/aisha-rahman.md";
    ws.kith(&[
        "task",
        "aisha-rahman",
        "confirm pilot scope",
        "--due",
        "fri",
    ])
    .ok();
    ws.kith(&["task", "aisha-rahman", "send the contract", "--due", "+1m"])
        .ok();
    // A leading `-` is a value, not an option.
    ws.kith(&["task", "aisha-rahman", "chase the invoice", "--due", "-2w"])
        .ok();
    // Tasks are kept in due order in the file.
    assert_eq!(
        open_tasks(&ws, rel),
        [
            "- [ ] 2026-11-11 follow-up @mei: chase the invoice",
            "- [ ] 2026-11-27 follow-up @mei: confirm pilot scope",
            "- [ ] 2026-12-25 follow-up @mei: send the contract",
        ]
    );
    ws.kith(&[
        "log",
        "aisha-rahman",
        "call",
        "left a message",
        "--date",
        "yesterday",
    ])
    .ok();
    assert!(
        ws.read(rel).contains("- 2026-11-24 call: left a message\n"),
        "{}",
        ws.read(rel)
    );
    // Task 1 is the overdue one; Monday is the next Monday.
    ws.kith(&["snooze", "aisha-rahman", "1", "--to", "Monday"])
        .ok();
    assert!(
        ws.read(rel)
            .contains("- [ ] 2026-11-30 follow-up @mei: chase the invoice\n")
    );
    ws.kith(&["done", "aisha-rahman", "1", "--on", "today"])
        .ok();
    assert!(
        ws.read(rel)
            .contains("- [x] 2026-11-27 follow-up @mei: confirm pilot scope (done 2026-11-25)\n")
    );
    // The agenda counts from the day given: none of Aisha's tasks is due by Thursday; by
    // +7d, the invoice is.
    let aishas = |as_of: &str| -> Vec<String> {
        let due = ws
            .kith(&["due", "--as-of", as_of, "--format", "json"])
            .json();
        due.as_array()
            .unwrap()
            .iter()
            .filter(|d| d["record"] == "aisha-rahman")
            .map(|d| format!("{} {}", d["due"], d["text"]))
            .collect()
    };
    assert_eq!(aishas("tomorrow"), Vec::<String>::new());
    assert_eq!(aishas("+7d"), ["\"2026-11-30\" \"chase the invoice\""]);
    // --as-of of the read-only commands takes the same forms.
    ws.kith(&["list", "--as-of", "-1w", "--format", "json"])
        .ok();
    ws.kith(&["score", "aisha-rahman", "--as-of", "yesterday"])
        .ok();
}

#[test]
fn a_date_kith_cannot_read_names_the_forms_and_writes_nothing() {
    let ws = Ws::example();
    for args in [
        vec!["task", "aisha-rahman", "x", "--due", "soon"],
        vec!["task", "aisha-rahman", "x", "--due", "2026-02-30"],
        vec!["log", "aisha-rahman", "call", "x", "--date", "+3x"],
        vec!["task", "aisha-rahman", "x", "--due", "next friday"],
        vec!["list", "--as-of", "frid"],
    ] {
        // A value of the wrong form: a usage error (exit 2), as for any argument.
        let err = ws.kith(&args).fails(2).to_string();
        let given = args.last().unwrap();
        assert_eq!(
            err,
            format!(
                "error: `{given}` is not a valid date (write YYYY-MM-DD, today, yesterday, \
                 tomorrow, +3d, -2w, +1m, +1y or a weekday such as fri)\n"
            ),
            "{args:?}"
        );
    }
    ws.assert_untouched();
}

#[test]
fn an_unknown_teammate_is_refused_with_a_did_you_mean_before_anything_is_written() {
    let ws = Ws::example();
    for (args, said) in [
        (
            vec!["set", "aisha-rahman", "owner=pryia"],
            "error: owner: `pryia` is not a teammate in kith.yaml\n  \
             help: did you mean `priya`? (or pass --force to write `pryia` anyway)\n",
        ),
        (
            vec!["task", "aisha-rahman", "call back", "--owner", "samm"],
            "error: --owner: `samm` is not a teammate in kith.yaml\n  \
             help: did you mean `sam`? (or pass --force to write `samm` anyway)\n",
        ),
        (
            vec!["log", "aisha-rahman", "call", "hello", "--by", "mie"],
            "error: --by: `mie` is not a teammate in kith.yaml\n  \
             help: did you mean `mei`? (or pass --force to write `mie` anyway)\n",
        ),
        (
            vec!["new", "contact", "Zoe Quill", "--set", "owner=bob"],
            "error: owner: `bob` is not a teammate in kith.yaml\n  \
             help: teammates: sam, priya, jonas, mei, alex; add them under `teammates:` in \
             kith.yaml (or pass --force to write `bob` anyway)\n",
        ),
        (
            vec!["set", "--where", "lifecycle = lead", "owner=pryia"],
            "error: owner: `pryia` is not a teammate in kith.yaml\n  \
             help: did you mean `priya`? (or pass --force to write `pryia` anyway)\n",
        ),
    ] {
        assert_eq!(ws.kith(&args).fails(1), said, "{args:?}");
    }
    ws.assert_untouched();

    // --force writes it, with a warning; a known teammate needs nothing.
    let out = ws.kith(&["set", "aisha-rahman", "owner=pryia", "--force"]);
    out.ok();
    assert_eq!(
        out.stderr,
        "warning: `pryia` is not a teammate in kith.yaml; written anyway (--force)\n"
    );
    ws.kith(&[
        "log",
        "aisha-rahman",
        "call",
        "hello",
        "--by",
        "mie",
        "--force",
    ])
    .ok();
    let ok = ws.kith(&["task", "aisha-rahman", "call back", "--owner", "sam"]);
    ok.ok();
    // Nothing about `sam`; the two strangers written with --force are `kith check`'s to list.
    assert_eq!(
        ok.stderr,
        "2 warnings in 104 records; `kith check` lists them\n"
    );
    assert_eq!(
        ws.changes(),
        [
            "-owner: mei",
            "+owner: pryia",
            "+## Tasks",
            "+- [ ] 2026-11-25 follow-up @sam: call back",
            "+",
            "+- 2026-11-25 call @mie: hello",
        ]
    );
    // A filter only warns, with the same hint.
    let out = ws.kith(&["due", "--owner", "jnoas"]);
    out.ok();
    assert_eq!(
        out.stderr,
        "warning: `jnoas` is not a teammate in kith.yaml (did you mean `jonas`?)\n\
         2 warnings in 104 records; `kith check` lists them\n"
    );
    // A bulk edit is refused, or warned about, once, not once per record.
    let out = ws.kith(&[
        "set",
        "--where",
        "lifecycle = lead",
        "owner=pryia",
        "--force",
    ]);
    out.ok();
    assert_eq!(
        out.stderr,
        "warning: `pryia` is not a teammate in kith.yaml; written anyway (--force)\n\
         14 of 14 records changed\n\
         2 warnings in 104 records; `kith check` lists them\n"
    );
}

#[test]
fn a_new_contact_named_like_an_existing_person_is_created_with_a_warning() {
    let ws = Ws::example();
    // Accents, case and word order aside, this is Élodie Garnier.
    let out = ws.kith(&["new", "contact", "GARNIER Elodie"]);
    assert_eq!(out.ok(), "contacts/garnier-elodie.md\n");
    assert_eq!(
        out.stderr,
        "warning: contacts/elodie-garnier.md is already a person named Élodie Garnier; if \
         garnier-elodie is the same person, `kith merge elodie-garnier garnier-elodie` makes \
         them one\n"
    );
    let out = ws.kith(&["new", "contact", "Garnier, élodie"]);
    out.ok();
    assert!(
        out.stderr
            .starts_with("warning: contacts/elodie-garnier.md is already a person named"),
        "{}",
        out.stderr
    );
    // Someone else, and a company of that name, are no one's twin.
    let out = ws.kith(&["new", "contact", "Élodie Garnett"]);
    out.ok();
    assert_eq!(out.stderr, "");
    let out = ws.kith(&["new", "company", "Elodie Garnier"]);
    out.ok();
    assert_eq!(out.stderr, "");
}

/// A contact with three open tasks, due 11-27, 11-30 and 12-02, in that order.
fn three_tasks() -> Ws {
    let ws = Ws::example();
    for (text, due) in [
        ("confirm pilot scope", "2026-11-27"),
        ("send the contract", "2026-11-30"),
        ("book the kickoff", "2026-12-02"),
    ] {
        ws.kith(&["task", "aisha-rahman", text, "--due", due]).ok();
    }
    ws
}

#[test]
fn a_snooze_that_renumbers_the_tasks_prints_the_new_numbers() {
    let ws = three_tasks();
    let out = ws.kith(&["snooze", "aisha-rahman", "1", "--to", "2026-12-01"]);
    assert_eq!(
        out.ok(),
        "contacts/aisha-rahman.md: follow-up confirm pilot scope: due 2026-11-27 → 2026-12-01\n\
         the open tasks are numbered anew:\n  \
         1. 2026-11-30 follow-up send the contract\n  \
         2. 2026-12-01 follow-up confirm pilot scope\n  \
         3. 2026-12-02 follow-up book the kickoff\n"
    );
    // `kith show` numbers them the same way.
    let show = ws.kith(&["show", "aisha-rahman"]);
    let lines: Vec<&str> = show
        .ok()
        .lines()
        .skip_while(|l| !l.starts_with("Open tasks"))
        .skip(1)
        .take(3)
        .collect();
    assert!(lines[0].starts_with("  1  2026-11-30"), "{lines:?}");
    assert!(lines[1].starts_with("  2  2026-12-01"), "{lines:?}");
    // Task 1 is now the contract, and `done` says which task it ticked.
    let out = ws.kith(&["done", "aisha-rahman", "1"]);
    assert_eq!(
        out.ok(),
        "contacts/aisha-rahman.md: done: follow-up send the contract (due 2026-11-30)\n"
    );
    // A snooze that keeps the order prints no numbers.
    let out = ws.kith(&["snooze", "aisha-rahman", "2", "--to", "2026-12-03"]);
    assert_eq!(
        out.ok(),
        "contacts/aisha-rahman.md: follow-up book the kickoff: due 2026-12-02 → 2026-12-03\n"
    );
}

#[test]
fn a_task_can_be_addressed_by_the_words_of_its_text() {
    let ws = three_tasks();
    let rel = "contacts/aisha-rahman.md";
    // Words in any order, case aside; `scope` and `confirm` are not next to each other.
    let out = ws.kith(&[
        "snooze",
        "aisha-rahman",
        "--match",
        "Confirm SCOPE",
        "--to",
        "+1w",
    ]);
    assert!(
        out.ok().starts_with(
            "contacts/aisha-rahman.md: follow-up confirm pilot scope: due 2026-11-27 → 2026-12-02\n"
        ),
        "{}",
        out.stdout
    );
    let before = ws.read(rel);
    // Two tasks mention `the`: kith asks which, by number (the user's to say: exit 1, as for
    // a task number out of range).
    let err = ws
        .kith(&["done", "aisha-rahman", "--match", "the"])
        .fails(1)
        .to_string();
    assert_eq!(
        err,
        "error: 2 open tasks of contacts/aisha-rahman.md match `the`; say which: `kith done aisha-rahman N`\n  \
         1. 2026-11-30 follow-up send the contract\n  \
         3. 2026-12-02 follow-up book the kickoff\n"
    );
    let err = ws
        .kith(&["done", "aisha-rahman", "--match", "invoice"])
        .fails(1)
        .to_string();
    assert!(
        err.starts_with("error: no open task of contacts/aisha-rahman.md matches `invoice`; its open tasks:\n  1. 2026-11-30"),
        "{err}"
    );
    // A number and --match together are a usage mistake.
    ws.kith(&["done", "aisha-rahman", "1", "--match", "contract"])
        .fails(2);
    assert_eq!(ws.read(rel), before);
    ws.kith(&["done", "aisha-rahman", "--match", "kickoff"])
        .ok();
    assert!(
        ws.read(rel)
            .contains("- [x] 2026-12-02 follow-up @mei: book the kickoff (done 2026-11-25)\n")
    );
}
