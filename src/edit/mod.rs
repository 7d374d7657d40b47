//! The loss-free editor: changes a record's text by rewriting only the bytes it must.
//!
//! Untouched keys, their order, comments, quoting, blank lines, the body and the line endings
//! stay byte-identical. Each operation works on the spans found by [`crate::record::yaml::scan`]:
//! setting a scalar rewrites the value's span, adding a key appends one line to the
//! frontmatter, removing a key removes its lines, list edits keep the list's flow (`[a, b]`) or
//! block (`- a`) style, and activity entries are inserted into the body's `## Activity` list.
//! Values the scanner cannot edit in place (block scalars, anchors, nested values) are rewritten
//! as one whole value, the rest of the file intact.

mod change;
pub mod redact;
mod render;
pub mod store;

pub use change::{Change, apply};
pub use render::key_lines;
use render::{
    FlowStyle, block_literal, block_maps, has_maps, render_item, render_map, render_scalar,
};

use crate::record::activity::{self, Activity};
use crate::record::body;
use crate::record::frontmatter::{self, Split};
use crate::record::schema::FieldType;
use crate::record::task::{self, Task};
use crate::record::value::Value;
use crate::record::yaml::{self, Entry, Frontmatter, Style, scalar};
use anyhow::{Result, bail};

/// A record's text, split and scanned, ready for one edit.
pub struct Doc<'a> {
    pub text: &'a str,
    pub split: Split,
    pub fm: Frontmatter,
}

impl<'a> Doc<'a> {
    /// Parses a record for editing. Files whose frontmatter is not valid YAML, or is laid out in
    /// a way the scanner cannot map key by key, are refused rather than risked.
    pub fn parse(text: &'a str) -> Result<Doc<'a>> {
        let split = frontmatter::split(text).map_err(|d| anyhow::anyhow!("{}", d.message))?;
        let fm = yaml::parse(split.frontmatter(text));
        if let Some(e) = &fm.error {
            bail!(
                "its frontmatter is not valid ({}, line {}); fix it first (`kith check` shows where)",
                e.message,
                split.fm_line + e.line
            );
        }
        if !fm.scan.structured {
            bail!(
                "its frontmatter is laid out in a way kith cannot edit safely (keys must start at the first column); edit it by hand"
            );
        }
        Ok(Doc { text, split, fm })
    }

    fn nl(&self) -> &'static str {
        self.split.newline()
    }

    /// Absolute byte range of an entry's span (the scanner's offsets are frontmatter-relative).
    fn abs(&self, r: &std::ops::Range<usize>) -> std::ops::Range<usize> {
        r.start + self.split.fm_start..r.end + self.split.fm_start
    }

    fn entry(&self, key: &str) -> Option<&Entry> {
        self.fm.scan.get(key)
    }

    fn current(&self, key: &str) -> Option<&Value> {
        self.fm
            .fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    fn splice(&self, range: std::ops::Range<usize>, with: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + with.len());
        out.push_str(&self.text[..range.start]);
        out.push_str(with);
        out.push_str(&self.text[range.end..]);
        out
    }

    /// Sets a top-level field. `ty` is the field's declared type, which decides how the value is
    /// written (dates unquoted, ambiguous text quoted).
    pub fn set(&self, key: &str, value: &Value, ty: Option<&FieldType>) -> String {
        let Some(entry) = self.entry(key) else {
            return self.append_key(key, value, ty);
        };
        let scalar_value = !matches!(value, Value::List(_) | Value::Map(_));
        match entry.style {
            Style::Plain | Style::SingleQuoted | Style::DoubleQuoted | Style::Empty
                if !entry.multiline && scalar_value && !value.to_text().contains('\n') =>
            {
                let range = self.abs(&entry.value_span);
                let mut written = render_scalar(value, ty, Some(entry.style));
                if range.is_empty() {
                    let next = self.text.as_bytes().get(range.start).copied();
                    let prev = self.text.as_bytes()[range.start - 1];
                    if prev == b':' {
                        written.insert(0, ' ');
                    }
                    if next == Some(b'#') {
                        written.push(' ');
                    }
                }
                self.splice(range, &written)
            }
            Style::FlowSeq
                if !entry.multiline && matches!(value, Value::List(items) if !has_maps(items)) =>
            {
                let range = self.abs(&entry.value_span);
                let style = FlowStyle::of(&self.text[range.clone()]);
                self.splice(range, &style.render(value.items()))
            }
            Style::BlockSeq
                if matches!(value, Value::List(items) if !items.is_empty() && !has_maps(items))
                    && !entry.items.is_empty() =>
            {
                let first = &entry.items[0];
                let prefix = &self.fm_text()[first.lines.start..first.span.start];
                let mut lines = String::new();
                for item in value.items() {
                    lines.push_str(prefix);
                    lines.push_str(&render_item(item));
                    lines.push_str(self.nl());
                }
                let start = entry.items[0].lines.start;
                let end = entry.items.last().map_or(start, |i| i.lines.end);
                self.splice(self.abs(&(start..end)), &lines)
            }
            _ => self.rewrite_whole(entry, value, ty),
        }
    }

