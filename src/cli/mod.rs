//! Command-line interface definitions (clap derive). No logic here: each subcommand's work is
//! in its own module under [`crate::cmd`].

pub mod complete;

use crate::util::output::Format;
use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::ArgValueCandidates;
use std::path::PathBuf;

/// kith's exit codes, the same for every command; shown by `kith --help` and in README.md.
pub const EXIT_CODES: &str = "\
Exit codes (every command):
  0  success (also when the reader of the output stops early: `kith list | head -1`)
  1  kith check found errors, or a user error: a record that does not exist, a task number out
     of range, nothing to do where something was asked, a refused or failed write (including
     to standard output)
  2  a command-line usage error: an unknown command or option, a missing or extra argument, a
     value of the wrong form (not a date, not KEY=VALUE)";

#[derive(Debug, Parser)]
#[command(
    name = "kith",
    version = crate::VERSION,
    about = "A local-first CRM: people, companies and deals as markdown files in git",
    long_about = None,
    after_help = EXIT_CODES,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Run as if kith was started in DIR
    #[arg(short = 'C', global = true, value_name = "DIR", id = "chdir")]
    pub dir: Option<PathBuf>,

    /// When to colour the output
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,

    /// Neither read nor write the cache of parsed records in .kith/cache/ (for support; the
    /// output is the same either way)
    #[arg(long, global = true, env = "KITH_NO_CACHE", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_cache: bool,

    /// Show what would change and write nothing: no record, no cache, no other file (commands
    /// that cannot say what they would write refuse it)
    #[arg(long, global = true)]
    pub dry_run: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new workspace (kith.yaml, folders, .gitignore, git repository)
    Init(InitArgs),
    /// Create a demo workspace with weeks of history: the example CRM, dated to this week
    Demo(DemoArgs),
    /// Create a contact, company or deal; prints the new file's path
    New(NewArgs),
    /// Show a record as a readable card
    Show(ShowArgs),
    /// List contacts, companies or deals
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Set fields: `kith set ada lifecycle=mql owner=sam`
    Set(SetArgs),
    /// Remove fields
    Unset(UnsetArgs),
    /// Add or remove tags: `kith tag ada +vip -cold`
    Tag(TagArgs),
    /// Append an entry to a record's activity log
    Log(LogArgs),
    /// Move a person to the next lifecycle stage (or the one given)
    Promote(PromoteArgs),
    /// Turn a qualified lead into an opportunity: links or creates the company, creates a deal
    Convert(ConvertArgs),
    /// Open a record in $VISUAL/$EDITOR, then check it
    Edit(EditArgs),
    /// Check every record and kith.yaml; exit code 1 if there are errors
    Check(CheckArgs),
    /// Each segment with its size and description
    Segments(SegmentsArgs),
    /// A person's lead score and every rule behind it; or, with --compare, what a scoring
    /// change would change
    Score(ScoreArgs),
    /// People whose score qualifies them for a later lifecycle stage (with --apply, move them)
    Qualify(QualifyArgs),
    /// Ranked search over names, e-mails, phones, companies, notes and activities
    Find(FindArgs),
    /// Likely duplicate records, with a confidence and the reasons
    Duplicates(DuplicatesArgs),
    /// Merge a duplicate into the record that stays: fields and logs combined, references
    /// re-pointed, the duplicate removed
    Merge(MergeArgs),
    /// Erase a person, as data-protection law requires: their file, their id in deals, their
    /// name, e-mail addresses and phone numbers in other records' notes, and derived caches
    /// (git history keeps them: the command says how to purge it)
    Forget(ForgetArgs),
    /// Add a follow-up task to a record: `kith task ada "confirm pilot scope" --due 2026-11-27`
    Task(TaskArgs),
    /// Tick a record's open task (the only one, or number N as `kith due` shows it)
    Done(DoneArgs),
    /// Move a record's open task N to a later due date
    Snooze(SnoozeArgs),
    /// The agenda: open tasks due or overdue, oldest first (or a calendar with --format ics)
    Due(DueArgs),
    /// Each workflow in kith.yaml: who is in it, and the steps due next
    Workflows(WorkflowsArgs),
    /// Run the workflows for a day: who enters, which steps are due (with --apply, write them)
    Advance(AdvanceArgs),
    /// Commit, fetch, merge field by field, check and push: share the CRM with your team
    Sync(SyncArgs),
    /// Uncommitted record changes, ahead/behind the remote, unresolved conflicts
    Status,
    /// Clone a team's CRM and set up the merge driver and the pre-commit check
    Clone(CloneArgs),
    /// Move every record file to another folder layout in one commit of renames:
    /// `--layout sharded` (`contacts/3f/a/ada.md`, for 100,000 records and more) or `flat`
    Migrate(MigrateArgs),
    /// Register the field-by-field merge driver and the pre-commit check in this repository
    InstallMergeDriver,
    /// Used by git: merge a record field by field (`kith merge-driver %O %A %B %P`)
    #[command(hide = true)]
    MergeDriver(MergeDriverArgs),
    /// Every change to a record over time: date, author, commit, field, old → new
    History(HistoryArgs),
    /// Who last set each field of a record, and when
    Blame(HistoryArgs),
    /// Fields that two teammates set differently, recorded by merges
    Conflicts(ConflictsArgs),
    /// End a recorded conflict: `kith resolve ada --field phone --take theirs`
    Resolve(ResolveArgs),
    /// Import people from a CSV file (HubSpot, Salesforce, Google Contacts, spreadsheets) or
    /// vCards: new people are created, known ones (same e-mail address) updated
    Import(ImportArgs),
    /// Log e-mail (mbox, Maildir, .eml) and meetings (.ics) as activities; website form
    /// messages become leads
    Ingest(IngestArgs),
    /// Export contacts, companies or deals as CSV, JSON lines or vCards
    Export(ExportArgs),
    /// Render the weekly pipeline report: a static site in public/ (funnel, what moved, hot
    /// leads, deals)
    Report(ReportArgs),
    /// Follow the workspace: re-index each saved file and print what it changed
    Watch(WatchArgs),
    /// `kith watch` plus a web server for the report that reloads open pages when they are
    /// rendered again (127.0.0.1 unless --bind says otherwise)
    Serve(ServeArgs),
    /// Language server for editors (diagnostics, completion, hover, go to definition,
    /// rename) over stdin and stdout; started by the editor, not by hand
    Lsp(LspArgs),
    /// Show or clear the cache of parsed records in .kith/cache/
    #[command(subcommand)]
    Cache(CacheCommand),
    /// Print the shell completion script (commands, options, record ids, segments,
    /// teammates): `source <(kith completions bash)` in ~/.bashrc
    Completions(CompletionsArgs),
    /// Print the manual page (roff): `kith man | man -l -`, or `kith man task` for one command
    Man(ManArgs),
    /// Generate a workspace of realistic records (benchmarks, scale tests; `--features devtools`)
    #[cfg(feature = "devtools")]
    #[command(hide = true)]
    Gen(GenArgs),
    /// Measure loading a workspace (`--features devtools`)
    #[cfg(feature = "devtools")]
    #[command(hide = true)]
    Bench(BenchArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder for the workspace (created if missing)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Workspace name (default: the folder's name)
    #[arg(long)]
    pub name: Option<String>,
    /// IANA time zone (default: this computer's)
    #[arg(long)]
    pub timezone: Option<String>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// New or empty folder for the demo workspace
    pub dir: PathBuf,
    /// The demo's today: its history ends in this day's week (default: today)
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub today: Option<String>,
}

/// What `kith new` creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    #[value(alias = "person")]
    Contact,
    /// A contact at lifecycle `lead`
    Lead,
    Company,
    Deal,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    pub kind: NewKind,
    /// Full name of the person, company or deal
    pub name: String,
    /// Set a field, e.g. --set email=ada@example.com (repeatable)
    #[arg(long = "set", short = 's', value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Create it even if a person with the same e-mail exists, or `owner` names no teammate
    /// in kith.yaml
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Id, e-mail address or name
    #[arg(add = ArgValueCandidates::new(complete::records))]
    pub id: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    pub format: ShowFormat,
    /// How many recent activities to show
    #[arg(long, default_value_t = 10)]
    pub activities: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Text,
    Json,
}

