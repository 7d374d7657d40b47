//! `kith serve`: renders the report if there is none, serves it over HTTP, and runs
//! `kith watch`; pages open in a browser reload when the watcher renders them again.

use crate::cli::{ServeArgs, WatchArgs};
use crate::util::output;
use crate::watch::serve::{self, Renders};
use crate::workspace::Workspace;
use anyhow::Result;
use std::process::ExitCode;
use std::sync::Arc;

pub fn run(ws: Workspace, args: ServeArgs) -> Result<ExitCode> {
    let out = crate::report::site::out_dir(&ws.root, None, &ws.config.report.out)?;
    let renders = Arc::new(Renders::default());
    let addr = if args.bind.contains(':') && !args.bind.starts_with('[') {
        format!("[{}]:{}", args.bind, args.port) // an IPv6 address
    } else {
        format!("{}:{}", args.bind, args.port)
    };
    let local = serve::start(out.clone(), &addr, renders.clone())?;
    // Listening first: a bad address or a port in use fails before any page is written. The
    // watcher renders the report (the week's pages first: at 100,000 records the record pages
    // fill in after, and a page asked for meanwhile is rendered first).
    if !out.join(crate::report::write::MARKER).is_file() {
        crate::report::write::prepare_out(&out, ws.config.report.public)?;
    }
    if !local.ip().is_loopback() {
        super::warn(&format!(
            "serving on {local}: anyone who can reach this computer can read the CRM's pages"
        ));
    }
    output::print(&format!("serving {} at http://{local}/\n", ws.rel(&out)));
    let watch = WatchArgs {
        poll: args.poll,
        debounce_ms: args.debounce_ms,
        dump_state: None,
        once: false,
    };
    super::watch::run_with(ws, watch, &renders)
}
