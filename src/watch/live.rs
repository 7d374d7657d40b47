//! `kith report` kept open while `kith watch` or `kith serve` runs: the week's history is read
//! once (a save in the working tree changes no commit; it shows as "not yet committed"), the
//! figures come from the watcher's live index, and after a batch only the pages that can
//! depend on it are rendered again: the week's pages, the segment pages whose contents
//! changed, and the pages of the records the batch reached. Pages are written only when their
//! contents changed, and they are the pages a fresh `kith report` would write for the same
//! files (the watch tests compare the two).
//!
//! The figures are kept as sums of every record's part ([`report::Tally`]): a batch works out
//! again the parts of the records it reached, not everyone's.
//!
//! Everything is rendered again when HEAD moves (a commit, a checkout), on a new day, and when
//! the watcher opens a new session (kith.yaml or a template changed).

use crate::git::commits::{self, Cache};
use crate::git::history::{RecordEvent, Repo};
use crate::record::Kind;
use crate::report::site::Site;
use crate::report::write::{
    Histories, MARKER, SiteInfo, archive, prepare_out, record_context, render_record,
    uncommitted_by_path, write_records, write_segment, write_weekly,
};
use crate::report::{self, History, Week, pages};
use crate::watch::apply::Live;
use crate::workspace::Workspace;
use anyhow::{Context as _, Result};
use jiff::civil::Date;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The report folder of a workspace being watched, and what its pages were made from.
pub struct Session {
    site: Site,
    out: PathBuf,
    public: bool,
    week: Week,
    as_of: Date,
    archive: Vec<Week>,
    repo: Option<Repo>,
    /// The commit history was read at.
    head: Option<git2::Oid>,
    history: History,
    histories: Histories,
    /// Uncommitted record changes by file path (git's order).
    uncommitted: BTreeMap<String, Vec<RecordEvent>>,
    /// What the pages were last rendered from.
    info: Option<SiteInfo>,
    /// The segments' member lists, kept up to date batch by batch.
    members: Option<report::members::Members>,
    /// The figures as sums of the records' parts, kept up to date batch by batch (none:
    /// worked out whole at the next render).
    tally: Option<report::Tally>,
    weekly_value: WeeklyValue,
    /// Record pages still to render after the first render of a large workspace, and the same
    /// as a set (a page a batch or a request rendered first is not rendered twice).
    queue: Vec<(Kind, String)>,
    pending: rustc_hash::FxHashSet<(Kind, String)>,
    /// The last render left every record page to fill in ([`Session::take_deferred`]).
    deferred: bool,
}

/// Above this many records, the first render writes the week's and the segments' pages and
/// leaves the record pages to [`Session::fill`], a few at a time between batches: at 100,000
/// records they take half a minute, and the report should open at once. Below, they take
/// under a second and are written with the rest, as `kith report` writes them.
pub const DEFER_ABOVE: usize = 2_000;

/// How many record pages [`Session::fill`] renders at a time: a batch that arrives meanwhile
/// waits for at most this many.
pub const FILL: usize = 64;

/// What one render wrote.
pub struct Rendered {
    pub written: usize,
    pub unchanged: usize,
}

impl Session {
    /// Opens the workspace's report folder, if it has one (a folder `kith report` made), and
    /// renders every page once.
    pub fn open(ws: &Workspace, live: &Live) -> Result<Option<Session>> {
        let out = ws.root.join(&ws.config.report.out);
        let Ok(mode) = std::fs::read_to_string(out.join(MARKER)) else {
            return Ok(None);
        };
        crate::analysis::require_valid(ws)?;
        let public = mode.trim() == "public" || ws.config.report.public;
        prepare_out(&out, public)?;
        let site = Site::new(&ws.root, out.clone())?;
        git2::opts::strict_hash_verification(false);
        let today = live.as_of;
        let week = Week::of(today);
        let mut s = Session {
            site,
            out: out.clone(),
            public,
            week,
            as_of: today,
            archive: archive(&out, &[week]),
            repo: Repo::open(&ws.root)?,
            head: None,
            history: History::Unavailable(String::new()),
            histories: Histories::default(),
            uncommitted: BTreeMap::new(),
            info: None,
            members: None,
            tally: None,
            weekly_value: WeeklyValue::default(),
            queue: Vec::new(),
            pending: Default::default(),
            deferred: false,
        };
        s.read_history(ws)?;
        s.site.write_style()?;
        Ok(Some(s))
    }

    /// The report folder.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// The week the pages show.
    pub fn week(&self) -> Week {
        self.week
    }

