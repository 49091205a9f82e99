import Explorer

/// One uAPI design: its operations, its state, its transitions and how the explorer drives it.
/// Each design lives in its own folder under `Proposals/` and is named once, in
/// `ProposalRegistry.standard`; everything else (the model loader, scenarios, `check`, `diff`,
/// `replay`, coverage, `list`) works through this protocol.
///
/// A conforming type is the design *configured by one model file*: its topology, its knob
/// settings and the model's `explore` bounds. It must be a pure function of those: `apply` is
/// total and deterministic, and equal states give equal outcomes.
public protocol Proposal: Sendable {
    associatedtype State: Hashable & Sendable
    associatedtype Operation: CatalogOperation
    associatedtype View: HardwareView

    /// The word after `proposal` in a model file.
    static var name: String { get }
    /// One line for `modelcheck list`.
    static var summary: String { get }
    /// The knobs the design reads (`set NAME = VALUE`), each with its values and its default here.
    static var knobs: [DesignKnob] { get }
    /// Invariants of the design's own, checked beside the shared five (`violation(of:in:)` must
    /// answer for them).
    static var invariants: [DesignInvariant] { get }
    /// The words of `explore { ops … }`, in the design's own terms.
    static var groups: [ExploreGroup] { get }
    /// The kinds `explore { objects … }` may cap.
    static var objectKinds: [ObjectKind] { get }
    /// The model-file statements the design takes beyond the shared topology.
    static var features: Set<ModelFeature> { get }
    /// Whether the design offers operations of `kind` (a catalog may be shared by designs).
    static func offers(_ kind: Operation.Kind) -> Bool

    /// The design configured by a loaded model.
    init(model: Model)
    var topology: Topology { get }
    var initialState: State { get }

    /// Applies `op` in place; a failure leaves `state` as it was, except where the kernel itself
    /// keeps partial effects (a non-atomic unmap).
    func apply(_ op: Operation, to state: inout State) -> Outcome
    /// The pure form: the next state and the outcome.
    func apply(_ op: Operation, to state: State) -> (State, Outcome)

    /// What the shared invariants read.
    func view(of state: State) -> View
    /// The violation of invariant `name` in `state`, nil when it holds. (The default checks
    /// `view(of:)`; a design implements it itself only to have it compiled for its own view.)
    func violation(of name: InvariantName, in state: State) -> Violation?
    /// The position in `names` of the first invariant violated in `state`, among the first
    /// `limit`; nil when they hold: `violation(of:in:)` of each in turn. (A design implements it
    /// to check them all on one view of the state.)
    func firstViolation(among names: [InvariantName], limit: Int, in state: State) -> Int?
    /// The explorer's successor: `op` applied to `state`, nil when the result exceeds the caps;
    /// the outcome is counted in `coverage`. (The default is written in terms of the other
    /// requirements; a design implements it itself only to have the hot path compiled for its
    /// own types.)
    func successor(of state: State, after op: Operation, coverage: Coverage<Operation>) -> State?
    /// The explorer's step, the same as `successor` but `unchanged` for an operation that leaves
    /// the state as it was (most failing ones), so that the explorer need not fingerprint it.
    /// (Provided, likewise; a design implements it to have it compiled for its own types.)
    func advance(_ state: State, by op: Operation, coverage: Coverage<Operation>) -> Successor<State>
    /// The same in place on `scratch`, which equals `state` on entry and on return (see
    /// `StateMachine.advance(_:from:by:)`). By default, the form above.
    func advance(_ scratch: inout State, from state: State, by op: Operation, coverage: Coverage<Operation>) -> Successor<State>
    /// Appends the operations the explorer tries in `state`, in a fixed order (a trace records an
    /// action by its position).
    func actions(of state: State, into out: inout ActionFamilies<Operation>)
    /// Whether `state` holds more objects than the `explore` caps allow (the explorer drops it).
    func exceedsCaps(_ state: State) -> Bool
    /// For `check --sleep-sets`: a name of `op` below 2^62, the same in every state and different
    /// for different operations (nil: never put to sleep). By default nil.
    func sleepKey(of op: Operation) -> UInt64?
    /// For `check --sleep-sets`: what `op` reads and writes in `state` (`Footprint`). By default
    /// `everything`, which puts nothing to sleep.
    func footprint(of op: Operation, in state: State) -> Footprint
    /// Whether a goal atom holds in `state`.
    func holds(_ atom: GoalAtom, in state: State) -> Bool

