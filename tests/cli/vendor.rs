//! `kith import` of a whole CRM export (several files, or a folder): HubSpot, Salesforce and
//! Pipedrive files written here in each vendor's export format, imported as one migration;
//! every association, stage and activity checked in the files kith writes; re-imports that
//! change nothing, dry runs, unmapped stages, invalid rows that stop everything, and a 10k-row
//! export.

use crate::harness::*;

/// A folder outside the workspace holding export files.
fn export(files: &[(&str, &str)]) -> Ws {
    let dir = Ws::empty();
    for (name, text) in files {
        dir.write(name, text);
    }
    dir
}

fn path(dir: &Ws, rel: &str) -> String {
    dir.file(rel).to_string_lossy().into_owned()
}

/// Commits the workspace as it is, so that `assert_untouched` compares with it.
fn commit(ws: &Ws) {
    git(ws.path(), &["add", "-A"]);
    git(ws.path(), &["commit", "-q", "-m", "migrated"]);
}

const HS_COMPANIES: &str = "\u{feff}Record ID,Company name,Company Domain Name,Industry,Number of Employees,Country/Region,Associated Contact IDs,Associated Deal IDs
101,Northwind Traders,northwind.example,Retail,250,Germany,201;202,301
102,Contoso Ltd,contoso.example,Finance,1200,United Kingdom,203,302
";

/// Semicolons, as Excel writes CSV in much of Europe.
const HS_CONTACTS: &str = "Record ID;First Name;Last Name;Email;Phone Number;Job Title;Lifecycle Stage;Lead Status;Associated Company IDs;Associated Deal IDs;Create Date
201;Nina;Weiss;nina@northwind.example;+49 30 1234567;Head of Ops;salesqualifiedlead;IN_PROGRESS;101;301;2026-05-02 09:10
202;Omar;Haddad;omar@northwind.example;;CFO;opportunity;;101;301;2026-05-03
203;Lena;Fox;lena@contoso.example;;CTO;customer;;102;;2026-01-10
";

const HS_DEALS: &str = "Record ID,Deal Name,Deal Stage,Amount,Close Date,Pipeline,Associated Company IDs,Associated Contact IDs
301,Northwind rollout,presentationscheduled,48000,2026-12-20,default,101,201
302,Contoso renewal,closedwon,12000.50,2026-10-01,default,102,203
";

/// HTML note bodies and a note with a newline inside quotes.
const HS_NOTES: &str = "Record ID,Activity date,Note body,Associated Contact IDs,Associated Company IDs,Associated Deal IDs
401,2026-11-02 14:30,\"<p>Call recap:</p><p>wants SSO &amp; audit log</p>\",201,101,301
402,2026-10-01,\"Signed the renewal.
Paid upfront.\",,102,302
";

const HS_ENGAGEMENTS: &str = "Record ID,Activity type,Activity date,Subject,Body,Task status,Associated Contact IDs,Associated Company IDs,Associated Deal IDs
501,CALL,2026-11-10 10:00,Discovery call,Talked budget,,201,,301
502,MEETING,2026-11-12 15:00,Demo,Showed reporting,,201;202,,
503,TASK,2026-12-01,Send proposal,,NOT_STARTED,202,,301
504,EMAIL,2026-11-20 09:00,Pricing,Sent the price list,,203;999,,
";

fn hubspot() -> Ws {
    export(&[
        ("hubspot/companies.csv", HS_COMPANIES),
        ("hubspot/contacts.csv", HS_CONTACTS),
        ("hubspot/deals.csv", HS_DEALS),
        ("hubspot/notes.csv", HS_NOTES),
        ("hubspot/engagements.csv", HS_ENGAGEMENTS),
    ])
}

