//! The pages of a week's long lists (see [`crate::report::lists`]): one per list longer than
//! the week's page shows, in `weeks/2026-W48/lists/`; the pages of lists that are no longer
//! long go.

use crate::report::site::Site;
use crate::report::{Week, Weekly, lists};
use anyhow::{Context as _, Result};
use tera::Context;

pub(super) fn write(
    site: &Site,
    site_value: &tera::Value,
    locale: &str,
    weekly: &Weekly,
    report: &tera::Value,
    week: Week,
) -> Result<()> {
    let dir = format!("weeks/{week}/lists");
    let long = lists::long(weekly);
    for l in &long {
        let mut ctx = Context::new();
        ctx.insert("kith_version", env!("CARGO_PKG_VERSION"));
        ctx.insert_value("site", site_value.clone());
        ctx.insert("root", "../../..");
        ctx.insert("page", "list");
        ctx.insert_value("report", report.clone());
        ctx.insert("locale", locale);
        ctx.insert("list", l.key);
        ctx.insert("title", l.title);
        ctx.insert("moved", &l.moved);
        ctx.insert("rows", &l.rows);
        site.write(
            &format!("{dir}/{}.html", l.key),
            &site.render("list.html", &ctx)?,
        )?;
    }
    // A list that is short again has no page to link to.
    let folder = site.out().join(&dir);
    for e in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
        let name = e.file_name();
        let Some(key) = name.to_str().and_then(|n| n.strip_suffix(".html")) else {
            continue;
        };
        if !long.iter().any(|l| l.key == key) {
            std::fs::remove_file(e.path())
                .with_context(|| format!("cannot remove {}", e.path().display()))?;
        }
    }
    Ok(())
}
