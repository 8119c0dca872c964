#pragma once
// What the HTTP layer needs of analytics, gathered in one place (http::Services::analytics).
#include "analytics/dashboard.hpp"
#include "analytics/event_log.hpp"
#include "analytics/lead_service.hpp"
#include "analytics/link_service.hpp"

namespace sangam::analytics {

struct Analytics {
  EventLog& events;
  LinkService& links;
  LeadService& leads;
  NameOf campaign_name;  // optional; the tables read the campaigns table otherwise ("Campaign #id" when none)
};

}  // namespace sangam::analytics
