//! Weights in and out as safetensors, the format Keras 3, PyTorch and Hugging Face read:
//! every tensor under its Keras-style name (`conv2d/kernel`, with a prefix such as
//! `generator/` when a file holds several models), float32, in Keras layout (HWIO conv
//! kernels, `[in, out]` dense kernels). One metadata entry, `mlpad`, carries a short JSON
//! description (the lab link that trained the weights), so a file says where it came from.
//!
//! Loading checks everything before it changes anything: a file that is not safetensors,
//! is cut short, holds another dtype, misses a tensor, has one of another shape, or has
//! tensors the model lacks (a file from another lab) is an error naming the problem, and
//! the model keeps its weights.

use super::Sequential;
use safetensors::tensor::{Dtype, SafeTensors, TensorView};
use std::collections::HashMap;

/// The metadata key holding mlpad's description of the weights.
pub const INFO_KEY: &str = "mlpad";

/// The bytes of a safetensors file holding `models` (each tensor named `prefix` +
/// its Keras name; use an empty prefix for a single model) and `info` as metadata.
pub fn save(models: &[(&str, &Sequential)], info: &str) -> Vec<u8> {
    let mut tensors: Vec<(String, Vec<u8>, Vec<usize>)> = Vec::new();
    for (prefix, model) in models {
        for p in model.params() {
            let bytes = p.value.iter().flat_map(|v| v.to_le_bytes()).collect();
            tensors.push((format!("{prefix}{}", p.name), bytes, p.shape.clone()));
        }
    }
    let views = tensors.iter().map(|(name, bytes, shape)| {
        let view = TensorView::new(Dtype::F32, shape.clone(), bytes).expect("shape matches data");
        (name.clone(), view)
    });
    // One metadata key: safetensors keeps metadata in a hash map, and one entry keeps the
    // file's bytes (and so its SHA-256) the same on every run.
    let metadata = HashMap::from([(INFO_KEY.to_string(), info.to_string())]);
    safetensors::serialize(views, Some(metadata)).expect("finite sizes")
}

/// The `mlpad` metadata of a safetensors file.
pub fn info(bytes: &[u8]) -> Result<Option<String>, String> {
    let (_, metadata) = SafeTensors::read_metadata(bytes).map_err(describe)?;
    Ok(metadata
        .metadata()
        .as_ref()
        .and_then(|m| m.get(INFO_KEY).cloned()))
}

/// Replaces the weights of `models` (with the same prefixes as [`save`]) by a file's; on
/// any error nothing changes.
pub fn load(models: &mut [(&str, &mut Sequential)], bytes: &[u8]) -> Result<(), String> {
    let (file, values, expected) = read(models, bytes, None)?;
    let extra: Vec<&str> = file
        .names()
        .into_iter()
        .filter(|n| !expected.iter().any(|e| e == n))
        .collect();
    if !extra.is_empty() {
        return Err(format!(
            "the file holds tensors this model does not have ({}): it belongs to another model",
            extra.join(", ")
        ));
    }
    assign(models, values, None);
    Ok(())
}

/// Replaces the weights of `model`'s layers `layers` by the file's tensors of the same
/// names, leaving the other layers alone and the file's other tensors unused (Keras'
/// `load_weights(..., skip_mismatch=False)` on a base whose head was replaced). On any
/// error nothing changes.
pub fn load_layers(
    model: &mut Sequential,
    layers: std::ops::Range<usize>,
    bytes: &[u8],
) -> Result<(), String> {
    let mut models = [("", model)];
    let (_, values, _) = read(&models, bytes, Some(layers.clone()))?;
    assign(&mut models, values, Some(layers));
    Ok(())
}

/// A parsed file, the checked values of the tensors asked for and their names, in order.
type Read<'b> = (SafeTensors<'b>, Vec<Vec<f32>>, Vec<String>);

/// The tensors of `models` (only layers `layers` when given), read and checked.
fn read<'b>(
    models: &[(&str, &mut Sequential)],
    bytes: &'b [u8],
    layers: Option<std::ops::Range<usize>>,
) -> Result<Read<'b>, String> {
    let file = SafeTensors::deserialize(bytes).map_err(describe)?;
    let mut values: Vec<Vec<f32>> = Vec::new();
    let mut expected = Vec::new();
    for (prefix, model) in models.iter() {
        let chosen = layers.clone().unwrap_or(0..model.layers().len());
        for p in model.layers()[chosen].iter().flat_map(|l| l.params()) {
            let name = format!("{prefix}{}", p.name);
            let t = file
                .tensor(&name)
                .map_err(|_| format!("the file has no tensor {name}: it is not these weights"))?;
            if t.dtype() != Dtype::F32 {
                return Err(format!("tensor {name} is {:?}; expected F32", t.dtype()));
            }
            if t.shape() != p.shape.as_slice() {
                return Err(format!(
                    "tensor {name} has shape {:?}; this model expects {:?}",
                    t.shape(),
                    p.shape
                ));
            }
            let v: Vec<f32> = t
                .data()
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            if v.iter().any(|x| !x.is_finite()) {
                return Err(format!("tensor {name} holds values that are not finite"));
            }
            values.push(v);
            expected.push(name);
        }
    }
    Ok((file, values, expected))
}

