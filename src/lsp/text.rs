//! Positions in a document: LSP's (0-based line, UTF-16 column) against byte offsets and
//! kith's own 1-based (line, character column).

use lsp_types::{Position, Range};

/// The byte offset of an LSP position; a position past the end of its line is the line's end,
/// a line past the end is the end of the text.
pub fn offset(text: &str, pos: Position) -> usize {
    let start = line_start(text, pos.line);
    let Some(start) = start else {
        return text.len();
    };
    let line = line_text(text, start);
    let mut units = 0u32;
    for (i, c) in line.char_indices() {
        if units >= pos.character {
            return start + i;
        }
        units += c.len_utf16() as u32;
    }
    start + line.len()
}

/// The LSP position of a byte offset (clamped to the text, and to a character boundary).
pub fn position(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = memchr::memchr_iter(b'\n', before.as_bytes()).count() as u32;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = text[start..offset]
        .chars()
        .map(|c| c.len_utf16() as u32)
        .sum();
    Position { line, character }
}

/// The range of bytes `span` in `text`.
pub fn range(text: &str, span: std::ops::Range<usize>) -> Range {
    Range {
        start: position(text, span.start),
        end: position(text, span.end),
    }
}

/// The byte offset where 0-based line `line` starts, if the text has it.
pub fn line_start(text: &str, line: u32) -> Option<usize> {
    if line == 0 {
        return Some(0);
    }
    memchr::memchr_iter(b'\n', text.as_bytes())
        .nth(line as usize - 1)
        .map(|i| i + 1)
}

/// The line that starts at byte `start`, without its line ending.
pub fn line_text(text: &str, start: usize) -> &str {
    let rest = &text[start.min(text.len())..];
    let end = rest.find('\n').unwrap_or(rest.len());
    rest[..end].strip_suffix('\r').unwrap_or(&rest[..end])
}

/// The byte offset of kith's 1-based line and character column.
pub fn offset_of_kith(text: &str, line: u32, column: u32) -> usize {
    let Some(start) = line_start(text, line.saturating_sub(1)) else {
        return text.len();
    };
    let l = line_text(text, start);
    let skip = column.saturating_sub(1) as usize;
    start + l.char_indices().nth(skip).map_or(l.len(), |(i, _)| i)
}

/// The range a diagnostic at kith's (line, column) underlines: the word that starts there
/// (up to a space, a comma or a closing bracket), or the next character at least.
pub fn word_range(text: &str, line: u32, column: u32) -> Range {
    let start = offset_of_kith(text, line, column);
    let rest = &text[start..];
    let len = rest
        .find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}'))
        .unwrap_or(rest.len());
    let len = if len == 0 {
        rest.chars()
            .next()
            .filter(|c| *c != '\n' && *c != '\r')
            .map_or(0, char::len_utf8)
    } else {
        len
    };
    range(text, start..start + len)
}

/// Applies one change of `textDocument/didChange`: a range replaced, or the whole text.
pub fn apply_change(text: &mut String, range: Option<Range>, new: &str) {
    match range {
        None => *text = new.to_string(),
        Some(r) => {
            let a = offset(text, r.start);
            let b = offset(text, r.end).max(a);
            text.replace_range(a..b, new);
        }
    }
}

/// One edit that turns `old` into `new`: the span between their common start and end.
pub fn minimal_edit(old: &str, new: &str) -> lsp_types::TextEdit {
    let mut start = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(start) || !new.is_char_boundary(start) {
        start -= 1;
    }
    let max_end = old.len().min(new.len()) - start;
    let mut end = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_end)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - end) || !new.is_char_boundary(new.len() - end) {
        end -= 1;
    }
    lsp_types::TextEdit {
        range: range(old, start..old.len() - end),
        new_text: new[start..new.len() - end].to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn utf16_columns_round_trip() {
        let text = "---\nname: Zoë 😀 Müller\r\nx\n";
        let at = text.find("Müller").unwrap();
        // 😀 is two UTF-16 units.
        assert_eq!(position(text, at), pos(1, 13));
        assert_eq!(offset(text, pos(1, 13)), at);
        // Past the end of a line: its end, before the CRLF.
        assert_eq!(offset(text, pos(1, 99)), text.find("\r\n").unwrap());
        assert_eq!(offset(text, pos(99, 0)), text.len());
        // Inside a surrogate pair or a multi-byte character: never a broken boundary.
        assert!(text.is_char_boundary(offset(text, pos(1, 11))));
        assert_eq!(position(text, at + 2), pos(1, 14));
    }

    #[test]
    fn kith_positions_are_one_based_characters() {
        let text = "---\ncompany: zoë-gmbh, x\n";
        let r = word_range(text, 2, 10);
        assert_eq!((r.start, r.end), (pos(1, 9), pos(1, 17)));
        let end = word_range(text, 9, 1);
        assert_eq!(end.start, end.end);
    }

    #[test]
    fn minimal_edits_touch_only_what_changed() {
        let e = minimal_edit("a: x\nb: y\n", "a: x\nb: zz\n");
        assert_eq!((e.range.start, e.range.end), (pos(1, 3), pos(1, 4)));
        assert_eq!(e.new_text, "zz");
        let e = minimal_edit("ab", "ab");
        assert_eq!((e.range.start, e.new_text.as_str()), (e.range.end, ""));
        let e = minimal_edit("aéb", "aèb");
        let mut t = String::from("aéb");
        apply_change(&mut t, Some(e.range), &e.new_text);
        assert_eq!(t, "aèb");
    }

    #[test]
    fn changes_apply_by_range() {
        let mut t = String::from("ab\ncd\n");
        apply_change(&mut t, Some(Range::new(pos(1, 0), pos(1, 1))), "X");
        assert_eq!(t, "ab\nXd\n");
        // A range past the end appends.
        apply_change(&mut t, Some(Range::new(pos(9, 0), pos(9, 0))), "e");
        assert_eq!(t, "ab\nXd\ne");
        apply_change(&mut t, None, "new");
        assert_eq!(t, "new");
    }
}
