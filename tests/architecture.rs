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
