//! Output for people and for tools: aligned, coloured tables on a terminal (plain when piped or
//! when NO_COLOR is set, which anstream handles), JSON arrays and CSV.

use anstyle::{AnsiColor, Style};
use std::io::Write;
use std::path::{Path, PathBuf};
use unicode_width::UnicodeWidthStr;

/// Output formats shared by the listing commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    #[default]
    Table,
    Json,
    Csv,
}

pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const HEADER: Style = Style::new().bold().underline();
pub const GOOD: Style = AnsiColor::Green.on_default();
pub const WARN: Style = AnsiColor::Yellow.on_default();
pub const BAD: Style = AnsiColor::Red.on_default();
pub const ACCENT: Style = AnsiColor::Cyan.on_default();

/// Wraps text in a style (stripped by anstream when colour is off).
pub fn paint(style: Style, text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    format!("{style}{text}{style:#}")
}

/// A table: a header and rows of cells, each cell optionally styled.
#[derive(Debug, Default)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<(String, Style)>>,
    right: Vec<bool>,
}

impl Table {
    pub fn new<S: Into<String>>(headers: impl IntoIterator<Item = S>) -> Table {
        let headers: Vec<String> = headers.into_iter().map(Into::into).collect();
        let right = vec![false; headers.len()];
        Table {
            headers,
            rows: Vec::new(),
            right,
        }
    }

    /// Right-aligns a column (numbers).
    pub fn align_right(&mut self, col: usize) {
        if let Some(r) = self.right.get_mut(col) {
            *r = true;
        }
    }

    pub fn row(&mut self, cells: Vec<(String, Style)>) {
        self.rows.push(cells);
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Renders with two spaces between columns, trailing spaces trimmed.
    pub fn render(&self) -> String {
        self.render_with(true, "")
    }

    /// Renders the rows only, each line starting with `indent` (for lists inside a card).
    pub fn render_rows(&self, indent: &str) -> String {
        self.render_with(false, indent)
    }

    fn render_with(&self, header: bool, indent: &str) -> String {
        let n = self.headers.len();
        let mut widths: Vec<usize> = if header {
            self.headers.iter().map(|h| h.width()).collect()
        } else {
            vec![0; n]
        };
        for row in &self.rows {
            for (i, (cell, _)) in row.iter().enumerate().take(n) {
                widths[i] = widths[i].max(cell.width());
            }
        }
        let mut out = String::new();
        let mut line = |cells: Vec<(&str, Style)>| {
            let mut l = String::new();
            let last = cells.len().saturating_sub(1);
            for (i, (text, style)) in cells.into_iter().enumerate() {
                let pad = widths[i].saturating_sub(text.width());
                if self.right[i] {
                    l.push_str(&" ".repeat(pad));
                }
                l.push_str(&paint(style, text));
                if i < last {
                    if !self.right[i] {
                        l.push_str(&" ".repeat(pad));
                    }
                    l.push_str("  ");
                }
            }
            out.push_str(indent);
            out.push_str(l.trim_end());
            out.push('\n');
        };
        if header {
            line(self.headers.iter().map(|h| (h.as_str(), HEADER)).collect());
        }
        for row in &self.rows {
            line(row.iter().map(|(c, s)| (c.as_str(), *s)).collect());
        }
        out
    }
}

/// Shortens text to `max` display columns with an ellipsis.
pub fn clip(s: &str, max: usize) -> String {
    if s.width() <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if out.width() + unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) + 1 > max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// The first write to stdout that failed for another reason than a closed pipe (a full disk,
/// `> /dev/full`). The command goes on without writing more there, and `main` turns it into an
/// error: a truncated file must not look like a success.
static STDOUT_ERROR: std::sync::Mutex<Option<std::io::Error>> = std::sync::Mutex::new(None);

/// Runs a write to stdout (and its flush). A closed pipe (`kith list | head -1`) ends the
/// process quietly, with exit code 0: the reader has what it wanted. Any other failure is kept
/// for [`stdout_error`], and later writes are skipped.
fn emit(write: impl FnOnce() -> std::io::Result<()>) {
    let mut failed = STDOUT_ERROR
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if failed.is_some() {
        return;
    }
    match write() {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => *failed = Some(e),
    }
}

/// The failed write to stdout, if there was one (taken: asked once, by `main`).
pub fn stdout_error() -> Option<std::io::Error> {
    STDOUT_ERROR
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take()
}

/// Prints to stdout through anstream (see [`emit`] for failed writes).
pub fn print(text: &str) {
    emit(|| {
        let mut out = anstream::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()
    });
}

/// Writes data (JSON, CSV, vCards, a calendar) to stdout as it is, never styled (see [`emit`]
/// for failed writes).
pub fn print_raw(bytes: &[u8]) {
    emit(|| {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)?;
        out.flush()
    });
}

