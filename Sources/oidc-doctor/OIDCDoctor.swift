import ArgumentParser
import Foundation
import OIDCDoctorCore
import OIDCDoctorScreens

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, markdown
}

@main
struct OIDCDoctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oidc-doctor",
        abstract: "Explain why a GitLab CI/CD job cannot assume an AWS role with its ID token.",
        discussion: "Exit status of check: 0 STS would issue credentials, 1 STS would refuse, 2 no decision (bad usage or an unreadable input).",
        subcommands: [Open.self, Check.self, Audit.self, Decode.self, Demo.self],
        defaultSubcommand: Open.self
    )

    /// Usage errors exit 2 (DESIGN §4), and with --format json still print one JSON object.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let exit = exitCode(for: error)
            if exit == .success || (error as? CleanExit) != nil { self.exit(withError: error) }
            let message = fullMessage(for: error)
            if CommandLine.arguments.contains("json") && CommandLine.arguments.contains(where: { $0 == "--format" || $0 == "--format=json" }) {
                print(JSONReport.renderInputError(message), terminator: "")
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Diagnose a token against a trust policy, as AWS STS would decide.",
        discussion: "Exit status: 0 STS would issue credentials; 1 STS would refuse (the report names the cause); 2 no decision: bad usage or an input that cannot be read. --format json prints one object in every case.")

    @Option(help: "The job's ID token: a file, - for standard input, or env:NAME.") var token: String
    @Option(help: "The trust policy, or aws iam get-role output (file, -, env:NAME).") var policy: String
    @Option(help: "aws iam get-open-id-connect-provider or list-open-id-connect-providers output; repeatable.") var provider: [String] = []
    @Option(help: "The role ARN the job passes to STS (its account and partition locate the provider).") var roleArn: String?
    @Option(help: "Which role, when --policy holds several (list-roles output, a template, a Terraform plan).") var role: String?
    @Option(help: "The issuer's JSON Web Key Set, to check the signature (file, -, env:NAME).") var jwks: String?
    @Option(help: "When the call is made: RFC 3339 or epoch seconds (default: now).") var at: String?
    @Option(help: "The --role-session-name the job passes.") var sessionName: String?
    @Option(help: "The --duration-seconds the job passes.") var duration: Int?
    @Option(help: "The runner's public IP as AWS sees it, for conditions on aws:SourceIp.") var sourceIp: String?
    @Option(help: "An AWS Organizations resource control policy (JSON or describe-policy output); repeatable.") var rcp: [String] = []
    @Option(help: "The error line from the job log, to check the prediction against what AWS said.") var stsError: String?
    @Option(help: "For a Terraform --policy: a variable's value, as terraform -var NAME=VALUE; repeatable.") var `var`: [String] = []
    @Option(help: "For a Terraform --policy: a .tfvars or .tfvars.json file, as terraform -var-file; repeatable.") var varFile: [String] = []
    @OptionGroup var template: TemplateOptions
    @Flag(help: "Also evaluate witness jobs (other branch, tag, MR, fork, sibling project, …) against the policy: who else it admits.") var matrix = false
    @OptionGroup var migration: MigrationOptions
    @Option(help: "text, json or markdown.") var format: OutputFormat = .text

    func validate() throws {
        try OptionCheck.at(at)
        try OptionCheck.sourceIp(sourceIp)
        if [token, policy, jwks].compactMap({ $0 }).filter({ $0 == "-" }).count + (provider + rcp).filter({ $0 == "-" }).count > 1 {
            throw ValidationError("only one input can be read from standard input (-)")
        }
    }

    /// Reads every input named on the command line (the full-screen view shares this).
    func request() throws -> DiagnosisRequest {
        let terraform = TerraformLoader.isTerraform(policy)
        var request = DiagnosisRequest(
                token: .init(text: try InputSource.read(token, what: "token"), source: token),
                policy: .init(text: terraform ? "" : try InputSource.read(policy, what: "policy", limit: AppModel.slotLimit), source: policy),
                providers: try provider.map { .init(text: try InputSource.read($0, what: "provider"), source: $0) },
                jwks: try jwks.map { .init(text: try InputSource.read($0, what: "JWKS"), source: $0) },
                parameters: RequestParameters(roleArn: roleArn, sessionName: sessionName, durationSeconds: duration,
                                              at: at.flatMap(TimeText.parse) ?? Int64(Date().timeIntervalSince1970), sourceIp: sourceIp),
            observed: stsError, role: role)
        request.rcps = try rcp.map { .init(text: try InputSource.read($0, what: "RCP"), source: $0) }
        if terraform {
            request.terraform = try TerraformLoader.load(policy, arguments: TerraformLoader.ordered(vars: `var`, varFiles: varFile), roleArn: roleArn)
        } else if !`var`.isEmpty || !varFile.isEmpty {
            throw InputSource.Failure(description: "--var and --var-file are for a Terraform --policy (a .tf file or a module directory); \(policy) is not one")
        }
        request.template = try template.settings()
        return request
    }

    func run() throws {
        let request: DiagnosisRequest
        do { request = try self.request() } catch let failure as InputSource.Failure {
            if format == .json { print(JSONReport.renderInputError(failure.description), terminator: "") }
            FileHandle.standardError.write(Data("oidc-doctor: \(failure.description)\n".utf8))
            throw ExitCode(2)
        }
        let diagnosis = Diagnoser.diagnose(request)
        let clientIDs = diagnosis.providers.flatMap { $0.clientIDs ?? [] }
        let witnesses = matrix ? diagnosis.role.map { AdmissionMatrix.evaluate(request, role: $0, token: diagnosis.token, clientIDs: clientIDs) } : nil
        var moved: (SubMigration, SubMigration.Outcome)?
        if let m = try migration.migration(token: diagnosis.token), let role = diagnosis.role {
            moved = (m, m.evaluate(request, role: role, token: diagnosis.token, clientIDs: clientIDs))
        }
        Report.print(diagnosis, format: format, policyName: policy, matrix: witnesses, migration: moved)
        throw ExitCode(diagnosis.exitCode)
    }
}

