use clap::Parser;
use std::process::ExitCode;

/// mimalloc: kith allocates many small values from every core at once (parsing 100,000
/// records, rendering 100,000 pages), where glibc's allocator spends a sixth of the time.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    kith::git::configure();
    let cli = kith::cli::Cli::parse();
    match kith::cmd::run(cli) {
        Ok(code) => code,
        Err(err) => {
            kith::output::eprint(&kith::cmd::render_error(&err));
            ExitCode::from(kith::cmd::exit_code(&err))
        }
    }
}
