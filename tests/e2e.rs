//! These tests start Xvfb (unless a display is already set), tauri-driver (which drives
//! Debian's WebKitWebDriver) and the real `kinship-desktop` binary on a fresh data folder.

use fantoccini::{Client, Locator};
pub use kinship_window_driver::{Display, KillOnDrop};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One desktop app at a time: two cores, and every app has its own driver and display.
pub static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

pub const WAIT: Duration = Duration::from_secs(20);

/// The desktop app on a data folder, driven through WebDriver.
pub struct App {
    pub client: Client,
    _driver: KillOnDrop,
}

impl App {
    pub async fn launch(display: &Display, data_dir: &Path) -> App {
        Self::launch_with_env(display, data_dir, &[]).await
    }

    /// Like [`App::launch`], with extra environment for the app (e.g. a dark GTK theme).
    pub async fn launch_with_env(display: &Display, data_dir: &Path, env: &[(&str, &str)]) -> App {
        Self::launch_with_args(display, data_dir, env, &[]).await
    }

    /// Like [`App::launch_with_env`], with command-line arguments (a file to open).
    pub async fn launch_with_args(display: &Display, data_dir: &Path, env: &[(&str, &str)], args: &[&str]) -> App {
        let data_dir = data_dir.to_str().expect("a data folder named in UTF-8");
        let env: Vec<(&str, &str)> = [("KINSHIP_DATA_DIR", data_dir)].into_iter().chain(env.iter().copied()).collect();
        let app = Path::new(env!("CARGO_BIN_EXE_kinship-desktop"));
        let (client, driver) = kinship_window_driver::open_window(display, app, args, &env).await;
        App { client, _driver: driver }
    }

    pub async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let input = self.wait_for(css).await;
        input.clear().await.unwrap();
        input.send_keys(text).await.unwrap();
    }

    /// Goes to an address of the app, like `#/circle/<id>`.
    pub async fn go(&self, hash: &str) {
        self.client.execute("window.location.hash = arguments[0]", vec![serde_json::json!(hash)]).await.unwrap();
    }

    /// Sets an input's value directly (date pickers do not take typed ISO dates reliably).
    pub async fn set_value(&self, css: &str, value: &str) {
        self.wait_for(css).await;
        let script = "const el = document.querySelector(arguments[0]); el.value = arguments[1]; \
                      el.dispatchEvent(new Event('input', { bubbles: true }));";
        self.client.execute(script, vec![serde_json::json!(css), serde_json::json!(value)]).await.unwrap();
    }

    /// Runs axe-core (WCAG 2.1 A and AA rules) on the page; returns one line per violation.
    pub async fn axe_violations(&self) -> Vec<String> {
        let path = std::env::var("KINSHIP_AXE_JS")
            .map(PathBuf::from)
            .unwrap_or_else(|_| crate::util::bin_dir().join("../axe-core-4.14.1/axe.min.js"));
        let axe = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{} is missing: scripts/test downloads axe-core", path.display()));
        self.client.execute(&format!("{axe}\nreturn typeof axe;"), vec![]).await.unwrap();
        let run = "const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
              .then((r) => done(r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)))
              .catch((e) => done([`axe could not run: ${e}`]));";
        let found = self.client.execute_async(run, vec![]).await.unwrap();
        found.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
    }

    /// The id of the focused element.
    pub async fn focused_id(&self) -> String {
        self.client.active_element().await.unwrap().attr("id").await.unwrap().unwrap_or_default()
    }

    /// Waits until `css` is shown and its text contains `expected`; returns the text.
    pub async fn wait_for_text(&self, css: &str, expected: &str) -> String {
        let started = Instant::now();
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                let text = el.text().await.unwrap_or_default();
                if text.contains(expected) {
                    return text;
                }
                assert!(started.elapsed() < WAIT, "{css} says {text:?}, never {expected:?}");
            }
            assert!(started.elapsed() < WAIT, "{css} never appeared");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        let dir = crate::util::bin_dir().join("e2e-screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), png).unwrap();
    }

    pub async fn quit(self) {
        self.client.close().await.unwrap();
    }
}

const TRICKY_NAME: &str = "<b>Rare books</b> & <img src=x onerror=alert(1)>";

