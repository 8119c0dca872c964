#pragma once
// splitmix64's finaliser: a well-spread 64-bit hash, used where a choice must look random but be
// reproducible from a seed (pacing gaps, planned times, spintax variants).
#include <cstdint>

namespace sangam {

constexpr uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace sangam
