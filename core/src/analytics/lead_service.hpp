#pragma once
// Lead intake and attribution (issue 9 items 4-5). A website form posts its submission signed with the
// project's lead secret; a person enters one by hand; a CSV brings many. Each lead is matched to a
// contact by its E.164 phone, its touchpoints of the window before the submission are read from the
// event log (deliveries, reads, replies, clicks of campaigns) plus the contact's first group import,
// and attribute() (attribution.hpp) gives the credit: last touch, with first touch and linear beside
// it. The lead, its journey and its credits are written in one transaction; the event log then counts
// it on the winning campaign's rollups. Nothing is stored when any field is wrong.
#include "analytics/event_log.hpp"
#include "store/db.hpp"
#include "util/clock.hpp"
#include "util/crypto.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace sangam::analytics {

struct LeadImport {
  int64_t created = 0, duplicates = 0;
  json errors = json::array();  // [{line, field, message}]
};

class LeadService {
 public:
  LeadService(store::Database& db, const Clock& clock, EventLog& log, crypto::SecretKey key);

  // The form endpoint: checks the signature of the raw body, then the fields. Answers the stored
  // lead with `created` false for a submission id seen before (the first answer, stored once).
  // Throws unauthorized for a bad signature, FieldErrors for bad fields.
  json intake(int64_t project_id, const std::string& raw_body, const std::string& signature_header);
  // A lead typed in the dashboard (source manual); submission_id is generated when absent.
  json manual(int64_t project_id, const json& body, const std::string& actor);
  // A CSV with a header row: phone (required), submission_id, form, product, submitted_at, page, utm_*.
  // All or nothing: any bad line refuses the whole file and names every bad line.
  LeadImport import_csv(int64_t project_id, const std::string& csv);

  // The project's lead secret, made on first call; rotate() makes a new one (the old one stops working).
  std::string secret(int64_t project_id);
  std::string rotate_secret(int64_t project_id);

  json get(int64_t project_id, int64_t lead_id);
  json list(int64_t project_id, int limit, std::optional<int64_t> before_id);
  // Called after a lead is attributed (outgoing webhooks: lead.attributed).
  void on_attributed(std::function<void(int64_t project_id, const json& lead)> fn) { attributed_ = std::move(fn); }

 private:
  json store_lead(int64_t project_id, const json& body, const std::string& source, bool require_submission_id);
  json lead_json(store::Conn& c, int64_t lead_id);

  store::Database& db_;
  const Clock& clock_;
  EventLog& log_;
  crypto::SecretKey key_;
  std::function<void(int64_t, const json&)> attributed_;
};

// "2026-11-24T10:00:00Z", "2026-11-24T15:30:00+05:30", fractional seconds allowed, or epoch ms.
std::optional<int64_t> parse_instant(const json& v);

}  // namespace sangam::analytics
