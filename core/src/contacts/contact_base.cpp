#include "contacts/contact_base.hpp"

#include "contacts/engagement.hpp"
#include "contacts/phone.hpp"
#include "util/crypto.hpp"
#include "util/errors.hpp"
#include "util/json_fields.hpp"
#include "util/log_text.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <unordered_map>

namespace sangam {
namespace {

std::optional<std::string> lid_of(const std::optional<std::string>& s) {
  if (!s || s->empty()) return std::nullopt;
  return *s;
}

store::Value opt(const std::optional<std::string>& s) { return s ? store::Value(*s) : store::Value(nullptr); }

int64_t batch_id() {
  // Distinguishes concurrent imports in contact_stage; 53 random bits (safe in every JSON reader).
  return static_cast<int64_t>(randombytes_random()) << 21 ^ static_cast<int64_t>(randombytes_random() & 0x1fffff);
}

}  // namespace

ContactBase::ContactBase(store::Database& db, const Clock& clock, EventBus& bus, ContactOptions opts)
    : db_(db), clock_(clock), bus_(bus), opts_(opts) {
  // Read (or create) the salt now: hashing inside a write transaction must not open a second write
  // transaction for it (on SQLite that waits for the first one: a 10 s busy timeout, then a failure).
  salt();
}

const std::string& ContactBase::salt() {
  std::lock_guard g(mu_);
  if (!salt_.empty()) return salt_;
  // One salt for the installation, in `settings`, so every node and every project hashes a number
  // alike; the first node to store it wins.
  salt_ = db_.write([&](store::Conn& c) {
    c.run("setting-insert-if-absent", {std::string("suppression_salt"), crypto::random_token(32), clock_.now_ms()});
    return c.run("setting-get", {std::string("suppression_salt")})[0].str("value");
  });
  return salt_;
}

std::string ContactBase::phone_hash(const std::string& e164) {
  const std::string& s = salt();
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(e164.data()), e164.size(),
                     reinterpret_cast<const unsigned char*>(s.data()), std::min<size_t>(s.size(), crypto_generichash_KEYBYTES_MAX));
  return crypto::to_hex(out, sizeof out);
}

bool ContactBase::suppressed(store::Conn& c, const std::string& e164) {
  return !c.run("suppression-get", {phone_hash(e164)}).empty();
}

// ---- member import -------------------------------------------------------------------------------

void ContactBase::members_seen(int64_t pid, int64_t gid, int64_t aid, const std::vector<GroupMember>& members,
                               int64_t seen_at_ms) {
  import_members(pid, gid, aid, members, seen_at_ms);
}

