//! Erasing a person (`kith forget ID`): the plan, as changes for the loss-free editor, and the
//! commands that purge git history, which kith never runs itself. Pure: reads the index and
//! the texts the command hands it, writes nothing.
//!
//! - The person's file is removed (by the command).
//! - Every reference to them is dropped: their id leaves a deal's `contacts` (and any other
//!   field that refers to people), so the rest of the file stays byte for byte.
//! - Every other record's body (notes, activity entries, tasks) has their full name, e-mail
//!   addresses and phone numbers, as written, replaced with `[removed]` ([`crate::edit::redact`]).
//!   Frontmatter values that mention them are not rewritten: the plan lists them for a person
//!   to edit.

use crate::edit::Change;
use crate::edit::redact;
use crate::index::Index;
use crate::plan::fold::Edit;
use crate::record::schema::{self, FieldType};
use crate::record::{Kind, Record};
use anyhow::{Result, bail};

/// Everything forgetting a person changes in other records.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// One edit per record that refers to or mentions the person, by path.
    pub edits: Vec<Edit>,
    /// Other records' frontmatter lines that mention the person: kith does not rewrite them.
    pub by_hand: Vec<String>,
}

/// What identifies a person in text: full name, e-mail addresses and phone numbers as
/// written, longest first, duplicates and ones too short to search for left out.
pub fn needles(person: &Record) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let name = person.text("name").map(str::trim);
    let values = name
        .map(str::to_string)
        .into_iter()
        .chain(person.list("email"))
        .chain(person.list("emails"))
        .chain(person.list("phone"))
        .chain(person.list("phones"));
    for v in values {
        let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
        if v.len() >= redact::MIN_LEN && !out.iter().any(|o| o.eq_ignore_ascii_case(&v)) {
            out.push(v);
        }
    }
    out.sort_by_key(|n| std::cmp::Reverse(n.len()));
    out
}

/// Plans forgetting `person`. `texts` are the files of other records that may mention them
/// (any file left out is taken to mention them nowhere).
pub fn plan(index: &Index, person: &Record, texts: &[(Kind, &str, &str)]) -> Result<Plan> {
    let path = person.path();
    if person.kind != Kind::Person {
        return Err(crate::util::hint::hint(
            format!(
                "{path} is a {}: `kith forget` erases a person (a contact)",
                person.kind
            ),
            format!(
                "to remove a {} and keep its history, delete the file (`git rm {path}`)",
                person.kind
            ),
        ));
    }
    if person.broken {
        bail!(
            "{path} cannot be read (`kith check` shows why), so kith cannot tell which name and addresses to erase; fix it first"
        );
    }
    let needles = needles(person);
    let mut edits: Vec<Edit> = Vec::new();
    for (_, r) in index.entries() {
        if r.kind == person.kind && r.id == person.id {
            continue;
        }
        let Some(parsed) = index.parsed(r.kind, &r.id) else {
            continue;
        };
        let mut fields: Vec<&str> = parsed
            .refs
            .iter()
            .filter(|x| x.kind == person.kind && x.id == person.id)
            .map(|x| x.field.as_str())
            .collect();
        fields.dedup();
        let mut edit = Edit {
            kind: r.kind,
            id: r.id.clone(),
            changes: Vec::new(),
            summary: Vec::new(),
        };
        for field in fields {
            let id = person.id.to_string();
            match schema::field_type(&index.config, r.kind, field) {
                Some(FieldType::Refs(_)) => {
                    edit.summary.push(format!("{field} -{id}"));
                    edit.changes.push(Change::ListRemove(field.to_string(), id));
                }
                Some(FieldType::Ref(_)) => {
                    edit.summary.push(format!("{field} removed (was {id})"));
                    edit.changes.push(Change::Unset(field.to_string()));
                }
                _ => {}
            }
        }
        if !edit.changes.is_empty() {
            edits.push(edit);
        }
    }
    let mut by_hand = Vec::new();
    for (kind, id, text) in texts {
        if *kind == person.kind && *id == person.id {
            continue;
        }
        let Ok(split) = crate::record::frontmatter::split(text) else {
            continue;
        };
        let rel = crate::record::layout::rel(*kind, id);
        let fm = &text[..split.body_start];
        for m in redact::find(fm, &needles) {
            let line = fm[..m.start].matches('\n').count() + 1;
            by_hand.push(format!("{rel}:{line}"));
        }
        let n = redact::find(split.body(text), &needles).len();
        if n == 0 {
            continue;
        }
        let summary = format!(
            "{n} mention{} replaced with {}",
            if n == 1 { "" } else { "s" },
            redact::REMOVED
        );
        let change = Change::Redact(needles.clone());
        match edits.iter_mut().find(|e| e.kind == *kind && e.id == *id) {
            Some(e) => {
                e.changes.push(change);
                e.summary.push(summary);
            }
            None => edits.push(Edit {
                kind: *kind,
                id: (*id).into(),
                changes: vec![change],
                summary: vec![summary],
            }),
        }
    }
    edits.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
    by_hand.dedup();
    Ok(Plan { edits, by_hand })
}

