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

/// Only `serve` and `migrate` may create or migrate a database; every other command names
/// the database it tried and says what to run, and leaves nothing behind.
#[tokio::test]
async fn other_commands_never_create_a_database() {
    let db = TestDb::empty().await;
    let out_dir = tempfile::tempdir().unwrap();
    let export_to = out_dir.path().join("site");
    let runs: Vec<Vec<String>> = vec![
        vec![
            "user".into(),
            "create".into(),
            "--email".into(),
            "e@example.com".into(),
            "--role".into(),
            "editor".into(),
            "--password-stdin".into(),
        ],
        vec![
            "export".into(),
            "--out".into(),
            export_to.display().to_string(),
        ],
        vec!["seed".into(), "--articles".into(), "1".into()],
    ];
    for args in runs {
        let mut child = lectern()
            .args(&args)
            .env("DATABASE_URL", db.url())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The command may refuse before it reads its input: a closed pipe is no failure.
        let _ = child
            .stdin
            .take()
            .unwrap()
            .write_all(b"a-long-editor-password\n");
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded: {err}");
        assert!(err.contains("lectern migrate"), "{args:?}: {err}");
        let shown = if db.is_postgres() {
            "lectern_test_".to_owned()
        } else {
            "sqlite://".to_owned()
        };
        assert!(
            err.contains(&shown),
            "{args:?} does not name the database: {err}"
        );
        assert!(!err.contains("at line"), "{err}");
        if let Some(path) = db.sqlite_path() {
            assert!(!path.exists(), "{args:?} created {}", path.display());
        }
        assert!(!export_to.exists());
    }
    // `migrate` may, and afterwards the others work.
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
}

#[test]
fn a_database_that_does_not_exist_is_named_without_noise() {
    let Some(url) = crate::support::db::postgres_url() else {
        eprintln!("SKIPPED a_database_that_does_not_exist_is_named_without_noise: PostgreSQL only");
        return;
    };
    let missing = match url.rsplit_once('/') {
        Some((base, _)) => format!("{base}/lectern_no_such_database"),
        None => return,
    };
    let out = lectern()
        .arg("migrate")
        .env("DATABASE_URL", &missing)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("lectern_no_such_database"), "{err}");
    assert!(
        !err.contains(" at line "),
        "a source location leaked: {err}"
    );
}

#[tokio::test]
async fn start_up_errors_are_plain_sentences() {
    let db = TestDb::new().await;
    let out = lectern()
        .arg("serve")
        .env("DATABASE_URL", db.url())
        .env("LECTERN_ADDR", "127.0.0.1:0")
        .env("LECTERN_ADMIN_EMAIL", "admin@example.com")
        .env("LECTERN_ADMIN_PASSWORD", "short")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("LECTERN_ADMIN_PASSWORD is not accepted: it must be 12 to 1024 characters"),
        "{err}"
    );
    assert!(
        !err.contains("FieldError") && !err.contains("Validation("),
        "{err}"
    );
    // No colour escapes when stderr is not a terminal.
    assert!(!err.contains('\u{1b}'), "{err:?}");
    let out = lectern()
        .arg("serve")
        .env("DATABASE_URL", db.url())
        .env("LECTERN_ADDR", "127.0.0.1:0")
        .env("LECTERN_ADMIN_EMAIL", "admin@example.com")
        .env("LECTERN_ADMIN_PASSWORD", "password1234")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("common password"), "{err}");
}

#[tokio::test]
async fn health_checks_the_configured_address_or_a_base_url() {
    let ctx = crate::support::Ctx::new().await;
    let base = ctx.server.base.clone();
    let addr = base.trim_start_matches("http://").to_owned();
    for args in [
        vec!["health".to_owned()],
        vec!["health".to_owned(), "--url".to_owned(), base.clone()],
        vec![
            "health".to_owned(),
            "--url".to_owned(),
            format!("{base}/readyz"),
        ],
    ] {
        let out = lectern()
            .args(&args)
            .env("LECTERN_ADDR", &addr)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // From a config file too.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lectern.toml");
    std::fs::write(&file, format!("addr = \"{addr}\"\n")).unwrap();
    let out = lectern()
        .args(["--config", file.to_str().unwrap(), "health"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Nothing listening: a plain failure naming the URL.
    let out = lectern()
        .args(["health", "--url", "http://127.0.0.1:9"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("http://127.0.0.1:9/readyz"));
}

/// The README's configuration table lists exactly the variables `lectern --help` prints.
#[test]
fn the_readme_lists_every_variable_help_prints() {
    let out = lectern().arg("--help").output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    let printed: std::collections::BTreeSet<String> = help
        .split_whitespace()
        .filter(|w| w.starts_with("LECTERN_") || *w == "DATABASE_URL")
        .map(|w| {
            w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .to_owned()
        })
        .filter(|w| {
            w.chars()
                .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
        })
        .collect();
    let readme = include_str!("../../README.md");
    let table = readme
        .split("## Configuration")
        .nth(1)
        .expect("a Configuration section");
    let listed: std::collections::BTreeSet<String> = table
        .lines()
        .take_while(|l| !l.starts_with("## "))
        .filter(|l| l.starts_with("| `"))
        .flat_map(|l| {
            l.split('|')
                .nth(1)
                .unwrap_or_default()
                .split('`')
                .filter(|w| w.starts_with("LECTERN_") || *w == "DATABASE_URL")
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    let missing: Vec<_> = printed.difference(&listed).collect();
    let extra: Vec<_> = listed.difference(&printed).collect();
    assert!(missing.is_empty(), "README's table lacks {missing:?}");
    assert!(extra.is_empty(), "README's table lists unknown {extra:?}");
}