MemberImport ContactBase::import_members(int64_t pid, int64_t gid, int64_t aid, const std::vector<GroupMember>& members,
                                         int64_t seen_at, const std::function<void(int64_t, int64_t)>& progress) {
  MemberImport out;
  out.seen = static_cast<int64_t>(members.size());
  // Normalise and de-duplicate first (a person listed twice in one group, by phone and by lid), so
  // each chunk's upsert touches a contact once (PostgreSQL refuses ON CONFLICT twice on one row).
  struct Norm {
    std::optional<std::string> phone, lid;
    const GroupMember* m;
  };
  std::vector<Norm> rows;
  rows.reserve(members.size());
  std::unordered_map<std::string, size_t> by_phone, by_lid;
  for (const auto& m : members) {
    Norm n{std::nullopt, lid_of(m.lid), &m};
    if (m.phone && !m.phone->empty()) {
      auto p = parse_engine_phone(*m.phone);
      if (p.e164) n.phone = std::move(p.e164);
    }
    if (!n.phone && !n.lid) {
      ++out.rejected;
      continue;
    }
    std::optional<size_t> seen;
    if (n.phone) if (auto it = by_phone.find(*n.phone); it != by_phone.end()) seen = it->second;
    if (!seen && n.lid) if (auto it = by_lid.find(*n.lid); it != by_lid.end()) seen = it->second;
    if (seen) {  // merge into the earlier row: the phone and the lid are one person
      Norm& e = rows[*seen];
      if (!e.phone && n.phone) e.phone = n.phone, by_phone[*n.phone] = *seen;
      if (!e.lid && n.lid) e.lid = n.lid, by_lid[*n.lid] = *seen;
      continue;
    }
    if (n.phone) by_phone[*n.phone] = rows.size();
    if (n.lid) by_lid[*n.lid] = rows.size();
    rows.push_back(std::move(n));
  }
  salt();
  // The group's region for members who have none: the first of the project's regions its name or
  // description names ("Erode Handloom Sellers" → Erode). A contact's own region (CSV, by hand) wins.
  std::optional<std::string> region;
  if (group_text_) {
    auto r = db_.read([&](store::Conn& c) { return c.run("contact-project-regions", {pid}); });
    json regions = r.empty() ? json::array() : json::parse(r[0].str("regions"), nullptr, false);
    if (regions.is_array()) {
      std::vector<std::string> names;
      for (auto& v : regions)
        if (v.is_string()) names.push_back(v.get<std::string>());
      region = region_named_in(group_text_(gid), names);
    }
  }
  int64_t before = db_.read([&](store::Conn& c) { return c.run("contact-count", {pid})[0].i64("n"); });
  const int64_t batch = batch_id();
  const int64_t now = clock_.now_ms();
  size_t done = 0;
  while (done < rows.size()) {
    size_t end = std::min(rows.size(), done + opts_.import_chunk);
    std::vector<store::Params> stage;
    stage.reserve(end - done);
    for (size_t i = done; i < end; ++i) {
      const Norm& n = rows[i];
      std::optional<std::string> hash = n.phone ? std::optional(phone_hash(*n.phone)) : std::nullopt;
      stage.push_back({batch, int64_t(i), opt(n.phone), opt(hash), opt(n.lid), std::string(), n.m->push_name, opt(region),
                       int64_t(n.m->is_admin), nullptr, nullptr, nullptr});
    }
    out.merged += db_.write([&](store::Conn& c) {
      c.bulk("contact-stage-copy", stage);
      // Two records of one person (a lid-only contact and a phone contact) merge first.
      auto conflicts = c.run("contact-stage-lid-conflicts", {batch, pid});
      for (size_t k = 0; k < conflicts.size(); ++k) {
        auto l = c.run("contact-by-lid", {pid, conflicts[k].str("lid")});
        auto p = c.run("contact-by-phone", {pid, conflicts[k].str("phone")});
        if (!l.empty() && !p.empty()) merge(c, pid, l[0].i64("id"), p[0].i64("id"));
      }
      c.run("contact-stage-give-lid-phone", {batch, pid, now});
      c.run("contact-stage-upsert-phones", {batch, pid, now, std::string("group")});
      c.run("contact-stage-upsert-lids", {batch, pid, now, std::string("group")});
      c.run("contact-stage-memberships-by-phone", {batch, pid, gid, aid, seen_at});
      c.run("contact-stage-memberships-by-lid", {batch, pid, gid, aid, seen_at});
      c.run("contact-stage-clear", {batch});
      return static_cast<int64_t>(conflicts.size());
    });
    done = end;
    if (progress) progress(static_cast<int64_t>(done), static_cast<int64_t>(rows.size()));
  }
  int64_t after = db_.read([&](store::Conn& c) { return c.run("contact-count", {pid})[0].i64("n"); });
  out.created = after - before + out.merged;
  out.updated = static_cast<int64_t>(rows.size()) - out.created;
  spdlog::info("event=contacts.members_imported project={} group={} account={} seen={} created={} updated={} merged={} rejected={}",
               pid, gid, aid, out.seen, out.created, out.updated, out.merged, out.rejected);
  return out;
}

