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

    /// The old side's candidates that the new side also offers, in the old side's order. Both
    /// enumerate from the same bounds, so they differ only where the two states do.
    func actions(of state: State, into actions: inout [IOMMUFDOperation]) {
        guard !state.differs else { return }
        var offered: [IOMMUFDOperation] = []
        new.actions(of: state.new, into: &offered)
        let theirs = Set(offered)
        var mine: [IOMMUFDOperation] = []
        old.actions(of: state.old, into: &mine)
        actions.append(contentsOf: mine.lazy.filter { theirs.contains($0) })
    }

    func successor(of state: State, after op: IOMMUFDOperation) -> State? {
        let (a, oldOutcome) = old.machine.apply(op, to: state.old)
        let (b, newOutcome) = new.machine.apply(op, to: state.new)
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
