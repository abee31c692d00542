//! What a device signs so that its authorship survives relaying: the head of its chain of
//! changes to a circle, and its own claim of what it holds.
//!
//! Each device's changes to a circle form a hash chain: `chain(n) = H(chain(n-1), digest(n))`,
//! starting from a value fixed by the circle and the device. A change's digest covers its
//! author, number, clock, circle, record, operation and a digest of its fields, so the fields
//! can be wiped (a reflection taken back) while the change still proves its place: a wiped
//! change keeps its fields' digest. The device signs `(circle, device, n, chain(n))` when it
//! shares; anyone may pass its changes on with that signature, and no one can alter, drop
//! from the middle, renumber or invent any of them without the device's key.
//!
//! Changes written before chains existed (up to the device's `legacy_upto`) are chained with
//! an all-zero fields digest: their numbers, clocks and records are proven, their fields are
//! not (they were accepted on the word of the member who passed them on, as before).

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use std::collections::BTreeMap;

/// A SHA-256 value.
pub type Digest = [u8; 32];

/// The fields digest of changes written before chains existed.
pub const LEGACY_FIELDS: Digest = [0; 32];

const CHANGE_CONTEXT: &[u8] = b"kinship-change/1\0";
const CHAIN_CONTEXT: &[u8] = b"kinship-chain/1\0";
const START_CONTEXT: &[u8] = b"kinship-chain-start/1\0";
const HEAD_CONTEXT: &[u8] = b"kinship-head/1\0";
const CLAIM_CONTEXT: &[u8] = b"kinship-have/1\0";

fn sha256(parts: &[&[u8]]) -> Digest {
    let mut hash = Sha256::new();
    for part in parts {
        // Length-prefixed, so no two different lists of parts hash the same bytes.
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    hash.finalize().into()
}

/// Writes `value` as JSON with every object's keys sorted: the same bytes for the same value
/// whatever order its maps keep.
pub fn canonical_json(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push(b'{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, key).expect("a string serialises");
                out.push(b':');
                canonical_json(&map[key], out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                canonical_json(item, out);
            }
            out.push(b']');
        }
        scalar => serde_json::to_writer(&mut *out, scalar).expect("a scalar serialises"),
    }
}

/// The digest of a change's fields: what a wiped change keeps in their place.
pub fn fields_digest(fields: &Value) -> Digest {
    let mut bytes = Vec::new();
    canonical_json(fields, &mut bytes);
    sha256(&[&bytes])
}

/// The parts of a change its digest covers, apart from the fields.
#[derive(Debug, Clone, Copy)]
pub struct ChangeId<'a> {
    pub circle_id: &'a str,
    pub author_device: &'a str,
    pub seq: i64,
    pub hlc: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub op: &'a str,
}

/// A change's digest: everything about it, its fields by their digest.
pub fn change_digest(id: &ChangeId, fields: &Digest) -> Digest {
    sha256(&[
        CHANGE_CONTEXT,
        id.circle_id.as_bytes(),
        id.author_device.as_bytes(),
        &id.seq.to_be_bytes(),
        id.hlc.as_bytes(),
        id.entity.as_bytes(),
        id.entity_id.as_bytes(),
        id.op.as_bytes(),
        fields,
    ])
}

/// Where a device's chain in a circle starts (the value before its change 1).
pub fn chain_start(circle_id: &str, device: &str) -> Digest {
    sha256(&[START_CONTEXT, circle_id.as_bytes(), device.as_bytes()])
}

/// The chain value after a change with digest `change`.
pub fn chain_next(previous: &Digest, change: &Digest) -> Digest {
    sha256(&[CHAIN_CONTEXT, previous, change])
}

/// A device's signed statement that its chain in a circle reached `chain` at change `seq`,
/// and that its changes up to `legacy_upto` were written before chains existed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub legacy_upto: i64,
    pub signature: [u8; 64],
}

fn head_message(circle_id: &str, device: &str, seq: i64, legacy_upto: i64, chain: &Digest) -> Digest {
    sha256(&[
        HEAD_CONTEXT,
        circle_id.as_bytes(),
        device.as_bytes(),
        &seq.to_be_bytes(),
        &legacy_upto.to_be_bytes(),
        chain,
    ])
}

/// Signs the head of this device's chain.
pub fn sign_head(key: &SigningKey, circle_id: &str, device: &str, seq: i64, legacy_upto: i64, chain: &Digest) -> Head {
    let message = head_message(circle_id, device, seq, legacy_upto, chain);
    Head { seq, legacy_upto, signature: key.sign(&message).to_bytes() }
}

/// Whether `head` is `device`'s signature over `chain` at `head.seq` in this circle.
pub fn verify_head(key: &VerifyingKey, circle_id: &str, device: &str, chain: &Digest, head: &Head) -> bool {
    let message = head_message(circle_id, device, head.seq, head.legacy_upto, chain);
    key.verify(&message, &Signature::from_bytes(&head.signature)).is_ok()
}

/// A device's signed claim of what it holds of a circle (the highest change it holds without
/// a gap, per device), made at clock reading `at`. Passed on by others, it cannot be altered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HaveClaim {
    pub device: String,
    pub at: String,
    pub have: BTreeMap<String, i64>,
    pub signature: [u8; 64],
}

fn claim_message(circle_id: &str, device: &str, at: &str, have: &BTreeMap<String, i64>) -> Digest {
    let mut listed = Vec::new();
    for (holder, seq) in have {
        listed.extend_from_slice(&(holder.len() as u64).to_be_bytes());
        listed.extend_from_slice(holder.as_bytes());
        listed.extend_from_slice(&seq.to_be_bytes());
    }
    sha256(&[CLAIM_CONTEXT, circle_id.as_bytes(), device.as_bytes(), at.as_bytes(), &listed])
}

