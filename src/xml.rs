//! Secure XML reading into a read-only tree.
//!
//! One parser serves the whole pipeline: the signature is verified on this tree and the SAML values are
//! read from the very nodes the signature covered. The reader refuses everything a SAML message never
//! needs and attackers love: DTDs, entity references other than the five predefined ones, encodings
//! other than UTF-8, a second root, content after the root, duplicate attributes and unbound prefixes.
//! Every size that could grow is bounded by [`ParseOptions`], and each bound has its own error.

use std::collections::HashMap;
use std::fmt;

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// The namespace bound to the `xml` prefix.
///
/// ```
/// use samlguard::{Document, XML_NS};
/// let doc = Document::parse_str(r#"<a xml:lang="en"/>"#).unwrap();
/// assert_eq!(doc.root_element().attribute_ns(Some(XML_NS), "lang"), Some("en"));
/// assert_eq!(doc.root_element().lookup_namespace(Some("xml")), Some(XML_NS));
/// ```
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
/// The namespace bound to the `xmlns` prefix.
///
/// ```
/// use samlguard::{Document, XMLNS_NS, XmlErrorKind};
/// // Declarations are not attributes, and no prefix may be bound to this namespace.
/// let doc = Document::parse_str(r#"<a xmlns:p="urn:p"/>"#).unwrap();
/// assert_eq!(doc.root_element().attributes().len(), 0);
/// let err = Document::parse_str(&format!(r#"<a xmlns:p="{XMLNS_NS}"/>"#)).unwrap_err();
/// assert!(matches!(err.kind(), XmlErrorKind::ReservedNamespace(_)));
/// ```
pub const XMLNS_NS: &str = "http://www.w3.org/2000/xmlns/";

/// The hard ceiling for [`ParseOptions::max_depth`]: canonicalization walks the tree recursively.
///
/// ```
/// use samlguard::{DEPTH_CEILING, Document, ParseOptions, XmlErrorKind};
/// let mut options = ParseOptions::default();
/// options.max_depth = usize::MAX; // asks for more than the ceiling: the ceiling applies
/// let n = DEPTH_CEILING + 1;
/// let deep = format!("{}{}", "<a>".repeat(n), "</a>".repeat(n));
/// let err = Document::parse_with(deep.as_bytes(), &options).unwrap_err();
/// assert!(matches!(err.kind(), XmlErrorKind::TooDeep { limit: DEPTH_CEILING }));
/// ```
pub const DEPTH_CEILING: usize = 1024;

/// Limits applied while reading a document. Every field states its default and why.
///
/// ```
/// use samlguard::ParseOptions;
/// let mut options = ParseOptions::default();
/// options.max_depth = 64;
/// assert_eq!(options.max_attributes, 256);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseOptions {
    /// Largest input accepted, in bytes. Default 4 MiB: a large SAML response with many attributes and an
    /// embedded certificate chain is well under 200 KiB.
    pub max_bytes: usize,
    /// Deepest element nesting. Default 128: SAML responses nest about 10 deep. Values above
    /// [`DEPTH_CEILING`] are treated as the ceiling.
    pub max_depth: usize,
    /// Most attributes (namespace declarations included) on one element. Default 256.
    pub max_attributes: usize,
    /// Most nodes (elements, text runs, comments, processing instructions) in the document.
    /// Default 100 000.
    pub max_nodes: usize,
    /// Longest text run or attribute value, in bytes. Default 1 MiB (an encrypted assertion's
    /// `CipherValue` is the largest text a SAML message carries).
    pub max_text_len: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            max_bytes: 4 * 1024 * 1024,
            max_depth: 128,
            max_attributes: 256,
            max_nodes: 100_000,
            max_text_len: 1024 * 1024,
        }
    }
}

/// Why a document was refused.
///
/// ```
/// use samlguard::{Document, XmlErrorKind};
/// let err = Document::parse_str("<!DOCTYPE a><a/>").unwrap_err();
/// assert!(matches!(err.kind(), XmlErrorKind::Doctype));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum XmlErrorKind {
    /// The input is larger than [`ParseOptions::max_bytes`].
    TooLarge {
        /// The limit.
        limit: usize,
        /// The input's size.
        size: usize,
    },
    /// Elements nest deeper than [`ParseOptions::max_depth`].
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// One element has more attributes than [`ParseOptions::max_attributes`].
    TooManyAttributes {
        /// The limit.
        limit: usize,
    },
    /// The document has more nodes than [`ParseOptions::max_nodes`].
    TooManyNodes {
        /// The limit.
        limit: usize,
    },
    /// A text run or attribute value is longer than [`ParseOptions::max_text_len`].
    TextTooLong {
        /// The limit.
        limit: usize,
    },
    /// A document type declaration (`<!DOCTYPE`), internal or external.
    Doctype,
    /// An entity reference other than `lt`, `gt`, `amp`, `apos`, `quot`.
    UnknownEntity(String),
    /// A character reference that is malformed or names a character XML forbids.
    InvalidCharRef(String),
    /// A character XML 1.0 forbids (control characters, U+FFFE, U+FFFF).
    InvalidChar(u32),
    /// The bytes are not UTF-8.
    NotUtf8,
    /// UTF-16 input (a byte order mark or NUL bytes around `<`).
    Utf16,
    /// The XML declaration names an encoding other than UTF-8.
    UnsupportedEncoding(String),
    /// The XML declaration names a version other than 1.0.
    UnsupportedVersion(String),
    /// No root element.
    NoRoot,
    /// A second element at the top level.
    SecondRoot,
    /// Text (other than white space) outside the root element.
    ContentOutsideRoot,
    /// The same attribute twice on one element, by name or by namespace and local name.
    DuplicateAttribute(String),
    /// A prefix used without a declaration in scope.
    UnboundPrefix(String),
    /// A declaration that the Namespaces in XML recommendation forbids.
    ReservedNamespace(String),
    /// An element, attribute or processing-instruction name that is not a valid (qualified) name.
    InvalidName(String),
    /// Any other well-formedness error, as the underlying reader described it.
    Syntax(String),
}

impl fmt::Display for XmlErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            XmlErrorKind::TooLarge { limit, size } => {
                write!(f, "document is {size} bytes, over the limit of {limit} bytes")
            }
            XmlErrorKind::TooDeep { limit } => write!(f, "elements nest deeper than {limit} levels"),
            XmlErrorKind::TooManyAttributes { limit } => {
                write!(f, "an element has more than {limit} attributes")
            }
            XmlErrorKind::TooManyNodes { limit } => write!(f, "document has more than {limit} nodes"),
            XmlErrorKind::TextTooLong { limit } => {
                write!(f, "a text or attribute value is longer than {limit} bytes")
            }
            XmlErrorKind::Doctype => write!(
                f,
                "a DOCTYPE declaration is present; DTDs are refused (they enable entity expansion and external fetches)"
            ),
            XmlErrorKind::UnknownEntity(name) => write!(
                f,
                "entity reference &{name}; is not one of the five predefined entities; DTD entities are refused"
            ),
            XmlErrorKind::InvalidCharRef(r) => write!(f, "character reference &{r}; is not allowed in XML"),
            XmlErrorKind::InvalidChar(c) => write!(f, "character U+{c:04X} is not allowed in XML"),
            XmlErrorKind::NotUtf8 => write!(f, "document is not valid UTF-8"),
            XmlErrorKind::Utf16 => write!(f, "document is UTF-16; only UTF-8 is accepted"),
            XmlErrorKind::UnsupportedEncoding(e) => {
                write!(f, "XML declaration names encoding {e:?}; only UTF-8 is accepted")
            }
            XmlErrorKind::UnsupportedVersion(v) => {
                write!(f, "XML declaration names version {v:?}; only 1.0 is accepted")
            }
            XmlErrorKind::NoRoot => write!(f, "document has no root element"),
            XmlErrorKind::SecondRoot => write!(f, "document has a second root element"),
            XmlErrorKind::ContentOutsideRoot => write!(f, "text outside the root element"),
            XmlErrorKind::DuplicateAttribute(n) => write!(f, "attribute {n} appears twice on one element"),
            XmlErrorKind::UnboundPrefix(p) => write!(f, "namespace prefix {p:?} is not declared"),
            XmlErrorKind::ReservedNamespace(d) => write!(f, "forbidden namespace declaration: {d}"),
            XmlErrorKind::InvalidName(n) => write!(f, "{n:?} is not a valid XML name"),
            XmlErrorKind::Syntax(s) => write!(f, "malformed XML: {s}"),
        }
    }
}

/// A refused document: what was wrong and where.
///
/// ```
/// use samlguard::Document;
/// let err = Document::parse_str("<a>\n<b></a>").unwrap_err();
/// assert_eq!(err.line(), 2);
/// assert!(err.to_string().contains("line 2"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlError {
    kind: XmlErrorKind,
    line: usize,
    column: usize,
}

