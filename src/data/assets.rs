//! The bundled web subsets, described by `www/data/manifest.json` (written by
//! `cargo xtask data` and compiled in, so the core knows every file's size and SHA-256).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The manifest as shipped in `www/data/manifest.json`.
pub const MANIFEST_JSON: &str = include_str!("../../www/data/manifest.json");

/// One bundled file.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct AssetFile {
    /// File name under `www/data/`.
    pub file: String,
    /// Number of images or labels.
    pub count: usize,
    /// Length of the uncompressed IDX file.
    pub bytes: usize,
    /// Length of the gzip file.
    pub gz_bytes: usize,
    /// SHA-256 (hex) of the uncompressed IDX file.
    pub sha256: String,
}

/// One bundled dataset.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct DatasetAssets {
    /// Display name.
    pub title: String,
    /// Where the data come from.
    pub source: String,
    /// Licence of the data.
    pub license: String,
    /// Who made the data.
    pub credit: String,
    /// Class names, index = label.
    pub classes: Vec<String>,
    /// Training images.
    pub train_images: AssetFile,
    /// Training labels.
    pub train_labels: AssetFile,
    /// Test images.
    pub test_images: AssetFile,
    /// Test labels.
    pub test_labels: AssetFile,
}

/// The whole manifest.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    /// Format version.
    pub version: u32,
    /// Assets by name (`mnist`, `fashion_mnist`).
    pub datasets: BTreeMap<String, DatasetAssets>,
}

/// The compiled-in manifest.
pub fn manifest() -> &'static Manifest {
    static M: OnceLock<Manifest> = OnceLock::new();
    M.get_or_init(|| serde_json::from_str(MANIFEST_JSON).expect("www/data/manifest.json is valid"))
}

/// The assets of dataset `name`, or an error listing the known names.
pub fn dataset_assets(name: &str) -> Result<&'static DatasetAssets, String> {
    manifest().datasets.get(name).ok_or_else(|| {
        let known: Vec<&str> = manifest().datasets.keys().map(|k| k.as_str()).collect();
        format!("unknown dataset '{name}'; known: {}", known.join(", "))
    })
}
