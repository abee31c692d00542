//! Members in the real window: an invite another member made is shown on a member's Sync
//! screen and circle home instead of a bare "Invite", and a long name in the top bar ends in
//! an ellipsis without crowding the navigation.

use crate::e2e::{App, Display, ONE_AT_A_TIME};
use crate::e2e_sync::Pair;
use crate::util::DataDir;

#[tokio::test]
async fn ben_sees_the_invite_ana_made_for_cam() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let pair = Pair::new();
    let invite = pair.files.path().join("invite-cam.kinship");
    let args = [
        "invite",
        "--circle",
        &pair.circle,
        "--name",
        "Cam Lee",
        "--email",
        "cam@uni.edu",
        "--out",
        invite.to_str().unwrap(),
    ];
    pair.ana.run_with_env(&args, &[("KINSHIP_PASSPHRASE", "river lantern orchard")]).success();
    pair.send(&pair.ana, &pair.ben, "cam-invited.kinship");

    let display = Display::get();
    let app = App::launch(&display, pair.ben.path()).await;
    app.wait_for("#circle-list").await;
    app.go(&format!("#/sync/{}", pair.circle)).await;
    let row = app.wait_for_text("#sync-member-list [data-member-id] .invite-note", "Invited by Ana Reyes on").await;
    assert!(row.contains(", expires "), "{row}");
    let button = app.wait_for_text("#sync-member-list .sync-member .row-actions button", "Invite").await;
    assert_eq!(button, "Invite again", "the invite is said first; a new one is still possible");
    app.client.execute("document.activeElement.blur(); window.scrollTo(0, 0)", vec![]).await.unwrap();
    app.screenshot("sync-invited-by-another.png").await;

    app.go(&format!("#/circle/{}", pair.circle)).await;
    let home = app.wait_for_text("#member-list .invite-note", "Invited by Ana Reyes on").await;
    assert!(home.contains(", expires "), "{home}");
    app.quit().await;
}

#[tokio::test]
async fn a_long_name_ends_in_an_ellipsis_in_the_top_bar() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let name = "Maximiliana Alexandra Konstantinopoulou-Featherstonehaugh II";
    assert_eq!(name.chars().count(), 60);
    let d = DataDir::new();
    d.ok(&["init", "--name", name, "--email", "max@uni.edu"]);
    d.ok(&["circle", "create", "Early-career librarians"]);
    let display = Display::get();
    let app = App::launch(&display, d.path()).await;
    app.wait_for("#circle-list").await;
    app.client.execute("document.activeElement.blur()", vec![]).await.unwrap();
    app.screenshot("long-name.png").await;
    let title = app.wait_for("#whoami").await.attr("title").await.unwrap();
    assert_eq!(title.as_deref(), Some(name), "the whole name is in the title");
    let script = "const w = document.getElementById('whoami'); \
                  const links = [...document.querySelectorAll('#site-nav a')]; \
                  const navEnd = Math.max(...links.map((a) => a.getBoundingClientRect().right)); \
                  return { cut: w.scrollWidth > w.clientWidth, clear: navEnd <= w.getBoundingClientRect().left, \
                           oneLine: links.every((a) => a.getBoundingClientRect().height < 40) };";
    let shown = app.client.execute(script, vec![]).await.unwrap();
    assert_eq!(shown, serde_json::json!({"cut": true, "clear": true, "oneLine": true}), "{shown}");
    app.quit().await;
}