/// Puts checked `values` into the parameters they were read for, in the same order.
fn assign(
    models: &mut [(&str, &mut Sequential)],
    values: Vec<Vec<f32>>,
    layers: Option<std::ops::Range<usize>>,
) {
    let mut values = values.into_iter();
    for (_, model) in models.iter_mut() {
        let chosen = layers.clone().unwrap_or(0..model.layers().len());
        for p in model.layer_params_all_mut(chosen) {
            p.value = values.next().expect("one per parameter");
        }
    }
}

/// A reader's words for safetensors' parse errors.
fn describe(e: safetensors::SafeTensorError) -> String {
    use safetensors::SafeTensorError as E;
    match e {
        E::HeaderTooSmall | E::HeaderTooLarge | E::InvalidHeaderLength => {
            "this is not a safetensors file (its header is missing or cut short)".into()
        }
        E::InvalidHeader(_) | E::InvalidHeaderStart | E::InvalidHeaderDeserialization(_) => {
            "this is not a safetensors file (its header is not valid)".into()
        }
        E::MetadataIncompleteBuffer | E::InvalidOffset(_) => {
            "the file is cut short: its tensors end before their data does".into()
        }
        other => format!("the file could not be read as safetensors: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::{Activation, LayerSpec};
    use crate::rng::Rng;

    fn model(seed: u64, units: usize) -> Sequential {
        let specs = [
            LayerSpec::conv2d(2, 3, Activation::Relu),
            LayerSpec::Flatten,
            LayerSpec::dense(units, Activation::Softmax),
        ];
        Sequential::new([5, 5, 1], &specs, &mut Rng::new(seed)).unwrap()
    }

    crate::both_targets_test! {
        fn weights_round_trip_bit_for_bit_with_their_description() {
            let a = model(1, 3);
            let bytes = save(&[("", &a)], r##"{"link":"#lab=cnn"}"##);
            assert_eq!(bytes, save(&[("", &a)], r##"{"link":"#lab=cnn"}"##), "same weights, same bytes");
            let mut b = model(2, 3);
            assert_ne!(a.weights_sha256(), b.weights_sha256());
            load(&mut [("", &mut b)], &bytes).unwrap();
            assert_eq!(a.weights_sha256(), b.weights_sha256());
            assert_eq!(info(&bytes).unwrap().as_deref(), Some(r##"{"link":"#lab=cnn"}"##));
            // Keras names and layouts.
            let file = SafeTensors::deserialize(&bytes).unwrap();
            assert_eq!(file.tensor("conv2d/kernel").unwrap().shape(), [3, 3, 1, 2]);
            assert_eq!(file.tensor("dense/kernel").unwrap().shape(), [18, 3]);
        }
    }

    crate::both_targets_test! {
        fn bad_files_are_named_and_change_nothing() {
            let a = model(1, 3);
            let bytes = save(&[("", &a)], "{}");
            let mut b = model(2, 3);
            let before = b.weights_sha256();
            let err = |bytes: &[u8], b: &mut Sequential| load(&mut [("", b)], bytes).unwrap_err();
            assert!(err(&bytes[..bytes.len() - 7], &mut b).contains("cut short"));
            assert!(err(b"not a tensor file at all", &mut b).contains("not a safetensors file"));
            assert!(err(&[], &mut b).contains("not a safetensors file"));
            // Another shape: a model with 4 output units.
            let other = save(&[("", &model(1, 4))], "{}");
            let e = err(&other, &mut b);
            assert!(e.contains("dense/kernel has shape [18, 4]; this model expects [18, 3]"), "{e}");
            // Another model altogether (the prefix of a GAN's generator).
            let gan = save(&[("generator/", &a)], "{}");
            assert!(err(&gan, &mut b).contains("no tensor conv2d/kernel"));
            // Extra tensors: a file of two models loaded into one.
            let two = save(&[("", &a), ("extra/", &a)], "{}");
            assert!(err(&two, &mut b).contains("another model"));
            // Another dtype.
            let half = safetensors::serialize(
                [("conv2d/kernel", TensorView::new(Dtype::F16, vec![3, 3, 1, 2], &[0u8; 36]).unwrap())],
                None,
            )
            .unwrap();
            assert!(err(&half, &mut b).contains("F16"));
            assert_eq!(b.weights_sha256(), before, "a failed load changes nothing");
        }
    }

    crate::both_targets_test! {
        fn a_base_loads_under_a_new_head() {
            // A 3-class model's file; the new model keeps the conv layer and has 4 outputs.
            let source = model(1, 3);
            let bytes = save(&[("", &source)], "{}");
            let mut target = model(2, 4);
            let head_before: Vec<f32> = target.params().nth(2).unwrap().value.clone();
            load_layers(&mut target, 0..2, &bytes).unwrap();
            let (s, t): (Vec<_>, Vec<_>) = (source.params().collect(), target.params().collect());
            assert_eq!(s[0].value, t[0].value, "the base's kernel came from the file");
            assert_eq!(s[1].value, t[1].value, "and its bias");
            assert_eq!(t[2].value, head_before, "the new head keeps its own weights");
            // A base of another shape is refused and nothing changes.
            let other = Sequential::new(
                [5, 5, 1],
                &[LayerSpec::conv2d(3, 3, Activation::Relu), LayerSpec::Flatten, LayerSpec::dense(4, Activation::Softmax)],
                &mut Rng::new(3),
            )
            .unwrap();
            let before = target.weights_sha256();
            let e = load_layers(&mut target, 0..2, &save(&[("", &other)], "{}")).unwrap_err();
            assert!(e.contains("conv2d/kernel has shape [3, 3, 1, 3]"), "{e}");
            assert_eq!(target.weights_sha256(), before);
        }
    }
}
