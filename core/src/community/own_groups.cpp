#include "community/own_groups.hpp"

#include "contacts/contact_base.hpp"
#include "contacts/phone.hpp"
#include "groups/group_service.hpp"
#include "projects/audit.hpp"
#include "util/errors.hpp"
#include "util/log_text.hpp"

#include <spdlog/spdlog.h>

#include <set>

namespace sangam {
namespace {

// Statuses in which a number is linked and may act (accounts/): "active" is what the dashboard shows.
const std::set<std::string> kActive = {"active", "standby", "warming", "cooling"};
constexpr int64_t kGroupLimit = 1024;  // WhatsApp's members per group
const std::string kInviteBase = "https://chat.whatsapp.com/";

store::Value opt(const std::optional<int64_t>& v) { return v ? store::Value(*v) : store::Value(nullptr); }
store::Value opt(const std::optional<std::string>& v) { return v ? store::Value(*v) : store::Value(nullptr); }

std::string digits(const std::string& s) {
  std::string d;
  for (char ch : s.substr(0, s.find('@')))
    if (ch >= '0' && ch <= '9') d += ch;
  return d;
}

std::optional<std::string> phone_of_jid(const std::string& jid) {
  if (!jid.ends_with("@c.us")) return std::nullopt;
  std::string d = digits(jid);
  if (d.size() < 6) return std::nullopt;
  return "+" + d;
}

bool bool_field(const json& b, const char* k, bool def) {
  if (!b.contains(k)) return def;
  if (!b[k].is_boolean()) throw validation(k, "must be true or false");
  return b[k].get<bool>();
}

std::string text_field(const json& b, const char* k, size_t max, bool required, const std::string& hint) {
  if (!b.contains(k) || b[k].is_null()) {
    if (required) throw validation(k, hint);
    return "";
  }
  if (!b[k].is_string()) throw validation(k, "must be text");
  std::string s = b[k].get<std::string>();
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.pop_back();
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n')) s.erase(s.begin());
  if (required && s.empty()) throw validation(k, hint);
  if (s.size() > max) throw validation(k, "may have at most " + std::to_string(max) + " characters");
  return s;
}

int64_t id_field(const json& b, const char* k) {
  if (!b.contains(k) || !b[k].is_number_integer() || b[k].get<int64_t>() <= 0) throw validation(k, "must be the id of one of the project's numbers");
  return b[k].get<int64_t>();
}

std::string status_words(const std::string& s) {
  if (s == "added") return "added to the group";
  if (s == "link_sent") return "invite link queued one-to-one";
  if (s == "queued") return "waiting for its turn (adds are paced)";
  return s;
}

}  // namespace

OwnGroupService::OwnGroupService(store::Database& db, const Clock& clock, EventBus& bus, Engine& engine, ContactBase* contacts,
                                 Executor executor, OwnGroupOptions opts)
    : db_(db), clock_(clock), bus_(bus), admin_(engine), contacts_(contacts), executor_(std::move(executor)), opts_(opts) {
  if (!executor_) executor_ = [](std::function<void()> f) { f(); };
}

std::string OwnGroupService::public_base() {
  std::lock_guard lk(base_mu_);
  return public_base_;
}

OwnGroupService::Settings OwnGroupService::settings_of(store::Conn& c, int64_t pid) {
  Settings s{opts_.default_add_interval_ms, opts_.default_adds_per_day, {}};
  auto r = c.run("own-settings", {pid});
  if (!r.empty()) {
    s.add_interval_ms = r[0].i64("add_interval_ms");
    s.adds_per_day = r[0].i64("adds_per_day");
    if (!r[0].is_null("join_rule")) {
      try {
        s.rule = join_rule_from(json::parse(r[0].str("join_rule")));
      } catch (const std::exception& e) {
        spdlog::warn("event=own_groups.bad_rule project={} error={}", pid, log_value(e.what()));
      }
    }
  }
  return s;
}

json OwnGroupService::item_json(const store::Row& r, int64_t now) {
  GrowthPhase ph = growth_phase(r.i64("created_at"), now);
  int64_t size = r.i64("size");
  bool left = r.boolean("has_left");
  bool link_on = r.boolean("link_enabled");
  json link = (!left && link_on && !r.is_null("invite_link")) ? json(kInviteBase + r.str("invite_link")) : json(nullptr);
  return {{"group_id", r.i64("group_id")},
          {"wa_id", r.str("wa_id")},
          {"name", r.str("name")},
          {"purpose", r.str("purpose")},
          {"description", r.str("description")},
          {"account", {{"id", r.i64("account_id")}, {"phone", r.str("account_phone")}, {"label", r.str("account_label")}}},
          {"community", r.is_null("parent_wa_id") ? json(nullptr) : json{{"wa_id", r.str("parent_wa_id")}, {"name", r.is_null("community_name") ? json(nullptr) : json(r.str("community_name"))}}},
          {"members", size},
          {"full", size >= kGroupLimit},
          {"announce_only", r.boolean("announce_only")},
          {"admins_add_only", r.boolean("admins_add_only")},
          {"left", left},
          {"invite_link", link},
          {"link_hidden", !link_on},
          {"pending_requests", r.i64("pending_requests")},
          {"phase", {{"name", ph.name}, {"since", format_iso8601(ph.since_ms)},
                     {"next_at", ph.next_at_ms ? json(format_iso8601(*ph.next_at_ms)) : json(nullptr)},
                     {"target_min", ph.target_min}, {"target_max", ph.target_max},
                     {"progress", std::min<double>(1.0, static_cast<double>(size) / static_cast<double>(ph.target_max))}}},
          {"created_at", format_iso8601(r.i64("created_at"))}};
}

json OwnGroupService::list(int64_t pid) {
  int64_t now = clock_.now_ms();
  auto r = db_.read([&](store::Conn& c) { return c.run("own-list", {pid, nullptr}); });
  json items = json::array();
  for (size_t i = 0; i < r.size(); ++i) items.push_back(item_json(r[i], now));
  return {{"items", items}, {"public_link", public_link(pid)}};
}

store::Row OwnGroupService::own_row(store::Conn& c, int64_t pid, int64_t gid, store::Result& keep) {
  keep = c.run("own-list", {pid, gid});
  if (keep.empty()) throw not_found("no such group among the project's own groups");
  return keep[0];
}

json OwnGroupService::get(int64_t pid, int64_t gid) {
  store::Result keep;
  return db_.read([&](store::Conn& c) { return item_json(own_row(c, pid, gid, keep), clock_.now_ms()); });
}

Error OwnGroupService::engine_error(int64_t pid, int64_t gid, int64_t aid, const EngineFailure& f, const std::string& field) {
  if (f.code == "not_member") {
    if (gid) db_.write([&](store::Conn& c) { c.run("own-set-left", {gid, aid, clock_.now_ms()}); });
    return conflict(field, field + ": our number is no longer in this group (it left or was removed); its link cannot be used");
  }
  if (f.code == "not_admin") return conflict(field, field + ": our number is no longer an admin of this group");
  spdlog::warn("event=own_groups.engine_failed project={} group={} account={} code={} message={}", pid, gid, aid, f.code, log_value(f.message));
  return conflict("account_id", "account_id: WhatsApp could not be asked (" + f.code + ": " + f.message + "); try again when the number is connected");
}

// ---- create ---------------------------------------------------------------------------------

json OwnGroupService::create(const User& u, int64_t pid, const json& body) {
  CreateGroupRequest req;
  req.name = text_field(body, "name", 100, true, "give the group a name (WhatsApp allows up to 100 characters)");
  std::string purpose = text_field(body, "purpose", 500, true, "say what the group is for, e.g. \"TN Broiler Farming Best Practices\"");
  req.description = text_field(body, "description", 2048, false, "");
  req.announce = bool_field(body, "announce_only", false);
  req.admins_add_only = bool_field(body, "admins_add_only", true);
  int64_t aid = id_field(body, "account_id");
  std::optional<int64_t> community_id;
  if (body.contains("community_id") && !body["community_id"].is_null()) {
    if (!body["community_id"].is_number_integer()) throw validation("community_id", "must be the id of one of our communities");
    community_id = body["community_id"].get<int64_t>();
  }
  db_.read([&](store::Conn& c) {
    auto a = c.run("own-account", {aid});
    if (a.empty() || a[0].i64("project_id") != pid) throw validation("account_id", "no such number in this project");
    if (!kActive.count(a[0].str("status")))
      throw conflict("account_id", "account_id: the number " + a[0].str("phone") + " is not active (" + a[0].str("status") +
                                       "); link it and let it connect before creating a group with it");
    if (community_id) {
      auto cm = c.run("own-community", {pid, *community_id, aid});
      if (cm.empty()) throw validation("community_id", "not one of our communities where this number is admin");
      req.community = cm[0].str("wa_id");
    }
    return 0;
  });
  auto out = wait_engine<CreatedGroup>(opts_.engine_wait_ms, [&](auto cb) { admin_.create(aid, req, std::move(cb)); });
  if (auto* f = std::get_if<EngineFailure>(&out)) throw engine_error(pid, 0, aid, *f, "account_id");
  auto& g = std::get<CreatedGroup>(out);
  int64_t now = clock_.now_ms();
  int64_t gid = db_.write([&](store::Conn& c) {
    int64_t id = c.run("own-group-insert", {pid, g.wa_id, req.name, req.description, int64_t(1), opt(req.community),
                                            int64_t(req.announce), opt(g.invite_code), now})[0]
                     .i64("id");
    c.run("own-group-account-insert", {id, aid, pid, now});
    c.run("own-insert", {id, pid, aid, purpose, int64_t(req.admins_add_only), u.id, now});
    audit(c, now, pid, Actor{u.id, u.email}, "group.created", "group:" + std::to_string(id), nullptr,
          {{"name", req.name}, {"purpose", purpose}, {"account_id", aid}, {"announce_only", req.announce},
           {"admins_add_only", req.admins_add_only}, {"community", req.community ? json(*req.community) : json(nullptr)}});
    return id;
  });
  spdlog::info("event=own_groups.created project={} account={} group={} wa_id={}", pid, aid, gid, log_value(g.wa_id));
  bus_.publish({"groups.updated", pid, std::nullopt, {{"group_id", gid}, {"own", true}}, now});
  return get(pid, gid);
}

// ---- invitations ----------------------------------------------------------------------------

int64_t OwnGroupService::enqueue_link(store::Conn& c, int64_t pid, int64_t aid, int64_t contact_id, const std::string& phone,
                                      const std::string& group_name, const std::string& code, const std::string& key, int64_t now) {
  std::string text = "You're invited to join our WhatsApp group \"" + group_name + "\": " + kInviteBase + code;
  return c.run("inbox-outbox-enqueue", {pid, aid, digits(phone) + "@c.us", contact_id, std::string("group_invite"),
                                        json{{"text", text}}.dump(), int64_t(3), now, key, nullptr})[0]
      .i64("id");
}

json OwnGroupService::invite(const User& u, int64_t pid, int64_t gid, const json& body) {
  std::string method = "link";
  if (body.contains("method")) {
    if (!body["method"].is_string() || (body["method"] != "link" && body["method"] != "add"))
      throw validation("method", "must be link (send the invite link one-to-one) or add (add them directly, paced)");
    method = body["method"];
  }
  if (!body.contains("contact_ids") || !body["contact_ids"].is_array() || body["contact_ids"].empty() || body["contact_ids"].size() > 500)
    throw validation("contact_ids", "choose 1 to 500 contacts to invite");
  std::vector<int64_t> ids;
  for (size_t i = 0; i < body["contact_ids"].size(); ++i) {
    const auto& v = body["contact_ids"][i];
    if (!v.is_number_integer()) throw validation("contact_ids[" + std::to_string(i) + "]", "must be a contact id");
    ids.push_back(v.get<int64_t>());
  }
  int64_t now = clock_.now_ms();
  json queued = json::array(), refused = json::array();
  db_.write([&](store::Conn& c) {
    store::Result keep;
    auto g = own_row(c, pid, gid, keep);
    if (g.boolean("has_left")) throw conflict("group", "group: our number is no longer in this group; nobody can be invited to it");
    if (g.i64("size") >= kGroupLimit) throw conflict("group", "group: the group is full (WhatsApp allows 1,024 members)");
    if (method == "link" && (g.is_null("invite_link") || !g.boolean("link_enabled")))
      throw conflict("group", "group: the group has no link to send (show or rotate its invite link first)");
    int64_t aid = g.i64("account_id");
    Settings s = settings_of(c, pid);
    auto last = c.run("invite-last-planned", {aid});
    int64_t next = std::max(now, last.empty() || last[0].is_null("at") ? now : last[0].i64("at") + s.add_interval_ms);
    for (size_t i = 0; i < ids.size(); ++i) {
      auto ct = c.run("own-contact", {pid, ids[i]});
      auto refuse = [&](const std::string& why) { refused.push_back({{"contact_id", ids[i]}, {"field", "contact_ids[" + std::to_string(i) + "]"}, {"reason", why}}); };
      if (ct.empty()) { refuse("no such contact in this project"); continue; }
      // Consent first (DESIGN.md): only contacts who engaged or opted in; the dispatcher asks again at send time.
      Gate gate = contacts_ ? contacts_->messageable_one_to_one(c, pid, ids[i]) : Gate{false, "no_consent"};
      if (!gate.allowed) {
        refuse(gate.reason == "opted_out"    ? "opted out: never invited"
               : gate.reason == "suppressed" ? "on the suppression list: never invited"
               : gate.reason == "no_phone"   ? "no phone number known"
                                             : "consent " + ct[0].str("consent") + ": only engaged or opted-in contacts are invited");
        continue;
      }
      if (!c.run("invite-open", {gid, ids[i]}).empty()) { refuse("already invited to this group"); continue; }
      std::string phone = ct[0].str("phone");
      int64_t iid = 0;
      if (method == "link") {
        iid = c.run("invite-insert", {pid, gid, aid, ids[i], phone, method, std::string("link_sent"), nullptr, nullptr, now, u.id, now})[0].i64("id");
        int64_t ob = enqueue_link(c, pid, aid, ids[i], phone, g.str("name"), g.str("invite_link"), "group-invite:" + std::to_string(iid), now);
        c.run("invite-set", {iid, std::string("link_sent"), nullptr, ob, now});
      } else {
        iid = c.run("invite-insert", {pid, gid, aid, ids[i], phone, method, std::string("queued"), nullptr, nullptr, next, u.id, now})[0].i64("id");
        next += s.add_interval_ms;
      }
      queued.push_back({{"id", iid}, {"contact_id", ids[i]}, {"method", method}});
    }
    // A request where nobody may be invited is bad input: an error naming the first contact, nothing stored.
    if (queued.empty()) {
      const auto& r0 = refused[0];
      throw validation(r0["field"].get<std::string>(), r0["reason"].get<std::string>());
    }
    audit(c, now, pid, Actor{u.id, u.email}, "group.invited", "group:" + std::to_string(gid), nullptr,
          {{"method", method}, {"queued", queued.size()}, {"refused", refused.size()}});
  });
  bus_.publish({"groups.updated", pid, std::nullopt, {{"group_id", gid}, {"invites", queued.size()}}, now});
  return {{"queued", queued}, {"refused", refused}};
}

json OwnGroupService::invites(int64_t pid, int64_t gid) {
  return db_.read([&](store::Conn& c) {
    store::Result keep;
    own_row(c, pid, gid, keep);
    auto r = c.run("invite-list", {pid, gid});
    json items = json::array();
    for (size_t i = 0; i < r.size(); ++i) {
      std::string st = r[i].str("status");
      items.push_back({{"id", r[i].i64("id")},
                       {"contact", {{"id", r[i].i64("contact_id")}, {"phone", r[i].str("phone")},
                                    {"name", r[i].is_null("contact_name") || r[i].str("contact_name").empty() ? (r[i].is_null("contact_push_name") ? json(nullptr) : json(r[i].str("contact_push_name"))) : json(r[i].str("contact_name"))}}},
                       {"method", r[i].str("method")},
                       {"status", st},
                       {"status_text", status_words(st)},
                       {"reason", r[i].is_null("reason") ? json(nullptr) : json(r[i].str("reason"))},
                       {"message_status", r[i].is_null("outbox_status") ? json(nullptr) : json(r[i].str("outbox_status"))},
                       {"message_reason", r[i].is_null("outbox_reason") ? json(nullptr) : json(r[i].str("outbox_reason"))},
                       {"planned_at", format_iso8601(r[i].i64("run_after"))},
                       {"updated_at", format_iso8601(r[i].i64("updated_at"))}});
    }
    return json{{"items", items}};
  });
}

void OwnGroupService::tick() {
  std::unique_lock lk(tick_mu_, std::try_to_lock);
  if (!lk) return;
  int64_t now = clock_.now_ms();
  if (now - last_tick_ < opts_.tick_ms) return;
  last_tick_ = now;
  store::Result due;
  try {
    due = db_.read([&](store::Conn& c) { return c.run("invite-due", {now}); });
  } catch (const std::exception& e) {
    spdlog::error("event=own_groups.tick_failed error={}", log_value(e.what()));
    return;
  }
  std::set<int64_t> busy;  // one add per number per round: the interval is checked per number
  for (size_t i = 0; i < due.size(); ++i) {
    int64_t id = due[i].i64("id"), pid = due[i].i64("project_id"), gid = due[i].i64("group_id"), aid = due[i].i64("account_id");
    if (!busy.insert(aid).second) continue;
    std::string phone = due[i].str("phone"), wa = due[i].str("wa_id");
    std::optional<std::string> code = due[i].opt_str("invite_link");
    int64_t contact = due[i].i64("contact_id");
    bool go = db_.write([&](store::Conn& c) {
      Settings s = settings_of(c, pid);
      auto last = c.run("invite-last-add", {aid});
      if (!last.empty() && !last[0].is_null("at") && now - last[0].i64("at") < s.add_interval_ms) {
        c.run("invite-requeue", {id, last[0].i64("at") + s.add_interval_ms, now});
        return false;
      }
      auto prow = c.run("project-by-id", {pid});
      std::string tz = prow.empty() ? "UTC" : prow[0].str("time_zone");
      std::string day = GroupService::local_day(tz, now);
      if (c.run("invite-adds-day", {aid, day})[0].i64("n") >= s.adds_per_day) {
        c.run("invite-requeue", {id, GroupService::next_local_midnight(tz, now), now});
        return false;
      }
      return c.run("invite-claim", {id, day, now}).affected > 0;
    });
    if (!go) continue;
    executor_([this, id, pid, gid, aid, phone, wa, code, contact] {
      try {
        auto out = wait_engine<AddOutcome>(opts_.engine_wait_ms, [&](auto cb) { admin_.add(aid, wa, phone, std::move(cb)); });
        int64_t at = clock_.now_ms();
        db_.write([&](store::Conn& c) {
          if (auto* f = std::get_if<EngineFailure>(&out)) {
            if (f->code == "not_member") c.run("own-set-left", {gid, aid, at});
            c.run("invite-set", {id, std::string("failed"), f->code + ": " + f->message, nullptr, at});
            return;
          }
          auto& a = std::get<AddOutcome>(out);
          if (a.status == "added") {
            c.run("invite-set", {id, std::string("added"), nullptr, nullptr, at});
            c.run("own-size-add", {gid, int64_t(1)});
          } else if (a.status == "invite_required" && code) {
            // Their privacy refuses adds: the link instead, one-to-one, under the same consent gate.
            auto g = c.run("own-list", {pid, gid});
            int64_t ob = enqueue_link(c, pid, aid, contact, phone, g.empty() ? wa : g[0].str("name"), *code,
                                      "group-invite:" + std::to_string(id), at);
            c.run("invite-set", {id, std::string("link_sent"), std::string("their privacy settings refuse adds: invite link sent instead"), ob, at});
          } else {
            c.run("invite-set", {id, std::string("failed"), a.status + ": " + a.message, nullptr, at});
          }
        });
        spdlog::info("event=own_groups.add project={} group={} invite={} outcome={}", pid, gid, id,
                     std::holds_alternative<AddOutcome>(out) ? std::get<AddOutcome>(out).status : std::get<EngineFailure>(out).code);
        bus_.publish({"groups.updated", pid, std::nullopt, {{"group_id", gid}, {"invite_id", id}}, at});
      } catch (const std::exception& e) {
        spdlog::error("event=own_groups.add_failed invite={} error={}", id, log_value(e.what()));
      }
    });
  }
}

// ---- invite links ---------------------------------------------------------------------------

json OwnGroupService::invite_link(int64_t pid, int64_t gid) {
  store::Result keep;
  auto r = db_.read([&](store::Conn& c) { return c.run("own-list", {pid, gid}); });
  if (r.empty()) throw not_found("no such group among the project's own groups");
  if (r[0].boolean("has_left")) throw conflict("group", "group: our number is no longer in this group (it left or was removed); it has no link we can use");
  int64_t aid = r[0].i64("account_id");
  auto out = wait_engine<std::string>(opts_.engine_wait_ms, [&](auto cb) { admin_.invite_code(aid, r[0].str("wa_id"), std::move(cb)); });
  if (auto* f = std::get_if<EngineFailure>(&out)) throw engine_error(pid, gid, aid, *f, "group");
  db_.write([&](store::Conn& c) {
    c.run("own-set-invite", {pid, gid, std::get<std::string>(out)});
    c.run("own-set-link-enabled", {pid, gid, int64_t(1)});
  });
  return get(pid, gid);
}

json OwnGroupService::renew_link(const User& u, int64_t pid, int64_t gid, bool keep_hidden) {
  auto r = db_.read([&](store::Conn& c) { return c.run("own-list", {pid, gid}); });
  if (r.empty()) throw not_found("no such group among the project's own groups");
  if (r[0].boolean("has_left")) throw conflict("group", "group: our number is no longer in this group (it left or was removed); its link cannot be changed");
  int64_t aid = r[0].i64("account_id");
  auto out = wait_engine<std::string>(opts_.engine_wait_ms, [&](auto cb) { admin_.revoke_invite(aid, r[0].str("wa_id"), std::move(cb)); });
  if (auto* f = std::get_if<EngineFailure>(&out)) throw engine_error(pid, gid, aid, *f, "group");
  int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) {
    c.run("own-set-invite", {pid, gid, std::get<std::string>(out)});
    c.run("own-set-link-enabled", {pid, gid, int64_t(keep_hidden ? 0 : 1)});
    audit(c, now, pid, Actor{u.id, u.email}, keep_hidden ? "group.link_revoked" : "group.link_rotated", "group:" + std::to_string(gid),
          nullptr, {{"hidden", keep_hidden}});
  });
  bus_.publish({"groups.updated", pid, std::nullopt, {{"group_id", gid}, {"link", keep_hidden ? "revoked" : "rotated"}}, now});
  return get(pid, gid);
}

