#!/usr/bin/env bash
# Regenerates every key and certificate fixture in this folder with the openssl CLI.
#
# The keys are random, so a rerun produces different files (and a different fingerprints.txt);
# CI does not regenerate these. Run it by hand when the fixtures must change, then rerun
# `cargo test` (the tests read fingerprints.txt, which this script writes from openssl's output).
#
# Validity dates are fixed (2024-01-01 .. 2036-01-01, expired one 2020-01-01 .. 2021-01-01) and
# serial numbers are fixed per file. `openssl req -x509 -not_before` needs OpenSSL 3.4+, so the
# certificates are self-signed with `openssl ca -selfsign -startdate/-enddate`, which OpenSSL 1.1
# and 3.x all support. (fingerprints.txt uses `-dateopt iso_8601`, OpenSSL 3.0+.)
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
keyUsage               = critical, digitalSignature
subjectKeyIdentifier   = hash
CNF

# genkey NAME ALGORITHM-ARGS... : PKCS#8 PEM private key (unencrypted) in NAME.key
genkey() {
    local name="$1"; shift
    openssl genpkey "$@" -out "$name.key" 2>/dev/null
    # genpkey already writes PKCS#8 ("BEGIN PRIVATE KEY"); normalise through pkcs8 -topk8 anyway.
    openssl pkcs8 -topk8 -nocrypt -in "$name.key" -out "$work/$name.p8"
    mv "$work/$name.p8" "$name.key"
}

# selfsign KEY CERT CN SERIAL START END : self-signed certificate with fixed dates and serial
selfsign() {
    local key="$1" crt="$2" cn="$3" serial="$4" start="$5" end="$6"
    rm -rf "$work/new" "$work/index.txt"*
    mkdir -p "$work/new"
    : >"$work/index.txt"
    echo "$serial" >"$work/serial"
    openssl req -new -key "$key" -subj "/CN=$cn/O=samlguard tests/C=US" -out "$work/req.csr"
    openssl ca -batch -config "$work/ca.cnf" -selfsign -keyfile "$key" -in "$work/req.csr" \
        -startdate "$start" -enddate "$end" -notext -out "$crt" 2>/dev/null
}

rm -f ./*.key ./*.crt ./*.der ./*.pem ./*.sig fingerprints.txt message.txt

START=20240101000000Z
END=20360101000000Z

genkey rsa1024 -algorithm RSA -pkeyopt rsa_keygen_bits:1024
genkey rsa2048 -algorithm RSA -pkeyopt rsa_keygen_bits:2048
genkey rsa3072 -algorithm RSA -pkeyopt rsa_keygen_bits:3072
genkey rsa4096 -algorithm RSA -pkeyopt rsa_keygen_bits:4096
genkey rsa2048-clone -algorithm RSA -pkeyopt rsa_keygen_bits:2048
genkey ec256 -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve
genkey ec384 -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -pkeyopt ec_param_enc:named_curve
genkey ed25519 -algorithm ED25519
# The ec256 key without the public key inside (ring refuses such PKCS#8 keys; the tests check the message).
openssl ec -in ec256.key -no_public 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out ec256-nopub.key

selfsign rsa1024.key rsa1024.crt samlguard-test-rsa1024 1024 "$START" "$END"
selfsign rsa2048.key rsa2048.crt samlguard-test-rsa2048 2048 "$START" "$END"
selfsign rsa3072.key rsa3072.crt samlguard-test-rsa3072 3072 "$START" "$END"
selfsign rsa4096.key rsa4096.crt samlguard-test-rsa4096 4096 "$START" "$END"
selfsign ec256.key ec256.crt samlguard-test-ec256 0256 "$START" "$END"
selfsign ec384.key ec384.crt samlguard-test-ec384 0384 "$START" "$END"
selfsign ed25519.key ed25519.crt samlguard-test-ed25519 2551 "$START" "$END"
# The attacker's certificate: same subject as rsa2048.crt, its own key.
selfsign rsa2048-clone.key rsa2048-clone.crt samlguard-test-rsa2048 2049 "$START" "$END"
# The rsa2048 key again, in a certificate that expired on 2021-01-01.
selfsign rsa2048.key rsa2048-expired.crt samlguard-test-rsa2048 2020 20200101000000Z 20210101000000Z

openssl x509 -in rsa2048.crt -outform DER -out rsa2048.der
cat rsa2048.crt ec256.crt >bundle.pem

# Signatures made by openssl over message.txt, so the tests check ring against another
# implementation. ECDSA ones are DER (ECDSA-Sig-Value) as openssl writes them; the tests turn them
# into the r||s form XML-DSig uses.
printf 'samlguard test message\n' >message.txt
openssl dgst -sha1 -sign rsa2048.key -out rsa2048-sha1.sig message.txt
openssl dgst -sha256 -sign rsa2048.key -out rsa2048-sha256.sig message.txt
openssl dgst -sha256 -sign rsa2048.key -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest \
    -sigopt rsa_mgf1_md:sha256 -out rsa2048-pss-sha256.sig message.txt
openssl dgst -sha256 -sign rsa1024.key -out rsa1024-sha256.sig message.txt
for ec in ec256 ec384; do
    for md in sha256 sha384; do
        openssl dgst -"$md" -sign "$ec.key" -out "$ec-$md.sig" message.txt
    done
done

{
    echo "# FILE SHA256-FINGERPRINT SERIAL NOT-BEFORE NOT-AFTER (written by generate.sh from openssl x509 output)"
    for crt in rsa1024 rsa2048 rsa3072 rsa4096 rsa2048-clone rsa2048-expired ec256 ec384 ed25519; do
        fp="$(openssl x509 -in "$crt.crt" -noout -fingerprint -sha256 | sed 's/^.*Fingerprint=//')"
        serial="$(openssl x509 -in "$crt.crt" -noout -serial | sed 's/^serial=//')"
        nb="$(openssl x509 -in "$crt.crt" -noout -startdate -dateopt iso_8601 | sed 's/^notBefore=//')"
        na="$(openssl x509 -in "$crt.crt" -noout -enddate -dateopt iso_8601 | sed 's/^notAfter=//')"
        echo "$crt.crt $fp $serial ${nb/ /T} ${na/ /T}"
    done
} >fingerprints.txt

echo "generate.sh: wrote $(ls | grep -cv -e '^generate.sh$' -e '^README.md$') files with $(openssl version)"
