#include "support.hpp"

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
