#!/usr/bin/env python3
"""Build machine-readable indexes of the C14N and XML-DSig interop vectors.

Reads the vectors under the shared interop folder (default: ../shared/interop next to the
repository, override with the INTEROP_DIR environment variable or --interop DIR) and rewrites,
next to this script:

  c14n_vectors.tsv   one row per byte-exact canonicalization vector
  dsig_vectors.tsv   one row per signature-verification expectation
  README.md          format description, vocabulary and the summary counts

The output is deterministic: running the script twice gives identical files.

Knowledge taken from the MANIFEST.md files and from the upstream test code they cite
(which node-set / algorithm / expected file belongs to which input) is hard-coded in the
tables below.  Everything that can be read from the XML itself -- SignatureMethod,
DigestMethod, Transforms, Reference URIs and counts, XPath expressions and their namespace
bindings, InclusiveNamespaces PrefixLists, DOCTYPEs, key types and sizes -- is extracted
from the files on every run.  The xmlsec expectation rows are parsed from
xmlsec/MANIFEST.md.

Requirements: python3 (3.8+), lxml, cryptography.  Usage:

  python3 tests/interop/index_vectors.py [--interop DIR] [--check]

--check only verifies that the generated files are up to date (exit 1 otherwise).
"""

import argparse
import warnings
import base64
import collections
import hashlib
import io
import os
import re
import sys

from lxml import etree
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

warnings.filterwarnings("ignore", module="cryptography")
warnings.filterwarnings("ignore", message=".*serial number.*")
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

DS = "http://www.w3.org/2000/09/xmldsig#"
DS11 = "http://www.w3.org/2009/xmldsig11#"
EXC = "http://www.w3.org/2001/10/xml-exc-c14n#"
NSMAP_DS = {"ds": DS, "ds11": DS11, "ec": EXC}

SAN = "santuario/src/test/resources/"

# --------------------------------------------------------------------------------------
# Algorithm vocabulary
# --------------------------------------------------------------------------------------

C14N_ALGS = {
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315": "c14n10",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments": "c14n10-comments",
    "http://www.w3.org/2006/12/xml-c14n11": "c14n11",
    "http://www.w3.org/2006/12/xml-c14n11#WithComments": "c14n11-comments",
    "http://www.w3.org/2001/10/xml-exc-c14n#": "exc",
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments": "exc-comments",
}
TRANSFORM_SHORT = {
    DS + "enveloped-signature": "enveloped",
    DS + "base64": "base64",
    "http://www.w3.org/TR/1999/REC-xpath-19991116": "xpath",
    "http://www.w3.org/2002/06/xmldsig-filter2": "xpath2",
    "http://www.w3.org/TR/1999/REC-xslt-19991116": "xslt",
    "http://www.w3.org/2001/04/xmldsig-more/xptr": "xpointer",
}
TRANSFORM_SHORT.update(C14N_ALGS)

# DigestMethod URI -> (short name, profile verdict)
#   verdict: "ok" | "legacy" (SHA-1: only with the legacy opt-in) | "refuse:<reason>"
DIGESTS = {
    DS + "sha1": ("sha1", "legacy"),
    "http://www.w3.org/2001/04/xmldsig-more#sha224": ("sha224", "refuse:algorithm:sha224"),
    "http://www.w3.org/2001/04/xmlenc#sha256": ("sha256", "ok"),
    "http://www.w3.org/2001/04/xmldsig-more#sha384": ("sha384", "ok"),
    "http://www.w3.org/2001/04/xmlenc#sha512": ("sha512", "ok"),
    "http://www.w3.org/2001/04/xmldsig-more#md5": ("md5", "refuse:algorithm:md5"),
    "http://www.w3.org/2001/04/xmlenc#ripemd160": ("ripemd160", "refuse:algorithm:ripemd160"),
    "http://www.w3.org/2007/05/xmldsig-more#sha3-224": ("sha3-224", "refuse:algorithm:sha3"),
    "http://www.w3.org/2007/05/xmldsig-more#sha3-256": ("sha3-256", "refuse:algorithm:sha3"),
    "http://www.w3.org/2007/05/xmldsig-more#sha3-384": ("sha3-384", "refuse:algorithm:sha3"),
    "http://www.w3.org/2007/05/xmldsig-more#sha3-512": ("sha3-512", "refuse:algorithm:sha3"),
}
HASHLIB_NAME = {"sha1": "sha1", "sha224": "sha224", "sha256": "sha256", "sha384": "sha384",
                "sha512": "sha512", "md5": "md5"}

MORE = "http://www.w3.org/2001/04/xmldsig-more#"
MORE07 = "http://www.w3.org/2007/05/xmldsig-more#"
MORE21 = "http://www.w3.org/2021/04/xmldsig-more#"
# SignatureMethod URI -> (short name, key family, profile verdict)
SIGS = {
    DS + "rsa-sha1": ("rsa-sha1", "rsa", "legacy"),
    MORE + "rsa-sha224": ("rsa-sha224", "rsa", "refuse:algorithm:sha224"),
    MORE + "rsa-sha256": ("rsa-sha256", "rsa", "ok"),
    MORE + "rsa-sha384": ("rsa-sha384", "rsa", "ok"),
    MORE + "rsa-sha512": ("rsa-sha512", "rsa", "ok"),
    MORE + "rsa-md5": ("rsa-md5", "rsa", "refuse:algorithm:md5"),
    MORE + "rsa-ripemd160": ("rsa-ripemd160", "rsa", "refuse:algorithm:ripemd160"),
    MORE07 + "sha1-rsa-MGF1": ("rsa-pss-sha1", "rsa", "legacy"),
    MORE07 + "sha224-rsa-MGF1": ("rsa-pss-sha224", "rsa", "refuse:algorithm:sha224"),
    MORE07 + "sha256-rsa-MGF1": ("rsa-pss-sha256", "rsa", "ok"),
    MORE07 + "sha384-rsa-MGF1": ("rsa-pss-sha384", "rsa", "ok"),
    MORE07 + "sha512-rsa-MGF1": ("rsa-pss-sha512", "rsa", "ok"),
    MORE07 + "sha3-224-rsa-MGF1": ("rsa-pss-sha3-224", "rsa", "refuse:algorithm:sha3"),
    MORE07 + "sha3-256-rsa-MGF1": ("rsa-pss-sha3-256", "rsa", "refuse:algorithm:sha3"),
    MORE07 + "sha3-384-rsa-MGF1": ("rsa-pss-sha3-384", "rsa", "refuse:algorithm:sha3"),
    MORE07 + "sha3-512-rsa-MGF1": ("rsa-pss-sha3-512", "rsa", "refuse:algorithm:sha3"),
    MORE + "ecdsa-sha1": ("ecdsa-sha1", "ec", "legacy"),
    MORE + "ecdsa-sha224": ("ecdsa-sha224", "ec", "refuse:algorithm:sha224"),
    MORE + "ecdsa-sha256": ("ecdsa-sha256", "ec", "ok"),
    MORE + "ecdsa-sha384": ("ecdsa-sha384", "ec", "ok"),
    MORE + "ecdsa-sha512": ("ecdsa-sha512", "ec", "refuse:algorithm:ecdsa-sha512"),
    MORE07 + "ecdsa-ripemd160": ("ecdsa-ripemd160", "ec", "refuse:algorithm:ripemd160"),
    MORE21 + "ecdsa-sha3-224": ("ecdsa-sha3-224", "ec", "refuse:algorithm:sha3"),
    MORE21 + "ecdsa-sha3-256": ("ecdsa-sha3-256", "ec", "refuse:algorithm:sha3"),
    MORE21 + "ecdsa-sha3-384": ("ecdsa-sha3-384", "ec", "refuse:algorithm:sha3"),
    MORE21 + "ecdsa-sha3-512": ("ecdsa-sha3-512", "ec", "refuse:algorithm:sha3"),
    DS + "dsa-sha1": ("dsa-sha1", "dsa", "refuse:algorithm:dsa"),
    "http://www.w3.org/2009/xmldsig11#dsa-sha256": ("dsa-sha256", "dsa", "refuse:algorithm:dsa"),
    DS + "hmac-sha1": ("hmac-sha1", "hmac", "refuse:algorithm:hmac"),
    MORE + "hmac-sha224": ("hmac-sha224", "hmac", "refuse:algorithm:hmac"),
    MORE + "hmac-sha256": ("hmac-sha256", "hmac", "refuse:algorithm:hmac"),
    MORE + "hmac-sha384": ("hmac-sha384", "hmac", "refuse:algorithm:hmac"),
    MORE + "hmac-sha512": ("hmac-sha512", "hmac", "refuse:algorithm:hmac"),
    MORE + "hmac-md5": ("hmac-md5", "hmac", "refuse:algorithm:hmac"),
    MORE + "hmac-ripemd160": ("hmac-ripemd160", "hmac", "refuse:algorithm:hmac"),
    MORE21 + "eddsa-ed25519": ("eddsa-ed25519", "eddsa", "refuse:algorithm:eddsa"),
    MORE21 + "eddsa-ed25519ctx": ("eddsa-ed25519ctx", "eddsa", "refuse:algorithm:eddsa"),
    MORE21 + "eddsa-ed25519ph": ("eddsa-ed25519ph", "eddsa", "refuse:algorithm:eddsa"),
    MORE21 + "eddsa-ed448": ("eddsa-ed448", "eddsa", "refuse:algorithm:eddsa"),
    MORE21 + "eddsa-ed448ph": ("eddsa-ed448ph", "eddsa", "refuse:algorithm:eddsa"),
}

# Refusal precedence (lower index = reported first).  A strict verifier is expected to
# report the first reason of this list that applies; every applicable reason is also
# listed in the note as reasons=...
REFUSAL_ORDER = ["dtd", "multiple-references", "no-id-reference", "transform",
                 "algorithm", "keyinfo-only"]

# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


class Ctx:
    def __init__(self, interop):
        self.interop = interop
        self.warnings = []
        self.findings = []      # "surprising" things for the README
        self.requires_mismatches = []

    def p(self, rel):
        return os.path.join(self.interop, rel)

    def exists(self, rel):
        return os.path.exists(self.p(rel))

    def read(self, rel):
        with open(self.p(rel), "rb") as f:
            return f.read()

    def warn(self, msg):
        self.warnings.append(msg)


def clean(s):
    """Make a string safe for one TSV cell."""
    return re.sub(r"[\t\r\n]+", " ", s).strip()


def norm_ws(expr):
    """Collapse whitespace runs outside XPath string literals to one space and trim.
    XPath 1.0 treats whitespace between tokens as insignificant, so this does not change
    the meaning of the expression; it only makes it fit on one TSV line."""
    out, i, n, quote = [], 0, len(expr), None
    pending_space = False
    while i < n:
        ch = expr[i]
        if quote:
            out.append(ch)
            if ch == quote:
                quote = None
        elif ch in "\"'":
            if pending_space and out:
                out.append(" ")
            pending_space = False
            quote = ch
            out.append(ch)
        elif ch in " \t\r\n":
            pending_space = True
        else:
            if pending_space and out:
                out.append(" ")
            pending_space = False
            out.append(ch)
        i += 1
    return "".join(out)


QNAME_PREFIX_RE = re.compile(r"(?<![\w.\-])([A-Za-z_][\w.\-]*):(?!:)(?=[A-Za-z_*])")


def strip_literals(expr):
    return re.sub(r"\"[^\"]*\"|'[^']*'", "\"\"", expr)


def used_prefixes(expr):
    seen = []
    for m in QNAME_PREFIX_RE.finditer(strip_literals(expr)):
        if m.group(1) not in seen:
            seen.append(m.group(1))
    return seen


def has_doctype(data):
    # a DOCTYPE declaration can only appear in the prolog, before the first element
    m = re.search(rb"<!DOCTYPE", data)
    if not m:
        return False
    first_elem = re.search(rb"<[A-Za-z_]", data)
    return first_elem is None or m.start() < first_elem.start()


def doctype_summary(data):
    """Describe what the DOCTYPE is used for (for the note column)."""
    m = re.search(rb"<!DOCTYPE.*?(\[.*?\]\s*)?>", data, re.S)
    txt = m.group(0).decode("latin-1") if m else ""
    what = []
    if re.search(r"SYSTEM|PUBLIC", txt.split("[")[0]):
        what.append("external DTD subset")
    if "<!ATTLIST" in txt:
        if re.search(r"<!ATTLIST[^>]*(\bCDATA|\([^)]*\))\s*(['\"])", txt):
            what.append("ATTLIST default values")
        if re.search(r"<!ATTLIST[^>]*\bID\b", txt):
            what.append("ID-typed attribute")
        if re.search(r"<!ATTLIST[^>]*\bNMTOKENS?\b", txt):
            what.append("NMTOKENS attribute normalization")
        if re.search(r"<!ATTLIST[^>]*\bENTITY\b", txt):
            what.append("ENTITY-typed attribute")
    if re.search(r"<!ENTITY[^>]*SYSTEM", txt):
        what.append("external entity")
    if re.search(r"<!ENTITY\s+\w+\s+[\"']", txt):
        what.append("internal entities")
    if "<!ENTITY %" in txt:
        what.append("parameter entities")
    if "NDATA" in txt:
        what.append("unparsed entity/NOTATION")
    if "<!ELEMENT" in txt:
        what.append("element declarations")
    return ", ".join(what) if what else "DOCTYPE without declarations"


SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                              dtd_validation=False, attribute_defaults=False,
                              remove_blank_text=False, remove_comments=False, huge_tree=False)


def parse(ctx, rel):
    try:
        return etree.parse(io.BytesIO(ctx.read(rel)), SAFE_PARSER)
    except etree.XMLSyntaxError as e:
        return None


def q(ns, local):
    return "{%s}%s" % (ns, local)


def local(el):
    return etree.QName(el).localname


def xpath_ns_bindings(xpel, expr):
    """Namespace bindings needed by an XPath transform expression, taken from the in-scope
    namespaces of the XPath element."""
    out = []
    for p in used_prefixes(expr):
        if p == "xml":
            continue
        uri = xpel.nsmap.get(p)
        if uri is None:
            raise ValueError("unbound prefix %r in XPath %r" % (p, expr))
        out.append((p, uri))
    return out


def xpath_text(xpel):
    """The XPath expression of a ds:XPath element = its XPath string-value (all descendant
    text nodes; comments inside the element are NOT part of the expression)."""
    return xpel.xpath("string(.)")


def prefixlist(tr):
    inc = tr.find(q(EXC, "InclusiveNamespaces"))
    if inc is None:
        return None
    return " ".join(inc.get("PrefixList", "").split())


def render_transform(tr):
    """Compact text form of one ds:Transform (for notes)."""
    alg = tr.get("Algorithm")
    short = TRANSFORM_SHORT.get(alg, alg)
    if short == "xpath":
        xpel = tr.find(q(DS, "XPath"))
        expr = norm_ws(xpath_text(xpel))
        ns = xpath_ns_bindings(xpel, expr)
        s = 'xpath:"%s"' % expr.replace("\\", "\\\\").replace('"', '\\"')
        if ns:
            s += "{" + ",".join("%s=%s" % b for b in ns) + "}"
        return s
    if short in ("exc", "exc-comments"):
        pl = prefixlist(tr)
        return short + ("[prefixes=%s]" % pl if pl is not None else "")
    if short == "xslt":
        return "xslt"
    if short == "xpath2":
        filters = ["%s:%s" % (f.get("Filter"), norm_ws(xpath_text(f)))
                   for f in tr if isinstance(f.tag, str)]
        return "xpath2(%s)" % ";".join(filters)
    return short


def uri_kind(uri, doc, sig):
    if uri is None:
        return "absent"
    if uri == "":
        return "empty"
    if uri.startswith("#xpointer("):
        return "xpointer"
    if re.match(r"#[A-Za-z_][\w.\-]*\(", uri):
        return "xpointer-scheme"          # e.g. #element(/1/3)
    if uri.startswith("#") and not NCNAME_RE.fullmatch(uri[1:]):
        return "id-not-ncname"
    if uri.startswith("#"):
        target = find_by_id(doc, uri[1:])
        if target is None:
            return "id-missing"
        if sig is not None and is_descendant(target, sig):
            return "id-enveloping"
        return "id"
    return "external"


NCNAME_RE = re.compile(r"[A-Za-z_][\w.\-]*")
ID_ATTRS = ("ID", "Id", "id", "AssertionID", "{http://www.w3.org/XML/1998/namespace}id",
            "{http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd}Id")


def find_by_id(doc, value):
    hits = [el for el in doc.iter() if isinstance(el.tag, str)
            and any(el.get(a) == value for a in ID_ATTRS)]
    return hits[0] if hits else None


def is_descendant(el, anc):
    while el is not None:
        if el is anc:
            return True
        el = el.getparent()
    return False


# --------------------------------------------------------------------------------------
# Keys and certificates
# --------------------------------------------------------------------------------------


def spki(pub):
    return pub.public_bytes(serialization.Encoding.DER,
                            serialization.PublicFormat.SubjectPublicKeyInfo)


def describe_key(pub):
    if isinstance(pub, rsa.RSAPublicKey):
        return "rsa-%d" % pub.key_size
    if isinstance(pub, ec.EllipticCurvePublicKey):
        return {"secp256r1": "ec-p256", "secp384r1": "ec-p384",
                "secp521r1": "ec-p521"}.get(pub.curve.name, "ec-" + pub.curve.name)
    if isinstance(pub, dsa.DSAPublicKey):
        return "dsa-%d" % pub.key_size
    if isinstance(pub, ed25519.Ed25519PublicKey):
        return "ed25519"
    if isinstance(pub, ed448.Ed448PublicKey):
        return "ed448"
    return "unknown"


def load_certs_from_bytes(data):
    certs = []
    if b"-----BEGIN CERTIFICATE-----" in data:
        try:
            certs = x509.load_pem_x509_certificates(data)
        except Exception:
            certs = []
    else:
        try:
            certs = [x509.load_der_x509_certificate(data)]
        except Exception:
            certs = []
    return certs


def b64(text):
    return base64.b64decode("".join((text or "").split()))


def b64int(text):
    return int.from_bytes(b64(text), "big")


def keyvalue_key(kv):
    """Public key from a ds:KeyValue / dsig11:DEREncodedKeyValue element."""
    if local(kv) == "DEREncodedKeyValue":
        return serialization.load_der_public_key(b64(kv.text))
    for c in kv:
        if not isinstance(c.tag, str):
            continue
        ln = local(c)
        if ln == "RSAKeyValue":
            n = b64int(c.findtext(q(DS, "Modulus")))
            e = b64int(c.findtext(q(DS, "Exponent")))
            return rsa.RSAPublicNumbers(e, n).public_key()
        if ln == "DSAKeyValue":
            P, Q, G, Y = (b64int(c.findtext(q(DS, x))) for x in "PQGY")
            return dsa.DSAPublicNumbers(Y, dsa.DSAParameterNumbers(P, Q, G)).public_key()
        if ln == "ECKeyValue":
            curve_uri = c.find(q(DS11, "NamedCurve")).get("URI")
            curve = {"urn:oid:1.2.840.10045.3.1.7": ec.SECP256R1(),
                     "urn:oid:1.3.132.0.34": ec.SECP384R1(),
                     "urn:oid:1.3.132.0.35": ec.SECP521R1()}[curve_uri]
            pt = b64(c.findtext(q(DS11, "PublicKey")))
            return ec.EllipticCurvePublicKey.from_encoded_point(curve, pt)
    return None


class CertIndex:
    """All certificates found in the interop tree, by SubjectPublicKeyInfo."""

    def __init__(self, ctx):
        self.by_spki = collections.defaultdict(list)
        for top in sorted(os.listdir(ctx.interop)):
            base = os.path.join(ctx.interop, top)
            if not os.path.isdir(base):
                continue
            for dirpath, dirnames, filenames in os.walk(base):
                dirnames.sort()
                for fn in sorted(filenames):
                    if not re.search(r"\.(pem|crt|der|cer)$", fn):
                        continue
                    full = os.path.join(dirpath, fn)
                    rel = os.path.relpath(full, ctx.interop)
                    with open(full, "rb") as f:
                        data = f.read()
                    for c in load_certs_from_bytes(data):
                        try:
                            self.by_spki[spki(c.public_key())].append(rel)
                        except Exception:
                            pass

    def find(self, pub, near):
        cands = self.by_spki.get(spki(pub), [])
        if not cands:
            return None
        top = near.split("/")[0]
        d = os.path.dirname(near)
        # prefer: same folder, same source, PEM, then path order
        cands = sorted(cands, key=lambda r: (not r.startswith(d + "/"), not r.startswith(top + "/"),
                                             not r.endswith(".pem"), r))
        return cands[0]


def cert_file_key(ctx, rel):
    data = ctx.read(rel)
    certs = load_certs_from_bytes(data)
    if certs:
        return certs[0].public_key()
    try:
        return serialization.load_pem_public_key(data)
    except Exception:
        pass
    try:
        return serialization.load_der_public_key(data)
    except Exception:
        return None


# --------------------------------------------------------------------------------------
# Signature analysis
# --------------------------------------------------------------------------------------


class SigInfo:
    pass


def find_signatures(doc):
    root = doc.getroot()
    sigs = []
    if root.tag == q(DS, "Signature"):
        sigs.append(root)
    sigs.extend(root.iterfind(".//" + q(DS, "Signature")))
    return sigs


def analyze_signature(ctx, rel):
    """Everything the dsig index needs from one signature file."""
    data = ctx.read(rel)
    si = SigInfo()
    si.rel = rel
    si.doctype = has_doctype(data)
    si.doctype_what = doctype_summary(data) if si.doctype else ""
    doc = parse(ctx, rel)
    si.parse_error = doc is None
    si.doc = doc
    si.sigs = find_signatures(doc) if doc is not None else []
    si.nsigs = len(si.sigs)
    if not si.sigs:
        return si
    sig = si.sigs[0]
    si.sig = sig
    sinfo = sig.find(q(DS, "SignedInfo"))
    si.cm = sinfo.find(q(DS, "CanonicalizationMethod")).get("Algorithm")
    cm_el = sinfo.find(q(DS, "CanonicalizationMethod"))
    si.cm_prefixes = prefixlist(cm_el)
    si.sm = sinfo.find(q(DS, "SignatureMethod")).get("Algorithm")
    si.refs = []
    for ref in sinfo.findall(q(DS, "Reference")):
        r = SigInfo()
        r.el = ref
        r.uri = ref.get("URI")
        r.kind = uri_kind(r.uri, doc, sig)
        r.dm = ref.find(q(DS, "DigestMethod")).get("Algorithm")
        r.dv = (ref.findtext(q(DS, "DigestValue")) or "").strip()
        r.transforms = ref.findall(q(DS, "Transforms") + "/" + q(DS, "Transform"))
        r.talgs = [t.get("Algorithm") for t in r.transforms]
        r.type = ref.get("Type")
        si.refs.append(r)
    # references inside ds:Manifest elements (not processed by the core validation)
    si.mrefs = [r for m in sig.iter(q(DS, "Manifest")) for r in m.findall(q(DS, "Reference"))]
    si.mtalgs = []
    for r in si.mrefs:
        for t in r.findall(q(DS, "Transforms") + "/" + q(DS, "Transform")):
            if t.get("Algorithm") not in si.mtalgs:
                si.mtalgs.append(t.get("Algorithm"))
    si.mdigests = []
    for r in si.mrefs:
        a = r.find(q(DS, "DigestMethod")).get("Algorithm")
        if a not in si.mdigests:
            si.mdigests.append(a)
    ki = sig.find(q(DS, "KeyInfo"))
    si.keyinfo = ki
    si.embedded = []        # (k, cert): k-th ds:X509Certificate inside the Signature, 1-based
    if True:
        for i, c in enumerate(sig.iter(q(DS, "X509Certificate")), 1):
            try:
                si.embedded.append((i, x509.load_der_x509_certificate(b64(c.text))))
            except Exception:
                ctx.warn("%s: X509Certificate #%d does not parse" % (rel, i))
    return si


def keyinfo_children(si):
    if si.keyinfo is None:
        return []
    return [local(c) for c in si.keyinfo if isinstance(c.tag, str)]


def keyvalue_from_doc(ctx, si):
    """Public key from KeyValue / DEREncodedKeyValue / RetrievalMethod / KeyInfoReference."""
    ki = si.keyinfo
    if ki is None:
        return None, None
    for c in ki:
        if not isinstance(c.tag, str):
            continue
        ln = local(c)
        if ln in ("KeyValue", "DEREncodedKeyValue"):
            return keyvalue_key(c), ln
        if ln == "RetrievalMethod" and (c.get("URI") or "").startswith("#"):
            tgt = find_by_id(si.doc, c.get("URI")[1:])
            if tgt is not None and local(tgt) in ("KeyValue", "RSAKeyValue", "DSAKeyValue"):
                if local(tgt) == "KeyValue":
                    return keyvalue_key(tgt), "RetrievalMethod->KeyValue"
                wrapper = etree.Element(q(DS, "KeyValue"))
                wrapper.append(etree.fromstring(etree.tostring(tgt)))
                return keyvalue_key(wrapper), "RetrievalMethod->" + local(tgt)
        if ln == "KeyInfoReference":
            tgt = find_by_id(si.doc, (c.get("URI") or "#")[1:])
            if tgt is not None:
                for cc in tgt:
                    if isinstance(cc.tag, str) and local(cc) in ("KeyValue", "DEREncodedKeyValue"):
                        return keyvalue_key(cc), "KeyInfoReference->" + local(cc)
    return None, None


def x509_candidates(ctx, si, extra_paths):
    """Candidate signer certificates: embedded ones, RetrievalMethod targets, extra files."""
    cands = []   # (label, cert)
    for k, c in si.embedded:
        cands.append(("embedded#%d" % k, c))
    if si.keyinfo is not None:
        for rm in si.keyinfo.iter(q(DS, "RetrievalMethod")):
            uri = rm.get("URI") or ""
            if uri.startswith("#"):
                tgt = find_by_id(si.doc, uri[1:])
                if tgt is not None and not is_descendant(tgt, si.sig):
                    ctx.warn("%s: RetrievalMethod target outside the Signature" % si.rel)
            elif uri:
                src = si.rel.split("/")[0]
                for base in (os.path.dirname(si.rel), src):
                    cand = os.path.normpath(os.path.join(base, uri))
                    if ctx.exists(cand):
                        for c in load_certs_from_bytes(ctx.read(cand)):
                            cands.append((cand, c))
                        break
    for pth in extra_paths:
        if ctx.exists(pth):
            for c in load_certs_from_bytes(ctx.read(pth)):
                cands.append((pth, c))
    return cands


