//! What an import file holds (people, companies or deals), decided from its header row, and
//! the words of companies and deals files: HubSpot's, Salesforce's and kith's own column
//! names, deal stages, amounts.

use super::vocab::{self, header_key};
use crate::record::Kind;
use crate::record::config::{Closed, Pipeline};

/// What the headers say a file holds, and why, in the user's words.
#[derive(Debug, Clone, PartialEq)]
pub struct Detected {
    pub kind: Kind,
    /// `the file has `Company name` and `Domain`, no person name or e-mail`.
    pub why: String,
}

/// Headers that only a deals file has.
const DEAL_ONLY: &[&str] = &[
    "dealname",
    "opportunityname",
    "dealstage",
    "stagename",
    "opportunityid",
    "dealid",
];
/// Headers a deals file has, that a people or companies file does not have without a person.
const DEAL_LIKE: &[&str] = &[
    "stage",
    "amount",
    "closedate",
    "expectedclosedate",
    "pipeline",
    "dealowner",
    "opportunityowner",
    "dealamount",
];
/// Headers that name a person or reach one.
const PERSON: &[&str] = &[
    "firstname",
    "lastname",
    "fullname",
    "contactname",
    "leadname",
    "givenname",
    "familyname",
    "surname",
    "jobtitle",
    "title",
];
/// Headers that say a row is a company.
const COMPANY: &[&str] = &[
    "companyname",
    "accountname",
    "organizationname",
    "organisationname",
    "domain",
    "companydomainname",
    "website",
    "websiteurl",
    "numberofemployees",
    "employees",
    "annualrevenue",
    "size",
    "companyowner",
    "accountowner",
];

/// Decides from a CSV header row what its rows are; `None` when nothing in it names a person, a
/// company or a deal.
pub fn detect(headers: &[String]) -> Option<Detected> {
    let keyed: Vec<(String, &str)> = headers.iter().map(|h| (header_key(h), h.trim())).collect();
    let having = |set: &[&str]| -> Vec<String> {
        keyed
            .iter()
            .filter(|(k, _)| set.contains(&k.as_str()))
            .map(|(_, h)| format!("`{h}`"))
            .collect()
    };
    let emails: Vec<String> = keyed
        .iter()
        .filter(|(k, _)| matches!(vocab::field_for(k), Some("email" | "emails")))
        .map(|(_, h)| format!("`{h}`"))
        .collect();
    let person = [having(PERSON), emails].concat();
    let two = |found: &[String]| {
        found
            .iter()
            .take(2)
            .cloned()
            .collect::<Vec<_>>()
            .join(" and ")
    };
    let deal_only = having(DEAL_ONLY);
    if !deal_only.is_empty() {
        let mut shown = deal_only;
        shown.extend(having(DEAL_LIKE));
        return Some(Detected {
            kind: Kind::Deal,
            why: format!("the file has {}", two(&shown)),
        });
    }
    let deal_like = having(DEAL_LIKE);
    if !deal_like.is_empty() && person.is_empty() {
        return Some(Detected {
            kind: Kind::Deal,
            why: format!("the file has {}, no person name or e-mail", two(&deal_like)),
        });
    }
    if !person.is_empty() {
        return Some(Detected {
            kind: Kind::Person,
            why: format!("the file has {}", two(&person)),
        });
    }
    let company = having(COMPANY);
    if !company.is_empty() {
        let named = keyed
            .iter()
            .find(|(k, _)| matches!(k.as_str(), "name" | "companyname" | "accountname"))
            .map(|(_, h)| format!("`{h}`"));
        let mut shown: Vec<String> = named.into_iter().collect();
        for c in company {
            if !shown.contains(&c) {
                shown.push(c);
            }
        }
        return Some(Detected {
            kind: Kind::Company,
            why: format!("the file has {}, no person name or e-mail", two(&shown)),
        });
    }
    // A name, a phone number or a company without anything else: a list of people, as kith
    // has always read it.
    let plain: Vec<String> = keyed
        .iter()
        .filter(|(k, _)| {
            matches!(
                vocab::field_for(k),
                Some("name" | "phone" | "phones" | "company")
            )
        })
        .map(|(_, h)| format!("`{h}`"))
        .collect();
    (!plain.is_empty()).then(|| Detected {
        kind: Kind::Person,
        why: format!("the file has {}", two(&plain)),
    })
}

