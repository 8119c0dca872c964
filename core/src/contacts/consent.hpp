#pragma once
// Consent: the states a contact can be in, which changes are allowed, and the gate the dispatcher
// asks before every one-to-one message. Pure: no I/O (ContactBase reads the facts and calls these).
#include <optional>
#include <string>

namespace sangam {

// unknown: known from a group or a CSV, never agreed to anything; engaged: wrote to us first, replied
// or reacted to us; opted_in: agreed explicitly (source and evidence recorded); opted_out: said stop.
enum class Consent { unknown, engaged, opted_in, opted_out };
const char* consent_name(Consent c);
std::optional<Consent> parse_consent(const std::string& s);

// Whether `from` may become `to`, and why not. The rules (docs/contacts.md):
// - nothing goes back to unknown;
// - engaged only lifts unknown (engaging never undoes an opt-out and never downgrades an opt-in);
// - opted_in needs evidence (what the person agreed to, where, when);
// - out of opted_out only through an explicit new opt-in with evidence, never by a CSV or an
//   engagement (`explicit_opt_in`: a person recorded it through POST …/consent).
struct Transition {
  bool allowed = false;
  bool changes = false;  // false: allowed but nothing to record (already there, or engaged over opted_in)
  std::string reason;    // why not, for the error envelope
};
Transition consent_transition(Consent from, Consent to, bool has_evidence, bool explicit_opt_in);

// The consent gate for a one-to-one campaign message (DESIGN.md "Consent first"): only a contact
// with a phone, who opted in or engaged first, whose number is not on the global suppression list.
// A contact known only by @lid is never messageable one to one. Group posts do not pass here.
// The single exception is the confirmation of an opt-out, which the dispatcher sends by its kind.
struct Gate {
  bool allowed = false;
  std::string reason;  // "opted_out", "suppressed", "no_phone", "no_consent"
};
Gate consent_gate(Consent c, bool has_phone, bool suppressed);

}  // namespace sangam
