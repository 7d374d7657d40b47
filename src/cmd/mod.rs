//! One module per subcommand. Each takes its parsed arguments, calls into the library and
//! prints; none holds CRM logic of its own.

mod argv;
#[cfg(feature = "devtools")]
mod bench;
mod cache;
mod check;
mod conflicts;
mod convert;
mod demo;
mod duplicates;
mod editor;
mod export;
mod find;
mod forget;
#[cfg(feature = "devtools")]
mod generate;
mod history;
mod import;
mod import_files;
mod ingest;
mod init;
mod install;
mod list;
mod log;
mod lsp;
mod merge;
mod migrate;
mod new;
mod promote;
mod qualify;
mod report;
mod score;
mod segments;
mod serve;
mod set;
mod show;
mod sync;
mod task;
mod vendor;
mod watch;
mod workflows;

use crate::analysis::select::select;
use crate::cli::{Cli, ColorWhen, Command};
use crate::edit::store::{self, Prepared};
use crate::index::Index;
use crate::plan::fold;
use crate::plan::lifecycle::Attribution;
use crate::record::Kind;
use crate::record::schema::{self, FieldType};
use crate::record::value::Value;
use crate::util::output::{self, display_path, paint, warn};
use crate::workspace::Workspace;
use anyhow::{Result, bail};
use std::path::Path;
use std::process::ExitCode;

/// kith's command line, whole: configures git, reads the arguments ([`argv::normalize`], then
/// clap), runs the command, reports a failed write to stdout, and prints the command's error,
/// if any, with the exit code that goes with it ([`crate::cli::EXIT_CODES`]). The binary's
/// `main` (and `bench/sysalloc.rs`, the same with the system allocator) is this.
pub fn main() -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    crate::cli::complete::answer_if_asked();
    crate::git::configure();
    output::trace("started");
    let command = Cli::command();
    let cli = argv::normalize(&command, std::env::args_os().collect())
        .and_then(|args| command.try_get_matches_from(args))
        .and_then(|matches| Cli::from_arg_matches(&matches))
        .unwrap_or_else(|e| e.exit());
    let result = run(cli).and_then(|code| match output::stdout_error() {
        Some(e) => Err(anyhow::Error::new(e).context("cannot write to standard output")),
        None => {
            print_tally();
            Ok(code)
        }
    });
    output::trace("done");
    match result {
        Ok(code) => code,
        Err(err) => {
            crate::util::output::eprint(&render_error(&err));
            ExitCode::from(exit_code(&err))
        }
    }
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.color {
        ColorWhen::Always => anstream::ColorChoice::Always.write_global(),
        ColorWhen::Never => anstream::ColorChoice::Never.write_global(),
        ColorWhen::Auto => {}
    }
    if cli.no_cache {
        crate::load::cache::disable();
    }
    let dry_run = cli.dry_run;
    if dry_run {
        if let Some(name) = without_dry_run(&cli.command) {
            return Err(usage(format!(
                "`kith {name}` has no dry run: it writes more than records, and could not \
                 show what; run it without --dry-run"
            )));
        }
        // Every command below writes through `store` or the cache, which now write nothing.
        crate::edit::store::dry_run();
        crate::load::cache::read_only();
    }
    let dir = cli.dir.as_deref();
    match cli.command {
        Command::Init(args) => init::run(dir, args),
        Command::Demo(args) => demo::run(dir, args),
        Command::New(args) => new::run(&open(dir)?, args),
        Command::Show(args) => show::run(&open(dir)?, args),
        Command::List(args) => list::run(&open(dir)?, args),
        Command::Set(args) => set::set(&open(dir)?, args),
        Command::Unset(args) => set::unset(&open(dir)?, args),
        Command::Tag(args) => set::tag(&open(dir)?, args),
        Command::Log(args) => log::run(&open(dir)?, args),
        Command::Promote(args) => promote::run(&open(dir)?, args),
        Command::Convert(args) => convert::run(&open(dir)?, args),
        Command::Edit(args) => editor::run(&open(dir)?, args),
        Command::Check(args) => check::run(dir, args),
        Command::Segments(args) => segments::run(&open(dir)?, args),
        Command::Score(args) => score::run(&open(dir)?, args),
        Command::Qualify(args) => qualify::run(&open(dir)?, args),
        Command::Find(args) => find::run(&open(dir)?, args),
        Command::Duplicates(args) => duplicates::run(&open(dir)?, args),
        Command::Merge(mut args) => {
            args.dry_run = dry_run;
            merge::run(&open(dir)?, args)
        }
        Command::Forget(mut args) => {
            args.dry_run = dry_run;
            forget::run(&open(dir)?, args)
        }
        Command::Task(args) => task::add(&open(dir)?, args),
        Command::Done(args) => task::done(&open(dir)?, args),
        Command::Snooze(args) => task::snooze(&open(dir)?, args),
        Command::Due(args) => task::due(&open(dir)?, args),
        Command::Workflows(args) => workflows::list(&open(dir)?, args),
        Command::Advance(args) => workflows::advance(&open(dir)?, args),
        Command::Sync(args) => sync::sync(&open(dir)?, args),
        Command::Status => sync::status(&open(dir)?),
        Command::Clone(args) => sync::clone(dir, args),
        Command::Migrate(mut args) => {
            args.dry_run = dry_run;
            migrate::run(&open(dir)?, args)
        }
        Command::InstallMergeDriver => sync::install_merge_driver(&open(dir)?),
        Command::MergeDriver(args) => sync::merge_driver(args),
        Command::History(args) => history::history(&open(dir)?, args),
        Command::Blame(args) => history::blame(&open(dir)?, args),
        Command::Conflicts(args) => conflicts::list(&open(dir)?, args),
        Command::Resolve(args) => conflicts::resolve_one(&open(dir)?, args),
        Command::Import(mut args) => {
            args.dry_run = dry_run;
            import::run(&open(dir)?, args)
        }
        Command::Ingest(mut args) => {
            args.dry_run = dry_run;
            ingest::run(&open(dir)?, args)
        }
        Command::Export(args) => export::run(&open(dir)?, args),
        Command::Report(args) => report::run(&open(dir)?, dir, args),
        Command::Watch(args) => watch::run(open(dir)?, args),
        Command::Serve(args) => serve::run(open(dir)?, args),
        Command::Lsp(args) => lsp::run(dir, args),
        Command::Cache(c) => cache::run(&open(dir)?, c),
        Command::Completions(args) => install::completions(args),
        Command::Man(args) => install::man(args),
        #[cfg(feature = "devtools")]
        Command::Gen(args) => generate::run(args),
        #[cfg(feature = "devtools")]
        Command::Bench(args) => bench::run(dir, args),
    }
}

