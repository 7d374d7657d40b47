//! `kith forget ID [--dry-run] [--yes]`: erases a person. Every file is changed and checked in
//! memory first ([`crate::plan::forget`] plans it); if one cannot be, nothing is written. Then the
//! derived files that may hold their data go, and kith says how to purge git history, which it
//! never rewrites itself.

use super::diff;
use super::{done, load, warn};
use crate::cli::ForgetArgs;
use crate::edit::redact;
use crate::edit::store;
use crate::index::resolve::resolve;
use crate::plan::forget::{self, Plan};
use crate::record::{Kind, Record};
use crate::util::output::{self, paint};
use crate::workspace::Workspace;
use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(ws: &Workspace, args: ForgetArgs) -> Result<ExitCode> {
    let index = load(ws);
    let person = resolve(index, &args.id, None)?;
    let needles = forget::needles(person);
    let texts = if person.kind == Kind::Person {
        mentioning(ws, person, &needles)
    } else {
        Vec::new()
    };
    let borrowed: Vec<(Kind, &str, &str)> = texts
        .iter()
        .map(|(k, id, t)| (*k, id.as_str(), t.as_str()))
        .collect();
    let plan = forget::plan(index, person, &borrowed)?;
    let prepared = super::prepare_all(ws, &plan.edits, person, || {
        format!("cannot forget {}", person.path())
    })?;
    let derived = derived_files(ws, person, &needles);

    if args.dry_run {
        print_plan(&prepared, &derived);
        by_hand(&plan);
        output::print(&history_note(ws, person, prepared.len())?);
        output::eprint(&format!(
            "dry run: {} file{} would change and {} derived file{} would be removed; nothing was written\n",
            prepared.len(),
            if prepared.len() == 1 { "" } else { "s" },
            derived.len(),
            if derived.len() == 1 { "" } else { "s" },
        ));
        return Ok(ExitCode::SUCCESS);
    }
    if !args.yes {
        // Worded as --dry-run words it: nothing has happened yet.
        print_plan(&prepared, &derived);
        by_hand(&plan);
        confirm(person)?;
    }

    let mut written: Vec<&str> = Vec::new();
    for (p, summary) in &prepared {
        store::write(p).with_context(|| match written.len() {
            0 => "nothing was written".to_string(),
            _ => format!(
                "{} already written; run the command again to finish",
                written.join(", ")
            ),
        })?;
        written.push(&p.rel);
        done(&p.rel, &summary.join(", "));
    }
    for (path, rel, why) in &derived {
        std::fs::remove_file(path).with_context(|| format!("cannot remove {rel}"))?;
        done(rel, &format!("removed ({why})"));
    }
    if args.yes {
        by_hand(&plan);
    }
    output::print(&history_note(ws, person, prepared.len())?);
    Ok(ExitCode::SUCCESS)
}

/// The plan, before anything is written: each change to a record as a diff, and each derived
/// file that would be removed.
fn print_plan(prepared: &[(store::Prepared, Vec<String>)], derived: &[(PathBuf, String, &str)]) {
    let mut text = String::new();
    for (p, _) in prepared {
        text.push_str(&diff(p));
    }
    for (_, rel, why) in derived {
        text.push_str(&format!(
            "{}: would be removed ({why})\n",
            paint(output::BOLD, rel)
        ));
    }
    output::print(&text);
}

/// The files of other records that mention the person somewhere, read in parallel (as the
/// loader reads them: no pipes, devices, oversized files or links out of the workspace).
fn mentioning(ws: &Workspace, person: &Record, needles: &[String]) -> Vec<(Kind, String, String)> {
    let (found, _) = crate::load::list(ws);
    let mut out: Vec<(Kind, String, String)> = found
        .into_par_iter()
        .filter(|f| !(f.kind == person.kind && f.id == person.id))
        .filter_map(|f| {
            let path = ws.root.join(crate::record::layout::rel(f.kind, &f.id));
            let bytes = crate::load::read_record(ws, &path, f.file_type).ok()?;
            let text = String::from_utf8(bytes).ok()?;
            (!redact::find(&text, needles).is_empty()).then_some((f.kind, f.id.into(), text))
        })
        .collect();
    out.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    out
}

