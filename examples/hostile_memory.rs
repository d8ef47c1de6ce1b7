//! Peak heap memory of `Validator::validate` per hostile message (issue 5, "Bounded cost"): the
//! shapes and sizes of `benches/hostile.rs`, validated as raw XML with the default configuration,
//! under a global allocator that counts live bytes and remembers the highest count.
//!
//! Prints, per shape and size, the peak heap bytes above what was live before the call (the request's
//! copy of the input included), and the ratio to the input size; then the slope per shape (bytes of
//! peak memory per input byte between the smallest and the largest size).
//!
//! ```text
//! cargo run --release --example hostile_memory
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

#[path = "../benches/hostile/shapes.rs"]
mod shapes;

/// Wraps the system allocator, counting live bytes and the highest count since the last reset.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(size: usize) {
    let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to `System`, which upholds the GlobalAlloc contract.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's layout contract is passed on to System unchanged.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for alloc.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: ptr was allocated by System with this layout (through this allocator).
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: ptr was allocated by System with this layout; new_size obeys the caller's contract.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak bytes allocated above the starting level while `f` runs.
fn peak_during(f: impl FnOnce()) -> usize {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    f();
    PEAK.load(Ordering::Relaxed) - base
}

fn main() {
    let validator = shapes::validator();
    println!("Validator::validate, default limits, raw XML: peak heap above the level before the call");
    println!(
        "{:<15} {:>8} {:>7} {:>12} {:>9}  outcome",
        "shape", "size KiB", "signed", "peak KiB", "× input"
    );
    let mut worst = 0usize;
    for (shape, what) in shapes::SHAPES {
        let mut points = Vec::new();
        for size in shapes::SIZES {
            let (xml, signed) = shapes::message(shape, size);
            let mut outcome = String::new();
            let peak = peak_during(|| {
                outcome = match validator.validate(&shapes::request(&xml)) {
                    Ok(_) => "ok".into(),
                    Err(e) => format!("code {}", e.code().code()),
                };
            });
            worst = worst.max(peak);
            points.push((xml.len() as f64, peak as f64));
            println!(
                "{:<15} {:>8.0} {:>7} {:>12.0} {:>9.1}  {outcome}",
                shape,
                xml.len() as f64 / 1024.0,
                if signed { "yes" } else { "no" },
                peak as f64 / 1024.0,
                peak as f64 / xml.len() as f64
            );
        }
        let (b0, p0) = points[0];
        let (b1, p1) = points[points.len() - 1];
        println!(
            "{:<15} slope {:.1} bytes of peak memory per input byte — {what}",
            "",
            (p1 - p0) / (b1 - b0)
        );
    }
    println!("\nlargest peak: {:.1} MiB (budget 64 MiB)", worst as f64 / (1024.0 * 1024.0));
}