/// The name of a command that writes files other than records (a site, git's settings, a
/// new workspace) or runs an editor: it cannot honour `--dry-run`, so refuses it. Every other
/// command writes only through [`crate::edit::store`] and the cache, which a dry run turns off.
fn without_dry_run(command: &Command) -> Option<&'static str> {
    use crate::cli::CacheCommand;
    Some(match command {
        Command::Init(_) => "init",
        Command::Demo(_) => "demo",
        Command::Edit(_) => "edit",
        Command::Sync(_) => "sync",
        Command::Clone(_) => "clone",
        Command::InstallMergeDriver => "install-merge-driver",
        Command::MergeDriver(_) => "merge-driver",
        Command::Report(_) => "report",
        Command::Watch(_) => "watch",
        Command::Serve(_) => "serve",
        Command::Cache(CacheCommand::Clear) => "cache clear",
        Command::Export(args) if args.output.is_some() => "export --output",
        #[cfg(feature = "devtools")]
        Command::Gen(_) => "gen",
        _ => return None,
    })
}

/// Finds the workspace from `-C DIR` or the current folder, refusing a broken kith.yaml.
fn open(dir: Option<&Path>) -> Result<Workspace> {
    let ws = Workspace::discover(dir.unwrap_or(Path::new(".")))?;
    ws.require_valid_config()?;
    Ok(ws)
}

