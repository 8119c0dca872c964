// One JSON line per event on stdout. Never pass secrets or session archives in `fields`:
// the logger drops any field whose name looks like one, as a second line of defence.
const SECRET_FIELD = /secret|archive|token|password|authorization|data_base64/i;

export type Level = 'debug' | 'info' | 'warn' | 'error';

let sink: (line: string) => void = (line) => process.stdout.write(line + '\n');
let minLevel: Level = (process.env.SANGAM_LOG_LEVEL as Level) || 'info';
const ORDER: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function setLogSink(fn: (line: string) => void): void { sink = fn; }
export function setLogLevel(level: Level): void { minLevel = level; }

export function log(level: Level, event: string, fields: Record<string, unknown> = {}): void {
    if (ORDER[level] < ORDER[minLevel]) return;
    const out: Record<string, unknown> = { at: new Date().toISOString(), level, event };
    for (const [k, v] of Object.entries(fields)) {
        if (SECRET_FIELD.test(k)) continue;
        out[k] = v instanceof Error ? v.message : v;
    }
    try { sink(JSON.stringify(out)); } catch { /* a log line must never crash the connector */ }
}
