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

use super::exchange::VersionVector;
use crate::clock::Hlc;
use crate::{Change, Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;

/// The first bytes of every bundle.
pub const MAGIC: &[u8; 8] = b"KINSHIP\x01";
/// The largest bundle file accepted (a ten-year circle is about 1.6 MB).
pub const MAX_COMPRESSED: usize = 64 * 1024 * 1024;
/// The most a bundle may expand to (its decompressed encoding, and again the text in it).
pub const MAX_DECOMPRESSED: u64 = 512 * 1024 * 1024;
/// The most a bundle may expand by: prose compresses about 4:1, a zip bomb by thousands.
pub const MAX_RATIO: u64 = 50;
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

/// What one bundle carries from one laptop to the others of a circle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    /// Always `kinship-bundle/2`.
    pub format: String,
    /// The schema version of the Kinship that wrote it.
    pub schema: i64,
    pub circle_id: String,
    /// The device that wrote the bundle.
    pub sender_device: String,
    /// What the sender held when writing it (so receivers learn what it has).
    pub have: VersionVector,
    /// What the sender knows each member (by member id) to have: passed on so that every
    /// laptop learns what it need not send again, even from members it never hears from.
    #[serde(default)]
    pub member_haves: BTreeMap<String, VersionVector>,
    pub changes: Vec<Change>,
}

/// The bundle format name this build writes and reads.
pub const FORMAT: &str = "kinship-bundle/2";

/// Everything but the changes, as JSON at the start of the encoding.
#[derive(Serialize, Deserialize)]
struct Head {
    format: String,
    schema: i64,
    circle_id: String,
    sender_device: String,
    have: VersionVector,
    member_haves: BTreeMap<String, VersionVector>,
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
        member_haves: bundle.member_haves.clone(),
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
    std::io::Write::write_all(&mut encoder, &plain).map_err(failed)?;
    encoder.finish().map_err(failed)
}

/// Reads file bytes back into a bundle, refusing anything malformed, oversized or newer.
pub fn decode(bytes: &[u8]) -> Result<Bundle> {
    if bytes.len() > MAX_COMPRESSED {
        return Err(Error::Bundle(format!(
            "it is {} MB, larger than any real circle's bundle",
            bytes.len() / 1_000_000
        )));
    }
    let body = bytes
        .strip_prefix(&MAGIC[..7])
        .ok_or_else(|| Error::Bundle("it does not start like a Kinship bundle".into()))?;
    let (&version, compressed) = body.split_first().ok_or_else(|| Error::Bundle("it is cut short".into()))?;
    if version != MAGIC[7] {
        return Err(Error::NewerBundle { found: version as i64, supported: MAGIC[7] as i64 });
    }
    let limit = MAX_DECOMPRESSED.min((compressed.len() as u64).saturating_mul(MAX_RATIO).max(1 << 20));
    let decoder = zstd::stream::read::Decoder::new(compressed).map_err(|_| Error::Bundle("it is damaged".into()))?;
    let mut plain = Vec::new();
    decoder.take(limit + 1).read_to_end(&mut plain).map_err(|_| Error::Bundle("it is damaged or cut short".into()))?;
    if plain.len() as u64 > limit {
        return Err(too_big());
    }
    let mut r = Reader { bytes: &plain };
    let head = r.bytes_field()?;
    let format: FormatOnly = serde_json::from_slice(head).map_err(|_| damaged())?;
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
    let text = if head.words { Text::words(r)? } else { Text::Plain(r) };
    let mut d = Decoding {
        structure: Reader { bytes: structure },
        new_ids: ids.chunks_exact(16),
        ids: Vec::new(),
        names: Vec::new(),
        text,
        budget: limit as usize,
    };
    let mut changes = Vec::with_capacity(head.changes.min(structure.len()));
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
        member_haves: head.member_haves,
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
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for token in texts.iter().flat_map(|t| tokens(t)) {
        *counts.entry(token).or_default() += 1;
    }
    let mut dictionary: Vec<(&str, u64)> = counts.into_iter().filter(|(_, n)| *n >= 2).collect();
    dictionary.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    put_varint(out, dictionary.len() as u64);
    let mut codes = HashMap::with_capacity(dictionary.len());
    for (i, (word, _)) in dictionary.iter().enumerate() {
        put_bytes(out, word.as_bytes());
        codes.insert(*word, FIRST_WORD + i as u64);
    }
    for text in texts {
        for token in tokens(text) {
            match codes.get(token) {
                Some(&code) => put_varint(out, code),
                None => {
                    put_varint(out, LITERAL);
                    put_bytes(out, token.as_bytes());
                }
            }
        }
        put_varint(out, END);
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
    fn words(mut r: Reader<'p>) -> Result<Self> {
        let n = r.count()?;
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
    /// How many more bytes of strings the bundle may expand to.
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
        Ok(Change { author_device, seq: *seq, hlc, circle_id, entity, entity_id, op, fields })
    }

    fn value(&mut self, depth: usize) -> Result<Value> {
        if depth > MAX_DEPTH {
            return Err(damaged());
        }
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
                Value::Array((0..n).map(|_| self.value(depth + 1)).collect::<Result<_>>()?)
            }
            OBJECT => {
                let n = self.structure.count()?;
                let mut map = Map::new();
                for _ in 0..n {
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
