//! Duplicates: `kith duplicates` finds them with a confidence and the reasons, `kith check`
//! warns about those sharing an address or number, `kith merge KEEP DROP` folds one record into
//! another (fields, lists, activity logs, notes, references) and `kith sync` names the command
//! for duplicates that arrive with it.

use crate::harness::*;

/// Three duplicates added to the example: an address written differently, a phone number
/// written nationally, a short first name at the same company (found by e-mail domain).
fn example_with_duplicates() -> Ws {
    let ws = Ws::example();
    ws.write(
        "contacts/elodie-garnier-2.md",
        "---\nname: Elodie Garnier\nemail: Elodie.Garnier+events@paylune.example\nsource: event\n---\n",
    );
    ws.write(
        "contacts/g-llewellyn.md",
        "---\nname: G. Llewellyn\nphone: \"0113 496 0577\"\n---\n",
    );
    ws.write(
        "contacts/robert-pennington.md",
        "---\nname: Robert Pennington\nemail: robert.pennington@harbourline.example\n---\n",
    );
    ws
}

#[test]
fn duplicates_are_listed_with_confidence_and_reasons() {
    let ws = example_with_duplicates();
    assert_eq!(
        ws.kith(&["duplicates"]).ok(),
        "\
CONFIDENCE  KIND     KEEP              DROP               WHY
       90%  contact  elodie-garnier    elodie-garnier-2   same e-mail address once normalized: elodie.garnier@paylune.example and Elodie.Garnier+events@paylune.example
       85%  contact  gareth-llewellyn  g-llewellyn        same phone number: +44 113 496 0577 and 0113 496 0577
       74%  contact  rob-pennington    robert-pennington  similar name at harbourline-freight: \"Rob Pennington\" and \"Robert Pennington\"
3 likely duplicates (2 sharing an e-mail address or phone number); `kith merge KEEP DROP` merges a pair
"
    );
    let run = ws.kith(&["duplicates", "--format", "json"]);
    run.ok();
    let pairs = run.json();
    assert_eq!(pairs.as_array().unwrap().len(), 3);
    assert_eq!(
        pairs[0],
        serde_json::json!({
            "kind": "contact",
            "keep": "elodie-garnier",
            "drop": "elodie-garnier-2",
            "keep_path": "contacts/elodie-garnier.md",
            "drop_path": "contacts/elodie-garnier-2.md",
            "confidence": 0.9,
            "high": true,
            "reasons": [{
                "code": "same-email",
                "message": "same e-mail address once normalized: elodie.garnier@paylune.example and Elodie.Garnier+events@paylune.example",
            }],
            "merge": "kith merge elodie-garnier elodie-garnier-2",
        })
    );
    assert_eq!(pairs[2]["reasons"][0]["code"], "similar-name");
    assert_eq!(pairs[2]["high"], false);
    assert!(
        ws.status().lines().all(|l| l.starts_with("?? ")),
        "{}",
        ws.status()
    );
}

#[test]
fn check_warns_about_people_sharing_an_address_and_names_the_merge() {
    let ws = Ws::example();
    ws.write(
        "contacts/elodie-g.md",
        "---\nname: Élodie G.\nemail: Elodie.Garnier@Paylune.example\n---\n",
    );
    let run = ws.kith(&["check"]);
    assert_eq!(
        run.ok(),
        "contacts/elodie-g.md:3:8: warning: likely the same contact as contacts/elodie-garnier.md: same e-mail address Elodie.Garnier@Paylune.example [likely-duplicate]\n  help: if both are the same contact, `kith merge elodie-garnier elodie-g` merges this record into contacts/elodie-garnier.md; if not, correct the address\n"
    );
    assert_eq!(run.stderr, "0 errors, 1 warning in 105 records\n");
    // Only a pair sharing an address or number is a warning; similar names are not.
    let ws = example_with_duplicates();
    let run = ws.kith(&["check", "--format", "json"]);
    let codes: Vec<(String, String)> = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            (
                "contacts/elodie-garnier-2.md".into(),
                "likely-duplicate".into()
            ),
            ("contacts/g-llewellyn.md".into(), "likely-duplicate".into()),
        ]
    );
}

const CONFIG: &str = "name: Merge\nteammates:\n  sam: {name: Sam}\n  priya: {name: Priya}\n";

/// KEEP, written by hand: a comment, quotes, a block list, notes and a log.
const ADA: &str = "---
# Met at the Lisbon meetup
name: Ada Lovelace
email: ada@analytical.example   # work
phone: \"+44 20 7946 0000\"
company: analytical
lifecycle: lead
lead_status: working
tags:
  - saas
  - webinar-2026
