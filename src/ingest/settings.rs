//! `ingest:` in kith.yaml: whether whole bodies are kept, whether unknown senders become
//! contacts, what happens to mail of do-not-contact people, and the website forms.

use crate::record::config::Config;
use anyhow::Result;
use indexmap::IndexMap;
use serde::Deserialize;

/// How `kith ingest` behaves, from kith.yaml's `ingest:` (all optional).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// Keep a message's whole text below its entry (`bodies: true`), not just a snippet.
    pub bodies: bool,
    /// Unknown external senders become contacts (`create: true`, or `--create`).
    pub create: bool,
    /// Log new mail of do-not-contact people too (`dnc: log`; the default is `skip`).
    pub dnc_log: bool,
    /// Senders whose messages are website form submissions.
    pub forms: Vec<Form>,
}

/// A form service that e-mails submissions: its sender and which label holds which field.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    /// The sender's address, normalized as the duplicate check normalizes addresses.
    pub from: String,
    /// Record field (or `message`) → the label the form gives it (`name: "Name"`), in order.
    pub fields: Vec<(String, String)>,
}

impl Form {
    /// The label of `field`, if the form has it.
    pub fn label(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, l)| l.as_str())
    }
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct Raw {
    bodies: bool,
    create: bool,
    dnc: Option<String>,
    forms: Vec<RawForm>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawForm {
    from: String,
    fields: IndexMap<String, String>,
}

impl Settings {
    /// Reads `ingest:` from the workspace's settings; an error says what to write instead.
    pub fn of(cfg: &Config) -> Result<Settings> {
        let Some(value) = &cfg.ingest else {
            return Ok(Settings::default());
        };
        if value.is_null() {
            return Ok(Settings::default());
        }
        let raw: Raw = serde_yaml_ng::from_value(value.clone()).map_err(|e| {
            crate::util::hint::hint(
                format!("kith.yaml: `ingest:` cannot be read: {e}"),
                "it takes `bodies: true|false`, \
                 `create: true|false`, `dnc: skip|log` and `forms: [{from: ADDRESS, fields: {name: \
                 LABEL, email: LABEL, company: LABEL, message: LABEL}}]`",
            )
        })?;
        let dnc_log = match raw.dnc.as_deref().map(str::trim) {
            None | Some("skip") => false,
            Some("log") => true,
            Some(other) => {
                return Err(crate::util::hint::hint(
                    format!("kith.yaml: `ingest.dnc: {other}` is not `skip` or `log`"),
                    "`skip` (the \
                 default) leaves do-not-contact people's new mail out; `log` logs it",
                ));
            }
        };
        let mut forms = Vec::new();
        for f in raw.forms {
            let Some(from) = crate::record::normalize::email(&f.from) else {
                return Err(crate::util::hint::hint(
                    format!(
                        "kith.yaml: `ingest.forms`: `{}` is not an e-mail address",
                        f.from
                    ),
                    "write the \
                     address the form service sends submissions from",
                ));
            };
            if !f.fields.contains_key("email") {
                return Err(crate::util::hint::hint(
                    format!("kith.yaml: `ingest.forms` for {from} has no `email:` field"),
                    "name the \
                     label of the form's e-mail field, e.g. `fields: {email: \"Email\"}`: a lead \
                     needs an address",
                ));
            }
            forms.push(Form {
                from,
                fields: f
                    .fields
                    .into_iter()
                    .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_string()))
                    .collect(),
            });
        }
        Ok(Settings {
            bodies: raw.bodies,
            create: raw.create,
            dnc_log,
            forms,
        })
    }

    /// The form whose submissions come from `address` (normalized).
    pub fn form(&self, address: &str) -> Option<&Form> {
        self.forms.iter().find(|f| f.from == address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(yaml: &str) -> Result<Settings> {
        let (cfg, _) = Config::parse(yaml);
        Settings::of(&cfg)
    }

    #[test]
    fn reads_every_key_and_defaults() {
        assert_eq!(settings("name: x\n").unwrap(), Settings::default());
        let s = settings(
            "ingest:\n  bodies: true\n  dnc: log\n  forms:\n    - from: Forms@Formspree.example\n      \
             fields: {name: Name, email: E-mail}\n",
        )
        .unwrap();
        assert!(s.bodies && s.dnc_log && !s.create);
        let form = s.form("forms@formspree.example").unwrap();
        assert_eq!(form.label("email"), Some("E-mail"));
    }

    #[test]
    fn explains_mistakes() {
        let e = settings("ingest:\n  dnc: maybe\n").unwrap_err().to_string();
        assert!(e.contains("`skip` or `log`"), "{e}");
        let e = settings("ingest:\n  bodys: true\n").unwrap_err();
        assert!(e.to_string().contains("bodys"), "{e}");
        let help = crate::util::hint::help_of(&e).unwrap_or_default();
        assert!(help.contains("it takes `bodies: true|false`"), "{help}");
        let e = settings("ingest:\n  forms: [{from: f@x.example, fields: {name: N}}]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no `email:`"), "{e}");
    }
}
