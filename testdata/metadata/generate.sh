#!/usr/bin/env bash
# The `samlguard metadata idp|sp` fixtures: IdP certificates made by openssl with fixed validity
# windows, IdP metadata files built from them, one of them signed by xmlsec1, and SP configuration files.
#
#   ./generate.sh              new keys and certificates, then everything else (random keys: the
#                              certificates, fingerprints and metadata all change; rerun cargo test)
#   ./generate.sh --metadata   only the metadata, configuration and fingerprints files, from the
#                              certificates and keys already here (deterministic)
#   ./generate.sh --check      rebuilds those files in a temporary folder and compares them with the
#                              ones here; exit 1 when one differs (tests/metadata.rs runs this)
#
# The timeline the tests judge at (--now 2026-02-15T00:00:00Z):
#
#   idp-2023.crt      2023-03-01 .. 2026-03-01  the IdP's current signing certificate, expires in 14 days
#   idp-2026.crt      2026-01-15 .. 2029-01-15  the IdP's next signing certificate, already published
#   idp-encryption.crt 2024-01-01 .. 2034-01-01 the IdP's encryption certificate (use="encryption")
#   legacy-idp.crt    2020-06-01 .. 2023-06-01  an IdP whose only certificate has expired
#   partner-idp.crt   2025-01-01 .. 2030-01-01  a second IdP in the federation file
#   sp.crt, sp.key    2025-06-01 .. 2035-06-01  the SP's own certificate and PKCS#8 key
#
# Only the keys the tests still need are kept: idp-2023.key (it signs idp-rollover-signed.xml) and
# sp.key (`metadata sp --sign`). Serial numbers are fixed per certificate. The certificates are
# self-signed with `openssl ca -selfsign -startdate/-enddate`, as ../keys/generate.sh explains
# (OpenSSL 1.1 and 3.x); fingerprints.txt needs OpenSSL 3.0+ (`-dateopt`); signing needs xmlsec1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
mode="${1:-all}"
case "$mode" in
    all | --metadata | --check) ;;
    *) echo "usage: generate.sh [--metadata | --check]" >&2; exit 2 ;;
