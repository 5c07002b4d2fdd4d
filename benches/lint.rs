//! In-process benchmarks of `pipewright lint` through the library: Argo's examples as one bundle
//! (read from `../shared/argo/examples`, skipped when absent), and the rendered output of 1,000
//! Pipelines with the default library joined in. `cargo bench --bench lint`. Whole-process
//! figures: `scripts/bench --lint`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use pipewright::function;
use pipewright::krm::{Object, ResourceList};
use pipewright::lint::{self, Bundle};
use serde_json::json;
use std::hint::black_box;
use std::path::PathBuf;

/// What the function renders for `n` Pipelines (no Platform: lint joins the default library).
fn rendered(n: usize) -> Vec<Object> {
    let items = (0..n)
        .map(|i| {
            let toolchain = ["node", "python", "go"][i % 3];
            Object::new(json!({"apiVersion": "pipewright.dev/v1alpha1", "kind": "Pipeline",
                "metadata": {"name": format!("project-{i:05}"), "namespace": format!("team-{:02}", i % 20)},
                "spec": {"repo": format!("https://github.com/acme/project-{i:05}.git"), "toolchain": toolchain,
                         "image": format!("registry.acme.io/team-{:02}/project-{i:05}", i % 20)}}))
        })
        .collect();
    function::process(ResourceList { items, function_config: None, results: Vec::new() }).items().collect()
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("lint");
    group.sample_size(10);
    let examples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/argo/examples");
    if examples.is_dir() {
        group.bench_function("examples bundle (read, lint)", |b| {
            b.iter(|| {
                let bundle = Bundle::read(black_box(std::slice::from_ref(&examples)), &mut std::io::empty()).unwrap();
                lint::lint(&bundle).findings.len()
            })
        });
    }
    for n in [100, 1_000] {
        let objects = rendered(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("rendered pipelines (join library, lint)", n), &objects, |b, objects| {
            b.iter(|| {
                let report = lint::lint_objects(black_box(objects.clone()));
                assert_eq!(report.errors(), 0);
                report.findings.len()
            })
        });
    }
    group.finish();
}

criterion_group!(lint_benches, benches);
criterion_main!(lint_benches);
