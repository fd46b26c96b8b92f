//! Training steps reuse their buffers: after a warm-up, a step of each training workload
//! allocates (almost) nothing, and nothing that grows with the batch or the images; the
//! labs' shared training loop adds only the numbers it reports.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use mlpad::bench::Workload;
use mlpad::labs::augmentation::Augmentation;
use mlpad::labs::cnn::Cnn;
use mlpad::labs::gradients::Gradients;
use mlpad::labs::regularization::Regularization;
use mlpad::labs::training::{Recipe, Training};
use mlpad::labs::{Budget, Lab};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Counts bytes and calls requested from the system allocator, per thread (the tests of
/// this file run in parallel).
struct Counting;

thread_local! {
    // Const-initialised and without a destructor: using it never allocates.
    static COUNTS: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
}

fn count(bytes: usize) {
    // `try_with`: a thread being torn down may still free and allocate.
    let _ = COUNTS.try_with(|c| {
        let (b, n) = c.get();
        c.set((b + bytes, n + 1));
    });
}

/// Bytes and calls since the thread started.
fn counts() -> (usize, usize) {
    COUNTS.with(Cell::get)
}

// SAFETY: forwards to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn training_steps_do_not_allocate_per_sample() {
    let data = common::dataset("mnist");
    for name in [
        "cnn_train_b32",
        "mlp_train_b32",
        "gan_step_b64",
        "cnn_infer_b256",
    ] {
        let mut w = Workload::new(name, &data).expect(name);
        w.run(3);
        let (bytes, calls) = counts();
        let steps = 10;
        w.run(steps);
        let (b, c) = counts();
        let (bytes, calls) = ((b - bytes) / steps, (c - calls) / steps);
        println!("{name}: {calls} allocations, {bytes} bytes per step");
        // The optimizer takes its parameter list as a Vec: a few pointers per step, never
        // a buffer the size of a batch, an image or a weight tensor.
        assert!(
            calls <= 4 && bytes <= 512,
            "{name}: {calls} allocations, {bytes} bytes per step"
        );
    }
}

/// Bytes and calls of one chunk of `steps` training steps of a lab, mid-epoch (after a
/// warm-up has sized every buffer: as in the workloads above, some grow on the second step).
fn chunk<R: Recipe>(link: &str, steps: usize) -> (usize, usize) {
    let mut lab = common::start::<Training<R>>(link);
    lab.step(&mut Budget::units(3));
    let before = counts();
    let p = lab.step(&mut Budget::units(steps));
    let after = counts();
    assert_eq!(
        p.payload.losses.len(),
        steps,
        "{link}: no epoch end in the chunk"
    );
    drop(p);
    (after.0 - before.0, after.1 - before.1)
}

#[test]
fn the_labs_training_loop_allocates_only_what_it_reports() {
    let steps = 20;
    for (lab, link, run) in [
        (
            "cnn",
            "#lab=cnn",
            chunk::<Cnn> as fn(&str, usize) -> (usize, usize),
        ),
        ("gradients", "#lab=gradients", chunk::<Gradients>),
        (
            "regularization",
            "#lab=regularization&variant=l2",
            chunk::<Regularization>,
        ),
        (
            "augmentation",
            "#lab=augmentation&augment=on",
            chunk::<Augmentation>,
        ),
    ] {
        let small = run(&format!("{link}&batch_size=64&train_size=12000"), steps);
        let large = run(&format!("{link}&batch_size=256&train_size=12000"), steps);
        println!("{lab}: {small:?} bytes, calls per {steps} steps of 64; {large:?} of 256");
        // The same numbers are reported whatever the batch, so the same memory is asked for.
        assert_eq!(small, large, "{lab}: allocation grows with the batch");
        let (bytes, calls) = small;
        assert!(
            calls <= 8 * steps && bytes <= 1024 * steps,
            "{lab}: {calls} allocations, {bytes} bytes for {steps} steps"
        );
    }
}
