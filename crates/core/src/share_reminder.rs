//! "Share updates", offered right after a change others have not got: which members with a
//! laptop in the circle lack changes this laptop holds (from the sync status), offered only
//! for changes that came after this laptop last saved a bundle (`shared_marks`, schema 12,
//! device state), so a bundle already sent is not asked for again while its reply is on its
//! way. Members who have not joined yet are left out: until their laptop's key arrives, an
//! invite carries the circle.

use crate::home::name_list;
use crate::{Result, Store};
use serde::Serialize;

/// Members with a laptop who lack changes this laptop has, and the line that says so.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShareReminder {
    /// Their names, by name.
    pub members: Vec<String>,
    /// The most changes any of them lacks.
    pub changes: usize,
    /// "Ben Okafor and Cam Lee do not have the 3 latest changes on this laptop."
    pub text: String,
}

impl Store {
    /// What to offer to share now in `circle_id`; `None` when every member with a laptop
    /// has everything this laptop has, as far as it knows.
    pub fn share_reminder(&self, circle_id: &str) -> Result<Option<ShareReminder>> {
        let circle = self.circle(&crate::ids::parse_id("Circle", circle_id)?)?;
        let status = self.sync_status(&circle.id)?;
        let lacking: Vec<_> = status
            .members
            .iter()
            .filter(|m| m.member_id != status.my_member_id && !m.left && m.joined && m.missing > 0)
            .collect();
        let Some(missing) = lacking.iter().map(|m| m.missing).max() else {
            return Ok(None);
        };
        let unshared: i64 = self.conn().query_row(
            "SELECT count(*) FROM change_log c
             LEFT JOIN shared_marks s ON s.circle_id = c.circle_id AND s.author_device = c.author_device
             WHERE c.circle_id = ?1 AND c.seq > coalesce(s.seq, 0)",
            [&circle.id],
            |r| r.get(0),
        )?;
        let changes = missing.min(unshared as usize);
        if changes == 0 {
            return Ok(None);
        }
        let members: Vec<String> = lacking.iter().map(|m| m.name.clone()).collect();
        let verb = if members.len() == 1 { "does" } else { "do" };
        let what = if changes == 1 { "the latest change".to_string() } else { format!("the {changes} latest changes") };
        let text = format!("{} {verb} not have {what} on this laptop.", name_list(&members));
        Ok(Some(ShareReminder { members, changes, text }))
    }

    /// Notes that a bundle of `circle_id` was just saved: what this laptop holds now counts
    /// as shared. Both shells call it after saving one.
    pub fn note_shared(&mut self, circle_id: &str) -> Result<()> {
        self.conn().execute(
            "INSERT INTO shared_marks (circle_id, author_device, seq)
             SELECT circle_id, author_device, highest_seq FROM log_extent WHERE circle_id = ?1
             ON CONFLICT (circle_id, author_device) DO UPDATE SET seq = max(seq, excluded.seq)",
            [circle_id],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::{ana_and_ben, t};
    use crate::{FixedClock, MeetingInput, MemberInput, Store};
    use std::sync::Arc;

    /// Shares what `to` may lack and applies it there, the way a person does.
    fn deliver(from: &mut Store, to: &mut Store, circle: &str) {
        let shared = from.share_bundle(circle, false).unwrap();
        from.note_shared(circle).unwrap();
        to.apply_bundle(&to.open_bundle(&shared.bytes).unwrap(), false).unwrap();
    }

    #[test]
    fn a_reminder_names_members_with_a_laptop_who_lack_changes_until_they_have_them() {
        let clock = || Arc::new(FixedClock::new(t("2026-03-04T12:00:00Z")));
        let (mut ana, mut ben, circle, _) = ana_and_ben(clock(), clock());
        deliver(&mut ana, &mut ben, &circle);
        deliver(&mut ben, &mut ana, &circle);
        assert_eq!(ana.share_reminder(&circle).unwrap(), None, "Ben has all Ana has");

        // Cam has no laptop in the circle yet: no reminder for him.
        let cam = MemberInput {
            circle_id: circle.clone(),
            name: "Cam Lee".into(),
            email: "cam@x.org".into(),
            ..Default::default()
        };
        ana.add_member(&cam).unwrap();
        let reminder = ana.share_reminder(&circle).unwrap().unwrap();
        assert_eq!(reminder.members, ["Ben Okafor"]);
        assert_eq!(reminder.text, "Ben Okafor does not have the latest change on this laptop.");

        let meeting =
            MeetingInput { circle_id: circle.clone(), starts_at: "2027-03-09T18:00:00Z".into(), ..Default::default() };
        ana.create_meeting(&meeting).unwrap();
        let reminder = ana.share_reminder(&circle).unwrap().unwrap();
        assert_eq!(
            (reminder.changes, reminder.text.as_str()),
            (2, "Ben Okafor does not have the 2 latest changes on this laptop.")
        );

        // Once shared, it is not offered again while the bundle is on its way.
        ana.share_bundle(&circle, false).unwrap();
        assert!(ana.share_reminder(&circle).unwrap().is_some(), "saving a bundle is not yet sharing it");
        ana.note_shared(&circle).unwrap();
        assert_eq!(ana.share_reminder(&circle).unwrap(), None, "sent, and nothing new since");
        ana.create_meeting(&MeetingInput { starts_at: "2027-04-13T18:00:00Z".into(), ..meeting.clone() }).unwrap();
        let reminder = ana.share_reminder(&circle).unwrap().unwrap();
        assert_eq!(reminder.changes, 1, "only what came after the last share");

        // Once Ben's laptop has them and says so, nothing is offered.
        deliver(&mut ana, &mut ben, &circle);
        deliver(&mut ben, &mut ana, &circle);
        assert_eq!(ana.share_reminder(&circle).unwrap(), None);
    }
}
