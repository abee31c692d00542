//! Sync in the real window: two laptops (two data folders, set up with the CLI) exchange
//! bundles through the Sync screen; a conflict is settled by keeping both versions; a new
//! member joins from the welcome screen with an invite and its passphrase, and sends hello to
//! the circle; a member adds
//! another laptop of theirs and revokes a lost one; and the Sync and import screens pass axe
//! in light and dark.

use crate::e2e::{App, Display, KillOnDrop, ONE_AT_A_TIME, WAIT};
use crate::util::{kinship_bin, recipients_and_attachment, DataDir, FakeMailApp};
use fantoccini::Locator;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PASSPHRASE: &str = "river lantern orchard";

/// Runs the CLI on `d` with the invite passphrase in its environment.
fn cli(d: &DataDir, args: &[&str]) -> std::process::Output {
    Command::new(kinship_bin())
        .arg("--data-dir")
        .arg(d.path())
        .args(args)
        .env("KINSHIP_PASSPHRASE", PASSPHRASE)
        .env_remove("KINSHIP_DATA_DIR")
        .output()
        .expect("could not start kinship")
}

/// [`cli`], insisting that it succeeds; returns stdout.
fn with_passphrase(d: &DataDir, args: &[&str]) -> String {
    let out = cli(d, args);
    let text = |b: &[u8]| String::from_utf8_lossy(b).to_string();
    assert!(out.status.success(), "kinship {}\n{}\n{}", args.join(" "), text(&out.stdout), text(&out.stderr));
    text(&out.stdout).trim_end().to_string()
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Ana's laptop with a circle, and a meeting; returns it with the circle and meeting ids.
fn ana_with_meeting() -> (DataDir, String, String) {
    let ana = DataDir::new();
    let circle = ana.with_circle();
    let meeting = ana.ok(&["meeting", "create", "--circle", &circle, "--starts-at", "2027-03-09T18:00:00Z"]);
    (ana, circle, meeting)
}

/// Ana invites Ben: the invite file, written in `dir`.
fn invite_ben(ana: &DataDir, circle: &str, dir: &Path) -> PathBuf {
    let invite = dir.join("invite-ben.kinship");
    with_passphrase(
        ana,
        &["invite", "--circle", circle, "--name", "Ben Okafor", "--email", "ben@college.edu", "--out", arg(&invite)],
    );
    invite
}

/// Ana's laptop with a circle, her invite for Ben (in a folder of its own) and Ben's empty
/// laptop. Keep all four: dropping a folder deletes it.
fn ben_invited() -> (DataDir, tempfile::TempDir, PathBuf, DataDir) {
    let (ana, circle, _) = ana_with_meeting();
    let files = tempfile::tempdir().unwrap();
    let invite = invite_ben(&ana, &circle, files.path());
    (ana, files, invite, DataDir::new())
}

/// Two laptops in one circle: Ana's, which founded it, and Ben's, which joined from an invite
/// and sent Ana a bundle back, so each laptop holds the other's key.
pub(crate) struct Pair {
    pub(crate) ana: DataDir,
    pub(crate) ben: DataDir,
    pub(crate) circle: String,
    pub(crate) meeting: String,
    pub(crate) files: tempfile::TempDir,
}

impl Pair {
    pub(crate) fn new() -> Pair {
        let (ana, circle, meeting) = ana_with_meeting();
        let files = tempfile::tempdir().unwrap();
        let invite = invite_ben(&ana, &circle, files.path());
        let ben = DataDir::new();
        with_passphrase(&ben, &["join", arg(&invite)]);
        let pair = Pair { ana, ben, circle, meeting, files };
        pair.send(&pair.ben, &pair.ana, "hello-from-ben.kinship");
        pair
    }

    /// Exports a bundle from one laptop and imports it on the other, with the CLI.
    pub(crate) fn send(&self, from: &DataDir, to: &DataDir, name: &str) {
        let file = self.export(from, name, &[]);
        to.ok(&["import", arg(&file)]);
    }

    fn export(&self, from: &DataDir, name: &str, flags: &[&str]) -> PathBuf {
        let file = self.files.path().join(name);
        let mut args = vec!["export", "--circle", &self.circle, "--out", arg(&file)];
        args.extend_from_slice(flags);
        from.ok(&args);
        file
    }

    /// A talking point both laptops have, then different notes written on each: a conflict
    /// waiting in Ben's next bundle. Returns that bundle as pasteable text.
    fn conflicting_notes(&self) -> String {
        let item = self.ana.ok(&["agenda", "add", "--meeting", &self.meeting, "--title", "Job talk practice"]);
        self.send(&self.ana, &self.ben, "item-from-ana.kinship");
        self.ana.ok(&["agenda", "edit", "--item", &item, "--notes", "Ana: practise the opening story"]);
        self.ben.ok(&["agenda", "edit", "--item", &item, "--notes", "Ben: bring <b>printed</b> slides"]);
        self.ben.ok(&["agenda", "add", "--meeting", &self.meeting, "--title", "Conference plans", "--minutes", "10"]);
        self.ben.ok(&["resource", "add", "--circle", &self.circle, "--title", "ACRL 2027", "--kind", "conference"]);
        let file = self.export(&self.ben, "notes-from-ben.txt", &["--armor"]);
        std::fs::read_to_string(file).unwrap()
    }
}

async fn click(app: &App, css: &str) {
    app.wait_for(css).await.click().await.unwrap_or_else(|e| panic!("could not click {css}: {e}"));
}

/// Waits until `css` no longer contains `gone`.
async fn wait_without_text(app: &App, css: &str, gone: &str) {
    let started = Instant::now();
    loop {
        let text = app.wait_for(css).await.text().await.unwrap_or_default();
        if !text.contains(gone) {
            return;
        }
        assert!(started.elapsed() < WAIT, "{css} still says {gone:?}: {text:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the text inside `css` (shown or not, like a live region) contains `expected`.
async fn wait_for_content(app: &App, css: &str, expected: &str) {
    let started = Instant::now();
    loop {
        let found = app
            .client
            .execute("return document.querySelector(arguments[0])?.textContent ?? ''", vec![serde_json::json!(css)])
            .await
            .unwrap();
        if found.as_str().unwrap_or_default().contains(expected) {
            return;
        }
        assert!(started.elapsed() < WAIT, "{css} says {found}, never {expected:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Scrolls `css` to the top of the window (or the page's top for "body") with nothing
/// focused, for a screenshot.
async fn settle_for_screenshot(app: &App, css: &str) {
    let script = "document.activeElement.blur();
        const top = document.querySelector(arguments[0]).getBoundingClientRect().top + window.scrollY;
        window.scrollTo(0, arguments[0] === 'body' ? 0 : top - 16);";
    app.client.execute(script, vec![serde_json::json!(css)]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
}

/// Checks the screen with axe (`what` names it in a failure), then takes its screenshot
/// scrolled to `settle_css`.
pub(crate) async fn accessible_screenshot(app: &App, what: &str, settle_css: &str, png: &str) {
    let problems = app.axe_violations().await;
    assert!(problems.is_empty(), "accessibility problems {what}:\n{}", problems.join("\n"));
    settle_for_screenshot(app, settle_css).await;
    app.screenshot(png).await;
}

/// The one `.kinship` file in `dir`.
fn only_bundle(dir: &Path) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "kinship"))
        .collect();
    assert_eq!(found.len(), 1, "one bundle saved: {found:?}");
    found.into_iter().next().unwrap()
}

#[tokio::test]
async fn ana_shares_updates_and_ben_previews_applies_and_undoes_them() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let p = Pair::new();
    p.ana.ok(&["agenda", "add", "--meeting", &p.meeting, "--title", "Tenure dossier tips", "--minutes", "15"]);
    let saves = tempfile::tempdir().unwrap();
    let display = Display::get();

    // Ana's laptop: from the circle home to the Sync screen, and share.
    let mail = FakeMailApp::install();
    let mail_env = mail.env();
    let mut env: Vec<(&str, &str)> = mail_env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    env.push(("KINSHIP_EXPORT_DIR", arg(saves.path())));
    let app = App::launch_with_env(&display, p.ana.path(), &env).await;
    app.wait_for("#circle-list").await;
    app.go(&format!("#/circle/{}", p.circle)).await;
    click(&app, "#sync-link").await;
    app.wait_for_text("#sync-title", "Sync: Early-career librarians").await;
    let ben = app.wait_for_text("#sync-member-list", "Ben Okafor").await;
    assert!(ben.contains("Last heard from") && !ben.contains("never"), "Ben's bundle was imported: {ben}");
    assert!(ben.contains("Missing") && ben.contains("send them updates"), "{ben}");
    click(&app, "#share-updates").await;
    let said = app.wait_for_text("#share-saved", "Saved ").await;
    assert!(said.contains(".kinship") && said.contains("change"), "{said}");
    let bundle = only_bundle(saves.path());
    assert!(said.contains(bundle.file_name().unwrap().to_str().unwrap()), "{said}");
    // Share updates opened a new email to the circle's other members with the bundle attached.
    let (to, attached) = recipients_and_attachment(&mail.opened_with());
    assert_eq!(to, vec!["ben@college.edu".to_string()], "the current members but Ana");
    assert_eq!(std::fs::read(&attached).unwrap(), std::fs::read(&bundle).unwrap(), "the sealed bundle itself");
    app.wait_for_text("#email-circle-said", "attached").await;
    app.wait_for_text("#email-circle", "Open the email again").await;
    app.wait_for("#reveal-bundle").await;
    settle_for_screenshot(&app, "body").await;
    app.screenshot("sync-shared.png").await;
    app.quit().await;

    // Ben's laptop: choose the file on the Sync screen, see what it does, apply it.
    let app = App::launch(&display, p.ben.path()).await;
    app.wait_for("#circle-list").await;
    app.go(&format!("#/sync/{}", p.circle)).await;
    app.wait_for_text("#sync-title", "Early-career librarians").await;
    app.wait_for("#bundle-file").await.send_keys(arg(&bundle)).await.unwrap();
    let summary = app.wait_for_text("#preview-summary", "From Ana Reyes").await;
    assert!(
        summary.contains("for circle Early-career librarians") && summary.contains("adds 1 talking point"),
        "{summary}"
    );
    assert_eq!(app.focused_id().await, "preview-title", "the preview takes focus");
    app.screenshot("import-file-preview.png").await;
    click(&app, "#apply-bundle").await;
    let done = app.wait_for_text("#import-done", "Imported").await;
    assert!(done.contains("from Ana Reyes"), "{done}");
    app.wait_for_text("#import-result", "backup").await;
    app.go(&format!("#/meeting/{}", p.meeting)).await;
    app.wait_for_text("#agenda-section", "Tenure dossier tips").await;

    // Undo: the talking point is gone again.
    app.go(&format!("#/sync/{}", p.circle)).await;
    app.wait_for_text("#last-import", "from Ana Reyes").await;
    click(&app, "#undo-last").await;
    app.wait_for_text("#last-import", "undone").await;
    app.go(&format!("#/meeting/{}", p.meeting)).await;
    app.wait_for("#agenda-section").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    wait_without_text(&app, "#agenda-section", "Tenure dossier tips").await;

    // The menu's "Import updates" opens any bundle, whatever circle it is for.
    click(&app, "#site-nav a[href='#/import']").await;
    let current = app.wait_for("#site-nav a[href='#/import']").await.attr("aria-current").await.unwrap();
    assert_eq!(current.as_deref(), Some("page"));
    app.wait_for("#bundle-file").await.send_keys(arg(&bundle)).await.unwrap();
    let again = app.wait_for_text("#preview-summary", "From Ana Reyes").await;
    assert!(again.contains("adds 1 talking point"), "undone, so it would add it again: {again}");
    app.quit().await;
}

#[tokio::test]
async fn a_conflict_is_shown_with_both_versions_and_keeping_both_settles_it() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let p = Pair::new();
    let text = p.conflicting_notes();
    assert!(text.starts_with("-----BEGIN KINSHIP BUNDLE-----"), "{}", &text[..text.len().min(80)]);

    let display = Display::get();
    let app = App::launch(&display, p.ana.path()).await;
    app.wait_for("#circle-list").await;
    app.go(&format!("#/sync/{}", p.circle)).await;
    app.wait_for_text("#conflicts", "No conflicts").await;
    // Pasted text, as from an email that blocks attachments.
    app.set_value("#bundle-text", &text).await;
    click(&app, "#preview-pasted").await;
    let summary = app.wait_for_text("#preview-summary", "From Ben Okafor").await;
    assert!(summary.contains("1 conflict (two versions of the same text"), "{summary}");
    assert!(summary.contains("adds 1 talking point, 1 item on the board; changes 1 talking point"), "{summary}");
    settle_for_screenshot(&app, "#import-box").await;
    app.screenshot("import-preview.png").await;
    click(&app, "#apply-bundle").await;
    app.wait_for_text("#import-result", "1 conflict waiting").await;

    let conflict = app.wait_for_text("#conflict-list .conflict", "Job talk practice").await;
    assert!(conflict.contains("Ana: practise the opening story"), "{conflict}");
    assert!(conflict.contains("Ben: bring <b>printed</b> slides"), "markup from a bundle shows as text: {conflict}");
    assert!(app.client.find_all(Locator::Css("#conflict-list b")).await.unwrap().is_empty());
    settle_for_screenshot(&app, "#conflicts").await;
    app.screenshot("conflict.png").await;

    click(&app, "#conflict-list button[aria-label^='Keep both']").await;
    app.wait_for_text("#conflicts", "No conflicts").await;
    wait_for_content(&app, "#live-status", "Kept both versions").await;
    app.quit().await;

    let dump = p.ana.ok(&["dump", "--circle", &p.circle]);
    let notes = dump.lines().find(|l| l.contains("Ana: practise")).unwrap_or(&dump);
    assert!(notes.contains("Ben: bring <b>printed</b> slides"), "the notes hold both texts: {notes}");
}

#[tokio::test]
async fn a_new_member_joins_from_the_welcome_screen_with_an_invite_and_its_passphrase() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let (ana, _files, invite, ben) = ben_invited();
    let saves = tempfile::tempdir().unwrap();

    let display = Display::get();
    let app = App::launch_with_env(&display, ben.path(), &[("KINSHIP_EXPORT_DIR", arg(saves.path()))]).await;
    app.wait_for("#welcome-form").await;
    click(&app, "#have-invite").await;
    app.wait_for("#join-form input[type=file]").await.send_keys(arg(&invite)).await.unwrap();
    // Joining is one step: the name and email are the ones the invite was made for; the
    // rest about him is his to add.
    click(&app, "#join-form .about-you summary").await;
    app.fill("#join-form input[name=pronouns]", "he/him").await;
    accessible_screenshot(&app, "on the join form", "#join-form", "join.png").await;

    // A wrong passphrase: a clear error on the field, and nothing written.
    app.fill("#join-form input[name=passphrase]", "wrong words entirely").await;
    click(&app, "#join-submit").await;
    app.wait_for_text("#join-form .error-summary", "does not match this invite").await;
    let invalid = app.wait_for("#join-form input[name=passphrase]").await.attr("aria-invalid").await.unwrap();
    assert_eq!(invalid.as_deref(), Some("true"));
    let circles = cli(&ben, &["circle", "list"]);
    assert!(!String::from_utf8_lossy(&circles.stdout).contains("Early-career"), "nothing was written");

    app.fill("#join-form input[name=passphrase]", PASSPHRASE).await;
    click(&app, "#join-submit").await;

    // He lands on the next meeting's agenda; hello is one click away, on the Sync screen.
    app.wait_for_text("#meeting-title", "Early-career librarians").await;
    app.wait_for_text("#whoami", "Ben Okafor (he/him)").await;
    click(&app, "#send-hello-link").await;
    app.wait_for_text("#sync-title", "Sync: Early-career librarians").await;
    let hello = app.wait_for_text("#hello", "Send hello to the circle").await;
    assert!(hello.contains("you can already open the updates its members send you"), "{hello}");
    accessible_screenshot(&app, "on sending hello", "#hello", "join-hello.png").await;
    click(&app, "#send-hello").await;
    let said = app.wait_for_text("#share-saved", "Saved ").await;
    let bundle = only_bundle(saves.path());
    assert!(said.contains(bundle.file_name().unwrap().to_str().unwrap()), "{said}");
    app.wait_for_text("#email-circle", "Open the email again").await;
    app.wait_for_text("#hello-text", "Your hello is saved").await;
    assert!(app.client.find_all(Locator::Css("#send-hello")).await.unwrap().is_empty(), "sent once");
    assert!(!hash(&app).await.contains("hello"), "the address no longer asks for it: {}", hash(&app).await);
    settle_for_screenshot(&app, "#hello").await;
    app.screenshot("join-hello-sent.png").await;
    // The hello is a real bundle: Ana's laptop takes it, and with it Ben's key.
    let taken = ana.ok(&["import", arg(&bundle)]);
    assert!(taken.contains("From Ben Okafor"), "{taken}");

    // In the circle, as Ben; the rest of the app follows links from here.
    click(&app, "#hello-later").await;
    app.wait_for_text("#circle-title", "Early-career librarians").await;
    app.wait_for_text("#whoami", "Ben Okafor (he/him)").await;
    assert!(app.wait_for("#site-nav").await.is_displayed().await.unwrap());
    click(&app, "#sync-link").await;
    let members = app.wait_for_text("#sync-member-list", "Ana Reyes").await;
    assert!(members.contains("Last heard from"), "Ana has a key in the circle: {members}");
    app.quit().await;
}

#[tokio::test]
async fn an_invite_opened_before_anyone_is_set_up_goes_straight_to_joining() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let (_ana, _files, invite, ben) = ben_invited();

    // A newcomer double-clicks the invite from the email: Kinship's first screen opens on it.
    let display = Display::get();
    let app = App::launch_with_args(&display, ben.path(), &[], &[arg(&invite)]).await;
    let note = app.wait_for_text("#opened-file", "You opened").await;
    assert!(note.contains("invite-ben.kinship"), "{note}");
    let open = app.wait_for("#have-invite").await.attr("aria-expanded").await.unwrap();
    assert_eq!(open.as_deref(), Some("true"), "the invite choice is the open one");
    let pickers = app.client.find_all(Locator::Css("#join-form input[type=file]")).await.unwrap();
    assert!(pickers.is_empty(), "the opened file is the invite: no file to choose again");
    accessible_screenshot(&app, "on the opened invite", "#join-form", "welcome-invite-opened.png").await;

    app.fill("#join-form input[name=passphrase]", PASSPHRASE).await;
    click(&app, "#join-submit").await;
    app.wait_for_text("#hello-line", "Send hello to the circle").await;
    app.wait_for_text("#whoami", "Ben Okafor").await;
    // Set-up ends with the cursor in the agenda's "Add a talking point", then opens any file
    // left unused: none here.
    let title = app.wait_for("#add-item-form input[name=title]").await.attr("id").await.unwrap().unwrap();
    let started = Instant::now();
    while app.focused_id().await != title {
        assert!(started.elapsed() < WAIT, "set-up never finished");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!hash(&app).await.contains("import"), "the invite is not opened again: {}", hash(&app).await);
    app.quit().await;
}

#[tokio::test]
async fn bundles_opened_before_anyone_is_set_up_open_once_they_are() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let pair = Pair::new();
    let from_ana = pair.export(&pair.ana, "from-ana.kinship", &[]);
    let from_ben = pair.export(&pair.ben, "from-ben.kinship", &[]);
    let newcomer = DataDir::new();

    // Two attachments opened together, before this laptop's person is set up.
    let display = Display::get();
    let app = App::launch_with_args(&display, newcomer.path(), &[], &[arg(&from_ana), arg(&from_ben)]).await;
    app.wait_for_text("#opened-file", "from-ben.kinship").await;
    // Not an invite: the person sets up afresh, and then the bundles' own screen opens.
    click(&app, "#have-invite").await;
    app.fill("#welcome-form input[name=name]", "Cy Newcomer").await;
    app.fill("#welcome-form input[name=email]", "cy@uni.edu").await;
    app.wait_for("#welcome-form input[name=email]").await.send_keys("\u{E007}").await.unwrap();
    app.wait_for_text("#whoami", "Cy Newcomer").await;
    // The first is read at once (Cy is in no circle yet, so it says so, naming the file);
    // the other waits below.
    app.wait_for_text("#import-box .error-summary", "from-ana.kinship: Kinship cannot use this file").await;
    assert_eq!(hash(&app).await, "#/import");
    let waiting = app.wait_for_text("#waiting-files", "from-ben.kinship").await;
    assert!(!waiting.contains("from-ana"), "the file being read is not listed as waiting: {waiting}");
    click(&app, "#waiting-files button[aria-label='Preview from-ben.kinship']").await;
    app.wait_for_text("#import-box .error-summary", "from-ben.kinship: Kinship cannot use this file").await;
    let list = app.wait_for("#waiting-files").await;
    assert!(!list.is_displayed().await.unwrap(), "nothing waits any more");
    settle_for_screenshot(&app, "#main").await;
    app.screenshot("import-before-joining.png").await;
    app.quit().await;
}

