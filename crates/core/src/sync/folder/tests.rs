//! The shared folder on a plain local folder that several laptops' data folders point at,
//! as a sync engine would keep it: passes bring changes in with no person's action, leftovers
//! are ignored, refusals are listed once, and a folder that cannot be used says so.

use super::{disk, Outcome};
use crate::{AgendaItemInput, AgendaItemPatch, CircleInput, IdentityInput, MeetingInput, MemberInput, Store};
use std::path::Path;
use tempfile::TempDir;

struct Laptop {
    store: Store,
    _dir: TempDir,
}

fn laptop(name: &str) -> Laptop {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let email = format!("{}@uni.edu", name.to_lowercase());
    store.create_identity(&IdentityInput { name: name.into(), email, ..Default::default() }).unwrap();
    Laptop { store, _dir: dir }
}

/// A circle founded on the first laptop, every other one joined through an invite, each
/// laptop's data folder pointing at the same shared folder. Returns (laptops, circle,
/// meeting, the shared folder). Nothing has passed over the folder yet.
fn circle_of(names: &[&str]) -> (Vec<Laptop>, String, String, TempDir) {
    let mut laptops: Vec<Laptop> = names.iter().map(|n| laptop(n)).collect();
    let founder = &mut laptops[0].store;
    let circle = founder.create_circle(&CircleInput { name: "Early-career librarians".into(), ..Default::default() });
    let circle = circle.unwrap().id;
    let meeting =
        MeetingInput { circle_id: circle.clone(), starts_at: "2026-12-08T18:00:00Z".into(), ..Default::default() };
    let meeting = founder.create_meeting(&meeting).unwrap().id;
    for i in 1..laptops.len() {
        let name = names[i].to_string();
        let input = MemberInput {
            circle_id: circle.clone(),
            email: format!("{}@uni.edu", name.to_lowercase()),
            name,
            ..Default::default()
        };
        let member = laptops[0].store.add_member(&input).unwrap().id;
        let (invite, _, _) = laptops[0].store.prepare_invite(&circle, &member, None).unwrap();
        laptops[i].store.join(&invite, None).unwrap();
    }
    let shared = TempDir::new().unwrap();
    for l in &mut laptops {
        l.store.set_sync_folder(&circle, shared.path()).unwrap();
    }
    (laptops, circle, meeting, shared)
}

fn add_item(store: &mut Store, meeting: &str, title: &str) -> String {
    let input = AgendaItemInput { meeting_id: meeting.into(), title: title.into(), ..Default::default() };
    store.add_agenda_item(&input).unwrap().id
}

fn titles(store: &Store, meeting: &str) -> Vec<String> {
    let mut titles: Vec<String> = store.agenda(meeting).unwrap().into_iter().map(|i| i.title).collect();
    titles.sort();
    titles
}

/// Every laptop passes, in order, `rounds` times: what a sync engine and watchers do.
fn settle(laptops: &mut [Laptop], circle: &str, rounds: usize) {
    for _ in 0..rounds {
        for l in laptops.iter_mut() {
            let pass = l.store.folder_pass(circle).unwrap();
            assert_eq!(pass.problem, None);
            assert!(pass.refused.is_empty(), "{:?}", pass.refused);
        }
    }
}

#[test]
fn a_talking_point_added_on_one_laptop_arrives_on_the_other_by_itself_and_is_read_once() {
    let (mut l, circle, meeting, shared) = circle_of(&["Ana", "Ben"]);
    // Ben's file brings Ana his laptop's key; Ana's then reaches Ben.
    settle(&mut l, &circle, 2);
    add_item(&mut l[0].store, &meeting, "Job talk nerves");
    assert!(l[0].store.share_reminder(&circle).unwrap().is_some(), "Ben lacks the new point");
    let wrote = l[0].store.folder_pass(&circle).unwrap();
    assert!(wrote.wrote.is_some(), "Ana's laptop wrote its file again");
    assert_eq!(l[0].store.share_reminder(&circle).unwrap(), None, "the folder shares it: no offer to");
    let own = disk::device_file_name(&circle, l[0].store.device_id());
    assert!(shared.path().join(&own).is_file());

    let pass = l[1].store.folder_pass(&circle).unwrap();
    assert_eq!(pass.brought_in.len(), 1, "{pass:?}");
    assert_eq!(pass.brought_in[0].sender_name.as_deref(), Some("Ana"));
    assert!(pass.brought_in[0].backup_made(), "a backup was made first");
    assert!(titles(&l[1].store, &meeting).contains(&"Job talk nerves".to_string()));
    // In the import history, undoable from the Sync screen.
    let status = l[1].store.folder_status(&circle).unwrap().unwrap();
    assert!(status.brought_in.iter().any(|f| f.undoable && f.sender_name.as_deref() == Some("Ana")));
    let last = l[1].store.sync_status(&circle).unwrap().last_import.unwrap();
    assert_eq!((last.sender_name.as_str(), last.undoable), ("Ana", true));

    // The next pass reads nothing again: the file has not changed.
    let again = l[1].store.folder_pass(&circle).unwrap();
    assert!(again.brought_in.is_empty() && again.nothing_new.is_empty(), "{again:?}");
    // Undo is not undone by the next pass: the file is read again only once it changes.
    l[1].store.undo_last_import(&circle).unwrap();
    l[1].store.folder_pass(&circle).unwrap();
    assert!(!titles(&l[1].store, &meeting).contains(&"Job talk nerves".to_string()));
    let listed = l[1].store.folder_status(&circle).unwrap().unwrap().brought_in;
    assert!(listed[0].undone && !listed[0].undoable, "the list says it was undone: {listed:?}");
}

