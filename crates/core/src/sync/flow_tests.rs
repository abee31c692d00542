//! Sync as laptops live it: invites, joins, sealed bundles relayed between members, member
//! removal, undo, copied data folders. Each laptop is a store in its own data folder.

use super::invite::open_invite;
use super::seal::{self, DeviceKeys};
use super::{bundle, Bundle};
use crate::clock::FixedClock;
use crate::{AgendaItemInput, CircleInput, IdentityInput, MeetingInput, MemberInput, ReflectionInput, Store};
use std::sync::Arc;
use tempfile::TempDir;

const PASS: &str = "river lantern autumn";

struct Laptop {
    store: Store,
    dir: TempDir,
}

fn laptop() -> Laptop {
    let dir = TempDir::new().unwrap();
    Laptop { store: Store::open(dir.path()).unwrap(), dir }
}

fn person(name: &str) -> IdentityInput {
    IdentityInput { name: name.into(), email: format!("{}@uni.edu", name.to_lowercase()), ..Default::default() }
}

/// Ana's laptop with a circle and a meeting; returns (laptop, circle id, meeting id).
fn ana_with_circle() -> (Laptop, String, String) {
    let mut ana = laptop();
    ana.store.create_identity(&person("Ana")).unwrap();
    let circle =
        ana.store.create_circle(&CircleInput { name: "Early-career librarians".into(), ..Default::default() }).unwrap();
    let meeting = ana
        .store
        .create_meeting(&MeetingInput {
            circle_id: circle.id.clone(),
            starts_at: "2026-12-08T18:00:00Z".into(),
            ..Default::default()
        })
        .unwrap();
    (ana, circle.id, meeting.id)
}

/// Adds `name` to the circle on `inviter` and returns the invite file.
fn invite(inviter: &mut Laptop, circle: &str, name: &str) -> Vec<u8> {
    let who = person(name);
    let member = inviter
        .store
        .add_member(&MemberInput { circle_id: circle.into(), name: who.name, email: who.email, ..Default::default() })
        .unwrap();
    inviter.store.create_invite(circle, &member.id, PASS, None).unwrap().sealed
}

/// A new laptop that joins with `file`.
fn join(file: &[u8]) -> Laptop {
    let mut joiner = laptop();
    let opened = open_invite(file, PASS).unwrap();
    joiner.store.join(&opened, None).unwrap();
    joiner
}

/// `from` shares updates; `to` opens and applies them.
fn deliver(from: &mut Laptop, to: &mut Laptop, circle: &str) -> crate::sync::share::Applied {
    let shared = from.store.share_bundle(circle, false).unwrap();
    let incoming = to.store.open_bundle(&shared.bytes).unwrap();
    to.store.apply_bundle(&incoming, false).unwrap()
}

fn add_item(on: &mut Laptop, meeting: &str, title: &str) {
    on.store
        .add_agenda_item(&AgendaItemInput { meeting_id: meeting.into(), title: title.into(), ..Default::default() })
        .unwrap();
}

fn titles(on: &Laptop, meeting: &str) -> Vec<String> {
    on.store.agenda(meeting).unwrap().into_iter().map(|i| i.title).collect()
}

#[test]
fn an_invited_member_joins_and_updates_flow_both_ways() {
    let (mut ana, circle, meeting) = ana_with_circle();
    add_item(&mut ana, &meeting, "Job talk nerves");
    let file = invite(&mut ana, &circle, "Ben");
    assert_eq!(&file[..8], seal::INVITE_MAGIC);

    // A wrong passphrase: a clear message on the passphrase, nothing anywhere.
    let err = open_invite(&file, "river lantern autumm").unwrap_err();
    assert_eq!(err.field(), Some("Passphrase"));

    let mut ben = join(&file);
    assert_eq!(ben.store.identity().unwrap().unwrap().name, "Ben", "the invite sets up who Ben is");
    assert_eq!(titles(&ben, &meeting), ["Job talk nerves"]);
    let again = ben.store.join(&open_invite(&file, PASS).unwrap(), None).unwrap_err();
    assert!(again.to_string().contains("already in"), "{again}");

    // Ben's first bundle introduces his key; Ana accepts it on the invite's proof.
    add_item(&mut ben, &meeting, "Writing group");
    let applied = deliver(&mut ben, &mut ana, &circle);
    assert!(applied.report.new_changes >= 3, "{:?}", applied.report);
    assert!(applied.backup_file.is_some(), "a backup is made before every import");
    assert_eq!(ana.store.dump(&circle).unwrap(), ben.store.dump(&circle).unwrap());

    // Now only what Ben lacks travels.
    add_item(&mut ana, &meeting, "Conference budget");
    let shared = ana.store.share_bundle(&circle, false).unwrap();
    assert_eq!(shared.changes, 1, "an incremental bundle carries just the new talking point");
    assert_eq!(shared.to, ["ben@uni.edu"]);
    let incoming = ben.store.open_bundle(&shared.bytes).unwrap();
    assert_eq!(incoming.sender_name, "Ana");
    ben.store.apply_bundle(&incoming, false).unwrap();
    assert_eq!(ana.store.dump(&circle).unwrap(), ben.store.dump(&circle).unwrap());

    // The same bundle again changes nothing (a replayed email).
    let before = ben.store.dump(&circle).unwrap();
    let replay = ben.store.apply_bundle(&ben.store.open_bundle(&shared.bytes).unwrap(), false).unwrap();
    assert_eq!((replay.report.new_changes, replay.import_id), (0, None));
    assert_eq!(ben.store.dump(&circle).unwrap(), before);

    let status = ana.store.sync_status(&circle).unwrap();
    let ben_row = status.members.iter().find(|m| m.name == "Ben").unwrap();
    assert!(ben_row.joined && ben_row.heard_at.is_some(), "{ben_row:?}");
    assert_eq!(status.unsent, 1, "Ana has not heard back that Ben has the budget item");

    // Someone joining may correct how the circle sees them.
    let mut cam = laptop();
    let cam_invite = invite(&mut ana, &circle, "Cam");
    let corrected = IdentityInput { name: "Cam Lee".into(), pronouns: Some("they/them".into()), ..person("Cam") };
    cam.store.join(&open_invite(&cam_invite, PASS).unwrap(), Some(&corrected)).unwrap();
    let cam_row = cam.store.member(&cam.store.my_member_id(&circle).unwrap()).unwrap();
    assert_eq!((cam_row.name.as_str(), cam_row.pronouns.as_deref()), ("Cam Lee", Some("they/them")));
}

