//! "Since you last looked" in the real window, two laptops: Ben adds a talking point and
//! shares a reflection; Ana imports his bundle on the Sync screen, follows "See what's new"
//! to the circle home, where the panel lists both; each entry opens its place, the panel
//! stays until she marks it seen (light and dark, checked with axe), and then stays gone.

use crate::e2e::{App, Display, ONE_AT_A_TIME};
use crate::e2e_sync::{accessible_screenshot, Pair};

const POINT: &str = "Conference <b>budget</b>";
const REFLECTION: &str = "I left the meeting braver than I came.";

async fn click(app: &App, css: &str) {
    app.wait_for(css).await.click().await.unwrap();
}

async fn fragment(app: &App) -> String {
    app.client.current_url().await.unwrap().fragment().unwrap_or_default().to_string()
}

#[tokio::test]
async fn since_you_last_looked_lists_what_an_import_brought_and_opens_it() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let pair = Pair::new();
    let (ana, ben, circle, meeting) = (&pair.ana, &pair.ben, &pair.circle, &pair.meeting);
    // Ana has looked at everything so far; Ben writes, and Ana's own new point is not news.
    ana.ok(&["new", "--circle", circle, "--mark-seen"]);
    ana.ok(&["agenda", "add", "--meeting", meeting, "--title", "Ana's own point"]);
    ben.ok(&["agenda", "add", "--meeting", meeting, "--title", POINT]);
    ben.ok(&["reflect", "--meeting", meeting, "--text", REFLECTION, "--share"]);
    let bundle = pair.files.path().join("from-ben.kinship");
    ben.ok(&["export", "--circle", circle, "--out", bundle.to_str().unwrap()]);

    let display = Display::get();
    let app = App::launch(&display, ana.path()).await;
    app.wait_for("#circle-list").await;
    app.go(&format!("#/circle/{circle}")).await;
    app.wait_for_text("#circle-title", "Early-career librarians").await;
    let hidden = app.wait_for("#since-panel").await.attr("hidden").await.unwrap();
    assert!(hidden.is_some(), "nothing new yet: no panel");

    // The import on the Sync screen leads to what it brought.
    app.go(&format!("#/sync/{circle}")).await;
    app.wait_for("#bundle-file").await.send_keys(bundle.to_str().unwrap()).await.unwrap();
    app.wait_for_text("#preview-summary", "From Ben Okafor").await;
    click(&app, "#apply-bundle").await;
    app.wait_for_text("#import-done", "Imported").await;
    click(&app, "#whats-new-link").await;
    let panel = app.wait_for_text("#since-panel", "Since you last looked").await;
    assert!(panel.contains("2 new things from Ben Okafor"), "{panel}");
    let points = app.wait_for_text("[data-kind=talking_points]", "New talking points").await;
    assert!(points.contains(POINT), "Ben's markup is text: {points}");
    assert!(!panel.contains("Ana's own point"), "what Ana wrote is not news to her: {panel}");
    let shared = app.wait_for_text("[data-kind=shared_reflections]", "Shared reflections").await;
    assert!(shared.contains(REFLECTION) && shared.contains("Shared by Ben Okafor"), "{shared}");
    assert!(app.client.find_all(fantoccini::Locator::Css("#since-panel b")).await.unwrap().is_empty());
    accessible_screenshot(&app, "on the circle home with news (light)", "#since-panel", "since-you-last-looked.png")
        .await;

    // The talking point opens its meeting's agenda, the reflection the circle's reflections.
    click(&app, "[data-kind=talking_points] a").await;
    app.wait_for_text("#main", POINT).await;
    assert!(fragment(&app).await.contains(meeting.as_str()), "opened {}", fragment(&app).await);
    app.go(&format!("#/circle/{circle}")).await;
    click(&app, "[data-kind=shared_reflections] a").await;
    app.wait_for_text("#shared-reflections", REFLECTION).await;
    assert_eq!(fragment(&app).await, format!("/reflections/{circle}"));
    app.quit().await;

    // Opening one left the rest: the panel is still there after a restart (dark this time),
    // until Ana marks it seen; then it stays gone.
    let app = App::launch_with_env(&display, ana.path(), &[("GTK_THEME", "Adwaita:dark")]).await;
    app.wait_for("#circle-list").await;
    app.go(&format!("#/circle/{circle}")).await;
    app.wait_for_text("#since-panel", "2 new things from Ben Okafor").await;
    accessible_screenshot(
        &app,
        "on the circle home with news (dark)",
        "#since-panel",
        "since-you-last-looked-dark.png",
    )
    .await;
    click(&app, "#mark-seen").await;
    crate::e2e_agenda::wait_for_announcement(&app, "Marked as seen.").await;
    assert!(app.wait_for("#since-panel").await.attr("hidden").await.unwrap().is_some());
    assert_eq!(app.focused_id().await, "circle-title", "the keyboard goes on from the page's heading");
    app.go("#/").await;
    app.wait_for("#circle-list").await;
    app.go(&format!("#/circle/{circle}")).await;
    app.wait_for_text("#circle-title", "Early-career librarians").await;
    assert!(app.wait_for("#since-panel").await.attr("hidden").await.unwrap().is_some(), "marked seen stays seen");
    app.quit().await;
    let after = ana.ok(&["new", "--circle", circle]);
    assert_eq!(after, "Since you last looked: Nothing new since you last looked.");
}
