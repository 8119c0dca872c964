#include "store/key_check.hpp"
#include "util/crypto.hpp"

#include "support.hpp"

#include <thread>

using namespace sangam;
using store::Backend;
using store::DbError;

class StoreTest : public test::BothBackends {};
SANGAM_BOTH_BACKENDS(StoreTest);

TEST_P(StoreTest, EveryNamedQueryPreparesAgainstTheMigratedSchema) {
  auto c = db->acquire();
  auto names = store::queries_for(GetParam()).names();
  ASSERT_GT(names.size(), 30u);
  for (const auto& n : names) EXPECT_NO_THROW(c->prepare(n)) << n;
}

TEST_P(StoreTest, MigrationsAreIdempotent) {
  int version = store::schema_version(*db);
  EXPECT_GE(version, 2);
  EXPECT_TRUE(store::migrate(*db, clock).empty());
  EXPECT_EQ(store::schema_version(*db), version);
}

TEST_P(StoreTest, UniqueViolationIsRecognisedByCodeNotText) {
  db->write([&](store::Conn& c) { c.run("user-insert", {std::string("a@x.io"), std::string("A"), std::string("h"), int64_t(0), int64_t(0), int64_t(1)}); });
  try {
    db->write([&](store::Conn& c) { c.run("user-insert", {std::string("a@x.io"), std::string("B"), std::string("h"), int64_t(0), int64_t(0), int64_t(1)}); });
    FAIL() << "expected a unique violation";
  } catch (const DbError& e) {
    EXPECT_EQ(e.kind(), DbError::Kind::unique_violation);
  }
}

TEST_P(StoreTest, AFailedTransactionChangesNothing) {
  EXPECT_THROW(db->write([&](store::Conn& c) {
    c.run("user-insert", {std::string("b@x.io"), std::string("B"), std::string("h"), int64_t(0), int64_t(0), int64_t(1)});
    throw std::runtime_error("bad input discovered half-way");
  }), std::runtime_error);
  auto n = db->read([](store::Conn& c) { return c.run("user-count")[0].i64("n"); });
  EXPECT_EQ(n, 0);
}

store::Params user(const std::string& email) {
  return {email, std::string("U"), std::string("h"), int64_t(0), int64_t(0), int64_t(1)};
}
int64_t users(store::Database& db) {
  return db.read([](store::Conn& c) { return c.run("user-count")[0].i64("n"); });
}

// Conn::run_many: the results in order (PostgreSQL: one round trip, with the transaction's BEGIN).
TEST_P(StoreTest, SeveralQueriesRunInOrderAndTheirResultsComeBackInOrder) {
  auto got = db->write([&](store::Conn& c) {
    return c.run_many({{"user-insert", user("a@x.io")}, {"user-count", {}}, {"user-insert", user("b@x.io")}, {"user-count", {}}});
  });
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0][0].i64("id"), 1);
  EXPECT_EQ(got[1][0].i64("n"), 1);
  EXPECT_EQ(got[2][0].i64("id"), 2);
  EXPECT_EQ(got[3][0].i64("n"), 2);
  EXPECT_EQ(users(*db), 2);
}

// A failing query among several: the error is the database's own (classified), the queries after it
// do not run, and the transaction changes nothing; the connection is fine for the next one.
TEST_P(StoreTest, AFailingQueryAmongSeveralRollsTheTransactionBack) {
  db->write([&](store::Conn& c) { c.run("user-insert", user("a@x.io")); });
  try {
    db->write([&](store::Conn& c) {
      c.run_many({{"user-insert", user("b@x.io")}, {"user-insert", user("a@x.io")}, {"user-insert", user("c@x.io")}});
    });
    FAIL() << "expected a unique violation";
  } catch (const DbError& e) {
    EXPECT_EQ(e.kind(), DbError::Kind::unique_violation);
  }
  EXPECT_EQ(users(*db), 1);
  for (int i = 0; i < 5; ++i) db->write([&](store::Conn& c) { c.run_many({{"user-count", {}}, {"user-count", {}}}); });
  EXPECT_EQ(users(*db), 1);
}

// Conn::run_final: the statement and its commit (one round trip on PostgreSQL). Its effect is
// committed, a failing final statement changes nothing, and nothing may run after it.
TEST_P(StoreTest, TheFinalStatementCommitsWithTheTransaction) {
  auto r = db->write([&](store::Conn& c) {
    c.run("user-insert", user("a@x.io"));
    return c.run_final("user-insert", user("b@x.io"));
  });
  EXPECT_EQ(r[0].i64("id"), 2);
  EXPECT_EQ(users(*db), 2);
  EXPECT_THROW(db->write([&](store::Conn& c) {
    c.run("user-insert", user("c@x.io"));
    c.run_final("user-insert", user("a@x.io"));
  }), DbError);
  EXPECT_EQ(users(*db), 2);
  if (GetParam() == Backend::postgres) {
    EXPECT_THROW(db->write([&](store::Conn& c) {
      c.run_final("user-insert", user("d@x.io"));
      c.run("user-insert", user("e@x.io"));
    }), std::logic_error);
    EXPECT_EQ(users(*db), 3);  // d@ committed with the final statement, e@ never ran
  }
  // A transaction that runs nothing, and one that only reads: both fine, the pool reuses the connection.
  for (int i = 0; i < 5; ++i) {
    db->write([](store::Conn&) {});
    db->write([](store::Conn& c) { c.run("user-count"); });
  }
}

