// The live linking dialog: POST …/link, then show the QR code (or pairing code) pushed by
// `account.qr` events, refresh it as WhatsApp rotates it, and close with a success state when
// `account.updated` shows the account left `linking`. Simulated accounts get a "Simulate scan" button.
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  accounts as accountsApi,
  errorMessage,
  type Account,
  type AccountQrEvent,
  type Alert,
  type LinkMethod,
  type Project,
} from '../../api';
import { IconAlert, IconCheck, IconPhone, IconQr, IconRefresh } from '../../components/Icons';
import { Modal } from '../../components/Modal';
import { QrCode } from '../../components/QrCode';
import { Spinner } from '../../components/ui';
import { useNow } from '../../components/useNow';
import { useLiveEvents, useLiveState } from '../../live';
import { formatPhone, labelOf, statusInfo } from './meta';
import { StatusBadge } from './widgets';

type Phase = 'starting' | 'waiting' | 'success' | 'failed';

interface ShownCode {
  kind: 'qr' | 'pairing_code';
  value: string;
  attempt: number | null;
  /** Client time the code arrived (for the rotation countdown). */
  receivedAt: number;
}

/** WhatsApp Web rotates its QR roughly every 20 s; the observed interval replaces this guess. */
const DEFAULT_QR_LIFETIME_MS = 20_000;
const LINKED = ['active', 'standby', 'warming'];
const FAILED = ['new', 'disconnected', 'banned', 'retired'];
const LINK_ALERTS = ['account_error', 'relink_needed', 'connector_crashed', 'account_disconnected', 'account_banned', 'session_corrupt'];
const SUCCESS_CLOSE_MS = 2500;

