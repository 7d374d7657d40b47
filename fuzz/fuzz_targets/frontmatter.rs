//! The frontmatter scanner's fast path against serde_yaml_ng: whenever the scanner reads a
//! frontmatter itself, it must read the same values as the full parser, and never accept
//! what the full parser rejects.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Err(e) = kith::record::yaml::agreement(text)
    {
        panic!("{e}");
    }
});
