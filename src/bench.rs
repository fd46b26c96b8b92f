//! The workloads of `cargo xtask bench`, one definition for every runtime: the native CLI
//! (`mlpad bench`) and the wasm page (`bench/worker.js`) build them here and only add the
//! clock, so both time exactly the same code on the same data.
//!
//! TensorFlow.js runs the same models in `bench/tfjs.js`; keep the two in step.

use crate::data::dataset::{Dataset, Split};
use crate::gan::{Gan, IMAGE};
use crate::knn::{KNeighborsClassifier, Metric, Weights};
use crate::labs::{cnn, training::fill_batch};
use crate::nn::adam::AdamConfig;
use crate::nn::{Activation, LayerSpec, Optimizer, Sequential};
use crate::rng::Rng;
use crate::simd::F32x4;

/// Every workload's name, in the order the bench runs them.
pub const WORKLOADS: &[&str] = &[
    "cnn_train_b32",
    "cnn_infer_b256",
    "mlp_train_b32",
    "gan_step_b64",
    "knn_predict_2000x8000",
    "simd_peak",
];

/// Training images cycled through by the training workloads.
const POOL: usize = 1024;
/// KNN: training rows and test rows, both from the start of the training file.
const KNN_TRAIN: usize = 8000;
const KNN_TEST: usize = 2000;
/// Independent accumulators of the peak loop: enough to hide the add latency, few enough
/// to stay in the 16 SIMD registers of x86-64 (wasm's engines map v128 onto them).
const PEAK_CHAINS: usize = 12;
const PEAK_ITERS: usize = 1 << 20;

enum Kind {
    Train {
        model: Sequential,
        opt: Optimizer,
        x: Vec<f32>,
        y: Vec<u8>,
        batch: usize,
        next: usize,
    },
    Infer {
        model: Sequential,
        x: Vec<f32>,
        batch: usize,
    },
    Gan {
        gan: Box<Gan>,
        real: Vec<f32>,
        batch: usize,
        next: usize,
    },
    Knn {
        knn: Box<KNeighborsClassifier>,
        queries: ndarray::Array2<f32>,
    },
    Peak,
}

/// One benchmark workload, ready to run.
pub struct Workload {
    kind: Kind,
}

/// The first `n` images of `split` as pixels in [0, 1], and their labels.
fn pool(split: &Split, n: usize) -> (Vec<f32>, Vec<u8>) {
    let (mut x, mut y) = (Vec::new(), Vec::new());
    fill_batch(split, 0..n.min(split.len()), &mut x, &mut y);
    (x, y)
}

fn adam() -> Optimizer {
    Optimizer::adam(AdamConfig::default())
}

fn model(input: [usize; 3], specs: &[LayerSpec]) -> Sequential {
    Sequential::new(input, specs, &mut Rng::new(42)).expect("valid bench model")
}

impl Workload {
    /// Builds workload `name` (one of [`WORKLOADS`]) on MNIST `data`.
    pub fn new(name: &str, data: &Dataset) -> Result<Self, String> {
        let image = [data.train.rows(), data.train.cols(), 1];
        let classes = data.classes.len();
        let train = |specs: Vec<LayerSpec>, input| {
            let (x, y) = pool(&data.train, POOL);
            Kind::Train {
                model: model(input, &specs),
                opt: adam(),
                x,
                y,
                batch: 32,
                next: 0,
            }
        };
        let kind = match name {
            "cnn_train_b32" => train(cnn::model_spec(classes), image),
            "mlp_train_b32" => train(
                vec![
                    LayerSpec::dense(64, Activation::Relu),
                    LayerSpec::dense(classes, Activation::Softmax),
                ],
                [1, 1, image[0] * image[1]],
            ),
            "cnn_infer_b256" => Kind::Infer {
                model: model(image, &cnn::model_spec(classes)),
                x: pool(&data.test, 256).0,
                batch: 256,
            },
            "gan_step_b64" => {
                // The GAN sees pixels scaled to [−1, 1], like its tanh output.
                let mut real = pool(&data.train, POOL).0;
                real.iter_mut().for_each(|p| *p = *p * 2.0 - 1.0);
                Kind::Gan {
                    gan: Box::new(Gan::new(42)),
                    real,
                    batch: 64,
                    next: 0,
                }
            }
            "knn_predict_2000x8000" => {
                if data.train.len() < KNN_TRAIN + KNN_TEST {
                    return Err(format!(
                        "the KNN workload needs {} training images",
                        KNN_TRAIN + KNN_TEST
                    ));
                }
                let train: Vec<usize> = (0..KNN_TRAIN).collect();
                let test: Vec<usize> = (KNN_TRAIN..KNN_TRAIN + KNN_TEST).collect();
                let y = data.train.targets(&train);
                let x = data.train.features(&train);
                let knn =
                    KNeighborsClassifier::fit(x, y.view(), 3, Weights::Uniform, Metric::Euclidean)?;
                Kind::Knn {
                    knn: Box::new(knn),
                    queries: data.train.features(&test),
                }
            }
            "simd_peak" => Kind::Peak,
            other => {
                return Err(format!(
                    "unknown workload '{other}'; known: {}",
                    WORKLOADS.join(", ")
                ))
            }
        };
        Ok(Workload { kind })
    }