/// This device's signed claim of what it holds.
pub fn sign_claim(key: &SigningKey, circle_id: &str, device: &str, at: &str, have: BTreeMap<String, i64>) -> HaveClaim {
    let signature = key.sign(&claim_message(circle_id, device, at, &have)).to_bytes();
    HaveClaim { device: device.to_owned(), at: at.to_owned(), have, signature }
}

/// Whether `claim` was signed by its device's `key` for this circle.
pub fn verify_claim(key: &VerifyingKey, circle_id: &str, claim: &HaveClaim) -> bool {
    let message = claim_message(circle_id, &claim.device, &claim.at, &claim.have);
    key.verify(&message, &Signature::from_bytes(&claim.signature)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn id<'a>(seq: i64, hlc: &'a str) -> ChangeId<'a> {
        ChangeId {
            circle_id: "circle",
            author_device: "dev-a",
            seq,
            hlc,
            entity: "reflection",
            entity_id: "r1",
            op: "put",
        }
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_depth() {
        let a: Value = serde_json::from_str(r#"{"b":1,"a":{"z":[1,{"y":2,"x":"é"}],"c":null}}"#).unwrap();
        let mut out = Vec::new();
        canonical_json(&a, &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"a":{"c":null,"z":[1,{"x":"é","y":2}]},"b":1}"#);
        let mut b = serde_json::Map::new();
        b.insert("a".into(), a["a"].clone());
        b.insert("b".into(), json!(1));
        assert_eq!(fields_digest(&a), fields_digest(&Value::Object(b)));
    }

    #[test]
    fn every_part_of_a_change_is_in_its_digest() {
        let fields = fields_digest(&json!({"text": "Thank you all"}));
        let base = change_digest(&id(3, "h1"), &fields);
        let variants = [
            change_digest(&ChangeId { circle_id: "other", ..id(3, "h1") }, &fields),
            change_digest(&ChangeId { author_device: "dev-b", ..id(3, "h1") }, &fields),
            change_digest(&id(4, "h1"), &fields),
            change_digest(&id(3, "h2"), &fields),
            change_digest(&ChangeId { entity: "goal", ..id(3, "h1") }, &fields),
            change_digest(&ChangeId { entity_id: "r2", ..id(3, "h1") }, &fields),
            change_digest(&ChangeId { op: "delete", ..id(3, "h1") }, &fields),
            change_digest(&id(3, "h1"), &fields_digest(&json!({"text": "Thank you all!"}))),
        ];
        for (i, v) in variants.iter().enumerate() {
            assert_ne!(&base, v, "variant {i} must change the digest");
        }
        // Splitting text differently between parts never collides.
        let shifted = ChangeId { entity: "reflectionr", entity_id: "1", ..id(3, "h1") };
        assert_ne!(base, change_digest(&shifted, &fields));
    }

    #[test]
    fn a_signed_head_proves_the_whole_chain_and_nothing_else() {
        let signer = key(7);
        let changes: Vec<Digest> =
            (1..=5).map(|n| change_digest(&id(n, "h"), &fields_digest(&json!({ "n": n })))).collect();
        let chain_of =
            |digests: &[Digest]| digests.iter().fold(chain_start("circle", "dev-a"), |c, d| chain_next(&c, d));
        let head = sign_head(&signer, "circle", "dev-a", 5, 0, &chain_of(&changes));
        let public = signer.verifying_key();
        assert!(verify_head(&public, "circle", "dev-a", &chain_of(&changes), &head));

        let mut dropped = changes.clone();
        dropped.remove(2);
        assert!(!verify_head(&public, "circle", "dev-a", &chain_of(&dropped), &head), "one dropped from the middle");
        let mut altered = changes.clone();
        altered[1] = change_digest(&id(2, "h"), &fields_digest(&json!({ "n": 99 })));
        assert!(!verify_head(&public, "circle", "dev-a", &chain_of(&altered), &head), "one altered");
        assert!(!verify_head(&public, "other-circle", "dev-a", &chain_of(&changes), &head), "another circle");
        assert!(!verify_head(&public, "circle", "dev-b", &chain_of(&changes), &head), "another device");
        assert!(!verify_head(&key(8).verifying_key(), "circle", "dev-a", &chain_of(&changes), &head), "another key");
        let claims_more_legacy = Head { legacy_upto: 5, ..head.clone() };
        assert!(!verify_head(&public, "circle", "dev-a", &chain_of(&changes), &claims_more_legacy));
        let renumbered = Head { seq: 6, ..head };
        assert!(!verify_head(&public, "circle", "dev-a", &chain_of(&changes), &renumbered));
    }

    #[test]
    fn a_claim_of_what_a_device_holds_cannot_be_altered() {
        let signer = key(3);
        let have = BTreeMap::from([("dev-a".to_string(), 40), ("dev-b".to_string(), 7)]);
        let claim = sign_claim(&signer, "circle", "dev-b", "0000018c-0001-dev-b", have);
        let public = signer.verifying_key();
        assert!(verify_claim(&public, "circle", &claim));
        let mut inflated = claim.clone();
        inflated.have.insert("dev-a".into(), 400);
        assert!(!verify_claim(&public, "circle", &inflated), "a relayer raising what a member holds");
        let reassigned = HaveClaim { device: "dev-c".into(), ..claim.clone() };
        assert!(!verify_claim(&public, "circle", &reassigned));
        assert!(!verify_claim(&public, "other", &claim));
        assert!(!verify_claim(&key(4).verifying_key(), "circle", &claim));
    }
}
