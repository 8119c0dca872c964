// Phone numbers as people type them, in the region the first two bytes name (IN, US, or anything).
#include "contacts/phone.hpp"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  std::string region(reinterpret_cast<const char*>(data), 2);
  std::string input(reinterpret_cast<const char*>(data) + 2, size - 2);
  auto e164 = sangam::normalize_phone(input, region);
  // What comes out is E.164 and parses again to itself.
  if (e164 && (e164->empty() || (*e164)[0] != '+' || sangam::normalize_phone(*e164, region) != e164)) __builtin_trap();
  return 0;
}
