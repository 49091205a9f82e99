/// The visited set: an open-addressing table of 64-bit fingerprints (0 = empty), power-of-two
/// capacity, linear probing, grown by rehashing at 3/4 load. Each fingerprint is stored once, so a
/// state costs 8 bytes over the load factor — and nothing else.
public struct FingerprintSet: Sendable {
    @usableFromInline var slots: [UInt64]
    @usableFromInline var mask: Int
    @usableFromInline var storedCount: Int = 0
    public var count: Int { storedCount }

    /// A set that holds `expected` fingerprints without growing.
    @inlinable public init(expected: Int = 1 << 16) {
        var capacity = 1 << 4
        while capacity / 4 * 3 < expected { capacity <<= 1 }
        slots = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
    }

    /// Slots in the table.
    public var capacity: Int { slots.count }
    /// Bytes the table occupies.
    @inlinable public var bytes: Int { slots.count * MemoryLayout<UInt64>.stride }

    /// Inserts `fingerprint` (non-zero); returns false when it was already present.
    @inlinable @discardableResult
    public mutating func insert(_ fingerprint: UInt64) -> Bool {
        if (storedCount + 1) * 4 > slots.count * 3 { grow() }
        var i = Int(truncatingIfNeeded: fingerprint) & mask
        while true {
            let s = slots[i]
            if s == 0 {
                slots[i] = fingerprint
                storedCount += 1
                return true
            }
            if s == fingerprint { return false }
            i = (i + 1) & mask
        }
    }

    /// Whether `fingerprint` is present.
    @inlinable public func contains(_ fingerprint: UInt64) -> Bool {
        var i = Int(truncatingIfNeeded: fingerprint) & mask
        while true {
            let s = slots[i]
            if s == fingerprint { return true }
            if s == 0 { return false }
            i = (i + 1) & mask
        }
    }

    @usableFromInline mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        mask = slots.count - 1
        for s in old where s != 0 {
            var i = Int(truncatingIfNeeded: s) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = s
        }
    }
}