def pick_signer(si, cands):
    """Choose the signer certificate among candidates using the KeyInfo hints."""
    if not cands:
        return None
    ki = si.keyinfo
    hints = []
    if ki is not None:
        for d in ki.iter(q(DS11, "X509Digest")):
            alg = d.get("Algorithm")
            hname = HASHLIB_NAME.get(DIGESTS.get(alg, ("", ""))[0])
            if hname is None:
                hname = {"http://www.w3.org/2007/05/xmldsig-more#sha3-224": "sha3_224",
                         "http://www.w3.org/2007/05/xmldsig-more#sha3-256": "sha3_256",
                         "http://www.w3.org/2007/05/xmldsig-more#sha3-384": "sha3_384",
                         "http://www.w3.org/2007/05/xmldsig-more#sha3-512": "sha3_512"}.get(alg)
            want = b64(d.text)
            hints.append(lambda c, h=hname, w=want: h is not None and hashlib.new(
                h, c.public_bytes(serialization.Encoding.DER)).digest() == w)
        for iss in ki.iter(q(DS, "X509IssuerSerial")):
            sn = int((iss.findtext(q(DS, "X509SerialNumber")) or "0").strip())
            hints.append(lambda c, s=sn: c.serial_number == s)
        for ski in ki.iter(q(DS, "X509SKI")):
            want = b64(ski.text)

            def ski_match(c, w=want):
                try:
                    return c.extensions.get_extension_for_class(
                        x509.SubjectKeyIdentifier).value.digest == w
                except x509.ExtensionNotFound:
                    return False
            hints.append(ski_match)
        for sn in ki.iter(q(DS, "X509SubjectName")):
            want = re.sub(r"\s*([,=+])\s*", r"\1", (sn.text or "").strip()).lower()

            def sn_match(c, w=want):
                have = c.subject.rfc4514_string().lower()
                # compare as unordered RDN sets, tolerant of spacing
                return sorted(have.split(",")) == sorted(w.split(",")) or \
                    sorted(have.replace("\\", "").split(",")) == sorted(w.split(","))
            hints.append(sn_match)
    # first X509Data hint that matches exactly one distinct key wins
    for h in hints:
        hits = [(lab, c) for lab, c in cands if h(c)]
        keys = {spki(c.public_key()) for _, c in hits}
        if len(keys) == 1:
            return hits[0]
    # leaf heuristic: not the issuer of another candidate, not self-signed if avoidable
    subjects_issuing = {c.issuer for _, c in cands if c.issuer != c.subject}
    leaves = [(lab, c) for lab, c in cands if c.subject not in subjects_issuing]
    non_ca = []
    for lab, c in leaves:
        try:
            bc = c.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        except x509.ExtensionNotFound:
            bc = False
        if not bc:
            non_ca.append((lab, c))
    for group in (non_ca, leaves, cands):
        if group:
            return group[0]
    return None


# --------------------------------------------------------------------------------------
# Categorisation
# --------------------------------------------------------------------------------------


def classify(si, keydesc, key_kind, has_pin, x509_path_reason):
    """Return (category, reasons list) for a signature file + key setup."""
    reasons = []
    if si.doctype:
        reasons.append("dtd")
    if si.nsigs == 0:
        return ("in-profile", reasons) if not reasons else ("refuse:dtd", reasons)
    if si.nsigs > 1:
        reasons.append("multiple-references")   # more than one Signature: see README
    if len(si.refs) != 1:
        reasons.append("multiple-references")
    if any(r.kind not in ("id", "id-not-ncname") for r in si.refs):
        reasons.append("no-id-reference")
    # transforms: at most [enveloped-signature, one canonicalization] in that order,
    # and the SignedInfo CanonicalizationMethod must be one of the six C14N algorithms
    bad_tr = si.cm not in C14N_ALGS
    for r in si.refs:
        kinds = []
        for a in r.talgs:
            if a == DS + "enveloped-signature":
                kinds.append("E")
            elif a in C14N_ALGS:
                kinds.append("C")
            else:
                kinds.append("X")
        if "".join(kinds) not in ("", "E", "C", "EC"):
            bad_tr = True
    if bad_tr:
        reasons.append("transform")
    sm = SIGS.get(si.sm)
    alg_reasons = []
    legacy = False
    if sm is None:
        alg_reasons.append("algorithm:unknown(%s)" % si.sm)
    else:
        if sm[2].startswith("refuse:"):
            alg_reasons.append(sm[2][len("refuse:"):])
        elif sm[2] == "legacy":
            legacy = True
    for r in si.refs:
        d = DIGESTS.get(r.dm)
        if d is None:
            alg_reasons.append("algorithm:unknown(%s)" % r.dm)
        elif d[1].startswith("refuse:"):
            alg_reasons.append(d[1][len("refuse:"):])
        elif d[1] == "legacy":
            legacy = True
    if keydesc:
        if keydesc.startswith("rsa-") and int(keydesc[4:]) < 2048 and sm and sm[1] == "rsa":
            alg_reasons.append("algorithm:rsa-small-key")
        if keydesc == "ec-p521" and sm and sm[1] == "ec":
            alg_reasons.append("algorithm:ecdsa-p521")
    for a in alg_reasons:
        if a not in reasons:
            reasons.append(a)
    if key_kind == "keyvalue" and not has_pin:
        reasons.append("keyinfo-only")
    if x509_path_reason:
        reasons.append("x509-path")
    if legacy:
        reasons.append("legacy-sha1")
    # dedupe, keep order
    seen, rs = set(), []
    for x in reasons:
        if x not in seen:
            seen.add(x)
            rs.append(x)
    refusals = [x for x in rs if x not in ("x509-path", "legacy-sha1")]
    if refusals:
        def rank(x):
            head = x.split(":")[0]
            return REFUSAL_ORDER.index(head)
        first = sorted(refusals, key=lambda x: (rank(x), rs.index(x)))[0]
        return "refuse:" + first, rs
    if "x509-path" in rs:
        return "x509-path", rs
    if legacy:
        return "legacy-sha1", rs
    return "in-profile", rs


def algorithms_cell(si, keydesc):
    if si.nsigs == 0:
        if si.parse_error:
            return "sigs=0;parse=error"
        return "sigs=0"
    parts = ["sm=" + si.sm, "cm=" + si.cm + (" prefixes=" + si.cm_prefixes if si.cm_prefixes else "")]
    dms = []
    for r in si.refs:
        if r.dm not in dms:
            dms.append(r.dm)
    parts.append("dm=" + ",".join(dms))
    trs = []
    for r in si.refs:
        for a in r.talgs:
            if a not in trs:
                trs.append(a)
    parts.append("tr=" + (",".join(trs) if trs else "-"))
    parts.append("refs=%d" % len(si.refs))
    kinds = []
    for r in si.refs:
        if r.kind not in kinds:
            kinds.append(r.kind)
    parts.append("uris=" + ",".join(kinds))
    if si.mrefs:
        parts.append("manifest-refs=%d" % len(si.mrefs))
        if si.mdigests:
            parts.append("manifest-dm=" + ",".join(si.mdigests))
        if si.mtalgs:
            parts.append("manifest-tr=" + ",".join(si.mtalgs))
    if si.nsigs != 1:
        parts.append("sigs=%d" % si.nsigs)
    parts.append("key=" + (keydesc or "-"))
    return ";".join(parts)


# --------------------------------------------------------------------------------------
# DSig rows
# --------------------------------------------------------------------------------------

XMLSEC_DER_FOR_PEM = {
    # xmlsec/MANIFEST.md names .pem files for these Phaos certificates ($cert_format resolved
    # to pem) but only the DER files exist in the collection.
    "tests/phaos-xmldsig-three/certs/dsa-ca-cert.pem": "tests/phaos-xmldsig-three/certs/dsa-ca-cert.der",
    "tests/phaos-xmldsig-three/certs/rsa-ca-cert.pem": "tests/phaos-xmldsig-three/certs/rsa-ca-cert.der",
    "tests/phaos-xmldsig-three/certs/rsa-cert.pem": "tests/phaos-xmldsig-three/certs/rsa-cert.der",
}

X509_PATH_PATTERNS = [
    (r"verify-keys", "key-verification"),
    (r"verify-crls|\bCRL\b", "crl"),
    (r"\binsecure\b", "insecure-bypass"),
    (r"skip-time-checks|timestamp overwrite|skip timestamp", "cert-time"),
    (r"expired cert", "cert-time"),
    (r"not yet valid", "cert-time"),
    (r"intermidiate|intermediate|Cert chain is good", "chain"),
    (r"Wront trusted cert|wrong trusted|Same subject|same-subj", "chain"),
    (r"trusted cert|not trusted", "chain"),
    (r"key cannot be verified|Successfully verify key", "key-verification"),
    (r"NSS DB", "cert-store"),
]


def parse_xmlsec_manifest(ctx):
    text = ctx.read("xmlsec/MANIFEST.md").decode("utf-8")
    sec = text.split("## Signature vectors", 1)[1].split("## Support files", 1)[0]
    rows = []
    for line in sec.splitlines():
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) != 5:
            raise SystemExit("xmlsec manifest row with %d cells: %s" % (len(cells), line))
        path = cells[0].strip("`")
        exp = "valid" if "**valid**" in cells[1] else ("invalid" if "INVALID" in cells[1] else None)
        if exp is None:
            raise SystemExit("cannot read expectation: " + line)
        rows.append({"path": path, "expected": exp, "setup": cells[2], "requires": cells[3],
                     "note": cells[4]})
    return rows


def parse_setup(ctx, setup):
    """Structured view of the xmlsec 'key / trust setup' cell."""
    s = {"cert": [], "ca": [], "untrusted": [], "crl": [], "hmac": None, "sources": None,
         "verify_at": "", "flags": [], "urlmap": [], "keyname": None}
    for part in [p.strip() for p in setup.split(";") if p.strip()]:
        m = re.match(r"public key from (?:DER|PEM) cert (\S+)(?: \(KeyName \"([^\"]*)\"\))?", part)
        if m:
            s["cert"].append(m.group(1))
            s["keyname"] = m.group(2)
            continue
        m = re.match(r"trusted CA (\S+)", part)
        if m:
            s["ca"].append(m.group(1))
            continue
        m = re.match(r"untrusted cert (\S+)", part)
        if m:
            s["untrusted"].append(m.group(1))
            continue
        m = re.match(r"CRL (\S+)", part)
        if m:
            s["crl"].append(m.group(1))
            continue
        m = re.match(r"HMAC key file (\S+)", part)
        if m:
            s["hmac"] = m.group(1)
            continue
        m = re.match(r"key sources: (\S+)", part)
        if m:
            s["sources"] = m.group(1).split(",")
            continue
        m = re.match(r"\*\*verify at (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) UTC\*\*", part)
        if m:
            s["verify_at"] = "%sT%sZ" % (m.group(1), m.group(2))
            continue
        m = re.match(r"map (\S+) -> (\S+)", part)
        if m:
            s["urlmap"].append((m.group(1), m.group(2)))
            continue
        flag = {"insecure": "insecure", "verify-keys": "verify-keys", "verify-crls": "verify-crls",
                "lax-key-search": "lax-key-search",
                "enable-asn1-signatures-hack": "asn1-ecdsa-signature",
                "--X509-skip-time-checks": "skip-time-checks",
                "reference URIs: any": "any-reference-uri",
                "RetrievalMethod URIs: remote": "remote-retrievalmethod",
                "accept HMAC output >= 40 bits": "hmac-min-40-bits"}.get(part)
        if flag:
            s["flags"].append(flag)
            continue
        raise SystemExit("unknown xmlsec setup part: %r" % part)
    for k in ("cert", "ca", "untrusted", "crl"):
        s[k] = ["xmlsec/" + XMLSEC_DER_FOR_PEM.get(p, p) for p in s[k]]
    if s["hmac"]:
        s["hmac"] = "xmlsec/" + s["hmac"]
    return s


def hmac_secret(ctx, rel):
    data = ctx.read(rel)
    txt = data.decode("ascii")
    if not re.fullmatch(r"[\x21-\x7e]+", txt):
        raise SystemExit("HMAC key %s is not printable ASCII" % rel)
    return txt