#[test]
fn changes_travel_onward_through_whoever_relays_them() {
    let (mut ana, circle, meeting) = ana_with_circle();
    let mut ben = join(&invite(&mut ana, &circle, "Ben"));
    deliver(&mut ben, &mut ana, &circle);
    add_item(&mut ben, &meeting, "Ben's point");

    // Cam joins later; his first bundle reaches Ben, who has not heard of Cam's invite.
    let mut cam = join(&invite(&mut ana, &circle, "Cam"));
    let early = ana.store.share_bundle(&circle, false).unwrap();
    assert!(early.unreadable_by.is_empty(), "Cam reads it through his invite");
    cam.store.apply_bundle(&cam.store.open_bundle(&early.bytes).unwrap(), false).unwrap();
    let from_cam = cam.store.share_bundle(&circle, false).unwrap();
    let err = ben.store.open_bundle(&from_cam.bytes).unwrap_err();
    assert!(err.to_string().contains("has not heard of"), "{err}");

    // Once Ana's news reaches Ben, Cam's bundle opens; Ben then relays Cam's item to Ana.
    deliver(&mut ana, &mut ben, &circle);
    ben.store.apply_bundle(&ben.store.open_bundle(&from_cam.bytes).unwrap(), false).unwrap();
    add_item(&mut cam, &meeting, "Cam's question");
    deliver(&mut cam, &mut ben, &circle);
    deliver(&mut ben, &mut ana, &circle);
    assert!(titles(&ana, &meeting).contains(&"Cam's question".to_string()));
    deliver(&mut ana, &mut cam, &circle);
    deliver(&mut cam, &mut ben, &circle);
    let dumps: Vec<String> = [&ana, &ben, &cam].iter().map(|l| l.store.dump(&circle).unwrap()).collect();
    assert_eq!(dumps[0], dumps[1]);
    assert_eq!(dumps[1], dumps[2]);
}

#[test]
fn a_removed_member_can_neither_read_nor_send() {
    let (mut ana, circle, meeting) = ana_with_circle();
    let mut ben = join(&invite(&mut ana, &circle, "Ben"));
    let mut cam = join(&invite(&mut ana, &circle, "Cam"));
    deliver(&mut ben, &mut ana, &circle);
    deliver(&mut cam, &mut ana, &circle);
    let ben_member = ben.store.my_member_id(&circle).unwrap();
    ana.store.remove_member(&circle, &ben_member).unwrap();

    add_item(&mut ana, &meeting, "After Ben left");
    let shared = ana.store.share_bundle(&circle, false).unwrap();
    let err = ben.store.open_bundle(&shared.bytes).unwrap_err();
    assert!(err.to_string().contains("not addressed to you"), "{err}");
    assert!(cam.store.open_bundle(&shared.bytes).is_ok());

    let before = ana.store.dump(&circle).unwrap();
    add_item(&mut ben, &meeting, "Ben's late item");
    let late = ben.store.share_bundle(&circle, false).unwrap();
    let err = ana.store.open_bundle(&late.bytes).unwrap_err();
    assert!(err.to_string().contains("Ben, who is no longer in the circle"), "{err}");
    assert_eq!(ana.store.dump(&circle).unwrap(), before);
}

