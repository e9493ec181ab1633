/**
 * `hang`: the request is read and never answered; the connection stays open until the client
 * gives up or the mock closes. What a client's timeout is for.
 */
export function hang(): void {}
