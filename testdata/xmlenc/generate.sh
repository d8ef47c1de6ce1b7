#!/usr/bin/env bash
# The SP decryption key pairs of the XML-Encryption tests (tests/xmlenc.rs, tests/xmlenc_xmlsec1.rs),
# made with the openssl CLI.
#
#   sp.key / sp.crt           the SP's RSA-2048 key (PKCS#8 PEM) and its self-signed certificate,
#                             2024-01-01 .. 2036-01-01: assertions are encrypted to it
#   sp-pkcs1.key              the same key as a traditional PKCS#1 "RSA PRIVATE KEY"
#   other.key / other.crt     another RSA-2048 pair: "encrypted for another SP" / "wrong SP key"
#   sp-4096.key / sp-4096.crt an RSA-4096 pair (the largest size IdPs are seen to encrypt to)
#   sp.toml                   an SP configuration whose [sp] private_key is sp.key (the CLI tests)
#
# The keys are random: a rerun changes every file here; the tests make their encrypted responses at
# run time (xmlsec1 --encrypt, or the test's own encryptor) and so need nothing regenerated.
# The certificates are self-signed with `openssl ca -selfsign -startdate/-enddate` (OpenSSL 1.1 and 3.x)
# so that their validity dates are fixed, as ../keys/generate.sh explains.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
command -v openssl >/dev/null || { echo "generate.sh: openssl not found" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

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

# pair NAME BITS CN SERIAL: NAME.key (PKCS#8 PEM) and NAME.crt (self-signed, fixed dates)
pair() {
    local name="$1" bits="$2" cn="$3" serial="$4"
    openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$bits" -out "$work/$name.raw" 2>/dev/null
    openssl pkcs8 -topk8 -nocrypt -in "$work/$name.raw" -out "$name.key"
    rm -rf "$work/new" "$work/index.txt"*
    mkdir -p "$work/new"
    : >"$work/index.txt"
    echo "$serial" >"$work/serial"
    openssl req -new -key "$name.key" -subj "/CN=$cn/O=samlguard tests/C=US" -out "$work/req.csr"
    openssl ca -batch -config "$work/ca.cnf" -selfsign -keyfile "$name.key" -in "$work/req.csr" \
        -startdate 20240101000000Z -enddate 20360101000000Z -notext -out "$name.crt" 2>/dev/null
}

rm -f ./*.key ./*.crt sp.toml

pair sp 2048 "sp.example.com encryption" 1001
pair other 2048 "other-sp.example.com encryption" 1002
pair sp-4096 4096 "sp.example.com encryption 4096" 1003
# The same SP key in the traditional OpenSSL form (PKCS#1), as crewjam's and node-saml's keys are.
openssl rsa -in sp.key -traditional -out sp-pkcs1.key 2>/dev/null

cat >sp.toml <<'TOML'
# The SP of the XML-Encryption CLI tests: its key pair signs (metadata, AuthnRequests) and decrypts
# (EncryptedAssertion, EncryptedID, EncryptedAttribute). The IdP is ../keys/rsa2048.
[sp]
entity_id = "https://sp.example.com/saml/metadata"
acs_url = "https://sp.example.com/saml/acs"
certificate = "sp.crt"
private_key = "sp.key"

[idp]
entity_id = "https://idp.example.com/metadata"
certificates = ["../keys/rsa2048.crt"]
TOML
echo "generate.sh: wrote $(ls | tr '\n' ' ')"