enum Report {
    static func print(_ d: Diagnosis, format: OutputFormat, policyName: String, preface: String? = nil, matrix: AdmissionMatrix? = nil,
                      migration: (SubMigration, SubMigration.Outcome)? = nil) {
        var text: String
        switch format {
        case .json: text = JSONReport.render(d, matrix: matrix, migration: migration.map { MigrationRendering.json($0.0, $0.1) })
        case .markdown:
            text = MarkdownReport.render(d, policyName: policyName)
            if let matrix { text += "\n### Who else this policy admits\n\n" + MatrixRendering.markdown(matrix).joined(separator: "\n") + "\n" }
            if let (m, o) = migration { text += "\n### Sub migration\n\n```\n" + MigrationRendering.text(m, o, unicode: true).joined(separator: "\n") + "\n```\n" }
        case .text:
            text = (preface.map { $0 + "\n\n" } ?? "") + TextReport.render(d, options: .init(color: TerminalTraits.color, unicode: TerminalTraits.unicode, policyName: policyName, width: TerminalTraits.reportWidth))
            if let matrix {
                let lines = MatrixRendering.text(matrix, unicode: TerminalTraits.unicode, indent: "  ")
                text += "\nwho else this policy admits (witness jobs, each evaluated as check evaluates a token):\n" + lines.joined(separator: "\n") + "\n"
            }
            if let (m, o) = migration { text += "\n" + MigrationRendering.text(m, o, unicode: TerminalTraits.unicode).joined(separator: "\n") + "\n" }
            if (matrix != nil || migration != nil) && !TerminalTraits.unicode { text = TextReport.asciiOnly(text) }
        }
        StandardOutput.write(text)
    }
}

struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a token's header and claims (never its signature).")

    @Option(help: "The ID token: a file, - for standard input, or env:NAME.") var token: String
    @Option(help: "When to compare exp/iat/nbf against (default: now).") var at: String?

    func validate() throws { try OptionCheck.at(at) }

    func run() throws {
        let text: String
        do { text = try InputSource.read(token, what: "token") } catch {
            FileHandle.standardError.write(Data("oidc-doctor: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let t: IDToken
        do { t = try TokenReader.read(text) } catch {
            FileHandle.standardError.write(Data("oidc-doctor: token \(token): \(error.message)\n".utf8))
            throw ExitCode(1)
        }
        let now = at.flatMap(TimeText.parse) ?? Int64(Date().timeIntervalSince1970)
        var out = "header " + JSONReport.pretty(t.header) + "\nclaims " + JSONReport.pretty(t.claims) + "\n"
        for name in ["iat", "nbf", "exp"] {
            if let v = t.claims[name]?.integer { out += "\(name) \(v) = \(TimeText.iso(v)) (\(TimeText.relative(v, now: now)))\n" }
        }
        if let sub = t.subject, let parsed = SubClaim(sub) {
            out += "sub components: " + parsed.components.map { "\($0.name)=\(terminalSafe($0.value))" }.joined(separator: "  ") + "\n"
        }
        out += "signature: \(t.signature.count) bytes (not shown)\n"
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}

/// `oidc-doctor` on a terminal: the Inputs screen, or straight to the Diagnosis when inputs are given.
struct Open: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "open", abstract: "The full-screen view (the default): inputs, or the diagnosis of the inputs given.")

    @Option(help: "The job's ID token: a file, - for standard input, or env:NAME.") var token: String?
    @Option(help: "The trust policy, or aws iam get-role output.") var policy: String?
    @Option(help: "OIDC provider output; repeatable.") var provider: [String] = []
    @Option(help: "The issuer's JSON Web Key Set.") var jwks: String?
    @Option(help: "The role ARN the job passes to STS.") var roleArn: String?
    @Option(help: "Which role, when --policy holds several.") var role: String?
    @Option(help: "The runner's public IP as AWS sees it, for conditions on aws:SourceIp.") var sourceIp: String?
    @Option(help: "An AWS Organizations resource control policy; repeatable.") var rcp: [String] = []
    @Option(help: "When the call is made: RFC 3339 or epoch seconds (default: now; t on the diagnosis changes it).") var at: String?
    @Option(help: "The --role-session-name the job passes.") var sessionName: String?
    @Option(help: "The --duration-seconds the job passes.") var duration: Int?
    @Option(help: "The error line from the job log, to check the prediction against.") var stsError: String?
    @Option(help: "For a Terraform --policy: a variable's value (NAME=VALUE); repeatable.") var `var`: [String] = []
    @Option(help: "For a Terraform --policy: a .tfvars file; repeatable.") var varFile: [String] = []
    @OptionGroup var template: TemplateOptions

    func validate() throws {
        if (token == nil) != (policy == nil) { throw ValidationError("give both --token and --policy, or neither (to open the inputs screen)") }
        if token == "-" || policy == "-" || rcp.contains("-") { throw ValidationError("the full-screen view reads its keys from standard input; pass files or env:NAME instead of -") }
        try OptionCheck.sourceIp(sourceIp)
        try OptionCheck.at(at)
        if token == nil && (at != nil || sessionName != nil || duration != nil || stsError != nil) {
            throw ValidationError("--at, --session-name, --duration and --sts-error need --token and --policy")
        }
    }

    func run() throws {
        guard let token, let policy else {
            let code = TUI.run(AppModel()) {
                FileHandle.standardOutput.write(Data("Nothing to diagnose: pass --token and --policy, or run `oidc-doctor check --help`.\n".utf8))
                return 2
            }
            throw ExitCode(code)
        }
        var args = ["--token", token, "--policy", policy]
        for p in provider { args += ["--provider", p] }
        if let jwks { args += ["--jwks", jwks] }
        if let roleArn { args += ["--role-arn", roleArn] }
        if let role { args += ["--role", role] }
        if let sourceIp { args += ["--source-ip", sourceIp] }
        if let at { args += ["--at", at] }
        if let sessionName { args += ["--session-name", sessionName] }
        if let duration { args += ["--duration", String(duration)] }
        if let stsError { args += ["--sts-error", stsError] }
        for r in rcp { args += ["--rcp", r] }
        for a in TerraformLoader.ordered(vars: `var`, varFiles: varFile) { args += [a.isFile ? "--var-file" : "--var", a.value] }
        args += template.arguments
        let check = try Check.parse(args)
        let request: DiagnosisRequest
        do { request = try check.request() } catch let failure as InputSource.Failure {
            FileHandle.standardError.write(Data("oidc-doctor: \(failure.description)\n".utf8))
            throw ExitCode(2)
        }
        let code = TUI.run(AppModel(request: request, title: policy)) {
            let d = Diagnoser.diagnose(request)
            Report.print(d, format: .text, policyName: policy)
            return d.exitCode
        }
        throw ExitCode(code)
    }
}

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Built-in examples: a picker on a terminal, else the report of one.")

    @Argument(help: "Scenario name: \(DemoScenario.all.map(\.name).joined(separator: ", ")).") var scenario: String?
    @Option(help: "Print the report in this format instead of opening the full-screen view: text, json or markdown.") var format: OutputFormat?

    func validate() throws {
        guard let scenario else { return }
        guard DemoScenario.all.contains(where: { $0.name == scenario }) else {
            throw ValidationError("no demo scenario \(scenario.debugDescription); choose one of \(DemoScenario.all.map(\.name).joined(separator: ", "))")
        }
    }

    func run() throws {
        let s = DemoScenario.all.first { $0.name == scenario } ?? DemoScenario.main
        let report = { () -> Int32 in
            let d = Diagnoser.diagnose(s.request)
            Report.print(d, format: format ?? .text, policyName: "demo:\(s.name)/policy.json",
                         preface: "Demo \"\(s.name)\": \(s.title).\nEvaluated at the example's own time, \(TimeText.iso(s.at)), not now. Other demos: \(DemoScenario.all.map(\.name).filter { $0 != s.name }.joined(separator: ", ")).")
            return d.exitCode
        }
        if format != nil { throw ExitCode(report()) }
        let model = scenario == nil ? AppModel.demoPicker() : AppModel(request: s.request, title: "demo \(s.name)")
        throw ExitCode(TUI.run(model, fallback: report))
    }
}

