/// One level of a breadth-first search: the states to expand, as values or — for a model that
/// encodes its states — as words, state `i` being `words[ends[i - 1] ..< ends[i]]`.
@usableFromInline struct Frontier<State> {
    @usableFromInline var values: [State] = []
    @usableFromInline var words: [UInt64] = []
    @usableFromInline var ends: [Int] = []

    @inlinable init() {}

    @inlinable var count: Int { values.count + ends.count }
    @inlinable var isEmpty: Bool { count == 0 }

    /// Appends one worker's output of a level.
    @inlinable mutating func append(values more: [State], words moreWords: [UInt64], ends moreEnds: [Int]) {
        values.append(contentsOf: more)
        let offset = words.count
        words.append(contentsOf: moreWords)
        ends.append(contentsOf: moreEnds.lazy.map { $0 + offset })
    }
}

/// A level's states for the workers, read through pointers valid while the level is expanded.
@usableFromInline struct FrontierView<State>: @unchecked Sendable {
    @usableFromInline let values: UnsafeBufferPointer<State>
    @usableFromInline let words: UnsafeBufferPointer<UInt64>
    @usableFromInline let ends: UnsafeBufferPointer<Int>

    @inlinable init(values: UnsafeBufferPointer<State>, words: UnsafeBufferPointer<UInt64>, ends: UnsafeBufferPointer<Int>) {
        self.values = values
        self.words = words
        self.ends = ends
    }

    @inlinable var count: Int { values.count + ends.count }

    /// The words of encoded state `i`, or nil when the level holds values.
    @inlinable func encoded(_ i: Int) -> UnsafeBufferPointer<UInt64>? {
        guard values.isEmpty else { return nil }
        let start = i == 0 ? 0 : ends[i - 1]
        return UnsafeBufferPointer(rebasing: words[start..<ends[i]])
    }
}
