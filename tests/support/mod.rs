//! Helpers shared by the integration tests that read the interop vectors.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The shared interop folder: `$SAMLGUARD_INTEROP`, else `../shared/interop` next to the crate.
/// Panics with a clear message when it is missing: a test that needs it must fail, not pass vacuously.
pub fn interop_dir() -> PathBuf {
    let dir = match std::env::var_os("SAMLGUARD_INTEROP") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/interop"),
    };
    assert!(
        dir.is_dir(),
        "interop vectors not found at {}: check out the shared folder next to the repository \
         (../shared/interop) or point SAMLGUARD_INTEROP at it",
        dir.display()
    );
    dir
}

/// One row of a tab-separated index, by column name.
pub type Row = HashMap<String, String>;

/// Reads a tab-separated index (`#` lines are comments, the first other line names the columns).
pub fn read_tsv(path: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read the vector index {}: {e}", path.display()));
    let mut lines = text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    let header: Vec<&str> = lines.next().expect("index has a header line").split('\t').collect();
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            assert_eq!(cells.len(), header.len(), "{}: malformed row {l:?}", path.display());
            header.iter().zip(cells).map(|(h, c)| (h.to_string(), c.to_string())).collect()
        })
        .collect()
}
