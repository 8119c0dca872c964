#pragma once
// CSV import of contacts (issue 7 item 6). The whole file is checked first (UTF-8, a header with a
// phone column, at least one record, every quote closed); a file that fails is refused with nothing
// written. Then each record is validated and written; a bad record is rejected with its line and
// reason and the others go in.
//
// Columns (header names, case and spacing ignored): phone (also mobile, whatsapp, number, …), name,
// tags (separated by , ; or |), persona, region, consent (unknown | engaged | opted_in |
// opted_out), consent_source (required with opted_in: where the person agreed); any other non-empty
// column becomes a custom attribute. Google Contacts exports ("Phone 1 - Value", "First Name",
// "Labels", several phones in one cell joined by " ::: ") and Outlook exports ("Mobile Phone",
// "Business Phone", …) are recognised as they come: the first valid phone is the contact, the other
// valid ones are kept in the attribute other_phones.
#include "contacts/contact_base.hpp"
#include "contacts/csv.hpp"
#include "jobs/job_service.hpp"

#include <string>
#include <vector>

namespace sangam {

struct CsvImportPlan {
  std::string text;
  std::vector<std::string> header;
  std::vector<int> phone_cols;  // in order of preference
  std::vector<int> name_cols;   // joined with spaces (first, middle, last)
  int tags_col = -1, persona_col = -1, region_col = -1, consent_col = -1, source_col = -1;
  std::vector<int> attribute_cols;
  std::string format;  // "sangam" | "google" | "outlook"
  int64_t records = 0;
};

// Throws Error(validation_failed) naming the field ("body", "header") and line when the file as a
// whole is unusable.
CsvImportPlan plan_csv_import(std::string text);

struct ProjectDefaults {
  std::string region = "IN";
  std::vector<std::string> personas;  // allowed persona names; empty: any
};
// Writes the records (job progress per chunk of 2,000 rows, one transaction each).
void run_csv_import(ContactBase& base, JobContext& job, int64_t project_id, const ProjectDefaults& defaults,
                    const CsvImportPlan& plan, const std::string& actor);

}  // namespace sangam
