//! Names and titles sort without regard to case ("Pelican" before "PHP"): the lists order by
//! `LOWER(name)` and `LOWER(title)`, and these expression indexes keep those orders index scans,
//! beside the status filter every public list carries.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000010_sort_case"
    }
}

const UP: &[&str] = &[
    "CREATE INDEX idx_articles_status_title_ci ON articles (status, LOWER(title), id)",
    "CREATE INDEX idx_technologies_status_name_ci ON technologies (status, LOWER(name), id)",
];

const DOWN: &[&str] = &[
    "DROP INDEX IF EXISTS idx_articles_status_title_ci",
    "DROP INDEX IF EXISTS idx_technologies_status_name_ci",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for sql in UP {
            manager.get_connection().execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for sql in DOWN {
            manager.get_connection().execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
