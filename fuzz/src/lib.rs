//! The harness shared by the fuzz targets (`fuzz_targets/`) and the replay test below.
//!
//! The sync decoders must refuse any malformed file cleanly: an `Err` of a bundle kind,
//! never a panic, never unbounded memory or time. Two targets check that:
//!
//! - `decode_bundle`: the bytes as a received file. They go to `bundle::decode`, to
//!   `seal::open` (with fixed device keys and a sender key callback), and as text (lossy
//!   UTF-8) to `armor::unarmor`, whose output goes to `decode` and `open` again.
//! - `decode_bundle_contents`: the bytes as what a bundle's zstd frame holds. A bundle
//!   carries a checksum, so mutated files almost never get past decompression; this target
//!   compresses its input into a well-formed frame first, so the fuzzer reaches the parser
//!   of the streams inside. Input starting with byte 1 (the envelope's header version) is
//!   also encrypted to the fixed keys and opened, which reaches the envelope's header parser.
//!   Input ending in a zero byte is also tried with a megabyte of zeros after it (what any
//!   small file can expand to).
//!
//! A finding is a panic, a refusal of an unexpected kind ([`refused_cleanly`]), more heap
//! than the input justifies ([`heap::allowed`]: the targets abort with a backtrace), or an
//! input slower than libFuzzer's `-timeout`.
//!
//! Seeds are generated at run time (see [`write_seeds`]), never committed as binaries, so
//! they always match the current bundle format; `corpus/*/seed-*` are hand-made,
//! format-independent extras. `regressions/<target>/` holds inputs that once failed; the
//! test below replays them and the corpus with the same checks on stable Rust:
//! `cargo test --manifest-path fuzz/Cargo.toml --no-default-features --locked`.

use kinship_core::sync::bundle::{self, Bundle};
use kinship_core::sync::seal::{self, DeviceKeys};
use kinship_core::sync::{armor, VersionVector};
use kinship_core::{Change, Error, Hlc};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::io::Write;
use std::path::Path;
use std::sync::OnceLock;

/// Fixed, public, test-only device keys (`S` × 32 as the signing seed, `K` × 32 as the
/// age key): a fuzz run can open what the seed generator sealed in another process.
pub const DEVICE_KEYS: &str = "kinship-device-keys/1:\
    5353535353535353535353535353535353535353535353535353535353535353:\
    AGE-SECRET-KEY-1FD95KJ6TFD95KJ6TFD95KJ6TFD95KJ6TFD95KJ6TFD95KJ6TFD9SE8TK3E";

/// The device that "sent" the generated bundles.
pub const SENDER: &str = "0190a1b2-0000-7000-8000-00000000000a";
const OTHER_DEVICE: &str = "0190a1b2-0000-7000-8000-00000000000b";
const CIRCLE: &str = "0190a1b2-0000-7000-8000-0000000000c1";

/// The environment variable naming a folder: the fuzz targets write their seeds there on
/// start (scripts/fuzz sets it to the target's corpus folder).
pub const SEEDS_ENV: &str = "KINSHIP_FUZZ_SEEDS";

/// The fixed device keys.
pub fn keys() -> &'static DeviceKeys {
    static KEYS: OnceLock<DeviceKeys> = OnceLock::new();
    KEYS.get_or_init(|| DeviceKeys::from_secret_string(DEVICE_KEYS).expect("the fixed test keys parse"))
}

/// The callback `seal::open` asks for a sender's verifying key: the fixed keys' one,
/// whatever the device.
pub fn key_of(_device: &str, _inner: &[u8]) -> Option<String> {
    static KEY: OnceLock<String> = OnceLock::new();
    Some(KEY.get_or_init(|| keys().public().signing_key).clone())
}

/// `Some(value)` on success; `None` on a clean refusal; a panic on an error of a kind the
/// sync decoders should never return (the person would see a misleading message).
pub fn refused_cleanly<T>(result: kinship_core::Result<T>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(e @ (Error::Bundle(_) | Error::NewerBundle { .. } | Error::OlderBundle { .. } | Error::IsInvite)) => {
            // Every refusal says something to the person.
            assert!(!e.to_string().trim().is_empty(), "an empty error message ({e:?})");
            None
        }
        Err(e) => panic!("refused with an unexpected kind of error (code {}): {e}", e.code()),
    }
}

