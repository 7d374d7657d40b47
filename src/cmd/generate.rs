//! `kith gen DIR -n N` (hidden): a generated workspace for benchmarks and scale tests.

use crate::cli::GenArgs;
use crate::devtools::generate::{GenOptions, generate};
use anyhow::{Context, Result};
use std::process::ExitCode;
use std::time::Instant;

pub fn run(args: GenArgs) -> Result<ExitCode> {
    let start = Instant::now();
    let today = match std::env::var(crate::workspace::TODAY_ENV) {
        Ok(d) => crate::record::activity::parse_date(&d)
            .with_context(|| format!("KITH_TODAY={d} is not a date"))?,
        Err(_) => jiff::Timestamp::now()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date(),
    };
    let summary = generate(
        &args.dir,
        &GenOptions {
            records: args.records,
            seed: args.seed,
            today,
        },
    )?;
    if args.git {
        commit_all(&args.dir)?;
    }
    crate::util::output::eprint(&format!(
        "generated {} people, {} companies, {} deals ({:.1} MB) in {:.2?}\n",
        summary.people,
        summary.companies,
        summary.deals,
        summary.bytes as f64 / 1e6,
        start.elapsed()
    ));
    Ok(ExitCode::SUCCESS)
}

fn commit_all(dir: &std::path::Path) -> Result<()> {
    if !crate::git::is_in_repo(dir) {
        crate::git::init(dir)?;
    }
    let repo = git2::Repository::open(dir)?;
    let mut index = repo.index()?;
    index.add_all(["*"], git2::IndexAddOption::DEFAULT, None)?;
    let tree = repo.find_tree(crate::git::write_index_with_tree(&repo, &mut index)?)?;
    let who = crate::git::identity_as("kith gen", "gen@kith.invalid")?;
    crate::git::commit_on_head(&repo, &who, "Generated workspace", &tree)?;
    Ok(())
}
