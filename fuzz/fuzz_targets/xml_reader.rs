//! `Document::parse` on arbitrary bytes must not panic; every node of an accepted document can be read,
//! and the tree and namespace bindings are consistent. The body is `entry_points::xml_reader`.
#![no_main]

#[allow(dead_code)]
#[path = "../entry_points.rs"]
mod entry_points;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    entry_points::xml_reader(data);
});
