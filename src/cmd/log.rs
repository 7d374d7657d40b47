//! `kith log ID TYPE "text"`: appends an entry to the activity log.

use super::parse_time;
use super::{done, load, stamp_parts, warn};
use crate::cli::LogArgs;
use crate::edit::Change;
use crate::edit::store;
use crate::index::resolve::resolve;
use crate::record::activity::Activity;
use crate::workspace::Workspace;
use anyhow::Result;
use std::process::ExitCode;

pub fn run(ws: &Workspace, args: LogArgs) -> Result<ExitCode> {
    let index = load(ws);
    let record = resolve(index, &args.id, None)?;
    let cfg = &ws.config;
    let kind = super::activity_type(&args.kind, "an activity type")?;
    if !cfg.is_activity_type(&kind) {
        let hint =
            crate::record::diag::suggest(&kind, cfg.activity_types.iter().map(String::as_str));
        warn(&format!(
            "`{kind}` is not one of kith.yaml's activity types; {hint}(`kith check` will warn about it)"
        ));
    }
    let (today, me) = stamp_parts(ws)?;
    let date = match &args.date {
        Some(d) => super::date_arg(d, today)?,
        None => today,
    };
    let time = match &args.time {
        Some(t) => Some(parse_time(t)?),
        None => None,
    };
    if let Some(b) = &args.by {
        super::require_teammate(cfg, "--by", b, args.force)?;
    }
    let by = args.by.or(me);
    if let Some(d) = &args.deal {
        super::require_deal(index, d)?;
    }
    let text = args.text.trim().replace("\r\n", "\n");
    if text.is_empty() {
        return Err(super::usage("the activity text is empty"));
    }
    let entry = Activity {
        date,
        time,
        kind: crate::util::intern::Sym::new(&kind),
        by: by.as_deref().map(crate::util::intern::Sym::new),
        deal: args.deal.as_deref().map(crate::util::intern::Sym::new),
        text: text.into(),
        line: 0,
        kind_col: 0,
    };
    store::update(ws, record.kind, &record.id, &[Change::Log(entry.clone())])?;
    done(
        &record.path(),
        &crate::record::activity::format_entry(&entry, "\n").replacen("- ", "logged ", 1),
    );
    Ok(ExitCode::SUCCESS)
}
