//! `kith.yaml`: the workspace's settings, with HubSpot/Salesforce defaults for everything omitted.
//!
//! Parsing is pure (text in, [`Config`] and diagnostics out); reading the file is the caller's job.

use crate::record::Kind;
use crate::record::diag::{Diagnostic, did_you_mean};
use crate::record::schema::FieldType;
use indexmap::IndexMap;
use serde::Deserialize;

/// The settings file's name at the root of every workspace.
pub const FILE: &str = "kith.yaml";

/// Default lifecycle stages, in funnel order (HubSpot's).
pub const DEFAULT_STAGES: &[&str] = &[
    "subscriber",
    "lead",
    "mql",
    "sql",
    "opportunity",
    "customer",
    "evangelist",
];
pub const DEFAULT_LEAD_STAGES: &[&str] = &["lead", "mql", "sql"];
pub const DEFAULT_OUTSIDE: &[&str] = &["other"];
pub const DEFAULT_LEAD_STATUSES: &[&str] = &["new", "working", "nurturing", "unqualified"];
pub const DEFAULT_ACTIVITY_TYPES: &[&str] = &[
    "note",
    "call",
    "email",
    "reply",
    "meeting",
    "visit",
    "email-open",
    "download",
    "webinar",
    "form",
    "demo-request",
    "import",
    "workflow",
    "stage",
];
/// Activity types kith itself writes; always accepted.
pub const KITH_ACTIVITY_TYPES: &[&str] = &["import", "workflow", "stage", "note"];
/// HubSpot's default deal pipeline with its win probabilities.
pub const DEFAULT_DEAL_STAGES: &[(&str, f64)] = &[
    ("appointment-scheduled", 20.0),
    ("qualified-to-buy", 40.0),
    ("presentation-scheduled", 60.0),
    ("decision-maker-bought-in", 80.0),
    ("contract-sent", 90.0),
    ("closed-won", 100.0),
    ("closed-lost", 0.0),
];
pub const DEFAULT_MAX_RECORD_BYTES: u64 = 1024 * 1024;

/// The locales the report writes numbers for (`report.locale`; see [`crate::report::money`]).
pub const LOCALES: [&str; 6] = ["en", "de", "fr", "nl", "es", "it"];

/// Top-level keys this version knows; others get a warning (likely a typo).
const KNOWN_KEYS: &[&str] = &[
    "name",
    "timezone",
    "currency",
    "teammates",
    "internal_domains",
    "lifecycle",
    "lead_statuses",
    "deal_stages",
    "pipelines",
    "activity_types",
    "fields",
    "max_record_bytes",
    "layout",
    "lists",
    "segments",
    "scoring",
    "report",
    "workflows",
    "ingest",
    "quotas",
];

/// A teammate: someone who owns records and logs activities.
#[derive(Debug, Clone, PartialEq)]
pub struct Teammate {
    pub id: String,
    pub name: String,
    /// Addresses they commit with (lowercase).
    pub emails: Vec<String>,
    /// Marked away: not assigned new work.
    pub away: bool,
}

/// How a deal stage closes a deal, if it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Closed {
    Won,
    Lost,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DealStage {
    pub id: String,
    /// Win probability in percent.
    pub probability: f64,
    pub closed: Option<Closed>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    pub id: String,
    pub stages: Vec<DealStage>,
}

impl Pipeline {
    pub fn stage(&self, id: &str) -> Option<&DealStage> {
        self.stages.iter().find(|s| s.id.eq_ignore_ascii_case(id))
    }
}

/// Lifecycle stages: the ordered funnel, which of them make someone a lead, and the stages
/// outside the funnel (`other`: staff, suppliers, partners).
#[derive(Debug, Clone, PartialEq)]
pub struct Lifecycle {
    pub stages: Vec<String>,
    pub lead_stages: Vec<String>,
    pub outside: Vec<String>,
}

impl Lifecycle {
    /// Position in the funnel (0-based), `None` for stages outside it or unknown ones.
    pub fn rank(&self, stage: &str) -> Option<usize> {
        self.stages
            .iter()
            .position(|s| s.eq_ignore_ascii_case(stage))
    }

    pub fn is_known(&self, stage: &str) -> bool {
        self.rank(stage).is_some() || self.is_outside(stage)
    }

    pub fn is_outside(&self, stage: &str) -> bool {
        self.outside.iter().any(|s| s.eq_ignore_ascii_case(stage))
    }

    pub fn is_lead(&self, stage: &str) -> bool {
        self.lead_stages
            .iter()
            .any(|s| s.eq_ignore_ascii_case(stage))
    }

    /// The stage a converted lead moves to: the first one after the last lead stage.
    pub fn opportunity_stage(&self) -> Option<&str> {
        let last_lead = self.lead_stages.iter().filter_map(|s| self.rank(s)).max()?;
        self.stages.get(last_lead + 1).map(String::as_str)
    }

