/// Errors from a job log whose cause this tool cannot evaluate from token, policy and provider — the
/// issuer's network and TLS, the job's script, the role ARN, IAM's policy checks — recognised by their
/// text and explained with the fix (reference/gitlab-id-tokens.md §5, aws-sts-web-identity.md §0).
struct KnownFailure {
    /// Lower-cased fragments; the first one found in the code or message identifies the failure.
    let fragments: [String]
    /// When set, the failure is this one only for these API calls (nil: any call, or none named).
    var operations: Set<String>? = nil
    /// When set, the failure is this one only for calls other than these.
    var notOperations: Set<String>? = nil
    /// Short words for the walk step.
    let summary: String
    let detail: String
    let fix: String

    static func match(_ observed: ObservedError) -> KnownFailure? {
        let text = ((observed.code ?? "") + " " + observed.message).lowercased()
        return catalogue.first { k in
            if let ops = k.operations, !(observed.operation.map(ops.contains) ?? false) { return false }
            if let ops = k.notOperations, let op = observed.operation, ops.contains(op) { return false }
            return k.fragments.contains { text.contains($0) }
        }
    }

    static let catalogue: [KnownFailure] = [
        // F-07, F-08, F-11: STS step 4 cannot fetch the discovery document or the key set.
        KnownFailure(
            fragments: ["couldn't retrieve verification key", "could not retrieve verification key", "idpcommunicationerror"],
            summary: "STS could not fetch the issuer's keys",
            detail: "STS fetches <iss>/.well-known/openid-configuration and then its jwks_uri over the internet to check the token's signature, and that failed. Causes: the GitLab instance is not reachable from the internet (firewall, private network); for some parallel jobs only, STS throttling key fetches when GitLab's responses do not allow caching; with a custom issuer (GitLab 18.1+ ci_id_tokens_issuer_url), a hosted discovery document whose issuer or jwks_uri was not rewritten, or a hosted key set left stale after a key rotation; also a token whose kid is not in the published key set, or whose alg STS does not accept. The trust policy plays no part in this error.",
            fix: "make /.well-known/openid-configuration and /oauth/discovery/keys reachable from the internet, or host both publicly and set ci_id_tokens_issuer_url, keeping the issuer URL, the IAM provider URL and the hosted documents identical (GitLab's ci:validate_id_token_configuration task checks them); if only some parallel jobs fail, upgrade GitLab and retry with backoff. To check the signature here, save the key set and pass it with --jwks"),
        // F-10: a private CA and a stale thumbprint.
        KnownFailure(
            fragments: ["doesn't match configured thumbprint", "does not match configured thumbprint"],
            summary: "the issuer's certificate does not match the provider's thumbprint",
            detail: "the issuer's HTTPS certificate is not from a CA that AWS trusts, so STS compared it with the thumbprints configured on the IAM provider, and none matched — typical for a self-managed GitLab with a private CA after its certificate was renewed.",
            fix: "serve the issuer URL with a publicly trusted certificate, or update the thumbprint: aws iam update-open-id-connect-provider-thumbprint --open-id-connect-provider-arn <provider ARN> --thumbprint-list <SHA-1 of the top intermediate CA certificate>"),
        // F-09: the IAM console cannot read the discovery document when the provider is created.
        KnownFailure(
            fragments: ["could not connect to openid configuration"],
            summary: "IAM could not read the issuer's discovery document",
            detail: "IAM could not read <issuer>/.well-known/openid-configuration when the provider was created: usually a TLS certificate chain served out of order or with duplicate or extra certificates, or an instance not reachable from the internet. No token was involved yet.",
            fix: "serve the chain leaf → intermediate → root (check with `openssl s_client -connect <host>:443 -showcerts`), make the discovery document reachable from the internet, then create the provider again"),
        // F-34, F-36: the token variable is empty.
        KnownFailure(
            fragments: ["web-identity-token: expected one argument", "parameter webidentitytoken"],
            summary: "the job passed an empty token",
            detail: "the job passed no token: the variable given to --web-identity-token is empty. CI_JOB_JWT_V2 was removed in GitLab 17.0 (and is not set in 16.x jobs that declare id_tokens); or the script uses another variable name than the one declared under id_tokens; or the job declares no id_tokens at all.",
            fix: "declare `id_tokens: GITLAB_OIDC_TOKEN: aud: <audience>` in the job and pass \"$GITLAB_OIDC_TOKEN\" (quoted) to --web-identity-token"),
        // F-37, F-43: a malformed role ARN.
        KnownFailure(
            fragments: ["request arn is invalid"],
            summary: "the job's role ARN is malformed",
            detail: "the role ARN in the call is malformed — often a protected CI/CD variable (ROLE_ARN, AWS_ACCOUNT_ID) that is empty in pipelines of unprotected branches and merge requests, giving an ARN like arn:aws:iam::/role/deploy; or a typo.",
            fix: "print the ARN the job passes (it is not a secret); unprotect that variable or write the ARN into the job. It must read arn:aws:iam::<12-digit account>:role/<name>"),
        // F-38: the error comes from a later command; the STS answer was lost.
        KnownFailure(
            fragments: ["unable to locate credentials", "invalidclienttokenid", "not a valid identifier", "security token included in the request is invalid"],
            summary: "this is not STS's answer to AssumeRoleWithWebIdentity",
            detail: "this error is not STS's answer to AssumeRoleWithWebIdentity: a later command ran without valid credentials because the assume-role step failed or its output was lost — `export $(printf … $(aws sts …))` on one line hides the STS error and its exit code, `--output text` printed None, or a folded YAML block (>) merged two lines.",
            fix: "run `aws sts assume-role-with-web-identity` on its own line under `set -euo pipefail`, keep its output, check the fields are not empty, and pass the STS error from that step here"),
        // F-26: GitLab refused to issue the token.
        KnownFailure(
            fragments: ["id token issuance is disabled", "previously used by a different project"],
            summary: "GitLab did not issue an ID token",
            detail: "GitLab did not issue an ID token and the job never called AWS: this project's path was used by a different project before, and a sub starting with project_path could match trust policies written for that project.",
            fix: "set the project's ID token sub claim components to [\"project_id\", \"ref_type\", \"ref\"] and trust \"project_id:<id>:ref_type:<type>:ref:<ref>\" in the policy"),
        // On AssumeRoleWithWebIdentity itself the code is about the session policy (reference §7.1).
        KnownFailure(
            fragments: ["malformedpolicydocument"],
            operations: ["AssumeRoleWithWebIdentity"],
            summary: "the session policy passed with the call is malformed",
            detail: "on AssumeRoleWithWebIdentity, MalformedPolicyDocument is about the session policy passed with the call (--policy), not the role's trust policy, which was never stored or changed by this call.",
            fix: "correct or drop the JSON given to --policy of aws sts assume-role-with-web-identity (session policies only narrow the session)"),
        // F-45 and grammar: IAM refused to store the policy.
        KnownFailure(
            fragments: ["malformedpolicydocument"],
            summary: "IAM refused to store the trust policy",
            detail: "IAM refused to store the trust policy, so the role still has its previous one. Run check on the same policy text: a grammar error is named with its line and column. For identity providers AWS treats as shared, IAM also requires conditions on specific claims; which claims it requires for GitLab is AWS behaviour undocumented.",
            fix: "correct the policy where check points; if check finds no error, restrict the provider with a condition on <provider>:sub and save again"),
        // STS step 5: iat too far in the past.
        KnownFailure(
            fragments: ["token too old"],
            summary: "STS found the token too old",
            detail: "STS judged the token's iat too far in the past. How old is too old is AWS behaviour undocumented. A token minted by an earlier job and reused (artifact, cache, dotenv) or kept by a long-running process gets this answer.",
            fix: "mint the token in the job that calls STS (id_tokens) and call STS early in that job"),
        KnownFailure(
            fragments: ["regiondisabledexception", "sts is not activated in this region"],
            summary: "STS is not activated in the Region called",
            detail: "STS is not activated in the Region of the endpoint the job called; the token and the trust policy were never evaluated.",
            fix: "activate STS for that Region in the IAM console (Account settings → Security Token Service endpoints), or call another Region's endpoint (AWS_REGION / --region)"),
        KnownFailure(
            fragments: ["packedpolicytoolarge", "packed policy consumes"],
            summary: "the session policies or tags are too large",
            detail: "the credentials were refused after the trust policy allowed the call: the session policies (--policy, --policy-arns) or the session tags passed with it are too large once packed.",
            fix: "pass a shorter session policy or fewer policy ARNs and session tags"),
    ]
}
