// Small pieces of the campaign pages: the status badge (word, colour and icon — never colour alone)
// and the segmented progress bar with its counts.
import type { ReactNode } from 'react';
import { IconBan, IconCalendarClock, IconCircleCheck, IconEdit, IconPause, IconSend } from '../../components/Icons';
import { progressParts, statusInfo, type CampaignStatus, type Progress } from './api';

const statusIcon: Record<CampaignStatus, ReactNode> = {
  draft: <IconEdit size={14} />,
  scheduled: <IconCalendarClock size={14} />,
  running: <IconSend size={14} />,
  paused: <IconPause size={14} />,
  completed: <IconCircleCheck size={14} />,
  cancelled: <IconBan size={14} />,
};

export function StatusBadge({ status }: { status: CampaignStatus }) {
  const s = statusInfo[status] ?? { label: status, tone: 'gray', hint: '' };
  return (
    <span className={`badge badge-${s.tone} camp-status`} title={s.hint} data-status={status} data-testid="campaign-status">
      {statusIcon[status]}
      {s.label}
    </span>
  );
}

export function ProgressBar({ progress, label, compact }: { progress: Progress; label: string; compact?: boolean }) {
  const { pct, done, segments } = progressParts(progress);
  return (
    <div className={`camp-progress ${compact ? 'compact' : ''}`}>
      <div
        className="camp-bar"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={`${done.toLocaleString('en-IN')} of ${progress.planned.toLocaleString('en-IN')} messages settled (${pct}%)`}
        data-testid="campaign-progress"
        data-value={pct}
      >
        {segments.map((s) => (s.value > 0 ? <span key={s.key} className={`camp-seg seg-${s.tone}`} style={{ width: `${s.width}%` }} /> : null))}
      </div>
      {compact ? (
        <div className="muted small">
          {progress.planned ? compactText(progress) : 'Not planned yet'}
        </div>
      ) : (
        <ul className="camp-legend" data-testid="progress-counts">
          <Count label="Planned" value={progress.planned} />
          <Count label="Waiting to send" value={progress.queued} />
          <Count label="Sent" value={progress.sent} tone="blue" />
          <Count label="Delivered" value={progress.delivered} tone="green" />
          <Count label="Read" value={progress.read} tone="green" />
          <Count label="Replied" value={progress.replied} tone="violet" />
          <Count label="Skipped" value={progress.skipped} tone="gray" />
          <Count label="Failed" value={progress.failed} tone="red" />
          {progress.unknown > 0 && <Count label="Needs review" value={progress.unknown} tone="amber" />}
          {!!progress.cancelled && <Count label="Cancelled" value={progress.cancelled} tone="gray" />}
        </ul>
      )}
    </div>
  );
}

/** "3 of 5 sent · 2 cancelled": what was sent first, then what will never be (a bar at 100 % may mean either). */
function compactText(p: Progress): string {
  const n = (v: number) => v.toLocaleString('en-IN');
  const parts = [`${n(p.sent)} of ${n(p.planned)} sent`];
  if (p.failed) parts.push(`${n(p.failed)} failed`);
  if (p.skipped) parts.push(`${n(p.skipped)} skipped`);
  if (p.cancelled) parts.push(`${n(p.cancelled)} cancelled`);
  if (p.unknown) parts.push(`${n(p.unknown)} to review`);
  return parts.join(' · ');
}

function Count({ label, value, tone }: { label: string; value: number; tone?: string }) {
  return (
    <li data-count={label}>
      {tone && <span className={`camp-swatch seg-${tone}`} aria-hidden="true" />}
      <span className="camp-count-value">{value.toLocaleString('en-IN')}</span>
      <span className="muted small">{label}</span>
    </li>
  );
}