    fn fm_text(&self) -> &str {
        self.split.frontmatter(self.text)
    }

    /// Replaces an entry's lines with `key: value` written anew (keeping the key as written).
    fn rewrite_whole(&self, entry: &Entry, value: &Value, ty: Option<&FieldType>) -> String {
        let fm = self.fm_text();
        let colon = entry.key_span.end + fm[entry.key_span.end..].find(':').unwrap_or(0);
        let head = &fm[entry.lines.start..=colon];
        let nl = self.nl();
        let written = match value {
            Value::Str(s) if s.contains('\n') => {
                block_literal(s, nl).unwrap_or_else(|| format!(" {}", scalar::double_quoted(s)))
            }
            Value::List(items) if has_maps(items) => block_maps(items, nl),
            Value::List(_) => format!(" {}", FlowStyle::default().render(value.items())),
            Value::Map(_) => format!(" {}", render_map(value)),
            _ => format!(" {}", render_scalar(value, ty, None)),
        };
        // Every frontmatter line ends with a newline: the closing `---` follows it.
        self.splice(self.abs(&entry.lines), &format!("{head}{written}{nl}"))
    }

    fn append_key(&self, key: &str, value: &Value, ty: Option<&FieldType>) -> String {
        let nl = self.nl();
        let mut insert = key_lines(key, value, ty, nl);
        let fm_end = self.split.fm_end;
        // A frontmatter whose last line lacks a newline (only possible at `---` EOF) gets one.
        if fm_end > self.split.fm_start && !self.text[..fm_end].ends_with('\n') {
            insert.insert_str(0, nl);
        }
        self.splice(fm_end..fm_end, &insert)
    }

    /// Removes a top-level field (its line, and the lines of a nested value). `None` if absent.
    pub fn remove(&self, key: &str) -> Option<String> {
        let entry = self.entry(key)?;
        Some(self.splice(self.abs(&entry.lines), ""))
    }

    /// Adds an item to a list field, keeping its style. `None` when the item is already there
    /// (compared case-insensitively).
    pub fn list_add(&self, key: &str, item: &str) -> Option<String> {
        let current: Vec<Value> = self
            .current(key)
            .map(|v| v.items().to_vec())
            .unwrap_or_default();
        if current
            .iter()
            .any(|v| v.to_text().eq_ignore_ascii_case(item))
        {
            return None;
        }
        let entry = self.entry(key);
        if let Some(entry) = entry {
            let fm = self.fm_text();
            match entry.style {
                Style::FlowSeq
                    if !entry.multiline
                        && entry.items.len() == current.len()
                        && !current.is_empty() =>
                {
                    let last = entry.items.last().expect("non-empty").span.clone();
                    let style = FlowStyle::of(&fm[entry.value_span.clone()]);
                    let at = self.abs(&(last.end..last.end));
                    return Some(
                        self.splice(at, &format!("{}{}", style.sep, scalar::flow_item(item))),
                    );
                }
                Style::BlockSeq
                    if !entry.items.is_empty() && entry.items.len() == current.len() =>
                {
                    let first = &entry.items[0];
                    let prefix = &fm[first.lines.start..first.span.start];
                    let end = entry.items.last().expect("non-empty").lines.end;
                    let line = format!("{prefix}{}{}", render_item(&Value::str(item)), self.nl());
                    return Some(self.splice(self.abs(&(end..end)), &line));
                }
                _ => {}
            }
        }
        let mut items = current;
        items.push(Value::str(item));
        Some(self.set(key, &Value::List(items.into()), Some(&FieldType::List)))
    }

    /// Removes an item (case-insensitive) from a list field. `None` if it is not there.
    pub fn list_remove(&self, key: &str, item: &str) -> Option<String> {
        let current: Vec<Value> = self
            .current(key)
            .map(|v| v.items().to_vec())
            .unwrap_or_default();
        let pos = current
            .iter()
            .position(|v| v.to_text().eq_ignore_ascii_case(item))?;
        let entry = self.entry(key)?;
        if current.len() > 1 && entry.items.len() == current.len() {
            match entry.style {
                Style::FlowSeq if !entry.multiline => {
                    let items = &entry.items;
                    let range = if pos + 1 < items.len() {
                        items[pos].span.start..items[pos + 1].span.start
                    } else {
                        items[pos - 1].span.end..items[pos].span.end
                    };
                    return Some(self.splice(self.abs(&range), ""));
                }
                Style::BlockSeq => return Some(self.splice(self.abs(&entry.items[pos].lines), "")),
                _ => {}
            }
        }
        let mut items = current;
        items.remove(pos);
        Some(self.set(key, &Value::List(items.into()), Some(&FieldType::List)))
    }

