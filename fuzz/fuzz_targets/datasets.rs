//! Any bytes as fetched dataset files: gzip inflation (bounded), IDX parsing and the
//! images/labels pairing fail with a message, never panic or allocate without bound.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mlpad::data::dataset::Split;
use mlpad::data::idx::{gunzip_if_needed, parse_idx};

fuzz_target!(|data: &[u8]| {
    // The first byte splits the input into an images file and a labels file.
    let Some((&cut, rest)) = data.split_first() else { return };
    let at = (cut as usize * rest.len()) / 255;
    let (images, labels) = rest.split_at(at.min(rest.len()));
    let (Ok(images), Ok(labels)) = (gunzip_if_needed(images), gunzip_if_needed(labels)) else { return };
    let (Ok(images), Ok(labels)) = (parse_idx(&images), parse_idx(&labels)) else { return };
    if let Ok(split) = Split::from_idx(images, labels, 10) {
        assert!(split.len() == 0 || split.image(split.len() - 1).len() == split.rows() * split.cols());
    }
});