    /// Renders the pages again after a batch. `records` are the records whose pages may have
    /// changed (`None`: every record's).
    pub fn render(
        &mut self,
        ws: &Workspace,
        live: &Live,
        records: Option<&[(Kind, String)]>,
    ) -> Result<Rendered> {
        let (written, unchanged) = self.site.counts();
        let mut records = records;
        if live.as_of != self.as_of {
            // A new day: another as-of date, perhaps another week.
            self.as_of = live.as_of;
            self.week = Week::of(live.as_of);
            self.archive = archive(&self.out, &[self.week]);
            self.read_history(ws)?;
            records = None;
        } else if self.head_moved() {
            self.read_history(ws)?;
            records = None;
        } else if let Some(keys) = records {
            self.refresh_uncommitted(ws, keys);
        }
        crate::util::output::trace("report: changes not committed");
        let cfg = &ws.config;
        let uncommitted: Vec<RecordEvent> = self.uncommitted.values().flatten().cloned().collect();
        let input = report::Input {
            index: &live.index,
            derived: &live.derived,
            week: self.week,
            as_of: self.as_of,
            history: &self.history,
            uncommitted: &uncommitted,
            diagnostics: live.diagnostics(),
            duplicates: &live.duplicates.pairs,
            public: self.public,
        };
        // Only the parts of the records the batch reached are worked out again; everything
        // is after a new day, a commit, or a new session. (Taken out until the render is
        // done: after a failed one, the next works everything out again.)
        let mut tally = match (self.tally.take(), records) {
            (Some(mut tally), Some(keys)) => {
                tally.update(&input, keys);
                tally
            }
            _ => report::Tally::new(&input, true),
        };
        crate::util::output::trace("report: parts");
        let weekly = tally.weekly(&input);
        crate::util::output::trace("report built");
        // The segments whose member lists changed (all of them after a full rebuild).
        let (members, changed): (_, Vec<usize>) = match (self.members.take(), records) {
            (Some(mut m), Some(keys)) => {
                let changed = m.update(&live.index, &live.derived, keys);
                (m, changed.into_iter().collect())
            }
            _ => {
                let m =
                    report::members::Members::new(&live.index, &live.derived, self.public, true);
                let all = (0..m.len()).collect();
                (m, all)
            }
        };
        let info = SiteInfo::new(cfg, self.as_of, self.public, &self.archive, members.links());
        let value = self.weekly_value.make(&weekly);
        write_weekly(
            &self.site,
            &info,
            &weekly,
            value,
            self.week,
            &self.archive,
            true,
        )?;
        crate::report::write::feed::write_entry(&self.site, cfg, &weekly)?;
        crate::report::write::feed::write(&self.site, cfg)?;
        self.weekly_value.keep(weekly);
        crate::util::output::trace("weekly pages");
        let changed: Vec<usize> = if self.reads_same_info("segment.html", &info) {
            changed
        } else {
            (0..members.len()).collect()
        };
        changed
            .par_iter()
            .try_for_each(|&i| write_segment(&self.site, &info, &members.page(i)))?;
        crate::util::output::trace("segment pages");
        if !self.public {
            let since = self.week.last(cfg.report.trend_weeks)[0]
                .start()
                .to_string();
            match records.filter(|_| self.reads_same_info("record.html", &info)) {
                Some(keys) => {
                    self.write_some(live, &info, &since, keys)?;
                    for key in keys {
                        self.pending.remove(key);
                    }
                }
                None if live.index.len() > DEFER_ABOVE => self.defer_records(live)?,
                None => {
                    self.queue.clear();
                    self.pending.clear();
                    write_records(
                        &self.site,
                        &live.index,
                        &live.derived,
                        &info,
                        &self.histories,
                        &since,
                    )?
                }
            }
            crate::util::output::trace("record pages");
        }
        self.info = Some(info);
        self.tally = Some(tally);
        self.members = Some(members);
        let (w, u) = self.site.counts();
        Ok(Rendered {
            written: w - written,
            unchanged: u - unchanged,
        })
    }

    /// Leaves every record page to [`Session::fill`]: the pages of the records there are, and
    /// of the records gone whose pages are still in the folder (to remove them).
    fn defer_records(&mut self, live: &Live) -> Result<()> {
        let mut keys: Vec<(Kind, String)> = Vec::with_capacity(live.index.len());
        for kind in Kind::ALL {
            let dir = self.out.join(kind.dir());
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let listing = std::fs::read_dir(&dir)
                .with_context(|| format!("cannot list {}", dir.display()))?;
            for e in listing.flatten() {
                if let Some(id) = e.file_name().to_str().and_then(|n| n.strip_suffix(".html")) {
                    keys.push((kind, id.to_string()));
                }
            }
        }
        keys.extend(
            live.index
                .entries()
                .map(|(_, r)| (r.kind, r.id.to_string())),
        );
        // Filled in from the end: the first records first.
        keys.sort_unstable_by(|a, b| b.cmp(a));
        keys.dedup();
        self.pending = keys.iter().cloned().collect();
        self.queue = keys;
        self.deferred = true;
        Ok(())
    }

