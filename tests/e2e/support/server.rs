//! The real `lectern` binary, started on port 0 against a test database.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";
/// The signing key the test servers use, so tests can forge tokens with wrong claims.
pub const JWT_SECRET: &str = "test-signing-key-of-more-than-32-bytes-for-lectern";

pub struct TestServer {
    child: Option<Child>,
    pub base: String,
    pub stdout: Vec<String>,
    db_url: String,
    extra_env: Vec<(String, String)>,
    demo: bool,
}

#[derive(Default, Clone)]
pub struct ServerOptions {
    pub demo: bool,
    pub env: Vec<(String, String)>,
}

/// The folder the servers (and commands) of one database keep uploaded files in: one per
/// database, so a restart, a second instance or an export finds the same files.
pub fn assets_dir_for(db_url: &str) -> std::path::PathBuf {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    db_url.hash(&mut h);
    std::env::temp_dir().join(format!("lectern-test-assets-{:x}", h.finish()))
}

impl TestServer {
    pub fn start(db_url: &str, options: ServerOptions) -> Self {
        let mut server = TestServer {
            child: None,
            base: String::new(),
            stdout: vec![],
            db_url: db_url.to_owned(),
            extra_env: options.env,
            demo: options.demo,
        };
        server.spawn();
        server
    }

    fn spawn(&mut self) {
        let mut command = Command::new(env!("CARGO_BIN_EXE_lectern"));
        command
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("LECTERN_ADDR", "127.0.0.1:0")
            .env("DATABASE_URL", &self.db_url)
            .env("LECTERN_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("LECTERN_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("LECTERN_LOG", "warn")
            .env("LECTERN_WORKERS", "2")
            .env("LECTERN_JWT_SECRET", JWT_SECRET)
            .env("LECTERN_DEMO", if self.demo { "true" } else { "false" })
            .env("LECTERN_ASSETS_DIR", self.assets_dir())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in &self.extra_env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("start lectern");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut lines = vec![];
        let base = loop {
            match rx.recv_timeout(Duration::from_secs(60)) {
                Ok(line) => {
                    let found = line
                        .split("listening on ")
                        .nth(1)
                        .map(|s| s.trim().to_owned());
                    lines.push(line);
                    if let Some(base) = found {
                        break base;
                    }
                }
                Err(_) => {
                    let _ = child.kill();
                    panic!("lectern did not start; it printed: {lines:#?}");
                }
            }
        };
        // Keep reading the banner lines printed right after the address.
        while let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            lines.push(line);
        }
        self.stdout = lines;
        self.base = base;
        self.child = Some(child);
    }

    /// The folder this server keeps uploaded files in.
    pub fn assets_dir(&self) -> std::path::PathBuf {
        assets_dir_for(&self.db_url)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().map(|c| c.id()).unwrap_or(0)
    }

    /// SIGKILL: the process gets no chance to clean up.
    pub fn kill_hard(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM, then waits; returns whether it exited successfully within `timeout`.
    pub fn terminate(&mut self, timeout: Duration) -> bool {
        let Some(mut child) = self.child.take() else {
            return false;
        };
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status();
        let deadline = std::time::Instant::now() + timeout;
        while std::time::Instant::now() < deadline {
            if let Ok(Some(status)) = child.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        false
    }

    /// Starts the binary again on the same database (a new port).
    pub fn restart(&mut self) {
        self.kill_hard();
        self.spawn();
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.kill_hard();
    }
}
