//! Export and re-import of trained weights (the page's "Export weights" and "Load weights"):
//! a file written by a run loads back into a fresh run of the same lab with the same
//! SHA-256 and test accuracy, and every kind of bad file is refused with a clear message
//! while the run's own weights stay as they were.

mod common;

use common::{config, every_asset};
use mlpad::labs::{weights_origin, Budget, Running, REGISTRY};
use safetensors::{serialize, tensor::TensorView, Dtype};
use std::collections::HashMap;

/// A run of `link` on the bundled data, not yet stepped.
fn start(link: &str) -> Box<dyn Running> {
    let c = config(link);
    REGISTRY.kind(&c).start(&c, &every_asset()).expect("starts")
}

/// A run of `link`, trained to its end.
fn trained(link: &str) -> Box<dyn Running> {
    let mut run = start(link);
    while !run.step(&mut Budget::units(1000)).done {}
    run
}

const CNN: &str = "#lab=cnn&seed=3&epochs=1&train_size=300";

/// The error `run` gives for `bytes`, checking that its weights did not change (compared
/// as files: an unfinished run's summary has no fingerprint yet).
fn refused(run: &mut Box<dyn Running>, bytes: &[u8]) -> String {
    let before = run.weights();
    let Err(e) = run.import_weights(bytes) else {
        panic!("bad file of {} bytes accepted", bytes.len())
    };
    assert_eq!(run.weights(), before, "{e}: weights changed");
    e
}

#[test]
fn exported_weights_load_back_with_the_same_fingerprint_and_accuracy() {
    let run = trained(CNN);
    let summary = run.summary();
    let file = run.weights().expect("the cnn lab has a model");
    let origin = weights_origin(&file).unwrap();
    assert_eq!(
        (origin.lab.as_str(), origin.link.as_str()),
        ("cnn", summary.link.as_str())
    );

    // A fresh, untrained run of the file's link takes the weights and scores as trained.
    let mut fresh = start(&origin.link);
    assert_ne!(
        fresh.weights(),
        Some(file.clone()),
        "a fresh run starts from other weights"
    );
    let imported = fresh.import_weights(&file).unwrap();
    assert_eq!(imported.weights_sha256, summary.weights_sha256);
    assert_eq!(imported.link, summary.link);
    assert_eq!(
        imported.metrics["test_accuracy"],
        summary.metrics["test_accuracy"]
    );
    assert_eq!(imported.metrics["test_loss"], summary.metrics["test_loss"]);
    // And the loaded model classifies: the same probabilities as the trained run.
    let digit = vec![0u8; 784];
    let mut run = run;
    assert_eq!(fresh.predict(&digit).unwrap(), run.predict(&digit).unwrap());
}

#[test]
fn bad_files_are_refused_with_a_reason_and_change_nothing() {
    let file = trained(CNN).weights().unwrap();
    let mut run = start(CNN);

    let cut = refused(&mut run, &file[..file.len() / 2]);
    assert!(cut.contains("cut short"), "{cut}");
    let junk = refused(&mut run, b"not a weights file at all, just text");
    assert!(junk.contains("not a safetensors file"), "{junk}");

    // Another lab's file: the regularization lab trains a different network.
    let other = trained("#lab=regularization&seed=1&epochs=1&train_size=200&variant=none")
        .weights()
        .unwrap();
    let e = refused(&mut run, &other);
    assert!(e.contains("weights of the regularization lab"), "{e}");

    // Right names and shapes, wrong dtype: every tensor rewritten as F64.
    let parsed = safetensors::SafeTensors::deserialize(&file).unwrap();
    let wide: Vec<(String, Vec<u8>, Vec<usize>)> = parsed
        .tensors()
        .into_iter()
        .map(|(name, t)| {
            let bytes = t
                .data()
                .chunks_exact(4)
                .flat_map(|b| f64::from(f32::from_le_bytes(b.try_into().unwrap())).to_le_bytes())
                .collect();
            (name, bytes, t.shape().to_vec())
        })
        .collect();
    let info = mlpad::nn::checkpoint::info(&file).unwrap().unwrap();
    let meta = || Some(HashMap::from([("mlpad".to_string(), info.clone())]));

    // Right names and dtype, one tensor flattened: its shape no longer fits the layer.
    let flat = serialize(
        parsed.tensors().into_iter().map(|(n, t)| {
            let kernel = t.shape().len() > 1;
            let shape = if kernel {
                vec![t.shape().iter().product()]
            } else {
                t.shape().to_vec()
            };
            (n, TensorView::new(Dtype::F32, shape, t.data()).unwrap())
        }),
        meta(),
    )
    .unwrap();
    let e = refused(&mut run, &flat);
    assert!(
        e.contains("has shape") && e.contains("this model expects"),
        "{e}"
    );

    let f64_file = serialize(
        wide.iter().map(|(n, b, s)| {
            (
                n.clone(),
                TensorView::new(Dtype::F64, s.clone(), b).unwrap(),
            )
        }),
        meta(),
    )
    .unwrap();
    let e = refused(&mut run, &f64_file);
    assert!(e.contains("expected F32"), "{e}");

    // A safetensors file without mlpad's description.
    let bare = serialize(
        wide.iter().take(1).map(|(n, b, s)| {
            (
                n.clone(),
                TensorView::new(Dtype::F64, s.clone(), b).unwrap(),
            )
        }),
        None,
    )
    .unwrap();
    let e = refused(&mut run, &bare);
    assert!(e.contains("not saved by this playground"), "{e}");

    // Labs without a model say so.
    let mut metrics = start("#lab=metrics");
    assert!(metrics.weights().is_none());
    let e = metrics.import_weights(&file).unwrap_err();
    assert!(e.contains("cnn lab"), "{e}");

    // After all that, the good file still loads.
    assert!(run.import_weights(&file).is_ok());
}
