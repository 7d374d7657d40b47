//! The columns every vendor has under its own names (a person's name parts, e-mail address,
//! phone numbers, title, country; a company's domain, industry, size), found once per file and
//! read into kith fields for each row.

use super::table::{Line, Table, cell};
use super::{Item, date_time, number};
use crate::plan::import::vocab;
use crate::record::normalize;
use crate::record::value::Value;

/// The names a vendor gives the columns of a person.
pub struct PersonNames {
    pub first: &'static [&'static str],
    pub last: &'static [&'static str],
    pub name: &'static [&'static str],
    pub email: &'static [&'static str],
    pub phone: &'static [&'static str],
    pub mobile: &'static [&'static str],
    pub title: &'static [&'static str],
    pub country: &'static [&'static str],
    pub source: &'static [&'static str],
    pub created: &'static [&'static str],
}

/// The names a vendor gives the columns of a company.
pub struct CompanyNames {
    pub name: &'static [&'static str],
    pub domain: &'static [&'static str],
    pub industry: &'static [&'static str],
    pub size: &'static [&'static str],
    pub country: &'static [&'static str],
    pub created: &'static [&'static str],
}

/// A person's columns in one file.
pub struct PersonCols {
    first: Option<usize>,
    last: Option<usize>,
    name: Option<usize>,
    email: Option<usize>,
    phone: Option<usize>,
    mobile: Option<usize>,
    title: Option<usize>,
    country: Option<usize>,
    source: Option<usize>,
    created: Option<usize>,
}

impl PersonCols {
    pub fn find(t: &Table, n: &PersonNames) -> PersonCols {
        PersonCols {
            first: t.col(n.first),
            last: t.col(n.last),
            name: t.col(n.name),
            email: t.col(n.email),
            phone: t.col(n.phone),
            mobile: t.col(n.mobile),
            title: t.col(n.title),
            country: t.col(n.country),
            source: t.col(n.source),
            created: t.col(n.created),
        }
    }

    /// Fills a person's name and fields from a row; `Err` says why the row is unusable.
    pub fn fill(&self, row: &Line, item: &mut Item) -> Result<(), String> {
        let get = |c| cell(row, c);
        let joined = [get(self.first), get(self.last)]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let email = get(self.email);
        item.name = get(self.name)
            .map(str::to_string)
            .filter(|_| joined.is_empty())
            .unwrap_or(joined);
        if item.name.is_empty() {
            item.name = email.unwrap_or_default().to_string();
        }
        if item.name.is_empty() {
            return Err("no name and no e-mail address".into());
        }
        if let Some(e) = email {
            if !crate::record::schema::is_valid_email(e) {
                return Err(format!("`{e}` is not a valid e-mail address"));
            }
            item.set("email", Value::str(e));
        }
        if let Some(p) = get(self.phone) {
            item.set("phone", Value::str(p));
        }
        if let Some(p) = get(self.mobile) {
            if get(self.phone).is_none() {
                item.set("phone", Value::str(p));
            } else if get(self.phone) != Some(p) {
                item.set("phones", Value::List(vec![Value::str(p)].into()));
            }
        }
        if let Some(v) = get(self.title) {
            item.set("title", Value::str(v));
        }
        if let Some(v) = get(self.country) {
            item.set(
                "country",
                Value::str(&vocab::country(v).unwrap_or_else(|| v.to_string())),
            );
        }
        if let Some(v) = get(self.source) {
            item.set("source", Value::str(&vocab::source(v)));
        }
        created(item, get(self.created));
        Ok(())
    }
}

/// A company's columns in one file.
pub struct CompanyCols {
    name: Option<usize>,
    domain: Vec<usize>,
    industry: Option<usize>,
    size: Option<usize>,
    country: Option<usize>,
    created: Option<usize>,
}

impl CompanyCols {
    pub fn find(t: &Table, n: &CompanyNames) -> CompanyCols {
        CompanyCols {
            name: t.col(n.name),
            domain: n.domain.iter().filter_map(|d| t.col(&[d])).collect(),
            industry: t.col(n.industry),
            size: t.col(n.size),
            country: t.col(n.country),
            created: t.col(n.created),
        }
    }

    pub fn fill(&self, row: &Line, item: &mut Item) -> Result<(), String> {
        let get = |c| cell(row, c);
        let domain = self
            .domain
            .iter()
            .find_map(|&c| get(Some(c)).and_then(normalize::domain));
        item.name = match get(self.name) {
            Some(n) => n.to_string(),
            None => domain.clone().ok_or("no company name")?,
        };
        if let Some(d) = domain {
            item.set("domain", Value::str(&d));
        }
        if let Some(v) = get(self.industry) {
            item.set("industry", Value::str(&crate::util::slug::slugify(v)));
        }
        if let Some(Value::Int(n)) = get(self.size).and_then(number) {
            item.set("size", Value::Int(n));
        }
        if let Some(v) = get(self.country) {
            item.set(
                "country",
                Value::str(&vocab::country(v).unwrap_or_else(|| v.to_string())),
            );
        }
        created(item, get(self.created));
        Ok(())
    }
}

/// `created` from the vendor's creation date, when it is one.
pub fn created(item: &mut Item, value: Option<&str>) {
    if let Some((d, _)) = value.and_then(|v| date_time(v).ok()) {
        item.set("created", Value::str(&d.to_string()));
    }
}
