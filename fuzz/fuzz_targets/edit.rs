//! The loss-free editor: random edits on random texts never panic, and on a text it accepts,
//! setting a field leaves the other fields and the body as they were.
#![no_main]
use kith::edit::{self, Change};
use kith::record::value::Value;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, u8, &str)| {
    let (text, op, value) = input;
    let keys = ["name", "email", "tags", "lifecycle", "notes", "x y"];
    let key = keys[(op % keys.len() as u8) as usize];
    let change = match op / keys.len() as u8 % 5 {
        0 => Change::Set(key.into(), Value::str(value)),
        1 => Change::Unset(key.into()),
        2 => Change::ListAdd(key.into(), value.into()),
        3 => Change::ListRemove(key.into(), value.into()),
        _ => Change::AddNotes(value.into()),
    };
    let Ok(after) = edit::apply(text, std::slice::from_ref(&change), |_| None) else {
        return;
    };
    if let Change::Set(k, _) = &change {
        let fields = |t: &str| {
            let split = kith::record::frontmatter::split(t).ok()?;
            let fm = kith::record::yaml::parse(split.frontmatter(t));
            fm.error.is_none().then(|| {
                (
                    fm.fields
                        .into_iter()
                        .filter(|(f, _)| f != k)
                        .collect::<Vec<_>>(),
                    split.body(t).to_string(),
                )
            })
        };
        if let (Some(before), Some(after)) = (fields(text), fields(&after)) {
            // Compared as written out: a `.nan` value is not equal to itself.
            assert_eq!(
                format!("{before:?}"),
                format!("{after:?}"),
                "setting {k} changed something else"
            );
        }
    }
});
