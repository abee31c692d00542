//! Invites: how a new member's laptop gets the whole circle and a key the circle trusts.
//!
//! The inviter makes a one-off Ed25519 "invite key" and logs its public half in the
//! circle (`invites`). The invite file holds the secret half, the member the invite is for,
//! and a full bundle of the circle, all locked with a passphrase the inviter tells the
//! invitee out of band (age's scrypt). Joining imports the bundle, claims the member, and
//! logs this laptop's device key signed with the invite key: every member's laptop can
//! check that proof against the invite it already holds, so nobody who merely intercepts
//! or guesses can add a key, and no secret ever enters the circle's log.
//!
//! The invite key is also an age key (its X25519 form): until the joiner's first bundle
//! reaches a member, that member's bundles are sealed to it too, and the joining laptop
//! keeps its identity to open them (`newcomers`).
//!
//! An invite is used once and expires ([`keys::INVITE_DAYS`] by default). It is for a member
//! who has not joined yet, or, made on one of your own laptops for yourself, it adds another
//! laptop of yours ("Add another laptop of mine"). `keys.rs` holds the rules every laptop
//! checks.
//!
//! File: `KINSHIP\x03 || age(scrypt(passphrase), u32be(len(header)) || header JSON || bundle)`.

use super::bundle::{self, Bundle};
use super::keys::{self, DeviceKey};
use super::{newcomers, seal};
use crate::changelog::entity;
use crate::{Error, IdentityInput, Member, MemberInput, MemberPatch, Result, Store};
use ed25519_dalek::SigningKey;
use rand_core::OsRng;
use serde::{Deserialize, Serialize};

/// The invite header format this build writes and reads.
const FORMAT: &str = "kinship-invite/1";

/// What an invite says, besides the circle's bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InviteHeader {
    pub format: String,
    pub invite_id: String,
    pub circle_id: String,
    pub circle_name: String,
    pub member_id: String,
    pub member_name: String,
    pub member_email: String,
    pub inviter_name: String,
    /// The secret half of the invite key (hex seed): proves the joiner's device key.
    pub invite_secret: String,
}

/// An opened invite: who it is for, and the circle as the inviter had it.
#[derive(Debug, Clone)]
pub struct Invite {
    pub header: InviteHeader,
    pub bundle: Bundle,
}

/// How to send someone their invite.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InviteMessage {
    pub file_name: String,
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Who an invite is for: a member of the circle who has not joined yet, a new person, or
/// another laptop of this laptop's own member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invitee {
    /// A member already in the circle, by id.
    Member(String),
    /// A new person, added to the circle as they are invited.
    NewPerson { name: String, email: String },
    /// Another laptop of mine ("Add another laptop of mine").
    MyOtherLaptop,
}

impl Invitee {
    /// Who a shell was asked to invite: an existing `member_id`, else a new person from
    /// `name` and `email` (checked when they are added, so the form can mark the field).
    pub fn from_input(member_id: Option<String>, name: Option<String>, email: Option<String>) -> Result<Invitee> {
        match (member_id, name, email) {
            (Some(id), _, _) => Ok(Invitee::Member(id)),
            (None, None, None) => Err(Error::invalid(
                "Member",
                "say who the invite is for: a member who has not joined yet, or a new person's name and email \
                 (kinship invite --member ID, or --name NAME --email EMAIL)",
            )),
            (None, name, email) => {
                Ok(Invitee::NewPerson { name: name.unwrap_or_default(), email: email.unwrap_or_default() })
            }
        }
    }
}

/// A made invite: the member it is for, the passphrase-locked file to send them, and when
/// it stops working.
#[derive(Debug, Clone)]
pub struct MadeInvite {
    pub member: Member,
    pub sealed: Vec<u8>,
    /// RFC 3339 UTC.
    pub expires_at: String,
}

/// A stored time as the day people read ("18 December 2026", in UTC).
pub fn day_of(stored: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(stored)
        .map(|t| t.to_utc().format("%-d %B %Y").to_string())
        .unwrap_or_else(|_| stored.to_string())
}

