//! Diagnostics: problems found in records and in `kith.yaml`, with their position and a fix.
//!
//! Loading never stops at a bad file; every problem becomes a [`Diagnostic`] and the rest of the
//! workspace still loads. Positions are 1-based line and column (in characters) of the file.

use serde::Serialize;
use std::fmt::Write as _;

/// How bad a problem is. Errors make `kith check` exit with 1; warnings alone do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// How many problems a load found, in how many records: the one line that commands other
/// than `kith check` print instead of the problems themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
    pub records: usize,
}

impl Tally {
    /// Counts `diags` found in `records` records.
    pub fn of<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>, records: usize) -> Tally {
        let mut t = Tally {
            records,
            ..Tally::default()
        };
        for d in diags {
            if d.is_error() {
                t.errors += 1;
            } else {
                t.warnings += 1;
            }
        }
        t
    }

    /// `2 errors and 614 warnings in 16,800 records; `kith check` lists them`, or `None` when
    /// there is nothing to say.
    pub fn line(&self) -> Option<String> {
        let n = |n: usize, what: &str| {
            let s = if n == 1 { "" } else { "s" };
            format!("{} {what}{s}", crate::util::output::thousands(n))
        };
        let problems = match (self.errors, self.warnings) {
            (0, 0) => return None,
            (e, 0) => n(e, "error"),
            (0, w) => n(w, "warning"),
            (e, w) => format!("{} and {}", n(e, "error"), n(w, "warning")),
        };
        let them = if self.errors + self.warnings == 1 {
            "it"
        } else {
            "them"
        };
        Some(format!(
            "{problems} in {}; `kith check` lists {them}",
            n(self.records, "record")
        ))
    }
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Path relative to the workspace root, with `/` separators.
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub severity: Severity,
    /// Stable, kebab-case identifier of the kind of problem (e.g. `invalid-date`).
    pub code: &'static str,
    /// What is wrong, in plain language.
    pub message: String,
    /// How to fix it, when there is something better to say than the message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, code, message)
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, code, message)
    }

    fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            path: String::new(),
            line: 1,
            column: 1,
            severity,
            code,
            message: message.into(),
            help: None,
        }
    }

    pub fn at(mut self, line: u32, column: u32) -> Diagnostic {
        self.line = line.max(1);
        self.column = column.max(1);
        self
    }

    pub fn pos(self, pos: Pos) -> Diagnostic {
        self.at(pos.line, pos.column)
    }

    pub fn in_file(mut self, path: impl Into<String>) -> Diagnostic {
        self.path = path.into();
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:col: severity: message [code]`, then an indented `help:` line when there is one.
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        let (sev_style, bold, dim) = if color {
            let sev = match self.severity {
                Severity::Error => anstyle::AnsiColor::Red.on_default().bold(),
                Severity::Warning => anstyle::AnsiColor::Yellow.on_default().bold(),
            };
            (
                sev,
                anstyle::Style::new().bold(),
                anstyle::Style::new().dimmed(),
            )
        } else {
            Default::default()
        };
        let _ = write!(
            out,
            "{bold}{}:{}:{}:{bold:#} {sev_style}{}{sev_style:#}: {} {dim}[{}]{dim:#}",
            self.path,
            self.line,
            self.column,
            self.severity.as_str(),
            self.message,
            self.code
        );
        if let Some(help) = &self.help {
            // Later lines of a help (a caret under an expression) line up under the first.
            let help = help.replace('\n', "\n        ");
            let _ = write!(out, "\n  {bold}help:{bold:#} {help}");
        }
        out
    }
}

/// A 1-based position in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub fn new(line: u32, column: u32) -> Pos {
        Pos { line, column }
    }
}

/// Sorts diagnostics by file, then position, then severity, for stable output.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(compare);
}

/// The order of [`sort`]: file, position, severity, code, then message, so that the order does
/// not depend on the order the diagnostics were made in.
pub fn compare(a: &Diagnostic, b: &Diagnostic) -> std::cmp::Ordering {
    (
        a.path.as_str(),
        a.line,
        a.column,
        a.severity,
        a.code,
        &a.message,
    )
        .cmp(&(
            b.path.as_str(),
            b.line,
            b.column,
            b.severity,
            b.code,
            &b.message,
        ))
}

/// `did you mean `WORD`? ` (with its trailing blank) for the start of a help line, when
/// [`did_you_mean`] finds a candidate close to `word`; empty when none is.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(word, candidates)
        .map(|c| format!("did you mean `{c}`? "))
        .unwrap_or_default()
}

/// Finds the closest candidate to a misspelt word, for "did you mean" hints.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word = word.to_lowercase();
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let close = candidates
        .iter()
        .map(|c| (edit_distance(&word, &c.to_lowercase()), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c);
    // `won` → `closed-won`: the word is one part of exactly one candidate.
    close.or_else(|| {
        let mut parts = candidates
            .iter()
            .filter(|c| c.to_lowercase().split(['-', '_']).any(|p| p == word));
        match (parts.next(), parts.next()) {
            (Some(c), None) => Some(*c),
            _ => None,
        }
    })
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_is_one_line_with_thousands_separators() {
        let t = |errors, warnings, records| Tally {
            errors,
            warnings,
            records,
        };
        assert_eq!(t(0, 0, 5).line(), None);
        assert_eq!(
            t(0, 614, 16_800).line().unwrap(),
            "614 warnings in 16,800 records; `kith check` lists them"
        );
        assert_eq!(
            t(1, 1_228, 1).line().unwrap(),
            "1 error and 1,228 warnings in 1 record; `kith check` lists them"
        );
        assert_eq!(
            t(1, 0, 2).line().unwrap(),
            "1 error in 2 records; `kith check` lists it"
        );
    }

    #[test]
    fn renders_compiler_style() {
        let d = Diagnostic::error("invalid-date", "`created` is not a date: \"2026-13-01\"")
            .in_file("contacts/ada.md")
            .at(12, 10)
            .help("write dates as YYYY-MM-DD");
        assert_eq!(
            d.render(false),
            "contacts/ada.md:12:10: error: `created` is not a date: \"2026-13-01\" [invalid-date]\n  help: write dates as YYYY-MM-DD"
        );
    }

    #[test]
    fn suggests_close_words() {
        let stages = ["subscriber", "lead", "mql", "sql", "customer"];
        assert_eq!(did_you_mean("custmer", stages), Some("customer"));
        assert_eq!(did_you_mean("Lead", stages), Some("lead"));
        assert_eq!(did_you_mean("banana", stages), None);
    }
}
