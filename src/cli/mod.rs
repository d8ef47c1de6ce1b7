//! What the commands share: reading an input within the XML reader's size limit, parsing it, writing to
//! stdout, and turning a failure into a message and an exit status.

pub(crate) mod authn_request;
pub(crate) mod c14n;
pub(crate) mod cert;
pub(crate) mod dsig;
pub(crate) mod logout;
pub(crate) mod metadata;
pub(crate) mod validate;

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use samlguard::{Document, Element, ParseOptions};

/// Why a command did not succeed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Refused, or an input could not be used: the message goes to stderr, exit status 1.
    Failed(String),
    /// Arguments that clap accepts but that do not fit together: exit status 2.
    Usage(String),
    /// The outcome is already on stdout (a JSON verdict): exit status 1, nothing more to print.
    Reported,
}

impl Failure {
    /// Prints the message (prefixed `samlguard: `) and gives the exit status.
    pub(crate) fn report(self) -> ExitCode {
        match self {
            Failure::Failed(message) => {
                print_error(&message);
                ExitCode::from(1)
            }
            Failure::Usage(message) => {
                print_error(&message);
                ExitCode::from(2)
            }
            Failure::Reported => ExitCode::from(1),
        }
    }
}

/// Writes one `samlguard: ` line to stderr. A closed stderr is ignored: there is nowhere left to say it.
fn print_error(message: &str) {
    let _ = writeln!(io::stderr().lock(), "samlguard: {message}");
}

/// How an input is named in messages: its path, or `standard input` for `-`.
pub(crate) fn input_label(name: &str) -> String {
    if name == "-" { "standard input".to_owned() } else { name.to_owned() }
}

/// Reads a file (stdin when `path` is `None`), refusing more than `limit` bytes without reading past
/// the limit. `label` names the input in messages.
pub(crate) fn read_limited(path: Option<&Path>, label: &str, limit: usize) -> Result<Vec<u8>, String> {
    let reader: Box<dyn Read> = match path {
        None => Box::new(io::stdin().lock()),
        Some(path) => Box::new(File::open(path).map_err(|e| format!("cannot read {label}: {e}"))?),
    };
    let mut bytes = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    reader.take(cap).read_to_end(&mut bytes).map_err(|e| format!("cannot read {label}: {e}"))?;
    if bytes.len() > limit {
        return Err(format!("{label} is larger than the {limit}-byte limit"));
    }
    Ok(bytes)
}

/// Reads and parses an XML input with the library's default (secure) options.
pub(crate) fn read_document(name: &str) -> Result<Document, String> {
    let options = ParseOptions::default();
    let path = (name != "-").then(|| Path::new(name));
    let bytes = read_limited(path, &input_label(name), options.max_bytes)?;
    Document::parse_with(&bytes, &options)
        .map_err(|e| format!("{} is not acceptable XML: {e}", input_label(name)))
}

/// The attributes that name an element for a same-document reference, as XML-DSig resolves them.
const ID_ATTRIBUTES: [&str; 3] = ["ID", "Id", "AssertionID"];

/// The name of the un-namespaced `ID`/`Id`/`AssertionID` attribute of `element` whose value is `id`.
pub(crate) fn id_attribute_named(element: Element<'_>, id: &str) -> Option<&'static str> {
    element.attributes().find_map(|a| {
        if a.namespace().is_none() && a.value() == id {
            ID_ATTRIBUTES.iter().copied().find(|n| *n == a.local_name())
        } else {
            None
        }
    })
}

/// The one element whose `ID`, `Id` or `AssertionID` is `id`; none, or several, is an error.
pub(crate) fn element_by_id<'d>(doc: &'d Document, id: &str) -> Result<Element<'d>, String> {
    let found: Vec<Element<'d>> = doc.elements().filter(|e| id_attribute_named(*e, id).is_some()).collect();
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(format!("no element has an ID, Id or AssertionID attribute with the value {id:?}")),
        several => {
            let lines: Vec<String> = several.iter().map(|e| e.position().0.to_string()).collect();
            Err(format!(
                "the ID {id:?} is on {} elements (lines {}); an ID must name exactly one element",
                several.len(),
                lines.join(", ")
            ))
        }
    }
}

/// Writes bytes to stdout and flushes them.
pub(crate) fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Failed(format!("cannot write to standard output: {e}")))
}
