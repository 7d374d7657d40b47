//! The report site on disk: tera templates (built into kith, each overridable by a file of the
//! same name in the workspace's `templates/`), rendered into the output folder. A page is
//! written only when its content changed, atomically, so re-running a report touches nothing
//! that stayed the same and a static host sees only real changes.

use anyhow::{Context as _, Result, bail};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use tera::{Context, Kwargs, State, Tera, Value};

/// The built-in templates, by name.
pub const TEMPLATES: [(&str, &str); 7] = [
    ("base.html", include_str!("../../templates/base.html")),
    (
        "components.html",
        include_str!("../../templates/components.html"),
    ),
    ("week.html", include_str!("../../templates/week.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("segment.html", include_str!("../../templates/segment.html")),
    ("record.html", include_str!("../../templates/record.html")),
    ("list.html", include_str!("../../templates/list.html")),
];

/// The built-in stylesheet.
pub const STYLE: &str = include_str!("../../templates/style.css");

/// Templates ready to render, and the folder pages go to.
pub struct Site {
    tera: Tera,
    /// The templates the workspace overrides.
    overridden: Vec<String>,
    style: String,
    out: PathBuf,
    written: AtomicUsize,
    unchanged: AtomicUsize,
}

impl Site {
    /// The built-in templates with the workspace's own (`templates/*.html`, `style.css`) in
    /// their place where it has them.
    pub fn new(ws_root: &Path, out: PathBuf) -> Result<Site> {
        let mut tera = Tera::default();
        tera.autoescape_on([".html"]);
        tera.register_filter("pct", pct);
        tera.register_filter("days", days);
        tera.register_filter("num", num);
        tera.register_filter("count", count);
        let dir = ws_root.join("templates");
        let mut sources: Vec<(String, String, Option<PathBuf>)> = TEMPLATES
            .iter()
            .map(|(name, text)| (name.to_string(), text.to_string(), None))
            .collect();
        let mut style = STYLE.to_string();
        if let Ok(entries) = std::fs::read_dir(&dir) {
            // Regular files only: a pipe named `week.html` would block the read forever.
            for e in entries.flatten().filter(|e| e.path().is_file()) {
                let path = e.path();
                let Some(name) = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .map(str::to_string)
                else {
                    continue;
                };
                if name == "style.css" {
                    style = std::fs::read_to_string(&path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                } else if name.ends_with(".html") {
                    let text = std::fs::read_to_string(&path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    match sources.iter_mut().find(|(n, _, _)| *n == name) {
                        Some(s) => *s = (name, text, Some(path)),
                        None => sources.push((name, text, Some(path))),
                    }
                }
            }
        }
        let overridden: Vec<String> = sources
            .iter()
            .filter(|(_, _, path)| path.is_some())
            .map(|(name, _, _)| name.clone())
            .collect();
        for (name, text, _) in &sources {
            tera.add_raw_template(name, text)
                .map_err(|e| template_error(&e, &overridden))?;
        }
        Ok(Site {
            tera,
            overridden,
            style,
            out,
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
        })
    }

    /// Whether the workspace's `templates/` replaces the built-in template `name`.
    pub fn is_overridden(&self, name: &str) -> bool {
        self.overridden.iter().any(|n| n == name)
    }

    pub fn out(&self) -> &Path {
        &self.out
    }

    /// Renders a template; errors name the template file and line.
    pub fn render(&self, template: &str, ctx: &Context) -> Result<String> {
        self.tera
            .render(template, ctx)
            .map_err(|e| template_error(&e, &self.overridden))
    }

    /// Writes a page (path relative to the output folder) unless it already says exactly this.
    /// A page that changed is replaced atomically, so a reader never sees half of it; a new
    /// page is written unnamed and then named (no temporary name to create and rename away,
    /// which halves the work of a first render of 100,000 pages), so a report killed
    /// half-way leaves no half page either.
    pub fn write(&self, rel: &str, content: &str) -> Result<()> {
        self.write_page(rel, content, None)
    }

    /// [`Site::write`], told whether the page exists (from one listing of its folder): a
    /// first render of 100,000 pages then asks the file system about each page only once.
    pub fn write_page(&self, rel: &str, content: &str, exists: Option<bool>) -> Result<()> {
        let path = self.out.join(rel);
        if exists == Some(false) {
            create(&path, content.as_bytes())?;
            self.written.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        match std::fs::read(&path) {
            Ok(old) if old == content.as_bytes() => {
                self.unchanged.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
            Ok(_) => crate::util::files::replace(&path, content.as_bytes())?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("cannot create {}", dir.display()))?;
                }
                create(&path, content.as_bytes())?;
            }
            Err(e) => {
                return Err(
                    anyhow::Error::new(e).context(format!("cannot read {}", path.display()))
                );
            }
        }
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Writes the stylesheet.
    pub fn write_style(&self) -> Result<()> {
        self.write("style.css", &self.style)
    }

    /// (written, unchanged) pages so far.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.written.load(Ordering::Relaxed),
            self.unchanged.load(Ordering::Relaxed),
        )
    }
}

/// Creates a new file with `contents`, whole or not at all (a report killed half-way leaves
/// no half page); if it appeared meanwhile, replaces it atomically.
fn create(path: &Path, contents: &[u8]) -> Result<()> {
    match crate::util::files::create_whole(path, contents) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            crate::util::files::replace(path, contents)
        }
        Err(e) => Err(anyhow::Error::new(e).context(format!("cannot create {}", path.display()))),
    }
}

