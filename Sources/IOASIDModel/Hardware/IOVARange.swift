/// An inclusive address range `[first, last]`, as the kernel's interval trees hold them (so the
/// whole 64-bit space, `[0, ULONG_MAX]`, is representable).
public struct IOVARange: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var first: UInt64
    public var last: UInt64

    @inlinable public init(first: UInt64, last: UInt64) {
        self.first = first
        self.last = last
    }

    /// `[start, start + length - 1]`, or nil when `length` is 0 or the range wraps.
    @inlinable public init?(start: UInt64, length: UInt64) {
        guard length > 0 else { return nil }
        let (last, wrapped) = start.addingReportingOverflow(length - 1)
        guard !wrapped else { return nil }
        self.init(first: start, last: last)
    }

    /// The whole space `[0, ULONG_MAX]`.
    public static let all = IOVARange(first: 0, last: .max)

    /// Bytes covered; saturates at `UInt64.max` for the whole space.
    @inlinable public var length: UInt64 { last &- first == .max ? .max : last - first + 1 }

    @inlinable public func intersects(_ other: IOVARange) -> Bool { first <= other.last && other.first <= last }
    @inlinable public func contains(_ address: UInt64) -> Bool { first <= address && address <= last }
    @inlinable public func contains(_ other: IOVARange) -> Bool { first <= other.first && other.last <= last }
    /// The part of this range inside `other`; nil when they do not meet.
    @inlinable public func clamped(to other: IOVARange) -> IOVARange? {
        intersects(other) ? IOVARange(first: max(first, other.first), last: min(last, other.last)) : nil
    }

    public static func < (a: IOVARange, b: IOVARange) -> Bool { (a.first, a.last) < (b.first, b.last) }

    public var description: String { "[\(SizeText.hex(first)), \(SizeText.hex(last))]" }
}

extension IOVARange {
    /// The parts of `[0, ULONG_MAX]` outside `self`: what attaching a domain with this aperture
    /// reserves in its IOAS (`iopt_table_add_domain`).
    public var complement: [IOVARange] {
        var parts: [IOVARange] = []
        if first > 0 { parts.append(IOVARange(first: 0, last: first - 1)) }
        if last < .max { parts.append(IOVARange(first: last + 1, last: .max)) }
        return parts
    }

    /// The holes of `ranges` (which may overlap) within `space`, ascending.
    /// The addresses `ranges` cover, as disjoint ranges in order (overlapping and touching ones
    /// joined).
    public static func merged(_ ranges: [IOVARange]) -> [IOVARange] {
        var out: [IOVARange] = []
        for r in ranges.sorted() {
            if let last = out.last, last.last == .max || r.first <= last.last + 1 {
                out[out.count - 1].last = max(last.last, r.last)
            } else {
                out.append(r)
            }
        }
        return out
    }

    public static func holes(of ranges: [IOVARange], in space: IOVARange = .all) -> [IOVARange] {
        var holes: [IOVARange] = []
        var cursor = space.first
        var exhausted = false
        for r in ranges.sorted() where r.last >= space.first && r.first <= space.last {
            if r.first > cursor { holes.append(IOVARange(first: cursor, last: r.first - 1)) }
            if r.last >= space.last { exhausted = true; break }
            cursor = max(cursor, r.last + 1)
        }
        if !exhausted, cursor <= space.last { holes.append(IOVARange(first: cursor, last: space.last)) }
        return holes
    }
}
