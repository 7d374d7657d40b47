//! Record notes as HTML for the report's record pages: CommonMark by pulldown-cmark, then
//! sanitized by ammonia, so nothing from a record (a `<script>`, an `onerror=`, a
//! `javascript:` link) reaches a page as markup.

use pulldown_cmark::{Options, Parser, html};

/// Safe HTML for a markdown text.
pub fn to_html(markdown: &str) -> String {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_TASKLISTS);
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(markdown, opts));
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto", "tel"].into())
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&raw)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::to_html;

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
}