json OwnGroupService::public_link(int64_t pid) {
  auto p = db_.read([&](store::Conn& c) { return c.run("project-by-id", {pid}); });
  if (p.empty()) throw not_found("no such project");
  std::string base = public_base();
  std::string url = (base.empty() ? "" : base) + "/j/" + p[0].str("slug");
  auto r = db_.read([&](store::Conn& c) { return c.run("own-list", {pid, nullptr}); });
  json target = nullptr;
  for (size_t i = 0; i < r.size(); ++i) {
    if (r[i].boolean("has_left") || !r[i].boolean("link_enabled") || r[i].is_null("invite_link") || r[i].i64("size") >= kGroupLimit) continue;
    target = {{"group_id", r[i].i64("group_id")}, {"name", r[i].str("name")}, {"members", r[i].i64("size")}};
    break;
  }
  return {{"url", url}, {"target", target}};
}

std::optional<std::string> OwnGroupService::public_target(const std::string& slug) {
  auto p = db_.read([&](store::Conn& c) { return c.run("own-public-project", {slug}); });
  if (p.empty()) return std::nullopt;
  auto r = db_.read([&](store::Conn& c) { return c.run("own-list", {p[0].i64("id"), nullptr}); });
  // The first group with room, oldest first: a website QR code never leads to a full group.
  for (size_t i = 0; i < r.size(); ++i) {
    if (r[i].boolean("has_left") || !r[i].boolean("link_enabled") || r[i].is_null("invite_link") || r[i].i64("size") >= kGroupLimit) continue;
    return kInviteBase + r[i].str("invite_link");
  }
  return std::nullopt;
}

