//! Sync figures on the reference workload: laptop A holds the ten-year circle; B starts
//! empty, imports A's full bundle, makes the 100 edits of `edits-100.json.zst`, and sends
//! A an incremental bundle.

use kinship_core::sync::bundle::{decode, encode};
use kinship_core::*;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

fn ms(since: Instant) -> f64 {
    (since.elapsed().as_secs_f64() * 100_000.0).round() / 100.0
}

/// One member's laptop writing the workload's history: its fixed id and key (so runs
/// compare) and its changes so far, numbered 1, 2, 3…
struct HistoryLaptop {
    device: String,
    signing: ed25519_dalek::SigningKey,
    changes: Vec<Change>,
}

impl HistoryLaptop {
    fn new(index: usize) -> HistoryLaptop {
        HistoryLaptop {
            device: format!("00000000-0000-4000-8000-00000000a1{index:02x}"),
            signing: ed25519_dalek::SigningKey::from_bytes(&[10 + index as u8; 32]),
            changes: Vec::new(),
        }
    }

    /// Logs a `put` of `record` at time `at`.
    fn put(&mut self, circle: &str, entity: &str, id: &str, at: &str, record: Value) {
        let seq = self.changes.len() as i64 + 1;
        let millis = validate::timestamp("t", at).unwrap().timestamp_millis();
        self.changes.push(Change {
            author_device: self.device.clone(),
            seq,
            hlc: Hlc { millis, counter: (seq % 1000) as u32 }.encode(&self.device),
            circle_id: circle.into(),
            entity: entity.into(),
            entity_id: id.into(),
            op: "put".into(),
            fields: record,
        });
    }

    /// This laptop's public keys as the circle records them.
    fn public(&self) -> sync::seal::PublicKeys {
        sync::seal::PublicKeys {
            signing_key: hex::encode(self.signing.verifying_key().to_bytes()),
            age_recipient: sync::seal::DeviceKeys::generate().public().age_recipient,
        }
    }
}

/// The one-off key and id of the invite that member `index`'s history laptop is given by the
/// founder's, and of the one it writes itself for another laptop of its member's (laptop B).
fn invite_key(index: usize) -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[50 + index as u8; 32])
}
fn invite_id(index: usize) -> String {
    format!("00000000-0000-4000-8000-0000000011{index:02x}")
}
/// The invite for laptop B, written by the laptop of the member who makes the edits.
const B_INVITE: usize = 0xb0;

