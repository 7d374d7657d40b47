//! A compiled filter and its evaluation on records: the tree [`super::compile`] makes (every
//! path resolved, every literal converted, every regular expression compiled), so evaluation is
//! a walk over a small tree with no parsing or allocation in the common case.

use super::parse::{FilterError, Lit, Op};
use crate::index::Index;
use crate::record::config::{Closed, Config};
use crate::record::schema::{self, FieldType};
use crate::record::value::Value;
use crate::record::{Kind, Record};
use crate::util::intern::Sym;
use jiff::civil::Date;
use std::borrow::Cow;

/// What an expression may refer to where it is used.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    pub cfg: &'a Config,
    /// `score`, `fit_score`, `engagement_score`, `grade` (not in scoring rules).
    pub scores: bool,
    /// Segment names that `segment.NAME` and `segments has NAME` may use (none in scoring rules).
    pub segments: Option<&'a [String]>,
    /// Why scores or segments are not allowed here, for messages.
    pub why_not: &'static str,
}

/// Scores and segment memberships computed beside the index, by slot.
pub trait Computed: Sync {
    fn score(&self, slot: usize) -> Option<ScoreView>;
    fn in_segment(&self, slot: usize, name: &str) -> bool;
    fn segments_of(&self, slot: usize) -> Vec<&str>;
}

/// The numbers a filter can read from a score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreView {
    pub fit: f64,
    pub engagement: f64,
    pub total: f64,
    /// `A1` … `C3`.
    pub grade: [u8; 2],
}

/// Where an expression is evaluated: the index, the date, and derived values when available.
#[derive(Clone, Copy)]
pub struct Env<'a> {
    pub index: &'a Index,
    /// The settings the expression was compiled with (usually the index's own).
    pub cfg: &'a Config,
    pub as_of: Date,
    pub computed: Option<&'a dyn Computed>,
}

/// A compiled filter expression.
#[derive(Debug, Clone)]
pub struct Filter {
    pub source: String,
    node: Node,
    /// Segments the expression refers to (for dependency order and cycle checks).
    pub segment_refs: Vec<String>,
    /// Whether it reads another record's score or segments (`company.segment.X`), so that it
    /// must wait until those are computed for every record.
    pub cross_record: bool,
}

impl Filter {
    pub fn compile(source: &str, scope: &Scope) -> Result<Filter, FilterError> {
        let expr = super::parse::parse(source)?;
        let c = super::compile::compile(&expr, scope)?;
        Ok(Filter {
            source: source.to_string(),
            node: c.node,
            segment_refs: c.segment_refs,
            cross_record: c.cross_record,
        })
    }

    pub fn matches(&self, env: &Env, slot: usize, r: &Record) -> bool {
        eval(&self.node, env, slot, r)
    }

    /// What evaluating the expression reads of a record, so that a caller holding records
    /// only partly decoded (the cache's lazy path) knows what to decode first.
    pub fn needs(&self) -> Needs {
        let mut n = Needs::default();
        n.node(&self.node);
        n
    }
}

/// What a filter reads: frontmatter fields by key, the record's body (activities), and other
/// records (the linked company, the deals).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Needs {
    pub fields: Vec<Sym>,
    pub body: bool,
    pub other_records: bool,
}

impl Needs {
    fn node(&mut self, node: &Node) {
        match node {
            Node::Or(v) | Node::And(v) => v.iter().for_each(|n| self.node(n)),
            Node::Not(n) => self.node(n),
            Node::Exists(a) | Node::Truthy(a) | Node::Cmp(a, _) => self.access(a),
        }
    }

    fn field(&mut self, key: &str) {
        if !self.fields.iter().any(|k| k == key) {
            self.fields.push(Sym::new(key));
        }
    }

    fn access(&mut self, a: &Access) {
        match a {
            Access::Field { key, types } => {
                self.field(key.as_str());
                // A deal's stage is ordered by its pipeline's stages.
                if types.contains(&Some(FieldType::DealStage)) {
                    self.field("pipeline");
                }
            }
            Access::EmailDomain | Access::EmailFree => self.field("email"),
            Access::LastActivity | Access::Activity { .. } => self.body = true,
            Access::Company(_) | Access::Deals { .. } => self.other_records = true,
            Access::Id
            | Access::Kind
            | Access::Score(_)
            | Access::Segment(_)
            | Access::Segments => {}
        }
    }
}

