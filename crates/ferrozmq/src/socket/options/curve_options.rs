//! The CURVE options as a socket keeps them.

use ferrozmq_zmtp::{CurvePublicKey, CurveSecretKey, MechanismConfig};
use zeroize::Zeroizing;

/// The CURVE options: libzmq keeps all three keys (zeros until set) and
/// which mechanism the last security option chose.
#[derive(Clone, Default)]
pub(crate) struct CurveOptions {
    /// A CURVE option was the last security option set.
    pub(crate) active: bool,
    /// ZMQ_CURVE_SERVER.
    pub(crate) server: bool,
    pub(crate) public: Zeroizing<[u8; 32]>,
    pub(crate) secret: Zeroizing<[u8; 32]>,
    pub(crate) server_key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for CurveOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CurveOptions")
            .field("active", &self.active)
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

impl CurveOptions {
    pub(crate) fn mechanism(&self) -> MechanismConfig {
        let secret = CurveSecretKey::from_bytes(*self.secret);
        if self.server {
            MechanismConfig::CurveServer { secret }
        } else {
            MechanismConfig::CurveClient {
                public: CurvePublicKey::from_bytes(*self.public),
                secret,
                server: CurvePublicKey::from_bytes(*self.server_key),
            }
        }
    }
}
