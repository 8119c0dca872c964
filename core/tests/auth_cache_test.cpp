// The session and token look-up cache (issue 6 item 9): the cache alone with a manual clock, then
// through AuthService on both backends (every revocation path refuses a credential that was just
// cached), then two AuthServices on one PostgreSQL database as two nodes (NOTIFY, a lost listener).
#include "auth/auth_cache.hpp"
#include "auth/auth_service.hpp"

#include "support.hpp"

#include <thread>

using namespace sangam;
using namespace std::chrono;
using json = nlohmann::json;

namespace {

Principal someone(int64_t user_id, std::optional<int64_t> session = std::nullopt) {
  Principal p;
  p.user.id = user_id;
  p.user.email = "u" + std::to_string(user_id) + "@example.com";
  p.via_cookie = session.has_value();
  p.session_id = session;
  return p;
}

class AuthCacheUnit : public ::testing::Test {
 protected:
  ManualClock clock{test::at("2026-11-24T05:30:00Z")};
  AuthCache cache{clock, {5000, 3}};
  using K = AuthCache::Kind;
  void put(const std::string& hash, int64_t user, std::optional<int64_t> expires = std::nullopt) {
    cache.put(K::session, hash, {someone(user, 1), expires, std::nullopt}, cache.ticket());
  }
};

}  // namespace

TEST_F(AuthCacheUnit, AStoredLookUpIsFoundUntilItsTtlEnds) {
  EXPECT_FALSE(cache.find(K::session, "h1"));
  put("h1", 7);
  ASSERT_TRUE(cache.find(K::session, "h1"));
  EXPECT_EQ(cache.find(K::session, "h1")->principal.user.id, 7);
  EXPECT_FALSE(cache.find(K::token, "h1")) << "sessions and tokens are apart";
  clock.advance(milliseconds(4999));
  EXPECT_TRUE(cache.find(K::session, "h1"));
  clock.advance(milliseconds(1));
  EXPECT_FALSE(cache.find(K::session, "h1")) << "5 s after it was stored, the database is asked again";
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(AuthCacheUnit, AnEntryNeverOutlivesItsCredential) {
  put("h1", 7, clock.now_ms() + 1000);
  clock.advance(milliseconds(999));
  EXPECT_TRUE(cache.find(K::session, "h1"));
  clock.advance(milliseconds(1));
  EXPECT_FALSE(cache.find(K::session, "h1")) << "the session expired before the TTL did";
}

TEST_F(AuthCacheUnit, ForgettingAUserDropsAllTheirEntriesAndNoOneElses) {
  put("a1", 1);
  put("a2", 1);
  put("b1", 2);
  cache.forget_user(1);
  EXPECT_FALSE(cache.find(K::session, "a1"));
  EXPECT_FALSE(cache.find(K::session, "a2"));
  EXPECT_TRUE(cache.find(K::session, "b1"));
}

TEST_F(AuthCacheUnit, ALookUpThatRacedWithAnInvalidationIsNotStored) {
  uint64_t ticket = cache.ticket();  // the look-up starts: it reads the session, still valid
  cache.forget_user(1);              // meanwhile the logout commits and invalidates
  cache.put(K::session, "a1", {someone(1, 1), std::nullopt, std::nullopt}, ticket);
  EXPECT_FALSE(cache.find(K::session, "a1")) << "it would have authenticated an ended session for 5 s";
  put("a1", 1);  // the next look-up stores it again
  EXPECT_TRUE(cache.find(K::session, "a1"));
}

TEST_F(AuthCacheUnit, TheOldestEntryMakesRoomWhenTheBoundIsReached) {
  put("h1", 1);
  clock.advance(milliseconds(10));
  put("h2", 2);
  put("h3", 3);
  put("h4", 4);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.find(K::session, "h1"));
  for (auto h : {"h2", "h3", "h4"}) EXPECT_TRUE(cache.find(K::session, h)) << h;
  put("h2", 2);  // stored again: now the newest
  put("h5", 5);
  EXPECT_FALSE(cache.find(K::session, "h3"));
  EXPECT_TRUE(cache.find(K::session, "h2"));
}

