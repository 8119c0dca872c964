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
  EXPECT_EQ(static_cast<int>(ra.size() + rb.size()), store::schema_version(*a));
  EXPECT_EQ(store::schema_version(*a), store::schema_version(*db));
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
