//! Deterministic generator of realistic workspaces for benchmarks and scale tests.
//!
//! [`generate`] writes a complete kith workspace (`kith.yaml` plus `contacts/`,
//! `companies/` and `deals/`) holding N records that look like a real B2B CRM:
//! a marketing funnel of people, the companies they work at and the deals in
//! flight, each with notes and an activity log. A small fraction of records use
//! less common syntax (comments, quoted scalars, block lists, literal block
//! scalars, CRLF line endings, continuation lines) so that the loader's parser
//! is exercised at scale.
//!
//! # Determinism
//!
//! The output is a pure function of `records`, `seed` and `today`. Every random
//! decision comes from a SplitMix64 generator seeded with
//! `hash(seed, stream, record index)`, so a file's bytes never depend on which
//! thread produced it. Generation runs in three steps:
//!
//! 1. **Draft** (parallel): each record draws its name, company, dates, ...
//! 2. **Resolve** (sequential, in index order): ids, e-mail addresses and
//!    domains are made unique and the cross references (company → people,
//!    person → deals, company → deals) are indexed.
//! 3. **Render and write** (parallel): each file is rendered from the plan and
//!    its own random stream, then written.

use crate::record::LIFECYCLE;
use std::cmp::Reverse;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use jiff::ToSpan;
use jiff::civil::Date;
use rayon::prelude::*;

use words::*;

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/// Options for [`generate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenOptions {
    /// Total number of records (people + companies + deals) to write.
    pub records: usize,
    /// Seed: the same seed, record count and `today` give byte-identical output.
    pub seed: u64,
    /// The day the workspace is generated "as of". Creation and activity dates
    /// are on or before it; only open deals' close dates and renewal dates may
    /// lie after it.
    pub today: Date,
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenSummary {
    /// Number of files written to `contacts/`.
    pub people: usize,
    /// Number of files written to `companies/`.
    pub companies: usize,
    /// Number of files written to `deals/`.
    pub deals: usize,
    /// Total bytes written, `kith.yaml` included.
    pub bytes: u64,
}

/// Writes kith.yaml, contacts/, companies/, deals/ under `root` (created if
/// missing; must be empty of records).
///
/// Roughly 84% of the records are people, 10% companies and 6% deals (at least
/// one of each when `records >= 3`). An existing `kith.yaml` is overwritten,
/// because the records refer to the teammates and fields it declares; any
/// existing `*.md` record in one of the three record directories is an error.
/// Files are written in parallel; I/O errors are returned with the offending
/// path as context.
pub fn generate(root: &Path, opts: &GenOptions) -> Result<GenSummary> {
    let dates = DateTable::new(opts.today)?;
    prepare_root(root)?;
    let plan = Plan::build(opts.seed, opts.records);

    write_file(&root.join(CONFIG_FILE), KITH_YAML.as_bytes())?;
    let ctx = Ctx {
        seed: opts.seed,
        plan: &plan,
        dates: &dates,
    };
    let record_bytes = (0..plan.len())
        .into_par_iter()
        .map(|k| write_record(root, &ctx, k))
        .try_reduce(|| 0, |a, b| Ok(a + b))?;

    Ok(GenSummary {
        people: plan.people.len(),
        companies: plan.companies.len(),
        deals: plan.deals.len(),
        bytes: record_bytes + KITH_YAML.len() as u64,
    })
}

// ---------------------------------------------------------------------------
// Workspace layout and file output
// ---------------------------------------------------------------------------

const CONFIG_FILE: &str = "kith.yaml";
const CONTACTS_DIR: &str = "contacts";
const COMPANIES_DIR: &str = "companies";
const DEALS_DIR: &str = "deals";

/// The example workspace's settings (teammates, fields, scoring model, segments), so that
/// generated workspaces are scored and segmented as realistically as the example.
const KITH_YAML: &str = include_str!("../../example-workspace/kith.yaml");

/// Teammate handles (as declared in `KITH_YAML`) with their first names.
const TEAMMATES: &[(&str, &str)] = &[
    ("sam", "Sam"),
    ("priya", "Priya"),
    ("jonas", "Jonas"),
    ("mei", "Mei"),
    ("alex", "Alex"),
];
const INTERNAL_DOMAIN: &str = "brightwave.example";

/// Creates the record directories, refusing to mix generated records with
/// existing ones.
fn prepare_root(root: &Path) -> Result<()> {
    for dir in [CONTACTS_DIR, COMPANIES_DIR, DEALS_DIR] {
        let path = root.join(dir);
        if path.is_dir()
            && let Some(existing) = first_record(&path)?
        {
            bail!(
                "{} already contains records (e.g. {}); generate into an empty workspace",
                path.display(),
                existing.display()
            );
        }
        std::fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
    }
    Ok(())
}

/// The first `*.md` file in `dir`, if any.
fn first_record(dir: &Path) -> Result<Option<PathBuf>> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    for entry in entries {
        let path = entry
            .with_context(|| format!("reading {}", dir.display()))?
            .path();
        if path.extension().is_some_and(|ext| ext == "md") {
            return Ok(Some(path));
        }
    }
    Ok(None)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

/// Renders and writes record `k` (companies, then people, then deals) and
/// returns its size in bytes.
fn write_record(root: &Path, ctx: &Ctx, k: usize) -> Result<u64> {
    let plan = ctx.plan;
    let (dir, id, text) = if k < plan.companies.len() {
        (COMPANIES_DIR, &plan.companies[k].id, render_company(ctx, k))
    } else if k < plan.companies.len() + plan.people.len() {
        let i = k - plan.companies.len();
        (CONTACTS_DIR, &plan.people[i].id, render_person(ctx, i))
    } else {
        let i = k - plan.companies.len() - plan.people.len();
        (DEALS_DIR, &plan.deals[i].id, render_deal(ctx, i))
    };
    let path = root.join(dir).join(format!("{id}.md"));
    write_file(&path, text.as_bytes())?;
    Ok(text.len() as u64)
}

// ---------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64 finaliser: a good 64-bit mixing function.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Independent random streams; each record draws from its own stream per step.
#[derive(Clone, Copy)]
enum Stream {
    CompanyDraft = 1,
    PersonDraft,
    DealDraft,
    Resolve,
    CompanyText,
    PersonText,
    DealText,
}

/// SplitMix64 pseudo-random generator.
struct Rng(u64);

impl Rng {
    /// The generator for record `index` in `stream`: `hash(seed, stream, index)`.
    fn for_record(seed: u64, stream: Stream, index: usize) -> Self {
        let h = mix64(seed ^ GOLDEN);
        let h = mix64(h ^ (stream as u64).wrapping_mul(GOLDEN));
        Rng(mix64(h ^ index as u64))
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix64(self.0)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `permille / 1000`.
    fn chance(&mut self, permille: u32) -> bool {
        self.below(1000) < permille as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// Picks from `(item, weight)` pairs proportionally to the weights.
    fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|&(_, w)| w).sum();
        let mut roll = self.below(total as usize) as u32;
        for &(item, weight) in items {
            if roll < weight {
                return item;
            }
            roll -= weight;
        }
        items[items.len() - 1].0
    }

    /// Picks a `(lo, hi)` band by weight, then a value uniformly within it.
    fn in_bands(&mut self, bands: &[((usize, usize), u32)]) -> usize {
        let (lo, hi) = self.weighted(bands);
        self.range(lo, hi)
    }
}

// ---------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------

/// Oldest creation date, in days before today (three years).
const MAX_CREATED_AGO: usize = 3 * 365;
/// Activity entries fall within this many days before today.
const ACTIVITY_WINDOW: usize = 120;
/// Furthest future date (renewals, open deals' close dates), in days.
const MAX_AHEAD: usize = 366;

/// Pre-formatted `YYYY-MM-DD` strings around `today`, indexed by day offset.
struct DateTable {
    days: Vec<String>,
}

impl DateTable {
    fn new(today: Date) -> Result<Self> {
        let days = (0..=MAX_AHEAD + MAX_CREATED_AGO)
            .map(|slot| {
                let offset = slot as i64 - MAX_AHEAD as i64;
                today
                    .checked_sub(offset.days())
                    .map(|d| d.to_string())
                    .with_context(|| format!("date {offset} days before {today} is out of range"))
            })
            .collect::<Result<_>>()?;
        Ok(DateTable { days })
    }

    /// The date `days` days before today.
    fn ago(&self, days: usize) -> &str {
        &self.days[MAX_AHEAD + days]
    }

    /// The date `days` days after today (`days <= MAX_AHEAD`).
    fn ahead(&self, days: usize) -> &str {
        &self.days[MAX_AHEAD - days]
    }
}

// ---------------------------------------------------------------------------
// The plan: every record's identity and cross references
// ---------------------------------------------------------------------------

/// Lifecycle bucket of a person (including the "other" reasons).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Life {
    Contact,
    Subscriber,
    Lead,
    Mql,
    Sql,
    Opportunity,
    Customer,
    Evangelist,
    Staff,
    Supplier,
    Partner,
}

/// Funnel shape, in permille of people.
const FUNNEL: &[(Life, u32)] = &[
    (Life::Contact, 80),
    (Life::Subscriber, 340),
    (Life::Lead, 200),
    (Life::Mql, 110),
    (Life::Sql, 70),
    (Life::Opportunity, 50),
    (Life::Customer, 95),
    (Life::Evangelist, 15),
    (Life::Staff, 20),
    (Life::Supplier, 10),
    (Life::Partner, 10),
];

/// Lifecycle stages in funnel order (used for `stage` activity entries): kith's defaults.
const LIFECYCLE_PATH: &[&str] = crate::record::config::DEFAULT_STAGES;

impl Life {
    /// The `lifecycle:` value, if any.
    fn lifecycle(self) -> Option<&'static str> {
        Some(match self {
            Life::Contact => return None,
            Life::Subscriber => "subscriber",
            Life::Lead => "lead",
            Life::Mql => "mql",
            Life::Sql => "sql",
            Life::Opportunity => "opportunity",
            Life::Customer => "customer",
            Life::Evangelist => "evangelist",
            Life::Staff | Life::Supplier | Life::Partner => "other",
        })
    }

    /// The `other_reason:` value (only for lifecycle `other`).
    fn other_reason(self) -> Option<&'static str> {
        match self {
            Life::Staff => Some("staff"),
            Life::Supplier => Some("supplier"),
            Life::Partner => Some("partner"),
            _ => None,
        }
    }

    fn has_lead_status(self) -> bool {
        matches!(self, Life::Lead | Life::Mql | Life::Sql)
    }

    /// The lifecycle stages this person went through, oldest first.
    fn path(self) -> &'static [&'static str] {
        let reached = match self {
            Life::Subscriber => 1,
            Life::Lead => 2,
            Life::Mql => 3,
            Life::Sql => 4,
            Life::Opportunity => 5,
            Life::Customer => 6,
            Life::Evangelist => 7,
            _ => 0,
        };
        &LIFECYCLE_PATH[..reached]
    }

    /// Permille of people in this bucket who work at a known company.
    fn company_permille(self) -> u32 {
        match self {
            Life::Staff => 0,
            Life::Subscriber | Life::Contact => 560,
            Life::Lead => 700,
            _ => 900,
        }
    }

    fn activity(self) -> &'static Profile {
        match self {
            Life::Contact | Life::Subscriber => &MARKETING_LIGHT,
            Life::Lead => &MARKETING,
            Life::Mql | Life::Sql | Life::Opportunity => &SALES,
            Life::Customer | Life::Evangelist => &CUSTOMER,
            Life::Staff | Life::Supplier | Life::Partner => &INTERNAL,
        }
    }
}

struct Company {
    id: String,
    /// Display name, possibly with a legal suffix ("Bluegate Analytics GmbH").
    name: String,
    /// Name without the legal suffix, used in deal names.
    base: String,
    domain: String,
    industry: &'static str,
    country: &'static Country,
    created_ago: usize,
    owner: Option<&'static str>,
}

struct Person {
    id: String,
    first: &'static str,
    last: &'static str,
    email: String,
    alt_emails: Vec<String>,
    company: Option<usize>,
    life: Life,
    country: &'static Country,
    created_ago: usize,
    owner: Option<&'static str>,
}

struct Deal {
    id: String,
    name: String,
    company: usize,
    contacts: Vec<usize>,
    created_ago: usize,
    owner: &'static str,
}

