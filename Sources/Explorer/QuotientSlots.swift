import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The compact layout of the visited set, for tables of 2^23 slots and more: 6 bytes a slot
/// instead of 8, and still lossless. A fingerprint's low `indexBits` bits are its home slot, so a
/// slot stores only the rest (the *remainder*) and how far the entry sits past its home (its
/// *displacement*): the home is the slot index minus the displacement, and the fingerprint is
/// `remainder << indexBits | home`. Equality of slots is therefore equality of full 64-bit
/// fingerprints, and the collision probability a search prints stays the 64-bit one.
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
    @usableFromInline let indexBits: Int
    @usableFromInline let mask: Int
    @usableFromInline let displacementBits: Int
    @usableFromInline let maxDisplacement: Int
    /// Owned by the table (`SharedFingerprintTable.overflowOwner`): unowned here, so that copying
    /// the slots into a worker's view costs no reference counting.
    @usableFromInline unowned(unsafe) let overflow: QuotientOverflow

    /// The smallest table that uses this layout: below it, the remainder would not fit in 47 bits.
    @usableFromInline static var minimumIndexBits: Int { 23 }
    @usableFromInline static var bytesPerSlot: Int { 6 }

    init(indexBits: Int, overflow: QuotientOverflow) {
        precondition(indexBits >= Self.minimumIndexBits && indexBits < 48)
        self.indexBits = indexBits
        mask = (1 << indexBits) - 1
        // The remainder has 64 − indexBits bits; 47 − displacementBits of them fit.
        displacementBits = min(8, indexBits - 17)
        maxDisplacement = (1 << displacementBits) - 2
        self.overflow = overflow
        let bytes = (1 << indexBits) * Self.bytesPerSlot
        base = HugePageMemory.allocateZeroed(bytes)
    }

    func release() { HugePageMemory.release(base) }

    @inlinable var capacity: Int { mask + 1 }
    @inlinable var bytes: Int { capacity * Self.bytesPerSlot + overflow.bytes }

    @inlinable func head(_ i: Int) -> UnsafeMutablePointer<Atomic<UInt32>> {
        (base + (i >> 1) * 12 + (i & 1) * 4).assumingMemoryBound(to: Atomic<UInt32>.self)
    }

    @inlinable func tail(_ i: Int) -> UnsafeMutablePointer<Atomic<UInt16>> {
        (base + (i >> 1) * 12 + 8 + (i & 1) * 2).assumingMemoryBound(to: Atomic<UInt16>.self)
    }

    @inlinable func touch(_ fingerprint: UInt64) -> UInt64 {
        UInt64(head(Int(truncatingIfNeeded: fingerprint) & mask).pointee.load(ordering: .relaxed))
    }

    /// Inserts `fingerprint`; false when it was already present. Safe from several threads at once.
    @inlinable func insert(_ fingerprint: UInt64) -> Bool {
        let home = Int(truncatingIfNeeded: fingerprint) & mask
        let remainder = fingerprint >> UInt64(indexBits)
        let headBits = UInt32(truncatingIfNeeded: remainder) << UInt32(displacementBits)
        let wantTail = 0x8000 | UInt16(truncatingIfNeeded: remainder >> UInt64(32 - displacementBits)) & 0x7fff
        var d = 0
        while d <= maxDisplacement {
            let i = (home + d) & mask
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
        }
        return overflow.insert(fingerprint)
    }

    /// Every fingerprint stored, for a rebuild (single-threaded).
    func forEach(_ body: (UInt64) -> Void) {
        for i in 0..<capacity {
            let h = head(i).pointee.load(ordering: .relaxed)
            guard h != 0 else { continue }
            let t = tail(i).pointee.load(ordering: .relaxed)
            let d = Int(h & ((1 << UInt32(displacementBits)) - 1)) - 1
            let home = UInt64((i - d) & mask)
            let remainder = UInt64(h >> UInt32(displacementBits)) | UInt64(t & 0x7fff) << UInt64(32 - displacementBits)
            body(remainder << UInt64(indexBits) | home)
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
