//! `kith demo DIR [--today DATE]`: the example CRM as a new git repository with weeks of
//! history that end this week ([`crate::demo`] plans the commits; this writes them).

use super::{display_path, done};
use crate::cli::DemoArgs;
use crate::demo::{self, Plan};
use crate::record::Kind;
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::ExitCode;

pub fn run(dir: Option<&Path>, args: DemoArgs) -> Result<ExitCode> {
    let root = dir.unwrap_or(Path::new(".")).join(&args.dir);
    let source = demo::Source::example();
    let (cfg, _) = crate::record::config::Config::parse(
        crate::demo::example::get(crate::record::config::FILE)
            .context("the example has no kith.yaml")?,
    );
    let today = crate::workspace::today(&cfg)?;
    let today = match &args.today {
        Some(d) => super::date_arg(d, today)?,
        None => today,
    };
    let now = jiff::Timestamp::now().to_zoned_datetime(cfg.tz.clone());
    let opts = demo::Options {
        today,
        now: (now.date() == today).then(|| now.datetime()),
    };
    let shown = display_path(&root);
    let created = claim(&root, &shown)?;
    let plan = match demo::plan(source, &opts).and_then(|plan| write(&root, &plan).map(|()| plan)) {
        Ok(plan) => plan,
        Err(e) => {
            release(&root, created);
            return Err(e.context(format!("cannot create the demo in {shown}")));
        }
    };
    report(&shown, &cfg.name, &plan);
    Ok(ExitCode::SUCCESS)
}

/// Makes sure `root` is a new or empty folder; returns whether it was created.
fn claim(root: &Path, shown: &str) -> Result<bool> {
    match std::fs::read_dir(root) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(crate::util::hint::hint(
                    format!("{shown} is not empty"),
                    "kith demo makes a new workspace; give it a new or empty folder",
                ));
            }
            Ok(false)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(root).with_context(|| format!("cannot create {shown}"))?;
            Ok(true)
        }
        Err(_) if root.exists() && !root.is_dir() => bail!("{shown} is a file, not a folder"),
        Err(e) => Err(e).with_context(|| format!("cannot read {shown}")),
    }
}

/// Removes what a failed demo left: the folder if it made it, else what it put in it.
fn release(root: &Path, created: bool) {
    if created {
        let _ = std::fs::remove_dir_all(root);
    } else if let Ok(entries) = std::fs::read_dir(root) {
        for entry in entries.flatten() {
            let path = entry.path();
            let _ = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
        }
    }
}

/// A new repository holding the plan's commits on `main`, checked out, with the merge driver
/// and the pre-commit check installed as `kith init` does.
fn write(root: &Path, plan: &Plan) -> Result<()> {
    crate::git::init(root)?;
    let repo = git2::Repository::open(root)
        .with_context(|| format!("cannot open the repository in {}", root.display()))?;
    let last = write_commits(&repo, plan)?;
    repo.reference("refs/heads/main", last, true, "kith demo")?;
    repo.set_head("refs/heads/main")?;
    repo.checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
        .context("cannot check out the demo's files")?;
    // libgit2's checkout writes the index without saying which tree it holds.
    crate::git::write_index_with_tree(&repo, &mut repo.index()?)?;
    let installed = crate::sync::driver::install(root)?;
    if let Some(note) = installed.hook {
        super::warn(&note);
    }
    Ok(())
}

/// Writes the commits into one pack (as `git fast-import` does: a thousand loose objects
/// would cost a file each) and returns the last one.
fn write_commits(repo: &git2::Repository, plan: &Plan) -> Result<git2::Oid> {
    let odb = repo.odb()?;
    let mempack = odb.add_new_mempack_backend(1000)?;
    let mut index = git2::Index::new()?;
    let mut parent: Option<git2::Oid> = None;
    for c in &plan.commits {
        for (path, text) in &c.files {
            match text {
                Some(text) => {
                    let id = repo.blob(text.as_bytes())?;
                    index.add(&crate::git::index_entry(path.as_bytes(), id, text.len()))?;
                }
                None => index.remove_path(Path::new(path))?,
            }
        }
        let tree = repo.find_tree(index.write_tree_to(repo)?)?;
        let when = git2::Time::new(
            c.time.timestamp().as_second(),
            c.time.offset().seconds() / 60,
        );
        let sig = git2::Signature::new(&c.author.name, &c.author.email, &when)?;
        let parents: Vec<git2::Commit> = parent
            .map(|p| repo.find_commit(p))
            .transpose()?
            .into_iter()
            .collect();
        let parents: Vec<&git2::Commit> = parents.iter().collect();
        parent = Some(repo.commit(None, &sig, &sig, &c.message, &tree, &parents)?);
    }
    let mut pack = git2::Buf::new();
    mempack.dump(repo, &mut pack)?;
    let mut writer = odb.packwriter()?;
    std::io::Write::write_all(&mut writer, &pack).context("cannot write the pack")?;
    writer.commit()?;
    mempack.reset()?;
    parent.context("the demo has no commit")
}

/// What was made, what this week holds, and what to try next.
fn report(shown: &str, name: &str, plan: &Plan) {
    let files = plan.files();
    let count = |dir: &str| files.keys().filter(|p| p.starts_with(dir)).count();
    let (first, last) = match (plan.commits.first(), plan.commits.last()) {
        (Some(f), Some(l)) => (f.time.date(), l.time.date()),
        _ => return,
    };
    done(
        shown,
        &format!(
            "demo workspace `{name}`: {} contacts, {} companies, {} deals; {} commits by {} authors from {first} to {last}",
            count("contacts/"),
            count("companies/"),
            count("deals/"),
            plan.commits.len(),
            plan.authors().len(),
        ),
    );
    let w = &plan.this_week;
    let n = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    done(
        "this week",
        &format!(
            "{}, {} ({}), {} ({} won, {} lost), {}",
            n(w.new[Kind::Person as usize], "new contact", "new contacts"),
            n(w.lifecycle_moves, "lifecycle move", "lifecycle moves"),
            n(w.became_leads, "became a lead", "became leads"),
            n(w.deal_moves, "deal moved", "deals moved"),
            w.won,
            w.lost,
            n(w.activities, "activity logged", "activities logged"),
        ),
    );
    let dir = if shown.contains([' ', '\'', '"']) {
        format!("'{}'", shown.replace('\'', "'\\''"))
    } else {
        shown.to_string()
    };
    crate::util::output::print(&format!(
        "\nNext:\n  kith -C {dir} report\n  kith -C {dir} list --segment hot-leads --sort score --reverse\n  \
         kith -C {dir} history ben-carver\n  git -C {dir} log --format='%ad %an: %s' --date=short\n"
    ));
}
