//! Pretrained weights shipped with the page in `www/data/pretrained/`, described by its
//! `manifest.json` (written by `cargo xtask pretrain`, compiled in): each file's size and
//! SHA-256, and the lab link that trained it, so anyone can make it again.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The manifest as shipped in `www/data/pretrained/manifest.json`.
pub const MANIFEST_JSON: &str = include_str!("../../www/data/pretrained/manifest.json");

/// One set of pretrained weights.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PretrainedAsset {
    /// Display name.
    pub title: String,
    /// File name under `www/data/pretrained/` (safetensors).
    pub file: String,
    /// Length of the file.
    pub bytes: usize,
    /// SHA-256 (hex) of the file.
    pub sha256: String,
    /// The lab link whose run produced the weights (`mlpad run` replays it).
    pub link: String,
    /// The dataset it learnt.
    pub dataset: String,
    /// Test accuracy of that run.
    pub test_accuracy: f64,
    /// Parameters in the file.
    pub param_count: usize,
}

/// The whole manifest.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PretrainedManifest {
    /// Format version.
    pub version: u32,
    /// Weights by name.
    pub models: BTreeMap<String, PretrainedAsset>,
}

/// The compiled-in manifest.
pub fn manifest() -> &'static PretrainedManifest {
    static M: OnceLock<PretrainedManifest> = OnceLock::new();
    M.get_or_init(|| {
        serde_json::from_str(MANIFEST_JSON).expect("www/data/pretrained/manifest.json is valid")
    })
}

/// The weights named `name`, or an error listing the known names.
pub fn asset(name: &str) -> Result<&'static PretrainedAsset, String> {
    manifest().models.get(name).ok_or_else(|| {
        let known: Vec<&str> = manifest().models.keys().map(|k| k.as_str()).collect();
        format!(
            "unknown pretrained weights '{name}'; known: {}",
            known.join(", ")
        )
    })
}

/// Checks fetched bytes against the manifest: a truncated, altered or other file is an
/// error that says which.
pub fn check(name: &str, bytes: &[u8]) -> Result<(), String> {
    let a = asset(name)?;
    if bytes.len() != a.bytes {
        return Err(format!(
            "{}: expected {} bytes, got {} (truncated or another file)",
            a.file,
            a.bytes,
            bytes.len()
        ));
    }
    let sha = crate::nn::model::hex(&Sha256::digest(bytes));
    if sha != a.sha256 {
        return Err(format!(
            "{}: checksum mismatch: the file is corrupt or not the published weights",
            a.file
        ));
    }
    Ok(())
}

/// Reads the shipped file of `name` from `dir` (the native CLI and tests).
pub fn load_dir(name: &str, dir: &std::path::Path) -> Result<Vec<u8>, String> {
    let a = asset(name)?;
    let path = dir.join("pretrained").join(&a.file);
    std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
}