    /// After a render that left every record page to fill in, the pages still to render (as
    /// paths in the report folder); `None` after any other.
    pub fn take_deferred(&mut self) -> Option<Vec<String>> {
        if !std::mem::take(&mut self.deferred) {
            return None;
        }
        Some(
            self.pending
                .iter()
                .map(|(kind, id)| format!("{}/{id}.html", kind.dir()))
                .collect(),
        )
    }

    /// Renders the record pages asked for (`wanted`, paths in the report folder), then up to
    /// [`FILL`] more of those still to render; returns the paths it rendered or removed.
    pub fn fill(&mut self, live: &Live, wanted: &[String]) -> Result<Vec<String>> {
        let mut keys: Vec<(Kind, String)> = Vec::new();
        for rel in wanted {
            let key = Kind::ALL.iter().find_map(|k| {
                let id = rel.strip_prefix(k.dir())?.strip_prefix('/')?;
                Some((*k, id.strip_suffix(".html")?.to_string()))
            });
            if let Some(key) = key
                && self.pending.remove(&key)
            {
                keys.push(key);
            }
        }
        while keys.len() < FILL.max(wanted.len())
            && let Some(key) = self.queue.pop()
        {
            if self.pending.remove(&key) {
                keys.push(key);
            }
        }
        let Some(info) = self.info.clone() else {
            return Ok(Vec::new());
        };
        let since = self.week.last(live.index.config.report.trend_weeks)[0]
            .start()
            .to_string();
        // Pages that fail are written again at the next full render.
        self.write_some(live, &info, &since, &keys)?;
        Ok(keys
            .iter()
            .map(|(kind, id)| format!("{}/{id}.html", kind.dir()))
            .collect())
    }

    /// Whether record pages are still to render.
    pub fn filling(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Whether the pages of `template` (a record's, a segment's) would read the same site
    /// information as last time. The built-in templates show only the workspace's name, the
    /// date, the weeks and whether the report is public (not the segment list, whose sizes
    /// change with many saves); a workspace's own template, base or components may show
    /// anything.
    fn reads_same_info(&self, template: &str, info: &SiteInfo) -> bool {
        let Some(old) = &self.info else { return false };
        let custom = [template, "base.html", "components.html"]
            .iter()
            .any(|t| self.site.is_overridden(t));
        if custom {
            return old == info;
        }
        old.workspace == info.workspace
            && old.generated == info.generated
            && old.public == info.public
            && old.weeks == info.weeks
    }

    /// Renders the pages of some records; removes those of records that are gone.
    fn write_some(
        &self,
        live: &Live,
        info: &SiteInfo,
        since: &str,
        keys: &[(Kind, String)],
    ) -> Result<()> {
        let shared = record_context(info, since);
        let index = &live.index;
        let (site, histories) = (&self.site, &self.histories);
        let pages: Vec<(String, Option<String>)> = keys
            .par_iter()
            .map(|(kind, id)| -> Result<(String, Option<String>)> {
                let rel = format!("{}/{id}.html", kind.dir());
                match index.slot(*kind, id) {
                    Some(slot) => {
                        let r = index.at_slot(slot).expect("a slot holds its record");
                        if r.broken {
                            return Ok((rel, None));
                        }
                        let (rel, html) =
                            render_record(site, &shared, index, &live.derived, histories, slot, r)?;
                        Ok((rel, Some(html)))
                    }
                    None => Ok((rel, None)),
                }
            })
            .collect::<Result<_>>()?;
        for (rel, html) in pages {
            match html {
                Some(html) => self.site.write(&rel, &html)?,
                None => {
                    let path = self.out.join(&rel);
                    match std::fs::remove_file(&path) {
                        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                            return Err(e)
                                .with_context(|| format!("cannot remove {}", path.display()));
                        }
                        _ => {}
                    }
                }
            }
        }
        Ok(())
    }

    fn head_moved(&self) -> bool {
        let head = self.repo.as_ref().and_then(|r| r.git.head().ok()?.target());
        head != self.head
    }

    /// Reads the trend window's history and the uncommitted changes again.
    fn read_history(&mut self, ws: &Workspace) -> Result<()> {
        let cfg = &ws.config;
        let Some(repo) = &self.repo else {
            self.history = History::Unavailable(crate::report::write::NO_GIT.to_string());
            return Ok(());
        };
        if repo.is_shallow() {
            self.history = History::Unavailable(crate::report::write::SHALLOW.to_string());
            return Ok(());
        }
        self.head = repo.git.head().ok().and_then(|h| h.target());
        let mut cache = Cache::open(&ws.root);
        let window_start = self.week.last(cfg.report.trend_weeks)[0].start_instant(&cfg.tz);
        let end = self.week.end_instant(&cfg.tz);
        let all = commits::since(repo, &mut cache, window_start)?;
        let _ = cache.save();
        let history: Vec<commits::Changed> =
            all.into_iter().filter(|c| c.commit.time < end).collect();
        self.histories = pages::histories(cfg, &history);
        self.history = History::Available(history);
        self.uncommitted = uncommitted_by_path(ws, repo, None)?;
        crate::util::output::trace("history");
        Ok(())
    }

