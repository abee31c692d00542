//! The circle's memory in the real window: Ana runs a meeting with notes, a decision and an
//! action item and ends it; its minutes show all of it and can be copied and saved; Ben's
//! shared reflection (from his bundle) is on the circle's Shared reflections page, in the
//! minutes, on the circle home and in Search, and never among Ana's record choices.

use crate::e2e::{App, Display, ONE_AT_A_TIME};
use crate::e2e_sync::Pair;
use fantoccini::Locator;

const NOTE: &str = "Slow down on the methods slide";
const DECISION: &str = "Ana gives the talk on 20 March";
const ACTION: &str = "Send the salary survey link";
const BENS: &str = "Ask for the <b>band</b> before naming a number.";
const BENS_PRIVATE: &str = "BEN-PRIVATE money talk makes me anxious";
const ANAS_PRIVATE: &str = "ANA-PRIVATE nervous about the talk";

async fn click(app: &App, css: &str) {
    app.wait_for(css).await.click().await.unwrap();
}

/// A screenshot of the top of the page once the last change is painted.
async fn shoot(app: &App, name: &str) {
    app.client.execute("document.activeElement?.blur(); window.scrollTo(0, 0)", vec![]).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    app.screenshot(name).await;
}

/// An `xdg-email` in `dir` that writes its arguments, one a line, to `xdg-email-args.txt`
/// and exits with `status` (not 0: no email app here takes a file).
fn write_mail_tool(dir: &std::path::Path, status: i32) {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("xdg-email");
    let record = dir.join("xdg-email-args.txt");
    std::fs::write(&script, format!("#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\nexit {status}\n", record.display()))
        .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Every element's text on the page.
async fn page_text(app: &App) -> String {
    app.wait_for("#main").await.text().await.unwrap()
}

#[tokio::test]
async fn minutes_and_shared_reflections_are_there_after_the_meeting() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let pair = Pair::new();
    let (ana, ben, circle, meeting) = (&pair.ana, &pair.ben, &pair.circle, &pair.meeting);
    ana.ok(&["meeting", "create", "--circle", circle, "--starts-at", "2027-04-13T18:00:00Z"]);
    for (title, extra) in
        [("Job talk practice", None), ("Budget worries", Some("--confidential")), ("Conference plans", None)]
    {
        let mut args = vec!["agenda", "add", "--meeting", meeting, "--title", title];
        args.extend(extra);
        ana.ok(&args);
    }
    ana.ok(&["reflect", "--meeting", meeting, "--text", ANAS_PRIVATE]);
    ana.ok(&[
        "reflect",
        "--meeting",
        meeting,
        "--prompt",
        "What am I grateful for?",
        "--text",
        "Thank you all.",
        "--share",
    ]);
    // Ben hears of the meeting, reflects on it (one shared, one private) and sends his bundle.
    pair.send(ana, ben, "to-ben.kinship");
    ben.ok(&["reflect", "--meeting", meeting, "--prompt", "What did I learn?", "--text", BENS, "--share"]);
    ben.ok(&["reflect", "--meeting", meeting, "--text", BENS_PRIVATE]);
    pair.send(ben, ana, "from-ben.kinship");

    let display = Display::get();
    let saved = tempfile::tempdir().unwrap();
    let export_dir = saved.path().to_str().unwrap();
    let (opener, opened) = crate::e2e_agenda::recording_opener();
    // A stand-in email app that takes attachments (xdg-email), first found on the PATH.
    let mail_tool = tempfile::tempdir().unwrap();
    write_mail_tool(mail_tool.path(), 0);
    let path = format!(
        "{}:{}:{}",
        mail_tool.path().display(),
        opener.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let app = App::launch_with_env(&display, ana.path(), &[("KINSHIP_EXPORT_DIR", export_dir), ("PATH", &path)]).await;
    app.wait_for("#circle-list").await;

    // Ana runs the meeting: a note, a decision and an action on the first item, then the
    // confidential one, then the last is carried over.
    app.go(&format!("#/run/{meeting}")).await;
    click(&app, "#start-meeting").await;
    app.wait_for_text("#run-item", "Job talk practice").await;
    app.fill("#item-notes", NOTE).await;
    app.fill("#decision-text", DECISION).await;
    click(&app, "#decision-form button[type=submit]").await;
    app.wait_for_text("#decision-list", DECISION).await;
    app.fill("#action-text", ACTION).await;
    app.wait_for("#action-owner").await.select_by_label("Ben Okafor").await.unwrap();
    click(&app, "#action-form button[type=submit]").await;
    app.wait_for_text("#action-list", ACTION).await;
    click(&app, "#run-next").await;
    app.wait_for_text("#run-item", "Budget worries").await;
    click(&app, "#run-next").await;
    app.wait_for_text("#run-item", "Conference plans").await;
    click(&app, "#run-carry").await;
    click(&app, "#end-meeting").await;
    app.fill("#end-summary", "A good first meeting.").await;
    click(&app, "#confirm-end").await;

    // The end screen leads to the minutes, which hold what was recorded.
    click(&app, "#read-minutes").await;
    let minutes = app.wait_for_text("#minutes", "Who was there").await;
    for expected in [
        "Present: Ana Reyes, Ben Okafor",
        "1. Job talk practice",
        NOTE,
        &format!("Decision: {DECISION}"),
        &format!("Action: {ACTION} — Ben Okafor"),
        "2. Budget worries",
        "Conference plans →",
        "A good first meeting.",
        "Ben Okafor — What did I learn?",
        BENS,
        "Ana Reyes — What am I grateful for?",
    ] {
        assert!(minutes.contains(expected), "the minutes lack {expected:?}:\n{minutes}");
    }
    assert!(!minutes.contains("PRIVATE"), "no private reflection in the minutes:\n{minutes}");
    let tag = app.wait_for("#minutes h3 .tag").await.text().await.unwrap();
    assert_eq!(tag, "Stays in the circle");
    assert!(app.client.find_all(Locator::Css("#minutes b")).await.unwrap().is_empty(), "Ben's markup is text");
    // The meeting's own address now opens on its minutes; its agenda is one link away.
    app.go(&format!("#/meeting/{meeting}")).await;
    app.wait_for_text("#minutes", "Who was there").await;
    shoot(&app, "minutes.png").await;
    click(&app, "#copy-minutes").await;
    let said = app.wait_for_text("#minutes-said", "op").await; // "Copied …" or "could not copy …"
    assert!(said.contains("Copied") || said.contains("Ctrl+C"), "{said}");
    click(&app, "#save-minutes").await;
    let said = app.wait_for_text("#minutes-said", "Saved to").await;
    let path = said.trim_start_matches("Saved to ").trim();
    let md = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(md.starts_with("# Minutes: ") && md.contains("### 2. Budget worries \\[Stays in the circle\\]"), "{md}");
    assert!(md.contains("\\<b\\>band\\</b\\>"), "member text is escaped in the Markdown: {md}");
    // The email goes to Ben (Ana's only fellow member) with the minutes attached as Markdown,
    // through the email app, as bundles go.
    let email_args = mail_tool.path().join("xdg-email-args.txt");
    click(&app, "#email-minutes").await;
    app.wait_for_text("#minutes-said", "attached").await;
    let handed = std::fs::read_to_string(&email_args).unwrap();
    let args: Vec<&str> = handed.lines().collect();
    let at = |flag: &str| args[args.iter().position(|a| *a == flag).unwrap() + 1];
    assert!(at("--subject").starts_with("Minutes: "), "{handed}");
    assert_eq!(*args.last().unwrap(), "mailto:ben@college.edu", "{handed}");
    let attached = std::fs::read_to_string(at("--attach")).unwrap();
    assert!(attached.starts_with("# Minutes: ") && attached.contains("\\[Stays in the circle\\]"), "{attached}");
    assert!(!attached.contains("PRIVATE") && !handed.contains("PRIVATE"), "{handed}");
    // Where no email app takes a file: a plain email with the minutes as its text.
    write_mail_tool(mail_tool.path(), 1);
    click(&app, "#email-minutes").await;
    app.wait_for_text("#minutes-said", "Your email app has the minutes as text").await;
    let started = std::time::Instant::now();
    let mail = loop {
        let handed = std::fs::read_to_string(&opened).unwrap_or_default();
        if !handed.is_empty() || started.elapsed() > crate::e2e::WAIT {
            break handed;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(mail.starts_with("mailto:ben%40college.edu?subject=Minutes%3A%20"), "{mail}");
    assert!(mail.contains("Budget%20worries%20%5BStays%20in%20the%20circle%5D"), "labelled when copied out: {mail}");
    assert!(mail.contains("%3Cb%3Eband%3C%2Fb%3E") && !mail.contains("PRIVATE"), "{mail}");
    click(&app, "#agenda-as-it-was").await;
    app.wait_for_text("#readonly-note", "This meeting has ended").await;
    click(&app, "#back-to-minutes").await;
    app.wait_for("#minutes").await;

    // The circle's Shared reflections page: both, newest first, filtered by member.
    click(&app, "#circle-reflections-link").await;
    let list = app.wait_for_text("#shared-reflections", BENS).await;
    assert!(list.contains("By Ben Okafor") && list.contains("Thank you all."), "{list}");
    assert!(list.find(BENS).unwrap() < list.find("Thank you all.").unwrap(), "newest first: {list}");
    assert!(!list.contains("PRIVATE"), "{list}");
    app.wait_for("#filter-member_id").await.select_by_label("Ben Okafor").await.unwrap();
    app.wait_for_text("#shared-reflections-count", "1 shared reflection matches").await;
    let only = app.wait_for("#shared-reflections").await.text().await.unwrap();
    assert!(only.contains(BENS) && !only.contains("Thank you all."), "{only}");
    app.wait_for("#filter-member_id").await.select_by_label("Everyone").await.unwrap();
    app.wait_for_text("#shared-reflections-count", "2 shared reflections").await;
    shoot(&app, "shared-reflections.png").await;

    // The circle home shows the latest, with the way to all of them.
    app.go(&format!("#/circle/{circle}")).await;
    let latest = app.wait_for_text("#latest-reflections", BENS).await;
    assert!(latest.contains("All shared reflections"), "{latest}");
    app.client.execute("document.getElementById('latest-reflections').scrollIntoView()", vec![]).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    app.screenshot("circle-home-reflections.png").await;

    // Search finds Ben's shared reflection, and opens the circle's page.
    app.go("#/search").await;
    app.fill("#search-text", "band before").await;
    app.wait_for_text("#search-results li", "What did I learn?").await;
    // The kind is shown in capitals; its words are these.
    let kind = app.wait_for("#search-results .hit-kind").await.prop("textContent").await.unwrap();
    assert_eq!(kind.as_deref(), Some("Shared reflection by Ben Okafor"));
    app.fill("#search-text", "anxious").await;
    app.wait_for_text(".search-status", "Nothing found").await;
    click_search_hit(&app, "band before").await;
    app.wait_for("#shared-reflections").await;

    // The journal is Ana's alone and says so; the record offers only her own reflections.
    app.go("#/journal").await;
    app.wait_for_text("#journal-lede", "Only you can see your journal.").await;
    let journal = app.wait_for_text("#journal-list", "Thank you all.").await;
    assert!(journal.contains(ANAS_PRIVATE) && !journal.contains("band"), "{journal}");
    app.go("#/record").await;
    app.wait_for("#record-form").await;
    let offered = app.wait_for_text("#record-reflections", "Thank you all.").await;
    assert!(offered.contains(ANAS_PRIVATE), "{offered}");
    assert!(!offered.contains("band") && !page_text(&app).await.contains("BEN-PRIVATE"), "{offered}");
    app.quit().await;
}

/// Searches for `text` and opens the first result.
async fn click_search_hit(app: &App, text: &str) {
    app.fill("#search-text", text).await;
    app.wait_for_text("#search-results li", "What did I learn?").await;
    click(app, "#search-results li a").await;
}
