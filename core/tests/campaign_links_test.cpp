// Tracked links in campaign messages on both backends (issue 9 item 3): the launch turns each link of
// a direct message into the recipient's own short link and each link of a group post into the
// post's; following one redirects with UTM parameters and records the click with its contact (or
// group), campaign and account; a preview fetch is not a click; a tampered code finds nothing.
#include "analytics/event_log.hpp"
#include "analytics/link_service.hpp"
#include "campaigns/campaign_plan.hpp"
#include "campaigns/campaign_service.hpp"
#include "campaigns/dispatcher.hpp"
#include "projects/project.hpp"

#include "support.hpp"

#include <regex>

using namespace sangam;
using namespace sangam::campaigns;
using json = nlohmann::json;

namespace {

class TextSender final : public Sender {
 public:
  void send(const SendRequest& req, SendCallback cb) override {
    texts[req.idempotency_key] = req.content.text;
    cb({SendStatus::sent, "wa-" + req.idempotency_key, false, ""});
  }
  void mark_seen(int64_t, const std::string&, DoneCallback cb) override { if (cb) cb(true, ""); }
  void typing(int64_t, const std::string&, bool, DoneCallback cb) override { if (cb) cb(true, ""); }
  std::map<std::string, std::string> texts;  // idempotency key → text sent
};

class CampaignLinksTest : public test::BothBackends {
 protected:
  void SetUp() override {
    BothBackends::SetUp();
    // 2026-11-24 05:30 UTC: 11:00 in Asia/Kolkata, a Tuesday, inside working hours.
    db->write([&](store::Conn& c) {
      Project p;
      p.name = "PoultryCare";
      p.slug = "poultrycare";
      store::Params params = project_params(p);
      params.push_back(clock.now_ms());
      pid = c.run("project-insert", params)[0].i64("id");
      aid = c.run("account-insert", {pid, std::string("+919800000001"), std::string("acc1"), std::string("sim"),
                                     std::string("production"), int64_t(200), clock.now_ms()})[0].i64("id");
      c.exec_script("UPDATE accounts SET status = 'active' WHERE id = " + std::to_string(aid));
      for (int g : {100, 101}) {
        c.exec_script("INSERT INTO groups (id, project_id, wa_id, kind, name, created_at) VALUES (" + std::to_string(g) + ", " +
                      std::to_string(pid) + ", '1203630000000" + std::to_string(g) + "@g.us', 'group', 'Group " + std::to_string(g) + "', 0)");
        c.exec_script("INSERT INTO group_accounts (group_id, account_id, project_id, is_admin, phase, phase_since, joined_at, last_seen_at) VALUES (" +
                      std::to_string(g) + ", " + std::to_string(aid) + ", " + std::to_string(pid) + ", 1, 'value', 0, 0, 0)");
      }
      for (int i = 0; i < 2; ++i)
        c.exec_script("INSERT INTO contacts (id, project_id, phone, name, consent, source, created_at, updated_at) VALUES (" +
                      std::to_string(500 + i) + ", " + std::to_string(pid) + ", '+91981000001" + std::to_string(i) + "', 'Ravi " +
                      std::to_string(i) + "', 'opted_in', 'api', 0, 0)");
    });
    analytics::EventLogOptions o;
    o.start_thread = false;
    log = std::make_unique<analytics::EventLog>(*db, clock, bus, o);
    links = std::make_unique<analytics::LinkService>(*db, clock, *log, "https://go.example.com", std::vector<unsigned char>(32, 3));
    svc = std::make_unique<CampaignService>(*db, clock, bus, nullptr);
    svc->set_link_rewriter([this](store::Conn& c, int64_t p, int64_t cid, bool direct) {
      auto l = links->launch_links(c, p, cid, direct);
      return campaigns::CampaignService::LinkRewriter{[l](const std::string& t, int64_t k, int64_t g) { return l->rewrite(t, k, g); },
                                                      [l](store::Conn& conn) { l->save(conn); }};
    });
    admin.id = 1;
    admin.email = "owner@example.com";
  }
  // Launches, makes the rows due and sends them all; answers the campaign id.
  int64_t launch_and_send(const json& body) {
    int64_t cid = svc->launch(admin, pid, svc->create(admin, pid, body)["id"].get<int64_t>())["id"].get<int64_t>();
    db->write([&](store::Conn& c) {
      c.exec_script("UPDATE outbox SET planned_at = " + std::to_string(clock.now_ms()) + " WHERE campaign_id = " + std::to_string(cid));
    });
    size_t queued = static_cast<size_t>(db->read([&](store::Conn& c) {
      return c.run_text("SELECT COUNT(*) AS n FROM outbox WHERE status = 'queued' AND campaign_id = $1", {cid})[0].i64("n");
    }));
    Dispatcher d(*db, sender, clock, [](store::Conn&, int64_t, std::optional<int64_t>, const std::string&) { return ConsentVerdict{true, ""}; });
    // The policy paces one number's messages minutes apart: step on, two minutes at a time.
    size_t before = sender.texts.size();
    for (int i = 0; i < 200 && sender.texts.size() - before < queued; ++i) {
      d.step(aid);
      clock.advance(std::chrono::minutes(2));
    }
    EXPECT_EQ(sender.texts.size() - before, queued);
    return cid;
  }
  static std::string code_in(const std::string& text) {
    std::smatch m;
    static const std::regex short_link("https://go\\.example\\.com/r/([A-Za-z0-9]+)");
    return std::regex_search(text, m, short_link) ? m[1].str() : "";
  }
  store::Result clicks() {
    log->flush();
    return db->read([&](store::Conn& c) {
      return c.run_text("SELECT kind, contact_id, group_id, campaign_id, account_id, outbox_id, link_code FROM analytics_events "
                        "WHERE project_id = $1 AND kind IN ('click', 'preview') ORDER BY id",
                        {pid});
    });
  }
  int64_t rollup_clicks(const char* dim, int64_t id) {
    return db->read([&](store::Conn& c) {
      return c.run_text("SELECT COALESCE(SUM(clicks), 0) AS n FROM analytics_rollups WHERE project_id = $1 AND dim = $2 AND dim_id = $3",
                        {pid, std::string(dim), id})[0].i64("n");
    });
  }
  int64_t link_rows() {
    return db->read([&](store::Conn& c) { return c.run_text("SELECT COUNT(*) AS n FROM links WHERE project_id = $1", {pid})[0].i64("n"); });
  }

