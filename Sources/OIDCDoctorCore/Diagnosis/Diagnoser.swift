/// The walk of DESIGN §3–§4: each STS check in AWS's order, every finding collected, the first
/// error deciding the STS answer. Later checks still run so one pass shows everything to fix.
public enum Diagnoser {
    public static let action = "sts:AssumeRoleWithWebIdentity"
    static let sessionNameCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+=,.@-".unicodeScalars)

    public static func diagnose(_ request: DiagnosisRequest) -> Diagnosis {
        let d = once(request)
        guard let role = d.role, role.branches.count > 1 else { return d }
        return TemplateBranches.combine(role, request: request, first: d, diagnose: once)
    }

    static func once(_ request: DiagnosisRequest) -> Diagnosis {
        var w = Walk(parameters: request.parameters)
        w.run(request)
        if let text = request.observed {
            w.compare(ObservedError(text))
        } else if let code = w.cloudTrail?.errorCode {
            // The event says what AWS answered: compare with it as if it came from the job log.
            w.compare(ObservedError("\(code): \(w.cloudTrail?.errorMessage ?? "")"))
        } else if w.cloudTrail != nil {
            w.compare(ObservedError(""), succeeded: true)
        }
        return w.result()
    }
}

private struct Walk {
    var parameters: RequestParameters
    var findings: [Finding] = []
    var walk: [WalkStep] = []
    var token: IDToken?
    var role: RoleInput?
    var providers: [OIDCProvider] = []
    var rcps: [ResourceControlPolicy] = []
    var context: RequestContext?
    var caller: CallerPrincipal?
    var signature = SignatureStatus.unverified
    var statements: [StatementResult] = []
    /// Points whose other reading changes the trust policy's decision, and the findings that
    /// decision produced (the label goes on the answer only when the trust policy decides it).
    var movedBy: [Readings.Point] = []
    var trustFindings: Range<Int> = 0..<0
    var audienceRestsOnSet = false
    var unknown = false
    /// The decision depends on a value the inputs do not give (DESIGN §8: `input.unresolved`).
    var unresolved = false
    var terraform: TerraformReading?

    init(parameters: RequestParameters) { self.parameters = parameters }

    mutating func step(_ name: String, _ status: WalkStep.Status, _ summary: String) {
        walk.append(WalkStep(step: name, status: status, summary: summary))
    }

    mutating func add(_ f: Finding) { findings.append(f) }

    /// The `aws_iam_openid_connect_provider` of the configuration that a provider input came from.
    func terraformProvider(_ p: OIDCProvider) -> TerraformReading.Provider? {
        terraform?.providers.first { $0.address == p.source }
    }

    mutating func run(_ r: DiagnosisRequest) {
        var providerInputs = r.providers
        if let parsed = r.parsedRole {
            role = parsed
        } else if let tf = r.terraform {
            readTerraform(tf, source: r.policy.source, role: r.role)
            // The configuration's own aws_iam_openid_connect_provider stands for --provider.
            if providerInputs.isEmpty, let reading = terraform { providerInputs = reading.providerInputs }
        } else {
            readPolicy(r.policy, role: r.role, template: r.template)
        }
        // Stack settings for an input that is no template: a usage error, not silently ignored.
        if let given = role, ![.cloudFormationJSON, .cloudFormationYAML].contains(given.shape), !r.template.isEmpty {
            role = nil
            let options = r.template.givenOptions
            var e = PolicyInvalid(message: "\(options.joined(separator: ", ")) appl\(options.count == 1 ? "ies" : "y") only to CloudFormation templates; this input is \(given.shape.rawValue)", range: nil)
            e.usageFix = "leave out \(r.template.givenOptions.joined(separator: ", ")), or pass the template the stack is made from"
            policyUnreadable(e, source: r.policy.source)
        }
        // A template's own OIDC provider stands for --provider.
        if providerInputs.isEmpty, let own = role?.providers, !own.isEmpty { providerInputs = own }
        if let given = r.parsedToken {
            token = given
            step("token", .pass, given.claimsOnly ? "\(r.token.source): decoded claims (no JWT)" : "\(r.token.source): a JWT, alg \(given.alg ?? "?")\(given.kid.map { ", kid \($0)" } ?? "")")
        } else {
            readToken(r.token)
        }
        if parameters.roleArn == nil, let arn = cloudTrail?.roleArn { parameters.roleArn = arn }
        let (partition, account) = roleAccount()
        readProviders(providerInputs, partition: partition, account: account)
        readKeySet(r.jwks)
        rcps = r.parsedRCPs
        readRCPs(r.rcps)
        requestParameters()
        guard let token else {
            if let role { findings += TrustLint.findings(role.policy) }
            return
        }
        guard let prefix = token.providerPrefix, let issuer = token.issuer else {
            add(Finding(.tokenMissingClaim, .error, detail: "the token has no iss claim, so STS cannot look up a provider. Legacy CI_JOB_JWT tokens and CI_JOB_TOKEN are not ID tokens.",
                        fix: "declare `id_tokens:` in the job (with an `aud:`) and pass that variable to --web-identity-token", stsError: .invalidToken("Missing a required claim: iss")))
            step("provider", .fail, "no iss claim")
            if let role { findings += TrustLint.findings(role.policy) }
            return
        }
        caller = CallerPrincipal(providerURL: prefix, partition: partition, account: account)
        context = RequestContext(token: token, request: parameters)
        provider(prefix: prefix, issuer: issuer, partition: partition, account: account)
        audience(token)
        signatureStep(token)
        time(token)
        // An explicit Deny anywhere beats every Allow: the organization's RCPs come before the trust policy's verdict.
        resourceControlPolicies(prefix: prefix)
        if let role {
            trustPolicy(role.policy, token: token, prefix: prefix)
            // A lint warning on the very place an error already explains would say it twice.
            // The matrix asks only for decisions: warnings about the policy are the same for every witness.
            if r.lint { findings += TrustLint.findings(role.policy).filter { w in !findings.contains { $0.id == w.id && $0.range == w.range } } }
            maxDuration(role)
        }
    }

