// Small displays for accounts: status badge, health score, usage bar, sparkline.
import type { Account, AccountStatus, HealthLevel } from '../../api';
import { Badge } from '../../components/ui';
import { healthLevel, levelTone, statusInfo } from './meta';

export function StatusBadge({ status }: { status: AccountStatus }) {
  const info = statusInfo[status] ?? { label: status, tone: 'gray' as const, help: '' };
  return (
    <span title={info.help} data-status={status} className="status-badge">
      <Badge tone={info.tone} dot>
        {info.label}
      </Badge>
    </span>
  );
}

/** The score with its level colour and a thin bar. */
export function HealthScore({ score, level, showBar = true }: { score: number; level?: HealthLevel; showBar?: boolean }) {
  const lv = level ?? healthLevel(score);
  const pct = Math.max(0, Math.min(100, score));
  return (
    <span className={`health health-${levelTone[lv]}`} title={`Health ${Math.round(score)} / 100 — ${lv}`} data-level={lv}>
      <span className="health-score">{Math.round(score)}</span>
      {/* The level in words too, not by colour alone: visible when it needs attention, read out always. */}
      {lv === 'healthy' ? <span className="sr-only">healthy</span> : <span className="health-word">{lv}</span>}
      {showBar && (
        <span className="health-track">
          <span className="health-fill" style={{ width: `${pct}%` }} />
        </span>
      )}
    </span>
  );
}

export function UsageBar({ used, limit }: { used: number; limit: number }) {
  const pct = limit > 0 ? Math.min(100, (used / limit) * 100) : 0;
  const tone = pct >= 100 ? 'red' : pct >= 80 ? 'amber' : 'green';
  return (
    <span className="usage" title={`${used} of ${limit} messages sent today`}>
      <span className="usage-text">
        <strong>{used.toLocaleString()}</strong>
        <span className="muted"> / {limit.toLocaleString()}</span>
      </span>
      <span className="usage-track">
        <span className={`usage-fill usage-${tone}`} style={{ width: `${pct}%` }} />
      </span>
    </span>
  );
}

export function Sparkline({ points, width = 280, height = 56 }: { points: { at: string; score: number }[]; width?: number; height?: number }) {
  const sorted = [...points].sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
  if (sorted.length < 2) {
    return <div className="sparkline-empty muted small">Not enough history yet for a chart.</div>;
  }
  const pad = 4;
  const t0 = new Date(sorted[0].at).getTime();
  const t1 = new Date(sorted[sorted.length - 1].at).getTime();
  const span = Math.max(1, t1 - t0);
  const x = (at: string) => pad + ((new Date(at).getTime() - t0) / span) * (width - 2 * pad);
  const y = (s: number) => pad + (1 - Math.max(0, Math.min(100, s)) / 100) * (height - 2 * pad);
  const line = sorted.map((p, i) => `${i ? 'L' : 'M'}${x(p.at).toFixed(1)} ${y(p.score).toFixed(1)}`).join(' ');
  const area = `${line} L${x(sorted[sorted.length - 1].at).toFixed(1)} ${height - pad} L${x(sorted[0].at).toFixed(1)} ${height - pad} Z`;
  const last = sorted[sorted.length - 1];
  const tone = levelTone[healthLevel(last.score)];
  return (
    <svg className={`sparkline spark-${tone}`} width="100%" height={height} viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label="Health history" data-testid="health-sparkline">
      {/* level thresholds */}
      <line x1={pad} x2={width - pad} y1={y(90)} y2={y(90)} className="spark-guide" />
      <line x1={pad} x2={width - pad} y1={y(70)} y2={y(70)} className="spark-guide" />
      <path d={area} className="spark-area" />
      <path d={line} className="spark-line" vectorEffect="non-scaling-stroke" />
      <circle cx={x(last.at)} cy={y(last.score)} r={3} className="spark-dot" />
    </svg>
  );
}

/** A labelled bar "Connection 36 / 40". */
export function ScoreBar({ label, value, max }: { label: string; value: number; max: number }) {
  const pct = max > 0 ? Math.max(0, Math.min(100, (value / max) * 100)) : 0;
  const tone = pct >= 90 ? 'green' : pct >= 70 ? 'amber' : 'red';
  return (
    <div className="score-bar" data-part={label.toLowerCase()}>
      <div className="score-bar-head">
        <span>{label}</span>
        <span className="mono">
          {Math.round(value * 10) / 10} <span className="muted">/ {max}</span>
        </span>
      </div>
      <div className="score-track">
        <span className={`score-fill usage-${tone}`} style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

export function accountSortKey(a: Account): number {
  const order: AccountStatus[] = ['linking', 'disconnected', 'banned', 'active', 'warming', 'standby', 'cooling', 'new', 'retired'];
  const i = order.indexOf(a.status);
  return i < 0 ? 99 : i;
}