/// The commands that purge `person` from a repository's history with `git filter-branch`
/// (which ships with git; GNU sed), run at the repository's top level. `file` is the
/// person's file relative to it. Each is one line for a POSIX shell.
pub fn purge_commands(person: &Record, file: &str) -> Vec<String> {
    let mut expressions: Vec<String> = needles(person)
        .iter()
        .map(|n| format!("s/{}/{}/g", sed_escape(n), redact::REMOVED))
        .collect();
    // The id spells the name, and old deals list it in `contacts`.
    expressions.push(format!(r"s/\b{}\b/removed/g", sed_escape(&person.id)));
    let sed: Vec<String> = expressions
        .iter()
        .map(|e| format!("-e {}", double_quoted(e)))
        .collect();
    let sed = sed.join(" ");
    vec![
        format!(
            "git filter-branch --force --index-filter {} --prune-empty -- --all",
            single_quoted(&format!(
                "git rm -q --cached --ignore-unmatch -- {}",
                double_quoted(file)
            ))
        ),
        format!(
            "git filter-branch --force --tree-filter {} --msg-filter {} -- --all",
            single_quoted(&format!(
                "find . -type f -name \"*.md\" -exec sed -i {sed} {{}} +"
            )),
            single_quoted(&format!("sed {sed}"))
        ),
        "git for-each-ref --format=\"delete %(refname)\" refs/original | git update-ref --stdin"
            .to_string(),
        "git reflog expire --expire=now --all".to_string(),
        "git gc --prune=now --aggressive".to_string(),
    ]
}

/// The lines of a `git filter-repo --replace-text` file for `person` (literal text, then what
/// it becomes).
pub fn replace_text_lines(person: &Record) -> Vec<String> {
    let mut out: Vec<String> = needles(person)
        .iter()
        .map(|n| format!("{n}==>{}", redact::REMOVED))
        .collect();
    out.push(format!(
        "regex:\\b{}\\b==>removed",
        person.id.replace('.', "\\.")
    ));
    out
}

/// Text as a basic regular expression for sed matching it literally: special characters in
/// brackets (`[.]`) where that works, backslashed where it does not.
fn sed_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '.' | '*' | '$' | '[' => {
                out.push('[');
                out.push(c);
                out.push(']');
            }
            '^' | '/' | '\\' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("\\&"),
            _ => out.push(c),
        }
    }
    out
}

