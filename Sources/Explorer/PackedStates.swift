#if canImport(Glibc)
import Glibc
#endif

/// One worker's new states of a BFS level, as the model encoded them, packed: every word is
/// written as a LEB128 varint (a model's words are mostly small counts, ids and flags, so a state
/// of 40 words takes about a quarter of its 320 bytes), in fixed-size chunks that never move.
///
/// A chunk is a slotted page: state bytes grow from its start, each state's start offset (a
/// `UInt32`) from its end. Chunks are never reallocated, so a level costs its bytes plus one
/// partly filled chunk per worker — no doubling slack and no copy when the level ends: the
/// frontier takes the workers' chunks as they are.
@usableFromInline final class PackedStates: @unchecked Sendable {
    @usableFromInline static var chunkBytes: Int { 1 << 20 }

    @usableFromInline var chunks: [PackedChunk] = []
    @usableFromInline var count = 0

    @usableFromInline init() {}

    deinit { for c in chunks { free(c.base) } }

    /// Bytes the chunks occupy (allocated, not only used).
    @usableFromInline var bytes: Int { chunks.reduce(0) { $0 + $1.capacity } }

    /// Appends one state's words.
    @inlinable func append(_ words: UnsafeBufferPointer<UInt64>) {
        // Room for the longest encoding (10 bytes a word) and the offset.
        let need = words.count * 10 + 4
        if chunks.isEmpty || chunks[chunks.count - 1].free < need {
            chunks.append(PackedChunk(capacity: max(Self.chunkBytes, need), firstIndex: count))
        }
        chunks.withUnsafeMutableBufferPointer { $0[$0.count - 1].append(words) }
        count += 1
    }
}

/// A chunk of `PackedStates`: `used` bytes of states from `base`, and below `base + capacity` the
/// start offset of each of its `count` states, first state last.
@usableFromInline struct PackedChunk: @unchecked Sendable {
    @usableFromInline let base: UnsafeMutablePointer<UInt8>
    @usableFromInline let capacity: Int
    /// The index of the chunk's first state in its worker's output, then in the whole level.
    @usableFromInline var firstIndex: Int
    @usableFromInline var used = 0
    @usableFromInline var count = 0

    @usableFromInline init(capacity: Int, firstIndex: Int) {
        guard let raw = malloc(capacity) else { fatalError("out of memory for a frontier chunk of \(capacity) bytes") }
        base = raw.assumingMemoryBound(to: UInt8.self)
        self.capacity = capacity
        self.firstIndex = firstIndex
    }

    @inlinable var free: Int { capacity - used - count * 4 }

    @inlinable var offsets: UnsafeMutablePointer<UInt32> {
        UnsafeMutableRawPointer(base + capacity).assumingMemoryBound(to: UInt32.self) - 1
    }

    @inlinable mutating func append(_ words: UnsafeBufferPointer<UInt64>) {
        (offsets - count).pointee = UInt32(truncatingIfNeeded: used)
        var p = base + used
        for var w in words {
            while w >= 0x80 {
                p.pointee = UInt8(truncatingIfNeeded: w) | 0x80
                p += 1
                w >>= 7
            }
            p.pointee = UInt8(truncatingIfNeeded: w)
            p += 1
        }
        used = p - base
        count += 1
    }

    /// Unpacks local state `j` into `words` (replacing its contents).
    @inlinable func unpack(_ j: Int, into words: inout [UInt64]) {
        let start = Int((offsets - j).pointee)
        let end = j + 1 < count ? Int((offsets - j - 1).pointee) : used
        words.removeAll(keepingCapacity: true)
        var p = base + start
        let stop = base + end
        while p < stop {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let b = p.pointee
                p += 1
                w |= UInt64(b & 0x7f) << shift
                if b < 0x80 { break }
                shift += 7
            }
            words.append(w)
        }
    }
}

/// The chunks of a whole level, for the workers: state `i` is found by binary search on the
/// chunks' first indices (a level has a few hundred chunks; a state's expansion costs far more).
@usableFromInline struct PackedLevel: @unchecked Sendable {
    @usableFromInline let chunks: UnsafeBufferPointer<PackedChunk>
    @usableFromInline let count: Int

    @inlinable init(chunks: UnsafeBufferPointer<PackedChunk>, count: Int) {
        self.chunks = chunks
        self.count = count
    }

    @inlinable func unpack(_ i: Int, into words: inout [UInt64]) {
        var lo = 0, hi = chunks.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if chunks[mid].firstIndex <= i { lo = mid } else { hi = mid - 1 }
        }
        chunks[lo].unpack(i - chunks[lo].firstIndex, into: &words)
    }
}
