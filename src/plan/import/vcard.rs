//! vCard 2.1, 3.0 and 4.0 (RFC 6350) as Google Contacts and Apple Contacts export them: folded
//! lines, `itemN.` group prefixes, `TYPE` parameters, `\,` `\;` `\n` escapes, and
//! quoted-printable values with soft line breaks. Each card becomes a [`Row`] with the line of
//! its `BEGIN:VCARD`; `FN`/`N`, `EMAIL`, `TEL`, `ORG`, `TITLE`, the country of `ADR`, `NOTE` and
//! `CATEGORIES` are read, other properties ignored.

use super::Row;
use anyhow::{Result, bail};

/// Whether text looks like vCards (its first non-blank line is `BEGIN:VCARD`).
pub fn is_vcard(text: &str) -> bool {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.trim().eq_ignore_ascii_case("BEGIN:VCARD"))
}

/// One property: `[group.]NAME[;PARAM...]:value`, unfolded, with its first line.
#[derive(Debug)]
struct Property {
    line: usize,
    name: String,
    params: Vec<(String, String)>,
    /// The value as written (escapes and quoted-printable still in).
    raw: String,
}

impl Property {
    fn param(&self, name: &str) -> impl Iterator<Item = &str> {
        self.params
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(','))
    }

    fn has_type(&self, t: &str) -> bool {
        self.param("TYPE").any(|v| v.eq_ignore_ascii_case(t))
            || self.param("PREF").next().is_some() && t.eq_ignore_ascii_case("pref")
    }

    /// The value decoded: quoted-printable undone (in its charset), escapes kept for the
    /// caller to split on.
    fn decoded(&self) -> String {
        let qp = self
            .param("ENCODING")
            .any(|e| e.eq_ignore_ascii_case("QUOTED-PRINTABLE"));
        if !qp {
            return self.raw.clone();
        }
        let bytes = quoted_printable(&self.raw);
        let latin = self
            .param("CHARSET")
            .any(|c| !c.eq_ignore_ascii_case("UTF-8"));
        match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) if latin => e.into_bytes().iter().map(|&b| char::from(b)).collect(),
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }
    }
}

/// Reads every card of a file. A card without `END:VCARD` is an error for the whole file; a
/// card without `FN` or `N` is an invalid row.
pub fn read(text: &str) -> Result<Vec<Row>> {
    if text.trim().is_empty() {
        bail!("the file is empty");
    }
    let props = properties(text);
    let mut rows = Vec::new();
    let mut card: Option<(usize, Vec<Property>)> = None;
    for p in props {
        let upper = p.name.to_ascii_uppercase();
        match (upper.as_str(), &mut card) {
            ("BEGIN", None) if p.raw.trim().eq_ignore_ascii_case("VCARD") => {
                card = Some((p.line, Vec::new()));
            }
            ("BEGIN", Some((start, _))) if p.raw.trim().eq_ignore_ascii_case("VCARD") => {
                return Err(crate::util::hint::hint(
                    format!(
                        "the vCard that begins on line {start} has no END:VCARD before the next BEGIN:VCARD on line {}",
                        p.line
                    ),
                    "the file is cut or broken; export it again",
                ));
            }
            ("END", Some(_)) if p.raw.trim().eq_ignore_ascii_case("VCARD") => {
                let (start, props) = card.take().expect("matched Some");
                rows.push(row(start, &props));
            }
            (_, Some((_, props))) => props.push(p),
            (_, None) if p.name.is_empty() && p.raw.trim().is_empty() => {}
            (_, None) => {
                return Err(crate::util::hint::hint(
                    format!(
                        "line {}: `{}` is outside any BEGIN:VCARD … END:VCARD",
                        p.line, p.name
                    ),
                    "the file is cut or broken; export it again",
                ));
            }
        }
    }
    if let Some((start, _)) = card {
        return Err(crate::util::hint::hint(
            format!("the vCard that begins on line {start} has no END:VCARD (the file ends first)"),
            "the file is cut or broken; export it again",
        ));
    }
    Ok(rows)
}

