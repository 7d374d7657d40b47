//! Matching what was read to records, and deciding every entry and new record (pure).
//!
//! A message is matched to people by every address in From, To and Cc (as the index keys
//! them: normalized as the duplicate check does, `emails:` included) and to a deal when the
//! subject names one of the participants' open deals, or when they are on exactly one. It
//! becomes one entry per person: `email` when a teammate sent it, `reply` when one received
//! it. An entry is left out when its Message-ID is in the record already, or when an entry of
//! the same day, logged by hand, names the same subject.

use super::{Item, Mail, Meeting, Noise, Settings, When, Who, form, marker, settings::Form};
use crate::index::Index;
use crate::record::activity::Activity;
use crate::record::config::Config;
use crate::record::value::Value;
use crate::record::{Kind, Record};
use crate::util::intern::Sym;
use jiff::civil::Date;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;

/// A kept body holds at most this many lines.
const BODY_LINES: usize = 200;

/// Why a message, event or entry was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Skip {
    /// The entry is in the record already (same Message-ID, or logged by hand).
    AlreadyLogged,
    AutoReply,
    MailingList,
    Bounce,
    /// Only teammates took part.
    Internal,
    /// Nobody kith knows took part (and `--create` was not given).
    Unknown,
    /// The person asked not to be contacted (`ingest.dnc: skip`).
    DoNotContact,
    Cancelled,
    /// A meeting after today.
    NotYetHeld,
    /// A form submission with no e-mail address in it.
    FormWithoutEmail,
}

impl Skip {
    pub fn label(self) -> &'static str {
        match self {
            Skip::AlreadyLogged => "already logged",
            Skip::AutoReply => "auto-reply",
            Skip::MailingList => "mailing list",
            Skip::Bounce => "bounce",
            Skip::Internal => "internal only",
            Skip::Unknown => "no known participant",
            Skip::DoNotContact => "do not contact",
            Skip::Cancelled => "cancelled",
            Skip::NotYetHeld => "not yet held",
            Skip::FormWithoutEmail => "form without an e-mail address",
        }
    }

    /// The name in JSON and tests (`already-logged`).
    pub fn code(self) -> String {
        self.label().replace(' ', "-")
    }
}

impl From<Noise> for Skip {
    fn from(n: Noise) -> Skip {
        match n {
            Noise::AutoReply => Skip::AutoReply,
            Noise::MailingList => Skip::MailingList,
            Noise::Bounce => Skip::Bounce,
        }
    }
}

/// An entry to add to a record's activity log.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: Kind,
    pub id: String,
    pub activity: Activity,
    /// Whether the record is one this plan creates.
    pub new: bool,
}

/// A record this plan creates, without its entries (they are in [`Plan::entries`]).
#[derive(Debug, Clone)]
pub struct NewRecord {
    pub kind: Kind,
    pub id: String,
    pub name: String,
    pub fields: Vec<(String, Value)>,
    /// Why it is created, for the output (`new contact`, `website form lead`).
    pub why: &'static str,
}

/// What ingesting will do.
#[derive(Debug, Default)]
pub struct Plan {
    /// In the order the messages were read.
    pub entries: Vec<Entry>,
    pub creates: Vec<NewRecord>,
    /// Messages and events (or entries, for `already logged` and `do not contact`) left out.
    pub skipped: BTreeMap<Skip, usize>,
    pub messages: usize,
    pub events: usize,
    /// Messages and events matched to at least one person.
    pub matched: usize,
}

impl Plan {
    /// New people (contacts and leads).
    pub fn new_people(&self) -> usize {
        self.creates
            .iter()
            .filter(|n| n.kind == Kind::Person)
            .count()
    }
}

/// Plans the entries and new records for what was read. `create` makes unknown external
/// senders contacts; `today` dates new records and tells held meetings from future ones.
pub fn plan(index: &Index, items: &[Item], settings: &Settings, create: bool, today: Date) -> Plan {
    let mut p = Planner {
        index,
        cfg: &index.config,
        settings,
        create,
        today,
        plan: Plan::default(),
        markers: FxHashMap::default(),
        new_people: FxHashMap::default(),
        new_ids: FxHashSet::default(),
        companies: None,
    };
    for item in items {
        match item {
            Item::Mail(m) => p.mail(m),
            Item::Meeting(m) => p.meeting(m),
        }
    }
    p.plan
}

