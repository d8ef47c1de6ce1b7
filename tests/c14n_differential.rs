//! Differential test of samlguard's canonicalization against libxml2's (through lxml).
//!
//! Documents are generated here with a small seeded PRNG; every document is canonicalized as a whole
//! and as the subtree of one random element, with inclusive C14N 1.0 (with and without comments) and
//! exclusive C14N (with and without comments, and with an `InclusiveNamespaces PrefixList`). All cases
//! go into one temporary directory and one `python3 tests/c14n_differential.py DIR` process computes
//! lxml's bytes; every difference is reported with its document.
//!
//! C14N 1.1 is not covered here (lxml has no C14N 1.1 mode): the W3C C14N 1.1 vectors in
//! `tests/c14n_vectors.rs` cover it.
//!
//! Knobs: `SAMLGUARD_DIFF_SEED` (default fixed), `SAMLGUARD_DIFF_DOCS` (default 300),
//! `SAMLGUARD_PYTHON` (default `python3`). lxml is required: the test fails without it.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use samlguard::{C14nAlgorithm, Document, Subtree, canonicalize};

/// xorshift64*: tiny, seeded, good enough to shuffle test shapes.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() >> 33) as usize % n
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

const PREFIXES: &[&str] = &["a", "b", "p", "q", "ns1", "z"];
/// Namespace URIs as written in markup (`&amp;` is the character `&`).
const URIS: &[(&str, &str)] = &[
    ("urn:a", "urn:a"),
    ("urn:b", "urn:b"),
    ("urn:a:b", "urn:a:b"),
    ("http://example.com/", "http://example.com/"),
    // No `&` (`&amp;`) in namespace URIs: C14N 1.0 §2.3 processes a namespace node "in the same way
    // as an attribute node", so `&` must come out as `&amp;`, but libxml2's xmlC14NPrintNamespaces
    // writes the URI with xmlOutputBufferWriteQuotedString, unescaped. samlguard's escaping of
    // namespace values is covered by a unit test in src/c14n.rs instead.
    ("http://example.com/x?a=1;b=2", "http://example.com/x?a=1;b=2"),
    ("http://www.w3.org/2000/09/xmldsig#", "http://www.w3.org/2000/09/xmldsig#"),
    ("urn:%C3%A9", "urn:%C3%A9"),
];
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
const ELEMENT_NAMES: &[&str] = &["e", "f", "g", "Item", "é", "x-y"];
const ATTRIBUTE_NAMES: &[&str] = &["a", "b", "c", "attr", "Z", "é", "x.y"];
const TEXT: &[&str] = &[
    "x",
    "hello world",
    "&amp;",
    "&lt;",
    "&gt;",
    ">",
    "\"",
    "'",
    "\t",
    "&#13;",
    "&#xD;",
    "\r\n",
    "\r",
    "&#9;",
    "&#10;",
    "é€😀",
    "  ",
    "\n",
    "a]b",
    "&apos;",
    "&quot;",
    "&#x1F600;",
];
const ATTR_VALUES: &[&str] = &[
    "v",
    "",
    "&amp;",
    "&lt;",
    ">",
    "&quot;",
    "'",
    "&#9;",
    "&#10;",
    "&#13;",
    "\t",
    "\n",
    "\r\n",
    "é€😀",
    " sp ",
    "&#x20;",
    "&apos;",
    "a&#xD;&#xA;b",
];
const COMMENTS: &[&str] = &["c", " c ", "a-b", "é€", "multi\nline", "x\r\ny", "", "<tag> & stuff"];
const PI_TARGETS: &[&str] = &["pi", "x-y", "t"];
const PI_DATA: &[&str] = &["", "d", "a  b", "é", "x ", "<&>", "\r\n y", "k=\"v\""];
const CDATA: &[&str] = &["<x>", "a & b", "]]", "]>", "\r\n", "&amp;", "é", ""];

struct Gen {
    rng: Rng,
    out: String,
    elements: usize,
    target: usize,
    /// For each element, in document order: the prefixes in scope (for the PrefixList).
    scopes: Vec<Vec<String>>,
}

/// What is in scope while generating: prefix (None = default) → URI as written (empty = undeclared).
type Scope = Vec<(Option<String>, &'static str, &'static str)>;

