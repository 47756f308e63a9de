//! Lists for callers who see every status (editors, preview tokens) carry no status filter, so
//! the status-first indexes cannot order them: each such page sorted every row in a temporary
//! B-tree, copying whole rows (a profile of an editor's GraphQL list spent most of its time
//! there). These indexes give those orders an index scan, as the public lists have; and
//! sources get the status-first ones they lacked.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000013_unfiltered_sorts"
    }
}

/// Each content table, with the column its label sort folds the case of.
const TABLES: &[(&str, &str)] = &[
    ("articles", "title"),
    ("technologies", "name"),
    ("sources", "title"),
];

fn indexes() -> Vec<(String, String)> {
    let mut out = vec![];
    for (table, label) in TABLES {
        for (name, columns) in [
            ("published", "published_at, id".to_owned()),
            ("created", "created_at, id".to_owned()),
            ("updated", "updated_at, id".to_owned()),
            ("label_ci", format!("LOWER({label}), id")),
        ] {
            out.push((
                format!("idx_{table}_{name}_all"),
                format!("{table} ({columns})"),
            ));
        }
    }
    // Sources came without the status-first indexes the other types have for these two.
    for column in ["created", "updated"] {
        let on = format!("sources (status, {column}_at, id)");
        out.push((format!("idx_sources_status_{column}"), on));
    }
    out
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, on) in indexes() {
            let sql = format!("CREATE INDEX IF NOT EXISTS {name} ON {on}");
            manager.get_connection().execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in indexes() {
            let sql = format!("DROP INDEX IF EXISTS {name}");
            manager.get_connection().execute_unprepared(&sql).await?;
        }
        Ok(())
    }
}
