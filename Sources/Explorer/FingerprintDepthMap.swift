/// Fingerprints with the smallest depth each was reached at, for depth-bounded DFS: a state
/// reached again at a smaller depth is expanded again, so DFS finds every state BFS finds
/// within the bound. Open addressing like `FingerprintSet`; 9 bytes a slot.
public struct FingerprintDepthMap: Sendable {
    @usableFromInline var keys: [UInt64]
    @usableFromInline var depths: [UInt8]
    @usableFromInline var mask: Int
    @usableFromInline var storedCount = 0
    public var count: Int { storedCount }

    public init(expected: Int = 1 << 16) {
        var capacity = 1 << 4
        while capacity / 4 * 3 < expected { capacity <<= 1 }
        keys = [UInt64](repeating: 0, count: capacity)
        depths = [UInt8](repeating: 0, count: capacity)
        mask = capacity - 1
    }

    public var bytes: Int { keys.count * 9 }

    /// Records `fingerprint` at `depth`; true when it is new or was only seen deeper.
    @inlinable public mutating func lower(_ fingerprint: UInt64, to depth: Int) -> Bool {
        if (storedCount + 1) * 4 > keys.count * 3 { grow() }
        let d = UInt8(min(depth, 255))
        var i = Int(truncatingIfNeeded: fingerprint) & mask
        while true {
            let k = keys[i]
            if k == 0 {
                keys[i] = fingerprint
                depths[i] = d
                storedCount += 1
                return true
            }
            if k == fingerprint {
                guard d < depths[i] else { return false }
                depths[i] = d
                return true
            }
            i = (i + 1) & mask
        }
    }

    @usableFromInline mutating func grow() {
        let (oldKeys, oldDepths) = (keys, depths)
        keys = [UInt64](repeating: 0, count: oldKeys.count * 2)
        depths = [UInt8](repeating: 0, count: oldKeys.count * 2)
        mask = keys.count - 1
        for (k, d) in zip(oldKeys, oldDepths) where k != 0 {
            var i = Int(truncatingIfNeeded: k) & mask
            while keys[i] != 0 { i = (i + 1) & mask }
            keys[i] = k
            depths[i] = d
        }
    }
}
