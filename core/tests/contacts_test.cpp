// The contact base on both backends: member import, @lid merging, consent, opt-outs, privacy.
#include "contacts/contact_base.hpp"
#include "contacts/phone.hpp"

#include "support.hpp"

#include <fmt/format.h>

#include <algorithm>

using namespace sangam;
using store::Backend;

namespace {

int64_t make_project(store::Database& db, const std::string& slug) {
  return db.write([&](store::Conn& c) {
    return c.run("project-insert", {std::string("P ") + slug, slug, std::string("Asia/Kolkata"), std::string("IN"),
                                    std::string("[]"), 0.6, std::string("[]"), std::string("[]"), int64_t(1764000000000)})[0]
        .i64("id");
  });
}

// Our WhatsApp accounts with fixed ids (the outbox refers to the one that received a STOP).
void make_account(store::Database& db, int64_t pid, int64_t id) {
  db.write([&](store::Conn& c) {
    c.run_text("INSERT INTO accounts (id, project_id, phone, label, engine, role, status, daily_limit, created_at, updated_at) "
               "VALUES ($1, $2, $3, 'a', 'sim', 'production', 'active', 100, 0, 0)",
               {id, pid, "+91970000000" + std::to_string(id)});
  });
}

GroupMember by_phone(const std::string& digits, const std::string& name = "", bool admin = false) {
  return {digits, std::nullopt, name, admin};
}
GroupMember by_lid(const std::string& lid, const std::string& name = "") { return {std::nullopt, lid, name, false}; }

class ContactsTest : public test::BothBackends {
 protected:
  void SetUp() override {
    BothBackends::SetUp();
    pid = make_project(*db, "poultry");
    for (int64_t a : {7, 8}) make_account(*db, pid, a);
    base = std::make_unique<ContactBase>(*db, clock, bus);
  }
  int64_t count(const std::string& sql_name, store::Params p) {
    return db->read([&](store::Conn& c) { return c.run(sql_name, p)[0].i64("n"); });
  }
  json contact_by_phone(const std::string& e164) {
    auto id = db->read([&](store::Conn& c) { return c.run("contact-by-phone", {pid, e164}); });
    if (id.empty()) return nullptr;
    return base->export_contact(pid, id[0].i64("id"));
  }
  json contact_by_lid(const std::string& lid) {
    auto id = db->read([&](store::Conn& c) { return c.run("contact-by-lid", {pid, lid}); });
    if (id.empty()) return nullptr;
    return base->export_contact(pid, id[0].i64("id"));
  }
  json incoming(const std::string& from, const std::string& body, const std::string& id, int64_t account = 7) {
    json d = {{"id", id}, {"chat", from}, {"from", from}, {"is_group", false}, {"body", body}, {"kind", "text"}};
    base->on_incoming(pid, account, "message.received", d);
    return d;
  }
  test::RecordingBus bus;
  std::unique_ptr<ContactBase> base;
  int64_t pid = 0;
};
SANGAM_BOTH_BACKENDS(ContactsTest);

}  // namespace

TEST_P(ContactsTest, BulkPathWritesEveryRowAsGivenInsideTheTransaction) {
  std::vector<store::Params> rows;
  for (int i = 0; i < 2500; ++i)
    rows.push_back({int64_t(42), int64_t(i), std::string("+9198") + std::to_string(10000000 + i), nullptr, nullptr,
                    std::string("tab\there, new\nline, back\\slash, ünïcode ✓"), std::string(), nullptr, int64_t(i % 2),
                    nullptr, nullptr, nullptr});
  db->write([&](store::Conn& c) { EXPECT_EQ(c.bulk("contact-stage-copy", rows), 2500); });
  auto r = db->read([](store::Conn& c) {
    return c.run_text("SELECT count(*) AS n, min(name) AS name, sum(is_admin) AS admins, count(phone_hash) AS hashes "
                      "FROM contact_stage WHERE batch = 42");
  });
  EXPECT_EQ(r[0].i64("n"), 2500);
  EXPECT_EQ(r[0].str("name"), "tab\there, new\nline, back\\slash, ünïcode ✓");
  EXPECT_EQ(r[0].i64("admins"), 1250);
  EXPECT_EQ(r[0].i64("hashes"), 0);  // NULLs stay NULL
  // A failing transaction takes its bulk rows with it.
  EXPECT_THROW(db->write([&](store::Conn& c) {
    c.bulk("contact-stage-copy", rows);
    throw std::runtime_error("bad input half-way");
  }), std::runtime_error);
  EXPECT_EQ(db->read([](store::Conn& c) { return c.run_text("SELECT count(*) AS n FROM contact_stage")[0].i64("n"); }), 2500);
}

