#!/bin/sh
# Regenerates idp-metadata.xml from the test IdP certificate (../keys/rsa2048.der). Deterministic:
# `./generate.sh --check` writes it to a temporary file and compares (tests/logout.rs runs that, so a
# hand-edited fixture fails the tests).
set -eu
cd "$(dirname "$0")"
out=idp-metadata.xml
if [ "${1:-}" = "--check" ]; then
    out=$(mktemp)
    trap 'rm -f "$out"' EXIT
fi
cert=$(base64 -w0 ../keys/rsa2048.der)
cat > "$out" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<!-- The test IdP of the AuthnRequest and Single Logout tests: signs with ../keys/rsa2048.key. Written by generate.sh. -->
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.com/metadata">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>${cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/saml/slo"/>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/saml/slo/post"/>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/saml/sso"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/saml/sso/post"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
XML
if [ "${1:-}" = "--check" ]; then
    if ! cmp -s "$out" idp-metadata.xml; then
        echo "testdata/logout/idp-metadata.xml differs from what generate.sh writes; rerun ./generate.sh" >&2
        diff "$out" idp-metadata.xml >&2 || true
        exit 1
    fi
fi
