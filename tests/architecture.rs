use crate::util::repo_root;
use std::collections::{BTreeSet, HashMap};

/// Every package `root` depends on at run time (normal dependencies, through Cargo.lock).
fn runtime_dependencies_of(root: &str) -> BTreeSet<String> {
    let lock: toml::Value = toml::from_str(&std::fs::read_to_string(repo_root().join("Cargo.lock")).unwrap()).unwrap();
    let mut deps_of: HashMap<String, Vec<String>> = HashMap::new();
    for package in lock["package"].as_array().unwrap() {
        let name = package["name"].as_str().unwrap().to_string();
        let deps = package.get("dependencies").and_then(|d| d.as_array()).cloned().unwrap_or_default();
        // Entries read "name" or "name version" when several versions are locked.
        let names = deps.iter().map(|d| d.as_str().unwrap().split(' ').next().unwrap().to_string());
        deps_of.entry(name).or_default().extend(names);
    }
    let mut seen = BTreeSet::new();
    let mut todo = vec![root.to_string()];
    while let Some(name) = todo.pop() {
        for dep in deps_of.get(&name).into_iter().flatten() {
            if seen.insert(dep.clone()) {
                todo.push(dep.clone());
            }
        }
    }
    seen
}

#[test]
fn the_core_and_the_cli_never_depend_on_tauri_or_a_gui_toolkit() {
    for package in ["kinship-core", "kinship-cli"] {
        let deps = runtime_dependencies_of(package);
        assert!(deps.contains("rusqlite"), "the walk found {package}'s dependencies: {deps:?}");
        let gui: Vec<_> = deps
            .iter()
            .filter(|d| ["tauri", "wry", "tao", "gtk", "webkit2gtk", "gdk", "muda"].iter().any(|g| d.starts_with(g)))
            .collect();
        assert!(gui.is_empty(), "{package} must stay free of GUI crates, found {gui:?}");
    }
    // The lock file could be stale; the manifest is the source of truth for direct dependencies.
    let manifest = std::fs::read_to_string(repo_root().join("crates/core/Cargo.toml")).unwrap();
    assert!(!manifest.contains("tauri"), "crates/core/Cargo.toml names tauri");
}

fn ui_files() -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut dirs = vec![repo_root().join("ui")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if matches!(path.extension().and_then(|e| e.to_str()), Some("js" | "html")) {
                let name = path.strip_prefix(repo_root()).unwrap().display().to_string();
                files.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    assert!(files.len() >= 4, "found the UI files: {:?}", files.iter().map(|f| &f.0).collect::<Vec<_>>());
    files
}

#[test]
fn the_ui_never_turns_text_into_markup_or_code() {
    for (name, text) in ui_files() {
        for banned in
            ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "javascript:"]
        {
            assert!(!text.contains(banned), "{name} uses {banned}: text must go in as text");
        }
        for remote in ["http://", "https://", "//cdn"] {
            assert!(!text.contains(remote), "{name} refers to remote content ({remote}); Kinship works offline");
        }
    }
}

#[test]
fn only_the_api_module_talks_to_the_core() {
    for (name, text) in ui_files() {
        if name != "ui/api.js" {
            assert!(
                !text.contains("invoke") && !text.contains("__TAURI__"),
                "{name} calls the core directly; go through ui/api.js"
            );
        }
    }
}

#[test]
fn the_content_security_policy_is_strict() {
    let conf: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo_root().join("tauri.conf.json")).unwrap()).unwrap();
    let csp = conf["app"]["security"]["csp"].as_str().unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("script-src 'self'"), "{csp}");
    assert!(
        !csp.contains("unsafe-inline")
            && !csp.contains("unsafe-eval")
            && !csp.replace("http://ipc.localhost", "").contains("http"),
        "{csp}"
    );
    let permissions = conf["app"]["security"]["capabilities"][0]["permissions"].as_array().unwrap();
    // Our own commands; beyond them only: hearing events (a dropped or opened file), showing a
    // saved file in its folder, and opening web and mail links outside the window.
    let (named, plugins): (Vec<_>, Vec<_>) = permissions.iter().partition(|p| p.is_string());
    let others: Vec<&str> = named.iter().map(|p| p.as_str().unwrap()).filter(|p| !p.starts_with("allow-")).collect();
    assert_eq!(
        others,
        ["opener:allow-reveal-item-in-dir", "core:event:allow-listen", "core:event:allow-unlisten"],
        "no other plugin or core permission"
    );
    assert_eq!(plugins.len(), 1, "{plugins:?}");
    assert_eq!(plugins[0]["identifier"], "opener:allow-open-url");
    let scopes: Vec<&str> =
        plugins[0]["allow"].as_array().unwrap().iter().map(|a| a["url"].as_str().unwrap()).collect();
    assert_eq!(scopes, ["https://*", "http://*", "mailto:*"], "no file: or custom schemes");
}

