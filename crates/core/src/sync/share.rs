//! Sync as a person uses it: share updates as one sealed file, open a received one (check
//! who sent it and that they may), preview and apply it, undo the last import, see who is
//! behind, and settle conflicts.
//!
//! What to send is judged from what each member is known to have (`peer_have`): a bundle
//! carries every change the sender holds that some current member may lack, whoever wrote
//! it, so changes travel onward through whoever relays them. Members' haves come from
//! their own bundles and from their devices' signed claims, passed on in every bundle
//! (`claims`).

use super::bundle::{self, Bundle, VersionVector};
use super::exchange::{ImportHistory, ImportReport};
use super::keys::{self, DeviceKey};
use super::{armor, merge, seal};
use crate::changelog::history::{is_prose, table_of};
use crate::changelog::{self, entity};
use crate::{Error, Result, Store};
use rusqlite::OptionalExtension;
use serde::Serialize;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

/// A sealed bundle ready to send, and an email to send it with.
#[derive(Debug, Clone, Serialize)]
pub struct SharedBundle {
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub file_name: String,
    pub changes: usize,
    /// The other current members' email addresses.
    pub to: Vec<String>,
    /// Members who cannot read it yet: this laptop has no key of theirs (their first bundle
    /// brings it) and no live invite for them (which lets them read it as soon as they join).
    pub unreadable_by: Vec<String>,
    pub subject: String,
    pub body: String,
}

/// A received bundle whose sender was checked: ready to preview or apply.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub bundle: Bundle,
    pub circle_name: String,
    pub sender_member_id: String,
    pub sender_name: String,
}

/// What applying a bundle did.
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    pub report: ImportReport,
    /// The import's number in this laptop's history (what undo removes), if it stored anything.
    pub import_id: Option<i64>,
    /// The backup made just before, if this store lives in a data folder.
    pub backup_file: Option<String>,
}

/// What undoing an import removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Undone {
    pub removed_changes: usize,
    pub sender_name: String,
}

/// One member as the sync screen shows them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberSync {
    pub member_id: String,
    pub name: String,
    pub email: String,
    pub left: bool,
    /// Has a device key in the circle (accepted an invite, or founded it).
    pub joined: bool,
    /// When this laptop last imported a bundle from them.
    pub heard_at: Option<String>,
    /// Changes held here that they are not known to have.
    pub missing: usize,
    /// Their laptops in the circle (device keys), in the order they were added.
    pub laptops: Vec<LaptopView>,
}

/// One of a member's laptops (a device key in the circle), as the sync screen lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LaptopView {
    /// "Laptop 1", "Laptop 2"… in the order the member's laptops were added.
    pub name: String,
    /// The device key's id: what revoking the laptop names.
    pub key_id: String,
    pub device_id: String,
    /// The laptop this store is on.
    pub this_laptop: bool,
    pub added_at: String,
    /// "founded the circle", "invited by Ana Reyes", "added from Ben's other laptop".
    pub added_by: String,
    /// When it was revoked (lost, or its member removed): nothing it writes after is accepted.
    pub revoked_at: Option<String>,
}

/// A gap, with the member whose device it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GapView {
    pub device: String,
    pub member_name: Option<String>,
    pub from_seq: i64,
    pub to_seq: i64,
}

/// A conflict as a person decides it: both texts and what record they belong to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConflictView {
    pub entity: String,
    pub entity_id: String,
    pub field: String,
    pub record_label: String,
    /// The text now in place ("" when the record was deleted).
    pub current: String,
    /// The text that lost.
    pub other: String,
    pub other_author: String,
    pub reason: String,
    pub hlc: String,
}

/// The last import, for the undo button.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LastImport {
    pub id: i64,
    pub sender_name: String,
    pub imported_at: String,
    pub new_changes: i64,
    pub undoable: bool,
}