#[tokio::test]
async fn a_person_sets_up_kinship_creates_a_circle_and_finds_it_after_a_restart() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let display = Display::get();
    let data = tempfile::tempdir().unwrap();

    let app = App::launch(&display, data.path()).await;
    // First run: the welcome form, with the cursor already in its first field.
    app.wait_for("#welcome-form").await;
    let nav_shown = app.wait_for("#site-nav").await.is_displayed().await.unwrap();
    assert!(!nav_shown, "the navigation waits until the person is set up");
    let first = app.focused_id().await;
    assert!(first.starts_with("f-name"), "focus starts in the name field, not {first:?}");
    app.screenshot("welcome.png").await;
    app.client.active_element().await.unwrap().send_keys("Ana Reyes").await.unwrap();
    app.fill("#welcome-form input[name=email]", "ana@uni.edu").await;
    app.fill("#welcome-form input[name=pronouns]", "she/her").await;
    // Enter submits: the form works from the keyboard.
    app.wait_for("#welcome-form input[name=pronouns]").await.send_keys("\u{E007}").await.unwrap();

    app.wait_for("#new-circle-form").await;
    app.wait_for_text("#whoami", "Ana Reyes").await;
    app.wait_for_text("#circle-list", "not in any circle yet").await;

    // An empty name: the error summary says so, takes focus, and the field is marked.
    app.wait_for("#new-circle-form button[type=submit]").await.click().await.unwrap();
    app.wait_for_text("#new-circle-form .error-summary", "Circle name cannot be empty").await;
    let focused = app.client.active_element().await.unwrap().attr("class").await.unwrap();
    assert_eq!(focused.as_deref(), Some("error-summary"), "the error summary takes focus");
    let invalid = app.wait_for("#new-circle-form input[name=name]").await.attr("aria-invalid").await.unwrap();
    assert_eq!(invalid.as_deref(), Some("true"));

    // Markup in a name is shown as the text it is; the new circle opens.
    app.fill("#new-circle-form input[name=name]", TRICKY_NAME).await;
    app.fill("#new-circle-form textarea[name=purpose]", "Peer support for rare-books librarians").await;
    app.wait_for("#new-circle-form button[type=submit]").await.click().await.unwrap();
    assert_eq!(app.wait_for_text("#circle-title", "Rare books").await, TRICKY_NAME);
    app.wait_for_text("#setup-steps", "Add the members").await;
    app.go("#/").await;
    let title = app.wait_for_text("#circle-list li h3", "Rare books").await;
    assert_eq!(title, TRICKY_NAME);
    assert!(app.client.find_all(Locator::Css("#circle-list img, #circle-list b, #main img")).await.unwrap().is_empty());

    app.fill("#new-circle-form input[name=name]", "Early-career librarians").await;
    app.fill("#new-circle-form textarea[name=purpose]", "Monthly support for our first years in academic libraries.")
        .await;
    app.wait_for("#new-circle-form button[type=submit]").await.click().await.unwrap();
    app.wait_for_text("#circle-title", "Early-career librarians").await;
    app.quit().await;

    // A restart on the same data folder: both circles are still there.
    let app = App::launch(&display, data.path()).await;
    let list = app.wait_for_text("#circle-list", "Early-career librarians").await;
    assert!(list.contains("Rare books"), "{list}");
    assert_eq!(app.client.find_all(Locator::Css("#circle-list li")).await.unwrap().len(), 2);
    app.quit().await;
}

#[tokio::test]
async fn search_finds_a_note_and_opens_its_meeting() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let d = crate::util::DataDir::new();
    let circle = d.with_circle();
    let meeting = d.ok(&["meeting", "create", "--circle", &circle, "--starts-at", "2026-12-08T18:00:00Z"]);
    let item = d.ok(&["agenda", "add", "--meeting", &meeting, "--title", "Tenure dossier"]);
    d.ok(&["agenda", "edit", "--item", &item, "--notes", "Ask <script>alert(1)</script> about external reviewers"]);

    let display = Display::get();
    let app = App::launch(&display, d.path()).await;
    app.wait_for("#circle-list").await;
    app.go("#/search").await;
    app.fill("#search-text", "review").await;
    let hit = app.wait_for_text("#search-results li", "Tenure dossier").await;
    assert!(hit.contains("<script>alert(1)</script>"), "markup in a note is shown as text: {hit}");
    assert_eq!(app.wait_for("#search-results mark").await.text().await.unwrap(), "reviewers");
    app.screenshot("search.png").await;
    app.wait_for("#search-results li a").await.click().await.unwrap();
    let url = app.client.current_url().await.unwrap();
    assert!(url.fragment().unwrap_or("").contains(&meeting), "opened {url}");
    app.quit().await;
}

