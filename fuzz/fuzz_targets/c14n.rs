//! Every canonicalization of an accepted document, whole or of one of its first elements, must not
//! panic; exclusive canonical output must itself parse, and canonicalizing it again changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use samlguard::{C14nAlgorithm, Document, Subtree, canonicalize};

const ALGORITHMS: [C14nAlgorithm; 6] = [
    C14nAlgorithm::Inclusive10,
    C14nAlgorithm::Inclusive10WithComments,
    C14nAlgorithm::Inclusive11,
    C14nAlgorithm::Inclusive11WithComments,
    C14nAlgorithm::Exclusive,
    C14nAlgorithm::ExclusiveWithComments,
];

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = Document::parse(data) else { return };
    let whole = Subtree::document(&doc);
    let sets = std::iter::once(whole).chain(doc.elements().take(5).map(Subtree::element));
    for (i, set) in sets.enumerate() {
        for alg in ALGORITHMS {
            let Ok(out) = canonicalize(&doc, &set, alg, &[]) else { continue };
            if !alg.is_exclusive() {
                continue;
            }
            let again = Document::parse(&out).unwrap_or_else(|e| {
                panic!("{alg} output does not parse: {e}\n{}", String::from_utf8_lossy(&out))
            });
            if i == 0 {
                let twice = canonicalize(&again, &Subtree::document(&again), alg, &[]).expect("c14n again");
                assert_eq!(
                    String::from_utf8_lossy(&out),
                    String::from_utf8_lossy(&twice),
                    "{alg} is not idempotent"
                );
            }
        }
    }
});
