//! `Document::parse` on arbitrary bytes must not panic; every node of an accepted document can be read,
//! and the tree and namespace bindings are consistent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use samlguard::{Document, NodeKind};

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = Document::parse(data) else { return };
    for node in doc.nodes() {
        let _ = (node.kind(), node.position());
        for child in node.children() {
            assert_eq!(child.parent().map(|p| p.id()), Some(node.id()));
            assert!(node.contains(child.id()));
        }
        if let NodeKind::Element = node.kind() {
            let el = node.as_element().expect("an Element node is an element");
            let _ = (el.qualified_name(), el.text(), el.in_scope_namespaces());
            assert_eq!(el.lookup_namespace(el.prefix()), el.namespace(), "{}", el.qualified_name());
            for decl in el.namespace_declarations() {
                let _ = (decl.prefix, decl.uri);
            }
            for attr in el.attributes() {
                let _ = (attr.qualified_name(), attr.value());
                match attr.prefix() {
                    None => assert_eq!(attr.namespace(), None, "{}", attr.qualified_name()),
                    prefix => assert_eq!(attr.namespace(), el.lookup_namespace(prefix)),
                }
            }
        }
    }
});
