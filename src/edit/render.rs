//! Values as the editor writes them into frontmatter: scalars quoted only where YAML needs it,
//! lists in the style the file already uses (`[a, b]` or one `- item` per line), maps and
//! multi-line text as blocks.

use crate::record::activity;
use crate::record::schema::FieldType;
use crate::record::value::Value;
use crate::record::yaml::{Style, scalar};

/// The lines a new top-level key is written as, each ending with `nl`: `key: value`, or a
/// block for nested maps and multi-line text.
pub fn key_lines(key: &str, value: &Value, ty: Option<&FieldType>, nl: &str) -> String {
    let key_text = if scalar::plain_safe(key) && !key.contains(':') {
        key.to_string()
    } else {
        scalar::double_quoted(key)
    };
    let written = match value {
        Value::List(items) if has_maps(items) => {
            return format!("{key_text}:{}{nl}", block_maps(items, nl));
        }
        Value::List(_) => FlowStyle::default().render(value.items()),
        Value::Map(_) => render_map(value),
        Value::Str(s) if s.contains('\n') => {
            let block =
                block_literal(s, nl).unwrap_or_else(|| format!(" {}", scalar::double_quoted(s)));
            return format!("{key_text}:{block}{nl}");
        }
        _ => render_scalar(value, ty, None),
    };
    format!("{key_text}: {written}{nl}")
}

/// How a flow list is spaced: `[a, b]`, `[a,b]` or `[ a, b ]`.
#[derive(Debug, Clone, Copy)]
pub(super) struct FlowStyle {
    pub(super) sep: &'static str,
    pad: &'static str,
}

impl Default for FlowStyle {
    fn default() -> FlowStyle {
        FlowStyle { sep: ", ", pad: "" }
    }
}

impl FlowStyle {
    pub(super) fn of(written: &str) -> FlowStyle {
        let inner = written.trim_start_matches('[').trim_end_matches(']');
        let sep = if inner.contains(',') && !inner.contains(", ") {
            ","
        } else {
            ", "
        };
        let pad = if inner.starts_with(' ') && !inner.trim().is_empty() {
            " "
        } else {
            ""
        };
        FlowStyle { sep, pad }
    }

    pub(super) fn render(self, items: &[Value]) -> String {
        if items.is_empty() {
            return "[]".into();
        }
        let parts: Vec<String> = items.iter().map(render_item).collect();
        format!("[{}{}{}]", self.pad, parts.join(self.sep), self.pad)
    }
}

pub(super) fn render_item(v: &Value) -> String {
    match v {
        Value::Str(s) => scalar::flow_item(s),
        other => render_scalar(other, None, None),
    }
}

pub(super) fn has_maps(items: &[Value]) -> bool {
    items.iter().any(|i| matches!(i, Value::Map(_)))
}

/// A list of mappings in block style (as the `conflicts:` block is written), starting with the
/// line break after `key:`:
/// ```text
///   - field: phone
///     ours: "+44 1"
/// ```
pub(super) fn block_maps(items: &[Value], nl: &str) -> String {
    let mut out = String::new();
    for item in items {
        match item {
            Value::Map(entries) => {
                for (i, (k, v)) in entries.iter().enumerate() {
                    out.push_str(nl);
                    out.push_str(if i == 0 { "  - " } else { "    " });
                    out.push_str(&scalar::flow_item(k));
                    out.push_str(": ");
                    out.push_str(&render_item(v));
                }
            }
            other => {
                out.push_str(nl);
                out.push_str("  - ");
                out.push_str(&render_item(other));
            }
        }
    }
    out
}

pub(super) fn render_map(v: &Value) -> String {
    let Value::Map(entries) = v else {
        return render_scalar(v, None, None);
    };
    let parts: Vec<String> = entries
        .iter()
        .map(|(k, v)| format!("{}: {}", scalar::flow_item(k), render_item(v)))
        .collect();
    format!("{{{}}}", parts.join(", "))
}

/// Writes a scalar so YAML reads it back as this value of this type, in the old value's quote
/// style when it had one.
pub(super) fn render_scalar(value: &Value, ty: Option<&FieldType>, old: Option<Style>) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(_) => value.to_string(),
        Value::Str(s) => {
            let date_like = ty.is_some_and(FieldType::is_date) && activity::parse_date(s).is_some();
            match old {
                Some(Style::SingleQuoted) => {
                    scalar::single_quoted(s).unwrap_or_else(|| scalar::double_quoted(s))
                }
                Some(Style::DoubleQuoted) => scalar::double_quoted(s),
                _ if date_like => s.to_string(),
                _ => scalar::text_scalar(s),
            }
        }
        Value::List(items) => FlowStyle::default().render(items),
        Value::Map(_) => render_map(value),
    }
}

/// `|` block for multi-line text (with `-` when it has no final newline); `None` when the text
/// cannot be written as a plain literal block (leading spaces, control characters).
pub(super) fn block_literal(s: &str, nl: &str) -> Option<String> {
    if s.starts_with(' ') || s.chars().any(|c| c.is_control() && c != '\n') {
        return None;
    }
    let chomp = if s.ends_with('\n') { "" } else { "-" };
    let mut out = format!(" |{chomp}");
    for line in s.strip_suffix('\n').unwrap_or(s).split('\n') {
        out.push_str(nl);
        if !line.is_empty() {
            out.push_str("  ");
            out.push_str(line);
        }
    }
    Some(out)
}
