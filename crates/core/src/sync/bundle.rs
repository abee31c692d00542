//! The bundle file: `KINSHIP` + format byte, then one zstd frame (with a checksum) holding
//! the bundle in a compact encoding. Decoding is bounded (compressed size, decompressed
//! size, ratio, and the text it expands to) and validates the whole content before anything
//! touches the database.
//!
//! Inside the frame: a small JSON head (format, schema, circle, sender, version vectors),
//! then the changes in three streams, each of one kind of data so that each compresses well:
//! - structure: per change its device, sequence number and clock (as differences from the
//!   change before), kind, id, op and fields. Names (devices, kinds, ops, field names) are
//!   spelled out once and then referred to by number.
//! - ids: each distinct id once, as its 16 bytes. A reference says "new" or "the n-th
//!   latest new one", so a record's own id and its parent's cost a byte or two.
//! - text: every other string. Big bundles code it by word: each word (with the punctuation
//!   mark and space after it) that occurs twice or more goes into a dictionary, and the text
//!   becomes dictionary numbers. Prose then compresses well at a fast zstd level, where JSON
//!   needed level 19 (16 s for a ten-year circle) to get as small.
//!
//! Ids and clocks not in their canonical form (an id in capitals, a clock stamp typed by
//! hand) still round-trip exactly, as text: refusing them is the importer's job.

use crate::clock::Hlc;
use crate::{Change, Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;

/// For each device, the highest sequence number held with none missing before it.
pub type VersionVector = BTreeMap<String, i64>;

/// The first bytes of every bundle.
pub const MAGIC: &[u8; 8] = b"KINSHIP\x01";
/// The largest bundle file accepted (a ten-year circle is about 1.6 MB).
pub const MAX_COMPRESSED: usize = 64 * 1024 * 1024;
/// The most a bundle's encoding may expand to when decompressed.
pub const MAX_DECOMPRESSED: u64 = 512 * 1024 * 1024;
/// The most a bundle may expand by: prose compresses about 4:1, a zip bomb by thousands.
pub const MAX_RATIO: u64 = 50;
/// The most memory the decoded changes may take per byte of the file: a ten-year circle's
/// bundle takes 22, a history of nothing but small edits (a status and a time each) 130.
const MEMORY_RATIO: usize = 256;
/// Memory any bundle may take, however small its file.
const MEMORY_FLOOR: usize = 16 * 1024 * 1024;
/// Memory no bundle may take (a ten-year circle's takes 36 MB).
const MEMORY_CAP: usize = 1024 * 1024 * 1024;
/// The longest head (who sent it, what each member holds: a few kilobytes in a real circle).
const MAX_HEAD: usize = 1024 * 1024;
/// zstd level for small bundles (everyday updates): the strongest, as it costs little there.
const LEVEL_SMALL: i32 = 19;
/// zstd level for big bundles (a whole circle), whose text is word-coded: higher levels
/// take seconds and gain well under 1%.
const LEVEL_BIG: i32 = 6;
/// Encodings at least this long count as big.
const BIG: usize = 1 << 20;
/// Text at least this long is word-coded; below it the dictionary costs more than it saves.
const WORDS_FROM: usize = 128 * 1024;
/// The deepest nesting of a field value (`$base` is an object of arrays of strings: 3).
const MAX_DEPTH: usize = 16;
/// What each decoded item costs in memory beyond its text, charged to the same budget as
/// the text: a one-byte null becomes a 32-byte `Value`, so without this a file of nulls
/// would expand far past its caps unseen.
const VALUE_COST: usize = std::mem::size_of::<Value>();
/// A non-empty object: the map's first node (eleven keys and values), however few entries.
const OBJECT_COST: usize = 11 * (std::mem::size_of::<String>() + VALUE_COST) + 16;
/// Each object entry: its share of further nodes.
const ENTRY_COST: usize = 64;
/// A change beyond its strings, twice: the list of changes grows by doubling.
const CHANGE_COST: usize = 2 * std::mem::size_of::<Change>();
/// A name or dictionary word kept for reference (`&str`), an id kept as text.
const REF_COST: usize = std::mem::size_of::<&str>();
const ID_COST: usize = std::mem::size_of::<String>() + 36;

/// The proof of who wrote a run of one device's changes, `from..=to`: the device's
/// signature over the head of its chain at `to` (see `changelog::chain`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Segment {
    pub device: String,
    pub from: i64,
    pub to: i64,
    /// The device's chain value before `from` (hex), which the signed head builds on.
    pub prev: String,
    /// The device's last change written before chains existed (its fields are not chained).
    pub legacy_upto: i64,
    /// The signature (hex). `None` only in an invite, for changes written before chains
    /// existed whose author has not signed them since: the inviter vouches for them.
    pub signature: Option<String>,
}

/// A device's signed claim of what it holds of the circle (see `sync::signed`), passed on
/// unaltered so that everyone learns what they need not send it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub device: String,
    /// The device's clock when it made the claim: a newer claim replaces an older one.
    pub at: String,
    pub have: VersionVector,
    /// Hex.
    pub signature: String,
}

