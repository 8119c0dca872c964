#pragma once
// The dashboard's files (web/dist). Only a file that resolves inside the web directory is ever served:
// the decoded path is checked for separators and dot segments, then canonicalised (symlinks included)
// and compared with the canonical web directory, so no spelling of a path reaches the rest of the disk.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace sangam::http {

class StaticFiles {
 public:
  explicit StaticFiles(std::string dir);
  bool empty() const { return root_.empty(); }

  enum class Kind { file, app, missing };
  struct Lookup {
    Kind kind;
    std::filesystem::path path;  // the file to send (index.html for Kind::app)
  };
  // `url_path` is the decoded request path ("/assets/index-3f2a.js"). Client-side routes
  // ("/projects/3/settings") get the app's index.html; a path that is not a plain relative path inside
  // the directory, or a missing file with an extension, is missing.
  Lookup find(std::string_view url_path) const;

  static const char* mime_type(const std::string& ext);

 private:
  std::filesystem::path root_;   // canonical
  std::filesystem::path index_;  // root_/index.html, canonical, resolved at start; empty when it was missing
};

}  // namespace sangam::http