  test::RecordingBus bus;
  std::unique_ptr<analytics::EventLog> log;
  std::unique_ptr<analytics::LinkService> links;
  std::unique_ptr<CampaignService> svc;
  TextSender sender;
  User admin;
  int64_t pid = 0, aid = 0;
};
SANGAM_BOTH_BACKENDS(CampaignLinksTest);

const char* kChrome = "Mozilla/5.0 (Linux; Android 14; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36";

}  // namespace

TEST_P(CampaignLinksTest, ADirectMessageCarriesTheContactsOwnLinkAndItsClickCountsForThatContact) {
  int64_t cid = launch_and_send({{"name", "Feed chart"}, {"kind", "direct"},
                                 {"body", "Hi {{first_name}}, the winter feed chart: https://poultrycare.example/chart?ref=wa. Reply STOP to stop."},
                                 {"targeting", {{"contacts", {{"filter", json::object()}}}}}, {"schedule", {{"start_date", "2026-11-24"}}}});
  std::string key0 = "campaign:" + std::to_string(cid) + ":c500", key1 = "campaign:" + std::to_string(cid) + ":c501";
  ASSERT_EQ(sender.texts.size(), 2u);
  std::string code0 = code_in(sender.texts[key0]), code1 = code_in(sender.texts[key1]);
  ASSERT_FALSE(code0.empty()) << sender.texts[key0];
  ASSERT_FALSE(code1.empty()) << sender.texts[key1];
  EXPECT_NE(code0, code1);  // per recipient
  EXPECT_EQ(sender.texts[key0].find("poultrycare.example"), std::string::npos) << sender.texts[key0];
  EXPECT_NE(sender.texts[key0].find(code0 + ". Reply STOP"), std::string::npos);  // the full stop stays text
  EXPECT_EQ(link_rows(), 1);  // one row per (campaign, URL), not one per recipient

  auto preview = links->follow(code0, "WhatsApp/2.23.20.0 A", "GET");
  ASSERT_TRUE(preview);
  EXPECT_TRUE(preview->preview);
  auto click = links->follow(code0, kChrome, "GET");
  ASSERT_TRUE(click);
  EXPECT_FALSE(click->preview);
  EXPECT_EQ(click->location, "https://poultrycare.example/chart?ref=wa&utm_campaign=campaign-" + std::to_string(cid) +
                                 "&utm_medium=direct&utm_source=whatsapp");
  // Tampered: the other contact's id with this code's tag, or one character changed.
  std::string other = code1.substr(0, code1.size() - 11) + code0.substr(code0.size() - 11);
  std::string flipped = code0;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  for (const auto& bad : {other, flipped, code0.substr(0, 12) + "c1AAAAAAAAAAA"}) EXPECT_FALSE(links->follow(bad, kChrome, "GET")) << bad;

  auto r = clicks();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].str("kind"), "preview");
  EXPECT_EQ(r[1].str("kind"), "click");
  EXPECT_EQ(r[1].opt_i64("contact_id"), 500);
  EXPECT_EQ(r[1].opt_i64("campaign_id"), cid);
  EXPECT_EQ(r[1].opt_i64("account_id"), aid);
  EXPECT_TRUE(r[1].opt_i64("outbox_id"));
  EXPECT_EQ(rollup_clicks("campaign", cid), 1);  // the preview is not a click
}