TEST_P(StoreTest, TypesRoundTrip) {
  db->write([&](store::Conn& c) {
    c.run("project-insert", {std::string("Pöultry ✓"), std::string("p"), std::string("Asia/Kolkata"), std::string("IN"),
                             std::string("[]"), 0.6, std::string("[]"), std::string("[]"), int64_t(1764000000123)});
  });
  auto r = db->read([](store::Conn& c) { return c.run("project-by-id", {int64_t(1)}); });
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].str("name"), "Pöultry ✓");
  EXPECT_DOUBLE_EQ(r[0].f64("weekend_factor"), 0.6);
  EXPECT_EQ(r[0].i64("created_at"), 1764000000123);
}

// Two processes starting at once: both run migrate on their own connections; exactly one applies it.
TEST_P(StoreTest, ConcurrentMigrationsApplyOnce) {
  std::unique_ptr<store::Database> a, b;
  if (GetParam() == Backend::sqlite) {
    auto path = test::temp_dir() + "/race.db";
    a = store::open_sqlite(path, 2);
    b = store::open_sqlite(path, 2);
  } else {
    auto url = test::fresh_postgres_database();
    a = store::open_postgres(url, 2);
    b = store::open_postgres(url, 2);
  }
  std::vector<int> ra, rb;
  std::thread ta([&] { ra = store::migrate(*a, clock); });
  std::thread tb([&] { rb = store::migrate(*b, clock); });
  ta.join();
  tb.join();
  // one process applied everything, the other found nothing left to do
  EXPECT_TRUE(ra.empty() || rb.empty());
  // Migration numbers have gaps while branches are apart (0009 before 0007): the last one applied is the version.
  const auto& applied = ra.empty() ? rb : ra;
  ASSERT_FALSE(applied.empty());
  EXPECT_EQ(applied.back(), store::schema_version(*a));
  EXPECT_EQ(store::schema_version(*a), store::schema_version(*db));
}

// A node started with another key than the one the database's secrets are sealed with must not start:
// the first start stores the key's check value, every later start compares with it.
TEST_P(StoreTest, TheFirstKeyIsStoredAndAnotherKeyIsRefused) {
  crypto::SecretKey first{std::vector<unsigned char>(32, 1)}, second{std::vector<unsigned char>(32, 2)};
  EXPECT_EQ(store::check_secret_key(*db, first, clock.now_ms()), store::KeyCheck::stored);
  EXPECT_EQ(store::check_secret_key(*db, first, clock.now_ms()), store::KeyCheck::matches);
  EXPECT_EQ(store::check_secret_key(*db, second, clock.now_ms()), store::KeyCheck::mismatch);
  EXPECT_EQ(store::check_secret_key(*db, first, clock.now_ms()), store::KeyCheck::matches);  // still the first
  auto stored = db->read([](store::Conn& c) { return c.run("setting-get", {std::string("secret_key_check")})[0].str("value"); });
  EXPECT_EQ(stored.size(), 64u);
  for (auto* k : {&first, &second})  // the check value is not the key
    EXPECT_EQ(stored.find(crypto::to_hex(k->bytes.data(), k->bytes.size())), std::string::npos);
}

// Two nodes with different keys starting at the same moment on one database: exactly one key wins.
TEST_P(StoreTest, TwoNodesStartingAtOnceWithDifferentKeysCannotBothStart) {
  std::unique_ptr<store::Database> a, b;
  if (GetParam() == Backend::sqlite) {
    auto path = test::temp_dir() + "/keys.db";
    a = store::open_sqlite(path, 2);
    b = store::open_sqlite(path, 2);
  } else {
    auto url = test::fresh_postgres_database();
    a = store::open_postgres(url, 2);
    b = store::open_postgres(url, 2);
  }
  store::migrate(*a, clock);
  crypto::SecretKey ka{std::vector<unsigned char>(32, 3)}, kb{std::vector<unsigned char>(32, 4)};
  store::KeyCheck ra{}, rb{};
  std::thread ta([&] { ra = store::check_secret_key(*a, ka, clock.now_ms()); });
  std::thread tb([&] { rb = store::check_secret_key(*b, kb, clock.now_ms()); });
  ta.join();
  tb.join();
  EXPECT_TRUE((ra == store::KeyCheck::stored && rb == store::KeyCheck::mismatch) ||
              (rb == store::KeyCheck::stored && ra == store::KeyCheck::mismatch))
      << int(ra) << " " << int(rb);
}

