//! `kith report`: the weekly pipeline report as a static site, or its digest printed.

use super::{display_path, done, warn};
use crate::cli::ReportArgs;
use crate::git::commits::Cache;
use crate::git::history::Repo;
use crate::report::site::Site;
use crate::report::write::{archive, commit_at, feed, prepare_out, render_week};
use crate::report::{self, Week};
use crate::workspace::Workspace;
use anyhow::{Result, bail};
use std::path::Path;
use std::process::ExitCode;

/// `dir` is `-C`'s folder: a relative `--out` is relative to it, as every path given to kith is.
pub fn run(ws: &Workspace, dir: Option<&Path>, args: ReportArgs) -> Result<ExitCode> {
    crate::util::output::trace("start");
    crate::util::free::holding();
    crate::analysis::require_valid(ws)?;
    let cfg = &ws.config;
    let today = ws.today()?;
    let (week, as_of) = match (&args.week, &args.as_of) {
        (Some(w), _) => {
            // A week of the wrong form is a usage error, as a date of the wrong form is.
            let w = Week::parse(w).map_err(|e| super::usage(e.to_string()))?;
            (w, w.end().min(today))
        }
        (None, Some(d)) => {
            let d = super::date_arg(d, today)?;
            (Week::of(d), d)
        }
        (None, None) => (Week::of(today), today),
    };
    if week.start() > today {
        bail!("{week} has not started yet (today is {today})");
    }
    let public = args.public || cfg.report.public;
    let given = args
        .out
        .as_deref()
        .map(|o| dir.unwrap_or(Path::new(".")).join(o));
    let out = crate::report::site::out_dir(&ws.root, given.as_deref(), &cfg.report.out)?;
    // A digest is printed, not written: the output folder is left alone.
    let digest = args.digest.then_some(match args.format {
        crate::cli::DigestFormat::Markdown => report::digest::Style::Markdown,
        crate::cli::DigestFormat::Text => report::digest::Style::Text,
    });
    if digest.is_none() {
        prepare_out(&out, public)?;
    }
    let site = Site::new(&ws.root, out.clone())?;
    // The report only reads history, and reads a lot of it: git's own commands do not re-hash
    // every object they read either.
    git2::opts::strict_hash_verification(false);
    let repo = Repo::open(&ws.root)?;
    let mut cache = Cache::open(&ws.root);
    let mut weeks = vec![(week, as_of)];
    let mut w = week;
    for _ in 0..args.backfill {
        w = w.previous();
        weeks.push((w, w.end()));
    }
    // Past weeks from before the first commit have nothing to show.
    if weeks.len() > 1 {
        let Some(repo) = repo.as_ref() else {
            bail!(
                "--backfill renders past weeks from git history, and this workspace is not in a git repository"
            );
        };
        let tz = &cfg.tz;
        let before = weeks.len();
        let mut kept = vec![weeks[0]];
        for (w, d) in &weeks[1..] {
            if commit_at(repo, w.end_instant(tz))?.is_some() {
                kept.push((*w, *d));
            }
        }
        if kept.len() < before {
            warn(&format!(
                "{} of the weeks asked for end before the repository's first commit; skipped",
                before - kept.len()
            ));
        }
        weeks = kept;
    }
    // Oldest first, so each page links the week before it; the archive lists every week in
    // the folder and those about to be written.
    let archive = archive(&out, &weeks.iter().map(|(w, _)| *w).collect::<Vec<_>>());
    // The site's front page, segment pages and record pages always show the latest state:
    // only a report on this week as of today renders them. A past week (or an earlier day)
    // writes its own archive page and nothing else, and so deletes nothing either.
    let live = weeks[0] == (Week::of(today), today);
    let mut rendered = Vec::new();
    for (i, (week, as_of)) in weeks.iter().enumerate().rev() {
        let latest = i == 0 && live;
        match render_week(
            ws,
            &site,
            repo.as_ref(),
            &mut cache,
            &archive,
            *week,
            *as_of,
            today,
            public,
            latest,
            !args.no_records && !public && latest,
            digest,
        ) {
            Ok(()) => rendered.push(week.to_string()),
            Err(e) if i > 0 => {
                // A week before the repository's first commit, say: the later ones still go.
                warn(&format!("{week}: {}", crate::util::hint::as_lines(&e)));
            }
            Err(e) => return Err(e),
        }
    }
    rendered.reverse();
    if let Err(e) = cache.save() {
        warn(&format!(
            "could not save the history cache ({e}); the next report reads history again"
        ));
    }
    if digest.is_some() {
        return Ok(ExitCode::SUCCESS);
    }
    site.write_style()?;
    if live {
        feed::write(&site, cfg)?;
    }
    let (written, unchanged) = site.counts();
    let (page, past) = if live {
        (out.join("index.html"), "")
    } else {
        (
            out.join(format!("weeks/{week}/index.html")),
            "; a past week, so index.html and the record pages were left showing the latest state (`kith report` renders them)",
        )
    };
    done(
        &display_path(&page),
        &format!(
            "{} report for {}{} ({written} file{} written, {unchanged} unchanged){past}",
            if public { "public" } else { "weekly" },
            rendered.join(", "),
            if public {
                ", aggregate figures only"
            } else {
                ""
            },
            if written == 1 { "" } else { "s" },
        ),
    );
    Ok(ExitCode::SUCCESS)
}
