#pragma once
#include "projects/project_service.hpp"

namespace sangam {

inline constexpr const char* kDemoPassword = "sangam-demo";

// The seed's three example projects, owned by the demo administrator; idempotent.
void seed_demo(store::Database& db, ProjectService& projects, const std::string& admin_email);

}  // namespace sangam
