#include "auth/auth_service.hpp"
#include "auth/invitations.hpp"
#include "util/field_errors.hpp"
#include "projects/project_service.hpp"

#include "support.hpp"

#include <atomic>
#include <thread>

using namespace sangam;
using json = nlohmann::json;
using test::code_of;
using test::failure_of;


class ProjectsTest : public test::BothBackends {
 protected:
  void SetUp() override {
    BothBackends::SetUp();
    auth = std::make_unique<AuthService>(*db, clock, bus);
    projects = std::make_unique<ProjectService>(*db, clock, bus);
    bool created = false;
    auth->ensure_admin("admin@example.com", "0123456789", created);
    admin = user("admin@example.com");
    owner = make_user("owner@example.com");
    viewer = make_user("viewer@example.com");
    stranger = make_user("stranger@example.com");
    pid = json::parse(projects->create(owner, {{"name", "PoultryCare"}, {"slug", "poultrycare"}}))["id"];
    projects->add_member(owner, pid, {{"email", "viewer@example.com"}, {"role", "viewer"}});
  }
  User user(const std::string& email) {
    return user_from_row(db->read([&](store::Conn& c) { return c.run("user-by-email", {email}); })[0]);
  }
  User make_user(const std::string& email) {
    auth->create_user(admin, {{"email", email}, {"name", email.substr(0, email.find('@'))}, {"password", "0123456789"}});
    return user(email);
  }
  test::RecordingBus bus;
  std::unique_ptr<AuthService> auth;
  std::unique_ptr<ProjectService> projects;
  User admin, owner, viewer, stranger;
  int64_t pid = 0;
};
SANGAM_BOTH_BACKENDS(ProjectsTest);

TEST_P(ProjectsTest, NewProjectsGetTheSeedDefaults) {
  json p = json::parse(projects->get(owner, pid));
  EXPECT_EQ(p["time_zone"], "Asia/Kolkata");
  EXPECT_EQ(p["default_region"], "IN");
  EXPECT_EQ(p["working_hours"], json::parse(R"([{"start":"09:00","end":"12:00"},{"start":"14:00","end":"21:00"}])"));
  EXPECT_DOUBLE_EQ(p["weekend_factor"].get<double>(), 0.6);
  EXPECT_EQ(p["role"], "owner");
}

TEST_P(ProjectsTest, ValidationNamesTheFieldAndChangesNothing) {
  auto field = [&](const json& patch) { return failure_of([&] { json::parse(projects->update(owner, pid, patch)); }).field; };
  EXPECT_EQ(field({{"time_zone", "Mars/Olympus"}}), "time_zone");
  EXPECT_EQ(field({{"time_zone", 5}}), "time_zone");
  EXPECT_EQ(field({{"default_region", "XX"}}), "default_region");
  EXPECT_EQ(field({{"weekend_factor", 1.5}}), "weekend_factor");
  EXPECT_EQ(field({{"weekend_factor", "high"}}), "weekend_factor");
  EXPECT_EQ(field({{"slug", "Bad Slug"}}), "slug");
  EXPECT_EQ(field({{"name", ""}}), "name");
  EXPECT_EQ(field({{"working_hours", json::array()}}), "working_hours");
  EXPECT_EQ(field({{"working_hours", {{{"start", "9am"}, {"end", "12:00"}}}}}), "working_hours.0.start");
  EXPECT_EQ(field({{"working_hours", {{{"start", "09:00"}, {"end", "08:00"}}}}}), "working_hours.0.end");
  EXPECT_EQ(field({{"working_hours", {{{"start", "09:00"}, {"end", "13:00"}}, {{"start", "12:00"}, {"end", "14:00"}}}}}),
            "working_hours.1.start");
  EXPECT_EQ(field({{"personas", {"Farmer", "farmer"}}}), "personas.1");
  EXPECT_EQ(field({{"regions", {std::string(65, 'x')}}}), "regions.0");
  EXPECT_EQ(field({{"timezone", "Asia/Dubai"}}), "timezone");  // a typo is an error, not a silent no-op
  // a valid field next to an invalid one is not applied either
  EXPECT_EQ(field({{"name", "Renamed"}, {"time_zone", "Nowhere/Land"}}), "time_zone");
  json p = json::parse(projects->get(owner, pid));
  EXPECT_EQ(p["name"], "PoultryCare");
  EXPECT_EQ(p["time_zone"], "Asia/Kolkata");
}