// ---- join requests --------------------------------------------------------------------------

JoinFacts OwnGroupService::facts_of(store::Conn& c, int64_t pid, const std::optional<std::string>& phone) {
  JoinFacts f;
  f.phone = phone;
  if (!phone) return f;
  f.phone_country = phone_region(*phone);
  auto ct = c.run("own-contact-by-phone", {pid, *phone});
  f.known_contact = !ct.empty();
  f.opted_out = !ct.empty() && ct[0].str("consent") == "opted_out";
  f.suppressed = contacts_ && contacts_->suppressed(c, *phone);
  return f;
}

json OwnGroupService::decide_one(std::optional<int64_t> user, int64_t pid, int64_t gid, int64_t aid, const std::string& wa, int64_t rid,
                                 const std::string& requester, bool approve, const std::string& rule) {
  auto out = wait_engine<DecisionOutcome>(opts_.engine_wait_ms, [&](auto cb) { admin_.decide(aid, wa, requester, approve, std::move(cb)); });
  int64_t now = clock_.now_ms();
  std::string status = approve ? "approved" : "rejected";
  std::optional<std::string> reason;
  if (auto* f = std::get_if<EngineFailure>(&out)) {
    if (f->code == "not_member" || f->code == "not_admin") throw engine_error(pid, gid, aid, *f, "group");
    throw engine_error(pid, gid, aid, *f, "account_id");
  }
  auto& d = std::get<DecisionOutcome>(out);
  if (!d.ok) {
    status = "failed";
    reason = d.message;
  }
  db_.write([&](store::Conn& c) {
    c.run("join-request-decide", {rid, status, opt(user), rule.empty() ? store::Value(nullptr) : store::Value(rule), opt(reason), now});
    if (status == "approved") c.run("own-size-add", {gid, int64_t(1)});
    audit(c, now, pid, Actor{user.value_or(0), user ? "" : "sangam"}, "group.join_request." + status, "group:" + std::to_string(gid),
          nullptr, {{"requester", requester}, {"rule", rule.empty() ? json(nullptr) : json(rule)}});
  });
  spdlog::info("event=own_groups.join_request project={} group={} request={} status={} by={}", pid, gid, rid, status,
               rule.empty() ? "hand" : "rule");
  bus_.publish({"groups.updated", pid, std::nullopt, {{"group_id", gid}, {"join_request", rid}, {"status", status}}, now});
  return {{"id", rid}, {"status", status}, {"reason", reason ? json(*reason) : json(nullptr)}};
}

