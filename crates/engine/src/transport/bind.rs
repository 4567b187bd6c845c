//! Binding listeners on the caller's thread, so errors and the chosen address
//! are known at once (EADDRINUSE, LAST_ENDPOINT).

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{tcp_endpoint_string, Endpoint, Listener};

/// A bound listener and the endpoint string it ended up with.
#[derive(Debug)]
pub(crate) struct Bound {
    pub(crate) listener: Listener,
    pub(crate) endpoint: String,
    pub(crate) ipc_path: Option<IpcFile>,
}

/// The socket file an ipc listener created, known by device and inode, so
/// that closing the listener removes its own file only: not one that a later
/// bind to the same path (another socket, or another process) put there.
#[derive(Debug)]
pub(crate) struct IpcFile {
    path: PathBuf,
    id: Option<(u64, u64)>,
}

impl IpcFile {
    fn created(path: PathBuf) -> IpcFile {
        let id = file_id(&path);
        IpcFile { path, id }
    }

    /// Removes the file if it is still the one the listener created.
    pub(crate) fn remove(&self) {
        let _files = IPC_FILES.lock();
        if self.id.is_some() && file_id(&self.path) == self.id {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Held while an ipc socket file is replaced or removed (see [`IpcFile`]).
static IPC_FILES: Mutex<()> = Mutex::new(());

fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(path)
        .ok()
        .map(|m| (m.dev(), m.ino()))
}

pub(crate) fn bind(endpoint: &Endpoint) -> io::Result<Bound> {
    match endpoint {
        Endpoint::Tcp { .. } => {
            let addr = endpoint.bind_addr()?;
            let std_listener = std::net::TcpListener::bind(addr)?;
            std_listener.set_nonblocking(true)?;
            let local = std_listener.local_addr()?;
            Ok(Bound {
                listener: Listener::Tcp(mio::net::TcpListener::from_std(std_listener)),
                endpoint: tcp_endpoint_string(local),
                ipc_path: None,
            })
        }
        Endpoint::Ipc(path) => {
            let path = if path.as_os_str() == "*" {
                fresh_ipc_path()
            } else {
                path.clone()
            };
            // libzmq replaces a stale socket file left by an earlier process.
            // The lock keeps a closing listener of this process from
            // removing the file between our replacing and binding it.
            let _files = IPC_FILES.lock();
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
            let listener = mio::net::UnixListener::bind(&path)?;
            Ok(Bound {
                listener: Listener::Unix(listener),
                endpoint: format!("ipc://{}", path.display()),
                ipc_path: Some(IpcFile::created(path)),
            })
        }
        Endpoint::Inproc(_) => Err(io::Error::from(io::ErrorKind::InvalidInput)),
    }
}

fn fresh_ipc_path() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("ferrozmq-{}-{n}", std::process::id()))
}
