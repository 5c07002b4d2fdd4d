//! In-process benchmarks of each stage (parse, validate, render, emit) for 1, 100, 1,000 and
//! 10,000 Pipelines: `cargo bench --bench stages`. Whole-process figures: `scripts/bench`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use pipewright::krm::{self, Limits, Object, ResourceList};
use std::hint::black_box;

fn input(n: usize) -> Vec<u8> {
    let mut text = String::from("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n");
    for i in 0..n {
        let toolchain = ["node", "python", "go"][i % 3];
        text.push_str(&format!(
            "- apiVersion: pipewright.dev/v1alpha1\n  kind: Pipeline\n  metadata: {{name: project-{i:05}, namespace: team-{t:02}}}\n  spec: {{repo: 'https://github.com/acme/project-{i:05}.git', toolchain: {toolchain}, image: registry.acme.io/team-{t:02}/project-{i:05}}}\n",
            t = i % 20
        ));
    }
    text.into_bytes()
}

fn stages(c: &mut Criterion) {
    for n in [1, 100, 1_000, 10_000] {
        let bytes = input(n);
        let list = krm::parse_resource_list(&bytes, &Limits::default()).unwrap();
        let specs: Vec<&Object> = list.items.iter().collect();
        let validated = pipewright::validate::validate(&specs);
        let rendered: Vec<Object> = validated.specs.iter().flat_map(pipewright::render::render).collect();
        let output = ResourceList { items: rendered, ..Default::default() };
        let mut group = c.benchmark_group("stages");
        group.throughput(Throughput::Elements(n as u64));
        if n >= 1_000 {
            group.sample_size(10);
        }
        group.bench_with_input(BenchmarkId::new("parse", n), &bytes, |b, bytes| {
            b.iter(|| krm::parse_resource_list(black_box(bytes), &Limits::default()).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("validate", n), &specs, |b, specs| {
            b.iter(|| pipewright::validate::validate(black_box(specs)))
        });
        group.bench_with_input(BenchmarkId::new("render", n), &validated, |b, v| {
            b.iter(|| v.specs.iter().flat_map(pipewright::render::render).count())
        });
        group.bench_with_input(BenchmarkId::new("emit", n), &output, |b, out| b.iter(|| krm::write_resource_list(black_box(out)).len()));
        group.bench_with_input(BenchmarkId::new("whole function", n), &bytes, |b, bytes| {
            b.iter(|| pipewright::commands::function::run(&mut &bytes[..], &mut std::io::sink(), &mut std::io::sink()))
        });
        group.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
