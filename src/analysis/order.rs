//! The order of a list (`kith list --sort FIELD`): lifecycle and deal stage in funnel order,
//! numbers as numbers, text case-insensitively and accent-folded, records without the field
//! last, then by id; and the fields a list may be sorted by. Pure.

use crate::analysis::score::Score;
use crate::record::config::Config;
use crate::record::schema::RESERVED;
use crate::record::value::Value;
use crate::record::{Kind, LIFECYCLE, Record};
use anyhow::Result;
use std::cmp::Ordering;

/// The fields kith computes, which join the frontmatter fields in lists and exports: the
/// reserved names after the record's own `id`, `kind` and `path`.
pub const COMPUTED: &[&str] = RESERVED.split_at(3).1;

/// Refuses to sort by a field that is neither built in, declared in kith.yaml, computed, nor
/// in any of the records: a typo would otherwise leave the list in id order, silently.
pub fn check_sort_field<'a>(
    cfg: &Config,
    kind: Kind,
    field: &str,
    records: impl Iterator<Item = &'a Record>,
) -> Result<()> {
    let mut known: Vec<String> = ["id"]
        .into_iter()
        .chain(crate::record::schema::builtin_names(kind))
        .chain(COMPUTED.iter().copied())
        .map(str::to_string)
        .collect();
    known.extend(cfg.custom_fields(kind).iter().map(|(k, _)| k.clone()));
    if known.iter().any(|k| k == field) {
        return Ok(());
    }
    for k in fields_in(records) {
        if !known.contains(&k) {
            known.push(k);
        }
    }
    if known.iter().any(|k| k == field) {
        return Ok(());
    }
    let hint = crate::record::diag::suggest(field, known.iter().map(String::as_str));
    Err(crate::util::hint::hint(
        format!(
            "cannot sort by `{field}`: no {} has that field",
            kind.noun()
        ),
        format!("{hint}fields: {}", known.join(", ")),
    ))
}

/// Orders by a field: lifecycle and deal stage in funnel order, numbers as numbers, text
/// case-insensitively; records without the field always come last.
/// `a` and `b` come with their scores (none: not computed, or not a person).
pub fn compare(
    cfg: &Config,
    field: &str,
    (a, sa): (&Record, Option<Score>),
    (b, sb): (&Record, Option<Score>),
    reverse: bool,
) -> Ordering {
    let key = |r: &Record, score: Option<Score>| -> Option<SortKey> {
        match field {
            "score" => score.map(|s| SortKey::Num(s.total)),
            "fit_score" => score.map(|s| SortKey::Num(s.fit)),
            "engagement_score" => score.map(|s| SortKey::Num(s.engagement)),
            "grade" => score.map(|s| SortKey::Text(s.grade())),
            LIFECYCLE => r
                .lifecycle()
                .map(|s| SortKey::Num(cfg.lifecycle.rank(&s).map_or(1e9, |n| n as f64))),
            "stage" if r.kind == Kind::Deal => {
                let p = cfg.pipeline(r.text("pipeline"))?;
                let s = r.text("stage")?;
                Some(SortKey::Num(
                    p.stages
                        .iter()
                        .position(|x| x.id.eq_ignore_ascii_case(s))
                        .map_or(1e9, |n| n as f64),
                ))
            }
            "id" => Some(SortKey::Text(r.id.to_string())),
            "name" => Some(SortKey::Text(crate::util::slug::fold(r.name()))),
            _ => match r.get(field)? {
                Value::Int(i) => Some(SortKey::Num(*i as f64)),
                Value::Float(f) => Some(SortKey::Num(*f)),
                v => Some(SortKey::Text(crate::util::slug::fold(&v.to_text()))),
            },
        }
    };
    let ord = match (key(a, sa), key(b, sb)) {
        (Some(x), Some(y)) => {
            let o = x.cmp(&y);
            if reverse { o.reverse() } else { o }
        }
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    ord.then_with(|| a.id.cmp(&b.id))
}

#[derive(PartialEq, PartialOrd)]
enum SortKey {
    Num(f64),
    Text(String),
}

impl SortKey {
    fn cmp(&self, other: &SortKey) -> Ordering {
        match (self, other) {
            (SortKey::Num(a), SortKey::Num(b)) => a.total_cmp(b),
            (SortKey::Text(a), SortKey::Text(b)) => a.cmp(b),
            (SortKey::Num(_), SortKey::Text(_)) => Ordering::Less,
            (SortKey::Text(_), SortKey::Num(_)) => Ordering::Greater,
        }
    }
}
/// Every frontmatter field of `records`, in the order they first appear.
pub fn fields_in<'a>(records: impl Iterator<Item = &'a Record>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in records {
        for (k, _) in &r.fields {
            if !out.iter().any(|o| o == k.as_str()) {
                out.push(k.to_string());
            }
        }
    }
    out
}
