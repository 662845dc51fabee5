//! Both migration sets must describe the same tables and columns.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use sala::db::{AnyConnection, Db};

use crate::harness::{Backend, TestDb};

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
}

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

type Shape = BTreeMap<String, Vec<(String, bool)>>;

fn shape(backend: Backend) -> Shape {
    let test_db = TestDb::create(backend);
    let db = Db::connect(&test_db.url, 1).unwrap();
    db.migrate().unwrap();
    let mut conn = db.conn().unwrap();
    let mut shape = Shape::new();
    match &mut *conn {
        AnyConnection::Postgresql(pg) => {
            let cols: Vec<PgColumn> = diesel::sql_query(
                "SELECT table_name::text AS table_name, column_name::text AS column_name, is_nullable::text AS is_nullable \
                 FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations' \
                 ORDER BY table_name, ordinal_position",
            )
            .load(pg)
            .unwrap();
            for c in cols {
                // Search terms are stored per engine (see the search migration).
                if c.table_name == "search_documents" && c.column_name == "terms" {
                    continue;
                }
                shape.entry(c.table_name).or_default().push((c.column_name, c.is_nullable == "YES"));
            }
        }
        AnyConnection::Sqlite(lite) => {
            let cols: Vec<SqliteColumn> = diesel::sql_query(
                "SELECT m.name AS table_name, p.name AS column_name, p.\"notnull\" AS not_null, p.pk AS pk \
                 FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations' \
                 AND m.name NOT LIKE 'search%terms%' \
                 ORDER BY m.name, p.cid",
            )
            .load(lite)
            .unwrap();
            for c in cols {
                // SQLite reports INTEGER PRIMARY KEY as nullable; it is not.
                shape.entry(c.table_name).or_default().push((c.column_name, c.not_null == 0 && c.pk == 0));
            }
        }
    }
    shape
}

#[test]
fn both_migration_sets_give_the_same_tables_and_columns() {
    let pg = shape(Backend::Postgres);
    let lite = shape(Backend::Sqlite);
    assert!(pg.contains_key("posts") && pg.len() >= 8, "{pg:?}");
    assert_eq!(pg, lite);
}
