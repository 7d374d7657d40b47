//! Likely duplicates: the same person or company entered twice. Pure: reads the index only.
//!
//! Comparing every record with every other would take hours at 100,000 records, so records are
//! first grouped by keys (blocking) and only records sharing a key are compared:
//!
//! - people by each normalized e-mail address ([`normalize::email`]: case, `+tags`, Gmail's
//!   dots) and by each phone number's last seven digits ([`normalize::Phone`]);
//! - people by company and each word of their name (`acme` + `smith`), so similar names at one
//!   company meet; a person without `company` counts as working where their e-mail domain is a
//!   company's `domain`;
//! - companies by domain (`domain`, `website`), phone, and name without legal forms.
//!
//! Each pair that met is then compared on everything it has ([`Reason`]), each reason adding to
//! the confidence. Names weigh against: people whose names have no word in common are two
//! people whatever phone they share (a family line, a switchboard); an e-mail address they
//! share still pairs them, at half the confidence (a duplicate under a wrong name, or a wrong
//! address: worth a look either way). Companies on different domains are two companies
//! whatever their names. An address or number shared by more than [`MAX_SHARED`] records
//! (`info@`, a switchboard) is no evidence at all. Deals are not compared: two deals with one
//! company are the normal case.

pub mod names;

use crate::index::Index;
use crate::record::diag::{Diagnostic, Pos};
use crate::record::normalize::{self, Phone};
use crate::record::value::Value;
use crate::record::{Kind, Record};
use compact_str::CompactString;
use names::NameMatch;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};

/// Records sharing one address, number or domain beyond this many are not duplicates of each
/// other: the key is shared (`info@`, a switchboard).
pub const MAX_SHARED: usize = 5;

/// People with one word of their name at one company beyond this many are not compared on it
/// (they still meet on their other words).
const MAX_NAME_GROUP: usize = 200;

/// Two records that are likely the same.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// Both records are of this kind.
    pub kind: Kind,
    /// The id of the record to keep: the one with more history (more activities, then more
    /// fields, then the earlier `created`, then the smaller id).
    pub keep: CompactString,
    /// The id of the record to merge into it.
    pub drop: CompactString,
    /// How likely the two are one, from 0 to 1 (two decimals).
    pub confidence: f64,
    /// What they have in common, strongest first, then what speaks against
    /// ([`Reason::NamesDiffer`]).
    pub reasons: Vec<Reason>,
}

impl Pair {
    /// Whether the records share an e-mail address or phone number: what `kith check` warns
    /// about.
    pub fn is_high(&self) -> bool {
        self.shared().next().is_some()
    }

    /// The reasons that are an e-mail address or phone number both records have.
    pub fn shared(&self) -> impl Iterator<Item = &Reason> {
        self.reasons
            .iter()
            .filter(|r| matches!(r, Reason::Email { .. } | Reason::Phone { .. }))
    }

    /// Whether the two are people whose names have no word in common (sharing an e-mail
    /// address all the same).
    pub fn names_differ(&self) -> bool {
        self.reasons
            .iter()
            .any(|r| matches!(r, Reason::NamesDiffer { .. }))
    }

    /// The command that merges them: `kith merge KEEP DROP`.
    pub fn merge_command(&self) -> String {
        format!("kith merge {} {}", self.keep, self.drop)
    }

    /// Workspace-relative paths of the two records: (keep, drop).
    pub fn paths(&self) -> (String, String) {
        (
            crate::record::layout::rel(self.kind, &self.keep),
            crate::record::layout::rel(self.kind, &self.drop),
        )
    }
}

/// One thing two records have in common. Values are as written in each record.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// The same e-mail address, once normalized.
    Email { keep: String, drop: String },
    /// The same phone number, once normalized.
    Phone { keep: String, drop: String },
    /// The same or similar names, at the same company (people).
    Name {
        keep: String,
        drop: String,
        company: CompactString,
        /// 1 for the same name, less for a similar one.
        similarity: f64,
    },
    /// The same web domain (companies).
    Domain { domain: String },
    /// The same name once legal forms are dropped (companies).
    CompanyName { keep: String, drop: String },
    /// Against: people whose names have no word in common.
    NamesDiffer { keep: String, drop: String },
}

