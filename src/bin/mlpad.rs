//! `mlpad`: runs a lab natively from the same link the page opens.
//!
//! `mlpad run '<link>'` prints one JSON object per line while it trains and ends with a
//! summary line; `mlpad bench` times the benchmark workloads of `mlpad::bench`.

use mlpad::bench;
use mlpad::data::dataset::bundled_dir;
use mlpad::data::Dataset;
use mlpad::link;
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::Instant;

const USAGE: &str = "usage:
  mlpad run '<link>' [--data DIR]     run a lab from a link (full URL or #hash); JSON lines out
                                      (labs: cnn, gradients, metrics, knn)
  mlpad bench [WORKLOAD|all] [--repeats N] [--data DIR]
                                      time the bench workloads (cnn_train_b32, cnn_infer_b256,
                                      mlp_train_b32, gan_step_b64, knn_predict_2000x8000,
                                      simd_peak); one JSON line each with median/min/max

The link uses the page's keys, e.g. '#lab=cnn&seed=42&epochs=1&batch_size=32&learning_rate=0.001&train_size=12000',
'#lab=metrics&y_true=0,1,1,0,1&y_pred=0,1,0,1,1', '#lab=metrics&model=knn&positive_class=3&threshold=0.5'
or '#lab=knn&n_samples=10000&n_neighbors=3'.
DIR defaults to the bundled www/data of this checkout.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("expected a command\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mlpad: {e}");
            ExitCode::from(2)
        }
    }
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

fn run(args: &[String]) -> Result<(), String> {
    let link_text = args
        .first()
        .filter(|a| !a.starts_with("--"))
        .ok_or(format!("run needs a link\n{USAGE}"))?;
    let parsed = link::parse_strict(link_text)?;
    match parsed.lab {
        "metrics" if parsed.config.choice("model") != "lists" => {
            return run_model_eval(&parsed, args)
        }
        "metrics" => return run_metrics(&parsed),
        "knn" => return run_knn(&parsed, args),
        _ => {}
    }
    let data = load(parsed.config.choice("dataset"), args)?;
    let seed = parsed.config.int("seed");
    let mut lab = mlpad::labs::build(parsed.config.clone(), data)?;
    let started = Instant::now();
    let mut train_seconds = 0.0;
    loop {
        let t = Instant::now();
        let snap = lab.step(50);
        train_seconds += t.elapsed().as_secs_f64();
        let loss = snap.losses.last().copied();
        println!(
            "{}",
            json!({"type": "progress", "step": snap.step, "total_steps": snap.total_steps, "epoch": snap.epoch, "loss": loss,
                   "images_per_second": snap.images_seen as f64 / train_seconds.max(1e-9)})
        );
        if let Some(acc) = snap.test_accuracy {
            println!(
                "{}",
                json!({"type": "epoch", "epoch": snap.epoch, "test_accuracy": acc, "test_loss": snap.test_loss,
                       "train_accuracy": snap.train_accuracy, "train_loss": snap.train_loss,
                       "near_zero": snap.kernel_histogram.as_ref().map(|h| h.near_zero),
                       "shifted_accuracy": snap.shifted_accuracy})
            );
        }
        if let Some(msg) = &snap.diverged {
            return Err(msg.clone());
        }
        if snap.done {
            let test = lab.last_test();
            println!(
                "{}",
                json!({"type": "summary", "lab": parsed.lab, "seed": seed, "link": format!("#{}", parsed.canonical),
                       "test_accuracy": test.map(|e| e.accuracy), "test_loss": test.map(|e| e.loss),
                       "images_per_second": snap.images_seen as f64 / train_seconds.max(1e-9),
                       "seconds": started.elapsed().as_secs_f64(),
                       "param_count": lab.model().param_count(), "weights_sha256": lab.model().weights_sha256()})
            );
            return Ok(());
        }
    }
}

