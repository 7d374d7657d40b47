//! Segments: named filters from kith.yaml (`hot-leads`, `stale-customers`, ...), plus the
//! built-in `internal` (staff) and `spam`, which lead counts, scoring and reports leave out.
//!
//! Segments may refer to scores and to other segments; the order they are computed in follows
//! those references, and a cycle is a configuration error naming both ends.

use crate::analysis::filter::{Filter, Scope};
use crate::analysis::segment_spec::{self, Include, Spec};
use crate::record::Kind;
use crate::record::config::{Config, FILE};
use crate::record::diag::Diagnostic;

pub const INTERNAL: &str = "internal";
pub const SPAM: &str = "spam";

const INTERNAL_FILTER: &str =
    "email_domain in $internal_domains or (lifecycle = other and other_reason = staff)";
const SPAM_FILTER: &str = "tags has spam";

/// A segment, compiled.
#[derive(Debug, Clone)]
pub struct Segment {
    pub name: String,
    pub description: String,
    /// The kind of record the segment holds (people unless `of:` says otherwise).
    pub of: Kind,
    pub filter: Filter,
    pub builtin: bool,
    /// The built-in groups this segment keeps: staff and spam people are members of no other
    /// segment unless it says `include: [internal]`, `[spam]` (or its filter names them).
    pub include: Include,
}

impl Segment {
    /// Whether a record that the built-ins place as shown may be a member (it still has to
    /// match the filter). The built-ins themselves hold whom they hold.
    pub fn admits(&self, internal: bool, spam: bool) -> bool {
        self.builtin || self.include.admits(internal, spam)
    }
}

/// Compiles `segments:`, built-ins first, then the rest in an order where every segment comes
/// after the segments it refers to.
pub fn from_config(cfg: &Config) -> (Vec<Segment>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut raw: Vec<(String, Spec)> = Vec::new();
    if let Some(v) = &cfg.segments {
        let (specs, spec_diags) = segment_spec::read(cfg, v);
        raw = specs;
        diags.extend(spec_diags);
    }
    let names: Vec<String> = [INTERNAL, SPAM]
        .into_iter()
        .map(str::to_string)
        .chain(
            raw.iter()
                .map(|(n, _)| n.clone())
                .filter(|n| n != INTERNAL && n != SPAM),
        )
        .collect();
    let mut out: Vec<Segment> = Vec::new();
    for (name, default_filter, default_description) in [
        (
            INTERNAL,
            INTERNAL_FILTER,
            "Staff: internal e-mail domains, and people at `other` with other_reason staff",
        ),
        (SPAM, SPAM_FILTER, "Spam sign-ups (people tagged `spam`)"),
    ] {
        let given = raw.iter().find(|(n, _)| n == name).map(|(_, s)| s);
        let source = given
            .and_then(|s| s.filter.clone())
            .unwrap_or_else(|| default_filter.to_string());
        let description = given
            .and_then(|s| s.description.clone())
            .unwrap_or_else(|| default_description.to_string());
        // Scores leave these two out, so they are computed first and cannot use scores.
        let scope = Scope {
            cfg,
            scores: false,
            segments: None,
            why_not: "the internal and spam segments are computed before scores and other segments",
        };
        match Filter::compile(&source, &scope) {
            Ok(filter) => out.push(Segment {
                name: name.to_string(),
                description,
                of: Kind::Person,
                filter,
                builtin: true,
                include: Include::default(),
            }),
            Err(e) => {
                diags.push(filter_diag(cfg, name, &source, &e));
                let filter =
                    Filter::compile(default_filter, &scope).expect("built-in filters compile");
                out.push(Segment {
                    name: name.to_string(),
                    description,
                    of: Kind::Person,
                    filter,
                    builtin: true,
                    include: Include::default(),
                });
            }
        }
    }
    let scope = Scope {
        cfg,
        scores: true,
        segments: Some(&names),
        why_not: "",
    };
    let mut user: Vec<Segment> = Vec::new();
    for (name, seg) in raw.iter().filter(|(n, _)| n != INTERNAL && n != SPAM) {
        let Some(source) = &seg.filter else {
            let (line, col) = cfg.locate(&format!("{name}:"));
            diags.push(
                Diagnostic::error("config", format!("segment `{name}` has no filter"))
                    .in_file(FILE)
                    .at(line, col)
                    .help("give it one: `filter: \"lifecycle = lead and score >= 60\"`"),
            );
            continue;
        };
        let of = match seg.of.as_deref().map(Kind::parse) {
            None => Kind::Person,
            Some(Some(k)) => k,
            Some(None) => {
                let (line, col) = cfg.locate(&format!("{name}:"));
                diags.push(
                    Diagnostic::error(
                        "config",
                        format!("segment `{name}`: `of` must be contacts, companies or deals"),
                    )
                    .in_file(FILE)
                    .at(line, col),
                );
                continue;
            }
        };
        match Filter::compile(source, &scope) {
            Ok(filter) => user.push(Segment {
                name: name.clone(),
                description: seg.description.clone().unwrap_or_default(),
                of,
                // A filter that names a built-in (`segment.internal`) means its members.
                include: Include {
                    internal: seg.include.iter().any(|i| i == INTERNAL)
                        || filter.segment_refs.iter().any(|r| r == INTERNAL),
                    spam: seg.include.iter().any(|i| i == SPAM)
                        || filter.segment_refs.iter().any(|r| r == SPAM),
                },
                filter,
                builtin: false,
            }),
            Err(e) => diags.push(filter_diag(cfg, name, source, &e)),
        }
    }
    // A segment that refers to one that could not be compiled cannot be computed either.
    loop {
        let known: Vec<String> = [INTERNAL, SPAM]
            .iter()
            .map(|s| s.to_string())
            .chain(user.iter().map(|s| s.name.clone()))
            .collect();
        let Some(i) = user
            .iter()
            .position(|s| s.filter.segment_refs.iter().any(|r| !known.contains(r)))
        else {
            break;
        };
        let s = user.remove(i);
        let missing = s
            .filter
            .segment_refs
            .iter()
            .find(|r| !known.contains(r))
            .cloned()
            .unwrap_or_default();
        let (line, col) = cfg.locate(&format!("{}:", s.name));
        diags.push(
            Diagnostic::error(
                "config",
                format!(
                    "segment `{}` uses segment `{missing}`, which has an error",
                    s.name
                ),
            )
            .in_file(FILE)
            .at(line, col)
            .help(format!("fix `{missing}` first")),
        );
    }
    match order(&user) {
        Ok(sorted) => out.extend(sorted),
        Err((a, b)) => {
            let (line, col) = cfg.locate(&format!("{a}:"));
            diags.push(
                Diagnostic::error("config", format!("segments `{a}` and `{b}` refer to each other"))
                    .in_file(FILE)
                    .at(line, col)
                    .help("a segment may use another only if that one does not (directly or not) use it back"),
            );
            // Keep the segments that are not part of the cycle.
            out.extend(
                user.into_iter()
                    .filter(|s| s.name != a && s.name != b && s.filter.segment_refs.is_empty()),
            );
        }
    }
    (out, diags)
}

