//! `kith import` of companies and deals: the kind decided from the headers (or `--kind`),
//! HubSpot's and Salesforce's columns and stages, kith's own exports read back without a new
//! contact, refused files and rows; values written as `kith check` accepts them (countries,
//! `source`), and vCard names with particles.

use crate::harness::*;

/// A new workspace (kith init) committed to git, with no records.
fn empty_ws() -> Ws {
    let ws = Ws::empty();
    kith_in(ws.path(), &["init", ".", "--timezone", "Europe/London"]).ok();
    git(ws.path(), &["add", "-A"]);
    git(ws.path(), &["commit", "-q", "-m", "init"]);
    ws
}

fn count(ws: &Ws, dir: &str) -> usize {
    std::fs::read_dir(ws.file(dir)).map_or(0, |d| {
        d.filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "md"))
        })
        .count()
    })
}

/// Commits everything, so that `assert_untouched` sees the next change.
fn commit(ws: &Ws) {
    git(ws.path(), &["add", "-A"]);
    git(ws.path(), &["commit", "-q", "-m", "step"]);
}

/// A companies list as HubSpot's list view exports it without the `Record ID` column (with
/// it, the file is a HubSpot export, which `kith import` migrates: tests/cli/vendor.rs).
const HUBSPOT_COMPANIES: &str = "Company name,Company Domain Name,Industry,Number of Employees,Annual Revenue,City,Country/Region,Company owner\n\
Alpenrose Finanz AG,www.alpenrose.example,finance,260,,Vienna,Austria,Sam Okafor\n\
Okonkwo Foods,okonkwo.example,Food & Beverage,\"1,200\",5000000,Lagos,nigeria,Sam Okafor\n\
Calder Mutual,,,800,,Edinburgh,UK,mei\n";