    /// Points a reference field at `to` instead of `from` by rewriting the id's bytes only:
    /// quotes, a wiki link's brackets and label (`"[[from|Label]]"`), comments and list
    /// layout stay as written. A list that holds `to` already loses `from` instead. `None`
    /// when the value is laid out in a way this cannot do (the caller then sets the value).
    pub fn repoint(&self, key: &str, from: &str, to: &str) -> Option<String> {
        let entry = self.entry(key)?;
        if entry.multiline && entry.items.is_empty() {
            return None;
        }
        let fm = self.fm_text();
        let spans: Vec<std::ops::Range<usize>> = if entry.items.is_empty() {
            vec![entry.value_span.clone()]
        } else {
            entry.items.iter().map(|i| i.span.clone()).collect()
        };
        let ids: Vec<Option<usize>> = spans.iter().map(|s| id_at(&fm[s.clone()], from)).collect();
        if ids.iter().all(Option::is_none) {
            return None;
        }
        if spans.len() > 1 && spans.iter().any(|s| id_at(&fm[s.clone()], to).is_some()) {
            let written = &fm[spans[ids.iter().position(Option::is_some)?].clone()];
            return self.list_remove(key, written.trim_matches(['"', '\'']));
        }
        let mut out = self.text.to_string();
        for (span, at) in spans.iter().zip(&ids).rev() {
            if let Some(at) = at {
                let start = self.split.fm_start + span.start + at;
                out.replace_range(start..start + from.len(), to);
            }
        }
        Some(out)
    }

    /// Inserts an activity entry into the `## Activity` list, keeping it in date order (after
    /// every entry of the same day or earlier), creating the section at the end when missing.
    pub fn add_activity(&self, a: &Activity) -> String {
        let nl = self.nl();
        self.insert_dated("Activity", a.date, &activity::format_entry(a, nl), None)
    }

    /// Inserts a task into the `## Tasks` list in due-date order, creating the section before
    /// `## Activity` (or at the end) when missing.
    pub fn add_task(&self, t: &Task) -> String {
        let nl = self.nl();
        self.insert_dated(task::SECTION, t.due, &task::format(t, nl), Some("Activity"))
    }

    /// Rewrites the task equal to `t` (its line aside) with `f`. `None` when there is no such
    /// task or `f` changes nothing.
    pub fn change_task(&self, t: &Task, f: impl FnOnce(&mut Task)) -> Option<String> {
        let body_text = self.split.body(self.text);
        let section = body::find_section(body_text, task::SECTION)?;
        for item in &section.items {
            let (first, rest, _) = body::split_item(&body_text[item.clone()]);
            let Ok(found) = task::parse_line(first, &rest) else {
                continue;
            };
            if !found.same(t) {
                continue;
            }
            let mut changed = found.clone();
            f(&mut changed);
            if changed == found {
                return None;
            }
            let nl = self.nl();
            let prefix = item_prefix(body_text, item.start);
            let content_end = item.start + body_text[item.clone()].trim_end().len();
            let formatted = task::format(&changed, nl);
            let text = format!(
                "{prefix}{}",
                formatted.strip_prefix("- ").unwrap_or(&formatted)
            )
            .replace(
                nl,
                &format!(
                    "{nl}{}",
                    " ".repeat(prefix.len() - prefix.trim_start().len())
                ),
            );
            let start = self.split.body_start + line_start(body_text, item.start);
            return Some(self.splice(start..self.split.body_start + content_end, &text));
        }
        None
    }

