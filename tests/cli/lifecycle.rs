//! Moving people along the lifecycle: `kith promote`, `kith set lifecycle=...` and
//! `kith convert` (a lead becomes an opportunity with a company and a deal). Every move writes
//! `lifecycle_changed` and a `stage` entry in the activity log; the tests check the exact lines.

use crate::harness::*;

/// Makes git's user.email that of a teammate, so that kith signs stage entries with them.
fn as_teammate(ws: &Ws, email: &str) {
    git(ws.path(), &["config", "user.email", email]);
}

/// `kith check` passes with no diagnostics at all.
#[track_caller]
fn assert_clean(ws: &Ws, records: usize) {
    let out = ws.kith(&["check"]);
    assert_eq!(out.ok(), "");
    assert_eq!(
        out.stderr,
        format!("0 errors, 0 warnings in {records} records\n")
    );
}

// ---------------------------------------------------------------------------------------------
// promote

#[test]
fn promote_moves_to_the_next_stage() {
    let ws = Ws::example();
    as_teammate(&ws, "sam@brightwave.example");
    let out = ws.kith(&["promote", "ben-carver"]);
    assert_eq!(
        out.ok(),
        "contacts/ben-carver.md: lifecycle sql → opportunity\n"
    );
    assert_eq!(out.stderr, "");
    assert_eq!(
        ws.changes(),
        [
            "-lifecycle: sql",
            "-lifecycle_changed: 2026-10-28",
            "+lifecycle: opportunity",
            "+lifecycle_changed: 2026-11-25",
            "+- 2026-11-25 stage @sam: sql → opportunity"
        ]
    );
    assert!(ws.read("contacts/ben-carver.md").ends_with(
        "- 2026-11-18 reply: yes, but after Thanksgiving; suggested 1 or 2 December\n\
         - 2026-11-25 stage @sam: sql → opportunity\n"
    ));
    assert_clean(&ws, 104);
}

#[test]
fn promote_walks_a_plain_contact_through_the_whole_funnel() {
    let ws = Ws::example();
    let stages = [
        "subscriber",
        "lead",
        "mql",
        "sql",
        "opportunity",
        "customer",
        "evangelist",
    ];
    let mut from = "contact";
    for to in stages {
        let out = ws.kith(&["promote", "hugo-lambert"]);
        assert_eq!(
            out.ok(),
            format!("contacts/hugo-lambert.md: lifecycle {from} → {to}\n")
        );
        from = to;
    }
    let err = ws.kith(&["promote", "hugo-lambert"]).fails(1).to_string();
    assert!(
        err.contains("Hugo Lambert is already at the last stage, `evangelist`"),
        "{err}"
    );
    let text = ws.read("contacts/hugo-lambert.md");
    assert!(
        text.contains(
            "created: 2024-06-12\nlifecycle: evangelist\nlifecycle_changed: 2026-11-25\nlead_status: new\n---\n"
        ),
        "{text}"
    );
    assert!(
        text.ends_with(
            "- 2026-11-20 meeting @alex: monthly advisor call; Q1 hiring plan (second AE)\n\
             - 2026-11-25 stage: contact → subscriber\n\
             - 2026-11-25 stage: subscriber → lead\n\
             - 2026-11-25 stage: lead → mql\n\
             - 2026-11-25 stage: mql → sql\n\
             - 2026-11-25 stage: sql → opportunity\n\
             - 2026-11-25 stage: opportunity → customer\n\
             - 2026-11-25 stage: customer → evangelist\n"
        ),
        "{text}"
    );
    assert_clean(&ws, 104);
}

#[test]
fn promote_to_lead_adds_lead_status_new() {
    let ws = Ws::example();
    let out = ws.kith(&["promote", "anouk-de-vries"]);
    assert_eq!(
        out.ok(),
        "contacts/anouk-de-vries.md: lifecycle subscriber → lead\n"
    );
    assert_eq!(
        ws.changes(),
        [
            "-lifecycle: subscriber",
            "+lifecycle: lead",
            "+lifecycle_changed: 2026-11-25",
            "+lead_status: new",
            "+- 2026-11-25 stage: subscriber → lead"
        ]
    );
    let leads = ws
        .kith(&["list", "--lifecycle", "lead", "--format", "json"])
        .json();
    let anouk = leads
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "anouk-de-vries");
    assert_eq!(anouk.expect("a lead now")["lead_status"], "new");
}

