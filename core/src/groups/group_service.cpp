#include "groups/group_service.hpp"

#include "groups/keywords.hpp"
#include "projects/project_service.hpp"
#include "util/errors.hpp"
#include "util/json_fields.hpp"

#include <date/tz.h>
#include <spdlog/spdlog.h>

#include <future>
#include <regex>
#include <set>

namespace sangam {

struct GroupService::Run {
  int64_t id = 0;
  int64_t pid = 0;
  int64_t aid = 0;
  std::string me;  // our account's number
  int64_t started_at = 0;
  int64_t groups_done = 0;
  int64_t members = 0;
  int64_t pages = 0;
  int64_t total = 0;
};

namespace {

const std::set<std::string> kPhases = {"observation", "contribution", "value"};
const std::set<std::string> kKinds = {"group", "community", "announcement", "channel"};
const std::set<std::string> kLinked = {"active", "standby", "warming", "cooling"};

store::Value opt(const std::optional<std::string>& s) { return s ? store::Value(*s) : store::Value(nullptr); }
store::Value opt(const std::optional<int64_t>& v) { return v ? store::Value(*v) : store::Value(nullptr); }
json iso_or_null(const store::Row& r, const char* col) {
  auto v = r.opt_i64(col);
  return v ? json(format_iso8601(*v)) : json(nullptr);
}

int64_t parse_int(const std::map<std::string, std::string>& q, const std::string& k, int64_t lo, int64_t hi,
                  std::optional<int64_t>& out) {
  auto it = q.find(k);
  if (it == q.end() || it->second.empty()) return 0;
  try {
    size_t n = 0;
    long long v = std::stoll(it->second, &n);
    if (n != it->second.size() || v < lo || v > hi) throw std::invalid_argument("range");
    out = v;
  } catch (const std::exception&) {
    if (hi == INT64_MAX) throw validation(k, "must be an id (a whole number)");
    throw validation(k, "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  return 1;
}

std::string lower_ascii(std::string s) {
  for (auto& ch : s)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return s;
}

json account_in_group(const store::Row& r) {
  return {{"account_id", r.i64("account_id")},
          {"phone", r.str("phone")},
          {"label", r.str("label")},
          {"is_admin", r.boolean("is_admin")},
          {"phase", r.str("phase")},
          {"phase_since", format_iso8601(r.i64("phase_since"))},
          {"phase_manual", r.boolean("phase_manual")},
          {"phases",
           {{"observation", iso_or_null(r, "observation_at")},
            {"contribution", iso_or_null(r, "contribution_at")},
            {"value", iso_or_null(r, "value_at")}}},
          {"joined_at", format_iso8601(r.i64("joined_at"))},
          {"last_seen_at", format_iso8601(r.i64("last_seen_at"))},
          {"in_group", r.is_null("left_at")}};
}

json group_base(const store::Row& r) {
  json parent = nullptr;
  // The community, by our id and name once one of our numbers has synced it (else its WhatsApp id only).
  if (auto p = r.opt_str("parent_wa_id"))
    parent = {{"wa_id", *p},
              {"id", r.is_null("parent_id") ? json(nullptr) : json(r.i64("parent_id"))},
              {"name", r.is_null("parent_name") ? json(nullptr) : json(r.str("parent_name"))}};
  json admins = json::parse(r.str("admin_ids"), nullptr, false);
  return {{"id", r.i64("id")},
          {"project_id", r.i64("project_id")},
          {"wa_id", r.str("wa_id")},
          {"kind", r.str("kind")},
          {"name", r.str("name")},
          {"description", r.str("description")},
          {"size", r.i64("size")},
          {"admins", r.i64("admins")},
          {"lid_members", r.i64("lid_members")},
          {"parent", parent},
          {"announce_only", r.boolean("announce_only")},
          {"invite_link", r.is_null("invite_link") ? json(nullptr) : json("https://chat.whatsapp.com/" + r.str("invite_link"))},
          {"created_at", iso_or_null(r, "wa_created_at")},
          {"synced_at", iso_or_null(r, "synced_at")}};
}

json run_json(const store::Row& r) {
  json total = r.is_null("groups_total") ? json(nullptr) : json(r.i64("groups_total"));
  return {{"id", r.i64("id")},
          {"account_id", r.i64("account_id")},
          {"cause", r.str("cause")},
          {"status", r.str("status")},
          {"groups_total", total},
          {"groups_done", r.i64("groups_done")},
          {"channels", r.i64("channels")},
          {"members", r.i64("members")},
          {"pages", r.i64("pages")},
          {"error", r.is_null("error") ? json(nullptr) : json(r.str("error"))},
          {"started_at", format_iso8601(r.i64("started_at"))},
          {"updated_at", format_iso8601(r.i64("updated_at"))},
          {"finished_at", iso_or_null(r, "finished_at")}};
}

json join_json(const store::Row& r) {
  return {{"id", r.i64("id")},
          {"account_id", r.i64("account_id")},
          {"invite_link", "https://chat.whatsapp.com/" + r.str("invite_code")},
          {"group_name", r.is_null("group_name") ? json(nullptr) : json(r.str("group_name"))},
          {"status", r.str("status")},
          {"day", r.is_null("day") ? json(nullptr) : json(r.str("day"))},
          {"run_after", format_iso8601(r.i64("run_after"))},
          {"group_id", r.is_null("group_id") ? json(nullptr) : json(r.i64("group_id"))},
          {"reason", r.is_null("reason") ? json(nullptr) : json(r.str("reason"))},
          {"created_at", format_iso8601(r.i64("created_at"))}};
}

// What the user reads when WhatsApp refused an invite; field "invite".
Error invite_error(const EngineFailure& f) {
  if (f.code == "invite_invalid") return validation("invite", "no WhatsApp group has this invite link (mistyped, or the group was deleted)");
  if (f.code == "invite_expired") return validation("invite", "this invite link has expired: a group admin reset it; ask for a new link");
  if (f.code == "group_full") return conflict("invite", "invite: the group is full (WhatsApp allows 1,024 members)");
  if (f.code == "bad_request") return validation("invite", f.message);
  return conflict("account", "account: WhatsApp could not be asked (" + f.code + ": " + f.message + "); try again when the number is connected");
}

}  // namespace

GroupService::GroupService(store::Database& db, const Clock& clock, EventBus& bus, ProjectService& projects,
                           Engine& engine, Executor executor, GroupOptions opts)
    : db_(db), clock_(clock), bus_(bus), projects_(projects), cmds_(engine), executor_(std::move(executor)), opts_(opts) {
  if (!executor_) executor_ = [](std::function<void()> f) { f(); };
}

// ---- time -----------------------------------------------------------------------------------

std::string GroupService::local_day(const std::string& tz, int64_t ms) {
  auto tp = date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{ms}};
  auto local = date::locate_zone(tz)->to_local(tp);
  return date::format("%F", date::floor<date::days>(local));
}

int64_t GroupService::next_local_midnight(const std::string& tz, int64_t ms) {
  const auto* zone = date::locate_zone(tz);
  auto tp = date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{ms}};
  auto midnight = date::floor<date::days>(zone->to_local(tp)) + date::days{1};
  auto sys = zone->to_sys(midnight, date::choose::earliest);
  return std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()).count();
}

