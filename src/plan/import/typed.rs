//! A row's cells as typed field values: names split and joined, values checked against the
//! schema, vocabularies mapped, owners matched to teammates.

use super::*;
use crate::record::Kind;
use crate::record::LIFECYCLE;
use crate::record::config::Config;
use crate::record::normalize::{self, Phone};
use crate::record::schema::{self, FieldType, RESERVED};
use crate::record::value::Value;
use anyhow::Result;

/// A row read into typed values.
#[derive(Debug, Default)]
pub(super) struct Typed {
    pub(super) name: String,
    /// The name is the row's own (not its e-mail address standing in for one).
    pub(super) named: bool,
    /// (as written, normalized, from an `email` column rather than `emails`).
    pub(super) emails: Vec<(String, String, bool)>,
    /// (as written, from a `phone` column rather than `phones`).
    pub(super) phones: Vec<(String, bool)>,
    pub(super) company: Option<String>,
    pub(super) company_domain: Option<String>,
    pub(super) id: Option<String>,
    pub(super) notes: Vec<String>,
    pub(super) tags: Vec<String>,
    /// The other fields, typed, first value of each.
    pub(super) fields: Vec<(String, Value)>,
}

/// Whether a field is always one line: the parts of a name, addresses, numbers, references,
/// and the fields of kith's order ([`schema::field_order`]) whose values are not free text.
pub(super) fn one_line(key: &str) -> bool {
    matches!(
        key,
        "name"
            | "first_name"
            | "middle_name"
            | "last_name"
            | "company_domain"
            | "id"
            | "source"
            | "created"
    ) || (schema::field_order(Kind::Person).contains(&key)
        && schema::builtin(Kind::Person, key).is_some_and(|t| t != FieldType::Text))
}

