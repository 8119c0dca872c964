// The RemoteAuth store round-trips an archive through a (fake) bridge — with the real RemoteAuth
// doing the zipping and unzipping of a browser profile.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BridgeStore } from '../src/wwebjs/store';
import { sangamRemoteAuth } from '../src/wwebjs/real';

function fakeBridge() {
    const archives: string[] = [];
    const calls: string[] = [];
    const request = async (req: string, args: Record<string, unknown>) => {
        calls.push(req);
        switch (req) {
            case 'session.exists': return { exists: archives.length > 0 };
            case 'session.load': return { archive_base64: archives.length ? archives[archives.length - 1] : null };
            case 'session.save': archives.push(String(args.archive_base64)); return {};
            case 'session.delete': archives.length = 0; return {};
        }
        throw new Error('unknown request ' + req);
    };
    return { archives, calls, request };
}

test('BridgeStore: save → load → extract gives back the same bytes; delete removes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-test-'));
    const bridge = fakeBridge();
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) & 255));
    fs.writeFileSync(path.join(dir, 'RemoteAuth-acct-1.zip'), bytes);
    const s1 = new BridgeStore(bridge.request, dir, true);
    assert.equal(await s1.sessionExists({ session: 'RemoteAuth-acct-1' }), false);
    await s1.save({ session: 'RemoteAuth-acct-1' });
    assert.equal(bridge.archives.length, 1);
    assert.equal(await s1.sessionExists({ session: 'RemoteAuth-acct-1' }), true);

    const s2 = new BridgeStore(bridge.request, dir, true);
    assert.equal(await s2.sessionExists({ session: 'RemoteAuth-acct-1' }), true);
    const out = path.join(dir, 'restored', 'x.zip');
    await s2.extract({ session: 'RemoteAuth-acct-1', path: out });
    assert.deepEqual(fs.readFileSync(out), bytes);
    assert.deepEqual(bridge.calls.slice(-1), ['session.load'], 'exists+extract load the archive once');

    // restore=false ignores the stored archive until we saved a new one
    const s3 = new BridgeStore(bridge.request, dir, false);
    assert.equal(await s3.sessionExists({ session: 'RemoteAuth-acct-1' }), false);
    assert.equal(await s3.sessionExists({ session: 'RemoteAuth-acct-1' }), false);

    await s2.delete({ session: 'RemoteAuth-acct-1' });
    assert.equal(bridge.archives.length, 0);
    assert.equal(s2.deleted, true);
    fs.rmSync(dir, { recursive: true, force: true });
});

test('real RemoteAuth: a browser profile is zipped, saved over the bridge, restored into a new profile dir', async () => {
    const RemoteAuth = sangamRemoteAuth();
    assert.ok(new RemoteAuth({ clientId: 'x', store: {}, backupSyncIntervalMs: 60_000 }) instanceof require('whatsapp-web.js').RemoteAuth);
    const bridge = fakeBridge();
    const dirA = fs.mkdtempSync(path.join(os.tmpdir(), 'ra-a-'));
    const dirB = fs.mkdtempSync(path.join(os.tmpdir(), 'ra-b-'));
    const mk = (dir: string) => {
        const ra = new RemoteAuth({ clientId: 'acct-5', store: new BridgeStore(bridge.request, dir, true), backupSyncIntervalMs: 300_000, dataPath: dir });
        ra.setup({ options: { puppeteer: {} }, emit: () => {} });
        return ra;
    };
    const a = mk(dirA);
    await a.beforeBrowserInitialized();   // no archive yet: an empty profile dir
    const ls = path.join(a.userDataDir, 'Default', 'Local Storage');
    fs.mkdirSync(ls, { recursive: true });
    fs.writeFileSync(path.join(ls, 'leveldb.log'), 'wa-session-secret-material');
    fs.mkdirSync(path.join(a.userDataDir, 'Default', 'IndexedDB'), { recursive: true });
    fs.writeFileSync(path.join(a.userDataDir, 'Default', 'IndexedDB', 'wawc.db'), Buffer.alloc(4096, 7));
    fs.writeFileSync(path.join(a.userDataDir, 'Default', 'Cache.bin'), 'not needed');
    await a.storeRemoteSession();
    assert.equal(bridge.archives.length, 1);
    assert.equal(Buffer.from(bridge.archives[0], 'base64').subarray(0, 2).toString(), 'PK', 'a zip archive');

    const b = mk(dirB);
    await b.beforeBrowserInitialized();   // restores from the bridge
    assert.equal(fs.readFileSync(path.join(b.userDataDir, 'Default', 'Local Storage', 'leveldb.log'), 'utf8'), 'wa-session-secret-material');
    assert.deepEqual(fs.readFileSync(path.join(b.userDataDir, 'Default', 'IndexedDB', 'wawc.db')), Buffer.alloc(4096, 7));
    assert.ok(!fs.existsSync(path.join(b.userDataDir, 'Default', 'Cache.bin')), 'only the dirs RemoteAuth needs');
    fs.rmSync(dirA, { recursive: true, force: true });
    fs.rmSync(dirB, { recursive: true, force: true });
});
