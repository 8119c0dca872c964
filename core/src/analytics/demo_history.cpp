#include "analytics/demo_history.hpp"

#include "analytics/signature.hpp"
#include "safety/local_time.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <random>
#include <stdexcept>

namespace sangam::analytics {

namespace {

constexpr int64_t kHour = 3'600'000, kDay = 24 * kHour;

// How likely a message sent at a local hour is read: mornings and evenings (farmers check their
// phones before and after work) beat the afternoon, so "best posting times" has a true answer.
double read_chance(int hour) {
  if (hour >= 7 && hour <= 9) return 0.78;
  if (hour >= 18 && hour <= 21) return 0.72;
  if (hour >= 12 && hour <= 16) return 0.45;
  return 0.55;
}

}  // namespace

DemoHistoryReport generate_demo_history(store::Database& db, EventLog& log, LeadService& leads, MemberSink& contacts,
                                        int64_t pid, const std::vector<int64_t>& accounts,
                                        const std::vector<std::string>& group_names, int64_t now, DemoHistoryOptions o) {
  DemoHistoryReport rep;
  if (accounts.empty() || group_names.empty()) return rep;
  bool has = db.read([&](store::Conn& c) {
    return !c.run_text("SELECT id FROM analytics_events WHERE project_id = $1 LIMIT 1", {pid}).empty();
  });
  if (has) {
    rep.skipped = true;
    return rep;
  }
  auto t0 = std::chrono::steady_clock::now();
  std::mt19937 rng(o.seed + static_cast<uint32_t>(pid));
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  std::string zone = db.read([&](store::Conn& c) { return c.run("analytics-project-zone", {pid})[0].str("time_zone"); });
  int64_t start = now - int64_t{o.days} * kDay;

  // Groups and their members, seen over the first weeks (the import dates of the journeys).
  struct Member {
    std::string phone;  // E.164
    int64_t group;
  };
  std::vector<int64_t> groups;
  std::vector<std::string> group_wa;
  std::vector<Member> members;
  for (size_t g = 0; g < group_names.size(); ++g) {
    std::string wa = fmt::format("1203639{:03}{:06}@g.us", pid % 1000, g + 1);
    int size = o.members_per_group / 2 + static_cast<int>(rng() % o.members_per_group);
    int64_t gid = db.write([&](store::Conn& c) {
      return c.run("group-upsert", {pid, wa, std::string("group"), group_names[g], std::string(""), int64_t{size}, int64_t{2},
                                    int64_t{0}, nullptr, int64_t{0}, nullptr, std::string("[]"), start, start})[0]
          .i64("id");
    });
    groups.push_back(gid);
    group_wa.push_back(wa);
    std::vector<GroupMember> seen;
    for (int m = 0; m < size; ++m) {
      // Numbers of the reserved demo range +91 97 000 xxxxx, distinct per project and group.
      std::string digits = fmt::format("9197{:02}{:02}{:04}", pid % 100, g, m);
      seen.push_back({digits, std::nullopt, "", false});
      members.push_back({"+" + digits, gid});
    }
    contacts.members_seen(pid, gid, accounts[g % accounts.size()], seen, start + static_cast<int64_t>(g) * 3 * kDay);
  }
  std::map<std::string, int64_t> contact_ids;
  db.read([&](store::Conn& c) {
    auto r = c.run_text("SELECT id, phone FROM contacts WHERE project_id = $1 AND phone IS NOT NULL", {pid});
    for (size_t i = 0; i < r.size(); ++i) contact_ids[r[i].str("phone")] = r[i].i64("id");
  });

  // Campaigns, every other one a group post, the rest one-to-one messages to members, at varied
  // hours. Each is a real campaign row (o.make_campaign), completed after its last message.
  if (!o.make_campaign) throw std::invalid_argument("demo history: make_campaign is required");
  int made = 0;
  int n_campaigns = o.days / 7 * o.campaigns_per_week;
  int64_t seq = 0;
  struct Lead {
    std::string phone;
    int64_t at;
    bool demo;
  };
  std::vector<Lead> lead_plans;
  for (int k = 0; k < n_campaigns; ++k) {
    int64_t day_start = start + (static_cast<int64_t>(k) * o.days / n_campaigns + 2) * kDay;
    if (day_start > now - kHour) break;
    int hour_local = std::vector<int>{8, 9, 11, 14, 19, 20}[rng() % 6];
    // Local hour → UTC: the project's zone offset at that day (Asia/Kolkata is +5:30).
    auto lt = safety::local_time(zone, day_start);
    int64_t send_at = safety::local_midnight(zone, lt.day) + hour_local * kHour;
    // History ends yesterday: today's rows would count against today's sending limits of the demo numbers.
    if (send_at > now - kDay) break;
    int64_t account = accounts[k % accounts.size()];
    size_t g = rng() % groups.size();
    bool post = k % 2 == 0;
    std::vector<std::pair<std::string, std::optional<int64_t>>> targets;  // chat, contact
    if (post) targets.push_back({group_wa[g], std::nullopt});
    else
      for (auto& m : members)
        if (m.group == groups[g] && chance(0.35)) targets.push_back({m.phone.substr(1) + "@c.us", contact_ids[m.phone]});
    struct Sent {
      std::string chat, key, wa;
      std::optional<int64_t> contact;
      int64_t at;
      int64_t id = 0;
    };
    std::vector<Sent> sent;
    int64_t last_at = send_at;
    for (auto& [chat, contact] : targets) {
      int64_t at = send_at + static_cast<int64_t>(rng() % (2 * kHour));
      std::string key = fmt::format("demo-{}-{}", pid, ++seq);
      sent.push_back({chat, key, fmt::format("true_{}_{}", chat, key), contact, at});
      last_at = std::max(last_at, at);
    }
    int64_t campaign = o.make_campaign({pid, made++, post ? "group_post" : "direct", groups[g], group_names[g], send_at, last_at + 3 * kHour});
    // One transaction per campaign (~80 rows) rather than one commit per row.
    db.write([&](store::Conn& c) {
      for (auto& m : sent) {
        int64_t id = m.id = c.run("outbox-enqueue", {pid, account, m.chat, m.contact ? store::Value(*m.contact) : store::Value(nullptr),
                                             std::string("campaign"), std::string("{\"text\":\"demo\"}"), int64_t{3}, m.at,
                                             m.key, campaign, m.at})[0]
                         .i64("id");
        c.run_text("UPDATE outbox SET status = 'sent', claimed_at = $2, sent_at = $3, wa_message_id = $4 WHERE id = $1",
                   {id, m.at, m.at + 1200, m.wa});
      }
    });
    for (auto& m : sent) {
      const std::string& chat = m.chat;
      const std::string& key = m.key;
      const std::string& wa = m.wa;
      const std::optional<int64_t>& contact = m.contact;
      int64_t at = m.at;
      ++rep.messages;
      auto ack = [&](const char* a, int64_t when) {
        if (when >= now) return;
        log.ingest(account, "message.ack", {{"key", key}, {"message_id", wa}, {"ack", a}}, when);
        ++rep.events;
      };
      bool is_group = chat.size() > 5 && chat.compare(chat.size() - 5, 5, "@g.us") == 0;
      ack("server", at + 1500);
      if (is_group) {
        // A post: WhatsApp's preview fetch of its link, members who tap it (clicks per post: the
        // group, no contact), and a few quoted answers (group read receipts are unreliable).
        int taps = static_cast<int>(rng() % 9);
        for (int t = -1; t < taps; ++t) {
          StoredEvent e;
          e.project_id = pid;
          e.kind = t < 0 ? "preview" : "click";
          e.at_ms = at + 60'000 + static_cast<int64_t>(rng() % (8 * kHour));
          if (e.at_ms >= now) continue;
          e.account_id = account;
          e.group_id = groups[g];
          e.campaign_id = campaign;
          e.outbox_id = m.id;
          e.data = {{"id", fmt::format("demo-tap-{}-{}-{}", pid, seq, t)},
                    {"user_agent", t < 0 ? "WhatsApp/2.24.1.6 A" : "Mozilla/5.0 (Linux; Android 14)"}};
          log.record(std::move(e));
          ++rep.events;
        }
        int answers = static_cast<int>(rng() % 6);
        for (int a = 0; a < answers; ++a) {
          auto& m = members[rng() % members.size()];
          int64_t when = at + static_cast<int64_t>(rng() % (6 * kHour));
          if (when >= now) continue;
          log.ingest(account, "message.received",
                     {{"id", fmt::format("in-{}-{}-{}", pid, seq, a)}, {"chat", chat}, {"from", chat},
                      {"author", m.phone.substr(1) + "@c.us"}, {"is_group", true}, {"kind", "text"}, {"quoted_id", wa}},
                     when);
          ++rep.events;
        }
        continue;
      }
      if (chance(0.03)) {
        ack("error", at + 2000);
        continue;
      }
      if (!chance(0.93)) continue;
      int64_t delivered = at + 5000 + static_cast<int64_t>(rng() % (20 * 60'000));
      int local_hour = safety::local_time(zone, at).minute / 60;
      bool read = chance(read_chance(local_hour));
      int64_t read_at = delivered + static_cast<int64_t>(rng() % (3 * kHour));
      // Acks arrive out of order now and then (a read before its delivery), as on the real network.
      if (read && chance(0.1)) {
        ack("read", read_at);
        ack("device", delivered);
      } else {
        ack("device", delivered);
        if (read) ack("read", read_at);
      }
      if (!read) continue;
      bool replied = chance(0.12), clicked = chance(0.09);
      if (replied && read_at + 600'000 < now) {
        log.ingest(account, "message.received",
                   {{"id", fmt::format("in-{}-{}", pid, seq)}, {"chat", chat}, {"from", chat}, {"is_group", false},
                    {"kind", "text"}, {"body", "price?"}, {"quoted_id", nullptr}},
                   read_at + 600'000);
        ++rep.events;
      }
      if (clicked && read_at + 120'000 < now) {
        StoredEvent e;
        e.project_id = pid;
        e.kind = "click";
        e.at_ms = read_at + 120'000;
        e.account_id = account;
        e.contact_id = contact;
        e.campaign_id = campaign;
        e.outbox_id = m.id;
        e.data = {{"id", fmt::format("demo-click-{}-{}", pid, seq)}, {"user_agent", "Mozilla/5.0 (Linux; Android 14)"}};
        log.record(std::move(e));
        ++rep.events;
      }
      double lead_p = 0.02 + (replied ? 0.12 : 0) + (clicked ? 0.18 : 0);
      int64_t lead_at = read_at + static_cast<int64_t>(rng() % (6 * kDay));
      if (chance(lead_p) && lead_at < now - kHour) lead_plans.push_back({"+" + chat.substr(0, chat.find('@')), lead_at, chance(0.3)});
    }
    // Members join and leave the group over the weeks.
    for (int j = 0; j < 3; ++j) {
      int64_t when = send_at + static_cast<int64_t>(rng() % (2 * kDay));
      if (when >= now) continue;
      log.ingest(account, rng() % 4 ? "group.join" : "group.leave",
                 {{"group_id", group_wa[g]}, {"participants", json::array({fmt::format("9196{:08}@c.us", rng() % 100000000)})}}, when);
      ++rep.events;
    }
    log.flush();  // batches of one campaign at a time; the leads below read the touches back
  }
  log.flush();
  // Leads, signed like a website form's, after the touches they are attributed to.
  std::string secret = leads.secret(pid);
  int n = 0;
  for (auto& l : lead_plans) {
    json body = {{"submission_id", fmt::format("demo-{}-{}", pid, ++n)},
                 {"phone", l.phone},
                 {"form", l.demo ? "demo-request" : "price-enquiry"},
                 {"product", "Layer feed"},
                 {"submitted_at", l.at},
                 {"page", "/offer"},
                 {"utm", {{"source", "whatsapp"}}}};
    std::string raw = body.dump();
    try {
      leads.intake(pid, raw, sign_body(secret, raw));
      ++rep.leads;
    } catch (const std::exception& e) {
      spdlog::warn("event=demo.lead_refused project={} error=\"{}\"", pid, e.what());
    }
  }
  log.flush();
  // Health history of the numbers (the accounts module records one score a day in production).
  db.write([&](store::Conn& c) {
    for (size_t a = 0; a < accounts.size(); ++a)
      for (int d = 30; d >= 1; --d) {
        int score = 92 - static_cast<int>(a) * 6 - (a == 1 ? (30 - d) / 2 : 0) + static_cast<int>(rng() % 5);
        c.run("account-health-insert", {accounts[a], now - d * kDay, int64_t{score}, int64_t{40}, int64_t{score * 30 / 100},
                                        int64_t{score * 30 / 100}});
      }
  });
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  spdlog::info("event=demo.history project={} messages={} events={} leads={} duration_ms={}", pid, rep.messages,
               rep.events, rep.leads, ms);
  return rep;
}

void seed_demo_history(store::Database& db, EventLog& log, LeadService& leads, MemberSink& contacts, int64_t now,
                       DemoHistoryOptions opts) {
  const std::map<std::string, std::vector<std::string>> groups = {
      {"poultrycare", {"Poultry Farmers Namakkal", "Broiler Growers TN", "Layer Farm Owners", "Feed Dealers South", "Vet Connect"}},
      {"restopi", {"Chennai Restaurant Owners", "Cloud Kitchen Network", "Cafe Managers Bengaluru"}},
      {"textopi", {"Tiruppur Knitwear Traders", "Surat Textile Wholesale"}}};
  auto projects = db.read([&](store::Conn& c) { return c.run("project-list-all", {}); });
  for (size_t i = 0; i < projects.size(); ++i) {
    int64_t pid = projects[i].i64("id");
    std::string slug = projects[i].str("slug");
    auto it = groups.find(slug);
    if (it == groups.end()) continue;
    std::vector<int64_t> accounts;
    db.read([&](store::Conn& c) {
      auto r = c.run_text("SELECT id FROM accounts WHERE project_id = $1 ORDER BY id", {pid});
      for (size_t k = 0; k < r.size(); ++k) accounts.push_back(r[k].i64("id"));
    });
    try {
      generate_demo_history(db, log, leads, contacts, pid, accounts, it->second, now, opts);
    } catch (const std::exception& e) {
      spdlog::error("event=demo.history_failed project={} error=\"{}\"", pid, e.what());
    }
  }
}

}  // namespace sangam::analytics
