//! The wasm-bindgen boundary: plain data in, plain data out, no logic here.

use crate::data::{assets, Dataset as CoreDataset};
use crate::labs::trainer::Run;
use crate::labs::LABS;
use crate::link;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, JsError> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&e.to_string()))
}

/// Installs the panic hook so a Rust panic reaches the console with its message.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// Every lab and its parameter table.
#[wasm_bindgen]
pub fn labs_schema() -> Result<JsValue, JsError> {
    to_js(&LABS)
}

/// Parses a link; never throws (problems are listed in `errors`).
#[wasm_bindgen]
pub fn parse_link(hash: &str) -> Result<JsValue, JsError> {
    to_js(&link::parse(hash))
}

/// The report of a lab that needs no training or data (the metrics lab), for a link.
#[wasm_bindgen]
pub fn lab_report(link_text: &str) -> Result<JsValue, JsError> {
    let parsed = link::parse(link_text);
    let report = crate::labs::run_report(&parsed.config).map_err(|e| JsError::new(&e))?;
    to_js(&report)
}

/// Whether two metrics-lab links describe the same model evaluation (only the keys that
/// change its views, like `threshold`, differ), so a finished one can be reused.
#[wasm_bindgen]
pub fn same_model(link_a: &str, link_b: &str) -> bool {
    crate::labs::metrics::same_model(&link::parse(link_a).config, &link::parse(link_b).config)
}

/// The augmentation lab's preview: the first `images` training images and `variants`
/// random transforms of each, as `{width, height, rgba}`; `draw` picks a fresh set.
#[wasm_bindgen]
pub fn augment_preview(
    link_text: &str,
    data: &Dataset,
    images: usize,
    variants: usize,
    draw: u32,
) -> Result<JsValue, JsError> {
    let parsed = link::parse(link_text);
    if parsed.lab != "augmentation" {
        return Err(JsError::new("augment_preview needs an augmentation link"));
    }
    let (width, height, rgba) =
        crate::labs::augmentation::preview(&parsed.config, &data.0, images, variants, draw);
    let o = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| {
        js_sys::Reflect::set(&o, &k.into(), v).map_err(|_| JsError::new("preview"))
    };
    set("width", &width.into())?;
    set("height", &height.into())?;
    set("rgba", &js_sys::Uint8ClampedArray::from(&rgba[..]).into())?;
    Ok(o.into())
}

/// The bundled data files.
#[wasm_bindgen]
pub fn asset_manifest() -> Result<JsValue, JsError> {
    to_js(assets::manifest())
}

/// A decoded dataset.
#[wasm_bindgen]
pub struct Dataset(Rc<CoreDataset>);

#[wasm_bindgen]
impl Dataset {
    /// Checks and decodes the four files of dataset `name`.
    pub fn decode(
        name: &str,
        train_images: &[u8],
        train_labels: &[u8],
        test_images: &[u8],
        test_labels: &[u8],
    ) -> Result<Dataset, JsError> {
        CoreDataset::decode(name, train_images, train_labels, test_images, test_labels)
            .map(|d| Dataset(Rc::new(d)))
            .map_err(|e| JsError::new(&e))
    }

    /// The dataset's manifest name.
    pub fn name(&self) -> String {
        self.0.name.clone()
    }

    /// Image `i` of `split` ("train" or "test") as RGBA bytes.
    pub fn image_rgba(&self, split: &str, i: usize) -> Result<js_sys::Uint8ClampedArray, JsError> {
        let px = self
            .0
            .image_rgba(split == "test", i)
            .ok_or_else(|| JsError::new(&format!("no {split} image {i}")))?;
        Ok(js_sys::Uint8ClampedArray::from(&px[..]))
    }

    /// Number of images in `split`.
    pub fn len(&self, split: &str) -> usize {
        if split == "test" {
            self.0.test.len()
        } else {
            self.0.train.len()
        }
    }
}

/// A running lab.
#[wasm_bindgen]
pub struct Lab(Run);

#[wasm_bindgen]
impl Lab {
    /// Builds the lab a link names, on `data`; rejects a link with errors.
    #[wasm_bindgen(constructor)]
    pub fn new(link_text: &str, data: &Dataset) -> Result<Lab, JsError> {
        let parsed = link::parse_strict(link_text).map_err(|e| JsError::new(&e))?;
        crate::labs::build(parsed.config, data.0.clone())
            .map(Lab)
            .map_err(|e| JsError::new(&e))
    }

    /// Runs up to `max_batches` steps and returns a snapshot.
    pub fn step(&mut self, max_batches: usize) -> Result<JsValue, JsError> {
        to_js(&self.0.step(max_batches))
    }

    /// Class probabilities for a 28×28 image of bytes.
    pub fn predict(&mut self, pixels: &[u8]) -> Result<Vec<f32>, JsError> {
        self.0.predict(pixels).map_err(|e| JsError::new(&e))
    }

