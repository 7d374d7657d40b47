//! Converting a qualified lead into an opportunity: find or create the company (linking by
//! domain, then by name, and filling only its empty fields), create a deal, move the person.
//! Pure planning over the index; the command writes the plan.

use crate::edit::Change;
use crate::index::Index;
use crate::index::resolve;
use crate::plan::create;
use crate::plan::lifecycle::{self, Attribution};
use crate::record::schema;
use crate::record::value::Value;
use crate::record::{Kind, Record};
use crate::util::slug;
use anyhow::{Result, bail};
use jiff::civil::Date;

/// What the user asked for.
#[derive(Debug, Default, Clone)]
pub struct Options {
    pub deal_name: Option<String>,
    pub amount: Option<f64>,
    pub currency: Option<String>,
    pub close: Option<Date>,
    pub company: Option<String>,
    pub force: bool,
}

/// The company side of a conversion.
#[derive(Debug, Clone, PartialEq)]
pub enum CompanyPlan {
    /// An existing company, with the empty fields the person can fill.
    Link { id: String, fill: Vec<Change> },
    /// A new company file.
    Create {
        id: String,
        name: String,
        text: String,
    },
}

impl CompanyPlan {
    pub fn id(&self) -> &str {
        match self {
            CompanyPlan::Link { id, .. } | CompanyPlan::Create { id, .. } => id,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub company: CompanyPlan,
    pub deal_id: String,
    pub deal_name: String,
    pub deal_text: String,
    pub person_changes: Vec<Change>,
    /// Stage the person moves to (`None` when already there).
    pub stage: Option<String>,
}

/// Plans the conversion of `person`.
pub fn plan(index: &Index, person: &Record, opts: &Options, stamp: &Attribution) -> Result<Plan> {
    let cfg = &index.config;
    if person.kind != Kind::Person {
        bail!(
            "{} is a {}; only a person can be converted",
            person.id,
            person.kind
        );
    }
    let stage = person.lifecycle();
    let is_lead = stage.as_deref().is_some_and(|s| cfg.lifecycle.is_lead(s));
    if !is_lead && !opts.force {
        bail!(
            "{} is {}, not a lead ({}); use --force to convert anyway",
            person.name(),
            stage
                .as_deref()
                .map_or("a plain contact".to_string(), |s| format!("at `{s}`")),
            cfg.lifecycle.lead_stages.join(", ")
        );
    }
    let Some(target) = cfg.lifecycle.opportunity_stage() else {
        bail!("kith.yaml's lifecycle has no stage after the lead stages to convert to");
    };
    let company = company_plan(index, person, opts, stamp.today)?;
    let company_name = match &company {
        CompanyPlan::Link { id, .. } => index
            .get(Kind::Company, id)
            .map_or(id.clone(), |c| c.name().to_string()),
        CompanyPlan::Create { name, .. } => name.clone(),
    };
    let deal_name = opts
        .deal_name
        .clone()
        .unwrap_or_else(|| format!("{company_name} – new business"));
    let deal_id = create::new_id(&deal_name, |id| index.contains(Kind::Deal, id));
    let mut fields: Vec<(String, Value)> = Vec::new();
    if let Some(amount) = opts.amount {
        fields.push(("amount".into(), number(amount)));
    }
    if let Some(c) = &opts.currency {
        fields.push(("currency".into(), Value::str(&c.to_uppercase())));
    }
    if let Some(close) = opts.close {
        fields.push(("close_date".into(), Value::str(&close.to_string())));
    }
    fields.push(("company".into(), Value::str(company.id())));
    fields.push((
        "contacts".into(),
        Value::List(vec![Value::str(&person.id)].into()),
    ));
    if let Some(owner) = person.text("owner") {
        fields.push(("owner".into(), Value::str(owner)));
    }
    let deal_text = create::record_text(cfg, Kind::Deal, &deal_name, &fields, stamp.today)?;

    let mut person_changes = Vec::new();
    if person.text("company") != Some(company.id()) {
        if let Some(old) = person.text("company") {
            bail!(
                "{} works for `{old}`, not `{}`; correct `company` first or pass --company {old}",
                person.name(),
                company.id()
            );
        }
        person_changes.push(Change::Set("company".into(), Value::str(company.id())));
    }
    // Only forward: a customer who buys again stays a customer.
    let current_rank = stage.as_deref().and_then(|s| cfg.lifecycle.rank(s));
    let moves = current_rank.is_none_or(|r| cfg.lifecycle.rank(target).is_some_and(|t| t > r));
    if moves {
        person_changes.extend(lifecycle::stage_changes(
            cfg,
            person,
            target,
            None,
            stamp,
            Some(&deal_id),
        ));
    }
    Ok(Plan {
        company,
        deal_id,
        deal_name,
        deal_text,
        person_changes,
        stage: moves.then(|| target.to_string()),
    })
}

fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9e15 {
        Value::Int(x as i64)
    } else {
        Value::Float(x)
    }
}

/// The person's e-mail domain when it says something about their employer.
fn work_domain(person: &Record) -> Option<String> {
    person
        .emails()
        .into_iter()
        .filter_map(|e| e.rsplit_once('@').map(|(_, d)| d.to_string()))
        .find(|d| !schema::is_free_mail(d))
}

fn company_plan(
    index: &Index,
    person: &Record,
    opts: &Options,
    today: Date,
) -> Result<CompanyPlan> {
    let domain = work_domain(person);
    if let Some(query) = &opts.company {
        if let Ok(c) = resolve::resolve(index, query, Some(Kind::Company)) {
            return Ok(link(c, person, domain.as_deref()));
        }
        return create_company(index, query, person, domain.as_deref(), today);
    }
    if let Some(id) = person.text("company") {
        return match index.get(Kind::Company, id) {
            Some(c) => Ok(link(c, person, domain.as_deref())),
            None => bail!(
                "{} refers to company `{id}`, which does not exist; pass --company NAME",
                person.name()
            ),
        };
    }
    if let Some(d) = &domain {
        let by_domain = index.of_kind(Kind::Company).into_iter().find(|c| {
            c.text("domain")
                .is_some_and(|cd| cd.trim().eq_ignore_ascii_case(d))
                || c.list("domains")
                    .any(|cd| cd.trim().eq_ignore_ascii_case(d))
        });
        if let Some(c) = by_domain {
            return Ok(link(c, person, domain.as_deref()));
        }
        let name = name_from_domain(d);
        return create_company(index, &name, person, domain.as_deref(), today);
    }
    bail!(
        "cannot tell {}'s company (no `company` field and a free-mail address); pass --company NAME",
        person.name()
    )
}

/// Links an existing company, planning to fill its empty fields from the person.
fn link(company: &Record, person: &Record, domain: Option<&str>) -> CompanyPlan {
    let mut fill = Vec::new();
    let mut offer = |key: &str, value: Option<String>| {
        if company.get(key).is_none()
            && let Some(v) = value
        {
            fill.push(Change::Set(key.into(), Value::str(&v)));
        }
    };
    offer("domain", domain.map(str::to_string));
    offer("country", person.text("country").map(str::to_string));
    offer("industry", person.text("industry").map(str::to_string));
    offer("owner", person.text("owner").map(str::to_string));
    CompanyPlan::Link {
        id: company.id.to_string(),
        fill,
    }
}

fn create_company(
    index: &Index,
    name: &str,
    person: &Record,
    domain: Option<&str>,
    today: Date,
) -> Result<CompanyPlan> {
    // A company with the same name (accents and case aside) is the same company.
    let folded = slug::fold(name);
    if let Some(c) = index
        .of_kind(Kind::Company)
        .into_iter()
        .find(|c| slug::fold(c.name()) == folded)
    {
        return Ok(link(c, person, domain));
    }
    let id = create::new_id(name, |id| index.contains(Kind::Company, id));
    let mut fields: Vec<(String, Value)> = Vec::new();
    if let Some(d) = domain {
        fields.push(("domain".into(), Value::str(d)));
    }
    for key in ["industry", "country", "owner"] {
        if let Some(v) = person.text(key) {
            fields.push((key.into(), Value::str(v)));
        }
    }
    let text = create::record_text(&index.config, Kind::Company, name, &fields, today)?;
    Ok(CompanyPlan::Create {
        id,
        name: name.to_string(),
        text,
    })
}

/// `analytical-engines.co.uk` → `Analytical Engines`.
fn name_from_domain(domain: &str) -> String {
    let label = domain.split('.').next().unwrap_or(domain);
    label
        .split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or(String::new(), |f| {
                f.to_uppercase().collect::<String>() + c.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
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
                    Kind::Company,
                    "analytical-engines",
                    "---\nname: Analytical Engines\ndomain: analytical.example\n---\n",
                ),
                (
                    Kind::Person,
                    "ada",
                    "---\nname: Ada\nemail: ada@analytical.example\nlifecycle: sql\ncountry: GB\nowner: sam\n---\n",
                ),
                (
                    Kind::Person,
                    "bob",
                    "---\nname: Bob\nemail: bob@new-co.example\nlifecycle: mql\nindustry: retail\n---\n",
                ),
                (
                    Kind::Person,
                    "cy",
                    "---\nname: Cy\nemail: cy@gmail.example\nlifecycle: lead\n---\n",
                ),
                (
                    Kind::Person,
                    "dee",
                    "---\nname: Dee\nlifecycle: customer\n---\n",
                ),
            ],
        )
    }

    fn stamp() -> Attribution<'static> {
        Attribution {
            today: Date::constant(2026, 11, 25),
            by: Some("sam"),
        }
    }

    #[test]
    fn links_by_domain_and_fills_empty_fields() {
        let index = index();
        let p = plan(
            &index,
            index.get(Kind::Person, "ada").unwrap(),
            &Options {
                amount: Some(12000.0),
                ..Default::default()
            },
            &stamp(),
        )
        .unwrap();
        let CompanyPlan::Link { id, fill } = &p.company else {
            panic!()
        };
        assert_eq!(id, "analytical-engines");
        assert_eq!(
            fill,
            &vec![
                Change::Set("country".into(), Value::str("GB")),
                Change::Set("owner".into(), Value::str("sam"))
            ]
        );
        assert_eq!(p.deal_id, "analytical-engines-new-business");
        assert!(p.deal_text.contains("amount: 12000\n"));
        assert!(p.deal_text.contains("contacts: [ada]\n"));
        assert!(p.deal_text.contains("owner: sam\n"));
        assert_eq!(p.stage.as_deref(), Some("opportunity"));
        assert!(p.person_changes.contains(&Change::Set(
            "company".into(),
            Value::str("analytical-engines")
        )));
    }

    #[test]
    fn creates_a_company_from_the_domain() {
        let index = index();
        let p = plan(
            &index,
            index.get(Kind::Person, "bob").unwrap(),
            &Options::default(),
            &stamp(),
        )
        .unwrap();
        let CompanyPlan::Create { id, name, text } = &p.company else {
            panic!()
        };
        assert_eq!((id.as_str(), name.as_str()), ("new-co", "New Co"));
        assert!(text.contains("domain: new-co.example\nindustry: retail\n"));
    }

    #[test]
    fn refuses_what_it_cannot_decide() {
        let index = index();
        let e = plan(
            &index,
            index.get(Kind::Person, "cy").unwrap(),
            &Options::default(),
            &stamp(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("--company"), "{e}");
        let e = plan(
            &index,
            index.get(Kind::Person, "dee").unwrap(),
            &Options::default(),
            &stamp(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("not a lead"), "{e}");
        let p = plan(
            &index,
            index.get(Kind::Person, "cy").unwrap(),
            &Options {
                company: Some("Analytical Engines".into()),
                ..Default::default()
            },
            &stamp(),
        )
        .unwrap();
        assert_eq!(p.company.id(), "analytical-engines");
    }
}
