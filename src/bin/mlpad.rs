//! `mlpad`: runs a lab natively from the same link the page opens.
//!
//! `mlpad run '<link>'` prints one JSON object per line while it trains and ends with a
//! summary line; `mlpad bench` times the benchmark workloads of `mlpad::bench`.

use mlpad::bench;
use mlpad::data::dataset::bundled_dir;
use mlpad::data::{pretrained, Dataset};
use mlpad::labs::{Assets, Budget, Status, REGISTRY, STEP_MILLIS};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::Instant;

const USAGE: &str = "usage:
  mlpad run '<link>' [--data DIR] [--weights-out FILE]
                                      run a lab from a link (full URL or #hash); JSON lines out:
                                      one progress line per step, then a summary line;
                                      --weights-out saves the trained weights (safetensors)
  mlpad code '<link>'                 print the lab's setting as a Python script (Keras 3 or
                                      scikit-learn) that reproduces it
  mlpad bench [WORKLOAD|all] [--repeats N] [--data DIR]
                                      time the bench workloads (cnn_train_b32, cnn_infer_b256,
                                      mlp_train_b32, gan_step_b64, knn_predict_2000x8000,
                                      simd_peak); one JSON line each with median/min/max

The link uses the page's keys, e.g. '#lab=cnn&seed=42&epochs=1&batch_size=32&learning_rate=0.001&train_size=12000',
'#lab=metrics&y_true=0,1,1,0,1&y_pred=0,1,0,1,1', '#lab=evaluate&model=knn&positive_class=3&threshold=0.5'
or '#lab=knn&n_samples=10000&n_neighbors=3'.
DIR defaults to the bundled www/data of this checkout.
Exit status: 0 when the run finished, 1 when it diverged (the summary says where), 2 for a
bad command or link.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("code") => code(&args[1..]).map(|()| ExitCode::SUCCESS),
        Some("bench") => bench(&args[1..]).map(|()| ExitCode::SUCCESS),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => Err(format!("expected a command\n{USAGE}")),
    };
    result.unwrap_or_else(|e| {
        eprintln!("mlpad: {e}");
        ExitCode::from(2)
    })
}

/// The value after `--name`, if present.
fn flag(args: &[String], name: &str) -> Result<Option<String>, String> {
    match args.iter().position(|a| a == name) {
        Some(i) => args
            .get(i + 1)
            .cloned()
            .map(Some)
            .ok_or_else(|| format!("{name} needs a value")),
        None => Ok(None),
    }
}

fn data_dir(args: &[String]) -> Result<PathBuf, String> {
    Ok(flag(args, "--data")?
        .map(PathBuf::from)
        .unwrap_or_else(bundled_dir))
}

fn load(dataset: &str, args: &[String]) -> Result<Rc<Dataset>, String> {
    Dataset::load_dir(dataset, &data_dir(args)?).map(Rc::new)
}

