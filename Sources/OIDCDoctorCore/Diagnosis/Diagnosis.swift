/// Everything the engine needs, as values: texts already read by the caller, never paths.
public struct DiagnosisRequest: Sendable {
    public struct Input: Sendable {
        public var text: String
        /// How the user named it (`token.jwt`, `env:ID_TOKEN`, `-`), for messages.
        public var source: String
        public init(text: String, source: String) {
            self.text = text
            self.source = source
        }
    }

    public var token: Input
    public var policy: Input
    public var providers: [Input]
    public var jwks: Input?
    public var parameters: RequestParameters
    /// The error line from the job log, to compare with the prediction (`--sts-error`).
    public var observed: String?
    /// Which role of a file that holds several (`--role`).
    public var role: String?
    /// A policy already read (audit reads each file once); `policy` is then only its name.
    public var parsedRole: RoleInput?
    /// AWS Organizations resource control policies (`--rcp`): raw or describe-policy output.
    public var rcps: [Input] = []
    /// RCPs already read (audit reads each once for all its roles); evaluated with `rcps`.
    public var parsedRCPs: [ResourceControlPolicy] = []
    /// A Terraform configuration (`--policy main.tf` or a module directory), read by the executable;
    /// `policy` is then only its name.
    public var terraform: TerraformFiles?
    /// For a CloudFormation template: parameters, conditions, region and stack name given.
    public var template = TemplateSettings()
    /// A token already decoded (a witness job's claims): `token` is then only its name.
    public var parsedToken: IDToken?
    /// Add the policy's `trust.*`/`policy.*` warnings (they never decide; the matrix leaves them out).
    public var lint = true

    public init(token: Input, policy: Input, providers: [Input] = [], jwks: Input? = nil, parameters: RequestParameters, observed: String? = nil, role: String? = nil) {
        self.role = role
        self.token = token
        self.policy = policy
        self.providers = providers
        self.jwks = jwks
        self.parameters = parameters
        self.observed = observed
    }
}

/// The one model of the truth: reports, screens and tests all render this value.
public struct Diagnosis: Sendable {
    public enum Decision: String, Sendable {
        case allow, deny, unknown
    }

    public var decision: Decision
    public var stsError: STSError?
    public var primaryCause: FindingID?
    /// Primary cause first, then in the order of the walk.
    public var findings: [Finding]
    public var walk: [WalkStep]
    /// Statement results for `sts:AssumeRoleWithWebIdentity` (empty when the policy could not be read).
    public var statements: [StatementResult]
    public var context: RequestContext?
    public var token: IDToken?
    public var signature: SignatureStatus
    public var role: RoleInput?
    public var providers: [OIDCProvider]
    public var parameters: RequestParameters
    public var caller: CallerPrincipal?
    /// The UNCONFIRMED points whose other reading changes this decision (AWS behaviour undocumented).
    public var undocumented: [Readings.Point] = []

    /// DESIGN §4 exit status: 0 allow, 1 refused, 2 no decision.
    public var exitCode: Int32 {
        switch decision {
        case .allow: 0
        case .deny: 1
        case .unknown: 2
        }
    }

    public var primary: Finding? { primaryCause.flatMap { id in findings.first { $0.id == id && $0.severity == .error } } }

    /// A finding's edit with the policy text it applies to, when that text is the one given (not a
    /// decoded or generated document, whose positions are not the user's file).
    public func editInGivenText(_ f: Finding) -> (PolicyEdit, SourceText)? {
        guard let edit = f.edit, let role else { return nil }
        // A policy rendered from Terraform or a template: the edit of the literal there that makes the same change.
        if role.policy.origin != nil { return GivenTextEdit.translate(edit, role.policy).map { ($0.edit, $0.file.text) } }
        guard !role.positionsAreInDecodedText else { return nil }
        return (edit, role.policy.source)
    }

    /// The file an edit applies to when the policy came from several (a Terraform module).
    public func editFile(_ f: Finding) -> String? {
        guard let edit = f.edit, let role, role.policy.origin != nil else { return nil }
        // A template given as --policy: the file is the policy input itself.
        return GivenTextEdit.translate(edit, role.policy).flatMap { $0.file.name.isEmpty ? nil : $0.file.name }
    }
}
