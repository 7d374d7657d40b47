//! The replay itself: records appear and entries are logged group by group, and each group
//! becomes a commit of the records it changed (and of the deals that now name a new contact).

use super::schedule::{self, What, Who};
use super::timeline::{self, Timeline};
use super::{AUTOMATION, Author, Commit, Options, Week, monday};
use crate::record::Kind;
use crate::record::config::{Closed, Config};
use anyhow::{Context, Result};
use jiff::civil::{Date, DateTime};
use rustc_hash::FxHashMap;

/// The replay's state: which records exist and which of their entries have happened.
pub struct Replay<'a> {
    cfg: &'a Config,
    records: &'a [Timeline],
    start: Date,
    opts: &'a Options,
    by_id: FxHashMap<(Kind, &'a str), usize>,
    /// For each record, the records that name it (deals name their contacts).
    named_by: Vec<Vec<usize>>,
    exists: Vec<bool>,
    applied: Vec<Vec<bool>>,
    texts: Vec<Option<String>>,
}

impl<'a> Replay<'a> {
    pub fn new(cfg: &'a Config, records: &'a [Timeline], start: Date, opts: &'a Options) -> Self {
        let by_id: FxHashMap<(Kind, &str), usize> = records
            .iter()
            .enumerate()
            .map(|(i, r)| ((r.kind, r.id.as_str()), i))
            .collect();
        let mut named_by = vec![Vec::new(); records.len()];
        for (i, r) in records.iter().enumerate() {
            for (_, kind, id) in &r.refs {
                if let Some(&j) = by_id.get(&(*kind, id.as_str())) {
                    named_by[j].push(i);
                }
            }
        }
        Replay {
            cfg,
            records,
            start,
            opts,
            by_id,
            named_by,
            exists: vec![false; records.len()],
            applied: records.iter().map(|r| vec![false; r.items.len()]).collect(),
            texts: vec![None; records.len()],
        }
    }

    /// The day a record appears: its `created` day, or the import for older records.
    fn born(&self, r: usize) -> Option<Date> {
        self.records[r].created.filter(|d| *d >= self.start)
    }

    /// The commits, oldest first, and what the last week holds. `others` are the files that
    /// are not records (kith.yaml), in the first commit.
    pub fn run(mut self, others: Vec<(String, String)>) -> Result<(Vec<Commit>, Week)> {
        let today = self.opts.today;
        let mut changes = Vec::new();
        for (r, rec) in self.records.iter().enumerate() {
            let since = match self.born(r) {
                Some(day) if day > today => continue,
                Some(day) => {
                    changes.push((day, schedule::creator(self.cfg, rec, day), What::Create(r)));
                    day
                }
                None => self.start.yesterday().unwrap_or(self.start),
            };
            for (i, item) in rec.items.iter().enumerate() {
                if item.date > since && item.date <= today {
                    let who = schedule::author(self.cfg, rec, item);
                    changes.push((item.date, who, What::Log(r, i)));
                }
            }
        }
        let import_at = self.start.to_datetime(jiff::civil::time(8, 0, 0, 0));
        let mut groups = schedule::groups(changes, self.records, import_at);
        if let Some(now) = self.opts.now {
            schedule::not_after(&mut groups, now);
        }
        let mut commits = vec![self.import(import_at, others)?];
        let mut week = Week {
            monday: monday(today),
            ..Week::default()
        };
        for g in &groups {
            if g.at.date() >= week.monday {
                self.count(&mut week, &g.changes);
            }
            if let Some(c) = self.commit(g)? {
                commits.push(c);
            }
        }
        Ok((commits, week))
    }

    /// The first commit: kith.yaml, the dotfiles `kith init` writes, and every record older
    /// than the history, with its entries up to then.
    fn import(&mut self, at: DateTime, others: Vec<(String, String)>) -> Result<Commit> {
        let mut files: Vec<(String, Option<String>)> =
            others.into_iter().map(|(p, t)| (p, Some(t))).collect();
        let lines = |ls: &[&str]| ls.iter().map(|l| format!("{l}\n")).collect::<String>();
        files.push((
            ".gitignore".into(),
            Some(lines(&crate::workspace::GITIGNORE)),
        ));
        files.push((
            ".gitattributes".into(),
            Some(lines(&crate::sync::driver::ATTRIBUTES)),
        ));
        let mut counts = [0usize; 3];
        for r in 0..self.records.len() {
            if self.born(r).is_none() {
                self.exists[r] = true;
                counts[self.records[r].kind as usize] += 1;
                for (i, item) in self.records[r].items.iter().enumerate() {
                    self.applied[r][i] = item.date < self.start;
                }
            }
        }
        for r in 0..self.records.len() {
            if self.exists[r] {
                let text = self.render(r)?;
                files.push((self.records[r].path.clone(), Some(text.clone())));
                self.texts[r] = Some(text);
            }
        }
        files.sort();
        let who = self
            .cfg
            .teammates
            .first()
            .map_or(Who::Automation, |t| Who::Teammate(t.id.clone()));
        let [people, companies, deals] = counts;
        Ok(Commit {
            author: self.author(&who),
            time: self.zoned(at)?,
            message: format!(
                "{}: {people} contacts, {companies} companies and {deals} deals from the old CRM",
                self.cfg.name
            ),
            files,
        })
    }

