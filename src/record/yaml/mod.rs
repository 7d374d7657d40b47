//! Frontmatter YAML: values with the position of every key, from a fast scanner for the common
//! subset and serde_yaml_ng for everything else.

pub mod depth;
pub mod scalar;
pub mod scan;

use crate::record::value::Value;
use compact_str::CompactString;
pub use scan::{Entry, Scan, Style};
use std::collections::HashSet;

/// Most nodes an alias-expanded frontmatter may hold (YAML "billion laughs" protection).
const MAX_NODES: usize = 10_000;

/// A YAML problem, positioned within the frontmatter text (0-based line, char column).
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub code: &'static str,
    pub line: u32,
    pub col: u32,
    pub message: String,
    pub help: Option<String>,
}

/// Parsed frontmatter: the scan (spans) and the values in file order.
#[derive(Debug, Clone)]
pub struct Frontmatter {
    pub scan: Scan,
    pub fields: Vec<(CompactString, Value)>,
    pub error: Option<YamlError>,
}

impl Frontmatter {
    /// Position (0-based line, char column) of a key's value, when the scanner found it.
    pub fn value_pos(&self, key: &str) -> Option<(u32, u32)> {
        self.scan.get(key).map(|e| (e.value_line, e.value_col))
    }

    pub fn key_pos(&self, key: &str) -> Option<(u32, u32)> {
        self.scan.get(key).map(|e| (e.line, 0))
    }
}

/// Parses a frontmatter text (between the `---` lines).
pub fn parse(text: &str) -> Frontmatter {
    let scan = scan::scan(text);
    if let Some(err) = duplicate_key(&scan) {
        return Frontmatter {
            scan,
            fields: Vec::new(),
            error: Some(err),
        };
    }
    if scan.simple {
        let mut scan = scan;
        let fields = scan
            .entries
            .iter_mut()
            .map(|e| (e.key.clone(), e.value.take().unwrap_or(Value::Null)))
            .collect();
        return Frontmatter {
            scan,
            fields,
            error: None,
        };
    }
    match full_parse(text) {
        Ok(fields) => Frontmatter {
            scan,
            fields,
            error: None,
        },
        Err(mut err) => {
            // The scanner's account of a mistake is more specific than libyaml's, when it has one.
            if err.code == "yaml-too-complex"
                && let Some(e) = scan
                    .entries
                    .iter()
                    .find(|e| text[e.value_span.clone()].contains('*'))
            {
                (err.line, err.col) = (e.value_line, e.value_col);
            } else if !scan.printable
                && let Some((line, col, c)) = first_unprintable(text)
            {
                err = YamlError {
                    code: "yaml-syntax",
                    line,
                    col,
                    message: format!(
                        "an invisible control character (U+{:04X}) is in the frontmatter",
                        c as u32
                    ),
                    help: Some(
                        "delete it (it often comes from copying text out of another program)"
                            .into(),
                    ),
                };
            } else if let Some(p) = scan.problems.first() {
                err = YamlError {
                    code: "yaml-syntax",
                    line: p.line,
                    col: p.col,
                    message: p.message.clone(),
                    help: Some(p.help.to_string()),
                };
            }
            Frontmatter {
                scan,
                fields: Vec::new(),
                error: Some(err),
            }
        }
    }
}

/// Where the first character YAML does not accept is (0-based line, char column).
fn first_unprintable(text: &str) -> Option<(u32, u32, char)> {
    let (mut line, mut col) = (0u32, 0u32);
    for c in text.chars() {
        if c == '\n' {
            (line, col) = (line + 1, 0);
            continue;
        }
        if !scalar::all_printable(c.encode_utf8(&mut [0; 4])) {
            return Some((line, col, c));
        }
        col += 1;
    }
    None
}

