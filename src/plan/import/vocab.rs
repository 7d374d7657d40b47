//! What other tools call things: the column names of HubSpot's, Salesforce's and Google
//! Contacts' exports and of common spreadsheets, mapped to kith's fields, and their values
//! (lifecycle stages, lead statuses, lead sources, countries) mapped to kith's vocabulary.

use crate::record::LIFECYCLE;
use crate::util::slug;

/// A header as compared: lowercase letters and digits only (`Country/Region` → `countryregion`,
/// `E-mail 1 - Value` → `email1value`, Salesforce's API name `LeadSource` → `leadsource`).
pub fn header_key(header: &str) -> String {
    header
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The kith field a recognised column fills, by its [`header_key`]. Besides kith's fields there
/// are three parts of a name (`first_name`, `middle_name`, `last_name`, joined into `name`),
/// `company_domain` (to find or create the company), `notes` (the body) and `id`. `None` for a
/// column kith does not know (it becomes a custom field).
pub fn field_for(key: &str) -> Option<&'static str> {
    let field = match key {
        "name" | "fullname" | "contactname" | "displayname" | "leadname" => "name",
        "firstname" | "givenname" | "first" => "first_name",
        "middlename" | "additionalname" => "middle_name",
        "lastname" | "surname" | "familyname" | "last" => "last_name",
        "email"
        | "emailaddress"
        | "primaryemail"
        | "workemail"
        | "businessemail"
        | "email1value"
        | "emailaddress1"
        | "emailaddressprimary" => "email",
        "emails"
        | "email2value"
        | "email3value"
        | "email4value"
        | "secondaryemail"
        | "otheremail"
        | "personalemail"
        | "homeemail"
        | "additionalemailaddresses"
        | "emailaddress2"
        | "emailaddress3" => "emails",
        "phone" | "phonenumber" | "telephone" | "businessphone" | "workphone" | "primaryphone"
        | "phone1value" | "officephone" => "phone",
        "phones" | "mobile" | "mobilephone" | "mobilephonenumber" | "cell" | "cellphone"
        | "homephone" | "otherphone" | "phone2value" | "phone3value" | "phone4value"
        | "mobilenumber" => "phones",
        "company" | "companyname" | "accountname" | "account" | "organization"
        | "organizationname" | "organization1name" | "organisation" | "employer"
        | "associatedcompany" => "company",
        "companydomain" | "companydomainname" | "website" | "websiteurl" | "companywebsite"
        | "domain" => "company_domain",
        "title" | "jobtitle" | "organizationtitle" | "organization1title" | "position" => "title",
        LIFECYCLE | "lifecyclestage" => LIFECYCLE,
        "leadstatus" | "status" => "lead_status",
        "source" | "leadsource" | "originalsource" | "contactsource" => "source",
        "owner" | "contactowner" | "leadowner" | "hubspotowner" | "accountowner"
        | "recordowner" | "ownername" => "owner",
        "country" | "countryregion" | "mailingcountry" | "address1country" | "countrycode" => {
            "country"
        }
        "industry" => "industry",
        "tags" | "labels" | "groupmembership" | "categories" => "tags",
        "notes" | "note" | "description" | "comments" => "notes",
        "created" | "createdate" | "createddate" | "datecreated" => "created",
        "donotcontact" | "emailoptout" | "unsubscribedfromallemail" | "hasoptedoutofemail" => {
            "do_not_contact"
        }
        "id" => "id",
        _ => return None,
    };
    Some(field)
}

/// The custom field an unknown column becomes: its header in snake_case (`Lead Score` →
/// `lead_score`, `Zip/Postal Code` → `zip_postal_code`). `None` when nothing is left.
pub fn custom_key(header: &str) -> Option<String> {
    let key = slug::slugify(header).replace('-', "_");
    (key != "record" || slug::fold(header) == "record").then_some(key)
}

/// Compares values the way [`header_key`] compares headers.
fn value_key(value: &str) -> String {
    header_key(value)
}

/// A lifecycle stage as HubSpot writes it (`Marketing Qualified Lead`) in kith's words
/// (`mql`); other values lowercased.
pub fn lifecycle(value: &str) -> String {
    match value_key(value).as_str() {
        "marketingqualifiedlead" | "mql" => "mql".into(),
        "salesqualifiedlead" | "sql" => "sql".into(),
        "subscriber" => "subscriber".into(),
        "lead" => "lead".into(),
        "opportunity" => "opportunity".into(),
        "customer" => "customer".into(),
        "evangelist" => "evangelist".into(),
        "other" => "other".into(),
        _ => value.trim().to_lowercase(),
    }
}