---
Wants a pilot for 40 seats.

## Activity
- 2026-11-02 visit: /pricing
- 2026-11-20 14:05 call @sam: discussed pricing
";

/// DROP: the same person, entered again from a web form.
const ADA_FORM: &str = "---
name: Ada King
email: Ada.King+form@gmail.com
phone: \"020 7946 0000\"
company: analytical
title: CTO
lifecycle: mql
tags: [vip, SaaS]
source: website-form
---
Filled in the demo form twice.

## Activity
- 2026-11-02 visit: /pricing
- 2026-11-10 form: demo request
- 2026-11-25 email @priya: sent the demo recording
";

const PILOT: &str = "---
name: Analytical pilot
company: analytical
contacts:
  - ada-king
  - bob
stage: qualified-to-buy
amount: 12000
---
";

fn merge_workspace() -> Ws {
    let ws = Ws::with_config(CONFIG);
    ws.write("contacts/ada-lovelace.md", ADA);
    ws.write("contacts/ada-king.md", ADA_FORM);
    ws.write(
        "contacts/bob.md",
        "---\nname: Bob Byte\nemail: bob@analytical.example\ncompany: analytical\n---\n",
    );
    ws.write(
        "companies/analytical.md",
        "---\nname: Analytical Engines\ndomain: analytical.example\n---\n",
    );
    ws.write("deals/pilot.md", PILOT);
    init_and_commit(ws.path(), "duplicates");
    ws
}

#[test]
fn merge_combines_fields_logs_and_notes_and_repoints_deals() {
    let ws = merge_workspace();
    // kith would keep ada-king, which has the longer log; here the user keeps the other.
    assert!(
        ws.kith(&["duplicates"]).ok().contains(
            "ada-king  ada-lovelace  same phone number: 020 7946 0000 and +44 20 7946 0000"
        )
    );
    let run = ws.kith(&["merge", "ada-lovelace", "ada-king"]);
    assert_eq!(
        run.ok(),
        "\
contacts/ada-lovelace.md: merged contacts/ada-king.md into it: emails +Ada.King+form@gmail.com, title = CTO, tags +vip, source = website-form, a note of the merge with 2 other values, 2 activities
deals/pilot.md: contacts: ada-king → ada-lovelace
contacts/ada-king.md: removed
"
    );
    assert_eq!(
        run.stderr,
        "warning: contacts/ada-king.md was at the later stage `mql`; contacts/ada-lovelace.md stays at `lead` (`kith promote ada-lovelace mql` moves it)\n"
    );
    // KEEP: its own lines untouched, DROP's values added, differences noted, logs united in
    // date order, DROP's notes kept.
    assert_eq!(
        ws.read("contacts/ada-lovelace.md"),
        "---
# Met at the Lisbon meetup
name: Ada Lovelace
email: ada@analytical.example   # work
phone: \"+44 20 7946 0000\"
company: analytical
lifecycle: lead
lead_status: working
tags:
  - saas
  - webinar-2026
  - vip
emails: [Ada.King+form@gmail.com]
title: CTO
source: website-form
---
Wants a pilot for 40 seats.

Merged from ada-king (Ada King) on 2026-11-25. Its other values:
- name: Ada King
- lifecycle: mql

Filled in the demo form twice.

## Activity
- 2026-11-02 visit: /pricing
- 2026-11-10 form: demo request
- 2026-11-20 14:05 call @sam: discussed pricing
- 2026-11-25 email @priya: sent the demo recording
"
    );
    assert!(!ws.file("contacts/ada-king.md").exists());
    assert_eq!(
        ws.read("deals/pilot.md"),
        PILOT.replace("  - ada-king\n", "  - ada-lovelace\n")
    );
    // Every line KEEP had is still there: its diff only adds.
    let keep_diff = git(
        ws.path(),
        &[
            "diff",
            "-U0",
            "--no-color",
            "--",
            "contacts/ada-lovelace.md",
        ],
    );
    let removed: Vec<&str> = keep_diff
        .lines()
        .filter(|l| l.starts_with('-') && !l.starts_with("---"))
        .collect();
    assert_eq!(removed, Vec::<&str>::new(), "{keep_diff}");
    let run = ws.kith(&["check"]);
    run.ok();
    assert_eq!(run.stderr, "0 errors, 0 warnings in 4 records\n");
    assert_eq!(ws.kith(&["duplicates"]).ok(), "no likely duplicates\n");
    // Merging again finds nothing left to merge.
    let again = ws.kith(&["merge", "ada-lovelace", "ada-king"]);
    assert!(
        again.fails(1).contains("no record matches `ada-king`"),
        "{again:?}"
    );
}

