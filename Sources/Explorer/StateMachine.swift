/// A model the explorer can search: initial states, the actions enabled in a state, the successor
/// an action leads to, a fingerprint of a state, and the properties to check. The explorer knows
/// nothing else about the domain (it never imports the IOMMU model).
public protocol StateMachine: Sendable {
    associatedtype State: Sendable
    associatedtype Action: Sendable

    /// The states a search starts from.
    var initialStates: [State] { get }
    /// Appends the actions enabled in `state` to `actions`, in a deterministic order: a trace
    /// records an action by its position in this list and is rebuilt by replaying.
    func actions(of state: State, into actions: inout [Action])
    /// The same actions as families, produced lazily (`ActionFamilies`), so that a state with very
    /// many is expanded in bounded batches that a stop request can interrupt. By default, the
    /// actions of `actions(of:into:)`, listed.
    func actions(of state: State, into families: inout ActionFamilies<Action>)
    /// Whether the model implements `actions(of:into:)` with families of its own; when not, the
    /// explorer asks for the listed form directly (no families are built per state).
    static var producesActionFamilies: Bool { get }
    /// The state `action` leads to from `state`, or nil when the action does not apply.
    func successor(of state: State, after action: Action) -> State?
    /// The same step, saying `unchanged` where the model knows cheaply that the action leaves
    /// `state` as it was (see `Successor`); it must agree with `successor(of:after:)`. By
    /// default, `successor(of:after:)` as `changed` or `disabled`.
    func advance(_ state: State, by action: Action) -> Successor<State>
    /// The same step again, for a model that edits a state in place: `scratch` equals `state` on
    /// entry and must equal it on return. A failing operation then costs no copy of the state at
    /// all (the explorer keeps one scratch copy per expanded state). By default, the form above.
    func advance(_ scratch: inout State, from state: State, by action: Action) -> Successor<State>
    /// The position in `invariants` (the `always` properties, in order) of the first that fails
    /// in `state`, looking at the first `limit` only; nil when they hold. By default each
    /// property in turn; a model whose invariants share work (one view of the state) does that
    /// work once.
    func firstFailingInvariant(_ state: State, limit: Int, of invariants: [Property<State>]) -> Int?
    /// A deterministic 64-bit fingerprint of `state` (see `Fingerprint`); equal states must give
    /// equal fingerprints, and a model with symmetry fingerprints its canonical representative.
    func fingerprint(of state: State) -> UInt64
    /// The invariants (`always`) and reachability goals (`sometimes`) to check.
    var properties: [Property<State>] { get }
    /// A copy that shares no reference-counted storage with `self`, for one parallel worker:
    /// workers that retain and release the same buffers contend on their reference counts.
    func replica() -> Self
    /// A copy of `state` whose storage is private to the calling worker, for models whose states
    /// share copy-on-write buffers (siblings share their parent's): expanding it then touches no
    /// reference count another worker touches.
    func unshared(_ state: State) -> State
    /// Whether `encode` and `decode` are implemented: breadth-first search then keeps its frontier
    /// as words rather than as states (compact, and read back into buffers private to a worker).
    var encodesStates: Bool { get }
    /// Appends `state` as words.
    func encode(_ state: State, into words: inout [UInt64])
    /// The state `encode` wrote as these words.
    func decode(_ words: UnsafeBufferPointer<UInt64>) -> State?
    /// For sleep sets: a name of `action` below 2^62 that is the same in every state and differs
    /// between different actions (nil: the action is never put to sleep). By default nil.
    func sleepKey(of action: Action) -> UInt64?
    /// For sleep sets: what `action` reads and writes when taken in `state` (see `Footprint`).
    /// By default `everything`: no two actions commute.
    func footprint(of action: Action, in state: State) -> Footprint
}

extension StateMachine {
    @inlinable public static var producesActionFamilies: Bool { false }
    @inlinable public func actions(of state: State, into families: inout ActionFamilies<Action>) {
        families.appendListed { actions(of: state, into: &$0) }
    }
    @inlinable public func advance(_ state: State, by action: Action) -> Successor<State> {
        guard let next = successor(of: state, after: action) else { return .disabled }
        return .changed(next)
    }
    @inlinable public func advance(_ scratch: inout State, from state: State, by action: Action) -> Successor<State> {
        advance(state, by: action)
    }
    @inlinable public func firstFailingInvariant(_ state: State, limit: Int, of invariants: [Property<State>]) -> Int? {
        for p in 0..<min(limit, invariants.count) where !invariants[p].holds(state) { return p }
        return nil
    }
    public func replica() -> Self { self }
    public func unshared(_ state: State) -> State { state }
    public var encodesStates: Bool { false }
    public func encode(_ state: State, into words: inout [UInt64]) {}
    public func decode(_ words: UnsafeBufferPointer<UInt64>) -> State? { nil }
    public func sleepKey(of action: Action) -> UInt64? { nil }
    public func footprint(of action: Action, in state: State) -> Footprint { .everything }
}

/// A named property of states.
public struct Property<State>: Sendable {
    public enum Kind: Sendable, Equatable {
        /// Must hold in every reachable state; a state where it fails is a counterexample.
        case always
        /// Must hold in some reachable state; the first one found is a witness.
        case sometimes
    }

    public var name: String
    public var kind: Kind
    public var holds: @Sendable (State) -> Bool

    /// An invariant.
    public static func always(_ name: String, _ holds: @escaping @Sendable (State) -> Bool) -> Property {
        Property(name: name, kind: .always, holds: holds)
    }

    /// A reachability goal.
    public static func sometimes(_ name: String, _ holds: @escaping @Sendable (State) -> Bool) -> Property {
        Property(name: name, kind: .sometimes, holds: holds)
    }
}
