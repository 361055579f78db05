import Crypto
import Foundation
@testable import OIDCDoctorCore

/// Paths and fixtures shared by the tests. Tokens are built at test time; the EC key is generated per run.
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// `shared/` sits beside the clone (CI lays it there); OIDC_DOCTOR_SHARED overrides, /work/shared is the workplace copy.
    static let shared: URL = {
        let candidates: [String?] = [ProcessInfo.processInfo.environment["OIDC_DOCTOR_SHARED"], packageRoot.deletingLastPathComponent().appendingPathComponent("shared").path, "/work/shared"]
        let found = candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0 + "/samples") }
        return URL(fileURLWithPath: found ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared").path)
    }()
    static let binary = packageRoot.appendingPathComponent(".build/debug/oidc-doctor")
    static let defaultAt: Int64 = 1_795_777_800  // 2026-11-27T11:10:00Z, ten minutes into the job

    /// A realistic self-managed GitLab ID token's claims (the shape of reference gitlab-id-tokens §1.4).
    static let defaultClaims = #"""
    {"namespace_id":"72","namespace_path":"mygroup","project_id":"20","project_path":"mygroup/myproject","user_id":"5","user_login":"admin","user_email":"admin@example.com","user_access_level":"owner","pipeline_id":"4711","pipeline_source":"push","job_id":"90210","ref":"main","ref_type":"branch","ref_path":"refs/heads/main","ref_protected":"true","runner_id":7,"runner_environment":"self-hosted","sha":"714a629c0b401fdce83e847fc9589983fc6f46bc","project_visibility":"private","jti":"235b3a54-b797-45c7-ae9a-f72d7bc6ef5b","iss":"https://gitlab.example.com","iat":1795777200,"nbf":1795777195,"exp":1795780800,"sub":"project_path:mygroup/myproject:ref_type:branch:ref:main","aud":"https://gitlab.example.com"}
    """#

    static let ecKey = P256.Signing.PrivateKey()

    static var jwks: String {
        let raw = [UInt8](ecKey.publicKey.rawRepresentation)
        return #"{"keys":[{"kty":"EC","crv":"P-256","kid":"test-ec-1","use":"sig","alg":"ES256","x":"\#(Base64URL.encode(Array(raw[0..<32])))","y":"\#(Base64URL.encode(Array(raw[32..<64])))"}]}"#
    }

    /// Claims JSON with `overrides` applied (a null override removes the claim).
    static func claims(_ overrides: PlainJSON?) -> PlainJSON {
        var base = try! JSONReader.read(defaultClaims).root.plain
        guard case .object(var pairs) = base, case .object(let over)? = overrides else { return base }
        for o in over {
            if let i = pairs.firstIndex(where: { $0.key == o.key }) {
                if o.value == .null { pairs.remove(at: i) } else { pairs[i].value = o.value }
            } else if o.value != .null {
                pairs.append(o)
            }
        }
        base = .object(pairs)
        return base
    }

    /// A CloudFormation stack with one GitLab role whose sub condition is built from the parameter
    /// `Project` (the sub condition is on line 18 either way).
    static func stackTemplate(projectDefault: String?) -> String {
        """
        Parameters:
          Project:
            Type: String
        \(projectDefault.map { "    Default: \($0)" } ?? "    Description: the GitLab project path")
        Resources:
          DeployRole:
            Type: AWS::IAM::Role
            Properties:
              RoleName: deploy
              AssumeRolePolicyDocument:
                Statement:
                  - Effect: Allow
                    Action: sts:AssumeRoleWithWebIdentity
                    Principal:
                      Federated: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/gitlab.example.com
                    Condition:
                      StringEquals:
                        gitlab.example.com:sub: !Sub project_path:${Project}:ref_type:branch:ref:main
        """
    }

    /// A compact JWT; `sign` "es256" signs with the test key, anything else gets a fixed fake signature.
    static func token(claims: PlainJSON, header: PlainJSON? = nil, sign: String? = nil) -> String {
        let h = header ?? .object([.init(key: "kid", value: .string("test-ec-1")), .init(key: "typ", value: .string("JWT")), .init(key: "alg", value: .string(sign == "es256" ? "ES256" : "RS256"))])
        let input = Base64URL.encode(Array(h.jsonText.utf8)) + "." + Base64URL.encode(Array(claims.jsonText.utf8))
        switch sign {
        case "es256":
            let sig = try! ecKey.signature(for: Data(input.utf8))
            return input + "." + Base64URL.encode([UInt8](sig.rawRepresentation))
        case "es256-other-key":
            let sig = try! P256.Signing.PrivateKey().signature(for: Data(input.utf8))
            return input + "." + Base64URL.encode([UInt8](sig.rawRepresentation))
        default:
            return input + "." + Base64URL.encode(Array("fake-signature-for-tests".utf8))
        }
    }

    /// Runs the built binary; returns exit status, stdout and stderr. `stdin` is written then closed.
    static func run(_ args: [String], cwd: URL? = nil, env: [String: String] = [:], stdin: Data? = nil) throws -> (Int32, String, String) {
        // The binary may exit before reading all of a large stdin (that is the point of the size limit).
        signal(SIGPIPE, SIG_IGN)
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        if let cwd { p.currentDirectoryURL = cwd }
        var e = ProcessInfo.processInfo.environment
        e["NO_COLOR"] = "1"
        for (k, v) in env { e[k] = v }
        p.environment = e
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let stdin {
            DispatchQueue.global().async {
                try? inp.fileHandleForWriting.write(contentsOf: stdin)
                try? inp.fileHandleForWriting.close()
            }
        } else {
            try? inp.fileHandleForWriting.close()
        }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let r = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: r, as: UTF8.self))
    }
}

extension PlainJSON {
    /// The elements of a JSON array.
    var items: [PlainJSON]? {
        if case .array(let a) = self { return a }
        return nil
    }
}
