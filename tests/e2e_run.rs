//! Run mode through the real window: attendance, the countdown, notes, keyboard shortcuts,
//! decisions and action items, ending the meeting, then a private reflection in the journal.

use crate::e2e::{App, Display, ONE_AT_A_TIME};
use crate::util::DataDir;
use fantoccini::Locator;

const NOTE: &str = "Everyone is settling into new roles";
const DECISION: &str = "We present at the spring conference together";
const ACTION: &str = "Draft the proposal abstract";
const MINE: &str = "Book the room for January";
const REFLECTION: &str = "I learned that asking for feedback early saves weeks";

/// A circle with two members, the meeting to run (four items) and the one after it.
fn seed() -> (DataDir, String, String) {
    let d = DataDir::new();
    let c = d.with_circle();
    d.ok(&["member", "add", "--circle", &c, "--name", "Ben Okafor", "--email", "ben@college.edu"]);
    let m = d.ok(&["meeting", "create", "--circle", &c, "--starts-at", "2026-12-08T18:00:00Z"]);
    d.ok(&["meeting", "create", "--circle", &c, "--starts-at", "2027-01-12T18:00:00Z"]);
    for (title, minutes) in
        [("Opening round", "5"), ("Job talk practice", "20"), ("Conference planning", "15"), ("Closing round", "5")]
    {
        d.ok(&["agenda", "add", "--meeting", &m, "--title", title, "--minutes", minutes]);
    }
    (d, c, m)
}

/// A screenshot of the top of the page once the last change is painted.
async fn shoot(app: &App, name: &str) {
    app.client.execute("document.activeElement?.blur(); window.scrollTo(0, 0)", vec![]).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    app.screenshot(name).await;
}

async fn click(app: &App, css: &str) {
    app.wait_for(css).await.click().await.unwrap();
}

#[tokio::test]
async fn a_circle_runs_a_meeting_and_a_member_reflects_privately() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let display = Display::get();
    let (d, c, m) = seed();
    let app = App::launch(&display, d.path()).await;
    app.wait_for("#circle-list").await;
    app.go(&format!("#/run/{m}")).await;

    // Attendance: everyone is ticked to begin with. Beside it, the agenda as planned.
    app.wait_for_text("#attendance-form", "Ben Okafor").await;
    app.wait_for_text("#run-preview-total", "45 minutes in all.").await;
    app.wait_for_text("#run-preview", "Job talk practice · Topic · 20 min").await;
    let boxes = app.client.find_all(Locator::Css("#attendance-form input[type=checkbox]")).await.unwrap();
    assert_eq!(boxes.len(), 2);
    for b in &boxes {
        assert!(b.is_selected().await.unwrap(), "everyone is present by default");
    }
    click(&app, "#start-meeting").await;

    // The first item, its countdown (quiet for screen readers), and a note.
    app.wait_for_text("#run-item", "Opening round").await;
    let kind = app.wait_for("#run-item .run-kind").await.text().await.unwrap();
    assert_eq!(kind.to_lowercase(), "topic", "the kind as the core words it");
    let clock = app.wait_for_text("#run-clock .clock-digits", ":").await;
    assert!(clock == "5:00" || clock.starts_with("4:5"), "countdown starts at the timebox, not {clock:?}");
    let live = app.wait_for("#run-clock").await.attr("aria-live").await.unwrap();
    assert_eq!(live.as_deref(), Some("off"), "the clock is not announced every second");
    app.fill("#item-notes", NOTE).await;
    // Typing "n" in the notes is text, not the Next shortcut.
    app.wait_for_text("#run-item", "Opening round").await;

    // N outside a text field goes to the next item (and the note is saved first).
    app.wait_for("#main").await.send_keys("n").await.unwrap();
    app.wait_for_text("#run-item", "Job talk practice").await;
    // The polite live region (visually hidden, so read its textContent) names the new item.
    let live = app.wait_for("#run-live").await.prop("textContent").await.unwrap().unwrap_or_default();
    assert!(live.contains("Job talk practice"), "announced: {live:?}");
    app.wait_for("#run-agenda li.status-done:first-child").await;

    // A decision and an action item owned by someone present.
    app.fill("#decision-text", DECISION).await;
    click(&app, "#decision-form button[type=submit]").await;
    app.wait_for_text("#decision-list", DECISION).await;
    app.fill("#action-text", ACTION).await;
    app.wait_for("#action-owner").await.select_by_label("Ben Okafor").await.unwrap();
    app.client.execute("document.getElementById('action-due').value = '2026-12-22'", vec![]).await.unwrap();
    click(&app, "#action-form button[type=submit]").await;
    app.wait_for_text("#action-list", "Ben Okafor").await;
    app.wait_for_text("#action-list", ACTION).await;
    // And one of Ana's own, which she marks done from My actions after the meeting.
    app.fill("#action-text", MINE).await;
    app.wait_for("#action-owner").await.select_by_label("Ana Reyes").await.unwrap();
    click(&app, "#action-form button[type=submit]").await;
    app.wait_for_text("#action-list", MINE).await;
    shoot(&app, "run-mode.png").await;

    // Carry this one over; end during the third, so the fourth carries over too.
    click(&app, "#run-carry").await;
    app.wait_for_text("#run-item", "Conference planning").await;
    click(&app, "#end-meeting").await;
    app.fill("#end-summary", "Good energy; two topics for January.").await;
    click(&app, "#confirm-end").await;

    let end = app.wait_for_text("#end-screen", "people present").await;
    assert!(end.contains("2 people present"), "{end}");
    app.wait_for_text("#end-decision-list", DECISION).await;
    let actions = app.wait_for_text("#end-action-list", "Ben Okafor").await;
    assert!(actions.contains("22"), "the due day as entered: {actions}");
    let carried = app.wait_for_text("#end-carried-list", "Job talk practice").await;
    assert!(carried.contains("Closing round") && !carried.contains("Conference planning"), "{carried}");
    assert!(end.contains("2027"), "names the meeting they carry over to: {end}");
    shoot(&app, "end-screen.png").await;

    // The reflection: private unless the separate box is ticked.
    click(&app, "#write-reflection").await;
    app.wait_for_text("#privacy-state", "Private: stays on this laptop").await;
    assert!(!app.wait_for("#reflection-share").await.is_selected().await.unwrap(), "private by default");
    app.fill("#reflection-form textarea[name=text]", REFLECTION).await;
    shoot(&app, "reflection.png").await;
    click(&app, "#reflection-form button[type=submit]").await;

    app.wait_for_text("#journal-list", REFLECTION).await;
    let badge = app.wait_for("#journal-list li:first-child .badge").await.text().await.unwrap();
    assert_eq!(badge.to_lowercase(), "private");
    // Sharing asks first; cancelling leaves it private.
    click(&app, "#journal-list li:first-child .share-control button").await;
    app.wait_for_text("#journal-list li:first-child .confirm", "next sync").await;
    click(&app, "#journal-list li:first-child .confirm button:not(.primary)").await;
    app.wait_for_text("#journal-list li:first-child .share-control", "Share with the circle").await;
    shoot(&app, "journal.png").await;

    // My actions: Ana's own open action, by circle; Ben's is not hers.
    app.go("#/actions").await;
    let mine = app.wait_for_text("#my-actions", MINE).await;
    assert!(mine.contains("Early-career librarians") && !mine.contains(ACTION), "{mine}");
    let link = app.wait_for("#site-nav a[href='#/actions']").await.attr("aria-current").await.unwrap();
    assert_eq!(link.as_deref(), Some("page"));
    shoot(&app, "my-actions.png").await;
    click(&app, "#my-actions button").await;
    app.wait_for_text("#my-actions", "Nothing open").await;
    // The list redraws before the announcement is made (50 ms later, so it is heard): wait for it.
    crate::e2e_agenda::wait_for_announcement(&app, &format!("Done: {MINE}")).await;
    app.quit().await;

    // What the circle would get: the note, decision and action, never the private reflection.
    let dump = d.ok(&["dump", "--circle", &c]);
    assert!(dump.contains(NOTE), "the note was saved: {dump}");
    assert!(dump.contains(DECISION), "{dump}");
    assert!(dump.contains(ACTION), "{dump}");
    let actions: serde_json::Value = serde_json::from_str(&dump).unwrap();
    let done = actions["action_items"].as_array().unwrap().iter().find(|a| a["text"] == MINE).unwrap();
    assert_eq!(done["done"], true, "marked done in the circle's shared state: {done}");
    assert!(!dump.contains(REFLECTION), "a private reflection never leaves the laptop");
    assert!(d.ok(&["reflection", "list"]).contains(REFLECTION), "kept on this laptop");
}

