//! Report rendering of hostile field values: records whose names, titles, tags, notes and
//! activities are fuzzed render through the real report templates (a record page, the week
//! page and the index page) without a panic, and nothing from the data becomes markup that
//! runs: no `<script>`, no `on…=` event attribute, no `javascript:` link in the output that the
//! same pages with harmless values do not have.
#![no_main]
use kith::record::config::Config;
use kith::analysis::derive::Derived;
use kith::index::Index;
use kith::record::Kind;
use kith::report::{self, History, Week, pages};
use kith::report::site::Site;
use libfuzzer_sys::fuzz_target;
use tera::Context;

/// The hostile values: a person's name, title, tag, notes (markdown), an activity's text, and
/// a company's name.
type Input<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str, &'a str);

// The input is the six values separated by U+001F (the unit separator), so seeds are text.
fuzz_target!(|data: &str| {
    let mut parts = data.splitn(6, '\u{1f}');
    let mut next = || parts.next().unwrap_or("");
    let input = (next(), next(), next(), next(), next(), next());
    let pages = render(input);
    static HARMLESS: std::sync::OnceLock<(usize, usize, usize)> = std::sync::OnceLock::new();
    let expected = *HARMLESS.get_or_init(|| {
        markup_that_runs(&render((
            "Ada",
            "CTO",
            "vip",
            "Met at *the* fair.",
            "called",
            "Acme",
        )))
    });
    let found = markup_that_runs(&pages);
    assert_eq!(found, expected, "data became active markup:\n{pages}");
});

fn site() -> &'static Site {
    static SITE: std::sync::OnceLock<Site> = std::sync::OnceLock::new();
    // No `templates/` folder there: the built-in templates.
    SITE.get_or_init(|| {
        Site::new(std::path::Path::new("/nonexistent"), "/nonexistent".into())
            .expect("the built-in templates compile")
    })
}

/// A YAML double-quoted scalar holding `s` (JSON strings are YAML).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

/// Every page, concatenated.
fn render((name, title, tag, notes, activity, company): Input<'_>) -> String {
    let (cfg, _) = Config::parse(include_str!("../../example-workspace/kith.yaml"));
    let person = format!(
        "---\nname: {}\ntitle: {}\nemail: ada@acme.example\ncompany: acme\nlifecycle: lead\ntags: [{}]\n---\n\n## Notes\n\n{notes}\n\n## Activity\n\n- 2026-11-20 call: {}\n",
        quoted(name),
        quoted(title),
        quoted(tag),
        activity.replace(['\n', '\r'], " "),
    );
    let company = format!(
        "---\nname: {}\ndomain: acme.example\n---\n\n{notes}\n",
        quoted(company)
    );
    let deal = format!(
        "---\nname: {}\ncompany: acme\ncontacts: [ada]\nstage: proposal\namount: 1000\n---\n",
        quoted(title)
    );
    let parsed = [
        (Kind::Person, "ada", person),
        (Kind::Company, "acme", company),
        (Kind::Deal, "pilot", deal),
    ]
    .into_iter()
    .map(|(kind, id, text)| {
        let rel = format!("{}/{id}.md", kind.dir());
        kith::record::parse::parse(kind, id, &rel, text.as_bytes(), &cfg)
    })
    .collect();
    let index = Index::build(cfg, parsed);
    let today = jiff::civil::Date::constant(2026, 11, 25);
    let (derived, _) = Derived::compute(&index, today);
    let duplicates = kith::analysis::duplicates::find(&index);
    let diagnostics = index.diagnostics_with(kith::analysis::duplicates::diagnostics_of(&index, &duplicates));
    let history = History::Unavailable("fuzzing".into());
    let weekly = report::build(&report::Input {
        index: &index,
        derived: &derived,
        week: Week::of(today),
        as_of: today,
        history: &history,
        uncommitted: &[],
        diagnostics: &diagnostics,
        duplicates: &duplicates,
        public: false,
    });
    let segments = pages::segments(&index, &derived, false);
    let info = serde_json::json!({
        "workspace": name,
        "generated": "2026-11-25",
        "public": false,
        "weeks": [{"week": Week::of(today).to_string(), "href": "weeks/x/index.html"}],
        "segments": segments.iter().map(|s| serde_json::json!({
            "name": s.name, "size": s.members.len(), "description": s.description,
        })).collect::<Vec<_>>(),
    });
    let mut out = String::new();
    for page in ["week", "index"] {
        let mut ctx = Context::new();
        ctx.insert("kith_version", "fuzz");
        ctx.insert("site", &info);
        ctx.insert("root", ".");
        ctx.insert("page", page);
        ctx.insert("report", &weekly);
        ctx.insert("lead_count", &weekly.open_leads);
        ctx.insert("customer_count", &weekly.customers);
        ctx.insert("previous_href", &None::<String>);
        let template = if page == "index" {
            "index.html"
        } else {
            "week.html"
        };
        out.push_str(&site().render(template, &ctx).expect("the week renders"));
    }
    for s in &segments {
        let mut ctx = Context::new();
        ctx.insert("kith_version", "fuzz");
        ctx.insert("site", &info);
        ctx.insert("root", "..");
        ctx.insert("segment", s);
        out.push_str(
            &site()
                .render("segment.html", &ctx)
                .expect("a segment renders"),
        );
    }
    for (slot, r) in index.entries().filter(|(_, r)| !r.broken) {
        let page = pages::record(&index, &derived, slot, r, Vec::new());
        let mut ctx = Context::new();
        ctx.insert("kith_version", "fuzz");
        ctx.insert("site", &info);
        ctx.insert("root", "..");
        ctx.insert("history_since", "2026-09-01");
        ctx.insert("record", &page);
        out.push_str(
            &site()
                .render("record.html", &ctx)
                .expect("a record renders"),
        );
    }
    out
}

/// Counts of markup that runs code: `<script` tags, attributes named `on…`, and attribute
/// values that are `javascript:` (or `vbscript:`, `data:`) URLs. Text between tags is
/// escaped and does not count.
fn markup_that_runs(html: &str) -> (usize, usize, usize) {
    let (mut scripts, mut handlers, mut urls) = (0, 0, 0);
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(at) = html[i..].find('<') {
        let start = i + at + 1;
        // A tag starts with a letter; `</x` closes one.
        let name_end = html[start..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(html.len(), |e| start + e);
        if name_end == start {
            i = start;
            continue;
        }
        if html[start..name_end].eq_ignore_ascii_case("script") {
            scripts += 1;
        }
        // Attributes up to the closing `>`, quotes respected.
        let mut j = name_end;
        while j < bytes.len() && bytes[j] != b'>' {
            if bytes[j].is_ascii_alphabetic() && bytes[j - 1].is_ascii_whitespace() {
                let a_end = html[j..]
                    .find(|c: char| c == '=' || c == '>' || c.is_ascii_whitespace())
                    .map_or(html.len(), |e| j + e);
                if html[j..a_end].to_ascii_lowercase().starts_with("on") {
                    handlers += 1;
                }
                j = a_end;
                continue;
            }
            if bytes[j] == b'"' || bytes[j] == b'\'' {
                let q = bytes[j];
                let v_end = html[j + 1..]
                    .find(q as char)
                    .map_or(html.len(), |e| j + 1 + e);
                let value: String = html[j + 1..v_end]
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if ["javascript:", "vbscript:", "data:"]
                    .iter()
                    .any(|p| value.starts_with(p))
                {
                    urls += 1;
                }
                j = v_end + 1;
                continue;
            }
            j += 1;
        }
        i = j.min(html.len());
    }
    (scripts, handlers, urls)
}
