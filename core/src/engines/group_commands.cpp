#include "engines/group_commands.hpp"
#include "util/json_fields.hpp"

#include <date/date.h>
#include <spdlog/spdlog.h>

#include <cstdio>

namespace sangam {
namespace {

EngineFailure failure_of(const EngineResult& r) {
  return {r.error_code.empty() ? "failed" : r.error_code, r.error_message.empty() ? "the engine failed" : r.error_message};
}

std::string str_or(const json& j, const char* k, std::string def = {}) { return string_field(j, k, std::move(def)); }
std::optional<std::string> opt_str(const json& j, const char* k) { return nonempty_string_field(j, k); }

// Runs `parse` on a successful answer; anything it throws (a connector answering nonsense) is a failure.
template <class T, class F>
void settle(const EngineResult& r, const std::function<void(EngineOutcome<T>)>& cb, F&& parse) {
  if (!r.ok) return cb(failure_of(r));
  EngineOutcome<T> out = EngineFailure{"bad_answer", "the engine's answer could not be read"};
  try {
    out = parse(r.data);
  } catch (const std::exception& e) {
    spdlog::warn("event=engine.bad_answer error=\"{}\"", e.what());
  }
  cb(std::move(out));
}

std::string digits_of(const std::string& phone) {
  std::string d;
  for (char ch : phone)
    if (ch >= '0' && ch <= '9') d += ch;
  return d;
}

// "2026-11-24T05:44:55.120Z" → UTC ms (the bridge's time format); nullopt for anything else.
std::optional<int64_t> parse_iso8601(const std::string& s) {
  int y, mo, d, h, mi;
  double sec;
  if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%lfZ", &y, &mo, &d, &h, &mi, &sec) != 6) return std::nullopt;
  auto ymd = date::year{y} / mo / d;
  if (!ymd.ok()) return std::nullopt;
  int64_t days = date::sys_days{ymd}.time_since_epoch().count();
  return days * 86400000 + h * 3600000LL + mi * 60000LL + static_cast<int64_t>(sec * 1000);
}

}  // namespace

GroupPage GroupCommands::parse_page(const json& data, const std::string& me) {
  GroupPage page;
  page.total = data.at("total").get<int64_t>();
  if (auto n = data.find("next_offset"); n != data.end() && n->is_number_integer()) page.next_offset = n->get<int64_t>();
  const std::string me_digits = digits_of(me);
  for (const auto& g : data.at("groups")) {
    EngineGroup eg;
    eg.wa_id = g.at("id").get<std::string>();
    if (eg.wa_id.empty()) continue;
    eg.name = str_or(g, "name");
    eg.description = str_or(g, "description");
    eg.announce_only = g.value("announce", false);
    eg.kind = g.value("is_community", false) ? "community" : str_or(g, "kind", eg.announce_only ? "announcement" : "group");
    if (eg.kind != "group" && eg.kind != "community" && eg.kind != "announcement") eg.kind = "group";
    eg.parent = opt_str(g, "community_id");
    eg.invite_code = opt_str(g, "invite_code");
    if (auto c = opt_str(g, "created_at")) {
      if (auto ms = parse_iso8601(*c)) eg.created_at_ms = *ms;
    }
    if (auto ps = g.find("participants"); ps != g.end() && ps->is_array()) {
      eg.members.reserve(ps->size());
      for (const auto& p : *ps) {
        GroupMember m;
        m.phone = opt_str(p, "phone");
        m.lid = opt_str(p, "lid");
        m.is_admin = p.value("admin", false);
        m.push_name = str_or(p, "push_name");
        if (!m.phone && !m.lid) {
          // "…@c.us" without a phone field (older connectors): the id's digits.
          auto id = str_or(p, "id");
          if (id.size() > 5 && id.compare(id.size() - 5, 5, "@c.us") == 0) m.phone = "+" + id.substr(0, id.size() - 5);
        }
        if (m.phone && !me_digits.empty() && digits_of(*m.phone) == me_digits) {
          eg.we_are_admin = m.is_admin;
          continue;
        }
        if (!m.phone && !m.lid) continue;
        eg.members.push_back(std::move(m));
      }
    }
    page.groups.push_back(std::move(eg));
  }
  return page;
}

std::vector<EngineChannel> GroupCommands::parse_channels(const json& data) {
  std::vector<EngineChannel> out;
  for (const auto& c : data.at("channels")) {
    EngineChannel ch;
    ch.wa_id = str_or(c, "id");
    if (ch.wa_id.empty()) continue;
    ch.name = str_or(c, "name");
    ch.description = str_or(c, "description");
    ch.followers = c.contains("followers") && c["followers"].is_number_integer() ? c["followers"].get<int64_t>() : 0;
    ch.role = str_or(c, "role", "subscriber");
    out.push_back(std::move(ch));
  }
  return out;
}

void GroupCommands::list_groups(int64_t aid, const std::string& me, GroupPageRequest req,
                                std::function<void(EngineOutcome<GroupPage>)> cb) {
  engine_.command(aid, "account.groups", {{"offset", req.offset}, {"limit", req.limit}},
                  [cb = std::move(cb), me](const EngineResult& r) {
                    settle<GroupPage>(r, cb, [&](const json& d) { return parse_page(d, me); });
                  });
}

void GroupCommands::list_channels(int64_t aid, std::function<void(EngineOutcome<std::vector<EngineChannel>>)> cb) {
  engine_.command(aid, "account.channels", json::object(), [cb = std::move(cb)](const EngineResult& r) {
    settle<std::vector<EngineChannel>>(r, cb, [](const json& d) { return parse_channels(d); });
  });
}

void GroupCommands::resolve_lids(int64_t aid, const std::vector<std::string>& lids,
                                 std::function<void(EngineOutcome<std::map<std::string, std::optional<std::string>>>)> cb) {
  engine_.command(aid, "account.resolve_lids", {{"lids", lids}}, [cb = std::move(cb)](const EngineResult& r) {
    settle<std::map<std::string, std::optional<std::string>>>(r, cb, [](const json& d) {
      std::map<std::string, std::optional<std::string>> out;
      for (auto& [lid, phone] : d.at("phones").items())
        out[lid] = phone.is_string() && !phone.get_ref<const std::string&>().empty() ? std::optional(phone.get<std::string>())
                                                                                       : std::nullopt;
      return out;
    });
  });
}

void GroupCommands::invite_info(int64_t aid, const std::string& code, std::function<void(EngineOutcome<InviteInfo>)> cb) {
  engine_.command(aid, "group.invite_info", {{"invite", code}}, [cb = std::move(cb)](const EngineResult& r) {
    settle<InviteInfo>(r, cb, [](const json& d) {
      InviteInfo i;
      i.group_wa_id = d.at("group_id").get<std::string>();
      i.name = str_or(d, "name");
      if (d.contains("size") && d["size"].is_number_integer()) i.size = d["size"].get<int64_t>();
      i.full = d.value("full", false);
      return i;
    });
  });
}

void GroupCommands::join(int64_t aid, const std::string& code, std::function<void(EngineOutcome<std::string>)> cb) {
  engine_.command(aid, "group.join", {{"invite", code}}, [cb = std::move(cb)](const EngineResult& r) {
    settle<std::string>(r, cb, [](const json& d) { return d.at("group_id").get<std::string>(); });
  });
}

}  // namespace sangam
