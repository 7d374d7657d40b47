//! The markdown body of a record: its sections and the activity log within it.
//!
//! The body is parsed with pulldown-cmark, so a `## Activity` inside a code block is not a
//! heading and list items are what CommonMark says they are. Results are byte ranges into the
//! body, which the editor uses to insert entries without touching anything else.

use crate::record::activity::{self, Activity};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use std::ops::Range;

/// A section that starts at a heading and runs until the next heading of the same or a higher
/// level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub level: u8,
    /// The heading line(s).
    pub heading: Range<usize>,
    /// Everything after the heading up to the next heading of this level or higher.
    pub content: Range<usize>,
    /// Top-level list items of the section, each with its full text range.
    pub items: Vec<Range<usize>>,
}

/// Finds the first section whose heading reads `title` (case-insensitive).
pub fn find_section(body: &str, title: &str) -> Option<Section> {
    if !contains_ignore_case(body, title) {
        return None;
    }
    match find_section_fast(body, title) {
        Some(found) => found,
        None => find_section_cmark(body, title),
    }
}

/// The fast path of [`find_section`] for regular bodies: ATX headings at the first column and
/// `- ` lists without lazy continuation lines, no code fences, HTML, tabs or setext headings.
/// Returns `None` ("ask pulldown-cmark") for anything else, so both always agree.
fn find_section_fast(body: &str, title: &str) -> Option<Option<Section>> {
    let bytes = body.as_bytes();
    if memchr::memchr3(b'<', b'\t', b'`', bytes).is_some()
        || memchr::memchr2_iter(b'~', b'\r', bytes).any(|i| match bytes[i] {
            b'~' => bytes[i..].starts_with(b"~~~"),
            _ => bytes.get(i + 1) != Some(&b'\n'),
        })
    {
        return None;
    }
    let mut section: Option<Section> = None;
    let mut item: Option<std::ops::Range<usize>> = None;
    let mut after_blank = false;
    let mut start = 0;
    // The next `#` at or after the line being read: one search per `#`, not one per line.
    let mut next_hash = memchr::memchr(b'#', bytes).unwrap_or(bytes.len());
    while start < bytes.len() {
        let next = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i + 1);
        let mut end = next;
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        let line = &body[start..end];
        let indent = line.bytes().take_while(|b| *b == b' ').count();
        let trimmed = &line[indent..];
        if trimmed.is_empty() {
            after_blank = true;
            start = next;
            continue;
        }
        if trimmed
            .bytes()
            .all(|b| matches!(b, b'-' | b'*' | b'_' | b'=' | b' '))
        {
            return None; // setext underline or thematic break
        }
        if trimmed.starts_with('>') {
            return None; // block quotes hold lists and headings of their own
        }
        if next_hash < start {
            next_hash = memchr::memchr(b'#', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        }
        // A heading inside a list item or quote (`- ## Activity`) is one to CommonMark too.
        if !line.starts_with('#')
            && next_hash < end
            && line
                .trim_start_matches([
                    ' ', '-', '*', '+', '>', '.', ')', '0', '1', '2', '3', '4', '5', '6', '7', '8',
                    '9',
                ])
                .starts_with('#')
        {
            return None;
        }
        if let Some(level) = atx_level(trimmed) {
            if indent > 0 {
                return None;
            }
            let text = heading_text(&trimmed[level..])?;
            if let Some(s) = &mut section {
                if level as u8 <= s.level {
                    s.content.end = start;
                    if let Some(it) = item.take() {
                        s.items.push(it);
                    }
                    return Some(section);
                }
                // A subsection: its lists still belong to this section.
                if let Some(it) = item.take() {
                    s.items.push(it);
                }
            } else if text.eq_ignore_ascii_case(title) {
                section = Some(Section {
                    title: text.to_string(),
                    level: level as u8,
                    heading: start..next,
                    content: next..body.len(),
                    items: Vec::new(),
                });
            }
            after_blank = false;
            start = next;
            continue;
        }
        if let Some(s) = &mut section {
            let first = trimmed.as_bytes()[0];
            let is_marker = matches!(first, b'-' | b'*' | b'+');
            if indent == 0 && is_marker && trimmed.as_bytes().get(1) == Some(&b' ') {
                if trimmed.as_bytes().get(2).is_none_or(|b| *b == b' ') {
                    return None; // empty item, or content indented by several spaces
                }
                if let Some(it) = item.take() {
                    s.items.push(it);
                }
                item = Some(start..start + line.len());
            } else if indent == 0 && (first.is_ascii_digit() || is_marker) {
                return None; // ordered lists, markers without a space: leave to CommonMark
            } else if indent >= 2 && item.is_some() {
                if let Some(it) = &mut item {
                    it.end = start + line.len();
                }
            } else if indent == 0 && after_blank {
                // A paragraph ends the list.
                if let Some(it) = item.take() {
                    s.items.push(it);
                }
            } else if indent == 0 && item.is_none() {
                // Text between the heading and the list.
            } else {
                return None; // lazy continuation or odd indentation
            }
        } else if indent > 0 && trimmed.starts_with('#') {
            return None;
        }
        after_blank = false;
        start = next;
    }
    if let Some(s) = &mut section
        && let Some(it) = item.take()
    {
        s.items.push(it);
    }
    Some(section)
}

