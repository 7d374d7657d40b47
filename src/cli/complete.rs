//! Shell completion and the manual page, both generated from the clap definitions in
//! [`crate::cli`]. `kith completions SHELL` prints a small script that, each time the user
//! presses Tab, runs kith again with [`VAR`] set (clap_complete's dynamic completion); kith then
//! completes subcommands and options from [`crate::cli`], and record ids, segments and
//! teammates from the workspace in the current folder (the candidate functions below). They
//! read file names and kith.yaml only, never the records, so a Tab stays instant at 100,000
//! records; any error means no candidates, never a message in the middle of the command line.

use crate::cli::Cli;
use crate::record::Kind;
use crate::workspace::Workspace;
use clap::CommandFactory as _;
use clap_complete::engine::CompletionCandidate;
use clap_complete::env::{EnvCompleter, Shells};
use std::io::Write;
use std::path::Path;

/// The environment variable that makes kith answer a completion request instead of running.
/// Not clap's default `COMPLETE`: a variable of that name set for anything else would turn
/// every kith command into a completion.
pub const VAR: &str = "KITH_COMPLETE";

/// Answers a completion request and exits, when the shell script started kith for one.
pub fn answer_if_asked() {
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(VAR)
        .complete();
}

/// Writes the completion script for `shell` (`bash`, `zsh`, `fish`, `powershell`, `elvish`).
/// The script calls `kith` as found on the PATH, so it keeps working after an upgrade.
pub fn write_script(shell: &str, out: &mut dyn Write) -> std::io::Result<()> {
    let shells = Shells::builtins();
    let completer: &dyn EnvCompleter = shells.completer(shell).ok_or_else(|| {
        std::io::Error::other(format!(
            "kith has no completions for `{shell}` (shells: {})",
            shells.names().collect::<Vec<_>>().join(", ")
        ))
    })?;
    completer.write_registration(VAR, "kith", "kith", "kith", out)
}

/// Writes the manual page (roff) of kith, or of one subcommand (`kith-task(1)`).
pub fn write_man(command: Option<&str>, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut cmd = Cli::command();
    cmd.build();
    let page = match command {
        None => cmd,
        Some(name) => {
            let names: Vec<&str> = cmd
                .get_subcommands()
                .filter(|s| !s.is_hide_set())
                .map(|s| s.get_name())
                .collect();
            let Some(sub) = cmd.find_subcommand(name) else {
                let hint = crate::record::diag::suggest(name, names.iter().copied());
                return Err(crate::util::hint::hint(
                    format!("kith has no command `{name}`"),
                    format!("{hint}commands: {}", names.join(", ")),
                ));
            };
            // clap names commands with `&'static str`; one page per process.
            let full: &'static str = Box::leak(format!("kith-{}", sub.get_name()).into_boxed_str());
            sub.clone().name(full).bin_name(full)
        }
    };
    clap_mangen::Man::new(page).render(out)?;
    Ok(())
}

/// The workspace in the current folder, if there is one.
fn workspace() -> Option<Workspace> {
    Workspace::discover(Path::new(".")).ok()
}

/// Record ids (file names without `.md`) of these kinds, sorted, the kind as their help.
fn ids(kinds: &[Kind]) -> Vec<CompletionCandidate> {
    let Some(ws) = workspace() else {
        return Vec::new();
    };
    // Loading's listing, which knows where the layout keeps records (`contacts/3f/ada.md`).
    let (found, _) = crate::load::list(&ws);
    let mut out = Vec::new();
    for &kind in kinds {
        out.extend(
            found
                .iter()
                .filter(|f| f.kind == kind)
                .map(|f| CompletionCandidate::new(f.id.clone()).help(Some(kind.noun().into()))),
        );
    }
    out
}

/// Every record's id: people, companies and deals.
pub fn records() -> Vec<CompletionCandidate> {
    ids(&[Kind::Person, Kind::Company, Kind::Deal])
}

/// People's ids.
pub fn people() -> Vec<CompletionCandidate> {
    ids(&[Kind::Person])
}

/// Deals' ids.
pub fn deals() -> Vec<CompletionCandidate> {
    ids(&[Kind::Deal])
}

/// The segments kith.yaml defines, and the built-in ones, with their descriptions.
pub fn segments() -> Vec<CompletionCandidate> {
    let Some(ws) = workspace() else {
        return Vec::new();
    };
    let (segments, _) = crate::analysis::segment::from_config(&ws.config);
    segments
        .into_iter()
        .map(|s| {
            let help = (!s.description.is_empty()).then(|| s.description.into());
            CompletionCandidate::new(s.name).help(help)
        })
        .collect()
}

/// The teammates kith.yaml lists, with their names.
pub fn teammates() -> Vec<CompletionCandidate> {
    let Some(ws) = workspace() else {
        return Vec::new();
    };
    ws.config
        .teammates
        .iter()
        .map(|t| CompletionCandidate::new(&t.id).help(Some(t.name.clone().into())))
        .collect()
}
