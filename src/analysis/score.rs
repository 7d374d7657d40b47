//! Lead scoring: fit (the ideal customer profile), engagement (activity with time decay) and
//! buying signals (filter rules, negative ones too), each group capped, as HubSpot scores leads.
//!
//! The model comes from `scoring:` in kith.yaml, with defaults when it is absent. A score is a
//! pure function of a record, the index and a date; [`Model::explain`] returns every rule that
//! contributed, so every number can be traced.

use crate::analysis::filter::{Env, Filter, Scope};
use crate::record::Record;
use crate::record::config::Config;
use crate::record::diag::Diagnostic;
use crate::util::intern::Sym;
use serde::Deserialize;
use std::fmt::Write as _;

/// A person's score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    pub fit: f64,
    pub engagement: f64,
    pub total: f64,
    /// Fit `A`–`C` and engagement `1`–`3`, e.g. `B2`.
    pub grade: [u8; 2],
}

impl Score {
    pub fn grade(&self) -> String {
        String::from_utf8_lossy(&self.grade).into_owned()
    }
}

/// One line of an explanation: points and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub group: &'static str,
    pub points: f64,
    pub why: String,
}

/// A rule: a filter and the points it gives.
#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    pub when: Filter,
    pub points: f64,
}

/// Points per activity of one type.
#[derive(Debug, Clone)]
pub struct ActivityRule {
    pub kind: Sym,
    pub points: f64,
    pub cap: Option<f64>,
    pub fade: Fade,
}

/// How engagement points fade with time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fade {
    /// Points halve every N days.
    HalfLife(i64),
    /// Full points for N days, then none.
    Timeframe(i64),
    /// Points never fade.
    Never,
}

/// The scoring model.
#[derive(Debug, Clone)]
pub struct Model {
    pub fit: Vec<Rule>,
    pub fit_cap: Option<f64>,
    pub activities: Vec<ActivityRule>,
    pub engagement_cap: Option<f64>,
    pub signals: Vec<Rule>,
    pub signals_cap: Option<f64>,
    pub total_cap: Option<f64>,
    /// Lifecycle stage → the score that qualifies for it, ascending.
    pub thresholds: Vec<(String, f64)>,
    /// Fit score for grade A and B.
    pub fit_grades: (f64, f64),
    /// Engagement score for grade 1 and 2.
    pub engagement_grades: (f64, f64),
}

/// The model used when kith.yaml has no `scoring:`: engagement and buying signals only (fit
/// depends on who your customers are).
pub const DEFAULT_ACTIVITY_POINTS: &[(&str, f64, Option<f64>)] = &[
    ("visit", 2.0, Some(20.0)),
    ("email-open", 1.0, Some(5.0)),
    ("download", 5.0, Some(15.0)),
    ("webinar", 8.0, Some(16.0)),
    ("form", 5.0, Some(10.0)),
    ("demo-request", 15.0, None),
    ("reply", 8.0, Some(16.0)),
    ("meeting", 10.0, Some(20.0)),
    ("call", 4.0, Some(12.0)),
];

