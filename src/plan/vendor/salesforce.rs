//! Salesforce's exports (Data Export and Data Loader files, by API name, or report columns by
//! label): Accounts, Contacts (`AccountId`), Leads (`Status`, `IsConverted`), Opportunities
//! (`AccountId`, `StageName`), OpportunityContactRole (`OpportunityId`, `ContactId`) and
//! Tasks and Events (`WhoId` a contact or lead, `WhatId` an account or opportunity,
//! `ActivityDate`, `Subject`, `Description`).

use super::fields::{CompanyCols, CompanyNames, PersonCols, PersonNames};
use super::table::{Table, cell};
use super::{At, Entry, Item, Part, Problem, Read, Ref, date_time, number, text};
use crate::plan::import::vocab::{self, header_key};
use crate::record::value::Value;

const ID: &[&str] = &[
    "Id",
    "Account ID",
    "Contact ID",
    "Lead ID",
    "Opportunity ID",
    "Activity ID",
    "Task ID",
    "Event ID",
];
const WHO: &[&str] = &["WhoId", "Name ID", "Who ID"];
const WHAT: &[&str] = &["WhatId", "Related To ID", "What ID"];
const OPPORTUNITY_ID: &[&str] = &["OpportunityId", "Opportunity ID"];
const CONTACT_ID: &[&str] = &["ContactId", "Contact ID"];
const ACCOUNT_ID: &[&str] = &["AccountId", "Account ID"];
const STAGE: &[&str] = &["StageName", "Stage"];
const EVENT: &[&str] = &[
    "StartDateTime",
    "ActivityDateTime",
    "EventSubtype",
    "DurationInMinutes",
];

const PERSON: PersonNames = PersonNames {
    first: &["FirstName"],
    last: &["LastName"],
    name: &["Name", "Full Name"],
    email: &["Email"],
    phone: &["Phone"],
    mobile: &["MobilePhone", "Mobile"],
    title: &["Title"],
    country: &["MailingCountry", "Country", "Mailing Country"],
    source: &["LeadSource"],
    created: &["CreatedDate", "Created Date"],
};

const COMPANY: CompanyNames = CompanyNames {
    name: &["Name", "Account Name"],
    domain: &["Website"],
    industry: &["Industry"],
    size: &["NumberOfEmployees", "Employees"],
    country: &["BillingCountry", "Billing Country"],
    created: &["CreatedDate", "Created Date"],
};

/// Which Salesforce object a file holds.
pub fn recognise(t: &Table) -> Option<Part> {
    // API names are CamelCase: `Id`, not the `id` of kith's own export.
    let id = t.header.iter().any(|h| h == "Id") || t.has(&ID[1..]);
    if !id && !t.has(WHO) && !t.has(WHAT) {
        return None;
    }
    if (t.has(WHO) || t.has(WHAT)) && t.has(&["Subject"]) {
        Some(Part::Activities)
    } else if t.has(OPPORTUNITY_ID) && t.has(CONTACT_ID) && !t.has(STAGE) {
        Some(Part::DealContacts)
    } else if t.has(STAGE) && t.has(&["Name", "Opportunity Name"]) {
        Some(Part::Deals)
    } else if t.has(&["IsConverted", "Lead ID"])
        || (t.has(&["Status", "Lead Status"]) && t.has(&["Company"]) && t.has(PERSON.last))
    {
        Some(Part::Leads)
    } else if t.has(PERSON.last) {
        Some(Part::People)
    } else if t.has(COMPANY.name)
        && t.has(&[
            "Website",
            "Industry",
            "BillingCountry",
            "Billing Country",
            "NumberOfEmployees",
            "Type",
            "AccountNumber",
        ])
    {
        Some(Part::Companies)
    } else {
        None
    }
}

fn yes(v: Option<&str>) -> bool {
    v.and_then(vocab::yes).unwrap_or(false)
}

