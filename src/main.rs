//! The `pipewright` binary: everything happens in `app`.

// Rendering builds and frees many small trees; mimalloc halves the time glibc's allocator takes.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(pipewright::app::run());
}
