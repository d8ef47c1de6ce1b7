//! XML Encryption: the SAML `EncryptedAssertion`, `EncryptedID` and `EncryptedAttribute`, decrypted with
//! the SP's RSA key (feature `encryption`, on by default).
//!
//! # What is decrypted
//!
//! A SAML encrypted element holds one `xenc:EncryptedData` (the content, encrypted with a fresh AES key)
//! and the `xenc:EncryptedKey` that carries that AES key, encrypted to the SP's RSA public key. The
//! `EncryptedKey` may sit inside the `EncryptedData`'s `ds:KeyInfo`, or beside the `EncryptedData` in the
//! same SAML element, found through a `ds:RetrievalMethod` or the key's `xenc:ReferenceList` (Okta's
//! "detached" form). Keys are looked for nowhere else in the document. Each algorithm comes from one
//! table, by URI:
//!
//! | role | URI | accepted |
//! |---|---|---|
//! | key transport | `http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p` | OAEP, MGF1 with SHA-1; `ds:DigestMethod` SHA-1 (the default) |
//! | key transport | `http://www.w3.org/2009/xmlenc11#rsa-oaep` | OAEP with `ds:DigestMethod` and `xenc11:MGF` both SHA-1 (the defaults), both SHA-256 (`…xmlenc#sha256` + `…xmlenc11#mgf1sha256`), both SHA-384 or both SHA-512 |
//! | key transport | `http://www.w3.org/2001/04/xmlenc#rsa-1_5` | **refused** (Bleichenbacher padding oracles) |
//! | content | `http://www.w3.org/2009/xmlenc11#aes128-gcm`, `#aes192-gcm`, `#aes256-gcm` | 12-byte IV, then the ciphertext, then the 16-byte tag |
//! | content | `http://www.w3.org/2001/04/xmlenc#aes128-cbc`, `#aes192-cbc`, `#aes256-cbc` | 16-byte IV first; ISO 10126 padding (only the last byte is read) |
//! | content | `http://www.w3.org/2001/04/xmlenc#tripledes-cbc` | **refused** (64-bit blocks) |
//!
//! `xenc:OAEPparams` (an OAEP label) is honoured. SHA-1 inside OAEP is not the SHA-1 that
//! [`AlgorithmPolicy`](crate::AlgorithmPolicy) refuses for signatures: OAEP relies on no collision
//! resistance, so it is accepted under every policy.
//!
//! OAEP with *different* hashes for the digest and for MGF1 — `rsa-oaep-mgf1p` with a SHA-256
//! `DigestMethod` (MGF1 stays SHA-1 by definition), or `xmlenc11#rsa-oaep` with only one of the two set to
//! SHA-256 — is legal XML Encryption but is refused with a clear reason (code 13): aws-lc-rs offers OAEP
//! only with the same hash for both (`OAEP_SHA1_MGF1SHA1`, `OAEP_SHA256_MGF1SHA256`, …), and reaching
//! AWS-LC's mixed-hash `EVP_PKEY_CTX` settings would take `unsafe` FFI, which this crate forbids. None of
//! the IdP responses in the shared interop corpus (ADFS, Okta, OneLogin, PingFederate, Shibboleth,
//! samltest.id) uses such a combination (all send `rsa-oaep-mgf1p` with SHA-1); an IdP that does can be
//! configured for one of the accepted ones, which the refusal names.
//!
//! # Why aws-lc-rs
//!
//! RSA decryption must not leak the private key through timing. The pure-Rust `rsa` crate has an open
//! advisory for exactly that (RUSTSEC-2023-0071, the "Marvin" attack: its private-key operation is not
//! constant-time, and the timing of decryption failures is an oracle in the Bleichenbacher / Manger
//! family) and no fixed release. `ring`, which verifies our signatures, has no RSA *decryption* at all.
//! aws-lc-rs exposes AWS-LC, Amazon's fork of BoringSSL: its RSA private-key operation is blinded and
//! constant-time and its OAEP decoding is constant-time, which is what the advisory says the `rsa` crate
//! lacks; aws-lc-rs has no timing advisory. The AWS-LC code base is FIPS 140-3 validated (the `fips`
//! feature of aws-lc-rs; not enabled here, the default build is the same implementation outside the
//! validated boundary). It also provides the AES-GCM and AES-CBC this module needs, so one well-reviewed
//! library does all the decryption, and its API is ring's, which the rest of samlguard already uses.
//! It builds with its own build script and a C compiler (no cmake, Go or NASM for the default
//! non-FIPS build).
//!
//! Considered and not chosen: the RustCrypto `rsa` crate (RUSTSEC-2023-0071, above); `openssl`
//! (a system library with version skew, against the project's "no system C libraries" stance);
//! `ring` (no RSA decryption); `boring` (BoringSSL bindings with a heavier build: cmake and Go). The
//! RustCrypto `aes-gcm`/`cbc` crates would do for AES, but a second implementation of the same
//! primitives buys nothing once AWS-LC is linked.
//!
//! This is the only C code samlguard links, and only with the `encryption` feature; the core builds and
//! validates without it (an encrypted assertion is then refused with code 13, saying why).
//!
//! # Where decryption sits in the pipeline
//!
//! 1. The Response envelope is checked (codes 29, 14, 28, 24, 1) as for any response.
//! 2. When the Response carries its own `ds:Signature`, that signature is verified **before**
//!    anything is decrypted (8 / 15 / 23 on failure): a signed Response whose ciphertext was altered is
//!    refused as altered, and no attacker-made ciphertext under a valid signature ever reaches the key.
//! 3. The `EncryptedAssertion` is decrypted, and its element is replaced by the plaintext in the
//!    document **text**, at the same byte offsets, so that the assertion keeps the namespace context it
//!    was serialised in. The new text is parsed again by the same parser with the same
//!    [`ParseOptions`]; the decrypted content must be exactly one `saml:Assertion` element spanning
//!    exactly the inserted bytes (anything else, such as markup that closes the Response, is a
//!    decryption failure).
//! 4. The full validation runs on the new tree. The assertion's own signature, if any, is verified
//!    there. The Response signature no longer verifies on the new tree (it covered the ciphertext), so
//!    it is not checked again: its result from step 2 stands.
//!
//! **The signature rule after decryption (SPEC "20 vs 23").** The assertion is accepted when its own
//! signature verifies on the decrypted tree, *or* when the Response signature verified in step 2 —
//! that signature covered the `EncryptedAssertion`, ciphertext and key included, so it vouches for the
//! plaintext too (this is how Okta, OneLogin and PingFederate sign when they encrypt). When the Response
//! is unsigned and the decrypted assertion carries no signature, the message carries no signature at
//! all: 20. With `want_assertions_signed`, the decrypted assertion must carry its own signature: 20
//! otherwise. A decrypted assertion whose own signature fails is 8 / 15 / 23 like any other. Most IdPs
//! (ADFS, Shibboleth, Entra ID) sign the assertion before encrypting it, which satisfies both.
//!
//! `EncryptedID` (inside a verified assertion) becomes the NameID, and each `EncryptedAttribute` the
//! `Attribute` it holds; both plaintexts are parsed in the namespace context of the encrypted element.
//!
//! # No decryption oracle
//!
//! Every failure that depends on the key or on the plaintext — an RSA-OAEP decoding error, a content
//! key of the wrong length, a GCM tag mismatch, bad CBC padding, plaintext that is not one well-formed
//! assertion — ends in the same error: code 13, with exactly the same detail ("the encrypted assertion
//! could not be decrypted with the SP key", and the same fix). The path is also made uniform: when no
//! `EncryptedKey` decrypts, a random content key is used and decryption goes on (implicit rejection);
//! the CBC padding byte is checked without a branch, and the plaintext is parsed whether the padding
//! was valid or not, the padding verdict joining the parse verdict at the end. What the detail may
//! name is only what the message itself says, decided before the key is touched: an algorithm that is
//! refused or unknown, a missing `EncryptedKey`, a `CipherValue` that is not base64. (A ciphertext
//! whose length cannot fit its algorithm is public too, but is reported as the one failure, like an
//! algorithm relabelled by an attacker.)
//!
//! AES-CBC is not authenticated: for an *unsigned* Response an attacker can still alter CBC ciphertext
//! and watch whether the result is accepted, which is why the Response signature is checked first and
//! why AES-GCM is listed first in the SP metadata. Signed assertions inside the ciphertext still have to
//! verify, so an altered plaintext is never accepted.

