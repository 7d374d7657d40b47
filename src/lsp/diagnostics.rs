//! `kith check`'s diagnostics for the editor: the same codes, messages and help, for an open
//! document as it is typed, and for the records a change reaches.

use super::server::{Server, Target};
use super::text;
use crate::record::config::{self, Config};
use crate::record::diag::{self, Diagnostic, Severity};
use std::collections::{BTreeMap, BTreeSet};

/// The diagnostics of a workspace-relative path now: an open document's for its text (a
/// record's own checks and the cross-record ones against the index with the document in place
/// of its file), else the file's as `kith check` finds them.
pub fn of(server: &Server, rel: &str) -> Vec<Diagnostic> {
    let doc = server.docs.values().find(|d| d.rel == rel);
    if let Some(doc) = doc
        && doc.target == Target::Config
    {
        return config_diagnostics(&doc.text);
    }
    if doc.is_some_and(|d| d.target == Target::Other) {
        return Vec::new();
    }
    let all = in_path(server.live.diagnostics(), rel);
    let Some(parsed) = doc.and_then(|d| d.parsed.as_ref()) else {
        return all.to_vec();
    };
    // An open document's references are checked as they are written now, at once: the index
    // finds every record's missing references again only once typing pauses, and keeps the
    // last good version of a document with errors.
    let mut out: Vec<Diagnostic> = all
        .iter()
        .filter(|d| d.code != "missing-reference")
        .cloned()
        .collect();
    out.extend(server.live.index.references_of(parsed));
    diag::sort(&mut out);
    out
}

/// kith.yaml's problems for its text, as `kith check` finds them in the file.
pub fn config_diagnostics(text: &str) -> Vec<Diagnostic> {
    let (config, mut out) = Config::parse(text);
    out.extend(crate::analysis::config_diagnostics(&config));
    for d in &mut out {
        if d.path.is_empty() {
            d.path = config::FILE.to_string();
        }
    }
    out
}

/// The diagnostics of one path in a list sorted by path.
fn in_path<'a>(sorted: &'a [Diagnostic], rel: &str) -> &'a [Diagnostic] {
    let start = sorted.partition_point(|d| d.path.as_str() < rel);
    let end = start + sorted[start..].partition_point(|d| d.path == rel);
    &sorted[start..end]
}

/// The paths whose diagnostics differ between two lists sorted by path.
pub fn changed_paths(old: &[Diagnostic], new: &[Diagnostic]) -> BTreeSet<String> {
    fn group(ds: &[Diagnostic]) -> BTreeMap<&str, &[Diagnostic]> {
        let mut out = BTreeMap::new();
        let mut rest = ds;
        while let Some(first) = rest.first() {
            let n = rest.partition_point(|d| d.path == first.path);
            let n = n.max(1);
            out.insert(first.path.as_str(), &rest[..n]);
            rest = &rest[n..];
        }
        out
    }
    let (a, b) = (group(old), group(new));
    a.keys()
        .chain(b.keys())
        .filter(|p| a.get(*p) != b.get(*p))
        .map(|p| p.to_string())
        .collect()
}

/// An LSP diagnostic of kith's: the help on a line of its own after the message, as
/// `kith check` prints it.
pub fn to_lsp(d: &Diagnostic, text: &str) -> lsp_types::Diagnostic {
    use lsp_types::{DiagnosticSeverity, NumberOrString};
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    lsp_types::Diagnostic {
        range: text::word_range(text, d.line, d.column),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some("kith".into()),
        message,
        data: d.help.as_ref().map(|h| serde_json::json!({ "help": h })),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(path: &str, line: u32) -> Diagnostic {
        Diagnostic::error("x", "y").in_file(path).at(line, 1)
    }

    #[test]
    fn only_paths_whose_diagnostics_differ_changed() {
        let old = [d("a.md", 1), d("b.md", 1), d("b.md", 2), d("c.md", 1)];
        let new = [d("a.md", 1), d("b.md", 1), d("d.md", 1)];
        let got: Vec<String> = changed_paths(&old, &new).into_iter().collect();
        assert_eq!(got, ["b.md", "c.md", "d.md"]);
        assert_eq!(in_path(&old, "b.md").len(), 2);
        assert!(in_path(&old, "zz.md").is_empty());
    }
}
