/// One level of a breadth-first search: the states to expand, as values or — for a model that
/// encodes its states — packed (`PackedStates`), each worker's output kept as it was written.
@usableFromInline struct Frontier<State> {
    @usableFromInline var values: [State] = []
    /// The workers' outputs, which own the chunks.
    @usableFromInline var owners: [PackedStates] = []
    /// Every chunk of the level, numbered through the whole level.
    @usableFromInline var chunks: [PackedChunk] = []
    @usableFromInline var packedCount = 0

    @inlinable init() {}

    @inlinable var count: Int { values.count + packedCount }
    @inlinable var isEmpty: Bool { count == 0 }
    /// Bytes of the packed states (values are not counted: their size is the model's business).
    @inlinable var bytes: Int { owners.reduce(0) { $0 + $1.bytes } }

    /// Appends one worker's output of a level.
    @inlinable mutating func append(values more: [State], packed: PackedStates) {
        values.append(contentsOf: more)
        for var c in packed.chunks {
            c.firstIndex += packedCount
            chunks.append(c)
        }
        packedCount += packed.count
        owners.append(packed)
    }

    /// Runs `body` with a view of the level for the workers, valid only inside it.
    @inlinable func withView<R>(_ body: (FrontierView<State>) -> R) -> R {
        values.withUnsafeBufferPointer { values in
            chunks.withUnsafeBufferPointer { chunks in
                body(FrontierView(values: values, packed: PackedLevel(chunks: chunks, count: packedCount)))
            }
        }
    }
}

/// A level's states for the workers, read through pointers valid while the level is expanded.
@usableFromInline struct FrontierView<State>: @unchecked Sendable {
    @usableFromInline let values: UnsafeBufferPointer<State>
    @usableFromInline let packed: PackedLevel

    @inlinable init(values: UnsafeBufferPointer<State>, packed: PackedLevel) {
        self.values = values
        self.packed = packed
    }

    @inlinable var count: Int { values.count + packed.count }

    /// Unpacks encoded state `i` into `words`; false when the level holds values.
    @inlinable func unpack(_ i: Int, into words: inout [UInt64]) -> Bool {
        guard values.isEmpty else { return false }
        packed.unpack(i, into: &words)
        return true
    }
}
