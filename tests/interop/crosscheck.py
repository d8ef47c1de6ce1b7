#!/usr/bin/env python3
"""Independent cross-check of c14n_vectors.tsv / dsig_vectors.tsv with libxml2 and xmlsec1.

Not needed to regenerate the indexes; it is how the indexes were validated and can be re-run
whenever index_vectors.py changes.  It needs the system libxml2 (loaded with ctypes) and,
for --dsig, the xmlsec1 command-line tool.

  python3 tests/interop/crosscheck.py [--interop DIR] [--c14n] [--dsig] [-v]

C14N: every row whose selection is document / subtree / xpath / id and every derived row
is canonicalized with libxml2 (xmlC14NDocDumpMemory on the XPath node-set) and compared
byte-for-byte with the expected file.  reject-dtd rows are checked the same way but parsed
*with* DTD processing, to prove that the indexed expectation is the right one for a
DTD-capable implementation.  reference:N rows are checked against the DigestValue of the
Reference (done by index_vectors.py as well) and the SignedInfo rows by verifying the DSA
SignatureValue over the expected bytes.

DSig: each row whose key is a certificate or has a pin: hint is verified with
`xmlsec1 verify` using that public key only (no chain), all reference URIs and transforms
enabled, external URLs mapped to the offline copies.  This checks the pin hints and the
upstream expectation for rows whose failure is not a trust decision.
"""

import argparse
import base64
import ctypes
import ctypes.util
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

XML_PARSE_NOENT, XML_PARSE_DTDLOAD, XML_PARSE_DTDATTR = 2, 4, 8
XML_PARSE_NONET = 2048
MODES = {"c14n10": (0, 0), "c14n10-comments": (0, 1), "exc": (1, 0), "exc-comments": (1, 1),
         "c14n11": (2, 0), "c14n11-comments": (2, 1)}


def read_tsv(path):
    rows, cols = [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#") or not line:
                continue
            cells = line.split("\t")
            if cols is None:
                cols = cells
                continue
            rows.append(dict(zip(cols, cells)))
    return rows


class LibXML2:
    def __init__(self):
        self.lib = ctypes.CDLL(ctypes.util.find_library("xml2") or "libxml2.so.2")
        L = self.lib
        L.xmlReadFile.restype = ctypes.c_void_p
        L.xmlReadFile.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
        L.xmlXPathNewContext.restype = ctypes.c_void_p
        L.xmlXPathNewContext.argtypes = [ctypes.c_void_p]
        L.xmlXPathRegisterNs.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        L.xmlXPathEvalExpression.restype = ctypes.c_void_p
        L.xmlXPathEvalExpression.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
        L.xmlC14NDocDumpMemory.restype = ctypes.c_int
        L.xmlC14NDocDumpMemory.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int,
                                           ctypes.POINTER(ctypes.c_char_p), ctypes.c_int,
                                           ctypes.POINTER(ctypes.c_void_p)]
        L.xmlFreeDoc.argtypes = [ctypes.c_void_p]
        L.xmlXPathFreeContext.argtypes = [ctypes.c_void_p]
        L.xmlXPathFreeObject.argtypes = [ctypes.c_void_p]
        self.free = ctypes.c_void_p.in_dll(L, "xmlFree")
        L.xmlSetGenericErrorFunc.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        # silence libxml2's error printing
        self._nullfunc = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_char_p)(lambda a, b: None)

    def c14n(self, path, alg, xpath=None, ns=(), prefixes=None, dtd=False):
        L = self.lib
        opts = XML_PARSE_NONET | ((XML_PARSE_NOENT | XML_PARSE_DTDLOAD | XML_PARSE_DTDATTR) if dtd else 0)
        doc = L.xmlReadFile(path.encode(), None, opts)
        if not doc:
            return None, "parse error"
        obj = ctxp = None
        nodes = None
        try:
            if xpath is not None:
                ctxp = L.xmlXPathNewContext(doc)
                # struct _xmlXPathContext { xmlDocPtr doc; xmlNodePtr node; ... }: context node = document
                ctypes.cast(ctxp, ctypes.POINTER(ctypes.c_void_p))[1] = doc
                for p, u in ns:
                    L.xmlXPathRegisterNs(ctxp, p.encode(), u.encode())
                obj = L.xmlXPathEvalExpression(xpath.encode(), ctxp)
                if not obj:
                    return None, "xpath error"
                # struct _xmlXPathObject { int type; xmlNodeSetPtr nodesetval; ... }
                nodes = ctypes.cast(obj + ctypes.sizeof(ctypes.c_void_p), ctypes.POINTER(ctypes.c_void_p))[0]
                if not nodes:
                    nodes = None
                    empty = True
                else:
                    empty = False
                if empty:
                    return b"", None
            mode, comments = MODES[alg]
            plist = None
            if prefixes is not None:
                toks = [t.encode() for t in prefixes.split()] + [None]
                plist = (ctypes.c_char_p * len(toks))(*toks)
            out = ctypes.c_void_p()
            n = L.xmlC14NDocDumpMemory(doc, nodes, mode, plist, comments, ctypes.byref(out))
            if n < 0:
                return None, "c14n error"
            data = ctypes.string_at(out, n)
            return data, None
        finally:
            if obj:
                L.xmlXPathFreeObject(obj)
            if ctxp:
                L.xmlXPathFreeContext(ctxp)
            L.xmlFreeDoc(doc)


