import Testing
@testable import IOASIDModel

/// Seeded random walks over every shipped model that expects to hold, as long as its explore
/// depth (the bound within which `check` proved it), through each model's own design: after each
/// step the model's invariants hold, the state survives its word encoding, the printed operation
/// reads back as itself, a failed operation changed nothing (except the unmaps the kernel does
/// not undo halfway), and the design's bookkeeping agrees with itself (`consistencyProblems`:
/// reference counts match the references), and the explorer's shortcut steps agree with `apply`.
@Suite struct ShippedModelWalkTests {
    static var holdingModels: [String] {
        ShippedModels.paths.filter { path in
            guard let m = try? ShippedModels.load(path), m.explore?.hasDepth == true else { return false }
            return m.expectation == .holds
        }
    }

    struct Walk: ProposalVisitor {
        let path: String

        /// (steps taken, successful steps, the first problem)
        func visit<P: Proposal>(_ proposal: P, model: Model) -> (Int, Int, String?) {
            let depth = model.explore?.depth ?? 0
            // Seeded by the path inside the package, so that a clone elsewhere walks the same way.
            let key = path.range(of: "models/").map { String(path[$0.lowerBound...]) } ?? path
            var rng = SplitMix64(state: UInt64(truncatingIfNeeded: key.utf8.count) &* 0x9E37_79B9)
            var successes = 0, steps = 0
            for _ in 0..<200 {
                var state = proposal.initialState
                for _ in 0..<depth {
                    var ops: [P.Operation] = []
                    proposal.actions(of: state, into: &ops)
                    guard !ops.isEmpty else { break }
                    let kinds = Array(Set(ops.map(\.name))).sorted()
                    let kind = rng.pick(kinds)
                    let op = rng.pick(ops.filter { $0.name == kind })
                    let (next, outcome) = proposal.apply(op, to: state)
                    if let problem = explorerStepProblem(proposal, model, state, op, next) { return (steps, successes, problem) }
                    if proposal.exceedsCaps(next) { continue }
                    steps += 1
                    if outcome.isSuccess { successes += 1 }
                    if let problem = problem(proposal, model, state, op, next) { return (steps, successes, problem) }
                    state = next
                }
            }
            return (steps, successes, nil)
        }

        /// The explorer's shortcuts agree with `apply`: `advance` (pure and in place) is `disabled`
        /// exactly when the result is over the caps, says `unchanged` only of a result equal to the
        /// state, and otherwise hands back `apply`'s result; in place, it puts the scratch back.
        func explorerStepProblem<P: Proposal>(_ proposal: P, _ model: Model, _ state: P.State, _ op: P.Operation, _ next: P.State) -> String? {
            let text = op.scenarioText(model.topology)
            let capped = proposal.exceedsCaps(next)
            var scratch = state
            let forms = [("advance", proposal.advance(state, by: op, coverage: Coverage())),
                         ("advance in place", proposal.advance(&scratch, from: state, by: op, coverage: Coverage()))]
            if scratch != state { return "\(text): advance in place left its scratch changed" }
            for (name, step) in forms {
                switch step {
                case .disabled where !capped: return "\(text): \(name) says disabled, apply's result is within the caps"
                case .unchanged where next != state: return "\(text): \(name) says unchanged, apply changed the state"
                case .changed(let x) where x != next: return "\(text): \(name)'s successor differs from apply's"
                case .changed where capped: return "\(text): \(name) gives a successor over the caps"
                default: continue
                }
            }
            return nil
        }

        func problem<P: Proposal>(_ proposal: P, _ model: Model, _ state: P.State, _ op: P.Operation, _ next: P.State) -> String? {
            let text = op.scenarioText(model.topology)
            if op.reparsed(model.topology) != op { return "\(text) does not read back as itself" }
            // A failure changes nothing, except the unmaps the kernel does not undo halfway.
            if !proposal.apply(op, to: state).1.isSuccess, next != state, !op.name.contains("UNMAP") { return "failed \(text) changed the state" }
            for name in model.checks { if let v = proposal.violation(of: name, in: next) { return "after \(text): \(v)" } }
            var words: [UInt64] = []
            proposal.encode(next, into: &words)
            let decoded = words.withUnsafeBufferPointer { buffer in
                var reader = WordReader(buffer)
                return proposal.decode(&reader)
            }
            if decoded != next { return "after \(text): the state does not survive encode/decode" }
            let problems = proposal.consistencyProblems(in: next)
            return problems.isEmpty ? nil : "after \(text): \(problems.joined(separator: "; "))"
        }
    }

    @Test(arguments: holdingModels)
    func walksWithinTheDepthKeepEveryRule(_ path: String) throws {
        let model = try ShippedModels.load(path)
        let (steps, successes, problem) = model.open(Walk(path: path))
        if let problem { Issue.record(Comment(rawValue: "\(path): \(problem)")) }
        #expect(successes * 5 > steps, "\(path): the walks should exercise successful operations too (\(successes) of \(steps))")
    }
}
