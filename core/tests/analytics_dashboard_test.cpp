// The KPI cards (issue 9 item 6) on both backends, where their queries were made fast for 1M
// contacts and 90 days of hourly health (docs/performance.md, dashboard at scale): the contacts card
// is read from the quarter-hour counters of migration 0023 and must equal a COUNT(*) of the contacts
// after every way contacts come and go; the health card's previous value is each account's last
// score before the period, averaged.
#include "analytics/dashboard.hpp"
#include "contacts/contact_base.hpp"
#include "safety/local_time.hpp"
#include "util/clock.hpp"

#include "support.hpp"

#include <fmt/format.h>

using namespace sangam;
using json = nlohmann::json;

namespace {

const std::string kZone = "Asia/Kolkata";
constexpr int64_t kDay = 86'400'000;

class AnalyticsDashboardTest : public test::BothBackends {
 protected:
  void SetUp() override {
    BothBackends::SetUp();
    pid = project("poultry");
    other = project("dairy");
    base = std::make_unique<ContactBase>(*db, clock, bus);
    // The period the cards compare: the last 30 local days, from this local midnight.
    period_start = safety::local_midnight(kZone, safety::local_time(kZone, clock.now_ms()).day - 29);
  }
  int64_t project(const std::string& slug) {
    return db->write([&](store::Conn& c) {
      return c.run("project-insert", {std::string("P ") + slug, slug, kZone, std::string("IN"), std::string("[]"), 0.6,
                                      std::string("[]"), std::string("[]"), int64_t(1764000000000)})[0]
          .i64("id");
    });
  }
  json card(const std::string& key) {
    json k = db->read([&](store::Conn& c) { return analytics::kpis(c, pid, kZone, clock.now_ms()); });
    for (auto& c : k["cards"])
      if (c["key"] == key) return c;
    return nullptr;
  }
  int64_t count_before(int64_t ms) {
    return db->read([&](store::Conn& c) {
      return c.run_text("SELECT COUNT(*) AS n FROM contacts WHERE project_id = $1 AND created_at < $2", {pid, ms})[0].i64("n");
    });
  }
  // The card against COUNT(*), now and at the period's start, and the counters of every project.
  void expect_card_equals_count(const std::string& after) {
    SCOPED_TRACE(after);
    json c = card("contacts");
    EXPECT_EQ(c["value"], count_before(clock.now_ms() + 1));
    EXPECT_EQ(c["previous"], count_before(period_start));
    auto sums = db->read([&](store::Conn& cn) {
      return cn.run_text("SELECT p.id, (SELECT COUNT(*) FROM contacts c WHERE c.project_id = p.id) AS counted, "
                         "(SELECT COALESCE(SUM(n), 0) FROM contact_counts k WHERE k.project_id = p.id) AS kept FROM projects p",
                         {});
    });
    for (size_t i = 0; i < sums.size(); ++i) EXPECT_EQ(sums[i].i64("kept"), sums[i].i64("counted")) << "project " << sums[i].i64("id");
  }
  void copy_contacts(int64_t project, int first, int n, const std::function<int64_t(int)>& created) {
    std::vector<store::Params> rows;
    for (int i = first; i < first + n; ++i)
      rows.push_back({project, fmt::format("+9198{:08}", i), nullptr, fmt::format("Farmer {}", i), std::string(), nullptr, nullptr,
                      int64_t(0), 0.0, std::string("unknown"), std::string("csv"), nullptr, created(i), created(i)});
    db->write([&](store::Conn& c) { c.bulk("contact-copy", rows); });
  }
  int64_t id_of(const std::string& phone) {
    return db->read([&](store::Conn& c) { return c.run("contact-by-phone", {pid, phone})[0].i64("id"); });
  }
  void health(int64_t account, int64_t at, int64_t score) {
    db->write([&](store::Conn& c) { c.run("account-health-insert", {account, at, score, int64_t(30), int64_t(30), score - 60}); });
  }
  int64_t account(const std::string& phone) {
    return db->write([&](store::Conn& c) {
      return c.run("account-insert", {pid, phone, std::string("n"), std::string("sim"), std::string("production"), int64_t(10),
                                      clock.now_ms()})[0]
          .i64("id");
    });
  }
  test::RecordingBus bus;
  std::unique_ptr<ContactBase> base;
  int64_t pid = 0, other = 0, period_start = 0;
};
SANGAM_BOTH_BACKENDS(AnalyticsDashboardTest);

}  // namespace