/// A circle's sync state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyncStatus {
    pub circle_id: String,
    pub circle_name: String,
    pub my_member_id: String,
    /// Changes an incremental bundle would carry now.
    pub unsent: usize,
    pub members: Vec<MemberSync>,
    pub conflicts: Vec<ConflictView>,
    pub gaps: Vec<GapView>,
    pub last_import: Option<LastImport>,
}

/// A file name for a bundle: the circle, the sender and the time, in plain characters.
fn bundle_file_name(circle: &str, sender: &str, stamp: &str) -> String {
    let slug = |s: &str| -> String {
        let words: Vec<String> = s
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(4)
            .map(|w| w.to_lowercase())
            .collect();
        words.join("-")
    };
    format!("{}-from-{}-{stamp}.kinship", slug(circle), slug(sender))
}

/// Deletes a record by kind and id (attendance is keyed `meeting_id/member_id`).
fn delete_record(conn: &rusqlite::Connection, entity: &str, id: &str) -> Result<()> {
    let Some(table) = table_of(entity) else { return Ok(()) };
    match id.split_once('/') {
        Some((meeting, member)) if entity == entity::ATTENDANCE => {
            conn.execute("DELETE FROM attendance WHERE meeting_id = ?1 AND member_id = ?2", (meeting, member))?
        }
        _ => conn.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id])?,
    };
    Ok(())
}

impl Store {
    /// What member `member_id` is known to have of a circle's log.
    fn member_has(&self, circle_id: &str, member_id: &str) -> Result<VersionVector> {
        super::claims::member_has(self.conn(), circle_id, member_id)
    }

    /// Records that a member has (at least) `have`; `heard` when it came from them directly.
    pub(crate) fn note_member_has(
        &self,
        circle_id: &str,
        member_id: &str,
        have: &VersionVector,
        heard: bool,
    ) -> Result<()> {
        let heard_at = heard.then(|| crate::clock::to_stored(self.now()));
        super::claims::note_member_has(self.conn(), circle_id, member_id, have, heard_at.as_deref())
    }

    /// The member a device belongs to in a circle.
    pub(crate) fn member_of_device(&self, circle_id: &str, device_id: &str) -> Result<Option<String>> {
        keys::member_of_device(self.conn(), circle_id, device_id)
    }

    /// Current members other than me.
    fn other_members(&self, circle_id: &str) -> Result<Vec<crate::Member>> {
        let me = self.my_member_id(circle_id)?;
        Ok(self.members(circle_id)?.into_iter().filter(|m| m.left_at.is_none() && m.id != me).collect())
    }

    /// What every other current member is known to have: the least of their vectors.
    fn what_all_have(&self, circle_id: &str) -> Result<VersionVector> {
        let mut least: Option<VersionVector> = None;
        for member in self.other_members(circle_id)? {
            let has = self.member_has(circle_id, &member.id)?;
            least = Some(match least {
                None => has,
                Some(prev) => prev
                    .into_iter()
                    .filter_map(|(device, seq)| has.get(&device).map(|s| (device, seq.min(*s))))
                    .collect(),
            });
        }
        Ok(least.unwrap_or_default())
    }

