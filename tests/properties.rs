//! Properties of the XML, C14N and XML-DSig layers, checked with proptest on generated documents:
//!
//! 1. `c14n_is_idempotent_*`: canonicalizing a random document (whole, or a random element's subtree)
//!    with each of the six algorithms, parsing the output and canonicalizing that again gives the same
//!    bytes.
//! 2. `sign_verify_round_trip`: a random document with an `ID` on a random element, signed with
//!    [`Signer`] (RSA-2048 or P-256, exclusive or inclusive 1.0/1.1 C14N), verifies, and the signed
//!    element is the one carrying the `ID`.
//! 3. `single_byte_mutation_is_never_accepted`: replacing any one byte of the signed element outside its
//!    `ds:Signature` either makes the document unparseable, or makes verification fail, or leaves the
//!    signed element's canonical form unchanged (a change the signature does not cover, such as white
//!    space inside a tag or a comment); never is a changed signed content accepted.
//! 4. `no_panic_*`: `Document::parse`, `canonicalize` (every algorithm, whole document and first
//!    elements) and `verify_document` do not panic on arbitrary bytes, on XML-like token soup, or on
//!    random edits of a real signed response.
//!
//! Each property runs 256 cases or more; the whole file takes 5–15 s in a debug build.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use samlguard::{
    AlgorithmPolicy, C14nAlgorithm, Certificate, DSIG_NS, Document, Signer, SigningKey, Subtree,
    canonicalize, find_signatures, verify_document,
};

const ALGORITHMS: [C14nAlgorithm; 6] = [
    C14nAlgorithm::Inclusive10,
    C14nAlgorithm::Inclusive10WithComments,
    C14nAlgorithm::Inclusive11,
    C14nAlgorithm::Inclusive11WithComments,
    C14nAlgorithm::Exclusive,
    C14nAlgorithm::ExclusiveWithComments,
];

/// What the signer may use for the reference and SignedInfo.
const SIGNING_C14N: [C14nAlgorithm; 3] =
    [C14nAlgorithm::Exclusive, C14nAlgorithm::Inclusive10, C14nAlgorithm::Inclusive11];

// ---------------------------------------------------------------------------------------------------
// Random documents

const LOCAL_NAMES: [&str; 8] = ["Response", "Assertion", "a", "b", "Item", "data", "x-y", "n.1"];
const PREFIXES: [&str; 5] = ["a", "b", "ns1", "saml", "p_q"];
const URIS: [&str; 6] = [
    "urn:a",
    "urn:b",
    "http://example.com/ns",
    "urn:oasis:names:tc:SAML:2.0:assertion",
    "http://www.w3.org/2001/XMLSchema-instance",
    "urn:x:y?q=1&amp;r=2",
];
/// Unprefixed attribute names. Never `ID`, `Id` or `AssertionID`: the signing test adds the only ID.
const ATTR_NAMES: [&str; 6] = ["a", "b", "Name", "type", "z", "Version"];
const TARGET_ID: &str = "_target-3f9c";

#[derive(Clone, Debug)]
enum Ns {
    /// `xmlns:PREFIXES[i]="URIS[j]"`.
    Prefix(usize, usize),
    /// `xmlns="URIS[j]"`.
    Default(usize),
    /// `xmlns=""`.
    Undeclare,
}

