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

/// Every relation filter of every type reaches the related rows through an index: the
/// statements are written by the filter compiler itself, from each type's declared fields.
#[tokio::test]
async fn every_relation_filter_is_served_by_an_index() {
    use lectern_storage::entities::{articles, sources, technologies};
    use lectern_storage::queries::content::Table;
    use lectern_storage::queries::filter::{Expr, Field, Op, Target, Val};
    use lectern_storage::queries::public_sql::Sql;
    use lectern_storage::Backend;
    let ctx = Ctx::new().await;
    let conn = ctx.service.db().conn();
    let backend = conn.get_database_backend();
    let ours = match backend {
        DbBackend::Sqlite => Backend::Sqlite,
        _ => Backend::Postgres,
    };
    let types: [(&str, &[Field]); 3] = [
        ("articles", articles::Entity::FIELDS),
        ("technologies", technologies::Entity::FIELDS),
        ("sources", sources::Entity::FIELDS),
    ];
    // A value every compared column takes, text or uuid.
    const NIL: &str = "'00000000-0000-0000-0000-000000000000'";
    let mut failures = vec![];
    let mut checked = 0;
    for (table, fields) in types {
        for field in fields {
            let (hops, test) = match field.target {
                Target::Values(hops, column, _) => (
                    hops,
                    Expr::Test(column, Op::Eq, vec![Val::Text("x".into())]),
                ),
                Target::Items(hops, _) | Target::Users(hops) => (
                    hops,
                    Expr::Test("slug", Op::Eq, vec![Val::Text("x".into())]),
                ),
                Target::Column(..) => continue,
            };
            let test = match field.target {
                Target::Users(_) => Expr::Test("id", Op::Eq, vec![Val::Text("x".into())]),
                _ => test,
            };
            let mut q = Sql::new(ours, &format!("SELECT id FROM {table} WHERE "));
            Expr::Through(hops, Box::new(test)).write_for(&mut q, Some(table));
            // Inline the values: EXPLAIN takes no parameters.
            let mut sql = q.sql.clone();
            for (n, _) in q.values.iter().enumerate().rev() {
                sql = sql.replace(&format!("${}", n + 1), NIL);
            }
            let sql = sql.replace('?', NIL);
            let plan = explain(conn, backend, &sql).await;
            checked += 1;
            let scans = match backend {
                DbBackend::Sqlite => plan.lines().any(|l| {
                    let l = l.trim();
                    l.starts_with("SCAN ")
                        && !l.contains("USING")
                        && !l.starts_with(&format!("SCAN {table}"))
                }),
                _ => plan
                    .lines()
                    .any(|l| l.contains("Seq Scan") && !l.contains(&format!("on {table}"))),
            };
            if scans {
                failures.push(format!("{table}.{}: {sql}\n{plan}", field.name));
            }
        }
    }
    assert!(checked >= 9, "only {checked} relation filters were checked");
    assert!(
        failures.is_empty(),
        "relation filters that scan a table:\n{}",
        failures.join("\n\n")
    );
}
