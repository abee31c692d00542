//! The sync commands: invite, join, export, import, and a circle's sync state.

use crate::args::SyncCommand;
use crate::{output, plural, write_new_bytes, Output};
use kinship_core::mail::{Email, Handed};
use kinship_core::sync::invite::{day_of, open_invite, Invitee};
use kinship_core::sync::share::SyncStatus;
use kinship_core::sync::{armor, ImportReport};
use kinship_core::{Error, Result, Store};
use serde_json::json;
use std::path::Path;

/// The passphrase: `KINSHIP_PASSPHRASE` for scripts, else asked for without echo.
fn passphrase() -> Result<String> {
    if let Ok(p) = std::env::var("KINSHIP_PASSPHRASE") {
        return Ok(p);
    }
    rpassword::prompt_password("Passphrase: ").map_err(|source| Error::Io { path: "the terminal".into(), source })
}

/// Reads a bundle or invite file, refusing anything but a regular file of a size Kinship makes.
fn read(file: &Path) -> Result<Vec<u8>> {
    kinship_core::files::read_received_file(file, kinship_core::files::MAX_RECEIVED_FILE)
}

/// Writes an invite for `invitee` (another laptop of mine too) to `out`, lasting `days`.
pub fn invite(store: &mut Store, circle: &str, invitee: &Invitee, out: &Path, days: i64) -> Result<Output> {
    let made = store.invite(circle, invitee, &passphrase()?, Some(days))?;
    write_new_bytes(out, &made.sealed)?;
    let expires = format!("It works once and expires on {}.", day_of(&made.expires_at));
    let text = if *invitee == Invitee::MyOtherLaptop {
        format!(
            "Invite for another laptop of yours saved to {}. On that laptop, run `kinship join FILE` (or open it in \
             Kinship's window) with the passphrase you chose. {expires}",
            out.display()
        )
    } else {
        format!(
            "Invite for {} saved to {}. Send them the file, and tell them the passphrase by phone or in person \
             (never in the same email). {expires}",
            made.member.name,
            out.display()
        )
    };
    Ok(output(json!({ "path": out, "member_id": made.member.id, "expires_at": made.expires_at }), text))
}

/// Revokes a lost laptop and names it as `sync status` does: "Laptop 2 of Ben Okafor".
pub fn revoke_laptop(store: &mut Store, circle: &str, key_id: &str) -> Result<Output> {
    let revoked = store.revoke_laptop(circle, key_id)?;
    let status = store.sync_status(circle)?;
    let named = status.members.iter().find_map(|m| {
        let laptop = m.laptops.iter().find(|l| l.key_id == revoked.id)?;
        Some(format!("{} of {}", laptop.name, m.name))
    });
    let named = named.unwrap_or_else(|| format!("laptop {key_id}"));
    Ok(output(&revoked, format!("Revoked {named}. Share updates so the others learn of it.")))
}

pub fn join(store: &mut Store, file: &Path) -> Result<Output> {
    let invite = open_invite(&read(file)?, &passphrase()?)?;
    let joined = store.join(&invite, None)?;
    let done = if invite.adds_a_laptop() {
        format!("This laptop is now one of yours in {}.", joined.circle_name)
    } else {
        format!("You joined {} (invited by {}).", joined.circle_name, invite.header.inviter_name)
    };
    // Joining ends with one action: the first bundle brings the others this laptop's key.
    let text = format!(
        "{done}\nYou can already import the updates the circle sends you. Now send hello to the circle, so that \
         they can keep writing to this laptop:\n  kinship export --circle {} --out hello.kinship\n\
         and email hello.kinship to the members it names.",
        joined.circle_id
    );
    Ok(output(&joined, text))
}

pub fn export(store: &mut Store, circle: &str, out: &Path, full: bool, as_text: bool, email: bool) -> Result<Output> {
    let shared = store.share_bundle(circle, full)?;
    let bytes = if as_text { armor::armor(&shared.bytes).into_bytes() } else { shared.bytes.clone() };
    write_new_bytes(out, &bytes)?;
    store.note_shared(circle)?;
    let saved =
        format!("Saved {} ({} bytes) to {}.", plural(shared.changes as i64, "change"), bytes.len(), out.display());
    let to = shared.to.join(", ");
    // The file is saved whatever the email app does: say what is left to do.
    let (emailed, next) = if email {
        let handed = Email::new(shared.to.clone(), shared.subject, shared.body, out).map(|m| m.hand_to_mail_app());
        let (handed, next) = match handed {
            Ok(Handed::Opened) => {
                (Handed::Opened, "Your email app has a new message with it attached: check it, then send it.".into())
            }
            Ok(Handed::NoMailApp) => {
                (Handed::NoMailApp, format!("No email app took the file: attach it to an email to {to} yourself."))
            }
            Err(why) => (Handed::NoMailApp, format!("Kinship could not write the email: {why}")),
        };
        (Some(handed), next)
    } else {
        (None, format!("Send it to {to}."))
    };
    Ok(output(
        json!({ "path": out, "bytes": bytes.len(), "changes": shared.changes, "to": shared.to, "email": emailed }),
        format!("{saved} {next}"),
    ))
}

