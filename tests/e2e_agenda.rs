//! The circle home and a meeting's agenda, in the real window: a person opens their circle,
//! schedules a meeting, builds its agenda from a template, adds and reorders talking points
//! with the keyboard, and sees the timebox total.

use crate::e2e::{App, Display, ONE_AT_A_TIME, WAIT};
use crate::util::DataDir;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::Locator;
use std::time::{Duration, Instant};

/// A circle with a second member, an ended meeting whose talking point was carried over and
/// whose action item is still open, and a resource with an upcoming deadline.
fn seeded() -> (DataDir, String) {
    let d = DataDir::new();
    let c = d.with_circle();
    d.ok(&[
        "circle",
        "edit",
        "--circle",
        &c,
        "--purpose",
        "Monthly support for our first years in academic libraries.",
    ]);
    let ben = d.ok(&[
        "member",
        "add",
        "--circle",
        &c,
        "--name",
        "Ben Okafor",
        "--email",
        "ben@college.edu",
        "--pronouns",
        "he/him",
        "--institution",
        "Lakeside College",
    ]);
    let left = d.ok(&["member", "add", "--circle", &c, "--name", "Chioma Eze", "--email", "chioma@uni.edu"]);
    d.ok(&["member", "remove", "--circle", &c, "--member", &left]);
    let past = d.ok(&["meeting", "create", "--circle", &c, "--starts-at", "2026-01-13T18:00:00Z"]);
    d.ok(&["agenda", "add", "--meeting", &past, "--title", "Conference proposal feedback", "--minutes", "15"]);
    d.ok(&[
        "action",
        "add",
        "--meeting",
        &past,
        "--text",
        "Share job-talk slides",
        "--owner",
        &ben,
        "--due",
        "2026-12-01",
    ]);
    d.ok(&["meeting", "start", "--meeting", &past]);
    d.ok(&["meeting", "carry", "--meeting", &past]);
    d.ok(&["meeting", "end", "--meeting", &past]);
    d.ok(&[
        "resource",
        "add",
        "--circle",
        &c,
        "--title",
        "ACRL 2027 call for proposals",
        "--url",
        "https://acrl.example.org/cfp",
        "--kind",
        "conference",
        "--deadline",
        "2027-03-01",
    ]);
    (d, c)
}

/// The agenda's titles, in the order shown (read in one script, so a re-render between
/// finding and reading an element cannot make it stale).
async fn agenda_titles(app: &App) -> Vec<String> {
    let script = "return [...document.querySelectorAll('#agenda-list .agenda-item .item-title')].map((e) => e.innerText.trim());";
    let titles = app.client.execute(script, vec![]).await.unwrap();
    titles.as_array().unwrap().iter().map(|t| t.as_str().unwrap_or_default().to_string()).collect()
}