/// A person an entry goes to: a record of the workspace, or one this plan creates.
#[derive(Clone, Copy)]
enum Target<'a> {
    Known(&'a Record),
    New(usize),
}

struct Planner<'a> {
    index: &'a Index,
    cfg: &'a Config,
    settings: &'a Settings,
    create: bool,
    today: Date,
    plan: Plan,
    /// The Message-IDs and UIDs in each touched record, planned entries included.
    markers: FxHashMap<(Kind, String), FxHashSet<String>>,
    /// New people by their address's key → index in `plan.creates`.
    new_people: FxHashMap<String, usize>,
    new_ids: FxHashSet<(Kind, String)>,
    /// Companies by normalized name → id, made when a form first needs it.
    companies: Option<FxHashMap<String, String>>,
}

impl<'a> Planner<'a> {
    fn skip(&mut self, why: Skip) {
        *self.plan.skipped.entry(why).or_default() += 1;
    }

    fn is_internal(&self, who: &Who) -> bool {
        self.cfg.teammate_by_email(&who.key).is_some()
            || self.cfg.teammate_by_email(&who.address).is_some()
            || who.key.rsplit_once('@').is_some_and(|(_, d)| {
                self.cfg
                    .internal_domains
                    .iter()
                    .any(|i| i.eq_ignore_ascii_case(d))
            })
    }

    fn teammate(&self, who: &Who) -> Option<Sym> {
        self.cfg
            .teammate_by_email(&who.address)
            .or_else(|| self.cfg.teammate_by_email(&who.key))
            .map(|t| Sym::new(&t.id))
    }

    fn mail(&mut self, m: &Mail) {
        self.plan.messages += 1;
        if let Some(noise) = m.noise {
            return self.skip(noise.into());
        }
        if let Some(from) = &m.from
            && let Some(form) = self.settings.form(&from.key)
        {
            return self.form(m, form);
        }
        let participants = unique(m.from.iter().chain(&m.to));
        let (internal, external): (Vec<&Who>, Vec<&Who>) =
            participants.into_iter().partition(|w| self.is_internal(w));
        if external.is_empty() {
            return self.skip(Skip::Internal);
        }
        let sent = m.from.as_ref().is_some_and(|f| self.is_internal(f));
        let by = if sent {
            m.from.as_ref().and_then(|f| self.teammate(f))
        } else {
            internal.iter().find_map(|w| self.teammate(w))
        };
        let mut targets = Vec::new();
        for w in external {
            let known = self.index.people_by_email(&w.key);
            if !known.is_empty() {
                targets.extend(known.into_iter().map(Target::Known));
            } else if let Some(&n) = self.new_people.get(&w.key) {
                targets.push(Target::New(n));
            } else if self.create && !sent && m.from.as_ref() == Some(w) {
                let name = w
                    .name
                    .clone()
                    .unwrap_or_else(|| name_from_address(&w.address));
                let fields = vec![
                    ("email".to_string(), Value::str(&w.address)),
                    ("source".to_string(), Value::str("email")),
                ];
                targets.push(Target::New(self.new_person(
                    &w.key,
                    &name,
                    fields,
                    "new contact",
                )));
            }
        }
        if targets.is_empty() {
            return self.skip(Skip::Unknown);
        }
        dedup(&mut targets);
        self.plan.matched += 1;
        let deal = self.deal(&targets, &m.subject);
        let (date, time) = local(m.when, &self.cfg.tz);
        let mut text = summary(&m.subject, &m.snippet, &m.id);
        if self.settings.bodies
            && let Some(body) = &m.body
        {
            push_body(&mut text, body);
        }
        let kind = if sent { "email" } else { "reply" };
        let activity = activity(date, time, kind, by, deal, &text);
        for t in targets {
            self.log(t, &activity, &m.id, &m.subject);
        }
    }