fn kinds(counts: &std::collections::BTreeMap<String, usize>) -> String {
    counts.iter().map(|(kind, n)| format!("{n} {}", kind.replace('_', " "))).collect::<Vec<_>>().join(", ")
}

fn report_text(sender: &str, report: &ImportReport, dry_run: bool) -> String {
    let mut lines = vec![format!(
        "From {sender}: {} ({} already here){}",
        plural(report.new_changes as i64, "new change"),
        report.already_had,
        if dry_run { " (dry run: nothing was written)" } else { "" }
    )];
    for (label, counts) in [("adds", &report.added), ("changes", &report.changed), ("removes", &report.removed)] {
        if !counts.is_empty() {
            lines.push(format!("{label}: {}", kinds(counts)));
        }
    }
    for c in &report.conflicts {
        lines.push(format!("conflict: two versions of {} {} {} ({})", c.entity, c.entity_id, c.field, c.reason));
    }
    for g in &report.gaps {
        lines.push(format!(
            "missing changes {}–{} of device {}: ask its owner for a full bundle",
            g.from_seq, g.to_seq, g.device
        ));
    }
    lines.join("\n")
}

pub fn import(store: &mut Store, file: &Path, dry_run: bool) -> Result<Output> {
    let bytes = if file.as_os_str() == "-" {
        let cap = kinship_core::files::MAX_RECEIVED_FILE;
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(std::io::stdin(), cap + 1), &mut buf)
            .map_err(|source| Error::Io { path: "standard input".into(), source })?;
        if buf.len() as u64 > cap {
            return Err(Error::Invalid {
                field: "File",
                reason: "standard input holds more than any Kinship file (64 MB); pass the file itself".into(),
            });
        }
        buf
    } else {
        read(file)?
    };
    let incoming = store.open_bundle(&bytes)?;
    let applied = store.apply_bundle(&incoming, dry_run)?;
    let text = report_text(&incoming.sender_name, &applied.report, dry_run);
    Ok(output(
        json!({ "sender": incoming.sender_name, "circle_id": incoming.bundle.circle_id, "applied": applied }),
        text,
    ))
}

fn status_text(s: &SyncStatus) -> String {
    let mut lines = vec![format!("{}: {} not yet sent to everyone", s.circle_name, plural(s.unsent as i64, "change"))];
    for m in &s.members {
        let state = match (m.left, m.joined, &m.heard_at) {
            (true, _, _) => "left".to_string(),
            (_, false, _) => "invited, not joined".to_string(),
            (_, true, Some(at)) => format!("last heard from {at}"),
            (_, true, None) => "never heard from directly".to_string(),
        };
        lines.push(format!("  {} <{}>: {state}; missing {}", m.name, m.email, m.missing));
        for l in &m.laptops {
            let this = if l.this_laptop { "this laptop, " } else { "" };
            let revoked = l.revoked_at.as_deref().map(|at| format!(", revoked on {}", day_of(at))).unwrap_or_default();
            lines.push(format!(
                "    {} ({this}since {}{revoked}; id {}): {}",
                l.name,
                day_of(&l.added_at),
                l.key_id,
                l.added_by
            ));
        }
    }
    for c in &s.conflicts {
        lines.push(format!(
            "conflict on {} ({} {} {}): {:?} vs {}'s {:?}",
            c.record_label, c.entity, c.entity_id, c.field, c.current, c.other_author, c.other
        ));
    }
    for g in &s.gaps {
        let who = g.member_name.clone().unwrap_or_else(|| g.device.clone());
        lines.push(format!("missing {who}'s changes {}–{}: ask {who} to send a full bundle", g.from_seq, g.to_seq));
    }
    lines.join("\n")
}

pub fn sync_command(store: &mut Store, command: SyncCommand) -> Result<Output> {
    Ok(match command {
        SyncCommand::Status { circle } => {
            let s = store.sync_status(&circle)?;
            let mut text = status_text(&s);
            let ahead = store.clock_set_ahead()?;
            if let Some(day) = &ahead {
                text.push_str(&format!(
                    "\nwarning: this laptop's clock was set ahead to {day}; the changes made here since carry that \
                     date, and other laptops refuse bundles holding them"
                ));
            }
            let mut json = serde_json::to_value(&s).expect("a sync status serialises");
            json["clock_set_ahead"] = json!(ahead);
            output(json, text)
        }
        SyncCommand::Undo { circle } => {
            let u = store.undo_last_import(&circle)?;
            let text = format!(
                "Undid the import from {}: {} removed.",
                u.sender_name,
                plural(u.removed_changes as i64, "change")
            );
            output(&u, text)
        }
        SyncCommand::Resolve { circle, entity, id, field, text } => {
            store.resolve_conflict(&circle, &entity, &id, &field, &text)?;
            output(json!({ "resolved": true }), "Conflict settled.")
        }
    })
}
