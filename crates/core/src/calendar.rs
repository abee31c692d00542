//! Calendar files (RFC 5545 `.ics`) for a meeting or a circle's whole series, written with
//! the `icalendar` crate. A meeting's UID is derived from its id, so a calendar app that
//! imports a later export updates the event instead of adding a copy; SEQUENCE counts the
//! meeting's recorded changes, so a later export wins. Talking points that stay in the
//! circle show only as "(stays in the circle)"; no reflection is ever in a calendar file.

use crate::record::STAYS_IN_THE_CIRCLE;
use crate::validate;
use crate::{Meeting, Result, Store};
use chrono::Duration;
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

/// The UID of a meeting's event: stable across exports.
pub fn meeting_uid(meeting_id: &str) -> String {
    format!("{meeting_id}@kinship")
}

impl Store {
    /// One meeting as an `.ics` calendar.
    pub fn meeting_calendar(&self, meeting_id: &str) -> Result<String> {
        let meeting = self.meeting(&crate::ids::parse_id("Meeting", meeting_id)?)?;
        let circle = self.circle(&meeting.circle_id)?;
        let mut calendar = Calendar::new();
        calendar.name(&circle.name);
        calendar.push(self.meeting_event(&meeting, &circle.name)?);
        Ok(calendar.done().to_string())
    }

    /// Every meeting of a circle (cancelled ones marked so) as one `.ics` calendar.
    pub fn circle_calendar(&self, circle_id: &str) -> Result<String> {
        let circle = self.circle(&crate::ids::parse_id("Circle", circle_id)?)?;
        let mut calendar = Calendar::new();
        calendar.name(&circle.name);
        if !circle.purpose.trim().is_empty() {
            calendar.description(circle.purpose.trim());
        }
        for meeting in self.meetings(&circle.id)? {
            calendar.push(self.meeting_event(&meeting, &circle.name)?);
        }
        Ok(calendar.done().to_string())
    }

