#pragma once
// Months of plausible history for `sangam demo` (issue 9 item 9): groups with members (through the
// contact base's member import), completed campaigns (rows made by the demo) with their messages in
// the outbox, and their acks, replies, clicks,
// joins and leads *through the event pipeline* (EventLog::ingest / record, LeadService::intake), so
// the rollups are built exactly as in production and never written directly. Deterministic for a
// seed; skipped for a project that already has events (a restarted demo keeps its history).
#include "analytics/event_log.hpp"
#include "analytics/lead_service.hpp"
#include "groups/member_sink.hpp"
#include "store/db.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sangam::analytics {

// One campaign of the history, for the demo to make its row (cli/demo_campaigns.cpp,
// demo_history_campaign): completed and past, so the Campaigns page and Analytics show the same
// campaigns by name. `index` counts the project's history campaigns from 0, oldest first.
struct HistoryCampaign {
  int64_t project_id = 0;
  int index = 0;
  std::string kind;  // group_post | direct
  int64_t group_id = 0;
  std::string group_name;
  int64_t sent_at = 0, done_at = 0;
};
// Answers the new campaign's id.
using HistoryCampaignMaker = std::function<int64_t(const HistoryCampaign&)>;

struct DemoHistoryOptions {
  int days = 120;             // four months: the KPI cards compare this month with the last
  int campaigns_per_week = 3;
  int members_per_group = 220;
  uint32_t seed = 7;
  HistoryCampaignMaker make_campaign;  // required: every history message belongs to a campaign row
};

struct DemoHistoryReport {
  int64_t messages = 0, events = 0, leads = 0;
  bool skipped = false;
};

// The demo projects' groups (by slug) and the call serve.cpp makes after seed_demo.
void seed_demo_history(store::Database& db, EventLog& log, LeadService& leads, MemberSink& contacts, int64_t now_ms,
                       DemoHistoryOptions opts);

DemoHistoryReport generate_demo_history(store::Database& db, EventLog& log, LeadService& leads, MemberSink& contacts,
                                        int64_t project_id, const std::vector<int64_t>& account_ids,
                                        const std::vector<std::string>& group_names, int64_t now_ms,
                                        DemoHistoryOptions opts = {});

}  // namespace sangam::analytics