def split_selection(sel):
    prefixes = None
    m = re.search(r";prefixes=(.*)$", sel)
    if m:
        prefixes = m.group(1)
        sel = sel[:m.start()]
    return sel, prefixes


def selection_xpath(sel):
    """(xpath, ns bindings) for document/subtree/id/xpath selections; None for others."""
    if sel == "document":
        return None, []
    if sel.startswith("subtree:"):
        m = re.fullmatch(r"subtree:\{([^}]*)\}([^#]+)(?:#(\d+))?", sel)
        uri, loc, n = m.group(1), m.group(2), int(m.group(3) or 1)
        e = "(//*[local-name()='%s' and namespace-uri()='%s'])[%d]" % (loc, uri, n)
        return "(%s/descendant-or-self::node() | %s/descendant-or-self::*/@* | %s/descendant-or-self::*/namespace::*)" % (e, e, e), []
    if sel.startswith("id:"):
        v = sel[3:]
        e = "(//*[@ID='%s' or @Id='%s' or @id='%s'])[1]" % (v, v, v)
        return "(%s/descendant-or-self::node() | %s/descendant-or-self::*/@* | %s/descendant-or-self::*/namespace::*)" % (e, e, e), []
    if sel.startswith("xpath:"):
        parts = re.split(r"\|ns:(?=[A-Za-z_][\w.\-]*=)", sel[len("xpath:"):])
        ns = [tuple(p.split("=", 1)) for p in parts[1:]]
        return parts[0], ns
    raise ValueError(sel)


C14N_URIS = {
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315": "c14n10",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments": "c14n10-comments",
    "http://www.w3.org/2006/12/xml-c14n11": "c14n11",
    "http://www.w3.org/2006/12/xml-c14n11#WithComments": "c14n11-comments",
    "http://www.w3.org/2001/10/xml-exc-c14n#": "exc",
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments": "exc-comments",
}
XPATH_T = "http://www.w3.org/TR/1999/REC-xpath-19991116"
ENV_T = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"