std::optional<std::string> GroupService::invite_code_of(const std::string& invite) {
  static const std::regex link(R"(^\s*(?:https?://)?chat\.whatsapp\.com/(?:invite/)?([A-Za-z0-9]{10,32})/?\s*$)");
  static const std::regex bare(R"(^\s*([A-Za-z0-9]{10,32})\s*$)");
  std::smatch m;
  if (std::regex_match(invite, m, link) || std::regex_match(invite, m, bare)) return m[1].str();
  return std::nullopt;
}

std::string GroupService::project_tz(store::Conn& c, int64_t pid) {
  auto r = c.run("project-by-id", {pid});
  if (r.empty()) throw not_found("no such project");
  return r[0].str("time_zone");
}

int64_t GroupService::joins_per_day(store::Conn& c, int64_t pid) {
  auto r = c.run("group-settings-get", {pid});
  return r.empty() ? opts_.default_joins_per_day : r[0].i64("joins_per_day");
}

// ---- sync -----------------------------------------------------------------------------------

std::optional<int64_t> GroupService::start_sync(int64_t aid, const std::string& cause) {
  int64_t now = clock_.now_ms();
  auto run = std::make_shared<Run>();
  bool started = db_.write([&](store::Conn& c) {
    auto a = c.run("group-account-phone", {aid});
    if (a.empty() || !kLinked.count(a[0].str("status"))) return false;
    if (!c.run("sync-run-running", {aid, now - opts_.stale_run_ms}).empty()) return false;
    run->pid = a[0].i64("project_id");
    run->aid = aid;
    run->me = a[0].str("phone");
    run->started_at = now;
    run->id = c.run("sync-run-insert", {run->pid, aid, cause, now})[0].i64("id");
    return true;
  });
  if (!started) return std::nullopt;
  spdlog::info("event=groups.sync_started project={} account={} run={} cause={}", run->pid, aid, run->id, cause);
  publish_run(run->id);
  fetch_page(run, 0);
  return run->id;
}

void GroupService::fetch_page(std::shared_ptr<Run> run, int64_t offset) {
  cmds_.list_groups(run->aid, run->me, {offset, opts_.page_size}, [this, run](EngineOutcome<GroupPage> out) {
    // On the I/O thread that delivered the answer: hand over at once.
    executor_([this, run, out = std::move(out)]() mutable {
      try {
        on_page(run, std::move(out));
      } catch (const std::exception& e) {
        spdlog::error("event=groups.sync_page_failed project={} account={} run={} error=\"{}\"", run->pid, run->aid,
                      run->id, e.what());
        try {
          finish(run, std::string("storing a page failed: ") + e.what(), 0);
        } catch (const std::exception&) {
        }
      }
    });
  });
}

