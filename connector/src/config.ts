import * as os from 'os';

export interface Config {
    coreUrl: string;            // SANGAM_CORE_URL
    secret: string;             // SANGAM_BRIDGE_SECRET (never logged)
    connectorId: string;        // SANGAM_CONNECTOR_ID, default <hostname>-<pid>
    chromium: string;           // SANGAM_CHROMIUM
    simSeed: number;            // SANGAM_SIM_SEED
    simWorld: 'demo' | 'test';  // SANGAM_SIM_WORLD
    simSpeed: number;           // SANGAM_SIM_SPEED: divides every simulated delay
    dataDir: string | null;     // SANGAM_CONNECTOR_DATA: scratch dir for RemoteAuth temp files (null = fresh tmp dir)
    initTimeoutMs: number;      // SANGAM_INIT_TIMEOUT_MS: bound on a real Client's initialize() (default 60 s)
    chromiumExtraArgs: string[];// SANGAM_CHROMIUM_EXTRA_ARGS: extra Chromium flags (e.g. a proxy): a JSON array, or space-separated
    supervised: boolean;        // SANGAM_SUPERVISED=1 (set by the core that spawned us): stop when stdin closes
    simLedger: string | null;   // SANGAM_SIM_LEDGER: file where the simulated network keeps every message it carried (null = memory only)
    simSendMs: number;          // SANGAM_SIM_SEND_MS: simulated ms a send takes (carried half-way; default 0)
    simSharedGroups: number;    // SANGAM_SIM_SHARED_GROUPS: test world only, every number is in these many shared groups (default 0)
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
    const speed = Number(env.SANGAM_SIM_SPEED ?? '1');
    const seed = Number(env.SANGAM_SIM_SEED ?? '1');
    const world = env.SANGAM_SIM_WORLD === 'demo' ? 'demo' : 'test';
    return {
        coreUrl: env.SANGAM_CORE_URL || 'ws://127.0.0.1:8080/bridge/v1',
        secret: env.SANGAM_BRIDGE_SECRET || '',
        connectorId: env.SANGAM_CONNECTOR_ID || `${os.hostname()}-${process.pid}`,
        chromium: env.SANGAM_CHROMIUM || '/usr/bin/chromium',
        simSeed: Number.isFinite(seed) ? Math.trunc(seed) : 1,
        simWorld: world,
        simSpeed: Number.isFinite(speed) && speed > 0 ? speed : 1,
        dataDir: env.SANGAM_CONNECTOR_DATA || null,
        initTimeoutMs: Number(env.SANGAM_INIT_TIMEOUT_MS || 60000),
        chromiumExtraArgs: parseArgs(env.SANGAM_CHROMIUM_EXTRA_ARGS || ''),
        supervised: env.SANGAM_SUPERVISED === '1',
        simLedger: env.SANGAM_SIM_LEDGER || null,
        simSendMs: Math.max(0, Number(env.SANGAM_SIM_SEND_MS || 0)) || 0,
        simSharedGroups: Math.min(1000, Math.max(0, Math.trunc(Number(env.SANGAM_SIM_SHARED_GROUPS || 0)))) || 0,
    };
}

export const CONNECTOR_VERSION = '0.1.0';
export const PROTOCOL_VERSION = 1;

function parseArgs(raw: string): string[] {
    const t = raw.trim();
    if (t.startsWith('[')) {
        try { const a = JSON.parse(t); if (Array.isArray(a)) return a.map(String); } catch { /* fall through */ }
    }
    return t.split(/\s+/).filter(Boolean);
}
