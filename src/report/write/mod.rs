//! The report site on disk: a week's pages rendered and written (only those whose bytes
//! changed), the segment and record pages, the archive of weeks, the feed, and the output
//! folder kept kith's own. `kith report` ([`crate::cmd`]) and the live report of `kith watch`
//! ([`crate::watch::live`]) both write through here.

use crate::analysis::derive::Derived;
use crate::git::commits::{self, Cache};
use crate::git::history::{RecordEvent, Repo};
use crate::index::Index;
use crate::load::Listing;
use crate::record::Kind;
use crate::report::site::Site;
use crate::report::{self, History, Week, pages};
use crate::util::output::{display_path, warn};
use crate::workspace::Workspace;
use anyhow::{Context as _, Result, bail};
use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::Path;
use tera::Context;

pub mod feed;
mod lists;

/// Marks an output folder as kith's, and whether it holds private pages.
pub const MARKER: &str = ".kith-report";

/// Why a report has no history: no repository.
pub const NO_GIT: &str = "this workspace is not in a git repository, so what moved cannot be told; `git init` and commit the records (`kith sync` does both)";

/// Why a report has no history: a shallow clone.
pub const SHALLOW: &str = "this is a shallow clone, so history is incomplete; fetch all of it with `git fetch --unshallow` (in CI: fetch-depth 0)";

/// What every page's context holds besides its own data.
#[derive(Serialize, Clone, PartialEq)]
pub struct SiteInfo {
    pub workspace: String,
    /// `report.locale`: how numbers are written.
    pub locale: String,
    pub generated: String,
    pub public: bool,
    pub weeks: Vec<ArchiveWeek>,
    pub segments: Vec<SegmentLink>,
}

#[derive(Serialize, Clone, PartialEq)]
pub struct ArchiveWeek {
    week: String,
    href: String,
}

#[derive(Serialize, Clone, PartialEq)]
pub struct SegmentLink {
    name: String,
    size: usize,
    description: String,
}

