/// How one scenario came out.
public struct ScenarioResult: Sendable {
    public var name: String
    public var passed: Bool
    /// Why it failed: the step (1-based), what was expected and what happened.
    public var failure: ScenarioFailure?
}

public struct ScenarioFailure: Sendable {
    public var step: Int
    public var location: SourceLocation
    public var lineText: String
    public var expected: String
    public var actual: String
    /// The state after the step, one fact a line (leaves in runs).
    public var state: [String]
    /// What the failing step changed, as a trace shows it (`- ` removed, `+ ` added lines).
    public var changes: [String] = []
}

/// Runs a model's scenarios from the initial state, checking each result and the model's
/// invariants after every step.
public enum ScenarioRunner {
    public static func run(_ model: Model) -> [ScenarioResult] { model.open(Visitor()) }

    struct Visitor: ProposalVisitor {
        func visit<P: Proposal>(_ proposal: P, model: Model) -> [ScenarioResult] {
            model.scenarios.map { ScenarioRunner.run($0, proposal, model) }
        }
    }

    public static func run(_ scenario: Scenario, in model: Model) -> ScenarioResult {
        struct One: ProposalVisitor {
            let scenario: Scenario
            func visit<P: Proposal>(_ proposal: P, model: Model) -> ScenarioResult { ScenarioRunner.run(scenario, proposal, model) }
        }
        return model.open(One(scenario: scenario))
    }

    public static func run<P: Proposal>(_ scenario: Scenario, _ proposal: P, _ model: Model) -> ScenarioResult {
        var state = proposal.initialState
        var before = state
        var bindings: [String: UInt64] = [:]
        func fail(_ i: Int, _ step: ScenarioStep, expected: String, actual: String) -> ScenarioResult {
            ScenarioResult(name: scenario.name, passed: false,
                           failure: ScenarioFailure(step: i + 1, location: step.location, lineText: step.lineText, expected: expected,
                                                    actual: actual, state: proposal.describe(state),
                                                    changes: proposal.changes(from: before, to: state)))
        }
        for (i, step) in scenario.steps.enumerated() {
            let args = step.fields.mapValues { $0.evaluate(bindings) }
            guard let kind = P.Operation.Kind(rawValue: step.kind), let op = P.Operation(kind: kind, arguments: args) else {
                return fail(i, step, expected: "a runnable step", actual: "the operation could not be built")
            }
            before = state
            let outcome = proposal.apply(op, to: &state)
            if let mismatch = compare(outcome, step.expected, bindings) {
                return fail(i, step, expected: step.expected.summary(bindings), actual: mismatch)
            }
            if let name = step.binding { bindings[name] = outcome.principal ?? 0 }
            // SPEC §2: the expected invariant may break before the last step (it must be broken
            // after it); any other invariant breaking fails the scenario where it breaks.
            for name in model.checks where name != scenario.expectViolation {
                if let v = proposal.violation(of: name, in: state) {
                    return fail(i, step, expected: scenario.expectViolation.map { "only \($0) violated" } ?? "every invariant to hold",
                                actual: v.description)
                }
            }
        }
        if let expected = scenario.expectViolation, let last = scenario.steps.indices.last, proposal.violation(of: expected, in: state) == nil {
            before = state
            return fail(last, scenario.steps[last], expected: "violation \(expected) after the last step", actual: "\(expected) holds")
        }
        return ScenarioResult(name: scenario.name, passed: true)
    }

    /// Nil when `outcome` is what was expected; otherwise the actual result in words.
    static func compare(_ outcome: Outcome, _ expected: ExpectedResult, _ bindings: [String: UInt64]) -> String? {
        let actual = describe(outcome)
        switch (expected.status, outcome.status) {
        case (.ok, .ok), (.ok, .address): break
        case (.errno(let e), .errno(let a)) where e == a: break
        case (.address(let e), .address(let a)) where e.evaluate(bindings) == a: break
        case (.fault(let stage, let level), .fault(let s, let l)):
            if let stage, stage != s { return actual }
            if let level, level != l { return actual }
        default: return actual
        }
        for (name, values) in expected.outputs {
            let want = values.map { $0.evaluate(bindings) }
            switch outcome.output(name) {
            case .number(let n)? where want == [n]: continue
            case .array(let a)? where want == a: continue
            default: return actual
            }
        }
        return nil
    }

    /// An outcome as a scenario would write it.
    public static func describe(_ outcome: Outcome) -> String {
        var words = [outcome.resultWord]
        if case .fault(let stage, let level) = outcome.status { words.append("stage=\(stage) level=\(level)") }
        words += outcome.outputs.map { "\($0.name)=\(text(of: $0))" }
        return words.joined(separator: " ")
    }

    /// Output fields that are sizes, printed as a model file writes them (`page=4K`, `size=8K`).
    static let sizeOutputs: Set<String> = ["page", "size", "length", "out_iova_alignment"]

    static func text(of field: OutputField) -> String {
        if sizeOutputs.contains(field.name), case .number(let n) = field.value { return SizeText.format(n) }
        return field.value.description
    }

    /// Whether two results as `describe` writes them say the same: numbers compare by value, so
    /// a trace written when sizes were printed in decimal (`size=8192`) still replays.
    public static func sameResult(_ a: String, _ b: String) -> Bool {
        let x = a.split(separator: " "), y = b.split(separator: " ")
        guard x.count == y.count else { return false }
        for (u, v) in zip(x, y) where u != v {
            let p = u.split(separator: "=", maxSplits: 1), q = v.split(separator: "=", maxSplits: 1)
            guard p.count == 2, q.count == 2, p[0] == q[0] else { return false }
            let pv = p[1].split(separator: ","), qv = q[1].split(separator: ",")
            guard pv.count == qv.count else { return false }
            for (m, n) in zip(pv, qv) {
                guard case .success(let l) = NumberLiteral.parse(m), case .success(let r) = NumberLiteral.parse(n), l == r else { return false }
            }
        }
        return true
    }
}

extension ExpectedResult {
    /// The RESULT as written, after `=>`.
    func summary(_ bindings: [String: UInt64]) -> String {
        let chars = Array(text)
        guard let arrow = chars.indices.first(where: { $0 + 1 < chars.count && chars[$0] == "=" && chars[$0 + 1] == ">" }) else { return text }
        var tail = Substring(String(chars[(arrow + 2)...]))
        if let hash = tail.firstIndex(of: "#") { tail = tail[..<hash] }
        return tail.trimmingSpaces
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}
