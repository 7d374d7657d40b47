//! Splits a record file into its YAML frontmatter and its markdown body.
//!
//! Pure and allocation-free: the result is byte offsets into the original text, so the editor can
//! rewrite spans in place and diagnostics can report the file's own line numbers. A UTF-8 BOM and
//! CRLF line endings are tolerated; each delimiter must stand on its own line.

use crate::record::diag::Diagnostic;

/// Where the parts of a record file are, as byte offsets into the file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// Start of the frontmatter text (the line after the opening `---`).
    pub fm_start: usize,
    /// End of the frontmatter text: the start of the closing delimiter line.
    pub fm_end: usize,
    /// Start of the body: the byte after the closing delimiter line.
    pub body_start: usize,
    /// 1-based line number of the first frontmatter line.
    pub fm_line: u32,
    /// Whether the opening delimiter line ends with CRLF (the file's line ending style).
    pub crlf: bool,
}

impl Split {
    pub fn frontmatter<'a>(&self, text: &'a str) -> &'a str {
        &text[self.fm_start..self.fm_end]
    }

    pub fn body<'a>(&self, text: &'a str) -> &'a str {
        &text[self.body_start..]
    }

    /// 1-based line number of the first body line.
    pub fn body_line(&self, text: &str) -> u32 {
        self.fm_line + count_lines(&text[self.fm_start..self.body_start])
    }

    pub fn newline(&self) -> &'static str {
        if self.crlf { "\r\n" } else { "\n" }
    }
}

fn count_lines(s: &str) -> u32 {
    memchr::memchr_iter(b'\n', s.as_bytes()).count() as u32
}

/// Finds the frontmatter. Errors carry the position and a plain-language fix.
pub fn split(text: &str) -> Result<Split, Diagnostic> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let first_end = line_end(text, start);
    let first = text[start..first_end].trim_end_matches(['\n', '\r']);
    if first.trim_end() != "---" {
        let (line, hint) = if text[start..].trim().is_empty() {
            (1, "the file is empty")
        } else if first.trim() == "---" {
            (1, "the opening `---` must start at the first column")
        } else {
            (1, "the first line must be `---`")
        };
        return Err(Diagnostic::error(
            "missing-frontmatter",
            format!("no frontmatter: {hint}"),
        )
        .at(line, 1)
        .help("start the file with a `---` line, the fields (`name: Ada Lovelace`), then another `---` line; did you forget `---`?"));
    }
    let crlf = text[start..first_end].ends_with("\r\n");
    let fm_start = first_end;
    let mut pos = fm_start;
    let mut line = 2u32;
    while pos < text.len() {
        let end = line_end(text, pos);
        let content = text[pos..end]
            .trim_end_matches(['\n', '\r'])
            .trim_end_matches([' ', '\t']);
        if content == "---" || content == "..." {
            return Ok(Split {
                fm_start,
                fm_end: pos,
                body_start: end,
                fm_line: 2,
                crlf,
            });
        }
        pos = end;
        line += 1;
    }
    Err(Diagnostic::error(
        "unclosed-frontmatter",
        "the frontmatter is never closed: no `---` line after the fields",
    )
    .at(1, 1)
    .help(format!(
        "add a line with just `---` after the last field (the file has {} lines)",
        line - 1
    )))
}

/// Index just past the end of the line starting at `pos` (including its `\n`).
fn line_end(text: &str, pos: usize) -> usize {
    match memchr::memchr(b'\n', &text.as_bytes()[pos..]) {
        Some(i) => pos + i + 1,
        None => text.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> (&str, &str) {
        let s = split(text).unwrap();
        (s.frontmatter(text), s.body(text))
    }

    #[test]
    fn splits_simple_and_edge_cases() {
        let cases: &[(&str, &str, &str)] = &[
            ("---\nname: A\n---\nbody\n", "name: A\n", "body\n"),
            ("---\n---\n", "", ""),
            ("---\nname: A\n---", "name: A\n", ""),
            ("\u{feff}---\nname: A\n---\nb", "name: A\n", "b"),
            (
                "---\r\nname: A\r\n---\r\nbody\r\n",
                "name: A\r\n",
                "body\r\n",
            ),
            ("---  \nname: A\n---   \nbody", "name: A\n", "body"),
            ("---\nname: A\n...\nbody", "name: A\n", "body"),
            (
                "---\nname: A\n----\nx: 1\n---\n",
                "name: A\n----\nx: 1\n",
                "",
            ),
            ("---\nname: A\n---\n---\n", "name: A\n", "---\n"),
        ];
        for (text, fm, body) in cases {
            assert_eq!(parts(text), (*fm, *body), "{text:?}");
        }
    }

    #[test]
    fn reports_missing_and_unclosed() {
        let e = split("name: A\n").unwrap_err();
        assert_eq!(e.code, "missing-frontmatter");
        assert!(e.help.unwrap().contains("forget `---`"));
        assert_eq!(split("").unwrap_err().code, "missing-frontmatter");
        assert_eq!(split("  ---\n").unwrap_err().code, "missing-frontmatter");
        let e = split("---\nname: A\nbody\n").unwrap_err();
        assert_eq!(e.code, "unclosed-frontmatter");
    }

    #[test]
    fn reports_line_numbers() {
        let text = "---\na: 1\nb: 2\n---\nbody\n";
        let s = split(text).unwrap();
        assert_eq!(s.fm_line, 2);
        assert_eq!(s.body_line(text), 5);
        assert!(!s.crlf);
    }
}
