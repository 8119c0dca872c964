// The connector process: configuration from the environment, the bridge to the core, the account host.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadConfig, CONNECTOR_VERSION, PROTOCOL_VERSION, Config } from './config';
import { log } from './log';
import { BridgeClient } from './bridge/client';
import { AccountHost, Engine } from './host/host';
import { createRealClient, realContent } from './wwebjs/real';
import { SimNetwork, Behaviour } from './sim/network';
import { SimClient, simContent } from './sim/client';
import { reapOrphanedChromium } from './host/reaper';

export function makeEngines(cfg: Config, network: SimNetwork): Record<string, Engine> {
    const webjs: Engine = {
        create: (ctx) => createRealClient({ accountId: ctx.accountId, chromium: cfg.chromium, dataPath: ctx.dataPath, store: ctx.store, extraArgs: cfg.chromiumExtraArgs }),
        content: realContent,
    };
    const sim: Engine & { network: SimNetwork } = {
        network,
        create: (ctx) => new SimClient({ network, phone: ctx.phone!, clientId: ctx.clientId, store: ctx.store, dataPath: ctx.dataPath }),
        content: simContent,
    };
    return { webjs, sim };
}

function clickHostOf(url: string): string | null {
    try { return new URL(url.replace(/^ws/, 'http')).host; } catch { return null; }
}

function behaviourFromEnv(): Partial<Behaviour> {
    const raw = process.env.SANGAM_SIM_BEHAVIOUR;
    if (!raw) return {};
    try { return JSON.parse(raw); } catch { log('warn', 'config.bad_sim_behaviour', {}); return {}; }
}

/**
 * A connector spawned by the core must not outlive it (an orphan keeps its WhatsApp clients running
 * and retries the bridge forever with a secret the next core rejects). The core holds the only write
 * end of our stdin, and the kernel closes it when the core dies, however it dies: EOF means stop.
 * The core also sets PR_SET_PDEATHSIG (SIGTERM), handled like any SIGTERM. A connector started by
 * hand (remote, no SANGAM_SUPERVISED) never watches stdin.
 */
function watchParent(onGone: () => void): void {
    const gone = (why: string) => { log('warn', 'connector.core_gone', { why, ppid: process.ppid }); onGone(); };
    process.stdin.on('data', () => { /* the core never writes; read only to see the end */ });
    process.stdin.on('end', () => gone('stdin closed'));
    process.stdin.on('error', (err) => gone(`stdin error: ${err.message}`));
    process.stdin.resume();
    // The core's stdout may be a pipe that dies with it: a failed log write must not crash the
    // shutdown that closes the browsers (log() cannot see asynchronous EPIPE errors).
    process.stdout.on('error', () => { /* nowhere left to log to */ });
}

export async function run(): Promise<void> {
    const cfg = loadConfig();
    const dataDir = cfg.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sangam-connector-'));
    fs.mkdirSync(dataDir, { recursive: true });
    const ownDataDir = cfg.dataDir === null;
    const network = new SimNetwork({ seed: cfg.simSeed, world: cfg.simWorld, speed: cfg.simSpeed, behaviour: behaviourFromEnv(), clickHost: clickHostOf(cfg.coreUrl), ledgerPath: cfg.simLedger, sendMs: cfg.simSendMs, sharedGroups: cfg.simSharedGroups });

    let bridge: BridgeClient;
    const host = new AccountHost({
        engines: makeEngines(cfg, network),
        emit: (event, accountId, data) => bridge.sendEvent(event, accountId, data),
        request: (request, accountId, args) => bridge.request(request, accountId, args),
        dataDir,
        initTimeoutMs: cfg.initTimeoutMs,
    });
    bridge = new BridgeClient({
        url: cfg.coreUrl, secret: cfg.secret, connectorId: cfg.connectorId, version: CONNECTOR_VERSION,
        protocol: PROTOCOL_VERSION, engines: ['webjs', 'sim'], onCommand: (f) => host.handle(f),
        onFence: () => void host.fenceAll().catch((err) => log('error', 'connector.fence_failed', { message: (err as Error).message })),
    });
    log('info', 'connector.starting', {
        connector_id: cfg.connectorId, core_url: cfg.coreUrl, pid: process.pid, version: CONNECTOR_VERSION,
        sim: { seed: cfg.simSeed, world: cfg.simWorld, speed: cfg.simSpeed }, chromium: cfg.chromium,
    });
    reapOrphanedChromium();
    bridge.start();

    let stopping = false;
    const shutdown = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        log('info', 'connector.stopping', { signal, accounts: host.size });
        const hard = setTimeout(() => { log('error', 'connector.stop_timeout', {}); process.exit(0); }, 25_000);
        try { await host.stopAll(); } catch (err) { log('error', 'connector.stop_failed', { message: (err as Error).message }); }
        await bridge.stop().catch(() => {});
        if (ownDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
        clearTimeout(hard);
        log('info', 'connector.stopped', {});
        process.exit(0);
    };
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    process.on('SIGINT', () => void shutdown('SIGINT'));
    if (cfg.supervised) watchParent(() => void shutdown('stdin closed'));
    process.on('unhandledRejection', (err) => log('error', 'connector.unhandled_rejection', { message: String((err as Error)?.stack ?? err) }));
}
