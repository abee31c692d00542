//! The cryptographic envelope of bundles and invites: sign, then encrypt.
//!
//! - Bundle: `file = MAGIC || age(recipients, header || inner)`,
//!   `header = HEADER_VERSION || len(sender) || sender || ed25519 sig`, the signature over
//!   `SIGN_CONTEXT || sender || 0 || inner` by the sender device's signing key.
//! - Invite: `file = INVITE_MAGIC || age(scrypt(passphrase), inner)`.
//!
//! Someone without a recipient key (or the passphrase) learns only that the file is a
//! Kinship file and roughly how large it is: the circle, the sender and the content are
//! all inside the encryption. Pure functions: nothing here touches the database.
//!
//! Costs measured on a 2-core AMD EPYC VM (release build, `measure_costs` below): a 2 MB
//! inner seals in 18–26 ms and opens in 10–13 ms (Ed25519 hashes the whole inner, twice to
//! sign, once to verify; ChaCha20-Poly1305 encrypts it). age's default scrypt work factor
//! picked N = 2^19 (512 MiB) there: about 2 s to seal an invite and 2 s to open it.

use super::bundle::MAX_COMPRESSED;
use crate::{Error, Result};
use age::secrecy::{ExposeSecret, SecretString};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey, SIGNATURE_LENGTH};
use rand_core::OsRng;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::str::FromStr;

/// The first bytes of a sealed bundle (`KINSHIP\x01` is the unsealed inner format).
pub const MAGIC: &[u8; 8] = b"KINSHIP\x02";
/// The first bytes of a sealed invite.
pub const INVITE_MAGIC: &[u8; 8] = b"KINSHIP\x03";
/// The version of the header inside the encryption.
const HEADER_VERSION: u8 = 1;
/// Domain separation: a Kinship bundle signature can never be mistaken for another one.
const SIGN_CONTEXT: &[u8] = b"kinship-seal/1\0";
/// The prefix of the stored device-keys string.
const KEYS_PREFIX: &str = "kinship-device-keys/1";
/// How age writes X25519 recipients (`age1…`) and secret keys (`AGE-SECRET-KEY-1…`).
const AGE_RECIPIENT_HRP: bech32::Hrp = bech32::Hrp::parse_unchecked("age");
const AGE_SECRET_HRP: bech32::Hrp = bech32::Hrp::parse_unchecked("AGE-SECRET-KEY-");
/// The shortest invite passphrase accepted.
pub const MIN_PASSPHRASE_CHARS: usize = 8;
/// The largest scrypt work factor an invite may demand: N = 2^21 needs 2 GiB of memory.
/// age would accept 16 times its own target (8 GiB here), enough for a crafted invite to
/// exhaust a laptop's memory; age's default for sealing picked 2^19 on a 2-core VM.
const MAX_INVITE_LOG_N: u8 = 21;

/// A device's two key pairs: one signs what it sends, one decrypts what it receives.
#[derive(Clone)]
pub struct DeviceKeys {
    pub signing: SigningKey,
    pub age: age::x25519::Identity,
}

/// The public halves of a device's keys, as the circle records them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKeys {
    /// The Ed25519 verifying key, 32 bytes in hex.
    pub signing_key: String,
    /// The age X25519 recipient (`age1…`).
    pub age_recipient: String,
}

/// What [`open`] found inside a sealed bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// The device that signed it (checked against the circle's record of its key).
    pub sender_device: String,
    /// The inner bytes (an unsealed `KINSHIP\x01` bundle).
    pub inner: Vec<u8>,
}

impl DeviceKeys {
    /// New keys from the operating system's random number generator.
    pub fn generate() -> Self {
        DeviceKeys { signing: SigningKey::generate(&mut OsRng), age: age::x25519::Identity::generate() }
    }

    /// The public keys other devices need to verify and encrypt to this one.
    pub fn public(&self) -> PublicKeys {
        PublicKeys {
            signing_key: hex::encode(self.signing.verifying_key().to_bytes()),
            age_recipient: self.age.to_public().to_string(),
        }
    }

