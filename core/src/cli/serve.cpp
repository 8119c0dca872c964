#include "cli/serve.hpp"

#include "campaigns/campaign_service.hpp"
#include "campaigns/dispatch_loop.hpp"
#include "campaigns/engine_tap.hpp"
#include "campaigns/failover.hpp"
#include "engines/sender.hpp"

#include "cli/demo_campaigns.hpp"
#include "cli/demo_data.hpp"
#include "cli/demo_personas.hpp"
#include "cli/demo_inbox.hpp"
#include "cli/demo_own_groups.hpp"
#include "engines/bridge/supervisor.hpp"
#include "groups/engine_tap.hpp"
#include "analytics/analytics.hpp"
#include "analytics/engine_tap.hpp"
#include "analytics/demo_history.hpp"
#include "analytics/weekly_report.hpp"
#include "analytics/group_reach.hpp"
#include "ops/webhook_events.hpp"
#include "ops/webhooks.hpp"
#include "groups/group_service.hpp"
#include "inbox/inbox_service.hpp"
#include "community/moderation.hpp"
#include "community/own_groups.hpp"
#include "community/welcome.hpp"
#include "calendar/calendar_service.hpp"
#include "cli/demo_calendar.hpp"
#include "channels/channel_service.hpp"
#include "cli/runtime.hpp"
#include "http/app.hpp"
#include "http/server.hpp"
#include "util/worker_pool.hpp"

#include <signal.h>
#include <unistd.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

namespace sangam {
namespace {

// The hub's view of a member: their role as a number (Hub::CanSee), 0 when they cannot see the project.
int user_role_in(store::Database& db, int64_t user_id, int64_t project_id) {
  return db.read([&](store::Conn& c) {
    auto u = c.run("user-by-id", {user_id});
    if (u.empty() || u[0].boolean("disabled")) return 0;
    auto role = ProjectService::role_of(c, user_from_row(u[0]), project_id);
    return role ? static_cast<int>(*role) : 0;
  });
}

// This process's name in account leases. Kept in the data dir, so a restarted sangam is the same node
// and takes its accounts back at once instead of waiting 60 s for its old leases to expire; the data
// dir lock makes it unique among live processes.
std::string node_id(const std::string& data_dir) {
  std::string path = data_dir + "/node.id", id;
  std::ifstream(path) >> id;
  if (!id.empty()) return id;
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  id = std::string(host) + "-" + crypto::random_token(6);
  std::ofstream(path) << id << "\n";
  return id;
}

// connector/dist/main.js next to the binary (build/sangam → ../connector/dist) or the working dir.
std::string find_connector_script(const Config& cfg) {
  if (!cfg.connector_script.empty()) return cfg.connector_script;
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  for (auto base : {exe.parent_path().parent_path(), exe.parent_path(), std::filesystem::current_path(ec)}) {
    auto p = base / "connector" / "dist" / "main.js";
    if (std::filesystem::exists(p, ec)) return p.string();
  }
  return {};
}

std::string url_of(const Config& cfg, unsigned short port) {
  std::string host = cfg.listen_host == "0.0.0.0" || cfg.listen_host == "::" ? "127.0.0.1" : cfg.listen_host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port);
}

}  // namespace