    /// A copy sharing no reference-counted storage with `self`, for one parallel worker.
    func replica() -> Self
    /// Internal bookkeeping that must agree (reference counts with the references that exist):
    /// checked by the tests' random walks after every step, not one of the invariants.
    func consistencyProblems(in state: State) -> [String]
    /// The state's layout, written once: the codec of the compact frontier and, through a
    /// fingerprint sink, the state's fingerprint.
    func encode<W: WordSink>(_ state: State, into sink: inout W)
    func decode(_ reader: inout WordReader) -> State?
    /// A copy of `state` whose buffers are private to the caller.
    func unshared(_ state: State) -> State
    /// The fingerprint of `state`'s symmetry class (with `symmetric`), else of the state itself.
    func fingerprint(of state: State, symmetric: Bool) -> UInt64
    /// The state as facts, one a line, for failure reports and traces.
    func describe(_ state: State) -> [String]
    /// What changed between two states, as `+ fact` / `- fact` lines.
    func changes(from old: State, to new: State) -> [String]
    /// The final state as a Graphviz picture (the violating route in red).
    func dot(_ state: State, violation: Violation?) -> String
    /// Runs a search of this design. (Provided; a requirement so that each design's search is
    /// compiled for its own types, which is most of the explorer's speed.)
    func search(_ model: ProposalSearchModel<Self>, _ request: SearchRequest) -> SearchResult<ProposalSearchModel<Self>>
    /// Runs `diff`'s search of two variants of this design (provided, likewise).
    func searchDifferences(_ model: DiffSearchModel<Self>, _ request: SearchRequest) -> SearchResult<DiffSearchModel<Self>>
    /// What `diff` matches steps of two variants by: the operation without the fields a knob
    /// fixes (so that each side issues its own).
    static func diffKey(_ op: Operation) -> Operation
    /// The most actions one state may offer under these bounds (see `ActionBound`), for the loader
    /// to refuse bounds beyond `ActionBound.limit`; nil when the design does not say.
    static func actionBound(_ space: ActionSpace) -> Double?
}

extension Proposal {
    public func apply(_ op: Operation, to state: State) -> (State, Outcome) {
        var next = state
        let outcome = apply(op, to: &next)
        return (next, outcome)
    }

    public static func offers(_ kind: Operation.Kind) -> Bool { true }

    public func violation(of name: InvariantName, in state: State) -> Violation? { Invariants.check(name, in: view(of: state)) }

    public func firstViolation(among names: [InvariantName], limit: Int, in state: State) -> Int? {
        // Through `violation(of:in:)`, which a design with invariants of its own extends.
        for i in 0..<min(limit, names.count) where violation(of: names[i], in: state) != nil { return i }
        return nil
    }

    public func successor(of state: State, after op: Operation, coverage: Coverage<Operation>) -> State? {
        switch advance(state, by: op, coverage: coverage) {
        case .disabled: return nil
        case .unchanged: return state
        case .changed(let next): return next
        }
    }

    public func advance(_ state: State, by op: Operation, coverage: Coverage<Operation>) -> Successor<State> {
        checkedAdvance(state, by: op, coverage: coverage)
    }

    public func advance(_ scratch: inout State, from state: State, by op: Operation, coverage: Coverage<Operation>) -> Successor<State> {
        advance(state, by: op, coverage: coverage)
    }

    /// The default `advance`, for a design to call from its own (which the compiler then builds
    /// for the design's own types). A failed operation is compared with the state it started
    /// from: a design that fails atomically returns that very state, whose buffers are shared, so
    /// the comparison costs a few identity checks. A result over the caps is cut off; the state a
    /// search reached never is, so an unchanged one needs no caps check.
    public func checkedAdvance(_ state: State, by op: Operation, coverage: Coverage<Operation>) -> Successor<State> {
        let (next, outcome) = apply(op, to: state)
        if !outcome.isSuccess && next == state {
            coverage.record(op, outcome)
            return .unchanged
        }
        if exceedsCaps(next) {
            coverage.record(op, CoverageCode.capped)
            return .disabled
        }
        coverage.record(op, outcome)
        return .changed(next)
    }
    public static var features: Set<ModelFeature> { [] }
    public static func diffKey(_ op: Operation) -> Operation { op }
    public static func actionBound(_ space: ActionSpace) -> Double? { nil }