    /// Inserts `entry` (a formatted `- ` list item, without its last line ending) into the
    /// list of the section `title`, after every item dated `date` or earlier. A missing section
    /// is created before the section `before` when there is one, else at the end.
    fn insert_dated(
        &self,
        title: &str,
        date: jiff::civil::Date,
        entry: &str,
        before: Option<&str>,
    ) -> String {
        let nl = self.nl();
        let body_start = self.split.body_start;
        let body_text = self.split.body(self.text);
        let section = body::find_section(body_text, title);
        let Some(section) = section else {
            if let Some(next) = before.and_then(|b| body::find_section(body_text, b)) {
                let at = line_start(body_text, next.heading.start);
                let insert = format!("## {title}{nl}{entry}{nl}{nl}");
                return self.splice(body_start + at..body_start + at, &insert);
            }
            let mut insert = String::new();
            if !body_text.is_empty() && !body_text.ends_with('\n') {
                insert.push_str(nl);
            }
            if !body_text.trim().is_empty()
                && !body_text.ends_with(&format!("{nl}{nl}"))
                && !body_text.ends_with("\n\n")
            {
                insert.push_str(nl);
            }
            insert.push_str("## ");
            insert.push_str(title);
            insert.push_str(nl);
            insert.push_str(entry);
            insert.push_str(nl);
            let end = self.text.len();
            return self.splice(end..end, &insert);
        };
        let items: Vec<(std::ops::Range<usize>, Option<jiff::civil::Date>)> = section
            .items
            .iter()
            .map(|r| {
                let raw = body_text[r.clone()].trim_start_matches(['-', '*', '+', ' ']);
                // A task's checkbox comes before its date.
                let raw = match raw.as_bytes() {
                    [b'[', _, b']', ..] => raw[3..].trim_start(),
                    _ => raw,
                };
                (r.clone(), raw.get(..10).and_then(activity::parse_date))
            })
            .collect();
        let entry_text = |prefix: &str| {
            let indent: String = prefix.chars().take_while(|c| *c == ' ').collect();
            let marker = prefix.trim_start();
            let mut out = String::new();
            for (i, line) in entry.split(nl).enumerate() {
                if i == 0 {
                    out.push_str(&indent);
                    out.push_str(marker);
                    out.push_str(line.strip_prefix("- ").unwrap_or(line));
                } else {
                    out.push_str(nl);
                    if !line.is_empty() {
                        out.push_str(&indent);
                    }
                    out.push_str(line);
                }
            }
            out.push_str(nl);
            out
        };
        if items.is_empty() {
            let at = body_start + section.heading.end;
            let mut insert = String::new();
            if !self.text[..at].ends_with('\n') {
                insert.push_str(nl);
            }
            insert.push_str(&entry_text("- "));
            return self.splice(at..at, &insert);
        }
        let after = items
            .iter()
            .rposition(|(_, d)| d.is_some_and(|d| d <= date));
        let loose = items.len() > 1 && {
            let between =
                &body_text[items[items.len() - 2].0.start..items[items.len() - 1].0.start];
            between.contains("\n\n") || between.contains("\n\r\n")
        };
        let sep = if loose { nl } else { "" };
        match after {
            Some(i) => {
                let r = &items[i].0;
                let prefix = item_prefix(body_text, r.start);
                let content_end = r.start + body_text[r.clone()].trim_end().len();
                let at = line_end(body_text, content_end);
                let mut insert = String::new();
                if at == body_text.len() && !body_text.ends_with('\n') {
                    insert.push_str(nl);
                }
                insert.push_str(sep);
                insert.push_str(&entry_text(&prefix));
                self.splice(body_start + at..body_start + at, &insert)
            }
            None => {
                let r = &items[0].0;
                let prefix = item_prefix(body_text, r.start);
                let at = line_start(body_text, r.start);
                let insert = format!("{}{sep}", entry_text(&prefix));
                self.splice(body_start + at..body_start + at, &insert)
            }
        }
    }
}

impl Doc<'_> {
    /// Adds a paragraph to the notes, set off by blank lines: before the `## Tasks` or
    /// `## Activity` section, whichever comes first (a paragraph inside either would be read
    /// as a bad entry), or at the end of a body without them. `None` when the body already
    /// holds it.
    pub fn add_notes(&self, text: &str) -> Option<String> {
        let nl = self.nl();
        let text = text.trim().replace("\r\n", "\n").replace('\n', nl);
        let body = self.split.body(self.text);
        if text.is_empty() || body.contains(&text) {
            return None;
        }
        let section = ["Activity", crate::record::task::SECTION]
            .into_iter()
            .filter_map(|title| body::find_section(body, title))
            .min_by_key(|s| s.heading.start);
        let (at, trail) = match &section {
            Some(s) => (line_start(body, s.heading.start), format!("{nl}{nl}")),
            None => (body.len(), nl.to_string()),
        };
        let prior = &body[..at];
        let blank = format!("{nl}{nl}");
        let lead = if prior.trim().is_empty() {
            // Right after the frontmatter (whose closing line may lack its newline).
            if self.text[..self.split.body_start + at].ends_with('\n') {
                ""
            } else {
                nl
            }
        } else if prior.ends_with("\n\n") || prior.ends_with("\n\r\n") {
            ""
        } else if prior.ends_with('\n') {
            nl
        } else {
            &blank
        };
        let at = self.split.body_start + at;
        Some(self.splice(at..at, &format!("{lead}{text}{trail}")))
    }

    /// Points the activity log's `#from` mentions at `#to` (a deal merged into another),
    /// touching only those words. `None` when no entry mentions `from`.
    pub fn rename_deal(&self, from: &str, to: &str) -> Option<String> {
        let body = self.split.body(self.text);
        let section = body::find_section(body, "Activity")?;
        let mention = format!("#{from}");
        let mut spans = Vec::new();
        for item in &section.items {
            let end = body[item.clone()]
                .find('\n')
                .map_or(item.end, |i| item.start + i);
            // `- DATE [HH:MM] TYPE [@teammate] [#deal]: text`: mentions come before the colon.
            let mut words = body[item.start..end]
                .split_ascii_whitespace()
                .map(|w| (w.as_ptr() as usize - body.as_ptr() as usize, w))
                .skip(2);
            let mut next = words.next();
            if next.is_some_and(|(_, w)| {
                w.len() <= 5
                    && w.contains(':')
                    && w.bytes().all(|b| b.is_ascii_digit() || b == b':')
            }) {
                next = words.next();
            }
            if next.is_none_or(|(_, kind)| kind.contains(':')) {
                continue;
            }
            for (at, w) in words {
                // The head ends at the first `:`, even inside a word (`#old:text`), as
                // `activity::parse_entry` reads it.
                if w.split(':').next() == Some(mention.as_str()) {
                    spans.push(at..at + mention.len());
                }
                if w.contains(':') {
                    break;
                }
            }
        }
        let mut out = self.text.to_string();
        for span in spans.iter().rev() {
            let abs = self.split.body_start + span.start..self.split.body_start + span.end;
            out.replace_range(abs, &format!("#{to}"));
        }
        (!spans.is_empty()).then_some(out)
    }
}