impl super::FolderFile {
    fn backup_made(&self) -> bool {
        self.import_id.is_some()
    }
}

/// A tiny deterministic generator, so a failing run can be replayed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn three_laptops_editing_at_random_for_twenty_rounds_converge_and_lose_nothing() {
    let (mut l, circle, meeting, _shared) = circle_of(&["Ana", "Ben", "Chen"]);
    settle(&mut l, &circle, 2);
    let mut rng = Lcg(11);
    let mut added = Vec::new();
    for round in 0..20 {
        for (who, laptop) in l.iter_mut().enumerate() {
            let store = &mut laptop.store;
            match rng.below(3) {
                0 | 1 => added.push(add_item(store, &meeting, &format!("Point {round}.{who}"))),
                _ => {
                    // Retitle an item this laptop holds: edits race with the others'.
                    let items = store.agenda(&meeting).unwrap();
                    if !items.is_empty() {
                        let item = &items[rng.below(items.len() as u64) as usize];
                        let patch =
                            AgendaItemPatch { title: Some(format!("Edited {round}.{who}")), ..Default::default() };
                        store.update_agenda_item(&item.id, &patch).unwrap();
                    }
                }
            }
        }
        // Some laptops pass this round, some do not (closed, asleep, the engine is slow).
        for laptop in l.iter_mut() {
            if rng.below(2) == 0 {
                let pass = laptop.store.folder_pass(&circle).unwrap();
                assert!(pass.problem.is_none() && pass.refused.is_empty(), "{pass:?}");
            }
        }
    }
    settle(&mut l, &circle, 2);
    let dumps: Vec<String> = l.iter().map(|l| l.store.dump(&circle).unwrap()).collect();
    assert_eq!(dumps[0], dumps[1]);
    assert_eq!(dumps[1], dumps[2]);
    let held: Vec<String> = l[0].store.agenda(&meeting).unwrap().into_iter().map(|i| i.id).collect();
    for id in &added {
        assert!(held.contains(id), "item {id} was lost");
    }
}

#[test]
fn leftovers_are_ignored_and_a_half_written_file_is_read_once_complete() {
    let (mut l, circle, meeting, shared) = circle_of(&["Ana", "Ben"]);
    settle(&mut l, &circle, 2);
    add_item(&mut l[0].store, &meeting, "Writing group");
    l[0].store.folder_pass(&circle).unwrap();
    let ana_file = disk::device_file_name(&circle, l[0].store.device_id());
    let whole = std::fs::read(shared.path().join(&ana_file)).unwrap();

    // Ben's laptop sees the folder another engine keeps: leftovers, and Ana's file half there.
    let other = TempDir::new().unwrap();
    for leftover in [".syncthing.kinship-a.kinship.tmp", "~$kinship-a.kinship", ".~lock.kinship-a.kinship#"] {
        std::fs::write(other.path().join(leftover), b"not a bundle at all, and never listed").unwrap();
    }
    std::fs::write(other.path().join(format!("{ana_file}.partial")), &whole[..whole.len() / 3]).unwrap();
    std::fs::write(other.path().join(&ana_file), &whole[..whole.len() / 2]).unwrap();
    l[1].store.set_sync_folder(&circle, other.path()).unwrap();
    let pass = l[1].store.folder_pass(&circle).unwrap();
    assert!(pass.refused.is_empty() && pass.brought_in.is_empty(), "{pass:?}");
    assert_eq!(pass.incomplete, 1, "the half-written file waits");
    assert!(l[1].store.folder_status(&circle).unwrap().unwrap().refused.is_empty(), "never an error");
    // An empty file (an engine that has only begun) is not an error either.
    std::fs::write(other.path().join("kinship-empty.kinship"), b"").unwrap();
    assert!(l[1].store.folder_pass(&circle).unwrap().refused.is_empty());

    // The engine finishes the file: the next pass reads it.
    std::fs::write(other.path().join(&ana_file), &whole).unwrap();
    let pass = l[1].store.folder_pass(&circle).unwrap();
    assert_eq!(pass.brought_in.len(), 1, "{pass:?}");
    assert!(titles(&l[1].store, &meeting).contains(&"Writing group".to_string()));

    // A conflict copy is read like any bundle.
    add_item(&mut l[0].store, &meeting, "Grant deadlines");
    l[0].store.folder_pass(&circle).unwrap();
    let copy = format!("{} (conflicted copy 2026-05-01).kinship", disk::stem(&ana_file));
    std::fs::copy(shared.path().join(&ana_file), other.path().join(&copy)).unwrap();
    let pass = l[1].store.folder_pass(&circle).unwrap();
    assert_eq!(pass.brought_in.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), [copy.as_str()]);
    assert!(titles(&l[1].store, &meeting).contains(&"Grant deadlines".to_string()));
}

