/**
 * Sizes in binary units, written as such (KiB, MiB, GiB), because the limits are binary (64 KiB of
 * text, 10 MiB per file by default). The one formatter for the sidebar, the portal, the CLI, API
 * errors and the README: "1 byte", "1.5 KiB", "10.0 MiB".
 * `decimals`: digits after the point for KiB and up (default 1).
 */
export function formatBytes(bytes: number, decimals = 1): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${floorTo(value, decimals)} ${units[unit]}`;
}

/**
 * Rounds down: a size that is over a limit never prints above what it is, and a size under a limit
 * never prints as the limit itself (10 MiB - 1 byte is "9.9 MiB", not "10.0 MiB").
 */
function floorTo(value: number, decimals: number): string {
  const f = 10 ** decimals;
  return (Math.floor(value * f + 1e-9) / f).toFixed(decimals);
}

/** "1,048,577 bytes": the exact count, for when rounded units cannot tell two sizes apart. */
export const formatExactBytes = (bytes: number): string => `${bytes.toLocaleString('en-US')} ${bytes === 1 ? 'byte' : 'bytes'}`;

/**
 * A size over a limit and the limit, with just enough precision that the two never read the same
 * ("10.4 MiB" / "10.0 MiB", "10.05 MiB" / "10.00 MiB"; past 2 decimals both become exact byte counts).
 */
export function formatSizeOverLimit(size: number, limit: number): [size: string, limit: string] {
  for (let decimals = 1; decimals <= 2; decimals++) {
    const pair: [string, string] = [formatBytes(size, decimals), formatBytes(limit, decimals)];
    if (pair[0] !== pair[1]) return pair;
  }
  return [formatExactBytes(size), formatExactBytes(limit)];
}