/// Where id `id` is in a reference value as written (`ada`, `"ada"`, `"[[ada|Ada]]"`, `[[ada]]`):
/// its byte offset, when the value is that id.
fn id_at(written: &str, id: &str) -> Option<usize> {
    let t = written.trim_end();
    let inner = t.trim_start_matches(['"', '\'']);
    let inner = inner.strip_prefix("[[").unwrap_or(inner);
    let rest = inner.strip_prefix(id)?;
    let ends = rest.is_empty() || rest.starts_with(['|', ']', '"', '\'']);
    ends.then_some(t.len() - inner.len())
}

impl Doc<'_> {
    /// Points the body's wiki links to `kind`/`from` at `to`: only the id changes, so a link's
    /// label, its folder (`[[companies/from]]`) and every other byte stay. A link that names
    /// another kind's folder is left alone. `None` when there is none.
    pub fn rename_link(&self, kind: crate::record::Kind, from: &str, to: &str) -> Option<String> {
        let body = self.split.body(self.text);
        let mut spans = Vec::new();
        for (start, _, inner) in crate::record::mention::links(body) {
            let Some((k, id)) = crate::record::mention::target(inner) else {
                continue;
            };
            if id == from && k.is_none_or(|k| k == kind) {
                // The id is the target's last part, before any `.md` and `|label`.
                let target = inner.split('|').next().unwrap_or_default();
                let at = start + 2 + target.rfind(from).unwrap_or(0);
                spans.push(at..at + from.len());
            }
        }
        let mut out = self.text.to_string();
        for span in spans.iter().rev() {
            let abs = self.split.body_start + span.start..self.split.body_start + span.end;
            out.replace_range(abs, to);
        }
        (!spans.is_empty()).then_some(out)
    }

    /// Replaces mentions of `needles` in the body with `[removed]`, byte for byte: the
    /// frontmatter and every other byte stay as they are. `None` when the body mentions none.
    pub fn redact(&self, needles: &[String]) -> Option<String> {
        let body_start = self.split.body_start;
        let (body, n) = crate::edit::redact::replace(self.split.body(self.text), needles);
        (n > 0).then(|| format!("{}{body}", &self.text[..body_start]))
    }
}

/// The text from the start of an item's line to its content (`"  - "`).
fn item_prefix(body: &str, item_start: usize) -> String {
    let ls = line_start(body, item_start);
    let rest = &body[item_start..];
    let marker_len = rest.len() - rest.trim_start_matches(['-', '*', '+']).len();
    let after = &rest[marker_len..];
    let spaces = after.len() - after.trim_start_matches(' ').len();
    format!(
        "{}{}",
        &body[ls..item_start],
        &rest[..marker_len + spaces.max(1).min(after.len().max(1))]
    )
    .replace('\t', " ")
}

fn line_start(s: &str, pos: usize) -> usize {
    s[..pos].rfind('\n').map_or(0, |i| i + 1)
}