/// The level of an ATX heading line (`## x` → 2).
fn atx_level(line: &str) -> Option<usize> {
    let n = line.bytes().take_while(|b| *b == b'#').count();
    ((1..=6).contains(&n) && line.as_bytes().get(n).is_none_or(|b| *b == b' ')).then_some(n)
}

/// A heading's text without its closing `#`s; `None` when it holds inline markup.
fn heading_text(rest: &str) -> Option<&str> {
    let t = rest.trim();
    let t = t.trim_end_matches('#');
    let t = if t.len() < rest.trim().len() && !t.is_empty() && !t.ends_with(' ') {
        return None;
    } else {
        t.trim_end()
    };
    if t.contains(['*', '_', '`', '[', ']', '\\', '&', '!', '<', '>', '#']) {
        return None;
    }
    Some(t)
}

fn find_section_cmark(body: &str, title: &str) -> Option<Section> {
    let mut section: Option<Section> = None;
    let mut heading: Option<(u8, usize, String)> = None;
    let mut list_depth = 0usize;
    // Headings in a quote or a list item (`> ## Activity`, a quoted version in a merge note)
    // belong to that block, not to the record: they neither start nor end a section.
    let mut quote_depth = 0usize;
    for (event, range) in Parser::new(body).into_offset_iter() {
        match event {
            Event::Start(Tag::BlockQuote(_)) => quote_depth += 1,
            Event::End(TagEnd::BlockQuote(_)) => quote_depth = quote_depth.saturating_sub(1),
            Event::Start(Tag::Heading { .. }) if quote_depth > 0 || list_depth > 0 => {}
            Event::End(TagEnd::Heading(_)) if quote_depth > 0 || list_depth > 0 => {
                heading = None;
            }
            Event::Start(Tag::Heading { level, .. }) => {
                let level = level_num(level);
                if let Some(s) = &mut section
                    && level <= s.level
                {
                    s.content.end = range.start;
                    return section;
                }
                heading = Some((level, range.start, String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, start, text)) = heading.take()
                    && section.is_none()
                    && text.trim().eq_ignore_ascii_case(title)
                {
                    let end = line_end(body, range.end);
                    section = Some(Section {
                        title: text.trim().to_string(),
                        level,
                        heading: start..end,
                        content: end..body.len(),
                        items: Vec::new(),
                    });
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, text)) = &mut heading {
                    text.push_str(&t);
                }
            }
            Event::Start(Tag::List(_)) => list_depth += 1,
            Event::End(TagEnd::List(_)) => list_depth = list_depth.saturating_sub(1),
            Event::Start(Tag::Item) if list_depth == 1 => {
                if let Some(s) = &mut section {
                    s.items.push(range);
                }
            }
            _ => {}
        }
    }
    section
}

fn level_num(level: HeadingLevel) -> u8 {
    level as u8
}

fn line_end(s: &str, pos: usize) -> usize {
    if pos > 0 && s.as_bytes()[pos - 1] == b'\n' {
        return pos;
    }
    match memchr::memchr(b'\n', &s.as_bytes()[pos..]) {
        Some(i) => pos + i + 1,
        None => s.len(),
    }
}

fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    let n = needle.as_bytes();
    if n.is_empty() {
        return true;
    }
    // Look for the needle's rarest letter in English text (`v` of "Activity", `k` of "Tasks"),
    // not its first: an `a` is in every sentence.
    const COMMON_FIRST: &[u8] = b"etaoinshrdlcumwfgypbvkjxqz";
    let rank = |b: u8| {
        COMMON_FIRST
            .iter()
            .position(|&c| c == b.to_ascii_lowercase())
            .unwrap_or(COMMON_FIRST.len())
    };
    let at = (0..n.len()).max_by_key(|&i| rank(n[i])).unwrap_or(0);
    let h = haystack.as_bytes();
    let pair = [n[at].to_ascii_lowercase(), n[at].to_ascii_uppercase()];
    memchr::memchr2_iter(pair[0], pair[1], h).any(|i| {
        i >= at
            && h.len() >= i - at + n.len()
            && h[i - at..i - at + n.len()].eq_ignore_ascii_case(n)
    })
}

/// A problem with one activity entry: 1-based line, 1-based column, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryProblem {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// The activity log of a body. `first_line` is the body's first line number in the file.
pub fn activities(body: &str, first_line: u32) -> (Vec<Activity>, Vec<EntryProblem>) {
    let r = read(body, first_line);
    (r.activities, r.problems)
}

/// What [`read`] finds in a body.
pub struct Read {
    pub activities: Vec<Activity>,
    pub problems: Vec<EntryProblem>,
    /// The body without its activity and task sections, trimmed.
    pub notes: Box<str>,
    /// The `## Tasks` section, for [`crate::record::task::read_section`].
    pub tasks: Option<Section>,
}

/// The activity log, the notes and where the tasks are.
pub fn read(body: &str, first_line: u32) -> Read {
    let section = find_section(body, "Activity");
    // The notes are what is left without the activity log and the tasks.
    let mut cut: Vec<Range<usize>> = section
        .iter()
        .map(|s| s.heading.start..s.content.end)
        .collect();
    let tasks = body
        .contains('[')
        .then(|| find_section(body, crate::record::task::SECTION))
        .flatten();
    if let Some(t) = &tasks {
        cut.push(t.heading.start..t.content.end);
    }
    cut.sort_by_key(|r| r.start);
    let mut parts: Vec<&str> = Vec::new();
    let mut at = 0;
    for r in &cut {
        if r.start >= at {
            parts.push(body[at..r.start].trim());
            at = r.end;
        }
    }
    parts.push(body[at..].trim());
    parts.retain(|p| !p.is_empty());
    let notes: Box<str> = match parts.as_slice() {
        [] => "".into(),
        [one] => (*one).into(),
        _ => parts.join("\n\n").into(),
    };
    let (activities, problems) = match section {
        Some(section) => section_activities(body, first_line, &section),
        None => (Vec::new(), Vec::new()),
    };
    Read {
        activities,
        problems,
        notes,
        tasks,
    }
}

fn section_activities(
    body: &str,
    first_line: u32,
    section: &Section,
) -> (Vec<Activity>, Vec<EntryProblem>) {
    let mut problems = Vec::new();
    let mut out = Vec::with_capacity(section.items.len());
    for item in items(body, first_line, section) {
        match activity::parse_entry(item.first, &item.rest) {
            Ok(mut a) => {
                a.line = item.line;
                a.kind_col += item.column as u16;
                out.push(a);
            }
            Err(e) => problems.push(EntryProblem {
                line: item.line,
                column: item.column + e.col + 1,
                message: e.message,
            }),
        }
    }
    (out, problems)
}

/// A list item of a section, split into its text.
pub struct Item<'s> {
    /// 1-based line in the file.
    pub line: u32,
    /// 0-based column where the text starts after the list marker.
    pub column: u32,
    /// The first line, marker removed (see [`split_item`]).
    pub first: &'s str,
    /// The continuation lines, dedented and joined with `\n`.
    pub rest: String,
}

/// A section's list items, each split once, with its 1-based line in the file (the body
/// starts at `first_line`) and the column where its text starts.
pub fn items<'s>(
    body: &'s str,
    first_line: u32,
    section: &'s Section,
) -> impl Iterator<Item = Item<'s>> + 's {
    let mut line = first_line;
    let mut counted = 0;
    section.items.iter().map(move |range| {
        line += memchr::memchr_iter(b'\n', &body.as_bytes()[counted..range.start]).count() as u32;
        let (first, rest, marker) = split_item(&body[range.clone()]);
        // A one-line item has no line break before the end of its text: the next count starts
        // there instead of going through the item again.
        counted = if rest.is_empty() {
            range.start + marker + first.len()
        } else {
            range.start
        };
        Item {
            line,
            column: marker as u32 + column_of(body, range.start),
            first,
            rest,
        }
    })
}