impl Gen {
    fn resolve(scope: &Scope, prefix: Option<&str>) -> Option<&'static str> {
        scope.iter().rev().find(|s| s.0.as_deref() == prefix).map(|s| s.2).filter(|u| !u.is_empty())
    }

    fn element(&mut self, scope: &mut Scope, depth: usize) {
        let me = self.elements;
        self.elements += 1;
        let mark = scope.len();
        let mut tag = String::new();
        // Namespace declarations: default set or reset, prefixed ones (same or different URIs).
        let mut decls = String::new();
        match self.rng.below(10) {
            0..=1 => {
                let u = self.rng.pick(URIS);
                write!(decls, " xmlns=\"{}\"", u.0).unwrap();
                scope.push((None, u.0, u.1));
            }
            2 => {
                decls.push_str(" xmlns=\"\"");
                scope.push((None, "", ""));
            }
            _ => {}
        }
        let mut declared: Vec<&str> = Vec::new();
        for _ in 0..self.rng.below(4).saturating_sub(1) {
            let p = self.rng.pick(PREFIXES);
            if declared.contains(&p) {
                continue;
            }
            declared.push(p);
            let u = self.rng.pick(URIS);
            write!(decls, " xmlns:{p}=\"{}\"", u.0).unwrap();
            scope.push((Some(p.to_string()), u.0, u.1));
        }
        if self.rng.chance(3) {
            write!(decls, " xmlns:xml=\"{XML_NS}\"").unwrap();
        }
        let bound: Vec<String> = PREFIXES
            .iter()
            .filter(|p| Self::resolve(scope, Some(p)).is_some())
            .map(|p| p.to_string())
            .collect();
        let mut in_scope = bound.clone();
        if Self::resolve(scope, None).is_some() {
            in_scope.push("#default".into());
        }
        self.scopes.push(in_scope);

        let local = self.rng.pick(ELEMENT_NAMES);
        if !bound.is_empty() && self.rng.chance(50) {
            write!(tag, "{}:{local}", bound[self.rng.below(bound.len())]).unwrap();
        } else {
            tag.push_str(local);
        }
        self.out.push('<');
        self.out.push_str(&tag);
        // Attribute order as written is shuffled against the declarations.
        let mut attrs: Vec<String> = Vec::new();
        let mut used: Vec<(Option<&str>, &str)> = Vec::new();
        for _ in 0..self.rng.below(5) {
            let value = self.attr_value();
            let (ns, prefix, local): (Option<&str>, Option<String>, &str) = match self.rng.below(10) {
                0..=4 => (None, None, self.rng.pick(ATTRIBUTE_NAMES)),
                5..=7 if !bound.is_empty() => {
                    let p = bound[self.rng.below(bound.len())].clone();
                    (Self::resolve(scope, Some(&p)), Some(p), self.rng.pick(ATTRIBUTE_NAMES))
                }
                _ => (Some(XML_NS), Some("xml".into()), self.rng.pick(&["lang", "space", "base", "id"])),
            };
            let name = match &prefix {
                Some(p) => format!("{p}:{local}"),
                None => local.to_string(),
            };
            if used.contains(&(ns, local)) {
                continue;
            }
            used.push((ns, local));
            let value = match name.as_str() {
                "xml:space" => self.rng.pick(&["preserve", "default"]).to_string(),
                "xml:lang" => self.rng.pick(&["en", "fr-CA", ""]).to_string(),
                "xml:base" => self.rng.pick(&["http://example.com/b/", "sub/"]).to_string(),
                // libxml2 checks xml:id values are NCNames (xml:id recommendation).
                "xml:id" => format!("{}{me}", self.rng.pick(&["i", "é"])),
                _ => value,
            };
            attrs.push(format!(" {name}=\"{value}\""));
        }
        if me == self.target {
            attrs.push(format!(" tid=\"{me}\""));
        }
        // Interleave declarations and attributes as written.
        if self.rng.chance(50) {
            self.out.push_str(&decls);
            attrs.iter().for_each(|a| self.out.push_str(a));
        } else {
            attrs.iter().for_each(|a| self.out.push_str(a));
            self.out.push_str(&decls);
        }
        let children = if depth >= 4 { 0 } else { self.rng.below(6) };
        if children == 0 && self.rng.chance(50) {
            self.out.push_str(if self.rng.chance(50) { "/>" } else { " />" });
        } else {
            self.out.push('>');
            for _ in 0..children {
                match self.rng.below(100) {
                    0..=39 => self.element(scope, depth + 1),
                    40..=69 => self.text(),
                    70..=79 => self.comment(),
                    80..=87 => self.pi(),
                    88..=94 => {
                        let c = self.rng.pick(CDATA);
                        write!(self.out, "<![CDATA[{c}]]>").unwrap();
                    }
                    _ => self.out.push_str(self.rng.pick(&["\n  ", " ", "\t\n"])),
                }
            }
            write!(self.out, "</{tag}>").unwrap();
        }
        scope.truncate(mark);
    }

    fn attr_value(&mut self) -> String {
        (0..1 + self.rng.below(3)).map(|_| self.rng.pick(ATTR_VALUES)).collect()
    }

    fn text(&mut self) {
        for _ in 0..1 + self.rng.below(4) {
            let t = self.rng.pick(TEXT);
            self.out.push_str(t);
        }
    }

    fn comment(&mut self) {
        let c = self.rng.pick(COMMENTS);
        write!(self.out, "<!--{c}-->").unwrap();
    }

    fn pi(&mut self) {
        let t = self.rng.pick(PI_TARGETS);
        let d = self.rng.pick(PI_DATA);
        if d.is_empty() {
            write!(self.out, "<?{t}?>").unwrap();
        } else {
            write!(self.out, "<?{t} {d}?>").unwrap();
        }
    }

    fn misc(&mut self) {
        for _ in 0..self.rng.below(3) {
            match self.rng.below(3) {
                0 => self.comment(),
                1 => self.pi(),
                _ => self.out.push_str(self.rng.pick(&["\n", " ", "\r\n\t"])),
            }
        }
    }

    /// One document; returns it with the id of the subtree target and the prefixes in scope there.
    fn document(seed: u64) -> (String, usize, Vec<String>) {
        let mut rng = Rng::new(seed);
        // First pass counts elements so that the target can be chosen uniformly; the second pass
        // (same seed) writes the document with the target's `tid` attribute.
        let mut g = Gen {
            rng: Rng::new(seed),
            out: String::new(),
            elements: 0,
            target: usize::MAX,
            scopes: Vec::new(),
        };
        g.whole();
        let target = rng.below(g.elements);
        let mut g = Gen { rng: Rng::new(seed), out: String::new(), elements: 0, target, scopes: Vec::new() };
        g.whole();
        let scope = g.scopes[target].clone();
        (g.out, target, scope)
    }

    fn whole(&mut self) {
        if self.rng.chance(30) {
            self.out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        }
        self.misc();
        let mut scope = Scope::new();
        self.element(&mut scope, 0);
        self.misc();
    }
}