/// The workload as one bundle, as the circle's eight laptops wrote it over ten years: the
/// founder's laptop (the first member's) creates the circle, adds the members, invites the
/// others and keeps the meetings; each member's laptop joins with its invite and writes that
/// member's reflections. The laptop of `invitee` (who makes the edits) also writes an invite
/// for another laptop of theirs: laptop B.
fn history(workload: &Value, invitee: &str) -> sync::Bundle {
    let s = |v: &Value| v.as_str().unwrap().to_string();
    let circle = s(&workload["circle"]["id"]);
    let start = "2016-01-01T00:00:00Z";
    let members: Vec<String> = workload["members"].as_array().unwrap().iter().map(|m| s(&m["id"])).collect();
    let mut laptops: Vec<HistoryLaptop> = (0..members.len()).map(HistoryLaptop::new).collect();
    let founder = &mut laptops[0];
    founder.put(
        &circle,
        "circle",
        &circle,
        start,
        json!({
            "id": circle, "name": workload["circle"]["name"], "purpose": "", "agreement": DEFAULT_AGREEMENT,
            "cadence": "weekly", "created_at": start,
        }),
    );
    for m in workload["members"].as_array().unwrap() {
        founder.put(&circle, "member", &s(&m["id"]), start, json!({
            "id": m["id"], "circle_id": circle, "person_id": null, "name": m["name"], "email": m["email"],
            "pronouns": null, "institution": null, "role": "member", "contact": null, "joined_at": start, "left_at": null,
        }));
    }
    // Each laptop's key: the founder's its own, the others' through an invite from the founder.
    let expires = "2099-01-01T00:00:00Z";
    let invite = |laptop: &mut HistoryLaptop, index: usize, member: &str| {
        let key = hex::encode(invite_key(index).verifying_key().to_bytes());
        laptop.put(
            &circle,
            "invite",
            &invite_id(index),
            start,
            json!({
                "id": invite_id(index), "circle_id": circle, "member_id": member, "invite_key": key,
                "created_at": start, "expires_at": expires,
            }),
        );
    };
    for (index, member) in members.iter().enumerate() {
        if index > 0 {
            invite(&mut laptops[0], index, member);
        }
    }
    for (index, member) in members.iter().enumerate() {
        let laptop = &mut laptops[index];
        let public = laptop.public();
        let (authorized_by, signer) = match index {
            0 => ("founder".to_string(), laptop.signing.clone()),
            _ => (format!("invite:{}", invite_id(index)), invite_key(index)),
        };
        let key_id = format!("00000000-0000-4000-8000-0000000022{index:02x}");
        let device = laptop.device.clone();
        // A minute after the founder added the members: each joins after being added.
        let joined = "2016-01-01T00:01:00Z";
        laptop.put(&circle, "device_key", &key_id, joined, json!({
            "id": key_id, "circle_id": circle, "member_id": member, "device_id": device,
            "signing_key": public.signing_key, "age_recipient": public.age_recipient, "authorized_by": authorized_by,
            "proof": sync::keys::sign_key(&signer, &circle, member, &device, &public), "added_at": joined,
        }));
    }
    let author = members.iter().position(|m| m == invitee).expect("the edits' author is a member");
    invite(&mut laptops[author], B_INVITE, invitee);

    let founder = &mut laptops[0];
    for m in workload["meetings"].as_array().unwrap() {
        let at = s(&m["starts_at"]);
        founder.put(
            &circle,
            "meeting",
            &s(&m["id"]),
            &at,
            json!({
                "id": m["id"], "circle_id": circle, "title": m["title"], "starts_at": at, "minutes": 90, "place": null,
                "facilitator_id": null, "timekeeper_id": null, "note_taker_id": null, "status": "scheduled",
                "started_at": null, "ended_at": null, "paused_at": null, "current_item_id": null, "summary": "",
            }),
        );
        for a in m["agenda_items"].as_array().unwrap() {
            let status = if a["done"].as_bool().unwrap() { "done" } else { "open" };
            founder.put(&circle, "agenda_item", &s(&a["id"]), &at, json!({
                "id": a["id"], "meeting_id": m["id"], "title": a["title"], "details": "", "contributor_id": null,
                "kind": "topic", "minutes": a["minutes"], "position": a["position"], "status": status, "confidential": false,
                "notes": "", "started_at": null, "ended_at": null, "paused_secs": 0, "carried_from_id": null,
                "member_id": null, "help_wanted": null, "goal_id": null,
            }));
        }
        for a in m["action_items"].as_array().unwrap() {
            founder.put(&circle, "action_item", &s(&a["id"]), &at, json!({
                "id": a["id"], "meeting_id": m["id"], "text": a["text"], "owner_id": a["owner_member_id"], "due": a["due"],
                "done": a["done"], "created_at": at, "agenda_item_id": null, "done_at": null,
            }));
        }
    }
    for r in workload["reflections"].as_array().unwrap() {
        let at = s(&r["created_at"]);
        let index = members.iter().position(|m| *m == s(&r["author_member_id"])).expect("a member wrote it");
        laptops[index].put(&circle, "reflection", &s(&r["id"]), &at, json!({
            "id": r["id"], "circle_id": circle, "author_member_id": r["author_member_id"], "meeting_id": r["meeting_id"],
            "prompt": null, "text": r["text"], "visibility": r["visibility"], "created_at": at,
        }));
    }
    let mut segments = Vec::new();
    let mut have = sync::VersionVector::new();
    let mut changes = Vec::new();
    for laptop in laptops {
        segments.push(sync::authorship::sign_run(&laptop.signing, &laptop.changes, None).expect("the history signs"));
        have.insert(laptop.device.clone(), laptop.changes.len() as i64);
        changes.extend(laptop.changes);
    }
    sync::Bundle {
        format: sync::bundle::FORMAT.into(),
        schema: store::SCHEMA_VERSION,
        circle_id: circle,
        sender_device: HistoryLaptop::new(0).device,
        have,
        claims: Vec::new(),
        segments,
        changes,
    }
}