#[test]
fn a_hubspot_export_becomes_companies_people_deals_and_their_history() {
    let ws = Ws::example();
    let src = hubspot();
    let out = ws.kith(&["import", &path(&src, "hubspot")]);
    let text = out.ok();
    for line in [
        "companies.csv: HubSpot companies, 2 rows\n",
        "contacts.csv: HubSpot contacts, 3 rows\n",
        "deals.csv: HubSpot deals, 2 rows\n",
        "engagements.csv: HubSpot activities, 4 rows\n",
        "notes.csv: HubSpot notes, 2 rows\n",
        "companies: 2 created, 0 updated, 0 unchanged\n",
        "contacts: 3 created, 0 updated, 0 unchanged\n",
        "deals: 2 created, 0 updated, 0 unchanged\n",
        "activities: 6 entries logged, 1 open task added, 0 already there\n",
        "unresolved associations (imported without them):\n",
        "engagements.csv:5: email links contact 999, which is not in the export\n",
    ] {
        assert!(text.contains(line), "{line:?} missing from:\n{text}");
    }
    assert_eq!(
        ws.read("contacts/nina-weiss.md"),
        "---
name: Nina Weiss
email: nina@northwind.example
phone: \"+49 30 1234567\"
company: northwind-traders
title: Head of Ops
lifecycle: sql
lead_status: working
hubspot_id: \"201\"
created: 2026-05-02
---
## Activity
- 2026-11-02 14:30 note #northwind-rollout: Call recap:
  wants SSO & audit log
- 2026-11-10 10:00 call #northwind-rollout: Discovery call
  Talked budget
- 2026-11-12 15:00 meeting: Demo
  Showed reporting
"
    );
    assert_eq!(
        ws.read("contacts/omar-haddad.md"),
        "---
name: Omar Haddad
email: omar@northwind.example
company: northwind-traders
title: CFO
lifecycle: opportunity
hubspot_id: \"202\"
created: 2026-05-03
---
## Tasks
- [ ] 2026-12-01 note #northwind-rollout: Send proposal

## Activity
- 2026-11-12 15:00 meeting: Demo
  Showed reporting
"
    );
    let lena = ws.read("contacts/lena-fox.md");
    assert!(
        lena.contains("company: contoso-ltd\ntitle: CTO\nlifecycle: customer\n"),
        "{lena}"
    );
    assert!(
        lena.contains("- 2026-11-20 09:00 email: Pricing\n  Sent the price list\n"),
        "{lena}"
    );
    assert_eq!(
        ws.read("deals/northwind-rollout.md"),
        "---
name: Northwind rollout
stage: presentation-scheduled
amount: 48000
currency: EUR
close_date: 2026-12-20
company: northwind-traders
contacts: [nina-weiss, omar-haddad]
hubspot_id: \"301\"
created: 2026-11-25
---
"
    );
    let renewal = ws.read("deals/contoso-renewal.md");
    assert!(
        renewal.contains("stage: closed-won\namount: 12000.5\n"),
        "{renewal}"
    );
    assert!(
        renewal.contains("company: contoso-ltd\ncontacts: [lena-fox]\n"),
        "{renewal}"
    );
    assert!(
        renewal.ends_with("## Activity\n- 2026-10-01 note: Signed the renewal.\n  Paid upfront.\n"),
        "{renewal}"
    );
    assert_eq!(
        ws.read("companies/northwind-traders.md"),
        "---
name: Northwind Traders
domain: northwind.example
industry: retail
size: 250
country: DE
hubspot_id: \"101\"
created: 2026-11-25
---
"
    );
    // What kith wrote, kith reads without a complaint.
    let check = ws.kith(&["check"]);
    assert!(
        check.stderr.contains("0 errors, 0 warnings"),
        "{}",
        check.stderr
    );
}

#[test]
fn a_second_import_of_the_same_export_changes_nothing() {
    let ws = Ws::example();
    let src = hubspot();
    ws.kith(&["import", &path(&src, "hubspot")]).ok();
    commit(&ws);
    let out = ws.kith(&["import", &path(&src, "hubspot")]);
    let text = out.ok();
    assert!(
        text.contains("companies: 0 created, 0 updated, 2 unchanged\n"),
        "{text}"
    );
    assert!(
        text.contains("contacts: 0 created, 0 updated, 3 unchanged\n"),
        "{text}"
    );
    assert!(
        text.contains("deals: 0 created, 0 updated, 2 unchanged\n"),
        "{text}"
    );
    assert!(
        text.contains("activities: 0 entries logged, 0 open tasks added, 7 already there\n"),
        "{text}"
    );
    ws.assert_untouched();
}

#[test]
fn a_dry_run_shows_everything_and_writes_nothing() {
    let ws = Ws::example();
    let src = hubspot();
    let files: Vec<String> = ["companies", "contacts", "deals", "notes", "engagements"]
        .iter()
        .map(|f| path(&src, &format!("hubspot/{f}.csv")))
        .collect();
    let mut args = vec!["import", "--dry-run"];
    args.extend(files.iter().map(String::as_str));
    let out = ws.kith(&args);
    let text = out.ok();
    assert!(
        text.contains("contacts: 3 created, 0 updated, 0 unchanged\n"),
        "{text}"
    );
    assert!(text.ends_with("dry run: nothing was written\n"), "{text}");
    ws.assert_untouched();
}