/// What one bundle carries from one laptop to the others of a circle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    /// Always [`FORMAT`].
    pub format: String,
    /// The schema version of the Kinship that wrote it.
    pub schema: i64,
    pub circle_id: String,
    /// The device that wrote the bundle.
    pub sender_device: String,
    /// What the sender held when writing it (so receivers learn what it has).
    pub have: VersionVector,
    /// Signed claims of what devices hold (the sender's own among them).
    pub claims: Vec<Claim>,
    /// Who wrote the changes: every change lies in exactly one segment.
    pub segments: Vec<Segment>,
    pub changes: Vec<Change>,
}

/// The bundle format name this build writes and reads.
pub const FORMAT: &str = "kinship-bundle/3";
/// The bundle formats of earlier Kinship versions, which are refused with a request to update.
pub const OLDER_FORMATS: &[&str] = &["kinship-bundle/1", "kinship-bundle/2"];

/// Everything but the changes, as JSON at the start of the encoding.
#[derive(Serialize, Deserialize)]
struct Head {
    format: String,
    schema: i64,
    circle_id: String,
    sender_device: String,
    have: VersionVector,
    claims: Vec<Claim>,
    segments: Vec<Segment>,
    changes: usize,
    /// Whether the text stream is word-coded.
    words: bool,
}

/// Just the format, read first so that a bundle of another format is named as such.
#[derive(Deserialize)]
struct FormatOnly {
    format: String,
}

// Field value tags in the structure stream.
const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const INT: u8 = 3;
const UINT: u8 = 4;
const FLOAT: u8 = 5;
const TEXT: u8 = 6;
const ID: u8 = 7;
const ARRAY: u8 = 8;
const OBJECT: u8 = 9;

// Per-change flags: which parts are written as text because they are not canonical.
const HLC_AS_TEXT: u8 = 1;
const OTHER_CIRCLE: u8 = 2;
const ENTITY_ID_AS_TEXT: u8 = 4;

// Word-coded text: codes 0 (end of a string) and 1 (a token spelled out) come before the
// dictionary's.
const END: u64 = 0;
const LITERAL: u64 = 1;
const FIRST_WORD: u64 = 2;

/// The bundle as file bytes.
pub fn encode(bundle: &Bundle) -> Result<Vec<u8>> {
    let mut w = Writer::default();
    w.changes(bundle)?;
    let words = w.texts.iter().map(|t| t.len()).sum::<usize>() >= WORDS_FROM;
    let head = Head {
        format: bundle.format.clone(),
        schema: bundle.schema,
        circle_id: bundle.circle_id.clone(),
        sender_device: bundle.sender_device.clone(),
        have: bundle.have.clone(),
        claims: bundle.claims.clone(),
        segments: bundle.segments.clone(),
        changes: bundle.changes.len(),
        words,
    };
    let head = serde_json::to_vec(&head).expect("bundle heads serialise");
    let mut plain = Vec::with_capacity(head.len() + w.structure.len() + w.ids.len() + w.texts.len() * 8);
    put_bytes(&mut plain, &head);
    put_bytes(&mut plain, &w.structure);
    put_bytes(&mut plain, &w.ids);
    if words {
        word_code(&w.texts, &mut plain);
    } else {
        for text in &w.texts {
            put_bytes(&mut plain, text.as_bytes());
        }
    }
    let level = if plain.len() < BIG { LEVEL_SMALL } else { LEVEL_BIG };
    let failed = |e: std::io::Error| Error::Bundle(format!("could not compress it ({e})"));
    let mut encoder = zstd::stream::write::Encoder::new(MAGIC.to_vec(), level).map_err(failed)?;
    // A checksum of the content: damage in transit is caught before parsing.
    encoder.include_checksum(true).map_err(failed)?;
    // Knowing the size, zstd sizes its tables to it: level 19's defaults take ~100 ms to set up.
    encoder.set_pledged_src_size(Some(plain.len() as u64)).map_err(failed)?;
    std::io::Write::write_all(&mut encoder, &plain).map_err(failed)?;
    encoder.finish().map_err(failed)
}

/// Just what names a bundle's circle, read before the rest.
#[derive(Deserialize)]
struct Peek {
    format: String,
    circle_id: String,
}

/// The zstd frame after the magic bytes, once they say this is a bundle this build reads.
fn compressed_part(bytes: &[u8]) -> Result<&[u8]> {
    let body = bytes
        .strip_prefix(&MAGIC[..7])
        .ok_or_else(|| Error::Bundle("it does not start like a Kinship bundle".into()))?;
    let (&version, compressed) = body.split_first().ok_or_else(|| Error::Bundle("it is cut short".into()))?;
    if version != MAGIC[7] {
        return Err(Error::NewerBundle { found: version as i64, supported: MAGIC[7] as i64 });
    }
    Ok(compressed)
}

