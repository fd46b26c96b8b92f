//! The labs and their registry: the one place that lists them. Each lab is one file that
//! implements [`Lab`] (its table, typed config, model and payload); this module erases the
//! types so the page's worker, the CLI and the tests can run any lab from a link.

pub mod augmentation;
pub mod cnn;
pub mod evaluate;
pub mod gan;
pub mod gradients;
pub mod knn;
pub mod metrics;
pub mod params;
pub mod protocol;
pub mod python;
pub mod regularization;
pub mod training;
pub mod transfer;

pub use protocol::{
    Assets, Budget, Lab, Outcome, Phase, Picture, Progress, RunInfo, Status, StopReason, Stopped,
    Summary, STEP_MILLIS,
};

use crate::link::{self, Catalog, Parsed};
use crate::schema::{Config, FromConfig, LabSpec, Text};
use serde::Serialize;
use std::collections::BTreeMap;
use std::marker::PhantomData;

/// Every lab, in navigation order; the first is the default.
pub static REGISTRY: Registry = Registry(&[
    &Of::<training::Training<cnn::Cnn>>(PhantomData),
    &Of::<training::Training<gradients::Gradients>>(PhantomData),
    &Of::<training::Training<regularization::Regularization>>(PhantomData),
    &Of::<training::Training<augmentation::Augmentation>>(PhantomData),
    &Of::<metrics::Metrics>(PhantomData),
    &Of::<evaluate::Evaluate>(PhantomData),
    &Of::<transfer::Transfer>(PhantomData),
    &Of::<knn::Knn>(PhantomData),
    &Of::<gan::GanLab>(PhantomData),
]);

/// The registered labs.
pub struct Registry(&'static [&'static dyn LabKind]);

impl Registry {
    /// The lab with link id `id`.
    pub fn find(&self, id: &str) -> Option<&'static dyn LabKind> {
        self.0.iter().copied().find(|k| k.spec().id == id)
    }

    /// Every lab's table, in navigation order.
    pub fn specs(&self) -> Vec<&'static LabSpec> {
        self.0.iter().map(|k| k.spec()).collect()
    }

    /// Parses a link against every lab's table (never fails; see [`link::parse`]).
    pub fn parse(&self, link_text: &str) -> Parsed {
        link::parse(link_text, self)
    }

    /// Parses a link, failing with every message if any key was rejected.
    pub fn parse_strict(&self, link_text: &str) -> Result<Parsed, String> {
        link::parse_strict(link_text, self)
    }

    /// The lab a checked config belongs to.
    pub fn kind(&self, config: &Config) -> &'static dyn LabKind {
        self.find(config.lab.id)
            .expect("a parsed config names a registered lab")
    }

    /// The Python script of a link ("show as code", see [`Lab::python`]), headed by its
    /// canonical link; an error naming the keys when the link has bad values.
    pub fn python(&self, link_text: &str) -> Result<String, String> {
        let config = self.parse_strict(link_text)?.config;
        Ok(self.kind(&config).python(&config))
    }
}

impl Catalog for Registry {
    fn specs(&self) -> Vec<&'static LabSpec> {
        Registry::specs(self)
    }

    fn migrate(&self, pairs: &mut Vec<(String, String)>) -> Vec<Text> {
        self.0.iter().filter_map(|k| k.migrate(pairs)).collect()
    }
}

/// A lab with its types erased: what the registry can do with it.
pub trait LabKind: Sync {
    /// Its parameter table.
    fn spec(&self) -> &'static LabSpec;
    /// The datasets a run of `config` needs.
    fn datasets(&self, config: &Config) -> Vec<&'static str>;
    /// The pretrained weights a run of `config` needs.
    fn pretrained(&self, config: &Config) -> Vec<&'static str>;
    /// Starts a run of `config` on `data`.
    fn start(&self, config: &Config, data: &Assets) -> Result<Box<dyn Running>, String>;
    /// The lab's preview picture for `config` (see [`Lab::preview`]).
    fn preview(&self, config: &Config, data: &Assets, draw: u32) -> Result<Picture, String>;
    /// Rewrites an old link's pairs (see [`Lab::migrate`]).
    fn migrate(&self, pairs: &mut Vec<(String, String)>) -> Option<Text>;
    /// The lab's Python script for `config`, headed by the canonical link it came from.
    fn python(&self, config: &Config) -> String;
}

