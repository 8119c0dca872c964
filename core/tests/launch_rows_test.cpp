// The launch's outbox rows as they stream (campaigns/campaign_plan.hpp LaunchRowSource, ContentFrame)
// and the recipient codes the launch appends (analytics/links.hpp): the same bytes as the per-row
// JSON and string building they replace.
#include "analytics/links.hpp"
#include "campaigns/campaign_plan.hpp"

#include <gtest/gtest.h>

using namespace sangam;
using namespace sangam::campaigns;

namespace {

TEST(ContentFrame, GivesTheBytesOfContentJsonForEveryKindOfMessage) {
  std::vector<Spec> specs(4);
  specs[1].poll = {{"question", "Which feed?"}, {"options", {"A", "B"}}};
  specs[2].media = {{"kind", "image"}, {"url", "https://x.example/a.jpg"}};
  specs[3].media = {{"kind", "video"}, {"media_id", 7}};
  const std::vector<std::string> texts = {"", "plain", "வணக்கம் ராஜா 🙏🏽", "quote \" back\\slash / tab\tnl\nret\r",
                                          std::string("ctl \x01\x1f\x7f bell\b ff\f"), "नमस्ते {{x}} https://a.example/?q=1&r=2"};
  for (const auto& s : specs) {
    ContentFrame frame(s);
    for (const auto& t : texts) {
      std::string out;
      frame.append(out, t);
      EXPECT_EQ(out, content_json(s, t)) << t;
    }
  }
}

TEST(ContentFrame, RefusesTextThatIsNotUtf8AsContentJsonDoes) {
  Spec s;
  ContentFrame frame(s);
  for (std::string bad : {std::string("\xC0\xAF"), std::string("cut \xE0\xAE"), std::string("\xED\xA0\x80"), std::string("\xF4\x90\x80\x80")}) {
    std::string out;
    EXPECT_THROW(content_json(s, bad), std::exception);
    EXPECT_THROW(frame.append(out, bad), std::exception);
  }
}

// A plan of 5,000 messages and 3 skipped targets: the streamed rows are the ones the launch used to
// build as Params (render_for, the links rewrite, content_json, the key), in the same order.
TEST(LaunchRowSource, StreamsTheRowsTheLaunchBuiltOneByOne) {
  Project p;
  p.name = "P";
  Spec s;
  s.kind = "direct";
  s.body = "{Hi|Hello} {{first_name}} from {{account}}: https://a.example/x";
  std::vector<TemplateError> errs;
  Template t = parse_spec_template(s, errs);
  ASSERT_TRUE(errs.empty());
  Resolution res;
  Plan plan;
  for (int i = 0; i < 5003; ++i) res.recipients.push_back({i + 1, 0, "91" + std::to_string(9000000000LL + i) + "@c.us", "Asha " + std::to_string(i), {}, {}});
  for (int i = 0; i < 5000; ++i) plan.messages.push_back({i, int64_t(10 + i % 2), 0, int64_t(1764000000000) + i * 1000});
  for (int i = 5000; i < 5003; ++i) plan.skipped.push_back({i, "account_unavailable"});
  auto rewrite = [](const std::string& x, int64_t contact, int64_t) { return x + " #" + std::to_string(contact); };
  LaunchRows rows{t, s, p, res, plan, 3, 9, 555, {{10, "ten"}, {11, "eleven"}}, rewrite};
  LaunchRowSource src(rows);
  ASSERT_EQ(src.total(), 5003u);
  std::vector<store::Params> got;
  for (;;) {
    store::BulkChunk ch(LaunchRowSource::kWidth);
    if (!src(ch)) break;
    ASSERT_TRUE(ch.complete());
    for (size_t r = 0; r < ch.rows(); ++r) got.push_back(ch.params(r));
  }
  ASSERT_EQ(got.size(), 5003u);
  for (int i = 0; i < 5003; ++i) {
    const Recipient& rc = res.recipients[i];
    store::Params want;
    if (i < 5000) {
      const auto& m = plan.messages[i];
      std::string text = rewrite(render_for(t, s, p, rc, rows.labels[m.account], launch_seed(9, m.target)), rc.contact_id, 0);
      want = {int64_t(3), m.account, rc.chat, rc.contact_id, nullptr, std::string("campaign"), content_json(s, text), int64_t(2), m.at_ms,
              std::string("queued"), "campaign:9:c" + std::to_string(rc.contact_id), nullptr, int64_t(9), int64_t(555), int64_t(555)};
    } else {
      want = {int64_t(3), nullptr, rc.chat, rc.contact_id, nullptr, std::string("campaign"), std::string("{}"), int64_t(2), int64_t(555),
              std::string("skipped"), "campaign:9:c" + std::to_string(rc.contact_id), excluded_message("account_unavailable"), int64_t(9),
              int64_t(555), int64_t(555)};
    }
    ASSERT_EQ(got[i].size(), want.size());
    for (size_t k = 0; k < want.size(); ++k) {
      ASSERT_EQ(got[i][k].index(), want[k].index()) << "row " << i << " column " << k;
      if (auto a = std::get_if<std::string>(&want[k])) ASSERT_EQ(std::get<std::string>(got[i][k]), *a) << "row " << i << " column " << k;
      if (auto a = std::get_if<int64_t>(&want[k])) ASSERT_EQ(std::get<int64_t>(got[i][k]), *a) << "row " << i << " column " << k;
    }
  }
}

TEST(RecipientCodes, AppendMakesTheCodeMakeMakes) {
  analytics::RecipientCodes codes(std::vector<unsigned char>(32, 3));
  for (int64_t id : {int64_t(1), int64_t(61), int64_t(62), int64_t(1000003), INT64_MAX}) {
    for (char kind : {'c', 'g'}) {
      analytics::RecipientCode rc{"AbCdEf012345", kind, id};
      std::string out = "https://go.example/r/";
      codes.append(out, rc.link, kind, id);
      EXPECT_EQ(out, "https://go.example/r/" + codes.make(rc));
      auto back = codes.parse(out.substr(out.rfind('/') + 1));
      ASSERT_TRUE(back);
      EXPECT_EQ(back->id, id);
    }
  }
}

}  // namespace
