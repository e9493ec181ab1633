/** Where what the API creates may listen: loopback, unless safety.allow_remote. */
import { isLoopbackHost, splitHostPort } from '../address.js';
import { ApiError } from './errors.js';

/** Refuses (403, naming the field) a listen address beyond loopback: whoever reaches the API must not open a door to this machine's services. */
export type ListenGuard = (listen: string | undefined, field: string) => void;

export function listenGuard(allowRemote: boolean): ListenGuard {
  return (listen, field) => {
    if (allowRemote || listen === undefined || isLoopbackHost(splitHostPort(listen).host)) return;
    throw new ApiError(403, `${field}: ${listen} is not a loopback address; what the API creates listens on 127.0.0.1 unless safety.allow_remote: true`);
  };
}
