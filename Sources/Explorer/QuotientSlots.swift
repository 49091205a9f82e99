import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The compact layout of the visited set: 6 bytes a slot instead of 8, and still lossless.
///
/// A fingerprint's home slot comes from its low `lowBits` bits, `t`, scaled to the capacity:
/// `home = t · m / 16` for a capacity of `m · 2^(lowBits − 4)` slots, `m` in 8…15. So the
/// capacity need not be a power of two: it steps by 1/8 to 1/15, and a table can stay near its
/// target load, which is what 6-byte slots need to cost under 8 bytes a state. At most two `t`
/// share a home (16/m ≤ 2), so a slot stores the fingerprint's bits above `lowBits` and one bit
/// saying which `t` it was (the *remainder*), and how far the entry sits past its home (its
/// *displacement*). Equality of slots is therefore equality of full 64-bit fingerprints, and the
/// collision probability a search prints stays the 64-bit one.
///
/// A slot is a 32-bit head — displacement + 1 in its low `displacementBits` bits (never 0 when
/// taken) and the remainder's low bits above — and a 16-bit tail with the remainder's next 15
/// bits and a ready bit. The heads and tails of slots 2g and 2g+1 share 12 bytes (heads first), so
/// each field is aligned for its atomic. An insert claims a slot by compare-and-swap on its head,
/// then stores the tail; a reader that meets a head without a ready tail waits for it (a few
/// instructions). An entry that would sit more than `maxDisplacement` past its home goes to a
/// small overflow set under a lock: rare at the table's loads, and looked at only when the whole
/// window of a home is taken.
@usableFromInline struct QuotientSlots: @unchecked Sendable {
    @usableFromInline let base: UnsafeMutableRawPointer
    @usableFromInline let capacity: Int
    /// `m`: the capacity is `m << (lowBits − 4)`.
    @usableFromInline let multiplier: UInt64
    @usableFromInline let lowBits: Int
    @usableFromInline let displacementBits: Int
    @usableFromInline let maxDisplacement: Int
    /// Owned by the table (`SharedFingerprintTable.overflowOwner`): unowned here, so that copying
    /// the slots into a worker's view costs no reference counting.
    @usableFromInline unowned(unsafe) let overflow: QuotientOverflow

    @usableFromInline static var bytesPerSlot: Int { 6 }
    /// The head and tail hold 47 bits; the remainder has 65 − lowBits of them.
    static var payloadBits: Int { 47 }
    /// The fewest displacement bits worth having (30 slots of window): `lowBits` ≥ 23.
    static var minimumDisplacementBits: Int { 5 }
    static var minimumLowBits: Int { 65 - payloadBits + minimumDisplacementBits }
    /// The smallest capacity this layout takes: 8 · 2^19 slots.
    public static var minimumCapacity: Int { 8 << (minimumLowBits - 4) }

    /// The smallest capacity of the form `m · 2^j` (m in 8…15, j ≥ 19) that is at least `slots`.
    static func capacity(atLeast slots: Int) -> Int {
        var j = minimumLowBits - 4
        while 15 << j < slots { j += 1 }
        let m = max(8, (slots + (1 << j) - 1) >> j)
        return m << j
    }

    /// `capacity` must be one that `capacity(atLeast:)` gives.
    init(capacity: Int, overflow: QuotientOverflow) {
        let j = Int.bitWidth - 4 - capacity.leadingZeroBitCount
        precondition(j >= Self.minimumLowBits - 4 && j < 44 && capacity >> j >= 8 && capacity >> j < 16 && capacity & ((1 << j) - 1) == 0,
                     "not a quotient capacity: \(capacity)")
        self.capacity = capacity
        multiplier = UInt64(capacity >> j)
        lowBits = j + 4
        displacementBits = min(8, Self.payloadBits - (65 - lowBits))
        maxDisplacement = (1 << displacementBits) - 2
        self.overflow = overflow
        base = HugePageMemory.allocateZeroed(capacity * Self.bytesPerSlot)
    }

    func release() { HugePageMemory.release(base) }

