/// What an action reads and writes when taken in one state, as a set of at most 64 resources the
/// model names (one bit each; a model may fold many resources onto one bit, which only makes
/// more actions depend on each other). Sleep sets (`SearchLimits.sleepSets`) use it as their
/// independence relation.
///
/// A model promises, for two actions `a` and `b` both offered in state `s` whose footprints in
/// `s` commute: `a` then `b` and `b` then `a` reach the same state, and each action has in the
/// other's successor the outcome (and the effect) it has in `s`. Writing a resource implies
/// reading it, so two writers of one resource never commute.
public struct Footprint: Sendable, Equatable {
    public var reads: UInt64
    public var writes: UInt64

    @inlinable public init(reads: UInt64, writes: UInt64) {
        self.reads = reads | writes
        self.writes = writes
    }

    /// Depends on every action: what a model says of actions it does not analyse.
    public static let everything = Footprint(reads: .max, writes: .max)

    /// The same reads, no writes: the footprint of an action that left the state as it was.
    @inlinable public var readOnly: Footprint { Footprint(reads: reads, writes: 0) }

    /// Whether the two actions commute in the state both footprints were taken in.
    @inlinable public func commutes(with other: Footprint) -> Bool {
        writes & other.reads == 0 && other.writes & reads == 0
    }
}
