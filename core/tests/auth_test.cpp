#include "auth/auth_service.hpp"

#include "support.hpp"

using namespace sangam;
using namespace std::chrono;
using json = nlohmann::json;
using test::code_of;
using test::failure_of;


class AuthTest : public test::BothBackends {
 protected:
  void SetUp() override {
    BothBackends::SetUp();
    auth = std::make_unique<AuthService>(*db, clock, bus);
    bool created = false;
    auth->ensure_admin("Admin@Example.com", "correct horse battery", created);
    first_session = auth->login(creds("admin@example.com", "correct horse battery"), "10.0.0.1", "t").session_token;
    admin = *auth->authenticate_session(first_session);
  }
  static json creds(const std::string& e, const std::string& p) { return {{"email", e}, {"password", p}}; }
  test::RecordingBus bus;
  std::unique_ptr<AuthService> auth;
  std::string first_session;  // the admin's session cookie
  Principal admin;
};
SANGAM_BOTH_BACKENDS(AuthTest);

TEST_P(AuthTest, FirstAdminIsCreatedOnceAndEmailIsCaseInsensitive) {
  EXPECT_TRUE(admin.user.is_admin);
  EXPECT_EQ(admin.user.email, "admin@example.com");
  bool created = true;
  EXPECT_FALSE(auth->ensure_admin("other@example.com", "", created).has_value());
  EXPECT_FALSE(created);
  EXPECT_EQ(auth->list_users()["items"].size(), 1u);
}

TEST_P(AuthTest, GeneratedAdminPasswordIsReturnedOnceAndWorks) {
  auto fresh = test::make_database(GetParam());
  store::migrate(*fresh, clock);
  AuthService a(*fresh, clock, bus);
  bool created = false;
  auto pw = a.ensure_admin("root@example.com", "", created);
  ASSERT_TRUE(pw.has_value());
  EXPECT_TRUE(created);
  EXPECT_GE(pw->size(), 12u);
  EXPECT_NO_THROW(a.login(creds("root@example.com", *pw), "ip", "ua"));
}

TEST_P(AuthTest, WrongPasswordAndUnknownEmailLookTheSame) {
  EXPECT_EQ(code_of([&] { auth->login(creds("admin@example.com", "wrong password"), "1.1.1.1", ""); }), ErrorCode::invalid_credentials);
  EXPECT_EQ(code_of([&] { auth->login(creds("nobody@example.com", "wrong password"), "1.1.1.1", ""); }), ErrorCode::invalid_credentials);
}

TEST_P(AuthTest, FiveFailuresBlockTheEmailFromThatAddressForFifteenMinutesEvenWithTheRightPassword) {
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(code_of([&] { auth->login(creds("admin@example.com", "nope nope nope"), "1.1.1.1", ""); }), ErrorCode::invalid_credentials);
  try {
    auth->login(creds("admin@example.com", "correct horse battery"), "1.1.1.1", "");
    FAIL() << "expected throttling";
  } catch (const ThrottledError& e) {
    EXPECT_EQ(e.retry_after_s(), 15 * 60);
  }
  // The stranger at 1.1.1.1 does not lock the owner of the address out from anywhere else.
  EXPECT_NO_THROW(auth->login(creds("admin@example.com", "correct horse battery"), "2.2.2.2", ""));
  clock.advance(minutes(15));
  EXPECT_NO_THROW(auth->login(creds("admin@example.com", "correct horse battery"), "1.1.1.1", ""));
}

// The throttle alone, without argon2: 100 failures cost nothing here.
class ThrottleTest : public ::testing::Test {
 protected:
  ManualClock clock{std::chrono::sys_days{std::chrono::year{2026} / 11 / 24}};
  LoginThrottle t{clock};
  void fail(const std::string& email, const std::string& ip, int n = 1) {
    for (int i = 0; i < n; ++i) t.record_failure(email, ip);
  }
};