TEST_P(CampaignLinksTest, AGroupPostHasOneLinkPerPostAndItsClicksCountForThatGroup) {
  int64_t cid = launch_and_send({{"name", "Dealer meet"}, {"kind", "group_post"},
                                 {"body", "Dealer meet on Sunday, {{group}}: https://poultrycare.example/meet"},
                                 {"targeting", {{"groups", {{"ids", {100, 101}}}}}}, {"schedule", {{"start_date", "2026-11-24"}}}});
  std::string post100 = code_in(sender.texts["campaign:" + std::to_string(cid) + ":g100"]);
  std::string post101 = code_in(sender.texts["campaign:" + std::to_string(cid) + ":g101"]);
  ASSERT_FALSE(post100.empty());
  ASSERT_FALSE(post101.empty());
  EXPECT_NE(post100, post101);
  // Three members of group 100 tap it, one of group 101.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(links->follow(post100, kChrome, "GET"));
  auto one = links->follow(post101, kChrome, "GET");
  ASSERT_TRUE(one);
  EXPECT_NE(one->location.find("utm_medium=group"), std::string::npos) << one->location;
  auto r = clicks();
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].opt_i64("group_id"), 100);
  EXPECT_FALSE(r[0].opt_i64("contact_id"));
  EXPECT_EQ(r[0].opt_i64("account_id"), aid);
  EXPECT_EQ(r[3].opt_i64("group_id"), 101);
  EXPECT_EQ(rollup_clicks("group", 100), 3);
  EXPECT_EQ(rollup_clicks("group", 101), 1);
  EXPECT_EQ(rollup_clicks("campaign", cid), 4);
}

namespace {

// The launch makes its links without the Conn while the rows stream (LinkService::launch_links):
// the row it saves afterwards is the one shorten() makes for (campaign, URL), its codes are the
// recipient codes of that row, and a later launch_links of the campaign reuses the row.
TEST_P(CampaignLinksTest, LaunchLinksSaveTheRowShortenWouldMakeAndReuseIt) {
  int64_t cid = svc->create(admin, pid, {{"name", "Offer"}, {"kind", "direct"}, {"body", "x"}})["id"].get<int64_t>();
  const std::string url = "https://poultrycare.example/offer?x=1";
  std::string text;
  db->write([&](store::Conn& c) {
    auto l = links->launch_links(c, pid, cid, true);
    text = l->rewrite("Offer: " + url + ". Again " + url + " and go.example.com/r/keep", 500, 0);
    l->save(c);
  });
  ASSERT_EQ(link_rows(), 1);
  std::string again = links->shorten({pid, cid, std::nullopt, std::nullopt, std::nullopt, "campaign:" + std::to_string(cid), url, {{"utm_medium", "direct"}}});
  EXPECT_EQ(link_rows(), 1);  // shorten() found the launch's row
  std::string row_code = again.substr(again.rfind('/') + 1);
  std::string mine = "https://go.example.com/r/" + analytics::RecipientCodes(std::vector<unsigned char>(32, 3)).make({row_code, 'c', 500});
  EXPECT_EQ(text, "Offer: " + mine + ". Again " + mine + " and go.example.com/r/keep");
  auto out = links->follow(code_in(text), kChrome, "GET");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->location.rfind(url + "&utm_", 0), 0u) << out->location;