/// Splits text into unfolded properties: a line starting with a space or tab continues the
/// one before (RFC 6350 §3.2), and a quoted-printable value ending in `=` continues on the
/// next line (vCard 2.1's soft line break).
fn properties(text: &str) -> Vec<Property> {
    let mut out: Vec<Property> = Vec::new();
    let mut soft_break = false;
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let Some(last) = out.last_mut() {
            if let Some(rest) = line.strip_prefix([' ', '\t']) {
                last.raw.push_str(rest);
                soft_break = is_soft_break(last);
                continue;
            }
            if soft_break {
                last.raw.pop(); // the `=`
                last.raw.push_str(line);
                soft_break = is_soft_break(last);
                continue;
            }
        }
        if line.trim().is_empty() {
            continue;
        }
        let p = parse_line(i + 1, line);
        soft_break = is_soft_break(&p);
        out.push(p);
    }
    out
}

fn is_soft_break(p: &Property) -> bool {
    p.raw.ends_with('=')
        && p.param("ENCODING")
            .any(|e| e.eq_ignore_ascii_case("QUOTED-PRINTABLE"))
}

/// `[group.]NAME;PARAM=a,b;PARAM="x:y":value`
fn parse_line(line: usize, text: &str) -> Property {
    let mut quoted = false;
    let colon = text
        .char_indices()
        .find(|&(_, c)| {
            if c == '"' {
                quoted = !quoted;
            }
            c == ':' && !quoted
        })
        .map(|(i, _)| i);
    let (head, raw) = match colon {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text, ""),
    };
    let mut parts = head.split(';');
    let name = parts.next().unwrap_or_default();
    let name = name.rsplit_once('.').map_or(name, |(_, n)| n).trim();
    let params = parts
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.trim().to_string(), v.trim().trim_matches('"').to_string()),
            // vCard 2.1: `TEL;CELL;PREF:` — bare types.
            None => ("TYPE".to_string(), p.trim().to_string()),
        })
        .collect();
    Property {
        line,
        name: name.to_string(),
        params,
        raw: raw.to_string(),
    }
}

/// The row of one card.
fn row(start: usize, props: &[Property]) -> Row {
    let mut row = Row::new(start);
    fn named<'p>(props: &'p [Property], name: &'static str) -> impl Iterator<Item = &'p Property> {
        props
            .iter()
            .filter(move |p| p.name.eq_ignore_ascii_case(name))
    }
    let get = |name: &'static str| named(props, name);
    let fn_name = get("FN")
        .map(|p| unescape(&p.decoded()))
        .find(|s| !s.trim().is_empty());
    let n_name = get("N").next().map(|p| {
        let parts = split(&p.decoded(), ';');
        let part = |i: usize| parts.get(i).map(|s| s.trim()).unwrap_or_default();
        // N: family; given; additional; prefixes; suffixes
        [part(1), part(2), part(0)]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    });
    match fn_name.or(n_name.filter(|n| !n.is_empty())) {
        Some(name) => row.values.push(("name".into(), name)),
        None => {
            row.error = Some("the vCard has no name (FN or N)".into());
        }
    }
    // Preferred addresses and numbers first.
    let by_pref = |name: &'static str| {
        let mut v: Vec<&Property> = get(name).collect();
        v.sort_by_key(|p| !p.has_type("pref"));
        v
    };
    for (i, p) in by_pref("EMAIL").into_iter().enumerate() {
        let v = unescape(&p.decoded());
        let field = if i == 0 { "email" } else { "emails" };
        row.values.push((field.into(), v));
    }
    for (i, p) in by_pref("TEL").into_iter().enumerate() {
        let v = unescape(&p.decoded());
        let v = v.strip_prefix("tel:").unwrap_or(&v).to_string();
        let field = if i == 0 { "phone" } else { "phones" };
        row.values.push((field.into(), v));
    }
    if let Some(org) = get("ORG").next() {
        let parts = split(&org.decoded(), ';');
        if let Some(company) = parts.first() {
            row.values.push(("company".into(), company.clone()));
        }
    }
    if let Some(title) = get("TITLE").next() {
        row.values
            .push(("title".into(), unescape(&title.decoded())));
    }
    if let Some(country) = by_pref("ADR")
        .into_iter()
        .filter_map(|p| split(&p.decoded(), ';').get(6).cloned())
        .find(|c| !c.trim().is_empty())
    {
        row.values.push(("country".into(), country));
    }
    for note in get("NOTE") {
        row.values.push(("notes".into(), unescape(&note.decoded())));
    }
    for cats in get("CATEGORIES") {
        for tag in split(&cats.decoded(), ',') {
            // Google's system groups are not labels anyone chose.
            if !matches!(tag.trim(), "myContacts" | "starred" | "") {
                row.values.push(("tags".into(), tag));
            }
        }
    }
    row.values.retain(|(_, v)| !v.trim().is_empty());
    row
}