#[test]
fn an_unmapped_stage_stops_the_migration_until_it_is_mapped() {
    let ws = Ws::example();
    let deals = "Record ID,Deal Name,Deal Stage,Amount,Associated Company IDs\n301,Pilot at Northwind,Pilot,9000,101\n302,Northwind support,Pilot,1000,101\n";
    let src = export(&[("hs/companies.csv", HS_COMPANIES), ("hs/deals.csv", deals)]);
    let err = ws.kith(&["import", &path(&src, "hs")]).fails(1).to_string();
    assert!(
        err.contains("2 rows of the HubSpot export cannot be imported, so nothing was imported:"),
        "{err}"
    );
    assert!(
        err.contains("deals.csv:2: deal stage `Pilot` has no kith stage\n"),
        "{err}"
    );
    assert!(err.contains("  deal stage `Pilot` (2 rows)\n"), "{err}");
    assert!(
        err.contains(
            "help: map them, e.g. --map 'Pilot=STAGE' (deal stages: appointment-scheduled, "
        ),
        "{err}"
    );
    ws.assert_untouched();
    let bad = ws
        .kith(&["import", &path(&src, "hs"), "--map", "Pilot=trial"])
        .fails(1)
        .to_string();
    assert!(
        bad.contains("`trial` is not a deal stage or lifecycle stage"),
        "{bad}"
    );
    ws.kith(&[
        "import",
        &path(&src, "hs"),
        "--map",
        "Pilot=qualified-to-buy",
    ])
    .ok();
    let pilot = ws.read("deals/pilot-at-northwind.md");
    assert!(pilot.contains("stage: qualified-to-buy\n"), "{pilot}");
    assert!(pilot.contains("company: northwind-traders\n"), "{pilot}");
}

#[test]
fn skip_invalid_imports_the_rest_and_lists_what_it_left_out() {
    let ws = Ws::example();
    let contacts = "Record ID,First Name,Last Name,Email\n201,Nina,Weiss,nina@northwind.example\n202,Bad,Address,bad@\n";
    let src = export(&[
        ("hs/contacts.csv", contacts),
        ("hs/companies.csv", HS_COMPANIES),
    ]);
    let err = ws.kith(&["import", &path(&src, "hs")]).fails(1).to_string();
    assert!(
        err.contains("contacts.csv:3: `bad@` is not a valid e-mail address"),
        "{err}"
    );
    ws.assert_untouched();
    let out = ws.kith(&["import", &path(&src, "hs"), "--skip-invalid"]);
    let text = out.ok();
    assert!(
        text.contains("contacts: 1 created, 0 updated, 0 unchanged\n"),
        "{text}"
    );
    assert!(
        text.contains("invalid rows, left out (--skip-invalid):\n"),
        "{text}"
    );
    assert!(ws.file("contacts/nina-weiss.md").exists());
}

#[test]
fn a_file_kith_cannot_place_stops_the_migration() {
    let ws = Ws::example();
    let src = export(&[
        ("x/contacts.csv", HS_CONTACTS),
        ("x/shopping.csv", "Item,Price\nmilk,1\n"),
    ]);
    let err = ws.kith(&["import", &path(&src, "x")]).fails(1).to_string();
    assert!(
        err.contains("shopping.csv is not an export kith knows (its columns: `Item`, `Price`)"),
        "{err}"
    );
    ws.assert_untouched();
}