    /// Both secret keys as one string for local storage:
    /// `kinship-device-keys/1:<hex signing seed>:<AGE-SECRET-KEY-1…>`. Keep it secret.
    pub fn to_secret_string(&self) -> String {
        let seed = hex::encode(self.signing.to_bytes());
        format!("{KEYS_PREFIX}:{seed}:{}", self.age.to_string().expose_secret())
    }

    /// Reads keys written by [`DeviceKeys::to_secret_string`].
    pub fn from_secret_string(s: &str) -> Result<Self> {
        let bad = || Error::invalid("Device keys", "they are damaged; restore them from a backup of this laptop");
        let mut parts = s.trim().split(':');
        let (Some(KEYS_PREFIX), Some(seed), Some(age_key), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let seed: [u8; 32] = hex::decode(seed).ok().and_then(|b| b.try_into().ok()).ok_or_else(bad)?;
        let age = age::x25519::Identity::from_str(age_key).map_err(|_| bad())?;
        Ok(DeviceKeys { signing: SigningKey::from_bytes(&seed), age })
    }
}

impl std::fmt::Debug for DeviceKeys {
    /// Shows the public keys only: secrets never reach a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let public = self.public();
        f.debug_struct("DeviceKeys")
            .field("signing_key", &public.signing_key)
            .field("age_recipient", &public.age_recipient)
            .finish_non_exhaustive()
    }
}

/// Signs `inner` as `sender_device` with `keys`, then encrypts it to every `recipients`
/// (`age1…` strings; include the sender's own to be able to read it back).
pub fn seal(inner: &[u8], sender_device: &str, keys: &DeviceKeys, recipients: &[String]) -> Result<Vec<u8>> {
    let sender_len = u8::try_from(sender_device.len())
        .ok()
        .filter(|&n| n > 0 && !sender_device.contains('\0'))
        .ok_or_else(|| Error::invalid("Device id", "it must be 1 to 255 bytes without NUL"))?;
    let recipients = parse_recipients(recipients)?;
    let signature = keys.signing.sign(&signed_message(sender_device, inner));
    let mut plaintext = Vec::with_capacity(2 + sender_device.len() + SIGNATURE_LENGTH + inner.len());
    plaintext.push(HEADER_VERSION);
    plaintext.push(sender_len);
    plaintext.extend_from_slice(sender_device.as_bytes());
    plaintext.extend_from_slice(&signature.to_bytes());
    plaintext.extend_from_slice(inner);
    let encryptor = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
        .map_err(|e| Error::invalid("Recipients", format!("they cannot be used together ({e})")))?;
    encrypt(MAGIC, encryptor, &plaintext)
}

/// Decrypts a sealed bundle with this device's key, checks the sender's signature with the
/// key `verifying_key_of(sender_device, inner)` returns (hex, as in [`PublicKeys`]; `None`
/// for a device the circle does not know), and returns the sender and the inner bytes.
///
/// The callback sees the inner bytes *before* the signature is checked: anything it reads
/// there is unproven. A key it takes from them (a joining device's) must be authorised by
/// something the circle already trusts (see `keys`: an invite's key), or anyone who
/// can encrypt to this device could sign with a key of their own making.
pub fn open(
    sealed: &[u8],
    identity: &DeviceKeys,
    verifying_key_of: impl Fn(&str, &[u8]) -> Option<String>,
) -> Result<Opened> {
    open_as(sealed, identity, &[], verifying_key_of)
}