#[derive(Clone, Debug)]
enum AttrName {
    Plain(usize),
    /// A prefixed attribute (its namespace is declared where needed).
    Prefixed(usize, usize),
    /// `xml:lang`, `xml:space`, `xml:base`.
    Xml(&'static str),
}

#[derive(Clone, Debug)]
struct Attr {
    name: AttrName,
    value: String,
    /// Character references for white space and quotes rather than the characters.
    escape_all: bool,
    single_quote: bool,
}

#[derive(Clone, Debug)]
enum Child {
    Element(Element),
    Text(String, bool),
    CData(String),
    Comment(String),
    Pi(&'static str, String),
}

#[derive(Clone, Debug)]
struct Element {
    local: usize,
    prefix: Option<usize>,
    decls: Vec<Ns>,
    attrs: Vec<Attr>,
    children: Vec<Child>,
    /// `<e/>` when there are no children.
    self_close: bool,
    /// White space before `>` and around `=`.
    loose: bool,
}

#[derive(Clone, Debug)]
struct Doc {
    declaration: bool,
    before: Vec<Child>,
    root: Element,
    after: Vec<Child>,
}

impl Element {
    fn count(&self) -> usize {
        1 + self.children.iter().map(|c| if let Child::Element(e) = c { e.count() } else { 0 }).sum::<usize>()
    }
}

fn text_chars() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 <>&\"'\t\n\r\u{e9}\u{4e2d}\u{1F600}\\]=:;#/.-]{0,12}"
}

fn ns_decl() -> impl Strategy<Value = Ns> {
    prop_oneof![
        4 => (0..PREFIXES.len(), 0..URIS.len()).prop_map(|(p, u)| Ns::Prefix(p, u)),
        2 => (0..URIS.len()).prop_map(Ns::Default),
        1 => Just(Ns::Undeclare),
    ]
}

fn attr() -> impl Strategy<Value = Attr> {
    let name = prop_oneof![
        4 => (0..ATTR_NAMES.len()).prop_map(AttrName::Plain),
        2 => (0..PREFIXES.len(), 0..ATTR_NAMES.len()).prop_map(|(p, n)| AttrName::Prefixed(p, n)),
        1 => prop::sample::select(vec!["lang", "space", "base"]).prop_map(AttrName::Xml),
    ];
    (name, text_chars(), any::<bool>(), any::<bool>()).prop_map(|(name, value, escape_all, single_quote)| {
        let value = match name {
            AttrName::Xml("space") => if escape_all { "preserve" } else { "default" }.to_string(),
            AttrName::Xml("base") => {
                ["a/", "../b/c", "http://example.com/x/", "d?e#f"][value.len() % 4].into()
            }
            _ => value,
        };
        Attr { name, value, escape_all, single_quote }
    })
}

fn comment_text() -> impl Strategy<Value = String> {
    // No "--", and not ending with "-".
    "[a-z <>&'\"\u{e9}]{0,8}(-[a-z ])?"
}

fn leaf_child() -> impl Strategy<Value = Child> {
    prop_oneof![
        6 => (text_chars(), any::<bool>()).prop_map(|(t, refs)| Child::Text(t, refs)),
        1 => "[a-z <>&\"\u{e9}\\]]{0,8}".prop_map(|t| Child::CData(t.replace(']', "] "))),
        1 => comment_text().prop_map(Child::Comment),
        1 => (prop::sample::select(vec!["pi", "x-y", "target"]), "[a-z <>&\"]{0,8}").prop_map(|(t, d)| Child::Pi(t, d)),
    ]
}

fn element_header() -> impl Strategy<Value = Element> {
    (
        0..LOCAL_NAMES.len(),
        prop::option::weighted(0.6, 0..PREFIXES.len()),
        prop::collection::vec(ns_decl(), 0..4),
        prop::collection::vec(attr(), 0..4),
        any::<bool>(),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(local, prefix, decls, attrs, self_close, loose)| Element {
            local,
            prefix,
            decls,
            attrs,
            children: Vec::new(),
            self_close,
            loose,
        })
}

fn element() -> impl Strategy<Value = Element> {
    element_header().prop_recursive(5, 40, 5, |inner| {
        let child = prop_oneof![3 => inner.prop_map(Child::Element), 2 => leaf_child()];
        (element_header(), prop::collection::vec(child, 0..5)).prop_map(|(mut e, children)| {
            e.children = children;
            e
        })
    })
}

fn misc() -> impl Strategy<Value = Vec<Child>> {
    prop::collection::vec(
        prop_oneof![
            comment_text().prop_map(Child::Comment),
            (Just("pi"), "[a-z ]{0,6}").prop_map(|(t, d)| Child::Pi(t, d)),
        ],
        0..2,
    )
}

fn document() -> impl Strategy<Value = Doc> {
    (any::<bool>(), misc(), element(), misc()).prop_map(|(declaration, before, root, after)| Doc {
        declaration,
        before,
        root,
        after,
    })
}

/// Renders generated documents, declaring every prefix where it is first needed, and remembers where
/// the element carrying the ID starts and ends.
struct Renderer {
    out: String,
    /// Pre-order index of the element to give `ID="_target-…"`, and the next index.
    target: Option<usize>,
    next: usize,
    target_span: Option<(usize, usize)>,
}

fn escape_text(out: &mut String, s: &str, refs: bool) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str(if refs { "&#xD;" } else { "&#13;" }),
            c if refs && !c.is_ascii_alphanumeric() => {
                let _ = write!(out, "&#x{:X};", c as u32);
            }
            c => out.push(c),
        }
    }
}

