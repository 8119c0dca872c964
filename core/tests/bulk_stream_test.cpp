// The streaming bulk path (store/bulk_stream.hpp) that the campaign launch writes its outbox rows
// through: the same rows as Conn::bulk on both backends, and all or nothing when the stream fails.
#include "store/bulk_stream.hpp"

#include "support.hpp"

#include <atomic>

using namespace sangam;
using store::BulkChunk;

namespace {

// A row's values as text (Value has a Blob alternative without ==).
std::string show(const std::vector<store::Value>& row) {
  std::string out;
  for (const auto& v : row) {
    if (std::holds_alternative<std::nullptr_t>(v)) out += "NULL";
    else if (auto n = std::get_if<int64_t>(&v)) out += "i" + std::to_string(*n);
    else if (auto s = std::get_if<std::string>(&v)) out += "s" + *s;
    else out += "?";
    out += '|';
  }
  return out;
}

class BulkStreamTest : public test::BothBackends {
 protected:
  void SetUp() override {
    test::BothBackends::SetUp();
    db->write([&](store::Conn& c) {
      pid = c.run("project-insert", {std::string("P"), std::string("p"), std::string("Asia/Kolkata"), std::string("IN"), std::string("[]"), 0.6,
                                     std::string("[]"), std::string("[]"), int64_t(1)})[0].i64("id");
      account = c.run("account-insert", {pid, std::string("+919800000001"), std::string("a"), std::string("sim"), std::string("production"),
                                         int64_t(200), int64_t(1)})[0].i64("id");
    });
  }
  // Row i of the outbox-plan-row shape, keyed `prefix`-i; texts a COPY must escape (tab, newline,
  // backslash, CR), Indian scripts, and NULLs in every other row.
  store::Params row(const std::string& prefix, int i) const {
    std::string content = "{\"kind\":\"text\",\"text\":\"வணக்கம் " + std::to_string(i) + "\\n\\tback\\\\slash\"}\t\n\r\\";
    return {pid, i % 2 ? store::Value(account) : store::Value(nullptr), "91" + std::to_string(9000000000LL + i) + "@c.us",
            nullptr, nullptr, std::string("campaign"), content, int64_t(2), int64_t(1764000000000) + i, std::string("queued"),
            prefix + std::to_string(i), i % 3 ? store::Value(nullptr) : store::Value(std::string("why ") + std::to_string(i)), nullptr,
            int64_t(5), int64_t(6)};
  }
  static void put(BulkChunk& ch, const store::Params& p) {
    for (const auto& v : p) {
      if (std::holds_alternative<std::nullptr_t>(v)) ch.null();
      else if (auto n = std::get_if<int64_t>(&v)) ch.i64(*n);
      else ch.text(std::get<std::string>(v));
    }
  }
  // A source of rows [0, n) in chunks of `per`; throws before chunk `fail_at` when given.
  store::ChunkSource source(const std::string& prefix, int n, int per, int fail_at = -1) const {
    auto next = std::make_shared<int>(0);
    auto chunks = std::make_shared<int>(0);
    return [=, this](BulkChunk& ch) {
      if (*next >= n) return false;
      if ((*chunks)++ == fail_at) throw std::runtime_error("render failed half-way");
      for (int k = 0; k < per && *next < n; ++k) put(ch, row(prefix, (*next)++));
      return true;
    };
  }
  std::vector<std::vector<store::Value>> outbox(const std::string& prefix) {
    return db->read([&](store::Conn& c) {
      return c.run_text("SELECT account_id, target, contact_id, group_id, kind, content, priority, planned_at, status, reason, campaign_id, "
                        "created_at, updated_at, idempotency_key FROM outbox WHERE idempotency_key LIKE $1 ORDER BY planned_at",
                        {prefix + "%"}).rows;
    });
  }
  int64_t pid = 0, account = 0;
};
SANGAM_BOTH_BACKENDS(BulkStreamTest);

TEST_P(BulkStreamTest, WritesTheSameRowsAsTheVectorPath) {
  const int n = 2500;  // several chunks of 300, the last one short
  std::vector<store::Params> rows;
  for (int i = 0; i < n; ++i) rows.push_back(row("old-", i));
  db->write([&](store::Conn& c) { EXPECT_EQ(c.bulk("outbox-plan-row", rows), n); });
  db->write([&](store::Conn& c) { EXPECT_EQ(store::bulk_stream(c, "outbox-plan-row", 15, source("new-", n, 300), n), n); });
  auto a = outbox("old-"), b = outbox("new-");
  ASSERT_EQ(a.size(), size_t(n));
  ASSERT_EQ(b.size(), size_t(n));
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(std::get<std::string>(b[i].back()), "new-" + std::to_string(i));
    a[i].pop_back(), b[i].pop_back();  // the keys differ by their prefix
    ASSERT_EQ(show(a[i]), show(b[i])) << "row " << i;
  }
  EXPECT_EQ(std::get<std::string>(b[7][5]), std::get<std::string>(rows[7][6]));  // the escapes came back as written
}

