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

/// The order kith writes a new record's fields in (others follow, `created` comes last).
fn canonical_order(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Person => &[
            "name",
            "email",
            "emails",
            "phone",
            "phones",
            "company",
            "title",
            "lifecycle",
            "lead_status",
            "unqualified_reason",
            "other_reason",
            "source",
            "owner",
            "tags",
            "country",
            "industry",
        ],
        Kind::Company => &[
            "name", "domain", "industry", "size", "country", "owner", "tags",
        ],
        Kind::Deal => &[
            "name",
            "pipeline",
            "stage",
            "amount",
            "currency",
            "close_date",
            "company",
            "contacts",
            "owner",
            "lost_reason",
            "tags",
        ],
    }
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
    let mut all: Vec<(String, Value)> = vec![("name".into(), Value::str(name))];
    all.extend(fields.iter().filter(|(k, _)| k != "name").cloned());
    let has = |all: &[(String, Value)], k: &str| all.iter().any(|(f, _)| f == k);
    let lead_stage = all
        .iter()
        .find(|(k, _)| k == "lifecycle")
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
    let order = canonical_order(kind);
    let rank = |k: &str| match k {
        "created" => order.len() + 1,
        _ => order.iter().position(|o| *o == k).unwrap_or(order.len()),
    };
    all.sort_by_key(|(k, _)| rank(k));
    let changes: Vec<Change> = all.into_iter().map(|(k, v)| Change::Set(k, v)).collect();
    edit::apply("---\n---\n", &changes, |k| schema::field_type(cfg, kind, k))
}

#[cfg(test)]
mod tests {
    use super::*;

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
