//! What `kith set` writes to one record: each field as given, except a person's lifecycle,
//! which moves by [`crate::plan::lifecycle::promote`]'s rules (its date, its log entry, the
//! reason a stage needs) and takes `lifecycle_changed` as the move's date.

use crate::edit::Change;
use crate::plan::lifecycle::{self, Attribution};
use crate::record::config::Config;
use crate::record::value::Value;
use crate::record::{Kind, LIFECYCLE, Record};
use anyhow::Result;
use jiff::civil::Date;

/// The changes that set `fields` on `record`, and a summary of each (`owner sam → mei`);
/// a field that already holds its value is left out. `force` allows a move backwards.
pub fn fields(
    cfg: &Config,
    record: &Record,
    fields: &[(String, Value)],
    force: bool,
    today: Date,
    me: Option<&str>,
) -> Result<(Vec<Change>, Vec<String>)> {
    let mut changes = Vec::new();
    let mut summary = Vec::new();
    let given = |k: &str| {
        fields
            .iter()
            .find(|(f, _)| f == k)
            .map(|(_, v)| v.to_text())
    };
    for (key, value) in fields {
        if record.get(key) == Some(value) {
            continue;
        }
        summary.push(match record.get(key) {
            Some(old) => format!("{key} {old} → {value}"),
            None => format!("{key} = {value}"),
        });
        if key == LIFECYCLE && record.kind == Kind::Person {
            // A lifecycle move follows `promote`'s rules and records its date and a log entry;
            // an explicit `lifecycle_changed` dates both.
            let date =
                given("lifecycle_changed").and_then(|d| crate::record::activity::parse_date(&d));
            let stamp = Attribution {
                today: date.unwrap_or(today),
                by: me,
            };
            let stage = value.to_text();
            changes.extend(lifecycle::promote(
                cfg,
                record,
                Some(&stage),
                force,
                given("other_reason").as_deref(),
                &stamp,
            )?);
        } else if key == "lifecycle_changed" && given(LIFECYCLE).is_some() {
            continue; // written with the move above
        } else {
            changes.push(Change::Set(key.clone(), value.clone()));
        }
    }
    Ok((changes, summary))
}
