#!/usr/bin/env python3
"""Reference side of tests/c14n_differential.rs: canonicalizes every case with lxml (libxml2's C14N).

Usage: python3 tests/c14n_differential.py DIR

DIR/cases.tsv has one case per line, tab-separated:
    case-id  document-file  tid  exclusive(0|1)  with-comments(0|1)  prefixes(space-separated)
`tid` empty means the whole document; otherwise the element with attribute tid="<tid>" is the apex of
the subtree to canonicalize. For each case this writes DIR/out/<case-id>.c14n (the canonical bytes)
or DIR/out/<case-id>.err (why lxml failed).

The subtree of an element is canonicalized as a document of its own: lxml serializes the element
alone (`etree.tostring(element, with_tail=False)` declares on it every namespace in scope there,
nearest binding first, `xmlns=""` included), that text is parsed again and the whole new document is
canonicalized. For namespaces this is exactly what the document-subset rules give for an apex
element. Two other routes were tried and rejected:
* `etree.tostring(element, method="c14n")` relinks the original children under a fake root
  (`_fakeRootDoc`), and libxml2 then emits a spurious `xmlns=""` on grandchildren of the apex that
  inherit a default namespace (`<top xmlns="urn:d"><r tid="0"><a><b/></a></r></top>` gives
  `<b xmlns="">`, moving b out of its namespace);
* `copy.deepcopy(element)` keeps only the namespace declarations the copy uses, so inclusive C14N
  loses the unused in-scope ones.
The `xml:` attributes of the omitted ancestors are lost on every route, while Canonical XML 1.0
(section 2.4: "attributes in the xml namespace ... are inherited") requires an apex element to
carry them; for inclusive subtree cases this script therefore copies the ancestors' `xml:*`
attributes (nearest first, the element's own winning) onto the new root before canonicalizing.
`self_check()` verifies these facts on known examples and fails loudly if lxml's behaviour changes.
"""

import os
import sys

try:
    from lxml import etree
except ImportError:
    sys.stderr.write("lxml is missing: python3 -m pip install lxml\n")
    sys.exit(3)

XML_NS = "{http://www.w3.org/XML/1998/namespace}"


def parse(data):
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, remove_blank_text=False, strip_cdata=False, huge_tree=False
    )
    return etree.fromstring(data, parser).getroottree()


def inherit_xml_attributes(source, target):
    """Copies the xml:* attributes of source's ancestors onto target (C14N 1.0 section 2.4)."""
    anc = source.getparent()
    while anc is not None:
        for key, value in anc.attrib.items():
            if key.startswith(XML_NS) and key not in target.attrib:
                target.set(key, value)
        anc = anc.getparent()


def c14n(data, tid, exclusive, comments, prefixes):
    tree = parse(data)
    if tid:
        found = tree.xpath('//*[@tid="%s"]' % tid)
        if len(found) != 1:
            raise ValueError("expected one element with tid=%s, found %d" % (tid, len(found)))
        apex = parse(etree.tostring(found[0], with_tail=False, encoding="UTF-8", xml_declaration=False))
        if not exclusive:
            inherit_xml_attributes(found[0], apex.getroot())
        tree = apex
    return etree.tostring(
        tree,
        method="c14n",
        exclusive=exclusive,
        with_comments=comments,
        inclusive_ns_prefixes=prefixes if (exclusive and prefixes) else None,
    )


def self_check():
    def fail(what, got, want):
        sys.stderr.write("self-check (%s): got %r, expected %r; revisit c14n_differential.py\n" % (what, got, want))
        sys.exit(4)

    doc = b'<r xml:lang="en" xmlns:a="urn:a"><m xml:space="preserve"><a:x tid="1"/></m></r>'
    el = parse(doc).xpath('//*[@tid="1"]')[0]
    raw = etree.tostring(parse(etree.tostring(el, with_tail=False, encoding="UTF-8", xml_declaration=False)), method="c14n")
    want = b'<a:x xmlns:a="urn:a" tid="1"></a:x>'
    if raw != want:
        fail("a standalone copy loses inherited xml: attributes", raw, want)
    fixed = c14n(doc, "1", False, False, [])
    want = b'<a:x xmlns:a="urn:a" tid="1" xml:lang="en" xml:space="preserve"></a:x>'
    if fixed != want:
        fail("compensated subtree", fixed, want)
    doc = b'<top xmlns="urn:d" xmlns:u="urn:u"><m xmlns=""><r tid="0"><a><b/></a></r></m><r tid="1"><a><b/></a></r></top>'
    for tid, want in [
        ("0", b'<r xmlns:u="urn:u" tid="0"><a><b></b></a></r>'),
        ("1", b'<r xmlns="urn:d" xmlns:u="urn:u" tid="1"><a><b></b></a></r>'),
    ]:
        got = c14n(doc, tid, False, False, [])
        if got != want:
            fail("in-scope namespaces of an apex", got, want)


def main():
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        sys.exit(2)
    self_check()
    base = sys.argv[1]
    out = os.path.join(base, "out")
    os.makedirs(out, exist_ok=True)
    docs = {}
    with open(os.path.join(base, "cases.tsv"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            case, doc, tid, exc, com, prefixes = line.split("\t")
            if doc not in docs:
                with open(os.path.join(base, doc), "rb") as d:
                    docs[doc] = d.read()
            try:
                result = c14n(docs[doc], tid, exc == "1", com == "1", prefixes.split())
                name, data = case + ".c14n", result
            except Exception as e:  # reported per case by the Rust side
                name, data = case + ".err", ("%s: %s" % (type(e).__name__, e)).encode()
            with open(os.path.join(out, name), "wb") as o:
                o.write(data)


if __name__ == "__main__":
    main()
