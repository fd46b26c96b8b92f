//! The one protocol every lab follows, in the spirit of Keras' `fit` and linfa's
//! `Fit`/`Predict`: a lab is built from its typed configuration and the datasets it asked
//! for, advances by a budget ([`Lab::step`]), reports every chunk of work in one envelope
//! shared by all labs ([`Progress`], with the lab's own payload inside), can be stopped
//! between chunks, and ends with one [`Summary`]. The page's worker, the CLI and the tests
//! all drive labs through this, so none of them knows any lab by name.

use crate::data::{pretrained, Dataset};
use crate::schema::{FromConfig, LabSpec, Text};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use std::rc::Rc;

/// How long one `step` should work when a clock drives it (the page's worker and the CLI):
/// short enough that pause, reset and redraws answer at once, long enough that the
/// messages between steps cost little.
pub const STEP_MILLIS: f64 = 100.0;

/// What a run may use besides its link: decoded datasets and pretrained weights, each by
/// its manifest name (a lab says which it needs).
#[derive(Clone, Default)]
pub struct Assets {
    datasets: BTreeMap<String, Rc<Dataset>>,
    weights: BTreeMap<String, Rc<Vec<u8>>>,
}

impl Assets {
    /// Nothing loaded.
    pub fn new() -> Assets {
        Assets::default()
    }

    /// Adds (or replaces) a decoded dataset under its own name.
    pub fn insert(&mut self, data: Rc<Dataset>) {
        self.datasets.insert(data.name.clone(), data);
    }

    /// True when dataset `name` is loaded.
    pub fn contains(&self, name: &str) -> bool {
        self.datasets.contains_key(name)
    }

    /// The dataset `name`, or an error saying it was not loaded.
    pub fn dataset(&self, name: &str) -> Result<Rc<Dataset>, String> {
        self.datasets
            .get(name)
            .cloned()
            .ok_or_else(|| format!("dataset {name} is not loaded"))
    }

    /// Adds the safetensors bytes of pretrained weights `name` after checking their size
    /// and SHA-256 against the manifest.
    pub fn insert_weights(&mut self, name: &str, bytes: Vec<u8>) -> Result<(), String> {
        pretrained::check(name, &bytes)?;
        self.weights.insert(name.to_string(), Rc::new(bytes));
        Ok(())
    }

    /// True when pretrained weights `name` are loaded.
    pub fn has_weights(&self, name: &str) -> bool {
        self.weights.contains_key(name)
    }

    /// The checked bytes of pretrained weights `name`.
    pub fn weights(&self, name: &str) -> Result<Rc<Vec<u8>>, String> {
        self.weights
            .get(name)
            .cloned()
            .ok_or_else(|| format!("pretrained weights {name} are not loaded"))
    }
}

/// How much work one [`Lab::step`] may do: a number of the lab's units (batches, blocks of
/// images), a time limit, or both. The first unit is always allowed, so every step makes
/// progress; results never depend on how work was split into steps.
pub struct Budget<'a> {
    units: usize,
    used: usize,
    clock: Option<(&'a dyn Fn() -> f64, f64)>,
}

impl Budget<'static> {
    /// At most `n` units (tests, and runs that must split work the same way every time).
    pub fn units(n: usize) -> Budget<'static> {
        Budget {
            units: n.max(1),
            used: 0,
            clock: None,
        }
    }
}

impl<'a> Budget<'a> {
    /// Units until `clock()` (in milliseconds) has advanced by `ms` from now.
    pub fn millis(ms: f64, clock: &'a dyn Fn() -> f64) -> Budget<'a> {
        Budget {
            units: usize::MAX,
            used: 0,
            clock: Some((clock, clock() + ms)),
        }
    }

    /// Whether one more unit may start; counts it when it may.
    pub fn more(&mut self) -> bool {
        let time_left = match self.clock {
            Some((now, deadline)) => self.used == 0 || now() < deadline,
            None => true,
        };
        let ok = self.used < self.units && time_left;
        if ok {
            self.used += 1;
        }
        ok
    }
}

/// What a lab is doing; the page words each phase in the reader's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Training a model (units: batches).
    Train,
    /// Predicting the test images (units: images).
    PredictTest,
    /// Predicting training images (units: images).
    PredictTrain,
    /// Classifying held-out images by their neighbours (units: images).
    Classify,
    /// Finished, stopped or cancelled.
    Done,
}