/// Identity and relations of every record, before any text is rendered.
struct Plan {
    companies: Vec<Company>,
    people: Vec<Person>,
    deals: Vec<Deal>,
    company_people: Vec<Vec<usize>>,
    company_deals: Vec<Vec<usize>>,
    person_deals: Vec<Vec<usize>>,
}

/// Splits `n` records into (people, companies, deals): ~84/10/6%, with at least
/// one of each from three records on.
fn split_counts(n: usize) -> (usize, usize, usize) {
    match n {
        0 => (0, 0, 0),
        1 => (1, 0, 0),
        2 => (1, 1, 0),
        _ => {
            let companies = ((n * 10 + 50) / 100).max(1);
            let deals = ((n * 6 + 50) / 100).max(1);
            (n - companies - deals, companies, deals)
        }
    }
}

impl Plan {
    fn build(seed: u64, records: usize) -> Plan {
        let (n_people, n_companies, n_deals) = split_counts(records);
        let mut registry = Registry::new(seed);

        let company_drafts: Vec<CompanyDraft> = (0..n_companies)
            .into_par_iter()
            .map(|i| draft_company(seed, i))
            .collect();
        let companies: Vec<Company> = company_drafts
            .into_iter()
            .map(|d| registry.resolve_company(d))
            .collect();

        let person_drafts: Vec<PersonDraft> = (0..n_people)
            .into_par_iter()
            .map(|i| draft_person(seed, i, &companies))
            .collect();
        let people: Vec<Person> = person_drafts
            .into_iter()
            .map(|d| registry.resolve_person(d))
            .collect();

        let mut company_people = vec![Vec::new(); companies.len()];
        for (i, person) in people.iter().enumerate() {
            if let Some(c) = person.company {
                company_people[c].push(i);
            }
        }

        let deal_drafts: Vec<Deal> = (0..n_deals)
            .into_par_iter()
            .map(|i| draft_deal(seed, i, &companies, &people, &company_people))
            .collect();
        let deals: Vec<Deal> = deal_drafts
            .into_iter()
            .map(|mut d| {
                d.id = registry.unique_id(&d.id);
                d
            })
            .collect();

        let mut company_deals = vec![Vec::new(); companies.len()];
        let mut person_deals = vec![Vec::new(); people.len()];
        for (d, deal) in deals.iter().enumerate() {
            company_deals[deal.company].push(d);
            for &p in &deal.contacts {
                person_deals[p].push(d);
            }
        }

        Plan {
            companies,
            people,
            deals,
            company_people,
            company_deals,
            person_deals,
        }
    }

    fn len(&self) -> usize {
        self.companies.len() + self.people.len() + self.deals.len()
    }
}

/// Hands out unique ids, e-mail addresses and domains, in plan order.
struct Registry {
    rng: Rng,
    ids: HashSet<String>,
    /// Lower-cased, so uniqueness is case-insensitive.
    emails: HashSet<String>,
    domains: HashSet<String>,
}

impl Registry {
    fn new(seed: u64) -> Self {
        let mut domains: HashSet<String> = FREEMAIL.iter().map(|&(d, _)| d.to_owned()).collect();
        domains.insert(INTERNAL_DOMAIN.to_owned());
        Registry {
            rng: Rng::for_record(seed, Stream::Resolve, 0),
            ids: HashSet::new(),
            emails: HashSet::new(),
            domains,
        }
    }

    /// `base` itself if free, else `base-NNNN` with a random suffix.
    fn unique_id(&mut self, base: &str) -> String {
        if self.ids.insert(base.to_owned()) {
            return base.to_owned();
        }
        for attempt in 0.. {
            let n = if attempt < 20 {
                self.rng.range(1000, 9999)
            } else {
                self.rng.range(10_000, 9_999_999)
            };
            let candidate = format!("{base}-{n}");
            if self.ids.insert(candidate.clone()) {
                return candidate;
            }
        }
        unreachable!("the id space is unbounded")
    }

    /// `local@domain`, or `localNN@domain` if taken (case-insensitively).
    fn unique_email(&mut self, local: &str, domain: &str) -> String {
        let mut candidate = format!("{local}@{domain}");
        let mut attempt = 0;
        while !self.emails.insert(candidate.to_ascii_lowercase()) {
            let n = if attempt < 5 {
                self.rng.range(2, 99)
            } else {
                self.rng.range(100, 999_999)
            };
            candidate = format!("{local}{n}@{domain}");
            attempt += 1;
        }
        candidate
    }

    /// `label.example`, or `labelN.example` if taken.
    fn unique_domain(&mut self, label: &str) -> String {
        let mut candidate = format!("{label}.example");
        let mut attempt = 0;
        while !self.domains.insert(candidate.clone()) {
            let n = if attempt < 5 {
                self.rng.range(2, 99)
            } else {
                self.rng.range(100, 999_999)
            };
            candidate = format!("{label}{n}.example");
            attempt += 1;
        }
        candidate
    }

    fn resolve_company(&mut self, d: CompanyDraft) -> Company {
        Company {
            id: self.unique_id(&d.slug),
            domain: self.unique_domain(&d.domain_label),
            name: d.name,
            base: d.base,
            industry: d.industry,
            country: d.country,
            created_ago: d.created_ago,
            owner: d.owner,
        }
    }

    fn resolve_person(&mut self, d: PersonDraft) -> Person {
        let id = self.unique_id(&slugify(&format!("{} {}", d.first, d.last)));
        let email = self.unique_email(&d.email_local, &d.email_domain);
        let alt_emails = d
            .alt_email
            .map(|(local, domain)| vec![self.unique_email(&local, domain)])
            .unwrap_or_default();
        Person {
            id,
            first: d.first,
            last: d.last,
            email,
            alt_emails,
            company: d.company,
            life: d.life,
            country: d.country,
            created_ago: d.created_ago,
            owner: d.owner,
        }
    }
}

// ---------------------------------------------------------------------------
// Drafting (parallel, per record)
// ---------------------------------------------------------------------------

struct CompanyDraft {
    name: String,
    base: String,
    slug: String,
    domain_label: String,
    industry: &'static str,
    country: &'static Country,
    created_ago: usize,
    owner: Option<&'static str>,
}

fn draft_company(seed: u64, i: usize) -> CompanyDraft {
    let mut rng = Rng::for_record(seed, Stream::CompanyDraft, i);
    let base = company_base_name(&mut rng);
    let name = if rng.chance(250) {
        format!("{base} {}", rng.pick(LEGAL_SUFFIXES))
    } else {
        base.clone()
    };
    let slug = slugify(&base);
    let domain_label = if rng.chance(600) {
        slug.replace('-', "")
    } else {
        slug.clone()
    };
    CompanyDraft {
        slug: slugify(&name),
        name,
        base,
        domain_label,
        industry: rng.pick(INDUSTRIES),
        country: pick_country(&mut rng),
        created_ago: rng.range(0, MAX_CREATED_AGO),
        owner: rng.chance(850).then(|| rng.pick(TEAMMATES).0),
    }
}

fn company_base_name(rng: &mut Rng) -> String {
    match rng.below(100) {
        0..45 => format!(
            "{}{} {}",
            rng.pick(NAME_PREFIXES),
            rng.pick(NAME_ROOTS),
            rng.pick(NAME_NOUNS)
        ),
        45..65 => format!("{} {}", rng.pick(NAME_PREFIXES), rng.pick(NAME_NOUNS)),
        65..82 => format!("{}{}", rng.pick(NAME_PREFIXES), rng.pick(NAME_ROOTS)),
        82..92 => format!("{} {}", rng.pick(SURNAMES), rng.pick(NAME_NOUNS)),
        _ => format!("{} & {}", rng.pick(SURNAMES), rng.pick(SURNAMES)),
    }
}

struct PersonDraft {
    first: &'static str,
    last: &'static str,
    email_local: String,
    email_domain: String,
    alt_email: Option<(String, &'static str)>,
    company: Option<usize>,
    life: Life,
    country: &'static Country,
    created_ago: usize,
    owner: Option<&'static str>,
}

fn draft_person(seed: u64, i: usize, companies: &[Company]) -> PersonDraft {
    let mut rng = Rng::for_record(seed, Stream::PersonDraft, i);
    let first = rng.pick(FIRST_NAMES);
    let last = rng.pick(SURNAMES);
    let life = rng.weighted(FUNNEL);
    let company = (!companies.is_empty() && rng.chance(life.company_permille()))
        .then(|| pick_company(&mut rng, companies.len()));
    let country = match company {
        Some(c) if rng.chance(850) => companies[c].country,
        _ => pick_country(&mut rng),
    };
    let (f, l) = (email_part(first), email_part(last));
    let (mut email_local, email_domain) = match (life, company) {
        (Life::Staff, _) => (format!("{f}.{l}"), INTERNAL_DOMAIN.to_owned()),
        (_, Some(c)) => (work_local(&mut rng, &f, &l), companies[c].domain.clone()),
        (_, None) => (
            personal_local(&mut rng, &f, &l),
            rng.weighted(FREEMAIL).to_owned(),
        ),
    };
    if rng.chance(15) {
        email_local = capitalize_parts(&email_local);
    }
    let alt_email = (life != Life::Staff && rng.chance(100))
        .then(|| (personal_local(&mut rng, &f, &l), rng.weighted(FREEMAIL)));
    PersonDraft {
        first,
        last,
        email_local,
        email_domain,
        alt_email,
        company,
        life,
        country,
        created_ago: rng.range(0, MAX_CREATED_AGO),
        owner: (life != Life::Staff && rng.chance(800)).then(|| rng.pick(TEAMMATES).0),
    }
}

/// Skewed towards low indices so that some companies have many contacts.
fn pick_company(rng: &mut Rng, n: usize) -> usize {
    if rng.chance(400) {
        rng.below(n).min(rng.below(n))
    } else {
        rng.below(n)
    }
}

fn pick_country(rng: &mut Rng) -> &'static Country {
    let total: u32 = COUNTRIES.iter().map(|c| c.weight).sum();
    let mut roll = rng.below(total as usize) as u32;
    for country in COUNTRIES {
        if roll < country.weight {
            return country;
        }
        roll -= country.weight;
    }
    &COUNTRIES[0]
}

/// Local part of a work address: `ada.lovelace`, `alovelace`, `ada`, ...
fn work_local(rng: &mut Rng, f: &str, l: &str) -> String {
    let initial = &f[..1];
    match rng.below(100) {
        0..50 => format!("{f}.{l}"),
        50..65 => f.to_owned(),
        65..80 => format!("{initial}{l}"),
        80..90 => format!("{initial}.{l}"),
        90..95 => format!("{f}_{l}"),
        _ => format!("{f}{}", &l[..1]),
    }
}

/// Local part of a free-mail address.
fn personal_local(rng: &mut Rng, f: &str, l: &str) -> String {
    match rng.below(100) {
        0..40 => format!("{f}.{l}"),
        40..60 => format!("{f}{l}"),
        60..75 => format!("{}{l}", &f[..1]),
        75..90 => format!("{f}.{l}{}", rng.range(70, 99)),
        _ => format!("{l}.{f}"),
    }
}

/// `ada.lovelace` → `Ada.Lovelace`.
fn capitalize_parts(local: &str) -> String {
    let mut out = String::with_capacity(local.len());
    let mut start = true;
    for c in local.chars() {
        out.push(if start { c.to_ascii_uppercase() } else { c });
        start = matches!(c, '.' | '_' | '-');
    }
    out
}

fn draft_deal(
    seed: u64,
    i: usize,
    companies: &[Company],
    people: &[Person],
    company_people: &[Vec<usize>],
) -> Deal {
    let mut rng = Rng::for_record(seed, Stream::DealDraft, i);
    // Anchor most deals on a person who works somewhere, so contacts are colleagues.
    let company = (0..8)
        .find_map(|_| people[rng.below(people.len())].company)
        .unwrap_or_else(|| rng.below(companies.len()));
    let members = &company_people[company];
    let want = rng.weighted(&[(1, 50), (2, 35), (3, 15)]);
    let mut contacts: Vec<usize> = Vec::with_capacity(want);
    for _ in 0..want * 4 {
        if contacts.len() == want {
            break;
        }
        let candidate = if members.is_empty() {
            rng.below(people.len())
        } else {
            rng.pick(members)
        };
        if !contacts.contains(&candidate) {
            contacts.push(candidate);
        }
    }
    let c = &companies[company];
    let name = format!("{} - {}", c.base, rng.pick(DEAL_OFFERINGS));
    Deal {
        id: slugify(&name),
        name,
        company,
        contacts,
        created_ago: rng.range(0, c.created_ago.min(2 * 365)),
        owner: match c.owner {
            Some(owner) if rng.chance(750) => owner,
            _ => rng.pick(TEAMMATES).0,
        },
    }
}

