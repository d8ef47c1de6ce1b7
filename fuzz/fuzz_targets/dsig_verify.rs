//! `verify_document` against a fixed trusted certificate must not panic, whatever the document.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use samlguard::{AlgorithmPolicy, Certificate, Document, verify_document};

static TRUSTED: LazyLock<[Certificate; 1]> = LazyLock::new(|| {
    [Certificate::from_pem(include_bytes!("../../testdata/keys/rsa2048.crt")).expect("rsa2048.crt loads")]
});

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = Document::parse(data) else { return };
    let _ = verify_document(&doc, &*TRUSTED, &AlgorithmPolicy::default());
});
