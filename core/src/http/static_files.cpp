#include "http/static_files.hpp"

namespace sangam::http {
namespace fs = std::filesystem;

namespace {

// A plain relative path: segments of printable characters, no empty, "." or ".." segment, no
// backslash (Windows separator, and a way to smuggle one past proxies), no control character or NUL.
bool plain_relative(std::string_view rel) {
  if (rel.empty() || rel.size() > 1024) return false;
  size_t start = 0;
  for (;;) {
    size_t end = rel.find('/', start);
    auto seg = rel.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (seg.empty() || seg == "." || seg == "..") return false;
    for (unsigned char ch : seg)
      if (ch < 0x20 || ch == 0x7f || ch == '\\') return false;
    if (end == std::string_view::npos) return true;
    start = end + 1;
  }
}

bool inside(const fs::path& root, const fs::path& p) {
  auto r = root.native(), s = p.native();
  return s.size() > r.size() && s.compare(0, r.size(), r) == 0 && s[r.size()] == '/';
}

}  // namespace

StaticFiles::StaticFiles(std::string dir) {
  if (dir.empty()) return;
  std::error_code ec;
  root_ = fs::canonical(dir, ec);
  if (ec) {
    root_.clear();
    return;
  }
  // Resolved once: every client-side route is answered with it.
  fs::path index = fs::canonical(root_ / "index.html", ec);
  if (!ec && inside(root_, index)) index_ = index;
}

StaticFiles::Lookup StaticFiles::find(std::string_view url_path) const {
  Lookup missing{Kind::missing, {}};
  if (root_.empty() || url_path.empty() || url_path.front() != '/') return missing;
  std::string_view rel = url_path.substr(1);
  std::error_code ec;
  if (!rel.empty() && rel.back() == '/') {
    // "/projects/1/" (a link or a hand-typed address with a trailing slash) is the client route
    // "/projects/1"; never a file, and "//" or a dot segment is still refused.
    std::string_view route = rel.substr(0, rel.size() - 1);
    if (!plain_relative(route) || fs::path(std::string(route)).has_extension()) return missing;
    rel = {};
  }
  if (!rel.empty()) {
    if (!plain_relative(rel)) return missing;
    fs::path p = fs::weakly_canonical(root_ / std::string(rel), ec);
    if (!ec && inside(root_, p) && fs::is_regular_file(p, ec)) return {Kind::file, p};
    // Client-side routes have no extension; a missing asset must be a 404, not the app.
    if (fs::path(std::string(rel)).has_extension()) return missing;
  }
  if (!index_.empty()) return {Kind::app, index_};
  // Not there at start (the dashboard was still being built): look again, as nothing is cached.
  fs::path index = fs::canonical(root_ / "index.html", ec);
  if (ec || !inside(root_, index)) return missing;
  return {Kind::app, index};
}

const char* StaticFiles::mime_type(const std::string& ext) {
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace sangam::http
