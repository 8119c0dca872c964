#pragma once
// Sits in front of the other listeners (groups, accounts): passes every engine event on unchanged,
// then queues a copy for the analytics log. Queueing is a push under a mutex (no database on the
// bridge's thread), so analytics never slows the accounts module down.
#include "analytics/event_log.hpp"
#include "engines/forwarding_listener.hpp"

#include <spdlog/spdlog.h>

namespace sangam::analytics {

class AnalyticsEngineTap final : public ForwardingListener {
 public:
  AnalyticsEngineTap(EngineListener& inner, EventLog& log) : ForwardingListener(inner), log_(log) {}

  void on_engine_event(int64_t aid, const std::string& event, const json& data) override {
    inner_.on_engine_event(aid, event, data);
    try {
      log_.on_engine_event(aid, event, data);
    } catch (const std::exception& e) {
      spdlog::error("event=analytics.tap_failed account={} error=\"{}\"", aid, e.what());
    }
  }

 private:
  EventLog& log_;
};

}  // namespace sangam::analytics
