//! What the cursor is on in a record file: a frontmatter key, a key's value, a mention in the
//! body (`@teammate`, `#deal`), an activity or task line. Line-based, so it works on a buffer
//! that does not parse (the one being typed).

use std::ops::Range;

/// Where the cursor is.
#[derive(Debug, Clone, PartialEq)]
pub enum Place {
    /// A frontmatter key being written.
    Key,
    /// In the value of frontmatter key `key` (a list item of it too).
    Value { key: String },
    /// A mention in the body: `@teammate` (`sigil` '@') or `#deal` (`sigil` '#').
    Mention { sigil: char },
    /// A wiki link's target in the body, after `[[`.
    Link,
    /// The type of an activity or task line (`- 2026-11-25 call`), in section `section`.
    EntryType { section: Section },
    /// The start of a line in the body, in section `section`.
    LineStart { section: Section },
    /// Anywhere else.
    Elsewhere,
}

/// The body sections kith reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Activity,
    Tasks,
    Notes,
}

/// The cursor's place and the word it is on.
#[derive(Debug, Clone, PartialEq)]
pub struct At {
    pub place: Place,
    /// The word around the cursor (without a mention's sigil).
    pub word: String,
    /// The part of `word` before the cursor.
    pub prefix: String,
    /// Where `word` is in the text, in bytes.
    pub span: Range<usize>,
}

/// What is at byte `offset` of a record file's text.
pub fn at(text: &str, offset: usize) -> At {
    let offset = floor_boundary(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text[line_start..line_end].trim_end_matches('\r');
    let col = (offset - line_start).min(line.len());
    let fm_end = frontmatter_end(text);
    let in_frontmatter = matches!(fm_end, Some(end) if line_start > 0 && line_start < end);
    if in_frontmatter {
        return frontmatter_at(text, line_start, line, col);
    }
    if fm_end.is_none_or(|end| line_start < end) {
        return word_at(Place::Elsewhere, line, line_start, col, is_value_char);
    }
    let section = section_of(&text[..line_start]);
    // A mention: `@` or `#` before the word.
    let (s, _) = bounds(line, col, is_id_char);
    if s > 0 && matches!(line.as_bytes()[s - 1], b'@' | b'#') {
        let sigil = line.as_bytes()[s - 1] as char;
        return word_at(Place::Mention { sigil }, line, line_start, col, is_id_char);
    }
    if line[..s].ends_with("[[") {
        return word_at(Place::Link, line, line_start, col, is_id_char);
    }
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    if let Some(section) = section
        && indent == 0
    {
        if line[..col].trim().is_empty() || line[..col].trim() == "-" {
            return word_at(Place::LineStart { section }, line, line_start, col, |_| {
                false
            });
        }
        // `- [ ] 2026-11-25 call` or `- 2026-11-25 10:30 call`: the word after the date (and
        // time) is the type.
        let item = trimmed.strip_prefix("- ").unwrap_or("");
        let item = item
            .strip_prefix("[ ] ")
            .or_else(|| item.strip_prefix("[x] "))
            .or_else(|| item.strip_prefix("[X] "))
            .unwrap_or(item);
        let before_type = item.split(' ').take_while(|w| is_date_or_time(w)).count();
        if before_type > 0 {
            let type_start = line.len() - item.len()
                + item
                    .split(' ')
                    .take(before_type)
                    .map(|w| w.len() + 1)
                    .sum::<usize>();
            let (ws, we) = bounds(line, col, is_id_char);
            if ws == type_start || (col == type_start && we == col) {
                return word_at(
                    Place::EntryType { section },
                    line,
                    line_start,
                    col,
                    is_id_char,
                );
            }
        }
    }
    word_at(Place::Elsewhere, line, line_start, col, is_id_char)
}

fn is_date_or_time(w: &str) -> bool {
    crate::record::activity::parse_date(w).is_some()
        || (w.len() == 5
            && w.as_bytes()[2] == b':'
            && w.bytes().filter(u8::is_ascii_digit).count() == 4)
}

/// Inside the frontmatter: a key (the cursor before the line's colon), or a value.
fn frontmatter_at(text: &str, line_start: usize, line: &str, col: usize) -> At {
    let indented = line.starts_with([' ', '\t', '-']);
    if !indented {
        match line.find(':') {
            Some(colon) if col > colon => {
                let key = line[..colon].trim().to_string();
                return word_at(Place::Value { key }, line, line_start, col, is_value_char);
            }
            _ => return word_at(Place::Key, line, line_start, col, is_key_char),
        }
    }
    // A block list item: the key is the nearest line above that starts at the margin.
    let key = text[..line_start]
        .lines()
        .rev()
        .find(|l| !l.starts_with([' ', '\t', '-']) && !l.trim().is_empty())
        .and_then(|l| l.split_once(':'))
        .map(|(k, _)| k.trim().to_string())
        .unwrap_or_default();
    word_at(Place::Value { key }, line, line_start, col, is_value_char)
}

/// Where the frontmatter ends (the start of its closing `---` line); `None` without one.
pub fn frontmatter_end(text: &str) -> Option<usize> {
    let split = crate::record::frontmatter::split(text).ok()?;
    Some(split.fm_end)
}

/// The section a line belongs to: the last `## ` heading above it.
fn section_of(before: &str) -> Option<Section> {
    let heading = before
        .lines()
        .rev()
        .find(|l| l.starts_with("## ") || l.starts_with("# "))?;
    match heading
        .trim_start_matches('#')
        .trim()
        .to_lowercase()
        .as_str()
    {
        "activity" => Some(Section::Activity),
        "tasks" => Some(Section::Tasks),
        _ => Some(Section::Notes),
    }
}

fn word_at(
    place: Place,
    line: &str,
    line_start: usize,
    col: usize,
    is_word: fn(char) -> bool,
) -> At {
    let (s, e) = bounds(line, col, is_word);
    At {
        place,
        word: line[s..e].to_string(),
        prefix: line[s..col.max(s)].to_string(),
        span: line_start + s..line_start + e,
    }
}

/// The run of word characters around `col` in `line`.
fn bounds(line: &str, col: usize, is_word: fn(char) -> bool) -> (usize, usize) {
    let col = floor_boundary(line, col);
    let start = line[..col]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(col, |(i, _)| i);
    let end = line[col..]
        .char_indices()
        .find(|(_, c)| !is_word(*c))
        .map_or(line.len(), |(i, _)| col + i);
    (start, end)
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub fn is_id_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.')
}

fn is_key_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_')
}