impl Reason {
    /// A stable kebab-case code for tools.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Email { .. } => "same-email",
            Reason::Phone { .. } => "same-phone",
            Reason::Name { .. } => "similar-name",
            Reason::Domain { .. } => "same-domain",
            Reason::CompanyName { .. } => "same-company-name",
            Reason::NamesDiffer { .. } => "different-names",
        }
    }

    /// How likely this reason alone makes two records one, from 0 to 1 (0 for evidence
    /// against).
    fn weight(&self) -> f64 {
        match self {
            Reason::Email { keep, drop } if keep.eq_ignore_ascii_case(drop) => 0.95,
            Reason::Email { .. } => 0.9,
            Reason::Phone { .. } => 0.85,
            Reason::Name { similarity, .. } => 0.8 * similarity,
            Reason::Domain { .. } => 0.8,
            Reason::CompanyName { .. } => 0.7,
            Reason::NamesDiffer { .. } => 0.0,
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Email { keep, drop } if keep.eq_ignore_ascii_case(drop) => {
                write!(f, "same e-mail address {drop}")
            }
            Reason::Email { keep, drop } => {
                write!(f, "same e-mail address once normalized: {keep} and {drop}")
            }
            Reason::Phone { keep, drop } if keep == drop => write!(f, "same phone number {drop}"),
            Reason::Phone { keep, drop } => write!(f, "same phone number: {keep} and {drop}"),
            Reason::Name {
                keep,
                drop,
                company,
                similarity,
            } => {
                let how = if *similarity >= 1.0 {
                    "same"
                } else {
                    "similar"
                };
                if keep == drop {
                    write!(f, "{how} name at {company}: {keep}")
                } else {
                    write!(f, "{how} name at {company}: \"{keep}\" and \"{drop}\"")
                }
            }
            Reason::Domain { domain } => write!(f, "same domain {domain}"),
            Reason::CompanyName { keep, drop } if keep == drop => write!(f, "same name: {keep}"),
            Reason::CompanyName { keep, drop } => {
                write!(f, "same name: \"{keep}\" and \"{drop}\"")
            }
            Reason::NamesDiffer { keep, drop } => {
                write!(f, "but different names: \"{keep}\" and \"{drop}\"")
            }
        }
    }
}

/// Every likely duplicate pair of people and of companies, most likely first.
pub fn find(index: &Index) -> Vec<Pair> {
    detect(index, true)
}

/// The pairs that share an e-mail address or phone number (those [`Pair::is_high`]), most
/// likely first. Cheaper than [`find`]: names are not grouped.
pub fn find_high(index: &Index) -> Vec<Pair> {
    let mut pairs = detect(index, false);
    pairs.retain(Pair::is_high);
    pairs
}

/// `kith check`'s warnings: one per pair that [`Pair::is_high`], on the record to merge away.
pub fn diagnostics(index: &Index) -> Vec<Diagnostic> {
    diagnostics_of(index, &find_high(index))
}