/// Which records `kith list` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ListKind {
    #[default]
    #[value(alias = "contact", alias = "people", alias = "leads")]
    Contacts,
    #[value(alias = "company")]
    Companies,
    #[value(alias = "deal")]
    Deals,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(value_enum, default_value_t = ListKind::Contacts)]
    pub kind: ListKind,
    /// Only these lifecycle stages (comma-separated; `leads` for every lead stage, `none` for plain contacts)
    #[arg(long, value_delimiter = ',')]
    pub lifecycle: Vec<String>,
    /// Only records owned by this teammate (`none` for unowned)
    #[arg(long)]
    #[arg(add = ArgValueCandidates::new(complete::teammates))]
    pub owner: Option<String>,
    /// Only records with this tag (repeatable: all must match)
    #[arg(long)]
    pub tag: Vec<String>,
    /// Only deals at these stages (comma-separated; `open`, `won`, `lost` too)
    #[arg(long, value_delimiter = ',')]
    pub stage: Vec<String>,
    /// Sort by this field (lifecycle and stage sort in funnel order)
    #[arg(long, value_name = "FIELD")]
    pub sort: Option<String>,
    /// Reverse the order
    #[arg(long, short = 'r')]
    pub reverse: bool,
    /// Columns for table and csv output (comma-separated field names)
    #[arg(long, value_delimiter = ',')]
    pub fields: Vec<String>,
    /// Only members of this segment
    #[arg(long, value_name = "NAME")]
    #[arg(add = ArgValueCandidates::new(complete::segments))]
    pub segment: Option<String>,
    /// Only records this filter expression selects, e.g. "lifecycle = lead and score >= 60"
    #[arg(long = "where", value_name = "EXPR")]
    pub filter: Option<String>,
    /// Evaluate scores and dates as of this day (default: today)
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub as_of: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct SetArgs {
    /// The record (id, e-mail address or name), then the fields to set; with --where or
    /// --segment, only the fields
    #[arg(required = true, value_name = "ID KEY=VALUE")]
    pub args: Vec<String>,
    /// Allow moving `lifecycle` backwards, or an `owner` that names no teammate in kith.yaml
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub bulk: BulkArgs,
}