fn filter_diag(
    cfg: &Config,
    name: &str,
    source: &str,
    e: &crate::analysis::filter::FilterError,
) -> Diagnostic {
    let (line, col) = cfg.locate(source);
    let help = e.render(source);
    Diagnostic::error("config", format!("segment `{name}`: {}", e.message))
        .in_file(FILE)
        .at(line, col + e.col as u32 - 1)
        .help(help)
}

/// Orders segments so that each follows those it refers to; on a cycle, returns two of its ends.
fn order(segments: &[Segment]) -> Result<Vec<Segment>, (String, String)> {
    let mut done: Vec<String> = vec![INTERNAL.to_string(), SPAM.to_string()];
    let mut left: Vec<&Segment> = segments.iter().collect();
    let mut out = Vec::new();
    while !left.is_empty() {
        let ready = left
            .iter()
            .position(|s| s.filter.segment_refs.iter().all(|r| done.contains(r)));
        match ready {
            Some(i) => {
                let s = left.remove(i);
                done.push(s.name.clone());
                out.push(s.clone());
            }
            None => {
                // Walk references from any waiting segment until one repeats: that is a cycle.
                let mut path: Vec<&str> = vec![left[0].name.as_str()];
                loop {
                    let current = left
                        .iter()
                        .find(|s| s.name == *path.last().expect("non-empty"))
                        .expect("waiting");
                    let next = current
                        .filter
                        .segment_refs
                        .iter()
                        .find(|r| !done.contains(r))
                        .expect("a waiting segment refers to another waiting one");
                    if let Some(at) = path.iter().position(|p| p == next) {
                        let end = path.last().expect("non-empty");
                        return Err((path[at].to_string(), end.to_string()));
                    }
                    path.push(next);
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(cfg_text: &str) -> (Vec<String>, Vec<String>) {
        let (cfg, d) = Config::parse(cfg_text);
        assert!(d.is_empty(), "{d:?}");
        let (segs, diags) = from_config(&cfg);
        (
            segs.into_iter().map(|s| s.name).collect(),
            diags
                .into_iter()
                .map(|d| format!("{}:{} {}", d.line, d.column, d.message))
                .collect(),
        )
    }

    #[test]
    fn builtins_come_first_and_references_order_the_rest() {
        let (n, d) = names(
            "segments:\n  hot: \"segment.warm and score >= 60\"\n  warm: {filter: \"score >= 30\", description: Warm}\n  firms: {filter: \"size > 10\", of: companies}\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(n, ["internal", "spam", "warm", "hot", "firms"]);
    }

    #[test]
    fn cycles_name_both_ends() {
        let (_, d) =
            names("segments:\n  a: \"segment.b\"\n  b: \"segments has c\"\n  c: \"segment.a\"\n");
        assert_eq!(d.len(), 1);
        assert!(
            d[0].ends_with("segments `a` and `c` refer to each other"),
            "{d:?}"
        );
    }

    #[test]
    fn bad_filters_point_into_kith_yaml() {
        let (n, d) = names(
            "segments:\n  hot: \"score >= \"\n  spam: \"score > 3\"\n  bad: \"segment.nope\"\n",
        );
        assert_eq!(n, ["internal", "spam"]);
        assert_eq!(
            d,
            [
                "3:10 segment `spam`: `score` cannot be used here: the internal and spam segments are computed before scores and other segments",
                "2:18 segment `hot`: expected a value after `>=`",
                "4:9 segment `bad`: no segment named `nope`; segments: internal, spam, hot, bad",
            ]
        );
    }
}
