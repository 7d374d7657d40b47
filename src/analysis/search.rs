//! `kith find`: ranked search over names, e-mail addresses, phone numbers, companies, notes and
//! activities, in memory. Every word must match somewhere; where it matches decides the rank
//! (a name beats an e-mail, which beats a note).

use crate::index::Index;
use crate::record::{Kind, Record};
use crate::util::slug::fold;
use rayon::prelude::*;

/// A search hit: the record, its rank and where the best match was.
#[derive(Debug, Clone)]
pub struct Hit<'a> {
    pub record: &'a Record,
    pub rank: u32,
    /// Where the words matched, best first (`name`, `email`, `notes`, ...).
    pub matched: Vec<&'static str>,
    /// A short excerpt around the first match in notes or activities, if that is where it was.
    pub excerpt: Option<String>,
}

/// Searches every record; returns the best `limit` hits.
pub fn find<'a>(index: &'a Index, query: &str, limit: usize) -> Vec<Hit<'a>> {
    let words: Vec<String> = query
        .split_whitespace()
        .map(fold)
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return Vec::new();
    }
    // A quick test first: every word somewhere in the record's text (lowercased in a buffer
    // reused per thread, searched with SIMD); the detailed ranking runs only on those that pass.
    let finders: Vec<Option<memchr::memmem::Finder>> = words
        .iter()
        .map(|w| {
            w.is_ascii()
                .then(|| memchr::memmem::Finder::new(w.as_bytes()).into_owned())
        })
        .collect();
    let records: Vec<&Record> = index.records().collect();
    let mut hits: Vec<Hit> = records
        .par_iter()
        .map_init(Vec::new, |buf, r| {
            searchable_text(index, r, buf);
            buf.make_ascii_lowercase();
            let may_match = finders
                .iter()
                .all(|f| f.as_ref().is_none_or(|f| f.find(buf).is_some()));
            if may_match {
                rank(index, r, &words)
            } else {
                None
            }
        })
        .flatten()
        .collect();
    hits.sort_by(|a, b| {
        b.rank
            .cmp(&a.rank)
            .then_with(|| a.record.name().cmp(b.record.name()))
            .then_with(|| a.record.id.cmp(&b.record.id))
    });
    hits.truncate(limit);
    hits
}

fn rank<'a>(index: &Index, r: &'a Record, words: &[String]) -> Option<Hit<'a>> {
    let mut total = 0;
    let mut matched: Vec<&'static str> = Vec::new();
    let mut excerpt = None;
    // Names are folded (accents, case) only when they are not plain ASCII.
    let raw_name = r.name();
    let folded_name;
    let name: &str = if raw_name.is_ascii() {
        raw_name
    } else {
        folded_name = fold(raw_name);
        &folded_name
    };
    for w in words {
        let best = if name.len() == w.len() && name.eq_ignore_ascii_case(w) {
            Some((100, "name"))
        } else if let Some(at) = find_folded(name, w) {
            let word_start = at == 0 || matches!(name.as_bytes()[at - 1], b' ' | b'-');
            let whole = words.len() > 1 && name.eq_ignore_ascii_case(&words.join(" "));
            Some((
                if whole {
                    100
                } else if word_start {
                    60
                } else {
                    40
                },
                "name",
            ))
        } else if ["email", "emails"].iter().any(|k| {
            r.get(k)
                .is_some_and(|v| v.items().iter().any(|e| text_has(e, w)))
        }) {
            Some((50, "email"))
        } else if phone_matches(r, w) {
            Some((50, "phone"))
        } else if find_folded(&r.id, w).is_some() {
            Some((30, "id"))
        } else if r
            .text("company")
            .and_then(|c| index.get(Kind::Company, c.trim()))
            .is_some_and(|c| find_folded(c.name(), w).is_some())
        {
            Some((20, "company"))
        } else if let Some(at) = find_folded(&r.notes, w) {
            excerpt.get_or_insert_with(|| around(&r.notes, at));
            Some((10, "notes"))
        } else if let Some(a) = r
            .activities
            .iter()
            .find(|a| find_folded(&a.text, w).is_some())
        {
            excerpt.get_or_insert_with(|| {
                format!("{} {}: {}", a.date, a.kind, a.text.replace('\n', " "))
            });
            Some((8, "activity"))
        } else if r
            .fields
            .iter()
            .any(|(_, v)| v.items().iter().any(|i| text_has(i, w)))
        {
            Some((6, "field"))
        } else {
            None
        };
        let (points, place) = best?;
        total += points;
        if !matched.contains(&place) {
            matched.push(place);
        }
    }
    Some(Hit {
        record: r,
        rank: total,
        matched,
        excerpt,
    })
}

