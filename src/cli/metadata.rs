//! `samlguard metadata idp` (what an IdP's metadata says about its certificates, and what the SP must do)
//! and `samlguard metadata sp` (the SP's own metadata XML).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use clap::{Args, Subcommand};
use samlguard::{
    CertificateStatus, Config, Endpoint, IdpEntityReport, IdpMetadataCheck, IdpMetadataReport, MetadataRoot,
    MetadataSignature, SpMetadataOptions, SsoError, sp_metadata, sp_metadata_signed,
};
use serde_json::{Value, json};

use super::{Failure, input_label, read_limited, write_stdout};

/// `samlguard metadata ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum MetadataCommand {
    /// Reports an IdP's metadata: its certificates, their rollover, what the SP must import or remove
    ///
    /// Shows the entity ID, SSO/SLO endpoints, NameID formats and every certificate, judged at --now;
    /// with --config, compares them with the certificates the SP trusts.
    ///
    /// The metadata's signing certificates are the IdP's: the IdP signs its responses with them and the
    /// SP must trust them ([idp] certificates). The SP's own certificate is a different one: it goes to
    /// the IdP in the SP's metadata (`samlguard metadata sp`).
    ///
    /// When the IdP publishes several signing certificates, the newest (latest notBefore) is named and
    /// the date each older one expires: the IdP publishes its next certificate before it switches, so the
    /// SP must trust both until the switch, and may remove the old one once it has expired.
    ///
    /// A signature on the metadata is verified with the certificates the file itself carries. That only
    /// shows the file is intact; it proves nothing about who made it, unless the signature also verifies
    /// with a certificate the SP already trusts (shown with --config).
    ///
    /// An EntitiesDescriptor (federation file): EntityDescriptors without an IDPSSODescriptor are
    /// skipped; of several IdPs, --entity picks one, else the one matching [idp] entity_id of --config,
    /// else all are reported (without the import/remove comparison).
    ///
    /// --json prints one object:
    /// {"ok": bool, "now": T, "file": "...",
    ///  "metadata": {"root": "EntityDescriptor"|"EntitiesDescriptor", "name": S|null,
    ///    "valid_until": T|null, "skipped_entities": N,
    ///    "signature": {"status": "absent"|"verified"|"invalid"|"unchecked", "signed_element": S|null,
    ///      "signer": CERT|null, "signer_in_key_info": bool|null, "signer_in_metadata": bool|null,
    ///      "signer_trusted": bool|null, "reason": S|null}},
    ///  "entities": [{"entity_id": S, "sso": [{"binding": S, "location": S}], "slo": [...],
    ///    "name_id_formats": [S], "want_authn_requests_signed": bool|null,
    ///    "signing_certificates": [CERT], "encryption_certificates": [CERT],
    ///    "rollover": null | {"newest": SHA256, "older": [SHA256], "explanation": S}}],
    ///  "config": null | {"path": S, "expected_entity_id": S|null, "entity_id_matches": bool|null,
    ///    "compared_entity": S|null, "import": [CERT], "remove": [CERT + "reason": "expired"|"not-in-metadata"],
    ///    "keep": [CERT], "sp_certificate": CERT|null},
    ///  "findings": [{"id": S, "severity": "action"|"info", "entity_id": S|null, "detail": S}]}
    /// where CERT is {"subject", "issuer", "sha256" (lowercase hex), "sha1_thumbprint", "not_before",
    /// "not_after", "days_left", "expired", "not_yet_valid", "newest", "use", "trusted" (bool|null),
    /// "line"} and T an RFC 3339 time. An input that cannot be inspected prints {"ok": false, "reason": S}.
    ///
    /// Exit status: 0 nothing to do; 1 an action is needed (an expired or missing certificate, a
    /// certificate to import or remove, a rollover to check, an entity ID mismatch, a bad metadata
    /// signature...) or the input cannot be inspected; 2 usage error.
    #[command(verbatim_doc_comment)]
    Idp(IdpArgs),
    /// Prints the SP's metadata XML, valid against the OASIS SAML 2.0 metadata schema.
    ///
    /// An EntityDescriptor with one SPSSODescriptor (KeyDescriptors, NameIDFormats, the HTTP-POST
    /// Assertion Consumer Service), from the configuration file.
    ///
    /// AuthnRequestsSigned is true when [sp] private_key is set; WantAssertionsSigned follows
    /// [sp] want_assertions_signed; the [sp] certificate is published with use="signing" (and with
    /// use="encryption" too given --encryption-key: samlguard does not decrypt assertions yet, so it
    /// advertises no encryption key by default). --sign adds an enveloped signature (first
    /// child of EntityDescriptor, which gets an ID) made with [sp] private_key.
    ///
    /// Exit status: 0 printed; 1 the configuration cannot be used or the metadata cannot be signed;
    /// 2 usage error.
    Sp(SpArgs),
}

