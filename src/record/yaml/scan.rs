//! A structural scanner for frontmatter: where every top-level key and value is, to the byte.
//!
//! No serde YAML crate keeps spans, so kith scans the text itself. The scanner knows the shape of
//! each top-level entry (plain, quoted, flow or block list, block scalar, nested mapping, ...)
//! and its byte range; the editor rewrites those ranges and diagnostics report their line and
//! column. For the common subset of YAML (single-line scalars, lists of them, literal `|`
//! blocks) it also yields the values, which is several times faster than a full YAML parser;
//! anything else is marked `complex` and left to serde_yaml_ng, so the two never disagree.

use super::scalar;
use crate::record::value::Value;
use compact_str::CompactString;
use std::ops::Range;

/// The form of a top-level value, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Nothing after `key:` and nothing nested below it.
    Empty,
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `[a, b]`
    FlowSeq,
    /// `{a: 1}`
    FlowMap,
    /// `- a` items on the following lines.
    BlockSeq,
    /// A nested mapping on the following lines.
    BlockMap,
    /// `|` or `>` with its indented lines.
    BlockScalar,
    /// Anchors, aliases, tags, multi-line plain scalars and anything else unusual.
    Other,
}

/// One item of a list value, for editing lists in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The item's text as written (quotes included).
    pub span: Range<usize>,
    /// For block lists: the whole line(s) of the item, newline included.
    pub lines: Range<usize>,
}

/// One top-level `key: value` entry. Offsets are relative to the frontmatter text.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: CompactString,
    pub key_span: Range<usize>,
    /// The value as written, without a trailing comment; an empty range right after `:` when the
    /// value is empty. For nested values it starts at the first line below the key.
    pub value_span: Range<usize>,
    /// From the start of the key's line to just past the entry's last line (newline included).
    pub lines: Range<usize>,
    /// 0-based line of the key within the frontmatter.
    pub line: u32,
    /// 0-based line and character column of the value's first character.
    pub value_line: u32,
    pub value_col: u32,
    pub style: Style,
    /// Whether the value spans more than the key's line.
    pub multiline: bool,
    /// List items, for `FlowSeq` and `BlockSeq` values in the simple subset.
    pub items: Vec<Item>,
    /// The value, when it is in the simple subset the scanner reads itself.
    pub value: Option<Value>,
    /// A specific, known mistake in this entry (for a friendlier message than the parser's).
    pub problem: Option<Problem>,
}

/// A mistake recognised by the scanner, with its position (0-based line, char column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: u32,
    pub col: u32,
    pub message: String,
    pub help: &'static str,
}

/// The result of scanning a frontmatter text.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    pub entries: Vec<Entry>,
    /// Every line was understood as part of a top-level entry, a comment or a blank line.
    pub structured: bool,
    /// Every value is in the simple subset (and `structured`): `entries[i].value` are all set.
    pub simple: bool,
    /// The text contains no character YAML would reject or treat as a line break.
    pub printable: bool,
    pub problems: Vec<Problem>,
}

impl Scan {
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }
}

struct Line {
    start: usize,
    /// End of the content (before `\r\n` or `\n`).
    end: usize,
    /// Start of the next line.
    next: usize,
}

fn lines_of(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(text.len() / 24 + 4);
    let mut start = 0;
    while start < bytes.len() {
        let nl = memchr::memchr(b'\n', &bytes[start..]).map(|i| start + i);
        let (end, next) = match nl {
            Some(i) if i > start && bytes[i - 1] == b'\r' => (i - 1, i + 1),
            Some(i) => (i, i + 1),
            None => (bytes.len(), bytes.len()),
        };
        out.push(Line { start, end, next });
        start = next;
    }
    out
}

fn char_col(text: &str, line_start: usize, pos: usize) -> u32 {
    let s = &text[line_start..pos];
    if s.is_ascii() {
        s.len() as u32
    } else {
        s.chars().count() as u32
    }
}

/// `s` without leading spaces and tabs (bytewise: cheaper than a char pattern).
fn trim_blank_start(s: &str) -> &str {
    let n = s.bytes().take_while(|b| matches!(b, b' ' | b'\t')).count();
    &s[n..]
}

/// `s` without trailing spaces and tabs.
fn trim_blank_end(s: &str) -> &str {
    let n = s
        .bytes()
        .rev()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    &s[..s.len() - n]
}

fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| b == b' ' || b == b'\t')
}

/// Scans a frontmatter text (without its `---` delimiters).
pub fn scan(text: &str) -> Scan {
    let lines = lines_of(text);
    let mut scan = Scan {
        entries: Vec::with_capacity(lines.len()),
        structured: true,
        simple: true,
        printable: scalar::all_printable(text),
        problems: Vec::new(),
    };
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        let content = &text[line.start..line.end];
        if is_blank(content) {
            i += 1;
            continue;
        }
        let first = content.as_bytes()[0];
        if first == b'#' {
            i += 1;
            continue;
        }
        if first == b' ' || first == b'\t' {
            // Indented text with no key above it: not a top-level mapping kith understands.
            scan.structured = false;
            if first == b'\t' {
                push_tab_problem(&mut scan.problems, i as u32);
            }
            i += 1;
            continue;
        }
        match scan_entry(text, &lines, i) {
            Some((entry, next)) => {
                if let Some(p) = &entry.problem {
                    scan.problems.push(p.clone());
                }
                scan.entries.push(entry);
                i = next;
            }
            None => {
                scan.structured = false;
                let (message, help) = if content.starts_with('-') {
                    (
                        "a list item with no key above it".to_string(),
                        "list items belong under a key, e.g. `tags:` followed by `  - vip`",
                    )
                } else {
                    (
                        format!(
                            "expected `key: value`, found `{}`",
                            truncate(content.trim(), 40)
                        ),
                        "each frontmatter line is `key: value`; put a space after the colon, or quote values that contain `: `",
                    )
                };
                scan.problems.push(Problem {
                    line: i as u32,
                    col: 0,
                    message,
                    help,
                });
                i += 1;
            }
        }
    }
    // YAML's rules for tabs are intricate (indentation, separation); frontmatter with a tab
    // anywhere is left to the full parser.
    let tab_led = memchr::memchr(b'\t', text.as_bytes()).is_some();
    // A carriage return on its own is a line break to YAML but not to this scanner.
    let bytes = text.as_bytes();
    let bare_cr = memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'));
    if bare_cr {
        // Lines are not where this scanner thinks they are: no spans to trust for editing.
        scan.structured = false;
    }
    scan.simple = scan.structured
        && !tab_led
        && !bare_cr
        && scan.printable
        && scan.problems.is_empty()
        && scan
            .entries
            .iter()
            .all(|e| e.value.is_some() && key_is_text(text, e));
    scan
}

/// Whether YAML reads the key as the text it shows (`+1:` is the number 1, `yes:` is text).
fn key_is_text(text: &str, e: &Entry) -> bool {
    let quoted = matches!(text.as_bytes().get(e.key_span.start), Some(b'"' | b'\''));
    quoted || matches!(scalar::resolve_plain(&e.key), Some(Value::Str(ref s)) if *s == e.key)
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let t: String = s.chars().take(n).collect();
        format!("{t}…")
    }
}

fn push_tab_problem(problems: &mut Vec<Problem>, line: u32) {
    problems.push(Problem {
        line,
        col: 0,
        message: "a tab is used for indentation".into(),
        help: "YAML only allows spaces for indentation; replace the tab with spaces",
    });
}

/// Parses the key at the start of line `i`. Returns (key, key span, offset after the colon).
fn scan_key(text: &str, line: &Line) -> Option<(CompactString, Range<usize>, usize)> {
    let content = &text[line.start..line.end];
    let bytes = content.as_bytes();
    match bytes[0] {
        q @ (b'"' | b'\'') => {
            let close = find_quote_end(content, 0, q)?;
            let raw = &content[1..close];
            let key = decode_quoted(raw, q)?;
            let rest = &content[close + 1..];
            let colon = close + 1 + rest.len() - trim_blank_start(rest).len();
            if bytes.get(colon) != Some(&b':') {
                return None;
            }
            let after = colon + 1;
            if after < bytes.len() && !matches!(bytes[after], b' ' | b'\t') {
                return None;
            }
            Some((key, line.start..line.start + close + 1, line.start + after))
        }
        b'?' | b'-' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>'
        | b'%' | b'@' | b'`' | b',' | b':' => None,
        _ => {
            let mut search = 0;
            loop {
                let colon = search + memchr::memchr(b':', &bytes[search..])?;
                let after = colon + 1;
                if after == bytes.len() || matches!(bytes[after], b' ' | b'\t') {
                    let key = trim_blank_end(&content[..colon]);
                    // (A `#` first: searching short keys for two-byte needles costs more.)
                    if key.as_bytes().contains(&b'#') && (key.contains(" #") || key.contains("\t#"))
                    {
                        return None;
                    }
                    return Some((
                        key.into(),
                        line.start..line.start + key.len(),
                        line.start + after,
                    ));
                }
                search = after;
            }
        }
    }
}