/// [`diagnostics`] from pairs already found (by [`find`], say): one per pair that
/// [`Pair::is_high`].
pub fn diagnostics_of(index: &Index, pairs: &[Pair]) -> Vec<Diagnostic> {
    pairs
        .iter()
        .filter(|p| p.is_high())
        .map(|p| {
            let (keep_path, drop_path) = p.paths();
            let shared: Vec<String> = p.shared().map(Reason::to_string).collect();
            let parsed = index.parsed(p.kind, &p.drop);
            let primary = parsed.and_then(|x| x.record.text("email")).map(str::trim);
            let (pos, what) = match p.reasons.first() {
                Some(Reason::Email { drop, .. }) if primary == Some(drop.as_str()) => {
                    (parsed.map_or(Pos::new(1, 1), |x| x.email_pos), "address")
                }
                Some(Reason::Email { .. }) => (Pos::new(1, 1), "address"),
                _ => (Pos::new(1, 1), "number"),
            };
            let message = if p.names_differ() {
                format!(
                    "shares an e-mail address with {keep_path} under another name: {}",
                    shared.join("; ")
                )
            } else {
                format!(
                    "likely the same {} as {keep_path}: {}",
                    p.kind.noun(),
                    shared.join("; ")
                )
            };
            Diagnostic::warning("likely-duplicate", message)
                .in_file(drop_path)
                .pos(pos)
                .help(format!(
                    "if both are the same {}, `{}` merges this record into {keep_path}; if not, correct the {what}",
                    p.kind.noun(),
                    p.merge_command()
                ))
        })
        .collect()
}

/// A key records are grouped by, the record (its position in the list compared), and whether
/// the key identifies (an address, number or domain) rather than only narrows (a name).
type Key = (u64, u32, bool);

fn hash(parts: impl Hash) -> u64 {
    let mut h = FxHasher::default();
    parts.hash(&mut h);
    h.finish()
}

fn email_key(normalized: &str) -> u64 {
    hash((1u8, normalized))
}

fn phone_key(kind: Kind, p: &Phone) -> u64 {
    hash((2u8, kind as u8, p.key()))
}

fn domain_key(domain: &str) -> u64 {
    hash((3u8, domain))
}

/// What a record is compared on, normalized.
struct Features<'a> {
    record: &'a Record,
    /// (as written, normalized)
    emails: Vec<(&'a str, String)>,
    phones: Vec<(Cow<'a, str>, Phone)>,
    domains: Vec<String>,
    /// The company a person works at (id).
    company: Option<&'a str>,
    /// Normalized words.
    name: String,
}

/// What every comparison needs to know about the workspace.
struct Context<'a> {
    records: Vec<&'a Record>,
    /// Company ids by their normalized domain, for people without `company`.
    company_by_domain: FxHashMap<String, &'a str>,
    /// Keys shared by too many records to be evidence.
    shared: FxHashSet<u64>,
}

/// A field's items as text: borrowed when written as text, numbers (a phone YAML read as
/// one) written out.
fn texts<'a>(r: &'a Record, key: &str) -> impl Iterator<Item = Cow<'a, str>> {
    r.get(key)
        .into_iter()
        .flat_map(Value::items)
        .filter_map(|v| match v {
            Value::Str(s) => Some(Cow::Borrowed(s.as_str())),
            Value::Int(_) | Value::Float(_) => Some(Cow::Owned(v.to_text())),
            _ => None,
        })
}

