//! From install to a running circle in few steps, walked in the real window as a person
//! would, counting what they do: every field filled, click and submitting key is one action.
//! The organiser: set up, start a circle (it opens with its set-up checklist), add two people
//! in one form and make their invites from the same place, schedule the first meeting from a
//! template and add a talking point: at most 15. A member: open the invite file, join (the
//! passphrase not counted), add a first talking point on the agenda they land on, and share
//! it from the bar that offers it: at most 5.

use crate::e2e::{App, Display, ONE_AT_A_TIME, WAIT};
use crate::util::DataDir;
use fantoccini::Locator;
use std::path::Path;
use std::time::{Duration, Instant};

const PASSPHRASE: &str = "river lantern orchard";
const ENTER: &str = "\u{E007}";

/// The person's actions, counted as they are done, and named for the report of a failure.
struct Person<'a> {
    app: &'a App,
    done: Vec<String>,
}

impl<'a> Person<'a> {
    fn new(app: &'a App) -> Self {
        Person { app, done: Vec::new() }
    }

    /// One action the system does for them (opening a file from the email).
    fn opened(&mut self, what: &str) {
        self.done.push(format!("open {what}"));
    }

    async fn fill(&mut self, css: &str, text: &str) {
        self.app.fill(css, text).await;
        self.done.push(format!("fill {css}"));
    }

    /// Types into the field that has the focus: where the screen put the cursor.
    async fn type_here(&mut self, text: &str) {
        let id = self.app.focused_id().await;
        self.app.client.active_element().await.unwrap().send_keys(text).await.unwrap();
        self.done.push(format!("type into #{id}"));
    }

    async fn press_enter(&mut self) {
        self.app.client.active_element().await.unwrap().send_keys(ENTER).await.unwrap();
        self.done.push("press Enter".into());
    }

    async fn click(&mut self, css: &str) {
        self.app.wait_for(css).await.click().await.unwrap_or_else(|e| panic!("could not click {css}: {e}"));
        self.done.push(format!("click {css}"));
    }

    fn at_most(&self, limit: usize) {
        assert!(self.done.len() <= limit, "{} actions, more than {limit}:\n{}", self.done.len(), self.done.join("\n"));
    }
}

/// The files in a folder, by name.
fn files_in(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
}

