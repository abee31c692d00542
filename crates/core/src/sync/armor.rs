//! ASCII armor: a sealed bundle or invite as text that survives an email body, for mail
//! systems that block attachments. Base64 in 64-character lines between markers.

use crate::{Error, Result};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

const BEGIN: &str = "-----BEGIN KINSHIP BUNDLE-----";
const END: &str = "-----END KINSHIP BUNDLE-----";
const LINE: usize = 64;

/// `bytes` as armored text.
pub fn armor(bytes: &[u8]) -> String {
    let encoded = STANDARD.encode(bytes);
    let mut out = String::with_capacity(encoded.len() + encoded.len() / LINE + BEGIN.len() + END.len() + 4);
    out.push_str(BEGIN);
    out.push('\n');
    for chunk in encoded.as_bytes().chunks(LINE) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(END);
    out.push('\n');
    out
}

/// True when `bytes` look like armored text rather than a binary file.
pub fn is_armored(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    head.windows(BEGIN.len()).any(|w| w == BEGIN.as_bytes())
}

/// A received file's bytes: unwrapped if it is armored text, as they are otherwise.
pub fn dearmor(bytes: &[u8]) -> Result<Vec<u8>> {
    if is_armored(bytes) {
        unarmor(&String::from_utf8_lossy(bytes))
    } else {
        Ok(bytes.to_vec())
    }
}

/// The bytes inside armored text. Text around the markers (the rest of an email) is
/// ignored, and so are quoting marks (`> `) and spaces a mail program may add to lines.
pub fn unarmor(text: &str) -> Result<Vec<u8>> {
    let start = text.find(BEGIN).ok_or_else(|| {
        Error::Bundle("the text holds no bundle (it should start with -----BEGIN KINSHIP BUNDLE-----)".into())
    })?;
    let body = &text[start + BEGIN.len()..];
    let end = body.find(END).ok_or_else(|| {
        Error::Bundle("the text is cut short (copy everything down to -----END KINSHIP BUNDLE-----)".into())
    })?;
    let cleaned: String = body[..end]
        .lines()
        .map(|line| line.trim().trim_start_matches('>').trim())
        .flat_map(str::chars)
        .filter(|c| !c.is_whitespace())
        .collect();
    if cleaned.len() > super::bundle::MAX_COMPRESSED / 3 * 4 + 4 {
        return Err(Error::Bundle("it is larger than any real circle's bundle".into()));
    }
    STANDARD.decode(cleaned).map_err(|_| Error::Bundle("the pasted text was changed or is incomplete".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_an_email_body() {
        let bytes: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let text = armor(&bytes);
        assert!(text.lines().all(|l| l.len() <= LINE || l.starts_with("-----")));
        let quoted: String = text.lines().map(|l| format!("> {l}\r\n")).collect();
        let email = format!("Hi all,\r\nhere are my updates:\r\n\r\n{quoted}\r\nAna\r\n");
        assert!(is_armored(email.as_bytes()));
        assert_eq!(unarmor(&email).unwrap(), bytes);
    }

    #[test]
    fn damaged_text_is_refused_with_what_to_do() {
        let text = armor(b"KINSHIP\x02 something");
        let cut = &text[..text.len() - 20];
        assert!(unarmor(cut).unwrap_err().to_string().contains("cut short"));
        assert!(unarmor("hello").unwrap_err().to_string().contains("BEGIN KINSHIP BUNDLE"));
        let changed = text.replacen('A', "!", 1);
        if changed != text {
            assert!(unarmor(&changed).is_err());
        }
    }
}