use std::fmt;
use std::sync::Arc;

use aws_lc_rs::{aead, cipher, rsa};
use base64::Engine as _;
use zeroize::Zeroizing;

use crate::cert::der_read;
use crate::cert::{KeyError, PublicKey};
use crate::config::SAML_NS;
use crate::dsig::DSIG_NS;
use crate::error::{Detail, Stage};
use crate::xml::{Document, Element, NodeKind, ParseOptions};

/// The XML Encryption 1.0 namespace (`xenc:`).
pub(crate) const XMLENC_NS: &str = "http://www.w3.org/2001/04/xmlenc#";
/// The XML Encryption 1.1 namespace (`xenc11:`), for `MGF`.
pub(crate) const XMLENC11_NS: &str = "http://www.w3.org/2009/xmlenc11#";

const TYPE_ELEMENT: &str = "http://www.w3.org/2001/04/xmlenc#Element";
const TYPE_CONTENT: &str = "http://www.w3.org/2001/04/xmlenc#Content";
const TYPE_ENCRYPTED_KEY: &str = "http://www.w3.org/2001/04/xmlenc#EncryptedKey";

const RSA_OAEP_MGF1P: &str = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
const RSA_OAEP_11: &str = "http://www.w3.org/2009/xmlenc11#rsa-oaep";
const RSA_1_5: &str = "http://www.w3.org/2001/04/xmlenc#rsa-1_5";
const SHA1_DIGEST: &str = "http://www.w3.org/2000/09/xmldsig#sha1";

/// At most this many `EncryptedKey`s are tried for one `EncryptedData` (each costs an RSA private-key
/// operation; a message must not be able to ask for thousands).
const MAX_ENCRYPTED_KEYS: usize = 4;

// ---------------------------------------------------------------------------------------------
// The algorithm table
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hash {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn name(self) -> &'static str {
        match self {
            Hash::Sha1 => "SHA-1",
            Hash::Sha224 => "SHA-224",
            Hash::Sha256 => "SHA-256",
            Hash::Sha384 => "SHA-384",
            Hash::Sha512 => "SHA-512",
        }
    }
    /// A `ds:DigestMethod` URI.
    fn from_digest_uri(uri: &str) -> Option<Hash> {
        Some(match uri {
            SHA1_DIGEST => Hash::Sha1,
            "http://www.w3.org/2001/04/xmldsig-more#sha224" => Hash::Sha224,
            "http://www.w3.org/2001/04/xmlenc#sha256" => Hash::Sha256,
            "http://www.w3.org/2001/04/xmldsig-more#sha384" => Hash::Sha384,
            "http://www.w3.org/2001/04/xmlenc#sha512" => Hash::Sha512,
            _ => return None,
        })
    }
    /// An `xenc11:MGF` URI.
    fn from_mgf_uri(uri: &str) -> Option<Hash> {
        Some(match uri {
            "http://www.w3.org/2009/xmlenc11#mgf1sha1" => Hash::Sha1,
            "http://www.w3.org/2009/xmlenc11#mgf1sha224" => Hash::Sha224,
            "http://www.w3.org/2009/xmlenc11#mgf1sha256" => Hash::Sha256,
            "http://www.w3.org/2009/xmlenc11#mgf1sha384" => Hash::Sha384,
            "http://www.w3.org/2009/xmlenc11#mgf1sha512" => Hash::Sha512,
            _ => return None,
        })
    }
}

/// The OAEP variants aws-lc-rs offers: one hash for the digest and for MGF1.
fn oaep_algorithm(digest: Hash, mgf: Hash) -> Option<&'static rsa::OaepAlgorithm> {
    match (digest, mgf) {
        (Hash::Sha1, Hash::Sha1) => Some(&rsa::OAEP_SHA1_MGF1SHA1),
        (Hash::Sha256, Hash::Sha256) => Some(&rsa::OAEP_SHA256_MGF1SHA256),
        (Hash::Sha384, Hash::Sha384) => Some(&rsa::OAEP_SHA384_MGF1SHA384),
        (Hash::Sha512, Hash::Sha512) => Some(&rsa::OAEP_SHA512_MGF1SHA512),
        _ => None,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Gcm,
    Cbc,
}

/// A content-encryption algorithm samlguard decrypts.
#[derive(Debug)]
struct ContentAlgorithm {
    uri: &'static str,
    mode: Mode,
    /// The AES key length in bytes.
    key_len: usize,
}