TEST_P(ContactsTest, MembersAreDeduplicatedAcrossGroupsAndAccounts) {
  int64_t t1 = clock.now_ms();
  auto a = base->import_members(pid, 100, 1, {by_phone("919800000011", "Ravi", true), by_phone("919800000012", "Meena"),
                                              by_phone("12"), by_phone("919800000011")}, t1);
  EXPECT_EQ(a.created, 2);
  EXPECT_EQ(a.rejected, 1);
  clock.advance(std::chrono::hours(24));  // a day later
  int64_t t2 = clock.now_ms();
  // the same people seen by another of our accounts, and in another group
  auto b = base->import_members(pid, 100, 2, {by_phone("+91 98000 00011", "Ravi K"), by_phone("919800000013")}, t2);
  base->import_members(pid, 200, 1, {by_phone("919800000012")}, t2);
  EXPECT_EQ(b.created, 1);
  EXPECT_EQ(b.updated, 1);
  EXPECT_EQ(count("contact-count", {pid}), 3);
  json ravi = contact_by_phone("+919800000011");
  EXPECT_EQ(ravi["name"], "Ravi K");  // the newer push name
  EXPECT_EQ(ravi["consent"], "unknown");
  ASSERT_EQ(ravi["memberships"].size(), 1u);
  EXPECT_EQ(ravi["memberships"][0]["account_id"], 2);
  EXPECT_EQ(ravi["memberships"][0]["first_seen"], format_iso8601(t1));
  EXPECT_EQ(ravi["memberships"][0]["last_seen"], format_iso8601(t2));
  EXPECT_EQ(contact_by_phone("+919800000012")["memberships"].size(), 2u);
}

TEST_P(ContactsTest, ALidMemberResolvedLaterMergesIntoOneContactWithItsHistory) {
  base->import_members(pid, 100, 1, {by_lid("5550001@lid", "Lid Person")}, clock.now_ms());
  json lid_only = contact_by_lid("5550001@lid");
  ASSERT_FALSE(lid_only.is_null());
  EXPECT_TRUE(lid_only["phone"].is_null());
  EXPECT_EQ(base->messageable_one_to_one(pid, lid_only["id"]).reason, "no_phone");
  // the lid-only person engages with us (a reaction in a direct chat)
  base->on_incoming(pid, 1, "message.reaction", {{"from", "5550001@lid"}, {"chat", "5550001@lid"}, {"message_id", "m1"}, {"reaction", "👍"}});
  // … and is known by phone in another group
  base->import_members(pid, 200, 1, {by_phone("919800000021", "Asha")}, clock.now_ms());
  EXPECT_EQ(count("contact-count", {pid}), 2);
  base->lid_resolved(pid, "5550001@lid", "919800000021");
  EXPECT_EQ(count("contact-count", {pid}), 1);
  json one = contact_by_phone("+919800000021");
  EXPECT_EQ(one["lid"], "5550001@lid");
  EXPECT_EQ(one["memberships"].size(), 2u);  // both groups
  EXPECT_EQ(one["consent"], "engaged");      // the lid record's engagement kept
  EXPECT_GT(one["engagement"].get<double>(), 0);
  EXPECT_TRUE(contact_by_lid("5550001@lid")["phone"] == "+919800000021");
}

