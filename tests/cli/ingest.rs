//! `kith ingest`: mail written by Python's `mailbox` and `email` modules (a Thunderbird-style
//! mbox, a Gmail Takeout-style mbox, a Maildir, .eml files; multipart messages with
//! attachments, quoted-printable and base64 bodies in UTF-8, ISO-8859-1 and Shift-JIS) and
//! Google and Outlook calendars, logged on the example workspace's people: every matched
//! entry, the noise rules, idempotence, form leads, --create, --dry-run and bad input.
//! The fixtures are made by tests/fixtures/ingest/make.py.

use crate::harness::*;

fn fixture(name: &str) -> String {
    repo_path("tests/fixtures/ingest")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

const SAM: Author = Author {
    name: "Sam Okafor",
    email: "sam@brightwave.example",
};

const FORMS: &str = "
ingest:
  forms:
    - from: forms@formspree.example
      fields: {name: Name, email: Email, company: Company, message: Message}
";

/// The example workspace with `extra` added to its kith.yaml, committed.
fn example_with(extra: &str) -> Ws {
    let ws = Ws::example();
    let config = ws.read("kith.yaml");
    ws.write("kith.yaml", &format!("{config}{extra}"));
    git(ws.path(), &["commit", "-qam", "ingest settings"]);
    ws
}

/// The lines `git diff` adds to a file.
fn added(ws: &Ws, rel: &str) -> Vec<String> {
    let out = git(ws.path(), &["diff", "--no-color", "-U0", "--", rel]);
    out.lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .map(|l| l[1..].to_string())
        .collect()
}

#[test]
fn a_thunderbird_mbox_is_logged_on_each_person_it_involves() {
    let ws = Ws::example();
    let out = ws.kith(&["ingest", &fixture("thunderbird.mbox")]);
    assert_eq!(
        out.ok(),
        "11 messages read, 6 matched: 5 entries logged, 0 new contacts
skipped: 1 already logged, 1 auto-reply, 1 mailing list, 1 bounce, 1 internal only, 1 no known participant, 1 do not contact
"
    );
    // Received: `reply`, by the teammate it was sent to; the deal is Dana's one open deal; the
    // quoted-printable UTF-8 text is decoded and the quote and attachment left out.
    // Sent: `email` on every external recipient, To and Cc; the subject names the deal.
    // The hand-logged e-mail of 23 November (same day, same subject) is not doubled.
    assert_eq!(
        added(&ws, "contacts/dana-whitfield.md"),
        [
            "- 2026-11-20 14:05 reply @sam #kestrel-health-data-platform: Re: Order form — \"Legal signed the BAA this morning – the order form goes out “today”. Dana\" <order-1@kestrelhealth.example>",
            "- 2026-11-21 09:00 email @sam #kestrel-health-data-platform: Kestrel Health data platform: SCIM dates — \"Hi Marcus, From our side SCIM ships in January. Sam\" <scim-2@brightwave.example>",
        ]
    );
    assert_eq!(
        added(&ws, "contacts/marcus-oyelaran.md"),
        [
            "- 2026-11-21 09:00 email @sam #kestrel-health-data-platform: Kestrel Health data platform: SCIM dates — \"Hi Marcus, From our side SCIM ships in January. Sam\" <scim-2@brightwave.example>"
        ]
    );
    // ISO-8859-1 in base64, 09:12 +0100 is 08:12 in London.
    assert_eq!(
        added(&ws, "contacts/jurgen-brunner.md"),
        [
            "- 2026-11-16 08:12 reply @priya #brunner-feinmechanik-pilot: Pilot: Termin bestätigt — \"Grüße aus Biel! Der Termin am 3. Dezember passt.\" <biel-7@brunner-fm.example>"
        ]
    );
    // Shift-JIS in base64, 10:30 +0900 is 01:30 in London; the `From ` line a writer forgot
    // to quote stays in the body of its message instead of starting a new one.
    assert_eq!(
        added(&ws, "contacts/yuki-sato.md"),
        [
            "- 2026-11-24 01:30 reply @jonas: 資料について — \"資料をありがとうございました。来週お電話できますか。 From the desk of Yuki: thanks again.\" <sjis-1@gmail.example>"
        ]
    );
    // Noise and the do-not-contact person stay out; nothing else changed.
    let mut changed: Vec<String> = ws.status().lines().map(|l| l[3..].to_string()).collect();
    changed.sort();
    assert_eq!(
        changed,
        [
            "contacts/dana-whitfield.md",
            "contacts/jurgen-brunner.md",
            "contacts/marcus-oyelaran.md",
            "contacts/yuki-sato.md"
        ]
    );
    // The entries are valid activity: no new problem in `kith check`, and the report renders.
    ws.kith(&["check"]).ok();
    ws.kith(&["report", "--out", "site"]).ok();
    let dana = ws.kith(&["show", "dana-whitfield"]).ok().to_string();
    assert!(dana.contains("Re: Order form"), "{dana}");
}

#[test]
fn ingesting_again_or_an_overlapping_export_adds_nothing() {
    let ws = Ws::example();
    ws.kith(&["ingest", &fixture("thunderbird.mbox")]).ok();
    commit_all(ws.path(), SAM, NOW, "first ingest");
    // The Takeout shares Dana's reply with the Thunderbird mbox: only Ruben's message is new.
    let out = ws.kith(&[
        "ingest",
        &fixture("thunderbird.mbox"),
        &fixture("takeout.mbox"),
    ]);
    assert!(
        out.ok()
            .starts_with("13 messages read, 8 matched: 1 entry logged, 0 new contacts\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("7 already logged"), "{}", out.stdout);
    // Python's mailbox quoted the body's `From ` line (`>From `); it is unquoted again.
    assert_eq!(
        added(&ws, "contacts/ruben-van-dijk.md"),
        [
            "- 2026-11-24 07:45 reply @alex #van-dijk-logistics-route-insights: Route insights trial — \"From what we saw so far the trial works well. From the drivers too.\" <route-1@vandijklogistics.example>"
        ]
    );
    assert_eq!(ws.changes().len(), 1, "{:?}", ws.changes());
    commit_all(ws.path(), SAM, NOW, "second ingest");
    let out = ws.kith(&[
        "ingest",
        &fixture("takeout.mbox"),
        &fixture("thunderbird.mbox"),
    ]);
    assert!(out.ok().contains(": 0 entries logged"), "{}", out.stdout);
    ws.assert_untouched();
}

#[test]
fn a_maildir_and_google_and_outlook_calendars() {
    let ws = Ws::example();
    let out = ws.kith(&[
        "ingest",
        &fixture("maildir"),
        &fixture("google.ics"),
        &fixture("outlook.ics"),
    ]);
    assert_eq!(
        out.ok(),
        "2 messages and 4 events read, 4 matched: 4 entries logged, 0 new contacts
skipped: 1 cancelled, 1 not yet held
"
    );
    // cur/ and new/ both read; 17:20 +0100 is 16:20 in London.
    assert_eq!(
        added(&ws, "contacts/camille-roux.md"),
        [
            "- 2026-11-18 16:20 reply @alex: Analytics platform: next steps — \"Bonjour Alex, the board meets on the 2nd.\" <verdier-1@maisonverdier.example>",
            "- 2026-11-19 09:00 email @alex: Re: Analytics platform: next steps — \"Thanks Camille, I'll send the deck.\" <verdier-2@brightwave.example>",
        ]
    );
    // Google: UTC times, a folded attendee line, an escaped comma; Marcus declined, so he has
    // no entry; the cancelled and the future event are left out.
    assert_eq!(
        added(&ws, "contacts/dana-whitfield.md"),
        [
            "- 2026-11-19 15:00 meeting @sam #kestrel-health-data-platform: Security review wrap-up, Kestrel (with Sam Okafor, Dana Whitfield) <7kukuqrfedlm2f9t0vn6i1b0lc@google.com>"
        ]
    );
    assert_eq!(
        added(&ws, "contacts/marcus-oyelaran.md"),
        Vec::<String>::new()
    );
    // Outlook: a Windows time zone name (14:00 in Berlin is 13:00 in London).
    assert_eq!(
        added(&ws, "contacts/jurgen-brunner.md"),
        [
            "- 2026-11-17 13:00 meeting @priya #brunner-feinmechanik-pilot: Pilot scope call (with Priya Raman, Jürgen Brunner) <040000008200E00074C5B7101A82E00800000000B0C2F3A1D0BCDB01000000000000000010000000>"
        ]
    );
    commit_all(ws.path(), SAM, NOW, "ingest");
    ws.kith(&[
        "ingest",
        &fixture("maildir"),
        &fixture("google.ics"),
        &fixture("outlook.ics"),
    ])
    .ok();
    ws.assert_untouched();
}

#[test]
fn create_makes_contacts_of_unknown_senders() {
    let ws = Ws::example();
    let out = ws.kith(&["ingest", "--create", &fixture("thunderbird.mbox")]);
    assert!(
        out.ok().starts_with(
            "contacts/nora-quist.md: created (new contact)\n11 messages read, 7 matched: 6 entries logged, 1 new contact\n"
        ),
        "{}",
        out.stdout
    );
    assert_eq!(
        ws.read("contacts/nora-quist.md"),
        "---
name: Nora Quist
email: nora.quist@prospect.example
source: email
created: 2026-11-25
---
## Activity
- 2026-11-23 11:15 reply: Pricing for 50 seats — \"Hello, we are 50 analysts and would like a quote. Nora\" <new-9@prospect.example>
"
    );
    // `ingest.create: true` does the same as --create; a second run creates nobody twice.
    commit_all(ws.path(), SAM, NOW, "ingest");
    let ws2 = example_with("\ningest:\n  create: true\n");
    ws2.kith(&["ingest", &fixture("thunderbird.mbox")]).ok();
    assert_eq!(
        ws2.read("contacts/nora-quist.md"),
        ws.read("contacts/nora-quist.md")
    );
    ws.kith(&["ingest", "--create", &fixture("thunderbird.mbox")])
        .ok();
    ws.assert_untouched();
}

#[test]
fn form_submissions_become_leads_with_their_message() {
    let ws = example_with(FORMS);
    let out = ws.kith(&[
        "ingest",
        &fixture("form-plain.eml"),
        &fixture("form-html.eml"),
        &fixture("form-duplicate.eml"),
    ]);
    let stdout = out.ok();
    assert!(
        stdout.starts_with(
            "companies/hafenblick-logistik.md: created (company of a website form lead)
contacts/lena-fischer.md: created (website form lead)
contacts/dana-whitfield-2.md: created (website form lead)
3 messages read, 3 matched: 3 entries logged, 2 new contacts
"
        ),
        "{stdout}"
    );
    // The existing duplicate check runs on each new person.
    assert!(
        stdout.contains("likely duplicates")
            && stdout.contains("contacts/dana-whitfield-2.md and contacts/dana-whitfield.md"),
        "{stdout}"
    );
    assert_eq!(
        ws.read("contacts/lena-fischer.md"),
        "---
name: Lena Fischer
email: lena.fischer@hafenblick.example
company: hafenblick-logistik
lifecycle: lead
lead_status: new
source: website-form
created: 2026-11-25
---
## Activity
- 2026-11-24 15:00 form: New submission from brightwave.example/contact <form-1@formspree.example>
  We would like a demo for our planning team.
  About 30 people.
"
    );
    assert_eq!(
        ws.read("companies/hafenblick-logistik.md"),
        "---\nname: Hafenblick Logistik\ncreated: 2026-11-25\n---\n"
    );
    // A submission from someone kith knows (an HTML-only message) is logged on them; a known
    // company is referred to, not created again.
    assert_eq!(
        added(&ws, "contacts/dana-whitfield.md"),
        [
            "- 2026-11-24 16:30 form: New submission from brightwave.example/contact <form-2@formspree.example>",
            "  Can we add the clinics in Ohio?",
        ]
    );
    assert!(
        ws.read("contacts/dana-whitfield-2.md")
            .contains("company: kestrel-health\n")
    );
    ws.kith(&["check"]).ok();
}

#[test]
fn dry_run_lists_every_entry_and_record_and_writes_nothing() {
    let ws = example_with(FORMS);
    let out = ws.kith(&[
        "--dry-run",
        "ingest",
        "--create",
        &fixture("thunderbird.mbox"),
        &fixture("form-plain.eml"),
    ]);
    let stdout = out.ok();
    for line in [
        "contacts/nora-quist.md: would create (new contact)\n",
        "companies/hafenblick-logistik.md: would create (company of a website form lead)\n",
        "contacts/lena-fischer.md: would create (website form lead)\n",
        "contacts/dana-whitfield.md: would log 2026-11-20 14:05 reply @sam #kestrel-health-data-platform: Re: Order form",
        "contacts/nora-quist.md: would log 2026-11-23 11:15 reply: Pricing for 50 seats",
        "contacts/lena-fischer.md: would log 2026-11-24 15:00 form: New submission",
        "12 messages read, 8 matched: 7 entries to log, 2 new contacts\n",
        "dry run: nothing was written\n",
    ] {
        assert!(stdout.contains(line), "{line}\nnot in:\n{stdout}");
    }
    assert_eq!(stdout.matches("would log").count(), 7, "{stdout}");
    ws.assert_untouched();
}

#[test]
fn do_not_contact_mail_is_logged_only_when_asked_and_bodies_only_when_asked() {
    let ws = example_with("\ningest:\n  dnc: log\n  bodies: true\n");
    ws.kith(&["ingest", &fixture("thunderbird.mbox")]).ok();
    assert_eq!(
        added(&ws, "contacts/anouk-de-vries.md"),
        [
            "- 2026-11-22 13:00 reply @sam: Question about invoices — \"Where do I find old invoices?\" <dnc-8@gmail.example>",
            "  Where do I find old invoices?",
        ]
    );
    let dana = added(&ws, "contacts/dana-whitfield.md").join("\n");
    assert!(dana.contains("\n  > Any news from legal?"), "{dana}");
    ws.kith(&["check"]).ok();
}

#[test]
fn bad_input_is_reported_per_message_and_the_rest_is_ingested() {
    let ws = Ws::example();
    let out = ws.kith(&[
        "ingest",
        &fixture("broken.mbox"),
        &fixture("garbage.ics"),
        &fixture("takeout.mbox"),
    ]);
    let stderr = out.fails(1);
    assert!(
        stderr.contains("broken.mbox:1 (message 1): it has no Date header")
            && stderr.contains("garbage.ics: it is not an iCalendar file kith can read (it stops making sense at line 2)")
            && stderr.contains("error: 2 messages or files could not be read (listed above); everything else was ingested")
            && stderr.contains("help: "),
        "{stderr}"
    );
    // Malformed MIME (a missing boundary, an unknown charset) and a file cut off mid-message
    // still give their entries; the next file is read as well.
    let ruben = added(&ws, "contacts/ruben-van-dijk.md").join("\n");
    assert!(
        ruben.contains("<cut-3@vandijklogistics.example>")
            && ruben.contains("<route-1@vandijklogistics.example>"),
        "{ruben}"
    );
    assert!(
        added(&ws, "contacts/marcus-oyelaran.md")
            .join("\n")
            .contains("<badmime-2@kestrelhealth.example>")
    );
}

#[test]
fn a_50_mb_attachment_is_one_message_among_others() {
    let ws = Ws::example();
    let mbox = ws.path().join("big.mbox");
    let script = r#"
import mailbox, sys
from email.message import EmailMessage
box = mailbox.mbox(sys.argv[1], create=True)
for i, size in enumerate([50 * 1024 * 1024, 10]):
    m = EmailMessage()
    m["From"] = "Dana Whitfield <dana.whitfield@kestrelhealth.example>"
    m["To"] = "sam@brightwave.example"
    m["Subject"] = "Signed copy %d" % i
    m["Date"] = "Tue, 24 Nov 2026 1%d:00:00 +0000" % i
    m["Message-ID"] = "<big-%d@kestrelhealth.example>" % i
    m.set_content("Signed copy attached.\n")
    m.add_attachment(b"\x00\xff" * (size // 2), maintype="application", subtype="pdf", filename="signed.pdf")
    mm = mailbox.mboxMessage(m)
    mm.set_from("MAILER-DAEMON Tue Nov 24 10:00:00 2026")
    box.add(mm)
box.flush()
"#;
    let made = std::process::Command::new("python3")
        .args(["-c", script, &mbox.to_string_lossy()])
        .status()
        .expect("python3 runs");
    assert!(made.success());
    let out = ws.kith(&["ingest", "big.mbox"]);
    assert!(
        out.ok()
            .starts_with("2 messages read, 2 matched: 2 entries logged"),
        "{}",
        out.stdout
    );
    let dana = added(&ws, "contacts/dana-whitfield.md");
    assert_eq!(dana.len(), 2, "{dana:?}");
    assert!(
        dana[0].contains("Signed copy 0 — \"Signed copy attached.\" <big-0@kestrelhealth.example>")
    );
}

#[test]
fn mistakes_in_the_command_or_settings_say_what_to_do() {
    let ws = Ws::example();
    let err = ws.kith(&["ingest", "no-such.mbox"]).fails(1).to_string();
    assert!(err.contains("cannot read no-such.mbox"), "{err}");
    ws.kith(&["ingest"]).fails(2);
    let ws = example_with("\ningest:\n  dnc: sometimes\n");
    let err = ws
        .kith(&["ingest", &fixture("takeout.mbox")])
        .fails(1)
        .to_string();
    assert!(
        err.contains("`ingest.dnc: sometimes` is not `skip` or `log`") && err.contains("help:"),
        "{err}"
    );
    ws.assert_untouched();
}
