//! The labs: one file each, holding its parameter table and its runner.

pub mod augmentation;
pub mod cnn;
pub mod evaluate;
pub mod gradients;
pub mod knn;
pub mod metrics;
pub mod regularization;
pub mod schema;
pub mod trainer;

use schema::LabSpec;
use serde::Serialize;

/// Every lab, in navigation order; the first is the default.
pub static LABS: [LabSpec; 6] = [
    cnn::SPEC,
    gradients::SPEC,
    regularization::SPEC,
    augmentation::SPEC,
    metrics::SPEC,
    knn::SPEC,
];

/// The report of a lab that needs no dataset (today: `metrics`), as JSON.
pub fn run_report(config: &schema::Config) -> Result<serde_json::Value, String> {
    match config.lab.id {
        "metrics" => serde_json::to_value(metrics::evaluate(config)?).map_err(|e| e.to_string()),
        other => Err(format!("lab {other} has no immediate report")),
    }
}

/// The parameters that have no effect with the rest of this config (the page hides their
/// controls; their values stay in the link). Only the metrics lab has such today.
pub fn inactive_params(config: &schema::Config) -> Vec<&'static str> {
    match config.lab.id {
        "metrics" => metrics::inactive_params(config),
        _ => Vec::new(),
    }
}

/// Builds the run a checked config describes, on its dataset.
pub fn build(
    config: schema::Config,
    data: std::rc::Rc<crate::data::Dataset>,
) -> Result<trainer::Run, String> {
    match config.lab.id {
        "cnn" => cnn::build(config, data),
        "gradients" => gradients::build(config, data),
        "regularization" => regularization::build(config, data),
        "augmentation" => augmentation::build(config, data),
        other => Err(format!("no runner for lab {other}")),
    }
}

/// The lab with link id `id`.
pub fn find_lab(id: &str) -> Option<&'static LabSpec> {
    LABS.iter().find(|l| l.id == id)
}

/// What a lab reports after each chunk of steps.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Snapshot {
    /// Training steps done so far.
    pub step: usize,
    /// Training steps in the whole run.
    pub total_steps: usize,
    /// Epochs completed.
    pub epoch: usize,
    /// Epochs in the run.
    pub epochs: usize,
    /// Training images processed so far.
    pub images_seen: usize,
    /// Loss of each step run since the previous snapshot.
    pub losses: Vec<f32>,
    /// Batch accuracy of each step run since the previous snapshot.
    pub accuracies: Vec<f32>,
    /// Test accuracy, set when an epoch ended in this chunk.
    pub test_accuracy: Option<f64>,
    /// Test loss, set with `test_accuracy`.
    pub test_loss: Option<f32>,
    /// True when the run is complete (or stopped by divergence).
    pub done: bool,
    /// Why training stopped early, if the loss stopped being finite.
    pub diverged: Option<String>,
    /// Per step run since the previous snapshot, each trainable layer's gradient L2 norm
    /// (only for labs that record statistics).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub grad_norms: Vec<Vec<f32>>,
    /// Per step, each trainable layer's update/weight ratio (same labs).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub update_ratios: Vec<Vec<f32>>,
    /// Per step, the weight penalty added to the loss (only for labs with penalties).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub penalties: Vec<f32>,
    /// Accuracy on the training subset, set at epoch ends by labs that compare train and test.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub train_accuracy: Option<f64>,
    /// Loss on the training subset, set with `train_accuracy`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub train_loss: Option<f32>,
    /// Accuracy on the rotated-and-shifted copy of the test set (augmentation lab).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shifted_accuracy: Option<f64>,
    /// Histogram of the first layer's kernel, set with `train_accuracy`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kernel_histogram: Option<trainer::KernelHistogram>,
}