#[derive(Debug, Clone)]
pub(super) enum Node {
    Or(Vec<Node>),
    And(Vec<Node>),
    Not(Box<Node>),
    Exists(Access),
    Truthy(Access),
    Cmp(Access, Test),
}

#[derive(Debug, Clone)]
pub(super) enum Access {
    Field {
        key: Sym,
        types: [Option<FieldType>; 3],
    },
    Id,
    Kind,
    /// The linked company's field (for people and deals).
    Company(Box<Access>),
    Score(ScorePart),
    LastActivity,
    EmailDomain,
    EmailFree,
    Segment(String),
    Segments,
    Activity {
        kind: Option<Sym>,
        text: Option<String>,
        agg: ActAgg,
    },
    Deals {
        which: DealWhich,
        agg: DealAgg,
    },
}

#[derive(Debug, Clone, Copy)]
pub(super) enum ScorePart {
    Fit,
    Engagement,
    Total,
    Grade,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum ActAgg {
    /// How many, optionally within the last N days.
    Count(Option<i64>),
    /// The date of the most recent one.
    Last,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum DealWhich {
    All,
    Open,
    Won,
    Lost,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum DealAgg {
    Count,
    /// The sum of `amount` (currencies are not converted).
    Amount,
}

/// A literal ready for comparison in every type it might be compared as.
#[derive(Debug, Clone)]
pub(super) struct Val {
    pub(super) text: String,
    pub(super) num: Option<f64>,
    pub(super) date: Option<Date>,
}

impl Val {
    pub(super) fn of(lit: &Lit) -> Val {
        match lit {
            Lit::Text(t) => Val {
                text: t.to_lowercase(),
                num: t.parse().ok().filter(|n: &f64| n.is_finite()),
                date: crate::record::activity::parse_date(t),
            },
            Lit::Number(n, written) => Val {
                text: written.to_lowercase(),
                num: Some(*n),
                date: None,
            },
            Lit::Date(d) => Val {
                text: d.to_string(),
                num: None,
                date: Some(*d),
            },
            Lit::Days(d) => Val {
                text: format!("{d}d"),
                num: None,
                date: None,
            },
            Lit::Var(v) => Val {
                text: format!("${v}"),
                num: None,
                date: None,
            },
        }
    }
}

#[derive(Debug, Clone)]
pub(super) enum Test {
    /// `=`, `in` (any of the values); on a list field, any item.
    Any(Vec<Val>),
    /// `!=`, `not in`.
    NoneOf(Vec<Val>),
    Order(Op, Val),
    Matches(regex::Regex),
    Contains(String),
    StartsWith(String),
    EndsWith(String),
    /// Within the last N days before the evaluation date.
    Within(i64),
    Before(Bound),
    After(Bound),
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Bound {
    Date(Date),
    /// N days before the evaluation date.
    DaysAgo(i64),
}

/// Which ordering a stage belongs to: the lifecycle funnel, or a deal's pipeline. Positions
/// are looked up only when an order comparison needs them.
#[derive(Debug, Clone, Copy)]
enum StageOf<'r> {
    Lifecycle,
    Deal(&'r Record),
}

/// A value as read for a comparison.
#[derive(Debug)]
enum Got<'r> {
    Missing,
    One(Scalar<'r>),
    Many(Vec<Scalar<'r>>),
}

#[derive(Debug, Clone)]
enum Scalar<'r> {
    Text(Cow<'r, str>),
    Num(f64),
    Date(Date),
    Bool(bool),
    /// A stage with its position in the funnel (or pipeline).
    Stage(&'r str, StageOf<'r>),
}

fn eval(node: &Node, env: &Env, slot: usize, r: &Record) -> bool {
    match node {
        Node::Or(v) => v.iter().any(|n| eval(n, env, slot, r)),
        Node::And(v) => v.iter().all(|n| eval(n, env, slot, r)),
        Node::Not(n) => !eval(n, env, slot, r),
        Node::Exists(a) => match get(a, env, slot, r) {
            Got::Missing => false,
            Got::Many(v) => !v.is_empty(),
            Got::One(_) => true,
        },
        Node::Truthy(a) => match get(a, env, slot, r) {
            Got::Missing => false,
            Got::Many(v) => !v.is_empty(),
            Got::One(Scalar::Bool(b)) => b,
            Got::One(Scalar::Num(n)) => n != 0.0,
            Got::One(Scalar::Text(t)) => !t.is_empty() && !t.eq_ignore_ascii_case("false"),
            Got::One(_) => true,
        },
        Node::Cmp(a, test) => match get(a, env, slot, r) {
            Got::Missing => false,
            Got::One(s) => check(&s, test, env),
            Got::Many(items) => match test {
                Test::NoneOf(_) => !items.is_empty() && items.iter().all(|s| check(s, test, env)),
                _ => items.iter().any(|s| check(s, test, env)),
            },
        },
    }
}

fn get<'r>(a: &Access, env: &Env<'r>, slot: usize, r: &'r Record) -> Got<'r> {
    match a {
        Access::Field { key, types } => {
            let Some((_, v)) = r.fields.iter().find(|(k, _)| k == key) else {
                return Got::Missing;
            };
            typed(v, types[r.kind as usize].as_ref(), r)
        }
        Access::Id => Got::One(Scalar::Text(Cow::Borrowed(&r.id))),
        Access::Kind => Got::One(Scalar::Text(Cow::Borrowed(r.kind.noun()))),
        Access::Company(inner) => {
            let cslot = match r.kind {
                Kind::Company => None,
                _ => r
                    .text("company")
                    .and_then(|id| env.index.slot(Kind::Company, id.trim())),
            };
            match cslot.and_then(|s| Some((s, env.index.at_slot(s)?))) {
                Some((cslot, c)) => get(inner, env, cslot, c),
                None => Got::Missing,
            }
        }
        Access::Score(part) => {
            let Some(s) = env.computed.and_then(|c| c.score(slot)) else {
                return Got::Missing;
            };
            Got::One(match part {
                ScorePart::Fit => Scalar::Num(s.fit),
                ScorePart::Engagement => Scalar::Num(s.engagement),
                ScorePart::Total => Scalar::Num(s.total),
                ScorePart::Grade => {
                    Scalar::Text(Cow::Owned(String::from_utf8_lossy(&s.grade).into_owned()))
                }
            })
        }
        Access::LastActivity => match r
            .activities
            .iter()
            .filter(|a| a.kind != "workflow")
            .map(|a| a.date)
            .filter(|d| *d <= env.as_of)
            .max()
        {
            Some(d) => Got::One(Scalar::Date(d)),
            None => Got::Missing,
        },
        Access::EmailDomain => match r.text("email").and_then(|e| e.rsplit_once('@')) {
            Some((_, d)) => Got::One(Scalar::Text(Cow::Borrowed(d.trim()))),
            None => Got::Missing,
        },
        Access::EmailFree => match r.text("email").and_then(|e| e.rsplit_once('@')) {
            Some((_, d)) => Got::One(Scalar::Bool(is_free(env, d))),
            None => Got::Missing,
        },
        Access::Segment(name) => match env.computed {
            Some(c) => Got::One(Scalar::Bool(c.in_segment(slot, name))),
            None => Got::Missing,
        },
        Access::Segments => match env.computed {
            Some(c) => Got::Many(
                c.segments_of(slot)
                    .into_iter()
                    .map(|s| Scalar::Text(Cow::Owned(s.to_string())))
                    .collect(),
            ),
            None => Got::Missing,
        },
        Access::Activity { kind, text, agg } => {
            let relevant = r.activities.iter().filter(|a| {
                a.date <= env.as_of
                    && kind.is_none_or(|k| a.kind == k)
                    && text
                        .as_ref()
                        .is_none_or(|t| contains_ignore_case(&a.text, t))
            });
            match agg {
                ActAgg::Count(window) => {
                    let from = window.map(|d| days_before(env.as_of, d));
                    Got::One(Scalar::Num(
                        relevant
                            .filter(|a| from.is_none_or(|f| a.date >= f))
                            .count() as f64,
                    ))
                }
                ActAgg::Last => match relevant.map(|a| a.date).max() {
                    Some(d) => Got::One(Scalar::Date(d)),
                    None => Got::Missing,
                },
            }
        }
        Access::Deals { which, agg } => {
            if r.kind == Kind::Deal {
                return Got::Missing;
            }
            let cfg = env.cfg;
            let deals = env.index.deals_for(r).filter(|d| {
                let closed = cfg
                    .pipeline(d.text("pipeline"))
                    .and_then(|p| p.stage(d.text("stage")?))
                    .and_then(|s| s.closed);
                match which {
                    DealWhich::All => true,
                    DealWhich::Open => closed.is_none(),
                    DealWhich::Won => closed == Some(Closed::Won),
                    DealWhich::Lost => closed == Some(Closed::Lost),
                }
            });
            Got::One(Scalar::Num(match agg {
                DealAgg::Count => deals.count() as f64,
                DealAgg::Amount => deals.filter_map(|d| d.number("amount")).sum(),
            }))
        }
    }
}

fn is_free(env: &Env, domain: &str) -> bool {
    let domain = domain.trim();
    match env.cfg.list("free_mail") {
        Some(list) => list.iter().any(|d| d.eq_ignore_ascii_case(domain)),
        None => schema::is_free_mail(domain),
    }
}

fn days_before(d: Date, days: i64) -> Date {
    d.checked_sub(jiff::Span::new().days(days))
        .unwrap_or(Date::MIN)
}

fn contains_ignore_case(hay: &str, needle_lower: &str) -> bool {
    if hay.is_ascii() && needle_lower.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle_lower.as_bytes());
        let Some(&first) = n.first() else { return true };
        // Candidates start where the first byte matches in either case.
        memchr::memchr2_iter(first, first.to_ascii_uppercase(), h)
            .any(|i| h.len() >= i + n.len() && h[i..i + n.len()].eq_ignore_ascii_case(n))
    } else {
        hay.to_lowercase().contains(needle_lower)
    }
}

/// Reads a frontmatter value as its declared type says.
fn typed<'r>(v: &'r Value, ty: Option<&FieldType>, r: &'r Record) -> Got<'r> {
    match v {
        Value::Null => Got::Missing,
        Value::List(items) => Got::Many(items.iter().filter_map(|i| scalar(i, ty, r)).collect()),
        other => match scalar(other, ty, r) {
            Some(s) => Got::One(s),
            None => Got::Missing,
        },
    }
}

fn scalar<'r>(v: &'r Value, ty: Option<&FieldType>, r: &'r Record) -> Option<Scalar<'r>> {
    Some(match (ty, v) {
        (_, Value::Null | Value::List(_) | Value::Map(_)) => return None,
        (Some(FieldType::Date), Value::Str(s)) => {
            Scalar::Date(crate::record::activity::parse_date(s)?)
        }
        (Some(FieldType::Lifecycle), Value::Str(s)) => Scalar::Stage(s.trim(), StageOf::Lifecycle),
        (Some(FieldType::DealStage), Value::Str(s)) => Scalar::Stage(s.trim(), StageOf::Deal(r)),
        (_, Value::Int(i)) => Scalar::Num(*i as f64),
        (_, Value::Float(f)) => Scalar::Num(*f),
        (_, Value::Bool(b)) => Scalar::Bool(*b),
        (_, Value::Str(s)) => Scalar::Text(Cow::Borrowed(s.as_str())),
    })
}

fn check(s: &Scalar, test: &Test, env: &Env) -> bool {
    match test {
        Test::Any(vals) => equal_any(s, vals),
        Test::NoneOf(vals) => !equal_any(s, vals),
        Test::Order(op, v) => match order(s, v, env) {
            Some(o) => match op {
                Op::Lt => o.is_lt(),
                Op::Le => o.is_le(),
                Op::Gt => o.is_gt(),
                _ => o.is_ge(),
            },
            None => false,
        },
        Test::Matches(re) => re.is_match(&text_of(s)),
        Test::Contains(t) => contains_ignore_case(&text_of(s), t),
        Test::StartsWith(t) => text_of(s).to_lowercase().starts_with(t.as_str()),
        Test::EndsWith(t) => text_of(s).to_lowercase().ends_with(t.as_str()),
        Test::Within(days) => {
            date_of(s).is_some_and(|d| d <= env.as_of && d >= days_before(env.as_of, *days))
        }
        Test::Before(b) => date_of(s).is_some_and(|d| d < bound(*b, env)),
        Test::After(b) => date_of(s).is_some_and(|d| d > bound(*b, env)),
    }
}

fn bound(b: Bound, env: &Env) -> Date {
    match b {
        Bound::Date(d) => d,
        Bound::DaysAgo(n) => days_before(env.as_of, n),
    }
}

fn date_of(s: &Scalar) -> Option<Date> {
    match s {
        Scalar::Date(d) => Some(*d),
        Scalar::Text(t) => crate::record::activity::parse_date(t),
        _ => None,
    }
}

fn text_of<'a>(s: &'a Scalar) -> Cow<'a, str> {
    match s {
        Scalar::Text(t) => Cow::Borrowed(t.as_ref()),
        Scalar::Stage(t, _) => Cow::Borrowed(t),
        Scalar::Num(n) => Cow::Owned(
            Value::Float(*n)
                .to_string()
                .trim_end_matches(".0")
                .to_string(),
        ),
        Scalar::Date(d) => Cow::Owned(d.to_string()),
        Scalar::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
    }
}

/// Case-insensitive equality with an already lowercased value (any script, not only ASCII).
fn same_text(t: &str, lower: &str) -> bool {
    if t.is_ascii() {
        t.eq_ignore_ascii_case(lower)
    } else {
        t.to_lowercase() == lower
    }
}

/// Whether a scalar equals any of the values (text trimmed once, compared case-insensitively).
fn equal_any(s: &Scalar, vals: &[Val]) -> bool {
    match s {
        Scalar::Text(t) => {
            let t = t.trim_ascii();
            vals.iter().any(|v| {
                same_text(t, &v.text)
                    || (v.date.is_some() && crate::record::activity::parse_date(t) == v.date)
            })
        }
        Scalar::Stage(t, _) => vals.iter().any(|v| same_text(t, &v.text)),
        _ => vals.iter().any(|v| equal(s, v)),
    }
}

fn equal(s: &Scalar, v: &Val) -> bool {
    match s {
        Scalar::Num(n) => v.num.is_some_and(|x| (x - n).abs() < 1e-9),
        Scalar::Date(d) => v.date == Some(*d),
        Scalar::Bool(b) => v.text == if *b { "true" } else { "false" },
        Scalar::Stage(t, _) => same_text(t, &v.text),
        Scalar::Text(t) => {
            same_text(t.trim(), &v.text)
                || (v.date.is_some() && crate::record::activity::parse_date(t) == v.date)
        }
    }
}

fn order(s: &Scalar, v: &Val, env: &Env) -> Option<std::cmp::Ordering> {
    match s {
        Scalar::Num(n) => n.partial_cmp(&v.num?),
        Scalar::Date(d) => Some(d.cmp(&v.date?)),
        Scalar::Stage(stage, of) => {
            let mine = match of {
                StageOf::Lifecycle => env.cfg.lifecycle.rank(stage)?,
                StageOf::Deal(r) => env
                    .cfg
                    .pipeline(r.text("pipeline"))?
                    .stages
                    .iter()
                    .position(|x| x.id.eq_ignore_ascii_case(stage))?,
            };
            let theirs = env.cfg.lifecycle.rank(&v.text).or_else(|| {
                env.cfg.pipelines.iter().find_map(|p| {
                    p.stages
                        .iter()
                        .position(|x| x.id.eq_ignore_ascii_case(&v.text))
                })
            })?;
            Some(mine.cmp(&theirs))
        }
        Scalar::Text(t) => match (
            crate::record::activity::parse_date(t),
            v.date,
            t.trim().parse::<f64>().ok(),
            v.num,
        ) {
            (Some(d), Some(vd), _, _) => Some(d.cmp(&vd)),
            (_, _, Some(n), Some(vn)) => n.partial_cmp(&vn),
            _ => Some(t.to_lowercase().as_str().cmp(v.text.as_str())),
        },
        Scalar::Bool(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::config::Config;

    fn index() -> Index {
        let (cfg, d) = Config::parse(
            "lists:\n  dach: [DE, AT, CH]\nfields:\n  contacts:\n    seats: integer\n    renewal: date\n",
        );
        assert!(d.is_empty());
        Index::from_texts(
            cfg,
            [
                (
                    Kind::Company,
                    "acme",
                    "---\nname: Acme\nindustry: Software\nsize: 120\n---\n",
                ),
                (
                    Kind::Company,
                    "tiny",
                    "---\nname: Tiny\nindustry: retail\nsize: 8\n---\n",
                ),
                (
                    Kind::Person,
                    "ada",
                    "---\nname: Ada Lovelace\nemail: Ada@Gmail.com\ncompany: acme\ntitle: Head of Data\nlifecycle: mql\n\
                     owner: sam\ntags: [webinar-2026, VIP]\ncountry: DE\ncreated: 2026-09-15\nseats: 40\nphone: \"+44 1\"\n---\n\
                     ## Activity\n- 2026-10-01 visit: /blog\n- 2026-11-12 visit: /pricing\n- 2026-11-20 visit: /pricing/teams\n\
                     - 2026-11-24 visit: /Pricing\n- 2026-11-24 email-open: news\n- 2026-12-30 visit: /pricing (future)\n",
                ),
                (
                    Kind::Person,
                    "bob",
                    "---\nname: Bob\ncompany: tiny\nlifecycle: customer\ncountry: FR\ncreated: 2025-01-02\n---\n",
                ),
                (
                    Kind::Person,
                    "cy",
                    "---\nname: Cy\ntags: [unsubscribed]\n---\n",
                ),
                (
                    Kind::Deal,
                    "big",
                    "---\nname: Big\ncompany: acme\ncontacts: [ada]\nstage: contract-sent\namount: 25000\n---\n",
                ),
                (
                    Kind::Deal,
                    "old",
                    "---\nname: Old\ncompany: acme\ncontacts: [ada]\nstage: closed-won\namount: 5000\n---\n",
                ),
                (
                    Kind::Deal,
                    "lost",
                    "---\nname: Lost\ncompany: tiny\ncontacts: [bob]\nstage: closed-lost\namount: 900\nlost_reason: x\n---\n",
                ),
            ],
        )
    }

    /// The ids of the people an expression selects.
    fn select(index: &Index, src: &str) -> Vec<String> {
        let names: Vec<String> = vec!["internal".into(), "spam".into()];
        let scope = Scope {
            cfg: &index.config,
            scores: false,
            segments: Some(&names),
            why_not: "",
        };
        let f = Filter::compile(src, &scope).unwrap_or_else(|e| panic!("{src}: {e}"));
        let env = Env {
            index,
            cfg: &index.config,
            as_of: Date::constant(2026, 11, 25),
            computed: None,
        };
        let mut out: Vec<String> = index
            .entries()
            .filter(|(_, r)| r.kind == Kind::Person)
            .filter(|(slot, r)| f.matches(&env, *slot, r))
            .map(|(_, r)| r.id.to_string())
            .collect();
        out.sort();
        out
    }

    #[test]
    fn the_documented_examples_select_the_right_people() {
        let index = index();
        let cases: &[(&str, &[&str])] = &[
            ("lifecycle = MQL", &["ada"]),
            ("lifecycle in [mql, sql] and owner = sam", &["ada"]),
            (
                "tags has webinar-2026 and not tags has unsubscribed",
                &["ada"],
            ),
            ("tags has vip", &["ada"]),
            (
                "email ends_with \"@gmail.com\" or company.industry = software",
                &["ada"],
            ),
            ("country in [DE, AT, CH] and company.size >= 50", &["ada"]),
            ("country in $dach", &["ada"]),
            ("last_activity within 14d", &["ada"]),
            ("created before 2026-10-01", &["ada", "bob"]),
            ("created after 2026-01-01", &["ada"]),
            ("activity.visit.count(30d) >= 3", &["ada"]),
            // 12, 20 and 24 November (case-insensitive); the visit dated after today does not count.
            ("activity.visit(\"/pricing\").count(14d) >= 3", &["ada"]),
            ("activity.visit(\"/pricing\").count(14d) >= 4", &[]),
            ("activity.visit.count >= 4", &["ada"]),
            ("activity.count(30d) = 4", &["ada"]),
            ("activity.email-open.last = 2026-11-24", &["ada"]),
            (
                "deals.open.count >= 1 and deals.open.amount > 10000",
                &["ada"],
            ),
            ("deals.won.amount = 5000", &["ada"]),
            ("deals.lost.count = 1", &["bob"]),
            ("deals.count = 0", &["cy"]),
            ("title matches \"(?i)head|vp|director|chief\"", &["ada"]),
            ("exists phone", &["ada"]),
            ("not exists owner", &["bob", "cy"]),
            ("seats > 30 and seats <= 40", &["ada"]),
            ("lifecycle >= mql", &["ada", "bob"]),
            ("lifecycle < customer", &["ada"]),
            ("email_domain = gmail.com", &["ada"]),
            ("email_free", &["ada"]),
            ("id = bob or name = \"ADA LOVELACE\"", &["ada", "bob"]),
            ("name contains love", &["ada"]),
            ("name starts_with ada", &["ada"]),
            ("last_activity before 30d", &[]),
            ("company.industry != software", &["bob"]),
        ];
        for (src, want) in cases {
            assert_eq!(select(&index, src), *want, "{src}");
        }
    }

    #[test]
    fn missing_fields_are_false_and_not_makes_them_true() {
        let index = index();
        assert_eq!(select(&index, "country = DE"), ["ada"]);
        assert_eq!(select(&index, "country != DE"), ["bob"]);
        assert_eq!(select(&index, "not country = DE"), ["bob", "cy"]);
        assert_eq!(select(&index, "seats < 100"), ["ada"]);
        assert_eq!(select(&index, "not seats < 100"), ["bob", "cy"]);
        assert_eq!(select(&index, "company.size < 1000"), ["ada", "bob"]);
    }

    #[test]
    fn compile_errors_name_the_problem() {
        let index = index();
        let scope = Scope {
            cfg: &index.config,
            scores: false,
            segments: None,
            why_not: "scoring rules may not refer to scores",
        };
        let err = |src: &str| Filter::compile(src, &scope).unwrap_err();
        assert_eq!(
            err("created before soon").message,
            "`before` takes a date (2026-10-01) or a duration (30d: that long ago)"
        );
        assert_eq!(
            err("seats > many").message,
            "`seats` is a number; `many` is not"
        );
        assert_eq!(
            err("created = yesterday").message,
            "`created` is a date written YYYY-MM-DD; `yesterday` is not"
        );
        assert_eq!(
            err("lifecycle > vip").message,
            "`lifecycle` is a stage; `vip` is not"
        );
        assert_eq!(
            err("score > 3").message,
            "`score` cannot be used here: scoring rules may not refer to scores"
        );
        assert_eq!(
            err("email in $nope").message,
            "no list named `$nope`; lists: dach, internal_domains (add it under `lists:` in kith.yaml)"
        );
        assert_eq!(err("title matches \"(\"").col, 15);
        assert!(
            err("title matches \"(\"")
                .message
                .starts_with("invalid regular expression")
        );
        assert!(err("activity.visit.sum(3d) > 1").message.contains("`sum`"));
        assert!(
            err("deals.pending.count > 1")
                .message
                .contains("deals.open")
        );
        assert!(
            err("owner.name = x")
                .message
                .contains("dotted paths start with")
        );
    }
}
