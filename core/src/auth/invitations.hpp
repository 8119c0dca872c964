#pragma once
// Invitations (issue 13 item 5): an owner invites a person by email with a role; the answer holds a
// link with a secret, shown once; whoever opens it before it expires sets a name and password and
// becomes a member with that role. The link works without email: sending it is the owner's job
// (email delivery is not built yet).
#include "auth/user.hpp"
#include "store/db.hpp"
#include "util/clock.hpp"
#include "util/json_input.hpp"

namespace sangam {

struct InvitationOptions {
  // A link is a password in waiting: 7 days covers a week-end and a holiday without lying around
  // for months. The owner may choose 1 hour to 30 days per invitation (expires_in_hours).
  int64_t default_ttl_hours = 7 * 24;
  int64_t max_ttl_hours = 30 * 24;
};

class InvitationService {
 public:
  InvitationService(store::Database& db, const Clock& clock, InvitationOptions opts = {})
      : db_(db), clock_(clock), opts_(opts) {}

  // Owner only. {email, role, expires_in_hours?} → the invitation with its one-time `token`.
  json create(const User& owner, int64_t project_id, const json& body);
  json list(const User& owner, int64_t project_id);
  void revoke(const User& owner, int64_t project_id, int64_t invitation_id);
  // Anyone holding the token: what the invitation is for (project, email, role), or why it is not usable.
  json lookup(const json& body);
  // Anyone holding the token: {token, name, password} → the new user, now a member.
  json accept(const json& body);

 private:
  store::Database& db_;
  const Clock& clock_;
  InvitationOptions opts_;
};

}  // namespace sangam