void ContactBase::merge(store::Conn& c, int64_t pid, int64_t lid_id, int64_t phone_id) {
  if (lid_id == phone_id) return;
  auto l = c.run("contact-by-id", {pid, lid_id});
  auto p = c.run("contact-by-id", {pid, phone_id});
  if (l.empty() || p.empty()) return;
  int64_t now = clock_.now_ms();
  std::string lid = l[0].str("lid");
  c.run("contact-merge-memberships", {pid, lid_id, phone_id});
  c.run("contact-merge-tags", {pid, lid_id, phone_id});
  c.run("contact-merge-ledger", {pid, lid_id, phone_id});
  c.run("contact-merge-outbox", {pid, lid_id, phone_id});
  c.run("contact-merge-engagement", {pid, phone_id, l[0].f64("engagement_ref"), l[0].str("push_name"), now});
  auto lc = parse_consent(l[0].str("consent")).value_or(Consent::unknown);
  auto pc = parse_consent(p[0].str("consent")).value_or(Consent::unknown);
  c.run("contact-delete", {pid, lid_id});
  c.run("contact-set-lid", {pid, phone_id, lid, now});
  // The merged contact keeps the most telling consent: an opt-out from either record stands; an
  // engagement or opt-in the lid record earned lifts an unknown phone record.
  Consent to = pc;
  if (lc == Consent::opted_out) to = Consent::opted_out;
  else if (pc == Consent::unknown && lc != Consent::unknown) to = lc;
  if (to != pc) {
    c.run("contact-set-consent", {pid, phone_id, std::string(consent_name(to)), now});
    c.run("consent-event-insert", {pid, phone_id, std::string(consent_name(pc)), std::string(consent_name(to)),
                                   std::string("merge"), json{{"merged_contact", lid_id}, {"lid", lid}}.dump(),
                                   std::string("system"), now});
  }
}

void ContactBase::lid_resolved(int64_t pid, const std::string& lid, const std::string& phone) {
  auto parsed = parse_engine_phone(phone);
  if (!parsed.e164 || lid.empty()) {
    spdlog::warn("event=contacts.lid_unresolvable project={} reason={}", pid, log_value(parsed.reason));
    return;
  }
  const std::string e164 = *parsed.e164;
  bool blocked = db_.read([&](store::Conn& c) { return suppressed(c, e164); });
  db_.write([&](store::Conn& c) {
    int64_t now = clock_.now_ms();
    auto l = c.run("contact-by-lid", {pid, lid});
    auto p = c.run("contact-by-phone", {pid, e164});
    if (l.empty()) {
      if (!p.empty() && p[0].is_null("lid")) c.run("contact-set-lid", {pid, p[0].i64("id"), lid, now});
      return;
    }
    if (!l[0].is_null("phone")) return;  // already known
    int64_t lid_id = l[0].i64("id");
    if (!p.empty()) return merge(c, pid, lid_id, p[0].i64("id"));
    c.run("contact-set-phone", {pid, lid_id, e164, now});
    if (blocked) apply_consent(c, pid, lid_id, Consent::opted_out, "import", json{{"reason", "suppressed number"}}, "system", false);
  });
}

// ---- consent ---------------------------------------------------------------------------------------

bool ContactBase::apply_consent(store::Conn& c, int64_t pid, int64_t cid, Consent to, const std::string& source,
                                const json& evidence, const std::string& actor, bool explicit_opt_in) {
  auto r = c.run("contact-by-id", {pid, cid});
  if (r.empty()) throw not_found("no such contact");
  Consent from = parse_consent(r[0].str("consent")).value_or(Consent::unknown);
  bool has_evidence = evidence.is_object() && !evidence.empty();
  auto t = consent_transition(from, to, has_evidence, explicit_opt_in);
  if (!t.allowed) {
    if (to == Consent::opted_in && !has_evidence) throw validation("evidence", t.reason);
    throw conflict("state", t.reason);
  }
  auto phone = r[0].opt_str("phone");
  int64_t now = clock_.now_ms();
  if (to == Consent::opted_in && phone) {
    auto s = c.run("suppression-get", {phone_hash(*phone)});
    if (!s.empty()) {
      if (s[0].str("reason") != "opt_out" || !explicit_opt_in)
        throw conflict("state", "this number is on the suppression list (" + s[0].str("reason") + "); it cannot be opted in");
      c.run("suppression-lift-opt-out", {phone_hash(*phone)});  // the person asked to hear from us again
    }
  }
  if (!t.changes) return false;
  c.run("contact-set-consent", {pid, cid, std::string(consent_name(to)), now});
  c.run("consent-event-insert", {pid, cid, std::string(consent_name(from)), std::string(consent_name(to)), source,
                                 evidence.is_object() ? evidence.dump() : std::string("{}"), actor, now});
  if (to == Consent::opted_out && phone)
    c.run("suppression-insert", {phone_hash(*phone), std::string("opt_out"), pid, now});
  return true;
}