/// A value's word: anything but spaces, flow-list punctuation and quotes.
fn is_value_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}' | '"' | '\'')
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "---\nname: Ada\ncompany: calder-mu\ncontacts:\n  - ada\ntags: [a, bc]\nlif\n---\nNotes @sa and #pil. with [[cald\n\n## Tasks\n- [ ] 2026-12-01 ca\n\n## Activity\n- 2026-11-25 10:30 vis\n\n";

    fn at_str(needle: &str, plus: usize) -> At {
        at(TEXT, TEXT.find(needle).unwrap() + plus)
    }

    #[test]
    fn places_in_a_record() {
        let a = at_str("calder-mu", 6);
        assert_eq!(
            a.place,
            Place::Value {
                key: "company".into()
            }
        );
        assert_eq!(
            (a.word.as_str(), a.prefix.as_str()),
            ("calder-mu", "calder")
        );
        assert_eq!(&TEXT[a.span], "calder-mu");
        assert_eq!(
            at_str("ada\ntags", 3).place,
            Place::Value {
                key: "contacts".into()
            }
        );
        let t = at_str("bc]", 1);
        assert_eq!(
            (t.place, t.word.as_str()),
            (Place::Value { key: "tags".into() }, "bc")
        );
        let k = at_str("lif\n", 3);
        assert_eq!((k.place, k.prefix.as_str()), (Place::Key, "lif"));
        let m = at_str("sa and", 2);
        assert_eq!(
            (m.place, m.word.as_str()),
            (Place::Mention { sigil: '@' }, "sa")
        );
        assert_eq!(at_str("pil.", 3).place, Place::Mention { sigil: '#' });
        assert_eq!(at_str("[[cald", 6).place, Place::Link);
        assert_eq!(
            at_str("ca\n", 2).place,
            Place::EntryType {
                section: Section::Tasks
            }
        );
        assert_eq!(
            at_str("vis\n", 3).place,
            Place::EntryType {
                section: Section::Activity
            }
        );
        assert_eq!(
            at(TEXT, TEXT.len() - 1).place,
            Place::LineStart {
                section: Section::Activity
            }
        );
        // Out of range and inside a character: no panic.
        assert_eq!(
            at(TEXT, 10_000).place,
            Place::LineStart {
                section: Section::Activity
            }
        );
        let _ = at("---\nname: Zoë\n---\n", 13);
        let _ = at("", 0);
        let _ = at("no frontmatter", 3);
    }
}