TEST_P(ContactsTest, AMemberReportedWithPhoneAndLidFillsTheLidOnlyContact) {
  base->import_members(pid, 100, 1, {by_lid("5550002@lid")}, clock.now_ms());
  auto r = base->import_members(pid, 100, 1, {{std::string("919800000022"), std::string("5550002@lid"), "B", false}}, clock.now_ms());
  EXPECT_EQ(r.created, 0);
  EXPECT_EQ(count("contact-count", {pid}), 1);
  EXPECT_EQ(contact_by_lid("5550002@lid")["phone"], "+919800000022");
  // both records existing separately: merged during the import
  base->import_members(pid, 100, 1, {by_lid("5550003@lid")}, clock.now_ms());
  base->import_members(pid, 300, 1, {by_phone("919800000023")}, clock.now_ms());
  auto m = base->import_members(pid, 100, 1, {{std::string("919800000023"), std::string("5550003@lid"), "", false}}, clock.now_ms());
  EXPECT_EQ(m.merged, 1);
  EXPECT_EQ(count("contact-count", {pid}), 2);
  EXPECT_EQ(contact_by_phone("+919800000023")["memberships"].size(), 2u);
}

TEST_P(ContactsTest, StopOptsOutAtOnceForEveryAccountAndQueuesOneConfirmation) {
  base->import_members(pid, 100, 1, {by_phone("919800000031")}, clock.now_ms());
  incoming("919800000031@c.us", "hello, what is the price?", "m1");
  json c = contact_by_phone("+919800000031");
  EXPECT_EQ(c["consent"], "engaged");
  EXPECT_TRUE(base->messageable_one_to_one(pid, c["id"]).allowed);
  incoming("919800000031@c.us", "STOP", "m2", 7);
  incoming("919800000031@c.us", "stop!!", "m3", 8);  // again, to another of our numbers
  c = contact_by_phone("+919800000031");
  EXPECT_EQ(c["consent"], "opted_out");
  EXPECT_EQ(base->messageable_one_to_one(pid, c["id"]).reason, "opted_out");
  auto outbox = db->read([&](store::Conn& cn) { return cn.run("outbox-by-project", {pid}); });
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox[0].i64("priority"), 1);
  EXPECT_EQ(outbox[0].str("kind"), "opt_out_confirmation");
  EXPECT_EQ(outbox[0].i64("account_id"), 7);
  ASSERT_EQ(c["consent_history"].size(), 2u);
  EXPECT_EQ(c["consent_history"][1]["evidence"]["message_id"], "m2");
  EXPECT_EQ(c["consent_history"][1]["evidence"]["text"], "STOP");
  // engaging again does not undo it; a redelivered STOP queues nothing new
  incoming("919800000031@c.us", "ok", "m4");
  incoming("919800000031@c.us", "STOP", "m2", 7);
  EXPECT_EQ(contact_by_phone("+919800000031")["consent"], "opted_out");
  EXPECT_EQ(db->read([&](store::Conn& cn) { return cn.run("outbox-by-project", {pid}).size(); }), 1u);
}

TEST_P(ContactsTest, AnOptedOutNumberIsNeverMessageableAgainInAnyProjectOrAfterReimport) {
  int64_t other = make_project(*db, "dairy");
  base->import_members(pid, 100, 1, {by_phone("919800000041")}, clock.now_ms());
  incoming("919800000041@c.us", "band karo", "m1");
  // re-imported from a group: still opted out
  base->import_members(pid, 101, 1, {by_phone("919800000041")}, clock.now_ms());
  EXPECT_EQ(contact_by_phone("+919800000041")["consent"], "opted_out");
  // another project imports the number: it comes in opted out, and engaging does not open the gate
  base->import_members(other, 500, 3, {by_phone("919800000041")}, clock.now_ms());
  auto id = db->read([&](store::Conn& c) { return c.run("contact-by-phone", {other, std::string("+919800000041")})[0].i64("id"); });
  EXPECT_EQ(base->get(other, id)["consent"], "opted_out");
  base->on_incoming(other, 3, "message.received", {{"id", "x"}, {"chat", "919800000041@c.us"}, {"from", "919800000041@c.us"}, {"body", "hi"}});
  EXPECT_FALSE(base->messageable_one_to_one(other, id).allowed);
  // an opt-in without evidence is refused; with evidence through the API it lifts the opt-out
  EXPECT_EQ(test::code_of([&] { base->record_consent(other, id, "opted_in", json::object(), "user:1"); }), ErrorCode::validation_failed);
  EXPECT_EQ(test::code_of([&] { base->record_consent(other, id, "maybe", json::object(), "user:1"); }), ErrorCode::validation_failed);
  base->record_consent(other, id, "opted_in", {{"form", "stall sign-up sheet 2026-11-20"}}, "user:1");
  EXPECT_TRUE(base->messageable_one_to_one(other, id).allowed);
}

