#pragma once
#include <vector>

namespace sangam::store {
struct EmbeddedFile {
  const char* path;  // relative to core/src/store, e.g. "sqlite/migrations/0001_foundation.sql"
  const char* text;
};
const std::vector<EmbeddedFile>& embedded_sql();
}  // namespace sangam::store