    pub fn all(&self) -> impl Iterator<Item = &str> {
        self.stages.iter().chain(&self.outside).map(String::as_str)
    }
}

/// The workspace settings, defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub name: String,
    /// IANA time zone name (e.g. Europe/London).
    pub timezone: String,
    pub tz: jiff::tz::TimeZone,
    pub currency: String,
    pub teammates: Vec<Teammate>,
    /// Lowercase domains whose addresses belong to staff.
    pub internal_domains: Vec<String>,
    pub lifecycle: Lifecycle,
    pub lead_statuses: Vec<String>,
    pub pipelines: Vec<Pipeline>,
    pub activity_types: Vec<String>,
    /// Custom fields per record kind, in declaration order.
    pub fields: [Vec<(String, FieldType)>; 3],
    pub max_record_bytes: u64,
    /// Where record files live in their folders (`layout:`, flat unless set).
    pub layout: crate::record::layout::Layout,
    /// Named lists for filters (`$competitor_domains`), lowercase.
    pub lists: Vec<(String, Vec<String>)>,
    /// `segments:` as written; [`crate::analysis::segment`] compiles it.
    pub segments: Option<serde_yaml_ng::Value>,
    /// `scoring:` as written; [`crate::analysis::score`] compiles it.
    pub scoring: Option<serde_yaml_ng::Value>,
    /// `workflows:` as written; [`crate::plan::workflow`] compiles it.
    pub workflows: Option<serde_yaml_ng::Value>,
    /// `ingest:` as written; [`crate::ingest::Settings`] reads it.
    pub ingest: Option<serde_yaml_ng::Value>,
    /// `report:` settings for `kith report`.
    pub report: ReportSettings,
    /// `quotas:`: each teammate's sales target, in the workspace currency.
    pub quotas: Vec<Quota>,
    /// The text of kith.yaml, to point diagnostics about nested settings at their line.
    pub source: String,
}

/// How the weekly report is made (`report:` in kith.yaml).
#[derive(Debug, Clone, PartialEq)]
pub struct ReportSettings {
    /// Leads and open deals without activity for longer are stale.
    pub stale_days: i64,
    /// How many hot leads the report lists.
    pub hot_leads: usize,
    /// The segment whose members are hot leads (default: `hot-leads` if defined, else every
    /// lead by score).
    pub hot_segment: Option<String>,
    /// Publish aggregate pages only (`--public` by default).
    pub public: bool,
    /// In public pages, people's names as initials (`initials`) or left out (`none`).
    pub public_names: PublicNames,
    /// Exchange rates into the workspace currency (`USD: 0.92` means 1 USD = 0.92 EUR).
    pub rates: Vec<(String, f64)>,
    /// The output folder, relative to the workspace.
    pub out: String,
    /// Weeks in the trend chart.
    pub trend_weeks: usize,
    /// How numbers and amounts are written (`en`: `€89,000`; `de`: `89.000 €`).
    pub locale: String,
    /// Where the site is published (`https://crm.example.com/report/`): the feed's links.
    pub url: Option<String>,
    /// Days an open deal may sit in a stage before it is stuck, by stage (default: twice the
    /// median stay of won deals in that stage).
    pub stuck_after: Vec<(String, i64)>,
}

/// A teammate's sales target: the amount of deals to win per month and per quarter, in the
/// workspace currency (`quotas:` in kith.yaml). One period set gives the other: a monthly
/// quota of 40,000 is a quarterly one of 120,000.
#[derive(Debug, Clone, PartialEq)]
pub struct Quota {
    pub teammate: String,
    pub month: Option<f64>,
    pub quarter: Option<f64>,
}

impl Quota {
    /// The target for one month.
    pub fn monthly(&self) -> Option<f64> {
        self.month.or(self.quarter.map(|q| q / 3.0))
    }

    /// The target for one quarter.
    pub fn quarterly(&self) -> Option<f64> {
        self.quarter.or(self.month.map(|m| m * 3.0))
    }
}

/// How names appear in public reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PublicNames {
    Initials,
    None,
}

impl Default for ReportSettings {
    fn default() -> ReportSettings {
        ReportSettings {
            stale_days: 30,
            hot_leads: 10,
            hot_segment: None,
            public: false,
            public_names: PublicNames::Initials,
            rates: Vec::new(),
            out: "public".into(),
            trend_weeks: 12,
            locale: "en".into(),
            url: None,
            stuck_after: Vec::new(),
        }
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            name: "kith workspace".into(),
            timezone: "UTC".into(),
            tz: jiff::tz::TimeZone::UTC,
            currency: "EUR".into(),
            teammates: Vec::new(),
            internal_domains: Vec::new(),
            lifecycle: Lifecycle {
                stages: strings(DEFAULT_STAGES),
                lead_stages: strings(DEFAULT_LEAD_STAGES),
                outside: strings(DEFAULT_OUTSIDE),
            },
            lead_statuses: strings(DEFAULT_LEAD_STATUSES),
            pipelines: vec![Pipeline {
                id: "default".into(),
                stages: default_deal_stages(),
            }],
            activity_types: strings(DEFAULT_ACTIVITY_TYPES),
            fields: Default::default(),
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            layout: Default::default(),
            lists: Vec::new(),
            segments: None,
            scoring: None,
            workflows: None,
            ingest: None,
            report: ReportSettings::default(),
            quotas: Vec::new(),
            source: String::new(),
        }
    }
}