/// Prints to stderr through anstream.
pub fn eprint(text: &str) {
    let mut err = anstream::stderr().lock();
    let _ = err.write_all(text.as_bytes());
}

/// Prints a JSON value followed by a newline.
pub fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    // JSON output is data: never styled, so write to the raw stdout.
    print_raw(text.as_bytes());
    Ok(())
}

/// [`print_json`] of an array whose items are made one at a time as they are written, so that
/// a long list never holds every item at once (the same text as printing a `Vec` of them).
pub fn print_json_items<T: serde::Serialize>(items: impl Iterator<Item = T>) -> anyhow::Result<()> {
    /// An array that takes its items from an iterator, once.
    struct Items<I>(std::cell::RefCell<Option<I>>);
    impl<T: serde::Serialize, I: Iterator<Item = T>> serde::Serialize for Items<I> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let items = self.0.borrow_mut().take();
            s.collect_seq(items.into_iter().flatten())
        }
    }
    print_json(&Items(std::cell::RefCell::new(Some(items))))
}

/// Writes rows as CSV with a header.
pub fn print_csv(header: &[String], rows: &[Vec<String>]) -> anyhow::Result<()> {
    let mut buf = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut buf);
        w.write_record(header)?;
        for row in rows {
            w.write_record(row)?;
        }
        w.flush()?;
    }
    print_raw(&buf);
    Ok(())
}

/// A count with thousands separators (`16,800`).
pub fn thousands(n: usize) -> String {
    amount(n as f64)
}

/// Formats an amount with thousands separators (`12,000`, `9,999.50`).
pub fn amount(x: f64) -> String {
    let negative = x < 0.0;
    let x = x.abs();
    let whole = x.trunc() as u64;
    let cents = ((x - x.trunc()) * 100.0).round() as u64;
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if cents > 0 {
        out.push_str(&format!(".{cents:02}"));
    }
    if negative { format!("-{out}") } else { out }
}

/// A progress bar on standard error for a run long enough to wait for: hidden unless standard
/// error is a terminal and `total` is large (1,000 items, or 8 MiB when `template` counts
/// bytes; 0 for a total not known yet, which shows it).
pub fn progress(total: u64, template: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    let short = if template.contains("bytes") {
        total < 8 << 20
    } else {
        total < 1000
    };
    if (total > 0 && short) || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// With `KITH_TRACE` set, prints `what` and the time since the first trace to stderr: where a
/// slow command spends its time.
pub fn trace(what: &str) {
    static START: std::sync::OnceLock<Option<std::time::Instant>> = std::sync::OnceLock::new();
    if let Some(start) =
        START.get_or_init(|| std::env::var_os("KITH_TRACE").map(|_| std::time::Instant::now()))
    {
        eprintln!("[{:>8.3}s] {what}", start.elapsed().as_secs_f64());
    }
}

/// A path as the user can type it: relative to the current folder when inside it.
pub fn display_path(p: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let abs: PathBuf = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    match abs.strip_prefix(&cwd) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".to_string(),
        Ok(rel) => rel.display().to_string(),
        Err(_) => abs.display().to_string(),
    }
}

/// `warning: MESSAGE` on standard error: something the reader should know that does not stop
/// the command.
pub fn warn(message: &str) {
    eprint(&format!("{}: {message}\n", paint(WARN.bold(), "warning")));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_by_display_width() {
        let mut t = Table::new(["ID", "NAME", "N"]);
        t.align_right(2);
        t.row(vec![
            ("zoe".into(), Style::new()),
            ("Zoë Müller".into(), Style::new()),
            ("5".into(), Style::new()),
        ]);
        t.row(vec![
            ("ada-lovelace".into(), Style::new()),
            ("Ada".into(), Style::new()),
            ("12".into(), Style::new()),
        ]);
        let plain: String = anstream::adapter::strip_str(&t.render()).to_string();
        assert_eq!(
            plain,
            "ID            NAME         N\nzoe           Zoë Müller   5\nada-lovelace  Ada         12\n"
        );
    }

    #[test]
    fn formats_amounts() {
        assert_eq!(amount(12000.0), "12,000");
        assert_eq!(amount(1234567.5), "1,234,567.50");
        assert_eq!(amount(999.0), "999");
        assert_eq!(clip("abcdefghij", 5), "abcd…");
    }
}
