//! What the authenticator allows: addresses, PLAIN passwords and CURVE keys
//! per domain, and the decision for one ZAP request (pyzmq's `zmq.auth`
//! rules). Pure logic, no sockets.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use zeroize::Zeroizing;

use super::request::{Credentials, ZapRequest};
use crate::curve::CurvePublicKey;

/// Which CURVE clients a domain accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CurveKeys {
    /// Any client that completes the handshake (the connection is still
    /// encrypted, but its key is not checked): pyzmq's `CURVE_ALLOW_ANY`.
    Any,
    /// Only clients whose long-term public key is in the set.
    Allowed(HashSet<CurvePublicKey>),
}

impl CurveKeys {
    /// The set of `keys`.
    pub fn allowed(keys: impl IntoIterator<Item = CurvePublicKey>) -> CurveKeys {
        CurveKeys::Allowed(keys.into_iter().collect())
    }
}

/// The authenticator's configuration.
#[derive(Default)]
pub(super) struct Policy {
    allow: HashSet<IpAddr>,
    deny: HashSet<IpAddr>,
    /// Domain → user → password.
    passwords: HashMap<String, HashMap<String, Zeroizing<String>>>,
    curve: HashMap<String, CurveKeys>,
}

/// The answer to one request: a ZAP status code, its text and the user id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Decision {
    pub(super) status: &'static str,
    pub(super) text: &'static str,
    pub(super) user_id: String,
}

impl Decision {
    fn allow(user_id: String) -> Decision {
        Decision {
            status: "200",
            text: "OK",
            user_id,
        }
    }

    pub(super) fn deny(text: &'static str) -> Decision {
        Decision {
            status: "400",
            text,
            user_id: String::new(),
        }
    }
}

impl Policy {
    pub(super) fn allow(&mut self, address: IpAddr) {
        self.allow.insert(address);
    }

    pub(super) fn deny(&mut self, address: IpAddr) {
        self.deny.insert(address);
    }

    pub(super) fn set_passwords(
        &mut self,
        domain: &str,
        users: HashMap<String, Zeroizing<String>>,
    ) {
        self.passwords.insert(default_domain(domain), users);
    }

    pub(super) fn set_curve(&mut self, domain: &str, keys: CurveKeys) {
        self.curve.insert(default_domain(domain), keys);
    }

    /// pyzmq's order: an allow list, when not empty, refuses every other
    /// address (a deny list is then ignored); else a deny list refuses its
    /// addresses. NULL passes unless refused; PLAIN and CURVE must also show
    /// credentials, even from an allowed address.
    pub(super) fn decide(&self, request: &ZapRequest) -> Decision {
        let address = request.address.parse::<IpAddr>().ok();
        let listed = |set: &HashSet<IpAddr>| address.is_some_and(|a| set.contains(&a));
        if !self.allow.is_empty() && !listed(&self.allow) {
            return Decision::deny("Address not allowed");
        }
        if self.allow.is_empty() && listed(&self.deny) {
            return Decision::deny("Address denied");
        }
        let domain = default_domain(&request.domain);
        match &request.credentials {
            Credentials::Null => Decision::allow("anonymous".into()),
            Credentials::Plain { username, password } => self.plain(&domain, username, password),
            Credentials::Curve(key) => self.curve(&domain, key),
            Credentials::Other => Decision::deny("Unsupported mechanism"),
        }
    }

    fn plain(&self, domain: &str, username: &str, password: &str) -> Decision {
        if self.passwords.is_empty() {
            return Decision::deny("No passwords defined");
        }
        let Some(users) = self.passwords.get(domain) else {
            return Decision::deny("Invalid domain");
        };
        match users.get(username) {
            None => Decision::deny("Invalid username"),
            Some(expected) if expected.as_bytes() == password.as_bytes() => {
                Decision::allow(username.to_owned())
            }
            Some(_) => Decision::deny("Invalid password"),
        }
    }

