//! `cargo xtask pretrain`: trains every pretrained base the labs use, through the native
//! core from one link each, and writes `www/data/pretrained/<name>.safetensors` and its
//! `manifest.json` (size, SHA-256, the link, the run's test accuracy). The core is
//! deterministic, so running it again writes the same bytes.

use crate::{build, root};
use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::process::Command;

/// One base: manifest name, title, dataset and the link that trains it.
struct Base {
    name: &'static str,
    title: &'static str,
    dataset: &'static str,
    link: &'static str,
}

/// The CNN lab's network trained on all ten classes of each bundled dataset (the GAN lab
/// scores its samples with them; the transfer lab's Fashion-MNIST task starts from the
/// MNIST one), and on digits 0–4 only (the transfer lab's base for the digits 5–9 and
/// 5 vs 8 tasks, which it has never seen).
const BASES: &[Base] = &[
    Base {
        name: "cnn_digits_0_4",
        title: "CNN trained on MNIST digits 0–4",
        dataset: "mnist",
        link: "#lab=cnn&seed=1&dataset=mnist&epochs=3&batch_size=32&learning_rate=0.001&train_size=12000&classes=0,1,2,3,4",
    },
    Base {
        name: "cnn_mnist",
        title: "CNN trained on MNIST (all ten digits)",
        dataset: "mnist",
        link: "#lab=cnn&seed=1&dataset=mnist&epochs=6&batch_size=32&learning_rate=0.001&train_size=12000",
    },
    Base {
        name: "cnn_fashion_mnist",
        title: "CNN trained on Fashion-MNIST (all ten classes)",
        dataset: "fashion_mnist",
        link: "#lab=cnn&seed=1&dataset=fashion_mnist&epochs=6&batch_size=32&learning_rate=0.001&train_size=12000",
    },
];

/// `cargo xtask pretrain`.
pub fn run() -> Result<()> {
    let cli = build::cli()?;
    let dir = root().join("www/data/pretrained");
    std::fs::create_dir_all(&dir)?;
    let mut entries = Vec::new();
    for base in BASES {
        println!("xtask pretrain: {} ({})", base.name, base.link);
        let file = format!("{}.safetensors", base.name);
        let path = dir.join(&file);
        let out = Command::new(&cli)
            .args(["run", base.link, "--weights-out"])
            .arg(&path)
            .output()
            .context("running mlpad")?;
        if !out.status.success() {
            bail!("{}: {}", base.name, String::from_utf8_lossy(&out.stderr));
        }
        let stdout = String::from_utf8(out.stdout)?;
        let summary: serde_json::Value =
            serde_json::from_str(stdout.lines().last().context("no summary line")?)?;
        let bytes = std::fs::read(&path)?;
        let sha: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let accuracy = summary["metrics"]["test_accuracy"]
            .as_f64()
            .context("no test accuracy")?;
        println!(
            "  test accuracy {accuracy}, {} bytes, sha256 {sha}",
            bytes.len()
        );
        entries.push(format!(
            "    {}: {{\n      \"title\": {},\n      \"file\": {},\n      \"bytes\": {},\n      \"sha256\": \"{sha}\",\n      \"link\": {},\n      \"dataset\": \"{}\",\n      \"test_accuracy\": {accuracy},\n      \"param_count\": {}\n    }}",
            serde_json::to_string(base.name)?,
            serde_json::to_string(base.title)?,
            serde_json::to_string(&file)?,
            bytes.len(),
            serde_json::to_string(summary["link"].as_str().context("no link")?)?,
            base.dataset,
            summary["param_count"]
        ));
    }
    let manifest = format!(
        "{{\n  \"version\": 1,\n  \"models\": {{\n{}\n  }}\n}}\n",
        entries.join(",\n")
    );
    serde_json::from_str::<serde_json::Value>(&manifest).context("manifest is not JSON")?;
    std::fs::write(dir.join("manifest.json"), manifest)?;
    println!(
        "xtask pretrain: wrote {}",
        dir.join("manifest.json").display()
    );
    Ok(())
}
