//! Field types: the built-in fields of each record kind, custom fields from `kith.yaml`, how a
//! value is checked against its type, and how command-line input becomes a typed value.

use crate::record::Kind;
use crate::record::LIFECYCLE;
use crate::record::activity::parse_date;
use crate::record::config::Config;
use crate::record::diag::{Severity, did_you_mean};
use crate::record::value::Value;
use crate::util::hint::Hint;

/// The type of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Number,
    Integer,
    Date,
    Bool,
    Email,
    Url,
    Phone,
    /// A list of text items.
    List,
    /// One of a fixed set of values.
    Choice(Vec<String>),
    // Built-in types with workspace-specific rules:
    Emails,
    Phones,
    Lifecycle,
    LeadStatus,
    DealStage,
    Pipeline,
    Teammate,
    Country,
    Currency,
    Domain,
    /// The id of a record of this kind.
    Ref(Kind),
    /// A list of ids of records of this kind.
    Refs(Kind),
    /// A nested mapping (e.g. `consent`).
    Map,
}

impl FieldType {
    pub const SPEC_HELP: &'static str = "types are text, number, integer, date, bool, email, url, phone, list, or a list of allowed values";

    /// Reads a custom field's type from `kith.yaml`: a type name or a list of allowed values.
    pub fn from_spec(spec: &serde_yaml_ng::Value) -> Result<FieldType, String> {
        use serde_yaml_ng::Value as Y;
        match spec {
            Y::String(s) => Ok(match s.trim().to_lowercase().as_str() {
                "text" | "string" => FieldType::Text,
                "number" => FieldType::Number,
                "integer" | "int" => FieldType::Integer,
                "date" => FieldType::Date,
                "bool" | "boolean" => FieldType::Bool,
                "email" => FieldType::Email,
                "url" => FieldType::Url,
                "phone" => FieldType::Phone,
                "list" | "tags" => FieldType::List,
                other => return Err(format!("unknown type `{other}`")),
            }),
            Y::Sequence(items) => {
                let values: Vec<String> = items
                    .iter()
                    .map(|v| crate::record::value::Value::from_yaml(v.clone()).to_text())
                    .collect();
                if values.is_empty() {
                    Err("the list of allowed values is empty".into())
                } else {
                    Ok(FieldType::Choice(values))
                }
            }
            _ => Err("expected a type name or a list of allowed values".into()),
        }
    }

    pub fn is_list(&self) -> bool {
        matches!(
            self,
            FieldType::List | FieldType::Emails | FieldType::Phones | FieldType::Refs(_)
        )
    }

    /// Whether values of this type are written unquoted when YAML reads them back as text
    /// (dates are text to YAML 1.2 and need no quotes).
    pub fn is_date(&self) -> bool {
        matches!(self, FieldType::Date)
    }
}

/// Names exports (`--format json|csv`) give the record itself and its computed values; a
/// frontmatter field with one of these names is exported as `field.NAME`.
pub const RESERVED: [&str; 8] = [
    "id",
    "kind",
    "path",
    "score",
    "fit_score",
    "engagement_score",
    "grade",
    "segments",
];

/// Every built-in field's name, of any kind ([`builtin_names`] gives a kind's).
const BUILTIN_NAMES: &[&str] = &[
    "name",
    "title",
    "industry",
    "source",
    "notes",
    "owner",
    "tags",
    "created",
    "country",
    "email",
    "emails",
    "phone",
    "phones",
    "company",
    "lifecycle",
    "lifecycle_changed",
    "lead_status",
    "unqualified_reason",
    "other_reason",
    "do_not_contact",
    "consent",
    "domain",
    "size",
    "website",
    "amount",
    "probability",
    "currency",
    "stage",
    "pipeline",
    "close_date",
    "contacts",
    "lost_reason",
    "forecast",
    "next_step",
    "next_step_date",
];

/// The forecast categories a deal may be put in by hand (`forecast: commit`); `closed` comes
/// from a won stage, and an open deal's default from its stage's win probability
/// ([`crate::report::forecast`]).
pub const FORECAST_CATEGORIES: [&str; 4] = ["pipeline", "best-case", "commit", "omitted"];