/// The longest an invite may last, in days.
pub const MAX_INVITE_DAYS: i64 = 30;

/// How many days an invite lasts: `days`, else [`keys::INVITE_DAYS`]; 1 to 30.
fn invite_days(days: Option<i64>) -> Result<i64> {
    let days = days.unwrap_or(keys::INVITE_DAYS);
    if !(1..=MAX_INVITE_DAYS).contains(&days) {
        return Err(Error::invalid(
            "Expires in days",
            format!(
                "an invite lasts 1 to {MAX_INVITE_DAYS} days; give a number in that range (or leave it out for 14)"
            ),
        ));
    }
    Ok(days)
}

/// The first word of a name ("Ben" for "Ben Okafor").
fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

/// What joining did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Joined {
    pub circle_id: String,
    pub circle_name: String,
    pub member_id: String,
    pub device_key: DeviceKey,
}

/// Reads an invite locked by [`Store::create_invite`]; a wrong passphrase is an error on
/// the `Passphrase` field and nothing is written anywhere.
pub fn open_invite(sealed: &[u8], passphrase: &str) -> Result<Invite> {
    let sealed = super::armor::dearmor(sealed)?;
    let plain = seal::open_with_passphrase(&sealed, passphrase)?;
    let damaged = || Error::Bundle("the invite is damaged".into());
    let (len, rest) = plain.split_at_checked(4).ok_or_else(damaged)?;
    let len = u32::from_be_bytes(len.try_into().expect("4 bytes")) as usize;
    let (header, inner) = rest.split_at_checked(len).ok_or_else(damaged)?;
    let header: InviteHeader = serde_json::from_slice(header).map_err(|_| damaged())?;
    if header.format != FORMAT {
        return Err(Error::NewerBundle { found: 2, supported: 1 });
    }
    let bundle = bundle::decode(inner)?;
    if bundle.circle_id != header.circle_id {
        return Err(damaged());
    }
    Ok(Invite { header, bundle })
}

impl Invite {
    /// The invite's own row as the inviter logged it in the bundle.
    fn logged(&self) -> Option<&serde_json::Value> {
        let change = self
            .bundle
            .changes
            .iter()
            .find(|c| c.entity == entity::INVITE && c.entity_id == self.header.invite_id && c.op == "put")?;
        Some(&change.fields)
    }

    /// When the invite stops working (RFC 3339 UTC), from its logged row.
    pub fn expires_at(&self) -> String {
        let field = |name: &str| self.logged().and_then(|f| f.get(name)).and_then(|v| v.as_str()).map(String::from);
        keys::invite_expiry(&field("created_at").unwrap_or_default(), field("expires_at"))
    }

    /// Whether the invite adds another laptop of a member who has joined (made on one of
    /// their own laptops), rather than letting a new member in.
    pub fn adds_a_laptop(&self) -> bool {
        let inviter =
            self.bundle.changes.iter().find(|c| c.entity == entity::INVITE && c.entity_id == self.header.invite_id);
        inviter.is_some_and(|invite| {
            self.bundle.changes.iter().any(|c| {
                c.entity == entity::DEVICE_KEY
                    && c.fields.get("device_id").and_then(|v| v.as_str()) == Some(invite.author_device.as_str())
                    && c.fields.get("member_id").and_then(|v| v.as_str()) == Some(self.header.member_id.as_str())
            })
        })
    }

    /// The person id the circle holds for the invite's member (the latest the bundle wrote).
    fn member_person_id(&self) -> Option<String> {
        let writes = self.bundle.changes.iter().filter(|c| {
            c.entity == entity::MEMBER && c.entity_id == self.header.member_id && c.fields.get("person_id").is_some()
        });
        let latest = writes.max_by(|a, b| a.hlc.cmp(&b.hlc))?;
        latest.fields.get("person_id")?.as_str().map(String::from)
    }

