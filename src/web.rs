//! The wasm-bindgen boundary: plain data in, plain data out, no logic here. One handle
//! type runs every lab ([`Lab`]); the worker owns it and speaks in messages.

use crate::data::{assets, Dataset};
use crate::labs::{Assets, Budget, Running, REGISTRY, STEP_MILLIS};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// JSON-like objects, with pictures' bytes as `Uint8Array`s (their buffers can then be
/// moved to the page instead of copied).
fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, JsError> {
    let s = serde_wasm_bindgen::Serializer::json_compatible().serialize_bytes_as_arrays(false);
    v.serialize(&s).map_err(|e| JsError::new(&e.to_string()))
}

fn err(e: String) -> JsError {
    JsError::new(&e)
}

/// Milliseconds from the page's (or worker's) clock.
fn now() -> f64 {
    js_sys::global()
        .unchecked_into::<web_sys::WorkerGlobalScope>()
        .performance()
        .map_or(0.0, |p| p.now())
}

/// Installs the panic hook so a Rust panic reaches the console with its message.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// Every lab's parameter table, in navigation order.
#[wasm_bindgen]
pub fn labs_schema() -> Result<JsValue, JsError> {
    to_js(&REGISTRY.specs())
}

/// Parses a link; never throws (problems are listed in `errors`).
#[wasm_bindgen]
pub fn parse_link(hash: &str) -> Result<JsValue, JsError> {
    to_js(&REGISTRY.parse(hash))
}

/// The bundled data files.
#[wasm_bindgen]
pub fn asset_manifest() -> Result<JsValue, JsError> {
    to_js(assets::manifest())
}

/// The datasets (manifest names) a run of the link needs.
#[wasm_bindgen]
pub fn lab_datasets(link_text: &str) -> Vec<String> {
    let config = REGISTRY.parse(link_text).config;
    REGISTRY
        .kind(&config)
        .datasets(&config)
        .into_iter()
        .map(String::from)
        .collect()
}

/// The pretrained weights (names of `pretrained_manifest()`) a run of the link needs.
#[wasm_bindgen]
pub fn lab_pretrained(link_text: &str) -> Vec<String> {
    let config = REGISTRY.parse(link_text).config;
    REGISTRY
        .kind(&config)
        .pretrained(&config)
        .into_iter()
        .map(String::from)
        .collect()
}

/// The shipped pretrained weights: file, size, SHA-256 and training link of each.
#[wasm_bindgen]
pub fn pretrained_manifest() -> Result<JsValue, JsError> {
    to_js(crate::data::pretrained::manifest())
}

/// The link's setting as a Python script (Keras 3 or scikit-learn), headed by its
/// canonical link; throws naming the keys of a bad link.
#[wasm_bindgen]
pub fn lab_python(link_text: &str) -> Result<String, JsError> {
    REGISTRY.python(link_text).map_err(err)
}

/// The lab's preview picture for a link (`{key, width, height, rgba}`); `draw` picks a
/// fresh random set.
#[wasm_bindgen]
pub fn lab_preview(link_text: &str, data: &DataStore, draw: u32) -> Result<JsValue, JsError> {
    let config = REGISTRY.parse(link_text).config;
    to_js(
        &REGISTRY
            .kind(&config)
            .preview(&config, &data.0, draw)
            .map_err(err)?,
    )
}

/// The decoded datasets of a worker.
#[wasm_bindgen]
#[derive(Default)]
pub struct DataStore(Assets);

#[wasm_bindgen]
impl DataStore {
    /// An empty store.
    #[wasm_bindgen(constructor)]
    pub fn new() -> DataStore {
        DataStore::default()
    }

    /// Checks and decodes the four files of dataset `name`, and keeps it.
    pub fn add(
        &mut self,
        name: &str,
        train_images: &[u8],
        train_labels: &[u8],
        test_images: &[u8],
        test_labels: &[u8],
    ) -> Result<(), JsError> {
        let d = Dataset::decode(name, train_images, train_labels, test_images, test_labels)
            .map_err(err)?;
        self.0.insert(Rc::new(d));
        Ok(())
    }

    /// Whether dataset `name` is loaded.
    pub fn has(&self, name: &str) -> bool {
        self.0.contains(name)
    }

    /// Checks the bytes of pretrained weights `name` (size, SHA-256) and keeps them.
    pub fn add_weights(&mut self, name: &str, bytes: Vec<u8>) -> Result<(), JsError> {
        self.0.insert_weights(name, bytes).map_err(err)
    }

