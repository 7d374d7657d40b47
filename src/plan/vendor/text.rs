//! An activity's text from a subject and a body as exports hold them: HTML (HubSpot's note
//! bodies) turned into lines, blank lines and surrounding spaces dropped, so that the entry
//! kith writes reads back as the same text (a re-import then recognises it).

/// The text of an entry: the subject, then the body's lines.
pub fn entry(subject: Option<&str>, body: Option<&str>) -> String {
    let mut lines: Vec<String> = Vec::new();
    if let Some(s) = subject {
        lines.extend(clean(s));
    }
    if let Some(b) = body {
        for l in clean(b) {
            // A body that repeats the subject (Pipedrive notes) says it once.
            if lines.len() == 1 && lines[0] == l {
                continue;
            }
            lines.push(l);
        }
    }
    lines.join("\n")
}

/// A paragraph for a record's notes: the text's lines, blank lines dropped.
pub fn paragraph(text: &str) -> String {
    clean(text).join("\n")
}

/// The lines of a value, HTML tags turned into line breaks or dropped, entities decoded.
fn clean(text: &str) -> Vec<String> {
    let plain = if text.contains('<') && text.contains('>') {
        strip_html(text)
    } else {
        text.to_string()
    };
    plain
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

fn strip_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let tag = rest[start + 1..start + end]
            .trim_start_matches('/')
            .to_ascii_lowercase();
        let name: String = tag
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if matches!(
            name.as_str(),
            "br" | "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "ul" | "ol"
        ) {
            out.push('\n');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_and_blank_lines() {
        assert_eq!(
            entry(
                Some("Call"),
                Some("<p>Asked about <b>pricing</b> &amp; SSO</p><p></p><p>Next:  demo</p>")
            ),
            "Call\nAsked about pricing & SSO\nNext: demo"
        );
        assert_eq!(entry(None, Some("one\r\n\r\n  two  \n")), "one\ntwo");
        assert_eq!(entry(Some("x"), Some("x")), "x");
    }
}
