import Explorer
import IOASIDModel

/// Two models of one proposal, topology and bounds, differing only in their `set` lines,
/// explored together: a state is a pair, and an action is an operation both sides offer, applied
/// to both. The search looks for a step whose outcomes differ (an operation that succeeds on one
/// side and fails on the other, or fails with another errno) — BFS finds the shortest.
struct DiffSearchModel: StateMachine {
    struct State: Sendable {
        var old: IOMMUFDState
        var new: IOMMUFDState
        /// Set on the step where the outcomes differed.
        var differs = false
    }

    var old: IOMMUFDSearchModel
    var new: IOMMUFDSearchModel

    /// Symmetry is off on both sides: a pair must be renamed as one, and the two sides'
    /// symmetry classes need not agree.
    init(old: Model, new: Model) {
        self.old = IOMMUFDSearchModel(model: old, symmetry: false)
        self.new = IOMMUFDSearchModel(model: new, symmetry: false)
    }

    func replica() -> DiffSearchModel {
        var copy = self
        copy.old = old.replica()
        copy.new = new.replica()
        return copy
    }

    var initialStates: [State] { [State(old: old.machine.initialState, new: new.machine.initialState)] }

    func unshared(_ state: State) -> State { State(old: state.old.unshared(), new: state.new.unshared(), differs: state.differs) }

    /// One operation as each side issues it: the same but for the fields a `set` line fixes.
    struct Step: Sendable {
        var old: IOMMUFDOperation
        var new: IOMMUFDOperation
    }

    /// The old side's candidates matched with the new side's, in the old side's order. Both
    /// enumerate from the same bounds, so they differ only where the two states do.
    func actions(of state: State, into actions: inout [Step]) {
        guard !state.differs else { return }
        var offered: [IOMMUFDOperation] = []
        new.actions(of: state.new, into: &offered)
        var theirs: [IOMMUFDOperation: IOMMUFDOperation] = [:]
        for op in offered { theirs[Self.matchKey(op)] = op }
        var mine: [IOMMUFDOperation] = []
        old.actions(of: state.old, into: &mine)
        for op in mine { if let other = theirs[Self.matchKey(op)] { actions.append(Step(old: op, new: other)) } }
    }

    /// Steps are matched by operation and fields, except the fields a knob fixes:
    /// `VFIO_SET_IOMMU arg=` is whatever `type1-version` says on each side.
    static func matchKey(_ op: IOMMUFDOperation) -> IOMMUFDOperation {
        if case .vfioSetIOMMU = op { return .vfioSetIOMMU(type: 0) }
        return op
    }

    func successor(of state: State, after step: Step) -> State? {
        let (a, oldOutcome) = old.machine.apply(step.old, to: state.old)
        let (b, newOutcome) = new.machine.apply(step.new, to: state.new)
        // An operation an `objects` cap forbids on either side is not taken (as in `check`).
        if old.space.exceedsCaps(a) || new.space.exceedsCaps(b) { return nil }
        return State(old: a, new: b, differs: Self.verdict(oldOutcome) != Self.verdict(newOutcome))
    }

    /// What `diff` compares: success, or which errno (a fault counts as one more failure).
    static func verdict(_ outcome: Outcome) -> String {
        switch outcome.status {
        case .ok, .address: return "ok"
        case .errno(let e): return e.name
        case .fault: return "FAULT"
        }
    }

    func fingerprint(of state: State) -> UInt64 {
        var f = Fingerprint()
        f.mix(old.fingerprint(of: state.old))
        f.mix(new.fingerprint(of: state.new))
        f.mix(state.differs ? 1 : 0)
        return f.value
    }

    var properties: [Property<State>] { [.always("same-outcomes") { !$0.differs }] }
}