#[tokio::test]
async fn the_sync_and_import_screens_pass_axe_in_light_and_dark() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let p = Pair::new();
    // A conflict waiting, a member not joined yet, and a bundle to preview.
    let text = p.conflicting_notes();
    let conflict = p.files.path().join("conflict.txt");
    std::fs::write(&conflict, &text).unwrap();
    p.ana.ok(&["import", arg(&conflict)]);
    let chioma =
        p.ana.ok(&["member", "add", "--circle", &p.circle, "--name", "Chioma Eze", "--email", "chioma@uni.edu"]);
    p.ben.ok(&["agenda", "add", "--meeting", &p.meeting, "--title", "Mentoring record tips"]);
    let bundle = p.export(&p.ben, "plans-from-ben.kinship", &[]);
    let saves = tempfile::tempdir().unwrap();

    let display = Display::get();
    let mut problems = Vec::new();
    for (theme, gtk) in [("light", None), ("dark", Some("Adwaita:dark"))] {
        let mut env = vec![("KINSHIP_EXPORT_DIR", arg(saves.path()))];
        env.extend(gtk.map(|t| ("GTK_THEME", t)));
        let app = App::launch_with_env(&display, p.ana.path(), &env).await;
        app.wait_for("#circle-list").await;

        app.go(&format!("#/sync/{}", p.circle)).await;
        app.wait_for_text("#conflict-list", "Job talk practice").await;
        app.wait_for_text("#sync-member-list", "not joined yet").await;
        click(&app, "#share-armor").await;
        click(&app, "#share-updates").await;
        app.wait_for_text("#share-saved", "Saved ").await;
        let armored = app.wait_for("#armored-text").await.prop("value").await.unwrap().unwrap_or_default();
        assert!(armored.starts_with("-----BEGIN KINSHIP BUNDLE-----"), "{armored}");
        for v in app.axe_violations().await {
            problems.push(format!("{theme} sync: {v}"));
        }
        settle_for_screenshot(&app, "body").await;
        app.screenshot(if theme == "dark" { "sync-dark.png" } else { "sync.png" }).await;

        // Not joined yet: the circle home says so and leads to the invite form.
        app.go(&format!("#/circle/{}", p.circle)).await;
        app.wait_for_text("#member-list", "not joined yet").await;
        click(&app, "#member-list a[aria-label='Invite Chioma Eze']").await;
        app.wait_for("#invite-form").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let chosen = app.wait_for("#invite-form select[name=member_id]").await.prop("value").await.unwrap();
        assert_eq!(chosen.as_deref(), Some(chioma.as_str()), "the invite form starts with Chioma chosen");
        assert_eq!(
            app.focused_id().await,
            app.wait_for("#invite-form input[name=passphrase]").await.attr("id").await.unwrap().unwrap()
        );

        app.go("#/import").await;
        app.wait_for("#bundle-file").await.send_keys(arg(&bundle)).await.unwrap();
        let summary = app.wait_for_text("#preview-summary", "From Ben Okafor").await;
        assert!(summary.contains("1 talking point"), "{summary}");
        for v in app.axe_violations().await {
            problems.push(format!("{theme} import: {v}"));
        }
        click(&app, "#cancel-bundle").await;
        app.quit().await;
    }
    assert!(problems.is_empty(), "accessibility problems:\n{}", problems.join("\n"));
}