json ContactBase::record_consent(int64_t pid, int64_t cid, const std::string& to, const json& evidence,
                                 const std::string& actor) {
  auto state = parse_consent(to);
  if (!state) throw validation("state", "must be one of unknown, engaged, opted_in, opted_out");
  if (!evidence.is_null() && !evidence.is_object()) throw validation("evidence", "must be an object (e.g. {\"form\": \"…\", \"note\": \"…\"})");
  salt();
  bool changed = db_.write([&](store::Conn& c) {
    return apply_consent(c, pid, cid, *state, "api", evidence.is_null() ? json::object() : evidence, actor, true);
  });
  if (changed)
    bus_.publish({"contact.consent", pid, std::nullopt, {{"contact_id", cid}, {"consent", to}}, clock_.now_ms()});
  return get(pid, cid);
}

Gate ContactBase::messageable_one_to_one(store::Conn& c, int64_t pid, int64_t cid) {
  auto r = c.run("contact-by-id", {pid, cid});
  if (r.empty()) return {false, "no_contact"};
  auto phone = r[0].opt_str("phone");
  bool supp = phone && suppressed(c, *phone);
  return consent_gate(parse_consent(r[0].str("consent")).value_or(Consent::unknown), phone.has_value(), supp);
}

Gate ContactBase::messageable_at_send(store::Conn& c, int64_t pid, std::optional<int64_t> cid, const std::string& chat) {
  if (cid) return messageable_one_to_one(c, pid, *cid);
  auto at = chat.find('@');
  std::string digits = chat.substr(0, at);
  if (at == std::string::npos || digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return {true, ""};
  if (suppressed(c, "+" + digits)) return {false, "suppressed"};
  return {true, ""};
}

Gate ContactBase::messageable_one_to_one(int64_t pid, int64_t cid) {
  salt();
  return db_.read([&](store::Conn& c) { return messageable_one_to_one(c, pid, cid); });
}

json ContactBase::suppress(const std::string& phone, const std::string& region, const std::string& reason,
                           const std::string& actor) {
  if (reason != "opt_out" && reason != "manual") throw validation("reason", "must be opt_out or manual");
  auto p = parse_phone(phone, region);
  if (!p.e164) throw validation("phone", p.reason);
  std::string hash = phone_hash(*p.e164);
  db_.write([&](store::Conn& c) {
    c.run("suppression-insert", {hash, reason, nullptr, clock_.now_ms()});
    // Every project's contact with the number is opted out, with a ledger row each.
    auto rows = c.run("contact-ids-by-phone", {*p.e164});
    for (size_t i = 0; i < rows.size(); ++i)
      apply_consent(c, rows[i].i64("project_id"), rows[i].i64("id"), Consent::opted_out, "api",
                    json{{"suppression", reason}}, actor, false);
  });
  return {{"phone_hash", hash}, {"reason", reason}};
}

// ---- engagement and incoming ---------------------------------------------------------------------

void ContactBase::add_engagement(store::Conn& c, int64_t pid, int64_t cid, const std::string& kind, int64_t at) {
  auto w = engagement_weight(kind);
  if (!w) return;
  c.run("contact-add-engagement", {pid, cid, engagement_ref_of(*w, at), at});
}

int64_t ContactBase::find_or_create(store::Conn& c, int64_t pid, const std::optional<std::string>& phone,
                                    const std::optional<std::string>& lid, const std::string& push_name,
                                    const std::string& source) {
  if (phone) {
    auto r = c.run("contact-by-phone", {pid, *phone});
    if (!r.empty()) return r[0].i64("id");
  }
  if (lid) {
    auto r = c.run("contact-by-lid", {pid, *lid});
    if (!r.empty()) return r[0].i64("id");
  }
  bool supp = phone && suppressed(c, *phone);
  return c.run("contact-insert", {pid, opt(phone), opt(lid), std::string(), push_name, nullptr,
                                  std::string(supp ? "opted_out" : "unknown"), source, clock_.now_ms()})[0]
      .i64("id");
}

std::shared_ptr<const OptOutMatcher> ContactBase::matcher(store::Conn& c, int64_t pid, std::string* confirmation) {
  auto r = c.run("contact-settings", {pid});
  std::string setting = r.empty() || r[0].is_null("opt_out_words") ? std::string() : r[0].str("opt_out_words");
  std::lock_guard g(mu_);
  auto& slot = words_[pid];
  if (!slot.matcher || slot.setting != setting) {
    // Rebuilt when the stored setting differs, so a change made on another node applies here at the
    // next message too.
    auto words = opt_out_words_from(setting.empty() ? json() : json::parse(setting, nullptr, false));
    slot = {setting, std::make_shared<OptOutMatcher>(words), words.confirmation};
  }
  if (confirmation) *confirmation = slot.confirmation;
  return slot.matcher;
}

namespace {
std::string text_of(const json& data, const char* key) { return string_field(data, key); }
}  // namespace

void ContactBase::on_incoming(int64_t pid, int64_t aid, const std::string& event, const json& data) {
  salt();
  const int64_t now = clock_.now_ms();
  auto who = [&](const char* key) -> std::pair<std::optional<std::string>, std::optional<std::string>> {
    std::string jid = text_of(data, key);
    std::optional<std::string> phone, lid;
    if (jid.size() > 4 && jid.compare(jid.size() - 4, 4, "@lid") == 0) lid = jid;
    else if (!jid.empty()) {
      auto p = parse_engine_phone(jid);
      phone = p.e164;
    }
    if (!phone) {
      std::string fp = text_of(data, "from_phone");
      if (!fp.empty()) phone = parse_engine_phone(fp).e164;
    }
    return {phone, lid};
  };
  if (event == "message.received") {
    bool is_group = data.value("is_group", false);
    auto [phone, lid] = who("from");  // in a group too: the member who wrote (bridge protocol)
    std::string push_name = text_of(data, "push_name");
    if (!phone && !lid) return;
    std::string body = text_of(data, "body");
    std::string message_id = text_of(data, "id");
    bool opted_out = false;
    db_.write([&](store::Conn& c) {
      if (is_group) {
        // A message in a group is talk among members: it counts for engagement, and a "stop" there is
        // not addressed to us (docs/contacts.md), so it opts nobody out.
        std::optional<int64_t> cid;
        if (phone) if (auto r = c.run("contact-by-phone", {pid, *phone}); !r.empty()) cid = r[0].i64("id");
        if (!cid && lid) if (auto r = c.run("contact-by-lid", {pid, *lid}); !r.empty()) cid = r[0].i64("id");
        if (cid) {
          add_engagement(c, pid, *cid, "group_message", now);
          if (!push_name.empty()) c.run("contact-fill-push-name", {pid, *cid, push_name, now});
        }
        return;
      }
      int64_t cid = find_or_create(c, pid, phone, lid, push_name, "message");
      if (!push_name.empty()) c.run("contact-fill-push-name", {pid, cid, push_name, now});
      std::string confirmation;
      auto m = matcher(c, pid, &confirmation);
      if (auto word = m->match(body)) {
        json evidence = {{"message_id", message_id}, {"text", body.substr(0, 500)}, {"account_id", aid}, {"word", *word}};
        if (apply_consent(c, pid, cid, Consent::opted_out, "message", evidence, "contact", false)) {
          opted_out = true;
          // Exactly one confirmation per opt-out, as a P1 outbox row (the key: this message).
          std::string chat = (text_of(data, "chat").empty() ? text_of(data, "from") : text_of(data, "chat"));
          c.run("outbox-insert", {pid, aid, chat, cid, std::string("opt_out_confirmation"),
                                  json{{"text", confirmation}}.dump(), int64_t(1), now,
                                  "opt-out-confirmation:" + std::to_string(pid) + ":" + std::to_string(cid) + ":" + message_id});
        }
        return;
      }
      auto r = c.run("contact-by-id", {pid, cid});
      bool contacted = !r.empty() && !r[0].is_null("last_contacted_at");
      add_engagement(c, pid, cid, contacted ? "reply" : "conversation_started", now);
      apply_consent(c, pid, cid, Consent::engaged, "message", json{{"message_id", message_id}, {"account_id", aid}},
                    "contact", false);
    });
    if (opted_out) {
      spdlog::info("event=contacts.opted_out project={} account={} source=message", pid, aid);
      bus_.publish({"contact.consent", pid, std::nullopt, {{"consent", "opted_out"}}, now});
    }
  } else if (event == "message.reaction" || event == "poll.vote") {
    auto [phone, lid] = who(event == "poll.vote" ? "voter" : "from");
    if (!phone && !lid) return;
    bool in_group = text_of(data, "chat").find("@g.us") != std::string::npos;
    db_.write([&](store::Conn& c) {
      std::optional<int64_t> cid;
      if (phone) if (auto r = c.run("contact-by-phone", {pid, *phone}); !r.empty()) cid = r[0].i64("id");
      if (!cid && lid) if (auto r = c.run("contact-by-lid", {pid, *lid}); !r.empty()) cid = r[0].i64("id");
      if (!cid) {
        if (in_group) return;
        cid = find_or_create(c, pid, phone, lid, "", "message");
      }
      add_engagement(c, pid, *cid, event == "poll.vote" ? "poll_vote" : "reaction", now);
      // Reacting to or voting on our message in a direct chat is engaging with us.
      if (!in_group)
        apply_consent(c, pid, *cid, Consent::engaged, "message", json{{"message_id", text_of(data, "message_id")}}, "contact", false);
    });
  }
}

// ---- reading, export, erasure --------------------------------------------------------------------

json ContactBase::contact_json(store::Conn& c, const store::Row& r, int64_t now) {
  json tags = json::array();
  auto t = c.run("contact-tags", {r.i64("id")});
  for (size_t i = 0; i < t.size(); ++i) tags.push_back(t[i].str("tag"));
  auto name = r.str("name");
  return {{"id", r.i64("id")},
          {"phone", r.is_null("phone") ? json(nullptr) : json(r.str("phone"))},
          {"lid", r.is_null("lid") ? json(nullptr) : json(r.str("lid"))},
          {"name", name},
          {"push_name", r.str("push_name")},
          {"consent", r.str("consent")},
          {"persona", r.is_null("persona") ? json(nullptr) : json(r.str("persona"))},
          {"persona_confidence", r.i64("persona_confidence")},
          {"persona_manual", r.boolean("persona_manual")},
          {"engagement", std::round(engagement_now(r.f64("engagement_ref"), now) * 10) / 10},
          {"region", r.is_null("region") ? json(nullptr) : json(r.str("region"))},
          {"tags", tags},
          {"attributes", json::parse(r.str("attributes"), nullptr, false)},
          {"source", r.str("source")},
          {"last_contacted_at", r.is_null("last_contacted_at") ? json(nullptr) : json(format_iso8601(r.i64("last_contacted_at")))},
          {"created_at", format_iso8601(r.i64("created_at"))}};
}

json ContactBase::get(int64_t pid, int64_t cid) {
  return db_.read([&](store::Conn& c) {
    auto r = c.run("contact-by-id", {pid, cid});
    if (r.empty()) throw not_found("no such contact");
    return contact_json(c, r[0], clock_.now_ms());
  });
}

json ContactBase::export_contact(int64_t pid, int64_t cid) {
  return db_.read([&](store::Conn& c) {
    auto r = c.run("contact-by-id", {pid, cid});
    if (r.empty()) throw not_found("no such contact");
    json out = contact_json(c, r[0], clock_.now_ms());
    json groups = json::array(), ledger = json::array(), outbox = json::array();
    auto m = c.run("contact-memberships", {cid});
    for (size_t i = 0; i < m.size(); ++i)
      groups.push_back({{"group_id", m[i].i64("group_id")},
                        {"account_id", m[i].is_null("account_id") ? json(nullptr) : json(m[i].i64("account_id"))},
                        {"is_admin", m[i].boolean("is_admin")},
                        {"first_seen", format_iso8601(m[i].i64("first_seen"))},
                        {"last_seen", format_iso8601(m[i].i64("last_seen"))}});
    auto l = c.run("contact-consent-events", {cid});
    for (size_t i = 0; i < l.size(); ++i)
      ledger.push_back({{"from", l[i].str("from_state")}, {"to", l[i].str("to_state")}, {"source", l[i].str("source")},
                        {"evidence", json::parse(l[i].str("evidence"), nullptr, false)}, {"actor", l[i].str("actor")},
                        {"at", format_iso8601(l[i].i64("at"))}});
    auto o = c.run("contact-outbox", {cid});
    for (size_t i = 0; i < o.size(); ++i)
      outbox.push_back({{"id", o[i].i64("id")}, {"kind", o[i].str("kind")}, {"status", o[i].str("status")},
                        {"planned_at", format_iso8601(o[i].i64("planned_at"))}});
    out["memberships"] = groups;
    out["consent_history"] = ledger;
    out["messages"] = outbox;
    return out;
  });
}

void ContactBase::erase(int64_t pid, int64_t cid, const std::string& actor) {
  salt();
  db_.write([&](store::Conn& c) {
    auto r = c.run("contact-by-id", {pid, cid});
    if (r.empty()) throw not_found("no such contact");
    auto phone = r[0].opt_str("phone");
    if (phone) c.run("suppression-insert", {phone_hash(*phone), std::string("erased"), pid, clock_.now_ms()});
    c.run("contact-erase-conversations", {pid, cid});
    c.run("contact-erase-outbox", {pid, cid, clock_.now_ms()});
    c.run("contact-erase-events", {pid, cid});
    c.run("contact-erase-leads", {pid, cid, phone ? store::Value(*phone) : store::Value(nullptr)});
    std::string jid = phone ? phone->substr(phone->starts_with('+') ? 1 : 0) + "@c.us" : std::string();
    std::string lid = r[0].opt_str("lid").value_or("");
    if (!jid.empty() || !lid.empty()) {
      std::string a = jid.empty() ? lid : jid, b = lid.empty() ? jid : lid;
      c.run("contact-erase-group-words", {pid, a, b});
      for (const char* q : {"contact-erase-member-days", "contact-erase-welcome", "contact-erase-moderation-log", "contact-erase-strikes",
                            "contact-erase-unreachable"})
        c.run(q, {pid, a, b});
      c.run("contact-erase-join-requests", {pid, a, b, phone ? store::Value(*phone) : store::Value(nullptr)});
    }
    c.run("contact-delete", {pid, cid});  // memberships, tags and ledger cascade; outbox rows keep no link
  });
  spdlog::info("event=contacts.erased project={} contact={} actor={}", pid, cid, log_value(actor));
}

json ContactBase::opt_out_settings(int64_t pid) {
  auto w = db_.read([&](store::Conn& c) {
    auto r = c.run("contact-settings", {pid});
    std::string s = r.empty() || r[0].is_null("opt_out_words") ? std::string() : r[0].str("opt_out_words");
    return opt_out_words_from(s.empty() ? json() : json::parse(s, nullptr, false));
  });
  return {{"keywords", w.keywords}, {"phrases", w.phrases}, {"confirmation", w.confirmation}};
}

json ContactBase::set_opt_out_settings(int64_t pid, const json& body) {
  json stored = json::object();
  for (const char* k : {"keywords", "phrases"}) {
    if (!body.contains(k)) continue;
    const json& v = body[k];
    if (!v.is_array()) throw validation(k, "must be a list of words");
    for (size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string() || opt_out_tokens(v[i].get<std::string>()).empty())
        throw validation(std::string(k) + "[" + std::to_string(i) + "]", "must be a word or phrase with letters");
    }
    stored[k] = v;
  }
  if (body.contains("confirmation")) {
    if (!body["confirmation"].is_string() || body["confirmation"].get<std::string>().empty() ||
        body["confirmation"].get<std::string>().size() > 1000)
      throw validation("confirmation", "must be a text of 1 to 1000 characters");
    stored["confirmation"] = body["confirmation"];
  }
  db_.write([&](store::Conn& c) { c.run("contact-settings-opt-out-upsert", {pid, stored.dump(), clock_.now_ms()}); });
  return opt_out_settings(pid);
}