/// The `decode_bundle` target: `data` as a received file, binary or armored text.
pub fn check_file(data: &[u8]) {
    check_binary(data);
    let _ = armor::is_armored(data);
    if let Some(bytes) = refused_cleanly(armor::unarmor(&String::from_utf8_lossy(data))) {
        check_binary(&bytes);
    }
}

/// A binary file: as a plain bundle and as a sealed one.
fn check_binary(data: &[u8]) {
    refused_cleanly(bundle::decode(data));
    if let Some(opened) = refused_cleanly(seal::open(data, keys(), key_of)) {
        refused_cleanly(bundle::decode(&opened.inner));
    }
}

/// Any bundle may expand to this much, however small its file: zeros compress to nearly
/// nothing, and the decoder allows at least 1 MiB of contents.
pub const FREE_EXPANSION: usize = 1 << 20;

/// The `decode_bundle_contents` target: `data` as what a bundle's zstd frame holds.
/// Contents ending in a zero byte are also tried with zeros after them up to
/// [`FREE_EXPANSION`], as a small file can carry them: the fuzzer's inputs are small, and
/// what the decoder builds from a megabyte of zeros is where memory blows up.
pub fn check_contents(data: &[u8]) {
    refused_cleanly(bundle::decode(&frame(data)));
    if data.last() == Some(&0) && data.len() < FREE_EXPANSION {
        let mut padded = data.to_vec();
        padded.resize(FREE_EXPANSION, 0);
        refused_cleanly(bundle::decode(&frame(&padded)));
    }
    if data.first() == Some(&1) {
        if let Some(opened) = refused_cleanly(seal::open(&encrypt(data), keys(), key_of)) {
            refused_cleanly(bundle::decode(&opened.inner));
        }
    }
}

/// `contents` as a bundle file: the magic, then one zstd frame with a checksum (fast level).
pub fn frame(contents: &[u8]) -> Vec<u8> {
    thread_local! {
        static COMPRESSOR: RefCell<zstd::bulk::Compressor<'static>> = RefCell::new({
            let mut c = zstd::bulk::Compressor::new(1).expect("a zstd compressor");
            c.include_checksum(true).expect("zstd checksums");
            c
        });
    }
    let mut file = bundle::MAGIC.to_vec();
    COMPRESSOR.with(|c| file.extend(c.borrow_mut().compress(contents).expect("zstd compresses anything")));
    file
}

/// What a bundle file's zstd frame holds (the inverse of [`frame`]), if it is one.
pub fn unframe(file: &[u8]) -> Option<Vec<u8>> {
    let compressed = file.strip_prefix(&bundle::MAGIC[..])?;
    zstd::stream::decode_all(compressed).ok()
}

/// `plaintext` as a sealed file to the fixed keys: the envelope's magic, then age.
pub fn encrypt(plaintext: &[u8]) -> Vec<u8> {
    let recipient = keys().age.to_public();
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient)).expect("one recipient");
    let mut writer = encryptor.wrap_output(seal::MAGIC.to_vec()).expect("writing to memory");
    writer.write_all(plaintext).expect("writing to memory");
    writer.finish().expect("writing to memory")
}

/// What a sealed file to the fixed keys holds inside its encryption (header and inner).
pub fn decrypt(sealed: &[u8]) -> Option<Vec<u8>> {
    let body = sealed.strip_prefix(&seal::MAGIC[..])?;
    let identity = &keys().age as &dyn age::Identity;
    let reader = age::Decryptor::new_buffered(body).ok()?.decrypt(std::iter::once(identity)).ok()?;
    let mut plaintext = Vec::new();
    std::io::Read::read_to_end(&mut { reader }, &mut plaintext).ok()?;
    Some(plaintext)
}

