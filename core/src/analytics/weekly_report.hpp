#pragma once
// The weekly report (issue 9 item 7): best and worst campaigns, groups and posting hours of the last
// seven local days, and the numbers whose health is falling. Viewed in the dashboard, downloaded as
// HTML or CSV, and posted to the project's webhooks subscribed to report.weekly every Friday at
// 17:00 in the project's time zone.
#include "analytics/dashboard.hpp"
#include "store/db.hpp"

#include <functional>
#include <string>

namespace sangam::analytics {

json weekly_report(store::Conn& c, int64_t project_id, const std::string& zone, int64_t now_ms, const NameOf& name);
std::string report_html(const json& report, const std::string& project_name);
std::string report_csv(const json& report);

// Posts the report of every project where it is Friday 17:00 or later and it was not posted today
// (one node does it: the day is marked in the same step). `post(project, report)` sends it.
void post_weekly_reports(store::Database& db, int64_t now_ms, const NameOf& name,
                         const std::function<void(int64_t, const json&)>& post);

}  // namespace sangam::analytics
