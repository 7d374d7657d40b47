//! `kith cache status|clear`: the cache of parsed records, for support.

use crate::cli::CacheCommand;
use crate::util::output;
use crate::workspace::Workspace;
use anyhow::{Context, Result};
use std::process::ExitCode;

pub fn run(ws: &Workspace, command: CacheCommand) -> Result<ExitCode> {
    match command {
        CacheCommand::Clear => {
            let freed = crate::load::cache::clear(ws).with_context(|| {
                format!("cannot delete {}", crate::load::cache::dir(ws).display())
            })?;
            output::print(&format!(
                "cleared {} ({})\n",
                super::display_path(&crate::load::cache::dir(ws)),
                crate::load::human_size(freed)
            ));
        }
        CacheCommand::Status => {
            let status = crate::load::cache::status(ws);
            output::print(&format!("{status}\n"));
        }
    }
    Ok(ExitCode::SUCCESS)
}
