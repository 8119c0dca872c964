#pragma once
// Passes every engine event on unchanged, then gives the campaigns what concerns them: acks
// (delivered, read) and incoming messages (replies) for the outbox's delivery record.
#include "campaigns/campaign_service.hpp"
#include "engines/forwarding_listener.hpp"

#include <spdlog/spdlog.h>

namespace sangam::campaigns {

class CampaignEngineTap final : public ForwardingListener {
 public:
  CampaignEngineTap(EngineListener& inner, CampaignService& campaigns) : ForwardingListener(inner), campaigns_(campaigns) {}

  void on_engine_event(int64_t aid, const std::string& event, const json& data) override {
    inner_.on_engine_event(aid, event, data);
    if (event != "message.ack" && event != "message.received") return;
    try {
      campaigns_.on_engine_event(aid, event, data);
    } catch (const std::exception& e) {
      spdlog::error("event=campaigns.event_failed account={} event={} error=\"{}\"", aid, event, e.what());
    }
  }

 private:
  CampaignService& campaigns_;
};

}  // namespace sangam::campaigns