/// The window's address now.
async fn hash(app: &App) -> String {
    let value = app.client.execute("return window.location.hash", vec![]).await.unwrap();
    value.as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn a_bundle_opened_from_the_system_goes_straight_to_its_preview() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let display = Display::get();
    let pair = Pair::new();
    let export = |title: &str, name: &str| {
        pair.ana.ok(&["agenda", "add", "--meeting", &pair.meeting, "--title", title]);
        pair.export(&pair.ana, name, &[])
    };
    // One Kinship per data folder is told apart on the session's D-Bus, as on a desktop.
    // (The services the bus starts, such as the desktop portal, end with it.)
    let mut bus = KillOnDrop::spawn(
        Command::new("dbus-daemon").args(["--session", "--nofork", "--print-address=1"]).stdout(Stdio::piped()),
        "dbus-daemon (the `dbus` package) for a session bus",
    );
    let mut address = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(bus.0.stdout.as_mut().unwrap()), &mut address).unwrap();
    let session = [("DBUS_SESSION_BUS_ADDRESS", address.trim())];

    // A double-click starts Kinship with the file.
    let first = export("Opened by double-click", "first.kinship");
    let app = App::launch_with_args(&display, pair.ben.path(), &session, &[arg(&first)]).await;
    app.wait_for_text("#preview-summary", "From Ana Reyes").await;
    app.wait_for_text("#preview-file", "first.kinship").await;

    // Opening another while Kinship runs hands it to this window; the second launch ends.
    let second = export("Opened while running", "second.kinship");
    // A later launch with a file hands it to the running window and ends.
    let hand_over = |file: &Path| {
        Command::new(env!("CARGO_BIN_EXE_kinship-desktop"))
            .arg(file)
            .env("DISPLAY", &display.name)
            .env("KINSHIP_DATA_DIR", pair.ben.path())
            .envs(session)
            .spawn()
            .unwrap()
    };
    let ended = |mut launches: Vec<std::process::Child>| async move {
        let started = Instant::now();
        for launch in &mut launches {
            while launch.try_wait().unwrap().is_none() {
                if started.elapsed() > WAIT {
                    let _ = launch.kill();
                    panic!("a later launch should hand over its file and end");
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    };
    ended(vec![hand_over(&second)]).await;
    // It is previewed now; the first, not applied yet, waits below rather than being lost.
    app.wait_for_text("#preview-file", "second.kinship").await;
    app.wait_for_text("#waiting-files", "first.kinship").await;
    accessible_screenshot(&app, "with a file waiting", "#main", "import-waiting.png").await;
    click(&app, "#apply-bundle").await;
    app.wait_for_text("#import-done", "Imported").await;
    let agenda = pair.ben.ok(&["dump", "--circle", &pair.circle]);
    assert!(agenda.contains("Opened while running") && agenda.contains("Opened by double-click"), "{agenda}");
    // The first's turn: it holds nothing new any more, and says so before anything changes.
    click(&app, "#waiting-files button[aria-label='Preview first.kinship']").await;
    app.wait_for_text("#preview-file", "first.kinship").await;
    app.wait_for_text("#preview-summary", "From Ana Reyes").await;
    click(&app, "#cancel-bundle").await;
    assert!(!app.wait_for("#waiting-files").await.is_displayed().await.unwrap(), "nothing waits any more");

    // Two files opened at once (two attachments, say) arrive together, whichever is read
    // first: one is previewed and the other waits; neither is lost.
    let third = export("Third", "third.kinship");
    let fourth = export("Fourth", "fourth.kinship");
    ended(vec![hand_over(&third), hand_over(&fourth)]).await;
    let started = Instant::now();
    loop {
        let shown = app.client.execute(
            "const text = (css) => document.querySelector(css)?.textContent ?? '';
             return [text('#preview-file'), document.querySelector('#waiting-files').hidden ? '' : text('#waiting-files')];",
            vec![],
        );
        let shown: Vec<String> = serde_json::from_value(shown.await.unwrap()).unwrap();
        let (previewed, waiting) = (&shown[0], &shown[1]);
        let settled = [("third.kinship", "fourth.kinship"), ("fourth.kinship", "third.kinship")]
            .iter()
            .any(|(a, b)| previewed.contains(a) && waiting.contains(b) && !waiting.contains(a));
        if settled {
            break;
        }
        assert!(started.elapsed() < WAIT, "previewed {previewed:?}, waiting {waiting:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.quit().await;
}

#[tokio::test]
async fn the_window_invites_someone_new_and_removes_a_member_of_its_circle() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let (ana, circle, _) = ana_with_meeting();
    ana.ok(&["member", "add", "--circle", &circle, "--name", "Dee Park", "--email", "dee@uni.edu"]);
    let saves = tempfile::tempdir().unwrap();
    let display = Display::get();
    let app = App::launch_with_env(&display, ana.path(), &[("KINSHIP_EXPORT_DIR", arg(saves.path()))]).await;
    app.wait_for("#circle-list").await;

    // Someone new: the core adds them to the circle and seals their invite.
    app.go(&format!("#/sync/{circle}")).await;
    app.wait_for_text("#invite-form select[name=member_id]", "Dee Park").await;
    let choose_new = "const s = document.querySelector('#invite-form select[name=member_id]'); \
                      s.value = 'new'; s.dispatchEvent(new Event('change', { bubbles: true }));";
    app.client.execute(choose_new, vec![]).await.unwrap();
    app.fill("#invite-form input[name=name]", "Cam Diaz").await;
    app.fill("#invite-form input[name=email]", "cam@uni.edu").await;
    app.fill("#invite-form input[name=passphrase]", PASSPHRASE).await;
    click(&app, "#create-invite").await;
    app.wait_for_text("#invite-saved", "Saved the invite for Cam Diaz").await;
    let invite = only_bundle(saves.path());
    assert!(ana.ok(&["member", "list", "--circle", &circle]).contains("Cam Diaz <cam@uni.edu>"));
    let cam = DataDir::new();
    let joined = with_passphrase(&cam, &["join", arg(&invite)]);
    assert!(joined.contains("You joined Early-career librarians"), "{joined}");

    // Removing Dee from the circle home: the window names her circle, the core checks it.
    app.go(&format!("#/circle/{circle}")).await;
    click(&app, "#member-list button[aria-label='Remove from circle: Dee Park']").await;
    click(&app, "#member-list .confirm-box button.danger").await;
    app.wait_for_text("#member-list", "Left on").await;
    assert!(ana.ok(&["member", "list", "--circle", &circle]).contains("Dee Park <dee@uni.edu>  member  (left)"));
    app.quit().await;
}

#[tokio::test]
async fn ben_adds_another_laptop_of_his_from_the_sync_screen() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let p = Pair::new();
    p.send(&p.ana, &p.ben, "hello-from-ana.kinship");
    let saves = tempfile::tempdir().unwrap();
    let display = Display::get();
    let app = App::launch_with_env(&display, p.ben.path(), &[("KINSHIP_EXPORT_DIR", arg(saves.path()))]).await;
    app.wait_for("#circle-list").await;
    app.go(&format!("#/sync/{}", p.circle)).await;
    let list = app.wait_for_text("#sync-member-list", "Laptop 1 (this laptop, since ").await;
    assert!(list.contains("invited by Ana Reyes") && list.contains("founded the circle"), "{list}");

    // A passphrase too short: said on the field, and no file.
    app.fill("#laptop-form input[name=laptop_passphrase]", "short").await;
    click(&app, "#add-laptop").await;
    app.wait_for_text("#laptop-form .error-summary", "at least 8").await;
    app.fill("#laptop-form input[name=laptop_passphrase]", PASSPHRASE).await;
    click(&app, "#add-laptop").await;
    app.wait_for_text("#laptop-saved", "Saved another-laptop-in-early-career-librarians").await;
    let expiry = app.wait_for_text("#laptop-expiry", "Expires on ").await;
    assert!(expiry.contains(&(chrono::Utc::now() + chrono::Duration::days(14)).format("%Y").to_string()), "{expiry}");
    settle_for_screenshot(&app, "#laptop-form").await;
    app.screenshot("sync-laptop-added.png").await;
    let file = only_bundle(saves.path());

    // The other laptop joins with it, and Ben's first laptop hears from it.
    let second = DataDir::new();
    let joined = with_passphrase(&second, &["join", arg(&file)]);
    assert!(joined.contains("This laptop is now one of yours"), "{joined}");
    p.send(&second, &p.ben, "from-the-other-laptop.kinship");
    app.go(&format!("#/circle/{}", p.circle)).await;
    app.go(&format!("#/sync/{}", p.circle)).await;
    let list = app.wait_for_text("#sync-member-list", "Laptop 2").await;
    assert!(list.contains("Laptop 2 (since ") && list.contains("): added from Ben's other laptop"), "{list}");
    let problems = app.axe_violations().await;
    assert!(problems.is_empty(), "accessibility problems on the laptops list:\n{}", problems.join("\n"));
    settle_for_screenshot(&app, "#sync-members").await;
    app.screenshot("sync-laptops.png").await;
    app.quit().await;
}

/// The text of the focused element.
async fn focused_text(app: &App) -> String {
    let value = app.client.execute("return document.activeElement?.textContent ?? ''", vec![]).await.unwrap();
    value.as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn ben_revokes_his_lost_laptop_from_the_sync_screen_after_confirming() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let p = Pair::new();
    // Ben's second laptop, set up with the CLI; his first hears from it.
    let invite = p.files.path().join("ben-laptop.kinship");
    with_passphrase(&p.ben, &["laptop", "add", "--circle", &p.circle, "--out", arg(&invite)]);
    let lost = DataDir::new();
    with_passphrase(&lost, &["join", arg(&invite)]);
    p.send(&lost, &p.ben, "from-the-lost-laptop.kinship");
    let status: serde_json::Value =
        serde_json::from_str(&p.ben.ok(&["--json", "sync", "status", "--circle", &p.circle])).unwrap();
    let key_of = |name: &str, n: usize| {
        let member = status["members"].as_array().unwrap().iter().find(|m| m["name"] == name).unwrap();
        member["laptops"][n]["key_id"].as_str().unwrap().to_string()
    };
    let (ana_key, lost_key) = (key_of("Ana Reyes", 0), key_of("Ben Okafor", 1));
    let revoked_on_ben = || {
        let status: serde_json::Value =
            serde_json::from_str(&p.ben.ok(&["--json", "sync", "status", "--circle", &p.circle])).unwrap();
        let laptops: Vec<serde_json::Value> = status["members"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|m| m["laptops"].as_array().unwrap().clone())
            .filter(|l| l["revoked_at"].is_string())
            .collect();
        laptops.iter().map(|l| l["key_id"].as_str().unwrap().to_string()).collect::<Vec<_>>()
    };

    let display = Display::get();
    for (theme, gtk) in [("light", None), ("dark", Some("Adwaita:dark"))] {
        let env: Vec<(&str, &str)> = gtk.map(|t| ("GTK_THEME", t)).into_iter().collect();
        let app = App::launch_with_env(&display, p.ben.path(), &env).await;
        app.wait_for("#circle-list").await;
        app.go(&format!("#/sync/{}", p.circle)).await;
        let list = app.wait_for_text("#sync-member-list", "Laptop 2").await;
        assert!(list.contains("Laptop 1 (this laptop, since "), "{list}");
        let this = app.client.find_all(Locator::Css("#sync-member-list li.laptop")).await.unwrap();
        assert_eq!(this.len(), 3, "Ana's laptop and Ben's two: {list}");
        let buttons = app.client.find_all(Locator::Css("#sync-member-list li.laptop button")).await.unwrap();
        let expected = if theme == "light" { 2 } else { 1 };
        assert_eq!(buttons.len(), expected, "no Revoke for the laptop in use, nor for a revoked one: {list}");

        // Asked in place, named as someone else's laptop; "Keep it" changes nothing.
        click(&app, "#sync-member-list button[aria-label='Revoke Laptop 1 of Ana Reyes']").await;
        let asked =
            app.wait_for_text(&format!("#laptop-{ana_key} .confirm-box"), "Revoke Laptop 1 of Ana Reyes?").await;
        assert!(asked.contains("Its changes so far stay; anything it writes from now on is refused"), "{asked}");
        assert_eq!(focused_text(&app).await, "Revoke laptop", "the confirmation takes focus");
        accessible_screenshot(
            &app,
            &format!("{theme}, asking to revoke"),
            "#sync-members",
            if theme == "dark" { "sync-revoke-confirm-dark.png" } else { "sync-revoke-confirm.png" },
        )
        .await;
        click(&app, &format!("#laptop-{ana_key} .confirm-box button:not(.danger)")).await;
        assert!(app.client.find_all(Locator::Css(".confirm-box")).await.unwrap().is_empty(), "the question is gone");
        assert_eq!(app.focused_id().await, format!("revoke-{ana_key}"), "focus goes back to its button");

        if theme == "light" {
            assert!(revoked_on_ben().is_empty(), "keeping it revokes nothing");
            click(&app, "#sync-member-list button[aria-label='Revoke your Laptop 2']").await;
            app.wait_for_text(&format!("#laptop-{lost_key} .confirm-box"), "Revoke your Laptop 2?").await;
            click(&app, &format!("#laptop-{lost_key} .confirm-box button.danger")).await;
            wait_for_content(&app, "#live-status", "Revoked your Laptop 2. Share updates so the others learn of it.")
                .await;
            assert_eq!(revoked_on_ben(), vec![lost_key.clone()], "only the lost laptop is revoked");
        }
        let revoked = app.wait_for_text(&format!("#laptop-{lost_key}"), "revoked on ").await;
        // Added and revoked today: both dates read the same.
        let added = revoked.split("(since ").nth(1).and_then(|r| r.split(')').next()).unwrap_or_default();
        assert!(!added.is_empty() && revoked.trim_end().ends_with(&format!("revoked on {added}")), "{revoked}");
        let left = app.client.find_all(Locator::Css(&format!("#laptop-{lost_key} button"))).await.unwrap();
        assert!(left.is_empty(), "a revoked laptop has no button");
        if theme == "light" {
            assert_eq!(app.focused_id().await, format!("laptop-{lost_key}"), "focus is on the revoked laptop");
        }
        accessible_screenshot(
            &app,
            &format!("{theme}, with a revoked laptop"),
            "#sync-members",
            if theme == "dark" { "sync-revoked-dark.png" } else { "sync-revoked.png" },
        )
        .await;
        if theme == "dark" {
            // Revoked meanwhile from the command line: the core's refusal shows in the error summary.
            click(&app, "#sync-member-list button[aria-label='Revoke Laptop 1 of Ana Reyes']").await;
            app.wait_for(&format!("#laptop-{ana_key} .confirm-box")).await;
            p.ben.ok(&["laptop", "revoke", "--circle", &p.circle, "--laptop", &ana_key]);
            click(&app, &format!("#laptop-{ana_key} .confirm-box button.danger")).await;
            app.wait_for_text("#sync-members .error-summary", "that laptop is already revoked").await;
            let focused = focused_text(&app).await;
            assert!(focused.starts_with("There is a problem") && focused.contains("already revoked"), "{focused}");
        }
        app.quit().await;
    }
}

#[tokio::test]
async fn a_shared_folder_chosen_on_the_sync_screen_brings_in_another_laptops_file_with_no_click() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let p = Pair::new();
    let shared = tempfile::tempdir().unwrap();
    let display = Display::get();
    let mut problems = Vec::new();

    let app = App::launch(&display, p.ana.path()).await;
    app.wait_for("#circle-list").await;
    app.go(&format!("#/sync/{}", p.circle)).await;
    // No folder yet: the card offers the system's picker, or a typed path.
    app.wait_for_text("#folder-pick", "Choose folder").await;
    accessible_screenshot(&app, "on choosing a shared folder", "#sync-folder", "sync-folder-choose.png").await;
    // A folder that is not there says what to do.
    app.fill("#folder-path", "/no/such/folder").await;
    click(&app, "#folder-use").await;
    let said = app.wait_for_text("#sync-folder .error-summary", "is not there").await;
    assert!(said.contains("Nothing on this laptop was lost"), "{said}");
    app.fill("#folder-path", arg(shared.path())).await;
    click(&app, "#folder-use").await;
    app.wait_for_text("#folder-path-shown", arg(shared.path())).await;
    // Ana's laptop writes its file by itself, and lists it.
    app.wait_for_text("#folder-member-files", "Ana Reyes (Laptop 1, this laptop): file changed").await;

    // Ben's laptop, syncing through its copy of the same folder, writes a talking point there.
    p.ben.ok(&["folder", "set", "--circle", &p.circle, arg(shared.path())]);
    p.ben.ok(&["agenda", "add", "--meeting", &p.meeting, "--title", "Mentoring record tips"]);
    p.ben.ok(&["folder", "sync"]);
    // Nobody clicks: Ana's window brings it in and says so.
    let brought = app.wait_for_text("#folder-brought-in", "From Ben Okafor").await;
    assert!(brought.contains("new change"), "{brought}");
    app.wait_for("#folder-brought-in .folder-undo").await;
    app.wait_for_text("#last-import", "from Ben Okafor").await;
    assert!(p.ana.ok(&["agenda", "list", "--meeting", &p.meeting]).contains("Mentoring record tips"));
    for v in app.axe_violations().await {
        problems.push(format!("light sync with a shared folder: {v}"));
    }
    settle_for_screenshot(&app, "#sync-folder").await;
    app.screenshot("sync-folder.png").await;
    app.quit().await;

    // Dark, and automatic import off: Ben's next file waits for a preview.
    p.ana.ok(&["folder", "auto", "--circle", &p.circle, "off"]);
    let app = App::launch_with_env(&display, p.ana.path(), &[("GTK_THEME", "Adwaita:dark")]).await;
    app.wait_for("#circle-list").await;
    app.go(&format!("#/sync/{}", p.circle)).await;
    app.wait_for_text("#folder-brought-in", "From Ben Okafor").await;
    p.ben.ok(&["agenda", "add", "--meeting", &p.meeting, "--title", "Grant writing circle"]);
    p.ben.ok(&["folder", "sync"]);
    app.wait_for_text("#folder-waiting", "From Ben Okafor (waiting)").await;
    for v in app.axe_violations().await {
        problems.push(format!("dark sync with a file waiting: {v}"));
    }
    settle_for_screenshot(&app, "#sync-folder").await;
    app.screenshot("sync-folder-waiting-dark.png").await;
    // Preview goes to the usual preview and apply; once applied, it waits no more.
    click(&app, "#folder-waiting button").await;
    app.wait_for_text("#import-preview", "Ben Okafor").await;
    click(&app, "#apply-bundle").await;
    app.wait_for_text("#import-done", "Imported").await;
    wait_without_text(&app, "#sync-folder", "(waiting)").await;
    app.quit().await;
    assert!(problems.is_empty(), "accessibility problems:\n{}", problems.join("\n"));
}