impl XmlError {
    /// What was wrong.
    ///
    /// ```
    /// use samlguard::{Document, XmlErrorKind};
    /// let err = Document::parse_str("<a>&nbsp;</a>").unwrap_err();
    /// assert_eq!(err.kind(), &XmlErrorKind::UnknownEntity("nbsp".into()));
    /// ```
    pub fn kind(&self) -> &XmlErrorKind {
        &self.kind
    }
    /// The 1-based line where the problem was found.
    ///
    /// ```
    /// let err = samlguard::Document::parse_str("<a>\n  <b x='1' x='2'/>\n</a>").unwrap_err();
    /// assert_eq!(err.line(), 2);
    /// ```
    pub fn line(&self) -> usize {
        self.line
    }
    /// The 1-based column (in characters) where the problem was found.
    ///
    /// ```
    /// let err = samlguard::Document::parse_str("<a>\n  <b x='1' x='2'/>\n</a>").unwrap_err();
    /// assert_eq!((err.line(), err.column()), (2, 3)); // where <b starts
    /// ```
    pub fn column(&self) -> usize {
        self.column
    }
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (line {}, column {})", self.kind, self.line, self.column)
    }
}

impl std::error::Error for XmlError {}

/// Identifies a node within its [`Document`]. Nodes are numbered in document order.
///
/// ```
/// let doc = samlguard::Document::parse_str("<a><b/></a>").unwrap();
/// let a = doc.root_element();
/// let b = a.child_elements().next().unwrap();
/// assert!(a.id() < b.id()); // ids follow document order
/// assert_eq!(doc.element(b.id()), Some(b));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(u32);

impl NodeId {
    /// The node's index in document order (the document node is 0).
    ///
    /// ```
    /// use samlguard::Document;
    /// let doc = Document::parse_str("<a/>").unwrap();
    /// assert_eq!(doc.root_element().id().index(), 1);
    /// ```
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

const NONE: u32 = u32::MAX;

#[derive(Debug)]
struct NodeData {
    kind: Kind,
    parent: u32,
    first_child: u32,
    last_child: u32,
    next_sibling: u32,
    /// One past the last node of this node's subtree (document order).
    end: u32,
    pos: u32,
    /// Byte offset of the end tag (`NONE` for `<x/>` and non-elements).
    close: u32,
}

#[derive(Debug)]
enum Kind {
    Document,
    Element(ElementData),
    Text(String),
    Comment(String),
    Pi { target: String, data: String },
}

#[derive(Debug)]
struct ElementData {
    prefix: Option<Box<str>>,
    local: Box<str>,
    ns: u32,
    attrs: (u32, u32),
    decls: (u32, u32),
}

#[derive(Debug)]
struct AttrData {
    prefix: Option<Box<str>>,
    local: Box<str>,
    ns: u32,
    value: String,
}

#[derive(Debug)]
struct DeclData {
    prefix: Option<Box<str>>,
    uri: u32,
}

/// A parsed XML document: a read-only tree in document order.
///
/// ```
/// use samlguard::Document;
/// let doc = Document::parse_str(r#"<p:a xmlns:p="urn:x" k="v"><b>hi<!-- c -->there</b></p:a>"#)?;
/// let root = doc.root_element();
/// assert_eq!(root.local_name(), "a");
/// assert_eq!(root.namespace(), Some("urn:x"));
/// assert_eq!(root.attribute("k"), Some("v"));
/// let b = root.child_elements().next().unwrap();
/// assert_eq!(b.text(), "hithere");
/// # Ok::<(), samlguard::XmlError>(())
/// ```
pub struct Document {
    nodes: Vec<NodeData>,
    attrs: Vec<AttrData>,
    decls: Vec<DeclData>,
    uris: Vec<String>,
    line_starts: Vec<u32>,
    root: u32,
    /// Bytes skipped before parsing (a UTF-8 byte order mark).
    offset_base: u32,
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("nodes", &self.nodes.len())
            .field("root", &self.root_element().qualified_name())
            .finish()
    }
}

/// A node of a [`Document`]: the document itself, an element, a text run, a comment or a processing
/// instruction.
///
/// ```
/// use samlguard::{Document, NodeKind};
/// let doc = Document::parse_str("<a>x<!--c--><?p d?></a>").unwrap();
/// let kinds: Vec<_> = doc.root_element().children().map(|n| n.kind()).collect();
/// assert_eq!(kinds, vec![NodeKind::Text("x"), NodeKind::Comment("c"),
///                        NodeKind::ProcessingInstruction { target: "p", data: "d" }]);
/// ```
#[derive(Clone, Copy)]
pub struct Node<'a> {
    doc: &'a Document,
    id: u32,
}

/// What a [`Node`] is, with its content.
///
/// ```
/// use samlguard::{Document, NodeKind};
/// let doc = Document::parse_str("<a>text<!--note--></a>").unwrap();
/// assert_eq!(doc.document_node().kind(), NodeKind::Document);
/// assert_eq!(doc.root_element().node().kind(), NodeKind::Element);
/// let texts: Vec<&str> = doc
///     .nodes()
///     .filter_map(|n| match n.kind() {
///         NodeKind::Text(t) => Some(t),
///         _ => None,
///     })
///     .collect();
/// assert_eq!(texts, ["text"]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NodeKind<'a> {
    /// The document node, parent of the root element.
    Document,
    /// An element; use [`Node::as_element`] for its name and attributes.
    Element,
    /// A text run (adjacent character data, CDATA sections and references merged).
    Text(&'a str),
    /// A comment.
    Comment(&'a str),
    /// A processing instruction.
    ProcessingInstruction {
        /// The target.
        target: &'a str,
        /// The data after the target and its white space.
        data: &'a str,
    },
}

/// An element node.
///
/// ```
/// use samlguard::Document;
/// let doc = Document::parse_str(r#"<a xmlns="urn:d" xmlns:q="urn:q" q:x="1" y="2"/>"#).unwrap();
/// let a = doc.root_element();
/// assert_eq!(a.namespace(), Some("urn:d"));
/// assert_eq!(a.attribute_ns(Some("urn:q"), "x"), Some("1"));
/// assert_eq!(a.attribute("y"), Some("2"));
/// assert_eq!(a.lookup_namespace(Some("q")), Some("urn:q"));
/// ```
#[derive(Clone, Copy)]
pub struct Element<'a> {
    doc: &'a Document,
    id: u32,
}

/// An attribute of an [`Element`] (namespace declarations are not attributes here; see
/// [`Element::namespace_declarations`]).
///
/// ```
/// let doc = samlguard::Document::parse_str(r#"<a xmlns:p="urn:p" p:x="1" y="2"/>"#).unwrap();
/// let attrs: Vec<_> = doc.root_element().attributes().collect();
/// assert_eq!(attrs.len(), 2); // the xmlns:p declaration is not an attribute
/// assert_eq!((attrs[0].namespace(), attrs[0].local_name(), attrs[0].value()), (Some("urn:p"), "x", "1"));
/// assert_eq!((attrs[1].namespace(), attrs[1].local_name(), attrs[1].value()), (None, "y", "2"));
/// ```
#[derive(Clone, Copy)]
pub struct Attribute<'a> {
    doc: &'a Document,
    index: u32,
}

/// A namespace declaration (`xmlns="…"` or `xmlns:p="…"`) written on an element.
///
/// ```
/// use samlguard::NamespaceDecl;
/// let doc = samlguard::Document::parse_str(r#"<a xmlns="urn:d" xmlns:p="urn:p"/>"#).unwrap();
/// let decls: Vec<_> = doc.root_element().namespace_declarations().collect();
/// assert_eq!(decls[0], NamespaceDecl { prefix: None, uri: "urn:d" });
/// assert_eq!(decls[1], NamespaceDecl { prefix: Some("p"), uri: "urn:p" });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NamespaceDecl<'a> {
    /// The declared prefix; `None` for the default namespace.
    pub prefix: Option<&'a str>,
    /// The namespace URI; empty for `xmlns=""`.
    pub uri: &'a str,
}

impl Document {
    /// Parses UTF-8 bytes with the default [`ParseOptions`].
    ///
    /// ```
    /// let doc = samlguard::Document::parse(b"<a/>").unwrap();
    /// assert_eq!(doc.root_element().local_name(), "a");
    /// ```
    pub fn parse(input: &[u8]) -> Result<Document, XmlError> {
        Self::parse_with(input, &ParseOptions::default())
    }

    /// Parses a string with the default [`ParseOptions`].
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str("<a/>").unwrap();
    /// assert_eq!(doc.root_element().local_name(), "a");
    /// ```
    pub fn parse_str(input: &str) -> Result<Document, XmlError> {
        Self::parse_with(input.as_bytes(), &ParseOptions::default())
    }

    /// Parses UTF-8 bytes with the given limits.
    ///
    /// ```
    /// use samlguard::{Document, ParseOptions, XmlErrorKind};
    /// let mut opts = ParseOptions::default();
    /// opts.max_depth = 2;
    /// let err = Document::parse_with(b"<a><b><c/></b></a>", &opts).unwrap_err();
    /// assert!(matches!(err.kind(), XmlErrorKind::TooDeep { limit: 2 }));
    /// ```
    pub fn parse_with(input: &[u8], options: &ParseOptions) -> Result<Document, XmlError> {
        Builder::run(input, options)
    }