def build_key(ctx, certidx, si, kind, cert_paths=(), ca=(), untrusted=(), crl=(), flags=(),
              hmac=None):
    """Return (key cell, keydesc, has_pin)."""
    keydesc, pin = None, None
    if kind == "cert":
        pub = cert_file_key(ctx, cert_paths[0])
        keydesc = describe_key(pub) if pub is not None else None
        cell = "cert:" + ",".join(cert_paths)
        pin = cert_paths[0]
    elif kind == "hmac":
        cell = "hmac:" + hmac
        keydesc = "hmac"
    elif kind == "keyvalue":
        pub, how = keyvalue_from_doc(ctx, si) if si.nsigs else (None, None)
        cell = "keyvalue"
        if pub is not None:
            keydesc = describe_key(pub)
            for k, c in si.embedded:
                if spki(c.public_key()) == spki(pub):
                    pin = "embedded#%d" % k
                    break
            if pin is None:
                pin = certidx.find(pub, si.rel)
    elif kind == "x509data":
        cell = "x509data"
        cands = x509_candidates(ctx, si, list(untrusted)) if si.nsigs else []
        signer = pick_signer(si, cands)
        if signer is not None:
            lab, c = signer
            keydesc = describe_key(c.public_key())
            if lab.startswith("embedded#"):
                pin = lab
            else:
                pin = lab
    else:
        cell = "none"
    mismatch = None
    if keydesc and si.nsigs and si.sm in SIGS:
        fam = SIGS[si.sm][1]
        kfam = {"rsa": "rsa", "ec-": "ec", "dsa": "dsa", "ed2": "eddsa", "ed4": "eddsa"}.get(keydesc[:3])
        if fam in ("rsa", "ec", "dsa", "eddsa") and kfam and kfam != fam:
            mismatch = "the key found via KeyInfo is %s but the SignatureMethod needs %s" % (keydesc, fam)
            pin = None
    quals = []
    if ca:
        quals.append("ca:" + ",".join(ca))
    if untrusted:
        quals.append("untrusted:" + ",".join(untrusted))
    if crl:
        quals.append("crl:" + ",".join(crl))
    if pin and kind in ("keyvalue", "x509data"):
        quals.append("pin:" + pin)
    if flags:
        quals.append("flags:" + ",".join(flags))
    if mismatch:
        si.key_mismatch = mismatch
    return ";".join([cell] + quals), keydesc, bool(pin)


def sigvalue_note(si, keydesc):
    """Flag ECDSA SignatureValues that are not the plain r||s of the curve size."""
    if not si.nsigs or SIGS.get(si.sm, ("", ""))[1] != "ec" or not keydesc:
        return None
    size = {"ec-p256": 32, "ec-p384": 48, "ec-p521": 66}.get(keydesc)
    sv = b64(si.sig.findtext(q(DS, "SignatureValue")))
    if size and len(sv) != 2 * size:
        kind = "ASN.1 DER SEQUENCE" if sv[:1] == b"\x30" else "zero-padded r||s" if len(sv) > 2 * size else "shorter than r||s: leading zero bytes dropped"
        return "ECDSA SignatureValue is %d bytes, not 2x%d (%s)" % (len(sv), size, kind)
    return None


def reasons_note(reasons):
    return "reasons=" + (",".join(reasons) if reasons else "-")


def requires_mismatch(si, requires):
    """Compare the xmlsec 'requires' list with the algorithms found in the file."""
    toks = requires.split()
    sm_short = SIGS.get(si.sm, (si.sm,))[0] if si.nsigs else None
    digs = set()
    for r in (si.refs if si.nsigs else []):
        digs.add(DIGESTS.get(r.dm, (r.dm,))[0])
    problems = []
    sig_toks = [t for t in toks if re.match(r"(rsa|ecdsa|dsa|hmac|eddsa)-|rsa-pss", t)]
    dig_toks = [t for t in toks if re.fullmatch(r"sha1|sha224|sha256|sha384|sha512|md5|ripemd160|sha3-\d+", t)]
    if sm_short and sig_toks and sm_short not in sig_toks:
        problems.append("SignatureMethod %s but manifest 'requires' says %s" % (sm_short, "/".join(sig_toks)))
    if digs and dig_toks and not digs & set(dig_toks):
        problems.append("DigestMethod %s but manifest 'requires' says %s" % ("/".join(sorted(digs)), "/".join(dig_toks)))
    return problems


def xmlsec_rows(ctx, certidx, cache):
    rows = []
    mrows = parse_xmlsec_manifest(ctx)
    per_file = collections.Counter(r["path"] for r in mrows)
    seen = collections.Counter()
    for mr in mrows:
        rel = "xmlsec/" + mr["path"]
        seen[rel] += 1
        si = cache(rel)
        st = parse_setup(ctx, mr["setup"])
        srcs = st["sources"]
        kic = keyinfo_children(si) if si.nsigs else []
        if st["hmac"]:
            kind = "hmac"
        elif st["cert"]:
            kind = "cert"
        else:
            x509_ok = srcs is None or "x509" in srcs
            kv_ok = srcs is not None and any(x in srcs for x in (
                "key-value", "der-encoded-key-value", "key-info-reference")) or (
                srcs is not None and "retrieval-method" in srcs and ("rsa" in srcs or "dsa" in srcs or "ec" in srcs))
            has_x509 = "X509Data" in kic or (
                "RetrievalMethod" in kic and si.keyinfo is not None and any(
                    "X509" in (rm.get("Type") or "") for rm in si.keyinfo.iter(q(DS, "RetrievalMethod"))))
            has_kv = any(x in kic for x in ("KeyValue", "DEREncodedKeyValue", "KeyInfoReference")) or (
                "RetrievalMethod" in kic and si.keyinfo is not None and any(
                    "KeyValue" in (rm.get("Type") or "") for rm in si.keyinfo.iter(q(DS, "RetrievalMethod"))))
            if x509_ok and has_x509 and (st["ca"] or "insecure" in st["flags"] or not (kv_ok and has_kv)):
                kind = "x509data"
            elif kv_ok and has_kv:
                kind = "keyvalue"
            elif st["ca"]:
                kind = "x509data"
            else:
                kind = "none"
        hmac = hmac_secret(ctx, st["hmac"]) if st["hmac"] else None
        keycell, keydesc, has_pin = build_key(ctx, certidx, si, kind, st["cert"], st["ca"],
                                              st["untrusted"], st["crl"], st["flags"], hmac)
        xp = None
        blob = mr["setup"] + " " + mr["note"]
        for pat, why in X509_PATH_PATTERNS:
            if re.search(pat, blob, re.I):
                xp = why
                break
        # rows whose only point is that xmlsec's KeyValue/RetrievalMethod key sources are
        # disabled: a SAML verifier never takes a key from the document -> keyinfo-only
        cat, reasons = classify(si, keydesc, "keyvalue" if kind == "none" else kind,
                                has_pin, xp)
        notes = [reasons_note(reasons)]
        if xp:
            notes.append("x509-path=" + xp)
        if st["keyname"]:
            notes.append('keyname="%s"' % st["keyname"])
        if srcs:
            notes.append("key-sources=" + ",".join(srcs))
        for u, pth in st["urlmap"]:
            notes.append("urlmap=%s=>xmlsec/%s" % (u, pth))
        if mr["note"]:
            notes.append('upstream="%s"' % clean(mr["note"]).replace('"', "'"))
        if si.doctype:
            notes.append("DOCTYPE: " + si.doctype_what)
        svn = sigvalue_note(si, keydesc)
        if svn:
            notes.append(svn)
        if getattr(si, "key_mismatch", None):
            notes.append("key-mismatch: " + si.key_mismatch + " (no pin)")
            si.key_mismatch = None
        if per_file[mr["path"]] > 1:
            notes.append("row %d of %d for this file" % (seen[rel], per_file[mr["path"]]))
        for prob in requires_mismatch(si, mr["requires"]):
            notes.append("manifest-mismatch: " + prob)
            ctx.requires_mismatches.append("`%s` (%s)" % (mr["path"][len("tests/"):], prob))
        rid = "xmlsec:" + mr["path"][len("tests/"):-len(".xml")]
        if per_file[mr["path"]] > 1:
            rid += "~%d" % seen[rel]
        rows.append({"id": rid, "file": rel, "expected": mr["expected"], "key": keycell,
                     "verify_at": st["verify_at"], "algorithms": algorithms_cell(si, keydesc),
                     "category": cat, "note": "; ".join(notes), "source": "xmlsec"})
    return rows


# santuario signature files with an expectation (see santuario/MANIFEST.md)
W3C_C14N11_TESTS = ["xmlbase-c14n11spec-102", "xmlbase-c14n11spec2-102", "xmlbase-c14n11spec3-103",
                    "xmlbase-prop-1", "xmlbase-prop-2", "xmlbase-prop-3", "xmlbase-prop-4",
                    "xmlbase-prop-5", "xmlbase-prop-6", "xmlbase-prop-7", "xmlid-1", "xmlid-2",
                    "xmllang-1", "xmllang-2", "xmllang-3", "xmllang-4",
                    "xmlspace-1", "xmlspace-2", "xmlspace-3", "xmlspace-4"]
VENDORS = ["IAIK", "IBM", "ORCL", "SUN", "UPC"]


def santuario_dsig_specs(ctx):
    specs = [
        (SAN + "ie/baltimore/merlin-examples/ec-merlin-iaikTests-two/signature.xml", "valid", "keyvalue",
         "BaltimoreIaik2Test testSignature; references are relative file names resolved against the folder"),
        (SAN + "ie/baltimore/merlin-examples/merlin-exc-c14n-one/exc-signature.xml", "valid", "keyvalue",
         "BaltimoreExcC14n1Test testExcSignature; byte-identical to xmlsec/tests/merlin-exc-c14n-one/exc-signature.xml"),
        (SAN + "interop/c14n/Y2/signature-joseph-exc.xml", "valid", "keyvalue",
         "ExclusiveC14NInteropTest test_Y2 (secureValidation=false: MD5 digests)"),
        (SAN + "interop/c14n/Y4/signature.xml", "valid", "keyvalue",
         "ExclusiveC14NInteropTest test_Y4"),
    ]
    for t in W3C_C14N11_TESTS:
        for v in VENDORS:
            rel = SAN + "org/w3c/www/interop/xmldsig/c14n11/%s-%s.xml" % (t, v)
            if ctx.exists(rel):
                specs.append((rel, "valid", "hmac:secret",
                              "C14N11Test test_%s; HMAC key ASCII 'secret'" % t.replace("-", "_")))
    # defCan: santuario does not run them; the manifest's expectation comes from xmlsec, whose
    # defCan-1/2 are byte-identical to these IAIK / -signature files (checked below).
    for n in (1, 2):
        for v in ("IAIK", "signature"):
            rel = SAN + "org/w3c/www/interop/xmldsig/defCan-%d-%s.xml" % (n, v)
            specs.append((rel, "valid", "hmac:secret",
                          "not run by santuario; byte-identical to xmlsec/tests/xmldsig2ed-tests/defCan-%d.xml (xmlsec: valid)" % n))
    return specs


SIGNXML_SPECS = [
    # (file, expected, key kind, cert/ca path, verify_at, note)
] + [
    ("signxml/test/interop/aleksey-xmldsig-01-enveloped/enveloped-sha256-rsa-sha256-test-%d.xml" % i,
     "valid", "x509data", "signxml/test/interop/aleksey-xmldsig-01-enveloped/cacert.pem",
     "2020-01-01T00:00:00Z",
     "signxml test_xmldsig_interop; expectation from the manifest's independent xmlsec1 re-check at "
     "2020-01-01 (signxml's own 2014 chain check cannot succeed: CA valid from 2016); "
     "whitespace/sibling variant %d of 8" % i)
    for i in range(1, 9)
] + [
    ("signxml/test/interop/aleksey-xmldsig-01-enveloped/invalid_enveloped_transform.xml", "invalid",
     "x509data", "signxml/test/interop/aleksey-xmldsig-01-enveloped/cacert.pem", "",
     "signxml test_xmldsig_interop: InvalidSignature; enveloped-signature transform on a Reference "
     "whose target does not contain the Signature"),
    ("signxml/test/interop/pyXMLSecurity/SAML_assertion1.xml", "valid", "cert",
     "signxml/test/interop/pyXMLSecurity/test.pem", "",
     "pinned cert (valid 2009-10-06..2009-11-05 only: use as a bare key, no validity check)"),
    ("signxml/test/interop/pyXMLSecurity/SAML_assertion_sha256.xml", "valid", "cert",
     "signxml/test/interop/pyXMLSecurity/test.pem", "",
     "pinned cert (valid 2009-10-06..2009-11-05 only: use as a bare key, no validity check)"),
    ("signxml/test/interop/pyXMLSecurity/edugain.xml", "valid", "cert",
     "signxml/test/interop/pyXMLSecurity/test.pem", "", "signed SAML metadata; pinned cert"),
    ("signxml/test/interop/xml-crypto/windows_store_signature.xml", "valid", "cert",
     "signxml/test/interop/xml-crypto/windows_store_certificate.pem", "", "pinned cert; no KeyInfo"),
    ("signxml/test/interop/xml-crypto/signature_with_inclusivenamespaces.xml", "valid", "x509data",
     "signxml/test/interop/xml-crypto/signature_with_inclusivenamespaces.pem", "2014-01-01T00:00:00Z",
     "Okta assertion, exc-c14n with InclusiveNamespaces PrefixList=xs"),
    ("signxml/test/interop/xml-crypto/wsfederation_metadata.xml", "invalid", "x509data",
     "signxml/test/interop/xml-crypto/wsfederation_metadata.pem", "2014-01-01T00:00:00Z",
     "invalid only because the certificate (2014-10-28..2016-10-27) is not yet valid at verify_at; "
     "the signature itself is fine"),
    ("signxml/test/interop/ws-security/ws.js/test/unit/client/files/valid wss resp.xml", "valid", "cert",
     "signxml/test/interop/ws-security/ws.js/examples/server_public.pem", "",
     "signxml test_ws_security: exactly 2 references"),
    ("signxml/test/interop/ws-security/ws.js/test/unit/client/files/invalid wss resp - changed content.xml",
     "invalid", "cert", "signxml/test/interop/ws-security/ws.js/examples/server_public.pem", "",
     "signxml test_ws_security: InvalidDigest 'Digest mismatch for reference 0'"),
    ("signxml/test/interop/enveloping-rsa-x509chain.xml", "invalid", "x509data",
     "signxml/test/interop/cacert.pem", "2015-01-01T00:00:00Z",
     "signxml rejects: 'basicConstraints.cA must not be asserted in an EE certificate' (its "
     "EE policy); the RSA signature itself is valid (xmlsec expects its copy valid)"),
] + [
    ("signxml/test/defusedxml-test-data/%s.xml" % n, "invalid", "none", None, "",
     "signxml test_xml_attacks: verify() must raise (DTD/entities refused, or no signature)")
    for n in ("cyclic", "dtd", "external", "external_file", "quadratic", "simple-ns", "simple",
              "xmlbomb", "xmlbomb2")
]