/// Like [`open`], also trying `invite_identities` (see [`invite_identity`]): a laptop that
/// has just joined reads what was sealed to its invite before the circle knew its own key.
/// The signature is checked the same way whichever identity opened the file.
pub fn open_as(
    sealed: &[u8],
    identity: &DeviceKeys,
    invite_identities: &[age::x25519::Identity],
    verifying_key_of: impl Fn(&str, &[u8]) -> Option<String>,
) -> Result<Opened> {
    let body = strip_magic(sealed, MAGIC)?;
    let identities: Vec<&dyn age::Identity> = std::iter::once(&identity.age as &dyn age::Identity)
        .chain(invite_identities.iter().map(|i| i as &dyn age::Identity))
        .collect();
    let plaintext = decrypt(body, &identities).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys => bundle_error(
            "it was not addressed to you. Either the sender's laptop did not have your key yet (your first \
             bundle brings it to them: share your updates, then ask them to share again), or it is for a circle \
             you are not in, or you were removed",
        ),
        _ => damaged(),
    })?;
    let (sender_device, signature, inner) = parse_header(&plaintext)?;
    let key = verifying_key_of(sender_device, inner)
        .ok_or_else(|| bundle_error("it comes from a device this circle does not know"))?;
    let key = parse_verifying_key(&key)?;
    key.verify_strict(&signed_message(sender_device, inner), &signature)
        .map_err(|_| bundle_error("its signature does not match: it was altered or forged; nothing was changed"))?;
    Ok(Opened { sender_device: sender_device.to_owned(), inner: inner.to_vec() })
}

/// An invite's one-off Ed25519 key (hex, as the circle's `invites` row holds it) as an age
/// X25519 recipient: the same key on the Montgomery curve, as age's `ssh-ed25519` recipients
/// and libsodium convert it. Every laptop holding the invite can seal to the invitee before
/// their laptop's own key arrives; `None` for a malformed key.
pub fn invite_recipient(invite_key: &str) -> Option<String> {
    let bytes: [u8; 32] = hex::decode(invite_key).ok()?.try_into().ok()?;
    let montgomery = VerifyingKey::from_bytes(&bytes).ok()?.to_montgomery();
    bech32::encode_lower::<bech32::Bech32>(AGE_RECIPIENT_HRP, montgomery.as_bytes()).ok()
}

/// The secret half of [`invite_recipient`]: the X25519 scalar of the invite's signing key
/// (what its verifying key's Montgomery form is the public key of). Keep it secret.
pub fn invite_identity(invite_key: &SigningKey) -> age::x25519::Identity {
    let scalar = invite_key.to_scalar_bytes();
    let encoded = bech32::encode_upper::<bech32::Bech32>(AGE_SECRET_HRP, &scalar).expect("32 bytes always encode");
    age::x25519::Identity::from_str(&encoded).expect("a Bech32 X25519 secret key is an age identity")
}

/// Encrypts an invite to a passphrase (age's scrypt, at age's default work factor: about
/// one second on this machine). The passphrase must have at least 8 characters.
pub fn seal_with_passphrase(inner: &[u8], passphrase: &str) -> Result<Vec<u8>> {
    check_passphrase(passphrase)?;
    let encryptor = age::Encryptor::with_user_passphrase(SecretString::from(passphrase.to_owned()));
    encrypt(INVITE_MAGIC, encryptor, inner)
}

/// Refuses a passphrase shorter than [`MIN_PASSPHRASE_CHARS`].
pub fn check_passphrase(passphrase: &str) -> Result<()> {
    let chars = passphrase.chars().count();
    if chars < MIN_PASSPHRASE_CHARS {
        return Err(Error::invalid(
            "Passphrase",
            format!(
                "it has {chars} characters; use at least {MIN_PASSPHRASE_CHARS} (a few words are easy to read aloud)"
            ),
        ));
    }
    Ok(())
}

/// Decrypts an invite sealed by [`seal_with_passphrase`].
pub fn open_with_passphrase(sealed: &[u8], passphrase: &str) -> Result<Vec<u8>> {
    let body = strip_magic(sealed, INVITE_MAGIC)?;
    let mut identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_owned()));
    identity.set_max_work_factor(MAX_INVITE_LOG_N);
    decrypt(body, &[&identity as &dyn age::Identity]).map_err(|e| match e {
        age::DecryptError::DecryptionFailed | age::DecryptError::KeyDecryptionFailed => {
            Error::invalid("Passphrase", "it does not match this invite; check it with the person who invited you")
        }
        age::DecryptError::ExcessiveWork { .. } => {
            bundle_error("it would take this laptop too long to unlock (made with an unusually slow setting)")
        }
        age::DecryptError::NoMatchingKeys => bundle_error("it is not an invite (it is not locked with a passphrase)"),
        _ => damaged(),
    })
}