    // MARK: inputs

    mutating func readTerraform(_ files: TerraformFiles, source: String, role name: String?) {
        do {
            let reading = try TerraformReader.read(files)
            terraform = reading
            role = try reading.roleInput(try reading.role(named: name), roleArn: parameters.roleArn)
            step("policy", .pass, "\(source): \(role!.description)")
        } catch {
            policyUnreadable(error, source: source)
        }
    }

    mutating func policyUnreadable(_ error: PolicyInvalid, source: String) {
        if error.wrongRole || error.usageFix != nil {
            unknown = true
            add(Finding(.inputInvalid, .error, detail: "\(source): \(error.message)", fix: error.usageFix ?? "pass --role with one of the roles listed: a logical id, a RoleName or an ARN"))
            step("policy", .fail, "\(source): \(error.message)")
            return
        }
        if !error.unresolved.isEmpty {
            var f = Finding(.inputUnresolved, .error, detail: "\(source): \(error.located)",
                            fix: error.unresolved.map(UnknownAdvice.advice).joined(separator: "; "))
            f.range = error.range
            add(f)
            unresolved = true
            step("policy", .warn, "\(source): the trust policy is not known: \(error.message)")
            return
        }
        unknown = true
        var f = Finding(.policyInvalid, .error, detail: "\(source): \(error.located)", fix: "correct the policy at the place named; IAM would not store it as it is")
        f.range = error.range
        add(f)
        step("policy", .fail, "\(source) is not a valid trust policy: \(error.located)")
    }

    mutating func readPolicy(_ input: DiagnosisRequest.Input, role roleName: String?, template: TemplateSettings) {
        // HCL pasted or piped: read as a one-file module.
        if input.text.utf8.first != UInt8(ascii: "{"), RoleCatalog.looksLikeHCL(input.text) {
            let name = input.source.hasSuffix(".tf") ? String(input.source.split(separator: "/").last ?? "main.tf") : "main.tf"
            readTerraform(TerraformFiles(files: [name: input.text], account: parameters.roleArn.flatMap(ARN.init)?.account, partition: parameters.roleArn.flatMap(ARN.init)?.partition), source: input.source, role: roleName)
        } else {
            do { role = try RoleInput.read(input.text, role: roleName, roleArn: parameters.roleArn, template: template) } catch {
                policyUnreadable(error, source: input.source)
            }
        }

    }

    mutating func readToken(_ input: DiagnosisRequest.Input) {
        if let event = CloudTrailEvent.read(input.text) {
            token = event.token
            cloudTrail = event
            step("token", .warn, "\(input.source): \(CloudTrailEvent.limits)")
            return
        }
        do {
            token = try TokenReader.read(input.text)
            step("token", .pass, token?.claimsOnly == true ? "\(input.source): decoded claims (no JWT)" : "\(input.source): a JWT, alg \(token?.alg ?? "?")\(token?.kid.map { ", kid \($0)" } ?? "")")
        } catch {
            add(Finding(.tokenMalformed, .error, detail: "\(input.source): \(error.message)",
                        fix: "pass the ID token itself: the value of the job's `id_tokens` variable, three base64url parts joined by '.'",
                        stsError: .invalidToken("The web identity token that was passed could not be validated by Amazon Web Services.")))
            step("token", .fail, "\(input.source) is not a JWT: \(error.message)")
        }
    }

    mutating func readProviders(_ inputs: [DiagnosisRequest.Input], partition: String?, account: String?) {
        for input in inputs {
            let fallbackAccount = account ?? policyAccounts().first
            do { providers += try OIDCProvider.read(input.text, source: input.source, partition: partition, account: fallbackAccount) } catch {
                unknown = true
                add(Finding(.inputInvalid, .error, detail: "provider \(input.source): \(error.message)", fix: "pass the output of aws iam get-open-id-connect-provider or list-open-id-connect-providers"))
            }
        }
    }

    mutating func readKeySet(_ input: DiagnosisRequest.Input?) {
        guard let input else { return }
        do { jwks = try JWKS(json: input.text) } catch {
            unknown = true
            add(Finding(.inputInvalid, .error, detail: "key set \(input.source): \(error.message)", fix: "pass the issuer's JWKS, e.g. saved from https://<gitlab>/oauth/discovery/keys"))
        }
    }

    mutating func readRCPs(_ inputs: [DiagnosisRequest.Input]) {
        for input in inputs {
            do { rcps.append(try ResourceControlPolicy.read(input.text, source: input.source)) } catch {
                unknown = true
                add(Finding(.inputInvalid, .error, detail: "resource control policy \(input.source): \(error.located)",
                            fix: "pass an RCP as JSON, or the output of aws organizations describe-policy --policy-id <p-…>"))
            }
        }
    }

    /// The role's partition and account: `--role-arn`, else the get-role Arn.
    func roleAccount() -> (String?, String?) {
        let arn = (parameters.roleArn ?? role?.roleArn).flatMap(ARN.init)
        return (arn?.partition, arn?.account)
    }

    func policyAccounts() -> [String] {
        role?.policy.statements.flatMap { $0.principal.entries.compactMap { ARN($0.value.text)?.account } } ?? []
    }

    // MARK: STS steps