    /// Applies one group of changes and returns its commit (`None` if no file changed).
    fn commit(&mut self, g: &schedule::Group) -> Result<Option<Commit>> {
        let mut touched: Vec<usize> = Vec::new();
        for what in &g.changes {
            match *what {
                What::Create(r) => {
                    self.exists[r] = true;
                    let day = self.born(r).unwrap_or(self.start);
                    for (i, item) in self.records[r].items.iter().enumerate() {
                        self.applied[r][i] = item.date <= day;
                    }
                    touched.push(r);
                    touched.extend(self.named_by[r].iter().filter(|&&n| self.exists[n]));
                }
                What::Log(r, i) => {
                    self.applied[r][i] = true;
                    touched.push(r);
                }
            }
        }
        touched.sort_by(|a, b| self.records[*a].path.cmp(&self.records[*b].path));
        touched.dedup();
        let mut files = Vec::new();
        let mut old_texts = Vec::new();
        for r in touched {
            let text = self.render(r)?;
            if self.texts[r].as_deref() != Some(text.as_str()) {
                old_texts.push((r, self.texts[r].replace(text.clone())));
                files.push((self.records[r].path.clone(), Some(text)));
            }
        }
        if files.is_empty() {
            return Ok(None);
        }
        let changed: Vec<crate::sync::Changed> = old_texts
            .iter()
            .map(|(r, old)| crate::sync::Changed {
                kind: self.records[*r].kind,
                id: &self.records[*r].id,
                old: old.as_deref(),
                new: self.texts[*r].as_deref(),
            })
            .collect();
        let message = crate::sync::message(&changed, 0);
        Ok(Some(Commit {
            author: self.author(&g.who),
            time: self.zoned(g.at)?,
            message,
            files,
        }))
    }

    fn render(&self, r: usize) -> Result<String> {
        self.records[r].render(self.cfg, &self.applied[r], |kind, id| {
            // A reference to a record the example does not hold is left as written.
            self.by_id.get(&(kind, id)).is_none_or(|&j| self.exists[j])
        })
    }

    /// Adds a group's changes to the week's counts.
    fn count(&self, week: &mut Week, changes: &[What]) {
        for what in changes {
            match *what {
                What::Create(r) => week.new[self.records[r].kind as usize] += 1,
                What::Log(r, i) => {
                    let rec = &self.records[r];
                    week.activities += 1;
                    let Some(m) = &rec.items[i].stage else {
                        continue;
                    };
                    match rec.kind {
                        Kind::Person => {
                            let lc = &self.cfg.lifecycle;
                            week.lifecycle_moves += 1;
                            let first_lead = lc.lead_stages.first().and_then(|s| lc.rank(s));
                            let before_leads = m.from == timeline::NO_LIFECYCLE
                                || matches!((lc.rank(&m.from), first_lead), (Some(r), Some(f)) if r < f);
                            if lc.is_lead(&m.to) && before_leads {
                                week.became_leads += 1;
                            }
                        }
                        Kind::Deal => {
                            week.deal_moves += 1;
                            match rec.closed(self.cfg, &m.to) {
                                Some(Closed::Won) => week.won += 1,
                                Some(Closed::Lost) => week.lost += 1,
                                None => {}
                            }
                        }
                        Kind::Company => {}
                    }
                }
            }
        }
    }

    fn author(&self, who: &Who) -> Author {
        match who {
            Who::Teammate(id) => {
                let t = self.cfg.teammate(id);
                Author {
                    name: t.map_or_else(|| id.clone(), |t| t.name.clone()),
                    email: t
                        .and_then(|t| t.emails.first().cloned())
                        .unwrap_or_else(|| format!("{id}@{}", self.domain())),
                }
            }
            Who::Automation => Author {
                name: AUTOMATION.0.into(),
                email: AUTOMATION.1.into(),
            },
        }
    }

    fn domain(&self) -> &str {
        self.cfg
            .internal_domains
            .first()
            .map_or("example.com", String::as_str)
    }

    fn zoned(&self, at: DateTime) -> Result<jiff::ZonedDateTime> {
        at.to_zoned_datetime(self.cfg.tz.clone())
            .with_context(|| format!("{at} does not exist in {}", self.cfg.timezone))
    }
}
