//! `kith new contact|company|deal NAME [--set key=value]...`

use super::{check_references, check_teammates};
use super::{display_path, load, warn};
use crate::cli::{NewArgs, NewKind};
use crate::edit::store;
use crate::plan::create;
use crate::record::Kind;
use crate::record::LIFECYCLE;
use crate::record::schema::{self, FieldType};
use crate::record::value::Value;
use crate::workspace::Workspace;
use anyhow::Result;
use std::process::ExitCode;

pub fn run(ws: &Workspace, args: NewArgs) -> Result<ExitCode> {
    let kind = match args.kind {
        NewKind::Contact | NewKind::Lead => Kind::Person,
        NewKind::Company => Kind::Company,
        NewKind::Deal => Kind::Deal,
    };
    let name = args.name.trim();
    if name.is_empty() {
        return Err(super::usage("the name is empty"));
    }
    for pair in &args.set {
        schema::split_assignment(pair).map_err(super::usage)?;
    }
    let cfg = &ws.config;
    let mut fields: Vec<(String, Value)> = args
        .set
        .iter()
        .map(|pair| schema::parse_assignment(cfg, kind, pair).map_err(anyhow::Error::new))
        .collect::<Result<_>>()?;
    if args.kind == NewKind::Lead && !fields.iter().any(|(k, _)| k == LIFECYCLE) {
        let first_lead_stage = cfg
            .lifecycle
            .lead_stages
            .first()
            .map_or("lead", String::as_str);
        fields.push((LIFECYCLE.into(), Value::str(first_lead_stage)));
    }
    let index = load(ws);
    check_teammates(cfg, kind, &fields, args.force)?;
    check_references(index, kind, &fields)?;
    if kind == Kind::Person {
        for (k, v) in &fields {
            if matches!(
                schema::field_type(cfg, kind, k),
                Some(FieldType::Email | FieldType::Emails)
            ) {
                for email in v.items() {
                    if let Some(other) = index.people_by_email(&email.to_text()).first() {
                        let msg = format!(
                            "{} already has the e-mail address {}",
                            other.path(),
                            email.to_text()
                        );
                        if !args.force {
                            return Err(crate::util::hint::hint(
                                msg.to_string(),
                                format!(
                                    "update that record (`kith set {} ...`), or pass --force to create a second one",
                                    other.id
                                ),
                            ));
                        }
                        warn(&msg);
                    }
                }
            }
        }
    }
    let id = create::new_id(name, |id| {
        index.contains(kind, id) || ws.root.join(crate::record::layout::rel(kind, id)).exists()
    });
    if kind == Kind::Person {
        warn_same_name(index, name, &id);
    }
    let text = create::record_text(cfg, kind, name, &fields, ws.today()?)?;
    let path = store::create(ws, kind, &id, &text)?;
    if store::is_dry_run() {
        super::say(&display_path(&path), "would be created");
    } else {
        crate::util::output::print(&format!("{}\n", display_path(&path)));
    }
    Ok(ExitCode::SUCCESS)
}

/// Warns when a person with the same name (accents, case and word order aside) exists: a
/// second record for one person splits their history. Only a warning, as two people can share
/// a name; `kith duplicates` and `kith merge` deal with a real twin later.
fn warn_same_name(index: &crate::index::Index, name: &str, new_id: &str) {
    use crate::record::normalize::person_name_key;
    let key = person_name_key(name);
    if key.is_empty() {
        return;
    }
    let twin = index
        .records()
        .find(|r| r.kind == Kind::Person && person_name_key(r.name()) == key);
    if let Some(other) = twin {
        warn(&format!(
            "{} is already a person named {}; if {new_id} is the same person, `kith merge {} {new_id}` makes them one",
            other.path(),
            other.name(),
            other.id
        ));
    }
}
