//! Kinship's core: everything that touches disk lives here, behind [`Store`].
//!
//! The core never depends on a GUI toolkit; the desktop shell and the `kinship`
//! CLI are thin layers that translate their input into calls on [`Store`].

pub mod backup;
pub mod calendar;
pub mod clock;
pub mod document;
pub mod dump;
pub mod error;
pub mod export;
pub mod files;
pub mod ids;
pub mod mail;
pub mod model;
pub mod paths;
pub mod record;
pub mod store;
pub mod sync;
pub mod validate;

mod actions;
mod agenda;
mod changelog;
mod circles;
mod device;
mod goals;
pub mod home;
mod identity;
mod meetings;
mod member_invites;
mod members;
pub mod minutes;
mod my_actions;
mod reflections;
mod resources;
mod rows;
pub mod runner;
pub mod search;
pub mod share_reminder;
pub mod since_last_looked;
mod sql;
pub mod templates;

pub use changelog::Change;
pub use clock::{Clock, FixedClock, Hlc, SystemClock};
pub use error::{Error, Result};
pub use home::{CircleHome, OpenAction, OwnerActions};
pub use meetings::{Roles, ScheduleDefaults};
pub use member_invites::MemberInvite;
pub use members::CirclePeople;
pub use minutes::Minutes;
pub use model::*;
pub use my_actions::CircleActions;
pub use runner::{EndSummary, RunView, Timer};
pub use search::SearchHit;
pub use share_reminder::ShareReminder;
pub use since_last_looked::SinceLastLooked;
pub use store::Store;

#[cfg(test)]
pub(crate) mod test_support {
    //! Stores set up for tests, on an in-memory database.
    use crate::{CircleInput, IdentityInput, MeetingInput, Store};

    pub fn store_with_identity() -> Store {
        as_ana(Store::open_in_memory().unwrap())
    }

    /// `store` with Ana Reyes set up as this laptop's person.
    fn as_ana(mut store: Store) -> Store {
        store
            .create_identity(&IdentityInput {
                name: "Ana Reyes".into(),
                email: "ana@uni.edu".into(),
                ..Default::default()
            })
            .unwrap();
        store
    }

    /// A store with a circle; returns the circle id.
    pub fn store_with_circle() -> (Store, String) {
        let mut store = store_with_identity();
        let circle =
            store.create_circle(&CircleInput { name: "Early-career librarians".into(), ..Default::default() }).unwrap();
        (store, circle.id)
    }

    /// A time from RFC 3339.
    pub fn t(s: &str) -> chrono::DateTime<chrono::Utc> {
        crate::validate::timestamp("t", s).unwrap()
    }

    /// Like [`store_with_meeting`], with a clock the test moves (set to the day before).
    pub fn store_with_meeting_and_clock() -> (Store, std::sync::Arc<crate::FixedClock>, String) {
        let clock = std::sync::Arc::new(crate::FixedClock::new(t("2026-03-04T12:00:00Z")));
        let mut store = as_ana(Store::open_in_memory_with_clock(clock.clone()).unwrap());
        let circle = store.create_circle(&CircleInput { name: "Circle".into(), ..Default::default() }).unwrap();
        let meeting = store
            .create_meeting(&MeetingInput {
                circle_id: circle.id,
                starts_at: "2026-03-05T18:00:00Z".into(),
                ..Default::default()
            })
            .unwrap();
        (store, clock, meeting.id)
    }

    /// Ana's laptop and Ben's, each on its own clock: Ana's circle with Ben as a member who
    /// joined it from his laptop, and Ana's laptop holding his key.
    /// Returns (ana, ben, circle id, Ben's member id).
    pub fn ana_and_ben(
        ana_clock: std::sync::Arc<crate::FixedClock>,
        ben_clock: std::sync::Arc<crate::FixedClock>,
    ) -> (Store, Store, String, String) {
        ana_and_ben_after(ana_clock, ben_clock, |_, _| {})
    }

    /// Like [`ana_and_ben`], with `before` run on Ana's laptop and circle before Ben is invited.
    pub fn ana_and_ben_after(
        ana_clock: std::sync::Arc<crate::FixedClock>,
        ben_clock: std::sync::Arc<crate::FixedClock>,
        before: impl FnOnce(&mut Store, &str),
    ) -> (Store, Store, String, String) {
        let mut ana = as_ana(Store::open_in_memory_with_clock(ana_clock).unwrap());
        let circle = ana
            .create_circle(&CircleInput { name: "Early-career librarians".into(), ..Default::default() })
            .unwrap()
            .id;
        before(&mut ana, &circle);
        let input = crate::MemberInput {
            circle_id: circle.clone(),
            name: "Ben Okafor".into(),
            email: "ben@college.edu".into(),
            ..Default::default()
        };
        let ben_member = ana.add_member(&input).unwrap().id;
        let mut ben = Store::open_in_memory_with_clock(ben_clock).unwrap();
        let who = IdentityInput { name: "Ben Okafor".into(), email: "ben@college.edu".into(), ..Default::default() };
        ben.create_identity(&who).unwrap();
        // Joined with an invite (not locked with a passphrase: that only costs time here), so
        // the circle holds a key for Ben's laptop and takes what it signs.
        let (invite, _, _) = ana.prepare_invite(&circle, &ben_member, None).unwrap();
        ben.join(&invite, None).unwrap();
        deliver(&ben, &mut ana, &circle);
        (ana, ben, circle, ben_member)
    }

    /// Every table's row count: with the dump, proof that a refused import wrote nothing.
    pub fn row_counts(store: &Store) -> Vec<(String, i64)> {
        let conn = store.conn();
        let tables: Vec<String> = conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'search_index%' ORDER BY name",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        tables
            .into_iter()
            .map(|t| {
                let n = conn.query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0)).unwrap();
                (t, n)
            })
            .collect()
    }

    /// Gives `to` what `from` has of a circle that `to` lacks, as a bundle does.
    pub fn deliver(from: &Store, to: &mut Store, circle: &str) {
        let bundle = from.export_bundle(circle, Some(&to.version_vector(circle).unwrap())).unwrap();
        to.import_bundle(&bundle, false).unwrap();
    }

    /// A store with a circle and a meeting on 5 March 2026; returns the meeting id.
    pub fn store_with_meeting() -> (Store, String) {
        let (mut store, circle_id) = store_with_circle();
        let meeting = store
            .create_meeting(&MeetingInput { circle_id, starts_at: "2026-03-05T18:00:00Z".into(), ..Default::default() })
            .unwrap();
        (store, meeting.id)
    }
}
