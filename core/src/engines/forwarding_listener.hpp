#pragma once
// An EngineListener in front of another that passes everything on unchanged. The taps (groups,
// campaigns, analytics, welcome, own groups) derive from it and override on_engine_event alone, to
// tell their own module what concerns it after the inner listener has seen the event.
#include "engines/engine.hpp"

namespace sangam {

class ForwardingListener : public EngineListener {
 public:
  explicit ForwardingListener(EngineListener& inner) : inner_(inner) {}
  void on_engine_event(int64_t aid, const std::string& event, const json& data) override { inner_.on_engine_event(aid, event, data); }
  json on_engine_request(int64_t aid, const std::string& request, const json& args) override {
    return inner_.on_engine_request(aid, request, args);
  }
  void on_connector_up(const std::string& id) override { inner_.on_connector_up(id); }
  void on_connector_down(const std::string& id, const std::string& reason) override { inner_.on_connector_down(id, reason); }
  void on_connector_refused(const std::string& id, int64_t aid, const std::string& what) override {
    inner_.on_connector_refused(id, aid, what);
  }

 protected:
  EngineListener& inner_;
};

}  // namespace sangam