/// The metrics lab: one summary line holding the whole report.
fn run_metrics(parsed: &link::Parsed) -> Result<(), String> {
    let report = mlpad::labs::run_report(&parsed.config)?;
    let mut line =
        json!({"type": "summary", "lab": parsed.lab, "link": format!("#{}", parsed.canonical)});
    if let (Some(out), serde_json::Value::Object(fields)) = (line.as_object_mut(), report) {
        out.extend(fields);
    }
    println!("{line}");
    Ok(())
}

/// The metrics lab evaluating a model (`model=cnn|knn`): progress lines while it trains
/// and predicts, then one summary line with the numbers the page shows (the curves as
/// their point counts) and the measured times: training (building/fitting plus every
/// batch) and prediction per test image.
fn run_model_eval(parsed: &link::Parsed, args: &[String]) -> Result<(), String> {
    use mlpad::labs::evaluate::{ModelEval, Phase};
    let data = load(parsed.config.choice("dataset"), args)?;
    let t = Instant::now();
    let mut eval = ModelEval::new(&parsed.config, data)?;
    let (mut train_seconds, mut predict_seconds) = (t.elapsed().as_secs_f64(), 0.0);
    loop {
        let units = if eval.phase() == Phase::Train {
            50
        } else {
            500
        };
        let t = Instant::now();
        let p = eval.step(units);
        let dt = t.elapsed().as_secs_f64();
        match p.phase {
            Phase::Train => train_seconds += dt,
            Phase::PredictTest => predict_seconds += dt,
            _ => {}
        }
        println!(
            "{}",
            json!({"type": "progress", "phase": p.phase, "done": p.done, "total": p.total,
                   "fraction": p.fraction})
        );
        if let Some(msg) = p.diverged {
            return Err(msg);
        }
        if p.finished {
            break;
        }
    }
    let report = eval
        .report(&parsed.config)?
        .ok_or("the evaluation does not match its own link")?;
    let mut fields = serde_json::to_value(&report).map_err(|e| e.to_string())?;
    let ovr = &mut fields["one_vs_rest"];
    let points = |c: &serde_json::Value, key: &str| c[key].as_array().map_or(0, Vec::len);
    let (roc, pr) = (ovr["roc_curve"].take(), ovr["pr_curve"].take());
    ovr["roc_points"] = json!(points(&roc, "fpr"));
    ovr["pr_points"] = json!(points(&pr, "precision"));
    if let Some(o) = ovr.as_object_mut() {
        o.remove("roc_curve");
        o.remove("pr_curve");
    }
    let mut line =
        json!({"type": "summary", "lab": parsed.lab, "link": format!("#{}", parsed.canonical)});
    if let (Some(out), serde_json::Value::Object(fields)) = (line.as_object_mut(), fields) {
        out.extend(fields);
    }
    line["train_seconds"] = json!(train_seconds);
    line["predict_seconds_per_image"] = json!(predict_seconds / report.n_test.max(1) as f64);
    println!("{line}");
    Ok(())
}

/// The KNN lab: progress lines while predicting, then the report as a summary line.
fn run_knn(parsed: &link::Parsed, args: &[String]) -> Result<(), String> {
    let started = Instant::now();
    let data = load("mnist", args)?;
    let mut run = mlpad::labs::knn::KnnRun::new(&parsed.config, &data)?;
    loop {
        let p = run.step(200);
        println!(
            "{}",
            json!({"type": "progress", "done_rows": p.done_rows, "total_rows": p.total_rows,
                   "seconds": started.elapsed().as_secs_f64()})
        );
        if p.done {
            break;
        }
    }
    let report = run.report().ok_or("knn: prediction did not finish")?;
    let mut line =
        json!({"type": "summary", "lab": parsed.lab, "link": format!("#{}", parsed.canonical)});
    if let (Some(out), Ok(serde_json::Value::Object(fields))) =
        (line.as_object_mut(), serde_json::to_value(report))
    {
        out.extend(fields);
    }
    line["seconds"] = json!(started.elapsed().as_secs_f64());
    println!("{line}");
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
