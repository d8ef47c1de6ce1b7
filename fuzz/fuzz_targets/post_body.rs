//! `SsoRequest::detect` + `Validator::validate` on HTTP-POST bodies built around the input (base64,
//! MIME lines, form fields with several percent-encodings), so that the transport decoders run on
//! everything the fuzzer makes and a well-formed payload still reaches the XML and signature checks.
//! See `entry_points::post_body` and fuzz/README.md.
#![no_main]

#[allow(dead_code)]
#[path = "../entry_points.rs"]
mod entry_points;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = entry_points::post_body(data);
});