/// The kith field a column of a companies file fills, by its [`header_key`]; `None` for a
/// column kith does not know (it becomes a custom field).
pub fn company_field(key: &str) -> Option<&'static str> {
    let field = match key {
        "name" | "companyname" | "accountname" | "organizationname" | "organisationname"
        | "organization" | "company" => "name",
        "domain" | "companydomainname" | "companydomain" | "emaildomain" => "domain",
        "website" | "websiteurl" | "companywebsite" | "url" => "website",
        "industry" => "industry",
        "numberofemployees" | "employees" | "size" | "companysize" | "headcount" => "size",
        "annualrevenue" | "revenue" => "annual_revenue",
        "city" | "billingcity" => "city",
        "country" | "countryregion" | "billingcountry" | "countrycode" => "country",
        "owner" | "companyowner" | "accountowner" | "hubspotowner" | "recordowner" => "owner",
        "phone" | "phonenumber" | "companyphone" => "phone",
        "tags" | "labels" => "tags",
        "notes" | "note" | "description" | "comments" | "about" => "notes",
        "created" | "createdate" | "createddate" | "datecreated" => "created",
        "source" | "originalsource" | "accountsource" => "source",
        "id" => "id",
        _ => return None,
    };
    Some(field)
}

/// The kith field a column of a deals file fills, by its [`header_key`]; `None` for a column
/// kith does not know (it becomes a custom field).
pub fn deal_field(key: &str) -> Option<&'static str> {
    let field = match key {
        "name" | "dealname" | "opportunityname" | "opportunity" | "deal" => "name",
        "amount" | "dealamount" | "value" | "dealvalue" => "amount",
        "currency" | "currencyisocode" | "dealcurrencycode" | "currencycode" => "currency",
        "stage" | "dealstage" | "stagename" => "stage",
        "pipeline" | "dealpipeline" => "pipeline",
        "closedate" | "expectedclosedate" => "close_date",
        "probability" | "dealprobability" => "probability",
        "owner" | "dealowner" | "opportunityowner" | "hubspotowner" | "recordowner" => "owner",
        "company" | "companyname" | "associatedcompany" | "accountname" | "account"
        | "organization" | "organizationname" => "company",
        "contacts" | "contact" | "associatedcontact" | "associatedcontacts" | "contactname" => {
            "contacts"
        }
        "lostreason" | "closedlostreason" => "lost_reason",
        "tags" | "labels" => "tags",
        "notes" | "note" | "description" | "comments" => "notes",
        "created" | "createdate" | "createddate" | "datecreated" => "created",
        "id" => "id",
        _ => return None,
    };
    Some(field)
}

/// A deal stage as another tool writes it, as one of the pipeline's stages: the stage's own
/// id in any case and punctuation (`Contract Sent`, HubSpot's `contractsent`), Salesforce's
/// default `StageName`s, or any closed-won and closed-lost stage. `None` when unknown.
pub fn deal_stage(pipeline: &Pipeline, value: &str) -> Option<String> {
    let key = header_key(value);
    if let Some(s) = pipeline.stages.iter().find(|s| header_key(&s.id) == key) {
        return Some(s.id.clone());
    }
    let closed = |c: Closed| {
        pipeline
            .stages
            .iter()
            .find(|s| s.closed == Some(c))
            .map(|s| s.id.clone())
    };
    match key.as_str() {
        "closedwon" | "won" => return closed(Closed::Won),
        "closedlost" | "lost" => return closed(Closed::Lost),
        _ => {}
    }
    // Salesforce's default opportunity stages, in HubSpot's (and kith's) default pipeline.
    let default = match key.as_str() {
        "prospecting" => "appointment-scheduled",
        "qualification" | "needsanalysis" => "qualified-to-buy",
        "valueproposition" => "presentation-scheduled",
        "iddecisionmakers" | "perceptionanalysis" => "decision-maker-bought-in",
        "proposalpricequote" | "negotiationreview" => "contract-sent",
        _ => return None,
    };
    pipeline.stage(default).map(|s| s.id.clone())
}

