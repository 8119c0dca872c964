#pragma once
// Sits between the engine and the account pool: passes everything on to the accounts module
// unchanged, and tells the groups module what concerns it (a number became ready: sync; a message in
// a group: activity). The accounts module stays unaware of groups.
#include "engines/forwarding_listener.hpp"
#include "groups/group_service.hpp"

#include <spdlog/spdlog.h>

namespace sangam {

class GroupEngineTap final : public ForwardingListener {
 public:
  GroupEngineTap(EngineListener& inner, GroupService& groups) : ForwardingListener(inner), groups_(groups) {}

  void on_engine_event(int64_t aid, const std::string& event, const json& data) override {
    inner_.on_engine_event(aid, event, data);
    try {
      if (event == "account.ready") groups_.on_account_ready(aid);
      else if (event == "message.received") groups_.on_group_message(aid, data);
    } catch (const std::exception& e) {
      spdlog::error("event=groups.event_failed account={} event={} error=\"{}\"", aid, event, e.what());
    }
  }

 private:
  GroupService& groups_;
};

}  // namespace sangam
