// The RemoteAuth store, kept in the core over the bridge (session.exists/save/load/delete). The core
// encrypts archives at rest; the connector only has them on disk for the moments RemoteAuth needs
// (it zips the profile into <dataPath>/<session>.zip before save(), and unzips what extract() writes).
import * as fs from 'fs';
import * as path from 'path';
import { log } from '../log';

export type StoreRequester = (request: string, args: Record<string, unknown>) => Promise<Record<string, unknown>>;

export class BridgeStore {
    private firstCheck = true;
    private loaded: Buffer | null = null;
    /** true after a save or a restore in this run: the core then holds a current archive. */
    private haveRemote = false;

    /**
     * @param request  sends a session.* request for this account
     * @param dataPath RemoteAuth's dataPath (where it writes `<session>.zip` before calling save)
     * @param restore  false: ignore stored archives (a fresh link), until our first save
     */
    constructor(private readonly request: StoreRequester, private readonly dataPath: string, private restore: boolean) {}

    /**
     * The first call (RemoteAuth's restore decision, before the browser starts) loads the archive at
     * once, so that "exists" and "extract" cannot disagree (the core skips archives that do not decrypt).
     * Later calls (after ready: "save now or wait for the periodic backup?") only ask session.exists.
     */
    async sessionExists(_opts: { session: string }): Promise<boolean> {
        if (this.firstCheck) {
            this.firstCheck = false;
            if (!this.restore) return false;
            const data = await this.request('session.load', {});
            const b64 = data.archive_base64;
            this.loaded = typeof b64 === 'string' && b64.length > 0 ? Buffer.from(b64, 'base64') : null;
            return this.loaded !== null;
        }
        if (!this.restore && !this.haveRemote) return false;
        const data = await this.request('session.exists', {});
        return data.exists === true;
    }

    async save(opts: { session: string }): Promise<void> {
        const file = path.join(this.dataPath, `${opts.session}.zip`);
        const buf = await fs.promises.readFile(file);
        await this.request('session.save', { archive_base64: buf.toString('base64') });
        this.haveRemote = true;
        this.restore = true;
        log('info', 'session.saved', { session: opts.session, bytes: buf.length });
    }

    async extract(opts: { session: string; path: string }): Promise<void> {
        let buf = this.loaded;
        this.loaded = null;
        if (!buf) {
            const data = await this.request('session.load', {});
            const b64 = data.archive_base64;
            if (typeof b64 !== 'string' || b64.length === 0) throw new Error('no session archive in the core');
            buf = Buffer.from(b64, 'base64');
        }
        await fs.promises.mkdir(path.dirname(opts.path), { recursive: true });
        await fs.promises.writeFile(opts.path, buf, { mode: 0o600 });
        this.haveRemote = true;
        log('info', 'session.restored', { session: opts.session, bytes: buf.length });
    }

    async delete(_opts: { session: string }): Promise<void> {
        await this.request('session.delete', {});
        this.haveRemote = false;
        this.deleted = true;
    }

    /** Whether delete() ran (account.logout then skips its own session.delete). */
    deleted = false;
}