    public func replica() -> Self { self }
    public func consistencyProblems(in state: State) -> [String] { [] }

    /// Every action of `state`, listed (for tests and the `diff` pairing).
    public func actions(of state: State, into out: inout [Operation]) {
        var families = ActionFamilies<Operation>()
        actions(of: state, into: &families)
        out.append(contentsOf: families.all)
    }
    public func unshared(_ state: State) -> State { state }
    public func sleepKey(of op: Operation) -> UInt64? { nil }
    public func footprint(of op: Operation, in state: State) -> Footprint { .everything }

    public func fingerprint(of state: State, symmetric: Bool) -> UInt64 {
        var f = Fingerprint()
        encode(state, into: &f)
        return f.value
    }

    public func changes(from old: State, to new: State) -> [String] {
        let before = describe(old), after = describe(new)
        let was = Set(before), now = Set(after)
        return before.filter { !now.contains($0) }.map { "- " + $0 } + after.filter { !was.contains($0) }.map { "+ " + $0 }
    }

    /// The operations this design offers, in catalog order.
    public static var operations: [OperationSpec] {
        Operation.Kind.allCases.filter(offers).map { Operation.catalog.spec($0) }
    }

    /// The operation `name` as this design spells it.
    public static func operation(named name: String) -> (kind: Operation.Kind, spec: OperationSpec)? {
        for kind in Operation.Kind.allCases where offers(kind) {
            let spec = Operation.catalog.spec(kind)
            if spec.name == name { return (kind, spec) }
        }
        return nil
    }

    /// The row of the operation `name` as this design spells it, with its `Kind` raw value.
    public static func catalogRow(named name: String) -> (kind: Int, spec: OperationSpec)? {
        operation(named: name).map { ($0.kind.rawValue, $0.spec) }
    }

    public static var operationNames: [String] { operations.map(\.name) }

    /// The default of `knob` here, nil when the design does not read it.
    public static func defaultValue(of knob: String) -> String? { knobs.first { $0.name == knob }?.defaultValue }

    public static var invariants: [DesignInvariant] { [] }

    /// The invariants a model of this design can name: the shared five, then its own.
    public static var invariantNames: [InvariantName] { InvariantName.allCases + invariants.map(\.name) }
}

/// A knob a design reads: `set NAME = VALUE` in a model file.
public struct DesignKnob: Hashable, Sendable {
    public var name: String
    public var values: [String]
    public var defaultValue: String
    /// One line for `modelcheck list`.
    public var explanation: String

    public init(_ name: String, values: [String], default defaultValue: String, _ explanation: String) {
        self.name = name
        self.values = values
        self.defaultValue = defaultValue
        self.explanation = explanation
    }
}

/// An invariant of a design's own.
public struct DesignInvariant: Hashable, Sendable {
    public var name: InvariantName
    /// One line for `modelcheck list`.
    public var explanation: String

    public init(_ name: String, _ explanation: String) {
        self.name = InvariantName(design: name)
        self.explanation = explanation
    }
}

/// A word of `explore { ops … }`: what it makes the explorer try.
public struct ExploreGroup: Hashable, Sendable {
    public var word: String
    /// What the group issues, for `modelcheck list`.
    public var summary: String
    /// Whether the group is explored when `ops` is not written.
    public var isDefault: Bool
    /// Other spellings accepted for it (older words of the same group).
    public var aliases: [String]

    public init(_ word: String, _ summary: String, isDefault: Bool = false, aliases: [String] = []) {
        self.word = word
        self.summary = summary
        self.isDefault = isDefault
        self.aliases = aliases
    }
}

/// A kind `explore { objects … }` may cap.
public struct ObjectKind: Hashable, Sendable {
    public var word: String
    public var summary: String
    /// False for kinds the language accepts but no explored operation creates yet.
    public var isExplored: Bool

    public init(_ word: String, _ summary: String, isExplored: Bool = true) {
        self.word = word
        self.summary = summary
        self.isExplored = isExplored
    }
}

/// Statements of a model file that only some designs take.
public enum ModelFeature: Hashable, Sendable {
    /// `container NAME` (a VFIO container, or a VM).
    case containers
    /// `container NAME quota=N`: the PASIDs the VM may hold.
    case pasidQuota
    /// Operations with `container=` need no declared container (there is one, implicitly).
    case implicitContainer
}