// ---------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------

use crate::util::slug::slugify;

/// `"van der Berg"` → `"vanderberg"`: a name as an e-mail local part.
fn email_part(s: &str) -> String {
    slugify(s).replace('-', "")
}

fn single_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn double_quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Values a template slot can draw from, besides the word lists.
struct Slots<'a> {
    first: &'a str,
    city: &'a str,
    company: &'a str,
}

/// Expands `{key}` placeholders from `slots` and the word lists.
fn expand(out: &mut String, template: &str, rng: &mut Rng, slots: &Slots) {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let key = &rest[open + 1..open + close];
        match key {
            "first" => out.push_str(slots.first),
            "city" => out.push_str(slots.city),
            "company" => out.push_str(slots.company),
            "n" => {
                let _ = write!(
                    out,
                    "{}",
                    rng.in_bands(&[((3, 20), 50), ((20, 120), 35), ((120, 900), 15)])
                );
            }
            "teammate" => out.push_str(rng.pick(TEAMMATES).1),
            _ => out.push_str(word_list(key).map_or(key, |list| rng.pick(list))),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
}

fn word_list(key: &str) -> Option<&'static [&'static str]> {
    Some(match key {
        "event" => EVENTS,
        "topic" => TOPICS,
        "competitor" => COMPETITORS,
        "pain" => PAINS,
        "feature" => FEATURES,
        "growth" => GROWTH,
        "quarter" => QUARTERS,
        "channel" => CHANNELS,
        "when" => WHENS,
        "tool" => TOOLS,
        "exec" => EXECS,
        "status" => STATUSES,
        "asset" => ASSETS,
        "industry" => INDUSTRY_WORDS,
        "dept" => DEPARTMENTS,
        "campaign" => CAMPAIGNS,
        "webinar" => WEBINARS,
        "form" => FORMS,
        "import" => IMPORTS,
        "workflow" => WORKFLOWS,
        "next" => NEXT_STEPS,
        "region" => REGIONS,
        "usecase" => USE_CASES,
        "requirement" => REQUIREMENTS,
        "month" => MONTHS,
        _ => return None,
    })
}

// ---------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------

/// Shared, read-only rendering context.
struct Ctx<'a> {
    seed: u64,
    plan: &'a Plan,
    dates: &'a DateTable,
}

/// How a record's name is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NameStyle {
    Plain,
    Single,
    Double,
}

/// Rare syntax variations, drawn once per record.
struct Quirks {
    name: NameStyle,
    trailing_comment: bool,
    comment_line: bool,
    summary: bool,
    block_tags: bool,
    notes_section: bool,
    crlf: bool,
}

impl Quirks {
    fn draw(rng: &mut Rng) -> Quirks {
        Quirks {
            name: rng.weighted(&[
                (NameStyle::Plain, 960),
                (NameStyle::Single, 20),
                (NameStyle::Double, 20),
            ]),
            trailing_comment: rng.chance(20),
            comment_line: rng.chance(20),
            summary: rng.chance(20),
            block_tags: rng.chance(30),
            notes_section: rng.chance(60),
            crlf: rng.chance(10),
        }
    }
}

/// Frontmatter writer: one `key: value` line at a time.
struct Doc {
    out: String,
}

impl Doc {
    fn new() -> Doc {
        let mut out = String::with_capacity(2048);
        out.push_str("---\n");
        Doc { out }
    }

    fn field(&mut self, key: &str, value: impl std::fmt::Display) {
        let _ = writeln!(self.out, "{key}: {value}");
    }

    fn field_with_comment(&mut self, key: &str, value: &str, comment: bool, rng: &mut Rng) {
        if comment {
            let _ = writeln!(
                self.out,
                "{key}: {value}  # {}",
                rng.pick(TRAILING_COMMENTS)
            );
        } else {
            self.field(key, value);
        }
    }

    fn name(&mut self, name: &str, style: NameStyle) {
        match style {
            NameStyle::Plain => self.field("name", name),
            NameStyle::Single => self.field("name", single_quoted(name)),
            NameStyle::Double => self.field("name", double_quoted(name)),
        }
    }

    fn comment_line(&mut self, rng: &mut Rng) {
        let _ = writeln!(self.out, "# {}", rng.pick(COMMENT_LINES));
    }

    fn list<S: AsRef<str>>(&mut self, key: &str, items: &[S], block: bool) {
        if block {
            let _ = writeln!(self.out, "{key}:");
            for item in items {
                let _ = writeln!(self.out, "  - {}", item.as_ref());
            }
        } else {
            let joined: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
            let _ = writeln!(self.out, "{key}: [{}]", joined.join(", "));
        }
    }

    fn summary(&mut self, rng: &mut Rng, slots: &Slots) {
        self.out.push_str("notes_summary: |\n");
        for list in [SUMMARY_FIRST, SUMMARY_SECOND] {
            self.out.push_str("  ");
            let template = rng.pick(list);
            expand(&mut self.out, template, rng, slots);
            self.out.push('\n');
        }
    }

    fn tags(&mut self, rng: &mut Rng, pool: &[&'static str], max: usize, block: bool) {
        let count = rng.range(1, max);
        let mut tags: Vec<&str> = Vec::with_capacity(count);
        for _ in 0..count * 2 {
            let tag = rng.pick(pool);
            if tags.len() < count && !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        self.list("tags", &tags, block);
    }

    /// Closes the frontmatter and returns the text so far.
    fn finish(mut self) -> String {
        self.out.push_str("---\n");
        self.out
    }
}

fn render_person(ctx: &Ctx, i: usize) -> String {
    let plan = ctx.plan;
    let p = &plan.people[i];
    let mut rng = Rng::for_record(ctx.seed, Stream::PersonText, i);
    let q = Quirks::draw(&mut rng);
    let company = p.company.map(|c| &plan.companies[c]);
    let slots = Slots {
        first: p.first,
        city: rng.pick(p.country.cities),
        company: company.map_or("their team", |c| c.base.as_str()),
    };
    let full_name = format!("{} {}", p.first, p.last);

    // The body comes first so that `lifecycle_changed` can match its last stage entry.
    let body = Body {
        sentences: match p.life {
            Life::Subscriber | Life::Contact => rng.weighted(&[(0, 30), (1, 45), (2, 25)]),
            Life::Customer | Life::Evangelist | Life::Opportunity => rng.range(2, 3),
            _ => rng.range(1, 3),
        },
        note_templates: PERSON_NOTES,
        bullets: if q.notes_section { PERSON_BULLETS } else { &[] },
        profile: p.life.activity(),
        created_ago: p.created_ago,
        newest_ago: 0,
        pin_final_stage: false,
        owner: p.owner,
        deals: &plan.person_deals[i],
        stage_path: p.life.path().to_vec(),
    };
    let mut body_text = String::with_capacity(1024);
    let last_stage_ago = render_body(&mut body_text, &mut rng, ctx, &body, &slots);

    let mut doc = Doc::new();
    doc.name(&full_name, q.name);
    if q.comment_line {
        doc.comment_line(&mut rng);
    }
    doc.field("email", &p.email);
    if !p.alt_emails.is_empty() {
        doc.list("emails", &p.alt_emails, false);
    }
    if rng.chance(if p.life == Life::Subscriber { 300 } else { 650 }) {
        doc.field("phone", double_quoted(&phone_number(&mut rng, p.country)));
    }
    if let Some(c) = company {
        doc.field("company", &c.id);
    }
    let title_permille = match (p.life, company) {
        (Life::Staff, _) => 1000,
        (_, Some(_)) => 850,
        _ => 250,
    };
    if rng.chance(title_permille) {
        let title = rng.pick(if p.life == Life::Staff {
            STAFF_TITLES
        } else {
            TITLES
        });
        if q.name == NameStyle::Single {
            doc.field("title", single_quoted(title));
        } else {
            doc.field("title", title);
        }
    }
    person_lifecycle_fields(&mut doc, &mut rng, p);
    if p.life != Life::Staff {
        doc.field("source", rng.weighted(SOURCES));
    }
    if let Some(owner) = p.owner {
        doc.field("owner", owner);
    }
    if rng.chance(if p.life == Life::Subscriber { 600 } else { 800 }) {
        doc.tags(&mut rng, PERSON_TAGS, 4, q.block_tags);
    }
    doc.field_with_comment("country", p.country.code, q.trailing_comment, &mut rng);
    match company {
        Some(c) if rng.chance(600) => doc.field("industry", c.industry),
        None if rng.chance(250) => doc.field("industry", rng.pick(INDUSTRIES)),
        _ => {}
    }
    doc.field("created", ctx.dates.ago(p.created_ago));
    if p.life.lifecycle().is_some() && rng.chance(400) {
        let changed_ago = last_stage_ago.unwrap_or_else(|| rng.range(0, p.created_ago));
        doc.field("lifecycle_changed", ctx.dates.ago(changed_ago));
    }
    if rng.chance(100) {
        doc.field(
            "linkedin",
            format!("https://www.linkedin.example/in/{}", p.id),
        );
    }
    if rng.chance(50) {
        doc.field(
            "seats",
            rng.in_bands(&[((1, 10), 60), ((10, 100), 30), ((100, 2000), 10)]),
        );
    }
    if q.summary {
        doc.summary(&mut rng, &slots);
    }
    finish_text(doc.finish() + &body_text, q.crlf)
}

fn person_lifecycle_fields(doc: &mut Doc, rng: &mut Rng, p: &Person) {
    let Some(lifecycle) = p.life.lifecycle() else {
        return;
    };
    doc.field(LIFECYCLE, lifecycle);
    if p.life.has_lead_status() {
        let status = rng.weighted(&[
            ("new", 35),
            ("working", 30),
            ("nurturing", 20),
            ("unqualified", 15),
        ]);
        doc.field("lead_status", status);
        if status == "unqualified" {
            doc.field("unqualified_reason", rng.pick(UNQUALIFIED_REASONS));
        }
    }
    if let Some(reason) = p.life.other_reason() {
        doc.field("other_reason", reason);
    }
}

fn phone_number(rng: &mut Rng, country: &Country) -> String {
    match country.code {
        // Ofcom's ranges reserved for drama.
        "GB" => match rng.below(3) {
            0 => format!("+44 20 7946 0{:03}", rng.below(1000)),
            1 => format!("+44 161 496 0{:03}", rng.below(1000)),
            _ => format!("+44 113 496 0{:03}", rng.below(1000)),
        },
        // The 555-01xx fictional range.
        "US" | "CA" => format!("+1 {} 555 01{:02}", rng.pick(NANP_AREAS), rng.below(100)),
        _ => format!(
            "+{} {} {:03} {:04}",
            country.dial,
            rng.range(10, 99),
            rng.below(1000),
            rng.below(10_000)
        ),
    }
}

fn render_company(ctx: &Ctx, i: usize) -> String {
    let plan = ctx.plan;
    let c = &plan.companies[i];
    let mut rng = Rng::for_record(ctx.seed, Stream::CompanyText, i);
    let q = Quirks::draw(&mut rng);
    let first = plan.company_people[i]
        .first()
        .map_or_else(|| rng.pick(FIRST_NAMES), |&p| plan.people[p].first);
    let slots = Slots {
        first,
        city: rng.pick(c.country.cities),
        company: &c.base,
    };

    let mut doc = Doc::new();
    doc.name(&c.name, q.name);
    if q.comment_line {
        doc.comment_line(&mut rng);
    }
    doc.field("domain", &c.domain);
    doc.field_with_comment("industry", c.industry, q.trailing_comment, &mut rng);
    doc.field("size", company_size(&mut rng));
    doc.field("country", c.country.code);
    if let Some(owner) = c.owner {
        doc.field("owner", owner);
    }
    if rng.chance(750) {
        doc.tags(&mut rng, COMPANY_TAGS, 3, q.block_tags);
    }
    doc.field("created", ctx.dates.ago(c.created_ago));
    if rng.chance(300) {
        doc.field(
            "plan",
            rng.weighted(&[("starter", 45), ("team", 35), ("enterprise", 20)]),
        );
        let renewal = if rng.chance(100) {
            ctx.dates.ago(rng.range(1, 60))
        } else {
            ctx.dates.ahead(rng.range(1, 365))
        };
        doc.field("renewal_date", renewal);
    }
    if q.summary {
        doc.summary(&mut rng, &slots);
    }
    let mut out = doc.finish();

    let body = Body {
        sentences: rng.range(1, 3),
        note_templates: COMPANY_NOTES,
        bullets: if q.notes_section || rng.chance(150) {
            COMPANY_BULLETS
        } else {
            &[]
        },
        profile: &COMPANY_ACTIVITY,
        created_ago: c.created_ago,
        newest_ago: 0,
        pin_final_stage: false,
        owner: c.owner,
        deals: &plan.company_deals[i],
        stage_path: Vec::new(),
    };
    render_body(&mut out, &mut rng, ctx, &body, &slots);
    finish_text(out, q.crlf)
}

fn company_size(rng: &mut Rng) -> usize {
    rng.in_bands(&[
        ((2, 10), 25),
        ((11, 50), 35),
        ((51, 200), 22),
        ((201, 1000), 12),
        ((1001, 20_000), 6),
    ])
}

/// Deal pipeline stages in order, with how common each is.
const DEAL_STAGES: &[(&str, u32)] = &[
    ("appointment-scheduled", 15),
    ("qualified-to-buy", 15),
    ("presentation-scheduled", 12),
    ("decision-maker-bought-in", 10),
    ("contract-sent", 8),
    ("closed-won", 25),
    ("closed-lost", 15),
];

fn render_deal(ctx: &Ctx, i: usize) -> String {
    let plan = ctx.plan;
    let d = &plan.deals[i];
    let company = &plan.companies[d.company];
    let mut rng = Rng::for_record(ctx.seed, Stream::DealText, i);
    let q = Quirks::draw(&mut rng);
    let champion = &plan.people[d.contacts[0]];
    let slots = Slots {
        first: champion.first,
        city: rng.pick(company.country.cities),
        company: &company.base,
    };
    let stage = rng.weighted(DEAL_STAGES);
    let closed = stage.starts_with("closed-");

    let mut doc = Doc::new();
    doc.name(&d.name, q.name);
    if q.comment_line {
        doc.comment_line(&mut rng);
    }
    doc.field("amount", deal_amount(&mut rng));
    doc.field(
        "currency",
        rng.weighted(&[("EUR", 80), ("USD", 12), ("GBP", 8)]),
    );
    doc.field_with_comment("stage", stage, q.trailing_comment, &mut rng);
    let close_ago = closed.then(|| {
        rng.in_bands(&[((0, 60), 40), ((61, 180), 30), ((181, 730), 30)])
            .min(d.created_ago)
    });
    let close_date = match close_ago {
        Some(ago) => ctx.dates.ago(ago),
        None => ctx.dates.ahead(rng.range(7, 180)),
    };
    doc.field("close_date", close_date);
    doc.field("company", &company.id);
    let contact_ids: Vec<&str> = d
        .contacts
        .iter()
        .map(|&p| plan.people[p].id.as_str())
        .collect();
    doc.list("contacts", &contact_ids, false);
    doc.field("owner", d.owner);
    if stage == "closed-lost" {
        doc.field("lost_reason", rng.pick(LOST_REASONS));
    }
    doc.field("created", ctx.dates.ago(d.created_ago));
    if q.summary {
        doc.summary(&mut rng, &slots);
    }
    let mut out = doc.finish();

    let body = Body {
        sentences: rng.range(1, 3),
        note_templates: DEAL_NOTES,
        bullets: if q.notes_section { DEAL_BULLETS } else { &[] },
        profile: &DEAL_ACTIVITY,
        created_ago: d.created_ago,
        newest_ago: close_ago.unwrap_or(0),
        pin_final_stage: closed,
        owner: Some(d.owner),
        deals: &[],
        stage_path: deal_path(stage),
    };
    render_body(&mut out, &mut rng, ctx, &body, &slots);
    finish_text(out, q.crlf)
}

/// The stages a deal went through to reach `stage`, oldest first (a lost deal
/// skips `closed-won`).
fn deal_path(stage: &'static str) -> Vec<&'static str> {
    let open = DEAL_STAGES
        .iter()
        .map(|&(s, _)| s)
        .take_while(|s| !s.starts_with("closed-"));
    let mut path: Vec<&'static str> = Vec::with_capacity(DEAL_STAGES.len());
    for s in open {
        path.push(s);
        if s == stage {
            return path;
        }
    }
    path.push(stage);
    path
}

fn deal_amount(rng: &mut Rng) -> String {
    let (lo, hi, step) = rng.weighted(&[
        ((1_000, 10_000, 100), 40),
        ((10_000, 60_000, 500), 40),
        ((60_000, 400_000, 5_000), 20),
    ]);
    let whole = rng.range(lo / step, hi / step) * step;
    if rng.chance(150) {
        format!("{}.{:02}", whole - 1, rng.pick(&[50, 90, 95, 99]))
    } else {
        whole.to_string()
    }
}

/// Converts to CRLF line endings when asked.
fn finish_text(text: String, crlf: bool) -> String {
    if crlf {
        text.replace('\n', "\r\n")
    } else {
        text
    }
}

// ---------------------------------------------------------------------------
// Body: notes and activity log
// ---------------------------------------------------------------------------

/// Entry types of the activity log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Note,
    Call,
    Email,
    Reply,
    Meeting,
    Visit,
    EmailOpen,
    Download,
    Webinar,
    Form,
    DemoRequest,
    Import,
    Workflow,
    Stage,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Note => "note",
            Kind::Call => "call",
            Kind::Email => "email",
            Kind::Reply => "reply",
            Kind::Meeting => "meeting",
            Kind::Visit => "visit",
            Kind::EmailOpen => "email-open",
            Kind::Download => "download",
            Kind::Webinar => "webinar",
            Kind::Form => "form",
            Kind::DemoRequest => "demo-request",
            Kind::Import => "import",
            Kind::Workflow => "workflow",
            Kind::Stage => "stage",
        }
    }

