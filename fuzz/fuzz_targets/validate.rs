//! The whole `Validator::validate` call with a fixed configuration and clock must not panic, whatever
//! the message. The first input byte chooses how the rest is handed over (raw XML, form body, detect)
//! and whether a request is outstanding; see `entry_points::validate` and fuzz/README.md.
#![no_main]

#[allow(dead_code)]
#[path = "../entry_points.rs"]
mod entry_points;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = entry_points::validate(data);
});
