//! Attacks by a misbehaving member, each played with real keys: Mal is a current member of
//! Ana's circle, with Ben, and holds her own laptop's keys. Each forged bundle goes through the
//! path a received file takes (open, check, apply) and is refused whole, with a message naming
//! who and why, and Ana's every table's row count and her dump are unchanged.

use super::bundle::{self, Bundle, Claim, Segment};
use super::invite::Invite;
use super::seal;
use crate::changelog::entity;
use crate::test_support::t;
use crate::{
    AgendaItemInput, CircleInput, FixedClock, IdentityInput, MeetingInput, MemberInput, ReflectionInput, Store,
};
use serde_json::json;
use std::sync::Arc;

struct Circle {
    ana: Store,
    ben: Store,
    mal: Store,
    circle: String,
    meeting: String,
    ben_member: String,
    mal_member: String,
}

fn laptop(name: &str) -> Store {
    let clock = Arc::new(FixedClock::new(t("2026-12-01T10:00:00Z")));
    let mut store = Store::open_in_memory_with_clock(clock).unwrap();
    let email = format!("{}@uni.edu", name.to_lowercase());
    store.create_identity(&IdentityInput { name: name.into(), email, ..Default::default() }).unwrap();
    store
}

/// The invite Ana's laptop writes for `member` (not locked with a passphrase: only slower).
fn invite_from(inviter: &mut Store, circle: &str, member: &str) -> Invite {
    inviter.prepare_invite(circle, member, None).unwrap().0
}

/// Shares what `to` may lack from `from` and applies it on `to`, the way a person does.
fn deliver(from: &mut Store, to: &mut Store, circle: &str) {
    let shared = from.share_bundle(circle, false).unwrap();
    let incoming = to.open_bundle(&shared.bytes).unwrap();
    to.apply_bundle(&incoming, false).unwrap();
}

