//! Fuzz target: the whole KRM function, bytes in and a ResourceList out. It must never panic,
//! always write a ResourceList, and exit 1 exactly when the results hold an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code = pipewright::commands::function::run(&mut &data[..], &mut out, &mut err);
    let out = String::from_utf8(out).expect("the output is UTF-8");
    assert!(out.starts_with("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"), "not a ResourceList: {out}");
    let results = out.split_once("\nresults:\n").map_or("", |(_, r)| r);
    let failed = results.contains("severity: error\n");
    assert_eq!(code == 1, failed, "exit code {code} disagrees with the results: {out}");
    if code == 1 {
        assert!(out.contains("\nitems: []\n"), "a failed run wrote items: {out}");
    }
});
