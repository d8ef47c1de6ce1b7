//! `verify_document` against a fixed trusted certificate must not panic, whatever the document.
//! The body is `entry_points::dsig_verify`.
#![no_main]

#[allow(dead_code)]
#[path = "../entry_points.rs"]
mod entry_points;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    entry_points::dsig_verify(data);
});
