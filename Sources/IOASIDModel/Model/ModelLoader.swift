/// Semantic checks over a parsed model: names, values and ranges; builds the `Model`.
public struct ModelLoader {
    let syntax: ModelSyntax
    var iommuNames: [String] = []
    var deviceNames: [String] = []
    var memfdNames: [String] = []
    var containerNames: [String] = []
    var proposal: any Proposal.Type = IOMMUFDProposal.self
    let registry: ProposalRegistry
    var groupNames: [String] = []
    var groupIOMMU: [Int] = []

    /// Parses and checks a model file; every problem is a located diagnostic.
    public static func load(_ text: String, path: String, registry: ProposalRegistry = .standard) throws(Diagnostic) -> Model {
        let syntax = try ModelParser.parse(text, path: path)
        var loader = ModelLoader(syntax: syntax, registry: registry)
        return try loader.build()
    }

    func error(_ message: String, at location: SourceLocation) -> Diagnostic {
        let text = location.line >= 1 && location.line <= syntax.lines.count ? syntax.lines[location.line - 1] : ""
        return Diagnostic(message, at: location, lineText: text)
    }

    func error(_ message: String, at word: Located<String>) -> Diagnostic { error(message, at: word.location) }

    func number(_ w: Located<String>, max: UInt64 = .max, what: String = "a number") throws(Diagnostic) -> UInt64 {
        switch NumberLiteral.parse(Substring(w.value)) {
        case .success(let v):
            guard v <= max else { throw error("value \(w.value) is out of range (at most \(SizeText.hex(max)))", at: w) }
            return v
        case .failure(.outOfRange): throw error("value \(w.value) does not fit in 64 bits", at: w)
        case .failure(.notANumber): throw error("expected \(what), found '\(w.value)'", at: w)
        }
    }

    /// A sub-word of `w` starting `offset` characters in, for ranges and lists.
    func part(_ w: Located<String>, _ text: Substring, offset: Int) -> Located<String> {
        var loc = w.location
        loc.column += offset
        return Located(String(text), loc)
    }

    /// Splits `w` on `separator`, keeping columns.
    func split(_ w: Located<String>, on separator: String) -> [Located<String>] {
        var out: [Located<String>] = []
        var offset = 0
        for piece in Self.pieces(w.value, separator) {
            out.append(part(w, Substring(piece), offset: offset))
            offset += piece.count + separator.count
        }
        return out
    }

    /// `text` cut at every `separator` (no Foundation in the model module).
    static func pieces(_ text: String, _ separator: String) -> [Substring] {
        var out: [Substring] = []
        var rest = Substring(text)
        let sep = Array(separator)
        while true {
            var cut: Substring.Index?
            var i = rest.startIndex
            while i < rest.endIndex {
                if rest[i...].starts(with: sep) { cut = i; break }
                i = rest.index(after: i)
            }
            guard let at = cut else { out.append(rest); return out }
            out.append(rest[..<at])
            rest = rest[rest.index(at, offsetBy: sep.count)...]
        }
    }

    /// `A..B`, inclusive.
    func range(_ w: Located<String>) throws(Diagnostic) -> IOVARange {
        let parts = split(w, on: "..")
        guard parts.count == 2 else { throw error("expected a range START..LAST, found '\(w.value)'", at: w) }
        let a = try number(parts[0]), b = try number(parts[1])
        guard a <= b else { throw error("range \(w.value) is empty: its start is above its end", at: w) }
        return IOVARange(first: a, last: b)
    }

    /// `START+LEN`.
    func span(_ w: Located<String>) throws(Diagnostic) -> IOVARange {
        let parts = split(w, on: "+")
        guard parts.count == 2 else { throw error("expected START+LENGTH, found '\(w.value)'", at: w) }
        let a = try number(parts[0]), n = try number(parts[1])
        guard let r = IOVARange(start: a, length: n) else {
            throw error(n == 0 ? "a region of length 0" : "region \(w.value) runs past the end of the address space", at: w)
        }
        return r
    }

