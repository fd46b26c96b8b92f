//! In-memory image datasets (28×28 grayscale, labels 0..classes), decoded from the
//! bundled assets with every size and checksum checked.

use super::assets::{dataset_assets, AssetFile};
use super::idx::{gunzip_if_needed, parse_idx};
use ndarray::{Array1, Array2, Array3};
use sha2::{Digest, Sha256};

/// Images and labels of one split.
#[derive(Clone, Debug)]
pub struct Split {
    /// `len × rows × cols` bytes, 0 = background.
    pub images: Array3<u8>,
    /// One label per image.
    pub labels: Array1<u8>,
}

impl Split {
    /// A split from `len × rows × cols` image bytes and one label per image.
    pub fn new(images: Array3<u8>, labels: Array1<u8>) -> Result<Split, String> {
        if images.dim().0 != labels.len() {
            return Err(format!(
                "{} labels for {} images",
                labels.len(),
                images.dim().0
            ));
        }
        // Kernels read images as contiguous rows.
        let images = images.as_standard_layout().into_owned();
        Ok(Split { images, labels })
    }
    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }
    /// True when the split holds no image.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
    /// Image height.
    pub fn rows(&self) -> usize {
        self.images.dim().1
    }
    /// Image width.
    pub fn cols(&self) -> usize {
        self.images.dim().2
    }
    /// Pixels of image `i`, row after row.
    pub fn image(&self, i: usize) -> &[u8] {
        let n = self.rows() * self.cols();
        let all = self
            .images
            .as_slice()
            .expect("standard layout (see Split::new)");
        &all[i * n..(i + 1) * n]
    }
    /// The images `idx` as feature rows: `idx.len() × (rows·cols)` pixels scaled to [0, 1]
    /// as float32 (`x / 255`, what Keras and scikit-learn examples feed their models).
    pub fn features(&self, idx: &[usize]) -> Array2<f32> {
        let d = self.rows() * self.cols();
        let mut x = Vec::with_capacity(idx.len() * d);
        for &i in idx {
            x.extend(self.image(i).iter().map(|&p| p as f32 / 255.0));
        }
        Array2::from_shape_vec((idx.len(), d), x).expect("d values per row")
    }
    /// The labels of images `idx` as scikit-learn's integer targets.
    pub fn targets(&self, idx: &[usize]) -> Array1<i64> {
        idx.iter().map(|&i| i64::from(self.labels[i])).collect()
    }
    /// Builds a split from decoded IDX images and labels, checking they agree.
    pub fn from_idx(
        images: super::idx::Idx,
        labels: super::idx::Idx,
        classes: usize,
    ) -> Result<Split, String> {
        let &[n, rows, cols] = images.dims.as_slice() else {
            return Err(format!(
                "images must have 3 dimensions, got {:?}",
                images.dims
            ));
        };
        if labels.dims.len() != 1 || labels.dims[0] != n {
            return Err(format!(
                "{} labels for {n} images",
                labels.dims.first().copied().unwrap_or(0),
            ));
        }
        if let Some(bad) = labels.data.iter().find(|&&l| l as usize >= classes) {
            return Err(format!("label {bad} is out of range for {classes} classes"));
        }
        let images = Array3::from_shape_vec((n, rows, cols), images.data)
            .map_err(|e| format!("images: {e}"))?;
        Split::new(images, Array1::from(labels.data))
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
}

/// The bundled `www/data/` directory of this checkout (for native use).
pub fn bundled_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("www")
        .join("data")
}