    fn curve(&self, domain: &str, key: &CurvePublicKey) -> Decision {
        match self.curve.get(domain) {
            None => Decision::deny("Unknown domain"),
            Some(CurveKeys::Allowed(keys)) if !keys.contains(key) => Decision::deny("Unknown key"),
            // The user id is the client's key as Z85, as pyzmq reports it.
            Some(_) => Decision::allow(key.to_z85()),
        }
    }
}

impl std::fmt::Debug for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Policy")
            .field("allow", &self.allow)
            .field("deny", &self.deny)
            .field("plain_domains", &self.passwords.keys())
            .field("curve", &self.curve)
            .finish()
    }
}

/// An empty domain is the default domain "*", as in pyzmq.
fn default_domain(domain: &str) -> String {
    if domain.is_empty() {
        "*".into()
    } else {
        domain.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(address: &str, domain: &str, credentials: Credentials) -> ZapRequest {
        ZapRequest {
            request_id: bytes::Bytes::from_static(b"1"),
            domain: domain.into(),
            address: address.into(),
            credentials,
        }
    }

    fn plain(user: &str, password: &str) -> Credentials {
        Credentials::Plain {
            username: user.into(),
            password: Zeroizing::new(password.into()),
        }
    }

    #[test]
    fn addresses_allow_list_wins_over_deny_list() {
        let mut p = Policy::default();
        let null = || Credentials::Null;
        assert_eq!(p.decide(&request("10.0.0.1", "", null())).status, "200");
        p.deny("10.0.0.1".parse().unwrap());
        assert_eq!(
            p.decide(&request("10.0.0.1", "", null())),
            Decision::deny("Address denied")
        );
        assert_eq!(p.decide(&request("10.0.0.2", "", null())).status, "200");
        p.allow("10.0.0.2".parse().unwrap());
        assert_eq!(p.decide(&request("10.0.0.2", "", null())).status, "200");
        assert_eq!(
            p.decide(&request("10.0.0.3", "", null())),
            Decision::deny("Address not allowed")
        );
        // An unparsable address (e.g. ipc) is in no list.
        assert_eq!(p.decide(&request("", "", null())).status, "400");
    }

    #[test]
    fn plain_checks_domain_user_and_password() {
        let mut p = Policy::default();
        assert_eq!(
            p.decide(&request("::1", "", plain("a", "b"))),
            Decision::deny("No passwords defined")
        );
        let users = HashMap::from([("admin".to_string(), Zeroizing::new("secret".into()))]);
        p.set_passwords("", users);
        let ok = p.decide(&request("::1", "*", plain("admin", "secret")));
        assert_eq!(ok, Decision::allow("admin".into()));
        assert_eq!(
            p.decide(&request("::1", "", plain("admin", "nope"))).text,
            "Invalid password"
        );
        assert_eq!(
            p.decide(&request("::1", "", plain("eve", "secret"))).text,
            "Invalid username"
        );
        assert_eq!(
            p.decide(&request("::1", "other", plain("admin", "secret")))
                .text,
            "Invalid domain"
        );
    }

    #[test]
    fn curve_any_key_or_listed_keys_per_domain() {
        let good = CurvePublicKey::from_bytes([1; 32]);
        let bad = CurvePublicKey::from_bytes([2; 32]);
        let mut p = Policy::default();
        let curve = |k| Credentials::Curve(k);
        assert_eq!(
            p.decide(&request("127.0.0.1", "", curve(good))).text,
            "Unknown domain"
        );
        p.set_curve("", CurveKeys::allowed([good]));
        p.set_curve("open", CurveKeys::Any);
        assert_eq!(
            p.decide(&request("127.0.0.1", "", curve(good))),
            Decision::allow(good.to_z85())
        );
        assert_eq!(
            p.decide(&request("127.0.0.1", "", curve(bad))).text,
            "Unknown key"
        );
        assert_eq!(
            p.decide(&request("127.0.0.1", "open", curve(bad))).status,
            "200"
        );
        // An allowed address still needs a known key.
        p.allow("127.0.0.1".parse().unwrap());
        assert_eq!(
            p.decide(&request("127.0.0.1", "", curve(bad))).status,
            "400"
        );
        assert_eq!(
            p.decide(&request("127.0.0.1", "", Credentials::Other))
                .status,
            "400"
        );
    }
}
