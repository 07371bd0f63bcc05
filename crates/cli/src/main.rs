//! `custodian`: the native command line over the same core the browser runs.
#![forbid(unsafe_code)]

fn main() {
    println!("custodian {}", env!("CARGO_PKG_VERSION"));
}
