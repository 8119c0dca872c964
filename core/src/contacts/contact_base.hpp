#pragma once
// The contact base of every project: group members become contacts (MemberSink), @lid members merge
// into phone contacts, the consent ledger and the global suppression list, engagement from incoming
// traffic, opt-out words, privacy export and erasure. Knows nothing of HTTP.
#include "contacts/consent.hpp"
#include "contacts/incoming.hpp"
#include "contacts/opt_out.hpp"
#include "contacts/persona.hpp"
#include "groups/member_sink.hpp"
#include "store/db.hpp"
#include "util/clock.hpp"
#include "util/events.hpp"

#include <functional>
#include <optional>
#include <map>
#include <memory>
#include <mutex>

namespace sangam {

using json = nlohmann::json;

struct ContactOptions {
  // Members are written in transactions of this many: on SQLite the write lock is held per chunk
  // (~0.2 s for 20,000 here, docs/performance.md), so other writers wait at most that long.
  size_t import_chunk = 20000;
};

struct MemberImport {
  int64_t seen = 0;      // members reported
  int64_t created = 0;   // new contacts
  int64_t updated = 0;   // known contacts seen again
  int64_t merged = 0;    // lid-only contacts merged into their phone contact
  int64_t rejected = 0;  // neither a valid phone nor a lid
};

class ContactBase final : public MemberSink, public IncomingListener {
 public:
  ContactBase(store::Database& db, const Clock& clock, EventBus& bus, ContactOptions opts = {});

  // MemberSink
  void members_seen(int64_t project_id, int64_t group_id, int64_t account_id, const std::vector<GroupMember>& members,
                    int64_t seen_at_ms) override;
  void lid_resolved(int64_t project_id, const std::string& lid, const std::string& phone) override;
  // After a sync: the persona rules run again over the project (when it has rules), so contacts
  // imported from groups carry a persona without anyone pressing "recompute".
  void sync_finished(int64_t project_id, int64_t account_id) override;
  // The group sync's name + description of a group (set by whoever owns groups; serve.cpp).
  void set_group_text(std::function<std::string(int64_t)> fn) { group_text_ = std::move(fn); }
  // members_seen with its counts; `progress(done, total)` after each chunk.
  MemberImport import_members(int64_t project_id, int64_t group_id, int64_t account_id,
                              const std::vector<GroupMember>& members, int64_t seen_at_ms,
                              const std::function<void(int64_t, int64_t)>& progress = {});

  // IncomingListener: opt-out words, engagement, "engaged" consent.
  void on_incoming(int64_t project_id, int64_t account_id, const std::string& event, const json& data) override;

  // The consent gate the dispatcher calls before every one-to-one message (consent.hpp: consent_gate),
  // read in the dispatcher's own transaction so the answer holds for the send it is about to make.
  Gate messageable_one_to_one(store::Conn& c, int64_t project_id, int64_t contact_id);
  Gate messageable_one_to_one(int64_t project_id, int64_t contact_id);
  // At send time: by the contact, or, for a row without one, by its chat ("<digits>@c.us"): a number
  // on the suppression list is refused whoever queued the row.
  Gate messageable_at_send(store::Conn& c, int64_t project_id, std::optional<int64_t> contact_id, const std::string& chat);

  // A consent change through the API (source "api"): validation_failed for an unknown state or a
  // missing evidence, conflict when the change is not allowed. Returns the contact.
  json record_consent(int64_t project_id, int64_t contact_id, const std::string& to, const json& evidence,
                      const std::string& actor);
  // Applies a consent change inside `c` with its ledger row; false when there was nothing to record.
  // Throws Error(validation_failed/conflict) when the rules refuse it.
  bool apply_consent(store::Conn& c, int64_t project_id, int64_t contact_id, Consent to, const std::string& source,
                     const json& evidence, const std::string& actor, bool explicit_opt_in);

  // The global suppression list, by salted hash of the E.164 number.
  std::string phone_hash(const std::string& e164);
  bool suppressed(store::Conn& c, const std::string& e164);
  // POST /api/v1/suppressions: the number (any format, parsed in `region`) is never messaged again;
  // every project's contact with it is opted out. Returns {"phone_hash","reason"}.
  json suppress(const std::string& phone, const std::string& region, const std::string& reason, const std::string& actor);

  // Engagement: adds the weight of `kind` at `at_ms` (engagement.hpp).
  void add_engagement(store::Conn& c, int64_t project_id, int64_t contact_id, const std::string& kind, int64_t at_ms);

  json get(int64_t project_id, int64_t contact_id);
  json contact_json(store::Conn& c, const store::Row& r, int64_t now_ms);
  // Everything stored about one contact (privacy export).
  json export_contact(int64_t project_id, int64_t contact_id);
  // Erasure: the contact, its memberships, tags and ledger go; the number stays only as a salted hash
  // on the suppression list (reason erased); aggregates (group sizes, counts in rollups) stay. Every
  // other table that names them by chat id or phone keeps what happened without them, or drops the row
  // (contacts.sql, contact-erase-*; docs/contacts.md lists them).
  void erase(int64_t project_id, int64_t contact_id, const std::string& actor);

  // Per-project opt-out words (JSON setting; absent: defaults).
  json opt_out_settings(int64_t project_id);
  json set_opt_out_settings(int64_t project_id, const json& body);

  // Persona rules (persona.hpp) and their application to every contact not set by hand.
  // `group_text(id)`: name and description of a group (group sync owns the groups table; without it
  // only group ids and regions count). `progress(done)` after each page of 1,000 contacts.
  json persona_rules(int64_t project_id);
  json set_persona_rules(int64_t project_id, const json& body, const std::vector<std::string>& allowed);
  int64_t recompute_personas(int64_t project_id, const std::function<std::string(int64_t)>& group_text,
                             const std::function<void(int64_t)>& progress = {});

  store::Database& db() { return db_; }
  const Clock& clock() const { return clock_; }

 private:
  std::function<std::string(int64_t)> group_text_;
  const std::string& salt();
  // Merges lid-only contact `lid_contact` into `phone_contact`; one person, one contact.
  void merge(store::Conn& c, int64_t project_id, int64_t lid_contact, int64_t phone_contact);
  int64_t find_or_create(store::Conn& c, int64_t project_id, const std::optional<std::string>& phone,
                         const std::optional<std::string>& lid, const std::string& push_name, const std::string& source);
  std::shared_ptr<const OptOutMatcher> matcher(store::Conn& c, int64_t project_id, std::string* confirmation);

  store::Database& db_;
  const Clock& clock_;
  EventBus& bus_;
  ContactOptions opts_;
  std::mutex mu_;
  std::string salt_;
  struct CachedWords {
    std::string setting;
    std::shared_ptr<const OptOutMatcher> matcher;
    std::string confirmation;
  };
  std::map<int64_t, CachedWords> words_;
};

}  // namespace sangam