/// Waits until the agenda shows `expected`, in order.
async fn wait_for_order(app: &App, expected: &[&str]) {
    let started = Instant::now();
    loop {
        let titles = agenda_titles(app).await;
        if titles == expected {
            return;
        }
        assert!(started.elapsed() < WAIT, "the agenda reads {titles:?}, never {expected:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the polite live region says `expected` (it is visually hidden, so read its textContent).
pub(crate) async fn wait_for_announcement(app: &App, expected: &str) {
    let started = Instant::now();
    loop {
        let said = app
            .client
            .execute("return document.getElementById('live-status')?.textContent ?? ''", vec![])
            .await
            .unwrap();
        if said.as_str().unwrap_or_default().contains(expected) {
            return;
        }
        assert!(started.elapsed() < WAIT, "the live region says {said}, never {expected:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn click(app: &App, css: &str) {
    app.wait_for(css).await.click().await.unwrap_or_else(|e| panic!("could not click {css}: {e}"));
}

/// The agenda item that has the keyboard focus (the item itself or a button in it).
async fn focused_item_title(app: &App) -> String {
    let script =
        "return document.activeElement.closest('.agenda-item')?.querySelector('.item-title')?.textContent ?? ''";
    app.client.execute(script, vec![]).await.unwrap().as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn a_person_schedules_a_meeting_and_builds_its_agenda_from_the_keyboard() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let display = Display::get();
    let (d, circle) = seeded();
    let app = App::launch(&display, d.path()).await;

    // The circle list links to the circle home.
    app.wait_for_text("#circle-list", "Early-career librarians").await;
    app.client.find(Locator::LinkText("Early-career librarians")).await.unwrap().click().await.unwrap();
    app.wait_for_text("#circle-title", "Early-career librarians").await;
    let members = app.wait_for_text("#member-list", "Ben Okafor").await;
    assert!(members.contains("Ana Reyes") && members.contains("Lakeside College"), "{members}");
    app.wait_for_text("#member-list .member.left", "Chioma Eze").await;
    app.wait_for_text("#member-list .member.left", "Left on").await;
    app.wait_for_text("#agreement", "What is said in the circle stays in the circle.").await;
    let actions = app.wait_for_text("#open-actions", "Share job-talk slides").await;
    assert!(actions.starts_with("Ben Okafor"), "open actions are listed under their owner: {actions}");

    // Adding people sits beside the member list: the new member shows, marked, and is announced;
    // the invite for them is offered in the same place.
    app.fill("#people-form .person-row:nth-child(1) input[name=name]", "Dana Whitfield").await;
    app.fill("#people-form .person-row:nth-child(1) input[name=email]", "dana@uni.edu").await;
    click(&app, "#add-people").await;
    let added = app.wait_for_text("#member-list .member.just-added", "Dana Whitfield").await;
    assert!(added.contains("just added"), "{added}");
    wait_for_announcement(&app, "Added to the circle: Dana Whitfield.").await;
    app.wait_for_text("#invite-batch-who", "For Dana Whitfield.").await;
    let order = "const f = document.getElementById('people-card'); \
                 return !!(document.getElementById('member-list').compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING) \
                   && !!(f.compareDocumentPosition(document.getElementById('schedule-form')) & Node.DOCUMENT_POSITION_FOLLOWING);";
    assert_eq!(app.client.execute(order, vec![]).await.unwrap(), true, "list, then adding, then scheduling");
    app.client.execute("document.activeElement.blur()", vec![]).await.unwrap();
    app.screenshot("member-added.png").await;

    // Schedule a meeting: the start comes filled in, on the circle's rhythm (second Tuesdays,
    // at the hour of the latest meeting) and still ahead; cleared, the error says what to fix.
    let start = app.wait_for("#schedule-form input[name=starts_at]").await.prop("value").await.unwrap().unwrap();
    let offered = chrono::NaiveDateTime::parse_from_str(&start, "%Y-%m-%dT%H:%M").unwrap();
    let latest = chrono::DateTime::parse_from_rfc3339("2026-01-13T18:00:00Z").unwrap().with_timezone(&chrono::Local);
    use chrono::Datelike;
    assert_eq!(offered.weekday(), latest.weekday(), "the latest meeting's weekday: {start}");
    assert_eq!(offered.time(), latest.time(), "the latest meeting's hour: {start}");
    assert!(offered > chrono::Local::now().naive_local(), "a start still ahead: {start}");
    app.client
        .execute("document.getElementById('schedule-form').scrollIntoView({ block: 'center' })", vec![])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.screenshot("schedule-suggested.png").await;
    app.set_value("#schedule-form input[name=starts_at]", "").await;
    click(&app, "#schedule-form button[type=submit]").await;
    app.wait_for_text("#schedule-form .error-summary", "Start cannot be empty").await;
    // WebKitGTK shows datetime-local as month/day/year, hour:minute fields (C locale).
    app.wait_for("#schedule-form input[name=starts_at]").await.send_keys("12/08/2026, 13:00").await.unwrap();
    let typed = app.wait_for("#schedule-form input[name=starts_at]").await.prop("value").await.unwrap();
    assert_eq!(typed.as_deref(), Some("2026-12-08T13:00"), "the start field takes a typed date and time");
    app.fill("#schedule-form input[name=minutes]", "90").await;
    app.fill("#schedule-form input[name=place]", "Library room 204").await;
    app.fill("#schedule-form input[name=title]", "December check-in").await;
    let template = app.wait_for("#schedule-form select[name=template]").await.prop("value").await.unwrap();
    assert_eq!(template.as_deref(), Some(""), "not the circle's first meeting: an empty agenda unless chosen");
    click(&app, "#schedule-form button[type=submit]").await;
    // One meeting scheduled: its agenda opens, ready for a talking point.
    app.wait_for_text("#meeting-title", "December check-in").await;
    let started = Instant::now();
    while app.focused_id().await
        != app.wait_for("#add-item-form input[name=title]").await.attr("id").await.unwrap().unwrap()
    {
        assert!(started.elapsed() < WAIT, "the cursor never went to Add a talking point");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.go(&format!("#/circle/{circle}")).await;
    app.wait_for_text("#upcoming-meetings", "December check-in").await;
    app.wait_for_text(".next-meeting", "December check-in").await;
    app.wait_for_text(".next-meeting", "Library room 204").await;
    // A meeting that ended earlier today (never run in Kinship) is past, not the next one.
    let three_hours_ago =
        (chrono::Utc::now() - chrono::Duration::hours(3)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let title = "Lunch check-in";
    d.ok(&["meeting", "create", "--circle", &circle, "--starts-at", &three_hours_ago, "--title", title]);
    app.go("#/").await;
    app.wait_for_text("#circle-list", "Early-career librarians").await;
    app.go(&format!("#/circle/{circle}")).await;
    app.wait_for_text("#past-meetings", title).await;
    let next = app.wait_for_text(".next-meeting", "December check-in").await;
    let upcoming = app.wait_for_text("#upcoming-meetings", "December check-in").await;
    assert!(!next.contains(title) && !upcoming.contains(title), "{next}\n{upcoming}");
    app.client.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
    app.screenshot("circle-home.png").await;

    // Its agenda: the point carried over from last time is already on it.
    app.client.find(Locator::LinkText("December check-in")).await.unwrap().click().await.unwrap();
    app.wait_for_text("#meeting-title", "December check-in").await;
    app.wait_for_text("#agenda-list", "Carried over").await;
    app.wait_for_text("#agenda-total", "Timeboxes: 15 of 90 minutes").await;
    app.wait_for_text("#action-review", "Share job-talk slides").await;

    // Apply the "Check-in circle" template: its 60 minutes stretch to the 75 the meeting has left.
    click(&app, "#template-form input[value='builtin:check-in']").await;
    click(&app, "#template-form button[type=submit]").await;
    wait_for_order(
        &app,
        &[
            "Conference proposal feedback",
            "Opening round",
            "First topic",
            "Second topic",
            "Action review",
            "Closing round",
        ],
    )
    .await;
    app.wait_for_text("#agenda-total", "Timeboxes: 90 of 90 minutes").await;
    let first_topic = app.wait_for_text("#agenda-list .agenda-item:nth-child(3) .item-meta", "min").await;
    assert!(first_topic.contains("25 min"), "20 minutes scaled by 75/60: {first_topic}");
    // Kinds read as the core words them, in the list and in the kind choice.
    let second = app.wait_for_text("#agenda-list .agenda-item:nth-child(2) .item-meta", "min").await;
    assert!(second.starts_with("Opening round · "), "{second}");
    let kinds = app.client.execute(
        "return [...document.querySelectorAll('#add-item-form select[name=kind] option')].map((o) => `${o.value}=${o.textContent}`);",
        vec![],
    );
    let kinds = kinds.await.unwrap();
    assert!(kinds.as_array().unwrap().iter().any(|k| k == "win=Win"), "{kinds}");
    assert_eq!(kinds.as_array().unwrap().len(), 8, "{kinds}");

    // A talking point with no title: the error says what to fix, beside the field.
    click(&app, "#add-item-form button[type=submit]").await;
    app.wait_for_text("#add-item-form .error-summary", "Title cannot be empty").await;
    let invalid = app.wait_for("#add-item-form input[name=title]").await.attr("aria-invalid").await.unwrap();
    assert_eq!(invalid.as_deref(), Some("true"));

    // A member turn for Ben, 20 minutes: now the agenda runs 20 minutes over. It goes before the closing round.
    app.fill("#add-item-form input[name=title]", "Job talk practice").await;
    app.fill("#add-item-form textarea[name=details]", "Ten minutes of my talk, then questions.").await;
    app.wait_for("#add-item-form select[name=kind]").await.select_by_value("member_turn").await.unwrap();
    app.wait_for("#add-item-form select[name=member_id]").await.select_by_label("Ben Okafor").await.unwrap();
    app.wait_for("#add-item-form select[name=help_wanted]").await.select_by_value("feedback").await.unwrap();
    app.fill("#add-item-form input[name=minutes]", "20").await;
    click(&app, "#add-item-form input[name=confidential]").await;
    click(&app, "#add-item-form button[type=submit]").await;
    app.wait_for_text("#agenda-list", "Job talk practice").await;
    let total = app.wait_for_text("#agenda-total", "Timeboxes: 110 of 90 minutes").await;
    assert!(
        total.contains("20 minutes over. Shorten or remove a talking point."),
        "the total warns when over: {total}"
    );
    app.wait_for_text("#agenda-list .agenda-item:last-child", "Closing round").await;
    let added = app.wait_for_text("#agenda-list .agenda-item:nth-last-child(2)", "Job talk practice").await;
    assert!(added.contains("Ben Okafor’s turn") && added.contains("Stays in the circle"), "{added}");
    assert!(added.contains("wants feedback"), "the help wanted in the core's words: {added}");

    // Reorder from the keyboard: the Move up button, then Alt+ArrowUp; focus stays on the item.
    click(&app, "#agenda-list .agenda-item:nth-last-child(2) .move-up").await;
    wait_for_order(
        &app,
        &[
            "Conference proposal feedback",
            "Opening round",
            "First topic",
            "Second topic",
            "Job talk practice",
            "Action review",
            "Closing round",
        ],
    )
    .await;
    wait_for_announcement(&app, "“Job talk practice” moved to place 5 of 7.").await;
    assert_eq!(focused_item_title(&app).await, "Job talk practice", "focus follows the moved item");
    let alt_up = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: Key::Alt.into() })
        .then(KeyAction::Down { value: Key::Up.into() })
        .then(KeyAction::Up { value: Key::Up.into() })
        .then(KeyAction::Up { value: Key::Alt.into() });
    app.client.perform_actions(alt_up).await.unwrap();
    wait_for_order(
        &app,
        &[
            "Conference proposal feedback",
            "Opening round",
            "First topic",
            "Job talk practice",
            "Second topic",
            "Action review",
            "Closing round",
        ],
    )
    .await;
    assert_eq!(focused_item_title(&app).await, "Job talk practice", "focus follows the moved item");

    // Fair roles for the meeting, saved.
    click(&app, "#suggest-roles").await;
    let started = Instant::now();
    while app
        .wait_for("#roles-form select[name=facilitator_id]")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
        .is_empty()
    {
        assert!(started.elapsed() < WAIT, "Suggest fairly never filled the roles");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    click(&app, "#roles-form button[type=submit]").await;
    wait_for_announcement(&app, "Roles saved.").await;

    app.client.execute("document.activeElement.blur(); window.scrollTo(0, 0)", vec![]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.screenshot("agenda.png").await;

    // An ended meeting that ran over: the figures stay, the advice to shorten does not.
    let over = d.ok(&["meeting", "create", "--circle", &circle, "--starts-at", "2027-02-09T18:00:00Z"]);
    d.ok(&["agenda", "add", "--meeting", &over, "--title", "Everything at once", "--minutes", "80"]);
    d.ok(&["meeting", "start", "--meeting", &over]);
    d.ok(&["meeting", "end", "--meeting", &over]);
    app.go(&format!("#/meeting/{over}/agenda")).await;
    app.wait_for("#readonly-note").await;
    let total = app.wait_for_text("#agenda-total", "Timeboxes: 80 of 60 minutes").await;
    assert!(!total.contains("over") && !total.contains("Shorten"), "no advice on an ended meeting: {total}");
    app.quit().await;
}

/// A folder holding a stand-in `xdg-open` that writes down what it was asked to open, so a
/// test sees the link handed to the person's browser without starting one.
pub(crate) fn recording_opener() -> (tempfile::TempDir, std::path::PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("opened.txt");
    let script = dir.path().join("xdg-open");
    std::fs::write(&script, format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", record.display())).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    (dir, record)
}

#[tokio::test]
async fn a_person_edits_a_meeting_and_joins_its_call_from_the_agenda_and_run_screens() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let display = Display::get();
    let d = DataDir::new();
    let circle = d.with_circle();
    let meeting = d.ok(&["meeting", "create", "--circle", &circle, "--starts-at", "2026-12-08T18:00:00Z"]);
    d.ok(&["agenda", "add", "--meeting", &meeting, "--title", "Job talk nerves"]);
    let (opener, opened) = recording_opener();
    let path = format!("{}:{}", opener.path().display(), std::env::var("PATH").unwrap_or_default());
    let link = "https://meet.example.org/early-career";

    for (theme, gtk) in [("light", None), ("dark", Some("Adwaita:dark"))] {
        let mut env = vec![("PATH", path.as_str())];
        env.extend(gtk.map(|t| ("GTK_THEME", t)));
        let app = App::launch_with_env(&display, d.path(), &env).await;
        app.wait_for("#circle-list").await;
        app.go(&format!("#/meeting/{meeting}")).await;
        app.wait_for("#meeting-title").await;

        if theme == "light" {
            // Edit the details: a link that is not a web address is refused beside its field.
            click(&app, "#edit-meeting").await;
            assert_eq!(
                app.focused_id().await,
                app.wait_for("#meeting-details-form input[name=title]").await.attr("id").await.unwrap().unwrap()
            );
            app.fill("#meeting-details-form input[name=title]", "December check-in").await;
            app.fill("#meeting-details-form input[name=minutes]", "90").await;
            app.fill("#meeting-details-form input[name=place]", "Library room 204").await;
            app.fill("#meeting-details-form input[name=link]", "javascript:alert(1)").await;
            click(&app, "#meeting-details-form button[type=submit]").await;
            app.wait_for_text("#meeting-details-form .error-summary", "Link must start with https:// or http://").await;
            let invalid =
                app.wait_for("#meeting-details-form input[name=link]").await.attr("aria-invalid").await.unwrap();
            assert_eq!(invalid.as_deref(), Some("true"));
            let stored =
                serde_json::from_str::<serde_json::Value>(&d.ok(&["--json", "meeting", "list", "--circle", &circle]))
                    .unwrap();
            assert_eq!(stored[0]["minutes"], 60, "a refused edit saves nothing");
            app.fill("#meeting-details-form input[name=link]", link).await;
            app.screenshot("meeting-details-form.png").await;
            click(&app, "#meeting-details-form button[type=submit]").await;
            app.wait_for_text("#meeting-title", "December check-in").await;
            wait_for_announcement(&app, "Meeting details saved.").await;
            app.wait_for_text("#agenda-total", "of 90 minutes").await;
            assert_eq!(app.focused_id().await, "edit-meeting", "the keyboard goes back to Edit details");
        }

        // The agenda screen shows the link, which opens in the person's browser.
        let head = app.wait_for_text("#meeting-head", link).await;
        assert!(head.contains("Library room 204") && head.contains("90 minutes"), "{head}");
        app.wait_for_text("#join-call", "Join the video call").await;
        if theme == "light" {
            let saved =
                serde_json::from_str::<serde_json::Value>(&d.ok(&["--json", "meeting", "list", "--circle", &circle]))
                    .unwrap();
            assert_eq!(saved[0]["link"], link, "the window's edit is in the store");
            click(&app, "#join-call").await;
            app.wait_for_text(".call-link", "Opened in your browser.").await;
            let handed = std::fs::read_to_string(&opened).unwrap_or_default();
            assert_eq!(handed.trim(), link, "the link went to the browser opener");
        }
        app.client.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
        app.screenshot(&format!("meeting-link-{theme}.png")).await;
        assert_eq!(app.axe_violations().await, Vec::<String>::new(), "agenda screen, {theme}");

        // The run screen shows it before the meeting starts and while it runs.
        app.go(&format!("#/run/{meeting}")).await;
        if theme == "light" {
            app.wait_for_text(".run-start .call-link", link).await;
            click(&app, "#start-meeting").await;
        }
        app.wait_for_text(".run-head .call-link", link).await;
        app.screenshot(&format!("run-link-{theme}.png")).await;
        assert_eq!(app.axe_violations().await, Vec::<String>::new(), "run screen, {theme}");
        app.quit().await;
    }
}

/// The number of elements `css` finds.
async fn count(app: &App, css: &str) -> usize {
    app.client.find_all(Locator::Css(css)).await.unwrap().len()
}

/// Waits until `css` finds `n` elements.
async fn wait_for_count(app: &App, css: &str, n: usize) {
    let started = Instant::now();
    while count(app, css).await != n {
        assert!(started.elapsed() < WAIT, "{css} never found {n} (now {})", count(app, css).await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn years_of_meetings_and_actions_show_the_latest_and_the_rest_on_asking() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let display = Display::get();
    let d = DataDir::new();
    let circle = d.with_circle();
    let ben = d.ok(&["member", "add", "--circle", &circle, "--name", "Ben Okafor", "--email", "ben@college.edu"]);
    for month in 1..=12 {
        let starts_at = format!("2025-{month:02}-14T18:00:00Z");
        let title = format!("Meeting of month {month}");
        let past = d.ok(&["meeting", "create", "--circle", &circle, "--starts-at", &starts_at, "--title", &title]);
        if month <= 7 {
            let text = format!("Ben's promise {month}");
            let due = format!("2026-{month:02}-01");
            d.ok(&["action", "add", "--meeting", &past, "--text", &text, "--owner", &ben, "--due", &due]);
        }
    }
    let next =
        d.ok(&["meeting", "create", "--circle", &circle, "--starts-at", "2027-01-14T18:00:00Z", "--title", "Next one"]);
    let app = App::launch(&display, d.path()).await;
    app.go(&format!("#/circle/{circle}")).await;

    // The latest ten past meetings, and the rest on asking, the keyboard where the list ended.
    app.wait_for_text("#past-meetings", "Meeting of month 12").await;
    assert_eq!(count(&app, "#past-meetings li").await, 10);
    click(&app, "#show-all-past").await;
    wait_for_count(&app, "#past-meetings li", 12).await;
    assert_eq!(app.client.find(Locator::Css("#show-all-past")).await.ok().map(|_| ()), None);
    let focused = app.client.execute("return document.activeElement.textContent", vec![]).await.unwrap();
    assert_eq!(focused.as_str(), Some("Meeting of month 2"), "the first meeting not shown before");

    // Five of Ben's seven open actions, soonest due first, then all seven.
    app.wait_for_text("#open-actions", "Ben's promise 1").await;
    assert_eq!(count(&app, "#open-actions .action-row").await, 5);
    click(&app, "#open-actions .show-all-actions").await;
    wait_for_count(&app, "#open-actions .action-row", 7).await;
    app.wait_for_text("#open-actions", "Ben's promise 7").await;

    // The next meeting's action review: a few of Ben's, and where the rest are.
    app.go(&format!("#/meeting/{next}")).await;
    let review = app.wait_for_text("#action-review", "And 2 more").await;
    assert!(
        review.contains("Ben Okafor") && review.contains("Ben's promise 5") && !review.contains("Ben's promise 6"),
        "{review}"
    );
    app.quit().await;
}
