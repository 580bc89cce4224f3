/**
 * Reads pip's output: why an install failed (with the fix to offer) and what a progress line says.
 *
 * pip reports an unreachable index as "No matching distribution" too, after its connection
 * retries; the connection errors are therefore checked first, the resolver's verdict last.
 */

export type PipCause = 'noSpace' | 'ssl' | 'proxy' | 'indexUnreachable' | 'noMatchingDistribution' | 'unknown';

export interface PipFailure {
  cause: PipCause;
  /** What went wrong, in one sentence. */
  summary: string;
  /** What the user can do about it. */
  fix: string;
}

const OFFLINE = 'or install the offline .vsix for your platform (see the README)';

const RULES: { cause: PipCause; test: RegExp; summary: string; fix: string }[] = [
  {
    cause: 'noSpace',
    test: /\[Errno 28\]|No space left on device/,
    summary: 'The disk is full: pip ran out of space while installing.',
    fix: 'Free some disk space (pip also writes to the temporary folder), then Retry.',
  },
  {
    cause: 'proxy',
    test: /ProxyError|Cannot connect to proxy|Tunnel connection failed/,
    summary: 'The proxy could not be reached, so pip could not contact the package index.',
    fix: `Check the proxy settings (HTTPS_PROXY / HTTP_PROXY, or "proxy" in pip.conf), then Retry; ${OFFLINE}.`,
  },
  {
    cause: 'ssl',
    test: /SSLError|CERTIFICATE_VERIFY_FAILED|problem confirming the ssl certificate/i,
    summary: "The package index's TLS certificate could not be verified.",
    fix: `A proxy or firewall may be intercepting HTTPS: point pip at its CA certificate (PIP_CERT or "cert" in pip.conf), then Retry; ${OFFLINE}.`,
  },
  {
    cause: 'indexUnreachable',
    test: /NewConnectionError|Failed to establish a new connection|Read timed out|ConnectTimeoutError|Temporary failure in name resolution|Name or service not known|getaddrinfo failed|Network is unreachable/,
    summary: 'The package index could not be reached.',
    fix: `Check the network connection and PIP_INDEX_URL (or "index-url" in pip.conf), then Retry; ${OFFLINE}.`,
  },
  {
    cause: 'noMatchingDistribution',
    test: /No matching distribution found|Could not find a version that satisfies the requirement/,
    summary: 'The package index has no version of a required package that fits this Python.',
    fix: `Check that PIP_INDEX_URL points at a full index (a mirror may lack packages), or choose another Python interpreter; ${OFFLINE}.`,
  },
];

/** The cause of a failed `pip install`, from its combined stdout and stderr. */
export function parsePipFailure(output: string): PipFailure {
  for (const rule of RULES) {
    if (rule.test.test(output)) return { cause: rule.cause, summary: rule.summary, fix: rule.fix };
  }
  const last = errorLines(output).pop();
  return {
    cause: 'unknown',
    summary: last ? `pip failed: ${last.replace(/^ERROR:\s*/, '')}` : 'pip failed.',
    fix: 'See the logs for pip\'s full output, then Retry.',
  };
}

/** pip's own `ERROR:` lines (logged at error level, with no JavaScript stack). */
export function errorLines(output: string): string[] {
  return output
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('ERROR:'));
}

/**
 * A progress note for one line of pip's output, or undefined when the line says nothing new:
 * "Collecting pydantic", or that pip is retrying a connection (pip's own retries can last minutes).
 */
export function progressNote(line: string): string | undefined {
  const retry = /Retrying \(Retry\(total=(\d+)[^)]*\)\) after connection broken by '(\w+)/.exec(line);
  if (retry) {
    const left = Number(retry[1]);
    const why = /Timeout/.test(retry[2]) ? 'did not answer' : 'could not be reached';
    return `the package index ${why}; retrying (${left} ${left === 1 ? 'retry' : 'retries'} left)…`;
  }
  const collecting = /^\s*Collecting (\S+)/.exec(line);
  if (collecting) return `collecting ${collecting[1]}`;
  if (/^\s*Installing collected packages/.test(line)) return 'installing the downloaded packages';
  return undefined;
}
