//! `kith bench [DIR]` (hidden): times the phases of a full load, with medians over several
//! runs and the process's peak memory.

use crate::cli::BenchArgs;
use crate::index::Index;
use crate::load;
use crate::workspace::Workspace;
use anyhow::Result;
use rayon::prelude::*;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

pub fn run(dir: Option<&Path>, args: BenchArgs) -> Result<ExitCode> {
    let base = dir.unwrap_or(Path::new("."));
    let ws = Workspace::discover(&args.dir.map_or(base.to_path_buf(), |d| base.join(d)))?;
    let mut phases: Vec<[Duration; 5]> = Vec::new();
    let mut records = 0;
    let mut diags = 0;
    for _ in 0..args.runs.max(1) {
        let t0 = Instant::now();
        let (found, _) = load::list(&ws);
        let t1 = Instant::now();
        let parsed: Vec<_> = found.par_iter().map(|f| load::load_one(&ws, f)).collect();
        let t2 = Instant::now();
        let mut index = Index::with_capacity(ws.config.clone(), parsed.len());
        for p in parsed {
            index.insert(p);
        }
        let t3 = Instant::now();
        diags = index.diagnostics().len();
        let t4 = Instant::now();
        records = index.len();
        drop(index);
        phases.push([t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0]);
    }
    let median = |i: usize| {
        let mut v: Vec<Duration> = phases.iter().map(|p| p[i]).collect();
        v.sort();
        v[v.len() / 2]
    };
    let min = |i: usize| phases.iter().map(|p| p[i]).min().unwrap_or_default();
    let mut out = format!(
        "{records} records, {diags} diagnostics, {} runs on {} threads\n",
        phases.len(),
        rayon::current_num_threads()
    );
    for (i, name) in [
        "list files",
        "read + parse",
        "build index",
        "diagnostics",
        "total (cold load)",
    ]
    .iter()
    .enumerate()
    {
        out.push_str(&format!(
            "  {name:<18} median {:>9.1?}  min {:>9.1?}\n",
            median(i),
            min(i)
        ));
    }
    if let Some(kb) = peak_rss_kb() {
        out.push_str(&format!(
            "  peak memory        {:.0} MB\n",
            kb as f64 / 1024.0
        ));
    }
    crate::output::print(&out);
    Ok(ExitCode::SUCCESS)
}

/// Peak resident memory of this process (Linux).
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