    fn form(&mut self, m: &Mail, form: &Form) {
        let fields = form::fields(form, m.body.as_deref().unwrap_or_default());
        let get = |k: &str| fields.iter().find(|(f, _)| f == k).map(|(_, v)| v.as_str());
        let Some(who) = get("email").and_then(|e| Who::new(get("name"), e)) else {
            return self.skip(Skip::FormWithoutEmail);
        };
        self.plan.matched += 1;
        let message = get("message").unwrap_or_default();
        // The whole message goes below the first line, so no snippet of it on that line.
        let mut text = summary(&m.subject, "", &m.id);
        push_body(&mut text, message);
        let (date, time) = local(m.when, &self.cfg.tz);
        let activity = activity(date, time, "form", None, None, &text);
        let known = self.index.people_by_email(&who.key);
        let targets: Vec<Target> = if !known.is_empty() {
            known.into_iter().map(Target::Known).collect()
        } else if let Some(&n) = self.new_people.get(&who.key) {
            vec![Target::New(n)]
        } else {
            let name = who
                .name
                .clone()
                .unwrap_or_else(|| name_from_address(&who.address));
            let mut record = vec![("email".to_string(), Value::str(&who.address))];
            if let Some(company) = get("company") {
                let id = self.company(company);
                record.push(("company".into(), Value::str(&id)));
            }
            let lead = self
                .cfg
                .lifecycle
                .lead_stages
                .first()
                .map_or("lead", String::as_str);
            record.push(("lifecycle".into(), Value::str(lead)));
            record.push(("source".into(), Value::str("website-form")));
            for (f, v) in &fields {
                if !matches!(f.as_str(), "name" | "email" | "company" | "message") {
                    record.push((f.clone(), Value::str(v)));
                }
            }
            vec![Target::New(self.new_person(
                &who.key,
                &name,
                record,
                "website form lead",
            ))]
        };
        for t in targets {
            self.log(t, &activity, &m.id, &m.subject);
        }
    }

    fn meeting(&mut self, m: &Meeting) {
        self.plan.events += 1;
        if m.cancelled {
            return self.skip(Skip::Cancelled);
        }
        let (date, time) = match m.when {
            When::At(ts) => local(ts, &self.cfg.tz),
            When::Day(d) => (d, None),
        };
        if date > self.today {
            return self.skip(Skip::NotYetHeld);
        }
        let participants = unique(m.organizer.iter().chain(&m.attendees));
        let by = m
            .organizer
            .as_ref()
            .and_then(|o| self.teammate(o))
            .or_else(|| m.attendees.iter().find_map(|a| self.teammate(a)));
        let mut targets = Vec::new();
        let mut names = Vec::new();
        let mut external = false;
        for w in &participants {
            let internal = self.is_internal(w);
            external |= !internal;
            let known = if internal {
                Vec::new()
            } else {
                self.index.people_by_email(&w.key)
            };
            names.push(match known.first() {
                Some(r) => r.name().to_string(),
                None => w.name.clone().unwrap_or_else(|| w.address.clone()),
            });
            targets.extend(known.into_iter().map(Target::Known));
        }
        if !external {
            return self.skip(Skip::Internal);
        }
        if targets.is_empty() {
            return self.skip(Skip::Unknown);
        }
        dedup(&mut targets);
        self.plan.matched += 1;
        let deal = self.deal(&targets, &m.summary);
        let title = if m.summary.is_empty() {
            "(no title)"
        } else {
            &m.summary
        };
        let text = format!(
            "{} (with {}) <{}>",
            clean(title),
            clean(&names.join(", ")),
            m.uid
        );
        let activity = activity(date, time, "meeting", by, deal, &text);
        for t in targets {
            self.log(t, &activity, &m.uid, &m.summary);
        }
    }