/// Every content algorithm, preferred first (the order SP metadata advertises them in).
static CONTENT_ALGORITHMS: [ContentAlgorithm; 6] = [
    ContentAlgorithm { uri: "http://www.w3.org/2009/xmlenc11#aes256-gcm", mode: Mode::Gcm, key_len: 32 },
    ContentAlgorithm { uri: "http://www.w3.org/2009/xmlenc11#aes192-gcm", mode: Mode::Gcm, key_len: 24 },
    ContentAlgorithm { uri: "http://www.w3.org/2009/xmlenc11#aes128-gcm", mode: Mode::Gcm, key_len: 16 },
    ContentAlgorithm { uri: "http://www.w3.org/2001/04/xmlenc#aes256-cbc", mode: Mode::Cbc, key_len: 32 },
    ContentAlgorithm { uri: "http://www.w3.org/2001/04/xmlenc#aes192-cbc", mode: Mode::Cbc, key_len: 24 },
    ContentAlgorithm { uri: "http://www.w3.org/2001/04/xmlenc#aes128-cbc", mode: Mode::Cbc, key_len: 16 },
];

const GCM_IV_LEN: usize = 12;
const GCM_TAG_LEN: usize = 16;
const BLOCK: usize = 16;

/// The `md:EncryptionMethod`s that SP metadata advertises when the SP can decrypt: the content
/// algorithms (GCM first), then the two OAEP key-transport URIs with their default (SHA-1) hashes, which
/// need no `xenc11:MGF` element. (SHA-256 OAEP is decrypted too, but saying so would take an
/// `xenc11:MGF` child that the SAML metadata schema does not declare.)
pub(crate) fn advertised_methods() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = CONTENT_ALGORITHMS.iter().map(|c| c.uri).collect();
    out.push(RSA_OAEP_11);
    out.push(RSA_OAEP_MGF1P);
    out
}

fn content_algorithm(uri: &str) -> Result<&'static ContentAlgorithm, DecryptionError> {
    if let Some(c) = CONTENT_ALGORITHMS.iter().find(|c| c.uri == uri) {
        return Ok(c);
    }
    let known = CONTENT_ALGORITHMS.iter().map(|c| short(c.uri)).collect::<Vec<_>>().join(", ");
    Err(refused(match uri {
        "http://www.w3.org/2001/04/xmlenc#tripledes-cbc" => format!(
            "the EncryptedData uses Triple-DES (tripledes-cbc), which samlguard refuses (64-bit blocks); \
             configure the IdP to encrypt assertions with AES-GCM or AES-CBC ({known})"
        ),
        _ => format!(
            "the EncryptedData's EncryptionMethod {uri:?} is not a content algorithm samlguard decrypts; \
             configure the IdP to use one of {known}"
        ),
    }))
}

/// The last part of an algorithm URI, for messages.
fn short(uri: &str) -> &str {
    uri.rsplit('#').next().unwrap_or(uri)
}

// ---------------------------------------------------------------------------------------------
// The key
// ---------------------------------------------------------------------------------------------

/// The SP's RSA private key, for decrypting what IdPs encrypt to the SP certificate (`[sp] private_key`
/// in the configuration file: the SP's key pair usually serves both signing and decryption).
///
/// RSA 2048 to 8192 bits, from PKCS#8 (`PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`), PEM or DER. The
/// private operations run in AWS-LC (constant-time; see the module documentation of `xmlenc`).
///
/// ```
/// use samlguard::{Certificate, DecryptionKey};
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/xmlenc/");
/// let key = DecryptionKey::from_pem(&std::fs::read(format!("{dir}sp.key"))?)?;
/// let cert = Certificate::from_pem(&std::fs::read(format!("{dir}sp.crt"))?)?;
/// assert_eq!(&key.public_key(), cert.public_key()); // the pair the SP publishes for encryption
/// assert_eq!(key.bits(), 2048);
/// // The traditional OpenSSL form of the same key is read too.
/// let pkcs1 = DecryptionKey::from_pem(&std::fs::read(format!("{dir}sp-pkcs1.key"))?)?;
/// assert_eq!(pkcs1.public_key(), key.public_key());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct DecryptionKey {
    key: Arc<rsa::OaepPrivateDecryptingKey>,
    public: PublicKey,
}

impl fmt::Debug for DecryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the key material.
        write!(f, "DecryptionKey({})", self.public.describe())
    }
}

const RSA_ENCRYPTION_OID: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const EC_PUBLIC_KEY_OID: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];

impl DecryptionKey {
    /// Loads one PEM block: `PRIVATE KEY` (unencrypted PKCS#8) or `RSA PRIVATE KEY` (PKCS#1). Text
    /// around the block is ignored.
    ///
    /// ```
    /// use samlguard::{DecryptionKey, KeyError};
    /// let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/keys/");
    /// let small = DecryptionKey::from_pem(&std::fs::read(format!("{keys}rsa1024.key"))?).unwrap_err();
    /// assert_eq!(small, KeyError::RsaKeyTooSmall { bits: 1024 });
    /// let ec = DecryptionKey::from_pem(&std::fs::read(format!("{keys}ec256.key"))?).unwrap_err();
    /// assert!(matches!(ec, KeyError::Unsupported { .. })); // RSA key transport needs an RSA key
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn from_pem(pem: &[u8]) -> Result<DecryptionKey, KeyError> {
        let not = |reason: String| KeyError::NotPkcs8 { reason };
        let text = std::str::from_utf8(pem).map_err(|_| not("the PEM file is not UTF-8 text".into()))?;
        let mut blocks = Vec::new();
        let mut rest = text;
        while let Some(i) = rest.find("-----BEGIN ") {
            let after = &rest[i + 11..];
            let label_end = after.find("-----").ok_or_else(|| not("a BEGIN line is not closed".into()))?;
            let label = &after[..label_end];
            let body_start = &after[label_end + 5..];
            let end_marker = format!("-----END {label}-----");
            let j = body_start.find(&end_marker).ok_or_else(|| not(format!("no END line for {label}")))?;
            blocks.push((label.to_string(), &body_start[..j]));
            rest = &body_start[j + end_marker.len()..];
        }
        let [(label, body)] = blocks.as_slice() else {
            return Err(not(format!("expected one PEM block, found {}", blocks.len())));
        };
        let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(compact)
            .map_err(|e| not(format!("the PEM body is not base64: {e}")))?;
        match label.as_str() {
            "PRIVATE KEY" => DecryptionKey::from_pkcs8_der(&der),
            "RSA PRIVATE KEY" => DecryptionKey::from_pkcs1_der(&der),
            "ENCRYPTED PRIVATE KEY" => {
                Err(not("the key is encrypted; decrypt it with `openssl pkcs8 -in KEY -out KEY.p8`".into()))
            }
            "EC PRIVATE KEY" => Err(KeyError::Unsupported {
                what: "decrypting with an EC key (XML Encryption key transport to the SP uses RSA-OAEP)"
                    .into(),
            }),
            other => Err(not(format!("the PEM block is {other}, not PRIVATE KEY or RSA PRIVATE KEY"))),
        }
    }

