// Contacts benchmarks of issue 7 on SQLite and PostgreSQL (PostgreSQL when SANGAM_TEST_DATABASE_URL
// names a server, as scripts/with-postgres.sh sets it):
//  1. import 100,000 group members (normalise, de-duplicate, persist) against a raw bulk insert of
//     the same rows into the staging table (COPY / one prepared INSERT in one transaction);
//  2. filtered contact search over 1,000,000 contacts, p50/p95 per filter kind (page of 50 + total);
//  3. opt-out latency: an incoming STOP until the contact reads opted_out, p50/p99.
// Mautic anchors printed beside: a 260K-contact segment rebuild takes ~40 minutes, de-duplication
// freezes at ~100K contacts (Mautic forum and GitHub reports).
// Run: scripts/with-postgres.sh build/core/bench/sangam_contacts_bench [--contacts N]
#include "store/database_url.hpp"
#include "contacts/contact_base.hpp"
#include "contacts/engagement.hpp"
#include "contacts/search.hpp"
#include "util/crypto.hpp"

#include <fmt/format.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>

using namespace sangam;
using Clk = std::chrono::steady_clock;

namespace {

double ms_since(Clk::time_point t) { return std::chrono::duration<double, std::milli>(Clk::now() - t).count(); }

double pct(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

std::unique_ptr<store::Database> fresh(store::Backend b, const std::string& dir, const std::string& tag) {
  if (b == store::Backend::sqlite) return store::open_sqlite(dir + "/" + tag + ".db", 4);
  const char* admin = std::getenv("SANGAM_TEST_DATABASE_URL");
  std::string name = "bench_" + tag + "_" + std::to_string(randombytes_random() % 1000000);
  store::open_postgres(admin, 1)->acquire()->exec_script("CREATE DATABASE " + name);
  return store::open_postgres(store::with_database(admin, name), 4);
}

int64_t project(store::Database& db) {
  return db.write([](store::Conn& c) {
    return c.run("project-insert", {std::string("Bench"), std::string("bench"), std::string("Asia/Kolkata"), std::string("IN"),
                                    std::string("[]"), 0.6, std::string("[]"), std::string("[]"), int64_t(1764000000000)})[0]
        .i64("id");
  });
}

std::string phone_of(int64_t i) { return fmt::format("91{}", 9000000000LL + i * 7); }  // engine form, valid IN mobiles

void bench_import(store::Backend b, const std::string& dir, SystemClock& clock, NullEventBus& bus) {
  const int n = 100000;
  std::vector<GroupMember> members;
  for (int i = 0; i < n; ++i) {
    GroupMember m{phone_of(i), std::nullopt, fmt::format("Member {}", i), i % 50 == 0};
    if (i % 10 == 0) m = {std::nullopt, fmt::format("{}@lid", 100000000000LL + i), "", false};  // ~10 % lid only
    members.push_back(m);
  }
  // raw: the same 100,000 rows, already normalised, through the bulk path into the staging table
  auto raw_db = fresh(b, dir, "raw");
  store::migrate(*raw_db, clock);
  std::vector<store::Params> rows;
  for (int i = 0; i < n; ++i)
    rows.push_back({int64_t(1), int64_t(i), "+" + phone_of(i), std::string(64, 'a'), nullptr, std::string(),
                    fmt::format("Member {}", i), nullptr, int64_t(0), nullptr, nullptr, nullptr});
  auto t = Clk::now();
  raw_db->write([&](store::Conn& c) { c.bulk("contact-stage-copy", rows); });
  double raw = ms_since(t);

  auto db = fresh(b, dir, "import");
  store::migrate(*db, clock);
  int64_t pid = project(*db);
  ContactBase base(*db, clock, bus);
  t = Clk::now();
  auto r = base.import_members(pid, 1, 1, members, clock.now_ms());
  double first = ms_since(t);
  // the same group seen again by a second account: every member known, memberships refreshed
  t = Clk::now();
  base.import_members(pid, 1, 2, members, clock.now_ms());
  double again = ms_since(t);
  fmt::print("import 100k members [{}]: first {:.0f} ms (created {}), again {:.0f} ms; raw bulk insert of the rows {:.0f} ms; "
             "ratio {:.1f}x   (Mautic: de-duplication freezes at ~100K contacts)\n",
             store::backend_name(b), first, r.created, again, raw, first / raw);
}

void bench_search(store::Backend b, const std::string& dir, SystemClock& clock, int n) {
  auto db = fresh(b, dir, "search");
  store::migrate(*db, clock);
  int64_t pid = project(*db);
  std::mt19937_64 rng(7);
  const char* personas[] = {"broiler", "layer", "dairy", "hatchery"};
  const char* regions[] = {"Namakkal", "Erode", "Salem", "Coimbatore", "Madurai", "Tiruppur", "Karur", "Dindigul"};
  const char* consents[] = {"unknown", "unknown", "unknown", "engaged", "opted_in", "opted_out"};
  int64_t now = clock.now_ms();
  auto t = Clk::now();
  const int chunk = 100000;
  for (int base = 0; base < n; base += chunk) {
    std::vector<store::Params> rows;
    for (int i = base; i < std::min(n, base + chunk); ++i) {
      bool lid = i % 10 == 0;
      rows.push_back({pid, lid ? store::Value(nullptr) : store::Value("+" + phone_of(i)),
                      lid ? store::Value(fmt::format("{}@lid", 100000000000LL + i)) : store::Value(nullptr),
                      fmt::format("{} {}", (i % 3 ? "Ravi" : "Meena"), i), std::string(), std::string(regions[rng() % 8]),
                      std::string(personas[rng() % 4]), int64_t(rng() % 101),
                      engagement_ref_of(double(rng() % 40), now - int64_t(rng() % (90LL * 86400000))),
                      std::string(consents[rng() % 6]), std::string("group"),
                      i % 3 ? store::Value(now - int64_t(rng() % (60LL * 86400000))) : store::Value(nullptr), now, now});
    }
    db->write([&](store::Conn& c) { c.bulk("contact-copy", rows); });
  }
  // 200 groups of ~2,500 members, two tags over 10 %
  std::vector<store::Params> ms, tags;
  for (int i = 1; i <= n; i += 2) ms.push_back({int64_t(1 + i % 200), int64_t(i), pid, int64_t(1), int64_t(0), now, now});
  for (int i = 1; i <= n; i += 10) tags.push_back({int64_t(i), pid, std::string(i % 20 == 1 ? "vip" : "fair-2026")});
  db->write([&](store::Conn& c) {
    c.bulk("membership-copy", ms);
    c.bulk("contact-tag-copy", tags);
  });
  db->acquire()->exec_script(b == store::Backend::sqlite ? "ANALYZE" : "ANALYZE contacts; ANALYZE memberships; ANALYZE contact_tags");
  fmt::print("search world [{}]: {} contacts loaded in {:.1f} s\n", store::backend_name(b), n, ms_since(t) / 1000);

  struct Kind {
    const char* name;
    std::function<ContactFilter(int)> make;
  };
  std::vector<Kind> kinds = {
      {"none (first page + total)", [](int) { return ContactFilter{}; }},
      {"persona + min_confidence", [&](int i) { ContactFilter f; f.persona = personas[i % 4]; f.min_confidence = 60 + i % 30; return f; }},
      {"region", [&](int i) { ContactFilter f; f.region = regions[i % 8]; return f; }},
      {"group", [](int i) { ContactFilter f; f.group_id = 1 + i % 200; return f; }},
      {"tag", [](int i) { ContactFilter f; f.tag = i % 2 ? "vip" : "fair-2026"; return f; }},
      {"consent", [&](int i) { ContactFilter f; f.consent = consents[3 + i % 3]; return f; }},
      {"min_engagement", [](int i) { ContactFilter f; f.min_engagement = 20 + i % 15; return f; }},
      {"contacted_before", [&](int i) { ContactFilter f; f.contacted_before = now - (40LL + i % 15) * 86400000; return f; }},
      {"q name prefix", [](int i) { ContactFilter f; f.q = fmt::format("Ravi {}", 10 + i % 80); return f; }},
      {"q phone digits", [](int i) { ContactFilter f; f.q = fmt::format("9000{}", 100 + i % 800); return f; }},
      {"persona + region + consent", [&](int i) { ContactFilter f; f.persona = personas[i % 4]; f.region = regions[i % 8]; f.consent = "opted_in"; return f; }},
  };
  for (auto& k : kinds) {
    std::vector<double> lat;
    int64_t total = 0;
    for (int i = 0; i < 60; ++i) {
      auto f = k.make(i);
      auto s = Clk::now();
      auto page = db->read([&](store::Conn& c) { return search_contacts(c, b, pid, f, "91", now); });
      lat.push_back(ms_since(s));
      total += page.total;
    }
    lat.erase(lat.begin(), lat.begin() + 10);  // warm-up
    fmt::print("  search [{}] {:<28} p50 {:6.1f} ms  p95 {:6.1f} ms  (avg total {})\n", store::backend_name(b), k.name,
               pct(lat, 0.5), pct(lat, 0.95), total / 60);
  }
  fmt::print("  (Mautic: a 260K-contact segment rebuild takes ~40 minutes)\n");
}

void bench_opt_out(store::Backend b, const std::string& dir, SystemClock& clock, NullEventBus& bus) {
  auto db = fresh(b, dir, "optout");
  store::migrate(*db, clock);
  int64_t pid = project(*db);
  ContactBase base(*db, clock, bus);
  db->write([&](store::Conn& c) {
    for (int a = 1; a <= 3; ++a)
      c.run_text("INSERT INTO accounts (id, project_id, phone, label, engine, role, status, daily_limit, created_at, updated_at) "
                 "VALUES ($1, $2, $3, 'a', 'sim', 'production', 'active', 100, 0, 0)",
                 {int64_t(a), pid, "+9197000000" + std::to_string(10 + a)});
  });
  std::vector<GroupMember> members;
  for (int i = 0; i < 20000; ++i) members.push_back({phone_of(i), std::nullopt, "", false});
  base.import_members(pid, 1, 1, members, clock.now_ms());
  std::vector<double> lat;
  for (int i = 0; i < 500; ++i) {
    std::string jid = phone_of(i * 13) + "@c.us";
    nlohmann::json d = {{"id", fmt::format("m{}", i)}, {"chat", jid}, {"from", jid}, {"is_group", false},
                        {"body", i % 2 ? "STOP" : "please band karo"}};
    auto s = Clk::now();
    base.on_incoming(pid, 1 + i % 3, "message.received", d);
    auto id = db->read([&](store::Conn& c) { return c.run("contact-by-phone", {pid, "+" + phone_of(i * 13)}); });
    double l = ms_since(s);
    if (id.empty() || id[0].str("consent") != "opted_out") fmt::print("  opt-out {} did not take\n", i);
    lat.push_back(l);
  }
  fmt::print("opt-out latency [{}]: incoming STOP → opted_out p50 {:.2f} ms, p99 {:.2f} ms (target p99 < 1000 ms)\n",
             store::backend_name(b), pct(lat, 0.5), pct(lat, 0.99));
}

}  // namespace

int main(int argc, char** argv) {
  crypto::init();
  spdlog::set_level(spdlog::level::warn);
  int contacts = 1000000;
  std::string only;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--contacts") contacts = std::atoi(argv[i + 1]);
    if (std::string(argv[i]) == "--only") only = argv[i + 1];
  }
  std::string dir = std::filesystem::temp_directory_path() / ("sangam-cbench-" + crypto::random_token(6));
  std::filesystem::create_directories(dir);
  SystemClock clock;
  NullEventBus bus;
  std::vector<store::Backend> backends = {store::Backend::sqlite};
  if (std::getenv("SANGAM_TEST_DATABASE_URL")) backends.push_back(store::Backend::postgres);
  else fmt::print("(SANGAM_TEST_DATABASE_URL unset: SQLite only; run under scripts/with-postgres.sh for both)\n");
  for (auto b : backends) {
    if (only.empty() || only == "import") bench_import(b, dir, clock, bus);
    if (only.empty() || only == "optout") bench_opt_out(b, dir, clock, bus);
    if (only.empty() || only == "search") bench_search(b, dir, clock, contacts);
  }
  std::filesystem::remove_all(dir);
}
