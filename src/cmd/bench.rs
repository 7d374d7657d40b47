//! `kith bench [DIR]` (hidden): times the phases of a full load and of what is computed on the
//! index (scores and segments, one filter, a search), with medians over several runs and the
//! process's peak memory.

use crate::analysis::derive::Derived;
use crate::analysis::filter::{Env, Filter, Scope};
use crate::cli::BenchArgs;
use crate::index::Index;
use crate::load;
use crate::workspace::Workspace;
use anyhow::Result;
use rayon::prelude::*;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

const PHASES: [&str; 9] = [
    "read bytes only",
    "list files",
    "read + parse",
    "build index",
    "diagnostics",
    "total (cold load)",
    "scores + segments",
    "one filter",
    "find",
];

/// The filter timed on its own (the example).
const FILTER: &str = "lifecycle = lead and score >= 60";

pub fn run(dir: Option<&Path>, args: BenchArgs) -> Result<ExitCode> {
    let base = dir.unwrap_or(Path::new("."));
    let ws = Workspace::discover(&args.dir.map_or(base.to_path_buf(), |d| base.join(d)))?;
    crate::analysis::require_valid(&ws)?;
    let as_of = ws.today()?;
    let mut phases: Vec<[Duration; 9]> = Vec::new();
    let (mut records, mut diags, mut segments, mut matched) = (0, 0, 0, 0);
    for _ in 0..args.runs.max(1) {
        // The floor: listing and reading every file's bytes, nothing parsed.
        let floor = Instant::now();
        let (found, _) = load::list(&ws);
        std::hint::black_box(crate::load::cache::read_all(&ws, &found));
        let floor = floor.elapsed();
        let t0 = Instant::now();
        let (found, _) = load::list(&ws);
        let t1 = Instant::now();
        // As a load without the cache reads and parses (the cache is `kith check`'s to time).
        let parsed = crate::load::cache::parse_all(&ws, &found);
        drop(found);
        let t2 = Instant::now();
        let index = Index::build(ws.config.clone(), parsed);
        let t3 = Instant::now();
        diags = crate::analysis::diagnostics(&index).len();
        let t4 = Instant::now();
        let (derived, _) = Derived::compute(&index, as_of);
        let t5 = Instant::now();
        let names: Vec<String> = derived.segments.iter().map(|s| s.name.clone()).collect();
        let scope = Scope {
            cfg: &index.config,
            scores: true,
            segments: Some(&names),
            why_not: "",
        };
        let filter = Filter::compile(FILTER, &scope).map_err(|e| anyhow::anyhow!("{e}"))?;
        let env = Env {
            index: &index,
            cfg: &index.config,
            as_of,
            computed: Some(&derived),
        };
        matched = index
            .entries()
            .collect::<Vec<_>>()
            .par_iter()
            .filter(|(slot, r)| filter.matches(&env, *slot, r))
            .count();
        let t6 = Instant::now();
        let _ = crate::analysis::search::find(&index, "ada pricing", 20);
        let t7 = Instant::now();
        records = index.len();
        segments = derived.segments.len();
        drop(derived);
        drop(index);
        phases.push([
            floor,
            t1 - t0,
            t2 - t1,
            t3 - t2,
            t4 - t3,
            t4 - t0,
            t5 - t4,
            t6 - t5,
            t7 - t6,
        ]);
    }
    let median = |i: usize| {
        let mut v: Vec<Duration> = phases.iter().map(|p| p[i]).collect();
        v.sort();
        v[v.len() / 2]
    };
    let min = |i: usize| phases.iter().map(|p| p[i]).min().unwrap_or_default();
    let mut out = format!(
        "{records} records, {diags} diagnostics, {segments} segments, `{FILTER}` selects {matched}; {} runs on {} threads\n",
        phases.len(),
        rayon::current_num_threads()
    );
    for (i, name) in PHASES.iter().enumerate() {
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
    crate::util::output::print(&out);
    Ok(ExitCode::SUCCESS)
}

/// Peak resident memory of this process (Linux).
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