    /// Predictions for the first `n` test images.
    pub fn gallery(&mut self, n: usize) -> Result<JsValue, JsError> {
        to_js(&self.0.gallery(n))
    }

    /// The first-layer filters as `{width, height, rgba}`, or `null` without a conv layer.
    pub fn filters_rgba(&self) -> Result<JsValue, JsError> {
        let Some((width, height, rgba)) = self.0.filters_rgba() else {
            return Ok(JsValue::NULL);
        };
        let o = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| {
            js_sys::Reflect::set(&o, &k.into(), v).map_err(|_| JsError::new("filters"))
        };
        set("width", &width.into())?;
        set("height", &height.into())?;
        set("rgba", &js_sys::Uint8ClampedArray::from(&rgba[..]).into())?;
        Ok(o.into())
    }

    /// Names of the trainable layers, in order (the series of per-layer charts).
    pub fn layer_names(&self) -> Result<JsValue, JsError> {
        to_js(&self.0.layer_names())
    }

    /// SHA-256 of the weights (see `Sequential::weights_sha256`).
    pub fn weights_sha256(&self) -> String {
        self.0.model().weights_sha256()
    }

    /// Trainable parameter count.
    pub fn param_count(&self) -> usize {
        self.0.model().param_count()
    }
}

/// A running KNN lab: split, fit, then predict the test rows in chunks.
#[wasm_bindgen]
pub struct KnnLab(crate::labs::knn::KnnRun);

#[wasm_bindgen]
impl KnnLab {
    /// Builds the KNN run a link names, on `data`; rejects a link with errors.
    #[wasm_bindgen(constructor)]
    pub fn new(link_text: &str, data: &Dataset) -> Result<KnnLab, JsError> {
        let parsed = link::parse_strict(link_text).map_err(|e| JsError::new(&e))?;
        crate::labs::knn::KnnRun::new(&parsed.config, &data.0)
            .map(KnnLab)
            .map_err(|e| JsError::new(&e))
    }

    /// Predicts up to `max_rows` more test rows; returns `{done_rows, total_rows, done}`.
    pub fn step(&mut self, max_rows: usize) -> Result<JsValue, JsError> {
        to_js(&self.0.step(max_rows))
    }

    /// The report (accuracy, accuracy by k, confusion matrix, neighbour gallery), or
    /// `null` before every row is predicted.
    pub fn report(&self) -> Result<JsValue, JsError> {
        match self.0.report() {
            Some(r) => to_js(&r),
            None => Ok(JsValue::NULL),
        }
    }
}

/// The metrics lab evaluating a model: train (CNN) or fit (KNN), predict the test split
/// in chunks, then answer reports for any positive class and threshold.
#[wasm_bindgen]
pub struct ModelEval(crate::labs::evaluate::ModelEval);

#[wasm_bindgen]
impl ModelEval {
    /// Prepares the evaluation a metrics link with `model=cnn|knn` names, on `data`;
    /// rejects a link with errors.
    #[wasm_bindgen(constructor)]
    pub fn new(link_text: &str, data: &Dataset) -> Result<ModelEval, JsError> {
        let parsed = link::parse_strict(link_text).map_err(|e| JsError::new(&e))?;
        crate::labs::evaluate::ModelEval::new(&parsed.config, data.0.clone())
            .map(ModelEval)
            .map_err(|e| JsError::new(&e))
    }

    /// The phase the next step works in (`train`, `predict_test`, `predict_train`, `done`).
    pub fn phase(&self) -> Result<JsValue, JsError> {
        to_js(&self.0.phase())
    }

    /// Does up to `max_units` of work in the current phase; returns
    /// `{phase, done, total, fraction, finished, diverged}`.
    pub fn step(&mut self, max_units: usize) -> Result<JsValue, JsError> {
        to_js(&self.0.step(max_units))
    }

    /// The report for a link's positive class and threshold, or `null` when the link
    /// describes another model (train again).
    pub fn report(&self, link_text: &str) -> Result<JsValue, JsError> {
        let parsed = link::parse(link_text);
        match self
            .0
            .report(&parsed.config)
            .map_err(|e| JsError::new(&e))?
        {
            Some(r) => to_js(&r),
            None => Ok(JsValue::NULL),
        }
    }
}

/// One benchmark workload of `mlpad::bench` (the bench page adds the clock).
#[wasm_bindgen]
pub struct BenchWorkload(crate::bench::Workload);

#[wasm_bindgen]
impl BenchWorkload {
    /// Builds workload `name` on MNIST `data`.
    #[wasm_bindgen(constructor)]
    pub fn new(name: &str, data: &Dataset) -> Result<BenchWorkload, JsError> {
        crate::bench::Workload::new(name, &data.0)
            .map(BenchWorkload)
            .map_err(|e| JsError::new(&e))
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