/// `samlguard metadata idp`.
#[derive(Debug, Args)]
pub(crate) struct IdpArgs {
    /// The time to judge certificates at, RFC 3339 (e.g. 2030-01-01T12:00:30Z). Default: the system clock.
    #[arg(long, value_name = "RFC3339", value_parser = super::validate::parse_now)]
    pub(crate) now: Option<DateTime<Utc>>,
    /// Print one JSON object (its shape is above).
    #[arg(long)]
    pub(crate) json: bool,
    /// The SP configuration file: its [idp] certificates and entity_id are compared with the metadata.
    #[arg(long, value_name = "SP.toml")]
    pub(crate) config: Option<PathBuf>,
    /// Report only this IdP of a file holding several (an EntitiesDescriptor).
    #[arg(long, value_name = "ENTITY_ID")]
    pub(crate) entity: Option<String>,
    /// The IdP's metadata XML, or `-` for standard input.
    #[arg(value_name = "IDP_METADATA.xml")]
    pub(crate) file: String,
}

/// `samlguard metadata sp`.
#[derive(Debug, Args)]
pub(crate) struct SpArgs {
    /// The SP configuration file ([sp] entity_id, acs_url, certificate, private_key...).
    #[arg(long, value_name = "SP.toml")]
    pub(crate) config: PathBuf,
    /// Sign the metadata with [sp] private_key.
    #[arg(long)]
    pub(crate) sign: bool,
    /// Publish the SP certificate with use="encryption" even when samlguard cannot decrypt with the SP
    /// key (by default it is published, with the algorithms samlguard decrypts, exactly when [sp]
    /// private_key is an RSA key).
    #[arg(long, conflicts_with = "no_encryption_key")]
    pub(crate) encryption_key: bool,
    /// Do not publish the SP certificate with use="encryption", even though samlguard could decrypt (the
    /// IdP then has no key to encrypt assertions to).
    #[arg(long)]
    pub(crate) no_encryption_key: bool,
}

/// Runs `samlguard metadata ...`.
pub(crate) fn run(command: &MetadataCommand) -> Result<(), Failure> {
    match command {
        MetadataCommand::Idp(args) => idp(args),
        MetadataCommand::Sp(args) => sp(args),
    }
}

fn config_failure(path: &Path, e: &SsoError) -> String {
    let d = e.detail();
    let mut s = format!("cannot use the configuration {}: {}", path.display(), d.found);
    if let Some(fix) = &d.fix {
        let _ = write!(s, " (fix: {fix})");
    }
    s
}

// ---------------------------------------------------------------------------------------------
// metadata sp
// ---------------------------------------------------------------------------------------------

fn sp(args: &SpArgs) -> Result<(), Failure> {
    let config =
        Config::from_file(&args.config).map_err(|e| Failure::Failed(config_failure(&args.config, &e)))?;
    let sp = config.service_provider();
    let mut options = SpMetadataOptions::new();
    if args.encryption_key || args.no_encryption_key {
        options = options.encryption_key(args.encryption_key);
    }
    let xml = if args.sign {
        sp_metadata_signed(sp, &options).map_err(|e| Failure::Failed(e.to_string()))?
    } else {
        sp_metadata(sp, &options)
    };
    write_stdout(xml.as_bytes())
}