fn strings(s: &[&str]) -> Vec<String> {
    s.iter().map(|s| s.to_string()).collect()
}

fn default_deal_stages() -> Vec<DealStage> {
    DEFAULT_DEAL_STAGES
        .iter()
        .map(|(id, p)| DealStage {
            id: id.to_string(),
            probability: *p,
            closed: infer_closed(id, *p),
        })
        .collect()
}

fn infer_closed(id: &str, probability: f64) -> Option<Closed> {
    if id.contains("won") || (probability >= 100.0 && id.contains("closed")) {
        Some(Closed::Won)
    } else if id.contains("lost") {
        Some(Closed::Lost)
    } else {
        None
    }
}

impl Config {
    pub fn teammate(&self, id: &str) -> Option<&Teammate> {
        self.teammates
            .iter()
            .find(|t| t.id.eq_ignore_ascii_case(id))
    }

    /// The teammate who commits with this e-mail address.
    pub fn teammate_by_email(&self, email: &str) -> Option<&Teammate> {
        let email = email.trim().to_lowercase();
        self.teammates.iter().find(|t| t.emails.contains(&email))
    }

    pub fn pipeline(&self, id: Option<&str>) -> Option<&Pipeline> {
        match id {
            None => self.pipelines.first(),
            Some(id) => self
                .pipelines
                .iter()
                .find(|p| p.id.eq_ignore_ascii_case(id)),
        }
    }

    pub fn is_activity_type(&self, t: &str) -> bool {
        self.activity_types
            .iter()
            .any(|a| a.eq_ignore_ascii_case(t))
            || KITH_ACTIVITY_TYPES.contains(&t)
    }

    pub fn custom_fields(&self, kind: Kind) -> &[(String, FieldType)] {
        &self.fields[kind as usize]
    }

    /// A named list for filters: `lists:` in kith.yaml, or `internal_domains`.
    pub fn list(&self, name: &str) -> Option<&[String]> {
        if let Some((_, items)) = self.lists.iter().find(|(n, _)| n == name) {
            return Some(items);
        }
        (name == "internal_domains").then_some(self.internal_domains.as_slice())
    }

