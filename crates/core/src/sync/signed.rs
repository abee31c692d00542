//! What a device signs so that its authorship survives relaying: the head of its chain of
//! changes to a circle (`changelog::chain`), and its own claim of what it holds. Each is bound
//! to its circle, so a signature made for one circle means nothing in another.

use crate::changelog::chain::{sha256, Digest};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use std::collections::BTreeMap;

const HEAD_CONTEXT: &[u8] = b"kinship-head/1\0";
const CLAIM_CONTEXT: &[u8] = b"kinship-have/1\0";

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
    use crate::changelog::chain::tests::id;
    use crate::changelog::chain::{chain_next, chain_start, change_digest, fields_digest};
    use serde_json::json;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
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
