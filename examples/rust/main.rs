//! Counts with sharedcounter.dll from Rust, linked through the MinGW import
//! library libsharedcounter.dll.a.

#[link(name = "sharedcounter")]
extern "C" {
    fn sc_version() -> u32;
    fn sc_increment() -> i64;
    fn sc_add(delta: i64) -> i64;
    fn sc_get() -> i64;
}

fn main() {
    // The functions cannot fail, but every foreign call is unsafe to Rust.
    let version = unsafe { sc_version() };
    let delta = -3;
    println!("sc_version: {}.{}.{}", version >> 16, (version >> 8) & 0xff, version & 0xff);
    println!("sc_increment: {}", unsafe { sc_increment() });
    println!("sc_add({}): {}", delta, unsafe { sc_add(delta) });
    println!("sc_get: {}", unsafe { sc_get() });
}
