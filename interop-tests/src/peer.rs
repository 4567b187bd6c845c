//! Launching peer programs: built once per run, killed when dropped.
//!
//! Every peer takes `TYPE OTHER_TYPE (bind|connect) ENDPOINT COUNT`, prints
//! `endpoint <ep>` (after binding) or `connected` first, `done sent=<n>
//! received=<m>` last, and exits 0 only if every byte it received was right.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::{in_ci, STEP_TIMEOUT};

/// Debian's JeroMQ 0.3.6 (package `libjeromq-java`).
pub const JEROMQ_JAR: &str = "/usr/share/java/jeromq.jar";

/// Which implementation a peer runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeerKind {
    /// Debian's libzmq, through `peers/c/peer.c`.
    Libzmq,
    /// pyzmq (which bundles its own libzmq), through `peers/python/peer.py`.
    Pyzmq,
    /// JeroMQ 0.3.6, a ZMTP/2.0 peer, through `peers/java/Peer.java`.
    Jeromq,
}

impl PeerKind {
    /// A short name for messages.
    pub fn name(self) -> &'static str {
        match self {
            PeerKind::Libzmq => "libzmq",
            PeerKind::Pyzmq => "pyzmq",
            PeerKind::Jeromq => "jeromq",
        }
    }

    /// The command that runs this peer, or why it cannot run here.
    fn program(self) -> Program {
        static PROGRAMS: [OnceLock<Program>; 3] =
            [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        let (slot, build): (_, fn() -> Program) = match self {
            PeerKind::Libzmq => (&PROGRAMS[0], build_c),
            PeerKind::Pyzmq => (&PROGRAMS[1], find_python),
            PeerKind::Jeromq => (&PROGRAMS[2], build_java),
        };
        slot.get_or_init(build).clone()
    }
}

/// A command line to start a peer, or why there is none.
type Program = Result<Vec<OsString>, String>;

/// A running peer process. Dropping it kills the process.
#[derive(Debug)]
pub struct Peer {
    kind: PeerKind,
    child: Child,
    lines: Receiver<String>,
    stderr: Arc<Mutex<String>>,
    stderr_reader: Option<JoinHandle<()>>,
    stdin: Option<ChildStdin>,
}

impl Peer {
    /// Starts a `kind` peer with `args`.
    ///
    /// Returns `None` when the peer's implementation is not installed (after
    /// printing "skipping"), and panics instead when `CI=true`.
    pub fn spawn(kind: PeerKind, args: &[&str]) -> Option<Peer> {
        Peer::spawn_program(kind, kind.program(), args)
    }