    /// How many changes of a circle this laptop holds beyond `have`.
    fn count_beyond(&self, circle_id: &str, have: &VersionVector) -> Result<usize> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT author_device, count(*), max(seq) FROM change_log WHERE circle_id = ?1 GROUP BY 1",
        )?;
        let devices: Vec<(String, i64)> =
            stmt.query_map([circle_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        let mut beyond = 0;
        let mut count = self.conn().prepare_cached(
            "SELECT count(*) FROM change_log WHERE circle_id = ?1 AND author_device = ?2 AND seq > ?3",
        )?;
        for (device, total) in devices {
            beyond += match have.get(&device) {
                None => total,
                Some(held) => count.query_row((circle_id, &device, held), |r| r.get::<_, i64>(0))?,
            } as usize;
        }
        Ok(beyond)
    }

    /// Seals a bundle for the circle's current members: what some of them may lack, or
    /// everything with `full`.
    pub fn share_bundle(&mut self, circle_id: &str, full: bool) -> Result<SharedBundle> {
        let circle = self.circle(circle_id)?;
        self.ensure_my_key(circle_id)?;
        let me = self.my_member_id(circle_id)?;
        let others = self.other_members(circle_id)?;
        let recipients = self.recipients(circle_id)?;
        let mine = self.secret_keys()?;
        let my_recipient = mine.public().age_recipient;
        if recipients.keys.iter().all(|r| *r == my_recipient) {
            return Err(Error::invalid(
                "Circle",
                "nobody else can read it yet: invite members first (an invite lets its member read the circle's \
                 updates as soon as they join, until it expires)",
            ));
        }
        let unreadable_by =
            others.iter().filter(|m| !recipients.members.contains(&m.id)).map(|m| m.name.clone()).collect();
        let base = if full { None } else { Some(self.what_all_have(circle_id)?) };
        let mut bundle = self.export_bundle(circle_id, base.as_ref())?;
        bundle.claims.extend(self.stored_claims(circle_id)?);
        let sealed = seal::seal(&bundle::encode(&bundle)?, self.device_id(), &mine, &recipients.keys)?;
        let my_name = self.member(&me)?.name;
        let stamp = self.now().format("%Y%m%d-%H%M").to_string();
        let changes = bundle.changes.len();
        Ok(SharedBundle {
            bytes: sealed,
            file_name: bundle_file_name(&circle.name, &my_name, &stamp),
            changes,
            unreadable_by,
            to: others.iter().filter(|m| !m.email.is_empty()).map(|m| m.email.clone()).collect(),
            subject: format!("Kinship updates for {}", circle.name),
            body: format!(
                "Hello,\n\nAttached are my Kinship updates for {} ({changes} changes). To bring them in, \
                 open the attached .kinship file with Kinship, or drag it onto Kinship's window.\n\n\
                 The file is encrypted to the circle's members only.\n\n{my_name}\n",
                circle.name
            ),
        })
    }

    /// Every member's known vector for a circle (passed on in bundles).
    fn member_haves(&self, circle_id: &str) -> Result<BTreeMap<String, VersionVector>> {
        let mut stmt = self.conn().prepare("SELECT member_id, have FROM peer_have WHERE circle_id = ?1")?;
        let rows = stmt.query_map([circle_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = BTreeMap::new();
        for row in rows {
            let (member, have) = row?;
            out.insert(member, serde_json::from_str(&have).unwrap_or_default());
        }
        Ok(out)
    }

    /// A device's signing key as far as this laptop can trust it: from a circle's keys, or,
    /// for a device not yet known, from a key row in the (still unproven) bundle whose proof
    /// checks out against an invite or device this laptop already holds. `why` keeps the
    /// reason a new key was not trusted.
    /// Only the key this bundle's own circle holds counts: a device's key in another circle
    /// proves nothing here. A bundle from an older Kinship is named as such, with its sender.
    fn trusted_signing_key(&self, device: &str, inner: &[u8], why: &RefCell<Option<Error>>) -> Option<String> {
        let (format, circle) = match bundle::peek(inner) {
            Ok(peeked) => peeked,
            Err(e) => {
                why.replace(Some(e));
                return None;
            }
        };
        let known = keys::key_rows(self.conn(), "circle_id = ?1 AND device_id = ?2", (&circle, device)).ok()?;
        let known = known.into_iter().next();
        if bundle::OLDER_FORMATS.contains(&format.as_str()) {
            let sender = known.and_then(|k| self.member(&k.member_id).ok()).map(|m| m.name);
            why.replace(Some(Error::OlderBundle { sender }));
            return None;
        }
        known.map(|k| k.signing_key).or_else(|| match self.introduced_key(device, inner) {
            Ok(key) => key.map(|k| k.signing_key),
            Err(e) => {
                why.replace(Some(e));
                None
            }
        })
    }

    /// The key a bundle introduces for its own sender device, if its proof is valid here.
    fn introduced_key(&self, device: &str, inner: &[u8]) -> Result<Option<DeviceKey>> {
        let bundle = bundle::decode(inner)?;
        let Some(change) = keys::introduced_in(&bundle, device) else { return Ok(None) };
        let key: DeviceKey = serde_json::from_value(change.fields.clone())
            .map_err(|_| Error::Bundle("its sender's key is malformed".into()))?;
        if key.circle_id != bundle.circle_id || key.id != change.entity_id {
            return Ok(None);
        }
        keys::verify_key(self.conn(), &key)?;
        Ok(Some(key))
    }

    /// Opens a received file (sealed, or pasted as armored text): decrypts it, checks the
    /// signature and that the sender is a current member's device, and decodes it.
    pub fn open_bundle(&self, bytes: &[u8]) -> Result<Incoming> {
        let sealed = armor::dearmor(bytes)?;
        let mine = self.secret_keys()?;
        let why = RefCell::new(None);
        let invites = super::newcomers::invite_identities(self.conn(), &crate::clock::to_stored(self.now()))?;
        let opened =
            seal::open_as(&sealed, &mine, &invites, |device, inner| self.trusted_signing_key(device, inner, &why))
                .map_err(|e| match why.take() {
                    Some(Error::Bundle(reason)) if reason.contains("has not heard of") => Error::Bundle(
                        "it comes from someone who joined with an invite this laptop has not heard of yet; \
                     import a bundle from the member who invited them first, then this one"
                            .into(),
                    ),
                    Some(reason) => reason,
                    None => e,
                })?;
        let bundle = bundle::decode(&opened.inner)?;
        if bundle.sender_device != opened.sender_device {
            return Err(Error::Bundle("it names a different sender inside than the one who signed it".into()));
        }
        let circle = self.circle(&bundle.circle_id).map_err(|_| {
            Error::Bundle("it is for a circle you are not in on this laptop (join it with an invite first)".into())
        })?;
        let key = match keys::key_rows(
            self.conn(),
            "circle_id = ?1 AND device_id = ?2",
            (&bundle.circle_id, &bundle.sender_device),
        )?
        .into_iter()
        .next()
        {
            Some(key) => key,
            None => self
                .introduced_key(&bundle.sender_device, &opened.inner)?
                .ok_or_else(|| Error::Bundle("it comes from a laptop this circle does not know".into()))?,
        };
        let member = match self.member(&key.member_id) {
            Ok(member) => member,
            // A new member's own row may arrive with the bundle; their invite named them.
            Err(_) => {
                return Err(Error::Bundle(
                    "it comes from someone this laptop has not heard of yet; import the inviter's bundle first".into(),
                ))
            }
        };
        if member.left_at.is_some() {
            return Err(Error::Bundle(format!(
                "it comes from {}, who is no longer in the circle, so it was refused",
                member.name
            )));
        }
        if key.revoked_after.is_some() {
            return Err(Error::Bundle(format!(
                "it comes from a laptop of {}'s that was revoked (reported lost, or replaced), so it was refused; \
                 if {} still uses it, they add it again from another laptop of theirs",
                member.name, member.name
            )));
        }
        Ok(Incoming { bundle, circle_name: circle.name, sender_member_id: member.id, sender_name: member.name })
    }

    /// Applies an opened bundle (or, with `preview`, reports what it would do). A backup is
    /// made first; the import is recorded so it can be undone.
    pub fn apply_bundle(&mut self, incoming: &Incoming, preview: bool) -> Result<Applied> {
        self.apply_bundle_with_progress(incoming, preview, &mut |_, _| {})
    }

    /// Like [`Store::apply_bundle`], telling `progress(done, total)` how far the import is.
    pub fn apply_bundle_with_progress(
        &mut self,
        incoming: &Incoming,
        preview: bool,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Applied> {
        self.refuse_changes_as_me(&incoming.bundle)?;
        super::claims::check(self.conn(), &incoming.bundle)?;
        // A backup before anything is stored; a bundle that brings nothing new stores nothing
        // (the shared folder rereads files that may hold only what this laptop has).
        let brings_new = self.brings_new(&incoming.bundle)?;
        let backup_file =
            if preview || !brings_new || self.data_dir().is_none() { None } else { Some(self.backup_now()?.file_name) };
        let bundle = &incoming.bundle;
        let history = ImportHistory { sender_member: &incoming.sender_member_id, backup_file: backup_file.as_deref() };
        let report = self.import_checked(bundle, preview, false, Some(&history), progress)?;
        if preview {
            return Ok(Applied { report, import_id: None, backup_file });
        }
        let import_id =
            if report.new_changes == 0 { None } else { self.last_import_row(&bundle.circle_id)?.map(|row| row.0) };
        Ok(Applied { report, import_id, backup_file })
    }

    /// Whether a bundle holds a change beyond the unbroken run this laptop holds of its
    /// author's (a change held out of order counts as new: the import decides).
    fn brings_new(&self, bundle: &Bundle) -> Result<bool> {
        let held = self.version_vector(&bundle.circle_id)?;
        Ok(bundle.changes.iter().any(|c| held.get(&c.author_device).is_none_or(|h| c.seq > *h)))
    }

    /// Refuses a bundle holding changes stamped with this laptop's device id that this
    /// laptop does not have: another laptop wrote as this one (a copy that went unnoticed),
    /// and taking them would make two different changes share one sequence number.
    fn refuse_changes_as_me(&self, bundle: &Bundle) -> Result<()> {
        let me = self.device_id();
        let held = self.version_vector(&bundle.circle_id)?.get(me).copied().unwrap_or(0);
        if bundle.changes.iter().any(|c| c.author_device == me && c.seq > held) {
            return Err(Error::Bundle(
                "it holds changes written as this laptop that this laptop never wrote (a copy of this laptop's \
                 Kinship data is in use elsewhere); ask the sender to tell you which laptop they came from"
                    .into(),
            ));
        }
        Ok(())
    }

    /// The newest import into a circle that is not undone.
    fn last_import_row(&self, circle_id: &str) -> Result<Option<(i64, Option<String>, String, i64, String, bool)>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id, sender_member, imported_at, new_changes, added, undone_at IS NULL FROM imports
                 WHERE circle_id = ?1 ORDER BY id DESC LIMIT 1",
                [circle_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )
            .optional()?)
    }

    /// Undoes the last import into a circle: removes the changes it stored and rebuilds the
    /// records they touched. Edits made here since stay; a later bundle carrying the same
    /// changes brings them back.
    pub fn undo_last_import(&mut self, circle_id: &str) -> Result<Undone> {
        let Some((id, sender, _, _, added, true)) = self.last_import_row(circle_id)? else {
            return Err(Error::invalid("Import", "there is no import to undo in this circle"));
        };
        let added: BTreeMap<String, Vec<(i64, i64)>> = serde_json::from_str(&added).unwrap_or_default();
        let sender_name = sender.and_then(|m| self.member(&m).ok()).map(|m| m.name).unwrap_or_default();
        let removed = self.write(|tx| {
            let mut touched: BTreeSet<(String, String)> = BTreeSet::new();
            let mut removed = 0;
            for (device, ranges) in &added {
                for (from, to) in ranges {
                    let mut stmt = tx.prepare_cached(
                        "SELECT entity, entity_id FROM change_log
                         WHERE circle_id = ?1 AND author_device = ?2 AND seq BETWEEN ?3 AND ?4",
                    )?;
                    for row in stmt.query_map((circle_id, device, from, to), |r| Ok((r.get(0)?, r.get(1)?)))? {
                        touched.insert(row?);
                    }
                    removed += changelog::delete_range(tx, circle_id, device, *from, *to)?;
                }
            }
            // Records the import created have no log left: they go.
            for (entity, id) in &touched {
                let logged: bool = tx.query_row(
                    "SELECT count(*) > 0 FROM change_log WHERE entity = ?1 AND entity_id = ?2",
                    (entity, id),
                    |r| r.get(0),
                )?;
                if !logged {
                    delete_record(tx, entity, id)?;
                }
            }
            merge::rebuild(tx, circle_id, &touched)?;
            tx.execute("UPDATE imports SET undone_at = ?2 WHERE id = ?1", (id, tx.now()))?;
            Ok(removed)
        })?;
        Ok(Undone { removed_changes: removed, sender_name })
    }

    /// A member's laptops among a circle's `keys` (oldest first), named and explained.
    fn laptops(&self, keys: &[DeviceKey], member: &crate::Member) -> Result<Vec<LaptopView>> {
        let first = member.name.split_whitespace().next().unwrap_or(&member.name);
        let mut laptops = Vec::new();
        for (n, key) in keys.iter().filter(|k| k.member_id == member.id).enumerate() {
            let added_by = match keys::how_added(self.conn(), key)? {
                keys::HowAdded::Founded => "founded the circle".to_string(),
                keys::HowAdded::InvitedBy(inviter) => match self.member(&inviter) {
                    Ok(inviter) => format!("invited by {}", inviter.name),
                    Err(_) => "invited by a member".to_string(),
                },
                keys::HowAdded::FromOwnLaptop => format!("added from {first}'s other laptop"),
                keys::HowAdded::Unknown => "invited".to_string(),
            };
            laptops.push(LaptopView {
                name: format!("Laptop {}", n + 1),
                key_id: key.id.clone(),
                device_id: key.device_id.clone(),
                this_laptop: key.device_id == self.device_id(),
                added_at: key.added_at.clone(),
                added_by,
                revoked_at: key.revoked_at.clone(),
            });
        }
        Ok(laptops)
    }

    /// Who has joined, when each was last heard from, what each may lack, and what waits.
    pub fn sync_status(&self, circle_id: &str) -> Result<SyncStatus> {
        let circle = self.circle(circle_id)?;
        let my_member_id = self.my_member_id(circle_id)?;
        let keys = self.device_keys(circle_id)?;
        // What each member has, and when each was last heard from: read once for all.
        let haves = self.member_haves(circle_id)?;
        let mut stmt = self
            .conn()
            .prepare("SELECT member_id, heard_at FROM peer_have WHERE circle_id = ?1 AND heard_at IS NOT NULL")?;
        let heard: BTreeMap<String, String> =
            stmt.query_map([circle_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        let mut members = Vec::new();
        for m in self.members(circle_id)? {
            let heard_at = heard.get(&m.id).cloned();
            let missing = match haves.get(&m.id) {
                _ if m.id == my_member_id => 0,
                Some(has) => self.count_beyond(circle_id, has)?,
                None => self.count_beyond(circle_id, &VersionVector::new())?,
            };
            let laptops = self.laptops(&keys, &m)?;
            members.push(MemberSync {
                joined: !laptops.is_empty(),
                laptops,
                member_id: m.id,
                name: m.name,
                email: m.email,
                left: m.left_at.is_some(),
                heard_at,
                missing,
            });
        }
        let unsent = self.count_beyond(circle_id, &self.what_all_have(circle_id)?)?;
        let device_name = |device: &str| -> Option<String> {
            let member = keys.iter().find(|k| k.device_id == device)?;
            self.member(&member.member_id).ok().map(|m| m.name)
        };
        let gaps = self
            .gaps_in(circle_id)?
            .into_iter()
            .map(|g| GapView {
                member_name: device_name(&g.device),
                device: g.device,
                from_seq: g.from_seq,
                to_seq: g.to_seq,
            })
            .collect();
        let mut conflicts = Vec::new();
        for c in self.conflicts(circle_id)? {
            let (record_label, current) = self.conflict_context(&c.entity, &c.entity_id, &c.field)?;
            conflicts.push(ConflictView {
                other_author: device_name(&c.author_device).unwrap_or_else(|| "another laptop".into()),
                entity: c.entity,
                entity_id: c.entity_id,
                field: c.field,
                record_label,
                current,
                other: c.value,
                reason: c.reason,
                hlc: c.hlc,
            });
        }
        let last_import = match self.last_import_row(circle_id)? {
            Some((id, sender, imported_at, new_changes, _, undoable)) => Some(LastImport {
                id,
                sender_name: sender.and_then(|m| self.member(&m).ok()).map(|m| m.name).unwrap_or_default(),
                imported_at,
                new_changes,
                undoable,
            }),
            None => None,
        };
        Ok(SyncStatus {
            circle_id: circle.id,
            circle_name: circle.name,
            my_member_id,
            unsent,
            members,
            conflicts,
            gaps,
            last_import,
        })
    }

    /// A record's label and the current text of one of its prose fields ("" if it is gone).
    fn conflict_context(&self, entity: &str, id: &str, field: &str) -> Result<(String, String)> {
        let table = table_of(entity).ok_or_else(|| Error::not_found("record kind", entity))?;
        if !is_prose(entity, field) {
            return Err(Error::not_found("text field", field));
        }
        let label_column = match entity {
            "circle" => "name",
            "agenda_item" | "resource" => "title",
            "reflection" => "coalesce(prompt, 'Shared reflection')",
            "goal_note" => "'A note on a goal'",
            "meeting" => "'Meeting of ' || substr(starts_at, 1, 10)",
            _ => "''",
        };
        let found: Option<(String, String)> = self
            .conn()
            .query_row(&format!("SELECT {label_column}, {field} FROM {table} WHERE id = ?1"), [id], |r| {
                Ok((r.get(0)?, r.get::<_, Option<String>>(1)?.unwrap_or_default()))
            })
            .optional()?;
        Ok(found.unwrap_or_else(|| ("A record that was deleted".into(), String::new())))
    }

    /// Settles a conflict on a text field by writing `text` there (keep one version, the
    /// other, or both combined). Every laptop that receives the write sees it settled.
    pub fn resolve_conflict(
        &mut self,
        circle_id: &str,
        entity: &str,
        entity_id: &str,
        field: &str,
        text: &str,
    ) -> Result<()> {
        let open = self.conflicts(circle_id)?.into_iter().any(|c| c.entity_id == entity_id && c.field == field);
        if !open || !is_prose(entity, field) {
            return Err(Error::invalid("Conflict", "it was already settled; reload the sync screen"));
        }
        let table = table_of(entity).expect("prose fields belong to known kinds");
        let text = crate::validate::prose("Text", text)?;
        let exists: bool =
            self.conn().query_row(&format!("SELECT count(*) FROM {table} WHERE id = ?1"), [entity_id], |r| r.get(0))?;
        if !exists {
            return Err(Error::invalid("Conflict", "the record was deleted; dismiss the conflict instead"));
        }
        self.write(|tx| {
            let mut fields = serde_json::Map::new();
            fields.insert(field.to_string(), text.into());
            tx.update(table, entity, circle_id, entity_id, fields)
        })
    }

    /// Dismisses the conflicts kept for a deleted record: logs the deletion again, listing
    /// the texts it has now seen, so every laptop stops showing them.
    pub fn dismiss_conflict(&mut self, circle_id: &str, entity: &str, entity_id: &str) -> Result<()> {
        let open = self.conflicts(circle_id)?.into_iter().any(|c| c.entity_id == entity_id && c.reason == "deleted");
        if !open || table_of(entity).is_none() {
            return Err(Error::invalid("Conflict", "it was already settled; reload the sync screen"));
        }
        self.write(|tx| tx.log_delete(circle_id, entity, entity_id))
    }
}
