//! A short, deterministic fuzz smoke run inside `cargo test` (the long runs use `cargo fuzz`,
//! see README): every catalog input, mutated by byte flips, truncations, splices and repeats,
//! goes through the whole function in-process, which must hold `invariants::check`.

use super::invariants::check;
use super::support::root;

fn seeds() -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for set in ["valid", "invalid"] {
        let mut dirs: Vec<_> = std::fs::read_dir(root().join("tests/cases").join(set)).unwrap().map(|e| e.unwrap().path()).collect();
        dirs.sort();
        for dir in dirs {
            for name in ["input.yaml", "input.bin"] {
                if let Ok(bytes) = std::fs::read(dir.join(name)) {
                    seeds.push(bytes);
                }
            }
        }
    }
    seeds
}

/// A tiny deterministic generator (SplitMix64).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e3779b97f4a7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&[u8]] = &[
    b"&a ",
    b"*a",
    b"<<: *a\n",
    b"!!str ",
    b"!t ",
    b"{{",
    b"}}",
    b"- ",
    b": ",
    b"\n  ",
    b"'",
    b"\"",
    b"[",
    b"{",
    b"\xff",
    b"\t",
    b"null",
    b"~",
    b"\n---\n",
];

fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(5) {
            0 if !v.is_empty() => {
                let i = at.min(v.len() - 1);
                v[i] ^= 1 << rng.below(8);
            }
            1 => v.truncate(at),
            2 => v.splice(at..at, TOKENS[rng.below(TOKENS.len())].iter().copied()).for_each(drop),
            3 => {
                let from = rng.below(other.len());
                let to = (from + rng.below(200)).min(other.len());
                v.splice(at..at, other[from..to].iter().copied()).for_each(drop);
            }
            _ => {
                let end = (at + rng.below(64)).min(v.len());
                let chunk = v[at..end].to_vec();
                v.splice(at..at, chunk.iter().chain(&chunk).copied()).for_each(drop);
            }
        }
    }
    v
}

#[test]
fn mutated_catalog_inputs_hold_the_invariants() {
    let seeds = seeds();
    assert!(seeds.len() >= 50, "only {} seeds", seeds.len());
    let mut rng = Rng(0x7069_7065_7772_6967);
    for seed in &seeds {
        check(seed);
    }
    // Large seeds (the wide alias bomb) cost a second each in a debug build: check them once only.
    let small: Vec<_> = seeds.iter().filter(|s| s.len() < 8192).collect();
    for i in 0..1000 {
        let seed = small[i % small.len()];
        let other = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, seed, other);
        let shown = String::from_utf8_lossy(&input).into_owned();
        let result = std::panic::catch_unwind(|| check(&input));
        assert!(result.is_ok(), "mutation {i} broke an invariant; input:\n{shown}");
    }
}