    /// Whether pretrained weights `name` are loaded.
    pub fn has_weights(&self, name: &str) -> bool {
        self.0.has_weights(name)
    }
}

/// The lab and training link a weights file was saved with, or why it cannot be loaded.
#[wasm_bindgen]
pub fn weights_origin(bytes: &[u8]) -> Result<JsValue, JsError> {
    to_js(&crate::labs::weights_origin(bytes).map_err(err)?)
}

/// A run of any lab, built from a link.
#[wasm_bindgen]
pub struct Lab(Box<dyn Running>);

#[wasm_bindgen]
impl Lab {
    /// Starts the run a link describes on the loaded data; rejects a link with errors.
    #[wasm_bindgen(constructor)]
    pub fn new(link_text: &str, data: &DataStore) -> Result<Lab, JsError> {
        let config = REGISTRY.parse_strict(link_text).map_err(err)?.config;
        let run = REGISTRY
            .kind(&config)
            .start(&config, &data.0)
            .map_err(err)?;
        Ok(Lab(run))
    }

    /// Works for about `STEP_MILLIS` and returns the progress envelope.
    pub fn step(&mut self) -> Result<JsValue, JsError> {
        let clock = now;
        to_js(&self.0.step(&mut Budget::millis(STEP_MILLIS, &clock)))
    }

    /// Does `units` of the lab's units of work (for tests that fix the chunking).
    pub fn step_units(&mut self, units: usize) -> Result<JsValue, JsError> {
        to_js(&self.0.step(&mut Budget::units(units)))
    }

    /// How the run ended (or `running`), its numbers and results.
    pub fn summary(&self) -> Result<JsValue, JsError> {
        to_js(&self.0.summary())
    }

    /// Class names, parameter count and layer names, for the page.
    pub fn info(&self) -> Result<JsValue, JsError> {
        to_js(&self.0.info())
    }

    /// Class probabilities for a 28×28 image of bytes.
    pub fn predict(&mut self, pixels: &[u8]) -> Result<Vec<f32>, JsError> {
        self.0.predict(pixels).map_err(err)
    }

    /// Whether a link describes this run (only view-only keys may differ).
    pub fn same_run(&self, link_text: &str) -> bool {
        self.0.config().same_run(&REGISTRY.parse(link_text).config)
    }

    /// The report for a link that differs from the run's only in view-only keys.
    pub fn view(&self, link_text: &str) -> Result<JsValue, JsError> {
        to_js(
            &self
                .0
                .view(&REGISTRY.parse(link_text).config)
                .map_err(err)?,
        )
    }

    /// The trained weights as a safetensors file (`undefined` for a lab without a model).
    pub fn weights_file(&self) -> Option<Vec<u8>> {
        self.0.weights()
    }

    /// Loads a weights file into this run's model and scores the test images with it.
    pub fn import_weights(&mut self, bytes: &[u8]) -> Result<JsValue, JsError> {
        to_js(&self.0.import_weights(bytes).map_err(err)?)
    }

    /// Stops the run between steps.
    pub fn cancel(&mut self) {
        self.0.cancel();
    }
}

/// One benchmark workload of `mlpad::bench` (the bench page adds the clock).
#[wasm_bindgen]
pub struct BenchWorkload(crate::bench::Workload);

#[wasm_bindgen]
impl BenchWorkload {
    /// Builds workload `name` on the store's MNIST.
    #[wasm_bindgen(constructor)]
    pub fn new(name: &str, data: &DataStore) -> Result<BenchWorkload, JsError> {
        let mnist = data.0.dataset("mnist").map_err(err)?;
        crate::bench::Workload::new(name, &mnist)
            .map(BenchWorkload)
            .map_err(err)
    }

    /// The names of every workload.
    pub fn names() -> Vec<String> {
        crate::bench::WORKLOADS
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    /// What `run` counts (e.g. `images/s` once divided by seconds).
    pub fn unit(&self) -> String {
        self.0.unit().into()
    }

    /// Floating-point operations per unit of work.
    pub fn flops_per_unit(&self) -> f64 {
        self.0.flops_per_unit()
    }

    /// Runs `steps` steps; returns the units of work done.
    pub fn run(&mut self, steps: usize) -> f64 {
        self.0.run(steps)
    }
}