/// A bundle's format and circle, read from the start of its head alone: which circle's keys
/// check its signature is known before it is decoded in full (or refused as older).
pub fn peek(bytes: &[u8]) -> Result<(String, String)> {
    let compressed = compressed_part(bytes)?;
    let decoder = zstd::stream::read::Decoder::new(compressed).map_err(|_| Error::Bundle("it is damaged".into()))?;
    let mut start = Vec::new();
    // The head's length (a varint of at most 10 bytes) and the head, capped as `decode` caps it.
    let _ = decoder.take(MAX_HEAD as u64 + 10).read_to_end(&mut start);
    let mut r = Reader { bytes: &start };
    let len = r.count()?;
    if len > MAX_HEAD {
        return Err(too_big());
    }
    let head: Peek = serde_json::from_slice(r.take(len)?).map_err(|_| damaged())?;
    Ok((head.format, head.circle_id))
}

/// Reads file bytes back into a bundle, refusing anything malformed, oversized or newer.
pub fn decode(bytes: &[u8]) -> Result<Bundle> {
    if bytes.len() > MAX_COMPRESSED {
        return Err(Error::Bundle(format!(
            "it is {} MB, larger than any real circle's bundle",
            bytes.len() / 1_000_000
        )));
    }
    let compressed = compressed_part(bytes)?;
    let limit = MAX_DECOMPRESSED.min((compressed.len() as u64).saturating_mul(MAX_RATIO).max(1 << 20));
    let decoder = zstd::stream::read::Decoder::new(compressed).map_err(|_| Error::Bundle("it is damaged".into()))?;
    let mut plain = Vec::new();
    decoder.take(limit + 1).read_to_end(&mut plain).map_err(|_| Error::Bundle("it is damaged or cut short".into()))?;
    if plain.len() as u64 > limit {
        return Err(too_big());
    }
    let mut r = Reader { bytes: &plain };
    let head = r.bytes_field()?;
    if head.len() > MAX_HEAD {
        return Err(too_big());
    }
    let format: FormatOnly = serde_json::from_slice(head).map_err(|_| damaged())?;
    if OLDER_FORMATS.contains(&format.format.as_str()) {
        return Err(Error::OlderBundle { sender: None });
    }
    if format.format != FORMAT {
        return Err(Error::Bundle(format!("it is in an unknown format ({})", format.format)));
    }
    let head: Head = serde_json::from_slice(head).map_err(|_| damaged())?;
    if head.schema > crate::store::SCHEMA_VERSION {
        return Err(Error::NewerBundle { found: head.schema, supported: crate::store::SCHEMA_VERSION });
    }
    let structure = r.bytes_field()?;
    let ids = r.bytes_field()?;
    if ids.len() % 16 != 0 {
        return Err(damaged());
    }
    let mut budget = compressed.len().saturating_mul(MEMORY_RATIO).clamp(MEMORY_FLOOR, MEMORY_CAP);
    let text = if head.words { Text::words(r, &mut budget)? } else { Text::Plain(r) };
    let mut d = Decoding {
        structure: Reader { bytes: structure },
        new_ids: ids.chunks_exact(16),
        ids: Vec::new(),
        names: Vec::new(),
        text,
        budget,
    };
    // The head's count is unproven: reserve no more than a few pages' worth up front.
    let mut changes = Vec::with_capacity(head.changes.min(structure.len()).min(1024));
    let (mut seq, mut millis) = (0i64, 0i64);
    for _ in 0..head.changes {
        changes.push(d.change(&head.circle_id, &mut seq, &mut millis)?);
    }
    if !d.structure.bytes.is_empty() || d.new_ids.len() != 0 || !d.text.is_at_end() {
        return Err(damaged());
    }
    Ok(Bundle {
        format: head.format,
        schema: head.schema,
        circle_id: head.circle_id,
        sender_device: head.sender_device,
        have: head.have,
        claims: head.claims,
        segments: head.segments,
        changes,
    })
}

fn damaged() -> Error {
    Error::Bundle("its contents are damaged".into())
}

fn too_big() -> Error {
    Error::Bundle("it expands far more than a real bundle could (refused to protect this laptop)".into())
}

fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Small differences either way as small numbers.
fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

fn unzigzag(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// The id if `s` is a UUID written exactly as Kinship writes them (lowercase, hyphenated).
fn canonical_uuid(s: &str) -> Option<uuid::Uuid> {
    let id = uuid::Uuid::try_parse(s).ok().filter(|_| s.len() == 36)?;
    let mut buf = [0u8; 36];
    (id.hyphenated().encode_lower(&mut buf).as_bytes() == s.as_bytes()).then_some(id)
}

/// Splits text into words, each with the punctuation mark and the space after it, and
/// single other characters. The pieces join back into exactly the text.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let mut end = first.len_utf8();
        if first.is_alphanumeric() {
            end = rest.find(|c: char| !c.is_alphanumeric()).unwrap_or(rest.len());
            if rest[end..].starts_with(['.', ',', ';', ':', '!', '?']) {
                end += 1;
            }
            if rest[end..].starts_with(' ') {
                end += 1;
            }
        }
        let (token, after) = rest.split_at(end);
        rest = after;
        Some(token)
    })
}