/// Loads the index for a command, and sums up its problems in one line ([`summarize`]). It
/// lives until the process exits: freeing 100,000 records one by one at exit would only cost
/// time.
fn load(ws: &Workspace) -> &'static Index {
    let index = load_quiet(ws);
    crate::load::summarize(ws, index);
    index
}

/// [`load`] without the line about problems, for `kith check`, which lists them.
fn load_quiet(ws: &Workspace) -> &'static Index {
    crate::util::free::until_exit(crate::load::load(ws))
}

/// Prints the kept tally's line (`614 warnings in 16,800 records; `kith check` lists them`),
/// coloured like `kith check`'s; nothing when there are no problems. `main` calls it when the
/// command succeeded: a failed command's error is what matters then.
fn print_tally() {
    if let Some(tally) = crate::load::take_tally()
        && let Some(line) = tally.line()
    {
        let style = if tally.errors > 0 {
            output::BAD
        } else {
            output::WARN
        };
        output::eprint(&format!("{}\n", paint(style, &line)));
    }
}

/// Today and the teammate running kith (from git's user.email), for lifecycle stamps.
fn stamp_parts(ws: &Workspace) -> Result<(jiff::civil::Date, Option<String>)> {
    let today = ws.today()?;
    let by = crate::git::user_email(&ws.root)
        .and_then(|email| ws.config.teammate_by_email(&email).map(|t| t.id.clone()));
    Ok((today, by))
}

fn with_stamp<T>(
    ws: &Workspace,
    by: Option<&str>,
    f: impl FnOnce(&Attribution) -> Result<T>,
) -> Result<T> {
    let (today, me) = stamp_parts(ws)?;
    let by = by.map(str::to_string).or(me);
    f(&Attribution {
        today,
        by: by.as_deref(),
    })
}

/// A warning and what to do about it.
fn warn_hint(w: &crate::util::hint::Hint) {
    warn(&w.message);
    if let Some(help) = &w.help {
        output::eprint(&format!("  help: {help}\n"));
    }
}

/// An activity or task type as given on the command line, lowercased; letters, digits, `-`
/// and `_` only. `what` names it in the message (`an activity type`).
fn activity_type(given: &str, what: &str) -> Result<String> {
    let kind = given.trim().to_lowercase();
    if kind.is_empty()
        || !kind
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(usage(format!(
            "`{given}` is not {what} (letters, digits and `-`)"
        )));
    }
    Ok(kind)
}

/// Why `who` is not a teammate, and a did-you-mean or the teammates' list; `None` when it is
/// one (or kith.yaml lists none).
fn unknown_teammate(cfg: &crate::record::config::Config, who: &str) -> Option<(String, String)> {
    let ty = crate::record::schema::FieldType::Teammate;
    let p =
        crate::record::schema::check(cfg, "owner", &ty, &crate::record::value::Value::str(who))?;
    Some((p.message, p.help.unwrap_or_default()))
}

/// Warns when `who` is not one of kith.yaml's teammates (where nothing is written: a filter,
/// or a value already in the record).
fn warn_unknown_teammate(cfg: &crate::record::config::Config, who: &str) {
    if let Some((message, help)) = unknown_teammate(cfg, who) {
        warn(&format!("{message} ({help})"));
    }
}

/// Refuses a teammate the user typed (`--owner`, `--by`, `owner=`) that kith.yaml does not
/// list, with a did-you-mean, before anything is written: `kith check` would only warn about
/// it later. With `force` it is written anyway, after a warning. `given_as` says where the
/// value came from (`--by`, `owner`).
fn require_teammate(
    cfg: &crate::record::config::Config,
    given_as: &str,
    who: &str,
    force: bool,
) -> Result<()> {
    let Some((message, help)) = unknown_teammate(cfg, who) else {
        return Ok(());
    };
    if force {
        warn(&format!("{message}; written anyway (--force)"));
        return Ok(());
    }
    Err(crate::util::hint::hint(
        format!("{given_as}: {message}"),
        format!("{help} (or pass --force to write `{who}` anyway)"),
    ))
}

