//! Counts with sharedcounter.dll from Rust, linked through the MinGW import
//! library libsharedcounter.dll.a. Any argument stops it before the first
//! call: --help prints what it does, anything else is refused, and neither
//! touches the counter.

const USAGE: &str = "usage: example_rust [--help]\n\
Adds 1, then -3, to the counter of the sharedcounter.dll it loads and\n\
prints the version and what each call returned.\n";

#[link(name = "sharedcounter")]
extern "C" {
    fn sc_version() -> u32;
    fn sc_increment() -> i64;
    fn sc_add(delta: i64) -> i64;
    fn sc_get() -> i64;
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.is_empty() {
        if args.len() == 1 && args[0] == "--help" {
            print!("{}", USAGE);
            std::process::exit(0);
        }
        eprint!("example_rust: unknown argument '{}'\n{}", args[0], USAGE);
        std::process::exit(2);
    }
    // The functions cannot fail, but every foreign call is unsafe to Rust.
    let version = unsafe { sc_version() };
    let delta = -3;
    println!("sc_version: {}.{}.{}", version >> 16, (version >> 8) & 0xff, version & 0xff);
    println!("sc_increment: {}", unsafe { sc_increment() });
    println!("sc_add({}): {}", delta, unsafe { sc_add(delta) });
    println!("sc_get: {}", unsafe { sc_get() });
}