/// Writes the dictionary (words seen twice or more, most frequent first) and then every
/// text as dictionary numbers.
fn word_code(texts: &[&str], out: &mut Vec<u8>) {
    // One pass numbers each distinct word as it first comes and counts it.
    let mut numbers: HashMap<&str, usize> = HashMap::new();
    let (mut words, mut counts): (Vec<&str>, Vec<u64>) = (Vec::new(), Vec::new());
    let mut read: Vec<Option<usize>> = Vec::new(); // the texts as word numbers, `None` ending each
    for text in texts {
        for token in tokens(text) {
            let n = *numbers.entry(token).or_insert_with(|| {
                words.push(token);
                counts.push(0);
                words.len() - 1
            });
            counts[n] += 1;
            read.push(Some(n));
        }
        read.push(None);
    }
    let mut dictionary: Vec<usize> = (0..words.len()).filter(|&n| counts[n] >= 2).collect();
    dictionary.sort_unstable_by(|&a, &b| counts[b].cmp(&counts[a]).then(words[a].cmp(words[b])));
    let mut codes = vec![LITERAL; words.len()];
    put_varint(out, dictionary.len() as u64);
    for (rank, &n) in dictionary.iter().enumerate() {
        put_bytes(out, words[n].as_bytes());
        codes[n] = FIRST_WORD + rank as u64;
    }
    for word in read {
        match word.map(|n| (n, codes[n])) {
            None => put_varint(out, END),
            Some((n, LITERAL)) => {
                put_varint(out, LITERAL);
                put_bytes(out, words[n].as_bytes());
            }
            Some((_, code)) => put_varint(out, code),
        }
    }
}

/// Builds the structure and id streams, collecting the text to code last.
#[derive(Default)]
struct Writer<'b> {
    structure: Vec<u8>,
    ids: Vec<u8>,
    texts: Vec<&'b str>,
    names: HashMap<&'b str, u64>,
    /// Each id written so far, by the order in which it first came.
    id_numbers: HashMap<uuid::Uuid, u64>,
}

impl<'b> Writer<'b> {
    fn changes(&mut self, bundle: &'b Bundle) -> Result<()> {
        let (mut seq, mut millis) = (0i64, 0i64);
        for c in &bundle.changes {
            self.name(&c.author_device);
            put_varint(&mut self.structure, zigzag(c.seq.wrapping_sub(seq)));
            seq = c.seq;
            let hlc = Hlc::decode(&c.hlc, &c.author_device);
            let entity_id = canonical_uuid(&c.entity_id);
            let mut flags = 0;
            if hlc.is_none() {
                flags |= HLC_AS_TEXT;
            }
            if c.circle_id != bundle.circle_id {
                flags |= OTHER_CIRCLE;
            }
            if entity_id.is_none() {
                flags |= ENTITY_ID_AS_TEXT;
            }
            self.structure.push(flags);
            match hlc {
                Some(hlc) => {
                    put_varint(&mut self.structure, zigzag(hlc.millis.wrapping_sub(millis)));
                    put_varint(&mut self.structure, hlc.counter.into());
                    millis = hlc.millis;
                }
                None => self.texts.push(&c.hlc),
            }
            if flags & OTHER_CIRCLE != 0 {
                self.texts.push(&c.circle_id);
            }
            self.name(&c.entity);
            match entity_id {
                Some(id) => self.id(id),
                None => self.texts.push(&c.entity_id),
            }
            self.name(&c.op);
            self.value(&c.fields, 0)?;
        }
        Ok(())
    }

    /// A name: its number if it came before, else 0 and the name spelled out.
    fn name(&mut self, name: &'b str) {
        if let Some(&n) = self.names.get(name) {
            put_varint(&mut self.structure, n);
        } else {
            put_varint(&mut self.structure, 0);
            put_bytes(&mut self.structure, name.as_bytes());
            let n = self.names.len() as u64 + 1;
            self.names.insert(name, n);
        }
    }

    /// An id: 0 for a new one (its bytes go to the id stream), else how many new ids back
    /// it first came.
    fn id(&mut self, id: uuid::Uuid) {
        let count = self.id_numbers.len() as u64;
        match self.id_numbers.get(&id) {
            Some(&n) => put_varint(&mut self.structure, count - n),
            None => {
                put_varint(&mut self.structure, 0);
                self.ids.extend_from_slice(id.as_bytes());
                self.id_numbers.insert(id, count);
            }
        }
    }

