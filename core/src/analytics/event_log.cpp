#include "analytics/event_log.hpp"

#include "contacts/phone.hpp"
#include "safety/local_time.hpp"
#include "util/log_text.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>
#include <set>
#include <tuple>

namespace sangam::analytics {

namespace {

const char* kCounterNames[c_count] = {"sent", "delivered", "read", "replied", "failed", "clicks",
                                      "previews", "incoming", "joins", "leaves", "leads"};

int ack_level(const std::string& ack) {
  if (ack == "server") return 1;
  if (ack == "device") return 2;
  if (ack == "read") return 3;
  if (ack == "played") return 4;
  return 0;
}
const char* level_kind(int level) {
  switch (level) {
    case 1: return "sent";
    case 2: return "delivered";
    case 3: return "read";
    default: return "played";
  }
}

store::Value opt(const std::optional<int64_t>& v) { return v ? store::Value(*v) : store::Value(nullptr); }
std::optional<int64_t> opt_of(const store::Row& r, const char* col) { return r.opt_i64(col); }

std::string str_of(const json& data, const char* key) {
  auto it = data.find(key);
  return it != data.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

const char* counter_name(int c) { return c >= 0 && c < c_count ? kCounterNames[c] : "?"; }

std::vector<Fact> facts_of(const StoredEvent& e) {
  std::vector<Fact> out;
  int64_t day = e.data.value("day", int64_t{0});
  int hour = e.data.value("hour", -1);
  auto add = [&](std::string mark, int counter) { out.push_back({std::move(mark), counter, day, hour}); };
  const std::string o = e.outbox_id ? std::to_string(*e.outbox_id) : std::string();
  if (e.kind == "sent" || e.kind == "delivered" || e.kind == "read" || e.kind == "played") {
    if (o.empty()) return out;
    int level = e.data.value("level", 0);
    if (level >= 1) add("s:" + o, c_sent);
    if (level >= 2) add("d:" + o, c_delivered);
    if (level >= 3) add("r:" + o, c_read);
  } else if (e.kind == "failed") {
    if (!o.empty()) add("f:" + o, c_failed);
  } else if (e.kind == "reply") {
    if (!o.empty()) add("rp:" + o, c_replied);
  } else if (e.kind == "incoming") {
    std::string id = str_of(e.data, "id");
    if (!id.empty()) add("in:" + std::to_string(e.account_id.value_or(0)) + ":" + id, c_incoming);
  } else if (e.kind == "join" || e.kind == "leave") {
    // A member who joins the same group twice in a day is one join: replays carry no event id.
    std::string g = str_of(e.data, "group");
    if (auto it = e.data.find("participants"); it != e.data.end() && it->is_array())
      for (const auto& p : *it)
        if (p.is_string())
          add((e.kind == "join" ? "j:" : "x:") + g + ":" + p.get<std::string>() + ":" + std::to_string(day),
              e.kind == "join" ? c_joins : c_leaves);
  } else if (e.kind == "click" || e.kind == "preview") {
    std::string id = str_of(e.data, "id");
    if (!id.empty()) add((e.kind == "click" ? "k:" : "p:") + id, e.kind == "click" ? c_clicks : c_previews);
  } else if (e.kind == "lead") {
    if (e.data.contains("lead_id")) add("l:" + std::to_string(e.data["lead_id"].get<int64_t>()), c_leads);
  }
  return out;
}

EventLog::EventLog(store::Database& db, const Clock& clock, EventBus& bus, EventLogOptions opts)
    : db_(db), clock_(clock), bus_(bus), opts_(opts) {
  if (opts_.start_thread) thread_ = std::thread([this] { run(); });
}

EventLog::~EventLog() { stop(); }

void EventLog::stop() {
  {
    std::lock_guard g(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  try {
    flush();
  } catch (const std::exception& e) {
    spdlog::error("event=analytics.final_flush_failed error=\"{}\"", log_value(e.what()));
  }
}

void EventLog::on_engine_event(int64_t account_id, const std::string& event, const json& data) {
  ingest(account_id, event, data, clock_.now_ms());
}

void EventLog::ingest(int64_t account_id, const std::string& event, const json& data, int64_t at_ms) {
  // Secrets and noise are not analytics: QR codes and pairing codes link a number to whoever sees them.
  if (event == "account.qr" || event == "account.pairing_code") return;
  bool urgent = event == "message.received" || event == "account.disconnected" || event == "account.auth_failure" ||
                event == "account.error";
  bool wake = urgent;
  {
    std::lock_guard g(mu_);
    if (raw_.size() + ready_.size() >= opts_.max_queue) {
      if (dropped_.fetch_add(1) % 10000 == 0)
        spdlog::error("event=analytics.queue_full dropped={} queue={}", dropped_.load(), opts_.max_queue);
      return;
    }
    raw_.push_back({account_id, event, data, at_ms});
    urgent_ = urgent_ || urgent;
    wake = wake || raw_.size() >= opts_.batch_size;
  }
  if (wake) cv_.notify_one();
}

void EventLog::record(StoredEvent e) {
  {
    std::lock_guard g(mu_);
    ready_.push_back(std::move(e));
  }
  cv_.notify_one();
}

void EventLog::run() {
  std::unique_lock lk(mu_);
  while (!stopping_) {
    cv_.wait_for(lk, std::chrono::milliseconds(opts_.max_wait_ms),
                 [&] { return stopping_ || urgent_ || raw_.size() + ready_.size() >= opts_.batch_size; });
    if (stopping_) break;
    if (raw_.empty() && ready_.empty()) continue;
    lk.unlock();
    try {
      flush();
    } catch (const std::exception& e) {
      // The batch is lost to analytics, never to the product: the engine's own handling ran already.
      spdlog::error("event=analytics.batch_failed error=\"{}\"", log_value(e.what()));
    }
    lk.lock();
  }
}

size_t EventLog::flush() {
  std::lock_guard w(write_mu_);
  size_t total = 0;
  for (;;) {
    std::vector<Raw> raw;
    std::vector<StoredEvent> batch;
    {
      std::lock_guard g(mu_);
      size_t take = std::min(raw_.size(), opts_.batch_size);
      raw.assign(std::make_move_iterator(raw_.begin()), std::make_move_iterator(raw_.begin() + take));
      raw_.erase(raw_.begin(), raw_.begin() + take);
      size_t rest = std::min(ready_.size(), opts_.batch_size - take);
      batch.assign(std::make_move_iterator(ready_.begin()), std::make_move_iterator(ready_.begin() + rest));
      ready_.erase(ready_.begin(), ready_.begin() + rest);
      urgent_ = false;
    }
    if (raw.empty() && batch.empty()) break;
    forget_zones();
    if (!raw.empty()) {
      db_.read([&](store::Conn& c) {
        struct Clear {
          EventLog& log;
          ~Clear() {
            log.in_batch_ = false;
            log.batch_outbox_.clear();
            log.batch_groups_.clear();
          }
        } clear{*this};
        in_batch_ = true;
        prefetch_acks(c, raw);
        for (auto& r : raw) {
          try {
            for (auto& e : enrich(c, r.account_id, r.event, r.data, r.at_ms)) batch.push_back(std::move(e));
          } catch (const std::exception& e) {
            spdlog::error("event=analytics.enrich_failed account={} event={} error=\"{}\"", r.account_id,
                          log_value(r.event, 64), log_value(e.what()));
          }
        }
      });
    }
    total += batch.size();
    if (!batch.empty()) write_batch(batch);
  }
  return total;
}

void EventLog::forget_zones() {
  std::lock_guard g(cache_mu_);
  zones_.clear();
}

size_t EventLog::write_batch(std::vector<StoredEvent>& events) {
  if (events.empty()) return 0;
  forget_zones();
  // Clicks, leads and other recorded events count on their own local day and hour.
  if (std::any_of(events.begin(), events.end(), [](const StoredEvent& e) { return !e.data.contains("day"); }))
    db_.read([&](store::Conn& c) {
      for (auto& e : events)
        if (!e.data.contains("day")) {
          auto [day, hour] = local_day_hour(c, e.project_id, e.at_ms);
          e.data["day"] = day;
          e.data["hour"] = hour;
        }
    });
  std::vector<store::Params> rows;
  rows.reserve(events.size());
  // Which event stands behind each mark, to add the new ones' counters to the right dimensions. A map:
  // each mark once per batch (an ack replayed within the batch is one mark), and sorted, so concurrent
  // batches on PostgreSQL lock the marks they share in the same order.
  std::map<std::pair<int64_t, std::string>, std::pair<const StoredEvent*, Fact>> by_mark;
  std::vector<std::pair<const StoredEvent*, Fact>> unmarked;  // StoredEvent::once: counted as they are
  for (const auto& e : events) {
    rows.push_back({e.project_id, e.kind, int64_t{e.priority}, e.at_ms, opt(e.account_id), opt(e.contact_id),
                    opt(e.group_id), opt(e.campaign_id), opt(e.outbox_id),
                    e.link_code ? store::Value(*e.link_code) : store::Value(nullptr), e.data.dump()});
    for (auto& f : facts_of(e)) {
      if (e.once) {
        unmarked.emplace_back(&e, std::move(f));
        continue;
      }
      auto key = std::make_pair(e.project_id, f.mark);
      by_mark.try_emplace(std::move(key), &e, std::move(f));
    }
  }
  struct Key {
    int64_t project;
    const char* dim;
    int64_t dim_id, day;
    bool operator<(const Key& o) const {
      if (project != o.project) return project < o.project;
      if (int d = std::strcmp(dim, o.dim)) return d < 0;
      return std::tie(dim_id, day) < std::tie(o.dim_id, o.day);
    }
  };
  // The deltas per (project, dimension, id, day), summed in memory: one rollup row each per batch.
  std::map<Key, std::array<int64_t, c_count>> deltas;
  size_t counted = 0;
  std::set<int64_t> projects;
  auto count = [&](const StoredEvent& e, const Fact& f) {
    auto bump = [&](const char* dim, int64_t id) { deltas[{e.project_id, dim, id, f.day}][f.counter] += 1; };
    bump("project", 0);
    if (e.campaign_id) bump("campaign", *e.campaign_id);
    if (e.account_id) bump("account", *e.account_id);
    if (e.group_id) bump("group", *e.group_id);
    if (f.hour >= 0) bump("hour", f.hour);
    ++counted;
    projects.insert(e.project_id);
  };
  const bool pg = db_.backend() == store::Backend::postgres;
  db_.write([&](store::Conn& c) {
    // SQLite: a batch touches pages all over the contact index, the marks and the rollups (up to ~5
    // pages an event), and the default 2 MiB page cache spilled dirty pages in the middle of the
    // transaction and re-read them (20 % of the writer's time, docs/performance.md). 8 KiB an event,
    // at most 64 MiB, for this transaction only; the pages are given back when the size is restored.
    std::optional<int64_t> cache_before;
    if (!pg) {
      auto r = c.run_text("PRAGMA cache_size");
      cache_before = r.empty() ? int64_t(-2000) : r[0].i64("cache_size");
      int64_t kib = std::min<int64_t>(static_cast<int64_t>(events.size()) * 8, 64 * 1024);
      if (-kib < *cache_before) c.exec_script(fmt::format("PRAGMA cache_size = -{}", kib));
      else cache_before.reset();
    }
    struct RestoreCache {
      store::Conn& c;
      std::optional<int64_t>& before;
      ~RestoreCache() {
        if (before) try { c.exec_script(fmt::format("PRAGMA cache_size = {}", *before)); } catch (...) {}
      }
    } restore{c, cache_before};
    deltas.clear();
    counted = 0;
    projects.clear();
    c.bulk("analytics-event-copy", rows);
    for (auto& [e, f] : unmarked) count(*e, f);
    // One statement per project in the batch (almost always one).
    for (auto it = by_mark.begin(); it != by_mark.end();) {
      int64_t project = it->first.first;
      json marks = json::array();
      for (; it != by_mark.end() && it->first.first == project; ++it) marks.push_back(it->first.second);
      store::Result fresh = c.run("analytics-mark-insert-many", {project, marks.dump()});
      for (size_t i = 0; i < fresh.size(); ++i) {
        auto m = by_mark.find({project, fresh[i].str("mark")});
        if (m != by_mark.end()) count(*m->second.first, m->second.second);
      }
    }
    if (deltas.empty()) return;
    static_assert(c_count == 11, "analytics-rollup-add takes the counters in enum order");
    if (pg) {
      // One array per column (PostgreSQL's text form: {1,2,3}); dims are fixed words, never quoted.
      std::array<std::string, 4 + c_count> cols;
      for (auto& col : cols) col = "{";
      for (auto& [k, d] : deltas) {
        bool more = cols[0].size() > 1;
        auto put = [&](size_t i, const auto& v) {
          if (more) cols[i] += ',';
          cols[i] += fmt::to_string(v);
        };
        put(0, k.project);
        put(1, k.dim);
        put(2, k.dim_id);
        put(3, k.day);
        for (int n = 0; n < c_count; ++n) put(4 + static_cast<size_t>(n), d[static_cast<size_t>(n)]);
      }
      store::Params p;
      for (auto& col : cols) p.emplace_back(col + "}");
      c.run("analytics-rollup-add-many", p);
    } else {
      // SQLite's bulk path: one prepared statement, bound and stepped per row, in this transaction.
      std::vector<store::Params> upserts;
      upserts.reserve(deltas.size());
      for (auto& [k, d] : deltas)
        upserts.push_back({k.project, std::string(k.dim), k.dim_id, k.day, d[0], d[1], d[2], d[3], d[4], d[5], d[6],
                           d[7], d[8], d[9], d[10]});
      c.bulk("analytics-rollup-add", upserts);
    }
  });
  written_ += events.size();
  // The dashboard refreshes on this; at most once a second per project, however many batches.
  int64_t now = clock_.now_ms();
  std::lock_guard g(publish_mu_);
  for (int64_t p : projects) {
    auto& last = last_published_[p];
    if (now - last < 1000) continue;
    last = now;
    bus_.publish({"analytics.updated", p, std::nullopt, {{"project_id", p}}, now});
  }
  return counted;
}

std::pair<int64_t, int> EventLog::local_day_hour(store::Conn& c, int64_t project_id, int64_t ms) {
  std::string zone;
  {
    std::lock_guard g(cache_mu_);
    auto it = zones_.find(project_id);
    if (it != zones_.end()) zone = it->second;
  }
  if (zone.empty()) {
    auto r = c.run("analytics-project-zone", {project_id});
    zone = r.empty() ? "UTC" : r[0].str("time_zone");
    std::lock_guard g(cache_mu_);
    zones_[project_id] = zone;
  }
  auto t = safety::local_time(zone, ms);
  return {t.day, t.minute / 60};
}

std::optional<int64_t> EventLog::project_of_account(store::Conn& c, int64_t account_id) {
  {
    std::lock_guard g(cache_mu_);
    auto it = account_project_.find(account_id);
    if (it != account_project_.end()) return it->second;
  }
  auto r = c.run("analytics-account-project", {account_id});
  if (r.empty()) return std::nullopt;
  int64_t p = r[0].i64("project_id");
  std::lock_guard g(cache_mu_);
  account_project_[account_id] = p;
  return p;
}

EventLog::OutboxInfo EventLog::outbox_of(store::Conn& c, const store::Row& r) {
  OutboxInfo o;
  o.id = r.i64("id");
  o.project_id = r.i64("project_id");
  o.account_id = opt_of(r, "account_id");
  o.contact_id = opt_of(r, "contact_id");
  o.campaign_id = opt_of(r, "campaign_id");
  o.sent_ms = r.i64("sent_ms");
  std::string target = r.str("target");
  if (target.size() > 5 && target.compare(target.size() - 5, 5, "@g.us") == 0) o.group_id = group_of(c, o.project_id, target);
  return o;
}

void EventLog::prefetch_acks(store::Conn& c, const std::vector<Raw>& raw) {
  json keys = json::array();
  std::set<std::string> seen;
  for (const auto& r : raw)
    if (r.event == "message.ack")
      if (std::string k = str_of(r.data, "key"); !k.empty() && seen.insert(k).second) keys.push_back(std::move(k));
  if (keys.empty()) return;
  auto rows = c.run("analytics-outbox-by-keys", {keys.dump()});
  for (size_t i = 0; i < rows.size(); ++i) batch_outbox_.emplace(rows[i].str("idempotency_key"), outbox_of(c, rows[i]));
}

std::optional<EventLog::OutboxInfo> EventLog::outbox_by(store::Conn& c, const std::string& query, const store::Value& value) {
  if (auto* s = std::get_if<std::string>(&value); s && s->empty()) return std::nullopt;
  auto r = c.run(query, {value});
  if (r.empty()) return std::nullopt;
  return outbox_of(c, r[0]);
}

std::optional<EventLog::OutboxInfo> EventLog::outbox_by_key(store::Conn& c, const std::string& key) {
  if (in_batch_)
    if (auto it = batch_outbox_.find(key); it != batch_outbox_.end()) return it->second;
  return outbox_by(c, "analytics-outbox-by-key", key);
}

std::optional<int64_t> EventLog::group_of(store::Conn& c, int64_t project_id, const std::string& wa_id) {
  if (wa_id.empty()) return std::nullopt;
  // Once per group and batch: a campaign's acks come from a few groups, each ack would ask again.
  auto key = std::make_pair(project_id, wa_id);
  if (in_batch_)
    if (auto it = batch_groups_.find(key); it != batch_groups_.end()) return it->second;
  auto r = c.run("analytics-group-by-wa-id", {project_id, wa_id});
  std::optional<int64_t> id = r.empty() ? std::nullopt : std::optional<int64_t>(r[0].i64("id"));
  if (in_batch_) batch_groups_.emplace(std::move(key), id);
  return id;
}

std::optional<int64_t> EventLog::contact_of(store::Conn& c, int64_t project_id, const std::string& wa_user) {
  if (wa_user.empty() || wa_user.find("@lid") != std::string::npos) return std::nullopt;
  auto phone = parse_engine_phone(wa_user);
  if (!phone.e164) return std::nullopt;
  auto r = c.run("analytics-contact-by-phone", {project_id, *phone.e164});
  return r.empty() ? std::nullopt : std::optional<int64_t>(r[0].i64("id"));
}

void EventLog::set_message(StoredEvent& e, store::Conn& c, const OutboxInfo& o) {
  e.outbox_id = o.id;
  e.campaign_id = o.campaign_id;
  e.contact_id = o.contact_id;
  e.group_id = o.group_id;
  if (!e.account_id) e.account_id = o.account_id;
  auto [day, hour] = local_day_hour(c, o.project_id, o.sent_ms);
  e.data["day"] = day;
  e.data["hour"] = hour;
  e.data["sent_at"] = o.sent_ms;
}

std::vector<StoredEvent> EventLog::enrich(store::Conn& c, int64_t aid, const std::string& event, const json& data,
                                          int64_t at_ms) {
  std::vector<StoredEvent> out;
  auto project = project_of_account(c, aid);
  if (!project) return out;  // an account deleted meanwhile
  StoredEvent e;
  e.project_id = *project;
  e.account_id = aid;
  e.at_ms = at_ms;
  auto [day, hour] = local_day_hour(c, *project, at_ms);
  if (event == "message.ack") {
    std::string ack = str_of(data, "ack");
    int level = ack_level(ack);
    if (level == 0 && ack != "error") return out;  // pending: nothing happened yet
    e.kind = level ? level_kind(level) : "failed";
    e.data = {{"ack", ack}, {"level", level}, {"message_id", str_of(data, "message_id")}};
    auto o = outbox_by_key(c, str_of(data, "key"));
    if (!o) o = outbox_by(c, "analytics-outbox-by-wa-id", str_of(data, "message_id"));
    if (o && o->project_id == *project) set_message(e, c, *o);
    out.push_back(std::move(e));
  } else if (event == "message.received") {
    bool is_group = data.value("is_group", false);
    std::string chat = str_of(data, "chat");
    e.kind = "incoming";
    e.priority = 1;
    e.data = {{"id", str_of(data, "id")}, {"chat", chat}, {"is_group", is_group}, {"day", day}, {"hour", hour},
              {"kind", str_of(data, "kind")}};
    if (is_group) e.group_id = group_of(c, *project, chat);
    e.contact_id = contact_of(c, *project, is_group ? str_of(data, "author") : str_of(data, "from"));
    StoredEvent in = e;
    out.push_back(std::move(e));
    // A reply: the quoted campaign message, or (one-to-one) the latest one sent to this chat.
    std::optional<OutboxInfo> o = outbox_by(c, "analytics-outbox-by-wa-id", str_of(data, "quoted_id"));
    if (!o && !is_group && !chat.empty()) {
      auto r = c.run("analytics-last-outbox-to",
                     {aid, chat, at_ms - int64_t{opts_.reply_window_hours} * 3'600'000});
      if (!r.empty()) o = outbox_by(c, "analytics-outbox-by-id", r[0].i64("id"));
    }
    if (o && o->project_id == *project && o->campaign_id) {
      StoredEvent reply = in;
      reply.kind = "reply";
      reply.priority = 2;
      reply.data = {{"id", in.data["id"]}};
      set_message(reply, c, *o);
      if (in.contact_id) reply.contact_id = in.contact_id;
      out.push_back(std::move(reply));
    }
  } else if (event == "message.reaction" || event == "poll.vote") {
    e.kind = event == "poll.vote" ? "poll_vote" : "reaction";
    e.data = data;
    e.data["day"] = day;
    auto o = outbox_by(c, "analytics-outbox-by-wa-id", str_of(data, "message_id"));
    if (o && o->project_id == *project) {
      e.outbox_id = o->id;
      e.campaign_id = o->campaign_id;
      e.group_id = o->group_id;
    }
    e.contact_id = contact_of(c, *project, str_of(data, event == "poll.vote" ? "voter" : "from"));
    out.push_back(std::move(e));
  } else if (event == "group.join" || event == "group.leave") {
    e.kind = event == "group.join" ? "join" : "leave";
    std::string g = str_of(data, "group_id");
    e.group_id = group_of(c, *project, g);
    json parts = json::array();
    if (auto it = data.find("participants"); it != data.end() && it->is_array())
      for (const auto& p : *it)
        if (p.is_string()) parts.push_back(p);
    e.data = {{"group", g}, {"participants", parts}, {"day", day}};
    out.push_back(std::move(e));
  } else if (event.rfind("account.", 0) == 0) {
    e.kind = "account";
    e.priority = (event == "account.disconnected" || event == "account.auth_failure" || event == "account.error") ? 1 : 2;
    e.data = {{"event", event}};
    for (const char* k : {"reason", "state", "code"})
      if (data.contains(k)) e.data[k] = data[k];
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace sangam::analytics