int run_serve(Config cfg, const ServeOptions& opts) {
  // SIGINT/SIGTERM are taken by a dedicated thread (sigwait) and blocked everywhere else. Blocked
  // first, before any thread exists (spdlog's flusher is one): a thread that has them unblocked
  // would take the default action and kill the process without a clean stop.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  prepare_data_dir(cfg.data_dir);
  DataDirLock lock(cfg.data_dir);
  const bool key_from_env = !cfg.secret_key.bytes.empty();
  load_secret_key(cfg, [](const char* k) { return std::getenv(k); });
  setup_logging(cfg.log_level);


  SystemClock system_clock;
  std::unique_ptr<AcceleratedClock> fast;
  if (opts.clock_speed != 1.0) fast = std::make_unique<AcceleratedClock>(system_clock, opts.clock_speed);
  const Clock& clock = fast ? static_cast<const Clock&>(*fast) : system_clock;

  // Handlers run on the I/O threads and block while their query is out. On SQLite that is a function
  // call; on PostgreSQL a round trip during which the thread sleeps in poll(), so one thread per core
  // left a core idle (GET /api/v1/projects on 2 cores: 21 % idle at 11.4k req/s; 4 threads: 7 % idle,
  // +3 to +70 % req/s over 8 interleaved runs on a shared machine, but a longer p99 tail there;
  // docs/performance.md). Twice as many threads as cores; SANGAM_THREADS overrides it.
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  unsigned threads = cfg.threads ? cfg.threads : cfg.uses_postgres() ? 2 * cores : cores;
  auto db = open_and_migrate(cfg, clock, threads);
  verify_secret_key(*db, cfg, key_from_env, clock);
  http::Hub hub([&db](int64_t u, int64_t p) { return user_role_in(*db, u, p); });
  AuthService auth(*db, clock, hub);
  ProjectService projects(*db, clock, hub);
  // Bridge requests (session archives: save, load) off the I/O threads. Two workers: a connector's
  // frames run one at a time in order, so two connectors (or a node restoring while another saves)
  // proceed side by side; each holds at most one archive (tens of MB) at a time.
  WorkerPool bridge_workers(2);
  BridgeHub bridge(clock, nullptr, [&bridge_workers](std::function<void()> job) { bridge_workers.post(std::move(job)); });
  AlertService alerts(*db, clock, hub);
  AccountOptions account_opts;
  account_opts.reconnect_delay_ms = cfg.reconnect_delay_ms;
  account_opts.keepalive_ms = cfg.keepalive_ms;
  account_opts.lease_ttl_ms = cfg.lease_ttl_ms;
  account_opts.node_id = node_id(cfg.data_dir);
  AccountService accounts(*db, clock, hub, bridge, alerts, cfg.secret_key, account_opts);
  ContactBase contacts(*db, clock, hub);
  // Incoming messages reach the contact base (consent, engagement) and then the team inbox, which
  // finds the sender as a contact already.
  InboxService inbox(*db, clock, hub);
  ModerationService moderation(*db, clock);
  IncomingFanout incoming({&contacts, &inbox, &moderation});
  accounts.set_incoming(&incoming);
  // One job thread: imports are write-heavy, and on SQLite there is one writer anyway.
  JobService jobs(*db, clock, hub, 1);
  // Group sync pages, member hand-over, activity and queued joins off the I/O threads. Two workers: a
  // queued join waits up to 45 s for WhatsApp while the other keeps syncs and activity moving.
  WorkerPool group_workers(2);
  GroupService groups(*db, clock, hub, projects, bridge, [&group_workers](std::function<void()> job) { group_workers.post(std::move(job)); });
  // Every member a group sync sees becomes a contact of the project (issue 7 items 4-5).
  groups.set_member_sink(&contacts);
  contacts.set_group_text([&groups](int64_t gid) { return groups.group_text(gid); });
  GroupEngineTap tap(accounts, groups);
  // Campaigns: templates, the planner, lifecycle and progress; acks and replies fill the outbox's
  // delivery record (issue 8).
  campaigns::CampaignService campaign_service(*db, clock, hub, [&contacts](const std::string& e164) { return contacts.phone_hash(e164); });
  campaigns::CampaignEngineTap campaign_tap(tap, campaign_service);
  // Every engine event also goes to the analytics log (queued here, written in batches by its thread).
  analytics::EventLog analytics_log(*db, clock, hub);
  // New members of our own groups wait for one batched welcome (issue 10 item 6).
  WelcomeService welcome(*db, clock);
  WelcomeTap welcome_tap(campaign_tap, welcome);
  // Our own groups (issue 10 items 3-5): creation, invitations, links, join requests. Its engine waits
  // run on the group workers, never on the bridge's I/O threads.
  OwnGroupService own_groups(*db, clock, hub, bridge, &contacts, [&group_workers](std::function<void()> job) { group_workers.post(std::move(job)); });
  OwnGroupTap own_tap(welcome_tap, own_groups);
  // With dry run off, moderation deletes, warns and removes through the engine (issue 10 item 7).
  moderation.set_actor(&bridge, [&group_workers](std::function<void()> job) { group_workers.post(std::move(job)); });
  analytics::AnalyticsEngineTap analytics_tap(own_tap, analytics_log);
  bridge.set_listener(&analytics_tap);
  // Another node adopts an account once its lease has run out for lease_ttl_ms (60 s). A connector
  // whose core went silent (paused, hung) stops its clients after 2/3 of that (40 s), so two clients
  // never run one account even while the stalled core cannot tell its connector anything.
  bridge.set_fence_ms(cfg.lease_ttl_ms * 2 / 3);
  // The one sending path: every outbox row (opt-out confirmations today, campaigns next) goes through
  // the consent gate, the safety policy and the at-most-once claim, from the process holding its account.
  EngineSender sender(bridge);
  campaigns::DispatchOptions dispatch_opts;
  dispatch_opts.node_id = account_opts.node_id;
  // TEST ONLY: the safety policy's limits, pacing and working hours off for numbers on the simulated
  // network (never for a real one: the dispatcher checks the engine), for the ban-model tests.
  if (const char* relaxed = std::getenv("SANGAM_TEST_RELAXED_POLICY"); relaxed && std::string(relaxed) == "1") {
    dispatch_opts.relaxed_for_sim = true;
    spdlog::warn("event=dispatch.policy_relaxed_for_sim hint=\"SANGAM_TEST_RELAXED_POLICY=1: simulated numbers send without limits or pacing; real numbers keep the policy\"");
  }
  campaigns::Dispatcher dispatcher(*db, sender, clock,
                                   [&contacts](store::Conn& c, int64_t project, std::optional<int64_t> contact, const std::string& chat) {
                                     Gate g = contacts.messageable_at_send(c, project, contact, chat);
                                     return campaigns::ConsentVerdict{g.allowed, g.reason};
                                   },
                                   dispatch_opts);
  campaigns::DispatchLoop dispatch(*db, dispatcher, clock, [&accounts](int64_t aid) {
    return accounts.holds_lease(aid) && accounts.client_ready(aid);
  });
  // Unknown outcomes are checked against the chat (item 14); a banned or critical number's queue moves (item 16).
  campaigns::Reconciler reconciler(*db, sender, clock, dispatch_opts);
  dispatch.set_reconciler(&reconciler);
  campaigns::Failover failover(*db, clock, accounts, alerts);
  accounts.set_loss_listener(&failover);

  std::string admin_email = cfg.admin_email, admin_password = cfg.admin_password;
  if (opts.demo && admin_password.empty()) admin_password = kDemoPassword;
  bool created = false;
  auto generated = auth.ensure_admin(admin_email, admin_password, created);
  analytics::LeadService leads(*db, clock, analytics_log, cfg.secret_key);
  // Reach of group posts from message info, at most 10 engine calls a minute (group_reach.hpp).
  // Declared before the webhook service, whose thread runs its rounds and stops first.
  analytics::GroupReach reach(*db, clock, bridge);
  ops::WebhookService webhooks(*db, clock, cfg.secret_key);
  leads.on_attributed([&webhooks](int64_t pid, const json& lead) { webhooks.publish(pid, "lead.attributed", lead); });
  // account.banned / account.critical after the failover moved the number's queue; campaign.completed
  // and campaign.paused (a person, or the circuit breaker with its reason).
  ops::AccountWebhooks account_webhooks(*db, webhooks, &failover);
  accounts.set_loss_listener(&account_webhooks);
  campaign_service.on_status([&webhooks](int64_t pid, const std::string& event, const json& data) { webhooks.publish(pid, event, data); });
  // Every Friday from 17:00 in each project's zone, its weekly report goes to the report.weekly webhooks.
  webhooks.set_periodic([&] {
    analytics::post_weekly_reports(*db, clock.now_ms(), {},
                                   [&webhooks](int64_t pid, const json& rep) { webhooks.publish(pid, "report.weekly", rep); });
    reach.poll();
  });
  // Short links in messages start with the public address (SANGAM_PUBLIC_URL) when one is set; a
  // campaign's links are signed per recipient under a key derived from the install's secret key.
  analytics::LinkService links(*db, clock, analytics_log, cfg.public_url, cfg.secret_key.bytes);
  campaign_service.set_link_rewriter([&links](store::Conn& c, int64_t pid, int64_t cid, bool direct) {
    auto l = links.launch_links(c, pid, cid, direct);
    return campaigns::CampaignService::LinkRewriter{[l](const std::string& t, int64_t k, int64_t g) { return l->rewrite(t, k, g); },
                                                    [l](store::Conn& conn) { l->save(conn); }};
  });
  // The demo launches its campaigns before the server listens: a port given up front is their address.
  if (cfg.public_url.empty() && cfg.listen_port) links.set_public_base(url_of(cfg, cfg.listen_port));
  if (opts.demo) {
    seed_demo(*db, projects, accounts, normalize_email(admin_email));
    seed_demo_personas(*db, contacts);
    // Months of history through the event pipeline, so every chart has something true to show.
    // Its campaigns are real rows (completed, past), so Campaigns and Analytics list the same ones.
    analytics::DemoHistoryOptions history;
    history.make_campaign = [&db](const analytics::HistoryCampaign& h) { return demo_history_campaign(*db, h); };
    analytics::seed_demo_history(*db, analytics_log, leads, contacts, clock.now_ms(), history);
  }

  // The local connector gets a fresh secret each start; remote ones use SANGAM_BRIDGE_SECRET. Both are
  // accepted, so the bridge secret the App checks is whichever the peer presents.
  std::string local_secret = crypto::random_token(32);
  http::Services services{*db, clock, auth, projects, &accounts, &alerts, &bridge, local_secret, &groups, &contacts, &jobs,
                          [&groups](int64_t gid) { return groups.group_text(gid); }, &campaign_service};
  analytics::Analytics analytics{analytics_log, links, leads, {}};
  services.analytics = &analytics;
  services.webhooks = &webhooks;
  services.inbox = &inbox;
  services.welcome = &welcome;
  services.moderation = &moderation;
  services.own_groups = &own_groups;
  // Recurring posts planned into the outbox a week ahead (issue 10 item 8).
  calendar::CalendarService calendar_service(*db, clock);
  services.calendar = &calendar_service;
  // Channel followers once a day, media files for posts (issue 10 item 10).
  channels::ChannelService channel_service(*db, clock);
  services.channels = &channel_service;
  http::App app(cfg, services, hub);
  if (!cfg.bridge_secret.empty()) app.add_bridge_secret(cfg.bridge_secret);
  http::Server server(app, cfg.listen_host, cfg.listen_port, threads, cfg.max_body_bytes);
  // However this function ends, the bridge workers stop before the server's I/O contexts, the bridge
  // and the account service their jobs use are destroyed (declared after all three).
  struct StopWorkers {
    WorkerPool& pool;
    WorkerPool& groups;
    ~StopWorkers() {
      pool.stop();
      groups.stop();
    }
  } stop_workers{bridge_workers, group_workers};
  std::string url = url_of(cfg, server.port());
  if (cfg.public_url.empty()) links.set_public_base(url);
  own_groups.set_public_base(cfg.public_url.empty() ? url : cfg.public_url);

  std::unique_ptr<ConnectorSupervisor> supervisor;
  if (cfg.connector == "auto") {
    std::string script = find_connector_script(cfg);
    if (script.empty()) {
      spdlog::error("event=connector.missing hint=\"run make build (connector/dist/main.js) or set SANGAM_CONNECTOR=off\"");
    } else {
      std::string ws = url;
      ws.replace(0, 4, "ws");
      std::string scratch = cfg.data_dir + "/connector";
      std::filesystem::create_directories(scratch);
      supervisor = std::make_unique<ConnectorSupervisor>(
          ConnectorSupervisor::Options{{"node", script},
                                       {{"SANGAM_CORE_URL", ws + "/bridge/v1"},
                                        {"SANGAM_BRIDGE_SECRET", local_secret},
                                        {"SANGAM_CONNECTOR_ID", "local"},
                                        {"SANGAM_CHROMIUM", cfg.chromium},
                                        {"SANGAM_SIM_SEED", cfg.sim_seed},
                                        {"SANGAM_SIM_SPEED", fmt::format("{}", cfg.sim_speed * opts.clock_speed)},
                                        {"SANGAM_SIM_WORLD", opts.demo ? "demo" : "test"},
                                        {"SANGAM_CONNECTOR_DATA", std::filesystem::absolute(scratch).string()}}},
          [](int pid, const std::string& how) { spdlog::error("event=connector.crashed pid={} how=\"{}\"", pid, how); });
    }
  }

  spdlog::info("event=server.listening url={} threads={} backend={} demo={}", url, threads,
               store::backend_name(db->backend()), opts.demo);
  spdlog::default_logger()->flush();  // the log lines so far before the banner, in the order they happened
  std::cout << "Sangam " << (opts.demo ? "demo " : "") << "is running at " << url << "\n";
  if (generated) {
    std::cout << "First start: created the administrator " << normalize_email(admin_email) << " with the password "
              << *generated << "\n(shown once; change it in the dashboard under Users)\n";
  } else if (created) {
    std::cout << "First start: created the administrator " << normalize_email(admin_email) << "\n";
  }
  // The password only when this start created the account: a later start does not know whether it was
  // changed since, and the terminal (or a log collector reading stdout) is no place to repeat it.
  if (opts.demo && created && !generated) {
    std::cout << "Log in as " << normalize_email(admin_email) << " / " << admin_password << "\n";
  } else if (opts.demo) {
    std::cout << "Log in as " << normalize_email(admin_email) << " with the password set on the first start\n";
  }
  std::cout << std::flush;

  // The scheduler: command time-outs, session restores, keepalive, health (once a second).
  // Every 5 s it also closes dashboard WebSockets whose session or token has ended where the hub did
  // not see it end: on another node, by expiry, or while the socket was opening (a revocation on this
  // node closes them at once). One indexed look-up per open credential: 20 dashboards, 4 queries/s.
  constexpr int64_t kSocketSweepMs = 5000;
  std::atomic<bool> running{true};
  std::unique_ptr<DemoLinker> demo_linker;
  // SANGAM_DEMO_AUTOLINK=0: the demo's numbers wait to be linked by hand (to try the QR flow).
  const char* autolink = std::getenv("SANGAM_DEMO_AUTOLINK");
  if (opts.demo && !(autolink && std::string(autolink) == "0")) demo_linker = std::make_unique<DemoLinker>(*db, accounts, bridge, normalize_email(admin_email), clock.now_ms());
  std::unique_ptr<DemoCampaigns> demo_campaigns;
  if (opts.demo) demo_campaigns = std::make_unique<DemoCampaigns>(*db, campaign_service, contacts, clock.now_ms());
  std::unique_ptr<DemoInbox> demo_inbox;
  if (opts.demo) demo_inbox = std::make_unique<DemoInbox>(*db, inbox, normalize_email(admin_email), clock.now_ms());
  std::unique_ptr<DemoOwnGroups> demo_own_groups;
  if (opts.demo)
    demo_own_groups = std::make_unique<DemoOwnGroups>(*db, own_groups, moderation, bridge, normalize_email(admin_email),
                                                      [&group_workers](std::function<void()> job) { group_workers.post(std::move(job)); },
                                                      clock.now_ms());
  std::unique_ptr<DemoCalendar> demo_calendar;
  if (opts.demo) {
    demo_calendar = std::make_unique<DemoCalendar>(*db, calendar_service, clock.now_ms());
    demo_calendar->on_seeded([&channel_service](int64_t pid) { channel_service.seed_history_for_demo(pid); });
  }
  std::thread scheduler([&] {
    int64_t last_sweep = 0;
    while (running) {
      try {
        bridge.expire(clock.now_ms());
        accounts.tick();
        groups.tick();
        campaign_service.tick();
        welcome.tick();
        own_groups.tick();
        if (demo_linker) demo_linker->tick(clock.now_ms());
        if (demo_campaigns) demo_campaigns->tick(clock.now_ms());
        if (demo_inbox) demo_inbox->tick(clock.now_ms());
        if (demo_own_groups) demo_own_groups->tick(clock.now_ms());
        calendar_service.tick();
        channel_service.tick();
        if (demo_calendar) demo_calendar->tick(clock.now_ms());
        if (int64_t now = system_clock.now_ms(); now - last_sweep >= kSocketSweepMs) {
          last_sweep = now;
          if (size_t n = hub.sweep([&](int64_t user, const http::Hub::Credential& c) {
                return auth.still_valid(user, c.session_id, c.token_id);
              }))
            spdlog::info("event=ws.credential_ended sockets_closed={}", n);
        }
      } catch (const std::exception& e) {
        spdlog::error("event=scheduler.error error=\"{}\"", e.what());
      }
      for (int i = 0; i < 10 && running; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  // The dispatcher on its own thread, 4 ticks a second: a reply waits at most 250 ms for its turn, and
  // an account's next row is claimed soon after its last send was answered (one in flight each). An
  // idle tick is reads only (the write transaction starts when a row is due).
  std::thread dispatcher_thread([&] {
    while (running) {
      try {
        dispatch.tick();
      } catch (const std::exception& e) {
        spdlog::error("event=dispatch.error error=\"{}\"", e.what());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  });
  if (supervisor) supervisor->start();

  std::thread signals([&] {
    int sig = 0;
    sigwait(&sigs, &sig);
    spdlog::info("event=server.stopping signal={}", sig);
    server.stop();
  });
  server.run();
  pthread_kill(signals.native_handle(), SIGTERM);  // wakes the waiter when stop() came from elsewhere
  signals.join();
  bridge.shutdown();  // the connector going away now is no crash
  bridge_workers.stop();  // before the I/O contexts its responses post to are destroyed with the server
  group_workers.stop();
  bridge.drop_all();
  hub.drop_all();
  if (supervisor) supervisor->stop();
  running = false;
  scheduler.join();
  dispatcher_thread.join();
  spdlog::info("event=server.stopped");
  spdlog::shutdown();
  return 0;
}

int run_migrate(Config cfg) {
  if (!cfg.uses_postgres()) prepare_data_dir(cfg.data_dir);
  setup_logging(cfg.log_level);
  SystemClock clock;
  auto db = store::open_database(cfg.database_url, cfg.sqlite_path(), 2);
  auto applied = store::migrate(*db, clock);
  std::cout << "Database (" << store::backend_name(db->backend()) << ") is at schema version "
            << store::schema_version(*db) << "; applied " << applied.size() << " migration(s) now.\n";
  return 0;
}

}  // namespace sangam
