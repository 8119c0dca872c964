#include "auth/user.hpp"

#include "util/clock.hpp"
#include "util/errors.hpp"

#include <algorithm>

namespace sangam {

User user_from_row(const store::Row& r) {
  return User{r.i64("id"), r.str("email"), r.str("name"), r.boolean("is_admin"), r.boolean("disabled"),
              r.i64("created_at")};
}

json to_json(const User& u) {
  return {{"id", u.id}, {"email", u.email}, {"name", u.name}, {"is_admin", u.is_admin},
          {"disabled", u.disabled}, {"created_at", format_iso8601(u.created_at)}};
}

std::string normalize_email(std::string_view raw) {
  std::string e = trim(raw);
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
  auto at = e.find('@');
  bool ok = e.size() >= 3 && e.size() <= 254 && at != std::string::npos && at > 0 && at == e.rfind('@') &&
            e.find('.', at) != std::string::npos && e.back() != '.' &&
            std::none_of(e.begin(), e.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; });
  if (!ok) throw validation("email", "must be an email address like name@example.com");
  return e;
}

}  // namespace sangam
