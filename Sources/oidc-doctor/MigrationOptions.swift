import ArgumentParser
import OIDCDoctorCore

/// `--sub-format` and `--renamed-from`/`--renamed-to`: a change of what GitLab puts in `sub`.
struct MigrationOptions: ParsableArguments {
    @Option(help: "A new ci_id_token_sub_claim_components setting: default, project_id, or a comma list (project_id,ref_type,ref); shows each witness job now and after, and what to add to admit both.")
    var subFormat: String?
    @Option(help: "The project's path before a rename or transfer; shows each witness job before and after, and what to add to admit both.")
    var renamedFrom: String?
    @Option(help: "The project's path after the rename (default: the token's project path).")
    var renamedTo: String?

    func validate() throws {
        if let f = subFormat, case .failure(let e) = SubMigration.format(f) { throw ValidationError("--sub-format: \(e.message)") }
        if subFormat != nil && renamedFrom != nil { throw ValidationError("give --sub-format or --renamed-from, one change at a time") }
        if renamedTo != nil && renamedFrom == nil { throw ValidationError("--renamed-to needs --renamed-from") }
    }

    /// The change asked for; the new path of a rename comes from the token when not given.
    func migration(token: IDToken?) throws -> SubMigration? {
        if let f = subFormat, case .success(let names) = SubMigration.format(f) { return SubMigration(.format(names)) }
        guard let from = renamedFrom else { return nil }
        let tokenPath = token?.claims["project_path"]?.string ?? token?.subject.flatMap(SubClaim.init)?.value("project_path")
        guard let to = renamedTo ?? tokenPath else { throw ValidationError("--renamed-from: the token names no project path; give --renamed-to") }
        guard to != from else { throw ValidationError("--renamed-from \(from): the token's project is that path itself; give --renamed-to with the new path") }
        return SubMigration(.rename(from: from, to: to))
    }
}