TEST_F(AuthCacheUnit, WhilePausedNothingIsStoredAndWhatWasIsGone) {
  put("h1", 1);
  cache.pause(true);
  EXPECT_FALSE(cache.find(K::session, "h1"));
  put("h2", 2);
  EXPECT_FALSE(cache.find(K::session, "h2"));
  cache.pause(false);
  put("h2", 2);
  EXPECT_TRUE(cache.find(K::session, "h2"));
}

TEST_F(AuthCacheUnit, ATtlOfZeroTurnsItOff) {
  AuthCache off(clock, {0, 100});
  off.put(K::token, "h", {someone(1), std::nullopt, std::nullopt}, off.ticket());
  EXPECT_FALSE(off.find(K::token, "h"));
}

// ---- through AuthService, both backends ----------------------------------------------------------

class AuthCacheService : public test::BothBackends {
 protected:
  void SetUp() override {
    BothBackends::SetUp();
    auth = std::make_unique<AuthService>(*db, clock, bus);
    bool created = false;
    auth->ensure_admin("admin@example.com", "correct horse battery", created);
    admin_session = login("admin@example.com", "correct horse battery");
    admin = auth->authenticate_session(admin_session)->user;
    auth->create_user(admin, {{"email", "pat@example.com"}, {"name", "Pat"}, {"password", "pat's password 1"}});
    pat_session = login("pat@example.com", "pat's password 1");
    pat = *auth->authenticate_session(pat_session);
    pat_token = auth->create_token(pat.user, {{"name", "script"}})["token"];
    ASSERT_TRUE(auth->authenticate_bearer(pat_token));
  }
  std::string login(const std::string& email, const std::string& password) {
    return auth->login({{"email", email}, {"password", password}}, "10.0.0.1", "t").session_token;
  }
  // The credential is in the cache now: the database would not be asked for it again.
  void expect_cached(const std::string& session, const std::string& token) {
    if (!session.empty()) ASSERT_TRUE(auth->authenticate_session(session));
    if (!token.empty()) ASSERT_TRUE(auth->authenticate_bearer(token));
  }
  test::RecordingBus bus;
  std::unique_ptr<AuthService> auth;
  std::string admin_session, pat_session, pat_token;
  User admin;
  Principal pat;
};
SANGAM_BOTH_BACKENDS(AuthCacheService);

TEST_P(AuthCacheService, LookUpsAreServedFromTheCacheForFiveSeconds) {
  // Deleted behind the service's back (as a node without notifications would see it): the cached
  // answer stands until its TTL, then the database's answer wins.
  db->write([&](store::Conn& c) { c.exec_script("DELETE FROM sessions; UPDATE api_tokens SET revoked_at = 1"); });
  EXPECT_TRUE(auth->authenticate_session(pat_session)) << "served from the cache";
  EXPECT_TRUE(auth->authenticate_bearer(pat_token)) << "served from the cache";
  clock.advance(seconds(5));
  EXPECT_FALSE(auth->authenticate_session(pat_session));
  EXPECT_FALSE(auth->authenticate_bearer(pat_token));
}

TEST_P(AuthCacheService, LogoutRefusesTheCachedSessionAtOnce) {
  expect_cached(pat_session, "");
  auth->logout(pat_session);
  EXPECT_FALSE(auth->authenticate_session(pat_session));
  EXPECT_TRUE(auth->authenticate_bearer(pat_token));
}

TEST_P(AuthCacheService, RevokingRefusesTheCachedTokenAtOnce) {
  expect_cached("", pat_token);
  auth->revoke_token(pat.user, *auth->authenticate_bearer(pat_token)->token_id);
  EXPECT_FALSE(auth->authenticate_bearer(pat_token));
  EXPECT_TRUE(auth->authenticate_session(pat_session));
}