#[test]
fn strangers_forgers_and_other_circles_are_refused() {
    let (mut ana, circle, meeting) = ana_with_circle();
    let mut ben = join(&invite(&mut ana, &circle, "Ben"));
    deliver(&mut ben, &mut ana, &circle);
    let before = ana.store.dump(&circle).unwrap();
    let ana_recipient = ana.store.secret_keys().unwrap().public().age_recipient;

    // Eve has Ana's public key (it travels in bundles) and a key of her own.
    let eve = DeviceKeys::generate();
    let inner = bundle::encode(&ben.store.export_bundle(&circle, None).unwrap()).unwrap();
    let forged = seal::seal(&inner, "0190a1b2-0000-7000-8000-00000000000e", &eve, &[ana_recipient.clone()]).unwrap();
    let err = ana.store.open_bundle(&forged).unwrap_err();
    assert!(err.to_string().contains("does not know"), "{err}");
    // Eve signs as Ben's device with her own key.
    let as_ben = seal::seal(&inner, ben.store.device_id(), &eve, &[ana_recipient.clone()]).unwrap();
    let err = ana.store.open_bundle(&as_ben).unwrap_err();
    assert!(err.to_string().contains("signature does not match"), "{err}");

    // A bundle of a circle Ana is not in.
    let (mut dee, other, _) = ana_with_circle();
    let mut erin = join(&invite(&mut dee, &other, "Erin"));
    let elsewhere = erin.store.share_bundle(&other, false).unwrap();
    assert!(ana.store.open_bundle(&elsewhere.bytes).is_err());

    // A bundle from a newer Kinship.
    let mut newer: Bundle = ben.store.export_bundle(&circle, None).unwrap();
    newer.schema = crate::store::SCHEMA_VERSION + 1;
    let keys = ben.store.secret_keys().unwrap();
    let sealed = seal::seal(&bundle::encode(&newer).unwrap(), ben.store.device_id(), &keys, &[ana_recipient]).unwrap();
    assert_eq!(ana.store.open_bundle(&sealed).unwrap_err().code(), "newer_bundle");
    assert_eq!(ana.store.dump(&circle).unwrap(), before);
    add_item(&mut ana, &meeting, "still fine");
}

#[test]
fn the_last_import_can_be_undone_and_comes_back_with_the_same_bundle() {
    let (mut ana, circle, meeting) = ana_with_circle();
    let mut ben = join(&invite(&mut ana, &circle, "Ben"));
    deliver(&mut ben, &mut ana, &circle);
    deliver(&mut ana, &mut ben, &circle);
    let before = ben.store.dump(&circle).unwrap();
    let held_before = ben.store.version_vector(&circle).unwrap();
    add_item(&mut ana, &meeting, "Mistaken item");
    let shared = ana.store.share_bundle(&circle, false).unwrap();
    let incoming = ben.store.open_bundle(&shared.bytes).unwrap();
    let preview = ben.store.apply_bundle(&incoming, true).unwrap();
    assert_eq!(preview.report.added.get("agenda_item"), Some(&1));
    assert_eq!(ben.store.dump(&circle).unwrap(), before, "a preview writes nothing");
    ben.store.apply_bundle(&incoming, false).unwrap();
    assert!(titles(&ben, &meeting).contains(&"Mistaken item".to_string()));
    let status = ben.store.sync_status(&circle).unwrap();
    assert!(status.last_import.as_ref().unwrap().undoable);

    let undone = ben.store.undo_last_import(&circle).unwrap();
    assert_eq!((undone.removed_changes, undone.sender_name.as_str()), (1, "Ana"));
    assert_eq!(ben.store.dump(&circle).unwrap(), before);
    assert_eq!(ben.store.version_vector(&circle).unwrap(), held_before, "what Ben holds is as before");
    assert!(ben.store.gaps_in(&circle).unwrap().is_empty());
    assert_eq!(super::tests::log_extents(&ben.store), super::tests::counted_extents(&ben.store));
    assert!(ben.store.undo_last_import(&circle).is_err(), "only once");
    ben.store.apply_bundle(&incoming, false).unwrap();
    assert!(titles(&ben, &meeting).contains(&"Mistaken item".to_string()));
}

#[test]
fn a_copied_data_folder_writes_as_a_new_device_that_the_circle_accepts() {
    let (mut ana, circle, meeting) = ana_with_circle();
    let mut ben = join(&invite(&mut ana, &circle, "Ben"));
    deliver(&mut ben, &mut ana, &circle);
    let old_device = ana.store.device_id().to_string();
    drop(ana.store);
    let copy = TempDir::new().unwrap();
    for file in std::fs::read_dir(ana.dir.path()).unwrap().flatten().filter(|f| f.path().is_file()) {
        std::fs::copy(file.path(), copy.path().join(file.file_name())).unwrap();
    }
    let mut new_laptop = Laptop { store: Store::open(copy.path()).unwrap(), dir: copy };
    assert_ne!(new_laptop.store.device_id(), old_device);
    let reopened = Store::open(new_laptop.dir.path()).unwrap();
    assert_eq!(reopened.device_id(), new_laptop.store.device_id(), "the copy keeps its new identity");
    drop(reopened);
    add_item(&mut new_laptop, &meeting, "From the new laptop");
    deliver(&mut new_laptop, &mut ben, &circle);
    assert!(titles(&ben, &meeting).contains(&"From the new laptop".to_string()));
    assert_eq!(Store::open(ana.dir.path()).unwrap().device_id(), old_device, "the original stays itself");
}

