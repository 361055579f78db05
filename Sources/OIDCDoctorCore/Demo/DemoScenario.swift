/// Built-in examples: a token's claims, a trust policy and the moment to evaluate them, so that
/// `oidc-doctor demo` shows a real diagnosis on a fresh machine with no inputs at hand.
public struct DemoScenario: Sendable {
    public var name: String
    public var title: String
    public var claims: String
    public var policy: String
    public var providers: [String]
    public var at: Int64

    /// A compact JWT of the claims with a placeholder signature: demos are never "verified".
    public var token: String {
        let header = #"{"kid":"demo-key","typ":"JWT","alg":"RS256"}"#
        let plain = { (s: String) in (try? JSONReader.read(s).root.plain) ?? .null }
        return IDToken.placeholderCompact(header: plain(header), claims: plain(claims), note: "demo signature: not a real one")
    }

    public var request: DiagnosisRequest {
        DiagnosisRequest(token: .init(text: token, source: "demo:\(name)/token"), policy: .init(text: policy, source: "demo:\(name)/policy.json"),
                         providers: providers.enumerated().map { .init(text: $0.element, source: "demo:\(name)/provider\($0.offset + 1).json") },
                         parameters: RequestParameters(roleArn: "arn:aws:iam::111122223333:role/gitlab-deploy", at: at))
    }

    static func claims(sub: String, iss: String = "https://gitlab.example.com", aud: String = "sts.amazonaws.com", ref: String = "main", refType: String = "branch", iat: Int64 = 1_795_777_200, exp: Int64 = 1_795_780_800) -> String {
        let path = sub.split(separator: ":").dropFirst().first.map(String.init) ?? "mygroup/myproject"
        return """
        {"namespace_id":"72","namespace_path":"mygroup","project_id":"20","project_path":"\(path)","user_id":"5","user_login":"deployer",\
        "user_email":"deployer@example.com","user_access_level":"maintainer","pipeline_id":"4711","pipeline_source":"push","job_id":"90210",\
        "ref":"\(ref)","ref_type":"\(refType)","ref_path":"refs/\(refType == "tag" ? "tags" : "heads")/\(ref)","ref_protected":"true","runner_id":7,\
        "runner_environment":"self-hosted","sha":"714a629c0b401fdce83e847fc9589983fc6f46bc","project_visibility":"private",\
        "jti":"0f6c3a8e-5c1b-4a8e-9d55-6c1f4f7e2b10","iss":"\(iss)","iat":\(iat),"nbf":\(iat - 5),"exp":\(exp),"sub":"\(sub)","aud":"\(aud)"}
        """
    }

    static func policy(_ condition: String, provider: String = "gitlab.example.com") -> String {
        """
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "GitLabDeploy",
              "Effect": "Allow",
              "Principal": {
                "Federated": "arn:aws:iam::111122223333:oidc-provider/\(provider)"
              },
              "Action": "sts:AssumeRoleWithWebIdentity",
              "Condition": {
        \(condition)
              }
            }
          ]
        }

        """
    }

    static let provider = #"{"Url": "gitlab.example.com", "CreateDate": "2026-01-05T10:00:00Z", "ThumbprintList": [], "ClientIDList": ["sts.amazonaws.com"]}"#

    /// The default demo: StringEquals with a wildcard, the most common GitLab trust-policy bug.
    public static let main = DemoScenario(
        name: "wildcard-equals", title: "StringEquals used where a wildcard needs StringLike",
        claims: claims(sub: "project_path:mygroup/myproject:ref_type:branch:ref:main"),
        policy: policy("""
                "StringEquals": {
                  "gitlab.example.com:aud": "sts.amazonaws.com",
                  "gitlab.example.com:sub": "project_path:mygroup/myproject:ref_type:branch:ref:*"
                }
        """), providers: [provider], at: 1_795_777_800)

    public static let all: [DemoScenario] = [
        main,
        DemoScenario(name: "provider-not-trusted", title: "the role trusts gitlab.com, the job runs on a self-managed GitLab",
                     claims: claims(sub: "project_path:mygroup/myproject:ref_type:branch:ref:main"),
                     policy: policy(#"        "StringLike": {"gitlab.com:sub": "project_path:mygroup/myproject:*"}"#, provider: "gitlab.com"),
                     providers: [provider], at: 1_795_777_800),
        DemoScenario(name: "other-branch", title: "a role for main, a job on a feature branch",
                     claims: claims(sub: "project_path:mygroup/myproject:ref_type:branch:ref:feature/login", ref: "feature/login"),
                     policy: policy(#"        "StringEquals": {"gitlab.example.com:sub": "project_path:mygroup/myproject:ref_type:branch:ref:main"}"#),
                     providers: [provider], at: 1_795_777_800),
        DemoScenario(name: "unsupported-key", title: "a condition on project_path, a claim AWS never turns into a key",
                     claims: claims(sub: "project_path:mygroup/myproject:ref_type:branch:ref:main"),
                     policy: policy(#"        "StringEquals": {"gitlab.example.com:project_path": "mygroup/myproject"}"#),
                     providers: [provider], at: 1_795_777_800),
        DemoScenario(name: "expired", title: "a token used after its job's timeout",
                     claims: claims(sub: "project_path:mygroup/myproject:ref_type:branch:ref:main"),
                     policy: policy(#"        "StringEquals": {"gitlab.example.com:sub": "project_path:mygroup/myproject:ref_type:branch:ref:main"}"#),
                     providers: [provider], at: 1_795_790_000),
        DemoScenario(name: "allowed", title: "a correct policy: the job gets credentials",
                     claims: claims(sub: "project_path:mygroup/myproject:ref_type:branch:ref:main"),
                     policy: policy(#"        "StringEquals": {"gitlab.example.com:aud": "sts.amazonaws.com", "gitlab.example.com:sub": "project_path:mygroup/myproject:ref_type:branch:ref:main"}"#),
                     providers: [provider], at: 1_795_777_800),
    ]
}
