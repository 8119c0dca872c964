#pragma once
// Sits in front of the other listeners (groups, accounts): passes every engine event on unchanged,
// then queues a copy for the analytics log. Queueing is a push under a mutex (no database on the
// bridge's thread), so analytics never slows the accounts module down.
#include "analytics/event_log.hpp"
#include "engines/engine.hpp"

#include <spdlog/spdlog.h>

namespace sangam::analytics {

class AnalyticsEngineTap final : public EngineListener {
 public:
  AnalyticsEngineTap(EngineListener& inner, EventLog& log) : inner_(inner), log_(log) {}

  void on_engine_event(int64_t aid, const std::string& event, const json& data) override {
    inner_.on_engine_event(aid, event, data);
    try {
      log_.on_engine_event(aid, event, data);
    } catch (const std::exception& e) {
      spdlog::error("event=analytics.tap_failed account={} error=\"{}\"", aid, e.what());
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
  EventLog& log_;
};

}  // namespace sangam::analytics