esac
for tool in openssl xmlsec1 base64; do
    command -v "$tool" >/dev/null || { echo "generate.sh: $tool not found (apt-get install openssl xmlsec1)" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# ------------------------------------------------------------------------------------------------
# keys and certificates (random keys: only in the default mode)
# ------------------------------------------------------------------------------------------------

cat >"$work/ca.cnf" <<CNF
[ ca ]
default_ca = fixture_ca

[ fixture_ca ]
dir             = $work
database        = $work/index.txt
serial          = $work/serial
new_certs_dir   = $work/new
default_md      = sha256
policy          = policy_any
unique_subject  = no
copy_extensions = none
x509_extensions = leaf_ext

[ policy_any ]
commonName             = supplied
organizationName       = optional
countryName            = optional

[ leaf_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
subjectKeyIdentifier   = hash
CNF

# cert NAME SUBJECT SERIAL START END : a new RSA-2048 PKCS#8 key in $work/NAME.key and the
# self-signed NAME.crt with fixed dates and serial
cert() {
    local name="$1" subject="$2" serial="$3" start="$4" end="$5"
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/$name.key" 2>/dev/null
    rm -rf "$work/new" "$work/index.txt"*
    mkdir -p "$work/new"
    : >"$work/index.txt"
    echo "$serial" >"$work/serial"
    openssl req -new -key "$work/$name.key" -subj "$subject" -out "$work/req.csr"
    openssl ca -batch -config "$work/ca.cnf" -selfsign -keyfile "$work/$name.key" -in "$work/req.csr" \
        -startdate "$start" -enddate "$end" -notext -out "$name.crt" 2>/dev/null
}

if [ "$mode" = all ]; then
    rm -f ./*.crt ./*.key
    cert idp-2023 "/CN=idp.example.com signing 2023/O=Example IdP/C=US" 2023 20230301000000Z 20260301000000Z
    cert idp-2026 "/CN=idp.example.com signing 2026/O=Example IdP/C=US" 2026 20260115000000Z 20290115000000Z
    cert idp-encryption "/CN=idp.example.com encryption/O=Example IdP/C=US" 0E01 20240101000000Z 20340101000000Z
    cert legacy-idp "/CN=legacy-idp.example.org/O=Legacy IdP/C=US" 2020 20200601000000Z 20230601000000Z
    cert partner-idp "/CN=idp.partner.example/O=Partner IdP/C=DE" 0A01 20250101000000Z 20300101000000Z
    cert sp "/CN=sp.example.com/O=Example SP/C=US" 05B0 20250601000000Z 20350601000000Z
    openssl pkcs8 -topk8 -nocrypt -in "$work/idp-2023.key" -out idp-2023.key
    openssl pkcs8 -topk8 -nocrypt -in "$work/sp.key" -out sp.key
fi

# ------------------------------------------------------------------------------------------------
# metadata, configuration and fingerprints (deterministic from the certificates and keys)
# ------------------------------------------------------------------------------------------------

if [ "$mode" = --check ]; then out="$work/out"; mkdir -p "$out"; else out="$here"; fi

# b64 NAME : the certificate's DER as one base64 line
b64() {
    openssl x509 -in "$1.crt" -outform DER | base64 -w0
}

# keydescriptor USE NAME : a KeyDescriptor (USE empty: no use attribute, which means both)
keydescriptor() {
    local use="$1" name="$2" attr=""
    [ -n "$use" ] && attr=" use=\"$use\""
    cat <<XML
    <md:KeyDescriptor$attr>
      <ds:KeyInfo>
        <ds:X509Data>
          <ds:X509Certificate>$(b64 "$name")</ds:X509Certificate>
        </ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
XML
}

# example_idp_body : the IDPSSODescriptor of https://idp.example.com/metadata during its rollover
example_idp_body() {
    cat <<XML
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
$(keydescriptor signing idp-2023)
$(keydescriptor signing idp-2026)
$(keydescriptor encryption idp-encryption)
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/saml/slo"/>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/saml/sso"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/saml/sso/post"/>
  </md:IDPSSODescriptor>
XML
}

NS='xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"'

# 1. The rollover: the current certificate (expires 2026-03-01) and the next one, both use="signing".
{
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo "<md:EntityDescriptor $NS entityID=\"https://idp.example.com/metadata\" ID=\"_idp-example-com\" validUntil=\"2027-01-01T00:00:00Z\">"
    example_idp_body
    echo '</md:EntityDescriptor>'
} >"$out/idp-rollover.xml"

# 2. The same metadata signed by the IdP's current key (idp-2023), by xmlsec1: an enveloped signature,
#    first child of EntityDescriptor, exclusive C14N, RSA-SHA256, the signer's certificate in KeyInfo.
{
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo "<md:EntityDescriptor $NS entityID=\"https://idp.example.com/metadata\" ID=\"_idp-example-com\" validUntil=\"2027-01-01T00:00:00Z\">"
    cat <<'XML'
  <ds:Signature>
    <ds:SignedInfo>
      <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
      <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
      <ds:Reference URI="#_idp-example-com">
        <ds:Transforms>
          <ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
          <ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
        </ds:Transforms>
        <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
        <ds:DigestValue></ds:DigestValue>
      </ds:Reference>
    </ds:SignedInfo>
    <ds:SignatureValue></ds:SignatureValue>
    <ds:KeyInfo>
      <ds:X509Data>
        <ds:X509Certificate></ds:X509Certificate>
      </ds:X509Data>
    </ds:KeyInfo>
  </ds:Signature>
XML
    example_idp_body
    echo '</md:EntityDescriptor>'
} >"$work/template.xml"
xmlsec1 --sign --privkey-pem idp-2023.key,idp-2023.crt \
    --id-attr:ID urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor \
    --output "$out/idp-rollover-signed.xml" "$work/template.xml" 2>"$work/xmlsec1.log" \
    || { cat "$work/xmlsec1.log" >&2; exit 1; }

# 3. One certificate, in a KeyDescriptor without `use` (signing and encryption).
{
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo "<md:EntityDescriptor $NS entityID=\"https://idp.example.com/metadata\">"
    echo '  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
    keydescriptor "" idp-2026
    cat <<'XML'
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/saml/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
XML
} >"$out/idp-single.xml"

# 4. An IdP whose only signing certificate expired on 2023-06-01.
{
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo "<md:EntityDescriptor $NS entityID=\"https://legacy-idp.example.org/saml2/idp\">"
    echo '  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
    keydescriptor signing legacy-idp
    cat <<'XML'
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://legacy-idp.example.org/saml2/idp/SSOService"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
XML
} >"$out/idp-expired.xml"

# 5. A federation file: two IdPs and one SP (which `metadata idp` skips).
{
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo "<md:EntitiesDescriptor $NS Name=\"urn:example:federation\">"
    echo '  <md:EntityDescriptor entityID="https://idp.example.com/metadata">'
    echo '  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
    keydescriptor signing idp-2026
    cat <<'XML'
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/saml/sso"/>
  </md:IDPSSODescriptor>
  </md:EntityDescriptor>
  <md:EntityDescriptor entityID="https://idp.partner.example/idp">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
XML
    keydescriptor signing partner-idp
    cat <<'XML'
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.partner.example/idp/sso"/>
  </md:IDPSSODescriptor>
  </md:EntityDescriptor>
  <md:EntityDescriptor entityID="https://sp.example.com/saml/metadata">
  <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
XML
    keydescriptor signing sp
    cat <<'XML'
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://sp.example.com/saml/acs" index="0"/>
  </md:SPSSODescriptor>
  </md:EntityDescriptor>
</md:EntitiesDescriptor>
XML
} >"$out/federation.xml"

# 6. SP configurations: one that trusts only the IdP's current certificate (the SP that has not yet
#    imported the next one), one that trusts both. Both carry the SP's own certificate and key.
sp_config() {
    local trusted="$1" comment="$2"
    cat <<TOML
# $comment
# Written by generate.sh. Relative paths resolve against this file's folder.

[sp]
entity_id = "https://sp.example.com/saml/metadata"
acs_url = "https://sp.example.com/saml/acs"
allowed_name_id_formats = ["urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"]
want_assertions_signed = true
certificate = "sp.crt"          # the SP's own certificate (published by \`samlguard metadata sp\`)
private_key = "sp.key"          # its PKCS#8 key: AuthnRequestsSigned="true", and \`metadata sp --sign\`

[idp]
entity_id = "https://idp.example.com/metadata"
certificates = [$trusted]
TOML
}
sp_config '"idp-2023.crt"' "An SP that trusts only the IdP's current certificate: it has not imported idp-2026.crt yet." \
    >"$out/sp-trusts-old.toml"
sp_config '"idp-2023.crt", "idp-2026.crt"' "An SP that trusts both certificates of the IdP's rollover." \
    >"$out/sp-trusts-both.toml"

{
    echo "# FILE SHA256-FINGERPRINT NOT-BEFORE NOT-AFTER SUBJECT (written by generate.sh from openssl x509 output)"
    for crt in idp-2023 idp-2026 idp-encryption legacy-idp partner-idp sp; do
        fp="$(openssl x509 -in "$crt.crt" -noout -fingerprint -sha256 | sed 's/^.*Fingerprint=//')"
        nb="$(openssl x509 -in "$crt.crt" -noout -startdate -dateopt iso_8601 | sed 's/^notBefore=//')"
        na="$(openssl x509 -in "$crt.crt" -noout -enddate -dateopt iso_8601 | sed 's/^notAfter=//')"
        subject="$(openssl x509 -in "$crt.crt" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')"
        echo "$crt.crt $fp ${nb/ /T} ${na/ /T} $subject"
    done
} >"$out/fingerprints.txt"

if [ "$mode" = --check ]; then
    status=0
    for f in "$out"/*; do
        name="$(basename "$f")"
        if ! cmp -s "$f" "$name"; then
            echo "generate.sh --check: $name differs from what generate.sh --metadata writes" >&2
            diff -u "$name" "$f" | head -n 20 >&2 || true
            status=1
        fi
    done
    [ "$status" = 0 ] && echo "generate.sh --check: the metadata fixtures are up to date"
    exit "$status"
fi
echo "generate.sh: wrote $(ls | grep -cv -e '^generate.sh$' -e '^README.md$') files with $(openssl version) and $(xmlsec1 --version)"
