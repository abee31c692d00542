//! Any bytes as what a bundle's zstd frame holds (framed here, so the checksum never
//! stops the fuzzer before the parser), and as what a sealed file holds inside its
//! encryption. Findings as in `decode_bundle`. See `src/lib.rs`.
#![no_main]

use kinship_fuzz::heap;

#[global_allocator]
static HEAP: heap::Guard = heap::Guard;

libfuzzer_sys::fuzz_target!(
    init: kinship_fuzz::write_seeds_from_env("decode_bundle_contents"),
    |data: &[u8]| heap::abort_above(heap::allowed(data.len()), || kinship_fuzz::check_contents(data))
);
