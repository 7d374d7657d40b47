//! How a segment is written in kith.yaml: `name: "filter"`, or a map with `filter`,
//! `description`, `of` and `include` (the built-in `internal` and `spam` people a curated list
//! keeps, which every segment leaves out otherwise). Read by hand rather than by serde, so that
//! a mistake names the segment and the key, with the keys a segment takes.

use crate::record::config::{Config, FILE};
use crate::record::diag::{Diagnostic, suggest};
use serde_yaml_ng::Value;

/// The keys a segment's map takes.
pub const KEYS: [&str; 4] = ["filter", "description", "of", "include"];

/// The built-in groups a segment may take back in with `include:`.
pub const INCLUDABLE: [&str; 2] = [super::segment::INTERNAL, super::segment::SPAM];

/// One segment as written.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Spec {
    pub filter: Option<String>,
    pub description: Option<String>,
    pub of: Option<String>,
    /// `include:` as written (each one of [`INCLUDABLE`]).
    pub include: Vec<String>,
}

/// Which built-in groups a segment keeps: staff (`internal`) and `spam` people are left out of
/// every other segment unless it includes them.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Include {
    pub internal: bool,
    pub spam: bool,
}

impl Include {
    /// Whether a person in the built-in groups `internal`/`spam` may be a member.
    pub fn admits(self, internal: bool, spam: bool) -> bool {
        (!internal || self.internal) && (!spam || self.spam)
    }
}

/// Reads `segments:`: each name with its spec, in kith.yaml's order, and the problems found. A
/// segment with a problem is left out whole, so that a mistyped key never widens a list.
pub fn read(cfg: &Config, segments: &Value) -> (Vec<(String, Spec)>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let Value::Mapping(map) = segments else {
        if !segments.is_null() {
            let (line, col) = cfg.locate("segments:");
            diags.push(
                Diagnostic::error("config", "kith.yaml `segments` must be a map of names")
                    .in_file(FILE)
                    .at(line, col)
                    .help("write `name: \"filter\"` or `name: {filter: \"...\", description: \"...\", include: [internal]}`"),
            );
        }
        return (out, diags);
    };
    for (key, value) in map {
        let Some(name) = scalar(key) else {
            let (line, col) = cfg.locate("segments:");
            diags.push(
                Diagnostic::error("config", "a segment's name must be text")
                    .in_file(FILE)
                    .at(line, col)
                    .help("write `name: \"filter\"`"),
            );
            continue;
        };
        match spec(&name, value) {
            Ok(s) => out.push((name, s)),
            Err((message, help)) => {
                let (line, col) = locate(cfg, &name);
                diags.push(
                    Diagnostic::error("config", format!("segment `{name}`: {message}"))
                        .in_file(FILE)
                        .at(line, col)
                        .help(help),
                );
            }
        }
    }
    (out, diags)
}

/// One segment's spec, or what is wrong with it and how to fix it.
fn spec(name: &str, value: &Value) -> Result<Spec, (String, String)> {
    let map = match value {
        Value::String(s) => {
            return Ok(Spec {
                filter: Some(s.clone()),
                ..Spec::default()
            });
        }
        Value::Mapping(m) => m,
        _ => {
            return Err((
                "must be a filter or a map".into(),
                format!(
                    "write `{name}: \"lifecycle = lead\"` or `{name}: {{filter: \"...\", description: \"...\"}}`"
                ),
            ));
        }
    };
    let mut s = Spec::default();
    for (k, v) in map {
        let key = scalar(k).unwrap_or_default();
        let text = || {
            scalar(v).ok_or_else(|| {
                (
                    format!("`{key}` must be text"),
                    format!("write `{key}: \"...\"`"),
                )
            })
        };
        match key.as_str() {
            "filter" => s.filter = Some(text()?),
            "description" => s.description = Some(text()?),
            "of" => s.of = Some(text()?),
            "include" => s.include = include(v)?,
            _ => {
                return Err((
                    format!("unknown key `{key}`"),
                    format!(
                        "{}a segment takes {}",
                        suggest(&key, KEYS),
                        KEYS.map(|k| format!("`{k}`")).join(", ")
                    ),
                ));
            }
        }
    }
    Ok(s)
}