struct Audit: ParsableCommand {
    /// An account's list-roles output can be tens of megabytes; one policy never is.
    static let rolesLimit = 256 << 20

    static let configuration = CommandConfiguration(
        abstract: "Audit many roles: who each admits, every trust warning, and (with --token) whether this job can assume it.",
        discussion: "Exit status: 0 no role has an error-severity warning, 1 some role has one, 2 an input cannot be read.")

    @Option(help: "list-roles output, a CloudFormation template, a Terraform plan/state, a .tf file or module directory, or a directory of such files.") var roles: String
    @Option(help: "A job's ID token, to say which roles it can assume.") var token: String?
    @Option(help: "OIDC provider output; repeatable.") var provider: [String] = []
    @Option(help: "The account's role ARN form, for templates (AWS::AccountId, partition).") var roleArn: String?
    @Option(help: "An AWS Organizations resource control policy, weighed with --token; repeatable.") var rcp: [String] = []
    @Option(help: "The runner's public IP as AWS sees it, for conditions on aws:SourceIp.") var sourceIp: String?
    @Option(help: "When the call is made: RFC 3339 or epoch seconds (default: now).") var at: String?
    @Option(help: "text, json or markdown; without it, a terminal shows the roles list.") var format: OutputFormat?
    @Option(help: "For Terraform --roles: a variable's value, as terraform -var NAME=VALUE; repeatable.") var `var`: [String] = []
    @Option(help: "For Terraform --roles: a .tfvars or .tfvars.json file, as terraform -var-file; repeatable.") var varFile: [String] = []
    @OptionGroup var template: TemplateOptions
    @Flag(help: "Print each role's witness jobs (intended job, other branch, tag, MR, fork, other projects) and whether each gets in.") var matrix = false
    @OptionGroup var migration: MigrationOptions

    func validate() throws {
        try OptionCheck.at(at)
        try OptionCheck.sourceIp(sourceIp)
    }