TEST_P(AuthCacheService, APasswordChangeRefusesTheCachedSessionsAtOnce) {
  expect_cached(pat_session, pat_token);
  auth->update_user(admin, pat.user.id, {{"password", "a brand new one"}});
  EXPECT_FALSE(auth->authenticate_session(pat_session));
  EXPECT_TRUE(auth->authenticate_bearer(pat_token)) << "tokens survive a password change (docs/api.md)";
}

TEST_P(AuthCacheService, DisablingOrDeletingRefusesEverythingCachedAtOnce) {
  expect_cached(pat_session, pat_token);
  auth->update_user(admin, pat.user.id, {{"disabled", true}});
  EXPECT_FALSE(auth->authenticate_session(pat_session));
  EXPECT_FALSE(auth->authenticate_bearer(pat_token));

  auth->create_user(admin, {{"email", "sam@example.com"}, {"name", "Sam"}, {"password", "sam's password 1"}});
  std::string sam = login("sam@example.com", "sam's password 1");
  auto sam_id = auth->authenticate_session(sam)->user.id;
  expect_cached(sam, "");
  auth->delete_user(admin, sam_id);
  EXPECT_FALSE(auth->authenticate_session(sam));
}

TEST_P(AuthCacheService, ANameOrAdminFlagChangeIsSeenOnTheNextRequest) {
  expect_cached(pat_session, pat_token);
  auth->update_user(admin, pat.user.id, {{"is_admin", true}, {"name", "Patricia"}});
  auto p = auth->authenticate_session(pat_session);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->user.is_admin);
  EXPECT_EQ(p->user.name, "Patricia");
  auth->update_user(admin, pat.user.id, {{"is_admin", false}});
  EXPECT_FALSE(auth->authenticate_bearer(pat_token)->user.is_admin) << "an admin removed is no admin on the next request";
}

TEST_P(AuthCacheService, ACachedSessionStillExpiresOnTime) {
  AuthOptions opts;
  opts.session_ttl_ms = 3000;  // shorter than the cache's 5 s
  AuthService short_lived(*db, clock, bus, opts);
  std::string s = short_lived.login({{"email", "pat@example.com"}, {"password", "pat's password 1"}}, "ip", "ua").session_token;
  clock.advance(milliseconds(2000));
  ASSERT_TRUE(short_lived.authenticate_session(s));  // cached now, until 2 s + 5 s by the TTL alone
  clock.advance(milliseconds(1000));
  EXPECT_FALSE(short_lived.authenticate_session(s));
}

TEST_P(AuthCacheService, ACachedTokenStillRefreshesLastUsedOnceAMinute) {
  auto used = [&] { return auth->list_tokens(pat.user)["items"][0]["last_used_at"]; };
  auto first = used();  // written by the first use, in SetUp
  ASSERT_FALSE(first.is_null());
  clock.advance(seconds(58));
  ASSERT_TRUE(auth->authenticate_bearer(pat_token));  // looked up and cached; 58 s is not yet a minute
  EXPECT_EQ(used(), first);
  clock.advance(seconds(3));
  ASSERT_TRUE(auth->authenticate_bearer(pat_token));  // a cache hit, 61 s after the last write
  auto second = used();
  EXPECT_NE(second, first);
  clock.advance(seconds(1));
  ASSERT_TRUE(auth->authenticate_bearer(pat_token));  // a hit again: written a second ago, not again
  EXPECT_EQ(used(), second);
}

// ---- two nodes on one PostgreSQL database --------------------------------------------------------