TEST_P(ProjectsTest, UpdatesApplyAndAreAuditedWithBeforeAndAfter) {
  clock.advance(std::chrono::minutes(5));
  json p = json::parse(projects->update(owner, pid, {{"time_zone", "Asia/Dubai"}, {"default_region", "ae"}, {"personas", {"Broiler farmer"}},
                                         {"working_hours", {{{"start", "08:30"}, {"end", "24:00"}}}}}));
  EXPECT_EQ(p["time_zone"], "Asia/Dubai");
  EXPECT_EQ(p["default_region"], "AE");
  EXPECT_EQ(p["working_hours"][0]["end"], "24:00");
  EXPECT_EQ(p["updated_at"], "2026-11-24T05:35:00Z");
  json log = projects->audit_log(owner, pid, std::nullopt, 50);
  ASSERT_GE(log["items"].size(), 3u);  // created, member added, updated
  json last = log["items"][0];
  EXPECT_EQ(last["action"], "project.updated");
  EXPECT_EQ(last["actor"]["email"], "owner@example.com");
  EXPECT_EQ(last["before"]["time_zone"], "Asia/Kolkata");
  EXPECT_EQ(last["after"]["time_zone"], "Asia/Dubai");
  EXPECT_EQ(last["at"], "2026-11-24T05:35:00Z");
}

TEST_P(ProjectsTest, AuditLogPagesNewestFirst) {
  for (int i = 0; i < 5; ++i) json::parse(projects->update(owner, pid, {{"name", "P" + std::to_string(i)}}));
  json page1 = projects->audit_log(owner, pid, std::nullopt, 3);
  ASSERT_EQ(page1["items"].size(), 3u);
  EXPECT_EQ(page1["items"][0]["after"]["name"], "P4");
  ASSERT_FALSE(page1["next_before"].is_null());
  json page2 = projects->audit_log(owner, pid, page1["next_before"].get<int64_t>(), 3);
  EXPECT_EQ(page2["items"][0]["after"]["name"], "P1");
  json page3 = projects->audit_log(owner, pid, page2["next_before"].get<int64_t>(), 3);
  EXPECT_TRUE(page3["next_before"].is_null());
  EXPECT_EQ(page1["items"].size() + page2["items"].size() + page3["items"].size(), 7u);
}

TEST_P(ProjectsTest, NonMembersSeeNothingViewersReadOnly) {
  EXPECT_EQ(failure_of([&] { json::parse(projects->get(stranger, pid)); }).code, ErrorCode::not_found);
  EXPECT_EQ(failure_of([&] { projects->members(stranger, pid); }).code, ErrorCode::not_found);
  EXPECT_EQ(failure_of([&] { json::parse(projects->update(stranger, pid, {{"name", "x"}})); }).code, ErrorCode::not_found);
  EXPECT_EQ(failure_of([&] { json::parse(projects->get(stranger, 999999)); }).code, ErrorCode::not_found);
  EXPECT_TRUE(json::parse(projects->list(stranger))["items"].empty());

  EXPECT_EQ(json::parse(projects->get(viewer, pid))["role"], "viewer");
  EXPECT_EQ(failure_of([&] { json::parse(projects->update(viewer, pid, {{"name", "x"}})); }).code, ErrorCode::forbidden);
  EXPECT_EQ(failure_of([&] { projects->remove(viewer, pid); }).code, ErrorCode::forbidden);
  EXPECT_EQ(failure_of([&] { projects->add_member(viewer, pid, {{"email", "stranger@example.com"}, {"role", "owner"}}); }).code, ErrorCode::forbidden);
  EXPECT_EQ(failure_of([&] { projects->update_member(viewer, pid, viewer.id, {{"role", "owner"}}); }).code, ErrorCode::forbidden);
  EXPECT_EQ(failure_of([&] { projects->audit_log(viewer, pid, std::nullopt, 10); }).code, ErrorCode::forbidden);

  EXPECT_EQ(json::parse(projects->get(admin, pid))["role"], "owner");  // admins see every project
  EXPECT_EQ(json::parse(projects->list(admin))["items"].size(), 1u);
}

TEST_P(ProjectsTest, SlugsAreUnique) {
  auto f = failure_of([&] { json::parse(projects->create(viewer, {{"name", "Copy"}, {"slug", "poultrycare"}})); });
  EXPECT_EQ(f.code, ErrorCode::conflict);
  EXPECT_EQ(f.field, "slug");
  EXPECT_EQ(json::parse(projects->list(viewer))["items"].size(), 1u);  // only the one they were added to
}

