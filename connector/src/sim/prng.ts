// Seeded PRNG for the simulated network (never Math.random): same seed → same world, same behaviour.

/** 32-bit FNV-1a of a string, to derive sub-seeds ("seed|phone|purpose"). */
export function hash32(s: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) {
        h ^= s.charCodeAt(i);
        h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
}

/** sfc32: small, fast, passes PractRand to 2^36+; plenty for a simulation. */
export class Rng {
    private a: number; private b: number; private c: number; private d: number;

    constructor(seed: number | string) {
        const s = typeof seed === 'string' ? hash32(seed) : seed >>> 0;
        this.a = 0x9e3779b9; this.b = 0x243f6a88; this.c = 0xb7e15162; this.d = s;
        for (let i = 0; i < 15; i++) this.u32();
    }

    u32(): number {
        const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
        this.d = (this.d + 1) >>> 0;
        this.a = this.b ^ (this.b >>> 9);
        this.b = (this.c + (this.c << 3)) >>> 0;
        this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
        this.c = (this.c + t) >>> 0;
        return t;
    }

    /** [0, 1) */
    next(): number { return this.u32() / 4294967296; }
    /** integer in [lo, hi] */
    int(lo: number, hi: number): number { return lo + Math.floor(this.next() * (hi - lo + 1)); }
    chance(p: number): boolean { return this.next() < p; }
    pick<T>(xs: readonly T[]): T { return xs[Math.floor(this.next() * xs.length)]; }
    digits(n: number): string { let s = ''; for (let i = 0; i < n; i++) s += String(this.int(0, 9)); return s; }
    hex(n: number): string { let s = ''; for (let i = 0; i < n; i++) s += '0123456789ABCDEF'[this.int(0, 15)]; return s; }
    /** A delay with a long tail (log-uniform between lo and hi): most people answer soon, some late. */
    logUniform(lo: number, hi: number): number { return Math.round(Math.exp(Math.log(lo) + this.next() * (Math.log(hi) - Math.log(lo)))); }
    sample<T>(xs: readonly T[], k: number): T[] {
        const a = xs.slice();
        const n = Math.min(k, a.length);
        for (let i = 0; i < n; i++) { const j = i + Math.floor(this.next() * (a.length - i)); [a[i], a[j]] = [a[j], a[i]]; }
        return a.slice(0, n);
    }
}
