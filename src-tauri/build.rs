// Tauri's build step, with one permission per app command so that capabilities can
// allow exactly the commands the window uses and nothing else.
fn main() {
    let commands = &["get_identity", "create_identity", "list_circles", "create_circle"];
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("failed to run the Tauri build step");
}