// ---------------------------------------------------------------------------------------------
// metadata idp
// ---------------------------------------------------------------------------------------------

fn idp(args: &IdpArgs) -> Result<(), Failure> {
    let now = args.now.unwrap_or_else(Utc::now);
    let report = match inspect(args, now) {
        Ok(r) => r,
        Err(reason) if args.json => {
            write_stdout(format!("{}\n", json!({"ok": false, "reason": reason})).as_bytes())?;
            return Err(Failure::Reported);
        }
        Err(reason) => return Err(Failure::Failed(reason)),
    };
    let text = if args.json {
        let mut v = report_json(&report, args);
        v.as_object_mut().expect("an object").insert("file".into(), json!(input_label(&args.file)));
        format!("{v}\n")
    } else {
        describe(&report, args)
    };
    write_stdout(text.as_bytes())?;
    if report.needs_action() { Err(Failure::Reported) } else { Ok(()) }
}

fn inspect(args: &IdpArgs, now: DateTime<Utc>) -> Result<IdpMetadataReport, String> {
    let config = match &args.config {
        Some(path) => Some(Config::from_file(path).map_err(|e| config_failure(path, &e))?),
        None => None,
    };
    let mut check = IdpMetadataCheck::new(now);
    if let Some(c) = &config {
        check = check.config(c);
    }
    if let Some(e) = &args.entity {
        check = check.entity(e);
    }
    let label = input_label(&args.file);
    let path = (args.file != "-").then(|| Path::new(&args.file));
    let bytes = read_limited(path, &label, check.parse_options_in_use().max_bytes)?;
    check.inspect(&bytes).map_err(|e| format!("{label}: {e}"))
}