/// The 0-based column of a byte offset within its line.
fn column_of(s: &str, pos: usize) -> u32 {
    if pos == 0 || s.as_bytes()[pos - 1] == b'\n' {
        return 0;
    }
    let line_start = memchr::memrchr(b'\n', &s.as_bytes()[..pos]).map_or(0, |i| i + 1);
    s[line_start..pos].chars().count() as u32
}

/// Splits a list item into its first line (marker removed), its dedented continuation lines
/// and the width of the marker.
pub fn split_item(raw: &str) -> (&str, String, usize) {
    let raw = trim_end_bytes(raw, b"\n\r");
    let (first, rest) = match memchr::memchr(b'\n', raw.as_bytes()) {
        Some(i) => (trim_end_bytes(&raw[..i], b"\r"), &raw[i + 1..]),
        None => (raw, ""),
    };
    let markers = first
        .bytes()
        .take_while(|b| matches!(b, b'-' | b'*' | b'+'))
        .count();
    let body_trimmed = first[markers..].trim_start();
    let marker = first.len() - body_trimmed.len();
    let mut cont = String::new();
    if !rest.is_empty() {
        for (i, l) in rest.lines().enumerate() {
            if i > 0 {
                cont.push('\n');
            }
            cont.push_str(l.trim_end_matches('\r').trim_start());
        }
        cont.truncate(cont.trim_end().len());
    }
    (body_trimmed.trim_end(), cont, marker)
}

