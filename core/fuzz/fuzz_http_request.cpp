// The request line's target and the head's framing: the first line is the target, the rest header
// lines ("name: value"). Whatever the target, a static lookup stays inside the web directory.
#include "http/static_files.hpp"
#include "http/types.hpp"
#include "util/log_text.hpp"

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::string web = [] {
    char tmpl[] = "/tmp/sangam-fuzz-web-XXXXXX";
    std::string dir = mkdtemp(tmpl);
    fs::create_directories(dir + "/assets");
    std::ofstream(dir + "/index.html") << "app";
    std::ofstream(dir + "/assets/a.js") << "js";
    return dir;
  }();
  static sangam::http::StaticFiles files(web);
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto nl = in.find('\n');
  sangam::http::Request r;
  r.target = std::string(in.substr(0, nl));
  std::vector<std::pair<std::string, std::string>> headers;
  if (nl != std::string_view::npos) {
    std::string_view rest = in.substr(nl + 1);
    while (!rest.empty()) {
      auto end = rest.find('\n');
      auto line = rest.substr(0, end);
      auto colon = line.find(':');
      if (colon != std::string_view::npos) headers.emplace_back(std::string(line.substr(0, colon)), std::string(line.substr(colon + 1)));
      if (end == std::string_view::npos) break;
      rest.remove_prefix(end + 1);
    }
  }
  r.headers = headers;
  sangam::http::framing_error(11, headers);
  if (!sangam::http::normalize_target(r.target)) return 0;
  sangam::http::split_target(r);
  r.query_param("q");
  r.cookie("sangam_session");
  auto found = files.find(r.path);
  if (found.kind != sangam::http::StaticFiles::Kind::missing) {
    auto p = found.path.native();
    auto root = fs::canonical(web).native();
    if (p.compare(0, root.size() + 1, root + "/") != 0) __builtin_trap();  // escaped the web directory
  }
  auto logged = sangam::log_value(r.path);
  if (logged.find('\n') != std::string::npos || logged.find('\0') != std::string::npos) __builtin_trap();
  return 0;
}
