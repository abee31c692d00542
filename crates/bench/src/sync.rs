//! Sync figures on the reference workload: laptop A holds the ten-year circle; B starts
//! empty, imports A's full bundle, makes the 100 edits of `edits-100.json.zst`, and sends
//! A an incremental bundle.

use kinship_core::sync::bundle::{decode, encode};
use kinship_core::*;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// The device that wrote the workload's history (a fixed id, so runs compare).
const HISTORY_DEVICE: &str = "00000000-0000-4000-8000-00000000a11a";

fn ms(since: Instant) -> f64 {
    (since.elapsed().as_secs_f64() * 100_000.0).round() / 100.0
}

fn change(seq: &mut i64, circle: &str, entity: &str, id: &str, at: &str, record: Value) -> Change {
    *seq += 1;
    let millis = validate::timestamp("t", at).unwrap().timestamp_millis();
    Change {
        author_device: HISTORY_DEVICE.into(),
        seq: *seq,
        hlc: Hlc { millis, counter: (*seq % 1000) as u32 }.encode(HISTORY_DEVICE),
        circle_id: circle.into(),
        entity: entity.into(),
        entity_id: id.into(),
        op: "put".into(),
        fields: record,
    }
}

/// The history device's signing key and the one-off key of the invite it wrote for the
/// member who makes the edits (fixed, so runs compare).
const HISTORY_KEY: [u8; 32] = [7; 32];
const INVITE_KEY: [u8; 32] = [9; 32];
const INVITE_ID: &str = "00000000-0000-4000-8000-0000000011e1";

