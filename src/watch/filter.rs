//! Which paths matter to the watcher, and what they are: a record, kith.yaml, a report
//! template, a record folder, or noise to drop (editor temporaries and backups, kith's own
//! temporaries, `.git/`, the report output folder). Pure: decides from the path alone.

use crate::record::Kind;

/// What a changed path is to the watcher.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// `<folder>/<id>.md`.
    Record(Kind, String),
    /// `kith.yaml` at the root.
    Config,
    /// A file under `templates/` (report templates).
    Template(String),
    /// A record folder itself (created, removed or renamed as a whole): list it again.
    Folder(Kind),
    Ignored,
}

/// Folders at the root that never hold anything the watcher follows.
const IGNORED_ROOTS: [&str; 4] = [".git", ".kith", "target", "node_modules"];

/// Classifies a workspace-relative, `/`-separated path. `report_out` is the report's output
/// folder (`report.out` in kith.yaml), whose pages kith writes itself.
pub fn classify(rel: &str, report_out: &str) -> Class {
    let rel = rel.trim_start_matches("./");
    let mut parts = rel.split('/');
    let first = parts.next().unwrap_or_default();
    let report_out = report_out.trim_start_matches("./").trim_end_matches('/');
    if first.is_empty() || IGNORED_ROOTS.contains(&first) {
        return Class::Ignored;
    }
    if !report_out.is_empty() && (rel == report_out || rel.starts_with(&format!("{report_out}/"))) {
        return Class::Ignored;
    }
    let name = rel.rsplit('/').next().unwrap_or_default();
    if is_noise(name) {
        return Class::Ignored;
    }
    if rel == crate::record::config::FILE {
        return Class::Config;
    }
    if let Some(kind) = Kind::from_dir(rel) {
        return Class::Folder(kind);
    }
    // A shard folder of the sharded layout (`contacts/3f`, `contacts/3f/a`): its kind's
    // folder, listed again.
    if let Some((dir, shard)) = rel.split_once('/')
        && let Some(kind) = Kind::from_dir(dir)
        && crate::record::layout::is_shard_folder(shard)
    {
        return Class::Folder(kind);
    }
    if first == "templates" {
        return Class::Template(rel.to_string());
    }
    match Kind::of_path(rel) {
        Some((kind, id)) if !id.is_empty() => Class::Record(kind, id.to_string()),
        _ => Class::Ignored,
    }
}

/// Editor and tool temporaries: hidden files (vim's `.x.md.swp`, emacs's `.#x.md` lock,
/// kith's `.NAME.kith-tmp`), backups (`x.md~`), swap files (`.swp`, `.swx`, `.swo`), vim's
/// write probe `4913`, emacs's autosave `#x.md#` and other `.tmp` files.
pub fn is_noise(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || [".swp", ".swx", ".swo", ".tmp", ".kith-tmp"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_paths() {
        let rec = |k, id: &str| Class::Record(k, id.to_string());
        let table = [
            ("contacts/ada.md", rec(Kind::Person, "ada")),
            ("companies/acme.md", rec(Kind::Company, "acme")),
            ("deals/pilot.md", rec(Kind::Deal, "pilot")),
            ("kith.yaml", Class::Config),
            ("contacts", Class::Folder(Kind::Person)),
            ("contacts/3f", Class::Folder(Kind::Person)),
            ("contacts/3f/a", Class::Folder(Kind::Person)),
            // A record in its own shard is one; in another shard, or one level short, not.
            ("contacts/38/3/ada.md", rec(Kind::Person, "ada")),
            ("contacts/3f/3/ada.md", Class::Ignored),
            ("contacts/38/a/ada.md", Class::Ignored),
            ("contacts/38/ada.md", Class::Ignored),
            (
                "templates/week.html",
                Class::Template("templates/week.html".into()),
            ),
            // editors: vim, emacs, VS Code and others
            ("contacts/.ada.md.swp", Class::Ignored),
            ("contacts/.ada.md.swx", Class::Ignored),
            ("contacts/ada.md~", Class::Ignored),
            ("contacts/4913", Class::Ignored),
            ("contacts/.#ada.md", Class::Ignored),
            ("contacts/#ada.md#", Class::Ignored),
            ("contacts/ada.md.tmp", Class::Ignored),
            ("contacts/.ada.md.kith-tmp", Class::Ignored),
            (".kith.yaml.swp", Class::Ignored),
            ("kith.yaml~", Class::Ignored),
            // places kith does not follow
            (".git/index", Class::Ignored),
            (".git/refs/heads/main", Class::Ignored),
            (".kith/history.bin", Class::Ignored),
            ("public/index.html", Class::Ignored),
            ("public", Class::Ignored),
            ("contacts/sub/ada.md", Class::Ignored),
            ("contacts/notes.txt", Class::Ignored),
            ("README.md", Class::Ignored),
            ("", Class::Ignored),
        ];
        for (path, want) in table {
            assert_eq!(classify(path, "public"), want, "{path}");
        }
        assert_eq!(classify("site/x.html", "site/"), Class::Ignored);
        assert_eq!(
            classify("public/x.md", "site"),
            Class::Ignored,
            "not a record folder"
        );
    }
}