#[allow(clippy::too_many_arguments)]
pub fn render_week(
    ws: &Workspace,
    site: &Site,
    repo: Option<&Repo>,
    cache: &mut Cache,
    archive: &[Week],
    week: Week,
    as_of: Date,
    today: Date,
    public: bool,
    latest: bool,
    record_pages: bool,
    digest: Option<report::digest::Style>,
) -> Result<()> {
    let cfg = &ws.config;
    let current = Week::of(today) == week;
    let tz = &cfg.tz;
    let window_start = week.last(cfg.report.trend_weeks)[0].start_instant(tz);
    // History is read on a thread of its own (with its own handle on the repository) while
    // the records load: reading a busy week of a large repository takes seconds, most of them
    // reading folder trees from git.
    let open = match repo {
        None => Err(NO_GIT),
        Some(r) if r.is_shallow() => Err(SHALLOW),
        Some(r) => Ok(r.opener()),
    };
    let (loaded, history) = std::thread::scope(|scope| {
        let history = scope.spawn(|| -> Result<History> {
            let open = match &open {
                Ok(open) => open,
                Err(why) => return Ok(History::Unavailable(why.to_string())),
            };
            let r = open()?;
            let end = week.end_instant(tz);
            let all = commits::between(&r, cache, window_start, end)?;
            crate::util::output::trace("history");
            Ok(History::Available(all))
        });
        // The workspace as it was at the end of the week.
        let loaded = (|| -> Result<(Index, Vec<RecordEvent>)> {
            if current {
                // Each file is looked at as its folder is listed: what git's index is
                // compared with, without a second walk of every folder.
                // Its tally is worked out with the report's diagnostics, below.
                let (index, listing) = crate::load::load_looked(ws);
                let pending = repo
                    .map(|r| uncommitted(ws, r, Some(&listing)))
                    .transpose()?
                    .unwrap_or_default();
                // 1,000,000 file names: freed on a thread of their own.
                drop(crate::util::free::Later::new(listing));
                Ok((index, pending))
            } else {
                let repo = repo.with_context(|| {
                    format!("{week} is a past week, and without git history kith cannot tell what the records were then")
                })?;
                let commit = commit_at(repo, week.end_instant(tz))?.with_context(|| {
                    format!("the repository has no commit from before the end of {week}")
                })?;
                Ok((crate::load::load_commit(ws, repo, commit)?, Vec::new()))
            }
        })();
        crate::util::output::trace("records loaded");
        (
            loaded,
            history.join().expect("reading history does not panic"),
        )
    });
    let (index, uncommitted) = loaded?;
    // Freeing 100,000 records takes a tenth of a second; a thread of its own does it, which
    // the process does not wait for when it exits.
    let index = crate::util::free::Later::new(index);
    let history = history?;
    // Scores and segments, and the duplicate pairs and diagnostics, side by side: neither
    // needs the other, and each has parts that run on one thread.
    let ((derived, _), (duplicates, diagnostics)) = rayon::join(
        || {
            let derived = Derived::compute(&index, as_of);
            crate::util::output::trace("scores and segments");
            derived
        },
        || {
            let duplicates = crate::analysis::duplicates::find(&index);
            let (diagnostics, tally) = index.diagnostics_and_tally(|| {
                crate::analysis::duplicates::diagnostics_of(&index, &duplicates)
            });
            if current {
                crate::load::summarize_with(ws, &index, tally);
            }
            crate::util::output::trace("diagnostics and duplicates");
            (duplicates, diagnostics)
        },
    );
    let sizes = pages::segment_sizes(&index, &derived);
    let links = (derived.segments.iter().zip(sizes)).map(|(s, n)| (&s.name, n, &s.description));
    let info = SiteInfo::new(cfg, as_of, public, archive, links);
    let input = report::Input {
        index: &index,
        derived: &derived,
        week,
        as_of,
        history: &history,
        uncommitted: &uncommitted,
        diagnostics: &diagnostics,
        duplicates: &duplicates,
        public,
    };
    if let Some(style) = digest {
        let weekly = report::build(&input);
        let (locale, url) = (&cfg.report.locale, cfg.report.url.as_deref());
        print!("{}", report::digest::render(&weekly, locale, url, style));
        return Ok(());
    }
    // The week's pages and the segment pages side by side. Each segment page is made just
    // before it is written and dropped after, one at a time: a page's values for the
    // templates take about 1 KB per member, and two large pages at once were 30 MB of the
    // peak at 100,000 records.
    let (weekly, segments) = rayon::join(
        || -> Result<()> {
            let weekly = report::build(&input);
            crate::util::output::trace("report built");
            let value = tera::Value::from_serializable(&weekly);
            write_weekly(site, &info, &weekly, value, week, archive, latest)?;
            feed::write_entry(site, cfg, &weekly)?;
            crate::util::output::trace("weekly pages");
            Ok(())
        },
        || -> Result<()> {
            if latest {
                (0..derived.segments.len()).try_for_each(|i| {
                    write_segment(site, &info, &pages::segment(&index, &derived, public, i))
                })?;
                crate::util::output::trace("segment pages");
            }
            Ok(())
        },
    );
    weekly?;
    segments?;
    if !latest {
        return Ok(());
    }
    if record_pages {
        let histories = match &history {
            History::Available(h) => pages::histories(cfg, h),
            History::Unavailable(_) => Default::default(),
        };
        let since = week.last(cfg.report.trend_weeks)[0].start().to_string();
        write_records(site, &index, &derived, &info, &histories, &since)?;
        crate::util::output::trace("record pages");
    }
    Ok(())
}

impl SiteInfo {
    /// `segments`: each segment's name, size and description.
    pub fn new(
        cfg: &crate::record::config::Config,
        as_of: Date,
        public: bool,
        archive: &[Week],
        segments: impl Iterator<Item = (impl ToString, usize, impl ToString)>,
    ) -> SiteInfo {
        SiteInfo {
            workspace: cfg.name.clone(),
            locale: cfg.report.locale.clone(),
            generated: as_of.to_string(),
            public,
            weeks: archive
                .iter()
                .map(|w| ArchiveWeek {
                    week: w.to_string(),
                    href: format!("weeks/{w}/index.html"),
                })
                .collect(),
            segments: segments
                .map(|(name, size, description)| SegmentLink {
                    name: name.to_string(),
                    size,
                    description: description.to_string(),
                })
                .collect(),
        }
    }
}

