#pragma once
#include "accounts/account_service.hpp"
#include "projects/project_service.hpp"

namespace sangam {

inline constexpr const char* kDemoPassword = "sangam-demo";

// The seed's three example projects, owned by the demo administrator; idempotent.
void seed_demo(store::Database& db, ProjectService& projects, AccountService& accounts, const std::string& admin_email);

}  // namespace sangam