export function LinkDialog({
  project,
  account: initial,
  canSimulate,
  onClose,
  onChanged,
}: {
  project: Project;
  account: Account;
  canSimulate: boolean;
  onClose: () => void;
  /** Every fresh copy of the account the dialog sees. */
  onChanged?: (a: Account) => void;
}) {
  const [account, setAccount] = useState<Account>(initial);
  const [phase, setPhase] = useState<Phase>('starting');
  const [method, setMethod] = useState<LinkMethod>('qr');
  const [code, setCode] = useState<ShownCode | null>(null);
  const [lifetime, setLifetime] = useState(DEFAULT_QR_LIFETIME_MS);
  const [error, setError] = useState<string | null>(null);
  const [simBusy, setSimBusy] = useState(false);
  const [simError, setSimError] = useState<string | null>(null);
  const startedAt = useRef(Date.now());
  const phaseRef = useRef<Phase>('starting');
  phaseRef.current = phase;
  const now = useNow(250);
  const live = useLiveState();
  const onChangedRef = useRef(onChanged);
  onChangedRef.current = onChanged;

  const seeAccount = useCallback((a: Account) => {
    setAccount(a);
    onChangedRef.current?.(a);
    const p = phaseRef.current;
    if (p === 'success') return;
    if (LINKED.includes(a.status)) {
      setPhase('success');
      setError(null);
    } else if (FAILED.includes(a.status) && p === 'waiting') {
      setPhase('failed');
      setError((e) => e ?? a.status_reason ?? `Linking stopped: the account is ${statusInfo[a.status]?.label.toLowerCase() ?? a.status}.`);
    }
  }, []);

  const seeCode = useCallback((c: { kind: 'qr' | 'pairing_code'; value: string; attempt: number | null }) => {
    if (phaseRef.current === 'success') return;
    setCode((prev) => {
      if (prev && prev.value === c.value) return prev;
      const t = Date.now();
      if (prev && prev.kind === 'qr' && c.kind === 'qr') {
        const observed = t - prev.receivedAt;
        if (observed > 300 && observed < 120_000) setLifetime(observed);
      }
      return { ...c, receivedAt: t };
    });
    setPhase((p) => (p === 'success' ? p : 'waiting'));
    setError(null);
  }, []);

  const start = useCallback(
    async (m: LinkMethod) => {
      setMethod(m);
      setPhase('starting');
      setCode(null);
      setError(null);
      setSimError(null);
      setLifetime(DEFAULT_QR_LIFETIME_MS);
      startedAt.current = Date.now();
      try {
        const a = await accountsApi.link(project.id, initial.id, m);
        setAccount(a);
        onChangedRef.current?.(a);
        if (LINKED.includes(a.status)) setPhase('success');
        else setPhase((p) => (p === 'starting' ? 'waiting' : p));
      } catch (e) {
        setPhase('failed');
        setError(errorMessage(e));
      }
    },
    [project.id, initial.id],
  );

  // Open: start linking, unless it is already under way (then show the newest code of the history).
  const opened = useRef(false);
  useEffect(() => {
    if (opened.current) return;
    opened.current = true;
    if (initial.status === 'linking') {
      setPhase('waiting');
      accountsApi.qrHistory(project.id, initial.id).then(
        (r) => {
          // Only a recent QR can still be scanned; otherwise wait for the next one.
          const newest = r.items.find((q) => q.kind === 'qr');
          if (newest && Date.now() - new Date(newest.at).getTime() < 60_000) seeCode({ kind: 'qr', value: newest.value, attempt: null });
        },
        () => undefined,
      );
    } else {
      void start('qr');
    }
  }, [initial.id, initial.status, project.id, seeCode, start]);

  useLiveEvents((ev) => {
    if (ev.project_id !== project.id) return;
    if (ev.event === 'account.qr') {
      const d = ev.data as AccountQrEvent | null;
      if (d && d.account_id === initial.id && typeof d.value === 'string') {
        const kind = d.kind === 'pairing_code' ? 'pairing_code' : 'qr';
        // WhatsApp keeps rotating QR codes after a pairing code was requested: show only what was asked for.
        if (kind !== method) return;
        seeCode({ kind, value: d.value, attempt: typeof d.attempt === 'number' ? d.attempt : null });
      }
    } else if (ev.event === 'account.updated') {
      const a = ev.data as Account | null;
      if (a && a.id === initial.id) seeAccount(a);
    } else if (ev.event === 'alert.created') {
      const al = ev.data as Alert | null;
      if (al && al.account_id === initial.id && LINK_ALERTS.includes(al.kind) && phaseRef.current !== 'success') {
        setError(al.message);
        setPhase('failed');
      }
    }
  });

  // Safety net for a missed event (socket reconnecting): poll the account, and the QR history
  // while no code is shown yet.
  useEffect(() => {
    if (phase !== 'waiting' && phase !== 'starting') return;
    const t = setInterval(() => {
      accountsApi.get(project.id, initial.id).then(seeAccount, () => undefined);
      if (!code && phaseRef.current === 'waiting') {
        accountsApi.qrHistory(project.id, initial.id).then(
          (r) => {
            const newest = r.items.find((q) => q.kind === method);
            if (newest && new Date(newest.at).getTime() >= startedAt.current - 5000) {
              seeCode({ kind: newest.kind, value: newest.value, attempt: null });
            }
          },
          () => undefined,
        );
      }
    }, 4000);
    return () => clearInterval(t);
  }, [phase, code, method, project.id, initial.id, seeAccount, seeCode]);

  // Success closes the dialog by itself after a moment.
  useEffect(() => {
    if (phase !== 'success') return;
    const t = setTimeout(onClose, SUCCESS_CLOSE_MS);
    return () => clearTimeout(t);
  }, [phase, onClose]);

  const simulateScan = async () => {
    setSimBusy(true);
    setSimError(null);
    try {
      await accountsApi.sim(project.id, initial.id, 'scan');
    } catch (e) {
      setSimError(errorMessage(e));
    } finally {
      setSimBusy(false);
    }
  };

  const age = code ? now.getTime() - code.receivedAt : 0;
  const remaining = Math.max(0, Math.ceil((lifetime - age) / 1000));
  const expired = code?.kind === 'qr' && age >= lifetime;
  const waitedS = Math.floor((now.getTime() - startedAt.current) / 1000);

  return (
    <Modal
      title={
        <span className="link-title">
          Link {formatPhone(account.phone)}
          {labelOf(account) && <span className="muted"> · {labelOf(account)}</span>}
        </span>
      }
      onClose={onClose}
      width={560}
      testId="link-dialog"
      footer={
        <>
          {phase !== 'success' && (
            <span className="link-footer-left">
              {method === 'qr' ? (
                <button
                  type="button"
                  className="btn btn-ghost btn-sm"
                  onClick={() => void start('pairing_code')}
                  disabled={phase !== 'waiting' || !code}
                  title={!code ? 'Available once WhatsApp has shown the first QR code' : undefined}
                  data-testid="use-pairing-code"
                >
                  <IconPhone size={15} /> Use a pairing code instead
                </button>
              ) : (
                <button type="button" className="btn btn-ghost btn-sm" onClick={() => void start('qr')} disabled={phase === 'starting'}>
                  <IconQr size={15} /> Use a QR code instead
                </button>
              )}
            </span>
          )}
          {account.engine === 'sim' && canSimulate && phase !== 'success' && (
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => void simulateScan()}
              disabled={simBusy || phase !== 'waiting' || !code}
              data-testid="simulate-scan"
              title="Simulated accounts are linked by a simulated scan instead of a phone."
            >
              {simBusy ? 'Scanning…' : 'Simulate scan'}
            </button>
          )}
          <button key={phase === 'success' ? 'done' : 'close'} type="button" className={phase === 'success' ? 'btn btn-primary' : 'btn btn-ghost'} onClick={onClose}>
            {phase === 'success' ? 'Done' : 'Close'}
          </button>
        </>
      }
    >
      <div className="link-dialog" data-testid="link-body" data-phase={phase}>
        {phase === 'success' ? (
          <div className="link-success" data-testid="link-success" role="status">
            <div className="link-success-icon">
              <IconCheck size={34} />
            </div>
            <div className="link-success-title">Linked</div>
            <div className="muted">
              {formatPhone(account.phone)} is now <StatusBadge status={account.status} />
            </div>
          </div>
        ) : (
          <>
            <div className="link-stage">
              <div className={`link-code ${expired || phase === 'failed' ? 'stale' : ''}`}>
                {code?.kind === 'pairing_code' ? (
                  <div className="pairing-code" data-testid="pairing-code" aria-label="Pairing code">
                    {(() => {
                      const plain = code.value.replace(/[^0-9A-Za-z]/g, '');
                      return plain.length === 8 ? (
                        <>
                          <span>{plain.slice(0, 4)}</span>
                          <span className="pairing-sep">-</span>
                          <span>{plain.slice(4)}</span>
                        </>
                      ) : (
                        code.value
                      );
                    })()}
                  </div>
                ) : code ? (
                  <QrCode key={code.value} value={code.value} size={248} label={`WhatsApp link QR code for ${formatPhone(account.phone)}`} />
                ) : (
                  <div className="qr-placeholder">
                    {phase === 'failed' ? <IconAlert size={32} /> : <Spinner />}
                    <span className="muted small">{phase === 'failed' ? 'No code' : phase === 'starting' ? 'Starting WhatsApp…' : 'Waiting for the first code…'}</span>
                  </div>
                )}
              </div>
              <div className="link-side">
                {method === 'qr' ? (
                  <ol className="link-steps">
                    <li>Open WhatsApp on the phone {account.engine === 'sim' ? '(here: the simulated phone)' : ''}</li>
                    <li>
                      Go to <strong>Settings → Linked devices</strong>
                    </li>
                    <li>
                      Tap <strong>Link a device</strong> and point the camera at this code
                    </li>
                  </ol>
                ) : (
                  <ol className="link-steps">
                    <li>
                      On the phone open <strong>Settings → Linked devices → Link a device</strong>
                    </li>
                    <li>
                      Tap <strong>Link with phone number instead</strong>
                    </li>
                    <li>Enter this 8-character code</li>
                  </ol>
                )}
                {phase !== 'failed' && (
                  <div className="link-status" data-testid="link-status">
                    {phase === 'starting' && <Spinner label="Starting the WhatsApp client…" />}
                    {phase === 'waiting' && code && (
                      <>
                        <div className="link-wait">
                          <span className="pulse-dot" /> Waiting for scan… <span className="muted">{fmtDuration(waitedS)}</span>
                        </div>
                        {code.kind === 'qr' && (
                          <>
                            <div className="countdown-track" aria-hidden="true">
                              <span className="countdown-fill" style={{ width: `${Math.max(0, 100 - (age / lifetime) * 100)}%` }} />
                            </div>
                            <div className="muted small" data-testid="qr-countdown">
                              {expired ? 'This code has probably expired — a new one is on its way…' : `Code refreshes in about ${remaining} s`}
                            </div>
                          </>
                      )}
                      {code.attempt !== null && (
                        <div className="muted small" data-testid="qr-attempt">
                          {code.kind === 'qr' ? 'QR' : 'Code'} #{code.attempt}
                        </div>
                      )}
                    </>
                  )}
                  {phase === 'waiting' && !code && <Spinner label="Waiting for WhatsApp to send a code…" />}
                </div>
                )}
                <div className="link-meta">
                  <StatusBadge status={account.status} />
                  <span className="muted small">{account.engine === 'sim' ? 'Simulated network' : 'WhatsApp Web'}</span>
                  {live !== 'open' && <span className="muted small">· live updates reconnecting</span>}
                </div>
              </div>
            </div>
            {phase === 'failed' && error && (
              <div className="form-error link-error" role="alert" data-testid="link-error">
                <IconAlert size={16} />
                <div>
                  <strong>Linking failed.</strong> {error}
                  <div>
                    <button type="button" className="btn btn-secondary btn-sm retry" onClick={() => void start(method)}>
                      <IconRefresh size={14} /> Try again
                    </button>
                  </div>
                </div>
              </div>
            )}
            {simError && (
              <div className="form-error" role="alert">
                <IconAlert size={16} /> Simulated scan failed: {simError}
              </div>
            )}
          </>
        )}
      </div>
    </Modal>
  );
}

function fmtDuration(s: number): string {
  const m = Math.floor(s / 60);
  const r = s % 60;
  return m ? `${m}:${String(r).padStart(2, '0')}` : `${r} s`;
}
