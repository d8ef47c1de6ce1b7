//! `load_certificates` on arbitrary bytes must not panic; every certificate it returns can be read.
//! The body is `entry_points::pem_certificates`.
#![no_main]

#[allow(dead_code)]
#[path = "../entry_points.rs"]
mod entry_points;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    entry_points::pem_certificates(data);
});