/// Ana founded the circle; Ben and Mal joined with invites, and every laptop has heard from
/// every other, so each holds everyone's keys.
fn circle_of_three() -> Circle {
    let mut ana = laptop("Ana");
    let circle =
        ana.create_circle(&CircleInput { name: "Early-career librarians".into(), ..Default::default() }).unwrap().id;
    let meeting = ana
        .create_meeting(&MeetingInput {
            circle_id: circle.clone(),
            starts_at: "2026-12-08T18:00:00Z".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let add = |ana: &mut Store, name: &str| {
        let email = format!("{}@uni.edu", name.to_lowercase());
        ana.add_member(&MemberInput { circle_id: circle.clone(), name: name.into(), email, ..Default::default() })
            .unwrap()
            .id
    };
    let ben_member = add(&mut ana, "Ben");
    let mal_member = add(&mut ana, "Mal");
    let mut ben = laptop("Ben");
    ben.join(&invite_from(&mut ana, &circle, &ben_member), None).unwrap();
    let mut mal = laptop("Mal");
    mal.join(&invite_from(&mut ana, &circle, &mal_member), None).unwrap();
    deliver(&mut ben, &mut ana, &circle);
    deliver(&mut mal, &mut ana, &circle);
    deliver(&mut ana, &mut ben, &circle);
    deliver(&mut ana, &mut mal, &circle);
    Circle { ana, ben, mal, circle, meeting, ben_member, mal_member }
}

use crate::test_support::row_counts;

/// Mal's full bundle, changed by `edit`, sealed and signed by her laptop to the circle.
fn forged_by(c: &Circle, edit: impl FnOnce(&mut Bundle)) -> Vec<u8> {
    let mut bundle = c.mal.export_bundle(&c.circle, None).unwrap();
    edit(&mut bundle);
    let recipients = c.mal.recipients(&c.circle).unwrap();
    seal::seal(&bundle::encode(&bundle).unwrap(), c.mal.device_id(), &c.mal.secret_keys().unwrap(), &recipients.keys)
        .unwrap()
}

/// Opens and applies `bytes` on Ana's laptop; insists it is refused with `why` in its message
/// and that nothing at all changed.
fn refused_by_ana(c: &mut Circle, bytes: &[u8], why: &str) -> String {
    let before = (row_counts(&c.ana), c.ana.dump(&c.circle).unwrap());
    let result = c.ana.open_bundle(bytes).and_then(|incoming| c.ana.apply_bundle(&incoming, false));
    let message = result.expect_err("the forged bundle must be refused").to_string();
    assert!(message.contains(why), "refused, but not for the reason expected ({why}): {message}");
    assert_eq!((row_counts(&c.ana), c.ana.dump(&c.circle).unwrap()), before, "a refused bundle changed nothing");
    message
}

fn share(store: &mut Store, meeting: &str, words: &str) -> String {
    let input =
        ReflectionInput { meeting_id: Some(meeting.into()), text: words.into(), shared: true, ..Default::default() };
    store.add_reflection(&input).unwrap().id
}

#[test]
fn a_relaying_member_cannot_rewrite_what_another_member_wrote() {
    let mut c = circle_of_three();
    let id = share(&mut c.ben, &c.meeting.clone(), "What I learned from the job talk");
    deliver(&mut c.ben, &mut c.mal, &c.circle.clone());
    let bytes = forged_by(&c, |b| {
        let change = b.changes.iter_mut().find(|ch| ch.entity_id == id && ch.op == "put").unwrap();
        change.fields["text"] = json!("I think this circle is a waste of time");
    });
    refused_by_ana(&mut c, &bytes, "Ben's changes in it were altered or made up on the way");
}

#[test]
fn a_relaying_member_cannot_drop_a_change_from_the_middle_of_anothers() {
    let mut c = circle_of_three();
    let meeting = c.meeting.clone();
    for title in ["Tenure file", "Writing group", "Conference budget"] {
        c.ben
            .add_agenda_item(&AgendaItemInput {
                meeting_id: meeting.clone(),
                title: title.into(),
                ..Default::default()
            })
            .unwrap();
    }
    deliver(&mut c.ben, &mut c.mal, &c.circle.clone());
    let ben_device = c.ben.device_id().to_string();
    let bytes = forged_by(&c, |b| {
        let middle =
            b.changes.iter().position(|ch| ch.author_device == ben_device && ch.fields["title"] == "Writing group");
        b.changes.remove(middle.unwrap());
    });
    refused_by_ana(&mut c, &bytes, "is missing from the middle of what Ben signed");
}

#[test]
fn a_member_cannot_invent_or_claim_the_next_changes_of_another_laptop() {
    let mut c = circle_of_three();
    let ben_device = c.ben.device_id().to_string();
    let next = c.ana.version_vector(&c.circle).unwrap()[&ben_device] + 1;
    let meeting = c.meeting.clone();
    let bytes = forged_by(&c, |b| {
        let mut fake = b
            .changes
            .iter()
            .find(|ch| ch.entity == entity::AGENDA_ITEM)
            .cloned()
            .unwrap_or_else(|| b.changes.iter().find(|ch| ch.entity == entity::MEETING).cloned().unwrap());
        fake.author_device = ben_device.clone();
        fake.hlc = crate::Hlc { millis: t("2026-12-02T10:00:00Z").timestamp_millis(), counter: 0 }.encode(&ben_device);
        fake.seq = next;
        fake.entity = entity::AGENDA_ITEM.into();
        fake.entity_id = crate::ids::new_id();
        fake.fields = json!({"id": fake.entity_id, "meeting_id": meeting, "title": "Ben quits the circle"});
        // Signed by Mal's own key, as the only key she holds.
        let segment =
            super::authorship::sign_run(&c.mal.secret_keys().unwrap().signing, &[fake.clone()], None).unwrap();
        let prev = crate::changelog::chain::chain_at(c.mal.conn(), &c.circle, &ben_device, next - 1).unwrap().unwrap();
        b.segments.push(Segment { prev: hex::encode(prev), ..segment });
        b.changes.push(fake);
    });
    refused_by_ana(&mut c, &bytes, "Ben's changes in it were altered or made up on the way");
    // Ben's own next change, with that number, is still taken everywhere.
    c.ben
        .add_agenda_item(&AgendaItemInput {
            meeting_id: c.meeting.clone(),
            title: "Real point".into(),
            ..Default::default()
        })
        .unwrap();
    deliver(&mut c.ben, &mut c.ana, &c.circle.clone());
    assert!(c.ana.dump(&c.circle).unwrap().contains("Real point"));
}

#[test]
fn a_member_cannot_write_in_another_members_name() {
    let mut c = circle_of_three();
    let (circle, ben) = (c.circle.clone(), c.ben_member.clone());
    let meeting = c.meeting.clone();
    // A talking point "brought by Ben", written on Mal's laptop (signed as hers, truthfully).
    c.mal
        .write(|tx| {
            let id = crate::ids::new_id();
            let fields = json!({"id": id, "meeting_id": meeting, "title": "Ben wants to leave", "contributor_id": ben});
            tx.log(&circle, entity::AGENDA_ITEM, &id, fields)
        })
        .unwrap();
    let bytes = forged_by(&c, |_| {});
    refused_by_ana(&mut c, &bytes, "Mal wrote a talking point in Ben's name, which only Ben can do");
}

#[test]
fn a_member_cannot_change_another_members_reflection_or_details() {
    let mut c = circle_of_three();
    let circle = c.circle.clone();
    let id = share(&mut c.ben, &c.meeting.clone(), "Thank you all");
    deliver(&mut c.ben, &mut c.ana, &circle);
    deliver(&mut c.ben, &mut c.mal, &circle);
    c.mal.write(|tx| tx.log(&circle, entity::REFLECTION, &id, json!({"text": "I take it all back"}))).unwrap();
    let bytes = forged_by(&c, |_| {});
    refused_by_ana(&mut c, &bytes, "Mal wrote a reflection in Ben's name");

    // On a laptop of Mal's that never wrote that, she changes Ben's email (Ben joined long ago).
    let mut c = circle_of_three();
    let ben = c.ben_member.clone();
    let circle = c.circle.clone();
    c.mal.write(|tx| tx.log(&circle, entity::MEMBER, &ben, json!({"email": "ben@evil.example"}))).unwrap();
    let bytes = forged_by(&c, |_| {});
    refused_by_ana(&mut c, &bytes, "Mal wrote a member's details in Ben's name");
}

#[test]
fn a_member_cannot_add_a_laptop_for_someone_else_by_vouching_for_it() {
    let mut c = circle_of_three();
    let circle = c.circle.clone();
    let ben = c.ben_member.clone();
    let mal_device = c.mal.device_id().to_string();
    let fake = seal::DeviceKeys::generate();
    let fake_device = crate::ids::new_id();
    let mal_keys = c.mal.secret_keys().unwrap();
    c.mal
        .write(|tx| {
            let by = format!("device:{mal_device}");
            super::keys::add_key(tx, &circle, &ben, &fake_device, &fake.public(), &by, &mal_keys.signing).map(|_| ())
        })
        .unwrap();
    let bytes = forged_by(&c, |_| {});
    refused_by_ana(&mut c, &bytes, "vouched for by a device of another member");
}

#[test]
fn a_backdated_founder_is_refused() {
    let mut c = circle_of_three();
    let circle = c.circle.clone();
    // A new device of Mal's whose change 1 "creates" the circle, stamped before Ana did.
    let rogue = laptop("Mal");
    let rogue_device = rogue.device_id().to_string();
    let rogue_keys = rogue.secret_keys().unwrap();
    let stamp = crate::Hlc { millis: t("2020-01-01T00:00:00Z").timestamp_millis(), counter: 0 }.encode(&rogue_device);
    let public = rogue_keys.public();
    let key_id = crate::ids::new_id();
    let mut changes = vec![
        crate::Change {
            author_device: rogue_device.clone(),
            seq: 1,
            hlc: stamp.clone(),
            circle_id: circle.clone(),
            entity: entity::CIRCLE.into(),
            entity_id: circle.clone(),
            op: "put".into(),
            fields: json!({"name": "Mal's circle now"}),
        },
        crate::Change {
            author_device: rogue_device.clone(),
            seq: 2,
            hlc: stamp.replace("000000-", "000001-"),
            circle_id: circle.clone(),
            entity: entity::MEMBER.into(),
            entity_id: c.mal_member.clone(),
            op: "put".into(),
            fields: json!({"role": "convener"}),
        },
    ];
    changes.push(crate::Change {
        author_device: rogue_device.clone(),
        seq: 3,
        hlc: stamp.replace("000000-", "000002-"),
        circle_id: circle.clone(),
        entity: entity::DEVICE_KEY.into(),
        entity_id: key_id.clone(),
        op: "put".into(),
        fields: json!({
            "id": key_id, "circle_id": circle, "member_id": c.mal_member, "device_id": rogue_device,
            "signing_key": public.signing_key, "age_recipient": public.age_recipient, "authorized_by": "founder",
            "proof": super::keys::sign_key(&rogue_keys.signing, &circle, &c.mal_member, &rogue_device, &public),
            "added_at": "2020-01-01T00:00:00Z",
        }),
    });
    let segment = super::authorship::sign_run(&rogue_keys.signing, &changes, None).unwrap();
    let bytes = forged_by(&c, |b| {
        b.changes.extend(changes.clone());
        b.segments.push(segment.clone());
    });
    refused_by_ana(&mut c, &bytes, "claiming to found a circle that already has its founder");
}

#[test]
fn a_forged_claim_of_what_another_member_holds_is_refused() {
    let mut c = circle_of_three();
    let ben_device = c.ben.device_id().to_string();
    let bytes = forged_by(&c, |b| {
        let mut have = b.have.clone();
        have.values_mut().for_each(|n| *n += 1000);
        // "Ben already holds everything": the circle would stop sending Ben anything.
        b.claims.push(Claim {
            device: ben_device.clone(),
            at: "2026-12-31T00:00:00Z".into(),
            have,
            signature: "00".repeat(64),
        });
    });
    refused_by_ana(&mut c, &bytes, "a claim of what a laptop has that the laptop did not sign");
}

#[test]
fn a_removed_member_cannot_undo_the_removal_nor_write_on_through_others() {
    let mut c = circle_of_three();
    let circle = c.circle.clone();
    c.ana.remove_member(&circle, &c.mal_member.clone()).unwrap();
    // Before hearing of it, Mal clears her own removal and writes on; Ben takes her bundle.
    let mal = c.mal_member.clone();
    c.mal.write(|tx| tx.log(&circle, entity::MEMBER, &mal, json!({"left_at": null}))).unwrap();
    c.mal
        .add_agenda_item(&AgendaItemInput {
            meeting_id: c.meeting.clone(),
            title: "Mal's last word".into(),
            ..Default::default()
        })
        .unwrap();
    deliver(&mut c.mal, &mut c.ben, &circle);
    assert!(c.ben.dump(&circle).unwrap().contains("Mal's last word"));
    // Ana's bundle (which Mal's laptop can no longer read) reaches Ben: the removal stands and
    // what Mal wrote after it is gone from Ben's laptop too.
    let shared = c.ana.share_bundle(&circle, false).unwrap();
    assert!(c.mal.open_bundle(&shared.bytes).unwrap_err().to_string().contains("not addressed to you"));
    let incoming = c.ben.open_bundle(&shared.bytes).unwrap();
    let applied = c.ben.apply_bundle(&incoming, false).unwrap();
    assert!(applied.report.revoked_left_out >= 2, "{:?}", applied.report);
    assert!(!c.ben.dump(&circle).unwrap().contains("Mal's last word"));
    assert!(c.ben.member(&mal).unwrap().left_at.is_some(), "the removal is not undone");
    // Ben passes everything on to Ana: both end the same, Mal still removed.
    deliver(&mut c.ben, &mut c.ana, &circle);
    assert_eq!(c.ana.dump(&circle).unwrap(), c.ben.dump(&circle).unwrap());
    assert!(c.ana.member(&mal).unwrap().left_at.is_some());
    // And Mal's own bundles are refused.
    let hers = forged_by(&c, |_| {});
    refused_by_ana(&mut c, &hers, "who is no longer in the circle");
}

#[test]
fn a_lost_laptop_revoked_from_another_laptop_reads_and_writes_nothing_after() {
    let mut c = circle_of_three();
    let circle = c.circle.clone();
    // Ben adds a second laptop, which is then lost; Ben revokes it from his first laptop.
    let clock = Arc::new(FixedClock::new(t("2026-12-01T10:00:00Z")));
    let mut second = Store::open_in_memory_with_clock(clock).unwrap();
    second.join(&c.ben.prepare_invite(&circle, &c.ben_member.clone(), None).unwrap().0, None).unwrap();
    deliver(&mut second, &mut c.ben, &circle);
    deliver(&mut c.ben, &mut c.ana, &circle);
    let lost = c.ben.device_keys(&circle).unwrap().into_iter().find(|k| k.device_id == second.device_id()).unwrap();
    assert!(c.ben.revoke_laptop(&circle, &lost.id).unwrap().revoked_after.is_some());
    deliver(&mut c.ben, &mut c.ana, &circle);
    let shared = c.ana.share_bundle(&circle, false).unwrap();
    assert!(second.open_bundle(&shared.bytes).unwrap_err().to_string().contains("not addressed to you"));
    second
        .add_agenda_item(&AgendaItemInput {
            meeting_id: c.meeting.clone(),
            title: "From the thief".into(),
            ..Default::default()
        })
        .unwrap();
    let stolen = second.export_bundle(&circle, None).unwrap();
    let recipients = second.recipients(&circle).unwrap();
    let bytes = seal::seal(
        &bundle::encode(&stolen).unwrap(),
        second.device_id(),
        &second.secret_keys().unwrap(),
        &recipients.keys,
    )
    .unwrap();
    refused_by_ana(&mut c, &bytes, "that was revoked");
}

#[test]
fn a_key_from_another_circle_does_not_sign_for_this_one() {
    let mut c = circle_of_three();
    // Eve shares a different circle with Ana, and is not in this one.
    let mut eve = laptop("Eve");
    let other = eve.create_circle(&CircleInput { name: "Book club".into(), ..Default::default() }).unwrap().id;
    let ana_in_other = eve
        .add_member(&MemberInput {
            circle_id: other.clone(),
            name: "Ana".into(),
            email: "ana@uni.edu".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    c.ana.join(&invite_from(&mut eve, &other, &ana_in_other), None).unwrap();
    // Eve writes a bundle for Ana's circle, signed by the key Ana's laptop holds for her in the other.
    let mut forged = c.mal.export_bundle(&c.circle, None).unwrap();
    forged.sender_device = eve.device_id().into();
    let recipients = c.ana.recipients(&c.circle).unwrap();
    let bytes =
        seal::seal(&bundle::encode(&forged).unwrap(), eve.device_id(), &eve.secret_keys().unwrap(), &recipients.keys)
            .unwrap();
    refused_by_ana(&mut c, &bytes, "it comes from a device this circle does not know");
}

mod among_honest_laptops {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Op {
        /// Laptop 0 (Ana), 1 (Ben) or 2 (Mal) adds a talking point.
        Edit { laptop: usize, n: u8 },
        /// Shares what `to` may lack from `from`.
        Deliver { from: usize, to: usize },
        /// Mal forges a bundle of kind `kind` for Ana (0) or Ben (1).
        Forge { to: usize, kind: u8 },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0..3usize, any::<u8>()).prop_map(|(laptop, n)| Op::Edit { laptop, n }),
            (0..3usize, 0..3usize)
                .prop_filter("to another", |(f, t)| f != t)
                .prop_map(|(from, to)| Op::Deliver { from, to }),
            (0..2usize, 0..3u8).prop_map(|(to, kind)| Op::Forge { to, kind }),
        ]
    }

    /// Mal's full bundle with one forgery of `kind` in it, or `None` if she holds nothing of
    /// others' to forge that way yet.
    fn forge(mal: &Store, circle: &str, victim_device: &str, kind: u8) -> Option<Vec<u8>> {
        let mut b = mal.export_bundle(circle, None).unwrap();
        let others: Vec<usize> = (0..b.changes.len())
            .filter(|&i| b.changes[i].author_device != mal.device_id() && b.changes[i].entity == entity::AGENDA_ITEM)
            .collect();
        match kind {
            0 => b.changes[*others.first()?].fields["title"] = json!("FORGED title"),
            1 => {
                let next = b.changes.iter().filter(|c| c.author_device == victim_device).map(|c| c.seq).max()? + 1;
                let mut fake = b.changes[*others.first()?].clone();
                fake.author_device = victim_device.into();
                fake.seq = next;
                fake.hlc = crate::Hlc { millis: t("2026-12-02T10:00:00Z").timestamp_millis(), counter: 0 }
                    .encode(victim_device);
                fake.fields = json!({"title": "FORGED point"});
                let prev = crate::changelog::chain::chain_at(mal.conn(), circle, victim_device, next - 1).unwrap()?;
                let segment =
                    super::super::authorship::sign_run(&mal.secret_keys().unwrap().signing, &[fake.clone()], None)?;
                b.segments.push(Segment { prev: hex::encode(prev), ..segment });
                b.changes.push(fake);
            }
            _ => {
                let i = *others.get(1)?;
                let last_of_run = b.changes.get(i + 1).is_none_or(|n| n.author_device != b.changes[i].author_device);
                if last_of_run {
                    return None;
                }
                b.changes[i].fields["title"] = json!("FORGED");
                b.changes.remove(i);
            }
        }
        let recipients = mal.recipients(circle).unwrap();
        Some(
            seal::seal(&bundle::encode(&b).unwrap(), mal.device_id(), &mal.secret_keys().unwrap(), &recipients.keys)
                .unwrap(),
        )
    }

    /// Found by the property test below: a forged bundle holding nothing its receiver lacks
    /// (Ana's own changes, one dropped from the middle) is refused too, not taken as "nothing new".
    #[test]
    fn a_forgery_of_what_the_receiver_already_holds_is_refused() {
        let mut c = circle_of_three();
        for n in [0, 0, 2] {
            let input =
                AgendaItemInput { meeting_id: c.meeting.clone(), title: format!("Point {n}"), ..Default::default() };
            c.ana.add_agenda_item(&input).unwrap();
        }
        deliver(&mut c.ana, &mut c.mal, &c.circle.clone());
        let bytes = forge(&c.mal, &c.circle, c.ben.device_id(), 2).expect("a change of Ana's to drop");
        refused_by_ana(&mut c, &bytes, "is missing from the middle of what Ana signed");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        /// Three laptops edit and pass bundles in any order while Mal's also forges bundles
        /// of others' changes: every forgery is refused and changes nothing, and once everyone
        /// has heard from everyone, the laptops are identical and hold no forged word.
        #[test]
        fn honest_laptops_converge_and_none_takes_a_forgery(ops in proptest::collection::vec(op(), 1..24)) {
            let c = circle_of_three();
            let (circle, meeting) = (c.circle.clone(), c.meeting.clone());
            let mut laptops = [c.ana, c.ben, c.mal];
            for op in ops {
                match op {
                    Op::Edit { laptop, n } => {
                        let input = AgendaItemInput { meeting_id: meeting.clone(), title: format!("Point {n}"), ..Default::default() };
                        laptops[laptop].add_agenda_item(&input).unwrap();
                    }
                    Op::Deliver { from, to } => {
                        let [a, b] = laptops.get_disjoint_mut([from, to]).unwrap();
                        if let Ok(shared) = a.share_bundle(&circle, false) {
                            let incoming = b.open_bundle(&shared.bytes).unwrap();
                            b.apply_bundle(&incoming, false).unwrap();
                        }
                    }
                    Op::Forge { to, kind } => {
                        let victim = laptops[1 - to].device_id().to_string();
                        let Some(bytes) = forge(&laptops[2], &circle, &victim, kind) else { continue };
                        let target = &mut laptops[to];
                        let before = (row_counts(target), target.dump(&circle).unwrap());
                        let taken = target.open_bundle(&bytes).and_then(|i| target.apply_bundle(&i, false));
                        prop_assert!(taken.is_err(), "a forgery of kind {} was accepted", kind);
                        prop_assert_eq!((row_counts(target), target.dump(&circle).unwrap()), before);
                    }
                }
            }
            for _ in 0..2 {
                for (from, to) in [(0, 1), (1, 2), (2, 0), (0, 2), (2, 1), (1, 0)] {
                    let [a, b] = laptops.get_disjoint_mut([from, to]).unwrap();
                    let shared = a.share_bundle(&circle, false).unwrap();
                    let incoming = b.open_bundle(&shared.bytes).unwrap();
                    b.apply_bundle(&incoming, false).unwrap();
                }
            }
            let dumps: Vec<String> = laptops.iter().map(|l| l.dump(&circle).unwrap()).collect();
            prop_assert_eq!(&dumps[0], &dumps[1]);
            prop_assert_eq!(&dumps[1], &dumps[2]);
            prop_assert!(!dumps[0].contains("FORGED"));
        }
    }
}

#[test]
fn a_bundle_from_an_older_kinship_asks_its_sender_to_update() {
    let mut c = circle_of_three();
    let mut bundle = c.ben.export_bundle(&c.circle, None).unwrap();
    bundle.format = "kinship-bundle/2".into();
    let recipients = c.ben.recipients(&c.circle).unwrap();
    let bytes = seal::seal(
        &bundle::encode(&bundle).unwrap(),
        c.ben.device_id(),
        &c.ben.secret_keys().unwrap(),
        &recipients.keys,
    )
    .unwrap();
    let message = refused_by_ana(&mut c, &bytes, "Ask Ben to update Kinship and share again");
    assert!(message.contains("older version of Kinship"), "{message}");
}

#[test]
fn a_claim_dated_ahead_is_not_kept_so_later_real_claims_still_count() {
    let mut c = circle_of_three();
    let circle = c.circle.clone();
    let mut bundle = c.ben.export_bundle(&circle, None).unwrap();
    let keys = c.ben.secret_keys().unwrap();
    let ahead = super::signed::sign_claim(
        &keys.signing,
        &circle,
        c.ben.device_id(),
        "2099-01-01T00:00:00Z",
        bundle.have.clone(),
    );
    bundle.claims =
        vec![Claim { device: ahead.device, at: ahead.at, have: ahead.have, signature: hex::encode(ahead.signature) }];
    let recipients = c.ben.recipients(&circle).unwrap();
    let bytes = seal::seal(&bundle::encode(&bundle).unwrap(), c.ben.device_id(), &keys, &recipients.keys).unwrap();
    let incoming = c.ana.open_bundle(&bytes).unwrap();
    c.ana.apply_bundle(&incoming, false).unwrap();
    let kept: Vec<String> = c
        .ana
        .conn()
        .prepare("SELECT at FROM have_claims WHERE device = ?1")
        .unwrap()
        .query_map([c.ben.device_id()], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(kept.iter().all(|at| !at.starts_with("2099")), "{kept:?}");
}