    pub fn list_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.lists.iter().map(|(n, _)| n.as_str()).collect();
        if !names.contains(&"internal_domains") {
            names.push("internal_domains");
        }
        names
    }

    /// 1-based line and column where `needle` first appears in kith.yaml (for diagnostics about
    /// nested settings, which YAML parsers do not locate).
    pub fn locate(&self, needle: &str) -> (u32, u32) {
        match self.source.find(needle) {
            Some(at) => {
                let before = &self.source[..at];
                let line = before.matches('\n').count() as u32 + 1;
                let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
                (line, col)
            }
            None => (1, 1),
        }
    }

    pub fn is_internal_email(&self, email: &str) -> bool {
        match email.rsplit_once('@') {
            Some((_, domain)) => {
                let domain = domain.to_lowercase();
                self.internal_domains
                    .iter()
                    .any(|d| domain == *d || domain.ends_with(&format!(".{d}")))
            }
            None => false,
        }
    }

    /// Parses `kith.yaml`. Problems are diagnostics for `kith.yaml`; whatever is wrong falls back
    /// to the default, so records can still be checked.
    pub fn parse(text: &str) -> (Config, Vec<Diagnostic>) {
        let raw = match read_raw(text) {
            Ok(raw) => raw,
            Err(d) => return (Config::default(), vec![d]),
        };
        let scan = crate::record::yaml::scan::scan(text);
        let pos = |key: &str| {
            scan.get(key)
                .map(|e| (e.value_line + 1, e.value_col + 1))
                .unwrap_or((1, 1))
        };
        let err = |key: &str, msg: String, help: &str| {
            let (l, c) = pos(key);
            Diagnostic::error("config", msg)
                .in_file(FILE)
                .at(l, c)
                .help(help.to_string())
        };
        let mut diags = unknown_keys(&raw, &scan);
        let mut cfg = Config::default();
        if let Some(name) = raw.name {
            cfg.name = name;
        }
        if let Some(tz) = raw.timezone {
            match jiff::tz::TimeZone::get(&tz) {
                Ok(zone) => {
                    cfg.tz = zone;
                    cfg.timezone = tz;
                }
                Err(_) => diags.push(err(
                    "timezone",
                    format!("unknown time zone `{tz}`"),
                    "use an IANA name such as Europe/London, America/New_York or UTC",
                )),
            }
        }
        if let Some(c) = raw.currency {
            cfg.currency = c.to_uppercase();
        }
        for (id, t) in raw.teammates {
            let t = t.unwrap_or_default();
            cfg.teammates.push(Teammate {
                name: t.name.unwrap_or_else(|| id.clone()),
                emails: t
                    .emails
                    .into_iter()
                    .map(|e| e.trim().to_lowercase())
                    .collect(),
                away: t.away,
                id,
            });
        }
        cfg.internal_domains = raw
            .internal_domains
            .into_iter()
            .map(|d| d.trim().trim_start_matches('@').to_lowercase())
            .collect();
        if let Some(lc) = raw.lifecycle {
            read_lifecycle(&mut cfg.lifecycle, lc, &err, &mut diags);
        }
        if let Some(statuses) = raw.lead_statuses {
            cfg.lead_statuses = lower(statuses);
        }
        read_pipelines(&mut cfg, raw.deal_stages, raw.pipelines, &err, &mut diags);
        if let Some(types) = raw.activity_types {
            cfg.activity_types = lower(types);
        }
        read_fields(&mut cfg, raw.fields, &err, &mut diags);
        if let Some(max) = raw.max_record_bytes {
            cfg.max_record_bytes = max;
        }
        if let Some(name) = raw.layout {
            match crate::record::layout::Layout::parse(&name) {
                Some(layout) => cfg.layout = layout,
                None => diags.push(err(
                    "layout",
                    format!("layout `{name}` is not known; kith knows `flat` and `sharded`"),
                    "write `layout: sharded` (or leave it out for flat), then move the files with `kith migrate --layout sharded`",
                )),
            }
        }
        cfg.lists = raw
            .lists
            .into_iter()
            .map(|(name, items)| {
                (
                    name,
                    items.into_iter().map(|i| i.trim().to_lowercase()).collect(),
                )
            })
            .collect();
        if let Some(r) = raw.report {
            read_report(&mut cfg.report, r, &err, &mut diags);
        }
        if let Some(q) = raw.quotas {
            read_quotas(&mut cfg, q, &err, &mut diags);
        }
        cfg.segments = raw.segments;
        cfg.scoring = raw.scoring;
        cfg.workflows = raw.workflows;
        cfg.ingest = raw.ingest;
        cfg.source = text.to_string();
        (cfg, diags)
    }
}

fn lower(v: Vec<String>) -> Vec<String> {
    v.into_iter().map(|s| s.trim().to_lowercase()).collect()
}

fn deal_stages(raw: Vec<RawDealStage>) -> Vec<DealStage> {
    raw.into_iter()
        .map(|s| {
            let (id, probability, closed) = match s {
                RawDealStage::Id(id) => (id, None, None),
                RawDealStage::Full {
                    id,
                    probability,
                    closed,
                } => (id, probability, closed),
            };
            let id = id.trim().to_lowercase();
            let probability = probability.unwrap_or(if id.contains("won") { 100.0 } else { 0.0 });
            let closed = closed.or_else(|| infer_closed(&id, probability));
            DealStage {
                id,
                probability,
                closed,
            }
        })
        .collect()
}

/// kith.yaml's text as its raw settings, or the one error that keeps it from being read (then
/// kith uses its defaults).
fn read_raw(text: &str) -> Result<RawConfig, Diagnostic> {
    // libyaml takes time quadratic in nesting depth: 100,000 `[` kept every command busy for
    // minutes before serde_yaml_ng's own limit of 128 levels refused them.
    if let Some((line, col)) = crate::record::yaml::depth::too_deep(text) {
        return Err(Diagnostic::error(
            "config",
            format!(
                "kith.yaml is invalid: values are nested more than {} levels deep",
                crate::record::yaml::depth::MAX_DEPTH
            ),
        )
        .in_file(FILE)
        .at(line + 1, col + 1)
        .help("fix this line; until then kith uses its default settings"));
    }
    Ok(if text.trim().is_empty() {
        RawConfig::default()
    } else {
        match serde_yaml_ng::from_str::<Option<RawConfig>>(text) {
            Ok(raw) => raw.unwrap_or_default(),
            Err(e) => {
                let (line, col) = e
                    .location()
                    .map(|l| (l.line() as u32, l.column() as u32))
                    .unwrap_or((1, 1));
                let msg = e.to_string();
                let msg = msg
                    .rfind(" at line ")
                    .map_or(msg.as_str(), |i| &msg[..i])
                    .to_string();
                return Err(
                    Diagnostic::error("config", format!("kith.yaml is invalid: {msg}"))
                        .in_file(FILE)
                        .at(line, col)
                        .help("fix this line; until then kith uses its default settings"),
                );
            }
        }
    })
}

