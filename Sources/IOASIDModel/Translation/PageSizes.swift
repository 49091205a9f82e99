/// A `pgsize_bitmap`: the leaf sizes a domain may use, one bit per power-of-two size.
public struct PageSizes: Hashable, Sendable, CustomStringConvertible {
    public var bitmap: UInt64
    @inlinable public init(bitmap: UInt64) { self.bitmap = bitmap }

    /// Sizes listed explicitly (each must be a power of two).
    public init(_ sizes: [UInt64]) { bitmap = sizes.reduce(0) { $0 | $1 } }

    @inlinable public var isEmpty: Bool { bitmap == 0 }
    /// The smallest page (`1 << __ffs(pgsize_bitmap)`); 0 when empty.
    @inlinable public var smallest: UInt64 { bitmap == 0 ? 0 : 1 << UInt64(bitmap.trailingZeroBitCount) }
    /// The largest page; 0 when empty.
    @inlinable public var largest: UInt64 { bitmap == 0 ? 0 : 1 << UInt64(63 - bitmap.leadingZeroBitCount) }
    @inlinable public func contains(_ size: UInt64) -> Bool { size.nonzeroBitCount == 1 && bitmap & size != 0 }
    @inlinable public func isSubset(of other: PageSizes) -> Bool { bitmap & ~other.bitmap == 0 }

    /// The sizes, smallest first.
    public var sizes: [UInt64] {
        var out: [UInt64] = []
        var b = bitmap
        while b != 0 {
            let low = b & (~b &+ 1)
            out.append(low)
            b &= b &- 1
        }
        return out
    }

    /// `4K,2M,1G`.
    public var description: String { sizes.map(SizeText.format).joined(separator: ",") }
}

/// Sizes written the way the model language writes them: `4K`, `2M`, `1G`, otherwise hex.
public enum SizeText {
    /// The shortest exact spelling of `bytes` with a binary suffix, or `0x…`.
    public static func format(_ bytes: UInt64) -> String {
        if bytes == 0 { return "0" }
        for (shift, suffix) in [(30, "G"), (20, "M"), (10, "K")] where bytes % (1 << UInt64(shift)) == 0 {
            return "\(bytes >> UInt64(shift))\(suffix)"
        }
        return hex(bytes)
    }

    /// `0x` followed by lower-case hex digits.
    public static func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
}