    /// Loads an unencrypted PKCS#8 `PrivateKeyInfo` (DER) holding an RSA key.
    ///
    /// ```
    /// let err = samlguard::DecryptionKey::from_pkcs8_der(b"\x30\x00").unwrap_err();
    /// assert!(matches!(err, samlguard::KeyError::NotPkcs8 { .. }));
    /// ```
    pub fn from_pkcs8_der(der: &[u8]) -> Result<DecryptionKey, KeyError> {
        let not = || KeyError::NotPkcs8 { reason: "the DER is not a PrivateKeyInfo structure".into() };
        let (0x30, info, _) = der_read(der).ok_or_else(not)? else { return Err(not()) };
        let (0x02, _version, info) = der_read(info).ok_or_else(not)? else { return Err(not()) };
        let (0x30, alg, info) = der_read(info).ok_or_else(not)? else { return Err(not()) };
        let (0x04, inner, _) = der_read(info).ok_or_else(not)? else { return Err(not()) };
        let (0x06, oid, _) = der_read(alg).ok_or_else(not)? else { return Err(not()) };
        if oid == EC_PUBLIC_KEY_OID {
            return Err(KeyError::Unsupported {
                what: "decrypting with an EC key (XML Encryption key transport to the SP uses RSA-OAEP)"
                    .into(),
            });
        }
        if oid != RSA_ENCRYPTION_OID {
            return Err(KeyError::Unsupported { what: "decrypting with a key that is not RSA".into() });
        }
        let public = rsa_public(inner).ok_or_else(|| KeyError::NotPkcs8 {
            reason: "the RSA private key inside the PrivateKeyInfo is malformed".into(),
        })?;
        let PublicKey::Rsa { bits, .. } = &public else { return Err(not()) };
        match *bits {
            0..2048 => return Err(KeyError::RsaKeyTooSmall { bits: *bits }),
            2048..=8192 => {}
            _ => return Err(KeyError::RsaKeyTooLarge { bits: *bits }),
        }
        let private = rsa::PrivateDecryptingKey::from_pkcs8(der)
            .map_err(|e| KeyError::Rejected { kind: "RSA".into(), reason: e.to_string() })?;
        let key = rsa::OaepPrivateDecryptingKey::new(private)
            .map_err(|_| KeyError::Rejected { kind: "RSA".into(), reason: "not usable for OAEP".into() })?;
        Ok(DecryptionKey { key: Arc::new(key), public })
    }

    /// Loads a PKCS#1 `RSAPrivateKey` (DER), as `openssl rsa -traditional` writes it.
    ///
    /// ```
    /// let err = samlguard::DecryptionKey::from_pkcs1_der(b"\x30\x03\x02\x01\x00").unwrap_err();
    /// assert!(matches!(err, samlguard::KeyError::NotPkcs8 { .. }));
    /// ```
    pub fn from_pkcs1_der(der: &[u8]) -> Result<DecryptionKey, KeyError> {
        // PrivateKeyInfo ::= SEQUENCE { 0, AlgorithmIdentifier { rsaEncryption, NULL }, OCTET STRING }
        let mut alg = der_tlv(0x06, RSA_ENCRYPTION_OID);
        alg.extend_from_slice(&[0x05, 0x00]);
        let mut info = vec![0x02, 0x01, 0x00];
        info.extend(der_tlv(0x30, &alg));
        info.extend(der_tlv(0x04, der));
        let wrapped = Zeroizing::new(der_tlv(0x30, &info));
        DecryptionKey::from_pkcs8_der(&wrapped)
    }

    /// The modulus length in bits.
    ///
    /// ```
    /// # let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/xmlenc/sp-4096.key")).unwrap();
    /// assert_eq!(samlguard::DecryptionKey::from_pem(&pem).unwrap().bits(), 4096);
    /// ```
    pub fn bits(&self) -> usize {
        match &self.public {
            PublicKey::Rsa { bits, .. } => *bits,
            _ => 0,
        }
    }

    /// The public half, equal to the SP certificate's [`Certificate::public_key`](crate::Certificate::public_key)
    /// when the certificate belongs to this key.
    ///
    /// ```
    /// # let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/xmlenc/sp.key")).unwrap();
    /// let key = samlguard::DecryptionKey::from_pem(&pem).unwrap();
    /// assert_eq!(key.public_key().describe(), "RSA 2048-bit");
    /// ```
    pub fn public_key(&self) -> PublicKey {
        self.public.clone()
    }

    /// RSA-OAEP decryption of one wrapped key; `None` on any failure.
    fn unwrap_key(&self, t: &Transport) -> Option<Zeroizing<Vec<u8>>> {
        let mut out = Zeroizing::new(vec![0u8; self.key.min_output_size()]);
        let n = self.key.decrypt(t.oaep, &t.ciphertext, &mut out, t.label.as_deref()).ok()?.len();
        out.truncate(n);
        Some(out)
    }
}

/// `(n, e)` of a PKCS#1 RSAPrivateKey, as a [`PublicKey`].
fn rsa_public(pkcs1: &[u8]) -> Option<PublicKey> {
    let (0x30, seq, _) = der_read(pkcs1)? else { return None };
    let (0x02, _version, rest) = der_read(seq)? else { return None };
    let (0x02, n, rest) = der_read(rest)? else { return None };
    let (0x02, e, _) = der_read(rest)? else { return None };
    let strip = |b: &[u8]| b[b.iter().take_while(|&&x| x == 0).count()..].to_vec();
    let modulus = strip(n);
    let bits = modulus.first().map_or(0, |&b| (modulus.len() - 1) * 8 + (8 - b.leading_zeros() as usize));
    Some(PublicKey::Rsa { modulus, exponent: strip(e), bits })
}

/// One DER element from its tag and contents.
fn der_tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len.to_be_bytes().into_iter().skip_while(|&b| b == 0).collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Why an encrypted element was not decrypted. Deliberately coarse: see [`DecryptionError::Failed`].
///
/// ```
/// use samlguard::{DecryptionError, DecryptionKey, Document, decrypt_element};
/// # let key = DecryptionKey::from_pem(&std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/xmlenc/sp.key"))?)?;
/// let xml = r#"<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#">
///   <xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#tripledes-cbc"/>
///   <xenc:CipherData><xenc:CipherValue>AAAA</xenc:CipherValue></xenc:CipherData>
/// </xenc:EncryptedData>"#;
/// let doc = Document::parse_str(xml)?;
/// let err = decrypt_element(doc.root_element(), &key).unwrap_err();
/// assert!(matches!(&err, DecryptionError::Refused { reason } if reason.contains("Triple-DES")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecryptionError {
    /// The message asks for an algorithm samlguard refuses or does not implement, or is not shaped as XML
    /// Encryption requires. Decided from the message alone, before the key is used.
    #[error("not decrypted: {reason}")]
    Refused {
        /// What the message asks for, and what to configure instead.
        reason: String,
    },
    /// The key, the ciphertext or the plaintext did not work out. Deliberately says no more: telling bad
    /// padding from a wrong key or from unusable plaintext would make the SP a decryption oracle.
    #[error("the data could not be decrypted with the SP key")]
    Failed,
}

