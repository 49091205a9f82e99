import Explorer

/// A design as the explorer sees it: candidate operations from the model's `explore` bounds,
/// successors from the design's pure transitions, the model's invariants and goals as properties.
public struct ProposalSearchModel<P: Proposal>: StateMachine {
    public var proposal: P
    public let checks: [InvariantName]
    public let goals: [Goal]
    public var coverage: Coverage<P.Operation>
    /// Whether states are fingerprinted by their symmetry class.
    public let symmetric: Bool
    /// Whether SPEC §3's `stale-guest-iotlb` warning is looked for (guests translate through
    /// their own tables only where nested domains and TRANSLATE are both explored).
    let watchesGuestIOTLB: Bool

    public init(_ proposal: P, model: Model, symmetry: Bool = true) {
        self.proposal = proposal
        checks = model.checks
        goals = model.goals
        coverage = Coverage()
        symmetric = symmetry
        watchesGuestIOTLB = (model.explore?.groups ?? []).isSuperset(of: ["nested", "translate"])
    }

    public func replica() -> ProposalSearchModel {
        var copy = self
        copy.proposal = proposal.replica()
        copy.coverage = coverage.shard()
        return copy
    }

    public var initialStates: [P.State] { [proposal.initialState] }

    public func unshared(_ state: P.State) -> P.State { proposal.unshared(state) }

    public var encodesStates: Bool { true }

    public func encode(_ state: P.State, into words: inout [UInt64]) { proposal.encode(state, into: &words) }

    public func decode(_ words: UnsafeBufferPointer<UInt64>) -> P.State? {
        var reader = WordReader(words)
        return proposal.decode(&reader)
    }

    public func sleepKey(of op: P.Operation) -> UInt64? { proposal.sleepKey(of: op) }

    public func footprint(of op: P.Operation, in state: P.State) -> Footprint { proposal.footprint(of: op, in: state) }

    public static var producesActionFamilies: Bool { true }

    public func actions(of state: P.State, into actions: inout ActionFamilies<P.Operation>) {
        proposal.actions(of: state, into: &actions)
    }

    public func actions(of state: P.State, into actions: inout [P.Operation]) {
        proposal.actions(of: state, into: &actions)
    }

    public func successor(of state: P.State, after op: P.Operation) -> P.State? {
        proposal.successor(of: state, after: op, coverage: coverage)
    }

    public func advance(_ state: P.State, by op: P.Operation) -> Successor<P.State> {
        proposal.advance(state, by: op, coverage: coverage)
    }

    public func advance(_ scratch: inout P.State, from state: P.State, by op: P.Operation) -> Successor<P.State> {
        proposal.advance(&scratch, from: state, by: op, coverage: coverage)
    }

    /// The `always` properties are `checks`, in order: one view of the state serves them all.
    public func firstFailingInvariant(_ state: P.State, limit: Int, of invariants: [Property<P.State>]) -> Int? {
        proposal.firstViolation(among: checks, limit: min(limit, invariants.count), in: state)
    }

    public func fingerprint(of state: P.State) -> UInt64 { proposal.fingerprint(of: state, symmetric: symmetric) }

    public var properties: [Property<P.State>] {
        let proposal = self.proposal
        var out: [Property<P.State>] = checks.map { name in
            .always(name.rawValue) { proposal.violation(of: name, in: $0) == nil }
        }
        for goal in goals {
            out.append(.sometimes(goal.name) { state in goal.atoms.allSatisfy { proposal.holds($0, in: state) } })
        }
        if watchesGuestIOTLB {
            out.append(.sometimes(Self.staleGuestWarning) { Invariants.staleGuestIOTLBEntry(in: proposal.view(of: $0)) != nil })
        }
        return out
    }

    /// The witness name of SPEC §3's warning; reported as a warning, never as a goal.
    public static var staleGuestWarning: String { "stale-guest-iotlb" }

    /// The violation of `name` in `state`, for the report.
    public func violation(_ name: String, in state: P.State) -> Violation? {
        guard let i = checks.first(where: { $0.rawValue == name }) else { return nil }
        return proposal.violation(of: i, in: state)
    }
}