    func preset(_ w: Located<String>) throws(Diagnostic) -> FormatPreset {
        guard let p = FormatPreset(rawValue: w.value) else {
            throw error(Suggestion.message("unknown format preset '\(w.value)'", for: w.value, in: FormatPreset.allCases.map(\.rawValue)), at: w)
        }
        return p
    }

    mutating func build() throws(Diagnostic) -> Model {
        guard let proposalWord = syntax.proposal else {
            throw error("missing 'proposal' statement (e.g. 'proposal iommufd')", at: SourceLocation(file: syntax.path, line: 1, column: 1))
        }
        guard let proposal = registry.type(named: proposalWord.value) else {
            throw error(Suggestion.message("unknown proposal '\(proposalWord.value)'", for: proposalWord.value,
                                           in: registry.names), at: proposalWord)
        }
        self.proposal = proposal
        let (knobs, config) = try knobSettings(proposal)
        var topology = try buildTopology()
        topology.containers = try containers(proposal)
        topology.pasidQuota = try pasidQuota(proposal)
        containerNames = topology.containers
        let explore = try syntax.explore.map { lines throws(Diagnostic) in try exploreBounds(lines, topology) }
        topology.ioasidFds = explore?.objects["fd"] ?? 1
        if let explore, let at = syntax.exploreLocation {
            try checkActionBound(explore, topology, config, at: at)
        }
        let checks = try checkList()
        let (expectation, goalExpectations) = try expectations(checks)
        let goals = try syntax.goals.map { g throws(Diagnostic) in try goal(g, topology) }
        for (name, _) in goalExpectations where !goals.contains(where: { $0.name == name.value }) {
            throw error(Suggestion.message("unknown goal '\(name.value)'", for: name.value, in: goals.map(\.name)), at: name)
        }
        var scenarios: [Scenario] = []
        for s in syntax.scenarios {
            if scenarios.contains(where: { $0.name == s.name.value }) { throw error("duplicate scenario name \"\(s.name.value)\"", at: s.name) }
            scenarios.append(try scenario(s, topology))
        }
        var model = Model(path: syntax.path, title: syntax.title?.value ?? syntax.path, proposalType: proposal, knobs: knobs.map { ($0.0, $0.1) },
                          topology: topology, config: config, explore: explore, checks: checks, expectation: expectation, goals: goals,
                          goalExpectations: goalExpectations.map { ($0.0.value, $0.1) }, scenarios: scenarios)
        model.exploreLocation = syntax.exploreLocation
        return model
    }

    func knobSettings(_ proposal: any Proposal.Type) throws(Diagnostic) -> ([(String, String)], IOMMUFDConfig) {
        var config = IOMMUFDConfig()
        // Each knob the design reads starts at its default there.
        // The machine's designs read their knobs through its config; other designs read `Model.knob`.
        for d in proposal.knobs { if let k = Knob(rawValue: d.name) { _ = config.set(k, d.defaultValue) } }
        var seen: [(String, String)] = []
        for (k, v) in syntax.knobs {
            guard let knob = proposal.knobs.first(where: { $0.name == k.value }) else {
                let owners = registry.types.filter { $0.knobs.contains { $0.name == k.value } }.map { $0.name }
                guard !owners.isEmpty else {
                    var names: [String] = []
                    for t in registry.types { for d in t.knobs where !names.contains(d.name) { names.append(d.name) } }
                    throw error(Suggestion.message("unknown knob '\(k.value)'", for: k.value, in: names), at: k)
                }
                throw error("knob '\(k.value)' does not belong to proposal '\(proposal.name)' (owners: \(owners.joined(separator: ", ")); "
                            + "\(proposal.name)'s knobs: \(proposal.knobs.map(\.name).joined(separator: ", ")))", at: k)
            }
            guard knob.values.contains(v.value) else {
                throw error(Suggestion.message("'\(v.value)' is not a value of '\(knob.name)'",
                                               for: v.value, in: knob.values), at: v)
            }
            if seen.contains(where: { $0.0 == knob.name }) { throw error("knob '\(knob.name)' is set twice", at: k) }
            if let machineKnob = Knob(rawValue: knob.name) { _ = config.set(machineKnob, v.value) }
            seen.append((knob.name, v.value))
        }
        return (seen, config)
    }

