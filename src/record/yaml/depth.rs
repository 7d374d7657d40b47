//! How deeply flow collections (`[…]`, `{…}`) nest, found without parsing: libyaml's scanner
//! takes time quadratic in that depth (it walks every open level at every token), so 100,000
//! nested brackets in 200 KB kept it busy for minutes. Frontmatter nested deeper than serde_yaml_ng
//! would accept anyway is refused before it gets there.

/// serde_yaml_ng's own nesting limit: nothing deeper parses.
pub const MAX_DEPTH: usize = 128;

/// Where (0-based line, char column) flow collections first nest deeper than [`MAX_DEPTH`].
/// Brackets inside quoted scalars and comments do not count; a bracket inside a plain scalar
/// does, which can only count too much for text with over a hundred unmatched brackets.
pub fn too_deep(text: &str) -> Option<(u32, u32)> {
    let (mut depth, mut line, mut col) = (0usize, 0u32, 0u32);
    let mut quote: Option<char> = None;
    let mut previous = '\n';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some('"') if c == '\\' => {
                // An escape: the next character is part of the string.
                if let Some(n) = chars.next() {
                    if n == '\n' {
                        (line, col) = (line + 1, 0);
                    } else {
                        col += 1;
                    }
                }
            }
            Some(q) if c == q => {
                // `''` inside a single-quoted scalar is a quote, not its end.
                if q == '\'' && chars.peek() == Some(&'\'') {
                    chars.next();
                    col += 1;
                } else {
                    quote = None;
                }
            }
            Some(_) => {}
            None => match c {
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Some((line, col));
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                // A quoted scalar starts where a value may.
                '"' | '\''
                    if matches!(previous, '\n' | ' ' | '\t' | '[' | '{' | ',' | ':' | '-') =>
                {
                    quote = Some(c);
                }
                '#' if matches!(previous, '\n' | ' ' | '\t') => {
                    // A comment, to the end of the line.
                    while chars.peek().is_some_and(|&n| n != '\n') {
                        chars.next();
                    }
                }
                _ => {}
            },
        }
        if c == '\n' {
            (line, col) = (line + 1, 0);
        } else {
            col += 1;
        }
        previous = c;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_where_flow_collections_nest_too_deeply() {
        let deep = format!("name: x\nnested: {}{}\n", "[".repeat(200), "]".repeat(200));
        assert_eq!(too_deep(&deep), Some((1, 8 + MAX_DEPTH as u32)));
        let braces = format!("a: {}1{}\n", "{a: ".repeat(200), "}".repeat(200));
        assert!(too_deep(&braces).is_some());
        let fine = format!("nested: {}{}\n", "[".repeat(100), "]".repeat(100));
        assert_eq!(too_deep(&fine), None);
    }

    #[test]
    fn brackets_in_quotes_and_comments_do_not_count() {
        let many = "[".repeat(300);
        for text in [
            format!("note: \"{many}\"\n"),
            format!("note: '{many}'\n"),
            format!("note: 'it''s {many}'\n"),
            format!("note: \"say \\\"{many}\"\n"),
            format!("name: x # {many}\n"),
            format!("tags: [\"{many}\", '{many}']\n"),
        ] {
            assert_eq!(too_deep(&text), None, "{text}");
        }
        // A quote inside a word does not open a quoted scalar.
        let after = format!("name: O'Brien\nnested: {}\n", "[".repeat(200));
        assert!(too_deep(&after).is_some());
    }

    #[test]
    fn a_hundred_thousand_levels_take_no_time() {
        let d = 100_000;
        let text = format!("nested: {}{}\n", "[".repeat(d), "]".repeat(d));
        let start = std::time::Instant::now();
        assert!(too_deep(&text).is_some());
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
    }
}
