#!/usr/bin/env bash
# Regenerates the certificate-doctor fixtures (`samlguard cert check`, tests/doctor.rs,
# tests/cli_cert.rs) with the openssl CLI. README.md beside this script lists every file and the
# finding it produces.
#
# The keys are random, so a rerun changes every file; CI does not regenerate and compare these.
# Run it by hand when the fixtures must change (OpenSSL 3.0 or later, with the legacy provider for
# the RC2-40 PKCS#12 file), then rerun `cargo test --test doctor --test cli_cert`.
#
# Validity windows are fixed dates chosen around the tests' fixed clock, NOW = 2030-06-01T00:00:00Z
# (`--now 2030-06-01T00:00:00Z`). `openssl req -x509 -not_before` needs OpenSSL 3.4+, so every
# certificate is issued with `openssl ca -startdate/-enddate`, which 3.0 has.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
command -v openssl >/dev/null || { echo "generate.sh: openssl not found" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

PASSWORD=samlguard-doctor
O="/O=samlguard doctor tests/C=US"
ROOT_SUBJECT="/CN=samlguard Doctor Root CA$O"
INTERMEDIATE_SUBJECT="/CN=samlguard Doctor Issuing CA$O"

# Normal windows: CAs 2025..2045 and 2025..2040, leaves 2025..2035 (all valid at NOW).
CA_START=20250101000000Z
ROOT_END=20450101000000Z
INTERMEDIATE_END=20400101000000Z
LEAF_START=20250101000000Z
LEAF_END=20350101000000Z

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

[ policy_any ]
commonName             = supplied
organizationName       = optional
countryName            = optional

[ root_ext ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash

[ intermediate_ext ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid

# A TLS server certificate as a CA issues it: SAN with the CN and a second host, both EKUs.
[ leaf_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth, clientAuth
subjectAltName         = DNS:sso.example.com, DNS:admin.example.com
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid

[ wildcard_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth, clientAuth
subjectAltName         = DNS:*.example.com
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid

# The SAN lists sso.example.com only; the CN (legacy.example.com) is not in it.
[ cn_not_in_san_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth, clientAuth
subjectAltName         = DNS:sso.example.com
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid

# No SAN at all: only the CN names the host.
[ no_san_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth, clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid

[ eku_server_only_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:sso.example.com, DNS:admin.example.com
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid

# A private-enterprise OID marked critical: peers that do not know it must refuse the certificate.
[ critical_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth, clientAuth
subjectAltName         = DNS:sso.example.com, DNS:admin.example.com
1.3.6.1.4.1.55555.1.1  = critical, ASN1:UTF8String:samlguard-policy
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid

[ selfsigned_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth, clientAuth
subjectAltName         = DNS:sso.example.com, DNS:admin.example.com
subjectKeyIdentifier   = hash
CNF

# rsakey NAME BITS : unencrypted PKCS#8 RSA key in NAME.key
rsakey() {
    openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$2" -out "$1.key" 2>/dev/null
}

# issue KEY SUBJECT EXTENSIONS SIGNER-KEY SIGNER-CERT SERIAL START END OUT [MD]
# A certificate for KEY, signed by SIGNER (or self-signed when SIGNER-CERT is "self").
issue() {
    local key="$1" subject="$2" ext="$3" signer_key="$4" signer_crt="$5" serial="$6" start="$7" end="$8"
    local out="$9" md="${10:-sha256}"
    rm -rf "$work/new" "$work/index.txt"*
    mkdir -p "$work/new"
    : >"$work/index.txt"
    echo "$serial" >"$work/serial"
    openssl req -new -key "$key" -subj "$subject" -out "$work/req.csr"
    if [ "$signer_crt" = self ]; then
        openssl ca -batch -config "$work/ca.cnf" -selfsign -keyfile "$key" -in "$work/req.csr" \
            -extensions "$ext" -md "$md" -startdate "$start" -enddate "$end" -notext -out "$out" 2>/dev/null
    else
        openssl ca -batch -config "$work/ca.cnf" -keyfile "$signer_key" -cert "$signer_crt" \
            -in "$work/req.csr" -extensions "$ext" -md "$md" -startdate "$start" -enddate "$end" \
            -notext -out "$out" 2>/dev/null
    fi
}

# leaf KEY CN EXT SERIAL OUT [START END MD] : a leaf issued by the intermediate CA
leaf() {
    issue "$1" "/CN=$2$O" "$3" intermediate-ca.key intermediate-ca.crt "$4" "${6:-$LEAF_START}" \
        "${7:-$LEAF_END}" "$5" "${8:-sha256}"
}

# with_chain LEAF-CERT OUT : the leaf, then the intermediate, then the root (the right order)
with_chain() {
    cat "$1" intermediate-ca.crt root-ca.crt >"$2"
}

rm -f ./*.key ./*.crt ./*.pem ./*.der ./*.p12 ./*.txt

# --- the CA hierarchy ---------------------------------------------------------------------------
rsakey root-ca 3072
rsakey intermediate-ca 2048
rsakey impostor-ca 2048
issue root-ca.key "$ROOT_SUBJECT" root_ext - self 1000 "$CA_START" "$ROOT_END" root-ca.crt
issue intermediate-ca.key "$INTERMEDIATE_SUBJECT" intermediate_ext root-ca.key root-ca.crt 2000 \
    "$CA_START" "$INTERMEDIATE_END" intermediate-ca.crt
# Same subject as the issuing CA, another key: names match, signatures do not.
issue impostor-ca.key "$INTERMEDIATE_SUBJECT" intermediate_ext root-ca.key root-ca.crt 2001 \
    "$CA_START" "$INTERMEDIATE_END" impostor-ca.crt

# --- the good leaf and its chain ------------------------------------------------------------------
rsakey leaf 2048
leaf leaf.key sso.example.com leaf_ext 3000 leaf.crt
openssl x509 -in leaf.crt -outform DER -out leaf.der
with_chain leaf.crt chain.pem
cat root-ca.crt intermediate-ca.crt leaf.crt >chain-wrong-order.pem
cat leaf.crt root-ca.crt >chain-missing-intermediate.pem
cat leaf.crt impostor-ca.crt root-ca.crt >chain-impostor-intermediate.pem

# The chain as `openssl pkcs12 -nokeys` prints it: attribute text before each block, a blank line
# between blocks and a comment after the last one.
{
    echo "Bag Attributes"
    echo "    friendlyName: sso.example.com"
    echo "subject=CN = sso.example.com, O = samlguard doctor tests, C = US"
    cat leaf.crt
    echo
    cat intermediate-ca.crt root-ca.crt
    echo "# exported by the admin console"
} >chain-with-text.pem

# --- validity -------------------------------------------------------------------------------------
leaf leaf.key sso.example.com leaf_ext 3001 "$work/c.crt" 20250101000000Z 20300101000000Z
with_chain "$work/c.crt" expired.pem
leaf leaf.key sso.example.com leaf_ext 3002 "$work/c.crt" 20310101000000Z 20350101000000Z
with_chain "$work/c.crt" not-yet-valid.pem
leaf leaf.key sso.example.com leaf_ext 3003 "$work/c.crt" 20250101000000Z 20300615000000Z
with_chain "$work/c.crt" expires-soon.pem

# --- keys: size and match -------------------------------------------------------------------------
rsakey rsa1024 1024
leaf rsa1024.key sso.example.com leaf_ext 3004 "$work/c.crt"
with_chain "$work/c.crt" rsa1024.pem
rsakey other 2048

# --- names and extensions -------------------------------------------------------------------------
leaf leaf.key '*.example.com' wildcard_ext 3005 "$work/c.crt"
with_chain "$work/c.crt" wildcard.pem
leaf leaf.key legacy.example.com cn_not_in_san_ext 3006 "$work/c.crt"
with_chain "$work/c.crt" cn-not-in-san.pem
leaf leaf.key sso.example.com no_san_ext 3007 "$work/c.crt"
with_chain "$work/c.crt" no-san.pem
leaf leaf.key sso.example.com eku_server_only_ext 3008 "$work/c.crt"
with_chain "$work/c.crt" eku-server-only.pem
leaf leaf.key sso.example.com critical_ext 3009 "$work/c.crt"
with_chain "$work/c.crt" critical-extension.pem
leaf leaf.key sso.example.com leaf_ext 3010 "$work/c.crt" "$LEAF_START" "$LEAF_END" sha1
with_chain "$work/c.crt" sha1.pem
issue leaf.key "/CN=sso.example.com$O" selfsigned_ext - self 3011 "$LEAF_START" "$LEAF_END" self-signed.pem

# --- EC keys --------------------------------------------------------------------------------------
# `openssl ecparam -genkey` writes an EC PARAMETERS block before the SEC1 EC PRIVATE KEY block.
openssl ecparam -name prime256v1 -genkey -out ec256.key
leaf ec256.key sso.example.com leaf_ext 3012 "$work/c.crt"
with_chain "$work/c.crt" ec256.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out ec384.key
leaf ec384.key sso.example.com leaf_ext 3013 "$work/c.crt"
with_chain "$work/c.crt" ec384.pem
openssl ec -in ec384.key -aes256 -passout "pass:$PASSWORD" -out ec384-legacy-aes256.key 2>/dev/null

# --- the leaf key in every format ------------------------------------------------------------------
openssl rsa -in leaf.key -traditional -out leaf-pkcs1.key 2>/dev/null
openssl pkcs8 -topk8 -in leaf.key -passout "pass:$PASSWORD" -out leaf-pkcs8-aes256.key
openssl pkcs8 -topk8 -in leaf.key -v2 des3 -passout "pass:$PASSWORD" -out leaf-pkcs8-des3.key
openssl pkcs8 -topk8 -in leaf.key -v1 PBE-SHA1-3DES -passout "pass:$PASSWORD" -out leaf-pkcs8-pbe-sha1-3des.key
openssl rsa -in leaf.key -traditional -des3 -passout "pass:$PASSWORD" -out leaf-legacy-des3.key 2>/dev/null
openssl rsa -in leaf.key -traditional -aes128 -passout "pass:$PASSWORD" -out leaf-legacy-aes128.key 2>/dev/null
openssl rsa -in leaf.key -traditional -aes256 -passout "pass:$PASSWORD" -out leaf-legacy-aes256.key 2>/dev/null
# The leaf certificate with its key pasted above it, as administrators combine them.
cat leaf.key chain.pem >leaf-with-key.pem

# --- PKCS#12 ---------------------------------------------------------------------------------------
cat intermediate-ca.crt root-ca.crt >"$work/cas.pem"
# OpenSSL 3 defaults: PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), HMAC-SHA256 MAC.
openssl pkcs12 -export -in leaf.crt -inkey leaf.key -certfile "$work/cas.pem" -name sso.example.com \
    -passout "pass:$PASSWORD" -out leaf-aes.p12
# -legacy: certificates under pbeWithSHA1And40BitRC2-CBC, key under pbeWithSHA1And3-KeyTripleDES-CBC,
# SHA-1 MAC (what OpenSSL 1.x wrote; needs the legacy provider).
openssl pkcs12 -export -legacy -in leaf.crt -inkey leaf.key -certfile "$work/cas.pem" -name sso.example.com \
    -passout "pass:$PASSWORD" -out leaf-legacy-rc2.p12
# Both under pbeWithSHA1And3-KeyTripleDES-CBC, SHA-1 MAC (Windows and Java exports).
openssl pkcs12 -export -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1 -in leaf.crt -inkey leaf.key \
    -certfile "$work/cas.pem" -name sso.example.com -passout "pass:$PASSWORD" -out leaf-3des.p12

# --- what cannot be used ---------------------------------------------------------------------------
openssl genpkey -algorithm X25519 -out x25519.key
openssl req -new -key leaf.key -subj "/CN=sso.example.com$O" -out request.csr.pem
printf 'This is not a certificate.\nPaste the PEM text, from -----BEGIN to -----END.\n' >not-a-certificate.txt

echo "generate.sh: wrote $(ls | grep -cv -e '^generate.sh$' -e '^README.md$') files with $(openssl version)"