SAMAEL_SPECS = [
    ("samael/test_vectors/ancestor_attack_signed.xml", "valid",
     "samael/test_vectors/idp_2_metadata_public.pem",
     "src/idp/tests.rs test_malicious_ancestors_not_included: signature verifies, but the signed "
     "content used must not contain https://attacker.evil.com (ancestors are not signed)"),
    ("samael/test_vectors/object_attack_response.xml", "valid",
     "samael/test_vectors/idp_2_metadata_public.pem",
     "src/idp/tests.rs test_object_reference_removed: signature verifies; the extracted signed "
     "content must not contain ds:Object"),
    ("samael/test_vectors/xpath_transform.xml", "valid",
     "samael/test_vectors/idp_2_metadata_public.pem",
     "src/idp/tests.rs test_xpath_transforms_validated: the extracted signed content must not "
     "contain 'malicious'; rejecting the XPath transform outright also satisfies the intent"),
    ("samael/test_vectors/xpointer_attack_signed.xml", "invalid", "samael/test_vectors/public.der",
     "src/idp/tests.rs test_xpointer_attack_fixture_does_not_verify: InvalidSignature"),
]


def other_dsig_rows(ctx, certidx, cache):
    rows = []
    for rel, exp, key, note in santuario_dsig_specs(ctx):
        si = cache(rel)
        if key == "keyvalue":
            keycell, keydesc, has_pin = build_key(ctx, certidx, si, "keyvalue")
            kind = "keyvalue"
        else:
            keycell, keydesc, has_pin, kind = key, "hmac", False, "hmac"
        cat, reasons = classify(si, keydesc, kind, has_pin, None)
        notes = [reasons_note(reasons), note]
        if si.doctype:
            notes.append("DOCTYPE: " + si.doctype_what)
        ext = [r.uri for r in si.refs if r.kind == "external"]
        if ext:
            notes.append("external-uris=" + ",".join(sorted(set(ext))))
        rid = "santuario:" + rel[len(SAN):-len(".xml")]
        rows.append({"id": rid, "file": rel, "expected": exp, "key": keycell, "verify_at": "",
                     "algorithms": algorithms_cell(si, keydesc), "category": cat,
                     "note": "; ".join(notes), "source": "santuario"})
    for rel, exp, kind, path, vat, note in SIGNXML_SPECS:
        si = cache(rel)
        if kind == "cert":
            keycell, keydesc, has_pin = build_key(ctx, certidx, si, "cert", [path])
        elif kind == "x509data":
            keycell, keydesc, has_pin = build_key(ctx, certidx, si, "x509data", ca=[path])
        else:
            keycell, keydesc, has_pin = "none", None, False
        xp = None
        if "not yet valid" in note:
            xp = "cert-time"
        elif "EE policy" in note:
            xp = "chain"
        cat, reasons = classify(si, keydesc, kind, has_pin, xp)
        notes = [reasons_note(reasons)]
        if xp:
            notes.append("x509-path=" + xp)
        notes.append(note)
        if si.doctype:
            notes.append("DOCTYPE: " + si.doctype_what)
        if si.parse_error:
            notes.append("lxml (entities not expanded) cannot parse it either")
        if si.nsigs == 0:
            notes.append("no ds:Signature element")
        rid = "signxml:" + rel[len("signxml/test/"):-len(".xml")].replace(" ", "_")
        rows.append({"id": rid, "file": rel, "expected": exp, "key": keycell, "verify_at": vat,
                     "algorithms": algorithms_cell(si, keydesc), "category": cat,
                     "note": "; ".join(notes), "source": "signxml"})
    for rel, exp, cert, note in SAMAEL_SPECS:
        si = cache(rel)
        keycell, keydesc, has_pin = build_key(ctx, certidx, si, "cert", [cert])
        cat, reasons = classify(si, keydesc, "cert", has_pin, None)
        notes = [reasons_note(reasons), note,
                 "samael 'signature only' row (no SAML checks); added beyond the brief's sources"]
        rid = "samael:" + rel[len("samael/test_vectors/"):-len(".xml")]
        rows.append({"id": rid, "file": rel, "expected": exp, "key": keycell, "verify_at": "",
                     "algorithms": algorithms_cell(si, keydesc), "category": cat,
                     "note": "; ".join(notes), "source": "samael"})
    return rows


# --------------------------------------------------------------------------------------
# C14N rows
# --------------------------------------------------------------------------------------

SINGLE_NODE_XPATH = "(.//. | .//@* | .//namespace::*)"   # Canonicalizer.XPATH_C14N_WITH_COMMENTS_SINGLE_NODE
IN = SAN + "org/apache/xml/security/c14n/in/"
INX = SAN + "org/apache/xml/security/c14n/inExcl/"


def xpath_file_expr(ctx, rel):
    txt = ctx.read(rel).decode("utf-8")
    txt = re.sub(r"<!--.*?-->", "", txt, flags=re.S)
    return norm_ws(txt)


def manifest_row_text(ctx, manifest, path):
    for line in ctx.read(manifest).decode("utf-8").splitlines():
        if line.startswith("| `%s`" % path):
            return line
    return None


def manifest_checks(ctx, c14n, dsig, cache):
    """Compare statements of the README / MANIFEST.md files with the files themselves."""
    F = ctx.findings
    # 1. counts claimed by the top-level README for xmlsec
    readme = ctx.read("README.md").decode("utf-8")
    m = re.search(r"(\d+) signature files with (\d+) expectation rows\s+taken from `tests/testDSig.sh`\s*"
                  r"\((\d+) valid, (\d+) must-fail\)", readme)
    xs = [r for r in dsig if r["source"] == "xmlsec"]
    nfiles = len({r["file"] for r in xs})
    nvalid = sum(r["expected"] == "valid" for r in xs)
    if m and (int(m.group(2)) != len(xs) or int(m.group(3)) != nvalid or int(m.group(4)) != len(xs) - nvalid):
        F.append("interop/README.md announces %s xmlsec expectation rows (%s valid, %s must-fail), which "
                 "does not add up; xmlsec/MANIFEST.md has %d rows (%d valid, %d must-fail) for %d distinct "
                 "signature files" % (m.group(2), m.group(3), m.group(4), len(xs), nvalid, len(xs) - nvalid,
                                      nfiles))
    # 2. "N references" statements
    for manifest, prefix in (("santuario/MANIFEST.md", "santuario/"), ("signxml/MANIFEST.md", "signxml/")):
        for line in ctx.read(manifest).decode("utf-8").splitlines():
            mm = re.match(r"\| `([^`]+\.xml)` \|(.*)", line)
            if not mm:
                continue
            for k in re.findall(r"(?:exactly )?(\d+) references", mm.group(2)):
                si = cache(prefix + mm.group(1))
                if si.nsigs and int(k) != len(si.refs):
                    F.append("%s says `%s` has %s references; the file has %d (the extra c14n-N.txt is the "
                             "canonical SignedInfo)" % (manifest, mm.group(1), k, len(si.refs)))
    # 3. c14n-N.txt descriptions
    bad14 = []
    for r in c14n:
        if not re.search(r"/c14n-\d+\.txt$", r["expected"]):
            continue
        src = r["expected"].split("/")[0]
        line = manifest_row_text(ctx, src + "/MANIFEST.md", r["expected"][len(src) + 1:])
        n = int(re.search(r"c14n-(\d+)\.txt$", r["expected"]).group(1))
        if line is None:
            continue
        said = re.search(r"Reference #(\d+)", line)
        if r["id"].endswith(":signedinfo") and said:
            F.append("%s/MANIFEST.md describes `%s` as Reference #%s; it is the canonical SignedInfo "
                     "(the SignatureValue verifies over it)" % (src, r["expected"][len(src) + 1:], said.group(1)))
        elif said and int(said.group(1)) != n and r["expected"] not in bad14:
            bad14.append(r["expected"])
    if bad14:
        dirs = sorted({os.path.dirname(p) for p in bad14})
        F.append("santuario/MANIFEST.md labels every c14n-N.txt as 'Reference #14' (%d files in %s); "
                 "c14n-N.txt is Reference N (0-based, SignedInfo order), checked against the DigestValues"
                 % (len(bad14), ", ".join(d.split("resources/")[-1] for d in dirs)))
    # 4. DTD statements
    dtd_inputs = sorted({r["input"] for r in c14n if r["outcome"] == "reject-dtd"})
    flagged = {"33_input.xml", "34_input.xml", "35_input.xml"}
    extra = [p.split("/")[-1] for p in dtd_inputs if p.split("/")[-1] not in flagged]
    if extra:
        F.append("the santuario notes flag only inputs 33, 34, 35 as needing DTD processing, but these "
                 "indexed inputs also carry a DOCTYPE (a DTD-refusing parser rejects them too): "
                 + ", ".join(extra))
    # 5. vendor outputs that are not C14N outputs at all
    base = SAN + "org/w3c/www/interop/c14n11/"
    for fn in sorted(os.listdir(ctx.p(base))):
        if fn.endswith(".output") and b"<Signature" in ctx.read(base + fn):
            F.append("W3C C14N 1.1 vendor file %s is a complete signature document, not the canonical "
                     "output it is named as" % fn)
    # 6. scheme-based pointers that also match an ID attribute
    for r in dsig:
        si = cache(r["file"])
        for ref in (si.refs if si.nsigs else []):
            if ref.kind == "xpointer-scheme" and find_by_id(si.doc, ref.uri[1:]) is not None:
                F.append("`%s`: Reference URI `%s` is an XPointer element() pointer, and an element in the "
                         "document also carries ID=\"%s\" (the DigestValue covers that element): a verifier that "
                         "resolves fragments by attribute value alone would accept it; the manifest "
                         "describes the URI as `#xpointer(...)`" % (r["file"], ref.uri, ref.uri[1:]))
                break
            if ref.kind == "id-not-ncname" and r["category"] in ("in-profile", "legacy-sha1") or (
                    ref.kind == "id-not-ncname" and "rsa-small-key" in r["category"]):
                F.append("`%s`: Reference URI `%s` is not an NCName (not a valid xs:ID); indexed as a "
                         "same-document ID reference anyway" % (r["file"], ref.uri))
                break
    if ctx.requires_mismatches:
        F.append("xmlsec/MANIFEST.md's 'requires' column (copied from testDSig.sh) disagrees with the "
                 "algorithms in the file for %d rows: %s" % (len(ctx.requires_mismatches),
                                                           "; ".join(sorted(set(ctx.requires_mismatches)))))
    # 7. xmlsec paths that had to be mapped
    used = {v for r in xs for v in re.findall(r"xmlsec/tests/phaos-xmldsig-three/certs/\S+?\.der", r["key"])}
    if used:
        F.append("xmlsec/MANIFEST.md names `%s` (PEM); only the DER files exist - the index uses the .der paths"
                 % "`, `".join(sorted(XMLSEC_DER_FOR_PEM)))


