//! `feed.xml` on disk: each week's entry is kept beside its page, and the feed lists every
//! week in the output folder (see [`crate::report::feed`]).

use crate::report::site::Site;
use crate::report::{Weekly, feed};
use anyhow::Result;

/// The file beside a week's page that holds its entry.
const ENTRY: &str = "headline.json";

/// Keeps the week's entry beside its page.
pub fn write_entry(
    site: &Site,
    cfg: &crate::record::config::Config,
    weekly: &Weekly,
) -> Result<()> {
    let entry = feed::Entry::of(cfg, weekly);
    let json = serde_json::to_string_pretty(&entry)? + "\n";
    site.write(&format!("weeks/{}/{ENTRY}", weekly.week), &json)
}

/// Writes `feed.xml` from the entries of every week in the folder. An entry that cannot be
/// read (written by another version, or by hand) leaves its week out of the feed, not the
/// feed out of the site.
pub fn write(site: &Site, cfg: &crate::record::config::Config) -> Result<()> {
    let mut entries = Vec::new();
    let weeks = std::fs::read_dir(site.out().join("weeks"))
        .into_iter()
        .flatten()
        .flatten();
    for w in weeks {
        let path = w.path().join(ENTRY);
        if !path.is_file() {
            continue;
        }
        if let Some(e) = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| serde_json::from_str::<feed::Entry>(&t).ok())
        {
            entries.push(e);
        }
    }
    let xml = feed::atom(
        &cfg.name,
        cfg.report.url.as_deref(),
        env!("CARGO_PKG_VERSION"),
        &entries,
    );
    site.write("feed.xml", &xml)
}
