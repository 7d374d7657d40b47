//! The three-way record merge: any three texts merge or are refused, never a panic; merging a
//! side with itself gives it back.
#![no_main]
use kith::record::config::Config;
use kith::sync::merge::record::{Side, merge};
use kith::record::Kind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str, &str)| {
    let (base, ours, theirs) = input;
    let side = Side {
        who: "fuzz".into(),
        when: jiff::civil::Date::constant(2026, 11, 25),
    };
    let cfg = Config::default();
    let _ = merge(&cfg, Kind::Person, Some(base), ours, theirs, &side);
    if let Ok(out) = merge(&cfg, Kind::Person, Some(base), ours, ours, &side) {
        assert_eq!(out.text, ours);
    }
});
