// Tauri's build step, with one permission per app command (`allow-<name>`), so the
// window's capability in tauri.conf.json allows exactly Kinship's own commands.

/// The command names declared in the `commands!` block of commands.rs (plus the ones
/// declared after it with `#[tauri::command]`).
fn command_names() -> Vec<String> {
    let source = std::fs::read_to_string("src-tauri/commands.rs").expect("src-tauri/commands.rs");
    let mut names = Vec::new();
    let mut lines = source.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let in_block = line.starts_with("    ") && trimmed.contains(") -> ") && trimmed.contains("=> |s|");
        let after_attribute = trimmed == "#[tauri::command]";
        let declaration = if after_attribute { lines.next().unwrap_or("").trim_start() } else { trimmed };
        if in_block || after_attribute {
            let name = declaration.trim_start_matches("pub fn ").split('(').next().unwrap().trim();
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                names.push(name.to_string());
            }
        }
    }
    names
}

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/commands.rs");
    let names: &'static [&'static str] = Box::leak(
        command_names().into_iter().map(|n| &*Box::leak(n.into_boxed_str())).collect::<Vec<_>>().into_boxed_slice(),
    );
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(names)),
    )
    .expect("failed to run the Tauri build step");
}
