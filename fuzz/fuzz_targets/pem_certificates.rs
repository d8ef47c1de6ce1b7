//! `load_certificates` on arbitrary bytes must not panic; every certificate it returns can be read.
#![no_main]

use libfuzzer_sys::fuzz_target;
use samlguard::load_certificates;

fuzz_target!(|data: &[u8]| {
    let Ok(certs) = load_certificates(data) else { return };
    for cert in certs {
        let _ = (cert.subject(), cert.issuer(), cert.serial_hex(), cert.not_before(), cert.not_after());
        let _ = (cert.fingerprint_colon(), cert.public_key().describe());
    }
});
