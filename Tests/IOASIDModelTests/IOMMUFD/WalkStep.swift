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
        var words: [UInt64] = []
        next.encode(into: &words)
        let decoded = words.withUnsafeBufferPointer { buffer in
            var reader = WordReader(buffer)
            return IOMMUFDState.decode(&reader)
        }
        if decoded != next { problems.append("after \(text): the state does not survive encode/decode") }
    }
}