#[test]
fn no_bundle_or_invite_carries_private_words_or_readable_circle_text() {
    let (mut ana, circle, meeting) = ana_with_circle();
    add_item(&mut ana, &meeting, "Salary negotiation at Riverside");
    ana.store
        .add_reflection(&ReflectionInput {
            circle_id: Some(circle.clone()),
            text: "PRIVATE-WORRY-about-my-tenure-case".into(),
            ..Default::default()
        })
        .unwrap();
    let invite_file = invite(&mut ana, &circle, "Ben");
    let mut ben = join(&invite_file);
    deliver(&mut ben, &mut ana, &circle);
    let full = ana.store.share_bundle(&circle, true).unwrap();
    let armored = super::armor::armor(&full.bytes);
    let inner = bundle::encode(&ana.store.export_bundle(&circle, None).unwrap()).unwrap();
    let plain_inner = zstd::decode_all(&inner[8..]).unwrap();
    for (what, bytes) in
        [("invite", &invite_file), ("bundle", &full.bytes), ("armored", &armored.into_bytes()), ("inner", &plain_inner)]
    {
        let found = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
        assert!(!found("PRIVATE-WORRY"), "a private reflection is in the {what}");
        if what != "inner" {
            assert!(!found("Salary negotiation") && !found("Early-career"), "circle text readable in the {what}");
        }
    }
    assert!(plain_inner.windows(18).any(|w| w == b"Salary negotiation"), "the check can see text that is there");
    let pasted = format!("Hi all,\n\n{}\nAna", super::armor::armor(&full.bytes));
    assert!(ben.store.open_bundle(pasted.as_bytes()).is_ok(), "pasted text opens like the file");
}

#[test]
fn changes_written_as_this_laptop_elsewhere_are_refused() {
    let (mut ana, circle, _) = ana_with_circle();
    let mut ben = join(&invite(&mut ana, &circle, "Ben"));
    deliver(&mut ben, &mut ana, &circle);
    // Ben relays a change stamped with Ana's device id and a sequence number Ana never used,
    // as an unnoticed copy of Ana's laptop would write.
    let me = ana.store.device_id().to_string();
    let mut bundle = ana.store.export_bundle(&circle, None).unwrap();
    let mut twin = bundle.changes.iter().filter(|c| c.author_device == me).last().unwrap().clone();
    twin.seq += 1;
    bundle.changes.push(twin);
    let before = ana.store.dump(&circle).unwrap();
    let incoming = super::share::Incoming {
        bundle,
        circle_name: "Early-career librarians".into(),
        sender_member_id: ben.store.my_member_id(&circle).unwrap(),
        sender_name: "Ben".into(),
    };
    let err = ana.store.apply_bundle(&incoming, true).unwrap_err();
    assert!(err.to_string().contains("never wrote"), "{err}");
    assert_eq!(ana.store.dump(&circle).unwrap(), before);
}

// ── Who may add a laptop: invites used once, expiring, and another laptop of mine ────

/// Row counts of every table: compared, beside the dump, before and after a refused import.
fn row_counts(on: &Laptop) -> Vec<(String, i64)> {
    crate::test_support::row_counts(&on.store)
}

/// Ana founded the circle; Ben and Mal joined, and Ana has heard from both (and they from her).
fn ana_ben_and_mal() -> (Laptop, Laptop, Laptop, String, String) {
    let (mut ana, circle, meeting) = ana_with_circle();
    let mut ben = join(&invite(&mut ana, &circle, "Ben"));
    let mut mal = join(&invite(&mut ana, &circle, "Mal"));
    deliver(&mut ben, &mut ana, &circle);
    deliver(&mut mal, &mut ana, &circle);
    deliver(&mut ana, &mut ben, &circle);
    deliver(&mut ana, &mut mal, &circle);
    (ana, ben, mal, circle, meeting)
}

/// Writes an invite for `member` exactly as `create_invite` would, without its checks (what a
/// misbehaving member's altered Kinship could do), and returns its one-off key.
fn forge_invite(on: &mut Laptop, circle: &str, member: &str) -> (String, ed25519_dalek::SigningKey) {
    let key = ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng);
    let id = crate::ids::new_id();
    let public = hex::encode(key.verifying_key().to_bytes());
    on.store
        .write(|tx| {
            let now = tx.now();
            tx.execute(
                "INSERT INTO invites (id, circle_id, member_id, invite_key, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                (&id, circle, member, &public, &now),
            )?;
            let fields = serde_json::json!({ "id": id, "circle_id": circle, "member_id": member,
                "invite_key": public, "created_at": now, "expires_at": "2099-01-01T00:00:00Z" });
            tx.log(circle, crate::changelog::entity::INVITE, &id, fields)
        })
        .unwrap();
    (id, key)
}