fn refused(reason: impl Into<String>) -> DecryptionError {
    DecryptionError::Refused { reason: reason.into() }
}

/// The fix given for every [`DecryptionError::Failed`]: the same text whatever failed.
const FAILED_FIX: &str = "the IdP encrypted for another key (give it the SP's current encryption certificate, the one \
    `samlguard metadata sp` publishes), the SP key was changed, or the message was altered in transit; for \
    safety samlguard does not say which";

/// The detail of a decryption failure (code 13). `what` names the element ("encrypted assertion",
/// "EncryptedID", "EncryptedAttribute"); every [`DecryptionError::Failed`] of one element gives the same
/// detail.
pub(crate) fn failure_detail(what: &str, e: &DecryptionError) -> Detail {
    let d = Detail::new(Stage::Assertion, format!("the {what} could not be decrypted with the SP key"));
    match e {
        DecryptionError::Refused { reason } => d.fix(reason.clone()),
        DecryptionError::Failed => d.fix(FAILED_FIX),
    }
}

// ---------------------------------------------------------------------------------------------
// Decryption
// ---------------------------------------------------------------------------------------------

/// A parsed `EncryptedKey` this module can try.
struct Transport {
    oaep: &'static rsa::OaepAlgorithm,
    label: Option<Vec<u8>>,
    ciphertext: Vec<u8>,
}

/// The plaintext, and whether everything secret-dependent went right. Kept apart so that the caller
/// parses the plaintext in every case and only then looks at `ok`.
struct Opened {
    plaintext: Zeroizing<Vec<u8>>,
    ok: bool,
}

fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn cipher_value(el: Element<'_>, what: &str) -> Result<Vec<u8>, DecryptionError> {
    let data = el
        .child_named(XMLENC_NS, "CipherData")
        .ok_or_else(|| refused(format!("the {what} has no xenc:CipherData")))?;
    if data.child_named(XMLENC_NS, "CipherReference").is_some() {
        return Err(refused(format!(
            "the {what} refers to its ciphertext elsewhere (xenc:CipherReference), which samlguard does not fetch; \
             the IdP must send the ciphertext inline (xenc:CipherValue)"
        )));
    }
    let value = data
        .child_named(XMLENC_NS, "CipherValue")
        .ok_or_else(|| refused(format!("the {what} has no xenc:CipherValue")))?;
    let compact: Vec<u8> = value.text().bytes().filter(|b| !is_xml_space(*b)).collect();
    base64::engine::general_purpose::STANDARD
        .decode(&compact)
        .map_err(|_| refused(format!("the {what}'s CipherValue is not base64")))
}

fn parse_encrypted_key(ek: Element<'_>) -> Result<Transport, DecryptionError> {
    let method = ek.child_named(XMLENC_NS, "EncryptionMethod");
    let uri = method.and_then(|m| m.attribute("Algorithm")).map(str::trim).unwrap_or("");
    let digest_uri = method
        .and_then(|m| m.child_named(DSIG_NS, "DigestMethod"))
        .and_then(|d| d.attribute("Algorithm"))
        .map(str::trim);
    let digest = match digest_uri {
        None => Hash::Sha1,
        Some(u) => Hash::from_digest_uri(u).ok_or_else(|| {
            refused(format!("the EncryptedKey's OAEP DigestMethod {u:?} is not a digest samlguard knows"))
        })?,
    };
    let mgf_uri = method
        .and_then(|m| m.child_named(XMLENC11_NS, "MGF"))
        .and_then(|d| d.attribute("Algorithm"))
        .map(str::trim);
    let oaep_hint = "configure the IdP for RSA-OAEP with SHA-1 (rsa-oaep-mgf1p, the common default) or with \
                     SHA-256 for both the digest and MGF1 (xmlenc11#rsa-oaep with mgf1sha256)";
    let mgf = match uri {
        RSA_OAEP_MGF1P => {
            // MGF1 with SHA-1 is part of this algorithm's definition.
            if let Some(u) = mgf_uri
                && Hash::from_mgf_uri(u) != Some(Hash::Sha1)
            {
                return Err(refused(format!(
                    "the EncryptedKey names rsa-oaep-mgf1p (MGF1 with SHA-1 by definition) with an xenc11:MGF of \
                     {u:?}; {oaep_hint}"
                )));
            }
            Hash::Sha1
        }
        RSA_OAEP_11 => match mgf_uri {
            None => Hash::Sha1,
            Some(u) => Hash::from_mgf_uri(u).ok_or_else(|| {
                refused(format!(
                    "the EncryptedKey's xenc11:MGF {u:?} is not a mask generation function samlguard knows"
                ))
            })?,
        },
        RSA_1_5 => {
            return Err(refused(format!(
                "the EncryptedKey uses RSA PKCS#1 v1.5 key transport ({RSA_1_5}), which samlguard refuses (it invites \
                 Bleichenbacher padding-oracle attacks); {oaep_hint}"
            )));
        }
        "" => return Err(refused("an EncryptedKey has no EncryptionMethod Algorithm")),
        other if other.contains("#kw-") => {
            return Err(refused(format!(
                "the EncryptedKey wraps the key with a shared symmetric key ({other}), which the SP does not hold; \
                 the IdP must encrypt the key to the SP certificate with RSA-OAEP"
            )));
        }
        other => {
            return Err(refused(format!(
                "the EncryptedKey's EncryptionMethod {other:?} is not a key transport samlguard decrypts; {oaep_hint}"
            )));
        }
    };
    let oaep = oaep_algorithm(digest, mgf).ok_or_else(|| {
        refused(format!(
            "the EncryptedKey asks for RSA-OAEP with a {} digest and MGF1 with {} ({}); samlguard's RSA \
             (AWS-LC through aws-lc-rs) decrypts OAEP only with the same hash for both; {oaep_hint}",
            digest.name(),
            mgf.name(),
            short(uri)
        ))
    })?;
    let label = match method.and_then(|m| m.child_named(XMLENC_NS, "OAEPparams")) {
        None => None,
        Some(p) => {
            let compact: Vec<u8> = p.text().bytes().filter(|b| !is_xml_space(*b)).collect();
            let label = base64::engine::general_purpose::STANDARD
                .decode(&compact)
                .map_err(|_| refused("the EncryptedKey's OAEPparams are not base64"))?;
            (!label.is_empty()).then_some(label)
        }
    };
    let ciphertext = cipher_value(ek, "EncryptedKey")?;
    Ok(Transport { oaep, label, ciphertext })
}

