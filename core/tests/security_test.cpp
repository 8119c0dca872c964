// The HTTP layer's defences that need no database: static files, request targets and framing, and
// what reaches the log.
#include "http/static_files.hpp"
#include "http/types.hpp"
#include "util/log_text.hpp"

#include "support.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace sangam;
using namespace sangam::http;
namespace fs = std::filesystem;

namespace {

struct WebDir {
  std::string root = test::temp_dir();
  std::string web = root + "/web";
  WebDir() {
    fs::create_directories(web + "/assets");
    std::ofstream(web + "/index.html") << "<div id=root></div>";
    std::ofstream(web + "/assets/app-1a2b.js") << "console.log(1)";
    std::ofstream(root + "/secret.key") << "0123";
    fs::create_symlink(root + "/secret.key", web + "/leak.txt");
    fs::create_directory_symlink(root, web + "/up");
  }
};

Request request_for(const std::string& target) {
  Request r;
  r.method = "GET";
  r.target = target;
  split_target(r);
  return r;
}

}  // namespace

TEST(StaticFiles, ServesFilesInsideTheWebDirectory) {
  WebDir d;
  StaticFiles files(d.web);
  auto f = files.find("/assets/app-1a2b.js");
  EXPECT_EQ(f.kind, StaticFiles::Kind::file);
  EXPECT_EQ(f.path.filename(), "app-1a2b.js");
  EXPECT_EQ(files.find("/").kind, StaticFiles::Kind::app);
  EXPECT_EQ(files.find("/projects/3/settings").kind, StaticFiles::Kind::app);
  // A trailing slash is the same client route (it answered a JSON 404 before), never a file.
  EXPECT_EQ(files.find("/projects/3/").kind, StaticFiles::Kind::app);
  EXPECT_EQ(files.find("/assets/app-1a2b.js/").kind, StaticFiles::Kind::missing);
  EXPECT_EQ(files.find("/projects/3//").kind, StaticFiles::Kind::missing);
  EXPECT_EQ(files.find("/../").kind, StaticFiles::Kind::missing);
  EXPECT_EQ(files.find("/assets/missing.js").kind, StaticFiles::Kind::missing);
}

TEST(StaticFiles, NoSpellingOfAPathLeavesTheWebDirectory) {
  WebDir d;
  StaticFiles files(d.web);
  // Each is what split_target makes of a request target an attacker sent.
  for (std::string target : std::vector<std::string>{"//etc/passwd", "/%2fetc%2fpasswd", "/%2Fetc/passwd", "//proc/self/environ",
                             "/" + d.root + "/secret.key", "/../secret.key", "/%2e%2e/secret.key",
                             "/assets/../../secret.key", "/assets/..%2f..%2fsecret.key", "/.%2e/secret.key",
                             "/..\\secret.key", "/assets\\..\\..\\secret.key", "/%5c..%5csecret.key",
                             "/index.html%00.js", "/leak.txt", "/up/secret.key", "/./index.html",
                             "/assets//app-1a2b.js", "/%252e%252e/secret.key", "/%c0%ae%c0%ae/secret.key",
                             "/%e0%80%ae%e0%80%ae/secret.key"}) {
    auto f = files.find(request_for(target).path);
    if (f.kind != StaticFiles::Kind::missing) {
      EXPECT_EQ(f.kind, StaticFiles::Kind::app) << target;
      EXPECT_EQ(f.path.filename(), "index.html") << target;
      EXPECT_EQ(f.path.parent_path(), fs::canonical(d.web)) << target;
    }
  }
  // The ones with a dot segment, an empty segment, a backslash or a NUL are refused outright.
  for (std::string target : {"//etc/passwd", "/../secret.key", "/..\\secret.key", "/index.html%00.js", "/leak.txt",
                             "/up/secret.key", "/./index.html"})
    EXPECT_EQ(files.find(request_for(target).path).kind, StaticFiles::Kind::missing) << target;
}

TEST(StaticFiles, AnIndexThatIsASymlinkOutsideIsNotServed) {
  WebDir d;
  fs::remove(d.web + "/index.html");
  fs::create_symlink(d.root + "/secret.key", d.web + "/index.html");
  EXPECT_EQ(StaticFiles(d.web).find("/").kind, StaticFiles::Kind::missing);
}

TEST(RequestTarget, PlusIsASpaceOnlyInTheQuery) {
  auto r = request_for("/api/v1/a+b%20c?q=a+b%2Bc");
  EXPECT_EQ(r.path, "/api/v1/a+b c");
  EXPECT_EQ(r.query_param("q"), "a b+c");
}

