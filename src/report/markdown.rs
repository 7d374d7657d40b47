//! Record notes as HTML for the report's record pages: CommonMark by pulldown-cmark, then
//! sanitized by ammonia, so nothing from a record (a `<script>`, an `onerror=`, a
//! `javascript:` link) reaches a page as markup.
//!
//! The sanitizer's HTML parser takes time quadratic in how deeply elements nest (it walks the
//! open elements at every new one): a note of 100,000 `>` (blockquotes in blockquotes) kept
//! `kith report` busy for a minute. So blocks nest at most [`MAX_NESTING`] levels (deeper ones
//! are rendered flat, inside the deepest), and a note with more than [`MAX_HTML_TAGS`] HTML tags
//! of its own shows that HTML as text.

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd, html};

/// How deeply markdown blocks and inline elements nest in the HTML; real notes nest a few levels.
pub const MAX_NESTING: usize = 32;

/// How many tags a note may write as raw HTML before they are shown as text instead. Each tag
/// can open an element, and the sanitizer slows down with the square of how deeply they nest.
pub const MAX_HTML_TAGS: usize = 1_000;

/// Safe HTML for a markdown text, in time linear in its length. Wiki links
/// (`[[calder-mutual|Calder]]`) show their label (or target) as text.
pub fn to_html(markdown: &str) -> String {
    to_html_linked(markdown, &|_| None)
}

/// [`to_html`], with each wiki link's target (`calder-mutual`, `companies/calder-mutual`)
/// turned into a link where `link` gives its URL, and into its text where it gives none.
pub fn to_html_linked(markdown: &str, link: &dyn Fn(&str) -> Option<String>) -> String {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_TASKLISTS);
    opts.insert(Options::ENABLE_WIKILINKS);
    // A wiki link without a URL loses its start and end (its text stays): which links were
    // dropped, innermost last.
    let mut dropped: Vec<bool> = Vec::new();
    let events: Vec<Event> = Parser::new_ext(markdown, opts)
        .filter_map(|e| match e {
            Event::Start(Tag::Link {
                link_type: link_type @ LinkType::WikiLink { .. },
                dest_url,
                title,
                id,
            }) => match link(&dest_url) {
                Some(url) => {
                    dropped.push(false);
                    Some(Event::Start(Tag::Link {
                        link_type,
                        dest_url: url.into(),
                        title,
                        id,
                    }))
                }
                None => {
                    dropped.push(true);
                    None
                }
            },
            Event::Start(Tag::Link { .. }) => {
                dropped.push(false);
                Some(e)
            }
            Event::End(TagEnd::Link) => (!dropped.pop().unwrap_or(false)).then_some(e),
            other => Some(other),
        })
        .collect();
    let raw_tags: usize = events
        .iter()
        .map(|e| match e {
            Event::Html(h) | Event::InlineHtml(h) => tag_count(h),
            _ => 0,
        })
        .sum();
    let html_as_text = raw_tags > MAX_HTML_TAGS;
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, bounded(events.into_iter(), html_as_text));
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto", "tel"].into())
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&raw)
        .to_string()
}

/// How many `<` in raw HTML could start a tag (an upper bound: `<` before a letter or `/`).
fn tag_count(html: &str) -> usize {
    html.as_bytes()
        .windows(2)
        .filter(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/'))
        .count()
}

/// The events with every element deeper than [`MAX_NESTING`] left out (its content stays, in
/// the deepest element kept), and raw HTML turned into text when `html_as_text`.
fn bounded<'a>(
    events: impl Iterator<Item = Event<'a>>,
    html_as_text: bool,
) -> impl Iterator<Item = Event<'a>> {
    let mut depth = 0usize;
    events.filter_map(move |e| match e {
        Event::Start(_) => {
            depth += 1;
            (depth <= MAX_NESTING).then_some(e)
        }
        Event::End(_) => {
            depth = depth.saturating_sub(1);
            (depth < MAX_NESTING).then_some(e)
        }
        Event::Html(h) | Event::InlineHtml(h) if html_as_text => Some(Event::Text(h)),
        other => Some(other),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wiki_links_become_links_where_they_lead_somewhere() {
        let link =
            |t: &str| (t == "calder-mutual").then(|| "../companies/calder-mutual.html".to_string());
        assert_eq!(
            to_html_linked(
                "Met [[calder-mutual|Calder]] and [[nobody]] about [x](https://x.example).",
                &link
            ),
            "<p>Met <a href=\"../companies/calder-mutual.html\" rel=\"noopener noreferrer nofollow\">Calder</a> and nobody about <a href=\"https://x.example\" rel=\"noopener noreferrer nofollow\">x</a>.</p>\n"
        );
        // Without pages to lead to (a public report), the label alone.
        assert_eq!(
            to_html("See [[calder-mutual|Calder]]."),
            "<p>See Calder.</p>\n"
        );
        // A target that is a URL scheme is not trusted more than any link.
        let evil = |_: &str| Some("javascript:alert(1)".to_string());
        assert!(!to_html_linked("[[x]]", &evil).contains("javascript"));
    }

    #[test]
    fn markdown_renders_and_anything_active_is_removed() {
        assert_eq!(
            to_html("Met at **the webinar**."),
            "<p>Met at <strong>the webinar</strong>.</p>\n"
        );
        let hostile = to_html(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1)) <a href=\"JaVaScRiPt:alert(1)\">x</a> <iframe src=\"https://evil.example\"></iframe> <svg onload=alert(1)>",
        );
        for bad in [
            "<script",
            "onerror",
            "javascript:",
            "JaVaScRiPt",
            "<iframe",
            "onload",
            "<svg",
        ] {
            assert!(!hostile.contains(bad), "{bad} survived: {hostile}");
        }
        assert!(to_html("[ok](https://x.example)").contains("href=\"https://x.example\""));
    }

    #[test]
    fn deep_nesting_is_rendered_flat_beyond_the_limit() {
        let deep = to_html(&format!("{}hello", ">".repeat(100_000)));
        assert_eq!(deep.matches("<blockquote>").count(), MAX_NESTING);
        assert_eq!(deep.matches("</blockquote>").count(), MAX_NESTING);
        assert!(deep.contains("hello"));
        let shallow = to_html("> > quoted\n");
        assert_eq!(shallow.matches("<blockquote>").count(), 2);
    }

    #[test]
    fn too_many_html_tags_are_shown_as_text() {
        let few = to_html("<b>bold</b> and <i>more</i>");
        assert!(few.contains("<b>bold</b>"), "{few}");
        let many = to_html(&"<div>".repeat(20_000));
        assert!(!many.contains("<div>"));
        assert!(many.contains("&lt;div&gt;"));
    }

    #[test]
    fn hostile_notes_render_in_linear_time() {
        for note in [
            ">".repeat(100_000),
            "<div>".repeat(20_000),
            "- ".repeat(50_000),
            "*".repeat(100_000),
            "[".repeat(100_000),
        ] {
            let start = std::time::Instant::now();
            to_html(&note);
            assert!(
                start.elapsed() < std::time::Duration::from_secs(10),
                "{}: {:?}",
                &note[..10],
                start.elapsed()
            );
        }
    }
}