TEST_P(AnalyticsDashboardTest, TheContactsCardEqualsACountAfterInsertsDeletesErasureAndMerges) {
  expect_card_equals_count("no contacts");
  EXPECT_EQ(card("contacts")["value"], 0);
  // By the bulk path, over 90 days, with contacts on and 1 ms either side of the period's start
  // (a quarter-hour boundary), in the current quarter hour, and one stamped in the future.
  copy_contacts(pid, 0, 900, [&](int i) { return clock.now_ms() - (i % 90) * kDay - i * 1000; });
  copy_contacts(pid, 1000, 3, [&](int i) { return period_start - 1 + (i - 1000); });
  copy_contacts(pid, 1100, 2, [&](int) { return clock.now_ms() - 1; });
  copy_contacts(pid, 1200, 1, [&](int) { return clock.now_ms() + kDay; });
  copy_contacts(other, 0, 50, [&](int i) { return period_start - i; });
  expect_card_equals_count("bulk copies");
  EXPECT_EQ(card("contacts")["value"], 905);  // the future one is not counted yet
  // Through the member import (its own insert path), one by phone and one known only by lid.
  base->import_members(pid, 100, 1, {{std::string("919700000001"), std::nullopt, "Asha", false}, {std::nullopt, std::string("5550001@lid"), "", false}},
                       clock.now_ms());
  expect_card_equals_count("member import");
  // Deleted one by one and by a statement of many.
  db->write([&](store::Conn& c) {
    c.run_text("DELETE FROM contacts WHERE id = $1", {id_of("+919800000003")});
    c.run_text("DELETE FROM contacts WHERE project_id = $1 AND phone >= '+919800000500' AND phone < '+919800000600'", {pid});
  });
  expect_card_equals_count("deletes");
  // Erasure (the privacy path) and a lid contact merged into the phone contact it turned out to be.
  base->erase(pid, id_of("+919800001000"), "user:1");
  expect_card_equals_count("erasure");
  base->lid_resolved(pid, "5550001@lid", "919700000001");
  expect_card_equals_count("merge");
  // Time passes: the future contact becomes one of today's.
  clock.advance(std::chrono::milliseconds(2 * kDay));
  period_start = safety::local_midnight(kZone, safety::local_time(kZone, clock.now_ms()).day - 29);
  expect_card_equals_count("two days later");
  // A deleted project takes its contacts (and their counts) with it.
  db->write([&](store::Conn& c) { c.run_text("DELETE FROM projects WHERE id = $1", {other}); });
  expect_card_equals_count("project deleted");
}

TEST_P(AnalyticsDashboardTest, TheHealthCardComparesWithEachAccountsLastScoreBeforeThePeriod) {
  EXPECT_TRUE(card("health")["previous"].is_null());
  int64_t a = account("+919800000001"), b = account("+919800000002"), c = account("+919800000003");
  health(a, period_start - 5 * kDay, 50);
  health(a, period_start - 3'600'000, 70);  // a's last before the period
  health(a, period_start, 95);              // at the start: in the period, not before it
  health(a, period_start + 3'600'000, 90);
  health(b, period_start - 10 * kDay, 40);  // b's only one before
  health(b, period_start + kDay, 20);
  health(c, period_start + kDay, 80);  // c has none before: not in the average
  EXPECT_EQ(card("health")["previous"], 55.0);
}


// Before, the table carried every hourly score: 720 points per account over 30 days. Now a point per
// 3 hours, the lowest of them, so a dip of one hour still shows.
TEST_P(AnalyticsDashboardTest, TheAccountTableGivesTheLowestHealthOfEachThreeHours) {
  int64_t a = account("+919800000004");
  constexpr int64_t step = analytics::kHealthHistoryStepMs, hour = 3'600'000;
  int64_t from = clock.now_ms() - 30 * kDay;
  int64_t start = (from / step + 1) * step;  // a bucket's first hour
  for (int64_t i = 0; i < 48; ++i) health(a, start + i * hour, i == 7 ? 40 : 90 - i % 3);
  health(a, from - hour, 10);  // before the window: not in it
  json table = db->read([&](store::Conn& c) {
    return analytics::account_table(c, pid, analytics::day_range(kZone, clock.now_ms(), std::nullopt, std::nullopt), from);
  });
  json hist;
  for (auto& row : table)
    if (row["account_id"] == a) hist = row["history"];
  ASSERT_EQ(hist.size(), 16u) << hist.dump();
  for (size_t k = 0; k < hist.size(); ++k) {
    EXPECT_EQ(hist[k]["at"], format_iso8601(start + static_cast<int64_t>(k) * step));
    EXPECT_EQ(hist[k]["score"], k == 2 ? 40 : 88) << k;  // hours 6-8 hold the dip; else 90, 89, 88
  }
}
