//! Training steps reuse their buffers: after a warm-up, a step of each training workload
//! allocates (almost) nothing, and nothing that grows with the batch or the images.

use mlpad::bench::Workload;
use mlpad::data::dataset::bundled_dir;
use mlpad::data::Dataset;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// Counts bytes requested from the system allocator.
struct Counting;

static BYTES: AtomicUsize = AtomicUsize::new(0);
static CALLS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        BYTES.fetch_add(layout.size(), Relaxed);
        CALLS.fetch_add(1, Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        BYTES.fetch_add(new_size, Relaxed);
        CALLS.fetch_add(1, Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn training_steps_do_not_allocate_per_sample() {
    let data = Dataset::load_dir("mnist", &bundled_dir()).expect("bundled MNIST");
    for name in [
        "cnn_train_b32",
        "mlp_train_b32",
        "gan_step_b64",
        "cnn_infer_b256",
    ] {
        let mut w = Workload::new(name, &data).expect(name);
        w.run(3);
        let (bytes, calls) = (BYTES.load(Relaxed), CALLS.load(Relaxed));
        let steps = 10;
        w.run(steps);
        let bytes = (BYTES.load(Relaxed) - bytes) / steps;
        let calls = (CALLS.load(Relaxed) - calls) / steps;
        println!("{name}: {calls} allocations, {bytes} bytes per step");
        // The optimizer takes its parameter list as a Vec: a few pointers per step, never
        // a buffer the size of a batch, an image or a weight tensor.
        assert!(
            calls <= 4 && bytes <= 512,
            "{name}: {calls} allocations, {bytes} bytes per step"
        );
    }
}