json OwnGroupService::requests(int64_t pid, int64_t gid, bool refresh) {
  auto r = db_.read([&](store::Conn& c) { return c.run("own-list", {pid, gid}); });
  if (r.empty()) throw not_found("no such group among the project's own groups");
  if (refresh) {
    if (r[0].boolean("has_left")) throw conflict("group", "group: our number is no longer in this group; its join requests cannot be read");
    int64_t aid = r[0].i64("account_id");
    auto out = wait_engine<std::vector<EngineJoinRequest>>(opts_.engine_wait_ms, [&](auto cb) { admin_.requests(aid, r[0].str("wa_id"), std::move(cb)); });
    if (auto* f = std::get_if<EngineFailure>(&out)) throw engine_error(pid, gid, aid, *f, "group");
    int64_t now = clock_.now_ms();
    db_.write([&](store::Conn& c) {
      for (const auto& q : std::get<std::vector<EngineJoinRequest>>(out)) {
        if (!c.run("join-request-pending-of", {gid, q.requester}).empty()) continue;
        auto phone = q.phone ? q.phone : phone_of_jid(q.requester);
        c.run("join-request-upsert", {pid, gid, q.requester, opt(phone), q.requested_at_ms.value_or(now)});
      }
    });
  }
  return db_.read([&](store::Conn& c) {
    auto l = c.run("join-request-list", {pid, gid});
    json pending = json::array(), log = json::array();
    for (size_t i = 0; i < l.size(); ++i) {
      json it = {{"id", l[i].i64("id")}, {"requester", l[i].str("requester")},
                 {"phone", l[i].is_null("phone") ? json(nullptr) : json(l[i].str("phone"))},
                 {"requested_at", format_iso8601(l[i].i64("requested_at"))}, {"status", l[i].str("status")}};
      if (l[i].str("status") == "pending") {
        pending.push_back(it);
        continue;
      }
      it["decided_by"] = l[i].is_null("decided_by") ? json(nullptr) : json(l[i].i64("decided_by"));
      it["by"] = l[i].is_null("rule") ? "hand" : "rule";
      it["rule"] = l[i].is_null("rule") ? json(nullptr) : json(l[i].str("rule"));
      it["reason"] = l[i].is_null("reason") ? json(nullptr) : json(l[i].str("reason"));
      it["decided_at"] = l[i].is_null("decided_at") ? json(nullptr) : json(format_iso8601(l[i].i64("decided_at")));
      log.push_back(it);
    }
    return json{{"pending", pending}, {"log", log}, {"rule", join_rule_json(settings_of(c, pid).rule)}};
  });
}

