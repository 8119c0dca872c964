// The dashboard's icons: lucide-react components under the names the pages import, drawn at today's
// size and weight (18 px, 1.8 stroke) and hidden from screen readers (the control around an icon
// carries the name). Only the icons named here end up in the bundle (lucide-react is tree-shaken).
import { useId, type SVGProps } from 'react';
import { Activity, Archive, Bell, BookUser, MessagesSquare, Check, ChevronDown, ChevronsUpDown, Clock, Copy, Ellipsis, Folder, Globe, House, Key, List, Lock, LogOut, Menu, Pencil, Play, Plug, Plus, QrCode, RefreshCw, Search, Settings, Smartphone, Snowflake, Trash, TriangleExclamationPoint, Unlink, UserCog, Users, X, Megaphone, FileText, Pause, Send, CalendarClock, CircleCheck, Ban, type LucideIcon, Inbox } from 'lucide-react';

type P = SVGProps<SVGSVGElement> & { size?: number };

function icon(Glyph: LucideIcon) {
  const Icon = ({ size = 18, strokeWidth = 1.8, ...rest }: P) => (
    <Glyph size={size} strokeWidth={strokeWidth} aria-hidden="true" focusable="false" {...rest} />
  );
  Icon.displayName = `Icon(${Glyph.displayName ?? 'lucide'})`;
  return Icon;
}

export const IconHome = icon(House);
export const IconSettings = icon(Settings);
export const IconContacts = icon(BookUser);
export const IconInbox = icon(Inbox);
export const IconGroups = icon(MessagesSquare);
export const IconUsers = icon(Users);
export const IconUserCog = icon(UserCog);
export const IconKey = icon(Key);
export const IconList = icon(List);
export const IconPlus = icon(Plus);
export const IconX = icon(X);
export const IconCheck = icon(Check);
export const IconChevronDown = icon(ChevronDown);
export const IconSelector = icon(ChevronsUpDown);
export const IconLogout = icon(LogOut);
export const IconTrash = icon(Trash);
export const IconCopy = icon(Copy);
export const IconClock = icon(Clock);
export const IconGlobe = icon(Globe);
export const IconAlert = icon(TriangleExclamationPoint);
export const IconLock = icon(Lock);
export const IconEdit = icon(Pencil);
export const IconSearch = icon(Search);
export const IconFolder = icon(Folder);
export const IconMore = icon(Ellipsis);
export const IconQr = icon(QrCode);
export const IconPhone = icon(Smartphone);
export const IconBell = icon(Bell);
export const IconSnow = icon(Snowflake);
export const IconPlay = icon(Play);
export const IconArchive = icon(Archive);
export const IconUnlink = icon(Unlink);
export const IconActivity = icon(Activity);
export const IconRefresh = icon(RefreshCw);
export const IconPlug = icon(Plug);
export const IconMenu = icon(Menu);
// Campaigns and templates
export const IconMegaphone = icon(Megaphone);
export const IconTemplate = icon(FileText);
export const IconPause = icon(Pause);
export const IconSend = icon(Send);
export const IconCalendarClock = icon(CalendarClock);
export const IconCircleCheck = icon(CircleCheck);
export const IconBan = icon(Ban);

/** The Sangam mark (a confluence: two streams joining), drawn by hand for the brand. */
export function Logo({ size = 30 }: { size?: number }) {
  // The gradient id must be unique: the phone top bar and the sidebar both draw the mark.
  const id = `sg${useId().replace(/:/g, '')}`;
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
      <defs>
        <linearGradient id={id} x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#10b981" />
          <stop offset="1" stopColor="#047857" />
        </linearGradient>
      </defs>
      <rect width="32" height="32" rx="8" fill={`url(#${id})`} />
      <path
        d="M7 8.5c5 0 7.2 4.2 9 8.5M25 8.5c-5 0-7.2 4.2-9 8.5M16 17v7"
        stroke="#fff"
        strokeWidth="2.6"
        fill="none"
        strokeLinecap="round"
      />
    </svg>
  );
}