  db->write([&](store::Conn& c) {
    auto l = links->launch_links(c, pid, cid, true);
    EXPECT_EQ(l->rewrite(url, 501, 0).find(row_code), 25u);  // https://go.example.com/r/ + the same row's code
    l->save(c);
  });
  EXPECT_EQ(link_rows(), 1);
}

}  // namespace

namespace {

// A launch bigger than one chunk (LaunchRowSource::kChunkRows) renders on the second thread while its
// rows stream: every contact still gets one row with its own signed link, in one transaction.
TEST_P(CampaignLinksTest, ALaunchOfManyChunksGivesEveryContactItsOwnRowAndLink) {
  const int n = 2 * static_cast<int>(LaunchRowSource::kChunkRows) + 100;
  db->write([&](store::Conn& c) {
    std::string series = GetParam() == store::Backend::postgres
                             ? "SELECT g AS i FROM generate_series(1, $2::bigint) g"
                             : "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $2) SELECT i FROM s";
    c.run_text("INSERT INTO contacts (id, project_id, phone, name, consent, source, created_at, updated_at) SELECT 1000 + i, $1, "
               "'+9197' || (10000000 + i), 'Asha ' || i, 'opted_in', 'api', 0, 0 FROM (" + series + ") q",
               {pid, int64_t(n)});
  });
  int64_t cid = svc->create(admin, pid, {{"name", "Big"}, {"kind", "direct"},
                                         {"body", "{Hi|Hello} {{first_name}}, the offer: https://poultrycare.example/offer"},
                                         {"targeting", {{"contacts", {{"filter", json::object()}}}}},
                                         {"schedule", {{"start_date", "2026-11-24"}}}})["id"].get<int64_t>();
  svc->launch(admin, pid, cid);
  auto rows = db->read([&](store::Conn& c) {
    return c.run_text("SELECT contact_id, content, idempotency_key, status FROM outbox WHERE campaign_id = $1 ORDER BY contact_id", {cid});
  });
  ASSERT_EQ(rows.size(), size_t(n + 2));  // the fixture's two contacts and the n new ones
  EXPECT_EQ(link_rows(), 1);
  analytics::RecipientCodes codes(std::vector<unsigned char>(32, 3));
  for (size_t i = 0; i < rows.size(); ++i) {
    int64_t contact = rows[i].i64("contact_id");
    ASSERT_EQ(rows[i].str("idempotency_key"), "campaign:" + std::to_string(cid) + ":c" + std::to_string(contact));
    ASSERT_EQ(rows[i].str("status"), "queued");
    std::string text = json::parse(rows[i].str("content"))["text"].get<std::string>();
    auto who = codes.parse(code_in(text));
    ASSERT_TRUE(who) << text;
    ASSERT_EQ(who->id, contact) << text;
  }
}

}  // namespace

TEST_P(CampaignLinksTest, ALinkWhoseRowIsGoneStopsRedirectingWithinAMinute) {
  // follow() keeps a code's row for a minute (codes never change); a project's deletion removes its
  // links, and its short links must then stop working, at the latest a minute later.
  std::string url = links->shorten({pid, std::nullopt, std::nullopt, std::nullopt, std::nullopt, "", "https://poultrycare.example/x", {}});
  std::string code = url.substr(url.rfind('/') + 1);
  ASSERT_TRUE(links->follow(code, kChrome, "GET"));
  db->write([&](store::Conn& c) { c.run_text("DELETE FROM links WHERE code = $1", {code}); });
  clock.advance(std::chrono::seconds(61));
  EXPECT_FALSE(links->follow(code, kChrome, "GET"));
  log->flush();
  EXPECT_EQ(clicks().size(), 1u);
}
