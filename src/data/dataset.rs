//! In-memory image datasets (28×28 grayscale, labels 0..classes), decoded from the
//! bundled assets with every size and checksum checked.

use super::assets::{dataset_assets, AssetFile};
use super::idx::{gunzip_if_needed, parse_idx};
use sha2::{Digest, Sha256};

/// Images and labels of one split.
#[derive(Clone, Debug, Default)]
pub struct Split {
    /// `len × rows × cols` bytes, 0 = background.
    pub images: Vec<u8>,
    /// One label per image.
    pub labels: Vec<u8>,
    /// Image height.
    pub rows: usize,
    /// Image width.
    pub cols: usize,
}

impl Split {
    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }
    /// True when the split holds no image.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
    /// Pixels of image `i`.
    pub fn image(&self, i: usize) -> &[u8] {
        let n = self.rows * self.cols;
        &self.images[i * n..(i + 1) * n]
    }
    /// Builds a split from decoded IDX images and labels, checking they agree.
    pub fn from_idx(
        images: super::idx::Idx,
        labels: super::idx::Idx,
        classes: usize,
    ) -> Result<Split, String> {
        if images.dims.len() != 3 {
            return Err(format!(
                "images must have 3 dimensions, got {:?}",
                images.dims
            ));
        }
        if labels.dims.len() != 1 || labels.dims[0] != images.dims[0] {
            return Err(format!(
                "{} labels for {} images",
                labels.dims.first().copied().unwrap_or(0),
                images.dims[0]
            ));
        }
        if let Some(bad) = labels.data.iter().find(|&&l| l as usize >= classes) {
            return Err(format!("label {bad} is out of range for {classes} classes"));
        }
        Ok(Split {
            rows: images.dims[1],
            cols: images.dims[2],
            images: images.data,
            labels: labels.data,
        })
    }
    /// The first `n` images (or all of them).
    pub fn truncate(&mut self, n: usize) {
        let n = n.min(self.len());
        self.labels.truncate(n);
        self.images.truncate(n * self.rows * self.cols);
    }
}

/// A dataset with its train and test splits.
#[derive(Clone, Debug)]
pub struct Dataset {
    /// Manifest name (`mnist`, `fashion_mnist`).
    pub name: String,
    /// Class names.
    pub classes: Vec<String>,
    /// Training split.
    pub train: Split,
    /// Test split.
    pub test: Split,
}

/// Checks one asset (gzip or raw IDX) against its manifest entry and decodes it.
fn decode_asset(entry: &AssetFile, bytes: &[u8]) -> Result<super::idx::Idx, String> {
    let ctx = |e: String| format!("{}: {e}", entry.file);
    let raw = gunzip_if_needed(bytes).map_err(ctx)?;
    if raw.len() != entry.bytes {
        return Err(ctx(format!(
            "expected {} bytes after decompression, got {} (truncated or wrong file)",
            entry.bytes,
            raw.len()
        )));
    }
    let sha = super::super::nn::model::hex(&Sha256::digest(&raw));
    if sha != entry.sha256 {
        return Err(ctx(
            "checksum mismatch: the file is corrupt or not the bundled version".to_string(),
        ));
    }
    parse_idx(&raw).map_err(ctx)
}

impl Dataset {
    /// Decodes the four bundled files of dataset `name` (gzip or raw IDX bytes, as fetched).
    pub fn decode(
        name: &str,
        train_images: &[u8],
        train_labels: &[u8],
        test_images: &[u8],
        test_labels: &[u8],
    ) -> Result<Dataset, String> {
        let a = dataset_assets(name)?;
        let classes = a.classes.len();
        let train = Split::from_idx(
            decode_asset(&a.train_images, train_images)?,
            decode_asset(&a.train_labels, train_labels)?,
            classes,
        )?;
        let test = Split::from_idx(
            decode_asset(&a.test_images, test_images)?,
            decode_asset(&a.test_labels, test_labels)?,
            classes,
        )?;
        Ok(Dataset {
            name: name.to_string(),
            classes: a.classes.clone(),
            train,
            test,
        })
    }

    /// Reads the bundled files of `name` from a directory (the native CLI and tests).
    pub fn load_dir(name: &str, dir: &std::path::Path) -> Result<Dataset, String> {
        let a = dataset_assets(name)?;
        let read = |f: &AssetFile| {
            std::fs::read(dir.join(&f.file))
                .map_err(|e| format!("{}: {e}", dir.join(&f.file).display()))
        };
        Dataset::decode(
            name,
            &read(&a.train_images)?,
            &read(&a.train_labels)?,
            &read(&a.test_images)?,
            &read(&a.test_labels)?,
        )
    }

    /// Image `i` of a split as 28×28 RGBA (white digit on black, as MNIST stores it).
    pub fn image_rgba(&self, test: bool, i: usize) -> Option<Vec<u8>> {
        let split = if test { &self.test } else { &self.train };
        if i >= split.len() {
            return None;
        }
        Some(
            split
                .image(i)
                .iter()
                .flat_map(|&v| [v, v, v, 255])
                .collect(),
        )
    }
}

/// The bundled `www/data/` directory of this checkout (for native use).
pub fn bundled_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("www")
        .join("data")
}