fn change(device: &str, seq: i64, millis: i64, entity: &str, entity_id: &str, op: &str, fields: Value) -> Change {
    Change {
        author_device: device.into(),
        seq,
        hlc: Hlc { millis, counter: (seq % 3) as u32 }.encode(device),
        circle_id: CIRCLE.into(),
        entity: entity.into(),
        entity_id: entity_id.into(),
        op: op.into(),
        fields,
    }
}

fn bundle_of(changes: Vec<Change>) -> Bundle {
    let mut have = VersionVector::new();
    for c in &changes {
        let seq = have.entry(c.author_device.clone()).or_insert(0);
        *seq = (*seq).max(c.seq);
    }
    let member = "0190a1b2-0000-7000-8000-0000000000e1".to_string();
    Bundle {
        format: bundle::FORMAT.into(),
        schema: kinship_core::store::SCHEMA_VERSION,
        circle_id: CIRCLE.into(),
        sender_device: SENDER.into(),
        claims: vec![bundle::Claim {
            device: SENDER.into(),
            at: "2026-12-04T18:00:00Z".into(),
            have: have.clone(),
            signature: "ab".repeat(64),
        }],
        segments: vec![bundle::Segment {
            device: SENDER.into(),
            from: 1,
            to: have.get(SENDER).copied().unwrap_or(1),
            prev: "cd".repeat(32),
            legacy_upto: 0,
            signature: Some("ef".repeat(64)),
        }],
        have,
        changes,
    }
}

/// A small everyday bundle touching every kind of value the encoding has a case for:
/// ids, text, integers either sign, a u64, a float, null, booleans, nested `$base`, an
/// id as text (attendance), a clock stamp not in its stored form, another circle, a delete.
pub fn small_bundle() -> Bundle {
    let meeting = "0190a1b2-0000-7000-8000-000000000101";
    let item = "0190a1b2-0000-7000-8000-000000000102";
    let member = "0190a1b2-0000-7000-8000-0000000000e1";
    let t = 1_730_000_000_000;
    let mut changes = vec![
        change(SENDER, 1, t, "circle", CIRCLE, "put", json!({"name": "Thursday circle", "cadence_weeks": 2})),
        change(
            SENDER,
            2,
            t + 5,
            "member",
            member,
            "put",
            json!({"circle_id": CIRCLE, "name": "Ana Reyes", "email": "ana@uni.edu", "active": true}),
        ),
        change(
            SENDER,
            3,
            t + 9,
            "meeting",
            meeting,
            "put",
            json!({"circle_id": CIRCLE, "title": "Week 3: feedback", "notes": "We talked about giving feedback.",
                   "$base": {"notes": []}, "duration_min": 60, "offset": -90, "big": u64::MAX, "ratio": 1.5,
                   "ended_at": null, "cancelled": false}),
        ),
        change(
            OTHER_DEVICE,
            1,
            t + 2,
            "agenda_item",
            item,
            "put",
            json!({"meeting_id": meeting, "title": "Check-in", "position": 1, "minutes": 10,
                   "details": "Everyone says one word about their week.", "$base": {"details": []}}),
        ),
        change(OTHER_DEVICE, 2, t + 20, "attendance", &format!("{meeting}/{member}"), "put", json!({"present": true})),
        change(
            OTHER_DEVICE,
            3,
            t + 25,
            "agenda_item",
            item,
            "delete",
            json!({"$base": {"details": [Hlc { millis: t + 2, counter: 1 }.encode(OTHER_DEVICE)]}}),
        ),
    ];
    // A clock stamp typed by hand and a change naming another circle: kept as text.
    let mut odd = change(SENDER, 4, t + 30, "resource", "0190A1B2-0000-7000-8000-000000000103", "put", json!({}));
    odd.hlc = "1730000000030-0-typed-by-hand".into();
    odd.circle_id = "0190a1b2-0000-7000-8000-0000000000c2".into();
    changes.push(odd);
    bundle_of(changes)
}

/// A bundle with no changes.
pub fn empty_bundle() -> Bundle {
    bundle_of(Vec::new())
}

