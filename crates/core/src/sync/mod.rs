//! Sync between laptops without a server. Each device appends its changes to a per-circle
//! log (gap-free sequence numbers, hybrid-logical-clock stamps); a bundle carries log
//! entries to other laptops, which store them and rebuild the touched records from the
//! whole log. State is a function of the *set* of changes, so imports are idempotent and
//! order-independent, and relayed changes converge.
//!
//! - `merge`: rebuilding records from the log — last writer wins per field by HLC;
//!   concurrent prose edits keep the losing text as a visible conflict; a delete wins.
//!   `merge::decide` decides a record from its history alone; `merge` writes the outcome.
//! - `bundle`: the inner file format (`KINSHIP\x01`, a JSON head, then the changes as
//!   structure, id and text streams in zstd; caps on size, ratio and nesting). It stands
//!   alone: the version vector it carries is defined there.
//! - `seal`, `keys`, `invite`, `share`, `armor`: signing and encryption to the circle's
//!   members, which devices a circle trusts, invites, sync as a person uses it, pasteable text.
//! - `newcomers`: a new member reads at once (bundles also sealed to their live invite).
//! - `exchange`: version vectors, export of what a peer lacks, atomic import with a report.
//! - `folder`: a shared folder a sync engine keeps in step: each laptop's sealed file there,
//!   read and written by passes the shells schedule.

pub mod armor;
pub mod authorship;
pub mod bundle;
mod claims;
pub mod exchange;
pub mod folder;
pub mod invite;
pub mod keys;
pub mod merge;
mod names;
mod newcomers;
pub mod seal;
pub mod share;
pub mod signed;

pub use bundle::{Bundle, VersionVector};
pub use exchange::{Gap, ImportReport};
pub use merge::Conflict;

#[cfg(test)]
mod attack_tests;
#[cfg(test)]
mod flow_tests;
#[cfg(test)]
mod tests;