TEST_F(ThrottleTest, FivePerEmailAndAddressBlockOnlyThatPair) {
  fail("a@x", "10.0.0.1", 4);
  EXPECT_EQ(t.retry_after_s("a@x", "10.0.0.1"), 0);
  fail("a@x", "10.0.0.1");
  EXPECT_EQ(t.retry_after_s("a@x", "10.0.0.1"), 15 * 60);
  EXPECT_EQ(t.retry_after_s("a@x", "10.0.0.2"), 0);  // the same person from another address
  EXPECT_EQ(t.retry_after_s("b@x", "10.0.0.1"), 0);  // another person from the same address
  clock.advance(std::chrono::minutes(10));
  EXPECT_EQ(t.retry_after_s("a@x", "10.0.0.1"), 5 * 60);
  clock.advance(std::chrono::minutes(5));
  EXPECT_EQ(t.retry_after_s("a@x", "10.0.0.1"), 0);
}

TEST_F(ThrottleTest, TwentyFailuresFromOneAddressBlockEveryEmailFromIt) {
  for (int e = 0; e < 5; ++e) fail("u" + std::to_string(e) + "@x", "10.0.0.9", 4);
  EXPECT_GT(t.retry_after_s("admin@x", "10.0.0.9"), 0);
  EXPECT_EQ(t.retry_after_s("admin@x", "10.0.0.8"), 0);
}

TEST_F(ThrottleTest, OneHundredFailuresAcrossAddressesBlockTheEmailEverywhere) {
  // 20 addresses x 5 guesses: each pair is at its own limit, the email reaches its ceiling.
  for (int ip = 1; ip <= 19; ++ip) fail("a@x", "10.1.0." + std::to_string(ip), 5);
  EXPECT_EQ(t.retry_after_s("a@x", "192.168.1.1"), 0);  // 95 failures: the owner still gets in
  fail("a@x", "10.1.0.20", 5);
  EXPECT_EQ(t.retry_after_s("a@x", "192.168.1.1"), 15 * 60);
  EXPECT_EQ(t.retry_after_s("b@x", "192.168.1.1"), 0);
}

TEST_F(ThrottleTest, ASuccessClearsThePairButNotTheCeiling) {
  fail("a@x", "10.0.0.1", 4);
  t.record_success("a@x", "10.0.0.1");
  fail("a@x", "10.0.0.1", 4);
  EXPECT_EQ(t.retry_after_s("a@x", "10.0.0.1"), 0);  // a person who mistypes, signs in, mistypes again
  // A distributed guesser gains nothing from the owner signing in: the 100 still count.
  for (int ip = 1; ip <= 20; ++ip) fail("b@x", "10.2.0." + std::to_string(ip), 5);
  t.record_success("b@x", "192.168.1.1");
  EXPECT_GT(t.retry_after_s("b@x", "192.168.1.1"), 0);
}

TEST_F(ThrottleTest, IPv6AddressesOfOneSlash64AreOneClient) {
  // A single IPv6 host usually owns a whole /64; counting addresses would give it 2^64 x 5 guesses.
  fail("a@x", "2001:db8:1:2::1", 3);
  fail("a@x", "2001:db8:1:2:ffff::7", 2);
  EXPECT_GT(t.retry_after_s("a@x", "2001:db8:1:2::99"), 0);
  EXPECT_EQ(t.retry_after_s("a@x", "2001:db8:1:3::1"), 0);
  // An IPv4 client seen through an IPv6 socket is the IPv4 address.
  fail("c@x", "::ffff:10.0.0.5", 5);
  EXPECT_GT(t.retry_after_s("c@x", "10.0.0.5"), 0);
}