fn t(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn cert_json(s: &CertificateStatus) -> Value {
    let c = &s.certificate;
    json!({
        "subject": c.subject(),
        "issuer": c.issuer(),
        "sha256": c.fingerprint_hex(),
        "sha1_thumbprint": s.sha1_thumbprint(),
        "not_before": t(c.not_before()),
        "not_after": t(c.not_after()),
        "days_left": s.days_left,
        "expired": s.expired,
        "not_yet_valid": s.not_yet_valid,
        "newest": s.newest,
        "use": s.key_use,
        "trusted": s.trusted,
        "line": s.line,
    })
}

fn endpoints_json(list: &[Endpoint]) -> Value {
    Value::Array(list.iter().map(|e| json!({"binding": e.binding, "location": e.location})).collect())
}

fn report_json(r: &IdpMetadataReport, args: &IdpArgs) -> Value {
    let now = r.now;
    let status_of = |c: &samlguard::Certificate| {
        // A trusted or SP certificate, judged like the metadata's.
        let st = r
            .entities
            .iter()
            .flat_map(|e| e.signing.iter())
            .find(|s| &s.certificate == c)
            .cloned()
            .unwrap_or_else(|| CertificateStatus::at(c.clone(), now));
        cert_json(&st)
    };
    // Certificates of the SP's trusted list (keep, remove): trusted by definition.
    let trusted_status = |c: &samlguard::Certificate| {
        let mut v = status_of(c);
        v.as_object_mut().expect("an object").insert("trusted".into(), json!(true));
        v
    };
    let (root, name) = match &r.root {
        MetadataRoot::EntityDescriptor => ("EntityDescriptor", None),
        MetadataRoot::EntitiesDescriptor { name } => ("EntitiesDescriptor", name.clone()),
        _ => ("unknown", None),
    };
    let signature = match &r.signature {
        MetadataSignature::Absent => json!({"status": "absent", "signed_element": null, "signer": null,
            "signer_in_key_info": null, "signer_in_metadata": null, "signer_trusted": null, "reason": null}),
        MetadataSignature::Verified {
            signed_element,
            signer,
            signer_in_key_info,
            signer_in_metadata,
            signer_trusted,
        } => json!({
            "status": "verified", "signed_element": signed_element, "signer": status_of(signer),
            "signer_in_key_info": signer_in_key_info, "signer_in_metadata": signer_in_metadata,
            "signer_trusted": signer_trusted, "reason": null}),
        MetadataSignature::Unchecked { reason } => json!({"status": "unchecked", "signed_element": null,
            "signer": null, "signer_in_key_info": null, "signer_in_metadata": null, "signer_trusted": null,
            "reason": reason}),
        MetadataSignature::Invalid { reason } => json!({"status": "invalid", "signed_element": null,
            "signer": null, "signer_in_key_info": null, "signer_in_metadata": null, "signer_trusted": null,
            "reason": reason}),
        _ => json!({"status": "unknown"}),
    };
    let entities: Vec<Value> = r
        .entities
        .iter()
        .map(|e| {
            json!({
                "entity_id": e.entity_id,
                "sso": endpoints_json(&e.sso),
                "slo": endpoints_json(&e.slo),
                "name_id_formats": e.name_id_formats,
                "want_authn_requests_signed": e.want_authn_requests_signed,
                "signing_certificates": e.signing.iter().map(cert_json).collect::<Vec<_>>(),
                "encryption_certificates": e.encryption.iter().map(cert_json).collect::<Vec<_>>(),
                "rollover": e.rollover.as_ref().map(|ro| json!({
                    "newest": e.signing[ro.newest].certificate.fingerprint_hex(),
                    "older": ro.older.iter().map(|&i| e.signing[i].certificate.fingerprint_hex()).collect::<Vec<_>>(),
                    "explanation": ro.explanation,
                })),
            })
        })
        .collect();
    let config = r.trust.as_ref().map(|tr| {
        json!({
            "path": args.config.as_ref().map(|p| p.display().to_string()),
            "expected_entity_id": tr.expected_entity_id,
            "entity_id_matches": tr.entity_id_matches,
            "compared_entity": tr.compared_entity,
            "import": tr.import.iter().map(status_of).collect::<Vec<_>>(),
            "remove": tr.remove.iter().map(|(c, why)| {
                let mut v = trusted_status(c);
                v.as_object_mut().expect("an object").insert("reason".into(), json!(why.as_str()));
                v
            }).collect::<Vec<_>>(),
            "keep": tr.keep.iter().map(trusted_status).collect::<Vec<_>>(),
            "sp_certificate": tr.sp_certificate.as_ref().map(cert_json),
        })
    });
    let findings: Vec<Value> = r
        .findings
        .iter()
        .map(|f| {
            json!({
                "id": f.id,
                "severity": if f.action { "action" } else { "info" },
                "entity_id": f.entity_id,
                "detail": f.detail,
            })
        })
        .collect();
    json!({
        "ok": !r.needs_action(),
        "now": t(now),
        "metadata": {
            "root": root,
            "name": name,
            "valid_until": r.valid_until.map(t),
            "skipped_entities": r.skipped_entities,
            "signature": signature,
        },
        "entities": entities,
        "config": config,
        "findings": findings,
    })
}

// ---------------------------------------------------------------------------------------------
// human output
// ---------------------------------------------------------------------------------------------

const WIDTH: usize = 100;

/// Word-wraps `text` to WIDTH columns: the first line after `first`, the others after `rest`.
fn wrap(out: &mut String, first: &str, rest: &str, text: &str) {
    let mut line = first.to_owned();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = rest.to_owned();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

fn binding_name(uri: &str) -> &str {
    uri.strip_prefix("urn:oasis:names:tc:SAML:2.0:bindings:").unwrap_or(uri)
}

fn validity(s: &CertificateStatus, now: DateTime<Utc>) -> String {
    let c = &s.certificate;
    let range = format!("{} to {}", t(c.not_before()), t(c.not_after()));
    let state = if s.expired {
        let ago = (now - c.not_after()).num_days();
        format!(
            "EXPIRED {}",
            if ago == 0 { "less than a day ago".to_owned() } else { plural_days(ago) + " ago" }
        )
    } else if s.not_yet_valid {
        let until = (c.not_before() - now).num_days();
        format!("NOT YET VALID: valid in {}", plural_days(until.max(1)))
    } else if s.days_left == 0 {
        "expires in less than a day".to_owned()
    } else {
        format!("expires in {}", plural_days(s.days_left))
    };
    format!("{range}: {state}")
}

fn plural_days(n: i64) -> String {
    if n == 1 { "1 day".to_owned() } else { format!("{n} days") }
}

fn describe_certs(out: &mut String, list: &[CertificateStatus], now: DateTime<Utc>, with_trust: bool) {
    for (i, s) in list.iter().enumerate() {
        let c = &s.certificate;
        let mut marks = Vec::new();
        if s.newest {
            marks.push("newest");
        }
        if s.key_use.is_none() {
            marks.push("KeyDescriptor without use: signing and encryption");
        }
        let marks = if marks.is_empty() { String::new() } else { format!("  [{}]", marks.join("; ")) };
        let _ = writeln!(out, "  {}. {}{marks}", i + 1, c.subject());
        let _ = writeln!(out, "     SHA-256   {}", c.fingerprint_colon());
        let _ =
            writeln!(out, "     SHA-1     {} (thumbprint, as ADFS/Entra ID show it)", s.sha1_thumbprint());
        let _ = writeln!(out, "     valid     {}", validity(s, now));
        if with_trust {
            match s.trusted {
                Some(true) => out.push_str("     trusted   yes: in the SP's [idp] certificates\n"),
                Some(false) => out.push_str("     trusted   NO: not in the SP's [idp] certificates\n"),
                None => {}
            }
        }
    }
}

fn describe_endpoints(out: &mut String, title: &str, list: &[Endpoint]) {
    if list.is_empty() {
        let _ = writeln!(out, "{title:<16} (none)");
    }
    for (i, e) in list.iter().enumerate() {
        let label = if i == 0 { title } else { "" };
        let _ = writeln!(out, "{label:<16} {:<14} {}", binding_name(&e.binding), e.location);
    }
}

fn describe_entity(out: &mut String, e: &IdpEntityReport, now: DateTime<Utc>, with_trust: bool) {
    let _ = writeln!(out, "{:<16} {}", "Entity ID", e.entity_id);
    describe_endpoints(out, "Single sign-on", &e.sso);
    describe_endpoints(out, "Single logout", &e.slo);
    if e.name_id_formats.is_empty() {
        let _ = writeln!(out, "{:<16} (none declared)", "NameID formats");
    }
    for (i, f) in e.name_id_formats.iter().enumerate() {
        let _ = writeln!(out, "{:<16} {f}", if i == 0 { "NameID formats" } else { "" });
    }
    if let Some(w) = e.want_authn_requests_signed {
        let _ = writeln!(out, "{:<16} WantAuthnRequestsSigned={w}", "AuthnRequests");
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "Signing certificates ({}): the IdP signs its responses with these; the SP must trust them.",
        e.signing.len()
    );
    if e.signing.is_empty() {
        out.push_str("  (none)\n");
    }
    describe_certs(out, &e.signing, now, with_trust);
    if !e.encryption.is_empty() {
        out.push('\n');
        wrap(
            out,
            "",
            "",
            &format!(
                "Encryption certificates ({}): the SP would encrypt messages to the IdP with these; they play \
                 no part in checking the IdP's responses.",
                e.encryption.len()
            ),
        );
        describe_certs(out, &e.encryption, now, false);
    }
    if let Some(r) = &e.rollover {
        out.push('\n');
        out.push_str("Rollover\n");
        wrap(out, "  ", "  ", &r.explanation);
    }
}

fn describe(r: &IdpMetadataReport, args: &IdpArgs) -> String {
    let now = r.now;
    let mut out = String::new();
    let kind = match &r.root {
        MetadataRoot::EntitiesDescriptor { name: Some(n) } => format!(" (EntitiesDescriptor {n})"),
        MetadataRoot::EntitiesDescriptor { name: None } => " (EntitiesDescriptor)".to_owned(),
        _ => String::new(),
    };
    let _ = writeln!(out, "IdP metadata {}{kind}, judged at {}", input_label(&args.file), t(now));
    if r.skipped_entities > 0 {
        let n = r.skipped_entities;
        let _ = writeln!(
            out,
            "({n} other {} in the file not reported)",
            if n == 1 { "entity" } else { "entities" }
        );
    }
    let sig = match &r.signature {
        MetadataSignature::Absent => "none: the file's integrity rests on how it was obtained (download it \
             from the IdP over HTTPS)"
            .to_owned(),
        MetadataSignature::Verified {
            signed_element,
            signer,
            signer_in_key_info,
            signer_in_metadata,
            signer_trusted,
        } => {
            let whose = if *signer_in_metadata {
                "one of the IdP signing certificates in this metadata"
            } else if *signer_in_key_info {
                "the certificate in the signature's KeyInfo"
            } else {
                "a certificate the SP trusts"
            };
            let trust = match signer_trusted {
                Some(true) => {
                    " It also verifies with a certificate the SP already trusts: the metadata comes \
                     from the holder of that key."
                        .to_owned()
                }
                Some(false) => " It does NOT verify with any certificate the SP trusts.".to_owned(),
                None => String::new(),
            };
            format!(
                "verifies ({signed_element}) with {whose}, {} (SHA-256 {}). This only shows the file is intact: \
                 anyone can sign metadata with a key of their own and put its certificate inside, so this \
                 proves nothing about who made it; check the fingerprint with the IdP.{trust}",
                signer.subject(),
                signer.fingerprint_colon()
            )
        }
        MetadataSignature::Invalid { reason } => format!("DOES NOT VERIFY: {reason}"),
        MetadataSignature::Unchecked { reason } => format!("present, NOT CHECKED: {reason}"),
        _ => "unknown".to_owned(),
    };
    wrap(&mut out, "Signature        ", "                 ", &sig);
    if let Some(v) = r.valid_until {
        let days = (v - now).num_days().abs();
        let state = if v < now {
            format!("EXPIRED {} ago", plural_days(days))
        } else {
            format!("in {}", plural_days(days))
        };
        let _ = writeln!(out, "{:<16} {} ({state})", "Valid until", t(v));
    }
    for (i, e) in r.entities.iter().enumerate() {
        out.push('\n');
        if r.entities.len() > 1 {
            let _ = writeln!(out, "IdP {} of {}", i + 1, r.entities.len());
        }
        describe_entity(&mut out, e, now, r.trust.is_some());
    }
    if let Some(tr) = &r.trust {
        out.push('\n');
        let path = args.config.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
        let _ = writeln!(out, "Compared with the SP configuration {path}");
        if let Some(expected) = &tr.expected_entity_id {
            let verdict = match tr.entity_id_matches {
                Some(true) => "matches",
                _ => "DOES NOT MATCH",
            };
            let _ = writeln!(out, "  [idp] entity_id   {expected} ({verdict})");
        }
        let _ = writeln!(
            out,
            "  trusted           {} kept, {} to import, {} to remove",
            tr.keep.len(),
            tr.import.len(),
            tr.remove.len()
        );
    }
    let actions: Vec<_> = r.findings.iter().filter(|f| f.action).collect();
    let notes: Vec<_> = r.findings.iter().filter(|f| !f.action).collect();
    out.push('\n');
    if actions.is_empty() {
        out.push_str("Nothing to do.\n");
    } else {
        let _ = writeln!(out, "To do ({}):", actions.len());
        for f in actions {
            wrap(&mut out, &format!("  - [{}] ", f.id), "    ", &f.detail);
        }
    }
    if !notes.is_empty() {
        out.push_str("Notes:\n");
        for f in notes {
            wrap(&mut out, &format!("  - [{}] ", f.id), "    ", &f.detail);
        }
    }
    out
}
