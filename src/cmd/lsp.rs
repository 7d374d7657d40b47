//! `kith lsp`: the language server, over stdin and stdout, until the editor says `exit`.

use crate::cli::LspArgs;
use anyhow::Result;
use std::path::Path;
use std::process::ExitCode;

pub fn run(dir: Option<&Path>, args: LspArgs) -> Result<ExitCode> {
    let options = crate::lsp::Options { poll: args.poll };
    crate::lsp::run(dir.unwrap_or(Path::new(".")), options)?;
    Ok(ExitCode::SUCCESS)
}