/// Splits a structured value on unescaped `sep`, unescaping each part.
fn split(value: &str, sep: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            current.push(c);
            if let Some(next) = chars.next() {
                current.push(next);
            }
        } else if c == sep {
            parts.push(unescape(&current));
            current.clear();
        } else {
            current.push(c);
        }
    }
    parts.push(unescape(&current));
    parts
}

/// Undoes `\n`, `\N`, `\,`, `\;`, `\:` and `\\`.
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Decodes quoted-printable (`=C3=A9` → bytes; a stray `=` is kept).
fn quoted_printable(value: &str) -> Vec<u8> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'='
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|&b| hex(b)),
                bytes.get(i + 2).and_then(|&b| hex(b)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(row: &Row) -> Vec<(&str, &str)> {
        row.values
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn apple_groups_folds_and_escapes() {
        let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lovelace;Ada;;;\r\nFN:Ada Lovelace\r\nORG:Analytical\\, Engines;R&D\r\nitem1.EMAIL;type=INTERNET;type=pref:ada@x.exa\r\n mple\r\nitem1.X-ABLabel:_$!<Other>!$_\r\nTEL;type=CELL:+44 7700 900123\r\nTEL;type=WORK;type=pref:+44 20 7946 0000\r\nADR;type=WORK:;;1 Main St;London;;N1;United Kingdom\r\nNOTE:Met at the\\nwebinar\\; wants a pilot\r\nCATEGORIES:vip,webinar\r\nEND:VCARD\r\n";
        let rows = read(text).unwrap();
        assert_eq!(
            values(&rows[0]),
            [
                ("name", "Ada Lovelace"),
                ("email", "ada@x.example"),
                ("phone", "+44 20 7946 0000"),
                ("phones", "+44 7700 900123"),
                ("company", "Analytical, Engines"),
                ("country", "United Kingdom"),
                ("notes", "Met at the\nwebinar; wants a pilot"),
                ("tags", "vip"),
                ("tags", "webinar"),
            ]
        );
        assert_eq!(rows[0].line, 1);
    }

    #[test]
    fn quoted_printable_with_soft_breaks() {
        let text = "BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=\n=BCrgen\nTEL;CELL;PREF:+49 30 1234567\nEND:VCARD\n";
        let rows = read(text).unwrap();
        assert_eq!(
            values(&rows[0]),
            [("name", "Jürgen Müller"), ("phone", "+49 30 1234567")]
        );
    }

    #[test]
    fn broken_cards_name_their_line() {
        let err = read("BEGIN:VCARD\nFN:Ada\n").unwrap_err().to_string();
        assert!(err.contains("begins on line 1 has no END:VCARD"), "{err}");
        let err = read("BEGIN:VCARD\nFN:Ada\nBEGIN:VCARD\nFN:Bob\nEND:VCARD\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("next BEGIN:VCARD on line 3"), "{err}");
        let rows = read("BEGIN:VCARD\nVERSION:4.0\nEMAIL:a@x.example\nEND:VCARD\n").unwrap();
        assert_eq!(
            rows[0].error.as_deref(),
            Some("the vCard has no name (FN or N)")
        );
    }
}
