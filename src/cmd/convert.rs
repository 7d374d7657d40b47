//! `kith convert ID`: a qualified lead becomes an opportunity with a company and a deal.

use super::{done, load, with_stamp};
use crate::cli::ConvertArgs;
use crate::edit::store;
use crate::index::resolve::resolve;
use crate::plan::convert::{self, CompanyPlan, Options};
use crate::record::Kind;
use crate::workspace::Workspace;
use anyhow::{Result, bail};
use std::process::ExitCode;

pub fn run(ws: &Workspace, args: ConvertArgs) -> Result<ExitCode> {
    let index = load(ws);
    let person = resolve(index, &args.id, Some(Kind::Person))?;
    let close = match &args.close {
        Some(d) => Some(super::date_arg(d, ws.today()?)?),
        None => None,
    };
    if let Some(a) = args.amount
        && (!a.is_finite() || a < 0.0)
    {
        bail!("the amount must be a positive number");
    }
    let opts = Options {
        deal_name: args.deal,
        amount: args.amount,
        currency: args.currency,
        close,
        company: args.company,
        force: args.force,
    };
    let plan = with_stamp(ws, None, |stamp| convert::plan(index, person, &opts, stamp))?;
    // New files first, then edits to existing ones: an interrupted run leaves no dangling reference.
    match &plan.company {
        CompanyPlan::Create { id, name, text } => {
            store::create(ws, Kind::Company, id, text)?;
            done(
                &crate::record::layout::rel(Kind::Company, id),
                &format!("created company {name}"),
            );
        }
        CompanyPlan::Link { id, fill } => {
            let filled = !fill.is_empty() && store::update(ws, Kind::Company, id, fill)?;
            let what = if filled {
                format!(
                    "linked; filled {}",
                    fill.iter()
                        .map(|c| c.describe())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            } else {
                "linked".to_string()
            };
            done(&crate::record::layout::rel(Kind::Company, id), &what);
        }
    }
    store::create(ws, Kind::Deal, &plan.deal_id, &plan.deal_text)?;
    done(
        &crate::record::layout::rel(Kind::Deal, &plan.deal_id),
        &format!("created deal {}", plan.deal_name),
    );
    if !plan.person_changes.is_empty() {
        store::update(ws, Kind::Person, &person.id, &plan.person_changes)?;
    }
    let moved = match &plan.stage {
        Some(s) => format!(
            "lifecycle {} → {s}",
            person.lifecycle().unwrap_or_else(|| "contact".into())
        ),
        None => format!(
            "lifecycle stays {}",
            person.lifecycle().unwrap_or_else(|| "contact".into())
        ),
    };
    done(&person.path(), &moved);
    Ok(ExitCode::SUCCESS)
}