fn line_end(s: &str, pos: usize) -> usize {
    match memchr::memchr(b'\n', &s.as_bytes()[pos..]) {
        Some(i) => pos + i + 1,
        None => s.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::Date;

    const FILE: &str = "---\r\n# Contact card\r\nname:   'Ada  Lovelace'   # as she signs\r\nemail: ada@x.example\r\nphone: \"+44 20 7946 0000\"\r\ntags: [saas,webinar-2026]\r\nnote: |\r\n  First line\r\n  second line\r\n\r\nlifecycle: lead\r\nemails:\r\n  - a@x.example   # work\r\n  - b@y.example\r\n---\r\nBody stays.\r\n\r\n## Activity\r\n- 2026-11-15 email-open: newsletter\r\n- 2026-11-20 call @sam: pricing\r\n";

    fn doc(text: &str) -> Doc<'_> {
        Doc::parse(text).unwrap()
    }

    /// The lines that differ between two texts.
    fn changed_lines(a: &str, b: &str) -> Vec<(String, String)> {
        let (la, lb): (Vec<&str>, Vec<&str>) = (a.split('\n').collect(), b.split('\n').collect());
        let prefix = la.iter().zip(&lb).take_while(|(x, y)| x == y).count();
        let suffix = la[prefix..]
            .iter()
            .rev()
            .zip(lb[prefix..].iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        vec![(
            la[prefix..la.len() - suffix].join("\n"),
            lb[prefix..lb.len() - suffix].join("\n"),
        )]
    }

    #[test]
    fn repoint_keeps_quotes_wiki_links_and_labels() {
        let text = "---\ncompany: \"[[calder|Calder]]\" # the client\ncontacts: [ada, \"[[bob]]\"]\nother: x\n---\nbody\n";
        let d = doc(text);
        assert_eq!(
            d.repoint("company", "calder", "calder-group").unwrap(),
            text.replace("[[calder|", "[[calder-group|")
        );
        assert_eq!(
            d.repoint("contacts", "bob", "robert").unwrap(),
            text.replace("[[bob]]", "[[robert]]")
        );
        // Already in the list: the old one goes.
        let merged = d.repoint("contacts", "bob", "ada").unwrap();
        assert!(merged.contains("contacts: [ada]\n"), "{merged}");
        assert_eq!(d.repoint("other", "bob", "x"), None);
        assert_eq!(id_at("\"[[bobby]]\"", "bob"), None);
    }

    #[test]
    fn set_scalar_changes_one_line_only() {
        let out = doc(FILE).set("lifecycle", &Value::str("mql"), Some(&FieldType::Lifecycle));
        assert_eq!(
            changed_lines(FILE, &out),
            vec![("lifecycle: lead\r".into(), "lifecycle: mql\r".into())]
        );
        let out = doc(FILE).set("name", &Value::str("Ada King"), Some(&FieldType::Text));
        assert_eq!(
            changed_lines(FILE, &out)[0].1,
            "name:   'Ada King'   # as she signs\r"
        );
        let out = doc(FILE).set("phone", &Value::str("+44 1"), Some(&FieldType::Phone));
        assert_eq!(changed_lines(FILE, &out)[0].1, "phone: \"+44 1\"\r");
    }

    #[test]
    fn set_quotes_what_yaml_would_misread() {
        let text = "---\nname: A\ncity: x\n---\n";
        for (input, written) in [
            ("NO", "\"NO\""),
            ("0123", "\"0123\""),
            ("+44 20", "\"+44 20\""),
            ("2026-01-01", "\"2026-01-01\""),
            ("yes", "\"yes\""),
            ("Oslo", "Oslo"),
        ] {
            let out = doc(text).set("city", &Value::str(input), Some(&FieldType::Text));
            assert!(
                out.contains(&format!("city: {written}\n")),
                "{input}: {out}"
            );
            let back = crate::record::yaml::parse(doc(&out).split.frontmatter(&out));
            assert_eq!(back.fields[1].1, Value::str(input));
        }
        let out = doc(text).set("created", &Value::str("2026-01-01"), Some(&FieldType::Date));
        assert!(
            out.ends_with("city: x\ncreated: 2026-01-01\n---\n"),
            "{out}"
        );
    }

    #[test]
    fn add_and_remove_keys() {
        let out = doc(FILE).set("owner", &Value::str("sam"), Some(&FieldType::Teammate));
        assert_eq!(
            changed_lines(FILE, &out),
            vec![("".into(), "owner: sam\r".into())]
        );
        assert!(out.contains("  - b@y.example\r\nowner: sam\r\n---\r\n"));
        let out = doc(FILE).remove("email").unwrap();
        assert_eq!(out, FILE.replace("email: ada@x.example\r\n", ""));
        let out = doc(FILE).remove("note").unwrap();
        assert_eq!(
            out,
            FILE.replace("note: |\r\n  First line\r\n  second line\r\n", "")
        );
        assert!(doc(FILE).remove("missing").is_none());
    }

    #[test]
    fn list_edits_keep_their_style() {
        let out = doc(FILE).list_add("tags", "vip").unwrap();
        assert!(out.contains("tags: [saas,webinar-2026,vip]\r\n"));
        assert!(doc(FILE).list_add("tags", "SAAS").is_none());
        let out = doc(FILE).list_remove("tags", "saas").unwrap();
        assert!(out.contains("tags: [webinar-2026]\r\n"));
        let out = doc(FILE).list_add("emails", "c@z.example").unwrap();
        assert!(out.contains("  - b@y.example\r\n  - c@z.example\r\n---"));
        let out = doc(FILE).list_remove("emails", "a@x.example").unwrap();
        assert!(out.contains("emails:\r\n  - b@y.example\r\n---"));
        let out = doc(&out).list_remove("emails", "b@y.example").unwrap();
        assert!(out.contains("emails: []\r\n---"), "{out}");
        let out = doc("---\nname: A\n---\n").list_add("tags", "x y").unwrap();
        assert!(out.contains("tags: [x y]\n"));
        let out = doc("---\ntags: vip\n---\n")
            .list_add("tags", "new")
            .unwrap();
        assert!(out.contains("tags: [vip, new]\n"));
    }

    #[test]
    fn complex_values_are_rewritten_whole() {
        let out = doc(FILE).set("note", &Value::str("One line"), Some(&FieldType::Text));
        assert_eq!(changed_lines(FILE, &out)[0].1, "note: One line\r");
        let out = doc(FILE).set("note", &Value::str("a\nb\n"), Some(&FieldType::Text));
        assert!(
            out.contains("note: |\r\n  a\r\n  b\r\n\r\nlifecycle"),
            "{out:?}"
        );
        let t = "---\na: &x 1\nb: 2\n---\n";
        assert_eq!(
            doc(t).set("a", &Value::Int(3), None),
            "---\na: 3\nb: 2\n---\n"
        );
    }

    fn act(date: (i16, i8, i8), text: &str) -> Activity {
        Activity {
            date: Date::constant(date.0, date.1, date.2),
            time: None,
            kind: "note".into(),
            by: Some("sam".into()),
            deal: None,
            text: text.into(),
            line: 0,
            kind_col: 0,
        }
    }

    #[test]
    fn activities_go_in_date_order_in_the_body_only() {
        let out = doc(FILE).add_activity(&act((2026, 11, 21), "later"));
        assert!(
            out.ends_with("- 2026-11-20 call @sam: pricing\r\n- 2026-11-21 note @sam: later\r\n"),
            "{out:?}"
        );
        assert!(out.starts_with(&FILE[..FILE.find("## Activity").unwrap()]));
        let out = doc(FILE).add_activity(&act((2026, 11, 16), "between"));
        assert!(out.contains("newsletter\r\n- 2026-11-16 note @sam: between\r\n- 2026-11-20"));
        let out = doc(FILE).add_activity(&act((2026, 1, 1), "first"));
        assert!(out.contains("## Activity\r\n- 2026-01-01 note @sam: first\r\n- 2026-11-15"));
    }

    #[test]
    fn activity_section_is_created_when_missing() {
        let out = doc("---\nname: A\n---\nSome notes.").add_activity(&act((2026, 11, 21), "x"));
        assert_eq!(
            out,
            "---\nname: A\n---\nSome notes.\n\n## Activity\n- 2026-11-21 note @sam: x\n"
        );
        let out = doc("---\nname: A\n---\n").add_activity(&act((2026, 11, 21), "x"));
        assert_eq!(
            out,
            "---\nname: A\n---\n## Activity\n- 2026-11-21 note @sam: x\n"
        );
        let out = doc("---\nname: A\n---\n## Activity\n\nLater: more.\n")
            .add_activity(&act((2026, 11, 21), "x"));
        assert_eq!(
            out,
            "---\nname: A\n---\n## Activity\n- 2026-11-21 note @sam: x\n\nLater: more.\n"
        );
        let out = doc("---\nname: A\n---\n## Activity\n- 2026-11-20 call: y")
            .add_activity(&act((2026, 11, 21), "multi\nline"));
        assert_eq!(
            out,
            "---\nname: A\n---\n## Activity\n- 2026-11-20 call: y\n- 2026-11-21 note @sam: multi\n  line\n"
        );
    }

    #[test]
    fn empty_values_and_comments() {
        let t = "---\nname: A\nowner:   # to assign\ncity:\n---\n";
        let out = doc(t).set("owner", &Value::str("sam"), None);
        assert_eq!(out, "---\nname: A\nowner:   sam # to assign\ncity:\n---\n");
        let out = doc(t).set("city", &Value::str("Oslo"), None);
        assert_eq!(out, "---\nname: A\nowner:   # to assign\ncity: Oslo\n---\n");
    }

    #[test]
    fn refuses_what_it_cannot_edit_safely() {
        assert!(Doc::parse("---\nname: [a\n---\n").is_err());
        assert!(Doc::parse("---\n  name: A\n---\n").is_err());
        assert!(Doc::parse("no frontmatter").is_err());
    }

    #[test]
    fn notes_go_before_the_activity_log_once() {
        let note = "Merged from ada-2.\n- title: CTO";
        for (text, expected) in [
            (
                "---\nname: A\n---\nNotes.\n\n## Activity\n- 2026-11-20 call: x\n",
                "---\nname: A\n---\nNotes.\n\nMerged from ada-2.\n- title: CTO\n\n## Activity\n- 2026-11-20 call: x\n",
            ),
            (
                "---\nname: A\n---\nNotes.\n## Activity\n",
                "---\nname: A\n---\nNotes.\n\nMerged from ada-2.\n- title: CTO\n\n## Activity\n",
            ),
            (
                "---\nname: A\n---\n\n## Activity\n",
                "---\nname: A\n---\n\nMerged from ada-2.\n- title: CTO\n\n## Activity\n",
            ),
            (
                "---\nname: A\n---\nNotes.",
                "---\nname: A\n---\nNotes.\n\nMerged from ada-2.\n- title: CTO\n",
            ),
            (
                "---\nname: A\n---\n",
                "---\nname: A\n---\nMerged from ada-2.\n- title: CTO\n",
            ),
            (
                "---\nname: A\n---",
                "---\nname: A\n---\nMerged from ada-2.\n- title: CTO\n",
            ),
            // Never inside the tasks, before or after the activity log.
            (
                "---\nname: A\n---\nNotes.\n\n## Tasks\n- [ ] call back\n\n## Activity\n",
                "---\nname: A\n---\nNotes.\n\nMerged from ada-2.\n- title: CTO\n\n## Tasks\n- [ ] call back\n\n## Activity\n",
            ),
            (
                "---\nname: A\n---\n## Tasks\n- [ ] call back\n",
                "---\nname: A\n---\nMerged from ada-2.\n- title: CTO\n\n## Tasks\n- [ ] call back\n",
            ),
            (
                "---\nname: A\n---\nNotes.\n\n## Activity\n- 2026-11-20 call: x\n\n## Tasks\n- [ ] call back\n",
                "---\nname: A\n---\nNotes.\n\nMerged from ada-2.\n- title: CTO\n\n## Activity\n- 2026-11-20 call: x\n\n## Tasks\n- [ ] call back\n",
            ),
            (
                "---\r\nname: A\r\n---\r\nNotes.\r\n",
                "---\r\nname: A\r\n---\r\nNotes.\r\n\r\nMerged from ada-2.\r\n- title: CTO\r\n",
            ),
        ] {
            let out = doc(text).add_notes(note).unwrap();
            assert_eq!(out, expected);
            assert!(doc(&out).add_notes(note).is_none(), "added twice: {out:?}");
        }
    }

    #[test]
    fn deal_mentions_are_renamed_in_entry_heads_only() {
        let text = "---\nname: A\n---\nSee #old.\n\n## Activity\n- 2026-11-20 14:05 call @sam #old: about #old\n- 2026-11-21 note #old-2: x\n- 2026-11-22 email #old:\n  more\n- 2026-11-23 call: #old\n- 2026-11-24 call #old:no space\n";
        let out = doc(text).rename_deal("old", "new").unwrap();
        assert_eq!(
            out,
            text.replace("@sam #old:", "@sam #new:")
                .replace("email #old:", "email #new:")
                .replace("call #old:no", "call #new:no")
        );
        assert!(doc(&out).rename_deal("old", "new").is_none());
        assert!(
            doc("---\nname: A\n---\n")
                .rename_deal("old", "new")
                .is_none()
        );
    }

    #[test]
    fn redacting_touches_the_body_only() {
        let needles = vec!["Ada Lovelace".to_string(), "ada@x.example".to_string()];
        let text = "---\r\nname: Acme\r\nnote: Ada Lovelace # ada@x.example\r\n---\r\nAda Lovelace (ada@x.example) signs.\r\n\r\n## Activity\r\n- 2026-11-20 call @sam: with Ada\r\n  Lovelace\r\n";
        let out = doc(text).redact(&needles).unwrap();
        assert_eq!(
            out,
            "---\r\nname: Acme\r\nnote: Ada Lovelace # ada@x.example\r\n---\r\n[removed] ([removed]) signs.\r\n\r\n## Activity\r\n- 2026-11-20 call @sam: with [removed]\r\n"
        );
        assert!(doc(&out).redact(&needles).is_none());
    }

    /// On every generated record: setting, removing or tagging one key leaves every other field
    /// (as parsed) and the body unchanged, and a scalar set touches only the value's bytes.
    #[test]
    fn edits_change_only_their_own_key() {
        let dir = tempfile::tempdir().unwrap();
        let opts = crate::devtools::generate::GenOptions {
            records: 300,
            seed: 9,
            today: Date::constant(2026, 11, 25),
        };
        crate::devtools::generate::generate(dir.path(), &opts).unwrap();
        let fields = |text: &str| {
            let d = doc(text);
            let body = d.split.body(text).to_string();
            (d.fm.fields.clone(), body)
        };
        let mut checked = 0;
        for sub in ["contacts", "companies", "deals"] {
            for entry in std::fs::read_dir(dir.path().join(sub)).unwrap() {
                let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
                let (before, body) = fields(&text);
                let d = doc(&text);
                for (key, _) in &before {
                    let e = d.entry(key).unwrap();
                    let new_value = Value::str("new value: with colon");
                    let out = d.set(key, &new_value, Some(&FieldType::Text));
                    let (after, after_body) = fields(&out);
                    assert_eq!(after_body, body);
                    for ((k0, v0), (k1, v1)) in before.iter().zip(&after) {
                        assert_eq!(k0, k1);
                        if k0 == key {
                            assert_eq!(v1, &new_value, "{key} in {text}");
                        } else {
                            assert_eq!(v0, v1, "setting {key} changed {k0} in {text}");
                        }
                    }
                    if matches!(
                        e.style,
                        Style::Plain | Style::SingleQuoted | Style::DoubleQuoted
                    ) && !e.multiline
                    {
                        let span = d.abs(&e.value_span);
                        assert_eq!(&out[..span.start], &text[..span.start]);
                        assert!(out.ends_with(&text[span.end..]));
                    }
                    let removed = d.remove(key).unwrap();
                    let (after, after_body) = fields(&removed);
                    assert_eq!(after_body, body);
                    let expected: Vec<_> =
                        before.iter().filter(|(k, _)| k != key).cloned().collect();
                    assert_eq!(after, expected, "removing {key} from {text}");
                }
                checked += before.len();
                let tagged = d.list_add("tags", "zz-new").unwrap();
                let (after, after_body) = fields(&tagged);
                assert_eq!(after_body, body);
                for (k, v) in &after {
                    if k != "tags" {
                        assert_eq!(Some(v), before.iter().find(|(b, _)| b == k).map(|(_, v)| v));
                    }
                }
            }
        }
        assert!(checked > 3000, "only {checked} fields checked");
    }
}