    /// Entries logged by a teammate carry an `@teammate` mention.
    fn mentions_teammate(self) -> bool {
        matches!(self, Kind::Note | Kind::Call | Kind::Email | Kind::Meeting)
    }

    /// Entry types that may carry a `#deal-id` reference.
    fn may_reference_deal(self) -> bool {
        matches!(
            self,
            Kind::Note | Kind::Call | Kind::Email | Kind::Reply | Kind::Meeting
        )
    }

    /// Permille of entries of this type that carry a time of day.
    fn time_permille(self) -> u32 {
        match self {
            Kind::Call | Kind::Meeting => 850,
            Kind::Note | Kind::Import | Kind::Stage => 200,
            _ => 550,
        }
    }

    fn templates(self) -> &'static [&'static str] {
        match self {
            Kind::Note => NOTE_ENTRIES,
            Kind::Call => CALL_ENTRIES,
            Kind::Email => EMAIL_ENTRIES,
            Kind::Reply => REPLY_ENTRIES,
            Kind::Meeting => MEETING_ENTRIES,
            Kind::Visit => VISIT_PATHS,
            Kind::EmailOpen => EMAIL_OPEN_ENTRIES,
            Kind::Download => DOWNLOAD_ENTRIES,
            Kind::Webinar => WEBINAR_ENTRIES,
            Kind::Form => FORM_ENTRIES,
            Kind::DemoRequest => DEMO_ENTRIES,
            Kind::Import => IMPORT_ENTRIES,
            Kind::Workflow => WORKFLOW_ENTRIES,
            Kind::Stage => &[],
        }
    }
}

/// How many activity entries a record gets, and of which types.
struct Profile {
    min: usize,
    max: usize,
    kinds: &'static [(Kind, u32)],
}

const MARKETING_LIGHT: Profile = Profile {
    min: 1,
    max: 6,
    kinds: &[
        (Kind::Visit, 30),
        (Kind::EmailOpen, 28),
        (Kind::Download, 10),
        (Kind::Webinar, 6),
        (Kind::Form, 8),
        (Kind::Workflow, 8),
        (Kind::Import, 4),
        (Kind::Note, 3),
        (Kind::Email, 3),
    ],
};

const MARKETING: Profile = Profile {
    min: 3,
    max: 10,
    kinds: &[
        (Kind::Visit, 25),
        (Kind::EmailOpen, 20),
        (Kind::Download, 10),
        (Kind::Webinar, 6),
        (Kind::Form, 8),
        (Kind::Workflow, 6),
        (Kind::DemoRequest, 3),
        (Kind::Email, 8),
        (Kind::Call, 5),
        (Kind::Note, 5),
        (Kind::Stage, 4),
    ],
};

const SALES: Profile = Profile {
    min: 5,
    max: 14,
    kinds: &[
        (Kind::Call, 15),
        (Kind::Email, 18),
        (Kind::Reply, 10),
        (Kind::Meeting, 10),
        (Kind::Note, 10),
        (Kind::Visit, 12),
        (Kind::EmailOpen, 9),
        (Kind::DemoRequest, 4),
        (Kind::Stage, 6),
        (Kind::Download, 3),
        (Kind::Workflow, 3),
    ],
};

const CUSTOMER: Profile = Profile {
    min: 8,
    max: 15,
    kinds: &[
        (Kind::Meeting, 17),
        (Kind::Call, 15),
        (Kind::Email, 18),
        (Kind::Reply, 12),
        (Kind::Note, 15),
        (Kind::Visit, 9),
        (Kind::Webinar, 4),
        (Kind::EmailOpen, 7),
        (Kind::Stage, 3),
    ],
};

const INTERNAL: Profile = Profile {
    min: 1,
    max: 6,
    kinds: &[
        (Kind::Note, 30),
        (Kind::Email, 30),
        (Kind::Meeting, 20),
        (Kind::Call, 20),
    ],
};

const COMPANY_ACTIVITY: Profile = Profile {
    min: 5,
    max: 15,
    kinds: &[
        (Kind::Note, 25),
        (Kind::Meeting, 25),
        (Kind::Call, 20),
        (Kind::Email, 20),
        (Kind::Reply, 10),
    ],
};

const DEAL_ACTIVITY: Profile = Profile {
    min: 3,
    max: 12,
    kinds: &[
        (Kind::Stage, 22),
        (Kind::Meeting, 20),
        (Kind::Call, 20),
        (Kind::Email, 22),
        (Kind::Note, 16),
    ],
};

/// Everything `render_body` needs to know about a record.
struct Body<'a> {
    sentences: usize,
    note_templates: &'static [&'static str],
    /// Bullets for an optional `## Notes` section (none if empty).
    bullets: &'static [&'static str],
    profile: &'static Profile,
    /// Activity falls between `newest_ago` and `created_ago` days before
    /// today, and within `ACTIVITY_WINDOW`.
    created_ago: usize,
    newest_ago: usize,
    /// Move the final `stage` entry to `newest_ago` (a closed deal's close date).
    pin_final_stage: bool,
    owner: Option<&'static str>,
    /// Deals that `#deal-id` references may point to.
    deals: &'a [usize],
    /// Stages the record went through, oldest first; `stage` entries walk
    /// the tail of this path and end at the current stage.
    stage_path: Vec<&'static str>,
}

/// One activity log entry; rendered once the log is sorted.
struct Entry {
    ago: usize,
    minutes: Option<usize>,
    kind: Kind,
    mention: Option<&'static str>,
    deal: Option<usize>,
    text: String,
    continuation: Option<String>,
}

/// Writes notes, an optional `## Notes` section and the activity log; returns
/// how many days ago the last `stage` entry happened, if there is one.
fn render_body(
    out: &mut String,
    rng: &mut Rng,
    ctx: &Ctx,
    body: &Body,
    slots: &Slots,
) -> Option<usize> {
    if body.sentences > 0 {
        out.push('\n');
        for s in 0..body.sentences {
            if s > 0 {
                out.push(' ');
            }
            let template = rng.pick(body.note_templates);
            expand(out, template, rng, slots);
        }
        out.push('\n');
    }
    if !body.bullets.is_empty() {
        out.push_str("\n## Notes\n\n");
        for _ in 0..rng.range(2, 4) {
            out.push_str("- ");
            let template = rng.pick(body.bullets);
            expand(out, template, rng, slots);
            out.push('\n');
        }
    }
    let entries = activity_entries(rng, body, slots);
    if !entries.is_empty() {
        out.push_str("\n## Activity\n\n");
        for entry in &entries {
            write_entry(out, ctx, entry);
        }
    }
    entries
        .iter()
        .rev()
        .find(|e| e.kind == Kind::Stage)
        .map(|e| e.ago)
}

