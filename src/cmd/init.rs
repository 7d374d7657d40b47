//! `kith init [DIR]`: a new workspace with kith.yaml, folders, .gitignore and a git repository.

use super::{display_path, done};
use crate::cli::InitArgs;
use crate::record::Kind;
use crate::record::config;
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::ExitCode;

pub fn run(dir: Option<&Path>, args: InitArgs) -> Result<ExitCode> {
    let base = dir.unwrap_or(Path::new("."));
    let root = base.join(&args.dir);
    std::fs::create_dir_all(&root).with_context(|| format!("cannot create {}", root.display()))?;
    let cfg_path = root.join(config::FILE);
    if cfg_path.exists() {
        bail!(
            "{} already exists: this is a kith workspace already",
            display_path(&cfg_path)
        );
    }
    let name = args.name.unwrap_or_else(|| {
        let abs = std::path::absolute(&root).unwrap_or(root.clone());
        abs.file_name().map_or("kith workspace".into(), |n| {
            n.to_string_lossy().into_owned()
        })
    });
    let timezone = match args.timezone {
        Some(tz) => {
            jiff::tz::TimeZone::get(&tz).map_err(|_| {
                anyhow::anyhow!("unknown time zone `{tz}`; use an IANA name such as Europe/London")
            })?;
            tz
        }
        None => jiff::tz::TimeZone::system()
            .iana_name()
            .map_or("UTC".to_string(), str::to_string),
    };
    let yaml_name = crate::record::yaml::scalar::text_scalar(&name);
    std::fs::write(&cfg_path, config::template(&yaml_name, &timezone))
        .with_context(|| format!("cannot write {}", cfg_path.display()))?;
    for kind in Kind::ALL {
        let d = root.join(kind.dir());
        std::fs::create_dir_all(&d).with_context(|| format!("cannot create {}", d.display()))?;
        // Git does not keep empty folders.
        let keep = d.join(".gitkeep");
        if !keep.exists() {
            std::fs::write(&keep, "")
                .with_context(|| format!("cannot write {}", keep.display()))?;
        }
    }
    ensure_gitignore(&root)?;
    let new_repo = !crate::git::is_in_repo(&root);
    if new_repo {
        crate::git::init(&root)?;
    }
    // `git pull` and `git merge` merge records field by field; commits are checked.
    let installed = crate::sync::driver::install(&root)?;
    done(
        &display_path(&root),
        &format!(
            "new kith workspace `{name}` (time zone {timezone}){}",
            if new_repo {
                ", with a new git repository"
            } else {
                ", inside the existing git repository"
            }
        ),
    );
    done(
        "git",
        "merge driver registered (.gitattributes) and pre-commit check installed",
    );
    if let Some(note) = installed.hook {
        super::warn(&note);
    }
    let shown = display_path(&root);
    let kith = match shown.as_str() {
        "." => "kith".to_string(),
        s if s.contains([' ', '\'', '"']) => format!("kith -C '{}'", s.replace('\'', "'\\''")),
        s => format!("kith -C {s}"),
    };
    crate::util::output::print(&format!(
        "\nNext:\n  {kith} new contact \"Ada Lovelace\" --set email=ada@example.com\n  {kith} list\n"
    ));
    Ok(ExitCode::SUCCESS)
}

/// Ignores the report output and kith's cache, keeping whatever the file already says.
fn ensure_gitignore(root: &Path) -> Result<()> {
    let path = root.join(".gitignore");
    let mut text = std::fs::read_to_string(&path).unwrap_or_default();
    let mut changed = false;
    for line in crate::workspace::GITIGNORE {
        if !text.lines().any(|l| l.trim() == line) {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(line);
            text.push('\n');
            changed = true;
        }
    }
    if changed {
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}