    /// The document node.
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str("<!--x--><a/>").unwrap();
    /// assert_eq!(doc.document_node().children().count(), 2);
    /// ```
    pub fn document_node(&self) -> Node<'_> {
        Node { doc: self, id: 0 }
    }

    /// The root element.
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str("<a/>").unwrap();
    /// assert_eq!(doc.root_element().local_name(), "a");
    /// ```
    pub fn root_element(&self) -> Element<'_> {
        Element { doc: self, id: self.root }
    }

    /// The node with this id.
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str("<a/>").unwrap();
    /// let id = doc.root_element().id();
    /// assert!(doc.node(id).as_element().is_some());
    /// ```
    pub fn node(&self, id: NodeId) -> Node<'_> {
        Node { doc: self, id: id.0.min(self.nodes.len() as u32 - 1) }
    }

    /// The element with this id, if that node is an element.
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str("<a/>").unwrap();
    /// assert!(doc.element(doc.root_element().id()).is_some());
    /// ```
    pub fn element(&self, id: NodeId) -> Option<Element<'_>> {
        self.node(id).as_element()
    }

    /// Every node in document order, the document node first.
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str("<a><b/>t</a>").unwrap();
    /// assert_eq!(doc.nodes().count(), 4);
    /// ```
    pub fn nodes(&self) -> impl Iterator<Item = Node<'_>> + '_ {
        (0..self.nodes.len() as u32).map(move |id| Node { doc: self, id })
    }

    /// Every element in document order.
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str("<a><b/><c/></a>").unwrap();
    /// let names: Vec<_> = doc.elements().map(|e| e.local_name()).collect();
    /// assert_eq!(names, ["a", "b", "c"]);
    /// ```
    pub fn elements(&self) -> impl Iterator<Item = Element<'_>> + '_ {
        self.nodes().filter_map(|n| n.as_element())
    }

    fn line_col(&self, pos: u32) -> (usize, usize) {
        line_col(&self.line_starts, pos)
    }
}

fn line_col(line_starts: &[u32], pos: u32) -> (usize, usize) {
    let line = match line_starts.binary_search(&pos) {
        Ok(i) => i,
        Err(i) => i.saturating_sub(1),
    };
    let start = line_starts.get(line).copied().unwrap_or(0);
    (line + 1, (pos - start) as usize + 1)
}

impl<'a> Node<'a> {
    /// This node's id.
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str("<a/>").unwrap();
    /// let node = doc.root_element().node();
    /// assert_eq!(doc.node(node.id()).as_element(), Some(doc.root_element()));
    /// ```
    pub fn id(self) -> NodeId {
        NodeId(self.id)
    }

    fn data(self) -> &'a NodeData {
        &self.doc.nodes[self.id as usize]
    }

    /// What this node is.
    ///
    /// ```
    /// use samlguard::NodeKind;
    /// let doc = samlguard::Document::parse_str("<a><?target data?></a>").unwrap();
    /// let pi = doc.root_element().children().next().unwrap();
    /// assert_eq!(pi.kind(), NodeKind::ProcessingInstruction { target: "target", data: "data" });
    /// ```
    pub fn kind(self) -> NodeKind<'a> {
        match &self.data().kind {
            Kind::Document => NodeKind::Document,
            Kind::Element(_) => NodeKind::Element,
            Kind::Text(t) => NodeKind::Text(t),
            Kind::Comment(c) => NodeKind::Comment(c),
            Kind::Pi { target, data } => NodeKind::ProcessingInstruction { target, data },
        }
    }

    /// This node as an element, if it is one.
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str("<a>text<b/></a>").unwrap();
    /// let elements: Vec<_> = doc.root_element().children().filter_map(|n| n.as_element()).collect();
    /// assert_eq!(elements.len(), 1);
    /// assert_eq!(elements[0].local_name(), "b");
    /// ```
    pub fn as_element(self) -> Option<Element<'a>> {
        match self.data().kind {
            Kind::Element(_) => Some(Element { doc: self.doc, id: self.id }),
            _ => None,
        }
    }

    /// The parent node (`None` for the document node).
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str("<a>text</a>").unwrap();
    /// let text = doc.root_element().children().next().unwrap();
    /// assert_eq!(text.parent().and_then(|p| p.as_element()), Some(doc.root_element()));
    /// assert!(doc.document_node().parent().is_none());
    /// ```
    pub fn parent(self) -> Option<Node<'a>> {
        let p = self.data().parent;
        (p != NONE).then_some(Node { doc: self.doc, id: p })
    }

    /// The children in document order.
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str("<!-- header --><a/>").unwrap();
    /// // The document node's children: the comment, then the root element.
    /// assert_eq!(doc.document_node().children().count(), 2);
    /// ```
    pub fn children(self) -> Children<'a> {
        Children { doc: self.doc, next: self.data().first_child }
    }

    /// The following sibling.
    ///
    /// ```
    /// use samlguard::NodeKind;
    /// let doc = samlguard::Document::parse_str("<a><b/>tail</a>").unwrap();
    /// let b = doc.root_element().children().next().unwrap();
    /// assert_eq!(b.next_sibling().map(|n| n.kind()), Some(NodeKind::Text("tail")));
    /// ```
    pub fn next_sibling(self) -> Option<Node<'a>> {
        let n = self.data().next_sibling;
        (n != NONE).then_some(Node { doc: self.doc, id: n })
    }

    /// Whether `other` is this node or one of its descendants.
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str("<a><b><c/></b><d/></a>").unwrap();
    /// let [b, c, d] = ["b", "c", "d"].map(|n| doc.elements().find(|e| e.local_name() == n).unwrap());
    /// assert!(b.node().contains(c.id()) && b.node().contains(b.id()));
    /// assert!(!b.node().contains(d.id()));
    /// ```
    pub fn contains(self, other: NodeId) -> bool {
        other.0 >= self.id && other.0 < self.data().end
    }

    /// The 1-based line and column where this node starts.
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str("<a>\n  <b/>\n</a>").unwrap();
    /// let b = doc.root_element().child_elements().next().unwrap();
    /// assert_eq!(b.node().position(), (2, 3));
    /// ```
    pub fn position(self) -> (usize, usize) {
        self.doc.line_col(self.data().pos)
    }

    /// Byte offset in the input where this node starts.
    pub(crate) fn byte_offset(self) -> usize {
        (self.data().pos + self.doc.offset_base) as usize
    }

    /// Byte offset of this element's end tag, if it has one (`<x/>` has none).
    pub(crate) fn end_tag_offset(self) -> Option<usize> {
        let c = self.data().close;
        (c != NONE).then_some((c + self.doc.offset_base) as usize)
    }

    /// The last node (in document order) of this node's subtree.
    pub(crate) fn subtree_last(self) -> NodeId {
        NodeId(self.data().end - 1)
    }

    /// The document this node belongs to.
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str("<a/>").unwrap();
    /// let node = doc.root_element().node();
    /// assert!(std::ptr::eq(node.document(), &doc));
    /// ```
    pub fn document(self) -> &'a Document {
        self.doc
    }
}

impl fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_element() {
            Some(e) => write!(f, "Element({})", e.qualified_name()),
            None => write!(f, "{:?}", self.kind()),
        }
    }
}

/// Iterator over a node's children.
///
/// ```
/// let doc = samlguard::Document::parse_str("<a><b/>text<c/></a>").unwrap();
/// let children = doc.root_element().children();
/// assert_eq!(children.clone().count(), 3); // elements and text alike
/// assert_eq!(children.filter_map(|n| n.as_element()).count(), 2);
/// ```
#[derive(Clone)]
pub struct Children<'a> {
    doc: &'a Document,
    next: u32,
}

impl<'a> Iterator for Children<'a> {
    type Item = Node<'a>;
    fn next(&mut self) -> Option<Node<'a>> {
        if self.next == NONE {
            return None;
        }
        let node = Node { doc: self.doc, id: self.next };
        self.next = self.doc.nodes[self.next as usize].next_sibling;
        Some(node)
    }
}