TEST(RequestTarget, AbsoluteFormBecomesAPathAndOtherFormsAreRefused) {
  std::string t = "http://127.0.0.1:8080/api/v1/projects?x=1";
  EXPECT_TRUE(normalize_target(t));
  EXPECT_EQ(t, "/api/v1/projects?x=1");
  t = "HTTPS://example.com";
  EXPECT_TRUE(normalize_target(t));
  EXPECT_EQ(t, "/");
  t = "http://example.com?x=1";
  EXPECT_TRUE(normalize_target(t));
  EXPECT_EQ(t, "/?x=1");
  for (std::string bad : {"x/etc/passwd", "*", "", "etc/passwd", "ftp://host/x", "http:/x"}) {
    std::string copy = bad;
    EXPECT_FALSE(normalize_target(copy)) << bad;
  }
}

TEST(RequestFraming, OnlyPlainChunkedOrContentLength) {
  using H = std::vector<std::pair<std::string, std::string>>;
  EXPECT_FALSE(framing_error(11, H{{"host", "a"}}));
  EXPECT_FALSE(framing_error(11, H{{"host", "a"}, {"transfer-encoding", " Chunked "}}));
  EXPECT_FALSE(framing_error(11, H{{"host", "a"}, {"content-length", "3"}}));
  EXPECT_FALSE(framing_error(10, H{}));  // HTTP/1.0 has no Host requirement
  EXPECT_TRUE(framing_error(11, H{{"host", "a"}, {"transfer-encoding", "chunked, identity"}}));
  EXPECT_TRUE(framing_error(11, H{{"host", "a"}, {"transfer-encoding", "identity"}}));
  EXPECT_TRUE(framing_error(11, H{{"host", "a"}, {"transfer-encoding", "xchunked"}, {"content-length", "3"}}));
  EXPECT_TRUE(framing_error(11, H{{"host", "a"}, {"transfer-encoding", "chunked"}, {"content-length", "3"}}));
  EXPECT_TRUE(framing_error(11, H{{"host", "a"}, {"transfer-encoding", "chunked"}, {"transfer-encoding", "chunked"}}));
  EXPECT_TRUE(framing_error(10, H{{"transfer-encoding", "chunked"}}));
  EXPECT_TRUE(framing_error(11, H{}));
  EXPECT_TRUE(framing_error(11, H{{"host", "a"}, {"host", "b"}}));
}

TEST(LogText, ValuesCannotEndTheLineOrForgeAPair) {
  EXPECT_EQ(log_value("/api/v1/projects"), "/api/v1/projects");
  EXPECT_EQ(log_value("/x\nlevel=error event=auth.login_failed"), R"("/x\nlevel=error event=auth.login_failed")");
  EXPECT_EQ(log_value(std::string_view("a\0b", 3)), R"("a\x00b")");
  EXPECT_EQ(log_value("say \"hi\" \\ bye"), R"("say \"hi\" \\ bye")");
  EXPECT_EQ(log_value(""), R"("")");
  EXPECT_EQ(log_value("தமிழ்"), "தமிழ்");  // UTF-8 stays readable
  EXPECT_EQ(escape_controls("a\r\nb\x7f"), R"(a\r\nb\x7f)");
}

TEST(LogText, PhonesAreMaskedButTellable) {
  EXPECT_EQ(mask_phones("+91 98000 00001 was banned"), "+91 ***** **001 was banned");
  EXPECT_EQ(mask_phones("919800000001"), "91*******001");
  EXPECT_EQ(mask_phones("(080) 4123-4567."), "(08*) ****-*567.");
  EXPECT_EQ(mask_phones("account 42 at 12:30 on 2026-12-01 10:30"), "account 42 at 12:30 on 2026-12-01 10:30");
  EXPECT_EQ(mask_phones("98000-00001"), "98***-**001");
  EXPECT_EQ(mask_phones("retry in 30000 ms"), "retry in 30000 ms");
}

TEST(LogText, TheFormatterEscapesEveryControlCharacter) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  spdlog::logger logger("escape-test", sink);
  logger.set_formatter(make_log_formatter("level=%l %v"));
  logger.info("event=x path={}", std::string("/a\nlevel=error event=forged") + '\0');
  EXPECT_EQ(out.str(), "level=info event=x path=/a\\nlevel=error event=forged\\x00\n");
}
