import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The visited set of breadth-first search: an open-addressing table of 64-bit fingerprints
/// (0 = empty) that several workers insert into at once. A lookup is a plain load; only claiming
/// an empty slot is a compare-and-swap, and a slot never changes once claimed, so a worker that
/// loses the race simply sees the winner's fingerprint. Growth is not concurrent: the search
/// pauses its workers and calls `grow()` (see `InsertBudget`).
///
/// The slots live outside Swift's arrays (no copy-on-write checks in the hot loop) in memory
/// advised for transparent huge pages: the table is read at random, and with 4 KiB pages nearly
/// every probe of a large table is also a TLB miss.
public final class SharedFingerprintTable: @unchecked Sendable {
    @usableFromInline var slots: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline var mask: Int
    /// Kept by the caller: workers count their own inserts, and the search adds them up between
    /// rounds, so no counter is shared by every insert.
    public var count = 0

    /// A table that holds `expected` fingerprints at 3/4 load without growing.
    public init(expected: Int) {
        let capacity = Self.capacity(forExpected: expected)
        slots = Self.allocate(capacity)
        mask = capacity - 1
    }

    deinit { Self.release(slots, mask + 1) }

    public var capacity: Int { mask + 1 }

    /// Slots a table pre-sized for `expected` fingerprints has: a power of two at most 3/4 full.
    public static func capacity(forExpected expected: Int) -> Int {
        var capacity = 1 << 4
        while capacity / 4 * 3 < expected { capacity <<= 1 }
        return capacity
    }

    /// Bytes such a table occupies.
    public static func bytes(forExpected expected: Int) -> Int { capacity(forExpected: expected) * MemoryLayout<UInt64>.stride }
    public var bytes: Int { capacity * MemoryLayout<UInt64>.stride }

    /// The table for the workers of one round (no growth until they are done): plain values,
    /// because every access to a class's `var` is a dynamic exclusivity check.
    @inlinable public var view: View { View(slots: slots, mask: mask) }

    /// Inserts `fingerprint` (non-zero); false when it was already present.
    public func insert(_ fingerprint: UInt64) -> Bool { view.insert(fingerprint) }

    public struct View: @unchecked Sendable {
        @usableFromInline let slots: UnsafeMutablePointer<Atomic<UInt64>>
        @usableFromInline let mask: Int

        @inlinable init(slots: UnsafeMutablePointer<Atomic<UInt64>>, mask: Int) {
            self.slots = slots
            self.mask = mask
        }

        /// Reads the slot `fingerprint` hashes to, so that its cache line is on its way before
        /// the insert needs it: a search loads all of a state's successor slots first, then inserts.
        @inlinable public func touch(_ fingerprint: UInt64) -> UInt64 {
            slots[Int(truncatingIfNeeded: fingerprint) & mask].load(ordering: .relaxed)
        }

        /// Inserts `fingerprint` (non-zero); false when it was already present. Safe from several
        /// threads at once.
        @inlinable public func insert(_ fingerprint: UInt64) -> Bool {
            var i = Int(truncatingIfNeeded: fingerprint) & mask
            while true {
                let s = slots[i].load(ordering: .relaxed)
                if s == fingerprint { return false }
                if s == 0 {
                    let (won, found) = slots[i].compareExchange(expected: 0, desired: fingerprint, ordering: .relaxed)
                    if won { return true }
                    if found == fingerprint { return false }
                }
                i = (i + 1) & mask
            }
        }
    }

    /// Doubles the table until `count + headroom` fits at 3/4 load. Single-threaded.
    public func grow(toHold headroom: Int) {
        var capacity = mask + 1
        while capacity / 4 * 3 < count + headroom { capacity <<= 1 }
        guard capacity != mask + 1 else { return }
        let old = slots, oldCapacity = mask + 1
        slots = Self.allocate(capacity)
        mask = capacity - 1
        for j in 0..<oldCapacity {
            let s = old[j].load(ordering: .relaxed)
            guard s != 0 else { continue }
            var i = Int(truncatingIfNeeded: s) & mask
            while slots[i].load(ordering: .relaxed) != 0 { i = (i + 1) & mask }
            slots[i].store(s, ordering: .relaxed)
        }
        Self.release(old, oldCapacity)
    }

    private static let hugePage = 1 << 21

    private static func allocate(_ capacity: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        let bytes = capacity * MemoryLayout<UInt64>.stride
        #if canImport(Glibc)
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, bytes >= hugePage ? hugePage : 64, bytes) == 0, let raw else {
            fatalError("out of memory for a visited set of \(bytes) bytes")
        }
        if bytes >= hugePage { _ = madvise(raw, bytes, MADV_HUGEPAGE) }
        #else
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        #endif
        raw.initializeMemory(as: UInt64.self, repeating: 0, count: capacity)
        return raw.assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    private static func release(_ slots: UnsafeMutablePointer<Atomic<UInt64>>, _ capacity: Int) {
        #if canImport(Glibc)
        free(slots)
        #else
        UnsafeMutableRawPointer(slots).deallocate()
        #endif
    }
}