#[test]
fn hubspot_companies_are_companies_never_people() {
    let ws = Ws::example();
    ws.write("hubspot-companies.csv", HUBSPOT_COMPANIES);
    commit(&ws);
    let contacts = count(&ws, "contacts");
    let run = ws.kith(&["import", "hubspot-companies.csv", "--dry-run"]);
    assert!(
        run.ok()
            .contains("hubspot-companies.csv: 1 created, 2 updated, 0 unchanged, 0 invalid\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("Importing companies (the file has `Company name` and `Company Domain Name`, no person name or e-mail); say --kind to choose.\n"),
        "{}",
        run.stderr
    );
    ws.assert_untouched();
    // With HubSpot's `Record ID`, the same companies are a HubSpot export: migrated, still
    // companies, never people; `--kind companies` reads it as a plain companies file.
    let with_ids = HUBSPOT_COMPANIES
        .lines()
        .enumerate()
        .map(|(i, l)| match i {
            0 => format!("Record ID,{l}\n"),
            _ => format!("{},{l}\n", 100 + i),
        })
        .collect::<String>();
    ws.write("hubspot-export.csv", &with_ids);
    commit(&ws);
    let run = ws.kith(&["import", "hubspot-export.csv", "--dry-run"]);
    let out = run.ok();
    assert!(
        out.contains("hubspot-export.csv: HubSpot companies, 3 rows\n")
            && out.contains("companies: 1 created, 2 updated, 0 unchanged\n")
            && out.contains("contacts: 0 created, 0 updated, 0 unchanged\n"),
        "{out}"
    );
    let run = ws.kith(&[
        "import",
        "hubspot-export.csv",
        "--kind",
        "companies",
        "--dry-run",
    ]);
    assert!(
        run.ok()
            .contains("hubspot-export.csv: 1 created, 2 updated, 0 unchanged, 0 invalid\n"),
        "{}",
        run.stdout
    );
    ws.assert_untouched();
    ws.kith(&["import", "hubspot-companies.csv"]).ok();
    assert_eq!(count(&ws, "contacts"), contacts, "no person was created");
    let okonkwo = ws.read("companies/okonkwo-foods.md");
    assert!(
        okonkwo.starts_with("---\nname: Okonkwo Foods\ndomain: okonkwo.example\nindustry: Food & Beverage\nsize: 1200\ncountry: NG\nowner: sam\n"),
        "{okonkwo}"
    );
    assert!(okonkwo.contains("annual_revenue: 5000000\n"), "{okonkwo}");
    assert!(okonkwo.contains("city: Lagos\n"), "{okonkwo}");
    // Found by domain and by name: only what they lacked is added.
    let alpenrose = ws.read("companies/alpenrose-finanz.md");
    assert!(
        alpenrose.starts_with("---\nname: Alpenrose Finanz\n"),
        "{alpenrose}"
    );
    assert!(alpenrose.contains("city: Vienna\n"), "{alpenrose}");
    assert!(alpenrose.contains("import: updated from hubspot-companies.csv: city\n"));
    let calder = ws.read("companies/calder-mutual.md");
    assert!(calder.contains("country: GB\n") && calder.contains("city: Edinburgh\n"));
    let check = ws.kith(&["check"]);
    check.ok();
    assert!(
        check.stderr.contains("0 errors, 0 warnings"),
        "{}",
        check.stderr
    );
    commit(&ws);
    let again = ws.kith(&["import", "hubspot-companies.csv"]);
    assert!(
        again
            .ok()
            .contains(": 0 created, 0 updated, 3 unchanged, 0 invalid\n")
    );
    ws.assert_untouched();
}

#[test]
fn salesforce_opportunities_with_stages_to_map() {
    let ws = Ws::example();
    ws.write(
        "opportunities.csv",
        "Opportunity Name,Account Name,Amount,Stage,Close Date,Opportunity Owner,Probability (%)\n\
         Reporting expansion,Alpenrose Finanz,\"€85,000\",Negotiation/Review,2027-01-15,Priya Raman,90\n\
         Harbour pilot,New Harbour Ltd,12000,Prospecting,2027-02-01,jonas,20\n\
         Mystery deal,Calder Mutual,5000,Discovery,2027-03-01,sam,10\n",
    );
    commit(&ws);
    let contacts = count(&ws, "contacts");
    let err = ws
        .kith(&["import", "opportunities.csv"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("line 4: unknown deal stage `Discovery` (the stages of `default` are appointment-scheduled, qualified-to-buy"),
        "{err}"
    );
    assert!(
        err.contains("map it with --map \"Discovery=STAGE\""),
        "{err}"
    );
    ws.assert_untouched();
    let run = ws.kith(&[
        "import",
        "opportunities.csv",
        "--map",
        "Discovery=qualified-to-buy",
    ]);
    assert!(
        run.ok().contains(
            "opportunities.csv: 3 created, 0 updated, 0 unchanged, 0 invalid; 1 company created\n"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains(
        "Importing deals (the file has `Opportunity Name` and `Amount`); say --kind to choose."
    ));
    assert_eq!(count(&ws, "contacts"), contacts, "no person was created");
    let deal = ws.read("deals/reporting-expansion.md");
    assert!(
        deal.starts_with("---\nname: Reporting expansion\nstage: contract-sent\namount: 85000\ncurrency: EUR\nclose_date: 2027-01-15\ncompany: alpenrose-finanz\nowner: priya\n"),
        "{deal}"
    );
    assert!(deal.contains("probability: 90\n"), "{deal}");
    let pilot = ws.read("deals/harbour-pilot.md");
    assert!(
        pilot.contains("stage: appointment-scheduled\n")
            && pilot.contains("company: new-harbour-ltd\n")
    );
    assert!(
        ws.read("companies/new-harbour-ltd.md")
            .starts_with("---\nname: New Harbour Ltd\n")
    );
    assert!(
        ws.read("deals/mystery-deal.md")
            .contains("stage: qualified-to-buy\n")
    );
    commit(&ws);
    let again = ws.kith(&[
        "import",
        "opportunities.csv",
        "--map",
        "Discovery=qualified-to-buy",
    ]);
    assert!(
        again
            .ok()
            .contains(": 0 created, 0 updated, 3 unchanged, 0 invalid\n")
    );
    ws.assert_untouched();
}

#[test]
fn hubspot_deals_link_company_and_contacts() {
    let ws = Ws::example();
    ws.write(
        "deals.csv",
        "Deal Name,Deal Stage,Amount,Close Date,Pipeline,Deal owner,Associated Company,Associated Contacts\n\
         Alpenrose Finanz reporting hub,Closed Won,64000,2026-12-04,Sales Pipeline,Sam Okafor,Alpenrose Finanz,k.gruber@alpenrose.example\n\
         Alpenrose training,appointmentscheduled,9000,3/5/2027,Sales Pipeline,sam,Alpenrose Finanz,Katharina Gruber; Nobody Known\n",
    );
    commit(&ws);
    let run = ws.kith(&["import", "deals.csv", "--dry-run"]);
    let out = run.ok();
    assert!(
        out.contains("deals.csv: 1 created, 0 updated, 1 unchanged, 0 invalid\n"),
        "{out}"
    );
    assert!(out.contains("1 row with warnings:\n"), "{out}");
    assert!(
        out.contains(
            "  line 3: `close_date` must be a date written YYYY-MM-DD, not `3/5/2027`; left out\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("  line 3: contact `Nobody Known` is no person of the workspace"),
        "{out}"
    );
    let json = ws
        .kith(&["import", "deals.csv", "--dry-run", "--format", "json"])
        .json();
    assert_eq!(json["kind"], "deal");
    assert_eq!(json["warnings"], 1);
    assert_eq!(
        json["rows"][0]["path"],
        "deals/alpenrose-finanz-reporting-hub.md"
    );
    assert_eq!(json["rows"][0]["action"], "unchanged");
    assert_eq!(json["rows"][1]["warnings"].as_array().unwrap().len(), 2);
    ws.assert_untouched();
    ws.kith(&["import", "deals.csv"]).ok();
    let training = ws.read("deals/alpenrose-training.md");
    assert!(
        training.starts_with("---\nname: Alpenrose training\nstage: appointment-scheduled\namount: 9000\ncurrency: EUR\ncompany: alpenrose-finanz\ncontacts: [katharina-gruber]\nowner: sam\n"),
        "{training}"
    );
}

/// Export then import: every company and deal is found again, nothing changes, no contact is
/// made; into an empty workspace, the same companies and deals.
#[test]
fn exported_companies_and_deals_read_back_without_contacts() {
    let ws = Ws::example();
    ws.kith(&[
        "export",
        "--kind",
        "companies",
        "--format",
        "csv",
        "-o",
        "companies.csv",
    ])
    .ok();
    ws.kith(&[
        "export",
        "--kind",
        "deals",
        "--format",
        "csv",
        "-o",
        "deals.csv",
    ])
    .ok();
    commit(&ws);
    let companies = ws.file("companies.csv").to_string_lossy().into_owned();
    let deals = ws.file("deals.csv").to_string_lossy().into_owned();
    for (file, n) in [(&companies, 18), (&deals, 14)] {
        let out = ws.kith(&["import", file]);
        assert!(
            out.ok().contains(&format!(
                ": 0 created, 0 updated, {n} unchanged, 0 invalid\n"
            )),
            "{}",
            out.stdout
        );
    }
    ws.assert_untouched();
    let fresh = empty_ws();
    fresh.kith(&["import", &companies]).ok();
    let out = fresh.kith(&["import", &deals]);
    assert!(
        out.ok()
            .contains(": 14 created, 0 updated, 0 unchanged, 0 invalid\n"),
        "{}",
        out.stdout
    );
    assert_eq!(count(&fresh, "contacts"), 0);
    assert_eq!(count(&fresh, "companies"), 18);
    let deal = fresh.read("deals/alpenrose-finanz-reporting-hub.md");
    assert!(deal.contains("company: alpenrose-finanz\n"), "{deal}");
    assert_eq!(
        fresh
            .read("companies/calder-mutual.md")
            .lines()
            .take(8)
            .collect::<Vec<_>>(),
        ws.read("companies/calder-mutual.md")
            .lines()
            .take(8)
            .collect::<Vec<_>>()
    );
}

#[test]
fn files_and_rows_that_do_not_fit_are_refused() {
    let ws = Ws::example();
    ws.write("odd.csv", "Foo,Bar\nAcme,2\n");
    ws.write(
        "companies.csv",
        "Company name,Domain\nAcme,acme.example\n,nameless.example\n",
    );
    commit(&ws);
    let err = ws.kith(&["import", "odd.csv"]).fails(1).to_string();
    assert!(
        err.contains(
            "cannot tell what the file holds: its columns are `Foo`, `Bar`, and none names a person"
        ),
        "{err}"
    );
    assert!(
        err.contains("help: say which with --kind people, --kind companies or --kind deals"),
        "{err}"
    );
    let err = ws.kith(&["import", "companies.csv"]).fails(1).to_string();
    assert!(err.contains("line 3: no company name"), "{err}");
    ws.write(
        "people.vcf",
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ada\r\nEND:VCARD\r\n",
    );
    commit(&ws);
    let err = ws
        .kith(&["import", "people.vcf", "--kind", "companies"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("a vCard file holds people, not companies"),
        "{err}"
    );
    ws.assert_untouched();
    // --kind decides instead of the headers.
    ws.kith(&[
        "import",
        "odd.csv",
        "--kind",
        "companies",
        "--map",
        "Foo=name",
    ])
    .ok();
    let acme = ws.read("companies/acme.md");
    assert!(acme.starts_with("---\nname: Acme\nbar: 2\n"), "{acme}");
}

#[test]
fn countries_are_codes_and_check_agrees() {
    let ws = empty_ws();
    ws.write(
        "people.csv",
        "Name,Email,Country\nAda,ada@x.example,nigeria\nBen,ben@x.example,Deutschland\nCy,cy@x.example,U.S.A.\nDi,di@x.example,España\nEd,ed@x.example,UK\nFy,fy@x.example,Atlantis\n",
    );
    let run = ws.kith(&["import", "people.csv"]);
    let out = run.ok();
    assert!(
        out.contains("6 created, 0 updated, 0 unchanged, 0 invalid\n"),
        "{out}"
    );
    assert!(out.contains("1 row with warnings:\n  line 7: contacts/fy.md: `country` should be a two-letter country code, not `ATLANTIS` (kith check would say so)\n"), "{out}");
    for (id, code) in [
        ("ada", "NG"),
        ("ben", "DE"),
        ("cy", "US"),
        ("di", "ES"),
        ("ed", "GB"),
    ] {
        let text = ws.read(&format!("contacts/{id}.md"));
        assert!(text.contains(&format!("country: {code}\n")), "{text}");
    }
    let check = ws.kith(&["check"]);
    assert!(
        check.stderr.contains("0 errors, 1 warning"),
        "{}",
        check.stderr
    );
    ws.kith(&["set", "ada", "country=Germany"]).ok();
    assert!(ws.read("contacts/ada.md").contains("country: DE\n"));
}

#[test]
fn a_real_source_replaces_import() {
    let ws = empty_ws();
    ws.write("first.csv", "Name,Email\nAda Lovelace,ada@x.example\n");
    ws.write(
        "second.csv",
        "Name,Email,Lead Source\nAda Lovelace,ada@x.example,Partner Referral\n",
    );
    ws.kith(&["import", "first.csv"]).ok();
    assert!(
        ws.read("contacts/ada-lovelace.md")
            .contains("source: import\n")
    );
    let out = ws.kith(&["import", "second.csv"]);
    assert!(
        out.ok().contains("0 created, 1 updated, 0 unchanged"),
        "{}",
        out.stdout
    );
    let ada = ws.read("contacts/ada-lovelace.md");
    assert!(ada.contains("source: partner\n"), "{ada}");
    assert!(ada.contains("updated from second.csv: source\n"), "{ada}");
    let again = ws.kith(&["import", "first.csv"]);
    assert!(again.ok().contains("0 updated, 1 unchanged"));
}

#[test]
fn vcard_family_names_keep_their_particles() {
    let ws = empty_ws();
    ws.write(
        "cards.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Graaf;Pieter;;;\r\nFN:Pieter de Graaf\r\nEMAIL:pieter@x.example\r\nEND:VCARD\r\n\
         BEGIN:VCARD\r\nVERSION:4.0\r\nN:van der Berg;Anna;;;\r\nEMAIL:anna@x.example\r\nEND:VCARD\r\n\
         BEGIN:VCARD\r\nVERSION:4.0\r\nN:von Neumann;John;;;\r\nEMAIL:john@x.example\r\nEND:VCARD\r\n",
    );
    ws.kith(&["import", "cards.vcf"]).ok();
    assert!(
        ws.read("contacts/pieter-de-graaf.md")
            .starts_with("---\nname: Pieter de Graaf\n")
    );
    assert!(
        ws.read("contacts/anna-van-der-berg.md")
            .starts_with("---\nname: Anna van der Berg\n")
    );
    assert!(
        ws.read("contacts/john-von-neumann.md")
            .starts_with("---\nname: John von Neumann\n")
    );
    let vcf = ws.kith(&["export", "--format", "vcf"]).ok().to_string();
    for n in [
        "N:de Graaf;Pieter;;;",
        "N:van der Berg;Anna;;;",
        "N:von Neumann;John;;;",
    ] {
        assert!(vcf.contains(&format!("{n}\r\n")), "{vcf}");
    }
    // The export read back into a new workspace gives the same export.
    let other = empty_ws();
    other.write("people.vcf", &vcf);
    other.kith(&["import", "people.vcf"]).ok();
    assert_eq!(other.kith(&["export", "--format", "vcf"]).ok(), vcf);
}

#[test]
fn kind_activities_reads_kiths_activities_file_and_refuses_others() {
    let ws = Ws::example();
    let scratch = Ws::empty();
    let out = format!("{}/out/", scratch.path().display());
    ws.kith(&["export", "--kind", "all", "--format", "csv", "-o", &out])
        .ok();
    // Kith's own activities file: everything is there already.
    let run = ws.kith(&[
        "import",
        &format!("{out}activities.csv"),
        "--kind",
        "activities",
    ]);
    assert!(
        run.ok().contains(": 0 created, 0 updated, "),
        "{}",
        run.stdout
    );
    ws.assert_untouched();
    // A people file is not activities: refused, with what kith reads.
    let run = ws.kith(&[
        "import",
        &format!("{out}people.csv"),
        "--kind",
        "activities",
    ]);
    let err = run.fails(1);
    assert!(
        err.contains("people.csv is not a file of activities kith can read")
            && err.contains("help: kith reads activities from its own activities.csv"),
        "{err}"
    );
    ws.assert_untouched();
}
