/// Small bit helpers with the kernel's names, so that formulas read as in `drivers/iommu/iommu.c`.
@usableFromInline
enum Bits {
    /// Index of the lowest set bit (`__ffs`); `x` must be non-zero.
    @inlinable static func ffs(_ x: UInt64) -> Int { x.trailingZeroBitCount }
    /// Index of the highest set bit (`__fls`); `x` must be non-zero.
    @inlinable static func fls(_ x: UInt64) -> Int { 63 - x.leadingZeroBitCount }
    /// Bits `0...h` set (`GENMASK(h, 0)`).
    @inlinable static func genmask(_ h: Int) -> UInt64 { h >= 63 ? UInt64.max : (UInt64(1) << (h + 1)) - 1 }
    /// `x` rounded down to a multiple of the power of two `p`.
    @inlinable static func alignDown(_ x: UInt64, _ p: UInt64) -> UInt64 { x & ~(p &- 1) }
    /// Whether `x` is a multiple of the power of two `p`.
    @inlinable static func isAligned(_ x: UInt64, _ p: UInt64) -> Bool { x & (p &- 1) == 0 }
}