    /// Adds `a` to the target's log unless it is there already or the person is not to be
    /// contacted.
    fn log(&mut self, t: Target, a: &Activity, id: &str, subject: &str) {
        let (kind, rid, record) = match t {
            Target::Known(r) => (r.kind, r.id.to_string(), Some(r)),
            Target::New(n) => (
                self.plan.creates[n].kind,
                self.plan.creates[n].id.clone(),
                None,
            ),
        };
        if let Some(r) = record {
            if !self.settings.dnc_log && r.do_not_contact() {
                return self.skip(Skip::DoNotContact);
            }
            if logged_by_hand(r, a.date, subject) {
                return self.skip(Skip::AlreadyLogged);
            }
        }
        let seen = self.markers.entry((kind, rid.clone())).or_insert_with(|| {
            record
                .map(|r| {
                    r.activities
                        .iter()
                        .filter_map(|a| marker(&a.text).map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        });
        if !seen.insert(id.to_string()) {
            return self.skip(Skip::AlreadyLogged);
        }
        self.plan.entries.push(Entry {
            kind,
            id: rid,
            activity: a.clone(),
            new: record.is_none(),
        });
    }

    fn taken(&self, kind: Kind, id: &str) -> bool {
        self.index.contains(kind, id) || self.new_ids.contains(&(kind, id.to_string()))
    }

    fn new_person(
        &mut self,
        key: &str,
        name: &str,
        fields: Vec<(String, Value)>,
        why: &'static str,
    ) -> usize {
        let id = crate::plan::create::new_id(name, |id| self.taken(Kind::Person, id));
        self.new_ids.insert((Kind::Person, id.clone()));
        self.plan.creates.push(NewRecord {
            kind: Kind::Person,
            id,
            name: name.to_string(),
            fields,
            why,
        });
        let n = self.plan.creates.len() - 1;
        self.new_people.insert(key.to_string(), n);
        n
    }

    /// The id of the company named `name`: an existing one (same name, normalized), or a new
    /// one this plan creates.
    fn company(&mut self, name: &str) -> String {
        let index = self.index;
        let companies = self.companies.get_or_insert_with(|| {
            index
                .records()
                .filter(|r| r.kind == Kind::Company)
                .map(|r| {
                    let key = crate::record::normalize::company_name(r.name());
                    (key, r.id.to_string())
                })
                .collect()
        });
        let key = crate::record::normalize::company_name(name);
        if let Some(id) = companies.get(&key) {
            return id.clone();
        }
        let id = crate::plan::create::new_id(name, |id| self.taken(Kind::Company, id));
        self.new_ids.insert((Kind::Company, id.clone()));
        self.plan.creates.push(NewRecord {
            kind: Kind::Company,
            id: id.clone(),
            name: name.to_string(),
            fields: Vec::new(),
            why: "company of a website form lead",
        });
        if let Some(c) = self.companies.as_mut() {
            c.insert(key, id.clone());
        }
        id
    }

    /// The deal of a conversation: the participants' open deal the subject names, else the
    /// one open deal a participant is a contact of.
    fn deal(&self, targets: &[Target], subject: &str) -> Option<Sym> {
        let people: Vec<&Record> = targets
            .iter()
            .filter_map(|t| match t {
                Target::Known(r) => Some(*r),
                Target::New(_) => None,
            })
            .collect();
        let mut on: Vec<&Record> = Vec::new();
        let mut candidates: Vec<&Record> = Vec::new();
        for p in &people {
            for d in self.index.deals_of_contact(&p.id) {
                if is_open(self.cfg, d) && !on.iter().any(|o| o.id == d.id) {
                    on.push(d);
                }
            }
            if let Some(c) = p.text("company") {
                candidates.extend(self.index.deals_of_company(c.trim()));
            }
        }
        candidates.extend(on.iter().copied());
        let s = subject.to_lowercase();
        let mut named: Vec<&Record> = candidates
            .into_iter()
            .filter(|d| is_open(self.cfg, d))
            .filter(|d| {
                let name = d.name().to_lowercase();
                (name.len() >= 3 && s.contains(&name)) || s.contains(d.id.as_str())
            })
            .collect();
        named.sort_by(|a, b| a.id.cmp(&b.id));
        named.dedup_by(|a, b| a.id == b.id);
        match (named.as_slice(), on.as_slice()) {
            ([d], _) | ([], [d]) => Some(Sym::new(&d.id)),
            _ => None,
        }
    }
}

fn is_open(cfg: &Config, deal: &Record) -> bool {
    let stage = deal
        .text("stage")
        .and_then(|s| cfg.pipeline(deal.text("pipeline"))?.stage(s));
    stage.is_none_or(|s| s.closed.is_none())
}

/// Whether an entry logged by hand (without a Message-ID) on `date` names `subject`.
fn logged_by_hand(r: &Record, date: Date, subject: &str) -> bool {
    let subject = bare_subject(subject);
    if subject.chars().count() < 4 {
        return false;
    }
    r.activities.iter().any(|a| {
        a.date == date && marker(&a.text).is_none() && a.text.to_lowercase().contains(&subject)
    })
}

/// A subject without its `Re:`/`Fwd:` prefixes, lowercased.
fn bare_subject(subject: &str) -> String {
    let mut s = subject.trim();
    loop {
        let lower = s.to_ascii_lowercase();
        let Some(p) = ["re:", "fwd:", "fw:", "aw:", "wg:", "sv:", "tr:", "re :"]
            .iter()
            .find(|p| lower.starts_with(*p))
        else {
            break;
        };
        s = s[p.len()..].trim_start();
    }
    s.to_lowercase()
}

/// Each person once (someone reached at two of their addresses), in order.
fn dedup(targets: &mut Vec<Target>) {
    let mut seen: Vec<(Kind, &str)> = Vec::new();
    targets.retain(|t| match t {
        Target::Known(r) => {
            let key = (r.kind, r.id.as_str());
            let new = !seen.contains(&key);
            seen.push(key);
            new
        }
        Target::New(_) => true,
    });
}

/// Participants once each, by their address's key, in order.
fn unique<'w>(all: impl Iterator<Item = &'w Who>) -> Vec<&'w Who> {
    let mut out: Vec<&Who> = Vec::new();
    for w in all {
        if !out.iter().any(|o| o.key == w.key) {
            out.push(w);
        }
    }
    out
}

/// A moment as the workspace's day and time of day.
fn local(ts: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> (Date, Option<(u8, u8)>) {
    let z = ts.to_zoned_datetime(tz.clone());
    (z.date(), Some((z.hour() as u8, z.minute() as u8)))
}

fn activity(
    date: Date,
    time: Option<(u8, u8)>,
    kind: &str,
    by: Option<Sym>,
    deal: Option<Sym>,
    text: &str,
) -> Activity {
    Activity {
        date,
        time,
        kind: Sym::new(kind),
        by,
        deal,
        text: text.into(),
        line: 0,
        kind_col: 0,
    }
}

/// Text for one line of a record: no control characters, whitespace runs as one space.
fn clean(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    super::mail::one_line(&s)
}

/// An entry's first line: `Subject — "snippet" <id>`.
fn summary(subject: &str, snippet: &str, id: &str) -> String {
    let subject = match clean(subject) {
        s if s.is_empty() => "(no subject)".to_string(),
        s => s,
    };
    let snippet = clean(snippet);
    if snippet.is_empty() {
        format!("{subject} <{id}>")
    } else {
        format!("{subject} — \"{snippet}\" <{id}>")
    }
}

/// Adds a body below an entry's first line, as continuation lines that cannot end the
/// entry or the section (a `#`, `---` or fence at a line's start is escaped).
fn push_body(text: &mut String, body: &str) {
    let mut lines: Vec<String> = Vec::new();
    for line in body.lines().take(BODY_LINES) {
        let line: String = line
            .trim_end()
            .chars()
            .map(|c| if c.is_control() && c != '\t' { ' ' } else { c })
            .collect();
        let t = line.trim_start();
        if t.starts_with('#')
            || t.starts_with("---")
            || t.starts_with("```")
            || t.starts_with("~~~")
        {
            lines.push(format!("\\{t}"));
        } else {
            lines.push(line);
        }
    }
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let mut blank = false;
    for l in lines.iter().skip_while(|l| l.trim().is_empty()) {
        // One blank line at most in a row.
        if l.trim().is_empty() {
            if blank {
                continue;
            }
            blank = true;
        } else {
            blank = false;
        }
        text.push('\n');
        text.push_str(l);
    }
}

/// A name for an address without one: `ada.lovelace@x` → `Ada Lovelace`.
fn name_from_address(address: &str) -> String {
    let local = address.split('@').next().unwrap_or(address);
    let local = local.split('+').next().unwrap_or(local);
    let words: Vec<String> = local
        .split(['.', '_', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        })
        .collect();
    if words.is_empty() {
        address.to_string()
    } else {
        words.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_lose_their_prefixes() {
        assert_eq!(bare_subject("Re: AW: Fwd:  Order form"), "order form");
        assert_eq!(bare_subject("Pricing"), "pricing");
    }

    #[test]
    fn names_from_addresses() {
        assert_eq!(
            name_from_address("ada.lovelace+x@a.example"),
            "Ada Lovelace"
        );
        assert_eq!(name_from_address("j_doe@a.example"), "J Doe");
    }

    #[test]
    fn bodies_cannot_end_the_section() {
        let mut t = "first".to_string();
        push_body(&mut t, "\n\nhello\n## Notes\n---\n\n\n\nbye\n\n");
        assert_eq!(t, "first\nhello\n\\## Notes\n\\---\n\nbye");
    }

    #[test]
    fn summaries_keep_the_id_last() {
        assert_eq!(summary("", "", "a@b"), "(no subject) <a@b>");
        assert_eq!(
            summary("Re:\tpilot", "ok\u{7}", "a@b"),
            "Re: pilot — \"ok\" <a@b>"
        );
    }
}
