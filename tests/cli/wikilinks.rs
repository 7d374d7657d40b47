//! Wiki links in records' text (`[[calder-mutual]]`, `[[calder-mutual|Calder]]`,
//! `[[companies/calder-mutual]]`): `kith check` says where one leads nowhere or could lead to
//! two records, and the report's record pages link them.

use crate::harness::*;
use crate::report::{page, sel};

const NADIA: &str = "contacts/nadia-haddad.md";

#[test]
fn check_finds_links_that_lead_nowhere_or_to_two_records() {
    let ws = Ws::example();
    let text = ws.read(NADIA).replace(
        "Recorded a customer video with Jonas",
        "Recorded a customer video with [[jonas-webber]] and `[[in-code]]`",
    );
    ws.write(NADIA, &text);
    // A company and a person with the same id: a bare link could be either.
    ws.write(
        "companies/nadia-haddad.md",
        "---\nname: Nadia Haddad Consulting\n---\n",
    );
    ws.write(
        "contacts/ada-example.md",
        "---\nname: Ada\n---\nIntroduced by [[nadia-haddad]]; see [[companies/nadia-haddad]].\n",
    );
    let out = ws.kith(&["check"]);
    let text = format!("{}{}", out.stdout, out.stderr);
    assert!(
        text.contains(
            "contacts/nadia-haddad.md:16:77: warning: the link [[jonas-webber]] leads nowhere: no record has the id `jonas-webber` [missing-reference]"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "contacts/ada-example.md:4:15: warning: the link [[nadia-haddad]] could be contacts/nadia-haddad.md or companies/nadia-haddad.md [ambiguous-link]"
        ),
        "{text}"
    );
    assert!(
        text.contains("help: name the folder: [[contacts/nadia-haddad]]"),
        "{text}"
    );
    assert!(!text.contains("in-code"), "{text}");
    assert!(text.contains("0 errors, 2 warnings"), "{text}");
}

#[test]
fn the_report_links_them_on_record_pages() {
    let ws = Ws::example();
    let text = ws.read(NADIA).replace(
        "Recorded a customer video with Jonas",
        "Recorded a customer video with Jonas for [[calder-mutual-renewal-2027|the renewal]] and [[nobody]]",
    );
    ws.write(NADIA, &text);
    ws.kith(&["report"]).ok();
    let doc = page(&ws.file("public/contacts/nadia-haddad.html"));
    let links: Vec<(String, String)> = doc
        .select(&sel("a"))
        .filter(|a| a.text().collect::<String>() == "the renewal")
        .map(|a| {
            (
                a.value().attr("href").unwrap_or_default().to_string(),
                a.text().collect(),
            )
        })
        .collect();
    assert_eq!(
        links,
        [(
            "../deals/calder-mutual-renewal-2027.html".to_string(),
            "the renewal".to_string()
        )]
    );
    let html = std::fs::read_to_string(ws.file("public/contacts/nadia-haddad.html")).unwrap();
    assert!(html.contains("and nobody"), "a link to nothing is its text");
    assert!(!html.contains("[[nobody]]"));
    // In the activity log too.
    let text = ws.read(NADIA).replace(
        "- 2026-11-16 visit: /docs/permissions",
        "- 2026-11-16 visit: /docs/permissions, for [[companies/calder-mutual|Calder]] <b>",
    );
    ws.write(NADIA, &text);
    ws.kith(&["report"]).ok();
    let html = std::fs::read_to_string(ws.file("public/contacts/nadia-haddad.html")).unwrap();
    assert!(
        html.contains("/docs/permissions, for <a href=\"../companies/calder-mutual.html\">Calder</a> &lt;b&gt;"),
        "{html}"
    );
}

#[test]
fn merging_a_record_repoints_links_in_the_style_they_are_written() {
    let ws = Ws::example();
    let text = ws
        .read(NADIA)
        .replace(
            "company: calder-mutual",
            "company: \"[[calder-mutual|Calder]]\"",
        )
        .replace(
            "Recorded a customer video with Jonas",
            "Recorded a customer video with Jonas for [[companies/calder-mutual]]",
        );
    ws.write(NADIA, &text);
    ws.write(
        "companies/calder-group.md",
        "---\nname: Calder Group\n---\n",
    );
    ws.kith(&["merge", "calder-group", "calder-mutual"]).ok();
    let after = ws.read(NADIA);
    // Only the ids changed: brackets, label, quotes and folder stay.
    assert_eq!(
        after,
        text.replace("[[calder-mutual|Calder]]", "[[calder-group|Calder]]")
            .replace("[[companies/calder-mutual]]", "[[companies/calder-group]]")
    );
    let deal = ws.read("deals/calder-mutual-renewal-2027.md");
    assert!(deal.contains("\ncompany: calder-group\n"), "{deal}");
    let check = ws.kith(&["check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
}
