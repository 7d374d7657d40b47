//! kith with the system allocator, for heap profilers (massif, heaptrack) that see only malloc.
use clap::Parser;
fn main() -> std::process::ExitCode {
    kith::git::configure();
    let cli = kith::cli::Cli::parse();
    match kith::cmd::run(cli) {
        Ok(code) => code,
        Err(err) => {
            kith::output::eprint(&kith::cmd::render_error(&err));
            std::process::ExitCode::from(kith::cmd::exit_code(&err))
        }
    }
}
