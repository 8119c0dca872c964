// What an alert says to a person (issue 13 item 2): what happened, in words, with the number as it
// is written everywhere else, and what to do next. The server's own message and the internal codes
// (TOS_BLOCK, account_banned) go into a details fold.
import type { Account, Alert } from '../../api';
import { formatPhone, labelOf } from '../accounts/meta';

export type NextStep = 'open' | 'link-new' | 'relink';

export interface AlertText {
  /** Who it is about: "Main (+91 98000 00001)", or "a deleted number". */
  who: string | null;
  sentence: string;
  steps: NextStep[];
  /** Internal codes in brackets, e.g. TOS_BLOCK. */
  codes: string[];
}

/** Every +E.164 number in a server message, formatted as the dashboard shows numbers. */
export function formatPhonesIn(text: string): string {
  return text.replace(/\+\d{8,15}\b/g, (m) => formatPhone(m));
}

function sentenceCase(s: string): string {
  const t = s.trim();
  return t ? t.charAt(0).toUpperCase() + t.slice(1) : t;
}

export function alertText(a: Alert, accounts: Account[] | null | undefined): AlertText {
  const acc = a.account_id !== null ? accounts?.find((x) => x.id === a.account_id) : undefined;
  let who: string | null = null;
  if (a.account_id !== null) {
    if (acc) who = labelOf(acc) ? `${labelOf(acc)} (${formatPhone(acc.phone)})` : formatPhone(acc.phone);
    else if (accounts) who = 'A number that was deleted';
    else who = 'This number';
  }
  const codes = [...a.message.matchAll(/\(([A-Z][A-Z_]{2,})\)/g)].map((m) => m[1]);
  const others = (accounts ?? []).filter((x) => x.id !== a.account_id && (x.status === 'active' || x.status === 'warming'));
  const standby = (accounts ?? []).filter((x) => x.id !== a.account_id && x.status === 'standby');
  const n = who ?? 'A number';
  // The server's words without its codes, for kinds this page has no sentence of its own for.
  const plain = sentenceCase(formatPhonesIn(a.message.replace(/\s*\([A-Z][A-Z_]{2,}\)/g, '')));
  switch (a.kind) {
    case 'account_banned': {
      const rest = others.length
        ? `${others.length === 1 ? formatPhone(others[0].phone) + ' still sends' : `${others.length} other numbers still send`}; link a new number to replace it.`
        : standby.length
          ? `No other number sends now. Make the backup ${formatPhone(standby[0].phone)} Production, or link a new number.`
          : 'No other number can send now: link a new number.';
      return { who, sentence: `${n} was banned by WhatsApp and will not send again. ${rest}`, steps: ['open', 'link-new'], codes };
    }
    case 'account_disconnected':
      return { who, sentence: `${n} lost its WhatsApp session and could not be restored. Scan a new QR code to link it again.`, steps: ['relink'], codes };
    case 'relink_needed':
      return { who, sentence: `${n} was unlinked from WhatsApp. Scan a new QR code to link it again.`, steps: ['relink'], codes };
    case 'session_corrupt':
      return { who, sentence: `${n}'s saved session could not be opened. Link it again with a new QR code.`, steps: ['relink'], codes };
    case 'health_critical': {
      const score = /(\d+)/.exec(a.message)?.[1];
      return { who, sentence: `${n}'s health fell to ${score ?? 'a critical level'}. Sending from it should pause until it recovers.`, steps: ['open'], codes };
    }
    case 'phone_inactive':
      return { who, sentence: `${n}: ${formatPhonesIn(a.message.replace(/^\+\d+:?\s*/, ''))}. Open WhatsApp on that phone to keep the link alive.`, steps: ['open'], codes };
    case 'connector_crashed':
      return { who, sentence: 'The WhatsApp connector stopped. Sangam starts it again and the numbers reconnect on their own; if this repeats, check the server log.', steps: [], codes };
    default:
      return { who, sentence: who && !plain.startsWith('+') ? `${who}: ${plain.charAt(0).toLowerCase()}${plain.slice(1)}` : plain, steps: a.account_id !== null ? ['open'] : [], codes };
  }
}