/// The week's page, and the site's index page when it is the latest week.
/// `report`: `weekly` as the templates' value.
pub fn write_weekly(
    site: &Site,
    info: &SiteInfo,
    weekly: &report::Weekly,
    report: tera::Value,
    week: Week,
    archive: &[Week],
    latest: bool,
) -> Result<()> {
    let week_path = format!("weeks/{week}/index.html");
    let previous = week.previous();
    let previous_href = archive
        .contains(&previous)
        .then(|| format!("weeks/{previous}/index.html"));
    // Made into the templates' value once for both pages (a value is shared, not copied).
    let site_value = tera::Value::from_serializable(info);
    let page = |page: &str, root: &str| -> Result<String> {
        let mut ctx = Context::new();
        ctx.insert("kith_version", env!("CARGO_PKG_VERSION"));
        ctx.insert_value("site", site_value.clone());
        ctx.insert("root", root);
        ctx.insert("page", page);
        ctx.insert_value("report", report.clone());
        ctx.insert("lead_count", &weekly.open_leads);
        ctx.insert("customer_count", &weekly.customers);
        ctx.insert("previous_href", &previous_href);
        ctx.insert("list_rows", &report::lists::SHOWN);
        ctx.insert("locale", &info.locale);
        site.render(
            if page == "index" {
                "index.html"
            } else {
                "week.html"
            },
            &ctx,
        )
    };
    let (week_page, index_page) = rayon::join(
        || page("week", "../.."),
        || latest.then(|| page("index", ".")),
    );
    site.write(&week_path, &week_page?)?;
    lists::write(site, &site_value, &info.locale, weekly, &report, week)?;
    if let Some(index_page) = index_page {
        site.write("index.html", &index_page?)?;
    }
    Ok(())
}

/// One segment's page.
pub fn write_segment(site: &Site, info: &SiteInfo, s: &pages::SegmentPage) -> Result<()> {
    let mut ctx = Context::new();
    ctx.insert("kith_version", env!("CARGO_PKG_VERSION"));
    ctx.insert("site", info);
    ctx.insert("root", "..");
    ctx.insert("segment", s);
    site.write(
        &format!("segments/{}.html", s.name),
        &site.render("segment.html", &ctx)?,
    )
}

/// What every record page's context holds, made once.
pub fn record_context(info: &SiteInfo, since: &str) -> Context {
    let mut shared = Context::new();
    shared.insert("kith_version", env!("CARGO_PKG_VERSION"));
    shared.insert("site", info);
    shared.insert("root", "..");
    shared.insert("history_since", since);
    shared
}

/// One record's page: its path in the site and its HTML.
pub fn render_record(
    site: &Site,
    shared: &Context,
    index: &Index,
    derived: &Derived,
    histories: &Histories,
    slot: usize,
    r: &crate::record::Record,
) -> Result<(String, String)> {
    let history = histories
        .get(&(r.kind, r.id.to_string()))
        .cloned()
        .unwrap_or_default();
    let page = pages::record(index, derived, slot, r, history);
    let mut ctx = shared.clone();
    ctx.insert("record", &page);
    let html = site.render("record.html", &ctx)?;
    Ok((format!("{}/{}.html", r.kind.dir(), r.id), html))
}

/// Each record's committed changes (the rows of its page's history).
pub type Histories = rustc_hash::FxHashMap<(Kind, String), Vec<pages::HistoryRow>>;