/// A word for a POSIX shell, in double quotes.
fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if matches!(c, '"' | '\\' | '$' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A word for a POSIX shell, in single quotes.
fn single_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::config::Config;

    const ADA: &str = "---\nname: Ada Lovelace\nemail: ada@x.example\nemails: [ADA@X.EXAMPLE, a.l@home.example]\nphone: \"+44 20 7946 0001\"\n---\n";
    const DEAL: &str =
        "---\nname: Pilot\ncontacts: [bob, ada]\n---\nAda Lovelace wants forty seats.\n";
    const NOTE: &str = "---\nname: Bob\ntitle: Ada Lovelace's deputy\n---\n## Activity\n- 2026-11-20 email @sam: forwarded to a.l@home.example\n";

    fn index() -> Index {
        Index::from_texts(
            Config::default(),
            [
                (Kind::Person, "ada", ADA),
                (Kind::Person, "bob", NOTE),
                (Kind::Deal, "pilot", DEAL),
                (Kind::Company, "acme", "---\nname: Acme\n---\nNo one.\n"),
            ],
        )
    }

    #[test]
    fn needles_are_the_name_addresses_and_numbers() {
        let ix = index();
        assert_eq!(
            needles(ix.get(Kind::Person, "ada").unwrap()),
            [
                "a.l@home.example",
                "+44 20 7946 0001",
                "ada@x.example",
                "Ada Lovelace"
            ]
        );
    }

    #[test]
    fn references_go_and_mentions_are_replaced() {
        let ix = index();
        let ada = ix.get(Kind::Person, "ada").unwrap();
        let texts = [
            (Kind::Person, "bob", NOTE),
            (Kind::Deal, "pilot", DEAL),
            (Kind::Person, "ada", ADA),
        ];
        let p = plan(&ix, ada, &texts).unwrap();
        let paths: Vec<String> = p.edits.iter().map(Edit::path).collect();
        assert_eq!(paths, ["contacts/bob.md", "deals/pilot.md"]);
        assert_eq!(
            p.edits[1].summary,
            ["contacts -ada", "1 mention replaced with [removed]"]
        );
        let cfg = Config::default();
        let apply = |text: &str, e: &Edit| {
            crate::edit::apply(text, &e.changes, |k| schema::field_type(&cfg, e.kind, k)).unwrap()
        };
        assert_eq!(
            apply(DEAL, &p.edits[1]),
            "---\nname: Pilot\ncontacts: [bob]\n---\n[removed] wants forty seats.\n"
        );
        assert_eq!(
            apply(NOTE, &p.edits[0]),
            NOTE.replace("to a.l@home.example", "to [removed]")
        );
        assert_eq!(p.by_hand, ["contacts/bob.md:3"]);
    }

    #[test]
    fn only_people_are_forgotten() {
        let ix = index();
        let err = plan(&ix, ix.get(Kind::Deal, "pilot").unwrap(), &[])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("deals/pilot.md is a deal: `kith forget` erases a person"),
            "{err}"
        );
    }

    #[test]
    fn purge_commands_quote_what_they_match() {
        let ix = Index::from_texts(
            Config::default(),
            [(
                Kind::Person,
                "dara-o-brien",
                "---\nname: Dara O'Brien\nemail: dara.o@x.example\n---\n",
            )],
        );
        let dara = ix.get(Kind::Person, "dara-o-brien").unwrap();
        let cmds = purge_commands(dara, "crm/contacts/dara-o-brien.md");
        assert_eq!(
            cmds[0],
            r#"git filter-branch --force --index-filter 'git rm -q --cached --ignore-unmatch -- "crm/contacts/dara-o-brien.md"' --prune-empty -- --all"#
        );
        assert_eq!(
            cmds[1],
            r#"git filter-branch --force --tree-filter 'find . -type f -name "*.md" -exec sed -i -e "s/dara[.]o@x[.]example/[removed]/g" -e "s/Dara O'\''Brien/[removed]/g" -e "s/\\bdara-o-brien\\b/removed/g" {} +' --msg-filter 'sed -e "s/dara[.]o@x[.]example/[removed]/g" -e "s/Dara O'\''Brien/[removed]/g" -e "s/\\bdara-o-brien\\b/removed/g"' -- --all"#
        );
        assert_eq!(
            replace_text_lines(dara),
            [
                "dara.o@x.example==>[removed]",
                "Dara O'Brien==>[removed]",
                r"regex:\bdara-o-brien\b==>removed"
            ]
        );
    }
}