/// Selecting many records for one edit.
#[derive(Debug, Args, Default)]
pub struct BulkArgs {
    /// Edit every contact this filter expression selects
    #[arg(long = "where", value_name = "EXPR", conflicts_with = "segment")]
    pub filter: Option<String>,
    /// Edit every member of this segment
    #[arg(long, value_name = "NAME")]
    #[arg(add = ArgValueCandidates::new(complete::segments))]
    pub segment: Option<String>,
    /// Evaluate scores and dates as of this day (default: today)
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub as_of: Option<String>,
}

#[derive(Debug, Args)]
pub struct UnsetArgs {
    /// Id, e-mail address or name
    #[arg(add = ArgValueCandidates::new(complete::records))]
    pub id: String,
    /// Fields to remove
    #[arg(required = true, value_name = "KEY")]
    pub keys: Vec<String>,
}

#[derive(Debug, Args)]
pub struct TagArgs {
    /// The record (id, e-mail address or name), then `+tag` to add, `-tag` to remove (a bare
    /// `tag` adds); with --where or --segment, only the tags. kith's options stay options
    /// among them; a tag that starts with `--` goes after `--`
    #[arg(
        required = true,
        allow_hyphen_values = true,
        value_name = "ID +TAG|-TAG"
    )]
    pub args: Vec<String>,
    #[command(flatten)]
    pub bulk: BulkArgs,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Id, e-mail address or name
    #[arg(add = ArgValueCandidates::new(complete::records))]
    pub id: String,
    /// Activity type (call, email, meeting, note, visit, ...)
    #[arg(value_name = "TYPE")]
    pub kind: String,
    /// What happened
    pub text: String,
    /// Date of the activity (default: today)
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub date: Option<String>,
    /// Time of the activity
    #[arg(long, value_name = "HH:MM")]
    pub time: Option<String>,
    /// Teammate who did it (default: the one whose e-mail is your git user.email)
    #[arg(long, value_name = "TEAMMATE")]
    #[arg(add = ArgValueCandidates::new(complete::teammates))]
    pub by: Option<String>,
    /// Deal it belongs to
    #[arg(long, value_name = "DEAL-ID")]
    #[arg(add = ArgValueCandidates::new(complete::deals))]
    pub deal: Option<String>,
    /// Write it even if --by names no teammate in kith.yaml
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct TaskArgs {
    /// Id, e-mail address or name
    #[arg(add = ArgValueCandidates::new(complete::records))]
    pub id: String,
    /// What to do
    pub text: String,
    /// Due date (default: today)
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub due: Option<String>,
    /// Time of day
    #[arg(long, value_name = "HH:MM")]
    pub time: Option<String>,
    /// Kind of touch (call, email, meeting, ...)
    #[arg(long = "type", value_name = "TYPE", default_value = "follow-up")]
    pub kind: String,
    /// Teammate who does it (default: the record's owner, else you)
    #[arg(long, value_name = "TEAMMATE")]
    #[arg(add = ArgValueCandidates::new(complete::teammates))]
    pub owner: Option<String>,
    /// Deal it belongs to
    #[arg(long, value_name = "DEAL-ID")]
    #[arg(add = ArgValueCandidates::new(complete::deals))]
    pub deal: Option<String>,
    /// Write it even if --owner names no teammate in kith.yaml
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct DoneArgs {
    /// Id, e-mail address or name
    #[arg(add = ArgValueCandidates::new(complete::records))]
    pub id: String,
    /// Which open task (1 = due first); needed when there are several
    pub n: Option<usize>,
    /// The open task whose type and text contain these words (instead of N)
    #[arg(long = "match", value_name = "TEXT", conflicts_with = "n")]
    pub matching: Option<String>,
    /// The day it was done (default: today)
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub on: Option<String>,
    /// Also log it in the activity log, as an entry of the task's type
    #[arg(long)]
    pub log: bool,
}

#[derive(Debug, Args)]
pub struct SnoozeArgs {
    /// Id, e-mail address or name
    #[arg(add = ArgValueCandidates::new(complete::records))]
    pub id: String,
    /// Which open task (1 = due first)
    #[arg(required_unless_present = "matching")]
    pub n: Option<usize>,
    /// The open task whose type and text contain these words (instead of N)
    #[arg(long = "match", value_name = "TEXT", conflicts_with = "n")]
    pub matching: Option<String>,
    /// The new due date
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub to: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DueFormat {
    Table,
    Json,
    /// An iCalendar (RFC 5545) feed of every open task, for calendar apps
    Ics,
}

#[derive(Debug, Args)]
pub struct DueArgs {
    /// Only this teammate's tasks (`none` for tasks without an owner)
    #[arg(long)]
    #[arg(add = ArgValueCandidates::new(complete::teammates))]
    pub owner: Option<String>,
    /// Also tasks due in the next N days
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub days: i64,
    /// The day to count from (default: today)
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub as_of: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = DueFormat::Table)]
    pub format: DueFormat,
}

