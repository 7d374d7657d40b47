//! Field values of records: the data model of YAML frontmatter, independent of its text.

use compact_str::CompactString;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::fmt;

/// A frontmatter value as YAML 1.2's core schema reads it (what serde_yaml_ng produces).
/// Dates are strings here; fields declared as dates are interpreted by the schema.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(CompactString),
    // Boxed slices, not vectors: values are never grown in place, and a `Vec` would make
    // every value 32 bytes instead of 24 (13 MB more for 100,000 records).
    List(Box<[Value]>),
    Map(Box<[(CompactString, Value)]>),
}

const _: () = assert!(std::mem::size_of::<Value>() == 24);

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(CompactString::from(s))
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The items of a list; a single scalar counts as a one-item list, null as empty.
    pub fn items(&self) -> &[Value] {
        match self {
            Value::List(items) => items,
            Value::Null => &[],
            other => std::slice::from_ref(other),
        }
    }

    /// Plain text of a scalar (numbers and booleans as YAML writes them); lists joined by ", ".
    pub fn to_text(&self) -> String {
        self.to_string()
    }

    /// Converts what serde_yaml_ng parsed. Non-string keys become their text; tags are dropped.
    pub fn from_yaml(v: serde_yaml_ng::Value) -> Value {
        use serde_yaml_ng::Value as Y;
        match v {
            Y::Null => Value::Null,
            Y::Bool(b) => Value::Bool(b),
            Y::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Value::Int(i)
                } else {
                    Value::Float(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Y::String(s) => Value::Str(s.into()),
            Y::Sequence(items) => Value::List(items.into_iter().map(Value::from_yaml).collect()),
            Y::Mapping(map) => Value::Map(
                map.into_iter()
                    .map(|(k, v)| (key_text(k), Value::from_yaml(v)))
                    .collect(),
            ),
            Y::Tagged(tagged) => Value::from_yaml(tagged.value),
        }
    }

    /// Number of nodes, to bound what an alias-heavy document expands to.
    pub fn node_count(&self) -> usize {
        match self {
            Value::List(items) => 1 + items.iter().map(Value::node_count).sum::<usize>(),
            Value::Map(entries) => 1 + entries.iter().map(|(_, v)| v.node_count()).sum::<usize>(),
            _ => 1,
        }
    }
}

/// The text of a mapping key of any type.
pub fn key_text(k: serde_yaml_ng::Value) -> CompactString {
    use serde_yaml_ng::Value as Y;
    match k {
        Y::String(s) => s.into(),
        Y::Null => "null".into(),
        Y::Bool(b) => if b { "true" } else { "false" }.into(),
        Y::Number(n) => n.to_string().into(),
        other => serde_yaml_ng::to_string(&other)
            .unwrap_or_default()
            .trim()
            .into(),
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => Ok(()),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => fmt_float(*x, f),
            Value::Str(s) => f.write_str(s),
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                Ok(())
            }
            Value::Map(entries) => {
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                Ok(())
            }
        }
    }
}

fn fmt_float(x: f64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if x.is_nan() {
        f.write_str(".nan")
    } else if x.is_infinite() {
        f.write_str(if x > 0.0 { ".inf" } else { "-.inf" })
    } else if x.fract() == 0.0 && x.abs() < 1e15 {
        write!(f, "{x:.1}")
    } else {
        write!(f, "{x}")
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Float(x) if x.is_finite() => s.serialize_f64(*x),
            Value::Float(x) => s.serialize_str(&Value::Float(*x).to_string()),
            Value::Str(t) => s.serialize_str(t),
            Value::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Map(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k.as_str(), v)?;
                }
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_from_serde_yaml() {
        let y: serde_yaml_ng::Value =
            serde_yaml_ng::from_str("a: 1\nb: [x, 2.5, true]\nc: {d: ~}\n1: k").unwrap();
        let v = Value::from_yaml(y);
        let Value::Map(entries) = v else { panic!() };
        assert_eq!(entries[0], ("a".into(), Value::Int(1)));
        assert_eq!(
            entries[1].1,
            Value::List(vec![Value::str("x"), Value::Float(2.5), Value::Bool(true)].into())
        );
        assert_eq!(
            entries[2].1,
            Value::Map(vec![("d".into(), Value::Null)].into())
        );
        assert_eq!(entries[3].0, "1");
    }

    #[test]
    fn displays_floats_like_yaml() {
        assert_eq!(Value::Float(12000.0).to_string(), "12000.0");
        assert_eq!(Value::Float(0.5).to_string(), "0.5");
        assert_eq!(
            Value::List(vec![Value::str("a"), Value::Int(2)].into()).to_string(),
            "a, 2"
        );
    }
}
