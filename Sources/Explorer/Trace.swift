/// Parent links for every discovered state, by discovery index: the parent's index and the
/// action's position in the parent's action list — 8 bytes a state. A trace is rebuilt by
/// replaying those actions from the initial state, so no state is stored for it.
public struct ParentLinks: Sendable {
    @usableFromInline var parents: [UInt32] = []
    @usableFromInline var actions: [UInt32] = []

    @inlinable public init() {}

    /// Marks an initial state (its own parent).
    @inlinable mutating func addRoot() -> UInt32 {
        let id = UInt32(parents.count)
        parents.append(id)
        actions.append(0)
        return id
    }

    @inlinable mutating func add(parent: UInt32, action: Int) -> UInt32 {
        let id = UInt32(parents.count)
        parents.append(parent)
        actions.append(UInt32(truncatingIfNeeded: action))
        return id
    }

    /// Appends one worker's links of a level; returns the id of the first.
    @inlinable mutating func append(parents newParents: [UInt32], actions newActions: [UInt32]) -> UInt32 {
        let first = UInt32(parents.count)
        parents.append(contentsOf: newParents)
        actions.append(contentsOf: newActions)
        return first
    }

    /// Bytes the links occupy.
    @inlinable public var bytes: Int { parents.count * (MemoryLayout<UInt32>.stride + MemoryLayout<UInt32>.stride) }

    /// The root index and action positions leading to `id`.
    @inlinable func path(to id: UInt32) -> (root: Int, steps: [Int]) {
        var steps: [Int] = []
        var i = id
        while parents[Int(i)] != i {
            steps.append(Int(actions[Int(i)]))
            i = parents[Int(i)]
        }
        return (Int(i), steps.reversed())
    }
}

/// A counterexample or witness: the initial state and each action with the state it led to.
public struct Trace<M: StateMachine>: Sendable {
    public var initial: M.State
    public var steps: [(action: M.Action, state: M.State)]

    /// Replays `positions` (indices into each state's action list) from initial state `root`.
    /// Returns nil if the model no longer produces that path (it changed since the search).
    public static func replay(_ model: M, root: Int, positions: [Int]) -> Trace? {
        let initials = model.initialStates
        guard initials.indices.contains(root) else { return nil }
        var trace = Trace(initial: initials[root], steps: [])
        var state = initials[root]
        var actions = ActionFamilies<M.Action>()
        for p in positions {
            actions.removeAll()
            model.actions(of: state, into: &actions)
            guard (0..<actions.count).contains(p), let next = model.successor(of: state, after: actions[p]) else { return nil }
            trace.steps.append((actions[p], next))
            state = next
        }
        return trace
    }
}

extension ParentLinks {
    /// The trace to state `id`, rebuilt by replaying its actions from its initial state.
    @inlinable public func trace<M: StateMachine>(to id: UInt32, in model: M) -> Trace<M>? {
        let path = path(to: id)
        return Trace.replay(model, root: path.root, positions: path.steps)
    }
}