#[test]
fn a_salesforce_export_with_leads_opportunities_roles_tasks_and_events() {
    let ws = Ws::example();
    let src = export(&[
        (
            "sf/Account.csv",
            "Id,Name,Website,Industry,NumberOfEmployees,BillingCountry\n0015g00000AAAA1,Globex GmbH,https://www.globex.example,Manufacturing,800,Deutschland\n",
        ),
        (
            "sf/Contact.csv",
            "Id,AccountId,FirstName,LastName,Email,Phone,Title,LeadSource,Description\n0035g00000CCCC1,0015g00000AAAA1,Hank,Scorpio,hank@globex.example,+49 89 555 0100,CEO,Partner Referral,\"Met at the summit.\nLikes volcanoes.\"\n0035g00000CCCC2,0015g00000AAAA1,Frank,Grimes,frank@globex.example,,Controller,,\n",
        ),
        (
            "sf/Lead.csv",
            "Id,FirstName,LastName,Company,Email,Status,IsConverted,LeadSource\n00Q5g00000LLLL1,Ada,Byron,Byron Analytics,ada@byron.example,Working - Contacted,false,Web\n00Q5g00000LLLL2,Hank,Scorpio,Globex GmbH,hank@globex.example,Closed - Converted,true,Web\n",
        ),
        (
            "sf/Opportunity.csv",
            "Id,AccountId,Name,StageName,Amount,CloseDate,IsClosed,IsWon\n0065g00000OOOO1,0015g00000AAAA1,Globex plant analytics,Negotiation/Review,75000,2026-12-15,false,false\n0065g00000OOOO2,0015g00000AAAA1,Globex pilot,Closed Lost,5000,2026-08-01,true,false\n",
        ),
        (
            "sf/OpportunityContactRole.csv",
            "Id,OpportunityId,ContactId,Role,IsPrimary\n00K5g00000RRRR1,0065g00000OOOO1,0035g00000CCCC1,Decision Maker,true\n00K5g00000RRRR2,0065g00000OOOO1,0035g00000CCCC2,Evaluator,false\n",
        ),
        (
            "sf/Task.csv",
            "Id,WhoId,WhatId,Subject,Description,ActivityDate,Status,TaskSubtype\n00T5g00000TTTT1,0035g00000CCCC1,0065g00000OOOO1,Call Hank,Went through the quote,2026-11-18,Completed,Call\n00T5g00000TTTT2,0035g00000CCCC2,0065g00000OOOO1,Send the security review,,2026-12-02,Not Started,Task\n00T5g00000TTTT3,,0015g00000AAAA1,Account review,Yearly check,2026-11-01,Completed,Task\n",
        ),
        (
            "sf/Event.csv",
            "Id,WhoId,WhatId,Subject,Description,StartDateTime,EndDateTime\n00U5g00000EEEE1,00Q5g00000LLLL1,,Intro meeting,Byron wants a demo,2026-11-21T13:00:00.000Z,2026-11-21T14:00:00.000Z\n",
        ),
    ]);
    let out = ws.kith(&["import", &path(&src, "sf")]);
    let text = out.ok();
    for line in [
        "Account.csv: Salesforce companies, 1 row\n",
        "Contact.csv: Salesforce contacts, 2 rows\n",
        "Lead.csv: Salesforce leads, 2 rows\n",
        "Opportunity.csv: Salesforce deals, 2 rows\n",
        "OpportunityContactRole.csv: Salesforce deal contact roles, 2 rows\n",
        "Task.csv: Salesforce activities, 3 rows\n",
        "Event.csv: Salesforce activities, 1 row\n",
        "companies: 2 created, 0 updated, 0 unchanged\n",
        "contacts: 3 created, 0 updated, 0 unchanged\n",
        "deals: 2 created, 0 updated, 0 unchanged\n",
        "activities: 3 entries logged, 1 open task added, 0 already there\n",
        "Lead.csv:3: lead Hank Scorpio was converted: it is imported as its contact\n",
    ] {
        assert!(text.contains(line), "{line:?} missing from:\n{text}");
    }
    assert_eq!(
        ws.read("contacts/hank-scorpio.md"),
        "---
name: Hank Scorpio
email: hank@globex.example
phone: \"+49 89 555 0100\"
company: globex-gmbh
title: CEO
source: partner
salesforce_id: 0035g00000CCCC1
created: 2026-11-25
---
Met at the summit.
Likes volcanoes.

## Activity
- 2026-11-18 call #globex-plant-analytics: Call Hank
  Went through the quote
"
    );
    let frank = ws.read("contacts/frank-grimes.md");
    assert!(
        frank.contains(
            "## Tasks\n- [ ] 2026-12-02 note #globex-plant-analytics: Send the security review\n"
        ),
        "{frank}"
    );
    let ada = ws.read("contacts/ada-byron.md");
    assert!(ada.contains("company: byron-analytics\nlifecycle: lead\nlead_status: working\nsource: website-form\n"), "{ada}");
    assert!(
        ada.contains("- 2026-11-21 13:00 meeting: Intro meeting\n  Byron wants a demo\n"),
        "{ada}"
    );
    assert!(
        ws.read("companies/byron-analytics.md")
            .starts_with("---\nname: Byron Analytics\n")
    );
    let big = ws.read("deals/globex-plant-analytics.md");
    assert!(
        big.contains("stage: contract-sent\namount: 75000\n"),
        "{big}"
    );
    assert!(
        big.contains("company: globex-gmbh\ncontacts: [hank-scorpio, frank-grimes]\n"),
        "{big}"
    );
    let lost = ws.read("deals/globex-pilot.md");
    assert!(lost.contains("stage: closed-lost\n"), "{lost}");
    let globex = ws.read("companies/globex-gmbh.md");
    assert!(
        globex
            .contains("domain: globex.example\nindustry: manufacturing\nsize: 800\ncountry: DE\n"),
        "{globex}"
    );
    assert!(
        globex.ends_with("## Activity\n- 2026-11-01 note: Account review\n  Yearly check\n"),
        "{globex}"
    );
    commit(&ws);
    ws.kith(&["import", &path(&src, "sf")]).ok();
    ws.assert_untouched();
}