    mutating func requestParameters() {
        var problems: [String] = []
        if let name = parameters.sessionName {
            let bad = name.unicodeScalars.filter { !Diagnoser.sessionNameCharacters.contains($0) }
            let count = name.unicodeScalars.count
            if count < 2 || count > 64 || !bad.isEmpty {
                let constraint = !bad.isEmpty ? "Member must satisfy regular expression pattern: [\\w+=,.@-]*" : count > 64 ? "Member must have length less than or equal to 64" : "Member must have length greater than or equal to 2"
                let safe = String(String(name.unicodeScalars.map { Diagnoser.sessionNameCharacters.contains($0) ? Character($0) : "-" }).prefix(64))
                add(Finding(.requestSessionName, .error,
                            detail: "--role-session-name \(name.debugDescription) is \(count) characters\(bad.isEmpty ? "" : " and contains \(Set(bad).map { String($0).debugDescription }.sorted().joined(separator: ", "))"); STS requires 2–64 characters of letters, digits and +=,.@_-.",
                            fix: safe.count >= 2 ? "use --role-session-name \(safe.debugDescription) (e.g. GitLabRunner-${CI_PROJECT_ID}-${CI_PIPELINE_ID})" : "use --role-session-name GitLabRunner-${CI_PROJECT_ID}-${CI_PIPELINE_ID}",
                            stsError: .validation("1 validation error detected: Value '\(name)' at 'roleSessionName' failed to satisfy constraint: \(constraint)")))
                problems.append("session name")
            }
        }
        if let d = parameters.durationSeconds, d < 900 || d > 43200 {
            add(Finding(.requestDuration, .error, detail: "--duration-seconds \(d) is outside STS's 900–43200.", fix: "request between 900 and the role's MaxSessionDuration (default 3600)",
                        stsError: .validation("1 validation error detected: Value '\(d)' at 'durationSeconds' failed to satisfy constraint: Member must have value \(d < 900 ? "greater than or equal to 900" : "less than or equal to 43200")")))
            problems.append("duration")
        }
        walk.insert(WalkStep(step: "request", status: problems.isEmpty ? .pass : .fail,
                             summary: problems.isEmpty ? "request parameters are valid\(parameters.sessionName == nil ? " (no --session-name given)" : "")" : "invalid " + problems.joined(separator: " and ")), at: 0)
    }

    mutating func provider(prefix: String, issuer: String, partition: String?, account: String?) {
        if providers.isEmpty {
            step("provider", .skip, "no provider given: assumed to exist for \(issuer) in the role's account (not checked; pass --provider)")
            return
        }
        let outcome = ProviderLookup.find(prefix: prefix, issuer: issuer, providers: providers, account: account, partition: partition)
        if let p = outcome.found {
            step("provider", .pass, "provider \(p.arn ?? p.effectiveURL ?? prefix) matches iss \(issuer)")
            return
        }
        let expected = "arn:\(partition ?? "aws"):iam::\(account ?? "<role account>"):oidc-provider/\(prefix)"
        let misses = outcome.nearMisses.isEmpty ? "" : " Near misses: " + outcome.nearMisses.joined(separator: "; ") + "."
        let scheme = issuer.hasPrefix("https://") ? "" : " The issuer does not start with https://, and IAM provider URLs must."
        let aud = token?.audiences?.first ?? "<aud>"
        var f = Finding(.providerMissing, .error,
                        detail: "STS looks for \(expected) (the token's iss minus https://, compared exactly: case, path and trailing slash count). None of the \(providers.count) provider(s) given has that URL.\(misses)\(scheme)",
                        fix: issuer.hasPrefix("https://") ? "aws iam create-open-id-connect-provider --url \(issuer) --client-id-list \(aud)" : "serve GitLab over https (or set ci_id_tokens issuer_url to an https URL) and register that URL",
                        stsError: .invalidToken("No OpenIDConnect provider found in your account for \(issuer)"))
        // Providers the configuration creates: the one `url` to change is in the .tf.
        let made = providers.compactMap(terraformProvider)
        if made.count == 1, let tf = made.first, issuer.hasPrefix("https://") {
            f.range = tf.urlRange ?? tf.blockRange
            f.key = "url"
            f.fix = "\(tf.urlIsLiteral ? "set url = " : "make url evaluate to ")\"\(issuer)\" in \(tf.address)\(tf.place) — or create a provider for that issuer: aws iam create-open-id-connect-provider --url \(issuer) --client-id-list \(aud)"
        }
        add(f)
        step("provider", .fail, "no provider with URL \(prefix)")
    }

