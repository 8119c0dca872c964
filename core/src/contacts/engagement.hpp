#pragma once
// Engagement score with time decay, updated incrementally as events arrive (docs/contacts.md).
//
// score(now) = Σ weight(e) · 2^(−(now − t_e) / H), H = 30 days: an event counts half after a month,
// a quarter after two. Stored as its value at a fixed reference instant T0 (2026-01-01 UTC):
// ref = Σ weight(e) · 2^((t_e − T0) / H). An event only adds weight · 2^((t − T0)/H) to ref (no
// read-modify-write of a decayed value), and score(now) = ref · 2^(−(now − T0)/H) is the same factor
// for every contact, so "score ≥ x now" is the index range ref ≥ x · 2^((now − T0)/H). The factor
// reaches 2^500 (a double holds 2^1023) after 41 years; a rebase before then divides every ref.
#include <cstdint>
#include <optional>
#include <string>

namespace sangam {

constexpr int64_t kEngagementT0Ms = 1767225600000;          // 2026-01-01T00:00:00Z
constexpr int64_t kEngagementHalfLifeMs = 30LL * 86400000;  // 30 days

// Points per event kind: a conversation the contact started 8, a reply 5, a poll vote 3, a link click
// 3, a reaction 2, a message in a group 1, a read 0.5. nullopt for kinds that do not count.
std::optional<double> engagement_weight(const std::string& kind);
double engagement_ref_of(double weight, int64_t at_ms);  // what one event adds to the stored ref
double engagement_now(double ref, int64_t now_ms);       // the score as of now_ms
double engagement_ref_threshold(double score, int64_t now_ms);  // score ≥ x now ⇔ ref ≥ this

}  // namespace sangam
