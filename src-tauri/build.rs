// Tauri's build step, with one permission per app command (`allow-<name>`), so the
// window's capability in tauri.conf.json allows exactly Kinship's own commands.

/// The files that declare commands.
const COMMAND_FILES: &[&str] = &["src-tauri/commands.rs", "src-tauri/sync_commands.rs"];

/// The command names declared in the `commands!` block of commands.rs, and with
/// `#[tauri::command]` in the command files.
fn command_names() -> Vec<String> {
    let mut names = Vec::new();
    for file in COMMAND_FILES {
        let source = std::fs::read_to_string(file).unwrap_or_else(|_| panic!("{file}"));
        names_in(&source, &mut names);
    }
    names
}

fn names_in(source: &str, names: &mut Vec<String>) {
    let mut lines = source.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let in_block = line.starts_with("    ") && trimmed.contains(") -> ") && trimmed.contains("=> |s|");
        let after_attribute = trimmed == "#[tauri::command]";
        let declaration = if after_attribute { lines.next().unwrap_or("").trim_start() } else { trimmed };
        if in_block || after_attribute {
            let name = declaration
                .trim_start_matches("pub ")
                .trim_start_matches("async ")
                .trim_start_matches("fn ")
                .split('(')
                .next()
                .unwrap()
                .trim();
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                names.push(name.to_string());
            }
        }
    }
}

fn main() {
    for file in COMMAND_FILES {
        println!("cargo:rerun-if-changed={file}");
    }
    let names: &'static [&'static str] = Box::leak(
        command_names().into_iter().map(|n| &*Box::leak(n.into_boxed_str())).collect::<Vec<_>>().into_boxed_slice(),
    );
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(names)),
    )
    .expect("failed to run the Tauri build step");
}