#[test]
fn a_strangers_file_and_a_damaged_one_are_refused_and_listed_once() {
    let (mut l, circle, _meeting, shared) = circle_of(&["Ana", "Ben"]);
    settle(&mut l, &circle, 2);
    // Zed is in a circle of his own with Yui, and points it at the same folder.
    let (mut z, zed_circle, _, _) = circle_of(&["Zed", "Yui"]);
    for laptop in &mut z {
        laptop.store.set_sync_folder(&zed_circle, shared.path()).unwrap();
        // Zed's laptops refuse Ana's and Ben's files in turn; they write their own.
        assert!(laptop.store.folder_pass(&zed_circle).unwrap().wrote.is_some());
    }
    std::fs::write(shared.path().join("notes.kinship"), b"these are my notes, not a bundle").unwrap();

    let before = l[0].store.dump(&circle).unwrap();
    let pass = l[0].store.folder_pass(&circle).unwrap();
    let mut refused: Vec<(&str, &str)> =
        pass.refused.iter().map(|f| (f.name.as_str(), f.reason.as_deref().unwrap())).collect();
    refused.sort();
    assert_eq!(refused.len(), 3, "Zed's, Yui's and the notes: {refused:?}");
    assert!(refused.iter().any(|(n, why)| *n == "notes.kinship" && why.contains("does not start like a Kinship file")));
    assert!(refused.iter().filter(|(_, why)| why.contains("not addressed to you")).count() == 2, "{refused:?}");
    assert_eq!(l[0].store.dump(&circle).unwrap(), before, "nothing imported");

    // Listed once: the next pass does not try them again, and the status keeps the list.
    let again = l[0].store.folder_pass(&circle).unwrap();
    assert!(again.refused.is_empty(), "{again:?}");
    assert_eq!(l[0].store.folder_status(&circle).unwrap().unwrap().refused.len(), 3);
}

#[test]
fn a_removed_members_file_is_refused_and_never_imported() {
    let (mut l, circle, meeting, _shared) = circle_of(&["Ana", "Ben", "Chen"]);
    settle(&mut l, &circle, 2);
    let chen = l[0].store.members(&circle).unwrap().into_iter().find(|m| m.name == "Chen").unwrap().id;
    l[0].store.remove_member(&circle, &chen).unwrap();
    l[0].store.folder_pass(&circle).unwrap();
    // Chen's laptop has not heard yet, and writes on.
    add_item(&mut l[2].store, &meeting, "Written after removal");
    l[2].store.folder_pass(&circle).unwrap();

    let pass = l[0].store.folder_pass(&circle).unwrap();
    assert_eq!(pass.refused.len(), 1, "{pass:?}");
    let why = pass.refused[0].reason.clone().unwrap();
    assert!(why.contains("Chen, who is no longer in the circle"), "{why}");
    assert!(!titles(&l[0].store, &meeting).contains(&"Written after removal".to_string()));
}

