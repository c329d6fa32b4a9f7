import type { NetErrorCode } from "../errors.ts";

/** POSIX/libuv error codes (`EADDRINUSE`…) and Deno error class names (`AddrInUse`…) by NetError code. */
const CODES: Record<string, NetErrorCode> = {
  EADDRINUSE: "ADDR_IN_USE",
  AddrInUse: "ADDR_IN_USE",
  EADDRNOTAVAIL: "ADDR_NOT_AVAILABLE",
  AddrNotAvailable: "ADDR_NOT_AVAILABLE",
  ECONNREFUSED: "CONN_REFUSED",
  ConnectionRefused: "CONN_REFUSED",
  ECONNRESET: "CONN_RESET",
  ECONNABORTED: "CONN_RESET",
  ConnectionReset: "CONN_RESET",
  ConnectionAborted: "CONN_RESET",
  EPIPE: "BROKEN_PIPE",
  BrokenPipe: "BROKEN_PIPE",
  ERR_STREAM_DESTROYED: "CLOSED",
  ERR_SOCKET_CLOSED: "CLOSED",
  ERR_SOCKET_DGRAM_NOT_RUNNING: "CLOSED",
  EBADF: "CLOSED",
  ENOTCONN: "CLOSED",
  BadResource: "CLOSED",
  NotConnected: "CLOSED",
  Interrupted: "CLOSED",
  ETIMEDOUT: "TIMED_OUT",
  TimedOut: "TIMED_OUT",
  EACCES: "PERMISSION_DENIED",
  EPERM: "PERMISSION_DENIED",
  PermissionDenied: "PERMISSION_DENIED",
  NotCapable: "PERMISSION_DENIED",
  EINVAL: "INVALID_ARGUMENT",
  ERR_INVALID_ARG_TYPE: "INVALID_ARGUMENT",
  ERR_INVALID_ARG_VALUE: "INVALID_ARGUMENT",
  ERR_SOCKET_BAD_PORT: "INVALID_ARGUMENT",
  InvalidData: "INVALID_ARGUMENT",
  EAFNOSUPPORT: "UNSUPPORTED",
  ENOPROTOOPT: "UNSUPPORTED",
  EOPNOTSUPP: "UNSUPPORTED",
  ENOSYS: "UNSUPPORTED",
  ENETUNREACH: "ADDR_NOT_AVAILABLE",
  EHOSTUNREACH: "ADDR_NOT_AVAILABLE",
  ENOTFOUND: "ADDR_NOT_AVAILABLE",
  NotFound: "ADDR_NOT_AVAILABLE",
};

/**
 * Looks up the NetError code of a runtime error code or Deno error name.
 *
 * @internal
 * @param keys Candidate keys in priority order (`code`, `name`…); undefined entries are skipped.
 * @returns The code, or `UNKNOWN`.
 */
export function netErrorCodeOf(keys: readonly (string | undefined)[]): NetErrorCode {
  for (const key of keys) {
    if (key !== undefined && Object.hasOwn(CODES, key)) return CODES[key];
  }
  return "UNKNOWN";
}