    /// Starts `program` (see [`c_program`], [`python_program`]) as a `kind`
    /// peer with `args`, its stdin a pipe for [`Peer::tell`]. An `Err`
    /// program is a missing implementation, handled as in [`Peer::spawn`].
    pub fn spawn_program(
        kind: PeerKind,
        program: Result<Vec<OsString>, String>,
        args: &[&str],
    ) -> Option<Peer> {
        let program = match program {
            Ok(p) => p,
            Err(why) if in_ci() => panic!("{} peer unavailable under CI=true: {why}", kind.name()),
            Err(why) => {
                eprintln!("skipping: {} peer unavailable: {why}", kind.name());
                return None;
            }
        };
        let (exe, pre) = program.split_first().expect("a program");
        let mut child = Command::new(exe)
            .args(pre)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the {} peer: {e}", kind.name()));
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut err_pipe = child.stderr.take().expect("piped stderr");
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        let stderr_reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let text = String::from_utf8_lossy(buf.get(..n).unwrap_or_default());
                sink.lock().expect("stderr lock").push_str(&text);
            }
        });
        Some(Peer {
            kind,
            child,
            lines,
            stderr,
            stderr_reader: Some(stderr_reader),
            stdin,
        })
    }

    /// Writes `line` and a newline to the peer's stdin.
    pub fn tell(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("the peer's stdin");
        if let Err(e) = writeln!(stdin, "{line}").and_then(|()| stdin.flush()) {
            let status = self.kill();
            panic!(
                "{} peer: cannot write {line:?} to its stdin: {e} ({status}); stderr:\n{}",
                self.kind.name(),
                self.stderr()
            );
        }
    }

    /// The next line the peer prints, if one comes within `timeout`.
    pub fn line_within(&mut self, timeout: Duration) -> Option<String> {
        self.lines.recv_timeout(timeout).ok()
    }

    /// Which implementation this peer runs on.
    pub fn kind(&self) -> PeerKind {
        self.kind
    }

    /// The next line the peer prints, within [`STEP_TIMEOUT`].
    pub fn line(&mut self) -> String {
        match self.lines.recv_timeout(STEP_TIMEOUT) {
            Ok(line) => line,
            Err(_) => {
                let status = self.kill();
                panic!(
                    "{} peer printed no line within {STEP_TIMEOUT:?} ({status}); stderr:\n{}",
                    self.kind.name(),
                    self.stderr()
                )
            }
        }
    }

    /// Reads the `endpoint <ep>` line a binding peer prints.
    pub fn bound_endpoint(&mut self) -> String {
        let line = self.line();
        match line.strip_prefix("endpoint ") {
            Some(ep) => ep.to_owned(),
            None => panic!("{} peer said {line:?}, not its endpoint", self.kind.name()),
        }
    }

    /// Waits up to `timeout` for the peer to exit successfully and returns
    /// the lines it printed meanwhile; panics (with its stderr) otherwise.
    pub fn finish(&mut self, timeout: Duration) -> Vec<String> {
        let deadline = Instant::now() + timeout;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                _ => {
                    let status = self.kill();
                    panic!(
                        "{} peer still running after {timeout:?}, killed ({status}); stderr:\n{}",
                        self.kind.name(),
                        self.stderr()
                    );
                }
            }
        };
        // The process has exited, but its last lines may still be on their
        // way through the reader thread: read until it sees end of file.
        let mut lines = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(STEP_TIMEOUT) {
            lines.push(line);
        }
        if !status.success() {
            panic!(
                "{} peer failed ({status}); stdout: {lines:?}; stderr:\n{}",
                self.kind.name(),
                self.stderr()
            );
        }
        lines
    }

    /// Kills the peer and returns how it ended.
    pub fn kill(&mut self) -> String {
        let _ = self.child.kill();
        match self.child.wait() {
            Ok(status) => status.to_string(),
            Err(e) => format!("wait failed: {e}"),
        }
    }

    /// Everything the peer wrote to stderr so far (all of it once it exited).
    pub fn stderr(&mut self) -> String {
        if let Ok(Some(_)) = self.child.try_wait() {
            if let Some(reader) = self.stderr_reader.take() {
                let _ = reader.join();
            }
        }
        self.stderr.lock().expect("stderr lock").clone()
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Parses a `done sent=<n> received=<m>` line.
pub fn parse_done(line: &str) -> Option<(u32, u32)> {
    let rest = line.strip_prefix("done sent=")?;
    let (sent, received) = rest.split_once(" received=")?;
    Some((sent.parse().ok()?, received.parse().ok()?))
}

/// `interop-tests/peers/<lang>/<file>`.
fn source(lang: &str, file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("peers")
        .join(lang)
        .join(file)
}

/// Where built peers go: `<target>/<profile>/interop-peers`, next to `deps/`.
fn build_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .map_or_else(std::env::temp_dir, Path::to_path_buf)
        .join("interop-peers");
    std::fs::create_dir_all(&dir).expect("create the peer build dir");
    dir
}

fn find_python() -> Program {
    python_program("peer.py")
}

