use clap::Parser;
use std::process::ExitCode;

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
