// The webjs engine: a real whatsapp-web.js Client on Debian's Chromium with RemoteAuth over the bridge.
import { BridgeStore } from './store';
import { ContentFactory, WClientLike } from './types';

// Loaded lazily: whatsapp-web.js pulls puppeteer in (~15 MB of heap), which a sim-only connector never needs.
// eslint-disable-next-line @typescript-eslint/no-var-requires
function wwebjs(): any { return require('whatsapp-web.js'); }

/** Chromium flags: headless as root needs --no-sandbox; the rest keep it from calling Google's
 *  services, which on a closed network floods the log with refused connections. */
export const CHROMIUM_ARGS = [
    '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

/** RemoteAuth's periodic re-upload of the profile; 5 min bounds what a connector crash can lose. */
export const BACKUP_SYNC_INTERVAL_MS = 300_000;

export interface RealClientOptions {
    accountId: string | number;
    chromium: string;
    dataPath: string;
    store: BridgeStore;
    extraArgs?: string[];
}

export function clientIdFor(accountId: string | number): string {
    return `acct-${String(accountId).replace(/[^-_\w]/g, '_')}`;
}

let remoteAuthClass: any = null;

/**
 * whatsapp-web.js's RemoteAuth, with one fix: its unCompressSession() resolves on unzipper.Extract's
 * 'finish', which fires before the files are written (measured with whatsapp-web.js 1.34.7 and
 * unzipper 0.12.3: right after it resolved, the restored profile had only an empty Default/; the
 * files appeared a few ms later), so Chromium could start on a half-restored profile. This subclass
 * extracts with unzipper.Open, whose promise resolves after every file is closed.
 */
export function sangamRemoteAuth(): any {
    if (remoteAuthClass) return remoteAuthClass;
    const { RemoteAuth } = wwebjs();
    const unzipper = require('unzipper');
    const fsp = require('fs').promises;
    remoteAuthClass = class SangamRemoteAuth extends RemoteAuth {
        async unCompressSession(compressedSessionPath: string): Promise<void> {
            const dir = await unzipper.Open.file(compressedSessionPath);
            await dir.extract({ path: (this as any).userDataDir, concurrency: 10 });
            await fsp.unlink(compressedSessionPath);
        }
    };
    return remoteAuthClass;
}

export function createRealClient(o: RealClientOptions): WClientLike {
    const { Client } = wwebjs();
    const RemoteAuth = sangamRemoteAuth();
    return new Client({
        authStrategy: new RemoteAuth({
            clientId: clientIdFor(o.accountId),
            store: o.store,
            backupSyncIntervalMs: BACKUP_SYNC_INTERVAL_MS,
            dataPath: o.dataPath,
        }),
        puppeteer: {
            executablePath: o.chromium,
            headless: true,
            args: [...CHROMIUM_ARGS, ...(o.extraArgs ?? [])],
            // We close browsers ourselves on SIGTERM (main.ts); puppeteer still kills them on process exit.
            handleSIGTERM: false,
            handleSIGINT: false,
            handleSIGHUP: false,
        },
    }) as WClientLike;
}

export const realContent: ContentFactory = {
    media(mimetype, dataBase64, filename) {
        const { MessageMedia } = wwebjs();
        return new MessageMedia(mimetype, dataBase64, filename ?? undefined);
    },
    poll(question, options, multiple) {
        const { Poll } = wwebjs();
        return new Poll(question, options, { allowMultipleAnswers: multiple });
    },
};

/** The Chromium process behind a real client, if it has one (duck-typed: sim/fake clients have none). */
export function browserOf(client: WClientLike): { isConnected(): boolean; close(): Promise<void>; process(): any; on(ev: string, fn: () => void): void } | null {
    const b = (client as any).pupBrowser;
    return b && typeof b.process === 'function' ? b : null;
}