/// A warning for each top-level key this version does not know, with a did-you-mean.
fn unknown_keys(raw: &RawConfig, scan: &crate::record::yaml::Scan) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for key in raw.extra.keys() {
        let mut d = Diagnostic::warning(
            "config-unknown-key",
            format!("kith.yaml has an unknown setting `{key}`"),
        )
        .in_file(FILE);
        if let Some(e) = scan.get(key) {
            d = d.at(e.line + 1, 1);
        }
        d = match did_you_mean(key, KNOWN_KEYS.iter().copied()) {
            Some(k) => d.help(format!("did you mean `{k}`?")),
            None => d.help(format!("known settings: {}", KNOWN_KEYS.join(", "))),
        };
        diags.push(d);
    }
    diags
}

/// `lifecycle:`: the funnel's stages, the lead stages among them, the stages outside it.
fn read_lifecycle(
    cfg: &mut Lifecycle,
    lc: RawLifecycle,
    err: &impl Fn(&str, String, &str) -> Diagnostic,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some(stages) = lc.stages {
        if stages.is_empty() {
            diags.push(err(
                "lifecycle",
                "lifecycle.stages is empty".into(),
                "list the funnel stages in order",
            ));
        } else {
            cfg.stages = lower(stages);
        }
    }
    if let Some(leads) = lc.lead_stages {
        cfg.lead_stages = lower(leads);
    }
    if let Some(outside) = lc.outside {
        cfg.outside = lower(outside);
    }
    for s in cfg.lead_stages.clone() {
        if cfg.rank(&s).is_none() {
            diags.push(err(
                "lifecycle",
                format!("lead stage `{s}` is not one of lifecycle.stages"),
                "every lead stage must also be listed in lifecycle.stages",
            ));
        }
    }
}

/// `deal_stages:` (one pipeline) or `pipelines:` (several), not both.
fn read_pipelines(
    cfg: &mut Config,
    one: Option<Vec<RawDealStage>>,
    pipelines: Option<IndexMap<String, Vec<RawDealStage>>>,
    err: &impl Fn(&str, String, &str) -> Diagnostic,
    diags: &mut Vec<Diagnostic>,
) {
    match (one, pipelines) {
        (Some(_), Some(_)) => diags.push(err(
            "pipelines",
            "kith.yaml sets both deal_stages and pipelines".into(),
            "use deal_stages for one pipeline, or pipelines for several, not both",
        )),
        (Some(stages), None) => {
            cfg.pipelines = vec![Pipeline {
                id: "default".into(),
                stages: deal_stages(stages),
            }]
        }
        (None, Some(pipes)) if !pipes.is_empty() => {
            cfg.pipelines = pipes
                .into_iter()
                .map(|(id, stages)| Pipeline {
                    id,
                    stages: deal_stages(stages),
                })
                .collect()
        }
        _ => {}
    }
}

/// `fields:`: each kind's custom fields and their types.
fn read_fields(
    cfg: &mut Config,
    fields: RawFields,
    err: &impl Fn(&str, String, &str) -> Diagnostic,
    diags: &mut Vec<Diagnostic>,
) {
    for (kind, fields) in [
        (Kind::Person, fields.contacts),
        (Kind::Company, fields.companies),
        (Kind::Deal, fields.deals),
    ] {
        for (name, spec) in fields {
            match FieldType::from_spec(&spec) {
                Ok(t) => cfg.fields[kind as usize].push((name, t)),
                Err(msg) => diags.push(err(
                    "fields",
                    format!("field `{name}`: {msg}"),
                    FieldType::SPEC_HELP,
                )),
            }
        }
    }
}

/// `report:`: the weekly report's settings.
fn read_report(
    d: &mut ReportSettings,
    r: RawReport,
    err: &impl Fn(&str, String, &str) -> Diagnostic,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some(after) = r.stale_after {
        match crate::util::duration::parse_duration(after.trim()) {
            Some(days) => d.stale_days = days,
            None => diags.push(err(
                "report",
                format!("report.stale_after `{after}` is not a duration"),
                "write a number of days, weeks or months: 30d, 6w, 2m",
            )),
        }
    }
    d.hot_leads = r.hot_leads.unwrap_or(d.hot_leads);
    d.hot_segment = r.hot_segment;
    d.public = r.public.unwrap_or(d.public);
    d.public_names = r.public_names.unwrap_or(d.public_names);
    d.out = r.out.unwrap_or(d.out.clone());
    d.trend_weeks = r.trend_weeks.unwrap_or(d.trend_weeks).clamp(2, 104);
    if let Some(locale) = r.locale {
        let l = locale.trim().to_lowercase();
        if LOCALES.contains(&l.as_str()) {
            d.locale = l;
        } else {
            diags.push(err(
                "report",
                format!("report.locale `{locale}` is not a locale kith knows"),
                &format!("write one of {}", LOCALES.join(", ")),
            ));
        }
    }
    d.url = r
        .url
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty());
    for (stage, after) in r.stuck_after {
        match crate::util::duration::parse_duration(after.trim()) {
            Some(days) => d.stuck_after.push((stage.trim().to_lowercase(), days)),
            None => diags.push(err(
                "report",
                format!("report.stuck_after.{stage} `{after}` is not a duration"),
                "write a number of days, weeks or months: 14d, 3w, 1m",
            )),
        }
    }
    for (currency, rate) in r.rates {
        if rate > 0.0 && rate.is_finite() {
            d.rates.push((currency.to_uppercase(), rate));
        } else {
            diags.push(err(
                "report",
                format!("report.rates.{currency} must be a positive number"),
                "write how many units of the workspace currency one unit is worth",
            ));
        }
    }
}

