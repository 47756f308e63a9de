//! Tests that need PostgreSQL (several instances, an outage) are reported as ignored when the
//! suite runs on SQLite, rather than passing without doing anything: `pg_tests` is set when
//! the tests are built with `LECTERN_TEST_DATABASE_URL` pointing at PostgreSQL; `s3_tests`
//! likewise when `LECTERN_TEST_S3_ENDPOINT` names an S3-compatible server.
fn main() {
    println!("cargo:rustc-check-cfg=cfg(pg_tests)");
    println!("cargo:rustc-check-cfg=cfg(s3_tests)");
    println!("cargo:rerun-if-env-changed=LECTERN_TEST_S3_ENDPOINT");
    if std::env::var("LECTERN_TEST_S3_ENDPOINT").is_ok_and(|e| !e.is_empty()) {
        println!("cargo:rustc-cfg=s3_tests");
    }
    println!("cargo:rerun-if-env-changed=LECTERN_TEST_DATABASE_URL");
    let url = std::env::var("LECTERN_TEST_DATABASE_URL").unwrap_or_default();
    if url.starts_with("postgres") {
        println!("cargo:rustc-cfg=pg_tests");
    }
}