impl<'a> Context<'a> {
    fn features(&self, r: &'a Record) -> Features<'a> {
        let mut f = Features {
            record: r,
            emails: Vec::new(),
            phones: Vec::new(),
            domains: Vec::new(),
            company: None,
            name: String::new(),
        };
        for written in texts(r, "phone").chain(texts(r, "phones")) {
            if let Some(p) = Phone::parse(&written)
                && !f.phones.iter().any(|(_, q)| q.same(&p))
            {
                f.phones.push((written, p));
            }
        }
        match r.kind {
            Kind::Person => {
                for written in texts(r, "email").chain(texts(r, "emails")) {
                    let Cow::Borrowed(written) = written else {
                        continue; // a number is no address
                    };
                    if let Some(n) = normalize::email(written)
                        && !f.emails.iter().any(|(_, m)| *m == n)
                    {
                        f.emails.push((written.trim(), n));
                    }
                }
                f.name = r
                    .text("name")
                    .map(normalize::person_name)
                    .unwrap_or_default();
                f.company = r.text("company").map(str::trim).or_else(|| {
                    let (_, domain) = f.emails.first()?.1.rsplit_once('@')?;
                    self.company_by_domain.get(domain).copied()
                });
            }
            Kind::Company => {
                for written in texts(r, "domain").chain(texts(r, "website")) {
                    if let Some(d) = normalize::domain(&written)
                        && !f.domains.contains(&d)
                    {
                        f.domains.push(d);
                    }
                }
                f.name = r
                    .text("name")
                    .map(normalize::company_name)
                    .unwrap_or_default();
            }
            Kind::Deal => {}
        }
        f
    }

    /// The keys record `i` is grouped by.
    fn keys(&self, i: u32, names: bool, out: &mut Vec<Key>) {
        let f = self.features(self.records[i as usize]);
        let kind = f.record.kind;
        out.extend(f.emails.iter().map(|(_, n)| (email_key(n), i, true)));
        out.extend(f.phones.iter().map(|(_, p)| (phone_key(kind, p), i, true)));
        out.extend(f.domains.iter().map(|d| (domain_key(d), i, true)));
        match (kind, f.company) {
            (Kind::Person, Some(company)) if names => {
                for word in normalize::words(&f.name).filter(|w| w.len() > 1) {
                    out.push((hash((4u8, company, word)), i, false));
                }
            }
            (Kind::Company, _) if names && !f.name.is_empty() => {
                let mut words: Vec<&str> = normalize::words(&f.name).collect();
                words.sort_unstable();
                out.push((hash((5u8, words)), i, false));
            }
            _ => {}
        }
    }

    /// Everything two records have in common, and how likely they are one; `None` when
    /// nothing, or when something rules it out.
    fn score(&self, a: &'a Record, b: &'a Record) -> Option<Pair> {
        let (k, d) = if keeps_first(a, b) { (a, b) } else { (b, a) };
        let (k, d) = (self.features(k), self.features(d));
        let kind = k.record.kind;
        let name_match = names::compare(&k.name, &d.name);
        let names_differ = kind == Kind::Person && name_match == NameMatch::Different;
        let no_shared_domain = !k.domains.is_empty()
            && !d.domains.is_empty()
            && !k.domains.iter().any(|x| d.domains.contains(x));
        if kind == Kind::Company && no_shared_domain {
            return None;
        }
        let mut reasons = Vec::new();
        for (written, n) in &k.emails {
            if let Some((theirs, _)) = d.emails.iter().find(|(_, m)| m == n)
                && !self.shared.contains(&email_key(n))
            {
                reasons.push(Reason::Email {
                    keep: written.to_string(),
                    drop: theirs.to_string(),
                });
            }
        }
        // A phone shared under different names is a family line or a switchboard.
        for (written, p) in k.phones.iter().filter(|_| !names_differ) {
            if let Some((theirs, _)) = d.phones.iter().find(|(_, q)| q.same(p))
                && !self.shared.contains(&phone_key(kind, p))
            {
                reasons.push(Reason::Phone {
                    keep: written.to_string(),
                    drop: theirs.to_string(),
                });
            }
        }
        for domain in &k.domains {
            if d.domains.contains(domain) && !self.shared.contains(&domain_key(domain)) {
                reasons.push(Reason::Domain {
                    domain: domain.clone(),
                });
            }
        }
        let (keep_name, drop_name) = (k.record.name().to_string(), d.record.name().to_string());
        match (kind, name_match, k.company) {
            (Kind::Person, NameMatch::Same | NameMatch::Similar(_), Some(company))
                if k.company == d.company =>
            {
                reasons.push(Reason::Name {
                    keep: keep_name,
                    drop: drop_name,
                    company: company.into(),
                    similarity: name_match.similarity(),
                });
            }
            (Kind::Company, NameMatch::Same, _) => reasons.push(Reason::CompanyName {
                keep: keep_name,
                drop: drop_name,
            }),
            _ => {}
        }
        if reasons.is_empty() {
            return None;
        }
        reasons.sort_by(|x, y| y.weight().total_cmp(&x.weight()));
        let missed: f64 = reasons.iter().map(|r| 1.0 - r.weight()).product();
        let mut confidence = 1.0 - missed;
        if names_differ {
            confidence *= 0.5;
            reasons.push(Reason::NamesDiffer {
                keep: k.record.name().to_string(),
                drop: d.record.name().to_string(),
            });
        }
        Some(Pair {
            kind,
            keep: k.record.id.clone(),
            drop: d.record.id.clone(),
            confidence: (confidence * 100.0).round() / 100.0,
            reasons,
        })
    }
}

/// Groups, compares and scores. `names`: also group people by company and name.
fn detect(index: &Index, names: bool) -> Vec<Pair> {
    let mut records: Vec<&Record> = index
        .records()
        .filter(|r| !r.broken && matches!(r.kind, Kind::Person | Kind::Company))
        .collect();
    records.sort_unstable_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
    let mut company_by_domain: FxHashMap<String, &str> = FxHashMap::default();
    // Sorted by id: of two companies on one domain, the first keeps it.
    for r in records.iter().filter(|r| r.kind == Kind::Company) {
        for d in texts(r, "domain").filter_map(|d| normalize::domain(&d)) {
            company_by_domain.entry(d).or_insert(r.id.as_str());
        }
    }
    let mut cx = Context {
        records,
        company_by_domain,
        shared: FxHashSet::default(),
    };

    let mut keys: Vec<Key> = (0..cx.records.len() as u32)
        .into_par_iter()
        .fold(Vec::new, |mut out, i| {
            cx.keys(i, names, &mut out);
            out
        })
        .reduce(Vec::new, |mut a, mut b| {
            a.append(&mut b);
            a
        });
    keys.par_sort_unstable();
    keys.dedup();

    let mut candidates: Vec<(u32, u32)> = Vec::new();
    for group in keys.chunk_by(|x, y| x.0 == y.0) {
        let (key, _, identity) = group[0];
        let limit = if identity { MAX_SHARED } else { MAX_NAME_GROUP };
        if group.len() > limit {
            if identity {
                cx.shared.insert(key);
            }
            continue;
        }
        for (n, a) in group.iter().enumerate() {
            candidates.extend(group[n + 1..].iter().map(|b| (a.1, b.1)));
        }
    }
    candidates.par_sort_unstable();
    candidates.dedup();

    let cx = &cx;
    let mut pairs: Vec<Pair> = candidates
        .par_iter()
        .filter_map(|&(a, b)| {
            let (a, b) = (cx.records[a as usize], cx.records[b as usize]);
            if a.kind == b.kind {
                cx.score(a, b)
            } else {
                None
            }
        })
        .collect();
    pairs.par_sort_unstable_by(|x, y| {
        y.confidence
            .total_cmp(&x.confidence)
            .then_with(|| (x.kind, &x.keep, &x.drop).cmp(&(y.kind, &y.keep, &y.drop)))
    });
    pairs
}

/// Which of two records to keep: the one with more history.
fn keeps_first(a: &Record, b: &Record) -> bool {
    let created = |r: &Record| r.date("created").map_or((1, None), |d| (0, Some(d)));
    let rank = |r: &Record| {
        (
            std::cmp::Reverse(r.activities.len()),
            std::cmp::Reverse(r.fields.len()),
            created(r),
        )
    };
    (rank(a), &a.id) <= (rank(b), &b.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::config::Config;

    fn index(records: &[(Kind, &str, &str)]) -> Index {
        Index::from_texts(Config::default(), records.iter().copied())
    }

    fn person(fields: &str) -> String {
        format!("---\n{fields}\n---\n")
    }

    fn summary(pairs: &[Pair]) -> Vec<(String, String, Vec<&'static str>)> {
        pairs
            .iter()
            .map(|p| {
                (
                    p.keep.to_string(),
                    p.drop.to_string(),
                    p.reasons.iter().map(Reason::code).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn people_sharing_a_normalized_address_or_number_pair_up() {
        let ada = person("name: Ada Lovelace\nemail: ada.lovelace@gmail.com\ntags: [a]");
        let ada2 = person("name: Ada Lovelace\nemail: AdaLovelace+crm@googlemail.com");
        let bob = person("name: Bob Byte\nphone: \"+44 20 7946 0000\"\ntags: [a]");
        let bob2 = person("name: Robert Byte\nphone: \"020 7946 0000 x1\"");
        let eve = person("name: Eve Example\nemail: eve@x.example");
        let pairs = find(&index(&[
            (Kind::Person, "ada", &ada),
            (Kind::Person, "ada-2", &ada2),
            (Kind::Person, "bob", &bob),
            (Kind::Person, "bob-2", &bob2),
            (Kind::Person, "eve", &eve),
        ]));
        assert_eq!(
            summary(&pairs),
            vec![
                ("ada".into(), "ada-2".into(), vec!["same-email"]),
                ("bob".into(), "bob-2".into(), vec!["same-phone"]),
            ]
        );
        assert!(pairs.iter().all(Pair::is_high));
        assert_eq!(pairs[0].confidence, 0.9);
        assert_eq!(
            pairs[0].reasons[0].to_string(),
            "same e-mail address once normalized: ada.lovelace@gmail.com and AdaLovelace+crm@googlemail.com"
        );
        assert_eq!(pairs[0].merge_command(), "kith merge ada ada-2");
    }

    #[test]
    fn similar_names_pair_up_only_at_the_same_company() {
        let acme = "---\nname: Acme Ltd\ndomain: acme.example\n---\n";
        let pairs = find(&index(&[
            (Kind::Company, "acme", acme),
            (Kind::Company, "other", "---\nname: Other\n---\n"),
            (
                Kind::Person,
                "jon",
                &person("name: Jon Smith\ncompany: acme"),
            ),
            (
                Kind::Person,
                "jonathan",
                &person("name: Jonathan Smith\nemail: js@acme.example"),
            ),
            (
                Kind::Person,
                "smith",
                &person("name: Smith, Jon\ncompany: other"),
            ),
            (
                Kind::Person,
                "jane",
                &person("name: Jane Smith\ncompany: acme"),
            ),
            (Kind::Person, "nobody", &person("name: Jon Smith")),
        ]));
        assert_eq!(
            summary(&pairs),
            vec![("jon".into(), "jonathan".into(), vec!["similar-name"])]
        );
        assert!(!pairs[0].is_high());
        assert_eq!(
            pairs[0].reasons[0].to_string(),
            "similar name at acme: \"Jon Smith\" and \"Jonathan Smith\""
        );
    }

    #[test]
    fn shared_mailboxes_are_no_evidence() {
        let mut records = Vec::new();
        let texts: Vec<String> = (0..=MAX_SHARED)
            .map(|i| person(&format!("name: Person {i}\nemail: info@acme.example")))
            .collect();
        let ids: Vec<String> = (0..=MAX_SHARED).map(|i| format!("p{i}")).collect();
        for (id, text) in ids.iter().zip(&texts) {
            records.push((Kind::Person, id.as_str(), text.as_str()));
        }
        assert!(find(&index(&records)).is_empty());
        // People with nothing in their names in common are two people, whatever phone they
        // share; an address they share is worth a look all the same.
        let pairs = find(&index(&[
            (
                Kind::Person,
                "anna",
                &person("name: Anna Berg\nphone: \"+46 8 123 456 00\""),
            ),
            (
                Kind::Person,
                "tom",
                &person("name: Tom Lund\nphone: \"08 123 456 00\""),
            ),
            (
                Kind::Person,
                "tim",
                &person("name: Tim Lund\nphone: \"08 123 456 00\""),
            ),
            (
                Kind::Person,
                "bea",
                &person("name: Bea Holm\nemail: home@holm.example"),
            ),
            (
                Kind::Person,
                "carl",
                &person("name: Carl Ek\nemail: Home@holm.example"),
            ),
        ]));
        assert_eq!(
            summary(&pairs),
            vec![
                ("tim".into(), "tom".into(), vec!["same-phone"]),
                (
                    "bea".into(),
                    "carl".into(),
                    vec!["same-email", "different-names"]
                ),
            ]
        );
        assert!(pairs[1].is_high() && pairs[1].names_differ());
        assert!(pairs[1].confidence < 0.5);
        let d = &diagnostics(&index(&[
            (
                Kind::Person,
                "bea",
                &person("name: Bea Holm\nemail: home@holm.example"),
            ),
            (
                Kind::Person,
                "carl",
                &person("name: Carl Ek\nemail: Home@holm.example"),
            ),
        ]))[0];
        assert_eq!(
            d.render(false),
            "contacts/carl.md:3:8: warning: shares an e-mail address with contacts/bea.md under another name: same e-mail address Home@holm.example [likely-duplicate]\n  help: if both are the same contact, `kith merge bea carl` merges this record into contacts/bea.md; if not, correct the address"
        );
    }

    #[test]
    fn companies_pair_on_domain_and_name_and_kinds_never_mix() {
        let pairs = find(&index(&[
            (
                Kind::Company,
                "acme",
                "---\nname: Acme Ltd\ndomain: acme.example\n---\n",
            ),
            (
                Kind::Company,
                "acme-2",
                "---\nname: ACME Limited\nwebsite: https://www.acme.example/\n---\n",
            ),
            (Kind::Company, "acme-3", "---\nname: Acme\n---\n"),
            // The same name on another domain is another company.
            (
                Kind::Company,
                "acme-us",
                "---\nname: Acme Inc.\ndomain: acme-us.example\n---\n",
            ),
            (
                Kind::Company,
                "acme-analytics",
                "---\nname: Acme Analytics\n---\n",
            ),
            (
                Kind::Person,
                "acme",
                &person("name: Acme Ltd\nphone: \"+1 617 555 0126\""),
            ),
            (
                Kind::Company,
                "phoneco",
                "---\nname: Phone Co\nphone: \"+1 617 555 0126\"\n---\n",
            ),
        ]));
        assert_eq!(
            summary(&pairs),
            vec![
                (
                    "acme".into(),
                    "acme-2".into(),
                    vec!["same-domain", "same-company-name"]
                ),
                ("acme".into(), "acme-3".into(), vec!["same-company-name"]),
                ("acme-2".into(), "acme-3".into(), vec!["same-company-name"]),
                ("acme-us".into(), "acme-3".into(), vec!["same-company-name"]),
            ]
        );
        assert_eq!(pairs[0].confidence, 0.94);
        assert!(!pairs[0].is_high());
    }

    #[test]
    fn the_record_with_more_history_is_kept() {
        let rich =
            "---\nname: Ada\nemail: ada@x.example\n---\n## Activity\n- 2026-11-01 call: hi\n";
        let pairs = find(&index(&[
            (
                Kind::Person,
                "a-new",
                &person("name: Ada\nemail: ada@x.example\ntitle: CTO"),
            ),
            (Kind::Person, "z-old", rich),
        ]));
        assert_eq!(
            (pairs[0].keep.as_str(), pairs[0].drop.as_str()),
            ("z-old", "a-new")
        );
    }

    #[test]
    fn check_warns_on_the_record_to_merge_away() {
        let diags = diagnostics(&index(&[
            (
                Kind::Person,
                "ada",
                &person("name: Ada Lovelace\nemail: ada@acme.example\ntitle: CTO"),
            ),
            (
                Kind::Person,
                "ada-again",
                &person("name: Ada Again\nemail: ADA@acme.example"),
            ),
        ]));
        assert_eq!(diags.len(), 1);
        let d = &diags[0];
        assert_eq!(
            (d.path.as_str(), d.line, d.column),
            ("contacts/ada-again.md", 3, 8)
        );
        assert_eq!(
            d.render(false),
            "contacts/ada-again.md:3:8: warning: likely the same contact as contacts/ada.md: same e-mail address ADA@acme.example [likely-duplicate]\n  help: if both are the same contact, `kith merge ada ada-again` merges this record into contacts/ada.md; if not, correct the address"
        );
    }
}
