//! `kith import`: exports of HubSpot, Salesforce, Google Contacts and Apple Contacts read into
//! records; matching by e-mail, update-only-empty and --overwrite, idempotent re-imports,
//! dry runs, invalid rows that block everything, likely duplicates, and hostile files.

use crate::harness::*;

fn fixture(name: &str) -> String {
    repo_path("tests/fixtures/import")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// A new workspace (kith init) committed to git, with no records.
fn empty_ws() -> Ws {
    let ws = Ws::empty();
    kith_in(ws.path(), &["init", ".", "--timezone", "Europe/London"]).ok();
    git(ws.path(), &["add", "-A"]);
    git(ws.path(), &["commit", "-q", "-m", "init"]);
    ws
}

#[test]
fn hubspot_contacts_become_people_and_companies() {
    let ws = Ws::example();
    let out = ws.kith(&["import", &fixture("hubspot-contacts.csv")]);
    assert!(
        out.ok()
            .contains("3 created, 1 updated, 0 unchanged, 0 invalid; 4 companies created"),
        "{}",
        out.stdout
    );
    assert_eq!(
        ws.read("contacts/ada-lovelace.md"),
        "---
name: Ada Lovelace
email: ada@analytical.example
phone: \"+44 20 7946 0000\"
phones: [\"+44 7700 900123\"]
company: analytical-engines
title: Head of Engineering
lifecycle: mql
lead_status: working
source: organic-search
owner: sam
country: GB
record_id: 1001
city: London
marketing_contact_status: Marketing contact
created: 2026-09-14
---
## Activity
- 2026-11-25 import: imported from hubspot-contacts.csv
"
    );
    // The owner given by e-mail address is the teammate; `Referrals` is kith's `referral`.
    let grace = ws.read("contacts/grace-hopper.md");
    assert!(grace.contains("company: cobol-systems-inc\n"), "{grace}");
    assert!(
        grace.contains("lifecycle: sql\nlead_status: working\nsource: referral\nowner: priya\n"),
        "{grace}"
    );
    assert_eq!(
        ws.read("companies/analytical-engines.md"),
        "---\nname: Analytical Engines\ndomain: analytical.example\ncreated: 2026-11-25\n---\n"
    );
    // Élodie is known by her address (once `+hubspot` is dropped): only empty fields are
    // filled; her stage stays `sql` although HubSpot says Customer.
    let elodie = ws.read("contacts/elodie-garnier.md");
    assert!(elodie.contains("lifecycle: sql\n"));
    assert!(elodie.contains("company: paylune\n"));
    assert!(elodie.ends_with(
        "- 2026-11-25 import: updated from hubspot-contacts.csv: company, record_id, city\n"
    ));
    ws.kith(&["check"]).ok();
}

#[test]
fn salesforce_leads_map_status_and_source() {
    let ws = empty_ws();
    ws.kith(&["import", &fixture("salesforce-leads.csv")]).ok();
    let margaret = ws.read("contacts/margaret-hamilton.md");
    for line in [
        "company: apollo-guidance\n",
        "lifecycle: lead\nlead_status: new\nsource: event\n",
        "country: US\n",
        "zip_postal_code: \"02139\"\n",
    ] {
        assert!(margaret.contains(line), "{line} in {margaret}");
    }
    assert!(margaret.contains("Met at the booth; wants a demo of the\nreconciliation workflow.\n"));
    assert!(
        ws.read("contacts/alan-turing.md")
            .contains("lead_status: working\nsource: referral\n")
    );
    let katherine = ws.read("contacts/katherine-johnson.md");
    assert!(katherine.contains("lead_status: unqualified\n"));
    assert!(katherine.contains("do_not_contact: true\n"));
    // The website is the company's domain.
    assert!(
        ws.read("companies/bletchley-analytics.md")
            .contains("domain: bletchley.example\n")
    );
}

#[test]
fn google_and_apple_contacts() {
    let ws = empty_ws();
    ws.kith(&["import", &fixture("google-contacts.csv")]).ok();
    let hedy = ws.read("contacts/hedy-lamarr.md");
    for line in [
        "email: hedy@hopping.example\nemails: [hedy.lamarr@gmail.com]\n",
        "phone: \"+43 664 1234567\"\nphones: [\"+43 1 234 5678\"]\n",
        "tags: [Inventors]\n",
        "country: AT\n",
    ] {
        assert!(hedy.contains(line), "{line} in {hedy}");
    }
    assert!(!hedy.contains("label"), "{hedy}");
    // The vCard of the same person adds her note; the rest is known.
    let out = ws.kith(&["import", &fixture("google-contacts.vcf")]);
    assert!(
        out.ok().contains("1 created, 1 updated, 0 unchanged"),
        "{}",
        out.stdout
    );
    let tesla = ws.read("contacts/nikola-tesla.md");
    assert!(tesla.contains("company: wardenclyffe-power\n"), "{tesla}");
    ws.kith(&["import", &fixture("apple-contacts.vcf")]).ok();
    let sofia = ws.read("contacts/sofia-kovalevskaya.md");
    for line in [
        "email: sofia@stockholm-math.example\n",
        "title: Professor of Mathematics and Head of the Department of Analysis at the University\n",
        "tags: [Academia, Pilot]\n",
        "country: SE\n",
        "Working on the rotation of a rigid body; wants a pilot.\nCall before 10:00.\n",
    ] {
        assert!(sofia.contains(line), "{line} in {sofia}");
    }
    // Quoted-printable with a soft line break, no e-mail address.
    assert!(
        ws.read("contacts/jurgen-muller.md")
            .starts_with("---\nname: Jürgen Müller\nphone: \"+49 30 1234567\"\n")
    );
    ws.kith(&["check"]).ok();
}

#[test]
fn reimporting_changes_nothing() {
    let ws = empty_ws();
    for f in [
        "hubspot-contacts.csv",
        "google-contacts.vcf",
        "apple-contacts.vcf",
    ] {
        ws.kith(&["import", &fixture(f)]).ok();
    }
    git(ws.path(), &["add", "-A"]);
    git(ws.path(), &["commit", "-q", "-m", "imported"]);
    for f in [
        "hubspot-contacts.csv",
        "google-contacts.vcf",
        "apple-contacts.vcf",
    ] {
        let out = ws.kith(&["import", &fixture(f)]);
        assert!(out.ok().contains(" 0 created, 0 updated"), "{}", out.stdout);
    }
    ws.assert_untouched();
}

#[test]
fn overwrite_replaces_what_differs() {
    let ws = Ws::example();
    ws.write(
        "update.csv",
        "Email,Job Title,Phone\nelodie.garnier@paylune.example,CFO,+33 1 23 45 67 89\n",
    );
    ws.kith(&["import", "update.csv"]).ok();
    let elodie = ws.read("contacts/elodie-garnier.md");
    assert!(elodie.contains("title: Head of Finance Operations\n"));
    assert!(elodie.contains("phone: \"+33 1 23 45 67 89\"\n"));
    assert!(elodie.ends_with("- 2026-11-25 import: updated from update.csv: phone\n"));
    ws.kith(&["import", "update.csv", "--overwrite"]).ok();
    let elodie = ws.read("contacts/elodie-garnier.md");
    assert!(elodie.contains("title: CFO\n"));
    assert!(elodie.ends_with("- 2026-11-25 import: updated from update.csv: title\n"));
}

#[test]
fn dry_run_writes_nothing() {
    let ws = Ws::example();
    let out = ws.kith(&["import", &fixture("hubspot-contacts.csv"), "--dry-run"]);
    assert!(out.ok().contains("3 created, 1 updated"));
    assert!(out.stdout.ends_with("dry run: nothing was written\n"));
    ws.assert_untouched();
}

#[test]
fn invalid_rows_block_everything_unless_skipped() {
    let ws = Ws::example();
    let err = ws
        .kith(&["import", &fixture("invalid-rows.csv")])
        .fails(1)
        .to_string();
    assert!(err.contains("2 of 4 rows of"), "{err}");
    assert!(err.contains("  line 3: no name and no e-mail address\n  line 4: `email` is not a valid e-mail address: `bob@`\n"), "{err}");
    assert!(err.contains("help: correct them, or pass --skip-invalid to import the other 2"));
    ws.assert_untouched();
    let out = ws.kith(&[
        "import",
        &fixture("invalid-rows.csv"),
        "--skip-invalid",
        "--format",
        "json",
    ]);
    out.ok();
    let json = out.json();
    assert_eq!(json["created"], 2);
    assert_eq!(json["invalid"], 2);
    assert_eq!(json["rows"][2]["line"], 4);
    assert_eq!(json["rows"][2]["action"], "invalid");
    assert!(ws.file("contacts/grace-hopper.md").exists());
}

#[test]
fn likely_duplicates_are_imported_and_listed() {
    let ws = Ws::example();
    // Same number as Gareth Llewellyn, another address: a new person, listed.
    ws.write(
        "dups.csv",
        "Name,Email,Phone\nGareth Llewellyn,g.llewellyn@elsewhere.example,0113 496 0577\n",
    );
    let out = ws.kith(&["import", "dups.csv"]);
    assert!(out.ok().contains("1 created"), "{}", out.stdout);
    assert!(
        out.stdout.contains("likely duplicates (`kith merge KEEP DROP` merges a pair):\n  contacts/gareth-llewellyn-2.md and contacts/gareth-llewellyn.md"),
        "{}",
        out.stdout
    );
}

#[test]
fn hostile_files_get_clear_messages() {
    let ws = Ws::example();
    let err = ws
        .kith(&["import", &fixture("ragged.csv")])
        .fails(1)
        .to_string();
    assert!(
        err.contains("line 3: row has 2 fields, the header has 3"),
        "{err}"
    );
    assert!(
        err.contains("line 4: row has 4 fields, the header has 3"),
        "{err}"
    );
    let err = ws
        .kith(&["import", &fixture("empty.csv")])
        .fails(1)
        .to_string();
    assert!(err.contains("the file is empty"), "{err}");
    let err = ws
        .kith(&["import", &fixture("broken.vcf")])
        .fails(1)
        .to_string();
    assert!(
        err.contains("the vCard that begins on line 10 has no END:VCARD"),
        "{err}"
    );
    ws.assert_untouched();

    // A byte-order mark is dropped silently; semicolons are detected.
    let out = ws.kith(&["import", &fixture("bom.csv"), "--dry-run"]);
    assert!(out.ok().contains("1 created"));
    assert_eq!(out.stderr, "");
    ws.kith(&["import", &fixture("semicolons.csv")]).ok();
    let jurgen = ws.read("contacts/jurgen-muller.md");
    assert!(
        jurgen.contains("email: juergen@mueller.example\ncompany: muller-gmbh\n"),
        "{jurgen}"
    );
    assert!(jurgen.contains("country: DE\n"), "{jurgen}");

    // Windows-1252 is read as such, with a warning.
    let out = ws.kith(&["import", &fixture("latin1.csv")]);
    out.ok();
    assert!(
        out.stderr
            .contains("is not UTF-8 (line 2 has byte 0xEB); read it as Windows-1252"),
        "{}",
        out.stderr
    );
    assert!(
        ws.read("contacts/zoe-muller.md")
            .starts_with("---\nname: Zoë Müller\n")
    );
    assert!(
        ws.read("companies/cafe-eururo.md")
            .starts_with("---\nname: Café €uro\n")
    );

    // A runaway field is an invalid row.
    let huge = format!(
        "Name,Email,Notes\nAda,ada@x.example,\"{}\"\n",
        "x".repeat(100_000)
    );
    ws.write("huge.csv", &huge);
    let err = ws.kith(&["import", "huge.csv"]).fails(1).to_string();
    assert!(
        err.contains("line 2: `notes` is 100000 bytes long; kith takes at most 65536 in a field"),
        "{err}"
    );
}

#[test]
fn map_names_columns_kith_does_not_know() {
    let ws = empty_ws();
    ws.write(
        "crm.csv",
        "Kontakt,Mail,Sitzplätze,Intern\nAda Lovelace,ada@x.example,40,ignore me\n",
    );
    ws.kith(&[
        "import",
        "crm.csv",
        "--map",
        "Kontakt=name,Mail=email,Sitzplätze=seats,Intern=-",
    ])
    .ok();
    let ada = ws.read("contacts/ada-lovelace.md");
    assert!(
        ada.starts_with(
            "---\nname: Ada Lovelace\nemail: ada@x.example\nsource: import\nseats: 40\n"
        ),
        "{ada}"
    );
    assert!(!ada.contains("ignore"));
    let err = ws
        .kith(&["import", "crm.csv", "--map", "Nope=email"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("--map names a column `Nope` that the file does not have"),
        "{err}"
    );
}