    fn value(&mut self, value: &'b Value, depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(Error::Bundle("a change in it nests values too deeply".into()));
        }
        let out = &mut self.structure;
        match value {
            Value::Null => out.push(NULL),
            Value::Bool(false) => out.push(FALSE),
            Value::Bool(true) => out.push(TRUE),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    out.push(INT);
                    put_varint(out, zigzag(i));
                } else if let Some(u) = n.as_u64() {
                    out.push(UINT);
                    put_varint(out, u);
                } else {
                    let f = n.as_f64().ok_or_else(|| Error::Bundle("a change in it holds a strange number".into()))?;
                    out.push(FLOAT);
                    out.extend_from_slice(&f.to_bits().to_le_bytes());
                }
            }
            Value::String(s) => match canonical_uuid(s) {
                Some(id) => {
                    out.push(ID);
                    self.id(id);
                }
                None => {
                    out.push(TEXT);
                    self.texts.push(s);
                }
            },
            Value::Array(items) => {
                out.push(ARRAY);
                put_varint(out, items.len() as u64);
                for item in items {
                    self.value(item, depth + 1)?;
                }
            }
            Value::Object(map) => {
                out.push(OBJECT);
                put_varint(out, map.len() as u64);
                for (key, item) in map {
                    self.name(key);
                    self.value(item, depth + 1)?;
                }
            }
        }
        Ok(())
    }
}

/// A cursor over bytes that refuses to read past their end.
struct Reader<'p> {
    bytes: &'p [u8],
}

impl<'p> Reader<'p> {
    fn byte(&mut self) -> Result<u8> {
        let (&b, rest) = self.bytes.split_first().ok_or_else(damaged)?;
        self.bytes = rest;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            // The tenth byte may only hold the 64th bit.
            if shift == 63 && b > 1 {
                return Err(damaged());
            }
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(damaged())
    }

    /// A count of things that each take at least one more byte: never more than are left.
    fn count(&mut self) -> Result<usize> {
        let n = self.varint()?;
        usize::try_from(n).ok().filter(|&n| n <= self.bytes.len()).ok_or_else(damaged)
    }

    fn take(&mut self, len: usize) -> Result<&'p [u8]> {
        if len > self.bytes.len() {
            return Err(damaged());
        }
        let (taken, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        Ok(taken)
    }

    /// A length, then that many bytes.
    fn bytes_field(&mut self) -> Result<&'p [u8]> {
        let len = self.count()?;
        self.take(len)
    }

    fn str_field(&mut self) -> Result<&'p str> {
        std::str::from_utf8(self.bytes_field()?).map_err(|_| damaged())
    }
}

/// The text stream being read back.
enum Text<'p> {
    /// Each string as a length and its bytes.
    Plain(Reader<'p>),
    /// Each string as dictionary numbers (or spelled-out words), then [`END`].
    Words { dictionary: Vec<&'p str>, codes: Reader<'p> },
}

impl<'p> Text<'p> {
    fn words(mut r: Reader<'p>, budget: &mut usize) -> Result<Self> {
        let n = r.count()?;
        *budget = budget.checked_sub(n.saturating_mul(REF_COST)).ok_or_else(too_big)?;
        let dictionary = (0..n).map(|_| r.str_field()).collect::<Result<Vec<_>>>()?;
        Ok(Text::Words { dictionary, codes: r })
    }

    fn is_at_end(&self) -> bool {
        match self {
            Text::Plain(r) | Text::Words { codes: r, .. } => r.bytes.is_empty(),
        }
    }

    /// The next string, charged against `budget` (what the bundle may still expand to).
    fn next(&mut self, budget: &mut usize) -> Result<String> {
        let mut charge = |len: usize| -> Result<()> {
            *budget = budget.checked_sub(len).ok_or_else(too_big)?;
            Ok(())
        };
        match self {
            Text::Plain(r) => {
                let s = r.str_field()?;
                charge(s.len())?;
                Ok(s.to_string())
            }
            Text::Words { dictionary, codes } => {
                let mut s = String::new();
                loop {
                    let token = match codes.varint()? {
                        END => return Ok(s),
                        LITERAL => codes.str_field()?,
                        code => {
                            let i = usize::try_from(code - FIRST_WORD).map_err(|_| damaged())?;
                            *dictionary.get(i).ok_or_else(damaged)?
                        }
                    };
                    charge(token.len())?;
                    s.push_str(token);
                }
            }
        }
    }
}

/// The state of reading the changes back.
struct Decoding<'p> {
    structure: Reader<'p>,
    new_ids: std::slice::ChunksExact<'p, u8>,
    /// The ids met so far, in the order they first came.
    ids: Vec<String>,
    names: Vec<&'p str>,
    text: Text<'p>,
    /// How many more bytes of memory the decoded bundle may take: its strings and, per
    /// item, what it costs in memory (`VALUE_COST` and the other costs).
    budget: usize,
}

impl<'p> Decoding<'p> {
    fn charge(&mut self, len: usize) -> Result<()> {
        self.budget = self.budget.checked_sub(len).ok_or_else(too_big)?;
        Ok(())
    }

    fn text(&mut self) -> Result<String> {
        self.text.next(&mut self.budget)
    }

    fn name(&mut self) -> Result<String> {
        let n = self.structure.varint()?;
        let name = if n == 0 {
            let name = self.structure.str_field()?;
            self.charge(REF_COST)?;
            self.names.push(name);
            name
        } else {
            let i = usize::try_from(n - 1).map_err(|_| damaged())?;
            *self.names.get(i).ok_or_else(damaged)?
        };
        self.charge(name.len())?;
        Ok(name.to_string())
    }