impl Model {
    /// Reads `scoring:` (or the defaults). Problems are kith.yaml diagnostics; a bad rule is left
    /// out and the rest of the model still works.
    pub fn from_config(cfg: &Config) -> (Model, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let raw: RawScoring = match &cfg.scoring {
            None => RawScoring::default(),
            Some(v) => match serde_yaml_ng::from_value(v.clone()) {
                Ok(r) => r,
                Err(e) => {
                    let (line, col) = cfg.locate("scoring:");
                    diags.push(
                        Diagnostic::error("config", format!("kith.yaml `scoring` is invalid: {e}"))
                            .in_file(crate::record::config::FILE)
                            .at(line, col)
                            .help("see the guide's chapter on lead scoring (docs/src/filters.md) for the shape of `scoring:`"),
                    );
                    RawScoring::default()
                }
            },
        };
        let scope = Scope {
            cfg,
            scores: false,
            segments: None,
            why_not: "scoring rules may not refer to scores or segments",
        };
        let rules = |raw: Vec<RawRule>, group: &str, diags: &mut Vec<Diagnostic>| -> Vec<Rule> {
            raw.into_iter()
                .filter_map(|r| match Filter::compile(&r.when, &scope) {
                    Ok(when) => Some(Rule {
                        name: r.name.unwrap_or_else(|| r.when.clone()),
                        when,
                        points: r.points,
                    }),
                    Err(e) => {
                        let (line, col) = cfg.locate(&r.when);
                        diags.push(
                            Diagnostic::error(
                                "config",
                                format!("kith.yaml scoring {group} rule: {}", e.message),
                            )
                            .in_file(crate::record::config::FILE)
                            .at(line, col + e.col as u32 - 1)
                            .help(e.render(&r.when)),
                        );
                        None
                    }
                })
                .collect()
        };
        let fit = raw.fit.unwrap_or_default();
        let signals = raw.signals.unwrap_or_else(default_signals);
        let engagement = raw.engagement.unwrap_or_default();
        let half_life = engagement
            .half_life
            .as_deref()
            .map(|h| duration(h, cfg, &mut diags))
            .unwrap_or(Some(30));
        let activities = match engagement.activities {
            None => DEFAULT_ACTIVITY_POINTS
                .iter()
                .map(|(k, p, cap)| ActivityRule {
                    kind: Sym::new(k),
                    points: *p,
                    cap: *cap,
                    fade: half_life.map_or(Fade::Never, Fade::HalfLife),
                })
                .collect(),
            Some(map) => map
                .into_iter()
                .filter_map(|(kind, spec)| {
                    let (points, cap, fade) = match spec {
                        RawActivity::Points(p) => (p, None, None),
                        RawActivity::Full { points, cap, half_life, timeframe } => {
                            let fade = match (half_life, timeframe) {
                                (Some(_), Some(_)) => {
                                    let (line, col) = cfg.locate(&format!("{kind}:"));
                                    diags.push(
                                        Diagnostic::error("config", format!("scoring activity `{kind}` has both half_life and timeframe"))
                                            .in_file(crate::record::config::FILE)
                                            .at(line, col)
                                            .help("points either fade (half_life) or expire (timeframe); choose one"),
                                    );
                                    return None;
                                }
                                (Some(h), None) => Some(duration(&h, cfg, &mut diags).map_or(Fade::Never, Fade::HalfLife)),
                                (None, Some(t)) => Some(duration(&t, cfg, &mut diags).map_or(Fade::Never, Fade::Timeframe)),
                                (None, None) => None,
                            };
                            (points, cap, fade)
                        }
                    };
                    Some(ActivityRule {
                        kind: Sym::new(&kind.to_lowercase()),
                        points,
                        cap,
                        fade: fade.unwrap_or(half_life.map_or(Fade::Never, Fade::HalfLife)),
                    })
                })
                .collect(),
        };
        let model = Model {
            fit: rules(fit.rules, "fit", &mut diags),
            fit_cap: fit.cap,
            activities,
            engagement_cap: engagement.cap.or(Some(60.0)),
            signals: rules(signals.rules, "signals", &mut diags),
            signals_cap: signals.cap,
            total_cap: raw.total_cap.or(Some(100.0)),
            thresholds: {
                let mut t: Vec<(String, f64)> = raw
                    .thresholds
                    .unwrap_or_else(|| {
                        [("lead", 20.0), ("mql", 50.0), ("sql", 80.0)]
                            .map(|(s, v)| (s.to_string(), v))
                            .into_iter()
                            .collect()
                    })
                    .into_iter()
                    .map(|(s, v)| (s.to_lowercase(), v))
                    .collect();
                for (stage, _) in &t {
                    if !cfg.lifecycle.is_known(stage) {
                        let (line, col) = cfg.locate(&format!("{stage}:"));
                        diags.push(
                            Diagnostic::error(
                                "config",
                                format!("scoring threshold for unknown stage `{stage}`"),
                            )
                            .in_file(crate::record::config::FILE)
                            .at(line, col),
                        );
                    }
                }
                t.sort_by(|a, b| a.1.total_cmp(&b.1));
                t
            },
            fit_grades: grade_cutoffs(
                raw.grades.as_ref().and_then(|g| g.fit.as_ref()),
                ["A", "B"],
                (30.0, 15.0),
                cfg,
                &mut diags,
            ),
            engagement_grades: grade_cutoffs(
                raw.grades.as_ref().and_then(|g| g.engagement.as_ref()),
                ["1", "2"],
                (40.0, 15.0),
                cfg,
                &mut diags,
            ),
        };
        (model, diags)
    }

