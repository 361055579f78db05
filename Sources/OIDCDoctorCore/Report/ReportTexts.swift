/// Sentences the reports share.
enum ReportTexts {
    /// "AWS behaviour undocumented: this answer assumes … it would be deny if …".
    static func undocumented(_ d: Diagnosis) -> String {
        let other = d.decision == .allow ? "deny" : "allow"
        let points = d.undocumented.map { "\($0.rawValue) (\(other) \($0.otherReading))" }
        return "AWS behaviour undocumented: this answer assumes " + points.joined(separator: "; ")
    }
}
