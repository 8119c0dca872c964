// Issue 6.8: session archives stored as bytes (migration 0006 converts the base64 text of before), and
// loaded newest first, falling back to an older one only when the newest does not open. Both backends.
#include "accounts/account_service.hpp"
#include "auth/auth_service.hpp"
#include "engines/fake/fake_engine.hpp"
#include "projects/project_service.hpp"

#include "support.hpp"

using namespace sangam;
using json = nlohmann::json;

// The schema before migration 0006, with an account; services as in production.
class SessionArchiveTest : public test::BothBackends {
 protected:
  void SetUp() override {
    db = test::make_database(GetParam());
    store::migrate(*db, clock, 5);
    auth = std::make_unique<AuthService>(*db, clock, bus);
    projects = std::make_unique<ProjectService>(*db, clock, bus);
    alerts = std::make_unique<AlertService>(*db, clock, bus);
    accounts = std::make_unique<AccountService>(*db, clock, bus, engine, *alerts, key, AccountOptions{});
    bool created = false;
    auth->ensure_admin("owner@example.com", "0123456789", created);
    owner = user_from_row(db->read([](store::Conn& c) { return c.run("user-by-email", {std::string("owner@example.com")}); })[0]);
    pid = json::parse(projects->create(owner, {{"name", "PoultryCare"}, {"slug", "poultrycare"}}))["id"];
    aid = accounts->create(owner, pid, {{"phone", "+919800000051"}, {"engine", "sim"}})["id"];
  }
  json load() { return accounts->on_engine_request(aid, "session.load", json::object())["archive_base64"]; }
  std::vector<std::string> alert_kinds() {
    std::vector<std::string> out;
    json list = alerts->list(owner, pid, true);
    for (auto& a : list["items"]) out.push_back(a["kind"]);
    return out;
  }
  // The stored value of each archive, newest first.
  std::vector<store::Value> stored() {
    std::vector<store::Value> out;
    db->read([&](store::Conn& c) {
      auto ids = c.run("session-archive-list", {aid});
      for (size_t i = 0; i < ids.size(); ++i) out.push_back(c.run("session-archive-get", {ids[i].i64("id"), aid})[0].at("archive"));
    });
    return out;
  }

  crypto::SecretKey key{std::vector<unsigned char>(32, 7)};
  test::RecordingBus bus;
  FakeEngine engine;
  std::unique_ptr<AuthService> auth;
  std::unique_ptr<ProjectService> projects;
  std::unique_ptr<AlertService> alerts;
  std::unique_ptr<AccountService> accounts;
  User owner;
  int64_t pid = 0, aid = 0;
};
SANGAM_BOTH_BACKENDS(SessionArchiveTest);

TEST_P(SessionArchiveTest, MigrationTurnsBase64ArchivesIntoBytesThatStillRestore) {
  // Rows as the core wrote them before 0006: base64(seal), one without associated data (before 0004),
  // one with version 1, and a newest one (version 2) that is not base64 at all.
  std::string legacy = crypto::base64_encode(crypto::seal(key, "archive-before-0004"));
  std::string sealed_v1 = crypto::seal(key, "archive-v1", archive_ad(aid, 1));
  db->write([&](store::Conn& c) {
    c.exec_script("UPDATE accounts SET session_version = 2 WHERE id = " + std::to_string(aid));
    c.exec_script("INSERT INTO account_sessions (account_id, created_at, archive, version) VALUES (" + std::to_string(aid) +
                  ", 1, '" + legacy + "', NULL), (" + std::to_string(aid) + ", 2, '" +
                  crypto::base64_encode(sealed_v1) + "', 1), (" + std::to_string(aid) + ", 3, '%% not base64 %%', 2)");
  });
  EXPECT_EQ(store::migrate(*db, clock, 6), std::vector<int>{6});

  auto values = stored();
  ASSERT_EQ(values.size(), 3u);
  ASSERT_TRUE(std::holds_alternative<store::Blob>(values[1]));
  EXPECT_EQ(std::get<store::Blob>(values[1]).bytes, sealed_v1);  // the bytes, no longer base64
  ASSERT_TRUE(std::holds_alternative<store::Blob>(values[0]));
  EXPECT_TRUE(std::get<store::Blob>(values[0]).bytes.empty());   // what was not base64

  // The broken newest one is skipped with an alert; version 1 restores.
  EXPECT_EQ(load(), "archive-v1");
  EXPECT_EQ(alert_kinds(), std::vector<std::string>{"session_corrupt"});
  // Saves go on after the migrated ones (version 3), as bytes, and restore first.
  accounts->on_engine_request(aid, "session.save", {{"archive_base64", "archive-v3"}});
  EXPECT_EQ(load(), "archive-v3");
  values = stored();
  ASSERT_TRUE(std::holds_alternative<store::Blob>(values[0]));
  EXPECT_EQ(crypto::open(key, std::get<store::Blob>(values[0]).bytes, archive_ad(aid, 3)), "archive-v3");
  // With everything newer gone, the archive sealed before 0004 restores too.
  db->write([&](store::Conn& c) { c.exec_script("DELETE FROM account_sessions WHERE version IS NOT NULL"); });
  EXPECT_EQ(load(), "archive-before-0004");
}

TEST_P(SessionArchiveTest, ATamperedNewestArchiveFallsBackToTheNextOne) {
  store::migrate(*db, clock);
  for (int i = 1; i <= 3; ++i) accounts->on_engine_request(aid, "session.save", {{"archive_base64", "archive-" + std::to_string(i)}});
  EXPECT_EQ(load(), "archive-3");
  EXPECT_TRUE(alert_kinds().empty());
  // One bit of the newest archive's ciphertext flipped (disk corruption, tampering).
  db->write([&](store::Conn& c) {
    auto ids = c.run("session-archive-list", {aid});
    int64_t newest = ids[0].i64("id");
    std::string bytes = c.run("session-archive-get", {newest, aid})[0].str("archive");
    bytes[bytes.size() / 2] ^= 1;
    c.run("session-archive-delete", {aid});  // then version 2 intact, version 3 tampered
    c.run("session-archive-insert", {aid, int64_t(1), store::Blob{crypto::seal(key, "archive-2", archive_ad(aid, 2))}, int64_t(2)});
    c.run("session-archive-insert", {aid, int64_t(2), store::Blob{bytes}, int64_t(3)});
  });
  EXPECT_EQ(load(), "archive-2");
  EXPECT_EQ(alert_kinds(), std::vector<std::string>{"session_corrupt"});
}