    /// The score of a person at a date.
    pub fn score(&self, env: &Env, slot: usize, r: &Record) -> Score {
        self.compute(env, slot, r, None)
    }

    /// The score and every rule that contributed, in the order they apply.
    pub fn explain(&self, env: &Env, slot: usize, r: &Record) -> (Score, Vec<Line>) {
        let mut lines = Vec::new();
        let score = self.compute(env, slot, r, Some(&mut lines));
        (score, lines)
    }

    fn compute(
        &self,
        env: &Env,
        slot: usize,
        r: &Record,
        mut lines: Option<&mut Vec<Line>>,
    ) -> Score {
        // Explanations are only built when asked for (`why` is called only then): scoring
        // 100,000 people needs none.
        let mut note = |group: &'static str, points: f64, why: &dyn Fn() -> String| {
            if let Some(l) = lines.as_deref_mut()
                && points.abs() >= 0.05
            {
                l.push(Line {
                    group,
                    points,
                    why: why(),
                });
            }
        };
        // Fit: profile rules.
        let mut fit = 0.0;
        for rule in &self.fit {
            if rule.when.matches(env, slot, r) {
                fit += rule.points;
                note("fit", rule.points, &|| rule.name.clone());
            }
        }
        fit = cap(fit, self.fit_cap, "fit", &mut note);

        // Engagement: activity points, fading with age. One pass over the log, summing per rule.
        let mut sums: Vec<(f64, usize)> = vec![(0.0, 0); self.activities.len()];
        for a in r.activities.iter().filter(|a| a.date <= env.as_of) {
            let Some(i) = self.activities.iter().position(|rule| rule.kind == a.kind) else {
                continue;
            };
            let rule = &self.activities[i];
            let age = (env.as_of - a.date).get_days() as f64;
            let factor = match rule.fade {
                Fade::HalfLife(h) => (-std::f64::consts::LN_2 * age / h as f64).exp(),
                Fade::Timeframe(t) => f64::from(u8::from(age <= t as f64)),
                Fade::Never => 1.0,
            };
            if factor > 0.0 {
                sums[i].1 += 1;
            }
            sums[i].0 += rule.points * factor;
        }
        let mut engagement = 0.0;
        for (rule, &(mut points, count)) in self.activities.iter().zip(&sums) {
            if count == 0 {
                continue;
            }
            let capped = rule.cap.filter(|c| points > *c);
            if let Some(c) = capped {
                points = c;
            }
            engagement += points;
            note("engagement", points, &|| {
                let mut why = format!("{count} {}", plural(&rule.kind, count));
                match rule.fade {
                    Fade::HalfLife(h) => why.push_str(&format!(", decayed (half-life {h}d)")),
                    Fade::Timeframe(t) => why.push_str(&format!(" in the last {t}d")),
                    Fade::Never => {}
                }
                if let Some(c) = capped {
                    let _ = write!(why, ", capped at {}", num(c));
                }
                why
            });
        }
        engagement = cap(engagement, self.engagement_cap, "engagement", &mut note);

        // Buying signals (and negative signals).
        let mut signals = 0.0;
        for rule in &self.signals {
            if rule.when.matches(env, slot, r) {
                signals += rule.points;
                note("signal", rule.points, &|| rule.name.clone());
            }
        }
        signals = cap(signals, self.signals_cap, "signals", &mut note);