    @inlinable var bytes: Int { capacity * Self.bytesPerSlot + overflow.bytes }

    @inlinable func head(_ i: Int) -> UnsafeMutablePointer<Atomic<UInt32>> {
        (base + (i >> 1) * 12 + (i & 1) * 4).assumingMemoryBound(to: Atomic<UInt32>.self)
    }

    @inlinable func tail(_ i: Int) -> UnsafeMutablePointer<Atomic<UInt16>> {
        (base + (i >> 1) * 12 + 8 + (i & 1) * 2).assumingMemoryBound(to: Atomic<UInt16>.self)
    }

    @inlinable func home(of low: UInt64) -> Int { Int(truncatingIfNeeded: (low &* multiplier) >> 4) }

    @inlinable func touch(_ fingerprint: UInt64) -> UInt64 {
        let low = fingerprint & ((1 << UInt64(lowBits)) - 1)
        return UInt64(head(home(of: low)).pointee.load(ordering: .relaxed))
    }

    /// Inserts `fingerprint`; false when it was already present. Safe from several threads at once.
    @inlinable func insert(_ fingerprint: UInt64) -> Bool {
        let low = fingerprint & ((1 << UInt64(lowBits)) - 1)
        let home = home(of: low)
        // The second of two lows that share a home says so in the remainder's lowest bit.
        let second: UInt64 = low != 0 && self.home(of: low &- 1) == home ? 1 : 0
        let remainder = (fingerprint >> UInt64(lowBits)) << 1 | second
        let headBits = UInt32(truncatingIfNeeded: remainder) << UInt32(displacementBits)
        let wantTail = 0x8000 | UInt16(truncatingIfNeeded: remainder >> UInt64(32 - displacementBits)) & 0x7fff
        var d = 0
        var i = home
        while d <= maxDisplacement {
            let wantHead = headBits | UInt32(d + 1)
            var h = head(i).pointee.load(ordering: .relaxed)
            if h == 0 {
                let (won, found) = head(i).pointee.compareExchange(expected: 0, desired: wantHead, ordering: .relaxed)
                if won {
                    tail(i).pointee.store(wantTail, ordering: .releasing)
                    return true
                }
                h = found
            }
            if h == wantHead {
                var t = tail(i).pointee.load(ordering: .acquiring)
                while t == 0 { t = tail(i).pointee.load(ordering: .acquiring) }
                if t == wantTail { return false }
            }
            d += 1
            i += 1
            if i == capacity { i = 0 }
        }
        return overflow.insert(fingerprint)
    }

    /// Every fingerprint stored, for a rebuild (single-threaded).
    func forEach(_ body: (UInt64) -> Void) {
        let m = Int(multiplier)
        for i in 0..<capacity {
            let h = head(i).pointee.load(ordering: .relaxed)
            guard h != 0 else { continue }
            let t = tail(i).pointee.load(ordering: .relaxed)
            let d = Int(h & ((1 << UInt32(displacementBits)) - 1)) - 1
            var home = i - d
            if home < 0 { home += capacity }
            let remainder = UInt64(h >> UInt32(displacementBits)) | UInt64(t & 0x7fff) << UInt64(32 - displacementBits)
            // The first low with this home is ⌈16 · home / m⌉.
            let low = UInt64((16 * home + m - 1) / m) + (remainder & 1)
            body((remainder >> 1) << UInt64(lowBits) | low)
        }
        overflow.forEach(body)
    }
}

/// The entries of `QuotientSlots` too far from their home, as full fingerprints under a lock.
@usableFromInline final class QuotientOverflow: Sendable {
    let entries = Mutex(FingerprintSet(expected: 1 << 10))

    init() {}

    @usableFromInline func insert(_ fingerprint: UInt64) -> Bool { entries.withLock { $0.insert(fingerprint) } }
    @usableFromInline var bytes: Int { entries.withLock { $0.bytes } }
    var count: Int { entries.withLock { $0.count } }
    func forEach(_ body: (UInt64) -> Void) {
        let slots = entries.withLock { $0.slots }
        for s in slots where s != 0 { body(s) }
    }
}