TEST_P(ContactsTest, GroupTalkAndLookAlikesDoNotOptOut) {
  base->import_members(pid, 100, 1, {by_phone("919800000051")}, clock.now_ms());
  base->on_incoming(pid, 1, "message.received", {{"id", "g1"}, {"chat", "120363@g.us"}, {"from", "919800000051@c.us"},
                                                 {"is_group", true}, {"body", "STOP"}});
  incoming("919800000051@c.us", "stop by our stall at the fair", "m1");
  json c = contact_by_phone("+919800000051");
  EXPECT_EQ(c["consent"], "engaged");
  EXPECT_GT(c["engagement"].get<double>(), 8.9);  // a group message (1) and a conversation started (8)
}

TEST_P(ContactsTest, SuppressionThroughTheApiOptsOutEveryProjectsContact) {
  int64_t other = make_project(*db, "dairy");
  base->import_members(pid, 100, 1, {by_phone("919800000061")}, clock.now_ms());
  base->import_members(other, 100, 1, {by_phone("919800000061")}, clock.now_ms());
  EXPECT_EQ(test::code_of([&] { base->suppress("12", "IN", "manual", "user:1"); }), ErrorCode::validation_failed);
  base->suppress("098000 00061", "IN", "manual", "user:1");
  EXPECT_EQ(contact_by_phone("+919800000061")["consent"], "opted_out");
  auto id = db->read([&](store::Conn& c) { return c.run("contact-by-phone", {other, std::string("+919800000061")})[0].i64("id"); });
  EXPECT_EQ(base->get(other, id)["consent"], "opted_out");
  // a manual suppression is not lifted by an opt-in
  EXPECT_EQ(test::code_of([&] { base->record_consent(other, id, "opted_in", {{"form", "x"}}, "user:1"); }), ErrorCode::conflict);
}

TEST_P(ContactsTest, ErasureKeepsOnlyTheHashAndTheNumberComesBackUnmessageable) {
  base->import_members(pid, 100, 1, {by_phone("919800000071", "Gopal")}, clock.now_ms());
  json c = contact_by_phone("+919800000071");
  base->record_consent(pid, c["id"], "opted_in", {{"form", "web"}}, "user:1");
  json exported = base->export_contact(pid, c["id"]);
  EXPECT_EQ(exported["name"], "Gopal");
  EXPECT_EQ(exported["consent_history"].size(), 1u);
  base->erase(pid, c["id"], "user:1");
  EXPECT_EQ(test::code_of([&] { base->get(pid, c["id"]); }), ErrorCode::not_found);
  auto leftover = db->read([&](store::Conn& cn) {
    return cn.run_text("SELECT (SELECT count(*) FROM memberships) + (SELECT count(*) FROM consent_events) AS n")[0].i64("n");
  });
  EXPECT_EQ(leftover, 0);
  auto supp = db->read([&](store::Conn& cn) { return cn.run_text("SELECT phone_hash, reason FROM suppressions"); });
  ASSERT_EQ(supp.size(), 1u);
  EXPECT_EQ(supp[0].str("reason"), "erased");
  EXPECT_EQ(supp[0].str("phone_hash").find("9800000071"), std::string::npos);
  EXPECT_EQ(supp[0].str("phone_hash"), base->phone_hash("+919800000071"));
  base->import_members(pid, 100, 1, {by_phone("919800000071")}, clock.now_ms());
  json back = contact_by_phone("+919800000071");
  EXPECT_EQ(back["consent"], "opted_out");
  EXPECT_EQ(back["name"], "");
  EXPECT_FALSE(base->messageable_one_to_one(pid, back["id"]).allowed);
}