#[test]
fn promote_keeps_an_existing_lead_status() {
    let ws = Ws::example();
    ws.kith(&["promote", "jessica-moreno"]).ok();
    assert_eq!(
        ws.changes(),
        [
            "-lifecycle: lead",
            "+lifecycle: mql",
            "+lifecycle_changed: 2026-11-25",
            "+- 2026-11-25 stage: lead → mql"
        ]
    );
    assert!(
        ws.read("contacts/jessica-moreno.md")
            .contains("lead_status: unqualified\n")
    );
}

#[test]
fn promote_to_an_explicit_stage_skips_the_ones_between() {
    let ws = Ws::example();
    as_teammate(&ws, "sam@brightwave.example");
    let out = ws.kith(&["promote", "ben.carver@tidewaterretail.example", "Customer"]);
    assert_eq!(
        out.ok(),
        "contacts/ben-carver.md: lifecycle sql → customer\n"
    );
    assert_eq!(
        ws.changes(),
        [
            "-lifecycle: sql",
            "-lifecycle_changed: 2026-10-28",
            "+lifecycle: customer",
            "+lifecycle_changed: 2026-11-25",
            "+- 2026-11-25 stage @sam: sql → customer"
        ]
    );
}

#[test]
fn promote_backwards_needs_force() {
    let ws = Ws::example();
    let out = ws.kith(&["promote", "aisha-rahman", "lead"]);
    let err = out.fails(1);
    assert_eq!(
        err,
        "error: moving Aisha Rahman backwards from `customer` to `lead` needs --force\n"
    );
    assert_eq!(out.stdout, "");
    ws.assert_untouched();

    let out = ws.kith(&["promote", "aisha-rahman", "lead", "--force"]);
    assert_eq!(
        out.ok(),
        "contacts/aisha-rahman.md: lifecycle customer → lead\n"
    );
    assert_eq!(
        ws.changes(),
        [
            "-lifecycle: customer",
            "+lifecycle: lead",
            "+lifecycle_changed: 2026-11-25",
            "+lead_status: new",
            "+- 2026-11-25 stage: customer → lead"
        ]
    );
}

#[test]
fn promote_to_the_current_stage_is_refused() {
    let ws = Ws::example();
    let err = ws
        .kith(&["promote", "ben-carver", "sql"])
        .fails(1)
        .to_string();
    assert_eq!(err, "error: Ben Carver is already at `sql`\n");
    ws.assert_untouched();
}

