//! The smallest Tauri 2 window: the page in `ui/`, nothing else.

fn main() {
    tauri::Builder::default().run(tauri::generate_context!()).expect("the hello-world window could not start");
}