/// The invite the edits' author's laptop wrote for laptop B, as its file would hold it.
fn invite_of(bundle: &sync::Bundle, invitee: &str) -> sync::invite::Invite {
    sync::invite::Invite {
        header: sync::invite::InviteHeader {
            format: "kinship-invite/1".into(),
            invite_id: invite_id(B_INVITE),
            circle_id: bundle.circle_id.clone(),
            circle_name: "Ten-year circle".into(),
            member_id: invitee.into(),
            member_name: "Member One".into(),
            member_email: "member1@example.org".into(),
            inviter_name: "Member One".into(),
            invite_secret: hex::encode(invite_key(B_INVITE).to_bytes()),
        },
        bundle: bundle.clone(),
    }
}

fn laptop(dir: &Path, name: &str, email: &str) -> Store {
    let clock = Arc::new(FixedClock::new(validate::timestamp("t", "2025-08-05T18:00:00Z").unwrap()));
    let mut store = Store::open_with_clock(dir, clock).unwrap();
    store.create_identity(&IdentityInput { name: name.into(), email: email.into(), ..Default::default() }).unwrap();
    store
}

/// Applies the 100 edits on laptop B, as member `author` would through Kinship.
fn apply_edits(b: &mut Store, edits: &Value) {
    let mut reflection_ids = std::collections::HashMap::new();
    for edit in edits["edits"].as_array().unwrap() {
        let id = edit["id"].as_str().unwrap_or_default();
        match edit["op"].as_str().unwrap() {
            "set_agenda_title" => {
                let patch =
                    AgendaItemPatch { title: Some(edit["title"].as_str().unwrap().into()), ..Default::default() };
                b.update_agenda_item(id, &patch).unwrap();
            }
            "set_action_done" => {
                b.set_action_done(id, edit["done"].as_bool().unwrap()).unwrap();
            }
            "add_reflection" => {
                let r = &edit["reflection"];
                let input = ReflectionInput {
                    meeting_id: Some(r["meeting_id"].as_str().unwrap().into()),
                    text: r["text"].as_str().unwrap().into(),
                    shared: true,
                    ..Default::default()
                };
                let made = b.add_reflection(&input).unwrap();
                reflection_ids.insert(r["id"].as_str().unwrap().to_string(), made.id);
            }
            "delete_reflection" => {
                // Taking a shared reflection back sends its deletion to the circle.
                b.set_reflection_shared(id, false).unwrap();
            }
            other => panic!("unknown edit {other}"),
        }
    }
}

/// Seals `inner` for a circle of eight members, as sharing does (signature, age header per
/// recipient), and returns the sealed size.
fn sealed_len(inner: &[u8]) -> usize {
    let sender = sync::seal::DeviceKeys::generate();
    let recipients: Vec<String> = (0..8).map(|_| sync::seal::DeviceKeys::generate().public().age_recipient).collect();
    sync::seal::seal(inner, &HistoryLaptop::new(0).device, &sender, &recipients).unwrap().len()
}

/// Time this thread spent on a CPU, in ms (Linux only). On a busy machine it moves far
/// less than the wall clock, which also counts waiting for a CPU (and for the disk).
fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(stat.split(' ').next()?.parse::<f64>().ok()? / 1e6)
}

/// Figures of one pass, in the order they are taken.
#[derive(Default)]
struct Figures(serde_json::Map<String, Value>);

impl Figures {
    /// Runs `f` and records how long it took as `NAME_ms` (wall clock) and `NAME_cpu_ms`.
    fn time<T>(&mut self, name: &str, f: impl FnOnce() -> T) -> T {
        let (cpu, started) = (cpu_ms(), Instant::now());
        let out = f();
        self.0.insert(format!("{name}_ms"), json!(ms(started)));
        if let (Some(before), Some(after)) = (cpu, cpu_ms()) {
            self.0.insert(format!("{name}_cpu_ms"), json!(((after - before) * 100.0).round() / 100.0));
        }
        out
    }

    fn set(&mut self, name: &str, value: impl Into<Value>) {
        self.0.insert(name.into(), value.into());
    }
}

/// How many times a pass re-imports the incremental bundle (a re-import changes nothing,
/// so it can be repeated; its figure is the median).
const REIMPORTS: usize = 21;