/// A run with its types erased: one handle for every lab (the wasm class, the CLI loop).
pub trait Running {
    /// Does work within `budget`; the payload as JSON-like data.
    fn step(&mut self, budget: &mut Budget) -> Progress<serde_json::Value>;
    /// How it ended (or `running`), its numbers and results.
    fn summary(&self) -> Summary;
    /// Facts to show while it runs.
    fn info(&self) -> RunInfo;
    /// Class probabilities for a 28×28 image of bytes.
    fn predict(&mut self, pixels: &[u8]) -> Result<Vec<f32>, String>;
    /// The trained weights as safetensors, once the run has ended (`None` without a model).
    fn weights(&self) -> Option<Vec<u8>>;
    /// Loads a weights file [`Running::weights`] wrote for this lab into the model and scores
    /// the test images with it; on any error (another lab's file, wrong shapes or dtype, a
    /// truncated file) the run is unchanged.
    fn import_weights(&mut self, bytes: &[u8]) -> Result<Imported, String>;
    /// The report for other view-only values; an error when `config` describes another run.
    fn view(&self, config: &Config) -> Result<serde_json::Value, String>;
    /// Stops the run; later steps do nothing and the summary says `cancelled`.
    fn cancel(&mut self);
    /// The configuration it runs.
    fn config(&self) -> &Config;
}

/// Adapts a typed [`Lab`] to the erased [`LabKind`].
struct Of<L>(PhantomData<fn() -> L>);

impl<L: Lab> LabKind for Of<L> {
    fn spec(&self) -> &'static LabSpec {
        L::spec()
    }

    fn datasets(&self, config: &Config) -> Vec<&'static str> {
        L::datasets(&L::Config::from_config(config))
    }

    fn pretrained(&self, config: &Config) -> Vec<&'static str> {
        L::pretrained(&L::Config::from_config(config))
    }

    fn start(&self, config: &Config, data: &Assets) -> Result<Box<dyn Running>, String> {
        let lab = L::new(L::Config::from_config(config), data)?;
        Ok(Box::new(Run {
            lab,
            config: config.clone(),
            status: Status::Running,
            stopped: None,
            last: None,
        }))
    }

    fn preview(&self, config: &Config, data: &Assets, draw: u32) -> Result<Picture, String> {
        L::preview(&L::Config::from_config(config), data, draw)
    }

    fn migrate(&self, pairs: &mut Vec<(String, String)>) -> Option<Text> {
        L::migrate(pairs)
    }

    fn python(&self, config: &Config) -> String {
        let code = L::python(&L::Config::from_config(config));
        format!("# mlpad: #{}\n{code}", link::canonical(config))
    }
}

/// What loading a weights file gave: where the weights came from and how they score.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Imported {
    /// The link of the run that trained them, with `#`.
    pub link: String,
    /// Their numbers on the lab's test images (`test_accuracy`, …).
    pub metrics: BTreeMap<String, f64>,
    /// SHA-256 of the loaded weights: the trained run's, when the file is unchanged.
    pub weights_sha256: Option<String>,
    /// Trainable parameters of the model.
    pub param_count: Option<usize>,
}

/// Which lab and link a weights file of mlpad's says it came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WeightsOrigin {
    /// Lab id.
    pub lab: String,
    /// The training link, with `#`.
    pub link: String,
}

/// Reads the lab and link a weights file was saved with, or says why it cannot be loaded.
pub fn weights_origin(bytes: &[u8]) -> Result<WeightsOrigin, String> {
    let info = crate::nn::checkpoint::info(bytes)?.ok_or(
        "the file has no mlpad description: it was not saved by this playground's Export weights",
    )?;
    let v: serde_json::Value = serde_json::from_str(&info)
        .map_err(|_| "the file's mlpad description is not valid JSON".to_string())?;
    let field = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let (Some(lab), Some(link)) = (field("lab"), field("link")) else {
        return Err("the file's mlpad description names no lab and link".into());
    };
    if REGISTRY.find(&lab).is_none() {
        return Err(format!(
            "the file is from a lab this page does not know ({lab})"
        ));
    }
    Ok(WeightsOrigin { lab, link })
}

/// A typed lab being run, with how it has ended so far.
struct Run<L> {
    lab: L,
    config: Config,
    status: Status,
    stopped: Option<Stopped>,
    /// The envelope of the last step (repeated, without payload, once done).
    last: Option<Progress<()>>,
}

