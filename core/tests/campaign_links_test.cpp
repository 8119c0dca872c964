// Tracked links in campaign messages on both backends (issue 9 item 3): the launch turns each link of
// a direct message into the recipient's own short link and each link of a group post into the
// post's; following one redirects with UTM parameters and records the click with its contact (or
// group), campaign and account; a preview fetch is not a click; a tampered code finds nothing.
#include "analytics/event_log.hpp"
#include "analytics/link_service.hpp"
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
    svc->set_link_rewriter([this](store::Conn& c, int64_t p, int64_t cid, bool direct) { return links->campaign_links(c, p, cid, direct); });
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
    Dispatcher d(*db, sender, clock, [](store::Conn&, int64_t, int64_t) { return ConsentVerdict{true, ""}; });
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
