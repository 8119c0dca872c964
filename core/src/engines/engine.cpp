#include "engines/engine.hpp"

namespace sangam {

EngineCapabilities capabilities_of(const std::string& kind) {
  if (kind == "webjs") return {true, true, true, true, true, false};
  if (kind == "sim") return {true, true, true, true, true, true};
  return {};
}

}  // namespace sangam
