/// Parent links for the states of every level but the last, by discovery index: the parent's
/// index and the action's position in the parent's action list — 8 bytes a state. A trace is
/// rebuilt by replaying those actions from the initial state, so no state is stored for it.
///
/// Each worker's links of a level are taken over as they are (no copy into one array): a state's
/// segment is found by binary search over the segments' first ids.
public struct ParentLinks: Sendable {
    @usableFromInline struct Segment: Sendable {
        @usableFromInline var first: UInt32
        @usableFromInline var parents: [UInt32]
        @usableFromInline var actions: [UInt32]
        @inlinable init(first: UInt32, parents: [UInt32], actions: [UInt32]) {
            self.first = first
            self.parents = parents
            self.actions = actions
        }
    }
    @usableFromInline var segments: [Segment] = []
    /// Ids given so far.
    @usableFromInline var count = 0

    @inlinable public init() {}

    /// Marks an initial state (its own parent).
    @inlinable mutating func addRoot() -> UInt32 {
        let id = UInt32(count)
        if segments.isEmpty { segments.append(Segment(first: 0, parents: [], actions: [])) }
        precondition(segments.count == 1, "initial states come first")
        segments[0].parents.append(id)
        segments[0].actions.append(0)
        count += 1
        return id
    }

    /// Takes one worker's links of a level (leaving its arrays empty); returns the id of the first.
    @inlinable mutating func take(parents newParents: inout [UInt32], actions newActions: inout [UInt32]) -> UInt32 {
        let first = UInt32(count)
        guard !newParents.isEmpty else { return first }
        var segment = Segment(first: first, parents: [], actions: [])
        swap(&segment.parents, &newParents)
        swap(&segment.actions, &newActions)
        count += segment.parents.count
        segments.append(segment)
        return first
    }

    /// Bytes the links occupy.
    @inlinable public var bytes: Int { count * (MemoryLayout<UInt32>.stride + MemoryLayout<UInt32>.stride) }

    @inlinable func link(_ id: UInt32) -> (parent: UInt32, action: UInt32) {
        var lo = 0, hi = segments.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if segments[mid].first <= id { lo = mid } else { hi = mid - 1 }
        }
        let k = Int(id - segments[lo].first)
        return (segments[lo].parents[k], segments[lo].actions[k])
    }

    /// The root index and action positions leading to `id`.
    @inlinable func path(to id: UInt32) -> (root: Int, steps: [Int]) {
        var steps: [Int] = []
        var i = id
        while true {
            let (parent, action) = link(i)
            if parent == i { break }
            steps.append(Int(action))
            i = parent
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

    /// The trace to the state reached from state `parent` by the action at `position`.
    @inlinable public func trace<M: StateMachine>(from parent: UInt32, position: UInt32, in model: M) -> Trace<M>? {
        let path = path(to: parent)
        return Trace.replay(model, root: path.root, positions: path.steps + [Int(position)])
    }
}

extension ParentLinks {
    /// Links restored from a checkpoint, ids from 0.
    @inlinable init(parents: [UInt32], actions: [UInt32]) {
        self.init()
        if !parents.isEmpty { segments = [Segment(first: 0, parents: parents, actions: actions)] }
        count = parents.count
    }

    /// Every link in id order, for a checkpoint.
    @inlinable func forEach(_ body: (UInt32, UInt32) -> Void) {
        for s in segments {
            for k in s.parents.indices { body(s.parents[k], s.actions[k]) }
        }
    }
}
