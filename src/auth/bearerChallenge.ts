/** What goes into the `WWW-Authenticate: Bearer …` challenge of every 401 (RFC 6750 §3). */
export interface ChallengeParameters {
    readonly realm: string;
    /** Where a client gets a token, as Entra-protected APIs advertise it. */
    readonly authorizationUri: string;
    /** The API's client id, so a client knows which resource to ask a token for. */
    readonly resourceId: string;
}

/** Keeps a value legal inside an RFC 7230 quoted-string; our descriptions are fixed texts, this is a backstop. */
function quoted(value: string): string {
    return `"${value.replace(/[\\"\r\n]/g, ' ')}"`;
}

/**
 * Builds the challenge. Without `errorDescription` it carries no error code: RFC 6750 §3.1 says a request
 * without credentials gets none. With it, `error="invalid_token"`.
 */
export function bearerChallenge(parameters: ChallengeParameters, errorDescription?: string): string {
    const parts = [
        `realm=${quoted(parameters.realm)}`,
        `authorization_uri=${quoted(parameters.authorizationUri)}`,
        `resource_id=${quoted(parameters.resourceId)}`,
    ];
    if (errorDescription !== undefined) {
        parts.push('error="invalid_token"', `error_description=${quoted(errorDescription)}`);
    }
    return `Bearer ${parts.join(', ')}`;
}
