// The Sangam mark with a gradient id of its own. Icons.tsx's Logo uses the fixed id "sg"; with two
// logos on one page (the login page's art panel and its card), url(#sg) resolves to the first, and on a
// phone that one sits in the hidden art panel, so the card's logo lost its fill and showed as a faint
// white glyph (issue 13 item 8).
import { useId } from 'react';

export function BrandMark({ size = 30 }: { size?: number }) {
  const id = `brand-${useId().replace(/:/g, '')}`;
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" className="brand-mark">
      <defs>
        <linearGradient id={id} x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#10b981" />
          <stop offset="1" stopColor="#047857" />
        </linearGradient>
      </defs>
      <rect width="32" height="32" rx="8" fill={`url(#${id})`} />
      <path d="M7 8.5c5 0 7.2 4.2 9 8.5M25 8.5c-5 0-7.2 4.2-9 8.5M16 17v7" stroke="#fff" strokeWidth="2.6" fill="none" strokeLinecap="round" />
    </svg>
  );
}
