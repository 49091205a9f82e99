import Explorer
import Testing
@testable import IOASIDModel

/// One step of a random walk, checked: the next state, whether the operation succeeded, and what
/// went wrong — a failure that changed the state (the unmaps the kernel does not undo halfway
/// excepted), a broken invariant, reference counts that do not match the references, or a state
/// its word encoding does not give back.
struct WalkStep {
    var next: IOMMUFDState
    var succeeded: Bool
    var problems: [String] = []

    init(_ machine: IOMMUFD, from state: IOMMUFDState, _ op: IOMMUFDOperation, checking checks: [InvariantName]) {
        let (next, outcome) = machine.apply(op, to: state)
        self.next = next
        succeeded = outcome.isSuccess
        let text = op.scenarioText(machine.topology)
        if !succeeded, !op.mayFailPartway, next != state { problems.append("failed \(text) changed the state") }
        let view = IOMMUFDView(machine: machine, state: next)
        if let v = Invariants.firstViolation(in: view, checking: checks) { problems.append("after \(text): \(v)") }
        let mismatches = view.refcountMismatches()
        if !mismatches.isEmpty { problems.append("after \(text): \(mismatches)") }
        // The explorer's frontier keeps states as words: reading them back must give the state.
        let decoded = next.roundTripped
        if decoded != next { problems.append("after \(text): the state does not survive encode/decode") }
    }
}

/// Seeded random walks through an action space, each step a `WalkStep`: an operation kind is
/// picked first, then an operation of that kind, so that the many map and unmap candidates do not
/// drown the rest. `start` gives each walk's first state; `check` (state before, operation, step)
/// may add a problem of its own.
/// The successes per operation name, or nil after recording the first problem.
struct RandomWalks {
    let machine: IOMMUFD
    let space: ActionSpace

    func run(seed: UInt64, walks: Int, steps: Int, start: (Int) -> IOMMUFDState,
             check: (IOMMUFDState, IOMMUFDOperation, WalkStep) -> String? = { _, _, _ in nil },
             before: (IOMMUFDState) -> Void = { _ in }) -> [String: Int]? {
        var rng = SplitMix64(state: seed)
        var made = [String: Int]()
        for walk in 0..<walks {
            var state = start(walk)
            for _ in 0..<steps {
                var families = ActionFamilies<IOMMUFDOperation>()
                space.actions(of: state, into: &families)
                let ops = families.all
                let kind = rng.pick(Array(Set(ops.map(\.name))).sorted())
                let op = rng.pick(ops.filter { $0.name == kind })
                before(state)
                let step = WalkStep(machine, from: state, op, checking: InvariantName.allCases)
                var problems = step.problems
                if let extra = check(state, op, step) { problems.append(extra) }
                if !problems.isEmpty {
                    Issue.record(Comment(rawValue: problems.joined(separator: "; ")))
                    return nil
                }
                if step.succeeded { made[op.name, default: 0] += 1 }
                state = step.next
            }
        }
        return made
    }
}
