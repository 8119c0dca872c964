#pragma once
// Sits between the engine and the account pool: passes everything on to the accounts module
// unchanged, and tells the groups module what concerns it (a number became ready: sync; a message in
// a group: activity). The accounts module stays unaware of groups.
#include "engines/engine.hpp"
#include "groups/group_service.hpp"

#include <spdlog/spdlog.h>

namespace sangam {

class GroupEngineTap final : public EngineListener {
 public:
  GroupEngineTap(EngineListener& inner, GroupService& groups) : inner_(inner), groups_(groups) {}

  void on_engine_event(int64_t aid, const std::string& event, const json& data) override {
    inner_.on_engine_event(aid, event, data);
    try {
      if (event == "account.ready") groups_.on_account_ready(aid);
      else if (event == "message.received") groups_.on_group_message(aid, data);
    } catch (const std::exception& e) {
      spdlog::error("event=groups.event_failed account={} event={} error=\"{}\"", aid, event, e.what());
    }
  }
  json on_engine_request(int64_t aid, const std::string& request, const json& args) override {
    return inner_.on_engine_request(aid, request, args);
  }
  void on_connector_up(const std::string& id) override { inner_.on_connector_up(id); }
  void on_connector_down(const std::string& id, const std::string& reason) override { inner_.on_connector_down(id, reason); }
  void on_connector_refused(const std::string& id, int64_t aid, const std::string& what) override {
    inner_.on_connector_refused(id, aid, what);
  }

 private:
  EngineListener& inner_;
  GroupService& groups_;
};

}  // namespace sangam