void GroupService::on_page(std::shared_ptr<Run> run, EngineOutcome<GroupPage> outcome) {
  if (auto* f = std::get_if<EngineFailure>(&outcome)) {
    spdlog::warn("event=groups.sync_failed project={} account={} run={} code={} error=\"{}\"", run->pid, run->aid,
                 run->id, f->code, f->message);
    finish(run, f->code + ": " + f->message, 0);
    return;
  }
  auto& page = std::get<GroupPage>(outcome);
  int64_t now = clock_.now_ms();
  std::vector<int64_t> ids;
  std::vector<std::string> lids;
  db_.write([&](store::Conn& c) {
    for (auto& g : page.groups) {
      int64_t admins = 0, lid_only = 0;
      json admin_ids = json::array();
      for (auto& m : g.members) {
        if (m.is_admin) {
          ++admins;
          admin_ids.push_back(m.phone ? *m.phone : *m.lid);
        }
        if (!m.phone && m.lid) {
          ++lid_only;
          lids.push_back(*m.lid);
        }
      }
      if (g.we_are_admin) ++admins;
      int64_t size = static_cast<int64_t>(g.members.size()) + 1;  // and our account
      std::optional<std::string> invite = g.we_are_admin ? g.invite_code : std::nullopt;
      int64_t gid = c.run("group-upsert", {run->pid, g.wa_id, g.kind, g.name, g.description, size, admins, lid_only,
                                           opt(g.parent), int64_t(g.announce_only), opt(invite), admin_ids.dump(),
                                           opt(g.created_at_ms), now})[0]
                        .i64("id");
      c.run("group-account-upsert", {gid, run->aid, run->pid, int64_t(g.we_are_admin),
                                     std::string(g.we_are_admin ? "value" : "observation"), now});
      ids.push_back(gid);
      run->members += size - 1;
    }
    run->groups_done += static_cast<int64_t>(page.groups.size());
    run->total = page.total;
    run->pages += 1;
    c.run("sync-run-progress", {run->id, run->total, run->groups_done, run->members, run->pages, now});
  });
  publish_run(run->id);
  if (sink_) {
    for (size_t i = 0; i < page.groups.size(); ++i) {
      try {
        sink_->members_seen(run->pid, ids[i], run->aid, page.groups[i].members, now);
      } catch (const std::exception& e) {
        spdlog::error("event=groups.member_sink_failed project={} account={} group={} error=\"{}\"", run->pid, run->aid,
                      ids[i], e.what());
      }
    }
  }
  if (!lids.empty()) resolve_lids(run->pid, run->aid, std::move(lids));
  if (page.next_offset) fetch_page(run, *page.next_offset);
  else finish_channels(run);
}

void GroupService::resolve_lids(int64_t pid, int64_t aid, std::vector<std::string> lids) {
  for (size_t from = 0; from < lids.size(); from += static_cast<size_t>(opts_.lid_batch)) {
    std::vector<std::string> batch(lids.begin() + from, lids.begin() + std::min(lids.size(), from + opts_.lid_batch));
    cmds_.resolve_lids(aid, batch, [this, pid, aid](auto out) {
      executor_([this, pid, aid, out = std::move(out)] {
        if (auto* f = std::get_if<EngineFailure>(&out)) {
          spdlog::warn("event=groups.lids_failed project={} account={} code={}", pid, aid, f->code);
          return;
        }
        size_t resolved = 0, unresolved = 0;
        for (auto& [lid, phone] : std::get<0>(out)) {
          if (!phone) {
            ++unresolved;  // stays a lid-only contact, never messaged one-to-one
            continue;
          }
          ++resolved;
          if (sink_) {
            try {
              sink_->lid_resolved(pid, lid, *phone);
            } catch (const std::exception& e) {
              spdlog::error("event=groups.member_sink_failed project={} lid={} error=\"{}\"", pid, lid, e.what());
            }
          }
        }
        spdlog::info("event=groups.lids_resolved project={} account={} resolved={} unresolved={}", pid, aid, resolved,
                     unresolved);
      });
    });
  }
}

void GroupService::finish_channels(std::shared_ptr<Run> run) {
  cmds_.list_channels(run->aid, [this, run](EngineOutcome<std::vector<EngineChannel>> out) {
    executor_([this, run, out = std::move(out)] {
      try {
        int64_t n = 0;
        if (auto* chans = std::get_if<std::vector<EngineChannel>>(&out)) {
          int64_t now = clock_.now_ms();
          db_.write([&](store::Conn& c) {
            for (auto& ch : *chans) {
              bool admin = ch.role == "owner" || ch.role == "admin";
              int64_t gid = c.run("group-upsert", {run->pid, ch.wa_id, std::string("channel"), ch.name, ch.description,
                                                   ch.followers, int64_t(0), int64_t(0), nullptr, int64_t(1), nullptr,
                                                   std::string("[]"), nullptr, now})[0]
                                .i64("id");
              c.run("group-account-upsert", {gid, run->aid, run->pid, int64_t(admin),
                                             std::string(admin ? "value" : "observation"), now});
              ++n;
            }
          });
        } else {
          // A number without channels support (or an old connector) still has its groups synced.
          spdlog::warn("event=groups.channels_failed project={} account={} code={}", run->pid, run->aid,
                       std::get<EngineFailure>(out).code);
        }
        finish(run, std::nullopt, n);
      } catch (const std::exception& e) {
        finish(run, std::string("storing channels failed: ") + e.what(), 0);
      }
    });
  });
}

