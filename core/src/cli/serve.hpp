#pragma once
#include "config/config.hpp"

namespace sangam {

struct ServeOptions {
  bool demo = false;
  double clock_speed = 1.0;  // demo: 60 = one simulated hour per real minute
};

int run_serve(Config cfg, const ServeOptions& opts);
int run_migrate(Config cfg);

}  // namespace sangam
