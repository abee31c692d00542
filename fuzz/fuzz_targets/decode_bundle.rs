//! Any bytes as a received sync file: `bundle::decode`, `seal::open`, `armor::unarmor`
//! (then both again on what it unwraps). A panic, a refusal of an unexpected kind, more
//! heap than the input justifies (`heap::allowed`) or a slow input is a finding.
//! See `src/lib.rs`.
#![no_main]

use kinship_fuzz::heap;

#[global_allocator]
static HEAP: heap::Guard = heap::Guard;

libfuzzer_sys::fuzz_target!(
    init: kinship_fuzz::write_seeds_from_env("decode_bundle"),
    |data: &[u8]| heap::abort_above(heap::allowed(data.len()), || kinship_fuzz::check_file(data))
);
