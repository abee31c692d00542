//! "Share updates", offered right after a change others have not got: which members with a
//! laptop in the circle lack changes this laptop holds, from the sync status. Members who have
//! not joined yet are left out: until their laptop's key arrives, an invite carries the circle.

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
        let Some(changes) = lacking.iter().map(|m| m.missing).max() else {
            return Ok(None);
        };
        let members: Vec<String> = lacking.iter().map(|m| m.name.clone()).collect();
        let verb = if members.len() == 1 { "does" } else { "do" };
        let what = if changes == 1 { "the latest change".to_string() } else { format!("the {changes} latest changes") };
        let text = format!("{} {verb} not have {what} on this laptop.", name_list(&members));
        Ok(Some(ShareReminder { members, changes, text }))
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

        // Once Ben's laptop has them and says so, nothing is offered.
        deliver(&mut ana, &mut ben, &circle);
        deliver(&mut ben, &mut ana, &circle);
        assert_eq!(ana.share_reminder(&circle).unwrap(), None);
    }
}