TEST_P(BulkStreamTest, AProducerFailingMidStreamInsertsNothing) {
  EXPECT_THROW(db->write([&](store::Conn& c) { store::bulk_stream(c, "outbox-plan-row", 15, source("x-", 1000, 100, 4), 1000); }),
               std::runtime_error);
  EXPECT_TRUE(outbox("x-").empty());
  // The connection is usable again (PostgreSQL: the COPY was ended, not left open).
  db->write([&](store::Conn& c) { store::bulk_stream(c, "outbox-plan-row", 15, source("y-", 10, 4)); });
  EXPECT_EQ(outbox("y-").size(), 10u);
}

TEST_P(BulkStreamTest, ADuplicateKeyMidStreamInsertsNothing) {
  auto first = source("d-", 500, 100);
  auto extra = std::make_shared<bool>(false);
  auto dup = [=, this](BulkChunk& ch) {  // after the 500 rows, one more chunk repeating row 3's key
    if (first(ch)) return true;
    if (*extra) return false;
    *extra = true;
    put(ch, row("d-", 3));
    return true;
  };
  try {
    db->write([&](store::Conn& c) { store::bulk_stream(c, "outbox-plan-row", 15, dup); });
    FAIL() << "expected a unique violation";
  } catch (const store::DbError& e) {
    EXPECT_EQ(e.kind(), store::DbError::Kind::unique_violation);
  }
  EXPECT_TRUE(outbox("d-").empty());
}

TEST_P(BulkStreamTest, PipelinedRowsArriveInOrderAndItsErrorsReachTheWriter) {
  {
    store::PipelinedChunks piped(15, source("p-", 3000, 128));
    db->write([&](store::Conn& c) { EXPECT_EQ(store::bulk_stream(c, "outbox-plan-row", 15, piped.source(), 3000), 3000); });
  }
  auto got = outbox("p-");
  ASSERT_EQ(got.size(), 3000u);
  for (int i = 0; i < 3000; ++i) ASSERT_EQ(std::get<std::string>(got[i].back()), "p-" + std::to_string(i));

  store::PipelinedChunks failing(15, source("q-", 3000, 128, 10));
  EXPECT_THROW(db->write([&](store::Conn& c) { store::bulk_stream(c, "outbox-plan-row", 15, failing.source()); }), std::runtime_error);
  EXPECT_TRUE(outbox("q-").empty());
}

TEST(PipelinedChunks, AWriterThatStopsEarlyStopsTheProducer) {
  std::atomic<int> produced{0};
  {
    store::PipelinedChunks piped(1, [&](BulkChunk& ch) {
      ch.i64(++produced);
      return true;  // endless
    }, 2);
    BulkChunk out(1);
    ASSERT_TRUE(piped(out));
    EXPECT_EQ(out.cell(0, 0).i, 1);
  }  // destroyed while the producer is ahead: joins instead of running forever
  EXPECT_LE(produced.load(), 5);
}

}  // namespace