/// The workload as one bundle of `put`s, as if one laptop had written ten years of it: the
/// circle's founding laptop, which also invited `invitee` (the member who makes the edits).
fn history(workload: &Value, invitee: &str) -> sync::Bundle {
    let s = |v: &Value| v.as_str().unwrap().to_string();
    let circle = s(&workload["circle"]["id"]);
    let start = "2016-01-01T00:00:00Z";
    let mut seq = 0;
    let mut changes = vec![change(
        &mut seq,
        &circle,
        "circle",
        &circle,
        start,
        json!({
            "id": circle, "name": workload["circle"]["name"], "purpose": "", "agreement": DEFAULT_AGREEMENT,
            "cadence": "weekly", "created_at": start,
        }),
    )];
    for m in workload["members"].as_array().unwrap() {
        changes.push(change(&mut seq, &circle, "member", &s(&m["id"]), start, json!({
            "id": m["id"], "circle_id": circle, "person_id": null, "name": m["name"], "email": m["email"],
            "pronouns": null, "institution": null, "role": "member", "contact": null, "joined_at": start, "left_at": null,
        })));
    }
    // The founder's key (the first member is the founder) and the invite for `invitee`.
    let signing = ed25519_dalek::SigningKey::from_bytes(&HISTORY_KEY);
    let public = sync::seal::PublicKeys {
        signing_key: hex::encode(signing.verifying_key().to_bytes()),
        age_recipient: sync::seal::DeviceKeys::generate().public().age_recipient,
    };
    let founder = s(&workload["members"][0]["id"]);
    let key_id = "00000000-0000-4000-8000-0000000011e0";
    changes.push(change(
        &mut seq,
        &circle,
        "device_key",
        key_id,
        start,
        json!({
            "id": key_id, "circle_id": circle, "member_id": founder, "device_id": HISTORY_DEVICE,
            "signing_key": public.signing_key, "age_recipient": public.age_recipient, "authorized_by": "founder",
            "proof": sync::keys::sign_key(&signing, &circle, &founder, HISTORY_DEVICE, &public), "added_at": start,
        }),
    ));
    let invite_key = ed25519_dalek::SigningKey::from_bytes(&INVITE_KEY);
    changes.push(change(
        &mut seq,
        &circle,
        "invite",
        INVITE_ID,
        start,
        json!({
            "id": INVITE_ID, "circle_id": circle, "member_id": invitee,
            "invite_key": hex::encode(invite_key.verifying_key().to_bytes()),
            "created_at": start, "expires_at": "2099-01-01T00:00:00Z",
        }),
    ));
    for m in workload["meetings"].as_array().unwrap() {
        let at = s(&m["starts_at"]);
        changes.push(change(
            &mut seq,
            &circle,
            "meeting",
            &s(&m["id"]),
            &at,
            json!({
                "id": m["id"], "circle_id": circle, "title": m["title"], "starts_at": at, "minutes": 90, "place": null,
                "facilitator_id": null, "timekeeper_id": null, "note_taker_id": null, "status": "scheduled",
                "started_at": null, "ended_at": null, "paused_at": null, "current_item_id": null, "summary": "",
            }),
        ));
        for a in m["agenda_items"].as_array().unwrap() {
            let status = if a["done"].as_bool().unwrap() { "done" } else { "open" };
            changes.push(change(&mut seq, &circle, "agenda_item", &s(&a["id"]), &at, json!({
                "id": a["id"], "meeting_id": m["id"], "title": a["title"], "details": "", "contributor_id": null,
                "kind": "topic", "minutes": a["minutes"], "position": a["position"], "status": status, "confidential": false,
                "notes": "", "started_at": null, "ended_at": null, "paused_secs": 0, "carried_from_id": null,
                "member_id": null, "help_wanted": null, "goal_id": null,
            })));
        }
        for a in m["action_items"].as_array().unwrap() {
            changes.push(change(&mut seq, &circle, "action_item", &s(&a["id"]), &at, json!({
                "id": a["id"], "meeting_id": m["id"], "text": a["text"], "owner_id": a["owner_member_id"], "due": a["due"],
                "done": a["done"], "created_at": at, "agenda_item_id": null, "done_at": null,
            })));
        }
    }
    for r in workload["reflections"].as_array().unwrap() {
        let at = s(&r["created_at"]);
        changes.push(change(&mut seq, &circle, "reflection", &s(&r["id"]), &at, json!({
            "id": r["id"], "circle_id": circle, "author_member_id": r["author_member_id"], "meeting_id": r["meeting_id"],
            "prompt": null, "text": r["text"], "visibility": r["visibility"], "created_at": at,
        })));
    }
    let segment = sync::authorship::sign_run(&signing, &changes, None).expect("the history signs");
    sync::Bundle {
        format: sync::bundle::FORMAT.into(),
        schema: store::SCHEMA_VERSION,
        circle_id: circle,
        sender_device: HISTORY_DEVICE.into(),
        have: [(HISTORY_DEVICE.to_string(), seq)].into_iter().collect(),
        claims: Vec::new(),
        segments: vec![segment],
        changes,
    }
}

/// The invite the history wrote for `invitee`, as its file would hold it.
fn invite_of(bundle: &sync::Bundle, invitee: &str) -> sync::invite::Invite {
    sync::invite::Invite {
        header: sync::invite::InviteHeader {
            format: "kinship-invite/1".into(),
            invite_id: INVITE_ID.into(),
            circle_id: bundle.circle_id.clone(),
            circle_name: "Ten-year circle".into(),
            member_id: invitee.into(),
            member_name: "Member One".into(),
            member_email: "member1@example.org".into(),
            inviter_name: "Member Zero".into(),
            invite_secret: hex::encode(INVITE_KEY),
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
    sync::seal::seal(inner, HISTORY_DEVICE, &sender, &recipients).unwrap().len()
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
    let full = f.time("full_export", || encode(&a.export_bundle(&circle, None).unwrap()).unwrap());
    f.set("full_bundle_bytes", full.len());
    f.set("full_bundle_sealed_bytes", sealed_len(&full));
    f.time("full_decode", || decode(&full).unwrap());

    let mut b = laptop(b_dir.path(), "Member One", "member1@example.org");
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