/// Derived files that may hold the person's data: the history cache (field values of past
/// commits; rebuilt by the next report) and the report's pages that show them (their own
/// page, and weekly or segment pages that name them). Each as (path, as shown, why).
fn derived_files(
    ws: &Workspace,
    person: &Record,
    needles: &[String],
) -> Vec<(PathBuf, String, &'static str)> {
    let mut out = Vec::new();
    let cache = ws.root.join(crate::git::commits::CACHE_FILE);
    if cache.is_file() {
        out.push((
            cache,
            crate::git::commits::CACHE_FILE.to_string(),
            "a cache of past commits' changes; the next report rebuilds it",
        ));
    }
    // The events of large commits (field values, activity notes) likewise.
    let events = ws.root.join(crate::git::eventcache::DIR);
    let mut stored: Vec<PathBuf> = std::fs::read_dir(&events)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    stored.sort();
    for path in stored {
        let shown = format!(
            "{}/{}",
            crate::git::eventcache::DIR,
            path.file_name().unwrap_or_default().to_string_lossy()
        );
        out.push((
            path,
            shown,
            "a cache of a large past commit's changes; the next report rebuilds it",
        ));
    }
    // The parsed records and the results of the last commands hold their fields and notes.
    let dir = crate::load::cache::dir(ws);
    for name in ["records.bin", "results.bin"] {
        let path = dir.join(name);
        if path.is_file() {
            out.push((
                path,
                format!(".kith/cache/{name}"),
                "kith's cache of parsed records; the next command rebuilds it",
            ));
        }
    }
    let site = ws.root.join(&ws.config.report.out);
    // Only a folder `kith report` made: never someone else's files.
    if person.kind != Kind::Person || !site.join(".kith-report").is_file() {
        return out;
    }
    let own = site
        .join(person.kind.dir())
        .join(format!("{}.html", person.id));
    // Pages escape what they show: look for the escaped forms too.
    let mut html_needles = needles.to_vec();
    html_needles.extend(needles.iter().map(|n| escape_html(n)));
    let mut pages = Vec::new();
    html_files(&site, &mut pages);
    pages.sort();
    for page in pages {
        let mentions = page == own
            || std::fs::read_to_string(&page)
                .is_ok_and(|t| !redact::find(&t, &html_needles).is_empty());
        if mentions {
            let rel = Path::new(&ws.config.report.out)
                .join(page.strip_prefix(&site).unwrap_or(&page))
                .to_string_lossy()
                .replace('\\', "/");
            let why = if page == own {
                "their page in the report"
            } else {
                "a report page that names them; `kith report` renders it again"
            };
            out.push((page, rel, why));
        }
    }
    out
}

fn html_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = e.path();
        if path.is_dir() {
            html_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "html") {
            out.push(path);
        }
    }
}

/// Text as tera's autoescape writes it.
fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            '/' => out.push_str("&#x2F;"),
            _ => out.push(c),
        }
    }
    out
}

/// Warns of frontmatter values in other records that mention the person: kith leaves them.
fn by_hand(plan: &Plan) {
    if !plan.by_hand.is_empty() {
        warn(&format!(
            "these frontmatter values mention them too, and kith does not rewrite them; edit them by hand: {}",
            plan.by_hand.join(", ")
        ));
    }
}

/// Asks on a terminal; refuses when nobody can answer.
fn confirm(person: &Record) -> Result<()> {
    let what = format!("{} ({})", person.name(), person.path());
    if !std::io::stdin().is_terminal() {
        return Err(crate::util::hint::hint(
            format!("not forgetting {what} without confirmation, so nothing was written"),
            "the changes are listed above; pass --yes to make them (or --dry-run to see them as a diff)",
        ));
    }
    output::eprint(&format!(
        "Forget {what} for good? kith cannot undo this (git can, until you purge history). [y/N] "
    ));
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .context("cannot read the answer")?;
    if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        bail!("not forgotten; nothing was written");
    }
    Ok(())
}

/// What git history still holds, and the exact commands that purge it.
fn history_note(ws: &Workspace, person: &Record, files: usize) -> Result<String> {
    let Some(repo) = crate::git::history::Repo::open(&ws.root)? else {
        return Ok(format!(
            "\nThis workspace is not in a git repository, so no history holds {}'s data; backups and other copies still may.\n",
            person.name()
        ));
    };
    let file = repo
        .path_of(person.kind, &person.id)
        .to_string_lossy()
        .replace('\\', "/");
    let mut out = format!(
        "\n{}: git history still holds {}'s data: every past version of {file}, the old versions of {} other file{} this changes, and commit messages that name them. kith never rewrites history.\n\n",
        paint(output::WARN.bold(), "note"),
        person.name(),
        files.saturating_sub(1),
        if files == 2 { "" } else { "s" },
    );
    out.push_str(
        "To purge it: commit this change and have every teammate push theirs; then, at the top of the repository (git filter-branch ships with git; the second command needs GNU sed):\n\n",
    );
    for cmd in forget::purge_commands(person, &file) {
        out.push_str(&format!("  {cmd}\n"));
    }
    out.push_str("  git push --force --all && git push --force --tags\n\n");
    out.push_str(&format!(
        "Or with git filter-repo: `git filter-repo --sensitive-data-removal --invert-paths --path {file}`, then `git filter-repo --sensitive-data-removal --replace-text FILE` where FILE holds these lines:\n\n"
    ));
    for line in forget::replace_text_lines(person) {
        out.push_str(&format!("  {line}\n"));
    }
    out.push_str(
        "\nAfterwards every teammate must re-clone (a pull would bring the old history back). Old clones, forks, backups and the hosting service's caches still hold the data until they are deleted. The guide's chapter \"Consent and erasure\" (docs/src/consent.md) has the steps.\n",
    );
    Ok(out)
}