#[derive(Debug, Args)]
pub struct WorkflowsArgs {
    /// Evaluate as of this day (default: today)
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub as_of: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    pub format: ShowFormat,
}

#[derive(Debug, Args)]
pub struct AdvanceArgs {
    /// Write the steps into the records (default: only show them)
    #[arg(long)]
    pub apply: bool,
    /// Run the workflows for this day (default: today)
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub as_of: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    pub format: ShowFormat,
}

#[derive(Debug, Args)]
pub struct PromoteArgs {
    /// Id, e-mail address or name
    #[arg(add = ArgValueCandidates::new(complete::people))]
    pub id: String,
    /// Target stage (default: the next one)
    pub stage: Option<String>,
    /// Allow moving backwards
    #[arg(long)]
    pub force: bool,
    /// Why (`other_reason` when moving to a stage outside the funnel, such as `other`)
    #[arg(long)]
    pub reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Id, e-mail address or name of the lead
    #[arg(add = ArgValueCandidates::new(complete::people))]
    pub id: String,
    /// Name of the new deal (default: "<company> – new business")
    #[arg(long)]
    pub deal: Option<String>,
    /// Deal amount
    #[arg(long)]
    pub amount: Option<f64>,
    /// Deal currency (default: kith.yaml's)
    #[arg(long)]
    pub currency: Option<String>,
    /// Expected close date
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub close: Option<String>,
    /// Company name or id (default: the person's company, or one found by e-mail domain)
    #[arg(long)]
    pub company: Option<String>,
    /// Convert even if the person is not a lead
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// Id, e-mail address or name
    #[arg(add = ArgValueCandidates::new(complete::records))]
    pub id: String,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Check the records as staged in git's index (what the next commit holds)
    #[arg(long)]
    pub staged: bool,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The remote to publish to when the branch has no upstream yet
    #[arg(long)]
    pub remote: Option<String>,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The layout to move to: `sharded` (4,096 folders per kind) or `flat` (the default)
    #[arg(long, value_parser = ["flat", "sharded"])]
    pub layout: String,
    /// The global `--dry-run`: list the moves, write nothing
    #[arg(skip)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct CloneArgs {
    /// The team's repository (any URL or path `git clone` takes)
    pub url: String,
    /// Where to put it (default: the repository's name)
    pub dir: Option<std::path::PathBuf>,
    /// The branch that holds the workspace (default: the remote's HEAD; if that names no
    /// branch, the only branch, else `main`)
    #[arg(long, short)]
    pub branch: Option<String>,
}

