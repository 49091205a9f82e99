@testable import IOASIDModel

/// One step of a random walk, checked: the next state, whether the operation succeeded, and what
/// went wrong — a failure that changed the state (the unmaps the kernel does not undo halfway
/// excepted), a broken invariant, or reference counts that do not match the references.
struct WalkStep {
    var next: IOMMUFDState
    var succeeded: Bool
    var problems: [String] = []

    init(_ machine: IOMMUFD, from state: IOMMUFDState, _ op: IOMMUFDOperation, checking checks: [InvariantName]) {
        let (next, outcome) = machine.apply(op, to: state)
        self.next = next
        succeeded = outcome.isSuccess
        let text = op.scenarioText(machine.topology)
        if !succeeded, !Self.keepsPartialState(op), next != state { problems.append("failed \(text) changed the state") }
        let view = IOMMUFDView(machine: machine, state: next)
        if let v = Invariants.firstViolation(in: view, checking: checks) { problems.append("after \(text): \(v)") }
        let mismatches = view.refcountMismatches()
        if !mismatches.isEmpty { problems.append("after \(text): \(mismatches)") }
    }

    static func keepsPartialState(_ op: IOMMUFDOperation) -> Bool {
        switch op {
        case .ioasUnmap, .vfioUnmapDMA, .ioasidUnmapDMA: return true
        default: return false
        }
    }
}