// Before the fix a queued campaign message to an erased contact stayed queued with contact_id NULL:
// the send-time consent gate asks about the contact, so it would have gone out to a suppressed number.
TEST_P(ContactsTest, ErasureCancelsWhatWaitsForThemAndKeepsNoTextWrittenForThem) {
  base->import_members(pid, 100, 1, {by_phone("919800000072", "Meena")}, clock.now_ms());
  json c = contact_by_phone("+919800000072");
  base->record_consent(pid, c["id"], "opted_in", {{"form", "web"}}, "user:1");
  int64_t now = clock.now_ms();
  db->write([&](store::Conn& cn) {
    for (std::string k : {"erase-queued", "erase-sent"})
      cn.run("outbox-insert", {pid, nullptr, std::string("919800000072@c.us"), c["id"].get<int64_t>(), std::string("campaign"),
                               json{{"text", "Vanakkam Meena, the feed offer is on"}}.dump(), int64_t(2), now, k});
    cn.exec_script("UPDATE outbox SET status = 'sent' WHERE idempotency_key = 'erase-sent'");
  });
  base->erase(pid, c["id"], "user:1");
  auto rows = db->read([&](store::Conn& cn) {
    return cn.run_text("SELECT idempotency_key, status, reason, content, contact_id FROM outbox ORDER BY idempotency_key");
  });
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].str("idempotency_key"), "erase-queued");
  EXPECT_EQ(rows[0].str("status"), "cancelled");
  EXPECT_EQ(rows[0].opt_str("reason").value_or(""), "the contact was erased");
  EXPECT_EQ(rows[1].str("status"), "sent");  // what happened stays known (at most once), without the words
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].str("content").find("Meena"), std::string::npos);
    EXPECT_TRUE(rows[i].is_null("contact_id"));
  }
}

