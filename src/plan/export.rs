//! Exports: records as CSV (columns to choose), JSON lines (every field, with the computed score
//! and segments) or vCard 4.0 (people). Pure: the command selects the records and writes the
//! text. People who must not be contacted ([`Record::do_not_contact`]) are [`withheld`] unless
//! the caller keeps them.

use crate::analysis::score::{Score, num};
use crate::index::Index;
use crate::record::schema::RESERVED;
use crate::record::value::Value;
use crate::record::{Kind, Record};
use anyhow::Result;
use serde_json::{Map, Value as Json};

pub mod whole;

/// Whether a person must be left out of exports: they asked not to be contacted
/// ([`Record::do_not_contact`]). Companies and deals are never withheld.
pub fn withheld(r: &Record) -> bool {
    r.kind == Kind::Person && r.do_not_contact()
}

/// A record to export with what kith computes for it.
#[derive(Debug)]
pub struct Item<'a> {
    pub record: &'a Record,
    pub score: Option<Score>,
    pub segments: Vec<&'a str>,
}

/// The first columns of a CSV export, in this order, when any record has them: the id, then
/// the kind's fields in kith's order ([`crate::record::schema::field_order`]), a person's
/// company followed by its domain.
fn leading(kind: Kind) -> Vec<&'static str> {
    let mut cols = vec!["id"];
    for f in crate::record::schema::field_order(kind) {
        cols.push(f);
        if kind == Kind::Person && *f == "company" {
            cols.push("company_domain");
        }
    }
    cols
}

/// The default CSV columns: the usual fields, every other field some record has, the notes,
/// then the score and grade (people) and segments.
pub fn default_columns(index: &Index, kind: Kind, items: &[Item]) -> Vec<String> {
    let has = |col: &str| {
        items.iter().any(|i| match col {
            "id" | "name" => true,
            "company_domain" => company(index, i.record).is_some_and(|c| c.get("domain").is_some()),
            c => i.record.get(c).is_some(),
        })
    };
    let mut cols: Vec<String> = leading(kind)
        .iter()
        .filter(|c| has(c))
        .map(|c| c.to_string())
        .collect();
    let mut rest: Vec<String> = Vec::new();
    for i in items {
        for (k, _) in &i.record.fields {
            let name = if RESERVED.contains(&k.as_str()) {
                format!("field.{k}")
            } else {
                k.to_string()
            };
            if !cols.contains(&name) && !rest.contains(&name) {
                rest.push(name);
            }
        }
    }
    // `created` after the other fields, as kith writes it.
    rest.sort_by_key(|c| c == "created");
    cols.extend(rest);
    if items.iter().any(|i| !i.record.notes.is_empty()) && !cols.iter().any(|c| c == "notes") {
        cols.push("notes".into());
    }
    if kind == Kind::Person {
        cols.extend(["score".to_string(), "grade".to_string()]);
    }
    cols.push("segments".into());
    cols
}

/// The company a person or deal works with, when it is in the workspace.
fn company<'a>(index: &'a Index, r: &Record) -> Option<&'a Record> {
    index.get(Kind::Company, r.text("company")?.trim())
}

/// One CSV cell: computed columns, the company's name and domain, the body's notes, or a field
/// (lists joined with `; `, mappings as JSON).
fn cell(index: &Index, item: &Item, column: &str) -> String {
    let r = item.record;
    let field = |key: &str| match r.get(key) {
        Some(Value::List(items)) => items
            .iter()
            .map(Value::to_text)
            .collect::<Vec<_>>()
            .join("; "),
        Some(v @ Value::Map(_)) => serde_json::to_string(v).unwrap_or_default(),
        Some(v) => v.to_text(),
        None => String::new(),
    };
    let s = item.score;
    match column {
        "id" => r.id.to_string(),
        "kind" => r.kind.noun().to_string(),
        "path" => r.path(),
        "score" => s.map(|s| num(s.total)).unwrap_or_default(),
        "fit_score" => s.map(|s| num(s.fit)).unwrap_or_default(),
        "engagement_score" => s.map(|s| num(s.engagement)).unwrap_or_default(),
        "grade" => s.map(|s| s.grade()).unwrap_or_default(),
        "segments" => item.segments.join("; "),
        "company" if r.kind != Kind::Company => match company(index, r) {
            Some(c) => c.name().to_string(),
            None => field("company"),
        },
        "company_domain" => company(index, r)
            .and_then(|c| c.text("domain"))
            .unwrap_or_default()
            .to_string(),
        "notes" if r.get("notes").is_none() => r.notes.to_string(),
        c => field(c.strip_prefix("field.").unwrap_or(c)),
    }
}