    mutating func audience(_ token: IDToken) {
        var missing: [String] = []
        if token.claims["aud"] == nil { missing.append("aud") }
        if token.subject == nil { missing.append("sub") }
        if !missing.isEmpty {
            add(Finding(.tokenMissingClaim, .error,
                        detail: "the token has no \(missing.joined(separator: " or ")) claim. Legacy CI_JOB_JWT (v1) tokens have no aud; ID tokens get one from `id_tokens: <NAME>: aud:`.",
                        fix: "declare `id_tokens: <NAME>: aud: sts.amazonaws.com` (or the provider's client ID) in the job and use that variable",
                        stsError: .invalidToken("Missing a required claim: \(missing[0])")))
            step("audience", .fail, "missing \(missing.joined(separator: ", "))")
            return
        }
        guard let auds = token.audiences else {
            add(Finding(.tokenMissingClaim, .error, detail: "aud is neither a string nor a list of strings.", fix: "give the job's id_tokens aud a plain string", stsError: .invalidToken("Incorrect token audience")))
            step("audience", .fail, "aud is not a string")
            return
        }
        if auds.count > 1 {
            add(Finding(.tokenAudMultiple, .warning,
                        detail: "aud is a list of \(auds.count) values \(auds.map(\.debugDescription).joined(separator: ", ")). How STS matches a multi-element aud against the client IDs and the :aud key is AWS behaviour undocumented; this diagnosis treats aud as a set (any element may match the client IDs) and the :aud key as multi-valued.",
                        fix: "use one audience per token: a separate id_tokens entry for AWS with a single aud"))
        }
        guard let p = providers.first(where: { $0.effectiveURL == token.providerPrefix }), let ids = p.clientIDs else {
            step("audience", auds.count > 1 ? .warn : .skip, "aud \(auds.joined(separator: ", ")); provider client IDs not known (not checked)")
            return
        }
        if auds.contains(where: ids.contains) {
            // Passed only through a later element: the other reading of a multi-element aud refuses.
            audienceRestsOnSet = !ids.contains(auds[0])
            step("audience", auds.count > 1 ? .warn : .pass, "aud \(auds.joined(separator: ", ")) is a client ID of the provider")
        } else {
            let near = ids.first { id in auds.contains { $0.lowercased() == id.lowercased() || $0 + "/" == id || $0 == id + "/" } }
            var f = Finding(.providerAudience, .error,
                            detail: "the token's aud is \(auds.map(\.debugDescription).joined(separator: ", ")); the provider's ClientIDList is \(ids.isEmpty ? "empty" : ids.map(\.debugDescription).joined(separator: ", ")).\(near.map { " \($0.debugDescription) differs only by case or a trailing slash." } ?? "")",
                            fix: "aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn \(p.arn ?? "<provider arn>") --client-id \(auds[0]) — or set the job's id_tokens aud to \(ids.first ?? "a registered client ID")",
                            stsError: .invalidToken("Incorrect token audience"))
            if let tf = terraformProvider(p) {
                f.range = tf.clientIDsRange ?? tf.blockRange
                f.key = "client_id_list"
                f.values = ids
                f.fix = "add \(auds[0].debugDescription) to client_id_list of \(tf.address)\(tf.place) — or set the job's id_tokens aud to \(ids.first.map(\.debugDescription) ?? "a listed client ID")"
            }
            add(f)
            step("audience", .fail, "aud not in ClientIDList")
        }
    }

    mutating func signatureStep(_ token: IDToken) {
        if token.claimsOnly {
            signature = .absent
            add(Finding(.tokenUnverified, .info, detail: "decoded claims were given, not the JWT: the header and signature are absent, so the algorithm and signature checks STS makes were not made.", fix: nil))
            step("signature", .skip, "claims only: no header or signature to check")
            return
        }
        guard let alg = token.alg, SigningAlgorithm(rawValue: alg) != nil else {
            add(Finding(.tokenUnsupportedAlg, .error,
                        detail: "the header says alg \(token.alg.map(\.debugDescription) ?? "(none)"); STS accepts RS256, RS384, RS512, ES256, ES384 and ES512 only. GitLab signs ID tokens with RS256.",
                        fix: "use the GitLab ID token itself, not a token re-signed or minted by another tool",
                        stsError: .invalidToken("Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements")))
            step("signature", .fail, "unsupported alg \(token.alg ?? "(none)")")
            return
        }
        guard let jwks = jwks else {
            add(Finding(.tokenUnverified, .info, detail: "no key set was given (--jwks), so the signature was not checked; STS will check it against the issuer's published keys.", fix: nil))
            step("signature", .skip, "\(alg) signature not checked (no --jwks)")
            return
        }
        let outcome = SignatureCheck.verify(token, with: jwks)
        signature = outcome.status
        switch outcome.status {
        case .valid: step("signature", .pass, outcome.detail)
        case .unknownKey:
            add(Finding(.tokenUnknownKey, .error, detail: outcome.detail + ". After a key rotation, or with a key set from another instance, STS cannot find the key.",
                        fix: "check that the key set is the issuer's /oauth/discovery/keys and that it publishes the CI signing key",
                        stsError: .invalidToken("Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements")))
            step("signature", .fail, "unknown key")
        case .invalid, .unverified, .absent:
            add(Finding(.tokenSignatureInvalid, .error, detail: outcome.detail + ". The token was altered, truncated, or signed by another key.",
                        fix: "copy the token again in full from the job; compare the key set with the issuer's",
                        stsError: .invalidToken("The web identity token that was passed could not be validated by Amazon Web Services.")))
            step("signature", .fail, "signature does not verify")
        }
    }
    var jwks: JWKS?
    var cloudTrail: CloudTrailEvent?

    mutating func time(_ token: IDToken) {
        let now = parameters.at
        guard let exp = token.expiresAt else {
            step("time", .warn, "no integer exp claim (STS requires integer timestamps)")
            return
        }
        let expText = "\(TimeText.iso(exp)) (\(TimeText.relative(exp, now: now)))"
        if now > exp + 300 {
            add(Finding(.tokenExpired, .error,
                        detail: "exp is \(expText); at \(TimeText.iso(now)) that is past AWS's 5-minute grace. GitLab sets exp to the job's start plus its timeout.",
                        fix: "assume the role early in the job with the job's own fresh token; never reuse a token from an artifact or cache",
                        stsError: STSError(code: "ExpiredTokenException", message: "Token expired: current date/time \(now) must be before the expiration date/time\(exp)")))
            step("time", .fail, "expired at \(TimeText.iso(exp))")
            return
        }
        var status = WalkStep.Status.pass
        if now > exp {
            add(Finding(.tokenExpiring, .warning, detail: "exp is \(expText): expired, but within AWS's 5-minute grace, which ends at \(TimeText.iso(exp + 300)).", fix: "assume the role earlier in the job"))
            status = .warn
        } else if exp - now < 300 {
            add(Finding(.tokenExpiring, .warning, detail: "exp is \(expText): the token expires within 5 minutes.", fix: "assume the role early in the job"))
            status = .warn
        }
        if let nbf = token.notBefore ?? token.issuedAt, nbf > now {
            add(Finding(.tokenNotYetValid, .warning,
                        detail: "\(token.notBefore != nil ? "nbf" : "iat") is \(TimeText.iso(nbf)), after the time checked \(TimeText.iso(now)): a clock skew between GitLab and this machine, or a wrong --at. How STS treats a future nbf is AWS behaviour undocumented.",
                        fix: "run NTP on the GitLab host, or pass --at with the time of the failed call"))
            status = .warn
        }
        step("time", status, "valid until \(expText)")
    }