    /// The invite's one-off signing key (its secret half travels only in the file).
    pub(crate) fn signing_key(&self) -> Result<SigningKey> {
        let seed: [u8; 32] = hex::decode(&self.header.invite_secret)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| Error::Bundle("the invite is damaged".into()))?;
        Ok(SigningKey::from_bytes(&seed))
    }
}

impl Store {
    /// Invites member `member_id` (who must be in the circle and not have joined yet, or be
    /// me: then it adds another laptop of mine): logs the invite, which lasts `days` (default
    /// 14, at most 30), and returns the passphrase-locked invite file holding the whole circle.
    pub fn create_invite(
        &mut self,
        circle_id: &str,
        member_id: &str,
        passphrase: &str,
        days: Option<i64>,
    ) -> Result<MadeInvite> {
        seal::check_passphrase(passphrase)?;
        let (invite, member, expires_at) = self.prepare_invite(circle_id, member_id, days)?;
        let header = serde_json::to_vec(&invite.header).expect("headers serialise");
        let mut plain = (header.len() as u32).to_be_bytes().to_vec();
        plain.extend_from_slice(&header);
        plain.extend_from_slice(&bundle::encode(&invite.bundle)?);
        let sealed = seal::seal_with_passphrase(&plain, passphrase)?;
        // Once they join they hold everything in the invite; later bundles need not repeat it.
        if member.id != self.my_member_id(circle_id)? {
            self.note_member_has(circle_id, &member.id, &invite.bundle.have, false)?;
        }
        Ok(MadeInvite { member, sealed, expires_at })
    }

    /// Logs an invite for `member_id` and returns it as its file would hold it (not yet
    /// locked with a passphrase), with the member and when it expires.
    pub(crate) fn prepare_invite(
        &mut self,
        circle_id: &str,
        member_id: &str,
        days: Option<i64>,
    ) -> Result<(Invite, Member, String)> {
        let days = invite_days(days)?;
        let circle = self.circle(circle_id)?;
        let member = self.member(member_id)?;
        if member.circle_id != circle.id || member.left_at.is_some() {
            return Err(Error::invalid("Member", format!("{} is not in {} any more", member.name, circle.name)));
        }
        let me = self.my_member_id(circle_id)?;
        if me != member.id && self.device_keys(circle_id)?.iter().any(|k| k.member_id == member.id) {
            let first = first_name(&member.name);
            return Err(Error::invalid(
                "Member",
                format!(
                    "{} has already joined this circle. If {first} has a new laptop, {first} adds it from one of \
                     {first}'s own laptops (Sync → Add another laptop of mine).",
                    member.name
                ),
            ));
        }
        self.ensure_my_key(circle_id)?;
        let invite_key = SigningKey::generate(&mut OsRng);
        let invite_id = crate::ids::new_id();
        let expires_at = crate::clock::to_stored(self.now() + chrono::Duration::days(days));
        self.write(|tx| {
            let now = tx.now();
            let public = hex::encode(invite_key.verifying_key().to_bytes());
            tx.execute(
                "INSERT INTO invites (id, circle_id, member_id, invite_key, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                (&invite_id, circle_id, member_id, &public, &now, &expires_at),
            )?;
            tx.log(
                circle_id,
                entity::INVITE,
                &invite_id,
                serde_json::json!({
                    "id": invite_id, "circle_id": circle_id, "member_id": member_id,
                    "invite_key": public, "created_at": now, "expires_at": expires_at,
                }),
            )
        })?;
        let bundle = self.cut_bundle(circle_id, None, true)?;
        let header = InviteHeader {
            format: FORMAT.into(),
            invite_id,
            circle_id: circle.id.clone(),
            circle_name: circle.name,
            member_id: member.id.clone(),
            member_name: member.name.clone(),
            member_email: member.email.clone(),
            inviter_name: self.member(&me)?.name,
            invite_secret: hex::encode(invite_key.to_bytes()),
        };
        Ok((Invite { header, bundle }, member, expires_at))
    }