fn escape_attr(out: &mut String, s: &str, all: bool, single: bool) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' if !single => out.push_str("&quot;"),
            '\'' if single => out.push_str("&apos;"),
            '\t' | '\n' | '\r' if all => {
                let _ = write!(out, "&#{};", c as u32);
            }
            '"' | '\'' | '>' if all => {
                let _ = write!(out, "&#x{:x};", c as u32);
            }
            c => out.push(c),
        }
    }
}

impl Renderer {
    fn new(target: Option<usize>) -> Self {
        Renderer { out: String::new(), target, next: 0, target_span: None }
    }

    fn document(mut self, doc: &Doc) -> (String, Option<(usize, usize)>) {
        if doc.declaration {
            self.out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        }
        for m in &doc.before {
            self.child(m, &HashMap::new());
            self.out.push('\n');
        }
        self.element(&doc.root, &HashMap::new());
        for m in &doc.after {
            self.out.push('\n');
            self.child(m, &HashMap::new());
        }
        (self.out, self.target_span)
    }

    fn child(&mut self, c: &Child, scope: &HashMap<Option<&'static str>, &'static str>) {
        match c {
            Child::Element(e) => self.element(e, scope),
            Child::Text(t, refs) => escape_text(&mut self.out, t, *refs),
            Child::CData(t) => {
                let _ = write!(self.out, "<![CDATA[{t}]]>");
            }
            Child::Comment(t) => {
                let _ = write!(self.out, "<!--{t}-->");
            }
            Child::Pi(target, data) => {
                let _ = write!(self.out, "<?{target} {data}?>");
            }
        }
    }