/// `s` without the ASCII bytes of `set` at its end.
fn trim_end_bytes<'s>(s: &'s str, set: &[u8]) -> &'s str {
    let b = s.as_bytes();
    let mut end = b.len();
    while end > 0 && set.contains(&b[end - 1]) {
        end -= 1;
    }
    // Only ASCII bytes were cut: `end` is a character boundary.
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "Notes first.\n\n- a note, not an activity\n\n## Activity\n- 2026-11-15 email-open: newsletter\n- 2026-11-20 14:05 call @sam: pricing\n  for 40 seats\n- bogus entry\n\n### Detail\n- 2026-11-21 note: still in the section\n\n## Other\n- 2026-11-22 note: not activity\n";

    #[test]
    fn finds_the_section_and_its_items() {
        let s = find_section(BODY, "activity").unwrap();
        assert_eq!(&BODY[s.heading.clone()], "## Activity\n");
        // Lists in subsections (`### Detail`) belong to the section too.
        assert_eq!(s.items.len(), 4);
        assert!(BODY[s.content.clone()].ends_with("still in the section\n\n"));
    }

    #[test]
    fn reads_entries_with_lines() {
        let (acts, problems) = activities(BODY, 10);
        assert_eq!(acts.len(), 3);
        assert_eq!(acts[0].line, 15);
        assert_eq!(acts[1].line, 16);
        assert_eq!(acts[2].line, 21);
        assert_eq!(acts[1].text, "pricing\nfor 40 seats");
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].line, problems[0].column), (18, 3));
    }

    #[test]
    fn headings_in_quotes_and_list_items_are_not_sections() {
        let body = "> ## Activity\n> - 2026-11-01 note: quoted\n\n- ## Activity\n\n## Activity\n- 2026-11-02 call: real\n";
        let (acts, problems) = activities(body, 1);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(acts.len(), 1);
        assert_eq!(acts[0].text, "real");
    }

    #[test]
    fn ignores_headings_in_code_blocks() {
        let body = "```\n## Activity\n- 2026-11-15 note: in code\n```\n";
        assert!(activities(body, 1).0.is_empty());
        assert!(find_section("no such heading", "Activity").is_none());
    }

    /// The fast path, whenever it answers, must agree with pulldown-cmark.
    fn assert_paths_agree(body: &str) {
        let Some(fast) = find_section_fast(body, "Activity") else {
            return;
        };
        let slow = find_section_cmark(body, "Activity");
        let items = |s: &Option<Section>| -> Vec<String> {
            s.iter()
                .flat_map(|s| {
                    s.items
                        .iter()
                        .map(|r| body[r.clone()].trim_end().to_string())
                })
                .collect()
        };
        assert_eq!(items(&fast), items(&slow), "items differ for {body:?}");
        assert_eq!(
            fast.as_ref()
                .map(|s| (s.level, s.heading.clone(), s.content.clone())),
            slow.as_ref()
                .map(|s| (s.level, s.heading.clone(), s.content.clone())),
            "section differs for {body:?}"
        );
    }

    #[test]
    fn fast_path_agrees_with_pulldown_cmark() {
        let cases = [
            BODY,
            "## Activity\n- 2026-11-15 note: a\n  more\n\n  after blank\n- 2026-11-16 call: b\n",
            "Intro\n## Activity ##\n* 2026-11-15 note: a\n+ 2026-11-16 note: b\n",
            "## Activity\nSome text first.\n- 2026-11-15 note: a\n\nA paragraph.\n\n- 2026-11-16 note: b\n",
            "# Activity\n- a\n## Sub\n- b\n# Next\n- c\n",
            "## Activity\n- a\nlazy line\n",
            "## Activity\n1. one\n2. two\n",
            "Activity\n--------\n- a\n",
            "## Activity\n   - indented\n",
            "## Activity\n-  two spaces\n",
            "## *Activity*\n- a\n",
            "## Activity\n- a\n  - nested\n    - deeper\n- b\n",
            "## Activity\n- a\n\n\n- b\n\n",
            "## Activity\r\n- a\r\n  b\r\n",
            "No activity here\n",
            "## Activities\n- a\n",
            "## Activity\n- a\n    code-ish\n- b",
        ];
        for body in cases {
            assert_paths_agree(body);
        }
        for dir in ["contacts", "companies", "deals"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("example-workspace")
                .join(dir);
            for entry in std::fs::read_dir(path).unwrap() {
                let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
                let split = crate::record::frontmatter::split(&text).unwrap();
                let body = split.body(&text);
                assert!(
                    find_section_fast(body, "Activity").is_some() || !body.contains("## Activity"),
                    "{body}"
                );
                assert_paths_agree(body);
            }
        }
    }

    #[test]
    fn finds_a_title_in_any_case_anywhere() {
        for (haystack, needle, found) in [
            ("## Activity", "Activity", true),
            ("## ACTIVITY\n", "activity", true),
            ("activit", "Activity", false),
            ("ctivity", "Activity", false),
            ("vity activ activity", "Activity", true),
            ("## Tasks", "Tasks", true),
            ("kasks", "Tasks", false),
            ("k", "Tasks", false),
            ("## Aktivität", "Aktivität", true),
            ("## Aktivitat", "Aktivität", false),
            ("", "x", false),
            ("x", "", true),
        ] {
            assert_eq!(
                contains_ignore_case(haystack, needle),
                found,
                "{needle} in {haystack}"
            );
        }
    }

    #[test]
    fn handles_crlf() {
        let body = "## Activity\r\n- 2026-11-15 note: a\r\n  b\r\n- 2026-11-16 call: c\r\n";
        let (acts, problems) = activities(body, 1);
        assert!(problems.is_empty());
        assert_eq!(acts[0].text, "a\nb");
        assert_eq!(acts[1].line, 4);
    }

    #[test]
    fn mutated_bodies_never_make_the_paths_disagree() {
        let mut state = 11u64;
        let mut next = |n: usize| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) % n as u64) as usize
        };
        let pieces = [
            "\n",
            "\n\n",
            "## ",
            "# ",
            "### ",
            "- ",
            "* ",
            "+ ",
            "  ",
            "    ",
            "1. ",
            "2) ",
            "---",
            "===",
            "***",
            "```",
            "~~~",
            "<b>",
            "\t",
            "> ",
            "Activity",
            "## Activity\n",
            "- 2026-11-01 note: x\n",
            "#",
            "-",
            "\\",
            "`",
            "*x*",
            "\r\n",
            " ##",
        ];
        for seed in [
            BODY,
            "## Activity\n- 2026-11-15 note: a\n  more\n- 2026-11-16 call: b\n\nText.\n\n## Next\n- c\n",
        ] {
            for _ in 0..5000 {
                let mut body = seed.to_string();
                for _ in 0..1 + next(3) {
                    let piece = pieces[next(pieces.len())];
                    let at = next(body.len() + 1);
                    body.insert_str(at, piece);
                }
                assert_paths_agree(&body);
            }
        }
    }
}
