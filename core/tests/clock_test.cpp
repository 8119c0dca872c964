#include "support.hpp"

#include <date/date.h>

using namespace sangam;
using namespace std::chrono;

TEST(Clock, ManualClockMovesOnlyWhenTold) {
  ManualClock c(test::at("2026-11-24T09:00:00Z"));
  auto t0 = c.now_ms();
  EXPECT_EQ(c.now_ms(), t0);
  c.advance(minutes(90));
  EXPECT_EQ(c.now_ms() - t0, 90 * 60 * 1000);
  EXPECT_EQ(format_iso8601(c.now_ms()), "2026-11-24T10:30:00Z");
}

TEST(Clock, AcceleratedClockRunsFasterThanItsBase) {
  ManualClock base(test::at("2026-11-24T09:00:00Z"));
  AcceleratedClock fast(base, 60);
  base.advance(seconds(2));
  EXPECT_EQ(format_iso8601(fast.now_ms()), "2026-11-24T09:02:00Z");  // 2 real seconds = 2 demo minutes
}

TEST(Clock, FormatsTimesBeforeTheEpoch) { EXPECT_EQ(format_iso8601(-1), "1969-12-31T23:59:59Z"); }

TEST(Clock, FormatsEveryDayOfFourCenturiesLikeDateDoes) {
  // The hand-written digits against the date library's own formatting, one time a day from 1900 to
  // 2300 (leap years and centuries included), the time of day moving by 997 s a day.
  for (int64_t day = -25567; day <= 120529; ++day) {
    int64_t ms = day * 86400000 + (day * 997 % 86400 + 86400) % 86400 * 1000 + 999;
    std::string want = date::format("%FT%TZ", date::sys_seconds{seconds{day * 86400 + (ms - day * 86400000) / 1000}});
    ASSERT_EQ(format_iso8601(ms), want) << ms;
  }
  EXPECT_EQ(format_iso8601(253402300800000), "10000-01-01T00:00:00Z");  // past 9999: the general form
}
