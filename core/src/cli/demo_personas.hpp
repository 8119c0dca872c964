#pragma once
#include "contacts/contact_base.hpp"

namespace sangam {

// Persona rules for the demo's three projects (keywords of the simulated world's group names), set
// once: a project whose rules someone changed keeps them. The first group sync then assigns personas
// (ContactBase::sync_finished), so the Contacts page has them within a minute of start.
void seed_demo_personas(store::Database& db, ContactBase& contacts);

}  // namespace sangam
