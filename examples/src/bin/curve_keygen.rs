//! Prints a new CURVE key pair as Z85 text, like libzmq's `curve_keygen`.

use ferrozmq::CurveKeyPair;

fn main() -> Result<(), ferrozmq::Error> {
    let keys = CurveKeyPair::generate()?;
    println!("== CURVE PUBLIC KEY ==");
    println!("{}", keys.public.to_z85());
    println!("== CURVE SECRET KEY ==");
    println!("{}", &*keys.secret.to_z85());
    Ok(())
}
