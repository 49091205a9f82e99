/// What one action does to a state, as the breadth-first workers want to know it.
///
/// Most actions a domain model offers fail (an operation on an object that does not exist, a
/// second bind, an unmap of nothing) and leave the state exactly as it was. A model that can say
/// so cheaply (`unchanged`) spares the explorer the successor's fingerprint, its symmetry
/// canonicalisation and the visited-set lookup: the result is the parent, which is visited.
@frozen
public enum Successor<State> {
    /// The action does not apply (or its result is cut off by the model's bounds).
    case disabled
    /// The action applies and leaves the state equal to the one it started from: a self-loop.
    case unchanged
    /// The action leads to this state (which may still equal the parent; the explorer checks).
    case changed(State)
}

extension Successor: Sendable where State: Sendable {}