/// The names of `kind`'s built-in fields.
pub fn builtin_names(kind: Kind) -> impl Iterator<Item = &'static str> {
    BUILTIN_NAMES
        .iter()
        .copied()
        .filter(move |k| builtin(kind, k).is_some())
}

/// The order kith writes a kind's fields in: a new record's frontmatter (others follow,
/// `created` last), the leading columns of a CSV export, the fields an import reads.
pub fn field_order(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Person => &[
            "name",
            "email",
            "emails",
            "phone",
            "phones",
            "company",
            "title",
            LIFECYCLE,
            "lead_status",
            "unqualified_reason",
            "other_reason",
            "source",
            "owner",
            "tags",
            "country",
            "industry",
        ],
        Kind::Company => &[
            "name", "domain", "industry", "size", "country", "owner", "tags",
        ],
        Kind::Deal => &[
            "name",
            "pipeline",
            "stage",
            "amount",
            "currency",
            "close_date",
            "company",
            "contacts",
            "owner",
            "forecast",
            "next_step",
            "next_step_date",
            "lost_reason",
            "tags",
        ],
    }
}

/// The built-in fields of each kind.
pub fn builtin(kind: Kind, key: &str) -> Option<FieldType> {
    use FieldType::*;
    let t = match (kind, key) {
        (_, "name" | "title" | "industry" | "source" | "notes") => Text,
        (_, "owner") => Teammate,
        (_, "tags") => List,
        (_, "created") => Date,
        (_, "country") => Country,
        (Kind::Person, "email") => Email,
        (Kind::Person, "emails") => Emails,
        (Kind::Person, "phone") => Phone,
        (Kind::Person, "phones") => Phones,
        (Kind::Person, "company") => Ref(Kind::Company),
        (Kind::Person, LIFECYCLE) => Lifecycle,
        (Kind::Person, "lifecycle_changed") => Date,
        (Kind::Person, "lead_status") => LeadStatus,
        (Kind::Person, "unqualified_reason" | "other_reason") => Text,
        (Kind::Person, "do_not_contact") => Bool,
        (Kind::Person, "consent") => Map,
        (Kind::Company, "domain") => Domain,
        (Kind::Company, "size") => Integer,
        (Kind::Company, "website") => Url,
        (Kind::Company, "phone") => Phone,
        (Kind::Deal, "amount" | "probability") => Number,
        (Kind::Deal, "currency") => Currency,
        (Kind::Deal, "stage") => DealStage,
        (Kind::Deal, "pipeline") => Pipeline,
        (Kind::Deal, "close_date") => Date,
        (Kind::Deal, "company") => Ref(Kind::Company),
        (Kind::Deal, "contacts") => Refs(Kind::Person),
        (Kind::Deal, "lost_reason" | "next_step") => Text,
        (Kind::Deal, "next_step_date") => Date,
        (Kind::Deal, "forecast") => Choice(FORECAST_CATEGORIES.map(String::from).to_vec()),
        _ => return None,
    };
    Some(t)
}

/// A field's declared type: built-in first, then `kith.yaml`'s custom fields.
pub fn field_type(cfg: &Config, kind: Kind, key: &str) -> Option<FieldType> {
    builtin(kind, key).or_else(|| {
        cfg.custom_fields(kind)
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, t)| t.clone())
    })
}

/// What is wrong with a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
}

impl Problem {
    fn error(code: &'static str, message: String, help: impl Into<Option<String>>) -> Problem {
        Problem {
            severity: Severity::Error,
            code,
            message,
            help: help.into(),
        }
    }
    fn warning(code: &'static str, message: String, help: impl Into<Option<String>>) -> Problem {
        Problem {
            severity: Severity::Warning,
            code,
            message,
            help: help.into(),
        }
    }
}