/// `quotas:`: `teammate: { month: AMOUNT, quarter: AMOUNT }` (either or both).
fn read_quotas(
    cfg: &mut Config,
    quotas: serde_yaml_ng::Value,
    err: &impl Fn(&str, String, &str) -> Diagnostic,
    diags: &mut Vec<Diagnostic>,
) {
    use serde_yaml_ng::Value as Y;
    const HELP: &str = "write `quotas: { sam: { quarter: 150000 } }`: per teammate, the amount to win per month or quarter, in the workspace currency";
    let Y::Mapping(map) = quotas else {
        if !quotas.is_null() {
            diags.push(err(
                "quotas",
                "quotas must be a mapping of teammates".into(),
                HELP,
            ));
        }
        return;
    };
    for (who, spec) in map {
        let who = match &who {
            Y::String(s) => s.trim().to_string(),
            other => serde_yaml_ng::to_string(other)
                .unwrap_or_default()
                .trim()
                .to_string(),
        };
        let Y::Mapping(periods) = spec else {
            diags.push(err(
                "quotas",
                format!("quotas.{who} must say month or quarter"),
                HELP,
            ));
            continue;
        };
        let mut quota = Quota {
            teammate: who.clone(),
            month: None,
            quarter: None,
        };
        for (period, amount) in periods {
            let period = period.as_str().unwrap_or_default().trim().to_lowercase();
            let amount = amount.as_f64().filter(|a| a.is_finite() && *a > 0.0);
            let slot = match period.as_str() {
                "month" => &mut quota.month,
                "quarter" => &mut quota.quarter,
                _ => {
                    diags.push(err(
                        "quotas",
                        format!("quotas.{who}.{period} is not a period"),
                        "the periods are month and quarter",
                    ));
                    continue;
                }
            };
            match amount {
                Some(a) => *slot = Some(a),
                None => diags.push(err(
                    "quotas",
                    format!("quotas.{who}.{period} must be a positive amount"),
                    HELP,
                )),
            }
        }
        if cfg.teammate(&who).is_none() {
            let mut d = err(
                "quotas",
                format!("quotas.{who}: `{who}` is not a teammate"),
                "quotas are per teammate: add them under teammates, or fix the name",
            );
            d.severity = crate::record::diag::Severity::Warning;
            diags.push(d);
        }
        if quota.month.is_some() || quota.quarter.is_some() {
            cfg.quotas.push(quota);
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawConfig {
    name: Option<String>,
    timezone: Option<String>,
    currency: Option<String>,
    teammates: IndexMap<String, Option<RawTeammate>>,
    internal_domains: Vec<String>,
    lifecycle: Option<RawLifecycle>,
    lead_statuses: Option<Vec<String>>,
    deal_stages: Option<Vec<RawDealStage>>,
    pipelines: Option<IndexMap<String, Vec<RawDealStage>>>,
    activity_types: Option<Vec<String>>,
    fields: RawFields,
    max_record_bytes: Option<u64>,
    layout: Option<String>,
    lists: IndexMap<String, Vec<String>>,
    segments: Option<serde_yaml_ng::Value>,
    scoring: Option<serde_yaml_ng::Value>,
    report: Option<RawReport>,
    workflows: Option<serde_yaml_ng::Value>,
    ingest: Option<serde_yaml_ng::Value>,
    quotas: Option<serde_yaml_ng::Value>,
    #[serde(flatten)]
    extra: IndexMap<String, serde_yaml_ng::Value>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct RawReport {
    stale_after: Option<String>,
    hot_leads: Option<usize>,
    hot_segment: Option<String>,
    public: Option<bool>,
    public_names: Option<PublicNames>,
    rates: IndexMap<String, f64>,
    out: Option<String>,
    trend_weeks: Option<usize>,
    locale: Option<String>,
    url: Option<String>,
    stuck_after: IndexMap<String, String>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct RawTeammate {
    name: Option<String>,
    emails: Vec<String>,
    away: bool,
    role: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct RawLifecycle {
    stages: Option<Vec<String>>,
    lead_stages: Option<Vec<String>>,
    outside: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawDealStage {
    Id(String),
    Full {
        id: String,
        probability: Option<f64>,
        closed: Option<Closed>,
    },
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct RawFields {
    contacts: IndexMap<String, serde_yaml_ng::Value>,
    companies: IndexMap<String, serde_yaml_ng::Value>,
    deals: IndexMap<String, serde_yaml_ng::Value>,
}

/// The commented `kith.yaml` that `kith init` writes.
pub fn template(name: &str, timezone: &str) -> String {
    format!(
        r#"# kith workspace settings. Every key is optional; the defaults are shown in comments.
name: {name}
timezone: {timezone}          # IANA time zone: "today" and weekly reports use it
currency: EUR                # default currency of deals

# Teammates own records and log activities. `emails` are the addresses they commit with,
# so that history and reports know who changed what.
teammates: {{}}
#  sam:
#    name: Sam Okafor
#    emails: [sam@example.com]

# People with an e-mail address at these domains are staff (the `internal` segment).
internal_domains: []

# Lifecycle stages in funnel order (HubSpot's). A person with no lifecycle is a plain contact.
# lifecycle:
#   stages: [subscriber, lead, mql, sql, opportunity, customer, evangelist]
#   lead_stages: [lead, mql, sql]   # people at these stages are leads
#   outside: [other]                # staff, suppliers, partners (give an other_reason)

# What is happening with a lead (Salesforce's lead status).
# lead_statuses: [new, working, nurturing, unqualified]

# Deal stages with their win probability in percent (HubSpot's default pipeline).
# For several pipelines use `pipelines: {{new-business: [...], renewals: [...]}}` instead.
# deal_stages:
#   - {{ id: appointment-scheduled, probability: 20 }}
#   - {{ id: qualified-to-buy, probability: 40 }}
#   - {{ id: presentation-scheduled, probability: 60 }}
#   - {{ id: decision-maker-bought-in, probability: 80 }}
#   - {{ id: contract-sent, probability: 90 }}
#   - {{ id: closed-won, probability: 100, closed: won }}
#   - {{ id: closed-lost, probability: 0, closed: lost }}

# Types of activity log entries (`- 2026-11-20 call @sam: ...`).
# activity_types: [note, call, email, reply, meeting, visit, email-open, download, webinar,
#                  form, demo-request, import, workflow, stage]

# Custom fields and their types: text, number, integer, date, bool, email, url, phone, list,
# or a list of allowed values. Undeclared fields are kept and shown as text.
fields:
  contacts: {{}}
  companies: {{}}
  deals: {{}}
#  contacts:
#    linkedin: url
#    seats: integer
#  companies:
#    plan: [starter, team, enterprise]

# Named lists for filter expressions: `email_domain in $competitor_domains`.
# lists:
#   competitor_domains: [rival.example]

# Lead scoring: fit (who they are) + engagement (what they do, fading with time) + buying
# signals. Without this section kith scores engagement and signals with built-in defaults.
# `kith score ID` explains any score rule by rule; `kith qualify` suggests lifecycle moves.
# scoring:
#   total_cap: 100
#   fit:
#     cap: 40
#     rules:
#       - {{ name: target industry, when: "industry in [finance, retail]", points: 10 }}
#       - {{ name: senior title, when: 'title matches "(?i)head|director|vp|chief"', points: 15 }}
#   engagement:
#     cap: 45
#     half_life: 30d               # points halve every 30 days
#     activities:
#       visit: {{ points: 2, cap: 12 }}
#       email-open: 1
#       demo-request: {{ points: 15, timeframe: 60d }}   # full points for 60 days, then none
#   signals:
#     cap: 30
#     rules:
#       - {{ name: pricing page 3 times in 14 days, when: 'activity.visit("/pricing").count(14d) >= 3', points: 15 }}
#       - {{ name: competitor, when: "email_domain in $competitor_domains", points: -50 }}
#   thresholds: {{ lead: 20, mql: 40, sql: 65 }}
#   grades:
#     fit: {{ A: 30, B: 15 }}
#     engagement: {{ 1: 35, 2: 15 }}

# Segments: named filters (`kith segments`, `kith list --segment NAME`). `internal` (staff, by
# internal_domains) and `spam` (tagged spam) are built in and left out of scores and reports.
# segments:
#   hot-leads:
#     description: Leads ready for a sales conversation
#     filter: "lifecycle in [lead, mql, sql] and score >= 50"
#   stale-leads: "lifecycle in [lead, mql, sql] and not last_activity within 30d"

# The weekly report (`kith report`): a static site in public/, numbers from the records and
# what moved from git history. Commits count for a teammate through their `emails` above.
# report:
#   out: public                  # where the site goes
#   stale_after: 30d             # leads and open deals quiet for longer are stale
#   hot_leads: 10                # how many hot leads to list
#   hot_segment: hot-leads       # where hot leads come from (default: top leads by score)
#   trend_weeks: 12              # weeks in the trend chart
#   locale: en                   # numbers and money as written in: en (€89,000), de, fr, nl, es, it
#   url: https://crm.example.com/report/   # where the site is published: feed.xml's links
#   stuck_after: {{ contract-sent: 14d }}   # open deals longer in a stage are stuck (default: 2 × won deals' median stay)
#   rates: {{ USD: 0.92, GBP: 1.17 }}   # amounts converted into `currency`; else summed per currency
#   public: false                # true: every report is aggregate only (as `--public`)
#   public_names: initials       # in public reports: initials, or none

# Sales targets per teammate, in `currency`: deals to win per month or per quarter. The report
# shows attainment and coverage beside the month's and the quarter's forecast.
# quotas:
#   sam: {{ quarter: 150000 }}
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas_per_month_or_quarter_give_each_other() {
        let (cfg, diags) = Config::parse(
            "teammates: { sam: {}, priya: {} }\nquotas:\n  sam: { quarter: 150000 }\n  priya: { month: 30000 }\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(cfg.quotas.len(), 2);
        assert_eq!(cfg.quotas[0].monthly(), Some(50000.0));
        assert_eq!(cfg.quotas[1].quarterly(), Some(90000.0));
    }

    #[test]
    fn quotas_say_what_is_wrong() {
        let (cfg, diags) = Config::parse(
            "teammates: { sam: {} }\nquotas:\n  sam: { week: 10 }\n  ana: { month: 5 }\n  sam2: { month: -3 }\n",
        );
        let text: Vec<String> = diags.iter().map(|d| d.render(false)).collect();
        assert!(
            text.iter()
                .any(|t| t.contains("quotas.sam.week is not a period")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|t| t.contains("`ana` is not a teammate")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.contains("quotas.sam2.month must be a positive amount")),
            "{text:?}"
        );
        // A quota for someone who is not a teammate is a warning: it is kept.
        assert!(cfg.quotas.iter().any(|q| q.teammate == "ana"));
    }

    #[test]
    fn empty_config_is_all_defaults() {
        let (cfg, diags) = Config::parse("");
        assert!(diags.is_empty());
        assert_eq!(cfg, Config::default());
        assert_eq!(cfg.lifecycle.opportunity_stage(), Some("opportunity"));
        assert_eq!(
            cfg.pipelines[0].stage("closed-won").unwrap().closed,
            Some(Closed::Won)
        );
        assert_eq!(
            cfg.pipelines[0].stage("closed-lost").unwrap().closed,
            Some(Closed::Lost)
        );
    }

    #[test]
    fn template_parses_cleanly() {
        let (cfg, diags) = Config::parse(&template("Acme", "Europe/Berlin"));
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(cfg.name, "Acme");
        assert_eq!(cfg.timezone, "Europe/Berlin");
    }

    #[test]
    fn reads_teammates_fields_and_pipelines() {
        let text = "teammates:\n  sam: {name: Sam, emails: [Sam@X.example]}\n  priya:\ninternal_domains: [x.example]\n\
                    pipelines:\n  new: [a, {id: won-it, probability: 100}]\n  renewals: [r1]\n\
                    fields:\n  contacts: {seats: integer, plan: [a, b]}\n";
        let (cfg, diags) = Config::parse(text);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(cfg.teammate_by_email("sam@x.example").unwrap().id, "sam");
        assert_eq!(cfg.teammate("priya").unwrap().name, "priya");
        assert!(cfg.is_internal_email("a@X.example"));
        assert!(cfg.is_internal_email("a@mail.x.example"));
        assert!(!cfg.is_internal_email("a@notx.example"));
        assert_eq!(cfg.pipelines.len(), 2);
        assert_eq!(
            cfg.pipeline(Some("new")).unwrap().stages[1].closed,
            Some(Closed::Won)
        );
        assert_eq!(cfg.custom_fields(Kind::Person).len(), 2);
    }

    #[test]
    fn reports_mistakes_with_positions() {
        let (cfg, diags) = Config::parse("name: X\ntimezone: Mars/Olympus\nteamates: {}\n");
        assert_eq!(cfg.timezone, "UTC");
        assert_eq!(diags.len(), 2);
        assert_eq!((diags[0].line, diags[0].code), (3, "config-unknown-key"));
        assert_eq!(diags[0].help.as_deref(), Some("did you mean `teammates`?"));
        assert_eq!((diags[1].line, diags[1].column), (2, 11));
        let (_, diags) = Config::parse("teammates:\n  sam: {nmae: Sam}\n");
        assert_eq!(diags[0].line, 2);
        assert!(diags[0].message.contains("nmae"), "{}", diags[0].message);
        let (_, diags) = Config::parse("fields:\n  contacts: {x: colour}\n");
        assert!(diags[0].message.contains("colour"));
    }
}