/// The `EncryptedKey`s that may hold this `EncryptedData`'s key: inside its `KeyInfo`; else those of
/// the enclosing SAML element that a `RetrievalMethod` names; else those of the enclosing element whose
/// `ReferenceList` names this `EncryptedData` (or that have no `ReferenceList`).
fn encrypted_keys<'a>(
    container: Option<Element<'a>>,
    data: Element<'a>,
) -> Result<Vec<Element<'a>>, DecryptionError> {
    let key_info = data.child_named(DSIG_NS, "KeyInfo");
    let inline: Vec<Element<'a>> =
        key_info.map(|k| k.children_named(XMLENC_NS, "EncryptedKey").collect()).unwrap_or_default();
    if !inline.is_empty() {
        return Ok(inline);
    }
    let siblings: Vec<Element<'a>> =
        container.map(|c| c.children_named(XMLENC_NS, "EncryptedKey").collect()).unwrap_or_default();
    let where_ =
        container.map(|c| format!("<{}>", c.qualified_name())).unwrap_or_else(|| "the document".into());
    let retrievals: Vec<Element<'a>> = key_info
        .map(|k| {
            k.children_named(DSIG_NS, "RetrievalMethod")
                .filter(|r| r.attribute("Type").is_none_or(|t| t.trim() == TYPE_ENCRYPTED_KEY))
                .collect()
        })
        .unwrap_or_default();
    if !retrievals.is_empty() {
        let mut found = Vec::new();
        for r in retrievals {
            let uri = r.attribute("URI").unwrap_or("").trim();
            let Some(id) = uri.strip_prefix('#') else {
                return Err(refused(format!(
                    "the EncryptedData's RetrievalMethod URI {uri:?} is not a same-document reference"
                )));
            };
            match siblings.iter().find(|k| k.attribute("Id") == Some(id)) {
                Some(k) => found.push(*k),
                None => {
                    return Err(refused(format!(
                        "the EncryptedData's RetrievalMethod names {uri:?}, which is no xenc:EncryptedKey inside {where_}"
                    )));
                }
            }
        }
        return Ok(found);
    }
    let data_ref = data.attribute("Id").map(|id| format!("#{}", id.trim()));
    let keys: Vec<Element<'a>> = siblings
        .into_iter()
        .filter(|k| match k.child_named(XMLENC_NS, "ReferenceList") {
            None => true,
            Some(list) => list
                .children_named(XMLENC_NS, "DataReference")
                .any(|r| data_ref.is_some() && r.attribute("URI").map(str::trim) == data_ref.as_deref()),
        })
        .collect();
    if keys.is_empty() {
        return Err(refused(format!(
            "no xenc:EncryptedKey for the EncryptedData in {where_}: samlguard decrypts content keys that the IdP \
             encrypted to the SP certificate with RSA-OAEP"
        )));
    }
    Ok(keys)
}

/// Everything up to the plaintext. Only [`DecryptionError::Refused`] comes out as an error: the
/// secret-dependent verdict travels in [`Opened::ok`].
fn open(encrypted: Element<'_>, key: &DecryptionKey) -> Result<Opened, DecryptionError> {
    let (container, data) = if encrypted.is(XMLENC_NS, "EncryptedData") {
        (encrypted.parent_element(), encrypted)
    } else {
        let datas: Vec<Element<'_>> = encrypted.children_named(XMLENC_NS, "EncryptedData").collect();
        match datas.as_slice() {
            [d] => (Some(encrypted), *d),
            other => {
                return Err(refused(format!(
                    "<{}> holds {} xenc:EncryptedData elements; exactly one is expected",
                    encrypted.qualified_name(),
                    other.len()
                )));
            }
        }
    };
    match data.attribute("Type").map(str::trim) {
        None | Some(TYPE_ELEMENT) => {}
        Some(TYPE_CONTENT) => {
            return Err(refused(
                "the EncryptedData has Type Content; SAML encrypts whole elements (Type Element)",
            ));
        }
        Some(other) => {
            return Err(refused(format!("the EncryptedData has Type {other:?}; SAML encrypts elements")));
        }
    }
    let uri = data
        .child_named(XMLENC_NS, "EncryptionMethod")
        .and_then(|m| m.attribute("Algorithm"))
        .map(str::trim)
        .ok_or_else(|| refused("the EncryptedData has no EncryptionMethod Algorithm"))?;
    let content = content_algorithm(uri)?;
    let ciphertext = cipher_value(data, "EncryptedData")?;
    let candidates = encrypted_keys(container, data)?;
    if candidates.len() > MAX_ENCRYPTED_KEYS {
        return Err(refused(format!(
            "{} EncryptedKeys for one EncryptedData; samlguard tries at most {MAX_ENCRYPTED_KEYS}",
            candidates.len()
        )));
    }
    let parsed: Vec<Result<Transport, DecryptionError>> =
        candidates.into_iter().map(parse_encrypted_key).collect();
    let mut first_refusal = None;
    let mut usable = Vec::new();
    for p in parsed {
        match p {
            Ok(t) => usable.push(t),
            Err(e) => {
                first_refusal.get_or_insert(e);
            }
        }
    }
    if usable.is_empty() {
        return Err(first_refusal.unwrap_or(DecryptionError::Failed));
    }

    // A ciphertext whose length does not fit the algorithm (public, but reported like a wrong key or a
    // relabelled algorithm: one answer for every "this does not decrypt").
    let fits = match content.mode {
        Mode::Gcm => ciphertext.len() >= GCM_IV_LEN + GCM_TAG_LEN,
        Mode::Cbc => ciphertext.len() >= 2 * BLOCK && ciphertext.len() % BLOCK == 0,
    };
    if !fits {
        return Err(DecryptionError::Failed);
    }

    // From here on, every step depends on the key: no early return, one verdict at the end.
    let mut content_key: Option<Zeroizing<Vec<u8>>> = None;
    for t in &usable {
        if let Some(k) = key.unwrap_key(t)
            && k.len() == content.key_len
            && content_key.is_none()
        {
            content_key = Some(k);
        }
    }
    let key_ok = content_key.is_some();
    // Implicit rejection: without a usable key, go on with a random one.
    let content_key = content_key.unwrap_or_else(|| {
        let mut k = Zeroizing::new(vec![0u8; content.key_len]);
        let _ = aws_lc_rs::rand::fill(&mut k);
        k
    });
    let (plaintext, content_ok) = decrypt_content(content, &content_key, &ciphertext);
    Ok(Opened { plaintext, ok: key_ok & content_ok })
}