/// `python3 peers/python/<file>`, if python3 can import zmq.
pub fn python_program(file: &str) -> Program {
    let ok = Command::new("python3")
        .args(["-c", "import zmq"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("python3: {e}"))?;
    if !ok.success() {
        return Err("python3 cannot import zmq (pip install pyzmq)".into());
    }
    Ok(vec![
        "python3".into(),
        source("python", file).into_os_string(),
    ])
}

/// Compiles `peers/c/peer.c` against the system libzmq, once per run. A
/// missing compiler or libzmq makes the peer unavailable; a compile error in
/// `peer.c` itself panics.
fn build_c() -> Program {
    c_program("peer")
}

/// Compiles `peers/c/<stem>.c` with `cc -lzmq` into `<stem>-c`. A missing
/// compiler or libzmq is an `Err`; a compile error in the file panics.
pub fn c_program(stem: &str) -> Program {
    let dir = build_dir();
    let pid = std::process::id();
    let probe_src = dir.join(format!("probe.{pid}.c"));
    let probe = dir.join(format!("probe.{pid}"));
    std::fs::write(
        &probe_src,
        "#include <zmq.h>\nint main(void) { return zmq_ctx_new() == 0; }\n",
    )
    .map_err(|e| e.to_string())?;
    let probed = Command::new("cc")
        .arg(&probe_src)
        .arg("-o")
        .arg(&probe)
        .arg("-lzmq")
        .stderr(Stdio::null())
        .status();
    let _ = std::fs::remove_file(&probe_src);
    let _ = std::fs::remove_file(&probe);
    match probed {
        Ok(s) if s.success() => {}
        Ok(_) => return Err("cc cannot build against zmq.h/-lzmq (apt libzmq3-dev)".into()),
        Err(e) => return Err(format!("cc: {e}")),
    }
    let tmp = dir.join(format!("{stem}-c.{pid}"));
    let out = Command::new("cc")
        .args(["-O1", "-Wall", "-Wextra", "-Werror", "-o"])
        .arg(&tmp)
        .arg(source("c", &format!("{stem}.c")))
        .arg("-lzmq")
        .output()
        .map_err(|e| format!("cc: {e}"))?;
    if !out.status.success() {
        panic!(
            "peers/c/{stem}.c does not compile:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let exe = dir.join(format!("{stem}-c"));
    std::fs::rename(&tmp, &exe).map_err(|e| e.to_string())?;
    Ok(vec![exe.into_os_string()])
}

/// Compiles `peers/java/Peer.java` against JeroMQ 0.3.6, once per run.
fn build_java() -> Program {
    if !Path::new(JEROMQ_JAR).exists() {
        return Err(format!("{JEROMQ_JAR} missing (apt libjeromq-java)"));
    }
    for tool in ["javac", "java"] {
        Command::new(tool)
            .arg("-version")
            .output()
            .map_err(|e| format!("{tool}: {e} (apt default-jdk-headless)"))?;
    }
    let dir = build_dir();
    let tmp = dir.join(format!("java.{}", std::process::id()));
    let out = Command::new("javac")
        .arg("-d")
        .arg(&tmp)
        .args(["-cp", JEROMQ_JAR])
        .arg(source("java", "Peer.java"))
        .output()
        .map_err(|e| format!("javac: {e}"))?;
    if !out.status.success() {
        panic!(
            "peers/java/Peer.java does not compile:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let classes = dir.join("java");
    std::fs::create_dir_all(&classes).map_err(|e| e.to_string())?;
    std::fs::rename(tmp.join("Peer.class"), classes.join("Peer.class"))
        .map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(&tmp);
    let mut classpath = OsString::from(JEROMQ_JAR);
    classpath.push(":");
    classpath.push(classes);
    // Small heaps and no JIT tiers beyond C1: the peers are short-lived.
    Ok(vec![
        "java".into(),
        "-Xmx256m".into(),
        "-XX:TieredStopAtLevel=1".into(),
        "-cp".into(),
        classpath,
        "Peer".into(),
    ])
}
