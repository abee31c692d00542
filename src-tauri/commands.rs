//! Tauri commands: each one translates a call from the UI into one call on the core.

use crate::{AppState, CommandError};
use kinship_core::{Circle, CircleInput, CircleSummary, Identity, IdentityInput};
use tauri::State;

type Reply<T> = Result<T, CommandError>;

#[tauri::command]
pub fn get_identity(state: State<'_, AppState>) -> Reply<Option<Identity>> {
    state.with_store(|s| s.identity())
}

#[tauri::command]
pub fn create_identity(state: State<'_, AppState>, input: IdentityInput) -> Reply<Identity> {
    state.with_store(|s| s.create_identity(&input))
}

#[tauri::command]
pub fn list_circles(state: State<'_, AppState>) -> Reply<Vec<CircleSummary>> {
    state.with_store(|s| s.list_circles())
}

#[tauri::command]
pub fn create_circle(state: State<'_, AppState>, input: CircleInput) -> Reply<Circle> {
    state.with_store(|s| s.create_circle(&input))
}