// ---- personas ----------------------------------------------------------------------------------

json ContactBase::persona_rules(int64_t pid) {
  return db_.read([&](store::Conn& c) {
    auto r = c.run("contact-settings", {pid});
    if (r.empty() || r[0].is_null("persona_rules")) return json{{"rules", json::array()}};
    return json::parse(r[0].str("persona_rules"), nullptr, false);
  });
}

json ContactBase::set_persona_rules(int64_t pid, const json& body, const std::vector<std::string>& allowed) {
  json stored = persona_rules_json(persona_rules_from(body, allowed));
  db_.write([&](store::Conn& c) { c.run("contact-settings-personas-upsert", {pid, stored.dump(), clock_.now_ms()}); });
  return stored;
}

void ContactBase::sync_finished(int64_t pid, int64_t aid) {
  if (persona_rules_from(persona_rules(pid), {}).empty()) return;
  int64_t n = recompute_personas(pid, group_text_);
  spdlog::info("event=contacts.personas_recomputed project={} account={} contacts={}", pid, aid, n);
}

int64_t ContactBase::recompute_personas(int64_t pid, const std::function<std::string(int64_t)>& group_text_of,
                                        const std::function<void(int64_t)>& progress) {
  auto rules = persona_rules_from(persona_rules(pid), {});
  // A group's text once per run, not once per member (a 500-member group would be read 500 times).
  std::unordered_map<int64_t, std::string> texts;
  auto group_text = [&](int64_t gid) -> const std::string& {
    auto it = texts.find(gid);
    if (it == texts.end()) it = texts.emplace(gid, group_text_of ? group_text_of(gid) : std::string()).first;
    return it->second;
  };
  int64_t after = 0, done = 0;
  for (;;) {
    auto page = db_.read([&](store::Conn& c) { return c.run("contact-persona-page", {pid, after}); });
    if (page.empty()) break;
    // Signals under a read, group texts from the group sync's own reads, answers in one write: no read
    // of another module inside a write transaction.
    std::vector<std::pair<int64_t, PersonaSignals>> sigs(page.size());
    db_.read([&](store::Conn& c) {
      for (size_t i = 0; i < page.size(); ++i) {
        sigs[i].first = page[i].i64("id");
        sigs[i].second.region = page[i].opt_str("region");
        auto m = c.run("contact-memberships", {sigs[i].first});
        for (size_t k = 0; k < m.size(); ++k) sigs[i].second.group_ids.push_back(m[k].i64("group_id"));
      }
    });
    if (group_text_of)
      for (auto& [id, sig] : sigs)
        for (int64_t g : sig.group_ids) sig.group_texts.push_back(group_text(g));
    db_.write([&](store::Conn& c) {
      int64_t now = clock_.now_ms();
      for (auto& [id, sig] : sigs) {
        auto score = score_persona(rules, sig);
        c.run("contact-set-persona-by-rule", {pid, id, score.persona ? store::Value(*score.persona) : store::Value(nullptr),
                                              int64_t(score.confidence), now});
      }
    });
    after = sigs.back().first;
    done += static_cast<int64_t>(page.size());
    if (progress) progress(done);
  }
  return done;
}

}  // namespace sangam
