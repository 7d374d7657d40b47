//! One module per subcommand. Each takes its parsed arguments, calls into the library and
//! prints; none holds CRM logic of its own.

mod argv;
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
mod generate;
mod history;
mod import;
mod ingest;
mod init;
mod install;
mod list;
mod log;
mod merge;
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
mod watch;
mod workflows;

use crate::cli::{Cli, ColorWhen, Command};
use crate::index::Index;
use crate::lifecycle::Stamp;
use crate::output::{self, paint};
use crate::workspace::Workspace;
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// kith's command line, whole: configures git, reads the arguments ([`argv::normalize`], then
/// clap), runs the command, reports a failed write to stdout, and prints the command's error,
/// if any, with the exit code that goes with it ([`crate::cli::EXIT_CODES`]). The binary's
/// `main` (and `bench/sysalloc.rs`, the same with the system allocator) is this.
pub fn main() -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    crate::complete::answer_if_asked();
    crate::git::configure();
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
    match result {
        Ok(code) => code,
        Err(err) => {
            crate::output::eprint(&render_error(&err));
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
        crate::cache::disable();
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
        crate::store::dry_run();
        crate::cache::read_only();
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
        Command::Cache(c) => cache::run(&open(dir)?, c),
        Command::Completions(args) => install::completions(args),
        Command::Man(args) => install::man(args),
        Command::Gen(args) => generate::run(args),
        Command::Bench(args) => bench::run(dir, args),
    }
}

/// The name of a command that writes files other than records (a site, git's settings, a
/// new workspace) or runs an editor: it cannot honour `--dry-run`, so refuses it. Every other
/// command writes only through [`crate::store`] and the cache, which a dry run turns off.
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
    summarize(ws, index);
    index
}

/// [`load`] without the line about problems, for `kith check`, which lists them.
fn load_quiet(ws: &Workspace) -> &'static Index {
    Box::leak(Box::new(crate::load::load(ws)))
}

/// Sums up the problems of the records and kith.yaml for the one line on stderr that `main`
/// prints after the command's own output ([`print_tally`]), instead of the problems themselves.
/// Remembered in the cache for `kith list`'s answers from it, which must say the same.
fn summarize(ws: &Workspace, index: &Index) {
    let tally = index.tally();
    crate::cache::remember_tally(ws, index, tally);
    keep_tally(tally);
}

/// The tally of the workspace the command loaded, for [`print_tally`].
static TALLY: std::sync::Mutex<Option<crate::diag::Tally>> = std::sync::Mutex::new(None);

/// Keeps the tally of the workspace the command loaded (the last, if it loaded several).
fn keep_tally(tally: crate::diag::Tally) {
    *TALLY
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(tally);
}

/// Prints the kept tally's line (`614 warnings in 16,800 records; `kith check` lists them`),
/// coloured like `kith check`'s; nothing when there are no problems. `main` calls it when the
/// command succeeded: a failed command's error is what matters then.
fn print_tally() {
    let kept = TALLY
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    if let Some(tally) = kept
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

/// A path as the user can type it: relative to the current folder when inside it.
fn display_path(p: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let abs: PathBuf = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    match abs.strip_prefix(&cwd) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".to_string(),
        Ok(rel) => rel.display().to_string(),
        Err(_) => abs.display().to_string(),
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
    f: impl FnOnce(&Stamp) -> Result<T>,
) -> Result<T> {
    let (today, me) = stamp_parts(ws)?;
    let by = by.map(str::to_string).or(me);
    f(&Stamp {
        today,
        by: by.as_deref(),
    })
}

fn warn(message: &str) {
    output::eprint(&format!(
        "{}: {message}\n",
        paint(output::WARN.bold(), "warning")
    ));
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
fn unknown_teammate(cfg: &crate::config::Config, who: &str) -> Option<(String, String)> {
    let ty = crate::schema::FieldType::Teammate;
    let p = crate::schema::check(cfg, "owner", &ty, &crate::value::Value::str(who))?;
    Some((p.message, p.help.unwrap_or_default()))
}

/// Warns when `who` is not one of kith.yaml's teammates (where nothing is written: a filter,
/// or a value already in the record).
fn warn_unknown_teammate(cfg: &crate::config::Config, who: &str) {
    if let Some((message, help)) = unknown_teammate(cfg, who) {
        warn(&format!("{message} ({help})"));
    }
}

/// Refuses a teammate the user typed (`--owner`, `--by`, `owner=`) that kith.yaml does not
/// list, with a did-you-mean, before anything is written: `kith check` would only warn about
/// it later. With `force` it is written anyway, after a warning. `given_as` says where the
/// value came from (`--by`, `owner`).
fn require_teammate(
    cfg: &crate::config::Config,
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
    anyhow::bail!("{given_as}: {message}\n  help: {help} (or pass --force to write `{who}` anyway)")
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
    if crate::store::is_dry_run() {
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
    if let Some(help) = err
        .chain()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .find_map(|e| io_help(e.kind()))
    {
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
/// `--today`), in any of [`crate::dates`]' forms; `today` is what relative dates count from.
/// One that is no date is a usage error, like any argument of the wrong form.
fn date_arg(d: &str, today: jiff::civil::Date) -> Result<jiff::civil::Date> {
    crate::dates::parse(d, today).map_err(|e| usage(e.to_string()))
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
) -> Result<&'static crate::derive::Derived> {
    ws.require_valid_analysis()?;
    let date = date_or_today(ws, given_as_of)?;
    let (derived, _) = crate::derive::Derived::compute(index, date);
    crate::cache::remember_derived(ws, index, &derived);
    Ok(Box::leak(Box::new(derived)))
}

/// The records of `kind` that a segment and a filter expression (either or both) select.
fn select<'a>(
    index: &'a Index,
    derived: &crate::derive::Derived,
    segment: Option<&str>,
    filter: Option<&str>,
    kind: crate::record::Kind,
) -> Result<Vec<&'a crate::record::Record>> {
    let kind = match segment {
        Some(name) => match derived.segment(name) {
            Some(s) => s.of,
            None => {
                let names: Vec<&str> = derived.segments.iter().map(|s| s.name.as_str()).collect();
                let hint = crate::diag::suggest(name, names.iter().copied());
                anyhow::bail!(
                    "no segment named `{name}`\n  help: {hint}segments: {}",
                    names.join(", ")
                );
            }
        },
        None => kind,
    };
    let compiled = match filter {
        Some(src) => {
            let names: Vec<String> = derived.segments.iter().map(|s| s.name.clone()).collect();
            let scope = crate::filter::Scope {
                cfg: &derived.cfg,
                scores: true,
                segments: Some(&names),
                why_not: "",
            };
            Some(crate::filter::Filter::compile(src, &scope).map_err(|e| {
                anyhow::anyhow!(
                    "the filter expression is not valid: {}\n{}",
                    e.message,
                    e.render(src)
                )
            })?)
        }
        None => None,
    };
    let members: Option<std::collections::HashSet<usize>> =
        segment.map(|s| derived.members(s).into_iter().collect());
    let env = crate::filter::Env {
        index,
        cfg: &derived.cfg,
        as_of: derived.as_of,
        computed: Some(derived),
    };
    let mut out: Vec<(&crate::record::Record, usize)> = index
        .entries()
        .filter(|(slot, r)| {
            r.kind == kind
                && members.as_ref().is_none_or(|m| m.contains(slot))
                && compiled.as_ref().is_none_or(|f| f.matches(&env, *slot, r))
        })
        .map(|(slot, r)| (r, slot))
        .collect();
    out.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    Ok(out.into_iter().map(|(r, _)| r).collect())
}
