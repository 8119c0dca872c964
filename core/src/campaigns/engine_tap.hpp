#pragma once
// Passes every engine event on unchanged, then gives the campaigns what concerns them: acks
// (delivered, read) and incoming messages (replies) for the outbox's delivery record.
#include "campaigns/campaign_service.hpp"
#include "engines/engine.hpp"

#include <spdlog/spdlog.h>

namespace sangam::campaigns {

class CampaignEngineTap final : public EngineListener {
 public:
  CampaignEngineTap(EngineListener& inner, CampaignService& campaigns) : inner_(inner), campaigns_(campaigns) {}

  void on_engine_event(int64_t aid, const std::string& event, const json& data) override {
    inner_.on_engine_event(aid, event, data);
    if (event != "message.ack" && event != "message.received") return;
    try {
      campaigns_.on_engine_event(aid, event, data);
    } catch (const std::exception& e) {
      spdlog::error("event=campaigns.event_failed account={} event={} error=\"{}\"", aid, event, e.what());
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
  CampaignService& campaigns_;
};

}  // namespace sangam::campaigns
