//! Verifies the one XML signature of a document against trusted certificates.
//!
//! ```text
//! cargo run --example verify_signature -- testdata/demo/idp.crt testdata/demo/signed-response.xml
//! ```
use samlguard::{AlgorithmPolicy, Document, load_certificates, verify_document};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(cert_path), Some(doc_path)) = (args.next(), args.next()) else {
        eprintln!("usage: verify_signature CERT.pem DOCUMENT.xml");
        std::process::exit(2);
    };
    let trusted = load_certificates(&std::fs::read(cert_path)?)?;
    let doc = Document::parse(&std::fs::read(doc_path)?)?;
    match verify_document(&doc, &trusted, &AlgorithmPolicy::default()) {
        Ok(verified) => {
            let signed = verified.signed_element();
            let cert = &trusted[verified.certificate_indices()[0]];
            println!(
                "valid: <{}> at line {} is signed by {}",
                signed.qualified_name(),
                signed.position().0,
                cert.subject()
            );
            Ok(())
        }
        Err(e) => {
            println!("refused: {e}");
            std::process::exit(1);
        }
    }
}