pub fn read(t: &Table, file: usize, part: Part, out: &mut Read) {
    let id = t.col(ID);
    let account = t.col(ACCOUNT_ID);
    let person = PersonCols::find(t, &PERSON);
    let company = CompanyCols::find(t, &COMPANY);
    let lead_company = t.col(&["Company"]);
    let status = t.col(&["Status", "Lead Status"]);
    let converted = t.col(&["IsConverted", "Converted"]);
    let description = t.col(&["Description", "Comments"]);
    let name = t.col(&["Name", "Opportunity Name"]);
    let stage = t.col(STAGE);
    let amount = t.col(&["Amount"]);
    let close = t.col(&["CloseDate", "Close Date"]);
    let currency = t.col(&["CurrencyIsoCode", "Opportunity Currency"]);
    let closed = t.col(&["IsClosed", "Closed"]);
    let won = t.col(&["IsWon", "Won"]);
    let lost_reason = t.col(&["Loss_Reason__c", "LossReason", "Loss Reason"]);
    let created = t.col(&["CreatedDate", "Created Date"]);
    let opportunity = t.col(OPPORTUNITY_ID);
    let contact = t.col(CONTACT_ID);
    let who = t.col(WHO);
    let what = t.col(WHAT);
    let subject = t.col(&["Subject"]);
    let date = t.col(&[
        "ActivityDateTime",
        "StartDateTime",
        "ActivityDate",
        "Due Date",
        "Date",
    ]);
    let subtype = t.col(&["TaskSubtype", "EventSubtype", "Type", "Task Subtype"]);
    let event = t.has(EVENT);
    for row in &t.rows {
        let at = At {
            file,
            line: row.line,
        };
        if let Some(e) = &row.error {
            out.invalid.push(Problem {
                at,
                reason: e.clone(),
            });
            continue;
        }
        let mut item = Item::new(at);
        item.src = cell(row, id).map(str::to_string);
        item.notes = cell(row, description).map(text::paragraph);
        let filled = match part {
            Part::People | Part::Leads => person.fill(row, &mut item).map(|()| {
                if let Some(a) = cell(row, account) {
                    item.company.push(Ref::Id(a.to_string()));
                }
                if part == Part::Leads {
                    if let Some(c) = cell(row, lead_company) {
                        item.company.push(Ref::Name(c.to_string()));
                    }
                    item.status = cell(row, status).map(str::to_string);
                    item.stage = Some("lead".into());
                }
            }),
            Part::Companies => company.fill(row, &mut item),
            Part::Deals => match cell(row, name) {
                None => Err("no opportunity name".into()),
                Some(n) => {
                    item.name = n.to_string();
                    item.stage = cell(row, stage).map(str::to_string);
                    if yes(cell(row, closed)) {
                        item.status = Some(if yes(cell(row, won)) { "won" } else { "lost" }.into());
                    }
                    match cell(row, amount).map(|a| (a, number(a))) {
                        Some((_, Some(v))) => item.set("amount", v),
                        Some((a, None)) => {
                            out.invalid.push(Problem {
                                at,
                                reason: format!("Amount `{a}` is not a number"),
                            });
                            continue;
                        }
                        None => {}
                    }
                    if let Some(c) = cell(row, currency) {
                        item.set("currency", Value::str(&c.to_uppercase()));
                    }
                    if let Some((d, _)) = cell(row, close).and_then(|d| date_time(d).ok()) {
                        item.set("close_date", Value::str(&d.to_string()));
                    }
                    if let Some(r) = cell(row, lost_reason) {
                        item.set("lost_reason", Value::str(r));
                    }
                    super::fields::created(&mut item, cell(row, created));
                    if let Some(a) = cell(row, account) {
                        item.company.push(Ref::Id(a.to_string()));
                    }
                    Ok(())
                }
            },
            Part::DealContacts => {
                match (cell(row, opportunity), cell(row, contact)) {
                    (Some(o), Some(c)) => {
                        out.roles
                            .push((at, Ref::Id(o.to_string()), Ref::Id(c.to_string())))
                    }
                    _ => out.invalid.push(Problem {
                        at,
                        reason: "a contact role needs OpportunityId and ContactId".into(),
                    }),
                }
                continue;
            }
            Part::Activities | Part::Notes => {
                let kind = match cell(row, subtype).map(header_key).as_deref() {
                    Some("call") => "call",
                    Some("email" | "listemail") => "email",
                    Some("meeting") => "meeting",
                    _ if event => "meeting",
                    _ => "note",
                };
                let done = event
                    || yes(cell(row, closed))
                    || cell(row, status).is_some_and(|s| header_key(s) == "completed");
                let mut e = Entry {
                    at,
                    kind,
                    date: None,
                    time: None,
                    text: text::entry(cell(row, subject), cell(row, description)),
                    task: (!event).then_some(done),
                    people: Vec::new(),
                    companies: Vec::new(),
                    deals: Vec::new(),
                    any: [cell(row, who), cell(row, what)]
                        .into_iter()
                        .flatten()
                        .map(|s| Ref::Id(s.to_string()))
                        .collect(),
                };
                // A completed task is something that happened: an activity, not a task.
                if e.task == Some(true) {
                    e.task = None;
                }
                match cell(row, date).map(date_time) {
                    Some(Ok((d, time))) => {
                        e.date = Some(d);
                        e.time = time;
                    }
                    Some(Err(why)) => {
                        out.invalid.push(Problem { at, reason: why });
                        continue;
                    }
                    None => {}
                }
                if e.text.is_empty() {
                    out.skipped.push(Problem {
                        at,
                        reason: format!("{kind} without a subject or description"),
                    });
                } else {
                    out.entries.push(e);
                }
                continue;
            }
        };
        if let Err(reason) = filled {
            out.invalid.push(Problem { at, reason });
            continue;
        }
        if part == Part::Leads
            && (yes(cell(row, converted))
                || cell(row, status).is_some_and(|s| vocab::lead_status(s).is_none()))
        {
            out.skipped.push(Problem {
                at,
                reason: format!(
                    "lead {} was converted: it is imported as its contact",
                    item.name
                ),
            });
            continue;
        }
        if item.src.is_none() {
            out.invalid.push(Problem {
                at,
                reason: "no Id".into(),
            });
            continue;
        }
        out.items.push(item);
    }
}