    fn element(&mut self, e: &Element, parent_scope: &HashMap<Option<&'static str>, &'static str>) {
        let index = self.next;
        self.next += 1;
        let is_target = self.target == Some(index);
        let start = self.out.len();
        let mut scope = parent_scope.clone();
        let mut declared: Vec<(Option<&'static str>, &'static str)> = Vec::new();
        let mut declare =
            |prefix: Option<&'static str>, uri: &'static str, scope: &mut HashMap<_, _>, force: bool| {
                if declared.iter().any(|(p, _)| *p == prefix) {
                    return;
                }
                if force || scope.get(&prefix).is_none_or(|u: &&str| u.is_empty()) {
                    declared.push((prefix, uri));
                    scope.insert(prefix, uri);
                }
            };
        for d in &e.decls {
            match *d {
                Ns::Prefix(p, u) => declare(Some(PREFIXES[p]), URIS[u], &mut scope, true),
                Ns::Default(u) => declare(None, URIS[u], &mut scope, true),
                Ns::Undeclare => declare(None, "", &mut scope, true),
            }
        }
        let prefix = e.prefix.map(|p| PREFIXES[p]);
        if prefix.is_some() {
            declare(prefix, URIS[(e.local + e.prefix.unwrap_or(0)) % URIS.len()], &mut scope, false);
        }
        // Attributes, without two of the same expanded name.
        let mut seen: Vec<(&str, &str)> = Vec::new();
        let mut attrs: Vec<(String, &Attr)> = Vec::new();
        for a in &e.attrs {
            let (qname, uri, local) = match a.name {
                AttrName::Plain(n) => (ATTR_NAMES[n].to_string(), "", ATTR_NAMES[n]),
                AttrName::Xml(local) => (format!("xml:{local}"), "xml", local),
                AttrName::Prefixed(p, n) => {
                    declare(Some(PREFIXES[p]), URIS[(p + n) % URIS.len()], &mut scope, false);
                    let uri = scope[&Some(PREFIXES[p])];
                    (format!("{}:{}", PREFIXES[p], ATTR_NAMES[n]), uri, ATTR_NAMES[n])
                }
            };
            if seen.contains(&(uri, local)) {
                continue;
            }
            seen.push((uri, local));
            attrs.push((qname, a));
        }
        let name = match prefix {
            Some(p) => format!("{p}:{}", LOCAL_NAMES[e.local]),
            None => LOCAL_NAMES[e.local].to_string(),
        };
        let eq = if e.loose { " = " } else { "=" };
        let _ = write!(self.out, "<{name}");
        for (p, uri) in &declared {
            match p {
                Some(p) => {
                    let _ = write!(self.out, " xmlns:{p}{eq}\"{uri}\"");
                }
                None => {
                    let _ = write!(self.out, " xmlns{eq}\"{uri}\"");
                }
            }
        }
        if is_target {
            let _ = write!(self.out, " ID{eq}\"{TARGET_ID}\"");
        }
        for (qname, a) in attrs {
            let q = if a.single_quote { '\'' } else { '"' };
            let _ = write!(self.out, " {qname}{eq}{q}");
            escape_attr(&mut self.out, &a.value, a.escape_all, a.single_quote);
            self.out.push(q);
        }
        if e.loose {
            self.out.push_str("\n ");
        }
        if e.children.is_empty() && e.self_close && !is_target {
            self.out.push_str("/>");
        } else {
            self.out.push('>');
            for c in &e.children {
                self.child(c, &scope);
            }
            // The signer refuses an element without child nodes, even written `<e></e>`.
            let empty = |c: &Child| matches!(c, Child::Text(t, _) | Child::CData(t) if t.is_empty());
            if is_target && e.children.iter().all(empty) {
                self.out.push('t');
            }
            let _ = write!(self.out, "</{name}>");
        }
        if is_target {
            self.target_span = Some((start, self.out.len()));
        }
    }
}

fn render(doc: &Doc) -> String {
    Renderer::new(None).document(doc).0
}

// ---------------------------------------------------------------------------------------------------
// 1. C14N is idempotent

fn c14n(doc: &Document, set: &Subtree, alg: C14nAlgorithm) -> Vec<u8> {
    canonicalize(doc, set, alg, &[]).unwrap_or_else(|e| panic!("{alg} fails: {e}"))
}