/// `include: internal`, `include: [internal, spam]`.
fn include(v: &Value) -> Result<Vec<String>, (String, String)> {
    let items: Vec<&Value> = match v {
        Value::Sequence(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    };
    let mut out = Vec::new();
    for item in items {
        let word = scalar(item).unwrap_or_default();
        let known = INCLUDABLE
            .iter()
            .find(|k| k.eq_ignore_ascii_case(word.trim()));
        match known {
            Some(k) => {
                if !out.iter().any(|o: &String| o == k) {
                    out.push(k.to_string());
                }
            }
            None => {
                return Err((
                    format!("cannot include `{word}`"),
                    format!(
                        "{}`include` takes `internal` (staff) and `spam`, the people every segment leaves out otherwise: `include: [internal]`",
                        suggest(&word, INCLUDABLE)
                    ),
                ));
            }
        }
    }
    Ok(out)
}

/// Where segment `name` is declared: the first line under `segments:` that starts with
/// `name:` (a plain text search would also find `name:` inside another key, `include:` for `e`).
pub fn locate(cfg: &Config, name: &str) -> (u32, u32) {
    let key = format!("{name}:");
    let mut in_segments = false;
    for (i, line) in cfg.source.lines().enumerate() {
        if line.starts_with("segments:") {
            in_segments = true;
            continue;
        }
        let trimmed = line.trim_start();
        if in_segments && trimmed.starts_with(&key) {
            let col = line.chars().count() - trimmed.chars().count();
            return (i as u32 + 1, col as u32 + 1);
        }
    }
    cfg.locate(&key)
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(segments: &str) -> (Vec<(String, Spec)>, Vec<String>) {
        let (cfg, d) = Config::parse(&format!("segments:\n{segments}"));
        assert!(d.is_empty(), "{d:?}");
        let (specs, diags) = read(&cfg, cfg.segments.as_ref().unwrap());
        let diags = diags
            .into_iter()
            .map(|d| {
                format!(
                    "{}:{} {} ({})",
                    d.line,
                    d.column,
                    d.message,
                    d.help.unwrap_or_default()
                )
            })
            .collect();
        (specs, diags)
    }

    #[test]
    fn the_string_form_and_the_map_form_both_read() {
        let (specs, d) = read_text(
            "  a: \"lifecycle = lead\"\n  b: {filter: \"size > 3\", of: companies, description: Big}\n  c:\n    filter: \"tags has x\"\n    include: [internal, Spam]\n  d: {filter: \"tags has y\", include: spam}\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(specs[0].1.filter.as_deref(), Some("lifecycle = lead"));
        assert!(specs[0].1.include.is_empty());
        assert_eq!(specs[1].1.of.as_deref(), Some("companies"));
        assert_eq!(specs[2].1.include, ["internal", "spam"]);
        assert_eq!(specs[3].1.include, ["spam"]);
    }

    #[test]
    fn mistakes_name_the_segment_and_the_key() {
        let (specs, d) = read_text(
            "  a: {filter: \"x = 1\", includes: [internal]}\n  b: {filter: \"x = 1\", include: [staff]}\n  c: {filter: \"x = 1\", include: [interal]}\n  d: 3\n  e: {filter: [a]}\n",
        );
        assert!(specs.is_empty(), "{specs:?}");
        assert_eq!(
            d,
            [
                "2:3 segment `a`: unknown key `includes` (did you mean `include`? a segment takes `filter`, `description`, `of`, `include`)",
                "3:3 segment `b`: cannot include `staff` (`include` takes `internal` (staff) and `spam`, the people every segment leaves out otherwise: `include: [internal]`)",
                "4:3 segment `c`: cannot include `interal` (did you mean `internal`? `include` takes `internal` (staff) and `spam`, the people every segment leaves out otherwise: `include: [internal]`)",
                "5:3 segment `d`: must be a filter or a map (write `d: \"lifecycle = lead\"` or `d: {filter: \"...\", description: \"...\"}`)",
                "6:3 segment `e`: `filter` must be text (write `filter: \"...\"`)",
            ]
        );
    }

    #[test]
    fn include_admits_only_what_it_names() {
        let none = Include::default();
        assert!(none.admits(false, false));
        assert!(!none.admits(true, false));
        assert!(!none.admits(false, true));
        let staff = Include {
            internal: true,
            spam: false,
        };
        assert!(staff.admits(true, false));
        assert!(!staff.admits(true, true));
        let both = Include {
            internal: true,
            spam: true,
        };
        assert!(both.admits(true, true));
    }
}
