//! A fresh, migrated database per test, on SQLite or PostgreSQL (feature `test-support`).
//!
//! PostgreSQL tests need `OCOMMS_TEST_DATABASE_URL` (any database on the server; each test
//! creates its own `ocomms_t_*` database from it and drops it afterwards). Without the URL
//! they are skipped, unless `OCOMMS_TEST_REQUIRE_POSTGRES=1`, which CI sets so that a skipped
//! PostgreSQL suite fails the build.

pub mod schema;

use rand::Rng;

use crate::Store;

pub struct TestDb {
    pub store: Store,
    /// The URL the store was opened with, for starting a server on the same database.
    pub url: String,
    /// Keeps the SQLite directory alive for the test's duration.
    _dir: Option<tempfile::TempDir>,
    /// `(admin URL, database name)` of a PostgreSQL database to drop at the end.
    pg: Option<(String, String)>,
}

impl TestDb {
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let store = Store::open(&url).await.expect("open SQLite test database");
        Self {
            store,
            url,
            _dir: Some(dir),
            pg: None,
        }
    }

    /// `None` (after saying so on stderr) when no PostgreSQL is configured.
    pub async fn postgres() -> Option<Self> {
        let mut empty = EmptyPostgres::create().await?;
        // The database now belongs to this TestDb, which drops it.
        let (url, pg) = (std::mem::take(&mut empty.url), empty.pg.take());
        let store = Store::open(&url)
            .await
            .expect("open PostgreSQL test database");
        Some(Self {
            store,
            url,
            _dir: None,
            pg,
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.pg.take() {
            drop_database(admin_url, name);
        }
    }
}

/// A new PostgreSQL database with no tables at all, as `createdb` makes it (a `TestDb` is
/// migrated): for what a newcomer points `ocomms` at. Dropped at the end.
pub struct EmptyPostgres {
    pub url: String,
    pg: Option<(String, String)>,
}

impl EmptyPostgres {
    /// `None` (after saying so on stderr) when no PostgreSQL is configured.
    pub async fn create() -> Option<Self> {
        let Some(admin_url) = std::env::var("OCOMMS_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        else {
            assert!(
                std::env::var("OCOMMS_TEST_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "OCOMMS_TEST_REQUIRE_POSTGRES=1 but OCOMMS_TEST_DATABASE_URL is not set"
            );
            say_skipped("this PostgreSQL test did not run: OCOMMS_TEST_DATABASE_URL is not set");
            return None;
        };
        let name = format!("ocomms_t_{:016x}", rand::rng().random::<u64>());
        let admin = Store::connect(&admin_url)
            .await
            .expect("connect to OCOMMS_TEST_DATABASE_URL");
        admin
            .execute_admin(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        admin.close().await;
        Some(Self {
            url: with_database(&admin_url, &name),
            pg: Some((admin_url, name)),
        })
    }
}

impl Drop for EmptyPostgres {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.pg.take() {
            drop_database(admin_url, name);
        }
    }
}

fn drop_database(admin_url: String, name: String) {
    // Drop runs inside the test's runtime, which cannot be blocked on; a short-lived thread
    // with its own runtime removes the database (FORCE ends our own pool too).
    let _ = std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        rt.block_on(async {
            if let Ok(admin) = Store::connect(&admin_url).await {
                let _ = admin
                    .execute_admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await;
                admin.close().await;
            }
        });
    })
    .join();
}

/// Says, past the test harness's output capture (which hides `eprintln!` of passing tests),
/// that a test passed without running, so a green run cannot hide a skipped backend.
pub fn say_skipped(what: &str) {
    use std::io::Write;
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    let _ = writeln!(std::io::stderr().lock(), "\n*** SKIPPED {test}: {what} ***");
}

/// Replaces the database name (the URL path) in a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Runs each listed `async fn name(db: TestDb)` once on SQLite (`sqlite::name`) and once on
/// PostgreSQL (`postgres::name`).
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::testing::TestDb::sqlite().await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(db) = $crate::testing::TestDb::postgres().await {
                        super::$name(db).await;
                    }
                }
            )*
        }
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            super::with_database("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            super::with_database("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(super::with_database("postgres://h", "x"), "postgres://h/x");
    }
}