TEST_P(AuthTest, SessionsExpireAfterFourteenDaysAndLogoutEndsThem) {
  auto login = auth->login(creds("admin@example.com", "correct horse battery"), "ip", "ua");
  EXPECT_TRUE(auth->authenticate_session(login.session_token));
  clock.advance(hours(24 * 14 - 1));
  EXPECT_TRUE(auth->authenticate_session(login.session_token));
  clock.advance(hours(1));
  EXPECT_FALSE(auth->authenticate_session(login.session_token));
  auto again = auth->login(creds("admin@example.com", "correct horse battery"), "ip", "ua");
  auth->logout(again.session_token);
  EXPECT_FALSE(auth->authenticate_session(again.session_token));
}

TEST_P(AuthTest, TokensAreShownOnceStoredHashedAndRevocable) {
  json t = auth->create_token(admin.user, {{"name", "CI"}});
  std::string token = t["token"];
  EXPECT_EQ(token.rfind("sgm_", 0), 0u);
  auto p = auth->authenticate_bearer(token);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->user.id, admin.user.id);
  EXPECT_FALSE(p->via_cookie);
  json list = auth->list_tokens(admin.user);
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_FALSE(list["items"][0].contains("token"));
  EXPECT_FALSE(list["items"][0]["last_used_at"].is_null());
  // nobody else can revoke it
  auto other = json::parse(auth->create_user(admin.user, {{"email", "v@example.com"}, {"name", "V"}, {"password", "0123456789"}}).dump());
  User v{other["id"], "v@example.com", "V"};
  EXPECT_EQ(code_of([&] { auth->revoke_token(v, t["id"]); }), ErrorCode::not_found);
  auth->revoke_token(admin.user, t["id"]);
  EXPECT_FALSE(auth->authenticate_bearer(token));
  EXPECT_FALSE(auth->authenticate_bearer("sgm_made_up"));
}

TEST_P(AuthTest, TokensExpire) {
  json t = auth->create_token(admin.user, {{"name", "short"}, {"expires_in_days", 1}});
  clock.advance(hours(23));
  EXPECT_TRUE(auth->authenticate_bearer(t["token"]));
  clock.advance(hours(1));
  EXPECT_FALSE(auth->authenticate_bearer(t["token"]));
}

TEST_P(AuthTest, DisablingAUserEndsTheirSessionsAndTokensAndIsAudited) {
  json u = auth->create_user(admin.user, {{"email", "m@example.com"}, {"name", "M"}, {"password", "0123456789"}});
  auto login = auth->login(creds("m@example.com", "0123456789"), "ip", "ua");
  User m = auth->authenticate_session(login.session_token)->user;
  std::string token = auth->create_token(m, {{"name", "t"}})["token"];
  auth->update_user(admin.user, u["id"], {{"disabled", true}});
  EXPECT_FALSE(auth->authenticate_session(login.session_token));
  EXPECT_FALSE(auth->authenticate_bearer(token));
  EXPECT_EQ(code_of([&] { auth->login(creds("m@example.com", "0123456789"), "ip", "ua"); }), ErrorCode::invalid_credentials);
  EXPECT_EQ(bus.names().back(), "session.revoked");
}

TEST_P(AuthTest, UserValidationNamesTheField) {
  auto field_of = [&](const json& body) {
    try {
      auth->create_user(admin.user, body);
    } catch (const Error& e) {
      return e.field();
    }
    return std::string("no error");
  };
  EXPECT_EQ(field_of({{"email", "not-an-email"}, {"name", "X"}, {"password", "0123456789"}}), "email");
  EXPECT_EQ(field_of({{"email", "x@example.com"}, {"name", ""}, {"password", "0123456789"}}), "name");
  EXPECT_EQ(field_of({{"email", "x@example.com"}, {"name", "X"}, {"password", "short"}}), "password");
  EXPECT_EQ(field_of({{"email", "x@example.com"}, {"name", "X"}, {"password", "0123456789"}, {"is_admin", "yes"}}), "is_admin");
  EXPECT_EQ(field_of({{"email", "x@example.com"}, {"name", "X"}, {"password", "0123456789"}, {"role", "boss"}}), "role");
  EXPECT_EQ(field_of({{"email", "ADMIN@example.com"}, {"name", "X"}, {"password", "0123456789"}}), "email");  // duplicate
  EXPECT_EQ(auth->list_users()["items"].size(), 1u);  // nothing was created
}