#[derive(Debug, Args)]
pub struct MergeDriverArgs {
    pub base: std::path::PathBuf,
    pub ours: std::path::PathBuf,
    pub theirs: std::path::PathBuf,
    pub path: String,
}

#[derive(Debug, Args, Default)]
pub struct ReportArgs {
    /// The ISO week to report on, e.g. 2026-W48 (default: this week)
    #[arg(long, conflicts_with = "as_of")]
    pub week: Option<String>,
    /// Report on the week of this date, with the figures as of that day
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub as_of: Option<String>,
    /// Where to write the site (default: `report.out` in kith.yaml, else public/)
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<std::path::PathBuf>,
    /// Aggregate pages only, safe to publish: no record pages, notes, e-mail addresses or phone
    /// numbers; people's names reduced to initials (or left out: `report.public_names: none`)
    #[arg(long)]
    pub public: bool,
    /// Also render the archive pages of the N weeks before
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub backfill: usize,
    /// Do not write the record pages
    #[arg(long)]
    pub no_records: bool,
    /// Print the week's headline figures, their changes and the top lists instead of writing
    /// the site: markdown to paste into chat or an e-mail (plain with --format text)
    #[arg(long, conflicts_with_all = ["out", "backfill", "no_records"])]
    pub digest: bool,
    /// The digest's format
    #[arg(long, value_enum, default_value_t = DigestFormat::Markdown, requires = "digest")]
    pub format: DigestFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum DigestFormat {
    #[default]
    Markdown,
    Text,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port to listen on (0: any free port)
    #[arg(long, short, default_value_t = 8800)]
    pub port: u16,
    /// The address to listen on; anything but a loopback address serves the CRM's pages to
    /// everyone who can reach this computer
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: String,
    /// Poll the files instead of native notification (network drives, some containers)
    #[arg(long)]
    pub poll: bool,
    /// Wait this long after the last change before applying a batch
    #[arg(long, value_name = "MS", default_value_t = 200, hide = true)]
    pub debounce_ms: u64,
}

#[derive(Debug, Args)]
pub struct LspArgs {
    /// Poll the files instead of native notification (network drives, some containers)
    #[arg(long)]
    pub poll: bool,
    /// Accepted and ignored: editors pass it to say the server talks over stdio
    #[arg(long, hide = true)]
    pub stdio: bool,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Poll the files instead of native notification (network drives, some containers)
    #[arg(long)]
    pub poll: bool,
    /// Wait this long after the last change before applying a batch
    #[arg(long, value_name = "MS", default_value_t = 200, hide = true)]
    pub debounce_ms: u64,
    /// After each batch, write the state's canonical summary to FILE and print `batch N: HASH`
    #[arg(long, value_name = "FILE", hide = true)]
    pub dump_state: Option<std::path::PathBuf>,
    /// Load, dump the state (with --dump-state) and exit, without watching
    #[arg(long, hide = true)]
    pub once: bool,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Id, e-mail address or name
    #[arg(add = ArgValueCandidates::new(complete::records))]
    pub id: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    pub format: ShowFormat,
}

#[derive(Debug, Args)]
pub struct ConflictsArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// Id, e-mail address or name
    #[arg(add = ArgValueCandidates::new(complete::records))]
    pub id: String,
    /// The field in conflict
    #[arg(long)]
    pub field: String,
    /// `ours` (keep the value in place), `theirs`, or a new value
    #[arg(long, value_name = "ours|theirs|VALUE")]
    pub take: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct SegmentsArgs {
    /// Evaluate as of this day (default: today)
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub as_of: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Id, e-mail address or name of the person
    #[arg(required_unless_present = "compare")]
    #[arg(add = ArgValueCandidates::new(complete::people))]
    pub id: Option<String>,
    /// Score as of this day (default: today)
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub as_of: Option<String>,
    /// Compare with the scoring in kith.yaml at this git revision: which people's grade or
    /// qualification would change
    #[arg(long, value_name = "REV")]
    pub compare: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    pub format: ShowFormat,
}

#[derive(Debug, Args)]
pub struct QualifyArgs {
    /// Make the moves (default: only list them)
    #[arg(long)]
    pub apply: bool,
    /// Score as of this day (default: today)
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub as_of: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct FindArgs {
    /// Words to look for (all of them must match)
    #[arg(required = true)]
    pub text: Vec<String>,
    /// How many results
    #[arg(long, short = 'n', default_value_t = 20)]
    pub limit: usize,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct DuplicatesArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The record that stays (id, e-mail address or name)
    #[arg(add = ArgValueCandidates::new(complete::records))]
    pub keep: String,
    /// The record merged into it, then removed
    #[arg(add = ArgValueCandidates::new(complete::records))]
    pub drop: String,
    /// The global `--dry-run`: show the changes as a diff, write nothing
    #[arg(skip)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ForgetArgs {
    /// The person (id, e-mail address or name)
    #[arg(add = ArgValueCandidates::new(complete::people))]
    pub id: String,
    /// The global `--dry-run`: show the changes as a diff, write nothing
    #[arg(skip)]
    pub dry_run: bool,
    /// Do not ask for confirmation (needed when input is not a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A CSV file with a header row, a vCard file (.vcf), JSON lines from `kith export`, or
    /// kith's own CSV files (people.csv, companies.csv, deals.csv, activities.csv, tasks.csv)
    /// or their folder; several files or a folder of a HubSpot, Salesforce or Pipedrive export
    /// are migrated as one
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Columns kith does not recognise: "Header=field,Other Header=field" (`field` may be a
    /// custom field; `-` leaves the column out)
    #[arg(long, value_name = "MAP")]
    pub map: Option<String>,
    /// The global `--dry-run`: show what would happen, write nothing
    #[arg(skip)]
    pub dry_run: bool,
    /// Replace values that differ (default: fill only empty fields)
    #[arg(long)]
    pub overwrite: bool,
    /// Import the valid rows even if some are invalid (default: an invalid row stops everything)
    #[arg(long)]
    pub skip_invalid: bool,
    /// Output format of the summary
    #[arg(long, value_enum, default_value_t = ShowFormat::Text, value_name = "FORMAT")]
    pub format: ShowFormat,
    /// What the file holds (default: decided from its header row)
    #[arg(long, value_enum, value_name = "KIND")]
    pub kind: Option<ImportKind>,
}

/// What an import file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportKind {
    #[value(alias = "contacts", alias = "person", alias = "contact")]
    People,
    #[value(alias = "company")]
    Companies,
    #[value(alias = "deal")]
    Deals,
    // Activity log entries: kith's own activities.csv, or a CRM's export of engagements,
    // tasks or activities.
    #[value(alias = "activity")]
    Activities,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// mbox files (Gmail Takeout, Thunderbird), Maildir folders, .eml files and .ics calendars;
    /// a folder that is not a Maildir is searched for them
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Unknown external senders become contacts (`source: email`), as `ingest.create: true`
    #[arg(long)]
    pub create: bool,
    /// The global `--dry-run`: list every entry and record it would write, write nothing
    #[arg(skip)]
    pub dry_run: bool,
}

/// What `kith export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    /// One JSON object per line (JSON lines)
    Json,
    /// vCard 4.0 (contacts only)
    Vcf,
}

/// Which records `kith export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportKind {
    #[value(alias = "contact", alias = "people", alias = "leads")]
    Contacts,
    #[value(alias = "company")]
    Companies,
    #[value(alias = "deal")]
    Deals,
    /// Contacts, companies and deals
    All,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Only members of this segment
    #[arg(long, value_name = "NAME", conflicts_with = "filter")]
    #[arg(add = ArgValueCandidates::new(complete::segments))]
    pub segment: Option<String>,
    /// Only records this filter expression selects
    #[arg(long = "where", value_name = "EXPR")]
    pub filter: Option<String>,
    /// Which records (a segment decides for itself; default: contacts, or all for json)
    #[arg(long, value_enum)]
    pub kind: Option<ExportKind>,
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Write to FILE instead of standard output; a folder (`out/`) takes one CSV file per kind
    /// with activities.csv and tasks.csv
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// CSV columns (comma-separated field names)
    #[arg(long, value_delimiter = ',')]
    pub fields: Vec<String>,
    /// Include people marked do_not_contact or who withdrew consent
    #[arg(long)]
    pub include_dnc: bool,
    /// Evaluate scores and segments as of this day (default: today)
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub as_of: Option<String>,
}

#[cfg(feature = "devtools")]
#[derive(Debug, Args)]
pub struct GenArgs {
    /// Folder to create the workspace in
    pub dir: PathBuf,
    /// Number of records
    #[arg(long, short = 'n', default_value_t = 1000)]
    pub records: usize,
    /// Random seed (same seed, same workspace)
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Also `git init` and commit the records
    #[arg(long)]
    pub git: bool,
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// What the cache holds and whether it is up to date
    Status,
    /// Delete the cache; the next command rebuilds it
    Clear,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command whose page to print (default: kith's own page)
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

#[cfg(feature = "devtools")]
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Workspace to load (default: the current one)
    pub dir: Option<PathBuf>,
    /// Number of timed runs
    #[arg(long, default_value_t = 7)]
    pub runs: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
