//! A real SMTP server for the tests (Debian's aiosmtpd), and the digest
//! pass run as the admin's cron would run it.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::harness::TestApp;

/// aiosmtpd on a free loopback port, keeping every message in a maildir.
pub struct SmtpSink {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut child = Command::new("/usr/bin/python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("maildir"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3-aiosmtpd is needed (tests/run installs it)");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return SmtpSink { child, port, dir };
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("aiosmtpd did not start");
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, raw, oldest first.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        let mut files = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(entries) = std::fs::read_dir(self.dir.path().join("maildir").join(sub)) {
                files.extend(entries.flatten().map(|e| e.path()));
            }
        }
        files.sort_by_key(|path| std::fs::metadata(path).and_then(|m| m.modified()).ok());
        files.into_iter().map(|path| std::fs::read(path).unwrap()).collect()
    }

    pub fn messages_to(&self, address: &str) -> Vec<Vec<u8>> {
        self.messages()
            .into_iter()
            .filter(|raw| {
                mailparse::parse_mail(raw)
                    .unwrap()
                    .headers
                    .iter()
                    .any(|h| h.get_key() == "To" && h.get_value().contains(address))
            })
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `sala digest run --now` against the app's database.
pub fn digest_run(app: &TestApp, smtp: &SmtpSink, extra_env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sala"));
    cmd.args(["digest", "run", "--now"])
        .env("DATABASE_URL", &app.state.config.database_url)
        .env("SALA_DATA_DIR", &app.state.config.data_dir)
        .env("SALA_SECRET", String::from_utf8_lossy(&app.state.config.secret).to_string())
        .env("SALA_BASE_URL", &app.base)
        .env("SALA_SMTP_URL", smtp.url())
        .env("SALA_CONFIG", "/nonexistent/sala.toml")
        .env("RUST_LOG", "warn");
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// The subjects of the messages sent to `address`.
pub fn subjects(smtp: &SmtpSink, address: &str) -> Vec<String> {
    smtp.messages_to(address)
        .iter()
        .map(|raw| {
            mailparse::parse_mail(raw).unwrap().headers.iter().find(|h| h.get_key() == "Subject").unwrap().get_value()
        })
        .collect()
}

/// The plain-text part of each message sent to `address`.
pub fn texts(smtp: &SmtpSink, address: &str) -> Vec<String> {
    smtp.messages_to(address)
        .iter()
        .map(|raw| {
            let mail = mailparse::parse_mail(raw).unwrap();
            let plain = mail.subparts.iter().find(|p| p.ctype.mimetype == "text/plain").unwrap_or(&mail);
            plain.get_body().unwrap()
        })
        .collect()
}