        let engagement = engagement + signals;
        let total = cap(fit + engagement, self.total_cap, "total", &mut note);
        let (fa, fb) = self.fit_grades;
        let (e1, e2) = self.engagement_grades;
        let fit_grade = if fit >= fa {
            b'A'
        } else if fit >= fb {
            b'B'
        } else {
            b'C'
        };
        let engagement_grade = if engagement >= e1 {
            b'1'
        } else if engagement >= e2 {
            b'2'
        } else {
            b'3'
        };
        Score {
            fit: round1(fit),
            engagement: round1(engagement),
            total: round1(total),
            grade: [fit_grade, engagement_grade],
        }
    }

    /// The highest stage a score qualifies for.
    pub fn qualifies_for(&self, score: f64) -> Option<&str> {
        self.thresholds
            .iter()
            .rev()
            .find(|(_, t)| score >= *t)
            .map(|(s, _)| s.as_str())
    }
}

fn cap(
    value: f64,
    cap: Option<f64>,
    group: &'static str,
    note: &mut impl FnMut(&'static str, f64, &dyn Fn() -> String),
) -> f64 {
    match cap {
        Some(c) if value > c => {
            note("cap", c - value, &|| {
                format!("{group} capped at {}", num(c))
            });
            c
        }
        _ => value,
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A number without a needless `.0`.
pub fn num(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

fn plural(kind: &str, n: usize) -> String {
    let consonant_y = kind.len() > 1
        && kind.ends_with('y')
        && !matches!(
            kind.as_bytes()[kind.len() - 2],
            b'a' | b'e' | b'i' | b'o' | b'u'
        );
    if n == 1 {
        kind.to_string()
    } else if consonant_y {
        format!("{}ies", &kind[..kind.len() - 1])
    } else if kind.ends_with('s') || kind.ends_with("sh") || kind.ends_with("ch") {
        format!("{kind}es")
    } else {
        format!("{kind}s")
    }
}

fn duration(text: &str, cfg: &Config, diags: &mut Vec<Diagnostic>) -> Option<i64> {
    match crate::util::duration::parse_duration(text.trim()) {
        Some(d) if d > 0 => Some(d),
        _ => {
            let (line, col) = cfg.locate(text);
            diags.push(
                Diagnostic::error("config", format!("`{text}` is not a duration"))
                    .in_file(crate::record::config::FILE)
                    .at(line, col)
                    .help("write durations as 14d, 6w, 3m or 1y"),
            );
            None
        }
    }
}

fn default_signals() -> RawGroup {
    let rule = |name: &str, when: &str, points: f64| RawRule {
        name: Some(name.into()),
        when: when.into(),
        points,
    };
    RawGroup {
        cap: Some(40.0),
        rules: vec![
            rule(
                "pricing page visited 3 times in 14 days",
                "activity.visit(\"/pricing\").count(14d) >= 3",
                15.0,
            ),
            rule(
                "asked for a demo in the last 30 days",
                "activity.demo-request.count(30d) >= 1",
                15.0,
            ),
            rule(
                "replied in the last 30 days",
                "activity.reply.count(30d) >= 1",
                10.0,
            ),
            rule("unsubscribed", "tags has unsubscribed", -20.0),
            rule("do not contact", "do_not_contact = true", -20.0),
        ],
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawScoring {
    total_cap: Option<f64>,
    fit: Option<RawGroup>,
    engagement: Option<RawEngagement>,
    signals: Option<RawGroup>,
    thresholds: Option<indexmap::IndexMap<String, f64>>,
    grades: Option<RawGrades>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    cap: Option<f64>,
    #[serde(default)]
    rules: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: Option<String>,
    when: String,
    points: f64,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawEngagement {
    cap: Option<f64>,
    half_life: Option<String>,
    activities: Option<indexmap::IndexMap<String, RawActivity>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawActivity {
    Points(f64),
    Full {
        points: f64,
        cap: Option<f64>,
        half_life: Option<String>,
        timeframe: Option<String>,
    },
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawGrades {
    fit: Option<serde_yaml_ng::Mapping>,
    engagement: Option<serde_yaml_ng::Mapping>,
}

/// Reads `{A: 30, B: 15}` (or `{1: 40, 2: 15}`): the scores that earn the two best grades.
fn grade_cutoffs(
    map: Option<&serde_yaml_ng::Mapping>,
    keys: [&str; 2],
    default: (f64, f64),
    cfg: &Config,
    diags: &mut Vec<Diagnostic>,
) -> (f64, f64) {
    let Some(map) = map else { return default };
    let get = |k: &str| {
        map.iter()
            .find(|(key, _)| crate::record::value::key_text((*key).clone()) == k)
            .and_then(|(_, v)| v.as_f64())
    };
    match (get(keys[0]), get(keys[1])) {
        (Some(a), Some(b)) => (a, b),
        _ => {
            let (line, col) = cfg.locate("grades:");
            diags.push(
                Diagnostic::error(
                    "config",
                    format!(
                        "scoring grades need `{}` and `{}` with the score for each",
                        keys[0], keys[1]
                    ),
                )
                .in_file(crate::record::config::FILE)
                .at(line, col)
                .help("e.g. `fit: {A: 30, B: 15}` and `engagement: {1: 40, 2: 15}`"),
            );
            default
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Index;
    use crate::record::Kind;
    use jiff::civil::Date;

    const CONFIG: &str = r#"
lists:
  competitor_domains: [rival.example]
scoring:
  total_cap: 100
  fit:
    cap: 40
    rules:
      - { name: software company, when: "company.industry = software", points: 15 }
      - { name: senior title, when: 'title matches "(?i)head|vp|chief"', points: 10 }
      - { name: big enough, when: "company.size >= 50", points: 20 }
  engagement:
    cap: 30
    half_life: 30d
    activities:
      visit: { points: 4, cap: 10 }
      email-open: 1
      demo-request: { points: 20, timeframe: 30d }
  signals:
    cap: 25
    rules:
      - { name: pricing x3 in 14 days, when: 'activity.visit("/pricing").count(14d) >= 3', points: 15 }
      - { name: competitor, when: "email_domain in $competitor_domains", points: -40 }
  thresholds: { lead: 10, mql: 40, sql: 70 }
  grades:
    fit: { A: 30, B: 15 }
    engagement: { 1: 25, 2: 10 }
"#;

    fn setup() -> (Index, Model) {
        let (cfg, diags) = Config::parse(CONFIG);
        assert!(diags.is_empty(), "{diags:?}");
        let (model, diags) = Model::from_config(&cfg);
        assert!(diags.is_empty(), "{diags:?}");
        let index = Index::from_texts(
            cfg,
            [
                (
                    Kind::Company,
                    "acme",
                    "---\nname: Acme\nindustry: software\nsize: 120\n---\n",
                ),
                (
                    Kind::Person,
                    "ada",
                    "---\nname: Ada\nemail: ada@acme.example\ncompany: acme\ntitle: Head of Data\n---\n## Activity\n\
                     - 2026-10-26 visit: /blog\n- 2026-11-20 visit: /pricing\n- 2026-11-22 visit: /pricing\n\
                     - 2026-11-25 visit: /pricing\n- 2026-11-25 email-open: news\n",
                ),
                (
                    Kind::Person,
                    "cy",
                    "---\nname: Cy\nemail: cy@rival.example\n---\n## Activity\n- 2026-09-01 demo-request: x\n- 2026-11-20 demo-request: y\n",
                ),
            ],
        );
        (index, model)
    }

    fn env(index: &Index) -> Env<'_> {
        Env {
            index,
            cfg: &index.config,
            as_of: Date::constant(2026, 11, 25),
            computed: None,
        }
    }

    #[test]
    fn fit_engagement_signals_and_caps() {
        let (index, model) = setup();
        let env = env(&index);
        let slot = index.slot(Kind::Person, "ada").unwrap();
        let (score, lines) = model.explain(&env, slot, index.get(Kind::Person, "ada").unwrap());
        let text: Vec<String> = lines
            .iter()
            .map(|l| format!("{:+.1} {}: {}", l.points, l.group, l.why))
            .collect();
        // Visits: 4 × (0.5^(30/30) + 0.5^(5/30) + 0.5^(3/30) + 1) = 4 × 3.32 = 13.3, capped at 10.
        assert_eq!(
            text,
            [
                "+15.0 fit: software company",
                "+10.0 fit: senior title",
                "+20.0 fit: big enough",
                "-5.0 cap: fit capped at 40",
                "+10.0 engagement: 4 visits, decayed (half-life 30d), capped at 10",
                "+1.0 engagement: 1 email-open, decayed (half-life 30d)",
                "+15.0 signal: pricing x3 in 14 days",
            ]
        );
        assert_eq!(
            score,
            Score {
                fit: 40.0,
                engagement: 26.0,
                total: 66.0,
                grade: *b"A1"
            }
        );
        assert_eq!(model.qualifies_for(score.total), Some("mql"));
    }

    #[test]
    fn timeframes_expire_and_negative_signals_subtract() {
        let (index, model) = setup();
        let env = env(&index);
        let slot = index.slot(Kind::Person, "cy").unwrap();
        let (score, lines) = model.explain(&env, slot, index.get(Kind::Person, "cy").unwrap());
        // Only the demo request of 5 days ago counts (timeframe 30d); the competitor rule subtracts.
        assert_eq!(lines[0].why, "1 demo-request in the last 30d");
        assert_eq!(lines[0].points, 20.0);
        assert_eq!(lines[1].points, -40.0);
        assert_eq!(score.total, -20.0);
        assert_eq!(score.grade, *b"C3");
        assert_eq!(model.qualifies_for(score.total), None);
    }

    #[test]
    fn decay_is_exact_at_fixed_dates() {
        let (index, model) = setup();
        let r = index.get(Kind::Person, "ada").unwrap();
        let slot = index.slot(Kind::Person, "ada").unwrap();
        // On 2026-12-25 the last pricing visit is 30 days old: worth half.
        let later = Env {
            index: &index,
            cfg: &index.config,
            as_of: Date::constant(2026, 12, 25),
            computed: None,
        };
        let (_, lines) = model.explain(&later, slot, r);
        let visits = lines
            .iter()
            .find(|l| l.why.starts_with("4 visits"))
            .unwrap();
        let expected = 4.0
            * (0.5f64.powf(60.0 / 30.0)
                + 0.5f64.powf(35.0 / 30.0)
                + 0.5f64.powf(33.0 / 30.0)
                + 0.5);
        assert!(
            (visits.points - expected).abs() < 1e-9,
            "{} vs {expected}",
            visits.points
        );
        // Scores ignore what happens after the date: on 1 November only the visit of 26 October
        // counts, 6 days old: 4 × 0.5^(6/30) = 3.48.
        let before = Env {
            index: &index,
            cfg: &index.config,
            as_of: Date::constant(2026, 11, 1),
            computed: None,
        };
        let (score, _) = model.explain(&before, slot, r);
        assert_eq!(score.engagement, 3.5);
    }

    #[test]
    fn reports_model_mistakes() {
        let (cfg, _) = Config::parse(
            "scoring:\n  fit:\n    rules:\n      - { when: \"score > 3\", points: 5 }\n      - { when: \"segments has x\", points: 5 }\n  engagement:\n    half_life: soon\n",
        );
        let (_, diags) = Model::from_config(&cfg);
        let msgs: Vec<String> = diags
            .iter()
            .map(|d| format!("{}:{} {}", d.line, d.column, d.message))
            .collect();
        assert_eq!(
            msgs,
            [
                "7:16 `soon` is not a duration",
                "4:18 kith.yaml scoring fit rule: `score` cannot be used here: scoring rules may not refer to scores or segments",
                "5:18 kith.yaml scoring fit rule: segments cannot be used here: scoring rules may not refer to scores or segments",
            ]
        );
    }
}
