//! Numbers and amounts as a reader of `report.locale` writes them: `€89,000` in English,
//! `89.000 €` in German, `89 000 €` in French. Pure.

pub use crate::record::config::LOCALES;

/// How a locale groups digits and places the currency.
struct Style {
    group: &'static str,
    decimal: char,
    /// The symbol before the number (`€89,000`), else after it with a space (`89.000 €`).
    symbol_first: bool,
}

fn style(locale: &str) -> Style {
    match locale {
        "de" | "es" | "it" => Style {
            group: ".",
            decimal: ',',
            symbol_first: false,
        },
        "fr" => Style {
            // A narrow no-break space, as CLDR has it: a number never breaks across lines.
            group: "\u{202f}",
            decimal: ',',
            symbol_first: false,
        },
        "nl" => Style {
            group: ".",
            decimal: ',',
            symbol_first: true,
        },
        _ => Style {
            group: ",",
            decimal: '.',
            symbol_first: true,
        },
    }
}

/// The symbol of a currency, where it has one everybody reads.
fn symbol(currency: &str) -> Option<&'static str> {
    Some(match currency {
        "EUR" => "€",
        "USD" => "$",
        "GBP" => "£",
        "JPY" => "¥",
        "INR" => "₹",
        _ => return None,
    })
}

/// A whole number with the locale's thousands separators: `16,442`.
pub fn number(locale: &str, n: f64) -> String {
    let s = style(locale);
    let negative = n < 0.0;
    let x = n.abs();
    let whole = x.trunc() as u64;
    let cents = ((x - x.trunc()) * 100.0).round() as u64;
    let (whole, cents) = if cents == 100 {
        (whole + 1, 0)
    } else {
        (whole, cents)
    };
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(s.group);
        }
        out.push(c);
    }
    if cents > 0 {
        out.push(s.decimal);
        out.push_str(&format!("{cents:02}"));
    }
    if negative && out.chars().any(|c| c != '0') {
        format!("-{out}")
    } else {
        out
    }
}

/// An amount of money, rounded to whole units: `€89,000`, `89.000 €`, `CHF 89,000`.
pub fn amount(locale: &str, currency: &str, x: f64) -> String {
    let s = style(locale);
    let n = number(locale, x.round().abs());
    let sign = if x.round() < 0.0 { "-" } else { "" };
    match (symbol(currency), s.symbol_first) {
        (Some(sym), true) => format!("{sign}{sym}{n}"),
        (Some(sym), false) => format!("{sign}{n}\u{a0}{sym}"),
        (None, true) => format!("{sign}{currency}\u{a0}{n}"),
        (None, false) => format!("{sign}{n}\u{a0}{currency}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_follow_the_locale() {
        for (locale, currency, x, text) in [
            ("en", "EUR", 89000.0, "€89,000"),
            ("en", "USD", 1234567.4, "$1,234,567"),
            ("en", "GBP", 999.5, "£1,000"),
            ("en", "CHF", 89000.0, "CHF\u{a0}89,000"),
            ("en", "EUR", -11400.0, "-€11,400"),
            ("en", "EUR", 0.0, "€0"),
            ("de", "EUR", 89000.0, "89.000\u{a0}€"),
            ("fr", "EUR", 89000.0, "89\u{202f}000\u{a0}€"),
            ("nl", "EUR", 89000.0, "€89.000"),
            ("de", "SEK", 1500.0, "1.500\u{a0}SEK"),
        ] {
            assert_eq!(amount(locale, currency, x), text, "{locale} {currency} {x}");
        }
    }

    #[test]
    fn numbers_group_thousands() {
        assert_eq!(number("en", 16442.0), "16,442");
        assert_eq!(number("en", 100.0), "100");
        assert_eq!(number("en", 1000.0), "1,000");
        assert_eq!(number("en", 2.5), "2.50");
        assert_eq!(number("de", 1234567.0), "1.234.567");
        assert_eq!(number("en", -3.0), "-3");
        assert_eq!(number("en", 1.999), "2");
    }
}
