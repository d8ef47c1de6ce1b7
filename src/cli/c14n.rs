//! `samlguard c14n`: the canonical bytes of a document, or of the element an ID names.

use samlguard::{C14nAlgorithm, Subtree, canonicalize};

use super::{Failure, element_by_id, input_label, read_document, write_stdout};
use crate::C14nArgs;

/// Runs the command: the canonical bytes go to stdout as they are (no newline is added).
pub(crate) fn run(args: &C14nArgs) -> Result<(), Failure> {
    let algorithm = C14nAlgorithm::from_mode(&args.mode)
        .ok_or_else(|| Failure::Usage(format!("unknown --mode {:?}", args.mode)))?;
    let prefixes: Vec<&str> = match &args.prefixes {
        None => Vec::new(),
        Some(_) if !algorithm.is_exclusive() => {
            return Err(Failure::Usage(format!(
                "--prefixes is the InclusiveNamespaces PrefixList of exclusive canonicalization; \
                 --mode {} is inclusive and takes none (use exc or exc-comments)",
                args.mode
            )));
        }
        Some(list) => list.split_ascii_whitespace().collect(),
    };
    let doc = read_document(&args.file).map_err(Failure::Failed)?;
    let bytes = match &args.id {
        None => canonicalize(&doc, &Subtree::document(&doc), algorithm, &prefixes),
        Some(id) => {
            let element = element_by_id(&doc, id).map_err(Failure::Failed)?;
            canonicalize(&doc, &Subtree::element(element), algorithm, &prefixes)
        }
    }
    .map_err(|e| Failure::Failed(format!("cannot canonicalize {}: {e}", input_label(&args.file))))?;
    write_stdout(&bytes)
}
