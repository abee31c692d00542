//! The mentoring record and your-data screens in the real window: a person previews their
//! record live, writes a narrative, saves it as HTML, backs up, exports and restores.

use crate::e2e::{App, Display, ONE_AT_A_TIME};
use crate::util::DataDir;
use fantoccini::Locator;

/// A circle with Ben, one meeting held (Ana facilitating, both turns, a confidential topic,
/// an action of Ana's), a private reflection. Returns the data folder.
fn seeded() -> DataDir {
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
    let ben = d.ok(&["member", "add", "--circle", &c, "--name", "Ben Okafor", "--email", "ben@college.edu"]);
    let members: serde_json::Value =
        serde_json::from_str(&d.ok(&["--json", "member", "list", "--circle", &c])).unwrap();
    let me = members.as_array().unwrap().iter().find(|m| !m["person_id"].is_null()).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let m = d.ok(&["meeting", "create", "--circle", &c, "--starts-at", "2026-03-05T18:00:00Z", "--minutes", "90"]);
    d.ok(&["agenda", "add", "--meeting", &m, "--title", "Job talk practice", "--kind", "member_turn", "--member", &me]);
    d.ok(&[
        "agenda",
        "add",
        "--meeting",
        &m,
        "--title",
        "Negotiating a first offer",
        "--kind",
        "member_turn",
        "--member",
        &ben,
    ]);
    d.ok(&["agenda", "add", "--meeting", &m, "--title", "SECRET-TOPIC", "--confidential"]);
    d.ok(&[
        "action",
        "add",
        "--meeting",
        &m,
        "--text",
        "Share slides with the circle",
        "--owner",
        &me,
        "--due",
        "2026-03-19",
    ]);
    d.ok(&["meeting", "roles", "--meeting", &m, "--facilitator", &me, "--timekeeper", &ben]);
    d.ok(&["meeting", "start", "--meeting", &m]);
    d.ok(&["meeting", "next", "--meeting", &m]);
    d.ok(&["meeting", "next", "--meeting", &m]);
    d.ok(&["meeting", "end", "--meeting", &m]);
    d.ok(&["reflect", "--meeting", &m, "--text", "PRIVATE-WORDS about my nerves"]);
    d.ok(&["resource", "add", "--circle", &c, "--title", "ACRL 2027 call for proposals", "--kind", "conference"]);
    d
}

/// The Markdown export's text without Markdown's syntax, and nothing else removed: the
/// table's header and rule lines (`| | |`, `|---|---:|`), the marker that starts a line
/// (`# `, `## `, `- `, `> `), a table row's pipes, `**` around the circle's name, the `_…_`
/// around the closing line, and the backslash before an escaped character.
fn markdown_as_text(md: &str) -> String {
    let mut lines = Vec::new();
    for line in md.lines().filter(|l| *l != "| | |" && *l != "|---|---:|") {
        let line = ["# ", "## ", "- ", "> "].iter().find_map(|m| line.strip_prefix(m)).unwrap_or(line);
        let line = match line.strip_prefix("| ").and_then(|l| l.strip_suffix(" |")) {
            Some(row) => row.replace(" | ", " "),
            None => line.replace("**", ""),
        };
        let line = line.strip_prefix('_').and_then(|l| l.strip_suffix('_')).unwrap_or(&line);
        let mut plain = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            plain.push(if c == '\\' { chars.next().unwrap_or(c) } else { c });
        }
        lines.push(plain);
    }
    lines.join("\n")
}

/// Text with every run of white space (line breaks, a table's cell gaps) as one space.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn click(app: &App, css: &str) {
    app.wait_for(css).await.click().await.unwrap_or_else(|e| panic!("could not click {css}: {e}"));
}