/// Runs any lab with the page's rule (steps of about `STEP_MILLIS`), printing each step's
/// envelope and payload (pictures left out) and then the summary with the time spent in
/// each phase.
fn run(args: &[String]) -> Result<ExitCode, String> {
    let link_text = args
        .first()
        .filter(|a| !a.starts_with("--"))
        .ok_or(format!("run needs a link\n{USAGE}"))?;
    let config = REGISTRY.parse_strict(link_text)?.config;
    let kind = REGISTRY.kind(&config);
    let mut data = Assets::new();
    for name in kind.datasets(&config) {
        data.insert(load(name, args)?);
    }
    for name in kind.pretrained(&config) {
        data.insert_weights(name, pretrained::load_dir(name, &data_dir(args)?)?)?;
    }
    let weights_out = flag(args, "--weights-out")?;
    let started = Instant::now();
    let mut run = kind.start(&config, &data)?;
    let mut phase_seconds =
        BTreeMap::from([("setup".to_string(), started.elapsed().as_secs_f64())]);
    let clock = {
        let origin = Instant::now();
        move || origin.elapsed().as_secs_f64() * 1e3
    };
    let samples = loop {
        let t = Instant::now();
        let mut p = run.step(&mut Budget::millis(STEP_MILLIS, &clock));
        let phase = serde_json::to_value(p.phase).map_err(|e| e.to_string())?;
        *phase_seconds
            .entry(phase.as_str().unwrap_or("?").to_string())
            .or_default() += t.elapsed().as_secs_f64();
        p.pictures.clear();
        let mut line = serde_json::to_value(&p).map_err(|e| e.to_string())?;
        line["type"] = json!("progress");
        println!("{line}");
        if p.done {
            break p.samples;
        }
    };
    let summary = run.summary();
    let seconds = started.elapsed().as_secs_f64();
    let mut line = serde_json::to_value(&summary).map_err(|e| e.to_string())?;
    line["type"] = json!("summary");
    line["seconds"] = json!(seconds);
    line["samples_per_second"] = json!(samples as f64 / seconds.max(1e-9));
    line["phase_seconds"] = json!(phase_seconds);
    println!("{line}");
    if let Some(path) = weights_out {
        let bytes = run
            .weights()
            .ok_or("this lab trains no model, so it has no weights to save")?;
        std::fs::write(&path, bytes).map_err(|e| format!("{path}: {e}"))?;
    }
    match (summary.status, &summary.stopped) {
        (Status::Finished, _) => Ok(ExitCode::SUCCESS),
        (_, Some(stopped)) => {
            eprintln!("mlpad: {}", stopped.message);
            Ok(ExitCode::from(1))
        }
        _ => Ok(ExitCode::from(1)),
    }
}

/// Prints the Python script of a link (`mlpad code '<link>'`).
fn code(args: &[String]) -> Result<(), String> {
    let link_text = args
        .first()
        .filter(|a| !a.starts_with("--"))
        .ok_or(format!("code needs a link\n{USAGE}"))?;
    print!("{}", REGISTRY.python(link_text)?);
    Ok(())
}

/// The median of sorted `v` (the mean of the middle two for an even count, as the browser
/// side of the bench computes it).
fn median(v: &[f64]) -> f64 {
    let m = v.len() / 2;
    if !v.len().is_multiple_of(2) {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

/// Seconds one timed sample should last at least (short steps are batched together).
const SAMPLE_SECONDS: f64 = 0.5;

fn bench(args: &[String]) -> Result<(), String> {
    let which = args
        .first()
        .filter(|a| !a.starts_with("--"))
        .map_or("all", String::as_str);
    let names: Vec<&str> = match which {
        "all" => bench::WORKLOADS.to_vec(),
        one => vec![one],
    };
    let repeats: usize = flag(args, "--repeats")?.map_or(Ok(5), |v| {
        v.parse()
            .map_err(|_| "--repeats needs a number".to_string())
    })?;
    let data = load("mnist", args)?;
    for name in names {
        let mut w = bench::Workload::new(name, &data)?;
        // Warm-up, which also sizes a sample to last about SAMPLE_SECONDS.
        let t = Instant::now();
        w.run(2);
        let per_step = t.elapsed().as_secs_f64() / 2.0;
        let steps = ((SAMPLE_SECONDS / per_step).ceil() as usize).max(1);
        let mut rates: Vec<f64> = (0..repeats.max(1))
            .map(|_| {
                let t = Instant::now();
                let done = w.run(steps);
                done / t.elapsed().as_secs_f64()
            })
            .collect();
        rates.sort_by(|a, b| a.total_cmp(b));
        println!(
            "{}",
            json!({"workload": name, "runtime": "mlpad native", "median": median(&rates),
                   "min": rates[0], "max": rates[rates.len() - 1], "unit": w.unit(),
                   "flops_per_unit": w.flops_per_unit(),
                   "samples": rates.len(), "steps_per_sample": steps})
        );
    }
    Ok(())
}