json OwnGroupService::decide(const User& u, int64_t pid, int64_t gid, int64_t rid, bool approve) {
  auto own = db_.read([&](store::Conn& c) { return c.run("own-list", {pid, gid}); });
  if (own.empty()) throw not_found("no such group among the project's own groups");
  auto q = db_.read([&](store::Conn& c) { return c.run("join-request-get", {pid, gid, rid}); });
  if (q.empty()) throw not_found("no such join request in this group");
  if (q[0].str("status") != "pending") throw conflict("request", "request: already " + q[0].str("status"));
  if (own[0].boolean("has_left")) throw conflict("group", "group: our number is no longer in this group; its requests cannot be answered");
  return decide_one(u.id, pid, gid, own[0].i64("account_id"), q[0].str("wa_id"), rid, q[0].str("requester"), approve, "");
}

json OwnGroupService::apply_rule(int64_t pid, int64_t gid) {
  auto own = db_.read([&](store::Conn& c) { return c.run("own-list", {pid, gid}); });
  if (own.empty()) throw not_found("no such group among the project's own groups");
  auto [rule, pending] = db_.read([&](store::Conn& c) { return std::make_pair(settings_of(c, pid).rule, c.run("join-request-list", {pid, gid})); });
  if (!rule.enabled) throw conflict("join_rule", "join_rule: the project has no join-request rule switched on (set it in the own-groups settings)");
  json decided = json::array();
  for (size_t i = 0; i < pending.size(); ++i) {
    if (pending[i].str("status") != "pending") continue;
    auto phone = pending[i].opt_str("phone");
    JoinVerdict v = db_.read([&](store::Conn& c) { return judge_join(rule, facts_of(c, pid, phone)); });
    if (!v.approve) continue;
    decided.push_back(decide_one(std::nullopt, pid, gid, own[0].i64("account_id"), own[0].str("wa_id"), pending[i].i64("id"),
                                 pending[i].str("requester"), *v.approve, v.rule));
  }
  return {{"decided", decided}, {"requests", requests(pid, gid, false)}};
}

