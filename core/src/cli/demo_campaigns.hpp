#pragma once
// The demo's campaigns (issue 8 item 19): drafts at once, and — as soon as PoultryCare's numbers are
// linked and their groups synced — campaigns of each kind in each state: one running that visibly
// progresses on the simulated network (faster with --clock-speed), one scheduled for tomorrow, one
// paused, one cancelled, one direct follow-up to contacts who opted in, and last month's completed
// campaign as history. Runs from the scheduler; gives up after `window_ms`.
#include "analytics/demo_history.hpp"
#include "campaigns/campaign_service.hpp"
#include "contacts/contact_base.hpp"
#include "store/db.hpp"

namespace sangam {

// The row of one campaign of the analytics history (analytics/demo_history.hpp): named, completed and
// past, so Campaigns and Analytics list the same campaigns. Answers its id.
int64_t demo_history_campaign(store::Database& db, const analytics::HistoryCampaign& h);

class DemoCampaigns {
 public:
  DemoCampaigns(store::Database& db, campaigns::CampaignService& campaigns, ContactBase& contacts, int64_t start_ms,
                int64_t window_ms = 10 * 60 * 1000)
      : db_(db), campaigns_(campaigns), contacts_(contacts), until_(start_ms + window_ms) {}
  void tick(int64_t now_ms);

 private:
  int64_t project(const std::string& slug);
  void drafts();
  bool live(int64_t pid, int64_t now_ms);

  store::Database& db_;
  campaigns::CampaignService& campaigns_;
  ContactBase& contacts_;
  int64_t until_, last_ = 0;
  bool drafts_done_ = false, live_done_ = false;
};

}  // namespace sangam