void GroupService::finish(std::shared_ptr<Run> run, const std::optional<std::string>& error, int64_t channels) {
  int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) {
    // Only a complete sync tells which groups the number left.
    if (!error) c.run("group-accounts-mark-left", {run->aid, run->started_at, now});
    c.run("sync-run-finish", {run->id, std::string(error ? "failed" : "done"), channels, opt(error), now});
  });
  spdlog::info("event=groups.sync_finished project={} account={} run={} status={} groups={} channels={} members={} pages={}",
               run->pid, run->aid, run->id, error ? "failed" : "done", run->groups_done, channels, run->members, run->pages);
  publish_run(run->id);
  if (!error && sink_) {
    try {
      sink_->sync_finished(run->pid, run->aid);
    } catch (const std::exception& e) {
      spdlog::error("event=groups.member_sink_failed project={} account={} error=\"{}\"", run->pid, run->aid, e.what());
    }
  }
}

std::string GroupService::group_text(int64_t gid) {
  auto r = db_.read([&](store::Conn& c) { return c.run("group-text", {gid}); });
  return r.empty() ? std::string() : r[0].str("name") + "\n" + r[0].str("description");
}

void GroupService::publish_run(int64_t run_id) {
  auto r = db_.read([&](store::Conn& c) { return c.run("sync-run-by-id", {run_id}); });
  if (r.empty()) return;
  bus_.publish({"groups.sync", r[0].i64("project_id"), std::nullopt, run_json(r[0]), clock_.now_ms()});
}

json GroupService::sync_status(int64_t pid) {
  auto r = db_.read([&](store::Conn& c) { return c.run("sync-run-latest", {pid}); });
  json items = json::array();
  for (size_t i = 0; i < r.size(); ++i) items.push_back(run_json(r[i]));
  return {{"items", items}};
}

json GroupService::start_sync_request(const User&, int64_t pid, const json& body) {
  std::vector<int64_t> aids;
  if (body.contains("account_id")) {
    if (!body["account_id"].is_number_integer()) throw validation("account_id", "must be an account id (a whole number)");
    int64_t aid = body["account_id"].get<int64_t>();
    auto a = db_.read([&](store::Conn& c) { return c.run("group-account-phone", {aid}); });
    if (a.empty() || a[0].i64("project_id") != pid) throw validation("account_id", "no such account in this project");
    if (!kLinked.count(a[0].str("status")))
      throw conflict("account_id", "account_id: the number is not linked (" + a[0].str("status") + "); link it first");
    aids.push_back(aid);
  } else {
    auto r = db_.read([&](store::Conn& c) { return c.run("account-list", {pid}); });
    for (size_t i = 0; i < r.size(); ++i)
      if (kLinked.count(r[i].str("status"))) aids.push_back(r[i].i64("id"));
  }
  for (auto aid : aids) start_sync(aid, "manual");  // a running one is left to finish
  return sync_status(pid);
}

// ---- engine events --------------------------------------------------------------------------

void GroupService::on_account_ready(int64_t aid) {
  executor_([this, aid] {
    try {
      auto last = db_.read([&](store::Conn& c) { return c.run("sync-last-done", {aid}); });
      bool never = last.empty() || last[0].is_null("at");
      if (never) start_sync(aid, "link");
      else if (clock_.now_ms() - last[0].i64("at") >= opts_.daily_sync_ms) start_sync(aid, "daily");
    } catch (const std::exception& e) {
      spdlog::error("event=groups.ready_failed account={} error=\"{}\"", aid, e.what());
    }
  });
}

