//! How `Validator::validate` time grows with the size of hostile messages (issue 5, "Bounded cost").
//!
//! Each shape of `hostile/shapes.rs` (namespace-heavy, attribute-heavy, deep, long text, many siblings,
//! many IDs, many decoy signatures, plus an honest baseline) is built at 64 KiB, 256 KiB and 1 MiB (the
//! default `max_response_bytes`), signed over the whole Response where the default parse limits let it
//! be parsed, and validated as raw XML (`SsoRequest::xml`) with the default configuration.
//!
//! Criterion measures each (shape, size) with `Throughput::Bytes`, so its report gives MiB/s; then a
//! summary table prints, per shape, the median time at each size, the time per KiB, the outcome (the
//! error code, `ok`, or the parse limit that refused it), and the slope between the smallest and the
//! largest size (µs per KiB): equal time per KiB across sizes means linear growth.
//!
//! Peak memory per message: `cargo run --release --example hostile_memory`.
//!
//! Run with `cargo bench --bench hostile` (about 2 minutes on 2 cores, plus the build);
//! `cargo bench --bench hostile -- --summary-only` prints only the table.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};

#[path = "hostile/shapes.rs"]
mod shapes;

fn outcome(validator: &samlguard::Validator, xml: &[u8]) -> String {
    match validator.validate(&shapes::request(xml)) {
        Ok(_) => "ok".to_string(),
        Err(e) => {
            let detail = e.detail().to_string();
            let limit = ["TooDeep", "deeper", "attributes", "nodes", "too large", "longer"]
                .iter()
                .find(|w| detail.contains(*w))
                .map(|_| {
                    let d = detail.split("acceptable XML: ").nth(1).unwrap_or(&detail);
                    format!(" ({})", d.split(['.', ';']).next().unwrap_or(d))
                })
                .unwrap_or_default();
            format!("code {}{limit}", e.code().code())
        }
    }
}

/// The median of `runs` timed validations.
fn median_time(validator: &samlguard::Validator, xml: &[u8], runs: usize) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let request = shapes::request(xml);
            let start = Instant::now();
            let _ = black_box(validator.validate(black_box(&request)));
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn main() {
    let summary_only = std::env::args().any(|a| a == "--summary-only");
    let validator = shapes::validator();
    let messages: Vec<(&str, usize, Vec<u8>, bool)> = shapes::SHAPES
        .iter()
        .flat_map(|(shape, _)| {
            shapes::SIZES.iter().map(move |&size| {
                let (xml, signed) = shapes::message(shape, size);
                (*shape, size, xml, signed)
            })
        })
        .collect();

    if !summary_only {
        let mut c = Criterion::default()
            .configure_from_args()
            .sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1));
        for (shape, _) in shapes::SHAPES {
            let mut group = c.benchmark_group(format!("hostile/{shape}"));
            for (_, size, xml, _) in messages.iter().filter(|m| m.0 == shape) {
                group.throughput(Throughput::Bytes(xml.len() as u64));
                group.bench_with_input(BenchmarkId::from_parameter(size / 1024), xml, |b, xml| {
                    b.iter(|| validator.validate(black_box(&shapes::request(xml))))
                });
            }
            group.finish();
        }
        c.final_summary();
    }

    println!("\nValidator::validate, default limits, raw XML; median of 15 runs (release build)");
    println!("{:<15} {:>8} {:>8} {:>10} {:>9}  outcome", "shape", "size KiB", "signed", "time µs", "µs/KiB");
    let mut worst = Duration::ZERO;
    for (shape, what) in shapes::SHAPES {
        let rows: Vec<_> = messages.iter().filter(|m| m.0 == shape).collect();
        let mut points = Vec::new();
        for (_, _, xml, signed) in &rows {
            let t = median_time(&validator, xml, 15);
            worst = worst.max(t);
            let kib = xml.len() as f64 / 1024.0;
            let us = t.as_secs_f64() * 1e6;
            points.push((kib, us));
            println!(
                "{:<15} {:>8.0} {:>8} {:>10.0} {:>9.2}  {}{}",
                shape,
                kib,
                if *signed { "yes" } else { "no" },
                us,
                us / kib,
                outcome(&validator, xml),
                if t > Duration::from_millis(50) { "  OVER 50 ms" } else { "" }
            );
        }
        let (k0, t0) = points[0];
        let (k1, t1) = points[points.len() - 1];
        println!("{:<15} slope {:.2} µs/KiB from {k0:.0} to {k1:.0} KiB — {what}", "", (t1 - t0) / (k1 - k0));
    }
    println!("\nslowest single message: {:.1} ms (budget 50 ms)", worst.as_secs_f64() * 1e3);
}