impl<L: Lab> Running for Run<L> {
    fn step(&mut self, budget: &mut Budget) -> Progress<serde_json::Value> {
        if self.status != Status::Running {
            // Ended (or cancelled): no more work, the last envelope marked done.
            let mut p = self.last.clone().unwrap_or(Progress::new(Phase::Done, ()));
            p.pictures.clear();
            p.done = true;
            p.stopped = self.stopped.clone();
            return p.map(|()| serde_json::Value::Null);
        }
        let p = self.lab.step(budget);
        if p.done {
            self.stopped = p.stopped.clone();
            self.status = match &p.stopped {
                Some(s) if s.reason == StopReason::Diverged => Status::Diverged,
                Some(_) => Status::Cancelled,
                None => Status::Finished,
            };
        }
        let p = p.map(|payload| serde_json::to_value(payload).unwrap_or_default());
        self.last = Some(p.clone().map(|_| ()));
        p
    }

    fn summary(&self) -> Summary {
        // A run that did not get to its end has no results to report.
        let outcome = match self.status {
            Status::Finished | Status::Diverged => self.lab.outcome(),
            Status::Running | Status::Cancelled => Outcome::default(),
        };
        Summary {
            lab: self.config.lab.id,
            link: format!("#{}", link::canonical(&self.config)),
            status: self.status,
            stopped: self.stopped.clone(),
            metrics: outcome.metrics,
            weights_sha256: outcome.weights_sha256,
            param_count: outcome.param_count,
            report: outcome.report,
        }
    }

    fn info(&self) -> RunInfo {
        self.lab.info()
    }

    fn predict(&mut self, pixels: &[u8]) -> Result<Vec<f32>, String> {
        self.lab.predict(pixels)
    }

    fn weights(&self) -> Option<Vec<u8>> {
        let link = format!("#{}", link::canonical(&self.config));
        let info = serde_json::json!({ "lab": self.config.lab.id, "link": link });
        self.lab.weights(&info.to_string())
    }

    fn import_weights(&mut self, bytes: &[u8]) -> Result<Imported, String> {
        let origin = weights_origin(bytes)?;
        if origin.lab != self.config.lab.id {
            return Err(format!(
                "these are weights of the {} lab; this is the {} lab",
                origin.lab, self.config.lab.id
            ));
        }
        let metrics = self.lab.load_weights(bytes)?;
        let outcome = self.lab.outcome();
        Ok(Imported {
            link: origin.link,
            metrics,
            weights_sha256: outcome.weights_sha256,
            param_count: outcome.param_count,
        })
    }

    fn view(&self, config: &Config) -> Result<serde_json::Value, String> {
        if !self.config.same_run(config) {
            return Err("these settings describe another run: run it to see its results".into());
        }
        if self.status != Status::Finished {
            return Err("the run has not finished".into());
        }
        self.lab.view(&L::Config::from_config(config))
    }

    fn cancel(&mut self) {
        if self.status == Status::Running {
            self.status = Status::Cancelled;
            self.stopped = Some(Stopped {
                reason: StopReason::Cancelled,
                message: "Stopped before the end.".into(),
                message_zh: "在完成前已停止。".into(),
            });
        }
    }

    fn config(&self) -> &Config {
        &self.config
    }
}

/// Runs a checked config to the end in chunks of `units` (tests and tools that need no
/// clock), returning every step's envelope and the summary.
pub fn run_to_end(
    config: &Config,
    data: &Assets,
    units: usize,
) -> Result<(Vec<Progress<serde_json::Value>>, Summary), String> {
    let mut run = REGISTRY.kind(config).start(config, data)?;
    let mut steps = Vec::new();
    loop {
        let p = run.step(&mut Budget::units(units));
        let done = p.done;
        steps.push(p);
        if done {
            return Ok((steps, run.summary()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Config;

    crate::both_targets_test! {
        fn every_lab_default_parses_round_trips_and_has_a_typed_config() {
            for spec in REGISTRY.specs() {
                let c = Config::defaults(spec);
                let p = REGISTRY.parse(&link::canonical(&c));
                assert!(p.errors.is_empty(), "{}: {:?}", spec.id, p.errors);
                assert_eq!(p.config, c, "{}", spec.id);
                // Reading every field of the typed config panics on a name the table lacks.
                let _ = REGISTRY.kind(&c).datasets(&c);
            }
        }
    }

    crate::both_targets_test! {
        fn lab_ids_are_unique_and_compare_keys_are_choices() {
            let specs = REGISTRY.specs();
            for (i, a) in specs.iter().enumerate() {
                assert!(specs[i + 1..].iter().all(|b| b.id != a.id), "{} twice", a.id);
                if a.compare.is_some() {
                    assert!(Config::defaults(a).variants().len() >= 2, "{}", a.id);
                }
            }
        }
    }
}
