import Explorer

/// A design the shared iommufd machine (`IOMMUFD`) runs. Each such design is a small concrete
/// type of its own (its name, groups and object kinds) holding a `MachineCore`; the transitions,
/// actions and state layout below are the machine's, shared until a design moves to a state and
/// operations of its own. Concrete types (not one generic one) so that every design's search is
/// compiled for its own types.
public protocol MachineProposal: Proposal where State == IOMMUFDState, Operation == IOMMUFDOperation, View == IOMMUFDView {
    static var proposalName: ProposalName { get }
    var core: MachineCore { get }
    init(core: MachineCore)
}

/// The machine configured by one model: transitions, action space, symmetry. (A struct stored in
/// each design: its members are then read in place; a class's would be copied out per call.)
public struct MachineCore: Sendable {
    public let machine: IOMMUFD
    public let space: ActionSpace
    /// Device permutations whose states are one (nil when nothing is interchangeable).
    let symmetry: IOMMUFDSymmetry?

    init(machine: IOMMUFD, space: ActionSpace, symmetry: IOMMUFDSymmetry?) {
        self.machine = machine
        self.space = space
        self.symmetry = symmetry
    }

    public init(model: Model, design: ProposalName) {
        var config = model.config
        config.proposal = design
        let machine = IOMMUFD(topology: model.topology, config: config)
        let space = ActionSpace(topology: model.topology, bounds: model.explore ?? ExploreBounds(), config: config)
        var named: Set<Int> = []
        for goal in model.goals {
            for atom in goal.atoms {
                switch atom {
                case .routed(let d, _, _), .joined(let d, _): named.insert(d)
                }
            }
        }
        let s = IOMMUFDSymmetry(topology: model.topology, distinguished: named)
        self.init(machine: machine, space: space, symmetry: s.isTrivial ? nil : s)
    }

    // The explorer's hot path, written for the core's concrete types. Each design implements its
    // `successor`, `violation` and `fingerprint` by calling these from its own (non-generic)
    // methods: reached through the protocol extension's generic defaults instead, the same work
    // costs about 10 % more instructions (callgrind, bench-small).

    public func successor(of state: IOMMUFDState, after op: IOMMUFDOperation, coverage: Coverage<IOMMUFDOperation>) -> IOMMUFDState? {
        let (next, outcome) = machine.apply(op, to: state)
        if space.exceedsCaps(next) {
            coverage.record(op, CoverageCode.capped)
            return nil
        }
        coverage.record(op, outcome)
        return next
    }

    public func violation(of name: InvariantName, in state: IOMMUFDState) -> Violation? {
        Invariants.check(name, in: IOMMUFDView(machine: machine, state: state))
    }

    /// The smallest fingerprint over the symmetric renamings.
    public func fingerprint(of state: IOMMUFDState, symmetric: Bool) -> UInt64 {
        var f = Fingerprint()
        state.encode(into: &f)
        var best = f.value
        if symmetric, let symmetry {
            for p in symmetry.permutations {
                var g = Fingerprint()
                state.permuted(devices: p.devices, groups: p.groups).encode(into: &g)
                best = min(best, g.value)
            }
        }
        return best
    }
}

extension ExploreGroup {
    /// TRANSLATE as every design on the machine explores it.
    static let translate = ExploreGroup("translate", "TRANSLATE: DMA by every routed device at each IOVA of the window")
}

extension MachineProposal {
    public static var name: String { proposalName.rawValue }
    public static var summary: String { proposalName.explanation }
    public static var knobs: [DesignKnob] {
        Knob.allCases.filter { $0.owners.contains(proposalName) }.map {
            DesignKnob($0.rawValue, values: $0.values, default: $0.defaultValue(for: proposalName), $0.explanation)
        }
    }
    public static func offers(_ kind: IOMMUFDOperation.Kind) -> Bool { IOMMUFDOperation.catalog.spec(kind).proposals.contains(proposalName) }

    public init(model: Model) { self.init(core: MachineCore(model: model, design: Self.proposalName)) }


    public var topology: Topology { core.machine.topology }
    public var initialState: IOMMUFDState { core.machine.initialState }

    public func apply(_ op: IOMMUFDOperation, to state: inout IOMMUFDState) -> Outcome { core.machine.apply(op, to: &state) }
    public func apply(_ op: IOMMUFDOperation, to state: IOMMUFDState) -> (IOMMUFDState, Outcome) { core.machine.apply(op, to: state) }
    public func view(of state: IOMMUFDState) -> IOMMUFDView { IOMMUFDView(machine: core.machine, state: state) }

    public func violation(of name: InvariantName, in state: IOMMUFDState) -> Violation? { core.violation(of: name, in: state) }

    public func successor(of state: IOMMUFDState, after op: IOMMUFDOperation, coverage: Coverage<IOMMUFDOperation>) -> IOMMUFDState? {
        core.successor(of: state, after: op, coverage: coverage)
    }
    public func actions(of state: IOMMUFDState, into out: inout [IOMMUFDOperation]) { core.space.actions(of: state, into: &out) }
    public func exceedsCaps(_ state: IOMMUFDState) -> Bool { core.space.exceedsCaps(state) }

    public func holds(_ atom: GoalAtom, in s: IOMMUFDState) -> Bool {
        switch atom {
        case .routed:
            return atom.holds(in: s.hardware, topology)
        case .joined(let device, let fd):
            guard s.boundIDs[device] != 0 else { return false }
            // Only dev-ioasid has several fds; the others have one.
            return !s.hasProposalState || s.proposal.deviceFds.isEmpty || s.ioasidFd(of: device) == fd
        }
    }

    /// Each worker gets its own core: its own topology buffers and action space.
    public func replica() -> Self {
        var machine = core.machine
        machine.topology = machine.topology.replica()
        let space = ActionSpace(topology: machine.topology, bounds: core.space.bounds, config: core.space.config)
        return Self(core: MachineCore(machine: machine, space: space, symmetry: core.symmetry))
    }

    public func encode<W: WordSink>(_ state: IOMMUFDState, into sink: inout W) { state.encode(into: &sink) }
    public func decode(_ reader: inout WordReader) -> IOMMUFDState? { IOMMUFDState.decode(&reader) }
    public func unshared(_ state: IOMMUFDState) -> IOMMUFDState { state.unshared() }

    public func fingerprint(of state: IOMMUFDState, symmetric: Bool) -> UInt64 { core.fingerprint(of: state, symmetric: symmetric) }

    public func describe(_ state: IOMMUFDState) -> [String] { state.describe(topology) }
    public func changes(from old: IOMMUFDState, to new: IOMMUFDState) -> [String] { new.changes(since: old, topology) }
    public func dot(_ state: IOMMUFDState, violation: Violation?) -> String { DotPicture.render(state, topology, violation: violation) }
}