namespace {

// Events may arrive on the listener's thread.
class LockedBus final : public EventBus {
 public:
  void publish(const Event& e) override {
    std::lock_guard g(mu);
    events.push_back(e);
  }
  size_t count(const std::string& name) {
    std::lock_guard g(mu);
    return std::count_if(events.begin(), events.end(), [&](const Event& e) { return e.name == name; });
  }
  std::mutex mu;
  std::vector<Event> events;
};

// Real time: notifications travel through the server and the listener's thread.
bool within(milliseconds limit, const std::function<bool()>& cond) {
  auto end = steady_clock::now() + limit;
  while (steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return cond();
}

class TwoNodes : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string url = test::fresh_postgres_database();
    db_a = store::open_postgres(url, 4);
    db_b = store::open_postgres(url, 4);
    store::migrate(*db_a, clock);
    a = std::make_unique<AuthService>(*db_a, clock, bus_a);
    b = std::make_unique<AuthService>(*db_b, clock, bus_b);
    bool created = false;
    a->ensure_admin("admin@example.com", "correct horse battery", created);
    session = a->login({{"email", "admin@example.com"}, {"password", "correct horse battery"}}, "ip", "ua").session_token;
    ASSERT_TRUE(b->authenticate_session(session));  // cached on node B
  }
  ManualClock clock{test::at("2026-11-24T05:30:00Z")};  // the TTL never runs out by itself here
  LockedBus bus_a, bus_b;
  std::unique_ptr<store::Database> db_a, db_b;
  std::unique_ptr<AuthService> a, b;
  std::string session;
};

}  // namespace

TEST_F(TwoNodes, ALogoutOnOneNodeIsRefusedOnTheOtherWithoutWaitingForTheTtl) {
  ASSERT_GE(b->cache().size(), 1u);
  a->logout(session);
  EXPECT_TRUE(within(milliseconds(2000), [&] { return !b->authenticate_session(session); }))
      << "node B heard the NOTIFY (its clock stands still, so no TTL ran out)";
  EXPECT_TRUE(within(milliseconds(2000), [&] { return bus_b.count("session.revoked") == 1; }))
      << "and closes the session's sockets at once too";
  EXPECT_EQ(bus_a.count("session.revoked"), 1u) << "node A does not apply its own revocation twice";
}

TEST_F(TwoNodes, ANotifyIsHeardOnCommitOnlyNeverOnRollback) {
  std::mutex mu;
  std::vector<std::string> heard;
  auto l = db_b->listen("sangam_test", {[&](const std::string& p) {
                                          std::lock_guard g(mu);
                                          heard.push_back(p);
                                        },
                                        [](bool) {}});
  auto got = [&] {
    std::lock_guard g(mu);
    return heard;
  };
  EXPECT_THROW(db_a->write([](store::Conn& c) {
    c.run("notify", {std::string("sangam_test"), std::string("rolled back")});
    throw std::runtime_error("the write fails after its NOTIFY");
  }), std::runtime_error);
  db_a->write([&](store::Conn& c) {
    c.run("notify", {std::string("sangam_test"), std::string("committed")});
    std::this_thread::sleep_for(milliseconds(200));
    EXPECT_TRUE(got().empty()) << "not before the COMMIT";
  });
  EXPECT_TRUE(within(milliseconds(2000), [&] { return !got().empty(); }));
  EXPECT_EQ(got(), std::vector<std::string>{"committed"});
}

TEST_F(TwoNodes, ALostListenerEmptiesTheCacheAndListensAgain) {
  ASSERT_GE(b->cache().size(), 1u);
  // Kill both nodes' listener connections, as a restarted server or a network cut would.
  db_a->read([](store::Conn& c) {
    c.exec_script("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                  "WHERE application_name = 'sangam-listen' AND datname = current_database()");
  });
  EXPECT_TRUE(within(milliseconds(2000), [&] { return b->cache().size() == 0; }))
      << "what it missed while the listener was down cannot be known: nothing cached may stay";
  // Reconnected (once a second): caching resumes, and a logout on A reaches B again.
  EXPECT_TRUE(within(milliseconds(5000), [&] {
    b->authenticate_session(session);
    return b->cache().size() >= 1;
  }));
  a->logout(session);
  EXPECT_TRUE(within(milliseconds(2000), [&] { return !b->authenticate_session(session); }));
}