#[test]
fn a_member_cannot_add_a_laptop_for_someone_who_has_joined() {
    let (mut ana, ben, mut mal, circle, _) = ana_ben_and_mal();
    let ben_id = ben.store.my_member_id(&circle).unwrap();

    // The stock path refuses, pointing to adding a laptop instead.
    let err = mal.store.invite(&circle, &super::invite::Invitee::Member(ben_id.clone()), PASS, None).unwrap_err();
    assert_eq!(err.field(), Some("Member"));
    assert!(err.to_string().contains("Ben has already joined this circle"), "{err}");
    assert!(err.to_string().contains("Add another laptop of mine"), "{err}");

    // Mal forges the invite anyway and signs a laptop of his into the circle as Ben, then
    // sends it in a bundle signed with his own real device key.
    let (invite_id, invite_key) = forge_invite(&mut mal, &circle, &ben_id);
    let stolen = DeviceKeys::generate().public();
    mal.store
        .write(|tx| {
            let device = crate::ids::new_id();
            super::keys::add_key(tx, &circle, &ben_id, &device, &stolen, &format!("invite:{invite_id}"), &invite_key)
        })
        .unwrap();
    let before = (ana.store.dump(&circle).unwrap(), row_counts(&ana));
    let shared = mal.store.share_bundle(&circle, false).unwrap();
    let incoming = ana.store.open_bundle(&shared.bytes).unwrap();
    assert_eq!(incoming.sender_name, "Mal");
    let err = ana.store.apply_bundle(&incoming, false).unwrap_err();
    assert!(err.to_string().contains("for a member who has already joined"), "{err}");
    assert_eq!((ana.store.dump(&circle).unwrap(), row_counts(&ana)), before, "the whole bundle is refused");
}

#[test]
fn an_invite_is_used_once_on_every_laptop() {
    let (mut ana, circle, _) = ana_with_circle();
    let file = invite(&mut ana, &circle, "Ben");
    let mut ben = join(&file);
    deliver(&mut ben, &mut ana, &circle);

    // Whoever else has the file and its passphrase joins on a third laptop; the bundle it
    // sends is refused by a laptop that knows the first use.
    let mut copy = join(&file);
    let before = (ana.store.dump(&circle).unwrap(), row_counts(&ana));
    let shared = copy.store.share_bundle(&circle, false).unwrap();
    let err = ana.store.open_bundle(&shared.bytes).unwrap_err();
    assert!(err.to_string().contains("already used by another laptop"), "{err}");
    assert_eq!((ana.store.dump(&circle).unwrap(), row_counts(&ana)), before);

    // The copy refuses the first use too, once it hears of it: the invite is used by both.
    let copy_before = (copy.store.dump(&circle).unwrap(), row_counts(&copy));
    let err = copy.store.import_bundle(&ben.store.export_bundle(&circle, None).unwrap(), false).unwrap_err();
    assert!(err.to_string().contains("already used by another laptop"), "{err}");
    assert_eq!((copy.store.dump(&circle).unwrap(), row_counts(&copy)), copy_before);

    // Ben has joined: no one makes him another invite.
    let ben_member = ben.store.my_member_id(&circle).unwrap();
    let again = ana.store.create_invite(&circle, &ben_member, PASS, None).unwrap_err();
    assert!(again.to_string().contains("Ben has already joined"), "{again}");
}

#[test]
fn an_expired_invite_is_refused_at_join_and_when_checked() {
    let (mut ana, circle, _) = ana_with_circle();
    let member = ana
        .store
        .add_member(&MemberInput {
            circle_id: circle.clone(),
            name: "Ben Okafor".into(),
            email: "ben@uni.edu".into(),
            ..Default::default()
        })
        .unwrap();
    let made = ana.store.create_invite(&circle, &member.id, PASS, Some(1)).unwrap();
    let expected = super::invite::day_of(&made.expires_at);
    let opened = open_invite(&made.sealed, PASS).unwrap();
    assert_eq!(opened.expires_at(), made.expires_at);

    // Ben's laptop, two days later.
    let dir = TempDir::new().unwrap();
    let clock = std::sync::Arc::new(FixedClock::new(ana.store.now() + chrono::Duration::days(2)));
    let mut late = Laptop { store: Store::open_with_clock(dir.path(), clock).unwrap(), dir };
    let err = late.store.join(&opened, None).unwrap_err();
    assert_eq!(err.field(), Some("Invite"));
    assert!(err.to_string().contains(&format!("this invite expired on {expected}; ask Ana for a new one")), "{err}");
    assert!(late.store.list_circles().unwrap().is_empty(), "nothing was joined");

    // An altered Kinship joins anyway; the key it adds is refused where it is checked.
    late.store.create_identity(&person("Ben")).unwrap();
    late.store.import_bundle(&opened.bundle, false).unwrap();
    late.store.claim_membership(&member.id).unwrap();
    let public = late.store.secret_keys().unwrap().public();
    let device = late.store.device_id().to_string();
    let invite_key = opened.signing_key().unwrap();
    let authorized_by = format!("invite:{}", opened.header.invite_id);
    late.store
        .write(|tx| super::keys::add_key(tx, &circle, &member.id, &device, &public, &authorized_by, &invite_key))
        .unwrap();
    let before = (ana.store.dump(&circle).unwrap(), row_counts(&ana));
    let shared = late.store.share_bundle(&circle, false);
    // Ana has no key for Ben yet, so Ben's laptop can seal only to Ana: it can.
    let err = ana.store.open_bundle(&shared.unwrap().bytes).unwrap_err();
    assert!(err.to_string().contains("with an invite that had expired"), "{err}");
    assert_eq!((ana.store.dump(&circle).unwrap(), row_counts(&ana)), before);
}