/// Decrypts `data` (IV first) with `key`: `(plaintext, ok)`. For CBC the plaintext is returned even when
/// the padding byte is invalid (with nothing removed), so that it is parsed like any other.
fn decrypt_content(alg: &ContentAlgorithm, key: &[u8], data: &[u8]) -> (Zeroizing<Vec<u8>>, bool) {
    let fail = || (Zeroizing::new(Vec::new()), false);
    match alg.mode {
        Mode::Gcm => {
            let aead_alg = match alg.key_len {
                16 => &aead::AES_128_GCM,
                24 => &aead::AES_192_GCM,
                _ => &aead::AES_256_GCM,
            };
            let Ok(unbound) = aead::UnboundKey::new(aead_alg, key) else { return fail() };
            let opening = aead::LessSafeKey::new(unbound);
            let (iv, sealed) = data.split_at(GCM_IV_LEN);
            let Ok(nonce) = aead::Nonce::try_assume_unique_for_key(iv) else { return fail() };
            let mut buf = Zeroizing::new(sealed.to_vec());
            match opening.open_in_place(nonce, aead::Aad::empty(), &mut buf) {
                Ok(p) => {
                    let n = p.len();
                    buf.truncate(n);
                    (buf, true)
                }
                Err(_) => fail(),
            }
        }
        Mode::Cbc => {
            let cipher_alg = match alg.key_len {
                16 => &cipher::AES_128,
                24 => &cipher::AES_192,
                _ => &cipher::AES_256,
            };
            let Ok(unbound) = cipher::UnboundCipherKey::new(cipher_alg, key) else { return fail() };
            let Ok(decrypting) = cipher::DecryptingKey::cbc(unbound) else { return fail() };
            let (iv, body) = data.split_at(BLOCK);
            let Ok(iv) = <[u8; BLOCK]>::try_from(iv) else { return fail() };
            let mut buf = Zeroizing::new(body.to_vec());
            let context = cipher::DecryptionContext::Iv128(aws_lc_rs::iv::FixedLength::from(iv));
            if decrypting.decrypt(&mut buf, context).is_err() {
                return fail();
            }
            let (len, ok) = iso10126_unpadded_len(&buf);
            buf.truncate(len);
            (buf, ok)
        }
    }
}

/// ISO 10126 unpadding without a data-dependent branch: only the last byte counts (the padding bytes
/// before it are random), and it must be 1..=16. Returns the unpadded length (the full length when the
/// byte is invalid) and whether it was valid.
fn iso10126_unpadded_len(block_aligned: &[u8]) -> (usize, bool) {
    let n = block_aligned.len();
    let pad = u32::from(block_aligned.last().copied().unwrap_or(0));
    // ge1 = 1 when pad >= 1; le16 = 1 when pad <= 16: the sign bit of the wrapped differences.
    let ge1 = (pad.wrapping_sub(1) >> 31) ^ 1;
    let le16 = ((BLOCK as u32).wrapping_sub(pad) >> 31) ^ 1;
    let ok = std::hint::black_box(ge1 & le16);
    let mask = 0u32.wrapping_sub(ok);
    let remove = (pad & mask) as usize;
    // n >= 16 (at least one block) and remove <= 16.
    (n.saturating_sub(remove), ok == 1)
}

/// The plaintext without a byte-order mark, an XML declaration and surrounding white space.
fn trim_plaintext(p: &[u8]) -> &[u8] {
    fn trim(mut p: &[u8]) -> &[u8] {
        while let [first, rest @ ..] = p
            && is_xml_space(*first)
        {
            p = rest;
        }
        while let [rest @ .., last] = p
            && is_xml_space(*last)
        {
            p = rest;
        }
        p
    }
    let mut p = trim(p.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(p));
    if p.starts_with(b"<?xml")
        && p.get(5).is_some_and(|&c| is_xml_space(c) || c == b'?')
        && let Some(i) = p.windows(2).position(|w| w == b"?>")
    {
        p = trim(&p[i + 2..]);
    }
    p
}

/// The byte just after an element's end tag in the text it was parsed from (`None` for `<x/>`).
fn element_end(text: &[u8], el: Element<'_>) -> Option<usize> {
    let close = el.node().end_tag_offset()?;
    let gt = text.get(close..)?.iter().position(|&b| b == b'>')?;
    Some(close + gt + 1)
}

/// Decrypts the SP key's share of an XML Encryption element and returns the plaintext octets.
///
/// `encrypted` is an `xenc:EncryptedData`, or a SAML encrypted element (`saml:EncryptedAssertion`,
/// `saml:EncryptedID`, `saml:EncryptedAttribute`: one `EncryptedData` and its `EncryptedKey`s). The
/// content key must be in an `xenc:EncryptedKey` inside the `EncryptedData`'s `KeyInfo` or beside the
/// `EncryptedData` in the same element; the algorithms are those of the table in the module
/// documentation. This is the raw operation: the SAML validator ([`Validator`](crate::Validator))
/// decrypts encrypted assertions itself, verifying the signatures around it.
///
/// ```
/// use samlguard::{DecryptionError, DecryptionKey, Document, decrypt_element};
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/xmlenc/");
/// let key = DecryptionKey::from_pem(&std::fs::read(format!("{dir}sp.key"))?)?;
/// // An EncryptedKey in RSA PKCS#1 v1.5 is refused before the key is used.
/// let xml = r#"<saml:EncryptedID xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"
///     xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
///   <xenc:EncryptedData Type="http://www.w3.org/2001/04/xmlenc#Element">
///     <xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes128-gcm"/>
///     <ds:KeyInfo><xenc:EncryptedKey>
///       <xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-1_5"/>
///       <xenc:CipherData><xenc:CipherValue>AAAA</xenc:CipherValue></xenc:CipherData>
///     </xenc:EncryptedKey></ds:KeyInfo>
///     <xenc:CipherData><xenc:CipherValue>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</xenc:CipherValue></xenc:CipherData>
///   </xenc:EncryptedData>
/// </saml:EncryptedID>"#;
/// let doc = Document::parse_str(xml)?;
/// let err = decrypt_element(doc.root_element(), &key).unwrap_err();
/// assert!(matches!(&err, DecryptionError::Refused { reason } if reason.contains("Bleichenbacher")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decrypt_element(encrypted: Element<'_>, key: &DecryptionKey) -> Result<Vec<u8>, DecryptionError> {
    let opened = open(encrypted, key)?;
    if !opened.ok {
        return Err(DecryptionError::Failed);
    }
    Ok(opened.plaintext.to_vec())
}

