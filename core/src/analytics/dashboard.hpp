#pragma once
// The analytics dashboard's aggregates (issue 9 item 6), one function per view, each a few indexed
// reads of the rollups. Days are the project's local days (days since 1970-01-01), both ends included.
#include "store/db.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>

namespace sangam::analytics {

using json = nlohmann::json;

// A campaign's (or template's) display name; the campaigns module provides it at wiring time.
using NameOf = std::function<std::string(int64_t id)>;

struct DayRange {
  int64_t from = 0, to = 0;
};

// KPI cards: the last 30 local days against the 30 before (the month-over-month change in %).
json kpis(store::Conn& c, int64_t project_id, const std::string& zone, int64_t now_ms);
// Per day (sends, deliveries, reads, replies, clicks, leads) and per local hour of sending.
json series(store::Conn& c, int64_t project_id, DayRange r);
json hours(store::Conn& c, int64_t project_id, DayRange r);
// The campaign performance table, best conversion first.
json campaign_table(store::Conn& c, int64_t project_id, DayRange r, const NameOf& name);
// Accounts with their health now, their 30-day health history and their traffic in the range. The
// history has a point per kHealthHistoryStepMs (the lowest score of those 3 hours, at their start).
constexpr int64_t kHealthHistoryStepMs = 3 * 3'600'000;
json account_table(store::Conn& c, int64_t project_id, DayRange r, int64_t history_from_ms,
                   int64_t history_step_ms = kHealthHistoryStepMs);
// Group intelligence: groups by leads, then conversion (leads per 100 members), with engagement.
json group_table(store::Conn& c, int64_t project_id, DayRange r, int64_t from_ms, int64_t to_ms);
// One contact's journey: groups, events newest first, leads.
json contact_journey(store::Conn& c, int64_t project_id, int64_t contact_id);

// The local day range of the last `days` days up to now (default 30), or from/to "YYYY-MM-DD".
DayRange day_range(const std::string& zone, int64_t now_ms, const std::optional<std::string>& from,
                   const std::optional<std::string>& to, int default_days = 30);
std::string day_text(int64_t day);  // "2026-11-24"

}  // namespace sangam::analytics
