//! Gives the shared library libzmq's soname, so programs linked against
//! Debian's libzmq (`NEEDED libzmq.so.5`) load ours by `LD_LIBRARY_PATH`.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libzmq.so.5");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