/// Every record's page, in parallel; only changed pages are written.
pub fn write_records(
    site: &Site,
    index: &Index,
    derived: &Derived,
    info: &SiteInfo,
    histories: &Histories,
    since: &str,
) -> Result<()> {
    let entries: Vec<(usize, &crate::record::Record)> =
        index.entries().filter(|(_, r)| !r.broken).collect();
    let shared = record_context(info, since);
    // The pages already there, from one listing per folder.
    let mut existing: rustc_hash::FxHashSet<(Kind, String)> = Default::default();
    for kind in Kind::ALL {
        let dir = site.out().join(kind.dir());
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let listing =
            std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?;
        for e in listing.flatten() {
            if let Some(id) = e.file_name().to_str().and_then(|n| n.strip_suffix(".html")) {
                existing.insert((kind, id.to_string()));
            }
        }
    }
    // The pages of records that are gone (deleted, renamed, forgotten) go too: nobody should
    // publish a page of a person the CRM no longer holds.
    let current: rustc_hash::FxHashSet<(Kind, &str)> =
        entries.iter().map(|(_, r)| (r.kind, &*r.id)).collect();
    for (kind, id) in &existing {
        if !current.contains(&(*kind, id.as_str())) {
            let stale = site.out().join(kind.dir()).join(format!("{id}.html"));
            std::fs::remove_file(&stale)
                .with_context(|| format!("cannot remove {}", stale.display()))?;
        }
    }
    // Pages render on every core; one thread writes them: file systems serialize creating
    // files in one folder, and threads competing for it wait in the kernel.
    std::thread::scope(|scope| -> Result<()> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<(String, String, bool)>(256);
        let writer = scope.spawn(move || -> Result<()> {
            for (rel, html, exists) in rx {
                site.write_page(&rel, &html, Some(exists))?;
            }
            Ok(())
        });
        let rendered = entries.par_iter().try_for_each(|(slot, r)| -> Result<()> {
            let (rel, html) = render_record(site, &shared, index, derived, histories, *slot, r)?;
            let exists = existing.contains(&(r.kind, r.id.to_string()));
            // A closed channel means the writer stopped on an error, which it returns.
            tx.send((rel, html, exists))
                .map_err(|_| anyhow::anyhow!("the page writer stopped"))
        });
        drop(tx);
        let written = writer.join().expect("the page writer does not panic");
        written.and(rendered)
    })
}