def c14n_spec_rows(ctx):
    """C14N 1.0 / 1.1 spec examples and exclusive C14N examples (santuario)."""
    rows = []
    e37 = xpath_file_expr(ctx, IN + "37_subset.xpath")
    ietf = "|ns:ietf=http://www.ietf.org"
    D, X = "document", "xpath:" + SINGLE_NODE_XPATH
    # (id, input, expected, algorithm, selection, source test / note)
    table = [
        ("31-c14n10-doc", "31_input.xml", "31_c14n.xml", "c14n10", D, "Canonicalizer20010315Test test31subtree"),
        ("31-c14n10-xpath", "31_input.xml", "31_c14n.xml", "c14n10", X, "Canonicalizer20010315Test test31subset"),
        ("31-c14n10-comments-doc", "31_input.xml", "31_c14n-comments.xml", "c14n10-comments", D, "Canonicalizer20010315Test test31withCommentsSubtree"),
        ("31-c14n10-comments-xpath", "31_input.xml", "31_c14n-comments.xml", "c14n10-comments", X, "Canonicalizer20010315Test test31withCommentsSubset"),
        ("31-c14n11-doc", "31_input.xml", "31_c14n.xml", "c14n11", D, "manifest: same output for C14N 1.1 (not a Santuario test case)"),
        ("31-c14n11-comments-doc", "31_input.xml", "31_c14n-comments.xml", "c14n11-comments", D, "Canonicalizer11Test test31withCommentsSubtree"),
        ("32-c14n10-doc", "32_input.xml", "32_c14n.xml", "c14n10", D, "Canonicalizer20010315Test test32subtree"),
        ("32-c14n10-xpath", "32_input.xml", "32_c14n.xml", "c14n10", X, "Canonicalizer20010315Test test32subset"),
        ("32-c14n11-doc", "32_input.xml", "32_c14n.xml", "c14n11", D, "Canonicalizer11Test test32subtree"),
        ("33-c14n10-doc", "33_input.xml", "33_c14n.xml", "c14n10", D, "Canonicalizer20010315Test test33subtree"),
        ("33-c14n10-xpath", "33_input.xml", "33_c14n.xml", "c14n10", X, "Canonicalizer20010315Test test33subset"),
        ("33-c14n11-doc", "33_input.xml", "33_c14n.xml", "c14n11", D, "Canonicalizer11Test test33subtree"),
        ("34-c14n10-doc", "34_input.xml", "34_c14n.xml", "c14n10", D, "Canonicalizer20010315Test test34 (non-validating parser)"),
        ("34-c14n11-doc", "34_input.xml", "34_c14n.xml", "c14n11", D, "Canonicalizer11Test test34"),
        ("34v-c14n10-doc", "34_input_validatingParser.xml", "34_c14n_validatingParser.xml", "c14n10", D, "Canonicalizer20010315Test test34subtree (normId line removed)"),
        ("34v-c14n10-xpath", "34_input_validatingParser.xml", "34_c14n_validatingParser.xml", "c14n10", X, "Canonicalizer20010315Test test34subset"),
        ("35-c14n10-doc", "35_input.xml", "35_c14n.xml", "c14n10", D, "Canonicalizer20010315Test test35subtree"),
        ("35-c14n10-xpath", "35_input.xml", "35_c14n.xml", "c14n10", X, "Canonicalizer20010315Test test35subset"),
        ("35-c14n11-doc", "35_input.xml", "35_c14n.xml", "c14n11", D, "Canonicalizer11Test test35subtree"),
        ("36-c14n10-doc", "36_input.xml", "36_c14n.xml", "c14n10", D, "Canonicalizer20010315Test test36subtree; input declares encoding ISO-8859-1 (content is ASCII, &#169; is a character reference)"),
        ("36-c14n10-xpath", "36_input.xml", "36_c14n.xml", "c14n10", X, "Canonicalizer20010315Test test36subset; input declares encoding ISO-8859-1"),
        ("36-c14n11-doc", "36_input.xml", "36_c14n.xml", "c14n11", D, "Canonicalizer11Test test36subtree; input declares encoding ISO-8859-1"),
        ("37-c14n10-xpath", "37_input.xml", "37_c14n.xml", "c14n10", "xpath:" + e37 + ietf, "Canonicalizer20010315Test test37 (XPath from 37_subset.xpath); id(\"E3\") needs the DTD's ID declaration"),
        ("37-c14n11-xpath", "37_input.xml", "37_c14n.xml", "c14n11", "xpath:" + e37 + ietf, "Canonicalizer11Test test37"),
        ("38-c14n11-xpath", "38_input.xml", "38_c14n.xml", "c14n11", "xpath:" + e37 + ietf, "Canonicalizer11Test test38 (3.7 XPath, xml:base/xml:id handling of C14N 1.1)"),
        ("default-ns-redefinition", "default_ns_redefinition_input.xml", "default_ns_redefinition_c14n.xml", "c14n10-comments",
         "subtree:{%s}Object#1" % DS, "stax Canonicalizer20010315Test testDefault_ns_redefinition"),
    ]
    for rid, inp, exp, alg, sel, note in table:
        rows.append(mk_c14n(ctx, "c14n-in:" + rid, IN + inp, IN + exp, alg, sel, note))
    rows.append(mk_c14n(ctx, "c14n-in:relative-ns", IN + "relative-ns-behaviour.xml", "-",
                        "c14n10", D,
                        "stax Canonicalizer20010315Test testRelativeNSbehaviour: relative namespace URI "
                        "'../cheating#away' -> canonicalization (or parsing) must fail",
                        outcome="reject"))
    rows.append(mk_c14n(ctx, "c14n-in:utf16-to-utf8", "-", IN + "testTranslationFromUTF16toUTF8.xml",
                        "c14n10", D,
                        "Canonicalizer20010315Test testTranslationFromUTF16toUTF8: input is "
                        "<UTF16>The german &amp;auml (which is Unicode &amp;#xE4;):  &quot;&#xE4;&quot;</UTF16> "
                        "re-serialized by a Java Transformer as UTF-16 (with BOM and XML declaration)",
                        outcome="skip:utf16-input-built-in-test-code"))
    ex = "{http://example.net}elem2#1"
    table = [
        ("2_2_1-c14n10-comments", "example2_2_1.xml", "example2_2_1_c14nized.xml", "c14n10-comments", "subtree:" + ex, "Canonicalizer20010315ExclusiveTest test221"),
        ("2_2_1-exc-comments", "example2_2_1.xml", "example2_2_c14nized_exclusive.xml", "exc-comments", "subtree:" + ex, "Canonicalizer20010315ExclusiveTest test221excl"),
        ("2_2_2-c14n10-comments", "example2_2_2.xml", "example2_2_2_c14nized.xml", "c14n10-comments", "subtree:" + ex, "Canonicalizer20010315ExclusiveTest test222"),
        ("2_2_2-exc-comments", "example2_2_2.xml", "example2_2_c14nized_exclusive.xml", "exc-comments", "subtree:" + ex, "Canonicalizer20010315ExclusiveTest test222excl (same output as 2_2_1: the point of exc-c14n)"),
        ("2_2_3-exc-comments", "example2_2_3.xml", "example2_2_3_c14nized_exclusive.xml", "exc-comments", "xpath:(//. | //@* | //namespace::*)[ancestor-or-self::p]", "Canonicalizer20010315ExclusiveTest test223excl"),
        ("2_4-exc-comments", "example2_4.xml", "example2_4_c14nized.xml", "exc-comments", "subtree:" + ex, "Canonicalizer20010315ExclusiveTest test24excl"),
        ("plain-soap-exc-comments", "plain-soap-1.1.xml", "plain-soap-c14nized.xml", "exc-comments", "subtree:{http://schemas.xmlsoap.org/soap/envelope/}Body#1", "stax Canonicalizer20010315ExclusiveTest testComplexDocexcl"),
    ]
    for rid, inp, exp, alg, sel, note in table:
        rows.append(mk_c14n(ctx, "c14n-inExcl:" + rid, INX + inp, INX + exp, alg, sel, note))
    return rows


def mk_c14n(ctx, rid, inp, exp, alg, sel, note, outcome=None):
    if outcome is None:
        outcome = "bytes"
        if inp != "-" and has_doctype(ctx.read(inp)):
            outcome = "reject-dtd"
    if outcome == "reject-dtd":
        note = "DOCTYPE (%s); %s" % (doctype_summary(ctx.read(inp)), note)
    if inp != "-" and outcome in ("bytes", "reject-dtd") and b"\r\n" in ctx.read(inp):
        note += "; input has CRLF line ends (parser normalizes to LF)"
    return {"id": rid, "input": inp, "expected": exp, "algorithm": alg, "selection": sel,
            "outcome": outcome, "note": note}


def w3c_c14n11_rows(ctx):
    rows = []
    base = SAN + "org/w3c/www/interop/c14n11/"
    sig_base = SAN + "org/w3c/www/interop/xmldsig/c14n11/"
    for t in W3C_C14N11_TESTS:
        prefix = re.sub(r"-\d+$", "", t)
        inp = base + prefix + "-input.xml"
        expr = xpath_file_expr(ctx, base + t + ".xpath")
        # namespace bindings: the signed forms of the same test carry them on the XPath element
        sig = parse(ctx, sig_base + t + "-IAIK.xml")
        xpel = sig.find(".//" + q(DS, "XPath"))
        ns = [(p, xpel.nsmap[p]) for p in used_prefixes(expr) if p != "xml"]
        sel = "xpath:" + expr + "".join("|ns:%s=%s" % b for b in ns)
        # consistency between the .xpath node-set form and the XPath-transform filter form
        filt = norm_ws(xpath_text(xpel))
        m = re.match(r"\(//\. \| //@\* \| //namespace::\*\) ?\[(.*)\]$", expr)
        if not m or norm_ws(m.group(1)) != filt:
            ctx.findings.append("W3C C14N 1.1 test %s: .xpath node-set expression and the signed "
                                "forms' XPath filter differ: %r vs %r" % (t, expr, filt))
        vendors = []
        for v in VENDORS:
            vo = base + "%s-%s.output" % (t, v)
            if ctx.exists(vo):
                same = ctx.read(vo) == ctx.read(base + t + ".output")
                vendors.append(v + ("" if same else "(differs)"))

        note = "W3C C14N 1.1 suite; reference output; vendor outputs: %s" % (", ".join(vendors) or "none")
        dig = sig_base + t + "-IAIK-ref0.digestinput"
        if ctx.exists(dig):
            note += "; identical to xmldsig/c14n11/%s-IAIK-ref0.digestinput: %s" % (
                t, "yes" if ctx.read(dig) == ctx.read(base + t + ".output") else "NO")
        if "id(" in expr:
            note += "; id(\"E3\") needs the DTD's ID declaration"
        rows.append(mk_c14n(ctx, "w3c-c14n11:" + t, inp, base + t + ".output", "c14n11", sel, note))
    return rows


def signature_over(sig, data):
    """Does the SignatureValue verify over `data` with the KeyValue key? (DSA-SHA1 / RSA-SHA1)"""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, utils
    from cryptography.exceptions import InvalidSignature
    sm = sig.find(q(DS, "SignedInfo") + "/" + q(DS, "SignatureMethod")).get("Algorithm")
    kv = sig.find(q(DS, "KeyInfo") + "/" + q(DS, "KeyValue"))
    if kv is None:
        return None
    pub = keyvalue_key(kv)
    sv = b64(sig.findtext(q(DS, "SignatureValue")))
    try:
        if sm == DS + "dsa-sha1" and isinstance(pub, dsa.DSAPublicKey):
            half = len(sv) // 2
            der = utils.encode_dss_signature(int.from_bytes(sv[:half], "big"), int.from_bytes(sv[half:], "big"))
            pub.verify(der, data, hashes.SHA1())
            return True
        if sm == DS + "rsa-sha1" and isinstance(pub, rsa.RSAPublicKey):
            pub.verify(sv, data, padding.PKCS1v15(), hashes.SHA1())
            return True
    except InvalidSignature:
        return False
    return None


def digest_ok(ref, data):
    d = DIGESTS.get(ref.find(q(DS, "DigestMethod")).get("Algorithm"))
    if d is None or d[0] not in HASHLIB_NAME:
        return None
    h = hashlib.new(HASHLIB_NAME[d[0]], data).digest()
    return base64.b64encode(h).decode() == (ref.findtext(q(DS, "DigestValue")) or "").strip()


