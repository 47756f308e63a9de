//! Plain-string SQL for the statements the query builder cannot say well (window functions,
//! engine-specific search), with every value bound as a parameter.

use crate::Backend;
use sea_orm::Value;

pub(crate) struct Sql {
    backend: Backend,
    pub sql: String,
    pub values: Vec<Value>,
}

impl Sql {
    pub fn new(backend: Backend, select: &str) -> Self {
        Self {
            backend,
            sql: String::with_capacity(512),
            values: Vec::with_capacity(8),
        }
        .push(select)
    }

    fn push(mut self, s: &str) -> Self {
        self.sql.push_str(s);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        match self.backend {
            Backend::Postgres => {
                let n = self.values.len();
                self.sql.push('$');
                self.sql.push_str(&n.to_string());
            }
            Backend::Sqlite => self.sql.push('?'),
        }
        self
    }

    pub fn text(&mut self, s: &str) -> &mut Self {
        self.sql.push_str(s);
        self
    }

    pub fn statement(self) -> sea_orm::Statement {
        let backend = match self.backend {
            Backend::Postgres => sea_orm::DbBackend::Postgres,
            Backend::Sqlite => sea_orm::DbBackend::Sqlite,
        };
        sea_orm::Statement::from_sql_and_values(backend, self.sql, self.values)
    }
}
