/// A deterministic 64-bit hash of whole words, the same on every run and machine (never Swift's
/// seeded `Hasher`). Each word is folded in with a multiply-xorshift round and the result goes
/// through a final avalanche, so that states differing in one bit land far apart in the table.
public struct Fingerprint: Sendable {
    @usableFromInline var state: UInt64

    @inlinable public init(seed: UInt64 = 0x243F_6A88_85A3_08D3) { state = seed }

    /// Folds in one word.
    @inlinable public mutating func mix(_ word: UInt64) {
        state = (state ^ (word &* 0x9E37_79B9_7F4A_7C15)).rotateLeft(29) &* 0xBF58_476D_1CE4_E5B9
    }

    /// The fingerprint, never 0 (0 marks an empty slot of `FingerprintSet`).
    @inlinable public var value: UInt64 {
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return z == 0 ? 1 : z
    }
}

extension UInt64 {
    @inlinable func rotateLeft(_ n: UInt64) -> UInt64 { (self << n) | (self >> (64 - n)) }
}
