//! `kith export`: CSV, JSON lines and vCards of the records a segment or filter selects;
//! do-not-contact people left out; round trips through `kith import` into an empty workspace.

use crate::harness::*;
use std::collections::BTreeMap;

/// A person's frontmatter fields as `key → value` lines, read from the file.
fn fields(ws: &Ws, rel: &str) -> BTreeMap<String, String> {
    let text = ws.read(rel);
    let fm = text.split("---\n").nth(1).unwrap_or_default();
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(fm).unwrap();
    value
        .as_mapping()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let v = match v {
                serde_yaml_ng::Value::String(s) => s.clone(),
                other => serde_json::to_string(other).unwrap(),
            };
            (k.as_str().unwrap().to_string(), v)
        })
        .collect()
}

fn empty_ws() -> Ws {
    let ws = Ws::empty();
    kith_in(ws.path(), &["init", ".", "--timezone", "Europe/London"]).ok();
    ws
}

fn people(ws: &Ws) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(ws.file("contacts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| n.trim_end_matches(".md").to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn csv_round_trip_reproduces_peoples_fields() {
    let from = Ws::example();
    let out = from.kith(&[
        "export",
        "--format",
        "csv",
        "--include-dnc",
        "-o",
        "people.csv",
    ]);
    out.ok();
    assert!(
        out.stderr.starts_with("wrote 72 contacts to people.csv"),
        "{}",
        out.stderr
    );
    let to = empty_ws();
    std::fs::copy(from.file("people.csv"), to.file("people.csv")).unwrap();
    let run = to.kith(&["import", "people.csv"]);
    assert!(
        run.ok()
            .contains("72 created, 0 updated, 0 unchanged, 0 invalid"),
        "{}",
        run.stdout
    );
    assert_eq!(people(&from), people(&to));
    for id in people(&from) {
        let rel = format!("contacts/{id}.md");
        // Kith's own export: an empty source stays empty (issue 20).
        let before = fields(&from, &rel);
        let after = fields(&to, &rel);
        assert_eq!(before, after, "{rel}");
    }
    // The notes come along in the body.
    assert!(
        to.read("contacts/elodie-garnier.md")
            .contains("Runs finance operations at Paylune")
    );
    // The companies are created by name with their domains.
    assert!(
        to.read("companies/calder-mutual.md")
            .contains("domain: caldermutual.example\n")
    );
}

#[test]
fn vcard_round_trip_keeps_what_vcards_carry() {
    let from = Ws::example();
    from.kith(&["export", "--format", "vcf", "-o", "people.vcf"])
        .ok();
    let text = from.read("people.vcf");
    assert!(text.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"));
    let to = empty_ws();
    std::fs::copy(from.file("people.vcf"), to.file("people.vcf")).unwrap();
    to.kith(&["import", "people.vcf"]).ok();
    for id in people(&to) {
        let rel = format!("contacts/{id}.md");
        let before = fields(&from, &rel);
        let after = fields(&to, &rel);
        for key in ["name", "company", "title", "country", "tags"] {
            assert_eq!(before.get(key), after.get(key), "{key} of {rel}");
        }
        // A vCard has addresses and numbers, the first preferred: not which were `email`
        // and which `emails`.
        let all = |m: &BTreeMap<String, String>, a: &str, b: &str| {
            let mut v: Vec<String> = [m.get(a), m.get(b)]
                .into_iter()
                .flatten()
                .flat_map(|s| match serde_json::from_str::<Vec<String>>(s) {
                    Ok(items) => items,
                    Err(_) => vec![s.clone()],
                })
                .collect();
            v.sort();
            v
        };
        assert_eq!(
            all(&before, "email", "emails"),
            all(&after, "email", "emails"),
            "{rel}"
        );
        assert_eq!(
            all(&before, "phone", "phones"),
            all(&after, "phone", "phones"),
            "{rel}"
        );
    }
    assert!(people(&to).contains(&"elodie-garnier".to_string()));
}

#[test]
fn do_not_contact_and_withdrawn_consent_are_left_out() {
    let ws = Ws::example();
    ws.write(
        "contacts/wanda-withdrawn.md",
        "---\nname: Wanda Withdrawn\nemail: wanda@x.example\nconsent: {marketing: 2026-03-01, withdrawn: 2026-06-01}\n---\n",
    );
    ws.kith(&["check"]).ok();
    let out = ws.kith(&["export", "--format", "json"]);
    out.ok();
    assert!(
        out.stderr.contains("left out 3 people marked do_not_contact or who withdrew consent (--include-dnc includes them)"),
        "{}",
        out.stderr
    );
    let ids: Vec<String> = out
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(
        !ids.iter()
            .any(|i| i == "kevin-draper" || i == "wanda-withdrawn")
    );
    let out = ws.kith(&[
        "export",
        "--kind",
        "contacts",
        "--format",
        "json",
        "--include-dnc",
    ]);
    assert_eq!(out.ok().lines().count(), 73, "{}", out.stdout);
    assert_eq!(out.stderr, "");
}

#[test]
fn segments_filters_fields_and_json() {
    let ws = Ws::example();
    let listed = ws.kith(&["list", "--segment", "hot-leads", "--format", "json"]);
    let want: Vec<String> = listed
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    let out = ws.kith(&[
        "export",
        "--segment",
        "hot-leads",
        "--format",
        "csv",
        "--fields",
        "id,name,score,segments",
    ]);
    let text = out.ok();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("id,name,score,segments"));
    let got: Vec<String> = lines
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(got, want);
    assert!(text.contains("hot-leads"));
    let out = ws.kith(&[
        "export",
        "--where",
        "lifecycle = customer",
        "--format",
        "json",
    ]);
    let first: serde_json::Value = serde_json::from_str(out.ok().lines().next().unwrap()).unwrap();
    assert_eq!(first["kind"], "contact");
    assert_eq!(first["lifecycle"], "customer");
    assert!(first["score"].is_number());
    assert!(first["segments"].is_array());
    let out = ws.kith(&["export", "--kind", "companies", "--format", "csv"]);
    assert!(
        out.ok()
            .starts_with("id,name,domain,industry,size,country,owner,tags,"),
        "{}",
        out.stdout
    );
    let err = ws
        .kith(&["export", "--kind", "deals", "--format", "vcf"])
        .fails(2)
        .to_string();
    assert!(err.contains("vCards hold people"), "{err}");
}
