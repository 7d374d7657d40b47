//! `kith promote ID [STAGE]`: moves a person along the lifecycle.

use super::{done, load, with_stamp};
use crate::cli::PromoteArgs;
use crate::edit::store;
use crate::index::resolve::resolve;
use crate::plan::lifecycle;
use crate::record::Kind;
use crate::workspace::Workspace;
use anyhow::Result;
use std::process::ExitCode;

pub fn run(ws: &Workspace, args: PromoteArgs) -> Result<ExitCode> {
    let index = load(ws);
    let person = resolve(index, &args.id, Some(Kind::Person))?;
    let changes = with_stamp(ws, None, |stamp| {
        lifecycle::promote(
            &ws.config,
            person,
            args.stage.as_deref(),
            args.force,
            args.reason.as_deref(),
            stamp,
        )
    })?;
    store::update(ws, person.kind, &person.id, &changes)?;
    let to = match &changes[0] {
        crate::edit::Change::Set(_, v) => v.to_text(),
        _ => String::new(),
    };
    done(
        &person.path(),
        &format!(
            "lifecycle {} → {to}",
            person.lifecycle().unwrap_or_else(|| "contact".into())
        ),
    );
    Ok(ExitCode::SUCCESS)
}