    /// Explicit Denies of the resource control policies given; nothing when none was given.
    mutating func resourceControlPolicies(prefix: String) {
        guard !rcps.isEmpty, let context else { return }
        let roleArn = parameters.roleArn ?? role?.roleArn
        var denied: [String] = []
        for rcp in rcps {
            for r in PolicyEvaluator.evaluate(rcp, action: Diagnoser.action, roleArn: roleArn, context: context) where r.denies {
                let s = r.statement
                let p = rcp.policy.source.position(of: s.range.start)
                let place = rcp.positionsAreInDecodedText ? "line \(p.line) of its Content" : "\(rcp.name):\(p.line):\(p.column)"
                let who = s.name
                var why = r.conditions.map { c in Self.whyHolds(c) }
                if r.resourceMatched == nil, let res = s.resource {
                    why.append("the role ARN is not known (pass --role-arn), so its \(res.negated ? "NotResource" : "Resource") \(res.patterns.map(\.text).joined(separator: ", ")) is assumed to cover the role")
                }
                let undocumented = r.conditions.flatMap(\.undocumented)
                add(Finding(.rcpExplicitDeny, .error,
                            detail: "resource control policy \(rcp.name), \(who) (\(place)), denies sts:AssumeRoleWithWebIdentity: its action\(s.resource == nil ? "" : ", resource") and every condition match this call\(why.isEmpty ? " (it has no condition)" : ": " + why.joined(separator: "; ")). An explicit Deny beats every Allow of the trust policy.\(undocumented.isEmpty ? "" : " AWS behaviour undocumented: " + undocumented.joined(separator: "; ") + ".")",
                            fix: "have the organization's administrators exempt this call from \(who) of \(rcp.name): a condition that is false for this job's tokens (for example on \(prefix):sub), or the role excluded through the statement's Resource",
                            stsError: .accessDenied()))
                denied.append("\(rcp.name) \(who)")
            }
        }
        if denied.isEmpty {
            step("rcp", .pass, "no explicit Deny in the \(rcps.count) resource control polic\(rcps.count == 1 ? "y" : "ies") given")
        } else {
            step("rcp", .fail, "denied by \(denied.joined(separator: ", "))")
        }
    }

    /// Why one condition of an applying Deny holds, in the words an admin needs.
    static func whyHolds(_ c: ConditionResult) -> String {
        let clause = c.clause
        guard let entry = c.context else {
            let principalKey = RequestContext.absentPrincipalKeys.contains(clause.keyLower) || clause.keyLower.hasPrefix("aws:principaltag/")
            return "\(clause.op.written) on \(clause.key) holds because the key is absent\(principalKey ? " (a web identity caller is no principal of an account: anonymous requests carry no principal keys)" : "")"
        }
        return "\(clause.op.written) on \(clause.key) holds for \(ConditionDiagnosis.shown(entry))"
    }

