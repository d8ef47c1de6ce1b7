//! Replays committed fuzz inputs through the fuzz targets' own code (`fuzz/entry_points.rs`), so CI
//! checks them without running the fuzzer:
//!
//! * `testdata/fuzz-regressions/<target>-<name>`: inputs that once crashed a target or are worth
//!   keeping (minimized); with `<target>-<name>.expect` beside one, its content (`ok` or `code N`) is
//!   the outcome `validate`/`post_body` must give;
//! * `testdata/fuzz-corpus/<target>/*`: a few dozen of the most coverage-rich corpus inputs of each
//!   target (chosen by `fuzz/select_corpus.py`).
//!
//! A panic in any of them fails the test with the file's name.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

#[allow(dead_code)]
#[path = "../fuzz/entry_points.rs"]
mod entry_points;

const TARGETS: [&str; 6] = ["xml_reader", "c14n", "dsig_verify", "pem_certificates", "validate", "post_body"];

fn testdata(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata").join(dir)
}

/// `ok`, `code N`, or `-` when the target has no outcome (the lower layers, or an empty input).
fn replay(target: &str, data: &[u8]) -> String {
    let outcome = |r: Option<Result<samlguard::Login, samlguard::SsoError>>| match r {
        None => "-".to_string(),
        Some(Ok(_)) => "ok".to_string(),
        Some(Err(e)) => format!("code {}", e.code().code()),
    };
    match target {
        "xml_reader" => entry_points::xml_reader(data),
        "c14n" => entry_points::c14n(data),
        "dsig_verify" => entry_points::dsig_verify(data),
        "pem_certificates" => entry_points::pem_certificates(data),
        "validate" => return outcome(entry_points::validate(data)),
        "post_body" => return outcome(entry_points::post_body(data)),
        other => panic!("unknown fuzz target {other}"),
    }
    "-".to_string()
}

/// Replays one file, turning a panic into an error naming it.
fn replay_file(target: &str, path: &Path) -> Result<String, String> {
    let data = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    catch_unwind(AssertUnwindSafe(|| replay(target, &data))).map_err(|p| {
        let msg = p
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| p.downcast_ref::<&str>().copied())
            .unwrap_or("(no message)");
        format!("{target} panics on {}: {msg}", path.display())
    })
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.expect("directory entry").path()).filter(|p| p.is_file()).collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

#[test]
fn regressions_replay() {
    let mut failures = Vec::new();
    let mut count = 0;
    for path in files(&testdata("fuzz-regressions")) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".expect") || name.ends_with(".md") {
            continue;
        }
        let Some(target) = TARGETS.iter().find(|t| name.starts_with(&format!("{t}-"))) else {
            failures.push(format!("{name}: the name does not start with a target (one of {TARGETS:?})"));
            continue;
        };
        count += 1;
        match replay_file(target, &path) {
            Err(e) => failures.push(e),
            Ok(outcome) => {
                let expect = path.with_file_name(format!("{name}.expect"));
                if let Ok(expected) = std::fs::read_to_string(&expect)
                    && outcome != expected.trim()
                {
                    failures.push(format!("{name}: {outcome}, expected {}", expected.trim()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{count} regression inputs:\n{}", failures.join("\n"));
}

#[test]
fn committed_corpus_replays() {
    let mut failures = Vec::new();
    for target in TARGETS {
        let inputs = files(&testdata("fuzz-corpus").join(target));
        assert!(!inputs.is_empty(), "testdata/fuzz-corpus/{target}/ is empty");
        let mut accepted = 0;
        for path in &inputs {
            match replay_file(target, path) {
                Ok(outcome) => accepted += usize::from(outcome == "ok"),
                Err(e) => failures.push(e),
            }
        }
        eprintln!("testdata/fuzz-corpus/{target}: {} inputs replayed, {accepted} accepted", inputs.len());
        // The validate/post_body corpora start from accepted responses: if none is accepted any more,
        // the targets' configuration and the seeds have drifted apart and the fuzzer stops early.
        if matches!(target, "validate" | "post_body") {
            assert!(accepted > 0, "no input of testdata/fuzz-corpus/{target}/ is accepted any more");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
