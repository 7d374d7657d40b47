//! The everyday commands on the example workspace: init, new, show, list, set, unset, tag, log,
//! edit and check. Each test runs the real binary on a fresh git copy and checks what it printed
//! and exactly what it changed on disk (`git diff` / `git status`).

use crate::harness::*;

/// The ids (first column) of a `kith list` table, without the header and the count line.
fn ids(table: &str) -> Vec<&str> {
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines.len() >= 2, "not a table:\n{table}");
    lines[1..lines.len() - 1]
        .iter()
        .map(|l| l.split_whitespace().next().unwrap_or(""))
        .collect()
}

/// The `## Activity` section of a record, from its heading to the end of the file.
fn activity_section(text: &str) -> &str {
    let at = text.find("## Activity").expect("no ## Activity section");
    &text[at..]
}

/// Writes an executable shell script into `dir` (a temp dir of its own, outside the workspace).
fn script(dir: &Ws, name: &str, body: &str) -> String {
    let path = dir.file(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    path.display().to_string()
}

// ---------------------------------------------------------------------------------------------
// init

#[test]
fn init_then_new_list_and_check_work_in_the_new_workspace() {
    let tmp = Ws::empty();
    let root = tmp.path().join("crm");
    let root_s = root.display().to_string();
    let out = kith_in(
        tmp.path(),
        &["init", &root_s, "--timezone", "Europe/Berlin"],
    );
    let stdout = out.ok();
    assert!(
        stdout.contains(
            "new kith workspace `crm` (time zone Europe/Berlin), with a new git repository"
        ),
        "{stdout}"
    );
    let out = kith_in(
        &root,
        &[
            "new",
            "contact",
            "Ada Lovelace",
            "--set",
            "email=ada@example.com",
        ],
    );
    assert_eq!(out.ok(), "contacts/ada-lovelace.md\n");
    let out = kith_in(&root, &["list"]);
    assert_eq!(ids(out.ok()), ["ada-lovelace"]);
    assert_eq!(count_line(&out.stdout), "1 contact");
    let out = kith_in(&root, &["check"]);
    out.ok();
    assert_eq!(out.stderr, "0 errors, 0 warnings in 1 record\n");
}

#[test]
fn init_refuses_the_example_workspace() {
    let ws = Ws::example();
    let before = ws.read("kith.yaml");
    let root = ws.path().display().to_string();
    let err = ws.kith(&["init", &root]).fails(1).to_string();
    assert!(
        err.contains("kith.yaml already exists: this is a kith workspace already"),
        "{err}"
    );
    assert_eq!(ws.read("kith.yaml"), before);
    ws.assert_untouched();
}

// ---------------------------------------------------------------------------------------------
// new

#[test]
fn new_contact_slugs_the_name_and_numbers_a_second_one() {
    let ws = Ws::example();
    assert_eq!(
        ws.kith(&["new", "contact", "Zoë Müller"]).ok(),
        "contacts/zoe-muller.md\n"
    );
    assert_eq!(
        ws.read("contacts/zoe-muller.md"),
        "---\nname: Zoë Müller\ncreated: 2026-11-25\n---\n"
    );
    assert_eq!(
        ws.kith(&["new", "contact", "Zoë Müller"]).ok(),
        "contacts/zoe-muller-2.md\n"
    );
    assert_eq!(
        ws.read("contacts/zoe-muller-2.md"),
        "---\nname: Zoë Müller\ncreated: 2026-11-25\n---\n"
    );
    assert_eq!(
        ws.status(),
        "?? contacts/zoe-muller-2.md\n?? contacts/zoe-muller.md\n"
    );
    // Both are found, and a name query now lists both.
    let err = ws.kith(&["show", "Zoë Müller"]).fails(1).to_string();
    assert!(err.contains("`Zoë Müller` matches 2 records"), "{err}");
}

#[test]
fn new_contact_writes_fields_in_kiths_order_with_types() {
    let ws = Ws::example();
    let out = ws.kith(&[
        "new",
        "contact",
        "Ada Lovelace",
        "--set",
        "owner=sam",
        "--set",
        "email=ada@analytical.example",
        "--set",
        "tags=vip,london",
        "-s",
        "phone=+44 20 7946 0000",
        "--set",
        "seats=12",
    ]);
    assert_eq!(out.ok(), "contacts/ada-lovelace.md\n");
    assert_eq!(out.stderr, "");
    assert_eq!(
        ws.read("contacts/ada-lovelace.md"),
        "---\nname: Ada Lovelace\nemail: ada@analytical.example\nphone: \"+44 20 7946 0000\"\n\
         owner: sam\ntags: [vip, london]\nseats: 12\ncreated: 2026-11-25\n---\n"
    );
    let rec = ws
        .kith(&["show", "ada@analytical.example", "--format", "json"])
        .json();
    assert_eq!(rec["fields"]["seats"], 12);
    assert_eq!(rec["fields"]["tags"], serde_json::json!(["vip", "london"]));
    ws.kith(&["check"]).ok();
}

#[test]
fn new_contact_refuses_an_address_someone_already_has() {
    let ws = Ws::example();
    // The primary address, in another case.
    let err = ws
        .kith(&[
            "new",
            "contact",
            "Benjamin Carver",
            "--set",
            "email=Ben.Carver@TidewaterRetail.example",
        ])
        .fails(1)
        .to_string();
    assert!(
        err.contains("contacts/ben-carver.md already has the e-mail address"),
        "{err}"
    );
    assert!(err.contains("kith set ben-carver"), "{err}");
    assert!(err.contains("--force"), "{err}");
    // The same mailbox with a `+tag` is the same address, as the duplicate check says.
    let err = ws
        .kith(&[
            "new",
            "contact",
            "Benjamin Carver",
            "--set",
            "email=ben.carver+crm@tidewaterretail.example",
        ])
        .fails(1)
        .to_string();
    assert!(
        err.contains("contacts/ben-carver.md already has the e-mail address"),
        "{err}"
    );
    // A secondary address (`emails:`), given as the new person's primary one.
    let err = ws
        .kith(&[
            "new",
            "contact",
            "E. Garnier",
            "--set",
            "email=elodie.garnier@gmail.example",
        ])
        .fails(1)
        .to_string();
    assert!(
        err.contains(
            "contacts/elodie-garnier.md already has the e-mail address elodie.garnier@gmail.example"
        ),
        "{err}"
    );
    ws.assert_untouched();

    // --force creates it anyway, with a warning.
    let out = ws.kith(&[
        "new",
        "contact",
        "Benjamin Carver",
        "--set",
        "email=ben.carver@tidewaterretail.example",
        "--force",
    ]);
    assert_eq!(out.ok(), "contacts/benjamin-carver.md\n");
    assert!(
        out.stderr
            .starts_with("warning: contacts/ben-carver.md already has the e-mail address"),
        "{}",
        out.stderr
    );
}

#[test]
fn new_refuses_invalid_values_and_missing_references() {
    let ws = Ws::example();
    let err = ws
        .kith(&["new", "contact", "Ada", "--set", "email=not-an-address"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("`email` is not a valid e-mail address: `not-an-address`"),
        "{err}"
    );
    let err = ws
        .kith(&["new", "company", "Paylune", "--set", "plan=premium"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("`plan` must be one of starter, team, enterprise, not `premium`"),
        "{err}"
    );
    let err = ws
        .kith(&["new", "deal", "Paylune pilot", "--set", "company=paylune"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("`company` refers to company `paylune`, which does not exist"),
        "{err}"
    );
    // The form of the command line: usage errors, exit code 2.
    let err = ws.kith(&["new", "contact", "   "]).fails(2).to_string();
    assert!(err.contains("the name is empty"), "{err}");
    let err = ws
        .kith(&["new", "contact", "Ada", "--set", "seats"])
        .fails(2)
        .to_string();
    assert!(err.contains("`seats` is not KEY=VALUE"), "{err}");
    ws.assert_untouched();
}

#[test]
fn new_company_and_deal_get_their_defaults() {
    let ws = Ws::example();
    let out = ws.kith(&[
        "new",
        "company",
        "Paylune",
        "--set",
        "domain=paylune.example",
        "--set",
        "country=fr",
    ]);
    assert_eq!(out.ok(), "companies/paylune.md\n");
    assert_eq!(
        ws.read("companies/paylune.md"),
        "---\nname: Paylune\ndomain: paylune.example\ncountry: FR\ncreated: 2026-11-25\n---\n"
    );
    let out = ws.kith(&[
        "new",
        "deal",
        "Paylune reconciliation pilot",
        "--set",
        "company=paylune",
        "--set",
        "contacts=elodie-garnier",
        "--set",
        "amount=18000",
    ]);
    assert_eq!(out.ok(), "deals/paylune-reconciliation-pilot.md\n");
    assert_eq!(
        ws.read("deals/paylune-reconciliation-pilot.md"),
        "---\nname: Paylune reconciliation pilot\nstage: appointment-scheduled\namount: 18000\n\
         currency: EUR\ncompany: paylune\ncontacts: [elodie-garnier]\ncreated: 2026-11-25\n---\n"
    );
    // The new records are linked both ways.
    let deal = ws
        .kith(&["show", "elodie-garnier", "--format", "json"])
        .json();
    assert_eq!(
        deal["deals"],
        serde_json::json!(["paylune-reconciliation-pilot"])
    );
    let out = ws.kith(&["check"]);
    out.ok();
    assert_eq!(out.stderr, "0 errors, 0 warnings in 106 records\n");
}

// ---------------------------------------------------------------------------------------------
// show

#[test]
fn show_finds_a_person_by_id_email_name_and_path() {
    let ws = Ws::example();
    let head = "Élodie Garnier  contact · sql · working\ncontacts/elodie-garnier.md\n";
    for query in [
        "elodie-garnier",
        "elodie.garnier@paylune.example",
        "ELODIE.GARNIER@GMAIL.EXAMPLE", // the secondary address, in capitals
        "Élodie Garnier",
        "elodie garnier", // accents and case folded
        "contacts/elodie-garnier.md",
        "contact:elodie-garnier",
    ] {
        let out = ws.kith(&["show", query]);
        assert!(out.ok().starts_with(head), "show {query}:\n{}", out.stdout);
    }
}

#[test]
fn show_prints_the_card_with_activity_and_notes() {
    let ws = Ws::example();
    let out = ws.kith(&["show", "elodie-garnier"]);
    let card = out.ok();
    for line in [
        "Activity (10, last 2026-11-19)",
        "Notes",
        "  Runs finance operations at Paylune, a Paris payments start-up (about 120 people).",
    ] {
        assert!(card.contains(line), "missing {line:?} in:\n{card}");
    }
    // Activities oldest first, each with date, type, teammate and text (spacing aside).
    let activities: Vec<String> = card
        .lines()
        .filter(|l| l.starts_with("  2026-"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(activities.len(), 10, "{card}");
    assert_eq!(
        activities[0],
        "2026-10-23 import @jonas DataOps Summit Amsterdam badge scans"
    );
    assert_eq!(activities[8], "2026-11-13 stage @priya mql → sql");
    assert_eq!(
        activities[9],
        "2026-11-19 email-open Reconciliation pipelines: example workspace"
    );
    // Field values, one per line, references by name.
    let card = ws.kith(&["show", "felix-hoffmann"]).ok().to_string();
    assert!(
        card.contains("Kranich Mobility (kranich-mobility)"),
        "{card}"
    );
    // Only the last N activities, with a hint for the rest.
    let card = ws
        .kith(&["show", "elodie-garnier", "--activities", "3"])
        .ok()
        .to_string();
    assert!(
        card.contains("… 7 earlier (kith show elodie-garnier --activities 10)"),
        "{card}"
    );
    assert!(!card.contains("badge scans"), "{card}");
    assert!(
        card.contains("Reconciliation pipelines: example workspace"),
        "{card}"
    );
}

#[test]
fn show_company_lists_its_people_and_deals() {
    let ws = Ws::example();
    let card = ws.kith(&["show", "calder-mutual"]).ok().to_string();
    assert!(
        card.starts_with("Calder Mutual  company\ncompanies/calder-mutual.md\n"),
        "{card}"
    );
    assert!(card.contains("People (3)"), "{card}");
    for id in ["eleanor-whitcombe", "gareth-llewellyn", "nadia-haddad"] {
        assert!(card.contains(&format!("  {id}  ")), "{id} missing:\n{card}");
    }
    assert!(card.contains("Deals (1)"), "{card}");
    // (Spacing aside: the lists inside a card are laid out as tables.)
    let collapsed: Vec<String> = card
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert!(
        collapsed.iter().any(|l| l
            == "calder-mutual-renewal-2027 Calder Mutual renewal 2027 closed-won GBP 42,000 closes 2026-11-12"),
        "{card}"
    );
    let card = ws
        .kith(&["show", "kestrel-health-data-platform"])
        .ok()
        .to_string();
    assert!(
        card.starts_with("Kestrel Health data platform  deal · contract-sent (90%)\n"),
        "{card}"
    );
    assert!(card.contains("People (2)"), "{card}");
}

#[test]
fn show_lists_candidates_for_an_ambiguous_name() {
    let ws = Ws::example();
    let out = ws.kith(&["show", "daniel"]);
    let err = out.fails(1);
    assert_eq!(out.stdout, "");
    assert!(
        err.starts_with("error: `daniel` matches 2 records:\n"),
        "{err}"
    );
    assert!(err.contains("contacts/daniel-kaplan.md"), "{err}");
    assert!(err.contains("Daniel Kaplan"), "{err}");
    assert!(err.contains("contacts/daniel-ortega.md"), "{err}");
    assert!(
        err.contains("help: give the id, or `kind/id` such as `contacts/daniel-kaplan`"),
        "{err}"
    );
}

#[test]
fn show_suggests_a_close_id_when_nothing_matches() {
    let ws = Ws::example();
    let err = ws.kith(&["show", "ben-carvr"]).fails(1).to_string();
    assert!(err.contains("no record matches `ben-carvr`"), "{err}");
    assert!(err.contains("did you mean `ben-carver`?"), "{err}");
    let err = ws
        .kith(&["show", "nobody@nowhere.example"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("nobody has the e-mail address `nobody@nowhere.example`"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// list

#[test]
fn list_counts_each_kind() {
    let ws = Ws::example();
    let out = ws.kith(&["list"]);
    assert_eq!(ids(out.ok()).len(), 72);
    assert_eq!(count_line(&out.stdout), "72 contacts");
    assert!(out.stdout.starts_with("ID "), "{}", out.stdout);
    assert_eq!(
        count_line(ws.kith(&["ls", "companies"]).ok()),
        "18 companies"
    );
    assert_eq!(count_line(ws.kith(&["list", "deals"]).ok()), "14 deals");
}

#[test]
fn list_leads_of_an_owner_sorted_by_name() {
    let ws = Ws::example();
    let out = ws.kith(&[
        "list",
        "--lifecycle",
        "leads",
        "--owner",
        "sam",
        "--sort",
        "name",
    ]);
    assert_eq!(
        ids(out.ok()),
        [
            "ben-carver",
            "clara-albrecht",
            "daniel-ortega",
            "jose-alvarez",
            "patrick-doyle",
            "rohan-mehta",
            "samuel-brooks",
            "tobias-reinhardt",
            "wei-zhang"
        ]
    );
    assert_eq!(count_line(&out.stdout), "9 contacts");
    // Reversed, the same people the other way round.
    let out = ws.kith(&[
        "list",
        "--lifecycle",
        "leads",
        "--owner",
        "SAM",
        "--sort",
        "name",
        "-r",
    ]);
    assert_eq!(ids(out.ok()).first(), Some(&"wei-zhang"));
    assert_eq!(ids(&out.stdout).last(), Some(&"ben-carver"));
}

#[test]
fn list_filters_by_stage_lists_plain_contacts_and_tags() {
    let ws = Ws::example();
    let sql = ws.kith(&["list", "--lifecycle", "sql", "--sort", "id"]);
    assert_eq!(
        ids(sql.ok()),
        [
            "ben-carver",
            "daniel-ortega",
            "elodie-garnier",
            "marta-kowalczyk"
        ]
    );
    let plain = ws.kith(&["list", "--lifecycle", "none"]);
    assert_eq!(
        ids(plain.ok()),
        ["daniel-kaplan", "hugo-lambert", "rachel-simmons"]
    );
    let both = ws.kith(&["list", "--lifecycle", "sql,none"]);
    assert_eq!(ids(both.ok()).len(), 7);
    let tagged = ws.kith(&["list", "--tag", "fintech"]);
    assert_eq!(count_line(tagged.ok()), "2 contacts");
    assert!(
        ids(&tagged.stdout).contains(&"elodie-garnier"),
        "{}",
        tagged.stdout
    );
    let customers = ws.kith(&["list", "companies", "--tag", "customer", "--tag", "finance"]);
    assert_eq!(ids(customers.ok()), ["calder-mutual"]);
}

#[test]
fn list_deals_by_stage() {
    let ws = Ws::example();
    let open = ws.kith(&["list", "deals", "--stage", "open"]);
    assert_eq!(
        ids(open.ok()),
        [
            "alpenrose-finanz-reporting-hub",
            "brunner-feinmechanik-pilot",
            "kestrel-health-data-platform",
            "larkspur-media-audience-analytics",
            "oakridge-plant-telemetry",
            "van-dijk-logistics-route-insights"
        ]
    );
    let won = ws.kith(&["list", "deals", "--stage", "won"]);
    assert_eq!(
        ids(won.ok()),
        [
            "calder-mutual-renewal-2027",
            "lumio-learning-team-plan",
            "maison-verdier-analytics-platform",
            "nordlys-media-starter-plan",
            "ostwind-software-team-plan"
        ]
    );
    let lost = ws.kith(&["list", "deals", "--stage", "lost"]);
    assert_eq!(
        ids(lost.ok()),
        [
            "bergmann-medtech-compliance-reporting",
            "grupo-alcora-plant-analytics",
            "kranich-mobility-pilot"
        ]
    );
    let one = ws.kith(&["list", "deals", "--stage", "contract-sent,Qualified-To-Buy"]);
    assert_eq!(
        ids(one.ok()),
        [
            "alpenrose-finanz-reporting-hub",
            "kestrel-health-data-platform",
            "van-dijk-logistics-route-insights"
        ]
    );
}

#[test]
fn list_sorts_numbers_as_numbers_and_stages_in_funnel_order() {
    let ws = Ws::example();
    let out = ws.kith(&[
        "list", "deals", "--stage", "open", "--sort", "amount", "-r", "--format", "json",
    ]);
    let amounts: Vec<f64> = out
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["amount"].as_f64().unwrap())
        .collect();
    assert_eq!(
        amounts,
        [89000.0, 64000.0, 52000.0, 33000.0, 21000.0, 9000.0]
    );
    let out = ws.kith(&[
        "list", "deals", "--stage", "open", "--sort", "stage", "--format", "json",
    ]);
    let stages: Vec<String> = out
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["stage"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        stages,
        [
            "appointment-scheduled",
            "qualified-to-buy",
            "presentation-scheduled",
            "presentation-scheduled",
            "contract-sent",
            "contract-sent"
        ]
    );
    // Lifecycle sorts in funnel order too; plain contacts come last.
    let out = ws.kith(&["list", "--sort", "lifecycle", "--format", "json"]);
    let people = out.json();
    let people = people.as_array().unwrap();
    assert_eq!(people[0]["lifecycle"], "subscriber");
    assert!(people[people.len() - 1].get("lifecycle").is_none());
}

#[test]
fn list_refuses_filters_that_do_not_apply() {
    let ws = Ws::example();
    let err = ws.kith(&["list", "--stage", "open"]).fails(1).to_string();
    assert!(
        err.contains("--stage applies to deals only; for people use --lifecycle"),
        "{err}"
    );
    let err = ws
        .kith(&["list", "deals", "--lifecycle", "lead"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("--lifecycle applies to contacts only"),
        "{err}"
    );
    let err = ws
        .kith(&["list", "--lifecycle", "prospect"])
        .fails(1)
        .to_string();
    assert!(err.contains("unknown lifecycle stage `prospect`"), "{err}");
    assert!(
        err.contains("subscriber, lead, mql, sql, opportunity, customer, evangelist, other"),
        "{err}"
    );
    let err = ws
        .kith(&["list", "deals", "--stage", "negotiation"])
        .fails(1)
        .to_string();
    assert!(err.contains("unknown deal stage `negotiation`"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// set, unset

#[test]
fn set_changes_exactly_one_line() {
    let ws = Ws::example();
    let out = ws.kith(&["set", "elodie-garnier", "title=CFO"]);
    assert_eq!(
        out.ok(),
        "contacts/elodie-garnier.md: title Head of Finance Operations → CFO\n"
    );
    assert_eq!(
        ws.changes(),
        ["-title: Head of Finance Operations", "+title: CFO"]
    );
    assert_eq!(ws.status(), " M contacts/elodie-garnier.md\n");
}

#[test]
fn set_several_fields_quotes_what_yaml_needs_and_appends_new_keys() {
    let ws = Ws::example();
    let out = ws.kith(&[
        "set",
        "elodie.garnier@paylune.example",
        "title=VP: Finance",
        "seats=40",
        "created=2026-10-24",
    ]);
    assert_eq!(
        out.ok(),
        "contacts/elodie-garnier.md: title Head of Finance Operations → VP: Finance, seats = 40, created 2026-10-23 → 2026-10-24\n"
    );
    assert_eq!(
        ws.changes(),
        [
            "-title: Head of Finance Operations",
            "+title: \"VP: Finance\"",
            "-created: 2026-10-23",
            "+created: 2026-10-24",
            "+seats: 40"
        ]
    );
    // The new key goes at the end of the frontmatter, before the closing ---.
    assert!(
        ws.read("contacts/elodie-garnier.md")
            .contains("created: 2026-10-24\nseats: 40\n---\n")
    );
    ws.kith(&["check"]).ok();
}

#[test]
fn set_the_same_value_changes_nothing() {
    let ws = Ws::example();
    let out = ws.kith(&["set", "ben-carver", "owner=sam", "title=Head of BI"]);
    assert_eq!(out.ok(), "contacts/ben-carver.md: unchanged\n");
    ws.assert_untouched();
}

#[test]
fn set_refuses_invalid_values_and_writes_nothing() {
    let ws = Ws::example();
    for (pair, message) in [
        ("seats=many", "`seats` must be a whole number, not `many`"),
        (
            "email=elodie-at-paylune",
            "`email` is not a valid e-mail address",
        ),
        ("lifecycle=prospect", "unknown lifecycle stage `prospect`"),
        (
            "created=2026-02-30",
            "`created` must be a valid date written YYYY-MM-DD, not `2026-02-30`",
        ),
        (
            "company=paylune",
            "`company` refers to company `paylune`, which does not exist",
        ),
        (
            "title=",
            "no value for `title`; to remove the field use `kith unset ID title`",
        ),
    ] {
        // A valid pair first: nothing at all is written when one of them is wrong. A pair of
        // the wrong form is a usage error (2); a value the field refuses, a user error (1).
        let out = ws.kith(&["set", "elodie-garnier", "owner=sam", pair]);
        let err = out.fails(if pair == "title=" { 2 } else { 1 });
        assert!(err.contains(message), "set {pair}: {err}");
        assert_eq!(out.stdout, "");
    }
    ws.assert_untouched();
}

#[test]
fn set_on_an_unknown_record_fails() {
    let ws = Ws::example();
    let err = ws
        .kith(&["set", "nobody-here", "title=CFO"])
        .fails(1)
        .to_string();
    assert!(err.contains("no record matches `nobody-here`"), "{err}");
    ws.assert_untouched();
}

#[test]
fn unset_removes_the_fields_lines_and_warns_about_missing_ones() {
    let ws = Ws::example();
    let out = ws.kith(&["unset", "elodie-garnier", "lead_status", "fax"]);
    assert_eq!(
        out.ok(),
        "contacts/elodie-garnier.md: lead_status removed\n"
    );
    assert_eq!(
        out.stderr,
        "warning: contacts/elodie-garnier.md has no `fax`\n"
    );
    assert_eq!(ws.changes(), ["-lead_status: working"]);
    // A block list goes with all its lines.
    ws.kith(&["unset", "yuki-sato", "tags"]).ok();
    let text = ws.read("contacts/yuki-sato.md");
    assert!(text.contains("owner: jonas\ncountry: GB\n"), "{text}");
    assert!(!text.contains("newsletter\n  - content"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// tag

#[test]
fn tag_keeps_a_flow_lists_style() {
    let ws = Ws::example();
    let out = ws.kith(&["tag", "elodie-garnier", "+vip", "-france"]);
    assert_eq!(out.ok(), "contacts/elodie-garnier.md: tags +vip -france\n");
    assert_eq!(
        ws.changes(),
        ["-tags: [fintech, france]", "+tags: [fintech, vip]"]
    );
}

#[test]
fn tag_keeps_a_block_lists_style() {
    let ws = Ws::example();
    ws.kith(&["tag", "yuki-sato", "vip"]).ok();
    let text = ws.read("contacts/yuki-sato.md");
    assert!(
        text.contains("tags:\n  - newsletter\n  - content\n  - vip\ncountry: GB\n"),
        "{text}"
    );
    assert_eq!(ws.changes(), ["+  - vip"]);
}

#[test]
fn tag_creates_the_list_and_ignores_tags_already_there() {
    let ws = Ws::example();
    let out = ws.kith(&["tag", "alex-moreau", "+founder"]);
    assert_eq!(out.ok(), "contacts/alex-moreau.md: tags +founder\n");
    assert_eq!(ws.changes(), ["+tags: [founder]"]);
    let out = ws.kith(&["tag", "ben-carver", "+retail", "-never-had-it"]);
    assert_eq!(out.ok(), "contacts/ben-carver.md: unchanged\n");
    let err = ws.kith(&["tag", "ben-carver", "+a,b"]).fails(2).to_string();
    assert!(err.contains("`+a,b` is not a tag"), "{err}");
    assert_eq!(ws.status(), " M contacts/alex-moreau.md\n");
}

// ---------------------------------------------------------------------------------------------
// log

#[test]
fn log_inserts_the_entry_in_date_order_and_touches_nothing_else() {
    let ws = Ws::example();
    let out = ws.kith(&[
        "log",
        "elodie-garnier",
        "call",
        "follow-up on pricing",
        "--date",
        "2026-11-12",
    ]);
    assert_eq!(
        out.ok(),
        "contacts/elodie-garnier.md: logged 2026-11-12 call: follow-up on pricing\n"
    );
    assert_eq!(out.stderr, "");
    assert_eq!(ws.changes(), ["+- 2026-11-12 call: follow-up on pricing"]);
    assert!(ws.read("contacts/elodie-garnier.md").contains(
        "- 2026-11-10 visit: /pricing\n- 2026-11-12 call: follow-up on pricing\n- 2026-11-13 call @priya:"
    ));
}

#[test]
fn log_puts_same_day_entries_after_existing_ones_and_today_last() {
    let ws = Ws::example();
    ws.kith(&[
        "log",
        "elodie-garnier",
        "note",
        "same day",
        "--date",
        "2026-11-13",
    ])
    .ok();
    ws.kith(&[
        "log",
        "elodie-garnier",
        "note",
        "before everything",
        "--date",
        "2026-10-01",
    ])
    .ok();
    ws.kith(&["log", "elodie-garnier", "email", "sent the contract"])
        .ok();
    let text = ws.read("contacts/elodie-garnier.md");
    assert_eq!(
        activity_section(&text),
        "## Activity\n\
         - 2026-10-01 note: before everything\n\
         - 2026-10-23 import @jonas: DataOps Summit Amsterdam badge scans\n\
         - 2026-10-27 email-open: Good to meet you at DataOps Summit\n\
         - 2026-10-28 visit: /docs/connectors/stripe\n\
         - 2026-11-03 reply: asked for pricing and a reconciliation example\n\
         - 2026-11-03 stage: lead → mql\n\
         - 2026-11-06 call @priya: discovery; Stripe, two banks, Pennylane ledger\n\
         - 2026-11-10 visit: /pricing\n\
         - 2026-11-13 call @priya: qualification with her CFO on the line; budget in Q1\n\
         - 2026-11-13 stage @priya: mql → sql\n\
         - 2026-11-13 note: same day\n\
         - 2026-11-19 email-open: Reconciliation pipelines: example workspace\n\
         - 2026-11-25 email: sent the contract\n"
    );
    assert_eq!(ws.changes().len(), 3);
}

#[test]
fn log_writes_time_teammate_and_deal_and_creates_the_section() {
    let ws = Ws::example();
    // ostwind-software has notes but no ## Activity section yet.
    let out = ws.kith(&[
        "log",
        "ostwind-software",
        "call",
        "renewal check-in",
        "--deal",
        "ostwind-software-team-plan",
        "--by",
        "mei",
        "--date",
        "2026-11-20",
        "--time",
        "14:05",
    ]);
    assert_eq!(
        out.ok(),
        "companies/ostwind-software.md: logged 2026-11-20 14:05 call @mei #ostwind-software-team-plan: renewal check-in\n"
    );
    let text = ws.read("companies/ostwind-software.md");
    assert!(
        text.ends_with(
            "plan in October; Lukas Hartmann has since written a guest post for our blog.\n\n\
             ## Activity\n- 2026-11-20 14:05 call @mei #ostwind-software-team-plan: renewal check-in\n"
        ),
        "{text}"
    );
    // A record with no body at all.
    ws.kith(&[
        "log",
        "tom-ashworth",
        "meeting",
        "coffee in Leeds",
        "--time",
        "9:30",
    ])
    .ok();
    assert!(ws.read("contacts/tom-ashworth.md").ends_with(
        "created: 2025-12-03\n---\n## Activity\n- 2026-11-25 09:30 meeting: coffee in Leeds\n"
    ));
    let show = ws
        .kith(&["show", "ostwind-software", "--format", "json"])
        .json();
    let last = &show["activities"][0];
    assert_eq!(last["time"], "14:05");
    assert_eq!(last["by"], "mei");
    assert_eq!(last["deal"], "ostwind-software-team-plan");
    ws.kith(&["check"]).ok();
}

#[test]
fn log_signs_entries_with_the_teammate_of_the_git_user() {
    let ws = Ws::example();
    git(
        ws.path(),
        &["config", "user.email", "Priya@Brightwave.example"],
    );
    ws.kith(&["log", "ben-carver", "call", "demo booked for 2 December"])
        .ok();
    assert_eq!(
        ws.changes(),
        ["+- 2026-11-25 call @priya: demo booked for 2 December"]
    );
}

#[test]
fn log_refuses_bad_dates_times_types_and_deals() {
    let ws = Ws::example();
    // Values of the wrong form are usage errors (2); a deal that does not exist, a user error.
    for (args, code, message) in [
        (
            vec!["--date", "2026-02-30"],
            2,
            "`2026-02-30` is not a valid date (write YYYY-MM-DD, today,",
        ),
        (
            vec!["--date", "20/11/2026"],
            2,
            "`20/11/2026` is not a valid date (write YYYY-MM-DD, today,",
        ),
        (
            vec!["--time", "25:00"],
            2,
            "`25:00` is not a time written HH:MM",
        ),
        (
            vec!["--deal", "no-such-deal"],
            1,
            "there is no deal `no-such-deal`",
        ),
    ] {
        let mut all = vec!["log", "ben-carver", "call", "text"];
        all.extend(args);
        let err = ws.kith(&all).fails(code).to_string();
        assert!(err.contains(message), "{all:?}: {err}");
    }
    let err = ws
        .kith(&["log", "ben-carver", "phone call", "text"])
        .fails(2)
        .to_string();
    assert!(
        err.contains("`phone call` is not an activity type"),
        "{err}"
    );
    let err = ws
        .kith(&["log", "ben-carver", "call", "   "])
        .fails(2)
        .to_string();
    assert!(err.contains("the activity text is empty"), "{err}");
    ws.assert_untouched();
}

#[test]
fn log_warns_about_an_unknown_type_but_logs_it() {
    let ws = Ws::example();
    let out = ws.kith(&["log", "ben-carver", "cal", "left a voicemail"]);
    out.ok();
    assert!(
        out.stderr
            .contains("`cal` is not one of kith.yaml's activity types; did you mean `call`?"),
        "{}",
        out.stderr
    );
    assert_eq!(ws.changes(), ["+- 2026-11-25 cal: left a voicemail"]);
    let check = ws.kith(&["check"]);
    assert!(
        check.stdout.contains("contacts/ben-carver.md:"),
        "{}",
        check.stdout
    );
    assert_eq!(check.code, 0);
}

// ---------------------------------------------------------------------------------------------
// edit

#[test]
fn edit_opens_the_file_in_the_editor_and_checks_it() {
    let ws = Ws::example();
    let tools = Ws::empty();
    let editor = script(
        &tools,
        "editor.sh",
        r#"sed -i.bak "s/^title: .*/title: VP Finance/" "$1" && rm "$1.bak""#,
    );
    let out = kith_env(
        ws.path(),
        &[("EDITOR", &editor)],
        &["edit", "elodie-garnier"],
    );
    assert_eq!(out.ok(), "");
    assert_eq!(out.stderr, "");
    assert_eq!(
        ws.changes(),
        ["-title: Head of Finance Operations", "+title: VP Finance"]
    );
}

#[test]
fn edit_reports_problems_in_what_the_editor_saved() {
    let ws = Ws::example();
    let tools = Ws::empty();
    let editor = script(
        &tools,
        "editor.sh",
        r#"sed -i.bak "s/^created: .*/created: 2026-02-30/" "$1" && rm "$1.bak""#,
    );
    let out = kith_env(
        ws.path(),
        &[("EDITOR", &editor)],
        &["edit", "elodie-garnier"],
    );
    let err = out.fails(1);
    assert!(
        err.contains("contacts/elodie-garnier.md:14:10: error: `created` is not a valid date: `2026-02-30` [invalid-date]"),
        "{err}"
    );
    assert!(
        err.contains("the file was saved as it is; run `kith edit elodie-garnier` again to fix it"),
        "{err}"
    );
    // The file stays as the editor left it.
    assert_eq!(
        ws.changes(),
        ["-created: 2026-10-23", "+created: 2026-02-30"]
    );
}

#[test]
fn edit_fails_when_the_editor_fails() {
    let ws = Ws::example();
    let tools = Ws::empty();
    let editor = script(&tools, "editor.sh", "exit 3");
    let out = kith_env(ws.path(), &[("EDITOR", &editor)], &["edit", "ben-carver"]);
    let err = out.fails(1);
    assert!(err.contains("the editor"), "{err}");
    assert!(err.contains("failed (exit code 3)"), "{err}");
    assert!(
        err.contains("ben-carver.md is as the editor left it"),
        "{err}"
    );
    ws.assert_untouched();
}

#[test]
fn edit_prefers_visual_and_passes_editor_arguments() {
    let ws = Ws::example();
    let tools = Ws::empty();
    let args_file = tools.file("args.txt").display().to_string();
    let visual = script(
        &tools,
        "visual.sh",
        &format!(r#"printf '%s|' "$@" > '{args_file}'"#),
    );
    let editor = script(&tools, "editor.sh", "exit 9");
    let with_args = format!("{visual} --wait");
    // Run from a subfolder: the editor still gets the record's full path.
    let out = kith_env(
        &ws.file("deals"),
        &[("VISUAL", &with_args), ("EDITOR", &editor)],
        &["edit", "ben-carver"],
    );
    out.ok();
    let expected = ws.file("contacts/ben-carver.md");
    assert_eq!(
        std::fs::read_to_string(&args_file).unwrap(),
        format!("--wait|{}|", expected.display())
    );
}

// ---------------------------------------------------------------------------------------------
// check

#[test]
fn check_passes_on_the_example() {
    let ws = Ws::example();
    let out = ws.kith(&["check"]);
    assert_eq!(out.ok(), "");
    assert_eq!(out.stderr, "0 errors, 0 warnings in 104 records\n");
}

#[test]
fn check_reports_a_broken_file_compiler_style() {
    let ws = Ws::example();
    let text = ws
        .read("contacts/ben-carver.md")
        .replace("created: 2026-10-15", "created: 2026-13-01");
    ws.write("contacts/ben-carver.md", &text);
    let out = ws.kith(&["check"]);
    out.fails(1);
    assert_eq!(
        out.stdout,
        "contacts/ben-carver.md:14:10: error: `created` is not a valid date: `2026-13-01` [invalid-date]\n  \
         help: write dates as YYYY-MM-DD, e.g. 2026-10-02\n"
    );
    assert_eq!(out.stderr, "1 error, 0 warnings in 104 records\n");
}

#[test]
fn check_passes_with_warnings_only() {
    let ws = Ws::example();
    ws.kith(&["set", "ben-carver", "owner=bob", "--force"]).ok();
    let out = ws.kith(&["check"]);
    out.ok();
    assert!(
        out.stdout.starts_with("contacts/ben-carver.md:10:8: warning: `bob` is not a teammate in kith.yaml [unknown-owner]\n"),
        "{}",
        out.stdout
    );
    assert_eq!(out.stderr, "0 errors, 1 warning in 104 records\n");
}

#[test]
fn writes_refuse_to_edit_a_file_whose_frontmatter_is_broken() {
    let ws = Ws::example();
    let text = ws
        .read("contacts/ben-carver.md")
        .replace("owner: sam", "owner: [sam");
    ws.write("contacts/ben-carver.md", &text);
    let err = ws
        .kith(&["set", "ben-carver", "title=CTO"])
        .fails(1)
        .to_string();
    assert!(err.contains("contacts/ben-carver.md"), "{err}");
    assert!(err.contains("kith check"), "{err}");
    assert_eq!(ws.read("contacts/ben-carver.md"), text);
}

#[test]
fn new_lead_creates_a_contact_at_the_first_lead_stage() {
    let ws = Ws::example();
    assert_eq!(
        ws.kith(&["new", "lead", "Lena Park"]).ok(),
        "contacts/lena-park.md\n"
    );
    assert_eq!(
        ws.read("contacts/lena-park.md"),
        "---\nname: Lena Park\nlifecycle: lead\nlead_status: new\ncreated: 2026-11-25\n---\n"
    );
}

#[test]
fn names_match_whole_words_before_substrings() {
    let ws = Ws::example();
    // "ben" is the start of Ben Carver's first name, and only inside "Ruben".
    let card = ws.kith(&["show", "ben"]).ok().to_string();
    assert!(card.starts_with("Ben Carver"), "{card}");
    let err = ws.kith(&["promote", "calder-mutual"]).fails(1).to_string();
    assert!(
        err.contains("`calder-mutual` is a company, not a contact"),
        "{err}"
    );
}

#[test]
fn a_field_named_like_the_export_columns_is_flagged() {
    let ws = Ws::example();
    ws.kith(&["set", "ben-carver", "kind=partner"]).ok();
    let out = ws.kith(&["check"]);
    assert!(
        out.ok().contains("contacts/ben-carver.md:15:7: warning: a field named `kind` clashes with the record's own kind in exports [reserved-field]"),
        "{}",
        out.stdout
    );
}