/// The first key that appears a second time, at that second line. A set of the keys seen so
/// far keeps this linear: comparing each key with all earlier ones took 82 s for a record of
/// 156,564 keys.
fn duplicate_key(scan: &Scan) -> Option<YamlError> {
    let entries = &scan.entries;
    // A record's dozen keys are compared with each other without a set to allocate.
    let e = if entries.len() <= 32 {
        (entries.iter().enumerate())
            .find_map(|(i, e)| entries[..i].iter().any(|x| x.key == e.key).then_some(e))?
    } else {
        let mut seen: HashSet<&str> = HashSet::with_capacity(entries.len());
        entries.iter().find(|e| !seen.insert(e.key.as_str()))?
    };
    Some(YamlError {
        code: "duplicate-key",
        line: e.line,
        col: 0,
        message: format!("`{}` appears twice", e.key),
        help: Some(format!(
            "delete one of the two `{}` lines; YAML does not allow a key twice",
            e.key
        )),
    })
}

fn full_parse(text: &str) -> Result<Vec<(CompactString, Value)>, YamlError> {
    if let Some((line, col)) = depth::too_deep(text) {
        return Err(too_deep(line, col));
    }
    let parsed: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(from_serde)?;
    let value = Value::from_yaml(parsed);
    if value.node_count() > MAX_NODES {
        // Without an alias, the values are all written out: too many of them, not a bomb.
        return Err(if text.contains('*') {
            too_complex()
        } else {
            too_many_values()
        });
    }
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Map(entries) => Ok(entries.into_vec()),
        other => Err(YamlError {
            code: "not-a-mapping",
            line: 0,
            col: 0,
            message: format!(
                "the frontmatter is {}, not `key: value` fields",
                match other {
                    Value::List(_) => "a list",
                    _ => "a single value",
                }
            ),
            help: Some("write one `key: value` per line, e.g. `name: Ada Lovelace`".into()),
        }),
    }
}

fn too_complex() -> YamlError {
    YamlError {
        code: "yaml-too-complex",
        line: 0,
        col: 0,
        message: format!(
            "the frontmatter expands to more than {MAX_NODES} values through YAML aliases"
        ),
        help: Some("remove the `&anchor`/`*alias` repetitions; records do not need them".into()),
    }
}

fn too_many_values() -> YamlError {
    YamlError {
        code: "yaml-too-complex",
        line: 0,
        col: 0,
        message: format!(
            "the frontmatter holds more than {MAX_NODES} values (keys, list items and nested values)"
        ),
        help: Some(
            "a record holds its fields; move long lists or tables into the notes below the frontmatter, or into records of their own"
                .into(),
        ),
    }
}

fn too_deep(line: u32, col: u32) -> YamlError {
    YamlError {
        code: "yaml-too-deep",
        line,
        col,
        message: format!(
            "values are nested more than {} levels deep",
            depth::MAX_DEPTH
        ),
        help: Some("records hold fields, lists and small maps; flatten this value".into()),
    }
}

fn from_serde(e: serde_yaml_ng::Error) -> YamlError {
    let text = e.to_string();
    if text.contains("recursion limit exceeded") {
        let (line, col) = e.location().map_or((0, 0), |loc| {
            (
                loc.line().saturating_sub(1) as u32,
                loc.column().saturating_sub(1) as u32,
            )
        });
        return too_deep(line, col);
    }
    if text.contains("repetition limit exceeded") {
        let mut err = too_complex();
        if let Some(loc) = e.location() {
            err.line = loc.line().saturating_sub(1) as u32;
            err.col = loc.column().saturating_sub(1) as u32;
        }
        return err;
    }
    // serde_yaml_ng appends " at line L column C"; the diagnostic carries the position itself.
    let message = match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    let (line, col) = e
        .location()
        .map(|l| {
            (
                l.line().saturating_sub(1) as u32,
                l.column().saturating_sub(1) as u32,
            )
        })
        .unwrap_or((0, 0));
    YamlError {
        code: "yaml-syntax",
        line,
        col,
        help: Some(yaml_help(&message)),
        message: format!("invalid YAML: {message}"),
    }
}

fn yaml_help(message: &str) -> String {
    if message.contains("mapping values are not allowed") {
        "a value contains `: `; put the whole value in double quotes".into()
    } else if message.contains("cannot start any token") {
        "a value starts with a character YAML reserves (`@`, `` ` ``, `%`, a tab); quote the value"
            .into()
    } else if message.contains("did not find expected key")
        || message.contains("could not find expected ':'")
    {
        "check the indentation and that each line is `key: value`".into()
    } else if message.contains("control characters") || message.contains("invalid") {
        "remove the invisible control character from the value".into()
    } else {
        "check the line for unbalanced quotes or brackets and the indentation".into()
    }
}