/// Reads a row's values into typed ones, or says why it is invalid.
pub(super) fn read_row(cfg: &Config, row: &Row) -> Result<Typed, String> {
    if let Some(e) = &row.error {
        return Err(e.clone());
    }
    let mut t = Typed::default();
    let (mut first, mut middle, mut last) = (None, None, None);
    let mut name = None;
    let mut source = None;
    for (key, raw) in &row.values {
        super::check_length(key, raw)?;
        // Text over several lines (notes, reasons) keeps its lines; the rest is one line.
        let v = if key == "notes" {
            raw.trim().replace("\r\n", "\n")
        } else if raw.trim().contains('\n') && !one_line(key) {
            raw.trim_start().replace("\r\n", "\n")
        } else {
            raw.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        if v.is_empty() {
            continue;
        }
        let once = |slot: &mut Option<String>| {
            if slot.is_none() {
                *slot = Some(v.clone());
            }
        };
        match key.as_str() {
            "name" => once(&mut name),
            "first_name" => once(&mut first),
            "middle_name" => once(&mut middle),
            "last_name" => once(&mut last),
            "company" => once(&mut t.company),
            "company_domain" => once(&mut t.company_domain),
            "id" => once(&mut t.id),
            "notes" => t.notes.push(v),
            "email" | "emails" => {
                for e in split_list(&v) {
                    if !schema::is_valid_email(e) {
                        return Err(format!("`{key}` is not a valid e-mail address: `{e}`"));
                    }
                    let n = normalize::email(e).unwrap_or_else(|| e.to_lowercase());
                    if !t.emails.iter().any(|(_, m, _)| *m == n) {
                        t.emails.push((e.to_string(), n, key == "email"));
                    }
                }
            }
            "phone" | "phones" => {
                for p in v.split([';']).flat_map(|p| p.split(" ::: ")) {
                    let p = p.trim();
                    if !p.is_empty() && !t.phones.iter().any(|(q, _)| same_phone(q, p)) {
                        t.phones.push((p.to_string(), key == "phone"));
                    }
                }
            }
            "tags" => {
                for tag in split_list(&v) {
                    // Google's system labels: `* myContacts`, `* starred`.
                    if !tag.starts_with("* ") && !t.tags.iter().any(|x| x.eq_ignore_ascii_case(tag))
                    {
                        t.tags.push(tag.to_string());
                    }
                }
            }
            "source" => once(&mut source),
            k if RESERVED.contains(&k) => {}
            k => {
                if t.fields.iter().any(|(f, _)| f == k) {
                    continue;
                }
                if let Some(value) = field_value(cfg, k, &v)? {
                    t.fields.push((k.to_string(), value));
                }
            }
        }
    }
    if let Some(s) = source {
        t.fields
            .push(("source".into(), Value::str(&vocab::source(&s))));
    }
    t.name = name.unwrap_or_else(|| {
        [first, middle, last]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    });
    t.named = !t.name.is_empty();
    if t.name.is_empty() {
        match t.emails.first() {
            Some((written, _, _)) => t.name = written.clone(),
            None => return Err("no name and no e-mail address".into()),
        }
    }
    Ok(t)
}

/// Items of a list cell: separated by `;`, `,` or Google's ` ::: `.
pub(super) fn split_list(v: &str) -> impl Iterator<Item = &str> {
    v.split(" ::: ")
        .flat_map(|p| p.split([';', ',']))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A typed value for a field other than the name, addresses, numbers, company and tags, in
/// kith's vocabulary. `None` for a value that says nothing kith keeps.
pub(super) fn field_value(cfg: &Config, key: &str, v: &str) -> Result<Option<Value>, String> {
    let ty = schema::field_type(cfg, Kind::Person, key);
    let text = match key {
        LIFECYCLE => vocab::lifecycle(v),
        "lead_status" => match vocab::lead_status(v) {
            Some(s) => s,
            None => return Ok(None),
        },
        "country" => vocab::country(v).unwrap_or_else(|| v.to_string()),
        "owner" => owner(cfg, v),
        "created" => match vocab::date(v) {
            Some(d) => d,
            // A date kith cannot read for sure (`3/5/2024`) is left out: created today.
            None => return Ok(None),
        },
        "do_not_contact" => {
            return match vocab::yes(v) {
                Some(b) => Ok(Some(Value::Bool(b)).filter(|_| b)),
                None => Err(format!("`{key}` must be true or false, not `{v}`")),
            };
        }
        _ => v.to_string(),
    };
    if text.contains('\n') && matches!(ty, None | Some(FieldType::Text)) {
        // Kept exactly, final line break included (`parse_input` trims).
        return Ok(Some(Value::str(&text)));
    }
    if ty == Some(FieldType::Map) {
        // libyaml takes time quadratic in nesting depth; nothing that deep is a record's map.
        if crate::record::yaml::depth::too_deep(&text).is_some() {
            return Err(format!(
                "`{key}` nests values more than {} levels deep",
                crate::record::yaml::depth::MAX_DEPTH
            ));
        }
        // kith's own export writes maps as YAML flow mappings: `{marketing: 2026-03-01}`.
        return serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&text)
            .map(|y| Some(Value::from_yaml(y)))
            .map_err(|e| format!("`{key}` is not a mapping: {e}"));
    }
    schema::parse_input(cfg, ty.as_ref(), key, &text)
        .map(Some)
        .map_err(|e| e.inline())
}

/// A teammate's id from their id, name or e-mail address; anything else as written.
pub(super) fn owner(cfg: &Config, v: &str) -> String {
    let lower = v.to_lowercase();
    cfg.teammates
        .iter()
        .find(|t| {
            t.id.eq_ignore_ascii_case(v)
                || t.name.eq_ignore_ascii_case(v)
                || t.emails.contains(&lower)
        })
        .map_or_else(|| v.to_string(), |t| t.id.clone())
}

pub(super) fn same_phone(a: &str, b: &str) -> bool {
    match (Phone::parse(a), Phone::parse(b)) {
        (Some(x), Some(y)) => x.same(&y),
        _ => a.trim() == b.trim(),
    }
}