    /// What [`Workload::run`] counts, per second once timed.
    pub fn unit(&self) -> &'static str {
        match self.kind {
            Kind::Train { .. } | Kind::Infer { .. } => "images/s",
            Kind::Gan { .. } => "steps/s",
            Kind::Knn { .. } => "queries/s",
            Kind::Peak => "GFLOP/s",
        }
    }

    /// Floating-point operations per unit of [`Workload::unit`] (per image, GAN step, query
    /// or GFLOP), so a rate converts to GFLOP/s. KNN counts its GEMM-form distance estimate.
    pub fn flops_per_unit(&self) -> f64 {
        match &self.kind {
            Kind::Train { model, .. } => model.train_flops() as f64,
            Kind::Infer { model, .. } => model.forward_flops() as f64,
            Kind::Gan { gan, batch, .. } => gan.step_flops(*batch) as f64,
            Kind::Knn { knn, queries } => (2 * queries.len() / KNN_TEST * knn.n_train()) as f64,
            Kind::Peak => 1e9,
        }
    }

    /// Runs `steps` steps and returns how many units of work they did (images, GAN steps,
    /// queries, or GFLOP for the peak loop).
    pub fn run(&mut self, steps: usize) -> f64 {
        let mut done = 0.0;
        for _ in 0..steps {
            done += self.step();
        }
        done
    }

    fn step(&mut self) -> f64 {
        match &mut self.kind {
            Kind::Train {
                model,
                opt,
                x,
                y,
                batch,
                next,
            } => {
                let per = x.len() / y.len();
                let rows = next_batch(next, *batch, y.len());
                let xs = &x[rows.start * per..rows.end * per];
                std::hint::black_box(model.train_step(xs, &y[rows], opt));
                *batch as f64
            }
            Kind::Infer { model, x, batch } => {
                std::hint::black_box(model.forward(x, *batch));
                *batch as f64
            }
            Kind::Gan {
                gan,
                real,
                batch,
                next,
            } => {
                let rows = next_batch(next, *batch, real.len() / IMAGE);
                std::hint::black_box(gan.step(&real[rows.start * IMAGE..rows.end * IMAGE]));
                1.0
            }
            Kind::Knn { knn, queries } => {
                let q = knn.queries(queries.view()).expect("same feature count");
                std::hint::black_box(q.predict_chunk(0, q.len()));
                q.len() as f64
            }
            Kind::Peak => {
                std::hint::black_box(simd_peak(PEAK_ITERS));
                (PEAK_ITERS * PEAK_CHAINS * 8) as f64 * 1e-9
            }
        }
    }
}

/// The next `batch` rows of a pool of `len` (at least `batch`) rows, cycling: `*next` moves
/// on, back to 0 when the following batch would not fit.
fn next_batch(next: &mut usize, batch: usize, len: usize) -> std::ops::Range<usize> {
    let rows = *next..*next + batch;
    *next = if rows.end + batch > len { 0 } else { rows.end };
    rows
}

/// `iters` rounds of `acc = acc · m + c` on [`PEAK_CHAINS`] independent vectors: one mul and
/// one add per lane each (8 FLOP per vector per round), values kept in registers.
pub fn simd_peak(iters: usize) -> f32 {
    let m = F32x4::splat(std::hint::black_box(0.999_9));
    let c = F32x4::splat(std::hint::black_box(1e-4));
    let mut acc = [F32x4::zero(); PEAK_CHAINS];
    for (i, a) in acc.iter_mut().enumerate() {
        *a = F32x4::splat(i as f32);
    }
    for _ in 0..iters {
        for a in acc.iter_mut() {
            *a = *a * m + c;
        }
    }
    acc.iter().fold(F32x4::zero(), |s, &a| s + a).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_cycle_through_the_whole_pool() {
        let mut next = 0;
        let starts: Vec<usize> = (0..5).map(|_| next_batch(&mut next, 4, 12).start).collect();
        assert_eq!(starts, [0, 4, 8, 0, 4]);
        let mut next = 0;
        assert_eq!(next_batch(&mut next, 5, 5), 0..5);
        assert_eq!(next_batch(&mut next, 5, 5), 0..5);
    }

    #[test]
    fn the_seed_cnn_costs_what_the_issue_says() {
        // About 5.6 MFLOP per image forward and 16.4 MFLOP to train (issue 5's figures).
        let m = model([28, 28, 1], &cnn::model_spec(10));
        assert_eq!(m.forward_flops(), 5_588_480);
        assert_eq!(m.train_flops(), 3 * 5_588_480 - 2 * 26 * 26 * 9 * 32);
    }

    #[test]
    fn the_peak_loop_computes_the_recurrence() {
        // a_{n+1} = a_n·m + c converges to c / (1 − m) = 1 from every start.
        let s = simd_peak(200_000);
        // (f32 rounding leaves each lane within ~1e-3 of it.)
        assert!((s - (PEAK_CHAINS * 4) as f32).abs() < 0.1, "{s}");
    }
}