// A fake connection that keeps what a transaction ran until COMMIT, and whose ROLLBACK fails the way
// a real one can (the server unreachable, the driver not knowing where the session stands).
namespace {
struct Ledger {
  std::vector<std::string> committed;
  int connections = 0;
};
class FlakyConn final : public store::Conn {
 public:
  explicit FlakyConn(Ledger& l) : l_(l) { ++l_.connections; }
  store::Result run(std::string_view name, const store::Params&) override {
    pending_.emplace_back(name);
    return {};
  }
  void prepare(std::string_view) override {}
  void exec_script(std::string_view) override {}
  void begin(bool) override {}  // like PostgreSQL's BEGIN inside a transaction: a warning, no error
  void commit() override {
    l_.committed.insert(l_.committed.end(), pending_.begin(), pending_.end());
    pending_.clear();
  }
  void rollback() override { throw store::DbError(store::DbError::Kind::other, "ROLLBACK: connection lost"); }
  bool reusable() const override { return true; }  // the driver cannot tell

 private:
  Ledger& l_;
  std::vector<std::string> pending_;
};
class FlakyDatabase final : public store::Database {
 public:
  explicit FlakyDatabase(Ledger& l) : Database(1), l_(l) {}
  Backend backend() const override { return Backend::sqlite; }

 protected:
  std::unique_ptr<store::Conn> connect() override { return std::make_unique<FlakyConn>(l_); }

 private:
  Ledger& l_;
};
}  // namespace

TEST(Pool, AConnectionWhoseRollbackFailedIsNotReused) {
  Ledger ledger;
  FlakyDatabase db(ledger);
  EXPECT_THROW(db.write([](store::Conn& c) {
    c.run("half-done");
    throw std::runtime_error("bad input discovered half-way");
  }), std::runtime_error);
  db.write([](store::Conn& c) { c.run("next"); });
  // the next transaction did not commit the failed one's work along with its own
  EXPECT_EQ(ledger.committed, std::vector<std::string>{"next"});
  EXPECT_EQ(ledger.connections, 2);
}

// A connection the server dropped is replaced by a new one with the session set-up (time zone UTC),
// not reset in place into the server's default time zone.
TEST(PostgresStore, ALostConnectionIsReplacedWithItsSessionSetUp) {
  auto url = test::fresh_postgres_database();
  auto admin = store::open_postgres(url, 1);
  admin->read([](store::Conn& c) {
    c.exec_script("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET TIME ZONE %L', current_database(), 'Asia/Kolkata'); END $$");
  });
  auto db = store::open_postgres(url, 1);  // one connection: every query below runs on the same pool slot
  auto tz = [&] { return db->read([](store::Conn& c) { return c.run("session-time-zone")[0].str("time_zone"); }); };
  ASSERT_EQ(tz(), "UTC");
  admin->read([](store::Conn& c) {
    c.exec_script("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                  "WHERE datname = current_database() AND pid <> pg_backend_pid()");
  });
  for (int i = 0; i < 100; ++i) {  // until the server has closed it (a few ms)
    try {
      admin->read([](store::Conn& c) {
        c.exec_script("DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                      "AND pid <> pg_backend_pid()) THEN RAISE EXCEPTION 'still connected'; END IF; END $$");
      });
      break;
    } catch (const DbError&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  EXPECT_THROW(tz(), DbError);  // the query that finds the connection gone
  EXPECT_EQ(tz(), "UTC");
  EXPECT_EQ(tz(), "UTC");
}

TEST(Queries, UnknownQueryNameIsAProgrammingError) {
  EXPECT_THROW(store::queries_for(Backend::sqlite).get("no-such-query"), std::logic_error);
}

TEST(Queries, ParsesNamedSections) {
  store::Queries q;
  q.add_file("x.sql", "-- name: one\nSELECT 1;\n\n-- name: two\n-- a comment\nSELECT 2;\n");
  EXPECT_EQ(q.get("one"), "SELECT 1;\n\n");
  EXPECT_NE(q.get("two").find("SELECT 2"), std::string::npos);
  EXPECT_EQ(q.names(), (std::vector<std::string>{"one", "two"}));
}

// Two shared files defining one name: the second silently replaced the first (outbox-insert of the
// contacts queries and of the dispatcher's), so every caller of the first got the wrong statement.
TEST(Queries, ANameDefinedTwiceIsRefusedUnlessADialectOverridesIt) {
  store::Queries q;
  q.add_file("queries/a.sql", "-- name: one\nSELECT 1;\n");
  EXPECT_THROW(q.add_file("queries/b.sql", "-- name: one\nSELECT 2;\n"), std::logic_error);
  EXPECT_THROW(q.add_file("queries/c.sql", "-- name: two\nSELECT 1;\n-- name: two\nSELECT 2;\n"), std::logic_error);
  q.add_file("sqlite/queries.sql", "-- name: one\nSELECT 3;\n", true);
  EXPECT_NE(q.get("one").find("SELECT 3"), std::string::npos);
  // The embedded files as they are: every backend's set loads.
  EXPECT_NO_THROW(store::queries_for(Backend::sqlite));
  EXPECT_NO_THROW(store::queries_for(Backend::postgres));
}