/// A journal of years opens on its newest entries and draws older ones as the person scrolls
/// to them, or presses the button for them.
#[tokio::test]
async fn a_long_journal_shows_the_newest_entries_first_and_older_ones_on_scroll() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let display = Display::get();
    let d = DataDir::new();
    d.with_circle();
    let entries = 40;
    {
        let mut store = kinship_core::Store::open(d.path()).unwrap();
        for n in 1..=entries {
            let input = kinship_core::ReflectionInput { text: format!("Entry number {n}."), ..Default::default() };
            store.add_reflection(&input).unwrap();
        }
    }
    let app = App::launch(&display, d.path()).await;
    app.wait_for("#circle-list").await;
    app.go("#/journal").await;
    app.wait_for_text("#journal-count", &format!("{entries} entries.")).await;
    let drawn = |app: &App| {
        let client = app.client.clone();
        async move {
            let n =
                client.execute("return document.querySelectorAll('#journal-list > li').length", vec![]).await.unwrap();
            n.as_u64().unwrap()
        }
    };
    assert_eq!(drawn(&app).await, 15, "one page at first");

    // Scrolling to the end of the page draws the next one.
    app.client.execute("window.scrollTo(0, document.body.scrollHeight)", vec![]).await.unwrap();
    app.wait_for_text("#journal-more", "(10 more)").await;
    assert_eq!(drawn(&app).await, 30);
    // The button draws the rest, and goes once nothing is left.
    app.wait_for("#journal-more").await.click().await.unwrap();
    let started = std::time::Instant::now();
    while drawn(&app).await < entries as u64 {
        assert!(started.elapsed() < crate::e2e::WAIT, "the button drew the last {} entries", entries - 30);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(drawn(&app).await, entries as u64);
    let text = app.wait_for("#journal-list").await.text().await.unwrap();
    for n in 1..=entries {
        assert_eq!(text.matches(&format!("Entry number {n}.")).count(), 1, "entry {n} drawn once");
    }
    let gone = app.client.execute("return document.getElementById('journal-more').hidden", vec![]).await.unwrap();
    assert_eq!(gone, serde_json::json!(true));

    // A search looks through every entry, drawn or not.
    app.fill("#journal-search", "number 17.").await;
    app.wait_for_text("#journal-count", "1 of 40 entries match.").await;
    app.quit().await;
}
