#include "safety/local_time.hpp"

#include <date/tz.h>

#include <chrono>

namespace sangam::safety {

LocalTime local_time(const std::string& time_zone, int64_t utc_ms) {
  using namespace std::chrono;
  const date::time_zone* tz = date::locate_zone(time_zone);
  auto sys = date::sys_time<milliseconds>{milliseconds{utc_ms}};
  auto local = tz->to_local(sys);
  auto local_day = date::floor<date::days>(local);
  LocalTime t;
  t.utc_ms = utc_ms;
  t.day = local_day.time_since_epoch().count();
  t.minute = static_cast<int>(duration_cast<minutes>(local - local_day).count());
  t.weekday = static_cast<int>((date::weekday{local_day}.c_encoding() + 6) % 7);  // Monday = 0
  // Midnight may not exist (a DST jump at 00:00): take the earliest instant of the day.
  auto mid = tz->to_sys(date::local_time<milliseconds>{local_day}, date::choose::earliest);
  t.midnight_utc_ms = mid.time_since_epoch().count();
  return t;
}

int64_t local_midnight(const std::string& time_zone, int64_t day) {
  using namespace std::chrono;
  const date::time_zone* tz = date::locate_zone(time_zone);
  auto local = date::local_time<milliseconds>{date::local_days{date::days{day}}};
  return tz->to_sys(local, date::choose::earliest).time_since_epoch().count();
}

}  // namespace sangam::safety
