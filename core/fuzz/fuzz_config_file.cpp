// The SANGAM_CONFIG file: any bytes give a Config or one ConfigError line, never a crash.
#include "config/config.hpp"

#include <unistd.h>

#include <cstdio>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::string path = [] {
    char tmpl[] = "/tmp/sangam-fuzz-config-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd >= 0) close(fd);
    return std::string(tmpl);
  }();
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  auto env = [&](const char* name) -> const char* { return std::string(name) == "SANGAM_CONFIG" ? path.c_str() : nullptr; };
  try {
    sangam::load_config(env);
  } catch (const sangam::ConfigError& e) {
    if (std::string(e.what()).empty()) __builtin_trap();  // an error always says what is wrong
  }
  return 0;
}
