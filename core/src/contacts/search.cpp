#include "contacts/search.hpp"

#include "contacts/consent.hpp"
#include "contacts/engagement.hpp"
#include "util/crypto.hpp"
#include "util/errors.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <unordered_map>

namespace sangam {
namespace {

int64_t to_i64(const std::string& name, const std::string& v, int64_t lo, int64_t hi) {
  char* end = nullptr;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end || n < lo || n > hi) throw validation(name, fmt::format("must be a whole number from {} to {}", lo, hi));
  return n;
}

int64_t to_time(const std::string& name, const std::string& v) {
  // ISO 8601 UTC ("2026-11-24T10:00:00Z") or a date ("2026-11-24").
  std::tm tm{};
  const char* end = strptime(v.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (!end || *end) {
    tm = {};
    end = strptime(v.c_str(), "%Y-%m-%d", &tm);
  }
  if (!end || *end) throw validation(name, "must be a time like 2026-11-24T10:00:00Z or a date like 2026-11-24");
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

// Cursors travel in query strings: base64 with - and _ for + and /, no padding.
std::string cursor_encode(const std::string& s) {
  std::string b = crypto::base64_encode(s);
  for (auto& ch : b) ch = ch == '+' ? '-' : ch == '/' ? '_' : ch;
  while (!b.empty() && b.back() == '=') b.pop_back();
  return b;
}
std::optional<std::string> cursor_decode(std::string s) {
  for (auto& ch : s) ch = ch == '-' ? '+' : ch == '_' ? '/' : ch;
  while (s.size() % 4) s.push_back('=');
  return crypto::base64_decode(s);
}

}  // namespace

ContactFilter parse_contact_filter(const std::function<std::optional<std::string>(const char*)>& p) {
  ContactFilter f;
  if (auto v = p("persona"); v && !v->empty()) f.persona = *v;
  if (auto v = p("min_confidence")) f.min_confidence = to_i64("min_confidence", *v, 0, 100);
  if (auto v = p("region"); v && !v->empty()) f.region = *v;
  if (auto v = p("group")) f.group_id = to_i64("group", *v, 1, INT64_MAX);
  if (auto v = p("tag"); v && !v->empty()) f.tag = *v;
  if (auto v = p("consent"); v && !v->empty()) {
    if (!parse_consent(*v)) throw validation("consent", "must be one of unknown, engaged, opted_in, opted_out");
    f.consent = *v;
  }
  if (auto v = p("min_engagement")) {
    char* end = nullptr;
    double d = std::strtod(v->c_str(), &end);
    if (v->empty() || *end || !std::isfinite(d) || d < 0) throw validation("min_engagement", "must be a number of 0 or more");
    f.min_engagement = d;
  }
  if (auto v = p("contacted_before")) f.contacted_before = to_time("contacted_before", *v);
  if (auto v = p("contacted_after")) f.contacted_after = to_time("contacted_after", *v);
  if (auto v = p("q"); v && !v->empty()) {
    if (v->size() > 100) throw validation("q", "must be at most 100 characters");
    f.q = *v;
  }
  if (auto v = p("sort")) {
    if (*v != "id" && *v != "-id" && *v != "name" && *v != "-engagement" && *v != "-created")
      throw validation("sort", "must be one of id, -id, name, -engagement, -created");
    f.sort = *v;
  }
  if (auto v = p("limit")) f.limit = to_i64("limit", *v, 1, 500);
  if (auto v = p("cursor"); v && !v->empty()) f.cursor = *v;
  if (auto v = p("total"); v && !v->empty()) {
    if (*v != "exact" && *v != "capped") throw validation("total", "must be exact or capped");
    f.exact_total = *v == "exact";
  }
  return f;
}

ContactPage search_contacts(store::Conn& c, store::Backend b, int64_t pid, const ContactFilter& f,
                            const std::string& default_cc, int64_t now, bool with_total) {
  const bool pg = b == store::Backend::postgres;
  store::Params params{pid};
  auto arg = [&](store::Value v) {
    params.push_back(std::move(v));
    return "$" + std::to_string(params.size());
  };
  std::string where = "c.project_id = $1";
  if (f.persona) where += " AND c.persona = " + arg(*f.persona);
  if (f.min_confidence) where += " AND c.persona_confidence >= " + arg(*f.min_confidence);
  if (f.region) where += " AND c.region = " + arg(*f.region);
  if (f.consent) where += " AND c.consent = " + arg(*f.consent);
  if (f.min_engagement) where += " AND c.engagement_ref >= " + arg(engagement_ref_threshold(*f.min_engagement, now));
  if (f.contacted_before) where += " AND c.last_contacted_at < " + arg(*f.contacted_before);
  if (f.contacted_after) where += " AND c.last_contacted_at >= " + arg(*f.contacted_after);
  // Group and tag are joins that start from their index, in contact id order, so a page of 50 (and
  // a capped count) reads 50 (10,001) index entries. As IN (SELECT …) both backends built the whole
  // set first: 50,000 tag rows cost 270 ms p50 on a loaded machine (docs/performance.md).
  std::string from = "contacts c";
  if (f.group_id) {
    from = "memberships m JOIN " + from + " ON c.id = m.contact_id";
    where += " AND m.group_id = " + arg(*f.group_id);
  }
  if (f.tag) {
    from = "contact_tags t JOIN " + from + (f.group_id ? " AND c.id = t.contact_id" : " ON c.id = t.contact_id");
    where += " AND t.project_id = $1 AND t.tag = " + arg(*f.tag);
  }
  if (f.q) {
    std::string digits, letters;
    for (unsigned char ch : *f.q) {
      if (std::isdigit(ch)) digits.push_back(static_cast<char>(ch));
      if (ch != '%' && ch != '_' && ch != '\\' && ch != '*' && ch != '?' && ch != '[') letters.push_back(static_cast<char>(ch));
    }
    bool phone_like = !digits.empty() && digits.size() * 2 >= f.q->size();
    if (phone_like) {
      // Phone prefix: what was typed, with its country code or as a local number ("098…" → "+9198…").
      std::string intl = "+" + digits, local = digits;
      while (!local.empty() && local[0] == '0') local.erase(0, 1);
      local = "+" + default_cc + local;
      std::string op = pg ? " LIKE " : " GLOB ";
      std::string any = pg ? "%" : "*";
      where += " AND (c.phone" + op + arg(intl + any) + " OR c.phone" + op + arg(local + any) + ")";
    } else {
      // Name prefix, case-insensitive: an index range (NOCASE column in SQLite, lower() index in PostgreSQL).
      where += pg ? " AND lower(c.name) LIKE lower(" + arg(letters) + ") || '%'" : " AND c.name LIKE " + arg(letters + "%");
    }
  }
  ContactPage page;
  if (with_total && f.exact_total) {
    page.total = c.run_text("SELECT count(*) AS n FROM " + from + " WHERE " + where, params)[0].i64("n");
  } else if (with_total) {
    page.total = c.run_text("SELECT count(*) AS n FROM (SELECT 1 FROM " + from + " WHERE " + where + " LIMIT " +
                                std::to_string(kContactTotalCap + 1) + ") capped",
                            params)[0].i64("n");
    if (page.total > kContactTotalCap) {
      page.total = kContactTotalCap;
      page.total_capped = true;
    }
  }

  // Keyset: the cursor is the last row's sort key and id, so the next page starts after it
  // without counting skipped rows (OFFSET would read them all: 1M rows at the last page).
  std::string order, key_expr;
  bool desc = f.sort[0] == '-';
  if (f.sort == "id" || f.sort == "-id") key_expr = "";
  else if (f.sort == "name") key_expr = "c.name";
  else if (f.sort == "-engagement") key_expr = "c.engagement_ref";
  else key_expr = "c.created_at";
  std::string dir = desc ? " DESC" : "";
  order = key_expr.empty() ? "c.id" + dir : key_expr + dir + ", c.id" + dir;
  std::string paged = where;
  if (f.cursor) {
    auto raw = cursor_decode(*f.cursor);
    nlohmann::json cur = raw ? nlohmann::json::parse(*raw, nullptr, false) : nlohmann::json();
    if (!cur.is_object() || !cur.contains("id") || !cur["id"].is_number_integer())
      throw validation("cursor", "is not a cursor this endpoint gave");
    std::string cmp = desc ? " < " : " > ";
    std::string idp = arg(cur["id"].get<int64_t>());
    if (key_expr.empty()) {
      paged += " AND c.id" + cmp + idp;
    } else {
      store::Value kv = cur["k"].is_string() ? store::Value(cur["k"].get<std::string>())
                        : cur["k"].is_number_float() ? store::Value(cur["k"].get<double>())
                        : cur["k"].is_number_integer() ? store::Value(cur["k"].get<int64_t>())
                                                       : store::Value(nullptr);
      if (std::holds_alternative<std::nullptr_t>(kv)) throw validation("cursor", "is not a cursor this endpoint gave");
      std::string kp = arg(kv);
      paged += " AND (" + key_expr + cmp + kp + " OR (" + key_expr + " = " + kp + " AND c.id" + cmp + idp + "))";
    }
  }
  std::string sql =
      "SELECT c.id, c.phone, c.lid, c.name, c.consent, c.persona, c.persona_confidence, c.engagement_ref, c.region, "
      "c.last_contacted_at, c.created_at FROM " + from + " WHERE " + paged + " ORDER BY " + order + " LIMIT " +
      arg(f.limit + 1);
  auto rows = c.run_text(sql, params);
  size_t n = std::min<size_t>(rows.size(), static_cast<size_t>(f.limit));
  std::string ids;
  for (size_t i = 0; i < n; ++i) {
    auto r = rows[i];
    page.items.push_back({{"id", r.i64("id")},
                          {"phone", r.is_null("phone") ? nlohmann::json(nullptr) : nlohmann::json(r.str("phone"))},
                          {"lid", r.is_null("lid") ? nlohmann::json(nullptr) : nlohmann::json(r.str("lid"))},
                          {"name", r.str("name")},
                          {"consent", r.str("consent")},
                          {"persona", r.is_null("persona") ? nlohmann::json(nullptr) : nlohmann::json(r.str("persona"))},
                          {"persona_confidence", r.i64("persona_confidence")},
                          {"engagement", std::round(engagement_now(r.f64("engagement_ref"), now) * 10) / 10},
                          {"region", r.is_null("region") ? nlohmann::json(nullptr) : nlohmann::json(r.str("region"))},
                          {"last_contacted_at", r.is_null("last_contacted_at") ? nlohmann::json(nullptr)
                                                                                : nlohmann::json(r.i64("last_contacted_at"))},
                          {"tags", nlohmann::json::array()}});
    ids += (ids.empty() ? "" : ",") + std::to_string(r.i64("id"));
  }
  if (!ids.empty()) {
    // Tags of the page's contacts in one query (ids are integers we just read, not user input).
    auto t = c.run_text("SELECT contact_id, tag FROM contact_tags WHERE contact_id IN (" + ids + ") ORDER BY tag");
    std::unordered_map<int64_t, size_t> at;
    for (size_t i = 0; i < page.items.size(); ++i) at[page.items[i]["id"].get<int64_t>()] = i;
    for (size_t i = 0; i < t.size(); ++i) page.items[at[t[i].i64("contact_id")]]["tags"].push_back(t[i].str("tag"));
  }
  if (rows.size() > n && n > 0) {
    auto last = rows[n - 1];
    nlohmann::json cur = {{"id", last.i64("id")}};
    if (f.sort == "name") cur["k"] = last.str("name");
    else if (f.sort == "-engagement") cur["k"] = last.f64("engagement_ref");
    else if (f.sort == "-created") cur["k"] = last.i64("created_at");
    page.next_cursor = cursor_encode(cur.dump());
  }
  return page;
}

}  // namespace sangam