    func run() throws {
        var sources: [DiagnosisRequest.Input] = []
        var unreadable: [String] = []
        var isDir: ObjCBool = false
        let fm = FileManager.default
        var terraform: [(files: TerraformFiles, source: String)] = []
        do {
            if TerraformLoader.isTerraform(roles) {
                // A module directory or a .tf file: every role instance in it.
                terraform.append((try TerraformLoader.load(roles, arguments: TerraformLoader.ordered(vars: `var`, varFiles: varFile), roleArn: roleArn), roles))
            } else if roles != "-", !roles.hasPrefix("env:"), fm.fileExists(atPath: roles, isDirectory: &isDir), isDir.boolValue {
                let names = try fm.contentsOfDirectory(atPath: roles).filter { n in [".json", ".yaml", ".yml", ".tfstate", ".template"].contains { n.hasSuffix($0) } }.sorted()
                if names.isEmpty { throw InputSource.Failure(description: "roles \(roles): the directory holds no .json, .yaml, .yml or .tfstate file") }
                for n in names {
                    let path = (roles as NSString).appendingPathComponent(n)
                    do { sources.append(.init(text: try InputSource.read(path, what: "roles", limit: Audit.rolesLimit), source: path)) } catch { unreadable.append("\(error)") }
                }
            } else {
                sources.append(.init(text: try InputSource.read(roles, what: "roles", limit: Audit.rolesLimit), source: roles))
            }
            let tokenInput = try token.map { DiagnosisRequest.Input(text: try InputSource.read($0, what: "token"), source: $0) }
            let providerInputs = try provider.map { DiagnosisRequest.Input(text: try InputSource.read($0, what: "provider"), source: $0) }
            // Read once here, for every role: an unreadable RCP is bad input, not a question mark on each role.
            let rcps = try rcp.map { src throws -> ResourceControlPolicy in
                let text = try InputSource.read(src, what: "RCP")
                do { return try ResourceControlPolicy.read(text, source: src) } catch let error as PolicyInvalid {
                    throw InputSource.Failure(description: "RCP \(src): \(error.located)")
                }
            }
            let params = RequestParameters(roleArn: roleArn, at: at.flatMap(TimeText.parse) ?? Int64(Date().timeIntervalSince1970), sourceIp: sourceIp)
            let change: SubMigration?
            do { change = try migration.migration(token: tokenInput.flatMap { try? TokenReader.read($0.text) }) } catch let e as ValidationError {
                throw InputSource.Failure(description: e.message)
            }
            var report = Auditor.audit(sources, token: tokenInput, providers: providerInputs, parameters: params, rcps: rcps, terraform: terraform,
                                       // The roles list on a terminal opens each role's matrix (`m`): every row walked whole.
                                       template: try template.settings(), matrix: matrix || format == nil, migration: change)
            report.unreadable = unreadable + report.unreadable
            let print = { (format: OutputFormat) in
                let text: String
                switch format {
                case .json: text = AuditRendering.json(report, matrix: matrix, migration: change)
                case .markdown: text = AuditRendering.markdown(report, matrix: matrix)
                case .text: text = AuditRendering.text(report, unicode: TerminalTraits.unicode, matrix: matrix, migration: change)
                }
                StandardOutput.write(text)
            }
            if let format { print(format) } else {
                let status = TUI.run(AppModel.roles(report, token: tokenInput)) {
                    print(.text)
                    return report.exitCode
                }
                if status != 0 { throw ExitCode(status) }
            }
            // A single file that cannot be read is no audit at all; in a directory, unrelated files are listed.
            if !report.unreadable.isEmpty && (sources.count + unreadable.count + terraform.count) == 1 {
                FileHandle.standardError.write(Data("oidc-doctor: \(report.unreadable.joined(separator: "; "))\n".utf8))
                throw ExitCode(2)
            }
            // Not one role could be read: that is no audit, whatever the files held.
            if report.noRoleRead {
                FileHandle.standardError.write(Data("oidc-doctor: no role could be read from \(roles)\n".utf8))
                throw ExitCode(2)
            }
            throw ExitCode(report.exitCode)
        } catch let failure as InputSource.Failure {
            if format == .json { FileHandle.standardOutput.write(Data(AuditRendering.json(AuditReport(roles: [], unreadable: [failure.description])).utf8)) }
            FileHandle.standardError.write(Data("oidc-doctor: \(failure.description)\n".utf8))
            throw ExitCode(2)
        }
    }
}

/// Checks shared by the subcommands' `validate()`: a bad value is a usage error (exit 2), never ignored.
enum OptionCheck {
    static func at(_ at: String?) throws {
        if let at, TimeText.parse(at) == nil { throw ValidationError("--at \(at.debugDescription): expected RFC 3339 (2026-11-27T11:10:00Z) or epoch seconds") }
    }

    static func sourceIp(_ ip: String?) throws {
        if let ip, !RequestParameters.isIPAddress(ip) { throw ValidationError("--source-ip \(ip.debugDescription): expected an IPv4 or IPv6 address (203.0.113.7, 2001:db8::7)") }
    }
}