// Before the fix a sent message kept the erased contact's chat id (their number) as its target, the
// analytics log kept it in an incoming message's "chat", and a lead kept their phone.
TEST_P(ContactsTest, ErasureLeavesTheirNumberInNoQueueRowEventOrLead) {
  base->import_members(pid, 100, 1, {by_phone("919800000076", "Kavi")}, clock.now_ms());
  int64_t cid = contact_by_phone("+919800000076")["id"].get<int64_t>();
  int64_t now = clock.now_ms();
  db->write([&](store::Conn& cn) {
    for (std::string k : {"erase-q", "erase-s"})
      cn.run("outbox-insert", {pid, nullptr, std::string("919800000076@c.us"), cid, std::string("campaign"),
                               std::string("{}"), int64_t(2), now, k});
    cn.exec_script("UPDATE outbox SET status = 'sent' WHERE idempotency_key = 'erase-s'");
    std::vector<store::Params> events{{pid, std::string("incoming"), int64_t{1}, now, nullptr, cid, nullptr, nullptr, nullptr,
                                       nullptr, json{{"chat", "919800000076@c.us"}, {"day", 1}, {"kind", "text"}}.dump()}};
    cn.bulk("analytics-event-copy", events);
    int64_t lead = cn.run("lead-insert", {pid, std::string("form-1"), std::string("form"), std::string("+919800000076"), cid,
                                          std::string("demo"), std::string(""), std::string(""), std::string("{}"),
                                          json{{"name", "Kavi"}}.dump(), std::string("hot"), now, nullptr, nullptr, nullptr,
                                          int64_t{0}, nullptr, 0.0, std::string("{}"), now})[0]
                       .i64("id");
    cn.run("lead-set-response", {lead, json{{"id", lead}, {"phone", "+919800000076"}, {"contact_id", cid}, {"quality", "hot"}}.dump()});
    // Where groups, the welcome, moderation, join requests and retries name them by chat id.
    const std::string jid = "919800000076@c.us";
    int64_t gid = cn.run_text("INSERT INTO groups (project_id, wa_id, kind, name, created_at) VALUES ($1, $2, 'group', 'Feed talk', $3) RETURNING id",
                              {pid, std::string("120363000000000076@g.us"), now})[0]
                      .i64("id");
    int64_t aid = cn.run("account-insert", {pid, std::string("+919800000001"), std::string("one"), std::string("sim"),
                                            std::string("production"), int64_t{200}, now})[0]
                      .i64("id");
    cn.run_text("INSERT INTO group_member_days (group_id, project_id, day, member, name, messages) VALUES ($1, $2, '2026-12-01', $3, 'Kavi', 3)",
                {gid, pid, jid});
    cn.run_text("INSERT INTO welcome_pending (group_id, project_id, account_id, participant, joined_at) VALUES ($1, $2, $3, $4, $5)",
                {gid, pid, aid, jid, now});
    cn.run_text("INSERT INTO moderation_log (project_id, group_id, account_id, author, message_id, body, rule, action, dry_run, at) "
                "VALUES ($1, $2, $3, $4, 'm1', 'Kavi sells feed cheap', 'link', 'delete', 1, $5)",
                {pid, gid, aid, jid, now});
    cn.run_text("INSERT INTO moderation_strikes (group_id, author, strikes) VALUES ($1, $2, 2)", {gid, jid});
    cn.run_text("INSERT INTO join_requests (project_id, group_id, requester, phone, requested_at, status) "
                "VALUES ($1, $2, $3, '+919800000076', $4, 'approved')",
                {pid, gid, jid, now});
    cn.run_text("INSERT INTO unreachable_targets (project_id, target, reason, at) VALUES ($1, $2, 'no WhatsApp', $3)", {pid, jid, now});
  });
  base->erase(pid, cid, "user:1");
  auto left = db->read([&](store::Conn& cn) {
    std::vector<std::string> texts;
    auto o = cn.run_text("SELECT target, status FROM outbox ORDER BY idempotency_key");
    for (size_t i = 0; i < o.size(); ++i) texts.push_back(o[i].str("target"));
    EXPECT_EQ(o.size(), 2u);
    EXPECT_EQ(o[1].str("status"), "sent");
    EXPECT_TRUE(o[1].str("target").ends_with("@c.us")) << o[1].str("target");  // still a one-to-one chat for the counters
    auto e = cn.run_text("SELECT kind, data, contact_id FROM analytics_events");
    EXPECT_EQ(e.size(), 1u);
    for (size_t i = 0; i < e.size(); ++i) {
      texts.push_back(e[i].str("data"));
      EXPECT_TRUE(e[i].is_null("contact_id"));
      EXPECT_EQ(json::parse(e[i].str("data")).value("kind", ""), "text");  // what happened stays
    }
    auto l = cn.run_text("SELECT phone, fields, response, contact_id FROM leads");
    EXPECT_EQ(l.size(), 1u);  // the lead stays counted
    for (size_t i = 0; i < l.size(); ++i) {
      for (const char* col : {"phone", "fields", "response"}) texts.push_back(l[i].str(col));
      EXPECT_TRUE(l[i].is_null("contact_id"));
      EXPECT_EQ(json::parse(l[i].str("response")).value("quality", ""), "hot");
    }
    // Every row of these tables, as text: none may name them.
    for (const char* table : {"group_member_days", "welcome_pending", "moderation_log", "moderation_strikes", "join_requests",
                              "unreachable_targets"}) {
      auto rows = cn.run_text(fmt::format("SELECT * FROM {}", table));
      for (const char* col : {"member", "name", "participant", "author", "body", "requester", "phone", "target"}) {
        if (std::find(rows.columns.begin(), rows.columns.end(), col) == rows.columns.end()) continue;
        for (size_t i = 0; i < rows.size(); ++i)
          if (!rows[i].is_null(col)) texts.push_back(fmt::format("{}.{}: {}", table, col, rows[i].str(col)));
      }
    }
    EXPECT_EQ(cn.run_text("SELECT COUNT(*) AS n FROM moderation_log")[0].i64("n"), 1);  // what moderation did stays
    EXPECT_EQ(cn.run_text("SELECT COUNT(*) AS n FROM join_requests WHERE status = 'approved'")[0].i64("n"), 1);
    return texts;
  });
  for (const auto& t : left) {
    EXPECT_EQ(t.find("9800000076"), std::string::npos) << t;
    EXPECT_EQ(t.find("Kavi"), std::string::npos) << t;
  }
}

// A row that names no contact is still checked at send time: by its chat, against the suppression list.
TEST_P(ContactsTest, AtSendTimeARowWithoutAContactIsRefusedWhenItsNumberIsSuppressed) {
  base->suppress("+91 98000 00073", "IN", "manual", "user:1");
  db->read([&](store::Conn& c) {
    Gate refused = base->messageable_at_send(c, pid, std::nullopt, "919800000073@c.us");
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.reason, "suppressed");
    EXPECT_TRUE(base->messageable_at_send(c, pid, std::nullopt, "919800000074@c.us").allowed);
  });
  base->import_members(pid, 100, 1, {by_phone("919800000075", "Ravi")}, clock.now_ms());
  json known = contact_by_phone("+919800000075");
  db->read([&](store::Conn& c) {
    Gate g = base->messageable_at_send(c, pid, known["id"].get<int64_t>(), "919800000075@c.us");
    EXPECT_FALSE(g.allowed) << "a contact of unknown consent, asked by the contact";
    EXPECT_EQ(g.reason, base->messageable_one_to_one(c, pid, known["id"].get<int64_t>()).reason);
  });
}