#[test]
fn merge_puts_its_note_in_the_notes_never_inside_the_tasks() {
    let ws = merge_workspace();
    let tasks = "## Tasks\n- [ ] 2026-11-24 call @sam: send the pilot quote\n\n";
    let keep = ADA.replacen("## Activity\n", &format!("{tasks}## Activity\n"), 1);
    ws.write("contacts/ada-lovelace.md", &keep);
    git(ws.path(), &["commit", "-qam", "tasks"]);
    ws.kith(&["merge", "ada-lovelace", "ada-king"]).ok();
    let text = ws.read("contacts/ada-lovelace.md");
    let body = &text[text.find("---\nWants").unwrap() + 4..];
    assert_eq!(
        body,
        format!(
            "Wants a pilot for 40 seats.\n\n\
             Merged from ada-king (Ada King) on 2026-11-25. Its other values:\n\
             - name: Ada King\n- lifecycle: mql\n\n\
             Filled in the demo form twice.\n\n\
             {tasks}## Activity\n\
             - 2026-11-02 visit: /pricing\n\
             - 2026-11-10 form: demo request\n\
             - 2026-11-20 14:05 call @sam: discussed pricing\n\
             - 2026-11-25 email @priya: sent the demo recording\n"
        )
    );
    // The task list holds its one task, and nothing reads as a bad task or entry.
    let run = ws.kith(&["check"]);
    run.ok();
    assert_eq!(run.stderr, "0 errors, 0 warnings in 4 records\n");
    let out = ws.kith(&["due"]);
    assert!(out.ok().contains("send the pilot quote"), "{}", out.stdout);
}

