#pragma once
// A project is one product marketed by the team (PoultryCare, Restopi, …) with its own calendar.
#include "store/db.hpp"
#include "util/json_input.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sangam {

enum class Role { viewer = 1, manager = 2, owner = 3 };
const char* role_name(Role r);
std::optional<Role> parse_role(std::string_view s);

struct WorkingWindow {
  int start_min;  // minutes after local midnight
  int end_min;
};

struct Project {
  int64_t id = 0;
  std::string name;
  std::string slug;
  std::string time_zone = "Asia/Kolkata";
  std::string default_region = "IN";
  // The seed's sending windows: mornings before the farm work peaks and evenings after it.
  std::vector<WorkingWindow> working_hours = {{9 * 60, 12 * 60}, {14 * 60, 21 * 60}};
  double weekend_factor = 0.6;  // weekends carry 60% of a weekday's volume (seed 2.3)
  std::vector<std::string> regions;
  std::vector<std::string> personas;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

Project project_from_row(const store::Row& r);
// The stored form of a project: parameters for project-insert / project-update (after the id).
store::Params project_params(const Project& p);
// The API representation, written straight from a stored row (the one serializer of a project).
// `role` is the caller's role; events and audit entries carry none.
std::string project_json(const store::Row& r, std::optional<Role> role = std::nullopt);
json project_object(const store::Row& r);

// Applies the fields present in `body` to `p`, validating each (field-named errors); `creating`
// requires name and slug.
void apply_project_input(Project& p, const json& body, bool creating);

std::string format_hhmm(int minutes);

}  // namespace sangam
