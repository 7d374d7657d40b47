//! New records: their id and their first text. Pure; [`crate::edit::store::create`] writes them.

use crate::edit;
use crate::record::Kind;
use crate::record::LIFECYCLE;
use crate::record::config::Config;
use crate::record::schema;
use crate::record::value::Value;
use crate::util::slug;
use anyhow::Result;
use jiff::civil::Date;

/// A free id for a record named `name`: its slug, with `-2`, `-3`, ... when taken.
pub fn new_id(name: &str, taken: impl Fn(&str) -> bool) -> String {
    slug::unique(&slug::slugify(name), taken)
}

/// The text of a new record: `name`, the given fields (known ones in kith's usual order, then
/// the rest as given), kind-specific defaults (a deal's first stage and currency) and
/// `created`, then an empty body.
pub fn record_text(
    cfg: &Config,
    kind: Kind,
    name: &str,
    fields: &[(String, Value)],
    today: Date,
) -> Result<String> {
    Ok(frontmatter_text(
        cfg,
        kind,
        &record_fields(cfg, kind, name, fields, today),
    ))
}

/// A new record's fields in the order they are written, defaults added; a key given twice
/// keeps its first place and its last value, as setting it twice would.
fn record_fields(
    cfg: &Config,
    kind: Kind,
    name: &str,
    fields: &[(String, Value)],
    today: Date,
) -> Vec<(String, Value)> {
    let mut all: Vec<(String, Value)> = vec![("name".into(), Value::str(name))];
    all.extend(fields.iter().filter(|(k, _)| k != "name").cloned());
    let has = |all: &[(String, Value)], k: &str| all.iter().any(|(f, _)| f == k);
    let lead_stage = all
        .iter()
        .find(|(k, _)| k == LIFECYCLE)
        .and_then(|(_, v)| v.as_str())
        .is_some_and(|s| cfg.lifecycle.is_lead(s));
    if kind == Kind::Person && lead_stage && !has(&all, "lead_status") {
        all.push(("lead_status".into(), Value::str("new")));
    }
    if kind == Kind::Deal {
        let pipeline = all
            .iter()
            .find(|(k, _)| k == "pipeline")
            .and_then(|(_, v)| cfg.pipeline(v.as_str()))
            .or_else(|| cfg.pipeline(None));
        let first_stage = pipeline
            .and_then(|p| p.stages.first())
            .map(|s| s.id.clone());
        if !has(&all, "stage")
            && let Some(stage) = first_stage
        {
            all.push(("stage".into(), Value::str(&stage)));
        }
        if !has(&all, "currency") {
            all.push(("currency".into(), Value::str(&cfg.currency)));
        }
    }
    if !has(&all, "created") {
        all.push(("created".into(), Value::str(&today.to_string())));
    }
    let order = schema::field_order(kind);
    let rank = |k: &str| match k {
        "created" => order.len() + 1,
        _ => order.iter().position(|o| *o == k).unwrap_or(order.len()),
    };
    all.sort_by_key(|(k, _)| rank(k));
    // A key given twice keeps its first place and its last value, as setting it twice would.
    let mut fields: Vec<(String, Value)> = Vec::with_capacity(all.len());
    for (k, v) in all {
        match fields.iter_mut().find(|(f, _)| *f == k) {
            Some(slot) => slot.1 = v,
            None => fields.push((k, v)),
        }
    }
    fields
}

/// The text of a record holding only these fields: each written as the editor would add it
/// (the same quoting and layout), without re-reading the text after each one.
fn frontmatter_text(cfg: &Config, kind: Kind, fields: &[(String, Value)]) -> String {
    let mut text = String::from("---\n");
    for (k, v) in fields {
        text.push_str(&edit::key_lines(
            k,
            v,
            schema::field_type(cfg, kind, k).as_ref(),
            "\n",
        ));
    }
    text.push_str("---\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text written directly is what setting each field in turn with the editor gives.
    #[test]
    fn writes_what_the_editor_would() {
        let cfg = Config::default();
        let today = Date::constant(2026, 11, 25);
        let consent = Value::Map(
            vec![
                ("marketing".into(), Value::str("2026-03-01")),
                ("withdrawn".into(), Value::str("2026-06-01")),
            ]
            .into(),
        );
        let tags =
            Value::List(vec![Value::str("a b"), Value::str("yes"), Value::str("x: y")].into());
        let given: Vec<(String, Value)> = vec![
            ("email".into(), Value::str("ada@example.com")),
            ("phone".into(), Value::str("+44 20 7946 0000")),
            ("tags".into(), tags),
            ("summary".into(), Value::str("two\nlines: here")),
            ("seats".into(), Value::Int(40)),
            ("ratio".into(), Value::Float(0.5)),
            ("do_not_contact".into(), Value::Bool(true)),
            ("consent".into(), consent),
            ("title".into(), Value::str("NO")),
            ("odd key: x".into(), Value::str("#not a comment")),
            ("lifecycle".into(), Value::str("lead")),
            ("email".into(), Value::str("again@example.com")),
        ];
        for kind in [Kind::Person, Kind::Company, Kind::Deal] {
            let fields = record_fields(&cfg, kind, "Ada \"Lovelace\"", &given, today);
            assert_eq!(fields.iter().filter(|(k, _)| k == "email").count(), 1);
            let changes: Vec<edit::Change> = fields
                .iter()
                .map(|(k, v)| edit::Change::Set(k.clone(), v.clone()))
                .collect();
            let via_editor = edit::apply("---\n---\n", &changes, |k| {
                schema::field_type(&cfg, kind, k)
            })
            .unwrap();
            assert_eq!(
                frontmatter_text(&cfg, kind, &fields),
                via_editor,
                "{kind:?}"
            );
        }
    }

    #[test]
    fn writes_fields_in_order_with_defaults() {
        let cfg = Config::default();
        let today = Date::constant(2026, 11, 25);
        let text = record_text(
            &cfg,
            Kind::Person,
            "Ada Lovelace",
            &[("phone".into(), Value::str("+44 20"))],
            today,
        )
        .unwrap();
        assert_eq!(
            text,
            "---\nname: Ada Lovelace\nphone: \"+44 20\"\ncreated: 2026-11-25\n---\n"
        );
        let text = record_text(
            &cfg,
            Kind::Deal,
            "Pilot",
            &[("amount".into(), Value::Int(12000))],
            today,
        )
        .unwrap();
        assert_eq!(
            text,
            "---\nname: Pilot\nstage: appointment-scheduled\namount: 12000\ncurrency: EUR\ncreated: 2026-11-25\n---\n"
        );
        let text = record_text(&cfg, Kind::Company, "No: colon", &[], today).unwrap();
        assert!(text.contains("name: \"No: colon\"\n"));
    }
}