#[test]
fn a_pipedrive_export_links_by_name_and_id() {
    let ws = Ws::example();
    let src = export(&[
        (
            "pd/organizations.csv",
            "Organization - ID,Organization - Name,Organization - Address,Organization - Website\n7,Initech,\"1 Main St, Austin\",initech.example\n",
        ),
        (
            "pd/persons.csv",
            "Person - ID,Person - Name,Person - Organization,Person - Email,Person - Phone,Person - Job title\n11,Peter Gibbons,Initech,peter@initech.example,+1 512 555 0101,Engineer\n12,Bill Lumbergh,Initech,bill@initech.example,,VP\n",
        ),
        (
            "pd/deals.csv",
            "Deal - ID,Deal - Title,Deal - Value,Deal - Currency,Deal - Stage,Deal - Status,Deal - Organization,Deal - Contact person,Deal - Expected close date\n21,Initech TPS reports,30000,USD,Negotiations Started,open,Initech,Bill Lumbergh,2027-01-15\n22,Initech printers,4000,USD,Proposal Made,won,Initech,Peter Gibbons,\n",
        ),
        (
            "pd/activities.csv",
            "Activity - ID,Activity - Subject,Activity - Type,Activity - Due date,Activity - Due time,Activity - Done,Activity - Note,Activity - Person,Activity - Organization,Activity - Deal\n31,Kick-off,meeting,2026-11-03,09:30,Done,Agreed on the scope,Bill Lumbergh,Initech,Initech TPS reports\n32,Follow up on the cover sheets,call,2026-12-04,,To do,,Bill Lumbergh,Initech,Initech TPS reports\n",
        ),
        (
            "pd/notes.csv",
            "Note - ID,Note - Content,Note - Add time,Note - Person,Note - Organization,Note - Deal\n41,\"Wants the new cover sheet\n(memo attached)\",2026-11-04 16:00:00,,Initech,\n",
        ),
    ]);
    let out = ws.kith(&["import", &path(&src, "pd")]);
    let text = out.ok();
    assert!(
        text.contains("persons.csv: Pipedrive contacts, 2 rows\n"),
        "{text}"
    );
    assert!(
        text.contains("activities: 2 entries logged, 1 open task added, 0 already there\n"),
        "{text}"
    );
    let bill = ws.read("contacts/bill-lumbergh.md");
    assert!(bill.contains("company: initech\n"), "{bill}");
    assert!(bill.contains("pipedrive_id: \"12\"\n"), "{bill}");
    assert!(
        bill.contains(
            "## Tasks\n- [ ] 2026-12-04 call #initech-tps-reports: Follow up on the cover sheets\n"
        ),
        "{bill}"
    );
    assert!(bill.contains("## Activity\n- 2026-11-03 09:30 meeting #initech-tps-reports: Kick-off\n  Agreed on the scope\n"), "{bill}");
    let tps = ws.read("deals/initech-tps-reports.md");
    assert!(tps.contains("stage: contract-sent\namount: 30000\ncurrency: USD\nclose_date: 2027-01-15\ncompany: initech\ncontacts: [bill-lumbergh]\n"), "{tps}");
    let printers = ws.read("deals/initech-printers.md");
    assert!(printers.contains("stage: closed-won\n"), "{printers}");
    assert!(
        printers.contains("contacts: [peter-gibbons]\n"),
        "{printers}"
    );
    let initech = ws.read("companies/initech.md");
    assert!(
        initech.ends_with(
            "## Activity\n- 2026-11-04 16:00 note: Wants the new cover sheet\n  (memo attached)\n"
        ),
        "{initech}"
    );
    commit(&ws);
    ws.kith(&["import", &path(&src, "pd")]).ok();
    ws.assert_untouched();
}

