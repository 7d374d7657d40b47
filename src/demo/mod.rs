//! The demo workspace: the example CRM replayed as weeks of git history that end this week
//! (`kith demo DIR`). Pure: files in, commits out; [`crate::cmd`] writes them with git2.
//!
//! The example's records carry their own history. Every person, company and deal has a
//! `created` date; the activity log dates each call, visit and reply, names the teammate who
//! logged it (`@sam`), and records each stage move (`- 2026-10-28 stage @sam: lead → sql`,
//! `- 2026-11-19 stage @sam: decision-maker-bought-in → contract-sent`). The replay reads that
//! history back:
//!
//! - **Moved to this week.** Every date in the records moves by the same whole number of weeks:
//!   those between the example's week (it is written as of [`crate::demo::example::TODAY`]) and the
//!   week of the demo's today. Weekdays and ISO weeks stay what they were.
//! - **One commit per day and author.** A record appears on its `created` day with the entries
//!   up to that day and the stage it had then (the `from` of its first later move). Each later
//!   entry is logged on its day; a `stage` entry also moves the record's `lifecycle` or `stage`
//!   and stamps `lifecycle_changed`. The fields that go with a stage come and go with it
//!   (`lead_status` with the lead stages, `lost_reason` with `closed-lost`), and a deal names
//!   its contacts once they exist, so every commit passes `kith check`.
//! - **Authors.** The teammate in `@by`; for what marketing tools log by themselves (visits,
//!   e-mail opens, form fills, downloads, workflow moves) the "Brightwave Marketing"
//!   automation; else the record's owner. Times fall in working hours in the workspace's time
//!   zone, just after the latest timed entry of the commit, and messages read like
//!   `kith sync`'s (`kith: ben-carver lifecycle lead→sql, +2 activities; +1 contact`).
//! - **Eight weeks.** Everything dated before the first of the eight weeks is one initial
//!   import commit. Nothing is later than today: when the demo is made early in the week, the
//!   example's later days of that week have not happened yet and are left out.
//!
//! Nothing is rebuilt: each version of a record is its final text with later entries cut out
//! and a few fields set back (the `timeline` module), so with no shift the last commit holds the
//! example's files byte for byte. Dates in notes are moved when they are ISO dates; dates in
//! prose ("demo on 26 November") are not.

pub mod example;

mod replay;
mod schedule;
mod shift;
mod timeline;

pub use shift::{monday, shift_text, weeks_between};

use crate::record::Kind;
use crate::record::config::Config;
use anyhow::{Context, Result};
use jiff::civil::{Date, DateTime};
use timeline::Timeline;

/// Weeks of history before the current one; what is older is the initial import.
pub const HISTORY_WEEKS: i64 = 8;

/// The identity of the marketing automation's commits.
pub const AUTOMATION: (&str, &str) = ("Brightwave Marketing", "marketing@brightwave.example");

/// A workspace written as of a day: its files (`kith.yaml`, `contacts/ada.md`, ...).
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub files: &'a [(&'a str, &'a str)],
    pub today: Date,
}

impl Source<'static> {
    /// The example workspace built into kith.
    pub fn example() -> Source<'static> {
        Source {
            files: crate::demo::example::FILES,
            today: crate::demo::example::TODAY,
        }
    }
}

/// When the demo is made.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The demo's today: its last week is this day's week.
    pub today: Date,
    /// The time now, when `today` is the real today: no commit is later.
    pub now: Option<DateTime>,
}

/// A commit author (and committer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub name: String,
    pub email: String,
}

/// One commit of the demo's history.
#[derive(Debug, Clone)]
pub struct Commit {
    pub author: Author,
    /// Author and committer date, in the workspace's time zone.
    pub time: jiff::ZonedDateTime,
    pub message: String,
    /// The files it writes (`None`: deletes), relative to the workspace root.
    pub files: Vec<(String, Option<String>)>,
}

/// What the demo's current week holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Week {
    pub monday: Date,
    /// New records this week, by [`Kind`] (`new[Kind::Person as usize]`).
    pub new: [usize; 3],
    /// People whose lifecycle moved.
    pub lifecycle_moves: usize,
    /// Of those, people who became leads (from no lifecycle or a stage before the lead stages).
    pub became_leads: usize,
    /// Deals whose stage moved.
    pub deal_moves: usize,
    pub won: usize,
    pub lost: usize,
    /// Activity entries logged.
    pub activities: usize,
}

/// The demo: its commits, oldest first, and a summary.
#[derive(Debug, Clone)]
pub struct Plan {
    /// How many weeks the example's dates moved.
    pub weeks: i64,
    pub commits: Vec<Commit>,
    pub this_week: Week,
}

impl Plan {
    /// The files after the last commit.
    pub fn files(&self) -> std::collections::BTreeMap<&str, &str> {
        let mut out = std::collections::BTreeMap::new();
        for c in &self.commits {
            for (path, text) in &c.files {
                match text {
                    Some(t) => out.insert(path.as_str(), t.as_str()),
                    None => out.remove(path.as_str()),
                };
            }
        }
        out
    }

    /// The distinct authors, in order of their first commit.
    pub fn authors(&self) -> Vec<&Author> {
        let mut out: Vec<&Author> = Vec::new();
        for c in &self.commits {
            if !out.contains(&&c.author) {
                out.push(&c.author);
            }
        }
        out
    }
}

/// Replays `source` as a history whose last week is `opts.today`'s.
pub fn plan(source: Source, opts: &Options) -> Result<Plan> {
    let config_text = source
        .files
        .iter()
        .find(|(p, _)| *p == crate::record::config::FILE)
        .map(|(_, t)| *t)
        .context("the example has no kith.yaml")?;
    let (cfg, _) = Config::parse(config_text);
    let weeks = weeks_between(source.today, opts.today);
    let days = weeks * 7;
    let mut records = Vec::new();
    let mut others: Vec<(String, String)> = Vec::new();
    for (path, text) in source.files {
        match Kind::of_path(path) {
            Some((kind, id)) => {
                records.push(Timeline::read(&cfg, kind, id, shift_text(text, days))?)
            }
            None => others.push((path.to_string(), text.to_string())),
        }
    }
    let start = shift::add_days(monday(source.today), days - 7 * HISTORY_WEEKS)
        .context("the demo's today is too far from the example's")?;
    let (commits, this_week) = replay::Replay::new(&cfg, &records, start, opts).run(others)?;
    Ok(Plan {
        weeks,
        commits,
        this_week,
    })
}

#[cfg(test)]
mod tests;