#[tokio::test]
async fn goals_and_the_resources_board_work_from_the_window() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let d = crate::util::DataDir::new();
    let circle = d.with_circle();
    let display = Display::get();
    let app = App::launch(&display, d.path()).await;
    app.wait_for("#circle-list").await;
    app.go("#/goals").await;
    app.fill("#new-goal-form input[name=text]", "Publish my first peer-reviewed article").await;
    app.set_value("#new-goal-form input[name=target_date]", "2027-06-01").await;
    app.wait_for("#new-goal-form button[type=submit]").await.click().await.unwrap();
    let card = app.wait_for_text("#goal-list .goal-card", "Publish my first").await;
    assert!(card.to_lowercase().contains("private"), "goals are private by default: {card}");
    assert!(card.contains("June 1, 2027") || card.contains("1 June 2027"), "{card}");
    app.fill("#goal-list .note-form textarea", "Abstract accepted").await;
    app.wait_for("#goal-list .note-form button[type=submit]").await.click().await.unwrap();
    app.wait_for_text("#goal-list .goal-notes", "Abstract accepted").await;
    app.screenshot("goals.png").await;

    app.go(&format!("#/board/{circle}")).await;
    app.fill("#new-resource-form input[name=title]", "ACRL 2027 call for proposals").await;
    app.fill("#new-resource-form input[name=url]", "javascript:alert(1)").await;
    app.wait_for("#new-resource-form button[type=submit]").await.click().await.unwrap();
    app.wait_for_text("#new-resource-form .error-summary", "not a web address").await;
    app.fill("#new-resource-form input[name=url]", "https://acrl.example.org/2027/cfp").await;
    app.set_value("#new-resource-form input[name=deadline]", "2027-01-15").await;
    app.fill("#new-resource-form textarea[name=note]", "Panel or poster; we could co-present.").await;
    app.wait_for("#new-resource-form button[type=submit]").await.click().await.unwrap();
    let resource = app.wait_for_text("#resource-list .resource-card", "ACRL 2027").await;
    assert!(resource.contains("Deadline: ") && resource.contains("Open in browser"), "{resource}");
    assert!(
        app.client.find_all(Locator::Css("#resource-list a[href^=http]")).await.unwrap().is_empty(),
        "no in-window links"
    );
    app.client.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
    app.screenshot("board.png").await;
    app.quit().await;

    let dump = d.ok(&["dump", "--circle", &circle]);
    assert!(dump.contains("ACRL 2027 call for proposals"));
    assert!(!dump.contains("Publish my first"), "a private goal stays on this laptop");
}

