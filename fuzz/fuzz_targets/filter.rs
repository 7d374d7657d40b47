//! The filter language: any source compiles or gives an error with a column inside it, and a
//! compiled filter evaluates on the example workspace without a panic.
#![no_main]
use kith::record::config::Config;
use kith::analysis::filter::{Env, Filter, Scope};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn index() -> &'static kith::index::Index {
    static INDEX: OnceLock<kith::index::Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let (cfg, _) = Config::parse(kith::demo::example::get("kith.yaml").unwrap_or_default());
        let texts: Vec<(kith::record::Kind, String, String)> = kith::demo::example::FILES
            .iter()
            .copied()
            .filter_map(|(path, text)| {
                let (kind, id) = kith::record::Kind::of_path(path)?;
                Some((kind, id.to_string(), text.to_string()))
            })
            .collect();
        kith::index::Index::from_texts(
            cfg,
            texts.iter().map(|(k, id, t)| (*k, id.as_str(), t.as_str())),
        )
    })
}

fuzz_target!(|src: &str| {
    let index = index();
    let scope = Scope {
        cfg: &index.config,
        scores: false,
        segments: None,
        why_not: "fuzzing",
    };
    match Filter::compile(src, &scope) {
        Ok(f) => {
            let env = Env {
                index,
                cfg: &index.config,
                as_of: jiff::civil::Date::constant(2026, 11, 25),
                computed: None,
            };
            for (slot, r) in index.entries() {
                let _ = f.matches(&env, slot, r);
            }
        }
        Err(e) => {
            assert!(
                e.col <= src.chars().count() + 1,
                "column {} outside {src:?}",
                e.col
            );
            let _ = e.render(src);
        }
    }
});
