//! The `pipewright` binary: everything happens in `app`.

fn main() {
    std::process::exit(pipewright::app::run());
}
