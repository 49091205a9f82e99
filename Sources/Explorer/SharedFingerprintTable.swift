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
/// Below 2^23 slots a slot is the fingerprint itself (8 bytes); from 2^23 on the table switches
/// to the lossless quotient layout of `QuotientSlots` (6 bytes a slot), where the memory matters.
/// The slots live outside Swift's arrays (no copy-on-write checks in the hot loop) in memory
/// advised for transparent huge pages.
public final class SharedFingerprintTable: @unchecked Sendable {
    @usableFromInline var slots: UnsafeMutablePointer<Atomic<UInt64>>?
    @usableFromInline var compact: QuotientSlots?
    @usableFromInline var overflowOwner: QuotientOverflow?
    @usableFromInline var mask: Int
    /// Kept by the caller: workers count their own inserts, and the search adds them up between
    /// rounds, so no counter is shared by every insert.
    public var count = 0

    /// Whether a table of 2^23 slots or more takes the quotient layout.
    public let allowsCompact: Bool

    /// A table that holds `expected` fingerprints at 3/4 load without growing; `compact` selects
    /// the quotient layout for large tables.
    public init(expected: Int, compact: Bool = false) {
        mask = 0
        allowsCompact = compact
        install(capacity: Self.capacity(forExpected: expected))
    }

    deinit { releaseSlots() }

    public var capacity: Int { mask + 1 }

    /// Whether the table uses the 6-byte quotient layout.
    public var isCompact: Bool { compact != nil }

    /// Slots a table pre-sized for `expected` fingerprints has: a power of two at most 3/4 full.
    public static func capacity(forExpected expected: Int) -> Int {
        var capacity = 1 << 4
        while capacity / 4 * 3 < expected { capacity <<= 1 }
        return capacity
    }

    static func usesCompact(capacity: Int, allowed: Bool) -> Bool {
        allowed && capacity >= 1 << QuotientSlots.minimumIndexBits
    }

    /// Bytes such a table occupies.
    public static func bytes(forExpected expected: Int, compact: Bool = false) -> Int {
        let capacity = capacity(forExpected: expected)
        return capacity * (usesCompact(capacity: capacity, allowed: compact) ? QuotientSlots.bytesPerSlot : MemoryLayout<UInt64>.stride)
    }
    public var bytes: Int { compact?.bytes ?? capacity * MemoryLayout<UInt64>.stride }

    /// The table for the workers of one round (no growth until they are done): plain values,
    /// because every access to a class's `var` is a dynamic exclusivity check.
    @inlinable public var view: View { View(slots: slots, compact: compact, mask: mask) }

    /// Inserts `fingerprint` (non-zero); false when it was already present.
    public func insert(_ fingerprint: UInt64) -> Bool { view.insert(fingerprint) }

    public struct View: @unchecked Sendable {
        @usableFromInline let slots: UnsafeMutablePointer<Atomic<UInt64>>?
        @usableFromInline let compact: QuotientSlots?
        @usableFromInline let mask: Int

        @inlinable init(slots: UnsafeMutablePointer<Atomic<UInt64>>?, compact: QuotientSlots?, mask: Int) {
            self.slots = slots
            self.compact = compact
            self.mask = mask
        }

        /// Reads the slot `fingerprint` hashes to, so that its cache line is on its way before
        /// the insert needs it: a search loads all of a state's successor slots first, then inserts.
        @inlinable public func touch(_ fingerprint: UInt64) -> UInt64 {
            if let slots { return slots[Int(truncatingIfNeeded: fingerprint) & mask].load(ordering: .relaxed) }
            return compact.unsafelyUnwrapped.touch(fingerprint)
        }

        /// Inserts `fingerprint` (non-zero); false when it was already present. Safe from several
        /// threads at once.
        @inlinable public func insert(_ fingerprint: UInt64) -> Bool {
            guard let slots else { return compact.unsafelyUnwrapped.insert(fingerprint) }
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
        let oldSlots = slots, oldCompact = compact, oldOverflow = overflowOwner, oldCapacity = mask + 1
        install(capacity: capacity)
        let target = view
        if let oldSlots {
            for j in 0..<oldCapacity {
                let s = oldSlots[j].load(ordering: .relaxed)
                if s != 0 { _ = target.insert(s) }
            }
            HugePageMemory.release(UnsafeMutableRawPointer(oldSlots))
        }
        if let oldCompact {
            oldCompact.forEach { _ = target.insert($0) }
            oldCompact.release()
        }
        withExtendedLifetime(oldOverflow) {}
    }

    private func install(capacity: Int) {
        mask = capacity - 1
        if Self.usesCompact(capacity: capacity, allowed: allowsCompact) {
            let overflow = QuotientOverflow()
            overflowOwner = overflow
            compact = QuotientSlots(indexBits: capacity.trailingZeroBitCount, overflow: overflow)
            slots = nil
        } else {
            slots = HugePageMemory.allocateZeroed(capacity * MemoryLayout<UInt64>.stride).assumingMemoryBound(to: Atomic<UInt64>.self)
            compact = nil
            overflowOwner = nil
        }
    }

    private func releaseSlots() {
        if let slots { HugePageMemory.release(UnsafeMutableRawPointer(slots)) }
        compact?.release()
    }
}

extension SharedFingerprintTable {
    /// Every fingerprint stored (single-threaded: between rounds), for a checkpoint.
    public func forEach(_ body: (UInt64) -> Void) {
        if let slots {
            for i in 0..<capacity {
                let s = slots[i].load(ordering: .relaxed)
                if s != 0 { body(s) }
            }
        }
        compact?.forEach(body)
    }
}