/// Decrypts the `EncryptedAssertion` `encrypted` of the document parsed from `xml` (see the module
/// documentation, steps 3 and 4): the document text with the element replaced by the decrypted
/// assertion, parsed with `options`. The caller has checked the Response signature before.
pub(crate) fn decrypt_assertion(
    xml: &[u8],
    encrypted: Element<'_>,
    key: &DecryptionKey,
    options: &ParseOptions,
) -> Result<Document, DecryptionError> {
    let opened = open(encrypted, key)?;
    let start = encrypted.node().byte_offset();
    let end = match element_end(xml, encrypted) {
        Some(end) if start <= end && end <= xml.len() => end,
        _ => return Err(DecryptionError::Failed),
    };
    let body = trim_plaintext(&opened.plaintext);
    let mut text = Zeroizing::new(Vec::with_capacity(xml.len() - (end - start) + body.len()));
    text.extend_from_slice(&xml[..start]);
    text.extend_from_slice(body);
    text.extend_from_slice(&xml[end..]);
    let parsed = Document::parse_with(&text, options).ok();
    // The plaintext must be exactly one saml:Assertion, in place of the EncryptedAssertion.
    let in_place = parsed.as_ref().is_some_and(|doc| {
        doc.root_element().child_elements().any(|c| {
            c.node().byte_offset() == start
                && c.is(SAML_NS, "Assertion")
                && element_end(&text, c) == Some(start + body.len())
        })
    });
    match parsed {
        Some(doc) if opened.ok & in_place => Ok(doc),
        _ => Err(DecryptionError::Failed),
    }
}

/// A decrypted `EncryptedID` or `EncryptedAttribute`: the plaintext element, parsed in the namespace
/// context of the encrypted element.
pub(crate) struct Fragment {
    doc: Document,
}

impl Fragment {
    /// The decrypted element (`saml:NameID`, `saml:Attribute`).
    pub(crate) fn element(&self) -> Option<Element<'_>> {
        self.doc.root_element().child_elements().next()
    }
}

/// Decrypts an `EncryptedID` / `EncryptedAttribute`, whose plaintext must be exactly one element
/// `{ns}local` (white space around it allowed).
pub(crate) fn decrypt_fragment(
    encrypted: Element<'_>,
    key: &DecryptionKey,
    options: &ParseOptions,
    ns: &str,
    local: &str,
) -> Result<Fragment, DecryptionError> {
    let opened = open(encrypted, key)?;
    let body = trim_plaintext(&opened.plaintext);
    let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('"', "&quot;");
    let mut text = Zeroizing::new(b"<samlguard-decrypted".to_vec());
    for d in encrypted.in_scope_namespaces() {
        let decl = match d.prefix {
            None => format!(" xmlns=\"{}\"", escape(d.uri)),
            Some(p) => format!(" xmlns:{p}=\"{}\"", escape(d.uri)),
        };
        text.extend_from_slice(decl.as_bytes());
    }
    text.push(b'>');
    text.extend_from_slice(body);
    text.extend_from_slice(b"</samlguard-decrypted>");
    let parsed = Document::parse_with(&text, options).ok();
    let shaped = parsed.as_ref().is_some_and(|doc| {
        let root = doc.root_element();
        let mut elements = 0;
        let only_one = root.children().all(|n| match n.kind() {
            NodeKind::Element => {
                elements += 1;
                n.as_element().is_some_and(|e| e.is(ns, local))
            }
            NodeKind::Text(t) => t.bytes().all(is_xml_space),
            _ => false,
        });
        only_one && elements == 1
    });
    match parsed {
        Some(doc) if opened.ok & shaped => Ok(Fragment { doc }),
        _ => Err(DecryptionError::Failed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso10126_reads_only_the_last_byte() {
        let mut b = vec![0xAAu8; 32];
        for pad in 1..=16u8 {
            b[31] = pad;
            assert_eq!(iso10126_unpadded_len(&b), (32 - usize::from(pad), true));
        }
        for pad in [0u8, 17, 0x80, 0xff] {
            b[31] = pad;
            assert_eq!(iso10126_unpadded_len(&b), (32, false));
        }
    }

    #[test]
    fn plaintext_is_trimmed_of_declaration_and_bom() {
        assert_eq!(trim_plaintext(b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n <a/> \n"), b"<a/>");
        assert_eq!(trim_plaintext(b"<?xml-stylesheet x?><a/>"), b"<?xml-stylesheet x?><a/>");
        assert_eq!(trim_plaintext(b" \t"), b"");
    }

    #[test]
    fn element_end_is_after_the_end_tag() {
        let text = b"<r><a:x xmlns:a=\"urn:a\">t</a:x  ><y/></r>";
        let doc = Document::parse(text).unwrap();
        let x = doc.root_element().child_elements().next().unwrap();
        assert_eq!(
            &text[x.node().byte_offset()..element_end(text, x).unwrap()],
            b"<a:x xmlns:a=\"urn:a\">t</a:x  >"
        );
        let y = doc.root_element().child_elements().nth(1).unwrap();
        assert_eq!(element_end(text, y), None);
    }

    /// crewjam/saml's `xmlenc/testdata/encrypt-data-aes128-cbc.xml` (the shared interop folder) with its
    /// bare key `abcdefghijklmnop`: the content layer alone.
    #[test]
    fn crewjam_symmetric_aes128_cbc_vector() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/interop/crewjam-saml/xmlenc/testdata");
        let dir = std::env::var_os("SAMLGUARD_INTEROP")
            .map(|d| std::path::PathBuf::from(d).join("crewjam-saml/xmlenc/testdata"))
            .unwrap_or(dir);
        let xml = std::fs::read(dir.join("encrypt-data-aes128-cbc.xml")).expect("the shared interop folder");
        let expected = std::fs::read(dir.join("encrypt-data-aes128-cbc.data")).unwrap();
        let doc = Document::parse(&xml).unwrap();
        let data = doc.root_element();
        let alg = content_algorithm(
            data.child_named(XMLENC_NS, "EncryptionMethod").unwrap().attribute("Algorithm").unwrap(),
        )
        .unwrap();
        let ciphertext = cipher_value(data, "EncryptedData").unwrap();
        let (plain, ok) = decrypt_content(alg, b"abcdefghijklmnop", &ciphertext);
        assert!(ok);
        assert_eq!(plain.as_slice(), expected.as_slice());
        // Another key: the padding verdict is false or the plaintext differs, never a panic.
        let (other, ok) = decrypt_content(alg, b"ponmlkjihgfedcba", &ciphertext);
        assert!(!ok || other.as_slice() != expected.as_slice());
    }

    #[test]
    fn every_content_uri_is_in_the_advertised_list() {
        let adv = advertised_methods();
        for c in &CONTENT_ALGORITHMS {
            assert!(adv.contains(&c.uri));
        }
        assert!(adv.contains(&RSA_OAEP_MGF1P) && adv.contains(&RSA_OAEP_11) && !adv.contains(&RSA_1_5));
    }
}