/// CSV with a header row.
pub fn csv(index: &Index, items: &[Item], columns: &[String]) -> Result<String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(columns)?;
    for item in items {
        w.write_record(columns.iter().map(|c| cell(index, item, c)))?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

/// One JSON object per line: id, kind, path, every field (those named like a computed value as
/// `field.NAME`), the notes, then the score (people) and segments.
pub fn json_lines(items: &[Item]) -> Result<String> {
    let mut out = String::new();
    for item in items {
        let r = item.record;
        let mut obj = record_json(r, Some((item.score, &item.segments)));
        // The notes go before the computed fields, unless a field is named `notes`.
        if !r.notes.is_empty() && !obj.contains_key("notes") {
            let computed: Vec<(String, Json)> = [
                "score",
                "fit_score",
                "engagement_score",
                "grade",
                "segments",
            ]
            .iter()
            .filter_map(|k| obj.remove(*k).map(|v| (k.to_string(), v)))
            .collect();
            obj.insert("notes".into(), r.notes.as_ref().into());
            obj.extend(computed);
        }
        out.push_str(&serde_json::to_string(&Json::Object(obj))?);
        out.push('\n');
    }
    Ok(out)
}

/// A record as JSON: `id`, `kind`, `path`, every frontmatter field in file order (a field named
/// like one of these or a computed value as `field.NAME`), then, when given, the computed
/// `score`, `fit_score`, `engagement_score` and `grade` (people) and `segments`.
pub fn record_json(r: &Record, computed: Option<(Option<Score>, &[&str])>) -> Map<String, Json> {
    let mut obj = Map::new();
    obj.insert("id".into(), r.id.as_str().into());
    obj.insert("kind".into(), r.kind.noun().into());
    obj.insert("path".into(), r.path().into());
    for (k, v) in &r.fields {
        let key = if RESERVED.contains(&k.as_str()) {
            format!("field.{k}")
        } else {
            k.to_string()
        };
        obj.insert(key, serde_json::to_value(v).unwrap_or(Json::Null));
    }
    if let Some((score, segments)) = computed {
        if let Some(s) = score {
            obj.insert("score".into(), s.total.into());
            obj.insert("fit_score".into(), s.fit.into());
            obj.insert("engagement_score".into(), s.engagement.into());
            obj.insert("grade".into(), s.grade().into());
        }
        obj.insert(
            "segments".into(),
            segments.iter().map(|s| Json::from(*s)).collect(),
        );
    }
    obj
}

/// vCard 4.0 (RFC 6350) of people: FN, N, EMAIL, TEL, ORG, TITLE, the country in ADR, NOTE
/// and CATEGORIES, lines folded at 75 bytes, CRLF line endings.
pub fn vcards(index: &Index, items: &[Item]) -> String {
    let mut out = String::new();
    for item in items {
        let r = item.record;
        let mut lines = vec!["BEGIN:VCARD".to_string(), "VERSION:4.0".to_string()];
        lines.push(format!("UID:urn:kith:{}", r.id));
        let name = r.name();
        lines.push(format!("FN:{}", escape(name)));
        let (given, family) = crate::record::normalize::split_name(name);
        lines.push(format!("N:{};{};;;", escape(&family), escape(&given)));
        let emails = r.list("email").chain(r.list("emails"));
        for (i, e) in emails.enumerate() {
            let pref = if i == 0 { ";PREF=1" } else { "" };
            lines.push(format!("EMAIL{pref}:{}", escape(&e)));
        }
        let phones = r.list("phone").chain(r.list("phones"));
        for (i, p) in phones.enumerate() {
            let pref = if i == 0 { ";PREF=1" } else { "" };
            lines.push(format!("TEL;VALUE=text{pref}:{}", escape(&p)));
        }
        if let Some(c) = company(index, r) {
            lines.push(format!("ORG:{}", escape(c.name())));
        } else if let Some(c) = r.text("company") {
            lines.push(format!("ORG:{}", escape(c)));
        }
        if let Some(t) = r.text("title") {
            lines.push(format!("TITLE:{}", escape(t)));
        }
        if let Some(c) = r.text("country") {
            lines.push(format!("ADR:;;;;;;{}", escape(c)));
        }
        if !r.notes.is_empty() {
            lines.push(format!("NOTE:{}", escape(&r.notes)));
        }
        let tags: Vec<String> = r.list("tags").map(|t| escape(&t)).collect();
        if !tags.is_empty() {
            lines.push(format!("CATEGORIES:{}", tags.join(",")));
        }
        lines.push("END:VCARD".to_string());
        for l in lines {
            out.push_str(&fold(&l));
            out.push_str("\r\n");
        }
    }
    out
}

/// Escapes a text value: backslash, comma, semicolon and line breaks.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 bytes, never inside a character: CRLF and a space.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::config::Config;

    #[test]
    fn dnc_and_withdrawn_consent_are_withheld() {
        let index = Index::from_texts(
            Config::default(),
            [
                (
                    Kind::Person,
                    "a",
                    "---\nname: A\ndo_not_contact: true\n---\n",
                ),
                (
                    Kind::Person,
                    "b",
                    "---\nname: B\nconsent: {marketing: 2026-03-01, withdrawn: 2026-06-01}\n---\n",
                ),
                (
                    Kind::Person,
                    "c",
                    "---\nname: C\nconsent: {marketing: 2026-03-01}\n---\n",
                ),
            ],
        );
        let withheld: Vec<&str> = index
            .of_kind(Kind::Person)
            .into_iter()
            .filter(|r| withheld(r))
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(withheld, ["a", "b"]);
    }

    #[test]
    fn vcards_escape_and_fold() {
        let index = Index::from_texts(
            Config::default(),
            [(
                Kind::Person,
                "ada",
                "---\nname: Ada Lovelace\nemail: ada@x.example\ntitle: Head of R&D, Engines; Looms\ntags: [vip, pilot]\n---\nA note that is long enough to be folded at seventy-five bytes, as RFC 6350 asks.\n",
            )],
        );
        let r = index.get(Kind::Person, "ada").unwrap();
        let text = vcards(
            &index,
            &[Item {
                record: r,
                score: None,
                segments: Vec::new(),
            }],
        );
        assert!(text.contains("N:Lovelace;Ada;;;\r\n"), "{text}");
        assert!(
            text.contains("TITLE:Head of R&D\\, Engines\\; Looms\r\n"),
            "{text}"
        );
        assert!(text.contains("CATEGORIES:vip,pilot\r\n"));
        assert!(text.lines().all(|l| l.len() <= 76), "{text}");
        let rows = crate::plan::import::vcard::read(&text).unwrap();
        assert_eq!(
            rows[0].values.iter().find(|(k, _)| k == "notes").unwrap().1,
            "A note that is long enough to be folded at seventy-five bytes, as RFC 6350 asks."
        );
    }
}
