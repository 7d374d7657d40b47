//! New records: their id and their first text. Pure; [`crate::store::create`] writes them.

use crate::config::Config;
use crate::edit::{self, Change};
use crate::record::Kind;
use crate::schema;
use crate::slug;
use crate::value::Value;
use anyhow::Result;
use jiff::civil::Date;

/// A free id for a record named `name`: its slug, with `-2`, `-3`, ... when taken.
pub fn new_id(name: &str, taken: impl Fn(&str) -> bool) -> String {
    slug::unique(&slug::slugify(name), taken)
}

/// The text of a new record: `name`, the given fields in order, kind-specific defaults (a deal's
/// first stage and currency) and `created`, then an empty body.
pub fn record_text(cfg: &Config, kind: Kind, name: &str, fields: &[(String, Value)], today: Date) -> Result<String> {
    let mut changes: Vec<Change> = vec![Change::Set("name".into(), Value::str(name))];
    let has = |k: &str| fields.iter().any(|(f, _)| f == k);
    for (k, v) in fields {
        if k != "name" {
            changes.push(Change::Set(k.clone(), v.clone()));
        }
    }
    if kind == Kind::Deal {
        let pipeline = fields
            .iter()
            .find(|(k, _)| k == "pipeline")
            .and_then(|(_, v)| cfg.pipeline(v.as_str()))
            .or_else(|| cfg.pipeline(None));
        if !has("stage")
            && let Some(first) = pipeline.and_then(|p| p.stages.first())
        {
            changes.push(Change::Set("stage".into(), Value::str(&first.id)));
        }
        if !has("currency") {
            changes.push(Change::Set("currency".into(), Value::str(&cfg.currency)));
        }
    }
    if !has("created") {
        changes.push(Change::Set("created".into(), Value::str(&today.to_string())));
    }
    edit::apply("---\n---\n", &changes, |k| schema::field_type(cfg, kind, k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_fields_in_order_with_defaults() {
        let cfg = Config::default();
        let today = Date::constant(2026, 11, 25);
        let text = record_text(&cfg, Kind::Person, "Ada Lovelace", &[("phone".into(), Value::str("+44 20"))], today).unwrap();
        assert_eq!(text, "---\nname: Ada Lovelace\nphone: \"+44 20\"\ncreated: 2026-11-25\n---\n");
        let text = record_text(&cfg, Kind::Deal, "Pilot", &[("amount".into(), Value::Int(12000))], today).unwrap();
        assert_eq!(text, "---\nname: Pilot\namount: 12000\nstage: appointment-scheduled\ncurrency: EUR\ncreated: 2026-11-25\n---\n");
        let text = record_text(&cfg, Kind::Company, "No: colon", &[], today).unwrap();
        assert!(text.contains("name: \"No: colon\"\n"));
    }
}
