//! HTTP-Artifact binding against a real HTTP server on 127.0.0.1 started inside each test: the SP's
//! signed ArtifactResolve is checked by the server, which answers with a canned ArtifactResponse signed
//! by the IdP key (testkit Response inside). Codes 11 (unreachable) and 12 (bad artifact or answer).
#![cfg(all(feature = "testkit", feature = "artifact"))]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use samlguard::testkit::ResponseBuilder;
use samlguard::{
    AlgorithmPolicy, Certificate, Document, IdentityProvider, ServiceProvider, Signer, SigningKey, SsoError,
    SsoRequest, Validator, encode_artifact, verify_signature,
};

const IDP: &str = "https://idp.example.com/metadata";
const SP: &str = "https://sp.example.com/saml/metadata";
const ACS: &str = "https://sp.example.com/saml/acs";
const ISSUED: &str = "2030-01-01T12:00:00Z";
const NOW: &str = "2030-01-01T12:00:30Z";
const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const SOAP: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
const HANDLE: [u8; 20] = [0x42; 20];

fn key_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/keys").join(name)
}
fn key(name: &str) -> SigningKey {
    SigningKey::from_pkcs8_pem(&std::fs::read(key_path(name)).unwrap()).unwrap()
}
fn cert(name: &str) -> Certificate {
    Certificate::from_pem(&std::fs::read(key_path(name)).unwrap()).unwrap()
}
fn now() -> DateTime<Utc> {
    NOW.parse().unwrap()
}

/// An Okta-shaped Response (Response and Assertion signed by the IdP key), without XML declaration.
fn inner_response(signed: bool) -> String {
    let b = ResponseBuilder::okta(IDP, SP, ACS, ISSUED.parse().unwrap())
        .session_index(Some("_session-4711"))
        .sign_with(key("rsa2048.key"), cert("rsa2048.crt"))
        .sign_response(signed)
        .sign_assertion(signed);
    let xml = b.build().unwrap();
    match xml.strip_prefix("<?xml") {
        Some(rest) => rest[rest.find("?>").unwrap() + 2..].trim_start().to_string(),
        None => xml,
    }
}

/// What the canned ArtifactResponse looks like.
#[derive(Clone)]
struct Answer {
    issuer: String,
    status: String,
    in_response_to: Option<String>,
    inner: Option<String>,
    signed: bool,
}

impl Answer {
    fn good() -> Answer {
        Answer {
            issuer: IDP.into(),
            status: SUCCESS.into(),
            in_response_to: None,
            inner: Some(inner_response(true)),
            signed: true,
        }
    }
    fn soap(&self, request_id: &str) -> String {
        let irt = self.in_response_to.clone().unwrap_or_else(|| request_id.to_string());
        let xml = format!(
            r#"<samlp:ArtifactResponse xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="_ar-1" Version="2.0" IssueInstant="{ISSUED}" InResponseTo="{irt}"><saml:Issuer>{}</saml:Issuer><samlp:Status><samlp:StatusCode Value="{}"/></samlp:Status>{}</samlp:ArtifactResponse>"#,
            self.issuer,
            self.status,
            self.inner.clone().unwrap_or_default()
        );
        let xml = if self.signed {
            Signer::new(key("rsa2048.key"), cert("rsa2048.crt")).sign_enveloped(&xml, "_ar-1").unwrap()
        } else {
            xml
        };
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><soap-env:Envelope xmlns:soap-env="{SOAP}"><soap-env:Body>{xml}</soap-env:Body></soap-env:Envelope>"#
        )
    }
}

/// What the server answers, given the ArtifactResolve ID: HTTP status and body.
type Handler = Box<dyn Fn(&str) -> (u16, String) + Send>;

/// Reads one HTTP request: headers and Content-Length body.
fn read_request(stream: &mut TcpStream) -> (String, String) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).unwrap();
        assert!(n > 0, "connection closed before the request was complete");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let len: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap())
                })
                .expect("a Content-Length");
            while buf.len() < end + 4 + len {
                let n = stream.read(&mut chunk).unwrap();
                assert!(n > 0);
                buf.extend_from_slice(&chunk[..n]);
            }
            return (head, String::from_utf8(buf[end + 4..end + 4 + len].to_vec()).unwrap());
        }
    }
}