    /// Invites `invitee` to the circle for `days` (default 14): the one place that decides
    /// what inviting an existing member, a new person or another laptop of mine means (both
    /// shells come here). A new person is added first, after the passphrase and days are
    /// checked, so a refused invite adds nobody.
    pub fn invite(
        &mut self,
        circle_id: &str,
        invitee: &Invitee,
        passphrase: &str,
        days: Option<i64>,
    ) -> Result<MadeInvite> {
        let me = self.my_member_id(circle_id)?;
        let member_id = match invitee {
            Invitee::Member(id) if *id == me => {
                return Err(Error::invalid(
                    "Member",
                    "that is you; to add another laptop of yours, use Sync → Add another laptop of mine \
                     (kinship laptop add)",
                ))
            }
            Invitee::Member(id) => id.clone(),
            Invitee::MyOtherLaptop => me,
            Invitee::NewPerson { name, email } => {
                seal::check_passphrase(passphrase)?;
                invite_days(days)?;
                let input = MemberInput {
                    circle_id: circle_id.into(),
                    name: name.clone(),
                    email: email.clone(),
                    ..Default::default()
                };
                self.add_member(&input)?.id
            }
        };
        self.create_invite(circle_id, &member_id, passphrase, days)
    }

    /// A file name and an email for sending `member_id` their invite (or, for my own member,
    /// for carrying it to another laptop of mine), saying when it expires. The passphrase is
    /// never in it: it is told by phone or in person.
    pub fn invite_message(&self, circle_id: &str, member_id: &str, expires_at: &str) -> Result<InviteMessage> {
        let circle = self.circle(circle_id)?;
        let member = self.member(member_id)?;
        let me = self.member(&self.my_member_id(circle_id)?)?;
        let slug = |name: String| name.to_lowercase().replace(|c: char| !c.is_alphanumeric() && c != '.', "-");
        let until = day_of(expires_at);
        if member.id == me.id {
            return Ok(InviteMessage {
                file_name: slug(format!("another-laptop-in-{}.kinship", circle.name)),
                to: me.email.clone(),
                subject: format!("Add another laptop to {} in Kinship", circle.name),
                body: format!(
                    "This file adds another laptop of mine to {}. On that laptop, open it with Kinship \
                     (\"I have an invite\" on its first screen, or double-click the file) and type the passphrase \
                     I chose for it.\n\nIt works once, until {until}.\n",
                    circle.name
                ),
            });
        }
        Ok(InviteMessage {
            file_name: slug(format!("invite-{}-to-{}.kinship", first_name(&member.name), circle.name)),
            to: member.email.clone(),
            subject: format!("Join {} in Kinship", circle.name),
            body: format!(
                "Hello {},\n\nI'd like you to join our peer mentoring circle, {}, in Kinship (a desktop app \
                 that keeps our agenda and notes on our own laptops, with no accounts and no server).\n\n\
                 Open the attached invite with Kinship (\"I have an invite\" on its first screen, or double-click \
                 the file) and type the passphrase I will tell you by phone or in person. It is not in this \
                 email, on purpose. The invite works once, until {until}.\n\nOnce you have joined, Kinship asks \
                 you to send hello to the circle: please do, so that our laptops learn yours.\n\n{}\n",
                first_name(&member.name),
                circle.name,
                me.name
            ),
        })
    }

    /// Whether this laptop is already in the invite's circle (with a key of its own).
    pub fn already_joined(&self, invite: &Invite) -> Result<bool> {
        let circle = &invite.header.circle_id;
        Ok(self.circle(circle).is_ok() && self.device_keys(circle)?.iter().any(|k| k.device_id == self.device_id()))
    }