#[test]
fn with_automatic_import_off_a_file_waits_for_a_preview() {
    let (mut l, circle, meeting, _shared) = circle_of(&["Ana", "Ben"]);
    settle(&mut l, &circle, 2);
    add_item(&mut l[0].store, &meeting, "Warm-up");
    l[0].store.folder_pass(&circle).unwrap();
    assert_eq!(l[1].store.folder_pass(&circle).unwrap().brought_in.len(), 1);
    l[1].store.set_folder_auto_import(&circle, false).unwrap();
    add_item(&mut l[0].store, &meeting, "Peer review swap");
    l[0].store.folder_pass(&circle).unwrap();

    let pass = l[1].store.folder_pass(&circle).unwrap();
    assert_eq!(pass.waiting.len(), 1, "{pass:?}");
    // Ana's file now waits, and what it brought in earlier is still listed.
    let earlier = l[1].store.folder_status(&circle).unwrap().unwrap().brought_in;
    assert!(earlier.iter().any(|f| f.sender_name.as_deref() == Some("Ana")), "{earlier:?}");
    assert!(!titles(&l[1].store, &meeting).contains(&"Peer review swap".to_string()), "not brought in");
    let status = l[1].store.folder_status(&circle).unwrap().unwrap();
    assert_eq!(status.waiting.len(), 1);
    assert_eq!(status.waiting[0].outcome, Outcome::Waiting);

    // The person previews it and applies it through the usual flow: it waits no more.
    let bytes = std::fs::read(&status.waiting[0].path).unwrap();
    let incoming = l[1].store.open_bundle(&bytes).unwrap();
    let preview = l[1].store.apply_bundle(&incoming, true).unwrap();
    assert_eq!(preview.report.added.get("agenda_item"), Some(&1));
    l[1].store.apply_bundle(&incoming, false).unwrap();
    assert!(l[1].store.folder_status(&circle).unwrap().unwrap().waiting.is_empty());

    // Switched back on, what waits comes in by itself.
    add_item(&mut l[0].store, &meeting, "Conference travel");
    l[0].store.folder_pass(&circle).unwrap();
    assert_eq!(l[1].store.folder_pass(&circle).unwrap().waiting.len(), 1);
    l[1].store.set_folder_auto_import(&circle, true).unwrap();
    assert_eq!(l[1].store.folder_pass(&circle).unwrap().brought_in.len(), 1);
    assert!(titles(&l[1].store, &meeting).contains(&"Conference travel".to_string()));
}

#[test]
fn a_folder_that_disappears_says_so_and_nothing_local_is_lost() {
    let (mut l, circle, meeting, shared) = circle_of(&["Ana", "Ben"]);
    settle(&mut l, &circle, 1);
    let gone = shared.path().to_path_buf();
    drop(shared);
    add_item(&mut l[0].store, &meeting, "Kept here");
    let before = l[0].store.dump(&circle).unwrap();
    let pass = l[0].store.folder_pass(&circle).unwrap();
    let problem = pass.problem.unwrap();
    assert!(problem.contains(&gone.display().to_string()) && problem.contains("is not there"), "{problem}");
    assert!(problem.contains("Nothing on this laptop was lost"), "{problem}");
    assert_eq!(l[0].store.folder_status(&circle).unwrap().unwrap().problem.as_deref(), Some(problem.as_str()));
    assert_eq!(l[0].store.dump(&circle).unwrap(), before);

    // The folder comes back (the drive is connected again): the next pass writes and clears it.
    std::fs::create_dir_all(&gone).unwrap();
    let pass = l[0].store.folder_pass(&circle).unwrap();
    assert_eq!((pass.problem, pass.wrote.is_some()), (None, true));
    std::fs::remove_dir_all(&gone).unwrap();
}

#[test]
fn a_read_only_or_full_folder_says_what_to_do() {
    use std::io::{Error, ErrorKind};
    let dir = Path::new("/shared/Kinship");
    let read_only = disk::problem(dir, &Error::from(ErrorKind::ReadOnlyFilesystem)).to_string();
    assert!(read_only.contains("cannot be written to") && read_only.contains("make it writable"), "{read_only}");
    let full = disk::problem(dir, &Error::from(ErrorKind::StorageFull)).to_string();
    assert!(full.contains("is full") && full.contains("free some space"), "{full}");

    // A real read-only folder, where this account cannot write (an administrator can).
    let (mut l, circle, meeting, shared) = circle_of(&["Ana", "Ben"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(shared.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
        if std::fs::write(shared.path().join("probe"), b"").is_ok() {
            eprintln!(
                "running as an administrator: a read-only folder cannot be made here; the wording is checked above"
            );
            return;
        }
        add_item(&mut l[0].store, &meeting, "Kept here");
        let pass = l[0].store.folder_pass(&circle).unwrap();
        assert!(pass.problem.unwrap().contains("cannot be written to"));
        std::fs::set_permissions(shared.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn choosing_a_folder_checks_it_and_stopping_forgets_it() {
    let (mut l, circle, _meeting, shared) = circle_of(&["Ana"]);
    let file = shared.path().join("a-file.txt");
    std::fs::write(&file, b"x").unwrap();
    let err = l[0].store.set_sync_folder(&circle, &file).unwrap_err();
    assert!(err.to_string().contains("is a file, not a folder"), "{err}");
    // A circle nobody else has joined: nothing to write yet, and no error.
    let pass = l[0].store.folder_pass(&circle).unwrap();
    assert_eq!((pass.problem, pass.wrote), (None, None));
    l[0].store.unset_sync_folder(&circle).unwrap();
    assert!(l[0].store.folder_status(&circle).unwrap().is_none());
    assert!(l[0].store.folder_pass(&circle).unwrap_err().to_string().contains("no shared folder"));
}