/// Checks the request is a POST of a SOAP ArtifactResolve for `artifact` (signed by the SP key when
/// `signed`); gives its ID.
fn check_request(head: &str, body: &str, artifact: &str, signed: bool) -> Result<String, String> {
    if !head.starts_with("POST ") {
        return Err(format!("not a POST: {head}"));
    }
    let lower = head.to_ascii_lowercase();
    if !lower.contains("content-type: text/xml") || !lower.contains("soapaction:") {
        return Err(format!("headers: {head}"));
    }
    let doc = Document::parse_str(body).map_err(|e| e.to_string())?;
    let env = doc.root_element();
    if !env.is(SOAP, "Envelope") {
        return Err("not a SOAP envelope".into());
    }
    let resolve = env
        .child_named(SOAP, "Body")
        .and_then(|b| b.child_named(SAMLP, "ArtifactResolve"))
        .ok_or("no ArtifactResolve")?;
    let art = resolve.child_named(SAMLP, "Artifact").map(|a| a.text()).unwrap_or_default();
    if art != artifact {
        return Err(format!("artifact {art:?}, expected {artifact:?}"));
    }
    if resolve.child_named(SAML, "Issuer").map(|i| i.text()) != Some(SP.to_string()) {
        return Err("wrong Issuer".into());
    }
    if resolve.attribute("IssueInstant") != Some(NOW) || resolve.attribute("Destination").is_none() {
        return Err("IssueInstant/Destination".into());
    }
    let sig = resolve.child_named(samlguard::DSIG_NS, "Signature");
    match (sig, signed) {
        (Some(sig), true) => {
            let v = verify_signature(sig, &[cert("rsa3072.crt")], &AlgorithmPolicy::default())
                .map_err(|e| e.to_string())?;
            if v.signed_element() != resolve {
                return Err("the signature does not cover the ArtifactResolve".into());
            }
        }
        (None, false) => {}
        _ => return Err("signature presence".into()),
    }
    let id = resolve.attribute("ID").ok_or("no ID")?;
    if id.len() < 33 {
        return Err("ID too short".into());
    }
    Ok(id.to_string())
}

/// Serves one request on 127.0.0.1; the receiver gets the request check's result.
fn serve(artifact: String, signed: bool, handler: Handler) -> (String, mpsc::Receiver<Result<(), String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/idp/ars", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let (head, body) = read_request(&mut stream);
        let (status, answer) = match check_request(&head, &body, &artifact, signed) {
            Ok(id) => {
                let _ = tx.send(Ok(()));
                handler(&id)
            }
            Err(e) => {
                let _ = tx.send(Err(e));
                (400, "bad request".into())
            }
        };
        let _ = write!(
            stream,
            "HTTP/1.1 {status} X\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
            answer.len()
        );
        let _ = stream.flush();
    });
    (url, rx)
}

fn validator(url: &str, timeout: Option<Duration>) -> Validator {
    let sp = ServiceProvider::builder(SP, ACS)
        .certificate(cert("rsa3072.crt"))
        .signing_key(key("rsa3072.key"))
        .build()
        .unwrap();
    let idp = IdentityProvider::builder(IDP)
        .certificate(cert("rsa2048.crt"))
        .artifact_resolution_service(1, url)
        .build();
    let b = Validator::builder(sp, idp);
    match timeout {
        Some(t) => b.artifact_resolution(t).build(),
        None => b.build(),
    }
}

fn form(artifact: &str) -> Vec<u8> {
    let enc: String = artifact
        .bytes()
        .map(|b| match b {
            b'+' => "%2B".to_string(),
            b'/' => "%2F".to_string(),
            b'=' => "%3D".to_string(),
            _ => (b as char).to_string(),
        })
        .collect();
    format!("SAMLart={enc}&RelayState=x").into_bytes()
}

fn artifact() -> String {
    encode_artifact(IDP, 1, &HANDLE)
}

/// Resolves through a server answering `answer`; asserts the server saw a correct ArtifactResolve.
fn run(handler: Handler) -> Result<samlguard::Login, SsoError> {
    let art = artifact();
    let (url, rx) = serve(art.clone(), true, handler);
    let out =
        validator(&url, Some(Duration::from_secs(1))).validate(&SsoRequest::form("POST", &form(&art), now()));
    assert_eq!(rx.recv_timeout(Duration::from_secs(2)).expect("the server was called"), Ok(()));
    out
}

