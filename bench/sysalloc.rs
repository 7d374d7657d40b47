//! kith with the system allocator, for heap profilers (massif, heaptrack) that see only malloc.
fn main() -> std::process::ExitCode {
    kith::cmd::main()
}
