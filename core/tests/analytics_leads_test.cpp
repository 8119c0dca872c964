// Leads and short links on both backends (issue 9 items 3-5): a signed submission is attributed to
// the campaigns that touched its contact, a replay answers the first result and stores nothing new,
// bad fields store nothing, and a click on a short link counts once while a preview fetch does not.
#include "analytics/event_log.hpp"
#include "analytics/lead_service.hpp"
#include "analytics/link_service.hpp"
#include "analytics/signature.hpp"
#include "projects/project.hpp"
#include "util/field_errors.hpp"

#include "support.hpp"

#include <fmt/format.h>

using namespace sangam;
using namespace sangam::analytics;
using json = nlohmann::json;

namespace {

crypto::SecretKey test_key() {
  crypto::SecretKey k;
  k.bytes.assign(32, 7);
  return k;
}

class AnalyticsLeadsTest : public test::BothBackends {
 protected:
  void SetUp() override {
    BothBackends::SetUp();
    db->write([&](store::Conn& c) {
      Project p;
      p.name = "PoultryCare";
      p.slug = "poultrycare";
      store::Params params = project_params(p);
      params.push_back(clock.now_ms());
      pid = c.run("project-insert", params)[0].i64("id");
      aid = c.run("account-insert", {pid, std::string("+919800000001"), std::string("one"), std::string("sim"),
                                      std::string("production"), int64_t(10), clock.now_ms()})[0].i64("id");
      c.exec_script(fmt::format(
          "INSERT INTO groups (project_id, wa_id, kind, name, created_at) VALUES ({0}, '120363000000000001@g.us', "
          "'group', 'Poultry farmers Pune', 0);"
          "INSERT INTO contacts (project_id, phone, source, created_at, updated_at) VALUES ({0}, '+919800000011', 'group', 0, 0);",
          pid));
      gid = c.run("analytics-group-by-wa-id", {pid, std::string("120363000000000001@g.us")})[0].i64("id");
      cid = c.run("analytics-contact-by-phone", {pid, std::string("+919800000011")})[0].i64("id");
      // Imported from the group 40 days ago: older than the window, still the source group.
      c.exec_script(fmt::format("INSERT INTO memberships (group_id, contact_id, project_id, account_id, is_admin, first_seen, "
                                "last_seen) VALUES ({}, {}, {}, {}, 0, {}, {})",
                                gid, cid, pid, aid, clock.now_ms() - 40 * kDay, clock.now_ms()));
    });
  }
  // A campaign message to the contact, claimed `days_ago` days ago, with the given acks.
  void touched(int64_t campaign, int days_ago, std::vector<const char*> acks, EventLog& log) {
    int n = ++seq;
    int64_t at = clock.now_ms() - days_ago * kDay;
    db->write([&](store::Conn& c) {
      int64_t id = c.run("outbox-enqueue", {pid, aid, std::string("919800000011@c.us"), cid, std::string("campaign"),
                                           std::string("{}"), int64_t(3), at, "key-" + std::to_string(n), campaign, at})[0]
                       .i64("id");
      c.exec_script(fmt::format("UPDATE outbox SET status = 'sent', claimed_at = {0}, sent_at = {0}, wa_message_id = 'wa-{1}' "
                                "WHERE id = {2}",
                                at, n, id));
    });
    auto saved = clock.now();
    clock.set(std::chrono::system_clock::time_point(std::chrono::milliseconds(at + 60'000)));
    for (auto* a : acks) log.on_engine_event(aid, "message.ack", {{"key", "key-" + std::to_string(n)}, {"message_id", "wa-" + std::to_string(n)}, {"ack", a}});
    log.flush();
    clock.set(saved);
  }
  std::string signed_intake(LeadService& leads, const json& body, std::string* out_body = nullptr) {
    std::string raw = body.dump();
    if (out_body) *out_body = raw;
    return sign_body(leads.secret(pid), raw);
  }
  int64_t lead_count() {
    return db->read([&](store::Conn& c) { return c.run_text("SELECT COUNT(*) AS n FROM leads", {})[0].i64("n"); });
  }
  EventLogOptions manual() {
    EventLogOptions o;
    o.start_thread = false;
    return o;
  }
  static constexpr int64_t kDay = 86'400'000;
  int64_t pid = 0, aid = 0, gid = 0, cid = 0;
  int seq = 0;
  test::RecordingBus bus;
};
SANGAM_BOTH_BACKENDS(AnalyticsLeadsTest);

}  // namespace

TEST_P(AnalyticsLeadsTest, ASignedLeadIsAttributedToTheLastCampaignWithItsJourney) {
  EventLog log(*db, clock, bus, manual());
  LeadService leads(*db, clock, log, test_key());
  touched(11, 35, {"server", "device", "read"}, log);  // outside the 30-day window
  touched(12, 10, {"server", "device"}, log);
  touched(13, 2, {"server", "device", "read"}, log);
  json body = {{"submission_id", "form-1"}, {"phone", "098000 00011"}, {"form", "demo-request"},
               {"utm_source", "whatsapp"}, {"utm_weird", "kept"}, {"page", "/pricing"}};
  std::string raw;
  std::string sig = signed_intake(leads, body, &raw);
  json lead = leads.intake(pid, raw, sig);
  EXPECT_TRUE(lead["created"].get<bool>());
  EXPECT_EQ(lead["phone"], "+919800000011");
  EXPECT_EQ(lead["contact_id"], cid);
  EXPECT_EQ(lead["campaign_id"], 13);        // last touch
  EXPECT_EQ(lead["first_campaign_id"], 12);  // first touch inside the window
  EXPECT_EQ(lead["source_group_id"], gid);
  EXPECT_EQ(lead["quality"], "hot");  // a demo request
  EXPECT_EQ(lead["utm"]["utm_weird"], "kept");
  ASSERT_EQ(lead["attribution"]["linear"].size(), 2u);
  EXPECT_EQ(lead["journey"][0]["kind"], "imported");
  EXPECT_EQ(lead["journey"][0]["group_name"], "Poultry farmers Pune");
  EXPECT_EQ(lead["journey"].back()["kind"], "form");
  EXPECT_DOUBLE_EQ(lead["days_to_convert"].get<double>(), 10.0);
  // The replay answers the first result and stores nothing.
  json again = leads.intake(pid, raw, sig);
  EXPECT_FALSE(again["created"].get<bool>());
  EXPECT_EQ(again["id"], lead["id"]);
  EXPECT_EQ(lead_count(), 1);
  // The lead counts on the winning campaign's rollup, once.
  log.flush();
  auto r = db->read([&](store::Conn& c) {
    return c.run_text("SELECT SUM(leads) AS n FROM analytics_rollups WHERE project_id = $1 AND dim = 'campaign' AND dim_id = 13", {pid});
  });
  EXPECT_EQ(r[0].i64("n"), 1);
}

TEST_P(AnalyticsLeadsTest, ForgedSignaturesAndBadFieldsStoreNothing) {
  EventLog log(*db, clock, bus, manual());
  LeadService leads(*db, clock, log, test_key());
  std::string raw;
  std::string sig = signed_intake(leads, {{"submission_id", "s-1"}, {"phone", "+919800000011"}}, &raw);
  std::string tampered = raw;
  tampered.replace(tampered.find("0011"), 4, "0012");
  EXPECT_EQ(test::failure_of([&] { leads.intake(pid, tampered, sig); }).code, ErrorCode::unauthorized);
  EXPECT_EQ(test::failure_of([&] { leads.intake(pid, raw, sign_body("another-secret", raw)); }).code, ErrorCode::unauthorized);
  EXPECT_EQ(test::failure_of([&] { leads.intake(pid, raw, ""); }).code, ErrorCode::unauthorized);
  // Bad fields: every one named, nothing stored.
  json bad = {{"submission_id", "s-2"}, {"phone", "12345"}, {"submitted_at", "2099-01-01T00:00:00Z"}, {"utm", {{"source", 3}}}};
  std::string bad_raw = bad.dump();
  try {
    leads.intake(pid, bad_raw, sign_body(leads.secret(pid), bad_raw));
    FAIL() << "accepted bad fields";
  } catch (const FieldErrors& e) {
    std::set<std::string> fields;
    for (auto& f : e.errors()) fields.insert(f.field);
    EXPECT_EQ(fields, (std::set<std::string>{"phone", "submitted_at", "utm.source"}));
  }
  EXPECT_EQ(lead_count(), 0);
  // A lead whose number matches no contact is stored, unattributed and cold.
  json lone = {{"submission_id", "s-3"}, {"phone", "+14155550123"}};
  std::string lone_raw = lone.dump();
  json l = leads.intake(pid, lone_raw, sign_body(leads.secret(pid), lone_raw));
  EXPECT_TRUE(l["contact_id"].is_null());
  EXPECT_TRUE(l["campaign_id"].is_null());
  EXPECT_EQ(l["quality"], "cold");
}

TEST_P(AnalyticsLeadsTest, ACsvOfLeadsIsAllOrNothingAndReimportsFindTheSameLeads) {
  EventLog log(*db, clock, bus, manual());
  LeadService leads(*db, clock, log, test_key());
  std::string bad = "phone,form\n+919800000011,expo\nnot a phone,expo\n";
  try {
    leads.import_csv(pid, bad);
    FAIL() << "accepted a bad line";
  } catch (const FieldErrors& e) {
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
  }
  EXPECT_EQ(lead_count(), 0);
  std::string good = "Phone,Form,submitted_at\n+919800000011,expo,2026-11-20T10:00:00+05:30\n09800000012,expo,\n";
  auto r = leads.import_csv(pid, good);
  EXPECT_EQ(r.created, 2);
  auto again = leads.import_csv(pid, good);
  EXPECT_EQ(again.created, 0);
  EXPECT_EQ(again.duplicates, 2);
  EXPECT_EQ(lead_count(), 2);
}

TEST_P(AnalyticsLeadsTest, AClickCountsOnceAndAPreviewFetchIsNotAClick) {
  EventLog log(*db, clock, bus, manual());
  LinkService links(*db, clock, log, "https://go.example.com/");
  LinkTarget t;
  t.project_id = pid;
  t.campaign_id = 21;
  t.contact_id = cid;
  t.outbox_key = "key-x";
  t.url = "https://poultrycare.example/feed?ref=wa#top";
  std::string url = links.shorten(t);
  ASSERT_EQ(url.rfind("https://go.example.com/r/", 0), 0u) << url;
  EXPECT_EQ(links.shorten(t), url);  // the same message and URL: the same link
  std::string code = url.substr(url.rfind('/') + 1);
  auto preview = links.follow(code, "WhatsApp/2.23.20.0 A", "GET");
  ASSERT_TRUE(preview);
  EXPECT_TRUE(preview->preview);
  auto click = links.follow(code, "Mozilla/5.0 (Linux; Android 14) Chrome/120 Mobile", "GET");
  ASSERT_TRUE(click);
  EXPECT_FALSE(click->preview);
  EXPECT_EQ(click->location, "https://poultrycare.example/feed?ref=wa&utm_campaign=campaign-21&utm_medium=direct&utm_source=whatsapp#top");
  EXPECT_FALSE(links.follow("AAAAAAAAAAAA", "Mozilla/5.0", "GET"));
  log.flush();
  auto r = db->read([&](store::Conn& c) {
    return c.run_text("SELECT SUM(clicks) AS clicks, SUM(previews) AS previews FROM analytics_rollups "
                      "WHERE project_id = $1 AND dim = 'campaign' AND dim_id = 21", {pid});
  });
  EXPECT_EQ(r[0].i64("clicks"), 1);
  EXPECT_EQ(r[0].i64("previews"), 1);
  EXPECT_THROW(links.shorten(LinkTarget{pid, {}, {}, {}, {}, "", "javascript:alert(1)", {}}), Error);
}