impl<'a> Element<'a> {
    fn data(self) -> &'a ElementData {
        match &self.doc.nodes[self.id as usize].kind {
            Kind::Element(e) => e,
            // An Element handle is only ever made for an element node.
            _ => unreachable!("element handle on a non-element node"),
        }
    }

    /// This element's id.
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str("<a/>").unwrap();
    /// let a = doc.root_element();
    /// assert_eq!(doc.element(a.id()), Some(a));
    /// ```
    pub fn id(self) -> NodeId {
        NodeId(self.id)
    }

    /// This element as a generic node.
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str("<a><b/></a>").unwrap();
    /// let b = doc.root_element().child_elements().next().unwrap();
    /// assert!(b.node().next_sibling().is_none());
    /// ```
    pub fn node(self) -> Node<'a> {
        Node { doc: self.doc, id: self.id }
    }

    /// The local name.
    ///
    /// ```
    /// let xml = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1">
    ///   <saml:Issuer>https://idp.example.com</saml:Issuer>
    /// </saml:Assertion>"#;
    /// let doc = samlguard::Document::parse_str(xml).unwrap();
    /// assert_eq!(doc.root_element().local_name(), "Assertion");
    /// ```
    pub fn local_name(self) -> &'a str {
        &self.data().local
    }

    /// The prefix as written, if any.
    ///
    /// ```
    /// let xml = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1">
    ///   <saml:Issuer>https://idp.example.com</saml:Issuer>
    /// </saml:Assertion>"#;
    /// let doc = samlguard::Document::parse_str(xml).unwrap();
    /// assert_eq!(doc.root_element().prefix(), Some("saml"));
    /// ```
    pub fn prefix(self) -> Option<&'a str> {
        self.data().prefix.as_deref()
    }

    /// The namespace URI, if the element is in a namespace.
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str(r#"<a xmlns="urn:d"><b xmlns=""/></a>"#).unwrap();
    /// let a = doc.root_element();
    /// assert_eq!(a.namespace(), Some("urn:d"));
    /// assert_eq!(a.child_elements().next().unwrap().namespace(), None); // xmlns="" undeclares
    /// ```
    pub fn namespace(self) -> Option<&'a str> {
        uri(self.doc, self.data().ns)
    }

    /// The name as written (`prefix:local` or `local`).
    ///
    /// ```
    /// let xml = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1">
    ///   <saml:Issuer>https://idp.example.com</saml:Issuer>
    /// </saml:Assertion>"#;
    /// let doc = samlguard::Document::parse_str(xml).unwrap();
    /// assert_eq!(doc.root_element().qualified_name(), "saml:Assertion");
    /// ```
    pub fn qualified_name(self) -> String {
        match self.prefix() {
            Some(p) => format!("{p}:{}", self.local_name()),
            None => self.local_name().to_string(),
        }
    }

    /// Whether the element has this namespace and local name.
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str(r#"<s:a xmlns:s="urn:s"/>"#).unwrap();
    /// assert!(doc.root_element().is("urn:s", "a"));
    /// ```
    pub fn is(self, namespace: &str, local: &str) -> bool {
        self.local_name() == local && self.namespace() == Some(namespace)
    }

    /// The attributes in document order (namespace declarations excluded).
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str(r#"<a xmlns:p="urn:p" z="1" p:y="2"/>"#).unwrap();
    /// let names: Vec<String> = doc.root_element().attributes().map(|a| a.qualified_name()).collect();
    /// assert_eq!(names, ["z", "p:y"]); // document order, declarations left out
    /// ```
    pub fn attributes(self) -> impl ExactSizeIterator<Item = Attribute<'a>> + 'a {
        let (s, e) = self.data().attrs;
        let doc = self.doc;
        (s..e).map(move |index| Attribute { doc, index })
    }

    /// The value of the attribute with this local name and no namespace.
    ///
    /// ```
    /// let xml = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1">
    ///   <saml:Issuer>https://idp.example.com</saml:Issuer>
    /// </saml:Assertion>"#;
    /// let doc = samlguard::Document::parse_str(xml).unwrap();
    /// assert_eq!(doc.root_element().attribute("ID"), Some("_a1"));
    /// assert_eq!(doc.root_element().attribute("Version"), None);
    /// ```
    pub fn attribute(self, local: &str) -> Option<&'a str> {
        self.attribute_ns(None, local)
    }

    /// The value of the attribute with this namespace and local name.
    ///
    /// ```
    /// const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
    /// let xml = format!(r#"<v xmlns:xsi="{XSI}" xsi:type="xs:string" type="plain"/>"#);
    /// let doc = samlguard::Document::parse_str(&xml).unwrap();
    /// let v = doc.root_element();
    /// assert_eq!(v.attribute_ns(Some(XSI), "type"), Some("xs:string"));
    /// assert_eq!(v.attribute_ns(None, "type"), Some("plain"));
    /// ```
    pub fn attribute_ns(self, namespace: Option<&str>, local: &str) -> Option<&'a str> {
        self.attributes().find(|a| a.local_name() == local && a.namespace() == namespace).map(|a| a.value())
    }

    /// The namespace declarations written on this element, in document order.
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str(r#"<a xmlns:p="urn:p"><b xmlns:q="urn:q"/></a>"#).unwrap();
    /// let b = doc.root_element().child_elements().next().unwrap();
    /// let declared: Vec<_> = b.namespace_declarations().map(|d| d.prefix).collect();
    /// assert_eq!(declared, [Some("q")]); // only what is written on <b>; see in_scope_namespaces
    /// ```
    pub fn namespace_declarations(self) -> impl ExactSizeIterator<Item = NamespaceDecl<'a>> + 'a {
        let (s, e) = self.data().decls;
        let doc = self.doc;
        (s..e).map(move |i| {
            let d = &doc.decls[i as usize];
            NamespaceDecl { prefix: d.prefix.as_deref(), uri: uri(doc, d.uri).unwrap_or("") }
        })
    }

    /// The namespace URI bound to `prefix` (`None`: the default namespace) in this element's scope.
    ///
    /// ```
    /// // Resolving a QName-valued attribute such as xsi:type="xs:string".
    /// let xml = r#"<a xmlns:xs="http://www.w3.org/2001/XMLSchema"><v/></a>"#;
    /// let doc = samlguard::Document::parse_str(xml).unwrap();
    /// let v = doc.root_element().child_elements().next().unwrap();
    /// assert_eq!(v.lookup_namespace(Some("xs")), Some("http://www.w3.org/2001/XMLSchema"));
    /// assert_eq!(v.lookup_namespace(None), None); // no default namespace in scope
    /// ```
    pub fn lookup_namespace(self, prefix: Option<&str>) -> Option<&'a str> {
        if prefix == Some("xml") {
            return Some(XML_NS);
        }
        let mut cur = Some(self);
        while let Some(el) = cur {
            for d in el.namespace_declarations() {
                if d.prefix == prefix {
                    return (!d.uri.is_empty()).then_some(d.uri);
                }
            }
            cur = el.parent_element();
        }
        None
    }

    /// All namespace bindings in scope here, nearest declaration winning, sorted by prefix (default
    /// first). An undeclared default namespace (`xmlns=""`) is left out; the `xml` prefix is left out.
    ///
    /// ```
    /// let xml = r#"<a xmlns="urn:d" xmlns:p="urn:p1"><b xmlns:p="urn:p2"/></a>"#;
    /// let doc = samlguard::Document::parse_str(xml).unwrap();
    /// let b = doc.root_element().child_elements().next().unwrap();
    /// let scope: Vec<_> = b.in_scope_namespaces().into_iter().map(|d| (d.prefix, d.uri)).collect();
    /// assert_eq!(scope, [(None, "urn:d"), (Some("p"), "urn:p2")]); // the nearest p wins
    /// ```
    pub fn in_scope_namespaces(self) -> Vec<NamespaceDecl<'a>> {
        let mut out: Vec<NamespaceDecl<'a>> = Vec::new();
        let mut cur = Some(self);
        while let Some(el) = cur {
            for d in el.namespace_declarations() {
                if !out.iter().any(|o| o.prefix == d.prefix) {
                    out.push(d);
                }
            }
            cur = el.parent_element();
        }
        out.retain(|d| !d.uri.is_empty());
        out.sort_by(|a, b| a.prefix.unwrap_or("").cmp(b.prefix.unwrap_or("")));
        out
    }

    /// The parent element, if the parent is an element.
    ///
    /// ```
    /// let xml = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1">
    ///   <saml:Issuer>https://idp.example.com</saml:Issuer>
    /// </saml:Assertion>"#;
    /// let doc = samlguard::Document::parse_str(xml).unwrap();
    /// let issuer = doc.root_element().child_elements().next().unwrap();
    /// assert_eq!(issuer.parent_element(), Some(doc.root_element()));
    /// assert_eq!(doc.root_element().parent_element(), None); // its parent is the document node
    /// ```
    pub fn parent_element(self) -> Option<Element<'a>> {
        self.node().parent().and_then(|p| p.as_element())
    }

    /// The children in document order.
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str("<a>one<b/>two</a>").unwrap();
    /// assert_eq!(doc.root_element().children().count(), 3);
    /// ```
    pub fn children(self) -> Children<'a> {
        self.node().children()
    }

    /// The child elements in document order.
    ///
    /// ```
    /// let xml = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1">
    ///   <saml:Issuer>https://idp.example.com</saml:Issuer>
    /// </saml:Assertion>"#;
    /// let doc = samlguard::Document::parse_str(xml).unwrap();
    /// let names: Vec<_> = doc.root_element().child_elements().map(|e| e.local_name()).collect();
    /// assert_eq!(names, ["Issuer"]); // white space text is skipped
    /// ```
    pub fn child_elements(self) -> impl Iterator<Item = Element<'a>> + 'a {
        self.children().filter_map(|n| n.as_element())
    }

    /// The child elements with this namespace and local name.
    ///
    /// ```
    /// let xml = r#"<saml:AttributeStatement xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">
    ///   <saml:Attribute Name="email"/><saml:Attribute Name="role"/>
    /// </saml:AttributeStatement>"#;
    /// let doc = samlguard::Document::parse_str(xml).unwrap();
    /// let names: Vec<_> = doc
    ///     .root_element()
    ///     .children_named("urn:oasis:names:tc:SAML:2.0:assertion", "Attribute")
    ///     .filter_map(|a| a.attribute("Name"))
    ///     .collect();
    /// assert_eq!(names, ["email", "role"]);
    /// ```
    pub fn children_named(
        self,
        namespace: &'a str,
        local: &'a str,
    ) -> impl Iterator<Item = Element<'a>> + 'a {
        self.child_elements().filter(move |e| e.is(namespace, local))
    }

    /// The first child element with this namespace and local name.
    ///
    /// ```
    /// let xml = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1">
    ///   <saml:Issuer>https://idp.example.com</saml:Issuer>
    /// </saml:Assertion>"#;
    /// let doc = samlguard::Document::parse_str(xml).unwrap();
    /// let issuer = doc.root_element().child_named("urn:oasis:names:tc:SAML:2.0:assertion", "Issuer");
    /// assert_eq!(issuer.map(|i| i.text()).as_deref(), Some("https://idp.example.com"));
    /// assert!(doc.root_element().child_named("urn:other", "Issuer").is_none()); // namespace matters
    /// ```
    pub fn child_named(self, namespace: &str, local: &str) -> Option<Element<'a>> {
        self.child_elements().find(|e| e.is(namespace, local))
    }

    /// The descendant elements (this element excluded) in document order.
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str("<a><b><c/></b><d/></a>").unwrap();
    /// let names: Vec<_> = doc.root_element().descendants().map(|e| e.local_name()).collect();
    /// assert_eq!(names, ["b", "c", "d"]);
    /// ```
    pub fn descendants(self) -> impl Iterator<Item = Element<'a>> + 'a {
        let doc = self.doc;
        let end = doc.nodes[self.id as usize].end;
        (self.id + 1..end).filter_map(move |id| Node { doc, id }.as_element())
    }

    /// The concatenation of this element's child text nodes. Comments and processing instructions do not
    /// split the text: `a<!--x-->b` reads as `ab`.
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str("<n>alice<!--x-->@example.com<b>not this</b></n>").unwrap();
    /// assert_eq!(doc.root_element().text(), "alice@example.com"); // child text only
    /// ```
    pub fn text(self) -> String {
        let mut s = String::new();
        for c in self.children() {
            if let NodeKind::Text(t) = c.kind() {
                s.push_str(t);
            }
        }
        s
    }

    /// Whether the element has element children.
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str("<a><b>text</b></a>").unwrap();
    /// let b = doc.root_element().child_elements().next().unwrap();
    /// assert!(doc.root_element().has_child_elements());
    /// assert!(!b.has_child_elements());
    /// ```
    pub fn has_child_elements(self) -> bool {
        self.child_elements().next().is_some()
    }

    /// The 1-based line and column where this element starts.
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str("<a>\n    <b/></a>").unwrap();
    /// assert_eq!(doc.root_element().child_elements().next().unwrap().position(), (2, 5));
    /// ```
    pub fn position(self) -> (usize, usize) {
        self.node().position()
    }

    /// The document this element belongs to.
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str("<a/>").unwrap();
    /// assert_eq!(doc.root_element().document().elements().count(), 1);
    /// ```
    pub fn document(self) -> &'a Document {
        self.doc
    }
}