#[test]
fn both_shells_report_errors_as_code_message_and_field() {
    let err = kinship_desktop::CommandError::from(kinship_core::Error::Empty { field: "Circle name" });
    let expected = serde_json::json!({"code": "empty", "message": "Circle name cannot be empty. Please fill it in.", "field": "Circle name"});
    assert_eq!(serde_json::to_value(err).unwrap(), expected);
    let not_found = kinship_desktop::CommandError::from(kinship_core::Error::NoIdentity);
    assert_eq!(serde_json::to_value(not_found).unwrap()["field"], serde_json::Value::Null);

    // The CLI prints the same error in the same shape under --json.
    let d = crate::util::DataDir::new();
    d.ok(&["init", "--name", "Ana Reyes", "--email", "ana@uni.edu"]);
    let printed = d.fails(&["--json", "circle", "create", "  "]);
    let printed: serde_json::Value = serde_json::from_str(&printed).unwrap_or_else(|e| panic!("{e}: {printed}"));
    assert_eq!(printed, expected);
}

#[test]
fn the_window_may_call_every_command_and_nothing_else() {
    let conf: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo_root().join("tauri.conf.json")).unwrap()).unwrap();
    let mut allowed: Vec<String> = conf["app"]["security"]["capabilities"][0]["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str().filter(|p| p.starts_with("allow-")).map(str::to_string))
        .collect();
    let mut commands: Vec<String> =
        kinship_desktop::COMMAND_NAMES.iter().map(|n| format!("allow-{}", n.replace('_', "-"))).collect();
    allowed.sort();
    commands.sort();
    assert_eq!(allowed, commands, "tauri.conf.json's capability must list exactly the commands");
}

/// What each layer of the core may not name: the change log and the store are the floor and
/// never reach into sync or device identity (which sit above them, device identity on top),
/// the bundle codec needs nothing from the exchange built on it, and merge's decision reads
/// no database.
const LAYERS: &[(&str, &[&str])] = &[
    ("changelog", &["sync", "device", "store", "Store"]),
    ("store", &["sync", "device"]),
    ("sync", &["device"]),
    ("sync/bundle.rs", &["exchange"]),
    ("sync/merge/decide.rs", &["rusqlite", "Connection", "Tx", "store"]),
];

/// The Rust files of a core module (`name.rs`, `name/mod.rs` and everything under `name/`),
/// each with its name and its code without comments.
fn core_module_sources(module: &str) -> Vec<(String, String)> {
    let src = repo_root().join("crates/core/src");
    let mut files = Vec::new();
    let mut todo: Vec<std::path::PathBuf> =
        [src.join(module), src.join(format!("{module}.rs"))].into_iter().filter(|p| p.exists()).collect();
    while let Some(path) = todo.pop() {
        if path.is_dir() {
            todo.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            let code: Vec<&str> = text.lines().map(|l| l.split("//").next().unwrap()).collect();
            files.push((path.strip_prefix(&src).unwrap().display().to_string(), code.join("\n")));
        }
    }
    files
}

/// Whether `code` names `name` as a module of this crate (`crate::name`, `super::name`, a
/// path starting `name::`, or an item of a `use crate::{…}` group), or, for a capitalised
/// name, names that item at all. `std::sync::Arc` and a variable called `store` do not count.
fn names_in_code(code: &str, name: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut from = 0;
    while let Some(found) = code[from..].find(name) {
        let at = from + found;
        from = at + name.len();
        let before = code[..at].trim_end();
        let after = code[from..].trim_start();
        if code[..at].ends_with(is_ident) || code[from..].starts_with(is_ident) {
            continue; // part of a longer word
        }
        let in_crate = ["crate::", "super::", "self::"].iter().any(|p| before.ends_with(p));
        let path_start = !before.ends_with("::") && after.starts_with("::");
        let statement = &before[before.rfind(';').map_or(0, |end| end + 1)..];
        let in_use_group = (before.ends_with('{') || before.ends_with(','))
            && ["use crate::", "use super::", "use self::"].iter().any(|u| statement.trim_start().starts_with(u));
        let item = name.starts_with(char::is_uppercase) && !before.ends_with("::");
        if in_crate || path_start || in_use_group || item {
            return true;
        }
    }
    false
}

#[test]
fn the_layer_check_tells_a_module_path_from_a_word() {
    for reaching in [
        "use crate::sync::merge;",
        "crate::sync::keys::vouch(tx)",
        "use crate::{clock::Hlc, sync};",
        "use crate::{\n    sync::seal::DeviceKeys,\n};",
        "use super::exchange::VersionVector;",
        "sync::merge::record_bases(&tx)",
        "impl Store {}",
        "use crate::{Result, Store};",
    ] {
        let name = ["sync", "exchange", "Store"].into_iter().find(|n| reaching.contains(n)).unwrap();
        assert!(names_in_code(reaching, name), "missed {name} in {reaching:?}");
    }
    for innocent in ["use std::sync::Arc;", "fn log_len(store: &Store)", "let (circle, device) = x;", "sync_waiting"] {
        for name in ["sync", "store", "device"] {
            assert!(!names_in_code(innocent, name), "{name} wrongly found in {innocent:?}");
        }
    }
}

#[test]
fn the_store_is_the_floor_and_sync_builds_on_it() {
    let mut breaches = Vec::new();
    for (module, forbidden) in LAYERS {
        let files = core_module_sources(module);
        if files.is_empty() {
            breaches.push(format!("{module}: no such module"));
        }
        for (file, code) in &files {
            breaches.extend(
                forbidden.iter().filter(|name| names_in_code(code, name)).map(|name| format!("{file} → {name}")),
            );
        }
    }
    assert!(breaches.is_empty(), "modules reach into layers above them (see ARCHITECTURE.md): {breaches:#?}");
}
