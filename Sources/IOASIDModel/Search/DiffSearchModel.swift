import Explorer

/// Two models of one design, topology and bounds, differing only in their `set` lines, explored
/// together: a state is a pair, and an action is an operation both sides offer, applied to both.
/// The search looks for a step whose outcomes differ (an operation that succeeds on one side and
/// fails on the other, or fails with another errno) — BFS finds the shortest.
public struct DiffSearchModel<P: Proposal>: StateMachine {
    public struct State: Sendable {
        public var old: P.State
        public var new: P.State
        /// Set on the step where the outcomes differed.
        public var differs = false
    }

    public var old: ProposalSearchModel<P>
    public var new: ProposalSearchModel<P>

    /// Symmetry is off on both sides: a pair must be renamed as one, and the two sides'
    /// symmetry classes need not agree.
    public init(old: Model, new: Model) {
        self.old = ProposalSearchModel(P(model: old), model: old, symmetry: false)
        self.new = ProposalSearchModel(P(model: new), model: new, symmetry: false)
    }

    public func replica() -> DiffSearchModel {
        var copy = self
        copy.old = old.replica()
        copy.new = new.replica()
        return copy
    }

    public var initialStates: [State] { [State(old: old.proposal.initialState, new: new.proposal.initialState)] }

    public func unshared(_ state: State) -> State {
        State(old: old.unshared(state.old), new: new.unshared(state.new), differs: state.differs)
    }

    /// One operation as each side issues it: the same but for the fields a `set` line fixes.
    public struct Step: Sendable {
        public var old: P.Operation
        public var new: P.Operation
    }

    /// The old side's candidates matched with the new side's, in the old side's order. Both
    /// enumerate from the same bounds, so they differ only where the two states do; a step is
    /// matched by its kind and, where the design's knobs fix a field, by its position among the
    /// candidates of that kind.
    public func actions(of state: State, into actions: inout [Step]) {
        guard !state.differs else { return }
        var offered: [P.Operation] = []
        new.actions(of: state.new, into: &offered)
        var theirs: [P.Operation: P.Operation] = [:]
        for op in offered { theirs[P.diffKey(op)] = op }
        var mine: [P.Operation] = []
        old.actions(of: state.old, into: &mine)
        for op in mine { if let other = theirs[P.diffKey(op)] { actions.append(Step(old: op, new: other)) } }
    }

    public func successor(of state: State, after step: Step) -> State? {
        let (a, oldOutcome) = old.proposal.apply(step.old, to: state.old)
        let (b, newOutcome) = new.proposal.apply(step.new, to: state.new)
        // An operation an `objects` cap forbids on either side is not taken (as in `check`).
        if old.proposal.exceedsCaps(a) || new.proposal.exceedsCaps(b) { return nil }
        return State(old: a, new: b, differs: Self.verdict(oldOutcome) != Self.verdict(newOutcome))
    }

    /// What `diff` compares: success, or which errno (a fault counts as one more failure).
    public static func verdict(_ outcome: Outcome) -> String {
        switch outcome.status {
        case .ok, .address: return "ok"
        case .errno(let e): return e.name
        case .fault: return "FAULT"
        }
    }

    public func fingerprint(of state: State) -> UInt64 {
        var f = Fingerprint()
        f.mix(old.fingerprint(of: state.old))
        f.mix(new.fingerprint(of: state.new))
        f.mix(state.differs ? 1 : 0)
        return f.value
    }

    public var properties: [Property<State>] { [.always("same-outcomes") { !$0.differs }] }
}
