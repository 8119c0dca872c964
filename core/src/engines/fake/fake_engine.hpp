#pragma once
// An Engine for unit tests: records every command and answers it at once (ok, unless told otherwise).
#include "engines/engine.hpp"

#include <mutex>
#include <vector>

namespace sangam {

class FakeEngine final : public Engine {
 public:
  struct Sent {
    int64_t account_id;
    std::string command;
    json args;
  };
  void command(int64_t account_id, const std::string& command, const json& args, EngineCallback cb) override {
    EngineResult r;
    {
      std::lock_guard g(mu_);
      sent.push_back({account_id, command, args});
      r = connected ? EngineResult{fail_with.empty(), reply, fail_with, fail_with.empty() ? "" : "fake failure"}
                    : EngineResult{false, nullptr, "no_connector", "no connector is connected", false};
    }
    if (cb) cb(r);
  }
  bool available() const override { return connected; }

  std::vector<std::string> commands_for(int64_t account_id) const {
    std::lock_guard g(mu_);
    std::vector<std::string> out;
    for (auto& s : sent)
      if (s.account_id == account_id) out.push_back(s.command);
    return out;
  }

  bool connected = true;
  std::string fail_with;  // error code every command answers with, when set
  json reply = json::object();
  std::vector<Sent> sent;

 private:
  mutable std::mutex mu_;
};

}  // namespace sangam
