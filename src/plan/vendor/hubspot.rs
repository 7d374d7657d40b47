//! HubSpot's exports (Contacts, Companies, Deals and activity exports, by their property
//! labels or internal names): each object's `Record ID`, the association columns
//! (`Associated Company IDs`, `Associated Contact IDs`, `Associated Deal IDs`, ids separated
//! by `;`), the default pipeline's stage ids (`appointmentscheduled` … `closedlost`) and
//! `lifecyclestage` values.

use super::fields::{CompanyCols, CompanyNames, PersonCols, PersonNames};
use super::table::{Table, cell};
use super::{At, Entry, Item, Part, Problem, Read, Ref, date_time, ids, number, text};
use crate::plan::import::vocab::header_key;
use crate::record::value::Value;

const ID: &[&str] = &["Record ID", "hs_object_id", "Object ID"];
const COMPANY_IDS: &[&str] = &[
    "Associated Company IDs",
    "Associated Company IDs (Primary)",
    "Associated Company ID",
    "associatedcompanyid",
    "Company IDs",
];
const CONTACT_IDS: &[&str] = &[
    "Associated Contact IDs",
    "Associated Contact ID",
    "Contact IDs",
];
const DEAL_IDS: &[&str] = &["Associated Deal IDs", "Associated Deal ID", "Deal IDs"];
const DEAL: &[&str] = &["Deal Stage", "dealstage", "Deal Name", "dealname"];
const ACTIVITY_TYPE: &[&str] = &[
    "Activity type",
    "Engagement type",
    "hs_engagement_type",
    "hs_activity_type",
];
const NOTE_BODY: &[&str] = &["Note body", "hs_note_body"];
const BODY: &[&str] = &[
    "Body",
    "Note body",
    "hs_note_body",
    "Call notes",
    "hs_call_body",
    "Meeting description",
    "hs_meeting_body",
    "Email body",
    "hs_email_text",
    "Task notes",
    "hs_task_body",
    "Activity body",
];
const SUBJECT: &[&str] = &[
    "Subject",
    "Activity subject",
    "Call title",
    "hs_call_title",
    "Meeting name",
    "hs_meeting_title",
    "Email subject",
    "hs_email_subject",
    "Task title",
    "hs_task_subject",
];
const DATE: &[&str] = &[
    "Activity date",
    "hs_timestamp",
    "Timestamp",
    "Due date",
    "Create date",
    "hs_createdate",
];

const PERSON: PersonNames = PersonNames {
    first: &["First Name", "firstname"],
    last: &["Last Name", "lastname"],
    name: &["Name", "Full Name"],
    email: &["Email", "email"],
    phone: &["Phone Number", "phone"],
    mobile: &["Mobile Phone Number", "mobilephone"],
    title: &["Job Title", "jobtitle"],
    country: &["Country/Region", "country"],
    source: &["Original Source", "hs_analytics_source", "Lead Source"],
    created: &["Create Date", "createdate"],
};

const COMPANY: CompanyNames = CompanyNames {
    name: &["Company name", "Name"],
    domain: &["Company Domain Name", "domain", "Website URL", "website"],
    industry: &["Industry"],
    size: &["Number of Employees", "numberofemployees"],
    country: &["Country/Region", "country"],
    created: &["Create Date", "createdate"],
};

/// Which part of a HubSpot export a file is: it has HubSpot's `Record ID` or association
/// columns, and the columns of that object.
pub fn recognise(t: &Table) -> Option<Part> {
    let hubspot = t.has(ID) || t.has(COMPANY_IDS) || t.has(CONTACT_IDS) || t.has(DEAL_IDS);
    if !hubspot {
        return None;
    }
    if t.has(DEAL) {
        Some(Part::Deals)
    } else if t.has(ACTIVITY_TYPE) {
        Some(Part::Activities)
    } else if t.has(NOTE_BODY) {
        Some(Part::Notes)
    } else if t.has(PERSON.first) || t.has(PERSON.last) || t.has(PERSON.email) {
        Some(Part::People)
    } else if t.has(COMPANY.name) || t.has(COMPANY.domain) {
        Some(Part::Companies)
    } else {
        None
    }
}

