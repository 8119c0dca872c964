#include "contacts/consent.hpp"

namespace sangam {

const char* consent_name(Consent c) {
  switch (c) {
    case Consent::unknown: return "unknown";
    case Consent::engaged: return "engaged";
    case Consent::opted_in: return "opted_in";
    case Consent::opted_out: return "opted_out";
  }
  return "unknown";
}

std::optional<Consent> parse_consent(const std::string& s) {
  if (s == "unknown") return Consent::unknown;
  if (s == "engaged") return Consent::engaged;
  if (s == "opted_in") return Consent::opted_in;
  if (s == "opted_out") return Consent::opted_out;
  return std::nullopt;
}

Transition consent_transition(Consent from, Consent to, bool has_evidence, bool explicit_opt_in) {
  if (from == to) return {true, false, {}};
  switch (to) {
    case Consent::unknown: return {false, false, "consent cannot go back to unknown"};
    case Consent::engaged:
      if (from == Consent::unknown) return {true, true, {}};
      return {true, false, {}};  // an opt-in stays, an opt-out stays
    case Consent::opted_in:
      if (!has_evidence) return {false, false, "an opt-in needs evidence: where and how the person agreed"};
      if (from == Consent::opted_out && !explicit_opt_in)
        return {false, false, "this contact opted out; only a new explicit opt-in recorded through the API lifts that"};
      return {true, true, {}};
    case Consent::opted_out: return {true, true, {}};
  }
  return {false, false, "unknown consent state"};
}

Gate consent_gate(Consent c, bool has_phone, bool suppressed) {
  if (c == Consent::opted_out) return {false, "opted_out"};
  if (suppressed) return {false, "suppressed"};
  if (!has_phone) return {false, "no_phone"};
  if (c != Consent::opted_in && c != Consent::engaged) return {false, "no_consent"};
  return {true, {}};
}

}  // namespace sangam