fn answer(a: Answer) -> Handler {
    Box::new(move |id| (200, a.soap(id)))
}

fn assert_code(r: Result<samlguard::Login, SsoError>, code: u8, detail: &str) {
    let e = r.expect_err("rejected");
    assert_eq!(e.code().code(), code, "{}", e.detail());
    assert!(e.detail().to_string().contains(detail), "{detail:?} not in {}", e.detail());
}

#[test]
fn a_resolved_artifact_logs_in() {
    let login = run(answer(Answer::good())).expect("accepted");
    assert_eq!(login.issuer, IDP);
}

#[test]
fn the_artifact_response_signature_covers_an_unsigned_inner_response() {
    let inner = inner_response(false);
    assert!(!inner.contains("Signature"));
    let a = Answer { inner: Some(inner), ..Answer::good() };
    run(answer(a)).expect("accepted");
}

#[test]
fn without_network_access_a_samlart_is_12() {
    let r =
        validator("http://127.0.0.1:9/", None).validate(&SsoRequest::form("POST", &form(&artifact()), now()));
    assert_code(r, 12, "network access is off");
}

#[test]
fn two_samlart_or_samlart_beside_saml_response_is_6() {
    let v = validator("http://127.0.0.1:9/", Some(Duration::from_secs(1)));
    let mut twice = form(&artifact());
    twice.extend_from_slice(b"&");
    twice.extend_from_slice(&form(&artifact()));
    assert_code(v.validate(&SsoRequest::form("POST", &twice, now())), 6, "several SAMLart");
    let mut both = form(&artifact());
    both.extend_from_slice(b"&SAMLResponse=PHg%2BPC94Pg%3D%3D");
    assert_code(v.validate(&SsoRequest::form("POST", &both, now())), 6, "beside SAMLResponse");
}

#[test]
fn connection_refused_is_11() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}/ars");
    let r = validator(&url, Some(Duration::from_secs(1))).validate(&SsoRequest::form(
        "POST",
        &form(&artifact()),
        now(),
    ));
    assert_code(r, 11, &url);
}

#[test]
fn a_silent_server_times_out_as_11() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/ars", listener.local_addr().unwrap());
    let started = std::time::Instant::now();
    let r = validator(&url, Some(Duration::from_millis(500))).validate(&SsoRequest::form(
        "POST",
        &form(&artifact()),
        now(),
    ));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_code(r, 11, &url);
    drop(listener);
}

#[test]
fn http_500_is_11() {
    assert_code(run(Box::new(|_| (500, "oops".into()))), 11, "HTTP 500");
}

#[test]
fn http_404_is_12() {
    assert_code(run(Box::new(|_| (404, "not here".into()))), 12, "HTTP 404");
}

#[test]
fn a_non_soap_answer_is_12() {
    assert_code(run(Box::new(|_| (200, "<html><body>login</body></html>".into()))), 12, "not a SOAP");
}

#[test]
fn an_unsigned_artifact_response_is_12() {
    assert_code(run(answer(Answer { signed: false, ..Answer::good() })), 12, "0 signatures");
}

#[test]
fn an_artifact_response_signed_by_an_untrusted_key_is_12() {
    let handler: Handler = Box::new(|id| {
        let xml = Answer { signed: false, ..Answer::good() }.soap(id);
        let start = xml.find("<samlp:ArtifactResponse").unwrap();
        let end = xml.find("</soap-env:Body>").unwrap();
        let signed = Signer::new(key("rsa3072.key"), cert("rsa3072.crt"))
            .sign_enveloped(&xml[start..end], "_ar-1")
            .unwrap();
        (200, format!("{}{signed}{}", &xml[..start], &xml[end..]))
    });
    assert_code(run(handler), 12, "does not verify");
}

#[test]
fn a_wrong_in_response_to_is_12() {
    let a = Answer { in_response_to: Some("_someone-else".into()), ..Answer::good() };
    assert_code(run(answer(a)), 12, "InResponseTo");
}

#[test]
fn a_wrong_issuer_is_12() {
    assert_code(
        run(answer(Answer { issuer: "https://evil.example.com".into(), ..Answer::good() })),
        12,
        "Issuer",
    );
}

#[test]
fn a_non_success_status_is_12() {
    let a = Answer { status: "urn:oasis:names:tc:SAML:2.0:status:Requester".into(), ..Answer::good() };
    assert_code(run(answer(a)), 12, "status:Requester");
}