/// A bundle with enough prose (over 128 KiB) for its text to be word-coded. Its words are
/// long, so that it is few codes (a small seed: the fuzzer's inputs grow up to it).
pub fn prose_bundle() -> Bundle {
    let words: Vec<&str> =
        "mentoring circle feedback listening goals reflection practice together career confidence questions \
         agenda actions support learning growth é naïve 日本"
            .split_whitespace()
            .collect();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut changes = Vec::new();
    for i in 0..3 {
        let mut text = String::new();
        while text.len() < 44 * 1024 {
            // A long word (letters only, so one token), then a mark and a space or not.
            text.push_str(&words[next(words.len())].repeat(5));
            text.push_str([" ", " ", ", ", ". ", "? ", "\n", "!"][next(7)]);
            if next(40) == 0 {
                text.push_str(&format!("unique{} ", next(1_000_000)));
            }
        }
        let id = format!("0190a1b2-0000-7000-8000-0000000002{i:02}");
        changes.push(change(SENDER, i + 1, 1_730_000_000_000 + i, "reflection", &id, "put", json!({"text": text})));
    }
    bundle_of(changes)
}

/// The seeds of the `decode_bundle` target: real files of every kind a person may open.
pub fn file_seeds() -> Vec<(String, Vec<u8>)> {
    let mut seeds = Vec::new();
    for (name, bundle) in [("small", small_bundle()), ("empty", empty_bundle()), ("prose", prose_bundle())] {
        let plain = bundle::encode(&bundle).expect("the sample bundles encode");
        let sealed = seal::seal(&plain, SENDER, keys(), &[keys().public().age_recipient]).expect("sealing");
        if name == "small" {
            let armored = armor::armor(&sealed);
            let quoted: String = armored.lines().map(|l| format!("> {l}\r\n")).collect();
            let email = format!("Hi all,\r\nmy updates:\r\n\r\n{quoted}\r\nAna\r\n");
            seeds.push((format!("{name}-armored-plain.txt"), armor::armor(&plain).into_bytes()));
            seeds.push((format!("{name}-armored-sealed.txt"), armored.into_bytes()));
            seeds.push((format!("{name}-email.txt"), email.into_bytes()));
        }
        seeds.push((format!("{name}.bundle"), plain));
        seeds.push((format!("{name}-sealed.kinship"), sealed));
    }
    seeds
}

/// The seeds of the `decode_bundle_contents` target: what real bundles' frames hold, and
/// what a sealed bundle holds inside its encryption.
pub fn contents_seeds() -> Vec<(String, Vec<u8>)> {
    let mut seeds = Vec::new();
    for (name, bundle) in [("small", small_bundle()), ("empty", empty_bundle()), ("prose", prose_bundle())] {
        let file = bundle::encode(&bundle).expect("the sample bundles encode");
        seeds.push((format!("{name}.contents"), unframe(&file).expect("a bundle is the magic and a zstd frame")));
    }
    let inner = bundle::encode(&small_bundle()).expect("the sample bundles encode");
    let sealed = seal::seal(&inner, SENDER, keys(), &[keys().public().age_recipient]).expect("sealing");
    seeds.push(("small-sealed.plaintext".into(), decrypt(&sealed).expect("sealed to the fixed keys")));
    seeds
}

/// Writes `target`'s seeds into `dir` as `gen-*` files (ignored by git).
pub fn write_seeds(target: &str, dir: &Path) -> std::io::Result<()> {
    let seeds = match target {
        "decode_bundle" => file_seeds(),
        "decode_bundle_contents" => contents_seeds(),
        _ => return Err(std::io::Error::other(format!("no seeds for {target}"))),
    };
    std::fs::create_dir_all(dir)?;
    for (name, bytes) in seeds {
        std::fs::write(dir.join(format!("gen-{name}")), bytes)?;
    }
    Ok(())
}