    fn id(&mut self) -> Result<String> {
        let back = usize::try_from(self.structure.varint()?).map_err(|_| damaged())?;
        if back == 0 {
            let bytes: [u8; 16] = self.new_ids.next().ok_or_else(damaged)?.try_into().expect("chunks of 16");
            self.charge(ID_COST)?;
            self.ids.push(uuid::Uuid::from_bytes(bytes).hyphenated().to_string());
        }
        let i = self.ids.len().checked_sub(back.max(1)).ok_or_else(damaged)?;
        self.charge(36)?;
        Ok(self.ids[i].clone())
    }

    fn change(&mut self, circle_id: &str, seq: &mut i64, millis: &mut i64) -> Result<Change> {
        let author_device = self.name()?;
        *seq = seq.wrapping_add(unzigzag(self.structure.varint()?));
        let flags = self.structure.byte()?;
        if flags & !(HLC_AS_TEXT | OTHER_CIRCLE | ENTITY_ID_AS_TEXT) != 0 {
            return Err(damaged());
        }
        let hlc = if flags & HLC_AS_TEXT != 0 {
            self.text()?
        } else {
            *millis = millis.wrapping_add(unzigzag(self.structure.varint()?));
            let counter = u32::try_from(self.structure.varint()?).map_err(|_| damaged())?;
            let hlc = Hlc { millis: *millis, counter }.encode(&author_device);
            // Only canonical clocks are written this way; anything else was tampered with.
            if Hlc::decode(&hlc, &author_device).is_none() {
                return Err(damaged());
            }
            hlc
        };
        let circle_id = if flags & OTHER_CIRCLE != 0 { self.text()? } else { circle_id.to_string() };
        let entity = self.name()?;
        let entity_id = if flags & ENTITY_ID_AS_TEXT != 0 { self.text()? } else { self.id()? };
        let op = self.name()?;
        let fields = self.value(0)?;
        self.charge(CHANGE_COST + hlc.len() + circle_id.len())?;
        Ok(Change { author_device, seq: *seq, hlc, circle_id, entity, entity_id, op, fields })
    }