/// Why a run ended before its work was done.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stopped {
    /// `diverged` (the loss or a gradient stopped being finite) or `cancelled`.
    pub reason: StopReason,
    /// What happened and what to try, in English.
    pub message: String,
    /// The same in Simplified Chinese.
    pub message_zh: String,
}

/// The kinds of early end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// A non-finite loss or gradient.
    Diverged,
    /// Stopped by the reader.
    Cancelled,
}

/// An RGBA image the page draws as it is (gallery entries, filters, previews).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Picture {
    /// What it shows, e.g. `test/12` (test image 12), `train/305`, `filters`.
    pub key: String,
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `width × height × 4` bytes (a `Uint8Array` in the browser).
    #[serde(serialize_with = "as_bytes")]
    pub rgba: Vec<u8>,
}

fn as_bytes<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_bytes(v)
}

impl Picture {
    /// Image `i` of `data`'s test (or training) split, grey on black as stored.
    pub fn of_image(data: &Dataset, test: bool, i: usize) -> Picture {
        let split = if test { &data.test } else { &data.train };
        Picture {
            key: format!("{}/{i}", if test { "test" } else { "train" }),
            width: split.cols(),
            height: split.rows(),
            rgba: split
                .image(i)
                .iter()
                .flat_map(|&v| [v, v, v, 255])
                .collect(),
        }
    }
}

/// What one step did, in the envelope every lab shares, with the lab's own `payload`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Progress<P> {
    /// The phase the step worked in (a step never crosses phases, so its time belongs to
    /// this phase; a lab that does no work reports `done`).
    pub phase: Phase,
    /// Units of this phase done.
    pub step: usize,
    /// Units in this phase.
    pub total: usize,
    /// Share of the whole run done, from 0 to 1 (one progress bar).
    pub fraction: f64,
    /// Samples processed since the start (images trained on or predicted): divided by the
    /// time spent, the run's speed.
    pub samples: u64,
    /// True when no work is left (finished, diverged or cancelled).
    pub done: bool,
    /// Why the run ended early, if it did.
    pub stopped: Option<Stopped>,
    /// What this lab reports about the step (its own shape).
    pub payload: P,
    /// Pictures that came with the step.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pictures: Vec<Picture>,
}

impl<P> Progress<P> {
    /// An envelope for `payload` with nothing done yet.
    pub fn new(phase: Phase, payload: P) -> Progress<P> {
        Progress {
            phase,
            step: 0,
            total: 0,
            fraction: 0.0,
            samples: 0,
            done: false,
            stopped: None,
            payload,
            pictures: Vec::new(),
        }
    }

    /// The same envelope around another payload.
    pub fn map<Q>(self, f: impl FnOnce(P) -> Q) -> Progress<Q> {
        Progress {
            phase: self.phase,
            step: self.step,
            total: self.total,
            fraction: self.fraction,
            samples: self.samples,
            done: self.done,
            stopped: self.stopped,
            payload: f(self.payload),
            pictures: self.pictures,
        }
    }
}

/// What a finished lab reports: its headline numbers, its fingerprint and its results.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    /// Final numbers by name (`test_accuracy`, `f1`, …), as the CLI and the page show them.
    pub metrics: BTreeMap<String, f64>,
    /// SHA-256 of the trained weights, where the lab trained a model.
    pub weights_sha256: Option<String>,
    /// Trainable parameters of that model.
    pub param_count: Option<usize>,
    /// Everything the lab's views draw at the end (curves, tables, neighbours, …).
    pub report: serde_json::Value,
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every unit of work is done.
    Finished,
    /// Stopped by a non-finite loss or gradient.
    Diverged,
    /// Stopped by the reader.
    Cancelled,
    /// Not done yet.
    Running,
}

