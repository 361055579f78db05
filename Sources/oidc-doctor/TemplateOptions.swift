import ArgumentParser
import OIDCDoctorCore

/// The CloudFormation stack settings a template is read with, shared by check, open and audit.
struct TemplateOptions: ParsableArguments {
    @Option(help: "For a CloudFormation template: a parameter's value, NAME=VALUE; repeatable, overrides --parameters and Default.") var parameter: [String] = []
    @Option(help: "For a CloudFormation template: a parameters file (create-stack's [{ParameterKey, ParameterValue}], deploy's NAME=VALUE list, or {NAME: VALUE}).") var parameters: [String] = []
    @Option(help: "For a CloudFormation template: a condition's value, NAME=true|false; repeatable.") var condition: [String] = []
    @Option(help: "For a CloudFormation template: the stack's region (AWS::Region).") var region: String?
    @Option(help: "For a CloudFormation template: the stack's name (AWS::StackName).") var stackName: String?

    func settings() throws -> TemplateSettings {
        var s = TemplateSettings(region: region, stackName: stackName)
        do {
            for file in parameters {
                for (k, v) in try TemplateSettings.parameters(file: try InputSource.read(file, what: "parameters"), name: file) { s.parameters[k] = v }
            }
            for p in parameter {
                let (k, v) = try TemplateSettings.pair(p, flag: "--parameter")
                s.parameters[k] = v
            }
            for c in condition {
                let (k, v) = try TemplateSettings.condition(c)
                s.conditions[k] = v
            }
        } catch let e as TemplateSettings.Invalid {
            throw InputSource.Failure(description: e.message)
        }
        return s
    }

    /// The same options as command-line arguments (the full-screen view re-parses them).
    var arguments: [String] {
        parameter.flatMap { ["--parameter", $0] } + parameters.flatMap { ["--parameters", $0] } + condition.flatMap { ["--condition", $0] }
            + (region.map { ["--region", $0] } ?? []) + (stackName.map { ["--stack-name", $0] } ?? [])
    }
}