fn bundle_error(why: &str) -> Error {
    Error::Bundle(why.to_owned())
}

/// Why a sealed file that does not decrypt whole is refused (a truncated one included).
const DAMAGED: &str = "it is damaged or cut short";

fn damaged() -> Error {
    bundle_error(DAMAGED)
}

/// Whether `err` says a sealed file is damaged or cut short: what a file still being written
/// (by a sync engine) gives, so the shared folder tries it again once it changes.
pub(crate) fn is_damaged(err: &Error) -> bool {
    matches!(err, Error::Bundle(why) if why == DAMAGED)
}

/// What the sender signs: the context, the sender device id, a separator, the inner bytes.
fn signed_message(sender_device: &str, inner: &[u8]) -> Vec<u8> {
    [SIGN_CONTEXT, sender_device.as_bytes(), b"\0", inner].concat()
}

fn parse_recipients(recipients: &[String]) -> Result<Vec<age::x25519::Recipient>> {
    if recipients.is_empty() {
        return Err(Error::invalid("Recipients", "a bundle needs at least one recipient"));
    }
    recipients
        .iter()
        .map(|r| {
            age::x25519::Recipient::from_str(r)
                .map_err(|_| Error::invalid("Recipients", format!("{r} is not a member's encryption key (age1…)")))
        })
        .collect()
}

fn parse_verifying_key(hex_key: &str) -> Result<VerifyingKey> {
    let bad = || bundle_error("this circle's record of its sender's key is damaged");
    let bytes: [u8; 32] = hex::decode(hex_key).ok().and_then(|b| b.try_into().ok()).ok_or_else(bad)?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| bad())
}

/// Splits `header || inner` into sender, signature and inner.
fn parse_header(plaintext: &[u8]) -> Result<(&str, Signature, &[u8])> {
    let (&version, rest) = plaintext.split_first().ok_or_else(damaged)?;
    if version != HEADER_VERSION {
        return Err(Error::NewerBundle { found: version.into(), supported: HEADER_VERSION.into() });
    }
    let (&len, rest) = rest.split_first().ok_or_else(damaged)?;
    let (sender, rest) = rest.split_at_checked(len.into()).ok_or_else(damaged)?;
    let (signature, inner) = rest.split_at_checked(SIGNATURE_LENGTH).ok_or_else(damaged)?;
    let sender = std::str::from_utf8(sender).ok().filter(|s| !s.is_empty()).ok_or_else(damaged)?;
    let signature = Signature::from_bytes(signature.try_into().expect("split at its length"));
    Ok((sender, signature, inner))
}

/// Refuses oversized files and other formats; returns what follows the magic.
fn strip_magic<'a>(sealed: &'a [u8], magic: &[u8; 8]) -> Result<&'a [u8]> {
    if sealed.len() > MAX_COMPRESSED {
        return Err(bundle_error(&format!(
            "it is {} MB, larger than any real circle's bundle",
            sealed.len() / 1_000_000
        )));
    }
    let body = sealed.strip_prefix(&magic[..7]).ok_or_else(|| bundle_error("it does not start like a Kinship file"))?;
    let (&kind, body) = body.split_first().ok_or_else(damaged)?;
    match kind {
        k if k == magic[7] => Ok(body),
        1 => Err(bundle_error("it is not sealed (made by an older Kinship that did not encrypt bundles)")),
        2 => Err(bundle_error("it is a bundle, not an invite; import it from the circle's sync screen")),
        3 => Err(Error::IsInvite),
        newer => Err(Error::NewerBundle { found: newer.into(), supported: INVITE_MAGIC[7].into() }),
    }
}

/// `magic || age(encryptor, plaintext)`.
fn encrypt(magic: &[u8; 8], encryptor: age::Encryptor, plaintext: &[u8]) -> Result<Vec<u8>> {
    let failed = |e: std::io::Error| bundle_error(&format!("could not encrypt it ({e})"));
    let mut writer = encryptor.wrap_output(magic.to_vec()).map_err(failed)?;
    writer.write_all(plaintext).map_err(failed)?;
    writer.finish().map_err(failed)
}

