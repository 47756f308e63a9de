//! Every list order is an index scan, with or without the status filter: the query planner
//! of each database is asked (SQLite's `EXPLAIN QUERY PLAN`, PostgreSQL's `EXPLAIN` with sorts
//! priced out, since on a small table it would rightly prefer to sort).

use crate::support::Ctx;
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};

const TABLES: &[(&str, &str)] = &[
    ("articles", "title"),
    ("technologies", "name"),
    ("sources", "title"),
];

#[tokio::test]
async fn every_list_order_is_served_by_an_index() {
    let ctx = Ctx::new().await;
    let conn = ctx.service.db().conn();
    let backend = conn.get_database_backend();
    let mut failures = vec![];
    for (table, label) in TABLES {
        let lower = format!("LOWER({label})");
        for column in ["published_at", "created_at", "updated_at", lower.as_str()] {
            for filter in ["", "WHERE status = 'published' "] {
                for dir in ["ASC", "DESC"] {
                    let sql = format!(
                        "SELECT * FROM {table} {filter}ORDER BY {column} {dir}, id {dir} LIMIT 21"
                    );
                    let plan = explain(conn, backend, &sql).await;
                    let sorts = match backend {
                        DbBackend::Sqlite => plan.contains("TEMP B-TREE"),
                        _ => plan.contains("Sort") || !plan.contains("Index"),
                    };
                    if sorts {
                        failures.push(format!("{sql}\n{plan}"));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "sorted without an index:\n{}",
        failures.join("\n\n")
    );
}

async fn explain(conn: &sea_orm::DatabaseConnection, backend: DbBackend, sql: &str) -> String {
    let rows = match backend {
        DbBackend::Sqlite => {
            let explain = format!("EXPLAIN QUERY PLAN {sql}");
            let rows = conn.query_all_raw(Statement::from_string(backend, explain));
            rows.await.unwrap()
        }
        _ => {
            let tx = conn.begin().await.unwrap();
            let off = "SET LOCAL enable_sort = off; SET LOCAL enable_seqscan = off";
            tx.execute_unprepared(off).await.unwrap();
            let explain = format!("EXPLAIN {sql}");
            let rows = tx.query_all_raw(Statement::from_string(backend, explain));
            let rows = rows.await.unwrap();
            tx.rollback().await.unwrap();
            rows
        }
    };
    let column = if backend == DbBackend::Sqlite { 3 } else { 0 };
    (rows.iter())
        .map(|r| r.try_get_by_index::<String>(column).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}