/// The end of a run, the same for every lab: the page shows it, the CLI prints it, the
/// golden-link test compares it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Lab id.
    pub lab: &'static str,
    /// The canonical link of the run, with `#`.
    pub link: String,
    /// How it ended.
    pub status: Status,
    /// Why it ended early, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<Stopped>,
    /// Final numbers by name.
    pub metrics: BTreeMap<String, f64>,
    /// SHA-256 of the trained weights (`null` where no model was trained).
    pub weights_sha256: Option<String>,
    /// Trainable parameters of that model.
    pub param_count: Option<usize>,
    /// The lab's full results.
    pub report: serde_json::Value,
}

/// Facts about a run the page shows as soon as it starts.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RunInfo {
    /// Class names of the data it classifies, by label.
    pub classes: Vec<String>,
    /// Trainable parameters of its model, if it has one.
    pub param_count: Option<usize>,
    /// Names of its model's layers that have weights, in order.
    pub layers: Vec<String>,
}

/// One lab: its table, the datasets it needs, and how it runs.
pub trait Lab: Sized + 'static {
    /// The typed configuration it runs from.
    type Config: FromConfig;
    /// What each step reports besides the shared envelope.
    type Payload: Serialize;

    /// Its parameter table.
    fn spec() -> &'static LabSpec;

    /// The datasets (manifest names) it needs for `config`.
    fn datasets(_config: &Self::Config) -> Vec<&'static str> {
        Vec::new()
    }

    /// The pretrained weights (names in `www/data/pretrained/manifest.json`) it needs.
    fn pretrained(_config: &Self::Config) -> Vec<&'static str> {
        Vec::new()
    }

    /// The same experiment as a Python script ("show as code"): Keras 3 for networks,
    /// scikit-learn for neighbours and metrics, with the same layers, initializers,
    /// optimizer, data subset and steps; it ends by printing the lab's main metrics.
    fn python(config: &Self::Config) -> String;

    /// Prepares a run (builds the model, fits what is fitted at once).
    fn new(config: Self::Config, data: &Assets) -> Result<Self, String>;

    /// Does work within `budget` and reports it; after the last unit `done` is set.
    fn step(&mut self, budget: &mut Budget) -> Progress<Self::Payload>;

    /// The results; called once `step` has said `done`.
    fn outcome(&self) -> Outcome;

    /// Facts the page shows while it runs.
    fn info(&self) -> RunInfo {
        RunInfo::default()
    }

    /// Class probabilities for one 28×28 image of bytes, where the lab has a classifier.
    fn predict(&mut self, _pixels: &[u8]) -> Result<Vec<f32>, String> {
        Err("this lab has no image classifier to ask".into())
    }

    /// The trained weights as a safetensors file whose metadata is `info` (`None` where
    /// nothing was trained).
    fn weights(&self, _info: &str) -> Option<Vec<u8>> {
        None
    }

    /// Replaces the model's weights by a safetensors file's (one [`Lab::weights`] wrote)
    /// and scores the test images with them; on any error nothing changes.
    fn load_weights(&mut self, _bytes: &[u8]) -> Result<BTreeMap<String, f64>, String> {
        Err("this lab has no trained weights to load".into())
    }

    /// The report again for other values of the view-only parameters (see
    /// [`crate::schema::Param::view`]), without running again.
    fn view(&self, _config: &Self::Config) -> Result<serde_json::Value, String> {
        Err("this lab has no views to redraw".into())
    }

    /// A picture of what `config` will do to the data before any run (e.g. augmented
    /// images); `draw` picks a fresh random set.
    fn preview(_config: &Self::Config, _data: &Assets, _draw: u32) -> Result<Picture, String> {
        Err("this lab has no preview".into())
    }

    /// Rewrites a link written for an older layout of the labs; says what changed.
    fn migrate(_pairs: &mut Vec<(String, String)>) -> Option<Text> {
        None
    }
}

/// Numbers of a serialised record (its finite and non-finite numeric fields), for
/// [`Outcome::metrics`]; `skip` names fields that are positions, not results.
pub fn numbers_of(record: &impl Serialize, skip: &[&str]) -> BTreeMap<String, f64> {
    let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(record) else {
        return BTreeMap::new();
    };
    fields
        .into_iter()
        .filter(|(k, _)| !skip.contains(&k.as_str()))
        .filter_map(|(k, v)| v.as_f64().map(|x| (k, x)))
        .collect()
}