#[test]
fn a_member_adds_another_laptop_of_theirs_and_the_circle_accepts_it_as_theirs() {
    let (mut ana, circle, meeting) = ana_with_circle();
    let mut ben = join(&invite(&mut ana, &circle, "Ben"));
    deliver(&mut ben, &mut ana, &circle);
    let ben_id = ben.store.my_member_id(&circle).unwrap();

    // Inviting oneself by member id points to adding a laptop.
    let err = ben.store.invite(&circle, &super::invite::Invitee::Member(ben_id.clone()), PASS, None).unwrap_err();
    assert!(err.to_string().contains("Add another laptop of mine"), "{err}");

    let made = ben.store.invite(&circle, &super::invite::Invitee::MyOtherLaptop, PASS, Some(3)).unwrap();
    assert_eq!(made.member.id, ben_id);
    let message = ben.store.invite_message(&circle, &ben_id, &made.expires_at).unwrap();
    assert!(message.body.contains(&super::invite::day_of(&made.expires_at)), "{}", message.body);
    let opened = open_invite(&made.sealed, PASS).unwrap();
    assert!(opened.adds_a_laptop());
    // A laptop already set up as someone on its own cannot become Ben's.
    let mut other = laptop();
    other.store.create_identity(&person("Ben")).unwrap();
    let err = other.store.join(&opened, None).unwrap_err();
    assert!(err.to_string().contains("already set up as Ben on its own"), "{err}");
    let mut second = join(&made.sealed);
    assert_eq!(second.store.my_member_id(&circle).unwrap(), ben_id);
    let person = |on: &Laptop| on.store.identity().unwrap().unwrap().person_id;
    assert_eq!(person(&second), person(&ben), "both laptops are the same person");

    // Ana hears of the invite from Ben's first laptop, then from the second one.
    deliver(&mut ben, &mut ana, &circle);
    add_item(&mut second, &meeting, "From Ben's other laptop");
    let shared = second.store.share_bundle(&circle, false).unwrap();
    let incoming = ana.store.open_bundle(&shared.bytes).unwrap();
    assert_eq!(incoming.sender_name, "Ben");
    ana.store.apply_bundle(&incoming, false).unwrap();
    assert!(titles(&ana, &meeting).contains(&"From Ben's other laptop".to_string()));

    // Ben's first laptop hears from his second and still knows itself as Ben.
    deliver(&mut ana, &mut ben, &circle);
    deliver(&mut second, &mut ben, &circle);
    assert_eq!(ben.store.my_member_id(&circle).unwrap(), ben_id);
    assert!(titles(&ben, &meeting).contains(&"From Ben's other laptop".to_string()));

    // A laptop that learns of both of Ben's laptops in one bundle accepts both.
    let mut cam = join(&invite(&mut ana, &circle, "Cam"));
    deliver(&mut cam, &mut ana, &circle);
    deliver(&mut ana, &mut cam, &circle);
    assert_eq!(cam.store.dump(&circle).unwrap(), ana.store.dump(&circle).unwrap());

    let status = ana.store.sync_status(&circle).unwrap();
    let laptops = |name: &str| -> Vec<(String, String, bool)> {
        let m = status.members.iter().find(|m| m.name == name).unwrap();
        m.laptops.iter().map(|l| (l.name.clone(), l.added_by.clone(), l.this_laptop)).collect()
    };
    assert_eq!(laptops("Ana"), [("Laptop 1".into(), "founded the circle".into(), true)]);
    assert_eq!(
        laptops("Ben"),
        [
            ("Laptop 1".into(), "invited by Ana".into(), false),
            ("Laptop 2".into(), "added from Ben's other laptop".into(), false)
        ]
    );
    let mine = second.store.sync_status(&circle).unwrap();
    let ben_row = mine.members.iter().find(|m| m.member_id == ben_id).unwrap();
    assert_eq!(ben_row.laptops.iter().map(|l| l.this_laptop).collect::<Vec<_>>(), [false, true]);
}

// A new member reads at once: until a member's laptop key reaches a laptop, that laptop also
// seals to the invite made for them (`newcomers`).

/// Ana's laptop and every other laptop of these tests on one clock, which the test moves.
fn laptop_on(clock: &Arc<FixedClock>) -> Laptop {
    let dir = TempDir::new().unwrap();
    Laptop { store: Store::open_with_clock(dir.path(), clock.clone()).unwrap(), dir }
}

/// Whether someone holding only the invite's secret (the file and its passphrase), with no
/// laptop of the circle, can decrypt `sealed`: whether the invite's key was a recipient.
fn opens_with_invite_alone(invite_file: &[u8], sealed: &[u8]) -> bool {
    let invite_key = open_invite(invite_file, PASS).unwrap().signing_key().unwrap();
    decrypts_with(sealed, seal::invite_identity(&invite_key))
}