/// Waits until the focus is in `css`.
async fn wait_for_focus(app: &App, css: &str) {
    let started = Instant::now();
    let script = "return document.activeElement === document.querySelector(arguments[0])";
    while app.client.execute(script, vec![serde_json::json!(css)]).await.unwrap() != true {
        assert!(started.elapsed() < WAIT, "the focus never went to {css} (it is on #{})", app.focused_id().await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn axe_clean(app: &App, what: &str) {
    let problems = app.axe_violations().await;
    assert!(problems.is_empty(), "accessibility problems {what}:\n{}", problems.join("\n"));
}

async fn settle(app: &App) {
    app.client.execute("document.activeElement.blur(); window.scrollTo(0, 0)", vec![]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
}

#[tokio::test]
async fn an_organiser_gets_a_circle_going_in_at_most_fifteen_actions() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let d = DataDir::new();
    let saves = tempfile::tempdir().unwrap();
    let display = Display::get();
    let app = App::launch_with_env(&display, d.path(), &[("KINSHIP_EXPORT_DIR", saves.path().to_str().unwrap())]).await;
    let mut ana = Person::new(&app);

    app.wait_for("#welcome-form").await;
    ana.fill("#welcome-form input[name=name]", "Ana Reyes").await;
    ana.fill("#welcome-form input[name=email]", "ana@uni.edu").await;
    ana.press_enter().await;

    // Creating the circle opens it, with its checklist.
    ana.fill("#new-circle-form input[name=name]", "Early-career librarians").await;
    ana.click("#new-circle-form button[type=submit]").await;
    app.wait_for_text("#circle-title", "Early-career librarians").await;
    app.wait_for_text("#setup-progress", "0 of 4 done").await;
    let steps = app.wait_for_text("#setup-steps", "Add the members").await;
    for step in ["Make their invites", "Schedule the first meeting", "Start the agenda"] {
        assert!(steps.contains(step), "{steps}");
    }
    settle(&app).await;
    app.screenshot("setup-checklist.png").await;

    // Two people in one form, then their invites from the same place.
    ana.fill("#people-form .person-row:nth-child(1) input[name=name]", "Ben Okafor").await;
    ana.fill("#people-form .person-row:nth-child(1) input[name=email]", "ben@college.edu").await;
    ana.fill("#people-form .person-row:nth-child(2) input[name=name]", "Cam Lee").await;
    ana.fill("#people-form .person-row:nth-child(2) input[name=email]", "cam@uni.edu").await;
    ana.click("#add-people").await;
    app.wait_for_text("#member-list", "Cam Lee").await;
    app.wait_for_text("#invite-batch-who", "Ben Okafor, Cam Lee").await;
    wait_for_focus(&app, "#batch-invite-form input[name=batch_passphrase]").await;
    app.wait_for_text("#setup-progress", "1 of 4 done").await;
    app.wait_for_text("#setup-steps [data-step=invites]", "No invite yet for Ben Okafor and Cam Lee.").await;
    ana.fill("#batch-invite-form input[name=batch_passphrase]", PASSPHRASE).await;
    ana.click("#make-invites").await;
    app.wait_for_text("#invite-saved-0", "Saved the invite for Ben Okafor").await;
    app.wait_for_text("#invite-saved-1", "Saved the invite for Cam Lee").await;
    app.wait_for_text("#email-invite-1", "Open email to Cam Lee").await;
    app.wait_for_text("#setup-progress", "2 of 4 done").await;
    app.client.execute("document.activeElement.blur()", vec![]).await.unwrap();
    app.client
        .execute("document.getElementById('people-card').scrollIntoView({ block: 'center' })", vec![])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.screenshot("people-invites.png").await;

    // The first meeting: a week from now at six, from the first template, its agenda opened
    // with the cursor in "Add a talking point".
    let chosen = app.wait_for("#schedule-form select[name=template]").await.prop("value").await.unwrap();
    assert_eq!(chosen.as_deref(), Some("builtin:check-in"), "a first meeting starts from a template");
    ana.click("#schedule-meeting").await;
    app.wait_for("#meeting-title").await;
    app.wait_for_text("#agenda-list", "Opening round").await;
    wait_for_focus(&app, "#add-item-form input[name=title]").await;
    ana.type_here("Conference plans").await;
    ana.press_enter().await;
    app.wait_for_text("#agenda-list", "Conference plans").await;
    ana.at_most(15);

    // Everything is done: the checklist has gone from the home.
    let circle = serde_json::from_str::<serde_json::Value>(&d.ok(&["--json", "circle", "list"])).unwrap()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.go(&format!("#/circle/{circle}")).await;
    app.wait_for_text("#upcoming-meetings", "Early-career librarians").await;
    let checklist = app.wait_for("#setup-checklist").await;
    assert!(!checklist.is_displayed().await.unwrap(), "the checklist is gone once every step is done");

    // Two invites, each its own file, each opening with the one passphrase told.
    let invites = files_in(saves.path());
    assert_eq!(invites.len(), 2, "{invites:?}");
    let cam = DataDir::new();
    let joined = cam.run_with_env(&["join", invites[1].to_str().unwrap()], &[("KINSHIP_PASSPHRASE", PASSPHRASE)]);
    assert!(joined.success().contains("You joined Early-career librarians"));

    // A bad email refuses the whole form, said beside its row.
    app.fill("#people-form .person-row:nth-child(1) input[name=name]", "Dee Park").await;
    app.fill("#people-form .person-row:nth-child(1) input[name=email]", "dee@uni.edu").await;
    app.fill("#people-form .person-row:nth-child(2) input[name=name]", "Eli Moss").await;
    app.fill("#people-form .person-row:nth-child(2) input[name=email]", "eli").await;
    app.wait_for("#add-people").await.click().await.unwrap();
    let said = app.wait_for_text("#people-form .person-row:nth-child(2) .field-error", "Person 2 is not valid").await;
    assert!(said.contains("'eli' does not look like an email address"), "{said}");
    app.wait_for_text("#people-form .error-summary", "Person 2 is not valid").await;
    assert!(!d.ok(&["member", "list", "--circle", &circle]).contains("Dee Park"), "all or none");
    app.quit().await;
}

#[tokio::test]
async fn a_member_joins_and_shares_a_first_talking_point_in_at_most_five_actions() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    // Ana's circle, with a meeting whose agenda she started, and her invite for Ben.
    let ana = DataDir::new();
    let circle = ana.with_circle();
    let meeting = ana.ok(&["meeting", "create", "--circle", &circle, "--starts-at", "2027-03-09T18:00:00Z"]);
    ana.ok(&["agenda", "add", "--meeting", &meeting, "--title", "Opening round"]);
    let files = tempfile::tempdir().unwrap();
    let invite = files.path().join("invite-ben.kinship");
    let args = ["invite", "--circle", &circle, "--name", "Ben Okafor", "--email", "ben@college.edu", "--out"];
    let mut args = args.to_vec();
    args.push(invite.to_str().unwrap());
    ana.run_with_env(&args, &[("KINSHIP_PASSPHRASE", PASSPHRASE)]).success();

    let ben = DataDir::new();
    let saves = tempfile::tempdir().unwrap();
    let display = Display::get();
    // Ben opens the invite from the email: Kinship starts on it.
    let env = [("KINSHIP_EXPORT_DIR", saves.path().to_str().unwrap())];
    let app = App::launch_with_args(&display, ben.path(), &env, &[invite.to_str().unwrap()]).await;
    let mut person = Person::new(&app);
    person.opened("invite-ben.kinship");
    app.wait_for_text("#opened-file", "invite-ben.kinship").await;
    app.fill("#join-form input[name=passphrase]", PASSPHRASE).await; // not counted: the brief's rule
    person.click("#join-submit").await;

    // He lands on the next meeting's agenda, the cursor in "Add a talking point", hello offered.
    app.wait_for_text("#meeting-title", "Early-career librarians").await;
    app.wait_for_text("#whoami", "Ben Okafor").await;
    wait_for_focus(&app, "#add-item-form input[name=title]").await;
    let hello = app.wait_for_text("#hello-line", "Send hello to the circle").await;
    assert!(hello.contains("You joined the circle"), "{hello}");
    let link = app.wait_for("#send-hello-link").await.attr("href").await.unwrap().unwrap_or_default();
    assert!(link.ends_with(&format!("#/sync/{circle}?hello")), "the hello card is one click away: {link}");
    person.type_here("Job talk nerves").await;
    person.press_enter().await;
    app.wait_for_text("#agenda-list", "Job talk nerves").await;

    // Sharing is offered right there, and one click saves the bundle and opens the email.
    let offer = app.wait_for_text("#share-reminder", "Ana Reyes does not have").await;
    assert!(offer.ends_with("latest changes on this laptop."), "{offer}");
    axe_clean(&app, "on the agenda with hello and the share offer").await;
    settle(&app).await;
    app.screenshot("share-bar.png").await;
    person.click("#share-now").await;
    app.wait_for_text("#bar-saved", "Saved ").await;
    app.wait_for_text("#bar-email", "Open the email again").await;
    person.at_most(5);
    assert!(app.client.find_all(Locator::Css("#share-reminder")).await.unwrap().is_empty(), "shared: no offer left");

    // It is a real bundle: Ana's laptop takes it, with Ben's talking point.
    let bundle = files_in(saves.path()).pop().expect("a saved bundle");
    let taken = ana.ok(&["import", bundle.to_str().unwrap()]);
    assert!(taken.contains("From Ben Okafor"), "{taken}");
    assert!(ana.ok(&["agenda", "list", "--meeting", &meeting]).contains("Job talk nerves"));
    app.quit().await;

    // A later change offers sharing again; the bar in the dark theme.
    ben.ok(&["agenda", "add", "--meeting", &meeting, "--title", "Conference plans"]);
    let app = App::launch_with_env(&display, ben.path(), &[("GTK_THEME", "Adwaita:dark")]).await;
    app.wait_for("#circle-list").await;
    app.go(&format!("#/meeting/{meeting}")).await;
    app.wait_for_text("#share-reminder", "Ana Reyes does not have the latest change on this laptop.").await;
    axe_clean(&app, "on the agenda with the share offer, dark").await;
    settle(&app).await;
    app.screenshot("share-bar-dark.png").await;
    app.quit().await;
}