struct Case {
    id: String,
    doc: usize,
    /// `None`: the whole document.
    tid: Option<usize>,
    algorithm: C14nAlgorithm,
    prefixes: Vec<String>,
}

fn python() -> String {
    std::env::var("SAMLGUARD_PYTHON").unwrap_or_else(|_| "python3".into())
}

fn require_lxml() {
    let ok = Command::new(python())
        .args(["-c", "import lxml.etree"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "the C14N differential test needs lxml (libxml2's C14N) as its reference: run `python3 -m pip install lxml`"
    );
}

#[test]
fn canonicalization_matches_libxml2() {
    require_lxml();
    let seed: u64 =
        std::env::var("SAMLGUARD_DIFF_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5A41_4C47);
    let count: usize = std::env::var("SAMLGUARD_DIFF_DOCS").ok().and_then(|s| s.parse().ok()).unwrap_or(300);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut docs: Vec<String> = Vec::new();
    let mut cases: Vec<Case> = Vec::new();
    let mut tsv = String::new();
    for i in 0..count {
        let (xml, target, scope) = Gen::document(seed.wrapping_add(i as u64));
        std::fs::write(dir.path().join(format!("d{i}.xml")), &xml).unwrap();
        let mut rng = Rng::new(seed ^ (i as u64) << 20);
        for tid in [None, Some(target)] {
            // A PrefixList drawn from the prefixes in scope at the apex, plus an unbound one.
            // `#default` is left out: lxml passes the list through `_convert_ns_prefixes`, which keeps
            // only names already in the document's dictionary (`xmlDictExists`), so "#default" never
            // reaches libxml2 and lxml cannot serve as a reference for it (tests/c14n_vectors.rs has
            // the merlin vectors with `PrefixList="#default"`).
            let mut prefixes: Vec<String> =
                scope.iter().filter(|p| *p != "#default" && rng.chance(50)).cloned().collect();
            if prefixes.is_empty() {
                prefixes.push(rng.pick(PREFIXES).to_string());
            }
            if rng.chance(20) {
                prefixes.push("unbound".into());
            }
            let runs: [(C14nAlgorithm, Vec<String>); 5] = [
                (C14nAlgorithm::Inclusive10, vec![]),
                (C14nAlgorithm::Inclusive10WithComments, vec![]),
                (C14nAlgorithm::Exclusive, vec![]),
                (C14nAlgorithm::ExclusiveWithComments, vec![]),
                (C14nAlgorithm::Exclusive, prefixes),
            ];
            for (k, (algorithm, prefixes)) in runs.into_iter().enumerate() {
                let id = format!("d{i}-{}-{k}", if tid.is_some() { "sub" } else { "doc" });
                writeln!(
                    tsv,
                    "{id}\td{i}.xml\t{}\t{}\t{}\t{}",
                    tid.map(|t| t.to_string()).unwrap_or_default(),
                    u8::from(algorithm.is_exclusive()),
                    u8::from(algorithm.with_comments()),
                    prefixes.join(" ")
                )
                .unwrap();
                cases.push(Case { id, doc: i, tid, algorithm, prefixes });
            }
        }
        docs.push(xml);
    }
    std::fs::write(dir.path().join("cases.tsv"), tsv).unwrap();

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c14n_differential.py");
    let out = Command::new(python()).arg(&script).arg(dir.path()).output().expect("run python3");
    assert!(
        out.status.success(),
        "{} failed ({}): {}\n(if lxml is missing: python3 -m pip install lxml)",
        script.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );

    let mut mismatches: Vec<String> = Vec::new();
    for case in &cases {
        let base = dir.path().join("out").join(&case.id);
        let expected =
            match std::fs::read(base.with_extension("c14n")) {
                Ok(b) => Ok(b),
                Err(_) => Err(std::fs::read_to_string(base.with_extension("err"))
                    .unwrap_or_else(|_| "no output".into())),
            };
        let xml = &docs[case.doc];
        let actual = match Document::parse_str(xml) {
            Err(e) => Err(format!("samlguard refused the document: {e}")),
            Ok(doc) => {
                let set = match case.tid {
                    None => Subtree::document(&doc),
                    Some(t) => {
                        let t = t.to_string();
                        let el =
                            doc.elements().find(|e| e.attribute("tid") == Some(t.as_str())).expect("target");
                        Subtree::element(el)
                    }
                };
                let prefixes: Vec<&str> = case.prefixes.iter().map(String::as_str).collect();
                canonicalize(&doc, &set, case.algorithm, &prefixes)
                    .map_err(|e| format!("samlguard failed: {e}"))
            }
        };
        if expected != actual {
            let show = |r: &Result<Vec<u8>, String>| match r {
                Ok(b) => format!("{:?}", String::from_utf8_lossy(b)),
                Err(e) => format!("error: {e}"),
            };
            mismatches.push(format!(
                "case {} ({:?}, {}, PrefixList {:?})\n  document: {:?}\n  lxml:      {}\n  samlguard: {}",
                case.id,
                case.algorithm,
                case.tid.map(|t| format!("subtree tid={t}")).unwrap_or_else(|| "whole document".into()),
                case.prefixes,
                xml,
                show(&expected),
                show(&actual)
            ));
        }
    }
    {
        // Straight to stderr: shows even when the test harness captures output.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "c14n differential: {} documents, {} cases, {} mismatches",
            docs.len(),
            cases.len(),
            mismatches.len()
        );
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} cases differ from lxml:\n\n{}",
        mismatches.len(),
        cases.len(),
        mismatches.join("\n\n")
    );
}