def reference_rows(ctx, tag, sigrel, expected_fmt, derive_direct=False):
    """Rows for 'canonical octets of Reference N' files (c14n-N.txt / *-ref0.digestinput).
    If there is one more c14n-N.txt than there are References, the extra one is the
    canonical SignedInfo."""
    rows = []
    doc = parse(ctx, sigrel)
    sigdata = ctx.read(sigrel)
    sig = find_signatures(doc)[0]
    sinfo = sig.find(q(DS, "SignedInfo"))
    refs = sinfo.findall(q(DS, "Reference"))
    folder = os.path.dirname(sigrel)
    n = 0
    while True:
        idx = n
        exp = expected_fmt % idx
        if not ctx.exists(exp):
            break
        data = ctx.read(exp)
        if idx < len(refs):
            ref = refs[idx]
            uri = ref.get("URI")
            trs = ref.findall(q(DS, "Transforms") + "/" + q(DS, "Transform"))
            chain = [render_transform(t) for t in trs]
            last = TRANSFORM_SHORT.get(trs[-1].get("Algorithm")) if trs else None
            if last in ("xslt", "base64"):
                ctx.findings.append("%s is the %s output of Reference %d of %s, not canonical XML: "
                                    "not indexed" % (exp, last, idx, sigrel))
                n += 1
                continue
            if last in C14N_ALGS.values():
                alg = last
                pl = prefixlist(trs[-1])
            else:
                alg, pl = "c14n10", None
                chain.append("(implicit c14n10)")
            sel = "reference:%d" % idx
            if pl is not None:
                sel += ";prefixes=" + pl
            kind = uri_kind(uri, doc, sig)
            dok = digest_ok(ref, data)
            dname = DIGESTS.get(ref.find(q(DS, "DigestMethod")).get("Algorithm"), ("?",))[0]
            if dok is False:
                ctx.findings.append("%s does not match the DigestValue of Reference %d of %s" % (exp, idx, sigrel))
            note = 'uri=%s transforms=%s; %s digest of expected file %s the Reference DigestValue' % (
                '""' if uri == "" else uri, "|".join(chain) if chain else "-", dname,
                {True: "matches", False: "DOES NOT match", None: "not checked against"}[dok])
            if len(data) == 0:
                note += "; expected output is empty (empty node-set)"
            skip = []
            if kind == "external":
                skip.append("external-uri(%s)" % uri)
            if any(TRANSFORM_SHORT.get(t.get("Algorithm")) == "xslt" for t in trs):
                skip.append("xslt")
            if any(TRANSFORM_SHORT.get(t.get("Algorithm")) == "base64" for t in trs):
                skip.append("base64-transform")
            if skip:
                outcome = "skip:" + "+".join(skip)
            elif has_doctype(sigdata):
                outcome = "reject-dtd"
                note = "DOCTYPE (%s); %s" % (doctype_summary(sigdata), note)
            else:
                outcome = "bytes"
            rows.append({"id": "%s:ref%d" % (tag, idx), "input": sigrel, "expected": exp,
                         "algorithm": alg, "selection": sel, "outcome": outcome, "note": note})
            # a runnable equivalent for local external references: XPath filter + c14n on the file
            if derive_direct and kind == "external" and not skip[1:]:
                target = os.path.normpath(os.path.join(folder, uri))
                xps = [t for t in trs if TRANSFORM_SHORT.get(t.get("Algorithm")) == "xpath"]
                others = [t for t in trs if TRANSFORM_SHORT.get(t.get("Algorithm")) not in ("xpath",)]
                if ctx.exists(target) and len(xps) == 1 and trs[0] is xps[0] and \
                        all(TRANSFORM_SHORT.get(t.get("Algorithm")) in C14N_ALGS.values() for t in others):
                    xpel = xps[0].find(q(DS, "XPath"))
                    filt = norm_ws(xpath_text(xpel))
                    ns = xpath_ns_bindings(xpel, filt)
                    dsel = "xpath:(//. | //@* | //namespace::*)[%s]" % filt + "".join("|ns:%s=%s" % b for b in ns)
                    if pl is not None:
                        dsel += ";prefixes=" + pl
                    rows.append(mk_c14n(ctx, "%s:ref%d-direct" % (tag, idx), target, exp, alg, dsel,
                                        "derived from Reference %d of %s: the referenced file with the "
                                        "XPath filter written as a node-set expression; %s" % (
                                            idx, os.path.basename(sigrel),
                                            "digest matches" if dok else "digest NOT checked")))
        else:
            # canonical SignedInfo
            cm = sinfo.find(q(DS, "CanonicalizationMethod"))
            alg = C14N_ALGS[cm.get("Algorithm")]
            pl = prefixlist(cm)
            sel = "subtree:{%s}SignedInfo#1" % DS + (";prefixes=" + pl if pl is not None else "")
            outcome = "reject-dtd" if has_doctype(sigdata) else "bytes"
            ok = signature_over(sig, data)
            if ok is False:
                ctx.findings.append("%s: the SignatureValue of %s does not verify over it" % (exp, sigrel))
            rows.append({"id": "%s:signedinfo" % tag, "input": sigrel, "expected": exp,
                         "algorithm": alg, "selection": sel, "outcome": outcome,
                         "note": "%s is the canonical SignedInfo (CanonicalizationMethod), not a "
                                 "Reference: the file has %d References; the SignatureValue %s over "
                                 "these bytes with the KeyValue key" % (
                                     os.path.basename(exp), len(refs),
                                     {True: "verifies", False: "DOES NOT verify", None: "was not checked"}[ok])})
        n += 1
    return rows


def c14n_reference_sets(ctx):
    rows = []
    M = SAN + "ie/baltimore/merlin-examples/"
    rows += reference_rows(ctx, "merlin-exc-c14n-one", M + "merlin-exc-c14n-one/exc-signature.xml",
                           M + "merlin-exc-c14n-one/c14n-%d.txt")
    rows += reference_rows(ctx, "ec-merlin-iaikTests-two", M + "ec-merlin-iaikTests-two/signature.xml",
                           M + "ec-merlin-iaikTests-two/c14n-%d.txt", derive_direct=True)
    rows += reference_rows(ctx, "Y2", SAN + "interop/c14n/Y2/signature-joseph-exc.xml",
                           SAN + "interop/c14n/Y2/c14n-%d.txt")
    rows += reference_rows(ctx, "Y4", SAN + "interop/c14n/Y4/signature.xml",
                           SAN + "interop/c14n/Y4/c14n-%d.txt")
    rows += reference_rows(ctx, "xmlsec-merlin-c14n-three", "xmlsec/tests/merlin-c14n-three/signature.xml",
                           "xmlsec/tests/merlin-c14n-three/c14n-%d.txt")
    X = SAN + "org/w3c/www/interop/xmldsig/"
    for t in W3C_C14N11_TESTS:
        rel = X + "c14n11/%s-IAIK.xml" % t
        if ctx.exists(X + "c14n11/%s-IAIK-ref0.digestinput" % t):
            rs = reference_rows(ctx, "w3c-xmldsig-c14n11:%s-IAIK" % t, rel,
                                X + "c14n11/" + t + "-IAIK-ref%d.digestinput")
            rows += rs
    for n in (1, 2, 3):
        rows += reference_rows(ctx, "w3c-xmldsig:defCan-%d-IAIK" % n, X + "defCan-%d-IAIK.xml" % n,
                               X + "defCan-%d-IAIK-ref%%d.digestinput" % n)
    return rows


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------

C14N_COLS = ["id", "input", "expected", "algorithm", "selection", "outcome", "note"]
DSIG_COLS = ["id", "file", "expected", "key", "verify_at", "algorithms", "category", "note"]


def tsv(header_comments, cols, rows):
    out = io.StringIO()
    for c in header_comments:
        out.write("# " + c + "\n")
    out.write("\t".join(cols) + "\n")
    for r in rows:
        cells = []
        for c in cols:
            v = r[c]
            if "\t" in v or "\n" in v or "\r" in v:
                raise SystemExit("tab/newline in %s of %s" % (c, r["id"]))
            cells.append(v)
        out.write("\t".join(cells) + "\n")
    return out.getvalue()


def check_paths(ctx, c14n, dsig):
    missing = []
    for r in c14n:
        for c in ("input", "expected"):
            if r[c] != "-" and not ctx.exists(r[c]):
                missing.append((r["id"], c, r[c]))
    for r in dsig:
        if not ctx.exists(r["file"]):
            missing.append((r["id"], "file", r["file"]))
        for part in r["key"].split(";"):
            k, _, v = part.partition(":")
            if k in ("cert", "ca", "untrusted", "crl") or (k == "pin" and not v.startswith("embedded#")):
                for pth in v.split(","):
                    if not ctx.exists(pth):
                        missing.append((r["id"], "key", pth))
        for m in re.finditer(r"urlmap=\S+=>(\S+?)(?:;|$)", r["note"]):
            if not ctx.exists(m.group(1)):
                missing.append((r["id"], "urlmap", m.group(1)))
    return missing


def counts_table(rows, key_a, key_b, title_a, title_b):
    c = collections.Counter((r[key_a], r[key_b]) for r in rows)
    bs = sorted({b for _, b in c})
    as_ = sorted({a for a, _ in c})
    lines = ["| %s \\ %s | %s | total |" % (title_a, title_b, " | ".join(bs)),
             "|---|" + "---:|" * (len(bs) + 1)]
    for a in as_:
        tot = sum(c[(a, b)] for b in bs)
        lines.append("| %s | %s | %d |" % (a, " | ".join(str(c[(a, b)]) if c[(a, b)] else "" for b in bs), tot))
    lines.append("| **total** | %s | **%d** |" % (" | ".join(str(sum(c[(a, b)] for a in as_)) for b in bs), len(rows)))
    return "\n".join(lines)


def source_of_c14n(r):
    group = r["id"].split(":")[0]
    if group.startswith("xmlsec-"):
        return "xmlsec " + group[len("xmlsec-"):]
    return "santuario " + group


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interop", default=os.environ.get("INTEROP_DIR") or
                    os.path.normpath(os.path.join(REPO, "..", "shared", "interop")))
    ap.add_argument("--check", action="store_true", help="only check that the outputs are current")
    args = ap.parse_args()
    ctx = Ctx(os.path.abspath(args.interop))
    certidx = CertIndex(ctx)
    cache_d = {}

    def cache(rel):
        if rel not in cache_d:
            cache_d[rel] = analyze_signature(ctx, rel)
        return cache_d[rel]

    # ---- checks that feed the findings list
    for n in (1, 2, 3):
        a = SAN + "org/w3c/www/interop/xmldsig/defCan-%d-IAIK.xml" % n
        b = "xmlsec/tests/xmldsig2ed-tests/defCan-%d.xml" % n
        if ctx.read(a) != ctx.read(b):
            ctx.findings.append("santuario/MANIFEST.md says the IAIK defCan files are byte-identical to "
                                "xmlsec's defCan-N.xml; false for defCan-%d (xmlsec's copy equals "
                                "defCan-%d-signature.xml instead)" % (n, n))

    c14n = c14n_spec_rows(ctx) + w3c_c14n11_rows(ctx) + c14n_reference_sets(ctx)
    dsig = xmlsec_rows(ctx, certidx, cache) + other_dsig_rows(ctx, certidx, cache)

    # point skipped rows at a runnable row with the same expected bytes, if there is one
    runnable = {}
    for r in c14n:
        if r["outcome"] in ("bytes", "reject-dtd") and r["expected"] != "-":
            runnable.setdefault((r["algorithm"], hashlib.sha256(ctx.read(r["expected"])).hexdigest()), r["id"])
    for r in c14n:
        if r["outcome"].startswith("skip:") and r["expected"] != "-":
            other = runnable.get((r["algorithm"], hashlib.sha256(ctx.read(r["expected"])).hexdigest()))
            if other and other not in r["note"]:
                r["note"] += "; same expected bytes as row %s" % other
    manifest_checks(ctx, c14n, dsig, cache)
    ids = collections.Counter(r["id"] for r in c14n + dsig)
    dup = [i for i, k in ids.items() if k > 1]
    if dup:
        raise SystemExit("duplicate ids: %s" % dup)
    missing = check_paths(ctx, c14n, dsig)
    if missing:
        for m in missing:
            print("MISSING", *m, file=sys.stderr)
        raise SystemExit(1)

    c14n_txt = tsv([
        "C14N byte-exact vectors. Generated by tests/interop/index_vectors.py -- do not edit by hand.",
        "Paths are relative to the shared interop folder (/work/shared/interop). See README.md.",
    ], C14N_COLS, c14n)
    dsig_txt = tsv([
        "XML-DSig verification vectors. Generated by tests/interop/index_vectors.py -- do not edit by hand.",
        "Paths are relative to the shared interop folder (/work/shared/interop). See README.md.",
    ], DSIG_COLS, dsig)

    for r in c14n:
        r["source"] = source_of_c14n(r)
    readme = render_readme(ctx, c14n, dsig)

    outputs = {"c14n_vectors.tsv": c14n_txt, "dsig_vectors.tsv": dsig_txt, "README.md": readme}
    stale = []
    for name, content in outputs.items():
        path = os.path.join(HERE, name)
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if old != content:
            stale.append(name)
            if not args.check:
                with open(path, "w", encoding="utf-8", newline="\n") as f:
                    f.write(content)
    for w in ctx.warnings:
        print("warning:", w, file=sys.stderr)
    if args.check:
        if stale:
            print("out of date: " + ", ".join(stale), file=sys.stderr)
            sys.exit(1)
        print("up to date")
    else:
        print("c14n_vectors.tsv: %d rows; dsig_vectors.tsv: %d rows; all paths exist; %s" % (
            len(c14n), len(dsig), ("rewrote " + ", ".join(stale)) if stale else "no changes"))