/// A lead status as HubSpot or Salesforce write it in kith's words (Salesforce's `Open - Not
/// Contacted` → `new`, `Working - Contacted` → `working`, `Closed - Not Converted` →
/// `unqualified`; HubSpot's `In progress`, `Attempted to contact`, `Connected` → `working`,
/// `Bad timing` → `nurturing`). `None` for a status that says nothing kith keeps (Salesforce's
/// `Closed - Converted`: the lead became a contact).
pub fn lead_status(value: &str) -> Option<String> {
    Some(
        match value_key(value).as_str() {
            "new" | "open" | "opennotcontacted" | "notcontacted" => "new",
            "working" | "workingcontacted" | "contacted" | "inprogress" | "attemptedtocontact"
            | "connected" | "opendeal" => "working",
            "nurturing" | "nurture" | "badtiming" => "nurturing",
            "unqualified" | "closednotconverted" | "disqualified" => "unqualified",
            "closedconverted" | "converted" => return None,
            _ => return Some(value.trim().to_lowercase()),
        }
        .to_string(),
    )
}

/// A lead source in kith's words: HubSpot's and Salesforce's sources where kith has a word for
/// them (`Referrals`, `Employee Referral` → `referral`, `Web` → `website-form`, `Trade Show` →
/// `event`), else the value as a slug (`Organic Search` → `organic-search`).
pub fn source(value: &str) -> String {
    match value_key(value).as_str() {
        "referral" | "referrals" | "employeereferral" | "externalreferral" | "wordofmouth" => {
            "referral".into()
        }
        "partner" | "partnerreferral" => "partner".into(),
        "web" | "webform" | "websiteform" | "website" | "form" => "website-form".into(),
        "tradeshow" | "event" | "events" | "seminarpartner" | "seminarinternal" => "event".into(),
        "webinar" | "webinars" => "webinar".into(),
        "import" | "offlinesources" => "import".into(),
        _ => slug::slugify(value),
    }
}

/// A country as a two-letter ISO 3166 code: codes, names and common aliases in any case
/// ([`crate::record::normalize::country`]); `None` when unknown (kept as written).
pub fn country(value: &str) -> Option<String> {
    crate::record::normalize::country(value).map(str::to_string)
}

/// Whether a value means yes (`true`, `yes`, `1`, `x`, HubSpot's `true`, Salesforce's `1`).
pub fn yes(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "x" | "on" | "opted out" => Some(true),
        "false" | "no" | "n" | "0" | "off" | "" => Some(false),
        _ => None,
    }
}

/// A date from an export: `YYYY-MM-DD`, optionally followed by a time (`2024-03-05 10:22`,
/// `2024-03-05T10:22:00Z`). Other layouts (`3/5/2024`) are ambiguous and give `None`.
pub fn date(value: &str) -> Option<String> {
    let v = value.trim();
    let head = v.get(..10)?;
    let rest = &v[10..];
    if !rest.is_empty() && !rest.starts_with([' ', 'T']) {
        return None;
    }
    crate::record::activity::parse_date(head).map(|d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_of_hubspot_salesforce_and_google() {
        for (header, field) in [
            ("First Name", Some("first_name")),
            ("FirstName", Some("first_name")),
            ("Email Address", Some("email")),
            ("E-mail 1 - Value", Some("email")),
            ("E-mail 2 - Value", Some("emails")),
            ("Phone Number", Some("phone")),
            ("Mobile Phone Number", Some("phones")),
            ("Company Name", Some("company")),
            ("Account Name", Some("company")),
            ("Organization Name", Some("company")),
            ("Job Title", Some("title")),
            ("Lifecycle Stage", Some("lifecycle")),
            ("Lead Status", Some("lead_status")),
            ("Original Source", Some("source")),
            ("Lead Source", Some("source")),
            ("Country/Region", Some("country")),
            ("Contact owner", Some("owner")),
            ("Labels", Some("tags")),
            ("Favourite Colour", None),
        ] {
            assert_eq!(field_for(&header_key(header)), field, "{header}");
        }
        assert_eq!(
            custom_key("Zip/Postal Code").as_deref(),
            Some("zip_postal_code")
        );
        assert_eq!(custom_key("Lead Score").as_deref(), Some("lead_score"));
        assert_eq!(custom_key("!!!"), None);
    }

    #[test]
    fn values_in_kiths_words() {
        assert_eq!(lifecycle("Marketing Qualified Lead"), "mql");
        assert_eq!(lifecycle("Sales Qualified Lead"), "sql");
        assert_eq!(lifecycle("Customer"), "customer");
        assert_eq!(lead_status("Open - Not Contacted").as_deref(), Some("new"));
        assert_eq!(
            lead_status("Working - Contacted").as_deref(),
            Some("working")
        );
        assert_eq!(
            lead_status("Closed - Not Converted").as_deref(),
            Some("unqualified")
        );
        assert_eq!(lead_status("Closed - Converted"), None);
        assert_eq!(lead_status("Bad timing").as_deref(), Some("nurturing"));
        assert_eq!(source("Trade Show"), "event");
        assert_eq!(source("Organic Search"), "organic-search");
        assert_eq!(source("Employee Referral"), "referral");
        assert_eq!(country("United Kingdom").as_deref(), Some("GB"));
        assert_eq!(country("Österreich").as_deref(), Some("AT"));
        assert_eq!(country("fr").as_deref(), Some("FR"));
        assert_eq!(country("Atlantis"), None);
        assert_eq!(date("2024-03-05 10:22").as_deref(), Some("2024-03-05"));
        assert_eq!(date("3/5/2024"), None);
        assert_eq!(yes("TRUE"), Some(true));
    }
}