    mutating func trustPolicy(_ policy: TrustPolicy, token: IDToken, prefix: String) {
        guard let context, let caller else { return }
        let eval = PolicyEvaluator.evaluate(policy, caller: caller, action: Diagnoser.action, context: context)
        statements = eval.statements
        movedBy = Self.undocumentedPoints(eval, policy: policy, caller: caller, context: context)
        if let first = token.audiences?.first, (token.audiences?.count ?? 0) > 1, case .object(var pairs) = token.claims,
           let i = pairs.firstIndex(where: { $0.key == "aud" }) {
            // The other reading of a multi-element aud: only its first element counts.
            pairs[i].value = .string(first)
            let single = IDToken(header: token.header, claims: .object(pairs))
            let other = PolicyEvaluator.evaluate(policy, caller: caller, action: Diagnoser.action, context: RequestContext(token: single, request: parameters))
            if (other.knownDecision ?? other.decision) != (eval.knownDecision ?? eval.decision) { movedBy.append(.multiAudAsSet) }
        }
        let before = findings.count
        defer { trustFindings = before..<findings.count }
        var cd = ConditionDiagnosis(prefix: prefix, policy: policy)
        cd.hasClaim = { token.claims[$0] != nil }
        if eval.knownDecision == nil {
            undecided(eval, policy: policy)
            return
        }
        switch eval.knownDecision ?? eval.decision {
        case .allow:
            let d = eval.determining.map { s in statements[s].statement.sid.map { "\"\($0)\"" } ?? "statement \(s)" }
            // Without --role-arn the principal's account stands for the role's: say so.
            let assumedAccount = caller.account == nil
                ? eval.determining.compactMap { eval.statements[$0].statement.principal.entries.first(where: caller.matches)?.arn?.account }.first
                : nil
            step("trust-policy", .pass, "allowed by \(d.joined(separator: ", "))" + (assumedAccount.map { " (the role assumed to be in account \($0), the principal's; --role-arn settles it)" } ?? ""))
            if eval.statements.contains(where: { $0.applies && $0.principalByWildcard }) && !eval.statements.contains(where: { $0.applies && !$0.principalByWildcard }) {
                step("principal", .warn, "allowed only through \"Principal\": \"*\": AWS behaviour undocumented")
            }
        case .explicitDeny:
            for i in eval.determining {
                let s = statements[i].statement
                var f = Finding(.statementExplicitDeny, .error,
                                detail: "statement \(s.sid.map { "\"\($0)\"" } ?? String(i)) has Effect Deny and applies to this request: its principal, action and every condition match. An explicit Deny beats every Allow.",
                                fix: "narrow or remove the Deny statement at \(policy.lineName(s.range.start))", stsError: .accessDenied())
                f.statement = i
                f.sid = s.sid
                f.range = policy.lineRange(s.range)
                add(f)
            }
            step("trust-policy", .fail, "an explicit Deny applies")
        case .implicitDeny:
            implicitDeny(eval, policy: policy, cd: cd, caller: caller)
        }
        sessionActions(policy, token: token, caller: caller, context: context)
    }

    /// The answer depends on values the inputs do not give: say which, where, and how to give them.
    mutating func undecided(_ eval: PolicyEvaluation, policy: TrustPolicy) {
        let names = eval.unresolved
        let open = eval.statements.filter { $0.appliesKnown == nil }
        var places: [String] = []
        var range: LineRange?
        for s in open {
            let who = s.statement.name
            if !s.principalUnresolved.isEmpty {
                places.append("\(who): whether its principal \(s.statement.principal.entries.map { Unknowns.shown($0.value.text) }.joined(separator: ", ")) is this token's provider depends on \(s.principalUnresolved.map { "<\($0)>" }.joined(separator: ", "))")
                range = range ?? policy.lineRange(s.statement.principal.entries.first?.value.range ?? s.statement.principal.range)
            }
            for c in s.conditions where !c.unresolved.isEmpty {
                places.append("\(who): \(c.clause.op.written) on \(Unknowns.shown(c.clause.key)) \(c.clause.values.map { Unknowns.shown($0.text).debugDescription }.joined(separator: ", ")) depends on \(c.unresolved.map { "<\($0)>" }.joined(separator: ", "))")
                range = range ?? policy.lineRange(c.clause.range)
            }
        }
        var f = Finding(.inputUnresolved, .error,
                        detail: "STS's answer depends on values the inputs do not give. " + places.joined(separator: "; ") + ". Every other check of the statement " + (open.count == 1 ? "holds" : "s in question hold") + ": with these values known the answer is allow or deny, so oidc-doctor gives neither.",
                        fix: names.map(UnknownAdvice.advice).joined(separator: "; "))
        f.statement = open.first?.statement.index
        f.sid = open.first?.statement.sid
        f.range = range
        add(f)
        unresolved = true
        step("trust-policy", .warn, "cannot be decided: it depends on \(names.map { "<\($0)>" }.joined(separator: ", "))")
    }

    mutating func implicitDeny(_ eval: PolicyEvaluation, policy: TrustPolicy, cd: ConditionDiagnosis, caller: CallerPrincipal) {
        // Indices, not filtered copies: a statement result is a large value.
        let all = eval.statements
        // A principal that may be this provider (its account not known) is not the reason for a refusal.
        let trusted = all.indices.filter { all[$0].statement.effect == .allow && (all[$0].principalMatched || !all[$0].principalUnresolved.isEmpty) }
        if trusted.isEmpty {
            let allows = all.filter { $0.statement.effect == .allow }
            let named = allows.flatMap { $0.statement.principal.entries.map { "\($0.type) \($0.value.text)" } }
            var why: [String] = []
            for s in allows {
                for e in s.statement.principal.entries {
                    if e.type != "Federated" {
                        why.append("\(e.type) principal \(e.value.text.debugDescription) is not a web identity provider (use Federated)")
                    } else if e.value.text.contains("*") || e.value.text.contains("?") {
                        why.append("\(e.value.text.debugDescription) has a wildcard, but a principal is compared exactly: wildcards cannot match part of a principal ARN (Access Analyzer: UNSUPPORTED_WILDCARD_IN_PRINCIPAL)")
                    } else if e.value.text.hasPrefix("<") && e.value.text.hasSuffix(">") {
                        why.append("\(e.value.text) is a template value this file cannot resolve (another stack's export or a condition of the stack): compare the deployed role's get-role output instead")
                    } else if !e.value.text.hasPrefix("arn:") {
                        why.append("\(e.value.text.debugDescription) is a bare name, which only Amazon Cognito, Login with Amazon, Facebook and Google use; a GitLab instance is named by its IAM OIDC provider ARN")
                    } else if let a = ARN(e.value.text), let bad = a.malformedField, !Unknowns.contains(e.value.text) {
                        why.append("\(e.value.text) is compared exactly, field by field, and \(bad)")
                    } else if let a = ARN(e.value.text) {
                        let url = a.resource.hasPrefix("oidc-provider/") ? String(a.resource.dropFirst(14)) : a.resource
                        if url != caller.providerURL {
                            let kind = url.lowercased() == caller.providerURL.lowercased() ? "letter case" : (url + "/" == caller.providerURL || url == caller.providerURL + "/") ? "a trailing slash" : "the host or path"
                            why.append("\(e.value.text) differs from this token's provider in \(kind)")
                        } else if let acct = caller.account, a.account != acct {
                            why.append("\(e.value.text) is in account \(a.account); the role and its provider are in \(acct)")
                        } else if let part = caller.partition, a.partition != part {
                            why.append("\(e.value.text) is in partition \(a.partition); the role is in \(part)")
                        }
                    } else {
                        why.append("\(e.value.text.debugDescription) is not an ARN")
                    }
                }
            }
            // Without --role-arn the role's account is unknown; one account named by every ARN principal
            // of the policy is the likely one, and the fix says it is assumed.
            var wanted = caller
            var assumed = ""
            if caller.account == nil {
                let arns = allows.flatMap { $0.statement.principal.entries.compactMap(\.arn) }
                if let a = arns.first, arns.allSatisfy({ $0.account == a.account && $0.partition == a.partition }), a.malformedField == nil {
                    wanted.account = a.account
                    wanted.partition = a.partition
                    assumed = " (account \(a.account) assumed from the policy's principal: the provider must be in the role's own account; pass --role-arn to check)"
                }
            }
            var f = Finding(.principalMismatch, .error,
                            detail: "the caller is \(caller.arnText) (the provider for iss \(token?.issuer ?? "")), and no Allow statement names it. \(why.isEmpty ? "Principals named: " + named.joined(separator: ", ") : why.joined(separator: "; ")).",
                            fix: (policy.origin == nil
                                  ? "set \"Principal\": {\"Federated\": \"\(wanted.arnText)\"}"
                                  : "make the Federated principals' identifiers \"\(wanted.arnText)\" (an aws_iam_openid_connect_provider's arn is that when its url is the token's iss)")
                                + " in the statement meant for this job\(assumed)", stsError: .accessDenied())
            if let s = allows.first {
                f.statement = s.statement.index
                f.sid = s.statement.sid
                // Point at the principal value itself, the text the fix replaces.
                f.range = policy.lineRange(s.statement.principal.entries.first?.value.range ?? s.statement.principal.range)
                if wanted.account != nil, let e = s.statement.principal.entries.first {
                    f.edit = PolicyEdit(range: e.value.range, replacement: JSONText.quote(wanted.arnText))
                }
            }
            add(f)
            step("principal", .fail, "no Allow statement trusts \(caller.arnText)")
            return
        }
        step("principal", .pass, "trusted by \(trusted.map { all[$0].statement.sid.map { "\"\($0)\"" } ?? "statement \(all[$0].statement.index)" }.joined(separator: ", "))")
        let acting = trusted.filter { all[$0].actionMatched }
        if acting.isEmpty {
            let s = all[trusted[0]].statement
            var f = Finding(.actionMismatch, .error,
                            detail: "statement \(s.index) trusts the provider for \(s.action.negated ? "every action except " : "")\(s.action.patterns.map { $0.text.debugDescription }.joined(separator: ", ")), which does not include sts:AssumeRoleWithWebIdentity.",
                            fix: "set \"Action\": \"sts:AssumeRoleWithWebIdentity\" in statement \(s.index) (\(policy.lineName(s.action.range.start)))", stsError: .accessDenied())
            f.statement = s.index
            f.sid = s.sid
            f.range = policy.lineRange(s.action.range)
            f.edit = PolicyEdit.addAction(Diagnoser.action, to: s.action)
            add(f)
            step("action", .fail, "sts:AssumeRoleWithWebIdentity not allowed")
            return
        }
        step("action", .pass, "sts:AssumeRoleWithWebIdentity is allowed by the trusting statement(s)")
        // The statement meant for this job: fewest failing conditions, ties to the first.
        let meant = all[acting.min { all[$0].failingCount < all[$1].failingCount }!]
        var first = true
        for r in meant.failing {
            var f = cd.finding(for: r, statement: meant.statement)
            if first { f.stsError = .accessDenied() }
            first = false
            add(f)
        }
        let s = meant.statement
        step("conditions", .fail, "\(s.name): \(meant.failing.count) of \(meant.conditions.count) condition(s) fail")
    }

    /// Tags and a source identity in the token need their own actions allowed (reference §1.3, §5.2).
    mutating func sessionActions(_ policy: TrustPolicy, token: IDToken, caller: CallerPrincipal, context: RequestContext) {
        var extra: [(String, FindingID, String)] = []
        if token.sessionTags != nil { extra.append(("sts:TagSession", .sessionTagSession, "session tags (https://aws.amazon.com/tags)")) }
        if token.sourceIdentity != nil { extra.append(("sts:SetSourceIdentity", .sessionSetSourceIdentity, "a source identity (https://aws.amazon.com/source_identity)")) }
        for (action, id, what) in extra {
            let eval = PolicyEvaluator.evaluate(policy, caller: caller, action: action, context: context)
            if eval.decision == .allow {
                step("session", .pass, "\(action) is allowed for the token's \(what)")
            } else {
                let trusting = statements.first { $0.statement.effect == .allow && $0.applies }?.statement
                var f = Finding(id, .error,
                                detail: "the token carries \(what), so STS also evaluates the policy for \(action); \(eval.decision == .explicitDeny ? "a Deny statement refuses it" : "no Allow statement grants it"). Whether the error text names \(action) is undocumented; the job sees the usual AccessDenied.",
                                fix: trusting.map { "add \"\(action)\" to the Action of statement \($0.index) at \(policy.lineName($0.action.range.start))" } ?? "allow \(action) alongside sts:AssumeRoleWithWebIdentity",
                                stsError: .accessDenied())
                if let t = trusting {
                    f.statement = t.index
                    f.sid = t.sid
                    f.range = policy.lineRange(t.action.range)
                    f.edit = PolicyEdit.addAction(action, to: t.action)
                }
                add(f)
                step("session", .fail, "\(action) not allowed")
            }
        }
    }

    mutating func maxDuration(_ role: RoleInput) {
        guard let d = parameters.durationSeconds, (900...43200).contains(d) else { return }
        let max = role.maxSessionDuration ?? 3600
        if d > max {
            add(Finding(.requestDuration, .error,
                        detail: "--duration-seconds \(d) exceeds the role's MaxSessionDuration \(max)\(role.maxSessionDuration == nil ? " (the default; pass get-role output to read the role's own)" : "").",
                        fix: "request at most \(max) seconds, or raise it: aws iam update-role --role-name \(role.roleName ?? "<role>") --max-session-duration \(d)",
                        stsError: .validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")))
            step("duration", .fail, "\(d)s > MaxSessionDuration \(max)s")
        } else {
            step("duration", .pass, "\(d)s ≤ MaxSessionDuration \(max)s")
        }
    }

    /// What AWS said against what this diagnosis predicts; a disagreement is a finding of its own.
    mutating func compare(_ observed: ObservedError, succeeded: Bool = false) {
        let origin = cloudTrail != nil ? "the CloudTrail event" : "the job log"
        // Explained from the text alone: also when the inputs given here cannot be read.
        if !succeeded, let known = KnownFailure.match(observed) {
            add(Finding(.observedKnownFailure, .warning, detail: "\(origin) says \"\(observed.text)\": \(known.detail)", fix: known.fix))
            step("observed", .warn, known.summary)
            return
        }
        guard !unknown else { return }
        let predicted = findings.first { $0.severity == .error && $0.stsError != nil }?.stsError
        if succeeded {
            // A successful event: the prediction must be "credentials issued".
            if predicted == nil { step("observed", .pass, "the CloudTrail event succeeded, as predicted"); return }
        }
        let said = succeeded ? "credentials issued" : observed.text
        if !succeeded && observed.agrees(with: predicted) {
            step("observed", .pass, "\(origin)'s error agrees with the prediction")
            return
        }
        let predictedText = predicted.map { "\($0.code): \($0.message)" } ?? "credentials issued"
        var reasons = [
            "the job used another role ARN or account than the one given here (check the --role-arn in the job's script and that the role exists)",
            rcps.isEmpty ? "a resource control policy (RCP) of the organization denies the call; pass it with --rcp to check"
                         : "a resource control policy (RCP) of the organization other than the \(rcps.count) given denies the call",
            "the token or policy given here is not the one the job used (another job's token, a policy changed since, another environment)",
        ]
        if predicted == nil { reasons.insert("the provider, signature or key set differs on AWS's side (pass --provider and --jwks to check them)", at: 1) }
        reasons.append("a case where AWS behaviour is undocumented (see the notes in the findings)")
        add(Finding(.observedDisagrees, .warning,
                    detail: "\(origin) says \"\(said)\"; this diagnosis predicts \"\(predictedText)\". Likely reasons: " + reasons.enumerated().map { "(\($0.offset + 1)) \($0.element)" }.joined(separator: "; ") + ".",
                    fix: "confirm the role ARN, the token and the policy are the job's own, then run check again"))
        step("observed", .warn, "\(origin)'s answer differs from the prediction")
    }

    /// The UNCONFIRMED points this evaluation touches whose other reading gives another decision:
    /// each such point is evaluated the other way, not guessed from the policy's shape.
    static func undocumentedPoints(_ eval: PolicyEvaluation, policy: TrustPolicy, caller: CallerPrincipal, context: RequestContext) -> [Readings.Point] {
        let results = eval.statements
        let conditions = results.lazy.flatMap(\.conditions)
        var touched: [Readings.Point] = []
        if results.contains(where: \.principalByWildcard) { touched.append(.wildcardPrincipalMatches) }
        if conditions.contains(where: { RequestContext.isUnconfirmed($0.clause.keyLower) }) { touched.append(.unconfirmedKeysPresent) }
        if conditions.contains(where: { $0.reason == .emptyValueList }) { touched.append(.emptyValueListEvaluated) }
        if conditions.contains(where: { $0.reason == .multiValuedKey && $0.clause.op.base.isNegated }) { touched.append(.negatedPlainOnMultiValuedIsTrue) }
        if conditions.contains(where: { $0.clause.op.caseDiffers }) { touched.append(.operatorCaseAccepted) }
        if conditions.contains(where: { $0.clause.caseTwinOf != nil }) { touched.append(.caseTwinKeysBothApply) }
        if conditions.contains(where: PolicyEvaluator.negatedOnNonARN) { touched.append(.nonARNNegatedHolds) }
        if conditions.contains(where: { $0.clause.op.base.isNegated && $0.effectiveValues.contains(where: { $0 == nil }) }) { touched.append(.missingVariableNegatedHolds) }
        return touched.filter { p in
            let other = PolicyEvaluator.evaluate(policy, caller: caller, action: Diagnoser.action, context: context, readings: .other(p))
            return (other.knownDecision ?? other.decision) != (eval.knownDecision ?? eval.decision)
        }
    }

    func result() -> Diagnosis {
        // Exit 2 whenever an input cannot be read: the contract promises no half-decisions.
        // A refusal found before the open question stands (an expired token is refused whatever the policy).
        let primary = unknown
            ? findings.first { $0.id == .policyInvalid || $0.id == .inputInvalid }
            : findings.first { $0.severity == .error && ($0.stsError != nil || $0.id == .inputUnresolved) }
        let open = primary?.id == .inputUnresolved
        let decision: Diagnosis.Decision = unknown || open ? .unknown : (primary == nil ? .allow : .deny)
        var ordered = findings
        let primaryIndex = primary.flatMap { p in ordered.firstIndex(where: { $0.id == p.id && $0.severity == .error }) }
        // The trust policy decides the answer when nothing before it refused the call.
        let trustDecides = !unknown && (primaryIndex.map(trustFindings.contains) ?? true)
        var moved = trustDecides ? movedBy : []
        if decision == .allow, audienceRestsOnSet, !moved.contains(.multiAudAsSet) { moved.append(.multiAudAsSet) }
        if let i = primaryIndex, !moved.isEmpty { ordered[i].undocumented = moved }
        // The warnings that name a moving point carry it too (an allow has no primary finding).
        for i in ordered.indices {
            let own: [Readings.Point] = switch ordered[i].id {
            case .principalWildcard: [.wildcardPrincipalMatches]
            case .policyDuplicateKey: [.caseTwinKeysBothApply]
            case .tokenAudMultiple: [.multiAudAsSet]
            default: []
            }
            for p in own where moved.contains(p) && !ordered[i].undocumented.contains(p) { ordered[i].undocumented.append(p) }
        }
        if let i = primaryIndex {
            ordered.insert(ordered.remove(at: i), at: 0)
        }
        var d = Diagnosis(decision: decision, stsError: decision == .deny ? primary?.stsError : nil, primaryCause: primary?.id,
                          findings: ordered, walk: walk, statements: statements, context: context, token: token, signature: signature,
                          role: role, providers: providers, parameters: parameters, caller: caller)
        d.undocumented = moved
        return d
    }
}
