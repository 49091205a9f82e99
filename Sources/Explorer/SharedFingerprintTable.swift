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
/// A slot is the fingerprint itself (8 bytes) in a power-of-two table kept at most 3/4 full. With
/// `compact`, a table for 2^21 fingerprints or more switches to the lossless quotient layout of
/// `QuotientSlots` (6 bytes a slot), whose capacity steps by an eighth or less and which is kept
/// up to 27/32 full, so that it costs under 8 bytes a state (at a load of 3/4 or more).
/// The slots live outside Swift's arrays (no copy-on-write checks in the hot loop) in memory
/// advised for transparent huge pages.
public final class SharedFingerprintTable: @unchecked Sendable {
    @usableFromInline var slots: UnsafeMutablePointer<Atomic<UInt64>>?
    @usableFromInline var compact: QuotientSlots?
    @usableFromInline var overflowOwner: QuotientOverflow?
    @usableFromInline var mask: Int
    public private(set) var capacity: Int
    /// Kept by the caller: workers count their own inserts, and the search adds them up between
    /// rounds, so no counter is shared by every insert.
    public var count = 0

    /// Whether a table for 2^21 fingerprints or more takes the quotient layout.
    public let allowsCompact: Bool

    /// A table that holds `expected` fingerprints without growing; `compact` selects the quotient
    /// layout for large tables.
    public init(expected: Int, compact: Bool = false) {
        mask = 0
        capacity = 0
        allowsCompact = compact
        install(Self.geometry(forExpected: expected, compact: compact))
    }

    deinit { releaseSlots() }

    /// Whether the table uses the 6-byte quotient layout.
    public var isCompact: Bool { compact != nil }

    /// The most fingerprints a table of the quotient layout holds before it grows, as a fraction
    /// of its slots: 27/32. A round of the search may fill it to `roundLoad`.
    static func growthLimit(_ capacity: Int, compact: Bool) -> Int { compact ? capacity / 32 * 27 : capacity / 4 * 3 }

    /// How many fingerprints a round may bring the table to (7/8 plain, 29/32 quotient): past the
    /// growth limit, so that a round need not stop exactly there, but short of the long probes
    /// of a nearly full table.
    public var roundLimit: Int { isCompact ? capacity / 32 * 29 : capacity / 8 * 7 }

    /// The fewest fingerprints that take the quotient layout (when allowed).
    static var compactFrom: Int { 1 << 21 }

    /// Slots a table for `expected` fingerprints has: a power of two at most 3/4 full, or with
    /// `compact` from `compactFrom` fingerprints, a quotient capacity at most 27/32 full.
    public static func capacity(forExpected expected: Int, compact: Bool = false) -> Int {
        geometry(forExpected: expected, compact: compact).capacity
    }

    static func geometry(forExpected expected: Int, compact: Bool) -> (capacity: Int, compact: Bool) {
        if compact && expected >= compactFrom {
            var capacity = QuotientSlots.capacity(atLeast: expected / 27 * 32)
            while growthLimit(capacity, compact: true) < expected { capacity = QuotientSlots.capacity(atLeast: capacity + 1) }
            return (capacity, true)
        }
        var capacity = 1 << 4
        while growthLimit(capacity, compact: false) < expected { capacity <<= 1 }
        return (capacity, false)
    }

    /// Bytes such a table occupies.
    public static func bytes(forExpected expected: Int, compact: Bool = false) -> Int {
        let (capacity, compact) = geometry(forExpected: expected, compact: compact)
        return capacity * (compact ? QuotientSlots.bytesPerSlot : MemoryLayout<UInt64>.stride)
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

    /// Grows the table until `count + headroom` fits within its growth limit. Single-threaded.
    public func grow(toHold headroom: Int) {
        guard Self.growthLimit(capacity, compact: isCompact) < count + headroom else { return }
        let oldSlots = slots, oldCompact = compact, oldOverflow = overflowOwner, oldCapacity = capacity
        // A quotient table grows by its finest step (1/8 to 1/15), so that it ends between 3/4
        // and 29/32 full: its rebuilds then cost about twelve times its final count in all.
        install(Self.geometry(forExpected: count + headroom, compact: allowsCompact))
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

    private func install(_ geometry: (capacity: Int, compact: Bool)) {
        let capacity = geometry.capacity
        self.capacity = capacity
        mask = capacity - 1
        if geometry.compact {
            let overflow = QuotientOverflow()
            overflowOwner = overflow
            compact = QuotientSlots(capacity: capacity, overflow: overflow)
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