/// Whether `identity` decrypts `sealed` (the signature is not this question).
fn decrypts_with(sealed: &[u8], identity: age::x25519::Identity) -> bool {
    let decrypted = std::cell::Cell::new(false);
    let result = seal::open_as(sealed, &DeviceKeys::generate(), &[identity], |_, _| {
        decrypted.set(true);
        None
    });
    if !decrypted.get() {
        let err = result.unwrap_err().to_string();
        assert!(err.contains("not addressed to you"), "{err}");
    }
    decrypted.get()
}

#[test]
fn a_new_member_reads_what_the_circle_sends_before_the_circle_knows_their_laptop() {
    let (mut ana, circle, meeting) = ana_with_circle();
    let mut ben = join(&invite(&mut ana, &circle, "Ben"));
    deliver(&mut ben, &mut ana, &circle);
    let chen_invite = invite(&mut ana, &circle, "Chen");
    deliver(&mut ana, &mut ben, &circle);
    let mut chen = join(&chen_invite);
    assert_eq!(chen.store.kept_invite_identities(), 1, "Chen keeps his invite's identity to read with");

    // Ana shares before any bundle of Chen's reached her: Chen opens it and sees her agenda.
    add_item(&mut ana, &meeting, "Chen's first question");
    let shared = ana.store.share_bundle(&circle, false).unwrap();
    assert!(shared.unreadable_by.is_empty(), "{:?}", shared.unreadable_by);
    assert!(opens_with_invite_alone(&chen_invite, &shared.bytes), "sealed to Chen's invite");
    let incoming = chen.store.open_bundle(&shared.bytes).unwrap();
    assert_eq!(incoming.sender_name, "Ana", "the sender's signature is checked against the key the invite brought");
    chen.store.apply_bundle(&incoming, false).unwrap();
    assert!(titles(&chen, &meeting).contains(&"Chen's first question".to_string()));

    // Ben heard of Chen's invite from Ana: his bundles reach Chen too.
    add_item(&mut ben, &meeting, "Ben's welcome");
    deliver(&mut ben, &mut chen, &circle);
    assert!(titles(&chen, &meeting).contains(&"Ben's welcome".to_string()));

    // Chen's first bundle brings Ana his laptop's key: from then on the invite's key is no
    // longer a recipient of hers (it is used), and Chen still reads her, with his own key.
    deliver(&mut chen, &mut ana, &circle);
    add_item(&mut ana, &meeting, "After Chen's hello");
    let later = ana.store.share_bundle(&circle, false).unwrap();
    assert!(!opens_with_invite_alone(&chen_invite, &later.bytes), "not sealed to the used invite");
    chen.store.apply_bundle(&chen.store.open_bundle(&later.bytes).unwrap(), false).unwrap();
    assert!(titles(&chen, &meeting).contains(&"After Chen's hello".to_string()));
    assert_eq!(chen.store.kept_invite_identities(), 1, "Ana holds Chen's key, Ben does not yet");
    // Ben still seals to the invite until Chen's key reaches him.
    add_item(&mut ben, &meeting, "Ben again");
    let from_ben = ben.store.share_bundle(&circle, false).unwrap();
    assert!(opens_with_invite_alone(&chen_invite, &from_ben.bytes));
    chen.store.apply_bundle(&chen.store.open_bundle(&from_ben.bytes).unwrap(), false).unwrap();

    // Once both are known to hold Chen's key, his laptop forgets the invite's identity.
    deliver(&mut chen, &mut ben, &circle);
    add_item(&mut ben, &meeting, "Ben has Chen's key");
    let from_ben = ben.store.share_bundle(&circle, false).unwrap();
    assert!(!opens_with_invite_alone(&chen_invite, &from_ben.bytes));
    chen.store.apply_bundle(&chen.store.open_bundle(&from_ben.bytes).unwrap(), false).unwrap();
    assert_eq!(chen.store.kept_invite_identities(), 0, "no laptop seals to the invite any more");
    deliver(&mut chen, &mut ana, &circle);
    deliver(&mut ana, &mut chen, &circle);
    assert_eq!(ana.store.dump(&circle).unwrap(), chen.store.dump(&circle).unwrap());
}

#[test]
fn an_expired_invites_key_gets_nothing_and_is_forgotten() {
    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    let mut ana = laptop_on(&clock);
    ana.store.create_identity(&person("Ana")).unwrap();
    let circle = ana
        .store
        .create_circle(&CircleInput { name: "Early-career librarians".into(), ..Default::default() })
        .unwrap()
        .id;
    let mut ben = laptop_on(&clock);
    ben.store.join(&open_invite(&invite(&mut ana, &circle, "Ben"), PASS).unwrap(), None).unwrap();
    deliver(&mut ben, &mut ana, &circle);
    let cam_member = ana
        .store
        .add_member(&MemberInput {
            circle_id: circle.clone(),
            name: "Cam".into(),
            email: "cam@uni.edu".into(),
            ..Default::default()
        })
        .unwrap();
    let cam_invite = ana.store.create_invite(&circle, &cam_member.id, PASS, Some(1)).unwrap().sealed;
    let mut cam = laptop_on(&clock);
    cam.store.join(&open_invite(&cam_invite, PASS).unwrap(), None).unwrap();
    let on_time = ana.store.share_bundle(&circle, false).unwrap();
    assert!(opens_with_invite_alone(&cam_invite, &on_time.bytes));

    // Two days on, Cam's invite has expired: Ana seals to Ben only, and says Cam cannot read it.
    clock.set(ana.store.now() + chrono::Duration::days(2));
    let late = ana.store.share_bundle(&circle, false).unwrap();
    assert_eq!(late.unreadable_by, ["Cam"]);
    assert!(!opens_with_invite_alone(&cam_invite, &late.bytes));
    let err = cam.store.open_bundle(&late.bytes).unwrap_err();
    assert!(err.to_string().contains("did not have your key yet"), "{err}");
    // Cam's laptop no longer reads with the expired identity, and forgets it at its next import.
    assert!(cam.store.open_bundle(&on_time.bytes).unwrap_err().to_string().contains("not addressed to you"));
    assert_eq!(cam.store.kept_invite_identities(), 1);
    deliver(&mut cam, &mut ana, &circle);
    deliver(&mut ana, &mut cam, &circle);
    assert_eq!(cam.store.kept_invite_identities(), 0);
}

