//! Wiki links in a record's text: `[[calder-mutual]]`, `[[calder-mutual|Calder]]` or, where an
//! id is used by records of two kinds, `[[companies/calder-mutual]]`, as Obsidian writes links
//! between notes. A workspace opened as a vault then shows who works where; kith checks that
//! each link leads to a record, the editor follows it, and the report turns it into a link.
//! Links inside code (fenced blocks and `inline code`) are text, not links.

use crate::record::Kind;
use crate::record::diag::Pos;
use compact_str::CompactString;

/// A wiki link in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// The kind its folder names (`[[companies/acme]]`); none: any kind.
    pub kind: Option<Kind>,
    pub id: CompactString,
    /// Where `[[` is: 1-based line in the file and column in characters.
    pub pos: Pos,
}

/// A link's target, `id` or `folder/id`, before any `|label`; none when it is not one.
pub fn target(inner: &str) -> Option<(Option<Kind>, &str)> {
    let t = inner.split('|').next()?.trim();
    let (kind, id) = match t.split_once('/') {
        Some((dir, id)) => (Some(Kind::from_dir(dir)?), id.trim()),
        None => (None, t),
    };
    let id = id.strip_suffix(".md").unwrap_or(id);
    (!id.is_empty() && !id.contains(['[', ']', '/'])).then_some((kind, id))
}

/// Every `[[…]]` of `text`, with byte ranges of the whole link: (start, end, inner text).
/// Code spans and fenced code blocks are skipped.
pub fn links(text: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let mut fenced = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
        } else if !fenced && line.contains("[[") {
            let mut code = false;
            let bytes = line.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                match bytes[i] {
                    b'`' => code = !code,
                    b'[' if !code && bytes.get(i + 1) == Some(&b'[') => {
                        if let Some(close) = line[i + 2..].find("]]") {
                            let inner = &line[i + 2..i + 2 + close];
                            if !inner.contains(['\n', '[']) {
                                out.push((offset + i, offset + i + 2 + close + 2, inner));
                                i += 2 + close + 2;
                                continue;
                            }
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        offset += line.len();
    }
    out
}

/// The links of a record's body; `first_line` is the body's first line in the file.
pub fn read(body: &str, first_line: u32) -> Vec<Mention> {
    if !body.contains("[[") {
        return Vec::new();
    }
    links(body)
        .into_iter()
        .filter_map(|(start, _, inner)| {
            let (kind, id) = target(inner)?;
            let before = &body[..start];
            let line = first_line + memchr::memchr_iter(b'\n', before.as_bytes()).count() as u32;
            let col = before[before.rfind('\n').map_or(0, |n| n + 1)..]
                .chars()
                .count() as u32
                + 1;
            Some(Mention {
                kind,
                id: id.into(),
                pos: Pos::new(line, col),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_with_labels_and_folders_outside_code() {
        let body = "Met [[nadia-haddad|Nadia]] about [[companies/calder-mutual]].\n\
                    `[[not-a-link]]` and\n```\n[[in-a-fence]]\n```\n\
                    - 2026-11-20 call: with [[dana-whitfield]]\n[[]] [[a|]] [[x/y]] [[ok.md]]\n";
        let m = read(body, 10);
        let got: Vec<(Option<Kind>, &str, u32, u32)> = m
            .iter()
            .map(|m| (m.kind, m.id.as_str(), m.pos.line, m.pos.column))
            .collect();
        assert_eq!(
            got,
            [
                (None, "nadia-haddad", 10, 5),
                (Some(Kind::Company), "calder-mutual", 10, 34),
                (None, "dana-whitfield", 15, 25),
                (None, "a", 16, 6),
                (None, "ok", 16, 21),
            ]
        );
    }

    #[test]
    fn no_link_no_work() {
        assert!(read("plain notes [x] [y]", 1).is_empty());
        assert_eq!(links("[[unclosed and ]] later"), [(0, 17, "unclosed and ")]);
    }
}
