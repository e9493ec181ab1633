/** The control API's mock journal filter on the wire (`GET /mocks/{name}/requests?…`), for the server and the client. */
/** Which journal entries to list, count or wait for; every given field must match. */
export interface JournalFilter {
    method?: string;
    /** The path exactly, without the query. */
    path?: string;
    route?: string;
    status?: number;
    /** true: only requests some route matched; false: only unmatched ones. */
    matched?: boolean;
}