#[test]
fn the_invite_file_without_its_passphrase_reads_nothing() {
    let (mut ana, circle, meeting) = ana_with_circle();
    let chen_invite = invite(&mut ana, &circle, "Chen");
    add_item(&mut ana, &meeting, "Confidential: the tenure case");
    let shared = ana.store.share_bundle(&circle, false).unwrap();

    // Eve saw both emails: the invite and the bundle. Without the passphrase neither opens.
    for guess in ["", "river lantern", "River Lantern Autumn"] {
        assert!(open_invite(&chen_invite, guess).is_err(), "{guess:?}");
    }
    let eve = laptop();
    let err = eve.store.open_bundle(&shared.bytes).unwrap_err();
    assert!(err.to_string().contains("not addressed to you"), "{err}");
    let guessed_key = seal::invite_identity(&ed25519_dalek::SigningKey::from_bytes(&[7; 32]));
    assert!(!decrypts_with(&shared.bytes, guessed_key));
    let text = String::from_utf8_lossy(&shared.bytes);
    assert!(!text.contains("tenure") && !text.contains("Chen"), "nothing readable travels in the file");
    // With the passphrase the invite's key opens it: the passphrase is what protects it.
    assert!(opens_with_invite_alone(&chen_invite, &shared.bytes));
}

#[test]
fn a_removed_member_reads_nothing_new_through_their_invite() {
    let (mut ana, circle, meeting) = ana_with_circle();
    let mut ben = join(&invite(&mut ana, &circle, "Ben"));
    deliver(&mut ben, &mut ana, &circle);
    let chen_invite = invite(&mut ana, &circle, "Chen");
    let chen = join(&chen_invite);
    let dee_invite = invite(&mut ana, &circle, "Dee");
    let chen_member = chen.store.my_member_id(&circle).unwrap();
    let dee_member = open_invite(&dee_invite, PASS).unwrap().header.member_id;
    // Chen joined but Ana never heard from him; Dee never joined. Both are removed.
    ana.store.remove_member(&circle, &chen_member).unwrap();
    ana.store.remove_member(&circle, &dee_member).unwrap();

    add_item(&mut ana, &meeting, "After Chen and Dee left");
    let shared = ana.store.share_bundle(&circle, false).unwrap();
    let err = chen.store.open_bundle(&shared.bytes).unwrap_err();
    assert!(err.to_string().contains("not addressed to you"), "{err}");
    assert!(!opens_with_invite_alone(&chen_invite, &shared.bytes));
    assert!(!opens_with_invite_alone(&dee_invite, &shared.bytes));
    assert!(ben.store.open_bundle(&shared.bytes).is_ok());
}

#[test]
fn a_new_member_takes_nothing_from_a_sender_they_cannot_verify_yet() {
    let (mut ana, circle, meeting) = ana_with_circle();
    let chen_invite = invite(&mut ana, &circle, "Chen");
    let mut chen = join(&chen_invite);
    // Dee is invited after Chen's invite was made, so Chen's copy of the circle lacks her
    // invite; her laptop knows Chen's invite and seals her first bundle to it.
    let mut dee = join(&invite(&mut ana, &circle, "Dee"));
    add_item(&mut dee, &meeting, "Dee's hello");
    let from_dee = dee.store.share_bundle(&circle, false).unwrap();
    assert!(opens_with_invite_alone(&chen_invite, &from_dee.bytes));
    let before = (chen.store.dump(&circle).unwrap(), row_counts(&chen));
    let err = chen.store.open_bundle(&from_dee.bytes).unwrap_err();
    assert!(err.to_string().contains("import a bundle from the member who invited them first"), "{err}");
    assert_eq!((chen.store.dump(&circle).unwrap(), row_counts(&chen)), before);

    // Ana's bundle brings Dee's invite; then Dee's key is proven and her bundle is taken.
    deliver(&mut ana, &mut chen, &circle);
    chen.store.apply_bundle(&chen.store.open_bundle(&from_dee.bytes).unwrap(), false).unwrap();
    assert!(titles(&chen, &meeting).contains(&"Dee's hello".to_string()));
}