void GroupService::on_group_message(int64_t aid, const json& data) {
  if (!data.value("is_group", false)) return;
  std::string chat = string_field(data, "chat"), id = string_field(data, "id");
  if (chat.empty() || id.empty()) return;
  std::string author = string_field(data, "author"), body = string_field(data, "body"), name = string_field(data, "push_name");
  int64_t at = clock_.now_ms();
  if (data.contains("timestamp") && data["timestamp"].is_string()) {
    // ISO time of the message; backlog loaded after linking carries its own day.
    std::tm tm{};
    if (strptime(data["timestamp"].get<std::string>().c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) at = timegm(&tm) * 1000LL;
  }
  executor_([this, aid, chat, id, author, body, name, at] {
    try {
      db_.write([&](store::Conn& c) {
        auto a = c.run("group-account-phone", {aid});
        if (a.empty()) return;
        int64_t pid = a[0].i64("project_id");
        auto g = c.run("group-id-by-wa", {pid, chat});
        if (g.empty()) return;  // not synced yet: the sync after linking brings it
        int64_t gid = g[0].i64("id");
        if (c.run("group-message-seen", {gid, id, at}).affected == 0) return;  // another number of ours saw it
        std::string day = local_day(project_tz(c, pid), at);
        c.run("group-activity-add", {gid, pid, day});
        if (!author.empty()) c.run("group-member-day-add", {gid, pid, day, author, name});
        for (auto& w : message_keywords(body)) c.run("group-keyword-add", {gid, pid, day, w});
      });
    } catch (const std::exception& e) {
      spdlog::error("event=groups.activity_failed account={} chat={} error=\"{}\"", aid, chat, e.what());
    }
  });
}

// ---- list and detail ------------------------------------------------------------------------

json GroupService::list(int64_t pid, const std::map<std::string, std::string>& q) {
  std::optional<int64_t> account, min_members, max_members, min_messages, limit, offset, days;
  parse_int(q, "account", 1, INT64_MAX, account);
  parse_int(q, "min_members", 0, 1000000000, min_members);
  parse_int(q, "max_members", 0, 1000000000, max_members);
  parse_int(q, "min_messages", 0, 1000000000, min_messages);
  parse_int(q, "limit", 1, 500, limit);
  parse_int(q, "offset", 0, 1000000000, offset);
  parse_int(q, "days", 1, 90, days);
  auto get = [&](const char* k) -> std::optional<std::string> {
    auto it = q.find(k);
    if (it == q.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
  auto phase = get("phase"), kind = get("kind"), admin = get("admin");
  if (phase && !kPhases.count(*phase)) throw validation("phase", "must be observation, contribution or value");
  if (kind && !kKinds.count(*kind)) throw validation("kind", "must be group, community, announcement or channel");
  std::optional<int64_t> admin_flag;
  if (admin) {
    if (*admin == "true") admin_flag = 1;
    else if (*admin == "false") admin_flag = 0;
    else throw validation("admin", "must be true or false");
  }
  if (min_members && max_members && *min_members > *max_members)
    throw validation("min_members", "must not be above max_members");
  // Region and persona: the words of the name or description until personas (contacts/) score groups.
  std::optional<std::string> text, region;
  if (auto t = get("q")) text = "%" + lower_ascii(*t) + "%";
  if (auto r = get("region")) region = "%" + lower_ascii(*r) + "%";
  if (auto p = get("persona")) {
    if (text) throw validation("persona", "use either q or persona");
    text = "%" + lower_ascii(*p) + "%";
  }
  int64_t now = clock_.now_ms();
  return db_.read([&](store::Conn& c) {
    std::string tz = project_tz(c, pid);
    int64_t window = days.value_or(opts_.activity_window_days);
    std::string since = local_day(tz, now - (window - 1) * 86400000LL);
    auto r = c.run("group-list", {pid, since, opt(account), opt(phase), opt(admin_flag), opt(min_members), opt(max_members),
                                  opt(min_messages), opt(kind), opt(text), opt(region), limit.value_or(50), offset.value_or(0)});
    std::map<int64_t, json> ours;
    auto ga = c.run("group-accounts-of-project", {pid});
    for (size_t i = 0; i < ga.size(); ++i) {
      auto& list = ours[ga[i].i64("group_id")];
      if (list.is_null()) list = json::array();
      list.push_back(account_in_group(ga[i]));
    }
    json items = json::array();
    int64_t total = 0;
    for (size_t i = 0; i < r.size(); ++i) {
      json g = group_base(r[i]);
      total = r[i].i64("total");
      auto it = ours.find(r[i].i64("id"));
      g["accounts"] = it != ours.end() ? it->second : json::array();
      g["activity"] = {{"days", window},
                       {"messages", r[i].i64("messages_window")},
                       {"messages_per_day", static_cast<double>(r[i].i64("messages_window")) / window},
                       {"active_members", r[i].i64("active_members_window")}};
      items.push_back(std::move(g));
    }
    if (r.empty() && offset.value_or(0) == 0) total = 0;
    return json{{"items", items}, {"total", total}, {"limit", limit.value_or(50)}, {"offset", offset.value_or(0)}};
  });
}

json GroupService::get(int64_t pid, int64_t gid) {
  int64_t now = clock_.now_ms();
  return db_.read([&](store::Conn& c) {
    auto r = c.run("group-by-id", {pid, gid});
    if (r.empty()) throw not_found("no such group in this project");
    json g = group_base(r[0]);
    std::string tz = project_tz(c, pid);
    std::string since30 = local_day(tz, now - 29 * 86400000LL), since7 = local_day(tz, now - 6 * 86400000LL);
    json accounts = json::array();
    auto ga = c.run("group-accounts-of-group", {pid, gid});
    for (size_t i = 0; i < ga.size(); ++i) accounts.push_back(account_in_group(ga[i]));
    g["accounts"] = accounts;
    json series = json::array();
    std::map<std::string, int64_t> active;
    auto am = c.run("group-active-members-series", {gid, since30});
    for (size_t i = 0; i < am.size(); ++i) active[am[i].str("day")] = am[i].i64("members");
    int64_t msgs7 = 0, msgs30 = 0;
    auto s = c.run("group-activity-series", {gid, since30});
    for (size_t i = 0; i < s.size(); ++i) {
      std::string day = s[i].str("day");
      int64_t n = s[i].i64("messages");
      msgs30 += n;
      if (day >= since7) msgs7 += n;
      series.push_back({{"day", day}, {"messages", n}, {"active_members", active[day]}});
    }
    json admin_ids = json::parse(r[0].str("admin_ids"), nullptr, false);
    std::set<std::string> admins;
    if (admin_ids.is_array())
      for (auto& a : admin_ids)
        if (a.is_string()) admins.insert(a.get<std::string>());
    json key = json::array();
    auto top = c.run("group-top-members", {gid, since30, int64_t(10)});
    for (size_t i = 0; i < top.size(); ++i) {
      std::string m = top[i].str("member");
      std::string phone = m.size() > 5 && m.compare(m.size() - 5, 5, "@c.us") == 0 ? "+" + m.substr(0, m.size() - 5) : "";
      key.push_back({{"member", m},
                     {"phone", phone.empty() ? json(nullptr) : json(phone)},
                     {"lid", m.size() > 4 && m.compare(m.size() - 4, 4, "@lid") == 0 ? json(m) : json(nullptr)},
                     {"name", top[i].str("name")},
                     {"messages", top[i].i64("messages")},
                     {"is_admin", admins.count(m) > 0 || (!phone.empty() && admins.count(phone) > 0)}});
    }
    json keywords = json::array();
    auto kw = c.run("group-top-keywords", {gid, since30, int64_t(20)});
    for (size_t i = 0; i < kw.size(); ++i) keywords.push_back({{"word", kw[i].str("word")}, {"count", kw[i].i64("count")}});
    g["members"] = {{"total", r[0].i64("size")},
                    {"lid_only", r[0].i64("lid_members")},
                    {"admins", admin_ids.is_array() ? admin_ids : json::array()},
                    // The member list itself is the contact base's (memberships): GET …/contacts?group=<id>.
                    {"contacts_path", "/api/v1/projects/" + std::to_string(pid) + "/contacts?group=" + std::to_string(gid)}};
    int64_t active7 = 0;
    for (auto& [day, n] : active)
      if (day >= since7) active7 = std::max(active7, n);
    g["activity"] = {{"messages_7d", msgs7},
                     {"messages_30d", msgs30},
                     {"messages_per_day", static_cast<double>(msgs7) / 7.0},
                     {"active_members_peak_7d", active7},
                     {"days", series},
                     {"keywords", keywords},
                     {"key_members", key}};
    return g;
  });
}

// ---- settings and phases ----------------------------------------------------------------------

json GroupService::settings(int64_t pid) {
  return db_.read([&](store::Conn& c) {
    project_tz(c, pid);
    return json{{"joins_per_day", joins_per_day(c, pid)}, {"default_joins_per_day", opts_.default_joins_per_day}};
  });
}

json GroupService::update_settings(const User&, int64_t pid, const json& body) {
  if (!body.contains("joins_per_day") || !body["joins_per_day"].is_number_integer())
    throw validation("joins_per_day", "a whole number of joins per account per day is required");
  int64_t n = body["joins_per_day"].get<int64_t>();
  // More than 20 joins a day is what gets a number banned (seed 1.2: join slowly, 2-3 a day).
  if (n < 0 || n > 20) throw validation("joins_per_day", "must be from 0 to 20");
  db_.write([&](store::Conn& c) { c.run("group-settings-upsert", {pid, n, clock_.now_ms()}); });
  bus_.publish({"groups.settings", pid, std::nullopt, {{"joins_per_day", n}}, clock_.now_ms()});
  return settings(pid);
}

json GroupService::set_phase(const User&, int64_t pid, int64_t gid, int64_t aid, const json& body) {
  if (!body.contains("phase") || !body["phase"].is_string() || !kPhases.count(body["phase"].get<std::string>()))
    throw validation("phase", "must be observation, contribution or value");
  std::string phase = body["phase"];
  int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) {
    if (c.run("group-account-get", {pid, gid, aid}).empty()) throw not_found("this account is not in this group");
    c.run("group-account-set-phase", {pid, gid, aid, phase, int64_t(1), now});
  });
  json g = get(pid, gid);
  bus_.publish({"groups.updated", pid, std::nullopt, {{"group_id", gid}, {"account_id", aid}, {"phase", phase}}, now});
  return g;
}

void GroupService::advance_phases(int64_t now) {
  auto due = db_.read([&](store::Conn& c) {
    return c.run("group-accounts-phase-due", {now - opts_.observation_ms, now - opts_.contribution_ms});
  });
  for (size_t i = 0; i < due.size(); ++i) {
    int64_t joined = due[i].i64("joined_at");
    std::string to = joined <= now - opts_.contribution_ms ? "value" : "contribution";
    // The phase starts on the day the rule says, not on the day the scheduler noticed.
    int64_t since = to == "value" ? joined + opts_.contribution_ms : joined + opts_.observation_ms;
    db_.write([&](store::Conn& c) {
      c.run("group-account-set-phase", {due[i].i64("project_id"), due[i].i64("group_id"), due[i].i64("account_id"), to,
                                        int64_t(0), since});
    });
    bus_.publish({"groups.updated", due[i].i64("project_id"), std::nullopt,
                  {{"group_id", due[i].i64("group_id")}, {"account_id", due[i].i64("account_id")}, {"phase", to}}, now});
  }
}

// ---- joining --------------------------------------------------------------------------------

template <class T>
EngineOutcome<T> GroupService::wait(const std::function<void(std::function<void(EngineOutcome<T>)>)>& call) {
  auto p = std::make_shared<std::promise<EngineOutcome<T>>>();
  auto f = p->get_future();
  auto once = std::make_shared<std::once_flag>();
  call([p, once](EngineOutcome<T> out) { std::call_once(*once, [&] { p->set_value(std::move(out)); }); });
  if (f.wait_for(std::chrono::milliseconds(opts_.engine_wait_ms)) != std::future_status::ready)
    return EngineFailure{"timeout", "WhatsApp did not answer in time"};
  return f.get();
}

std::pair<json, bool> GroupService::join(const User& u, int64_t pid, int64_t aid, const json& body) {
  if (!body.contains("invite") || !body["invite"].is_string() || body["invite"].get_ref<const std::string&>().empty())
    throw validation("invite", "an invite link (https://chat.whatsapp.com/…) or its code is required");
  auto code = invite_code_of(body["invite"]);
  if (!code) throw validation("invite", "must be a https://chat.whatsapp.com/… invite link or its code (10-32 letters and digits)");
  std::string when_limited = "queue";
  if (body.contains("when_limited")) {
    if (!body["when_limited"].is_string() || (body["when_limited"] != "queue" && body["when_limited"] != "refuse"))
      throw validation("when_limited", "must be queue or refuse");
    when_limited = body["when_limited"];
  }
  auto a = db_.read([&](store::Conn& c) { return c.run("group-account-phone", {aid}); });
  if (a.empty() || a[0].i64("project_id") != pid) throw not_found("no such account in this project");
  if (!kLinked.count(a[0].str("status")))
    throw conflict("account", "account: the number is not linked (" + a[0].str("status") + "); link it before joining groups");

  // What the link leads to, before anything counts: a bad link never uses up a join.
  auto info = wait<InviteInfo>([&](auto cb) { cmds_.invite_info(aid, *code, std::move(cb)); });
  if (auto* f = std::get_if<EngineFailure>(&info)) throw invite_error(*f);
  auto& inv = std::get<InviteInfo>(info);
  if (inv.full) throw invite_error({"group_full", ""});

  int64_t now = clock_.now_ms();
  struct Decision {
    int64_t join_id = 0;
    bool queued = false;
    bool already = false;
    std::string day, tz;
    int64_t limit = 0, used = 0, run_after = 0;
  } d;
  db_.write([&](store::Conn& c) {
    c.run("group-lock-account", {aid});  // PostgreSQL: FOR UPDATE, so two joins at once count each other
    d.tz = project_tz(c, pid);
    d.day = local_day(d.tz, now);
    auto g = c.run("group-id-by-wa", {pid, inv.group_wa_id});
    if (!g.empty()) {
      auto ga = c.run("group-account-get", {pid, g[0].i64("id"), aid});
      if (!ga.empty()) {
        d.already = true;
        return;
      }
    }
    d.limit = joins_per_day(c, pid);
    d.used = c.run("join-count-day", {aid, d.day})[0].i64("n");
    d.queued = d.used >= d.limit;
    if (d.queued && when_limited == "refuse") return;
    d.run_after = d.queued ? next_local_midnight(d.tz, now) : now;
    d.join_id = c.run("join-insert", {pid, aid, *code, inv.name, std::string(d.queued ? "queued" : "joining"),
                                      d.queued ? store::Value(nullptr) : store::Value(d.day), d.run_after, u.id, now})[0]
                    .i64("id");
  });
  if (d.already) {
    return {json{{"status", "joined"}, {"already_member", true}, {"group", {{"wa_id", inv.group_wa_id}, {"name", inv.name}}}}, false};
  }
  if (d.queued && when_limited == "refuse")
    throw Error(ErrorCode::too_many_attempts,
                "invite: this number has used its " + std::to_string(d.limit) + " joins for today (" + d.day +
                    "); it can join again after midnight " + d.tz,
                "invite");
  if (d.queued) {
    auto r = db_.read([&](store::Conn& c) { return c.run("join-by-id", {d.join_id}); });
    json j = join_json(r[0]);
    j["message"] = "Daily join limit reached (" + std::to_string(d.used) + " of " + std::to_string(d.limit) +
                   " today): queued, joins after midnight " + d.tz + " (" + format_iso8601(d.run_after) + ")";
    bus_.publish({"groups.join", pid, std::nullopt, j, now});
    return {j, true};
  }
  return {perform_join(pid, aid, d.join_id, *code, d.day), false};
}

json GroupService::perform_join(int64_t pid, int64_t aid, int64_t join_id, const std::string& code, const std::string& day) {
  auto out = wait<std::string>([&](auto cb) { cmds_.join(aid, code, std::move(cb)); });
  int64_t now = clock_.now_ms();
  if (auto* f = std::get_if<EngineFailure>(&out)) {
    // A failed join does not count against the day (status failed).
    db_.write([&](store::Conn& c) { c.run("join-set", {join_id, std::string("failed"), day, nullptr, f->code + ": " + f->message, now}); });
    auto r = db_.read([&](store::Conn& c) { return c.run("join-by-id", {join_id}); });
    bus_.publish({"groups.join", pid, std::nullopt, join_json(r[0]), now});
    throw invite_error(*f);
  }
  std::string wa_id = std::get<std::string>(out);
  int64_t gid = db_.write([&](store::Conn& c) {
    auto j = c.run("join-by-id", {join_id});
    std::string name = j[0].is_null("group_name") ? wa_id : j[0].str("group_name");
    auto g = c.run("group-id-by-wa", {pid, wa_id});
    int64_t id = 0;
    if (g.empty()) {
      id = c.run("group-upsert", {pid, wa_id, std::string("group"), name, std::string(""), int64_t(0), int64_t(0),
                                  int64_t(0), nullptr, int64_t(0), nullptr, std::string("[]"), nullptr, now})[0]
               .i64("id");
    } else {
      id = g[0].i64("id");
    }
    c.run("group-account-upsert", {id, aid, pid, int64_t(0), std::string("observation"), now});
    c.run("join-set", {join_id, std::string("joined"), day, id, nullptr, now});
    return id;
  });
  spdlog::info("event=groups.joined project={} account={} group={} wa_id={}", pid, aid, gid, wa_id);
  auto r = db_.read([&](store::Conn& c) { return c.run("join-by-id", {join_id}); });
  json j = join_json(r[0]);
  bus_.publish({"groups.join", pid, std::nullopt, j, now});
  // The members, description and size come with a sync of this number.
  executor_([this, aid] {
    try {
      start_sync(aid, "manual");
    } catch (const std::exception& e) {
      spdlog::error("event=groups.sync_start_failed account={} error=\"{}\"", aid, e.what());
    }
  });
  j["group"] = get(pid, gid);
  return j;
}

void GroupService::run_due_joins(int64_t now) {
  auto due = db_.read([&](store::Conn& c) { return c.run("join-due", {now}); });
  for (size_t i = 0; i < due.size(); ++i) {
    int64_t id = due[i].i64("id"), pid = due[i].i64("project_id"), aid = due[i].i64("account_id");
    std::string code = due[i].str("invite_code");
    std::optional<std::string> day;
    db_.write([&](store::Conn& c) {
      c.run("group-lock-account", {aid});
      std::string tz = project_tz(c, pid);
      std::string today = local_day(tz, now);
      auto a = c.run("group-account-phone", {aid});
      if (a.empty() || !kLinked.count(a[0].str("status"))) return;  // waits until the number is back
      if (c.run("join-count-day", {aid, today})[0].i64("n") >= joins_per_day(c, pid)) {
        c.run("join-set", {id, std::string("queued"), nullptr, nullptr, nullptr, now});
        c.run("join-requeue", {id, next_local_midnight(tz, now)});
        return;
      }
      c.run("join-set", {id, std::string("joining"), today, nullptr, nullptr, now});
      day = today;
    });
    if (!day) continue;
    executor_([this, pid, aid, id, code, d = *day] {
      try {
        perform_join(pid, aid, id, code, d);
      } catch (const Error& e) {
        spdlog::warn("event=groups.queued_join_failed project={} account={} join={} error=\"{}\"", pid, aid, id, e.what());
      } catch (const std::exception& e) {
        spdlog::error("event=groups.queued_join_failed project={} account={} join={} error=\"{}\"", pid, aid, id, e.what());
      }
    });
  }
}

json GroupService::joins(int64_t pid, std::optional<int64_t> aid) {
  auto r = db_.read([&](store::Conn& c) { return c.run("join-list", {pid, opt(aid)}); });
  json items = json::array();
  for (size_t i = 0; i < r.size(); ++i) items.push_back(join_json(r[i]));
  return {{"items", items}};
}

// ---- scheduler --------------------------------------------------------------------------------

void GroupService::tick() {
  std::unique_lock lk(tick_mu_, std::try_to_lock);
  if (!lk) return;
  int64_t now = clock_.now_ms();
  // Once a minute: 4 small indexed queries; joins queued "for tomorrow" start within a minute of midnight.
  if (now - last_tick_ < 60000) return;
  last_tick_ = now;
  try {
    db_.write([&](store::Conn& c) { c.run("sync-run-fail-stale", {now - opts_.stale_run_ms, now}); });
    auto due = db_.read([&](store::Conn& c) { return c.run("group-accounts-linked-sync-due", {now - opts_.daily_sync_ms, now - 600000}); });
    for (size_t i = 0; i < due.size(); ++i) start_sync(due[i].i64("id"), "daily");
    advance_phases(now);
    run_due_joins(now);
  } catch (const std::exception& e) {
    spdlog::error("event=groups.tick_failed error=\"{}\"", e.what());
  }
}

}  // namespace sangam