/// `output` parses, and canonicalizing the whole reparsed document gives `output` again.
fn assert_fixed_point(
    output: &[u8],
    alg: C14nAlgorithm,
    what: &str,
    input: &str,
) -> Result<(), TestCaseError> {
    let again = Document::parse(output).map_err(|e| {
        TestCaseError::fail(format!(
            "{alg} output of {what} does not parse: {e}\ninput:  {input}\noutput: {}",
            String::from_utf8_lossy(output)
        ))
    })?;
    let twice = c14n(&again, &Subtree::document(&again), alg);
    prop_assert_eq!(
        String::from_utf8_lossy(output),
        String::from_utf8_lossy(&twice),
        "{} is not idempotent on {}; input: {}",
        alg,
        what,
        input
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 320, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn c14n_is_idempotent_on_documents(doc in document()) {
        let xml = render(&doc);
        let parsed = Document::parse_str(&xml).map_err(|e| TestCaseError::fail(format!("{e}: {xml}")))?;
        for alg in ALGORITHMS {
            let out = c14n(&parsed, &Subtree::document(&parsed), alg);
            assert_fixed_point(&out, alg, "the whole document", &xml)?;
        }
    }

    #[test]
    fn c14n_is_idempotent_on_subtrees(doc in document(), pick in any::<prop::sample::Index>()) {
        let xml = render(&doc);
        let parsed = Document::parse_str(&xml).map_err(|e| TestCaseError::fail(format!("{e}: {xml}")))?;
        let elements: Vec<_> = parsed.elements().collect();
        let element = elements[pick.index(elements.len())];
        let what = format!("the subtree of <{}> (element {})", element.qualified_name(), pick.index(elements.len()));
        for alg in ALGORITHMS {
            let out = c14n(&parsed, &Subtree::element(element), alg);
            assert_fixed_point(&out, alg, &what, &xml)?;
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// 2. and 3. Sign → verify, and single-byte mutations

struct Key {
    name: &'static str,
    key: SigningKey,
    cert: Certificate,
}

static KEYS: LazyLock<[Key; 2]> = LazyLock::new(|| {
    let load = |name: &'static str| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
        let key = SigningKey::from_pkcs8_pem(&std::fs::read(format!("{dir}{name}.key")).unwrap()).unwrap();
        let cert = Certificate::from_pem(&std::fs::read(format!("{dir}{name}.crt")).unwrap()).unwrap();
        Key { name, key, cert }
    };
    [load("rsa2048"), load("ec256")]
});

/// A random document signed on a random element.
#[derive(Debug)]
struct Signed {
    xml: String,
    /// The signed element in `xml`, its `ds:Signature` included.
    element: (usize, usize),
    /// The inserted `ds:Signature`.
    signature: (usize, usize),
    key: usize,
    alg: C14nAlgorithm,
}

fn signed_document() -> impl Strategy<Value = Signed> {
    (document(), any::<prop::sample::Index>(), 0..KEYS.len(), prop::sample::select(SIGNING_C14N.to_vec()))
        .prop_map(|(doc, pick, key, alg)| {
            let target = pick.index(doc.root.count());
            let (xml, span) = Renderer::new(Some(target)).document(&doc);
            let (start, end) = span.expect("the target element was rendered");
            let k = &KEYS[key];
            let signed = Signer::new(k.key.clone(), k.cert.clone())
                .canonicalization(alg)
                .sign_enveloped(&xml, TARGET_ID)
                .unwrap_or_else(|e| panic!("signing with {} and {alg} fails: {e}\n{xml}", k.name));
            let sig_start = signed.find("<ds:Signature").expect("a ds:Signature was inserted");
            let sig_end =
                signed.find("</ds:Signature>").expect("ds:Signature is closed") + "</ds:Signature>".len();
            assert!(start < sig_start && sig_end <= end + (sig_end - sig_start));
            let sig_len = signed.len() - xml.len();
            Signed { xml: signed, element: (start, end + sig_len), signature: (sig_start, sig_end), key, alg }
        })
}

/// The canonical form of what the verified signature covers: the signed element without its
/// signature, without comments, in the reference's algorithm.
fn signed_content(doc: &Document, signed: samlguard::Element<'_>, alg: C14nAlgorithm) -> Vec<u8> {
    let sig = signed
        .child_elements()
        .find(|e| e.is(DSIG_NS, "Signature"))
        .expect("an enveloped signature is a child of what it signs");
    c14n(doc, &Subtree::element(signed).excluding(sig.node()).without_comments(), alg)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn sign_verify_round_trip(s in signed_document()) {
        let k = &KEYS[s.key];
        let doc = Document::parse_str(&s.xml).map_err(|e| TestCaseError::fail(format!("{e}: {}", s.xml)))?;
        let v = verify_document(&doc, std::slice::from_ref(&k.cert), &AlgorithmPolicy::default())
            .map_err(|e| TestCaseError::fail(format!("{} / {}: {e}\n{}", k.name, s.alg, s.xml)))?;
        let expected: Vec<_> = doc.elements().filter(|e| e.attribute("ID") == Some(TARGET_ID)).collect();
        prop_assert_eq!(expected.len(), 1);
        prop_assert_eq!(v.signed_element().id(), expected[0].id());
        prop_assert_eq!(v.reference_canonicalization(), s.alg);
        prop_assert_eq!(v.certificate_indices(), &[0][..]);
        prop_assert_eq!(find_signatures(&doc).len(), 1);
        // The other key does not verify it.
        let other = &KEYS[1 - s.key];
        prop_assert!(verify_document(&doc, std::slice::from_ref(&other.cert), &AlgorithmPolicy::default()).is_err());
    }
}

/// Counts over the mutation property's cases, to show it is not vacuous.
static PARSEABLE: AtomicUsize = AtomicUsize::new(0);
static ACCEPTED_UNCHANGED: AtomicUsize = AtomicUsize::new(0);

#[test]
fn single_byte_mutation_is_never_accepted() {
    const CASES: u32 = 512;
    // The replacement: printable ASCII, tab or newline (an arbitrary byte mostly breaks UTF-8).
    let replacement = prop_oneof![0x20..=0x7eu8, Just(b'\t'), Just(b'\n')];
    let strategy = (signed_document(), any::<prop::sample::Index>(), replacement);
    let mut runner = TestRunner::new(Config { cases: CASES, failure_persistence: None, ..Config::default() });
    let result = runner.run(&strategy, |(s, pick, replacement)| {
        let k = &KEYS[s.key];
        let original = Document::parse_str(&s.xml).expect("the signed document parses");
        let v = verify_document(&original, std::slice::from_ref(&k.cert), &AlgorithmPolicy::default())
            .expect("the signed document verifies");
        let content = signed_content(&original, v.signed_element(), s.alg);

        // A byte of the signed element, outside its signature.
        let (start, end) = s.element;
        let (sig_start, sig_end) = s.signature;
        let outside = (end - start) - (sig_end - sig_start);
        let mut offset = start + pick.index(outside);
        if offset >= sig_start {
            offset += sig_end - sig_start;
        }
        let mut bytes = s.xml.clone().into_bytes();
        bytes[offset] = if replacement == bytes[offset] { replacement ^ 0x01 } else { replacement };

        let Ok(doc) = Document::parse(&bytes) else { return Ok(()) };
        PARSEABLE.fetch_add(1, Ordering::Relaxed);
        if let Ok(v) = verify_document(&doc, std::slice::from_ref(&k.cert), &AlgorithmPolicy::default()) {
            let now = signed_content(&doc, v.signed_element(), s.alg);
            prop_assert_eq!(
                String::from_utf8_lossy(&content),
                String::from_utf8_lossy(&now),
                "a mutation at byte {} ({:?} → {:?}) changed the signed content and was accepted:\n{}",
                offset,
                s.xml.as_bytes()[offset] as char,
                bytes[offset] as char,
                String::from_utf8_lossy(&bytes)
            );
            ACCEPTED_UNCHANGED.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let parseable = PARSEABLE.load(Ordering::Relaxed);
    let accepted = ACCEPTED_UNCHANGED.load(Ordering::Relaxed);
    eprintln!(
        "single-byte mutations: {CASES} cases, {parseable} still parse, {} of those rejected, {accepted} \
         accepted with unchanged canonical content",
        parseable - accepted
    );
    // Most mutations hit text or names and keep the document parseable: the property was exercised.
    assert!(parseable * 4 >= CASES as usize, "only {parseable} of {CASES} mutations parsed");
    assert!(accepted * 2 < parseable, "{accepted} of {parseable} parseable mutations were accepted");
}

// ---------------------------------------------------------------------------------------------------
// 4. No input panics

/// Everything the lower layers offer, on one input; errors are fine, panics are not.
fn exercise(input: &[u8]) {
    let Ok(doc) = Document::parse(input) else { return };
    let sets = std::iter::once(Subtree::document(&doc)).chain(doc.elements().take(4).map(Subtree::element));
    for set in sets {
        for alg in ALGORITHMS {
            let _ = canonicalize(&doc, &set, alg, &[]);
            let _ = canonicalize(&doc, &set, alg, &["#default", "a", "saml"]);
        }
    }
    let trusted = [KEYS[0].cert.clone(), KEYS[1].cert.clone()];
    let _ = verify_document(&doc, &trusted, &AlgorithmPolicy::default());
    let _ = verify_document(&doc, &trusted, &AlgorithmPolicy::default().legacy_allow_sha1());
}

/// XML-ish token soup: tags, namespace declarations, references, markup delimiters.
fn xml_soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        "<[a-z]{1,2}(:[a-z]{1,2})?( [a-z:]{1,4}=\"[a-z&;#0-9<]{0,3}\")?>",
        "</[a-z]{1,2}(:[a-z]{1,2})?>",
        "<[a-z]{1,2}/>",
        " xmlns(:[a-z]{1,2})?=\"(urn:[a-z]|)\"",
        "&(amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-z]{1,3});",
        "<!--|-->|<!\\[CDATA\\[|\\]\\]>|<\\?|\\?>|<!DOCTYPE a>|<!ENTITY",
        " ID=\"[a-z0-9#]{0,3}\"",
        "[a-z \t\r\n\u{e9}\u{feff}]{1,4}",
        "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">",
        "<ds:Reference URI=\"#[a-z]{0,2}\">",
    ];
    prop::collection::vec(token, 0..40).prop_map(|t| t.concat())
}

static SIGNED_RESPONSE: LazyLock<Vec<u8>> = LazyLock::new(|| {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/demo/signed-response.xml")).unwrap()
});

#[derive(Clone, Debug)]
enum Edit {
    Replace(prop::sample::Index, u8),
    Insert(prop::sample::Index, u8),
    Delete(prop::sample::Index),
    /// Duplicates a stretch of up to 64 bytes after itself.
    Duplicate(prop::sample::Index, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Edit::Replace(i, b)),
        2 => (any::<prop::sample::Index>(), prop::sample::select(b"<>&;\"'=/: \n#xmlns".to_vec()))
            .prop_map(|(i, b)| Edit::Insert(i, b)),
        2 => any::<prop::sample::Index>().prop_map(Edit::Delete),
        1 => (any::<prop::sample::Index>(), 1..64usize).prop_map(|(i, n)| Edit::Duplicate(i, n)),
    ]
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        if bytes.is_empty() {
            break;
        }
        match e {
            Edit::Replace(i, b) => {
                let i = i.index(bytes.len());
                bytes[i] = *b;
            }
            Edit::Insert(i, b) => {
                let i = i.index(bytes.len());
                bytes.insert(i, *b);
            }
            Edit::Delete(i) => {
                let i = i.index(bytes.len());
                bytes.remove(i);
            }
            Edit::Duplicate(i, n) => {
                let i = i.index(bytes.len());
                let stretch = bytes[i..(i + n).min(bytes.len())].to_vec();
                bytes.splice(i..i, stretch);
            }
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_panic_on_arbitrary_bytes(input in prop::collection::vec(any::<u8>(), 0..512)) {
        exercise(&input);
        let mut tagged = b"<a>".to_vec();
        tagged.extend_from_slice(&input);
        tagged.extend_from_slice(b"</a>");
        exercise(&tagged);
    }

    #[test]
    fn no_panic_on_xml_soup(input in xml_soup()) {
        exercise(input.as_bytes());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_panic_on_edited_signed_response(edits in prop::collection::vec(edit(), 1..6)) {
        exercise(&apply(SIGNED_RESPONSE.clone(), &edits));
    }

    #[test]
    fn no_panic_on_generated_documents_signed_and_edited(
        s in signed_document(),
        edits in prop::collection::vec(edit(), 0..4),
    ) {
        exercise(&apply(s.xml.into_bytes(), &edits));
    }
}
