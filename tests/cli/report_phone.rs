//! The report in a real browser: every kind of page (index, week, segment, record, deal) fits
//! a 360 px phone and a 1400 px desktop without scrolling sideways. Headless Chromium loads a
//! probe page that holds each report page in a frame of the width asked for and writes
//! `document.documentElement.scrollWidth` and `innerWidth` of each into its own DOM, which
//! `--dump-dom` prints: no npm, no network, no driver.

use crate::harness::*;
use std::path::Path;
use std::process::Command;

/// The pages every report has, one of each kind.
const PAGES: [&str; 6] = [
    "index.html",
    "weeks/2026-W48/index.html",
    "segments/hot-leads.html",
    "contacts/ben-carver.html",
    "contacts/maximilian-von-und-zu-lichtenstein-habsburg.html",
    "deals/kestrel-health-data-platform.html",
];

/// A contact with the longest words a page has to show: an e-mail address, a URL and a name
/// that no space breaks.
const LONG: &str = "---
name: Maximilian von-und-zu-Lichtenstein-Habsburg-Lothringen-Wittelsbach
email: maximilian.von-und-zu-lichtenstein-habsburg@international-holding-corporation.example
website: https://www.international-holding-corporation.example/investor-relations/annual-reports/2026
lifecycle: lead
source: website
owner: sam
created: 2026-11-24
---
Wants the quarterly board pack: https://www.international-holding-corporation.example/board/quarterly-pack-2026-q4-final-version.pdf

## Activity
- 2026-11-24 email @sam: sent the pricing sheet to maximilian.von-und-zu-lichtenstein-habsburg@international-holding-corporation.example
";

/// Each page's (path, width asked for, scrollWidth, innerWidth), measured by Chromium.
fn measure(out: &Path, pages: &[&str], widths: &[u32]) -> Vec<(String, u32, u32, u32)> {
    let mut frames = String::new();
    for w in widths {
        for p in pages {
            frames.push_str(&format!(
                "<iframe src=\"{p}\" data-width=\"{w}\" style=\"width:{w}px;height:700px;border:0\"></iframe>\n"
            ));
        }
    }
    // The frames' documents are read after every frame has loaded (the window's load event
    // waits for them); file pages may read each other with --allow-file-access-from-files.
    let probe = format!(
        r#"<!doctype html><html><body>
{frames}<script>
addEventListener("load", () => {{
  const rows = [];
  for (const f of document.querySelectorAll("iframe")) {{
    const d = f.contentDocument, w = f.contentWindow;
    rows.push([f.getAttribute("src"), f.dataset.width, d.documentElement.scrollWidth, w.innerWidth].join(" "));
  }}
  const pre = document.createElement("pre");
  pre.id = "widths";
  pre.textContent = rows.join("\n");
  document.body.append(pre);
}});
</script></body></html>"#
    );
    std::fs::write(out.join("probe.html"), probe).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let run = Command::new("timeout")
        .arg("120")
        .arg(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--allow-file-access-from-files",
            "--window-size=1500,900",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", out.join("probe.html").display()))
        .env("HOME", profile.path())
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&run.stdout);
    let rows = dom
        .split_once("<pre id=\"widths\">")
        .and_then(|(_, r)| r.split_once("</pre>"))
        .map(|(r, _)| r.to_string())
        .unwrap_or_else(|| {
            panic!(
                "Chromium printed no measurements (exit {:?})\nstdout:\n{dom}\nstderr:\n{}",
                run.status.code(),
                String::from_utf8_lossy(&run.stderr)
            )
        });
    rows.lines()
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            assert_eq!(f.len(), 4, "a measurement line: {l}");
            (
                f[0].to_string(),
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
                f[3].parse().unwrap(),
            )
        })
        .collect()
}

/// The browser: `chromium` (Debian's name; `.ci/run` installs it), else `KITH_CHROMIUM`.
fn chromium() -> String {
    if let Ok(path) = std::env::var("KITH_CHROMIUM") {
        return path;
    }
    let found = Command::new("sh")
        .args(["-c", "command -v chromium || command -v chromium-browser"])
        .output()
        .expect("run sh");
    let path = String::from_utf8_lossy(&found.stdout).trim().to_string();
    assert!(
        !path.is_empty(),
        "the phone-width test needs headless Chromium: apt-get install chromium (.ci/run installs it), or set KITH_CHROMIUM to the browser"
    );
    path
}

/// The demo workspace (weeks of history ending in W48) with one contact of very long words.
fn demo_report() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    kith_in(tmp.path(), &["demo", "crm", "--today", TODAY]).ok();
    let crm = tmp.path().join("crm");
    std::fs::write(
        crm.join("contacts/maximilian-von-und-zu-lichtenstein-habsburg.md"),
        LONG,
    )
    .unwrap();
    kith_in(&crm, &["report"]).ok();
    tmp
}

#[test]
fn every_kind_of_page_fits_a_phone_and_a_desktop_without_scrolling_sideways() {
    let tmp = demo_report();
    let out = tmp.path().join("crm/public");
    for p in PAGES {
        assert!(out.join(p).is_file(), "{p} was not written");
    }
    let widths = measure(&out, &PAGES, &[360, 1400]);
    assert_eq!(widths.len(), PAGES.len() * 2);
    let too_wide: Vec<String> = widths
        .iter()
        .filter(|(_, _, scroll, inner)| scroll > inner)
        .map(|(p, w, scroll, inner)| format!("{p} at {w} px: {scroll} px wide in {inner} px"))
        .collect();
    assert!(too_wide.is_empty(), "pages scroll sideways:\n{too_wide:#?}");
    // The frames really were as wide as asked: the measurement is of a phone's viewport.
    for (p, w, _, inner) in &widths {
        assert_eq!(inner, w, "{p}'s viewport");
    }
}

#[test]
fn the_probe_sees_a_page_that_is_too_wide() {
    // The measurement itself: a page with a 600 px box scrolls sideways at 360 px.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("wide.html"),
        "<!doctype html><meta name=viewport content=\"width=device-width\"><div style=\"width:600px\">wide</div>",
    )
    .unwrap();
    let widths = measure(tmp.path(), &["wide.html"], &[360]);
    assert_eq!(widths, vec![("wide.html".to_string(), 360, 608, 360)]);
}