pub fn read(t: &Table, file: usize, part: Part, out: &mut Read) {
    let id = t.col(ID);
    let companies = t.col(COMPANY_IDS);
    let contacts = t.col(CONTACT_IDS);
    let deals = t.col(DEAL_IDS);
    let person = PersonCols::find(t, &PERSON);
    let company = CompanyCols::find(t, &COMPANY);
    let company_name = t.col(&["Company Name", "Associated Company", "company"]);
    let lifecycle = t.col(&["Lifecycle Stage", "lifecyclestage"]);
    let lead_status = t.col(&["Lead Status", "hs_lead_status"]);
    let deal_name = t.col(&["Deal Name", "dealname"]);
    let stage = t.col(&["Deal Stage", "dealstage"]);
    let amount = t.col(&["Amount", "amount"]);
    let close = t.col(&["Close Date", "closedate"]);
    let currency = t.col(&["Currency", "deal_currency_code"]);
    let lost = t.col(&["Closed Lost Reason", "closed_lost_reason"]);
    let created = t.col(&["Create Date", "createdate"]);
    let kind = t.col(ACTIVITY_TYPE);
    let subject = t.col(SUBJECT);
    let body = t.col(BODY);
    let date = t.col(DATE);
    let status = t.col(&["Task status", "hs_task_status"]);
    let task_type = t.col(&["Task type", "hs_task_type"]);
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
        let src = cell(row, id).map(str::to_string);
        let mut item = Item::new(at);
        item.src = src.clone();
        let filled = match part {
            Part::People => person.fill(row, &mut item).map(|()| {
                item.company = ids(cell(row, companies));
                if item.company.is_empty()
                    && let Some(n) = cell(row, company_name)
                {
                    item.company.push(Ref::Name(n.to_string()));
                }
                item.links = ids(cell(row, deals));
                item.stage = cell(row, lifecycle).map(str::to_string);
                item.status = cell(row, lead_status).map(str::to_string);
            }),
            Part::Companies => company.fill(row, &mut item).map(|()| {
                item.links = ids(cell(row, deals));
            }),
            Part::Deals => match cell(row, deal_name) {
                None => Err("no deal name".to_string()),
                Some(n) => {
                    item.name = n.to_string();
                    item.stage = cell(row, stage).map(str::to_string);
                    if let Some(a) = cell(row, amount) {
                        match number(a) {
                            Some(v) => item.set("amount", v),
                            None => {
                                out.invalid.push(Problem {
                                    at,
                                    reason: format!("amount `{a}` is not a number"),
                                });
                                continue;
                            }
                        }
                    }
                    if let Some(c) = cell(row, currency) {
                        item.set("currency", Value::str(&c.to_uppercase()));
                    }
                    if let Some(d) = cell(row, close).and_then(|d| date_time(d).ok()) {
                        item.set("close_date", Value::str(&d.0.to_string()));
                    }
                    if let Some(r) = cell(row, lost) {
                        item.set("lost_reason", Value::str(r));
                    }
                    super::fields::created(&mut item, cell(row, created));
                    item.company = ids(cell(row, companies));
                    item.links = ids(cell(row, contacts));
                    Ok(())
                }
            },
            Part::Activities | Part::Notes => {
                let kind = match part {
                    Part::Notes => "note".to_string(),
                    _ => cell(row, kind).map(header_key).unwrap_or_default(),
                };
                let mut e = Entry {
                    at,
                    kind: "note",
                    date: None,
                    time: None,
                    text: text::entry(cell(row, subject), cell(row, body)),
                    task: None,
                    people: ids(cell(row, contacts)),
                    companies: ids(cell(row, companies)),
                    deals: ids(cell(row, deals)),
                    any: Vec::new(),
                };
                e.kind = match kind.as_str() {
                    "call" | "calls" => "call",
                    "email" | "emails" | "incomingemail" | "forwardedemail" => "email",
                    "meeting" | "meetings" => "meeting",
                    "task" | "tasks" => {
                        let done = cell(row, status).is_some_and(|s| {
                            matches!(header_key(s).as_str(), "completed" | "done")
                        });
                        e.task = Some(done);
                        match cell(row, task_type).map(header_key).as_deref() {
                            Some("call") => "call",
                            Some("email") => "email",
                            _ => "note",
                        }
                    }
                    _ => "note",
                };
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
                        reason: format!("{} without text", e.kind),
                    });
                } else {
                    out.entries.push(e);
                }
                continue;
            }
            Part::Leads | Part::DealContacts => Ok(()),
        };
        if let Err(reason) = filled {
            out.invalid.push(Problem { at, reason });
            continue;
        }
        if item.src.is_none() {
            out.invalid.push(Problem {
                at,
                reason: "no Record ID".into(),
            });
            continue;
        }
        out.items.push(item);
    }
}