#[test]
fn no_inner_response_is_12() {
    assert_code(run(answer(Answer { inner: None, ..Answer::good() })), 12, "0 samlp:Response");
}

#[test]
fn the_inner_response_is_fully_validated() {
    // A Response for another audience inside a valid ArtifactResponse: the usual assertion code.
    let xml = ResponseBuilder::okta(IDP, "https://other-sp.example.com", ACS, ISSUED.parse().unwrap())
        .sign_with(key("rsa2048.key"), cert("rsa2048.crt"))
        .build()
        .unwrap();
    let r = run(answer(Answer { inner: Some(xml), ..Answer::good() }));
    let e = r.expect_err("rejected");
    assert!(e.detail().to_string().contains("other-sp"), "{:?}: {}", e.code(), e.detail());
    assert!(![11, 12].contains(&e.code().code()), "{:?}: {}", e.code(), e.detail());
}

fn bad_artifact(bytes: Vec<u8>, detail: &str) {
    let art = base64::engine::general_purpose::STANDARD.encode(bytes);
    let r = validator("http://127.0.0.1:9/", Some(Duration::from_secs(1))).validate(&SsoRequest::form(
        "POST",
        &form(&art),
        now(),
    ));
    assert_code(r, 12, detail);
}

#[test]
fn malformed_artifacts_are_12() {
    let good = base64::engine::general_purpose::STANDARD.decode(artifact()).unwrap();
    let mut wrong_type = good.clone();
    wrong_type[1] = 1;
    bad_artifact(wrong_type, "type code 0x0001");
    bad_artifact(good[..43].to_vec(), "43 bytes");
    let other = base64::engine::general_purpose::STANDARD
        .decode(encode_artifact("https://other", 1, &HANDLE))
        .unwrap();
    bad_artifact(other, "SourceID");
    let r = validator("http://127.0.0.1:9/", Some(Duration::from_secs(1))).validate(&SsoRequest::form(
        "POST",
        b"SAMLart=%%%not-base64",
        now(),
    ));
    assert_code(r, 12, "base64");
}

#[cfg(feature = "cli")]
mod cli {
    use super::*;

    fn setup(url: &str) -> (tempfile::TempDir, String) {
        let dir = tempfile::TempDir::new().unwrap();
        let der = std::fs::read(key_path("rsa2048.der")).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        let metadata = format!(
            r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{IDP}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:ArtifactResolutionService Binding="urn:oasis:names:tc:SAML:2.0:bindings:SOAP" Location="{url}" index="1" isDefault="true"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"#
        );
        std::fs::write(dir.path().join("idp.xml"), metadata).unwrap();
        let config = dir.path().join("sp.toml");
        std::fs::write(
            &config,
            format!("[sp]\nentity_id = \"{SP}\"\nacs_url = \"{ACS}\"\n\n[idp]\nmetadata = \"idp.xml\"\n"),
        )
        .unwrap();
        std::fs::write(dir.path().join("body.txt"), form(&artifact())).unwrap();
        let c = config.to_str().unwrap().to_string();
        (dir, c)
    }

    fn cli(config: &str, input: &std::path::Path, extra: &[&str]) -> (Option<i32>, String) {
        let mut args = vec!["validate", "--config", config, "--now", NOW, "--json"];
        args.extend_from_slice(extra);
        let out = Command::new(env!("CARGO_BIN_EXE_samlguard")).args(&args).arg(input).output().unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    }

    #[test]
    fn cli_resolves_with_allow_network() {
        let (url, rx) = serve(artifact(), false, answer(Answer::good()));
        let (dir, config) = setup(&url);
        let (code, out) =
            cli(&config, &dir.path().join("body.txt"), &["--allow-network", "--artifact-timeout", "1"]);
        assert_eq!(rx.recv_timeout(Duration::from_secs(2)).expect("the server was called"), Ok(()));
        assert_eq!(code, Some(0), "{out}");
        assert!(out.contains("\"ok\": true"), "{out}");
    }

    #[test]
    fn cli_without_allow_network_is_12() {
        let (dir, config) = setup("http://127.0.0.1:9/ars");
        let (code, out) = cli(&config, &dir.path().join("body.txt"), &[]);
        assert_eq!(code, Some(1), "{out}");
        assert!(out.contains("\"code\": 12") && out.contains("network access is off"), "{out}");
    }
}