#[tokio::test]
async fn a_person_previews_and_saves_their_record_then_backs_up_exports_and_restores() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let display = Display::get();
    let d = seeded();
    // Saved files go here, not into the real Documents folder (the app inherits it through tauri-driver).
    let saves = tempfile::tempdir().unwrap();
    std::env::set_var(kinship_core::export::EXPORT_DIR_ENV, saves.path());
    let app = App::launch(&display, d.path()).await;
    app.wait_for("#site-nav a[href='#/record']").await;

    app.go("#/record").await;
    app.wait_for_text("#record-preview", "Service: peer mentoring").await;
    app.set_value("#record-form input[name=from]", "2026-01-01").await;
    app.set_value("#record-form input[name=to]", "2026-12-31").await;
    app.fill("#record-form textarea[name=narrative]", "I co-founded this circle and facilitated its first meeting.")
        .await;
    let text = app.wait_for_text("#record-preview", "facilitated its first meeting").await;
    assert!(text.contains("2026 to ") && text.contains("31"), "the period in words: {text}");
    let flat: String = text.split_whitespace().collect();
    assert!(flat.contains("Hours1.5"), "the planned length, as the meeting was only recorded: {text}");
    assert!(flat.contains("Meetingsattended1") && flat.contains("Timesfacilitator1"), "{text}");
    assert!(text.contains("Job talk practice (own turn)") && text.contains("Share slides with the circle"), "{text}");
    assert!(text.contains("One talking point that stays in the circle is left out."), "{text}");
    assert!(!text.contains("PRIVATE-WORDS") && !text.contains("SECRET-TOPIC"), "{text}");
    let member = app.client.find(Locator::Css("#record-form select[name=member_id]")).await.unwrap();
    assert!(member.text().await.unwrap().contains("Ana Reyes (you)"));
    app.client.execute("document.activeElement.blur(); window.scrollTo(0, 0)", vec![]).await.unwrap();
    app.screenshot("record.png").await;

    click(&app, "#record-form button[data-format=html]").await;
    let said = app.wait_for_text("#record-saved", "Saved to").await;
    let path = said.trim_start_matches("Saved to ").trim().to_string();
    let html = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(html.contains("facilitated its first meeting") && !html.contains("PRIVATE-WORDS"), "{html}");
    click(&app, "#record-form button[data-format=html]").await;
    app.wait_for_text("#record-saved", "-2.html").await;

    // A reflection goes in only when its author ticks it.
    let offered = app.wait_for_text("#record-reflections", "PRIVATE-WORDS").await;
    assert!(offered.contains("None unless you tick them") && !offered.contains("Invalid"), "{offered}");
    // Dated by the core, the day the reflection was written (today, in UTC).
    let today = chrono::Utc::now().format("%-d %B %Y").to_string();
    assert!(offered.contains(&format!("{today}: PRIVATE-WORDS")), "{offered}");
    app.client.execute("document.getElementById('record-reflections').scrollIntoView()", vec![]).await.unwrap();
    app.screenshot("record-reflection-choices.png").await;
    click(&app, "#record-reflections input[name=reflection]").await;
    let text = app.wait_for_text("#record-preview", "PRIVATE-WORDS about my nerves").await;
    assert!(text.contains("Reflections"), "{text}");
    click(&app, "#record-form button[data-format=md]").await;
    let said = app.wait_for_text("#record-saved", ".md").await;
    let md = std::fs::read_to_string(said.trim_start_matches("Saved to ").trim()).unwrap();
    assert!(md.contains("PRIVATE-WORDS about my nerves"), "{md}");
    // The preview shows exactly the words the Markdown export wrote, in the same order.
    app.wait_for_text("#record-preview", "PRIVATE-WORDS about my nerves").await;
    // innerText, as a person sees it: blocks, lines and table cells apart (WebDriver's element
    // text runs them together here).
    let script = "return document.getElementById('record-preview').innerText";
    let shown = app.client.execute(script, vec![]).await.unwrap().as_str().unwrap().to_string();
    assert_eq!(words(&shown), words(&markdown_as_text(&md)), "the preview and the export differ\n{shown}\n---\n{md}");
    assert!(shown.contains("Colleagues’ turns supported") && shown.contains("1 January 2026 to 31 December 2026"));

    app.go("#/data").await;
    // The app made its daily backup when it opened.
    app.wait_for_text("#backup-list", "1 circle, 1 meeting, 1 reflection").await;
    assert_eq!(app.client.find_all(Locator::Css("#backup-list .backup-item")).await.unwrap().len(), 1);
    click(&app, "#backup-now").await;
    app.wait_for_text("#backup-saved", "Backed up to").await;
    let started = std::time::Instant::now();
    while app.client.find_all(Locator::Css("#backup-list .backup-item")).await.unwrap().len() < 2 {
        assert!(started.elapsed() < crate::e2e::WAIT, "the new backup is listed");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    click(&app, "#export-json").await;
    let said = app.wait_for_text("#export-saved", "Saved to").await;
    assert!(said.ends_with(".json"), "{said}");
    app.client.execute("document.activeElement.blur(); window.scrollTo(0, 0)", vec![]).await.unwrap();
    app.screenshot("data.png").await;

    // Restore, after saying yes.
    click(&app, "#backup-list .backup-item button").await;
    click(&app, "#backup-list .confirm-box button.danger").await;
    app.wait_for_text("#backup-saved", "Restored.").await;
    app.wait_for_text("#backup-list", "1 circle, 1 meeting, 1 reflection").await;
    app.quit().await;
    std::env::remove_var(kinship_core::export::EXPORT_DIR_ENV);
}

#[tokio::test]
async fn a_new_laptop_brings_in_a_json_export_from_its_first_screen() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let display = Display::get();
    let old = seeded();
    let files = tempfile::tempdir().unwrap();
    let export = files.path().join("kinship-data.json");
    old.ok(&["data", "export", "--out", export.to_str().unwrap()]);
    let new = DataDir::new();
    let app = App::launch(&display, new.path()).await;
    click(&app, "#have-export").await;
    // The form says what to choose; submitting without a file says what to do.
    click(&app, "#welcome-import-form button[type=submit]").await;
    app.wait_for_text("#welcome-import-form", "Choose the .json file").await;
    app.wait_for("#welcome-import-file").await.send_keys(export.to_str().unwrap()).await.unwrap();
    click(&app, "#welcome-import-form button[type=submit]").await;
    app.wait_for_text("#main", "Early-career librarians").await;
    app.wait_for_text("#whoami", "Ana Reyes").await;
    let circles: serde_json::Value = serde_json::from_str(&old.ok(&["--json", "circle", "list"])).unwrap();
    let circle = circles[0]["id"].as_str().unwrap();
    assert_eq!(new.ok(&["dump", "--circle", circle]), old.ok(&["dump", "--circle", circle]));
    app.quit().await;
}
