extension String {
    /// A diagnostic without the ` (expected one of: …)` list that every rejected word gets (the
    /// tests of exact wording compare the rest; `NewcomerDiagnosticTests` checks the list).
    var withoutChoices: String {
        guard let r = range(of: " (expected one of: ", options: .backwards) else { return self }
        return String(self[..<r.lowerBound])
    }
}
