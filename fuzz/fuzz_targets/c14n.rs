//! Every canonicalization of an accepted document, whole or of one of its first elements, must not
//! panic; exclusive canonical output must itself parse, and canonicalizing it again changes nothing.
//! The body is `entry_points::c14n`.
#![no_main]

#[allow(dead_code)]
#[path = "../entry_points.rs"]
mod entry_points;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    entry_points::c14n(data);
});
