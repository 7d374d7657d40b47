//! Finding a person's mentions in free text (`kith forget`): their full name, e-mail addresses
//! and phone numbers as written, on word boundaries. Pure text search; [`crate::edit`] uses it
//! to replace mentions in a record's body with [`REMOVED`].
//!
//! A mention matches ASCII letters in any case, and the words of a name match across any run
//! of whitespace (a name wrapped onto the next line is still found). It must stand on its own:
//! not inside a longer word (`Adam` is no mention of `Ada`), and not part of a longer name or
//! address joined by `-`, `.`, `@` or `+` (`ada@x.example.org` holds no `ada@x.example`).

use std::ops::Range;

/// What a mention becomes.
pub const REMOVED: &str = "[removed]";

/// Mentions shorter than this are not looked for: they would match ordinary words.
pub const MIN_LEN: usize = 3;

/// The byte ranges of every mention of one of `needles` in `text`, in order and
/// non-overlapping; at one place the longest needle wins.
pub fn find(text: &str, needles: &[String]) -> Vec<Range<usize>> {
    let mut words: Vec<Vec<&str>> = needles
        .iter()
        .map(|n| n.split_whitespace().collect::<Vec<_>>())
        .filter(|w: &Vec<&str>| w.iter().map(|w| w.len()).sum::<usize>() >= MIN_LEN)
        .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.iter().map(|w| w.len()).sum::<usize>()));
    words.dedup();
    let firsts: Vec<u8> = words
        .iter()
        .map(|w| w[0].as_bytes()[0].to_ascii_lowercase())
        .collect();
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at].to_ascii_lowercase();
        let found = firsts
            .iter()
            .zip(&words)
            .filter(|(f, _)| **f == b)
            .find_map(|(_, w)| match_at(text, at, w).filter(|end| alone(text, at, *end)));
        match found {
            Some(end) => {
                out.push(at..end);
                at = end;
            }
            None => at += 1,
        }
    }
    out
}

/// `text` with every mention of `needles` replaced with [`REMOVED`], and how many there were.
pub fn replace(text: &str, needles: &[String]) -> (String, usize) {
    let found = find(text, needles);
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for r in &found {
        out.push_str(&text[last..r.start]);
        out.push_str(REMOVED);
        last = r.end;
    }
    out.push_str(&text[last..]);
    (out, found.len())
}

/// Where a mention made of `words` starting at `at` ends, if one does.
fn match_at(text: &str, at: usize, words: &[&str]) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut pos = at;
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            let start = pos;
            while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
                pos += 1;
            }
            if pos == start {
                return None;
            }
        }
        let end = pos + w.len();
        // Non-ASCII bytes compare exactly, so a match ends where the needle's last character
        // does, on a character boundary.
        if end > bytes.len() || !bytes[pos..end].eq_ignore_ascii_case(w.as_bytes()) {
            return None;
        }
        pos = end;
    }
    Some(pos)
}

/// Whether `text[start..end]` stands alone: no word character next to it, and no joiner
/// (`-`, `.`, `@`, `+`) that continues it into a longer name or address.
fn alone(text: &str, start: usize, end: usize) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let joiner = |c: char| matches!(c, '-' | '.' | '@' | '+');
    if !text.is_char_boundary(start) {
        return false;
    }
    let mut before = text[..start].chars().rev();
    let ok_before = match before.next() {
        None => true,
        Some(c) if word(c) => false,
        Some(c) if joiner(c) => !before.next().is_some_and(word),
        Some(_) => true,
    };
    let mut after = text[end..].chars();
    let ok_after = match after.next() {
        None => true,
        Some(c) if word(c) => false,
        Some(c) if joiner(c) => !after.next().is_some_and(word),
        Some(_) => true,
    };
    ok_before && ok_after
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needles() -> Vec<String> {
        ["Ada Lovelace", "ada@x.example", "+44 20 7946 0001"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn mentions_on_word_boundaries() {
        for (text, expected) in [
            ("Call Ada Lovelace today.", "Call [removed] today."),
            ("ADA LOVELACE said no", "[removed] said no"),
            (
                "Met Ada\n  Lovelace at the gala",
                "Met [removed] at the gala",
            ),
            ("Ada Lovelace's team", "[removed]'s team"),
            ("(ada@x.example)", "([removed])"),
            ("mailto:ADA@X.EXAMPLE.", "mailto:[removed]."),
            ("tel +44 20 7946 0001, ext 2", "tel [removed], ext 2"),
            // Longer words, names and addresses are someone else.
            ("Ada Lovelaces", "Ada Lovelaces"),
            ("Mary-Ada Lovelace", "Mary-Ada Lovelace"),
            ("Ada Lovelace-Byron", "Ada Lovelace-Byron"),
            ("ada@x.example.org", "ada@x.example.org"),
            ("bada@x.example", "bada@x.example"),
            ("+44 20 7946 00019", "+44 20 7946 00019"),
            ("Ada Lovelac", "Ada Lovelac"),
            ("", ""),
        ] {
            assert_eq!(replace(text, &needles()).0, expected, "{text:?}");
        }
    }

    #[test]
    fn non_ascii_names_and_short_needles() {
        let n = vec!["Zoë Ångström".to_string(), "Al".to_string()];
        assert_eq!(
            replace("zoë Ångström and Al met Zoë Ångströms", &n),
            ("[removed] and Al met Zoë Ångströms".to_string(), 1)
        );
        assert!(find("naïve Zoë", &n).is_empty());
    }
}
