//! Tests that need PostgreSQL (several instances, an outage) are reported as ignored when the
//! suite runs on SQLite, rather than passing without doing anything: `pg_tests` is set when
//! the tests are built with `LECTERN_TEST_DATABASE_URL` pointing at PostgreSQL.
fn main() {
    println!("cargo:rustc-check-cfg=cfg(pg_tests)");
    println!("cargo:rerun-if-env-changed=LECTERN_TEST_DATABASE_URL");
    let url = std::env::var("LECTERN_TEST_DATABASE_URL").unwrap_or_default();
    if url.starts_with("postgres") {
        println!("cargo:rustc-cfg=pg_tests");
    }
}
