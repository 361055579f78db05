/// GitLab's `sub`: configured components, each `name:value`, joined with `:`. Git refs and project
/// paths cannot contain `:`, so splitting on it is safe (reference gitlab-id-tokens §2.1).
public struct SubClaim: Sendable, Hashable {
    public struct Component: Sendable, Hashable {
        public var name: String
        public var value: String
    }

    /// Component names GitLab can put in `sub` (default, 17.10 customisation, 18.7 additions, fork fixes).
    public static let knownNames: Set<String> = [
        "project_path", "project_id", "ref_type", "ref", "ref_protected", "environment_protected", "deployment_tier",
        "job_project_path", "job_project_id", "source_project_path", "source_project_id",
    ]
    static let projectNames: Set<String> = ["project_path", "project_id", "job_project_path", "job_project_id", "source_project_path", "source_project_id"]
    static let refNames: Set<String> = ["ref_type", "ref", "ref_protected"]

    public var components: [Component]

    /// Parses `sub` (or a policy pattern for it); nil when it is not a list of known `name:value` pairs.
    public init?(_ text: String) {
        let parts = ASCII.split(text, 0x3A)
        guard parts.count >= 2, parts.count % 2 == 0 else { return nil }
        var cs: [Component] = []
        var i = 0
        while i < parts.count {
            guard SubClaim.knownNames.contains(parts[i]) else { return nil }
            cs.append(Component(name: parts[i], value: parts[i + 1]))
            i += 2
        }
        components = cs
    }

    public var names: [String] { components.map(\.name) }

    public func value(_ name: String) -> String? { components.first { $0.name == name }?.value }

    /// The project part (path or id) — the first component, as GitLab requires.
    public var project: Component? { components.first { SubClaim.projectNames.contains($0.name) } }

    /// "branch main of mygroup/myproject"-style words, for reports.
    public var summary: String {
        var words: [String] = []
        if let rt = value("ref_type"), let r = value("ref") {
            words.append("\(rt) \(r)")
        } else if let r = value("ref") {
            words.append("ref \(r)")
        }
        if let p = project { words.append("of \(p.name == "project_path" ? p.value : "\(p.name) \(p.value)")") }
        return words.joined(separator: " ")
    }
}