    fn value(&mut self, depth: usize) -> Result<Value> {
        if depth > MAX_DEPTH {
            return Err(damaged());
        }
        self.charge(VALUE_COST)?;
        Ok(match self.structure.byte()? {
            NULL => Value::Null,
            FALSE => Value::Bool(false),
            TRUE => Value::Bool(true),
            INT => Value::from(unzigzag(self.structure.varint()?)),
            UINT => Value::from(self.structure.varint()?),
            FLOAT => {
                let bits: [u8; 8] = self.structure.take(8)?.try_into().expect("8 bytes");
                Value::Number(Number::from_f64(f64::from_bits(u64::from_le_bytes(bits))).ok_or_else(damaged)?)
            }
            TEXT => Value::String(self.text()?),
            ID => Value::String(self.id()?),
            ARRAY => {
                let n = self.structure.count()?;
                // Paid for up front, so the list can be made its exact size.
                self.charge(n.saturating_mul(VALUE_COST))?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.value(depth + 1)?);
                }
                Value::Array(items)
            }
            OBJECT => {
                let n = self.structure.count()?;
                if n > 0 {
                    self.charge(OBJECT_COST)?;
                }
                let mut map = Map::new();
                for _ in 0..n {
                    self.charge(ENTRY_COST)?;
                    let key = self.name()?;
                    let value = self.value(depth + 1)?;
                    if map.insert(key, value).is_some() {
                        return Err(damaged());
                    }
                }
                Value::Object(map)
            }
            _ => return Err(damaged()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    const DEVICE: &str = "0190a5e2-7c3d-7b1e-9a4f-3c2b1a0f9e8d";
    const CIRCLE: &str = "0190a5e2-7c3d-7b1e-9a4f-000000000001";

    fn change(seq: i64, entity_id: &str, fields: Value) -> Change {
        Change {
            author_device: DEVICE.into(),
            seq,
            hlc: Hlc { millis: 1_700_000_000_000 + seq * 1000, counter: seq as u32 % 3 }.encode(DEVICE),
            circle_id: CIRCLE.into(),
            entity: "agenda_item".into(),
            entity_id: entity_id.into(),
            op: "put".into(),
            fields,
        }
    }

    fn bundle(changes: Vec<Change>) -> Bundle {
        Bundle {
            format: FORMAT.into(),
            schema: crate::store::SHARED_SCHEMA,
            circle_id: CIRCLE.into(),
            sender_device: DEVICE.into(),
            have: [(DEVICE.to_string(), 3)].into_iter().collect(),
            claims: vec![Claim {
                device: DEVICE.into(),
                at: "2026-12-04T18:00:00Z".into(),
                have: [(DEVICE.to_string(), 2)].into_iter().collect(),
                signature: "ab".repeat(64),
            }],
            segments: vec![Segment {
                device: DEVICE.into(),
                from: 1,
                to: 5,
                prev: "cd".repeat(32),
                legacy_upto: 0,
                signature: Some("ef".repeat(64)),
            }],
            changes,
        }
    }

    /// Changes holding whatever a bundle may: canonical and odd ids and clocks, another
    /// circle, every kind of JSON value, text in any script.
    fn odd_changes() -> Vec<Change> {
        let id = "0190a5e2-7c3d-7b1e-9a4f-3c2b1a0f0001";
        let mut changes = vec![
            change(1, id, json!({"id": id, "title": "Zoë — 東京 🙂", "minutes": 15, "done": false, "notes": ""})),
            change(2, id, json!({"$base": {"notes": ["001700000001000-000001-x"]}, "notes": "A. B, c; d: e! f? "})),
            change(5, &id.to_uppercase(), json!({"n": i64::MIN, "m": i64::MAX, "u": u64::MAX, "f": 1.5, "z": -0.0})),
            change(4, "a/b", json!({"nested": [[{"deep": [null, true]}]], "id_like": CIRCLE, "empty": {}})),
        ];
        changes[1].op = "delete".into();
        changes[2].hlc = "9-0-someone".into();
        changes[3].circle_id = "another circle".into();
        changes[3].author_device = "not a uuid".into();
        changes
    }

    #[test]
    fn anything_a_bundle_holds_comes_back_exactly_with_plain_or_word_coded_text() {
        let small = bundle(odd_changes());
        assert_eq!(decode(&encode(&small).unwrap()).unwrap(), small);

        let mut changes = odd_changes();
        for seq in 10..400 {
            let id = format!("0190a5e2-7c3d-7b1e-9a4f-{seq:012}");
            let text = format!("Item {seq}: we talked about job talks and tenure files again, at length. ").repeat(6);
            changes.push(change(
                seq,
                &id,
                json!({"id": id, "title": text, "owner": "0190a5e2-7c3d-7b1e-9a4f-3c2b1a0f0001"}),
            ));
        }
        let big = bundle(changes);
        let bytes = encode(&big).unwrap();
        assert_eq!(decode(&bytes).unwrap(), big);
        let json = zstd::encode_all(&serde_json::to_vec(&big).unwrap()[..], LEVEL_SMALL).unwrap();
        assert!(bytes.len() < json.len(), "the encoding is smaller than JSON at zstd's strongest");
    }

    #[test]
    fn a_bundle_of_another_format_or_schema_is_named_as_such() {
        let mut other = bundle(odd_changes());
        other.format = "kinship-bundle/9".into();
        assert!(decode(&encode(&other).unwrap())
            .unwrap_err()
            .to_string()
            .contains("unknown format (kinship-bundle/9)"));
        other.format = FORMAT.into();
        other.schema = crate::store::SCHEMA_VERSION + 1;
        assert_eq!(decode(&encode(&other).unwrap()).unwrap_err().code(), "newer_bundle");
    }

    /// File bytes around a hand-made encoding.
    fn file(plain: &[u8]) -> Vec<u8> {
        let mut bytes = MAGIC.to_vec();
        bytes.extend(zstd::encode_all(plain, 3).unwrap());
        bytes
    }

    /// An encoding of one change with one text field, its text stream as given.
    fn one_text_change(words: bool, text_stream: &[u8]) -> Vec<u8> {
        let head = json!({
            "format": FORMAT, "schema": 1, "circle_id": CIRCLE, "sender_device": DEVICE,
            "have": {}, "claims": [], "segments": [], "changes": 1, "words": words,
        });
        let mut s = Vec::new();
        s.push(0);
        put_bytes(&mut s, DEVICE.as_bytes()); // device, new name
        put_varint(&mut s, zigzag(1)); // seq 1
        s.push(ENTITY_ID_AS_TEXT);
        put_varint(&mut s, zigzag(1_700_000_000_000));
        put_varint(&mut s, 0);
        s.push(0);
        put_bytes(&mut s, b"agenda_item");
        s.push(0);
        put_bytes(&mut s, b"put");
        s.push(OBJECT);
        put_varint(&mut s, 1);
        s.push(0);
        put_bytes(&mut s, b"title");
        s.push(TEXT);
        let mut plain = Vec::new();
        put_bytes(&mut plain, &serde_json::to_vec(&head).unwrap());
        put_bytes(&mut plain, &s);
        put_bytes(&mut plain, &[]);
        plain.extend_from_slice(text_stream);
        plain
    }

    #[test]
    fn text_that_would_expand_without_bound_is_refused() {
        // Plain: the entity id, then the title.
        let mut fine = Vec::new();
        put_bytes(&mut fine, b"some-id");
        put_bytes(&mut fine, b"A title");
        let decoded = decode(&file(&one_text_change(false, &fine))).unwrap();
        assert_eq!(decoded.changes[0].fields, json!({"title": "A title"}));

        // Word-coded: a 64 KiB word, then a text naming it half a million times (32 GB).
        let mut bomb = Vec::new();
        put_varint(&mut bomb, 1);
        put_bytes(&mut bomb, &vec![b'a'; 64 * 1024]);
        put_varint(&mut bomb, LITERAL);
        put_bytes(&mut bomb, b"some-id");
        put_varint(&mut bomb, END);
        bomb.extend(std::iter::repeat_n(FIRST_WORD as u8, 500_000));
        put_varint(&mut bomb, END);
        let plain = one_text_change(true, &bomb);
        assert!(plain.len() < 1 << 20, "small enough to pass the decompression cap");
        let started = std::time::Instant::now();
        let err = decode(&file(&plain)).unwrap_err();
        assert!(err.to_string().contains("expands far more"), "{err}");
        assert!(started.elapsed().as_secs() < 5);
    }

    #[test]
    fn values_that_would_take_far_more_memory_than_the_file_are_refused() {
        // A million nulls: a byte each in the contents, a few hundred bytes zstd-compressed,
        // but 32 bytes each once decoded, far past what a file that small may take.
        let nulls = bundle(vec![change(1, CIRCLE, json!({ "nulls": vec![Value::Null; 1_000_000] }))]);
        let file = encode(&nulls).unwrap();
        assert!(file.len() < 20_000, "{} bytes", file.len());
        let err = decode(&file).map(|b| b.changes.len()).unwrap_err();
        assert!(err.to_string().contains("expands far more"), "{err}");

        // Objects of one entry each: every map takes a whole node (eleven slots) at once.
        let objects = bundle(vec![change(1, CIRCLE, json!({ "maps": vec![json!({ "a": null }); 100_000] }))]);
        let file = encode(&objects).unwrap();
        assert!(file.len() < 20_000, "{} bytes", file.len());
        let err = decode(&file).map(|b| b.changes.len()).unwrap_err();
        assert!(err.to_string().contains("expands far more"), "{err}");

        // The same change with a few thousand is fine.
        let some = bundle(vec![change(1, CIRCLE, json!({ "nulls": vec![Value::Null; 3_000] }))]);
        assert_eq!(decode(&encode(&some).unwrap()).unwrap().changes, some.changes);
    }

    #[test]
    fn a_long_history_of_small_edits_decodes_within_its_memory_budget() {
        // The most memory per byte of file a real bundle takes: years of meetings run from
        // Kinship, each change a status and the time it was set on one of many talking points.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut random = move |below: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % below
        };
        let items: Vec<String> =
            (0..5000).map(|_| uuid::Uuid::from_u128(random(u64::MAX) as u128).to_string()).collect();
        let mut millis = 1_700_000_000_000i64;
        let changes: Vec<Change> = (1..=200_000)
            .map(|seq| {
                millis += random(90_000) as i64;
                let at = chrono::DateTime::from_timestamp_millis(millis).unwrap().to_rfc3339();
                let status = ["done", "skipped", "carried", "active"][random(4) as usize];
                let mut c = change(seq, &items[random(5000) as usize], json!({ "status": status, "ended_at": at }));
                c.hlc = Hlc { millis, counter: 0 }.encode(DEVICE);
                c
            })
            .collect();
        let file = encode(&bundle(changes)).unwrap();
        assert!(file.len() > 1 << 20, "past the floor, so the ratio decides: {} bytes", file.len());
        assert_eq!(decode(&file).unwrap().changes.len(), 200_000);
    }

    #[test]
    fn trailing_bytes_unknown_tags_and_deep_nesting_are_refused() {
        let mut text = Vec::new();
        put_bytes(&mut text, b"some-id");
        put_bytes(&mut text, b"A title");
        let mut trailing = one_text_change(false, &text);
        trailing.push(0);
        assert_eq!(decode(&file(&trailing)).unwrap_err().to_string(), damaged().to_string());

        let mut unknown_tag = one_text_change(false, &text);
        let at = unknown_tag.len() - text.len() - 2; // the TEXT tag, before the empty id stream
        assert_eq!(unknown_tag[at], TEXT);
        unknown_tag[at] = 42;
        assert!(decode(&file(&unknown_tag)).is_err());

        let mut deep = json!("bottom");
        for _ in 0..=MAX_DEPTH {
            deep = json!([deep]);
        }
        assert!(encode(&bundle(vec![change(1, CIRCLE, json!({ "deep": deep }))])).is_err());
    }

    proptest! {
        #[test]
        fn words_join_back_into_exactly_the_text(text in "\\PC*") {
            prop_assert_eq!(tokens(&text).collect::<String>(), text);
        }

        #[test]
        fn word_coded_text_reads_back_exactly(texts in proptest::collection::vec("\\PC{0,40}", 0..30)) {
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            let mut coded = Vec::new();
            word_code(&texts, &mut coded);
            let mut budget = usize::MAX;
            let mut read = Text::words(Reader { bytes: &coded }, &mut budget).unwrap();
            for text in &texts {
                prop_assert_eq!(&read.next(&mut budget).unwrap(), text);
            }
            prop_assert!(read.is_at_end());
        }

        #[test]
        fn any_text_and_numbers_round_trip(title in "\\PC*", n in any::<i64>(), f in -1e300f64..1e300) {
            let b = bundle(vec![change(1, CIRCLE, json!({"title": title, "n": n, "f": f}))]);
            prop_assert_eq!(decode(&encode(&b).unwrap()).unwrap(), b);
        }
    }
}
