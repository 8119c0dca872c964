#pragma once
// The PostgreSQL side of Database::listen: one dedicated connection per listener, outside the pool.
#include "store/db.hpp"

namespace sangam::store {

std::unique_ptr<Listener> pg_listen(const std::string& url, const std::string& channel, ListenHandlers handlers);

}  // namespace sangam::store
