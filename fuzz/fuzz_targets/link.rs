//! Any text as a link: parsing never panics, messages stay short, and the canonical link
//! it gives is a fixed point (parsing it again gives the same configuration and text).
#![no_main]
use libfuzzer_sys::fuzz_target;
use mlpad::labs::REGISTRY;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let p = REGISTRY.parse(&text);
    assert!(p.errors.len() <= mlpad::link::MAX_ERRORS);
    for e in &p.errors {
        assert!(e.message.chars().count() < 1_000, "{}", e.message.len());
    }
    let again = REGISTRY.parse(&p.canonical);
    assert!(again.errors.is_empty(), "{:?}", again.errors);
    assert_eq!(again.canonical, p.canonical);
    assert_eq!(again.config, p.config);
});