    /// `container NAME` lines: the VFIO type1 container, or the VM of vfio-pasid-request; this
    /// version models one per model.
    func containers(_ proposal: any Proposal.Type) throws(Diagnostic) -> [String] {
        let lines = syntax.containers
        guard proposal.features.contains(.containers) else {
            if let c = lines.first { throw error("'container' needs a proposal with containers; \(proposal.name) has none", at: c) }
            return []
        }
        if lines.count > 1 { throw error("this version models one container per model", at: lines[1]) }
        for c in lines where deviceNames.contains(c.value) || iommuNames.contains(c.value) || groupNames.contains(c.value) {
            throw error("'\(c.value)' is already a device, IOMMU or group name", at: c)
        }
        return lines.map(\.value)
    }

    /// `container NAME quota=N`: the PASIDs a VM may hold (vfio-pasid-request only).
    func pasidQuota(_ proposal: any Proposal.Type) throws(Diagnostic) -> Int? {
        var quota: Int?
        for attrs in syntax.containerAttributes {
            for a in attrs {
                guard a.key.value == "quota" else {
                    throw error(Suggestion.message("unknown container attribute '\(a.key.value)'", for: a.key.value, in: ["quota"]), at: a.key)
                }
                guard proposal.features.contains(.pasidQuota) else { throw error("'quota=' is for a VM with a PASID quota (\(proposal.name) has none)", at: a.key) }
                guard let v = a.value else { throw error("expected 'quota=N'", at: a.key) }
                quota = Int(try number(v, max: 1 << 20))
            }
        }
        return quota
    }

    /// An invariant the model's design knows (the shared five, or one of its own).
    func invariant(_ w: Located<String>) -> InvariantName? { proposal.invariantNames.first { $0.rawValue == w.value } }

    func checkList() throws(Diagnostic) -> [InvariantName] {
        let known = proposal.invariantNames
        guard let words = syntax.checks else { return known }
        if words.count == 1, words[0].value == "all" { return known }
        var out: [InvariantName] = []
        for w in words {
            guard let i = invariant(w) else {
                throw error(Suggestion.message("unknown invariant '\(w.value)'", for: w.value, in: known.map(\.rawValue) + ["all"]), at: w)
            }
            if out.contains(i) { throw error("invariant '\(w.value)' is listed twice", at: w) }
            out.append(i)
        }
        return out
    }

    func expectations(_ checks: [InvariantName]) throws(Diagnostic) -> (Expectation, [(Located<String>, Bool)]) {
        var verdict: Expectation?
        var goals: [(Located<String>, Bool)] = []
        for line in syntax.expects {
            let w = line.words
            switch w[0].value {
            case "holds":
                guard w.count == 1 else { throw error("unexpected '\(w[1].value)' after 'expect holds'", at: w[1]) }
                guard verdict == nil else { throw error("a second 'expect holds|violation'", at: w[0]) }
                verdict = .holds
            case "violation":
                guard w.count == 2 else { throw error("expected 'expect violation INVARIANT'", at: w[0]) }
                guard verdict == nil else { throw error("a second 'expect holds|violation'", at: w[0]) }
                guard let i = invariant(w[1]) else {
                    throw error(Suggestion.message("unknown invariant '\(w[1].value)'", for: w[1].value, in: proposal.invariantNames.map(\.rawValue)), at: w[1])
                }
                guard checks.contains(i) else { throw error("'\(i)' is expected violated but not in the 'check' list", at: w[1]) }
                verdict = .violation(i)
            case "reachable", "unreachable":
                guard w.count == 2 else { throw error("expected 'expect \(w[0].value) GOAL'", at: w[0]) }
                goals.append((w[1], w[0].value == "reachable"))
            default:
                let hit = Suggestion.closest(to: w[0].value, in: ["holds", "violation", "reachable", "unreachable"])
                throw error("unknown expectation '\(w[0].value)'" + (hit.map { "; did you mean '\($0)'?" } ?? "")
                            + " (expected 'holds', 'violation INVARIANT', 'reachable GOAL' or 'unreachable GOAL')", at: w[0])
            }
        }
        return (verdict ?? .holds, goals)
    }
}