README_TEMPLATE = r'''# Interop test indexes (C14N and XML-DSig)

Machine-readable indexes of the third-party vectors in `/work/shared/interop` (see its
`README.md` and the per-source `MANIFEST.md`), for Rust integration tests to iterate over.

| file | what |
|---|---|
| `c14n_vectors.tsv` | one row per byte-exact canonicalization vector |
| `dsig_vectors.tsv` | one row per signature-verification expectation |
| `index_vectors.py` | generator: `python3 tests/interop/index_vectors.py` rewrites both TSVs and this README deterministically (`--check` only verifies they are current). Needs python3, lxml, cryptography. Interop folder: `--interop DIR`, `$INTEROP_DIR`, default `../shared/interop` next to the repository. It also fails if any path in either TSV does not exist. |
| `crosscheck.py` | optional validation with the system libxml2 (ctypes) and `xmlsec1`; not needed by the Rust tests |

All paths in both files are relative to the interop folder (some contain spaces). Files are UTF-8,
tab-separated, one header line; lines starting with `#` are comments. No cell contains a tab or
newline. An empty cell is an empty string; `-` in `input`/`expected` means "no file". Row ids are
unique across both files: `GROUP:NAME` for C14N rows, `SOURCE:PATH-WITHOUT-.xml[~K]` for DSig rows
(`~K` = K-th manifest row for the same file).

## c14n_vectors.tsv

Columns: `id  input  expected  algorithm  selection  outcome  note`

* **algorithm**: `c14n10`, `c14n10-comments`, `c14n11`, `c14n11-comments`, `exc`, `exc-comments`.
* **selection** (what node-set of `input` is canonicalized), optionally followed by
  `;prefixes=LIST` (the exclusive-C14N InclusiveNamespaces PrefixList, space-separated, `#default`
  for the default namespace; only with `exc*`):
  * `document` - the whole document (comments dropped or kept according to the algorithm).
  * `subtree:{NS}LOCAL#N` - the N-th (1-based, document order) element with that expanded name,
    with all its descendants, attributes and namespace nodes, as a *document subset* (inherited
    namespaces / `xml:*` attributes are handled as the algorithm prescribes for subsets).
  * `id:VALUE` - the same for the element whose `ID`/`Id`/`id` attribute is VALUE (not used yet).
  * `xpath:EXPR|ns:p=uri|ns:p=uri` - an XPath 1.0 node-set expression evaluated with the document
    node as context, then canonicalized as a document subset. The namespace bindings follow the
    expression, each introduced by `|ns:` (split on the regex `\|ns:(?=[A-Za-z_][\w.-]*=)`;
    the `|` inside the expression is XPath union). Expressions are taken from the `.xpath` files /
    upstream tests with whitespace runs outside string literals collapsed to one space (XPath
    ignores whitespace between tokens; the TSV cannot hold the tab and CRLF of the originals).
  * `reference:N` - `input` is a signature; the expected bytes are the octets that Reference **N**
    (0-based, order of `ds:Reference` in `ds:SignedInfo`, i.e. the N of `c14n-N.txt` / `refN`) feeds
    into its DigestMethod. Dereference its URI and apply its transform chain; the chain is summarized
    in the note as `uri=... transforms=t1|t2|...` with `xpath:"EXPR"{prefix=uri,...}` (inner `"` and
    `\` backslash-escaped; EXPR is the XPath element's string-value, comments inside the element are
    not part of it), `exc[prefixes=...]`, `enveloped`, `xslt`, and `(implicit c14n10)` when the chain
    ends with a node-set. Every `reference:N` expected file was checked against the Reference's
    DigestValue (the note says so).
  * The canonical `ds:SignedInfo` of those signatures (the last `c14n-N.txt` of each Merlin set) is
    given as `subtree:{http://www.w3.org/2000/09/xmldsig#}SignedInfo#1` with the
    CanonicalizationMethod's algorithm; its SignatureValue verifies over the expected bytes.
* **outcome**:
  * `bytes` - must produce exactly the bytes of `expected`.
  * `reject-dtd` - `input` has a DOCTYPE. samlguard's parser refuses DTDs, so the test must assert
    that parsing fails (SPEC §2: DOCTYPE/DTD present → code 6). The note says what the DTD is used for
    (attribute defaults, ID types, entities, ...). `expected` is still the right output for a
    DTD-processing implementation (verified with libxml2, see below).
  * `reject` - canonicalization (or parsing) must fail (relative namespace URI).
  * `skip:REASON` - needs something out of scope: `external-uri(FILE)` (Reference to another file by
    relative URI), `xslt`, `utf16-input-built-in-test-code` (the input is built by the upstream
    test; the note gives the string). For the IAIK references to local files
    (`ec-merlin-iaikTests-two:refN`) there is also a runnable `...:refN-direct` row: the referenced
    file with the XPath filter rewritten as `(//. | //@* | //namespace::*)[FILTER]`. A skipped row
    whose expected bytes also belong to another row says `same expected bytes as row ID`.
* **note**: upstream test and anything notable (CRLF input, ISO-8859-1 input, empty node-set, ...).

In SAML terms: a `refuse:*` DSig row maps to code 23 (Invalid digital signature), `refuse:dtd` and
`reject-dtd` to code 6 (DOCTYPE refused at parse time); `x509-path` rows are about what SPEC codes 8
and 15 decide, not about the XML-DSig engine.

## dsig_vectors.tsv

Columns: `id  file  expected  key  verify_at  algorithms  category  note`

* **expected**: upstream's outcome, `valid` or `invalid` (for the row's key/trust setup).
* **key**: `KIND[;QUAL...]` with KIND one of
  * `cert:PATH[,PATH]` - verify with the public key of this certificate (PEM or DER; xmlsec's
    `*.crt` are DER) - no chain, no validity period;
  * `keyvalue` - upstream took the key from the document's `KeyValue`/`DEREncodedKeyValue`/
    `RetrievalMethod`/`KeyInfoReference` (crypto/C14N path only);
  * `x509data` - upstream took the certificate from `X509Data` and built a chain to `ca:`;
  * `hmac:SECRET` - HMAC key, the ASCII secret itself;
  * `none` - no key offered (the row tests that verification then fails).

  Qualifiers: `ca:PATH,..` trust anchors, `untrusted:PATH,..` extra certificates for path
  building, `crl:PATH`, `flags:...` (upstream options: `insecure`, `verify-keys`, `verify-crls`,
  `skip-time-checks`, `lax-key-search`, `any-reference-uri`, `remote-retrievalmethod`,
  `asn1-ecdsa-signature`, `hmac-min-40-bits`), and **`pin:`** = a certificate carrying the key that
  actually signs, for a verifier that only pins certificates (like samlguard): `pin:PATH` (a file in
  the collection with the same SubjectPublicKeyInfo) or `pin:embedded#K` (the K-th
  `ds:X509Certificate`, 1-based document order, inside the `ds:Signature`). Pins were checked with
  xmlsec1 wherever xmlsec1 supports the algorithms.
* **verify_at**: RFC 3339 time from the manifest (certificate checks), else empty.
* **algorithms**: read from the file, `;`-separated: `sm=` SignatureMethod, `cm=` SignedInfo
  CanonicalizationMethod (with ` prefixes=`), `dm=` DigestMethod URIs, `tr=` Transform URIs of the
  SignedInfo References (`-` = none), `refs=` number of References in SignedInfo, `uris=` kinds of
  their URIs: `id` (same-document `#ncname`), `id-enveloping` (`#id` of something inside the Signature,
  e.g. a `ds:Object` or a `ds:Manifest` in it), `id-not-ncname` (`#11111`: resolvable but not an
  xs:ID), `empty` (`URI=""`), `absent`, `xpointer` (`#xpointer(...)`), `xpointer-scheme`
  (`#element(/1/3)` ...), `external` (file name or URL), `id-missing`; `manifest-refs=`/
  `manifest-dm=`/`manifest-tr=` for References inside `ds:Manifest`; `sigs=` when the document does
  not have exactly one Signature; `key=` the verifying key (`rsa-2048`, `ec-p256`, `dsa-1024`,
  `ed25519`, `hmac`, ...).
* **category** - what a strict SAML-profile verifier (one Signature, one Reference `#id`,
  transforms ⊆ enveloped-signature + one of the six C14N algorithms in that order, SHA-256/384/512
  digests, RSA PKCS#1 v1.5 / RSA-PSS SHA-256/384/512, ECDSA P-256/P-384 with SHA-256/384, RSA ≥ 2048,
  SHA-1 only with a legacy opt-in) does:
  * `in-profile` - must verify / fail exactly as `expected`;
  * `legacy-sha1` - in profile only with the SHA-1 opt-in (`--allow-sha1`); refused (23) without it;
  * `x509-path` - the row is about chain building, CRLs, certificate validity or key-trust policy
    rather than the signature (the note has `x509-path=chain|crl|cert-time|key-verification|insecure-bypass|cert-store`);
  * `refuse:REASON` - must be refused for exactly this reason, even where `expected` is `valid`:
    `dtd` (DOCTYPE - added to the vocabulary: parse-time refusal), `multiple-references` (≠ 1
    Reference in SignedInfo), `no-id-reference` (empty/absent URI, xpointer, external, or an `#id` of
    an enveloping `ds:Object`/Manifest), `transform` (anything but [enveloped-signature][c14n]; also a
    non-C14N CanonicalizationMethod), `algorithm:NAME` (`dsa`, `hmac`, `eddsa`, `ripemd160`, `sha224`,
    `sha3`, `md5`, `ecdsa-sha512`, `ecdsa-p521`, `rsa-small-key`), `keyinfo-only` (the key can only
    come from KeyValue/KeyName and no certificate with that key exists in the collection).
  * Precedence when several apply: `dtd` > `multiple-references` > `no-id-reference` > `transform` >
    `algorithm:*` (signature method, then digest, then key) > `keyinfo-only` > `x509-path` >
    `legacy-sha1`. Every applicable reason is listed in the note as `reasons=a,b,...` so a test can
    accept any of them if the implementation checks in a different order.
  * Judgement calls: ECDSA-SHA1 and RSA-PSS-SHA1 are treated like RSA-SHA1 (`legacy-sha1`; note that
    ring offers neither, none of these rows is primarily `legacy-sha1`); ECDSA with SHA-512 and P-521
    keys are refused (not in the profile); SHA-3 and SHA-224 anywhere are refused; more than one
    `ds:Signature` would count as `multiple-references` (does not occur).
* **note**: `reasons=...`, `x509-path=...`, upstream note/feature, `keyname=`, `key-sources=`,
  `urlmap=URL=>PATH` (offline copy of an external URI), DOCTYPE summary, manifest mismatches.

Sources of the dsig rows: every `tests/testDSig.sh` row of `xmlsec/MANIFEST.md` (parsed from the
manifest), the santuario signature files with a stated outcome (Merlin/IAIK/Y2/Y4 and the signed W3C
C14N 1.1 vectors; defCan-1/2 whose expectation comes from xmlsec's byte-identical copies), every
signxml file with an outcome (including the 9 defusedxml attack files), and - beyond the brief - the
four samael "signature only" rows (pure DSig, no SAML checks). crewjam-saml, gosaml2 and node-saml
have no pure C14N/DSig rows (their vectors are end-to-end SAML responses).

## Counts

C14N rows by source group and outcome:

{{C14N_COUNTS}}

Skip reasons:

{{C14N_SKIPS}}

DSig rows by source and category:

{{DSIG_COUNTS}}

DSig rows by source and expected outcome:

{{DSIG_EXPECTED}}

## Validation (crosscheck.py, at the time of writing: libxml2 2.9.14, xmlsec1 1.2.37)

* C14N: all 126 `bytes` and `reject-dtd` rows (the latter parsed *with* DTD processing; every
  `reference:N` row re-derived from the signature as one XPath node-set; the SignedInfo rows)
  reproduce the expected bytes exactly with libxml2, and the `reject` row fails in libxml2 too.
  Only the 30 `skip:*` rows are not re-run (their expected files are digest-checked).
* DSig: verifying each row with only the `cert:`/`pin:`/`hmac:` key (no chain, no time), xmlsec1
  agrees with `expected` on 274 rows, differs on 58, and 21 rows have no usable key (`none`, or
  `keyvalue` without a pin). All 58 differences are explained: 13 `expected=invalid` rows fail
  upstream only for trust reasons (untrusted/expired/not-yet-valid certificate, CRL, missing
  intermediate, signxml's EE policy - every one has `x509-path` in its reasons, and the bare key
  verifies, which also confirms its pin); 45 `expected=valid` rows use what xmlsec1 1.2.37 lacks
  (RSA-PSS 7, SHA-3 14, EdDSA 9, ECDSA-RIPEMD160 1, ASN.1-encoded ECDSA values 2, zero-padded ECDSA
  value 1, 40-bit truncated HMAC 1), need DTD ID/default processing of the referenced input
  (W3C `xmlbase-c14n11spec*-102`, 9) or a namespaced `wsu:Id` (WS-Security, 1).

## Not indexed

* W3C C14N 1.1 vendor outputs (`*-IAIK/IBM/SUN/UPC.output`; all equal the reference output except the
  mis-filed UPC one), tests without a reference output (`xmlbase-c14n11spec-103`, `xmlbase-prop-102`),
  the Appendix A xml:base join table (`appendixa/`: URI-join inputs, not documents).
* `defCan-3-IAIK-ref0.digestinput` (XSLT output, not canonical XML).
* Signature files without an upstream expectation: santuario `defCan-1-IBM/SUN` (xmlsec1 1.2.37
  verifies both), `defCan-3-IAIK` and `defCan-3-signature` (xmlsec1 fails both: XSLT output
  differences, which is why xmlsec comments its defCan-3 out), `xmllang-1-positive.xml`, Y4
  `signature-manifest.xml` / `signatureStripped.xml`; xmlsec `signature-rsa-~x509-data-crl.xml`,
  the RFC 4050 `*_4050.xml` and `defCan-3.xml`.

## Findings (generated: manifest statements that disagree with the files)

{{FINDINGS}}
'''


def render_readme(ctx, c14n, dsig):
    tmpl = README_TEMPLATE
    c14n_counts = counts_table(c14n, "source", "outcome", "source", "outcome")
    # skip reasons collapse to 'skip' for the table; list them separately
    for r in c14n:
        r["outcome_group"] = r["outcome"].split(":")[0]
    c14n_counts = counts_table(c14n, "source", "outcome_group", "source", "outcome")
    skips = collections.Counter(r["outcome"] for r in c14n if r["outcome"].startswith("skip:"))
    skip_lines = "\n".join("* `%s`: %d" % (k, v) for k, v in sorted(skips.items()))
    dsig_counts = counts_table(dsig, "source", "category", "source", "category")
    exp_counts = counts_table(dsig, "source", "expected", "source", "expected")
    findings = "\n".join("* " + f for f in sorted(set(ctx.findings)))
    return (tmpl.replace("{{C14N_COUNTS}}", c14n_counts)
                .replace("{{C14N_SKIPS}}", skip_lines)
                .replace("{{DSIG_COUNTS}}", dsig_counts)
                .replace("{{DSIG_EXPECTED}}", exp_counts)
                .replace("{{FINDINGS}}", findings or "* (none)"))


if __name__ == "__main__":
    main()
