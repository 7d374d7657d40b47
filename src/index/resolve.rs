//! Finding the record a user means: an id, `kind/id`, a path, an e-mail address, or an
//! unambiguous name. Ambiguity lists the candidates; a miss suggests close ids.

use crate::index::Index;
use crate::record::{Kind, Record};
use crate::util::slug::fold;
use anyhow::{Result, bail};

/// Resolves `query` to one record, optionally of one kind only.
pub fn resolve<'a>(index: &'a Index, query: &str, kind: Option<Kind>) -> Result<&'a Record> {
    let q = query.trim();
    if q.is_empty() {
        bail!("an empty id matches nothing");
    }
    let kinds: Vec<Kind> = kind.map_or(Kind::ALL.to_vec(), |k| vec![k]);

    // `contacts/ada`, `contacts/ada.md`, `./contacts/ada.md`, `contact:ada`
    let path_like = q.trim_start_matches("./").trim_end_matches(".md");
    if let Some((prefix, id)) = path_like.split_once(['/', ':'])
        && let Some(k) = Kind::from_dir(prefix).or_else(|| Kind::parse(prefix))
    {
        if kinds.contains(&k)
            && let Some(r) = index.get(k, id)
        {
            return Ok(r);
        }
        return Err(not_found(
            format!("no {k} with the id `{id}`"),
            index,
            id,
            &[k],
        ));
    }

    let exact: Vec<&Record> = kinds.iter().filter_map(|k| index.get(*k, q)).collect();
    match exact.len() {
        1 => return Ok(exact[0]),
        n if n > 1 => return ambiguous(q, &exact),
        _ => {}
    }

    if q.contains('@') {
        let people = if kinds.contains(&Kind::Person) {
            index.people_by_email(q)
        } else {
            Vec::new()
        };
        return match people.len() {
            0 => bail!("nobody has the e-mail address `{q}`"),
            1 => Ok(people[0]),
            _ => ambiguous(q, &people),
        };
    }

    // Names: the exact name, else names whose words start with the words typed ("ben" finds
    // Ben Carver, not Ruben), else names containing the text.
    let folded = fold(q);
    let typed: Vec<&str> = folded.split(' ').collect();
    let candidates: Vec<(&Record, String)> = index
        .records()
        .filter(|r| kinds.contains(&r.kind))
        .map(|r| (r, fold(r.name())))
        .collect();
    let stages: [&NameMatch; 3] = [
        &|_, name| name == folded,
        &|r, name| {
            r.id.starts_with(q)
                || typed
                    .iter()
                    .all(|t| name.split(' ').any(|w| w.starts_with(t)))
        },
        &|_, name| name.contains(&folded),
    ];
    for matches in stages {
        let mut found: Vec<&Record> = candidates
            .iter()
            .filter(|(r, n)| matches(r, n))
            .map(|(r, _)| *r)
            .collect();
        found.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
        match found.len() {
            0 => continue,
            1 => return Ok(found[0]),
            _ => return ambiguous(q, &found),
        }
    }
    if let Some(k) = kind
        && let Some(other) = Kind::ALL
            .into_iter()
            .filter(|o| *o != k)
            .find_map(|o| index.get(o, q))
    {
        bail!("`{q}` is a {}, not a {}", other.kind, k.noun());
    }
    let what = kind.map_or("record".to_string(), |k| k.noun().to_string());
    Err(not_found(
        format!("no {what} matches `{q}`"),
        index,
        q,
        &kinds,
    ))
}

/// One way of matching a record by its folded name.
type NameMatch<'a> = dyn Fn(&Record, &str) -> bool + 'a;

fn ambiguous<T>(q: &str, candidates: &[&Record]) -> Result<T> {
    let mut list = String::new();
    for r in candidates.iter().take(12) {
        list.push_str(&format!("\n  {:<40} {}", r.path(), r.name()));
    }
    if candidates.len() > 12 {
        list.push_str(&format!("\n  … and {} more", candidates.len() - 12));
    }
    Err(crate::util::hint::hint(
        format!("`{q}` matches {} records:{list}", candidates.len()),
        format!(
            "give the id, or `kind/id` such as `{}`",
            candidates[0].path().trim_end_matches(".md")
        ),
    ))
}

/// `message`, with the id `q` may have meant as its help.
fn not_found(message: String, index: &Index, q: &str, kinds: &[Kind]) -> anyhow::Error {
    match suggest(index, q, kinds) {
        Some(id) => crate::util::hint::hint(message, format!("did you mean `{id}`?")),
        None => anyhow::Error::msg(message),
    }
}

fn suggest(index: &Index, q: &str, kinds: &[Kind]) -> Option<String> {
    let ids = index
        .records()
        .filter(|r| kinds.contains(&r.kind))
        .map(|r| r.id.as_str());
    crate::record::diag::did_you_mean(q, ids).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::config::Config;

    fn index() -> Index {
        Index::from_texts(
            Config::default(),
            [
                (
                    Kind::Person,
                    "ada-lovelace",
                    "---\nname: Ada Lovelace\nemail: ada@x.example\n---\n",
                ),
                (Kind::Person, "ada-byron", "---\nname: Ada Byron\n---\n"),
                (Kind::Person, "jose", "---\nname: José Álvarez\n---\n"),
                (Kind::Company, "acme", "---\nname: Acme Ltd\n---\n"),
                (Kind::Deal, "acme", "---\nname: Acme pilot\n---\n"),
            ],
        )
    }

    #[test]
    fn resolves_every_form() {
        let index = index();
        assert_eq!(
            resolve(&index, "ada-lovelace", None).unwrap().id,
            "ada-lovelace"
        );
        assert_eq!(
            resolve(&index, "ADA@x.example", None).unwrap().id,
            "ada-lovelace"
        );
        assert_eq!(resolve(&index, "Ada Byron", None).unwrap().id, "ada-byron");
        assert_eq!(resolve(&index, "jose alvarez", None).unwrap().id, "jose");
        assert_eq!(
            resolve(&index, "companies/acme.md", None).unwrap().kind,
            Kind::Company
        );
        assert_eq!(resolve(&index, "deal:acme", None).unwrap().kind, Kind::Deal);
        assert_eq!(
            resolve(&index, "acme", Some(Kind::Deal)).unwrap().kind,
            Kind::Deal
        );
    }

    #[test]
    fn explains_misses_and_ambiguity() {
        let index = index();
        let e = resolve(&index, "ada", None).unwrap_err().to_string();
        assert!(
            e.contains("matches 2 records") && e.contains("contacts/ada-byron.md"),
            "{e}"
        );
        let e = resolve(&index, "acme", None).unwrap_err().to_string();
        assert!(e.contains("matches 2 records"), "{e}");
        let e = resolve(&index, "ada-lovelce", None).unwrap_err();
        assert_eq!(e.to_string(), "no record matches `ada-lovelce`");
        assert_eq!(
            crate::util::hint::help_of(&e),
            Some("did you mean `ada-lovelace`?")
        );
        assert!(resolve(&index, "../../etc/passwd", None).is_err());
    }
}