/// Fails unless the deal `id` exists.
fn require_deal(index: &Index, id: &str) -> Result<()> {
    if !index.contains(crate::record::Kind::Deal, id) {
        anyhow::bail!("there is no deal `{id}` (deals/{id}.md)");
    }
    Ok(())
}

/// Prints `path: what changed` after a write; in a dry run, `path: would change: what`.
fn done(path: &str, what: &str) {
    if crate::edit::store::is_dry_run() {
        say(path, &format!("would change: {what}"));
    } else {
        say(path, what);
    }
}

/// Prints `path: message`.
fn say(path: &str, message: &str) {
    output::print(&format!("{}: {message}\n", paint(output::BOLD, path)));
}

/// A mistake in the form of the command line, found without reading the workspace (exit code
/// 2, like clap's own usage errors). Errors that depend on the records or kith.yaml (an
/// unknown record, a task number out of range) are user errors: exit code 1.
#[derive(Debug)]
pub struct Usage(pub String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// An error for a command called the wrong way.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Usage(message.into()))
}

/// The exit code for an error: 2 for usage mistakes, 1 for everything else
/// ([`crate::cli::EXIT_CODES`]).
pub fn exit_code(err: &anyhow::Error) -> u8 {
    if err.downcast_ref::<Usage>().is_some() {
        2
    } else {
        1
    }
}

/// `error: message`, then each cause on its own line, for `main` to print.
pub fn render_error(err: &anyhow::Error) -> String {
    let mut out = format!("{}: {err}\n", paint(output::BAD.bold(), "error"));
    for cause in err.chain().skip(1) {
        out.push_str(&format!("  caused by: {cause}\n"));
    }
    if let Some(help) = crate::util::hint::help_of(err).or_else(|| {
        err.chain()
            .filter_map(|c| c.downcast_ref::<std::io::Error>())
            .find_map(|e| io_help(e.kind()))
    }) {
        out.push_str(&format!("  help: {help}\n"));
    }
    out
}

/// What to do about a write the system refused.
fn io_help(kind: std::io::ErrorKind) -> Option<&'static str> {
    use std::io::ErrorKind::*;
    Some(match kind {
        StorageFull => "the disk is full: free some space, then run the command again",
        ReadOnlyFilesystem => {
            "the workspace is on a read-only file system; kith cannot change files there"
        }
        FileTooLarge => {
            "a limit on file sizes (`ulimit -f`) stopped the write; raise it, then run the command again"
        }
        QuotaExceeded => "your disk quota is used up: free some space, then run the command again",
        _ => return None,
    })
}

/// A date given on the command line (`--as-of`, `--date`, `--due`, `--to`, `--on`, `--close`,
/// `--today`), in any of [`crate::record::dates`]' forms; `today` is what relative dates count from.
/// One that is no date is a usage error, like any argument of the wrong form.
fn date_arg(d: &str, today: jiff::civil::Date) -> Result<jiff::civil::Date> {
    crate::record::dates::parse(d, today).map_err(|e| usage(e.to_string()))
}

/// A date given on the command line, or today when none is.
fn date_or_today(ws: &Workspace, given: Option<&str>) -> Result<jiff::civil::Date> {
    let today = ws.today()?;
    match given {
        Some(d) => date_arg(d, today),
        None => Ok(today),
    }
}

/// Scores and segments at `--as-of` (or today), refusing broken scoring or segment settings.
fn derive(
    ws: &Workspace,
    index: &Index,
    given_as_of: Option<&str>,
) -> Result<&'static crate::analysis::derive::Derived> {
    crate::analysis::require_valid(ws)?;
    let date = date_or_today(ws, given_as_of)?;
    let (derived, _) = crate::analysis::derive::Derived::compute(index, date);
    crate::load::cache::remember_derived(ws, index, &derived);
    Ok(crate::util::free::until_exit(derived))
}

// What several commands share: checks of what a command is asked to write, and printing.