/// An amount as exports write it: `64000`, `64,000.50`, `€ 64.000`, `$1,200`, `1 200`;
/// `None` for text that is not one number.
pub fn amount(value: &str) -> Option<f64> {
    let kept: String = value
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-'))
        .collect();
    if kept.is_empty()
        || value
            .chars()
            .any(|c| c.is_alphabetic() && !c.is_uppercase())
    {
        return None;
    }
    // The last of `.` and `,` is the decimal separator when two or fewer digits follow it
    // once (`1.234,50`, `64,000.50`); otherwise both are thousands separators.
    let last = kept.rfind(['.', ',']);
    let normal = match last {
        Some(i)
            if kept[i + 1..].len() <= 2
                && kept[..i].chars().filter(|c| matches!(c, '.' | ',')).count() <= 2 =>
        {
            let whole: String = kept[..i]
                .chars()
                .filter(|c| !matches!(c, '.' | ','))
                .collect();
            format!("{whole}.{}", &kept[i + 1..])
        }
        _ => kept.replace(['.', ','], ""),
    };
    normal.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// A whole number as exports write it (`1,200`, `1 200`, `1200.0`); `None` for anything else
/// (`51-200`, `about 50`).
pub fn whole(value: &str) -> Option<i64> {
    let v: String = value
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '\u{a0}' | '\''))
        .collect();
    let v = v.strip_suffix(".0").unwrap_or(&v);
    v.parse::<i64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::config::Config;

    fn detect_kind(headers: &str) -> Option<Kind> {
        let h: Vec<String> = headers.split(',').map(str::to_string).collect();
        detect(&h).map(|d| d.kind)
    }

    #[test]
    fn headers_decide_the_kind() {
        for (headers, kind) in [
            (
                "First Name,Last Name,Email,Company Name",
                Some(Kind::Person),
            ),
            ("Name,Email,Phone", Some(Kind::Person)),
            ("Name,Phone", Some(Kind::Person)),
            (
                "Record ID,Company name,Company Domain Name,Number of Employees,Country/Region",
                Some(Kind::Company),
            ),
            (
                "Account Name,Website,Industry,AnnualRevenue",
                Some(Kind::Company),
            ),
            (
                "id,name,domain,industry,size,country,owner,tags,segments",
                Some(Kind::Company),
            ),
            (
                "Deal Name,Amount,Deal Stage,Close Date,Pipeline",
                Some(Kind::Deal),
            ),
            (
                "Opportunity Name,Account Name,Amount,Stage,Close Date",
                Some(Kind::Deal),
            ),
            (
                "id,name,stage,amount,currency,close_date,company,contacts",
                Some(Kind::Deal),
            ),
            ("Foo,Bar", None),
        ] {
            assert_eq!(detect_kind(headers), kind, "{headers}");
        }
        let h: Vec<String> = ["Company name", "Domain"].map(String::from).to_vec();
        assert_eq!(
            detect(&h).unwrap().why,
            "the file has `Company name` and `Domain`, no person name or e-mail"
        );
    }

    #[test]
    fn stages_of_other_tools() {
        let cfg = Config::default();
        let p = cfg.pipeline(None).unwrap();
        for (v, s) in [
            ("Contract Sent", Some("contract-sent")),
            ("closedwon", Some("closed-won")),
            ("Closed Lost", Some("closed-lost")),
            ("Qualification", Some("qualified-to-buy")),
            ("Negotiation/Review", Some("contract-sent")),
            ("Discovery", None),
        ] {
            assert_eq!(deal_stage(p, v).as_deref(), s, "{v}");
        }
    }

    #[test]
    fn amounts_and_whole_numbers() {
        assert_eq!(amount("64000"), Some(64000.0));
        assert_eq!(amount("$1,200"), Some(1200.0));
        assert_eq!(amount("64,000.50"), Some(64000.5));
        assert_eq!(amount("€ 1.234,50"), Some(1234.5));
        assert_eq!(amount("1.234.567"), Some(1234567.0));
        assert_eq!(amount("twelve"), None);
        assert_eq!(whole("1,200"), Some(1200));
        assert_eq!(whole("51-200"), None);
    }
}