TEST_P(ContactsTest, OptOutWordsAreConfigurablePerProject) {
  EXPECT_EQ(test::code_of([&] { base->set_opt_out_settings(pid, {{"keywords", {"basta", "!!!"}}}); }), ErrorCode::validation_failed);
  base->set_opt_out_settings(pid, {{"keywords", {"basta"}}, {"confirmation", "Ciao"}});
  base->import_members(pid, 100, 1, {by_phone("919800000081"), by_phone("919800000082")}, clock.now_ms());
  incoming("919800000081@c.us", "STOP", "m1");
  incoming("919800000082@c.us", "basta", "m2");
  EXPECT_EQ(contact_by_phone("+919800000081")["consent"], "engaged");
  EXPECT_EQ(contact_by_phone("+919800000082")["consent"], "opted_out");
  auto outbox = db->read([&](store::Conn& cn) { return cn.run("outbox-by-project", {pid}); });
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(json::parse(outbox[0].str("content"))["text"], "Ciao");
}

TEST_P(ContactsTest, PersonaRulesApplyButAManualChoiceIsKept) {
  db->write([&](store::Conn& c) { c.run_text("UPDATE projects SET personas = '[\"broiler\",\"layer\"]'"); });
  EXPECT_EQ(test::code_of([&] { base->set_persona_rules(pid, {{"rules", {{{"persona", "pig"}}}}}, {"broiler", "layer"}); }),
            ErrorCode::validation_failed);
  base->set_persona_rules(pid, {{"rules", {{{"persona", "broiler"}, {"keywords", {"broiler"}}, {"groups", {100}}},
                                           {{"persona", "layer"}, {"keywords", {"egg"}}}}}},
                          {"broiler", "layer"});
  base->import_members(pid, 100, 1, {by_phone("919800000091"), by_phone("919800000092")}, clock.now_ms());
  base->import_members(pid, 200, 1, {by_phone("919800000092")}, clock.now_ms());
  auto manual = contact_by_phone("+919800000092")["id"].get<int64_t>();
  db->write([&](store::Conn& c) { c.run("contact-set-persona", {pid, manual, std::string("layer"), int64_t(100), int64_t(1), int64_t(0)}); });
  auto n = base->recompute_personas(pid, [](int64_t g) { return g == 100 ? "Broiler Farmers" : "Egg traders"; });
  EXPECT_EQ(n, 1);  // the manual one is not even read
  json a = contact_by_phone("+919800000091");
  EXPECT_EQ(a["persona"], "broiler");
  EXPECT_EQ(a["persona_confidence"], 65);  // group keyword 25 + listed group 40
  json b = contact_by_phone("+919800000092");
  EXPECT_EQ(b["persona"], "layer");
  EXPECT_TRUE(b["persona_manual"].get<bool>());
}

// After a group sync the rules run by themselves (no one pressed "recompute"), reading group names
// through the group sync's own function; a project without rules is left alone.
TEST_P(ContactsTest, PersonasFollowASyncWhenTheProjectHasRules) {
  base->set_group_text([](int64_t g) { return g == 300 ? "Namakkal Broiler Farmers" : "Cafe owners"; });
  base->import_members(pid, 300, 1, {by_phone("919800000071")}, clock.now_ms());
  base->sync_finished(pid, 1);
  EXPECT_TRUE(contact_by_phone("+919800000071")["persona"].is_null());  // no rules yet
  base->set_persona_rules(pid, {{"rules", {{{"persona", "broiler"}, {"keywords", {"broiler"}}}}}}, {});
  base->sync_finished(pid, 1);
  json c = contact_by_phone("+919800000071");
  EXPECT_EQ(c["persona"], "broiler");
  EXPECT_EQ(c["persona_confidence"], 25);
}

