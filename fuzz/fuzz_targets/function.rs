//! Fuzz target: the whole KRM function, bytes in and a ResourceList out, held to the same
//! invariants as the in-process smoke loop in `tests/it/fuzz_smoke.rs`.
#![no_main]

#[path = "../../tests/it/invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| invariants::check(data));
