//! `kith conflicts` and `kith resolve`: fields two teammates set differently, recorded by
//! merges in a `conflicts:` block, and ending them.

use super::{done, load};
use crate::cli::{ConflictsArgs, ResolveArgs};
use crate::edit::Change;
use crate::edit::store;
use crate::index::resolve::resolve;
use crate::record::schema;
use crate::record::value::Value;
use crate::sync::conflicts::{Candidate, candidates, entry_text};
use crate::util::output::{self, Format, Table, paint};
use crate::workspace::Workspace;
use anstyle::Style;
use anyhow::{Result, bail};
use serde_json::json;
use std::process::ExitCode;

/// `s` as one word for the shell, quoted when it has to be.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || "@%+=:,./_-".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// One line of `kith conflicts`: a record's field, the value in place, one other value.
struct Row<'a> {
    r: &'a crate::record::Record,
    field: String,
    in_place: String,
    other: Candidate,
}

pub fn list(ws: &Workspace, args: ConflictsArgs) -> Result<ExitCode> {
    let index = load(ws);
    let mut rows: Vec<Row> = Vec::new();
    for r in index.records() {
        let items = r.get("conflicts").map(Value::items).unwrap_or_default();
        let mut fields: Vec<String> = Vec::new();
        for item in items {
            let field = entry_text(item, "field");
            if !fields.contains(&field) {
                fields.push(field);
            }
        }
        for field in fields {
            let mine: Vec<&Value> = items
                .iter()
                .filter(|i| entry_text(i, "field") == field)
                .collect();
            if field == crate::record::parse::WHOLE_RECORD {
                // Their whole text: the record in place is the file itself.
                for item in mine {
                    rows.push(Row {
                        r,
                        field: field.clone(),
                        in_place: entry_text(item, "ours"),
                        other: Candidate {
                            value: Value::str(&entry_text(item, "theirs")),
                            who: entry_text(item, "who"),
                            when: entry_text(item, "when"),
                            theirs: true,
                        },
                    });
                }
                continue;
            }
            let in_place = r.get(&field).map(Value::to_text).unwrap_or_default();
            for other in candidates(r, &field, &mine) {
                rows.push(Row {
                    r,
                    field: field.clone(),
                    in_place: in_place.clone(),
                    other,
                });
            }
        }
    }
    rows.sort_by_key(|row| row.r.path());
    let value = |row: &Row| row.other.value.to_text();
    match args.format {
        Format::Json => output::print_json(
            &rows
                .iter()
                .map(|row| {
                    json!({"id": row.r.id.as_str(), "path": row.r.path(), "field": row.field, "ours": row.in_place,
                           "theirs": value(row), "who": row.other.who, "when": row.other.when})
                })
                .collect::<Vec<_>>(),
        )?,
        Format::Csv => output::print_csv(
            &["id", "field", "ours", "theirs", "who", "when"].map(String::from),
            &rows
                .iter()
                .map(|row| vec![row.r.id.to_string(), row.field.clone(), row.in_place.clone(), value(row), row.other.who.clone(), row.other.when.clone()])
                .collect::<Vec<_>>(),
        )?,
        Format::Table => {
            let mut t = Table::new(["RECORD", "FIELD", "OURS (IN PLACE)", "THEIRS", "WHO", "WHEN"]);
            for row in &rows {
                t.row(vec![
                    (row.r.path(), output::ACCENT),
                    (row.field.clone(), output::BOLD),
                    (output::clip(&row.in_place, 30), Style::new()),
                    (output::clip(&value(row), 30), Style::new()),
                    (row.other.who.clone(), Style::new()),
                    (row.other.when.clone(), output::DIM),
                ]);
            }
            let mut text = if t.is_empty() { String::new() } else { t.render() };
            text.push_str(&paint(
                output::DIM,
                &format!(
                    "{} unresolved{}\n",
                    rows.len(),
                    if rows.is_empty() { "" } else { "; end one with `kith resolve ID --field F --take ours|theirs|VALUE`" }
                ),
            ));
            output::print(&text);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn resolve_one(ws: &Workspace, args: ResolveArgs) -> Result<ExitCode> {
    let index = load(ws);
    let r = resolve(index, &args.id, None)?;
    let items: Vec<Value> = r
        .get("conflicts")
        .map(|v| v.items().to_vec())
        .unwrap_or_default();
    let (mine, rest): (Vec<Value>, Vec<Value>) = items
        .into_iter()
        .partition(|i| entry_text(i, "field") == args.field);
    if mine.is_empty() {
        let fields: Vec<String> = rest.iter().map(|i| entry_text(i, "field")).collect();
        bail!(
            "{} has no conflict on `{}`{}",
            r.path(),
            args.field,
            if fields.is_empty() {
                String::new()
            } else {
                format!("; conflicts: {}", fields.join(", "))
            }
        );
    }
    if args.field == crate::record::parse::WHOLE_RECORD {
        return resolve_record(ws, index, r, &mine, &rest, &args.take);
    }
    let mut changes = Vec::new();
    let chosen = match args.take.as_str() {
        "ours" => None,
        "theirs" => {
            // The one other value, as its original value; with several, the user says which.
            let refs: Vec<&Value> = mine.iter().collect();
            let mut others = candidates(r, &args.field, &refs);
            others.retain(|c| c.theirs);
            match others.as_slice() {
                [] => None,
                [one] => Some(one.value.clone()),
                many => {
                    let listed: Vec<String> = many
                        .iter()
                        .map(|c| format!("{} ({} on {})", c.value.to_text(), c.who, c.when))
                        .collect();
                    bail!(
                        "`{}` of {} has {} other values: {}; say which with `--take VALUE`, e.g. `kith resolve {} --field {} --take {}`",
                        args.field,
                        r.path(),
                        many.len(),
                        listed.join(", "),
                        r.id,
                        args.field,
                        shell_word(&many[many.len() - 1].value.to_text())
                    );
                }
            }
        }
        value => Some(
            schema::parse_input(
                &ws.config,
                schema::field_type(&ws.config, r.kind, &args.field).as_ref(),
                &args.field,
                value,
            )
            .map_err(anyhow::Error::new)?,
        ),
    };
    if let Some(v) = &chosen {
        changes.push(if v.is_null() {
            Change::Unset(args.field.clone())
        } else {
            Change::Set(args.field.clone(), v.clone())
        });
    }
    changes.push(if rest.is_empty() {
        Change::Unset("conflicts".into())
    } else {
        Change::Set("conflicts".into(), Value::List(rest.into()))
    });
    store::update(ws, r.kind, &r.id, &changes)?;
    let kept = match &chosen {
        None => format!(
            "kept ours ({})",
            r.get(&args.field).map(|v| v.to_text()).unwrap_or_default()
        ),
        Some(v) => format!("set to {v}"),
    };
    done(&r.path(), &format!("`{}` resolved: {kept}", args.field));
    Ok(ExitCode::SUCCESS)
}

/// Ends a conflict over a whole record (their version could not be merged field by field):
/// `ours` keeps the file and drops their version; `theirs` replaces the file with their text.
fn resolve_record(
    ws: &Workspace,
    index: &crate::index::Index,
    r: &crate::record::Record,
    mine: &[Value],
    rest: &[Value],
    take: &str,
) -> Result<ExitCode> {
    let path = r.path();
    let who = |i: &Value| format!("{} on {}", entry_text(i, "who"), entry_text(i, "when"));
    match take {
        "ours" => {
            let change = if rest.is_empty() {
                Change::Unset("conflicts".into())
            } else {
                Change::Set("conflicts".into(), Value::List(rest.to_vec().into()))
            };
            store::update(ws, r.kind, &r.id, &[change])?;
            let dropped: Vec<String> = mine.iter().map(who).collect();
            done(
                &path,
                &format!(
                    "`record` resolved: kept this file; dropped the version of {}",
                    dropped.join(", ")
                ),
            );
        }
        "theirs" => {
            if let [first, second, ..] = mine {
                bail!(
                    "{path} holds {} other versions (of {} and of {}); take one by hand from `kith conflicts --format json`, or drop them with `--take ours`",
                    mine.len(),
                    who(first),
                    who(second)
                );
            }
            if !rest.is_empty() {
                let fields: Vec<String> = rest.iter().map(|i| entry_text(i, "field")).collect();
                bail!(
                    "{path} has other conflicts ({}), which their version would drop; resolve them first",
                    fields.join(", ")
                );
            }
            let theirs = entry_text(&mine[0], "theirs");
            let file = ws.root.join(&path);
            let current = std::fs::read(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            crate::util::files::write_atomic(
                &file,
                theirs.as_bytes(),
                crate::util::files::Expect::Unchanged(&current),
            )?;
            done(
                &path,
                &format!(
                    "`record` resolved: replaced by the version of {}; `kith check` says what is left to fix in it (this file's version stays in git history)",
                    who(&mine[0])
                ),
            );
        }
        "both" => {
            let [entry] = mine else {
                bail!(
                    "{path} holds {} other versions; keep them one at a time by hand, or drop them with `--take ours`",
                    mine.len()
                );
            };
            let theirs = entry_text(entry, "theirs");
            let taken = |candidate: &str| {
                index.get(r.kind, candidate).is_some()
                    || ws
                        .root
                        .join(crate::record::layout::rel(r.kind, candidate))
                        .exists()
            };
            let new_id = crate::util::slug::unique(&r.id, taken);
            let new_path = crate::record::layout::rel(r.kind, &new_id);
            if let Some(dir) = ws.root.join(&new_path).parent() {
                std::fs::create_dir_all(dir)?;
            }
            crate::util::files::write_atomic(
                &ws.root.join(&new_path),
                theirs.as_bytes(),
                crate::util::files::Expect::Absent,
            )?;
            let change = if rest.is_empty() {
                Change::Unset("conflicts".into())
            } else {
                Change::Set("conflicts".into(), Value::List(rest.to_vec().into()))
            };
            store::update(ws, r.kind, &r.id, &[change])?;
            done(
                &path,
                &format!(
                    "`record` resolved: kept this file; the version of {} is now {new_path} (a possible duplicate: check it)",
                    who(entry)
                ),
            );
        }
        _ => bail!(
            "a whole record's conflict is ended with `--take ours` (keep this file), `--take theirs` (their version) or `--take both` (theirs becomes a record of its own)"
        ),
    }
    Ok(ExitCode::SUCCESS)
}