#[test]
fn promote_to_other_needs_a_reason() {
    let ws = Ws::example();
    let err = ws
        .kith(&["promote", "aisha-rahman", "other"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("`other` needs a reason: add --reason staff (or supplier, partner, ...)"),
        "{err}"
    );
    ws.assert_untouched();

    let out = ws.kith(&["promote", "aisha-rahman", "other", "--reason", "partner"]);
    assert_eq!(
        out.ok(),
        "contacts/aisha-rahman.md: lifecycle customer → other\n"
    );
    assert_eq!(
        ws.changes(),
        [
            "-lifecycle: customer",
            "+lifecycle: other",
            "+lifecycle_changed: 2026-11-25",
            "+other_reason: partner",
            "+- 2026-11-25 stage: customer → other (partner)"
        ]
    );
    assert_clean(&ws, 104);
}

#[test]
fn promote_to_other_accepts_a_reason_already_in_the_file() {
    let ws = Ws::example();
    ws.kith(&["set", "daniel-kaplan", "other_reason=supplier"])
        .ok();
    let out = ws.kith(&["promote", "daniel-kaplan", "other"]);
    assert_eq!(
        out.ok(),
        "contacts/daniel-kaplan.md: lifecycle contact → other\n"
    );
    let text = ws.read("contacts/daniel-kaplan.md");
    assert!(
        text.contains("other_reason: supplier\nlifecycle: other\n"),
        "{text}"
    );
    assert!(
        text.contains("- 2026-11-25 stage: contact → other\n"),
        "{text}"
    );
}

#[test]
fn promote_from_outside_the_funnel_needs_a_named_stage() {
    let ws = Ws::example();
    let err = ws.kith(&["promote", "alex-moreau"]).fails(1).to_string();
    assert!(
        err.contains(
            "Alex Moreau is at `other`, outside the funnel; name the stage to move to, e.g. `kith promote alex-moreau subscriber`"
        ),
        "{err}"
    );
    ws.assert_untouched();
    let out = ws.kith(&["promote", "alex-moreau", "customer"]);
    assert_eq!(
        out.ok(),
        "contacts/alex-moreau.md: lifecycle other → customer\n"
    );
}

#[test]
fn promote_refuses_unknown_stages_and_records_that_are_not_people() {
    let ws = Ws::example();
    let err = ws
        .kith(&["promote", "ben-carver", "custmer"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("unknown lifecycle stage `custmer` (did you mean `customer`?)"),
        "{err}"
    );
    assert!(
        err.contains("subscriber, lead, mql, sql, opportunity, customer, evangelist, other"),
        "{err}"
    );
    let err = ws.kith(&["promote", "calder-mutual"]).fails(1).to_string();
    assert!(err.contains("calder-mutual"), "{err}");
    let err = ws.kith(&["promote", "daniel"]).fails(1).to_string();
    assert!(err.contains("`daniel` matches 2 records"), "{err}");
    ws.assert_untouched();
}

#[test]
fn promote_reason_inside_the_funnel_only_goes_to_the_log() {
    let ws = Ws::example();
    ws.kith(&["promote", "ben-carver", "--reason", "budget approved"])
        .ok();
    let text = ws.read("contacts/ben-carver.md");
    assert!(!text.contains("other_reason"), "{text}");
    assert_clean(&ws, 104);
}

// ---------------------------------------------------------------------------------------------
// new and set lifecycle=...

#[test]
fn a_new_lead_gets_lead_status_new() {
    let ws = Ws::example();
    ws.kith(&[
        "new",
        "contact",
        "Ada Lovelace",
        "--set",
        "lifecycle=MQL",
        "--set",
        "owner=sam",
    ])
    .ok();
    assert_eq!(
        ws.read("contacts/ada-lovelace.md"),
        "---\nname: Ada Lovelace\nlifecycle: mql\nlead_status: new\nowner: sam\ncreated: 2026-11-25\n---\n"
    );
    // Not for other stages.
    ws.kith(&["new", "contact", "Bob Byron", "--set", "lifecycle=customer"])
        .ok();
    assert_eq!(
        ws.read("contacts/bob-byron.md"),
        "---\nname: Bob Byron\nlifecycle: customer\ncreated: 2026-11-25\n---\n"
    );
}

#[test]
fn set_lifecycle_writes_lifecycle_changed_and_a_stage_entry() {
    let ws = Ws::example();
    as_teammate(&ws, "sam@brightwave.example");
    let out = ws.kith(&["set", "ben-carver", "lifecycle=opportunity"]);
    assert_eq!(
        out.ok(),
        "contacts/ben-carver.md: lifecycle sql → opportunity\n"
    );
    assert_eq!(
        ws.changes(),
        [
            "-lifecycle: sql",
            "-lifecycle_changed: 2026-10-28",
            "+lifecycle: opportunity",
            "+lifecycle_changed: 2026-11-25",
            "+- 2026-11-25 stage @sam: sql → opportunity"
        ]
    );
    assert_clean(&ws, 104);
}

#[test]
fn set_lifecycle_keeps_an_explicit_lifecycle_changed() {
    let ws = Ws::example();
    // `set lifecycle=` follows promote's rules: backwards needs --force.
    let args = [
        "set",
        "ben-carver",
        "lifecycle=MQL",
        "lifecycle_changed=2026-11-20",
    ];
    let err = ws.kith(&args).fails(1).to_string();
    assert!(
        err.contains("moving Ben Carver backwards from `sql` to `mql` needs --force"),
        "{err}"
    );
    ws.assert_untouched();
    let mut forced = args.to_vec();
    forced.push("--force");
    let out = ws.kith(&forced);
    assert_eq!(
        out.ok(),
        "contacts/ben-carver.md: lifecycle sql → mql, lifecycle_changed 2026-10-28 → 2026-11-20\n"
    );
    // The explicit date dates the log entry too.
    assert_eq!(
        ws.changes(),
        [
            "-lifecycle: sql",
            "-lifecycle_changed: 2026-10-28",
            "+lifecycle: mql",
            "+lifecycle_changed: 2026-11-20",
            "+- 2026-11-20 stage: sql → mql"
        ]
    );
}

#[test]
fn set_lifecycle_on_a_plain_contact_makes_a_new_lead() {
    let ws = Ws::example();
    let out = ws.kith(&["set", "hugo-lambert", "lifecycle=lead"]);
    assert_eq!(out.ok(), "contacts/hugo-lambert.md: lifecycle = lead\n");
    assert_eq!(
        ws.changes(),
        [
            "+lifecycle: lead",
            "+lifecycle_changed: 2026-11-25",
            "+lead_status: new",
            "+- 2026-11-25 stage: contact → lead"
        ]
    );
    assert_clean(&ws, 104);
}

#[test]
fn set_lifecycle_to_the_current_stage_changes_nothing() {
    let ws = Ws::example();
    let out = ws.kith(&["set", "ben-carver", "lifecycle=SQL"]);
    assert_eq!(out.ok(), "contacts/ben-carver.md: unchanged\n");
    ws.assert_untouched();
}

#[test]
fn set_lifecycle_refuses_an_unknown_stage() {
    let ws = Ws::example();
    let err = ws
        .kith(&["set", "ben-carver", "lifecycle=prospect"])
        .fails(1)
        .to_string();
    assert!(err.contains("unknown lifecycle stage `prospect`"), "{err}");
    ws.assert_untouched();
}

// ---------------------------------------------------------------------------------------------
// convert

#[test]
fn convert_creates_the_company_and_the_deal_when_none_matches() {
    let ws = Ws::example();
    as_teammate(&ws, "sam@brightwave.example");
    let out = ws.kith(&[
        "convert",
        "daniel-ortega",
        "--amount",
        "18000",
        "--close",
        "2027-01-31",
    ]);
    assert_eq!(
        out.ok(),
        "companies/rutamar.md: created company Rutamar\n\
         deals/rutamar-new-business.md: created deal Rutamar – new business\n\
         contacts/daniel-ortega.md: lifecycle sql → opportunity\n"
    );
    assert_eq!(out.stderr, "");
    assert_eq!(
        ws.status(),
        " M contacts/daniel-ortega.md\n?? companies/rutamar.md\n?? deals/rutamar-new-business.md\n"
    );
    // The company takes the person's domain, industry, country and owner.
    assert_eq!(
        ws.read("companies/rutamar.md"),
        "---\nname: Rutamar\ndomain: rutamar.example\nindustry: logistics\ncountry: ES\nowner: sam\ncreated: 2026-11-25\n---\n"
    );
    assert_eq!(
        ws.read("deals/rutamar-new-business.md"),
        "---\nname: Rutamar – new business\nstage: appointment-scheduled\namount: 18000\ncurrency: EUR\n\
         close_date: 2027-01-31\ncompany: rutamar\ncontacts: [daniel-ortega]\nowner: sam\ncreated: 2026-11-25\n---\n"
    );
    assert_eq!(
        ws.changes(),
        [
            "-lifecycle: sql",
            "-lifecycle_changed: 2026-10-07",
            "+lifecycle: opportunity",
            "+lifecycle_changed: 2026-11-25",
            "+company: rutamar",
            "+- 2026-11-25 stage @sam #rutamar-new-business: sql → opportunity"
        ]
    );
    // Everything is linked and valid.
    let company = ws.kith(&["show", "rutamar", "--format", "json"]).json();
    assert_eq!(company["people"], serde_json::json!(["daniel-ortega"]));
    assert_eq!(
        company["deals"],
        serde_json::json!(["rutamar-new-business"])
    );
    assert_clean(&ws, 106);
}

#[test]
fn convert_links_a_company_by_email_domain_and_fills_only_its_empty_fields() {
    let ws = Ws::example();
    ws.kith(&[
        "new",
        "company",
        "Rutamar Logística",
        "--set",
        "domain=Rutamar.example",
        "--set",
        "industry=shipping",
    ])
    .ok();
    git(ws.path(), &["add", "-A"]);
    git(ws.path(), &["commit", "-q", "-m", "Rutamar"]);

    let out = ws.kith(&["convert", "daniel-ortega"]);
    assert_eq!(
        out.ok(),
        "companies/rutamar-logistica.md: linked; filled country = ES, owner = sam\n\
         deals/rutamar-logistica-new-business.md: created deal Rutamar Logística – new business\n\
         contacts/daniel-ortega.md: lifecycle sql → opportunity\n"
    );
    // industry was set (shipping) and stays; domain was set and stays as written.
    assert_eq!(
        ws.read("companies/rutamar-logistica.md"),
        "---\nname: Rutamar Logística\ndomain: Rutamar.example\nindustry: shipping\ncreated: 2026-11-25\n\
         country: ES\nowner: sam\n---\n"
    );
    assert_eq!(
        ws.read("deals/rutamar-logistica-new-business.md"),
        "---\nname: Rutamar Logística – new business\nstage: appointment-scheduled\ncurrency: EUR\n\
         company: rutamar-logistica\ncontacts: [daniel-ortega]\nowner: sam\ncreated: 2026-11-25\n---\n"
    );
    assert!(
        ws.read("contacts/daniel-ortega.md")
            .contains("\ncompany: rutamar-logistica\n")
    );
    assert_eq!(
        ws.status(),
        " M companies/rutamar-logistica.md\n M contacts/daniel-ortega.md\n?? deals/rutamar-logistica-new-business.md\n"
    );
    assert_clean(&ws, 106);
}

#[test]
fn convert_uses_the_persons_company_and_the_deal_options() {
    let ws = Ws::example();
    let out = ws.kith(&[
        "convert",
        "clara-albrecht",
        "--deal",
        "Bergmann Medtech QA analytics",
        "--amount",
        "12500.50",
        "--currency",
        "usd",
        "--close",
        "2027-03-31",
    ]);
    assert_eq!(
        out.ok(),
        "companies/bergmann-medtech.md: linked\n\
         deals/bergmann-medtech-qa-analytics.md: created deal Bergmann Medtech QA analytics\n\
         contacts/clara-albrecht.md: lifecycle lead → opportunity\n"
    );
    assert_eq!(
        ws.read("deals/bergmann-medtech-qa-analytics.md"),
        "---\nname: Bergmann Medtech QA analytics\nstage: appointment-scheduled\namount: 12500.5\ncurrency: USD\n\
         close_date: 2027-03-31\ncompany: bergmann-medtech\ncontacts: [clara-albrecht]\nowner: sam\n\
         created: 2026-11-25\n---\n"
    );
    // The company had every field already; the person already pointed at it.
    assert_eq!(
        ws.changes(),
        [
            "-lifecycle: lead",
            "-lifecycle_changed: 2026-10-30",
            "+lifecycle: opportunity",
            "+lifecycle_changed: 2026-11-25",
            "+- 2026-11-25 stage #bergmann-medtech-qa-analytics: lead → opportunity"
        ]
    );
    let deals = ws
        .kith(&["list", "deals", "--stage", "open", "--format", "json"])
        .json();
    assert_eq!(deals.as_array().unwrap().len(), 7);
    assert_clean(&ws, 105);
}

#[test]
fn convert_refuses_people_who_are_not_leads() {
    let ws = Ws::example();
    let err = ws.kith(&["convert", "aisha-rahman"]).fails(1).to_string();
    assert_eq!(
        err,
        "error: Aisha Rahman is at `customer`, not a lead (lead, mql, sql); use --force to convert anyway\n"
    );
    let err = ws.kith(&["convert", "hugo-lambert"]).fails(1).to_string();
    assert_eq!(
        err,
        "error: Hugo Lambert is a plain contact, not a lead (lead, mql, sql); use --force to convert anyway\n"
    );
    let err = ws.kith(&["convert", "calder-mutual"]).fails(1).to_string();
    assert!(err.contains("calder-mutual"), "{err}");
    ws.assert_untouched();

    // --force converts a plain contact.
    ws.kith(&["convert", "hugo-lambert", "--force"]).ok();
    assert_eq!(
        ws.status(),
        " M contacts/hugo-lambert.md\n?? companies/lambert-capital.md\n?? deals/lambert-capital-new-business.md\n"
    );
    let text = ws.read("contacts/hugo-lambert.md");
    assert!(text.contains("lifecycle: opportunity\n"), "{text}");
    assert!(
        text.contains("- 2026-11-25 stage #lambert-capital-new-business: contact → opportunity\n"),
        "{text}"
    );
}

#[test]
fn convert_force_names_the_stage_of_a_plain_contact() {
    let ws = Ws::example();
    let out = ws.kith(&["convert", "hugo-lambert", "--force"]);
    assert!(
        out.ok()
            .ends_with("contacts/hugo-lambert.md: lifecycle contact → opportunity\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn convert_force_does_not_demote_a_customer() {
    let ws = Ws::example();
    ws.kith(&[
        "convert",
        "aisha-rahman",
        "--force",
        "--deal",
        "Harbourline alerting add-on",
    ])
    .ok();
    assert!(ws.file("deals/harbourline-alerting-add-on.md").is_file());
    let text = ws.read("contacts/aisha-rahman.md");
    assert!(
        text.contains("lifecycle: customer\n"),
        "the customer was demoted:\n{text}"
    );
}

#[test]
fn convert_refuses_a_free_mail_address_without_company() {
    let ws = Ws::example();
    let err = ws.kith(&["convert", "jessica-moreno"]).fails(1).to_string();
    assert_eq!(
        err,
        "error: cannot tell Jessica Moreno's company (no `company` field and a free-mail address); pass --company NAME\n"
    );
    ws.assert_untouched();

    // --company with a new name creates it, without a domain (gmail says nothing).
    let out = ws.kith(&["convert", "jessica-moreno", "--company", "Moreno Research"]);
    assert_eq!(
        out.ok(),
        "companies/moreno-research.md: created company Moreno Research\n\
         deals/moreno-research-new-business.md: created deal Moreno Research – new business\n\
         contacts/jessica-moreno.md: lifecycle lead → opportunity\n"
    );
    let company = ws.read("companies/moreno-research.md");
    assert!(!company.contains("domain"), "{company}");
    assert!(
        company.starts_with("---\nname: Moreno Research\n"),
        "{company}"
    );
    assert!(
        ws.read("contacts/jessica-moreno.md")
            .contains("\ncompany: moreno-research\n")
    );
}

#[test]
fn convert_with_company_links_an_existing_one_by_name() {
    let ws = Ws::example();
    let out = ws.kith(&["convert", "jessica-moreno", "--company", "calder mutual"]);
    assert_eq!(
        out.ok(),
        "companies/calder-mutual.md: linked\n\
         deals/calder-mutual-new-business.md: created deal Calder Mutual – new business\n\
         contacts/jessica-moreno.md: lifecycle lead → opportunity\n"
    );
    assert_eq!(
        ws.status(),
        " M contacts/jessica-moreno.md\n?? deals/calder-mutual-new-business.md\n"
    );
}

#[test]
fn convert_refuses_a_company_other_than_the_persons() {
    let ws = Ws::example();
    let err = ws
        .kith(&["convert", "clara-albrecht", "--company", "Calder Mutual"])
        .fails(1)
        .to_string();
    assert_eq!(
        err,
        "error: Clara Albrecht works for `bergmann-medtech`, not `calder-mutual`; correct `company` first or pass --company bergmann-medtech\n"
    );
    ws.assert_untouched();
}

#[test]
fn convert_refuses_bad_options_before_writing_anything() {
    let ws = Ws::example();
    let err = ws
        .kith(&["convert", "clara-albrecht", "--close", "31/03/2027"])
        .fails(2)
        .to_string();
    assert!(
        err.contains("`31/03/2027` is not a valid date (write YYYY-MM-DD, today,"),
        "{err}"
    );
    let err = ws
        .kith(&["convert", "clara-albrecht", "--amount=-5"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("the amount must be a positive number"),
        "{err}"
    );
    ws.assert_untouched();
}

#[test]
fn converting_again_adds_a_second_deal() {
    let ws = Ws::example();
    ws.kith(&["convert", "daniel-ortega"]).ok();
    let err = ws.kith(&["convert", "daniel-ortega"]).fails(1).to_string();
    assert!(err.contains("is at `opportunity`, not a lead"), "{err}");
    let out = ws.kith(&["convert", "daniel-ortega", "--force"]);
    assert_eq!(
        out.ok(),
        "companies/rutamar.md: linked\n\
         deals/rutamar-new-business-2.md: created deal Rutamar – new business\n\
         contacts/daniel-ortega.md: lifecycle stays opportunity\n"
    );
    let company = ws.kith(&["show", "rutamar", "--format", "json"]).json();
    assert_eq!(
        company["deals"],
        serde_json::json!(["rutamar-new-business", "rutamar-new-business-2"])
    );
    assert_clean(&ws, 107);
}