#[test]
fn merge_dry_run_shows_a_diff_and_writes_nothing() {
    let ws = merge_workspace();
    let run = ws.kith(&["merge", "ada-lovelace", "Ada King", "--dry-run"]);
    let out = run.ok();
    for expected in [
        "--- a/contacts/ada-lovelace.md\n+++ b/contacts/ada-lovelace.md\n",
        "   - webinar-2026\n+  - vip\n+emails: [Ada.King+form@gmail.com]\n",
        "+- 2026-11-10 form: demo request\n",
        "--- a/deals/pilot.md\n+++ b/deals/pilot.md\n",
        "-  - ada-king\n+  - ada-lovelace\n",
        "--- a/contacts/ada-king.md\n+++ /dev/null\n@@ -1,16 +0,0 @@\n----\n-name: Ada King\n",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    assert!(
        run.stderr
            .ends_with("dry run: 3 files would change; nothing was written\n"),
        "{}",
        run.stderr
    );
    ws.assert_untouched();
}

#[test]
fn merge_refuses_records_of_different_kinds_and_writes_nothing() {
    let ws = merge_workspace();
    let run = ws.kith(&["merge", "ada-lovelace", "companies/analytical"]);
    assert_eq!(
        run.fails(1),
        "error: companies/analytical.md is a company, contacts/ada-lovelace.md a contact: only records of one kind merge (two contacts, two companies or two deals)\n"
    );
    let run = ws.kith(&["merge", "ada-lovelace", "ada-lovelace"]);
    assert!(run.fails(1).contains("cannot be merged into itself"));
    ws.assert_untouched();
}

#[test]
fn merge_that_would_leave_an_invalid_record_writes_nothing() {
    let ws = merge_workspace();
    // DROP's broken date would become KEEP's: refused, and the deal is not re-pointed either.
    ws.write(
        "contacts/ada-king.md",
        &ADA_FORM.replace("source: website-form\n", "created: 2026-02-30\n"),
    );
    git(ws.path(), &["commit", "-q", "-am", "a broken date"]);
    let run = ws.kith(&["merge", "ada-lovelace", "ada-king"]);
    let err = run.fails(1);
    assert!(
        err.starts_with(
            "error: cannot merge contacts/ada-king.md into contacts/ada-lovelace.md, so nothing was written:\n  the change would make contacts/ada-lovelace.md invalid"
        ),
        "{err}"
    );
    assert!(err.contains("`created` is not a valid date"), "{err}");
    ws.assert_untouched();
}

#[test]
fn merging_companies_and_deals_repoints_their_references() {
    let ws = merge_workspace();
    ws.write(
        "companies/analytical-engines.md",
        "---\nname: Analytical Engines Ltd\nwebsite: https://www.analytical.example\nsize: 40\n---\n",
    );
    ws.write(
        "deals/pilot-2.md",
        "---\nname: Pilot (again)\ncompany: analytical-engines\ncontacts: [ada-lovelace]\n---\n## Activity\n- 2026-11-22 note: opened twice\n",
    );
    ws.write(
        "contacts/bob.md",
        "---\nname: Bob Byte\nemail: bob@analytical.example\ncompany: analytical-engines\n---\n## Activity\n- 2026-11-23 call @sam #pilot-2: pricing\n",
    );
    git(ws.path(), &["add", "-A"]);
    git(ws.path(), &["commit", "-q", "-m", "more duplicates"]);
    assert!(ws.kith(&["duplicates"]).ok().contains(
        "same domain analytical.example; same name: \"Analytical Engines Ltd\" and \"Analytical Engines\""
    ));
    let out = ws
        .kith(&["merge", "companies/analytical", "analytical-engines"])
        .ok()
        .to_string();
    assert!(
        out.contains("contacts/bob.md: company: analytical-engines → analytical\n"),
        "{out}"
    );
    assert!(
        out.contains("deals/pilot-2.md: company: analytical-engines → analytical\n"),
        "{out}"
    );
    assert_eq!(
        ws.read("companies/analytical.md"),
        "---\nname: Analytical Engines\ndomain: analytical.example\nwebsite: https://www.analytical.example\nsize: 40\n---\nMerged from analytical-engines (Analytical Engines Ltd) on 2026-11-25. Its other values:\n- name: Analytical Engines Ltd\n"
    );
    let out = ws
        .kith(&["merge", "deals/pilot", "pilot-2"])
        .ok()
        .to_string();
    assert!(
        out.contains("contacts/bob.md: #pilot-2 → #pilot\n"),
        "{out}"
    );
    assert_eq!(
        ws.read("contacts/bob.md"),
        "---\nname: Bob Byte\nemail: bob@analytical.example\ncompany: analytical\n---\n## Activity\n- 2026-11-23 call @sam #pilot: pricing\n"
    );
    assert_eq!(
        ws.read("deals/pilot.md"),
        "---\nname: Analytical pilot\ncompany: analytical\ncontacts:\n  - ada-king\n  - bob\n  - ada-lovelace\nstage: qualified-to-buy\namount: 12000\n---\nMerged from pilot-2 (Pilot (again)) on 2026-11-25. Its other values:\n- name: Pilot (again)\n\n## Activity\n- 2026-11-22 note: opened twice\n"
    );
    // Only the two Adas are left to merge.
    let run = ws.kith(&["check"]);
    run.ok();
    assert_eq!(run.stderr, "0 errors, 1 warning in 5 records\n");
}

#[test]
fn sync_names_the_merge_for_a_duplicate_that_arrives() {
    let root = tempfile::tempdir().unwrap();
    git(
        root.path(),
        &["init", "-q", "--bare", "-b", "main", "crm.git"],
    );
    let url = root.path().join("crm.git").display().to_string();
    let identify = |dir: &std::path::Path, name: &str| {
        git(dir, &["config", "user.name", name]);
        git(
            dir,
            &["config", "user.email", &format!("{name}@example.com")],
        );
        git(dir, &["config", "maintenance.auto", "false"]);
    };
    let alice = Ws::example();
    identify(alice.path(), "alice");
    git(alice.path(), &["remote", "add", "origin", &url]);
    alice.kith(&["sync"]).ok();
    kith_in(root.path(), &["clone", &url, "bob"]).ok();
    let bob = root.path().join("bob");
    identify(&bob, "bob");
    std::fs::write(
        bob.join("contacts/elodie-g.md"),
        "---\nname: Élodie G.\nemail: elodie.garnier+conf@paylune.example\n---\n",
    )
    .unwrap();
    kith_in(&bob, &["sync"]).ok();
    let run = alice.kith(&["sync"]);
    run.ok();
    assert!(
        run.stderr.contains(
            "warning: contacts/elodie-g.md arrived with the sync and is likely the same person as contacts/elodie-garnier.md (same e-mail address once normalized: elodie.garnier@paylune.example and elodie.garnier+conf@paylune.example); if both are one person, `kith merge elodie-garnier elodie-g` merges them\n"
        ),
        "{}",
        run.stderr
    );
}
