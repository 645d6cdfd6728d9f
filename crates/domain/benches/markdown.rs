//! Markdown rendering and mention parsing happen once per posted or edited message, on the
//! posting path before the commit: `cargo bench -p ocomms-domain --bench markdown`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

const SHORT: &str = "sounds good, see you at 3";
const TYPICAL: &str = "**Deploy** is done :) see https://ci.example.com/runs/4812 and the \
    `release-notes.md` — _thanks_ @ana!\n\n- migrations ran\n- caches warmed";
const CODE: &str = "here is the fix:\n\n```rust\nfn main() {\n    println!(\"<b>hi</b>\");\n}\n```\n\nand <script>alert(1)</script> stays text";

fn markdown(c: &mut Criterion) {
    let long = TYPICAL.repeat(100);
    let inputs = [
        ("short", SHORT),
        ("typical", TYPICAL),
        ("code_and_html", CODE),
        ("long_15k", long.as_str()),
    ];
    let mut group = c.benchmark_group("markdown::render");
    for (name, source) in inputs {
        group.bench_function(name, |b| {
            b.iter(|| ocomms_domain::markdown::render(black_box(source)))
        });
    }
    group.finish();
    // Mentions are parsed on the same path (who to count and notify).
    let mut group = c.benchmark_group("mention::parse");
    for (name, source) in inputs {
        group.bench_function(name, |b| {
            b.iter(|| ocomms_domain::mention::parse(black_box(source)))
        });
    }
    group.finish();
}

criterion_group!(benches, markdown);
criterion_main!(benches);
