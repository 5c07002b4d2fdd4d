//! What must hold for any input bytes, shared by the fuzz target (`fuzz/`) and the in-process
//! smoke loop (`fuzz_smoke.rs`): no panic, a ResourceList on stdout that pipewright itself reads
//! back, exit 1 exactly when a result is an error, and no items when it failed.

/// Runs the whole function in-process on `input` and checks the invariants.
pub fn check(input: &[u8]) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = pipewright::commands::function::run(&mut &input[..], &mut out, &mut err);
    let list = pipewright::krm::parse_resource_list(&out, &pipewright::krm::Limits::default())
        .unwrap_or_else(|e| panic!("the output does not read back ({e}):\n{}", String::from_utf8_lossy(&out)));
    let failed = String::from_utf8_lossy(&out).split_once("\nresults:\n").is_some_and(|(_, r)| r.contains("severity: error\n"));
    assert_eq!(code == 1, failed, "exit code {code} disagrees with the results");
    assert!(code == 0 || code == 1, "exit code {code}");
    if failed {
        assert!(list.items.is_empty(), "a failed run wrote items");
        assert!(!err.is_empty(), "a failed run said nothing on stderr");
    }
}