/// For a fuzz target's start: writes its seeds where [`SEEDS_ENV`] says, if it is set.
pub fn write_seeds_from_env(target: &str) {
    if let Some(dir) = std::env::var_os(SEEDS_ENV) {
        write_seeds(target, Path::new(&dir)).unwrap_or_else(|e| panic!("could not write the seeds: {e}"));
        eprintln!("wrote {target}'s seeds into {}", Path::new(&dir).display());
    }
}

/// A counting allocator: the fuzz targets and the replay test install it, so that a
/// decoder holding far more memory than its input justifies is a finding, whether or not
/// the memory is touched (a reservation the size of a laptop's memory fails there).
pub mod heap {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

    /// Install with `#[global_allocator] static HEAP: Guard = Guard;`.
    pub struct Guard;

    static IN_USE: AtomicUsize = AtomicUsize::new(0);
    static PEAK: AtomicUsize = AtomicUsize::new(0);
    /// In-use bytes above which the process aborts (see [`abort_above`]).
    static CEILING: AtomicUsize = AtomicUsize::new(usize::MAX);
    static ABORTING: AtomicBool = AtomicBool::new(false);

    /// The most heap a check of an input of `len` bytes may use beyond what was in use
    /// before it: what the decoder's own caps allow, with room to spare. Its contents are
    /// at most 50 times the file (at least 1 MiB); the decoded changes may take 256 times
    /// the file (at least 16 MiB: `bundle.rs`, `MEMORY_RATIO`), each byte charged.
    pub fn allowed(len: usize) -> usize {
        48 * 1024 * 1024 + 384 * len
    }

    fn grew(by: usize) {
        let now = IN_USE.fetch_add(by, Relaxed) + by;
        PEAK.fetch_max(now, Relaxed);
        if now > CEILING.load(Relaxed) && !ABORTING.swap(true, Relaxed) {
            CEILING.store(usize::MAX, Relaxed); // the report below allocates
            eprintln!(
                "==kinship-fuzz== ERROR: the check held {} MB of heap, more than its input justifies; at:\n{}",
                now / 1_000_000,
                std::backtrace::Backtrace::force_capture()
            );
            std::process::abort();
        }
    }

    unsafe impl GlobalAlloc for Guard {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            grew(layout.size());
            let p = unsafe { System.alloc(layout) };
            if p.is_null() {
                IN_USE.fetch_sub(layout.size(), Relaxed);
            }
            p
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            grew(layout.size());
            let p = unsafe { System.alloc_zeroed(layout) };
            if p.is_null() {
                IN_USE.fetch_sub(layout.size(), Relaxed);
            }
            p
        }

        unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
            unsafe { System.dealloc(p, layout) };
            IN_USE.fetch_sub(layout.size(), Relaxed);
        }

        unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // Counted as both blocks at once, as a copying realloc holds them.
            grew(new_size);
            let q = unsafe { System.realloc(p, layout, new_size) };
            IN_USE.fetch_sub(if q.is_null() { new_size } else { layout.size() }, Relaxed);
            q
        }
    }

    /// Runs `f`, aborting the process (with a backtrace) if the heap in use grows by more
    /// than `allowed` meanwhile: what the fuzz targets do for each input.
    pub fn abort_above<R>(allowed: usize, f: impl FnOnce() -> R) -> R {
        CEILING.store(IN_USE.load(Relaxed).saturating_add(allowed), Relaxed);
        let r = f();
        CEILING.store(usize::MAX, Relaxed);
        r
    }

    /// Runs `f` and returns the most the heap in use grew meanwhile (by any thread).
    pub fn peak_growth<R>(f: impl FnOnce() -> R) -> (R, usize) {
        let before = IN_USE.load(Relaxed);
        PEAK.store(before, Relaxed);
        let r = f();
        (r, PEAK.load(Relaxed).saturating_sub(before))
    }
}

#[cfg(test)]
mod tests {
    //! Run with `cargo test --manifest-path fuzz/Cargo.toml --no-default-features`.
    use super::*;
    use std::path::PathBuf;
    use std::sync::mpsc;
    use std::time::Duration;

