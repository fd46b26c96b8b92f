//! Helpers shared by the integration tests (`mod common;` in each test file).

// Each test file uses its own subset of these helpers.
#![allow(dead_code)]

use mlpad::data::dataset::bundled_dir;
use mlpad::data::Dataset;
use mlpad::labs::{Assets, Budget, Lab, Progress, REGISTRY};
use mlpad::schema::{Config, FromConfig};
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::rc::Rc;

/// A file of this checkout, from a path relative to the crate root.
pub fn repo_path(relative: &str) -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// A JSON file of this checkout.
pub fn json_file(relative: &str) -> Value {
    let text = std::fs::read_to_string(repo_path(relative)).expect("file exists");
    serde_json::from_str(&text).expect("JSON")
}

/// `mlpad <args>`, run to its end.
pub fn mlpad(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mlpad"))
        .args(args)
        .output()
        .expect("runs")
}

/// Every stdout line of a CLI run, parsed as JSON.
pub fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .expect("UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

/// All JSON lines of a successful `mlpad run '<link>'`; fails the test with the CLI's
/// stderr otherwise.
pub fn run_cli(link: &str) -> Vec<Value> {
    let out = mlpad(&["run", link]);
    assert!(
        out.status.success(),
        "{link}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_lines(&out)
}

/// A bundled dataset, decoded.
pub fn dataset(name: &str) -> Rc<Dataset> {
    Rc::new(Dataset::load_dir(name, &bundled_dir()).expect("bundled data decodes"))
}

/// The checked config of a valid link.
pub fn config(link: &str) -> Config {
    REGISTRY.parse_strict(link).expect("valid link").config
}

/// Exactly the datasets and pretrained weights a run of `config` says it needs (so a lab
/// that reads another fails to start).
pub fn datasets_for(config: &Config) -> Assets {
    let mut data = Assets::new();
    let kind = REGISTRY.kind(config);
    for name in kind.datasets(config) {
        data.insert(dataset(name));
    }
    for name in kind.pretrained(config) {
        let bytes = mlpad::data::pretrained::load_dir(name, &bundled_dir()).expect("shipped");
        data.insert_weights(name, bytes).expect("checked");
    }
    data
}

/// Every bundled dataset and every shipped pretrained base (checked against the manifest).
pub fn every_asset() -> Assets {
    let mut data = Assets::new();
    for name in ["mnist", "fashion_mnist"] {
        data.insert(dataset(name));
    }
    for name in mlpad::data::pretrained::manifest().models.keys() {
        let bytes = mlpad::data::pretrained::load_dir(name, &bundled_dir()).expect("shipped");
        data.insert_weights(name, bytes).expect("checked");
    }
    data
}

/// Builds lab `L` from a link, with the datasets it asks for.
pub fn start<L: Lab>(link: &str) -> L {
    let config = config(link);
    L::new(L::Config::from_config(&config), &datasets_for(&config)).expect("lab builds")
}

/// Runs lab `L` from a link to the end, `units` at a time: the lab and every step's report.
pub fn run_typed<L: Lab>(link: &str, units: usize) -> (L, Vec<Progress<L::Payload>>) {
    let mut lab = start::<L>(link);
    let mut steps = Vec::new();
    loop {
        let p = lab.step(&mut Budget::units(units));
        let done = p.done;
        steps.push(p);
        if done {
            return (lab, steps);
        }
    }
}