/// Everything [`rank`] looks at, one text after another: name, id, field values, phone digits,
/// the linked company's name, notes and activities.
fn searchable_text(index: &Index, r: &Record, buf: &mut Vec<u8>) {
    buf.clear();
    let mut push = |s: &str| {
        buf.extend_from_slice(s.as_bytes());
        buf.push(b'\n');
    };
    push(r.name());
    if !r.name().is_ascii() {
        push(&fold(r.name())); // so that `zoe muller` finds Zoë Müller
    }
    push(&r.id);
    for (_, v) in &r.fields {
        for item in v.items() {
            match item {
                crate::record::value::Value::Str(s) => push(s),
                crate::record::value::Value::Int(_) | crate::record::value::Value::Float(_) => {
                    push(&item.to_text())
                }
                _ => {}
            }
        }
    }
    for p in phones(r) {
        push(&p);
    }
    if let Some(c) = r
        .text("company")
        .and_then(|c| index.get(Kind::Company, c.trim()))
    {
        push(c.name());
        if !c.name().is_ascii() {
            push(&fold(c.name()));
        }
    }
    push(&r.notes);
    for a in &r.activities {
        push(&a.text);
    }
}

/// Whether a scalar value contains the word (numbers as written).
fn text_has(v: &crate::record::value::Value, w: &str) -> bool {
    match v {
        crate::record::value::Value::Str(s) => find_folded(s, w).is_some(),
        crate::record::value::Value::Int(_) | crate::record::value::Value::Float(_) => {
            w.bytes().all(|b| b.is_ascii_digit() || b == b'.') && v.to_text().contains(w)
        }
        _ => false,
    }
}

/// Whether the word's digits (four or more) appear in one of the record's phone numbers.
fn phone_matches(r: &Record, w: &str) -> bool {
    let digits: String = w.chars().filter(char::is_ascii_digit).collect();
    digits.len() >= 4 && phones(r).any(|p| p.contains(&digits))
}

fn phones(r: &Record) -> impl Iterator<Item = String> + '_ {
    r.list("phone")
        .chain(r.list("phones"))
        .map(|p| p.chars().filter(char::is_ascii_digit).collect::<String>())
}

/// Byte offset of a folded word in a text, compared case-insensitively (accents folded when
/// the text is not ASCII).
fn find_folded(text: &str, word: &str) -> Option<usize> {
    if word.is_ascii() {
        // ASCII words compare byte-wise, ignoring case; the text may hold other characters.
        let (h, n) = (text.as_bytes(), word.as_bytes());
        let first = *n.first()?;
        if h.len() < n.len() {
            return None;
        }
        if h.len() < 64 {
            return (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n));
        }
        return memchr::memchr2_iter(first.to_ascii_lowercase(), first.to_ascii_uppercase(), h)
            .find(|&i| h.len() >= i + n.len() && h[i..i + n.len()].eq_ignore_ascii_case(n));
    }
    let folded = fold(text);
    let at = folded.find(word)?;
    // Map back roughly: folding keeps ASCII as is, so the position is close enough for an excerpt.
    Some(
        text.char_indices()
            .nth(folded[..at].chars().count())
            .map_or(0, |(i, _)| i),
    )
}

/// About 60 characters of text around a position.
fn around(text: &str, at: usize) -> String {
    let start = text[..at]
        .char_indices()
        .rev()
        .nth(30)
        .map_or(0, |(i, _)| i);
    let tail: String = text[start..].chars().take(70).collect();
    let mut s = tail.replace('\n', " ");
    if start > 0 {
        s.insert(0, '…');
    }
    if text[start..].chars().count() > 70 {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::config::Config;

    fn index() -> Index {
        Index::from_texts(
            Config::default(),
            [
                (Kind::Company, "acme", "---\nname: Acme Analytics\n---\n"),
                (
                    Kind::Person,
                    "ada",
                    "---\nname: Ada Lovelace\nemail: ada@acme.example\nphone: \"+44 20 7946 0018\"\ncompany: acme\n---\nLoves pipelines.\n\n## Activity\n- 2026-11-20 call: talked about Snowflake\n",
                ),
                (
                    Kind::Person,
                    "adam",
                    "---\nname: Adam Smith\n---\nMet Ada at the conference.\n",
                ),
                (Kind::Person, "zoe", "---\nname: Zoë Müller\n---\n"),
            ],
        )
    }

    fn ids(index: &Index, q: &str) -> Vec<String> {
        find(index, q, 10)
            .into_iter()
            .map(|h| h.record.id.to_string())
            .collect()
    }

    #[test]
    fn ranks_names_before_notes() {
        let index = index();
        assert_eq!(ids(&index, "ada"), ["ada", "adam"]);
        assert_eq!(ids(&index, "ada lovelace"), ["ada"]);
        assert_eq!(ids(&index, "zoe muller"), ["zoe"]);
        assert_eq!(ids(&index, "ZOË"), ["zoe"]);
        assert_eq!(ids(&index, "7946 0018"), ["ada"]);
        assert_eq!(ids(&index, "snowflake"), ["ada"]);
        assert_eq!(ids(&index, "acme"), ["acme", "ada"]);
        assert_eq!(ids(&index, "conference ada"), ["adam"]);
        assert!(ids(&index, "nothing-like-this").is_empty());
        let hit = &find(&index, "snowflake", 1)[0];
        assert_eq!(hit.matched, ["activity"]);
        assert_eq!(
            hit.excerpt.as_deref(),
            Some("2026-11-20 call: talked about Snowflake")
        );
    }
}