TEST_P(AuthTest, AdminsCannotLockThemselvesOut) {
  EXPECT_EQ(code_of([&] { auth->update_user(admin.user, admin.user.id, {{"is_admin", false}}); }), ErrorCode::conflict);
  EXPECT_EQ(code_of([&] { auth->delete_user(admin.user, admin.user.id); }), ErrorCode::conflict);
  EXPECT_TRUE(auth->get_user(admin.user.id)["is_admin"].get<bool>());
}

// Issue 6 item 6: what each revocation ends, and what it tells the hub to close.
TEST_P(AuthTest, APasswordChangeEndsTheOtherSessionsAndKeepsTheCurrentOneAndTheTokens) {
  json u = auth->create_user(admin.user, {{"email", "p@example.com"}, {"name", "P"}, {"password", "0123456789"}});
  auto laptop = auth->login(creds("p@example.com", "0123456789"), "ip", "ua");
  auto phone = auth->login(creds("p@example.com", "0123456789"), "ip", "ua");
  User p = auth->authenticate_session(laptop.session_token)->user;
  std::string token = auth->create_token(p, {{"name", "script"}})["token"];
  bus.events.clear();
  auth->update_user(admin.user, u["id"], {{"password", "another-password"}}, admin.session_id);
  EXPECT_FALSE(auth->authenticate_session(laptop.session_token));  // the admin's session is not theirs
  EXPECT_FALSE(auth->authenticate_session(phone.session_token));
  EXPECT_TRUE(auth->authenticate_bearer(token));
  EXPECT_TRUE(auth->authenticate_session(auth->login(creds("admin@example.com", "correct horse battery"), "ip", "t").session_token));
  ASSERT_EQ(bus.events.size(), 1u);
  EXPECT_EQ(bus.events[0].name, "session.revoked");
  EXPECT_EQ(bus.events[0].user_id, u["id"].get<int64_t>());
  EXPECT_EQ(bus.events[0].data, (json{{"sessions", true}}));

  // One's own password: the session making the change survives, the others end.
  auto other = auth->login(creds("admin@example.com", "correct horse battery"), "ip", "t");
  bus.events.clear();
  auth->update_user(admin.user, admin.user.id, {{"password", "a new admin password"}}, admin.session_id);
  EXPECT_FALSE(auth->authenticate_session(other.session_token));
  auto still = auth->authenticate_session(first_session);
  ASSERT_TRUE(still);
  EXPECT_EQ(still->session_id, admin.session_id);
  EXPECT_EQ(bus.events[0].data, (json{{"sessions", true}, {"except_session_id", *admin.session_id}}));
}

TEST_P(AuthTest, LogoutAndTokenRevocationNameWhatEnded) {
  auto s = auth->login(creds("admin@example.com", "correct horse battery"), "ip", "ua");
  int64_t sid = *auth->authenticate_session(s.session_token)->session_id;
  json t = auth->create_token(admin.user, {{"name", "CI"}});
  bus.events.clear();
  auth->logout(s.session_token);
  auth->revoke_token(admin.user, t["id"]);
  auth->logout(s.session_token);  // twice: nothing left to end, nothing announced
  ASSERT_EQ(bus.events.size(), 2u);
  EXPECT_EQ(bus.events[0].data, (json{{"session_id", sid}}));
  EXPECT_EQ(bus.events[0].user_id, admin.user.id);
  EXPECT_EQ(bus.events[1].data, (json{{"token_id", t["id"]}}));
  EXPECT_TRUE(auth->authenticate_session(first_session));  // the other session is untouched
}