impl fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (l, c) = self.position();
        write!(f, "<{}> at {l}:{c}", self.qualified_name())
    }
}

impl PartialEq for Element<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.doc, other.doc) && self.id == other.id
    }
}
impl Eq for Element<'_> {}

fn uri(doc: &Document, idx: u32) -> Option<&str> {
    (idx != NONE).then(|| doc.uris[idx as usize].as_str())
}

impl<'a> Attribute<'a> {
    fn data(self) -> &'a AttrData {
        &self.doc.attrs[self.index as usize]
    }
    /// The local name.
    ///
    /// ```
    /// let xml = r#"<a xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>"#;
    /// let doc = samlguard::Document::parse_str(xml).unwrap();
    /// let nil = doc.root_element().attributes().next().unwrap();
    /// assert_eq!(nil.local_name(), "nil");
    /// ```
    pub fn local_name(self) -> &'a str {
        &self.data().local
    }
    /// The prefix as written.
    ///
    /// ```
    /// let xml = r#"<a xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>"#;
    /// let doc = samlguard::Document::parse_str(xml).unwrap();
    /// let nil = doc.root_element().attributes().next().unwrap();
    /// assert_eq!(nil.prefix(), Some("xsi"));
    /// ```
    pub fn prefix(self) -> Option<&'a str> {
        self.data().prefix.as_deref()
    }
    /// The namespace URI (unprefixed attributes have none).
    ///
    /// ```
    /// let xml = r#"<a xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>"#;
    /// let doc = samlguard::Document::parse_str(xml).unwrap();
    /// let nil = doc.root_element().attributes().next().unwrap();
    /// assert_eq!(nil.namespace(), Some("http://www.w3.org/2001/XMLSchema-instance"));
    /// // The default namespace does not apply to unprefixed attributes.
    /// let doc = samlguard::Document::parse_str(r#"<a xmlns="urn:d" k="v"/>"#).unwrap();
    /// assert_eq!(doc.root_element().attributes().next().unwrap().namespace(), None);
    /// ```
    pub fn namespace(self) -> Option<&'a str> {
        uri(self.doc, self.data().ns)
    }
    /// The normalized value (references resolved, literal white space characters turned into spaces).
    ///
    /// ```
    /// let doc = samlguard::Document::parse_str("<a v='x&amp;y\tz'/>").unwrap();
    /// assert_eq!(doc.root_element().attributes().next().unwrap().value(), "x&y z");
    /// ```
    pub fn value(self) -> &'a str {
        &self.data().value
    }
    /// The name as written.
    ///
    /// ```
    /// let xml = r#"<a xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>"#;
    /// let doc = samlguard::Document::parse_str(xml).unwrap();
    /// let nil = doc.root_element().attributes().next().unwrap();
    /// assert_eq!(nil.qualified_name(), "xsi:nil");
    /// ```
    pub fn qualified_name(self) -> String {
        match self.prefix() {
            Some(p) => format!("{p}:{}", self.local_name()),
            None => self.local_name().to_string(),
        }
    }
}

impl fmt::Debug for Attribute<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={:?}", self.qualified_name(), self.value())
    }
}

// ---------------------------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------------------------

struct Builder<'o> {
    opts: &'o ParseOptions,
    max_depth: usize,
    nodes: Vec<NodeData>,
    attrs: Vec<AttrData>,
    decls: Vec<DeclData>,
    uris: Vec<String>,
    uri_index: HashMap<String, u32>,
    /// prefix ("" = default) → stack of URI indices (NONE = undeclared default).
    scope: HashMap<Box<str>, Vec<u32>>,
    /// Per open element: the prefixes it declared (to pop on close).
    open: Vec<(u32, Vec<Box<str>>)>,
    pending: String,
    pending_pos: u32,
    line_starts: Vec<u32>,
    root_seen: bool,
    root: u32,
}

fn err_at(kind: XmlErrorKind, line_starts: &[u32], pos: u32) -> XmlError {
    let (line, column) = line_col(line_starts, pos);
    XmlError { kind, line, column }
}

fn compute_line_starts(s: &str) -> Vec<u32> {
    let mut v = vec![0u32];
    let b = s.as_bytes();
    for i in memchr::memchr2_iter(b'\n', b'\r', b) {
        if b[i] == b'\n' || b.get(i + 1) != Some(&b'\n') {
            v.push(i as u32 + 1);
        }
    }
    v
}

/// Columns are counted in characters; positions are byte offsets. Adjust for multi-byte characters.
fn char_column_fix(src: &str, line_starts: &[u32], err: XmlError) -> XmlError {
    let start = line_starts.get(err.line - 1).copied().unwrap_or(0) as usize;
    let end = (start + err.column - 1).min(src.len());
    let col = src.get(start..end).map(|s| s.chars().count() + 1).unwrap_or(err.column);
    XmlError { column: col, ..err }
}

/// Checks the XML 1.0 `Char` production over the whole input: control characters other than tab, line
/// feed and carriage return, and U+FFFE/U+FFFF are refused wherever they appear.
fn check_chars(s: &str) -> Result<(), (u32, u32)> {
    let b = s.as_bytes();
    // Fast path: whole 32-byte chunks with no control byte and no 0xEF lead byte (vectorizes).
    let clean = |chunk: &[u8]| !chunk.iter().fold(false, |bad, &c| bad | (c < 0x20) | (c == 0xEF));
    let mut i = 0;
    while i < b.len() {
        if i % 32 == 0 && i + 32 <= b.len() && clean(&b[i..i + 32]) {
            i += 32;
            continue;
        }
        let c = b[i];
        if c < 0x20 && c != b'\t' && c != b'\n' && c != b'\r' {
            return Err((i as u32, c as u32));
        }
        if c == 0xEF && i + 2 < b.len() && b[i + 1] == 0xBF && (b[i + 2] == 0xBE || b[i + 2] == 0xBF) {
            return Err((i as u32, 0xFFFE + (b[i + 2] - 0xBE) as u32));
        }
        i += 1;
    }
    Ok(())
}