TEST_P(ProjectsTest, AProjectAlwaysKeepsAnOwner) {
  EXPECT_EQ(failure_of([&] { projects->remove_member(owner, pid, owner.id); }).code, ErrorCode::conflict);
  EXPECT_EQ(failure_of([&] { projects->update_member(owner, pid, owner.id, {{"role", "viewer"}}); }).code, ErrorCode::conflict);
  projects->update_member(owner, pid, viewer.id, {{"role", "owner"}});
  projects->remove_member(viewer, pid, owner.id);  // now there is another owner
  EXPECT_EQ(failure_of([&] { json::parse(projects->get(owner, pid)); }).code, ErrorCode::not_found);
  EXPECT_EQ(failure_of([&] { auth->delete_user(admin, viewer.id); }).code, ErrorCode::conflict);
}

TEST_P(ProjectsTest, MemberChangesAreAnnouncedToTheProjectAndToThePerson) {
  bus.events.clear();
  json m = projects->add_member(owner, pid, {{"email", " Stranger@Example.com "}, {"role", "manager"}});
  EXPECT_EQ(m["user_id"], stranger.id);
  EXPECT_EQ(m["role"], "manager");
  ASSERT_EQ(bus.events.size(), 2u);
  EXPECT_EQ(bus.events[0].name, "member.added");
  EXPECT_EQ(bus.events[0].project_id, pid);
  EXPECT_EQ(bus.events[1].name, "membership.changed");
  EXPECT_EQ(bus.events[1].user_id, stranger.id);
  EXPECT_EQ(projects->update_member(owner, pid, stranger.id, {{"role", "viewer"}})["role"], "viewer");
  EXPECT_EQ(bus.events[2].name, "member.updated");
  EXPECT_EQ(failure_of([&] { projects->update_member(owner, pid, stranger.id, {{"role", "superuser"}}); }).field, "role");
}

// Issue 12 item 4: ids are sequential, so a project owner must not be able to walk them.
TEST_P(ProjectsTest, MembersAreAddedByEmailAndForeignIdsLookLikeMissingOnes) {
  User outsider = make_user("outsider@example.com");  // a user who shares no project with the owner
  auto by_id = failure_of([&] { projects->update_member(owner, pid, outsider.id, {{"role", "viewer"}}); });
  auto missing = failure_of([&] { projects->update_member(owner, pid, 424242, {{"role", "viewer"}}); });
  EXPECT_EQ(by_id.code, ErrorCode::not_found);
  EXPECT_EQ(by_id.message, missing.message);
  EXPECT_EQ(failure_of([&] { projects->remove_member(owner, pid, outsider.id); }).message,
            failure_of([&] { projects->remove_member(owner, pid, 424242); }).message);

  auto unknown = failure_of([&] { projects->add_member(owner, pid, {{"email", "nobody@example.com"}, {"role", "viewer"}}); });
  EXPECT_EQ(unknown.code, ErrorCode::not_found);
  EXPECT_EQ(unknown.field, "email");
  auth->update_user(admin, outsider.id, {{"disabled", true}});
  auto disabled = failure_of([&] { projects->add_member(owner, pid, {{"email", "outsider@example.com"}, {"role", "viewer"}}); });
  EXPECT_EQ(disabled.code, unknown.code);
  EXPECT_EQ(disabled.message, unknown.message);
  EXPECT_EQ(failure_of([&] { projects->add_member(owner, pid, {{"email", "viewer@example.com"}, {"role", "owner"}}); }).code,
            ErrorCode::conflict);
  EXPECT_EQ(failure_of([&] { projects->add_member(owner, pid, {{"email", "not an email"}, {"role", "viewer"}}); }).field, "email");
  EXPECT_EQ(failure_of([&] { projects->add_member(owner, pid, {{"email", "stranger@example.com"}}); }).field, "role");
  EXPECT_EQ(projects->members(owner, pid)["items"].size(), 2u);  // owner and viewer, nobody else
  EXPECT_EQ(code_of([&] { projects->members(outsider, pid); }), ErrorCode::not_found);
}

TEST_P(ProjectsTest, DeletingAProjectRemovesItForEveryone) {
  projects->remove(owner, pid);
  EXPECT_EQ(failure_of([&] { json::parse(projects->get(owner, pid)); }).code, ErrorCode::not_found);
  EXPECT_TRUE(json::parse(projects->list(viewer))["items"].empty());
  EXPECT_EQ(bus.events.back().name, "membership.changed");
}