#[tokio::test]
async fn every_screen_passes_axe_in_light_and_dark() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let d = crate::util::DataDir::new();
    let circle = d.with_circle();
    let ben = d.ok(&["member", "add", "--circle", &circle, "--name", "Ben Okafor", "--email", "ben@college.edu"]);
    let ended = d.ok(&["meeting", "create", "--circle", &circle, "--starts-at", "2026-01-13T18:00:00Z"]);
    d.ok(&[
        "agenda",
        "add",
        "--meeting",
        &ended,
        "--title",
        "Job talk practice",
        "--kind",
        "member_turn",
        "--member",
        &ben,
    ]);
    d.ok(&["agenda", "add", "--meeting", &ended, "--title", "Conference plans"]);
    d.ok(&["meeting", "start", "--meeting", &ended]);
    d.ok(&["decision", "add", "--meeting", &ended, "--text", "Co-present in spring"]);
    d.ok(&[
        "action",
        "add",
        "--meeting",
        &ended,
        "--text",
        "Draft the abstract",
        "--owner",
        &ben,
        "--due",
        "2026-01-27",
    ]);
    let me = serde_json::from_str::<serde_json::Value>(&d.ok(&["--json", "member", "list", "--circle", &circle]))
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "Ana Reyes")
        .map(|m| m["id"].as_str().unwrap().to_string())
        .unwrap();
    // One of Ana's own, overdue, for My actions.
    d.ok(&["action", "add", "--meeting", &ended, "--text", "Send the notes", "--owner", &me, "--due", "2026-01-20"]);
    d.ok(&["meeting", "end", "--meeting", &ended]);
    let running = d.ok(&["meeting", "create", "--circle", &circle, "--starts-at", "2026-02-10T18:00:00Z"]);
    d.ok(&["template", "apply", "--meeting", &running, "--template", "builtin:check-in"]);
    d.ok(&["meeting", "start", "--meeting", &running]);
    let scheduled = d.ok(&["meeting", "create", "--circle", &circle, "--starts-at", "2027-03-09T18:00:00Z"]);
    d.ok(&["reflect", "--meeting", &ended, "--text", "I learned to ask early."]);
    d.ok(&[
        "reflect",
        "--meeting",
        &ended,
        "--prompt",
        "What am I grateful for?",
        "--text",
        "Thank you all.",
        "--share",
    ]);
    d.ok(&["goal", "add", "--circle", &circle, "--text", "Publish an article"]);
    d.ok(&[
        "resource",
        "add",
        "--circle",
        &circle,
        "--title",
        "ACRL 2027",
        "--kind",
        "conference",
        "--deadline",
        "2027-01-15",
    ]);

    let screens = [
        "#/".to_string(),
        format!("#/circle/{circle}"),
        format!("#/meeting/{running}"),
        format!("#/meeting/{ended}"),
        format!("#/meeting/{ended}/agenda"),
        format!("#/reflections/{circle}"),
        format!("#/run/{scheduled}"),
        format!("#/run/{running}"),
        format!("#/run/{ended}"),
        format!("#/reflect/{ended}"),
        "#/journal".into(),
        "#/goals".into(),
        "#/actions".into(),
        format!("#/board/{circle}"),
        "#/search".into(),
        "#/record".into(),
        "#/data".into(),
    ];
    let display = Display::get();
    let mut problems = Vec::new();
    for (theme, env) in [("light", vec![]), ("dark", vec![("GTK_THEME", "Adwaita:dark")])] {
        let app = App::launch_with_env(&display, d.path(), &env).await;
        app.wait_for("#circle-list").await;
        for screen in &screens {
            app.go(screen).await;
            // Let the view render (each view replaces the page's <h1>).
            tokio::time::sleep(Duration::from_millis(600)).await;
            for v in app.axe_violations().await {
                problems.push(format!("{theme} {screen}: {v}"));
            }
            if theme == "dark" && screen.starts_with("#/run/") && screen.ends_with(&running) {
                app.screenshot("run-mode-dark.png").await;
            }
            if theme == "dark" && screen == &format!("#/meeting/{ended}") {
                app.screenshot("minutes-dark.png").await;
            }
            if screen == "#/actions" {
                app.wait_for_text("#my-actions", "Send the notes").await;
                app.client.execute("document.activeElement.blur()", vec![]).await.unwrap();
                app.screenshot(&format!("my-actions-{theme}.png")).await;
            }
            if screen == &format!("#/circle/{circle}") {
                // Ben has no invite yet: the set-up checklist and the people form are on it.
                app.wait_for_text("#setup-steps", "No invite yet for Ben Okafor.").await;
                app.wait_for("#people-form .person-row").await;
                if theme == "dark" {
                    app.client.execute("document.activeElement.blur()", vec![]).await.unwrap();
                    app.screenshot("setup-checklist-dark.png").await;
                } else {
                    // The step's button offers the invite for the one still without one.
                    app.wait_for("#setup-invites").await.click().await.unwrap();
                    app.wait_for_text("#invite-batch-who", "For Ben Okafor.").await;
                    let passphrase = app.wait_for("#batch-invite-form input[name=batch_passphrase]").await;
                    assert_eq!(app.focused_id().await, passphrase.attr("id").await.unwrap().unwrap());
                }
            }
            if theme == "dark" && screen.starts_with("#/reflections/") {
                app.screenshot("shared-reflections-dark.png").await;
            }
            if screen == "#/" {
                // Without the focus ring a navigation leaves on the page.
                app.client.execute("document.activeElement.blur()", vec![]).await.unwrap();
                app.screenshot(if theme == "dark" { "circles-dark.png" } else { "circles.png" }).await;
            }
        }
        app.quit().await;
    }
    assert!(problems.is_empty(), "accessibility problems:\n{}", problems.join("\n"));
}