void OwnGroupService::on_engine_event(int64_t aid, const std::string& event, const json& data) {
  if (event != "group.join_request") return;
  if (!data.contains("group_id") || !data["group_id"].is_string() || !data.contains("requester") || !data["requester"].is_string()) return;
  std::string wa = data["group_id"], requester = data["requester"];
  auto own = db_.read([&](store::Conn& c) { return c.run("own-group-by-wa", {wa, aid}); });
  if (own.empty()) return;
  int64_t pid = own[0].i64("project_id"), gid = own[0].i64("group_id"), now = clock_.now_ms();
  auto phone = phone_of_jid(requester);
  db_.write([&](store::Conn& c) {
    if (c.run("join-request-pending-of", {gid, requester}).empty()) c.run("join-request-upsert", {pid, gid, requester, opt(phone), now});
  });
  bus_.publish({"groups.updated", pid, std::nullopt, {{"group_id", gid}, {"join_request", requester}}, now});
  // Decided off the engine's I/O thread: the answer goes to WhatsApp and waits for it.
  executor_([this, pid, gid] {
    try {
      bool on = db_.read([&](store::Conn& c) { return settings_of(c, pid).rule.enabled; });
      if (on) apply_rule(pid, gid);
    } catch (const std::exception& e) {
      spdlog::warn("event=own_groups.rule_failed project={} group={} error={}", pid, gid, log_value(e.what()));
    }
  });
}