fn is_xml_char(c: char) -> bool {
    matches!(c as u32, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

fn is_name_start(c: char) -> bool {
    matches!(c, 'A'..='Z' | 'a'..='z' | '_')
        || matches!(c as u32,
            0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x2FF | 0x370..=0x37D | 0x37F..=0x1FFF | 0x200C..=0x200D
            | 0x2070..=0x218F | 0x2C00..=0x2FEF | 0x3001..=0xD7FF | 0xF900..=0xFDCF | 0xFDF0..=0xFFFD
            | 0x10000..=0xEFFFF)
}

fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c, '-' | '.' | '0'..='9')
        || matches!(c as u32, 0xB7 | 0x300..=0x36F | 0x203F..=0x2040)
}

/// Whether `s` is an NCName (a name without colons).
pub(crate) fn is_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if is_name_start(c) => chars.all(is_name_char),
        _ => false,
    }
}

/// Splits a qualified name into prefix and local part, refusing anything that is not `NCName` or
/// `NCName:NCName` (so `::foo`, `x::y`, `:y`, `x:` are all refused).
fn split_qname(name: &str) -> Option<(Option<&str>, &str)> {
    match name.split_once(':') {
        None => is_ncname(name).then_some((None, name)),
        Some((p, l)) => (is_ncname(p) && is_ncname(l)).then_some((Some(p), l)),
    }
}

/// Appends `raw` to `out` with XML line-end normalization (`\r\n` and lone `\r` become `\n`).
fn push_normalized_eol(out: &mut String, raw: &str) {
    if !raw.contains('\r') {
        out.push_str(raw);
        return;
    }
    let mut it = raw.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\r' {
            if it.peek() == Some(&'\n') {
                it.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
}

fn resolve_reference(name: &str) -> Result<char, XmlErrorKind> {
    if let Some(num) = name.strip_prefix('#') {
        let parsed = if let Some(hex) = num.strip_prefix('x') {
            (!hex.is_empty() && hex.len() <= 8 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| u32::from_str_radix(hex, 16).ok())
                .flatten()
        } else {
            (!num.is_empty() && num.len() <= 10 && num.bytes().all(|b| b.is_ascii_digit()))
                .then(|| num.parse::<u32>().ok())
                .flatten()
        };
        return parsed
            .and_then(char::from_u32)
            .filter(|c| is_xml_char(*c))
            .ok_or_else(|| XmlErrorKind::InvalidCharRef(name.to_string()));
    }
    match name {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        _ => Err(XmlErrorKind::UnknownEntity(name.to_string())),
    }
}

/// Attribute-value normalization (XML 1.0 §3.3.3 for CDATA attributes): line ends normalized, literal
/// tab/LF/CR become spaces, references resolved (a character reference keeps its character).
fn normalize_attr_value(raw: &str, limit: usize) -> Result<String, XmlErrorKind> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find(['&', '\t', '\n', '\r', '<']) {
        out.push_str(&rest[..i]);
        let c = rest.as_bytes()[i];
        rest = &rest[i + 1..];
        match c {
            b'&' => {
                let end = rest.find(';').ok_or_else(|| {
                    XmlErrorKind::Syntax("unterminated reference in attribute value".into())
                })?;
                out.push(resolve_reference(&rest[..end])?);
                rest = &rest[end + 1..];
            }
            b'\r' => {
                if rest.starts_with('\n') {
                    rest = &rest[1..];
                }
                out.push(' ');
            }
            b'<' => return Err(XmlErrorKind::Syntax("'<' in attribute value".into())),
            _ => out.push(' '),
        }
        if out.len() > limit {
            return Err(XmlErrorKind::TextTooLong { limit });
        }
    }
    out.push_str(rest);
    if out.len() > limit {
        return Err(XmlErrorKind::TextTooLong { limit });
    }
    Ok(out)
}