    /// Joins the circle of an opened invite as its member. Sets up this laptop's person
    /// from `identity` (or from the invite) if there is none yet. Running it again after an
    /// interruption finishes the join; joining a circle twice is refused.
    pub fn join(&mut self, invite: &Invite, identity: Option<&IdentityInput>) -> Result<Joined> {
        let header = &invite.header;
        if self.already_joined(invite)? {
            return Err(Error::invalid("Invite", format!("you are already in {} on this laptop", header.circle_name)));
        }
        // The invite itself must be in the bundle, for the member it names.
        let names_invite = invite.bundle.changes.iter().any(|c| {
            c.entity == entity::INVITE
                && c.entity_id == header.invite_id
                && c.fields.get("member_id").and_then(|v| v.as_str()) == Some(&header.member_id)
        });
        if !names_invite {
            return Err(Error::Bundle("the invite does not match its circle".into()));
        }
        let expires_at = invite.expires_at();
        if crate::clock::to_stored(self.now()) > expires_at {
            return Err(Error::invalid(
                "Invite",
                format!("this invite expired on {}; ask {} for a new one", day_of(&expires_at), header.inviter_name),
            ));
        }
        let authorized_by = format!("invite:{}", header.invite_id);
        let used = invite.bundle.changes.iter().any(|c| {
            c.entity == entity::DEVICE_KEY
                && c.fields.get("authorized_by").and_then(|v| v.as_str()) == Some(&authorized_by)
        });
        if used {
            return Err(Error::invalid(
                "Invite",
                format!("this invite was already used by another laptop; ask {} for a new one", header.inviter_name),
            ));
        }
        // Another laptop of a member is the same person: it takes the person id the circle
        // already holds for them, so each of their laptops knows the member as "me".
        let person = invite.adds_a_laptop().then(|| invite.member_person_id()).flatten();
        match (self.identity()?, &person) {
            (Some(me), Some(person)) if me.person_id != *person => {
                return Err(Error::invalid(
                    "Invite",
                    format!(
                        "this laptop is already set up as {} on its own, so it cannot become another laptop of \
                         {}; open the invite on a laptop where Kinship is not set up yet",
                        me.name, header.member_name
                    ),
                ))
            }
            (Some(_), _) => {}
            (None, _) => {
                let from_invite = IdentityInput {
                    name: header.member_name.clone(),
                    email: header.member_email.clone(),
                    ..Default::default()
                };
                self.create_identity(identity.unwrap_or(&from_invite))?;
                if let Some(person) = &person {
                    self.conn().execute("UPDATE identity SET person_id = ?1", [person])?;
                }
            }
        }
        self.import_checked(&invite.bundle, false, true, None, &mut |_, _| {})?;
        let member: Member = self.member(&header.member_id)?;
        if member.left_at.is_some() {
            return Err(Error::invalid("Invite", format!("{} was removed from the circle", member.name)));
        }
        if member.person_id != Some(self.require_identity()?.person_id) {
            self.claim_membership(&member.id)?;
        }
        // The person may have corrected how the circle sees them while joining.
        let me = self.require_identity()?;
        if (&me.name, &me.email, &me.pronouns, &me.institution)
            != (&member.name, &member.email, &member.pronouns, &member.institution)
        {
            self.update_member(
                &member.id,
                &MemberPatch {
                    name: Some(me.name),
                    email: Some(me.email),
                    pronouns: Some(me.pronouns.unwrap_or_default()),
                    institution: Some(me.institution.unwrap_or_default()),
                    ..Default::default()
                },
            )?;
        }
        let public = self.secret_keys()?.public();
        let invite_key = invite.signing_key()?;
        let device_id = self.device_id().to_string();
        // The circle's rules for invite keys (used once, not yet joined…) judge this key here
        // first, as they will on every other laptop.
        // The invite's key also opens what the circle seals to it until this key reaches them.
        let device_key = self.write(|tx| {
            let key =
                keys::add_key(tx, &header.circle_id, &member.id, &device_id, &public, &authorized_by, &invite_key)?;
            keys::verify_key(tx, &key)?;
            newcomers::keep_invite_identity(tx, &header.circle_id, &header.invite_id, &invite_key, &expires_at)?;
            Ok(key)
        })?;
        // What the inviter had, they still have.
        if let Some(inviter) = self.member_of_device(&header.circle_id, &invite.bundle.sender_device)? {
            self.note_member_has(&header.circle_id, &inviter, &invite.bundle.have, true)?;
        }
        // The circle as it was when joining is the starting point, not news.
        self.mark_seen(&header.circle_id, None)?;
        Ok(Joined {
            circle_id: header.circle_id.clone(),
            circle_name: self.circle(&header.circle_id)?.name,
            member_id: member.id,
            device_key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CircleInput;
    use tempfile::TempDir;

    const PASS: &str = "river lantern autumn";

    /// Ana's laptop (in its own data folder, for its keys) with a circle; returns the circle id.
    fn ana_with_circle(dir: &TempDir) -> (Store, String) {
        let mut store = Store::open(dir.path()).unwrap();
        store
            .create_identity(&IdentityInput { name: "Ana".into(), email: "ana@uni.edu".into(), ..Default::default() })
            .unwrap();
        let circle = store.create_circle(&CircleInput { name: "Circle".into(), ..Default::default() }).unwrap();
        (store, circle.id)
    }

    #[test]
    fn who_an_invite_is_for_comes_from_a_member_id_or_a_new_persons_details() {
        let member = Invitee::from_input(Some("m1".into()), None, None).unwrap();
        assert_eq!(member, Invitee::Member("m1".into()));
        let new = Invitee::from_input(None, Some("Cam".into()), Some("cam@uni.edu".into())).unwrap();
        assert_eq!(new, Invitee::NewPerson { name: "Cam".into(), email: "cam@uni.edu".into() });
        let half = Invitee::from_input(None, Some("Cam".into()), None).unwrap();
        assert_eq!(half, Invitee::NewPerson { name: "Cam".into(), email: String::new() });
        let nobody = Invitee::from_input(None, None, None).unwrap_err();
        assert_eq!(nobody.field(), Some("Member"));
    }

    #[test]
    fn inviting_adds_a_new_person_or_invites_an_existing_member() {
        let dir = TempDir::new().unwrap();
        let (mut store, circle) = ana_with_circle(&dir);
        let cam = Invitee::NewPerson { name: "Cam".into(), email: "cam@uni.edu".into() };
        let made = store.invite(&circle, &cam, PASS, None).unwrap();
        assert_eq!((made.member.name.as_str(), made.member.circle_id.as_str()), ("Cam", circle.as_str()));
        assert_eq!(open_invite(&made.sealed, PASS).unwrap().header.member_id, made.member.id);

        let again = store.invite(&circle, &Invitee::Member(made.member.id.clone()), PASS, None).unwrap();
        assert_eq!(again.member.id, made.member.id);
        assert_eq!(open_invite(&again.sealed, PASS).unwrap().header.member_name, "Cam");
        assert_eq!(store.members(&circle).unwrap().len(), 2, "inviting a member again adds nobody");
    }

    #[test]
    fn a_refused_invite_adds_nobody() {
        let dir = TempDir::new().unwrap();
        let (mut store, circle) = ana_with_circle(&dir);
        let dee = Invitee::NewPerson { name: "Dee".into(), email: "dee@uni.edu".into() };
        assert_eq!(store.invite(&circle, &dee, "short", None).unwrap_err().field(), Some("Passphrase"));
        let nameless = Invitee::NewPerson { name: String::new(), email: "dee@uni.edu".into() };
        assert_eq!(store.invite(&circle, &nameless, PASS, None).unwrap_err().field(), Some("Name"));
        for days in [0, 31] {
            let err = store.invite(&circle, &dee, PASS, Some(days)).unwrap_err();
            assert_eq!(err.field(), Some("Expires in days"), "{days}: {err}");
        }
        assert_eq!(store.members(&circle).unwrap().len(), 1);
    }
}
