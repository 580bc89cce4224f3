/** Connection state and notices, announced politely; rendered only when there is something to say. */
import type { ConnectionState } from '../protocol';
import type { Notice } from '../state/reducer';
import { plural } from '../format';

const STATE_TEXT: Partial<Record<ConnectionState, string>> = {
  starting: 'Starting the telemetry sidecar…',
  reconnecting: 'Reconnecting to the telemetry sidecar…',
  error: 'The telemetry sidecar stopped.',
};

/** ".empathy/archive/cleared-…" from the full path (the full path is in the title). */
export function shortArchive(dir: string): string {
  const parts = dir.split(/[\\/]/).filter(Boolean);
  return parts.length > 3 ? parts.slice(-3).join('/') : dir;
}

export function StatusBanner({ connection, notice, hasSnapshot, onDismiss, cleared = null, onUndo }: {
  connection: { state: ConnectionState; message?: string };
  notice: Notice | null;
  hasSnapshot: boolean;
  onDismiss: () => void;
  /** The last Clear History, offering its Undo. */
  cleared?: { archiveDir: string; moved: string[] } | null;
  onUndo?: (archiveDir: string) => void;
}) {
  // Before the first snapshot the skeletons already say "loading"; only errors need words.
  const showConnection = connection.state === 'error' || connection.state === 'reconnecting' || (connection.state === 'starting' && hasSnapshot);
  if (!showConnection && !notice && !cleared) return null;
  return (
    <div role="status" className={`banner banner-${connection.state === 'error' || notice?.level === 'error' ? 'error' : 'info'}`}>
      {showConnection && (
        <span className="banner-text">
          {STATE_TEXT[connection.state]}
          {connection.message ? ` ${connection.message}` : ''}
        </span>
      )}
      {cleared && (
        <span className="banner-text" data-testid="history-cleared">
          History cleared: {plural(cleared.moved.length, 'file')} moved to{' '}
          <code title={cleared.archiveDir}>{shortArchive(cleared.archiveDir)}</code> (nothing was deleted).{' '}
          <button type="button" className="link-button" onClick={() => onUndo?.(cleared.archiveDir)}>
            Undo
          </button>
        </span>
      )}
      {notice && (
        <span className="banner-text">
          {notice.message}{' '}
          <button type="button" className="link-button" onClick={onDismiss}>
            Dismiss
          </button>
        </span>
      )}
    </div>
  );
}
