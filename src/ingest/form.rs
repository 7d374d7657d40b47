//! Website form submissions: the fields a form service e-mails (`Name: Ada`, a label on one line
//! and its value on the next, or a simple HTML table) read by the labels kith.yaml names.

use super::settings::Form;

/// The form's fields found in `text`, as `(field, value)` in the form's order; a field whose
/// label is missing is left out. The `message` field may span several lines.
pub fn fields(form: &Form, text: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let mut found: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some((field, inline)) = label_of(form, lines[i]) else {
            i += 1;
            continue;
        };
        i += 1;
        let mut value: Vec<&str> = Vec::new();
        if !inline.is_empty() {
            value.push(inline);
        }
        let multiline = field == "message";
        while i < lines.len() && label_of(form, lines[i]).is_none() {
            let l = lines[i];
            if l == "--" {
                break;
            }
            if l.is_empty() {
                if !value.is_empty() && !multiline {
                    break;
                }
            } else if !value.is_empty() && !multiline {
                break;
            }
            if !(l.is_empty() && value.is_empty()) {
                value.push(l);
            }
            i += 1;
        }
        let value = value.join("\n").trim().to_string();
        if !value.is_empty() && !found.iter().any(|(f, _)| *f == field) {
            found.push((field.to_string(), value));
        }
    }
    found
}

/// The field whose label starts `line` (`Name: Ada`, `**Email:**`, `Email`), and the text after
/// the label.
fn label_of<'a, 'f>(form: &'f Form, line: &'a str) -> Option<(&'f str, &'a str)> {
    let bare = line.trim_matches(['*', '_', ' ']);
    form.fields.iter().find_map(|(field, label)| {
        let rest = strip_prefix_ci(bare, label)?;
        let rest = rest.trim_start_matches(['*', '_']);
        if rest.is_empty() {
            return Some((field.as_str(), ""));
        }
        let rest = rest.trim_start().strip_prefix(':')?;
        Some((field.as_str(), rest.trim_matches(['*', '_', ' '])))
    })
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Simple HTML as lines of text: each block, row and cell on its own line, tags dropped,
/// the common entities decoded.
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[lt + 1..lt + gt]
            .trim_start_matches('/')
            .to_ascii_lowercase();
        let name: String = tag
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if matches!(
            name.as_str(),
            "br" | "p"
                | "div"
                | "tr"
                | "td"
                | "th"
                | "li"
                | "h1"
                | "h2"
                | "h3"
                | "table"
                | "dt"
                | "dd"
        ) {
            out.push('\n');
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(rest);
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let lines: Vec<&str> = decoded.lines().map(str::trim).collect();
    let mut text = lines.join("\n");
    while text.contains("\n\n\n") {
        text = text.replace("\n\n\n", "\n\n");
    }
    text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> Form {
        Form {
            from: "forms@formspree.example".into(),
            fields: [
                ("name", "Name"),
                ("email", "Email"),
                ("company", "Company"),
                ("message", "Message"),
            ]
            .iter()
            .map(|(f, l)| (f.to_string(), l.to_string()))
            .collect(),
        }
    }

    #[test]
    fn reads_labelled_lines() {
        let text = "New submission\n\nName: Ada Lovelace\nEmail: ada@analytical.example\n\
                    Company: Analytical Engines\nMessage: We need a demo.\nAround 40 seats.\n\n--\nsent by Formspree";
        assert_eq!(
            fields(&form(), text),
            vec![
                ("name".into(), "Ada Lovelace".into()),
                ("email".into(), "ada@analytical.example".into()),
                ("company".into(), "Analytical Engines".into()),
                ("message".into(), "We need a demo.\nAround 40 seats.".into()),
            ]
        );
    }

    #[test]
    fn reads_labels_above_values_and_html_tables() {
        let html = "<table><tr><th>Name</th><td>Grace &amp; Co</td></tr>\
                    <tr><th>Email</th><td>grace@x.example</td></tr></table>";
        let got = fields(&form(), &html_text(html));
        assert_eq!(
            got,
            vec![
                ("name".into(), "Grace & Co".into()),
                ("email".into(), "grace@x.example".into())
            ]
        );
        let got = fields(&form(), "**Name:** Ada\n**Email:**\nada@x.example\n");
        assert_eq!(got[1], ("email".into(), "ada@x.example".into()));
    }
}