    /// Compares the changed files with HEAD again, one by one.
    fn refresh_uncommitted(&mut self, ws: &Workspace, keys: &[(Kind, String)]) {
        let Some(repo) = &self.repo else { return };
        if !matches!(self.history, History::Available(_)) {
            return;
        }
        let tree = repo.git.head().ok().and_then(|h| h.peel_to_tree().ok());
        for (kind, id) in keys {
            let rel = repo.prefix.join(crate::record::layout::rel(*kind, id));
            let old = tree
                .as_ref()
                .and_then(|t| t.get_path(&rel).ok())
                .and_then(|e| crate::git::blob_text(&repo.git, e.id()));
            // Read as the loader reads records: never a pipe, a device or a link out of the
            // workspace.
            let path = ws.root.join(crate::record::layout::rel(*kind, id));
            let new = crate::load::read_record(ws, &path, None)
                .ok()
                .and_then(|b| String::from_utf8(b).ok());
            let key = rel.to_string_lossy().into_owned();
            if old == new {
                self.uncommitted.remove(&key);
            } else {
                let changes =
                    crate::git::diff::diff_texts(*kind, id, old.as_deref(), new.as_deref());
                self.uncommitted.insert(key, changes);
            }
        }
    }
}

/// The week's figures as the templates' value, made again only for the parts that changed
/// since the last render: most of a large page (what moved, the stale leads) stays the same
/// after a save, and making it into a value costs about as much as a third of rendering it.
#[derive(Default)]
struct WeeklyValue {
    last: Option<report::Weekly>,
    /// The value of each of `last`'s fields, by name.
    values: BTreeMap<&'static str, tera::Value>,
}

impl WeeklyValue {
    /// `weekly` as [`tera::Value::from_serializable`] makes it.
    fn make(&mut self, weekly: &report::Weekly) -> tera::Value {
        let last = self.last.take();
        let mut values = BTreeMap::new();
        // Every field, by name, destructured without `..`: a field added to `Weekly` and not
        // named here does not compile.
        macro_rules! fields {
            ($($f:ident),*) => {
                let report::Weekly { $($f),* } = weekly;
                $(
                    let name = stringify!($f);
                    let value = match (&last, self.values.get(name)) {
                        (Some(l), Some(v)) if l.$f == *$f => v.clone(),
                        _ => tera::Value::from_serializable($f),
                    };
                    values.insert(name, value);
                )*
            };
        }
        fields!(
            workspace,
            week,
            week_start,
            week_end,
            as_of,
            previous_week,
            public,
            currency,
            history,
            open_leads,
            customers,
            headline,
            funnel,
            moved,
            hot_leads,
            stale,
            sources,
            owners,
            followups,
            deals,
            deal_depth,
            forecast,
            week_money,
            trend,
            health
        );
        self.values = values.clone();
        tera::Value::from(values)
    }

    /// Remembers what the last value was made from.
    fn keep(&mut self, weekly: report::Weekly) {
        self.last = Some(weekly);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Index;
    use crate::record::config::Config;

    #[test]
    fn the_weekly_value_made_in_parts_equals_one_made_whole() {
        let index = Index::from_texts(
            Config::default(),
            [
                (
                    Kind::Person,
                    "ada",
                    "---\nname: Ada\nlifecycle: lead\n---\n",
                ),
                (
                    Kind::Deal,
                    "big",
                    "---\nname: Big\nstage: contract-sent\namount: 5\n---\n",
                ),
            ],
        );
        let as_of = jiff::civil::date(2026, 11, 25);
        let (derived, _) = crate::analysis::derive::Derived::compute(&index, as_of);
        let history = History::Unavailable("none".into());
        let input = report::Input {
            index: &index,
            derived: &derived,
            week: Week::of(as_of),
            as_of,
            history: &history,
            uncommitted: &[],
            diagnostics: &[],
            duplicates: &[],
            public: false,
        };
        let mut memo = WeeklyValue::default();
        let first = report::build(&input);
        assert!(memo.make(&first) == tera::Value::from_serializable(&first));
        memo.keep(first);
        let mut second = report::build(&input);
        second.open_leads += 1;
        second.stale.days += 1;
        assert!(memo.make(&second) == tera::Value::from_serializable(&second));
    }
}
