//! `curve_keygen`: prints a new CURVE key pair in Z85, like libzmq's tool
//! of the same name: the same two `== CURVE ... KEY ==` blocks, so scripts
//! that read its output keep working (libzmq's introductory paragraph is
//! left out). Installed with the crate (`cargo install ferrozmq`), as
//! libzmq installs its tool beside the library.
//!
//! ```text
//! $ curve_keygen
//! == CURVE PUBLIC KEY ==
//! <40 Z85 characters>
//! == CURVE SECRET KEY ==
//! <40 Z85 characters>
//! ```
//!
//! The keys come from the operating system's random source. It takes no
//! arguments; with any, it prints its usage and exits 2.

use std::process::ExitCode;

use ferrozmq::CurveKeyPair;

fn main() -> ExitCode {
    if std::env::args_os().len() > 1 {
        eprintln!("usage: curve_keygen\nPrints a new CURVE key pair, public then secret, in Z85.");
        return ExitCode::from(2);
    }
    match CurveKeyPair::generate() {
        Ok(keys) => {
            println!("== CURVE PUBLIC KEY ==");
            println!("{}", keys.public.to_z85());
            println!("== CURVE SECRET KEY ==");
            println!("{}", &*keys.secret.to_z85());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("curve_keygen: no random source: {e}");
            ExitCode::FAILURE
        }
    }
}
