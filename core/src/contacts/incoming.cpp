#include "contacts/incoming.hpp"

#include "util/log_text.hpp"

#include <spdlog/spdlog.h>

namespace sangam {

void IncomingFanout::on_incoming(int64_t pid, int64_t aid, const std::string& event, const nlohmann::json& data) {
  for (size_t i = 0; i < listeners_.size(); ++i) {
    try {
      listeners_[i]->on_incoming(pid, aid, event, data);
    } catch (const std::exception& e) {
      spdlog::error("event=incoming.listener_failed project={} account={} event={} listener={} error={}", pid, aid,
                    log_value(event), i, log_value(e.what()));
    }
  }
}

}  // namespace sangam
