//! The workspace on disk: finding it, its settings, where records live, and what day it is.

use crate::record::Kind;
use crate::record::config::{self, Config};
use crate::record::diag::Diagnostic;
use anyhow::{Context, Result, bail};
use jiff::civil::Date;
use std::path::{Path, PathBuf};

/// Environment variable that pins "today" (YYYY-MM-DD), for tests and reproducible runs.
pub const TODAY_ENV: &str = "KITH_TODAY";

/// The lines of a workspace's `.gitignore`: the published report, kith's cache, and the
/// temporary files a killed kith command leaves (`.NAME.XXXXXX.kith-tmp`; `git add -A` once
/// committed 1,040 of them).
pub const GITIGNORE: [&str; 3] = ["/public/", "/.kith/", "*.kith-tmp"];

/// An opened workspace: its root folder and settings.
#[derive(Debug)]
pub struct Workspace {
    pub root: PathBuf,
    /// The root, with symlinks resolved, for containment checks.
    pub canonical_root: PathBuf,
    pub config: Config,
    /// Problems in kith.yaml's basic settings (every command refuses to run with an error here).
    pub config_diags: Vec<Diagnostic>,
    /// A hash of kith.yaml's bytes (what cached results depend on besides the records).
    pub config_hash: u128,
    /// Record folders that are symlinks leading outside the workspace, with where they lead:
    /// kith neither reads nor writes through them.
    pub outside: Vec<(Kind, PathBuf)>,
}

impl Workspace {
    /// Finds the workspace the way git finds its repository: `start` or the nearest parent
    /// holding `kith.yaml`.
    pub fn discover(start: &Path) -> Result<Workspace> {
        let start = if start.as_os_str().is_empty() {
            Path::new(".")
        } else {
            start
        };
        let abs = std::path::absolute(start)
            .with_context(|| format!("cannot resolve {}", start.display()))?;
        if !abs.exists() {
            bail!("no such folder: {}", start.display());
        }
        if !abs.is_dir() {
            bail!("{} is not a folder", start.display());
        }
        let mut dir = abs.as_path();
        loop {
            if dir.join(config::FILE).is_file() {
                return Workspace::open(dir);
            }
            match dir.parent() {
                Some(parent) => dir = parent,
                None => {
                    return Err(crate::util::hint::hint(
                        format!(
                            "not in a kith workspace: no {} in {} or any parent folder",
                            config::FILE,
                            abs.display()
                        ),
                        "create one with `kith init`, or point at one with `kith -C DIR ...`",
                    ));
                }
            }
        }
    }

    /// Opens the workspace rooted at `root` (which holds `kith.yaml`).
    pub fn open(root: &Path) -> Result<Workspace> {
        let path = root.join(config::FILE);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let (config, config_diags) = Config::parse(&text);
        crate::record::layout::set(config.layout);
        let canonical_root = root
            .canonicalize()
            .with_context(|| format!("cannot resolve {}", root.display()))?;
        let outside = Kind::ALL
            .into_iter()
            .filter_map(|kind| {
                let dir = root.join(kind.dir());
                let meta = std::fs::symlink_metadata(&dir).ok()?;
                if !meta.file_type().is_symlink() {
                    return None;
                }
                // A link to nothing lists as a missing folder.
                let target = dir.canonicalize().ok()?;
                (!target.starts_with(&canonical_root)).then_some((kind, target))
            })
            .collect();
        Ok(Workspace {
            root: root.to_path_buf(),
            canonical_root,
            config,
            config_diags,
            config_hash: xxhash_rust::xxh3::xxh3_128(text.as_bytes()),
            outside,
        })
    }

    /// Fails with kith.yaml's errors, for commands that must not run on misread settings.
    pub fn require_valid_config(&self) -> Result<()> {
        let errors: Vec<&Diagnostic> = self.config_diags.iter().filter(|d| d.is_error()).collect();
        if errors.is_empty() {
            return Ok(());
        }
        let list: Vec<String> = errors.iter().map(|d| d.render(false)).collect();
        bail!("kith.yaml has errors; fix them first:\n{}", list.join("\n"))
    }

    /// Where `kind`'s folder leads when it is a symlink to outside the workspace.
    pub fn outside_target(&self, kind: Kind) -> Option<&Path> {
        self.outside
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, t)| t.as_path())
    }

    pub fn dir(&self, kind: Kind) -> PathBuf {
        self.root.join(kind.dir())
    }

    /// Where the record `id` of `kind` is (or would be) stored. Ids never contain separators
    /// (callers pass ids from the index or from [`crate::util::slug::slugify`]); this is checked,
    /// and so is that the folder does not lead outside the workspace.
    pub fn record_path(&self, kind: Kind, id: &str) -> Result<PathBuf> {
        if id.is_empty() || id.contains(['/', '\\', '\0']) || id == "." || id == ".." {
            bail!("`{id}` is not a valid record id");
        }
        if let Some(target) = self.outside_target(kind) {
            return Err(crate::util::hint::hint(
                format!(
                    "{}/ is a symlink to {}, outside the workspace; kith does not read or write there",
                    kind.dir(),
                    target.display()
                ),
                "move the folder into the workspace instead of linking to it",
            ));
        }
        Ok(self.root.join(crate::record::layout::rel(kind, id)))
    }

    /// A path relative to the root, `/`-separated, for messages.
    pub fn rel(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        rel.to_string_lossy().replace('\\', "/")
    }

    /// The path a write should go to: the file itself, or the target of a symlink that stays
    /// inside the workspace. A symlink leading outside is refused.
    pub fn write_target(&self, path: &Path) -> Result<PathBuf> {
        let meta = match std::fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(_) => return Ok(path.to_path_buf()),
        };
        if !meta.file_type().is_symlink() {
            return Ok(path.to_path_buf());
        }
        let target = path
            .canonicalize()
            .with_context(|| format!("{} is a broken symlink", self.rel(path)))?;
        if !target.starts_with(&self.canonical_root) {
            bail!(
                "{} is a symlink to {}, outside the workspace; kith does not write there",
                self.rel(path),
                target.display()
            );
        }
        Ok(target)
    }

    /// Today in the workspace's time zone (or `KITH_TODAY`).
    pub fn today(&self) -> Result<Date> {
        today(&self.config)
    }
}

/// Today in the configured time zone, unless `KITH_TODAY` pins it.
pub fn today(cfg: &Config) -> Result<Date> {
    if let Ok(pinned) = std::env::var(TODAY_ENV) {
        return crate::record::activity::parse_date(&pinned)
            .with_context(|| format!("{TODAY_ENV}={pinned} is not a date written YYYY-MM-DD"));
    }
    Ok(jiff::Timestamp::now()
        .to_zoned_datetime(cfg.tz.clone())
        .date())
}
