#pragma once
#include "store/db.hpp"
#include "util/json_input.hpp"

#include <optional>
#include <string>

namespace sangam {

struct User {
  int64_t id = 0;
  std::string email;
  std::string name;
  bool is_admin = false;
  bool disabled = false;
  int64_t created_at = 0;
};

User user_from_row(const store::Row& r);
json to_json(const User& u);
std::string normalize_email(std::string_view email);  // trims, lower-cases, validates (field "email")

// Who is making a request, and how: cookie sessions must pass the CSRF check, bearer tokens need not.
struct Principal {
  User user;
  bool via_cookie = false;
  std::optional<int64_t> token_id;    // the API token, for bearer requests
  std::optional<int64_t> session_id;  // the session, for cookie requests
};

}  // namespace sangam