// ---- settings -------------------------------------------------------------------------------

json OwnGroupService::settings(int64_t pid) {
  return db_.read([&](store::Conn& c) {
    Settings s = settings_of(c, pid);
    return json{{"add_interval_seconds", s.add_interval_ms / 1000}, {"adds_per_day", s.adds_per_day}, {"join_rule", join_rule_json(s.rule)}};
  });
}

json OwnGroupService::update_settings(const User& u, int64_t pid, const json& body) {
  int64_t now = clock_.now_ms();
  db_.write([&](store::Conn& c) {
    Settings s = settings_of(c, pid);
    if (body.contains("add_interval_seconds")) {
      const auto& v = body["add_interval_seconds"];
      if (!v.is_number_integer() || v.get<int64_t>() < 10 || v.get<int64_t>() > 3600)
        throw validation("add_interval_seconds", "must be a whole number of seconds from 10 to 3600 (WhatsApp flags faster adds)");
      s.add_interval_ms = v.get<int64_t>() * 1000;
    }
    if (body.contains("adds_per_day")) {
      const auto& v = body["adds_per_day"];
      if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 200)
        throw validation("adds_per_day", "must be a whole number from 1 to 200 per number and day");
      s.adds_per_day = v.get<int64_t>();
    }
    if (body.contains("join_rule")) s.rule = join_rule_from(body["join_rule"]);
    c.run("own-settings-upsert", {pid, s.add_interval_ms, s.adds_per_day, join_rule_json(s.rule).dump(), now});
    audit(c, now, pid, Actor{u.id, u.email}, "group.own_settings", "project:" + std::to_string(pid), nullptr,
          {{"add_interval_seconds", s.add_interval_ms / 1000}, {"adds_per_day", s.adds_per_day}, {"join_rule", join_rule_json(s.rule)}});
  });
  return settings(pid);
}

}  // namespace sangam

namespace sangam {
void OwnGroupTap::on_engine_event(int64_t aid, const std::string& event, const json& data) {
  inner_.on_engine_event(aid, event, data);
  if (event != "group.join_request") return;
  try {
    own_.on_engine_event(aid, event, data);
  } catch (const std::exception& e) {
    spdlog::error("event=own_groups.event_failed account={} error={}", aid, log_value(e.what()));
  }
}
}  // namespace sangam