/// The weeks with a page in the output folder and those about to be rendered, newest first.
pub fn archive(out: &Path, rendering: &[Week]) -> Vec<Week> {
    let mut weeks: Vec<Week> = std::fs::read_dir(out.join("weeks"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join("index.html").is_file())
        .filter_map(|e| Week::parse(e.file_name().to_str()?).ok())
        .collect();
    weeks.extend_from_slice(rendering);
    weeks.sort();
    weeks.dedup();
    weeks.reverse();
    weeks
}

/// The newest commit on the first-parent line of HEAD made before `end`: the workspace as the
/// team had it then.
pub fn commit_at(repo: &Repo, end: jiff::Timestamp) -> Result<Option<git2::Oid>> {
    let Ok(head) = repo.git.head().and_then(|h| h.peel_to_commit()) else {
        return Ok(None);
    };
    let mut c = head;
    loop {
        if c.time().seconds() < end.as_second() {
            return Ok(Some(c.id()));
        }
        match c.parent(0) {
            Ok(p) => c = p,
            Err(_) => return Ok(None),
        }
    }
}

/// Record changes in the working tree that are not committed yet. `listing`: the record files
/// as a load just listed them, each looked at ([`crate::load::load_looked`]), if at hand.
pub fn uncommitted(
    ws: &Workspace,
    repo: &Repo,
    listing: Option<&Listing>,
) -> Result<Vec<RecordEvent>> {
    Ok(uncommitted_by_path(ws, repo, listing)?
        .into_values()
        .flatten()
        .collect())
}

/// [`uncommitted`] by the file's path in the repository, in git's order.
pub fn uncommitted_by_path(
    ws: &Workspace,
    repo: &Repo,
    listing: Option<&Listing>,
) -> Result<std::collections::BTreeMap<String, Vec<RecordEvent>>> {
    let git = &repo.git;
    let Ok(tree) = git.head().and_then(|h| h.peel_to_tree()) else {
        return Ok(Default::default());
    };
    if let Some(quick) = uncommitted_quick(ws, repo, &tree, listing) {
        return Ok(quick);
    }
    crate::util::output::trace("uncommitted changes: libgit2's diff");
    let mut opts = git2::DiffOptions::new();
    // A record that became a link (or the other way) is one change: without this, libgit2
    // reports a deletion and an addition of the same path, and it would be counted twice.
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_typechange(true);
    for kind in Kind::ALL {
        opts.pathspec(repo.prefix.join(kind.dir()));
    }
    let diff = git
        .diff_tree_to_workdir_with_index(Some(&tree), Some(&mut opts))
        .map_err(|e| match e.class() {
            git2::ErrorClass::Index => {
                crate::git::index_unreadable(git, &e, "no page was written", "kith report")
            }
            _ => e.into(),
        })?;
    let workdir = git
        .workdir()
        .context("the repository has no working tree")?;
    let mut out = std::collections::BTreeMap::new();
    for d in diff.deltas() {
        let old_path = d.old_file().path().map(Path::to_path_buf);
        let new_path = d.new_file().path().map(Path::to_path_buf);
        let Some((kind, id)) = new_path
            .as_deref()
            .or(old_path.as_deref())
            .and_then(|p| repo.record_of(p))
        else {
            continue;
        };
        let old = crate::git::blob_text(git, d.old_file().id());
        // Read as the loader reads records: never a pipe, a device or a link out of the
        // workspace.
        let new = new_path.as_ref().and_then(|p| {
            let bytes = crate::load::read_record(ws, &workdir.join(p), None).ok()?;
            String::from_utf8(bytes).ok()
        });
        let changes = crate::git::diff::diff_texts(kind, &id, old.as_deref(), new.as_deref());
        let path = new_path.or(old_path).unwrap_or_default();
        out.entry(path.to_string_lossy().into_owned())
            .or_insert_with(Vec::new)
            .extend(changes);
    }
    Ok(out)
}

/// [`uncommitted_by_path`] when git's index holds HEAD's tree exactly (nothing staged, as its
/// cache-tree says), the way `kith sync` stages: kith reads the index file (`git::indexfile`;
/// libgit2 takes 1.3 s at 1,000,000 entries) and joins it with what the working tree holds,
/// and only the files whose stat differs from the index (or that it does not hold, or that are
/// gone) are read and compared with HEAD's. What the working tree holds is the `listing`'s
/// record files when there is one (the load looked at each as it listed its folder), else the
/// workspace's files stat'd on every core while the index is read. libgit2's diff of the
/// working tree stats every file on one thread: 5.5 s of a report at 1,000,000 records.
/// `None` when the index holds anything else, or anything could not be read: the caller asks
/// libgit2.
fn uncommitted_quick(
    ws: &Workspace,
    repo: &Repo,
    tree: &git2::Tree,
    listing: Option<&Listing>,
) -> Option<std::collections::BTreeMap<String, Vec<RecordEvent>>> {
    let git = &repo.git;
    let root = git.workdir()?;
    let skip = crate::git::worktree::kiths_own(&repo.prefix);
    let (index, walked, way) = match listing.and_then(|l| listed_records(ws, repo, root, l)) {
        Some(walked) => (
            crate::git::indexfile::read(&git.path().join("index")),
            walked,
            "the listing",
        ),
        None => {
            let look = crate::git::worktree::look_file(git, root, &repo.prefix, &skip);
            (look.index, look.walked.ok()?, "the walk")
        }
    };
    let index = index?;
    if index.tree != Some(tree.id()) || index.entries.iter().any(|e| e.in_conflict()) {
        return None;
    }
    let found = crate::git::worktree::candidates(git, index.entries, walked, &skip).ok()?;
    crate::util::output::trace(&format!("uncommitted changes: from {way}"));
    let mut out = std::collections::BTreeMap::new();
    for path in found.paths {
        let Some((kind, id)) = repo.record_of(&path) else {
            continue;
        };
        let committed = tree
            .get_path(&path)
            .ok()
            .and_then(|e| git.find_blob(e.id()).ok());
        // Read as the loader reads records: never a pipe, a device or a link out of the
        // workspace.
        let now = crate::load::read_record(ws, &root.join(&path), None).ok();
        // A file whose stat changed but not its bytes is no change (nor to libgit2).
        if let (Some(blob), Some(bytes)) = (&committed, &now)
            && blob.content() == bytes.as_slice()
        {
            continue;
        }
        let old = committed.map(|b| String::from_utf8_lossy(b.content()).into_owned());
        let new = now.and_then(|bytes| String::from_utf8(bytes).ok());
        let changes = crate::git::diff::diff_texts(kind, &id, old.as_deref(), new.as_deref());
        out.entry(path.to_string_lossy().into_owned())
            .or_insert_with(Vec::new)
            .extend(changes);
    }
    Some(out)
}

/// The working tree's record files as a load listed and looked at them, for
/// [`crate::git::worktree::candidates`]: every file whose path names a record (the misplaced
/// ones too, as git sees them), by its path in the repository. `None` when the listing cannot
/// stand for a walk: a record folder that is a link (git keeps the link, not the files), a
/// folder that could not be read, or a file that could not be looked at.
fn listed_records(
    ws: &Workspace,
    repo: &Repo,
    root: &Path,
    listing: &Listing,
) -> Option<crate::git::worktree::Walked> {
    if listing.partial
        || Kind::ALL.iter().any(|&k| {
            std::fs::symlink_metadata(ws.dir(k)).is_ok_and(|m| m.file_type().is_symlink())
        })
    {
        return None;
    }
    if listing.seen.len() != listing.found.len() {
        return None;
    }
    let in_repo = |rel: &str| repo.prefix.join(rel).into_os_string().into_vec();
    let mut files = Vec::with_capacity(listing.found.len() + listing.strays.len());
    for (f, seen) in listing.found.iter().zip(&listing.seen) {
        let rel = crate::record::layout::rel(f.kind, &f.id);
        let seen = match *seen {
            Some(seen) => seen,
            // Not looked at when listed: gone since (as a walk would have found it), or
            // something a walk would have stopped at.
            None => match std::fs::symlink_metadata(ws.root.join(&rel)) {
                Ok(m) => crate::util::stamp::FileStat::of(&m),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(_) => return None,
            },
        };
        files.push((in_repo(&rel), seen));
    }
    files.extend(
        listing
            .strays
            .iter()
            .map(|(rel, seen)| (in_repo(rel), *seen)),
    );
    // The index's entries the listing stands for: those that name a record, as `record_of`
    // reads a path.
    let prefix = repo.prefix.clone();
    let scope = move |path: &[u8]| {
        Repo::record_at(&prefix, Path::new(std::ffi::OsStr::from_bytes(path))).is_some()
    };
    Some(crate::git::worktree::listed(
        root,
        &repo.prefix,
        files,
        Box::new(scope),
    ))
}

/// Makes sure the output folder is kith's and never mixes public and private pages: a public
/// report over a private one clears it first, so no record page is left behind to publish.
pub fn prepare_out(out: &Path, public: bool) -> Result<()> {
    let marker = out.join(MARKER);
    let mode = if public { "public" } else { "private" };
    if out.exists() {
        let previous = std::fs::read_to_string(&marker).ok();
        // A folder holding only the temporary of a marker that a killed run was writing is
        // as empty as one it left before that.
        let empty = std::fs::read_dir(out)
            .map(|mut d| {
                d.all(|e| {
                    e.is_ok_and(|e| {
                        crate::util::files::is_temporary(&e.file_name().to_string_lossy())
                    })
                })
            })
            .unwrap_or(true);
        match previous.as_deref().map(str::trim) {
            Some(m) if m == mode => {}
            Some(_) if public => {
                clear(out)?;
                warn(&format!(
                    "{} held a private report; cleared it before writing the public one",
                    display_path(out)
                ));
            }
            Some(_) => {}
            None if !empty => bail!(
                "{} exists and was not made by `kith report`; choose another folder with --out, or empty it",
                display_path(out)
            ),
            None => {}
        }
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    if std::fs::read_to_string(&marker).ok().as_deref() != Some(&format!("{mode}\n")) {
        // Whole or not at all: an empty marker left by a kill would read as another mode.
        crate::util::files::replace(&marker, format!("{mode}\n").as_bytes())?;
    }
    Ok(())
}

/// Removes what `kith report` writes into a folder.
fn clear(out: &Path) -> Result<()> {
    for e in std::fs::read_dir(out)?.flatten() {
        let p = e.path();
        let result = if p.is_dir() {
            std::fs::remove_dir_all(&p)
        } else {
            std::fs::remove_file(&p)
        };
        result.with_context(|| format!("cannot remove {}", p.display()))?;
    }
    Ok(())
}