/// Draws the activity log, oldest first.
fn activity_entries(rng: &mut Rng, body: &Body, slots: &Slots) -> Vec<Entry> {
    let (newest, oldest) = (body.newest_ago, body.created_ago.min(ACTIVITY_WINDOW));
    if newest > oldest {
        return Vec::new();
    }
    let count = rng.range(body.profile.min, body.profile.max);
    let mut entries: Vec<Entry> = (0..count)
        .map(|_| activity_entry(rng, body, slots, newest, oldest))
        .collect();
    sort_entries(&mut entries);
    if body.pin_final_stage
        && let Some(last) = entries.iter_mut().rev().find(|e| e.kind == Kind::Stage)
    {
        last.ago = newest;
        sort_entries(&mut entries);
    }
    label_stage_changes(&mut entries, &body.stage_path);
    entries
}

/// Oldest first; on the same day, entries without a time come first.
fn sort_entries(entries: &mut [Entry]) {
    entries.sort_by_key(|e| (Reverse(e.ago), e.minutes));
}

fn activity_entry(
    rng: &mut Rng,
    body: &Body,
    slots: &Slots,
    newest: usize,
    oldest: usize,
) -> Entry {
    let ago = rng.range(newest, oldest);
    let kind = match rng.weighted(body.profile.kinds) {
        Kind::Stage if body.stage_path.is_empty() => Kind::Note,
        kind => kind,
    };
    let minutes = rng
        .chance(kind.time_permille())
        .then(|| entry_minutes(rng, kind));
    let mention = kind.mentions_teammate().then(|| match body.owner {
        Some(owner) if rng.chance(800) => owner,
        _ => rng.pick(TEAMMATES).0,
    });
    let deal = (kind.may_reference_deal() && !body.deals.is_empty() && rng.chance(400))
        .then(|| rng.pick(body.deals));
    let mut text = String::new();
    entry_text(&mut text, rng, kind, slots);
    let continuation = rng.chance(50).then(|| {
        let mut line = String::new();
        let template = rng.pick(CONTINUATIONS);
        expand(&mut line, template, rng, slots);
        line
    });
    Entry {
        ago,
        minutes,
        kind,
        mention,
        deal,
        text,
        continuation,
    }
}

