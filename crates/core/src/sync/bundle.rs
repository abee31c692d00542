//! The bundle file: `KINSHIP` + format byte, then zstd-compressed JSON of [`Bundle`].
//! Decoding is bounded (compressed size, decompressed size, ratio) and validates the
//! whole content before anything touches the database.

use super::exchange::VersionVector;
use crate::{Change, Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Read;

/// The first bytes of every bundle.
pub const MAGIC: &[u8; 8] = b"KINSHIP\x01";
/// The largest bundle file accepted (a ten-year circle is about 2 MB).
pub const MAX_COMPRESSED: usize = 64 * 1024 * 1024;
/// The most a bundle may expand to.
pub const MAX_DECOMPRESSED: u64 = 512 * 1024 * 1024;
/// The most a bundle may expand by: prose compresses about 4:1, a zip bomb by thousands.
pub const MAX_RATIO: u64 = 50;
/// zstd level: 19 is slow to write but small, and bundles are written once per email.
const LEVEL: i32 = 19;

/// What one bundle carries from one laptop to the others of a circle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    /// Always `kinship-bundle/1`.
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
pub const FORMAT: &str = "kinship-bundle/1";

/// The bundle as file bytes.
pub fn encode(bundle: &Bundle) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(bundle).expect("bundles serialise");
    let failed = |e: std::io::Error| Error::Bundle(format!("could not compress it ({e})"));
    let mut encoder = zstd::stream::write::Encoder::new(MAGIC.to_vec(), LEVEL).map_err(failed)?;
    // A checksum of the content: damage in transit is caught before parsing.
    encoder.include_checksum(true).map_err(failed)?;
    std::io::Write::write_all(&mut encoder, &json).map_err(failed)?;
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
    let mut json = Vec::new();
    decoder.take(limit + 1).read_to_end(&mut json).map_err(|_| Error::Bundle("it is damaged or cut short".into()))?;
    if json.len() as u64 > limit {
        return Err(Error::Bundle(
            "it expands far more than a real bundle could (refused to protect this laptop)".into(),
        ));
    }
    let bundle: Bundle = serde_json::from_slice(&json).map_err(|_| Error::Bundle("its contents are damaged".into()))?;
    if bundle.format != FORMAT {
        return Err(Error::Bundle(format!("it is in an unknown format ({})", bundle.format)));
    }
    if bundle.schema > crate::store::SCHEMA_VERSION {
        return Err(Error::NewerBundle { found: bundle.schema, supported: crate::store::SCHEMA_VERSION });
    }
    Ok(bundle)
}