// Members without a region take the group's (named in its name), never over one of their own.
TEST_P(ContactsTest, MembersTakeTheRegionTheirGroupNames) {
  db->write([&](store::Conn& c) { c.run_text("UPDATE projects SET regions = '[\"Tamil Nadu\",\"Erode\"]'"); });
  base->set_group_text([](int64_t g) { return g == 300 ? "Erode Handloom Sellers\nweavers" : "All India traders"; });
  base->import_members(pid, 400, 1, {by_phone("919800000075")}, clock.now_ms());
  EXPECT_TRUE(contact_by_phone("+919800000075")["region"].is_null());
  base->import_members(pid, 300, 1, {by_phone("919800000075"), by_phone("919800000076")}, clock.now_ms());
  EXPECT_EQ(contact_by_phone("+919800000075")["region"], "Erode");
  EXPECT_EQ(contact_by_phone("+919800000076")["region"], "Erode");
  base->set_group_text([](int64_t) { return std::string("Tamil Nadu farmers"); });
  base->import_members(pid, 301, 1, {by_phone("919800000076")}, clock.now_ms());
  EXPECT_EQ(contact_by_phone("+919800000076")["region"], "Erode");  // kept
}

// Participants carry no names; the name a member writes under fills an empty one (and follows a
// change of it), but never replaces a name given by hand or in a CSV.
TEST_P(ContactsTest, TheNameAMemberWritesUnderFillsTheContact) {
  GroupMember m = by_phone("919800000081");
  base->import_members(pid, 100, 1, {m}, clock.now_ms());
  EXPECT_EQ(contact_by_phone("+919800000081")["name"], "");
  json msg = {{"id", "p1"}, {"chat", "120363000000000009@g.us"}, {"from", "919800000081@c.us"}, {"is_group", true},
              {"push_name", "Murugan Farms"}, {"body", "rate today?"}};
  base->on_incoming(pid, 1, "message.received", msg);
  EXPECT_EQ(contact_by_phone("+919800000081")["name"], "Murugan Farms");
  msg["id"] = "p2", msg["push_name"] = "Murugan Poultry";
  base->on_incoming(pid, 1, "message.received", msg);
  EXPECT_EQ(contact_by_phone("+919800000081")["name"], "Murugan Poultry");
  auto id = contact_by_phone("+919800000081")["id"].get<int64_t>();
  db->write([&](store::Conn& c) { c.run_text("UPDATE contacts SET name = 'Murugan (stall 4)' WHERE id = " + std::to_string(id)); });
  msg["id"] = "p3", msg["push_name"] = "M";
  base->on_incoming(pid, 1, "message.received", msg);
  EXPECT_EQ(contact_by_phone("+919800000081")["name"], "Murugan (stall 4)");
  // A direct message from someone new creates the contact with the name.
  base->on_incoming(pid, 1, "message.received", {{"id", "p4"}, {"chat", "919800000082@c.us"}, {"from", "919800000082@c.us"},
                                                  {"is_group", false}, {"push_name", "Lakshmi"}, {"body", "hello"}});
  EXPECT_EQ(contact_by_phone("+919800000082")["name"], "Lakshmi");
}

// The connector sends null for what it does not know (a lid member's from_phone, a direct message's
// author, an unknown push_name); json::value() threw on a present null, so every such message was
// lost with an error (120 in the demo's first minute).
TEST_P(ContactsTest, EngineEventsWithNullFieldsAreHandled) {
  json dm = {{"id", "n1"}, {"chat", "919800000061@c.us"}, {"from", "919800000061@c.us"}, {"from_phone", nullptr},
             {"author", nullptr}, {"push_name", nullptr}, {"is_group", false}, {"body", "STOP"}};
  EXPECT_NO_THROW(base->on_incoming(pid, 7, "message.received", dm));
  EXPECT_EQ(contact_by_phone("+919800000061")["consent"], "opted_out");
  json lid_in_group = {{"id", "n2"}, {"chat", "120363000000000009@g.us"}, {"from", "777000111@lid"}, {"from_phone", nullptr},
                       {"author", "777000111@lid"}, {"push_name", nullptr}, {"is_group", true}, {"body", nullptr}};
  EXPECT_NO_THROW(base->on_incoming(pid, 7, "message.received", lid_in_group));
}