/// Gives the (sorted) `stage` entries consecutive steps ending at the current
/// stage; surplus entries beyond the path's length are dropped.
fn label_stage_changes(entries: &mut Vec<Entry>, path: &[&'static str]) {
    let total = entries.iter().filter(|e| e.kind == Kind::Stage).count();
    let keep = total.min(path.len());
    let mut seen = 0;
    entries.retain_mut(|entry| {
        if entry.kind != Kind::Stage {
            return true;
        }
        seen += 1;
        let Some(step) = (seen + keep).checked_sub(total + 1) else {
            return false;
        };
        let at = path.len() - keep + step;
        let to = path[at];
        // The same `from → to` form kith writes for the moves it makes.
        let from = match at.checked_sub(1) {
            Some(prev) => path[prev],
            None if LIFECYCLE_PATH.contains(&to) => "contact",
            None => "new",
        };
        entry.text = format!("{from} → {to}");
        true
    });
}

/// `- DATE[ HH:MM] TYPE[ @teammate][ #deal-id]: text`, plus an optional
/// indented continuation line.
fn write_entry(out: &mut String, ctx: &Ctx, e: &Entry) {
    out.push_str("- ");
    out.push_str(ctx.dates.ago(e.ago));
    if let Some(m) = e.minutes {
        let _ = write!(out, " {:02}:{:02}", m / 60, m % 60);
    }
    out.push(' ');
    out.push_str(e.kind.as_str());
    if let Some(who) = e.mention {
        out.push_str(" @");
        out.push_str(who);
    }
    if let Some(deal) = e.deal {
        out.push_str(" #");
        out.push_str(&ctx.plan.deals[deal].id);
    }
    out.push_str(": ");
    out.push_str(&e.text);
    out.push('\n');
    if let Some(line) = &e.continuation {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
}

/// Minutes after midnight: office hours for people, any time for automation.
fn entry_minutes(rng: &mut Rng, kind: Kind) -> usize {
    match kind {
        Kind::Call | Kind::Meeting | Kind::Note | Kind::Email | Kind::Stage => {
            rng.range(8 * 12, 18 * 12) * 5
        }
        _ => rng.range(0, 24 * 60 - 1),
    }
}

/// The text after the colon (`stage` texts are filled in after sorting).
fn entry_text(out: &mut String, rng: &mut Rng, kind: Kind, slots: &Slots) {
    match kind {
        Kind::Stage => {}
        Kind::Visit if rng.chance(350) => {
            let _ = write!(out, "/blog/{}", rng.pick(BLOG_SLUGS));
        }
        _ => {
            let template = rng.pick(kind.templates());
            expand(out, template, rng, slots);
            if kind.mentions_teammate() && rng.chance(500) {
                out.push_str("; ");
                let tail = rng.pick(ENTRY_TAILS);
                expand(out, tail, rng, slots);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Word lists
// ---------------------------------------------------------------------------

/// A country: ISO 3166-1 alpha-2 code, dialling code, cities, relative weight.
/// (Norway's unquoted `NO` is kept on purpose: YAML 1.1 parsers read it as a boolean.)
struct Country {
    code: &'static str,
    dial: u32,
    cities: &'static [&'static str],
    weight: u32,
}

/// Names, phrases and other vocabulary the records are built from.
#[rustfmt::skip]
mod words {
    use super::Country;

    pub(super) const COUNTRIES: &[Country] = &[
        Country { code: "GB", dial: 44, cities: &["London", "Manchester", "Edinburgh", "Bristol", "Leeds"], weight: 18 },
        Country { code: "DE", dial: 49, cities: &["Berlin", "Munich", "Hamburg", "Cologne", "Düsseldorf"], weight: 14 },
        Country { code: "US", dial: 1, cities: &["New York", "San Francisco", "Austin", "Chicago", "Boston"], weight: 14 },
        Country { code: "FR", dial: 33, cities: &["Paris", "Lyon", "Toulouse", "Nantes"], weight: 10 },
        Country { code: "NL", dial: 31, cities: &["Amsterdam", "Rotterdam", "Utrecht"], weight: 6 },
        Country { code: "ES", dial: 34, cities: &["Madrid", "Barcelona", "Valencia", "Málaga"], weight: 5 },
        Country { code: "IT", dial: 39, cities: &["Milan", "Rome", "Turin", "Bologna"], weight: 4 },
        Country { code: "IE", dial: 353, cities: &["Dublin", "Cork", "Galway"], weight: 4 },
        Country { code: "SE", dial: 46, cities: &["Stockholm", "Gothenburg", "Malmö"], weight: 3 },
        Country { code: "DK", dial: 45, cities: &["Copenhagen", "Aarhus"], weight: 3 },
        Country { code: "PL", dial: 48, cities: &["Warsaw", "Kraków", "Wrocław"], weight: 3 },
        Country { code: "PT", dial: 351, cities: &["Lisbon", "Porto"], weight: 3 },
        Country { code: "CA", dial: 1, cities: &["Toronto", "Montréal", "Vancouver"], weight: 3 },
        Country { code: "NO", dial: 47, cities: &["Oslo", "Bergen", "Tromsø"], weight: 1 },
        Country { code: "FI", dial: 358, cities: &["Helsinki", "Tampere"], weight: 2 },
        Country { code: "BE", dial: 32, cities: &["Brussels", "Antwerp", "Ghent"], weight: 2 },
        Country { code: "CH", dial: 41, cities: &["Zurich", "Geneva", "Basel"], weight: 2 },
        Country { code: "AT", dial: 43, cities: &["Vienna", "Graz"], weight: 2 },
        Country { code: "AU", dial: 61, cities: &["Sydney", "Melbourne", "Brisbane"], weight: 2 },
        Country { code: "IN", dial: 91, cities: &["Bengaluru", "Mumbai", "Pune"], weight: 2 },
        Country { code: "JP", dial: 81, cities: &["Tokyo", "Osaka"], weight: 1 },
        Country { code: "SG", dial: 65, cities: &["Singapore"], weight: 1 },
        Country { code: "BR", dial: 55, cities: &["São Paulo", "Rio de Janeiro"], weight: 1 },
        Country { code: "NG", dial: 234, cities: &["Lagos", "Abuja"], weight: 1 },
        Country { code: "KE", dial: 254, cities: &["Nairobi"], weight: 1 },
        Country { code: "AE", dial: 971, cities: &["Dubai", "Abu Dhabi"], weight: 1 },
    ];

    pub(super) const NANP_AREAS: &[&str] = &[
        "212", "415", "312", "617", "512", "206", "416", "604",
    ];

    pub(super) const FIRST_NAMES: &[&str] = &[
        // English / Irish
        "Ada", "Alan", "Grace", "Oliver", "Amelia", "Harry", "Isla", "Jack", "Emily", "George",
        "Sophie", "Thomas",
        "Charlotte", "James", "Hannah", "William", "Lucy", "Daniel", "Megan", "Samuel", "Niamh",
        "Siobhan", "Eoin",
        "Zoë", "Ruth", "Owen",
        // German / Dutch
        "Lukas", "Leonie", "Felix", "Anna", "Maximilian", "Lena", "Jonas", "Marie", "Katrin",
        "Matthias", "Jürgen",
        "Jörg", "Sabine", "Daan", "Sanne", "Bram", "Fleur", "Joost", "Anouk",
        // French
        "Camille", "Louis", "Chloé", "Hugo", "Léa", "Julien", "Manon", "Mathieu", "Émilie",
        "Antoine", "Hélène",
        "François",
        // Spanish / Portuguese / Italian
        "José", "María", "Sofía", "Javier", "Lucía", "Carlos", "Elena", "Alejandro", "Inês", "João",
        "Ana", "Pedro",
        "Beatriz", "Gonçalo", "Giulia", "Marco", "Francesca", "Luca", "Chiara", "Alessandro",
        "Mateus", "Thiago",
        "Camila", "Valentina", "Diego",
        // Nordic / Finnish
        "Søren", "Freja", "Mads", "Ingrid", "Björn", "Astrid", "Lars", "Sigrid", "Mikko", "Aino",
        "Åsa",
        // Central / Eastern European
        "Łukasz", "Zofia", "Piotr", "Agnieszka", "Tomáš", "Kateřina", "Dmitri", "Olga", "Irina",
        "Nikos", "Eleni",
        // Turkish / Arabic / Hebrew
        "Ayşe", "Mehmet", "Elif", "Emre", "Omar", "Layla", "Youssef", "Fatima", "Karim", "Nour",
        "Hassan", "Noa",
        // South Asian
        "Priya", "Arjun", "Ananya", "Rohan", "Kavya", "Vikram", "Aditi", "Rahul", "Neha", "Sanjay",
        // East / South-East Asian
        "Wei", "Jing", "Hao", "Xin", "Mei", "Haruto", "Yui", "Sota", "Aoi", "Kenji", "Yuki",
        "Min-jun", "Seo-yeon",
        "Ji-ho", "Minh", "Linh", "Thanh",
        // African
        "Chidi", "Amara", "Kwame", "Ama", "Oluwaseun", "Ngozi", "Tendai", "Wanjiru", "Kofi",
        // Oceanian and others
        "Aroha", "Tane", "Mia", "Noah", "Leila",
    ];

    pub(super) const SURNAMES: &[&str] = &[
        "Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Walker", "Wright", "Robinson",
        "Thompson", "Hughes",
        "Clarke", "Murphy", "O'Brien", "O'Connor", "Kelly", "Byrne", "Walsh", "MacDonald",
        "Campbell", "Fraser",
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Schäfer",
        "Koch", "Richter",
        "Dubois", "Martin", "Bernard", "Lefèvre", "Moreau", "Laurent", "Girard", "Fontaine",
        "García", "Fernández",
        "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Ruiz", "Silva", "Santos", "Oliveira",
        "Costa", "Ferreira",
        "Gonçalves", "Rossi", "Russo", "Bianchi", "Romano", "Colombo", "Ricci", "De Luca",
        "van Dijk", "de Vries",
        "Jansen", "Bakker", "Visser", "van der Berg", "Nielsen", "Jensen", "Hansen", "Andersen",
        "Johansson",
        "Lindqvist", "Nyström", "Virtanen", "Korhonen", "Kowalski", "Nowak", "Wiśniewski", "Dvořák",
        "Novák",
        "Horváth", "Nagy", "Popescu", "Jovanović", "Yılmaz", "Kaya", "Demir", "Şahin", "Patel",
        "Khan", "Sharma",
        "Gupta", "Iyer", "Reddy", "Nair", "Mehta", "Chatterjee", "Kaur", "Singh", "Ahmed", "Rahman",
        "Wang", "Li",
        "Zhang", "Liu", "Chen", "Huang", "Zhao", "Tanaka", "Suzuki", "Sato", "Takahashi",
        "Watanabe", "Yamamoto",
        "Kim", "Park", "Lee", "Choi", "Nguyen", "Tran", "Pham", "Adeyemi", "Mensah", "Okonkwo",
        "Mwangi", "Abubakar",
        "Haddad", "Mansour", "Nasser", "Khalil", "Ivanova", "Petrov", "Papadopoulos", "Georgiou",
        "Cohen", "Levi",
    ];

    pub(super) const NAME_PREFIXES: &[&str] = &[
        "Blue", "North", "Silver", "Red", "Green", "Iron", "Swift", "Clear", "Quantum", "Atlas",
        "Nova", "Cedar",
        "Maple", "Harbor", "Summit", "Pine", "Orbit", "Vertex", "Lumen", "Polar", "Crimson",
        "Golden", "Stone",
        "River", "Falcon", "Aurora", "Zenith", "Cobalt", "Ember", "Delta", "Echo", "Granite",
        "Juniper", "Kestrel",
        "Lattice", "Meridian", "Nimbus", "Onyx", "Pioneer", "Quill", "Radiant", "Sable", "Tidal",
        "Vivid", "Willow",
        "Zephyr", "Apex", "Beacon", "Copper", "Drift", "Elm", "Fern", "Glacier", "Hollow", "Indigo",
        "Jade",
        "Keystone", "Lark", "Mosaic", "Nordic", "Oak", "Pixel", "Sterling", "Thistle", "Urban",
        "Wren",
    ];

    pub(super) const NAME_ROOTS: &[&str] = &[
        "gate", "field", "stone", "bridge", "point", "line", "spark", "path", "forge", "leaf",
        "works", "peak", "wood",
        "light", "view", "brook", "crest", "mark", "shore", "ridge", "well", "haven", "port",
        "vale",
    ];

    pub(super) const NAME_NOUNS: &[&str] = &[
        "Analytics", "Labs", "Systems", "Logistics", "Health", "Foods", "Energy", "Capital",
        "Robotics", "Software",
        "Media", "Studio", "Partners", "Dynamics", "Networks", "Cloud", "Biotech", "Retail",
        "Motors", "Freight",
        "Learning", "Legal", "Insurance", "Design", "Data", "Security", "Consulting", "Ventures",
        "Supply", "Pharma",
    ];

    pub(super) const LEGAL_SUFFIXES: &[&str] = &[
        "GmbH", "Ltd", "Inc.", "SAS", "B.V.", "AB", "Oy", "S.L.", "S.p.A.", "ApS", "AG", "LLC",
        "Pty Ltd",
    ];

    pub(super) const INDUSTRIES: &[&str] = &[
        "Software", "Financial Services", "Healthcare", "Manufacturing", "Retail", "Logistics",
        "Education", "Media",
        "Energy", "Real Estate", "Hospitality", "Consulting", "Telecommunications", "Biotech",
        "E-commerce", "Legal",
        "Nonprofit", "Construction", "Agriculture", "Automotive", "Insurance", "Marketing",
    ];

    pub(super) const TITLES: &[&str] = &[
        "CEO", "CTO", "CFO", "COO", "Founder", "Co-founder", "VP Sales", "VP Marketing",
        "VP Engineering",
        "Head of Operations", "Head of Growth", "Head of Customer Success", "Head of Data",
        "Marketing Manager",
        "Sales Manager", "Account Executive", "Sales Development Representative", "Product Manager",
        "Senior Product Manager", "Engineering Manager", "Software Engineer", "Data Analyst",
        "Operations Manager",
        "Office Manager", "Procurement Lead", "IT Director", "Finance Director",
        "HR Business Partner",
        "Customer Success Manager", "Solutions Architect", "Marketing Coordinator",
        "Chief of Staff",
        "Managing Director", "Consultant", "Project Manager", "Revenue Operations Lead",
        "Growth Marketer",
        "Content Lead", "Design Lead", "Director, EMEA Sales",
    ];

    pub(super) const STAFF_TITLES: &[&str] = &[
        "Account Executive", "Customer Success Manager", "Support Engineer", "Marketing Manager",
        "Sales Engineer",
        "Office Manager", "Product Designer", "Backend Engineer",
    ];

    pub(super) const SOURCES: &[(&str, u32)] = &[
        ("website-form", 25),
        ("webinar", 12),
        ("event", 12),
        ("referral", 10),
        ("import", 12),
        ("outbound", 12),
        ("partner", 5),
        ("content-download", 12),
    ];

    /// Free-mail domains with their popularity.
    pub(super) const FREEMAIL: &[(&str, u32)] = &[
        ("gmail.example", 40),
        ("outlook.example", 20),
        ("proton.example", 10),
        ("yahoo.example", 10),
        ("icloud.example", 10),
        ("fastmail.example", 5),
        ("web.example", 5),
    ];

    pub(super) const PERSON_TAGS: &[&str] = &[
        "newsletter", "webinar", "event", "trial", "beta", "champion", "decision-maker",
        "technical", "budget-holder",
        "vip", "churn-risk", "upsell", "speaker", "press", "investor", "enterprise", "smb",
        "gdpr-consent",
        "nps-promoter", "nps-detractor", "onboarding", "renewal", "early-adopter", "advisor",
    ];

    pub(super) const COMPANY_TAGS: &[&str] = &[
        "saas", "fintech", "enterprise", "smb", "mid-market", "partner", "reseller",
        "target-account", "churned",
        "expansion", "strategic", "public-sector", "agency", "startup", "healthtech",
    ];

    pub(super) const UNQUALIFIED_REASONS: &[&str] = &[
        "No budget this year",
        "Too small for our plans",
        "Student project",
        "Works at a competitor",
        "No response after five touches",
        "Outside our service regions",
        "Already locked into a multi-year contract",
    ];

    pub(super) const LOST_REASONS: &[&str] = &[
        "Chose a competitor",
        "No budget",
        "Timing - revisit next year",
        "No decision made",
        "Missing SSO integration",
        "Price too high",
        "Champion left the company",
    ];

    pub(super) const DEAL_OFFERINGS: &[&str] = &[
        "Annual plan", "Team expansion", "Enterprise upgrade", "Pilot", "Renewal",
        "Onboarding package",
        "Additional seats", "Multi-year contract", "Data migration", "Premium support",
        "Starter plan",
    ];

    pub(super) const TRAILING_COMMENTS: &[&str] = &[
        "verified by phone", "per LinkedIn", "check with finance", "from the old CRM",
        "TODO confirm", "see notes",
    ];

    pub(super) const COMMENT_LINES: &[&str] = &[
        "Imported from the legacy CRM export",
        "Reviewed during the quarterly data clean-up",
        "Do not edit by hand: synced nightly",
        "Fields below were merged from a duplicate",
    ];

    pub(super) const SUMMARY_FIRST: &[&str] = &[
        "Met at the {city} {event}.", "Came in through {company}.",
        "Long-time contact of {teammate}.", "Key contact for {usecase}.",
    ];

    pub(super) const SUMMARY_SECOND: &[&str] = &[
        "Interested in {feature}.", "Main pain point: {pain}.", "Revisit {when}.",
        "Prefers {channel}.",
    ];

    pub(super) const PERSON_NOTES: &[&str] = &[
        "Met {first} at the {city} {event}; we mostly talked about {topic} and how the team handles it today.",
        "{first} reached out after reading our post on {topic} and asked for a short walkthrough.",
        "Evaluating us against {competitor}, mainly on price and on how painful the migration would be.",
        "Main pain point is {pain}, which costs the team a few hours every week.",
        "Team of roughly {n} people, growing {growth}, most of them based in {city}.",
        "Very interested in {feature}; wants to understand how it would fit their current process.",
        "Budget is approved for {quarter}, but procurement still has to sign off.",
        "Prefers {channel} over {channel} and usually answers within a day.",
        "Asked for a follow-up {when}, once their internal review is done.",
        "Currently running everything out of {tool}, which nobody on the team enjoys.",
        "Introduced by {teammate} after a call with {company}.",
        "Has strong opinions about {topic} and is happy to share them.",
        "Wants to see {feature} in action before committing to anything.",
        "Decision expected {when}; the {exec} has the final say.",
        "Reports to the {exec} and owns the tooling budget for the team.",
    ];

    pub(super) const COMPANY_NOTES: &[&str] = &[
        "{company} is consolidating vendors this year and wants fewer, better tools.",
        "Procurement requires {requirement} before any contract is signed.",
        "Main office in {city}, with a smaller team working remotely across two time zones.",
        "Expanding into {region} over the next year, which will roughly double the sales team.",
        "Uses us mainly for {usecase}, with a second team looking at {usecase}.",
        "Currently running everything out of {tool}; the migration is the main risk.",
        "Budget cycle closes in {month}, so proposals need to land a month earlier.",
        "Our main contact is {first}; the {exec} signs off on every purchase.",
        "Evaluating us against {competitor}, with a decision expected {when}.",
        "Roughly {n} people would use the product once it is rolled out to every team.",
    ];

    pub(super) const DEAL_NOTES: &[&str] = &[
        "Champion is {first}, who has been pushing for this internally for months.",
        "Legal review is in progress; their team asked for changes to the liability clause.",
        "Needs {feature} to close, otherwise the {exec} will not sign.",
        "Competing with {competitor}; our edge is {feature}.",
        "Pricing was approved by the {exec} after a second round of discounts.",
        "Procurement requires {requirement}, which may push the close date.",
        "Scoped for {n} seats in the first year, with an option to expand.",
        "Decision expected {when}, pending a final reference call.",
        "Kick-off planned in {city} once the contract is signed.",
    ];

    pub(super) const PERSON_BULLETS: &[&str] = &[
        "Prefers {channel}",
        "Based in {city}",
        "Reports to the {exec}",
        "Budget cycle ends in {month}",
        "Assistant handles scheduling",
        "Do not call before 10:00",
        "Uses {tool} today",
        "Cares most about {feature}",
    ];

    pub(super) const COMPANY_BULLETS: &[&str] = &[
        "Head office in {city}",
        "Invoices go to the finance team, PO number required",
        "Security questionnaire completed in {month}",
        "Main use case: {usecase}",
        "Procurement requires {requirement}",
        "Expanding into {region}",
    ];

    pub(super) const DEAL_BULLETS: &[&str] = &[
        "Champion: {first}",
        "Blocker: {pain}",
        "Must have: {feature}",
        "Paper process requires {requirement}",
        "Competition: {competitor}",
    ];

    pub(super) const NOTE_ENTRIES: &[&str] = &[
        "Quick sync with {first}; {status}",
        "{first} mentioned {pain} again, worth raising with product",
        "{first} is the main point of contact from now on",
        "Flagged for {teammate} to follow up {when}",
        "Logged feedback about {feature}: mostly positive, a few rough edges",
        "Internal review of the account: {status}",
    ];

    pub(super) const CALL_ENTRIES: &[&str] = &[
        "Discovery call with {first}, {pain} is the main issue",
        "Left a voicemail, will try again {when}",
        "Walked through pricing for {n} seats and the annual discount",
        "Call with {first} about the rollout plan and training",
        "Check-in call with {first}: {status}",
        "Intro call with the {exec}, who wants a business case",
    ];

    pub(super) const EMAIL_ENTRIES: &[&str] = &[
        "Sent {asset} as promised on the call",
        "Sent a follow-up after the demo with the recording",
        "Shared a case study from a {industry} customer",
        "Sent the order form and the DPA for review",
        "Sent a recap of the meeting and the agreed next steps",
        "Sent a calendar invite for the follow-up {when}",
    ];

    pub(super) const REPLY_ENTRIES: &[&str] = &[
        "Asked how {feature} works with their setup",
        "Interested, wants a call {when}",
        "Not the right time, try again {when}",
        "Questions about pricing for {n} seats",
        "Out-of-office auto reply, back {when}",
        "Looping in the {exec} for the next conversation",
    ];

    pub(super) const MEETING_ENTRIES: &[&str] = &[
        "Demo with {first} and two colleagues from the {dept} team",
        "Quarterly business review with {first}: {status}",
        "Onboarding session covering imports and {feature}",
        "Kick-off with the {dept} team",
        "Workshop on {feature} with {first}",
        "Lunch in {city} with {first}",
    ];

    pub(super) const VISIT_PATHS: &[&str] = &[
        "/pricing", "/docs/connectors", "/docs/getting-started", "/docs/api", "/features",
        "/customers", "/security",
        "/integrations", "/about", "/careers", "/changelog", "/contact",
    ];

    pub(super) const BLOG_SLUGS: &[&str] = &[
        "local-first-crm", "pipeline-hygiene-101", "why-markdown",
        "forecasting-without-spreadsheets",
        "git-for-sales-teams", "gdpr-checklist", "release-notes-2-0", "customer-story-northwind",
    ];

    pub(super) const EMAIL_OPEN_ENTRIES: &[&str] = &[
        "Opened \"{campaign}\"", "Opened \"{campaign}\" (2nd time)",
    ];
    pub(super) const DOWNLOAD_ENTRIES: &[&str] = &["Downloaded {asset}"];
    pub(super) const WEBINAR_ENTRIES: &[&str] = &[
        "Attended \"{webinar}\"", "Registered for \"{webinar}\"",
        "Watched the recording of \"{webinar}\"",
    ];
    pub(super) const FORM_ENTRIES: &[&str] = &["Submitted the {form} form"];
    pub(super) const DEMO_ENTRIES: &[&str] = &[
        "Requested a demo for a team of {n}", "Requested a demo from the pricing page",
    ];
    pub(super) const IMPORT_ENTRIES: &[&str] = &["Imported from {import}"];
    pub(super) const WORKFLOW_ENTRIES: &[&str] = &[
        "Enrolled in \"{workflow}\"", "Completed \"{workflow}\"",
        "Assigned to {teammate} by round-robin",
    ];

    /// Optional clauses appended to entries logged by a teammate.
    pub(super) const ENTRY_TAILS: &[&str] = &[
        "next step is to {next}",
        "{first} will loop in the {exec}",
        "they want an answer {when}",
        "{teammate} to prepare {asset}",
        "main concern is still {pain}",
        "positive overall, {status}",
    ];

    pub(super) const CONTINUATIONS: &[&str] = &[
        "Next step: {next}.",
        "{first} asked to keep {teammate} in the loop.",
        "Mentioned {pain} as a blocker for the wider rollout.",
        "Follow up {when} if there is no reply.",
    ];

    pub(super) const EVENTS: &[&str] = &[
        "meetup", "conference", "trade show", "roundtable", "user group", "breakfast briefing",
    ];
    pub(super) const TOPICS: &[&str] = &[
        "pipeline hygiene", "local-first software", "data ownership", "forecasting",
        "sales handoffs",
        "email deliverability", "GDPR compliance", "churn reduction",
    ];
    pub(super) const COMPETITORS: &[&str] = &[
        "a spreadsheet", "their in-house tool", "a legacy CRM", "two other vendors",
        "an open-source stack",
    ];
    pub(super) const PAINS: &[&str] = &[
        "duplicate contacts", "slow reporting", "manual data entry", "lost follow-ups",
        "messy handoffs between sales and support", "keeping the pipeline up to date",
    ];
    pub(super) const FEATURES: &[&str] = &[
        "the API", "offline sync", "the import tool", "custom fields", "the reporting views",
        "bulk editing",
        "the git-based history", "SSO",
    ];
    pub(super) const GROWTH: &[&str] = &["fast", "slowly", "steadily", "about 20% a year"];
    pub(super) const QUARTERS: &[&str] = &[
        "Q1", "Q2", "Q3", "Q4", "next quarter", "the next fiscal year",
    ];
    pub(super) const CHANNELS: &[&str] = &[
        "email", "phone", "video calls", "Slack", "in-person meetings",
    ];
    pub(super) const WHENS: &[&str] = &[
        "next week", "in two weeks", "after the holidays", "at the end of the month",
        "next quarter",
    ];
    pub(super) const TOOLS: &[&str] = &[
        "spreadsheets", "a shared inbox", "sticky notes and memory", "an old Access database",
        "three different tools",
    ];
    pub(super) const EXECS: &[&str] = &["CEO", "CFO", "CTO", "VP of Sales", "Head of Operations"];
    pub(super) const STATUSES: &[&str] = &[
        "all good", "waiting on legal", "needs pricing", "asked for a reference customer",
        "pilot going well",
    ];
    pub(super) const ASSETS: &[&str] = &[
        "the pricing sheet", "the security whitepaper", "the 2025 benchmark report",
        "the ROI calculator",
        "the migration guide", "the product one-pager", "the case study pack",
    ];
    pub(super) const INDUSTRY_WORDS: &[&str] = &[
        "retail", "logistics", "healthcare", "fintech", "manufacturing", "education",
    ];
    pub(super) const DEPARTMENTS: &[&str] = &[
        "sales", "marketing", "support", "operations", "finance", "IT",
    ];
    pub(super) const CAMPAIGNS: &[&str] = &[
        "Monthly product update", "Webinar invitation", "Your trial ends soon", "New: offline sync",
        "Customer stories", "Pricing changes", "Welcome to Brightwave",
    ];
    pub(super) const WEBINARS: &[&str] = &[
        "Pipeline reviews that work", "Local-first CRM in practice", "Forecasting 101",
        "Automating follow-ups",
        "From spreadsheets to CRM",
    ];
    pub(super) const FORMS: &[&str] = &[
        "contact", "newsletter signup", "demo request", "pricing enquiry", "partner application",
        "event registration",
    ];
    pub(super) const IMPORTS: &[&str] = &[
        "the trade-show scan list", "the legacy CRM export", "the webinar attendee list",
        "a partner referral sheet",
        "the newsletter platform export",
    ];
    pub(super) const WORKFLOWS: &[&str] = &[
        "Welcome series", "Trial nurture", "Re-engagement", "Event follow-up",
        "Onboarding checklist",
    ];
    pub(super) const NEXT_STEPS: &[&str] = &[
        "send the proposal", "book a technical deep-dive", "intro to the CFO",
        "share security docs",
        "confirm seat count",
    ];
    pub(super) const REGIONS: &[&str] = &[
        "the Nordics", "DACH", "North America", "Southern Europe", "APAC",
    ];
    pub(super) const USE_CASES: &[&str] = &[
        "partner management", "inbound sales", "account management", "fundraising", "recruiting",
    ];
    pub(super) const REQUIREMENTS: &[&str] = &[
        "a signed DPA", "SSO and audit logs", "three supplier quotes", "an on-site security review",
        "EU data residency",
    ];
    pub(super) const MONTHS: &[&str] = &["January", "March", "June", "September", "December"];
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, HashMap};

    /// A scratch directory removed on drop; `.0` is where the workspace is generated.
    struct TempDir(PathBuf, #[allow(dead_code)] tempfile::TempDir);

    impl TempDir {
        fn new(tag: &str) -> TempDir {
            let dir = tempfile::Builder::new()
                .prefix(&format!("kith-gen-{tag}-"))
                .tempdir()
                .unwrap();
            TempDir(dir.path().join("ws"), dir)
        }
    }

    fn opts(records: usize, seed: u64) -> GenOptions {
        GenOptions {
            records,
            seed,
            today: Date::new(2025, 6, 15).unwrap(),
        }
    }

    fn generate_into(tag: &str, records: usize, seed: u64) -> (TempDir, GenSummary) {
        let dir = TempDir::new(tag);
        let summary = generate(&dir.0, &opts(records, seed)).unwrap();
        (dir, summary)
    }

    /// Every file under `root`, keyed by relative path.
    fn read_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path
                        .strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    files.insert(rel, std::fs::read(&path).unwrap());
                }
            }
        }
        files
    }

    /// A parsed record: top-level scalar fields, flow/block lists, and body.
    struct Record {
        id: String,
        fields: HashMap<String, String>,
        lists: HashMap<String, Vec<String>>,
        body: String,
    }

    fn unquote(v: &str) -> String {
        let v = match v.find(" #") {
            Some(i) if !v.starts_with('"') && !v.starts_with('\'') => v[..i].trim_end(),
            _ => v,
        };
        if let Some(inner) = v.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
            inner.replace("\\\"", "\"").replace("\\\\", "\\")
        } else if let Some(inner) = v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
            inner.replace("''", "'")
        } else {
            v.to_owned()
        }
    }

    /// Minimal parser for the generator's own output (not a YAML parser).
    fn parse(name: &str, bytes: &[u8]) -> Record {
        let text = String::from_utf8(bytes.to_vec())
            .unwrap()
            .replace("\r\n", "\n");
        let rest = text
            .strip_prefix("---\n")
            .unwrap_or_else(|| panic!("{name}: no opening fence"));
        let end = rest
            .find("\n---\n")
            .unwrap_or_else(|| panic!("{name}: no closing fence"));
        let (front, body) = (&rest[..end + 1], &rest[end + 5..]);
        let mut fields = HashMap::new();
        let mut lists: HashMap<String, Vec<String>> = HashMap::new();
        let mut last_key = String::new();
        for line in front.lines() {
            if line.starts_with('#') {
                continue;
            }
            if let Some(item) = line.strip_prefix("  - ") {
                lists
                    .entry(last_key.clone())
                    .or_default()
                    .push(item.to_owned());
                continue;
            }
            if line.starts_with("  ") {
                continue; // literal block content
            }
            let (key, value) = line
                .split_once(':')
                .unwrap_or_else(|| panic!("{name}: bad line {line:?}"));
            let value = value.trim();
            last_key = key.to_owned();
            if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
                lists.insert(
                    key.to_owned(),
                    inner.split(", ").map(str::to_owned).collect(),
                );
            } else if !value.is_empty() {
                fields.insert(key.to_owned(), unquote(value));
            }
        }
        let id = name
            .rsplit('/')
            .next()
            .unwrap()
            .trim_end_matches(".md")
            .to_owned();
        Record {
            id,
            fields,
            lists,
            body: body.to_owned(),
        }
    }

    fn records(root: &Path, dir: &str) -> Vec<Record> {
        read_tree(&root.join(dir))
            .iter()
            .map(|(name, bytes)| parse(name, bytes))
            .collect()
    }

    #[test]
    fn same_seed_gives_identical_bytes() {
        let (a, _) = generate_into("det-a", 1000, 42);
        let (b, _) = generate_into("det-b", 1000, 42);
        assert!(read_tree(&a.0) == read_tree(&b.0));
    }

    #[test]
    fn different_seed_gives_different_bytes() {
        let (a, _) = generate_into("seed-a", 300, 1);
        let (b, _) = generate_into("seed-b", 300, 2);
        assert!(read_tree(&a.0) != read_tree(&b.0));
    }

    #[test]
    fn counts_ids_and_emails() {
        let (dir, summary) = generate_into("counts", 1000, 7);
        assert_eq!(summary.people + summary.companies + summary.deals, 1000);
        assert_eq!(
            (summary.people, summary.companies, summary.deals),
            (840, 100, 60)
        );
        let people = records(&dir.0, CONTACTS_DIR);
        assert_eq!(people.len(), summary.people);
        assert_eq!(records(&dir.0, COMPANIES_DIR).len(), summary.companies);
        assert_eq!(records(&dir.0, DEALS_DIR).len(), summary.deals);

        let tree = read_tree(&dir.0);
        let mut ids = HashSet::new();
        for name in tree.keys().filter(|n| n.ends_with(".md")) {
            let id = name.rsplit('/').next().unwrap().trim_end_matches(".md");
            assert!(
                !id.is_empty()
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{id}"
            );
            assert!(
                !id.starts_with('-') && !id.ends_with('-') && !id.contains("--"),
                "{id}"
            );
            assert!(ids.insert(id.to_owned()), "duplicate id {id}");
        }

        let mut emails = HashSet::new();
        for p in &people {
            let all = std::iter::once(&p.fields["email"])
                .chain(p.lists.get("emails").into_iter().flatten());
            for email in all {
                let (local, domain) = email.split_once('@').unwrap();
                assert!(
                    !local.is_empty() && domain.ends_with(".example") && !domain.contains('@'),
                    "{email}"
                );
                assert!(email.is_ascii() && !email.contains(' '), "{email}");
                assert!(
                    emails.insert(email.to_ascii_lowercase()),
                    "duplicate email {email}"
                );
            }
        }
        assert_eq!(
            summary.bytes,
            tree.values().map(|b| b.len() as u64).sum::<u64>()
        );
    }

    #[test]
    fn references_point_to_existing_records() {
        let (dir, _) = generate_into("refs", 1000, 11);
        let people = records(&dir.0, CONTACTS_DIR);
        let companies = records(&dir.0, COMPANIES_DIR);
        let deals = records(&dir.0, DEALS_DIR);
        let person_ids: HashSet<&str> = people.iter().map(|r| r.id.as_str()).collect();
        let company_ids: HashSet<&str> = companies.iter().map(|r| r.id.as_str()).collect();
        let deal_ids: HashSet<&str> = deals.iter().map(|r| r.id.as_str()).collect();

        let with_company = people
            .iter()
            .filter(|p| p.fields.contains_key("company"))
            .count();
        assert!(
            (550..=700).contains(&with_company),
            "{with_company} of {} people have a company",
            people.len()
        );
        for p in &people {
            if let Some(c) = p.fields.get("company") {
                assert!(
                    company_ids.contains(c.as_str()),
                    "{}: unknown company {c}",
                    p.id
                );
            }
        }
        for d in &deals {
            assert!(
                company_ids.contains(d.fields["company"].as_str()),
                "{}",
                d.id
            );
            let contacts = &d.lists["contacts"];
            assert!((1..=3).contains(&contacts.len()), "{}", d.id);
            for c in contacts {
                assert!(
                    person_ids.contains(c.as_str()),
                    "{}: unknown contact {c}",
                    d.id
                );
            }
            let lost = d.fields["stage"] == "closed-lost";
            assert_eq!(lost, d.fields.contains_key("lost_reason"), "{}", d.id);
        }
        let mut deal_refs = 0;
        for r in people.iter().chain(&companies).chain(&deals) {
            for word in r
                .body
                .split_whitespace()
                .filter(|w| w.starts_with('#') && w.ends_with(':'))
            {
                deal_refs += 1;
                let id = &word[1..word.len() - 1];
                assert!(deal_ids.contains(id), "{}: unknown deal {id}", r.id);
            }
        }
        assert!(deal_refs > 0);
    }

    #[test]
    fn person_fields_follow_the_rules() {
        let (dir, _) = generate_into("rules", 1000, 5);
        for p in records(&dir.0, CONTACTS_DIR) {
            let life = p.fields.get("lifecycle").map(String::as_str);
            let status = p.fields.get("lead_status").map(String::as_str);
            assert_eq!(
                status.is_some(),
                matches!(life, Some("lead" | "mql" | "sql")),
                "{}",
                p.id
            );
            assert_eq!(
                status == Some("unqualified"),
                p.fields.contains_key("unqualified_reason"),
                "{}",
                p.id
            );
            assert_eq!(
                life == Some("other"),
                p.fields.contains_key("other_reason"),
                "{}",
                p.id
            );
            if p.fields.get("other_reason").map(String::as_str) == Some("staff") {
                assert!(
                    p.fields["email"].ends_with("@brightwave.example"),
                    "{}",
                    p.id
                );
            } else {
                assert!(
                    !p.fields["email"]
                        .to_ascii_lowercase()
                        .ends_with("@brightwave.example"),
                    "{}",
                    p.id
                );
            }
            if let Some(changed) = p.fields.get("lifecycle_changed") {
                assert!(changed >= &p.fields["created"], "{}", p.id);
            }
            let country = &p.fields["country"];
            assert!(
                country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()),
                "{}",
                p.id
            );
        }
    }

    #[test]
    fn activity_is_oldest_first_and_in_window() {
        let (dir, _) = generate_into("activity", 1000, 3);
        let today = "2025-06-15";
        let window_start = "2025-02-15"; // 120 days before today
        for dir_name in [CONTACTS_DIR, COMPANIES_DIR, DEALS_DIR] {
            for r in records(&dir.0, dir_name) {
                let created = &r.fields["created"];
                let mut previous = String::new();
                for line in r.body.lines().filter(|l| l.starts_with("- 20")) {
                    let date = &line[2..12];
                    assert!(
                        date >= window_start && date <= today && date >= created.as_str(),
                        "{}: {line}",
                        r.id
                    );
                    let head = line[13..].split(':').next().unwrap(); // [HH]: may follow
                    let stamp = if head.len() == 2 {
                        line[2..18].to_owned()
                    } else {
                        format!("{date} --:--")
                    };
                    assert!(stamp >= previous, "{}: out of order at {line}", r.id);
                    previous = stamp;
                }
            }
        }
    }

    #[test]
    fn stage_entries_progress_to_the_current_stage() {
        let (dir, _) = generate_into("stages", 1000, 17);
        let deal_order: Vec<&str> = DEAL_STAGES.iter().map(|&(s, _)| s).collect();
        let mut checked = 0;
        for d in records(&dir.0, DEALS_DIR) {
            let stages: Vec<&str> = d
                .body
                .lines()
                .filter(|l| l.contains(" stage"))
                .filter_map(|l| l.split_once(" → "))
                .map(|(_, s)| s)
                .collect();
            let ranks: Vec<usize> = stages
                .iter()
                .map(|s| deal_order.iter().position(|o| o == s).unwrap())
                .collect();
            assert!(
                ranks.windows(2).all(|w| w[0] < w[1]),
                "{}: {stages:?}",
                d.id
            );
            if let Some(last) = stages.last() {
                checked += 1;
                assert_eq!(*last, d.fields["stage"], "{}", d.id);
            }
            if d.fields["stage"].starts_with("closed-") {
                let close = &d.fields["close_date"];
                for line in d.body.lines().filter(|l| l.starts_with("- 20")) {
                    assert!(
                        &line[2..12] <= close.as_str(),
                        "{}: activity after closing: {line}",
                        d.id
                    );
                }
                if let Some(line) = d
                    .body
                    .lines()
                    .find(|l| l.contains(" stage") && l.contains("→ closed-"))
                {
                    assert_eq!(&line[2..12], close.as_str(), "{}", d.id);
                }
            }
        }
        assert!(checked > 0);
        for p in records(&dir.0, CONTACTS_DIR) {
            let last = p
                .body
                .lines()
                .rev()
                .find(|l| l.contains(" stage") && l.contains(" → "));
            if let Some(line) = last {
                assert!(
                    line.ends_with(&format!(" {}", p.fields["lifecycle"])),
                    "{}: {line}",
                    p.id
                );
                if let Some(changed) = p.fields.get("lifecycle_changed") {
                    assert_eq!(&line[2..12], changed.as_str(), "{}", p.id);
                }
            }
        }
    }

    #[test]
    fn files_start_with_a_frontmatter_fence() {
        let (dir, _) = generate_into("fence", 1000, 9);
        let tree = read_tree(&dir.0);
        let mut crlf = 0;
        for (name, bytes) in tree.iter().filter(|(n, _)| n.ends_with(".md")) {
            assert!(
                bytes.starts_with(b"---\n") || bytes.starts_with(b"---\r\n"),
                "{name}"
            );
            if bytes.starts_with(b"---\r\n") {
                crlf += 1;
                assert!(
                    !bytes.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r'),
                    "{name}: mixed line endings"
                );
            }
        }
        assert!(crlf > 0);
        assert_eq!(tree[CONFIG_FILE], KITH_YAML.as_bytes());
    }

    #[test]
    fn average_size_is_about_one_kilobyte() {
        let (_dir, summary) = generate_into("size", 1000, 13);
        let average = (summary.bytes - KITH_YAML.len() as u64) / 1000;
        assert!((700..=1300).contains(&average), "average {average} bytes");
    }

    #[test]
    fn small_workspaces() {
        for (n, expected) in [
            (0, (0, 0, 0)),
            (1, (1, 0, 0)),
            (2, (1, 1, 0)),
            (3, (1, 1, 1)),
            (10, (8, 1, 1)),
        ] {
            let (_dir, s) = generate_into("small", n, 1);
            assert_eq!((s.people, s.companies, s.deals), expected, "n = {n}");
        }
    }

    #[test]
    fn refuses_a_workspace_with_records() {
        let (dir, _) = generate_into("refuse", 20, 1);
        let err = generate(&dir.0, &opts(20, 1)).unwrap_err();
        assert!(
            err.to_string().contains("already contains records"),
            "{err}"
        );
    }

    #[test]
    fn io_errors_carry_the_path() {
        let dir = TempDir::new("ioerr");
        std::fs::create_dir_all(&dir.0).unwrap();
        std::fs::write(dir.0.join(CONTACTS_DIR), "not a directory").unwrap();
        let err = generate(&dir.0, &opts(10, 1)).unwrap_err();
        assert!(format!("{err:#}").contains(CONTACTS_DIR), "{err:#}");
    }

    #[test]
    fn names_transliterate_to_ascii() {
        for name in FIRST_NAMES.iter().chain(SURNAMES).chain(NAME_PREFIXES) {
            for c in name.chars().flat_map(char::to_lowercase) {
                assert!(
                    c.is_ascii()
                        || deunicode::deunicode_char(c)
                            .is_some_and(|t| t.chars().all(|t| t.is_ascii_alphabetic())),
                    "no transliteration for {c:?} in {name}"
                );
            }
            assert!(
                !email_part(name).is_empty() && email_part(name).is_ascii(),
                "{name}"
            );
        }
        assert_eq!(slugify("Zoë O'Brien"), "zoe-obrien");
        assert_eq!(slugify("Søren van der Berg"), "soren-van-der-berg");
        assert_eq!(slugify("Weber & Tanaka - Pilot"), "weber-tanaka-pilot");
        assert_eq!(email_part("Gonçalves"), "goncalves");
    }

    #[test]
    fn plain_scalars_need_no_quoting() {
        let lists: &[&[&str]] = &[
            FIRST_NAMES,
            SURNAMES,
            NAME_PREFIXES,
            NAME_NOUNS,
            LEGAL_SUFFIXES,
            INDUSTRIES,
            TITLES,
            STAFF_TITLES,
            PERSON_TAGS,
            COMPANY_TAGS,
            UNQUALIFIED_REASONS,
            LOST_REASONS,
            DEAL_OFFERINGS,
            TRAILING_COMMENTS,
        ];
        for word in lists.iter().flat_map(|l| l.iter()) {
            assert!(
                !word.contains(": ") && !word.contains(" #") && !word.ends_with(':'),
                "{word}"
            );
            assert!(
                !word.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c)),
                "{word}"
            );
            assert_eq!(word.trim(), *word);
        }
        for tag in PERSON_TAGS.iter().chain(COMPANY_TAGS) {
            assert!(
                tag.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{tag}"
            );
        }
    }

    #[test]
    fn templates_use_known_slots() {
        let all: &[&[&str]] = &[
            SUMMARY_FIRST,
            SUMMARY_SECOND,
            PERSON_NOTES,
            COMPANY_NOTES,
            DEAL_NOTES,
            PERSON_BULLETS,
            NOTE_ENTRIES,
            CALL_ENTRIES,
            EMAIL_ENTRIES,
            REPLY_ENTRIES,
            MEETING_ENTRIES,
            EMAIL_OPEN_ENTRIES,
            DOWNLOAD_ENTRIES,
            WEBINAR_ENTRIES,
            FORM_ENTRIES,
            DEMO_ENTRIES,
            IMPORT_ENTRIES,
            WORKFLOW_ENTRIES,
            CONTINUATIONS,
            ENTRY_TAILS,
        ];
        for template in all.iter().flat_map(|l| l.iter()) {
            for piece in template.split('{').skip(1) {
                let key = piece.split('}').next().unwrap();
                let special = ["first", "city", "company", "n", "teammate"].contains(&key);
                assert!(
                    special || word_list(key).is_some(),
                    "unknown slot {key:?} in {template:?}"
                );
            }
        }
    }

    #[test]
    fn rng_is_stable_and_uniform_enough() {
        let mut a = Rng::for_record(1, Stream::PersonDraft, 0);
        let mut b = Rng::for_record(1, Stream::PersonDraft, 0);
        let mut c = Rng::for_record(1, Stream::PersonDraft, 1);
        let (x, y, z) = (a.next_u64(), b.next_u64(), c.next_u64());
        assert_eq!(x, y);
        assert_ne!(x, z);
        let mut counts = [0usize; 10];
        for _ in 0..10_000 {
            counts[a.below(10)] += 1;
        }
        assert!(
            counts.iter().all(|&n| (900..1100).contains(&n)),
            "{counts:?}"
        );
    }
}