/// Checks one field's value against its type. References to other records are checked by the
/// index, which knows them.
pub fn check(cfg: &Config, key: &str, ty: &FieldType, value: &Value) -> Option<Problem> {
    if value.is_null() {
        return None;
    }
    // The value as text, for messages; computed only when there is something to say.
    let shown = || value.to_text();
    let wrong = |expected: &str, help: Option<String>| {
        Problem::error(
            "wrong-type",
            format!("`{key}` must be {expected}, not `{}`", shown()),
            help,
        )
    };
    match ty {
        FieldType::Text => match value {
            Value::List(_) | Value::Map(_) => Some(wrong(
                "text",
                Some(format!("write `{key}` as a single value")),
            )),
            _ => None,
        },
        FieldType::Number => match value {
            Value::Int(_) | Value::Float(_) => None,
            _ => Some(wrong("a number", Some(number_help(&shown())))),
        },
        FieldType::Integer => match value {
            Value::Int(_) => None,
            Value::Float(f) if f.fract() == 0.0 => None,
            _ => Some(wrong("a whole number", Some(number_help(&shown())))),
        },
        FieldType::Date => match value {
            Value::Str(s) if parse_date(s).is_some() => None,
            _ => Some(Problem::error(
                "invalid-date",
                format!("`{key}` is not a valid date: `{}`", shown()),
                Some("write dates as YYYY-MM-DD, e.g. 2026-10-02".to_string()),
            )),
        },
        FieldType::Bool => match value {
            Value::Bool(_) => None,
            _ => Some(wrong(
                "true or false",
                Some(format!("write `{key}: true` or `{key}: false`")),
            )),
        },
        FieldType::Email => check_email(key, value),
        FieldType::Emails => value.items().iter().find_map(|v| check_email(key, v)),
        FieldType::Url => match value.as_str() {
            Some(s) if s.contains("://") || s.starts_with("mailto:") || s.contains('.') => None,
            _ => Some(Problem::warning(
                "invalid-url",
                format!("`{key}` does not look like a URL: `{}`", shown()),
                Some("write the full address, e.g. https://example.com/page".to_string()),
            )),
        },
        FieldType::Phone => check_phone(key, value),
        FieldType::Phones => value.items().iter().find_map(|v| check_phone(key, v)),
        FieldType::List | FieldType::Refs(_) => match value {
            Value::Map(_) => Some(wrong("a list", Some(format!("write `{key}: [a, b]`")))),
            Value::List(items)
                if items
                    .iter()
                    .any(|i| matches!(i, Value::List(_) | Value::Map(_))) =>
            {
                Some(wrong("a list of single values", None))
            }
            _ => None,
        },
        FieldType::Choice(options) => {
            let shown = scalar_text(value);
            let ok = options.iter().any(|o| o.eq_ignore_ascii_case(&shown));
            (!ok).then(|| {
                Problem::error(
                    "invalid-choice",
                    format!(
                        "`{key}` must be one of {}, not `{shown}`",
                        options.join(", ")
                    ),
                    did_you_mean(&shown, options.iter().map(String::as_str))
                        .map(|s| format!("did you mean `{s}`?")),
                )
            })
        }
        FieldType::Lifecycle => {
            let shown = scalar_text(value);
            let stage = shown.trim();
            (!cfg.lifecycle.is_known(stage)).then(|| {
                let all: Vec<&str> = cfg.lifecycle.all().collect();
                Problem::error(
                    "unknown-stage",
                    format!("unknown lifecycle stage `{stage}`"),
                    Some(match did_you_mean(stage, all.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`? stages: {}", all.join(", ")),
                        None => format!(
                            "stages: {} (or remove the line for a plain contact)",
                            all.join(", ")
                        ),
                    }),
                )
            })
        }
        FieldType::LeadStatus => {
            let shown = scalar_text(value);
            let known = &cfg.lead_statuses;
            (!known.iter().any(|s| s.eq_ignore_ascii_case(shown.trim()))).then(|| {
                Problem::error(
                    "unknown-lead-status",
                    format!("unknown lead status `{shown}`"),
                    Some(format!("lead statuses: {}", known.join(", "))),
                )
            })
        }
        FieldType::DealStage | FieldType::Pipeline => None, // needs the deal's pipeline: see check_deal
        FieldType::Teammate => {
            let shown = scalar_text(value);
            if cfg.teammates.is_empty() || cfg.teammate(shown.trim()).is_some() {
                return None;
            }
            let ids = cfg.teammates.iter().map(|t| t.id.as_str());
            Some(Problem::warning(
                "unknown-owner",
                format!("`{shown}` is not a teammate in kith.yaml"),
                Some(match did_you_mean(&shown, ids.clone()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "teammates: {}; add them under `teammates:` in kith.yaml",
                        ids.collect::<Vec<_>>().join(", ")
                    ),
                }),
            ))
        }
        FieldType::Country => {
            let shown = scalar_text(value);
            let ok = shown.len() == 2 && shown.bytes().all(|b| b.is_ascii_uppercase());
            (!ok).then(|| {
                Problem::warning(
                    "invalid-country",
                    format!("`{key}` should be a two-letter country code, not `{shown}`"),
                    Some(if shown.len() == 2 {
                        format!("write it in capitals: {}", shown.to_uppercase())
                    } else {
                        "use ISO 3166 codes such as GB, DE, US".to_string()
                    }),
                )
            })
        }
        FieldType::Currency => {
            let shown = scalar_text(value);
            let ok = shown.len() == 3 && shown.bytes().all(|b| b.is_ascii_uppercase());
            (!ok).then(|| {
                Problem::warning(
                    "invalid-currency",
                    format!("`{key}` should be a three-letter currency code, not `{shown}`"),
                    Some("use ISO 4217 codes such as EUR, USD, GBP".to_string()),
                )
            })
        }
        FieldType::Domain => {
            let shown = scalar_text(value);
            let s = shown.trim();
            let ok = s.contains('.') && !s.contains(['/', '@', ' ']);
            (!ok).then(|| {
                Problem::warning(
                    "invalid-domain",
                    format!("`{key}` should be a domain name like example.com, not `{shown}`"),
                    None,
                )
            })
        }
        FieldType::Ref(_) => match value {
            Value::Str(_) => None,
            _ => Some(wrong("a record id", None)),
        },
        FieldType::Map => match value {
            Value::Map(_) => None,
            _ => Some(wrong("a set of `key: value` pairs", None)),
        },
    }
}

/// A scalar's text, borrowed when it is a string.
fn scalar_text(value: &Value) -> std::borrow::Cow<'_, str> {
    match value {
        Value::Str(s) => std::borrow::Cow::Borrowed(s.as_str()),
        other => std::borrow::Cow::Owned(other.to_text()),
    }
}

fn number_help(shown: &str) -> String {
    let cleaned: String = shown
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    if !cleaned.is_empty() && cleaned.parse::<f64>().is_ok() && cleaned != shown {
        format!("write digits only, without separators, units or quotes: {cleaned}")
    } else {
        "write digits only, e.g. 12000 or 12000.50".to_string()
    }
}

fn check_email(key: &str, value: &Value) -> Option<Problem> {
    let s = scalar_text(value);
    (!is_valid_email(&s)).then(|| {
        Problem::error(
            "invalid-email",
            format!("`{key}` is not a valid e-mail address: `{s}`"),
            Some("write it as name@example.com".to_string()),
        )
    })
}

/// A practical e-mail syntax check: one `@`, a non-empty local part without spaces, and a
/// domain of dot-separated labels of letters, digits and hyphens.
pub fn is_valid_email(s: &str) -> bool {
    let s = s.trim();
    let Some(at) = memchr::memrchr(b'@', s.as_bytes()) else {
        return false;
    };
    let (local, domain) = (&s.as_bytes()[..at], &s[at + 1..]);
    if local.is_empty()
        || local.len() > 64
        || local
            .iter()
            .any(|b| matches!(b, b'@' | b' ' | b'\t' | b',' | b';' | b'<' | b'>'))
    {
        return false;
    }
    if local.starts_with(b".") || local.ends_with(b".") || local.windows(2).any(|w| w == b"..") {
        return false;
    }
    domain.contains('.')
        && domain.split('.').all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && if l.is_ascii() {
                    l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                } else {
                    l.chars().all(|c| c.is_alphanumeric() || c == '-')
                }
        })
}

fn check_phone(key: &str, value: &Value) -> Option<Problem> {
    match value {
        Value::Str(s) => {
            let digits = s.chars().filter(char::is_ascii_digit).count();
            let ok = digits >= 5
                && s.chars()
                    .all(|c| c.is_ascii_digit() || " +-().x/".contains(c));
            (!ok).then(|| {
                Problem::warning(
                    "invalid-phone",
                    format!("`{key}` does not look like a phone number: `{s}`"),
                    Some("use digits, spaces and + ( ) -, e.g. \"+44 20 7946 0000\"".to_string()),
                )
            })
        }
        Value::Int(_) => Some(Problem::warning(
            "phone-not-quoted",
            format!("`{key}` is written as a number, so YAML drops leading zeros and `+`"),
            Some(format!(
                "put the phone number in quotes: {key}: \"{}\"",
                value.to_text()
            )),
        )),
        _ => Some(Problem::error(
            "wrong-type",
            format!("`{key}` must be a phone number, not `{}`", value.to_text()),
            None,
        )),
    }
}

/// Turns command-line text (`kith set ID key=value`) into a value of the field's type.
pub fn parse_input(
    cfg: &Config,
    ty: Option<&FieldType>,
    key: &str,
    input: &str,
) -> Result<Value, Hint> {
    let input = input.trim();
    let Some(ty) = ty else {
        // Undeclared field: read it the way YAML would read it unquoted, but never as null.
        return Ok(match crate::record::yaml::scalar::resolve_plain(input) {
            Some(Value::Null) | None => Value::str(input),
            Some(v) => v,
        });
    };
    let value = match ty {
        FieldType::Number => Value::Float(input.parse::<f64>().map_err(|_| {
            format!(
                "`{key}` must be a number, not `{input}` ({})",
                number_help(input)
            )
        })?),
        FieldType::Integer => Value::Int(
            input
                .parse::<i64>()
                .map_err(|_| format!("`{key}` must be a whole number, not `{input}`"))?,
        ),
        FieldType::Bool => Value::Bool(match input.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" | "on" => true,
            "false" | "no" | "n" | "0" | "off" => false,
            _ => {
                return Err(Hint::plain(format!(
                    "`{key}` must be true or false, not `{input}`"
                )));
            }
        }),
        t if t.is_list() => {
            let inner = input
                .strip_prefix('[')
                .and_then(|s| s.strip_suffix(']'))
                .unwrap_or(input);
            Value::List(
                inner
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(Value::str)
                    .collect(),
            )
        }
        FieldType::Lifecycle
        | FieldType::LeadStatus
        | FieldType::DealStage
        | FieldType::Pipeline
        | FieldType::Country
        | FieldType::Currency => {
            let v = match ty {
                FieldType::Country => crate::record::normalize::country(input)
                    .map_or_else(|| input.to_uppercase(), str::to_string),
                FieldType::Currency => input.to_uppercase(),
                _ => input.to_lowercase(),
            };
            Value::str(&v)
        }
        FieldType::Date => {
            let d = parse_date(input).ok_or_else(|| {
                format!("`{key}` must be a valid date written YYYY-MM-DD, not `{input}`")
            })?;
            Value::str(&d.to_string())
        }
        _ => Value::str(input),
    };
    // Float values that are whole numbers are stored as integers (12000, not 12000.0).
    let value = match value {
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9e15 && !input.contains('.') => {
            Value::Int(f as i64)
        }
        v => v,
    };
    if let Some(p) = check(cfg, key, ty, &value)
        && p.severity == Severity::Error
    {
        return Err(Hint {
            message: p.message,
            help: p.help,
        });
    }
    Ok(value)
}

/// Whether an address's domain is a free-mail provider (so it says nothing about the company).
pub fn is_free_mail(domain: &str) -> bool {
    const PROVIDERS: &[&str] = &[
        "gmail",
        "googlemail",
        "outlook",
        "hotmail",
        "live",
        "msn",
        "yahoo",
        "ymail",
        "icloud",
        "me",
        "mac",
        "aol",
        "gmx",
        "web",
        "proton",
        "protonmail",
        "pm",
        "mail",
        "yandex",
        "zoho",
        "fastmail",
        "tutanota",
        "hey",
        "qq",
        "163",
        "free",
        "orange",
        "t-online",
        "libero",
        "mailinator",
    ];
    let first = domain.trim().split('.').next().unwrap_or("");
    PROVIDERS.iter().any(|p| p.eq_ignore_ascii_case(first))
}

/// `KEY=VALUE` split into a field name and a non-empty value, or what is wrong with its form
/// (which needs neither the settings nor the record: a command-line usage error).
pub fn split_assignment(pair: &str) -> Result<(&str, &str), String> {
    let Some((key, value)) = pair.split_once('=') else {
        return Err(format!("`{pair}` is not KEY=VALUE"));
    };
    let key = key.trim();
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err(format!(
            "`{key}` is not a valid field name (letters, digits, `_`, `-`)"
        ));
    }
    if value.trim().is_empty() {
        return Err(format!(
            "no value for `{key}`; to remove the field use `kith unset ID {key}`"
        ));
    }
    Ok((key, value))
}

/// Reads `key=value` from the command line into a typed value for a record of `kind`.
pub fn parse_assignment(cfg: &Config, kind: Kind, pair: &str) -> Result<(String, Value), Hint> {
    let (key, value) = split_assignment(pair)?;
    let ty = field_type(cfg, kind, key);
    let value = parse_input(cfg, ty.as_ref(), key, value)?;
    Ok((key.to_string(), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in ["ada@x.example", "a.b+c@mail.x-y.example", "Zoë@exämple.de"] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in [
            "ada",
            "ada@",
            "@x.example",
            "ada@x",
            "a b@x.example",
            "a@@x.example",
            "a..b@x.example",
            "a@-x.example",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn checks_values_by_type() {
        let cfg = Config::default();
        let p = check(&cfg, "created", &FieldType::Date, &Value::str("2026-02-30")).unwrap();
        assert_eq!(p.code, "invalid-date");
        let p = check(&cfg, "amount", &FieldType::Number, &Value::str("12,000")).unwrap();
        assert!(p.help.unwrap().contains("12000"));
        let p = check(
            &cfg,
            "lifecycle",
            &FieldType::Lifecycle,
            &Value::str("custmer"),
        )
        .unwrap();
        assert!(p.help.unwrap().starts_with("did you mean `customer`"));
        assert!(
            check(
                &cfg,
                "lifecycle",
                &FieldType::Lifecycle,
                &Value::str("Other")
            )
            .is_none()
        );
        let p = check(&cfg, "phone", &FieldType::Phone, &Value::Int(4420)).unwrap();
        assert_eq!(p.code, "phone-not-quoted");
        assert!(check(&cfg, "flag", &FieldType::Bool, &Value::str("yes")).is_some());
    }

    #[test]
    fn parses_input_by_type() {
        let cfg = Config::default();
        let t = |k: &str| builtin(Kind::Person, k);
        assert_eq!(
            parse_input(&cfg, t("phone").as_ref(), "phone", "+44 20").unwrap(),
            Value::str("+44 20")
        );
        assert_eq!(
            parse_input(&cfg, t("lifecycle").as_ref(), "lifecycle", "MQL").unwrap(),
            Value::str("mql")
        );
        assert!(parse_input(&cfg, t("lifecycle").as_ref(), "lifecycle", "nope").is_err());
        assert!(parse_input(&cfg, t("email").as_ref(), "email", "nope").is_err());
        assert_eq!(
            parse_input(&cfg, t("tags").as_ref(), "tags", "[a, b]").unwrap(),
            Value::List(vec![Value::str("a"), Value::str("b")].into())
        );
        let deal = builtin(Kind::Deal, "amount");
        assert_eq!(
            parse_input(&cfg, deal.as_ref(), "amount", "15000").unwrap(),
            Value::Int(15000)
        );
        assert_eq!(
            parse_input(&cfg, deal.as_ref(), "amount", "15000.5").unwrap(),
            Value::Float(15000.5)
        );
        assert_eq!(
            parse_input(&cfg, None, "seats", "40").unwrap(),
            Value::Int(40)
        );
        assert_eq!(
            parse_input(&cfg, None, "nick", "null").unwrap(),
            Value::str("null")
        );
    }
}