/// A tera error as `templates/week.html:12:5: message`, with what to do about it: fix the
/// workspace's template, or report a bug in a built-in one.
fn template_error(e: &tera::Error, overridden: &[String]) -> anyhow::Error {
    let report = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    let Some(r) = report else {
        return anyhow::anyhow!("template error: {e}");
    };
    let name = r.filename();
    let span = r.span();
    let msg = format!(
        "templates/{name}:{}:{}: {}",
        span.start_line,
        span.start_col + 1,
        r.message()
    );
    if overridden.iter().any(|n| n == name) {
        crate::util::hint::hint(
            msg.to_string(),
            "fix the template, or delete it to use kith's built-in one",
        )
    } else {
        crate::util::hint::hint(
            msg.to_string(),
            "this is kith's built-in template; if a template of yours passes it data it does not expect, fix yours, otherwise please report a bug",
        )
    }
}

/// `12.5` → `12.5 %`; nothing → `–`.
fn pct(v: Value, _: Kwargs, _: &State) -> String {
    match v.as_f64() {
        Some(x) => format!("{} %", crate::analysis::score::num(x)),
        None => "–".into(),
    }
}

/// `40.0` → `40`, `12.25` → `12.3`; nothing → `–`.
fn num(v: Value, _: Kwargs, _: &State) -> String {
    match v.as_f64() {
        Some(x) => crate::analysis::score::num(x),
        None => "–".into(),
    }
}

/// `16442` → `16,442`, grouped as `locale` (`report.locale`, default `en`) writes numbers.
fn count(v: Value, kwargs: Kwargs, _: &State) -> String {
    let locale: Option<&str> = kwargs.get("locale").ok().flatten();
    match v.as_f64() {
        Some(x) => crate::report::money::number(locale.unwrap_or("en"), x),
        None => "–".into(),
    }
}

/// `12` → `12 days`; nothing → `–`.
fn days(v: Value, _: Kwargs, _: &State) -> String {
    match v.as_f64() {
        Some(x) if (x - 1.0).abs() < f64::EPSILON => "1 day".into(),
        Some(x) => format!("{} days", crate::analysis::score::num(x)),
        None => "–".into(),
    }
}

/// Where the site goes: `--out`, else `report.out` in kith.yaml, relative to the workspace.
pub fn out_dir(ws_root: &Path, given: Option<&Path>, configured: &str) -> Result<PathBuf> {
    let out = match given {
        Some(p) => p.to_path_buf(),
        None => ws_root.join(configured),
    };
    let probe = out.join(crate::record::config::FILE);
    if probe.exists() {
        bail!(
            "{} holds a kith.yaml: refusing to write the report over a workspace",
            out.display()
        );
    }
    Ok(out)
}