/// The most recipients a bundle's header may list: ten members with a few laptops each fit
/// many times over. age would try every stanza, so thousands of them could stall a laptop.
const MAX_STANZAS: usize = 256;
/// The largest header accepted: 256 recipient stanzas take about 25 KB. age rereads the
/// header after each line, so its cost grows with the square of the size.
const MAX_HEADER_BYTES: usize = 32 * 1024;

/// Decrypts an age file with the first of `identities` that opens it, reading at most as
/// much as the file holds (age plaintext is never longer than its ciphertext).
fn decrypt(body: &[u8], identities: &[&dyn age::Identity]) -> std::result::Result<Vec<u8>, age::DecryptError> {
    // The header ends at its MAC line; a real one is a few KB, so look no further than that.
    let window = &body[..body.len().min(MAX_HEADER_BYTES)];
    let Some(header_end) = window.windows(5).position(|w| w == b"\n--- ") else {
        return Err(age::DecryptError::InvalidHeader);
    };
    let stanzas = body[..header_end].windows(4).filter(|w| w == b"\n-> ").count();
    if stanzas > MAX_STANZAS {
        return Err(age::DecryptError::InvalidHeader);
    }
    let reader = age::Decryptor::new_buffered(body)?.decrypt(identities.iter().copied())?;
    let mut plaintext = Vec::new();
    reader.take(body.len() as u64).read_to_end(&mut plaintext)?;
    Ok(plaintext)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEVICE_A: &str = "0190a1b2-0000-7000-8000-00000000000a";
    const DEVICE_B: &str = "0190a1b2-0000-7000-8000-00000000000b";

    fn message(e: Error) -> String {
        e.to_string()
    }

    fn key_of(device: &str, keys: &DeviceKeys) -> impl Fn(&str, &[u8]) -> Option<String> {
        let (device, key) = (device.to_owned(), keys.public().signing_key);
        move |d, _| (d == device).then(|| key.clone())
    }

    #[test]
    fn an_invites_signing_key_is_also_an_age_key_pair() {
        let invite = SigningKey::generate(&mut OsRng);
        let public = hex::encode(invite.verifying_key().to_bytes());
        let recipient = invite_recipient(&public).unwrap();
        assert!(recipient.starts_with("age1"), "{recipient}");
        assert_eq!(invite_identity(&invite).to_public().to_string(), recipient);
        let a = DeviceKeys::generate();
        let sealed = seal(&sample_inner(), DEVICE_A, &a, &[recipient]).unwrap();
        let stranger = DeviceKeys::generate();
        assert!(open(&sealed, &stranger, key_of(DEVICE_A, &a)).is_err());
        let opened = open_as(&sealed, &stranger, &[invite_identity(&invite)], key_of(DEVICE_A, &a)).unwrap();
        assert_eq!(opened.inner, sample_inner());
        for malformed in ["", "zz", &public[..62]] {
            assert_eq!(invite_recipient(malformed), None, "{malformed}");
        }
    }

    fn sample_inner() -> Vec<u8> {
        b"KINSHIP\x01 a small bundle about circle 42: confidential notes".to_vec()
    }

    /// An age file with a hand-made plaintext, for forging headers.
    fn encrypt_raw(plaintext: &[u8], to: &DeviceKeys) -> Vec<u8> {
        let recipient = to.age.to_public();
        let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient)).unwrap();
        encrypt(MAGIC, encryptor, plaintext).unwrap()
    }

    fn header(sender: &str, signature: &Signature) -> Vec<u8> {
        [&[HEADER_VERSION, sender.len() as u8][..], sender.as_bytes(), &signature.to_bytes()].concat()
    }

    #[test]
    fn two_recipients_can_each_open_it() {
        let (a, b, c) = (DeviceKeys::generate(), DeviceKeys::generate(), DeviceKeys::generate());
        let inner = sample_inner();
        let sealed = seal(&inner, DEVICE_A, &a, &[b.public().age_recipient, c.public().age_recipient]).unwrap();
        assert_eq!(&sealed[..8], MAGIC);
        for reader in [&b, &c] {
            let opened = open(&sealed, reader, key_of(DEVICE_A, &a)).unwrap();
            assert_eq!(opened, Opened { sender_device: DEVICE_A.into(), inner: inner.clone() });
        }
    }

    #[test]
    fn the_callback_sees_the_inner_bytes() {
        let (a, b) = (DeviceKeys::generate(), DeviceKeys::generate());
        let inner = sample_inner();
        let sealed = seal(&inner, DEVICE_A, &a, &[b.public().age_recipient]).unwrap();
        let key = a.public().signing_key;
        let opened = open(&sealed, &b, |_, seen| (seen == inner.as_slice()).then(|| key.clone())).unwrap();
        assert_eq!(opened.inner, inner);
    }

    #[test]
    fn a_non_recipient_is_told_it_was_not_addressed_to_them() {
        let (a, b, outsider) = (DeviceKeys::generate(), DeviceKeys::generate(), DeviceKeys::generate());
        let sealed = seal(&sample_inner(), DEVICE_A, &a, &[b.public().age_recipient]).unwrap();
        let err = message(open(&sealed, &outsider, key_of(DEVICE_A, &a)).unwrap_err());
        assert!(err.contains("not addressed to you"), "{err}");
    }

    #[test]
    fn every_byte_flip_and_truncation_is_refused() {
        let (a, b, c) = (DeviceKeys::generate(), DeviceKeys::generate(), DeviceKeys::generate());
        let sealed = seal(b"tiny", DEVICE_A, &a, &[b.public().age_recipient, c.public().age_recipient]).unwrap();
        assert!(open(&sealed, &b, key_of(DEVICE_A, &a)).is_ok());
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            let err = open(&bad, &b, key_of(DEVICE_A, &a)).expect_err(&format!("flip at {i} accepted"));
            assert!(
                matches!(err, Error::Bundle(_) | Error::NewerBundle { .. } | Error::IsInvite),
                "flip at {i}: {err}"
            );
            bad[i] ^= 0xff; // every other bit of the same byte, too
            assert!(open(&bad, &b, key_of(DEVICE_A, &a)).is_err(), "flip of 0xfe at {i} accepted");
        }
        for len in 0..sealed.len() {
            assert!(open(&sealed[..len], &b, key_of(DEVICE_A, &a)).is_err(), "truncation to {len} accepted");
        }
        let mut longer = sealed.clone();
        longer.push(0);
        assert!(open(&longer, &b, key_of(DEVICE_A, &a)).is_err(), "a trailing byte was accepted");
    }

    #[test]
    fn a_header_naming_another_sender_than_the_signer_is_refused() {
        let (a, mallory, b) = (DeviceKeys::generate(), DeviceKeys::generate(), DeviceKeys::generate());
        let inner = sample_inner();
        let knows_both = |d: &str, _: &[u8]| match d {
            DEVICE_A => Some(a.public().signing_key),
            DEVICE_B => Some(mallory.public().signing_key),
            _ => None,
        };
        // Mallory (device B) signs as herself but the header claims device A.
        let signature = mallory.signing.sign(&signed_message(DEVICE_B, &inner));
        let forged = encrypt_raw(&[header(DEVICE_A, &signature), inner.clone()].concat(), &b);
        let err = message(open(&forged, &b, knows_both).unwrap_err());
        assert!(err.contains("signature does not match"), "{err}");
        // A's genuine signature moved under another sender's name is refused too, even
        // where that name maps to A's own key: the signature binds the sender.
        let signature = a.signing.sign(&signed_message(DEVICE_A, &inner));
        let renamed = encrypt_raw(&[header(DEVICE_B, &signature), inner].concat(), &b);
        let err = message(open(&renamed, &b, |_: &str, _: &[u8]| Some(a.public().signing_key)).unwrap_err());
        assert!(err.contains("signature does not match"), "{err}");
    }

    #[test]
    fn an_unknown_signer_is_refused() {
        let (a, b) = (DeviceKeys::generate(), DeviceKeys::generate());
        let sealed = seal(&sample_inner(), DEVICE_A, &a, &[b.public().age_recipient]).unwrap();
        let err = message(open(&sealed, &b, |_: &str, _: &[u8]| None).unwrap_err());
        assert!(err.contains("a device this circle does not know"), "{err}");
        let err = message(open(&sealed, &b, key_of(DEVICE_A, &b)).unwrap_err());
        assert!(err.contains("signature does not match"), "{err}");
    }

    #[test]
    fn other_kinds_of_file_are_named() {
        let (a, b) = (DeviceKeys::generate(), DeviceKeys::generate());
        let unsealed = [&b"KINSHIP\x01"[..], b"zstd..."].concat();
        assert!(message(open(&unsealed, &b, key_of(DEVICE_A, &a)).unwrap_err()).contains("not sealed"));
        let newer = [&b"KINSHIP\x09"[..], b"..."].concat();
        assert!(matches!(open(&newer, &b, key_of(DEVICE_A, &a)), Err(Error::NewerBundle { found: 9, .. })));
        let huge = vec![0u8; MAX_COMPRESSED + 1];
        assert!(message(open(&huge, &b, key_of(DEVICE_A, &a)).unwrap_err()).contains("larger than"));
        let sealed = seal(b"x", DEVICE_A, &a, &[b.public().age_recipient]).unwrap();
        assert!(
            message(open_with_passphrase(&sealed, "whatever words").unwrap_err()).contains("a bundle, not an invite")
        );
    }

    #[test]
    fn sealing_refuses_bad_input() {
        let a = DeviceKeys::generate();
        assert!(seal(b"x", DEVICE_A, &a, &[]).is_err());
        assert!(seal(b"x", DEVICE_A, &a, &["age1nonsense".into()]).is_err());
        assert!(seal(b"x", "", &a, &[a.public().age_recipient]).is_err());
        assert!(seal(b"x", "a\0b", &a, &[a.public().age_recipient]).is_err());
        assert!(seal(b"x", &"d".repeat(256), &a, &[a.public().age_recipient]).is_err());
    }

    #[test]
    fn the_sealed_bytes_hide_the_inner_bytes_and_the_sender() {
        let (a, b) = (DeviceKeys::generate(), DeviceKeys::generate());
        let inner = sample_inner();
        let sealed = seal(&inner, DEVICE_A, &a, &[b.public().age_recipient]).unwrap();
        let contains = |needle: &[u8]| sealed.windows(needle.len()).any(|w| w == needle);
        assert!(!contains(&inner));
        assert!(!contains(b"circle 42"));
        assert!(!contains(b"confidential"));
        assert!(!contains(DEVICE_A.as_bytes()));
        assert!(!contains(a.public().signing_key.as_bytes()));
        assert!(!contains(&a.signing.verifying_key().to_bytes()));
    }

    #[test]
    fn passphrase_invites_open_only_with_the_passphrase() {
        let inner = sample_inner();
        let sealed = seal_with_passphrase(&inner, "correct horse battery").unwrap();
        assert_eq!(&sealed[..8], INVITE_MAGIC);
        assert!(!sealed.windows(12).any(|w| w == b"confidential"));
        let err = message(open_with_passphrase(&sealed, "correct horse battery!").unwrap_err());
        assert_eq!(
            err,
            "Passphrase is not valid: it does not match this invite; check it with the person who invited you"
        );
        assert_eq!(open_with_passphrase(&sealed, "correct horse battery").unwrap(), inner);
        let b = DeviceKeys::generate();
        let err = open(&sealed, &b, |_: &str, _: &[u8]| None).unwrap_err();
        assert_eq!(err.code(), "is_invite", "{err}");
    }

    #[test]
    fn an_invite_demanding_too_much_work_is_refused_before_any_work() {
        let mut recipient = age::scrypt::Recipient::new(SecretString::from("correct horse battery".to_owned()));
        recipient.set_work_factor(10);
        let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient)).unwrap();
        let invite = encrypt(INVITE_MAGIC, encryptor, b"invite").unwrap();
        assert_eq!(open_with_passphrase(&invite, "correct horse battery").unwrap(), b"invite");
        let stanza = invite.windows(4).position(|w| w == b" 10\n").expect("the stanza names its work factor");
        let greedy = [&invite[..stanza], b" 30", &invite[stanza + 3..]].concat();
        let err = message(open_with_passphrase(&greedy, "correct horse battery").unwrap_err());
        assert!(err.contains("too long to unlock"), "{err}");
    }

    #[test]
    fn short_passphrases_are_refused() {
        let err = seal_with_passphrase(b"x", "1234567").unwrap_err();
        assert_eq!(err.field(), Some("Passphrase"));
        assert!(message(err).contains("at least 8"));
    }

    #[test]
    fn device_keys_round_trip_and_debug_hides_secrets() {
        let keys = DeviceKeys::generate();
        let secret = keys.to_secret_string();
        assert!(secret.starts_with("kinship-device-keys/1:"));
        let back = DeviceKeys::from_secret_string(&secret).unwrap();
        assert_eq!(back.public(), keys.public());
        assert_eq!(back.to_secret_string(), secret);
        let debug = format!("{keys:?}");
        let seed = hex::encode(keys.signing.to_bytes());
        assert!(!debug.contains(&seed) && !debug.contains("AGE-SECRET-KEY"), "{debug}");
        assert!(debug.contains(&keys.public().age_recipient));
        assert!(keys.public().age_recipient.starts_with("age1"));
        assert_eq!(keys.public().signing_key.len(), 64);
        for broken in ["", "kinship-device-keys/1:00:AGE-SECRET-KEY-1", &secret.replacen("/1", "/2", 1), &secret[..60]]
        {
            assert!(DeviceKeys::from_secret_string(broken).is_err(), "{broken}");
        }
    }

    #[test]
    fn a_header_listing_thousands_of_recipients_is_refused_without_trying_them() {
        let mut file = MAGIC.to_vec();
        file.extend_from_slice(b"age-encryption.org/v1\n");
        for _ in 0..5000 {
            file.extend_from_slice(b"-> X25519 aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd29ybGQ\nAAAA\n");
        }
        file.extend_from_slice(b"--- AAAA\n");
        let b = DeviceKeys::generate();
        let err = open(&file, &b, |_: &str, _: &[u8]| None).unwrap_err();
        assert!(matches!(err, Error::Bundle(_)), "{err}");
        // One stanza whose body runs on for megabytes: refused before age reads it.
        let mut long = MAGIC.to_vec();
        long.extend_from_slice(b"age-encryption.org/v1\n-> X25519 aGVsbG8\n");
        long.extend(
            std::iter::repeat_n(b"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\n", 40_000)
                .flatten(),
        );
        long.extend_from_slice(b"--- AAAA\n");
        assert!(matches!(open(&long, &b, |_: &str, _: &[u8]| None).unwrap_err(), Error::Bundle(_)));
    }

    /// Prints costs; not a test of speed. Run with
    /// `cargo test --release -p kinship-core measure_costs -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn measure_costs() {
        use std::time::Instant;
        let (a, b) = (DeviceKeys::generate(), DeviceKeys::generate());
        let inner: Vec<u8> = (0..2_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        let recipients = [a.public().age_recipient, b.public().age_recipient];
        let t = Instant::now();
        let sealed = seal(&inner, DEVICE_A, &a, &recipients).unwrap();
        let sealed_ms = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        open(&sealed, &b, key_of(DEVICE_A, &a)).unwrap();
        let opened_ms = t.elapsed().as_secs_f64() * 1e3;
        println!(
            "2 MB inner: seal {sealed_ms:.1} ms, open {opened_ms:.1} ms, overhead {} bytes",
            sealed.len() - inner.len()
        );
        let t = Instant::now();
        let invite = seal_with_passphrase(b"invite", "correct horse battery").unwrap();
        let seal_ms = t.elapsed().as_secs_f64() * 1e3;
        let stanza = String::from_utf8_lossy(&invite[..120]);
        println!("invite stanza: {:?}", stanza.lines().nth(1).unwrap_or_default());
        let t = Instant::now();
        open_with_passphrase(&invite, "correct horse battery").unwrap();
        println!("invite: seal {seal_ms:.0} ms, open {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    }
}