    fn meeting_event(&self, meeting: &Meeting, circle_name: &str) -> Result<Event> {
        let start = validate::timestamp("Start", &meeting.starts_at)?;
        let mut description = format!("{circle_name}\n");
        // Calendar apps differ in what they show: URL (Apple), the description (all), the
        // location (Google, Outlook, when there is no place). The link goes in all three.
        if let Some(link) = &meeting.link {
            description.push_str(&format!("Join: {link}\n"));
        }
        let agenda = self.agenda(&meeting.id)?;
        if !agenda.is_empty() {
            description.push_str("\nAgenda:\n");
            for item in &agenda {
                let title = if item.confidential { STAYS_IN_THE_CIRCLE } else { item.title.as_str() };
                description.push_str(&format!("- {title} ({} min)\n", item.minutes));
            }
        }
        // Each recorded change to the meeting (here or synced in) is a new revision.
        let changes: i64 = self.conn().query_row(
            "SELECT count(*) FROM change_log WHERE entity_id = ?1 AND entity = 'meeting'",
            [&meeting.id],
            |r| r.get(0),
        )?;
        let mut event = Event::new();
        event
            .uid(&meeting_uid(&meeting.id))
            .timestamp(self.now())
            .sequence(changes.saturating_sub(1).max(0) as u32)
            .summary(&meeting.title)
            .description(description.trim_end())
            .starts(start)
            .ends(start + Duration::minutes(meeting.minutes));
        if let Some(place) = meeting.place.as_deref().filter(|p| !p.trim().is_empty()).or(meeting.link.as_deref()) {
            event.location(place);
        }
        if let Some(link) = &meeting.link {
            event.url(link);
        }
        event.status(if meeting.status == "cancelled" { EventStatus::Cancelled } else { EventStatus::Confirmed });
        Ok(event.done())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::tests::{fixture, PRIVATE_WORDS};
    use icalendar::DatePerhapsTime;

    fn parse(ics: &str) -> Calendar {
        ics.parse().unwrap_or_else(|e| panic!("unparsable .ics: {e}\n{ics}"))
    }

    fn utc(d: Option<DatePerhapsTime>) -> String {
        match d {
            Some(DatePerhapsTime::DateTime(icalendar::CalendarDateTime::Utc(t))) => crate::clock::to_stored(t),
            other => panic!("not a UTC time: {other:?}"),
        }
    }

    #[test]
    fn a_meeting_exports_with_its_fields_and_parses_back() {
        let f = fixture();
        let ics = f.store.meeting_calendar(&f.meetings[0]).unwrap();
        assert!(ics.contains("\r\n"), "lines end in CRLF");
        let cal = parse(&ics);
        let events: Vec<_> = cal.events().collect();
        assert_eq!(events.len(), 1);
        let e = events[0];
        assert_eq!(e.get_uid(), Some(meeting_uid(&f.meetings[0]).as_str()));
        assert_eq!(e.get_summary(), Some("Early-career librarians meeting, 5 March 2026"));
        assert_eq!(e.get_location(), Some("Room 204, Main Library"));
        assert_eq!(utc(e.get_start()), "2026-03-05T18:00:00Z");
        assert_eq!(utc(e.get_end()), "2026-03-05T19:30:00Z");
        assert_eq!(e.get_timestamp(), Some(f.store.now()));
        assert_eq!(e.get_status(), Some(EventStatus::Confirmed));
        assert!(e.get_sequence().unwrap() > 0, "the meeting was edited (roles, start, end)");
        let description = e.get_description().unwrap();
        assert!(description.contains("- Job talk practice (20 min)"), "{description}");
        assert!(description.contains("- (stays in the circle) (15 min)"), "{description}");
        assert!(!ics.contains("supervisor"), "a confidential title never leaves the circle");
        assert!(!ics.contains("PRIVATE-WORDS") && !PRIVATE_WORDS.is_empty());
        assert!(!ics.contains("practice run"), "no reflection at all");
    }

    #[test]
    fn a_series_marks_cancelled_meetings_and_keeps_its_uids() {
        let f = fixture();
        let first = f.store.circle_calendar(&f.circle).unwrap();
        let cal = parse(&first);
        let events: Vec<_> = cal.events().collect();
        assert_eq!(events.len(), 4);
        assert_eq!(events[3].get_status(), Some(EventStatus::Cancelled));
        assert_eq!(cal.get_name(), Some("Early-career librarians"));
        let uids = |ics: &str| -> Vec<String> {
            parse(ics).events().map(|e| e.get_uid().unwrap().to_string()).collect::<Vec<_>>()
        };
        f.clock.set(f.store.now() + Duration::days(3));
        let second = f.store.circle_calendar(&f.circle).unwrap();
        assert_eq!(uids(&first), uids(&second), "UIDs are stable across exports");
        let expected: Vec<String> = f.meetings.iter().map(|m| meeting_uid(m)).collect();
        assert_eq!(uids(&first), expected);
    }

    #[test]
    fn a_meeting_link_is_the_events_url_and_in_its_description() {
        let mut f = fixture();
        let link = "https://meet.example.org/early-career?pwd=a,b;c";
        let scheduled = f
            .store
            .create_meeting(&crate::MeetingInput {
                circle_id: f.circle.clone(),
                starts_at: "2026-07-02T18:00:00Z".into(),
                place: Some("Room 204, Main Library".into()),
                link: Some(link.into()),
                ..Default::default()
            })
            .unwrap()
            .id;
        let ics = f.store.meeting_calendar(&scheduled).unwrap();
        assert!(ics.contains(&format!("\r\nURL:{link}\r\n")), "a URI is written as it is, unescaped: {ics}");
        let cal = parse(&ics);
        let e = cal.events().next().unwrap();
        assert_eq!(e.get_url(), Some(link));
        assert!(e.get_description().unwrap().contains(&format!("Join: {link}")));
        assert_eq!(e.get_location(), Some("Room 204, Main Library"), "a place stays the location");
        f.store
            .update_meeting(&scheduled, &crate::MeetingPatch { place: Some(String::new()), ..Default::default() })
            .unwrap();
        let cal = parse(&f.store.meeting_calendar(&scheduled).unwrap());
        assert_eq!(cal.events().next().unwrap().get_location(), Some(link), "without a place, the link is where it is");
    }

    #[test]
    fn an_unknown_meeting_says_so() {
        let f = fixture();
        assert_eq!(f.store.meeting_calendar(&crate::ids::new_id()).unwrap_err().code(), "not_found");
        assert_eq!(f.store.circle_calendar("nonsense").unwrap_err().field(), Some("Circle"));
    }
}