/// The text of a quoted scalar's inside: escapes for `"`, doubled quotes for `'`. `None` for
/// escapes the fast path leaves to the full parser.
fn decode_quoted(raw: &str, quote: u8) -> Option<CompactString> {
    if quote == b'"' {
        scalar::unescape_double(raw)
    } else if raw.contains('\'') {
        Some(raw.replace("''", "'").into())
    } else {
        Some(raw.into())
    }
}

/// Finds the closing quote of a quoted scalar opening at `open` (within one string).
fn find_quote_end(s: &str, open: usize, q: u8) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = open + 1;
    while i < bytes.len() {
        let b = bytes[i];
        if q == b'"' && b == b'\\' {
            i += 2;
            continue;
        }
        if b == q {
            if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Finds the end (exclusive) of a flow collection opening at `open`, across lines.
fn find_flow_end(s: &str, open: usize) -> Option<usize> {
    let bytes = s.as_bytes();
    // The closers expected, innermost last; a mismatched closer means the value is broken.
    let mut expected: Vec<u8> = Vec::new();
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'[' => expected.push(b']'),
            b'{' => expected.push(b'}'),
            c @ (b']' | b'}') => {
                if expected.pop() != Some(c) {
                    return None;
                }
                if expected.is_empty() {
                    return Some(i + 1);
                }
            }
            q @ (b'"' | b'\'') => {
                // Quotes open a scalar only at the start of a node.
                let prev = if i == 0 { b' ' } else { bytes[i - 1] };
                if matches!(
                    prev,
                    b' ' | b'\t' | b'\n' | b'\r' | b'[' | b'{' | b',' | b':'
                ) {
                    i = find_quote_end(s, i, q)?;
                }
            }
            b'#' if i > 0 && matches!(bytes[i - 1], b' ' | b'\t' | b'\n') => {
                i += memchr::memchr(b'\n', &bytes[i..]).unwrap_or(bytes.len() - i);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The index of the line containing byte `pos`, searching from line `from`.
fn line_at(lines: &[Line], from: usize, pos: usize) -> usize {
    let mut j = from;
    while j + 1 < lines.len() && lines[j].next <= pos {
        j += 1;
    }
    j
}

/// Whether the rest of a line after a value is only whitespace and an optional comment.
fn only_comment(rest: &str) -> bool {
    let t = trim_blank_start(rest);
    t.is_empty() || (t.starts_with('#') && (t.len() < rest.len() || rest.is_empty()))
}

fn scan_entry(text: &str, lines: &[Line], i: usize) -> Option<(Entry, usize)> {
    let line = &lines[i];
    let (key, key_span, after_colon) = scan_key(text, line)?;
    let rest = &text[after_colon..line.end];
    let lead = rest.len() - trim_blank_start(rest).len();
    let vstart = after_colon + lead;
    let mut entry = Entry {
        key,
        key_span,
        value_span: vstart..vstart,
        lines: line.start..line.next,
        line: i as u32,
        value_line: i as u32,
        value_col: char_col(text, line.start, vstart),
        style: Style::Empty,
        multiline: false,
        items: Vec::new(),
        value: None,
        problem: None,
    };
    let first = text
        .as_bytes()
        .get(vstart)
        .copied()
        .filter(|_| vstart < line.end);
    let mut next;
    match first {
        None | Some(b'#') => {
            if first == Some(b'#') && lead == 0 {
                // `key:#x` is not a comment in YAML; leave it to the parser.
                entry.style = Style::Other;
            }
            next = scan_nested(text, lines, i, &mut entry);
        }
        Some(q @ (b'"' | b'\'')) => next = scan_quoted(text, lines, i, vstart, &mut entry, q),
        Some(b @ (b'[' | b'{')) => next = scan_flow(text, lines, i, vstart, &mut entry, b),
        Some(b @ (b'|' | b'>')) => next = scan_block_scalar(text, lines, i, vstart, &mut entry, b),
        Some(b'&' | b'*' | b'!') => next = scan_tagged(text, lines, i, vstart, &mut entry),
        Some(b) => next = scan_plain(text, lines, i, vstart, &mut entry, b),
    }
    if entry.problem.is_none() {
        // Indented lines after a closed single-line value are a mistake the parser will name.
        if matches!(
            entry.style,
            Style::DoubleQuoted | Style::SingleQuoted | Style::FlowSeq | Style::FlowMap
        ) {
            let more = extend_indented(text, lines, next - 1, &mut entry);
            if more > next {
                entry.value = None;
                next = more;
            }
        }
    }
    entry.lines.end = lines[next - 1].next;
    Some((entry, next))
}

/// A quoted value (`"…"` or `'…'`), read in place when it fits on its line; the index of the
/// line after it.
fn scan_quoted(
    text: &str,
    lines: &[Line],
    i: usize,
    vstart: usize,
    entry: &mut Entry,
    q: u8,
) -> usize {
    entry.style = if q == b'"' {
        Style::DoubleQuoted
    } else {
        Style::SingleQuoted
    };
    match find_quote_end(text, vstart, q) {
        Some(close) => {
            let last = line_at(lines, i, close);
            entry.value_span = vstart..close + 1;
            entry.multiline = last > i;
            let tail = &text[close + 1..lines[last].end];
            if !only_comment(tail) {
                entry.problem = Some(text_after_value(text, lines, last, close + 1));
            } else if !entry.multiline {
                let raw = &text[vstart + 1..close];
                entry.value = decode_quoted(raw, q).map(Value::Str);
            }
            last + 1
        }
        None => unclosed(
            entry,
            text.len(),
            lines.len(),
            "this quoted value is never closed".into(),
            "add the closing quote at the end of the value",
        ),
    }
}

/// A flow collection (`[…]` or `{…}`); a one-line list of plain items is read in place; the
/// index of the line after it.
fn scan_flow(
    text: &str,
    lines: &[Line],
    i: usize,
    vstart: usize,
    entry: &mut Entry,
    b: u8,
) -> usize {
    entry.style = if b == b'[' {
        Style::FlowSeq
    } else {
        Style::FlowMap
    };
    match find_flow_end(text, vstart) {
        Some(end) => {
            let last = line_at(lines, i, end - 1);
            entry.value_span = vstart..end;
            entry.multiline = last > i;
            let tail = &text[end..lines[last].end];
            if !only_comment(tail) {
                entry.problem = Some(text_after_value(text, lines, last, end));
            } else if b == b'['
                && !entry.multiline
                && let Some((items, values)) = flow_items(text, vstart, end)
            {
                entry.items = items;
                entry.value = Some(Value::List(values.into()));
            }
            last + 1
        }
        None => {
            let message = format!(
                "this list is never closed: `{}` has no matching `{}`",
                b as char,
                if b == b'[' { ']' } else { '}' }
            );
            unclosed(
                entry,
                text.len(),
                lines.len(),
                message,
                "close the list on the same line, e.g. `tags: [vip, webinar-2026]`",
            )
        }
    }
}

/// A block scalar (`|` or `>`): its indented lines; a literal at the margin is read in place;
/// the index of the line after it.
fn scan_block_scalar(
    text: &str,
    lines: &[Line],
    i: usize,
    vstart: usize,
    entry: &mut Entry,
    b: u8,
) -> usize {
    let line = &lines[i];
    entry.style = Style::BlockScalar;
    let next = extend_indented(text, lines, i, entry);
    entry.value_span.end = lines[next - 1].end.max(entry.value_span.start);
    if next - 1 == i {
        entry.value_span.end = vstart + value_end_in_line(&text[vstart..line.end]);
    }
    let header = trim_blank_end(&text[vstart..line.end]);
    let at_margin = entry.key_span.start == line.start;
    if b == b'|' && at_margin && entry.problem.is_none() {
        let clip = match header {
            "|" => Some(true),
            "|-" => Some(false),
            _ => None,
        };
        entry.value = clip
            .and_then(|clip| literal(text, &lines[i + 1..], next - i - 1, clip))
            .map(|s| Value::Str(s.into()));
    }
    next
}

/// An anchored, aliased or tagged value (`&`, `*`, `!`), left to the YAML parser; the index of
/// the line after it.
fn scan_tagged(text: &str, lines: &[Line], i: usize, vstart: usize, entry: &mut Entry) -> usize {
    let line = &lines[i];
    entry.style = Style::Other;
    let next = extend_indented(text, lines, i, entry);
    entry.value_span.end = if next - 1 > i {
        lines[next - 1].end
    } else {
        vstart + value_end_in_line(&text[vstart..line.end])
    };
    next
}

/// A plain scalar, resolved as YAML would when it fits on its line, with the mistakes YAML
/// reads differently from what was meant; the index of the line after it.
fn scan_plain(
    text: &str,
    lines: &[Line],
    i: usize,
    vstart: usize,
    entry: &mut Entry,
    b: u8,
) -> usize {
    let line = &lines[i];
    entry.style = Style::Plain;
    let v = &text[vstart..line.end];
    let len = value_end_in_line(v);
    entry.value_span = vstart..vstart + len;
    let plain = &v[..len];
    if b == b'@' || b == b'`' {
        entry.problem = Some(Problem {
            line: i as u32,
            col: entry.value_col,
            message: format!("a value cannot start with `{}`", b as char),
            help: "YAML reserves this character; put the value in quotes, e.g. owner: \"@sam\"",
        });
    } else if let Some(p) = colon_space(plain) {
        entry.problem = Some(Problem {
            line: i as u32,
            col: char_col(text, line.start, vstart + p),
            message: "a value contains `: `, which YAML reads as a nested key".into(),
            help: "put the whole value in double quotes",
        });
    }
    let next = extend_indented(text, lines, i, entry);
    if next - 1 > i {
        entry.style = Style::Other;
        entry.value_span.end = lines[next - 1].end;
    } else if entry.problem.is_none() && plain_ok(plain) {
        entry.value = scalar::resolve_plain(plain);
    }
    next
}

/// Marks a value whose quote or bracket never closes: it runs to the end of the frontmatter.
/// Returns the index of the line after the entry.
fn unclosed(
    entry: &mut Entry,
    text_len: usize,
    line_count: usize,
    message: String,
    help: &'static str,
) -> usize {
    entry.style = Style::Other;
    entry.value_span = entry.value_span.start..text_len;
    entry.multiline = true;
    entry.problem = Some(Problem {
        line: entry.line,
        col: entry.value_col,
        message,
        help,
    });
    line_count
}

fn text_after_value(text: &str, lines: &[Line], line: usize, pos: usize) -> Problem {
    Problem {
        line: line as u32,
        col: char_col(text, lines[line].start, pos),
        message: "unexpected text after the value".into(),
        help: "a quoted value or list must end the line (a `# comment` may follow)",
    }
}

/// Length of a plain value within its line: up to a ` #` comment, trailing blanks trimmed.
fn value_end_in_line(v: &str) -> usize {
    let bytes = v.as_bytes();
    let mut end = bytes.len();
    let mut i = 1;
    while i < bytes.len() {
        if bytes[i] == b'#' && matches!(bytes[i - 1], b' ' | b'\t') {
            end = i;
            break;
        }
        i += 1;
    }
    trim_blank_end(&v[..end]).len()
}

/// A plain scalar kith reads itself: no indicator at the start, nothing YAML treats specially.
fn plain_ok(s: &str) -> bool {
    let bytes = s.as_bytes();
    let Some(&first) = bytes.first() else {
        return true;
    };
    if matches!(
        first,
        b',' | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
            | b'?'
            | b':'
    ) {
        return false;
    }
    if first == b'-' && bytes.get(1).is_none_or(|b| matches!(b, b' ' | b'\t')) {
        return false;
    }
    bytes.last() != Some(&b':') && colon_space(s).is_none()
}

/// Where `: ` (or `:` and a tab) first occurs: YAML reads it as a nested key.
fn colon_space(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    memchr::memchr_iter(b':', bytes).find(|&i| matches!(bytes.get(i + 1), Some(b' ' | b'\t')))
}

/// A literal block scalar (`|` or `|-`) of a key at the margin, in the subset read here: the
/// first content line sets the indentation, every content line has at least as much, and no
/// blank line holds more spaces than it (YAML would count those as content or, before the
/// first line, as the indentation). `lines` starts below the key; the first `len` of them are
/// the scalar's (up to its last non-blank line). `clip` keeps one final line break, as `|`
/// does; `|-` strips it. Anything else is left to the full parser.
fn literal(text: &str, lines: &[Line], len: usize, clip: bool) -> Option<String> {
    let content = |l: &Line| &text[l.start..l.end];
    let indent = |s: &str| s.len() - s.trim_start_matches(' ').len();
    let n = lines[..len]
        .iter()
        .map(content)
        .find(|s| !is_blank(s))
        .map_or(0, indent);
    // Blank lines after the scalar, up to the next entry, belong to it too.
    let trailing = lines[len..].iter().take_while(|l| is_blank(content(l)));
    if lines[..len]
        .iter()
        .chain(trailing)
        .map(content)
        .any(|s| is_blank(s) && (s.len() > n || s.contains('\t')))
    {
        return None;
    }
    let mut out = String::new();
    for (k, l) in lines[..len].iter().enumerate() {
        let s = content(l);
        if k > 0 {
            out.push('\n');
        }
        if !is_blank(s) {
            if indent(s) < n {
                return None;
            }
            out.push_str(&s[n..]);
        }
    }
    // The final line break, when the last line has one (the text may end without it).
    if clip && len > 0 && lines[len - 1].next > lines[len - 1].end {
        out.push('\n');
    }
    Some(out)
}

/// Extends an entry over the indented (and blank) lines that follow line `i`; returns the index
/// of the first line after the entry. Trailing blank lines are not included.
fn extend_indented(text: &str, lines: &[Line], i: usize, entry: &mut Entry) -> usize {
    let mut last = i;
    let mut j = i + 1;
    while j < lines.len() {
        let content = &text[lines[j].start..lines[j].end];
        if is_blank(content) {
            j += 1;
            continue;
        }
        match content.as_bytes()[0] {
            b' ' | b'\t' => {
                if content.as_bytes()[0] == b'\t' && entry.problem.is_none() {
                    entry.problem = Some(Problem {
                        line: j as u32,
                        col: 0,
                        message: "a tab is used for indentation".into(),
                        help: "YAML only allows spaces for indentation; replace the tab with spaces",
                    });
                }
                last = j;
                j += 1;
            }
            _ => break,
        }
    }
    if last > i {
        entry.multiline = true;
    }
    last + 1
}

/// An empty value followed by nested lines: a block list, a nested mapping, or something else.
fn scan_nested(text: &str, lines: &[Line], i: usize, entry: &mut Entry) -> usize {
    let mut j = i + 1;
    let mut last = i;
    let mut items = Vec::new();
    let mut values = Vec::new();
    let mut simple = true;
    let mut item_indent: Option<usize> = None;
    let mut kind: Option<Style> = None;
    while j < lines.len() {
        let content = &text[lines[j].start..lines[j].end];
        if is_blank(content) {
            j += 1;
            continue;
        }
        let indent = content.len() - content.trim_start_matches(' ').len();
        let body = &content[indent..];
        let is_item = body == "-" || body.starts_with("- ") || body.starts_with("-\t");
        if indent == 0 && !(is_item && kind != Some(Style::BlockMap)) {
            break; // the next top-level key (or comment)
        }
        if body.starts_with('\t') {
            if entry.problem.is_none() {
                entry.problem = Some(Problem {
                    line: j as u32,
                    col: indent as u32,
                    message: "a tab is used for indentation".into(),
                    help: "YAML only allows spaces for indentation; replace the tab with spaces",
                });
            }
            simple = false;
        }
        last = j;
        if body.starts_with('#') {
            j += 1;
            continue;
        }
        if kind.is_none() {
            kind = Some(if is_item {
                Style::BlockSeq
            } else if looks_like_key(body) {
                Style::BlockMap
            } else {
                Style::Other
            });
            if !is_item {
                simple = false;
            }
        }
        if kind == Some(Style::BlockSeq) {
            if is_item && item_indent.is_none_or(|n| n == indent) {
                item_indent = Some(indent);
                if body.starts_with("-\t") {
                    simple = false;
                }
                let vstart = lines[j].start
                    + indent
                    + 1
                    + (body.len() - 1 - trim_blank_start(&body[1..]).len());
                let v = &text[vstart..lines[j].end];
                let (span_len, value) = block_item(v);
                if value.is_none() {
                    simple = false;
                }
                values.push(value.unwrap_or(Value::Null));
                items.push(Item {
                    span: vstart..vstart + span_len,
                    lines: lines[j].start..lines[j].next,
                });
            } else {
                // Continuation lines or nested items: beyond the simple subset.
                simple = false;
                if let Some(it) = items.last_mut() {
                    it.lines.end = lines[j].next;
                }
            }
        }
        j += 1;
    }
    if last == i {
        if entry.style == Style::Empty {
            entry.value = Some(Value::Null);
        }
        return i + 1;
    }
    entry.multiline = true;
    let style = kind.unwrap_or(Style::Empty);
    if entry.style == Style::Empty {
        entry.style = style;
    }
    // The value of a nested entry starts at the first line below the key.
    let first_line = i + 1;
    entry.value_span = lines[first_line].start..lines[last].end;
    entry.value_line = first_line as u32;
    entry.value_col = 0;
    if style == Style::Empty {
        // Only comment lines below the key: the value is still null.
        entry.value = Some(Value::Null);
        entry.value_span = entry.value_span.start..entry.value_span.start;
    } else if style == Style::BlockSeq {
        entry.items = items;
        if simple && entry.style == Style::BlockSeq {
            entry.value = Some(Value::List(values.into()));
        }
    }
    last + 1
}

fn looks_like_key(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr(b':', b).is_some_and(|i| i + 1 == b.len() || matches!(b[i + 1], b' ' | b'\t'))
}

/// A block list item's value: (length of its text as written, value if simple).
fn block_item(v: &str) -> (usize, Option<Value>) {
    let Some(&first) = v.as_bytes().first() else {
        return (0, None);
    };
    match first {
        q @ (b'"' | b'\'') => match find_quote_end(v, 0, q) {
            Some(close) if only_comment(&v[close + 1..]) => {
                let raw = &v[1..close];
                let value = decode_quoted(raw, q).map(Value::Str);
                (close + 1, value)
            }
            _ => (v.len(), None),
        },
        _ => {
            let len = value_end_in_line(v);
            let plain = &v[..len];
            if plain.is_empty() || !plain_ok(plain) {
                (len, None)
            } else {
                (len, scalar::resolve_plain(plain))
            }
        }
    }
}

/// Items of a single-line flow list `[a, "b", c]` between `open` and `end` (exclusive, after `]`).
fn flow_items(text: &str, open: usize, end: usize) -> Option<(Vec<Item>, Vec<Value>)> {
    let inner_start = open + 1;
    let inner_end = end - 1;
    let inner = &text[inner_start..inner_end];
    let mut items = Vec::new();
    let mut values = Vec::new();
    if is_blank(inner) {
        return Some((items, values));
    }
    let bytes = inner.as_bytes();
    let mut i = 0;
    loop {
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
            i += 1;
        }
        if i >= bytes.len() {
            return None; // trailing comma or empty item
        }
        let start = i;
        let value = match bytes[i] {
            q @ (b'"' | b'\'') => {
                let close = find_quote_end(inner, i, q)?;
                let raw = &inner[i + 1..close];
                i = close + 1;
                Value::Str(decode_quoted(raw, q)?)
            }
            _ => {
                let len = memchr::memchr(b',', &bytes[i..]).unwrap_or(bytes.len() - i);
                let raw = trim_blank_end(&inner[i..i + len]);
                if raw.is_empty()
                    || !plain_ok(raw)
                    || raw.contains(['[', ']', '{', '}', '#'])
                    || raw.contains(':')
                {
                    return None;
                }
                i += raw.len();
                scalar::resolve_plain(raw)?
            }
        };
        items.push(Item {
            span: inner_start + start..inner_start + i,
            lines: 0..0,
        });
        values.push(value);
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
            i += 1;
        }
        if i >= bytes.len() {
            return Some((items, values));
        }
        if bytes[i] != b',' {
            return None;
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(String, Value)> {
        let s = scan(text);
        assert!(s.simple, "not simple: {text:?} {:?}", s);
        s.entries
            .into_iter()
            .map(|e| (e.key.to_string(), e.value.unwrap()))
            .collect()
    }

    fn serde_values(text: &str) -> Vec<(String, Value)> {
        let v: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).unwrap();
        match Value::from_yaml(v) {
            Value::Map(m) => m.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            Value::Null => vec![],
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn simple_subset_agrees_with_serde() {
        let docs = [
            "name: Ada Lovelace\nemail: ada@x.example\n",
            "phone: \"+44 20 7946 0000\" # office\nzip: '0123'\n",
            "tags: [saas, webinar-2026, \"two words\", 'it''s']\nempty: []\n",
            "tags:\n  - a\n  - \"b c\"\n# comment\nn: 3\n",
            "tags:\n- a\n- b\nx: ~\n",
            "a:\nb: 1.5\nc: -3\nd: 0x10\ne: yes\nf: NO\ng: true\n",
            "url: https://x.example/a#b\nt: 12:30\nk: a#b\n",
            "q: \"a\\\"b\\\\c\\u00e9\"\n",
            "c: 2026-10-02 # created\r\nd: x\r\n",
            "spaced key: 1\n",
            "k:   # only a comment\n  # and another\nz: 1\n",
            "a: |\n  line one\n\n    two # kept\n  3\nb: 1\n",
            "a: |-\n  2026-01-01\n\nb: |\nc: |  \n   x\r\n   y\r\n",
        ];
        for doc in docs {
            assert!(scan(doc).simple, "{doc:?}");
            assert_eq!(values(doc), serde_values(doc), "{doc:?}");
        }
    }

    #[test]
    fn complex_values_fall_back() {
        for doc in [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: >-\n  folded\n",
            "a: |+\n  kept\n\n",
            "a: |2\n   x\n",
            "a: | # c\n  x\n",
            "a: |\n    x\n  y\n",
            "a: |\n  x\n     \nb: 1\n",
            "a: |\n     \n  x\n",
            "a:\n  b: 1\n",
            "a: [1, [2]]\n",
            "a: {b: 1}\n",
            "a: one\n  two\n",
            "a: \"multi\n  line\"\n",
            "a: [x,\n  y]\n",
            "a: \"\\x41\"\n",
            "a: [a, ]\n",
        ] {
            let s = scan(doc);
            assert!(!s.simple, "{doc:?}");
            assert!(s.structured, "{doc:?}");
            assert!(s.problems.is_empty(), "{doc:?}: {:?}", s.problems);
            // The spans still let the editor find every key.
            assert!(s.get("a").is_some(), "{doc:?}");
        }
    }

    #[test]
    fn spans_cover_values_and_lines() {
        let text =
            "name: Ada # the name\ntags:\n  - a\n  - b\n\nnote: |\n  hi\n  there\nlast: [x, y]\n";
        let s = scan(text);
        let name = s.get("name").unwrap();
        assert_eq!(&text[name.value_span.clone()], "Ada");
        assert_eq!(&text[name.lines.clone()], "name: Ada # the name\n");
        let tags = s.get("tags").unwrap();
        assert_eq!(tags.style, Style::BlockSeq);
        assert_eq!(&text[tags.lines.clone()], "tags:\n  - a\n  - b\n");
        assert_eq!(tags.items.len(), 2);
        assert_eq!(&text[tags.items[1].span.clone()], "b");
        assert_eq!(&text[tags.items[1].lines.clone()], "  - b\n");
        let note = s.get("note").unwrap();
        assert_eq!(note.style, Style::BlockScalar);
        assert_eq!(&text[note.value_span.clone()], "|\n  hi\n  there");
        assert_eq!(&text[note.lines.clone()], "note: |\n  hi\n  there\n");
        let last = s.get("last").unwrap();
        assert_eq!(&text[last.items[0].span.clone()], "x");
        assert_eq!((last.line, last.value_col), (8, 6));
    }

    #[test]
    fn names_common_mistakes() {
        let s = scan("owner: @sam\n");
        assert_eq!(s.problems[0].message, "a value cannot start with `@`");
        assert_eq!((s.problems[0].line, s.problems[0].col), (0, 7));
        let s = scan("title: CEO: founder\n");
        assert!(s.problems[0].message.contains("`: `"));
        let s = scan("name Ada\n");
        assert!(s.problems[0].message.starts_with("expected `key: value`"));
        let s = scan("tags: [a, b\nx: 1\n");
        assert!(s.problems[0].message.contains("never closed"));
        let s = scan("a:\n\t- x\n");
        assert!(s.problems[0].message.contains("tab"));
        let s = scan("q: \"abc\" d\n");
        assert!(s.problems[0].message.contains("after the value"));
    }

    #[test]
    fn non_printable_text_is_not_simple() {
        assert!(!scan("a: b\u{7}c\n").simple);
        assert!(!scan("a: b\u{2028}c\n").simple);
        assert!(scan("a: Zoë Müller\n").simple);
    }
}
