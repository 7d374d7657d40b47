//! `kith migrate --layout sharded|flat [--dry-run]`: moves every record file to where the
//! layout keeps it, in one commit of renames ([`crate::sync::migrate`]).

use super::say;
use crate::cli::MigrateArgs;
use crate::record::layout::Layout;
use crate::util::output;
use crate::workspace::Workspace;
use anyhow::{Context, Result};
use std::process::ExitCode;

/// How many moves a dry run lists before it counts the rest.
const SHOWN: usize = 10;

pub fn run(ws: &Workspace, args: MigrateArgs) -> Result<ExitCode> {
    let to = Layout::parse(&args.layout).context("--layout takes `flat` or `sharded`")?;
    let path = ws.root.join(crate::record::config::FILE);
    let config = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let m = crate::sync::migrate::migrate(&ws.root, &config, to, args.dry_run)?;
    let would = if args.dry_run { "would " } else { "" };
    if args.dry_run {
        for (from, dest) in m.moves.iter().take(SHOWN) {
            say(from, &format!("would move to {dest}"));
        }
        if m.moves.len() > SHOWN {
            output::print(&format!("... and {} more\n", m.moves.len() - SHOWN));
        }
    }
    if m.config.is_some() {
        let what = match (to, args.dry_run) {
            (Layout::Sharded, _) => "set layout: sharded",
            (Layout::Flat, true) => "remove `layout:` (flat is the default)",
            (Layout::Flat, false) => "removed `layout:` (flat is the default)",
        };
        say(crate::record::config::FILE, &format!("{would}{what}"));
    }
    if m.attributes.is_some() {
        say(
            ".gitattributes",
            &format!("{would}set the merge driver for the {} layout", to.name()),
        );
    }
    let records = |n: usize| if n == 1 { "record" } else { "records" };
    let n = m.moves.len();
    match (&m.commit, args.dry_run) {
        (_, true) => output::print(&format!(
            "would move {n} {} to the {} layout in one commit; run it without --dry-run\n",
            records(n),
            to.name()
        )),
        (Some(commit), false) => output::print(&format!(
            "moved {n} {} to the {} layout in one commit ({}); `git log --follow` crosses it\n",
            records(n),
            to.name(),
            &commit[..commit.len().min(7)]
        )),
        (None, false) if n == 0 && m.config.is_none() => output::print(&format!(
            "every record is in the {} layout already; nothing to do\n",
            to.name()
        )),
        (None, false) => output::print(&format!(
            "moved {n} {} to the {} layout (not a git repository: nothing committed)\n",
            records(n),
            to.name()
        )),
    }
    Ok(ExitCode::SUCCESS)
}
