//! Any text as the value of any setting of any lab (typed lists included): a value or a
//! bounded message, never a panic; an accepted value prints back to one that parses equal.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mlpad::labs::REGISTRY;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let params: Vec<_> = REGISTRY.specs().iter().flat_map(|s| s.params.iter()).collect();
    let p = params[pick as usize % params.len()];
    let raw = String::from_utf8_lossy(rest);
    match p.parse(&raw) {
        Ok(v) => assert_eq!(p.parse(&v.to_string()), Ok(v)),
        Err(m) => assert!(m.en.chars().count() < 1_000 && m.zh.chars().count() < 1_000),
    }
});