impl<'o> Builder<'o> {
    fn run(input: &[u8], opts: &'o ParseOptions) -> Result<Document, XmlError> {
        let at0 = |kind| XmlError { kind, line: 1, column: 1 };
        if input.len() > opts.max_bytes {
            return Err(at0(XmlErrorKind::TooLarge { limit: opts.max_bytes, size: input.len() }));
        }
        if input.starts_with(&[0xFE, 0xFF])
            || input.starts_with(&[0xFF, 0xFE])
            || input.starts_with(&[0, b'<'])
            || input.starts_with(&[b'<', 0])
        {
            return Err(at0(XmlErrorKind::Utf16));
        }
        let (input, offset_base) = match input.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
            Some(rest) => (rest, 3),
            None => (input, 0),
        };
        let src = match std::str::from_utf8(input) {
            Ok(s) => s,
            Err(e) => {
                let ls = compute_line_starts(&String::from_utf8_lossy(&input[..e.valid_up_to()]));
                let mut err = err_at(XmlErrorKind::NotUtf8, &ls, e.valid_up_to() as u32);
                if let Ok(prefix) = std::str::from_utf8(&input[..e.valid_up_to()]) {
                    err = char_column_fix(prefix, &ls, err);
                }
                return Err(err);
            }
        };
        let line_starts = compute_line_starts(src);
        if let Err((pos, c)) = check_chars(src) {
            return Err(char_column_fix(
                src,
                &line_starts,
                err_at(XmlErrorKind::InvalidChar(c), &line_starts, pos),
            ));
        }
        let mut b = Builder {
            opts,
            max_depth: opts.max_depth.min(DEPTH_CEILING),
            // About one node per 24 input bytes in SAML messages; capped by the node limit.
            nodes: Vec::with_capacity((src.len() / 24).min(opts.max_nodes.saturating_add(1))),
            attrs: Vec::new(),
            decls: Vec::new(),
            uris: Vec::new(),
            uri_index: HashMap::new(),
            scope: HashMap::new(),
            open: Vec::new(),
            pending: String::new(),
            pending_pos: 0,
            line_starts,
            root_seen: false,
            root: NONE,
        };
        match b.read(src) {
            Ok(()) => Ok(Document {
                nodes: {
                    let n = b.nodes.len() as u32;
                    b.nodes[0].end = n;
                    b.nodes
                },
                attrs: b.attrs,
                decls: b.decls,
                uris: b.uris,
                line_starts: b.line_starts,
                root: b.root,
                offset_base,
            }),
            Err((kind, pos)) => Err(char_column_fix(src, &b.line_starts, err_at(kind, &b.line_starts, pos))),
        }
    }

    fn push_node(&mut self, kind: Kind, pos: u32) -> Result<u32, XmlErrorKind> {
        if self.nodes.len() >= self.opts.max_nodes.saturating_add(1) {
            return Err(XmlErrorKind::TooManyNodes { limit: self.opts.max_nodes });
        }
        let id = self.nodes.len() as u32;
        let parent = self.open.last().map(|o| o.0).unwrap_or(0);
        let parent = if self.nodes.is_empty() { NONE } else { parent };
        self.nodes.push(NodeData {
            kind,
            parent,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
            end: id + 1,
            pos,
            close: NONE,
        });
        if parent != NONE {
            let p = &mut self.nodes[parent as usize];
            let last = p.last_child;
            if last == NONE {
                p.first_child = id;
            }
            p.last_child = id;
            if last != NONE {
                self.nodes[last as usize].next_sibling = id;
            }
        }
        Ok(id)
    }

    fn flush_text(&mut self) -> Result<(), XmlErrorKind> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let text = std::mem::take(&mut self.pending);
        if self.open.is_empty() {
            if text.chars().all(|c| matches!(c, ' ' | '\t' | '\n' | '\r')) {
                return Ok(());
            }
            return Err(XmlErrorKind::ContentOutsideRoot);
        }
        self.push_node(Kind::Text(text), self.pending_pos)?;
        Ok(())
    }

    fn add_text(
        &mut self,
        pos: u32,
        f: impl FnOnce(&mut String) -> Result<(), XmlErrorKind>,
    ) -> Result<(), XmlErrorKind> {
        if self.pending.is_empty() {
            self.pending_pos = pos;
        }
        f(&mut self.pending)?;
        if self.pending.len() > self.opts.max_text_len {
            return Err(XmlErrorKind::TextTooLong { limit: self.opts.max_text_len });
        }
        Ok(())
    }

    fn intern(&mut self, uri: &str) -> u32 {
        if let Some(&i) = self.uri_index.get(uri) {
            return i;
        }
        let i = self.uris.len() as u32;
        self.uris.push(uri.to_string());
        self.uri_index.insert(uri.to_string(), i);
        i
    }

    fn resolve(&self, prefix: Option<&str>) -> Result<u32, XmlErrorKind> {
        match prefix {
            Some("xml") => Ok(self.uri_index.get(XML_NS).copied().unwrap_or(NONE)),
            Some(p) => self
                .scope
                .get(p)
                .and_then(|v| v.last().copied())
                .ok_or_else(|| XmlErrorKind::UnboundPrefix(p.to_string())),
            None => Ok(self.scope.get("").and_then(|v| v.last().copied()).unwrap_or(NONE)),
        }
    }

    fn read(&mut self, src: &str) -> Result<(), (XmlErrorKind, u32)> {
        self.push_node(Kind::Document, 0).map_err(|k| (k, 0))?;
        self.intern(XML_NS);
        let mut reader = Reader::from_str(src);
        {
            let cfg = reader.config_mut();
            cfg.check_end_names = true;
            cfg.check_comments = true;
            cfg.expand_empty_elements = false;
            cfg.allow_dangling_amp = false;
            cfg.allow_unmatched_ends = false;
            cfg.trim_text(false);
        }
        let mut first = true;
        loop {
            let pos = reader.buffer_position() as u32;
            let ev = match reader.read_event() {
                Ok(ev) => ev,
                Err(e) => {
                    let p = reader.error_position() as u32;
                    return Err((XmlErrorKind::Syntax(e.to_string()), p));
                }
            };
            let was_first = std::mem::replace(&mut first, false);
            let r: Result<bool, XmlErrorKind> = (|| {
                match ev {
                    Event::Decl(d) => {
                        if !was_first {
                            return Err(XmlErrorKind::Syntax("XML declaration not at the start".into()));
                        }
                        let v = d.version().map_err(|e| XmlErrorKind::Syntax(e.to_string()))?;
                        if v != "1.0" {
                            return Err(XmlErrorKind::UnsupportedVersion(v.to_string()));
                        }
                        if let Some(enc) = d.encoding() {
                            let enc = enc.map_err(|e| XmlErrorKind::Syntax(e.to_string()))?;
                            if !enc.eq_ignore_ascii_case("utf-8") && !enc.eq_ignore_ascii_case("utf8") {
                                return Err(XmlErrorKind::UnsupportedEncoding(enc.to_string()));
                            }
                        }
                    }
                    Event::DocType(_) => return Err(XmlErrorKind::Doctype),
                    Event::Start(e) => {
                        self.start(&e, pos)?;
                    }
                    Event::Empty(e) => {
                        self.start(&e, pos)?;
                        self.end(NONE)?;
                    }
                    Event::End(_) => self.end(pos)?,
                    Event::Text(t) => {
                        if t.contains("]]>") {
                            return Err(XmlErrorKind::Syntax("']]>' in text content".into()));
                        }
                        self.add_text(pos, |s| {
                            push_normalized_eol(s, &t);
                            Ok(())
                        })?;
                    }
                    Event::CData(t) => {
                        if self.open.is_empty() {
                            return Err(XmlErrorKind::ContentOutsideRoot);
                        }
                        self.add_text(pos, |s| {
                            push_normalized_eol(s, &t);
                            Ok(())
                        })?;
                    }
                    Event::GeneralRef(r) => {
                        if self.open.is_empty() {
                            return Err(XmlErrorKind::ContentOutsideRoot);
                        }
                        let c = resolve_reference(&r)?;
                        self.add_text(pos, |s| {
                            s.push(c);
                            Ok(())
                        })?;
                    }
                    Event::Comment(c) => {
                        self.flush_text()?;
                        let mut s = String::new();
                        push_normalized_eol(&mut s, &c);
                        if s.len() > self.opts.max_text_len {
                            return Err(XmlErrorKind::TextTooLong { limit: self.opts.max_text_len });
                        }
                        self.push_node(Kind::Comment(s), pos)?;
                    }
                    Event::PI(p) => {
                        self.flush_text()?;
                        let target = p.target();
                        if !is_ncname(target) {
                            return Err(XmlErrorKind::InvalidName(target.to_string()));
                        }
                        if target.eq_ignore_ascii_case("xml") {
                            return Err(XmlErrorKind::Syntax("processing instruction named 'xml'".into()));
                        }
                        let raw = p.content();
                        let data = raw.trim_start_matches([' ', '\t', '\n', '\r']);
                        if data.len() == raw.len() && !raw.is_empty() {
                            return Err(XmlErrorKind::Syntax(
                                "no white space after processing instruction target".into(),
                            ));
                        }
                        let mut d = String::new();
                        push_normalized_eol(&mut d, data);
                        if d.len() > self.opts.max_text_len {
                            return Err(XmlErrorKind::TextTooLong { limit: self.opts.max_text_len });
                        }
                        self.push_node(Kind::Pi { target: target.to_string(), data: d }, pos)?;
                    }
                    Event::Eof => return Ok(true),
                }
                Ok(false)
            })();
            match r {
                Ok(true) => break,
                Ok(false) => {}
                Err(k) => return Err((k, pos)),
            }
        }
        let end = src.len() as u32;
        self.flush_text().map_err(|k| (k, end))?;
        if !self.open.is_empty() {
            return Err((XmlErrorKind::Syntax("unclosed element at end of input".into()), end));
        }
        if !self.root_seen {
            return Err((XmlErrorKind::NoRoot, end));
        }
        Ok(())
    }

    fn start(&mut self, e: &BytesStart<'_>, pos: u32) -> Result<(), XmlErrorKind> {
        self.flush_text()?;
        if self.open.is_empty() {
            if self.root_seen {
                return Err(XmlErrorKind::SecondRoot);
            }
            self.root_seen = true;
        }
        if self.open.len() >= self.max_depth {
            return Err(XmlErrorKind::TooDeep { limit: self.max_depth });
        }
        let name: &str = e.name().0;
        let (prefix, local) = split_qname(name).ok_or_else(|| XmlErrorKind::InvalidName(name.to_string()))?;
        if prefix == Some("xmlns") {
            return Err(XmlErrorKind::ReservedNamespace(format!("element {name} uses the xmlns prefix")));
        }

        // First pass: collect raw attributes, apply namespace declarations.
        let mut raw: Vec<(Option<&str>, &str, String)> = Vec::new();
        let mut declared: Vec<Box<str>> = Vec::new();
        let decl_start = self.decls.len() as u32;
        let mut it = e.attributes();
        it.with_checks(false);
        for a in it {
            let a = a.map_err(|err| XmlErrorKind::Syntax(err.to_string()))?;
            if raw.len() + declared.len() >= self.opts.max_attributes {
                return Err(XmlErrorKind::TooManyAttributes { limit: self.opts.max_attributes });
            }
            let key: &str = a.key.0;
            let (ap, al) = split_qname(key).ok_or_else(|| XmlErrorKind::InvalidName(key.to_string()))?;
            let value = normalize_attr_value(&a.value, self.opts.max_text_len)?;
            let decl_prefix: Option<Option<&str>> = match (ap, al) {
                (None, "xmlns") => Some(None),
                (Some("xmlns"), p) => Some(Some(p)),
                _ => None,
            };
            if let Some(dp) = decl_prefix {
                let key_s: Box<str> = dp.unwrap_or("").into();
                if declared.contains(&key_s) {
                    return Err(XmlErrorKind::DuplicateAttribute(key.to_string()));
                }
                match dp {
                    Some("xmlns") => {
                        return Err(XmlErrorKind::ReservedNamespace(
                            "the xmlns prefix cannot be declared".into(),
                        ));
                    }
                    Some("xml") if value != XML_NS => {
                        return Err(XmlErrorKind::ReservedNamespace(
                            "the xml prefix bound to another namespace".into(),
                        ));
                    }
                    Some(p) if value.is_empty() => {
                        return Err(XmlErrorKind::ReservedNamespace(format!(
                            "prefix {p} undeclared with an empty URI"
                        )));
                    }
                    _ => {}
                }
                if (value == XML_NS && dp != Some("xml")) || value == XMLNS_NS {
                    return Err(XmlErrorKind::ReservedNamespace(format!("{value} bound to another prefix")));
                }
                let u = if value.is_empty() { NONE } else { self.intern(&value) };
                self.scope.entry(key_s.clone()).or_default().push(u);
                let stored = if value.is_empty() { self.intern("") } else { u };
                self.decls.push(DeclData { prefix: dp.map(Into::into), uri: stored });
                declared.push(key_s);
            } else {
                raw.push((ap, al, value));
            }
        }
        let decl_end = self.decls.len() as u32;
        let ns = match self.resolve(prefix) {
            Ok(ns) => ns,
            Err(err) => {
                self.pop_scope(declared);
                return Err(err);
            }
        };
        let attr_start = self.attrs.len() as u32;
        // Duplicate detection by (namespace, local name): a linear scan for the usual handful of
        // attributes, a hash set beyond that (so 100 000 attributes stay linear, not quadratic).
        let many = raw.len() > 16;
        let mut seen: std::collections::HashSet<(u32, &str)> =
            if many { std::collections::HashSet::with_capacity(raw.len()) } else { Default::default() };
        let mut result = Ok(());
        for (ap, al, value) in raw {
            let ans = match ap {
                None => NONE,
                Some(p) => match self.resolve(Some(p)) {
                    Ok(u) => u,
                    Err(err) => {
                        result = Err(err);
                        break;
                    }
                },
            };
            let fresh = if many {
                seen.insert((ans, al))
            } else {
                !self.attrs[attr_start as usize..].iter().any(|a| a.ns == ans && &*a.local == al)
            };
            if !fresh {
                result = Err(XmlErrorKind::DuplicateAttribute(match ap {
                    Some(p) => format!("{p}:{al}"),
                    None => al.to_string(),
                }));
                break;
            }
            self.attrs.push(AttrData { prefix: ap.map(Into::into), local: al.into(), ns: ans, value });
        }
        if let Err(err) = result {
            self.pop_scope(declared);
            return Err(err);
        }
        let attr_end = self.attrs.len() as u32;
        let data = ElementData {
            prefix: prefix.map(Into::into),
            local: local.into(),
            ns,
            attrs: (attr_start, attr_end),
            decls: (decl_start, decl_end),
        };
        let id = match self.push_node(Kind::Element(data), pos) {
            Ok(id) => id,
            Err(err) => {
                self.pop_scope(declared);
                return Err(err);
            }
        };
        if self.root == NONE {
            self.root = id;
        }
        self.open.push((id, declared));
        Ok(())
    }

    fn pop_scope(&mut self, declared: Vec<Box<str>>) {
        for p in declared {
            if let Some(v) = self.scope.get_mut(&p) {
                v.pop();
            }
        }
    }

    fn end(&mut self, close: u32) -> Result<(), XmlErrorKind> {
        self.flush_text()?;
        let Some((id, declared)) = self.open.pop() else {
            return Err(XmlErrorKind::Syntax("end tag without start tag".into()));
        };
        self.pop_scope(declared);
        let end = self.nodes.len() as u32;
        self.nodes[id as usize].end = end;
        self.nodes[id as usize].close = close;
        // The document node's subtree always spans everything.
        self.nodes[0].end = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> XmlErrorKind {
        Document::parse_str(s).unwrap_err().kind().clone()
    }

    #[test]
    fn builds_tree_in_document_order() {
        let doc = Document::parse_str(
            "<?pi x?><!--c--><a xmlns='urn:a'><b k='1'>t<![CDATA[<x>]]>&amp;&#65;</b><c/></a><!--after-->",
        )
        .unwrap();
        let a = doc.root_element();
        assert_eq!(a.namespace(), Some("urn:a"));
        let b = a.child_elements().next().unwrap();
        assert_eq!(b.text(), "t<x>&A");
        assert_eq!(b.namespace(), Some("urn:a"));
        assert_eq!(b.attribute("k"), Some("1"));
        assert_eq!(doc.document_node().children().count(), 4);
        assert_eq!(a.descendants().count(), 2);
    }

    #[test]
    fn refuses_dtds_and_entities() {
        assert_eq!(kind("<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>"), XmlErrorKind::Doctype);
        assert_eq!(kind("<!DOCTYPE a SYSTEM 'file:///etc/passwd'><a/>"), XmlErrorKind::Doctype);
        assert_eq!(kind("<a>&x;</a>"), XmlErrorKind::UnknownEntity("x".into()));
        assert_eq!(kind("<a b='&x;'/>"), XmlErrorKind::UnknownEntity("x".into()));
        assert!(matches!(kind("<a>&#0;</a>"), XmlErrorKind::InvalidCharRef(_) | XmlErrorKind::Syntax(_)));
        assert!(matches!(kind("<a>&#xFFFE;</a>"), XmlErrorKind::InvalidCharRef(_)));
    }

    #[test]
    fn refuses_structure_errors() {
        assert_eq!(kind("<a/><b/>"), XmlErrorKind::SecondRoot);
        assert_eq!(kind("<a/>text"), XmlErrorKind::ContentOutsideRoot);
        assert_eq!(kind(""), XmlErrorKind::NoRoot);
        assert_eq!(kind("<a x='1' x='2'/>"), XmlErrorKind::DuplicateAttribute("x".into()));
        assert_eq!(
            kind("<a xmlns:p='urn:x' xmlns:q='urn:x' p:x='1' q:x='2'/>"),
            XmlErrorKind::DuplicateAttribute("q:x".into())
        );
        assert_eq!(kind("<p:a/>"), XmlErrorKind::UnboundPrefix("p".into()));
        assert_eq!(kind("<a p:x='1'/>"), XmlErrorKind::UnboundPrefix("p".into()));
        assert!(matches!(kind("<x::a/>"), XmlErrorKind::InvalidName(_)));
        assert!(matches!(kind("<a ::foo='1'/>"), XmlErrorKind::InvalidName(_)));
        assert!(matches!(kind("<a :='1'/>"), XmlErrorKind::InvalidName(_)));
        assert!(matches!(kind("<a xmlns:p=''/>"), XmlErrorKind::ReservedNamespace(_)));
        assert!(matches!(kind("<a xmlns:xml='urn:x'/>"), XmlErrorKind::ReservedNamespace(_)));
    }

    #[test]
    fn refuses_encodings() {
        assert_eq!(Document::parse(b"<a>\xff</a>").unwrap_err().kind(), &XmlErrorKind::NotUtf8);
        assert_eq!(Document::parse(b"\xff\xfe<\0a\0/\0>\0").unwrap_err().kind(), &XmlErrorKind::Utf16);
        assert_eq!(
            kind("<?xml version='1.0' encoding='ISO-8859-1'?><a/>"),
            XmlErrorKind::UnsupportedEncoding("ISO-8859-1".into())
        );
        assert!(Document::parse(b"\xEF\xBB\xBF<?xml version='1.0' encoding='UTF-8'?><a/>").is_ok());
        assert_eq!(kind("<a>\u{1}</a>"), XmlErrorKind::InvalidChar(1));
    }

    #[test]
    fn limits_have_their_own_errors() {
        let o = |f: fn(&mut ParseOptions)| {
            let mut o = ParseOptions::default();
            f(&mut o);
            o
        };
        let e = |s: &str, opts: ParseOptions| {
            Document::parse_with(s.as_bytes(), &opts).unwrap_err().kind().clone()
        };
        assert!(matches!(e("<a/>", o(|o| o.max_bytes = 3)), XmlErrorKind::TooLarge { .. }));
        assert!(matches!(e("<a><a/></a>", o(|o| o.max_depth = 1)), XmlErrorKind::TooDeep { .. }));
        assert!(matches!(
            e("<a x='1' y='2'/>", o(|o| o.max_attributes = 1)),
            XmlErrorKind::TooManyAttributes { .. }
        ));
        assert!(matches!(e("<a><b/><b/></a>", o(|o| o.max_nodes = 2)), XmlErrorKind::TooManyNodes { .. }));
        assert!(matches!(e("<a>12345</a>", o(|o| o.max_text_len = 4)), XmlErrorKind::TextTooLong { .. }));
        assert!(matches!(e("<a x='12345'/>", o(|o| o.max_text_len = 4)), XmlErrorKind::TextTooLong { .. }));
    }

    #[test]
    fn normalizes_line_ends_and_attribute_values() {
        let doc = Document::parse_str("<a x='1\r\n2\t3&#10;4'>l1\r\nl2\rl3&#13;</a>").unwrap();
        let a = doc.root_element();
        assert_eq!(a.attribute("x"), Some("1 2 3\n4"));
        assert_eq!(a.text(), "l1\nl2\nl3\r");
    }

    #[test]
    fn positions_are_line_and_column() {
        let doc = Document::parse_str("<a>\n  <b/>\n</a>").unwrap();
        let b = doc.root_element().child_elements().next().unwrap();
        assert_eq!(b.position(), (2, 3));
        let err = Document::parse_str("<a>\n  <é/>\n  &bad;</a>").unwrap_err();
        assert_eq!((err.line(), err.column()), (3, 3));
    }

    #[test]
    fn forbidden_characters_are_found_anywhere() {
        for at in [0usize, 31, 32, 33, 63, 64, 100] {
            let text = "x".repeat(at);
            let doc = format!("<a>{text}\u{1}</a>");
            assert_eq!(
                Document::parse_str(&doc).unwrap_err().kind(),
                &XmlErrorKind::InvalidChar(1),
                "at {at}"
            );
            let doc = format!("<a>{text}\u{FFFF}</a>");
            assert_eq!(
                Document::parse_str(&doc).unwrap_err().kind(),
                &XmlErrorKind::InvalidChar(0xFFFF),
                "at {at}"
            );
        }
        // U+FFFD and other characters with an EF lead byte are fine.
        assert!(Document::parse_str(&format!("<a>{}\u{FFFD}\u{F900}</a>", "y".repeat(40))).is_ok());
    }

    #[test]
    fn comments_do_not_split_text() {
        let doc = Document::parse_str("<n>admin@example.com<!---->.evil.com</n>").unwrap();
        assert_eq!(doc.root_element().text(), "admin@example.com.evil.com");
    }

    #[test]
    fn deep_and_wide_inputs_fail_fast() {
        let deep = "<a>".repeat(100_000);
        assert!(matches!(kind(&deep), XmlErrorKind::TooDeep { .. }));
        let mut wide = String::from("<a ");
        for i in 0..100_000 {
            wide.push_str(&format!("a{i}='x' "));
        }
        wide.push_str("/>");
        assert!(matches!(kind(&wide), XmlErrorKind::TooManyAttributes { .. }));
    }
}
