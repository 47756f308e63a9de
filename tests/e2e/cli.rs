//! The command line as an operator uses it.

use crate::support::TestDb;
use std::io::Write;
use std::process::{Command, Stdio};

fn lectern() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_lectern"));
    c.env_clear().env("LECTERN_LOG", "warn");
    c
}

#[test]
fn help_explains_every_command_and_variable() {
    let out = lectern().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for word in [
        "serve",
        "migrate",
        "user",
        "LECTERN_ADDR",
        "DATABASE_URL",
        "LECTERN_DEMO",
        "LECTERN_LOG_FORMAT",
        "LECTERN_ADMIN_PASSWORD",
    ] {
        assert!(
            text.contains(word),
            "--help does not mention {word}:\n{text}"
        );
    }
}

#[tokio::test]
async fn migrate_and_create_users_from_the_command_line() {
    let db = TestDb::new().await;
    let out = lectern()
        .arg("migrate")
        .env("DATABASE_URL", db.url())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let create = |email: &str, role: &str, password: &str| {
        let mut child = lectern()
            .args([
                "user",
                "create",
                "--email",
                email,
                "--role",
                role,
                "--password-stdin",
            ])
            .env("DATABASE_URL", db.url())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(password.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let ok = create("Editor@Example.com", "editor", "a-very-long-password\n");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("editor@example.com"));
    let dup = create("editor@example.COM", "editor", "a-very-long-password");
    assert!(!dup.status.success());
    assert!(String::from_utf8_lossy(&dup.stderr).contains("already exists"));
    let weak = create("x@example.com", "king", "short");
    assert!(!weak.status.success());
    let err = String::from_utf8_lossy(&weak.stderr).to_string();
    assert!(err.contains("role") && err.contains("password"), "{err}");
}

#[test]
fn bad_configuration_is_reported_not_ignored() {
    let out = lectern()
        .arg("serve")
        .env("LECTERN_DEMO", "perhaps")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("LECTERN_DEMO"));
}