/// One pass of the sync benchmark on fresh laptops; returns its figures.
fn once(workload: &Value, edits: &Value) -> Figures {
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = laptop(a_dir.path(), "Member Zero", "member0@example.org");
    let invitee = edits["author_member_id"].as_str().unwrap();
    let history = history(workload, invitee);
    let circle = history.circle_id.clone();
    let mut f = Figures::default();

    f.time("load_history_into_a", || a.import_bundle(&history, false).unwrap());
    // A's person has looked at the circle as it was: what B sends later is what is new.
    a.mark_seen(&circle, None).unwrap();
    let full = f.time("full_export", || encode(&a.export_bundle(&circle, None).unwrap()).unwrap());
    f.set("full_bundle_bytes", full.len());
    f.set("full_bundle_sealed_bytes", sealed_len(&full));
    f.time("full_decode", || decode(&full).unwrap());

    // B is a new laptop of the edits' author: set up by joining, as Kinship's first screen does.
    let clock = Arc::new(FixedClock::new(validate::timestamp("t", "2025-08-05T18:00:00Z").unwrap()));
    let mut b = Store::open_with_clock(b_dir.path(), clock).unwrap();
    let full_bundle = f.time("full_import_into_empty_b", || {
        let bundle = decode(&full).unwrap();
        b.import_bundle(&bundle, false).unwrap();
        bundle
    });
    f.set("b_equals_a_after_full_import", a.dump(&circle).unwrap() == b.dump(&circle).unwrap());

    // B joins as the member who makes the edits, with the invite the history holds.
    b.join(&invite_of(&full_bundle, invitee), None).unwrap();
    let a_has = a.version_vector(&circle).unwrap();
    f.time("apply_100_edits_on_b", || apply_edits(&mut b, edits));
    let incremental =
        f.time("incremental_export", || encode(&b.export_bundle(&circle, Some(&a_has)).unwrap()).unwrap());
    f.set("incremental_bundle_bytes", incremental.len());
    f.set("incremental_bundle_sealed_bytes", sealed_len(&incremental));
    let report = f.time("incremental_import", || a.import_bundle(&decode(&incremental).unwrap(), false).unwrap());
    f.set("incremental_changes", report.new_changes + report.already_had);

    let reimports: Vec<Figures> = (0..REIMPORTS)
        .map(|_| {
            let mut one = Figures::default();
            let again = one.time("reimport", || a.import_bundle(&decode(&incremental).unwrap(), false).unwrap());
            one.set("reimport_new_changes", again.new_changes);
            one
        })
        .collect();
    f.0.extend(median(&reimports));
    // "Since you last looked" on A after the import: read-only, so repeated; the median.
    let looks: Vec<Figures> = (0..REIMPORTS)
        .map(|_| {
            let mut one = Figures::default();
            let since = one.time("since_last_looked_after_100_edits", || a.since_last_looked(&circle).unwrap());
            one.set("since_last_looked_entries", since.total as f64);
            one
        })
        .collect();
    f.0.extend(median(&looks));
    f.set("a_equals_b_after_incremental", a.dump(&circle).unwrap() == b.dump(&circle).unwrap());
    f
}

/// Each figure's median over `passes` (and for yes/no figures, whether all say yes).
fn median(passes: &[Figures]) -> serde_json::Map<String, Value> {
    let mut figures = serde_json::Map::new();
    for (key, first) in &passes[0].0 {
        let value = if first.is_boolean() {
            Value::Bool(passes.iter().all(|p| p.0[key] == true))
        } else {
            let mut all: Vec<f64> = passes.iter().map(|p| p.0[key].as_f64().unwrap()).collect();
            all.sort_by(|a, b| a.partial_cmp(b).unwrap());
            json!(all[all.len() / 2])
        };
        figures.insert(key.clone(), value);
    }
    figures
}

/// Runs the sync benchmark `runs` times on fresh laptops; returns the median of each
/// figure (and whether every run converged).
pub fn run(dir: &Path, workload: &Value, runs: usize) -> Value {
    let edits: Value =
        serde_json::from_slice(&zstd::decode_all(&std::fs::read(dir.join("edits-100.json.zst")).unwrap()[..]).unwrap())
            .unwrap();
    let passes: Vec<Figures> = (0..runs.max(1)).map(|_| once(workload, &edits)).collect();
    let mut figures = median(&passes);
    figures.insert("runs".into(), json!(passes.len()));
    figures.insert("reimports_per_run".into(), json!(REIMPORTS));
    Value::Object(figures)
}