// On PostgreSQL (READ COMMITTED) two owners demoting each other at once both counted two owners and
// left the project with none.
TEST_P(ProjectsTest, TwoOwnersDemotingEachOtherAtOnceLeaveOneOwner) {
  User second = make_user("second@example.com");
  projects->add_member(owner, pid, {{"email", "second@example.com"}, {"role", "owner"}});
  auto owners = [&] {
    return db->read([&](store::Conn& c) { return c.run("member-owner-count", {pid}); })[0].i64("n");
  };
  for (int round = 0; round < 15; ++round) {
    std::atomic<int> demoted{0};
    std::thread a([&] {
      try {
        projects->update_member(owner, pid, second.id, {{"role", "viewer"}});
        ++demoted;
      } catch (const Error&) {
      }
    });
    std::thread b([&] {
      try {
        projects->update_member(second, pid, owner.id, {{"role", "viewer"}});
        ++demoted;
      } catch (const Error&) {
      }
    });
    a.join();
    b.join();
    ASSERT_EQ(owners(), 1) << "round " << round;
    EXPECT_EQ(demoted.load(), 1);
    // whoever is still owner makes the other owner again
    bool first_is_owner = json::parse(projects->get(owner, pid))["role"] == "owner";
    if (first_is_owner) projects->update_member(owner, pid, second.id, {{"role", "owner"}});
    else projects->update_member(second, pid, owner.id, {{"role", "owner"}});
  }
}

// Issue 13 item 5: an invitation link works once and only until it expires (7 days by default).
TEST_P(ProjectsTest, AnInvitationExpiresAndWorksOnce) {
  InvitationService inv(*db, clock);
  json a = inv.create(owner, pid, {{"email", "new@example.com"}, {"role", "manager"}});
  json b = inv.create(owner, pid, {{"email", "late@example.com"}, {"role", "viewer"}});
  clock.advance(std::chrono::hours(24 * 7 - 1));
  EXPECT_EQ(inv.accept({{"token", a["token"]}, {"name", "New"}, {"password", "0123456789"}})["role"], "manager");
  std::string field;
  EXPECT_EQ(code_of([&] { inv.accept({{"token", a["token"]}, {"name", "New"}, {"password", "0123456789"}}); }, &field),
            ErrorCode::conflict);
  EXPECT_EQ(field, "token");
  clock.advance(std::chrono::hours(1));
  EXPECT_EQ(code_of([&] { inv.lookup({{"token", b["token"]}}); }, &field), ErrorCode::conflict);
  EXPECT_EQ(code_of([&] { inv.accept({{"token", b["token"]}, {"name", "Late"}, {"password", "0123456789"}}); }), ErrorCode::conflict);
  EXPECT_TRUE(db->read([](store::Conn& c) { return c.run("user-by-email", {std::string("late@example.com")}); }).empty());
  EXPECT_EQ(inv.list(owner, pid)["items"][0]["state"], "expired");
  EXPECT_EQ(code_of([&] { inv.create(viewer, pid, {{"email", "x@example.com"}, {"role", "viewer"}}); }), ErrorCode::forbidden);
}

// Issue 13 item 3: every wrong field at once, each in words that name the field as the form does.
TEST_P(ProjectsTest, ValidationNamesEveryWrongFieldInWords) {
  try {
    projects->update(owner, pid, {{"default_region", "XX"}, {"time_zone", "Mars/Olympus"}, {"weekend_factor", 5},
                                  {"working_hours", json::parse(R"([{"start":"09:00","end":"12:00"},{"start":"11:00","end":"10:00"}])")}});
    FAIL() << "expected a validation error";
  } catch (const FieldErrors& e) {
    std::map<std::string, std::string> by;
    for (auto& x : e.errors()) by[x.field] = x.message;
    ASSERT_EQ(by.size(), 4u);
    EXPECT_EQ(by["default_region"], "Region must be a two-letter country code like IN; 'XX' is not one");
    EXPECT_NE(by["time_zone"].find("'Mars/Olympus' is not a time zone"), std::string::npos);
    EXPECT_NE(by["weekend_factor"].find("Weekend volume must be between"), std::string::npos);
    EXPECT_EQ(by["working_hours.1.end"], "Window 2 must end after it starts (11:00)");
    for (auto& [f, m] : by) {
      EXPECT_EQ(m.find("working_hours."), std::string::npos) << m;
      EXPECT_EQ(m.find("default_region"), std::string::npos) << m;
    }
  }
  EXPECT_EQ(json::parse(projects->get(owner, pid))["default_region"], "IN");  // nothing changed
}
