#include "engines/group_admin.hpp"
#include "util/json_fields.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>

namespace sangam {
namespace {

template <class T, class F>
void settle(const EngineResult& r, const std::function<void(EngineOutcome<T>)>& cb, F&& parse) {
  if (!r.ok) {
    return cb(EngineFailure{r.error_code.empty() ? "failed" : r.error_code,
                            r.error_message.empty() ? "the engine failed" : r.error_message});
  }
  EngineOutcome<T> out = EngineFailure{"bad_answer", "the engine's answer could not be read"};
  try {
    out = parse(r.data);
  } catch (const std::exception& e) {
    spdlog::warn("event=engine.bad_answer error=\"{}\"", e.what());
  }
  cb(std::move(out));
}

std::optional<int64_t> iso_ms(const json& j, const char* k) {
  auto s = nonempty_string_field(j, k);
  if (!s) return std::nullopt;
  int y, mo, d, h, mi;
  double sec;
  if (std::sscanf(s->c_str(), "%d-%d-%dT%d:%d:%lfZ", &y, &mo, &d, &h, &mi, &sec) != 6) return std::nullopt;
  // days_from_civil (Howard Hinnant), so this file needs no date library.
  y -= mo <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = era * 146097 + doe - 719468;
  return days * 86400000 + h * 3600000LL + mi * 60000LL + static_cast<int64_t>(sec * 1000);
}

}  // namespace

AddOutcome GroupAdmin::parse_add(const json& j) {
  AddOutcome a;
  a.participant = string_field(j, "participant");
  a.code = j.contains("code") && j["code"].is_number_integer() ? j["code"].get<int>() : 0;
  a.status = string_field(j, "status", "failed");
  a.message = string_field(j, "message");
  return a;
}

void GroupAdmin::create(int64_t aid, const CreateGroupRequest& req, std::function<void(EngineOutcome<CreatedGroup>)> cb) {
  json args = {{"name", req.name}, {"description", req.description}, {"participants", req.participants},
               {"announce", req.announce}, {"admins_add_only", req.admins_add_only}};
  if (req.community) args["community"] = *req.community;
  engine_.command(aid, "group.create", args, [cb = std::move(cb)](const EngineResult& r) {
    settle<CreatedGroup>(r, cb, [](const json& d) {
      CreatedGroup g;
      g.wa_id = d.at("group_id").get<std::string>();
      g.invite_code = nonempty_string_field(d, "invite_code");
      if (auto p = d.find("participants"); p != d.end() && p->is_array())
        for (const auto& x : *p) g.participants.push_back(parse_add(x));
      return g;
    });
  });
}

void GroupAdmin::add(int64_t aid, const std::string& group, const std::string& phone, std::function<void(EngineOutcome<AddOutcome>)> cb) {
  engine_.command(aid, "group.add", {{"group", group}, {"participants", {phone}}}, [cb = std::move(cb)](const EngineResult& r) {
    settle<AddOutcome>(r, cb, [](const json& d) { return parse_add(d.at("results").at(0)); });
  });
}

void GroupAdmin::remove(int64_t aid, const std::string& group, const std::string& participant,
                        std::function<void(EngineOutcome<int64_t>)> cb) {
  engine_.command(aid, "group.remove", {{"group", group}, {"participants", {participant}}}, [cb = std::move(cb)](const EngineResult& r) {
    settle<int64_t>(r, cb, [](const json& d) { return d.at("removed").get<int64_t>(); });
  });
}

void GroupAdmin::invite_code(int64_t aid, const std::string& group, std::function<void(EngineOutcome<std::string>)> cb) {
  engine_.command(aid, "group.invite_code", {{"group", group}}, [cb = std::move(cb)](const EngineResult& r) {
    settle<std::string>(r, cb, [](const json& d) { return d.at("invite_code").get<std::string>(); });
  });
}

void GroupAdmin::revoke_invite(int64_t aid, const std::string& group, std::function<void(EngineOutcome<std::string>)> cb) {
  engine_.command(aid, "group.revoke_invite", {{"group", group}}, [cb = std::move(cb)](const EngineResult& r) {
    settle<std::string>(r, cb, [](const json& d) { return d.at("invite_code").get<std::string>(); });
  });
}

void GroupAdmin::requests(int64_t aid, const std::string& group, std::function<void(EngineOutcome<std::vector<EngineJoinRequest>>)> cb) {
  engine_.command(aid, "group.requests", {{"group", group}}, [cb = std::move(cb)](const EngineResult& r) {
    settle<std::vector<EngineJoinRequest>>(r, cb, [](const json& d) {
      std::vector<EngineJoinRequest> out;
      for (const auto& x : d.at("requests")) {
        EngineJoinRequest q;
        q.requester = string_field(x, "id");
        if (q.requester.empty()) continue;
        q.phone = nonempty_string_field(x, "phone");
        q.requested_at_ms = iso_ms(x, "requested_at");
        out.push_back(std::move(q));
      }
      return out;
    });
  });
}

void GroupAdmin::decide(int64_t aid, const std::string& group, const std::string& requester, bool approve,
                        std::function<void(EngineOutcome<DecisionOutcome>)> cb) {
  engine_.command(aid, approve ? "group.approve" : "group.reject", {{"group", group}, {"requesters", {requester}}},
                  [cb = std::move(cb)](const EngineResult& r) {
                    settle<DecisionOutcome>(r, cb, [](const json& d) {
                      const json& x = d.at("results").at(0);
                      return DecisionOutcome{string_field(x, "requester"), x.value("ok", false), string_field(x, "message")};
                    });
                  });
}

void GroupAdmin::delete_message(int64_t aid, const std::string& message_id, std::function<void(EngineOutcome<bool>)> cb) {
  engine_.command(aid, "message.delete", {{"message_id", message_id}}, [cb = std::move(cb)](const EngineResult& r) {
    settle<bool>(r, cb, [](const json& d) { return d.value("deleted", false); });
  });
}

}  // namespace sangam