#[test]
fn ten_thousand_contacts_with_companies_deals_and_notes() {
    let ws = Ws::example();
    let mut companies = String::from("Record ID,Company name,Company Domain Name\n");
    for c in 0..1000 {
        companies.push_str(&format!("{},Company {c},company{c}.example\n", 100_000 + c));
    }
    let mut contacts = String::from(
        "Record ID,First Name,Last Name,Email,Lifecycle Stage,Associated Company IDs\n",
    );
    for p in 0..10_000 {
        contacts.push_str(&format!(
            "{},Person,Number {p},p{p}@company{}.example,lead,{}\n",
            200_000 + p,
            p % 1000,
            100_000 + p % 1000
        ));
    }
    let mut deals = String::from(
        "Record ID,Deal Name,Deal Stage,Amount,Associated Company IDs,Associated Contact IDs\n",
    );
    for d in 0..1000 {
        deals.push_str(&format!(
            "{},Deal {d},qualifiedtobuy,{},{},{}\n",
            300_000 + d,
            1000 + d,
            100_000 + d,
            200_000 + d
        ));
    }
    let mut notes = String::from("Record ID,Activity date,Note body,Associated Contact IDs\n");
    for n in 0..10_000 {
        notes.push_str(&format!(
            "{},2026-11-{:02},\"Note {n}\nsecond line\",{}\n",
            400_000 + n,
            1 + n % 24,
            200_000 + n
        ));
    }
    let src = export(&[
        ("big/companies.csv", &companies),
        ("big/contacts.csv", &contacts),
        ("big/deals.csv", &deals),
        ("big/notes.csv", &notes),
    ]);
    let text = ws.kith(&["import", &path(&src, "big")]).ok().to_string();
    assert!(
        text.contains("contacts: 10000 created, 0 updated, 0 unchanged\n"),
        "{text}"
    );
    assert!(
        text.contains("companies: 1000 created, 0 updated, 0 unchanged\n"),
        "{text}"
    );
    assert!(
        text.contains("deals: 1000 created, 0 updated, 0 unchanged\n"),
        "{text}"
    );
    assert!(
        text.contains("activities: 10000 entries logged, 0 open tasks added, 0 already there\n"),
        "{text}"
    );
    let p = ws.read("contacts/person-number-9999.md");
    assert!(p.contains("company: company-999\nlifecycle: lead\n"), "{p}");
    assert!(
        p.contains("- 2026-11-16 note: Note 9999\n  second line\n"),
        "{p}"
    );
    let d = ws.read("deals/deal-999.md");
    assert!(
        d.contains("company: company-999\ncontacts: [person-number-999]\n"),
        "{d}"
    );
    commit(&ws);
    let again = ws.kith(&["import", &path(&src, "big")]).ok().to_string();
    assert!(
        again.contains("contacts: 0 created, 0 updated, 10000 unchanged\n"),
        "{again}"
    );
    ws.assert_untouched();
}

#[test]
fn a_single_deals_export_is_a_migration_and_a_contacts_export_stays_an_import() {
    let ws = Ws::example();
    let src = export(&[("deals.csv", HS_DEALS), ("contacts.csv", HS_CONTACTS)]);
    let text = ws
        .kith(&["import", &path(&src, "deals.csv")])
        .ok()
        .to_string();
    assert!(
        text.contains("deals.csv: HubSpot deals, 2 rows\n"),
        "{text}"
    );
    assert!(text.contains("deals: 2 created"), "{text}");
    assert!(
        text.contains(
            "the company of deal Northwind rollout is company 101, which is not in the export"
        ),
        "{text}"
    );
    let people = ws
        .kith(&["import", &path(&src, "contacts.csv")])
        .ok()
        .to_string();
    assert!(
        people.contains("3 created, 0 updated, 0 unchanged, 0 invalid"),
        "{people}"
    );
}
