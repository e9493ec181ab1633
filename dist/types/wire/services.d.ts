/** The control API's service shapes on the wire (`GET /services`, `POST /services/{name}/faults`). */
/** kill: SIGKILL the process group (a crash); stop: SIGTERM with the grace period; freeze: SIGSTOP, then SIGCONT. */
export type ServiceAction = 'kill' | 'stop' | 'freeze';
export type ServiceState = 'running' | 'frozen' | 'down' | 'restarting' | 'stopped';
/** A service as `GET /services/{name}` answers it. */
export interface ServiceStatus {
    name: string;
    state: ServiceState;
    restart: 'never' | 'on-failure' | 'always';
    restarts: number;
    /** The fault on it now: `kill` and `stop` keep it down until reverted, `freeze` keeps it stopped. */
    fault: ServiceAction | null;
    /** The process group's id while it runs. */
    pid: number | null;
}