    /// The generated seeds are what they claim: if the bundle format changes under them,
    /// this says so (then fix `unframe` or the seeds, not the core).
    #[test]
    fn the_seeds_are_real_bundles() {
        for bundle in [small_bundle(), empty_bundle(), prose_bundle()] {
            let file = bundle::encode(&bundle).unwrap();
            assert_eq!(bundle::decode(&file).unwrap(), bundle);
            let contents = unframe(&file).expect("a bundle file is the magic and one zstd frame");
            assert_eq!(bundle::decode(&frame(&contents)).unwrap(), bundle, "the contents target's framing");
            assert_eq!(armor::unarmor(&armor::armor(&file)).unwrap(), file);
            let sealed = seal::seal(&file, SENDER, keys(), &[keys().public().age_recipient]).unwrap();
            assert_eq!(seal::open(&sealed, keys(), key_of).unwrap().inner, file);
            let plaintext = decrypt(&sealed).unwrap();
            assert_eq!(
                plaintext[0], 1,
                "the envelope's header version (the contents target opens input starting with it)"
            );
            assert_eq!(seal::open(&encrypt(&plaintext), keys(), key_of).unwrap().inner, file);
        }
        let prose = unframe(&bundle::encode(&prose_bundle()).unwrap()).unwrap();
        let head = String::from_utf8_lossy(&prose[..prose.len().min(2000)]).into_owned();
        assert!(head.contains("\"words\":true"), "the prose seed is word-coded: {head}");
        for (name, seed) in file_seeds() {
            assert!(seed.len() < 64 * 1024, "{name} is {} bytes", seed.len());
            check_file(&seed);
        }
        for (_, seed) in contents_seeds() {
            check_contents(&seed);
        }
    }

    #[global_allocator]
    static HEAP: heap::Guard = heap::Guard;

    /// The longest one input may take (a debug build; the fuzz runs allow 10 s too).
    const DEADLINE: Duration = Duration::from_secs(10);

    /// Runs `check` on `bytes` on its own thread: `Err` says why it failed (a panic, too
    /// much heap, or no answer within [`DEADLINE`]; that thread is then left running).
    fn replay(check: fn(&[u8]), bytes: Vec<u8>) -> Result<(), String> {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let (outcome, used) = heap::peak_growth(|| std::panic::catch_unwind(|| check(&bytes)));
            let _ = tx.send(match outcome {
                Err(_) => Err("it panicked (the message is above)".to_string()),
                Ok(()) if used > heap::allowed(bytes.len()) => Err(format!(
                    "it used {} MB of heap for a {} KB file (allowed: {} MB)",
                    used / 1_000_000,
                    bytes.len() / 1000,
                    heap::allowed(bytes.len()) / 1_000_000
                )),
                Ok(()) => Ok(()),
            });
        });
        rx.recv_timeout(DEADLINE).unwrap_or_else(|_| Err(format!("no answer within {} s", DEADLINE.as_secs())))
    }

    /// Every file in `fuzz/corpus/<target>` and `fuzz/regressions/<target>` goes through
    /// the target's checks, within a time and a heap bound; failures name the file.
    #[test]
    fn replay_the_corpus_and_the_regressions() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut failed = Vec::new();
        let mut count = 0;
        for (target, check) in [("decode_bundle", check_file as fn(&[u8])), ("decode_bundle_contents", check_contents)]
        {
            for folder in ["corpus", "regressions"] {
                let dir = root.join(folder).join(target);
                let Ok(entries) = std::fs::read_dir(&dir) else { continue };
                let mut paths: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
                paths.sort();
                for path in paths {
                    if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
                        continue;
                    }
                    count += 1;
                    if let Err(why) = replay(check, std::fs::read(&path).unwrap()) {
                        failed.push(format!("{}: {why}", path.display()));
                    }
                }
            }
        }
        assert!(failed.is_empty(), "{} of {count} inputs failed:\n{}", failed.len(), failed.join("\n"));
        assert!(count > 0, "no corpus found under {}", root.display());
        eprintln!("replayed {count} inputs");
    }
}
