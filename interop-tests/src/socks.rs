//! A small SOCKS5 proxy for the tests: RFC 1928 CONNECT to IPv4, IPv6 and
//! domain-name targets, no authentication or RFC 1929 username/password,
//! then a byte relay both ways. It records every request it receives.
//!
//! One thread accepts; each client gets a thread for the handshake and one
//! more per relay direction. Dropping the server stops accepting; relays end
//! when either side closes.

use std::io::{self, Read, Write};
use std::net::{
    IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs,
};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// The address a client asked the proxy to connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Address type 1.
    Ipv4(Ipv4Addr, u16),
    /// Address type 3, resolved by the proxy.
    Domain(String, u16),
    /// Address type 4.
    Ipv6(Ipv6Addr, u16),
}

/// A running proxy on 127.0.0.1; stops accepting when dropped.
#[derive(Debug)]
pub struct SocksServer {
    address: SocketAddr,
    state: Arc<State>,
    acceptor: Option<JoinHandle<()>>,
}

#[derive(Debug, Default)]
struct State {
    /// `Some((user, password))`: only RFC 1929 clients with these get in.
    credentials: Option<(Vec<u8>, Vec<u8>)>,
    requests: Mutex<Vec<Target>>,
    clients: Mutex<Vec<SocketAddr>>,
    auth_failures: AtomicUsize,
    stop: AtomicBool,
}

impl SocksServer {
    /// Starts a proxy; with `credentials`, clients must authenticate with
    /// that user name and password.
    pub fn start(credentials: Option<(&str, &str)>) -> SocksServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let address = listener.local_addr().expect("proxy address");
        let state = Arc::new(State {
            credentials: credentials.map(|(u, p)| (u.as_bytes().to_vec(), p.as_bytes().to_vec())),
            ..State::default()
        });
        let shared = state.clone();
        let acceptor = std::thread::spawn(move || {
            for client in listener.incoming() {
                if shared.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = client else { continue };
                if let Ok(from) = client.peer_addr() {
                    shared.clients.lock().expect("clients lock").push(from);
                }
                let state = shared.clone();
                std::thread::spawn(move || {
                    let _ = serve(&state, client);
                });
            }
        });
        SocksServer {
            address,
            state,
            acceptor: Some(acceptor),
        }
    }

    /// `127.0.0.1:<port>`, as ZMQ_SOCKS_PROXY takes it.
    pub fn address(&self) -> String {
        self.address.to_string()
    }

    /// Every CONNECT request received so far.
    pub fn requests(&self) -> Vec<Target> {
        self.state.requests.lock().expect("requests lock").clone()
    }

    /// The address of every client accepted so far.
    pub fn clients(&self) -> Vec<SocketAddr> {
        self.state.clients.lock().expect("clients lock").clone()
    }

    /// How many clients gave the wrong user name or password.
    pub fn auth_failures(&self) -> usize {
        self.state.auth_failures.load(Ordering::SeqCst)
    }
}

impl Drop for SocksServer {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::SeqCst);
        // Wake the acceptor so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_secs(1));
        if let Some(t) = self.acceptor.take() {
            let _ = t.join();
        }
    }
}

/// One client: greeting, authentication, request, then relay.
fn serve(state: &State, mut client: TcpStream) -> io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(20)))?;
    let [version, n] = read_array(&mut client)?;
    let mut methods = vec![0u8; usize::from(n)];
    client.read_exact(&mut methods)?;
    if version != 5 {
        return Ok(());
    }
    let wanted = if state.credentials.is_some() { 2 } else { 0 };
    if !methods.contains(&wanted) {
        return client.write_all(&[5, 0xff]);
    }
    client.write_all(&[5, wanted])?;
    if let Some((user, password)) = &state.credentials {
        let [_auth_version, len] = read_array(&mut client)?;
        let got_user = read_vec(&mut client, len)?;
        let [len] = read_array(&mut client)?;
        let got_password = read_vec(&mut client, len)?;
        if &got_user != user || &got_password != password {
            state.auth_failures.fetch_add(1, Ordering::SeqCst);
            return client.write_all(&[1, 1]);
        }
        client.write_all(&[1, 0])?;
    }
    let [_version, _command, _reserved, atyp] = read_array(&mut client)?;
    let target = match atyp {
        1 => {
            let ip: [u8; 4] = read_array(&mut client)?;
            Target::Ipv4(ip.into(), u16::from_be_bytes(read_array(&mut client)?))
        }
        3 => {
            let [len] = read_array(&mut client)?;
            let name = String::from_utf8_lossy(&read_vec(&mut client, len)?).into_owned();
            Target::Domain(name, u16::from_be_bytes(read_array(&mut client)?))
        }
        4 => {
            let ip: [u8; 16] = read_array(&mut client)?;
            Target::Ipv6(ip.into(), u16::from_be_bytes(read_array(&mut client)?))
        }
        _ => return client.write_all(&[5, 8, 0, 1, 0, 0, 0, 0, 0, 0]),
    };
    state
        .requests
        .lock()
        .expect("requests lock")
        .push(target.clone());
    let remote = match connect(&target) {
        Ok(remote) => remote,
        // 5: connection refused.
        Err(_) => return client.write_all(&[5, 5, 0, 1, 0, 0, 0, 0, 0, 0]),
    };
    let mut reply = vec![5, 0, 0, 1];
    match remote.local_addr()? {
        SocketAddr::V4(a) => {
            reply.extend_from_slice(&a.ip().octets());
            reply.extend_from_slice(&a.port().to_be_bytes());
        }
        SocketAddr::V6(a) => {
            reply[3] = 4;
            reply.extend_from_slice(&a.ip().octets());
            reply.extend_from_slice(&a.port().to_be_bytes());
        }
    }
    client.write_all(&reply)?;
    client.set_read_timeout(None)?;
    relay(client, remote)
}

fn connect(target: &Target) -> io::Result<TcpStream> {
    match target {
        Target::Ipv4(ip, port) => TcpStream::connect((IpAddr::V4(*ip), *port)),
        Target::Ipv6(ip, port) => TcpStream::connect((IpAddr::V6(*ip), *port)),
        Target::Domain(name, port) => {
            let addrs: Vec<SocketAddr> = (name.as_str(), *port).to_socket_addrs()?.collect();
            TcpStream::connect(&addrs[..])
        }
    }
}

/// Copies both ways until each side has closed.
fn relay(client: TcpStream, remote: TcpStream) -> io::Result<()> {
    let (mut client_in, mut remote_out) = (client.try_clone()?, remote.try_clone()?);
    let upstream = std::thread::spawn(move || {
        let _ = io::copy(&mut client_in, &mut remote_out);
        let _ = remote_out.shutdown(Shutdown::Write);
    });
    let (mut remote_in, mut client_out) = (remote, client);
    let _ = io::copy(&mut remote_in, &mut client_out);
    let _ = client_out.shutdown(Shutdown::Write);
    let _ = upstream.join();
    Ok(())
}

fn read_array<const N: usize>(s: &mut TcpStream) -> io::Result<[u8; N]> {
    let mut buf = [0u8; N];
    s.read_exact(&mut buf)?;
    Ok(buf)
}

fn read_vec(s: &mut TcpStream, len: u8) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; usize::from(len)];
    s.read_exact(&mut buf)?;
    Ok(buf)
}