/// A prepared change as a unified diff, coloured on a terminal.
fn diff(p: &Prepared) -> String {
    let new = p.new.as_deref().unwrap_or("");
    let (a, b) = (
        format!("a/{}", p.rel),
        match p.new {
            Some(_) => format!("b/{}", p.rel),
            None => "/dev/null".to_string(),
        },
    );
    let text = similar::TextDiff::from_lines(p.old.as_str(), new)
        .unified_diff()
        .context_radius(3)
        .header(&a, &b)
        .to_string();
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let style = if line.starts_with("+++") || line.starts_with("---") {
            output::BOLD
        } else if line.starts_with('+') {
            output::GOOD
        } else if line.starts_with('-') {
            output::BAD
        } else if line.starts_with("@@") {
            output::ACCENT
        } else {
            anstyle::Style::new()
        };
        out.push_str(&paint(style, line.strip_suffix('\n').unwrap_or(line)));
        out.push('\n');
    }
    out
}

/// Prepares every edit and then the removal of `removed`, each with its summary, in memory;
/// when any is refused, fails naming each refusal (`what` says what could not be done) and
/// nothing is written. Shared by `kith merge` and `kith forget`.
fn prepare_all(
    ws: &Workspace,
    edits: &[fold::Edit],
    removed: &crate::record::Record,
    what: impl FnOnce() -> String,
) -> Result<Vec<(Prepared, Vec<String>)>> {
    let mut prepared: Vec<(Prepared, Vec<String>)> = Vec::new();
    let mut refused: Vec<String> = Vec::new();
    // Messages that do not name their file get it in front.
    let refusal = |path: String, e: anyhow::Error| {
        let message = crate::util::hint::as_lines(&e);
        if message.contains(&path) {
            message
        } else {
            format!("{path}: {message}")
        }
    };
    for edit in edits {
        match store::prepare(ws, edit.kind, &edit.id, &edit.changes) {
            Ok(Some(p)) => prepared.push((p, edit.summary.clone())),
            Ok(None) => {}
            Err(e) => refused.push(refusal(edit.path(), e)),
        }
    }
    match store::prepare_removal(ws, removed.kind, &removed.id) {
        Ok(p) => prepared.push((p, vec!["removed".into()])),
        Err(e) => refused.push(refusal(removed.path(), e)),
    }
    if !refused.is_empty() {
        bail!(
            "{}, so nothing was written:\n  {}",
            what(),
            refused.join("\n  ")
        );
    }
    Ok(prepared)
}

/// Refuses references to records that do not exist (a company that is not there yet).
fn check_references(
    index: &crate::index::Index,
    kind: Kind,
    fields: &[(String, Value)],
) -> Result<()> {
    for (k, v) in fields {
        let target = match schema::field_type(&index.config, kind, k) {
            Some(FieldType::Ref(t) | FieldType::Refs(t)) => t,
            _ => continue,
        };
        for item in v.items() {
            let id = item.to_text();
            if !index.contains(target, &id) {
                return Err(crate::util::hint::hint(
                    format!("`{k}` refers to {target} `{id}`, which does not exist"),
                    format!(
                        "create it first with `kith new {} \"...\"`, or give its id",
                        target.noun()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Refuses teammates kith.yaml does not list (`owner=bob`), unless `force`.
fn check_teammates(
    cfg: &crate::record::config::Config,
    kind: Kind,
    fields: &[(String, Value)],
    force: bool,
) -> Result<()> {
    for (k, v) in fields {
        if schema::field_type(cfg, kind, k) == Some(FieldType::Teammate) {
            require_teammate(cfg, k, &v.to_text(), force)?;
        }
    }
    Ok(())
}

fn parse_time(t: &str) -> Result<(u8, u8)> {
    let parsed = t.split_once(':').and_then(|(h, m)| {
        let (h, m): (u8, u8) = (h.parse().ok()?, m.parse().ok()?);
        (h < 24 && m < 60 && t.len() <= 5).then_some((h, m))
    });
    parsed.ok_or_else(|| usage(format!("`{t}` is not a time written HH:MM")))
}

/// `1 person`, `3 people`.
fn people(n: usize) -> String {
    if n == 1 {
        "1 person".to_string()
    } else {
        format!("{n} people")
    }
}