/// Checks that the fast path agrees with serde_yaml_ng on `text`: when the scanner claims the
/// frontmatter is simple, its values equal serde's, and serde accepts it. For tests and the
/// `frontmatter` fuzz target.
#[doc(hidden)]
pub fn agreement(text: &str) -> Result<(), String> {
    let scan = scan::scan(text);
    if !scan.simple || duplicate_key(&scan).is_some() {
        return Ok(());
    }
    let fast: Vec<(CompactString, Value)> = scan
        .entries
        .iter()
        .map(|e| (e.key.clone(), e.value.clone().unwrap_or(Value::Null)))
        .collect();
    match full_parse(text) {
        Ok(slow) if format!("{fast:?}") == format!("{slow:?}") => Ok(()),
        Ok(slow) => Err(format!(
            "values differ for {text:?}:\n fast: {fast:?}\n serde: {slow:?}"
        )),
        // kith's own limits on nesting and aliases are cruder than YAML (they count brackets
        // and nodes, not syntax), and refuse some valid documents; they are not disagreements.
        Err(e) if matches!(e.code, "yaml-too-deep" | "yaml-too-complex") => Ok(()),
        Err(e) => Err(format!(
            "the scanner accepted what serde_yaml_ng rejects ({}): {text:?}",
            e.message
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_simple_and_complex_the_same_way() {
        let fm = parse("name: Ada\ntags: [a, b]\nnote: |\n  hello\nfolded: >\n  hi\n");
        assert!(fm.error.is_none());
        assert!(!fm.scan.simple);
        assert_eq!(fm.fields[3], ("folded".into(), Value::str("hi\n")));
        assert_eq!(fm.fields[0], ("name".into(), Value::str("Ada")));
        assert_eq!(fm.fields[2], ("note".into(), Value::str("hello\n")));
        assert_eq!(fm.value_pos("note"), Some((2, 6)));
    }

    #[test]
    fn reports_positions_of_errors() {
        let fm = parse("name: Ada\nowner: @sam\n");
        let e = fm.error.unwrap();
        assert_eq!((e.line, e.col), (1, 7));
        let fm = parse("name: Ada\nemail: a@x.example\nemail: b@x.example\n");
        let e = fm.error.unwrap();
        assert_eq!(e.code, "duplicate-key");
        assert_eq!(e.line, 2);
        let fm = parse("a: [1, 2\n");
        assert_eq!(fm.error.unwrap().line, 0);
        let fm = parse("- a\n- b\n");
        assert!(fm.error.is_some());
        let fm = parse("just words\n");
        assert_eq!(fm.error.unwrap().code, "yaml-syntax");
    }

    #[test]
    fn rejects_alias_bombs() {
        let mut doc = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (i, name) in ["b", "c", "d", "e", "f", "g", "h"].iter().enumerate() {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                ["b", "c", "d", "e", "f", "g"][i - 1].to_string()
            };
            doc.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let fm = parse(&doc);
        let e = fm.error.unwrap();
        assert_eq!(e.code, "yaml-too-complex");
        assert!(e.message.contains("through YAML aliases"), "{}", e.message);
    }

    #[test]
    fn too_many_values_written_out_are_not_called_aliases() {
        // A folded scalar takes the document off the fast path, to serde_yaml_ng and its count.
        let mut doc = String::from("note: >\n  hi\n");
        for i in 0..MAX_NODES {
            doc.push_str(&format!("k{i}: v\n"));
        }
        let e = parse(&doc).error.unwrap();
        assert_eq!(e.code, "yaml-too-complex");
        assert!(
            e.message.contains("holds more than 10000 values"),
            "{}",
            e.message
        );
    }

    #[test]
    fn duplicate_keys_are_found_in_linear_time() {
        let many = |last: &str| {
            let mut doc: String = (0..200_000).map(|i| format!("k{i}: v\n")).collect();
            doc.push_str(last);
            doc
        };
        let start = std::time::Instant::now();
        assert!(parse(&many("z: v\n")).error.is_none());
        let e = parse(&many("k7: w\n")).error.unwrap();
        assert_eq!((e.code, e.line), ("duplicate-key", 200_000));
        assert!(start.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn a_valid_document_is_never_rejected_by_the_scanner() {
        // Indented top-level mapping: unusual but valid.
        let fm = parse("  name: Ada\n  email: a@x.example\n");
        assert!(fm.error.is_none(), "{:?}", fm.error);
        assert_eq!(fm.fields.len(), 2);
    }
}

#[cfg(test)]
mod agreement {
    //! The fast path must never disagree with serde_yaml_ng: whenever the scanner claims a
    //! frontmatter is simple, its values equal serde's, and it never accepts what serde rejects.

    use super::*;

    fn check(text: &str) {
        if let Err(e) = super::agreement(text) {
            panic!("{e}");
        }
    }

    /// A small deterministic PRNG (SplitMix64) for mutations.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    const SEEDS: &[&str] = &[
        "name: Ada Lovelace\nemail: ada@x.example\nphone: \"+44 20 7946 0000\"\ntags: [saas, webinar-2026]\ncreated: 2026-10-02\n",
        "title: 'Head of Data'   # since March\nzip: '0123'\nseats: 40\namount: 12000.5\nflag: true\nnone: ~\n",
        "tags:\n  - a\n  - \"b c\"\nlist: []\nk: v # c\n# comment\nurl: https://x.example/a#b\n",
        "name: Ada\nnotes_summary: |\n  Key contact.\n\n    Indented: # not a comment\n  12\nnext: |-\n   2026-01-01\n  \nlast: |\n",
        "a: |\n  x\r\n  y\r\nb: |-\n\n  z\n\nc: >\n  f\n",
    ];

    const PIECES: &[&str] = &[
        ":", ": ", " #", "#", "\"", "'", "[", "]", "{", "}", ",", "-", "- ", "@", "`", "&a ", "*a",
        "!", "|", ">", "?", "%", " ", "  ", "\t", "\n", "\n  ", "\\", "\\n", "\\x41", "yes", "NO",
        "0x1F", "007", "1e3", ".inf", "~", "é", "\u{2028}", "\u{7}", "\r\n", "''", "\"\"", "null",
        "true", ".", "0", "-1", "+1", "1_000", "|", "|-", "|+", "\n \n", "\n   ", "\n\n",
    ];

    #[test]
    fn mutated_frontmatter_never_makes_the_paths_disagree() {
        let mut rng = Rng(7);
        for seed in SEEDS {
            check(seed);
            for _ in 0..5000 {
                let mut text = seed.to_string();
                for _ in 0..1 + rng.below(3) {
                    let piece = PIECES[rng.below(PIECES.len())];
                    let mut at = rng.below(text.len() + 1);
                    while !text.is_char_boundary(at) {
                        at -= 1;
                    }
                    if rng.below(4) == 0 && at < text.len() {
                        let mut end = at + 1;
                        while !text.is_char_boundary(end) {
                            end += 1;
                        }
                        text.replace_range(at..end, piece);
                    } else {
                        text.insert_str(at, piece);
                    }
                }
                check(&text);
            }
        }
    }

    #[test]
    fn generated_records_agree() {
        let dir = tempfile::tempdir().unwrap();
        let opts = crate::devtools::generate::GenOptions {
            records: 400,
            seed: 3,
            today: jiff::civil::Date::constant(2026, 11, 25),
        };
        crate::devtools::generate::generate(dir.path(), &opts).unwrap();
        let mut simple = 0;
        for sub in ["contacts", "companies", "deals"] {
            for entry in std::fs::read_dir(dir.path().join(sub)).unwrap() {
                let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
                let split = crate::record::frontmatter::split(&text).unwrap();
                let fm = split.frontmatter(&text);
                check(fm);
                simple += usize::from(scan::scan(fm).simple);
            }
        }
        // The fast path is the common path.
        assert!(
            simple > 360,
            "only {simple} of 400 generated records took the fast path"
        );
    }
}
