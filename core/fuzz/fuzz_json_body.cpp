// A request body through the same steps as POST/PATCH /projects: parse, then validate every field.
// Only sangam::Error may come out (the 400 envelope); anything else is a crash the fuzzer reports.
#include "projects/project.hpp"
#include "util/errors.hpp"
#include "util/json_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  try {
    auto j = sangam::parse_json_object(body);
    sangam::Project p;
    sangam::apply_project_input(p, j, size % 2 == 0);
  } catch (const sangam::Error&) {
  }
  return 0;
}