def reference_nodeset(path, n):
    """Re-derive Reference n of a same-document signature as one XPath node-set expression:
    dereferenced URI, then XPath filter / enveloped-signature transforms, then the final
    canonicalization.  Returns (xpath, ns, algorithm, prefixes) or None if not expressible."""
    from lxml import etree
    DSN = "http://www.w3.org/2000/09/xmldsig#"
    doc = etree.parse(path, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    sig = doc.getroot() if doc.getroot().tag == "{%s}Signature" % DSN else doc.find(".//{%s}Signature" % DSN)
    ref = sig.findall("{%s}SignedInfo/{%s}Reference" % (DSN, DSN))[n]
    uri = ref.get("URI")
    allnodes = "(//. | //@* | //namespace::*)"
    if uri == "":
        expr = allnodes + "[not(self::comment())]"
    elif uri == "#xpointer(/)":
        expr = allnodes
    else:
        m = re.fullmatch(r"#xpointer\(id\('([^']*)'\)\)|#([A-Za-z_][\w.\-]*)", uri or "")
        if not m:
            return None
        v = m.group(1) or m.group(2)
        e = "(//*[@Id='%s' or @ID='%s' or @id='%s'])[1]" % (v, v, v)
        expr = "(%s/descendant-or-self::node() | %s/descendant-or-self::*/@* | %s/descendant-or-self::*/namespace::*)" % (e, e, e)
        if m.group(2):
            expr += "[not(self::comment())]"
    ns = {}
    alg, prefixes = "c14n10", None
    for t in ref.findall("{%s}Transforms/{%s}Transform" % (DSN, DSN)):
        a = t.get("Algorithm")
        if a == XPATH_T:
            xpel = t.find("{%s}XPath" % DSN)
            filt = " ".join(xpel.xpath("string(.)").split())
            for p, u in xpel.nsmap.items():
                if p and re.search(r"(?<![\w.\-])%s:(?!:)" % re.escape(p), filt):
                    ns[p] = u
            expr += "[%s]" % filt
            alg, prefixes = "c14n10", None
        elif a == ENV_T:
            ns["dsig-env"] = DSN
            expr += "[not(ancestor-or-self::dsig-env:Signature)]"
        elif a in C14N_URIS:
            alg = C14N_URIS[a]
            inc = t.find("{http://www.w3.org/2001/10/xml-exc-c14n#}InclusiveNamespaces")
            prefixes = " ".join(inc.get("PrefixList").split()) if inc is not None else None
        else:
            return None
    return expr, sorted(ns.items()), alg, prefixes


def check_c14n(interop, verbose):
    lx = LibXML2()
    rows = read_tsv(os.path.join(HERE, "c14n_vectors.tsv"))
    ok = bad = skipped = 0
    for r in rows:
        sel, prefixes = split_selection(r["selection"])
        if "DOES NOT match" in r["note"]:
            print("FAIL", r["id"], "digest mismatch recorded in note")
            bad += 1
        if r["outcome"].startswith("skip:"):
            skipped += 1
            continue
        inp = os.path.join(interop, r["input"])
        if sel.startswith("reference:"):
            got = reference_nodeset(inp, int(sel.split(":")[1]))
            if got is None:
                skipped += 1
                continue
            xp, ns, alg, prefixes = got
            if alg != r["algorithm"]:
                print("FAIL", r["id"], "algorithm column %s but the transform chain ends in %s" % (r["algorithm"], alg))
                bad += 1
                continue
        else:
            xp, ns = selection_xpath(sel)
        if r["outcome"] == "reject":
            data, err = lx.c14n(inp, r["algorithm"], xp, ns, prefixes)
            if err:
                ok += 1
                if verbose:
                    print("ok  ", r["id"], "libxml2 fails:", err)
            else:
                bad += 1
                print("FAIL", r["id"], "libxml2 canonicalized a must-fail input")
            continue
        dtd = r["outcome"] == "reject-dtd"
        data, err = lx.c14n(inp, r["algorithm"], xp, ns, prefixes, dtd=dtd)
        want = open(os.path.join(interop, r["expected"]), "rb").read()
        if err is None and data == want:
            ok += 1
            if verbose:
                print("ok  ", r["id"], "(%d bytes%s)" % (len(want), ", DTD processed" if dtd else ""))
        else:
            bad += 1
            print("FAIL", r["id"], err or "bytes differ: got %r... want %r..." % (data[:80], want[:80]))
    print("c14n: %d ok, %d failed, %d not checked (skip rows)" % (ok, bad, skipped))
    return bad == 0


# ------------------------------------------------------------------------------ dsig


def pem_of_embedded(interop, rel, k):
    from lxml import etree
    doc = etree.parse(os.path.join(interop, rel), etree.XMLParser(resolve_entities=False, no_network=True))
    certs = list(doc.iter("{http://www.w3.org/2000/09/xmldsig#}X509Certificate"))
    der = base64.b64decode("".join(certs[k - 1].text.split()))
    b = base64.encodebytes(der).decode().replace("\n", "")
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(b[i:i + 64] for i in range(0, len(b), 64)) + \
        "\n-----END CERTIFICATE-----\n"


def id_attr_args(interop, rel):
    """--id-attr options so that xmlsec1 resolves '#id' references without a DTD."""
    from lxml import etree
    try:
        doc = etree.parse(os.path.join(interop, rel), etree.XMLParser(resolve_entities=False, no_network=True))
    except Exception:
        return []
    out = []
    uris = {r.get("URI")[1:] for r in doc.iter("{http://www.w3.org/2000/09/xmldsig#}Reference")
            if (r.get("URI") or "").startswith("#") and "(" not in r.get("URI")}
    uris |= {r.get("URI")[1:] for r in doc.iter("{http://www.w3.org/2000/09/xmldsig#}RetrievalMethod")
             if (r.get("URI") or "").startswith("#")}
    uris |= {r.get("URI")[1:] for r in doc.iter("{http://www.w3.org/2009/xmldsig11#}KeyInfoReference")
             if (r.get("URI") or "").startswith("#")}
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for a in ("ID", "Id", "id", "AssertionID"):
            if el.get(a) in uris:
                qn = etree.QName(el)
                opt = ["--id-attr:" + a, (qn.namespace + ":" if qn.namespace else "") + qn.localname]
                if opt not in [out[i:i + 2] for i in range(0, len(out), 2)]:
                    out += opt
    return out


def check_dsig(interop, verbose):
    rows = read_tsv(os.path.join(HERE, "dsig_vectors.tsv"))
    agree = disagree = skipped = 0
    tmp = tempfile.mkdtemp()
    for r in rows:
        key = dict(p.split(":", 1) if ":" in p else (p, "") for p in r["key"].split(";"))
        kind = r["key"].split(";")[0].split(":")[0]
        args = ["xmlsec1", "verify", "--X509-skip-strict-checks",
                "--enabled-reference-uris", "empty,same-doc,local,remote"]
        keyfile = None
        if kind == "cert":
            keyfile = key["cert"].split(",")[0]
        elif "pin" in key:
            keyfile = key["pin"]
        if kind == "hmac":
            hf = os.path.join(tmp, "hmac.bin")
            open(hf, "w").write(key["hmac"])
            args += ["--hmackey", hf]
        elif keyfile:
            if keyfile.startswith("embedded#"):
                pf = os.path.join(tmp, "pin.pem")
                open(pf, "w").write(pem_of_embedded(interop, r["file"], int(keyfile[9:])))
                path = pf
            else:
                path = os.path.join(interop, keyfile)
            data = open(path, "rb").read()
            fmt = "pem" if b"-----BEGIN" in data else "der"
            args += ["--pubkey-cert-" + fmt, path]
        else:
            skipped += 1
            continue
        for m in re.finditer(r"urlmap=(\S+)=>(\S+?)(?:;|$)", r["note"]):
            args += ["--url-map:" + m.group(1), os.path.join(interop, m.group(2))]
        if "hmac-min-40-bits" in r["key"]:
            args += ["--hmac-min-out-len", "40"]
        if "asn1-ecdsa-signature" in r["key"]:
            args += ["--enable-asn1-signatures-hack"]
        args += id_attr_args(interop, r["file"])
        full = os.path.join(interop, r["file"])
        raw = open(full, "rb").read()
        # xmlsec1 resolves relative reference URIs against the working directory: xmlsec's own
        # vectors that say URI="tests/..." expect the xmlsec root, all others their own folder
        cwd = os.path.join(interop, r["file"].split("/")[0]) if b'URI="tests/' in raw else os.path.dirname(full)
        args.append(full)
        p = subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        got = "valid" if p.returncode == 0 else "invalid"
        tag = "agree" if got == r["expected"] else "DIFF "
        if got == r["expected"]:
            agree += 1
        else:
            disagree += 1
        if verbose or got != r["expected"]:
            err = p.stderr.decode(errors="replace").strip().splitlines()
            print(tag, r["id"], "expected", r["expected"], "xmlsec1(bare key)", got, "|", r["category"],
                  "|", (err[-2] if len(err) > 1 else (err[-1] if err else ""))[:160])
    print("dsig: %d agree, %d differ, %d without a usable key" % (agree, disagree, skipped))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interop", default=os.environ.get("INTEROP_DIR") or
                    os.path.normpath(os.path.join(REPO, "..", "shared", "interop")))
    ap.add_argument("--c14n", action="store_true")
    ap.add_argument("--dsig", action="store_true")
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    if not a.c14n and not a.dsig:
        a.c14n = a.dsig = True
    ok = True
    if a.c14n:
        ok = check_c14n(a.interop, a.v) and ok
    if a.dsig:
        check_dsig(a.interop, a.v)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
