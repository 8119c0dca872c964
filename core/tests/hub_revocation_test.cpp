// The hub's side of revocation (issue 6 item 6): a session.revoked event closes exactly the sockets
// opened with the credential that ended, and events with a min_role skip members below it.
#include "http/hub.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>

using namespace sangam;
using json = nlohmann::json;
using Cred = http::Hub::Credential;

namespace {
struct Fixture {
  // project 10: user 1 owner, user 2 manager, user 3 viewer
  std::map<int64_t, int> role_in_10{{1, 3}, {2, 2}, {3, 1}};
  http::Hub hub{[this](int64_t u, int64_t p) { return p == 10 && role_in_10.count(u) ? role_in_10[u] : 0; }};
  std::map<uint64_t, std::vector<json>> inbox;
  std::set<uint64_t> closed;
  uint64_t connect(int64_t user, Cred cred = {}) {
    auto id = std::make_shared<uint64_t>(0);
    *id = hub.add(user, [this, id](std::string m) { inbox[*id].push_back(json::parse(m)); },
                  [this, id] { closed.insert(*id); }, cred);
    hub.handle(*id, R"({"type":"subscribe","project_id":10})");
    return *id;
  }
  void revoke(int64_t user, json data) { hub.publish(Event{"session.revoked", std::nullopt, user, std::move(data), 0}); }
};
}  // namespace

TEST(HubRevocation, LogoutClosesTheSocketsOfThatSessionOnly) {
  Fixture f;
  auto s5 = f.connect(1, {5, std::nullopt}), s5b = f.connect(1, {5, std::nullopt});
  auto s6 = f.connect(1, {6, std::nullopt}), t7 = f.connect(1, {std::nullopt, 7});
  auto other = f.connect(2, {5, std::nullopt});  // another user's socket with a (reused) id 5
  f.revoke(1, {{"session_id", 5}});
  EXPECT_EQ(f.closed, (std::set<uint64_t>{s5, s5b}));
  // A closed socket gets nothing more, even before its close path has run.
  f.hub.publish(Event{"project.updated", 10, std::nullopt, json::object(), 0});
  EXPECT_TRUE(f.inbox[s5].empty());
  EXPECT_EQ(f.inbox[s6].size(), 1u);
  EXPECT_EQ(f.inbox[t7].size(), 1u);
  EXPECT_EQ(f.inbox[other].size(), 1u);
  EXPECT_EQ(f.hub.size(), 3u);
  f.hub.remove(s5);  // the socket's own close path: harmless afterwards
  EXPECT_EQ(f.hub.size(), 3u);
}

TEST(HubRevocation, ARevokedTokenClosesItsSocketsOnly) {
  Fixture f;
  auto t7 = f.connect(1, {std::nullopt, 7}), t8 = f.connect(1, {std::nullopt, 8}), s7 = f.connect(1, {7, std::nullopt});
  f.revoke(1, {{"token_id", 7}});
  EXPECT_EQ(f.closed, std::set<uint64_t>{t7});
  (void)t8;
  (void)s7;  // session 7 is not token 7
}

TEST(HubRevocation, APasswordChangeClosesEverySessionButTheCurrentAndNoToken) {
  Fixture f;
  auto s5 = f.connect(1, {5, std::nullopt}), s6 = f.connect(1, {6, std::nullopt});
  auto t7 = f.connect(1, {std::nullopt, 7}), other = f.connect(2, {9, std::nullopt});
  f.revoke(1, {{"sessions", true}, {"except_session_id", 6}});
  EXPECT_EQ(f.closed, std::set<uint64_t>{s5});
  f.revoke(1, {{"sessions", true}});  // changed by an administrator: no session is kept
  EXPECT_EQ(f.closed, (std::set<uint64_t>{s5, s6}));
  (void)t7;
  (void)other;
}

TEST(HubRevocation, DisablingClosesEverySocketOfTheUser) {
  Fixture f;
  auto s5 = f.connect(1, {5, std::nullopt}), t7 = f.connect(1, {std::nullopt, 7}), bare = f.connect(1);
  auto other = f.connect(2, {9, std::nullopt});
  f.revoke(1, json::object());
  EXPECT_EQ(f.closed, (std::set<uint64_t>{s5, t7, bare}));
  EXPECT_EQ(f.hub.size(), 1u);
  (void)other;
}

TEST(HubRevocation, EventsWithAMinimumRoleSkipMembersBelowIt) {
  Fixture f;
  auto owner = f.connect(1), manager = f.connect(2), viewer = f.connect(3);
  f.hub.publish(Event{"account.qr", 10, std::nullopt, {{"value", "2@secret"}}, 0, 2});
  f.hub.publish(Event{"account.updated", 10, std::nullopt, {{"id", 1}}, 0});
  ASSERT_EQ(f.inbox[owner].size(), 2u);
  ASSERT_EQ(f.inbox[manager].size(), 2u);
  ASSERT_EQ(f.inbox[viewer].size(), 1u);
  EXPECT_EQ(f.inbox[viewer][0]["event"], "account.updated");
  f.role_in_10[3] = 2;  // promoted: the next code reaches them
  f.hub.publish(Event{"account.qr", 10, std::nullopt, {{"value", "2@next"}}, 0, 2});
  EXPECT_EQ(f.inbox[viewer].back()["event"], "account.qr");
}

TEST(HubRevocation, TheSweepClosesSocketsWhoseCredentialEndedElsewhere) {
  Fixture f;
  auto s5 = f.connect(1, {5, std::nullopt}), s5b = f.connect(1, {5, std::nullopt}), s6 = f.connect(1, {6, std::nullopt});
  auto t5 = f.connect(1, {std::nullopt, 5}), bare = f.connect(2);
  std::vector<std::pair<int64_t, Cred>> asked;
  auto valid = [&](int64_t user, const Cred& c) {
    asked.push_back({user, c});
    return !(c.session_id == 5);  // session 5 ended on another node; token 5 is another credential
  };
  EXPECT_EQ(f.hub.sweep(valid), 2u);
  EXPECT_EQ(f.closed, (std::set<uint64_t>{s5, s5b}));
  EXPECT_EQ(asked.size(), 3u);  // sessions 5 and 6 and token 5, each once; the bare socket is not asked about
  EXPECT_EQ(f.hub.sweep(valid), 0u);
  (void)s6;
  (void)t5;
  (void)bare;
}
